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

/// Runs openssl (Debian's `openssl`, installed by scripts/setup-run-tests.sh).
fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a server certificate it signed for 127.0.0.1, and an unrelated CA.
fn certificates(dir: &std::path::Path) {
    let days = ["-days", "2"];
    openssl(
        dir,
        &[
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=rollgate test CA",
            ][..],
            &days,
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "other.key",
                "-out",
                "other.pem",
                "-subj",
                "/CN=someone else",
            ][..],
            &days,
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(
        dir,
        &[
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-extfile",
                "san.ext",
            ][..],
            &days,
        ]
        .concat(),
    );
}

#[test]
fn postgres_over_tls_encrypts_by_default_and_verifies_with_a_ca_file() {
    let pg = cluster::Cluster::start();
    let base = format!("postgres://postgres@127.0.0.1:{}/postgres", pg.port);
    let ssl_in_use = "select ssl::int from pg_stat_ssl where pid = pg_backend_pid()";

    let refused = source_with_url(&format!("{base}?sslmode=require"), ssl_in_use).sample();
    assert_eq!(
        refused.value, None,
        "sslmode=require against a server without TLS"
    );

    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let mut admin = postgres::Client::connect(&pg.url(), postgres::NoTls).unwrap();
    let data: String = admin.query_one("show data_directory", &[]).unwrap().get(0);
    for f in ["server.pem", "server.key"] {
        std::fs::copy(dir.path().join(f), std::path::Path::new(&data).join(f)).unwrap();
        // The server reads them as its own user, and insists on a private key.
        let _ = std::process::Command::new("chown")
            .args(["postgres", &format!("{data}/{f}")])
            .status();
        std::fs::set_permissions(
            format!("{data}/{f}"),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
    }
    // One statement at a time: ALTER SYSTEM refuses a multi-statement batch.
    for sql in [
        "ALTER SYSTEM SET ssl_cert_file = 'server.pem'",
        "ALTER SYSTEM SET ssl_key_file = 'server.key'",
        "ALTER SYSTEM SET ssl = on",
        "SELECT pg_reload_conf()",
    ] {
        admin.batch_execute(sql).unwrap();
    }
    // The reload is asynchronous: sample until TLS is offered (10 s at most).
    let require = source_with_url(&format!("{base}?sslmode=require"), ssl_in_use);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut encrypted = require.sample();
    while encrypted.value.is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
        encrypted = require.sample();
    }
    assert_eq!(encrypted.value, Some(1.0), "{}", encrypted.note);
    assert_eq!(
        source_with_url(&base, ssl_in_use).sample().value,
        Some(1.0),
        "prefer is the default: encrypted when offered"
    );
    assert_eq!(
        source_with_url(&format!("{base}?sslmode=disable"), ssl_in_use)
            .sample()
            .value,
        Some(0.0)
    );

    let with_ca = |ca: &str| {
        let text = format!("[metrics.m]\nsource = \"sql\"\nurl = \"{base}?sslmode=require\"\nca_file = \"{}/{ca}\"\nquery = '{ssl_in_use}'\n", dir.path().display());
        Bindings::parse(&text, "t.toml")
            .unwrap()
            .source("m")
            .unwrap()
            .sample()
    };
    assert_eq!(
        with_ca("ca.pem").value,
        Some(1.0),
        "{:?}",
        with_ca("ca.pem")
    );
    let untrusted = with_ca("other.pem");
    assert_eq!(untrusted.value, None);
    assert!(
        untrusted.note.contains("UnknownIssuer"),
        "{}",
        untrusted.note
    );
}
