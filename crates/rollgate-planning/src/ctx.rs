//! What the planner derives from the facts before it decides anything: the
//! engines on each side, sizes, the team's switches, estimates, and how to
//! cite a fact. Every later stage reads from here.

use crate::model::{Because, Step};
use rollgate_intake::*;
use rollgate_knowledge::{Estimates, Knowledge, Playbook};

/// How a plan is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Detect the family from the facts.
    #[default]
    Auto,
    Database,
    Framework,
    Service,
    /// The detected family, with critical-path rigour.
    CriticalPath,
}

/// Cites a fact as `field line:col "words"`.
pub fn cite<T>(f: &Fact<T>) -> String {
    let o = &f.origin;
    let text: String = o.text.chars().take(80).collect();
    match (&o.span, o.how) {
        (Some(s), _) => format!("{} {}:{} \"{}\"", o.field, s.line, s.column, text),
        (None, OriginKind::Default) => format!("default: {text}"),
        (None, OriginKind::Derived) => format!("{} (derived: {text})", o.field),
        (None, _) => format!("{} \"{text}\"", o.field),
    }
}

pub fn because(rule: &str, facts: Vec<String>) -> Because {
    Because {
        rule: rule.to_string(),
        facts,
    }
}

/// The switch the team can flip today, from what the input says.
#[derive(Debug, Clone, PartialEq)]
pub enum Switch {
    /// A flag service: flips in seconds, no deploy.
    Flag { provider: TechRef, cite: String },
    /// A value services re-read without a restart.
    LiveConfig { cite: String },
    /// Environment variables: each service restarts to follow.
    EnvVar { cite: String },
    /// Nothing stated: a DNS name or connection string, changed by deploy.
    None,
}

pub struct Ctx<'a> {
    pub facts: &'a Facts,
    pub k: &'a Knowledge,
    pub est: &'a Estimates,
    pub family: Family,
    pub critical_path: bool,
    pub criticality: Criticality,
    pub tolerance: u64,
    pub source_engine: Option<String>,
    pub target_engine: Option<String>,
    pub source_major: Option<u32>,
    pub target_major: Option<u32>,
    pub changes: Vec<ChangeKind>,
    pub target_managed: bool,
    pub data_gb: Option<f64>,
    pub consumers: Option<u64>,
    pub switch: Switch,
    /// How long the team's switch takes to reach every consumer, when the
    /// input says ("env + redeploy (~12 min rolling)"): it wins over the
    /// estimate.
    pub stated_switch_minutes: Option<u64>,
    pub read_routing: Option<String>,
    pub inexperienced: bool,
    pub time_zone: String,
    /// The family playbook that words this plan, once the strategy is
    /// chosen (none for databases).
    pub playbook: Option<&'a Playbook>,
    named: Vec<String>,
}

fn major(v: &str) -> Option<u32> {
    v.split('.')
        .next()?
        .trim_start_matches(['v', 'V'])
        .parse()
        .ok()
}

