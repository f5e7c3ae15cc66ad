//! Release lines and their support windows, as dated data with a source:
//! which line a stated version belongs to, when community (or a managed
//! service's standard) support ends, and what comes after it.

use crate::{Catalog, KnowledgeError};
use jiff::civil::Date;
use serde::Deserialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// A support date as precise as its source: a day, or only a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportDate {
    /// The first day it could mean (the day itself, or the 1st of the month).
    first: Date,
    day_known: bool,
}

impl SupportDate {
    /// Reads `YYYY-MM-DD` or `YYYY-MM`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<i16>().ok())
                .flatten()
        };
        let (year, month) = (number(parts.first()?, 4)?, number(parts.get(1)?, 2)?);
        let month = i8::try_from(month).ok()?;
        match parts.get(2) {
            None => Some(Self {
                first: Date::new(year, month, 1).ok()?,
                day_known: false,
            }),
            Some(d) if parts.len() == 3 => Some(Self {
                first: Date::new(year, month, i8::try_from(number(d, 2)?).ok()?).ok()?,
                day_known: true,
            }),
            Some(_) => None,
        }
    }

    /// The earliest day the date could mean: what a plan must be ready for.
    pub fn earliest(self) -> Date {
        self.first
    }

    /// The latest day it could mean (the month's last day when only the
    /// month is known): only after it is a line certainly out of support.
    pub fn latest(self) -> Date {
        if self.day_known {
            self.first
        } else {
            self.first.last_of_month()
        }
    }

    pub fn day_known(self) -> bool {
        self.day_known
    }
}

impl fmt::Display for SupportDate {
    /// A day prints as `2026-11-12`; a month as `2025-10 (month only)`, so a
    /// reader never mistakes it for the first of the month.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.day_known {
            write!(f, "{}", self.first)
        } else {
            write!(
                f,
                "{:04}-{:02} (month only)",
                self.first.year(),
                self.first.month()
            )
        }
    }
}

/// One release line of one technology, optionally as a managed service
/// runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseLine {
    /// Catalog id of the engine, runtime or framework.
    pub technology: String,
    /// Catalog id of the managed service whose calendar this is, if any.
    pub hosting: Option<String>,
    pub line: String,
    pub released: Option<SupportDate>,
    /// End of community support, or of the service's standard support.
    pub support_ends: SupportDate,
    /// End of the vendor's paid extended support, when there is one.
    pub extended_support_ends: Option<SupportDate>,
    pub source: String,
    pub as_of: Date,
    /// The file it came from (set on load).
    pub origin: String,
}

impl ReleaseLine {
    /// Stable id cited in plans: `release-line:<technology>[@<hosting>]:<line>`.
    pub fn id(&self) -> String {
        match &self.hosting {
            Some(h) => format!("release-line:{}@{h}:{}", self.technology, self.line),
            None => format!("release-line:{}:{}", self.technology, self.line),
        }
    }

    fn components(&self) -> Vec<u64> {
        numeric_parts(&self.line)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    technology: String,
    components: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    technology: String,
    #[serde(default)]
    hosting: Option<String>,
    line: String,
    #[serde(default)]
    released: Option<String>,
    support_ends: String,
    #[serde(default)]
    extended_support_ends: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    scheme: Vec<RawScheme>,
    #[serde(default)]
    line: Vec<RawLine>,
}

/// Every known release line, and how each technology's versions name them.
#[derive(Debug, Clone, Default)]
pub struct ReleaseBook {
    /// Technology id → the most leading version parts that name a line.
    components: BTreeMap<String, usize>,
    lines: Vec<ReleaseLine>,
}

impl ReleaseBook {
    /// Loads and validates a release-lines file against the catalog. Every
    /// problem is collected, so a file with several mistakes is fixed in
    /// one pass.
    pub fn from_toml(text: &str, origin: &str, catalog: &Catalog) -> Result<Self, KnowledgeError> {
        let mut book = ReleaseBook::default();
        book.load_pack(text, origin, catalog)?;
        Ok(book)
    }

