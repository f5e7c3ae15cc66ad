//! The plan: what the planner produces and every renderer consumes. Its
//! JSON form is a documented contract (docs/plan-json.md); fields are only
//! ever added.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

fn percent_routing() -> String {
    "percent".into()
}

/// Why a recommendation is in the plan: the rule that produced it and the
/// input facts it fired on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Because {
    pub rule: String,
    /// Citations of input facts: `field line:col "words"`, or a derived value.
    pub facts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub title: String,
    pub summary: Summary,
    /// What the plan assumed or could not read, asked back, with the
    /// assumption it runs on meanwhile.
    pub open_questions: Vec<OpenQuestion>,
    pub questions: Vec<Question>,
    pub risk: RiskAssessment,
    pub strategy: Strategy,
    pub phases: Vec<Phase>,
    pub kill_switch: KillSwitch,
    pub monitoring: Vec<Alert>,
    pub parity_checks: Vec<ParityCheck>,
    pub people: People,
    pub risks: Vec<Risk>,
    pub edge_cases: Vec<Item>,
    pub cleanup: Vec<Item>,
    pub limits: Vec<Item>,
    pub takeaways: Vec<String>,
    /// Assumed numbers the estimates rest on, so a team can replace them.
    pub assumptions: Vec<String>,
    /// Technologies the plan names that the input did not: always options.
    pub options: Vec<String>,
    pub warnings: Vec<String>,
    /// When transitions may happen: the calendar the runner enforces.
    #[serde(default)]
    pub calendar: PlanCalendar,
    /// When the source's and the target's release lines leave support,
    /// against this plan's dates (from release-lines data; empty when the
    /// data has no line for the stated versions).
    #[serde(default)]
    pub support: Vec<SupportNote>,
}

/// One side's release line and its support window, judged against the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportNote {
    /// source | target
    pub side: String,
    /// The line as a reader knows it ("PostgreSQL 14 on Amazon RDS").
    pub name: String,
    /// Catalog id of the engine, runtime or framework.
    pub technology: String,
    pub line: String,
    /// Catalog id of the managed service whose calendar applies, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// `YYYY-MM-DD`, or `YYYY-MM (month only)` when the source gives a month.
    pub support_ends: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_support_ends: Option<String>,
    /// out-of-support | ends-before-cutover | ends-after-cutover (source);
    /// out-of-support | ends-soon-after-plan | supported-beyond-horizon (target)
    pub status: String,
    pub text: String,
    pub because: Because,
}

/// An alert fires when `value op threshold` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// >, >=, <, <=, ==
    pub op: String,
    pub value: f64,
    pub unit: String,
}