impl<'a> Ctx<'a> {
    pub fn new(facts: &'a Facts, k: &'a Knowledge, mode: Mode) -> Self {
        let engine_of = |sys: &SystemFacts| {
            sys.technology.as_ref().map(|t| {
                k.catalog
                    .get(&t.value.id)
                    .map(|x| k.catalog.engine_of(x).id.clone())
                    .unwrap_or_else(|| t.value.id.clone())
            })
        };
        let family = match mode {
            Mode::Database => Family::Database,
            Mode::Framework => Family::Framework,
            Mode::Service => Family::Service,
            Mode::Auto | Mode::CriticalPath => facts
                .migration
                .family
                .as_ref()
                .map(|f| f.value)
                .unwrap_or(Family::Database),
        };
        let criticality = facts.criticality.value;
        let money_or_identity = facts
            .stakes
            .iter()
            .any(|s| s.value.kind == "revenue" || s.value.kind == "pci-dss")
            || facts.integrations.iter().any(|i| {
                i.value.kinds.contains(&IntegrationKind::Payment)
                    || i.value.kinds.contains(&IntegrationKind::Auth)
            });
        let critical_path = mode == Mode::CriticalPath
            || criticality == Criticality::Critical
            || (criticality == Criticality::High && money_or_identity);
        // Workers are processes of a service ("~2,400 php-fpm workers"),
        // not consumers that each follow a switch.
        let consumers = ["services", "consumers", "applications"]
            .iter()
            .filter_map(|w| facts.count_of(w).map(|c| c.value.count))
            .max()
            .or_else(|| {
                facts
                    .integrations
                    .iter()
                    .filter(|i| i.value.kinds.contains(&IntegrationKind::ServiceConsumers))
                    .filter_map(|i| i.value.count)
                    .max()
            });
        let flags = facts.capability(CapabilityKind::FeatureFlags);
        let live = facts.capability(CapabilityKind::ConfigWithoutDeploy);
        let routing = facts.capability(CapabilityKind::ReadRouting);
        let switch = match (flags, live, routing) {
            (Some(f), _, _) if f.value.present && f.value.provider.is_some() => Switch::Flag {
                provider: f.value.provider.clone().expect("checked"),
                cite: cite(f),
            },
            (_, Some(l), _) if l.value.present => Switch::LiveConfig { cite: cite(l) },
            (_, _, Some(r))
                if r.value.present
                    && r.value
                        .mechanism
                        .as_deref()
                        .is_some_and(|m| m.contains("environment variable")) =>
            {
                Switch::EnvVar { cite: cite(r) }
            }
            (Some(f), _, _) if f.value.present => Switch::LiveConfig { cite: cite(f) },
            _ => Switch::None,
        };
        let stated_switch_minutes = match &switch {
            Switch::Flag { .. } => flags,
            Switch::LiveConfig { .. } => live.filter(|l| l.value.present).or(flags),
            Switch::EnvVar { .. } => routing,
            Switch::None => None,
        }
        .and_then(|c| c.value.takes_minutes)
        .map(u64::from);
        let read_routing = routing.filter(|r| r.value.present).map(|r| {
            r.value
                .mechanism
                .clone()
                .unwrap_or_else(|| "a routing setting".into())
        });
        let changes: Vec<ChangeKind> = facts.migration.changes.iter().map(|c| c.value).collect();
        let did_not = |subject: &str| {
            facts
                .experience
                .iter()
                .any(|e| !e.value.done && e.value.subject.contains(subject))
        };
        let inexperienced = facts.experience.is_empty()
            || (changes.contains(&ChangeKind::VendorChange) && did_not("vendor"))
            || (changes.contains(&ChangeKind::HostingMove)
                && (did_not("vendor") || did_not("move") || did_not("migration")))
            || facts.experience.iter().all(|e| !e.value.done);
        let mut named: Vec<String> = facts
            .technologies
            .iter()
            .filter(|m| !m.value.negated)
            .map(|m| m.value.tech.id.clone())
            .collect();
        // Tools that ship with a named engine count as named.
        for t in k.catalog.technologies() {
            if let Some(engine) = &t.ships_with {
                if named.contains(engine) {
                    named.push(t.id.clone());
                }
            }
        }
        Self {
            facts,
            k,
            est: &k.estimates,
            family,
            critical_path,
            criticality,
            tolerance: facts.rollback_tolerance.value.max_minutes,
            source_engine: engine_of(&facts.source),
            target_engine: engine_of(&facts.target),
            source_major: facts.source.version.as_ref().and_then(|v| major(&v.value)),
            target_major: facts.target.version.as_ref().and_then(|v| major(&v.value)),
            changes,
            target_managed: facts
                .target
                .hosting
                .iter()
                .any(|h| h.value.kind.starts_with("managed")),
            data_gb: facts.data_size.as_ref().map(|d| d.value.gigabytes()),
            consumers,
            switch,
            stated_switch_minutes,
            read_routing,
            inexperienced,
            time_zone: facts
                .team
                .time_zones
                .first()
                .map(|z| z.value.clone())
                .unwrap_or_else(|| "UTC".to_string()),
            playbook: None,
            named,
        }
    }

    /// Whether the input names this technology (or an engine that ships it).
    pub fn names(&self, id: &str) -> bool {
        self.named.iter().any(|n| n == id)
    }

    pub fn engine_is(&self, side_source: bool, id: &str) -> bool {
        let e = if side_source {
            &self.source_engine
        } else {
            &self.target_engine
        };
        e.as_deref() == Some(id)
    }

