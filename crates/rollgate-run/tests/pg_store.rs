//! The PostgreSQL rollout store against a real PostgreSQL 15 server: the
//! same rollout operated from two connections, one runner at a time, and
//! a log no one can rewrite.

#[path = "../../rollgate-verify/tests/support/cluster.rs"]
mod cluster;
mod support;

use rollgate_run::*;
use support::*;

#[test]
fn a_team_operates_one_rollout_from_two_connections_one_runner_at_a_time() {
    let pg = cluster::Cluster::start();
    let json = plan_json("redis-to-valkey-sessions.txt");
    let clock = TestClock::at("2026-04-27T08:00:00Z");
    let mut ana = PgStore::connect(&pg.url()).unwrap();
    let mut bo = PgStore::connect(&pg.url()).unwrap();
    let id = start(&mut ana, &json, Some("valkey"), &clock, "ana").unwrap();
    let world = World::new(&[]);

    let mut held = Runner::open(&mut ana, &id, world.wiring(), &clock, "ana").unwrap();
    held.claim_watch().unwrap();
    let mut other = Runner::open(&mut bo, &id, world.wiring(), &clock, "bo").unwrap();
    let err = other.claim_watch().unwrap_err().to_string();
    assert!(err.contains("ana (pid"), "{err}");
    drop(other);
    drop(held);

    let mut r = Runner::open(&mut bo, &id, world.wiring(), &clock, "bo").unwrap();
    r.approve("bo", Some("1"), "from the second connection")
        .unwrap();
    r.advance(Some("drill")).unwrap();
    drop(r);
    let r = Runner::open(&mut ana, &id, world.wiring(), &clock, "ana").unwrap();
    assert_eq!(
        r.state().phase,
        1,
        "the first connection sees the second's transition"
    );
    let seqs: Vec<i64> = r.entries().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    drop(r);
    assert_eq!(ana.rollouts().unwrap()[0].id, "valkey");
}

#[test]
fn the_postgresql_log_refuses_updates_and_deletes() {
    let pg = cluster::Cluster::start();
    let json = plan_json("redis-to-valkey-sessions.txt");
    let clock = TestClock::at("2026-04-27T08:00:00Z");
    let mut store = PgStore::connect(&pg.url()).unwrap();
    start(&mut store, &json, Some("valkey"), &clock, "ana").unwrap();
    // Opening the store again (a second runner's start-up) keeps the schema.
    drop(PgStore::connect(&pg.url()).unwrap());
    let mut c = postgres::Client::connect(&pg.url(), postgres::NoTls).unwrap();
    for sql in [
        "UPDATE rollgate_events SET actor = 'mallory'",
        "DELETE FROM rollgate_events",
        "UPDATE rollgate_rollouts SET plan_json = '{}'",
    ] {
        let err = c.batch_execute(sql).unwrap_err();
        let msg = err
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_default();
        assert!(msg.contains("append-only"), "{sql}: {err}");
    }
    let n: i64 = c
        .query_one("SELECT count(*) FROM rollgate_events", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
    let dup = start(&mut store, &json, Some("valkey"), &clock, "ana")
        .unwrap_err()
        .to_string();
    assert!(dup.contains("already exists"), "{dup}");
}
