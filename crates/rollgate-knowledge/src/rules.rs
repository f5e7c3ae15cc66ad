//! Planning rules kept as data: risk scenarios, edge cases to test, data
//! shape changes, prep steps, checks, limits and cleanup items, each with a
//! stable id and the facts it fires on.

use crate::KnowledgeError;
use serde::Deserialize;

/// What a rule contributes to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// A risk scenario with likelihood, impact and response.
    Scenario,
    /// Something the new system may handle differently; a test to write.
    EdgeCase,
    /// A change in the shape of data (types, encodings, collations…).
    ShapeChange,
    /// A preparation step before traffic moves.
    Prep,
    /// A verification check.
    Check,
    /// Something the plan does not solve.
    Limit,
    /// Something to remove or archive afterwards.
    Cleanup,
}

/// The conditions under which a rule fires; every stated one must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Migration family: database, datastore, framework, service, monolith-split.
    #[serde(default)]
    pub family: Vec<String>,
    /// Engine id of the source (after resolving managed services).
    #[serde(default)]
    pub source_engine: Vec<String>,
    #[serde(default)]
    pub target_engine: Vec<String>,
    /// Source and target engines differ (true) or are the same (false).
    pub engines_differ: Option<bool>,
    /// Any of these changes: version-upgrade, hosting-move, vendor-change.
    #[serde(default)]
    pub change: Vec<String>,
    /// Any of these strategy ids was chosen.
    #[serde(default)]
    pub strategy: Vec<String>,
    /// None of these strategy ids was chosen (a rule about replication
    /// words that a remodelling plan does not use).
    #[serde(default)]
    pub not_strategy: Vec<String>,
    /// The target runs on a hosting of one of these kinds (managed-database…).
    #[serde(default)]
    pub target_hosting_kind: Vec<String>,
    /// The target runs on one of these hostings (catalog ids).
    #[serde(default)]
    pub target_hosting: Vec<String>,
    #[serde(default)]
    pub source_hosting: Vec<String>,
    /// The source runs on a hosting of one of these kinds.
    #[serde(default)]
    pub source_hosting_kind: Vec<String>,
    /// Fires once per integration of one of these kinds.
    #[serde(default)]
    pub integration_kind: Vec<String>,
    /// Integrations of these kinds never match (even if another kind does).
    #[serde(default)]
    pub exclude_integration_kind: Vec<String>,
    /// Fires once per integration using one of these mechanisms.
    #[serde(default)]
    pub integration_mechanism: Vec<String>,
    /// The store is used for one of these (cache, sessions, job-queue, …).
    #[serde(default)]
    pub store_use: Vec<String>,
    /// The input says the team lacks (or does not mention) this capability.
    pub capability_absent: Option<String>,
    /// The input says the team has this capability.
    pub capability_present: Option<String>,
    /// Criticality at least this: low, medium, high, critical.
    pub min_criticality: Option<String>,
    /// Rollback tolerance at most this many minutes.
    pub max_tolerance_minutes: Option<u64>,
    /// Data size at least this many gigabytes.
    pub min_data_gb: Option<f64>,
    /// Peak rate at least this many per second.
    pub min_peak_rate: Option<f64>,
    /// Any of these technologies (catalog ids) plays `technology_role`.
    #[serde(default)]
    pub technology: Vec<String>,
    /// The role the technology must play: `subject` (source or target),
    /// `source`, `target`, `integration` (named as an integration point) or
    /// `mentioned` (anywhere, for tools whose mere presence matters). A
    /// rule that names a technology must say which: a payment provider
    /// listed as an integration is not the thing being replaced.
    pub technology_role: Option<String>,
    /// The team has not done a migration of this kind before.
    pub inexperienced: Option<bool>,
    /// The source major version is below this.
    pub source_major_below: Option<u32>,
    /// The version jump spans at least this many major versions.
    pub min_major_jump: Option<u32>,
}

/// One planning rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable kebab-case id, cited in plans (`because`).
    pub id: String,
    pub kind: RuleKind,
    pub title: String,
    /// The body: a scenario's response, an edge case's test, a prep step…
    /// `{source}`, `{target}`, `{integration}` and other placeholders are
    /// filled from the facts.
    pub text: String,
    pub likelihood: Option<String>,
    pub impact: Option<String>,
    /// For shape changes: low, medium, high.
    pub severity: Option<String>,
    /// Commands that go with the rule, by command id.
    #[serde(default)]
    pub commands: Vec<String>,
    #[serde(default)]
    pub when: When,
    /// Where the fact comes from (a vendor's or project's documentation
    /// page and version), so stale knowledge can be found.
    pub source: Option<String>,
    /// When `source` was last checked (`YYYY-MM`).
    pub as_of: Option<String>,
    /// The file the rule came from (set on load).
    #[serde(skip)]
    pub origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Rule>,
}

