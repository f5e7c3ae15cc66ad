//! The plan checker: finds places where a plan contradicts itself (a
//! reference to a section that is not there, a gate the plan's own
//! estimates cannot meet, one metric with two thresholds, a transition on a
//! blocked day, a switch state used after it stops being safe, another
//! family's mechanics). Pure: reads the plan and the facts, nothing else.
//!
//! Each check is one function with a stable kebab-case id (see
//! docs/plan-checker.md). The checker is independent of the code that
//! builds the plan: it reads the plan as a reader would, so a planner bug
//! shows up here instead of being repeated.

use crate::model::Plan;
use jiff::civil::{Date, Weekday};
use rollgate_intake::{Facts, Freeze};
use rollgate_knowledge::Lexicon;
use serde::Serialize;
use std::sync::LazyLock;

/// One self-contradiction found in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inconsistency {
    /// The check's stable kebab-case id.
    pub check: &'static str,
    pub message: String,
    /// The section (or `phase <id>`) the contradiction is in.
    pub place: String,
}

impl std::fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.check, self.place, self.message)
    }
}

pub const UNRESOLVED_REFERENCE: &str = "unresolved-reference";
pub const GATE_UNMEETABLE: &str = "gate-unmeetable";
pub const THRESHOLD_DISAGREES: &str = "threshold-disagrees";
pub const TRANSITION_IN_BLOCKED_TIME: &str = "transition-in-blocked-time";
pub const SWITCH_STATE_UNSAFE: &str = "switch-state-unsafe";
pub const FOREIGN_MECHANICS: &str = "foreign-mechanics";
pub const USED_BEFORE_BUILT: &str = "used-before-built";

/// Every check's id, in the order the checker runs them.
pub const CHECKS: &[&str] = &[
    UNRESOLVED_REFERENCE,
    GATE_UNMEETABLE,
    THRESHOLD_DISAGREES,
    TRANSITION_IN_BLOCKED_TIME,
    SWITCH_STATE_UNSAFE,
    FOREIGN_MECHANICS,
    USED_BEFORE_BUILT,
];

static BUILTIN_LEXICON: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::builtin().expect("the built-in lexicon is tested to load"));

/// Checks a plan against itself and the facts it was made from, with the
/// built-in lexicon.
pub fn check(plan: &Plan, facts: &Facts) -> Vec<Inconsistency> {
    check_with(plan, facts, &BUILTIN_LEXICON)
}

/// Checks a plan with a given lexicon (the built-in one plus a team's
/// packs).
pub fn check_with(plan: &Plan, facts: &Facts, lexicon: &Lexicon) -> Vec<Inconsistency> {
    let texts = texts(plan);
    let mut v = Vec::new();
    v.extend(unresolved_reference(plan, &texts));
    v.extend(gate_unmeetable(plan));
    v.extend(threshold_disagrees(plan));
    v.extend(transition_in_blocked_time(plan, facts));
    v.extend(switch_state_unsafe(plan));
    v.extend(foreign_mechanics(plan, facts, lexicon, &texts));
    v.extend(used_before_built(plan));
    v
}

// ---------------------------------------------------------------------------
// used-before-built

/// A kill switch the plan itself must build (it says so in its mechanism)
/// is built by a phase's action that names it; no phase before that one
/// may run in any state but the first.
pub fn used_before_built(plan: &Plan) -> Vec<Inconsistency> {
    let ks = &plan.kill_switch;
    if !ks.mechanism.contains("built in prep") {
        return Vec::new();
    }
    let flag = format!("`{}`", ks.flag_name);
    let built = plan.phases.iter().position(|p| {
        p.actions
            .iter()
            .any(|a| a.description.starts_with("Build") && a.description.contains(&flag))
    });
    let resting = ks.states.first().map(|s| s.name.as_str()).unwrap_or("");
    let Some(at) = built else {
        return vec![Inconsistency {
            check: USED_BEFORE_BUILT,
            message: format!(
                "the kill switch {flag} is to be built in prep, but no phase builds it"
            ),
            place: "kill_switch".into(),
        }];
    };
    plan.phases[..at]
        .iter()
        .filter(|p| p.kill_switch_state != resting)
        .map(|p| Inconsistency {
            check: USED_BEFORE_BUILT,
            message: format!(
                "runs in the state `{}` before \"{}\" builds the switch",
                p.kill_switch_state, plan.phases[at].name
            ),
            place: format!("phase {}", p.id),
        })
        .collect()
}

