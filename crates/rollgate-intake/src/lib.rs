//! rollgate's intake stage: reads what a team wrote about its migration,
//! either in the tagged-text form of the seed page or as a structured spec
//! (TOML, YAML, JSON), and turns it into one typed [`Facts`] model.
//!
//! Intake does I/O only at its edge ([`read_path`], [`read_reader`]); the
//! rest is pure. Every fact remembers its field and span, and every clause
//! that yielded no fact is listed in [`Facts::uninterpreted`], so nothing a
//! user wrote is silently dropped.

pub mod assemble;
pub mod error;
pub mod extract;
pub mod facts;
pub mod headed;
pub mod source;
pub mod spec;
pub mod tagged;

pub use error::{IntakeError, Location, Problem};
pub use facts::*;
pub use source::{SourceText, Span, MAX_INPUT_BYTES};
pub use spec::{json_schema, Spec, SpecFormat};

use assemble::Prose;
use jiff::civil::Date;
use rollgate_knowledge::Knowledge;
use std::io::Read;
use std::path::Path;
use tagged::Tag;

/// The first year rollgate plans in.
pub const EARLIEST_YEAR: i16 = 1970;
/// The last year rollgate plans in: far enough for any migration, near
/// enough that calendar arithmetic on it can never overflow.
pub const LATEST_YEAR: i16 = 2200;
/// The longest duration or tolerance rollgate accepts, in days (ten years).
pub const MAX_PLAN_DAYS: u64 = 3650;

/// Whether a date lies in the years rollgate plans in.
pub fn date_in_range(date: Date) -> bool {
    (EARLIEST_YEAR..=LATEST_YEAR).contains(&date.year())
}

/// The form an input is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputForm {
    Tagged,
    Spec(SpecFormat),
}

impl InputForm {
    pub fn as_str(self) -> &'static str {
        match self {
            InputForm::Tagged => "tagged",
            InputForm::Spec(f) => f.as_str(),
        }
    }

    /// The form a file name implies, if its extension says.
    pub fn from_extension(name: &str) -> Option<InputForm> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "toml" => InputForm::Spec(SpecFormat::Toml),
            "yaml" | "yml" => InputForm::Spec(SpecFormat::Yaml),
            "json" => InputForm::Spec(SpecFormat::Json),
            "txt" | "md" | "text" | "xml" => InputForm::Tagged,
            _ => return None,
        })
    }

    /// Guesses the form of text with no telling extension (stdin).
    pub fn sniff(text: &str) -> InputForm {
        let t = text.trim_start();
        if t.starts_with('{') {
            return InputForm::Spec(SpecFormat::Json);
        }
        if tagged::looks_tagged(text) || t.starts_with('<') || headed::looks_headed(text) {
            return InputForm::Tagged;
        }
        if text.parse::<toml::Table>().is_ok() {
            return InputForm::Spec(SpecFormat::Toml);
        }
        if t.starts_with('[')
            && t.lines()
                .next()
                .is_some_and(|l| l.trim_end().ends_with(']') && !l.contains(','))
        {
            return InputForm::Spec(SpecFormat::Toml);
        }
        let yamlish = crate::re!(r"(?m)^[A-Za-z_][\w-]*:(?:\s|$)");
        if yamlish.is_match(text) || t.starts_with("---") {
            return InputForm::Spec(SpecFormat::Yaml);
        }
        InputForm::Tagged
    }
}

/// Reads a file (or `-` for stdin) and extracts its facts.
pub fn read_path(path: &str, knowledge: &Knowledge, start: Date) -> Result<Facts, IntakeError> {
    if path == "-" {
        return read_reader("<stdin>", std::io::stdin().lock(), None, knowledge, start);
    }
    let file = std::fs::File::open(path).map_err(|source| IntakeError::Io {
        path: path.to_string(),
        source,
    })?;
    let metadata = file.metadata().ok();
    if metadata.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(IntakeError::Io {
            path: path.to_string(),
            source: std::io::Error::other("is a directory, not a file"),
        });
    }
    if let Some(size) = metadata
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .filter(|&len| len > MAX_INPUT_BYTES as u64)
    {
        return Err(IntakeError::TooLarge {
            name: path.to_string(),
            size: Some(size),
            limit: MAX_INPUT_BYTES,
        });
    }
    read_reader(
        path,
        file,
        InputForm::from_extension(path),
        knowledge,
        start,
    )
}

