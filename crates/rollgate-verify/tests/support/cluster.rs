//! Temporary PostgreSQL clusters for tests: initdb + pg_ctl from the server
//! binaries on the machine (PG_BIN, default /usr/lib/postgresql/15/bin), on
//! a free loopback port, removed when dropped. Shared by the verifier's
//! tests and the CLI's; not every test binary uses every helper.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

fn bin(name: &str) -> PathBuf {
    let dir = std::env::var("PG_BIN").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".into());
    PathBuf::from(dir).join(name)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// PostgreSQL refuses to run as root: run its tools as `postgres` then.
fn pg(cmd: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin(cmd));
        c
    } else {
        Command::new(bin(cmd))
    }
}

pub struct Cluster {
    dir: tempfile::TempDir,
    pub port: u16,
}

impl Cluster {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("rollgate-pg-")
            .tempdir()
            .unwrap();
        if is_root() {
            let ok = Command::new("chown")
                .arg("postgres")
                .arg(dir.path())
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown of the cluster directory");
        }
        let data = dir.path().join("data");
        let out = pg("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-D",
            ])
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let opts = format!(
            // No autovacuum, so a test decides when statistics exist; every
            // statement logged with its application, so a test can read what
            // the verifier sent.
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=30 \
             -c autovacuum=off -c log_statement=all -c log_line_prefix='%a|'",
            dir.path().display()
        );
        let out = pg("pg_ctl")
            .args(["-D"])
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(dir.path().join("log"))
            .args(["-w", "start"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self { dir, port }
    }

    pub fn url(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            self.port
        )
    }

    /// The same server as another role.
    pub fn url_as(&self, user: &str) -> String {
        self.url().replace("user=postgres", &format!("user={user}"))
    }

    /// Adds a role that must log in over TCP with `password` (SCRAM);
    /// everyone else still gets in without one.
    pub fn require_password(&self, user: &str, password: &str) {
        self.sql(&format!(
            "CREATE ROLE {user} LOGIN PASSWORD $pw${password}$pw$"
        ));
        let hba = self.dir.path().join("data").join("pg_hba.conf");
        let old = std::fs::read_to_string(&hba).unwrap();
        std::fs::write(
            &hba,
            format!("host all {user} 127.0.0.1/32 scram-sha-256\n{old}"),
        )
        .unwrap();
        self.sql("SELECT pg_reload_conf()");
        // The reload is asynchronous: wait until a login without the
        // password is refused.
        for _ in 0..100 {
            let url = self.url_as(user);
            if postgres::Client::connect(&url, postgres::NoTls).is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("pg_hba.conf reload did not take effect");
    }

    /// The server log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    pub fn sql(&self, sql: &str) {
        let mut c = postgres::Client::connect(&self.url(), postgres::NoTls).unwrap();
        c.batch_execute(sql)
            .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = pg("pg_ctl")
            .args(["-D"])
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}
