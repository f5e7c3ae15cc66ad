//! Verifier tests against two real PostgreSQL clusters started on loopback
//! for the test (initdb + pg_ctl from the server binaries on the machine)
//! and removed afterwards.

#[path = "support/cluster.rs"]
mod cluster;

use cluster::Cluster;
use rollgate_verify::{verify, Options};

const SCHEMA: &str = "
CREATE TABLE items (
  id bigint PRIMARY KEY,
  name text,
  price numeric(12,4),
  ratio double precision,
  at timestamptz,
  doc jsonb,
  blob bytea,
  tags text[]
);
CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b));
CREATE TABLE uids (id uuid PRIMARY KEY, v text);
CREATE TABLE loose (x int, y text);
CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents(id));
CREATE TABLE counters (id serial PRIMARY KEY, v int);
CREATE TABLE nothing (id int PRIMARY KEY, v text);
";

const DATA: &str = "
INSERT INTO items SELECT g, 'name ' || g || ' Ångström ß ü 😀', (g * 1.0001)::numeric(12,4), g / 3.0,
  timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', jsonb_build_object('b', g, 'a', 'x'),
  decode(md5(g::text), 'hex'), ARRAY['t' || g, NULL]
FROM generate_series(1, 1000) g;
UPDATE items SET name = NULL, doc = NULL WHERE id % 97 = 0;
INSERT INTO pairs SELECT g % 10, 'k' || g, g FROM generate_series(1, 300) g;
INSERT INTO uids SELECT md5(g::text)::uuid, 'v' || g FROM generate_series(1, 300) g;
INSERT INTO loose SELECT g, 'y' || g FROM generate_series(1, 100) g;
INSERT INTO parents SELECT g FROM generate_series(1, 20) g;
INSERT INTO children SELECT g, g % 20 + 1 FROM generate_series(1, 50) g;
INSERT INTO counters (v) SELECT g FROM generate_series(1, 30) g;
";

fn pair() -> (Cluster, Cluster) {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql(SCHEMA);
        c.sql(DATA);
    }
    (a, b)
}

fn opts(a: &Cluster, b: &Cluster) -> Options {
    Options {
        source: a.url(),
        target: b.url(),
        chunk_rows: 200,
        leaf_rows: 25,
        ..Options::default()
    }
}

#[test]
fn identical_databases_are_equal_and_nothing_is_written() {
    let (a, b) = pair();
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(r.equal, "{}", rollgate_verify::text(&r));
    assert!(r
        .tables
        .iter()
        .find(|t| t.table == "public.loose")
        .unwrap()
        .warnings[0]
        .contains("no primary key"));
    let empty = r
        .tables
        .iter()
        .find(|t| t.table == "public.nothing")
        .unwrap();
    assert_eq!((empty.source_rows, empty.target_rows), (0, 0));
    assert!(empty.equal);
    // A row only in the target of an otherwise empty table is found.
    b.sql("INSERT INTO nothing VALUES (1, 'only here')");
    let r = verify(&opts(&a, &b)).unwrap();
    let t = r
        .tables
        .iter()
        .find(|t| t.table == "public.nothing")
        .unwrap();
    assert_eq!(t.extra_in_target, vec!["1".to_string()]);
    b.sql("DELETE FROM nothing");
    // Differences in JSONB key order are not differences.
    b.sql("UPDATE items SET doc = '{\"a\": \"x\", \"b\": 5}'::jsonb WHERE id = 5");
    assert!(verify(&opts(&a, &b)).unwrap().equal);
}

