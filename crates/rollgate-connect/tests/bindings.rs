//! The bindings file: every kind parses, every problem is reported at
//! origin:line:col, and no secret value ever reaches a message.

use std::time::Duration;

use rollgate_connect::{Bindings, ConnectError, EvalParams};

const FULL: &str = r#"
[metrics."error-rate-of-routed-requests"]
source = "prometheus"
url = "http://127.0.0.1:9090"
query = 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) * 100'
interval = "1m"
count = 5
failure_limit = 1
inconclusive_limit = 2
noise = 0.0

[metrics."replication-lag"]
source = "sql"
url_env = "ROLLGATE_TARGET_DB"
query = "select extract(epoch from now() - pg_last_xact_replay_timestamp())"

[metrics."health"]
source = "http"
url = "http://127.0.0.1:8080/health"
json_pointer = "/checks/db/latency_ms"

[metrics."smoke"]
source = "command"
command = ["sh", "-c", "./smoke.sh"]
timeout = "30s"

[switch]
kind = "unleash"
url = "http://127.0.0.1:4242"
token_env = "UNLEASH_ADMIN_TOKEN"
project = "default"
environment = "production"
flag = "postgresql-target"

[notify]
webhook_url_env = "ROLLGATE_WEBHOOK"
"#;

fn problems(text: &str) -> Vec<String> {
    match Bindings::parse(text, "b.toml") {
        Err(ConnectError::Bindings(p)) => p.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("not a bindings error: {other}"),
        Ok(_) => panic!("parsed:\n{text}"),
    }
}

#[test]
fn the_documented_example_parses_with_its_parameters_and_defaults() {
    let b = Bindings::parse(FULL, "b.toml").unwrap();
    assert_eq!(
        b.metric_ids(),
        [
            "error-rate-of-routed-requests",
            "health",
            "replication-lag",
            "smoke"
        ]
    );
    let e = b.params("error-rate-of-routed-requests").unwrap();
    assert_eq!(
        *e,
        EvalParams {
            interval: Duration::from_secs(60),
            count: 5,
            failure_limit: 1,
            inconclusive_limit: 2,
            noise: 0.0,
            delay: None,
        }
    );
    assert_eq!(*b.params("health").unwrap(), EvalParams::default());
    assert_eq!(
        b.source("health").unwrap().describe(),
        "http GET http://127.0.0.1:8080/health: JSON /checks/db/latency_ms"
    );
    assert!(b.source("nope").is_none());
}

