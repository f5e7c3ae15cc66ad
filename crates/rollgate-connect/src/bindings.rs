//! The bindings file: which system answers for each metric of a plan, which
//! tool holds the kill switch, where notices go. Parsing reads no env var
//! and no file: secrets are named here and read when a source, switch or
//! notifier is built (`check_secrets` reads them all up front).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::duration::parse_duration;
use crate::error::{ConnectError, Problem};
use crate::metrics::{self, EvalParams, MetricKind, MetricSource, SqlEngine};
use crate::notify::Notifier;
use crate::secret::{Secret, SecretRef};
use crate::switch::{self, SwitchAction, SwitchSpec};

type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// A URL written in the bindings, or one read from a secret.
#[derive(Debug, Clone)]
pub(crate) enum UrlRef {
    Plain(String),
    Secret(SecretRef),
}

/// A resolved URL: plain ones may be printed, secret ones never.
#[derive(Debug, Clone)]
pub(crate) enum Url {
    Plain(String),
    Secret(Secret),
}

impl Url {
    pub(crate) fn expose(&self) -> &str {
        match self {
            Url::Plain(u) => u,
            Url::Secret(s) => s.expose(),
        }
    }

    /// Safe to print: the URL itself, or where the secret one came from.
    pub(crate) fn describe(&self) -> String {
        match self {
            Url::Plain(u) => u.clone(),
            Url::Secret(s) => format!("the URL in {}", s.from()),
        }
    }

    /// `text` with this URL (and its password) removed.
    pub(crate) fn scrub(&self, text: &str) -> String {
        match self {
            Url::Plain(u) => text.replace(u.as_str(), "<url>"),
            Url::Secret(s) => s.scrub(text),
        }
    }
}

/// Parsed bindings. Secrets are held as references until used.
#[derive(Clone)]
pub struct Bindings {
    origin: String,
    metrics: BTreeMap<String, MetricBinding>,
    switch: Option<Located<SwitchSpec>>,
    notify: Option<Located<NotifySpec>>,
    secrets: Vec<Located<SecretRef>>,
    env: Env,
    auto_abort: bool,
}

impl std::fmt::Debug for Bindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bindings")
            .field("origin", &self.origin)
            .field("metrics", &self.metrics.keys().collect::<Vec<_>>())
            .field("switch", &self.switch.is_some())
            .field("notify", &self.notify.is_some())
            .finish()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Located<T> {
    pub value: T,
    pub at: (usize, usize),
}

#[derive(Debug, Clone)]
struct MetricBinding {
    params: EvalParams,
    kind: MetricKind,
    timeout: Duration,
}

#[derive(Debug, Clone)]
pub(crate) struct NotifySpec {
    pub url: SecretRef,
    pub timeout: Duration,
}

