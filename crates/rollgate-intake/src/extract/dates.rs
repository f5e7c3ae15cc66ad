//! Dates, deadlines, target durations and freeze windows. Relative phrases
//! ("this month", "in 8 weeks", "end of Q1") are resolved against the plan's
//! start date, so the same input always yields the same dates.

use super::{parse_number, Claimed, Hit, Spans};
use crate::facts::{Freeze, YearlyRule};
use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

/// A date expression and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateExpr {
    pub date: Date,
    pub reading: String,
    /// Two numeric readings were possible (`03/04/2026`).
    pub ambiguous: bool,
}

const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

const MONTH_RE: &str = r"january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec";

/// The month a name or abbreviation stands for ("March", "sept").
pub fn month_of(name: &str) -> Option<i8> {
    month_number(name)
}

fn month_number(name: &str) -> Option<i8> {
    let n = name.to_ascii_lowercase();
    let n = n.trim_end_matches('.');
    MONTHS.iter().find(|(m, _)| *m == n).map(|(_, v)| *v)
}

fn month_name(m: i8) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(m - 1) as usize]
}

fn last_day(year: i16, month: i8) -> Option<Date> {
    Date::new(year, month, 1).ok().map(|d| d.last_of_month())
}

/// The first `month/day` on or after `start` when no year is written.
fn next_occurrence(start: Date, month: i8, day: i8) -> Option<Date> {
    let this = Date::new(start.year(), month, day).ok()?;
    if this >= start {
        Some(this)
    } else {
        Date::new(start.year() + 1, month, day).ok()
    }
}

fn quarter_start(year: i16, q: i8) -> Option<Date> {
    Date::new(year, (q - 1) * 3 + 1, 1).ok()
}

fn quarter_end(year: i16, q: i8) -> Option<Date> {
    last_day(year, q * 3)
}

fn parse_year(s: &str) -> Option<i16> {
    let y: i16 = s.trim_start_matches(['\'', '’']).parse().ok()?;
    if y < 100 {
        Some(2000 + y)
    } else {
        Some(y)
    }
}

/// Every date expression in `text`: ISO dates, `July 1, 2026`, `1 July`,
/// `07/01/2026`, quarters (`Q3 2026`, `end of Q1`), half-years, month ends,
/// and relative phrases (`this month`, `in 8 weeks`, `end of year`).
/// Whether the text writes numeric dates day first (`17/12`), from the
/// slash dates it holds that can only be read one way: day first when
/// any such date has a first part above 12 and none a second part above
/// 12. Month first otherwise (the default, said as ambiguous).
fn slash_order(text: &str) -> bool {
    let any = crate::re!(r"\b(\d{1,2})/(\d{1,2})\b");
    let (mut day_first, mut month_first) = (0, 0);
    for c in any.captures_iter(text) {
        let a: i8 = c[1].parse().unwrap_or(0);
        let b: i8 = c[2].parse().unwrap_or(0);
        if (a, b) == (24, 7) {
            continue;
        }
        if a > 12 && b <= 12 {
            day_first += 1;
        } else if b > 12 && a <= 12 {
            month_first += 1;
        }
    }
    day_first > 0 && month_first == 0
}

/// (month, day, ambiguous) of a slash date's two parts.
fn month_and_day(a: i8, b: i8, day_first: bool) -> (i8, i8, bool) {
    if a > 12 {
        (b, a, false)
    } else if b > 12 {
        (a, b, false)
    } else if day_first {
        (b, a, a != b)
    } else {
        (a, b, a != b)
    }
}

fn slash_reading(date: Option<Date>, ambiguous: bool, day_first: bool) -> String {
    match date {
        Some(dt) if ambiguous => format!(
            "{dt} (read as {}, as the text's other dates are; write ISO dates to be unambiguous)",
            if day_first { "day/month" } else { "month/day" }
        ),
        Some(dt) => dt.to_string(),
        None => String::new(),
    }
}

/// Whether a year-less `a/b` at `s..e` is written as a date.
fn short_date_context(
    text: &str,
    s: usize,
    e: usize,
    a: &regex::Match<'_>,
    b: &regex::Match<'_>,
) -> bool {
    if a.as_str().len() == 2 && b.as_str().len() == 2 {
        return true;
    }
    let before = super::behind(text, s, 24).to_ascii_lowercase();
    let before = before.trim_end();
    // A range joiner right before ("12/18-1/4", "17/12 -> 04/01").
    if ["->", "→", "-", "–"].iter().any(|j| before.ends_with(j)) {
        return true;
    }
    let cue = [
        "by",
        "until",
        "till",
        "before",
        "after",
        "from",
        "on",
        "due",
        "to",
        "since",
        "freeze",
        "ends",
        "out",
        "pto",
        "off",
        "leave",
        "deadline:",
    ];
    if cue.iter().any(|w| {
        before.ends_with(w)
            && before[..before.len() - w.len()]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric())
    }) {
        return true;
    }
    let after = text[e..].trim_start();
    ["->", "→", "–", "- ", "to ", "until "]
        .iter()
        .any(|j| after.starts_with(j))
}

