//! Choosing how the data moves, with the reasons, the rejected alternatives,
//! and the gaps between what the team has and what its tolerance needs.

use crate::ctx::{because, cite, Ctx, Switch};
use crate::model::{Alternative, Gap, Strategy};
use rollgate_intake::{CapabilityKind, ChangeKind, Criticality, Family};

/// The strategies the database playbook knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrategyId {
    /// Full copy plus change stream within one engine, write cutover, reverse
    /// replication for rollback.
    LogicalReplication,
    /// Full load plus CDC across engines (or where native replication cannot
    /// run), write cutover.
    CdcReplication,
    /// In-place major upgrade (pg_upgrade, or the managed service's upgrade).
    PgUpgrade,
    /// Dump and restore in a maintenance window.
    DumpRestore,
    /// Staged switch of traffic without moving data (fallback).
    StagedSwitch,
    /// A pure cache: warm the new one by writing to both, then move reads.
    CacheShift,
    /// A stateful store (sessions, locks, rate limits, counters).
    StatefulStore,
    /// Job queues: new producers to the new broker, drain the old one.
    QueueDrain,
    /// A search index: reindex from the source of truth, dual-index, switch.
    SearchReindex,
    /// A framework or runtime upgrade, deployed as canaries.
    FrameworkUpgrade,
    /// A third-party service replaced cohort by cohort.
    ProviderSwitch,
    /// A module extracted from a monolith behind the gateway.
    Strangler,
    /// A document store remodelled into a relational database: a transform
    /// per collection, backfill plus change feed, reverse feed after the
    /// write cutover.
    DocumentRemodel,
}

impl StrategyId {
    pub fn id(self) -> &'static str {
        match self {
            Self::LogicalReplication => "logical-replication",
            Self::CdcReplication => "cdc-replication",
            Self::PgUpgrade => "pg-upgrade",
            Self::DumpRestore => "dump-restore",
            Self::StagedSwitch => "staged-switch",
            Self::CacheShift => "cache-warm-and-shift",
            Self::StatefulStore => "stateful-store-move",
            Self::QueueDrain => "queue-drain",
            Self::SearchReindex => "search-reindex",
            Self::FrameworkUpgrade => "staged-framework-upgrade",
            Self::ProviderSwitch => "provider-switch-by-cohort",
            Self::Strangler => "strangler-extraction",
            Self::DocumentRemodel => "document-to-relational",
        }
    }

    /// Strategies built by the family playbooks rather than the database one.
    pub fn is_family_playbook(self) -> bool {
        !matches!(
            self,
            Self::LogicalReplication
                | Self::CdcReplication
                | Self::PgUpgrade
                | Self::DumpRestore
                | Self::StagedSwitch
        )
    }

    /// Whether the strategy keeps both systems running and in sync.
    pub fn replicates(self) -> bool {
        matches!(self, Self::LogicalReplication | Self::CdcReplication)
    }
}

pub struct Chosen {
    pub id: StrategyId,
    pub strategy: Strategy,
    /// Reverse replication is available after the write cutover.
    pub reverse: bool,
    /// The routing flag must be built before traffic moves.
    pub build_router: bool,
}

