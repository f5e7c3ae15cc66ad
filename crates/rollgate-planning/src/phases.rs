//! Phases: for each strategy, the ordered steps with their checks, numeric
//! success criteria, gate, kill-switch state and a rollback with an honest
//! time estimate. Dates are filled in by the scheduler.

use crate::ctx::{because, cite, Ctx, Switch};
use crate::killswitch::{flag_name, flip_steps, states, States};
use crate::model::*;
use crate::strategy::{Chosen, StrategyId};
use jiff::civil::date;
use rollgate_intake::{Criticality, IntegrationKind};

/// Numeric bars, scaled by criticality.
pub struct Bar {
    pub error_pct: f64,
    pub p95_pct: f64,
    pub p99_pct: f64,
    pub lag_seconds: f64,
    pub write_pause_seconds: f64,
}

pub fn bar(cx: &Ctx<'_>) -> Bar {
    let level = if cx.critical_path {
        Criticality::Critical
    } else {
        cx.criticality
    };
    match level {
        Criticality::Critical => Bar {
            error_pct: 0.1,
            p95_pct: 10.0,
            p99_pct: 20.0,
            lag_seconds: 5.0,
            write_pause_seconds: 60.0,
        },
        Criticality::High => Bar {
            error_pct: 0.5,
            p95_pct: 15.0,
            p99_pct: 25.0,
            lag_seconds: 10.0,
            write_pause_seconds: 120.0,
        },
        Criticality::Medium => Bar {
            error_pct: 1.0,
            p95_pct: 25.0,
            p99_pct: 40.0,
            lag_seconds: 30.0,
            write_pause_seconds: 300.0,
        },
        Criticality::Low => Bar {
            error_pct: 2.0,
            p95_pct: 50.0,
            p99_pct: 75.0,
            lag_seconds: 60.0,
            write_pause_seconds: 900.0,
        },
    }
}

pub(crate) fn criterion(metric: &str, op: &str, value: f64, unit: &str, window: &str) -> Criterion {
    Criterion {
        id: String::new(),
        metric_id: String::new(),
        metric: metric.into(),
        op: op.into(),
        value,
        unit: unit.into(),
        window: window.into(),
    }
}

/// Who signs each kind of gate, from the roles the team has.
pub struct Approvers {
    pub owner: String,
    pub lead: String,
    pub on_call: String,
}

pub fn approvers(cx: &Ctx<'_>) -> Approvers {
    // A team of one signs its own gates; the plan says so rather than
    // inventing a tech lead.
    // Several people named ("Me (Hélène, DBA), Bogdan and Ines …") are no
    // team of one, whatever role counts were read.
    let named_people = cx.facts.team.named_people().count();
    if named_people < 2
        && (cx.facts.team.size.as_ref().is_some_and(|s| s.value == 1)
            || (cx.facts.team.members.len() == 1
                && cx.facts.team.members[0].value.count == 1
                && cx.facts.team.size.is_none()))
    {
        let you = "you (write the go/no-go down before acting; ask a second reviewer if you can)"
            .to_string();
        return Approvers {
            owner: you.clone(),
            lead: you.clone(),
            on_call: you,
        };
    }
    let members = &cx.facts.team.members;
    let has = |role: &str| members.iter().find(|m| m.value.role == role);
    // A person the input names in the role stands on the rota by name.
    let named = |role: &str| {
        cx.facts
            .team
            .people
            .iter()
            .find(|p| p.value.role.as_deref() == Some(role))
            .map(|p| p.value.name.clone())
    };
    let label = |role: &str, name: &str| -> Option<String> {
        let contractor = has(role).is_some_and(|m| m.value.contractor);
        let title = if contractor {
            format!("{name} (contractor)")
        } else {
            name.to_string()
        };
        match named(role) {
            Some(person) => Some(format!("{person} ({title})")),
            None => has(role).map(|_| title),
        }
    };
    let owner = if cx.family == rollgate_intake::Family::Database {
        label("dba", "the DBA")
            .or_else(|| label("sre", "the SRE"))
            .or_else(|| label("platform-engineer", "the platform engineer"))
    } else {
        label("sre", "the SRE").or_else(|| label("platform-engineer", "the platform engineer"))
    }
    .or_else(|| {
        members
            .first()
            .map(|m| format!("the {} who owns the change", m.value.role_name))
    })
    .unwrap_or_else(|| "the engineer who owns the migration (name them)".into());
    let lead = label("tech-lead", "the tech lead")
        .or_else(|| label("engineering-manager", "the engineering manager"))
        .or_else(|| {
            members
                .iter()
                .find(|m| {
                    m.value.role.ends_with("engineer") && m.value.role != "engineering-manager"
                })
                .map(|m| {
                    format!(
                        "the senior {} acting as tech lead (name them)",
                        m.value.role_name
                    )
                })
        })
        .unwrap_or_else(|| "the tech lead (name them)".into());
    // The on-call approver is a second person: an SRE only when the owner
    // is not the team's only SRE.
    let sre_count: u32 = members
        .iter()
        .filter(|m| m.value.role == "sre")
        .map(|m| m.value.count)
        .sum();
    let owner_is_sre = owner.contains("SRE");
    let on_call = label("sre", "the on-call SRE")
        .filter(|_| !owner_is_sre || sre_count >= 2)
        .or_else(|| {
            members
                .iter()
                .find(|m| {
                    m.value.role.contains("backend")
                        || m.value.role == "engineer"
                        || m.value.role.contains("fullstack")
                })
                .map(|m| match named(&m.value.role) {
                    Some(person) => format!("{person} (the on-call {})", m.value.role_name),
                    None => format!("the on-call {}", m.value.role_name),
                })
        })
        .unwrap_or_else(|| "the on-call engineer".into());
    Approvers {
        owner,
        lead,
        on_call,
    }
}

