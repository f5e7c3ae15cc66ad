//! rollgate's local web app: a form with the eleven fields of the tagged
//! form, a live "what rollgate understood" panel, plans rendered as the HTML
//! report, and a plan history in SQLite with revisions and side-by-side
//! comparison. Loopback by default; every piece of user text is escaped.
//!
//! What it promises (docs/security.md): it answers only for its own
//! Host names, accepts changes only from its own pages, sends a strict
//! Content-Security-Policy (no inline script) and the usual security
//! headers, cuts off clients that trickle headers, runs intake, planning
//! and rendering on a bounded blocking pool under a per-request time limit,
//! and keeps error pages bounded whatever the input.

pub mod guard;
mod rollouts;
pub mod server;
pub mod store;

use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use rollgate_intake::{InputForm, SourceText};
use rollgate_knowledge::Knowledge;
use rollgate_planning::{Mode, Plan};
use rollgate_render::esc;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use store::{Fields, Store, StoreError};
use tokio::sync::Semaphore;

/// The eleven tags, in form order, with a short hint each.
pub const FIELDS: [(&str, &str); 11] = [
    ("migration-type", "What moves, from what to what"),
    (
        "from-state",
        "The system today: technology, version, hosting, size",
    ),
    ("to-state", "The target, and why"),
    ("scale", "Data size, peak rates, consumers, customers"),
    (
        "criticality",
        "Low, medium, high, critical — or what a failure costs",
    ),
    ("rollback-acceptable-delay", "How fast a rollback must be"),
    (
        "existing-dual-run-capability",
        "Feature flags, read routing, dual-write, canary…",
    ),
    (
        "team-availability",
        "People by role, contractors, where they work",
    ),
    (
        "prior-migration-experience",
        "What the team has and has not done",
    ),
    ("constraints", "Deadline, length, budget, freezes, holidays"),
    (
        "integration-points",
        "What connects upstream and downstream",
    ),
];

/// Limits on what a form may carry.
pub const MAX_FIELD_BYTES: usize = 16 * 1024;
pub const MAX_BODY_BYTES: usize = 256 * 1024;

const EXAMPLE: &str = include_str!("../../../examples/pg14-ec2-to-pg16-rds.txt");

pub struct AppState {
    pub store: Store,
    pub knowledge: Knowledge,
    /// Where `rollgate run` keeps rollouts (a SQLite file or a PostgreSQL
    /// URL), for the rollout pages; None hides them.
    pub runs: Option<String>,
}

/// Called with a submitted form on the blocking pool before the work
/// starts; tests use it to make one request slow.
pub type WorkHook = Arc<dyn Fn(&HashMap<String, String>) + Send + Sync>;

/// How the server runs. [`Options::default`] is what `rollgate serve` uses.
#[derive(Clone)]
pub struct Options {
    /// Host names accepted besides the bound address and localhost,
    /// `127.0.0.1` and `[::1]` with the bound port (for a reverse proxy):
    /// a bare name matches with any port, `name:port` only with that port.
    pub allowed_hosts: Vec<String>,
    /// A client must send a request's headers within this time.
    pub header_read_timeout: Duration,
    /// A request (body, queueing and work) gets this long; then 503.
    pub request_time_limit: Duration,
    /// At most this many requests do CPU work (intake, planning,
    /// rendering, SQLite) at a time, each on a blocking thread.
    pub max_concurrent_work: usize,
    #[doc(hidden)]
    pub work_hook: Option<WorkHook>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            allowed_hosts: Vec::new(),
            header_read_timeout: Duration::from_secs(10),
            request_time_limit: Duration::from_secs(10),
            max_concurrent_work: std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .max(2),
            work_hook: None,
        }
    }
}

/// What the handlers share: the state, the work pool's permits, the hook.
pub(crate) struct App {
    state: Arc<AppState>,
    work: Arc<Semaphore>,
    hook: Option<WorkHook>,
    /// The report's own script, served as a file (see [`report_js`]).
    report_js: OnceLock<String>,
}

