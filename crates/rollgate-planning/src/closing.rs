//! Risk scenarios, cleanup, what the plan does not solve, and the takeaways.

use crate::ctx::{because, cite, Ctx};
use crate::model::{Item, Phase, Risk};
use crate::rules::Fired;
use crate::strategy::Chosen;
use rollgate_intake::Family;

pub fn risks(cx: &Ctx<'_>, chosen: &Chosen, phases: &[Phase], scenarios: Vec<Fired>) -> Vec<Risk> {
    let mut v: Vec<Risk> = scenarios
        .into_iter()
        .map(|f| Risk {
            id: f.rule.id.clone(),
            title: f.title,
            likelihood: f.rule.likelihood.clone().unwrap_or_else(|| "medium".into()),
            impact: f.rule.impact.clone().unwrap_or_else(|| "medium".into()),
            response: f.text,
            steps: f.steps,
            because: vec![f.because],
        })
        .collect();
    if let Some(cut) = phases
        .iter()
        .find(|p| p.kind == "cutover" || p.kind == "window")
    {
        v.push(Risk {
            id: "cutover-fails-first-hour".into(),
            title: format!("\"{}\" goes wrong within the first hour", cut.name),
            likelihood: "medium".into(),
            impact: "high".into(),
            response: format!(
                "Follow the phase's rollback ({} minutes estimated): {} Then diagnose with the new system idle, and schedule the retry for the next transition day, never the next morning by default.",
                cut.rollback.estimated_minutes, cut.rollback.cost
            ),
            steps: cut.rollback.steps.clone(),
            because: vec![because("scenario.cutover-fails", vec![cx.cite_tolerance()])],
        });
    }
    if let Some(last) = phases
        .iter()
        .rfind(|p| p.kind == "ramp" || p.kind == "canary")
    {
        v.push(Risk {
            id: "rare-paths-at-full-traffic".into(),
            title: "The rarest requests show up only at full traffic".into(),
            likelihood: "medium".into(),
            impact: "medium".into(),
            response: format!(
                "Monthly jobs, odd customers and rarely used endpoints may not appear until \"{}\". Hold that step across a full weekly cycle, list the scheduled jobs that did not run during the ramp, and trigger each one deliberately before the next gate.",
                last.name
            ),
            steps: Vec::new(),
            because: vec![because("scenario.rare-paths", vec![cx.cite_criticality()])],
        });
    }
    if chosen.id.replicates() {
        if let Some(r) = cx.facts.peak_rate() {
            v.push(Risk {
                id: "lag-at-peak".into(),
                title: "Replication falls behind at peak".into(),
                likelihood: "medium".into(),
                impact: "medium".into(),
                response: format!(
                    "At {:.0} {}/s the change stream can lag during batch jobs or bulk updates. Transitions never happen while lag is above its alert; if lag stays high, find the large transactions (bulk UPDATEs, backfills) and batch them.",
                    r.value.per_second, r.value.unit
                ),
                steps: cx.command("pg-forward-lag", &[]).into_iter().filter(|_| cx.both_postgres()).collect(),
                because: vec![because("scenario.lag-at-peak", vec![cite(r)])],
            });
        }
    }
    if cx.family == Family::Database && cx.consumers.is_some_and(|n| n >= 5) {
        v.push(Risk {
            id: "missed-consumer".into(),
            title: "A consumer that bypasses the switch keeps writing to the old database".into(),
            likelihood: "medium".into(),
            impact: "high".into(),
            response: "Revoking the application role's writes on the old database at cutover turns a silent split brain into a loud error. Watch the old database's connections by application name after cutover; anything still connected is a consumer the inventory missed.".into(),
            steps: Vec::new(),
            because: vec![because("scenario.missed-consumer", cx.consumers.map(|n| vec![format!("{n} consumers")]).unwrap_or_default())],
        });
    }
    v
}

pub fn items(fired: Vec<Fired>) -> Vec<Item> {
    fired
        .into_iter()
        .map(|f| Item {
            id: f.rule.id.clone(),
            title: f.title,
            text: f.text,
            steps: f.steps,
            because: f.because,
        })
        .collect()
}

