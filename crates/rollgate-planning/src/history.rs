//! What the team's past migrations teach this plan: a stated lesson
//! becomes a prep step and a check at the first step that moves, and a
//! stated duration is compared with this plan's length. History read from
//! the input is never left unused.

use crate::ctx::{because, cite, Ctx};
use crate::model::Phase;

pub fn apply(cx: &Ctx<'_>, phases: &mut [Phase], warnings: &mut Vec<String>) {
    for e in cx.facts.experience.iter().filter(|e| e.value.done) {
        let Some(lesson) = &e.value.lesson else {
            continue;
        };
        let outcome = e
            .value
            .outcome
            .as_deref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        if let Some(prep) = phases.first_mut() {
            prep.actions.push(cx.step(format!(
                "Last time ({}{outcome}): \"{lesson}\". Write the test or check that would have caught it, and run it before the first step.",
                e.value.subject
            )));
            prep.because.push(because("history.lesson", vec![cite(e)]));
        }
        if let Some(first_move) = phases.iter_mut().skip(1).find(|p| p.kind != "prep") {
            first_move.checks.push(cx.step(format!(
                "What went wrong last time is not happening again: \"{lesson}\"."
            )));
        }
    }
    let plan_days: u32 = phases.iter().map(|p| p.min_days).sum();
    for e in &cx.facts.experience {
        if let Some(took) = e.value.took_days {
            // Working days of this plan against the calendar days the last
            // one took: a plan much shorter than history says so.
            if plan_days * 7 / 5 < took / 2 {
                warnings.push(format!(
                    "The last {} took about {took} days ({}); this plan's minimum is about {} calendar days. Check the estimates against what slowed the last one down.",
                    e.value.subject,
                    cite(e),
                    plan_days * 7 / 5
                ));
            }
        }
    }
}
