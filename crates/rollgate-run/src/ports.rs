//! What the runner needs from the world, as traits: the clock, metric
//! sources, the team's switch tool and a notification channel. The binary
//! wires real ones; rehearsal and tests wire scripted ones.

use crate::event::SwitchTarget;
use crate::verdict::Judging;
use jiff::Timestamp;
use std::collections::BTreeMap;

pub trait Clock {
    fn now(&self) -> Timestamp;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// One reading of a metric now; `None` with a note when there is no usable
/// value (the source is down, the result is empty). Never panics.
pub trait Measure {
    fn describe(&self) -> String;
    fn sample(&self) -> (Option<f64>, String);
}

/// The team's switch tool. `read_back` reports the tool's real state, so a
/// crash between intent and result is settled by asking, not by repeating.
pub trait SwitchTool {
    fn describe(&self) -> String;
    fn apply(&self, target: &SwitchTarget) -> Result<(), String>;
    fn read_back(&self) -> Result<Option<SwitchTarget>, String>;
    /// What `read_back` reports once `target` is in place (a tool may
    /// report a resting state at 0 % whatever the share asked for).
    fn expected(&self, target: &SwitchTarget) -> SwitchTarget {
        target.clone()
    }
}

pub trait Notify {
    fn send(&self, text: &str) -> Result<(), String>;
}

/// A metric bound to a source, with how it is judged.
pub struct Bound {
    pub source: Box<dyn Measure>,
    pub judging: Judging,
}

/// Everything the bindings connected, by metric id.
#[derive(Default)]
pub struct Wiring {
    pub metrics: BTreeMap<String, Bound>,
    pub switch: Option<Box<dyn SwitchTool>>,
    pub notify: Option<Box<dyn Notify>>,
    /// A failed gate check flips the kill switch by itself (when the current
    /// phase's data have not diverged); otherwise the runner pauses and asks.
    pub auto_abort: bool,
}