pub(crate) struct PhaseBuilder<'c, 'a> {
    pub(crate) cx: &'c Ctx<'a>,
    pub(crate) chosen: &'c Chosen,
    pub(crate) s: States,
    pub(crate) bar: Bar,
    pub(crate) who: Approvers,
    pub(crate) phases: Vec<Phase>,
}

/// Every read and every write go to the new side from this phase on.
pub(crate) fn set_full_traffic(p: &mut Phase) {
    p.traffic = Traffic {
        reads_percent: 100,
        writes_percent: 100,
    };
    p.traffic_percent = 100;
}

/// The hold of one traffic step. The first and the full step hold longest:
/// the first meets real traffic, the last meets the rare paths.
/// Returns the hold in working days.
pub(crate) fn set_step_hold(p: &mut Phase, cx: &Ctx<'_>, first_or_last: bool) -> u32 {
    let hold = if first_or_last {
        cx.days(5)
    } else {
        cx.days(2)
    }
    .max(1);
    p.min_days = hold;
    p.hold = format!("{hold} working days including peak traffic");
    hold
}

/// The end of a decommission, whatever is being retired: nothing may
/// reach the old side for a week before deletion, the archive period runs
/// on after the phase, and the owner and lead sign the hold off.
pub(crate) fn archive_hold(p: &mut Phase, cx: &Ctx<'_>, who: &Approvers, metric: &str, unit: &str) {
    p.success_criteria = vec![criterion(metric, "==", 0.0, unit, "7 days before deletion")];
    p.min_days = cx.days(3).max(1);
    p.hold = "the archive period runs on after this phase".into();
    p.gate = Gate {
        approvers: vec![who.owner.clone(), who.lead.clone()],
        criteria: vec!["Hold signed off".into()],
    };
}

pub(crate) fn blank(id: &str, name: &str, kind: &str) -> Phase {
    let d = date(1970, 1, 1);
    Phase {
        id: id.into(),
        name: name.into(),
        kind: kind.into(),
        start_date: d,
        end_date: d,
        transition_at: String::new(),
        traffic_percent: 0,
        traffic: Traffic {
            reads_percent: 0,
            writes_percent: 0,
        },
        min_days: 1,
        hold: String::new(),
        goal: String::new(),
        actions: Vec::new(),
        checks: Vec::new(),
        success_criteria: Vec::new(),
        gate: Gate {
            approvers: Vec::new(),
            criteria: Vec::new(),
        },
        rollback: Rollback {
            steps: Vec::new(),
            estimated_minutes: 0,
            cost: String::new(),
        },
        kill_switch_state: String::new(),
        rollback_to: None,
        point_of_no_return: false,
        data_diverges: false,
        because: Vec::new(),
    }
}

pub fn build(
    cx: &Ctx<'_>,
    chosen: &Chosen,
    prep_rules: Vec<Step>,
    prep_because: Vec<Because>,
) -> Vec<Phase> {
    let mut b = PhaseBuilder {
        cx,
        chosen,
        s: states(cx),
        bar: bar(cx),
        who: approvers(cx),
        phases: Vec::new(),
    };
    if chosen.id.is_family_playbook() {
        crate::family::build(&mut b, prep_rules, prep_because);
        return dedupe_approvers(b.phases);
    }
    b.prep(prep_rules, prep_because);
    match chosen.id {
        StrategyId::LogicalReplication | StrategyId::CdcReplication => {
            b.sync();
            b.reads();
            b.cutover();
            b.hold();
            b.decommission();
        }
        StrategyId::PgUpgrade => {
            b.upgrade_window();
            b.window_hold();
            b.window_cleanup();
        }
        StrategyId::DumpRestore => {
            b.dump_window();
            b.window_hold();
            b.window_cleanup();
        }
        // Family playbooks returned above.
        _ => {}
    }
    mark_divergence(&mut b.phases);
    dedupe_approvers(b.phases)
}

/// Once writes land on the new database, the old one only holds what
/// reverse replication (if any) brings back: going back is the phase's
/// rollback procedure, not a flip.
fn mark_divergence(phases: &mut [Phase]) {
    if let Some(p) = phases.iter_mut().find(|p| p.traffic.writes_percent > 0) {
        p.data_diverges = true;
    }
}

/// The same person listed twice on a gate signs once.
fn dedupe_approvers(mut phases: Vec<Phase>) -> Vec<Phase> {
    for p in &mut phases {
        let mut seen: Vec<String> = Vec::new();
        p.gate.approvers.retain(|a| {
            if seen.contains(a) {
                false
            } else {
                seen.push(a.clone());
                true
            }
        });
    }
    phases
}

impl PhaseBuilder<'_, '_> {
    fn pg(&self) -> bool {
        self.cx.both_postgres()
    }

    fn cmd(&self, id: &str) -> Option<Step> {
        self.cx.command(id, &[])
    }

    pub(crate) fn flip(&self, state: &str, reason: &str) -> Vec<Step> {
        flip_steps(self.cx, state, reason)
    }

