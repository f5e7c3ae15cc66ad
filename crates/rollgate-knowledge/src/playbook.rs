//! Family playbooks: each family's own words and phase templates, as data.
//!
//! A playbook says what moves (its routing unit), in which phases, with
//! which checks, bars, alerts, rollback wording and on-call words. The
//! planner composes a plan from the playbook the strategy selects; it holds
//! no family's vocabulary itself. Texts carry `{placeholders}` that the
//! planner fills from the facts; the loader rejects a placeholder, a
//! condition or a reference it does not know, so a typo in a playbook fails
//! the build instead of printing braces at 3am.

use crate::KnowledgeError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Placeholders a playbook text may use. The planner fills every one.
pub const PLACEHOLDERS: &[&str] = &[
    "old",          // the source system's display name
    "new",          // the target system's display name
    "component",    // what moves (for extractions: the module)
    "unit",         // the routing unit, singular
    "units",        // the routing unit, plural
    "step",         // the current routing step's label (ramp phases)
    "moved",        // every routing step so far, this one included
    "flag",         // the kill switch's name
    "state",        // a kill-switch state being set
    "reason",       // why the switch is being set
    "scope",        // what a flip applies to
    "tolerance",    // the stated rollback tolerance in minutes
    "days",         // a phase's hold in working days
    "version",      // a release step's version (framework playbooks)
    "unexportable", // what the old provider keeps that cannot be exported
    "cycle",        // ", and a month-end" when the hold must contain one
    "uses",         // what the store holds besides cache entries
];

/// Conditions a template item may depend on; the planner evaluates them.
pub const CONDITIONS: &[&str] = &[
    "critical-path",       // the plan runs in critical-path mode
    "money-or-compliance", // revenue or compliance stakes, or a payment integration
    "switch-percent",      // the kill switch can route a percentage
    "no-switch-percent",   // it cannot: only whole units move
    "long-lived-state",    // the store holds sessions, locks or other state
    "several-releases",    // the upgrade goes through more than one release
    "enterprise-sso",      // the input names SAML, SSO or enterprise tenants
    "mobile-clients",      // the input names mobile apps or app versions
];

/// Where a number comes from: one value, or one per criticality level.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Level {
    Fixed(f64),
    ByLevel {
        critical: f64,
        high: f64,
        medium: f64,
        low: f64,
    },
}

impl Level {
    /// The value for a criticality level named `critical`, `high`, `medium`
    /// or `low`.
    pub fn at(&self, level: &str) -> f64 {
        match self {
            Level::Fixed(v) => *v,
            Level::ByLevel {
                critical,
                high,
                medium,
                low,
            } => match level {
                "critical" => *critical,
                "high" => *high,
                "medium" => *medium,
                _ => *low,
            },
        }
    }
}

/// A numeric success criterion of a gate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionTemplate {
    /// Stable within the playbook; alerts refer to it so one threshold
    /// lives in one place.
    pub id: String,
    pub metric: String,
    pub op: String,
    pub value: Level,
    pub unit: String,
    pub window: String,
}

/// A text that applies only when a condition holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Item {
    Always(String),
    When { when: String, text: String },
}

impl Item {
    pub fn text(&self) -> &str {
        match self {
            Item::Always(t) => t,
            Item::When { text, .. } => text,
        }
    }
    pub fn condition(&self) -> Option<&str> {
        match self {
            Item::Always(_) => None,
            Item::When { when, .. } => Some(when),
        }
    }
}

/// How long a rollback takes, in the planner's own estimates.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub enum RollbackTime {
    /// Nothing to undo but the preparation.
    Minutes(u64),
    /// One flip of the kill switch.
    Switch,
    /// A flip plus the minutes given.
    SwitchPlus(u64),
    /// A redeploy of the previous release.
    Deploy,
    /// A redeploy to one canary share.
    CanaryDeploy,
    /// A rebuild of what was retired.
    Rebuild,
    /// Calendar days: a new contract, account or registration.
    Days(u64),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollbackTemplate {
    /// The rollback flips the kill switch back to the old state.
    #[serde(default)]
    pub flip: bool,
    /// What must be true before the flip (a reverse feed drained, keys or
    /// suppressions copied back): flipping first would lose it.
    #[serde(default)]
    pub before: Vec<Item>,
    /// What follows the flip (keep consuming the new side's events).
    #[serde(default)]
    pub steps: Vec<Item>,
    pub time: RollbackTime,
    pub cost: String,
}

