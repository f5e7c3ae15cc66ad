//! The rollout's state, folded from its log. Nothing else holds state, so
//! a runner that crashed and restarted sees exactly what was recorded.

use crate::event::{Entry, Event, SwitchTarget, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Status {
    Running,
    Paused { reason: String },
    Aborted { reason: String },
    Completed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub at: String,
    pub value: Option<f64>,
    pub verdict: Verdict,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confirmation {
    pub at: String,
    pub by: String,
    pub value: Option<f64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approval {
    pub at: String,
    pub role: String,
    pub by: String,
    pub note: String,
}

/// An action on the switch tool recorded as intended but with no result:
/// the runner stopped between the two.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenIntent {
    pub seq: i64,
    pub action: String,
    pub target: SwitchTarget,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    pub phase: usize,
    pub entered_at: String,
    pub status: Status,
    /// Samples of the current phase, by check id, oldest first.
    pub samples: BTreeMap<String, Vec<Sample>>,
    pub confirmations: BTreeMap<String, Confirmation>,
    pub approvals: Vec<Approval>,
    /// The switch as the tool last reported it.
    pub switch: Option<SwitchTarget>,
    pub open_intent: Option<OpenIntent>,
    /// The last action that completed, with its outcome.
    pub last_action: Option<(String, bool)>,
    /// Rollback tasks recorded by the last abort.
    pub tasks: Vec<String>,
}

impl State {
    pub fn fold(entries: &[Entry]) -> State {
        let mut s = State {
            phase: 0,
            entered_at: entries.first().map(|e| e.at.clone()).unwrap_or_default(),
            status: Status::Running,
            samples: BTreeMap::new(),
            confirmations: BTreeMap::new(),
            approvals: Vec::new(),
            switch: None,
            open_intent: None,
            last_action: None,
            tasks: Vec::new(),
        };
        for e in entries {
            s.apply(e);
        }
        s
    }

    pub(crate) fn apply(&mut self, e: &Entry) {
        match &e.event {
            Event::Started { .. } => {}
            Event::PhaseEntered { index, .. } => {
                self.phase = *index;
                self.entered_at = e.at.clone();
                self.samples.clear();
                self.confirmations.clear();
                self.approvals.clear();
                self.tasks.clear();
                self.status = Status::Running;
            }
            Event::Measured {
                check,
                value,
                verdict,
                note,
            } => self.samples.entry(check.clone()).or_default().push(Sample {
                at: e.at.clone(),
                value: *value,
                verdict: *verdict,
                note: note.clone(),
            }),
            Event::Confirmed {
                check,
                by,
                value,
                note,
            } => {
                self.confirmations.insert(
                    check.clone(),
                    Confirmation {
                        at: e.at.clone(),
                        by: by.clone(),
                        value: *value,
                        note: note.clone(),
                    },
                );
            }
            Event::Approved { role, by, note, .. } => self.approvals.push(Approval {
                at: e.at.clone(),
                role: role.clone(),
                by: by.clone(),
                note: note.clone(),
            }),
            Event::Paused { reason } => {
                if self.status == Status::Running {
                    self.status = Status::Paused {
                        reason: reason.clone(),
                    };
                }
            }
            Event::Resumed { .. } => {
                if matches!(self.status, Status::Paused { .. }) {
                    self.status = Status::Running;
                }
            }
            Event::Aborted { reason, tasks, .. } => {
                self.status = Status::Aborted {
                    reason: reason.clone(),
                };
                self.tasks = tasks.clone();
            }
            Event::ActionIntent { action, target, .. } => {
                self.open_intent = Some(OpenIntent {
                    seq: e.seq,
                    action: action.clone(),
                    target: target.clone(),
                });
            }
            Event::ActionResult {
                intent,
                ok,
                read_back,
                ..
            } => {
                if let Some(open) = &self.open_intent {
                    if open.seq == *intent {
                        self.last_action = Some((open.action.clone(), *ok));
                        self.open_intent = None;
                    }
                }
                if read_back.is_some() {
                    self.switch = read_back.clone();
                }
            }
            Event::Completed => self.status = Status::Completed,
            Event::BindingsSeen { .. } => {}
        }
    }

    pub fn verdicts(&self, check: &str) -> Vec<Verdict> {
        self.samples
            .get(check)
            .map(|v| v.iter().map(|s| s.verdict).collect())
            .unwrap_or_default()
    }
}
