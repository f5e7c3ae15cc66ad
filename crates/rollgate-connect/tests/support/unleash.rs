//! A real unleash-server (testbed/unleash, installed by
//! scripts/setup-run-tests.sh) on a throwaway PostgreSQL cluster, on a free
//! loopback port, with a known admin token; stopped when dropped. If it
//! cannot start, `start` says why: a test then fails when CI=true and
//! skips otherwise.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use crate::cluster;

pub const ADMIN_TOKEN: &str = "*:*.rollgate-test-admin-token";

pub struct Unleash {
    child: Child,
    _db: cluster::Cluster,
    pub url: String,
}

fn testbed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testbed/unleash")
}

impl Unleash {
    pub fn start() -> Result<Self, String> {
        let dir = testbed();
        if !dir
            .join("node_modules/unleash-server/package.json")
            .exists()
        {
            return Err("unleash-server is not installed (bash scripts/setup-run-tests.sh)".into());
        }
        let db = cluster::Cluster::start();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("node")
            .arg("server.js")
            .current_dir(&dir)
            .env(
                "DATABASE_URL",
                format!("postgres://postgres@127.0.0.1:{}/postgres", db.port),
            )
            .env("HTTP_PORT", port.to_string())
            .env("HTTP_HOST", "127.0.0.1")
            .env("INIT_ADMIN_API_TOKENS", ADMIN_TOKEN)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("node: {e}"))?;
        // The last lines of stderr say why, if it never gets ready.
        let said = Arc::new(Mutex::new(Vec::<String>::new()));
        let (stderr, keep) = (child.stderr.take().unwrap(), said.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut lines = keep.lock().unwrap();
                lines.push(line);
                if lines.len() > 5 {
                    lines.remove(0);
                }
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("unleash ready") {
                    let _ = tx.send(());
                }
            }
        });
        // Migrations on an empty database take ~20 s here; 120 s bounds it.
        let ready = rx.recv_timeout(Duration::from_secs(120)).is_ok();
        let u = Self {
            child,
            _db: db,
            url: format!("http://127.0.0.1:{port}"),
        };
        if ready {
            Ok(u)
        } else {
            Err(format!(
                "unleash-server was not ready within 120 s; it said: {}",
                said.lock().unwrap().join(" | ")
            ))
        }
    }
}

impl Drop for Unleash {
    fn drop(&mut self) {
        // Only our own server, by its process id.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
