//! Monitoring and alerts with thresholds, and the automated parity checks
//! with their schedule.

use crate::ctx::{because, cite, Ctx};
use crate::model::{Alert, ParityCheck};
use crate::phases::bar;
use crate::strategy::{Chosen, StrategyId};
use rollgate_intake::Family;

pub fn alerts(cx: &Ctx<'_>, chosen: &Chosen) -> Vec<Alert> {
    let b = bar(cx);
    let crit = cx.cite_criticality();
    let mut v = vec![
        Alert {
            metric: "CPU on the new system".into(),
            threshold: if cx.critical_path {
                "> 70%".into()
            } else {
                "> 80%".into()
            },
            window: "10 minutes".into(),
            action: "page primary; pause the next transition".into(),
            because: because("mon.cpu", vec![crit.clone()]),
        },
        Alert {
            metric: "connections in use".into(),
            threshold: "> 80% of the limit".into(),
            window: "5 minutes".into(),
            action: "page primary; add pooling or scale before the next step".into(),
            because: because(
                "mon.connections",
                cx.consumers
                    .map(|n| vec![format!("{n} consumers")])
                    .unwrap_or_default(),
            ),
        },
        Alert {
            metric: "p95 latency of routed requests".into(),
            threshold: format!("> baseline + {:.0}%", b.p95_pct),
            window: "10 minutes".into(),
            action: "page primary; flip back if it does not recover in 15 minutes".into(),
            because: because("mon.latency-p95", vec![crit.clone()]),
        },
        Alert {
            metric: "p99 latency of routed requests".into(),
            threshold: format!("> baseline + {:.0}%", b.p99_pct),
            window: "10 minutes".into(),
            action: "notify; investigate before the next gate".into(),
            because: because("mon.latency-p99", vec![crit.clone()]),
        },
        Alert {
            metric: "error rate of routed requests".into(),
            threshold: format!("> {}%", b.error_pct),
            window: "5 minutes".into(),
            action: "page primary; flip the kill switch if it is above twice the threshold".into(),
            because: because("mon.error-rate", vec![crit.clone()]),
        },
    ];
    if chosen.id.replicates() {
        v.push(Alert {
            metric: "replication lag".into(),
            threshold: format!("> {:.0} s", b.lag_seconds),
            window: "5 minutes".into(),
            action: "page primary; no transition while it is above".into(),
            because: because(
                "mon.replication-lag",
                vec![format!("strategy: {}", chosen.id.id())],
            ),
        });
        if cx.source_engine.as_deref() == Some("postgresql") {
            v.push(Alert {
                metric: "WAL retained by replication slots on the source".into(),
                threshold: "> 20% of free disk".into(),
                window: "immediately".into(),
                action:
                    "page primary; repair the subscription or drop the slot before the disk fills"
                        .into(),
                because: because(
                    "mon.slot-retention",
                    vec![format!("strategy: {}", chosen.id.id())],
                ),
            });
        }
    }
    if cx.family == Family::Database {
        v.push(Alert {
            metric: "free storage on both databases".into(),
            threshold: "< 20%".into(),
            window: "immediately".into(),
            action: "page primary".into(),
            because: because("mon.storage", cx.facts.data_size.iter().map(cite).collect()),
        });
    }
    for s in &cx.facts.stakes {
        if s.value.kind == "revenue" {
            v.push(Alert {
                metric: "payment and checkout success rate".into(),
                threshold: "any drop > 1 point against the same hour last week".into(),
                window: "15 minutes".into(),
                action: "page primary and decision-maker; stop the rollout".into(),
                because: because("mon.business-revenue", vec![cite(s)]),
            });
        }
    }
    for i in &cx.facts.integrations {
        if i.value
            .kinds
            .iter()
            .any(|k| k.as_str() == "webhook" || k.as_str() == "payment")
        {
            v.push(Alert {
                metric: format!(
                    "{}: failed or retried deliveries",
                    crate::ctx::short_name(&i.value.name)
                ),
                threshold: "> 2× the usual hourly count".into(),
                window: "15 minutes".into(),
                action: "page primary".into(),
                because: because("mon.integration", vec![cite(i)]),
            });
        }
        if i.value
            .mechanisms
            .iter()
            .any(|m| m.contains("cdc") || m.contains("slots"))
        {
            v.push(Alert {
                metric: format!(
                    "{}: age of the newest loaded change",
                    crate::ctx::short_name(&i.value.name)
                ),
                threshold: "> 15 minutes".into(),
                window: "15 minutes".into(),
                action: "notify the data owner; check the consumer's slot".into(),
                because: because("mon.integration-cdc", vec![cite(i)]),
            });
        }
    }
    v.push(Alert {
        metric: "business success rate the team already tracks (sign-ups, logins, orders)".into(),
        threshold: "any drop > 2 points against the same hour last week".into(),
        window: "15 minutes".into(),
        action: "page primary and decision-maker".into(),
        because: because("mon.business", vec![crit]),
    });
    v
}

