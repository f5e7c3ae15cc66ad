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
        .args([
            "--store",
            "runs.db",
            "--bindings",
            "bindings.toml",
            "--as",
            "crash-test",
        ])
        .env_remove("ROLLGATE_FAULT_POINT")
        .env_remove("ROLLGATE_FAULT_AFTER_EVENTS");
    if let Some((k, v)) = fault {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// Killed by the fault injection: SIGKILL, or SIGABRT where no `kill`
/// command exists (neither runs destructors or flushes anything).
fn killed(o: &std::process::Output) -> bool {
    matches!(o.status.signal(), Some(9) | Some(6))
}

fn status(dir: &Path) -> serde_json::Value {
    let o = rollgate(dir, &["run", "status", "--format", "json"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn switch_now(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("switch.txt"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Runs `args` once with `fault` (crashing where it says), then as an
/// operator would after a crash: `run reconcile`, and the command again if
/// it had not taken effect. Returns whether it crashed.
fn survive(
    dir: &Path,
    args: &[&str],
    fault: &(&str, String),
    done: &dyn Fn(&Path) -> bool,
) -> bool {
    let o = rollgate(dir, args, Some(fault.clone()));
    let crashed = killed(&o);
    if crashed {
        let r = rollgate(dir, &["run", "reconcile"], None);
        assert!(
            r.status.success(),
            "reconcile after {fault:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        if !done(dir) {
            let o = rollgate(dir, args, None);
            assert!(
                o.status.success(),
                "{args:?} after {fault:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    } else {
        assert!(
            o.status.success(),
            "{args:?} with {fault:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(done(dir), "{args:?} never took effect with {fault:?}");
    crashed
}

const TOTAL_PHASES: u64 = 9;

/// Confirms every manual check of the current gate and approves it as
/// each missing role, as the people would.
fn pass_gate(d: &Path) {
    let s = status(d);
    for c in s["gate"]["checks"].as_array().unwrap() {
        if c["verdict"] != "pass" {
            let o = rollgate(d, &["run", "confirm", c["id"].as_str().unwrap()], None);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    }
    for role in s["gate"]["approvals_missing"].as_array().unwrap() {
        let o = rollgate(
            d,
            &["run", "approve", "--role", role.as_str().unwrap()],
            None,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// One whole rollout in a fresh directory, every command crashed at
/// `fault`; checks the log and the switch afterwards. Returns the crashes.
fn rollout_crashing_at(fault: (&str, String)) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let example = format!(
        "{}/../../examples/redis-to-valkey-sessions.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::write(
        d.join("bindings.toml"),
        "[switch]\nkind = \"file\"\npath = \"switch.txt\"\nformat = \"plain\"\nreload = [\"sh\", \"-c\", \"echo {state} {percent} >> applied.log\"]\n",
    )
    .unwrap();
    let o = rollgate(d, &["run", "start", &example, "--name", "valkey"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let advance = ["run", "advance", "--override", "--reason", "crash test"];
    let mut crashes = 0;
    // Forward to the 25 % step, every transition overridden (the test does
    // not wait for holds and windows; the override is recorded).
    for k in 1..=3u64 {
        crashes += survive(d, &advance, &fault, &|d| status(d)["phase"]["index"] == k) as usize;
    }
    // A failure: abort flips back to the old side.
    crashes += survive(
        d,
        &["run", "abort", "--reason", "crash test abort"],
        &fault,
        &|d| status(d)["status"]["status"] == "aborted" && switch_now(d) == "redis 0",
    ) as usize;
    // Resume re-enters the phase with its switch state.
    crashes += survive(d, &["run", "resume", "--note", "fixed"], &fault, &|d| {
        status(d)["status"]["status"] == "running"
    }) as usize;
    for k in 4..TOTAL_PHASES {
        if k == TOTAL_PHASES - 1 {
            // Into the point of no return only with the evidence and the
            // people: no override passes those.
            pass_gate(d);
        }
        crashes += survive(d, &advance, &fault, &|d| status(d)["phase"]["index"] == k) as usize;
    }
    crashes += survive(d, &advance, &fault, &|d| {
        status(d)["status"]["status"] == "completed"
    }) as usize;
    check_log(d, &fault);
    crashes
}

/// The log: numbered 1..n without a gap, every intent with exactly one
/// result, the switch changes recorded as done are exactly the ones the
/// tool saw, once each, in order, and phases entered in order.
fn check_log(d: &Path, fault: &(&str, String)) {
    let o = rollgate(d, &["run", "log", "--format", "json"], None);
    let log: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let seqs: Vec<i64> = log.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "{fault:?}"
    );
    let mut applied_ok = Vec::new();
    for e in &log {
        if e["event"]["type"] == "action-intent" {
            let seq = e["seq"].as_i64().unwrap();
            let results: Vec<&serde_json::Value> = log
                .iter()
                .filter(|r| r["event"]["type"] == "action-result" && r["event"]["intent"] == seq)
                .collect();
            assert_eq!(
                results.len(),
                1,
                "{fault:?}: intent {seq} has {} results",
                results.len()
            );
            if results[0]["event"]["ok"] == true {
                let t = &e["event"]["target"];
                applied_ok.push(format!("{} {}", t["state"].as_str().unwrap(), t["percent"]));
            }
        }
    }
    let seen: Vec<String> = std::fs::read_to_string(d.join("applied.log"))
        .unwrap()
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(
        seen, applied_ok,
        "{fault:?}: every change the tool saw is recorded as done, once, in order"
    );
    let entered: Vec<u64> = log
        .iter()
        .filter(|e| e["event"]["type"] == "phase-entered")
        .map(|e| e["event"]["index"].as_u64().unwrap())
        .collect();
    let mut expected: Vec<u64> = (0..=3).collect();
    expected.push(3);
    expected.extend(4..TOTAL_PHASES);
    assert_eq!(entered, expected, "{fault:?}");
    // Every forward transition keeps its override in the audit, also when
    // a restart completed it; the resume's re-entry has none.
    let overrides: Vec<bool> = log
        .iter()
        .filter(|e| e["event"]["type"] == "phase-entered" && e["event"]["index"] != 0)
        .map(|e| e["event"]["overridden"]["reason"] == "crash test")
        .collect();
    let mut want = vec![true; 3];
    want.push(false);
    want.extend(std::iter::repeat_n(true, (TOTAL_PHASES - 4) as usize));
    assert_eq!(overrides, want, "{fault:?}");
}

#[test]
fn killed_at_every_step_of_a_rollout_no_switch_change_is_made_twice_or_lost_and_the_log_is_whole() {
    let mut faults: Vec<(&str, String)> = ["after-intent", "after-apply", "after-result"]
        .iter()
        .map(|p| ("ROLLGATE_FAULT_POINT", p.to_string()))
        .collect();
    // The most events one command appends here is five (an interrupted
    // transition settled, then a new one); one more proves the count.
    faults.extend((1..=6).map(|n| ("ROLLGATE_FAULT_AFTER_EVENTS", n.to_string())));
    let mut total = 0;
    for fault in faults {
        let n = rollout_crashing_at(fault.clone());
        if fault.0 == "ROLLGATE_FAULT_POINT" || fault.1 == "1" {
            assert!(n > 0, "{fault:?} never crashed the runner");
        }
        total += n;
    }
    // 9 fault settings over 12 commands each: the named points crash every
    // command that changes the switch, the counts each command that
    // appends that many events.
    assert!(
        total >= 40,
        "the test crashed the runner only {total} times"
    );
}
