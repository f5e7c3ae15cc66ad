//! rollgate-connect: everything that talks to the team's systems while a
//! plan runs. Metric sources (Prometheus, SQL, HTTP, commands) become
//! samples; the kill switch (Unleash, LaunchDarkly, a file, an HTTP call, a
//! command) is set and read back; notices go to a webhook; alerts are
//! exported as Prometheus rules. The bindings file says which is which.
//! Secrets come only from env vars or files and never appear in errors,
//! notes or `Debug` output.
//!
//! How a runner uses it:
//!
//! ```
//! use rollgate_connect::{Bindings, SwitchTarget};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let text = format!(
//!     "[metrics.queue-depth]\nsource = \"command\"\ncommand = [\"echo\", \"12\"]\ncount = 3\n\
//!      [switch]\nkind = \"file\"\npath = \"{}/switch\"\n",
//!     dir.path().display()
//! );
//! let bindings = Bindings::parse(&text, "bindings.toml").unwrap();
//! bindings.check_secrets().unwrap(); // every env var and file it names
//!
//! let params = bindings.params("queue-depth").unwrap();
//! assert_eq!((params.count, params.failure_limit), (3, 0));
//! let sample = bindings.source("queue-depth").unwrap().sample();
//! assert_eq!(sample.value, Some(12.0));
//!
//! let states = vec!["old".to_string(), "new".to_string()]; // first = resting
//! let switch = bindings.switch("db-target", &states).unwrap().unwrap();
//! let to = SwitchTarget { state: "new".into(), percent: 25 };
//! switch.apply(&to).unwrap();
//! assert_eq!(switch.read_back().unwrap(), Some(switch.expected(&to)));
//! ```
#![forbid(unsafe_code)]

mod alerts;
mod bindings;
mod duration;
mod error;
mod http;
mod metrics;
mod notify;
mod process;
mod secret;
mod switch;

pub use alerts::{prometheus_rules, AlertRule, PrometheusRules};
pub use bindings::Bindings;
pub use duration::parse_duration;
pub use error::{ConnectError, Problem};
pub use metrics::{EvalParams, MetricSource, Sample, SqlEngine};
pub use notify::Notifier;
pub use secret::Secret;
pub use switch::{SwitchAction, SwitchTarget};
