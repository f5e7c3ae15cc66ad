//! Monitoring and alerts with thresholds, and the automated parity checks
//! with their schedule.

use crate::ctx::{because, cite, Ctx};
use crate::model::{Alert, ParityCheck};
use crate::phases::bar;
use crate::strategy::{Chosen, StrategyId};
use rollgate_intake::Family;
use rollgate_knowledge::Playbook;

pub fn alerts(cx: &Ctx<'_>, chosen: &Chosen) -> Vec<Alert> {
    let b = bar(cx);
    // Alerts act inside the rollback tolerance: a 5-minute tolerance
    // cannot wait 10 minutes to notice and 15 more to decide.
    let window = format!("{} minutes", (cx.tolerance / 2).clamp(2, 10));
    let recover = cx.tolerance.clamp(2, 15);
    let crit = cx.cite_criticality();
    let mut v = vec![
        Alert {
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
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
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
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
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
            metric: "p95 latency of routed requests".into(),
            threshold: format!("> baseline + {:.0}%", b.p95_pct),
            window: window.clone(),
            action: format!("page primary; flip back if it does not recover in {recover} minutes"),
            because: because("mon.latency-p95", vec![crit.clone()]),
        },
        Alert {
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
            metric: "p99 latency of routed requests".into(),
            threshold: format!("> baseline + {:.0}%", b.p99_pct),
            window: window.clone(),
            action: "notify; investigate before the next gate".into(),
            because: because("mon.latency-p99", vec![crit.clone()]),
        },
        Alert {
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
            metric: "error rate of routed requests".into(),
            threshold: format!("> {}%", b.error_pct),
            window: format!("{} minutes", (cx.tolerance / 3).clamp(1, 5)),
            action: "page primary; flip the kill switch if it is above twice the threshold".into(),
            because: because("mon.error-rate", vec![crit.clone()]),
        },
    ];
    if chosen.id.replicates() {
        v.push(Alert {
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
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
                id: String::new(),
                metric_id: String::new(),
                trigger: None,
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
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
            metric: "free storage on both databases".into(),
            threshold: "< 20%".into(),
            window: "immediately".into(),
            action: "page primary".into(),
            because: because("mon.storage", cx.facts.data_size.iter().map(cite).collect()),
        });
    }
    // A checkout metric belongs where money flows through what moves: a
    // database or store, a payment provider, or a named payment integration.
    let money_moves = matches!(cx.family, Family::Database | Family::Datastore)
        || cx
            .playbook
            .is_some_and(|p| p.select.kinds.iter().any(|k| k == "payment-saas"))
        || cx.facts.integrations.iter().any(|i| {
            i.value
                .kinds
                .contains(&rollgate_intake::IntegrationKind::Payment)
        });
    for s in &cx.facts.stakes {
        if s.value.kind == "revenue" && money_moves {
            v.push(Alert {
                id: String::new(),
                metric_id: String::new(),
                trigger: None,
                metric: "payment and checkout success rate".into(),
                threshold: "any drop > 1 point against the same hour last week".into(),
                window: "15 minutes".into(),
                action: "page primary and decision-maker; stop the rollout".into(),
                because: because("mon.business-revenue", vec![cite(s)]),
            });
        }
    }
    let delivering = cx.facts.integrations.iter().filter(|i| {
        i.value
            .kinds
            .iter()
            .any(|k| k.as_str() == "webhook" || k.as_str() == "payment")
    });
    for g in crate::ctx::integration_groups(delivering) {
        v.push(Alert {
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
            metric: format!("{}: failed or retried deliveries", g.label),
            threshold: "> 2× the usual hourly count".into(),
            window: "15 minutes".into(),
            action: "page primary".into(),
            because: because("mon.integration", g.cites),
        });
    }
    let change_consumers = cx.facts.integrations.iter().filter(|i| {
        i.value
            .mechanisms
            .iter()
            .any(|m| m.contains("cdc") || m.contains("slots"))
    });
    for g in crate::ctx::integration_groups(change_consumers) {
        v.push(Alert {
            id: String::new(),
            metric_id: String::new(),
            trigger: None,
            metric: format!("{}: age of the newest loaded change", g.label),
            threshold: "> 15 minutes".into(),
            window: "15 minutes".into(),
            action: "notify the data owner; check the consumer's slot".into(),
            because: because("mon.integration-cdc", g.cites),
        });
    }
    if let Some(pb) = cx.playbook {
        v.extend(family_alerts(cx, pb));
    }
    v.push(Alert {
        id: String::new(),
        metric_id: String::new(),
        trigger: None,
        metric: match cx.playbook {
            Some(pb) if !pb.words.business.is_empty() => {
                crate::family::fill(&pb.words.business, &crate::family::Vars::base(cx, Some(pb)))
            }
            _ => "business success rate the team already tracks (sign-ups, logins, orders)".into(),
        },
        threshold: "any drop > 2 points against the same hour last week".into(),
        window: "15 minutes".into(),
        action: "page primary and decision-maker".into(),
        because: because("mon.business", vec![crit]),
    });
    if let Some(pb) = cx.playbook {
        v.retain(|a| shared_kept(pb, &a.because.rule));
        for a in &mut v {
            if a.metric.ends_with("of routed requests") {
                a.metric = a.metric.replace("routed requests", &pb.bars_subject);
            }
        }
    }
    v
}

