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
        let clause = &text[c.start..c.end];
        if let Some(caps) = who_must.captures(clause) {
            let who = tidy_who(&caps[1]);
            if who.is_empty() {
                continue;
            }
            let scope = caps
                .get(2)
                .map(|m| m.as_str().trim().trim_end_matches(['.', ';', '!']).trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            out.push(Hit::new(Approval { who, scope }, c.start, c.end));
        } else if let Some(caps) = from_whom.captures(clause) {
            let who = tidy_who(&caps[1]);
            if !who.is_empty() {
                out.push(Hit::new(Approval { who, scope: None }, c.start, c.end));
            }
        }
    }
    out
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
    fn no_party_no_approver() {
        assert!(read("We must finish by June.").is_empty());
        assert!(read("It must approve itself").is_empty());
        assert!(read("Approvals are slow here.").is_empty());
    }
}
