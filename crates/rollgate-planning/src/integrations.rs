//! Every integration point the input names gets a treatment: a prep step
//! that names it and a check after the first step that moves anything.
//! Integrations a rule already addresses (its citation is in a fired
//! rule's facts) are left to that rule, so nothing is said twice.

use crate::ctx::{because, cite, short_name, Ctx};
use crate::model::{Because, Phase, Step};
use crate::rules::Fired;

/// How many integrations one treatment names before counting the rest.
const NAMED: usize = 8;

pub struct Treated {
    pub prep: Vec<Step>,
    pub checks: Vec<Step>,
    /// Steps every rollback after the first move also takes.
    pub rollback: Vec<Step>,
    pub because: Vec<Because>,
}

/// The labels named, then a count of the unnamed (empty) ones.
fn names(list: &[String]) -> String {
    let named: Vec<&str> = list
        .iter()
        .filter(|l| !l.is_empty())
        .map(String::as_str)
        .collect();
    let more = list.len() - named.len();
    if more == 0 {
        named.join(", ")
    } else {
        format!("{} and {more} more", named.join(", "))
    }
}

/// A readable label: the technology's name with what the input said about
/// it ("Contentful (revalidation webhook)"), or the input's own short name.
fn label(i: &rollgate_intake::Integration, subject: &[&str]) -> String {
    let short = short_name(&i.name);
    // The migration's own subject ("pulled from the old provider's API")
    // does not name the integration.
    let Some(t) = i
        .technologies
        .iter()
        .find(|t| !subject.contains(&t.id.as_str()))
    else {
        return short;
    };
    let rest = short
        .strip_prefix(&t.name)
        .or_else(|| {
            short
                .to_ascii_lowercase()
                .starts_with(&t.name.to_ascii_lowercase())
                .then(|| &short[t.name.len().min(short.len())..])
        })
        .unwrap_or(&short)
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '>' | ':' | ',' | '/'));
    if rest.is_empty() || rest.eq_ignore_ascii_case(&t.name) {
        t.name.clone()
    } else if rest.chars().count() <= 48 {
        format!("{} ({rest})", t.name)
    } else {
        t.name.clone()
    }
}

pub fn treat(cx: &Ctx<'_>, fired: &[&Fired]) -> Treated {
    let addressed: Vec<&String> = fired.iter().flat_map(|f| f.because.facts.iter()).collect();
    let family = cx.family.as_str();
    let subject: Vec<&str> = [&cx.facts.source.technology, &cx.facts.target.technology]
        .into_iter()
        .flatten()
        .map(|t| t.value.id.as_str())
        .collect();
    // The first NAMED integrations get a step each; the rest are grouped
    // by treatment, so a list of two hundred stays readable.
    let mut entries: Vec<(&rollgate_knowledge::Treatment, Vec<String>, Vec<String>)> = Vec::new();
    let mut rest: Vec<(&rollgate_knowledge::Treatment, Vec<String>, Vec<String>)> = Vec::new();
    for i in &cx.facts.integrations {
        let c = cite(i);
        // A fired per-integration rule addresses every integration it
        // matches, even those its grouped item only counts.
        let by_rule = fired.iter().any(|f| {
            let w = &f.rule.when;
            (!w.integration_kind.is_empty() || !w.integration_mechanism.is_empty())
                && crate::rules::integration_matches(&f.rule, &i.value)
        });
        if by_rule || addressed.contains(&&c) {
            continue;
        }
        let tech: Vec<&str> = i
            .value
            .technologies
            .iter()
            .filter(|t| !subject.contains(&t.id.as_str()))
            .map(|t| t.kind.as_str())
            .collect();
        let kinds: Vec<&str> = i.value.kinds.iter().map(|k| k.as_str()).collect();
        let Some(t) =
            cx.k.integrations
                .select(&tech, &kinds, family, &i.value.name)
        else {
            continue;
        };
        if entries.len() < NAMED {
            entries.push((t, vec![label(&i.value, &subject)], vec![c]));
            continue;
        }
        match rest.iter_mut().find(|e| e.0.id == t.id) {
            Some(e) => {
                // Name a few and count the rest: the plan's size must not
                // follow the length of the list.
                if e.1.len() < NAMED {
                    e.1.push(label(&i.value, &subject));
                    e.2.push(c);
                } else {
                    e.1.push(String::new());
                }
            }
            None => rest.push((t, vec![label(&i.value, &subject)], vec![c])),
        }
    }
    entries.extend(rest);
    let vars = crate::family::Vars::base(cx, cx.playbook);
    let mut out = Treated {
        prep: Vec::new(),
        checks: Vec::new(),
        rollback: Vec::new(),
        because: Vec::new(),
    };
    for (t, list, cites) in entries {
        let who = if list.len() == 1 && !list[0].is_empty() {
            list[0].clone()
        } else {
            format!("each of {}", names(&list))
        };
        let v = vars.with("integration", who);
        out.prep.push(cx.step(crate::family::fill(&t.prep, &v)));
        out.checks.push(cx.step(crate::family::fill(&t.check, &v)));
        if let Some(r) = &t.rollback {
            out.rollback.push(cx.step(crate::family::fill(r, &v)));
        }
        out.because.push(because(&t.id, cites));
    }
    out
}

/// Puts the treatment into the plan: prep steps into the first phase, the
/// checks into the first phase that moves anything.
pub fn apply(phases: &mut [Phase], t: Treated) {
    if let Some(prep) = phases.first_mut() {
        prep.actions.extend(t.prep);
        prep.because.extend(t.because);
    }
    if let Some(first_move) = phases.iter_mut().skip(1).find(|p| p.kind != "prep") {
        first_move.checks.extend(t.checks);
    }
    // Every phase where something has moved rolls the integrations back too.
    for p in phases.iter_mut().filter(|p| {
        p.traffic.reads_percent > 0 || p.traffic.writes_percent > 0 || p.kind == "canary"
    }) {
        if !p.point_of_no_return {
            p.rollback.steps.extend(t.rollback.iter().cloned());
        }
    }
}
