//! Is the current phase's gate open? Its checks (measured or confirmed),
//! its hold, its approvers, and the change window for the next transition.

use crate::event::Verdict;
use crate::ports::Wiring;
use crate::state::State;
use crate::verdict::{holds, judge, Judging};
use crate::window::{self, WindowState};
use jiff::Timestamp;
use rollgate_planning::{Criterion, Phase, Plan};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub id: String,
    pub metric: String,
    pub wants: String,
    /// prometheus/sql/…: how it is measured; "manual" when a person confirms.
    pub source: String,
    pub last_value: Option<f64>,
    pub verdict: Verdict,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldReport {
    pub working_days_elapsed: u32,
    pub working_days_needed: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    pub phase: String,
    pub checks: Vec<CheckReport>,
    /// Checklist items the approvers attest by approving.
    pub attested_by_approval: Vec<String>,
    pub approvers: Vec<String>,
    pub approvals_missing: Vec<String>,
    pub hold: HoldReport,
    /// The window for the next transition.
    pub window_open: bool,
    pub window_note: String,
    pub next_open: Option<String>,
    /// Everything that refuses `advance` now, in words.
    pub blocking: Vec<String>,
    /// What no override passes: a failing check, a freeze or holiday, a
    /// date past the plan's calendar, a step into the point of no return.
    pub hard: Vec<String>,
}

pub fn wants(c: &Criterion) -> String {
    format!("{} {} {} ({})", c.op, c.value, c.unit, c.window)
}

pub fn check_report(c: &Criterion, state: &State, wiring: &Wiring) -> CheckReport {
    match wiring.metrics.get(&c.metric_id) {
        Some(bound) => measured(c, state, &bound.judging, bound.source.describe()),
        None => confirmed(c, state),
    }
}

fn measured(c: &Criterion, state: &State, judging: &Judging, source: String) -> CheckReport {
    let j = judge(&state.verdicts(&c.id), judging);
    let last_value = state
        .samples
        .get(&c.id)
        .and_then(|s| s.last())
        .and_then(|s| s.value);
    CheckReport {
        id: c.id.clone(),
        metric: c.metric.clone(),
        wants: wants(c),
        source,
        last_value,
        verdict: j.verdict,
        reason: j.reason,
    }
}

fn confirmed(c: &Criterion, state: &State) -> CheckReport {
    let (verdict, reason, last_value) = match state.confirmations.get(&c.id) {
        None => (
            Verdict::Inconclusive,
            "no source is bound: a person confirms it (`rollgate run confirm`)".to_string(),
            None,
        ),
        Some(conf) => match conf.value {
            None => (
                Verdict::Pass,
                format!("confirmed by {} at {}", conf.by, conf.at),
                None,
            ),
            Some(v) => match holds(v, &c.op, c.value) {
                Some(true) => (
                    Verdict::Pass,
                    format!("{} confirmed {v} at {}", conf.by, conf.at),
                    Some(v),
                ),
                _ => (
                    Verdict::Fail,
                    format!(
                        "{} reported {v}, which is not {} {}",
                        conf.by, c.op, c.value
                    ),
                    Some(v),
                ),
            },
        },
    };
    CheckReport {
        id: c.id.clone(),
        metric: c.metric.clone(),
        wants: wants(c),
        source: "manual".into(),
        last_value,
        verdict,
        reason,
    }
}

/// Working days (Monday to Friday, not a day off in the plan) from the day
/// after `entered` up to and including `now`'s date, in the plan's zone.
pub fn working_days_since(plan: &Plan, entered: Timestamp, now: Timestamp) -> u32 {
    let Ok(tz) = jiff::tz::TimeZone::get(&plan.calendar.time_zone) else {
        return 0;
    };
    let from = tz.to_datetime(entered).date();
    let to = tz.to_datetime(now).date();
    let mut d = from;
    let mut n = 0;
    while d < to {
        d = match d.tomorrow() {
            Ok(x) => x,
            Err(_) => break,
        };
        let weekend = d.weekday().to_monday_one_offset() >= 6;
        let off = plan.calendar.days_off.iter().any(|o| o.date == d);
        if !weekend && !off {
            n += 1;
        }
    }
    n
}

