//! The plan checker over every bundled example and generated specs in
//! every family (no plan may contradict itself), and one planted defect
//! per check (the checker catches it, with the right id).

use jiff::civil::date;
use proptest::prelude::*;
use rollgate_intake::{read_bytes, Facts, InputForm};
use rollgate_planning::check::{self, Inconsistency};
use rollgate_planning::{plan, Mode, Plan};

mod support;
use support::{facts_of, spec, toml, K};

/// Checks whose findings are still tolerated, by id, until the planner is
/// redesigned for them. Empty: every check is enforced.
// KNOWN: (none)
const KNOWN: &[&str] = &[];

fn new_findings(p: &Plan, facts: &Facts) -> Vec<Inconsistency> {
    check::check(p, facts)
        .into_iter()
        .filter(|i| !KNOWN.contains(&i.check))
        .collect()
}

/// Every finding for every input, planned in both modes.
fn contradictions(list: &[(String, Facts)]) -> Vec<String> {
    let mut all = Vec::new();
    for (name, facts) in list {
        for mode in [Mode::Auto, Mode::CriticalPath] {
            let p = plan(facts, &K, mode);
            for i in new_findings(&p, facts) {
                all.push(format!("{name} ({mode:?}): {i}"));
            }
        }
    }
    all
}

fn examples() -> Vec<(String, Facts)> {
    inputs_in("../../examples")
}

/// Every input in a folder (expectation files and other non-inputs are
/// skipped), read through the real intake.
fn inputs_in(folder: &str) -> Vec<(String, Facts)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut v = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.to_string_lossy().contains(".expect."))
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let form = InputForm::from_extension(&name);
        let facts = read_bytes(&name, &bytes, form, &K, date(2026, 4, 27)).unwrap();
        v.push((name, facts));
    }
    v
}

#[test]
fn no_corpus_input_contradicts_itself() {
    // The intake corpus: inputs written in many voices, all families.
    let list = inputs_in("../rollgate-intake/tests/corpus");
    assert!(list.len() >= 40, "{} corpus inputs", list.len());
    let all = contradictions(&list);
    assert!(
        all.is_empty(),
        "{} inconsistencies:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn no_bundled_example_contradicts_itself() {
    let list = examples();
    assert!(list.len() >= 19);
    let all = contradictions(&list);
    assert!(
        all.is_empty(),
        "{} inconsistencies:\n{}",
        all.len(),
        all.join("\n")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_generated_plan_contradicts_itself(s in spec()) {
        let facts = facts_of(&s);
        let p = plan(&facts, &K, Mode::Auto);
        let found = new_findings(&p, &facts);
        prop_assert!(found.is_empty(), "{}\n{}", found.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n"), toml(&s));
    }
}

/// A clean plan to plant defects into.
fn clean(name: &str) -> (Plan, Facts) {
    let (_, facts) = examples().into_iter().find(|(n, _)| n == name).unwrap();
    let p = plan(&facts, &K, Mode::Auto);
    assert!(
        check::check(&p, &facts).is_empty(),
        "{name} must start clean"
    );
    (p, facts)
}

fn caught(p: &Plan, facts: &Facts, id: &str) -> Vec<Inconsistency> {
    let found = check::check(p, facts);
    assert!(
        found.iter().any(|i| i.check == id),
        "expected {id}, got {found:?}"
    );
    found
}

#[test]
fn planted_reference_to_missing_gaps_is_caught() {
    let (mut p, facts) = clean("sendgrid-to-postmark.yaml");
    assert!(p.strategy.gaps.is_empty());
    p.phases[1].actions.push(rollgate_planning::Step {
        description: "Build the switch (see the gap under the strategy).".into(),
        example: false,
        command: None,
    });
    let f = caught(&p, &facts, check::UNRESOLVED_REFERENCE);
    assert!(f
        .iter()
        .any(|i| i.place == format!("phase {}", p.phases[1].id)));
}

#[test]
fn planted_unmeetable_rollback_gate_is_caught() {
    let (mut p, facts) = clean("pg14-ec2-to-pg16-rds.toml");
    p.strategy.gaps.clear();
    p.phases[0].success_criteria[0] = rollgate_planning::Criterion {
        id: "prep.rehearsed-rollback-time".into(),
        metric_id: "rehearsed-rollback-time".into(),
        metric: "rehearsed rollback time".into(),
        op: "<=".into(),
        value: 1.0,
        unit: "minutes".into(),
        window: "measured in staging".into(),
    };
    caught(&p, &facts, check::GATE_UNMEETABLE);
}

#[test]
fn planted_second_error_rate_threshold_is_caught() {
    let (mut p, facts) = clean("pg14-ec2-to-pg16-rds.toml");
    p.people.paging[0].condition = "error rate > 0.5% for 5 minutes".into();
    caught(&p, &facts, check::THRESHOLD_DISAGREES);
}

#[test]
fn planted_weekend_transition_is_caught() {
    let (mut p, facts) = clean("pg14-ec2-to-pg16-rds.toml");
    // 2026-05-02 is a Saturday.
    p.phases[1].transition_at = "2026-05-02T10:00:00-07:00".into();
    caught(&p, &facts, check::TRANSITION_IN_BLOCKED_TIME);
}

#[test]
fn planted_old_state_after_the_point_of_no_return_is_caught() {
    let (mut p, facts) = clean("pg14-ec2-to-pg16-rds.toml");
    let old = p.phases[0].kill_switch_state.clone();
    p.phases.last_mut().unwrap().kill_switch_state = old;
    caught(&p, &facts, check::SWITCH_STATE_UNSAFE);
}

#[test]
fn planted_database_words_in_a_framework_plan_are_caught() {
    let (mut p, facts) = clean("rails61-to-72.txt");
    p.phases[1].checks.push(rollgate_planning::Step {
        description: "Replication lag stays under 5 seconds.".into(),
        example: false,
        command: None,
    });
    let f = caught(&p, &facts, check::FOREIGN_MECHANICS);
    assert!(f
        .iter()
        .any(|i| i.message.contains("database.replication-lag")));
}

#[test]
fn planted_switch_used_before_it_is_built_is_caught() {
    let (mut p, facts) = clean("sendgrid-to-postmark.yaml");
    if !p.kill_switch.mechanism.contains("built in prep") {
        p.kill_switch.mechanism = "a setting, built in prep".into();
    }
    // The switch is built in prep; drop the action that builds it.
    p.phases[0]
        .actions
        .retain(|a| !a.description.starts_with("Build"));
    let f = caught(&p, &facts, check::USED_BEFORE_BUILT);
    assert!(f.iter().any(|i| i.place == "kill_switch"));
}
