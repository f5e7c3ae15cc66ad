//! Hedged statements: words that say the writer is not sure ("to confirm",
//! "probably", "TBD", "we think"). What they hedge is still read; these
//! hits mark it unconfirmed, so the plan asks it back instead of taking it
//! as settled or dropping it.

use super::Hit;

/// Hedging words, matched case-insensitively on word boundaries. "prob" is
/// the chat abbreviation ("prob jinja rendered by us").
const HEDGES: &str = r"(?i)\b(?:to\s+(?:be\s+)?confirm(?:ed)?|tbc|tbd|to\s+be\s+(?:decided|determined|defined|clarified)|not\s+(?:yet\s+)?(?:decided|confirmed|sure|certain)(?:\s+yet)?|undecided|still\s+open|unclear(?:\s+if|\s+whether)?|unsure|probably|prob\b\.?|maybe|perhaps|possibly|presumably|we\s+think|i\s+think|we\s+believe|i\s+believe|i'm\s+not\s+sure|as\s+far\s+as\s+(?:i|we)\s+know|afaik|iirc|needs?\s+(?:checking|confirming|confirmation|to\s+be\s+checked|to\s+be\s+confirmed)|pending\s+confirmation|(?:i|we)\s+guess|(?:i|we)\s+assume|if\s+i\s+remember\s+(?:right|correctly))(?:\s|$|[.,;:!)])|\?\?+";

/// The hedging words in `text`, in order.
pub fn hedges(text: &str) -> Vec<Hit<String>> {
    let re = crate::re!(HEDGES);
    re.find_iter(text)
        .map(|m| {
            let marker = m
                .as_str()
                .trim_end_matches([' ', '.', ',', ';', ':', '!', ')', '\n', '\t'])
                .to_string();
            Hit::new(marker, m.start(), m.start() + m.as_str().trim_end().len())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markers(t: &str) -> Vec<String> {
        hedges(t)
            .into_iter()
            .map(|h| h.value.to_lowercase())
            .collect()
    }

    #[test]
    fn hedges_in_many_phrasings() {
        assert_eq!(markers("go-live 1 March (to confirm)"), vec!["to confirm"]);
        assert_eq!(markers("Budget is TBD."), vec!["tbd"]);
        assert_eq!(markers("prob jinja rendered by us"), vec!["prob"]);
        assert_eq!(markers("We think it's about 40 places"), vec!["we think"]);
        assert_eq!(
            markers("owner: Finance, to be confirmed"),
            vec!["to be confirmed"]
        );
        assert_eq!(
            markers("listmonk self hosted?? undecided"),
            vec!["??", "undecided"]
        );
        assert_eq!(
            markers("next-auth 4 needs checking on 15"),
            vec!["needs checking"]
        );
        assert_eq!(markers("It's probably fine"), vec!["probably"]);
    }

    #[test]
    fn settled_statements_are_not_hedged() {
        for t in [
            "The date is confirmed with finance.",
            "We confirmed the budget last week.",
            "Problems with the export are rare.",
            "The probability of a rollback is low.",
            "We thinned out the backlog.",
            "What is the rollback? We know it.",
        ] {
            assert!(markers(t).is_empty(), "{t}: {:?}", markers(t));
        }
    }
}
