//! The operator's commands: start, advance, approve, confirm, pause,
//! resume, abort.

use crate::error::RunError;
use crate::event::{Event, SwitchTarget};
use crate::ports::Clock;
use crate::runner::{Outcome, Runner};
use crate::state::Status;
use crate::store::{RolloutRow, Store};
use rollgate_planning::Plan;
use sha2::{Digest, Sha256};

/// Freezes `plan_json` into a new rollout and enters its first phase.
/// Returns the rollout's id.
pub fn start(
    store: &mut dyn Store,
    plan_json: &str,
    name: Option<&str>,
    clock: &dyn Clock,
    actor: &str,
) -> Result<String, RunError> {
    let plan: Plan = serde_json::from_str(plan_json)
        .map_err(|e| RunError::Plan(format!("not a rollgate plan: {e}")))?;
    validate(&plan)?;
    let sha = hex(&Sha256::digest(plan_json.as_bytes()));
    let id = match name {
        Some(n) => n.to_string(),
        None => format!(
            "{}-{}",
            rollgate_planning::ids::slug(&plan.title)
                .chars()
                .take(48)
                .collect::<String>(),
            &sha[..8]
        ),
    };
    let at = clock.now().to_string();
    let row = RolloutRow {
        id: id.clone(),
        title: plan.title.clone(),
        plan_sha256: sha.clone(),
        created_at: at.clone(),
    };
    store.create(
        &row,
        plan_json,
        actor,
        &Event::Started {
            plan_sha256: sha,
            title: plan.title.clone(),
            phases: plan.phases.len(),
        },
    )?;
    store.append(
        &id,
        &at,
        actor,
        &Event::PhaseEntered {
            index: 0,
            phase: plan.phases[0].id.clone(),
            overridden: None,
        },
    )?;
    Ok(id)
}