/// One phase of the playbook, in order. The phase with `expand = "ramp"`
/// becomes one phase per routing step.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseTemplate {
    pub id: String,
    /// prep, shadow, sync, canary, ramp, cutover, hold, decommission.
    pub kind: String,
    pub name: String,
    pub goal: String,
    #[serde(default)]
    pub expand: Option<String>,
    /// The phase exists only when this condition holds.
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub actions: Vec<Item>,
    #[serde(default)]
    pub checks: Vec<Item>,
    #[serde(default)]
    pub criteria: Vec<CriterionTemplate>,
    /// Add the shared error and latency bars.
    #[serde(default)]
    pub common_bars: bool,
    #[serde(default)]
    pub gate: Vec<String>,
    /// Working days on the critical path; scaled down for lower levels.
    #[serde(default = "one")]
    pub days: u32,
    /// How the hold reads; `{days}` is filled in.
    #[serde(default)]
    pub hold: String,
    /// The business cycle the hold must contain whatever the criticality:
    /// `week` (at least 5 working days) or `month` (at least 22, so a
    /// month-end falls inside). `month-if-mentioned` is `month` when the
    /// input talks about monthly cycles (month-end, payroll, invoices,
    /// statements, billing runs), else `week`.
    #[serde(default)]
    pub covers: Option<String>,
    /// `old`, `new`, or a state suffix written `new:<suffix>`.
    pub switch: String,
    /// The on-call engineer signs this gate too.
    #[serde(default)]
    pub on_call_signs: bool,
    #[serde(default)]
    pub point_of_no_return: bool,
    /// From this phase on the two sides' data differ (writes land on one
    /// side only and are carried back, if at all, by a procedure).
    #[serde(default)]
    pub diverges: bool,
    /// Every read and write goes to the new side from here on.
    #[serde(default)]
    pub full_traffic: bool,
    pub rollback: RollbackTemplate,
}

fn one() -> u32 {
    1
}

fn default_bars() -> Vec<String> {
    vec!["errors".into(), "latency".into()]
}

fn default_bars_subject() -> String {
    "routed requests".into()
}

/// What moves between the two sides, and how.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    pub unit: String,
    pub units: String,
    /// `percent` (a share of requests or keys), `segments` (whole units,
    /// least critical first), `releases` (one release per version step).
    pub kind: String,
    /// Percent steps by level when `kind = "percent"`, and inside the last
    /// segment when the switch can split by percentage.
    #[serde(default)]
    pub percent: BTreeMap<String, Vec<u32>>,
    /// Segments to use when the input names no parts, least critical first.
    #[serde(default)]
    pub default_segments: Vec<String>,
    /// The segment that carries what the input's named parts leave out
    /// ("every other message type and country"), so the segments cover all
    /// traffic before the old side is stopped.
    #[serde(default)]
    pub rest_segment: String,
    /// The phase name of one step; `{step}` is the step's label.
    pub step_name: String,
    pub step_goal: String,
    /// How to move one step with the team's switch; `{step}`, `{state}`.
    pub move_step: String,
    /// What a percent step's label reads like; `{step}` is the number.
    #[serde(default)]
    pub percent_label: String,
    /// The step that moves everything of a release or segment, when it
    /// differs from a partial one (nothing is left on the previous side).
    #[serde(default)]
    pub move_full: String,
    #[serde(default)]
    pub step_goal_full: String,
    /// The words for why a split in this unit, and not another, is safe.
    pub why: String,
    /// How a step's hold reads; `{days}` is filled in.
    pub step_hold: String,
    /// Segments whose name has one of these words are bulk sends: they go
    /// after the first ordinary segment, in warm-up steps of their volume.
    #[serde(default)]
    pub bulk_words: Vec<String>,
    /// The warm-up steps of a bulk segment, in percent of its volume.
    #[serde(default)]
    pub bulk_steps: Vec<u32>,
    /// Every step holds at least this many working days, whatever the
    /// level: the cycle a step must see (a weekly login pattern).
    #[serde(default)]
    pub step_days_min: u32,
    /// Supported stops per technology id, oldest first (`releases`).
    #[serde(default)]
    pub trains: BTreeMap<String, Vec<String>>,
}

