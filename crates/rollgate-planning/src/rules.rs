//! Evaluates the knowledge rules against the facts and the chosen strategy.
//! A rule fires when every condition in its `when` holds; rules with
//! integration conditions fire once per matching integration.

use crate::ctx::{cite, Ctx, Switch};
use crate::model::{Because, Step};
use crate::strategy::StrategyId;
use rollgate_intake::{CapabilityKind, ChangeKind, Criticality, Fact, Integration};
use rollgate_knowledge::{Rule, RuleKind};

/// A rule that fired, with its text filled in.
#[derive(Debug, Clone)]
pub struct Fired {
    pub rule: Rule,
    pub title: String,
    pub text: String,
    pub steps: Vec<Step>,
    pub because: Because,
}

fn level(s: &str) -> Criticality {
    match s {
        "critical" => Criticality::Critical,
        "high" => Criticality::High,
        "medium" => Criticality::Medium,
        _ => Criticality::Low,
    }
}

fn change_name(c: ChangeKind) -> &'static str {
    match c {
        ChangeKind::VersionUpgrade => "version-upgrade",
        ChangeKind::HostingMove => "hosting-move",
        ChangeKind::VendorChange => "vendor-change",
        ChangeKind::Other => "other",
    }
}

fn capability(name: &str) -> Option<CapabilityKind> {
    Some(match name {
        "feature-flags" => CapabilityKind::FeatureFlags,
        "read-routing" => CapabilityKind::ReadRouting,
        "dual-write" => CapabilityKind::DualWrite,
        "canary-deploys" => CapabilityKind::CanaryDeploys,
        "blue-green" => CapabilityKind::BlueGreen,
        "config-without-deploy" => CapabilityKind::ConfigWithoutDeploy,
        "backups" => CapabilityKind::Backups,
        "replication" => CapabilityKind::Replication,
        "shadow-traffic" => CapabilityKind::ShadowTraffic,
        "staging" => CapabilityKind::Staging,
        _ => return None,
    })
}