pub fn dates(text: &str, start: Date) -> Vec<Hit<DateExpr>> {
    let mut found = (Vec::new(), Claimed::default());
    let push = |(out, claimed): &mut (Vec<Hit<DateExpr>>, Claimed),
                d: Option<Date>,
                reading: String,
                ambiguous: bool,
                s: usize,
                e: usize| {
        if let Some(date) = d {
            if claimed.claim(s, e, out.len()) {
                out.push(Hit::new(
                    DateExpr {
                        date,
                        reading,
                        ambiguous,
                    },
                    s,
                    e,
                ));
            }
        }
    };
    // Longer, more specific forms first; later forms skip overlapping spans.
    let iso = crate::re!(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b");
    for c in iso.captures_iter(text) {
        let w = c.get(0).unwrap();
        let d = Date::new(
            c[1].parse().unwrap_or(0),
            c[2].parse().unwrap_or(0),
            c[3].parse().unwrap_or(0),
        )
        .ok();
        push(
            &mut found,
            d,
            w.as_str().to_string(),
            false,
            w.start(),
            w.end(),
        );
    }
    let quarter = crate::re!(
        r"(?i)\b(?:(end|start|beginning|middle|mid)\s+of\s+(?:the\s+)?)?(?:q([1-4])|([1-4])(?:st|nd|rd|th)\s+quarter)(?:\s*(?:of\s+)?(?:fy\s?)?('?\d{2,4}))?\b"
    );
    for c in quarter.captures_iter(text) {
        let w = c.get(0).unwrap();
        let q: i8 = c.get(2).or(c.get(3)).unwrap().as_str().parse().unwrap_or(1);
        let at_end = c
            .get(1)
            .is_some_and(|m| m.as_str().eq_ignore_ascii_case("end"));
        let year = match c.get(4).and_then(|y| parse_year(y.as_str())) {
            Some(y) => y,
            None => {
                let probe = if at_end {
                    quarter_end(start.year(), q)
                } else {
                    quarter_start(start.year(), q)
                };
                if probe.is_some_and(|d| d >= start) {
                    start.year()
                } else {
                    start.year() + 1
                }
            }
        };
        let (d, reading) = if at_end {
            (quarter_end(year, q), format!("end of Q{q} {year}"))
        } else {
            (quarter_start(year, q), format!("start of Q{q} {year}"))
        };
        push(&mut found, d, reading, false, w.start(), w.end());
    }
    let half = crate::re!(r"(?i)\b(?:(end|start)\s+of\s+)?h([12])\s+('?\d{2,4})\b");
    for c in half.captures_iter(text) {
        let w = c.get(0).unwrap();
        let h: i8 = c[2].parse().unwrap_or(1);
        let Some(year) = parse_year(&c[3]) else {
            continue;
        };
        let at_end = c
            .get(1)
            .is_some_and(|m| m.as_str().eq_ignore_ascii_case("end"));
        let (d, reading) = if at_end {
            (last_day(year, h * 6), format!("end of H{h} {year}"))
        } else {
            (
                Date::new(year, (h - 1) * 6 + 1, 1).ok(),
                format!("start of H{h} {year}"),
            )
        };
        push(&mut found, d, reading, false, w.start(), w.end());
    }
    let month_day = crate::re!(&format!(
        r"(?i)\b({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b"
    ));
    for c in month_day.captures_iter(text) {
        let w = c.get(0).unwrap();
        let Some(m) = month_number(&c[1]) else {
            continue;
        };
        let day: i8 = c[2].parse().unwrap_or(0);
        let d = match c.get(3) {
            Some(y) => Date::new(y.as_str().parse().unwrap_or(0), m, day).ok(),
            None => next_occurrence(start, m, day),
        };
        let reading = d.map(|d| d.to_string()).unwrap_or_default();
        push(&mut found, d, reading, false, w.start(), w.end());
    }
    let day_month = crate::re!(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b"
    ));
    for c in day_month.captures_iter(text) {
        let w = c.get(0).unwrap();
        let Some(m) = month_number(&c[2]) else {
            continue;
        };
        let day: i8 = c[1].parse().unwrap_or(0);
        let d = match c.get(3) {
            Some(y) => Date::new(y.as_str().parse().unwrap_or(0), m, day).ok(),
            None => next_occurrence(start, m, day),
        };
        let reading = d.map(|d| d.to_string()).unwrap_or_default();
        push(&mut found, d, reading, false, w.start(), w.end());
    }
    let day_first = slash_order(text);
    let slash = crate::re!(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b");
    for c in slash.captures_iter(text) {
        let w = c.get(0).unwrap();
        let a: i8 = c[1].parse().unwrap_or(0);
        let b: i8 = c[2].parse().unwrap_or(0);
        let y: i16 = c[3].parse().unwrap_or(0);
        let (m, d, ambiguous) = month_and_day(a, b, day_first);
        let date = Date::new(y, m, d).ok();
        push(
            &mut found,
            date,
            slash_reading(date, ambiguous, day_first),
            ambiguous,
            w.start(),
            w.end(),
        );
    }
    // "17/12 -> 04/01", "by 26/02", "3/15": a day and a month without a
    // year, the next time it comes. Only where it reads as a date: both
    // parts written with two digits, a date word just before, or a range
    // with another such date; never "24/7" or a fraction ("1/2 of").
    let slash_short = crate::re!(r"(?:^|[^\w/.,])(\d{1,2})/(\d{1,2})(?:[^\w/%]|$)");
    let mut at = 0;
    while let Some(c) = slash_short.captures_at(text, at) {
        let (a_m, b_m) = (c.get(1).unwrap(), c.get(2).unwrap());
        at = b_m.end();
        let (a, b): (i8, i8) = (
            a_m.as_str().parse().unwrap_or(0),
            b_m.as_str().parse().unwrap_or(0),
        );
        if (a, b) == (24, 7) || !short_date_context(text, a_m.start(), b_m.end(), &a_m, &b_m) {
            continue;
        }
        let (m, d, ambiguous) = month_and_day(a, b, day_first);
        let date = Date::new(start.year(), m, d)
            .ok()
            .and_then(|_| next_occurrence(start, m, d));
        push(
            &mut found,
            date,
            slash_reading(date, ambiguous, day_first),
            ambiguous,
            a_m.start(),
            b_m.end(),
        );
    }
    // "31.10.2026": a dotted date is day.month.year where it is written.
    let dotted = crate::re!(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b");
    for c in dotted.captures_iter(text) {
        let w = c.get(0).unwrap();
        let d: i8 = c[1].parse().unwrap_or(0);
        let m: i8 = c[2].parse().unwrap_or(0);
        let y: i16 = c[3].parse().unwrap_or(0);
        let date = Date::new(y, m, d).ok();
        let reading = date.map(|dt| dt.to_string()).unwrap_or_default();
        push(&mut found, date, reading, false, w.start(), w.end());
    }
    let month_end = crate::re!(&format!(
        r"(?i)\b(?:(end|start|beginning|middle|mid)(?:\s+|-)(?:of\s+)?)?({MONTH_RE})\.?(?:\s+('?\d{{4}}))?\b"
    ));
    for c in month_end.captures_iter(text) {
        let w = c.get(0).unwrap();
        let Some(m) = month_number(&c[2]) else {
            continue;
        };
        // "may" is a verb; read it as a month only with a year or "end of".
        if c[2].eq_ignore_ascii_case("may") && c.get(1).is_none() && c.get(3).is_none() {
            continue;
        }
        // A bare month is a date only in deadline-like positions ("by June");
        // "Currently April" is read by `reference_month`.
        let before = super::behind(text, w.start(), 64)
            .trim_end()
            .to_ascii_lowercase();
        let bare = c.get(1).is_none() && c.get(3).is_none();
        if bare
            && !(before.ends_with("by")
                || before.ends_with("before")
                || before.ends_with("until")
                || before.ends_with("in")
                || before.ends_with("deadline:")
                || before.ends_with("due"))
        {
            continue;
        }
        let edge = c.get(1).map(|e| e.as_str().to_ascii_lowercase());
        let year = match c.get(3).and_then(|y| parse_year(y.as_str())) {
            Some(y) => y,
            None => {
                if last_day(start.year(), m).is_some_and(|d| d >= start) {
                    start.year()
                } else {
                    start.year() + 1
                }
            }
        };
        let (d, reading) = match edge.as_deref() {
            Some("end") => (
                last_day(year, m),
                format!("end of {} {year}", month_name(m)),
            ),
            Some("middle") | Some("mid") => (
                Date::new(year, m, 15).ok(),
                format!("mid {} {year}", month_name(m)),
            ),
            _ => (
                Date::new(year, m, 1).ok(),
                format!("start of {} {year}", month_name(m)),
            ),
        };
        push(&mut found, d, reading, false, w.start(), w.end());
    }
    let relative = crate::re!(
        r"(?i)\b(?:(this|next)\s+(month|quarter|year)|(?:the\s+)?end\s+of\s+(?:the\s+)?(month|quarter|year)|(?:year[\s-]end|eoy|eoq)|(?:in|within)\s+(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(weeks?|months?|quarters?|days?))\b"
    );
    for c in relative.captures_iter(text) {
        let w = c.get(0).unwrap();
        let lower = w.as_str().to_ascii_lowercase();
        let (d, reading) = if let (Some(which), Some(unit)) = (c.get(1), c.get(2)) {
            let next = which.as_str().eq_ignore_ascii_case("next");
            period_end(start, &unit.as_str().to_ascii_lowercase(), next)
        } else if let Some(unit) = c.get(3) {
            period_end(start, &unit.as_str().to_ascii_lowercase(), false)
        } else if lower.contains("eoy")
            || lower.contains("year") && !lower.starts_with("in") && !lower.starts_with("within")
        {
            period_end(start, "year", false)
        } else if lower.contains("eoq") {
            period_end(start, "quarter", false)
        } else {
            let n = parse_number(&c[4]).unwrap_or(0.0) as i64;
            let unit = c[5].to_ascii_lowercase();
            // Checked all the way: "in 99999999999 months" is no date, not
            // a panic or a wrapped-around one.
            let span = if unit.starts_with("week") {
                n.checked_mul(7)
                    .and_then(|d| jiff::Span::new().try_days(d).ok())
            } else if unit.starts_with("month") {
                jiff::Span::new().try_months(n).ok()
            } else if unit.starts_with("quarter") {
                // "Within two quarters": six months from the start date.
                n.checked_mul(3)
                    .and_then(|m| jiff::Span::new().try_months(m).ok())
            } else {
                jiff::Span::new().try_days(n).ok()
            };
            let d = span.and_then(|s| start.checked_add(s).ok());
            (
                d,
                format!(
                    "{} from the start date {start}",
                    w.as_str()
                        .trim_start_matches(|c: char| c.is_alphabetic())
                        .trim()
                ),
            )
        };
        push(&mut found, d, reading, false, w.start(), w.end());
    }
    // "From Nov 1 thru Cyber Monday", "before Black Friday": the retail
    // days around US Thanksgiving, the next ones on or after the start.
    let retail = crate::re!(r"(?i)\b(black\s+friday|cyber\s+monday|thanksgiving)\b");
    for c in retail.captures_iter(text) {
        let w = c.get(0).expect("whole");
        let offset = match c[1].to_ascii_lowercase().split_whitespace().next() {
            Some("black") => 1,
            Some("cyber") => 4,
            _ => 0,
        };
        let day = |year: i16| thanksgiving(year).and_then(|t| t.checked_add(offset.days()).ok());
        let d = day(start.year())
            .filter(|d| *d >= start)
            .or_else(|| day(start.year() + 1));
        let reading = format!(
            "{} ({})",
            w.as_str(),
            d.map(|d| d.to_string()).unwrap_or_default()
        );
        push(&mut found, d, reading, false, w.start(), w.end());
    }
    // "Before Christmas": the next 25 December.
    let christmas = crate::re!(r"(?i)\b(?:christmas|xmas)\b");
    for m in christmas.find_iter(text) {
        let d = next_occurrence(start, 12, 25);
        push(
            &mut found,
            d,
            format!(
                "Christmas ({})",
                d.map(|d| d.to_string()).unwrap_or_default()
            ),
            false,
            m.start(),
            m.end(),
        );
    }
    let (mut out, _) = found;
    out.sort_by_key(|h| h.start);
    out
}

fn period_end(start: Date, unit: &str, next: bool) -> (Option<Date>, String) {
    match unit {
        "month" => {
            let base = if next {
                start.checked_add(1.month()).ok()
            } else {
                Some(start)
            };
            let d = base.map(|b| b.last_of_month());
            (
                d,
                format!(
                    "end of {} the month ({})",
                    if next { "next" } else { "this" },
                    d.map(|d| d.to_string()).unwrap_or_default()
                ),
            )
        }
        "quarter" => {
            let q = (start.month() - 1) / 3 + 1;
            let (y, q) = if next {
                if q == 4 {
                    (start.year() + 1, 1)
                } else {
                    (start.year(), q + 1)
                }
            } else {
                (start.year(), q)
            };
            (quarter_end(y, q), format!("end of Q{q} {y}"))
        }
        _ => {
            let y = if next { start.year() + 1 } else { start.year() };
            (last_day(y, 12), format!("end of {y}"))
        }
    }
}

/// "Currently April": the month the writer was in, to check the start date
/// against.
pub fn reference_month(text: &str) -> Option<Hit<i8>> {
    let re = crate::re!(&format!(
        r"(?i)\b(?:currently|it'?s|it\s+is|now|today\s+is|as\s+of)\s+(?:early\s+|mid\s+|late\s+)?({MONTH_RE})\b"
    ));
    let c = re.captures(text)?;
    let w = c.get(0).unwrap();
    Some(Hit::new(month_number(&c[1])?, w.start(), w.end()))
}

/// Words that mark a date as the deadline.
pub fn is_deadline_context(text: &str, at: usize) -> bool {
    // "Within two quarters" says by when on its own.
    if super::ahead(text, at, 7).eq_ignore_ascii_case("within ") {
        return true;
    }
    let (cs, _) = super::clause_around(text, at);
    let before = text[cs..at].to_ascii_lowercase();
    [
        "by",
        "before",
        "deadline",
        "due",
        "no later than",
        "until",
        "must",
        "need",
        "has to",
        "latest",
        "in time for",
        "ahead of",
        "target",
        // The end of something the team depends on is a deadline too:
        // "our vendor contract runs out at the end of June".
        "runs out",
        "run out",
        "renews",
        "retired",
        "retire",
        "decommission",
        "end is",
        "ends on",
        "expire",
        "expiry",
        "ends ",
        "ending",
        "end of support",
        "end of life",
        "end-of-life",
        "eol",
        "sunset",
        "shut down",
        "shuts down",
        "switched off",
        "renewal",
        // "Done in two quarters", "finished within…": when it must be done.
        "done",
        "finish",
        "complete",
        "wants it",
        "promised",
    ]
    .iter()
    .any(|w| before.contains(w))
        || refers_back_as_deadline(text, at)
}

/// Whether the words after a date make it the deadline by pointing back to
/// it: "…after October 31, so we must be off version 11 before that date",
/// "price increase from 1 August, so we want to finish before".
fn refers_back_as_deadline(text: &str, at: usize) -> bool {
    let (_, ce) = super::clause_around(text, at);
    // The pointer may follow a semicolon ("go-live is on 15 September;
    // we need to be done by then"), not a full stop.
    let window = super::ahead(text, at, super::CONTEXT_BYTES);
    let sentence_end = [window.find(". "), window.find('\n')]
        .into_iter()
        .flatten()
        .min()
        .map_or(at + window.len(), |e| at + e + 1);
    let after = text[at..sentence_end.max(ce).min(text.len())].to_ascii_lowercase();
    let back = crate::re!(
        r"\b(?:before|by|until)\s+(?:that|then|this|it)\b|\b(?:finish|finished|done|gone|off|out|migrated|complete)\s+(?:\w+\s+)?before\s*(?:[.;!]|$)"
    );
    back.is_match(&after)
}

/// How a duration in the constraints is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationRole {
    Max,
    Preferred,
}

/// Classifies a duration at `start..end` by the words around it: `5 months
/// max`, `at most 6 weeks` (Max); `prefer 3 months`, `ideally 8 weeks`
/// (Preferred). Durations with neither reading return `None`.
pub fn duration_role(text: &str, start: usize, end: usize) -> Option<DurationRole> {
    let (cs, ce) = super::clause_around(text, start);
    // "Monthly is ok for 1-2 months max", "double hosting costs for two
    // months at most": a bound on paying for something, not on the plan.
    let billing = crate::re!(
        r"(?i)\b(?:monthly|annual(?:ly)?|renew\w*|pay(?:ing)?|billing|costs?|subscriptions?|licen[cs]es?|invoices?|double[\s-](?:hosting|running|costs?))\b"
    );
    let near = super::behind(text, start, 80);
    let near = &near[near.rfind(['.', ';', '(']).map_or(0, |k| k + 1)..];
    let after = super::ahead(text, end, 60);
    let after = &after[..after.find(['.', ';', ')']).unwrap_or(after.len())];
    if billing.is_match(near) || billing.is_match(after) {
        return None;
    }
    let before = text[cs..start].to_ascii_lowercase();
    let after = text[end..ce.max(end)].to_ascii_lowercase();
    let after_head: String = after.chars().take(20).collect();
    let max_words = [
        "max",
        "at most",
        "no more than",
        "maximum",
        "hard limit",
        "cap",
        "not exceed",
        "upper bound",
        "tops",
        "or less",
    ];
    let pref_words = [
        "prefer",
        "ideally",
        "target",
        "aim",
        "would like",
        "hope",
        "want",
        "goal",
        "rather",
        "comfortable",
    ];
    if max_words
        .iter()
        .any(|w| after_head.contains(w) || before.contains(w))
    {
        return Some(DurationRole::Max);
    }
    if pref_words
        .iter()
        .any(|w| before.contains(w) || after_head.contains(w))
    {
        return Some(DurationRole::Preferred);
    }
    None
}

/// The weekday a name or abbreviation names (1 = Monday), 0 for "weekend".
pub fn weekday_of(name: &str) -> Option<u8> {
    let n = name.to_ascii_lowercase();
    let n = n.trim_end_matches('s');
    Some(match n {
        "monday" | "mon" => 1,
        "tuesday" | "tue" | "tues" => 2,
        "wednesday" | "wed" => 3,
        "thursday" | "thu" | "thur" | "thurs" => 4,
        "friday" | "fri" => 5,
        "saturday" | "sat" => 6,
        "sunday" | "sun" => 7,
        "weekend" => 0,
        _ => return None,
    })
}

/// The US Thanksgiving Thursday (fourth Thursday of November).
fn thanksgiving(year: i16) -> Option<Date> {
    Date::new(year, 11, 1)
        .ok()?
        .nth_weekday_of_month(4, Weekday::Thursday)
        .ok()
}

/// Freeze windows: recurring (`the last two business days of every month`,
/// `no deploys on Fridays`), one-off (`code freeze from Dec 15 to Jan 5`),
/// known seasons (`Black Friday`), and named ones without dates (`the week
/// of our annual sale`), which are reported so the user can give dates.
pub fn freezes(text: &str, start: Date) -> Vec<Hit<Freeze>> {
    let mut out: Spans<Freeze> = Spans::default();
    let edge = crate::re!(
        r"(?i)\b(last|first|final)\s+(\d+|one|two|three|four|five|a\s+couple\s+of|a\s+few)?\s*(business|working|week)?\s*days?\s+of\s+(?:every|each|the|a)\s+month\b"
    );
    for c in edge.captures_iter(text) {
        let w = c.get(0).unwrap();
        // "The last days of each month" without a number: a few, read as
        // three; "the last day" is one.
        let plural = c
            .get(0)
            .is_some_and(|m| m.as_str().to_ascii_lowercase().contains("days"));
        let unnumbered = if plural { 3.0 } else { 1.0 };
        let days = c
            .get(2)
            .and_then(|m| parse_number(m.as_str()))
            .unwrap_or(unnumbered) as u32;
        let name = w.as_str().to_string();
        let freeze = if c[1].eq_ignore_ascii_case("first") {
            Freeze::FirstBusinessDaysOfMonth { name, days }
        } else {
            Freeze::LastBusinessDaysOfMonth { name, days }
        };
        out.push(Hit::new(freeze, w.start(), w.end()));
    }
    // "The last 3 days of each month and the first 2 working days": the
    // second edge shares the first one's month.
    let elliptic = crate::re!(
        r"(?i)^\s*(?:,|and|&|\+|plus|as\s+well\s+as)\s*(?:the\s+)?(last|first|final)\s+(\d+|one|two|three|four|five)\s*(?:business|working)?\s*days?\b"
    );
    let month_edges: Vec<usize> = edge.find_iter(text).map(|m| m.end()).collect();
    for end in month_edges {
        if let Some(c) = elliptic.captures(super::ahead(text, end, 80)) {
            let w = c.get(0).expect("whole match");
            let days = parse_number(&c[2]).unwrap_or(1.0) as u32;
            let name = text[end + w.start()..end + w.end()]
                .trim_start_matches([',', ' '])
                .to_string();
            let freeze = if c[1].eq_ignore_ascii_case("first") {
                Freeze::FirstBusinessDaysOfMonth { name, days }
            } else {
                Freeze::LastBusinessDaysOfMonth { name, days }
            };
            out.push(Hit::new(freeze, end + w.start(), end + w.end()));
        }
    }
    // "No changes from the 20. to the 27. of every month", "between the
    // 20th and 27th of each month", "20-27 of every month (payroll)".
    let month_days = crate::re!(
        r"(?i)\b(?:from\s+|between\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th|\.)?\s*(?:-|–|to|until|till|and|through)\s*(?:the\s+)?(\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:day\s+)?of\s+(?:every|each|the|a)\s+month\b"
    );
    for c in month_days.captures_iter(text) {
        let w = c.get(0).expect("whole match");
        let (from_day, to_day): (i8, i8) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        if !(1..=31).contains(&from_day) || !(from_day..=31).contains(&to_day) {
            continue;
        }
        let (cs, ce) = super::clause_around(text, w.start());
        out.push(Hit::new(
            Freeze::DaysOfMonth {
                name: text[cs..ce].trim().trim_end_matches(['.', ';']).to_string(),
                from_day,
                to_day,
            },
            w.start(),
            w.end(),
        ));
    }
    let weekly = crate::re!(
        r"(?i)\b(?:no|never|nothing|don't|do\s+not)\s+(?:deploys?|deployments?|changes?|releases?|ships?|shipping|migrations?|cutovers?|deploy|release|change)?\s*(?:(?P<prep>on|during|over)\s+(?:the\s+)?)?(?P<d1>(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?|weekends?)(?:\s*(?P<j>or|and|/|,|-|–|to|through|thru)\s*(?P<d2>(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?|weekends?))?\b"
    );
    for c in weekly.captures_iter(text) {
        let w = c.get(0).unwrap();
        // Without "on"/"during", only a day spelled out or a range of days
        // is a freeze ("no deploys Fri-Sun"), not "never sat down".
        let spelled = c["d1"].to_ascii_lowercase().contains("day")
            || c["d1"].to_ascii_lowercase().starts_with("weekend");
        if c.name("prep").is_none() && c.name("d2").is_none() && !spelled {
            continue;
        }
        let mut weekdays = Vec::new();
        for g in [c.name("d1"), c.name("d2")].into_iter().flatten() {
            match weekday_of(g.as_str()) {
                Some(0) => weekdays.extend([6, 7]),
                Some(d) => weekdays.push(d),
                None => {}
            }
        }
        // "Fri-Sun", "Friday to Sunday": every day between, across the
        // week's end when the range wraps ("Sat-Mon").
        let ranged = c.name("j").is_some_and(|j| {
            matches!(
                j.as_str().to_ascii_lowercase().as_str(),
                "-" | "–" | "to" | "through" | "thru"
            )
        });
        if let (true, [a, b]) = (ranged, weekdays.as_slice()) {
            let (a, b) = (*a, *b);
            weekdays = (0..7)
                .map(|k| (a - 1 + k) % 7 + 1)
                .take(usize::from((b + 7 - a) % 7) + 1)
                .collect();
        }
        weekdays.sort();
        weekdays.dedup();
        if !weekdays.is_empty() {
            out.push(Hit::new(
                Freeze::Weekdays {
                    name: w.as_str().to_string(),
                    weekdays,
                },
                w.start(),
                w.end(),
            ));
        }
    }
    if let Some(bf) = black_friday(text, 0) {
        out.push(bf);
    }
    // One-off ranges: a freeze cue, then two dates joined by to/until/-/through.
    let cue = crate::re!(
        r"(?i)\b(?:(?:code|change|deploy(?:ment)?|release|holiday|end[\s-]of[\s-]year|year[\s-]end)\s+)?(?:freeze|frozen|blackout|moratorium|no\s+(?:[\w-]+\s+){0,3}?(?:deploys?|changes|releases|go[\s-]lives?|cutovers?)|nothing\s+(?:ships?|changes|goes\s+out|is\s+deployed|gets\s+deployed)|(?:do\s+not|don't|never)\s+(?:make|do|ship|deploy|allow)\s+(?:any\s+)?(?:[\w-]+\s+){0,2}?(?:deploys?|changes?|releases?))\b"
    );
    for h in quarter_end_freezes(text, cue) {
        if !out.overlaps(h.start, h.end) {
            out.push(h);
        }
    }
    // "Nothing changes in the first full week of January": a week named by
    // its place in a month, in a clause that freezes something.
    let named_week = crate::re!(
        r"(?i)\b(first|second|third|fourth|last|final)\s+(full\s+)?week\s+of\s+(january|february|march|april|may|june|july|august|september|october|november|december)(?:\s+(\d{4}))?\b"
    );
    for c in named_week.captures_iter(text) {
        let w = c.get(0).expect("whole match");
        let (cs, ce) = super::clause_around(text, w.start());
        if !cue.is_match(&text[cs..ce]) || out.overlaps(w.start(), w.end()) {
            continue;
        }
        let month = month_number(&c[3]).unwrap_or(1);
        let ordinal = c[1].to_ascii_lowercase();
        let full = c.get(2).is_some();
        let explicit_year = c.get(4).and_then(|y| y.as_str().parse::<i16>().ok());
        // Without a year the week is a standing rule: every year's.
        if explicit_year.is_none() {
            let ordinal = match ordinal.as_str() {
                "first" => 1,
                "second" => 2,
                "third" => 3,
                "fourth" => 4,
                _ => -1,
            };
            out.remove_overlapping(w.start(), w.end());
            out.push(Hit::new(
                Freeze::Yearly {
                    name: text[cs..ce].trim().to_string(),
                    rule: YearlyRule::WeekOfMonth {
                        month,
                        ordinal,
                        full,
                    },
                },
                w.start(),
                w.end(),
            ));
            continue;
        }
        let Some((from, to)) = week_of_month(start, month, &ordinal, full, explicit_year) else {
            continue;
        };
        // The span is the week's own words, so a second freeze in the same
        // clause ("…or during our annual sale (the week of 2026-06-15)")
        // keeps its own.
        set_range(
            &mut out,
            text[cs..ce].trim(),
            (from, to),
            w.start(),
            w.end(),
        );
    }
    // "The week of 2026-06-15" in a clause that freezes: Monday to Sunday.
    let week_of = crate::re!(r"(?i)\bweek\s+of\s+");
    for w in week_of.find_iter(text) {
        let (cs, ce) = super::clause_around(text, w.start());
        if !cue.is_match(&text[cs..ce]) || out.overlaps(w.start(), w.end()) {
            continue;
        }
        let found = dates(&text[w.end()..ce.max(w.end())], start);
        let Some(first) = found.first().filter(|d| d.start == 0) else {
            continue;
        };
        let day = first.value.date;
        let back = i64::from(day.weekday().to_monday_zero_offset());
        let (Ok(from), end) = (day.checked_sub(back.days()), w.end() + first.end) else {
            continue;
        };
        if let Ok(to) = from.checked_add(6.days()) {
            set_range(&mut out, text[cs..ce].trim(), (from, to), w.start(), end);
        }
    }
    for m in cue.find_iter(text) {
        let (_, ce) = super::clause_around(text, m.start());
        let window_end = ce.max(m.end()).min(text.len());
        let found = dates(&text[m.end()..window_end], start);
        // "Code freeze the week of 2026-12-21": Monday to Sunday around it.
        if let Some(first) = found.first() {
            let lead = text[m.end()..m.end() + first.start].to_ascii_lowercase();
            let named = named_week.is_match(&text[m.start()..m.end() + first.end]);
            if lead.trim_end().ends_with("week of") && found.len() == 1 && !named {
                let day = first.value.date;
                let back = i64::from(day.weekday().to_monday_zero_offset());
                if let (Ok(from), end) = (day.checked_sub(back.days()), m.end() + first.end) {
                    if let Ok(to) = from.checked_add(6.days()) {
                        set_range(&mut out, &text[m.start()..end], (from, to), m.start(), end);
                        continue;
                    }
                }
            }
        }
        // "Black Friday and Cyber Monday" is the retail peak read above
        // (from Thanksgiving), not a range between the two days.
        let retail = crate::re!(r"(?i)^(?:black\s+friday|cyber\s+monday|thanksgiving)$");
        let both_retail = found.len() >= 2
            && found[..2]
                .iter()
                .all(|d| retail.is_match(&text[m.end() + d.start..m.end() + d.end]));
        if found.len() >= 2
            && !both_retail
            && is_range_joiner(&text[m.end() + found[0].end..m.end() + found[1].start])
        {
            let from = found[0].value.date;
            let mut to = found[1].value.date;
            // "Dec 15 to Jan 5" crosses a year end.
            if to < from {
                to = to.checked_add(1.year()).unwrap_or(to);
            }
            let end = m.end() + found[1].end;
            let range = ongoing((from, to), start, &text[m.start()..end]);
            set_range(&mut out, &text[m.start()..end], range, m.start(), end);
            continue;
        }
        let (cs, _) = super::clause_around(text, m.start());
        // "Peak season from November 15 to December 31, no changes in this
        // time": the freeze points back to the dates before it.
        let back = crate::re!(
            r"(?i)^\s*(?:in|during|over|for)\s+(?:this|that|the\s+same|those|these)\s+(?:time|period|window|weeks?|days?|months?|dates?)\b|^\s*then\b|^\s*(?:during|over|in|for)\s+(?:it|them)\b"
        );
        // "…from 15 November until 10 January and in this time we do not
        // make any change": the pointer stands before the freeze words.
        let back_before = crate::re!(
            r"(?i)\b(?:in|during|over|for)\s+(?:this|that|the\s+same|those|these)\s+(?:time|period|window|weeks?|days?|months?)\s*,?\s*(?:we\s+|they\s+)?$|\b(?:with\s+)?the\s+same\s+$"
        );
        let points_back =
            back.is_match(&text[m.end()..window_end]) || back_before.is_match(&text[cs..m.start()]);
        if points_back && !out.overlaps(cs, m.start()) {
            // The dates stand in the same clause, or in the one before a
            // semicolon ("runs Dec 28 to Jan 3; nothing ships then").
            let mut from = cs;
            let mut range = range_in(&text[cs..m.start()], start)
                .or_else(|| weeks_of_month(&text[cs..m.start()], start));
            if range.is_none() && text[..cs].trim_end().ends_with(';') {
                let semi = text[..cs].trim_end().len() - 1;
                let (ps, _) = super::clause_around(text, semi.saturating_sub(1));
                if !out.overlaps(ps, semi) {
                    from = ps;
                    range = range_in(&text[ps..m.start()], start);
                }
            }
            if let Some(range) = range {
                let range = ongoing(range, start, &text[from..m.start()]);
                set_range(
                    &mut out,
                    text[from..window_end].trim(),
                    range,
                    from,
                    window_end,
                );
                continue;
            }
        }
        if out.overlaps(cs, window_end) {
            continue;
        }
        // A freeze with no dates: keep its words so the user can add them.
        let lower = text[m.start()..window_end].to_ascii_lowercase();
        if lower.contains("black friday")
            || lower.contains("cyber monday")
            || lower.contains("week of")
            || lower.contains("during")
            || lower.contains("season")
            || lower.contains("sale")
            || lower.contains("launch")
            || lower.contains("freeze")
        {
            let name = text[m.start()..window_end]
                .trim()
                .trim_end_matches(['.', ';', ','])
                .to_string();
            out.push(Hit::new(Freeze::Unresolved { name }, m.start(), window_end));
        }
    }
    out.into_vec()
        .into_iter()
        .map(|h| as_yearly(text, h))
        .collect()
}

/// Whether the words between two dates make them a range ("to", "until").
fn is_range_joiner(between: &str) -> bool {
    let b = between.trim().to_ascii_lowercase();
    if [
        "to", "until", "-", "–", "through", "thru", "and", "till", "->", "→", "-->",
    ]
    .contains(&b.as_str())
    {
        return true;
    }
    // "starts 1 September and runs until mid-January".
    let runs = crate::re!(
        r"^(?:and\s+)?(?:runs?|lasts?|goes|continues|is\s+on)\s+(?:to|until|till|through)$"
    );
    runs.is_match(&b)
}

/// A range written without a year is its next occurrence, unless the
/// start date falls inside the one before ("the peak-season freeze runs
/// from 1 September until mid-January", read on 30 November): then that
/// one, which is under way.
fn ongoing((from, to): (Date, Date), start: Date, written: &str) -> (Date, Date) {
    if crate::re!(r"\b(?:19|20)\d{2}\b").is_match(written) {
        return (from, to);
    }
    match (from.checked_sub(1.year()), to.checked_sub(1.year())) {
        (Ok(f), Ok(t)) if f <= start && start <= t => (f, t),
        _ => (from, to),
    }
}

/// "the first two weeks of July": days 1–14 of that month, the next time
/// it comes (or in the year written).
fn weeks_of_month(text: &str, start: Date) -> Option<(Date, Date)> {
    let shape = crate::re!(&format!(
        r"(?i)\b(first|last)\s+(two|three|2|3)\s+weeks\s+of\s+({MONTH_RE})(?:\s+(\d{{4}}))?\b"
    ));
    let c = shape.captures(text)?;
    let m = month_number(&c[3])?;
    let weeks: i8 = match c[2].to_ascii_lowercase().as_str() {
        "two" | "2" => 2,
        _ => 3,
    };
    let year = match c.get(4).and_then(|y| parse_year(y.as_str())) {
        Some(y) => y,
        None if last_day(start.year(), m).is_some_and(|d| d >= start) => start.year(),
        None => start.year() + 1,
    };
    let last = last_day(year, m)?;
    if c[1].eq_ignore_ascii_case("first") {
        Some((
            Date::new(year, m, 1).ok()?,
            Date::new(year, m, weeks * 7).ok()?,
        ))
    } else {
        Some((
            last.checked_sub((i64::from(weeks) * 7 - 1).days()).ok()?,
            last,
        ))
    }
}

/// The first two dates of `text` joined as a range, the second moved a
/// year on when it falls before the first ("Dec 15 to Jan 5").
fn range_in(text: &str, start: Date) -> Option<(Date, Date)> {
    let found = dates(text, start);
    let pair = found
        .windows(2)
        .find(|w| is_range_joiner(&text[w[0].end..w[1].start]))?;
    let from = pair[0].value.date;
    let mut to = pair[1].value.date;
    if to < from {
        to = to.checked_add(1.year()).ok()?;
    }
    Some((from, to))
}

/// A dated freeze at `start..end`, in place of the vaguer hits it covers.
fn set_range(
    out: &mut Spans<Freeze>,
    name: &str,
    (from, to): (Date, Date),
    start: usize,
    end: usize,
) {
    out.remove_overlapping(start, end);
    out.push(Hit::new(
        Freeze::Range {
            name: name.to_string(),
            from,
            to,
        },
        start,
        end,
    ));
}

/// The week a phrase such as "the first full week of January" names, in
/// the first year (from `start`'s) in which that week has not ended. A full
/// week runs Monday to Sunday inside the month; otherwise the first week is
/// days 1–7 and the last week the month's last seven days.
fn week_of_month(
    start: Date,
    month: i8,
    ordinal: &str,
    full: bool,
    explicit_year: Option<i16>,
) -> Option<(Date, Date)> {
    let index = match ordinal {
        "first" => 0,
        "second" => 1,
        "third" => 2,
        "fourth" => 3,
        _ => -1,
    };
    let in_year = |year: i16| -> Option<(Date, Date)> {
        let first = Date::new(year, month, 1).ok()?;
        let last = first.last_of_month();
        let from = match (full, index) {
            (true, -1) => {
                let mut d = last.checked_sub(6.days()).ok()?;
                while d.weekday() != Weekday::Monday {
                    d = d.checked_sub(1.days()).ok()?;
                }
                d
            }
            (true, n) => {
                let mut d = first;
                while d.weekday() != Weekday::Monday {
                    d = d.checked_add(1.days()).ok()?;
                }
                d.checked_add((7 * n).days()).ok()?
            }
            (false, -1) => last.checked_sub(6.days()).ok()?,
            (false, n) => first.checked_add((7 * n).days()).ok()?,
        };
        let to = from.checked_add(6.days()).ok()?;
        Some((from, to))
    };
    if let Some(year) = explicit_year {
        return in_year(year);
    }
    let mut year = start.year();
    loop {
        let (from, to) = in_year(year)?;
        if to >= start {
            return Some((from, to));
        }
        year = year.checked_add(1)?;
        if year > start.year() + 1 {
            return None;
        }
    }
}

/// Black Friday through Cyber Monday (or its whole week), every year: the
/// retail peak comes back each November.
fn black_friday(text: &str, base: usize) -> Option<Hit<Freeze>> {
    let re = crate::re!(
        r"(?i)\b(?:black\s+friday(?:\s*(?:/|and|&|to|through)\s*cyber\s+monday)?|cyber\s+monday|bfcm)\b"
    );
    let m = re.find(text)?;
    // "Black Friday week", "the week of Black Friday": Monday to Sunday.
    let week_after = crate::re!(r"(?i)^\s*week\b");
    let week_before = crate::re!(r"(?i)\bweek\s+of\s+$");
    let (name, rule) = if week_after.is_match(&text[m.end()..])
        || week_before.is_match(super::behind(text, m.start(), 20))
    {
        (
            format!("{} week (Monday to Sunday)", m.as_str()),
            YearlyRule::BlackFridayWeek,
        )
    } else {
        (
            format!("{} (Thanksgiving to Cyber Monday)", m.as_str()),
            YearlyRule::BlackFridayToCyberMonday,
        )
    };
    Some(Hit::new(
        Freeze::Yearly { name, rule },
        base + m.start(),
        base + m.end(),
    ))
}

/// A freeze at a quarter's end: "the last week of every quarter", "the
/// final 3 working days of each quarter", "quarter-end" in a clause that
/// freezes. A week is five business days.
fn quarter_end_freezes(text: &str, cue: &regex::Regex) -> Vec<Hit<Freeze>> {
    let stated = crate::re!(
        r"(?i)\b(?:the\s+)?(?:last|final)\s+(?:(\d+|one|two|three|four|five|a\s+couple\s+of|a\s+few)\s+)?(weeks?|(?:business|working)\s+days?|days?)\s+(?:of|in|before\s+the\s+end\s+of)\s+(?:every|each|the|a)\s+(?:calendar\s+|fiscal\s+)?quarter\b"
    );
    let bare = crate::re!(
        r"(?i)\b(?:quarter[\s-]end|end\s+of\s+(?:every|each|the)\s+quarter|quarterly\s+close)s?\b"
    );
    let mut out = Vec::new();
    for c in stated.captures_iter(text) {
        let w = c.get(0).expect("whole match");
        let n = c
            .get(1)
            .and_then(|g| parse_number(g.as_str()))
            .unwrap_or(1.0) as u32;
        let per = if c[2].to_ascii_lowercase().starts_with("week") {
            5
        } else {
            1
        };
        let days = if c.get(1).is_none() && per == 1 {
            3
        } else {
            n * per
        };
        out.push(Hit::new(
            Freeze::LastBusinessDaysOfQuarter {
                name: w.as_str().to_string(),
                days,
            },
            w.start(),
            w.end(),
        ));
    }
    for m in bare.find_iter(text) {
        let (cs, ce) = super::clause_around(text, m.start());
        if out.iter().any(|h: &Hit<Freeze>| h.start < ce && cs < h.end)
            || !cue.is_match(&text[cs..ce])
        {
            continue;
        }
        out.push(Hit::new(
            Freeze::LastBusinessDaysOfQuarter {
                name: text[cs..ce].trim().to_string(),
                days: 5,
            },
            m.start(),
            m.end(),
        ));
    }
    out
}

/// A dated freeze in a clause that says it comes back every year ("every
/// year from 15 November until 10 January", "our peak season"), written
/// without a year: the same days each year.
fn as_yearly(text: &str, hit: Hit<Freeze>) -> Hit<Freeze> {
    let Freeze::Range { name, from, to } = &hit.value else {
        return hit;
    };
    let (cs, ce) = super::clause_around(text, hit.start);
    let clause = &text[cs..ce.max(hit.end).min(text.len())];
    let yearly = crate::re!(
        r"(?i)\b(?:every|each)\s+year\b|\bannual(?:ly)?\b|\byearly\b|\bevery\s+(?:winter|summer|spring|autumn|fall|christmas|december|november)\b|\b(?:peak|holiday|christmas|festive)[\s-]season\b"
    );
    let dated = crate::re!(r"\b(?:19|20)\d{2}\b|\bthis\s+year\b|\bnext\s+year\b");
    if !yearly.is_match(clause)
        || dated.is_match(&text[hit.start..hit.end])
        || dated.is_match(clause)
    {
        return hit;
    }
    let rule = YearlyRule::Dates {
        from_month: from.month(),
        from_day: from.day(),
        to_month: to.month(),
        to_day: to.day(),
    };
    Hit::new(
        Freeze::Yearly {
            name: name.clone(),
            rule,
        },
        hit.start,
        hit.end,
    )
}

/// Countries whose public holidays the text says apply (`US holidays`,
/// `UK bank holidays`, `German public holidays`).
pub fn holiday_countries(text: &str) -> Vec<Hit<String>> {
    let re = crate::re!(
        r"(?i)\b(US|USA|American|UK|British|Irish|German|Germany|French|France|Dutch|Spanish|Spain|Italian|Italy|Polish|Poland|Indian|India|Australian|Australia|NZ|New\s+Zealand|Singapore|Japanese|Japan|Brazilian|Brazil|Canadian|Canada)\s+(?:public\s+|bank\s+|national\s+|federal\s+)?holidays?\b"
    );
    re.captures_iter(text)
        .map(|c| {
            let w = c.get(0).unwrap();
            let code = match c[1].to_ascii_lowercase().as_str() {
                "us" | "usa" | "american" => "US",
                "uk" | "british" => "GB",
                "irish" => "IE",
                "german" | "germany" => "DE",
                "french" | "france" => "FR",
                "dutch" => "NL",
                "spanish" | "spain" => "ES",
                "italian" | "italy" => "IT",
                "polish" | "poland" => "PL",
                "indian" | "india" => "IN",
                "australian" | "australia" => "AU",
                "singapore" => "SG",
                "japanese" | "japan" => "JP",
                "brazilian" | "brazil" => "BR",
                "canadian" | "canada" => "CA",
                _ => "NZ",
            };
            Hit::new(code.to_string(), w.start(), w.end())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const START: Date = date(2026, 4, 27);

    fn first(text: &str) -> Option<Date> {
        dates(text, START).first().map(|h| h.value.date)
    }

    #[test]
    fn absolute_dates() {
        assert_eq!(first("2026-07-01"), Some(date(2026, 7, 1)));
        assert_eq!(first("July 1, 2026"), Some(date(2026, 7, 1)));
        assert_eq!(first("Jul 1st 2026"), Some(date(2026, 7, 1)));
        assert_eq!(first("1 July 2026"), Some(date(2026, 7, 1)));
        assert_eq!(first("the 1st of July"), Some(date(2026, 7, 1)));
        assert_eq!(first("Dec 15"), Some(date(2026, 12, 15)));
        assert_eq!(first("Jan 5"), Some(date(2027, 1, 5)));
        assert_eq!(first("25/12/2026"), Some(date(2026, 12, 25)));
        assert_eq!(first("12/25/2026"), Some(date(2026, 12, 25)));
        assert_eq!(first("07/01/2026"), Some(date(2026, 7, 1)));
        assert!(dates("07/01/2026", START)[0].value.ambiguous);
        assert_eq!(first("Sept. 30, 2026"), Some(date(2026, 9, 30)));
    }

    #[test]
    fn impossible_dates_are_not_dates() {
        for t in ["2026-02-30", "2026-13-01", "Feb 30, 2026", "32/01/2026"] {
            assert_eq!(first(t), None, "{t}");
        }
    }

    #[test]
    fn quarters_and_halves() {
        assert_eq!(first("by Q3 2026"), Some(date(2026, 7, 1)));
        assert_eq!(first("end of Q1"), Some(date(2027, 3, 31)));
        assert_eq!(first("end of Q2"), Some(date(2026, 6, 30)));
        assert_eq!(first("Q4"), Some(date(2026, 10, 1)));
        assert_eq!(first("Q1 '27"), Some(date(2027, 1, 1)));
        assert_eq!(first("3rd quarter of 2026"), Some(date(2026, 7, 1)));
        assert_eq!(first("end of H2 2026"), Some(date(2026, 12, 31)));
        assert_eq!(first("Q3 FY2027"), Some(date(2027, 7, 1)));
    }

    #[test]
    fn month_references() {
        assert_eq!(first("by June"), Some(date(2026, 6, 1)));
        assert_eq!(first("end of June"), Some(date(2026, 6, 30)));
        assert_eq!(first("end of March"), Some(date(2027, 3, 31)));
        assert_eq!(first("mid August 2026"), Some(date(2026, 8, 15)));
        assert_eq!(first("September 2026"), Some(date(2026, 9, 1)));
        assert_eq!(first("we may need it"), None);
        assert_eq!(first("Currently April"), None);
        assert_eq!(first("March madness"), None);
    }

    #[test]
    fn relative_dates() {
        assert_eq!(first("in 8 weeks"), Some(date(2026, 6, 22)));
        assert_eq!(first("within 6 weeks"), Some(date(2026, 6, 8)));
        assert_eq!(first("this month"), Some(date(2026, 4, 30)));
        assert_eq!(first("next month"), Some(date(2026, 5, 31)));
        assert_eq!(first("end of the year"), Some(date(2026, 12, 31)));
        assert_eq!(first("by year-end"), Some(date(2026, 12, 31)));
        assert_eq!(first("end of quarter"), Some(date(2026, 6, 30)));
        assert_eq!(first("in two months"), Some(date(2026, 6, 27)));
        assert_eq!(first("next quarter"), Some(date(2026, 9, 30)));
    }

    #[test]
    fn reference_month_is_read() {
        assert_eq!(
            reference_month("Currently April. So 5 months max.").map(|h| h.value),
            Some(4)
        );
        assert_eq!(reference_month("it's late March").map(|h| h.value), Some(3));
        assert_eq!(reference_month("April showers"), None);
    }

    #[test]
    fn weeks_named_in_ordinary_words_are_freezes() {
        let start = date(2026, 4, 27);
        let range = |t: &str| -> (String, String) {
            let f = freezes(t, start);
            match &f.first().expect(t).value {
                Freeze::Range { from, to, .. } => (from.to_string(), to.to_string()),
                Freeze::Yearly { rule, .. } => {
                    let (from, to) = [start.year(), start.year() + 1]
                        .into_iter()
                        .filter_map(|y| rule.in_year(y))
                        .find(|(_, to)| *to >= start)
                        .expect("an occurrence");
                    (from.to_string(), to.to_string())
                }
                other => panic!("{t}: {other:?}"),
            }
        };
        assert_eq!(
            range("Nothing changes in the first full week of January."),
            ("2027-01-04".into(), "2027-01-10".into())
        );
        assert_eq!(
            range("Code freeze the week of 2026-12-21."),
            ("2026-12-21".into(), "2026-12-27".into())
        );
        assert_eq!(
            range("No deploys in the second week of March 2027."),
            ("2027-03-08".into(), "2027-03-14".into())
        );
        assert_eq!(
            range("No releases in the last full week of November."),
            ("2026-11-23".into(), "2026-11-29".into())
        );
        // A week with no freeze words is no freeze.
        assert!(freezes("We hire in the first week of January.", start).is_empty());
    }

    #[test]
    fn deadline_context() {
        let t = "Want to be on RDS by Q3 2026 for compliance audit.";
        assert!(is_deadline_context(t, t.find("Q3").unwrap()));
        let t = "Black Friday is in Q4.";
        assert!(!is_deadline_context(t, t.find("Q4").unwrap()));
        let t = "Deadline: 2026-09-01";
        assert!(is_deadline_context(t, t.find("2026").unwrap()));
        for t in [
            "Our vendor contract runs out at the end of June; we want to be gone before that.",
            "The licence expires on 2027-03-31.",
            "Node 16 reached end of life on 2023-09-11.",
            "The old data centre shuts down in Q2 2027.",
        ] {
            let at = ["end of June", "2027", "2023", "Q2"]
                .iter()
                .find_map(|w| t.find(w))
                .unwrap();
            assert!(is_deadline_context(t, at), "{t}");
        }
        let t = "We launched in March 2026 and grew fast.";
        assert!(!is_deadline_context(t, t.find("March").unwrap()));
    }

    #[test]
    fn duration_roles() {
        let t = "So 5 months max. Prefer 3 months.";
        let a = t.find("5 months").unwrap();
        assert_eq!(duration_role(t, a, a + 8), Some(DurationRole::Max));
        let b = t.find("3 months").unwrap();
        assert_eq!(duration_role(t, b, b + 8), Some(DurationRole::Preferred));
        let t = "ideally 6 weeks";
        assert_eq!(duration_role(t, 8, 15), Some(DurationRole::Preferred));
        let t = "at most 10 weeks";
        assert_eq!(duration_role(t, 8, 16), Some(DurationRole::Max));
        let t = "2 years ago";
        assert_eq!(duration_role(t, 0, 7), None);
    }

    fn freeze(text: &str) -> Vec<Freeze> {
        freezes(text, START).into_iter().map(|h| h.value).collect()
    }

    #[test]
    fn freezes_of_every_shape() {
        assert_eq!(
            freeze("no deploys in the last two business days of every month"),
            vec![Freeze::LastBusinessDaysOfMonth {
                name: "last two business days of every month".into(),
                days: 2
            }]
        );
        assert_eq!(
            freeze("first 3 business days of each month are frozen for billing"),
            vec![Freeze::FirstBusinessDaysOfMonth {
                name: "first 3 business days of each month".into(),
                days: 3
            }]
        );
        match &freeze("code freeze from Dec 15 to Jan 5")[..] {
            [Freeze::Range { from, to, .. }] => {
                assert_eq!((*from, *to), (date(2026, 12, 15), date(2027, 1, 5)));
            }
            other => panic!("{other:?}"),
        }
        match &freeze("change freeze 2026-11-20 - 2026-11-30")[..] {
            [Freeze::Range { from, to, .. }] => {
                assert_eq!((*from, *to), (date(2026, 11, 20), date(2026, 11, 30)))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            freeze("no deploys on Fridays"),
            vec![Freeze::Weekdays {
                name: "no deploys on Fridays".into(),
                weekdays: vec![5]
            }]
        );
        assert_eq!(
            freeze("never on weekends"),
            vec![Freeze::Weekdays {
                name: "never on weekends".into(),
                weekdays: vec![6, 7]
            }]
        );
        match &freeze("nothing ships in the week of our annual sale")[..] {
            [Freeze::Unresolved { name }] => assert!(name.contains("annual sale")),
            other => panic!("{other:?}"),
        }
        match &freeze("Black Friday / Cyber Monday freeze")[..] {
            [Freeze::Yearly { rule, .. }] => {
                assert_eq!(rule, &YearlyRule::BlackFridayToCyberMonday);
                assert!(rule.covers(date(2026, 11, 30)) && rule.covers(date(2027, 11, 26)));
            }
            other => panic!("{other:?}"),
        }
    }

    fn shapes(text: &str) -> Vec<String> {
        freeze(text)
            .into_iter()
            .map(|f| match f {
                Freeze::LastBusinessDaysOfQuarter { days, .. } => format!("quarter-end {days}"),
                Freeze::LastBusinessDaysOfMonth { days, .. } => format!("month-end {days}"),
                Freeze::FirstBusinessDaysOfMonth { days, .. } => format!("month-start {days}"),
                Freeze::Yearly { rule, .. } => format!("yearly {rule:?}"),
                Freeze::Range { from, to, .. } => format!("{from}..{to}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn recurring_freezes_in_ordinary_words() {
        assert_eq!(
            shapes("code freeze last week of every quarter (sales push)"),
            vec!["quarter-end 5"]
        );
        assert_eq!(
            shapes("Nothing ships in the final 3 working days of each quarter."),
            vec!["quarter-end 3"]
        );
        assert_eq!(
            shapes("No releases around quarter-end, finance closes the books."),
            vec!["quarter-end 5"]
        );
        assert_eq!(
            shapes("the last days of each month are payroll runs"),
            vec!["month-end 3"]
        );
        assert_eq!(
            shapes("The last 3 days of each month and the first 2 working days are the finance close - nothing ships"),
            vec!["month-end 3", "month-start 2"]
        );
        assert_eq!(
            shapes("no changes during the first full week of January"),
            vec!["yearly WeekOfMonth { month: 1, ordinal: 1, full: true }"]
        );
        assert_eq!(
            shapes("Black Friday week is frozen"),
            vec!["yearly BlackFridayWeek"]
        );
        assert_eq!(
            shapes("every year we have a change freeze from 15 November until 10 January"),
            vec!["yearly Dates { from_month: 11, from_day: 15, to_month: 1, to_day: 10 }"]
        );
        assert_eq!(
            shapes("the peak season is from 15 November until 10 January and in this time we do not make any infrastructure change"),
            vec!["yearly Dates { from_month: 11, from_day: 15, to_month: 1, to_day: 10 }"]
        );
        // A range with a year, or said of this year only, happens once.
        assert_eq!(
            shapes("code freeze from 2026-12-15 to 2027-01-05"),
            vec!["2026-12-15..2027-01-05"]
        );
        assert_eq!(
            shapes("change freeze from Dec 15, 2026 to Jan 5, 2027, as every year"),
            vec!["2026-12-15..2027-01-05"]
        );
    }

    #[test]
    fn quarters_and_months_without_a_freeze_are_not_freezes() {
        for t in [
            "We report revenue at the end of every quarter.",
            "Quarter-end numbers look good.",
            "The first 2 working days we onboard the contractor.",
        ] {
            assert!(shapes(t).is_empty(), "{t}: {:?}", shapes(t));
        }
    }

    #[test]
    fn non_freezes() {
        for t in [
            "we ship on Fridays",
            "the month of April",
            "last time we migrated",
            "frozen yogurt".replace("frozen", "froze").as_str(),
        ] {
            assert!(freeze(t).is_empty(), "{t}: {:?}", freeze(t));
        }
    }

    #[test]
    fn holiday_countries_found() {
        let codes: Vec<String> = holiday_countries("US holidays and UK bank holidays")
            .into_iter()
            .map(|h| h.value)
            .collect();
        assert_eq!(codes, vec!["US", "GB"]);
        assert!(holiday_countries("holiday season").is_empty());
    }
}

#[cfg(test)]
mod short_numeric_dates {
    use super::*;
    const START: Date = jiff::civil::date(2026, 11, 30);

    fn read(text: &str) -> Vec<String> {
        dates(text, START)
            .into_iter()
            .map(|h| h.value.date.to_string())
            .collect()
    }

    #[test]
    fn day_month_and_month_day_without_a_year_follow_the_texts_own_order() {
        assert_eq!(
            read("freeze 17/12 -> 04/01"),
            vec!["2026-12-17", "2027-01-04"]
        );
        assert_eq!(read("PTO 21/12 -> 08/01"), vec!["2026-12-21", "2027-01-08"]);
        assert_eq!(
            read("code freeze 12/18-1/4"),
            vec!["2026-12-18", "2027-01-04"]
        );
        assert_eq!(read("by 3/15"), vec!["2027-03-15"]);
        // Not dates: round the clock, fractions, versions, ratios.
        assert!(read("on call 24/7").is_empty());
        assert!(read("1/2 of the traffic, 3/4 of the keys").is_empty());
        assert!(read("TLS 1.2/1.3 and HTTP/2").is_empty());
    }

    #[test]
    fn freezes_read_short_numeric_ranges() {
        let f = freezes("- code freeze 12/18-1/4", START);
        assert!(
            matches!(f.first().map(|h| &h.value), Some(Freeze::Range { from, to, .. })
                if from.to_string() == "2026-12-18" && to.to_string() == "2027-01-04"),
            "{f:?}"
        );
    }
}

/// A change window stated in prose: "tue/wed 06:00-09:00 UTC preferred",
/// "maintenance window Tue 04:00–06:00 Oslo", "changes only Tuesdays and
/// Thursdays 22:00 to 23:30". Weekdays (a list or a range) and an hour
/// range are needed; the zone is the hit's third part when the text names
/// one right after the hours. A range the text forbids ("no cutover
/// 07:00-10:00 UTC") is no window.
pub struct WindowHit {
    pub weekdays: Vec<u8>,
    pub from_minute: u32,
    pub to_minute: u32,
    /// Bytes right after the hours, where a zone may be named.
    pub zone_text_at: usize,
}

const WEEKDAY_RE: &str = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?s?";

pub fn change_windows(text: &str) -> Vec<Hit<WindowHit>> {
    let shape = crate::re!(&format!(
        r"(?i)\b({WEEKDAY_RE}(?:\s*(?:/|,|&|and|or|-|–|to)\s*{WEEKDAY_RE})*)\b[^\d\n]{{0,12}}?(\d{{1,2}})(?::(\d{{2}}))?\s*(?:-|–|to|until)\s*(\d{{1,2}})(?::(\d{{2}}))?"
    ));
    let mut out = Vec::new();
    for c in shape.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let (start, _) = super::clause_around(text, whole.start());
        let before = text[start..whole.start()].to_ascii_lowercase();
        let forbidding = crate::re!(r"\b(?:no|not|never|avoid|except|outside|nothing|without)\b");
        if forbidding.is_match(&before) {
            continue;
        }
        let Some(weekdays) = weekday_set(&c[1]) else {
            continue;
        };
        let minute = |h: Option<regex::Match<'_>>, m: Option<regex::Match<'_>>| -> Option<u32> {
            let h: u32 = h?.as_str().parse().ok()?;
            let m: u32 = m.map_or(Some(0), |m| m.as_str().parse().ok())?;
            (h <= 24 && m < 60).then_some(h * 60 + m)
        };
        let (Some(from), Some(to)) = (minute(c.get(2), c.get(3)), minute(c.get(4), c.get(5)))
        else {
            continue;
        };
        if from >= to {
            continue;
        }
        out.push(Hit::new(
            WindowHit {
                weekdays,
                from_minute: from,
                to_minute: to.min(24 * 60),
                zone_text_at: whole.end(),
            },
            whole.start(),
            whole.end(),
        ));
    }
    out
}

/// "tue/wed" → [2, 3]; "Tue-Thu" → [2, 3, 4]; "Tuesdays and Thursdays" →
/// [2, 4].
fn weekday_set(s: &str) -> Option<Vec<u8>> {
    let word = crate::re!(r"(?i)[a-z]+");
    let names: Vec<(u8, usize, usize)> = word
        .find_iter(s)
        .filter_map(|m| Some((weekday_of(m.as_str())?, m.start(), m.end())))
        .filter(|(d, _, _)| *d > 0)
        .collect();
    let mut days: Vec<u8> = Vec::new();
    for (n, w) in names.iter().enumerate() {
        let joined_as_range = n > 0 && {
            let between = s[names[n - 1].2..w.1].trim().to_ascii_lowercase();
            matches!(between.as_str(), "-" | "–" | "to")
        };
        if joined_as_range {
            let from = names[n - 1].0;
            let mut d = from;
            while d != w.0 {
                d = d % 7 + 1;
                days.push(d);
            }
        } else {
            days.push(w.0);
        }
    }
    days.sort();
    days.dedup();
    (!days.is_empty()).then_some(days)
}

#[cfg(test)]
mod change_window_tests {
    use super::*;

    fn read(t: &str) -> Vec<(Vec<u8>, u32, u32)> {
        change_windows(t)
            .into_iter()
            .map(|h| (h.value.weekdays, h.value.from_minute, h.value.to_minute))
            .collect()
    }

    #[test]
    fn windows_in_prose_with_lists_and_ranges_of_days() {
        assert_eq!(
            read("- NO sunday changes. tue/wed 06:00-09:00 UTC preferred"),
            vec![(vec![2, 3], 360, 540)]
        );
        assert_eq!(
            read("maintenance window Tue 04:00–06:00 Oslo time"),
            vec![(vec![2], 240, 360)]
        );
        assert_eq!(
            read("changes only Tue-Thu 22:00 to 23:30"),
            vec![(vec![2, 3, 4], 1320, 1410)]
        );
        assert_eq!(
            read("Tuesdays and Thursdays, 9-11"),
            vec![(vec![2, 4], 540, 660)]
        );
        // Forbidden hours are no window; nor is a day with no hours.
        assert!(read("No cutover on Mondays 07:00-10:00 UTC").is_empty());
        assert!(read("we deploy on Tuesdays").is_empty());
    }
}

#[cfg(test)]
mod freezes_in_ordinary_words {
    use super::*;
    const START: Date = jiff::civil::date(2026, 11, 30);

    fn read(text: &str) -> Vec<Freeze> {
        freezes(text, START).into_iter().map(|h| h.value).collect()
    }

    #[test]
    fn monthly_days_back_references_weeks_of_a_month_and_runs_until() {
        for t in [
            "No changes at all from the 20. to the 27. of every month (payroll).",
            "no changes between the 20th and 27th of each month",
        ] {
            assert!(
                matches!(
                    read(t).as_slice(),
                    [Freeze::DaysOfMonth {
                        from_day: 20,
                        to_day: 27,
                        ..
                    }]
                ),
                "{t}: {:?}",
                read(t)
            );
        }
        let range = |t: &str| match read(t).as_slice() {
            [Freeze::Range { from, to, .. }] => (from.to_string(), to.to_string()),
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(
            range("The Easter sale runs from 24 March to 5 April 2027, and checkout is frozen during it."),
            ("2027-03-24".into(), "2027-04-05".into())
        );
        assert_eq!(
            range("The summer sale is the first two weeks of July, with the same freeze."),
            ("2027-07-01".into(), "2027-07-14".into())
        );
        // Read on 30 November 2026: the stretch under way is the one meant.
        assert_eq!(
            range("The freeze starts 1 November and runs until mid-January"),
            ("2026-11-01".into(), "2027-01-15".into())
        );
        // A season comes back every year.
        assert!(matches!(
            read("The peak-season freeze starts 1 September and runs until mid-January").as_slice(),
            [Freeze::Yearly {
                rule: YearlyRule::Dates {
                    from_month: 9,
                    from_day: 1,
                    to_month: 1,
                    to_day: 15
                },
                ..
            }]
        ));
        assert!(matches!(
            read("No go-live in the first week of January (new year).").as_slice(),
            [Freeze::Yearly { .. }]
        ));
        // A day range that is no month's.
        assert!(read("we have 20 to 27 engineers on the team").is_empty());
    }
}