    /// Adds a team's file on top of this book: its lines may rely on the
    /// schemes already known, and replace lines with the same id.
    pub fn load_pack(
        &mut self,
        text: &str,
        origin: &str,
        catalog: &Catalog,
    ) -> Result<(), KnowledgeError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| KnowledgeError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut problems = Vec::new();
        let mut pack = ReleaseBook {
            components: self.components.clone(),
            lines: Vec::new(),
        };
        for s in raw.scheme {
            check_scheme(&s, catalog, &mut problems);
            pack.components.insert(s.technology, s.components);
        }
        for raw_line in raw.line {
            if let Some(line) = check_line(raw_line, origin, catalog, &pack, &mut problems) {
                if pack.lines.iter().any(|l| l.id() == line.id()) {
                    problems.push(format!("{} is listed twice", line.id()));
                }
                pack.lines.push(line);
            }
        }
        if !problems.is_empty() {
            return Err(KnowledgeError::ReleaseLines {
                origin: origin.to_string(),
                problems,
            });
        }
        self.merge(pack);
        Ok(())
    }

    pub fn lines(&self) -> &[ReleaseLine] {
        &self.lines
    }

    /// Adds or replaces schemes and lines (a team's pack corrects our data).
    pub fn merge(&mut self, other: ReleaseBook) {
        self.components.extend(other.components);
        for line in other.lines {
            match self.lines.iter_mut().find(|l| l.id() == line.id()) {
                Some(existing) => *existing = line,
                None => self.lines.push(line),
            }
        }
    }

    /// The line a stated version belongs to ("14.7" → "14", "Node 20" →
    /// "20"), as the technology's scheme names it. `None` when the
    /// technology has no scheme or the version has no number.
    pub fn line_name(&self, technology: &str, version: &str) -> Option<String> {
        let keep = *self.components.get(technology)?;
        let parts = numeric_parts(version);
        (!parts.is_empty()).then(|| {
            parts
                .iter()
                .take(keep)
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".")
        })
    }

    /// The line a version belongs to, on `hosting`'s calendar when the data
    /// has one for it, otherwise the project's own. Of the lines whose parts
    /// are a prefix of the version, the longest wins ("8.19.3" is 8.19,
    /// "7.17.29" is 7).
    pub fn find(
        &self,
        technology: &str,
        hosting: Option<&str>,
        version: &str,
    ) -> Option<&ReleaseLine> {
        let keep = *self.components.get(technology)?;
        let parts: Vec<u64> = numeric_parts(version).into_iter().take(keep).collect();
        self.lines
            .iter()
            .filter(|l| l.technology == technology && l.hosting.as_deref() == hosting)
            .filter(|l| {
                let c = l.components();
                !c.is_empty() && parts.starts_with(&c)
            })
            .max_by_key(|l| l.components().len())
    }

    /// For a version whose own line the data lacks, the nearest later line
    /// it has on the project's calendar ("3.3" → 3.4): a later line that has
    /// already left support says the missing one most likely has too.
    pub fn nearest_later(&self, technology: &str, version: &str) -> Option<&ReleaseLine> {
        let keep = *self.components.get(technology)?;
        let parts: Vec<u64> = numeric_parts(version).into_iter().take(keep).collect();
        if parts.is_empty() {
            return None;
        }
        self.lines
            .iter()
            .filter(|l| l.technology == technology && l.hosting.is_none())
            .filter(|l| l.components().as_slice() > parts.as_slice())
            .min_by(|a, b| compare_lines(a, b))
    }

    /// The nearest newer line on the same calendar whose support ends after
    /// `after`: the next line a team could move to and stay supported.
    pub fn next_supported(&self, current: &ReleaseLine, after: Date) -> Option<&ReleaseLine> {
        self.lines
            .iter()
            .filter(|l| l.technology == current.technology && l.hosting == current.hosting)
            .filter(|l| compare_lines(l, current) == Ordering::Greater)
            .filter(|l| l.support_ends.earliest() > after)
            .min_by(|a, b| compare_lines(a, b))
    }

    /// The lines as a Markdown page (docs/release-lines.md), grouped by
    /// technology and calendar, oldest line first.
    pub fn markdown(&self, catalog: &Catalog) -> String {
        let name = |id: &str| catalog.get(id).map_or(id.to_string(), |t| t.name.clone());
        let mut groups: BTreeMap<(String, String), Vec<&ReleaseLine>> = BTreeMap::new();
        for l in &self.lines {
            let calendar = l.hosting.as_deref().map(&name).unwrap_or_default();
            groups
                .entry((l.technology.clone(), calendar))
                .or_default()
                .push(l);
        }
        let mut out = String::from("# Release lines and support windows\n\nGenerated from `crates/rollgate-knowledge/data/release-lines.toml` by `ROLLGATE_UPDATE_DOCS=1 cargo test -p rollgate-knowledge`; do not edit by hand. A plan cites a line by the id in the first column. \"Support ends\" is community support, or the service's standard support for a managed calendar; a month without a day is as precise as the source.\n");
        for ((tech, calendar), mut lines) in groups {
            lines.sort_by(|a, b| compare_lines(a, b));
            let title = if calendar.is_empty() {
                name(&tech)
            } else {
                format!("{} on {calendar}", name(&tech))
            };
            out.push_str(&format!("\n## {title}\n\n| Id | Line | Released | Support ends | Extended support ends | Source (as of) |\n|---|---|---|---|---|---|\n"));
            for l in lines {
                let opt = |d: Option<SupportDate>| d.map_or("—".to_string(), |d| d.to_string());
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} | {} ({}) |\n",
                    l.id(),
                    l.line,
                    opt(l.released),
                    l.support_ends,
                    opt(l.extended_support_ends),
                    l.source,
                    l.as_of
                ));
            }
        }
        out
    }
}