    pub(crate) fn rollout(&self, percent: u32, reason: &str) -> Vec<Step> {
        let cx = self.cx;
        match &cx.switch {
            Switch::Flag { provider, .. } if provider.id == "launchdarkly" => cx
                .command(
                    "launchdarkly-set-rollout",
                    &[
                        ("flag", flag_name(cx)),
                        ("state", self.s.reads_new.clone()),
                        ("old_state", self.s.old.clone()),
                        ("weight_new", (percent * 1000).to_string()),
                        ("weight_old", ((100 - percent) * 1000).to_string()),
                        ("reason", reason.into()),
                    ],
                )
                .map(|mut s| {
                    s.description = format!("Serve `{}` to {percent}% of requests through `{}` ({reason})", self.s.reads_new, flag_name(cx));
                    s
                })
                .into_iter()
                .collect(),
            Switch::Flag { provider, .. } => vec![cx.step(format!(
                "In {}, serve `{}` to {percent}% of requests and `{}` to the rest ({reason}).",
                provider.name, self.s.reads_new, self.s.old
            ))],
            Switch::EnvVar { .. } | Switch::None | Switch::LiveConfig { .. } => vec![cx.step(format!(
                "Move reads of consumers carrying about {percent}% of read traffic to `{}` (start with the least critical ones; write down which) ({reason}).",
                self.s.reads_new
            ))],
        }
    }

    pub(crate) fn common_criteria(&self, window: &str) -> Vec<Criterion> {
        vec![
            criterion(
                "error rate of routed requests",
                "<=",
                self.bar.error_pct,
                "%",
                window,
            ),
            criterion(
                "p95 latency vs the old system's baseline",
                "<=",
                self.bar.p95_pct,
                "% above",
                window,
            ),
            criterion(
                "p99 latency vs baseline",
                "<=",
                self.bar.p99_pct,
                "% above",
                window,
            ),
        ]
    }

    fn prep(&mut self, rule_steps: Vec<Step>, rule_because: Vec<Because>) {
        let cx = self.cx;
        let mut p = blank("prep", "Preparation: nothing moves yet", "prep");
        p.goal =
            "Every prerequisite in place and rehearsed while all traffic stays on the old system."
                .into();
        let mut days = cx.prep_days(8).max(2);
        let in_place = self.chosen.id == StrategyId::PgUpgrade;
        if in_place {
            p.actions.push(cx.step(if cx.target_managed {
                format!("Restore a recent snapshot to a scratch instance on {} and run the major-version upgrade on it; time it, and list what the upgrade's pre-checks report.", cx.target_hosting_name())
            } else {
                "Install the new major version's binaries beside the old ones, initialise an empty cluster with the same encoding and locale, and run the upgrade's --check against a restored copy of production; time a full run on that copy.".to_string()
            }));
        } else {
            p.actions.push(cx.step(format!(
                "Provision {}{} with memory and storage at least equal to the source's, in the same region and network, reachable from every consumer.",
                cx.system_name(false),
                cx.facts.target.instance_class.as_ref().map(|c| format!(" ({})", c.value)).unwrap_or_default()
            )));
        }
        if self.chosen.id == StrategyId::LogicalReplication && self.pg() {
            let managed_source = cx
                .facts
                .source
                .hosting
                .iter()
                .any(|h| h.value.kind.starts_with("managed"));
            p.actions.push(cx.step(if managed_source {
                "Enable logical decoding on the source through its parameter group (and reboot in a quiet hour), and give a replication user access from the target.".to_string()
            } else {
                "Set wal_level = logical, max_replication_slots and max_wal_senders on the source (ALTER SYSTEM, then a restart in a quiet hour: do it now, not on cutover day), and allow the target to connect as a replication user.".to_string()
            }));
            p.actions.push(cx.step("Announce the schema freeze: no migrations from the start of the initial sync until reverse replication is removed; urgent changes follow the DDL procedure in the risks section."));
        }
        if self.chosen.build_router && !in_place {
            let via = match &cx.switch {
                Switch::Flag { provider, .. } => format!("a flag in {}", provider.name),
                Switch::LiveConfig { .. } => "a runtime setting consumers re-read".into(),
                _ => format!(
                    "a switch every consumer reads{}",
                    self.chosen.switch_gap_note()
                ),
            };
            p.actions.push(cx.step(format!(
                "Build the database router: every consumer chooses its connection from {via} named `{}` with states `{}`, `{}`, `{}` and `{}`, evaluated per request; default `{}`. Deploy it everywhere and prove `{}` changes nothing.",
                flag_name(cx), self.s.old, self.s.reads_new, self.s.paused, self.s.new, self.s.old, self.s.old
            )));
            days += cx.prep_days(3).max(1);
        }
        p.actions.push(cx.step("Build the dashboards and alerts in the monitoring section before anything moves, and record a week of baseline for latency, error rate and connections."));
        p.actions.extend(rule_steps);
        if cx.critical_path && !cx.inexperienced {
            p.actions.push(cx.step("Rehearse on a production-sized staging copy: run every phase's actions and every rollback, time them, and replace this plan's estimates with the measured numbers."));
        }
        if cx.critical_path || cx.inexperienced {
            days += cx.prep_days(2).max(1);
        }
        if in_place {
            p.checks.push(cx.step("The upgrade's --check passes on the restored copy, and the timed run fits the agreed window."));
            p.checks
                .push(cx.step("The snapshot restore was tested end to end and timed."));
        } else {
            p.checks.push(cx.step("Every consumer reports the routing switch it evaluated (log or metric), and the count matches the inventory of consumers."));
            p.checks.push(cx.step("The kill switch was flipped in production while it routed nothing, and each consumer followed within the estimate."));
        }
        if self.pg() && self.chosen.id.replicates() {
            p.checks.extend(self.cmd("pg-tables-without-pk"));
            p.checks.extend(self.cmd("pg-list-extensions"));
        }
        p.success_criteria = if in_place {
            vec![criterion(
                "upgrade pre-check errors",
                "==",
                0.0,
                "errors",
                "on the restored copy",
            )]
        } else {
            vec![criterion(
                "consumers reading the routing switch",
                "==",
                100.0,
                "%",
                "at the gate",
            )]
        };
        p.success_criteria.push(criterion(
            "rehearsed rollback time",
            "<=",
            cx.rollback_bar() as f64,
            "minutes",
            "measured in staging",
        ));
        if self.pg() && self.chosen.id.replicates() {
            p.success_criteria.push(criterion(
                "tables without a replica identity",
                "==",
                0.0,
                "tables",
                "at the gate",
            ));
        }
        p.gate = Gate {
            approvers: vec![self.who.owner.clone(), self.who.lead.clone()],
            criteria: vec![
                "Every prep check passed".into(),
                "Runbook with this plan's commands reviewed by the people on the rota".into(),
            ],
        };
        p.rollback = if in_place {
            Rollback {
                steps: vec![cx.step("Nothing has changed on the production database; drop the scratch copy and the new binaries if the rehearsal fails.")],
                estimated_minutes: 5,
                cost: "None: production is untouched.".into(),
            }
        } else {
            Rollback {
                steps: vec![cx.step(format!("Nothing has moved. If the router misbehaves, keep the switch on `{}` and roll back the router deploy.", self.s.old))],
                estimated_minutes: cx.switch_minutes().max(5),
                cost: "None: no traffic or data has moved.".into(),
            }
        };
        p.kill_switch_state = self.s.old.clone();
        p.min_days = days;
        p.hold = "none: the gate closes when the checks pass".into();
        p.because
            .push(because("phase.prep", vec![cx.cite_criticality()]));
        p.because.extend(rule_because);
        self.phases.push(p);
    }