/// A deploy platform's own way back to the previous release: when the
/// input names the platform, this is the kill switch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformRollback {
    /// Catalog id of the platform.
    pub technology: String,
    /// What the mechanism is.
    pub mechanism: String,
    /// One flip back to the previous release.
    pub flip: String,
    /// Minutes until every request is served by the previous release.
    pub minutes: u64,
    /// Command id in commands.toml, if one exists.
    #[serde(default)]
    pub command: Option<String>,
    /// The platform routes a share of traffic to a new release by itself.
    pub splits_traffic: bool,
    /// A feature of the platform that would split traffic, offered as an
    /// option when it does not by default.
    #[serde(default)]
    pub split_option: String,
}

/// The words of the kill switch when the team has no runtime switch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchWords {
    /// What to build in prep, and what it is.
    pub mechanism: String,
    /// One flip: `{state}`, `{scope}`, `{reason}`.
    pub flip: String,
    /// What a flag or runtime setting is read by.
    pub read_by: String,
}

/// An alert row. Either its own threshold or one taken from a criterion
/// (`from`), so the table and the gates cannot disagree.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertTemplate {
    pub id: String,
    pub metric: String,
    #[serde(default)]
    pub threshold: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    pub window: String,
    pub action: String,
}

/// Reasoning for the four questions where no pair rule speaks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionWords {
    /// What stays the same shape and why, when no shape rule fires.
    pub shape_unchanged: String,
    /// How the plan checks shapes.
    pub shape_checks: Vec<String>,
    /// What proves edge cases in this family.
    pub edge_proof: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    pub name: String,
    pub why_not: String,
}

/// The playbook's own words for the plan's shared sections.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    /// The pager this family's incidents land on.
    pub pager: String,
    /// When alerts page at night.
    pub night_pages: String,
    pub worst_case: String,
    pub summary: String,
    pub reasons: Vec<String>,
    pub alternatives: Vec<Alternative>,
    /// What the old side keeps that cannot be exported (providers).
    #[serde(default)]
    pub unexportable: String,
    pub switch: SwitchWords,
    pub questions: QuestionWords,
    /// Names of the switch's two resting states when the two sides are not
    /// best named after their technologies (an extraction's "monolith" and
    /// "service" share one engine).
    #[serde(default)]
    pub state_names: Option<(String, String)>,
    /// Clean-up that every plan of this family ends with.
    #[serde(default)]
    pub cleanup: Vec<String>,
    /// The business outcome this family's move can hurt, watched against
    /// the same hour last week ("one-time codes entered after being sent").
    #[serde(default)]
    pub business: String,
    /// Honest limits of this playbook.
    #[serde(default)]
    pub limits: Vec<String>,
}

