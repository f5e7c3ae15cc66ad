//! Fault injection for the crash tests: with `ROLLGATE_FAULT_POINT=<name>`
//! the process kills itself (SIGKILL) when it reaches that point, and with
//! `ROLLGATE_FAULT_AFTER_EVENTS=<n>` right after appending its n-th event.
//! Unset (always, outside tests), both are a read of the environment.

use std::sync::atomic::{AtomicU64, Ordering};

static EVENTS: AtomicU64 = AtomicU64::new(0);

pub fn point(name: &str) {
    if std::env::var("ROLLGATE_FAULT_POINT").is_ok_and(|p| p == name) {
        die();
    }
}

pub fn event_appended() {
    let n = EVENTS.fetch_add(1, Ordering::SeqCst) + 1;
    if let Ok(limit) = std::env::var("ROLLGATE_FAULT_AFTER_EVENTS") {
        if limit.parse::<u64>().is_ok_and(|l| l == n) {
            die();
        }
    }
}

fn die() -> ! {
    // SIGKILL, as a power cut or the OOM killer would: no destructors, no
    // flush beyond what SQLite already committed.
    let _ = std::process::Command::new("kill")
        .args(["-9", &std::process::id().to_string()])
        .status();
    std::process::abort()
}
