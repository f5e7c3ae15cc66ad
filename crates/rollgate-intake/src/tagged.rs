//! The tagged-text form: `<migration-type>…</migration-type>` and the ten
//! other tags of the seed page, in any order, with prose between them.

use crate::error::{IntakeError, Location, Problem, Problems};
use crate::facts::Warning;
use crate::source::SourceText;

/// The eleven tags of the tagged form, in the order a reader expects them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tag {
    MigrationType,
    FromState,
    ToState,
    Scale,
    Criticality,
    RollbackAcceptableDelay,
    ExistingDualRunCapability,
    TeamAvailability,
    PriorMigrationExperience,
    Constraints,
    IntegrationPoints,
}

impl Tag {
    pub const ALL: [Tag; 11] = [
        Tag::MigrationType,
        Tag::FromState,
        Tag::ToState,
        Tag::Scale,
        Tag::Criticality,
        Tag::RollbackAcceptableDelay,
        Tag::ExistingDualRunCapability,
        Tag::TeamAvailability,
        Tag::PriorMigrationExperience,
        Tag::Constraints,
        Tag::IntegrationPoints,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tag::MigrationType => "migration-type",
            Tag::FromState => "from-state",
            Tag::ToState => "to-state",
            Tag::Scale => "scale",
            Tag::Criticality => "criticality",
            Tag::RollbackAcceptableDelay => "rollback-acceptable-delay",
            Tag::ExistingDualRunCapability => "existing-dual-run-capability",
            Tag::TeamAvailability => "team-availability",
            Tag::PriorMigrationExperience => "prior-migration-experience",
            Tag::Constraints => "constraints",
            Tag::IntegrationPoints => "integration-points",
        }
    }

    pub fn parse(name: &str) -> Option<Tag> {
        Tag::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// What rollgate assumes when the tag is missing, in words.
    pub fn default_note(self) -> &'static str {
        match self {
            Tag::MigrationType => "the migration type is inferred from the from/to states",
            Tag::FromState => "the current system is unknown; the plan cannot name it",
            Tag::ToState => "the target system is unknown; the plan cannot name it",
            Tag::Scale => "scale unknown: no load-based thresholds can be derived",
            Tag::Criticality => "criticality assumed high, so the plan errs on the careful side",
            Tag::RollbackAcceptableDelay => {
                "rollback tolerance assumed to be 60 minutes (a common SLA ceiling)"
            }
            Tag::ExistingDualRunCapability => {
                "no feature flags, read routing or dual-write assumed; the plan adds prep steps to build them"
            }
            Tag::TeamAvailability => "team unknown: on-call roles are left as placeholders",
            Tag::PriorMigrationExperience => {
                "no prior migration experience assumed, so the plan adds rehearsals"
            }
            Tag::Constraints => "no deadline, freeze or budget constraints assumed",
            Tag::IntegrationPoints => {
                "no integrations named: the plan cannot derive integration risks, and says so"
            }
        }
    }
}

/// The content of one tag.
#[derive(Debug, Clone)]
pub struct TaggedField {
    pub tag: Tag,
    /// Byte range of the content inside the tags.
    pub start: usize,
    pub end: usize,
}

/// Text between tags, kept so nothing a user wrote goes unmentioned.
#[derive(Debug, Clone)]
pub struct Loose {
    pub start: usize,
    pub end: usize,
    /// Set when the text sat inside a tag rollgate does not know.
    pub unknown_tag: Option<String>,
    /// Whether `unknown_tag` was written as a heading (`CONCERNS:`) rather
    /// than a tag.
    pub heading: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TaggedDoc {
    pub fields: Vec<TaggedField>,
    pub loose: Vec<Loose>,
    pub warnings: Vec<Warning>,
}

struct RawTag<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    closing: bool,
}

/// Finds `<name>` and `</name>` at `at`; anything else (`a < b`, `<5s`) is text.
fn tag_at(text: &str, at: usize) -> Option<RawTag<'_>> {
    let rest = &text[at..];
    let mut chars = rest.char_indices().skip(1);
    let mut closing = false;
    let (mut i, mut c) = chars.next()?;
    if c == '/' {
        closing = true;
        (i, c) = chars.next()?;
    }
    if !c.is_ascii_alphabetic() {
        return None;
    }
    let name_start = i;
    for (j, c) in chars {
        if c == '>' {
            return Some(RawTag {
                start: at,
                end: at + j + 1,
                name: &rest[name_start..j],
                closing,
            });
        }
        if !(c.is_ascii_alphanumeric() || c == '-' || c == '_') || j - name_start > 60 {
            return None;
        }
    }
    None
}

/// Normalises a tag name: case and underscores do not matter.
fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

fn suggestion(name: &str) -> Option<&'static str> {
    Tag::ALL
        .iter()
        .map(|t| (t.as_str(), strsim::levenshtein(name, t.as_str())))
        .filter(|(_, d)| *d <= 4)
        .min_by_key(|(_, d)| *d)
        .map(|(s, _)| s)
}