/// When a playbook applies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// The strategy id it words.
    pub strategy: String,
    /// Catalog kinds of the subject (either side); empty matches any.
    #[serde(default)]
    pub kinds: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    pub id: String,
    pub title: String,
    pub select: Select,
    /// Shared alerts that make sense here (`cpu`, `connections`,
    /// `latency`, `errors`, `business`).
    pub shared_alerts: Vec<String>,
    /// The shared gate bars that measure this family (`errors`, `latency`);
    /// a provider whose calls are asynchronous is not judged by p99.
    #[serde(default = "default_bars")]
    pub bars: Vec<String>,
    /// What the shared bars measure ("routed requests", "send calls to the
    /// provider").
    #[serde(default = "default_bars_subject")]
    pub bars_subject: String,
    /// Estimates this playbook's numbers rest on (`deploy`, `flag-flip`,
    /// `restart`); only these are printed under assumptions.
    pub assumptions: Vec<String>,
    pub routing: Routing,
    pub words: Words,
    #[serde(default)]
    pub alert: Vec<AlertTemplate>,
    #[serde(default)]
    pub platform: Vec<PlatformRollback>,
    pub phase: Vec<PhaseTemplate>,
    /// How the two sides are shown to hold the same thing, in this family's
    /// terms (keys, jobs, messages, ledger entries, rows). Defaulted so a
    /// playbook without any is refused by `validate` with a clear message.
    #[serde(default)]
    pub parity: Vec<ParityTemplate>,
    /// Where the numbers come from, and when they were last checked.
    pub sources: Vec<String>,
    pub as_of: String,
}

/// The calendar days a `covers = "calendar-days:N"` hold must span (a
/// dispute window, a retention period), if that is what it says.
pub fn covers_calendar_days(covers: &str) -> Option<u32> {
    covers
        .strip_prefix("calendar-days:")?
        .parse()
        .ok()
        .filter(|n| (1..=730).contains(n))
}

/// One parity check of a family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParityTemplate {
    pub name: String,
    pub method: String,
    pub pass: String,
    /// When it runs; the default is daily through the moving phases.
    #[serde(default = "default_parity_schedule")]
    pub schedule: String,
}

fn default_parity_schedule() -> String {
    "daily from the first shadow or canary step to the end of the hold".into()
}

/// Every playbook, selected by strategy and subject kind.
#[derive(Debug, Clone, Default)]
pub struct PlaybookBook {
    playbooks: Vec<Playbook>,
}

const SHARED_ALERTS: &[&str] = &["cpu", "connections", "latency", "errors", "business"];
const ASSUMPTIONS: &[&str] = &["deploy", "flag-flip", "restart"];
const PHASE_KINDS: &[&str] = &[
    "prep",
    "shadow",
    "sync",
    "canary",
    "ramp",
    "cutover",
    "hold",
    "decommission",
];

fn invalid(origin: &str, id: &str, message: String) -> KnowledgeError {
    KnowledgeError::InvalidEntry {
        origin: origin.to_string(),
        id: id.to_string(),
        message,
    }
}

/// Every `{name}` in `text`, or an error for an unbalanced brace.
fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in \"{text}\""))?;
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("stray `}}` in \"{text}\""));
    }
    Ok(out)
}

impl Playbook {
    /// Every text of the playbook with a label saying where it is.
    fn texts(&self) -> Vec<(String, &str)> {
        let mut v: Vec<(String, &str)> = Vec::new();
        let w = &self.words;
        for (k, t) in [
            ("pager", &w.pager),
            ("night_pages", &w.night_pages),
            ("worst_case", &w.worst_case),
            ("summary", &w.summary),
            ("unexportable", &w.unexportable),
            ("business", &w.business),
            ("switch.mechanism", &w.switch.mechanism),
            ("switch.flip", &w.switch.flip),
            ("switch.read_by", &w.switch.read_by),
            ("questions.shape_unchanged", &w.questions.shape_unchanged),
            ("questions.edge_proof", &w.questions.edge_proof),
            ("routing.step_name", &self.routing.step_name),
            ("routing.step_goal", &self.routing.step_goal),
            ("routing.move_step", &self.routing.move_step),
            ("routing.why", &self.routing.why),
            ("routing.percent_label", &self.routing.percent_label),
            ("routing.step_hold", &self.routing.step_hold),
            ("routing.move_full", &self.routing.move_full),
            ("routing.step_goal_full", &self.routing.step_goal_full),
        ] {
            v.push((k.to_string(), t.as_str()));
        }
        for t in w
            .reasons
            .iter()
            .chain(&w.questions.shape_checks)
            .chain(&w.cleanup)
            .chain(&w.limits)
        {
            v.push(("words".into(), t));
        }
        for a in &w.alternatives {
            v.push(("alternatives".into(), &a.why_not));
        }
        for p in &self.platform {
            v.push((format!("platform {}", p.technology), &p.mechanism));
            v.push((format!("platform {}", p.technology), &p.flip));
            v.push((format!("platform {}", p.technology), &p.split_option));
        }
        for c in &self.parity {
            for t in [&c.name, &c.method, &c.pass, &c.schedule] {
                v.push((format!("parity {}", c.name), t));
            }
        }
        for a in &self.alert {
            v.push((format!("alert {}", a.id), &a.metric));
            v.push((format!("alert {}", a.id), &a.action));
        }
        for p in &self.phase {
            let at = format!("phase {}", p.id);
            for t in [&p.name, &p.goal, &p.hold, &p.rollback.cost] {
                v.push((at.clone(), t));
            }
            for i in p
                .actions
                .iter()
                .chain(&p.checks)
                .chain(&p.rollback.before)
                .chain(&p.rollback.steps)
            {
                v.push((at.clone(), i.text()));
            }
            for g in &p.gate {
                v.push((at.clone(), g));
            }
            for c in &p.criteria {
                v.push((at.clone(), &c.metric));
            }
        }
        v
    }

