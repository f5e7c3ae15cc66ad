//! Rehearsals of a bundled example's plan: what the runner would do with
//! a clean history, a failure in a named phase, a flapping metric and a
//! source that goes down.

mod support;

use rollgate_run::rehearse::{rehearse, Scenario};
use rollgate_run::Judging;
use std::collections::BTreeMap;
use support::plan_json;

fn bound(json: &str) -> BTreeMap<String, Judging> {
    let plan: rollgate_planning::Plan = serde_json::from_str(json).unwrap();
    let mut m = BTreeMap::new();
    for p in &plan.phases {
        for c in &p.success_criteria {
            if c.metric_id.contains("error-rate") || c.metric_id.contains("latency") {
                m.insert(
                    c.metric_id.clone(),
                    Judging {
                        interval_seconds: 300,
                        count: 3,
                        failure_limit: 0,
                        inconclusive_limit: 1,
                        noise: 0.0,
                        delay_seconds: 300,
                    },
                );
            }
        }
    }
    assert!(!m.is_empty());
    m
}

#[test]
fn a_clean_history_completes_with_one_switch_change_per_new_state_and_waits_for_windows() {
    let json = plan_json("sendgrid-to-postmark.yaml");
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let r = rehearse(&json, &bound(&json), true, &Scenario::AllPass).unwrap();
    assert_eq!(r.outcome, "completed", "{:#?}", r.moments);
    let states: Vec<&str> = r.switch_changes.iter().map(|t| t.state.as_str()).collect();
    let mut planned: Vec<&str> = plan
        .phases
        .iter()
        .map(|p| p.kill_switch_state.as_str())
        .collect();
    planned.dedup();
    assert_eq!(states, planned[1..].to_vec());
    // Message types move whole: the flag's rollout is all of the named
    // state, never the plan's traffic summary.
    assert_eq!(plan.summary.routing, "segments");
    assert!(
        r.switch_changes.iter().all(|t| t.percent == 100),
        "{:?}",
        r.switch_changes
    );
    // A gate that waits only for people asks them, naming the roles.
    assert!(
        r.moments
            .iter()
            .any(|m| m.what.starts_with("asks: ") && m.what.contains("approval needed from")),
        "{:#?}",
        r.moments
    );
    // Every transition time in the timeline is inside the plan's window.
    for m in r.moments.iter().filter(|m| m.what.starts_with("entered")) {
        let t: jiff::Timestamp = m.at.parse().unwrap();
        assert_eq!(
            rollgate_run::window::check(&plan.calendar, t, false),
            rollgate_run::window::WindowState::Open,
            "{m:?}"
        );
    }
}

#[test]
fn a_failure_in_a_named_phase_aborts_there_and_flips_to_the_old_side() {
    let json = plan_json("redis-to-valkey-sessions.txt");
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let r = rehearse(
        &json,
        &bound(&json),
        true,
        &Scenario::FailAt("ramp-25".into()),
    )
    .unwrap();
    assert!(r.outcome.contains("aborted"), "{}", r.outcome);
    assert_eq!(r.moments.last().unwrap().phase, "ramp-25");
    let last = r.switch_changes.last().unwrap();
    assert_eq!(last.state, plan.kill_switch.states[0].name);
    assert_eq!(last.percent, 0);
}

#[test]
fn without_automatic_abort_the_same_failure_pauses_and_the_switch_stays() {
    let json = plan_json("redis-to-valkey-sessions.txt");
    let r = rehearse(&json, &bound(&json), false, &Scenario::FailAt("3".into())).unwrap();
    assert!(r.outcome.contains("paused"), "{}", r.outcome);
    assert!(r
        .switch_changes
        .iter()
        .all(|t| t.percent > 0 || t.state != "redis"));
}

#[test]
fn a_flapping_metric_fails_the_first_phase_that_moves_traffic() {
    let json = plan_json("redis-to-valkey-sessions.txt");
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let r = rehearse(&json, &bound(&json), true, &Scenario::Flapping).unwrap();
    let first_moving = plan.phases.iter().find(|p| p.traffic_percent > 0).unwrap();
    assert!(r.outcome.contains("aborted"), "{}", r.outcome);
    assert_eq!(r.moments.last().unwrap().phase, first_moving.id);
}

#[test]
fn a_source_that_goes_down_pauses_for_a_person_and_never_passes() {
    let json = plan_json("redis-to-valkey-sessions.txt");
    let r = rehearse(
        &json,
        &bound(&json),
        true,
        &Scenario::SourceDownAt("ramp-5".into()),
    )
    .unwrap();
    assert!(r.outcome.contains("inconclusive"), "{}", r.outcome);
    assert_eq!(r.moments.last().unwrap().phase, "ramp-5");
}

#[test]
fn an_unknown_phase_or_scenario_is_refused_with_the_choices() {
    let json = plan_json("redis-to-valkey-sessions.txt");
    let err = rehearse(&json, &bound(&json), true, &Scenario::FailAt("nope".into()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("ramp-25"), "{err}");
    assert!("explode"
        .parse::<Scenario>()
        .unwrap_err()
        .contains("fail-at:<phase>"));
}

#[test]
fn a_failure_in_a_later_message_type_goes_back_to_the_last_type_whose_gate_passed_not_to_the_start()
{
    let json = plan_json("sendgrid-to-postmark.yaml");
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(plan.summary.routing, "segments");
    // The third phase that moves a type: two have passed their gates.
    let moving: Vec<&rollgate_planning::Phase> = plan
        .phases
        .iter()
        .filter(|p| p.rollback_to.is_some())
        .collect();
    let failing = moving[2];
    let r = rehearse(
        &json,
        &bound(&json),
        true,
        &Scenario::FailAt(failing.id.clone()),
    )
    .unwrap();
    assert!(r.outcome.contains("aborted"), "{}", r.outcome);
    let last = r.switch_changes.last().unwrap();
    assert_eq!(Some(&last.state), failing.rollback_to.as_ref());
    assert_ne!(
        last.state, plan.kill_switch.states[0].name,
        "the types that passed stay moved"
    );
    assert_eq!(last.percent, 100);
}
