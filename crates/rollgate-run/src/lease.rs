//! Who may act. Two leases per rollout: `watch:<id>` held for as long as a
//! watcher runs (a second watcher is refused and told who holds it), and
//! `act:<id>` held only while one command changes the switch or the phase
//! (so an operator's `advance` and a watcher's abort never interleave).
//! Approvals, confirmations and pauses only append and need neither.

use crate::error::RunError;
use crate::store::Store;
use jiff::{Timestamp, ToSpan};

pub const WATCH_SECONDS: i64 = 120;
pub const ACT_SECONDS: i64 = 60;

pub fn watch_key(rollout: &str) -> String {
    format!("watch:{rollout}")
}

pub fn act_key(rollout: &str) -> String {
    format!("act:{rollout}")
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this host".into())
}

/// `ana (pid 4242 on db-ops-1)`: a person and a process, so a refusal says
/// who to ask and a restart after a crash can tell its own dead lease.
pub fn holder(actor: &str) -> String {
    format!("{actor} (pid {} on {})", std::process::id(), host())
}

/// A lease whose process is gone from this very host holds nothing: a
/// runner killed mid-command must not block its own restart for a minute.
fn holder_is_dead(holder: &str) -> bool {
    let Some(rest) = holder.rsplit_once("(pid ").map(|(_, r)| r) else {
        return false;
    };
    let Some((pid, on)) = rest.trim_end_matches(')').split_once(" on ") else {
        return false;
    };
    if on != host() || pid.parse::<u32>().is_err() {
        return false;
    }
    if std::path::Path::new("/proc/self").exists() {
        return !std::path::Path::new(&format!("/proc/{pid}")).exists();
    }
    std::process::Command::new("kill")
        .args(["-0", pid])
        .status()
        .map(|s| !s.success())
        .unwrap_or(false)
}

/// Takes `key` for `holder` for `seconds`, taking over a dead process's
/// lease on this host; otherwise retries for a few seconds, then refuses.
pub fn take(
    store: &mut dyn Store,
    key: &str,
    holder: &str,
    now: Timestamp,
    seconds: i64,
) -> Result<(), RunError> {
    let until = now.checked_add(seconds.seconds()).unwrap_or(now);
    let mut last = None;
    for attempt in 0..20 {
        match store.acquire(key, holder, now, until) {
            Ok(()) => return Ok(()),
            Err(RunError::Leased { holder: other, .. }) if holder_is_dead(&other) => {
                store.release(key, &other)?;
            }
            Err(e @ RunError::Leased { .. }) => {
                last = Some(e);
                if attempt < 19 {
                    std::thread::sleep(std::time::Duration::from_millis(250));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| RunError::Refused("the lease could not be taken".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_names_the_person_the_process_and_the_host_and_only_a_gone_process_is_dead() {
        let me = holder("ana");
        assert!(me.starts_with("ana (pid "));
        assert!(!holder_is_dead(&me), "this process is alive");
        let gone = me.replace(&format!("pid {}", std::process::id()), "pid 4000000000");
        assert!(holder_is_dead(&gone) || !std::path::Path::new("/proc/self").exists());
        assert!(
            !holder_is_dead("bo (pid 1 on another-host)"),
            "another host's process is never judged from here"
        );
        assert!(!holder_is_dead("a person without a pid"));
    }
}