    fn validate(&self, origin: &str) -> Result<(), KnowledgeError> {
        let bad = |m: String| invalid(origin, &self.id, m);
        for (at, text) in self.texts() {
            for name in placeholders(text).map_err(|m| bad(format!("{at}: {m}")))? {
                if !PLACEHOLDERS.contains(&name) {
                    return Err(bad(format!("{at}: unknown placeholder {{{name}}}")));
                }
            }
        }
        if self.parity.is_empty() {
            return Err(bad(
                "a playbook says how parity is shown ([[parity]])".into()
            ));
        }
        for b in &self.bars {
            if !["errors", "latency"].contains(&b.as_str()) {
                return Err(bad(format!("unknown bar `{b}`")));
            }
        }
        for a in &self.shared_alerts {
            if !SHARED_ALERTS.contains(&a.as_str()) {
                return Err(bad(format!("unknown shared alert `{a}`")));
            }
        }
        for a in &self.assumptions {
            if !ASSUMPTIONS.contains(&a.as_str()) {
                return Err(bad(format!("unknown assumption `{a}`")));
            }
        }
        if !["percent", "segments", "releases"].contains(&self.routing.kind.as_str()) {
            return Err(bad(format!("unknown routing kind `{}`", self.routing.kind)));
        }
        if self.routing.kind == "segments" && self.routing.default_segments.is_empty() {
            return Err(bad("segment routing needs default_segments".into()));
        }
        let criteria: Vec<&str> = self
            .phase
            .iter()
            .flat_map(|p| p.criteria.iter().map(|c| c.id.as_str()))
            .collect();
        for a in &self.alert {
            match (&a.threshold, &a.from) {
                (Some(_), None) => {}
                (None, Some(f)) if criteria.contains(&f.as_str()) => {}
                (None, Some(f)) => {
                    return Err(bad(format!(
                        "alert {} refers to unknown criterion `{f}`",
                        a.id
                    )))
                }
                _ => {
                    return Err(bad(format!(
                        "alert {} needs exactly one of threshold and from",
                        a.id
                    )))
                }
            }
        }
        let ramps = self
            .phase
            .iter()
            .filter(|p| p.expand.as_deref() == Some("ramp"))
            .count();
        if ramps != 1 {
            return Err(bad(format!(
                "a playbook has exactly one phase with expand = \"ramp\" (found {ramps})"
            )));
        }
        let mut ids: Vec<&str> = Vec::new();
        for p in &self.phase {
            if ids.contains(&p.id.as_str()) {
                return Err(bad(format!("phase id `{}` used twice", p.id)));
            }
            ids.push(&p.id);
            if p.checks.is_empty() {
                return Err(bad(format!(
                    "phase {}: every phase says what to check before its gate",
                    p.id
                )));
            }
            if !PHASE_KINDS.contains(&p.kind.as_str()) {
                return Err(bad(format!("phase {}: unknown kind `{}`", p.id, p.kind)));
            }
            if let Some(e) = &p.expand {
                if e != "ramp" {
                    return Err(bad(format!("phase {}: unknown expand `{e}`", p.id)));
                }
            }
            if !(p.switch == "old" || p.switch == "new" || p.switch.starts_with("new:")) {
                return Err(bad(format!(
                    "phase {}: switch is `old`, `new` or `new:<suffix>`, not `{}`",
                    p.id, p.switch
                )));
            }
            if let Some(c) = &p.covers {
                if !["week", "month", "month-if-mentioned"].contains(&c.as_str())
                    && covers_calendar_days(c).is_none()
                {
                    return Err(bad(format!("phase {}: unknown covers `{c}`", p.id)));
                }
            }
            for c in p.when.iter() {
                if !CONDITIONS.contains(&c.as_str()) {
                    return Err(bad(format!("phase {}: unknown condition `{c}`", p.id)));
                }
            }
            for i in p
                .actions
                .iter()
                .chain(&p.checks)
                .chain(&p.rollback.before)
                .chain(&p.rollback.steps)
            {
                if let Some(c) = i.condition() {
                    if !CONDITIONS.contains(&c) {
                        return Err(bad(format!("phase {}: unknown condition `{c}`", p.id)));
                    }
                }
            }
            for c in &p.criteria {
                if !["<", "<=", "==", ">=", ">"].contains(&c.op.as_str()) {
                    return Err(bad(format!("criterion {}: unknown op `{}`", c.id, c.op)));
                }
            }
        }
        if self.phase.first().map(|p| p.kind.as_str()) != Some("prep") {
            return Err(bad("the first phase is the prep phase".into()));
        }
        if !self.phase.iter().any(|p| p.point_of_no_return) {
            return Err(bad("no phase is marked as the point of no return".into()));
        }
        if self.sources.is_empty() || self.as_of.trim().is_empty() {
            return Err(bad("a playbook names its sources and an as_of date".into()));
        }
        Ok(())
    }
}

