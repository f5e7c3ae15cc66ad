//! Durations in words and numbers, and the rollback tolerance they express.

use super::{parse_number, Hit, Spans, NUMBER};
use crate::facts::Tolerance;

/// A length of time, in minutes; `calendar` is set for months, quarters and
/// years, which planners should read as calendar spans.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duration {
    pub minutes: f64,
    pub calendar: bool,
}

impl Duration {
    pub fn days(self) -> f64 {
        self.minutes / 1440.0
    }
}

fn unit_minutes(unit: &str) -> Option<(f64, bool)> {
    let u = unit.to_ascii_lowercase();
    let u = u.trim_end_matches('.');
    Some(match u {
        "s" | "sec" | "secs" | "second" | "seconds" => (1.0 / 60.0, false),
        "m" | "min" | "mins" | "minute" | "minutes" => (1.0, false),
        "h" | "hr" | "hrs" | "hour" | "hours" => (60.0, false),
        "d" | "day" | "days" => (1440.0, false),
        "business day" | "business days" | "working day" | "working days" => {
            (1440.0 * 7.0 / 5.0, false)
        }
        "w" | "wk" | "wks" | "week" | "weeks" => (10080.0, false),
        "mo" | "month" | "months" => (43830.0, true),
        "quarter" | "quarters" => (131490.0, true),
        "y" | "yr" | "yrs" | "year" | "years" => (525960.0, true),
        _ => return None,
    })
}

const UNITS: &str = r"business\s+days?|working\s+days?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|quarters?|years?|yrs?|[smhdw]\b";

/// Numeric and counted durations: `15 minutes`, `2h`, `3-5 days`, `a few
/// hours`, `half a day`, `8 weeks`, `3 months`. Ranges report their upper end.
pub fn durations(text: &str) -> Vec<Hit<Duration>> {
    let re = crate::re!(&format!(
        r"(?i)({NUMBER})(?:\s*(?:-|–|to)\s*({NUMBER}))?\s*-?\s*({UNITS})"
    ));
    let mut out = Vec::new();
    for caps in re.captures_iter(text) {
        let whole = caps.get(0).unwrap();
        // "db.r5.xlarge" and "14.7m rows" style noise: require a boundary.
        if text[..whole.start()].ends_with(|c: char| c.is_alphanumeric() || c == '.') {
            continue;
        }
        // "a security email", "2 monthly runs": the unit must end a word.
        if text[whole.end()..].starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let unit = caps[3].split_whitespace().collect::<Vec<_>>().join(" ");
        let Some((per, calendar)) = unit_minutes(&unit) else {
            continue;
        };
        let n = match caps.get(2) {
            Some(hi) => parse_number(hi.as_str()),
            None => parse_number(&caps[1]),
        };
        let Some(n) = n else { continue };
        // "a m" is not a duration; single letters need digits.
        if caps[3].len() == 1 && !caps[1].trim().starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        out.push(Hit::new(
            Duration {
                minutes: n * per,
                calendar,
            },
            whole.start(),
            whole.end(),
        ));
    }
    out
}

/// Phrases that name a tolerance without a number.
const WORD_TOLERANCES: &[(&str, u64)] = &[
    (
        r"zero[\s-]downtime|no\s+downtime|instant(?:ly|aneous)?|immediate(?:ly)?|seconds(?:\s+only)?|real[\s-]?time|(?:basically|essentially|effectively|practically|near(?:ly)?|close\s+to|almost)\s+zero|zero\s+tolerance",
        1,
    ),
    (
        r"(?:a\s+few\s+|several\s+|couple\s+of\s+)?minutes(?:\s+only)?|minutes,?\s+not\s+hours",
        15,
    ),
    (
        r"within\s+(?:the|an|one)\s+hour|an\s+hour|one\s+hour|the\s+hour|sub[\s-]hour",
        60,
    ),
    (
        r"a\s+couple\s+of\s+hours|a\s+few\s+hours|several\s+hours|hours",
        180,
    ),
    (r"half\s+a\s+day|half-day|a\s+half\s+day", 720),
    (
        r"same[\s-]day|a\s+day|one\s+day|a\s+business\s+day|overnight|next\s+business\s+day",
        1440,
    ),
    (r"a\s+few\s+days|days", 4320),
    (r"a\s+week|one\s+week", 10080),
];

