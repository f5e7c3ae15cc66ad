//! Crash injection: the real binary is killed with SIGKILL at every step
//! of a rollout — after each event it appends, and between a switch
//! change's intent, the change itself and its result — and resumed each
//! time as an operator would (`run reconcile`, then the command again if
//! it had not taken effect). Afterwards: no switch change was made twice,
//! none was lost, and the log is complete and in order.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

fn rollgate(dir: &Path, args: &[&str], fault: Option<(&str, String)>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rollgate"));
    c.current_dir(dir)
        .args(args)
        .args(["--store", "runs.db", "--bindings", "bindings.toml", "--as", "crash-test"])
        .env_remove("ROLLGATE_FAULT_POINT")
        .env_remove("ROLLGATE_FAULT_AFTER_EVENTS");
    if let Some((k, v)) = fault {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn killed(o: &std::process::Output) -> bool {
    o.status.signal() == Some(9)
}

fn status(dir: &Path) -> serde_json::Value {
    let o = rollgate(dir, &["run", "status", "--format", "json"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn switch_now(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("switch.txt")).unwrap_or_default().trim().to_string()
}

/// Runs `args` until `done` holds, crashing it at every possible point on
/// the way; returns how many crashes it survived.
fn survive(dir: &Path, args: &[&str], done: &dyn Fn(&Path) -> bool) -> usize {
    let mut crashes = 0;
    let points = ["after-intent", "after-apply", "after-result"];
    let mut faults: Vec<(&str, String)> = points.iter().map(|p| ("ROLLGATE_FAULT_POINT", p.to_string())).collect();
    faults.extend((1..=8).map(|n| ("ROLLGATE_FAULT_AFTER_EVENTS", n.to_string())));
    for fault in faults {
        if done(dir) {
            break;
        }
        let o = rollgate(dir, args, Some(fault.clone()));
        if killed(&o) {
            crashes += 1;
            let r = rollgate(dir, &["run", "reconcile"], None);
            assert!(r.status.success(), "reconcile after {fault:?}: {}", String::from_utf8_lossy(&r.stderr));
        } else {
            assert!(o.status.success(), "{args:?} with {fault:?}: {}", String::from_utf8_lossy(&o.stderr));
        }
    }
    if !done(dir) {
        let o = rollgate(dir, args, None);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(done(dir), "{args:?} never took effect");
    crashes
}

#[test]
fn killed_at_every_step_of_a_rollout_no_switch_change_is_made_twice_or_lost_and_the_log_is_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let example = format!("{}/../../examples/redis-to-valkey-sessions.txt", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        d.join("bindings.toml"),
        "[switch]\nkind = \"file\"\npath = \"switch.txt\"\nformat = \"plain\"\nreload = [\"sh\", \"-c\", \"echo {state} {percent} >> applied.log\"]\n",
    )
    .unwrap();
    let o = rollgate(d, &["run", "start", &example, "--name", "valkey"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let phases = status(d)["next"].is_object();
    assert!(phases);

    let mut crashes = 0;
    // Forward to the 25 % step, every transition overridden (the test does
    // not wait for holds and windows; the override is recorded).
    for k in 1..=3 {
        crashes += survive(d, &["run", "advance", "--override", "--reason", "crash test"], &|d| status(d)["phase"]["index"] == k);
    }
    // A failure: abort flips back to the old side.
    crashes += survive(d, &["run", "abort", "--reason", "crash test abort"], &|d| {
        status(d)["status"]["status"] == "aborted" && switch_now(d) == "redis 0"
    });
    // Resume re-enters the phase with its switch state.
    crashes += survive(d, &["run", "resume", "--note", "fixed"], &|d| status(d)["status"]["status"] == "running");
    // And on to the end.
    let last = {
        let s = status(d);
        s["phase"]["index"].as_u64().unwrap()
    };
    let total = 9;
    for k in (last + 1)..total {
        crashes += survive(d, &["run", "advance", "--override", "--reason", "crash test"], &|d| status(d)["phase"]["index"] == k);
    }
    crashes += survive(d, &["run", "advance", "--override", "--reason", "crash test"], &|d| status(d)["status"]["status"] == "completed");
    assert!(crashes >= 30, "the test crashed the runner only {crashes} times");

    // The log: numbered 1..n without a gap, every intent with exactly one
    // result, and the switch changes that succeeded are exactly the ones the
    // tool saw, in order.
    let o = rollgate(d, &["run", "log", "--format", "json"], None);
    let log: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let seqs: Vec<i64> = log.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    let mut applied_ok = Vec::new();
    for e in &log {
        if e["event"]["type"] == "action-intent" {
            let seq = e["seq"].as_i64().unwrap();
            let results: Vec<&serde_json::Value> = log.iter().filter(|r| r["event"]["type"] == "action-result" && r["event"]["intent"] == seq).collect();
            assert_eq!(results.len(), 1, "intent {seq} has {} results", results.len());
            if results[0]["event"]["ok"] == true {
                let t = &e["event"]["target"];
                applied_ok.push(format!("{} {}", t["state"].as_str().unwrap(), t["percent"]));
            }
        }
    }
    let seen: Vec<String> = std::fs::read_to_string(d.join("applied.log")).unwrap().lines().map(|l| l.trim().to_string()).collect();
    assert_eq!(seen, applied_ok, "every change the tool saw is recorded as done, once, in order");
    // Phases were entered in order; only the resume re-entered one.
    let entered: Vec<u64> = log.iter().filter(|e| e["event"]["type"] == "phase-entered").map(|e| e["event"]["index"].as_u64().unwrap()).collect();
    let mut expected: Vec<u64> = (0..=3).collect();
    expected.push(3);
    expected.extend(4..total);
    assert_eq!(entered, expected);
}
