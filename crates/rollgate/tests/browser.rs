//! End-to-end tests of `rollgate serve` in real headless Chromium: the real
//! binary serves on loopback with a temporary SQLite file, and
//! `e2e/web.mjs` drives Debian's Chromium through playwright-core (fill the
//! form, watch the facts panel, generate, download every format, reopen
//! from history, edit and compare revisions, XSS in every field, limits,
//! no script or style blocked by the Content-Security-Policy).
//! `scripts/setup-browser-tests.sh` installs Chromium and playwright-core.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn web_app_end_to_end_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists() && root.join("e2e/node_modules/playwright-core").exists(),
        "browser tests need Chromium and playwright-core: run `bash scripts/setup-browser-tests.sh` (scripts/test.sh does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_rollgate"))
            .args(["serve", "--addr", &addr, "--db"])
            .arg(dir.path().join("plans.sqlite"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "server did not start on {addr}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let artifacts = root.join("target/e2e");
    let out = Command::new("node")
        .arg(root.join("e2e/web.mjs"))
        .arg(format!("http://{addr}"))
        .arg(&artifacts)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("10 passed, 0 failed"), "{stdout}");
    assert!(
        artifacts.join("plan.png").exists(),
        "a screenshot of the plan page is saved as an artifact"
    );
    assert!(
        dir.path().join("plans.sqlite").exists(),
        "plans are kept in a real SQLite file"
    );
}

#[test]
fn rollout_page_live_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists() && root.join("e2e/node_modules/playwright-core").exists(),
        "browser tests need Chromium and playwright-core: run `bash scripts/setup-browser-tests.sh` (scripts/test.sh does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runs.db");
    let bin = env!("CARGO_BIN_EXE_rollgate");
    let example = root.join("examples/redis-to-valkey-sessions.txt");
    let started = Command::new(bin)
        .args(["run", "start"])
        .arg(&example)
        .args(["--name", "valkey", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(bin)
            .args(["serve", "--addr", &addr, "--db"])
            .arg(dir.path().join("plans.sqlite"))
            .arg("--runs")
            .arg(&store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "server did not start on {addr}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let artifacts = root.join("target/e2e");
    let out = Command::new("node")
        .arg(root.join("e2e/rollout.mjs"))
        .arg(format!("http://{addr}"))
        .arg(&artifacts)
        .arg(bin)
        .arg(&store)
        .arg("valkey")
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("7 passed, 0 failed"), "{stdout}");
    assert!(artifacts.join("rollout.png").exists());
}
