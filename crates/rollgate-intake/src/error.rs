//! Errors and warnings of the intake stage. Every one carries the place in
//! the input it is about, when there is one.

use crate::source::Excerpt;
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
    /// The offending part of its line, when there is one, for a caret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<Excerpt>,
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
            write!(f, "\n {gutter} | {}", excerpt.text)?;
            let pad: String = excerpt
                .text
                .chars()
                .take(excerpt.caret.saturating_sub(1))
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

/// How many problems of one kind are listed; the rest are counted, so a
/// file with thousands of the same mistake gets a short, readable error.
pub const MAX_PROBLEMS_PER_KIND: usize = 5;

/// Collects problems, listing the first [`MAX_PROBLEMS_PER_KIND`] of each
/// kind and counting the others.
#[derive(Debug, Default)]
pub struct Problems {
    listed: Vec<Problem>,
    /// (kind, how many were found), in the order kinds first appeared.
    kinds: Vec<(String, usize)>,
    index: std::collections::HashMap<String, usize>,
}

impl Problems {
    /// Records a problem of `kind` (a plural noun phrase such as
    /// "duplicate <scale> tags", used in the count line).
    pub fn push(&mut self, kind: &str, problem: Problem) {
        let slot = match self.index.get(kind) {
            Some(&slot) => slot,
            None => {
                self.kinds.push((kind.to_string(), 0));
                self.index.insert(kind.to_string(), self.kinds.len() - 1);
                self.kinds.len() - 1
            }
        };
        self.kinds[slot].1 += 1;
        if self.kinds[slot].1 <= MAX_PROBLEMS_PER_KIND {
            self.listed.push(problem);
        }
    }

    /// Like [`Problems::push`], but builds the problem (which may search the
    /// input for its place) only when it will be listed.
    pub fn push_with(&mut self, kind: &str, problem: impl FnOnce() -> Problem) {
        let found = self
            .index
            .get(kind)
            .map(|&slot| self.kinds[slot].1)
            .unwrap_or(0);
        if found < MAX_PROBLEMS_PER_KIND {
            self.push(kind, problem());
        } else {
            let slot = self.index[kind];
            self.kinds[slot].1 += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// The error for every problem collected: the listed ones, then one
    /// line per kind with more than were listed ("… and 7,990 more
    /// duplicate <scale> tags").
    pub fn into_error(self) -> IntakeError {
        let unlisted = self
            .kinds
            .iter()
            .map(|(_, found)| found.saturating_sub(MAX_PROBLEMS_PER_KIND))
            .sum();
        let mut out = self.listed;
        for (kind, found) in self.kinds {
            if found > MAX_PROBLEMS_PER_KIND {
                out.push(Problem {
                    location: None,
                    message: format!(
                        "… and {} more {kind}",
                        thousands(found - MAX_PROBLEMS_PER_KIND)
                    ),
                    excerpt: None,
                    help: None,
                });
            }
        }
        IntakeError::Invalid {
            problems: out,
            unlisted,
        }
    }
}

/// `7990` as `7,990`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
    #[error("{name}: input is {} bytes; the limit is {limit} bytes (1 MiB). A migration spec is prose, not a data dump: is this the right file?", size.map(|s| s.to_string()).unwrap_or_else(|| format!("more than {limit}")))]
    TooLarge {
        name: String,
        /// The real size when it is known (a file); a stream is not read to
        /// its end just to count it.
        size: Option<u64>,
        limit: usize,
    },
    #[error("{name}: input is empty. Write a spec (run `rollgate init`) or use the tagged form; see examples/.")]
    Empty { name: String },
    #[error("{location}: input is not text ({reason}). rollgate reads UTF-8 TOML, YAML, JSON or the tagged-text form.")]
    NotText { location: Location, reason: String },
    #[error("{}", render_problems(.problems, *.unlisted))]
    Invalid {
        problems: Vec<Problem>,
        /// Problems found beyond those listed (counted per kind).
        unlisted: usize,
    },
    #[error("knowledge: {0}")]
    Knowledge(#[from] rollgate_knowledge::KnowledgeError),
}

impl IntakeError {
    pub fn invalid(problem: Problem) -> Self {
        Self::Invalid {
            problems: vec![problem],
            unlisted: 0,
        }
    }

    /// The problems behind the error, one per place.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Self::Invalid { problems, .. } => problems.clone(),
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

fn render_problems(problems: &[Problem], unlisted: usize) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&p.to_string());
    }
    let summaries = problems
        .iter()
        .filter(|p| p.message.starts_with("… and "))
        .count();
    let found = problems.len() - summaries + unlisted;
    if found > 1 {
        out.push_str(&format!("\n{} problems found", thousands(found)));
    }
    out
}
