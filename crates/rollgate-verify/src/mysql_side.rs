//! A read-only session on a MySQL or MariaDB server, for comparisons
//! across engines. Mirrors `session` for PostgreSQL: the connection string
//! is parsed once and only its host, port, database and user are ever
//! shown; the session is read-only with a statement timeout; every value
//! travels as a bind parameter of a prepared statement (`?`), never as SQL
//! text.

use crate::error::VerifyError;
use crate::session::RateLimit;
use mysql::prelude::Queryable;
use std::sync::Arc;

/// A parsed MySQL/MariaDB connection string. `Debug` shows only what
/// `shown` holds.
pub(crate) struct MyEndpoint {
    pub(crate) side: &'static str,
    opts: mysql::Opts,
    /// `host=… port=… dbname=… user=…`, never the password.
    pub(crate) shown: String,
    pub(crate) database: Option<String>,
}

impl std::fmt::Debug for MyEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MyEndpoint")
            .field("side", &self.side)
            .field("shown", &self.shown)
            .finish()
    }
}

/// Whether a connection string names a MySQL or MariaDB server.
pub(crate) fn is_mysql_url(conn: &str) -> bool {
    let lower = conn.trim_start().to_ascii_lowercase();
    lower.starts_with("mysql://") || lower.starts_with("mariadb://")
}

impl MyEndpoint {
    pub(crate) fn parse(side: &'static str, conn: &str) -> Result<Self, VerifyError> {
        let conn = conn.trim();
        // The driver knows only the mysql:// scheme; mariadb:// is the
        // same protocol.
        let url = match conn.get(..10) {
            Some(p) if p.eq_ignore_ascii_case("mariadb://") => format!("mysql://{}", &conn[10..]),
            _ => conn.to_string(),
        };
        // The driver's own error can quote a parameter's value, which may
        // be the password: only the kind of problem is passed on, and the
        // name of a parameter only when the driver knows it.
        let opts = mysql::Opts::from_url(&url).map_err(|e| VerifyError::ConnectionString {
            side,
            problem: match e {
                // Its name is not shown: it could be a pasted secret.
                mysql::UrlError::UnknownParameter(_) => "an unknown URL parameter".to_string(),
                mysql::UrlError::InvalidValue(p, _) if p.len() < 40 => {
                    format!("invalid value for URL parameter `{p}`")
                }
                mysql::UrlError::UnsupportedScheme(_) => "write mysql:// or mariadb://".to_string(),
                _ => "not a valid mysql:// URL (write a raw `@` in a password as %40)".to_string(),
            },
        })?;
        // As the mysql client does: a password left out of the URL comes
        // from MYSQL_PWD, so that plans and shell history carry none.
        let opts = match (opts.get_pass(), std::env::var("MYSQL_PWD")) {
            (None, Ok(pwd)) if !pwd.is_empty() => {
                mysql::Opts::from(mysql::OptsBuilder::from_opts(opts).pass(Some(pwd)))
            }
            _ => opts,
        };
        let host = opts.get_ip_or_hostname().to_string();
        let mut shown = format!("host={host} port={}", opts.get_tcp_port());
        if let Some(db) = opts.get_db_name() {
            shown.push_str(&format!(" dbname={db}"));
        }
        if let Some(u) = opts.get_user() {
            shown.push_str(&format!(" user={u}"));
        }
        Ok(Self {
            side,
            database: opts.get_db_name().map(str::to_string),
            opts,
            shown,
        })
    }
}

/// A bind parameter of a MySQL statement.
#[derive(Debug, Clone)]
pub(crate) enum MyParam {
    Text(String),
    Int(i64),
}

/// One connection to a MySQL or MariaDB server.
pub(crate) struct MySide {
    pub(crate) name: &'static str,
    conn: mysql::Conn,
    limit: Arc<RateLimit>,
    /// `VERSION()`: `10.11.6-MariaDB-0+deb12u1`, `8.0.36`.
    pub(crate) version: String,
}