pub fn choose(cx: &Ctx<'_>) -> Chosen {
    if cx.family != Family::Database || cx.remodels_documents() {
        return crate::family::choose(cx);
    }
    let mut reasons = Vec::new();
    let mut facts = cx.cite_source();
    facts.push(cx.cite_criticality());
    facts.push(cx.cite_tolerance());
    let version_only = cx.changes == [ChangeKind::VersionUpgrade];
    let engines_differ = cx.changes.contains(&ChangeKind::VendorChange);
    let dump_minutes = cx.dump_restore_minutes();
    let tolerance = cx.tolerance;
    let small_and_relaxed =
        cx.criticality <= Criticality::Medium && dump_minutes <= tolerance.max(240);
    let data = cx.data_size_text();
    let id = if engines_differ {
        if small_and_relaxed {
            reasons.push(format!(
                "The engines differ, but {data} dumps and loads in about {} minutes and the stated tolerance and criticality allow a maintenance window.",
                dump_minutes
            ));
            StrategyId::DumpRestore
        } else {
            reasons.push(format!(
                "The engines differ ({} → {}), so the copy needs type conversion; a full load plus change capture keeps {} current until a short write cutover, instead of a window of about {} minutes for a dump and load.",
                cx.system_name(true),
                cx.system_name(false),
                cx.system_name(false),
                dump_minutes
            ));
            StrategyId::CdcReplication
        }
    } else if version_only && !cx.target_managed && cx.criticality <= Criticality::Medium {
        reasons.push(format!(
            "Only the major version changes, on the same host, and criticality is {}: an in-place upgrade with a verified snapshot is the shortest safe path; its downtime is minutes, its rollback a snapshot restore of about {} minutes.",
            cx.criticality.as_str(),
            cx.restore_minutes()
        ));
        StrategyId::PgUpgrade
    } else if version_only && cx.target_managed && cx.criticality <= Criticality::Medium {
        reasons.push(format!(
            "Only the major version changes on {}, and criticality is {}: the service's own major-version upgrade after a snapshot is enough; rollback is a restore of about {} minutes.",
            cx.target_hosting_name(),
            cx.criticality.as_str(),
            cx.restore_minutes()
        ));
        StrategyId::PgUpgrade
    } else if small_and_relaxed {
        reasons.push(format!(
            "{data} dumps and restores in about {dump_minutes} minutes, inside the stated tolerance, and criticality is {}: a maintenance window with a tested restore is simpler than running replication for weeks.",
            cx.criticality.as_str()
        ));
        StrategyId::DumpRestore
    } else if cx.source_engine.is_some() && cx.source_engine == cx.target_engine {
        reasons.push(format!(
            "A dump and restore of {data} would take about {dump_minutes} minutes of downtime against a tolerance of {tolerance} minutes; replication copies the data while {} keeps serving, so the only downtime is a write pause of minutes.",
            cx.system_name(true)
        ));
        if cx.criticality >= Criticality::High {
            reasons.push("At this criticality reads move first, in steps, so the new system proves itself under real load before any write depends on it.".into());
        }
        StrategyId::LogicalReplication
    } else {
        reasons.push("The input does not name both engines; rollgate plans a replicated move, the safe default, and says what it could not tell.".into());
        StrategyId::CdcReplication
    };

    let (tool, mut alternatives) = replication_tool(cx, id);
    let reverse = match id {
        StrategyId::LogicalReplication => cx.both_postgres() || !cx.engine_is(true, "postgresql"),
        StrategyId::CdcReplication => false,
        _ => false,
    };
    if reverse {
        reasons.push(format!(
            "At the write cutover, replication is reversed ({} → {}), so the old database stays current during the hold and a rollback loses no writes. The application never writes to two databases itself.",
            cx.short(false),
            cx.short(true)
        ));
    }
    if let Some(dw) = cx.facts.capability(CapabilityKind::DualWrite) {
        if !dw.value.present && id.replicates() {
            reasons.push("You have no dual-write, and this plan does not need it: replication is the only writer into the target until cutover.".into());
            facts.push(cite(dw));
        }
    }
    // Alternatives that were not chosen, with the reason.
    for alt in [
        StrategyId::DumpRestore,
        StrategyId::PgUpgrade,
        StrategyId::LogicalReplication,
        StrategyId::CdcReplication,
    ] {
        if alt == id {
            continue;
        }
        let why = match alt {
            StrategyId::DumpRestore => format!("a dump and restore means about {dump_minutes} minutes of downtime, more than the {tolerance} minutes tolerated"),
            StrategyId::PgUpgrade if !version_only => "an in-place upgrade cannot move the database to another host".into(),
            StrategyId::PgUpgrade => format!("its rollback is a snapshot restore of about {} minutes, longer than the {tolerance} minutes tolerated", cx.restore_minutes()),
            StrategyId::LogicalReplication if engines_differ => "native replication does not cross engines".into(),
            StrategyId::LogicalReplication | StrategyId::CdcReplication => "running replication for weeks costs more than the risk it removes at this criticality and size".into(),
            _ => continue,
        };
        if alt == StrategyId::CdcReplication
            && !engines_differ
            && id == StrategyId::LogicalReplication
        {
            continue;
        }
        if alt == StrategyId::LogicalReplication
            && id == StrategyId::CdcReplication
            && engines_differ
        {
            alternatives.push(Alternative {
                name: "native replication".into(),
                why_not: why,
            });
            continue;
        }
        alternatives.push(Alternative {
            name: name(alt).into(),
            why_not: why,
        });
    }
    let (gaps, build_router) = gaps(cx, id, reverse);
    let summary = match id {
        StrategyId::LogicalReplication => format!(
            "Copy {} into {} with replication, move reads in steps, cut writes over in a short pause, keep reverse replication running through the hold, then retire the old database.",
            cx.system_name(true),
            cx.system_name(false)
        ),
        StrategyId::CdcReplication => format!(
            "Convert the schema, full-load {} into {} and stream changes, compare results on reads, then cut writes over; a rollback after that point replays writes by hand unless a reverse task is rehearsed.",
            cx.system_name(true),
            cx.system_name(false)
        ),
        StrategyId::PgUpgrade => format!(
            "Rehearse the upgrade on a copy, snapshot, upgrade {} in a maintenance window, rebuild statistics, verify, and keep the snapshot until the new version has proven itself.",
            cx.system_name(true)
        ),
        StrategyId::DumpRestore => format!(
            "Rehearse the dump and restore on a copy, then in one maintenance window stop writes, dump {}, restore into {}, verify, and switch consumers; the old database stays untouched as the rollback.",
            cx.system_name(true),
            cx.system_name(false)
        ),
        _ => unreachable!("family playbooks are chosen in family::choose"),
    };
    Chosen {
        id,
        strategy: Strategy {
            id: id.id().into(),
            name: name(id).into(),
            summary,
            reasons,
            replication_tool: tool,
            alternatives,
            gaps,
            because: because(&format!("strategy.{}", id.id()), facts),
        },
        reverse,
        build_router,
    }
}