impl Bindings {
    /// Parses the bindings TOML; `origin` names it in messages (a path).
    /// Every problem is reported, each at `origin:line:col`.
    pub fn parse(text: &str, origin: &str) -> Result<Bindings, ConnectError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| s.start).unwrap_or(0);
            let mut p = Parser::new(text, origin);
            p.problem_at(at, hide_quoted(e.message()));
            ConnectError::Bindings(p.problems)
        })?;
        let mut p = Parser::new(text, origin);
        let bindings = p.file(raw);
        p.problems.sort_by_key(|x| (x.line, x.col));
        if p.problems.is_empty() {
            Ok(bindings)
        } else {
            Err(ConnectError::Bindings(p.problems))
        }
    }

    /// Reads and parses the bindings file at `path` (named by its path in
    /// messages).
    pub fn load(path: &std::path::Path) -> Result<Bindings, ConnectError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConnectError::File {
            path: origin.clone(),
            message: format!("reading the bindings: {}", e.kind()),
        })?;
        Bindings::parse(&text, &origin)
    }

    /// Reads env vars through `lookup` instead of the process environment
    /// (a runner that loads a `.env`, or a test).
    pub fn with_env(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(lookup);
        self
    }

    /// Reads every secret the bindings name; reports each one that is
    /// missing or empty at the key that names it (never its value).
    pub fn check_secrets(&self) -> Result<(), ConnectError> {
        let problems: Vec<Problem> = self
            .secrets
            .iter()
            .filter_map(|s| {
                let reason = self.resolve(&s.value).err()?;
                Some(Problem {
                    origin: self.origin.clone(),
                    line: s.at.0,
                    col: s.at.1,
                    message: reason,
                })
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConnectError::Bindings(problems))
        }
    }

    /// `[run] auto_abort`: a failed gate check flips the kill switch by
    /// itself (false, the default, pauses and asks a person).
    pub fn auto_abort(&self) -> bool {
        self.auto_abort
    }

    /// The metric ids bound, sorted.
    pub fn metric_ids(&self) -> Vec<&str> {
        self.metrics.keys().map(String::as_str).collect()
    }

    /// How a metric's samples are judged: interval, count, limits, noise.
    pub fn params(&self, metric_id: &str) -> Option<&EvalParams> {
        self.metrics.get(metric_id).map(|m| &m.params)
    }

    /// The source bound to `metric_id`. A source whose secret cannot be read
    /// still comes back: each of its samples is `None` with the reason.
    pub fn source(&self, metric_id: &str) -> Option<Box<dyn MetricSource>> {
        let m = self.metrics.get(metric_id)?;
        Some(metrics::build(metric_id, &m.kind, m.timeout, &|r| {
            self.resolve(r)
        }))
    }

    /// The PromQL bound to `metric_id` and the server's URL, when the
    /// metric's source is Prometheus.
    pub fn promql(&self, metric_id: &str) -> Option<&str> {
        match &self.metrics.get(metric_id)?.kind {
            MetricKind::Prometheus { query, .. } => Some(query),
            _ => None,
        }
    }

    /// The kill switch, checked against the plan's flag and states (the
    /// first state is the resting one, the way back). `Ok(None)` when the
    /// bindings have no `[switch]`.
    pub fn switch(
        &self,
        plan_flag: &str,
        plan_states: &[String],
    ) -> Result<Option<Box<dyn SwitchAction>>, ConnectError> {
        let Some(spec) = &self.switch else {
            return Ok(None);
        };
        switch::build(&spec.value, plan_flag, plan_states, &|r| self.resolve(r)).map(Some)
    }

    /// The notifier from `[notify]`, if any.
    pub fn notifier(&self) -> Result<Option<Notifier>, ConnectError> {
        let Some(n) = &self.notify else {
            return Ok(None);
        };
        let url = self
            .resolve(&n.value.url)
            .map_err(|reason| ConnectError::Secret {
                from: n.value.url.describe(),
                reason,
            })?;
        Ok(Some(Notifier::new(url, n.value.timeout)))
    }

    fn resolve(&self, r: &SecretRef) -> Result<Secret, String> {
        r.resolve(&*self.env)
    }
}

/// serde messages quote the value they refused; the value could be a
/// secret pasted in the wrong place, so it is dropped (field names are in
/// backticks and stay).
fn hide_quoted(message: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if !inside {
                out.push_str("\"…\"");
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

// ---- raw form, as serde reads it ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    metrics: BTreeMap<Spanned<String>, Spanned<RawMetric>>,
    switch: Option<Spanned<RawSwitch>>,
    notify: Option<Spanned<RawNotify>>,
    run: Option<Spanned<RawRun>>,
}

/// How the runner may act on what it measures.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRun {
    auto_abort: S<bool>,
}

