//! Fact extraction from free text. Each extractor finds one kind of fact and
//! reports the byte range it read, so the assembler can cite it and can tell
//! which clauses were not understood.

pub mod capability;
pub mod criticality;
pub mod dates;
pub mod duration;
pub mod experience;
pub mod integration;
pub mod quantity;
pub mod store_use;
pub mod team;
pub mod tech;

use regex::Regex;
use std::sync::LazyLock;

/// A value found at `start..end` of the text it was searched in.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<T> {
    pub value: T,
    pub start: usize,
    pub end: usize,
}

impl<T> Hit<T> {
    pub fn new(value: T, start: usize, end: usize) -> Self {
        Self { value, start, end }
    }
}

/// The regex fragment for a number as people write it: `12`, `12,000`,
/// `1.2`, `12K`, `1.2M`, `twelve`, `a`, `a few`, `a couple of`.
pub const NUMBER: &str = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(?:[kK]\b|[mM]\b|[bB]\b|thousand\b|million\b|billion\b)?|\b(?:a\s+couple\s+of|a\s+few|several|a\s+dozen|dozens\s+of|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|eighteen|twenty|thirty|forty|fifty|sixty|ninety|hundred|half\s+a|half\s+an)\b";

/// Words that mark a number as approximate.
pub const APPROX: &str = r"(?:~\s?|≈\s?|\babout\s+|\baround\s+|\broughly\s+|\bapprox(?:imately|\.)?\s+|\bnearly\s+|\balmost\s+|\bover\s+|\bmore\s+than\s+|\bup\s+to\s+|\bunder\s+|\bclose\s+to\s+|\bsome\s+)";

/// Parses what [`NUMBER`] matched.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim().to_ascii_lowercase();
    let words = [
        ("a couple of", 2.0),
        ("a few", 3.0),
        ("several", 4.0),
        ("a dozen", 12.0),
        ("dozens of", 24.0),
        ("half a", 0.5),
        ("half an", 0.5),
        ("an", 1.0),
        ("a", 1.0),
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("seven", 7.0),
        ("eight", 8.0),
        ("nine", 9.0),
        ("ten", 10.0),
        ("eleven", 11.0),
        ("twelve", 12.0),
        ("thirteen", 13.0),
        ("fourteen", 14.0),
        ("fifteen", 15.0),
        ("sixteen", 16.0),
        ("eighteen", 18.0),
        ("twenty", 20.0),
        ("thirty", 30.0),
        ("forty", 40.0),
        ("fifty", 50.0),
        ("sixty", 60.0),
        ("ninety", 90.0),
        ("hundred", 100.0),
    ];
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((_, v)) = words.iter().find(|(w, _)| *w == collapsed) {
        return Some(*v);
    }
    static NUM: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k|m|b|thousand|million|billion)?$")
            .unwrap()
    });
    let caps = NUM.captures(&collapsed)?;
    let base: f64 = caps[1].replace(',', "").parse().ok()?;
    let mult = match caps.get(2).map(|m| m.as_str()) {
        Some("k") | Some("thousand") => 1e3,
        Some("m") | Some("million") => 1e6,
        Some("b") | Some("billion") => 1e9,
        _ => 1.0,
    };
    let v = base * mult;
    v.is_finite().then_some(v)
}

/// A clause of prose: the unit in which "did we understand this?" is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub start: usize,
    pub end: usize,
}

