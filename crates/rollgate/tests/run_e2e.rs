//! A bundled example's rollout run by the real binary from start to retire
//! against a real Prometheus (scraping an exporter this test serves) and a
//! real Unleash (on a throwaway PostgreSQL): the watcher samples the error
//! rate, a failure injected mid-ramp makes it flip the Unleash flag back to
//! the old side by itself, and after a resume the rollout completes.

#[path = "../../rollgate-verify/tests/support/cluster.rs"]
mod cluster;
#[path = "../../rollgate-connect/tests/support/prometheus.rs"]
mod prometheus;
#[path = "../../rollgate-connect/tests/support/recorder.rs"]
mod recorder;
#[path = "../../rollgate-connect/tests/support/unleash.rs"]
mod unleash;

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn rollgate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_rollgate"))
        .current_dir(dir)
        .args(args)
        .args([
            "--store",
            "runs.db",
            "--bindings",
            "bindings.toml",
            "--as",
            "e2e",
        ])
        .env("UNLEASH_ADMIN_TOKEN", unleash::ADMIN_TOKEN)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = rollgate(dir, args);
    if code != 0 {
        let (_, log, _) = rollgate(dir, &["run", "log"]);
        panic!("{args:?} exited {code}: {out}\n{err}\nlog:\n{log}");
    }
    out
}

/// Whether phase `index` of the rollout's plan is its point of no return.
fn plan_ponr(dir: &Path, index: u64) -> bool {
    let plan = std::fs::read_to_string(dir.join("plan.json")).unwrap();
    let p: serde_json::Value = serde_json::from_str(&plan).unwrap();
    p["phases"][index as usize]["point_of_no_return"] == true
}

/// Confirms every manual check of the current gate and approves it as
/// each missing role: no override passes these into the point of no return.
fn pass_gate(dir: &Path) {
    let s = status(dir);
    for c in s["gate"]["checks"].as_array().unwrap() {
        if c["verdict"] != "pass" {
            ok(dir, &["run", "confirm", c["id"].as_str().unwrap()]);
        }
    }
    for role in s["gate"]["approvals_missing"].as_array().unwrap() {
        ok(dir, &["run", "approve", "--role", role.as_str().unwrap()]);
    }
}

fn status(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(dir, &["run", "status", "--format", "json"])).unwrap()
}

