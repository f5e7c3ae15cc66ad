//! LaunchDarkly cannot run here: these tests check the exact requests
//! (method, path, headers, semantic-patch JSON) against a local recording
//! server that answers as LaunchDarkly's REST API does, and that read_back
//! reads LaunchDarkly's flag document.

#[path = "support/plan.rs"]
mod plan;
#[path = "support/recorder.rs"]
mod recorder;

use std::sync::{Arc, Mutex};

use plan::{states, target};
use recorder::Recorder;
use rollgate_connect::{Bindings, SwitchAction};
use serde_json::{json, Value};

const TOKEN: &str = "api-ld-Hunter2-token";

/// A flag as LaunchDarkly returns it for `?env=production`: a 25 % rollout
/// to the new side, two tenants and an organisation targeted at new-side
/// states, and rules that serve them.
fn flag() -> Value {
    json!({
        "key": "postgresql-target",
        "variations": [
            {"_id": "v-old", "value": "postgresql-14"},
            {"_id": "v-reads", "value": "reads-postgresql-16"},
            {"_id": "v-paused", "value": "writes-paused"},
            {"_id": "v-new", "value": "postgresql-16"}
        ],
        "environments": {"production": {
            "on": true,
            "offVariation": 0,
            "fallthrough": {"rollout": {"variations": [{"variation": 3, "weight": 25000}, {"variation": 0, "weight": 75000}]}},
            "targets": [
                {"values": ["tenant-a", "tenant-b"], "variation": 3, "contextKind": "user"},
                {"values": ["tenant-c"], "variation": 0, "contextKind": "user"}
            ],
            "contextTargets": [
                {"values": ["org-9"], "variation": 1, "contextKind": "organization"},
                {"values": [], "variation": 3, "contextKind": "user"}
            ],
            "rules": [
                {"_id": "r-new", "variation": 3, "clauses": [{"attribute": "plan", "op": "in", "values": ["enterprise"]}]},
                {"_id": "r-split", "rollout": {"variations": [{"variation": 0, "weight": 50000}, {"variation": 1, "weight": 50000}]}},
                {"_id": "r-old", "variation": 0}
            ]
        }}
    })
}

struct Ld {
    server: Recorder,
    held: Arc<Mutex<Value>>,
    switch: Box<dyn SwitchAction>,
}

fn start(status_for_patch: u16) -> Ld {
    start_with(200, status_for_patch)
}

fn start_with(status_for_get: u16, status_for_patch: u16) -> Ld {
    let held = Arc::new(Mutex::new(flag()));
    let h = held.clone();
    let server = Recorder::start(move |r| match r.method.as_str() {
        "GET" if status_for_get == 200 => (200, "application/json", h.lock().unwrap().to_string()),
        "GET" => (
            status_for_get,
            "application/json",
            r#"{"code":"internal"}"#.into(),
        ),
        _ if status_for_patch == 200 => (200, "application/json", h.lock().unwrap().to_string()),
        _ => (
            status_for_patch,
            "application/json",
            r#"{"code":"invalid_request","message":"unknown variation"}"#.into(),
        ),
    });
    let text = format!(
        "[switch]\nkind = \"launchdarkly\"\nurl = \"{}\"\ntoken_env = \"LD_TOKEN\"\nproject_key = \"payments\"\nenvironment_key = \"production\"\n\
         variations = {{ postgresql-14 = \"v-old\", reads-postgresql-16 = \"v-reads\", writes-paused = \"v-paused\", postgresql-16 = \"v-new\" }}\n",
        server.url
    );
    let b = Bindings::parse(&text, "t.toml")
        .unwrap()
        .with_env(|_| Some(TOKEN.into()));
    let switch = b.switch("postgresql-target", &states()).unwrap().unwrap();
    Ld {
        server,
        held,
        switch,
    }
}

fn patches(ld: &Ld) -> Vec<recorder::Request> {
    ld.server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect()
}

#[test]
fn semantic_patch_for_a_rollout_step_against_local_recording_server() {
    let ld = start(200);
    assert_eq!(
        ld.switch.read_back().unwrap(),
        Some(target("postgresql-16", 25))
    );
    let get = &ld.server.requests()[0];
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        (
            "GET",
            "/api/v2/flags/payments/postgresql-target?env=production"
        )
    );
    assert_eq!(get.header("authorization"), Some(TOKEN));
    assert_eq!(get.header("ld-api-version"), Some("20240415"));

    ld.switch.apply(&target("postgresql-16", 50)).unwrap();
    let sent = patches(&ld);
    assert_eq!(sent.len(), 1);
    let p = &sent[0];
    assert_eq!(p.path, "/api/v2/flags/payments/postgresql-target");
    assert_eq!(
        p.header("content-type"),
        Some("application/json; domain-model=launchdarkly.semanticpatch")
    );
    assert_eq!(p.header("authorization"), Some(TOKEN));
    assert_eq!(p.header("ld-api-version"), Some("20240415"));
    assert_eq!(
        p.json(),
        json!({
            "environmentKey": "production",
            "comment": "rollgate: postgresql-16 at 50%",
            "instructions": [
                {"kind": "turnFlagOn"},
                {"kind": "updateFallthroughVariationOrRollout", "rolloutWeights": {"v-new": 50000, "v-old": 50000},
                 "rolloutContextKind": "user", "rolloutBucketBy": "key"}
            ]
        })
    );
    // A rollout step does not need the flag first: one PATCH after the first GET.
    assert_eq!(ld.server.requests().len(), 2);
}

