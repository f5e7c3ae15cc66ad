//! An obligation the input states that rollgate could not read is not set
//! aside: the preparation phase gets a step naming it and a gate check that
//! waits until it has a step or a gate of its own.

use jiff::civil::date;
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{plan, Mode, Plan};

fn plan_text(text: &str) -> Plan {
    let k = Knowledge::builtin().unwrap();
    let facts = read_bytes("t.txt", text.as_bytes(), None, &k, date(2027, 2, 1)).unwrap();
    plan(&facts, &k, Mode::Auto)
}

const BASE: &str = "<migration-type>move sign-in from Auth0 to Amazon Cognito</migration-type>\
<from-state>Auth0, 40,000 users</from-state><to-state>Amazon Cognito</to-state>\
<criticality>high</criticality><rollback-acceptable-delay>30 minutes</rollback-acceptable-delay>";

#[test]
fn an_unread_obligation_becomes_a_prep_step_and_a_gate_check() {
    let p = plan_text(&format!(
        "{BASE}<constraints>Identity data of EU tenants must remain in eu-central-1.</constraints>"
    ));
    let prep = &p.phases[0];
    let step = prep
        .actions
        .iter()
        .find(|s| s.description.contains("could not read"))
        .expect("a prep step names the obligation");
    assert!(
        step.description.contains("must remain in eu-central-1"),
        "{}",
        step.description
    );
    let check = prep
        .success_criteria
        .iter()
        .find(|c| c.metric.contains("could not read"))
        .expect("the prep gate waits for it");
    assert_eq!((check.op.as_str(), check.value), ("==", 0.0));
    assert!(prep
        .because
        .iter()
        .any(|b| b.rule == "unread.obligations-gate"
            && b.facts.iter().any(|f| f.contains("constraints"))));
    let q = p
        .open_questions
        .iter()
        .find(|q| q.question.contains("eu-central-1"))
        .unwrap();
    assert!(
        q.assumed.contains("preparation gate waits"),
        "{}",
        q.assumed
    );
}

#[test]
fn a_plan_whose_input_was_all_read_has_no_such_check() {
    let p = plan_text(&format!(
        "{BASE}<constraints>Done by the end of June 2027.</constraints>"
    ));
    assert!(!p.phases[0]
        .success_criteria
        .iter()
        .any(|c| c.metric.contains("could not read")));
}
