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
    #[error("{side}: {context}: {}", server_message(source))]
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

/// What the PostgreSQL server said, when it said something: the driver's
/// own `Display` is only "db error", which tells a person at 3am nothing
/// (a statement timeout, a missing grant and a dropped table all read
/// the same). Server messages name objects and settings, never passwords.
fn server_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}