type S<T> = Option<Spanned<T>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    source: Spanned<String>,
    url: S<String>,
    url_env: S<String>,
    url_file: S<String>,
    token_env: S<String>,
    token_file: S<String>,
    query: S<String>,
    json_pointer: S<String>,
    status: S<bool>,
    ca_file: S<String>,
    command: S<Vec<String>>,
    exit_code: S<bool>,
    // verify
    source_url_env: S<String>,
    source_url_file: S<String>,
    target_url_env: S<String>,
    target_url_file: S<String>,
    tables: S<String>,
    schema: S<String>,
    timeout: S<String>,
    interval: S<String>,
    delay: S<String>,
    count: S<u32>,
    failure_limit: S<u32>,
    inconclusive_limit: S<u32>,
    noise: S<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSwitch {
    pub kind: Spanned<String>,
    pub url: S<String>,
    pub url_env: S<String>,
    pub url_file: S<String>,
    pub token_env: S<String>,
    pub token_file: S<String>,
    pub flag: S<String>,
    pub timeout: S<String>,
    // unleash
    pub project: S<String>,
    pub environment: S<String>,
    pub create: S<bool>,
    pub stickiness: S<String>,
    // launchdarkly
    pub project_key: S<String>,
    pub environment_key: S<String>,
    pub variations: S<BTreeMap<String, String>>,
    pub context_kind: S<String>,
    // file
    pub path: S<String>,
    pub format: S<String>,
    pub key: S<String>,
    pub reload: S<Vec<String>>,
    // http
    pub method: S<String>,
    pub body: S<String>,
    pub content_type: S<String>,
    pub headers: S<BTreeMap<String, String>>,
    pub read_url: S<String>,
    pub state_pointer: S<String>,
    pub percent_pointer: S<String>,
    // command
    pub command: S<Vec<String>>,
    pub read_command: S<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    webhook_url_env: S<String>,
    webhook_url_file: S<String>,
    timeout: S<String>,
}

// ---- from raw to checked ----