#[test]
fn an_unknown_key_is_reported_at_its_line_and_column() {
    let text = "[metrics.x]\nsource = \"command\"\ncommand = [\"true\"]\nintervall = \"1m\"\n";
    let p = problems(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("b.toml:4:1: unknown field `intervall`"),
        "{}",
        p[0]
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let text = r#"
[metrics.a]
source = "prometheus"
url = "http://p"
json_pointer = "/x"

[metrics.b]
source = "sql"
url = "postgres://h/db"
interval = "5 minutes"

[switch]
kind = "flipper"
"#;
    let p = problems(text);
    assert_eq!(
        p,
        [
            "b.toml:3:10: a prometheus binding needs `query`",
            "b.toml:5:16: `json_pointer` does not apply to source prometheus",
            "b.toml:8:10: a sql binding needs `query`",
            "b.toml:10:12: a duration is a number and a unit: 500ms, 30s, 5m, 1h, 1d (or sums: 1h30m)",
            "b.toml:13:8: switch kind is one of unleash, launchdarkly, file, http, command",
        ]
    );
}

#[test]
fn an_inline_url_with_a_password_is_refused_without_repeating_it() {
    let text = "[metrics.lag]\nsource = \"sql\"\nurl = \"postgres://app:Hunter2-secret@db/x\"\nquery = \"select 1\"\n";
    let p = problems(text);
    assert_eq!(p, ["b.toml:3:7: this URL carries a password: put it in an env var (url_env) or a file (url_file)"]);
}

#[test]
fn a_secret_in_the_wrong_field_is_not_echoed_by_the_type_error() {
    let text =
        "[metrics.x]\nsource = \"command\"\ncommand = [\"true\"]\ncount = \"tok-Hunter2-secret\"\n";
    let p = problems(text);
    assert_eq!(p.len(), 1);
    assert!(!p[0].contains("Hunter2"), "{}", p[0]);
    assert!(p[0].starts_with("b.toml:4:9: invalid type"), "{}", p[0]);
}

#[test]
fn missing_secrets_are_named_by_env_var_and_place_never_by_value() {
    let b = Bindings::parse(FULL, "b.toml")
        .unwrap()
        .with_env(|k| (k == "UNLEASH_ADMIN_TOKEN").then(|| "tok-Hunter2".to_string()));
    let err = b.check_secrets().unwrap_err().to_string();
    assert_eq!(
        err,
        "b.toml:14:11: env var ROLLGATE_TARGET_DB is not set\nb.toml:36:19: env var ROLLGATE_WEBHOOK is not set"
    );
    // A source whose secret is missing still samples: no value, the reason.
    let s = b.source("replication-lag").unwrap().sample();
    assert_eq!(
        (s.value, s.note.as_str()),
        (None, "env var ROLLGATE_TARGET_DB is not set")
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let b = Bindings::parse(FULL, "b.toml")
        .unwrap()
        .with_env(|_| Some("postgres://app:Hunter2@db/x".into()));
    assert!(!format!("{b:?}").contains("Hunter2"));
    let n = b.notifier().unwrap().unwrap();
    assert!(!format!("{n:?}").contains("Hunter2"), "{n:?}");
    assert_eq!(n.describe(), "webhook from env ROLLGATE_WEBHOOK");
}

#[test]
fn each_switch_kind_parses_and_refuses_keys_of_another_kind() {
    let kinds = [
        "kind = \"launchdarkly\"\ntoken_file = \"/run/ld\"\nproject_key = \"p\"\nenvironment_key = \"production\"\nvariations = { old = \"v0\", new = \"v1\" }",
        "kind = \"file\"\npath = \"/etc/app/switch.env\"\nformat = \"env\"\nkey = \"DB_TARGET\"\nreload = [\"systemctl\", \"reload\", \"app\"]",
        "kind = \"http\"\nurl = \"http://flags.local/set\"\nmethod = \"POST\"\nbody = '{\"state\":\"{state}\",\"percent\":{percent}}'\nread_url = \"http://flags.local/get\"\nstate_pointer = \"/state\"\npercent_pointer = \"/percent\"",
        "kind = \"command\"\ncommand = [\"flagctl\", \"set\", \"{flag}\", \"{state}\", \"{percent}\"]\nread_command = [\"flagctl\", \"get\", \"{flag}\"]",
    ];
    for k in kinds {
        Bindings::parse(&format!("[switch]\n{k}\n"), "b.toml")
            .unwrap_or_else(|e| panic!("{k}\n{e}"));
    }
    let p = problems("[switch]\nkind = \"file\"\npath = \"/x\"\nproject_key = \"p\"\n");
    assert_eq!(
        p,
        ["b.toml:4:15: `project_key` does not apply to switch kind file"]
    );
}

#[test]
fn notify_without_a_secret_source_is_reported_at_its_table() {
    let p = problems(
        "[metrics.x]\nsource = \"command\"\ncommand = [\"true\"]\n[notify]\ntimeout = \"5s\"\n",
    );
    assert_eq!(p, ["b.toml:4:1: [notify] needs webhook_url_env or webhook_url_file (a webhook URL is a secret)"]);
}

#[test]
fn load_names_the_file_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bindings.toml");
    std::fs::write(&path, "[switch]\nkind = \"file\"\n").unwrap();
    let e = Bindings::load(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("{}:2:8: a file binding needs `path`", path.display())
    );
    let missing = Bindings::load(&dir.path().join("nope.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        missing.ends_with("nope.toml: reading the bindings: entity not found"),
        "{missing}"
    );
}

#[test]
fn run_section_sets_automatic_abort_and_refuses_unknown_keys_at_their_place() {
    assert!(
        !Bindings::parse("", "b.toml").unwrap().auto_abort(),
        "off unless asked for"
    );
    assert!(Bindings::parse("[run]\nauto_abort = true\n", "b.toml")
        .unwrap()
        .auto_abort());
    assert!(!Bindings::parse("[run]\nauto_abort = false\n", "b.toml")
        .unwrap()
        .auto_abort());
    let err = Bindings::parse("[run]\nauto_advance = true\n", "b.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("b.toml:2:"), "{err}");
}

#[test]
fn a_start_up_delay_is_read_as_a_duration_and_left_unset_by_default() {
    let b = Bindings::parse(
        "[metrics.m]\nsource = \"command\"\ncommand = [\"true\"]\ndelay = \"5m\"\n",
        "b.toml",
    )
    .unwrap();
    assert_eq!(b.params("m").unwrap().delay, Some(Duration::from_secs(300)));
    let b = Bindings::parse(
        "[metrics.m]\nsource = \"command\"\ncommand = [\"true\"]\n",
        "b.toml",
    )
    .unwrap();
    assert_eq!(b.params("m").unwrap().delay, None);
    let err = Bindings::parse(
        "[metrics.m]\nsource = \"command\"\ncommand = [\"true\"]\ndelay = \"soon\"\n",
        "b.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("b.toml:4:"), "{err}");
}