/// Shared alerts a playbook keeps: a provider you do not run has no CPU
/// or connection pool of yours to watch.
fn shared_kept(pb: &Playbook, rule: &str) -> bool {
    let shared = match rule {
        "mon.cpu" => "cpu",
        "mon.connections" => "connections",
        "mon.latency-p95" | "mon.latency-p99" => {
            return pb.shared_alerts.iter().any(|s| s == "latency")
                && pb.bars.iter().any(|b| b == "latency")
        }
        "mon.error-rate" => "errors",
        "mon.business" => "business",
        _ => return true,
    };
    pb.shared_alerts.iter().any(|s| s == shared)
}

/// The opposite of a gate's comparison: when the alert fires.
fn breach(op: &str) -> &'static str {
    match op {
        "<=" => ">",
        "<" => ">=",
        ">=" => "<",
        ">" => "<=",
        _ => "≠",
    }
}

/// The playbook's own alerts; a threshold taken from a gate criterion is
/// that criterion's value, so the table and the gates agree.
fn family_alerts(cx: &Ctx<'_>, pb: &Playbook) -> Vec<Alert> {
    let lvl = crate::family::level(cx);
    let vars = crate::family::Vars::base(cx, Some(pb));
    pb.alert
        .iter()
        .map(|a| {
            let threshold = match (&a.threshold, &a.from) {
                (Some(t), _) => t.clone(),
                (None, Some(id)) => pb
                    .phase
                    .iter()
                    .flat_map(|p| p.criteria.iter())
                    .find(|c| &c.id == id)
                    .map(|c| {
                        format!(
                            "{} {} {} (the gate's bar)",
                            breach(&c.op),
                            fmt_value(c.value.at(lvl)),
                            c.unit
                        )
                    })
                    .unwrap_or_default(),
                (None, None) => String::new(),
            };
            // An alert that watches a gate's criterion measures the same
            // metric: one id, so one binding serves both.
            let metric_id = a
                .from
                .as_ref()
                .and_then(|id| {
                    pb.phase
                        .iter()
                        .flat_map(|p| p.criteria.iter())
                        .find(|c| &c.id == id)
                })
                .map(|c| crate::ids::slug(&crate::family::fill(&c.metric, &vars)))
                .unwrap_or_default();
            Alert {
                id: String::new(),
                metric_id,
                trigger: None,
                metric: crate::family::fill(&a.metric, &vars),
                threshold,
                window: a.window.clone(),
                action: crate::family::fill(&a.action, &vars),
                because: because(&a.id, vec![format!("playbook: {}", pb.id)]),
            }
        })
        .collect()
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

pub fn parity(cx: &Ctx<'_>, chosen: &Chosen) -> Vec<ParityCheck> {
    if let Some(pb) = cx.playbook {
        let vars = crate::family::Vars::base(cx, Some(pb));
        return pb
            .parity
            .iter()
            .map(|t| ParityCheck {
                name: crate::family::fill(&t.name, &vars),
                method: crate::family::fill(&t.method, &vars),
                schedule: crate::family::fill(&t.schedule, &vars),
                pass: crate::family::fill(&t.pass, &vars),
                steps: Vec::new(),
                because: because(
                    &format!("parity.{}", chosen.id.id()),
                    vec![format!("playbook: {}", pb.id), cx.cite_criticality()],
                ),
            })
            .collect();
    }
    let pg = cx.both_postgres();
    let across = cx.verifiable_across_engines();
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
            steps: if pg {
                cmd("pg-row-counts")
            } else if cx.engine_is(true, "mysql") {
                let mut s = cmd("mysql-row-counts");
                s.extend(
                    cmd("pg-row-counts")
                        .into_iter()
                        .filter(|_| cx.engine_is(false, "postgresql")),
                );
                s
            } else {
                Vec::new()
            },
            because: because("parity.row-counts", cx.cite_source()),
        },
        ParityCheck {
            name: "sampled rows and key-range checksums".into(),
            method: if pg {
                let mut m = String::from("Hash every row inside both servers by primary-key range and narrow a mismatching range down to its rows: `rollgate verify postgres` does this, with schema, sequences and foreign keys, in one read-only run that exits non-zero on any difference; the hand-run range checksum is for looking at one range by eye.");
                // An in-place upgrade leaves no old server running: the
                // pre-upgrade snapshot, restored beside it, is the source.
                if chosen.id == StrategyId::PgUpgrade {
                    m.push_str(" After an in-place upgrade there is no old server to compare with: restore the pre-upgrade snapshot to a scratch instance and use it as $SOURCE_URL.");
                }
                m
            } else if across {
                format!("Hash every row inside both servers from a canonical text that {} and {} write alike (numbers, UTC timestamps, booleans, NULL apart from empty, binary as hex) and compare by primary key: `rollgate verify` does this across engines in one read-only run that exits non-zero on any difference, and names every column it could only compare by another rule (zero dates, unsigned ranges, collations).", cx.tech_name(cx.source_engine.as_deref().unwrap_or("")), cx.tech_name(cx.target_engine.as_deref().unwrap_or("")))
            } else {
                "Checksum rows in primary-key ranges on both sides; bisect a mismatching range down to the rows. Include the first, a middle and the last range of every large table.".into()
            },
            schedule: around_cutover.into(),
            pass: if pg || across {
                "the verifier exits 0: no row missing, extra or changed after its recheck".into()
            } else {
                "no mismatching range".into()
            },
            // The verifier first; the hand-run checksum stays as the way to
            // look at one range by eye.
            steps: if pg {
                let mut s = cmd("pg-rollgate-verify");
                s.extend(cmd("pg-range-checksum"));
                s
            } else if across {
                // The MySQL-protocol side in the input's own words: a
                // MariaDB plan says mariadb://, never MySQL.
                let mysql_side = [&cx.source_engine, &cx.target_engine]
                    .into_iter()
                    .flatten()
                    .find(|e| e.as_str() != "postgresql")
                    .cloned()
                    .unwrap_or_default();
                cx.command(
                    "cross-engine-rollgate-verify",
                    &[
                        ("mysql_side", cx.tech_name(&mysql_side)),
                        ("mysql_scheme", mysql_side),
                    ],
                )
                .into_iter()
                .collect()
            } else {
                Vec::new()
            },
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
