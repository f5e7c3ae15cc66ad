//! The typed model of what a team told us about its migration. Every value
//! remembers where it came from, so a plan can cite the input that caused a
//! recommendation.

use crate::source::Span;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a fact came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The tag (`from-state`) or spec path (`source.version`) it was read from.
    pub field: String,
    /// The words it was read from, as written.
    pub text: String,
    /// Its place in the input, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    pub how: OriginKind,
    /// The words around it hedge it ("to confirm", "probably", "TBD"): the
    /// plan may run on it, but must ask it back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OriginKind {
    /// Extracted from free text.
    Prose,
    /// A structured spec value.
    Structured,
    /// Computed from other facts (the family from the technologies).
    Derived,
    /// Nothing was said; rollgate assumed a stated default.
    Default,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact<T> {
    pub value: T,
    pub origin: Origin,
}

/// A catalog technology as referenced by a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechRef {
    pub id: String,
    pub name: String,
    pub kind: String,
}

/// One mention of a technology in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechMention {
    pub tech: TechRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The mention is negated ("no Kafka", "without LaunchDarkly").
    pub negated: bool,
    /// The mention is offered as a choice ("AWS DMS or pglogical").
    pub alternative: bool,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Criticality {
    Low,
    Medium,
    High,
    Critical,
}

impl Criticality {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// The family of a migration, which decides the planning playbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Database,
    Datastore,
    Framework,
    Service,
    MonolithSplit,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Database => "database",
            Self::Datastore => "datastore",
            Self::Framework => "framework",
            Self::Service => "service",
            Self::MonolithSplit => "monolith-split",
        }
    }
}

/// The kind of change within a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    VersionUpgrade,
    HostingMove,
    VendorChange,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MigrationFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Fact<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Fact<Family>>,
    /// The part that moves, when the migration type names one ("the
    /// invoicing module", "notification sending"): in an extraction it is
    /// the subject, not the monolith's framework or the database engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Fact<String>>,
    /// What changes: version, hosting, vendor (several may apply).
    pub changes: Vec<Fact<ChangeKind>>,
    pub goals: Vec<Fact<String>>,
    /// What a datastore is used for: cache, sessions, job-queue,
    /// rate-limiter, locks, pub-sub, search-index, leaderboard.
    pub store_uses: Vec<Fact<String>>,
    /// Changes the migration type names besides the subject ("…, and
    /// Python 3.8 → 3.11", "plus Ruby 2.7 -> 3.3"): each its own change,
    /// never the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bundled: Vec<Fact<BundledChange>>,
    /// What the input puts outside this migration ("(not in this
    /// migration)", "later", "stays on its own Redis", "not changing"), with
    /// the technologies it names: unchanged dependencies, not subjects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_scope: Vec<Fact<OutOfScope>>,
}

/// A change bundled with the subject: one technology, or one replaced by
/// another, with the versions stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundledChange {
    pub from: TechRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_version: Option<String>,
    pub to: TechRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_version: Option<String>,
}

/// Something the input says this migration does not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutOfScope {
    /// In the input's words, without the marker ("moving to the cloud").
    pub what: String,
    /// Catalog technologies named in it.
    pub technologies: Vec<TechRef>,
}

/// One side of the migration: the system today, or the one we move to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SystemFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology: Option<Fact<TechRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Fact<String>>,
    /// Where it runs: managed services, clouds, compute.
    pub hosting: Vec<Fact<TechRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_hosted: Option<Fact<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<Fact<String>>,
    /// What it provides to users that the move must keep ("SAML SSO",
    /// "TOTP MFA", "social login with Google").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Fact<String>>,
    /// Multi-AZ, a replica set, a single instance…
    pub topology: Vec<Fact<String>>,
    pub backups: Vec<Fact<String>>,
}

/// A data size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSize {
    pub bytes: u64,
    pub approximate: bool,
}

impl DataSize {
    pub fn gigabytes(self) -> f64 {
        self.bytes as f64 / 1e9
    }
}

/// A peak or typical rate, normalised to per second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    pub per_second: f64,
    /// What is counted: queries, requests, writes, emails…
    pub unit: String,
    pub peak: bool,
    pub approximate: bool,
}

