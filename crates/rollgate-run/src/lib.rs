//! `rollgate run`: executes a plan. A rollout is a frozen plan plus an
//! append-only log of what happened; every decision (may we advance? must
//! we abort?) is folded from that log and the plan's own numbers, calendar
//! and approvers. The world — clock, metric sources, the team's switch
//! tool, notifications — comes in through the traits in [`ports`].

pub mod error;
pub mod event;
pub mod fault;
pub mod gate;
pub mod lease;
mod ops;
pub mod ports;
pub mod rehearse;
pub mod report;
pub mod runner;
pub mod state;
pub mod store;
pub mod template;
pub mod verdict;
pub mod watch;
pub mod window;

pub use error::RunError;
pub use event::{Entry, Event, SwitchTarget, Verdict};
pub use ops::start;
pub use ports::{Bound, Clock, Measure, Notify, SwitchTool, SystemClock, Wiring};
pub use runner::{Outcome, Runner};
pub use state::{State, Status};
pub use store::{PgStore, RolloutRow, SqliteStore, Store};
pub use verdict::Judging;
