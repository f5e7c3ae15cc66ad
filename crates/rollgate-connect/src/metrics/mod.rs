//! Metric sources: each turns one bound query into a `Sample`. A source
//! never panics and never returns an error: whatever goes wrong becomes a
//! sample without a value and a note that says why, in words without
//! secrets.

mod command;
mod pg_tls;
mod prometheus;
mod sql;
mod verify;
mod web;

use std::time::Duration;

use crate::bindings::{Url, UrlRef};
use crate::secret::{Secret, SecretRef};

pub use sql::SqlEngine;

/// One reading of a metric. `value` is `None` when there is no data (the
/// source is down, the result is empty, NaN); `note` says why, or what was
/// read.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub value: Option<f64>,
    pub note: String,
}

impl Sample {
    pub fn of(value: f64, note: impl Into<String>) -> Self {
        Self {
            value: Some(value),
            note: note.into(),
        }
    }

    pub fn none(note: impl Into<String>) -> Self {
        Self {
            value: None,
            note: note.into(),
        }
    }
}

/// A bound metric, ready to sample.
pub trait MetricSource: Send + Sync {
    /// What is asked of whom, safe to print (no secrets).
    fn describe(&self) -> String;
    /// One reading now. Never panics; failures are `value: None`.
    fn sample(&self) -> Sample;
}

/// How a metric's samples are judged; plain data for the runner.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalParams {
    /// How often to sample.
    pub interval: Duration,
    /// Samples needed before a verdict.
    pub count: u32,
    /// Failing samples tolerated.
    pub failure_limit: u32,
    /// Samples without data tolerated.
    pub inconclusive_limit: u32,
    /// `|value - threshold| <= noise` counts as inconclusive.
    pub noise: f64,
    /// How long after a phase is entered before the first sample: a
    /// metric needs time to show the new state (default: one interval).
    pub delay: Option<Duration>,
}

impl Default for EvalParams {
    /// Strict by default: one minute apart, five samples, no failure
    /// tolerated, one sample without data tolerated.
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(60),
            count: 5,
            failure_limit: 0,
            inconclusive_limit: 1,
            noise: 0.0,
            delay: None,
        }
    }
}

/// A metric's binding as parsed (secrets not yet read).
#[derive(Debug, Clone)]
pub(crate) enum MetricKind {
    Prometheus {
        url: UrlRef,
        token: Option<SecretRef>,
        query: String,
    },
    Sql {
        url: UrlRef,
        query: String,
        engine: Option<SqlEngine>,
        ca_file: Option<String>,
    },
    Http {
        url: UrlRef,
        token: Option<SecretRef>,
        pointer: Option<String>,
        status: bool,
    },
    Command {
        argv: Vec<String>,
        exit_code: bool,
    },
    /// `rollgate verify` between two databases: the number of differences.
    Verify {
        source: SecretRef,
        target: SecretRef,
        tables: Option<String>,
        schema: Option<String>,
    },
}

type Resolve<'a> = &'a dyn Fn(&SecretRef) -> Result<Secret, String>;

/// Builds the source; a secret that cannot be read gives a source whose
/// every sample says so.
pub(crate) fn build(
    id: &str,
    kind: &MetricKind,
    timeout: Duration,
    resolve: Resolve<'_>,
) -> Box<dyn MetricSource> {
    match try_build(kind, timeout, resolve) {
        Ok(source) => source,
        Err(note) => Box::new(Unavailable {
            describe: format!("{id}: not available"),
            note,
        }),
    }
}

fn try_build(
    kind: &MetricKind,
    timeout: Duration,
    resolve: Resolve<'_>,
) -> Result<Box<dyn MetricSource>, String> {
    Ok(match kind {
        MetricKind::Verify {
            source,
            target,
            tables,
            schema,
        } => Box::new(verify::Verify {
            source: resolve(source)?,
            target: resolve(target)?,
            tables: tables.clone(),
            schema: schema.clone(),
            timeout,
        }),
        MetricKind::Prometheus { url, token, query } => Box::new(prometheus::Prometheus {
            url: url_of(url, resolve)?,
            token: token.as_ref().map(resolve).transpose()?,
            query: query.clone(),
            timeout,
        }),
        MetricKind::Sql {
            url,
            query,
            engine,
            ca_file,
        } => {
            let url = url_of(url, resolve)?;
            let engine = engine
                .or_else(|| SqlEngine::of(url.expose()))
                .ok_or_else(|| {
                    format!(
                        "{} is not a postgres://, mysql://, mariadb:// or sqlite: URL",
                        url.describe()
                    )
                })?;
            if ca_file.is_some() && engine != SqlEngine::Postgres {
                return Err("ca_file applies to PostgreSQL only".into());
            }
            Box::new(sql::Sql {
                url,
                ca_file: ca_file.clone(),
                engine,
                query: query.clone(),
                timeout,
            })
        }
        MetricKind::Http {
            url,
            token,
            pointer,
            status,
        } => Box::new(web::Http {
            url: url_of(url, resolve)?,
            token: token.as_ref().map(resolve).transpose()?,
            pointer: pointer.clone(),
            status: *status,
            timeout,
        }),
        MetricKind::Command { argv, exit_code } => Box::new(command::CommandSource {
            argv: argv.clone(),
            exit_code: *exit_code,
            timeout,
        }),
    })
}

pub(crate) fn url_of(url: &UrlRef, resolve: Resolve<'_>) -> Result<Url, String> {
    match url {
        UrlRef::Plain(u) => Ok(Url::Plain(u.clone())),
        UrlRef::Secret(r) => resolve(r).map(Url::Secret),
    }
}

struct Unavailable {
    describe: String,
    note: String,
}

impl MetricSource for Unavailable {
    fn describe(&self) -> String {
        self.describe.clone()
    }

    fn sample(&self) -> Sample {
        Sample::none(self.note.clone())
    }
}

/// A number as text (trimmed), refusing NaN and infinities: neither can
/// pass or fail a threshold honestly.
pub(crate) fn number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let v: f64 = t
        .parse()
        .map_err(|_| format!("not a number: {}", shorten(t)))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("not a finite number ({t})"))
    }
}

/// At most 60 characters of foreign text, for notes.
pub(crate) fn shorten(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}
