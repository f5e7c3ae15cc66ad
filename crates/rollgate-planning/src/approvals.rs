//! Sign-offs the input requires ("security must sign off on the export",
//! "finance must approve") become gate approvers: the plan never leaves a
//! required approval as prose nobody acts on.

use crate::ctx::{because, cite, Ctx};
use crate::model::Phase;

/// Gates a required approval goes on: with a scope, the prep gate (where
/// exports and preparation happen) and the first step that moves anything;
/// without one, every gate that moves something or removes the old side.
pub fn apply(cx: &Ctx<'_>, phases: &mut [Phase]) {
    for a in &cx.facts.team.approvals {
        let who = match &a.value.scope {
            Some(scope) => format!("{} (required sign-off: {scope})", a.value.who),
            None => format!("{} (required sign-off)", a.value.who),
        };
        let first_move = phases.iter().position(|p| p.kind != "prep");
        for (i, p) in phases.iter_mut().enumerate() {
            let on = if a.value.scope.is_some() {
                p.kind == "prep" || Some(i) == first_move
            } else {
                matches!(
                    p.kind.as_str(),
                    "canary" | "cutover" | "window" | "decommission"
                )
            };
            if on && !p.gate.approvers.contains(&who) {
                p.gate.approvers.push(who.clone());
                p.because.push(because("approval.required", vec![cite(a)]));
            }
        }
    }
}
