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

/// Chromium and playwright-core, or the reason the test cannot run.
fn browser_setup() -> (std::path::PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists() && root.join("e2e/node_modules/playwright-core").exists(),
        "browser tests need Chromium and playwright-core: run `bash scripts/setup-browser-tests.sh` (scripts/test.sh does)"
    );
    (root, chromium)
}

/// `rollgate serve` on a free loopback port with `args`, once it accepts
/// connections.
fn serve(args: &[&std::ffi::OsStr]) -> (Server, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_rollgate"))
            .args(["serve", "--addr", &addr])
            .args(args)
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
    (server, addr)
}

/// Runs an e2e script with node and Chromium; returns its stdout after
/// asserting it passed.
fn node(script: &Path, args: &[&std::ffi::OsStr], chromium: &str) -> String {
    let out = Command::new("node")
        .arg(script)
        .args(args)
        .env("CHROMIUM", chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    stdout
}

#[test]
fn web_app_end_to_end_in_chromium() {
    let (root, chromium) = browser_setup();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plans.sqlite");
    let (_server, addr) = serve(&["--db".as_ref(), db.as_os_str()]);
    let artifacts = root.join("target/e2e");
    let url = format!("http://{addr}");
    let stdout = node(
        &root.join("e2e/web.mjs"),
        &[url.as_ref(), artifacts.as_os_str()],
        &chromium,
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
    let (root, chromium) = browser_setup();
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
    let db = dir.path().join("plans.sqlite");
    let (_server, addr) = serve(&[
        "--db".as_ref(),
        db.as_os_str(),
        "--runs".as_ref(),
        store.as_os_str(),
    ]);
    let artifacts = root.join("target/e2e");
    let url = format!("http://{addr}");
    let stdout = node(
        &root.join("e2e/rollout.mjs"),
        &[
            url.as_ref(),
            artifacts.as_os_str(),
            bin.as_ref(),
            store.as_os_str(),
            "valkey".as_ref(),
        ],
        &chromium,
    );
    assert!(stdout.contains("7 passed, 0 failed"), "{stdout}");
    assert!(artifacts.join("rollout.png").exists());
}