pub fn name(id: StrategyId) -> &'static str {
    match id {
        StrategyId::LogicalReplication => {
            "replicate, move reads in steps, short write cutover, reverse replication for rollback"
        }
        StrategyId::CdcReplication => "full load plus change data capture, then write cutover",
        StrategyId::PgUpgrade => "in-place major version upgrade in a maintenance window",
        StrategyId::DumpRestore => "dump and restore in a maintenance window",
        StrategyId::StagedSwitch => "staged switch: shadow, canary, ramp, cutover, hold",
        StrategyId::CacheShift => "warm the new cache by writing to both, move reads in steps, stop writing the old one",
        StrategyId::StatefulStore => "write to both, read from the new with a fallback to the old, cut over after the data's lifetime",
        StrategyId::QueueDrain => "consumers on both brokers, move producers in steps, drain the old queues",
        StrategyId::SearchReindex => "reindex from the source of truth, index into both, compare queries, move reads, stop indexing the old",
        StrategyId::FrameworkUpgrade => "one supported step at a time: dual-boot in CI, canary deploys, redeploy the previous artifact to roll back",
        StrategyId::ProviderSwitch => "contract tests, then one provider per cohort or message type at a time, ramped; never both for the same event",
        StrategyId::Strangler => "route at the gateway: shadow, canary and ramp reads, then move data ownership with one writer at a time",
        StrategyId::DocumentRemodel => "remodel collections into tables with one transform, backfill and feed changes, shadow and ramp reads, write cutover with a reverse feed",
    }
}

