//! Prior migration experience: what the team (or a named role) has done,
//! how often, and how it went; and what it has never done.

use super::{clauses, parse_number, Hit};
use crate::facts::Experience;

/// Experience statements, one per clause that states one.
/// `role_of` maps a clause to the role it is about ("the DBA" → dba).
pub fn experience(text: &str, role_of: &dyn Fn(&str) -> Option<String>) -> Vec<Hit<Experience>> {
    // A clause that says how long something took or that it was rolled
    // back is about a migration that was done, whatever its verb.
    let done_re = crate::re!(
        r"(?i)\b(?:did|done|performed|ran|run|completed|led|migrated|upgraded|moved|switched|changed|replaced|extracted|reindexed|took|lasted|rolled\s+back|roll\s+back|been\s+through|experience\s+with|experienced\s+(?:with|in)|familiar\s+with|handled|went\s+(?:well|smoothly|badly|fine)|years?\s+ago|months?\s+ago|last\s+year)\b"
    );
    let not_re = crate::re!(
        r"(?i)\b(?:nobody|no\s+one|none\s+of\s+us|not\s+done|never\s+(?:done|did|migrated|performed|changed|switched|swapped|upgraded|moved|replaced|split|extracted|touched|run|ran)|have\s+not|haven't|has\s+not|hasn't|no\s+(?:prior\s+|previous\s+)?(?:[\w-]+\s+)?experience|first\s+time|first\s+(?:ever\s+)?(?:migration|extraction|upgrade|switch|move)|new\s+to|none|nope)\b"
    );
    let subject_re = crate::re!(
        r"(?i)\b((?:changed|switched|swapped)\s+(?:[\w-]+\s+)?engines?|engine\s+(?:changes?|switch(?:es)?|swaps?|migrations?)|vendor\s+(?:switch|change|migration|swap)|(?:major|minor)?[\s-]?(?:version\s+)?upgrades?|in[\s-]place\s+upgrades?|migrations?|cutovers?|switch(?:es)?|moves?|re-?platforming|splits?|extractions?)\b"
    );
    let count_re = crate::re!(
        r"(?i)\b(\d+|one|two|three|four|five|six|a\s+couple\s+of|a\s+few|several|many|multiple|dozens\s+of)\s+(?:prior\s+|previous\s+|past\s+|similar\s+|successful\s+|minor\s+|major\s+|[\w.→>-]+\s+){0,4}?(?:migrations?|upgrades?|switch(?:es)?|cutovers?|moves?)\b"
    );
    let version_step = crate::re!(r"\d+(?:\.(?:\d+|x))?\s*(?:→|->|to)\s*\d+");
    let mut out: Vec<Hit<Experience>> = Vec::new();
    for clause in clauses(text) {
        let c = &text[clause.start..clause.end];
        // "…; it took a quarter and was rolled back once because of …":
        // a clause about the last one adds to it.
        let negative = not_re.find(c);
        let positive = done_re.find(c);
        if let Some(last) = out.last_mut() {
            // "…: 6 weeks; deliverability dipped during IP warm-up": after a
            // semicolon, a clause that names no new migration tells how
            // the last one went.
            // A clause that carries an obligation ("which we cannot afford
            // now") is a constraint to ask about, not a lesson.
            let obligation =
                crate::re!(r"(?i)\b(?:must|never|only|cannot|can't|can\s+not|sign\s+off|afford)\b");
            let after_semicolon = text[..clause.start].trim_end().ends_with(';')
                && last.value.done
                && !obligation.is_match(c)
                && negative.is_none()
                && version_step.find(c).is_none();
            if (continues(c) || after_semicolon) && subject_re.find(c).is_none() {
                add_details(&mut last.value, c);
                if after_semicolon && last.value.lesson.is_none() {
                    last.value.lesson = Some(c.trim().trim_end_matches(['.', ';']).to_string());
                }
                last.end = clause.end;
                continue;
            }
        }
        let took = how_long(c);
        // "10.1 -> 10.3 in 2020, about a weekend": in the experience field a
        // version step is an upgrade that was done.
        let stepped = is_version_step(c);
        if negative.is_none() && positive.is_none() && took.is_none() && !stepped {
            continue;
        }
        let subject = match subject_re.find(c) {
            Some(m) => m.as_str().to_string(),
            // "We did Next 12 → 13 last year": a version step is an upgrade.
            None if is_version_step(c) => "upgrade".to_string(),
            // "We've migrated 3 services": the verb names the subject.
            None => match positive.map(|m| m.as_str().to_ascii_lowercase()) {
                Some(v) if v == "extracted" => "extraction".to_string(),
                Some(v) if v == "upgraded" => "upgrade".to_string(),
                Some(v)
                    if matches!(
                        v.as_str(),
                        "migrated" | "moved" | "switched" | "changed" | "replaced" | "reindexed"
                    ) || took.is_some()
                        || v.contains("roll") =>
                {
                    "migration".to_string()
                }
                // "None with Redis", "nope, first time", "we have not run
                // Redis before": nothing of this kind was done.
                _ if negative.is_some() && says_not_done(c) => "migration of this kind".to_string(),
                // "Mandrill → SendGrid, 2020: 6 weeks".
                None if took.is_some() => "migration".to_string(),
                _ => continue,
            },
        };
        let counted = count_re.captures(c).filter(|caps| {
            let at = caps.get(1).unwrap().start();
            !c[..at].ends_with(['→', '>', '-', '.'])
        });
        // "2 prior Postgres migrations": the words after the count say what.
        let subject_text = match &counted {
            Some(caps) => {
                let whole = caps.get(0).unwrap();
                let words = c[caps.get(1).unwrap().end()..whole.end()]
                    .trim()
                    .to_ascii_lowercase();
                let words = words
                    .trim_start_matches("prior ")
                    .trim_start_matches("previous ")
                    .trim_start_matches("past ");
                describe_subject(c, words)
            }
            None => describe_subject(c, &subject),
        };
        // "10→12 upgrade": the number is a version, not a count.
        let counted = counted.filter(|caps| {
            let at = caps.get(1).unwrap().start();
            !c[..at].ends_with(['→', '>', '-', '.'])
        });
        let count = counted.as_ref().and_then(|caps| {
            let n = caps[1].to_ascii_lowercase();
            match n.as_str() {
                "many" | "multiple" => Some(5),
                _ => parse_number(&n).map(|v| v as u32),
            }
        });
        let lower = c.to_ascii_lowercase();
        let outcome = [
            ("went well", "went well"),
            ("smooth", "went smoothly"),
            ("without issue", "went without issues"),
            ("no issues", "went without issues"),
            ("painful", "was painful"),
            ("went badly", "went badly"),
            ("rolled back", "was rolled back"),
            ("outage", "caused an outage"),
            ("data loss", "lost data"),
            ("simple", "was simple"),
        ]
        .iter()
        .find(|(k, _)| lower.contains(k))
        .map(|(_, v)| v.to_string());
        let outcome = rollback_outcome(&lower).or(outcome);
        let mut value = Experience {
            who: role_of(c).unwrap_or_else(|| "team".to_string()),
            count,
            subject: subject_text,
            done: negative.is_none(),
            outcome,
            took_days: None,
            lesson: None,
        };
        add_details(&mut value, c);
        out.push(Hit::new(value, clause.start, clause.end));
    }
    out
}