impl App {
    /// Runs `f` on the blocking pool once a work permit is free. The permit
    /// moves into the job, so a job the time limit gave up on still counts
    /// until it ends.
    pub(crate) async fn work<F>(&self, f: F) -> Response
    where
        F: FnOnce(&AppState, Option<&WorkHook>) -> Response + Send + 'static,
    {
        let Ok(permit) = self.work.clone().acquire_owned().await else {
            return error_page(StatusCode::SERVICE_UNAVAILABLE, "rollgate is stopping.");
        };
        let state = self.state.clone();
        let hook = self.hook.clone();
        let job = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f(&state, hook.as_ref())
        });
        match job.await {
            Ok(r) => r,
            Err(_) => error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "rollgate failed on this request. This is a bug: please report it with the input that caused it.",
            ),
        }
    }
}

/// The web app: routes behind the time limit, the Host and Origin checks,
/// and the security headers (outermost, so rejections carry them too).
/// `bound` is the address the listener is bound to.
pub fn app(state: Arc<AppState>, options: &Options, bound: std::net::SocketAddr) -> Router {
    let shared = Arc::new(App {
        state,
        work: Arc::new(Semaphore::new(options.max_concurrent_work.max(1))),
        hook: options.work_hook.clone(),
        report_js: OnceLock::new(),
    });
    let hosts = Arc::new(guard::Hosts::new(bound, &options.allowed_hosts));
    Router::new()
        .route("/", get(form_page))
        .route("/static/app.js", get(app_js))
        .route("/static/report.js", get(report_js))
        .route("/api/check", post(api_check))
        .route("/plans", post(create_plan).get(history))
        .route("/plans/{id}", get(show_plan))
        .route("/plans/{id}/edit", get(edit_plan))
        .route("/plans/{id}/download/{format}", get(download))
        .route("/plans/{id}/compare/{other}", get(compare))
        .route("/rollouts", get(rollouts::list))
        .route("/rollouts/{id}", get(rollouts::show))
        .route("/rollouts/{id}/live", get(rollouts::live))
        .route("/rollouts/{id}/approve", post(rollouts::approve))
        .route("/static/rollout.js", get(rollouts::script))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
        .layer(middleware::from_fn_with_state(
            options.request_time_limit,
            time_limit,
        ))
        .layer(middleware::from_fn_with_state(hosts, guard::check))
        .layer(middleware::from_fn(guard::headers))
}

/// Middleware: answers 503 when a request takes longer than `limit`.
async fn time_limit(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            let mut r = error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!(
                    "rollgate gave up on this request after {} s. Try again in a moment; if it keeps happening, shorten the input.",
                    limit.as_secs_f64()
                ),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            r
        }
    }
}

/// Serves the app on `listener` until `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    options: &Options,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let router = app(state, options, listener.local_addr()?);
    server::run(listener, router, options.header_read_timeout, shutdown).await
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn serve(
    addr: std::net::SocketAddr,
    state: Arc<AppState>,
    options: &Options,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("rollgate serving on http://{}", listener.local_addr()?);
    serve_on(listener, state, options, server::signal()).await?;
    eprintln!("rollgate: stopped");
    Ok(())
}

// ------------------------------------------------------------------ pages