/// The replication tool, preferring what ships with the engine, then what
/// the team budgeted; alternatives it passed over.
fn replication_tool(cx: &Ctx<'_>, id: StrategyId) -> (Option<String>, Vec<Alternative>) {
    let budgeted: Vec<String> = cx
        .facts
        .budgeted_tools
        .iter()
        .map(|b| b.value.id.clone())
        .collect();
    let mut alternatives = Vec::new();
    match id {
        StrategyId::LogicalReplication if cx.both_postgres() => {
            let native_ok = cx.source_major.is_none_or(|m| m >= 10);
            if native_ok {
                for b in &budgeted {
                    let why = match b.as_str() {
                        "aws-dms" => "it adds a replication instance to size, pay for and watch, and cannot give you the reverse stream as simply; native logical replication is built into both sides. Keep it as the fallback if logical replication cannot be enabled on the source",
                        "pglogical" => "it is an extension to install and upgrade on both sides (and on a managed target only where the service ships it); native logical replication, in PostgreSQL since version 10, covers the same need",
                        _ => continue,
                    };
                    alternatives.push(Alternative {
                        name: cx.tech_name(b),
                        why_not: why.into(),
                    });
                }
                (
                    Some("PostgreSQL logical replication (publications and subscriptions)".into()),
                    alternatives,
                )
            } else if budgeted.iter().any(|b| b == "pglogical") {
                (
                    Some("pglogical (the source predates native logical replication)".into()),
                    alternatives,
                )
            } else {
                (Some("a logical replication tool that supports the source version (option: for example pglogical)".into()), alternatives)
            }
        }
        StrategyId::LogicalReplication => (
            Some(format!(
                "{}'s native replication",
                cx.tech_name(cx.source_engine.as_deref().unwrap_or("database"))
            )),
            alternatives,
        ),
        StrategyId::CdcReplication => {
            if let Some(b) = budgeted.iter().find(|b| {
                matches!(
                    b.as_str(),
                    "aws-dms" | "debezium" | "gcp-dms" | "fivetran" | "airbyte"
                )
            }) {
                (Some(cx.tech_name(b)), alternatives)
            } else if cx.names("aws-dms") {
                (Some(cx.tech_name("aws-dms")), alternatives)
            } else {
                (Some("a change-data-capture tool that supports both engines (option: for example AWS Database Migration Service or Debezium)".into()), alternatives)
            }
        }
        _ => (None, alternatives),
    }
}