pub fn cleanup(cx: &Ctx<'_>, rules: Vec<Fired>) -> Vec<Item> {
    let mut v = items(rules);
    match cx.playbook {
        Some(pb) => {
            let vars = crate::family::Vars::base(cx, Some(pb));
            for (i, text) in pb.words.cleanup.iter().enumerate() {
                v.push(Item {
                    id: format!("cleanup-{}-{}", pb.id, i + 1),
                    title: crate::family::fill(text, &vars),
                    text: "After 30 days on the new side without a rollback; a dormant switch or a forgotten credential is a trap.".into(),
                    steps: Vec::new(),
                    because: because(&format!("playbook.{}.cleanup", pb.id), vec![]),
                });
            }
        }
        None => {
            let flag = crate::killswitch::flag_name(cx);
            v.push(Item {
                id: "cleanup-switch".into(),
                title: format!("Remove the `{flag}` switch and the router's old branch"),
                text: "After 30 days on the new system without a rollback, delete the old connection path from every consumer and retire the switch; a dormant switch is a trap.".into(),
                steps: Vec::new(),
                because: because("cleanup.switch", vec![]),
            });
        }
    }
    let compliance = cx.facts.stakes.iter().find(|s| {
        matches!(
            s.value.kind.as_str(),
            "compliance" | "regulatory" | "pci-dss" | "hipaa" | "soc2" | "gdpr"
        )
    });
    v.push(Item {
        id: "cleanup-archive".into(),
        title: "Archive the final snapshot of the old system".into(),
        text: match compliance {
            Some(_) => "Keep it for as long as the audit requires, encrypted, with its location and deletion date written down; then delete it.".into(),
            None => "Keep it 90 days, then delete it.".into(),
        },
        steps: Vec::new(),
        because: because("cleanup.archive", compliance.map(|c| vec![cite(c)]).unwrap_or_default()),
    });
    v.push(Item {
        id: "cleanup-runbooks".into(),
        title: "Update runbooks, diagrams and alerts".into(),
        text: "Replace the old system's procedures with the new one's (backups, failover, upgrades), and delete alerts that watch the old system.".into(),
        steps: Vec::new(),
        because: because("cleanup.runbooks", vec![]),
    });
    v.push(Item {
        id: "cleanup-retro".into(),
        title: "Write the retrospective".into(),
        text: "Measured times against this plan's estimates, what surprised you, and the estimates to use next time, written where the next plan's authors will find them.".into(),
        steps: Vec::new(),
        because: because("cleanup.retro", vec![]),
    });
    v
}

pub fn limits(cx: &Ctx<'_>, rules: Vec<Fired>) -> Vec<Item> {
    let mut v = items(rules);
    v.push(Item {
        id: "limit-timeline".into(),
        title: "The holds are minimums".into(),
        text: "The timeline cannot be compressed below the holds without adding risk; each hold exists to see a full daily and weekly cycle at that step.".into(),
        steps: Vec::new(),
        because: because("limit.holds", vec![cx.cite_criticality()]),
    });
    v.push(Item {
        id: "limit-estimates".into(),
        title: "Estimates are assumptions until rehearsed".into(),
        text: "The time estimates come from rollgate's defaults (listed under assumptions); the rehearsal replaces them with yours.".into(),
        steps: Vec::new(),
        because: because("limit.estimates", vec![]),
    });
    if let Some(pb) = cx.playbook {
        for (i, text) in pb.words.limits.iter().enumerate() {
            v.push(Item {
                id: format!("limit-{}-{}", pb.id, i + 1),
                title: "What this playbook cannot see".into(),
                text: text.clone(),
                steps: Vec::new(),
                because: because(&format!("playbook.{}.limits", pb.id), vec![]),
            });
        }
    }
    v
}

pub fn takeaways(cx: &Ctx<'_>, chosen: &Chosen, phases: &[Phase], weeks: u32) -> Vec<String> {
    let mut v = vec![format!(
        "{} phases over about {weeks} weeks: {}.",
        phases.len(),
        chosen.strategy.name
    )];
    if let Some(p) = phases.iter().find(|p| p.point_of_no_return) {
        v.push(format!("The point of no return is \"{}\"; everything before it rolls back within its stated estimate.", p.name));
    }
    match crate::family::platform(cx) {
        Some(pf) if cx.playbook.is_some_and(|p| p.routing.kind == "releases") => v.push(format!(
            "The way back is {}; drill it before the first release moves.",
            pf.mechanism
        )),
        _ if cx.playbook.is_some_and(|p| p.routing.kind == "releases") => v.push(
            "The way back is redeploying the previous release; drill it before the first release moves.".into(),
        ),
        _ => v.push(format!(
            "The kill switch is `{}`; drill it before the first traffic moves.",
            crate::killswitch::flag_name(cx)
        )),
    }
    if chosen.reverse {
        v.push("No application dual-write: replication is the only writer into the target before cutover, and reverse replication is the way back after it.".into());
    }
    if !chosen.strategy.gaps.is_empty() {
        v.push(format!(
            "Close the {} gap(s) under the strategy before the canary.",
            chosen.strategy.gaps.len()
        ));
    }
    v.push("Transitions Tuesday to Thursday in business hours, with the whole rota present; never on a Friday.".into());
    v
}
