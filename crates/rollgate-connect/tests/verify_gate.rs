//! `rollgate verify` as a gate metric against a real PostgreSQL 15: two
//! databases that hold the same data measure 0 differences; one changed
//! row makes it 1; a target that cannot be reached is no data, with no
//! password in the note; the connection strings are accepted only as
//! secrets.

#[path = "../../rollgate-verify/tests/support/cluster.rs"]
mod cluster;

use rollgate_connect::Bindings;

fn gate(source: String, target: String) -> Box<dyn rollgate_connect::MetricSource> {
    let text = "[metrics.parity]\nsource = \"verify\"\nsource_url_env = \"SRC\"\ntarget_url_env = \"DST\"\ntables = 'public.%'\ntimeout = \"30s\"\n";
    Bindings::parse(text, "t.toml")
        .unwrap()
        .with_env(move |k| match k {
            "SRC" => Some(source.clone()),
            "DST" => Some(target.clone()),
            _ => None,
        })
        .source("parity")
        .unwrap()
}

#[test]
fn verify_counts_differences_between_two_real_databases() {
    let pg = cluster::Cluster::start();
    pg.sql("CREATE DATABASE a");
    pg.sql("CREATE DATABASE b");
    let url = |db: &str| pg.url().replace("dbname=postgres", &format!("dbname={db}"));
    for db in ["a", "b"] {
        let mut c = postgres::Client::connect(&url(db), postgres::NoTls).unwrap();
        c.batch_execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10,2) NOT NULL); INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 500) g;").unwrap();
    }
    let source = gate(url("a"), url("b"));
    let s = source.sample();
    assert_eq!(s.value, Some(0.0), "{}", s.note);
    let mut b = postgres::Client::connect(&url("b"), postgres::NoTls).unwrap();
    b.batch_execute("UPDATE orders SET total = 0 WHERE id = 42")
        .unwrap();
    let s = source.sample();
    assert_eq!(s.value, Some(1.0), "{}", s.note);
    assert!(s.note.contains("1 differences"), "{}", s.note);

    pg.require_password("gatekeeper", "s3cret-pass");
    let unreachable = gate(
        url("a"),
        "postgresql://gatekeeper:wrong-s3cret@127.0.0.1:1/b".into(),
    );
    let s = unreachable.sample();
    assert_eq!(s.value, None);
    assert!(!s.note.contains("wrong-s3cret"), "{}", s.note);
}

#[test]
fn a_verify_gate_takes_its_connection_strings_only_as_secrets() {
    let err = Bindings::parse(
        "[metrics.parity]\nsource = \"verify\"\nurl = \"postgresql://u:p@h/db\"\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("t.toml:"), "{err}");
    assert!(!err.contains("u:p@h"), "{err}");
    let err = Bindings::parse(
        "[metrics.parity]\nsource = \"verify\"\nsource_url_env = \"A\"\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("target_url_env"), "{err}");
}
