//! rollgate's knowledge, kept as data files rather than strings in code.
//!
//! The built-in files live under `data/` and are compiled into the binary;
//! [`Knowledge::load_dir`] adds a user's own packs on top (`--knowledge DIR`).
//! This crate only loads and validates the data: matching it against prose is
//! the intake stage's job, and reasoning with it is the planner's.

mod catalog;
mod error;
mod integrations;
mod lexicon;
mod playbook;
mod release_lines;
mod rules;
mod vocab;

pub use catalog::{Catalog, TechKind, Technology};
pub use error::KnowledgeError;
pub use integrations::{Treatment, TreatmentBook};
pub use lexicon::{Lexicon, Term};
pub use playbook::{
    covers_calendar_days, AlertTemplate, CriterionTemplate, Item, Level, PhaseTemplate,
    PlatformRollback, Playbook, PlaybookBook, RollbackTemplate, RollbackTime, Routing, Words,
    CONDITIONS, PLACEHOLDERS,
};
pub use release_lines::{ReleaseBook, ReleaseLine, SupportDate};
pub use rules::{CommandBook, CommandTemplate, Estimates, Rule, RuleBook, RuleKind, When};
pub use vocab::{
    CountryHolidays, HolidayBook, HolidayRule, Role, RoleBook, TimeZoneBook, ZoneWords,
};

use std::path::Path;

/// Everything rollgate knows, loaded once and passed by reference.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub catalog: Catalog,
    pub zones: TimeZoneBook,
    pub roles: RoleBook,
    pub rules: RuleBook,
    pub commands: CommandBook,
    pub estimates: Estimates,
    pub holidays: HolidayBook,
    /// Words that belong to one family's mechanics (the plan checker's).
    pub lexicon: Lexicon,
    /// Each family's own words and phase templates.
    pub playbooks: PlaybookBook,
    /// How each named integration point is treated.
    pub integrations: TreatmentBook,
    /// Release lines and the dates their support ends.
    pub release_lines: ReleaseBook,
}

const BUILTIN_TECHNOLOGIES: &str = include_str!("../data/technologies.toml");
const BUILTIN_TIMEZONES: &str = include_str!("../data/timezones.toml");
const BUILTIN_ROLES: &str = include_str!("../data/roles.toml");
const BUILTIN_RULES: &[(&str, &str)] = &[
    (
        "builtin:rules/database.toml",
        include_str!("../data/rules/database.toml"),
    ),
    (
        "builtin:rules/general.toml",
        include_str!("../data/rules/general.toml"),
    ),
    (
        "builtin:rules/datastore.toml",
        include_str!("../data/rules/datastore.toml"),
    ),
    (
        "builtin:rules/framework.toml",
        include_str!("../data/rules/framework.toml"),
    ),
    (
        "builtin:rules/service.toml",
        include_str!("../data/rules/service.toml"),
    ),
    (
        "builtin:rules/monolith.toml",
        include_str!("../data/rules/monolith.toml"),
    ),
];
const BUILTIN_COMMANDS: &str = include_str!("../data/commands.toml");
const BUILTIN_ESTIMATES: &str = include_str!("../data/estimates.toml");
const BUILTIN_HOLIDAYS: &str = include_str!("../data/holidays.toml");
const BUILTIN_RELEASE_LINES: &str = include_str!("../data/release-lines.toml");

impl Knowledge {
    /// The knowledge that ships with rollgate.
    pub fn builtin() -> Result<Self, KnowledgeError> {
        let catalog = Catalog::from_toml(BUILTIN_TECHNOLOGIES, "builtin:technologies.toml")?;
        // Release lines name catalog ids, so they are checked against it.
        let release_lines = ReleaseBook::from_toml(
            BUILTIN_RELEASE_LINES,
            "builtin:release-lines.toml",
            &catalog,
        )?;
        Ok(Self {
            catalog,
            zones: TimeZoneBook::from_toml(BUILTIN_TIMEZONES, "builtin:timezones.toml")?,
            roles: RoleBook::from_toml(BUILTIN_ROLES, "builtin:roles.toml")?,
            rules: {
                let mut book = RuleBook::default();
                for (origin, text) in BUILTIN_RULES {
                    book.merge(RuleBook::from_toml(text, origin)?);
                }
                book
            },
            commands: CommandBook::from_toml(BUILTIN_COMMANDS, "builtin:commands.toml")?,
            estimates: toml::from_str(BUILTIN_ESTIMATES).map_err(|e| KnowledgeError::Parse {
                origin: "builtin:estimates.toml".into(),
                message: e.to_string(),
            })?,
            holidays: HolidayBook::from_toml(BUILTIN_HOLIDAYS, "builtin:holidays.toml")?,
            lexicon: Lexicon::builtin()?,
            playbooks: PlaybookBook::builtin()?,
            integrations: TreatmentBook::builtin()?,
            release_lines,
        })
    }