/// A plan the runner can execute: phases, ids on every criterion, a
/// calendar, a switch with states.
fn validate(plan: &Plan) -> Result<(), RunError> {
    if plan.phases.is_empty() {
        return Err(RunError::Plan("the plan has no phases".into()));
    }
    if plan.calendar.time_zone.is_empty() || plan.calendar.covers_to.is_none() {
        return Err(RunError::Plan("the plan has no calendar; make it again with this rollgate (`rollgate plan … --format json`)".into()));
    }
    for p in &plan.phases {
        if let Some(c) = p.success_criteria.iter().find(|c| c.id.is_empty()) {
            return Err(RunError::Plan(format!(
                "criterion {:?} of phase {} has no id; make the plan again with this rollgate",
                c.metric, p.id
            )));
        }
    }
    if plan.kill_switch.states.is_empty() {
        return Err(RunError::Plan(
            "the plan's kill switch has no states".into(),
        ));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Runner<'_> {
    /// Moves to the next phase when the gate allows it (or an override
    /// says why not), flipping the switch to the next phase's state.
    pub fn advance(&mut self, override_reason: Option<&str>) -> Result<Outcome, RunError> {
        self.exclusive(|r| r.advance_now(override_reason))
    }

    fn advance_now(&mut self, override_reason: Option<&str>) -> Result<Outcome, RunError> {
        let from = self.entries.len();
        self.refuse_unless_running("advancing")?;
        if let Some(open) = &self.state.open_intent {
            return Err(RunError::Refused(format!("action {} has no result yet; the runner must read the switch tool back first (bind it, then run any command)", open.action)));
        }
        let gate = self.gate();
        let overridden = match (gate.blocking.is_empty(), override_reason) {
            (true, _) => None,
            (false, Some(_)) if !gate.hard.is_empty() => {
                return Err(RunError::Refused(format!(
                    "no override passes these (phase {}):\n  - {}",
                    gate.phase,
                    gate.hard.join("\n  - ")
                )))
            }
            (false, Some(reason)) if !reason.trim().is_empty() => {
                Some(self.override_of(reason, gate.blocking.clone()))
            }
            (false, _) => {
                return Err(RunError::Refused(format!(
                    "the gate of phase {} is not open:\n  - {}",
                    gate.phase,
                    gate.blocking.join("\n  - ")
                )))
            }
        };
        let next = self.state.phase + 1;
        if next >= self.plan.phases.len() {
            self.record(Event::Completed)?;
            self.notify("the rollout is complete: the last gate passed");
            return Ok(self.outcome("completed: the last phase's gate passed".into(), from));
        }
        let target = self.target_of(next);
        let needs_flip = self.state.switch.as_ref() != Some(&target)
            && self.target_of(self.state.phase) != target;
        if needs_flip
            && self.wiring.switch.is_some()
            && !self.act(&format!("enter:{next}"), target.clone(), overridden.clone())?
        {
            self.record(Event::Paused {
                reason: format!(
                    "the switch did not reach {} at {}%",
                    target.state, target.percent
                ),
            })?;
            return Ok(self.outcome(
                format!(
                    "paused: the switch did not reach phase {}'s state",
                    self.plan.phases[next].id
                ),
                from,
            ));
        }
        let phase = self.plan.phases[next].id.clone();
        self.record(Event::PhaseEntered {
            index: next,
            phase: phase.clone(),
            overridden: overridden.clone(),
        })?;
        let how = match (&overridden, needs_flip && self.wiring.switch.is_none()) {
            (Some(o), _) => format!(" (override: {})", o.reason),
            (None, true) => format!(
                " (no switch tool is bound: set {} to {} at {}% by hand)",
                self.plan.kill_switch.flag_name, target.state, target.percent
            ),
            _ => String::new(),
        };
        self.notify(&format!("entered phase {phase}{how}"));
        Ok(self.outcome(format!("entered phase {phase}{how}"), from))
    }

    /// Records an approval by `by` for the approver role `role` names (the
    /// role itself, a unique part of it, or its number in the gate's list).
    pub fn approve(
        &mut self,
        by: &str,
        role: Option<&str>,
        note: &str,
    ) -> Result<Outcome, RunError> {
        let from = self.entries.len();
        if by.trim().is_empty() {
            return Err(RunError::Refused(
                "an approval needs the approver's name (--as)".into(),
            ));
        }
        let missing = crate::gate::missing_approvals(self.phase(), &self.state);
        let roles = &self.phase().gate.approvers;
        let chosen = pick_role(roles, &missing, role)?;
        let phase = self.phase().id.clone();
        self.record(Event::Approved {
            phase: phase.clone(),
            role: chosen.clone(),
            by: by.to_string(),
            note: note.to_string(),
        })?;
        self.notify(&format!("{by} approved phase {phase}'s gate as {chosen}"));
        Ok(self.outcome(format!("{by} approved phase {phase} as {chosen}"), from))
    }

    /// A person states the result of a check that has no bound source.
    pub fn confirm(
        &mut self,
        check: &str,
        by: &str,
        value: Option<f64>,
        note: &str,
    ) -> Result<Outcome, RunError> {
        let from = self.entries.len();
        let phase = self.phase().clone();
        let Some(c) = phase
            .success_criteria
            .iter()
            .find(|c| c.id == check || c.metric_id == check)
        else {
            let ids: Vec<&str> = phase
                .success_criteria
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            return Err(RunError::Refused(format!(
                "phase {} has no check {check:?}; its checks are: {}",
                phase.id,
                ids.join(", ")
            )));
        };
        if self.wiring.metrics.contains_key(&c.metric_id) {
            return Err(RunError::Refused(format!(
                "check {} is bound to a source ({}); the runner measures it",
                c.id, c.metric_id
            )));
        }
        if by.trim().is_empty() {
            return Err(RunError::Refused(
                "a confirmation needs the person's name (--as)".into(),
            ));
        }
        let before = self.verdict_of(&c.id);
        self.record(Event::Confirmed {
            check: c.id.clone(),
            by: by.to_string(),
            value,
            note: note.to_string(),
        })?;
        let after = self.verdict_of(&c.id);
        if before != after {
            self.notify(&format!(
                "check {} is now {}",
                c.id,
                after.map(|v| v.as_str()).unwrap_or("?")
            ));
        }
        Ok(self.outcome(format!("{by} confirmed {}", c.id), from))
    }

    pub fn pause(&mut self, reason: &str) -> Result<Outcome, RunError> {
        let from = self.entries.len();
        self.refuse_unless_running("pausing")?;
        self.record(Event::Paused {
            reason: reason.to_string(),
        })?;
        self.notify(&format!("paused: {reason}"));
        Ok(self.outcome(format!("paused: {reason}"), from))
    }

    /// Continues a paused rollout; an aborted one re-enters its phase,
    /// putting the phase's switch state back first.
    pub fn resume(&mut self, note: &str) -> Result<Outcome, RunError> {
        self.exclusive(|r| r.resume_now(note))
    }

    fn resume_now(&mut self, note: &str) -> Result<Outcome, RunError> {
        let from = self.entries.len();
        match self.state.status.clone() {
            Status::Paused { .. } => {
                self.record(Event::Resumed {
                    note: note.to_string(),
                })?;
                self.notify(&format!("resumed: {note}"));
                Ok(self.outcome("resumed".into(), from))
            }
            Status::Aborted { .. } => {
                let k = self.state.phase;
                let target = self.target_of(k);
                if self.wiring.switch.is_some()
                    && self.state.switch.as_ref() != Some(&target)
                    && !self.act(&format!("enter:{k}"), target, None)?
                {
                    return Ok(self.outcome(
                        "the switch did not return to the phase's state; still aborted".into(),
                        from,
                    ));
                }
                let phase = self.phase().id.clone();
                self.record(Event::PhaseEntered {
                    index: k,
                    phase: phase.clone(),
                    overridden: None,
                })?;
                self.notify(&format!("re-entered phase {phase} after an abort: {note}"));
                Ok(self.outcome(
                    format!("re-entered phase {phase}; its checks and approvals start again"),
                    from,
                ))
            }
            Status::Running => Err(RunError::Refused(
                "the rollout is running; nothing to resume".into(),
            )),
            Status::Completed => Err(RunError::Refused("the rollout is complete".into())),
        }
    }

    /// Stops going forward: flips the switch to the old side when the data
    /// have not diverged, and records the phase's rollback steps as tasks.
    pub fn abort(&mut self, reason: &str) -> Result<Outcome, RunError> {
        self.exclusive(|r| r.abort_now(reason))
    }

    fn abort_now(&mut self, reason: &str) -> Result<Outcome, RunError> {
        let from = self.entries.len();
        if matches!(
            self.state.status,
            Status::Completed | Status::Aborted { .. }
        ) {
            return Err(RunError::Refused(
                "the rollout is already complete or aborted".into(),
            ));
        }
        let phase = self.phase().clone();
        let flips_to = self.abort_target();
        let flag = format!("`{}`", self.plan.kill_switch.flag_name);
        let runner_flips = flips_to.is_some() && self.wiring.switch.is_some();
        let tasks: Vec<String> = phase
            .rollback
            .steps
            .iter()
            .map(|s| {
                let text = match &s.command {
                    Some(c) => format!("{}\n{c}", s.description),
                    None => s.description.clone(),
                };
                // The flip to the state the runner sets itself is its
                // action, recorded with its result: not a task to repeat.
                let is_that_flip = runner_flips
                    && s.description.contains(&flag)
                    && flips_to
                        .as_ref()
                        .is_some_and(|t| s.description.contains(&format!("`{}`", t.state)));
                if is_that_flip {
                    format!("(done by rollgate run, see the action's result in the log) {text}")
                } else {
                    text
                }
            })
            .collect();
        self.record(Event::Aborted {
            phase: phase.id.clone(),
            reason: reason.to_string(),
            tasks,
            flips_to: flips_to.clone(),
        })?;
        let done = match (&flips_to, self.wiring.switch.is_some()) {
            (Some(t), true) => {
                let ok = self.act(&format!("abort:{}", phase.id), t.clone(), None)?;
                if ok {
                    format!("aborted: the switch is at {}; do the phase's rollback tasks", t.state)
                } else {
                    format!("aborted, but the switch did NOT reach {}: flip it by hand now ({})", t.state, self.plan.kill_switch.flag_name)
                }
            }
            (Some(t), false) => format!("aborted: no switch tool is bound; flip {} to {} by hand now", self.plan.kill_switch.flag_name, t.state),
            (None, _) => format!("aborted: the data have diverged since an earlier phase, so going back is phase {}'s rollback procedure, not a flip; the tasks are recorded", phase.id),
        };
        self.notify(&format!("ABORT in phase {}: {reason}. {done}", phase.id));
        Ok(self.outcome(done, from))
    }

    /// A manual flip through the runner (recorded like any action), for a
    /// rollback procedure that ends with the switch.
    pub fn flip(&mut self, target: SwitchTarget, reason: &str) -> Result<Outcome, RunError> {
        self.exclusive(|r| r.flip_now(target, reason))
    }

    fn flip_now(&mut self, target: SwitchTarget, reason: &str) -> Result<Outcome, RunError> {
        let from = self.entries.len();
        if !self
            .plan
            .kill_switch
            .states
            .iter()
            .any(|s| s.name == target.state)
        {
            let names: Vec<&str> = self
                .plan
                .kill_switch
                .states
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            return Err(RunError::Refused(format!(
                "{:?} is not a state of the plan's switch ({})",
                target.state,
                names.join(", ")
            )));
        }
        if target.percent > 100 {
            return Err(RunError::Refused(format!(
                "{}% is not a share of traffic",
                target.percent
            )));
        }
        let ok = self.act(&format!("flip:{reason}"), target.clone(), None)?;
        Ok(self.outcome(
            if ok {
                format!("the switch is at {} ({}%)", target.state, target.percent)
            } else {
                "the flip did not take effect".into()
            },
            from,
        ))
    }
}

fn pick_role(
    roles: &[String],
    missing: &[String],
    query: Option<&str>,
) -> Result<String, RunError> {
    let list = || {
        roles
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{}. {r}", i + 1))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let found: Vec<&String> = match query {
        None => missing.iter().collect(),
        Some(q) => match q.trim().parse::<usize>() {
            Ok(n) if n >= 1 && n <= roles.len() => vec![&roles[n - 1]],
            _ => {
                let ql = q.to_lowercase();
                let exact: Vec<&String> = roles.iter().filter(|r| r.to_lowercase() == ql).collect();
                if exact.is_empty() {
                    roles
                        .iter()
                        .filter(|r| r.to_lowercase().contains(&ql))
                        .collect()
                } else {
                    exact
                }
            }
        },
    };
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] if roles.is_empty() => Err(RunError::Refused(
            "this phase's gate names no approver".into(),
        )),
        [] if query.is_none() => Err(RunError::Refused(format!(
            "every approver of this gate has approved ({})",
            list()
        ))),
        [] => Err(RunError::Refused(format!(
            "no approver of this gate matches {:?}: {}",
            query.unwrap_or_default(),
            list()
        ))),
        _ => Err(RunError::Refused(format!(
            "say which approver you sign as (--role, a number or words): {}",
            list()
        ))),
    }
}