/// Checks the non-integration conditions; returns the citations of the
/// facts that satisfied them, or None when a condition fails.
fn holds(cx: &Ctx<'_>, strategy: StrategyId, rule: &Rule) -> Option<Vec<String>> {
    let w = &rule.when;
    let f = cx.facts;
    let mut cites = Vec::new();
    if !w.family.is_empty() {
        if !w.family.iter().any(|x| x == cx.family.as_str()) {
            return None;
        }
        if let Some(fam) = &f.migration.family {
            cites.push(cite(fam));
        }
    }
    let engine_ok = |list: &Vec<String>, engine: &Option<String>| {
        list.is_empty() || engine.as_ref().is_some_and(|e| list.contains(e))
    };
    if !engine_ok(&w.source_engine, &cx.source_engine)
        || !engine_ok(&w.target_engine, &cx.target_engine)
    {
        return None;
    }
    if !w.source_engine.is_empty() || !w.target_engine.is_empty() {
        cites.extend(cx.cite_source());
    }
    if let Some(differ) = w.engines_differ {
        let d = cx.source_engine.is_some()
            && cx.target_engine.is_some()
            && cx.source_engine != cx.target_engine;
        if d != differ {
            return None;
        }
        cites.extend(cx.cite_source());
    }
    if !w.change.is_empty() {
        let matching: Vec<_> = f
            .migration
            .changes
            .iter()
            .filter(|c| w.change.iter().any(|x| x == change_name(c.value)))
            .collect();
        if matching.is_empty() {
            return None;
        }
        cites.extend(matching.into_iter().map(cite));
    }
    if !w.strategy.is_empty() && !w.strategy.iter().any(|s| s == strategy.id()) {
        return None;
    }
    if !w.strategy.is_empty() {
        cites.push(format!("strategy: {}", strategy.id()));
    }
    if w.not_strategy.iter().any(|s| s == strategy.id()) {
        return None;
    }
    let hosting_match = |list: &Vec<String>,
                         hosting: &Vec<Fact<rollgate_intake::TechRef>>,
                         by_kind: bool|
     -> Option<Vec<String>> {
        if list.is_empty() {
            return Some(Vec::new());
        }
        let m: Vec<String> = hosting
            .iter()
            .filter(|h| {
                list.iter().any(|x| {
                    if by_kind {
                        *x == h.value.kind
                    } else {
                        *x == h.value.id
                    }
                })
            })
            .map(cite)
            .collect();
        (!m.is_empty()).then_some(m)
    };
    cites.extend(hosting_match(
        &w.target_hosting_kind,
        &f.target.hosting,
        true,
    )?);
    cites.extend(hosting_match(&w.target_hosting, &f.target.hosting, false)?);
    cites.extend(hosting_match(&w.source_hosting, &f.source.hosting, false)?);
    cites.extend(hosting_match(
        &w.source_hosting_kind,
        &f.source.hosting,
        true,
    )?);
    if !w.store_use.is_empty() {
        let m: Vec<String> = f
            .migration
            .store_uses
            .iter()
            .filter(|u| w.store_use.contains(&u.value))
            .map(cite)
            .collect();
        if m.is_empty() {
            return None;
        }
        cites.extend(m);
    }
    if let Some(name) = &w.capability_absent {
        let kind = capability(name)?;
        match f.capability(kind) {
            Some(c) if c.value.present => {
                // A flag service counts even when only a provider is named.
                return None;
            }
            Some(c) => cites.push(cite(c)),
            None => {
                if kind == CapabilityKind::FeatureFlags && matches!(cx.switch, Switch::Flag { .. })
                {
                    return None;
                }
                cites.push(format!("existing-dual-run-capability: no {name} stated"));
            }
        }
    }
    if let Some(name) = &w.capability_present {
        let c = f
            .capability(capability(name)?)
            .filter(|c| c.value.present)?;
        cites.push(cite(c));
    }
    if let Some(min) = &w.min_criticality {
        let effective = if cx.critical_path {
            Criticality::Critical
        } else {
            cx.criticality
        };
        if effective < level(min) {
            return None;
        }
        cites.push(cx.cite_criticality());
    }
    if let Some(max) = w.max_tolerance_minutes {
        if cx.tolerance > max {
            return None;
        }
        cites.push(cx.cite_tolerance());
    }
    if let Some(min) = w.min_data_gb {
        let d = f.data_size.as_ref()?;
        if d.value.gigabytes() < min {
            return None;
        }
        cites.push(cite(d));
    }
    if let Some(min) = w.min_peak_rate {
        let r = f.peak_rate()?;
        if r.value.per_second < min {
            return None;
        }
        cites.push(cite(r));
    }
    if !w.technology.is_empty() {
        // The technology must play the rule's role: being replaced (or
        // being the target) is not the same as being mentioned.
        let side = |sys: &rollgate_intake::SystemFacts| {
            sys.technology
                .iter()
                .filter(|t| w.technology.contains(&t.value.id))
                .map(cite)
                .collect::<Vec<_>>()
        };
        let m: Vec<String> = match w.technology_role.as_deref().unwrap_or("mentioned") {
            "subject" => {
                let mut v = side(&f.source);
                v.extend(side(&f.target));
                v
            }
            "source" => side(&f.source),
            "target" => side(&f.target),
            "integration" => f
                .integrations
                .iter()
                .filter(|i| {
                    i.value
                        .technologies
                        .iter()
                        .any(|t| w.technology.contains(&t.id))
                })
                .map(cite)
                .collect(),
            _ => f
                .technologies
                .iter()
                .filter(|m| !m.value.negated && w.technology.contains(&m.value.tech.id))
                .map(cite)
                .collect(),
        };
        if m.is_empty() {
            return None;
        }
        cites.extend(m.into_iter().take(2));
    }
    if let Some(want) = w.inexperienced {
        if cx.inexperienced != want {
            return None;
        }
        match f.experience.iter().find(|e| !e.value.done) {
            Some(e) => cites.push(cite(e)),
            None => cites.push("prior-migration-experience: none stated".into()),
        }
    }
    if let Some(below) = w.source_major_below {
        if cx.source_major? >= below {
            return None;
        }
        cites.extend(f.source.version.iter().map(cite));
    }
    if let Some(jump) = w.min_major_jump {
        let (a, b) = (cx.source_major?, cx.target_major?);
        if b < a + jump {
            return None;
        }
        cites.extend(f.source.version.iter().map(cite));
        cites.extend(f.target.version.iter().map(cite));
    }
    cites.dedup();
    Some(cites)
}

