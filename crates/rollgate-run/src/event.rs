//! What happened in a rollout, in order. The log is the rollout's only
//! state: everything the runner shows or decides is folded from it.

use serde::{Deserialize, Serialize};

/// The share a kill-switch state sends to the new side: what a switch tool
/// is told and what it must report back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchTarget {
    pub state: String,
    pub percent: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Fail,
    /// No data, a source down, too few samples, or a value within noise of
    /// the threshold: a person decides, never the runner.
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// A check the operator skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub reason: String,
    /// What would have refused the transition.
    pub bypassed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Event {
    /// The plan was frozen into this rollout.
    Started {
        plan_sha256: String,
        title: String,
        phases: usize,
    },
    /// The rollout is now in this phase (its switch state is in place).
    PhaseEntered {
        index: usize,
        phase: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        overridden: Option<Override>,
    },
    /// One sample of a bound metric, judged against the criterion or alert.
    Measured {
        /// Criterion id (`<phase>.<metric>`) or alert id (`alert.<metric>`).
        check: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<f64>,
        verdict: Verdict,
        note: String,
    },
    /// A person states the result of a check no source is bound to.
    Confirmed {
        check: String,
        by: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<f64>,
        note: String,
    },
    Approved {
        phase: String,
        role: String,
        by: String,
        note: String,
    },
    Paused {
        reason: String,
    },
    Resumed {
        note: String,
    },
    /// The rollout stopped going forward; `tasks` are the phase's rollback
    /// steps a person must do (the switch flip, when safe, is done by the
    /// runner as an action of its own).
    Aborted {
        phase: String,
        reason: String,
        tasks: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        flips_to: Option<SwitchTarget>,
    },
    /// About to act on the team's switch tool. Recorded before acting, so a
    /// crash between the two is found and reconciled, never repeated blind.
    ActionIntent {
        action: String,
        target: SwitchTarget,
        tool: String,
        /// The override a transition is made under, so a transition
        /// completed after a crash keeps it in the audit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        overridden: Option<Override>,
    },
    /// What the tool reported after the action (`read_back`), for the
    /// intent with sequence number `intent`.
    ActionResult {
        intent: i64,
        ok: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        read_back: Option<SwitchTarget>,
        note: String,
    },
    Completed,
    /// A command ran with a bindings file other than the last one seen
    /// (thresholds, sources and the switch come from it): its hash and path.
    BindingsSeen {
        sha256: String,
        path: String,
    },
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Started { .. } => "started",
            Event::PhaseEntered { .. } => "phase-entered",
            Event::Measured { .. } => "measured",
            Event::Confirmed { .. } => "confirmed",
            Event::Approved { .. } => "approved",
            Event::Paused { .. } => "paused",
            Event::Resumed { .. } => "resumed",
            Event::Aborted { .. } => "aborted",
            Event::ActionIntent { .. } => "action-intent",
            Event::ActionResult { .. } => "action-result",
            Event::Completed => "completed",
            Event::BindingsSeen { .. } => "bindings-seen",
        }
    }
}

/// An event as stored: its place in the log, when, and who.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub event: Event,
}
