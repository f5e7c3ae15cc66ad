//! A metric from a SQL query: the first column of the first row. The query
//! is the user's own text, run as written: nothing is pasted into it. Each
//! sample opens its own read-only session, so a restarted database costs
//! one sample, not the gate.

use std::str::FromStr;
use std::time::Duration;

use super::{number, MetricSource, Sample};
use crate::bindings::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlEngine {
    Postgres,
    MySql,
    Sqlite,
}

impl SqlEngine {
    /// The engine a URL names by its scheme; key-value PostgreSQL strings
    /// (`host=… dbname=…`) count as PostgreSQL.
    pub fn of(url: &str) -> Option<SqlEngine> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "postgres" | "postgresql" => Some(SqlEngine::Postgres),
            "mysql" | "mariadb" => Some(SqlEngine::MySql),
            "sqlite" => Some(SqlEngine::Sqlite),
            _ if url.contains("host=") || url.contains("dbname=") => Some(SqlEngine::Postgres),
            _ => None,
        }
    }
}

pub(crate) struct Sql {
    pub url: Url,
    /// PostgreSQL only: the CA the server's certificate must chain to.
    pub ca_file: Option<String>,
    pub engine: SqlEngine,
    pub query: String,
    pub timeout: Duration,
}

impl MetricSource for Sql {
    fn describe(&self) -> String {
        format!(
            "sql {:?} at {}: {}",
            self.engine,
            self.url.describe(),
            self.query
        )
    }

    fn sample(&self) -> Sample {
        let read = match self.engine {
            SqlEngine::Postgres => self.postgres(),
            SqlEngine::MySql => self.mysql(),
            SqlEngine::Sqlite => self.sqlite(),
        };
        match read {
            Ok(Some(text)) => number(&text).map_or_else(
                |why| Sample::none(format!("sql: {why}")),
                |v| Sample::of(v, "sql: first column of the first row"),
            ),
            Ok(None) => Sample::none("sql: no row, or NULL"),
            Err(why) => Sample::none(format!("sql: {}", self.url.scrub(&why))),
        }
    }
}

impl Sql {
    /// The simple-query protocol answers every type as text (numeric,
    /// bigint, interval-as-epoch…), which the number parser reads.
    fn postgres(&self) -> Result<Option<String>, String> {
        let mut config = postgres::Config::from_str(self.url.expose())
            .map_err(|_| url_problem(self.url.expose()))?;
        let millis = self.timeout.as_millis();
        let options = format!(
            "{} -c default_transaction_read_only=on -c statement_timeout={millis}",
            config.get_options().unwrap_or("")
        );
        config.connect_timeout(self.timeout).options(options.trim());
        let tls = super::pg_tls::connector(self.ca_file.as_deref())?;
        let mut client = config.connect(tls).map_err(|e| pg_error(&e))?;
        let messages = client.simple_query(&self.query).map_err(|e| pg_error(&e))?;
        let first = messages.iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(row) => Some(row.get(0).map(pg_bool)),
            _ => None,
        });
        Ok(first.flatten())
    }

    fn mysql(&self) -> Result<Option<String>, String> {
        use mysql::prelude::Queryable;
        let url = self.url.expose().replacen("mariadb://", "mysql://", 1);
        let opts = mysql::Opts::from_url(&url)
            .map_err(|_| "the URL is not a valid MySQL/MariaDB URL".to_string())?;
        let opts = mysql::OptsBuilder::from_opts(opts)
            .tcp_connect_timeout(Some(self.timeout))
            .read_timeout(Some(self.timeout))
            .write_timeout(Some(self.timeout))
            .init(vec!["SET SESSION TRANSACTION READ ONLY"]);
        let mut conn = mysql::Conn::new(opts).map_err(|e| mysql_error(&e))?;
        let row: Option<mysql::Row> = conn.query_first(&self.query).map_err(|e| mysql_error(&e))?;
        Ok(row.and_then(|r| r.as_ref(0).and_then(mysql_text)))
    }

    fn sqlite(&self) -> Result<Option<String>, String> {
        use rusqlite::types::Value;
        let rest = self
            .url
            .expose()
            .strip_prefix("sqlite:")
            .unwrap_or_default();
        let path = rest.strip_prefix("//").unwrap_or(rest);
        let conn =
            rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| format!("opening the database: {e}"))?;
        conn.busy_timeout(self.timeout).map_err(|e| e.to_string())?;
        let value = conn.query_row(&self.query, [], |row| row.get::<_, Value>(0));
        match value {
            Ok(Value::Integer(i)) => Ok(Some(i.to_string())),
            Ok(Value::Real(r)) => Ok(Some(r.to_string())),
            Ok(Value::Text(t)) => Ok(Some(t)),
            Ok(Value::Null) | Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Ok(Value::Blob(_)) => Err("the first column is a blob".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Why the driver refused a URL, without repeating it. The driver knows
/// only libpq's disable/prefer/require; verification is `ca_file`'s job.
fn url_problem(url: &str) -> String {
    if url.contains("verify-ca") || url.contains("verify-full") || url.contains("sslrootcert") {
        return "sslmode verify-ca/verify-full and sslrootcert are not read from the URL: use sslmode=require and set ca_file in the binding".into();
    }
    "the URL is not a valid PostgreSQL connection string".into()
}

/// PostgreSQL prints booleans as t/f; a gate reads them as 1/0.
fn pg_bool(text: &str) -> String {
    match text {
        "t" => "1".into(),
        "f" => "0".into(),
        other => other.into(),
    }
}

fn pg_error(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        // The driver's text hides the cause (a certificate refused, say).
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

fn mysql_error(e: &mysql::Error) -> String {
    match e {
        mysql::Error::UrlError(_) => "the URL is not valid".into(),
        mysql::Error::MySqlError(m) => format!("{} ({})", m.message, m.code),
        other => other.to_string(),
    }
}

fn mysql_text(v: &mysql::Value) -> Option<String> {
    match v {
        mysql::Value::NULL => None,
        mysql::Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        mysql::Value::Int(i) => Some(i.to_string()),
        mysql::Value::UInt(u) => Some(u.to_string()),
        mysql::Value::Float(f) => Some(f.to_string()),
        mysql::Value::Double(d) => Some(d.to_string()),
        _ => Some("a date or time".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_verification_modes_point_at_ca_file() {
        assert!(url_problem("postgres://h/db?sslmode=verify-full").contains("set ca_file"));
        assert_eq!(
            url_problem("postgres://h/db?bogus=1"),
            "the URL is not a valid PostgreSQL connection string"
        );
    }

    #[test]
    fn engines_by_scheme() {
        assert_eq!(SqlEngine::of("postgres://h/db"), Some(SqlEngine::Postgres));
        assert_eq!(SqlEngine::of("host=h dbname=x"), Some(SqlEngine::Postgres));
        assert_eq!(SqlEngine::of("mariadb://u@h/db"), Some(SqlEngine::MySql));
        assert_eq!(SqlEngine::of("sqlite:/tmp/x.db"), Some(SqlEngine::Sqlite));
        assert_eq!(SqlEngine::of("redis://h"), None);
    }
}