/// The numbers in a version as written ("Node v20.11" → [20, 11]): the
/// first run of digits and dots, so product names and prefixes drop out.
fn numeric_parts(version: &str) -> Vec<u64> {
    let start = match version.find(|c: char| c.is_ascii_digit()) {
        Some(i) => i,
        None => return Vec::new(),
    };
    version[start..]
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .next()
        .unwrap_or("")
        .split('.')
        .map_while(|p| p.parse().ok())
        .collect()
}

fn compare_lines(a: &ReleaseLine, b: &ReleaseLine) -> Ordering {
    a.components().cmp(&b.components())
}

fn check_scheme(s: &RawScheme, catalog: &Catalog, problems: &mut Vec<String>) {
    if catalog.get(&s.technology).is_none() {
        problems.push(format!(
            "scheme names unknown technology `{}`",
            s.technology
        ));
    }
    if s.components == 0 {
        problems.push(format!(
            "scheme for `{}` needs at least one component",
            s.technology
        ));
    }
}

/// Validates one raw line; pushes what is wrong and returns the line only
/// when nothing is.
fn check_line(
    raw: RawLine,
    origin: &str,
    catalog: &Catalog,
    book: &ReleaseBook,
    problems: &mut Vec<String>,
) -> Option<ReleaseLine> {
    let at = format!("line `{}` of `{}`", raw.line, raw.technology);
    let before = problems.len();
    if catalog.get(&raw.technology).is_none() {
        problems.push(format!("{at}: unknown technology `{}`", raw.technology));
    }
    match book.components.get(&raw.technology) {
        None => problems.push(format!(
            "{at}: no [[scheme]] says how its versions name a line"
        )),
        Some(&n) => {
            let parts = numeric_parts(&raw.line);
            let canonical = parts
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".");
            if parts.is_empty() || parts.len() > n || canonical != raw.line {
                problems.push(format!("{at}: a line is 1 to {n} dotted numbers"));
            }
        }
    }
    if let Some(h) = &raw.hosting {
        if catalog.get(h).is_none() {
            problems.push(format!("{at}: unknown hosting `{h}`"));
        }
    }
    let mut date = |field: &str, text: Option<&str>| -> Option<SupportDate> {
        let text = text?;
        let parsed = SupportDate::parse(text);
        if parsed.is_none() {
            problems.push(format!(
                "{at}: {field} `{text}` is not YYYY-MM-DD or YYYY-MM"
            ));
        }
        parsed
    };
    let released = date("released", raw.released.as_deref());
    let ends = date("support_ends", Some(&raw.support_ends));
    let extended = date(
        "extended_support_ends",
        raw.extended_support_ends.as_deref(),
    );
    let as_of = date("as_of", raw.as_of.as_deref());
    check_order(&at, released, ends, extended, problems);
    if raw.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
        problems.push(format!(
            "{at}: needs a source (the page the dates were read from)"
        ));
    }
    match as_of {
        None if raw.as_of.is_none() => problems.push(format!(
            "{at}: needs as_of (the day the source was checked)"
        )),
        Some(d) if !d.day_known() => problems.push(format!("{at}: as_of needs a day")),
        _ => {}
    }
    if problems.len() > before {
        return None;
    }
    Some(ReleaseLine {
        technology: raw.technology,
        hosting: raw.hosting,
        line: raw.line,
        released,
        support_ends: ends?,
        extended_support_ends: extended,
        source: raw.source?,
        as_of: as_of?.earliest(),
        origin: origin.to_string(),
    })
}

