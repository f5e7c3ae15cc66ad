//! The headed-text form: the same eleven parts written as headings of a
//! form or an email (`TEAM: …`, `Rollback tolerance: …`, `## Scale`)
//! rather than tags. Each heading is read as the tag it names, through a
//! list of the words people use for it; the mapping is said as a warning,
//! and a heading that names none of them keeps its text as uninterpreted,
//! under its own name, so the plan asks about it.
//!
//! A line is a heading only in the style the document's known headings
//! share (all capitals, Markdown `#`, or a capitalised label), so that
//! "Fragments: flip back whenever" inside an ALL-CAPS form stays content.

use crate::facts::Warning;
use crate::source::SourceText;
use crate::tagged::{Loose, Tag, TaggedDoc, TaggedField};

/// The words people head each part with, normalised (lower case, words
/// separated by single spaces).
const SYNONYMS: &[(Tag, &[&str])] = &[
    (
        Tag::MigrationType,
        &[
            "migration type",
            "migration",
            "type",
            "type of migration",
            "kind of migration",
            "what",
            "what is migrating",
            "change",
            "summary",
        ],
    ),
    (
        Tag::FromState,
        &[
            "from state",
            "from",
            "current state",
            "current",
            "current setup",
            "today",
            "as is",
            "source",
            "source system",
            "old system",
        ],
    ),
    (
        Tag::ToState,
        &[
            "to state",
            "to",
            "target state",
            "target",
            "target setup",
            "desired state",
            "future state",
            "to be",
            "destination",
            "new system",
        ],
    ),
    (
        Tag::Scale,
        &[
            "scale", "size", "volume", "volumes", "load", "traffic", "numbers",
        ],
    ),
    (
        Tag::Criticality,
        &[
            "criticality",
            "business criticality",
            "critical",
            "stakes",
            "impact",
            "sla",
            "slo",
            "slas",
        ],
    ),
    (
        Tag::RollbackAcceptableDelay,
        &[
            "rollback acceptable delay",
            "rollback",
            "rollback tolerance",
            "rollback window",
            "rollback delay",
            "rollback time",
            "acceptable rollback delay",
            "acceptable rollback time",
        ],
    ),
    (
        Tag::ExistingDualRunCapability,
        &[
            "existing dual run capability",
            "dual run capability",
            "dual run",
            "dual running",
            "existing capability",
            "existing capabilities",
            "existing tooling",
            "tooling",
            "feature flags",
            "flags",
            "monitoring",
            "observability",
        ],
    ),
    (
        Tag::TeamAvailability,
        &[
            "team availability",
            "team",
            "people",
            "staffing",
            "who",
            "owners",
            "availability",
        ],
    ),
    (
        Tag::PriorMigrationExperience,
        &[
            "prior migration experience",
            "prior experience",
            "experience",
            "history",
            "past migrations",
            "previous migrations",
            "prior migrations",
            "track record",
        ],
    ),
    (
        Tag::Constraints,
        &[
            "constraints",
            "constraint",
            "timeline",
            "timelines",
            "deadline",
            "deadlines",
            "dates",
            "schedule",
            "freezes",
            "freeze",
            "budget",
            "limits",
            "requirements",
        ],
    ),
    (
        Tag::IntegrationPoints,
        &[
            "integration points",
            "integrations",
            "integration",
            "dependencies",
            "consumers",
            "touchpoints",
            "systems",
            "connected systems",
        ],
    ),
];

/// How a document writes its headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `TEAM: …`
    Capitals,
    /// `## Team` or `# Team: …`
    Markdown,
    /// `Team: …`
    Label,
}

struct Candidate {
    /// Byte offset where the heading line starts.
    line_start: usize,
    /// Byte offset where the content after the heading starts.
    content_start: usize,
    label: String,
    tag: Option<Tag>,
    style: Style,
}