    /// The bar a rehearsed rollback is held to: the tolerance, but never
    /// below the fastest way back any switch offers (a flag flip taking
    /// effect everywhere). A tolerance under that is stated as a conflict
    /// to settle, not written into a gate no rehearsal can pass.
    pub fn rollback_bar(&self) -> u64 {
        self.tolerance.max(self.est.flag_flip_minutes.ceil() as u64)
    }

    /// A document store moves into a relational database: the data changes
    /// model (collections become tables), not only engine.
    pub fn remodels_documents(&self) -> bool {
        let kind = |t: &Option<rollgate_intake::Fact<rollgate_intake::TechRef>>| {
            t.as_ref().map(|t| t.value.kind.clone()).unwrap_or_default()
        };
        kind(&self.facts.source.technology) == "document-database"
            && kind(&self.facts.target.technology) == "relational-database"
    }

    pub fn both_postgres(&self) -> bool {
        self.engine_is(true, "postgresql") && self.engine_is(false, "postgresql")
    }

    /// MySQL or MariaDB on one side and PostgreSQL on the other: the pair
    /// `rollgate verify` compares across engines.
    pub fn verifiable_across_engines(&self) -> bool {
        let mysql_like = |side| self.engine_is(side, "mysql") || self.engine_is(side, "mariadb");
        (mysql_like(true) && self.engine_is(false, "postgresql"))
            || (self.engine_is(true, "postgresql") && mysql_like(false))
    }

