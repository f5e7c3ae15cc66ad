//! `rollgate run …`: wires the runner to the store, the bindings and the
//! terminal.

use crate::cli::{BindingsCommand, FactsFormat, RunCommand, RunTarget};
use crate::Outcome;
use anyhow::{bail, Context, Result};
use rollgate_run::{Runner, Store, SwitchTarget, SystemClock, Wiring};
use std::io::Write;

pub fn dispatch(cmd: RunCommand) -> Result<Outcome> {
    match cmd {
        RunCommand::Start {
            input,
            start,
            name,
            target,
        } => start_rollout(&input, start.as_deref(), name.as_deref(), &target),
        RunCommand::List { target } => list(&target),
        RunCommand::Status { target } => status(&target),
        RunCommand::Log { target } => log(&target),
        RunCommand::Advance {
            override_gate,
            reason,
            target,
        } => {
            let why = override_gate.then_some(reason.as_deref()).flatten();
            operate(&target, |r| r.advance(why))
        }
        RunCommand::Approve { role, note, target } => {
            let by = actor(&target);
            operate(&target, |r| r.approve(&by, role.as_deref(), &note))
        }
        RunCommand::Confirm {
            check,
            value,
            note,
            target,
        } => {
            let by = actor(&target);
            operate(&target, |r| r.confirm(&check, &by, value, &note))
        }
        RunCommand::Pause { reason, target } => operate(&target, |r| r.pause(&reason)),
        RunCommand::Resume { note, target } => operate(&target, |r| r.resume(&note)),
        RunCommand::Abort { reason, target } => operate(&target, |r| r.abort(&reason)),
        RunCommand::Flip {
            to,
            percent,
            reason,
            target,
        } => operate(&target, |r| {
            r.flip(
                SwitchTarget {
                    state: to.clone(),
                    percent,
                },
                &reason,
            )
        }),
        RunCommand::Reconcile { target } => operate(&target, |r| {
            r.settle()?;
            Ok(rollgate_run::Outcome {
                done: if r.notes.is_empty() {
                    "nothing to settle".into()
                } else {
                    r.notes.join("; ")
                },
                events: Vec::new(),
            })
        }),
        RunCommand::Watch { once, target } => watch(&target, once),
        RunCommand::Rehearse {
            input,
            start,
            scenario,
            target,
        } => rehearse(&input, start.as_deref(), &scenario, &target),
        RunCommand::ExportRules {
            input,
            start,
            output,
            target,
        } => export_rules(&input, start.as_deref(), &output, &target),
        RunCommand::Bindings(BindingsCommand::Init {
            input,
            start,
            output,
        }) => bindings_init(&input, start.as_deref(), &output),
    }
}