    fn sync(&mut self) {
        let cx = self.cx;
        let mut p = blank("initial-sync", "Initial copy and change stream", "sync");
        let hours = cx.copy_hours();
        p.goal = format!(
            "{} holds a full, current copy of {} and stays within seconds of it; no consumer uses it yet.",
            cx.system_name(false),
            cx.system_name(true)
        );
        if self.pg() && self.chosen.id == StrategyId::LogicalReplication {
            p.actions.extend(self.cmd("pg-copy-schema"));
            p.actions.extend(self.cmd("pg-create-publication"));
            p.actions.extend(self.cmd("pg-create-subscription"));
            p.actions.push(cx.step(format!(
                "Watch the initial copy: about {hours:.0} hours for {} at the assumed rate; every table reaches state 'r' before the hold starts.",
                cx.data_size_text()
            )));
            p.actions.extend(self.cmd("pg-copy-progress"));
            p.actions.extend(self.cmd("pg-analyze-target"));
        } else {
            let tool = self
                .chosen
                .strategy
                .replication_tool
                .clone()
                .unwrap_or_else(|| "the replication tool".into());
            p.actions.push(cx.step(format!(
                "Convert and create the schema on {} (types, defaults, sequences, indexes; see the data-shape answer), reviewed by {}.",
                cx.system_name(false),
                self.who.owner
            )));
            p.actions.push(cx.step(format!(
                "Start a full load plus ongoing change capture with {tool}; about {hours:.0} hours of copy for {} at the assumed rate.",
                cx.data_size_text()
            )));
            if cx.names("aws-dms") {
                p.actions.extend(self.cmd("aws-dms-status"));
            }
            if cx.engine_is(false, "postgresql") {
                p.actions.extend(self.cmd("pg-analyze-target"));
            }
        }
        if self.pg() {
            p.checks.extend(self.cmd("pg-forward-lag"));
            p.checks.extend(self.cmd("pg-row-counts"));
            p.checks.extend(self.cmd("pg-range-checksum"));
            p.checks.extend(self.cmd("pg-unvalidated-fks"));
        } else {
            p.checks.push(cx.step("Replication lag of the change stream, row counts per table on both sides, and checksums of sampled key ranges after converting types the same way on both sides."));
        }
        p.success_criteria = vec![
            criterion(
                "replication lag",
                "<",
                self.bar.lag_seconds,
                "seconds",
                "p99 over the hold, including peak hours",
            ),
            criterion(
                "tables with a row-count difference (while caught up)",
                "==",
                0.0,
                "tables",
                "daily",
            ),
            criterion(
                "sampled key ranges with a checksum mismatch",
                "==",
                0.0,
                "ranges",
                "daily",
            ),
        ];
        let hold = cx.days(5).max(1);
        p.min_days = (hours / 8.0).ceil() as u32 + hold;
        p.hold = format!("{hold} working days of stable replication through peak traffic, after the copy completes");
        p.gate = Gate {
            approvers: vec![self.who.owner.clone(), self.who.lead.clone()],
            criteria: vec![
                "Lag, counts and checksums within the criteria for the whole hold".into(),
                "Statistics rebuilt on the target".into(),
            ],
        };
        let mut rb = vec![cx.step("No consumer uses the target: stop replication and fix the cause; the source is unaffected.")];
        if self.pg() && self.chosen.id == StrategyId::LogicalReplication {
            rb.extend(self.cmd("pg-drop-forward"));
        } else if cx.names("aws-dms") {
            rb.extend(self.cmd("aws-dms-stop"));
        }
        p.rollback = Rollback {
            steps: rb,
            estimated_minutes: 10,
            cost: "None for users. Restarting the copy costs its hours again.".into(),
        };
        p.kill_switch_state = self.s.old.clone();
        p.because.push(because(
            &format!("phase.sync.{}", self.chosen.id.id()),
            cx.facts.data_size.iter().map(cite).collect(),
        ));
        self.phases.push(p);
    }

    pub(crate) fn read_steps(&self) -> Vec<u32> {
        if self.cx.critical_path {
            vec![5, 25, 50, 100]
        } else {
            match self.cx.criticality {
                Criticality::Critical | Criticality::High => vec![10, 50, 100],
                Criticality::Medium => vec![25, 100],
                Criticality::Low => vec![100],
            }
        }
    }