/// Words that mark a clause as describing what is *not* acceptable.
fn is_unacceptable_clause(clause: &str) -> bool {
    let c = clause.to_ascii_lowercase();
    // "15 minutes max for login outages" states the bound itself.
    let bound = crate::re!(
        r"\b(?:max(?:imum)?|at\s+most|within|under|no\s+more\s+than|up\s+to|or\s+less)\b"
    );
    if bound.is_match(&c) && !c.contains("not acceptable") && !c.contains("unacceptable") {
        return false;
    }
    [
        "outage",
        "breach",
        "unacceptable",
        "not acceptable",
        "not ok",
        "would be",
        "too long",
        "= ",
        "means",
        "violat",
        "penalt",
    ]
    .iter()
    .any(|w| c.contains(w))
}

/// The rollback tolerance a text states: the first acceptable duration
/// ("minutes only", "under 15 minutes", "within the hour", "half a day").
/// A clause describing an unacceptable duration ("multi-hour outage =
/// breach") bounds the tolerance from above when nothing else is said.
pub fn tolerance(text: &str) -> Option<Hit<Tolerance>> {
    let mut candidates: Spans<(u64, bool)> = Spans::default();
    for hit in durations(text) {
        let minutes = hit.value.minutes.ceil().max(1.0) as u64;
        candidates.push(Hit::new((minutes, false), hit.start, hit.end));
    }
    static WORDS: std::sync::LazyLock<Vec<(regex::Regex, u64)>> = std::sync::LazyLock::new(|| {
        WORD_TOLERANCES
            .iter()
            .map(|(p, m)| {
                (
                    regex::Regex::new(&format!(r"(?i)\b(?:{p})\b")).expect("valid"),
                    *m,
                )
            })
            .collect()
    });
    for (re, minutes) in WORDS.iter() {
        for m in re.find_iter(text) {
            if candidates.overlaps(m.start(), m.end()) {
                continue;
            }
            candidates.push(Hit::new((*minutes, false), m.start(), m.end()));
        }
    }
    let multi = crate::re!(r"(?i)\bmulti[\s-]?(hour|day|minute)s?\b");
    for m in multi.captures_iter(text) {
        let whole = m.get(0).unwrap();
        let bound = match &m[1].to_ascii_lowercase()[..] {
            "minute" => 5,
            "hour" => 60,
            _ => 1440,
        };
        candidates.remove_overlapping(whole.start(), whole.end());
        candidates.push(Hit::new((bound, true), whole.start(), whole.end()));
    }
    // A window during which going back stays possible ("acceptable for a
    // window of up to 14 days after each cohort moves") is not how fast a
    // rollback must be.
    let candidates: Vec<(usize, usize, u64, bool)> = candidates
        .into_vec()
        .into_iter()
        .map(|h| (h.start, h.end, h.value.0, h.value.1))
        .filter(|c| !is_window(text, c.0, c.1) && !about_something_else(text, c.0, c.1, c.2))
        .collect();
    let acceptable: Vec<&(usize, usize, u64, bool)> = candidates
        .iter()
        .filter(|c| {
            let (cs, ce) = super::clause_around(text, c.0);
            !c.3 && !is_unacceptable_clause(&text[cs..ce])
        })
        .collect();
    // Of several durations, the one the text accepts ("15 min is our
    // budget", "we accept 10 minutes") is the tolerance, before one merely
    // bounded ("< 5 min", "under 15 minutes"), before one that says how
    // long something takes ("rollback is like 2 min", "instant rollback").
    let acceptable = acceptable
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (acceptance(text, c.0, c.1), std::cmp::Reverse(*i)))
        .map(|(_, c)| *c);
    let chosen = acceptable.or_else(|| candidates.first())?;
    let (start, end, minutes, multi_bound) = *chosen;
    let (cs, ce) = super::clause_around(text, start);
    let unacceptable = multi_bound || is_unacceptable_clause(&text[cs..ce]);
    // "2 hours would be a breach": the tolerance is below that.
    // "Multi-hour" already names the bound (under an hour).
    let max_minutes = if unacceptable && acceptable.is_none() && !multi_bound {
        (minutes / 2).max(1)
    } else {
        minutes
    };
    Some(Hit::new(Tolerance { max_minutes }, start, end))
}

