//! A temporary MariaDB server for tests: `mariadb-install-db` + `mariadbd`
//! from Debian's mariadb-server (MARIADB_BIN, default /usr/sbin and
//! /usr/bin), on a free loopback port, with every statement in its general
//! log; stopped and removed when dropped.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin(dir_default: &str, name: &str) -> PathBuf {
    let dir = std::env::var("MARIADB_BIN").unwrap_or_else(|_| dir_default.into());
    PathBuf::from(dir).join(name)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

pub struct MariaDb {
    dir: tempfile::TempDir,
    child: Child,
    pub port: u16,
}

/// Whether the server in `dir` answers on its socket.
fn try_socket(dir: &std::path::Path) -> bool {
    Command::new(bin("/usr/bin", "mariadb"))
        // A test sets MYSQL_PWD for rollgate; root here has no password.
        .env_remove("MYSQL_PWD")
        .arg("--no-defaults")
        .arg(format!("--socket={}", dir.join("sock").display()))
        .args(["-u", "root", "--batch", "-e", "SELECT 1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl MariaDb {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("rollgate-maria-")
            .tempdir()
            .unwrap();
        let data = dir.path().join("data");
        // Each server its own temporary directory: bootstraps running in
        // parallel shared /tmp and once lost a temporary table to another.
        let tmp = dir.path().join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        if is_root() {
            let _ = Command::new("chmod").arg("1777").arg(&tmp).status();
        }
        let user: Vec<String> = if is_root() {
            vec!["--user=root".into()]
        } else {
            Vec::new()
        };
        let out = Command::new(bin("/usr/bin", "mariadb-install-db"))
            .env_remove("MYSQL_PWD")
            .env("TMPDIR", &tmp)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg("--auth-root-authentication-method=normal")
            .arg("--skip-test-db")
            .args(&user)
            .output()
            .expect("mariadb-install-db (apt-get install mariadb-server; scripts/test.sh does)");
        assert!(
            out.status.success(),
            "mariadb-install-db: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A port picked by binding and releasing it can be taken by another
        // server starting at the same time (the tests start several): a
        // server that exits is started again on a fresh port.
        let mut attempt = 0;
        let m = loop {
            attempt += 1;
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let log = std::fs::File::create(dir.path().join(format!("mariadbd-{attempt}.err")))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null());
            let mut child = Command::new(bin("/usr/sbin", "mariadbd"))
                .env_remove("MYSQL_PWD")
                .env("TMPDIR", &tmp)
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .arg(format!("--port={port}"))
                .arg("--bind-address=127.0.0.1")
                .arg(format!("--socket={}", dir.path().join("sock").display()))
                .arg(format!("--pid-file={}", dir.path().join("pid").display()))
                .arg("--general-log=1")
                .arg(format!(
                    "--general-log-file={}",
                    dir.path().join("general.log").display()
                ))
                .arg("--skip-log-bin")
                .arg("--innodb-buffer-pool-size=64M")
                .arg("--character-set-server=utf8mb4")
                .arg("--collation-server=utf8mb4_general_ci")
                .args(&user)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("mariadbd");
            let deadline = Instant::now() + Duration::from_secs(120);
            let mut exited = false;
            loop {
                if child.try_wait().ok().flatten().is_some() {
                    exited = true;
                    break;
                }
                if try_socket(dir.path()) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "mariadbd did not start in 120 s: {}",
                    std::fs::read_to_string(dir.path().join(format!("mariadbd-{attempt}.err")))
                        .unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(200));
            }
            if !exited {
                break Self { dir, child, port };
            }
            assert!(
                attempt < 4,
                "mariadbd exited at start {attempt} times: {}",
                std::fs::read_to_string(dir.path().join(format!("mariadbd-{attempt}.err")))
                    .unwrap_or_default()
            );
        };
        m.sql("CREATE DATABASE shop; CREATE USER 'app'@'%' IDENTIFIED BY 'S3cret-m4ria'; GRANT ALL ON shop.* TO 'app'@'%';");
        m
    }

    fn client(&self) -> Command {
        let mut c = Command::new(bin("/usr/bin", "mariadb"));
        // A test sets MYSQL_PWD for rollgate; root here has no password.
        c.env_remove("MYSQL_PWD")
            .arg("--no-defaults")
            .arg(format!(
                "--socket={}",
                self.dir.path().join("sock").display()
            ))
            .args([
                "-u",
                "root",
                "--batch",
                "--skip-column-names",
                "--default-character-set=utf8mb4",
            ]);
        c
    }

    fn try_sql(&self, sql: &str) -> bool {
        self.client()
            .args(["-e", sql])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// Runs SQL as root in database `shop` (created by `start`).
    pub fn sql(&self, sql: &str) -> String {
        let db = if sql.starts_with("CREATE DATABASE shop") {
            vec![]
        } else {
            vec!["shop"]
        };
        let out = self.client().args(&db).args(["-e", sql]).output().unwrap();
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The URL of database `shop` as user `app`, with its password.
    pub fn url(&self) -> String {
        format!("mariadb://app:S3cret-m4ria@127.0.0.1:{}/shop", self.port)
    }

    /// Every statement the server received (its general log).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("general.log")).unwrap_or_default()
    }
}

impl Drop for MariaDb {
    fn drop(&mut self) {
        // Only our own server, by its process id.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
