//! Required approvals: who must sign off, and on what ("Security must sign
//! off on the password-hash export", "legal must approve anything touching
//! consent records", "needs sign-off from the CFO"). An approver is a gate
//! on the plan, not a person on call.

use super::{clauses, Hit};
use crate::facts::Approval;

/// Every approval a text requires, one per clause that states one.
pub fn approvals(text: &str) -> Vec<Hit<Approval>> {
    let who_must = crate::re!(
        r"(?i)\b((?:[A-Za-z][\w&/-]*\s+){0,3}?[A-Za-z][\w&/-]*)\s+(?:must|has\s+to|have\s+to|needs?\s+to|shall|will\s+have\s+to)\s+(?:sign[\s-]?off|approve|give\s+(?:the\s+|a\s+)?(?:go[\s-]ahead|green\s+light|ok))\b(?:\s+(?:on|of|for))?\s*(.*)$"
    );
    let from_whom = crate::re!(
        r"(?i)\b(?:sign[\s-]?off|approval|go[\s-]ahead)\s+(?:from|by)\s+((?:[A-Za-z][\w&/-]*\s*){1,3})"
    );
    let mut out = Vec::new();
    for c in clauses(text) {
        for (s, e) in segments(&text[c.start..c.end]) {
            approval_in(
                &text[c.start + s..c.start + e],
                c.start + s,
                who_must,
                from_whom,
                &mut out,
            );
        }
    }
    out
}

/// A clause cut where a second approval begins ("Legal must approve
/// anything touching consent records, and the DPO has to sign off the data
/// transfer"): at the last comma or "and" before each approval verb after
/// the first.
fn segments(clause: &str) -> Vec<(usize, usize)> {
    let verb = crate::re!(
        r"(?i)\b(?:must|has\s+to|have\s+to|needs?\s+to|shall|will\s+have\s+to)\s+(?:sign[\s-]?off|approve|give\s+(?:the\s+|a\s+)?(?:go[\s-]ahead|green\s+light|ok))\b"
    );
    let joint = crate::re!(r"(?i),\s*(?:and\s+)?|\s+and\s+");
    let mut out = Vec::new();
    let mut start = 0;
    let mut last_verb_end = None;
    for v in verb.find_iter(clause) {
        if let Some(prev_end) = last_verb_end {
            if let Some(j) = joint.find_iter(&clause[prev_end..v.start()]).last() {
                out.push((start, prev_end + j.start()));
                start = prev_end + j.end();
            }
        }
        last_verb_end = Some(v.end());
    }
    out.push((start, clause.len()));
    out
}

/// The approval one piece of a clause states, if any; `base` is where the
/// piece starts in the text.
fn approval_in(
    piece: &str,
    base: usize,
    who_must: &regex::Regex,
    from_whom: &regex::Regex,
    out: &mut Vec<Hit<Approval>>,
) {
    let (start, end) = (base, base + piece.len());
    if let Some(caps) = who_must.captures(piece) {
        let who = tidy_who(&caps[1]);
        if who.is_empty() {
            return;
        }
        let scope = caps
            .get(2)
            .map(|m| m.as_str().trim().trim_end_matches(['.', ';', '!']).trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        out.push(Hit::new(Approval { who, scope }, start, end));
    } else if let Some(caps) = from_whom.captures(piece) {
        let who = tidy_who(&caps[1]);
        if !who.is_empty() {
            out.push(Hit::new(Approval { who, scope: None }, start, end));
        }
    }
}

/// "The security team" → "security team"; words that are not a party
/// ("we", "someone", "it") name no approver.
fn tidy_who(raw: &str) -> String {
    let mut words: Vec<&str> = raw.split_whitespace().collect();
    while words.first().is_some_and(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "the" | "our" | "a" | "an" | "and" | "also" | "then" | "but" | "so"
        )
    }) {
        words.remove(0);
    }
    let who = words.join(" ");
    let lower = who.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "" | "we" | "i" | "it" | "they" | "someone" | "somebody" | "you" | "this" | "that"
    ) {
        return String::new();
    }
    who.trim_end_matches([',', ':']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(t: &str) -> Vec<(String, Option<String>)> {
        approvals(t)
            .into_iter()
            .map(|h| (h.value.who, h.value.scope))
            .collect()
    }

    #[test]
    fn who_must_sign_off_on_what() {
        assert_eq!(
            read("Security must sign off on the password-hash export."),
            vec![("Security".into(), Some("the password-hash export".into()))]
        );
        assert_eq!(
            read("Legal must approve anything touching consent records"),
            vec![(
                "Legal".into(),
                Some("anything touching consent records".into())
            )]
        );
        assert_eq!(
            read("The change needs sign-off from the CFO."),
            vec![("CFO".into(), None)]
        );
        assert_eq!(
            read("our security team has to give the green light"),
            vec![("security team".into(), None)]
        );
    }

    #[test]
    fn two_approvals_in_one_clause_are_two() {
        // Corpus: auth0-to-keycloak.
        assert_eq!(
            read("Legal must approve anything touching consent records, and the DPO has to sign off the data transfer."),
            vec![
                ("Legal".into(), Some("anything touching consent records".into())),
                ("DPO".into(), Some("the data transfer".into()))
            ]
        );
        assert_eq!(
            read("Finance must approve the settlement setup and security must sign off on the network"),
            vec![
                ("Finance".into(), Some("the settlement setup".into())),
                ("security".into(), Some("the network".into()))
            ]
        );
    }

    #[test]
    fn no_party_no_approver() {
        assert!(read("We must finish by June.").is_empty());
        assert!(read("It must approve itself").is_empty());
        assert!(read("Approvals are slow here.").is_empty());
    }
}