pub fn parity(cx: &Ctx<'_>, chosen: &Chosen) -> Vec<ParityCheck> {
    if cx.family != Family::Database {
        return vec![ParityCheck {
            name: "response comparison".into(),
            method: "Compare the new path's responses with the old path's for the same requests (shadow phase), by request type.".into(),
            schedule: "continuously during shadow and canary".into(),
            pass: "no unexplained difference".into(),
            steps: Vec::new(),
            because: because("parity.responses", vec![cx.cite_criticality()]),
        }];
    }
    let pg = cx.both_postgres();
    let cmd = |id: &str| cx.command(id, &[]).into_iter().collect::<Vec<_>>();
    let around_cutover = match chosen.id {
        StrategyId::LogicalReplication | StrategyId::CdcReplication => "daily during sync and reads; hourly from 24 hours before the write cutover to 24 hours after; daily in reverse during the hold",
        _ => "after the restore or upgrade, before writes reopen; then daily for a week",
    };
    let mut v = vec![
        ParityCheck {
            name: "row counts per table".into(),
            method: "Exact count(*) per table on both sides while replication is caught up.".into(),
            schedule: around_cutover.into(),
            pass: "identical for every table".into(),
            steps: if pg { cmd("pg-row-counts") } else if cx.engine_is(true, "mysql") { let mut s = cmd("mysql-row-counts"); s.extend(cmd("pg-row-counts").into_iter().filter(|_| cx.engine_is(false, "postgresql"))); s } else { Vec::new() },
            because: because("parity.row-counts", cx.cite_source()),
        },
        ParityCheck {
            name: "sampled rows and key-range checksums".into(),
            method: "Checksum rows in primary-key ranges on both sides; bisect a mismatching range down to the rows. Include the first, a middle and the last range of every large table.".into(),
            schedule: around_cutover.into(),
            pass: "no mismatching range".into(),
            steps: if pg { cmd("pg-range-checksum") } else { Vec::new() },
            because: because("parity.checksums", cx.cite_source()),
        },
    ];
    if chosen.id.replicates() || chosen.id == StrategyId::DumpRestore {
        v.push(ParityCheck {
            name: "sequences ahead of the data".into(),
            method: "Every sequence on the target is above the highest value in use in its column on the source.".into(),
            schedule: "right before and right after the write cutover".into(),
            pass: "every sequence ahead".into(),
            steps: if pg { cmd("pg-sync-sequences") } else { Vec::new() },
            because: because("parity.sequences", vec![format!("strategy: {}", chosen.id.id())]),
        });
    }
    v.push(ParityCheck {
        name: "foreign keys hold".into(),
        method: "Every foreign key on the target is validated; no orphan rows.".into(),
        schedule: "after the initial load, and before the write cutover".into(),
        pass: "no unvalidated constraint, no orphan".into(),
        steps: if cx.engine_is(false, "postgresql") {
            cmd("pg-unvalidated-fks")
        } else {
            Vec::new()
        },
        because: because("parity.foreign-keys", cx.cite_source()),
    });
    v
}