/// The flag as Unleash itself reports it: the plan state in the payload of
/// rollgate's strategy's variant holding all the weight, and its rollout.
fn unleash_flag(url: &str) -> (String, String, bool) {
    let body = ureq::get(format!(
        "{url}/api/admin/projects/default/features/redis-target"
    ))
    .header("Authorization", unleash::ADMIN_TOKEN)
    .call()
    .unwrap()
    .body_mut()
    .read_to_string()
    .unwrap();
    let f: serde_json::Value = serde_json::from_str(&body).unwrap();
    let env = f["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "production")
        .unwrap()
        .clone();
    let ours = env["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "rollgate")
        .unwrap()
        .clone();
    let state = ours["variants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["weight"] == 1000)
        .map(|v| v["payload"]["value"].as_str().unwrap().to_string())
        .unwrap_or_default();
    (
        state,
        ours["parameters"]["rollout"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        env["enabled"] == true,
    )
}

/// Waits until Prometheus has scraped the exporter once, so the first
/// sample has data (two samples without data would pause the rollout, as
/// they should).
fn wait_for_series(url: &str) {
    wait_for_value(url, None);
}

/// Waits until Prometheus reports the exporter's series (with `value`, if
/// given: the test changed it and the next scrape must have seen it).
fn wait_for_value(url: &str, value: Option<&str>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let body = ureq::get(format!("{url}/api/v1/query?query=app_error_percent"))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .unwrap_or_default();
        if body.contains("app_error_percent")
            && value.is_none_or(|v| body.contains(&format!("\"{v}\"")))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus never scraped the exporter: {body}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Runs `watch --once` until a sample of the error rate has arrived
/// (Prometheus scrapes every second); returns the last pass's output.
fn watch_until_measured(dir: &Path, what: &str) -> (i32, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (code, out, err) = rollgate(dir, &["run", "watch", "--once", "--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        let measured = report["measured"].as_array().cloned().unwrap_or_default();
        if measured.iter().any(|m| {
            m["check"]
                .as_str()
                .is_some_and(|c| c.contains("error-rate"))
                && !m["value"].is_null()
        }) {
            return (code, out);
        }
        if Instant::now() >= deadline {
            let (_, st, _) = rollgate(dir, &["run", "status"]);
            panic!("{what}: no error-rate sample in 60 s: {out}\n{err}\n{st}");
        }
        std::thread::sleep(Duration::from_millis(1100));
    }
}

#[test]
fn a_rollout_runs_start_to_retire_on_real_prometheus_and_unleash_and_a_failure_mid_ramp_flips_the_flag_back(
) {
    let unleash = match unleash::Unleash::start() {
        Ok(u) => u,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("{why}"),
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let error_percent = Arc::new(Mutex::new(0.02_f64));
    let shared = error_percent.clone();
    let exporter = recorder::Recorder::start(move |_| {
        let v = *shared.lock().unwrap();
        (
            200,
            "text/plain; version=0.0.4",
            format!("# TYPE app_error_percent gauge\napp_error_percent{{side=\"new\"}} {v}\n"),
        )
    });
    let prom = prometheus::Prometheus::start(exporter.port);
    wait_for_series(&prom.url);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("bindings.toml"),
        format!(
            "[run]\nauto_abort = true\n\n[metrics.\"error-rate-of-routed-requests\"]\nsource = \"prometheus\"\nurl = \"{}\"\nquery = 'max(app_error_percent{{side=\"new\"}})'\ninterval = \"1s\"\ncount = 1\n\n[switch]\nkind = \"unleash\"\nurl = \"{}\"\ntoken_env = \"UNLEASH_ADMIN_TOKEN\"\ncreate = true\n",
            prom.url, unleash.url
        ),
    )
    .unwrap();
    let example = format!(
        "{}/../../examples/redis-to-valkey-sessions.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let plan = Command::new(env!("CARGO_BIN_EXE_rollgate"))
        .args(["plan", &example, "--format", "json", "-o"])
        .arg(d.join("plan.json"))
        .output()
        .unwrap();
    assert!(plan.status.success());
    ok(d, &["run", "start", "plan.json", "--name", "valkey"]);
    let advance = [
        "run",
        "advance",
        "--override",
        "--reason",
        "e2e: no waiting for holds",
    ];

    // Up to the 25 % step; the flag follows each phase.
    for _ in 0..3 {
        ok(d, &advance);
    }
    assert_eq!(status(d)["phase"]["id"], "ramp-25");
    assert_eq!(
        unleash_flag(&unleash.url),
        ("valkey:25%".to_string(), "25".to_string(), true)
    );
    let (code, _) = watch_until_measured(d, "healthy ramp");
    assert_eq!(code, 0, "a healthy sample acts on nothing");

    // A failure mid-ramp: the watcher aborts and flips the flag itself.
    *error_percent.lock().unwrap() = 4.0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while status(d)["status"]["status"] != "aborted" {
        assert!(Instant::now() < deadline, "the watcher never aborted");
        let _ = rollgate(d, &["run", "watch", "--once"]);
        std::thread::sleep(Duration::from_millis(1100));
    }
    let (state, rollout, _) = unleash_flag(&unleash.url);
    assert_eq!(
        (state.as_str(), rollout.as_str()),
        ("redis", "0"),
        "Unleash itself reports the old side"
    );
    let log = ok(d, &["run", "log"]);
    assert!(log.contains("ABORTED in ramp-25"), "{log}");
    assert!(
        log.contains("gate check ramp-25.error-rate-of-routed-requests failed"),
        "{log}"
    );

    // Fixed: resume puts the phase's state back, and on to the end.
    *error_percent.lock().unwrap() = 0.02;
    wait_for_value(&prom.url, Some("0.02"));
    ok(d, &["run", "resume", "--note", "connection pool fixed"]);
    assert_eq!(unleash_flag(&unleash.url).0, "valkey:25%");
    loop {
        let s = status(d);
        if s["status"]["status"] == "completed" {
            break;
        }
        let (code, _) = watch_until_measured(d, s["phase"]["id"].as_str().unwrap_or("?"));
        assert_eq!(code, 0, "healthy in {}", s["phase"]["id"]);
        if s["next"]["index"].is_u64() && plan_ponr(d, s["next"]["index"].as_u64().unwrap()) {
            pass_gate(d);
        }
        ok(d, &advance);
    }
    let (state, rollout, enabled) = unleash_flag(&unleash.url);
    assert_eq!(
        (state.as_str(), rollout.as_str(), enabled),
        ("valkey", "100", true)
    );
}
