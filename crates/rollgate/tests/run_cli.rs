//! `rollgate run` through the real binary: a rollout started from a
//! bundled example, refused and overridden transitions, approvals and
//! confirmations, the audit log, a rehearsal, a bindings template, and
//! clear errors for what an operator can get wrong.

use std::path::Path;
use std::process::Command;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn rollgate(dir: &Path, args: &[&str]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_rollgate"))
        .current_dir(dir)
        .args(args)
        .env_remove("ROLLGATE_STORE")
        .env_remove("ROLLGATE_BINDINGS")
        .output()
        .unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A plan whose calendar covers today, so the window check is real.
fn plan_from_today(dir: &Path) -> String {
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let out = rollgate(
        dir,
        &[
            "plan",
            &example("redis-to-valkey-sessions.txt"),
            "--start",
            &today.to_string(),
            "--format",
            "json",
            "-o",
            "plan.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    "plan.json".into()
}

#[test]
fn a_rollout_starts_refuses_to_advance_with_reasons_records_approvals_and_overrides_and_logs_it_all(
) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = plan_from_today(d);
    let out = rollgate(
        d,
        &["run", "start", &plan, "--name", "valkey", "--as", "ana"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("started rollout valkey"));
    assert!(d.join("rollgate-runs.db").exists());

    let out = rollgate(d, &["run", "advance", "--as", "ana"]);
    assert_eq!(out.code, 1, "a refusal is a finding: {}", out.stderr);
    assert!(
        out.stderr.contains("waiting for approval by the SRE"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the hold has run 0 of its"),
        "{}",
        out.stderr
    );

    let out = rollgate(
        d,
        &[
            "run",
            "approve",
            "--as",
            "bo",
            "--role",
            "sre",
            "--note",
            "runbook read",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = rollgate(
        d,
        &[
            "run",
            "confirm",
            "prep.rehearsed-rollback-time",
            "--value",
            "7",
            "--as",
            "bo",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    let out = rollgate(d, &["run", "status", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(s["phase"]["id"], "prep");
    assert_eq!(s["gate"]["checks"][0]["verdict"], "pass");
    assert_eq!(s["gate"]["approvals_missing"].as_array().unwrap().len(), 1);

    let out = rollgate(
        d,
        &[
            "run",
            "advance",
            "--override",
            "--reason",
            "staging rehearsal",
            "--as",
            "ana",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("entered phase dual-write"),
        "{}",
        out.stdout
    );

    let out = rollgate(d, &["run", "log"]);
    assert_eq!(out.code, 0);
    for want in [
        "started",
        "bo approved prep as the SRE",
        "bo confirmed prep.rehearsed-rollback-time = 7",
        "entered dual-write OVERRIDING (staging rehearsal)",
    ] {
        assert!(
            out.stdout.contains(want),
            "missing {want:?} in\n{}",
            out.stdout
        );
    }
    let out = rollgate(d, &["run", "log", "--format", "json"]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "the log is complete and in order"
    );
}

#[test]
fn abort_without_a_switch_tool_says_to_flip_by_hand_and_records_the_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = plan_from_today(d);
    rollgate(d, &["run", "start", &plan]);
    let out = rollgate(d, &["run", "abort", "--reason", "p99 doubled"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("no switch tool is bound"),
        "{}",
        out.stdout
    );
    let out = rollgate(d, &["run", "status"]);
    assert!(
        out.stdout.contains("ABORTED: p99 doubled"),
        "{}",
        out.stdout
    );
    let out = rollgate(d, &["run", "advance"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("aborted"), "{}", out.stderr);
    let out = rollgate(d, &["run", "resume", "--note", "fixed the pool size"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("re-entered phase prep"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_rehearsal_from_a_spec_runs_the_whole_rollout_on_a_simulated_clock() {
    let dir = tempfile::tempdir().unwrap();
    let out = rollgate(
        dir.path(),
        &[
            "run",
            "rehearse",
            &example("sendgrid-to-postmark.yaml"),
            "--start",
            "2026-05-04",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("outcome: completed"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("every check was confirmed by the rehearsal"),
        "{}",
        out.stdout
    );
    let out = rollgate(
        dir.path(),
        &[
            "run",
            "rehearse",
            &example("sendgrid-to-postmark.yaml"),
            "--scenario",
            "explode",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("fail-at:<phase>"), "{}", out.stderr);
}

#[test]
fn the_bindings_template_lists_every_metric_with_its_thresholds_and_binds_nothing_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let out = rollgate(
        dir.path(),
        &[
            "run",
            "bindings",
            "init",
            &example("pg14-ec2-to-pg16-rds.toml"),
            "--start",
            "2026-04-27",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("# [metrics.\"error-rate-of-routed-requests\"]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("read-canary: <= 0.1 %"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("replication-lag"), "{}", out.stdout);
    assert!(
        !out.stdout.lines().any(|l| l.starts_with("[metrics")),
        "nothing is bound until the team uncomments it"
    );
}

#[test]
fn operator_mistakes_get_clear_errors_and_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = rollgate(d, &["run", "status"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no rollout yet"), "{}", out.stderr);
    std::fs::write(
        d.join("garbage.json"),
        "{\"phases\": [], \"kill_switch\": 3}",
    )
    .unwrap();
    let out = rollgate(d, &["run", "start", "garbage.json"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("not a rollgate plan"), "{}", out.stderr);
    let plan = plan_from_today(d);
    rollgate(d, &["run", "start", &plan, "--name", "a"]);
    rollgate(d, &["run", "start", &plan, "--name", "b"]);
    let out = rollgate(d, &["run", "status"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("name one with --rollout (a, b)"),
        "{}",
        out.stderr
    );
    let out = rollgate(d, &["run", "start", &plan, "--name", "a"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    let out = rollgate(d, &["run", "status", "--rollout", "zzz"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no rollout named \"zzz\""),
        "{}",
        out.stderr
    );
    let out = rollgate(
        d,
        &["run", "confirm", "nope", "--rollout", "a", "--as", "bo"],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("its checks are: prep.rehearsed-rollback-time"),
        "{}",
        out.stderr
    );
    let out = rollgate(
        d,
        &[
            "run",
            "flip",
            "--to",
            "elsewhere",
            "--reason",
            "x",
            "--rollout",
            "a",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("not a state of the plan's switch"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked") && !out.stderr.contains("bug"));
}

#[test]
fn the_monitoring_table_exports_as_prometheus_rules_that_promtool_accepts_and_says_what_it_left_out(
) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("prom.toml"),
        "[metrics.\"error-rate-of-routed-requests\"]\nsource = \"prometheus\"\nurl = \"http://127.0.0.1:9090\"\nquery = 'sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])) * 100'\n",
    )
    .unwrap();
    let out = rollgate(
        d,
        &[
            "run",
            "export-rules",
            &example("redis-to-valkey-sessions.txt"),
            "--bindings",
            "prom.toml",
            "-o",
            "rules.yml",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rules = std::fs::read_to_string(d.join("rules.yml")).unwrap();
    assert!(
        rules.contains(
            "expr: (sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])) * 100) > 0.1"
        ),
        "{rules}"
    );
    assert!(out.stderr.contains("not exported: alert.p95-latency-of-routed-requests (its threshold \"> baseline + 10%\" is relative"), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "not exported: alert.cpu-on-the-new-system (its metric is not bound to Prometheus)"
        ),
        "{}",
        out.stderr
    );
    let promtool = Command::new("promtool")
        .arg("check")
        .arg("rules")
        .arg(d.join("rules.yml"))
        .output()
        .expect("promtool (scripts/setup-run-tests.sh installs it)");
    assert!(
        promtool.status.success(),
        "{}",
        String::from_utf8_lossy(&promtool.stdout)
    );
    assert!(String::from_utf8_lossy(&promtool.stdout).contains("SUCCESS: 1 rules found"));
    let out = rollgate(
        d,
        &[
            "run",
            "export-rules",
            &example("redis-to-valkey-sessions.txt"),
        ],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("give --bindings"), "{}", out.stderr);
}

#[test]
fn a_bindings_file_with_a_metric_the_plan_does_not_measure_or_a_missing_secret_is_refused_at_its_place(
) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = plan_from_today(d);
    rollgate(d, &["run", "start", &plan]);
    std::fs::write(
        d.join("typo.toml"),
        "[metrics.\"eror-rate\"]\nsource = \"command\"\ncommand = [\"echo\", \"1\"]\n",
    )
    .unwrap();
    let out = rollgate(d, &["run", "status", "--bindings", "typo.toml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("the plan measures no metric named eror-rate"),
        "{}",
        out.stderr
    );
    std::fs::write(d.join("secret.toml"), "[switch]\nkind = \"unleash\"\nurl = \"http://127.0.0.1:1\"\ntoken_env = \"ROLLGATE_TEST_NO_SUCH_TOKEN\"\n").unwrap();
    let out = rollgate(d, &["run", "status", "--bindings", "secret.toml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("secret.toml:4:"), "{}", out.stderr);
    assert!(
        out.stderr.contains("ROLLGATE_TEST_NO_SUCH_TOKEN"),
        "{}",
        out.stderr
    );
}

/// A local webhook receiver: records each request body, answers 200.
fn webhook() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            keep.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            let mut s = stream;
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    (url, bodies)
}

#[test]
fn every_transition_abort_and_pause_is_posted_to_the_webhook_as_slack_json_named_by_its_env_var() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = plan_from_today(d);
    let (url, bodies) = webhook();
    std::fs::write(
        d.join("b.toml"),
        "[notify]\nwebhook_url_env = \"TEST_ROLLGATE_HOOK\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_rollgate"))
            .current_dir(d)
            .args(args)
            .args(["--bindings", "b.toml"])
            .env("TEST_ROLLGATE_HOOK", &url)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    run(&["run", "start", &plan, "--name", "hooked"]);
    run(&["run", "approve", "--as", "bo", "--role", "1"]);
    run(&["run", "advance", "--override", "--reason", "drill"]);
    run(&["run", "pause", "--reason", "lunch"]);
    run(&["run", "resume"]);
    run(&["run", "abort", "--reason", "p99 doubled"]);
    let got = bodies.lock().unwrap().clone();
    let texts: Vec<String> = got
        .iter()
        .map(|b| {
            serde_json::from_str::<serde_json::Value>(b).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for want in [
        "bo approved phase prep",
        "entered phase dual-write (override: drill)",
        "paused: lunch",
        "resumed",
        "ABORT in phase dual-write: p99 doubled",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(want)),
            "no {want:?} in {texts:?}"
        );
    }
    assert!(
        texts.iter().all(|t| t.starts_with("rollgate [hooked] ")),
        "{texts:?}"
    );
}

#[test]
fn the_audit_records_each_bindings_file_a_command_ran_with_once_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = plan_from_today(d);
    rollgate(d, &["run", "start", &plan]);
    std::fs::write(d.join("b.toml"), "[run]\nauto_abort = false\n").unwrap();
    rollgate(
        d,
        &["run", "pause", "--reason", "a", "--bindings", "b.toml"],
    );
    rollgate(d, &["run", "resume", "--bindings", "b.toml"]);
    std::fs::write(d.join("b.toml"), "[run]\nauto_abort = true\n").unwrap();
    rollgate(
        d,
        &["run", "pause", "--reason", "b", "--bindings", "b.toml"],
    );
    let log = rollgate(d, &["run", "log"]).stdout;
    assert_eq!(log.matches("bindings b.toml (sha256").count(), 2, "{log}");
    assert!(!log.contains("unknown operator"), "{log}");
}