pub fn missing_approvals(phase: &Phase, state: &State) -> Vec<String> {
    phase
        .gate
        .approvers
        .iter()
        .filter(|role| !state.approvals.iter().any(|a| &a.role == *role))
        .cloned()
        .collect()
}

pub fn report(plan: &Plan, state: &State, wiring: &Wiring, now: Timestamp) -> GateReport {
    let phase = &plan.phases[state.phase];
    let checks: Vec<CheckReport> = phase
        .success_criteria
        .iter()
        .map(|c| check_report(c, state, wiring))
        .collect();
    let approvals_missing = missing_approvals(phase, state);
    let entered: Timestamp = state.entered_at.parse().unwrap_or(now);
    let hold = HoldReport {
        working_days_elapsed: working_days_since(plan, entered, now),
        working_days_needed: phase.min_days,
    };
    let next_is_window = plan
        .phases
        .get(state.phase + 1)
        .is_some_and(|p| p.kind == "window");
    let (window_open, window_note, next_open) =
        match window::check(&plan.calendar, now, next_is_window) {
            WindowState::Open => (true, "the change window is open".to_string(), None),
            WindowState::Closed { reason, next_open } => {
                (false, reason, next_open.map(|t| t.to_string()))
            }
        };
    let mut blocking = Vec::new();
    for c in &checks {
        if c.verdict != Verdict::Pass {
            blocking.push(format!(
                "check {} is {}: {}",
                c.id,
                c.verdict.as_str(),
                c.reason
            ));
        }
    }
    if hold.working_days_elapsed < hold.working_days_needed {
        blocking.push(format!(
            "the hold has run {} of its {} working days",
            hold.working_days_elapsed, hold.working_days_needed
        ));
    }
    for role in &approvals_missing {
        blocking.push(format!("waiting for approval by {role}"));
    }
    if !window_open {
        blocking.push(format!("change window closed: {window_note}"));
    }
    let hard = hard_blocks(plan, state, &checks, &window_note, window_open);
    GateReport {
        phase: phase.id.clone(),
        checks,
        attested_by_approval: phase.gate.criteria.clone(),
        approvers: phase.gate.approvers.clone(),
        approvals_missing,
        hold,
        window_open,
        window_note,
        next_open,
        blocking,
        hard,
    }
}

fn hard_blocks(
    plan: &Plan,
    state: &State,
    checks: &[CheckReport],
    window_note: &str,
    window_open: bool,
) -> Vec<String> {
    let mut hard: Vec<String> = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .map(|c| format!("check {} failed: {}", c.id, c.reason))
        .collect();
    let closed_for_good = [
        "day off in the plan: freeze",
        "day off in the plan: holiday",
        "re-plan",
    ];
    if !window_open && closed_for_good.iter().any(|w| window_note.contains(w)) {
        hard.push(format!("change window closed: {window_note}"));
    }
    // Into the point of no return only with every check passing and every
    // approver's name on it (an override may still pass a hold or the
    // hour of the window, never the people or the evidence).
    if let Some(next) = plan
        .phases
        .get(state.phase + 1)
        .filter(|n| n.point_of_no_return)
    {
        for c in checks.iter().filter(|c| c.verdict == Verdict::Inconclusive) {
            hard.push(format!(
                "check {} must pass before {}, the point of no return: {}",
                c.id, next.id, c.reason
            ));
        }
        for role in missing_approvals(&plan.phases[state.phase], state) {
            hard.push(format!(
                "{role} must approve before {}, the point of no return",
                next.id
            ));
        }
    }
    hard
}
