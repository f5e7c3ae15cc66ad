//! The evaluator: samples what is due, judges it, and acts — a failed gate
//! check aborts (when the bindings allow it) or pauses; too many samples
//! without data pause and ask a person; an alert that fires pauses.

use crate::error::RunError;
use crate::event::{Event, Verdict};
use crate::runner::Runner;
use crate::verdict::{judge, judge_alert_sample, judge_sample, Judging};
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TickReport {
    pub measured: Vec<MeasuredNow>,
    pub acted: Vec<String>,
    /// People asked for something (an approval) in this pass.
    pub asked: Vec<String>,
    /// When the next sample is due (none when nothing is bound or the
    /// rollout is not running).
    pub next_due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredNow {
    pub check: String,
    pub value: Option<f64>,
    pub verdict: Verdict,
}

/// A check the watcher samples: a gate criterion or an alert.
struct Due {
    check: String,
    metric_id: String,
    op: String,
    value: f64,
    alert: bool,
    noise: f64,
}

impl Runner<'_> {
    fn watched(&self) -> Vec<Due> {
        let phase = self.phase();
        let gate = phase.success_criteria.iter().map(|c| Due {
            check: c.id.clone(),
            metric_id: c.metric_id.clone(),
            op: c.op.clone(),
            value: c.value,
            alert: false,
            noise: 0.0,
        });
        let alerts = self.plan.monitoring.iter().filter_map(|a| {
            a.trigger.as_ref().map(|t| Due {
                check: a.id.clone(),
                metric_id: a.metric_id.clone(),
                op: t.op.clone(),
                value: t.value,
                alert: true,
                noise: 0.0,
            })
        });
        gate.chain(alerts)
            .filter_map(|mut d| {
                let b = self.wiring.metrics.get(&d.metric_id)?;
                d.noise = b.judging.noise;
                Some(d)
            })
            .collect()
    }

    /// When `check` is next sampled: one interval after its last sample,
    /// or, for the phase's first, its delay after the phase was entered.
    fn due_at(&self, check: &str, judging: &Judging) -> Option<Timestamp> {
        match self.state.samples.get(check).and_then(|s| s.last()) {
            Some(last) => {
                let at: Timestamp = last.at.parse().ok()?;
                at.checked_add((judging.interval_seconds as i64).seconds())
                    .ok()
            }
            None => {
                let entered: Timestamp = self.state.entered_at.parse().ok()?;
                entered
                    .checked_add((judging.delay_seconds as i64).seconds())
                    .ok()
            }
        }
    }

    /// One pass of the watcher.
    pub fn tick(&mut self) -> Result<TickReport, RunError> {
        self.renew()?;
        self.refresh()?;
        let mut report = TickReport {
            measured: Vec::new(),
            acted: Vec::new(),
            asked: Vec::new(),
            next_due: None,
        };
        if self.refuse_unless_running("watching").is_err() {
            return Ok(report);
        }
        let now = self.clock.now();
        for d in self.watched() {
            let bound = &self.wiring.metrics[&d.metric_id];
            if self
                .due_at(&d.check, &bound.judging)
                .is_some_and(|t| t > now)
            {
                continue;
            }
            let (value, source_note) = bound.source.sample();
            let (verdict, note) = if d.alert {
                judge_alert_sample(value, &d.op, d.value)
            } else {
                judge_sample(value, &d.op, d.value, d.noise)
            };
            let before = self.judged(&d);
            self.record(Event::Measured {
                check: d.check.clone(),
                value,
                verdict,
                note: join(&note, &source_note),
            })?;
            report.measured.push(MeasuredNow {
                check: d.check.clone(),
                value,
                verdict,
            });
            let after = self.judged(&d);
            if before.as_ref().map(|j| j.verdict) != after.as_ref().map(|j| j.verdict) {
                if let Some(j) = &after {
                    self.notify(&format!(
                        "{} is now {}: {}",
                        d.check,
                        j.verdict.as_str(),
                        j.reason
                    ));
                }
            }
            if let Some(act) = self.react(&d, after)? {
                report.acted.push(act);
                break;
            }
        }
        self.ask_for_approvals(&mut report);
        report.next_due = self.next_due().map(|t| t.to_string());
        Ok(report)
    }

    fn judged(&self, d: &Due) -> Option<crate::verdict::Judgement> {
        let bound = self.wiring.metrics.get(&d.metric_id)?;
        Some(judge(&self.state.verdicts(&d.check), &bound.judging))
    }

    fn react(
        &mut self,
        d: &Due,
        j: Option<crate::verdict::Judgement>,
    ) -> Result<Option<String>, RunError> {
        let Some(j) = j else { return Ok(None) };
        let limit = self.wiring.metrics[&d.metric_id].judging.inconclusive_limit as usize;
        match j.verdict {
            Verdict::Fail if d.alert => {
                let reason = format!("alert {} fired: {}", d.check, j.reason);
                self.pause(&reason)?;
                Ok(Some(format!("paused: {reason}")))
            }
            Verdict::Fail if self.wiring.auto_abort => {
                let reason = format!("gate check {} failed: {}", d.check, j.reason);
                let out = self.abort(&reason)?;
                Ok(Some(out.done))
            }
            Verdict::Fail => {
                let reason = format!("gate check {} failed: {} (automatic abort is off in the bindings; a person decides)", d.check, j.reason);
                self.pause(&reason)?;
                Ok(Some(format!("paused: {reason}")))
            }
            // An alert without data cannot fire; the verdict-change
            // notification already told the team it is blind. A gate check
            // without data blocks the gate, so a person must look now.
            Verdict::Inconclusive if !d.alert && j.inconclusive > limit => {
                let reason = format!(
                    "check {} is inconclusive: {}; a person must look",
                    d.check, j.reason
                );
                self.pause(&reason)?;
                Ok(Some(format!("paused: {reason}")))
            }
            _ => Ok(None),
        }
    }

    /// When a gate waits only for people, ask them (once per phase for
    /// this watcher).
    fn ask_for_approvals(&mut self, report: &mut TickReport) {
        if !matches!(self.state.status, crate::state::Status::Running) {
            return;
        }
        let gate = self.gate();
        let only_people = !gate.approvals_missing.is_empty()
            && gate.checks.iter().all(|c| c.verdict == Verdict::Pass)
            && gate.hold.working_days_elapsed >= gate.hold.working_days_needed;
        if only_people && self.asked_approval_for != Some(self.state.phase) {
            self.asked_approval_for = Some(self.state.phase);
            let text = format!(
                "the gate of phase {} has passed its checks and its hold; approval needed from {}",
                gate.phase,
                gate.approvals_missing.join(", ")
            );
            self.notify(&text);
            report.asked.push(text);
        }
    }

    pub fn next_due(&self) -> Option<Timestamp> {
        if self.refuse_unless_running("watching").is_err() {
            return None;
        }
        let now = self.clock.now();
        self.watched()
            .iter()
            .map(|d| {
                self.due_at(&d.check, &self.wiring.metrics[&d.metric_id].judging)
                    .unwrap_or(now)
            })
            .min()
    }
}

fn join(a: &str, b: &str) -> String {
    if b.is_empty() {
        a.to_string()
    } else {
        format!("{a} ({b})")
    }
}