const BUILTIN_PLAYBOOKS: &[(&str, &str)] = &[
    (
        "builtin:playbooks/cache.toml",
        include_str!("../data/playbooks/cache.toml"),
    ),
    (
        "builtin:playbooks/stateful-store.toml",
        include_str!("../data/playbooks/stateful-store.toml"),
    ),
    (
        "builtin:playbooks/queue.toml",
        include_str!("../data/playbooks/queue.toml"),
    ),
    (
        "builtin:playbooks/search.toml",
        include_str!("../data/playbooks/search.toml"),
    ),
    (
        "builtin:playbooks/framework.toml",
        include_str!("../data/playbooks/framework.toml"),
    ),
    (
        "builtin:playbooks/provider.toml",
        include_str!("../data/playbooks/provider.toml"),
    ),
    (
        "builtin:playbooks/provider-email.toml",
        include_str!("../data/playbooks/provider-email.toml"),
    ),
    (
        "builtin:playbooks/provider-sms.toml",
        include_str!("../data/playbooks/provider-sms.toml"),
    ),
    (
        "builtin:playbooks/provider-identity.toml",
        include_str!("../data/playbooks/provider-identity.toml"),
    ),
    (
        "builtin:playbooks/provider-payments.toml",
        include_str!("../data/playbooks/provider-payments.toml"),
    ),
    (
        "builtin:playbooks/extraction.toml",
        include_str!("../data/playbooks/extraction.toml"),
    ),
    (
        "builtin:playbooks/document-to-relational.toml",
        include_str!("../data/playbooks/document-to-relational.toml"),
    ),
];

