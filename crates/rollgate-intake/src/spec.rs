//! The structured spec: one schema, written as TOML, YAML or JSON. Every
//! field of the tagged form has a typed home here, and every section also
//! takes free prose (`description`) that is read like the tagged form.

use crate::error::{IntakeError, Location, Problem};
use crate::facts::{Criticality, Family, IntegrationKind};
use crate::source::SourceText;
use schemars::JsonSchema;
use serde::Deserialize;

/// A rollgate migration spec.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// A short title for the plan.
    pub title: Option<String>,
    /// What kind of migration this is, in words and as a family.
    pub migration: Option<MigrationSpec>,
    /// The system today (the tagged form's `from-state`).
    pub source: Option<SystemSpec>,
    /// The system to move to (`to-state`).
    pub target: Option<SystemSpec>,
    pub scale: Option<ScaleSpec>,
    pub criticality: Option<CriticalitySpec>,
    /// How fast a rollback must be (`rollback-acceptable-delay`).
    pub rollback: Option<RollbackSpec>,
    /// What the team can already do (`existing-dual-run-capability`).
    pub capabilities: Option<CapabilitiesSpec>,
    /// Who is available (`team-availability`).
    pub team: Option<TeamSpec>,
    /// What the team has done before (`prior-migration-experience`).
    pub experience: Option<ExperienceSpec>,
    pub constraints: Option<ConstraintsSpec>,
    /// Systems upstream and downstream (`integration-points`).
    #[serde(default)]
    pub integrations: Vec<IntegrationSpec>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrationSpec {
    /// The family, which picks the planning playbook.
    pub family: Option<Family>,
    /// Free text, e.g. "Postgres 14 on EC2 → Postgres 16 on RDS".
    pub description: Option<String>,
    /// For datastores: what the store is used for (cache, sessions,
    /// job-queue, rate-limiter, locks, pub-sub, search-index, leaderboard).
    #[serde(default)]
    pub uses: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemSpec {
    /// A catalog id or name: "postgresql", "Redis", "Auth0".
    pub technology: Option<String>,
    /// e.g. "14.7".
    pub version: Option<String>,
    /// Where it runs: "aws-rds", "EC2", "self-hosted", "on-prem".
    pub hosting: Option<String>,
    /// e.g. "db.r6i.xlarge".
    pub instance_class: Option<String>,
    pub description: Option<String>,
}

/// A number, or text with a unit ("600 GB", "12K/s").
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleSpec {
    /// "600 GB", "1.2 TB"; a bare number is read as gigabytes.
    pub data_size: Option<NumberOrText>,
    /// "12000 queries/s", "5k rps".
    #[serde(default)]
    pub peak_rates: Vec<String>,
    /// Services and workers that connect.
    pub consumers: Option<u64>,
    pub customers: Option<u64>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriticalitySpec {
    pub level: Option<Criticality>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackSpec {
    /// "15 minutes", "1h", "half a day"; a bare number is minutes.
    pub acceptable_delay: Option<NumberOrText>,
    pub description: Option<String>,
}

/// Yes or no, or words saying how ("env var per service").
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BoolOrText {
    Bool(bool),
    Text(String),
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapabilitiesSpec {
    /// A feature-flag product ("launchdarkly"), or "none".
    pub flag_provider: Option<String>,
    pub read_routing: Option<BoolOrText>,
    pub dual_write: Option<BoolOrText>,
    /// A progressive-delivery tool ("argo-rollouts"), or "none".
    pub canary_tooling: Option<String>,
    pub blue_green: Option<bool>,
    /// Whether config changes take effect without a deploy.
    pub config_without_deploy: Option<bool>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    /// A role id or name: "backend-engineer", "DBA", "SRE".
    pub role: String,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub contractor: bool,
    #[serde(default)]
    pub part_time: bool,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
    pub size: Option<u32>,
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    /// IANA names ("America/Los_Angeles") or region words ("Pacific").
    #[serde(default)]
    pub time_zones: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperienceSpec {
    /// How many comparable migrations the team has done.
    pub prior_migrations: Option<u32>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeSpec {
    pub name: Option<String>,
    /// First frozen day, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last frozen day, YYYY-MM-DD.
    pub to: Option<String>,
    /// A recurring rule in words: "last 2 business days of every month",
    /// "no deploys on Fridays".
    pub rule: Option<String>,
}

/// A recurring window in which changes may be made.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeWindowSpec {
    /// Weekdays: "mon" … "sun".
    pub days: Vec<String>,
    /// Local start, "HH:MM".
    pub from: String,
    /// Local end, "HH:MM".
    pub to: String,
    /// The IANA zone the hours are in ("UTC", "Europe/Oslo"); the team's
    /// own zone when left out.
    #[serde(default)]
    pub zone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstraintsSpec {
    /// YYYY-MM-DD, or words: "by Q3 2026", "end of June".
    pub deadline: Option<String>,
    /// "3 months", "8 weeks".
    pub preferred_duration: Option<String>,
    pub max_duration: Option<String>,
    /// Tools the team may use: "aws-dms", "pglogical".
    #[serde(default)]
    pub budgeted_tools: Vec<String>,
    #[serde(default)]
    pub freeze_windows: Vec<FreezeSpec>,
    /// Extra non-working days, YYYY-MM-DD.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// ISO 3166 codes whose public holidays apply ("US", "DE").
    #[serde(default)]
    pub holiday_countries: Vec<String>,
    /// When transitions may happen, in the team's time zone. Default:
    /// Tuesday to Thursday 09:00–15:00 for medium criticality and above.
    #[serde(default)]
    pub change_windows: Vec<ChangeWindowSpec>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationSpec {
    pub name: Option<String>,
    pub kind: Option<IntegrationKind>,
    /// A catalog id or name, e.g. "stripe", "snowflake".
    pub technology: Option<String>,
    /// How many (services, consumers…), when it is a group.
    pub count: Option<u64>,
    pub description: Option<String>,
}

/// The JSON Schema of [`Spec`], as printed by `rollgate schema spec`.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Spec);
    serde_json::to_value(schema).expect("a schema serialises")
}

/// Which serialisation a spec file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecFormat {
    Toml,
    Yaml,
    Json,
}

impl SpecFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Toml => "toml",
            Self::Yaml => "yaml",
            Self::Json => "json",
        }
    }
}

/// Parses a spec, mapping parser errors to `file:line:col` problems with a
/// did-you-mean for misspelt keys and values.
pub fn parse(src: &SourceText, format: SpecFormat) -> Result<Spec, IntakeError> {
    let result = match format {
        SpecFormat::Toml => toml::from_str::<Spec>(&src.text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            (Some(offset), e.message().to_string())
        }),
        SpecFormat::Json => serde_json::from_str::<Spec>(&src.text).map_err(|e| {
            let offset = (e.line() > 0).then(|| src.offset_of(e.line(), e.column().max(1)));
            (offset, strip_json_position(&e.to_string()))
        }),
        SpecFormat::Yaml => {
            if src.text.trim().is_empty() {
                Ok(Spec::default())
            } else {
                serde_norway::from_str::<Spec>(&src.text).map_err(|e| {
                    let offset = e.location().map(|l| src.offset_of(l.line(), l.column()));
                    (offset, strip_yaml_position(&e.to_string()))
                })
            }
        }
    };
    result.map_err(|(offset, message)| {
        let help = did_you_mean(&message);
        let location = offset.map(|o| {
            let (line, column) = src.line_col(o);
            Location {
                file: src.name.clone(),
                line,
                column,
            }
        });
        IntakeError::invalid(Problem {
            excerpt: offset.map(|o| src.excerpt(o)),
            location,
            message: format!(
                "invalid {} spec: {}",
                format.as_str().to_uppercase(),
                // A parser's message can quote the offending value whole.
                crate::source::quoted(message.trim(), 300)
            ),
            help,
        })
    })
}

fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn strip_yaml_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (and unknown
/// variants), suggests the closest expected name.
pub fn did_you_mean(message: &str) -> Option<String> {
    let re = crate::re!(r"unknown (field|variant) `([^`]*)`, expected (?:one of )?(.*)");
    let caps = re.captures(message)?;
    let got = &caps[2];
    let expected: Vec<&str> = caps[3]
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    let best = expected
        .iter()
        .map(|e| (e, strsim::damerau_levenshtein(&got.to_ascii_lowercase(), e)))
        .filter(|(e, d)| *d <= 3.max(e.len() / 3))
        .min_by_key(|(_, d)| *d);
    Some(match best {
        Some((e, _)) => format!("did you mean `{e}`?"),
        None => format!("expected one of: {}", expected.join(", ")),
    })
}

/// Finds where a structured value sits in the file: inside the section
/// named by `path`'s leading segments (`target` in `target.technology`,
/// the second `integrations` for `integrations[1].name`), the first
/// occurrence of `value` after the key. Used to point errors and facts at
/// values that parsed but still need a place.
pub fn locate(src: &SourceText, path: &str, value: &str) -> Option<usize> {
    Locator::new(src).locate(path, value)
}

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A section name searched for after a byte offset.
type SectionSearch = (usize, String);

/// Finds where structured values were written, remembering where each
/// section name occurs, so locating every item of a long list costs time
/// linear in the input rather than a scan per item.
pub struct Locator<'a> {
    src: &'a SourceText,
    /// Whole-word occurrences of a section name after an offset.
    occurrences: RefCell<HashMap<SectionSearch, Rc<Vec<usize>>>>,
}

/// How far past its key a value is looked for; a value further away was
/// written in a way the search cannot match (escapes, block scalars).
const VALUE_REACH: usize = 64 * 1024;

impl<'a> Locator<'a> {
    pub fn new(src: &'a SourceText) -> Self {
        Self {
            src,
            occurrences: Default::default(),
        }
    }

    fn occurrences(&self, from: usize, name: &str) -> Rc<Vec<usize>> {
        let key = (from, name.to_string());
        if let Some(found) = self.occurrences.borrow().get(&key) {
            return found.clone();
        }
        let text = &self.src.text[from..];
        let found: Rc<Vec<usize>> = Rc::new(
            text.match_indices(name)
                .map(|(i, _)| i)
                .filter(|&i| is_whole_word(text, i, name.len()))
                .map(|i| from + i)
                .collect(),
        );
        self.occurrences.borrow_mut().insert(key, found.clone());
        found
    }

    /// Byte offset of `value` as written for the dotted `path`
    /// (`integrations[2].name`), when it can be found.
    pub fn locate(&self, path: &str, value: &str) -> Option<usize> {
        let text = &self.src.text;
        let segments: Vec<&str> = path.split('.').collect();
        let (key, sections) = segments.split_last()?;
        let mut from = 0;
        for section in sections {
            let (name, index) = match section.split_once('[') {
                Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().unwrap_or(0)),
                None => (*section, 0),
            };
            let at = *self.occurrences(from, name).get(index)?;
            from = at + name.len();
        }
        let key = key.split('[').next().unwrap_or(key);
        let key_at = from + find_word(&text[from..ahead_end(text, from)], key).unwrap_or(0);
        let window = &text[key_at..ahead_end(text, key_at)];
        window.find(value).map(|v| key_at + v).or_else(|| {
            // A small input may hold the value before its key (flow style).
            (text.len() <= VALUE_REACH)
                .then(|| text.find(value))
                .flatten()
        })
    }
}

