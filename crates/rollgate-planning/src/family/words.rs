//! Filling a playbook's `{placeholders}` from the facts, and evaluating its
//! conditions. The loader has already refused unknown names, so every
//! placeholder met here has a value.

use crate::ctx::{Ctx, Switch};
use crate::killswitch::flag_name;
use rollgate_intake::IntegrationKind;
use rollgate_knowledge::Playbook;

/// Values for a playbook's placeholders.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vars {
    pairs: Vec<(&'static str, String)>,
}

impl Vars {
    /// The values every text may use: the two sides, the moving part, the
    /// routing unit, the switch and the tolerance.
    pub(crate) fn base(cx: &Ctx<'_>, pb: Option<&Playbook>) -> Self {
        let component = cx
            .facts
            .migration
            .component
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_else(|| "the module".into());
        let mut v = Self::default();
        v.set("old", cx.system_name(true));
        v.set("new", cx.system_name(false));
        v.set("component", component);
        v.set("flag", flag_name(cx));
        v.set("tolerance", cx.tolerance.to_string());
        let uses: Vec<&str> = cx
            .facts
            .migration
            .store_uses
            .iter()
            .map(|u| u.value.as_str())
            .filter(|u| *u != "cache")
            .collect();
        v.set(
            "uses",
            if uses.is_empty() {
                "state".to_string()
            } else {
                uses.join(", ")
            },
        );
        if let Some(pb) = pb {
            v.set("unit", pb.routing.unit.clone());
            v.set("units", pb.routing.units.clone());
            v.set("unexportable", pb.words.unexportable.clone());
        }
        v
    }

    pub(crate) fn set(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(p) => p.1 = value,
            None => self.pairs.push((name, value)),
        }
    }

    pub(crate) fn with(&self, name: &'static str, value: impl Into<String>) -> Self {
        let mut v = self.clone();
        v.set(name, value);
        v
    }
}

/// The text with every `{name}` replaced by its value. A placeholder with
/// no value in this context is left for the plan checker to report (it
/// cannot happen for the built-in playbooks: their tests fill every text).
pub(crate) fn fill(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match vars.pairs.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Words that show the input talks about enterprise single sign-on.
const SSO_WORDS: &[&str] = &["saml", "sso", "single sign-on", "enterprise tenant", "scim"];

/// Words that show a monthly business cycle the holds must see.
const MONTHLY_WORDS: &[&str] = &[
    "month-end",
    "month end",
    "end of month",
    "end of the month",
    "monthly",
    "payroll",
    "invoice",
    "invoicing",
    "statement",
    "billing run",
    "month's",
];

pub(crate) fn mentions_monthly(cx: &Ctx<'_>) -> bool {
    mentions(cx, MONTHLY_WORDS)
        || cx.facts.schedule.freezes.iter().any(|f| {
            let t = f.origin.text.to_ascii_lowercase();
            MONTHLY_WORDS.iter().any(|w| t.contains(w))
        })
}

fn mentions_sso(cx: &Ctx<'_>) -> bool {
    mentions(cx, SSO_WORDS)
}

/// Whether any fact's own words contain one of `words`.
fn mentions(cx: &Ctx<'_>, words: &[&str]) -> bool {
    let f = cx.facts;
    let hit = |t: &str| {
        let t = t.to_ascii_lowercase();
        words.iter().any(|w| t.contains(w))
    };
    f.integrations
        .iter()
        .any(|i| hit(&i.value.name) || hit(&i.origin.text))
        || f.uninterpreted.iter().any(|u| hit(&u.text))
        || [&f.source, &f.target]
            .iter()
            .flat_map(|s| s.technology.iter())
            .any(|t| hit(&t.origin.text))
        || f.technologies.iter().any(|t| hit(&t.origin.text))
        || f.counts
            .iter()
            .any(|c| hit(&c.origin.text) || hit(&c.value.what))
        || f.capabilities.iter().any(|c| hit(&c.origin.text))
        || f.criticality_by_part.iter().any(|c| hit(&c.origin.text))
        || f.stakes.iter().any(|s| hit(&s.origin.text))
        || f.migration.component.iter().any(|c| hit(&c.value))
        || f.migration.summary.iter().any(|s| hit(&s.origin.text))
}

/// Whether a playbook condition holds for these facts.
pub(crate) fn condition(cx: &Ctx<'_>, name: &str, release_steps: usize) -> bool {
    match name {
        "critical-path" => cx.critical_path,
        "money-or-compliance" => {
            cx.facts
                .integrations
                .iter()
                .any(|i| i.value.kinds.contains(&IntegrationKind::Payment))
                || cx
                    .facts
                    .stakes
                    .iter()
                    .any(|s| s.value.kind == "revenue" || s.value.kind == "compliance")
        }
        "switch-percent" => matches!(cx.switch, Switch::Flag { .. } | Switch::LiveConfig { .. }),
        "no-switch-percent" => {
            !matches!(cx.switch, Switch::Flag { .. } | Switch::LiveConfig { .. })
        }
        "long-lived-state" => cx.facts.migration.store_uses.iter().any(|u| {
            matches!(
                u.value.as_str(),
                "sessions" | "locks" | "rate-limiter" | "leaderboard" | "primary-store"
            )
        }),
        "several-releases" => release_steps > 1,
        "enterprise-sso" => mentions_sso(cx),
        "mobile-clients" => {
            cx.facts
                .integrations
                .iter()
                .any(|i| i.value.kinds.contains(&IntegrationKind::MobileApp))
                || mentions(
                    cx,
                    &[
                        "mobile app",
                        "ios app",
                        "android app",
                        "app version",
                        "app store",
                    ],
                )
        }
        // The loader refuses unknown conditions; an unknown one is false.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_names_and_keeps_unknown_ones_visible() {
        let mut v = Vars::default();
        v.set("old", "A");
        v.set("new", "B");
        assert_eq!(fill("{old} → {new}", &v), "A → B");
        assert_eq!(fill("{old} and {nope}", &v), "A and {nope}");
        assert_eq!(fill("unclosed {old", &v), "unclosed {old");
        assert_eq!(fill("", &v), "");
    }
}