impl PlaybookBook {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let p: Playbook = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        p.validate(origin)?;
        Ok(Self { playbooks: vec![p] })
    }

    pub fn builtin() -> Result<Self, KnowledgeError> {
        let mut book = Self::default();
        for (origin, text) in BUILTIN_PLAYBOOKS {
            book.merge(Self::from_toml(text, origin)?);
        }
        Ok(book)
    }

    /// Adds or replaces playbooks by id.
    pub fn merge(&mut self, other: PlaybookBook) {
        for p in other.playbooks {
            match self.playbooks.iter_mut().find(|x| x.id == p.id) {
                Some(x) => *x = p,
                None => self.playbooks.push(p),
            }
        }
    }

    pub fn playbooks(&self) -> &[Playbook] {
        &self.playbooks
    }

    /// The reference page `docs/playbooks.md`: per playbook, what moves and
    /// why, its phases, its alerts and the sources of its numbers.
    pub fn markdown(&self) -> String {
        use std::fmt::Write;
        let mut o = String::from("# Family playbooks\n\nGenerated from `crates/rollgate-knowledge/data/playbooks/*.toml` by `ROLLGATE_UPDATE_DOCS=1 cargo test -p rollgate-knowledge`; a test fails when this page and the data disagree. Each playbook owns its family's words: the planner composes a plan from it and holds no family vocabulary of its own. `{placeholders}` are filled from the input's facts.\n");
        for p in &self.playbooks {
            let _ = writeln!(o, "\n## `{}`: {}\n", p.id, p.title);
            let kinds = if p.select.kinds.is_empty() {
                "any subject".to_string()
            } else {
                format!("subjects of kind {}", p.select.kinds.join(", "))
            };
            let _ = writeln!(
                o,
                "Used for strategy `{}`, {kinds}. Checked as of {}.\n",
                p.select.strategy, p.as_of
            );
            let _ = writeln!(
                o,
                "**What moves:** {} ({} routing). {}\n",
                p.routing.units, p.routing.kind, p.routing.why
            );
            let _ = writeln!(o, "**Why this way:** {}\n", p.words.reasons.join(" "));
            let _ = writeln!(
                o,
                "**Worst case it guards against:** {}\n",
                p.words.worst_case
            );
            let _ = writeln!(o, "**Phases:**\n");
            for ph in &p.phase {
                let when = ph
                    .when
                    .as_deref()
                    .map(|w| format!(" (only when `{w}`)"))
                    .unwrap_or_default();
                let expand = if ph.expand.is_some() {
                    " — one phase per routing step"
                } else {
                    ""
                };
                let _ = writeln!(o, "- `{}` ({}){when}{expand}: {}", ph.id, ph.kind, ph.goal);
            }
            if !p.alert.is_empty() {
                let _ = writeln!(
                    o,
                    "\n**Alerts:** {}",
                    p.alert
                        .iter()
                        .map(|a| a.metric.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            if !p.platform.is_empty() {
                let _ = writeln!(
                    o,
                    "\n**Platform rollbacks:** {}",
                    p.platform
                        .iter()
                        .map(|x| format!(
                            "{} (~{} min{})",
                            x.technology,
                            x.minutes,
                            if x.splits_traffic {
                                ", splits traffic"
                            } else {
                                ""
                            }
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if !p.routing.trains.is_empty() {
                let _ = writeln!(
                    o,
                    "\n**Version steps:** {}",
                    p.routing
                        .trains
                        .iter()
                        .map(|(k, v)| format!("{k} {}", v.join(" → ")))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            let _ = writeln!(o, "\n**Sources:**\n");
            for s in &p.sources {
                let _ = writeln!(o, "- {s}");
            }
        }
        o
    }

    /// The playbook for a strategy and the subject's catalog kinds: one
    /// that names a kind of the subject wins over the strategy's general one.
    pub fn select(&self, strategy: &str, kinds: &[&str]) -> Option<&Playbook> {
        let mine = self
            .playbooks
            .iter()
            .filter(|p| p.select.strategy == strategy);
        let mut general = None;
        for p in mine {
            if p.select.kinds.is_empty() {
                general.get_or_insert(p);
            } else if p.select.kinds.iter().any(|k| kinds.contains(&k.as_str())) {
                return Some(p);
            }
        }
        general
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_playbooks_load_and_cover_every_family_strategy() {
        let book = PlaybookBook::builtin().unwrap();
        for s in [
            "cache-warm-and-shift",
            "stateful-store-move",
            "queue-drain",
            "search-reindex",
            "staged-framework-upgrade",
            "provider-switch-by-cohort",
            "strangler-extraction",
            "document-to-relational",
        ] {
            assert!(book.select(s, &[]).is_some(), "no general playbook for {s}");
        }
        for (kind, id) in [
            ("email-saas", "provider-email"),
            ("sms-saas", "provider-sms"),
            ("auth-saas", "provider-identity"),
            ("payment-saas", "provider-payments"),
        ] {
            assert_eq!(
                book.select("provider-switch-by-cohort", &[kind])
                    .unwrap()
                    .id,
                id
            );
        }
    }

    #[test]
    fn placeholders_are_found_and_unbalanced_braces_rejected() {
        assert_eq!(placeholders("a {old} b {new}").unwrap(), vec!["old", "new"]);
        assert!(placeholders("a {old").is_err());
        assert!(placeholders("a } b").is_err());
    }

    fn minimal(extra: &str) -> String {
        format!(
            r#"
id = "t"
title = "t"
shared_alerts = ["errors"]
assumptions = ["deploy"]
sources = ["x"]
as_of = "2026-11"
{extra}
[select]
strategy = "cache-shift"
[routing]
unit = "key"
units = "keys"
kind = "percent"
step_name = "{{step}}"
step_goal = "g"
move_step = "m"
why = "w"
step_hold = "{{days}} days"
[words]
pager = "p"
night_pages = "n"
worst_case = "w"
summary = "s"
reasons = []
alternatives = []
[words.switch]
mechanism = "m"
flip = "f"
read_by = "r"
[words.questions]
shape_unchanged = "s"
shape_checks = []
edge_proof = "e"
[[phase]]
id = "prep"
kind = "prep"
name = "Prep"
goal = "g"
checks = ["c"]
switch = "old"
rollback = {{ time = {{ minutes = 5 }}, cost = "none" }}
[[phase]]
id = "ramp"
kind = "ramp"
name = "Ramp"
goal = "g"
expand = "ramp"
checks = ["c"]
switch = "new"
point_of_no_return = true
rollback = {{ time = "switch", cost = "none" }}
[[parity]]
name = "n"
method = "m"
pass = "p"
"#
        )
    }

    #[test]
    fn a_minimal_playbook_loads() {
        PlaybookBook::from_toml(&minimal(""), "t").unwrap();
    }

    #[test]
    fn a_playbook_without_parity_checks_is_refused() {
        let none = minimal("").replace(
            "[[parity]]\nname = \"n\"\nmethod = \"m\"\npass = \"p\"\n",
            "",
        );
        let e = PlaybookBook::from_toml(&none, "t").unwrap_err().to_string();
        assert!(e.contains("[[parity]]"), "{e}");
    }

    #[test]
    fn unknown_placeholders_conditions_and_references_are_rejected() {
        let bad_placeholder =
            minimal("").replace("goal = \"g\"\nchecks", "goal = \"{olld}\"\nchecks");
        let e = PlaybookBook::from_toml(&bad_placeholder, "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown placeholder {olld}"), "{e}");
        let bad_alert = minimal("[[alert]]\nid = \"a\"\nmetric = \"m\"\nfrom = \"nope\"\nwindow = \"w\"\naction = \"a\"\n");
        let e = PlaybookBook::from_toml(&bad_alert, "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown criterion `nope`"), "{e}");
        let bad_shared = minimal("").replace("[\"errors\"]", "[\"disk\"]");
        assert!(PlaybookBook::from_toml(&bad_shared, "t").is_err());
        let bad_condition = minimal("").replace(
            "goal = \"g\"\nchecks",
            "goal = \"g\"\nactions = [{ when = \"full-moon\", text = \"x\" }]\nchecks",
        );
        let e = PlaybookBook::from_toml(&bad_condition, "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown condition `full-moon`"), "{e}");
    }
}
