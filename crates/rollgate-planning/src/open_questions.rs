//! What the plan had to assume or could not read, put to the team as
//! questions at the top of the plan, each with what the plan assumed in
//! the meantime: rollgate asks rather than guesses.

use crate::model::OpenQuestion;
use rollgate_intake::{Facts, OriginKind};

/// Words that make an unread clause an obligation the plan may be breaking.
const OBLIGATION_WORDS: [&str; 14] = [
    "must",
    "never",
    "only",
    "sign off",
    "sign-off",
    "cannot",
    "can't",
    "required",
    "mandatory",
    "not allowed",
    "no later than",
    "have to",
    "has to",
    "approve",
];

/// The questions for these facts, most consequential first: defaults the
/// plan rests on, disagreements it resolved, then unread obligations.
pub fn build(facts: &Facts) -> Vec<OpenQuestion> {
    let mut out = Vec::new();
    if facts.criticality.origin.how == OriginKind::Default {
        out.push(OpenQuestion {
            question: "How critical is this system: what happens to the business if it is down for an hour?".into(),
            assumed: format!("{} (the careful side)", facts.criticality.value.as_str()),
            about: "criticality".into(),
        });
    }
    if facts.rollback_tolerance.origin.how == OriginKind::Default {
        out.push(OpenQuestion {
            question:
                "How long may it take to be back on the old system once you decide to roll back?"
                    .into(),
            assumed: format!("{} minutes", facts.rollback_tolerance.value.max_minutes),
            about: "rollback tolerance".into(),
        });
    }
    // One question per kind of warning; repeats are counted, so a file with
    // thousands of unknown tags gets one question, not thousands.
    let mut asked: Vec<(&str, usize, usize)> = Vec::new();
    for w in &facts.warnings {
        if let Some(seen) = asked.iter_mut().find(|(code, _, _)| *code == w.code) {
            seen.2 += 1;
            continue;
        }
        let question = match w.code.as_str() {
            "subject-disagrees" => {
                "Which technology is migrating? The migration type and the state tags disagree."
            }
            "ambiguous-date" => {
                "Which date did you mean? A numeric date reads both day-first and month-first."
            }
            "unknown-tag" => "A tag was not one rollgate knows: which field did you mean it for?",
            _ => continue,
        };
        asked.push((w.code.as_str(), out.len(), 0));
        out.push(OpenQuestion {
            question: question.into(),
            assumed: w.message.clone(),
            about: w
                .span
                .map(|s| format!("{}:{}:{}", facts.input, s.line, s.column))
                .unwrap_or_else(|| w.code.clone()),
        });
    }
    for (_, at, more) in asked {
        if more > 0 {
            out[at]
                .question
                .push_str(&format!(" ({more} more like it in the input.)"));
        }
    }
    ask_hedges(facts, &mut out);
    let mut unread = 0;
    for u in unread_obligations(facts) {
        unread += 1;
        if unread > MAX_UNREAD_LISTED {
            continue;
        }
        out.push(OpenQuestion {
            question: format!(
                "The input says \"{}\", which this plan could not turn into a step or a gate: what must the plan do to honour it?",
                one_line(&u.text, 240)
            ),
            assumed: UNREAD_ASSUMED.into(),
            about: u
                .span
                .map(|s| format!("{} {}:{}", u.field, s.line, s.column))
                .unwrap_or_else(|| u.field.clone()),
        });
    }
    if unread > MAX_UNREAD_LISTED {
        out.push(OpenQuestion {
            question: format!(
                "{} more clauses with obligation words were not read: see \"Not interpreted\" in `rollgate check`.",
                unread - MAX_UNREAD_LISTED
            ),
            assumed: UNREAD_ASSUMED.into(),
            about: "uninterpreted clauses".into(),
        });
    }
    out
}

/// Unread obligations listed one by one; the rest are counted.
pub(crate) const MAX_UNREAD_LISTED: usize = 10;

/// What the plan does with an obligation it could not read.
const UNREAD_ASSUMED: &str =
    "not built into the phases; the preparation gate waits until each has a step or a gate";

/// A clause as one line of at most `max` characters, for quoting it.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{} …", &flat[..cut]),
        None => flat,
    }
}

/// Clauses rollgate could not read that carry an obligation word: the
/// plan may be breaking them, so they must not be set aside quietly.
pub(crate) fn unread_obligations(
    facts: &Facts,
) -> impl Iterator<Item = &rollgate_intake::Uninterpreted> {
    facts.uninterpreted.iter().filter(|u| {
        let lower = u.text.to_lowercase();
        OBLIGATION_WORDS.iter().any(|w| lower.contains(w))
    })
}

