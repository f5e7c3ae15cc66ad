//! Fact extraction from free text. Each extractor finds one kind of fact and
//! reports the byte range it read, so the assembler can cite it and can tell
//! which clauses were not understood.

pub mod approval;
pub mod capability;
pub mod component;
pub mod criticality;
pub mod dates;
pub mod duration;
pub mod experience;
pub mod feature;
pub mod hedge;
pub mod integration;
pub mod people;
pub mod place;
pub mod quantity;
pub mod store_use;
pub mod team;
pub mod tech;

use regex::Regex;
use std::collections::BTreeMap;
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
    for i in 0..bytes.len() {
        if ends_clause(bytes, i) {
            push_clause(text, start, i + 1, &mut out);
            start = i + 1;
        }
    }
    push_clause(text, start, text.len(), &mut out);
    out
}

/// Whether the byte at `i` ends a clause: a line break, a semicolon, or a
/// full stop, exclamation or question mark followed by white space or the
/// end of the text.
fn ends_clause(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' | b';' => true,
        b'!' | b'?' => bytes
            .get(i + 1)
            .is_none_or(|n| matches!(n, b' ' | b'\n' | b'\r' | b'\t')),
        b'.' => {
            bytes
                .get(i + 1)
                .is_none_or(|n| matches!(n, b' ' | b'\n' | b'\r' | b'\t'))
                && !abbreviation_before(bytes, i)
        }
        _ => false,
    }
}

/// Words whose full stop ends no sentence: "ca. 410.000 users", "Dr.
/// Vogel", "e.g. Kafka".
const ABBREVIATIONS: &[&str] = &[
    "ca", "approx", "appr", "dr", "mr", "mrs", "ms", "prof", "e.g", "i.e", "eg", "ie", "vs",
    "incl", "esp", "cf", "resp", "max", "min", "no", "nr", "jr", "sr", "st", "z.b", "bzw", "evtl",
    "ggf", "inkl", "usw",
];