/// One piece of plan text and where it stands.
#[derive(Debug, Clone)]
pub struct Text {
    pub place: String,
    /// Index of the phase it belongs to, if any.
    pub phase: Option<usize>,
    pub text: String,
}

/// Every string the plan shows a reader, with its place. Citations of the
/// input (`because`) and the plan's own warnings are not plan claims.
pub fn texts(plan: &Plan) -> Vec<Text> {
    let value = serde_json::to_value(plan).unwrap_or(serde_json::Value::Null);
    let mut out = Vec::new();
    if let serde_json::Value::Object(map) = &value {
        for (key, v) in map {
            if matches!(key.as_str(), "because" | "warnings" | "title" | "options") {
                continue;
            }
            match (key.as_str(), v) {
                ("phases", serde_json::Value::Array(items)) => {
                    for (i, (p, item)) in plan.phases.iter().zip(items).enumerate() {
                        walk(item, &format!("phase {}", p.id), Some(i), &mut out);
                    }
                }
                ("questions", serde_json::Value::Array(items)) => {
                    for (q, item) in plan.questions.iter().zip(items) {
                        walk(item, &format!("questions ({})", q.id), None, &mut out);
                    }
                }
                _ => walk(v, key, None, &mut out),
            }
        }
    }
    out
}

fn walk(v: &serde_json::Value, place: &str, phase: Option<usize>, out: &mut Vec<Text>) {
    match v {
        serde_json::Value::String(s) => out.push(Text {
            place: place.to_string(),
            phase,
            text: s.clone(),
        }),
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, place, phase, out)),
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k != "because" {
                    walk(x, place, phase, out);
                }
            }
        }
        _ => {}
    }
}

/// Whether `needle` (lowercase) occurs in `hay` (lowercase) on word
/// boundaries.
fn has_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

// ---------------------------------------------------------------------------
// unresolved-reference

/// A way plan text points at another part of the plan, and whether that
/// part exists. `phase` is the index of the phase the text is in.
struct Reference {
    phrase: &'static str,
    target: &'static str,
    resolves: fn(&Plan, Option<usize>) -> bool,
}

const REFERENCES: &[Reference] = &[
    Reference {
        phrase: "under the strategy",
        target: "gaps under the strategy",
        resolves: |p, _| !p.strategy.gaps.is_empty(),
    },
    Reference {
        phrase: "listed under assumptions",
        target: "the assumptions",
        resolves: |p, _| !p.assumptions.is_empty(),
    },
    Reference {
        phrase: "ddl procedure in the risks section",
        target: "a DDL procedure among the risks",
        resolves: |p, _| {
            p.risks.iter().any(|r| {
                let t = format!("{} {}", r.title, r.response).to_ascii_lowercase();
                t.contains("ddl") || t.contains("schema change")
            })
        },
    },
    Reference {
        phrase: "see the data-shape answer",
        target: "the data-shape question",
        resolves: |p, _| p.questions.iter().any(|q| q.id == "data_shape_risk"),
    },
    Reference {
        phrase: "rollback notes in later phases",
        target: "a later phase",
        resolves: |p, i| i.is_none_or(|i| i + 1 < p.phases.len()),
    },
    Reference {
        phrase: "see the previous phase",
        target: "a previous phase",
        resolves: |_, i| i.is_none_or(|i| i > 0),
    },
    Reference {
        phrase: "prep item above",
        target: "an earlier prep phase",
        resolves: |p, i| match i {
            Some(i) => p.phases[..=i]
                .iter()
                .any(|x| x.kind == "prep" && !x.actions.is_empty()),
            None => p.phases.iter().any(|x| x.kind == "prep"),
        },
    },
    Reference {
        phrase: "the checks below",
        target: "checks in this phase",
        resolves: |p, i| match i {
            Some(i) => !p.phases[i].checks.is_empty(),
            None => !p.parity_checks.is_empty(),
        },
    },
    Reference {
        phrase: "the rota below",
        target: "the on-call rota",
        resolves: |p, _| !p.people.rota.is_empty(),
    },
    Reference {
        phrase: "listed below",
        target: "edge cases listed in the plan",
        resolves: |p, _| !p.edge_cases.is_empty() || !p.parity_checks.is_empty(),
    },
    Reference {
        phrase: "every phase below",
        target: "phases",
        resolves: |p, _| !p.phases.is_empty(),
    },
];

