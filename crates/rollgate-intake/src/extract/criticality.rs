//! Criticality from words ("critical", "internal tool") and context
//! ("every customer transaction touches the DB"), and the stakes that make
//! failure expensive (compliance, SLA, revenue).

use super::Hit;
use crate::facts::Criticality;
use regex::Regex;
use std::sync::LazyLock;

/// Compiles a table of case-insensitive patterns once.
fn compile<T: Copy>(table: &[(&str, T)]) -> Vec<(Regex, T)> {
    table
        .iter()
        .map(|(p, v)| (Regex::new(&format!("(?i){p}")).expect("valid pattern"), *v))
        .collect()
}

/// Explicit level words, strongest reading first within each group.
const EXPLICIT: &[(&str, Criticality)] = &[
    (
        r"not\s+(?:very\s+|that\s+|business[\s-])?critical|non[\s-]?critical|not\s+important|low[\s-]?(?:criticality|priority|risk|stakes)|\blow\b",
        Criticality::Low,
    ),
    (
        r"mission[\s-]critical|business[\s-]critical|revenue[\s-]critical|safety[\s-]critical|tier[\s-]?0|\bp0\b|\bcritical\b|highest",
        Criticality::Critical,
    ),
    (
        r"\bhigh[\s-]?(?:criticality|priority|stakes|risk)?\b|tier[\s-]?1|\bimportant\b|\bp1\b",
        Criticality::High,
    ),
    (
        r"medium|moderate|\bmid\b|tier[\s-]?2|\bp2\b|somewhat\s+important",
        Criticality::Medium,
    ),
];

/// Context that implies a level when no level word is given.
const CONTEXT: &[(&str, Criticality)] = &[
    (
        r"product\s+(?:is\s+)?down|site\s+(?:is\s+)?down|everything\s+(?:is\s+)?down|every\s+(?:customer\s+)?(?:transaction|request|order|payment)|single\s+point\s+of\s+failure|payments?|checkout|money|billing|\bauth(?:entication)?\b|\blogin",
        Criticality::Critical,
    ),
    (
        r"customer[\s-]facing|customers?\s+(?:see|notice|use)|production\s+traffic|revenue|\bsla\b",
        Criticality::High,
    ),
    (
        r"internal\s+(?:tool|only|dashboard|service|app)|back[\s-]office|admin\s+(?:tool|panel)|staff\s+only|nobody\s+(?:outside|external)",
        Criticality::Low,
    ),
    (
        r"batch|reporting|analytics\s+only|can\s+wait|degraded\s+is\s+fine",
        Criticality::Medium,
    ),
];

/// A reading of criticality with the words that support it.
#[derive(Debug, Clone, PartialEq)]
pub struct CriticalityReading {
    pub level: Criticality,
    /// The explicit level word, if there was one.
    pub explicit: Option<Hit<Criticality>>,
    /// Context phrases that informed the level.
    pub context: Vec<Hit<Criticality>>,
}

/// Reads criticality from a text. Explicit words win; context phrases decide
/// only when no level is named, and then the highest context wins.
pub fn criticality(text: &str) -> Option<CriticalityReading> {
    static EXPLICIT_RE: LazyLock<Vec<(Regex, Criticality)>> = LazyLock::new(|| compile(EXPLICIT));
    static CONTEXT_RE: LazyLock<Vec<(Regex, Criticality)>> = LazyLock::new(|| compile(CONTEXT));
    let mut explicit: Option<Hit<Criticality>> = None;
    for (re, level) in EXPLICIT_RE.iter() {
        if let Some(m) = re.find(text) {
            let better = match &explicit {
                None => true,
                Some(e) => m.start() < e.start,
            };
            if better {
                explicit = Some(Hit::new(*level, m.start(), m.end()));
            }
        }
    }
    let mut context = Vec::new();
    for (re, level) in CONTEXT_RE.iter() {
        for m in re.find_iter(text) {
            if explicit
                .as_ref()
                .is_some_and(|e| e.start < m.end() && m.start() < e.end)
            {
                continue;
            }
            context.push(Hit::new(*level, m.start(), m.end()));
        }
    }
    context.sort_by_key(|h| h.start);
    let level = match &explicit {
        Some(e) => e.value,
        None => context.iter().map(|h| h.value).max()?,
    };
    Some(CriticalityReading {
        level,
        explicit,
        context,
    })
}

