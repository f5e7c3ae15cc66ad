//! The web app's security promises, through real HTTP: each test starts the
//! real server (`serve_on`) on 127.0.0.1:0 with an in-memory store and talks
//! to it over a raw `TcpStream`, so what is checked is what a browser or a
//! foreign page would get on the wire. See docs/security.md.

use rollgate_knowledge::Knowledge;
use rollgate_serve::store::Store;
use rollgate_serve::{serve_on, AppState, Options};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The real server on its own runtime (one async worker, so a handler that
/// blocked it would stall every other request).
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(options: Options) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let state = Arc::new(AppState {
                    store: Store::in_memory().unwrap(),
                    knowledge: Knowledge::builtin().unwrap(),
                    runs: None,
                });
                serve_on(listener, state, &options, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
            rt.shutdown_timeout(Duration::from_millis(100));
        });
        Self {
            addr: addr_rx.recv_timeout(Duration::from_secs(30)).unwrap(),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Sends `head` (request line and headers, without the blank line) and
    /// `body`, with `Connection: close`, and reads the whole answer.
    fn raw(&self, head: &str, body: &[u8]) -> Reply {
        let mut s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let mut req = format!("{head}\r\nConnection: close\r\n");
        if !body.is_empty() {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        Reply::parse(&out)
    }

    fn get(&self, path: &str) -> Reply {
        self.raw(
            &format!("GET {path} HTTP/1.1\r\nHost: {}", self.host()),
            b"",
        )
    }

    /// A form POST with extra header lines (`Name: value\r\n` each).
    fn post(&self, path: &str, fields: &[(&str, &str)], extra: &str) -> Reply {
        let body = encode(fields);
        self.raw(
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded{}",
                self.host(),
                extra
            ),
            body.as_bytes(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
    len: usize,
}

impl Reply {
    fn parse(raw: &[u8]) -> Self {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a complete HTTP answer");
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Self {
            status,
            headers,
            body: body.to_string(),
            len: raw.len(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

const PLAN: [(&str, &str); 3] = [
    ("from-state", "Postgres 14 on EC2, 600 GB"),
    ("to-state", "Postgres 16 on RDS"),
    ("start", "2026-04-27"),
];

/// Stores a plan; its id.
fn create(s: &Server) -> i64 {
    let r = s.post("/plans", &PLAN, "");
    assert_eq!(r.status, 303, "{}", r.body);
    r.header("location")
        .strip_prefix("/plans/")
        .unwrap()
        .parse()
        .unwrap()
}

fn no_plans_stored(s: &Server) -> bool {
    s.get("/plans").body.contains("No plans yet")
}

// ------------------------------------------------------------ A: Host, Origin

#[test]
fn dns_rebinding_a_foreign_host_gets_421_and_no_plan() {
    let s = Server::start(Options::default());
    let id = create(&s);
    for path in ["/", &format!("/plans/{id}"), "/plans", "/nope"] {
        let r = s.raw(&format!("GET {path} HTTP/1.1\r\nHost: evil.example"), b"");
        assert_eq!(r.status, 421, "{path}");
        assert!(r.body.contains("--allow-host"), "{}", r.body);
        assert!(!r.body.contains("Postgres"), "no plan content leaks");
        let r = s.raw(
            &format!(
                "GET {path} HTTP/1.1\r\nHost: evil.example:{}",
                s.addr.port()
            ),
            b"",
        );
        assert_eq!(r.status, 421, "{path} with the right port");
    }
    let port = s.addr.port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = s.raw(&format!("GET /plans/{id} HTTP/1.1\r\nHost: {host}"), b"");
        assert_eq!(r.status, 200, "{host}");
    }
    let r = s.raw("GET / HTTP/1.1\r\nHost: localhost:1", b"");
    assert_eq!(r.status, 421, "loopback names only with the bound port");
}

#[test]
fn allow_host_admits_a_reverse_proxy_name() {
    let s = Server::start(Options {
        allowed_hosts: vec!["plans.example.com".into()],
        ..Options::default()
    });
    let r = s.raw("GET / HTTP/1.1\r\nHost: plans.example.com", b"");
    assert_eq!(r.status, 200);
    let r = s.raw(
        "POST /plans HTTP/1.1\r\nHost: plans.example.com\r\nOrigin: https://plans.example.com\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded",
        encode(&PLAN).as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = s.raw("GET / HTTP/1.1\r\nHost: other.example.com", b"");
    assert_eq!(r.status, 421);
}

#[test]
fn csrf_a_cross_site_post_is_refused_and_nothing_is_stored() {
    let s = Server::start(Options::default());
    for extra in [
        "\r\nOrigin: https://evil.example",
        "\r\nOrigin: null",
        "\r\nOrigin: null\r\nSec-Fetch-Site: cross-site",
        "\r\nOrigin: null\r\nSec-Fetch-Site: none",
        "\r\nSec-Fetch-Site: cross-site",
        "\r\nSec-Fetch-Site: same-site",
        "\r\nOrigin: https://evil.example\r\nSec-Fetch-Site: cross-site",
        // Same port, another loopback name: another origin.
        &format!("\r\nOrigin: http://localhost:{}", s.addr.port()),
    ] {
        let r = s.post("/plans", &PLAN, extra);
        assert_eq!(r.status, 403, "{extra:?}: {}", r.body);
        assert!(r.body.contains("own form"), "{}", r.body);
        let r = s.post("/api/check", &PLAN, extra);
        assert_eq!(r.status, 403, "{extra:?} on /api/check");
    }
    assert!(no_plans_stored(&s));
    // The app's own pages, and clients that are not browsers, may post.
    let own = format!(
        "\r\nOrigin: http://{}\r\nSec-Fetch-Site: same-origin",
        s.host()
    );
    assert_eq!(s.post("/plans", &PLAN, &own).status, 303);
    assert_eq!(
        s.post("/plans", &PLAN, "\r\nSec-Fetch-Site: none").status,
        303
    );
    assert_eq!(s.post("/plans", &PLAN, "").status, 303);
    // What Chromium sends for our own form: the page's Referrer-Policy
    // (no-referrer) turns its Origin into `null`.
    let own_form = "\r\nOrigin: null\r\nSec-Fetch-Site: same-origin";
    assert_eq!(s.post("/plans", &PLAN, own_form).status, 303);
}

#[test]
fn every_response_carries_the_security_headers() {
    let s = Server::start(Options::default());
    let id = create(&s);
    let replies = [
        s.get("/"),
        s.get("/plans"),
        s.get(&format!("/plans/{id}")),
        s.get(&format!("/plans/{id}/download/json")),
        s.get("/static/app.js"),
        s.get("/nope"),
        s.get("/plans/999"),
        s.raw("GET / HTTP/1.1\r\nHost: evil.example", b""),
        s.post("/plans", &PLAN, "\r\nOrigin: https://evil.example"),
        s.post("/plans", &[("from-state", &"y".repeat(300 * 1024))], ""),
    ];
    for r in &replies {
        let csp = r.header("content-security-policy");
        for part in [
            "script-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "default-src 'none'",
        ] {
            assert!(csp.contains(part), "{} lacks {part}: {csp:?}", r.status);
        }
        let script_src = csp.split(';').find(|d| d.contains("script-src")).unwrap();
        assert!(!script_src.contains("unsafe"), "{script_src}");
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert_eq!(r.header("x-frame-options"), "DENY");
        assert_eq!(r.header("referrer-policy"), "no-referrer");
    }
}

/// Every `<script` opens a served file, and nothing else can run script.
fn assert_no_inline_script(what: &str, html: &str) {
    for (at, _) in html.match_indices("<script") {
        assert!(
            html[at..].starts_with("<script src=\"/static/"),
            "{what}: inline script at {at}: {}",
            &html[at..(at + 80).min(html.len())]
        );
    }
    assert!(!html.contains("javascript:"), "{what}: javascript: URL");
    let lower = html.to_ascii_lowercase();
    for (at, _) in lower.match_indices(" on") {
        let name: String = lower[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let after = &lower[at + 1 + name.len()..];
        assert!(
            !(name.len() > 2 && after.starts_with('=')),
            "{what}: event attribute {name}"
        );
    }
}

#[test]
fn pages_run_no_inline_script_and_their_scripts_are_served() {
    let s = Server::start(Options::default());
    let a = create(&s);
    let edit = s.get(&format!("/plans/{a}/edit"));
    let b = s.post(
        "/plans",
        &[PLAN[0], PLAN[1], PLAN[2], ("parent_id", &a.to_string())],
        "",
    );
    let b = b.header("location").rsplit('/').next().unwrap().to_string();
    let plan = s.get(&format!("/plans/{a}"));
    assert!(plan.body.contains("<script src=\"/static/report.js\""));
    for (what, r) in [
        ("form", s.get("/")),
        ("plan", plan),
        ("edit", edit),
        ("history", s.get("/plans")),
        ("compare", s.get(&format!("/plans/{a}/compare/{b}"))),
        ("error", s.post("/plans", &[("from-state", "")], "")),
        ("not found", s.get("/plans/999")),
    ] {
        assert!(r.status < 500, "{what}: {}", r.status);
        assert_no_inline_script(what, &r.body);
    }
    let app = s.get("/static/app.js");
    assert_eq!(app.status, 200);
    assert!(app.header("content-type").starts_with("text/javascript"));
    assert!(app.body.contains("/api/check"));
    let report = s.get("/static/report.js");
    assert_eq!(report.status, 200);
    assert!(report.body.contains("Copy"), "the report's copy buttons");
}

// ------------------------------------------------------- A: slow clients

#[test]
fn a_client_trickling_its_headers_is_cut_off() {
    let s = Server::start(Options {
        header_read_timeout: Duration::from_millis(500),
        ..Options::default()
    });
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    c.write_all(b"GET / HTT").unwrap();
    let mut buf = Vec::new();
    // EOF (or a reset) ends the read; a timeout would be an error.
    let closed = match c.read_to_end(&mut buf) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(closed, "the server closed the connection");
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "closed after {:?}",
        t.elapsed()
    );
    // The server still answers others.
    assert_eq!(s.get("/").status, 200);
}

// ------------------------------------------------ B: work off the workers

#[test]
fn a_slow_request_neither_starves_others_nor_runs_past_its_limit() {
    let s = Server::start(Options {
        request_time_limit: Duration::from_secs(1),
        work_hook: Some(Arc::new(|fields: &HashMap<String, String>| {
            if fields.get("scale").map(String::as_str) == Some("slow") {
                std::thread::sleep(Duration::from_secs(4));
            }
        })),
        ..Options::default()
    });
    let addr = s.addr;
    let slow = std::thread::spawn(move || {
        let t = Instant::now();
        let mut c = TcpStream::connect(addr).unwrap();
        let body = encode(&[PLAN[0], PLAN[1], ("scale", "slow")]);
        write!(
            c,
            "POST /plans HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = Vec::new();
        c.read_to_end(&mut out).unwrap();
        (Reply::parse(&out), t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    for path in ["/", "/plans", "/static/app.js"] {
        let t = Instant::now();
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            t.elapsed() < Duration::from_millis(700),
            "{path} took {:?} while a slow request ran",
            t.elapsed()
        );
    }
    let (r, took) = slow.join().unwrap();
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("gave up on this request after 1 s"),
        "{}",
        r.body
    );
    assert!(took < Duration::from_secs(3), "answered after {took:?}");
}

// ------------------------------------------------- C: bounded error pages

#[test]
fn a_257_kb_form_of_repeated_tags_gives_an_error_page_under_1_mb() {
    let s = Server::start(Options {
        request_time_limit: Duration::from_secs(300),
        ..Options::default()
    });
    let bad = "<scale>1</scale>".repeat(1024);
    let tags = [
        "migration-type",
        "from-state",
        "to-state",
        "criticality",
        "rollback-acceptable-delay",
        "existing-dual-run-capability",
        "team-availability",
        "prior-migration-experience",
        "constraints",
    ];
    let fields: Vec<(&str, &str)> = tags.iter().map(|t| (*t, bad.as_str())).collect();
    let body = encode(&fields);
    assert!(body.len() > 230 * 1024 && body.len() <= 256 * 1024);
    let r = s.post("/plans", &fields, "");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("scale"), "the problem is named");
    assert!(r.len < 1024 * 1024, "error page of {} bytes", r.len);
    let r = s.post("/api/check", &fields, "");
    assert!(r.len < 1024 * 1024, "facts panel answer of {} bytes", r.len);
    assert!(no_plans_stored(&s));
}

// --------------------------------------------------------- D: NUL bytes

#[test]
fn nul_bytes_are_refused_with_the_cli_message_and_never_stored() {
    let s = Server::start(Options::default());
    let fields = [
        ("from-state", "Postgres 14\0 on EC2"),
        ("to-state", "Postgres 16 on RDS"),
    ];
    let r = s.post("/plans", &fields, "");
    assert_eq!(r.status, 400);
    // The message `rollgate check` gives for the same bytes in a file.
    assert!(
        r.body.contains("from-state:1:12: input is not text (NUL byte at byte 11). rollgate reads UTF-8 TOML, YAML, JSON or the tagged-text form."),
        "{}",
        r.body
    );
    let r = s.post("/api/check", &fields, "");
    assert!(r.body.contains("\"ok\":false"), "{}", r.body);
    assert!(r.body.contains("NUL byte at byte 11"), "{}", r.body);
    assert!(no_plans_stored(&s));
}

// ------------------------------------------------ E: canonical plan ids

#[test]
fn only_canonical_plan_ids_name_a_plan() {
    let s = Server::start(Options::default());
    let id = create(&s);
    assert_eq!(id, 1);
    for ok in [
        "/plans/1",
        "/plans/1/edit",
        "/plans/1/download/json",
        "/plans/1/compare/1",
    ] {
        assert_eq!(s.get(ok).status, 200, "{ok}");
    }
    for alias in [
        "+1",
        "01",
        "001",
        "%2B1",
        "1.0",
        "-1",
        "%201",
        "1%20",
        "0x1",
        "9223372036854775808",
        "99999999999999999999",
    ] {
        for path in [
            format!("/plans/{alias}"),
            format!("/plans/{alias}/edit"),
            format!("/plans/{alias}/download/json"),
            format!("/plans/1/compare/{alias}"),
        ] {
            let r = s.get(&path);
            assert_eq!(r.status, 404, "{path}");
        }
    }
    let r = s.post("/plans", &[PLAN[0], PLAN[1], ("parent_id", "+1")], "");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("is not a plan id"));
}