#[test]
fn missing_extra_and_changed_rows_in_first_middle_and_last_ranges() {
    let (a, b) = pair();
    b.sql("DELETE FROM items WHERE id IN (1, 500);
           INSERT INTO items (id, name) VALUES (1001, 'extra');
           UPDATE items SET price = price + 0.0001 WHERE id = 999;
           UPDATE items SET ratio = ratio + 1e-12, at = at + interval '1 microsecond' WHERE id = 250;
           UPDATE items SET tags = ARRAY['t250'] WHERE id = 251;
           UPDATE items SET blob = '\\x00' WHERE id = 252;");
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(!r.equal);
    let t = r.tables.iter().find(|t| t.table == "public.items").unwrap();
    let mut missing = t.missing_in_target.clone();
    missing.sort();
    assert_eq!(missing, vec!["1", "500"]);
    assert_eq!(t.extra_in_target, vec!["1001"]);
    let changed: Vec<(&str, &Vec<String>)> = t
        .changed
        .iter()
        .map(|c| (c.key.as_str(), &c.columns))
        .collect();
    assert!(
        changed.contains(&("999", &vec!["price".to_string()])),
        "{changed:?}"
    );
    assert!(
        changed.iter().any(|(k, cols)| *k == "250"
            && cols.contains(&"ratio".to_string())
            && cols.contains(&"at".to_string())),
        "{changed:?}"
    );
    assert!(changed
        .iter()
        .any(|(k, cols)| *k == "251" && cols == &&vec!["tags".to_string()]));
    assert!(changed
        .iter()
        .any(|(k, cols)| *k == "252" && cols == &&vec!["blob".to_string()]));
    assert_eq!(t.changed_count, 4);
    assert_eq!((t.source_rows, t.target_rows), (1000, 999));
}

#[test]
fn many_rows_only_in_the_target_past_the_last_source_key() {
    // 300 extra rows land in the last bucket, far beyond a bucket's size, so
    // the verifier must fall back to walking ranges and still count them all.
    let (a, b) = pair();
    b.sql(
        "INSERT INTO items (id) SELECT g FROM generate_series(2001, 2300) g;
           INSERT INTO uids SELECT md5(g::text)::uuid, 'new' FROM generate_series(5001, 5010) g;",
    );
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(!r.equal);
    let items = r.tables.iter().find(|t| t.table == "public.items").unwrap();
    assert_eq!(items.extra_count, 300);
    assert_eq!(items.missing_count + items.changed_count, 0);
    assert_eq!((items.source_rows, items.target_rows), (1000, 1300));
    let uids = r.tables.iter().find(|t| t.table == "public.uids").unwrap();
    assert_eq!(uids.extra_count, 10);
    assert_eq!((uids.source_rows, uids.target_rows), (300, 310));
}

#[test]
fn composite_and_uuid_keys_and_tables_without_keys() {
    let (a, b) = pair();
    b.sql(
        "UPDATE pairs SET v = -1 WHERE a = 3 AND b = 'k13';
           DELETE FROM uids WHERE id = md5('7')::uuid;
           UPDATE loose SET y = 'changed' WHERE x = 50;",
    );
    let r = verify(&opts(&a, &b)).unwrap();
    let pairs = r.tables.iter().find(|t| t.table == "public.pairs").unwrap();
    assert_eq!(
        pairs
            .changed
            .iter()
            .map(|c| c.key.as_str())
            .collect::<Vec<_>>(),
        vec!["3,k13"]
    );
    let uids = r.tables.iter().find(|t| t.table == "public.uids").unwrap();
    assert_eq!(uids.missing_count, 1);
    let loose = r.tables.iter().find(|t| t.table == "public.loose").unwrap();
    assert!(!loose.equal);
}

#[test]
fn schema_differences_sequences_and_foreign_keys() {
    let (a, b) = pair();
    b.sql("ALTER TABLE pairs ALTER COLUMN v TYPE bigint;
           SELECT setval('counters_id_seq', 5);
           SET session_replication_role = replica; INSERT INTO children VALUES (999, 12345); SET session_replication_role = origin;");
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(
        r.schema_differences.iter().any(|d| d.contains("pairs.v")),
        "{:?}",
        r.schema_differences
    );
    let seq = r
        .sequences
        .iter()
        .find(|s| s.sequence.contains("counters_id_seq"))
        .unwrap();
    assert!(!seq.ahead && seq.source_max == Some(30));
    assert!(
        r.foreign_key_violations
            .iter()
            .any(|f| f.contains("children")),
        "{:?}",
        r.foreign_key_violations
    );
    assert!(!r.equal);
}

#[test]
fn missing_indexes_and_constraints_are_schema_differences() {
    let (a, b) = pair();
    a.sql("CREATE INDEX items_name ON items (name); ALTER TABLE uids ADD CONSTRAINT v_unique UNIQUE (v);");
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(
        r.schema_differences
            .iter()
            .any(|d| d.contains("only in source: index public.items_name")),
        "{:?}",
        r.schema_differences
    );
    assert!(
        r.schema_differences.iter().any(|d| d.contains("v_unique")),
        "{:?}",
        r.schema_differences
    );
    assert!(!r.equal);
}

#[test]
fn differences_that_replication_catches_up_are_not_divergence() {
    let (a, b) = pair();
    a.sql("UPDATE items SET name = 'written on the source' WHERE id = 42");
    let url = b.url();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("UPDATE items SET name = 'written on the source' WHERE id = 42")
            .unwrap();
    });
    let r = verify(&Options {
        recheck_after: Some(2),
        ..opts(&a, &b)
    })
    .unwrap();
    writer.join().unwrap();
    let t = r.tables.iter().find(|t| t.table == "public.items").unwrap();
    assert_eq!(t.persisted_after_recheck, Some(false));
    assert!(r.equal, "{}", rollgate_verify::text(&r));
}

#[test]
fn sessions_are_read_only_and_passwords_stay_hidden() {
    let (a, b) = pair();
    let bad = format!(
        "host=127.0.0.1 port={} user=nobody password=hunter2 dbname=postgres",
        b.port
    );
    let err = verify(&Options {
        target: bad,
        ..opts(&a, &b)
    })
    .unwrap_err()
    .to_string();
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("password=***"), "{err}");
    // The verifier's session cannot write, even if a query tried.
    let mut c = postgres::Client::connect(&a.url(), postgres::NoTls).unwrap();
    c.batch_execute("SET default_transaction_read_only = on")
        .unwrap();
    assert!(c
        .batch_execute("INSERT INTO loose VALUES (1, 'x')")
        .is_err());
}
