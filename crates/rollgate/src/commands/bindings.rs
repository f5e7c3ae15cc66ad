//! Bindings files → the runner's wiring: rollgate-connect's sources, switch
//! tools and notifier behind the runner's own traits.

use anyhow::{Context, Result};
use rollgate_connect::{Bindings, MetricSource, Notifier, SwitchAction};
use rollgate_planning::Plan;
use rollgate_run::{Bound, Judging, Measure, Notify, SwitchTarget, SwitchTool, Wiring};
use std::collections::BTreeMap;
use std::path::Path;

struct Source(Box<dyn MetricSource>);

impl Measure for Source {
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn sample(&self) -> (Option<f64>, String) {
        let s = self.0.sample();
        (s.value, s.note)
    }
}

struct Switch(Box<dyn SwitchAction>);

fn to_connect(t: &SwitchTarget) -> rollgate_connect::SwitchTarget {
    rollgate_connect::SwitchTarget {
        state: t.state.clone(),
        percent: t.percent,
    }
}

fn from_connect(t: rollgate_connect::SwitchTarget) -> SwitchTarget {
    SwitchTarget {
        state: t.state,
        percent: t.percent,
    }
}

impl SwitchTool for Switch {
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn apply(&self, target: &SwitchTarget) -> Result<(), String> {
        self.0.apply(&to_connect(target)).map_err(|e| e.to_string())
    }
    fn read_back(&self) -> Result<Option<SwitchTarget>, String> {
        self.0
            .read_back()
            .map(|t| t.map(from_connect))
            .map_err(|e| e.to_string())
    }
    fn expected(&self, target: &SwitchTarget) -> SwitchTarget {
        from_connect(self.0.expected(&to_connect(target)))
    }
}

struct Webhook(Notifier);

impl Notify for Webhook {
    fn send(&self, text: &str) -> Result<(), String> {
        self.0.send(text).map_err(|e| e.to_string())
    }
}

fn judging(p: &rollgate_connect::EvalParams) -> Judging {
    Judging {
        interval_seconds: p.interval.as_secs().max(1),
        count: p.count,
        failure_limit: p.failure_limit,
        inconclusive_limit: p.inconclusive_limit,
        noise: p.noise,
        // A metric needs time to show a switch change: by default, one
        // interval before the phase's first sample.
        delay_seconds: p.delay.unwrap_or(p.interval).as_secs(),
    }
}

fn read(path: &Path) -> Result<Bindings> {
    let b = Bindings::load(path)?;
    // Every secret is read now, so a missing one is an error at its key
    // before anything runs, not a silent "no data" at 3am.
    b.check_secrets()?;
    Ok(b)
}

/// The runner's wiring for `plan` from the bindings at `path`. Bound
/// metrics the plan does not measure are an error: a typo would otherwise
/// leave the real metric a manual check without anyone noticing.
pub fn load(path: &Path, plan: &Plan) -> Result<Wiring> {
    let b = read(path)?;
    let known = plan_metric_ids(plan);
    let unknown: Vec<&str> = b
        .metric_ids()
        .into_iter()
        .filter(|m| !known.contains(&m.to_string()))
        .collect();
    anyhow::ensure!(
        unknown.is_empty(),
        "{}: the plan measures no metric named {} (its metrics: {}; `rollgate run bindings init` lists them)",
        path.display(),
        unknown.join(", "),
        known.join(", ")
    );
    let mut w = Wiring {
        auto_abort: b.auto_abort(),
        ..Default::default()
    };
    for id in b.metric_ids() {
        if let (Some(source), Some(params)) = (b.source(id), b.params(id)) {
            w.metrics.insert(
                id.to_string(),
                Bound {
                    source: Box::new(Source(source)),
                    judging: judging(params),
                },
            );
        }
    }
    let states: Vec<String> = plan
        .kill_switch
        .states
        .iter()
        .map(|s| s.name.clone())
        .collect();
    w.switch = b
        .switch(&plan.kill_switch.flag_name, &states)
        .with_context(|| format!("the [switch] in {}", path.display()))?
        .map(|s| Box::new(Switch(s)) as Box<dyn SwitchTool>);
    w.notify = b
        .notifier()?
        .map(|n| Box::new(Webhook(n)) as Box<dyn Notify>);
    Ok(w)
}

/// Every metric id the plan's gates and alerts use.
pub fn plan_metric_ids(plan: &Plan) -> Vec<String> {
    let mut ids: Vec<String> = plan
        .phases
        .iter()
        .flat_map(|p| p.success_criteria.iter().map(|c| c.metric_id.clone()))
        .chain(plan.monitoring.iter().map(|a| a.metric_id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// For a rehearsal: the bound metrics with how each is judged, and whether
/// a failure aborts by itself.
pub fn judged_metrics(path: &Path) -> Result<(BTreeMap<String, Judging>, bool)> {
    let b = Bindings::load(path)?;
    let m = b
        .metric_ids()
        .into_iter()
        .filter_map(|id| b.params(id).map(|p| (id.to_string(), judging(p))))
        .collect();
    Ok((m, b.auto_abort()))
}
