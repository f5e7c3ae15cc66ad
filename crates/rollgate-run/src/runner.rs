//! Operating one rollout: every command reads the log, decides, and
//! appends. Actions on the switch tool are bracketed by an intent and a
//! result, and a restart settles an open intent by reading the tool back.

use crate::error::RunError;
use crate::event::{Entry, Event, Override, SwitchTarget, Verdict};
use crate::gate::{self, GateReport};
use crate::ports::{Clock, Wiring};
use crate::state::{State, Status};
use crate::store::Store;
use rollgate_planning::{Phase, Plan};

pub struct Runner<'a> {
    pub(crate) store: &'a mut dyn Store,
    pub(crate) rollout: String,
    pub(crate) plan: Plan,
    pub(crate) wiring: Wiring,
    pub(crate) clock: &'a dyn Clock,
    pub(crate) actor: String,
    pub(crate) entries: Vec<Entry>,
    pub(crate) state: State,
    /// Messages for the operator that are not events (a notification that
    /// could not be sent, what a reconcile did).
    pub notes: Vec<String>,
    /// Who this runner is, in a lease.
    holder: String,
    /// Whether this runner holds the watch lease.
    watching: bool,
    /// The phase whose approvers this runner last asked, so a watcher asks
    /// once per phase.
    pub(crate) asked_approval_for: Option<usize>,
}

impl Drop for Runner<'_> {
    fn drop(&mut self) {
        // Best effort: an unreleased lease expires by itself.
        if self.watching {
            let _ = self
                .store
                .release(&crate::lease::watch_key(&self.rollout), &self.holder);
        }
    }
}

/// What a command did, for the operator.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    pub done: String,
    pub events: Vec<Entry>,
}

impl<'a> Runner<'a> {
    /// Opens a rollout to read it or append to it. Commands that act on
    /// the switch or the phase take the action lease themselves.
    pub fn open(
        store: &'a mut dyn Store,
        rollout: &str,
        wiring: Wiring,
        clock: &'a dyn Clock,
        actor: &str,
    ) -> Result<Self, RunError> {
        let json = store.plan_json(rollout)?;
        let holder = crate::lease::holder(actor);
        let plan: Plan = serde_json::from_str(&json).map_err(|e| RunError::Plan(e.to_string()))?;
        let entries = store.events(rollout)?;
        let state = State::fold(&entries);
        let runner = Runner {
            store,
            rollout: rollout.to_string(),
            plan,
            wiring,
            clock,
            actor: actor.to_string(),
            entries,
            state,
            notes: Vec::new(),
            holder,
            watching: false,
            asked_approval_for: None,
        };
        Ok(runner)
    }

    /// Re-reads the log: another operator may have appended since.
    pub(crate) fn refresh(&mut self) -> Result<(), RunError> {
        self.entries = self.store.events(&self.rollout)?;
        self.state = State::fold(&self.entries);
        Ok(())
    }