/// Labels before a colon that introduce a remark, not a part of the
/// system ("Note: …", "Ideally: 5 minutes").
const NOT_PARTS: &[&str] = &[
    "note",
    "nb",
    "ps",
    "catch",
    "caveat",
    "but",
    "also",
    "ideally",
    "target",
    "goal",
    "max",
    "maximum",
    "minimum",
    "worst case",
    "best case",
    "rollback",
    "rollbacks",
    "budget",
    "today",
    "currently",
    "realistically",
    "honestly",
    "e.g",
    "i.e",
    "update",
    "edit",
    "context",
    "why",
    "reason",
    "tl;dr",
    "tldr",
    "summary",
    "in short",
    "overall",
    "in general",
    "generally",
];

/// The part a piece of a tolerance statement is about, from its opening
/// words: "SAML tenants: …", "For the read paths (portal, admin) we'd …",
/// "order mails within an hour", "marketing can wait a day". The range is
/// the label's, inside `piece`.
fn part_label(piece: &str) -> Option<(usize, usize)> {
    let colon = crate::re!(
        r"(?i)^\s*(?:[-*•]\s*)?(?:(?:for|per)\s+)?(?:the\s+|our\s+|all\s+|each\s+)?([^:\n]{2,50}?)\s*:\s*\S"
    );
    let lead_for = crate::re!(
        r"(?i)^\s*(?:[-*•]\s*)?(?:for|per)\s+(?:the\s+|our\s+|all\s+|each\s+|an?\s+)?([^,:;()]{2,50}?)\s*(?:\([^)]*\)\s*)?(?:,|\bwe\b|\bit\b|\bthey\b|\bis\b|\bare\b|\bmax(?:imum)?\b|\bwithin\b|\bunder\b|\bsome\b|\ban?\b|\bone\b|\bup\s+to\b|\bless\b|\bat\s+most\b|<|\d)"
    );
    let subject = crate::re!(
        r"(?i)^\s*(?:[-*•]\s*)?(?:the\s+|our\s+|all\s+)?([A-Za-z0-9][\w/+&' -]{1,50}?)\s+(?:can\s+(?:wait|be\s+down|take|live\s+with)|(?:is|are)\s+fine\s+with|within|in\s+under|should\s+be\s+back|must\s+be\s+back|needs?\s+to\s+be\s+back|(?:is|are)\s+ok(?:ay)?\s+with)\b"
    );
    let (start, end) = if let Some(c) = colon.captures(piece) {
        let g = c.get(1)?;
        // "The write path is trickier: …" is about the write path.
        let verb = crate::re!(r"(?i)\s+(?:is|are|was|gets|has)\b");
        let end = verb
            .find(g.as_str())
            .map_or(g.end(), |m| g.start() + m.start());
        (g.start(), end)
    } else if let Some(c) = lead_for.captures(piece).or_else(|| subject.captures(piece)) {
        let g = c.get(1)?;
        (g.start(), g.end())
    } else {
        return None;
    };
    let label = piece[start..end].trim();
    let lead = crate::re!(r"(?i)^(?:the|our|all)\s+");
    let label_start = start + (piece[start..end].len() - piece[start..end].trim_start().len());
    let skip = lead.find(label).map_or(0, |m| m.end());
    let label = &label[skip..];
    let words = label.split_whitespace().count();
    let lower = label.to_ascii_lowercase();
    let is_duration = !durations(label).is_empty();
    if label.len() < 2
        || words > 6
        || is_duration
        || NOT_PARTS.contains(&lower.trim_end_matches(['.', ',']))
        || !label.chars().any(|c| c.is_alphabetic())
    {
        return None;
    }
    Some((label_start + skip, label_start + skip + label.len()))
}

/// The part a piece names and the tolerance it states for it: by a label
/// at its start, or by "for X" right after the duration ("30 minutes for
/// SAML tenants").
fn piece_part(piece: &str) -> Option<(String, Tolerance)> {
    let t = tolerance(piece)?;
    if let Some((ls, le)) = part_label(piece) {
        return Some((piece[ls..le].trim().to_string(), t.value));
    }
    let after = crate::re!(r"(?i)^\s*for\s+(?:the\s+|our\s+|all\s+)?([A-Za-z][^,;.()]{1,50})");
    let c = after.captures(&piece[t.end.min(piece.len())..])?;
    Some((c[1].trim().to_string(), t.value))
}

