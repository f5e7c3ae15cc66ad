//! The file, http and command kill switches: apply writes exactly what the
//! tool needs, read_back reports what the tool holds, and a state the plan
//! does not have never reaches the tool.

#[path = "support/plan.rs"]
mod plan;
#[path = "support/recorder.rs"]
mod recorder;

use std::os::unix::fs::PermissionsExt;
use std::sync::{Arc, Mutex};

use plan::{states, target};
use recorder::Recorder;
use rollgate_connect::{Bindings, SwitchAction};

fn switch(text: &str) -> Box<dyn SwitchAction> {
    let b = Bindings::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e}"));
    b.switch("postgresql-target", &states()).unwrap().unwrap()
}

#[test]
fn file_switch_in_each_format_round_trips_and_runs_its_reload() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let plain = switch(&format!(
        "[switch]\nkind = \"file\"\npath = \"{d}/switch\"\n"
    ));
    assert_eq!(plain.read_back().unwrap(), None, "no file yet: nothing set");
    plain.apply(&target("reads-postgresql-16", 10)).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("switch")).unwrap(),
        "reads-postgresql-16 10\n"
    );
    assert_eq!(
        plain.read_back().unwrap(),
        Some(target("reads-postgresql-16", 10))
    );

    let env_path = dir.path().join("app.env");
    std::fs::write(
        &env_path,
        "OTHER=1\nPOSTGRESQL_TARGET=postgresql-14\nPOSTGRESQL_TARGET_PERCENT=0\nLAST=x\n",
    )
    .unwrap();
    std::fs::set_permissions(&env_path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let env = switch(&format!(
        "[switch]\nkind = \"file\"\npath = \"{d}/app.env\"\nformat = \"env\"\nreload = [\"sh\", \"-c\", \"echo reloaded {{state}} {{percent}} > {d}/reload.log\"]\n"
    ));
    env.apply(&target("postgresql-16", 100)).unwrap();
    assert_eq!(
        std::fs::read_to_string(&env_path).unwrap(),
        "OTHER=1\nLAST=x\nPOSTGRESQL_TARGET=postgresql-16\nPOSTGRESQL_TARGET_PERCENT=100\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("reload.log")).unwrap(),
        "reloaded postgresql-16 100\n"
    );
    assert_eq!(env.read_back().unwrap(), Some(target("postgresql-16", 100)));
    let mode = std::fs::metadata(&env_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "the file's mode is kept");

    let json = switch(&format!("[switch]\nkind = \"file\"\npath = \"{d}/s.json\"\nformat = \"json\"\nflag = \"db-route\"\n"));
    json.apply(&target("writes-paused", 0)).unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).unwrap()).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"flag": "db-route", "state": "writes-paused", "percent": 0})
    );
    assert_eq!(json.read_back().unwrap(), Some(target("writes-paused", 0)));

    // Nothing but the three switch files and the reload log: no temporaries left.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["app.env", "reload.log", "s.json", "switch"]);
}

#[test]
fn a_failed_reload_is_an_error_and_an_unknown_state_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let s = switch(&format!("[switch]\nkind = \"file\"\npath = \"{d}/switch\"\nreload = [\"sh\", \"-c\", \"echo no app >&2; exit 3\"]\n"));
    let e = s
        .apply(&target("postgresql-14", 0))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!("{d}/switch: written, but the reload failed: command `sh`: exited with 3: no app")
    );
    let e = s
        .apply(&target("postgresql-15", 0))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("switch: `postgresql-15` is not a state of this plan"),
        "{e}"
    );
    assert_eq!(
        s.read_back().unwrap(),
        Some(target("postgresql-14", 0)),
        "the refused target was written"
    );
}

#[test]
fn http_switch_sends_the_templated_body_and_reads_back_by_pointer() {
    let held = Arc::new(Mutex::new(
        serde_json::json!({"route": {"state": "postgresql-14", "percent": 0}}),
    ));
    let h = held.clone();
    let server = Recorder::start(move |r| {
        if r.method == "GET" {
            return (200, "application/json", h.lock().unwrap().to_string());
        }
        let body = r.json();
        *h.lock().unwrap() = serde_json::json!({"route": {"state": body["to"], "percent": body["share"].to_string()}});
        (204, "text/plain", String::new())
    });
    let text = format!(
        "[switch]\nkind = \"http\"\nurl = \"{u}/flags/set\"\nmethod = \"post\"\ntoken_env = \"T\"\nheaders = {{ X-Team = \"db\" }}\n\
         body = '{{\"flag\":\"{{flag}}\",\"to\":\"{{state}}\",\"share\":{{percent}}}}'\n\
         read_url = \"{u}/flags/get\"\nstate_pointer = \"/route/state\"\npercent_pointer = \"/route/percent\"\n",
        u = server.url
    );
    let b = Bindings::parse(&text, "t.toml")
        .unwrap()
        .with_env(|_| Some("tok-9".into()));
    let s = b.switch("postgresql-target", &states()).unwrap().unwrap();
    assert_eq!(s.read_back().unwrap(), Some(target("postgresql-14", 0)));
    s.apply(&target("reads-postgresql-16", 25)).unwrap();
    let post = server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.path, "/flags/set");
    assert_eq!(
        post.body,
        r#"{"flag":"postgresql-target","to":"reads-postgresql-16","share":25}"#
    );
    assert_eq!(post.header("authorization"), Some("Bearer tok-9"));
    assert_eq!(post.header("x-team"), Some("db"));
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(
        s.read_back().unwrap(),
        Some(target("reads-postgresql-16", 25))
    );
}

#[test]
fn command_switch_fills_its_argv_and_reads_back_with_its_read_command() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let s = switch(&format!(
        "[switch]\nkind = \"command\"\ncommand = [\"sh\", \"-c\", \"printf '%s %s %s' \\\"$0\\\" \\\"$1\\\" \\\"$2\\\" > {p}\", \"{{flag}}\", \"{{state}}\", \"{{percent}}\"]\n\
         read_command = [\"sh\", \"-c\", \"cut -d' ' -f2- {p}\"]\n",
        p = state.display()
    ));
    s.apply(&target("postgresql-16", 50)).unwrap();
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "postgresql-target postgresql-16 50"
    );
    assert_eq!(s.read_back().unwrap(), Some(target("postgresql-16", 50)));

    let no_read = switch("[switch]\nkind = \"command\"\ncommand = [\"true\"]\n");
    assert_eq!(no_read.read_back().unwrap(), None);
    let e = no_read
        .apply(&target("postgresql-16", 101))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "switch: percent 101 is over 100");
}
