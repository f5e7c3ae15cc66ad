//! What the team can do today, and what it cannot: feature flags, read
//! routing, dual-write, canary and blue-green deploys, config changes
//! without a deploy, backups, replication, shadow traffic, staging.

use super::{clause_around, negated_before, Claimed, Hit};
use crate::facts::CapabilityKind;

/// A capability the text names, present or explicitly absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityHit {
    pub kind: CapabilityKind,
    pub present: bool,
    pub mechanism: Option<String>,
    /// Minutes the input says using it takes (a switch's roll-out time).
    pub takes_minutes: Option<u32>,
    /// Setting names written in its clause (`CACHE_STORE`).
    pub settings: Vec<String>,
}

const PATTERNS: &[(CapabilityKind, &str)] = &[
    (
        CapabilityKind::FeatureFlags,
        r"feature[\s-]?flags?|feature[\s-]toggles?|flag(?:ging)?\s+(?:service|system|provider|platform)|\bflags?\s+via\b|remote\s+config|flags\b",
    ),
    (
        CapabilityKind::ReadRouting,
        r"switchable\s+(?:per\s+[\w-]+(?:\s+[\w-]+)?\s+)?(?:via|through|by|with)|(?:can\s+be\s+)?switched\s+(?:per\s+[\w-]+(?:\s+[\w-]+)?\s+)?(?:via|through|by|with)|route\s+(?:the\s+)?reads?|routes?\s+read\s+traffic|read[\s-]routing|read/write\s+split(?:ting)?|read[\s-]write\s+split(?:ting)?|reads?\s+(?:can\s+be\s+)?(?:routed|pointed|sent)|send\s+reads?|routes?\s+(?:the\s+)?reads?|reads?\s+from\s+(?:the\s+)?replicas?",
    ),
    (
        CapabilityKind::DualWrite,
        r"dual[\s-]?writes?|dual[\s-]?writing|write\s+to\s+both|writes?\s+to\s+both|dual[\s-]?send(?:s|ing)?|(?:send|publish|produce)(?:es|s|ing)?\s+to\s+both",
    ),
    (
        CapabilityKind::CanaryDeploys,
        r"canar(?:y|ies)(?:\s+(?:deploy(?:s|ments)?|releases?|tooling))?|progressive\s+delivery|percentage[\s-]based\s+(?:rollouts?|deploys?)|gradual\s+rollouts?",
    ),
    (CapabilityKind::BlueGreen, r"blue[\s/-]?green"),
    (
        CapabilityKind::ConfigWithoutDeploy,
        r"(?:without|no)\s+(?:a\s+)?(?:re-?)?deploy|(?:doesn't|does\s+not|don't|do\s+not|won't)\s+(?:need|require)\s+(?:a\s+)?(?:re-?)?deploy|hot[\s-]reload|(?:needs?|requires?|means?)\s+(?:a\s+)?(?:re-?deploy|restart|deploy)|config(?:uration)?\s+changes?\s+(?:need|require)s?\s+(?:a\s+)?(?:re-?deploy|deploy|restart)",
    ),
    (
        CapabilityKind::Backups,
        r"backups?|snapshots?|point[\s-]in[\s-]time\s+recovery|\bpitr\b",
    ),
    (
        CapabilityKind::Replication,
        r"streaming\s+replication|logical\s+replication|read[\s-]replicas?|standby|replicas?\b|replicat(?:e|es|ing)\b",
    ),
    (
        CapabilityKind::ShadowTraffic,
        r"shadow\s+(?:traffic|reads?|mode)|traffic\s+mirroring|mirror(?:s|ed|ing)?\s+(?:the\s+|all\s+)?(?:traffic|queries|requests|reads|searches|calls)|\(shadow\)|as\s+(?:a\s+)?shadow",
    ),
    (
        CapabilityKind::Staging,
        r"staging(?:\s+environment|\s+env)?|pre[\s-]?prod(?:uction)?",
    ),
];