pub(crate) struct Parser<'a> {
    text: &'a str,
    origin: &'a str,
    pub problems: Vec<Problem>,
    secrets: Vec<Located<SecretRef>>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, origin: &'a str) -> Self {
        Self {
            text,
            origin,
            problems: Vec::new(),
            secrets: Vec::new(),
        }
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let col = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        (line, col)
    }

    pub fn problem_at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, col) = self.line_col(offset);
        self.problems.push(Problem {
            origin: self.origin.to_string(),
            line,
            col,
            message: message.into(),
        });
    }

    pub fn problem<T>(&mut self, at: &Spanned<T>, message: impl Into<String>) {
        self.problem_at(at.span().start, message);
    }

    fn file(&mut self, raw: RawFile) -> Bindings {
        let mut metrics = BTreeMap::new();
        for (id, m) in raw.metrics {
            if let Some(b) = self.metric(&id, m) {
                metrics.insert(id.into_inner(), b);
            }
        }
        let switch = raw.switch.and_then(|s| {
            let at = self.line_col(s.span().start);
            switch::spec(self, s.into_inner()).map(|value| Located { value, at })
        });
        let notify = raw.notify.and_then(|n| {
            let offset = n.span().start;
            let at = self.line_col(offset);
            self.notify(offset, n.into_inner())
                .map(|value| Located { value, at })
        });
        Bindings {
            origin: self.origin.to_string(),
            metrics,
            switch,
            notify,
            secrets: std::mem::take(&mut self.secrets),
            env: Arc::new(|k| std::env::var(k).ok()),
            auto_abort: raw
                .run
                .and_then(|r| r.into_inner().auto_abort)
                .is_some_and(|a| a.into_inner()),
        }
    }

    fn metric(&mut self, id: &Spanned<String>, raw: Spanned<RawMetric>) -> Option<MetricBinding> {
        if !is_slug(id.get_ref()) {
            self.problem(
                id,
                "a metric id is a slug: lower-case letters, digits and '-'",
            );
        }
        let raw = raw.into_inner();
        let params = self.params(&raw);
        let kind = self.metric_kind(&raw);
        let default_timeout = if raw.source.get_ref() == "command" {
            30
        } else {
            10
        };
        let timeout = self.duration(&raw.timeout, Duration::from_secs(default_timeout));
        Some(MetricBinding {
            params: params?,
            kind: kind?,
            timeout,
        })
    }

    fn params(&mut self, raw: &RawMetric) -> Option<EvalParams> {
        let d = EvalParams::default();
        let interval = self.duration(&raw.interval, d.interval);
        let noise = raw.noise.as_ref().map(|n| *n.get_ref()).unwrap_or(d.noise);
        if let Some(n) = &raw.noise {
            if !(noise.is_finite() && noise >= 0.0) {
                self.problem(n, "noise is a finite number >= 0");
            }
        }
        let count = raw.count.as_ref().map(|c| *c.get_ref()).unwrap_or(d.count);
        if let Some(c) = raw.count.as_ref().filter(|_| count == 0) {
            self.problem(c, "count is at least 1");
        }
        if interval.is_zero() {
            if let Some(i) = &raw.interval {
                self.problem(i, "interval must be longer than zero");
            }
        }
        Some(EvalParams {
            interval,
            count,
            failure_limit: raw
                .failure_limit
                .as_ref()
                .map(|v| *v.get_ref())
                .unwrap_or(d.failure_limit),
            inconclusive_limit: raw
                .inconclusive_limit
                .as_ref()
                .map(|v| *v.get_ref())
                .unwrap_or(d.inconclusive_limit),
            noise,
            delay: raw
                .delay
                .as_ref()
                .map(|_| self.duration(&raw.delay, interval)),
        })
    }

    fn metric_kind(&mut self, raw: &RawMetric) -> Option<MetricKind> {
        let source = raw.source.get_ref().as_str();
        let allowed: &[&str] = match source {
            "prometheus" => &[
                "url",
                "url_env",
                "url_file",
                "token_env",
                "token_file",
                "query",
            ],
            "sql" => &["url", "url_env", "url_file", "query", "ca_file"],
            "http" => &[
                "url",
                "url_env",
                "url_file",
                "token_env",
                "token_file",
                "json_pointer",
                "status",
            ],
            "command" => &["command", "exit_code"],
            "verify" => &[
                "source_url_env",
                "source_url_file",
                "target_url_env",
                "target_url_file",
                "tables",
                "schema",
            ],
            _ => {
                self.problem(
                    &raw.source,
                    "source is one of prometheus, sql, http, command, verify",
                );
                return None;
            }
        };
        self.only(source, "source", allowed, &metric_fields(raw));
        match source {
            "prometheus" => Some(MetricKind::Prometheus {
                url: self.url(&raw.url, &raw.url_env, &raw.url_file, &raw.source)?,
                token: self.secret_ref(&raw.token_env, &raw.token_file, "token"),
                query: self.required(&raw.query, "query", &raw.source)?,
            }),
            "sql" => self.sql(raw),
            "http" => self.http_metric(raw),
            "verify" => self.verify_metric(raw),
            _ => self.command_metric(raw),
        }
    }

    fn sql(&mut self, raw: &RawMetric) -> Option<MetricKind> {
        let url = self.url(&raw.url, &raw.url_env, &raw.url_file, &raw.source)?;
        let query = self.required(&raw.query, "query", &raw.source)?;
        let engine = match &url {
            UrlRef::Plain(u) => match SqlEngine::of(u) {
                Some(e) => Some(e),
                None => {
                    if let Some(at) = &raw.url {
                        self.problem(at, "a sql url starts with postgres://, postgresql://, mysql://, mariadb:// or sqlite:");
                    }
                    return None;
                }
            },
            // Known only once the secret is read.
            UrlRef::Secret(_) => None,
        };
        let ca_file = raw.ca_file.as_ref().map(|c| c.get_ref().clone());
        Some(MetricKind::Sql {
            url,
            query,
            engine,
            ca_file,
        })
    }

    fn http_metric(&mut self, raw: &RawMetric) -> Option<MetricKind> {
        let url = self.url(&raw.url, &raw.url_env, &raw.url_file, &raw.source)?;
        let status = raw.status.as_ref().is_some_and(|s| *s.get_ref());
        let pointer = raw.json_pointer.as_ref().map(|p| p.get_ref().clone());
        if let (Some(p), true) = (&raw.json_pointer, status) {
            self.problem(
                p,
                "json_pointer and status = true exclude each other: the value is one or the other",
            );
        }
        if let Some(p) = raw
            .json_pointer
            .as_ref()
            .filter(|p| !p.get_ref().is_empty() && !p.get_ref().starts_with('/'))
        {
            self.problem(
                p,
                "a JSON pointer starts with '/' (RFC 6901), e.g. \"/checks/db/latency_ms\"",
            );
        }
        Some(MetricKind::Http {
            url,
            token: self.secret_ref(&raw.token_env, &raw.token_file, "token"),
            pointer,
            status,
        })
    }

    /// `rollgate verify` as a gate: the two databases' connection strings
    /// are secrets (they carry passwords), so only by env var or file.
    fn verify_metric(&mut self, raw: &RawMetric) -> Option<MetricKind> {
        let source = self.secret_ref(&raw.source_url_env, &raw.source_url_file, "source_url");
        let target = self.secret_ref(&raw.target_url_env, &raw.target_url_file, "target_url");
        let (Some(source), Some(target)) = (source, target) else {
            self.problem(
                &raw.source,
                "a verify source needs source_url_env (or _file) and target_url_env (or _file)",
            );
            return None;
        };
        Some(MetricKind::Verify {
            source,
            target,
            tables: raw.tables.as_ref().map(|t| t.get_ref().clone()),
            schema: raw.schema.as_ref().map(|t| t.get_ref().clone()),
        })
    }

    fn command_metric(&mut self, raw: &RawMetric) -> Option<MetricKind> {
        let argv = self.argv(&raw.command, "command", &raw.source)?;
        Some(MetricKind::Command {
            argv,
            exit_code: raw.exit_code.as_ref().is_some_and(|e| *e.get_ref()),
        })
    }

    fn notify(&mut self, offset: usize, raw: RawNotify) -> Option<NotifySpec> {
        let timeout = self.duration(&raw.timeout, Duration::from_secs(10));
        match self.secret_ref(&raw.webhook_url_env, &raw.webhook_url_file, "webhook_url") {
            Some(url) => Some(NotifySpec { url, timeout }),
            None => {
                self.problem_at(offset, "[notify] needs webhook_url_env or webhook_url_file (a webhook URL is a secret)");
                None
            }
        }
    }

    /// Reports each present field that `kind` does not use.
    pub fn only(
        &mut self,
        kind: &str,
        what: &str,
        allowed: &[&str],
        present: &[(&'static str, Range<usize>)],
    ) {
        let common = [
            "timeout",
            "interval",
            "count",
            "failure_limit",
            "inconclusive_limit",
            "noise",
            "flag",
        ];
        for (name, span) in present {
            if !allowed.contains(name) && !common.contains(name) {
                self.problem_at(
                    span.start,
                    format!("`{name}` does not apply to {what} {kind}"),
                );
            }
        }
    }

    pub fn required<T: Clone>(
        &mut self,
        v: &S<T>,
        name: &str,
        owner: &Spanned<String>,
    ) -> Option<T> {
        match v {
            Some(v) => Some(v.get_ref().clone()),
            None => {
                self.problem(
                    owner,
                    format!("a {} binding needs `{name}`", owner.get_ref()),
                );
                None
            }
        }
    }

    pub fn argv(
        &mut self,
        v: &S<Vec<String>>,
        name: &str,
        owner: &Spanned<String>,
    ) -> Option<Vec<String>> {
        let argv = self.required(v, name, owner)?;
        if argv.first().is_none_or(|p| p.is_empty()) {
            if let Some(v) = v {
                self.problem(
                    v,
                    format!("`{name}` is a list: the program, then its arguments"),
                );
            }
            return None;
        }
        Some(argv)
    }

    pub fn duration(&mut self, v: &S<String>, default: Duration) -> Duration {
        let Some(v) = v else { return default };
        match parse_duration(v.get_ref()) {
            Some(d) => d,
            None => {
                self.problem(
                    v,
                    "a duration is a number and a unit: 500ms, 30s, 5m, 1h, 1d (or sums: 1h30m)",
                );
                default
            }
        }
    }

    /// One of `url`, `url_env`, `url_file`. An inline URL that carries a
    /// password is refused (without repeating it).
    pub fn url(
        &mut self,
        url: &S<String>,
        env: &S<String>,
        file: &S<String>,
        owner: &Spanned<String>,
    ) -> Option<UrlRef> {
        let given = [url.is_some(), env.is_some(), file.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if given != 1 {
            self.problem(
                owner,
                format!(
                    "a {} binding needs exactly one of `url`, `url_env`, `url_file`",
                    owner.get_ref()
                ),
            );
            return None;
        }
        if let Some(u) = url {
            if has_password(u.get_ref()) {
                self.problem(u, "this URL carries a password: put it in an env var (url_env) or a file (url_file)");
                return None;
            }
            return Some(UrlRef::Plain(u.get_ref().clone()));
        }
        self.secret_ref(env, file, "url").map(UrlRef::Secret)
    }

    /// `<name>_env` or `<name>_file`, remembered for `check_secrets`.
    pub fn secret_ref(
        &mut self,
        env: &S<String>,
        file: &S<String>,
        name: &str,
    ) -> Option<SecretRef> {
        let (r, at) = match (env, file) {
            (Some(e), None) => (SecretRef::Env(e.get_ref().clone()), e.span().start),
            (None, Some(f)) => (SecretRef::File(f.get_ref().clone()), f.span().start),
            (Some(e), Some(_)) => {
                self.problem(
                    e,
                    format!("`{name}_env` and `{name}_file` exclude each other"),
                );
                return None;
            }
            (None, None) => return None,
        };
        let at = self.line_col(at);
        self.secrets.push(Located {
            value: r.clone(),
            at,
        });
        Some(r)
    }
}

fn has_password(url: &str) -> bool {
    crate::secret::url_password(url).is_some() || crate::secret::kv_password(url).is_some()
}

pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.'
        })
}

