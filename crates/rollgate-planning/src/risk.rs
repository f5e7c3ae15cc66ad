//! Risk assessment: blast radius, what helps and what hurts, and confidence
//! for the staged plan against a big-bang cutover.

use crate::ctx::{because, cite, Ctx, Switch};
use crate::model::{Factor, RiskAssessment};
use crate::strategy::Chosen;
use rollgate_intake::{CapabilityKind, Criticality, IntegrationKind};

pub fn assess(cx: &Ctx<'_>, chosen: &Chosen, total_weeks: u32) -> RiskAssessment {
    let f = cx.facts;
    let mut mitigating = Vec::new();
    let mut aggravating = Vec::new();
    for e in &f.experience {
        if e.value.done {
            let who = if e.value.who == "team" {
                "The team".to_string()
            } else {
                format!("The {}", e.value.who.to_uppercase())
            };
            mitigating.push(Factor {
                text: format!(
                    "{who} has done {}{} before{}.",
                    e.value.count.map(|n| format!("{n} ")).unwrap_or_default(),
                    e.value.subject,
                    e.value
                        .outcome
                        .as_ref()
                        .map(|o| format!(" ({o})"))
                        .unwrap_or_default()
                ),
                because: because("risk.experience", vec![cite(e)]),
            });
        } else {
            aggravating.push(Factor {
                text: format!(
                    "No experience with {} {}.",
                    if e.value.subject.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    },
                    e.value.subject
                ),
                because: because("risk.inexperience", vec![cite(e)]),
            });
        }
    }
    if let Switch::Flag { provider, cite: c } = &cx.switch {
        mitigating.push(Factor {
            text: format!(
                "{} is already in place, so the kill switch needs no deploy.",
                provider.name
            ),
            because: because("risk.flag-service", vec![c.clone()]),
        });
    }
    if let Some(r) = f
        .capability(CapabilityKind::ReadRouting)
        .filter(|r| r.value.present)
    {
        mitigating.push(Factor {
            text: "Reads can already be routed separately from writes, so reads can move first."
                .into(),
            because: because("risk.read-routing", vec![cite(r)]),
        });
    }
    if chosen.reverse {
        mitigating.push(Factor { text: "Replication can run in both directions, so the old database stays a working fallback after cutover.".into(), because: because("risk.reverse-replication", cx.cite_source()) });
    }
    if cx.target_managed {
        if let Some(h) = f
            .target
            .hosting
            .iter()
            .find(|h| h.value.kind.starts_with("managed"))
        {
            mitigating.push(Factor {
                text: format!(
                    "{} is widely run; its failure modes are documented.",
                    h.value.name
                ),
                because: because("risk.managed-target", vec![cite(h)]),
            });
        }
    }
    for b in &f.budgeted_tools {
        mitigating.push(Factor {
            text: format!("{} is budgeted.", b.value.name),
            because: because("risk.budgeted-tool", vec![cite(b)]),
        });
    }
    if let Some(n) = cx.consumers.filter(|n| *n >= 10) {
        let c = f
            .count_of("services")
            .or_else(|| f.count_of("consumers"))
            .map(cite)
            .unwrap_or_else(|| "integration-points".into());
        aggravating.push(Factor { text: format!("About {n} consumers connect: each one must follow the switch, and one missed is a split brain."), because: because("risk.many-consumers", vec![c]) });
    }
    if let Some(d) = &f.data_size {
        let hours = cx.copy_hours();
        if hours >= 2.0 {
            aggravating.push(Factor { text: format!("{} takes about {hours:.0} hours to copy: a restart of the copy costs a day, and a restore is not a quick rollback.", cx.data_size_text()), because: because("risk.data-size", vec![cite(d)]) });
        }
    }
    if let Some(r) = f.peak_rate().filter(|r| r.value.per_second >= 1000.0) {
        aggravating.push(Factor {
            text: format!(
                "{:.0} {}/s at peak: a few seconds of inconsistency reach many users.",
                r.value.per_second, r.value.unit
            ),
            because: because("risk.peak-load", vec![cite(r)]),
        });
    }
    let entangled = f.integrations.iter().filter(|i| {
        i.value.kinds.iter().any(|k| {
            matches!(
                k,
                IntegrationKind::Cdc
                    | IntegrationKind::Webhook
                    | IntegrationKind::ReadReplica
                    | IntegrationKind::MobileApp
                    | IntegrationKind::PartnerApi
            )
        })
    });
    for g in crate::ctx::integration_groups(entangled) {
        aggravating.push(Factor {
            text: format!(
                "{} depends on the old system in ways that do not move by themselves.",
                g.label
            ),
            because: because("risk.integration", g.cites),
        });
    }
    if f.team.members.iter().any(|m| m.value.contractor) {
        let m = f
            .team
            .members
            .iter()
            .find(|m| m.value.contractor)
            .expect("checked");
        aggravating.push(Factor {
            text: format!(
                "A key role ({}) is a contractor: availability is a risk of its own.",
                m.value.role_name
            ),
            because: because("risk.contractor", vec![cite(m)]),
        });
    }
    for s in &f.stakes {
        if matches!(
            s.value.kind.as_str(),
            "compliance" | "sla" | "regulatory" | "pci-dss" | "hipaa"
        ) {
            let what = match s.value.kind.as_str() {
                "sla" => "an SLA",
                "compliance" => "a compliance",
                "regulatory" => "a regulatory",
                "pci-dss" => "a PCI DSS",
                _ => "a HIPAA",
            };
            aggravating.push(Factor {
                text: format!("A long outage has {what} cost beyond the outage itself."),
                because: because("risk.stakes", vec![cite(s)]),
            });
        }
    }
    let score = mitigating.len() as i32 - aggravating.len() as i32
        + if chosen.strategy.gaps.is_empty() {
            1
        } else {
            -1
        };
    let staged = match (cx.criticality, score) {
        (_, s) if s >= 2 => "high",
        (_, s) if s >= 0 => "medium-high",
        (Criticality::Low | Criticality::Medium, _) => "medium-high",
        (_, s) if s >= -3 => "medium",
        _ => "low-medium",
    };
    let levels = ["low", "low-medium", "medium", "medium-high", "high"];
    let big_bang = match cx.criticality {
        Criticality::Critical => "low",
        Criticality::High => "low-medium",
        Criticality::Medium => "medium",
        Criticality::Low => "medium-high",
    };
    // Staging a migration never makes it riskier than doing it at once.
    let rank = |l: &str| levels.iter().position(|x| *x == l).unwrap_or(0);
    let staged = if rank(staged) <= rank(big_bang) {
        levels[(rank(big_bang) + 1).min(levels.len() - 1)]
    } else {
        staged
    };
    let consumers = cx
        .consumers
        .map(|n| format!("{n} consumers"))
        .unwrap_or_else(|| "every consumer".into());
    let customers = f
        .count_of("customers")
        .map(|c| format!(" and {} customers", c.value.count))
        .unwrap_or_default();
    RiskAssessment {
        blast_radius: format!(
            "{} criticality: a failure reaches {consumers}{customers}. {}",
            capital(cx.criticality.as_str()),
            match cx.criticality {
                Criticality::Critical => "Down here means the product is down.",
                Criticality::High => "Users notice within minutes.",
                Criticality::Medium => "Some users notice; workarounds exist.",
                Criticality::Low => "Mostly internal impact.",
            }
        ),
        worst_case: match cx.playbook {
            Some(pb) => format!(
                "{} Every phase below is built so that the rollback is rehearsed and the point of no return comes last.",
                crate::family::fill(&pb.words.worst_case, &crate::family::Vars::base(cx, Some(pb)))
            ),
            None => "The cutover fails and the rollback fails with it, leaving writes split between the two systems. Every phase below is built so that the rollback is rehearsed and the point of no return comes last.".into(),
        },
        mitigating,
        aggravating,
        confidence_staged: staged.into(),
        confidence_big_bang: big_bang.into(),
        total_duration: format!("about {total_weeks} weeks from kickoff to retiring the old system"),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
