//! Connections to the two servers: connection strings parsed by the
//! driver (the only form of them ever shown is [`Endpoint::shown`]),
//! read-only sessions with a statement timeout, a shared per-server rate
//! limit, statements whose values travel as bind parameters, and the
//! helper that runs one statement on both servers at once.

use crate::error::VerifyError;
use postgres::config::Host;
use postgres::types::{ToSql, Type};
use postgres::{Client, Config, NoTls};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A connection string parsed by the driver's own parser, and what may be
/// shown of it: host(s), port(s), database and user, never the string the
/// user gave (which may hold a password in any of the forms libpq reads).
#[derive(Clone)]
pub(crate) struct Endpoint {
    pub(crate) side: &'static str,
    config: Config,
    pub(crate) shown: String,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Endpoint({} {})", self.side, self.shown)
    }
}

/// Option names the driver knows, to say which one was misspelt without
/// echoing what the user wrote.
const OPTIONS: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "sslmode",
    "sslnegotiation",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

impl Endpoint {
    pub(crate) fn parse(side: &'static str, conn: &str) -> Result<Self, VerifyError> {
        let bad = |problem: String| VerifyError::ConnectionString { side, problem };
        let config: Config = conn.parse().map_err(|e| bad(parse_problem(&e, conn)))?;
        // A host name never holds `@`, spaces or quotes: such a "host" is
        // the tail of a password (`postgresql://u:p@ss@db/x` splits at the
        // first `@`). Refuse it rather than show it.
        for (n, h) in config.get_hosts().iter().enumerate() {
            let text = match h {
                Host::Tcp(t) => t.clone(),
                Host::Unix(p) => p.to_string_lossy().into_owned(),
            };
            if text
                .chars()
                .any(|c| c == '@' || c.is_whitespace() || c.is_control() || "'\"\\".contains(c))
            {
                return Err(bad(format!(
                    "host {} holds a character no host name has (a raw `@` in a URL password? write it as %40)",
                    n + 1
                )));
            }
        }
        let shown = describe(&config);
        Ok(Self {
            side,
            config,
            shown,
        })
    }
}

/// Host(s), port(s), database and user of a parsed connection string, in
/// key=value form; nothing else of it.
fn describe(c: &Config) -> String {
    fn value(v: &str) -> String {
        if v.is_empty() || v.contains(|c: char| c.is_whitespace() || c == '\'' || c == '\\') {
            format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
        } else {
            v.to_string()
        }
    }
    let mut parts = Vec::new();
    let hosts: Vec<String> = c
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(t) => t.clone(),
            Host::Unix(p) => p.to_string_lossy().into_owned(),
        })
        .collect();
    if !hosts.is_empty() {
        parts.push(format!("host={}", value(&hosts.join(","))));
    }
    let addrs: Vec<String> = c.get_hostaddrs().iter().map(|a| a.to_string()).collect();
    if !addrs.is_empty() {
        parts.push(format!("hostaddr={}", addrs.join(",")));
    }
    let ports: Vec<String> = c.get_ports().iter().map(|p| p.to_string()).collect();
    if !ports.is_empty() {
        parts.push(format!("port={}", ports.join(",")));
    }
    if let Some(d) = c.get_dbname() {
        parts.push(format!("dbname={}", value(d)));
    }
    if let Some(u) = c.get_user() {
        parts.push(format!("user={}", value(u)));
    }
    if parts.is_empty() {
        "(defaults)".into()
    } else {
        parts.join(" ")
    }
}