/// Stakes named anywhere: what makes a long outage expensive.
const STAKES: &[(&str, &str)] = &[
    (r"complian(?:ce|t)|audit", "compliance"),
    (
        r"\bslas?\b|service[\s-]level\s+agreements?|\b\d{2}(?:\.\d+)?\s*%\s+(?:availability|uptime)|(?:availability|uptime)\s+of\s+\d{2}",
        "sla",
    ),
    (r"regulat(?:ory|or|ion)|\blegal\b", "regulatory"),
    (r"\bpci(?:[\s-]dss)?\b", "pci-dss"),
    (r"\bhipaa\b", "hipaa"),
    (r"\bsoc\s?2\b", "soc2"),
    (r"\bgdpr\b", "gdpr"),
    // "Employers pay per application": what customers pay for is revenue.
    (
        r"revenue|money|payments?|checkout|billing|\bpays?\s+(?:per|for|us|by)\b|\bpaid\s+per\b",
        "revenue",
    ),
    (r"customer\s+trust|reputation|churn", "reputation"),
    // "losing users' passwords is not acceptable", "some downtime is fine,
    // losing data is not": zero tolerance for loss, apart from downtime.
    (
        r"data\s+loss|lose\s+data|losing\s+(?:any\s+)?[\w'-]+(?:\s+[\w'-]+){0,5}?\s+(?:is|are)\s+not\b",
        "data-loss",
    ),
];

/// Levels stated for parts of the system ("critical for card payments, low
/// for the weekly digest", "the blog is low"): the plan may give each part
/// its own track.
pub fn parts(text: &str) -> Vec<Hit<(Criticality, String)>> {
    let level_for = crate::re!(
        r"(?i)\b(critical|high|medium|moderate|low)(?:\s+(?:criticality|priority|importance|risk))?\s+for\s+(?:the\s+)?([^,;.()]+)"
    );
    let part_is = crate::re!(
        r"(?i)(?:^|[,;.]\s*)(?:the\s+)?([A-Za-z][^,;.:()]{1,60}?)\s+(?:is|are)\s+(?:only\s+|just\s+)?(critical|high|medium|moderate|low)\b"
    );
    let level = |w: &str| match w.to_ascii_lowercase().as_str() {
        "critical" => Criticality::Critical,
        "high" => Criticality::High,
        "medium" | "moderate" => Criticality::Medium,
        _ => Criticality::Low,
    };
    // "- password reset emails: critical", one part per line; a part may
    // start with a path or a digit ("/billing pages: critical", "2fa
    // codes: critical").
    let part_colon = crate::re!(
        r"(?im)^[ \t]*(?:[-*•][ \t]*)?([A-Za-z0-9/@#_][^:\n]{1,60}?)[ \t]*:[ \t]*(critical|high|medium|moderate|low)\b"
    );
    let mut out: Vec<Hit<(Criticality, String)>> = Vec::new();
    for c in part_colon.captures_iter(text) {
        let part = c.get(1).expect("part");
        let end = c.get(2).expect("level").end();
        out.push(Hit::new(
            (level(&c[2]), part.as_str().trim().to_string()),
            part.start(),
            end,
        ));
    }
    for c in level_for.captures_iter(text) {
        let w = c.get(0).expect("whole");
        if out.iter().any(|h| h.start < w.end() && w.start() < h.end) {
            continue;
        }
        out.push(Hit::new(
            (level(&c[1]), c[2].trim().to_string()),
            w.start(),
            w.end(),
        ));
    }
    for c in part_is.captures_iter(text) {
        let part = c.get(1).expect("part");
        let end = c.get(2).expect("level").end();
        if out.iter().any(|h| h.start < end && part.start() < h.end) {
            continue;
        }
        out.push(Hit::new(
            (level(&c[2]), part.as_str().trim().to_string()),
            part.start(),
            end,
        ));
    }
    // "SAML tenants are the highest priority; self-serve users on the free
    // plan are the lowest": a ranking, its top critical and its bottom low.
    let ranked = crate::re!(
        r"(?i)(?:^|[,;.]\s*)(?:the\s+)?([A-Za-z][^,;.:()]{1,60}?)\s+(?:is|are)\s+(?:our\s+|the\s+)?(highest|top|first|lowest|last|least\s+important)(?:\s+priority)?\b"
    );
    for c in ranked.captures_iter(text) {
        let part = c.get(1).expect("part");
        let end = c.get(2).expect("rank").end();
        if out.iter().any(|h| h.start < end && part.start() < h.end) {
            continue;
        }
        let rank = c[2].to_ascii_lowercase();
        let top = matches!(rank.as_str(), "highest" | "top" | "first");
        out.push(Hit::new(
            (
                if top {
                    Criticality::Critical
                } else {
                    Criticality::Low
                },
                part.as_str().trim().to_string(),
            ),
            part.start(),
            end,
        ));
    }
    out.sort_by_key(|h| h.start);
    // Only a statement about parts: one level for "it" is no split.
    if out.len() < 2 {
        out.clear();
    }
    out
}

