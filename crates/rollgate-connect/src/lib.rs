//! rollgate-connect: everything that talks to the team's systems while a
//! plan runs. Metric sources (Prometheus, SQL, HTTP, commands) become
//! samples; the kill switch (Unleash, LaunchDarkly, a file, an HTTP call, a
//! command) is set and read back; notices go to a webhook; alerts are
//! exported as Prometheus rules. The bindings file says which is which.
//! Secrets come only from env vars or files and never appear in errors,
//! notes or `Debug` output.
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
