//! Obligations the input states but rollgate could not read do not vanish
//! into a list of questions: the preparation phase gets a step to turn each
//! into a step or a gate of the plan, and its gate waits until none is
//! left (a check the runner holds until a person confirms it).

use crate::ctx::because;
use crate::model::{Criterion, Phase, Step};
use crate::open_questions::{one_line, unread_obligations, MAX_UNREAD_LISTED};
use rollgate_intake::Facts;

pub const METRIC: &str = "stated obligations the plan could not read, still without a step or gate";

pub fn apply(facts: &Facts, phases: &mut [Phase]) {
    let unread: Vec<_> = unread_obligations(facts).collect();
    let Some(prep) = phases.first_mut() else {
        return;
    };
    if unread.is_empty() {
        return;
    }
    let cites: Vec<String> = unread
        .iter()
        .map(|u| match u.span {
            Some(s) => format!(
                "{} {}:{} \"{}\"",
                u.field,
                s.line,
                s.column,
                one_line(&u.text, 160)
            ),
            None => format!("{} \"{}\"", u.field, one_line(&u.text, 160)),
        })
        .collect();
    let listed: Vec<String> = cites.iter().take(MAX_UNREAD_LISTED).cloned().collect();
    let more = unread.len().saturating_sub(MAX_UNREAD_LISTED);
    prep.actions.push(Step {
        description: format!(
            "Give each obligation the input states that this plan could not read a step or a gate of its own (who owns it, in which phase it is checked), or record why it does not apply: {}{}",
            listed.join("; "),
            if more > 0 { format!("; and {more} more (`rollgate check` lists them)") } else { String::new() }
        ),
        command: None,
        example: false,
    });
    prep.success_criteria.push(Criterion {
        id: String::new(),
        metric_id: String::new(),
        metric: METRIC.into(),
        op: "==".into(),
        value: 0.0,
        unit: "obligations".into(),
        window: "at the gate".into(),
    });
    prep.because.push(because("unread.obligations-gate", cites));
}
