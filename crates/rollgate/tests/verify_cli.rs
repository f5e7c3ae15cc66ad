//! `rollgate verify postgres` through the real binary, against two real
//! clusters: exit 0 when equal, 1 when they differ, 2 on error, and no
//! password in any output.

#[path = "../../rollgate-verify/tests/support/cluster.rs"]
mod cluster;

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