/// Why the driver could not parse `conn`, in words that hold no byte of it:
/// the driver's own message may quote a character or an option name taken
/// from the string (which can be a piece of an unquoted password), so only
/// positions and the driver's known option names are passed on.
fn parse_problem(e: &postgres::Error, conn: &str) -> String {
    let cause = std::error::Error::source(e)
        .map(|c| c.to_string())
        .unwrap_or_default();
    if let Some(rest) = cause.strip_prefix("unknown option `") {
        let name = rest.strip_suffix('`').unwrap_or(rest);
        if let Some(known) = OPTIONS.iter().find(|o| o.eq_ignore_ascii_case(name)) {
            return format!("an unknown option; option names are lowercase: write `{known}`");
        }
        return match option_position(conn, name) {
            Some(at) => format!("an unknown option at byte {at}"),
            None => "an unknown option".into(),
        };
    }
    if let Some(rest) = cause.strip_prefix("invalid value for option `") {
        let name = rest.strip_suffix('`').unwrap_or(rest);
        if let Some(known) = OPTIONS.iter().find(|o| **o == name) {
            return format!("an invalid value for option `{known}`");
        }
        return "an invalid value for an option".into();
    }
    if let Some(rest) = cause.strip_prefix("unexpected character at byte ") {
        let at: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!(
            "an unexpected character at byte {at} (a value with spaces must be quoted: password='a b')"
        );
    }
    match cause.as_str() {
        "unexpected EOF" => {
            "it ends where a value was expected (an option without `=value`, or an unquoted value with spaces?)".into()
        }
        "unterminated quoted connection parameter value" => "a quoted value is not closed".into(),
        "unterminated parameter" => "a URL parameter has no `=`".into(),
        _ => "invalid percent-encoding or text that is not UTF-8".into(),
    }
}

/// Where `name` stands as an option in `conn` (at the start, after
/// whitespace, `?` or `&`, followed by `=`), as a byte offset.
fn option_position(conn: &str, name: &str) -> Option<usize> {
    conn.match_indices(name).map(|(i, _)| i).find(|&i| {
        let before = conn[..i].chars().next_back();
        let after = conn[i + name.len()..].trim_start();
        before.is_none_or(|c| c.is_whitespace() || c == '?' || c == '&') && after.starts_with('=')
    })
}

/// A value sent to the server as a bind parameter.
#[derive(Debug, Clone)]
enum Param {
    Text(String),
    Texts(Vec<String>),
    Int(i64),
    Ints(Vec<i64>),
}

/// One statement and its values. Values only ever reach the server as bind
/// parameters, each placeholder with an explicit cast (`$1::text`), so no
/// value is ever read as SQL, whatever `standard_conforming_strings` says.
/// Build the placeholders first, then the text with [`Params::sql`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<Param>);

impl Params {
    fn push(&mut self, p: Param, cast: &str) -> String {
        self.0.push(p);
        format!("${}::{cast}", self.0.len())
    }

    /// A text value: `$n::text`.
    pub(crate) fn text(&mut self, v: &str) -> String {
        self.push(Param::Text(v.to_string()), "text")
    }

    /// An array of text: `$n::text[]`.
    pub(crate) fn texts(&mut self, v: Vec<String>) -> String {
        self.push(Param::Texts(v), "text[]")
    }

    /// An integer: `$n::int8`.
    pub(crate) fn int(&mut self, v: i64) -> String {
        self.push(Param::Int(v), "int8")
    }

    /// An array of integers: `$n::int8[]`.
    pub(crate) fn ints(&mut self, v: Vec<i64>) -> String {
        self.push(Param::Ints(v), "int8[]")
    }

    pub(crate) fn sql(self, text: String) -> Statement {
        Statement { text, params: self }
    }
}

/// SQL text and the values its placeholders stand for.
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    pub(crate) text: String,
    params: Params,
}

impl Statement {
    /// A statement without values.
    pub(crate) fn plain(text: impl Into<String>) -> Self {
        Params::default().sql(text.into())
    }

    fn typed(&self) -> Vec<(&(dyn ToSql + Sync), Type)> {
        self.params
            .0
            .iter()
            .map(|p| match p {
                Param::Text(v) => (v as &(dyn ToSql + Sync), Type::TEXT),
                Param::Texts(v) => (v as &(dyn ToSql + Sync), Type::TEXT_ARRAY),
                Param::Int(v) => (v as &(dyn ToSql + Sync), Type::INT8),
                Param::Ints(v) => (v as &(dyn ToSql + Sync), Type::INT8_ARRAY),
            })
            .collect()
    }
}

/// At most `per_second` queries per second on one server, shared by every
/// connection to it. Slots are handed out in order, so concurrent workers
/// queue behind each other instead of bursting.
#[derive(Debug)]
pub(crate) struct RateLimit {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimit {
    pub(crate) fn new(per_second: u32) -> Arc<Self> {
        Arc::new(Self {
            interval: (per_second > 0).then(|| Duration::from_secs(1) / per_second),
            next: Mutex::new(Instant::now()),
        })
    }

