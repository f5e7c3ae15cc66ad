//! HTTP and command metric sources and the webhook notifier, against a
//! local recording server and real child processes.

#[path = "support/recorder.rs"]
mod recorder;

use std::time::{Duration, Instant};

use recorder::Recorder;
use rollgate_connect::{Bindings, Sample};

fn bindings(text: &str) -> Bindings {
    Bindings::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn http_source_reads_a_pointer_a_status_or_a_bare_number_with_its_token() {
    let server = Recorder::start(|r| match r.path.as_str() {
        "/health" => (
            200,
            "application/json",
            r#"{"checks":{"db":{"latency_ms":"8.25"}}}"#.into(),
        ),
        "/down" => (503, "text/plain", "maintenance\nmore".into()),
        _ => (200, "text/plain", " 99.5\n".into()),
    });
    let text = format!(
        "[metrics.latency]\nsource = \"http\"\nurl = \"{u}/health\"\njson_pointer = \"/checks/db/latency_ms\"\ntoken_env = \"T\"\n\
         [metrics.up]\nsource = \"http\"\nurl = \"{u}/down\"\nstatus = true\n\
         [metrics.down]\nsource = \"http\"\nurl = \"{u}/down\"\njson_pointer = \"/x\"\n\
         [metrics.bare]\nsource = \"http\"\nurl = \"{u}/n\"\n",
        u = server.url
    );
    let b = bindings(&text).with_env(|k| (k == "T").then(|| "tok-123".into()));
    assert_eq!(
        b.source("latency").unwrap().sample(),
        Sample::of(8.25, "http JSON /checks/db/latency_ms")
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer tok-123")
    );
    assert_eq!(
        b.source("up").unwrap().sample(),
        Sample::of(503.0, "HTTP 503")
    );
    assert_eq!(
        b.source("down").unwrap().sample(),
        Sample::none("http: HTTP 503: maintenance")
    );
    assert_eq!(
        b.source("bare").unwrap().sample(),
        Sample::of(99.5, "http body")
    );
}

#[test]
fn a_secret_http_url_never_shows_in_notes() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/metrics?key=Hunter2-secret");
    let b = bindings("[metrics.m]\nsource = \"http\"\nurl_env = \"U\"\n")
        .with_env(move |_| Some(url.clone()));
    let source = b.source("m").unwrap();
    let s = source.sample();
    assert_eq!(s.value, None);
    assert!(
        !s.note.contains("Hunter2") && !source.describe().contains("Hunter2"),
        "{} / {}",
        s.note,
        source.describe()
    );
    assert_eq!(source.describe(), "http GET the URL in env U: body");
}

#[test]
fn command_source_reads_stdout_or_exit_code_and_times_out() {
    let b = bindings(
        "[metrics.out]\nsource = \"command\"\ncommand = [\"sh\", \"-c\", \"echo '  3.5 rows'\"]\n\
         [metrics.code]\nsource = \"command\"\ncommand = [\"sh\", \"-c\", \"exit 4\"]\nexit_code = true\n\
         [metrics.fails]\nsource = \"command\"\ncommand = [\"sh\", \"-c\", \"echo boom >&2; exit 2\"]\n\
         [metrics.slow]\nsource = \"command\"\ncommand = [\"sleep\", \"10\"]\ntimeout = \"300ms\"\n\
         [metrics.missing]\nsource = \"command\"\ncommand = [\"/nonexistent/smoke\"]\n",
    );
    assert_eq!(
        b.source("out").unwrap().sample(),
        Sample::of(3.5, "read from stdout")
    );
    assert_eq!(
        b.source("code").unwrap().sample(),
        Sample::of(4.0, "exit code 4")
    );
    assert_eq!(
        b.source("fails").unwrap().sample(),
        Sample::none("command exited with 2: boom")
    );
    let started = Instant::now();
    assert_eq!(
        b.source("slow").unwrap().sample(),
        Sample::none("command timed out after 300 ms and was killed")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        b.source("missing").unwrap().sample(),
        Sample::none("command could not start: entity not found")
    );
}

#[test]
fn notifier_posts_slack_json_and_reports_refusals_without_the_url() {
    let server = Recorder::start(|r| {
        if r.path == "/hooks/ok" {
            (200, "text/plain", "ok".into())
        } else {
            (404, "text/plain", "no_service".into())
        }
    });
    let ok_url = format!("{}/hooks/ok", server.url);
    let b =
        bindings("[notify]\nwebhook_url_env = \"HOOK\"\n").with_env(move |_| Some(ok_url.clone()));
    b.notifier()
        .unwrap()
        .unwrap()
        .send("phase 2: \"reads\" at 25% ✓")
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/hooks/ok"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        serde_json::json!({"text": "phase 2: \"reads\" at 25% ✓"})
    );

    let bad_url = format!("{}/hooks/T000/Hunter2-secret", server.url);
    let b =
        bindings("[notify]\nwebhook_url_env = \"HOOK\"\n").with_env(move |_| Some(bad_url.clone()));
    let e = b
        .notifier()
        .unwrap()
        .unwrap()
        .send("x")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "notify (webhook from env HOOK): HTTP 404: no_service");
}