/// Sections a text may name as "the X section", and whether each is there.
fn section_present(plan: &Plan, name: &str) -> Option<bool> {
    Some(match name {
        "monitoring" => !plan.monitoring.is_empty(),
        "risks" | "risk" => !plan.risks.is_empty(),
        "cleanup" => !plan.cleanup.is_empty(),
        "limits" => !plan.limits.is_empty(),
        "parity" => !plan.parity_checks.is_empty(),
        "people" | "on-call" => !plan.people.rota.is_empty(),
        "assumptions" => !plan.assumptions.is_empty(),
        "strategy" => true,
        _ => return None,
    })
}

/// Text that points at a section or item this plan does not have.
pub fn unresolved_reference(plan: &Plan, texts: &[Text]) -> Vec<Inconsistency> {
    let mut v = Vec::new();
    for t in texts {
        let lower = t.text.to_ascii_lowercase();
        for r in REFERENCES {
            if lower.contains(r.phrase) && !(r.resolves)(plan, t.phase) {
                v.push(Inconsistency {
                    check: UNRESOLVED_REFERENCE,
                    message: format!(
                        "\"{}\" points at {}, and this plan has none: {}",
                        r.phrase,
                        r.target,
                        excerpt(&t.text, r.phrase)
                    ),
                    place: t.place.clone(),
                });
            }
        }
        for (i, _) in lower.match_indices(" section") {
            let name = lower[..i].rsplit(' ').next().unwrap_or("");
            let before = &lower[..i.saturating_sub(name.len())];
            if !before.ends_with("the ") {
                continue;
            }
            if section_present(plan, name) != Some(true) {
                v.push(Inconsistency {
                    check: UNRESOLVED_REFERENCE,
                    message: format!(
                        "\"the {name} section\" is not a section this plan has: {}",
                        excerpt(&t.text, "section")
                    ),
                    place: t.place.clone(),
                });
            }
        }
    }
    v
}

/// Up to 120 characters of `text` around `at`.
fn excerpt(text: &str, at: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let i = lower.find(at).unwrap_or(0);
    let from = text[..i]
        .char_indices()
        .rev()
        .nth(60)
        .map(|(j, _)| j)
        .unwrap_or(0);
    let rest: String = text[from..].chars().take(120).collect();
    format!("\"{}{rest}…\"", if from > 0 { "…" } else { "" })
}

// ---------------------------------------------------------------------------
// gate-unmeetable

/// A rollback or switch time a gate or criterion demands, in minutes.
fn demanded_minutes(metric: &str, op: &str, value: f64, unit: &str) -> Option<f64> {
    let m = metric.to_ascii_lowercase();
    let about = m.contains("rollback") || m.contains("flip") || m.contains("switch");
    if !about || !matches!(op, "<=" | "<" | "==") {
        return None;
    }
    let u = unit.to_ascii_lowercase();
    if u.starts_with("min") {
        Some(value)
    } else if u.starts_with("s") {
        Some(value / 60.0)
    } else if u.starts_with('h') {
        Some(value * 60.0)
    } else {
        None
    }
}

/// "rollback … ≤ 15 minutes" / "within 15 minutes" in free gate text.
fn demanded_in_text(text: &str) -> Option<f64> {
    let lower = text.to_ascii_lowercase();
    if !(lower.contains("rollback") || lower.contains("flip")) {
        return None;
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let Ok(n) = w.parse::<f64>() else { continue };
        let unit = words.get(i + 1).copied().unwrap_or("");
        let prev = if i > 0 { words[i - 1] } else { "" };
        let bound = matches!(prev, "≤" | "<=" | "<" | "under" | "within");
        if bound && unit.starts_with("minute") {
            return Some(n);
        }
    }
    None
}