fn ahead_end(text: &str, from: usize) -> usize {
    let mut end = (from + VALUE_REACH).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn is_whole_word(text: &str, i: usize, len: usize) -> bool {
    let before = text[..i].chars().next_back();
    let after = text[i + len..].chars().next();
    before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        && after.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
}

/// Byte offset of `word` in `text` as a whole word (not inside another key).
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| is_whole_word(text, i, word.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str, format: SpecFormat) -> String {
        parse(&SourceText::new("spec", text), format)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_a_place() {
        let e = err("[source]\ntechnolgy = \"postgresql\"\n", SpecFormat::Toml);
        assert!(e.contains("spec:2:1"), "{e}");
        assert!(e.contains("did you mean `technology`?"), "{e}");
        let e = err("{\"source\": {\"verison\": \"14\"}}", SpecFormat::Json);
        assert!(e.contains("spec:1:"), "{e}");
        assert!(e.contains("did you mean `version`?"), "{e}");
        let e = err("team:\n  sise: 4\n", SpecFormat::Yaml);
        assert!(e.contains("spec:2:"), "{e}");
        assert!(e.contains("did you mean `size`?"), "{e}");
    }

    #[test]
    fn wrong_types_and_values_are_located() {
        let e = err("[team]\nsize = \"four\"\n", SpecFormat::Toml);
        assert!(e.contains("spec:2:"), "{e}");
        let e = err("[criticality]\nlevel = \"critcal\"\n", SpecFormat::Toml);
        assert!(e.contains("did you mean `critical`?"), "{e}");
        let e = err("[scale]\nconsumers = -5\n", SpecFormat::Toml);
        assert!(e.contains("spec:2:"), "{e}");
    }

    #[test]
    fn malformed_syntax_is_located() {
        assert!(err("[source\n", SpecFormat::Toml).contains("spec:1:"));
        assert!(err("{\"title\": ", SpecFormat::Json).contains("spec:1:"));
        assert!(err("a: [1, 2\n", SpecFormat::Yaml).contains("spec:"));
    }

    #[test]
    fn locate_respects_sections() {
        let src = SourceText::new("s", "[source]\ntechnology = \"pg\"\n[target]\ntechnology = \"pg\"\n[[integrations]]\nname = \"a\"\n[[integrations]]\nname = \"a\"\n");
        assert_eq!(
            src.line_col(locate(&src, "source.technology", "pg").unwrap())
                .0,
            2
        );
        assert_eq!(
            src.line_col(locate(&src, "target.technology", "pg").unwrap())
                .0,
            4
        );
        assert_eq!(
            src.line_col(locate(&src, "integrations[1].name", "a").unwrap())
                .0,
            8
        );
    }

    #[test]
    fn schema_has_every_section() {
        let s = json_schema().to_string();
        for key in [
            "source",
            "target",
            "scale",
            "criticality",
            "rollback",
            "capabilities",
            "team",
            "experience",
            "constraints",
            "integrations",
            "freeze_windows",
            "time_zones",
            "budgeted_tools",
        ] {
            assert!(s.contains(key), "{key}");
        }
    }
}
