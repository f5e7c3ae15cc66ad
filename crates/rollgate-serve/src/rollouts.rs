//! Rollouts in the web app: the list, and one rollout live — its phases on
//! a timeline, the current gate's checks with values and verdicts, the
//! approvals (approve from the page, with a name), the kill switch, the
//! log. The page re-reads its live part every few seconds.

use crate::{error_page, page, App, AppState};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use rollgate_render::esc;
use rollgate_run::report::StatusReport;
use rollgate_run::{Runner, Store, SystemClock, Wiring};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

const SCRIPT: &str = "<script src=\"/static/rollout.js\" defer></script>";

fn store(state: &AppState) -> Result<Box<dyn Store>, Box<Response>> {
    let Some(location) = &state.runs else {
        return Err(Box::new(error_page(
            StatusCode::NOT_FOUND,
            "This server was started without a rollout store (--runs).",
        )));
    };
    let is_file = !location.starts_with("postgres") && !location.starts_with("host=");
    if is_file
        && !std::path::Path::new(location.strip_prefix("sqlite:").unwrap_or(location)).exists()
    {
        return Err(Box::new(error_page(
            StatusCode::NOT_FOUND,
            "No rollout yet: start one with `rollgate run start PLAN`.",
        )));
    }
    rollgate_run::store::open(location).map_err(|e| {
        Box::new(error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            &e.to_string(),
        ))
    })
}

pub async fn list(State(app): State<Arc<App>>) -> Response {
    app.work(|state, _| list_now(state)).await
}

fn list_now(state: &AppState) -> Response {
    let mut s = match store(state) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let rows = match s.rollouts() {
        Ok(r) => r,
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let mut body = String::from("<h1>Rollouts</h1><table id=\"rollouts\"><tr><th>Rollout</th><th>Plan</th><th>Started</th></tr>");
    for r in &rows {
        let _ = write!(
            body,
            "<tr><td><a href=\"/rollouts/{0}\">{1}</a></td><td>{2}</td><td>{3}</td></tr>",
            urlencode(&r.id),
            esc(&r.id),
            esc(&r.title),
            esc(&r.created_at)
        );
    }
    body.push_str("</table>");
    if rows.is_empty() {
        body.push_str(
            "<p>No rollout yet: start one with <code>rollgate run start PLAN</code>.</p>",
        );
    }
    page("Rollouts", &body).into_response()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn status_of(
    state: &AppState,
    id: &str,
) -> Result<
    (
        StatusReport,
        Vec<rollgate_run::Entry>,
        rollgate_planning::Plan,
    ),
    Box<Response>,
> {
    let mut s = store(state)?;
    let clock = SystemClock;
    let r =
        Runner::open(s.as_mut(), id, Wiring::default(), &clock, "web").map_err(|e| match e {
            rollgate_run::RunError::NoSuchRollout(_) => {
                Box::new(error_page(StatusCode::NOT_FOUND, &e.to_string()))
            }
            other => Box::new(error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &other.to_string(),
            )),
        })?;
    Ok((r.status(), r.entries().to_vec(), r.plan().clone()))
}

pub async fn show(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    app.work(move |state, _| match status_of(state, &id) {
        Ok((s, entries, plan)) => {
            let body = format!(
                "<p><a href=\"/rollouts\">← Rollouts</a></p><h1>{}</h1><p>Rollout <code>{}</code></p><div id=\"live\" data-src=\"/rollouts/{}/live\">{}</div>{}",
                esc(&s.title),
                esc(&s.rollout),
                urlencode(&s.rollout),
                live_html(&s, &entries, &plan),
                SCRIPT
            );
            page(&s.title, &body).into_response()
        }
        Err(r) => *r,
    })
    .await
}

/// The part of the page that changes: refreshed by the page's script.
pub async fn live(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    app.work(move |state, _| match status_of(state, &id) {
        Ok((s, entries, plan)) => Html(live_html(&s, &entries, &plan)).into_response(),
        Err(r) => *r,
    })
    .await
}

fn live_html(
    s: &StatusReport,
    entries: &[rollgate_run::Entry],
    plan: &rollgate_planning::Plan,
) -> String {
    let mut o = String::new();
    let status = match &s.status {
        rollgate_run::Status::Running => "running".to_string(),
        rollgate_run::Status::Paused { reason } => format!("paused: {reason}"),
        rollgate_run::Status::Aborted { reason } => format!("aborted: {reason}"),
        rollgate_run::Status::Completed => "completed".to_string(),
    };
    let _ = write!(
        o,
        "<p id=\"status\"><strong>Status:</strong> {}</p>",
        esc(&status)
    );
    let _ = write!(
        o,
        "<p id=\"switch\"><strong>Kill switch</strong> <code>{}</code>: this phase sets <code>{}</code> at {}%{}</p>",
        esc(&s.flag),
        esc(&s.phase.switch.state),
        s.phase.switch.percent,
        s.switch_read_back
            .as_ref()
            .map(|t| format!("; the tool last reported <code>{}</code> at {}%", esc(&t.state), t.percent))
            .unwrap_or_default()
    );
    o.push_str("<h2>Timeline</h2><table id=\"timeline\"><tr><th>#</th><th>Phase</th><th>Planned</th><th>Switch</th><th></th></tr>");
    for (i, p) in plan.phases.iter().enumerate() {
        let mark = match i.cmp(&s.phase.index) {
            std::cmp::Ordering::Less => "done",
            std::cmp::Ordering::Equal => "current",
            std::cmp::Ordering::Greater => "",
        };
        let _ = write!(
            o,
            "<tr class=\"{mark}\" data-phase=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{} {}%</td><td>{mark}</td></tr>",
            esc(&p.id),
            i + 1,
            esc(&p.name),
            esc(&p.transition_at),
            esc(&p.kill_switch_state),
            p.traffic_percent
        );
    }
    o.push_str("</table><h2>Gate of this phase</h2><table id=\"checks\"><tr><th>Check</th><th>Wants</th><th>Source</th><th>Last value</th><th>Verdict</th><th>Why</th></tr>");
    for c in &s.gate.checks {
        let _ = write!(
            o,
            "<tr data-check=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"verdict\">{}</td><td>{}</td></tr>",
            esc(&c.id),
            esc(&c.metric),
            esc(&c.wants),
            esc(&c.source),
            c.last_value.map(|v| v.to_string()).unwrap_or_else(|| "—".into()),
            c.verdict.as_str(),
            esc(&c.reason)
        );
    }
    let _ = write!(
        o,
        "</table><p id=\"hold\">Hold: {} of {} working days. Window: {}.</p>",
        s.gate.hold.working_days_elapsed,
        s.gate.hold.working_days_needed,
        esc(&s.gate.window_note)
    );
    o.push_str("<h2>Approvals</h2><ul id=\"approvals\">");
    for role in &s.gate.approvers {
        match s.approvals.iter().find(|a| &a.role == role) {
            Some(a) => {
                let _ = write!(
                    o,
                    "<li class=\"given\">{}: approved by {} at {}</li>",
                    esc(role),
                    esc(&a.by),
                    esc(&a.at)
                );
            }
            None => {
                let _ = write!(o, "<li class=\"missing\">{}: missing</li>", esc(role));
            }
        }
    }
    o.push_str("</ul><h2>Log</h2><ol id=\"log\" reversed>");
    for e in entries.iter().rev().take(100) {
        let _ = write!(
            o,
            "<li>{} · {} · {}</li>",
            esc(&e.at),
            esc(&e.actor),
            esc(&rollgate_run::report::describe(&e.event))
        );
    }
    o.push_str("</ol>");
    // Inside the live part, so its roles follow the phase; the page's
    // script keeps what was typed across refreshes.
    o.push_str(&approve_form(s));
    o
}

fn approve_form(s: &StatusReport) -> String {
    if s.gate.approvals_missing.is_empty() {
        return String::new();
    }
    let options: String = s
        .gate
        .approvals_missing
        .iter()
        .map(|r| format!("<option value=\"{0}\">{0}</option>", esc(r)))
        .collect();
    format!(
        "<h2>Approve this phase's gate</h2><form id=\"approve\" method=\"post\" action=\"/rollouts/{}/approve\"><input type=\"hidden\" name=\"phase\" value=\"{}\"><label>Your name <input name=\"name\" id=\"approve-name\" required maxlength=\"120\"></label><label>As <select name=\"role\" id=\"approve-role\">{options}</select></label><label>Note <input name=\"note\" id=\"approve-note\" maxlength=\"500\"></label><p><button type=\"submit\" id=\"approve-submit\">Approve</button></p></form>",
        urlencode(&s.rollout),
        esc(&s.phase.id)
    )
}

pub async fn approve(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(fields)) = form else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The approval form could not be read.",
        );
    };
    app.work(move |state, _| approve_now(state, &id, &fields))
        .await
}

