//! The per-family lexicon: words that belong to one family's mechanics
//! (replication lag → databases, DKIM → email, refunds → payments), and
//! what licenses a plan to use them. The plan checker reads it.

use crate::KnowledgeError;
use serde::Deserialize;

/// One family-specific term, with every way the plan may say it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Stable id, `family.term`.
    pub id: String,
    /// Matched case-insensitively on word boundaries.
    pub words: Vec<String>,
    /// Plan families (`summary.family`) whose mechanics include it.
    #[serde(default)]
    pub families: Vec<String>,
    /// Catalog kinds: naming a technology of one of them licenses it.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Integration kinds that license it.
    #[serde(default)]
    pub integrations: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    terms: Vec<Term>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    term: Vec<Term>,
}

const BUILTIN_LEXICON: &str = include_str!("../data/lexicon.toml");

impl Lexicon {
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, KnowledgeError> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for t in &file.term {
            if t.words.iter().any(|w| w.trim().is_empty()) || t.words.is_empty() {
                return Err(KnowledgeError::InvalidEntry {
                    origin: origin.to_string(),
                    id: t.id.clone(),
                    message: "a term needs at least one non-empty word".into(),
                });
            }
        }
        Ok(Self { terms: file.term })
    }

    /// The lexicon that ships with rollgate.
    pub fn builtin() -> Result<Self, KnowledgeError> {
        Self::from_toml(BUILTIN_LEXICON, "builtin:lexicon.toml")
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Adds or replaces terms by id.
    pub fn merge(&mut self, other: Lexicon) {
        for t in other.terms {
            match self.terms.iter_mut().find(|x| x.id == t.id) {
                Some(x) => *x = t,
                None => self.terms.push(t),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_loads_with_unique_ids() {
        let l = Lexicon::builtin().unwrap();
        assert!(l.terms().len() >= 8);
        let mut ids: Vec<&str> = l.terms().iter().map(|t| t.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), l.terms().len());
        assert!(l
            .terms()
            .iter()
            .any(|t| t.words.iter().any(|w| w == "replication lag")));
    }

    #[test]
    fn a_term_without_words_is_refused() {
        let e = Lexicon::from_toml("[[term]]\nid = \"x\"\nwords = []\n", "t").unwrap_err();
        assert!(e.to_string().contains("non-empty word"));
    }
}
