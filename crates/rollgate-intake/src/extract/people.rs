//! People the input names, what they do and when they are away: "Priya
//! (our only DBA) is out 3–14 August", "one of our SREs, Tomasz, knows
//! Postgres", "Marco is on paternity leave in March", "I'm out for two
//! weeks over Easter". A plan can then keep a transition that needs them
//! out of their absence, and name them on the rota.

use super::Hit;
use crate::facts::{Person, Unavailability};
use jiff::civil::Date;
use jiff::ToSpan;
use rollgate_knowledge::RoleBook;

/// A capitalised given name (with an optional second part: "Ana-Maria").
const NAME: &str = r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?";

/// Capitalised words that open sentences or name teams, never a person.
const NOT_NAMES: &[&str] = &[
    "I",
    "Me",
    "Myself",
    "We",
    "The",
    "This",
    "That",
    "It",
    "He",
    "She",
    "They",
    "Our",
    "Their",
    "His",
    "Her",
    "Everyone",
    "Nobody",
    "Someone",
    "Anyone",
    "Team",
    "Teams",
    "Finance",
    "Marketing",
    "Sales",
    "Support",
    "Legal",
    "Security",
    "Ops",
    "Operations",
    "Engineering",
    "Product",
    "Design",
    "Management",
    "Platform",
    "Backend",
    "Frontend",
    "Customer",
    "Customers",
    "Billing",
    "Data",
    "Also",
    "But",
    "And",
    "Only",
    "Both",
    "Each",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Most",
    "Some",
    "All",
    "None",
    "No",
    "Yes",
    "Note",
    "Plus",
    "Then",
    "There",
    "Here",
    "What",
    "When",
    "Who",
    "Why",
    "How",
    "If",
    "So",
    "As",
    "At",
    "In",
    "On",
    "From",
    "For",
    "With",
    "By",
    "After",
    "Before",
    "During",
    "Until",
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
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Easter",
    "Christmas",
    "Identity",
    "Mobile",
    "Infra",
    "Infrastructure",
    "Dev",
    "Devs",
    "Developers",
    "Engineers",
    "Half",
    "Nothing",
];

/// Words in a parenthesis or an apposition that say what a person does.
/// "Our" or "the" alone is not one, nor a department: "Metabase (our BI
/// tool)" and "Zendesk (support)" are products.
const DUTY_WORDS: &str = r"(?i)\b(?:only|lead|head|owner|manager|engineer|developer|dev|admin|person|backend|frontend|dba|sre|qa|ops|pm|po|cto|designer|analyst|accountant|controller|architect|tester|product|android|ios|me|on[\s-]?call)s?\b";

/// The words that make "Name, …" at the head of a list line a person:
/// job titles only. Stricter than `DUTY_WORDS` ("only", "person" would
/// make "- Berlin, only Tue–Thu" a person) and wider where titles are
/// written as one word ("Teamlead", "DevOps").
const LIST_LINE_DUTY_WORDS: &str = r"(?i)\b(?:head|lead|teamlead|team\s+lead|manager|engineer|developer|dev|devops|dba|sre|cto|ceo|vp|architect|designer|analyst|admin|backend|frontend|mobile|ios|android|support|qa|tester|owner|contractor|external|freelancer|consultant|me)\b";

/// The duty of the person a list names as "me (Jonas)": the writer, whose
/// "I am away …" is theirs.
const AUTHOR_DUTY: &str = "the writer of this description";

/// Words that say someone is away.
const AWAY: &str = r"\b(?:is|'s|are|am|will\s+be|'ll\s+be|goes|go(?:ing)?|has|have|takes?|taking)?\s*(?:out|away|off|on\s+(?:\w+\s+)?leave|on\s+holiday|on\s+vacation|on\s+a\s+sabbatical|unavailable|not\s+available|ooo|out\s+of\s+(?:the\s+)?office|(?:\w+\s+)?leave|vacation|holidays?)\b";

fn is_name(word: &str) -> bool {
    !NOT_NAMES.contains(&word)
}

