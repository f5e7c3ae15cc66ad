//! How a plan treats each named integration point, as data: the first
//! treatment whose selectors match an integration gives it a prep step and
//! a check, so no integration the user named goes unaddressed.

use crate::KnowledgeError;
use serde::Deserialize;

const PLACEHOLDERS: &[&str] = &["integration", "old", "new"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Treatment {
    pub id: String,
    /// Catalog kinds of a technology the integration names.
    #[serde(default)]
    pub tech_kinds: Vec<String>,
    /// Integration kinds (webhook, batch-job, …).
    #[serde(default)]
    pub integration_kinds: Vec<String>,
    /// Words in the integration's own name ("dns", "dashboard").
    #[serde(default)]
    pub words: Vec<String>,
    /// Plan families it applies to; empty for all.
    #[serde(default)]
    pub families: Vec<String>,
    pub prep: String,
    pub check: String,
    /// What a rollback must also do for this integration, if anything.
    #[serde(default)]
    pub rollback: Option<String>,
}

impl Treatment {
    /// Whether it applies to an integration with these kinds in a plan of
    /// this family. A treatment without selectors matches everything.
    pub fn matches(
        &self,
        tech_kinds: &[&str],
        integration_kinds: &[&str],
        family: &str,
        name: &str,
    ) -> bool {
        let family_ok = self.families.is_empty() || self.families.iter().any(|f| f == family);
        let tech = self
            .tech_kinds
            .iter()
            .any(|k| tech_kinds.contains(&k.as_str()));
        let kind = self
            .integration_kinds
            .iter()
            .any(|k| integration_kinds.contains(&k.as_str()));
        let lower = name.to_ascii_lowercase();
        let word = self.words.iter().any(|w| {
            lower
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|t| t == w.as_str())
        });
        let open = self.tech_kinds.is_empty()
            && self.integration_kinds.is_empty()
            && self.words.is_empty();
        family_ok && (open || tech || kind || word)
    }
}

#[derive(Debug, Clone, Default)]
pub struct TreatmentBook {
    treatments: Vec<Treatment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TreatmentFile {
    treatment: Vec<Treatment>,
}

const BUILTIN: &str = include_str!("../data/integrations.toml");

fn check_placeholders(origin: &str, t: &Treatment) -> Result<(), KnowledgeError> {
    for text in [&t.prep, &t.check].into_iter().chain(t.rollback.as_ref()) {
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| KnowledgeError::InvalidEntry {
                    origin: origin.into(),
                    id: t.id.clone(),
                    message: "unclosed `{`".into(),
                })?;
            if !PLACEHOLDERS.contains(&&after[..close]) {
                return Err(KnowledgeError::InvalidEntry {
                    origin: origin.into(),
                    id: t.id.clone(),
                    message: format!("unknown placeholder {{{}}}", &after[..close]),
                });
            }
            rest = &after[close + 1..];
        }
    }
    Ok(())
}

impl TreatmentBook {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let file: TreatmentFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for t in &file.treatment {
            check_placeholders(origin, t)?;
        }
        Ok(Self {
            treatments: file.treatment,
        })
    }

    pub fn builtin() -> Result<Self, KnowledgeError> {
        let book = Self::from_toml(BUILTIN, "builtin:integrations.toml")?;
        // The last treatment catches every integration nothing else did.
        match book.treatments.last() {
            Some(t)
                if t.tech_kinds.is_empty()
                    && t.integration_kinds.is_empty()
                    && t.words.is_empty()
                    && t.families.is_empty() =>
            {
                Ok(book)
            }
            _ => Err(KnowledgeError::InvalidEntry {
                origin: "builtin:integrations.toml".into(),
                id: "integration.other".into(),
                message: "the last treatment must match every integration".into(),
            }),
        }
    }

    /// Adds treatments before the built-in ones, so a team's own win.
    pub fn merge(&mut self, other: TreatmentBook) {
        let mut mine = other.treatments;
        mine.retain(|t| !t.id.is_empty());
        self.treatments
            .retain(|t| !mine.iter().any(|m| m.id == t.id));
        mine.extend(std::mem::take(&mut self.treatments));
        self.treatments = mine;
    }

    /// The treatment for one integration.
    pub fn select(
        &self,
        tech_kinds: &[&str],
        integration_kinds: &[&str],
        family: &str,
        name: &str,
    ) -> Option<&Treatment> {
        self.treatments
            .iter()
            .find(|t| t.matches(tech_kinds, integration_kinds, family, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_treatment_wins_and_every_integration_gets_one() {
        let b = TreatmentBook::builtin().unwrap();
        assert_eq!(
            b.select(&["cms"], &["webhook"], "framework", "x")
                .unwrap()
                .id,
            "integration.cms-framework"
        );
        assert_eq!(
            b.select(&["cms"], &["webhook"], "service", "x").unwrap().id,
            "integration.cms"
        );
        assert_eq!(
            b.select(&["test-runner"], &[], "database", "x").unwrap().id,
            "integration.test-suite"
        );
        assert_eq!(
            b.select(&[], &["webhook"], "database", "x").unwrap().id,
            "integration.webhook"
        );
        assert_eq!(
            b.select(&[], &["other"], "service", "x").unwrap().id,
            "integration.other"
        );
    }

    #[test]
    fn unknown_placeholders_are_refused() {
        let e = TreatmentBook::from_toml(
            "[[treatment]]\nid = \"x\"\nprep = \"{nope}\"\ncheck = \"c\"\n",
            "t",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown placeholder {nope}"), "{e}");
    }
}
