//! Errors raised while loading knowledge files.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum KnowledgeError {
    #[error("{origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: technology `{id}`: {message}")]
    InvalidEntry {
        origin: String,
        id: String,
        message: String,
    },
    /// Every problem found in a release-lines file, so one run lists them all.
    #[error("{origin}: {}", problems.join("; "))]
    ReleaseLines {
        origin: String,
        problems: Vec<String>,
    },
    #[error("cannot read knowledge pack {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not a knowledge pack (name it technologies*.toml, timezones*.toml or roles*.toml)"
    )]
    UnknownPack { path: String },
}
