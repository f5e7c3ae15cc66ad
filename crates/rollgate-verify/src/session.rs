//! Connections to the two servers: read-only sessions with a statement
//! timeout, a shared per-server rate limit, and the helper that runs one
//! query on both servers at once. Passwords are hidden by [`redact`].

use crate::error::VerifyError;
use postgres::{Client, NoTls};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Hides passwords in connection strings (URL and key=value forms).
pub fn redact(url: &str) -> String {
    let mut s = url.to_string();
    if let Some(scheme_end) = s.find("://") {
        let rest_start = scheme_end + 3;
        if let Some(at) = s[rest_start..].find('@') {
            let userinfo = &s[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                s.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    let mut out = String::new();
    for part in s.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        if part.starts_with("password=") {
            out.push_str("password=***");
        } else {
            out.push_str(part);
        }
    }
    for marker in ["?password=", "&password="] {
        if let Some(i) = out.find(marker) {
            let start = i + 1;
            let end = out[start..]
                .find('&')
                .map(|e| start + e)
                .unwrap_or(out.len());
            out.replace_range(start..end, "password=***");
        }
    }
    out
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

    fn wait(&self) {
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
}

impl Side {
    pub(crate) fn connect(
        name: &'static str,
        url: &str,
        timeout_ms: u64,
        limit: Arc<RateLimit>,
    ) -> Result<Self, VerifyError> {
        let connect_error = |source| VerifyError::Connect {
            side: name,
            url: redact(url),
            source,
        };
        let mut config: postgres::Config = url.parse().map_err(connect_error)?;
        // Named at connect time, so even the first statement is attributed
        // to the verifier in the server's log and pg_stat_activity.
        config.application_name("rollgate verify");
        let mut client = config.connect(NoTls).map_err(connect_error)?;
        // Read-only for the whole session: even a bug in a query we build
        // cannot write to either database. The output settings are pinned
        // so that a key read as text on one server parses as the same key
        // on the other, and text forms agree, whatever each server's
        // defaults are.
        client
            .batch_execute(&format!(
                "SET default_transaction_read_only = on; SET statement_timeout = {timeout_ms}; \
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
        })
    }

    pub(crate) fn query(
        &mut self,
        sql: &str,
        context: &str,
    ) -> Result<Vec<postgres::Row>, VerifyError> {
        self.limit.wait();
        // Unprepared: one round trip per query instead of prepare + execute.
        self.client
            .query_typed(sql, &[])
            .map_err(|source| VerifyError::Query {
                side: self.name,
                context: context.to_string(),
                source,
            })
    }

    /// Like [`Side::query`], but a failure is a value: used for probes whose
    /// failure only means "this server cannot do that".
    pub(crate) fn try_query(&mut self, sql: &str) -> Option<Vec<postgres::Row>> {
        self.limit.wait();
        self.client.query_typed(sql, &[]).ok()
    }
}

/// A connection to each server; one query runs on both at once.
pub(crate) struct Pair {
    pub(crate) src: Side,
    pub(crate) dst: Side,
}

impl Pair {
    pub(crate) fn both(
        &mut self,
        sql_src: &str,
        sql_dst: &str,
        context: &str,
    ) -> Result<(Vec<postgres::Row>, Vec<postgres::Row>), VerifyError> {
        let Pair { src, dst } = self;
        std::thread::scope(|s| {
            let a = s.spawn(|| src.query(sql_src, context));
            let b = dst.query(sql_dst, context);
            let a = a.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            Ok((a?, b?))
        })
    }

    pub(crate) fn same(
        &mut self,
        sql: &str,
        context: &str,
    ) -> Result<(Vec<postgres::Row>, Vec<postgres::Row>), VerifyError> {
        self.both(sql, sql, context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(
            redact("host=db user=app password=s3cret dbname=x"),
            "host=db user=app password=*** dbname=x"
        );
        assert_eq!(
            redact("postgres://db/x?user=a&password=s3cret&sslmode=require"),
            "postgres://db/x?user=a&password=***&sslmode=require"
        );
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
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