/// Who acts, for the audit: --as, else the login name (USER, LOGNAME, or
/// what `id -un` says), never a blank.
fn actor(t: &RunTarget) -> String {
    let login = || {
        std::process::Command::new("id")
            .arg("-un")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    [
        t.actor.clone(),
        std::env::var("USER").ok(),
        std::env::var("LOGNAME").ok(),
        login(),
    ]
    .into_iter()
    .flatten()
    .find(|a| !a.trim().is_empty())
    .unwrap_or_else(|| "unknown operator".into())
}

fn open_store(t: &RunTarget) -> Result<Box<dyn Store>> {
    rollgate_run::store::open(&t.store).map_err(anyhow::Error::new)
}

/// The rollout named by --rollout, or the store's only one.
fn which(store: &mut dyn Store, t: &RunTarget) -> Result<String> {
    if let Some(id) = &t.rollout {
        return Ok(id.clone());
    }
    let all = store.rollouts()?;
    match all.as_slice() {
        [] => Err(rollgate_run::RunError::NoRollout.into()),
        [one] => Ok(one.id.clone()),
        many => Err(rollgate_run::RunError::WhichRollout(
            many.len(),
            many.iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
        .into()),
    }
}

/// A plan as JSON: a plan file as it is, or a spec planned now.
pub fn plan_json(input: &str, start: Option<&str>) -> Result<String> {
    if input.ends_with(".json") && input != "-" {
        let text = std::fs::read_to_string(input).with_context(|| format!("reading {input}"))?;
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            if v.get("phases").is_some() && v.get("kill_switch").is_some() {
                return Ok(text);
            }
        }
    }
    let k = rollgate_knowledge::Knowledge::builtin().context("loading built-in knowledge")?;
    let start = super::start_date(start)?;
    let facts = rollgate_intake::read_path(input, &k, start).map_err(anyhow::Error::new)?;
    let (plan, found) = rollgate_planning::plan_checked(&facts, &k, rollgate_planning::Mode::Auto);
    for i in found {
        eprintln!("warning: {i}");
    }
    Ok(rollgate_render::json(&plan))
}

/// The wiring for the rollout's frozen plan from --bindings (none: every
/// check is manual and the switch is flipped by hand).
fn wiring(t: &RunTarget, store: &mut dyn Store, id: &str) -> Result<Wiring> {
    match &t.bindings {
        None => Ok(Wiring::default()),
        Some(path) => {
            let plan: rollgate_planning::Plan =
                serde_json::from_str(&store.plan_json(id)?).context("the rollout's frozen plan")?;
            super::bindings::load(path, &plan)
        }
    }
}

fn print(t: &RunTarget, text: String, json: impl serde::Serialize) -> Result<()> {
    let out = match t.format {
        FactsFormat::Text => text,
        FactsFormat::Json => serde_json::to_string_pretty(&json)? + "\n",
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn start_rollout(
    input: &str,
    start: Option<&str>,
    name: Option<&str>,
    t: &RunTarget,
) -> Result<Outcome> {
    let json = plan_json(input, start)?;
    let mut store = open_store(t)?;
    let id = rollgate_run::start(store.as_mut(), &json, name, &SystemClock, &actor(t))?;
    print(
        t,
        format!(
            "started rollout {id}\n`rollgate run status --rollout {id}` shows its first gate\n"
        ),
        serde_json::json!({ "rollout": id }),
    )?;
    Ok(Outcome::Ok)
}

fn list(t: &RunTarget) -> Result<Outcome> {
    let mut store = open_store(t)?;
    let rows = store.rollouts()?;
    let text: String = rows
        .iter()
        .map(|r| format!("{}  {}  {}\n", r.id, r.created_at, r.title))
        .collect();
    print(t, text, &rows)?;
    Ok(Outcome::Ok)
}

fn status(t: &RunTarget) -> Result<Outcome> {
    let mut store = open_store(t)?;
    let id = which(store.as_mut(), t)?;
    let clock = SystemClock;
    let r = {
        let w = wiring(t, store.as_mut(), &id)?;
        Runner::open(store.as_mut(), &id, w, &clock, &actor(t))?
    };
    let s = r.status();
    print(t, rollgate_run::report::status_text(&s), &s)?;
    Ok(Outcome::Ok)
}

fn log(t: &RunTarget) -> Result<Outcome> {
    let mut store = open_store(t)?;
    let id = which(store.as_mut(), t)?;
    let entries = store.events(&id)?;
    print(t, rollgate_run::report::log_text(&entries), &entries)?;
    Ok(Outcome::Ok)
}

/// Opens the rollout, runs one command, prints what it did. A refusal is a
/// finding (exit 1), not an error in the input.
fn operate(
    t: &RunTarget,
    f: impl FnOnce(&mut Runner<'_>) -> Result<rollgate_run::Outcome, rollgate_run::RunError>,
) -> Result<Outcome> {
    let mut store = open_store(t)?;
    let id = which(store.as_mut(), t)?;
    let clock = SystemClock;
    let mut r = {
        let w = wiring(t, store.as_mut(), &id)?;
        Runner::open(store.as_mut(), &id, w, &clock, &actor(t))?
    };
    note_bindings(&mut r, t)?;
    match f(&mut r) {
        Ok(out) => {
            print(t, format!("{}\n", out.done), &out)?;
            for n in &r.notes {
                eprintln!("note: {n}");
            }
            Ok(Outcome::Ok)
        }
        Err(rollgate_run::RunError::Refused(why)) => {
            eprintln!("refused: {why}");
            Ok(Outcome::Finding)
        }
        Err(e) => Err(e.into()),
    }
}

fn watch(t: &RunTarget, once: bool) -> Result<Outcome> {
    let mut store = open_store(t)?;
    let id = which(store.as_mut(), t)?;
    let clock = SystemClock;
    let mut r = {
        let w = wiring(t, store.as_mut(), &id)?;
        Runner::open(store.as_mut(), &id, w, &clock, &actor(t))?
    };
    r.claim_watch()?;
    note_bindings(&mut r, t)?;
    r.settle()?;
    loop {
        let report = r.tick()?;
        for m in &report.measured {
            eprintln!(
                "{} {} = {} → {}",
                jiff::Timestamp::now(),
                m.check,
                m.value
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "no data".into()),
                m.verdict.as_str()
            );
        }
        for a in &report.acted {
            eprintln!("{a}");
        }
        if once {
            print(
                t,
                format!(
                    "{} measured, {} actions; next sample due {}\n",
                    report.measured.len(),
                    report.acted.len(),
                    report
                        .next_due
                        .as_deref()
                        .unwrap_or("never (nothing bound or not running)")
                ),
                &report,
            )?;
            return Ok(if report.acted.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Finding
            });
        }
        if !report.acted.is_empty() || report.next_due.is_none() {
            return Ok(if report.acted.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Finding
            });
        }
        let wait = report
            .next_due
            .as_deref()
            .and_then(|d| d.parse::<jiff::Timestamp>().ok())
            .map(|d| (d.as_second() - jiff::Timestamp::now().as_second()).clamp(1, 60))
            .unwrap_or(30);
        std::thread::sleep(std::time::Duration::from_secs(wait as u64));
    }
}

fn rehearse(input: &str, start: Option<&str>, scenario: &str, t: &RunTarget) -> Result<Outcome> {
    let scenario: rollgate_run::rehearse::Scenario =
        scenario.parse().map_err(anyhow::Error::msg)?;
    let json = plan_json(input, start)?;
    let (bound, auto_abort) = match &t.bindings {
        Some(path) => super::bindings::judged_metrics(path)?,
        None => (Default::default(), false),
    };
    let r = rollgate_run::rehearse::rehearse(&json, &bound, auto_abort, &scenario)?;
    let mut text = String::new();
    for m in &r.moments {
        text.push_str(&format!("{}  {:<28} {}\n", m.at, m.phase, m.what));
    }
    text.push_str(&format!(
        "outcome: {}\nswitch changes: {}\n",
        r.outcome,
        r.switch_changes
            .iter()
            .map(|s| format!("{} {}%", s.state, s.percent))
            .collect::<Vec<_>>()
            .join(" → ")
    ));
    if bound.is_empty() {
        text.push_str("no metric is bound: every check was confirmed by the rehearsal as a person would (give --bindings to rehearse the watcher)\n");
    }
    print(t, text, &r)?;
    Ok(Outcome::Ok)
}

fn bindings_init(input: &str, start: Option<&str>, output: &str) -> Result<Outcome> {
    let json = plan_json(input, start)?;
    let plan: rollgate_planning::Plan = serde_json::from_str(&json)?;
    let text = rollgate_run::template::bindings_template(&plan);
    if output == "-" {
        std::io::stdout().lock().write_all(text.as_bytes())?;
    } else {
        if std::path::Path::new(output).exists() {
            bail!("{output} exists; choose another file or remove it");
        }
        std::fs::write(output, text).with_context(|| format!("writing {output}"))?;
        eprintln!("wrote {output}");
    }
    Ok(Outcome::Ok)
}

/// `5 minutes` → `5m`; `immediately` → `0s`: the plan's alert windows as
/// Prometheus `for:` durations.
fn for_window(words: &str) -> Option<String> {
    let w = words.trim().to_lowercase();
    if w == "immediately" {
        return Some("0s".into());
    }
    let (n, unit) = w.split_once(' ')?;
    let n: u32 = n.parse().ok()?;
    let suffix = match unit.trim_end_matches('s') {
        "second" => "s",
        "minute" => "m",
        "hour" => "h",
        "day" => "d",
        _ => return None,
    };
    Some(format!("{n}{suffix}"))
}

fn export_rules(input: &str, start: Option<&str>, output: &str, t: &RunTarget) -> Result<Outcome> {
    let json = plan_json(input, start)?;
    let plan: rollgate_planning::Plan = serde_json::from_str(&json)?;
    let Some(path) = &t.bindings else {
        bail!("give --bindings: the rules' expressions are the PromQL your metrics are bound to");
    };
    let bindings = rollgate_connect::Bindings::load(path)?;
    let mut rules = Vec::new();
    let mut skipped = Vec::new();
    for a in &plan.monitoring {
        match (&a.trigger, for_window(&a.window)) {
            (Some(tr), Some(window)) => rules.push(rollgate_connect::AlertRule {
                id: a.id.clone(),
                metric_id: a.metric_id.clone(),
                op: tr.op.clone(),
                value: tr.value,
                for_window: window,
                summary: format!("{} {}", a.metric, a.threshold),
                action: a.action.clone(),
            }),
            (None, _) => skipped.push(format!(
                "{} (its threshold \"{}\" is relative; write it into the PromQL)",
                a.id, a.threshold
            )),
            (_, None) => skipped.push(format!(
                "{} (its window \"{}\" is not a duration)",
                a.id, a.window
            )),
        }
    }
    let out = rollgate_connect::prometheus_rules("rollgate", &rules, &bindings)?;
    if output == "-" {
        std::io::stdout().lock().write_all(out.yaml.as_bytes())?;
    } else {
        std::fs::write(output, &out.yaml).with_context(|| format!("writing {output}"))?;
        eprintln!("wrote {output}");
    }
    for u in &out.unbound {
        eprintln!("not exported: {u} (its metric is not bound to Prometheus)");
    }
    for s in &skipped {
        eprintln!("not exported: {s}");
    }
    Ok(Outcome::Ok)
}

/// The audit records which bindings file a command ran with (by hash).
fn note_bindings(r: &mut Runner<'_>, t: &RunTarget) -> Result<()> {
    if let Some(path) = &t.bindings {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        r.note_bindings(&bytes, &path.display().to_string())?;
    }
    Ok(())
}
