//! Stable ids for what a runner measures, and the machine form of alert
//! thresholds. Assigned in one pass over the finished plan so every phase
//! names the same metric the same way.

use crate::model::{Alert, Phase, Plan, Trigger};

/// `error rate of routed requests` → `error-rate-of-routed-requests`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("metric");
    }
    out
}

pub fn assign(plan: &mut Plan) {
    for phase in &mut plan.phases {
        assign_criteria(phase);
    }
    let mut seen = std::collections::BTreeSet::new();
    for alert in &mut plan.monitoring {
        assign_alert(alert, &mut seen);
    }
}

fn assign_criteria(phase: &mut Phase) {
    let mut seen = std::collections::BTreeSet::new();
    for c in &mut phase.success_criteria {
        c.metric_id = slug(&c.metric);
        let id = unique(format!("{}.{}", phase.id, c.metric_id), &mut seen);
        c.id = id;
    }
}

fn assign_alert(alert: &mut Alert, seen: &mut std::collections::BTreeSet<String>) {
    // Set already when the alert watches a gate criterion's metric.
    if alert.metric_id.is_empty() {
        alert.metric_id = slug(&alert.metric);
    }
    alert.id = unique(format!("alert.{}", alert.metric_id), seen);
    alert.trigger = trigger(&alert.threshold);
}

fn unique(id: String, seen: &mut std::collections::BTreeSet<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while !seen.insert(candidate.clone()) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    candidate
}

/// `> 0.1%`, `> 5 s`, `< 20%`, `> 80% of the limit`: an operator, a number
/// and a unit. A threshold relative to something the plan does not know
/// (a baseline, last week) has no trigger.
pub fn trigger(threshold: &str) -> Option<Trigger> {
    let t = threshold.trim();
    let (op, rest) = [">=", "<=", "==", ">", "<"]
        .iter()
        .find_map(|op| t.strip_prefix(op).map(|r| (*op, r.trim_start())))?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let value: f64 = rest[..end].parse().ok()?;
    let unit = rest[end..].trim();
    let unit = unit.strip_suffix("(the gate's bar)").unwrap_or(unit).trim();
    let relative = ["baseline", "last week", "usual", "×", "the same hour"];
    if relative.iter().any(|r| unit.contains(r)) {
        return None;
    }
    Some(Trigger {
        op: op.to_string(),
        value,
        unit: unit.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            slug("p95 latency vs the old system's baseline"),
            "p95-latency-vs-the-old-system-s-baseline"
        );
        assert_eq!(slug("  Error rate (%)  "), "error-rate");
        assert_eq!(slug("—"), "metric");
    }

    #[test]
    fn absolute_thresholds_become_triggers_and_relative_ones_do_not() {
        let t = trigger("> 0.1%").unwrap();
        assert_eq!((t.op.as_str(), t.value, t.unit.as_str()), (">", 0.1, "%"));
        let t = trigger("> 5 s").unwrap();
        assert_eq!((t.op.as_str(), t.value, t.unit.as_str()), (">", 5.0, "s"));
        let t = trigger(">= 2 bounces (the gate's bar)").unwrap();
        assert_eq!(
            (t.op.as_str(), t.value, t.unit.as_str()),
            (">=", 2.0, "bounces")
        );
        assert_eq!(trigger("> baseline + 10%"), None);
        assert_eq!(trigger("> 2× the usual hourly count"), None);
        assert_eq!(trigger("any drop > 2 points"), None);
    }
}