/// Splits text into clauses at sentence ends, semicolons, line breaks and
/// list bullets. A full stop inside a number or a version (`14.7`,
/// `db.r5.xlarge`) does not end a clause.
pub fn clauses(text: &str) -> Vec<Clause> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ends = match b {
            b'\n' | b';' => true,
            b'.' | b'!' | b'?' => {
                let next = bytes.get(i + 1).copied();
                next.is_none()
                    || next.is_some_and(|n| n == b' ' || n == b'\n' || n == b'\r' || n == b'\t')
            }
            _ => false,
        };
        if ends {
            push_clause(text, start, i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push_clause(text, start, text.len(), &mut out);
    out
}

fn push_clause(text: &str, start: usize, end: usize, out: &mut Vec<Clause>) {
    let piece = &text[start..end];
    let trimmed_start = piece.len() - piece.trim_start().len();
    let t = piece.trim();
    let t = t.trim_start_matches(['-', '*', '•', '·']).trim_start();
    if t.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .is_empty()
    {
        return;
    }
    let lead = piece.trim().len() - t.len();
    let s = start + trimmed_start + lead;
    let e = s + t.len();
    out.push(Clause { start: s, end: e });
}

/// The clause that holds byte `at`, as a range.
pub fn clause_around(text: &str, at: usize) -> (usize, usize) {
    clauses(text)
        .into_iter()
        .find(|c| c.start <= at && at < c.end.max(c.start + 1))
        .map(|c| (c.start, c.end))
        .unwrap_or((0, text.len()))
}

static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:no|not|never|without|lack(?:s|ing)?|don't|do\s+not|doesn't|does\s+not|haven't|have\s+not|hasn't|can't|cannot|none|zero)\b").unwrap()
});

/// Whether the words just before `at`, within its clause and not past a
/// comma-separated list break, negate it ("no dual-write", "we don't have
/// flags"). A "but" between them cancels the negation.
pub fn negated_before(text: &str, at: usize) -> bool {
    let (cs, _) = clause_around(text, at);
    let window_start = at.saturating_sub(48).max(cs);
    let mut ws = window_start;
    while !text.is_char_boundary(ws) {
        ws += 1;
    }
    let window = &text[ws..at];
    let last_break = window.rfind([',', '(', ':']).map(|i| i + 1).unwrap_or(0);
    let window = &window[last_break..];
    let lower = window.to_ascii_lowercase();
    if lower.contains(" but ") || lower.contains(" however") {
        return false;
    }
    NEGATION.is_match(window)
}

/// Regex compiled once per call site.
#[macro_export]
macro_rules! re {
    ($pattern:expr) => {{
        static RE: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new($pattern).unwrap());
        &*RE
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_write_them() {
        for (s, v) in [
            ("12", 12.0),
            ("12,000", 12000.0),
            ("1,200,000", 1.2e6),
            ("1.2M", 1.2e6),
            ("12K", 12000.0),
            ("12k", 12000.0),
            ("3 thousand", 3000.0),
            ("2 million", 2e6),
            ("a few", 3.0),
            ("a couple of", 2.0),
            ("twelve", 12.0),
            ("an", 1.0),
            ("half a", 0.5),
            ("0.5", 0.5),
        ] {
            assert_eq!(parse_number(s), Some(v), "{s}");
        }
        for s in ["", "x", "12x", "1.2.3", "k"] {
            assert_eq!(parse_number(s), None, "{s}");
        }
    }

    #[test]
    fn clauses_split_on_sentences_not_versions() {
        let t = "Postgres 14.7 on db.r5.xlarge. 600GB data; ~12K qps\n- daily backups";
        let got: Vec<&str> = clauses(t).iter().map(|c| &t[c.start..c.end]).collect();
        assert_eq!(
            got,
            vec![
                "Postgres 14.7 on db.r5.xlarge.",
                "600GB data;",
                "~12K qps",
                "daily backups"
            ]
        );
    }

    #[test]
    fn negation_is_local_to_its_clause_and_list_item() {
        let t = "No dual-write infrastructure today. We have flags.";
        assert!(negated_before(t, t.find("dual").unwrap()));
        assert!(!negated_before(t, t.find("flags").unwrap()));
        let t = "no Kafka, Redis for caching";
        assert!(!negated_before(t, t.find("Redis").unwrap()));
        let t = "we don't have canary tooling";
        assert!(negated_before(t, t.find("canary").unwrap()));
        let t = "not much, but we have feature flags";
        assert!(!negated_before(t, t.find("feature").unwrap()));
    }
}