/// A count of things: services, workers, customers, tables…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub count: u64,
    /// Normalised plural noun: services, workers, customers, users…
    pub what: String,
    pub approximate: bool,
}

/// How long a rollback may take before it becomes an incident of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// The longest acceptable time to be back on the old system.
    pub max_minutes: u64,
}

/// The rollback tolerance stated for one part ("SAML tenants: 30
/// minutes; everyone else: a day is fine").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartTolerance {
    pub part: String,
    pub max_minutes: u64,
}

/// A person the input names, what they do and when they are away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// As written ("Priya"); "the author" for the writer's own absences
    /// ("I'm out for two weeks over Easter").
    pub name: String,
    /// A role id from the role book when the words name one ("DBA").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// What the input says they do, in its words ("our only DBA").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<String>,
    /// Dates they are not available, inclusive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<Unavailability>,
    /// Stretches that come back when they are not available ("only
    /// outside the first five working days of the month").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable_every: Vec<Freeze>,
}

/// A stretch of days a person is away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unavailability {
    pub from: Date,
    pub to: Date,
    /// The words it was read from ("paternity leave in March").
    pub reading: String,
}

/// A hedged statement ("to confirm", "probably", "TBD"): kept as written,
/// planned on as stated, and asked back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hedge {
    /// The hedging words ("to confirm").
    pub marker: String,
    /// The clause they hedge.
    pub statement: String,
}

/// A stake that raises the cost of failure (compliance, SLA, revenue…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stake {
    pub kind: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapabilityKind {
    FeatureFlags,
    ReadRouting,
    DualWrite,
    CanaryDeploys,
    BlueGreen,
    ConfigWithoutDeploy,
    Backups,
    Replication,
    ShadowTraffic,
    Staging,
}

impl CapabilityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FeatureFlags => "feature-flags",
            Self::ReadRouting => "read-routing",
            Self::DualWrite => "dual-write",
            Self::CanaryDeploys => "canary-deploys",
            Self::BlueGreen => "blue-green",
            Self::ConfigWithoutDeploy => "config-without-deploy",
            Self::Backups => "backups",
            Self::Replication => "replication",
            Self::ShadowTraffic => "shadow-traffic",
            Self::Staging => "staging",
        }
    }
}

/// Something the team can (or cannot) do today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capability {
    pub kind: CapabilityKind,
    pub present: bool,
    /// The product that provides it, when named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<TechRef>,
    /// How it works (env var, per service, config file…), when said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    /// How long using it takes to reach every consumer, when the input says
    /// ("env + redeploy (~12 min rolling)", "the toggle is cached 5 min").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub takes_minutes: Option<u32>,
    /// The settings the input names for it ("CACHE_STORE /
    /// SESSION_CONNECTION switchable via env").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
}

/// People on the team, grouped by role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    pub role: String,
    pub role_name: String,
    pub count: u32,
    pub contractor: bool,
    pub part_time: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TeamFacts {
    pub members: Vec<Fact<TeamMember>>,
    /// Parties whose sign-off the input requires (a gate, not a rota).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<Fact<Approval>>,
    /// People the input names, with their role and absences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Fact<Person>>,
    /// IANA names.
    pub time_zones: Vec<Fact<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Fact<u32>>,
}

/// The level stated for one part of the system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartCriticality {
    pub part: String,
    pub level: Criticality,
}

/// A required sign-off: who gives it, and on what when the input says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub who: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl TeamFacts {
    /// The names of the people the input names ("the author" is the writer
    /// unnamed, not a name).
    pub fn named_people(&self) -> impl Iterator<Item = &str> {
        self.people
            .iter()
            .map(|p| p.value.name.as_str())
            .filter(|n| *n != "the author")
    }

    /// People counted from the roles, when no size was stated.
    pub fn headcount(&self) -> u32 {
        match &self.size {
            Some(s) => s.value,
            None => self.members.iter().map(|m| m.value.count).sum(),
        }
    }
}

/// What the team (or a person on it) has done before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experience {
    /// Who: "team" or a role id.
    pub who: String,
    /// How many migrations of this kind, when counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// What kind: a version upgrade, a vendor switch, a technology…
    pub subject: String,
    /// Whether they have done it (false: "have not done a vendor switch").
    pub done: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// How long it took, in days, when said ("took a quarter").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_days: Option<u32>,
    /// What went wrong or was learned, in the input's words ("because of a
    /// middleware change that broke auth cookies").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
}