    fn reads(&mut self) {
        let cx = self.cx;
        let steps = self.read_steps();
        let n = steps.len();
        for (i, pct) in steps.into_iter().enumerate() {
            let first = i == 0;
            let last = i + 1 == n;
            let (id, name, kind) = if first {
                (
                    "read-canary".to_string(),
                    format!("Read canary: {pct}% of reads on the new system, compared"),
                    "canary",
                )
            } else if last {
                (
                    "reads-100".to_string(),
                    "All reads on the new system, writes still on the old".to_string(),
                    "ramp",
                )
            } else {
                (
                    format!("reads-{pct}"),
                    format!("Read ramp: {pct}% of reads"),
                    "ramp",
                )
            };
            let mut p = blank(&id, &name, kind);
            p.goal = format!(
                "{pct}% of reads served by {} within the bars; writes untouched.",
                cx.system_name(false)
            );
            p.traffic = Traffic {
                reads_percent: pct,
                writes_percent: 0,
            };
            p.traffic_percent = pct;
            p.actions
                .extend(self.rollout(pct, &format!("reads to {pct}%")));
            if first {
                p.actions.push(cx.step("For a sample of routed reads (1% or fewer), run the same query on the old database too and log any difference in the result; a difference is a failed gate, not noise."));
                let webhook = cx
                    .facts
                    .integrations
                    .iter()
                    .find(|i| i.value.kinds.contains(&IntegrationKind::Webhook))
                    .map(|i| format!(", {}'s lookups", crate::ctx::short_name(&i.value.name)))
                    .unwrap_or_default();
                p.actions.push(cx.step(format!("Keep reads that must see their own writes immediately (read-after-write paths{webhook}) on the old database until the write cutover: the target is a replica and lags by seconds.")));
            }
            p.checks.push(cx.step("Compare error rate and p95/p99 latency of routed reads with the old system's baseline, per consumer."));
            if self.pg() {
                p.checks.extend(self.cmd("pg-connection-headroom"));
                p.checks.extend(self.cmd("pg-forward-lag"));
            }
            p.success_criteria = self.common_criteria("the whole hold, including a daily peak");
            p.success_criteria.push(criterion(
                "result differences in shadow comparison",
                "==",
                0.0,
                "queries",
                "the whole hold",
            ));
            p.success_criteria.push(criterion(
                "connections in use on the target",
                "<=",
                80.0,
                "% of max",
                "at peak",
            ));
            let hold = set_step_hold(&mut p, cx, first || last);
            p.gate = Gate {
                approvers: if last || first {
                    vec![
                        self.who.owner.clone(),
                        self.who.lead.clone(),
                        self.who.on_call.clone(),
                    ]
                } else {
                    vec![self.who.owner.clone(), self.who.lead.clone()]
                },
                criteria: vec![
                    format!("All criteria met for {hold} working days"),
                    "No open incident touching the database".into(),
                ],
            };
            let mut rb = self.flip(&self.s.old, "reads back to the old database");
            rb.push(cx.step("Confirm routed-read traffic on the target drops to zero, then investigate with the logged differences."));
            p.rollback = Rollback {
                steps: rb,
                estimated_minutes: cx.switch_minutes().max(1),
                cost: "None: writes never left the old database.".into(),
            };
            p.kill_switch_state = self.s.reads_new.clone();
            p.because.push(because(
                if first {
                    "phase.read-canary"
                } else {
                    "phase.read-ramp"
                },
                vec![
                    cx.cite_criticality(),
                    cx.read_routing
                        .clone()
                        .map(|m| format!("read routing: {m}"))
                        .unwrap_or_else(|| "routing built in prep".into()),
                ],
            ));
            self.phases.push(p);
        }
    }