/// Capabilities named in `text`.
pub fn capabilities(text: &str) -> Vec<Hit<CapabilityHit>> {
    static COMPILED: std::sync::LazyLock<Vec<(CapabilityKind, regex::Regex)>> =
        std::sync::LazyLock::new(|| {
            PATTERNS
                .iter()
                .map(|(k, p)| {
                    (
                        *k,
                        regex::Regex::new(&format!(r"(?i)\b(?:{p})")).expect("valid"),
                    )
                })
                .collect()
        });
    let mut out: Vec<Hit<CapabilityHit>> = Vec::new();
    let mut claimed = Claimed::default();
    for (kind, re) in COMPILED.iter() {
        // This kind's hits so far: a clause states one capability once.
        let mut of_kind = Claimed::default();
        for m in re.find_iter(text) {
            if claimed.overlaps(m.start(), m.end()) {
                continue;
            }
            let (cs, ce) = clause_around(text, m.start());
            // "streaming replication to a standby" states one capability.
            if of_kind.first_from(cs).is_some_and(|(_, end, _)| end <= ce) {
                continue;
            }
            let lower = m.as_str().to_ascii_lowercase();
            // A bare "flags" is feature flags ("Flipper flags per merchant",
            // "PostHog flags"), unless the word before makes it another
            // kind of flag.
            if lower == "flags" && !is_feature_flags(text, m.start()) {
                continue;
            }
            claimed.claim(m.start(), m.end(), out.len());
            of_kind.claim(m.start(), m.end(), out.len());
            // "Dual writes we'd rather avoid": not something the team will use.
            let avoided = crate::re!(
                r"(?i)^\s*(?:we'd|we\s+would|we)\s+(?:rather\s+|prefer\s+to\s+|want\s+to\s+)?(?:avoid|not\s+use|skip)\b"
            );
            let mut present = !negated_before(text, m.start())
                && !avoided.is_match(super::ahead(text, m.end(), 40));
            if *kind == CapabilityKind::ConfigWithoutDeploy {
                // "changes need a redeploy" is the absence of the capability.
                present = lower.starts_with("without")
                    || lower.starts_with("no ")
                    || lower.starts_with("hot")
                    || lower.starts_with("doesn't")
                    || lower.starts_with("does not")
                    || lower.starts_with("don't")
                    || lower.starts_with("do not")
                    || lower.starts_with("won't");
            }
            let (cs, ce) = clause_around(text, m.start());
            let clause = text[cs..ce].to_ascii_lowercase();
            // "unleash for app flags, not wired into the cache layer",
            // "we have Flipper, but … I wouldn't call it a feature flag
            // service": there, but not a switch this migration can use.
            let unusable = crate::re!(
                r"(?i)\bnot\s+(?:yet\s+)?(?:wired|hooked|connected|integrated|plugged)\b|\bwouldn't\s+call\s+it\b|\bisn't\s+(?:really\s+)?a\s+(?:real\s+)?(?:feature[\s-]flag\s+)?service\b|\bonly\s+(?:really\s+)?(?:use\s+it\s+)?for\s+(?:banners|marketing|experiments)\b"
            );
            if *kind == CapabilityKind::FeatureFlags && unusable.is_match(&text[m.start()..ce]) {
                present = false;
            }
            let mechanism = mechanism(*kind, &clause, &text[cs..ce]);
            let takes_minutes = matches!(
                kind,
                CapabilityKind::ReadRouting
                    | CapabilityKind::FeatureFlags
                    | CapabilityKind::ConfigWithoutDeploy
            )
            .then(|| {
                super::duration::durations(&text[m.start()..ce])
                    .into_iter()
                    .map(|d| (d.value.days() * 1440.0).round())
                    .find(|m| (1.0..=240.0).contains(m))
                    .map(|m| m as u32)
            })
            .flatten();
            let settings: Vec<String> = crate::re!(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
                .find_iter(&text[cs..ce])
                .map(|m| m.as_str().to_string())
                .collect();
            out.push(Hit::new(
                CapabilityHit {
                    kind: *kind,
                    present,
                    mechanism,
                    takes_minutes,
                    settings,
                },
                m.start(),
                m.end(),
            ));
        }
    }
    // "route reads via env var per service": cover the mechanism words too.
    out.sort_by_key(|h| h.start);
    out
}

/// Whether a bare "flags" at `at` means feature flags: not "red flags",
/// "CLI flags", "compiler flags" and the like.
fn is_feature_flags(text: &str, at: usize) -> bool {
    let before = super::behind(text, at, 24).to_ascii_lowercase();
    let word = before.split_whitespace().next_back().unwrap_or("");
    !matches!(
        word.trim_matches(|c: char| !c.is_alphanumeric()),
        "red"
            | "warning"
            | "cli"
            | "command-line"
            | "line"
            | "compiler"
            | "build"
            | "jvm"
            | "startup"
    )
}

fn mechanism(kind: CapabilityKind, clause: &str, original: &str) -> Option<String> {
    let mut parts = Vec::new();
    match kind {
        CapabilityKind::ReadRouting
        | CapabilityKind::FeatureFlags
        | CapabilityKind::ConfigWithoutDeploy => {
            if clause.contains("env var")
                || clause.contains("environment variable")
                || crate::re!(r"\benv\b").is_match(clause)
            {
                parts.push("environment variable");
            }
            if clause.contains("dns") {
                parts.push("DNS");
            }
            if clause.contains("connection string") {
                parts.push("connection string");
            }
            if clause.contains("proxy")
                || clause.contains("pgbouncer")
                || clause.contains("haproxy")
            {
                parts.push("proxy");
            }
            if clause.contains("config file")
                || clause.contains("config map")
                || clause.contains("configmap")
            {
                parts.push("config file");
            }
            if clause.contains("per service")
                || clause.contains("per-service")
                || clause.contains("each service")
            {
                parts.push("per service");
            }
            if clause.contains("per request")
                || clause.contains("percentage")
                || clause.contains("per user")
                || clause.contains("per customer")
            {
                parts.push("per request or cohort");
            }
        }
        CapabilityKind::Backups => {
            for f in ["hourly", "daily", "nightly", "weekly", "continuous"] {
                if clause.contains(f) {
                    parts.push(f);
                }
            }
        }
        _ => {}
    }
    let _ = original;
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use CapabilityKind::*;

    fn caps(text: &str) -> Vec<(CapabilityKind, bool, Option<String>)> {
        capabilities(text)
            .into_iter()
            .map(|h| (h.value.kind, h.value.present, h.value.mechanism))
            .collect()
    }

    #[test]
    fn seed_sentence() {
        assert_eq!(
            caps("No dual-write infrastructure today. We have feature flags via LaunchDarkly. We can route reads via env var per service."),
            vec![
                (DualWrite, false, None),
                (FeatureFlags, true, None),
                (ReadRouting, true, Some("environment variable, per service".into())),
            ]
        );
    }

    #[test]
    fn presence_and_absence() {
        assert_eq!(
            caps("we don't have feature flags"),
            vec![(FeatureFlags, false, None)]
        );
        assert_eq!(
            caps("no canary tooling"),
            vec![(CanaryDeploys, false, None)]
        );
        assert_eq!(
            caps("canary deploys via Argo Rollouts"),
            vec![(CanaryDeploys, true, None)]
        );
        assert_eq!(
            caps("blue/green deploys on ECS"),
            vec![(BlueGreen, true, None)]
        );
        assert_eq!(
            caps("config changes require a redeploy"),
            vec![(ConfigWithoutDeploy, false, None)]
        );
        assert_eq!(
            caps("we can flip config without a deploy"),
            vec![(ConfigWithoutDeploy, true, None)]
        );
        assert_eq!(
            caps("Daily backups via pg_dump"),
            vec![(Backups, true, Some("daily".into()))]
        );
        assert_eq!(
            caps("a read replica for analytics"),
            vec![(Replication, true, None)]
        );
        assert_eq!(
            caps("we have a staging environment"),
            vec![(Staging, true, None)]
        );
        assert_eq!(caps("no staging"), vec![(Staging, false, None)]);
        assert_eq!(
            caps("traffic mirroring with Istio"),
            vec![(ShadowTraffic, true, None)]
        );
        assert_eq!(
            caps("reads can be routed by DNS"),
            vec![(ReadRouting, true, Some("DNS".into()))]
        );
        assert_eq!(caps("we lack dual write"), vec![(DualWrite, false, None)]);
        assert_eq!(
            caps("Unleash feature toggles"),
            vec![(FeatureFlags, true, None)]
        );
    }

    #[test]
    fn nothing_named() {
        for t in [
            "",
            "4 backend engineers",
            "Postgres 14 on EC2",
            "we are careful",
            "flagship product",
        ] {
            assert!(caps(t).is_empty(), "{t}: {:?}", caps(t));
        }
    }
}

#[cfg(test)]
mod switch_tests {
    use super::*;

    #[test]
    fn a_switch_by_environment_and_redeploy_keeps_its_stated_time_and_unwired_flags_are_no_switch()
    {
        let hits = capabilities(
            "- CACHE_STORE / SESSION_CONNECTION switchable per ECS service via env + redeploy (~12 min rolling)\n- unleash (self-hosted) for app flags, not wired into cache layer",
        );
        let routing = hits
            .iter()
            .find(|h| h.value.kind == CapabilityKind::ReadRouting)
            .expect("the env switch");
        assert!(routing.value.present);
        assert_eq!(routing.value.takes_minutes, Some(12));
        assert_eq!(
            routing.value.settings,
            vec!["CACHE_STORE", "SESSION_CONNECTION"]
        );
        assert!(routing
            .value
            .mechanism
            .as_deref()
            .is_some_and(|m| m.contains("environment variable")));
        let flags = hits
            .iter()
            .find(|h| h.value.kind == CapabilityKind::FeatureFlags)
            .expect("the flags");
        assert!(
            !flags.value.present,
            "flags not wired into the cache layer switch nothing here"
        );
        // Flags that are wired in stay a switch.
        let wired = capabilities(
            "We have feature flags via LaunchDarkly, cached 5 minutes in each service.",
        );
        assert!(wired[0].value.present);
        assert_eq!(wired[0].value.takes_minutes, Some(5));
    }
}
