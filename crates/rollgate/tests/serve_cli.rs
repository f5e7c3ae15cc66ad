//! `rollgate serve` as a process: it stops as gracefully on SIGTERM (what
//! systemd, Docker and Kubernetes send) as on Ctrl-C, and `--allow-host`
//! admits a reverse proxy's name.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Served {
    child: std::process::Child,
    addr: String,
    /// What the server writes after its "serving on" line.
    stderr: std::process::ChildStderr,
    _dir: tempfile::TempDir,
}

/// Starts `rollgate serve` on a free port with extra args.
fn start(extra: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollgate"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("plans.sqlite"))
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("rollgate serving on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    Served {
        child,
        addr,
        stderr: err.into_inner(),
        _dir: dir,
    }
}

fn status_of(addr: &str, host: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.lines().next().unwrap_or("").to_string()
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_gracefully_with_exit_0() {
    let Served {
        mut child,
        addr,
        mut stderr,
        _dir,
    } = start(&[]);
    assert!(status_of(&addr, &addr).contains("200"));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "exit status {status:?}; stderr: {rest}"
    );
    assert!(
        rest.contains("SIGTERM received, finishing open requests and stopping"),
        "{rest}"
    );
    assert!(rest.contains("rollgate: stopped"), "{rest}");
}

#[test]
fn allow_host_admits_the_named_host_only() {
    let mut s = start(&["--allow-host", "plans.example.com"]);
    assert!(status_of(&s.addr, "plans.example.com").contains("200"));
    assert!(status_of(&s.addr, "evil.example").contains("421"));
    let _ = s.child.kill();
    let _ = s.child.wait();
}