/// Reads at most [`MAX_INPUT_BYTES`] (plus one, to tell) from a reader.
pub fn read_reader(
    name: &str,
    reader: impl Read,
    form: Option<InputForm>,
    knowledge: &Knowledge,
    start: Date,
) -> Result<Facts, IntakeError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| IntakeError::Io {
            path: name.to_string(),
            source,
        })?;
    read_bytes(name, &bytes, form, knowledge, start)
}

/// Checks size and encoding, then reads the text.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    form: Option<InputForm>,
    knowledge: &Knowledge,
    start: Date,
) -> Result<Facts, IntakeError> {
    let text = decode(name, bytes)?;
    let form = form.unwrap_or_else(|| InputForm::sniff(&text));
    read_text(SourceText::new(name, text), form, knowledge, start)
}

/// Validates raw input: size, emptiness, UTF-8 and NUL bytes.
pub fn decode(name: &str, bytes: &[u8]) -> Result<String, IntakeError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(IntakeError::TooLarge {
            name: name.to_string(),
            size: None,
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let src = SourceText::new(name, valid);
            let (line, column) = src.line_col(valid.len());
            return Err(IntakeError::NotText {
                location: Location {
                    file: name.to_string(),
                    line,
                    column,
                },
                reason: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            });
        }
    };
    if let Some(at) = text.find('\0') {
        let src = SourceText::new(name, &text[..at]);
        let (line, column) = src.line_col(at);
        return Err(IntakeError::NotText {
            location: Location {
                file: name.to_string(),
                line,
                column,
            },
            reason: format!("NUL byte at byte {at}"),
        });
    }
    if text.trim().is_empty() {
        return Err(IntakeError::Empty {
            name: name.to_string(),
        });
    }
    Ok(text.to_string())
}

/// Extracts facts from text in a known form.
pub fn read_text(
    src: SourceText,
    form: InputForm,
    knowledge: &Knowledge,
    start: Date,
) -> Result<Facts, IntakeError> {
    match form {
        InputForm::Tagged => {
            // Headings (`TEAM: …`) stand in for tags only in a text with no
            // tags at all; a tagged text keeps its colons as content.
            let doc = match tagged::looks_tagged(&src.text) {
                false => match headed::parse(&src) {
                    Some(doc) => doc,
                    None => tagged::parse(&src)?,
                },
                true => tagged::parse(&src)?,
            };
            let mut prose = Vec::new();
            let mut warnings = doc.warnings.clone();
            for f in &doc.fields {
                let text = &src.text[f.start..f.end];
                if text.trim().is_empty() {
                    warnings.push(Warning {
                        code: "empty-tag".into(),
                        message: format!("<{}> is empty: {}", f.tag.as_str(), f.tag.default_note()),
                        span: Some(src.span(f.start, f.end)),
                    });
                    continue;
                }
                prose.push(Prose {
                    field: f.tag.as_str().to_string(),
                    tag: f.tag,
                    text: text.to_string(),
                    base: Some(f.start),
                });
            }
            let loose = doc
                .loose
                .iter()
                .map(|l| {
                    let text = src.text[l.start..l.end].trim();
                    let lead = src.text[l.start..l.end].len()
                        - src.text[l.start..l.end].trim_start().len();
                    Uninterpreted {
                        field: match (&l.unknown_tag, l.heading) {
                            (Some(t), true) => format!("{t}:"),
                            (Some(t), false) => format!("<{t}>"),
                            (None, _) => "outside tags".into(),
                        },
                        text: text.to_string(),
                        span: Some(src.span(l.start + lead, l.start + lead + text.len())),
                    }
                })
                .collect();
            assemble::assemble(
                &src, "tagged", prose, None, knowledge, start, warnings, loose,
            )
        }
        InputForm::Spec(format) => {
            if let Some(facts) = facts_document(&src, format) {
                return facts;
            }
            let spec = spec::parse(&src, format)?;
            let prose = spec_prose(&src, &spec);
            let mut warnings = Vec::new();
            if spec.source.is_none() && spec.target.is_none() && spec.migration.is_none() {
                warnings.push(Warning {
                    code: "empty-spec".into(),
                    message: "the spec names neither a source, a target nor a migration: the plan cannot name the systems".into(),
                    span: None,
                });
            }
            assemble::assemble(
                &src,
                format.as_str(),
                prose,
                Some(&spec),
                knowledge,
                start,
                warnings,
                Vec::new(),
            )
        }
    }
}

/// The keys only a facts document (what `rollgate check --format
/// toml|yaml|json` writes) has at its top level; a spec has none of them.
const FACTS_DOCUMENT_KEYS: [&str; 3] = ["start_date", "rollback_tolerance", "uninterpreted"];