/// Tolerances stated per part ("SAML tenants: 30 minutes; everyone else: a
/// day is fine", "2fa/reset: <10min. order mails within an hour"), each
/// with its part's words. The pieces are clauses (lines, sentences,
/// semicolons), and a clause's comma-separated pieces when two or more of
/// them name a part ("30 minutes for SAML tenants, a day for everyone
/// else"). Only a statement about two or more parts is one: a single
/// label ("Rollback: 30 minutes") is the overall tolerance.
pub fn part_tolerances(text: &str) -> Vec<Hit<(String, Tolerance)>> {
    let mut out: Vec<Hit<(String, Tolerance)>> = Vec::new();
    for c in super::clauses(text) {
        let clause = &text[c.start..c.end];
        let by_comma: Vec<Hit<(String, Tolerance)>> = super::integration::paragraph_items(clause)
            .into_iter()
            .filter_map(|(s, e)| {
                piece_part(&clause[s..e]).map(|v| Hit::new(v, c.start + s, c.start + e))
            })
            .collect();
        if by_comma.len() >= 2 {
            out.extend(by_comma);
        } else if let Some(v) = piece_part(clause) {
            out.push(Hit::new(v, c.start, c.end));
        }
    }
    let distinct: std::collections::HashSet<String> =
        out.iter().map(|h| h.value.0.to_lowercase()).collect();
    if distinct.len() < 2 {
        out.clear();
    }
    out
}

/// Whether a duration is a window of time ("a window of up to 14 days",
/// "14 days after each cohort moves") rather than a time to act within.
fn is_window(text: &str, start: usize, end: usize) -> bool {
    let before = super::behind(text, start, 40);
    let before = &before[before.rfind([',', ';', '.', '(']).map_or(0, |i| i + 1)..];
    let after = super::ahead(text, end, 30);
    crate::re!(r"(?i)\bwindow\b").is_match(before)
        || crate::re!(r"(?i)^\s*(?:after|following)\s+(?:each|every|the|it|a)\b").is_match(after)
}

/// Whether a duration in a tolerance statement is about something other
/// than how long a bad state may last: how fast a mechanism already is
/// ("reads can flip back instantly", "flip the route back, seconds"), what
/// triggers a rollback ("any regression is an immediate rollback"), or the
/// length of another process ("max one week of dual-write", "we must
/// retry the same day").
fn about_something_else(text: &str, start: usize, end: usize, minutes: u64) -> bool {
    let (cs, ce) = super::clause_around(text, start);
    let clause = &text[cs.min(start)..ce.max(end)];
    let other_process = crate::re!(
        r"(?i)\b(?:dual[\s-]?(?:write|writ|run|read)\w*|parallel\s+run\w*|re-?tr(?:y|ies|ied)|notice|freeze|warm[\s-]?up|backfill\w*|hold\s+period)\b"
    );
    if other_process.is_match(clause) {
        return true;
    }
    // "cold-cache test on prod-mirror: aurora CPU 52% -> 91% for ~9 min":
    // how long a measured effect lasted, not how long a rollback may take.
    let measured_effect = crate::re!(
        r"(?i)\d+(?:\.\d+)?\s*%\s*(?:->|→|to)\s*\d+(?:\.\d+)?\s*%|\bcpu\b|\bspiked?\b|\bmeasured\b"
    );
    if measured_effect.is_match(clause) {
        return true;
    }
    // Only the words for "at once" describe a mechanism's speed; a number
    // of minutes next to "rollback" is usually the bound itself.
    let said_as_word = !text[start..end].chars().any(|c| c.is_ascii_digit());
    let mechanism = crate::re!(
        r"(?i)\b(?:(?:can|could)\s+(?:flip|switch|roll|revert|go\s+back|fail\s+back|be\s+(?:flipped|switched|rolled|reverted))|flips?|flipp\w*|switch(?:es|ed)?\s+back|reverts?|redeploy\w*|is\s+an?\s+(?:immediate|instant)\s+rollback|means?\s+an?\s+(?:immediate|instant)\s+rollback)\b"
    );
    minutes <= 1 && said_as_word && mechanism.is_match(clause)
}

