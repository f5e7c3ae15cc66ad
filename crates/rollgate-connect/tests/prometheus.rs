//! Against a real Prometheus scraping an exporter this test serves: the
//! sampled value follows the exporter, a stopped server is no data with a
//! reason; and the exported alerting rules pass `promtool check rules`.

#[path = "support/prometheus.rs"]
mod prometheus;
#[path = "support/recorder.rs"]
mod recorder;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rollgate_connect::{prometheus_rules, AlertRule, Bindings, MetricSource, Sample};

/// Samples until `want` or 20 s (a scrape each second, so a few suffice).
fn sample_until(source: &dyn MetricSource, want: f64) -> Sample {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = source.sample();
        if s.value == Some(want) || Instant::now() > deadline {
            return s;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn the_sampled_value_follows_the_exporter_and_a_stopped_server_is_no_data() {
    let value = Arc::new(Mutex::new(0.25_f64));
    let shared = value.clone();
    let exporter = recorder::Recorder::start(move |_| {
        let v = *shared.lock().unwrap();
        (
            200,
            "text/plain; version=0.0.4",
            format!("# TYPE rollgate_test_ratio gauge\nrollgate_test_ratio{{side=\"new\"}} {v}\n"),
        )
    });
    let mut server = prometheus::Prometheus::start(exporter.port);
    let text = format!(
        "[metrics.ratio]\nsource = \"prometheus\"\nurl = \"{}\"\nquery = 'sum(rollgate_test_ratio{{side=\"new\"}}) * 100'\ntimeout = \"5s\"\n\
         [metrics.two-series]\nsource = \"prometheus\"\nurl = \"{}\"\nquery = 'vector(1) or label_replace(vector(2), \"x\", \"y\", \"\", \"\")'\n\
         [metrics.broken]\nsource = \"prometheus\"\nurl = \"{}\"\nquery = 'sum(rate(x[5m])'\n",
        server.url, server.url, server.url
    );
    let bindings = Bindings::parse(&text, "test.toml").unwrap();
    let source = bindings.source("ratio").unwrap();
    assert_eq!(
        sample_until(&*source, 25.0),
        Sample::of(25.0, "prometheus: 1 series")
    );

    *value.lock().unwrap() = 0.07;
    assert_eq!(
        sample_until(&*source, 7.000000000000001).value,
        Some(7.000000000000001)
    );

    let two = bindings.source("two-series").unwrap().sample();
    assert_eq!(two.value, None);
    assert_eq!(
        two.note,
        "prometheus: 2 series; a gate needs one (aggregate with sum, max or avg)"
    );

    let broken = bindings.source("broken").unwrap().sample();
    assert_eq!(broken.value, None);
    assert!(
        broken.note.starts_with("prometheus: HTTP 400: ") && broken.note.contains("parse error"),
        "{}",
        broken.note
    );

    server.stop();
    let down = source.sample();
    assert_eq!(down.value, None);
    assert_eq!(
        down.note,
        "prometheus: connection error: connection refused"
    );
}

#[test]
fn exported_rules_pass_promtool_and_unbound_alerts_are_listed() {
    let text = r#"
[metrics.error-rate]
source = "prometheus"
url = "http://127.0.0.1:9090"
query = 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) * 100'
[metrics.replication-lag]
source = "sql"
url = "sqlite:/tmp/x.db"
query = "select 1"
"#;
    let bindings = Bindings::parse(text, "test.toml").unwrap();
    let rule = |id: &str, metric: &str, op: &str, value: f64| AlertRule {
        id: id.into(),
        metric_id: metric.into(),
        op: op.into(),
        value,
        for_window: "5m".into(),
        summary: format!("{metric} {op} {value}: \"quoted\" text: and colons"),
        action: "flip the kill switch to postgresql-14".into(),
    };
    let rules = [
        rule("error-rate-high", "error-rate", ">", 1.5),
        rule("error-rate-zero", "error-rate", "==", 0.0),
        rule("lag-high", "replication-lag", ">=", 30.0),
        rule("unknown-metric", "p99", "<", 1.0),
    ];
    let out = prometheus_rules("rollgate-pg-upgrade", &rules, &bindings).unwrap();
    assert_eq!(out.unbound, ["lag-high", "unknown-metric"]);
    assert!(out
        .yaml
        .contains("# Not included (metric not bound to Prometheus): lag-high, unknown-metric\n"));
    assert!(
        out.yaml.contains("alert: RollgateErrorRateHigh"),
        "{}",
        out.yaml
    );
    let expr = r#"(sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) * 100) > 1.5"#;
    let doc: serde_json::Value = serde_norway::from_str(&out.yaml).unwrap();
    assert_eq!(doc["groups"][0]["rules"][0]["expr"], expr);
    assert_eq!(
        doc["groups"][0]["rules"][1]["expr"]
            .as_str()
            .unwrap()
            .rsplit(") ")
            .next(),
        Some("== 0")
    );
    assert_eq!(
        doc["groups"][0]["rules"][0]["labels"]["rollgate_alert"],
        "error-rate-high"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rules.yml");
    std::fs::write(&file, &out.yaml).unwrap();
    let promtool = std::env::var("PROMTOOL_BIN").unwrap_or_else(|_| "/usr/bin/promtool".into());
    let check = std::process::Command::new(promtool)
        .args(["check", "rules"])
        .arg(&file)
        .output()
        .expect("promtool (scripts/setup-run-tests.sh installs it)");
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(said.contains("SUCCESS: 2 rules found"), "{said}");
}

#[test]
fn a_bad_operator_or_window_is_an_error_not_a_broken_file() {
    let bindings = Bindings::parse("", "empty.toml").unwrap();
    let mut r = AlertRule {
        id: "a".into(),
        metric_id: "m".into(),
        op: "=>".into(),
        value: 1.0,
        for_window: "5m".into(),
        summary: String::new(),
        action: String::new(),
    };
    let e = prometheus_rules("g", std::slice::from_ref(&r), &bindings).unwrap_err();
    assert_eq!(
        e.to_string(),
        "alert rules: alert a: operator `=>` is not one of > >= < <= =="
    );
    r.op = ">".into();
    r.for_window = "five minutes".into();
    assert!(prometheus_rules("g", &[r], &bindings).is_err());
}