    fn cutover(&mut self) {
        let cx = self.cx;
        let reverse = self.chosen.reverse;
        let mut p = blank("write-cutover", "Write cutover", "cutover");
        p.goal = format!("Writes move to {} in a pause of at most {:.0} seconds, with {} kept current behind it.", cx.system_name(false), self.bar.write_pause_seconds, if reverse { "the old database" } else { "nothing" });
        set_full_traffic(&mut p);
        p.actions.push(cx.step(format!(
            "Preconditions, checked by {} an hour before: lag under one second for the last hour, all parity checks green, schema freeze holding, everyone on the rota online.",
            self.who.owner
        )));
        if cx.names("aws-rds") {
            p.actions.extend(self.cmd("aws-rds-snapshot"));
        }
        p.actions
            .extend(self.flip(&self.s.paused, "write cutover: pause writes"));
        if self.pg() {
            p.actions.extend(self.cmd("pg-block-app-writes"));
            p.actions.extend(self.cmd("pg-wait-caught-up"));
            p.actions.extend(self.cmd("pg-sync-sequences"));
            if reverse {
                p.actions.extend(self.cmd("pg-start-reverse-replication"));
            }
        } else {
            p.actions.push(cx.step("Stop application writes on the old database (revoke the application role's write grants), wait for the change stream to drain to zero, and move every sequence or identity on the target past the source's highest value."));
            if reverse {
                // The kill switch and the rollback rely on it: set it up
                // here, in words when no command template exists.
                p.actions.push(cx.step("Stop the forward change stream, then start reverse replication (new → old, prepared and tested in prep) so every write made on the new database reaches the old one, before writes resume."));
            }
        }
        let slot_consumers = cx.facts.integrations.iter().filter(|i| {
            i.value
                .mechanisms
                .iter()
                .any(|m| m == "logical-replication-slots")
        });
        for g in crate::ctx::integration_groups(slot_consumers) {
            p.actions.push(cx.step(format!("Start the replication slot for {} on the target now (prepared and tested in prep), before writes resume.", g.label)));
        }
        p.actions
            .extend(self.flip(&self.s.new, "write cutover: writes to the new database"));
        p.actions.push(cx.step(
            "Smoke-test a write path per consumer group and every integration listed in the input.",
        ));
        p.checks.push(
            cx.step("Write error rate, commit latency, and the write pause actually observed."),
        );
        if reverse && self.pg() {
            p.checks.extend(self.cmd("pg-reverse-lag"));
        }
        let downstream = cx.facts.integrations.iter().filter(|i| {
            i.value.kinds.iter().any(|k| {
                matches!(
                    k,
                    IntegrationKind::Webhook
                        | IntegrationKind::Cdc
                        | IntegrationKind::AnalyticsPipeline
                        | IntegrationKind::ReadReplica
                )
            })
        });
        for g in crate::ctx::integration_groups(downstream) {
            p.checks.push(cx.step(format!(
                "{} works against the new database (first event processed, first batch loaded).",
                g.label
            )));
        }
        p.success_criteria = self.common_criteria("first 60 minutes, then the first peak");
        p.success_criteria.push(criterion(
            "write pause",
            "<=",
            self.bar.write_pause_seconds,
            "seconds",
            "the cutover",
        ));
        if reverse {
            p.success_criteria.push(criterion(
                "reverse replication lag",
                "<",
                self.bar.lag_seconds,
                "seconds",
                "first 24 hours",
            ));
        }
        let hold = cx.days(1).max(1);
        p.min_days = hold;
        p.hold = "watch closely for the first day before the longer hold starts".into();
        p.gate = Gate {
            approvers: vec![
                self.who.owner.clone(),
                self.who.lead.clone(),
                self.who.on_call.clone(),
            ],
            criteria: vec![
                "Go/no-go at the start of the window with everyone on the rota present".into(),
                "Criteria met for the first 24 hours".into(),
            ],
        };
        p.rollback = if reverse {
            self.reverse_rollback()
        } else {
            self.no_reverse_rollback()
        };
        p.point_of_no_return = !reverse;
        p.kill_switch_state = self.s.new.clone();
        p.because
            .push(because("phase.write-cutover", vec![cx.cite_tolerance()]));
        self.phases.push(p);
    }

    fn reverse_rollback(&self) -> Rollback {
        let cx = self.cx;
        let mut steps = self.flip(&self.s.paused, "rollback: pause writes");
        if self.pg() {
            steps.extend(self.cmd("pg-reverse-lag"));
            steps.push(cx.step("Wait until the reverse lag is zero: every write made on the new database is now on the old one."));
            steps.extend(self.cmd("pg-sync-sequences-back"));
            steps.extend(self.cmd("pg-allow-app-writes"));
        } else {
            steps.push(cx.step("Wait until the reverse stream's lag is zero, move the old database's sequences past the new one's, then give the application role its writes back there."));
        }
        steps.extend(self.flip(&self.s.old, "rollback: writes back to the old database"));
        steps.push(cx.step("Stop reverse replication only after writes are confirmed on the old database; re-plan before moving again."));
        let minutes = cx.switch_minutes() * 2 + cx.est.write_cutover_minutes.ceil() as u64;
        Rollback {
            steps,
            estimated_minutes: minutes,
            cost: "No writes are lost: reverse replication has copied them to the old database. Users see one more write pause.".into(),
        }
    }

    fn no_reverse_rollback(&self) -> Rollback {
        let cx = self.cx;
        let mut steps = self.flip(&self.s.paused, "rollback: pause writes");
        steps.push(cx.step("List the tables written since the cutover (from the new database's statistics or audit columns) and export those rows."));
        if cx.engine_is(false, "postgresql") {
            steps.extend(self.cmd("pg-dump-target-writes"));
        }
        steps.push(cx.step("Convert and load them into the old database, resolving conflicts by primary key, then give the application role its writes back there."));
        steps.extend(self.flip(&self.s.old, "rollback: back to the old database"));
        let minutes = cx.restore_minutes().max(120) + cx.switch_minutes();
        Rollback {
            steps,
            estimated_minutes: minutes,
            cost: "Every write made on the new database since the cutover must be exported and replayed into the old one by hand, table by table; expect hours and a reconciliation.".into(),
        }
    }

    fn hold(&mut self) {
        let cx = self.cx;
        let reverse = self.chosen.reverse;
        let mut p = blank("post-cutover-hold", "Hold on the new database", "hold");
        p.goal = format!(
            "{} proves itself through full business cycles while the way back stays open.",
            cx.system_name(false)
        );
        set_full_traffic(&mut p);
        if reverse {
            p.actions.push(cx.step(
                "Keep reverse replication running and its lag alert armed; keep the schema freeze.",
            ));
        }
        p.actions.push(cx.step("Run the scheduled parity checks in the reverse direction daily; review slow queries on the new database against the baseline."));
        p.actions.push(cx.step("Move the consumers that read from replicas or exports (analytics, ETL, reports) if they have not moved yet."));
        if self.pg() && reverse {
            p.checks.extend(self.cmd("pg-reverse-lag"));
        }
        p.checks.push(cx.step("Business success rates (sign-ups, payments, whatever the product counts) against the same weekdays before the migration."));
        p.success_criteria = self.common_criteria("every day of the hold");
        if reverse {
            p.success_criteria.push(criterion(
                "reverse replication lag",
                "<",
                self.bar.lag_seconds,
                "seconds",
                "every day of the hold",
            ));
        }
        p.success_criteria.push(criterion(
            "incidents caused by the new database",
            "==",
            0.0,
            "incidents",
            "the whole hold",
        ));
        let hold = cx.days(10).max(1);
        p.min_days = hold;
        p.hold =
            format!("{hold} working days, covering at least one full weekly cycle and one peak");
        p.gate = Gate {
            approvers: vec![
                self.who.owner.clone(),
                self.who.lead.clone(),
                self.who.on_call.clone(),
            ],
            criteria: vec![
                format!("{hold} working days within the criteria"),
                "Decision recorded: proceed to retire the old database".into(),
            ],
        };
        p.rollback = if reverse {
            self.reverse_rollback()
        } else {
            self.no_reverse_rollback()
        };
        p.kill_switch_state = self.s.new.clone();
        p.because.push(because(
            "phase.post-cutover-hold",
            vec![cx.cite_criticality()],
        ));
        self.phases.push(p);
    }