/// A gate or success criterion that demands a rollback time shorter than
/// the plan's own estimate for it, with no gap saying how that is closed.
pub fn gate_unmeetable(plan: &Plan) -> Vec<Inconsistency> {
    let mut v = Vec::new();
    let first_pnr = plan
        .phases
        .iter()
        .position(|p| p.point_of_no_return)
        .unwrap_or(plan.phases.len());
    let decisive_end = plan
        .phases
        .iter()
        .position(|p| p.kind == "cutover" || p.kind == "window")
        .map(|c| c + 1)
        .unwrap_or(plan.phases.len())
        .min(first_pnr);
    for (i, ph) in plan.phases.iter().enumerate() {
        let mut demands: Vec<(f64, String)> = ph
            .success_criteria
            .iter()
            .filter_map(|c| {
                demanded_minutes(&c.metric, &c.op, c.value, &c.unit)
                    .map(|d| (d, format!("{} {} {} {}", c.metric, c.op, c.value, c.unit)))
            })
            .collect();
        demands.extend(
            ph.gate
                .criteria
                .iter()
                .filter_map(|g| demanded_in_text(g).map(|d| (d, g.clone()))),
        );
        if demands.is_empty() || i >= first_pnr {
            continue;
        }
        // The rollbacks the demand covers: this phase's and every later one
        // up to the step that moves writes, before the point of no return;
        // each includes a flip of the kill switch.
        let mut estimates: Vec<(u64, String)> = plan.phases[i..decisive_end.max(i + 1)]
            .iter()
            .map(|p| {
                (
                    p.rollback.estimated_minutes,
                    format!("the rollback of \"{}\"", p.name),
                )
            })
            .collect();
        estimates.push((plan.kill_switch.flip_minutes, "the kill switch flip".into()));
        let Some((worst, what)) = estimates.into_iter().max_by_key(|(m, _)| *m) else {
            continue;
        };
        for (d, said) in demands {
            if (worst as f64) <= d {
                continue;
            }
            let closed = plan
                .strategy
                .gaps
                .iter()
                .any(|g| !g.closes_it.trim().is_empty() && g.rollback_minutes_without >= worst);
            if !closed {
                v.push(Inconsistency {
                    check: GATE_UNMEETABLE,
                    message: format!(
                        "\"{said}\" demands at most {d} minutes, but the plan estimates {worst} minutes for {what}, and no gap under the strategy says how that is closed"
                    ),
                    place: format!("phase {}", ph.id),
                });
            }
        }
    }
    for g in &plan.strategy.gaps {
        if g.rollback_minutes_without > plan.summary.rollback_tolerance_minutes
            && g.closes_it.trim().is_empty()
        {
            v.push(Inconsistency {
                check: GATE_UNMEETABLE,
                message: format!(
                    "the gap \"{}\" leaves a {}-minute rollback against a {}-minute tolerance and does not say what closes it",
                    g.missing, g.rollback_minutes_without, plan.summary.rollback_tolerance_minutes
                ),
                place: "strategy".into(),
            });
        }
    }
    v
}

// ---------------------------------------------------------------------------
// threshold-disagrees

/// Metrics the plan states thresholds for, by the words that name them.
/// A metric text matches the first entry whose words all occur and whose
/// excluded words do not.
const METRICS: &[(&str, &[&str], &[&str])] = &[
    (
        "error rate",
        &["error rate"],
        &["vs the previous", "business"],
    ),
    ("replication lag", &["replication lag"], &["reverse"]),
    ("p95 latency", &["p95 latency"], &[]),
    ("p99 latency", &["p99 latency"], &[]),
    ("CPU", &["cpu"], &[]),
];

fn metric_key(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    METRICS
        .iter()
        .find(|(_, all, none)| {
            all.iter().all(|w| lower.contains(w)) && !none.iter().any(|w| lower.contains(w))
        })
        .map(|(k, _, _)| *k)
}

/// The first number in `text` with its unit, normalised: percentages stay
/// percentages, durations become seconds.
fn threshold_of(text: &str) -> Option<(f64, &'static str)> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let n: f64 = lower[start..i].trim_end_matches('.').parse().ok()?;
            let rest = lower[i..].trim_start();
            return if rest.starts_with('%') || rest.starts_with("percent") {
                Some((n, "%"))
            } else if rest.starts_with("ms") {
                Some((n / 1000.0, "s"))
            } else if rest.starts_with("minute") || rest.starts_with("min") {
                Some((n * 60.0, "s"))
            } else if rest.starts_with('s') {
                Some((n, "s"))
            } else {
                None
            };
        }
        i += 1;
    }
    None
}