/// A deadline and how it was expressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub date: Date,
    /// Why this date ("start of Q3 2026").
    pub reading: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Said as something the team only wants or plans ("plan: backfill by
    /// end of April", "want UK moved by March"): a firm end (a contract or
    /// support that ends) is the deadline over it, and it stays a milestone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub wish: bool,
}

/// A period in which nothing may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Freeze {
    /// Fixed dates, inclusive.
    Range { name: String, from: Date, to: Date },
    /// The last `days` business days of every month.
    LastBusinessDaysOfMonth { name: String, days: u32 },
    /// The first `days` business days of every month.
    FirstBusinessDaysOfMonth { name: String, days: u32 },
    /// The same days of every month, inclusive ("from the 20th to the
    /// 27th of every month"); a day past the month's end stops at it.
    DaysOfMonth {
        name: String,
        from_day: i8,
        to_day: i8,
    },
    /// The last `days` business days of every quarter ("the last week of
    /// every quarter" is 5).
    LastBusinessDaysOfQuarter { name: String, days: u32 },
    /// Every week on these weekdays (1 = Monday … 7 = Sunday).
    Weekdays { name: String, weekdays: Vec<u8> },
    /// The same stretch every year ("the first full week of January",
    /// "Black Friday week", "every year from 15 November to 10 January").
    Yearly { name: String, rule: YearlyRule },
    /// Named but without dates; the user must supply them.
    Unresolved { name: String },
}

/// How a yearly freeze falls in a given year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum YearlyRule {
    /// A week named by its place in a month: `ordinal` 1–4, or -1 for the
    /// last; a full week runs Monday to Sunday inside the month, otherwise
    /// the first week is days 1–7 and the last the month's last seven.
    WeekOfMonth { month: i8, ordinal: i8, full: bool },
    /// Monday to Sunday of the week of US Thanksgiving (Black Friday week).
    BlackFridayWeek,
    /// Thanksgiving Thursday to Cyber Monday.
    BlackFridayToCyberMonday,
    /// Fixed days of the year; a range that crosses the year end runs into
    /// the next year.
    Dates {
        from_month: i8,
        from_day: i8,
        to_month: i8,
        to_day: i8,
    },
}

impl YearlyRule {
    /// The occurrence that starts in `year`, inclusive.
    pub fn in_year(&self, year: i16) -> Option<(Date, Date)> {
        use jiff::civil::Weekday;
        use jiff::ToSpan;
        match *self {
            Self::WeekOfMonth {
                month,
                ordinal,
                full,
            } => {
                let first = Date::new(year, month, 1).ok()?;
                let last = first.last_of_month();
                let from = match (full, ordinal) {
                    (true, -1) => {
                        // The last Monday whose week ends inside the month.
                        let latest = last.checked_sub(6.days()).ok()?;
                        let back = i32::from(latest.weekday().to_monday_zero_offset());
                        latest.checked_sub(back.days()).ok()?
                    }
                    (true, n) => {
                        let monday = first.nth_weekday_of_month(1, Weekday::Monday).ok()?;
                        monday.checked_add((7 * i32::from(n - 1)).days()).ok()?
                    }
                    (false, -1) => last.checked_sub(6.days()).ok()?,
                    (false, n) => first.checked_add((7 * i32::from(n - 1)).days()).ok()?,
                };
                Some((from, from.checked_add(6.days()).ok()?))
            }
            Self::BlackFridayWeek => {
                let t = Date::new(year, 11, 1)
                    .ok()?
                    .nth_weekday_of_month(4, Weekday::Thursday)
                    .ok()?;
                let monday = t.checked_sub(3.days()).ok()?;
                Some((monday, monday.checked_add(6.days()).ok()?))
            }
            Self::BlackFridayToCyberMonday => {
                let t = Date::new(year, 11, 1)
                    .ok()?
                    .nth_weekday_of_month(4, Weekday::Thursday)
                    .ok()?;
                Some((t, t.checked_add(4.days()).ok()?))
            }
            Self::Dates {
                from_month,
                from_day,
                to_month,
                to_day,
            } => {
                let from = Date::new(year, from_month, from_day).ok()?;
                let to_year = if (to_month, to_day) < (from_month, from_day) {
                    year.checked_add(1)?
                } else {
                    year
                };
                Some((from, Date::new(to_year, to_month, to_day).ok()?))
            }
        }
    }