/// The facts `rollgate check` wrote, read back as they were: planning from
/// them gives the plan the original input gives. `None` when the text is
/// a spec, not a facts document.
fn facts_document(src: &SourceText, format: SpecFormat) -> Option<Result<Facts, IntakeError>> {
    let has_keys = |keys: &mut dyn Iterator<Item = &str>| {
        let keys: Vec<&str> = keys.collect();
        FACTS_DOCUMENT_KEYS.iter().all(|k| keys.contains(k))
    };
    let parsed: Result<Facts, String> = match format {
        SpecFormat::Json => {
            let v: serde_json::Value = serde_json::from_str(&src.text).ok()?;
            if !has_keys(&mut v.as_object()?.keys().map(String::as_str)) {
                return None;
            }
            serde_json::from_value(v).map_err(|e| e.to_string())
        }
        SpecFormat::Toml => {
            let v: toml::Table = src.text.parse().ok()?;
            if !has_keys(&mut v.keys().map(String::as_str)) {
                return None;
            }
            toml::from_str(&src.text).map_err(|e| e.message().to_string())
        }
        SpecFormat::Yaml => {
            let v: serde_norway::Value = serde_norway::from_str(&src.text).ok()?;
            let map = v.as_mapping()?;
            if !has_keys(&mut map.keys().filter_map(|k| k.as_str())) {
                return None;
            }
            serde_norway::from_value(v).map_err(|e| e.to_string())
        }
    };
    Some(parsed.map_err(|message| {
        IntakeError::invalid(Problem {
            location: Some(Location {
                file: src.name.clone(),
                line: 1,
                column: 1,
            }),
            message: format!("this looks like a facts document from `rollgate check`, but it cannot be read back: {message}"),
            excerpt: None,
            help: Some("write it again with `rollgate check INPUT --format toml|yaml|json` from the original input, or give the original input".into()),
        })
    }))
}

fn spec_prose(src: &SourceText, spec: &Spec) -> Vec<Prose> {
    let mut out = Vec::new();
    let mut add = |field: String, tag: Tag, text: &Option<String>| {
        if let Some(t) = text {
            if !t.trim().is_empty() {
                out.push(Prose {
                    field,
                    tag,
                    text: t.clone(),
                    base: src.text.find(t.as_str()),
                });
            }
        }
    };
    add(
        "migration.description".into(),
        Tag::MigrationType,
        &spec.migration.as_ref().and_then(|m| m.description.clone()),
    );
    add(
        "source.description".into(),
        Tag::FromState,
        &spec.source.as_ref().and_then(|m| m.description.clone()),
    );
    add(
        "target.description".into(),
        Tag::ToState,
        &spec.target.as_ref().and_then(|m| m.description.clone()),
    );
    // Structured system fields may hold prose ("Postgres 14.7 on EC2"): read
    // them too, so versions and hostings in them are not lost.
    for (side, tag, sys) in [
        ("source", Tag::FromState, &spec.source),
        ("target", Tag::ToState, &spec.target),
    ] {
        let Some(sys) = sys else { continue };
        for (key, value) in [("technology", &sys.technology), ("hosting", &sys.hosting)] {
            if value
                .as_deref()
                .is_some_and(|v| v.split_whitespace().count() > 1)
            {
                add(format!("{side}.{key}"), tag, value);
            }
        }
    }
    add(
        "scale.description".into(),
        Tag::Scale,
        &spec.scale.as_ref().and_then(|m| m.description.clone()),
    );
    add(
        "criticality.description".into(),
        Tag::Criticality,
        &spec
            .criticality
            .as_ref()
            .and_then(|m| m.description.clone()),
    );
    add(
        "rollback.description".into(),
        Tag::RollbackAcceptableDelay,
        &spec.rollback.as_ref().and_then(|m| m.description.clone()),
    );
    add(
        "capabilities.description".into(),
        Tag::ExistingDualRunCapability,
        &spec
            .capabilities
            .as_ref()
            .and_then(|m| m.description.clone()),
    );
    add(
        "team.description".into(),
        Tag::TeamAvailability,
        &spec.team.as_ref().and_then(|m| m.description.clone()),
    );
    add(
        "experience.description".into(),
        Tag::PriorMigrationExperience,
        &spec.experience.as_ref().and_then(|m| m.description.clone()),
    );
    add(
        "constraints.description".into(),
        Tag::Constraints,
        &spec
            .constraints
            .as_ref()
            .and_then(|m| m.description.clone()),
    );
    for (i, integ) in spec.integrations.iter().enumerate() {
        add(
            format!("integrations[{i}].description"),
            Tag::IntegrationPoints,
            &integ.description,
        );
    }
    out
}
