//! The part of a system that moves, as the migration type names it:
//! "split the billing module out of our Django monolith", "move notification
//! sending (email, SMS, push) out of the Laravel monolith", "extract the
//! catalogue search endpoints from the Rails monolith".

use super::Hit;

/// The moving component the text names, without the noun that only says
/// it is a part ("module", "service", "endpoints").
pub fn moving_component(text: &str) -> Option<Hit<String>> {
    let re = crate::re!(
        r"(?i)\b(?:extract(?:ing)?|extraction\s+of|extraction\s*:|split(?:ting)?|carv(?:e|ing)|pull(?:ing)?|break(?:ing)?|spin(?:ning)?|mov(?:e|ing)|migrat(?:e|ing)|separat(?:e|ing)|tak(?:e|ing))\s+(?:out\s+)?(?:the\s+|our\s+|a\s+)?((?:[^,.;:\n(]|\([^)\n]{0,60}\)){2,80}?)\s+(?:out\s+of|from|off)\s+(?:the\s+|our\s+|a\s+)?(?:[\w.-]+\s+){0,3}?(?:monolith|main\s+app|core\s+app|legacy\s+app)"
    );
    // "The payouts module leaves the Rails monolith": the part is the
    // subject, and must be called a part (module, domain, code…).
    let subject = crate::re!(
        r"(?i)\b(?:the|our)\s+([\w-]+(?:\s+[\w-]+)?\s+(?:module|modules|domain|component|code|functionality|subsystem|endpoints))\s+(?:leaves|leave|moves?\s+out\s+of|comes?\s+out\s+of|is\s+(?:moved|pulled|split|carved)\s+out\s+of|gets\s+(?:moved|pulled|split)\s+out\s+of)\s+(?:the\s+|our\s+)?(?:[\w.-]+\s+){0,3}?(?:monolith|main\s+app|core\s+app|legacy\s+app)"
    );
    let caps = re.captures(text).or_else(|| subject.captures(text))?;
    let m = caps.get(1)?;
    let mut part = m.as_str().trim();
    for noun in [
        " module",
        " modules",
        " service",
        " domain",
        " component",
        " endpoints",
        " endpoint",
        " worker",
        " functionality",
        " feature",
        " subsystem",
        " code",
    ] {
        if part.to_ascii_lowercase().ends_with(noun) {
            part = part[..part.len() - noun.len()].trim_end();
            break;
        }
    }
    (!part.is_empty()).then(|| Hit::new(part.to_string(), m.start(), m.end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(t: &str) -> Option<String> {
        moving_component(t).map(|h| h.value)
    }

    #[test]
    fn the_part_named_as_the_subject_that_leaves() {
        assert_eq!(
            part("A service extraction: the payouts module leaves the Rails monolith for its own service."),
            Some("payouts".into())
        );
        assert_eq!(
            part("Our reporting code is moved out of the Django monolith."),
            Some("reporting".into())
        );
        // A team or a person leaving the monolith alone is no part.
        assert_eq!(
            part("The team leaves the monolith alone this quarter."),
            None
        );
    }

    #[test]
    fn the_part_that_moves_out_of_a_monolith() {
        assert_eq!(
            part("Split the billing module out of our Django monolith into a separate service"),
            Some("billing".into())
        );
        assert_eq!(
            part("It's a service extraction - carving the invoicing module out of our Django monolith into its own service"),
            Some("invoicing".into())
        );
        assert_eq!(
            part("Move notification sending (email, SMS, push) out of the Laravel monolith into a Node.js 20 service"),
            Some("notification sending (email, SMS, push)".into())
        );
        assert_eq!(
            part("Extract the catalogue search endpoints from the Rails monolith into a separate service."),
            Some("catalogue search".into())
        );
        // As a noun, or with "take out" (corpus: extract-billing-rails.b,
        // extract-search-laravel, extract-accounts-spring.b).
        assert_eq!(
            part("- monolith extraction: billing module out of the Rails monolith"),
            Some("billing".into())
        );
        assert_eq!(
            part("Extraction of the search feature from our Laravel monolith to a new search service"),
            Some("search".into())
        );
        assert_eq!(
            part("Take out accounts module from Spring monolith to separate service"),
            Some("accounts".into())
        );
        assert_eq!(part("PostgreSQL 14 to PostgreSQL 16"), None);
        assert_eq!(
            part("Move background job queues from Redis (Sidekiq) to Amazon SQS"),
            None
        );
    }
}