/// Hedged statements listed one by one; the rest are counted.
const MAX_HEDGES_LISTED: usize = 10;

/// What the input hedged ("to confirm", "probably", "TBD") is asked back:
/// the plan runs on it as written until someone confirms it.
fn ask_hedges(facts: &Facts, out: &mut Vec<OpenQuestion>) {
    for h in facts.hedges.iter().take(MAX_HEDGES_LISTED) {
        out.push(OpenQuestion {
            question: format!(
                "You marked this \"{}\": is it settled? \"{}\"",
                h.value.marker,
                h.value.statement.trim()
            ),
            assumed: "as written, unconfirmed".into(),
            about: h
                .origin
                .span
                .map(|s| format!("{} {}:{}", h.origin.field, s.line, s.column))
                .unwrap_or_else(|| h.origin.field.clone()),
        });
    }
    if facts.hedges.len() > MAX_HEDGES_LISTED {
        out.push(OpenQuestion {
            question: format!(
                "{} more hedged statements: see \"Unconfirmed\" in `rollgate check`.",
                facts.hedges.len() - MAX_HEDGES_LISTED
            ),
            assumed: "as written, unconfirmed".into(),
            about: "hedged statements".into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rollgate_knowledge::Knowledge;

    fn facts(text: &str) -> Facts {
        let k = Knowledge::builtin().unwrap();
        rollgate_intake::read_bytes("in.txt", text.as_bytes(), None, &k, date(2026, 5, 4)).unwrap()
    }

    #[test]
    fn defaults_and_unread_obligations_become_questions() {
        let q = build(&facts(
            "<from-state>PostgreSQL 14</from-state><to-state>PostgreSQL 16</to-state>\
             <constraints>Customer success must coordinate with each tenant's admins.</constraints>",
        ));
        let about: Vec<&str> = q.iter().map(|q| q.about.as_str()).collect();
        assert!(about.contains(&"criticality"), "{about:?}");
        assert!(about.contains(&"rollback tolerance"), "{about:?}");
        assert!(
            q.iter()
                .any(|q| q.question.contains("Customer success must coordinate")
                    && q.assumed == UNREAD_ASSUMED),
            "{q:?}"
        );
    }

    #[test]
    fn repeats_are_counted_not_repeated() {
        let tags = "<note>x</note>".repeat(500);
        let musts = "Ops must check box 1. ".repeat(30);
        let q = build(&facts(&format!(
            "<from-state>PostgreSQL 14</from-state><criticality>low</criticality>\
             <rollback-acceptable-delay>a day</rollback-acceptable-delay>{tags}\
             <constraints>{musts}</constraints>"
        )));
        assert!(q.len() <= 12, "{} questions", q.len());
        assert!(
            q.iter().any(|q| q.question.contains("499 more like it")),
            "{q:?}"
        );
        assert!(
            q.iter().any(|q| q.question.starts_with("20 more clauses")),
            "{q:?}"
        );
    }

    #[test]
    fn hedged_statements_are_asked_back() {
        for (text, marker) in [
            (
                "<constraints>Go-live 1 March (to confirm with finance).</constraints>",
                "to confirm",
            ),
            (
                "<to-state>templates prob rendered by jinja</to-state>",
                "prob",
            ),
            (
                "<scale>We think it's about 40 services.</scale>",
                "We think",
            ),
            (
                "<team-availability>QA support: TBD</team-availability>",
                "TBD",
            ),
        ] {
            let q = build(&facts(&format!(
                "<from-state>PostgreSQL 14</from-state><criticality>low</criticality>\
                 <rollback-acceptable-delay>a day</rollback-acceptable-delay>{text}"
            )));
            assert!(
                q.iter()
                    .any(|q| q.question.contains(marker) && q.assumed.contains("unconfirmed")),
                "{text}: {q:?}"
            );
        }
        // A settled statement is not asked back.
        let q = build(&facts(
            "<from-state>PostgreSQL 14</from-state><criticality>low</criticality>\
             <rollback-acceptable-delay>a day</rollback-acceptable-delay>\
             <constraints>The date is confirmed with finance.</constraints>",
        ));
        assert!(
            q.iter().all(|q| !q.assumed.contains("unconfirmed")),
            "{q:?}"
        );
    }

    #[test]
    fn stated_facts_raise_no_question() {
        let q = build(&facts(
            "<from-state>PostgreSQL 14</from-state><to-state>PostgreSQL 16</to-state>\
             <criticality>low</criticality><rollback-acceptable-delay>a day</rollback-acceptable-delay>\
             <constraints>We like tea.</constraints>",
        ));
        assert!(q.is_empty(), "{q:?}");
    }
}