pub(crate) fn integration_matches(rule: &Rule, i: &Integration) -> bool {
    let w = &rule.when;
    let kind_ok = w.integration_kind.is_empty()
        || i.kinds
            .iter()
            .any(|k| w.integration_kind.iter().any(|x| x == k.as_str()));
    let mech_ok = w.integration_mechanism.is_empty()
        || i.mechanisms
            .iter()
            .any(|m| w.integration_mechanism.contains(m));
    let excluded = i
        .kinds
        .iter()
        .any(|k| w.exclude_integration_kind.iter().any(|x| x == k.as_str()));
    kind_ok && mech_ok && !excluded
}

fn fill(cx: &Ctx<'_>, text: &str, integration: Option<&str>) -> String {
    let version = |v: &Option<Fact<String>>| {
        v.as_ref()
            .map(|v| v.value.clone())
            .unwrap_or_else(|| "?".into())
    };
    text.replace("{source}", &cx.system_name(true))
        .replace("{target}", &cx.system_name(false))
        .replace("{source_version}", &version(&cx.facts.source.version))
        .replace("{target_version}", &version(&cx.facts.target.version))
        .replace("{target_hosting}", &cx.target_hosting_name())
        .replace("{data_size}", &cx.data_size_text())
        .replace("{flag}", &crate::killswitch::flag_name(cx))
        .replace("{integration}", integration.unwrap_or("the integration"))
}

/// Every rule of `kind` that fires.
pub fn fire(cx: &Ctx<'_>, strategy: StrategyId, kind: RuleKind) -> Vec<Fired> {
    let mut out = Vec::new();
    for rule in cx.k.rules.rules().iter().filter(|r| r.kind == kind) {
        let Some(cites) = holds(cx, strategy, rule) else {
            continue;
        };
        let steps: Vec<Step> = rule
            .commands
            .iter()
            .filter_map(|c| cx.command(c, &[]))
            // A PostgreSQL command is no help on another engine.
            .filter(|s| {
                !s.example
                    || !s.command.as_deref().is_some_and(|c| c.contains("psql"))
                    || cx.source_engine.as_deref() == Some("postgresql")
            })
            .collect();
        let per_integration =
            !rule.when.integration_kind.is_empty() || !rule.when.integration_mechanism.is_empty();
        if per_integration {
            let matching = cx
                .facts
                .integrations
                .iter()
                .filter(|i| integration_matches(rule, &i.value));
            for group in crate::ctx::integration_groups(matching) {
                let mut c = cites.clone();
                c.extend(group.cites);
                let title = fill(cx, &rule.title, Some(&group.label));
                let text = fill(cx, &rule.text, Some(&group.label));
                // A rule whose words do not name the integration says the
                // same thing for each: once, citing them all.
                if let Some(same) = out.iter_mut().find(|f: &&mut Fired| {
                    f.rule.id == rule.id && f.title == title && f.text == text
                }) {
                    for cite in c {
                        if !same.because.facts.contains(&cite) {
                            same.because.facts.push(cite);
                        }
                    }
                    continue;
                }
                out.push(Fired {
                    rule: rule.clone(),
                    title,
                    text,
                    steps: steps.clone(),
                    because: Because {
                        rule: rule.id.clone(),
                        facts: c,
                    },
                });
            }
        } else {
            out.push(Fired {
                rule: rule.clone(),
                title: fill(cx, &rule.title, None),
                text: fill(cx, &rule.text, None),
                steps,
                because: Because {
                    rule: rule.id.clone(),
                    facts: cites,
                },
            });
        }
    }
    out
}