    fn decommission(&mut self) {
        let cx = self.cx;
        let mut p = blank("decommission", "Retire the old database", "decommission");
        p.goal = "Remove the way back on purpose, keep an archive, and clean up everything the migration added.".into();
        set_full_traffic(&mut p);
        if self.chosen.reverse && self.pg() {
            p.actions.extend(self.cmd("pg-drop-reverse"));
        }
        if cx.names("aws-ec2") {
            p.actions.extend(self.cmd("aws-ec2-snapshot"));
        } else {
            p.actions.push(cx.step("Take a final backup or storage snapshot of the old database and record where it is kept."));
        }
        p.actions.push(cx.step("Stop the old database, keep it stopped (not deleted) for the archive period, then delete it."));
        if self.pg() {
            p.checks.extend(self.cmd("pg-list-slots"));
        }
        p.checks.push(cx.step("No connection attempts reach the old database for a week (its logs or network flow records)."));
        archive_hold(
            &mut p,
            cx,
            &self.who,
            "connections to the old database",
            "connections",
        );
        let restore = cx.restore_minutes();
        let mut rb = vec![cx.step("Restore the old database from the final snapshot.")];
        if cx.engine_is(false, "postgresql") {
            rb.extend(self.cmd("pg-dump-target-writes"));
        }
        rb.push(cx.step(
            "Replay every write made since reverse replication stopped, then flip the switch back.",
        ));
        p.rollback = Rollback {
            steps: rb,
            estimated_minutes: restore + 120,
            cost: format!(
                "After reverse replication stops, the old database falls behind for good: a rollback is a restore (about {restore} minutes) plus replaying every write since, by hand. Treat this phase as the point of no return."
            ),
        };
        p.point_of_no_return = true;
        p.kill_switch_state = self.s.new.clone();
        p.because.push(because("phase.decommission", vec![]));
        self.phases.push(p);
    }

    fn upgrade_window(&mut self) {
        let cx = self.cx;
        let managed = cx.target_managed;
        let mut p = blank(
            "upgrade-window",
            "Maintenance window: the upgrade",
            "window",
        );
        p.goal = format!(
            "{} runs version {} with statistics rebuilt, verified before traffic returns.",
            cx.system_name(true),
            cx.facts
                .target
                .version
                .as_ref()
                .map(|v| v.value.clone())
                .unwrap_or_else(|| "new".into())
        );
        set_full_traffic(&mut p);
        p.actions.push(cx.step("Announce the window; stop writers (maintenance mode, or revoke the application role's writes) and wait for active transactions to finish."));
        if managed {
            if cx.names("aws-rds") {
                p.actions.extend(self.cmd("aws-rds-snapshot"));
            } else {
                p.actions.push(cx.step(format!(
                    "Take a manual snapshot of the instance on {} and wait until it is available.",
                    cx.target_hosting_name()
                )));
            }
            p.actions.push(cx.step(format!(
                    "Run {}'s major-version upgrade to {}.",
                    cx.target_hosting_name(),
                    cx.facts
                        .target
                        .version
                        .as_ref()
                        .map(|v| v.value.clone())
                        .unwrap_or_else(|| "the new version".into())
                )));
        } else {
            p.actions.push(
                cx.step("Snapshot the data volume (or take a base backup) and verify it restores."),
            );
            if cx.engine_is(true, "postgresql") {
                p.actions.extend(self.cmd("pg-upgrade-check"));
                p.actions.extend(self.cmd("pg-upgrade-link"));
            }
        }
        if cx.engine_is(true, "postgresql") {
            p.actions.extend(self.cmd("pg-analyze-target"));
        }
        p.actions
            .push(cx.step("Run the smoke tests and the top queries; reopen writes."));
        p.checks.push(cx.step(
            "Error rate and latency of the top queries against the baseline, for the first hour.",
        ));
        p.success_criteria = self.common_criteria("first 60 minutes");
        let downtime = (cx.est.pg_upgrade_link_minutes
            + cx.data_gb.unwrap_or(50.0) / cx.est.analyze_gb_per_hour * 60.0 / 3.0)
            .ceil();
        p.success_criteria.push(criterion(
            "window length",
            "<=",
            downtime * 2.0,
            "minutes",
            "the window",
        ));
        p.min_days = 1;
        p.hold = "the window itself, then the hold phase".into();
        p.gate = Gate {
            approvers: vec![self.who.owner.clone(), self.who.lead.clone()],
            criteria: vec!["Go/no-go at the start of the window".into()],
        };
        let restore = cx.restore_minutes();
        p.rollback = Rollback {
            steps: vec![
                cx.step("Keep writes stopped; restore the snapshot taken at the start of the window."),
                cx.step("Start the old version on the restored data and reopen writes."),
            ],
            estimated_minutes: restore,
            cost: format!(
                "Once the new version has started (link mode reuses the old data files), the old cluster is not usable: rollback is a restore of about {restore} minutes. Writes made after reopening are lost unless replayed, so decide within the first hour."
            ),
        };
        p.point_of_no_return = true;
        p.kill_switch_state = "maintenance".into();
        p.because
            .push(because("phase.upgrade-window", vec![cx.cite_tolerance()]));
        self.phases.push(p);
    }