#[test]
fn semantic_patch_for_the_kill_switch_reverts_targets_and_rules_against_local_recording_server() {
    let ld = start(200);
    ld.switch.apply(&target("postgresql-14", 0)).unwrap();
    let sent = patches(&ld);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].json(),
        json!({
            "environmentKey": "production",
            "comment": "rollgate: postgresql-14 at 0%",
            "instructions": [
                {"kind": "turnFlagOn"},
                {"kind": "updateFallthroughVariationOrRollout", "variationId": "v-old"},
                {"kind": "removeTargets", "contextKind": "user", "variationId": "v-new", "values": ["tenant-a", "tenant-b"]},
                {"kind": "removeTargets", "contextKind": "organization", "variationId": "v-reads", "values": ["org-9"]},
                {"kind": "updateRuleVariationOrRollout", "ruleId": "r-new", "variationId": "v-old"},
                {"kind": "updateRuleVariationOrRollout", "ruleId": "r-split", "variationId": "v-old"}
            ]
        })
    );
    // What LaunchDarkly holds after that patch: the resting variation for all.
    ld.held.lock().unwrap()["environments"]["production"]["fallthrough"] = json!({"variation": 0});
    let t = target("postgresql-14", 0);
    assert_eq!(ld.switch.read_back().unwrap(), Some(ld.switch.expected(&t)));
    assert_eq!(
        ld.switch.expected(&target("postgresql-14", 30)),
        t,
        "the resting state holds no percent"
    );
}

#[test]
fn read_back_reports_full_rollout_off_targeting_and_foreign_variations() {
    let ld = start(200);
    let set = |fallthrough: Value, on: bool| {
        let mut f = ld.held.lock().unwrap();
        f["environments"]["production"]["fallthrough"] = fallthrough;
        f["environments"]["production"]["on"] = json!(on);
    };
    set(json!({"variation": 3}), true);
    assert_eq!(
        ld.switch.read_back().unwrap(),
        Some(target("postgresql-16", 100))
    );
    set(
        json!({"rollout": {"variations": [{"variation": 1, "weight": 0}, {"variation": 0, "weight": 100000}]}}),
        true,
    );
    assert_eq!(
        ld.switch.read_back().unwrap(),
        Some(target("reads-postgresql-16", 0))
    );
    set(json!({"variation": 3}), false);
    assert_eq!(
        ld.switch.read_back().unwrap(),
        Some(target("postgresql-14", 0)),
        "off serves offVariation 0"
    );
    ld.held.lock().unwrap()["variations"][3]["_id"] = json!("v-someone-else");
    set(json!({"variation": 3}), true);
    let e = ld.switch.read_back().unwrap_err().to_string();
    assert!(e.contains("no plan state"), "{e}");
}

#[test]
fn a_refused_patch_is_an_error_without_the_token_against_local_recording_server() {
    let ld = start(400);
    let e = ld
        .switch
        .apply(&target("postgresql-16", 10))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "launchdarkly {}: updating flag postgresql-target: HTTP 400: {{\"code\":\"invalid_request\",\"message\":\"unknown variation\"}}",
            ld.server.url
        )
    );
    assert!(!e.contains("Hunter2"));
}

#[test]
fn the_kill_switch_flips_even_when_the_flag_cannot_be_read_against_local_recording_server() {
    let ld = start_with(500, 200);
    let e = ld
        .switch
        .apply(&target("postgresql-14", 0))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("switch: the fallthrough now serves postgresql-14, but individual targets and rules were not reverted"), "{e}");
    let sent = patches(&ld);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].json()["instructions"],
        json!([{"kind": "turnFlagOn"}, {"kind": "updateFallthroughVariationOrRollout", "variationId": "v-old"}])
    );
}

#[test]
fn every_plan_state_needs_a_variation() {
    let text = "[switch]\nkind = \"launchdarkly\"\ntoken_env = \"T\"\nproject_key = \"p\"\nenvironment_key = \"production\"\nvariations = { postgresql-14 = \"a\", postgresql-61 = \"b\" }\n";
    let b = Bindings::parse(text, "t.toml")
        .unwrap()
        .with_env(|_| Some("x".into()));
    let e = b.switch("f", &states()).err().unwrap().to_string();
    assert_eq!(
        e,
        "switch: launchdarkly variations must name each plan state once; missing: [reads-postgresql-16, writes-paused, postgresql-16], not plan states: [postgresql-61]"
    );
}