/// What the tolerance needs that the team does not have.
pub(crate) fn gaps(cx: &Ctx<'_>, id: StrategyId, reverse: bool) -> (Vec<Gap>, bool) {
    let mut gaps = Vec::new();
    let mut build_router = false;
    let tolerance = cx.tolerance;
    if id == StrategyId::FrameworkUpgrade {
        return (release_gaps(cx, id), false);
    }
    match &cx.switch {
        Switch::Flag { .. } => {
            // Env-var read routing would be too slow; route through the flag.
            if let Some(r) = cx.facts.capability(CapabilityKind::ReadRouting) {
                if r.value
                    .mechanism
                    .as_deref()
                    .is_some_and(|m| m.contains("environment variable"))
                {
                    let minutes = cx.restart_minutes();
                    build_router = true;
                    if minutes > tolerance {
                        gaps.push(Gap {
                            missing: "read routing that changes without a restart".into(),
                            consequence: format!(
                                "Routing by environment variable means restarting every consumer to move traffic back: about {minutes} minutes for {} consumers, over the {tolerance}-minute tolerance.",
                                cx.consumers.map(|c| c.to_string()).unwrap_or_else(|| "all".into())
                            ),
                            rollback_minutes_without: minutes,
                            closes_it: "The prep phase moves the routing decision into the flag service you already run, read at request time; the environment variable stays as the fallback.".into(),
                            because: because("gap.env-var-routing", vec![cite(r), cx.cite_tolerance()]),
                        });
                    }
                }
            } else {
                build_router = true;
            }
        }
        Switch::LiveConfig { .. } => build_router = true,
        Switch::EnvVar { .. } | Switch::None if id != StrategyId::PgUpgrade => {
            let minutes = cx.switch_minutes();
            build_router = true;
            if minutes > tolerance {
                let c = match &cx.switch {
                    Switch::EnvVar { cite } => cite.clone(),
                    _ => c_or_none(cx),
                };
                gaps.push(Gap {
                    missing: "a kill switch that needs no deploy".into(),
                    consequence: format!(
                        "Without a runtime switch, sending traffic back means a config change plus restarts or deploys: about {minutes} minutes, over the {tolerance}-minute tolerance. That is the rollback time you would actually get."
                    ),
                    rollback_minutes_without: minutes,
                    closes_it: "Add a runtime switch before any traffic moves: a flag service, or a value every consumer re-reads without a restart (a flag service, or a config value read at request time). The prep phase includes building it; the estimates assume it exists from then on.".into(),
                    because: because("gap.no-runtime-switch", vec![c, cx.cite_tolerance()]),
                });
            }
        }
        _ => {}
    }
    if reverse {
        // Pause, drain, flip: the fastest way back after the cutover.
        let minutes = cx.switch_minutes() * 2 + cx.est.write_cutover_minutes.ceil() as u64;
        if minutes > tolerance {
            gaps.push(Gap {
                missing: format!("a post-cutover rollback under {tolerance} minutes"),
                consequence: format!(
                    "Even with reverse replication, going back after the cutover means pausing writes, waiting for the reverse lag to reach zero, moving sequences and flipping the switch twice: about {minutes} minutes by hand."
                ),
                rollback_minutes_without: minutes,
                closes_it: "Script the rollback end to end (one command that pauses, waits for zero lag, moves sequences and flips), rehearse it until it runs inside the tolerance, and keep a person with the script open through the first hours after cutover; or agree a longer tolerance for this one step in writing.".into(),
                because: because("gap.manual-post-cutover-rollback", vec![cx.cite_tolerance()]),
            });
        }
    }
    if id.replicates() && !reverse {
        let minutes = cx.restore_minutes().max(120);
        if minutes > tolerance {
            gaps.push(Gap {
                missing: "a reverse replication path after the write cutover".into(),
                consequence: format!(
                    "Once writes land on {} only, going back means replaying them into {} by hand: hours (about {minutes} minutes or more), not the {tolerance} minutes tolerated.",
                    cx.system_name(false),
                    cx.system_name(true)
                ),
                rollback_minutes_without: minutes,
                closes_it: "Rehearse a reverse change-capture task (new → old) and keep it running through the hold; until it is proven, the write cutover is the point of no return.".into(),
                because: because("gap.no-reverse-path", vec![cx.cite_tolerance()]),
            });
        }
    }
    if matches!(id, StrategyId::PgUpgrade | StrategyId::DumpRestore) {
        let minutes = match id {
            StrategyId::PgUpgrade => cx.restore_minutes(),
            _ => cx.switch_minutes().max(5),
        };
        if minutes > tolerance && id == StrategyId::PgUpgrade {
            gaps.push(Gap {
                missing: "a rollback faster than a restore".into(),
                consequence: format!("Rolling back an in-place upgrade is a snapshot restore: about {minutes} minutes against a tolerance of {tolerance}."),
                rollback_minutes_without: minutes,
                closes_it: "Upgrade a copy (a new cluster from the snapshot) and switch consumers to it, keeping the old cluster stopped but intact; or accept the restore time in writing.".into(),
                because: because("gap.restore-rollback", vec![cx.cite_tolerance()]),
            });
        }
    }
    (gaps, build_router)
}