/// How firmly the words around a duration make it the accepted bound: 2
/// for acceptance words in its part of the clause, 1 for an upper-bound
/// qualifier, 0 for none.
fn acceptance(text: &str, start: usize, end: usize) -> u8 {
    let before = super::behind(text, start, 60);
    let before = &before[before.rfind([',', ';', '.', '(']).map_or(0, |i| i + 1)..];
    let after = super::ahead(text, end, 60);
    let after = &after[..after.find([',', ';', '.', ')']).unwrap_or(after.len())];
    let accept = crate::re!(
        r"(?i)\b(?:accept(?:s|able|ed)?|budget|tolerat\w*|can\s+live\s+with|is\s+fine|is\s+ok(?:ay)?|is\s+allowed)\b"
    );
    let bound = crate::re!(r"(?i)(?:\bmax(?:imum)?\b|\bat\s+most\b|\bor\s+less\b|\btops\b)");
    if accept.is_match(before) || accept.is_match(after) {
        2
    } else if qualifier_before(text, start) < start || bound.is_match(after) {
        1
    } else {
        0
    }
}

/// Upper bound qualifiers before a number ("under 15 minutes"), so callers
/// can extend a hit to cover them.
pub fn qualifier_before(text: &str, at: usize) -> usize {
    let re = crate::re!(
        r"(?i)(?:under|below|less\s+than|at\s+most|no\s+more\s+than|within|up\s+to|max(?:imum)?|<|≤)\s*$"
    );
    re.find(&text[..at]).map(|m| m.start()).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mechanism_speed_a_trigger_or_another_process_is_no_tolerance() {
        for text in [
            "Reads can flip back to Mongo instantly until we stop writing to it.",
            "inbox reads: flip traefik route back, fine, seconds.",
            "any error-rate regression above baseline is an immediate rollback.",
            "Rate limits: one counter reset is OK. Max one week of dual-write.",
        ] {
            assert_eq!(tolerance(text), None, "{text}");
        }
        // Neighbours that still state a tolerance.
        for (text, minutes) in [
            (
                "OTP: basically zero, if logins drop people can't see appointments.",
                1,
            ),
            ("15 minutes max for rollback", 15),
            ("each must be revertible within 15 minutes", 15),
            ("zero downtime for checkout", 1),
            ("missing a security email is not ok; 2 hours is fine", 120),
        ] {
            assert_eq!(
                tolerance(text).map(|t| t.value.max_minutes),
                Some(minutes),
                "{text}"
            );
        }
    }

    #[test]
    fn a_window_for_going_back_is_not_the_tolerance() {
        let t = "- Per SAML tenant: reversion within 30 minutes of a reported login failure.\n- Platform-wide: within 2 hours.\n- Note: acceptable for a window of up to 14 days after each cohort moves, not beyond.";
        assert_eq!(tolerance(t).unwrap().value.max_minutes, 30);
        assert!(tolerance("rollback stays possible for 14 days after each move").is_none());
    }

    fn minutes(text: &str) -> Option<u64> {
        tolerance(text).map(|h| h.value.max_minutes)
    }

    fn parts(text: &str) -> Vec<(String, u64)> {
        part_tolerances(text)
            .into_iter()
            .map(|h| (h.value.0, h.value.1.max_minutes))
            .collect()
    }

    #[test]
    fn tolerances_per_part_in_many_phrasings() {
        let p = |a: &str, m: u64| (a.to_string(), m);
        assert_eq!(
            parts("SAML tenants: 30 minutes; everyone else: a day is fine"),
            vec![p("SAML tenants", 30), p("everyone else", 1440)]
        );
        assert_eq!(
            parts("2fa/reset: minutes, like <10min back on sendgrid. order mails within an hour is ok-ish. marketing can wait a day or two"),
            vec![p("2fa/reset", 10), p("order mails", 60), p("marketing", 1440)]
        );
        assert_eq!(
            parts("For the read paths (portal, admin) we'd be fine with rolling back within an hour or so. The write path is trickier: it has to happen the same day."),
            vec![p("read paths", 60), p("write path", 1440)]
        );
        assert_eq!(
            parts("For the driver write path maximum 1 hour. For tracking page some hours is acceptable. For reports one day is fine."),
            vec![p("driver write path", 60), p("tracking page", 180), p("reports", 1440)]
        );
        assert_eq!(
            parts("15 minutes for checkout, half a day for the blog"),
            vec![p("checkout", 15), p("blog", 720)]
        );
        assert_eq!(
            parts("- Per SAML tenant: reversion within 30 minutes.\n- Platform-wide: within 2 hours.\n- Note: acceptable for a window of up to 14 days after each cohort moves."),
            vec![p("SAML tenant", 30), p("Platform-wide", 120)]
        );
    }

    #[test]
    fn one_tolerance_is_no_split_by_part() {
        for t in [
            "Rollback: 30 minutes",
            "Ideally: 5 minutes. Worst case: an hour.",
            "We want rollback in under 15 minutes; the team is on call for it.",
            "want < 5 min. Vercel instant rollback should give us that\n- catch: webhooks have to be replayed by hand",
            "Note: 2 hours max. Rollback: 15 minutes",
        ] {
            assert_eq!(parts(t), vec![], "{t}");
        }
    }

    #[test]
    fn tolerances_in_words() {
        assert_eq!(
            minutes("Minutes only. Multi-hour outage = compliance issue + customer SLA breach."),
            Some(15)
        );
        assert_eq!(minutes("under 15 minutes"), Some(15));
        assert_eq!(minutes("within the hour"), Some(60));
        assert_eq!(minutes("half a day is fine"), Some(720));
        assert_eq!(minutes("a few hours"), Some(180));
        assert_eq!(minutes("30 min"), Some(30));
        assert_eq!(minutes("2h"), Some(120));
        assert_eq!(minutes("Zero downtime"), Some(1));
        assert_eq!(minutes("seconds"), Some(1));
        assert_eq!(minutes("Same day is OK; it's an internal tool"), Some(1440));
        assert_eq!(minutes("a day or two"), Some(1440));
        assert_eq!(
            minutes("a few days, nobody uses it on weekends"),
            Some(4320)
        );
        assert_eq!(minutes("5-10 minutes"), Some(10));
        assert_eq!(minutes("up to 4 hours"), Some(240));
        assert_eq!(minutes("an hour at most"), Some(60));
        assert_eq!(minutes("Minutes, not hours"), Some(15));
        assert_eq!(minutes("90 seconds"), Some(2));
        assert_eq!(minutes("overnight is acceptable"), Some(1440));
        assert_eq!(minutes("1 week"), Some(10080));
    }

    #[test]
    fn unacceptable_durations_bound_the_tolerance() {
        assert_eq!(minutes("Multi-hour outage is unacceptable"), Some(60));
        assert_eq!(minutes("2 hours of downtime would be a breach"), Some(60));
        assert_eq!(
            minutes("Multi-hour outage = breach. 10 minutes is fine"),
            Some(10)
        );
    }

    #[test]
    fn no_tolerance_without_time_words() {
        for t in [
            "",
            "ASAP",
            "we would like to be careful",
            "depends on the customer",
            "Critical.",
        ] {
            assert_eq!(minutes(t), None, "{t}");
        }
    }

    fn days(text: &str) -> Vec<f64> {
        durations(text).iter().map(|h| h.value.days()).collect()
    }

    #[test]
    fn general_durations() {
        assert_eq!(days("in 8 weeks"), vec![56.0]);
        assert_eq!(days("Prefer 3 months"), vec![3.0 * 43830.0 / 1440.0]);
        assert_eq!(days("2 years ago"), vec![2.0 * 525960.0 / 1440.0]);
        assert_eq!(days("a week"), vec![7.0]);
        assert_eq!(days("3-5 days"), vec![5.0]);
        assert_eq!(days("two weeks"), vec![14.0]);
        assert_eq!(days("10 business days"), vec![14.0]);
        assert!(days("db.r5.xlarge").is_empty());
        assert!(days("pg16").is_empty());
        assert!(days("the m5 instance").is_empty());
        assert!(days("Tuesday 10am").is_empty());
    }
}

#[cfg(test)]
mod measured_effects {
    use super::*;

    #[test]
    fn how_long_a_measured_effect_lasted_is_no_tolerance() {
        let t = "- cache: minutes. cold-cache test on prod-mirror: aurora CPU 52% -> 91% for ~9 min. ok off-peak\n- rate limiter: 30 min fail-open fine";
        let parts: Vec<(String, u64)> = part_tolerances(t)
            .into_iter()
            .map(|h| (h.value.0, h.value.1.max_minutes))
            .collect();
        assert!(
            parts.iter().all(|(_, m)| *m != 9),
            "the 9-minute CPU spike is not a tolerance: {parts:?}"
        );
        assert!(
            parts
                .iter()
                .any(|(p, m)| p.contains("rate limiter") && *m == 30),
            "{parts:?}"
        );
        assert!(tolerance("after the failover CPU spiked for 20 minutes").is_none());
    }
}