    pub(crate) fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let at = (*next).max(Instant::now());
            *next = at + interval;
            at
        };
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
    }
}

/// One connection to one of the two servers.
pub(crate) struct Side {
    pub(crate) name: &'static str,
    client: Client,
    limit: Arc<RateLimit>,
    /// Whether this session has JIT turned off (see [`Side::jit`]).
    jit_off: bool,
}

impl Side {
    pub(crate) fn connect(
        end: &Endpoint,
        timeout_ms: u64,
        limit: Arc<RateLimit>,
    ) -> Result<Self, VerifyError> {
        let name = end.side;
        let mut config = end.config.clone();
        // Named at connect time, so even the first statement is attributed
        // to the verifier in the server's log and pg_stat_activity.
        config.application_name("rollgate verify");
        let mut client = config
            .connect(NoTls)
            .map_err(|source| VerifyError::Connect {
                side: name,
                server: end.shown.clone(),
                source,
            })?;
        // Read-only for the whole session: even a bug in a query we build
        // cannot write to either database. The output settings are pinned
        // so that a key read as text on one server parses as the same key
        // on the other, and text forms agree, whatever each server's
        // defaults are. Standard strings, so that the few literals the
        // verifier writes itself mean the same on every server (values
        // never appear as literals: they are bind parameters). The timeout
        // is a number formatted from a u64, not text from anywhere.
        client
            .batch_execute(&format!(
                "SET default_transaction_read_only = on; SET statement_timeout = {timeout_ms}; \
                 SET standard_conforming_strings = on; \
                 SET DateStyle = ISO, YMD; SET IntervalStyle = postgres; SET TimeZone = 'UTC'; \
                 SET bytea_output = hex; SET extra_float_digits = 1"
            ))
            .map_err(|source| VerifyError::Query {
                side: name,
                context: "session setup".into(),
                source,
            })?;
        Ok(Self {
            name,
            client,
            limit,
            jit_off: false,
        })
    }

    /// JIT compilation as the server configures it (`on`) or off. The
    /// full scans gain from it (measured: a grouped scan 30% cheaper in
    /// CPU); the statements that read cells back join their bounds to the
    /// table, which the planner overestimates by orders of magnitude, so
    /// compiling them would cost more than running them. Fixed text only.
    pub(crate) fn jit(&mut self, on: bool) -> Result<(), VerifyError> {
        if self.jit_off != on {
            return Ok(());
        }
        self.limit.wait();
        self.client
            .batch_execute(if on {
                "SET jit TO DEFAULT"
            } else {
                "SET jit = off"
            })
            .map_err(|source| VerifyError::Query {
                side: self.name,
                context: "changing a setting".into(),
                source,
            })?;
        self.jit_off = !on;
        Ok(())
    }

    pub(crate) fn query(
        &mut self,
        sql: &Statement,
        context: &str,
    ) -> Result<Vec<postgres::Row>, VerifyError> {
        self.limit.wait();
        // Unprepared, with the parameters' types given: one round trip per
        // query (parse, bind and execute together) instead of prepare +
        // execute, and the unnamed statement is planned with the values.
        self.client
            .query_typed(&sql.text, &sql.typed())
            .map_err(|source| VerifyError::Query {
                side: self.name,
                context: context.to_string(),
                source,
            })
    }

    /// Like [`Side::query`], but a failure is a value: used for probes whose
    /// failure only means "this server cannot do that".
    pub(crate) fn try_query(&mut self, sql: &Statement) -> Option<Vec<postgres::Row>> {
        self.limit.wait();
        self.client.query_typed(&sql.text, &sql.typed()).ok()
    }
}

/// A connection to each server; one query runs on both at once.
pub(crate) struct Pair {
    pub(crate) src: Side,
    pub(crate) dst: Side,
}

impl Pair {
    pub(crate) fn jit(&mut self, on: bool) -> Result<(), VerifyError> {
        self.src.jit(on)?;
        self.dst.jit(on)
    }

