//! The verifier's error type. No variant holds a connection string: a
//! connection is named by what [`crate::session::Endpoint`] shows of it
//! (hosts, ports, database, user), and a string that cannot be parsed by
//! what is wrong with it, never by its text.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum VerifyError {
    #[error("the {side} connection string cannot be parsed: {problem}")]
    ConnectionString { side: &'static str, problem: String },
    #[error("cannot connect to the {side} database ({server}): {source}")]
    Connect {
        side: &'static str,
        /// Host(s), port(s), database and user; never the password.
        server: String,
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
    #[error("cannot connect to the {side} database ({server}): {source}")]
    MySqlConnect {
        side: &'static str,
        /// Host, port, database and user; never the password.
        server: String,
        #[source]
        source: mysql::Error,
    },
    #[error("{side}: {context}: {source}")]
    MySqlQuery {
        side: &'static str,
        context: String,
        #[source]
        source: mysql::Error,
    },
    #[error("invalid option: {0}")]
    Options(String),
}