/// Whether the text looks like the tagged form at all.
pub fn looks_tagged(text: &str) -> bool {
    Tag::ALL
        .iter()
        .any(|t| text.contains(&format!("<{}>", t.as_str())))
}

pub fn parse(src: &SourceText) -> Result<TaggedDoc, IntakeError> {
    let text = src.text.as_str();
    let mut doc = TaggedDoc::default();
    let mut problems = Problems::default();
    let problem = |offset: usize, message: String, help: Option<String>| Problem {
        location: Some(location(src, offset)),
        message,
        excerpt: Some(src.excerpt(offset)),
        help,
    };
    // (name as written, normalised, tag start, content start)
    let mut open: Option<(String, String, usize, usize)> = None;
    let mut seen: Vec<(Tag, usize)> = Vec::new();
    let mut loose_from = 0usize;
    let mut pos = 0usize;
    while let Some(rel) = text[pos..].find('<') {
        let at = pos + rel;
        let Some(raw) = tag_at(text, at) else {
            pos = at + 1;
            continue;
        };
        let name = normalise(raw.name);
        match (&open, raw.closing) {
            (None, false) => {
                push_loose(&mut doc, text, loose_from, raw.start, None);
                open = Some((raw.name.to_string(), name, raw.start, raw.end));
            }
            (None, true) => {
                problems.push(
                    "closing tags without an opening tag",
                    problem(
                        raw.start,
                        format!("closing tag </{}> has no opening tag", raw.name),
                        None,
                    ),
                );
                loose_from = raw.end;
            }
            (Some((written, open_name, open_at, content_start)), closing) => {
                let known_open = Tag::parse(open_name).is_some();
                if !closing {
                    if Tag::parse(&name).is_some() || !known_open {
                        problems.push(
                            "unclosed tags",
                            problem(
                                *open_at,
                                format!(
                                    "tag <{written}> is not closed before <{}> at {}",
                                    raw.name,
                                    location(src, raw.start)
                                ),
                                Some(format!("add </{written}> where its content ends")),
                            ),
                        );
                        open = Some((raw.name.to_string(), name, raw.start, raw.end));
                    }
                    // An unknown tag inside a known one is content (`<b>`, `<br>`).
                    pos = raw.end;
                    continue;
                }
                if name != *open_name {
                    if Tag::parse(&name).is_none() && known_open {
                        pos = raw.end;
                        continue;
                    }
                    problems.push(
                        "mismatched closing tags",
                        problem(
                            raw.start,
                            format!(
                                "closing tag </{}> does not match <{written}> opened at {}",
                                raw.name,
                                location(src, *open_at)
                            ),
                            Some(format!("close <{written}> with </{written}>")),
                        ),
                    );
                    open = None;
                    loose_from = raw.end;
                    pos = raw.end;
                    continue;
                }
                let content_start = *content_start;
                let open_at = *open_at;
                let written = written.clone();
                match Tag::parse(&name) {
                    Some(tag) => {
                        if written != tag.as_str() {
                            doc.warnings.push(Warning {
                                code: "tag-spelling".into(),
                                message: format!("<{written}> read as <{}>", tag.as_str()),
                                span: Some(src.span(open_at, open_at + written.len() + 2)),
                            });
                        }
                        if let Some((_, first)) = seen.iter().find(|(t, _)| *t == tag) {
                            problems.push(
                                &format!("duplicate <{}> tags", tag.as_str()),
                                problem(
                                    open_at,
                                    format!(
                                        "tag <{}> appears twice (first at {})",
                                        tag.as_str(),
                                        location(src, *first)
                                    ),
                                    Some("merge the two into one tag".into()),
                                ),
                            );
                        } else {
                            seen.push((tag, open_at));
                            doc.fields.push(TaggedField {
                                tag,
                                start: content_start,
                                end: raw.start,
                            });
                        }
                    }
                    None => {
                        let help = suggestion(&name)
                            .map(|s| format!("did you mean <{s}>?"))
                            .unwrap_or_else(|| {
                                "known tags: ".to_string()
                                    + &Tag::ALL.map(|t| t.as_str()).join(", ")
                            });
                        doc.warnings.push(Warning {
                            code: "unknown-tag".into(),
                            message: format!(
                                "unknown tag <{written}>: its content is not interpreted; {help}"
                            ),
                            span: Some(src.span(open_at, raw.end)),
                        });
                        doc.loose.push(Loose {
                            start: content_start,
                            end: raw.start,
                            unknown_tag: Some(written),
                            heading: false,
                        });
                    }
                }
                open = None;
                loose_from = raw.end;
            }
        }
        pos = raw.end;
    }
    if let Some((written, _, open_at, _)) = open {
        problems.push(
            "unclosed tags",
            problem(
                open_at,
                format!("tag <{written}> is never closed"),
                Some(format!("add </{written}> at the end of its content")),
            ),
        );
    } else {
        push_loose(&mut doc, text, loose_from, text.len(), None);
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    if doc.fields.is_empty() {
        return Err(IntakeError::invalid(Problem {
            location: Some(location(src, 0)),
            message: "no rollgate tags found".into(),
            excerpt: None,
            help: Some(format!(
                "wrap each part in its tag, e.g. <from-state>PostgreSQL 14 on EC2</from-state>; the tags are {}. Or write a spec file (rollgate init).",
                Tag::ALL.map(|t| t.as_str()).join(", ")
            )),
        }));
    }
    for tag in Tag::ALL {
        if !doc.fields.iter().any(|f| f.tag == tag) {
            doc.warnings.push(Warning {
                code: "missing-tag".into(),
                message: format!("no <{}> tag: {}", tag.as_str(), tag.default_note()),
                span: None,
            });
        }
    }
    Ok(doc)
}

fn push_loose(doc: &mut TaggedDoc, text: &str, start: usize, end: usize, tag: Option<String>) {
    if start < end && !text[start..end].trim().is_empty() {
        doc.loose.push(Loose {
            start,
            end,
            unknown_tag: tag,
            heading: false,
        });
    }
}

fn location(src: &SourceText, offset: usize) -> Location {
    let (line, column) = src.line_col(offset);
    Location {
        file: src.name.clone(),
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<TaggedDoc, IntakeError> {
        parse(&SourceText::new("in.txt", s))
    }

    fn content<'a>(s: &'a str, doc: &TaggedDoc, tag: Tag) -> &'a str {
        let f = doc.fields.iter().find(|f| f.tag == tag).unwrap();
        &s[f.start..f.end]
    }

    #[test]
    fn reads_tags_in_any_order_across_lines_with_prose_between() {
        let s =
            "Hello team.\n<scale>600GB</scale> and then\n<from-state>PG 14\non EC2</from-state>";
        let doc = parse_str(s).unwrap();
        assert_eq!(content(s, &doc, Tag::Scale), "600GB");
        assert_eq!(content(s, &doc, Tag::FromState), "PG 14\non EC2");
        assert_eq!(doc.loose.len(), 2);
        let missing = doc
            .warnings
            .iter()
            .filter(|w| w.code == "missing-tag")
            .count();
        assert_eq!(missing, 9);
    }

    #[test]
    fn angle_brackets_that_are_not_tags_are_text() {
        let s = "<rollback-acceptable-delay>a < b, <5 minutes, x<y</rollback-acceptable-delay>";
        let doc = parse_str(s).unwrap();
        assert_eq!(
            content(s, &doc, Tag::RollbackAcceptableDelay),
            "a < b, <5 minutes, x<y"
        );
    }

    #[test]
    fn unknown_tag_is_a_warning_with_suggestion() {
        let s = "<scale>1</scale><integration-point>x</integration-point>";
        let doc = parse_str(s).unwrap();
        let w = doc
            .warnings
            .iter()
            .find(|w| w.code == "unknown-tag")
            .unwrap();
        assert!(
            w.message.contains("did you mean <integration-points>"),
            "{}",
            w.message
        );
        assert_eq!(
            doc.loose[0].unknown_tag.as_deref(),
            Some("integration-point")
        );
    }

    #[test]
    fn underscores_and_case_are_accepted_with_a_note() {
        let s = "<Migration_Type>x</Migration_Type>";
        let doc = parse_str(s).unwrap();
        assert_eq!(content(s, &doc, Tag::MigrationType), "x");
        assert!(doc.warnings.iter().any(|w| w.code == "tag-spelling"));
    }

    #[test]
    fn unclosed_tag_names_line_and_column() {
        let err = parse_str("<scale>1</scale>\n  <criticality>high\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("in.txt:2:3"), "{text}");
        assert!(text.contains("never closed"), "{text}");
    }

    #[test]
    fn tag_opened_inside_another_is_an_error() {
        let err = parse_str("<scale>1\n<criticality>high</criticality>").unwrap_err();
        assert!(
            err.to_string().contains(
                "in.txt:1:1: tag <scale> is not closed before <criticality> at in.txt:2:1"
            ),
            "{err}"
        );
    }

    #[test]
    fn duplicate_tag_names_both_places() {
        let err = parse_str("<scale>1</scale>\n<scale>2</scale>").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("in.txt:2:1"), "{text}");
        assert!(text.contains("first at in.txt:1:1"), "{text}");
    }

    #[test]
    fn mismatched_and_stray_closers_are_errors() {
        assert!(parse_str("<scale>1</criticality>").is_err());
        assert!(parse_str("</scale><scale>1</scale>").is_err());
    }

    #[test]
    fn no_tags_at_all_is_an_error_with_help() {
        let err = parse_str("just some words").unwrap_err();
        assert!(err.to_string().contains("no rollgate tags"));
    }

    #[test]
    fn html_inside_a_known_tag_is_content() {
        let s = "<constraints>by <b>Q3</b></constraints>";
        let doc = parse_str(s).unwrap();
        assert_eq!(content(s, &doc, Tag::Constraints), "by <b>Q3</b>");
    }
}