const CSS: &str = r#"
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color:#1d2330; }
header.top { background:#1d2330; color:#fff; padding:10px 20px; display:flex; gap:18px; align-items:center; }
header.top a { color:#fff; text-decoration:none; }
main { max-width: 1100px; margin: 0 auto; padding: 20px; }
.cols { display:grid; grid-template-columns: 3fr 2fr; gap: 20px; }
@media (max-width: 800px) { .cols { grid-template-columns: 1fr; } }
label { display:block; font-weight:600; margin-top:10px; }
label small { font-weight:400; color:#5b6473; }
textarea { width:100%; min-height: 56px; font: inherit; padding:6px; border:1px solid #c9d0db; border-radius:6px; }
input, select { font: inherit; padding:5px; border:1px solid #c9d0db; border-radius:6px; }
button, .button { font: inherit; padding:7px 14px; border-radius:6px; border:1px solid #2457c5; background:#2457c5; color:#fff; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary, .button.secondary { background:#fff; color:#2457c5; }
#facts { background:#f5f7fa; border:1px solid #d9dee7; border-radius:8px; padding:10px 12px; position:sticky; top:10px; max-height: 90vh; overflow:auto; font-size:.85rem; }
#facts pre { white-space: pre-wrap; margin:0; font-size:.78rem; }
.error { background:#fef3f2; border:1px solid #fda29b; padding:10px; border-radius:6px; white-space:pre-wrap; }
table { border-collapse: collapse; width:100%; }
th, td { border-bottom:1px solid #d9dee7; padding:6px 8px; text-align:left; vertical-align:top; }
.toolbar { display:flex; gap:8px; flex-wrap:wrap; margin: 10px 0 0; }
.changed { background:#fffaeb; }
"#;

pub(crate) fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · rollgate</title><style>{CSS}</style></head><body><header class=\"top\"><strong>rollgate</strong><a href=\"/\">New plan</a><a href=\"/plans\">History</a><a href=\"/rollouts\">Rollouts</a></header><main>{body}</main></body></html>",
        esc(title)
    ))
}

/// At most this many lines of an error message reach a page, each cut to
/// [`MAX_ERROR_LINE_CHARS`], so an error page stays small whatever the
/// input (a few hundred kilobytes of repeated mistakes once made a page of
/// hundreds of megabytes).
pub const MAX_ERROR_LINES: usize = 60;
pub const MAX_ERROR_LINE_CHARS: usize = 240;

/// `message` with at most [`MAX_ERROR_LINES`] lines of at most
/// [`MAX_ERROR_LINE_CHARS`] characters, saying what was left out.
pub fn bounded(message: &str) -> String {
    let mut out = String::new();
    let mut lines = message.lines();
    for line in lines.by_ref().take(MAX_ERROR_LINES) {
        match line.char_indices().nth(MAX_ERROR_LINE_CHARS) {
            Some((cut, _)) => {
                out.push_str(&line[..cut]);
                out.push_str(" …");
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    let more = lines.count();
    if more > 0 {
        out.push_str(&format!(
            "… and {more} more lines, not shown. Fix the problems above first.\n"
        ));
    }
    out.truncate(out.trim_end().len());
    out
}

/// A page for a refused or failed request; the message is [`bounded`].
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN | StatusCode::MISDIRECTED_REQUEST => "Request refused",
        s if s.is_server_error() => "rollgate could not answer",
        _ => "Something in the input needs fixing",
    };
    let body = format!(
        "<h1>{heading}</h1><div class=\"error\" id=\"error\">{}</div><p><a href=\"/\" id=\"back\">Back to the form</a></p>{SCRIPT_TAG}",
        esc(&bounded(message))
    );
    (status, page("Error", &body)).into_response()
}

async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "There is no such page.")
}

/// An error page for a `Result` (boxed: responses are large).
fn err_page(status: StatusCode, message: &str) -> Box<Response> {
    Box::new(error_page(status, message))
}

/// The example's tag contents, to prefill the form.
fn example_values() -> HashMap<String, String> {
    let mut m = HashMap::new();
    for (tag, _) in FIELDS {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        if let (Some(a), Some(b)) = (EXAMPLE.find(&open), EXAMPLE.find(&close)) {
            m.insert(tag.to_string(), EXAMPLE[a + open.len()..b].to_string());
        }
    }
    m
}

fn form_html(
    values: &HashMap<String, String>,
    start: &str,
    mode: &str,
    parent: Option<i64>,
) -> String {
    let mut f = String::from("<form method=\"post\" action=\"/plans\" id=\"plan-form\">");
    if let Some(p) = parent {
        f.push_str(&format!(
            "<input type=\"hidden\" name=\"parent_id\" value=\"{p}\">"
        ));
    }
    for (tag, hint) in FIELDS {
        let v = values.get(tag).map(String::as_str).unwrap_or("");
        f.push_str(&format!(
            "<label for=\"{tag}\">{tag} <small>{}</small></label><textarea id=\"{tag}\" name=\"{tag}\" maxlength=\"{MAX_FIELD_BYTES}\">{}</textarea>",
            esc(hint),
            esc(v)
        ));
    }
    f.push_str(&format!("<label for=\"start\">start <small>first day of the plan</small></label><input type=\"date\" id=\"start\" name=\"start\" value=\"{}\">", esc(start)));
    f.push_str("<label for=\"mode\">mode</label><select id=\"mode\" name=\"mode\">");
    for m in ["auto", "database", "framework", "service", "critical-path"] {
        let sel = if m == mode { " selected" } else { "" };
        f.push_str(&format!("<option value=\"{m}\"{sel}>{m}</option>"));
    }
    f.push_str("</select><div class=\"toolbar\"><button type=\"submit\" id=\"generate\">Generate plan</button><button type=\"button\" class=\"secondary\" id=\"clear\">Clear all fields</button></div></form>");
    f
}

/// The app's script; pages load it as a file.
const APP_JS: &str = include_str!("static/app.js");

const SCRIPT_TAG: &str = "<script src=\"/static/app.js\" defer></script>";

async fn app_js() -> Response {
    javascript(APP_JS.to_string())
}

pub(crate) fn javascript(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The report from `rollgate_render::html` ends with an inline script (the
/// copy buttons). Served by the app, that script moves to
/// `/static/report.js`: returns the page with each inline `<script>` replaced
/// by one reference to that file, and the code of the first. User text in
/// the report is escaped, so every `<script>` in it is the renderer's own.
fn externalize_scripts(html: &str) -> (String, String) {
    let mut out = String::with_capacity(html.len());
    let mut code = String::new();
    let mut rest = html;
    let mut linked = false;
    while let Some(open) = rest.find("<script>") {
        let Some(len) = rest[open..].find("</script>") else {
            break;
        };
        out.push_str(&rest[..open]);
        if !linked {
            code = rest[open + "<script>".len()..open + len].to_string();
            out.push_str("<script src=\"/static/report.js\" defer></script>");
            linked = true;
        }
        rest = &rest[open + len + "</script>".len()..];
    }
    out.push_str(rest);
    (out, code)
}

/// The report's script, taken once from the report of the bundled example
/// (the renderer's script does not depend on the plan).
async fn report_js(State(app): State<Arc<App>>) -> Response {
    if let Some(js) = app.report_js.get() {
        return javascript(js.clone());
    }
    let shared = app.clone();
    app.work(move |state, _| {
        let js = shared.report_js.get_or_init(|| {
            let mut values = example_values();
            values.insert("start".into(), EXAMPLE_START.into());
            match read_facts(state, &values) {
                Ok(facts) => {
                    let plan =
                        rollgate_planning::plan_checked(&facts, &state.knowledge, Mode::Auto).0;
                    externalize_scripts(&rollgate_render::html(&plan)).1
                }
                Err(_) => String::new(),
            }
        });
        javascript(js.clone())
    })
    .await
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

fn form_body(
    values: &HashMap<String, String>,
    start: &str,
    mode: &str,
    parent: Option<i64>,
    heading: &str,
) -> String {
    format!(
        "<h1>{}</h1><div class=\"cols\"><section>{}</section><aside id=\"facts\"><h2>What rollgate understood</h2><pre id=\"facts-body\">…</pre></aside></div>{SCRIPT_TAG}",
        esc(heading),
        form_html(values, start, mode, parent)
    )
}

/// The bundled example speaks of April 2026 ("Currently April"): it is
/// planned from its own start date; "Clear" resets the date to today.
const EXAMPLE_START: &str = "2026-04-27";

async fn form_page() -> Html<String> {
    page(
        "New plan",
        &form_body(
            &example_values(),
            EXAMPLE_START,
            "auto",
            None,
            "Plan a migration",
        ),
    )
}

// ----------------------------------------------------------------- inputs

/// Turns submitted fields into the tagged form, enforcing limits.
fn tagged_text(
    fields: &HashMap<String, String>,
) -> Result<(String, Vec<(String, String)>), String> {
    let mut text = String::new();
    let mut kept = Vec::new();
    for (tag, _) in FIELDS {
        let Some(v) = fields.get(tag) else { continue };
        if v.len() > MAX_FIELD_BYTES {
            return Err(format!(
                "The field {tag} is {} bytes; the limit is {MAX_FIELD_BYTES}.",
                v.len()
            ));
        }
        if v.trim().is_empty() {
            continue;
        }
        // One rule with the CLI: input is text, without NUL bytes (the same
        // check and message as `rollgate check` and `rollgate plan`).
        rollgate_intake::decode(tag, v.as_bytes()).map_err(|e| e.to_string())?;
        // A closing tag inside a field would end it early; keep the text, not the tag.
        let clean = v.replace(&format!("</{tag}>"), &format!("</ {tag}>"));
        text.push_str(&format!("<{tag}>{clean}</{tag}>\n"));
        kept.push((tag.to_string(), v.clone()));
    }
    if kept.is_empty() {
        return Err(
            "Every field is empty: describe at least the system today and the target.".into(),
        );
    }
    Ok((text, kept))
}

fn start_of(fields: &HashMap<String, String>) -> Result<jiff::civil::Date, String> {
    match fields
        .get("start")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => Ok(today()),
        Some(s) => {
            let shown = rollgate_intake::source::quoted(s, 40);
            let date: jiff::civil::Date = s
                .parse()
                .map_err(|_| format!("start \"{shown}\" is not a date (YYYY-MM-DD)"))?;
            // One rule with the command line: plans are made for 1970–2200.
            if !rollgate_intake::date_in_range(date) {
                return Err(format!(
                    "start {date} is outside the years rollgate plans in ({}–{})",
                    rollgate_intake::EARLIEST_YEAR,
                    rollgate_intake::LATEST_YEAR
                ));
            }
            Ok(date)
        }
    }
}

fn mode_of(fields: &HashMap<String, String>) -> Result<Mode, String> {
    Ok(
        match fields.get("mode").map(String::as_str).unwrap_or("auto") {
            "auto" | "" => Mode::Auto,
            "database" => Mode::Database,
            "framework" => Mode::Framework,
            "service" => Mode::Service,
            "critical-path" => Mode::CriticalPath,
            other => return Err(format!("unknown mode {other:?}")),
        },
    )
}

fn read_facts(
    state: &AppState,
    fields: &HashMap<String, String>,
) -> Result<rollgate_intake::Facts, String> {
    let (text, _) = tagged_text(fields)?;
    let start = start_of(fields)?;
    rollgate_intake::read_text(
        SourceText::new("form", text),
        InputForm::Tagged,
        &state.knowledge,
        start,
    )
    .map_err(|e| e.to_string())
}

async fn api_check(
    State(app): State<Arc<App>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let fields = match form {
        Ok(Form(f)) => f,
        Err(e) => {
            let body = serde_json::json!({ "ok": false, "text": format!("The form could not be read: {}", e.body_text()) });
            return (e.status(), json_response(body.to_string())).into_response();
        }
    };
    app.work(move |state, hook| {
        if let Some(hook) = hook {
            hook(&fields);
        }
        let body = match read_facts(state, &fields) {
            Ok(facts) => {
                serde_json::json!({ "ok": true, "text": rollgate_render::facts_text(&facts), "uninterpreted": facts.uninterpreted.len() })
            }
            Err(e) => serde_json::json!({ "ok": false, "text": bounded(&e) }),
        };
        json_response(body.to_string())
    })
    .await
}

/// A JSON body with its content type.
fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn create_plan(
    State(app): State<Arc<App>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let fields = match form {
        Ok(Form(f)) => f,
        Err(e) => {
            return error_page(
                e.status(),
                &format!(
                    "The form could not be read: {}. The whole form may be at most {MAX_BODY_BYTES} bytes and each field {MAX_FIELD_BYTES}.",
                    e.body_text()
                ),
            )
        }
    };
    app.work(move |state, hook| {
        if let Some(hook) = hook {
            hook(&fields);
        }
        match store_plan(state, &fields) {
            Ok(id) => Redirect::to(&format!("/plans/{id}")).into_response(),
            Err(e) => error_page(StatusCode::BAD_REQUEST, &e),
        }
    })
    .await
}

/// Reads, plans and stores a submitted form; the new plan's id.
fn store_plan(state: &AppState, fields: &HashMap<String, String>) -> Result<i64, String> {
    let (_, kept) = tagged_text(fields)?;
    let facts = read_facts(state, fields)?;
    let mode = mode_of(fields)?;
    let plan = rollgate_planning::plan_checked(&facts, &state.knowledge, mode).0;
    let parent = match fields.get("parent_id").filter(|s| !s.is_empty()) {
        Some(p) => {
            Some(canonical_id(p).ok_or_else(|| format!("parent_id {p:?} is not a plan id"))?)
        }
        None => None,
    };
    let stored = Fields {
        values: kept,
        start: facts.start_date.to_string(),
        mode: fields.get("mode").cloned().unwrap_or_else(|| "auto".into()),
    };
    let created = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    state
        .store
        .insert(
            parent,
            &plan.title,
            &created,
            &stored,
            &rollgate_render::json(&plan),
        )
        .map_err(|e| e.to_string())
}

// ------------------------------------------------------------------ plans

/// The stored plan named by the path segment `raw`, and its plan re-derived.
fn load(state: &AppState, raw: &str) -> Result<(store::StoredPlan, Plan), Box<Response>> {
    let id = parse_id(raw)?;
    let stored = match state.store.get(id) {
        Ok(s) => s,
        Err(StoreError::NotFound(_)) => {
            return Err(err_page(
                StatusCode::NOT_FOUND,
                &format!("There is no plan {id}."),
            ))
        }
        Err(e) => return Err(err_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
    };
    // Plans are re-derived from their inputs, so renderers always agree.
    let values: HashMap<String, String> = stored
        .fields
        .values
        .iter()
        .cloned()
        .chain([
            ("start".to_string(), stored.fields.start.clone()),
            ("mode".to_string(), stored.fields.mode.clone()),
        ])
        .collect();
    let facts =
        read_facts(state, &values).map_err(|e| err_page(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
    let mode = mode_of(&values).map_err(|e| err_page(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
    Ok((
        stored,
        rollgate_planning::plan_checked(&facts, &state.knowledge, mode).0,
    ))
}

/// A plan id written the one canonical way: decimal digits, no sign, no
/// leading zero, within `i64`. `+1` and `01` are not names of plan 1.
fn canonical_id(raw: &str) -> Option<i64> {
    let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    if !digits || (raw.len() > 1 && raw.starts_with('0')) {
        return None;
    }
    raw.parse().ok()
}

fn parse_id(raw: &str) -> Result<i64, Box<Response>> {
    canonical_id(raw)
        .ok_or_else(|| err_page(StatusCode::NOT_FOUND, &format!("{raw:?} is not a plan id.")))
}

async fn show_plan(
    State(app): State<Arc<App>>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    app.work(move |state, _| show_plan_now(state, &raw, &headers))
        .await
}

fn show_plan_now(state: &AppState, raw: &str, headers: &HeaderMap) -> Response {
    let (stored, plan) = match load(state, raw) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = stored.id;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return json_response(rollgate_render::json(&plan));
    }
    let report = rollgate_render::html(&plan);
    // Keep the report's own head and styles; add the app's toolbar on top.
    let toolbar = format!(
        "<nav class=\"toolbar\" id=\"toolbar\" style=\"max-width:980px;margin:12px auto 0;padding:0 20px;display:flex;gap:8px;flex-wrap:wrap;font:14px sans-serif\"><a href=\"/plans\">← History</a> · <span>Plan {id}, saved {}</span> · <a id=\"dl-md\" href=\"/plans/{id}/download/md\">Markdown</a> <a id=\"dl-json\" href=\"/plans/{id}/download/json\">JSON</a> <a id=\"dl-ics\" href=\"/plans/{id}/download/ics\">ICS</a> <a id=\"dl-html\" href=\"/plans/{id}/download/html\">HTML</a> · <a id=\"edit\" href=\"/plans/{id}/edit\">Edit into a new revision</a>{}</nav>",
        esc(&stored.created_at),
        stored.parent_id.map(|p| format!(" · <a id=\"compare\" href=\"/plans/{p}/compare/{id}\">Compare with revision {p}</a>")).unwrap_or_default()
    );
    let (report, _) = externalize_scripts(&report);
    let html = report.replacen("<body>", &format!("<body>{toolbar}"), 1);
    Html(html).into_response()
}

async fn edit_plan(State(app): State<Arc<App>>, Path(raw): Path<String>) -> Response {
    app.work(move |state, _| edit_plan_now(state, &raw)).await
}

fn edit_plan_now(state: &AppState, raw: &str) -> Response {
    let id = match parse_id(raw) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    match state.store.get(id) {
        Ok(s) => {
            let values: HashMap<String, String> = s.fields.values.iter().cloned().collect();
            page(
                "Edit plan",
                &form_body(
                    &values,
                    &s.fields.start,
                    &s.fields.mode,
                    Some(id),
                    &format!("New revision of plan {id}"),
                ),
            )
            .into_response()
        }
        Err(StoreError::NotFound(_)) => {
            error_page(StatusCode::NOT_FOUND, &format!("There is no plan {id}."))
        }
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn download(
    State(app): State<Arc<App>>,
    Path((raw, format)): Path<(String, String)>,
) -> Response {
    app.work(move |state, _| download_now(state, &raw, &format))
        .await
}

fn download_now(state: &AppState, raw: &str, format: &str) -> Response {
    let (stored, plan) = match load(state, raw) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = stored.id;
    let (body, mime, ext) = match format {
        "md" => (
            rollgate_render::markdown(&plan, rollgate_render::Options::default()),
            "text/markdown; charset=utf-8",
            "md",
        ),
        "json" => (rollgate_render::json(&plan), "application/json", "json"),
        "ics" => (
            rollgate_render::ics(&plan),
            "text/calendar; charset=utf-8",
            "ics",
        ),
        "html" => (
            rollgate_render::html(&plan),
            "text/html; charset=utf-8",
            "html",
        ),
        other => {
            return error_page(
                StatusCode::NOT_FOUND,
                &format!("No download format {other:?}; use md, json, ics or html."),
            )
        }
    };
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"rollgate-plan-{id}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn history(State(app): State<Arc<App>>) -> Response {
    app.work(move |state, _| history_now(state)).await
}

fn history_now(state: &AppState) -> Response {
    match state.store.list() {
        Ok(list) => {
            let mut body = String::from("<h1>Plan history</h1>");
            if list.is_empty() {
                body.push_str("<p>No plans yet. <a href=\"/\">Plan a migration</a>.</p>");
            } else {
                body.push_str("<table id=\"history\"><tr><th>#</th><th>Title</th><th>Saved</th><th>Revision of</th></tr>");
                for s in list {
                    body.push_str(&format!(
                        "<tr><td>{}</td><td><a href=\"/plans/{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                        s.id,
                        s.id,
                        esc(&s.title),
                        esc(&s.created_at),
                        s.parent_id.map(|p| format!("<a href=\"/plans/{p}\">{p}</a>")).unwrap_or_default()
                    ));
                }
                body.push_str("</table>");
            }
            page("History", &body).into_response()
        }
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn compare(
    State(app): State<Arc<App>>,
    Path((a_raw, b_raw)): Path<(String, String)>,
) -> Response {
    app.work(move |state, _| compare_now(state, &a_raw, &b_raw))
        .await
}

fn compare_now(state: &AppState, a_raw: &str, b_raw: &str) -> Response {
    // Both ids are checked before either plan is looked up, so a malformed
    // id is reported even when the other plan does not exist.
    let (a, b) = match (parse_id(a_raw), parse_id(b_raw)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return *r,
    };
    let ((_, pa), (_, pb)) = match (load(state, a_raw), load(state, b_raw)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(r), _) | (_, Err(r)) => return *r,
    };
    let mut body = format!("<h1>Plan {a} and plan {b}</h1><table id=\"compare-summary\"><tr><th></th><th>Plan {a}</th><th>Plan {b}</th></tr>");
    let rows = [
        (
            "Strategy",
            pa.summary.strategy.clone(),
            pb.summary.strategy.clone(),
        ),
        (
            "Criticality",
            pa.summary.criticality.clone(),
            pb.summary.criticality.clone(),
        ),
        (
            "Dates",
            format!("{} → {}", pa.summary.start_date, pa.summary.end_date),
            format!("{} → {}", pb.summary.start_date, pb.summary.end_date),
        ),
        (
            "Confidence",
            pa.summary.confidence.clone(),
            pb.summary.confidence.clone(),
        ),
        (
            "Phases",
            pa.phases.len().to_string(),
            pb.phases.len().to_string(),
        ),
        (
            "Risks",
            pa.risks.len().to_string(),
            pb.risks.len().to_string(),
        ),
    ];
    for (k, x, y) in rows {
        let class = if x != y { " class=\"changed\"" } else { "" };
        body.push_str(&format!(
            "<tr{class}><th>{k}</th><td>{}</td><td>{}</td></tr>",
            esc(&x),
            esc(&y)
        ));
    }
    body.push_str("</table><h2>Phases</h2><table id=\"compare-phases\"><tr><th>Plan {a}</th><th>Plan {b}</th></tr>".replace("{a}", &a.to_string()).replace("{b}", &b.to_string()).as_str());
    for i in 0..pa.phases.len().max(pb.phases.len()) {
        let cell = |p: Option<&rollgate_planning::Phase>| {
            p.map(|p| format!("{} ({} → {})", p.name, p.start_date, p.end_date))
                .unwrap_or_else(|| "—".into())
        };
        let x = cell(pa.phases.get(i));
        let y = cell(pb.phases.get(i));
        let class = if x != y { " class=\"changed\"" } else { "" };
        body.push_str(&format!(
            "<tr{class}><td>{}</td><td>{}</td></tr>",
            esc(&x),
            esc(&y)
        ));
    }
    body.push_str("</table><h2>Risks</h2><table id=\"compare-risks\"><tr><th>Only in plan A</th><th>Only in plan B</th></tr>");
    let ta: Vec<&str> = pa.risks.iter().map(|r| r.title.as_str()).collect();
    let tb: Vec<&str> = pb.risks.iter().map(|r| r.title.as_str()).collect();
    let only_a: Vec<&&str> = ta.iter().filter(|t| !tb.contains(t)).collect();
    let only_b: Vec<&&str> = tb.iter().filter(|t| !ta.contains(t)).collect();
    for i in 0..only_a.len().max(only_b.len()).max(1) {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>",
            only_a.get(i).map(|t| esc(t)).unwrap_or_default(),
            only_b.get(i).map(|t| esc(t)).unwrap_or_default()
        ));
    }
    body.push_str("</table>");
    page("Compare", &body).into_response()
}

/// Opens the store and runs the server on a new runtime until Ctrl-C or
/// SIGTERM.
pub fn run_blocking(
    addr: std::net::SocketAddr,
    db: &std::path::Path,
    knowledge: Knowledge,
    runs: Option<String>,
    options: &Options,
) -> Result<(), ServeError> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| ServeError::Io(format!("creating {}", dir.display()), e))?;
    }
    let store = Store::open(db)?;
    let state = Arc::new(AppState {
        store,
        knowledge,
        runs,
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(options.max_concurrent_work.max(1) + 2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Io("starting the runtime".into(), e))?;
    rt.block_on(serve(addr, state, options))
        .map_err(|e| ServeError::Io(format!("serving on {addr}"), e))?;
    // Jobs the time limit gave up on may still run; do not wait for them.
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where plans are kept when `--db` is not given.
pub fn default_db_path() -> std::path::PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share"))
        })
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    base.join("rollgate").join("plans.sqlite")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_dates_follow_the_command_lines_range() {
        let form = |start: &str| HashMap::from([("start".to_string(), start.to_string())]);
        assert!(start_of(&form("2026-04-27")).is_ok());
        for start in ["9999-12-31", "1969-12-31", "2201-01-01"] {
            let err = start_of(&form(start)).unwrap_err();
            assert!(err.contains("outside the years rollgate plans in"), "{err}");
        }
        let err = start_of(&form("\u{1b}[31mnope")).unwrap_err();
        assert!(!err.contains('\u{1b}'), "{err:?}");
    }

    #[test]
    fn error_messages_are_bounded_in_lines_and_line_length() {
        let huge = format!("{}\n", "x".repeat(100_000)).repeat(10_000);
        let b = bounded(&huge);
        assert!(b.len() < MAX_ERROR_LINES * (MAX_ERROR_LINE_CHARS + 8) + 200);
        assert!(b.ends_with("… and 9940 more lines, not shown. Fix the problems above first."));
        // Multi-byte characters are cut on a character boundary.
        let wide = "é".repeat(1000);
        assert_eq!(bounded(&wide).chars().count(), MAX_ERROR_LINE_CHARS + 2);
        assert_eq!(bounded("short\nmessage"), "short\nmessage");
    }

    #[test]
    fn canonical_ids_have_one_spelling() {
        assert_eq!(canonical_id("1"), Some(1));
        assert_eq!(canonical_id("0"), Some(0));
        assert_eq!(canonical_id("9223372036854775807"), Some(i64::MAX));
        for bad in ["", "+1", "01", "00", "-1", "1 ", "9223372036854775808", "١"] {
            assert_eq!(canonical_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_report_script_moves_to_a_file() {
        let (html, code) =
            externalize_scripts("<body><p>a</p><script>run()</script><script>x()</script></body>");
        assert_eq!(
            html,
            "<body><p>a</p><script src=\"/static/report.js\" defer></script></body>"
        );
        assert_eq!(code, "run()");
    }
}