/// Whether the full stop at `i` closes an abbreviation, an initial ("Tomasz
/// K. (SRE)") or an ordinal day ("from the 20. to the 27."), rather than a
/// sentence: judged by the word before it and, for the ambiguous ones, by
/// the next word starting in lower case.
fn abbreviation_before(bytes: &[u8], i: usize) -> bool {
    let mut s = i;
    while s > 0 && (bytes[s - 1].is_ascii_alphanumeric() || bytes[s - 1] == b'.') {
        s -= 1;
    }
    let word = &bytes[s..i];
    if word.is_empty() || (s > 0 && bytes[s - 1].is_ascii_alphanumeric()) {
        return false;
    }
    let next = bytes[i + 1..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let continues = next.is_some_and(|n| n.is_ascii_lowercase() || n.is_ascii_digit() || n == b'(');
    let lower = word.to_ascii_lowercase();
    match lower.as_slice() {
        // Words that also end sentences ("at most 5 min.", "said no.")
        // continue one only when the text goes on in lower case.
        b"max" | b"min" | b"no" | b"st" => continues,
        w if ABBREVIATIONS.iter().any(|a| a.as_bytes() == w) => true,
        [c] if c.is_ascii_alphabetic() && word[0].is_ascii_uppercase() => continues,
        w if w.iter().all(u8::is_ascii_digit) && w.len() <= 2 => {
            next.is_some_and(|n| n.is_ascii_lowercase())
        }
        _ => false,
    }
}

/// The piece of `start..end` a clause covers: without surrounding white
/// space and list bullets; `None` when nothing but punctuation is left.
fn trim_clause(text: &str, start: usize, end: usize) -> Option<Clause> {
    let piece = &text[start..end];
    let trimmed_start = piece.len() - piece.trim_start().len();
    let t = piece.trim();
    let t = t.trim_start_matches(['-', '*', '•', '·']).trim_start();
    if t.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
        .is_empty()
    {
        return None;
    }
    let lead = piece.trim().len() - t.len();
    let s = start + trimmed_start + lead;
    Some(Clause {
        start: s,
        end: s + t.len(),
    })
}

fn push_clause(text: &str, start: usize, end: usize, out: &mut Vec<Clause>) {
    out.extend(trim_clause(text, start, end));
}

/// Whether the mention at `at` sits in a clause about the past of the
/// system rather than its present: "It was started in 2014 on Rails 4",
/// "originally on MySQL 5.5", "back when we ran Redis 3". A version there
/// is history, not the version running today.
pub fn tells_history(text: &str, at: usize) -> bool {
    let (start, _) = clause_around(text, at);
    let before = text[start..at.max(start)].to_ascii_lowercase();
    let cue = crate::re!(
        r"\b(?:(?:in|since|from|back in)\s+(?:19|20)\d{2}|started|originally|initially|used to|back when|was built|were built|began|began on|years ago|at the time|previously|formerly)\b"
    );
    cue.is_match(&before)
}

/// How far, in bytes, the context of a point reaches on either side. The
/// words that qualify a fact ("no", "peak", "by", "at most") stand near it;
/// capping the reach keeps every lookup constant-time, so reading a long
/// input costs time linear in its size.
pub const CONTEXT_BYTES: usize = 400;

/// The clause that holds byte `at`, as a range, cut to [`CONTEXT_BYTES`] on
/// either side of `at`. Only the bytes near `at` are read.
pub fn clause_around(text: &str, at: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    let floor = at.saturating_sub(CONTEXT_BYTES);
    let mut start = floor;
    for i in (floor..at).rev() {
        if ends_clause(bytes, i) {
            start = i + 1;
            break;
        }
    }
    let ceiling = (at + CONTEXT_BYTES).min(bytes.len());
    let mut end = ceiling;
    for i in at..ceiling {
        if ends_clause(bytes, i) {
            end = i + 1;
            break;
        }
    }
    let start = char_floor(text, start);
    let start = if start < floor {
        char_ceil(text, floor)
    } else {
        start
    };
    let end = char_floor(text, end);
    match trim_clause(text, start, end) {
        Some(c) if c.start <= at && at < c.end.max(c.start + 1) => (c.start, c.end),
        _ => (start, end),
    }
}

pub(crate) fn char_floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn char_ceil(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Byte ranges of a text already claimed by hits, none overlapping another,
/// each with the index of the hit that claimed it. Overlap checks cost
/// O(log n) instead of a scan over every earlier hit, so an extractor stays
/// n log n on a text with thousands of hits.
#[derive(Debug, Default)]
pub struct Claimed(BTreeMap<usize, (usize, usize)>);

impl Claimed {
    /// Whether `start..end` overlaps a claimed range.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        // Claimed ranges are disjoint, so their ends rise with their starts:
        // the last range starting before `end` is the only one to check.
        self.0
            .range(..end)
            .next_back()
            .is_some_and(|(_, &(e, _))| e > start)
    }

    /// Claims `start..end` for hit `id` unless it overlaps a claimed range.
    pub fn claim(&mut self, start: usize, end: usize, id: usize) -> bool {
        if start >= end || self.overlaps(start, end) {
            return false;
        }
        self.0.insert(start, (end, id));
        true
    }

    /// Releases every range overlapping `start..end` and returns their ids.
    pub fn release_overlapping(&mut self, start: usize, end: usize) -> Vec<usize> {
        let keys: Vec<usize> = self
            .0
            .range(..end)
            .rev()
            .take_while(|(_, &(e, _))| e > start)
            .map(|(&s, _)| s)
            .collect();
        keys.into_iter()
            .filter_map(|k| self.0.remove(&k).map(|(_, id)| id))
            .collect()
    }

    /// The first claimed range starting at or after `from`, as (start, end, id).
    pub fn first_from(&self, from: usize) -> Option<(usize, usize, usize)> {
        self.0.range(from..).next().map(|(&s, &(e, id))| (s, e, id))
    }
}

/// Hits that may overlap each other, kept in order of their start, with
/// overlap queries that look only at hits that can reach the queried range
/// (those starting at most the longest hit's length before it).
#[derive(Debug)]
pub struct Spans<T> {
    hits: BTreeMap<(usize, usize), Hit<T>>,
    next: usize,
    longest: usize,
}

impl<T> Default for Spans<T> {
    fn default() -> Self {
        Self {
            hits: BTreeMap::new(),
            next: 0,
            longest: 0,
        }
    }
}

impl<T> Spans<T> {
    pub fn push(&mut self, hit: Hit<T>) {
        self.longest = self.longest.max(hit.end.saturating_sub(hit.start));
        self.hits.insert((hit.start, self.next), hit);
        self.next += 1;
    }

    fn overlapping_keys(&self, start: usize, end: usize) -> Vec<(usize, usize)> {
        let from = (start.saturating_sub(self.longest), 0);
        self.hits
            .range(from..(end, 0))
            .filter(|(_, h)| h.start < end && start < h.end)
            .map(|(k, _)| *k)
            .collect()
    }

    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        !self.overlapping_keys(start, end).is_empty()
    }

    pub fn remove_overlapping(&mut self, start: usize, end: usize) {
        for k in self.overlapping_keys(start, end) {
            self.hits.remove(&k);
        }
    }

    /// The hits in order of their start.
    pub fn into_vec(self) -> Vec<Hit<T>> {
        self.hits.into_values().collect()
    }
}