/// The same metric stated with different thresholds in different places
/// (the alert table, the paging rules, the gates).
pub fn threshold_disagrees(plan: &Plan) -> Vec<Inconsistency> {
    // (metric, value, unit, place, as stated)
    let mut stated: Vec<(&'static str, f64, &'static str, String, String)> = Vec::new();
    for a in &plan.monitoring {
        if let (Some(k), Some((n, u))) = (metric_key(&a.metric), threshold_of(&a.threshold)) {
            stated.push((
                k,
                n,
                u,
                "monitoring".into(),
                format!("{} {}", a.metric, a.threshold),
            ));
        }
    }
    // Paging: the lowest threshold per metric is the one that starts paging;
    // higher ones are escalation tiers.
    let mut lowest: Vec<(&'static str, f64, &'static str, String)> = Vec::new();
    for r in &plan.people.paging {
        for part in r.condition.split(", or ") {
            let Some(k) = metric_key(part) else { continue };
            let Some((n, u)) = threshold_of(part) else {
                continue;
            };
            match lowest.iter_mut().find(|x| x.0 == k && x.2 == u) {
                Some(x) if x.1 <= n => {}
                Some(x) => *x = (k, n, u, part.to_string()),
                None => lowest.push((k, n, u, part.to_string())),
            }
        }
    }
    stated.extend(
        lowest
            .into_iter()
            .map(|(k, n, u, s)| (k, n, u, "people (paging)".to_string(), s)),
    );
    for ph in &plan.phases {
        for c in &ph.success_criteria {
            if !matches!(c.op.as_str(), "<=" | "<") {
                continue;
            }
            let Some(k) = metric_key(&c.metric) else {
                continue;
            };
            let Some((n, u)) = threshold_of(&format!("{} {}", c.value, c.unit)) else {
                continue;
            };
            stated.push((
                k,
                n,
                u,
                format!("phase {}", ph.id),
                format!("{} {} {}{}", c.metric, c.op, c.value, c.unit),
            ));
        }
    }
    let mut v = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (k, _, u, _, _) in &stated {
        if seen.contains(&(k, u)) {
            continue;
        }
        seen.push((k, u));
        let same: Vec<_> = stated.iter().filter(|x| x.0 == *k && x.2 == *u).collect();
        let first = same[0];
        if let Some(other) = same.iter().find(|x| (x.1 - first.1).abs() > 1e-9) {
            v.push(Inconsistency {
                check: THRESHOLD_DISAGREES,
                message: format!(
                    "{k}: \"{}\" in {} but \"{}\" in {}",
                    first.4, first.3, other.4, other.3
                ),
                place: other.3.clone(),
            });
        }
    }
    v
}

// ---------------------------------------------------------------------------
// transition-in-blocked-time

fn weekday_number(d: Date) -> u8 {
    d.weekday().to_monday_one_offset() as u8
}

/// Working day by what the input states (weekends and stated holidays);
/// public holidays by rule are the scheduler's business, so a freeze counted
/// here is never wider than the scheduler's.
fn working(d: Date, facts: &Facts) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !facts.schedule.holidays.iter().any(|h| h.value == d)
}

fn freeze_covers(f: &Freeze, d: Date, facts: &Facts) -> Option<String> {
    f.covers(d, &|x| working(x, facts))
        .then(|| f.name().to_string())
}

/// A phase transition on a day the input rules out: a stated freeze, a
/// stated holiday, or a weekend outside every stated change window.
pub fn transition_in_blocked_time(plan: &Plan, facts: &Facts) -> Vec<Inconsistency> {
    let mut v = Vec::new();
    let weekend_allowed = |n: u8| {
        facts
            .schedule
            .change_windows
            .iter()
            .any(|w| w.value.weekdays.contains(&n))
    };
    for ph in &plan.phases {
        let Some(d) = ph
            .transition_at
            .get(..10)
            .and_then(|s| s.parse::<Date>().ok())
        else {
            v.push(Inconsistency {
                check: TRANSITION_IN_BLOCKED_TIME,
                message: format!("the transition time \"{}\" is not a date", ph.transition_at),
                place: format!("phase {}", ph.id),
            });
            continue;
        };
        let mut why = Vec::new();
        let n = weekday_number(d);
        if n >= 6 && !weekend_allowed(n) {
            why.push(format!("a {:?}", d.weekday()));
        }
        if facts.schedule.holidays.iter().any(|h| h.value == d) {
            why.push("a stated holiday".to_string());
        }
        for f in &facts.schedule.freezes {
            if let Some(name) = freeze_covers(&f.value, d, facts) {
                why.push(format!("inside the freeze \"{name}\""));
            }
        }
        if !why.is_empty() {
            v.push(Inconsistency {
                check: TRANSITION_IN_BLOCKED_TIME,
                message: format!("the transition on {d} falls on {}", why.join(" and ")),
                place: format!("phase {}", ph.id),
            });
        }
    }
    v
}

