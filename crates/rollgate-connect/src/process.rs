//! Runs a command with a deadline: stdout and stderr read on their own
//! threads (so a chatty child cannot block on a full pipe), the child
//! killed by its own id when the deadline passes.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

pub struct Finished {
    /// `None` when the child was ended by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Why a command did not finish; words only, no output.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    NotStarted(String),
    TimedOut(Duration),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NotStarted(why) => write!(f, "could not start: {why}"),
            Failure::TimedOut(d) => {
                write!(f, "timed out after {} ms and was killed", d.as_millis())
            }
        }
    }
}

/// Runs `argv` (program first) and waits at most `timeout`.
pub fn run(argv: &[String], stdin: Option<&[u8]>, timeout: Duration) -> Result<Finished, Failure> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| Failure::NotStarted("empty command".into()))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout ends what it started too.
        .process_group(0)
        .spawn()
        .map_err(|e| Failure::NotStarted(e.kind().to_string()))?;
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A child that exits without reading its input is not our failure.
        let _ = pipe.write_all(bytes);
    }
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            _ => {
                kill_group(&mut child);
                return Err(Failure::TimedOut(timeout));
            }
        }
    };
    Ok(Finished {
        code: status.code(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Ends the child and everything in its process group (only ours: the
/// group was made for this child).
fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut p) = pipe {
            // Bounded: a gate reads a number, not a log.
            let _ = p.by_ref().take(1 << 20).read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn captures_output_and_exit_code() {
        let f = run(
            &sh("echo 42; echo oops >&2; exit 3"),
            None,
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(
            (f.code, f.stdout.as_str(), f.stderr.as_str()),
            (Some(3), "42\n", "oops\n")
        );
    }

    #[test]
    fn kills_a_command_past_its_deadline() {
        let started = Instant::now();
        let f = run(&sh("sleep 5"), None, Duration::from_millis(200));
        assert_eq!(f.err(), Some(Failure::TimedOut(Duration::from_millis(200))));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn a_timeout_also_ends_what_the_command_started() {
        let dir = std::env::temp_dir().join(format!("rollgate-pg-kill-{}", std::process::id()));
        let script = format!("sleep 30 & echo $! > {}; wait", dir.display());
        assert!(run(&sh(&script), None, Duration::from_millis(300)).is_err());
        let pid = std::fs::read_to_string(&dir).unwrap();
        let _ = std::fs::remove_file(&dir);
        // The signal and the reaping are asynchronous: give them a moment.
        let stat = format!("/proc/{}/stat", pid.trim());
        let gone = || std::fs::read_to_string(&stat).map_or(true, |s| s.contains(") Z "));
        let deadline = Instant::now() + Duration::from_secs(3);
        while !gone() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        let alive = !gone();
        assert!(!alive, "the grandchild {} outlived the timeout", pid.trim());
    }

    #[test]
    fn feeds_stdin() {
        let f = run(&sh("cat"), Some(b"hello"), Duration::from_secs(5)).unwrap();
        assert_eq!(f.stdout, "hello");
    }
}