    /// Runs `f` holding the action lease, on a fresh view of the log, after
    /// settling anything a crash left half-done.
    pub(crate) fn exclusive<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, RunError>,
    ) -> Result<T, RunError> {
        let key = crate::lease::act_key(&self.rollout);
        crate::lease::take(
            self.store,
            &key,
            &self.holder,
            self.clock.now(),
            crate::lease::ACT_SECONDS,
        )?;
        let result = self
            .refresh()
            .and_then(|()| self.reconcile())
            .and_then(|()| f(self));
        let released = self.store.release(&key, &self.holder);
        let value = result?;
        released?;
        Ok(value)
    }

    /// Records the bindings in use when they differ from the last ones the
    /// log saw, so the audit shows which thresholds and switch acted.
    pub fn note_bindings(&mut self, bytes: &[u8], path: &str) -> Result<(), RunError> {
        use sha2::{Digest, Sha256};
        let sha: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let last = self.entries.iter().rev().find_map(|e| match &e.event {
            Event::BindingsSeen { sha256, .. } => Some(sha256.clone()),
            _ => None,
        });
        if last.as_deref() != Some(sha.as_str()) {
            self.record(Event::BindingsSeen {
                sha256: sha,
                path: path.to_string(),
            })?;
        }
        Ok(())
    }

    /// Settles a crash's leftovers now (what every acting command does first).
    pub fn settle(&mut self) -> Result<(), RunError> {
        self.exclusive(|_| Ok(()))
    }

    /// Becomes this rollout's watcher; a second watcher is refused, told who
    /// holds it. Renewed by every `tick`.
    pub fn claim_watch(&mut self) -> Result<(), RunError> {
        let key = crate::lease::watch_key(&self.rollout);
        crate::lease::take(
            self.store,
            &key,
            &self.holder,
            self.clock.now(),
            crate::lease::WATCH_SECONDS,
        )?;
        self.watching = true;
        Ok(())
    }

    /// Keeps the watch lease (a watcher calls it every pass).
    pub fn renew(&mut self) -> Result<(), RunError> {
        if !self.watching {
            return Ok(());
        }
        let now = self.clock.now();
        let until = now
            .checked_add(jiff::ToSpan::seconds(crate::lease::WATCH_SECONDS))
            .unwrap_or(now);
        self.store.acquire(
            &crate::lease::watch_key(&self.rollout),
            &self.holder,
            now,
            until,
        )
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn rollout(&self) -> &str {
        &self.rollout
    }

    pub fn phase(&self) -> &Phase {
        &self.plan.phases[self.state.phase]
    }

    pub fn gate(&self) -> GateReport {
        gate::report(&self.plan, &self.state, &self.wiring, self.clock.now())
    }

    pub(crate) fn record(&mut self, event: Event) -> Result<Entry, RunError> {
        let at = self.clock.now().to_string();
        let entry = self.store.append(&self.rollout, &at, &self.actor, &event)?;
        self.entries.push(entry.clone());
        // One event at a time: a long watch stays linear in its log.
        self.state.apply(&entry);
        crate::fault::event_appended();
        Ok(entry)
    }

    pub(crate) fn notify(&mut self, text: &str) {
        let Some(n) = &self.wiring.notify else { return };
        let line = format!("rollgate [{}] {text}", self.rollout);
        if let Err(e) = n.send(&line) {
            self.notes.push(format!("notification not sent: {e}"));
        }
    }

    /// Flips the switch tool to `target`: intent, act, read back, result.
    /// Returns whether the tool now reports the target.
    pub(crate) fn act(
        &mut self,
        action: &str,
        target: SwitchTarget,
        overridden: Option<crate::event::Override>,
    ) -> Result<bool, RunError> {
        let Some(tool) = &self.wiring.switch else {
            return Err(RunError::Switch("no switch tool is bound".into()));
        };
        let tool_name = tool.describe();
        let intent = self.record(Event::ActionIntent {
            action: action.to_string(),
            target: target.clone(),
            tool: tool_name,
            overridden,
        })?;
        crate::fault::point("after-intent");
        let tool = self.wiring.switch.as_ref().expect("checked above");
        let applied = tool.apply(&target);
        crate::fault::point("after-apply");
        let read = tool.read_back();
        let expected = tool.expected(&target);
        let (ok, read_back, note) = match (applied, read) {
            (Ok(()), Ok(Some(now))) if now == expected => (
                true,
                Some(now),
                "the tool reports the target state".to_string(),
            ),
            (Ok(()), Ok(other)) => (
                false,
                other.clone(),
                format!("the tool reports {other:?} after the change, not the target"),
            ),
            (Err(e), read) => (
                false,
                read.ok().flatten(),
                format!("the change failed: {e}"),
            ),
            (Ok(()), Err(e)) => (
                false,
                None,
                format!("the change was sent but reading it back failed: {e}"),
            ),
        };
        self.record(Event::ActionResult {
            intent: intent.seq,
            ok,
            read_back,
            note: note.clone(),
        })?;
        crate::fault::point("after-result");
        if !ok {
            self.notify(&format!(
                "switch action {action} did not take effect: {note}"
            ));
        }
        Ok(ok)
    }

    /// A crash may have left an intent without a result, or a successful
    /// action without the phase change it was for. Ask the tool; finish
    /// what was verified done; redo a safety flip only after seeing it was
    /// not done.
    fn reconcile(&mut self) -> Result<(), RunError> {
        if let Some(open) = self.state.open_intent.clone() {
            let Some(tool) = &self.wiring.switch else {
                self.notes.push(format!(
                    "action {} (event {}) was started and has no result; bind the switch tool so the runner can read its state",
                    open.action, open.seq
                ));
                return Ok(());
            };
            let expected = tool.expected(&open.target);
            let (ok, read_back, note) = match tool.read_back() {
                Ok(Some(now)) if now == expected => (true, Some(now), "reconciled after a restart: the tool reports the target, so the action had taken effect".to_string()),
                Ok(other) => (false, other.clone(), format!("reconciled after a restart: the tool reports {other:?}, so the action had not taken effect")),
                Err(e) => {
                    self.notes.push(format!("action {} has no result and the tool cannot be read ({e}); nothing is repeated", open.action));
                    return Ok(());
                }
            };
            self.record(Event::ActionResult {
                intent: open.seq,
                ok,
                read_back,
                note: note.clone(),
            })?;
            self.notes.push(format!("{}: {note}", open.action));
        }
        self.finish_interrupted()
    }

    fn finish_interrupted(&mut self) -> Result<(), RunError> {
        self.finish_transition()?;
        self.finish_abort_flip()
    }

    /// The last `enter:k` action succeeded but the phase was never entered
    /// (the runner stopped between the two): enter it, with the override
    /// the transition was made under.
    fn finish_transition(&mut self) -> Result<(), RunError> {
        let Some((pos, k, overridden)) =
            self.entries
                .iter()
                .enumerate()
                .rev()
                .find_map(|(i, e)| match &e.event {
                    Event::ActionIntent {
                        action, overridden, ..
                    } => action
                        .strip_prefix("enter:")
                        .and_then(|k| k.parse::<usize>().ok())
                        .map(|k| (i, k, overridden.clone())),
                    _ => None,
                })
        else {
            return Ok(());
        };
        let seq = self.entries[pos].seq;
        let later = &self.entries[pos + 1..];
        let succeeded = later.iter().any(
            |e| matches!(&e.event, Event::ActionResult { intent, ok: true, .. } if *intent == seq),
        );
        let entered = later
            .iter()
            .any(|e| matches!(&e.event, Event::PhaseEntered { index, .. } if *index == k));
        if succeeded
            && !entered
            && k < self.plan.phases.len()
            && !matches!(
                self.state.status,
                Status::Aborted { .. } | Status::Completed
            )
        {
            let phase = self.plan.phases[k].id.clone();
            self.record(Event::PhaseEntered {
                index: k,
                phase: phase.clone(),
                overridden,
            })?;
            self.notes.push(format!("the switch had reached phase {phase}'s state before the restart; the phase is now entered"));
        }
        Ok(())
    }

    /// The last abort meant to flip the switch and no flip of it is known
    /// to have taken effect (the runner stopped before or during it): flip
    /// now. A safety flip is redone once the tool is seen not to have it.
    fn finish_abort_flip(&mut self) -> Result<(), RunError> {
        if !matches!(self.state.status, Status::Aborted { .. }) || self.wiring.switch.is_none() {
            return Ok(());
        }
        let Some((pos, phase, target)) =
            self.entries
                .iter()
                .enumerate()
                .rev()
                .find_map(|(i, e)| match &e.event {
                    Event::Aborted {
                        phase, flips_to, ..
                    } => Some((i, phase.clone(), flips_to.clone())),
                    _ => None,
                })
        else {
            return Ok(());
        };
        let Some(target) = target else { return Ok(()) };
        let later = &self.entries[pos + 1..];
        let flipped = later.iter().any(|e| match &e.event {
            Event::ActionResult { intent, ok: true, .. } => later.iter().any(|x| x.seq == *intent && matches!(&x.event, Event::ActionIntent { action, .. } if action.starts_with("abort:"))),
            _ => false,
        });
        if !flipped {
            self.notes
                .push("the abort's flip had not taken effect; flipping now".into());
            self.act(&format!("abort:{phase}"), target, None)?;
        }
        Ok(())
    }

    /// The switch as phase `index` sets it. With segment or release
    /// routing the state names what moved, all of it: the tool's rollout is
    /// 100 % (the plan's traffic share is a summary, and as a flag rollout
    /// it would send a share of everything back to the old side).
    pub(crate) fn target_of(&self, index: usize) -> SwitchTarget {
        let p = &self.plan.phases[index];
        let resting = self
            .plan
            .kill_switch
            .states
            .first()
            .map(|s| s.name.as_str());
        let percent = match self.plan.summary.routing.as_str() {
            "percent" => p.traffic_percent,
            _ if Some(p.kill_switch_state.as_str()) == resting => 0,
            _ => 100,
        };
        SwitchTarget {
            state: p.kill_switch_state.clone(),
            percent,
        }
    }

    /// Where an abort flips to, while no phase up to the current one has
    /// made the data differ: where the phase's own rollback goes. After that, going back is the
    /// phase's rollback procedure, which people do.
    pub(crate) fn abort_target(&self) -> Option<SwitchTarget> {
        let diverged = self.plan.phases[..=self.state.phase]
            .iter()
            .any(|p| p.data_diverges || p.point_of_no_return);
        if diverged {
            return None;
        }
        // Back where the plan's own rollback of this phase goes (the last
        // segment or release whose gate passed), else to the first state.
        let resting = self.plan.kill_switch.states.first()?.name.clone();
        let state = self.phase().rollback_to.clone().unwrap_or(resting.clone());
        let percent = match (state == resting, self.plan.summary.routing.as_str()) {
            (true, _) => 0,
            (false, "percent") => self
                .plan
                .phases
                .iter()
                .rev()
                .find(|p| p.kill_switch_state == state)
                .map(|p| p.traffic_percent)
                .unwrap_or(0),
            (false, _) => 100,
        };
        Some(SwitchTarget { state, percent })
    }

    pub fn refuse_unless_running(&self, what: &str) -> Result<(), RunError> {
        match &self.state.status {
            Status::Running => Ok(()),
            Status::Paused { reason } => Err(RunError::Refused(format!("the rollout is paused ({reason}); `rollgate run resume` before {what}"))),
            Status::Aborted { reason } => Err(RunError::Refused(format!("the rollout was aborted ({reason}); `rollgate run resume` re-enters the phase before {what}"))),
            Status::Completed => Err(RunError::Refused(format!("the rollout is complete; nothing to {what}"))),
        }
    }

    pub(crate) fn verdict_of(&self, check: &str) -> Option<Verdict> {
        self.gate()
            .checks
            .iter()
            .find(|c| c.id == check)
            .map(|c| c.verdict)
    }

    pub(crate) fn outcome(&self, done: String, from: usize) -> Outcome {
        Outcome {
            done,
            events: self.entries[from..].to_vec(),
        }
    }

    pub(crate) fn override_of(&self, reason: &str, blocking: Vec<String>) -> Override {
        Override {
            reason: reason.to_string(),
            bypassed: blocking,
        }
    }
}