    pub fn tech_name(&self, id: &str) -> String {
        self.k
            .catalog
            .get(id)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// "PostgreSQL 14.7 on Amazon EC2".
    pub fn system_name(&self, source: bool) -> String {
        let sys = if source {
            &self.facts.source
        } else {
            &self.facts.target
        };
        let mut s = sys
            .technology
            .as_ref()
            .map(|t| t.value.name.clone())
            .unwrap_or_else(|| {
                if source {
                    "the current system".into()
                } else {
                    "the new system".into()
                }
            });
        if let Some(v) = &sys.version {
            s.push(' ');
            s.push_str(&v.value);
        }
        let hosting: Vec<&str> = sys
            .hosting
            .iter()
            .filter(|h| h.value.kind != "cloud")
            .map(|h| h.value.name.as_str())
            .collect();
        if let Some(h) = hosting.first() {
            s.push_str(" on ");
            s.push_str(h);
        } else if sys.self_hosted.as_ref().is_some_and(|f| f.value)
            && !sys
                .technology
                .as_ref()
                .is_some_and(|t| t.value.kind.ends_with("-saas"))
        {
            // A SaaS product is not self-hosted, whatever else the
            // sentence hosts itself.
            s.push_str(" (self-hosted)");
        }
        s
    }

    /// Short names for the two sides: "old"/"new" labels used in switch states.
    pub fn short(&self, source: bool) -> String {
        let sys = if source {
            &self.facts.source
        } else {
            &self.facts.target
        };
        let hosting = sys.hosting.iter().find(|h| h.value.kind != "cloud");
        if self.changes.contains(&ChangeKind::VendorChange) {
            if let Some(t) = &sys.technology {
                return slug(&t.value.name);
            }
        }
        match (hosting, &sys.version) {
            (Some(h), _) if self.changes.contains(&ChangeKind::HostingMove) => slug(&h.value.name),
            (_, Some(v)) => format!("v{}", v.value.split('.').next().unwrap_or(&v.value)),
            _ => {
                if source {
                    "old".into()
                } else {
                    "new".into()
                }
            }
        }
    }

    pub fn target_hosting_name(&self) -> String {
        self.facts
            .target
            .hosting
            .iter()
            .find(|h| h.value.kind != "cloud")
            .map(|h| h.value.name.clone())
            .unwrap_or_else(|| "the target platform".into())
    }

    pub fn data_size_text(&self) -> String {
        match self.data_gb {
            Some(gb) if gb >= 1000.0 => format!("{:.1} TB", gb / 1000.0),
            Some(gb) => format!("{gb:.0} GB"),
            None => "the data".into(),
        }
    }

    /// A command from the command book, filled, marked as an example when
    /// its tool is not named by the input.
    pub fn command(&self, id: &str, vars: &[(&str, String)]) -> Option<Step> {
        let c = self.k.commands.get(id)?;
        if !self.fits_engines(&c.tool, &c.text) {
            // The step stays, in words: what to do is still true on the
            // other engine; only this tool's command is not.
            return Some(self.step(c.description.clone()));
        }
        let mut text = c.text.clone();
        let mut all: Vec<(&str, String)> = vec![
            (
                "source_major",
                self.source_major
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "<old-major>".into()),
            ),
            (
                "target_major",
                self.target_major
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "<new-major>".into()),
            ),
            (
                "target_version",
                self.facts
                    .target
                    .version
                    .as_ref()
                    .map(|v| v.value.clone())
                    .unwrap_or_else(|| "<new-version>".into()),
            ),
        ];
        all.extend(vars.iter().cloned());
        for (k, v) in &all {
            text = text.replace(&format!("{{{k}}}"), v);
        }
        Some(Step {
            description: c.description.clone(),
            command: Some(text),
            // rollgate's own commands are the plan's, never an option.
            example: c.tool != "rollgate" && !self.names(&c.tool),
        })
    }

    /// A command of an engine's own tool (psql, pg_dump, mysqldump) runs only
    /// against a side on that engine: `pg_restore` into MongoDB, or
    /// `pg_stat_activity` read from MySQL, is no command at all.
    fn fits_engines(&self, tool: &str, text: &str) -> bool {
        let Some(engine) = self.tool_engine(tool) else {
            return true;
        };
        let on = |url: &str, side: &Option<String>| {
            !text.contains(url) || side.as_deref() == Some(engine.as_str())
        };
        on("$SOURCE_URL", &self.source_engine) && on("$TARGET_URL", &self.target_engine)
    }

    /// The database engine a tool belongs to: its own id for an engine, the
    /// engine it ships with for a client tool; None for anything else.
    pub(crate) fn tool_engine(&self, tool: &str) -> Option<String> {
        let t = self.k.catalog.get(tool)?;
        if let Some(engine) = &t.ships_with {
            return Some(engine.clone());
        }
        use rollgate_knowledge::TechKind as K;
        matches!(
            t.kind,
            K::RelationalDatabase | K::DocumentDatabase | K::WideColumnStore | K::KeyValueStore
        )
        .then(|| self.k.catalog.engine_of(t).id.clone())
    }

    /// A step with a command only when the command's tool fits the engines.
    pub fn step(&self, description: impl Into<String>) -> Step {
        Step {
            description: description.into(),
            command: None,
            example: false,
        }
    }

    pub fn cite_source(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(t) = &self.facts.source.technology {
            v.push(cite(t));
        }
        if let Some(t) = &self.facts.target.technology {
            v.push(cite(t));
        }
        v
    }

    pub fn cite_criticality(&self) -> String {
        cite(&self.facts.criticality)
    }

    pub fn cite_tolerance(&self) -> String {
        cite(&self.facts.rollback_tolerance)
    }

    /// Minutes to make every consumer follow the switch.
    pub fn switch_minutes(&self) -> u64 {
        if let Some(m) = self.stated_switch_minutes {
            return m;
        }
        match &self.switch {
            Switch::Flag { .. } => self.est.flag_flip_minutes.ceil() as u64,
            Switch::LiveConfig { .. } => (self.est.flag_flip_minutes * 2.0).ceil() as u64,
            Switch::EnvVar { .. } => self.restart_minutes(),
            Switch::None => {
                self.est
                    .deploy_minutes
                    .max(self.est.dns_change_minutes)
                    .ceil() as u64
                    + self.restart_minutes() / 2
            }
        }
    }

    /// A rolling restart of every consumer, in waves.
    pub fn restart_minutes(&self) -> u64 {
        let services = self.consumers.unwrap_or(5).max(1) as f64;
        let waves = (services / self.est.restart_parallelism.max(1.0)).ceil();
        (waves * self.est.service_restart_minutes).ceil() as u64
    }

    pub fn restore_minutes(&self) -> u64 {
        let gb = self.data_gb.unwrap_or(100.0);
        (gb / self.est.snapshot_restore_gb_per_hour * 60.0 + self.est.restore_overhead_minutes)
            .ceil() as u64
    }

    pub fn dump_restore_minutes(&self) -> u64 {
        let gb = self.data_gb.unwrap_or(100.0);
        (gb / self.est.dump_restore_gb_per_hour * 60.0 + self.est.restore_overhead_minutes).ceil()
            as u64
    }

    pub fn copy_hours(&self) -> f64 {
        self.data_gb.unwrap_or(100.0) / self.est.logical_copy_gb_per_hour
    }

    /// Scales a number of days by criticality (critical 1.0 … low 0.2),
    /// lengthened for teams new to this kind of change.
    pub fn days(&self, critical: u32) -> u32 {
        let f: f64 = match self.criticality {
            Criticality::Critical => 1.0,
            Criticality::High => 0.7,
            Criticality::Medium => 0.4,
            Criticality::Low => 0.2,
        };
        let f = if self.critical_path && self.criticality != Criticality::Critical {
            f.max(0.8)
        } else {
            f
        };
        ((critical as f64 * f).round() as u32).max(if critical == 0 { 0 } else { 1 })
    }

    /// Like [`Ctx::days`], lengthened by a quarter for a team new to this
    /// kind of change (used for preparation, not for holds).
    pub fn prep_days(&self, critical: u32) -> u32 {
        let d = self.days(critical);
        if self.inexperienced {
            (d as f64 * 1.25).round() as u32
        } else {
            d
        }
    }
}