// ---------------------------------------------------------------------------
// switch-state-unsafe

/// The phases (a half-open range of indices) in which a state is safe to
/// run in, read from its `safe_until`; `None` when it names a point this
/// plan does not have.
fn safe_range(plan: &Plan, safe_until: &str) -> Option<(usize, usize)> {
    let n = plan.phases.len();
    let s = safe_until.to_ascii_lowercase();
    let first = |kinds: &[&str]| {
        plan.phases
            .iter()
            .position(|p| kinds.contains(&p.kind.as_str()))
    };
    let cutover = first(&["cutover", "window"]);
    if let Some(rest) = s.strip_prefix("always after the ") {
        let at = if rest.starts_with("window") {
            first(&["window"])
        } else {
            cutover
        };
        return at.map(|c| (c, n));
    }
    if s.starts_with("always") {
        return Some((0, n));
    }
    if s.starts_with("the end of the post-cutover hold") {
        let c = cutover?;
        let hold = plan.phases[c..].iter().position(|p| p.kind == "hold")? + c;
        return Some((0, hold + 1));
    }
    if s.starts_with("the write cutover") || s.starts_with("the step that stops the old side") {
        return cutover.map(|c| (0, c));
    }
    if s.starts_with("the start of the") && s.contains("window") {
        return first(&["window"]).map(|w| (0, w));
    }
    if s.contains("the retire phase") {
        return first(&["decommission"]).map(|r| (0, r));
    }
    None
}

/// A switch state run in a phase after it stops being safe, or declared
/// safe past the point of no return or past the point where writes land
/// only on the new side with nothing carrying them back.
pub fn switch_state_unsafe(plan: &Plan) -> Vec<Inconsistency> {
    let mut v = Vec::new();
    let states = &plan.kill_switch.states;
    let def_of = |name: &str| {
        let generic = name
            .split_once(':')
            .map(|(base, _)| format!("{base}:<percent>%"));
        states
            .iter()
            .find(|s| s.name == name || Some(&s.name) == generic.as_ref())
    };
    for (i, ph) in plan.phases.iter().enumerate() {
        let Some(def) = def_of(&ph.kill_switch_state) else {
            continue;
        };
        match safe_range(plan, &def.safe_until) {
            Some((from, to)) if i < from || i >= to => v.push(Inconsistency {
                check: SWITCH_STATE_UNSAFE,
                message: format!(
                    "the phase runs in the state `{}`, which is safe only until {}",
                    ph.kill_switch_state, def.safe_until
                ),
                place: format!("phase {}", ph.id),
            }),
            _ => {}
        }
    }
    for s in states {
        if safe_range(plan, &s.safe_until).is_none() {
            v.push(Inconsistency {
                check: SWITCH_STATE_UNSAFE,
                message: format!(
                    "the state `{}` is safe until \"{}\", a point this plan does not have",
                    s.name, s.safe_until
                ),
                place: "kill_switch".into(),
            });
        }
    }
    // The old state: flipping back to it must stop being safe by the point
    // of no return, and at the write move unless something carries the new
    // side's writes back.
    if let Some(old) = states.first() {
        if let Some((_, to)) = safe_range(plan, &old.safe_until) {
            if let Some(pnr) = plan.phases.iter().position(|p| p.point_of_no_return) {
                if to > pnr {
                    v.push(Inconsistency {
                        check: SWITCH_STATE_UNSAFE,
                        message: format!(
                            "the state `{}` is declared safe until {}, past the point of no return \"{}\"",
                            old.name, old.safe_until, plan.phases[pnr].name
                        ),
                        place: "kill_switch".into(),
                    });
                }
            }
            let replicated = matches!(
                plan.strategy.id.as_str(),
                "logical-replication" | "cdc-replication"
            );
            if let Some(moved) = plan
                .phases
                .iter()
                .position(|p| p.traffic.writes_percent == 100)
            {
                let carried_back = plan.phases[moved].actions.iter().any(|a| {
                    let d = a.description.to_ascii_lowercase();
                    d.contains("reverse") || d.contains("back into the old")
                });
                if replicated && !carried_back && to > moved + 1 {
                    v.push(Inconsistency {
                        check: SWITCH_STATE_UNSAFE,
                        message: format!(
                            "the state `{}` is declared safe until {}, but from \"{}\" writes land only on the new side and nothing replicates them back",
                            old.name, old.safe_until, plan.phases[moved].name
                        ),
                        place: "kill_switch".into(),
                    });
                }
            }
        }
    }
    v
}