#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    rules: Vec<Rule>,
}

impl RuleBook {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let mut file: RuleFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for r in &mut file.rule {
            r.origin = origin.to_string();
        }
        for r in &file.rule {
            if r.id.is_empty()
                || !r
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(KnowledgeError::InvalidEntry {
                    origin: origin.to_string(),
                    id: r.id.clone(),
                    message: "rule id must be kebab-case ascii".into(),
                });
            }
            // Knowledge about one vendor's or engine's behaviour goes stale:
            // it says where it comes from and when that was checked.
            if r.when.technology_role.as_deref() == Some("target")
                && (r.source.is_none() || r.as_of.is_none())
            {
                return Err(KnowledgeError::InvalidEntry {
                    origin: origin.to_string(),
                    id: r.id.clone(),
                    message: "a rule about a target technology's behaviour needs source and as_of"
                        .into(),
                });
            }
            let roles = ["subject", "source", "target", "integration", "mentioned"];
            match (&r.when.technology_role, r.when.technology.is_empty()) {
                (None, false) => {
                    return Err(KnowledgeError::InvalidEntry {
                        origin: origin.to_string(),
                        id: r.id.clone(),
                        message: "a rule that names a technology needs technology_role (subject, source, target, integration or mentioned)".into(),
                    })
                }
                (Some(role), _) if !roles.contains(&role.as_str()) => {
                    return Err(KnowledgeError::InvalidEntry {
                        origin: origin.to_string(),
                        id: r.id.clone(),
                        message: format!("unknown technology_role `{role}`"),
                    })
                }
                _ => {}
            }
            if r.kind == RuleKind::Scenario && (r.likelihood.is_none() || r.impact.is_none()) {
                return Err(KnowledgeError::InvalidEntry {
                    origin: origin.to_string(),
                    id: r.id.clone(),
                    message: "a scenario needs likelihood and impact".into(),
                });
            }
        }
        Ok(Self { rules: file.rule })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn merge(&mut self, other: RuleBook) {
        for r in other.rules {
            match self.rules.iter_mut().find(|x| x.id == r.id) {
                Some(existing) => *existing = r,
                None => self.rules.push(r),
            }
        }
    }
}

/// A command template: `{placeholders}` are filled by the planner; hosts
/// and secrets stay placeholders.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandTemplate {
    pub id: String,
    /// Catalog id of the tool the command needs; the plan marks the command
    /// as an example when the input did not name that tool.
    pub tool: String,
    pub description: String,
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandFile {
    #[serde(default)]
    command: Vec<CommandTemplate>,
}

#[derive(Debug, Clone, Default)]
pub struct CommandBook {
    commands: Vec<CommandTemplate>,
}

impl CommandBook {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let file: CommandFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        Ok(Self {
            commands: file.command,
        })
    }

    pub fn get(&self, id: &str) -> Option<&CommandTemplate> {
        self.commands.iter().find(|c| c.id == id)
    }

    pub fn commands(&self) -> &[CommandTemplate] {
        &self.commands
    }

    pub fn merge(&mut self, other: CommandBook) {
        for c in other.commands {
            match self.commands.iter_mut().find(|x| x.id == c.id) {
                Some(existing) => *existing = c,
                None => self.commands.push(c),
            }
        }
    }
}

/// Throughputs and times the planner estimates with. They are stated in
/// every plan that uses them, so a team can replace them with its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estimates {
    /// Initial copy through logical replication or a CDC tool, GB per hour.
    pub logical_copy_gb_per_hour: f64,
    /// pg_dump/mysqldump plus restore with index builds, GB per hour overall.
    pub dump_restore_gb_per_hour: f64,
    /// Restoring a storage snapshot or a managed-service snapshot, GB per hour.
    pub snapshot_restore_gb_per_hour: f64,
    /// Fixed overhead of a restore (provisioning, checks), minutes.
    pub restore_overhead_minutes: f64,
    /// Flipping a flag in a flag service and seeing it take effect, minutes.
    pub flag_flip_minutes: f64,
    /// A rolling restart of one service to pick up new config, minutes.
    pub service_restart_minutes: f64,
    /// How many services a team restarts in parallel.
    pub restart_parallelism: f64,
    /// A full deploy of one service through CI, minutes.
    pub deploy_minutes: f64,
    /// A DNS change to take effect (TTL plus client caches), minutes.
    pub dns_change_minutes: f64,
    /// Pausing writes, draining, and promoting during a write cutover, minutes.
    pub write_cutover_minutes: f64,
    /// pg_upgrade in link mode plus restart, minutes.
    pub pg_upgrade_link_minutes: f64,
    /// Statistics rebuild after a load, GB per hour.
    pub analyze_gb_per_hour: f64,
}