/// Whether a clause goes on about the experience before it ("it took…",
/// "that one was rolled back…").
fn continues(clause: &str) -> bool {
    let lower = clause.trim_start().to_ascii_lowercase();
    [
        "it ", "it's ", "that ", "this ", "which ", "and it ", "but it ",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// How long it took, how it went and what was learned, when the clause says.
fn add_details(e: &mut Experience, clause: &str) {
    let lower = clause.to_ascii_lowercase();
    if let Some(days) = how_long(clause) {
        e.took_days = Some(days);
    }
    for (key, outcome) in [
        ("rolled back", "was rolled back"),
        ("went well", "went well"),
        ("smooth", "went smoothly"),
        ("outage", "caused an outage"),
        ("painful", "was painful"),
    ] {
        if lower.contains(key) && e.outcome.is_none() {
            e.outcome = Some(outcome.to_string());
        }
    }
    if let Some(o) = rollback_outcome(&lower) {
        if e.outcome.as_deref() != Some("was rolled back") {
            e.outcome = Some(o);
        }
    }
    if e.lesson.is_none() {
        e.lesson = lesson(clause);
    }
}

/// Whether the clause steps from one version to another ("10.1 -> 10.3",
/// "5.x to 7.x"), not across a range of amounts ("2 to 6 weeks").
fn is_version_step(clause: &str) -> bool {
    let step = crate::re!(r"\d+(?:\.(?:\d+|x))?\s*(?:→|->|to)\s*\d+(?:\.(?:\d+|x))*");
    let unit = crate::re!(
        r"(?i)^\s*(?:weeks?|days?|months?|hours?|years?|minutes?|%|people|persons?|engineers?|times)\b"
    );
    // "PTO 21/12 -> 08/01" holds "12 -> 08", which is two dates.
    let in_a_date = |m: &regex::Match<'_>| {
        clause[..m.start()].ends_with('/') || clause[m.end()..].starts_with('/')
    };
    step.find_iter(clause)
        .any(|m| !unit.is_match(&clause[m.end()..]) && !in_a_date(&m))
}

/// Words that report a problem in a past migration.
const PROBLEM_WORDS: &str = r"(?:had\s+to\s+be|broke|failed|lost|dipped|drifted|timed\s+out|corrupted|crashed|problems?\s+with|issues?\s+with)";

/// What was learned, in the input's words: the cause after "because" or
/// "due to"; else the part of the clause that reports a problem ("one node
/// had to be rebuilt", "deliverability dipped for a week", "we had problem
/// with the queue workers"); else a parenthesis next to a rollback
/// ("rolled back once (zeitwerk autoloading)"); else what came "after".
fn lesson(clause: &str) -> Option<String> {
    let clean = |s: &str| {
        let s = s.trim().trim_end_matches(['.', ';', '!', ')']).trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    let because = crate::re!(r"(?i)\b(?:because\s+(?:of\s+)?|due\s+to\s+)(.+)$");
    if let Some(c) = because.captures(clause) {
        return clean(&c[1]);
    }
    let problem = crate::re!(&format!(r"(?i)[^,;()]*\b{PROBLEM_WORDS}\b[^,;()]*"));
    if let Some(m) = problem.find(clause) {
        // "It took two months and one node had to be rebuilt": the lesson
        // is the part joined by the last "and" before the problem word.
        let t = m.as_str();
        let word = crate::re!(&format!(r"(?i)\b{PROBLEM_WORDS}\b"));
        let at = word.find(t).map_or(0, |w| w.start());
        let joint = crate::re!(r"(?i)\s(?:and|but)\s");
        let from = joint.find_iter(&t[..at]).last().map_or(0, |j| j.end());
        return clean(&t[from..]);
    }
    let paren = crate::re!(r"(?i)\b(?:rolled\s+back|roll\s+back)\b[^()]*\(([^()]+)\)");
    if let Some(c) = paren.captures(clause) {
        return clean(&c[1]);
    }
    let after = crate::re!(r"(?i)\bafter\s+(.+)$");
    after.captures(clause).and_then(|c| clean(&c[1]))
}

/// "Was rolled back" when the clause says a rollback happened ("had to
/// roll back twice"), "went without rollback" when it says none did.
fn rollback_outcome(lower: &str) -> Option<String> {
    let none = crate::re!(
        r"\b(?:no|without(?:\s+a)?|never)\s+(?:rollbacks?|roll[\s-]?backs?|rolled\s+back)\b"
    );
    let some = crate::re!(r"\b(?:rolled\s+back|roll(?:ed)?[\s-]?back|rollbacks?)\b");
    if none.is_match(lower) {
        Some("went without rollback".to_string())
    } else if some.is_match(lower) {
        Some("was rolled back".to_string())
    } else {
        None
    }
}

/// How long it took, in days: "took a quarter", "took almost a year", "in
/// about a month", "it was two months", "…: 6 weeks", and "planned for two
/// months and took six" (the unit said once, for both numbers).
fn how_long(clause: &str) -> Option<u32> {
    let took = crate::re!(
        r"(?i)(?:\btook|\blasted|\bin|\bit\s+was|\bwas|:|,)\s+(?:us\s+)?(?:about\s+|around\s+|almost\s+|nearly\s+|roughly\s+|over\s+|just\s+over\s+|more\s+than\s+)?(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\s+(day|weekend|week|month|quarter|year)s?\b"
    );
    let unit_days = |u: &str| match u.to_ascii_lowercase().as_str() {
        "day" => 1.0,
        "weekend" => 2.0,
        "week" => 7.0,
        "month" => 30.0,
        "quarter" => 91.0,
        _ => 365.0,
    };
    // "In 2021" is a year, not a duration: the number must not be one.
    // "…, 2 years ago" says when, not how long.
    let ago = crate::re!(r"(?i)^\s*ago\b");
    // "In 2022 year" is a year: no migration took a hundred units of time.
    let plausible = |c: &regex::Captures| parse_number(&c[1]).is_some_and(|n| n <= 100.0);
    if let Some(c) = took
        .captures_iter(clause)
        .find(|c| plausible(c) && !ago.is_match(&clause[c.get(0).expect("whole").end()..]))
    {
        let n = parse_number(&c[1]).unwrap_or(1.0);
        return Some((n * unit_days(&c[2])).round() as u32);
    }
    let elided = crate::re!(
        r"(?i)\bplanned\s+(?:(?:for|as)\s+)?(?:a|an|one|two|three|four|five|six|\d+)\s+(day|week|month|quarter|year)s?\b.*?\btook\s+(?:about\s+|almost\s+)?(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\b"
    );
    let c = elided.captures(clause)?;
    let n = parse_number(&c[2])?;
    Some((n * unit_days(&c[1])).round() as u32)
}

/// Whether a negated clause says that something was never done, rather
/// than that a problem did not happen ("we have not had issues since").
fn says_not_done(clause: &str) -> bool {
    let lower = clause.trim().to_ascii_lowercase();
    let short = lower.split_whitespace().count() <= 4;
    let verb = crate::re!(
        r"\b(?:never|not|n't)\s+(?:\w+\s+)?(?:run|ran|used|done|did|worked|operated|changed|switched|migrated|moved|extracted|upgraded)\b|\bfirst\s+(?:time|ever|migration|extraction|upgrade|switch|move)\b"
    );
    short || verb.is_match(&lower)
}

/// A short description of what was done: the subject noun with the
/// version arrow or kind words that qualify it.
fn describe_subject(clause: &str, subject: &str) -> String {
    let s = subject.trim().to_ascii_lowercase();
    // "changed engines" is an engine change, said as a noun like the rest.
    let s = if s.ends_with("engine") || s.ends_with("engines") {
        if s.starts_with("engine") {
            s
        } else {
            "engine change".to_string()
        }
    } else {
        s
    };
    let arrow = crate::re!(r"(\d+(?:\.\d+)?)\s*(?:→|->|to)\s*(\d+(?:\.\d+)?)");
    let mut out = String::new();
    if let Some(c) = arrow.captures(clause) {
        if !s.contains('→') {
            out.push_str(&format!("{}→{} ", &c[1], &c[2]));
        }
    }
    let lower = clause.to_ascii_lowercase();
    if (lower.contains("in-place") || lower.contains("in place")) && !s.contains("in") {
        out.push_str("in-place ");
    }
    out.push_str(&s);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(text: &str) -> Vec<Experience> {
        let role = |c: &str| {
            c.to_ascii_lowercase()
                .contains("dba")
                .then(|| "dba".to_string())
        };
        experience(text, &role)
            .into_iter()
            .map(|h| h.value)
            .collect()
    }

    #[test]
    fn seed_sentences() {
        let e = exp("Team did one minor Pg 13→14 in-place upgrade 2 years ago (went well, simple). Have not done a vendor switch.");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].who, "team");
        assert_eq!(e[0].count, Some(1));
        assert!(e[0].done);
        assert_eq!(e[0].subject, "minor pg 13→14 in-place upgrade");
        assert_eq!(e[0].outcome.as_deref(), Some("went well"));
        assert!(!e[1].done);
        assert_eq!(e[1].subject, "vendor switch");
        let e = exp("The DBA has done 2 prior Postgres migrations.");
        assert_eq!(e[0].who, "dba");
        assert_eq!(e[0].count, Some(2));
        assert_eq!(e[0].subject, "postgres migrations");
        let e = exp("The SRE did a 10→12 upgrade with pg_upgrade in 2021, went smoothly.");
        assert_eq!(e[0].count, None);
        assert_eq!(e[0].subject, "10→12 upgrade");
    }

    #[test]
    fn never_with_any_verb_is_something_not_done() {
        let e = exp("We have never changed engines.");
        assert!(!e[0].done, "{e:?}");
        assert_eq!(e[0].subject, "engine change");
        let e = exp("The team never switched database engines before.");
        assert!(!e[0].done);
        assert_eq!(e[0].subject, "engine change");
        let e = exp("Never upgraded Django across an LTS.");
        assert!(!e.is_empty() && !e[0].done, "{e:?}");
        let e = exp("One engine migration in 2019, went well.");
        assert!(e[0].done);
        assert_eq!(e[0].subject, "engine migration");
    }

    #[test]
    fn history_carries_its_duration_outcome_and_lesson() {
        let e = exp("We did Next 12 → 13 last year; it took a quarter and was rolled back once because of a middleware change that broke auth cookies.");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].done);
        assert_eq!(e[0].subject, "12→13 upgrade");
        assert_eq!(e[0].took_days, Some(91));
        assert_eq!(e[0].outcome.as_deref(), Some("was rolled back"));
        assert_eq!(
            e[0].lesson.as_deref(),
            Some("a middleware change that broke auth cookies")
        );
        let e = exp("The last upgrade took 3 months. We moved Rails 5 to 6 in 2022.");
        assert!(e
            .iter()
            .all(|x| x.took_days.is_none() || x.took_days == Some(90)));
    }

    #[test]
    fn other_phrasings() {
        let e = exp("We have never done a major version upgrade.");
        assert!(!e[0].done);
        let e = exp("This is our first migration.");
        assert!(!e[0].done);
        let e = exp("We've migrated 3 services off the monolith before, smooth.");
        assert!(e[0].done);
        assert_eq!(e[0].outcome.as_deref(), Some("went smoothly"));
        let e = exp("One minor 13→14 upgrade 2 years ago, went well.");
        assert!(e[0].done);
        let e = exp("Moved from Mandrill to SendGrid in 2021.");
        assert!(e[0].done, "{e:?}");
        let e = exp("Did many Rails upgrades");
        assert_eq!(e[0].count, Some(5));
        let e = exp("Last upgrade was rolled back after an outage");
        assert!(e.is_empty() || e[0].outcome.is_some());
    }

    #[test]
    fn no_experience_statement() {
        for t in ["", "600GB of data", "We use Postgres", "Critical system"] {
            assert!(exp(t).is_empty(), "{t}");
        }
    }
}
