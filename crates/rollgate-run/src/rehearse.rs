//! A dry run of the whole rollout: the frozen plan, the team's bindings
//! (which metrics are measured and how they are judged), a simulated clock
//! and a scripted metric history, so a team sees what the runner would do
//! — where it waits, what it flips, when it aborts — before production.

use crate::error::RunError;
use crate::event::SwitchTarget;
use crate::ports::{Bound, Clock, Measure, SwitchTool, Wiring};
use crate::runner::Runner;
use crate::state::Status;
use crate::store::SqliteStore;
use crate::verdict::Judging;
use jiff::{Timestamp, ToSpan};
use rollgate_planning::Plan;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A metric history to replay.
#[derive(Debug, Clone, PartialEq)]
pub enum Scenario {
    /// Every bound metric meets its criterion throughout.
    AllPass,
    /// From the phase with this id (or 1-based number) on, the first bound
    /// criterion breaks its threshold.
    FailAt(String),
    /// The first bound criterion alternates between meeting and breaking
    /// its threshold in every phase that moves traffic.
    Flapping,
    /// From the phase with this id (or number) on, every source is down.
    SourceDownAt(String),
}

impl std::str::FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once(':') {
            None if s == "pass" => Ok(Scenario::AllPass),
            None if s == "flapping" => Ok(Scenario::Flapping),
            Some(("fail-at", p)) if !p.is_empty() => Ok(Scenario::FailAt(p.to_string())),
            Some(("source-down-at", p)) if !p.is_empty() => Ok(Scenario::SourceDownAt(p.to_string())),
            _ => Err(format!("unknown scenario {s:?}: use pass, flapping, fail-at:<phase>, or source-down-at:<phase>")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moment {
    pub at: String,
    pub phase: String,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rehearsal {
    pub outcome: String,
    pub moments: Vec<Moment>,
    pub switch_changes: Vec<SwitchTarget>,
}

struct SimClock(Cell<Timestamp>);

impl Clock for SimClock {
    fn now(&self) -> Timestamp {
        self.0.get()
    }
}

/// What the scripted sources return: set by the rehearsal before each
/// phase, read by every source.
#[derive(Default)]
struct Script {
    values: BTreeMap<String, Option<f64>>,
    flap: Option<(String, f64, f64)>,
    flips: Cell<u64>,
}

struct ScriptedSource {
    metric: String,
    script: Rc<RefCell<Script>>,
}

impl Measure for ScriptedSource {
    fn describe(&self) -> String {
        "rehearsal script".into()
    }
    fn sample(&self) -> (Option<f64>, String) {
        let s = self.script.borrow();
        if let Some((m, good, bad)) = &s.flap {
            if m == &self.metric {
                // Every reading of one watcher pass sees the same value.
                let n = s.flips.get();
                return (
                    Some(if n.is_multiple_of(2) { *good } else { *bad }),
                    String::new(),
                );
            }
        }
        match s.values.get(&self.metric) {
            Some(Some(v)) => (Some(*v), String::new()),
            _ => (None, "the source is down in this scenario".into()),
        }
    }
}

#[derive(Clone, Default)]
struct SimSwitch {
    now: Rc<RefCell<Option<SwitchTarget>>>,
    changes: Rc<RefCell<Vec<SwitchTarget>>>,
}

impl SwitchTool for SimSwitch {
    fn describe(&self) -> String {
        "simulated switch".into()
    }
    fn apply(&self, t: &SwitchTarget) -> Result<(), String> {
        self.changes.borrow_mut().push(t.clone());
        *self.now.borrow_mut() = Some(t.clone());
        Ok(())
    }
    fn read_back(&self) -> Result<Option<SwitchTarget>, String> {
        Ok(self.now.borrow().clone())
    }
}

fn phase_index(plan: &Plan, which: &str) -> Result<usize, RunError> {
    if let Ok(n) = which.parse::<usize>() {
        if n >= 1 && n <= plan.phases.len() {
            return Ok(n - 1);
        }
    }
    plan.phases
        .iter()
        .position(|p| p.id == which)
        .ok_or_else(|| {
            let ids: Vec<&str> = plan.phases.iter().map(|p| p.id.as_str()).collect();
            RunError::Refused(format!(
                "no phase {which:?} in the plan; its phases are {}",
                ids.join(", ")
            ))
        })
}

fn good(op: &str, t: f64) -> f64 {
    match op {
        "<" => t - t.abs().max(1.0) * 0.5,
        ">" => t + t.abs().max(1.0) * 0.5,
        _ => t,
    }
}

fn bad(op: &str, t: f64) -> f64 {
    match op {
        "<" | "<=" => t + t.abs().max(1.0) * 2.0,
        ">" | ">=" => t - t.abs().max(1.0) * 2.0,
        _ => t + 1.0,
    }
}

/// Replays the rollout. `bound` are the metric ids the bindings connect,
/// with how each is judged; approvals and manual checks are given by the
/// rehearsal itself (it says so in the timeline).
pub fn rehearse(
    plan_json: &str,
    bound: &BTreeMap<String, Judging>,
    auto_abort: bool,
    scenario: &Scenario,
) -> Result<Rehearsal, RunError> {
    let plan: Plan = serde_json::from_str(plan_json).map_err(|e| RunError::Plan(e.to_string()))?;
    let trouble = match scenario {
        Scenario::FailAt(p) | Scenario::SourceDownAt(p) => Some(phase_index(&plan, p)?),
        _ => None,
    };
    let mut store = SqliteStore::open(std::path::Path::new(":memory:"))?;
    let first = plan.phases[0]
        .transition_at
        .parse::<Timestamp>()
        .map_err(|e| RunError::Plan(format!("phase 1 has no usable transition time: {e}")))?;
    let clock = SimClock(Cell::new(first));
    let id = crate::ops::start(
        &mut store,
        plan_json,
        Some("rehearsal"),
        &clock,
        "rehearsal",
    )?;
    let script = Rc::new(RefCell::new(Script::default()));
    let switch = SimSwitch::default();
    let wiring = || {
        let mut w = Wiring {
            switch: Some(Box::new(switch.clone())),
            notify: None,
            auto_abort,
            ..Default::default()
        };
        for (m, j) in bound {
            w.metrics.insert(
                m.clone(),
                Bound {
                    source: Box::new(ScriptedSource {
                        metric: m.clone(),
                        script: script.clone(),
                    }),
                    judging: j.clone(),
                },
            );
        }
        w
    };
    let mut moments = Vec::new();
    let mut say = |clock: &SimClock, phase: &str, what: String| {
        moments.push(Moment {
            at: clock.now().to_string(),
            phase: phase.to_string(),
            what,
        })
    };
    let outcome = loop {
        let mut r = Runner::open(&mut store, &id, wiring(), &clock, "rehearsal")?;
        let i = r.state().phase;
        let phase = r.phase().clone();
        script_phase(
            &mut script.borrow_mut(),
            &phase,
            bound,
            scenario,
            trouble.is_some_and(|t| i >= t),
        );
        confirm_manual(&mut r, &phase, bound)?;
        let (stop, asked) = sample_through_hold(&mut r, &clock, &script)?;
        for a in asked {
            say(&clock, &phase.id, format!("asks: {a}"));
        }
        if let Some(status) = stop {
            say(&clock, &phase.id, status.clone());
            break status;
        }
        for role in phase.gate.approvers.clone() {
            r.approve("rehearsal", Some(&role), "approved by the rehearsal")?;
        }
        let gate = r.gate();
        if let Some(t) = gate
            .next_open
            .as_deref()
            .and_then(|t| t.parse::<Timestamp>().ok())
        {
            if gate
                .blocking
                .iter()
                .all(|b| b.starts_with("change window closed"))
            {
                say(
                    &clock,
                    &phase.id,
                    format!("waits for the change window: {}", gate.window_note),
                );
                clock.0.set(t);
            }
        }
        let out = r
            .advance(None)
            .map_err(|e| RunError::Refused(format!("phase {}: {e}", phase.id)))?;
        say(&clock, &phase.id, out.done.clone());
        if matches!(r.state().status, Status::Completed) {
            break "completed".to_string();
        }
        if !matches!(r.state().status, Status::Running) {
            break out.done;
        }
    };
    let changes = switch.changes.borrow().clone();
    Ok(Rehearsal {
        outcome,
        moments,
        switch_changes: changes,
    })
}

fn script_phase(
    s: &mut Script,
    phase: &rollgate_planning::Phase,
    bound: &BTreeMap<String, Judging>,
    scenario: &Scenario,
    in_trouble: bool,
) {
    s.values.clear();
    s.flap = None;
    for c in phase
        .success_criteria
        .iter()
        .filter(|c| bound.contains_key(&c.metric_id))
    {
        s.values
            .insert(c.metric_id.clone(), Some(good(&c.op, c.value)));
    }
    let first = phase
        .success_criteria
        .iter()
        .find(|c| bound.contains_key(&c.metric_id));
    match (scenario, first) {
        (Scenario::FailAt(_), Some(c)) if in_trouble => {
            s.values
                .insert(c.metric_id.clone(), Some(bad(&c.op, c.value)));
        }
        (Scenario::SourceDownAt(_), _) if in_trouble => {
            for v in s.values.values_mut() {
                *v = None;
            }
        }
        (Scenario::Flapping, Some(c)) if phase.traffic_percent > 0 => {
            s.flap = Some((
                c.metric_id.clone(),
                good(&c.op, c.value),
                bad(&c.op, c.value),
            ));
        }
        _ => {}
    }
}

fn confirm_manual(
    r: &mut Runner<'_>,
    phase: &rollgate_planning::Phase,
    bound: &BTreeMap<String, Judging>,
) -> Result<(), RunError> {
    for c in phase
        .success_criteria
        .iter()
        .filter(|c| !bound.contains_key(&c.metric_id))
    {
        r.confirm(
            &c.id,
            "rehearsal",
            None,
            "confirmed by the rehearsal (a person does this in the real run)",
        )?;
    }
    Ok(())
}

/// Samples on each metric's interval until the hold is over and every
/// check has its samples, or the runner stops the rollout. Returns why it
/// stopped, if it did.
fn sample_through_hold(
    r: &mut Runner<'_>,
    clock: &SimClock,
    script: &Rc<RefCell<Script>>,
) -> Result<(Option<String>, Vec<String>), RunError> {
    let mut asked = Vec::new();
    for _ in 0..100_000 {
        let report = r.tick()?;
        asked.extend(report.asked.iter().cloned());
        let flips = &script.borrow().flips;
        flips.set(flips.get() + 1);
        if let Some(act) = report.acted.first() {
            return Ok((Some(act.clone()), asked));
        }
        let g = r.gate();
        let waiting_on_samples = g.checks.iter().any(|c| c.reason.contains("samples needed"));
        let hold_left = g.hold.working_days_elapsed < g.hold.working_days_needed;
        if !waiting_on_samples && !hold_left {
            return Ok((None, asked));
        }
        let next = r
            .next_due()
            .unwrap_or_else(|| clock.now().checked_add(1.hours()).unwrap_or(clock.now()));
        let step = if waiting_on_samples {
            next
        } else {
            clock.now().checked_add(6.hours()).unwrap_or(next)
        };
        clock
            .0
            .set(step.max(clock.now().checked_add(1.seconds()).unwrap_or(step)));
    }
    Ok((
        Some("the rehearsal stopped: the hold never ended".into()),
        asked,
    ))
}