fn approve_now(state: &AppState, id: &str, fields: &HashMap<String, String>) -> Response {
    let name = fields.get("name").map(|s| s.trim()).unwrap_or_default();
    let role = fields.get("role").map(|s| s.trim()).unwrap_or_default();
    let note = fields.get("note").map(|s| s.trim()).unwrap_or_default();
    if name.is_empty() || name.len() > 120 || role.is_empty() || note.len() > 500 {
        return error_page(
            StatusCode::BAD_REQUEST,
            "An approval needs your name (at most 120 characters) and the role you approve as.",
        );
    }
    let mut s = match store(state) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let clock = SystemClock;
    let phase = fields.get("phase").map(|s| s.trim()).unwrap_or_default();
    let result = Runner::open(s.as_mut(), id, Wiring::default(), &clock, name).and_then(|mut r| {
        // A form loaded before the rollout moved on approves nothing.
        if r.phase().id != phase {
            return Err(rollgate_run::RunError::Refused(format!(
                "the rollout has moved on to phase {}; reload the page and approve that phase's gate if you mean to",
                r.phase().id
            )));
        }
        r.approve(name, Some(role), note)
    });
    match result {
        Ok(_) => Redirect::to(&format!("/rollouts/{}", urlencode(id))).into_response(),
        Err(rollgate_run::RunError::NoSuchRollout(m)) => {
            error_page(StatusCode::NOT_FOUND, &format!("no rollout named {m:?}"))
        }
        Err(e) => error_page(StatusCode::CONFLICT, &e.to_string()),
    }
}

pub async fn script() -> Response {
    crate::javascript(include_str!("static/rollout.js").to_string())
}