/// "Rollback-Tolerance" → "rollback tolerance".
fn normalise(label: &str) -> String {
    let cleaned: String = label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn tag_for(label: &str) -> Option<Tag> {
    let n = normalise(label);
    SYNONYMS
        .iter()
        .find(|(_, words)| words.contains(&n.as_str()))
        .map(|(t, _)| *t)
        .or_else(|| Tag::parse(&n.replace(' ', "-")))
}

/// The heading a line starts with, if it has the shape of one.
fn candidate(line: &str, line_start: usize) -> Option<Candidate> {
    let heading = crate::re!(
        r"^[ \t]{0,3}(#{1,4}[ \t]*)?(\*\*)?([A-Za-z][A-Za-z0-9 /&_'()-]{0,40}?)(\*\*)?[ \t]*(:|$)"
    );
    let c = heading.captures(line)?;
    let markdown = c.get(1).is_some();
    let colon = c.get(5).is_some_and(|m| m.as_str() == ":");
    // Without a colon only a Markdown heading is one.
    if !colon && !markdown {
        return None;
    }
    let label = c.get(3)?.as_str().trim();
    if label.split_whitespace().count() > 5 {
        return None;
    }
    let letters: Vec<char> = label.chars().filter(|c| c.is_alphabetic()).collect();
    let style = if markdown {
        Style::Markdown
    } else if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        Style::Capitals
    } else if label.starts_with(|c: char| c.is_uppercase()) {
        Style::Label
    } else {
        return None;
    };
    let mut content_start = line_start + c.get(0)?.end();
    // `**Team:**` closes its bold after the colon.
    if line[c.get(0)?.end()..].starts_with("**") {
        content_start += 2;
    }
    Some(Candidate {
        line_start,
        content_start,
        label: label.to_string(),
        tag: tag_for(label),
        style,
    })
}

/// Whether the text is written in the headed form: at least two lines head
/// a known part in one style.
pub fn looks_headed(text: &str) -> bool {
    chosen(&candidates(text)).is_some()
}

fn candidates(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        if let Some(c) = candidate(line.trim_end_matches(['\n', '\r']), at) {
            out.push(c);
        }
        at += line.len();
    }
    out
}

/// The document's heading style: the one most known headings share, when
/// at least two distinct parts are headed in it.
fn chosen(cands: &[Candidate]) -> Option<Style> {
    [Style::Capitals, Style::Markdown, Style::Label]
        .into_iter()
        .map(|s| {
            let mut tags: Vec<Tag> = cands
                .iter()
                .filter(|c| c.style == s)
                .filter_map(|c| c.tag)
                .collect();
            tags.sort();
            tags.dedup();
            (s, tags.len())
        })
        .filter(|(_, n)| *n >= 2)
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| s)
}