    /// Whether `d` falls in this year's occurrence or in last year's (a
    /// range across the year end).
    pub fn covers(&self, d: Date) -> bool {
        [d.year().checked_sub(1), Some(d.year())]
            .into_iter()
            .flatten()
            .filter_map(|y| self.in_year(y))
            .any(|(from, to)| from <= d && d <= to)
    }
}

impl Freeze {
    /// The same freeze under the name the input gave it.
    pub fn renamed(mut self, new: String) -> Self {
        match &mut self {
            Self::Range { name, .. }
            | Self::LastBusinessDaysOfMonth { name, .. }
            | Self::FirstBusinessDaysOfMonth { name, .. }
            | Self::DaysOfMonth { name, .. }
            | Self::LastBusinessDaysOfQuarter { name, .. }
            | Self::Weekdays { name, .. }
            | Self::Yearly { name, .. }
            | Self::Unresolved { name } => *name = new,
        }
        self
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Range { name, .. }
            | Self::LastBusinessDaysOfMonth { name, .. }
            | Self::FirstBusinessDaysOfMonth { name, .. }
            | Self::DaysOfMonth { name, .. }
            | Self::LastBusinessDaysOfQuarter { name, .. }
            | Self::Weekdays { name, .. }
            | Self::Yearly { name, .. }
            | Self::Unresolved { name } => name,
        }
    }

    /// Whether the freeze covers `d`. `working` says which days count as
    /// business days (the caller's calendar knows the holidays); it is
    /// asked only about the days of `d`'s month or quarter.
    pub fn covers(&self, d: Date, working: &dyn Fn(Date) -> bool) -> bool {
        let count = |from: Date, to: Date| -> u32 {
            let mut n = 0;
            let mut cur = from;
            while cur <= to {
                n += u32::from(working(cur));
                match cur.tomorrow() {
                    Ok(c) => cur = c,
                    Err(_) => break,
                }
            }
            n
        };
        match self {
            Self::Range { from, to, .. } => *from <= d && d <= *to,
            Self::LastBusinessDaysOfMonth { days, .. } => {
                working(d) && count(d, d.last_of_month()) <= *days
            }
            Self::FirstBusinessDaysOfMonth { days, .. } => {
                working(d) && count(d.first_of_month(), d) <= *days
            }
            Self::DaysOfMonth {
                from_day, to_day, ..
            } => *from_day <= d.day() && d.day() <= *to_day,
            Self::LastBusinessDaysOfQuarter { days, .. } => {
                let quarter_end_month = (d.month() - 1) / 3 * 3 + 3;
                let Ok(end) = Date::new(d.year(), quarter_end_month, 1) else {
                    return false;
                };
                working(d) && count(d, end.last_of_month()) <= *days
            }
            Self::Weekdays { weekdays, .. } => {
                weekdays.contains(&(d.weekday().to_monday_one_offset() as u8))
            }
            Self::Yearly { rule, .. } => rule.covers(d),
            Self::Unresolved { .. } => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Fact<Deadline>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_duration_days: Option<Fact<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration_days: Option<Fact<u32>>,
    pub freezes: Vec<Fact<Freeze>>,
    pub holidays: Vec<Fact<Date>>,
    /// Countries whose public holidays apply (ISO 3166 alpha-2).
    pub holiday_countries: Vec<Fact<String>>,
    /// Windows in which transitions may happen (none: the default applies).
    pub change_windows: Vec<Fact<ChangeWindow>>,
}

/// A recurring change window in the team's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeWindow {
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Minutes after local midnight.
    pub from_minute: u32,
    pub to_minute: u32,
    /// The IANA zone the hours are in when the input names one ("06:00-09:00
    /// UTC"); otherwise they are in the team's own time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IntegrationKind {
    ServiceConsumers,
    Webhook,
    ReadReplica,
    AnalyticsPipeline,
    Cdc,
    Etl,
    Cache,
    Queue,
    Search,
    Payment,
    Email,
    Sms,
    Auth,
    MobileApp,
    PartnerApi,
    BatchJob,
    Other,
}

