//! The verifier's error type. Connection strings inside errors are always
//! redacted before they are stored here.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum VerifyError {
    #[error("cannot connect to the {side} database ({url}): {source}")]
    Connect {
        side: &'static str,
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("{side}: {context}: {source}")]
    Query {
        side: &'static str,
        context: String,
        #[source]
        source: postgres::Error,
    },
    #[error("invalid option: {0}")]
    Options(String),
}
