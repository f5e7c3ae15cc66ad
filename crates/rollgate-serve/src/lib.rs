//! rollgate's local web app: a form with the eleven fields of the tagged
//! form, a live "what rollgate understood" panel, plans rendered as the HTML
//! report, and a plan history in SQLite with revisions and side-by-side
//! comparison. Loopback by default; every piece of user text is escaped.

pub mod store;

use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use rollgate_intake::{InputForm, SourceText};
use rollgate_knowledge::Knowledge;
use rollgate_planning::{Mode, Plan};
use rollgate_render::esc;
use std::collections::HashMap;
use std::sync::Arc;
use store::{Fields, Store, StoreError};

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
}

pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(form_page))
        .route("/api/check", post(api_check))
        .route("/plans", post(create_plan).get(history))
        .route("/plans/{id}", get(show_plan))
        .route("/plans/{id}/edit", get(edit_plan))
        .route("/plans/{id}/download/{format}", get(download))
        .route("/plans/{id}/compare/{other}", get(compare))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Runs the server until Ctrl-C.
pub async fn serve(addr: std::net::SocketAddr, state: Arc<AppState>) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("rollgate serving on http://{}", listener.local_addr()?);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
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

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · rollgate</title><style>{CSS}</style></head><body><header class=\"top\"><strong>rollgate</strong><a href=\"/\">New plan</a><a href=\"/plans\">History</a></header><main>{body}</main></body></html>",
        esc(title)
    ))
}

fn error_page(status: StatusCode, message: &str) -> Response {
    (status, page("Error", &format!("<h1>Something in the input needs fixing</h1><div class=\"error\" id=\"error\">{}</div><p><a href=\"javascript:history.back()\">Back to the form</a></p>", esc(message)))).into_response()
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

const FORM_SCRIPT: &str = r#"
const form = document.getElementById('plan-form');
const panel = document.getElementById('facts-body');
let timer = null;
function refresh() {
  const body = new URLSearchParams(new FormData(form));
  fetch('/api/check', { method: 'POST', body })
    .then(r => r.json())
    .then(d => { panel.textContent = d.text; panel.dataset.state = d.ok ? 'ok' : 'error'; })
    .catch(() => { panel.textContent = 'rollgate could not be reached.'; });
}
form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 300); });
document.getElementById('clear').addEventListener('click', () => {
  form.querySelectorAll('textarea').forEach(t => { t.value = ''; });
  document.getElementById('start').value = new Date().toISOString().slice(0, 10);
  refresh();
});
refresh();
"#;

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
        "<h1>{}</h1><div class=\"cols\"><section>{}</section><aside id=\"facts\"><h2>What rollgate understood</h2><pre id=\"facts-body\">…</pre></aside></div><script>{FORM_SCRIPT}</script>",
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
        Some(s) => s
            .parse()
            .map_err(|_| format!("start {s:?} is not a date (YYYY-MM-DD)")),
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
    State(state): State<Arc<AppState>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let fields = match form {
        Ok(Form(f)) => f,
        Err(e) => {
            let body = serde_json::json!({ "ok": false, "text": format!("The form could not be read: {}", e.body_text()) });
            return (e.status(), json_response(body.to_string())).into_response();
        }
    };
    let body = match read_facts(&state, &fields) {
        Ok(facts) => {
            serde_json::json!({ "ok": true, "text": rollgate_render::facts_text(&facts), "uninterpreted": facts.uninterpreted.len() })
        }
        Err(e) => serde_json::json!({ "ok": false, "text": e }),
    };
    json_response(body.to_string())
}

/// A JSON body with its content type.
fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn create_plan(
    State(state): State<Arc<AppState>>,
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
    let result = (|| -> Result<i64, String> {
        let (_, kept) = tagged_text(&fields)?;
        let facts = read_facts(&state, &fields)?;
        let mode = mode_of(&fields)?;
        let plan = rollgate_planning::plan(&facts, &state.knowledge, mode);
        let parent = match fields
            .get("parent_id")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            Some(p) => Some(
                p.parse::<i64>()
                    .map_err(|_| format!("parent_id {p:?} is not a plan id"))?,
            ),
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
    })();
    match result {
        Ok(id) => Redirect::to(&format!("/plans/{id}")).into_response(),
        Err(e) => error_page(StatusCode::BAD_REQUEST, &e),
    }
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
        rollgate_planning::plan(&facts, &state.knowledge, mode),
    ))
}

fn parse_id(raw: &str) -> Result<i64, Box<Response>> {
    raw.parse()
        .map_err(|_| err_page(StatusCode::NOT_FOUND, &format!("{raw:?} is not a plan id.")))
}

async fn show_plan(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (stored, plan) = match load(&state, &raw) {
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
    let html = report.replacen("<body>", &format!("<body>{toolbar}"), 1);
    Html(html).into_response()
}

async fn edit_plan(State(state): State<Arc<AppState>>, Path(raw): Path<String>) -> Response {
    let id = match parse_id(&raw) {
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
    State(state): State<Arc<AppState>>,
    Path((raw, format)): Path<(String, String)>,
) -> Response {
    let (stored, plan) = match load(&state, &raw) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let id = stored.id;
    let (body, mime, ext) = match format.as_str() {
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

async fn history(State(state): State<Arc<AppState>>) -> Response {
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
    State(state): State<Arc<AppState>>,
    Path((a_raw, b_raw)): Path<(String, String)>,
) -> Response {
    // Both ids are checked before either plan is looked up, so a malformed
    // id is reported even when the other plan does not exist.
    let (a, b) = match (parse_id(&a_raw), parse_id(&b_raw)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return *r,
    };
    let ((_, pa), (_, pb)) = match (load(&state, &a_raw), load(&state, &b_raw)) {
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

/// Opens the store and runs the server on a new runtime until Ctrl-C.
pub fn run_blocking(
    addr: std::net::SocketAddr,
    db: &std::path::Path,
    knowledge: Knowledge,
) -> Result<(), ServeError> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| ServeError::Io(format!("creating {}", dir.display()), e))?;
    }
    let store = Store::open(db)?;
    let state = Arc::new(AppState { store, knowledge });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ServeError::Io("starting the runtime".into(), e))?;
    rt.block_on(serve(addr, state))
        .map_err(|e| ServeError::Io(format!("serving on {addr}"), e))
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