impl When {
    /// The conditions in words, for the rules table.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let list = |name: &str, v: &Vec<String>, parts: &mut Vec<String>| {
            if !v.is_empty() {
                parts.push(format!("{name} ∈ {}", v.join("/")));
            }
        };
        list("family", &self.family, &mut parts);
        list("source engine", &self.source_engine, &mut parts);
        list("target engine", &self.target_engine, &mut parts);
        if let Some(d) = self.engines_differ {
            parts.push(if d {
                "engines differ".into()
            } else {
                "same engine".into()
            });
        }
        list("change", &self.change, &mut parts);
        list("strategy", &self.strategy, &mut parts);
        list("not strategy", &self.not_strategy, &mut parts);
        list("target hosting kind", &self.target_hosting_kind, &mut parts);
        list("target hosting", &self.target_hosting, &mut parts);
        list("source hosting", &self.source_hosting, &mut parts);
        list("source hosting kind", &self.source_hosting_kind, &mut parts);
        list("integration kind", &self.integration_kind, &mut parts);
        list(
            "not integration kind",
            &self.exclude_integration_kind,
            &mut parts,
        );
        list(
            "integration mechanism",
            &self.integration_mechanism,
            &mut parts,
        );
        list("store use", &self.store_use, &mut parts);
        let named = format!(
            "technology as {}",
            self.technology_role.as_deref().unwrap_or("mentioned")
        );
        list(&named, &self.technology, &mut parts);
        if let Some(c) = &self.capability_absent {
            parts.push(format!("no {c}"));
        }
        if let Some(c) = &self.capability_present {
            parts.push(format!("has {c}"));
        }
        if let Some(c) = &self.min_criticality {
            parts.push(format!("criticality ≥ {c}"));
        }
        if let Some(m) = self.max_tolerance_minutes {
            parts.push(format!("tolerance ≤ {m} min"));
        }
        if let Some(g) = self.min_data_gb {
            parts.push(format!("data ≥ {g} GB"));
        }
        if let Some(r) = self.min_peak_rate {
            parts.push(format!("peak ≥ {r}/s"));
        }
        if let Some(i) = self.inexperienced {
            parts.push(if i {
                "team new to this change".into()
            } else {
                "team experienced".into()
            });
        }
        if let Some(v) = self.source_major_below {
            parts.push(format!("source major < {v}"));
        }
        if let Some(j) = self.min_major_jump {
            parts.push(format!("major jump ≥ {j}"));
        }
        if parts.is_empty() {
            "always".into()
        } else {
            parts.join("; ")
        }
    }
}

impl RuleBook {
    /// The rules table in docs/rules-by-family.md, generated from the data
    /// so it cannot drift.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("# Rules by family

Generated from `crates/rollgate-knowledge/data/rules/*.toml` by `ROLLGATE_UPDATE_DOCS=1 cargo test -p rollgate-knowledge`; a test fails when this file and the data disagree.
");
        let mut files: Vec<&str> = self.rules.iter().map(|r| r.origin.as_str()).collect();
        files.dedup();
        for file in files {
            let family = file
                .trim_start_matches("builtin:rules/")
                .trim_end_matches(".toml");
            out.push_str(&format!(
                "\n## {family}\n\n| id | kind | title | fires when | source (as of) |\n|---|---|---|---|---|\n"
            ));
            for r in self.rules.iter().filter(|r| r.origin == file) {
                let kind = format!("{:?}", r.kind).to_lowercase();
                let source = match (&r.source, &r.as_of) {
                    (Some(s), Some(a)) => format!("{s} ({a})"),
                    (Some(s), None) => s.clone(),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} |\n",
                    r.id,
                    kind,
                    r.title.replace('|', "/"),
                    r.when.describe().replace('|', "/"),
                    source.replace('|', "/")
                ));
            }
        }
        out
    }
}