/// The role a duty's words name, by the role book's phrases ("our only
/// DBA" → dba); "backend" and "frontend" alone name those engineers.
fn role_of(duty: &str, roles: &RoleBook) -> Option<String> {
    let lower = duty.to_ascii_lowercase();
    let bounded = |at: usize, len: usize| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + len..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric())
            && after.is_none_or(|c| !c.is_alphanumeric() || c == 's')
    };
    let found = roles
        .roles()
        .iter()
        .filter(|r| r.id != "engineer")
        .find(|r| {
            r.phrases.iter().any(|p| {
                lower
                    .match_indices(p.as_str())
                    .any(|(at, m)| bounded(at, m.len()))
            })
        })
        .map(|r| r.id.clone());
    found.or_else(|| {
        [
            ("backend", "backend-engineer"),
            ("frontend", "frontend-engineer"),
        ]
        .iter()
        .find(|(w, _)| lower.match_indices(w).any(|(at, m)| bounded(at, m.len())))
        .map(|(_, id)| id.to_string())
    })
}

/// Names and what they do: "Priya (our only DBA)", "one person (Ulrike)",
/// "one of our SREs, Tomasz,", "jess from marketing" for a name the chat
/// already showed (`known`, lower case).
fn named(text: &str, known: &[String]) -> Vec<Hit<(String, Option<String>)>> {
    let duty_words = crate::re!(DUTY_WORDS);
    let mut out: Vec<Hit<(String, Option<String>)>> = Vec::new();
    // "Tomasz K. (SRE, CET)": a surname's initial belongs to the name.
    let name_paren = crate::re!(&format!(
        r"\b({NAME}(?:\s+\p{{Lu}}\.)?)\s*\(([^()]{{2,60}})\)"
    ));
    for c in name_paren.captures_iter(text) {
        let (n, d) = (c.get(1).expect("name"), c.get(2).expect("duty"));
        let first = n.as_str().split_whitespace().next().unwrap_or("");
        if is_name(first) && duty_words.is_match(d.as_str()) {
            out.push(Hit::new(
                (n.as_str().to_string(), Some(d.as_str().trim().to_string())),
                n.start(),
                c.get(0).expect("whole").end(),
            ));
        }
    }
    // "- Jens Kowalski, Teamlead Backend, 100 %, but parental leave …",
    // "- Marek, external DevOps from an agency": a list line that opens
    // with a name and a comma says who that is in the rest of the line.
    let list_line = crate::re!(&format!(
        r"(?m)^[ \t]*(?:[-*•][ \t]*)?({NAME}(?:[ \t]+{NAME}){{0,2}}(?:[ \t]+\p{{Lu}}\.)?)[ \t]*,[ \t]*([^\n]{{2,200}})"
    ));
    let line_duty = crate::re!(LIST_LINE_DUTY_WORDS);
    for c in list_line.captures_iter(text) {
        let (n, d) = (c.get(1).expect("name"), c.get(2).expect("duty"));
        let first = n.as_str().split_whitespace().next().unwrap_or("");
        let all_names = n
            .as_str()
            .split_whitespace()
            .all(|w| is_name(w.trim_end_matches('.')));
        if is_name(first) && all_names && line_duty.is_match(d.as_str()) {
            // The first sentence of the line: "01.06.2027" is no sentence end.
            let duty = crate::re!(r"\.\s|;")
                .split(d.as_str())
                .next()
                .unwrap_or("")
                .trim()
                .trim_end_matches('.')
                .to_string();
            out.push(Hit::new(
                (n.as_str().to_string(), Some(duty)),
                n.start(),
                d.end(),
            ));
        }
    }
    // "one person (Ulrike) who can validate exports": the words before
    // the name say who they are, the clause after what they do.
    let paren_name = crate::re!(&format!(
        r"(?i)\b(?:one|a|an|the|our)\s+(?:of\s+(?:them|us|our\s+\w+)|[\w-]+(?:\s+[\w-]+)?)\s*\(\s*((?-i:{NAME}))\s*\)\s*([^.;\n]{{0,60}})"
    ));
    for c in paren_name.captures_iter(text) {
        let n = c.get(1).expect("name");
        if !is_name(n.as_str()) {
            continue;
        }
        let whole = c.get(0).expect("whole");
        let duty = format!(
            "{} {}",
            text[whole.start()..n.start()].trim_end_matches(['(', ' ']),
            c[2].trim()
        );
        out.push(Hit::new(
            (n.as_str().to_string(), Some(duty.trim().to_string())),
            n.start(),
            whole.end(),
        ));
    }
    // "Me (Hélène, DBA)": the writer names themself, with their duty.
    let me_named = crate::re!(&format!(
        r"\b(?i:me|myself)\s*\(\s*({NAME})\s*(?:,\s*([^()]{{1,60}}))?\)"
    ));
    for c in me_named.captures_iter(text) {
        let n = c.get(1).expect("name");
        if !is_name(n.as_str()) {
            continue;
        }
        let duty = match c.get(2) {
            Some(d) => format!("{AUTHOR_DUTY}, {}", d.as_str().trim()),
            None => AUTHOR_DUTY.to_string(),
        };
        out.push(Hit::new(
            (n.as_str().to_string(), Some(duty)),
            n.start(),
            n.end(),
        ));
    }
    // "Bogdan and Ines on the API team": a name, or two joined by "and",
    // then the team they are on. ("Wojtek for infra" is not read: "Sentry
    // for errors" has the same shape.)
    let on_team = crate::re!(&format!(
        r"\b({NAME})(?:\s+and\s+({NAME}))?\s+(?:(?:is|are)\s+)?on\s+the\s+([\w/ -]{{2,30}}?\s+team)\s*(?:[,.;]|$)"
    ));
    for c in on_team.captures_iter(text) {
        let duty = c.get(3).map(|d| d.as_str().trim().to_string());
        for n in [c.get(1), c.get(2)].into_iter().flatten() {
            if is_name(n.as_str()) {
                out.push(Hit::new(
                    (n.as_str().to_string(), duty.clone()),
                    n.start(),
                    n.end(),
                ));
            }
        }
    }
    // "Payments team is 4 people: Mehmet (lead), Aistė, Kristjan and me
    // (Jonas)": a list introduced as people names people, with or without
    // a duty; "me (Jonas)" is the writer.
    let list_intro = crate::re!(
        r"(?i)\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:people|persons|engineers|developers|devs|members|of\s+us)\b[^:.;\n]{0,20}:\s*"
    );
    let item = crate::re!(&format!(
        r"^(?:(?i:me|myself)\s*\(\s*({NAME})\s*\)|({NAME})(?:\s*\(([^()]{{1,60}})\))?)$"
    ));
    let separator = crate::re!(r"\s*,\s*(?:and\s+)?|\s+(?:and|&|\+)\s+");
    for m in list_intro.find_iter(text) {
        let end = text[m.end()..]
            .find(['.', ';', '\n'])
            .map_or(text.len(), |i| m.end() + i);
        let mut at = m.end();
        for piece in separator.split(&text[m.end()..end]) {
            let offset = text[at..end].find(piece).map_or(at, |i| at + i);
            at = offset + piece.len();
            let Some(c) = item.captures(piece.trim()) else {
                continue;
            };
            let lead = piece.len() - piece.trim_start().len();
            let (name, duty) = match (c.get(1), c.get(2)) {
                (Some(n), _) => (n, Some(AUTHOR_DUTY.to_string())),
                (None, Some(n)) => (n, c.get(3).map(|d| d.as_str().trim().to_string())),
                _ => continue,
            };
            if !is_name(name.as_str()) {
                continue;
            }
            let s = offset + lead + name.start();
            out.push(Hit::new(
                (name.as_str().to_string(), duty),
                s,
                s + name.len(),
            ));
        }
    }
    // "one of our SREs, Tomasz, knows Postgres well".
    let apposition = crate::re!(&format!(
        r"(?i)\b((?:one\s+of\s+)?(?:our|the)\s+(?:only\s+)?[\w-]+(?:\s+[\w-]+)?)\s*,\s*((?-i:{NAME}))\s*,\s*([^.;\n]{{0,60}})"
    ));
    for c in apposition.captures_iter(text) {
        let n = c.get(2).expect("name");
        if !is_name(n.as_str()) || !duty_words.is_match(&c[1]) {
            continue;
        }
        let duty = format!("{}, {}", c[1].trim(), c[3].trim());
        out.push(Hit::new(
            (n.as_str().to_string(), Some(duty)),
            n.start(),
            n.end(),
        ));
    }
    // Names the chat showed, written in lower case: "marco (backend)",
    // "jess from marketing".
    // One pattern for every known name, so the text is read once however
    // many speakers the chat had.
    if let Some(re) = names_pattern(
        known,
        r"(?:\s*\(([^()]{2,40})\)|\s+from\s+([\w-]+(?:\s+[\w-]+)?))?",
    ) {
        for c in re.captures_iter(text) {
            let n = c.get(1).expect("name");
            let duty = c.get(2).or(c.get(3)).map(|d| d.as_str().trim().to_string());
            out.push(Hit::new(
                (n.as_str().to_string(), duty),
                n.start(),
                c.get(0).expect("whole").end(),
            ));
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

/// The most known names one pattern holds: a chat with more speakers than
/// this still has its first ones read, and the pattern stays small.
const MAX_KNOWN_NAMES: usize = 200;

/// A case-insensitive pattern matching any known name (group 1), then
/// `tail`; `None` when there are no names.
fn names_pattern(known: &[String], tail: &str) -> Option<regex::Regex> {
    if known.is_empty() {
        return None;
    }
    let names: Vec<String> = known
        .iter()
        .take(MAX_KNOWN_NAMES)
        .map(|k| regex::escape(k))
        .collect();
    regex::Regex::new(&format!(r"(?i)\b({})\b{tail}", names.join("|"))).ok()
}

/// Easter Sunday (Anonymous Gregorian algorithm).
fn easter(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).ok()
}

/// The first year from `start`'s in which `from..=to` (month and days)
/// has not ended.
fn upcoming(start: Date, month: i8, from_day: i8, to_day: Option<i8>) -> Option<(Date, Date)> {
    for year in [start.year(), start.year().checked_add(1)?] {
        let first = Date::new(year, month, from_day).ok()?;
        let last = match to_day {
            Some(d) => Date::new(year, month, d).ok()?,
            None => first.last_of_month(),
        };
        if last >= start {
            return Some((first, last));
        }
    }
    None
}

/// The dates an absence's words give: "3–14 August", "August 3-14", "in
/// March", "over Easter" (Good Friday to Easter Monday), "for two weeks
/// over Easter", "from 2026-08-03 to 2026-08-14".
pub fn away_dates(words: &str, start: Date) -> Option<(Date, Date)> {
    let month = |m: &str| super::dates::month_of(m);
    let day_range = crate::re!(
        r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:–|-|to|until|till|through)\s*(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b"
    );
    if let Some(c) = day_range.captures(words) {
        let m = month(&c[3])?;
        return upcoming(start, m, c[1].parse().ok()?, Some(c[2].parse().ok()?));
    }
    let month_days = crate::re!(
        r"(?i)\b([a-z]{3,9})\s+(\d{1,2})(?:st|nd|rd|th)?\s*(?:–|-|to|until|till|through)\s*(\d{1,2})\b"
    );
    if let Some(c) = month_days.captures(words) {
        if let Some(m) = month(&c[1]) {
            return upcoming(start, m, c[2].parse().ok()?, Some(c[3].parse().ok()?));
        }
    }
    // "from 15 March 2027 for 8 weeks": a start and a length.
    let start_for = crate::re!(
        r"(?i)\b(?:from|starting|as\s+of|on)\s+(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?\s+for\s+(?:about\s+|around\s+)?(\w+)\s+(days?|weeks?|months?)\b"
    );
    if let Some(c) = start_for.captures(words) {
        if let (Some(m), Some(n)) = (month(&c[2]), super::parse_number(&c[4])) {
            let day: i8 = c[1].parse().ok()?;
            let years = match c.get(3).and_then(|y| y.as_str().parse::<i16>().ok()) {
                Some(y) => vec![y],
                None => vec![start.year(), start.year().checked_add(1)?],
            };
            let n = n as i64;
            for year in years {
                let first = Date::new(year, m, day).ok()?;
                let unit = c[5].to_ascii_lowercase();
                let after = if unit.starts_with("day") {
                    first.checked_add(n.days()).ok()?
                } else if unit.starts_with("week") {
                    first.checked_add((7 * n).days()).ok()?
                } else {
                    first.checked_add(n.months()).ok()?
                };
                let last = after.checked_sub(1.day()).ok()?;
                if last >= start {
                    return Some((first, last));
                }
            }
        }
    }
    // "1 Feb to end of June 2027", "3 March – 14 April": a range across
    // months, before any "in October" later in the sentence is read.
    let cross_months = crate::re!(
        r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?\s*(?:–|-|to|until|till|through)\s*(?:(?:the\s+)?end\s+of\s+([a-z]{3,9})|(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9}))\.?(?:\s+(\d{4}))?"
    );
    if let Some(c) = cross_months.captures(words) {
        if let (Some(m1), Some(m2)) = (
            month(&c[2]),
            month(c.get(4).or(c.get(6)).map(|m| m.as_str()).unwrap_or("")),
        ) {
            let day1: i8 = c[1].parse().ok()?;
            let day2: Option<i8> = c.get(5).and_then(|d| d.as_str().parse().ok());
            let stated = c
                .get(7)
                .or(c.get(3))
                .and_then(|y| y.as_str().parse::<i16>().ok());
            let years = match stated {
                Some(y) => vec![y],
                None => vec![start.year(), start.year().checked_add(1)?],
            };
            for end_year in years {
                let start_year = if m1 > m2 { end_year - 1 } else { end_year };
                let first = Date::new(start_year, m1, day1).ok()?;
                let month_start = Date::new(end_year, m2, 1).ok()?;
                let last = match day2 {
                    Some(d) => Date::new(end_year, m2, d).ok()?,
                    None => month_start.last_of_month(),
                };
                if last >= start && first <= last {
                    return Some((first, last));
                }
            }
        }
    }
    let easter_words = crate::re!(r"(?i)\b(?:over|at|for|around|during)\s+easter\b");
    if easter_words.is_match(words) {
        let weeks = crate::re!(r"(?i)\b(a|one|two|three|\d)\s+weeks?\b");
        let n = weeks
            .captures(words)
            .and_then(|c| super::parse_number(&c[1]))
            .unwrap_or(0.0) as i64;
        for year in [start.year(), start.year().checked_add(1)?] {
            let sunday = easter(year)?;
            let (from, to) = if n == 0 {
                (
                    sunday.checked_sub(2.days()).ok()?,
                    sunday.checked_add(1.day()).ok()?,
                )
            } else {
                // The weeks around Easter: from the Monday before.
                let from = sunday.checked_sub(6.days()).ok()?;
                (from, from.checked_add((7 * n - 1).days()).ok()?)
            };
            if to >= start {
                return Some((from, to));
            }
        }
    }
    let whole_month = crate::re!(
        r"(?i)\b(?:in|during|for|all\s+of|throughout|through)\s+(?:the\s+(?:whole\s+)?(?:month\s+of\s+)?)?([a-z]{3,9})\b"
    );
    for c in whole_month.captures_iter(words) {
        if let Some(m) = month(&c[1]) {
            return upcoming(start, m, 1, None);
        }
    }
    let found = super::dates::dates(words, start);
    match found.as_slice() {
        [a, b, ..] => Some((a.value.date, b.value.date)).filter(|(a, b)| a <= b),
        _ => None,
    }
}

/// Everyone the text names, with their duty and role, and when they are
/// away; the writer's own absence ("I'm out …") is "the author". `known`
/// are names the input showed elsewhere (chat speakers), in lower case.
pub fn people(text: &str, start: Date, roles: &RoleBook, known: &[String]) -> Vec<Hit<Person>> {
    let mut out: Vec<Hit<Person>> = Vec::new();
    let add = |name: &str, duty: Option<String>, s: usize, e: usize, out: &mut Vec<Hit<Person>>| {
        let idx = match out
            .iter()
            .position(|p| p.value.name.eq_ignore_ascii_case(name))
        {
            Some(i) => i,
            None => {
                out.push(Hit::new(
                    Person {
                        name: name.to_string(),
                        role: None,
                        duty: None,
                        unavailable: Vec::new(),
                        unavailable_every: Vec::new(),
                    },
                    s,
                    e,
                ));
                out.len() - 1
            }
        };
        let p = &mut out[idx];
        if p.value.duty.is_none() {
            if let Some(d) = duty {
                p.value.role = role_of(&d, roles);
                p.value.duty = Some(d);
            }
        }
        p.end = p.end.max(e);
        idx
    };
    for h in named(text, known) {
        add(&h.value.0, h.value.1, h.start, h.end, &mut out);
    }
    // "Priya is out 3–14 August", "Marco is on paternity leave in March",
    // "I'm out for two weeks over Easter".
    let away = crate::re!(&format!(
        r"(?:\b({NAME})|\b(I)(?:'m|\s+am|'ll\s+be|\s+will\s+be)?|\b(?i:(me)))(?:\s*\([^()]*\))?(?i:\s*,?\s*who)?\s*(?i:{AWAY})"
    ));
    // Names the chat showed may be written in lower case ("ines is off").
    let known_away = names_pattern(
        known,
        &format!(r"(?:\s*\([^()]*\))?(?:\s*,?\s*who)?\s*{AWAY}"),
    );
    let found: Vec<regex::Captures<'_>> = away
        .captures_iter(text)
        .chain(known_away.iter().flat_map(|re| re.captures_iter(text)))
        .collect();
    for c in found {
        let whole = c.get(0).expect("whole");
        let (_, ce) = super::clause_around(text, whole.start());
        let tail = &text[whole.end()..ce.max(whole.end())];
        let Some((from, to)) = away_dates(tail, start) else {
            continue;
        };
        let name = match (c.get(1), c.get(2).or(c.get(3))) {
            (Some(n), _)
                if is_name(n.as_str())
                    || known.iter().any(|k| k.eq_ignore_ascii_case(n.as_str())) =>
            {
                n.as_str().to_string()
            }
            (None, Some(_)) => "the author".to_string(),
            _ => continue,
        };
        let reading = text[whole.start()..ce.max(whole.end())].trim().to_string();
        let i = add(&name, None, whole.start(), ce, &mut out);
        let away = &mut out[i].value.unavailable;
        if !away.iter().any(|u| u.from == from && u.to == to) {
            away.push(Unavailability { from, to, reading });
        }
    }
    // "me (Jonas)" named the writer: the author's absences are Jonas's.
    if let Some(writer) = out.iter().position(|p| {
        p.value
            .duty
            .as_deref()
            .is_some_and(|d| d.starts_with(AUTHOR_DUTY))
    }) {
        if let Some(author) = out.iter().position(|p| p.value.name == "the author") {
            let away = std::mem::take(&mut out[author].value.unavailable);
            out[writer].value.unavailable.extend(away);
            out.remove(author);
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_line_opening_with_a_name_and_a_comma_names_a_person() {
        let t = "- Stefanie Brandt, Head of Engineering (me), Munich.\n- Jens Kowalski, Teamlead Backend, 100 %, but parental leave 01.06.–31.07.2027.\n- Marek, external DevOps, only Tue–Thu. He used Keycloak before.\n- Berlin, Munich and Köln offices.";
        let got: Vec<(String, Option<String>)> =
            named(t, &[]).into_iter().map(|h| h.value).collect();
        assert_eq!(
            got,
            vec![
                (
                    "Stefanie Brandt".to_string(),
                    Some("Head of Engineering (me), Munich".to_string())
                ),
                (
                    "Jens Kowalski".to_string(),
                    Some(
                        "Teamlead Backend, 100 %, but parental leave 01.06.–31.07.2027".to_string()
                    )
                ),
                (
                    "Marek".to_string(),
                    Some("external DevOps, only Tue–Thu".to_string())
                ),
            ]
        );
    }

    #[test]
    fn an_absence_across_months_is_read_before_a_later_month_in_the_sentence() {
        let start = jiff::civil::date(2026, 11, 30);
        assert_eq!(
            away_dates("on parental leave 1 Feb to end of June 2027, so iOS goes through Marcus who joined in October", start),
            Some((jiff::civil::date(2027, 2, 1), jiff::civil::date(2027, 6, 30)))
        );
        assert_eq!(
            away_dates("out 20 December to 9 January", start),
            Some((
                jiff::civil::date(2026, 12, 20),
                jiff::civil::date(2027, 1, 9)
            ))
        );
        assert_eq!(
            away_dates("away 3 March – 14 April", start),
            Some((
                jiff::civil::date(2027, 3, 3),
                jiff::civil::date(2027, 4, 14)
            ))
        );
    }
    use jiff::civil::date;
    use rollgate_knowledge::Knowledge;

    const START: Date = date(2026, 6, 1);

    fn read(text: &str, known: &[&str]) -> Vec<String> {
        let k = Knowledge::builtin().unwrap();
        let known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
        people(text, START, &k.roles, &known)
            .into_iter()
            .map(|h| {
                let p = h.value;
                let mut v = p.name;
                if let Some(r) = p.role {
                    v.push_str(&format!("={r}"));
                }
                for u in p.unavailable {
                    v.push_str(&format!(" away {}..{}", u.from, u.to));
                }
                v
            })
            .collect()
    }

    #[test]
    fn named_people_with_roles_and_absences() {
        assert_eq!(
            read("Priya (our only DBA) is out 3–14 August.", &[]),
            vec!["Priya=dba away 2026-08-03..2026-08-14"]
        );
        assert_eq!(
            read("Marco is on paternity leave in March.", &[]),
            vec!["Marco away 2027-03-01..2027-03-31"]
        );
        assert_eq!(
            read(
                "There's no dedicated DBA - one of our SREs, Tomasz, knows Postgres well.",
                &[]
            ),
            vec!["Tomasz=sre"]
        );
        assert_eq!(
            read(
                "Finance has one person (Ulrike) who can validate exports.",
                &[]
            ),
            vec!["Ulrike"]
        );
        assert_eq!(
            read("I'm out for two weeks over Easter.", &[]),
            vec!["the author away 2027-03-22..2027-04-04"]
        );
        assert_eq!(
            read(
                "me + marco (backend), jess from marketing",
                &["marco", "jess", "dana"]
            ),
            vec!["marco=backend-engineer", "jess"]
        );
        assert_eq!(
            read(
                "ines is off 10-21 August. Ines is off 10-21 August.",
                &["ines", "lukas"]
            ),
            vec!["ines away 2026-08-10..2026-08-21"]
        );
        assert_eq!(
            read("Kenji (the only SRE), who is away 14–25 September.", &[]),
            vec!["Kenji=sre away 2026-09-14..2026-09-25"]
        );
        assert_eq!(
            read("Our tech lead Aiko will be away August 10-21", &[]),
            vec!["Aiko away 2026-08-10..2026-08-21"]
        );
    }

    #[test]
    fn the_writer_naming_themself_and_people_on_a_team_are_read() {
        assert_eq!(
            read("Me (Hélène, DBA), Bogdan and Ines on the API team, Wojtek for infra/Terraform. I am off 3-14 August.", &[]),
            vec!["Hélène=dba away 2026-08-03..2026-08-14", "Bogdan", "Ines"]
        );
        // Products for a purpose, or on a plan, are no people.
        assert!(read("Sentry for errors, Datadog on the Pro plan.", &[]).is_empty());
    }

    #[test]
    fn a_duty_in_parentheses_may_be_a_platform_or_the_writer() {
        assert_eq!(
            read("Leila (product, me), Tomasz (backend, owns notify-api), Ana (Android), Hannah (iOS lead)", &[]),
            vec!["Leila", "Tomasz=backend-engineer", "Ana", "Hannah"]
        );
    }

    #[test]
    fn a_list_of_people_names_each_and_the_writer_is_the_author() {
        assert_eq!(
            read(
                "Payments team is 4 people: Mehmet (lead), Aistė, Kristjan and me (Jonas). I am on paternity leave from 15 March 2027 for 8 weeks, then Aistė is alone.",
                &[]
            ),
            vec!["Mehmet", "Aistė", "Kristjan", "Jonas away 2027-03-15..2027-05-09"]
        );
        // A list of products introduced otherwise is no list of people.
        assert!(read("We run 3 services: Postgres, Redis and Kafka.", &[]).is_empty());
    }

    #[test]
    fn teams_products_and_dates_are_not_people() {
        for t in [
            "Stripe (webhooks, customer portal)",
            "Finance is out of scope for this.",
            "The team is off in August.",
            "Unleash (self-hosted) for flags",
            "Marketing (jess) handles newsletters? no dates",
            "We are out of budget.",
            "Two developers have vacation in August.",
            "Metabase (our BI tool) reads the replica.",
            "Zendesk (support) and Mixpanel (marketing) stay.",
        ] {
            let got = read(t, &[]);
            assert!(
                got.iter()
                    .all(|p| !p.contains("away") || p.starts_with("the author"))
                    && !got.iter().any(|p| p.starts_with("Stripe")
                        || p.starts_with("Finance")
                        || p.starts_with("Unleash")
                        || p.starts_with("Marketing")
                        || p.starts_with("We")
                        || p.starts_with("Two")),
                "{t}: {got:?}"
            );
        }
    }
}