    pub(crate) fn same(
        &mut self,
        sql: &Statement,
        context: &str,
    ) -> Result<(Vec<postgres::Row>, Vec<postgres::Row>), VerifyError> {
        let Pair { src, dst } = self;
        std::thread::scope(|s| {
            let a = s.spawn(|| src.query(sql, context));
            let b = dst.query(sql, context);
            let a = a.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            Ok((a?, b?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every form libpq reads a password in: the shown form is the same
    /// host/port/database/user summary, with no byte of the secret.
    #[test]
    fn only_hosts_ports_database_and_user_are_shown() {
        let shown = |s: &str| Endpoint::parse("source", s).unwrap().shown;
        let cases = [
            (
                "postgres://app:S3cret@db:5432/x",
                "host=db port=5432 dbname=x user=app",
            ),
            (
                "postgresql://app:S3%40cr%20et@db/x",
                "host=db port=5432 dbname=x user=app",
            ),
            (
                "postgres://db/x?user=app&password=S3cret&sslmode=disable",
                "host=db port=5432 dbname=x user=app",
            ),
            (
                "postgres://db/x?password=S3%26cret&user=app",
                "host=db port=5432 dbname=x user=app",
            ),
            (
                "host=127.0.0.1 port=5432 dbname=app user=u password = S3cret",
                "host=127.0.0.1 port=5432 dbname=app user=u",
            ),
            (
                "host=db user=u password='S3 cret' dbname=x",
                "host=db dbname=x user=u",
            ),
            (r"host=db password='S3\'cr et\\' user=u", "host=db user=u"),
            (r"host=db password=S3\ cret user=u", "host=db user=u"),
            ("password =S3cret   host= db", "host=db"),
            (
                "host=a,b port=5432,5433 dbname=x user=u password=S3cret",
                "host=a,b port=5432,5433 dbname=x user=u",
            ),
            (
                "postgresql://u:S3cret@h1:5432,h2:5433/db",
                "host=h1,h2 port=5432,5433 dbname=db user=u",
            ),
            (
                "host=/var/run/postgresql dbname='my db' password=S3cret",
                "host=/var/run/postgresql dbname='my db'",
            ),
            ("password=S3cret", "(defaults)"),
        ];
        for (conn, want) in cases {
            let got = shown(conn);
            assert_eq!(got, want, "{conn}");
            assert!(
                !got.contains("S3") && !got.contains("cret"),
                "{conn}: {got}"
            );
        }
    }

    /// Strings the driver refuses: the error says what is wrong, and where,
    /// but never echoes a byte of the value.
    #[test]
    fn unparseable_strings_are_not_echoed() {
        let err = |s: &str| Endpoint::parse("target", s).unwrap_err().to_string();
        let cases = [
            ("host=db PASSWORD=S3cret", "write `password`"),
            ("host=db Password = 'S3 cret'", "write `password`"),
            ("host=db password=S3 cret=x", "an unknown option at byte 20"),
            (
                "host=db password=S3 Xcret",
                "it ends where a value was expected",
            ),
            (
                "host=db password=S3 cr Xet",
                "unexpected character at byte 23",
            ),
            ("host=db password='S3 cret", "a quoted value is not closed"),
            ("postgresql://u:S3@cret@db/x", "raw `@` in a URL password"),
            (
                "postgresql://u:S3cret@db/x?password=S3&cret",
                "a URL parameter has no `=`",
            ),
            (
                "postgresql://u:S3cret@db/x?password=S3&cret=1",
                "an unknown option at byte",
            ),
            (
                "postgresql://u:S3cret@db:54x32/x",
                "invalid value for option `port`",
            ),
            ("postgresql://u:S3cret@db/%ff", "not UTF-8"),
            ("host=db port=S3cret", "invalid value for option `port`"),
        ];
        for (conn, want) in cases {
            let e = err(conn);
            assert!(
                e.starts_with("the target connection string cannot be parsed"),
                "{e}"
            );
            assert!(e.contains(want), "{conn}: {e}");
            assert!(!e.contains("S3") && !e.contains("cret"), "{conn}: {e}");
        }
    }

    #[test]
    fn a_rate_limit_spaces_queries_out() {
        let limit = RateLimit::new(50);
        let start = Instant::now();
        for _ in 0..6 {
            limit.wait();
        }
        // Six slots at 20 ms apart: the last one starts 100 ms in.
        assert!(start.elapsed() >= Duration::from_millis(95));
        assert!(RateLimit::new(0).interval.is_none());
    }
}