/// Reads the headed form, or None when the text is not in it.
pub fn parse(src: &SourceText) -> Option<TaggedDoc> {
    let text = src.text.as_str();
    let cands = candidates(text);
    let style = chosen(&cands)?;
    // In the capitals or Markdown style every heading of that style is one
    // (an unknown one is kept as uninterpreted); a capitalised label heads a
    // part only when it names one, since content lines look the same.
    let headings: Vec<&Candidate> = cands
        .iter()
        .filter(|c| c.style == style && (c.tag.is_some() || style != Style::Label))
        .collect();
    let mut doc = TaggedDoc::default();
    let first = headings.first()?.line_start;
    if !text[..first].trim().is_empty() {
        doc.loose.push(Loose {
            start: 0,
            end: first,
            unknown_tag: None,
            heading: false,
        });
    }
    let mut mapped: Vec<String> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map_or(text.len(), |n| n.line_start);
        let start = h.content_start.min(end);
        match h.tag {
            Some(tag) => {
                doc.fields.push(TaggedField { tag, start, end });
                if normalise(&h.label).replace(' ', "-") != tag.as_str() {
                    mapped.push(format!("{} → <{}>", h.label, tag.as_str()));
                }
            }
            None => {
                doc.warnings.push(Warning {
                    code: "unknown-heading".into(),
                    message: format!(
                        "heading \"{}\" names none of the parts rollgate reads: its text is not interpreted (known parts: {})",
                        h.label,
                        Tag::ALL.map(|t| t.as_str()).join(", ")
                    ),
                    span: Some(src.span(h.line_start, h.content_start)),
                });
                doc.loose.push(Loose {
                    start,
                    end,
                    unknown_tag: Some(h.label.clone()),
                    heading: true,
                });
            }
        }
    }
    if !mapped.is_empty() {
        doc.warnings.push(Warning {
            code: "heading-read-as-tag".into(),
            message: format!("headings read as tags: {}", mapped.join(", ")),
            span: None,
        });
    }
    for tag in Tag::ALL {
        if !doc.fields.iter().any(|f| f.tag == tag) {
            doc.warnings.push(Warning {
                code: "missing-tag".into(),
                message: format!("no <{}> part: {}", tag.as_str(), tag.default_note()),
                span: None,
            });
        }
    }
    Some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Option<TaggedDoc> {
        parse(&SourceText::new("in.txt", s))
    }

    fn parts<'a>(s: &'a str, doc: &TaggedDoc) -> Vec<(Tag, &'a str)> {
        doc.fields
            .iter()
            .map(|f| (f.tag, s[f.start..f.end].trim()))
            .collect()
    }

    #[test]
    fn capital_headings_with_synonyms_become_parts_and_content_colons_stay_content() {
        let s = "MIGRATION-TYPE: Cache swap, Memcached to Valkey.\n\
                 TEAM: Oskar (me) + Priya.\n\
                 ROLLBACK-TOLERANCE: Fragments: flip back whenever.\nRate limits: one reset is OK.\n\
                 TIMELINE: Cutover first half of March.\n\
                 CONSTRAINTS: No cutover 07:00-10:00 UTC.\n\
                 CONCERNS: Warm-up.\n";
        let doc = read(s).unwrap();
        let p = parts(s, &doc);
        assert_eq!(
            p,
            vec![
                (Tag::MigrationType, "Cache swap, Memcached to Valkey."),
                (Tag::TeamAvailability, "Oskar (me) + Priya."),
                (
                    Tag::RollbackAcceptableDelay,
                    "Fragments: flip back whenever.\nRate limits: one reset is OK."
                ),
                (Tag::Constraints, "Cutover first half of March."),
                (Tag::Constraints, "No cutover 07:00-10:00 UTC."),
            ]
        );
        // The unknown heading is kept, under its name, for the plan to ask.
        assert_eq!(doc.loose.len(), 1);
        assert_eq!(doc.loose[0].unknown_tag.as_deref(), Some("CONCERNS"));
        assert!(doc.warnings.iter().any(|w| w.code == "unknown-heading"));
        let said = doc
            .warnings
            .iter()
            .find(|w| w.code == "heading-read-as-tag")
            .unwrap();
        assert!(
            said.message.contains("TEAM → <team-availability>"),
            "{}",
            said.message
        );
    }

    #[test]
    fn markdown_and_label_styles_are_read_and_prose_is_not_a_form() {
        let md = "Hi all,\n\n## Current state\nMySQL 5.7 on EC2\n\n## Target\nAurora PostgreSQL 15\n\n## Notes\nsee wiki\n";
        let doc = read(md).unwrap();
        assert_eq!(
            parts(md, &doc),
            vec![
                (Tag::FromState, "MySQL 5.7 on EC2"),
                (Tag::ToState, "Aurora PostgreSQL 15")
            ]
        );
        assert_eq!(doc.loose.len(), 2, "the greeting and the Notes section");
        let labels = "Current setup: Redis 6 on EC2\nTarget: Valkey 8\nPlan: warm first\n";
        let doc = read(labels).unwrap();
        assert_eq!(
            parts(labels, &doc),
            vec![
                (Tag::FromState, "Redis 6 on EC2"),
                (Tag::ToState, "Valkey 8\nPlan: warm first")
            ]
        );
        // One label that happens to name a part is no form.
        assert!(read("We move Redis to Valkey.\nNote: the team is small.\n").is_none());
        assert!(read("Team: two people, both busy.\n").is_none());
    }
}