pub fn stakes(text: &str) -> Vec<Hit<String>> {
    static TABLE: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| compile(STAKES));
    let mut out = Vec::new();
    // "Billing does not depend on it": a stake the text denies is none.
    // Data loss is the exception: "no data loss" states that stake.
    let denied = crate::re!(
        r"(?i)^\s+(?:does|do|is|are|will|would)\s*(?:not|n't)\b|^\s+(?:doesn't|don't|isn't|aren't|won't)\b"
    );
    for (re, kind) in TABLE.iter() {
        if let Some(m) = re.find_iter(text).find(|m| {
            *kind == "data-loss"
                || !super::negated_before(text, m.start())
                    && !denied.is_match(super::ahead(text, m.end(), 24))
        }) {
            out.push(Hit::new(kind.to_string(), m.start(), m.end()));
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> Option<Criticality> {
        criticality(text).map(|r| r.level)
    }

    #[test]
    fn levels_per_part() {
        let p = |t: &str| -> Vec<(Criticality, String)> {
            parts(t).into_iter().map(|h| h.value).collect()
        };
        use Criticality::*;
        assert_eq!(
            p("critical for card payments, low for the weekly digest"),
            vec![
                (Critical, "card payments".into()),
                (Low, "weekly digest".into())
            ]
        );
        assert_eq!(
            p("High for checkout and product pages (revenue), low for the blog and the help centre."),
            vec![
                (High, "checkout and product pages".into()),
                (Low, "blog and the help centre".into())
            ]
        );
        assert_eq!(
            p("Payments are critical; the newsletter is low."),
            vec![(Critical, "Payments".into()), (Low, "newsletter".into())]
        );
        assert!(p("High: every customer uses it.").is_empty());
        assert_eq!(
            p("- www (marketing): medium\n- app (dashboard): high\n- /billing + Stripe checkout pages inside app: critical"),
            vec![
                (Medium, "www (marketing)".into()),
                (High, "app (dashboard)".into()),
                (Critical, "/billing + Stripe checkout pages inside app".into())
            ]
        );
        assert_eq!(
            p("2fa codes: critical\n3rd-party reports: low"),
            vec![
                (Critical, "2fa codes".into()),
                (Low, "3rd-party reports".into())
            ]
        );
        assert_eq!(
            p("Critical. SAML tenants are the highest priority; self-serve password users on the free plan are the lowest."),
            vec![
                (Critical, "SAML tenants".into()),
                (Low, "self-serve password users on the free plan".into())
            ]
        );
        assert_eq!(
            p("Checkout is our top priority, the blog is the lowest."),
            vec![(Critical, "Checkout".into()), (Low, "blog".into())]
        );
        // One priority alone ranks nothing.
        assert!(p("Security is our top priority.").is_empty());
        // A time of day is no part.
        assert!(p("- 10:30: high load\n- 14:00: low load").is_empty());
    }

    #[test]
    fn explicit_levels() {
        use Criticality::*;
        for (t, l) in [
            (
                "Critical. Every customer transaction touches the DB.",
                Critical,
            ),
            ("Mission-critical", Critical),
            ("business critical", Critical),
            ("tier 0 service", Critical),
            ("High", High),
            ("high priority", High),
            ("important but not critical", High),
            ("Medium", Medium),
            ("moderate", Medium),
            ("Low. Internal tool.", Low),
            ("not critical", Low),
            ("non-critical", Low),
            ("Not business-critical at all", Low),
            ("low stakes", Low),
            ("P0", Critical),
            ("tier-2", Medium),
        ] {
            assert_eq!(level(t), Some(l), "{t}");
        }
    }

    #[test]
    fn levels_from_context() {
        use Criticality::*;
        for (t, l) in [
            ("Down DB = product down", Critical),
            ("every customer transaction goes through it", Critical),
            ("handles payments", Critical),
            ("all logins go through it", Critical),
            ("customer-facing dashboards", High),
            ("SLA with enterprise customers", High),
            ("an internal tool for support staff", Low),
            ("back-office tool", Low),
            ("back-office reporting", Medium),
            ("nightly batch reporting", Medium),
        ] {
            assert_eq!(level(t), Some(l), "{t}");
        }
    }

    #[test]
    fn no_level_without_words() {
        for t in ["", "we use it", "600GB", "Postgres 14", "the team is small"] {
            assert_eq!(level(t), None, "{t}");
        }
    }

    #[test]
    fn stakes_found() {
        let kinds: Vec<String> =
            stakes("Multi-hour outage = compliance issue + customer SLA breach")
                .into_iter()
                .map(|h| h.value)
                .collect();
        assert_eq!(kinds, vec!["compliance", "sla"]);
        assert!(stakes("PCI-DSS scope, GDPR")
            .iter()
            .any(|h| h.value == "pci-dss"));
        assert!(stakes("nothing at stake").is_empty());
    }
}