    /// Adds the packs found in `dir`: any `technologies*.toml`,
    /// `timezones*.toml` and `roles*.toml` file. An entry whose id already
    /// exists replaces the built-in one, so a team can correct our data.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), KnowledgeError> {
        let entries = std::fs::read_dir(dir).map_err(|source| KnowledgeError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for path in files {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).map_err(|source| KnowledgeError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let origin = path.display().to_string();
            if name.starts_with("technologies") {
                self.catalog.merge(Catalog::from_toml(&text, &origin)?);
            } else if name.starts_with("timezones") {
                self.zones.merge(TimeZoneBook::from_toml(&text, &origin)?);
            } else if name.starts_with("roles") {
                self.roles.merge(RoleBook::from_toml(&text, &origin)?);
            } else if name.starts_with("rules") {
                self.rules.merge(RuleBook::from_toml(&text, &origin)?);
            } else if name.starts_with("commands") {
                self.commands.merge(CommandBook::from_toml(&text, &origin)?);
            } else if name.starts_with("holidays") {
                self.holidays.merge(HolidayBook::from_toml(&text, &origin)?);
            } else if name.starts_with("lexicon") {
                self.lexicon.merge(Lexicon::from_toml(&text, &origin)?);
            } else if name.starts_with("integrations") {
                self.integrations
                    .merge(TreatmentBook::from_toml(&text, &origin)?);
            } else if name.starts_with("playbook") {
                self.playbooks
                    .merge(PlaybookBook::from_toml(&text, &origin)?);
            } else if name.starts_with("release-lines") {
                self.release_lines
                    .load_pack(&text, &origin, &self.catalog)?;
            } else if name.starts_with("estimates") {
                self.estimates = toml::from_str(&text).map_err(|e| KnowledgeError::Parse {
                    origin: origin.clone(),
                    message: e.to_string(),
                })?;
            } else {
                return Err(KnowledgeError::UnknownPack { path: origin });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_knowledge_loads_and_is_large_enough() {
        let k = Knowledge::builtin().unwrap();
        assert!(k.catalog.technologies().len() >= 80, "catalog too small");
        assert!(k.zones.zones().len() >= 30);
        assert!(k.roles.roles().len() >= 10);
    }

    #[test]
    fn every_catalog_kind_family_is_covered() {
        let k = Knowledge::builtin().unwrap();
        for kind in [
            TechKind::RelationalDatabase,
            TechKind::DocumentDatabase,
            TechKind::ManagedDatabase,
            TechKind::Cache,
            TechKind::Queue,
            TechKind::Stream,
            TechKind::SearchEngine,
            TechKind::Warehouse,
            TechKind::Cdc,
            TechKind::WebFramework,
            TechKind::Runtime,
            TechKind::AuthSaas,
            TechKind::EmailSaas,
            TechKind::PaymentSaas,
            TechKind::SmsSaas,
            TechKind::AnalyticsSaas,
            TechKind::FeatureFlags,
            TechKind::Deploy,
            TechKind::ProgressiveDelivery,
            TechKind::Orchestrator,
            TechKind::Cloud,
        ] {
            assert!(
                k.catalog.technologies().iter().any(|t| t.kind == kind),
                "no technology of kind {kind:?}"
            );
        }
    }

    #[test]
    fn rules_and_commands_refer_to_things_that_exist() {
        let k = Knowledge::builtin().unwrap();
        assert!(k.rules.rules().len() >= 30);
        for r in k.rules.rules() {
            for c in &r.commands {
                assert!(
                    k.commands.get(c).is_some(),
                    "rule {} names unknown command {c}",
                    r.id
                );
            }
            for t in &r.when.technology {
                assert!(
                    k.catalog.get(t).is_some(),
                    "rule {} names unknown technology {t}",
                    r.id
                );
            }
            for h in r.when.target_hosting.iter().chain(&r.when.source_hosting) {
                assert!(
                    k.catalog.get(h).is_some(),
                    "rule {} names unknown hosting {h}",
                    r.id
                );
            }
        }
        for c in k.commands.commands() {
            // `rollgate` is this tool itself, not a technology of the input.
            assert!(
                c.tool == "rollgate" || k.catalog.get(&c.tool).is_some(),
                "command {} needs unknown tool {}",
                c.id,
                c.tool
            );
        }
        let mut ids: Vec<&str> = k.rules.rules().iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "rule ids are unique");
    }

    #[test]
    fn the_rules_table_in_docs_matches_the_data() {
        let k = Knowledge::builtin().unwrap();
        let table = k.rules.markdown_table();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules-by-family.md");
        if std::env::var_os("ROLLGATE_UPDATE_DOCS").is_some() {
            std::fs::write(path, &table).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(committed == table, "docs/rules-by-family.md is stale: run ROLLGATE_UPDATE_DOCS=1 cargo test -p rollgate-knowledge");
        for family in [
            "database",
            "datastore",
            "framework",
            "service",
            "monolith",
            "general",
        ] {
            assert!(table.contains(&format!("## {family}")), "{family}");
        }
    }

    #[test]
    fn the_playbooks_page_in_docs_matches_the_data() {
        let k = Knowledge::builtin().unwrap();
        let page = k.playbooks.markdown();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/playbooks.md");
        if std::env::var_os("ROLLGATE_UPDATE_DOCS").is_some() {
            std::fs::write(path, &page).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == page,
            "docs/playbooks.md is stale: run ROLLGATE_UPDATE_DOCS=1 cargo test -p rollgate-knowledge"
        );
    }

    #[test]
    fn the_release_lines_page_in_docs_matches_the_data() {
        let k = Knowledge::builtin().unwrap();
        let page = k.release_lines.markdown(&k.catalog);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/release-lines.md");
        if std::env::var_os("ROLLGATE_UPDATE_DOCS").is_some() {
            std::fs::write(path, &page).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == page,
            "docs/release-lines.md is stale: run ROLLGATE_UPDATE_DOCS=1 cargo test -p rollgate-knowledge"
        );
    }

    #[test]
    fn a_release_lines_pack_corrects_a_builtin_line() {
        let dir = std::env::temp_dir().join(format!("rollgate-rl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("release-lines-team.toml"),
            "[[line]]\ntechnology = \"postgresql\"\nline = \"14\"\nsupport_ends = \"2026-12-31\"\nsource = \"https://example.org/our-support-contract\"\nas_of = \"2026-11-29\"\n",
        )
        .unwrap();
        let mut k = Knowledge::builtin().unwrap();
        // The pack has no [[scheme]]: it relies on the built-in one.
        let loaded = k.load_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        loaded.unwrap();
        let pg14 = k.release_lines.find("postgresql", None, "14.7").unwrap();
        assert_eq!(pg14.support_ends.to_string(), "2026-12-31");
        assert_eq!(pg14.source, "https://example.org/our-support-contract");
    }

    #[test]
    fn a_rule_naming_a_technology_without_a_role_is_refused() {
        let rule = |role: &str| {
            format!(
                "[[rule]]\nid = \"x\"\nkind = \"prep\"\ntitle = \"t\"\ntext = \"t\"\n[rule.when]\ntechnology = [\"stripe\"]\n{role}"
            )
        };
        let e = RuleBook::from_toml(&rule(""), "t").unwrap_err().to_string();
        assert!(e.contains("needs technology_role"), "{e}");
        let e = RuleBook::from_toml(&rule("technology_role = \"nearby\""), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown technology_role `nearby`"), "{e}");
        RuleBook::from_toml(&rule("technology_role = \"subject\""), "t").unwrap();
    }

    #[test]
    fn playbook_platforms_and_commands_exist() {
        let k = Knowledge::builtin().unwrap();
        for pb in k.playbooks.playbooks() {
            for p in &pb.platform {
                assert!(
                    k.catalog.get(&p.technology).is_some(),
                    "playbook {} names unknown platform {}",
                    pb.id,
                    p.technology
                );
                if let Some(c) = &p.command {
                    assert!(
                        k.commands.get(c).is_some(),
                        "playbook {} names unknown command {c}",
                        pb.id
                    );
                }
            }
            for t in pb.routing.trains.keys() {
                assert!(
                    k.catalog.get(t).is_some(),
                    "playbook {} has a train for unknown {t}",
                    pb.id
                );
            }
        }
    }

    #[test]
    fn user_pack_overrides_and_extends() {
        let dir = std::env::temp_dir().join(format!("rollgate-k-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("technologies-extra.toml"),
            "[[technology]]\nid = \"acmedb\"\nname = \"AcmeDB\"\nkind = \"relational-database\"\naliases = [\"acmedb\"]\n",
        )
        .unwrap();
        let mut k = Knowledge::builtin().unwrap();
        k.load_dir(&dir).unwrap();
        assert!(k.catalog.get("acmedb").is_some());
        std::fs::write(dir.join("bogus.toml"), "x = 1").unwrap();
        assert!(matches!(
            k.load_dir(&dir),
            Err(KnowledgeError::UnknownPack { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
