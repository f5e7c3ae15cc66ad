//! `rollgate verify postgres` through the real binary, against two real
//! clusters: exit 0 when equal, 1 when they differ, 2 on error, and no
//! password in any output.

#[path = "../../rollgate-verify/tests/support/cluster.rs"]
mod cluster;
#[path = "../../rollgate-verify/tests/support/mariadb.rs"]
mod mariadb;

use cluster::Cluster;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rollgate"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn verify_exit_codes_and_json() {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g;");
    }
    let (code, out, err) = run(&[
        "verify",
        "postgres",
        "--source",
        &a.url(),
        "--target",
        &b.url(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("EQUAL"));
    // The server sees who is asking, so a DBA can find the verifier's
    // sessions in pg_stat_activity and its statements in the log.
    assert!(a.log().contains("rollgate verify|"), "{}", a.log());
    b.sql("UPDATE t SET v = 'x' WHERE id = 250");
    let (code, out, _) = run(&[
        "verify",
        "postgres",
        "--source",
        &a.url(),
        "--target",
        &b.url(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["equal"], false);
    assert_eq!(v["tables"][0]["changed"][0]["key"], "250");
    assert_eq!(v["tables"][0]["changed"][0]["columns"][0], "v");
    let with_password = format!("{} password=topsecret", b.url());
    let (code, out, err) = run(&[
        "verify",
        "postgres",
        "--source",
        &a.url(),
        "--target",
        &with_password,
        "--tables",
        "public.t",
    ]);
    assert!(code == 1 || code == 0, "{err}");
    assert!(
        !out.contains("topsecret") && !err.contains("topsecret"),
        "{out}{err}"
    );
    let (code, _, err) = run(&[
        "verify",
        "postgres",
        "--source",
        "host=127.0.0.1 port=1 password=hunter2",
        "--target",
        &b.url(),
    ]);
    assert_eq!(code, 2);
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn verify_options_estimate_and_a_progress_bar_on_a_terminal() {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql(
            "CREATE TABLE big (id bigint PRIMARY KEY, v text);
               INSERT INTO big SELECT g, repeat('v', 40) FROM generate_series(1, 300000) g;
               ANALYZE big;",
        );
    }
    let (src, dst) = (a.url(), b.url());
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "postgres", "--source", &src, "--target", &dst];
        args.extend_from_slice(extra);
        run(&args)
    };
    // Impossible values are refused before any connection, with exit 2.
    for (flag, value) in [
        ("--jobs", "0"),
        ("--statement-timeout-ms", "0"),
        ("--leaf-rows", "0"),
    ] {
        let (code, _, err) = verify(&[flag, value]);
        assert_eq!(code, 2, "{flag} {value}: {err}");
        assert!(err.contains(flag), "{err}");
    }
    // --estimate says what it is.
    let (code, out, piped_err) = verify(&["--estimate"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ESTIMATE ONLY"), "{out}");
    assert!(out.contains("~300000"), "{out}");
    // On a terminal (a pseudo-terminal from script(1)) a progress bar is
    // drawn on stderr; piped, as above, it is not.
    b.sql("UPDATE big SET v = 'changed' WHERE id % 1000 = 1");
    let cmd = format!(
        "{} verify postgres --source '{src}' --target '{dst}' --jobs 2",
        env!("CARGO_BIN_EXE_rollgate")
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{screen}");
    assert!(screen.contains("verifying"), "{screen}");
    assert!(screen.contains("changed 300"), "{screen}");
    assert!(!piped_err.contains("verifying"), "{piped_err}");
}

/// The password of the `u` role in the test below: every fragment of it is
/// distinctive, so that a leak of any part shows up.
const SECRET: &str = "Sx1 Qy2'Rz3\\Tw4@Uv5";
const FRAGMENTS: [&str; 5] = ["Sx1", "Qy2", "Rz3", "Tw4", "Uv5"];

/// Percent-encodes everything but letters and digits, for URLs.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A key=value value in single quotes, with `'` and `\` escaped.
fn kv_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn assert_no_secret(what: &str, out: &str, err: &str) {
    for f in FRAGMENTS {
        assert!(
            !out.contains(f) && !err.contains(f),
            "{what}: {f:?} printed\nstdout: {out}\nstderr: {err}"
        );
    }
}

/// Regression: `password = x` (spaces around `=`), quoted values with
/// spaces, and a raw `@` in a URL password used to be printed in part or
/// whole, in the header, in JSON and in errors.
#[test]
fn verify_never_prints_a_password_in_any_form_libpq_accepts() {
    let (a, b) = (Cluster::start(), Cluster::start());
    a.require_password("u", SECRET);
    a.sql("CREATE TABLE t (id int PRIMARY KEY); GRANT SELECT ON t TO u;");
    b.sql("CREATE TABLE t (id int PRIMARY KEY);");
    let p = a.port;
    let verify = |source: &str, extra: &[&str]| {
        let mut args = vec!["verify", "postgres", "--source", source, "--target"];
        let target = b.url();
        args.push(&target);
        args.extend_from_slice(extra);
        run(&args)
    };
    let q = kv_quoted(SECRET);
    let e = pct(SECRET);
    let good = [
        format!("postgresql://u:{e}@127.0.0.1:{p}/postgres"),
        format!("postgres://u@127.0.0.1:{p}/postgres?password={e}&sslmode=disable"),
        format!("postgresql://127.0.0.1:{p}/postgres?user=u&password={e}"),
        format!("host=127.0.0.1 port={p} dbname=postgres user=u password = {q}"),
        format!("host=127.0.0.1 port={p} dbname=postgres user=u password={q}"),
        format!("password ={q} host = 127.0.0.1 port= {p} dbname =postgres user=u"),
        // Several hosts: the first refuses, the second answers.
        format!("host=127.0.0.1,127.0.0.1 port=1,{p} dbname=postgres user=u password={q}"),
        format!("postgresql://u:{e}@127.0.0.1:1,127.0.0.1:{p}/postgres"),
    ];
    for s in &good {
        for format in ["text", "json"] {
            let (code, out, err) = verify(s, &["--format", format]);
            assert_eq!(code, 0, "{s}: {out}{err}");
            assert_no_secret(s, &out, &err);
            if format == "json" {
                let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                let shown = v["source"].as_str().unwrap();
                assert!(
                    shown.contains("127.0.0.1") && shown.contains("user=u"),
                    "{shown}"
                );
                assert!(shown.contains(&p.to_string()), "{shown}");
            }
        }
    }
    let wrong = [
        format!(
            "postgresql://u:{}@127.0.0.1:{p}/postgres",
            pct("Sx1 Qy2 wrong")
        ),
        format!("host=127.0.0.1 port={p} dbname=postgres user=u password = 'Sx1 Qy2\\'Rz3 wrong'"),
    ];
    for s in &wrong {
        let (code, out, err) = verify(s, &[]);
        assert_eq!(code, 2, "{s}: {out}{err}");
        assert!(err.contains("password authentication failed"), "{err}");
        assert!(err.contains("user=u"), "{err}");
        assert_no_secret(s, &out, &err);
    }
    let refused = format!("host=127.0.0.1 port=1 user=u password={q}");
    let (code, out, err) = verify(&refused, &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert_no_secret(&refused, &out, &err);
    let unparseable = [
        // libpq keywords are lowercase; PASSWORD is an unknown option.
        format!("host=127.0.0.1 port={p} user=u PASSWORD={q}"),
        format!("host=127.0.0.1 port={p} user=u Password = {q}"),
        // An unquoted value with spaces, and an unterminated quote.
        format!("host=127.0.0.1 port={p} user=u password=Sx1 Qy2 Rz3=Tw4 Uv5"),
        format!("host=127.0.0.1 port={p} user=u password=Sx1 Qy2Rz3Tw4Uv5"),
        format!("host=127.0.0.1 port={p} user=u password='Sx1 Qy2 Rz3\\'Tw4Uv5"),
        // A raw @ inside a URL password.
        format!("postgresql://u:Sx1Qy2Rz3@Tw4Uv5@127.0.0.1:{p}/postgres"),
        format!("postgresql://u:Sx1@Qy2Rz3Tw4Uv5@127.0.0.1:{p}/postgres"),
        // A raw & inside a query-parameter password.
        format!("postgresql://127.0.0.1:{p}/postgres?user=u&password=Sx1&Qy2Rz3Tw4Uv5"),
        // Invalid percent-encoding.
        format!("postgresql://u:Sx1Qy2Rz3Tw4Uv5@127.0.0.1:{p}/%ff%fe?password=Sx1Qy2"),
    ];
    for s in &unparseable {
        for format in ["text", "json"] {
            let (code, out, err) = verify(s, &["--format", format]);
            assert_eq!(code, 2, "{s}: {out}{err}");
            assert!(err.contains("source"), "{err}");
            assert_no_secret(s, &out, &err);
        }
    }
}

/// `rollgate verify --source mariadb://… --target postgresql://…`: the
/// engines come from the URLs; exit 0 equal, 1 different; the MariaDB
/// password appears nowhere.
#[test]
fn verify_across_engines_from_the_urls() {
    let (m, p) = std::thread::scope(|s| {
        let m = s.spawn(mariadb::MariaDb::start);
        (m.join().unwrap(), Cluster::start())
    });
    m.sql("CREATE TABLE orders (id bigint PRIMARY KEY, paid tinyint(1), total decimal(10,2), at datetime(3));
           INSERT INTO orders SELECT seq, seq % 2, seq * 2.5, TIMESTAMP '2026-03-01 12:00:00' + INTERVAL seq SECOND FROM seq_1_to_300;");
    p.sql("CREATE TABLE orders (id bigint PRIMARY KEY, paid boolean, total numeric(10,2), at timestamp(3));
           INSERT INTO orders SELECT g, g % 2 = 1, g * 2.5, timestamp '2026-03-01 12:00:00' + g * interval '1 second' FROM generate_series(1, 300) g;");
    let url = m.url();
    let (code, out, err) = run(&["verify", "--source", &url, "--target", &p.url()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("MariaDB") && out.contains("EQUAL"), "{out}");
    p.sql("UPDATE orders SET total = total + 0.01 WHERE id = 42");
    let (code, out, err) = run(&[
        "verify",
        "--source",
        &url,
        "--target",
        &p.url(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["row_hash"], "md5-canonical-text");
    assert_eq!(v["tables"][0]["changed"][0]["key"], "42");
    assert_eq!(v["tables"][0]["changed"][0]["columns"][0], "total");
    for o in [&out, &err] {
        assert!(!o.contains("S3cret"), "{o}");
    }
}