/// The plan's calendar in machine form, so a runner needs no holiday rules
/// of its own and enforces exactly the days the schedule avoided.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanCalendar {
    /// IANA zone the window is in (the plan's primary zone).
    pub time_zone: String,
    pub window: ChangeWindow,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_window: Option<ChangeWindow>,
    /// Days in `covers_from..=covers_to` on which no transition happens,
    /// with the reason (holiday, freeze, year-end, before a long weekend).
    pub days_off: Vec<DayOff>,
    pub covers_from: Option<Date>,
    pub covers_to: Option<Date>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeWindow {
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Minutes after local midnight.
    pub from_minute: u32,
    pub to_minute: u32,
    /// The zone the window is stated in, when not the calendar's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOff {
    pub date: Date,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenQuestion {
    pub question: String,
    /// What the plan assumes until the team answers.
    pub assumed: String,
    /// The fact or place in the input the question is about.
    pub about: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// database | datastore | framework | service | monolith-split, plus
    /// `critical-path` when that mode applies.
    pub mode: String,
    pub family: String,
    pub critical_path: bool,
    pub criticality: String,
    /// Confidence in this staged plan: low, medium, medium-high, high.
    pub confidence: String,
    /// Confidence if done as a single big-bang cutover.
    pub confidence_big_bang: String,
    pub start_date: Date,
    pub end_date: Date,
    pub deadline: Option<Date>,
    pub fits_deadline: Option<bool>,
    /// The phase whose end is compared with the deadline (the one that
    /// puts writes on the new system).
    pub deadline_measured_at: Option<String>,
    /// Working days between the end of the plan and the deadline.
    pub slack_days: Option<i64>,
    pub total_weeks: u32,
    pub strategy: String,
    /// What moves from one side to the other, and in which unit (message
    /// types, users, releases, a share of reads…), from the family's
    /// playbook.
    pub moves: String,
    /// How the switch moves the unit: `percent` (a share of traffic, which
    /// a flag tool's rollout carries), `segments` (whole parts named by the
    /// switch state, each all or nothing) or `releases` (each state is a
    /// deployed version).
    #[serde(default = "percent_routing")]
    pub routing: String,
    pub rollback_tolerance_minutes: u64,
    pub time_zone: String,
    /// Every zone the team works in (the first is the plan's).
    pub time_zones: Vec<String>,
    /// When transitions may happen, in the plan's zone.
    pub change_window: String,
    /// The zone the input stated the change window in, when it named one
    /// ("06:00–09:00 UTC"): the window holds there, not in each team zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_window_zone: Option<String>,
    /// Countries whose public holidays the schedule avoids.
    pub holiday_countries: Vec<String>,
    /// When the deadline is missed: the latest start that would meet it.
    pub latest_start: Option<Date>,
    /// Holds that could be shortened to meet a deadline, and the risk of
    /// doing so. The plan never shortens them itself.
    pub compressible_holds: Vec<Compression>,
}

/// A hold that could be shortened, at a stated risk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compression {
    pub phase: String,
    pub min_days: u32,
    pub could_be: u32,
    pub saves_days: u32,
    pub risk: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    /// rollback_speed | edge_case_parity | data_shape_risk | on_call_burden
    pub id: String,
    pub question: String,
    pub rating: String,
    pub answer: String,
    pub reasons: Vec<String>,
    /// How the answer changed the plan.
    pub shapes_plan: Vec<String>,
    pub because: Vec<Because>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Factor {
    pub text: String,
    pub because: Because,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub blast_radius: String,
    pub worst_case: String,
    pub mitigating: Vec<Factor>,
    pub aggravating: Vec<Factor>,
    pub confidence_staged: String,
    pub confidence_big_bang: String,
    pub total_duration: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alternative {
    pub name: String,
    pub why_not: String,
}

/// Something the team lacks that the tolerance needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gap {
    pub missing: String,
    pub consequence: String,
    /// The rollback time the team would actually get without it.
    pub rollback_minutes_without: u64,
    pub closes_it: String,
    pub because: Because,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Strategy {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub reasons: Vec<String>,
    pub replication_tool: Option<String>,
    pub alternatives: Vec<Alternative>,
    pub gaps: Vec<Gap>,
    pub because: Because,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub description: String,
    /// The command needs a tool the input did not name: it is an example.
    /// (Serialised before the command so a reader meets the caveat first.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable id, `<phase id>.<metric id>`: what the runner records a
    /// verdict against.
    #[serde(default)]
    pub id: String,
    /// Stable id of the metric (the same metric in every phase shares it):
    /// what a bindings file connects to a source.
    #[serde(default)]
    pub metric_id: String,
    pub metric: String,
    /// <=, >=, ==, <
    pub op: String,
    pub value: f64,
    pub unit: String,
    /// How long it must hold.
    pub window: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gate {
    pub approvers: Vec<String>,
    pub criteria: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rollback {
    pub steps: Vec<Step>,
    pub estimated_minutes: u64,
    /// What a rollback in this phase loses or must replay.
    pub cost: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Traffic {
    pub reads_percent: u32,
    pub writes_percent: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub name: String,
    /// prep | sync | shadow | canary | ramp | cutover | hold | decommission | window
    pub kind: String,
    pub start_date: Date,
    pub end_date: Date,
    /// When the phase's change is made (RFC 3339 with the team's offset).
    pub transition_at: String,
    /// Share of traffic on the new system during the phase.
    pub traffic_percent: u32,
    pub traffic: Traffic,
    /// Minimum working days of work plus hold before the gate.
    pub min_days: u32,
    pub hold: String,
    pub goal: String,
    pub actions: Vec<Step>,
    pub checks: Vec<Step>,
    pub success_criteria: Vec<Criterion>,
    pub gate: Gate,
    pub rollback: Rollback,
    pub kill_switch_state: String,
    /// The switch state this phase's rollback returns to, when it is not
    /// the kill switch's first state (a segment or release step goes back
    /// to the last one whose gate passed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_to: Option<String>,
    pub point_of_no_return: bool,
    /// From this phase on the two sides' data differ: flipping back is the
    /// phase's rollback procedure, not a switch flip.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub data_diverges: bool,
    pub because: Vec<Because>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SwitchState {
    pub name: String,
    pub effect: String,
    /// The last phase in which flipping to this state is safe.
    pub safe_until: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KillSwitch {
    pub mechanism: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    pub flag_name: String,
    pub states: Vec<SwitchState>,
    pub flip_minutes: u64,
    pub flip: Vec<Step>,
    pub because: Because,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alert {
    /// Stable id, `alert.<metric id>`.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub metric_id: String,
    pub metric: String,
    pub threshold: String,
    /// The threshold as a comparison, when it is an absolute number (a
    /// threshold relative to a baseline has none: the runner cannot judge
    /// it without the team's baseline query).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    pub window: String,
    pub action: String,
    pub because: Because,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParityCheck {
    pub name: String,
    pub method: String,
    pub schedule: String,
    pub pass: String,
    pub steps: Vec<Step>,
    pub because: Because,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rota {
    pub phases: String,
    pub primary: String,
    pub secondary: String,
    pub decision: String,
    pub hours: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageRule {
    pub condition: String,
    pub page: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub audience: String,
    pub when: String,
    pub how: String,
    pub what: String,
    pub because: Because,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct People {
    pub rota: Vec<Rota>,
    pub escalation: Vec<String>,
    pub paging: Vec<PageRule>,
    pub communication: Vec<Message>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub likelihood: String,
    pub impact: String,
    pub response: String,
    pub steps: Vec<Step>,
    pub because: Vec<Because>,
}

/// A plain recommendation with its reason (edge case, cleanup, limit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub text: String,
    pub steps: Vec<Step>,
    pub because: Because,
}