// ---------------------------------------------------------------------------
// foreign-mechanics

/// Words from another family's mechanics with no fact behind them.
pub fn foreign_mechanics(
    plan: &Plan,
    facts: &Facts,
    lexicon: &Lexicon,
    texts: &[Text],
) -> Vec<Inconsistency> {
    let mut kinds: Vec<&str> = facts
        .technologies
        .iter()
        .filter(|m| !m.value.negated)
        .map(|m| m.value.tech.kind.as_str())
        .collect();
    for sys in [&facts.source, &facts.target] {
        if let Some(t) = &sys.technology {
            kinds.push(t.value.kind.as_str());
        }
    }
    let mut integrations: Vec<&str> = Vec::new();
    let mut mechanisms = String::new();
    for i in &facts.integrations {
        integrations.extend(i.value.kinds.iter().map(|k| k.as_str()));
        kinds.extend(i.value.technologies.iter().map(|t| t.kind.as_str()));
        for m in &i.value.mechanisms {
            mechanisms.push_str(&m.to_ascii_lowercase());
            mechanisms.push('\n');
        }
    }
    // The user's own words license a term: a plan may repeat what the
    // input said ("receipts/refunds" as a message type of an email switch).
    let mut said = String::new();
    for t in facts
        .criticality_by_part
        .iter()
        .map(|p| p.origin.text.as_str())
        .chain(facts.integrations.iter().map(|i| i.origin.text.as_str()))
        .chain(facts.stakes.iter().map(|s| s.origin.text.as_str()))
        .chain(facts.uninterpreted.iter().map(|u| u.text.as_str()))
        .chain(
            facts
                .migration
                .component
                .iter()
                .map(|c| c.origin.text.as_str()),
        )
    {
        said.push_str(&t.to_ascii_lowercase());
        said.push('\n');
    }
    let family = plan.summary.family.as_str();
    let lowered: Vec<String> = texts.iter().map(|t| t.text.to_ascii_lowercase()).collect();
    let mut v = Vec::new();
    for term in lexicon.terms() {
        let words: Vec<String> = term.words.iter().map(|w| w.to_ascii_lowercase()).collect();
        let licensed = term.families.iter().any(|f| f == family)
            || term.kinds.iter().any(|k| kinds.contains(&k.as_str()))
            || term
                .integrations
                .iter()
                .any(|k| integrations.contains(&k.as_str()))
            || words
                .iter()
                .any(|w| has_word(&mechanisms, w) || has_word(&said, w));
        if licensed {
            continue;
        }
        for (t, lower) in texts.iter().zip(&lowered) {
            if let Some(w) = words.iter().find(|w| has_word(lower, w)) {
                v.push(Inconsistency {
                    check: FOREIGN_MECHANICS,
                    message: format!(
                        "\"{w}\" ({}) in a {family} plan whose input names nothing it belongs to: {}",
                        term.id,
                        excerpt(&t.text, w)
                    ),
                    place: t.place.clone(),
                });
                break;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_on_boundaries_only() {
        assert!(has_word("the wal retained", "wal"));
        assert!(!has_word("the wall", "wal"));
        assert!(!has_word("pg_wal", "wal"));
    }

    #[test]
    fn thresholds_normalise_units() {
        assert_eq!(threshold_of("> 0.5% for 5 minutes"), Some((0.5, "%")));
        assert_eq!(threshold_of("> 15 s for 10 minutes"), Some((15.0, "s")));
        assert_eq!(threshold_of("> 2 minutes"), Some((120.0, "s")));
        assert_eq!(threshold_of("5 seconds"), Some((5.0, "s")));
    }

    #[test]
    fn gate_text_demands_are_read() {
        assert_eq!(
            demanded_in_text("rehearsed rollback ≤ 15 minutes"),
            Some(15.0)
        );
        assert_eq!(demanded_in_text("rollback within 30 minutes"), Some(30.0));
        assert_eq!(demanded_in_text("hold for 15 minutes"), None);
    }

    #[test]
    fn every_check_id_is_kebab_case_and_unique() {
        let mut ids = CHECKS.to_vec();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 7);
        assert!(ids
            .iter()
            .all(|i| i.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
    }
}