/// A line is released before its support ends, and extended support ends
/// after standard support.
fn check_order(
    at: &str,
    released: Option<SupportDate>,
    ends: Option<SupportDate>,
    extended: Option<SupportDate>,
    problems: &mut Vec<String>,
) {
    if let (Some(r), Some(e)) = (released, ends) {
        if e.latest() < r.earliest() {
            problems.push(format!("{at}: support ends ({e}) before release ({r})"));
        }
    }
    if let (Some(e), Some(x)) = (ends, extended) {
        if x.latest() < e.earliest() {
            problems.push(format!(
                "{at}: extended support ends ({x}) before standard support ({e})"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        crate::Knowledge::builtin().unwrap().catalog
    }

    const SCHEME: &str = "[[scheme]]\ntechnology = \"postgresql\"\ncomponents = 1\n";

    fn line(fields: &str) -> String {
        format!("{SCHEME}[[line]]\ntechnology = \"postgresql\"\nline = \"14\"\n{fields}")
    }

    fn problems(text: &str) -> String {
        ReleaseBook::from_toml(text, "t", &catalog())
            .unwrap_err()
            .to_string()
    }

    const GOOD: &str =
        "released = \"2021-09-30\"\nsupport_ends = \"2026-11-12\"\nsource = \"https://x\"\nas_of = \"2026-11-29\"\n";

    #[test]
    fn a_well_formed_line_loads() {
        let b = ReleaseBook::from_toml(&line(GOOD), "t", &catalog()).unwrap();
        assert_eq!(b.lines()[0].id(), "release-line:postgresql:14");
    }

    #[test]
    fn an_unknown_technology_is_refused() {
        let text = "[[scheme]]\ntechnology = \"acmedb\"\ncomponents = 1\n[[line]]\ntechnology = \"acmedb\"\nline = \"1\"\nsupport_ends = \"2030-01-01\"\nsource = \"x\"\nas_of = \"2026-11-29\"\n";
        let e = problems(text);
        assert!(e.contains("unknown technology `acmedb`"), "{e}");
    }

    #[test]
    fn malformed_dates_are_refused() {
        let e = problems(&line(
            "support_ends = \"12/11/2026\"\nsource = \"x\"\nas_of = \"2026-11-29\"\n",
        ));
        assert!(e.contains("support_ends `12/11/2026`"), "{e}");
        let e = problems(&line(
            "support_ends = \"2026-02-30\"\nsource = \"x\"\nas_of = \"2026-11-29\"\n",
        ));
        assert!(e.contains("`2026-02-30`"), "{e}");
    }

    #[test]
    fn support_ending_before_release_is_refused() {
        let e = problems(&line(
            "released = \"2021-09-30\"\nsupport_ends = \"2020-01-01\"\nsource = \"x\"\nas_of = \"2026-11-29\"\n",
        ));
        assert!(e.contains("before release"), "{e}");
    }

    #[test]
    fn a_line_without_source_or_as_of_is_refused_and_both_are_reported() {
        let e = problems(&line("support_ends = \"2026-11-12\"\n"));
        assert!(e.contains("needs a source"), "{e}");
        assert!(e.contains("needs as_of"), "{e}");
    }

    #[test]
    fn a_line_the_scheme_cannot_name_is_refused() {
        let text =
            format!("{SCHEME}[[line]]\ntechnology = \"postgresql\"\nline = \"14.2\"\n{GOOD}");
        assert!(problems(&text).contains("1 to 1 dotted numbers"));
    }

    #[test]
    fn versions_find_their_lines() {
        let k = crate::Knowledge::builtin().unwrap();
        let r = &k.release_lines;
        let find = |t, v| r.find(t, None, v).map(|l| l.line.clone());
        assert_eq!(find("postgresql", "14.7").as_deref(), Some("14"));
        assert_eq!(find("mysql", "8.0.35").as_deref(), Some("8.0"));
        assert_eq!(find("nodejs", "Node 20").as_deref(), Some("20"));
        assert_eq!(find("django", "Django 3.2").as_deref(), Some("3.2"));
        assert_eq!(find("rails", "Rails 6.1.7").as_deref(), Some("6.1"));
        assert_eq!(find("elasticsearch", "7.17.29").as_deref(), Some("7"));
        assert_eq!(find("elasticsearch", "8.19.3").as_deref(), Some("8.19"));
        assert_eq!(find("postgresql", "9.6"), None, "no data for 9.6");
        assert_eq!(find("mongodb", "6.0"), None, "no scheme for mongodb");
        assert_eq!(r.line_name("mysql", "v8.0.35-log").as_deref(), Some("8.0"));
    }

    #[test]
    fn a_managed_calendar_is_used_only_for_its_hosting() {
        let k = crate::Knowledge::builtin().unwrap();
        let rds = k
            .release_lines
            .find("postgresql", Some("aws-rds"), "14")
            .unwrap();
        assert_eq!(rds.support_ends.to_string(), "2027-02-28");
        assert!(rds.extended_support_ends.is_some());
        let community = k.release_lines.find("postgresql", None, "14").unwrap();
        assert_eq!(community.support_ends.to_string(), "2026-11-12");
        assert!(k
            .release_lines
            .find("postgresql", Some("cloud-sql"), "14")
            .is_none());
    }

    #[test]
    fn the_next_supported_line_skips_lines_that_end_too_soon() {
        let k = crate::Knowledge::builtin().unwrap();
        let r = &k.release_lines;
        let pg14 = r.find("postgresql", None, "14").unwrap();
        let after = Date::new(2027, 12, 1).unwrap();
        assert_eq!(r.next_supported(pg14, after).unwrap().line, "16");
    }

    #[test]
    fn month_only_dates_keep_their_precision() {
        let d = SupportDate::parse("2025-10").unwrap();
        assert_eq!(d.earliest(), Date::new(2025, 10, 1).unwrap());
        assert_eq!(d.latest(), Date::new(2025, 10, 31).unwrap());
        assert_eq!(d.to_string(), "2025-10 (month only)");
        assert!(SupportDate::parse("2025-1").is_none());
        assert!(SupportDate::parse("2025-10-01-02").is_none());
    }

    #[test]
    fn every_builtin_line_has_a_source_and_a_scheme() {
        let k = crate::Knowledge::builtin().unwrap();
        assert!(k.release_lines.lines().len() >= 40);
        for l in k.release_lines.lines() {
            assert!(l.source.starts_with("https://"), "{}", l.id());
        }
    }
}
