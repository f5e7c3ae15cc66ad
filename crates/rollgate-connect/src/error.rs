//! The library's one error type. Every message is built by this crate from
//! words it chose, never from a secret's value: URLs that may carry
//! credentials are named by where they came from (an env var, a file).

use std::fmt;

/// A problem in the bindings file, located at `origin:line:col`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub origin: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin, self.line, self.col, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Every problem found in the bindings file, not only the first.
    #[error("{}", list(.0))]
    Bindings(Vec<Problem>),
    /// A secret could not be read; `from` names the env var or file.
    #[error("secret {from}: {reason}")]
    Secret { from: String, reason: String },
    /// A remote system answered badly or not at all.
    #[error("{system}: {message}")]
    Remote { system: String, message: String },
    /// A command could not be run or failed.
    #[error("command `{program}`: {message}")]
    Command { program: String, message: String },
    /// A local file could not be read or written.
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// The request makes no sense for this switch (an unknown state, a
    /// percent over 100, a state with no variation).
    #[error("switch: {0}")]
    Switch(String),
    /// Alert rules that cannot be written (an unknown operator, a bad window).
    #[error("alert rules: {0}")]
    Rules(String),
}

fn list(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\n")
}

impl ConnectError {
    pub(crate) fn remote(system: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Remote {
            system: system.into(),
            message: message.into(),
        }
    }
}