/// kebab-case of a name, for flag and state names.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    // "Amazon RDS" → "rds": cloud vendor prefixes add nothing to a state name.
    for prefix in ["amazon-", "aws-", "google-", "azure-", "microsoft-"] {
        if let Some(rest) = out.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    out
}

/// An integration's name without its parenthetical and leading "our":
/// "our CDC stream into Snowflake (uses slots)" → "CDC stream into Snowflake".
/// How many integrations a per-integration item names one by one. The rest
/// share one item, so a plan for a list of thousands stays readable and its
/// size stays proportional to the input's.
pub const LISTED_INTEGRATIONS: usize = 8;

/// One per-integration item's subject: a named integration, or the group of
/// those past the first [`LISTED_INTEGRATIONS`].
pub struct IntegrationGroup<'a> {
    /// What the item calls its subject ("Billing", "each of the other 12
    /// integrations (A, B, C, …)").
    pub label: String,
    /// Citations: the integration, or the first few of the group.
    pub cites: Vec<String>,
    pub members: Vec<&'a Fact<Integration>>,
}

/// The integrations an item applies to, the first few by name and the rest
/// as one group.
pub fn integration_groups<'a>(
    items: impl IntoIterator<Item = &'a Fact<Integration>>,
) -> Vec<IntegrationGroup<'a>> {
    let items: Vec<&Fact<Integration>> = items.into_iter().collect();
    let mut out: Vec<IntegrationGroup<'a>> = items
        .iter()
        .take(LISTED_INTEGRATIONS)
        .map(|i| IntegrationGroup {
            label: short_name(&i.value.name),
            cites: vec![cite(*i)],
            members: vec![*i],
        })
        .collect();
    let rest = &items[items.len().min(LISTED_INTEGRATIONS)..];
    if !rest.is_empty() {
        // A short rest is named whole; a long one by its first few.
        let shown = if rest.len() <= 6 { rest.len() } else { 3 };
        let names: Vec<String> = rest
            .iter()
            .take(shown)
            .map(|i| short_name(&i.value.name))
            .collect();
        out.push(IntegrationGroup {
            label: format!(
                "each of the other {} integrations ({}{})",
                rest.len(),
                names.join(", "),
                if rest.len() > shown { ", …" } else { "" }
            ),
            cites: rest.iter().take(3).map(|i| cite(*i)).collect(),
            members: rest.to_vec(),
        });
    }
    out
}

pub fn short_name(name: &str) -> String {
    let base = match name.find(" (") {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    };
    let base = base.trim();
    let base = base
        .strip_prefix("our ")
        .or_else(|| base.strip_prefix("Our "))
        .or_else(|| base.strip_prefix("the "))
        .or_else(|| base.strip_prefix("The "))
        .unwrap_or(base);
    let mut c = base.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => name.to_string(),
    }
}