/// A release is switched by deploying: the gap is a way back slower than
/// the tolerance, unless a named platform rolls back without a rebuild.
fn release_gaps(cx: &Ctx<'_>, id: StrategyId) -> Vec<Gap> {
    let pb = crate::family::playbook_for(cx, id);
    let minutes = crate::family::platform_in(cx, pb)
        .map(|p| p.minutes)
        .unwrap_or(cx.est.deploy_minutes.ceil() as u64);
    if minutes <= cx.tolerance {
        return Vec::new();
    }
    vec![Gap {
        missing: "a way back faster than a redeploy".into(),
        consequence: format!(
            "Going back to the previous release means deploying it again: about {minutes} minutes through the pipeline, over the {}-minute tolerance.",
            cx.tolerance
        ),
        rollback_minutes_without: minutes,
        closes_it: "Keep the previous release's artifact and configuration deployable without a build, and move traffic between releases at the load balancer or with the platform's own rollback, so going back is a traffic change rather than a deploy; rehearse it in prep and time it.".into(),
        because: because("gap.redeploy-rollback", vec![cx.cite_tolerance()]),
    }]
}

fn c_or_none(cx: &Ctx<'_>) -> String {
    cx.facts
        .capability(CapabilityKind::FeatureFlags)
        .map(cite)
        .unwrap_or_else(|| "existing-dual-run-capability: no switch named".into())
}

/// The slowest rollback a gate can ask for: every phase up to and including
/// the step that moves writes (the cutover or the window), and the kill
/// switch flip. Questions and gaps read this one value.
pub fn slowest_rollback(phases: &[crate::model::Phase], flip_minutes: u64) -> (u64, String) {
    let decisive = phases
        .iter()
        .position(|p| p.kind == "cutover" || p.kind == "window")
        .unwrap_or(phases.len().saturating_sub(1));
    phases
        .iter()
        .take(decisive + 1)
        .map(|p| {
            (
                p.rollback.estimated_minutes,
                format!("the rollback of \"{}\"", p.name),
            )
        })
        .chain(std::iter::once((
            flip_minutes,
            "the kill switch flip".to_string(),
        )))
        .max_by_key(|(m, _)| *m)
        .unwrap_or((0, String::new()))
}

/// Adds a gap when the phases' own rollback estimates exceed the tolerance
/// and no gap chosen from the switch already accounts for that time, so
/// the prep gate's "rehearsed rollback within the tolerance" says how it
/// is met.
pub fn cover_slow_rollback(
    cx: &Ctx<'_>,
    strategy: &mut Strategy,
    phases: &[crate::model::Phase],
    flip_minutes: u64,
) {
    let tolerance = cx.tolerance;
    let (worst, what) = slowest_rollback(phases, flip_minutes);
    if worst <= tolerance
        || strategy
            .gaps
            .iter()
            .any(|g| g.rollback_minutes_without >= worst)
    {
        return;
    }
    strategy.gaps.push(Gap {
        missing: format!("a rollback inside the {tolerance}-minute tolerance"),
        consequence: format!(
            "The plan's own estimate for {what} is about {worst} minutes, over the {tolerance}-minute tolerance."
        ),
        rollback_minutes_without: worst,
        closes_it: "Script that rollback and rehearse it in staging until it runs inside the tolerance before the prep gate; or agree the longer time for this step in writing.".into(),
        because: because("gap.rollback-over-tolerance", vec![cx.cite_tolerance()]),
    });
}

impl Chosen {
    /// " (see the gap under the strategy)" when a gap names the missing
    /// runtime switch, else nothing: the reference exists only with its
    /// target.
    pub fn switch_gap_note(&self) -> &'static str {
        if self
            .strategy
            .gaps
            .iter()
            .any(|g| g.because.rule == "gap.no-runtime-switch")
        {
            " (see the gap under the strategy)"
        } else {
            ""
        }
    }
}