/// At most `max` bytes of `text` before `at`, cut on a character boundary.
pub fn behind(text: &str, at: usize, max: usize) -> &str {
    let mut start = at.saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..at]
}

/// At most `max` bytes of `text` from `at`, cut on a character boundary:
/// the words right after a hit, without copying the rest of the text.
pub fn ahead(text: &str, at: usize, max: usize) -> &str {
    let mut end = (at + max).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[at..end]
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
    fn claimed_ranges_find_overlaps_on_either_side() {
        let mut c = Claimed::default();
        assert!(c.claim(10, 20, 0));
        assert!(c.claim(30, 40, 1));
        assert!(!c.claim(15, 25, 2));
        assert!(!c.claim(5, 11, 2));
        assert!(!c.claim(39, 50, 2));
        assert!(!c.claim(0, 100, 2));
        assert!(c.claim(20, 30, 2));
        assert!(!c.overlaps(40, 45));
        assert!(c.overlaps(25, 26));
        assert_eq!(c.release_overlapping(12, 31), vec![1, 2, 0]);
        assert!(!c.overlaps(0, 100));
        assert_eq!(c.first_from(0), None);
    }

    #[test]
    fn clause_context_is_local_and_bounded() {
        let t = "first one. second clause here; third";
        let at = t.find("clause").unwrap();
        assert_eq!(
            &t[clause_around(t, at).0..clause_around(t, at).1],
            "second clause here;"
        );
        let long = "word ".repeat(1000);
        let (s, e) = clause_around(&long, 2500);
        assert!(e - s <= 2 * CONTEXT_BYTES);
        assert!(s <= 2500 && 2500 < e);
    }

    #[test]
    fn history_clauses_are_told_from_the_present() {
        let t = "One big monolith. It was started in 2014 on Rails 4, so it is large. We run Rails 6.0 today.";
        assert!(tells_history(t, t.find("Rails 4").unwrap()));
        assert!(!tells_history(t, t.find("Rails 6.0").unwrap()));
        let t = "Originally on MySQL 5.5; now MySQL 5.7.44 on Percona.";
        assert!(tells_history(t, t.find("MySQL 5.5").unwrap()));
        assert!(!tells_history(t, t.find("MySQL 5.7").unwrap()));
    }

    #[test]
    fn abbreviations_initials_and_ordinal_days_end_no_clause() {
        let texts = |t: &str| -> Vec<String> {
            clauses(t)
                .into_iter()
                .map(|c| t[c.start..c.end].to_string())
                .collect()
        };
        assert_eq!(
            texts("We have ca. 410.000 users. Dr. Vogel signs off. Tomasz K. (SRE) is away."),
            vec![
                "We have ca. 410.000 users.",
                "Dr. Vogel signs off.",
                "Tomasz K. (SRE) is away."
            ]
        );
        assert_eq!(
            texts("No changes from the 20. to the 27. of every month. It took 40 min. Then we stopped."),
            vec![
                "No changes from the 20. to the 27. of every month.",
                "It took 40 min.",
                "Then we stopped."
            ]
        );
        assert_eq!(
            texts("We use plan B. Next step."),
            vec!["We use plan B.", "Next step."]
        );
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
