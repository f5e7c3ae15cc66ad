//! People: the on-call rota drawn from the team as described, escalation,
//! paging thresholds, and who hears what and when.

use crate::ctx::{because, cite, Ctx};
use crate::model::{Message, PageRule, People, Rota};
use crate::phases::{approvers, bar};

/// `replicates`: the strategy runs a change stream, so lag pages.
pub fn plan(cx: &Ctx<'_>, replicates: bool) -> People {
    let who = approvers(cx);
    let b = bar(cx);
    let team = &cx.facts.team;
    let hours = if team.time_zones.len() > 1 {
        format!(
            "transitions in the overlap of {}; each zone covers its own business day",
            team.time_zones
                .iter()
                .map(|z| z.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "transitions 09:00–15:00 {}, Tuesday to Thursday; pager rota nights and weekends",
            cx.time_zone
        )
    };
    let rota = vec![
        Rota {
            phases: "prep, sync".into(),
            primary: who.owner.clone(),
            secondary: who.on_call.clone(),
            decision: who.lead.clone(),
            hours: match cx.playbook {
                Some(pb) => pb.words.night_pages.clone(),
                None if replicates => "business hours; lag and slot alerts page at night".into(),
                None => "business hours".into(),
            },
        },
        Rota {
            phases: "canary and ramp".into(),
            primary: who.owner.clone(),
            secondary: who.on_call.clone(),
            decision: who.lead.clone(),
            hours: hours.clone(),
        },
        Rota {
            phases: "cutover and hold".into(),
            primary: who.owner.clone(),
            secondary: who.on_call.clone(),
            decision: who.lead.clone(),
            hours: format!("{hours}; the primary stays reachable for 48 hours after the cutover"),
        },
    ];
    let mut notes = Vec::new();
    let mut facts: Vec<String> = team.members.iter().map(cite).collect();
    if let Some(m) = team.members.iter().find(|m| m.value.contractor) {
        notes.push(format!("The {} is a contractor: confirm their hours for the cutover week and the hold in writing, and have a staff engineer beside them at every step they run, so the knowledge stays in the team.", m.value.role_name));
        facts.push(cite(m));
    }
    let engineers: u32 = team
        .members
        .iter()
        .filter(|m| m.value.role != "dba")
        .map(|m| m.value.count)
        .sum();
    let drill = match engineers {
        0 => None,
        1 => Some("The one engineer reads the runbook and can flip the kill switch; the flip is drilled before the canary.".to_string()),
        2 => Some("Both engineers read the runbook and can flip the kill switch; the flip is drilled once per engineer before the canary.".to_string()),
        n => Some(format!("All {n} engineers read the runbook and can flip the kill switch; the flip is drilled once per engineer before the canary.")),
    };
    notes.extend(drill);
    if team.members.is_empty() && team.people.is_empty() {
        notes.push("The input names no team: fill in the roles before the first gate.".into());
    } else if team.members.is_empty() {
        notes.push("The input names people but not their roles: say who is primary on call, who can flip the switch and who decides, before the first gate.".into());
    }
    let escalation = vec![
        who.on_call.clone(),
        who.owner.clone(),
        who.lead.clone(),
        "engineering leadership".into(),
    ];
    // The same thresholds as the alert table (monitoring.rs reads the same
    // bar): paging starts where the alert fires, and everyone is paged at
    // twice it, where the alert says to flip the kill switch.
    let mut paging = vec![
        PageRule {
            condition: format!("error rate > {}% for 5 minutes", b.error_pct),
            page: "primary".into(),
        },
        PageRule {
            condition: format!(
                "error rate > {}% for 5 minutes, or any parity check failure",
                b.error_pct * 2.0
            ),
            page: "primary, secondary and decision-maker".into(),
        },
    ];
    if replicates {
        paging.push(PageRule {
            condition: format!("replication lag > {:.0} s for 5 minutes", b.lag_seconds),
            page: "primary".into(),
        });
    }
    paging.push(PageRule {
        condition: "a rollback started".into(),
        page: "everyone on the rota".into(),
    });
    let mut communication = vec![
        Message { audience: "the team".into(), when: "kickoff, then at every gate".into(), how: "kickoff meeting; one chat channel for the migration; the gate decision written there".into(), what: "the plan, the rota, the next transition and its go/no-go".into(), because: because("comm.team", facts.clone()) },
        Message { audience: "engineering leadership".into(), when: "weekly, and within 15 minutes of any rollback".into(), how: "short written status".into(), what: "phase, criteria met or not, next date, risks that changed".into(), because: because("comm.leadership", vec![cx.cite_criticality()]) },
        Message { audience: "product and other engineering teams".into(), when: "a week before each transition".into(), how: "release calendar entry".into(), what: if cx.family == rollgate_intake::Family::Database { "no risky releases in the transition weeks; the schema freeze dates".into() } else { "no risky releases in the transition weeks".into() }, because: because("comm.product", vec![cx.cite_criticality()]) },
    ];
    for s in &cx.facts.stakes {
        match s.value.kind.as_str() {
            "compliance" | "regulatory" | "pci-dss" | "hipaa" | "soc2" | "gdpr" => communication.push(Message {
                audience: "compliance / audit owner".into(),
                when: "at kickoff, at the write cutover, and at retirement".into(),
                how: "written note with evidence (parity reports, gate sign-offs)".into(),
                what: "what moved, when, who approved, and that the old data is archived per policy".into(),
                because: because("comm.compliance", vec![cite(s)]),
            }),
            "sla" => communication.push(Message {
                audience: "customer success / account managers".into(),
                when: "before the write cutover".into(),
                how: "internal note".into(),
                what: "the window, the expected write pause, and who to call if a customer reports trouble".into(),
                because: because("comm.sla", vec![cite(s)]),
            }),
            _ => {}
        }
    }
    communication.push(Message {
        audience: "customers".into(),
        when: "only if users are affected".into(),
        how: "status page within 5 minutes of a customer-visible issue; update every 30 minutes"
            .into(),
        what: "impact and next update time; no migration detail needed".into(),
        because: because("comm.customers", vec![cx.cite_criticality()]),
    });
    People {
        rota,
        escalation,
        paging,
        communication,
        notes,
    }
}