impl MySide {
    pub(crate) fn connect(
        end: &MyEndpoint,
        timeout_ms: u64,
        limit: Arc<RateLimit>,
    ) -> Result<Self, VerifyError> {
        let name = end.side;
        let err = |source| VerifyError::MySqlConnect {
            side: name,
            server: end.shown.clone(),
            source,
        };
        let mut conn = mysql::Conn::new(end.opts.clone()).map_err(err)?;
        let version: String = conn
            .query_first("SELECT VERSION()")
            .map_err(err)?
            .unwrap_or_default();
        // Read-only for the whole session (later transactions, including
        // each autocommitted statement, refuse writes); UTF-8 text and UTC
        // times whatever the server's defaults; the timeout is a number
        // formatted from a u64, under the name each engine uses (MariaDB:
        // seconds, MySQL: milliseconds, SELECT only).
        let timeout = if version.contains("MariaDB") {
            format!(
                "SET SESSION max_statement_time = {}.{:03}",
                timeout_ms / 1000,
                timeout_ms % 1000
            )
        } else {
            format!("SET SESSION max_execution_time = {timeout_ms}")
        };
        for setup in [
            "SET SESSION TRANSACTION READ ONLY",
            "SET NAMES utf8mb4",
            "SET SESSION time_zone = '+00:00'",
            timeout.as_str(),
        ] {
            conn.query_drop(setup)
                .map_err(|source| VerifyError::MySqlQuery {
                    side: name,
                    context: "session setup".into(),
                    source,
                })?;
        }
        Ok(Self {
            name,
            conn,
            limit,
            version,
        })
    }

    /// Runs a prepared statement; every column must be text (or NULL), as
    /// the SQL casts it, so rows come back as `Option<String>`.
    pub(crate) fn query(
        &mut self,
        sql: &str,
        params: &[MyParam],
        context: &str,
    ) -> Result<Vec<Vec<Option<String>>>, VerifyError> {
        self.limit.wait();
        let values: Vec<mysql::Value> = params
            .iter()
            .map(|p| match p {
                MyParam::Text(s) => mysql::Value::from(s.as_str()),
                MyParam::Int(i) => mysql::Value::from(*i),
            })
            .collect();
        let err = |source| VerifyError::MySqlQuery {
            side: self.name,
            context: context.to_string(),
            source,
        };
        let params = if values.is_empty() {
            mysql::Params::Empty
        } else {
            mysql::Params::Positional(values)
        };
        let rows: Vec<mysql::Row> = self.conn.exec(sql, params).map_err(err)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                r.unwrap()
                    .into_iter()
                    .map(|v| match v {
                        mysql::Value::NULL => None,
                        mysql::Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                        mysql::Value::Int(i) => Some(i.to_string()),
                        mysql::Value::UInt(u) => Some(u.to_string()),
                        other => Some(other.as_sql(true)),
                    })
                    .collect()
            })
            .collect())
    }
}

/// The one way an identifier goes into MySQL SQL: in backquotes, backquotes
/// doubled.
pub(crate) fn quote_ident_my(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_host_port_database_and_user_are_shown() {
        for (conn, want) in [
            (
                "mysql://app:S3cret@db:3307/shop",
                "host=db port=3307 dbname=shop user=app",
            ),
            (
                "mariadb://app:S3%40cr%20et@127.0.0.1/shop",
                "host=127.0.0.1 port=3306 dbname=shop user=app",
            ),
            (
                "MySQL://app:S3cret@db/shop",
                "host=db port=3306 dbname=shop user=app",
            ),
        ] {
            let e = MyEndpoint::parse("source", conn).unwrap();
            assert_eq!(e.shown, want, "{conn}");
            assert!(!format!("{e:?}").contains("S3"), "{conn}");
        }
        // Whatever the driver makes of these (the URL parser takes the last
        // `@`; a password parameter may be read), no byte of the secret is
        // shown, in the summary or in the error.
        for odd in [
            "mysql://app:S3@cret@db/shop",
            "mysql://app@db/shop?password=S3cret",
            "mysql://app:S3cret@db:x3306/shop",
            "mysql://app:S3cret@db/shop?S3cret=1",
        ] {
            let shown = match MyEndpoint::parse("target", odd) {
                Ok(e) => format!("{} {e:?}", e.shown),
                Err(e) => {
                    let e = e.to_string();
                    assert!(
                        e.starts_with("the target connection string cannot be parsed"),
                        "{e}"
                    );
                    e
                }
            };
            assert!(
                !shown.contains("S3") && !shown.contains("cret"),
                "{odd}: {shown}"
            );
        }
        assert!(MyEndpoint::parse("target", "mysql://app:S3cret@db:x3306/shop").is_err());
        assert!(is_mysql_url(" mariadb://x") && !is_mysql_url("postgresql://x"));
        assert_eq!(quote_ident_my("a`b"), "`a``b`");
    }
}