    fn dump_window(&mut self) {
        let cx = self.cx;
        let minutes = cx.dump_restore_minutes();
        let mut p = blank(
            "migration-window",
            "Maintenance window: dump, restore, switch",
            "window",
        );
        p.goal = format!(
            "{} holds a verified copy and serves all traffic; {} is untouched.",
            cx.system_name(false),
            cx.system_name(true)
        );
        set_full_traffic(&mut p);
        p.actions.push(
            cx.step(
                "Announce the window; stop writers and wait for active transactions to finish.",
            ),
        );
        if self.pg() {
            p.actions.extend(self.cmd("pg-dump-directory"));
            p.actions.extend(self.cmd("pg-restore-directory"));
            p.actions.extend(self.cmd("pg-sync-sequences"));
            p.checks.extend(self.cmd("pg-row-counts"));
        } else if cx.engine_is(true, "mysql") {
            p.actions.extend(self.cmd("mysqldump-full"));
            p.actions.push(cx.step(format!(
                "Convert and load the dump into {}; rebuild statistics.",
                cx.system_name(false)
            )));
            p.checks.extend(self.cmd("mysql-row-counts"));
        } else {
            p.actions.push(cx.step(format!(
                "Export {} and load it into {}; rebuild statistics.",
                cx.system_name(true),
                cx.system_name(false)
            )));
        }
        p.actions
            .extend(self.flip(&self.s.new, "window: consumers to the new database"));
        p.checks.push(cx.step(
            "Smoke tests of each consumer against the new database before reopening writes.",
        ));
        p.success_criteria = self.common_criteria("first 60 minutes");
        p.success_criteria.push(criterion(
            "window length",
            "<=",
            minutes as f64 * 1.5,
            "minutes",
            "the window",
        ));
        p.min_days = 1;
        p.hold = "the window itself".into();
        p.gate = Gate {
            approvers: vec![self.who.owner.clone(), self.who.lead.clone()],
            criteria: vec!["Rehearsed window fits the agreed downtime".into()],
        };
        let mut rb = self.flip(&self.s.old, "rollback: back to the untouched old database");
        rb.push(cx.step("Before writes reopen on the new database this loses nothing; after, export and replay the rows written since."));
        p.rollback = Rollback {
            steps: rb,
            estimated_minutes: cx.switch_minutes().max(5),
            cost: "Nothing before writes reopen on the new database. After that, every write since must be replayed into the old one; the window phase is the point of no return once writes reopen.".into(),
        };
        p.point_of_no_return = true;
        p.kill_switch_state = self.s.new.clone();
        p.because
            .push(because("phase.dump-window", vec![cx.cite_tolerance()]));
        self.phases.push(p);
    }

    fn window_hold(&mut self) {
        let cx = self.cx;
        let mut p = blank("hold", "Hold and watch", "hold");
        p.goal =
            "The new version or system proves itself while the snapshot and the old copy are kept."
                .into();
        set_full_traffic(&mut p);
        p.actions.push(cx.step("Compare slow queries and error rates with the baseline daily; keep the pre-window snapshot."));
        p.checks
            .push(cx.step("Top queries' p95 latency and the error rate against the baseline."));
        p.success_criteria = self.common_criteria("every day of the hold");
        let hold = cx.days(10).max(1);
        p.min_days = hold;
        p.hold = format!("{hold} working days");
        p.gate = Gate {
            approvers: vec![self.who.owner.clone(), self.who.lead.clone()],
            criteria: vec!["Within the criteria for the whole hold".into()],
        };
        let restore = cx.restore_minutes();
        p.rollback = Rollback {
            steps: vec![cx.step("Restore the pre-window snapshot (or switch back to the old copy), then replay writes made since from the new system's export.")],
            estimated_minutes: restore + 60,
            cost: "Writes since the window must be replayed by hand.".into(),
        };
        p.kill_switch_state = self.s.new.clone();
        p.because
            .push(because("phase.window-hold", vec![cx.cite_criticality()]));
        self.phases.push(p);
    }

    fn window_cleanup(&mut self) {
        let cx = self.cx;
        let mut p = blank("cleanup", "Clean up", "decommission");
        p.goal = "Remove the old copy and temporary artefacts after the archive period.".into();
        set_full_traffic(&mut p);
        p.actions.push(cx.step("Delete the old data directory or copy once the archive period ends; keep the snapshot as long as policy requires."));
        p.checks.push(cx.step("Nothing connects to the old copy."));
        p.success_criteria = vec![criterion(
            "connections to the old copy",
            "==",
            0.0,
            "connections",
            "7 days",
        )];
        p.min_days = 1;
        p.hold = "none".into();
        p.gate = Gate {
            approvers: vec![self.who.owner.clone()],
            criteria: vec!["Hold signed off".into()],
        };
        p.rollback = Rollback {
            steps: vec![
                cx.step("Restore from the archived snapshot and replay writes since (hours).")
            ],
            estimated_minutes: cx.restore_minutes() + 120,
            cost: "A restore plus a manual replay of every write since the window.".into(),
        };
        p.point_of_no_return = false;
        p.kill_switch_state = self.s.new.clone();
        p.because.push(because("phase.cleanup", vec![]));
        self.phases.push(p);
    }
}
