//! Errors and warnings of the intake stage. Every one carries the place in
//! the input it is about, when there is one.

use serde::Serialize;
use thiserror::Error;

/// A place in an input, ready to print as `file:line:col`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub location: Option<Location>,
    pub message: String,
    /// The offending line, when there is one, for a caret excerpt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let (Some(excerpt), Some(loc)) = (&self.excerpt, &self.location) {
            let gutter = loc.line.to_string();
            write!(f, "\n {gutter} | {excerpt}")?;
            let pad: String = excerpt
                .chars()
                .take(loc.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n {} | {pad}^", " ".repeat(gutter.len()))?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Why an input could not be read. Validation collects every problem it can
/// before giving up, so a user fixes them in one pass.
#[derive(Debug, Error)]
pub enum IntakeError {
    #[error("cannot read {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{name}: input is {size} bytes; the limit is {limit} bytes (1 MiB). A migration spec is prose, not a data dump: is this the right file?")]
    TooLarge {
        name: String,
        size: usize,
        limit: usize,
    },
    #[error("{name}: input is empty. Write a spec (run `rollgate init`) or use the tagged form; see examples/.")]
    Empty { name: String },
    #[error("{location}: input is not text ({reason}). rollgate reads UTF-8 TOML, YAML, JSON or the tagged-text form.")]
    NotText { location: Location, reason: String },
    #[error("{}", render_problems(.problems))]
    Invalid { problems: Vec<Problem> },
    #[error("knowledge: {0}")]
    Knowledge(#[from] rollgate_knowledge::KnowledgeError),
}

impl IntakeError {
    pub fn invalid(problem: Problem) -> Self {
        Self::Invalid {
            problems: vec![problem],
        }
    }

    /// The problems behind the error, one per place.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Self::Invalid { problems } => problems.clone(),
            other => vec![Problem {
                location: match other {
                    Self::NotText { location, .. } => Some(location.clone()),
                    _ => None,
                },
                message: other.to_string(),
                excerpt: None,
                help: None,
            }],
        }
    }
}

fn render_problems(problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&p.to_string());
    }
    if problems.len() > 1 {
        out.push_str(&format!("\n{} problems found", problems.len()));
    }
    out
}