impl IntegrationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServiceConsumers => "service-consumers",
            Self::Webhook => "webhook",
            Self::ReadReplica => "read-replica",
            Self::AnalyticsPipeline => "analytics-pipeline",
            Self::Cdc => "cdc",
            Self::Etl => "etl",
            Self::Cache => "cache",
            Self::Queue => "queue",
            Self::Search => "search",
            Self::Payment => "payment",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Auth => "auth",
            Self::MobileApp => "mobile-app",
            Self::PartnerApi => "partner-api",
            Self::BatchJob => "batch-job",
            Self::Other => "other",
        }
    }
}

/// Something upstream or downstream of the migrated system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    pub name: String,
    /// Every kind the description matches; the first is the main one.
    pub kinds: Vec<IntegrationKind>,
    pub technologies: Vec<TechRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Mechanisms that matter to a migration ("logical replication slots").
    pub mechanisms: Vec<String>,
}

/// A piece of the input rollgate could not turn into a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uninterpreted {
    pub field: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// A warning about the input: a missing tag, an unknown tag, a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// Everything rollgate understood about a migration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Name of the input (file path or `-`).
    pub input: String,
    /// The form it was read in: tagged, toml, yaml or json.
    pub form: String,
    /// The plan's start date, against which relative dates were resolved.
    pub start_date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub migration: MigrationFacts,
    pub source: SystemFacts,
    pub target: SystemFacts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_size: Option<Fact<DataSize>>,
    pub rates: Vec<Fact<Rate>>,
    pub counts: Vec<Fact<Count>>,
    pub criticality: Fact<Criticality>,
    /// Levels stated for parts ("critical for card payments, low for the
    /// weekly digest"); the overall level is the highest of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criticality_by_part: Vec<Fact<PartCriticality>>,
    pub stakes: Vec<Fact<Stake>>,
    /// The strictest of the per-part tolerances when parts are stated.
    pub rollback_tolerance: Fact<Tolerance>,
    /// Tolerances stated per part, in input order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollback_tolerance_by_part: Vec<Fact<PartTolerance>>,
    pub capabilities: Vec<Fact<Capability>>,
    pub team: TeamFacts,
    pub experience: Vec<Fact<Experience>>,
    pub schedule: ScheduleFacts,
    pub budgeted_tools: Vec<Fact<TechRef>>,
    pub integrations: Vec<Fact<Integration>>,
    /// Every technology named anywhere, in input order.
    pub technologies: Vec<Fact<TechMention>>,
    /// What the input says there is none of ("no freezes", "no dedicated
    /// DBA", "none today" under dual-run capability): facts, not noise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absences: Vec<Fact<String>>,
    /// Hedged statements, each to be asked back; facts read from inside
    /// them carry `origin.unconfirmed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hedges: Vec<Fact<Hedge>>,
    pub uninterpreted: Vec<Uninterpreted>,
    pub warnings: Vec<Warning>,
}

impl Facts {
    /// The capability of this kind, if the input said anything about it.
    pub fn capability(&self, kind: CapabilityKind) -> Option<&Fact<Capability>> {
        self.capabilities.iter().find(|c| c.value.kind == kind)
    }

    /// The largest count of `what` ("services", "customers").
    pub fn count_of(&self, what: &str) -> Option<&Fact<Count>> {
        self.counts
            .iter()
            .filter(|c| c.value.what == what)
            .max_by_key(|c| c.value.count)
    }

    /// The highest peak rate stated.
    pub fn peak_rate(&self) -> Option<&Fact<Rate>> {
        self.rates.iter().max_by(|a, b| {
            a.value
                .per_second
                .partial_cmp(&b.value.per_second)
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    }

    /// Whether the input named this catalog technology anywhere (not negated).
    pub fn names_technology(&self, id: &str) -> bool {
        self.technologies
            .iter()
            .any(|m| m.value.tech.id == id && !m.value.negated)
    }
}