fn metric_fields(r: &RawMetric) -> Vec<(&'static str, Range<usize>)> {
    let mut v = Vec::new();
    let mut add = |name: &'static str, span: Option<Range<usize>>| {
        if let Some(s) = span {
            v.push((name, s));
        }
    };
    add("url", r.url.as_ref().map(Spanned::span));
    add("url_env", r.url_env.as_ref().map(Spanned::span));
    add("url_file", r.url_file.as_ref().map(Spanned::span));
    add("token_env", r.token_env.as_ref().map(Spanned::span));
    add("token_file", r.token_file.as_ref().map(Spanned::span));
    add("query", r.query.as_ref().map(Spanned::span));
    add("json_pointer", r.json_pointer.as_ref().map(Spanned::span));
    add("status", r.status.as_ref().map(Spanned::span));
    add("ca_file", r.ca_file.as_ref().map(Spanned::span));
    add("command", r.command.as_ref().map(Spanned::span));
    add("exit_code", r.exit_code.as_ref().map(Spanned::span));
    add(
        "source_url_env",
        r.source_url_env.as_ref().map(Spanned::span),
    );
    add(
        "source_url_file",
        r.source_url_file.as_ref().map(Spanned::span),
    );
    add(
        "target_url_env",
        r.target_url_env.as_ref().map(Spanned::span),
    );
    add(
        "target_url_file",
        r.target_url_file.as_ref().map(Spanned::span),
    );
    add("tables", r.tables.as_ref().map(Spanned::span));
    add("schema", r.schema.as_ref().map(Spanned::span));
    v
}
