//! `run bindings init`: a bindings file with every metric the plan
//! measures, its thresholds phase by phase, and an example source to adapt.
//! Every section starts commented out: a metric left unbound is a manual
//! check a named person confirms, never a silent pass.

use rollgate_planning::Plan;
use std::collections::BTreeMap;
use std::fmt::Write;

struct Uses {
    metric: String,
    bars: Vec<String>,
    alert: Option<String>,
}

fn metrics(plan: &Plan) -> BTreeMap<String, Uses> {
    let mut m: BTreeMap<String, Uses> = BTreeMap::new();
    for p in &plan.phases {
        for c in &p.success_criteria {
            let u = m.entry(c.metric_id.clone()).or_insert_with(|| Uses {
                metric: c.metric.clone(),
                bars: Vec::new(),
                alert: None,
            });
            u.bars.push(format!(
                "{}: {} {} {} ({})",
                p.id, c.op, c.value, c.unit, c.window
            ));
        }
    }
    for a in plan.monitoring.iter().filter(|a| a.trigger.is_some()) {
        let u = m.entry(a.metric_id.clone()).or_insert_with(|| Uses {
            metric: a.metric.clone(),
            bars: Vec::new(),
            alert: None,
        });
        u.alert = Some(format!(
            "alert {}: {} for {} → {}",
            a.id, a.threshold, a.window, a.action
        ));
    }
    m
}

/// An example source for a metric, by what its name says it measures.
/// These are shapes to adapt, not queries that know the team's systems.
fn example(metric: &str) -> &'static str {
    let m = metric.to_lowercase();
    if m.contains("error rate") {
        "# source = \"prometheus\"   # example\n# url = \"http://127.0.0.1:9090\"\n# query = 'sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m])) * 100'"
    } else if m.contains("latency") {
        "# source = \"prometheus\"   # example: compare with your baseline in the query itself\n# url = \"http://127.0.0.1:9090\"\n# query = '(histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) / <baseline seconds> - 1) * 100'"
    } else if m.contains("replication lag") {
        "# source = \"sql\"   # example (PostgreSQL replica)\n# url_env = \"ROLLGATE_TARGET_DB\"\n# query = \"select coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)\""
    } else if m.contains("connections") {
        "# source = \"sql\"   # example (PostgreSQL)\n# url_env = \"ROLLGATE_TARGET_DB\"\n# query = \"select count(*) from pg_stat_activity\""
    } else {
        "# source = \"command\"   # example: a script that prints one number\n# command = [\"sh\", \"-c\", \"./measure.sh\"]"
    }
}

pub fn bindings_template(plan: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# rollgate bindings for: {}", plan.title);
    let _ = writeln!(
        o,
        "# Connect each metric the plan gates on to a source. Uncomment and adapt a"
    );
    let _ = writeln!(
        o,
        "# section to bind it; a metric left unbound is a manual check that a named"
    );
    let _ = writeln!(
        o,
        "# person confirms with `rollgate run confirm`. Secrets (URLs with passwords,"
    );
    let _ = writeln!(
        o,
        "# tokens) come from environment variables or files, never from this file."
    );
    let _ = writeln!(o, "# Every key is described in docs/bindings.md.\n");
    let _ = writeln!(o, "[run]\n# A failed gate check flips the kill switch by itself while the data have\n# not diverged; false pauses and asks a person instead.\nauto_abort = false\n");
    for (id, u) in metrics(plan) {
        let _ = writeln!(o, "# {} — thresholds from the plan:", u.metric);
        for b in &u.bars {
            let _ = writeln!(o, "#   {b}");
        }
        if let Some(a) = &u.alert {
            let _ = writeln!(o, "#   {a}");
        }
        let _ = writeln!(
            o,
            "# [metrics.\"{id}\"]\n{}\n# interval = \"1m\"\n# delay = \"5m\"   # after a switch change, before the first sample\n# count = 5\n",
            example(&u.metric)
        );
    }
    let ks = &plan.kill_switch;
    let states: Vec<&str> = ks.states.iter().map(|s| s.name.as_str()).collect();
    let _ = writeln!(o, "# The kill switch: {} ({}).", ks.flag_name, ks.mechanism);
    let _ = writeln!(
        o,
        "# States the runner sets, with the phase's share of traffic: {}.",
        states.join(", ")
    );
    let _ = writeln!(o, "# [switch]\n# kind = \"file\"   # unleash | launchdarkly | file | http | command\n# path = \"/etc/myapp/{}.env\"\n", ks.flag_name);
    let _ = writeln!(o, "# Notifications on every transition, verdict change, pause and abort:\n# [notify]\n# webhook_url_env = \"ROLLGATE_WEBHOOK\"");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_follow_what_the_metric_measures() {
        assert!(example("error rate of routed requests").contains("prometheus"));
        assert!(example("replication lag").contains("pg_last_xact_replay_timestamp"));
        assert!(example("bounce rate of new sends").contains("command"));
    }
}
