//! SQL sources against real databases: a throwaway PostgreSQL 15 cluster,
//! a SQLite file, a throwaway MariaDB. The query runs as written, read-only;
//! a password in the URL never reaches a note.

#[path = "../../rollgate-verify/tests/support/cluster.rs"]
mod cluster;
#[path = "../../rollgate-verify/tests/support/mariadb.rs"]
mod mariadb;

use rollgate_connect::{Bindings, Sample};

/// Bindings with one sql metric `m` whose URL comes from env DB_URL.
fn source_with_url(url: &str, query: &str) -> Box<dyn rollgate_connect::MetricSource> {
    let text = format!("[metrics.m]\nsource = \"sql\"\nurl_env = \"DB_URL\"\nquery = '''{query}'''\ntimeout = \"5s\"\n");
    let url = url.to_string();
    let b = Bindings::parse(&text, "t.toml")
        .unwrap()
        .with_env(move |k| (k == "DB_URL").then(|| url.clone()));
    b.source("m").unwrap()
}

#[test]
fn postgres_values_nulls_errors_and_read_only_sessions() {
    let pg = cluster::Cluster::start();
    pg.require_password("gate", "Pw-Hunter2-xyz");
    pg.sql("CREATE TABLE lag (seconds numeric); INSERT INTO lag VALUES (12.5); GRANT SELECT, INSERT ON lag TO gate;");
    let url = format!(
        "postgres://gate:Pw-Hunter2-xyz@127.0.0.1:{}/postgres",
        pg.port
    );

    let numeric = source_with_url(&url, "select seconds from lag");
    assert_eq!(
        numeric.sample(),
        Sample::of(12.5, "sql: first column of the first row")
    );
    assert!(
        !numeric.describe().contains("Hunter2"),
        "{}",
        numeric.describe()
    );

    let epoch = source_with_url(&url, "select extract(epoch from interval '90 seconds')");
    assert_eq!(epoch.sample().value, Some(90.0));

    let boolean = source_with_url(&url, "select pg_is_in_recovery()");
    assert_eq!(boolean.sample().value, Some(0.0));

    let null = source_with_url(&url, "select null::int");
    assert_eq!(null.sample(), Sample::none("sql: no row, or NULL"));
    let nan = source_with_url(&url, "select 'NaN'::float8");
    assert_eq!(nan.sample(), Sample::none("sql: not a finite number (NaN)"));

    // Gate queries must not write: the session is read-only.
    let write = source_with_url(&url, "insert into lag values (1) returning 1");
    assert_eq!(
        write.sample(),
        Sample::none("sql: cannot execute INSERT in a read-only transaction (25006)")
    );

    let wrong = format!(
        "postgres://gate:Wrong-Hunter2-pw@127.0.0.1:{}/postgres",
        pg.port
    );
    let refused = source_with_url(&wrong, "select 1").sample();
    assert_eq!(refused.value, None);
    assert!(
        refused
            .note
            .starts_with("sql: password authentication failed"),
        "{}",
        refused.note
    );
    assert!(!refused.note.contains("Hunter2"), "{}", refused.note);

    drop(pg);
    let down = numeric.sample();
    assert_eq!(down.value, None);
    assert!(
        !down.note.contains("Hunter2") && down.note.starts_with("sql: "),
        "{}",
        down.note
    );
}

#[test]
fn sqlite_file_values_and_missing_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE q (depth INTEGER, ratio REAL); INSERT INTO q VALUES (42, 0.5);",
    )
    .unwrap();
    let url = format!("sqlite:{}", path.display());
    assert_eq!(
        source_with_url(&url, "select depth from q").sample().value,
        Some(42.0)
    );
    assert_eq!(
        source_with_url(&url, "select ratio from q").sample().value,
        Some(0.5)
    );
    assert_eq!(
        source_with_url(&url, "select depth from q where 0").sample(),
        Sample::none("sql: no row, or NULL")
    );
    let write = source_with_url(&url, "delete from q returning 1").sample();
    assert_eq!(write.value, None);
    assert!(write.note.contains("readonly"), "{}", write.note);
    let count: i64 = conn
        .query_row("select count(*) from q", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1, "the read-only source deleted a row");
    let missing = source_with_url(
        &format!("sqlite://{}/nope.db", dir.path().display()),
        "select 1",
    )
    .sample();
    assert!(
        missing.note.starts_with("sql: opening the database"),
        "{}",
        missing.note
    );
}

#[test]
fn mariadb_values_and_no_password_in_notes() {
    let m = mariadb::MariaDb::start();
    m.sql("CREATE TABLE backlog (n INT); INSERT INTO backlog VALUES (17);");
    let url = m.url();
    assert_eq!(
        source_with_url(&url, "SELECT n FROM backlog")
            .sample()
            .value,
        Some(17.0)
    );
    assert_eq!(
        source_with_url(&url, "SELECT AVG(n) / 2 FROM backlog")
            .sample()
            .value,
        Some(8.5)
    );
    let bad = source_with_url(&url.replace("S3cret-m4ria", "Wrong-S3cret"), "SELECT 1").sample();
    assert_eq!(bad.value, None);
    assert!(
        bad.note.contains("Access denied") && !bad.note.contains("S3cret"),
        "{}",
        bad.note
    );
}
