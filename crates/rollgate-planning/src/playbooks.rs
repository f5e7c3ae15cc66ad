//! Playbooks for the families other than databases: caches and datastores,
//! framework and runtime upgrades, third-party service replacements and
//! monolith splits. Each has its own strategy, phases, checks and rollback;
//! they share the engine (gates, kill switch, schedule, rules, people).

use crate::ctx::{because, cite, Ctx, Switch};
use crate::killswitch::flag_name;
use crate::model::*;
use crate::phases::{
    archive_hold, blank, criterion, set_full_traffic, set_step_hold, PhaseBuilder,
};
use crate::strategy::{gaps, name, Chosen, StrategyId};
use rollgate_intake::{Criticality, Family, IntegrationKind};

fn uses<'a>(cx: &'a Ctx<'_>) -> Vec<&'a str> {
    cx.facts
        .migration
        .store_uses
        .iter()
        .map(|u| u.value.as_str())
        .collect()
}

fn target_kind(cx: &Ctx<'_>) -> Option<String> {
    cx.facts
        .target
        .technology
        .as_ref()
        .or(cx.facts.source.technology.as_ref())
        .map(|t| t.value.kind.clone())
}

/// Picks the family strategy, with the reasons that decided it.
pub fn choose(cx: &Ctx<'_>) -> Chosen {
    let u = uses(cx);
    let kind = target_kind(cx).unwrap_or_default();
    let mut reasons = Vec::new();
    let mut facts: Vec<String> = cx.cite_source();
    facts.extend(cx.facts.migration.store_uses.iter().map(cite));
    let id = match cx.family {
        Family::Framework => {
            let jump = match (cx.source_major, cx.target_major) {
                (Some(a), Some(b)) if b > a + 1 => format!(
                    " The jump spans {} major versions, so it goes one supported step at a time.",
                    b - a
                ),
                _ => String::new(),
            };
            reasons.push(format!(
                "A framework or runtime upgrade changes code, not data: the old release stays deployable, so rollback is redeploying the previous artifact.{jump}"
            ));
            StrategyId::FrameworkUpgrade
        }
        Family::Service => {
            reasons.push(format!(
                "Replacing {} with {} is a switch of a dependency you do not run: prove the new provider's behaviour with contract tests, then move one cohort or message type at a time so every event goes through exactly one provider.",
                cx.system_name(true),
                cx.system_name(false)
            ));
            StrategyId::ProviderSwitch
        }
        Family::MonolithSplit => {
            reasons.push("An extraction changes who answers a request and, later, who owns the data: the gateway moves requests in steps, and data ownership moves last, with one writer at a time.".into());
            StrategyId::Strangler
        }
        _ => {
            if u.contains(&"job-queue")
                || u.contains(&"pub-sub")
                || kind == "queue"
                || kind == "job-queue"
                || kind == "stream"
            {
                reasons.push(if u.contains(&"pub-sub") && !u.contains(&"job-queue") {
                    "Publishing to both would deliver every message twice: subscribers listen on both sides, publishers move in steps, and the old side is retired once nothing publishes to it.".to_string()
                } else {
                    "Jobs in flight and scheduled jobs live in the old broker: producers move to the new one in steps while consumers keep draining the old until it is empty.".to_string()
                });
                StrategyId::QueueDrain
            } else if u.contains(&"search-index") || kind == "search-engine" {
                reasons.push("A search index is derived data: rebuild it from the source of truth into the new cluster, keep both indexed, and move queries after their results compare.".into());
                StrategyId::SearchReindex
            } else if u.iter().any(|x| {
                matches!(
                    *x,
                    "sessions"
                        | "locks"
                        | "rate-limiter"
                        | "leaderboard"
                        | "pub-sub"
                        | "primary-store"
                )
            }) {
                reasons.push(format!(
                    "The store holds state that is not rebuilt from elsewhere ({}): losing it logs users out, releases locks or resets limits. Write to both, read from the new with a fallback to the old, and cut over once the data's lifetime has passed.",
                    u.iter().filter(|x| **x != "cache").copied().collect::<Vec<_>>().join(", ")
                ));
                StrategyId::StatefulStore
            } else {
                reasons.push(if u.contains(&"cache") {
                    "A pure cache holds nothing that cannot be rebuilt: warm the new one by writing to both, then move reads while watching the hit rate and the load behind the cache.".to_string()
                } else {
                    "The input does not say what the store holds; rollgate treats it as a cache (rebuildable) and says so: if it holds state, name its use (sessions, job queues, locks…) and the plan changes.".to_string()
                });
                StrategyId::CacheShift
            }
        }
    };
    if cx.critical_path {
        reasons.push("Critical path: extra gates, longer holds, more approvers, and a rehearsed rollback before the first traffic moves.".into());
    }
    let (gaps, build_router) = gaps(cx, id, false);
    let summary = match id {
        StrategyId::CacheShift => format!("Provision {}, write to both caches, move reads in steps by the switch, then stop writing {}.", cx.system_name(false), cx.system_name(true)),
        StrategyId::StatefulStore => format!("Provision {}, write to both, read from it with a fallback to {} that copies on miss, and stop the old writes once its data has expired.", cx.system_name(false), cx.system_name(true)),
        StrategyId::QueueDrain => format!("Start consumers on {}, move producers to it in steps, drain {} (including scheduled and retrying jobs), then retire it.", cx.system_name(false), cx.system_name(true)),
        StrategyId::SearchReindex => format!("Reindex into {} from the source of truth, index into both, compare query results, move queries in steps, then stop indexing {}.", cx.system_name(false), cx.system_name(true)),
        StrategyId::FrameworkUpgrade => format!("Upgrade {} to {} in supported steps, each released behind canary deploys and reversible by redeploying the previous artifact.", cx.system_name(true), cx.system_name(false)),
        StrategyId::ProviderSwitch => format!("Run contract tests against {}, import what can be moved, then switch cohorts or message types one at a time from {} and keep the old account alive for late events.", cx.system_name(false), cx.system_name(true)),
        _ => "Put the gateway in front, shadow and compare, move read endpoints in steps, then move data ownership with a single writer and a daily reconciliation.".into(),
    };
    Chosen {
        id,
        strategy: Strategy {
            id: id.id().into(),
            name: name(id).into(),
            summary,
            reasons,
            replication_tool: None,
            alternatives: alternatives(id),
            gaps,
            because: because(&format!("strategy.{}", id.id()), facts),
        },
        reverse: false,
        build_router,
    }
}

fn alternatives(id: StrategyId) -> Vec<Alternative> {
    let a = |n: &str, w: &str| Alternative {
        name: n.into(),
        why_not: w.into(),
    };
    match id {
        StrategyId::CacheShift => vec![a("cut over cold", "every request misses at once and the load lands on what the cache protects")],
        StrategyId::StatefulStore => vec![a("copy once and switch", "state written between the copy and the switch is lost, and sessions or locks in that gap break for users")],
        StrategyId::QueueDrain => vec![a("move the queue contents", "copying jobs between brokers risks running them twice or not at all; draining lets each job run exactly where it was enqueued")],
        StrategyId::SearchReindex => vec![a("snapshot and restore the index", "snapshots rarely restore across engines or major versions, and mappings or analyzers may differ anyway")],
        StrategyId::FrameworkUpgrade => vec![a("one big-bang upgrade", "every deprecation and behaviour change lands at once, and a rollback discards all of them together")],
        StrategyId::ProviderSwitch => vec![a("switch everyone on one day", "any difference in behaviour reaches every user at once, and there is no cohort left on the old provider to compare with")],
        _ => vec![a("rewrite and switch", "the new service meets production traffic and data ownership on the same day")],
    }
}

pub(crate) fn build(
    b: &mut PhaseBuilder<'_, '_>,
    prep_rules: Vec<Step>,
    prep_because: Vec<Because>,
) {
    let id = b.chosen.id;
    prep(b, prep_rules, prep_because);
    match id {
        StrategyId::CacheShift => {
            dual(b, "dual-write", "Warm-up: write to both caches, read from the old", "Every write or fill goes to both caches; reads still come from the old one. The new cache warms without serving anyone.");
            read_steps(b, "reads from the new cache");
            stop_old(b, "stop-old-writes", "Stop writing the old cache", "Reads and writes on the new cache only; the old one is kept, unwritten, as the rollback path until its data expires.");
        }
        StrategyId::StatefulStore => {
            dual(
                b,
                "dual-write",
                "Write to both stores, read from the old",
                "Every write goes to both stores; reads still come from the old one.",
            );
            read_steps(
                b,
                "reads from the new store, falling back to the old on a miss",
            );
            stop_old(b, "stop-old-writes", "Stop writing the old store", "The new store is the only one written; the old keeps its data until the longest lifetime (session TTL, lock lease, rate window) has passed.");
        }
        StrategyId::QueueDrain => {
            consumers_both(b);
            read_steps(b, "enqueued on the new broker");
            stop_old(b, "drain-old", "Drain the old broker", "No producer writes to the old broker; its consumers run until every queue, scheduled set and retry set is empty.");
        }
        StrategyId::SearchReindex => {
            reindex(b);
            read_steps(b, "of queries served by the new cluster");
            stop_old(b, "stop-old-indexing", "Stop indexing the old cluster", "Only the new cluster is indexed and queried; the old one is kept read-only until the hold ends.");
        }
        StrategyId::FrameworkUpgrade => {
            framework_steps(b);
        }
        StrategyId::ProviderSwitch => {
            provider_shadow(b);
            read_steps(b, "of traffic sent through the new provider");
            stop_old(b, "old-provider-standby", "Old provider on standby", "Every new event goes through the new provider; the old account stays open for late webhooks and retries of events it handled.");
        }
        _ => {
            strangler_shadow(b);
            read_steps(b, "of requests answered by the new service");
            ownership(b);
        }
    }
    hold(b);
    retire(b);
}

/// The switch's resting states: releases for a framework upgrade, the
/// two sides otherwise.
fn old_state(b: &PhaseBuilder<'_, '_>) -> String {
    if b.chosen.id == StrategyId::FrameworkUpgrade {
        "previous-release".into()
    } else {
        b.s.old.clone()
    }
}

fn new_state(b: &PhaseBuilder<'_, '_>) -> String {
    if b.chosen.id == StrategyId::FrameworkUpgrade {
        "new-release".into()
    } else {
        b.s.new.clone()
    }
}

fn steps(b: &PhaseBuilder<'_, '_>, texts: &[&str]) -> Vec<Step> {
    texts.iter().map(|t| b.cx.step(*t)).collect()
}

fn prep(b: &mut PhaseBuilder<'_, '_>, rule_steps: Vec<Step>, rule_because: Vec<Because>) {
    let cx = b.cx;
    let id = b.chosen.id;
    let mut p = blank("prep", "Preparation: nothing moves yet", "prep");
    p.goal =
        "Prerequisites built and rehearsed while everything still runs on the old system.".into();
    let mut days = cx.prep_days(8).max(2);
    let own: Vec<String> = match id {
        StrategyId::CacheShift | StrategyId::StatefulStore => vec![
            format!("Provision {} with memory for the old store's working set plus 30%, in the same network as the application.", cx.system_name(false)),
            "Compare the client library's commands, protocol version and serialisation against the new store; run the application's test suite against it.".into(),
            "Match eviction policy, memory limit and TTL handling to the old store's configuration, and write the differences down.".into(),
        ],
        StrategyId::QueueDrain => vec![
            format!("Provision {} and create the same queues, exchanges or topics; match retention, visibility timeouts and dead-letter handling.", cx.system_name(false)),
            "Inventory every job type, its payload format, its retry policy, and the scheduled and delayed jobs sitting in the old broker.".into(),
            "Make every job idempotent on its id before any producer moves: during the drain a retried job may land on either side.".into(),
        ],
        StrategyId::SearchReindex => vec![
            format!("Provision {} and port index mappings, analyzers, synonyms and templates; diff the mappings field by field.", cx.system_name(false)),
            "Build the reindex job from the source of truth (not from the old cluster), throttled so it does not load the database.".into(),
            "Collect a query set: the top queries by volume, the slowest, and queries with known tricky results.".into(),
        ],
        StrategyId::FrameworkUpgrade => vec![
            format!("List the supported upgrade steps from {} to {} and plan one release per step.", cx.system_name(true), cx.system_name(false)),
            "Turn deprecation warnings into test failures on the current version and fix them before the first step.".into(),
            "Audit dependencies: every package pinned to the old version gets an upgrade, a fork or a replacement before its step.".into(),
            "Dual-boot in CI: run the test suite on both versions on every change until the last step lands.".into(),
            "Keep schema and data changes out of the upgrade releases; ship them separately.".into(),
        ],
        StrategyId::ProviderSwitch => vec![
            format!("Write contract tests for every call the product makes to {}: responses, error codes, rate limits, timeouts and webhook payloads, and run them against {}.", cx.system_name(true), cx.system_name(false)),
            format!("List the data to move and what cannot be exported ({}), and choose for each: import, migrate lazily on next use, or ask users again.", unexportable(cx)),
            format!("Verify domains{} and callback URLs with the new provider; handle webhooks from both providers, idempotently on the provider's event id.", if unexportable(cx).starts_with("suppression") { " (the SPF and DKIM DNS records of every sending domain)" } else { "" }),
            "Note contract dates: the old provider's notice period and renewal, and the new one's limits and pricing tiers.".into(),
        ],
        _ => vec![
            "Map every call, import and shared table between the module and the rest of the monolith; each one becomes an API call, an event, or stays until ownership moves.".into(),
            "Put the gateway (or router) in front of the monolith for the module's routes, with per-route switching and request mirroring.".into(),
            "Write contract tests for the module's endpoints, run against both the monolith and the new service.".into(),
            "Add idempotency keys to every write the new service will accept.".into(),
        ],
    };
    for a in own {
        p.actions.push(cx.step(a));
    }
    if b.chosen.build_router {
        let via = match &cx.switch {
            Switch::Flag { provider, .. } => format!("a flag in {}", provider.name),
            Switch::LiveConfig { .. } => "a runtime setting".into(),
            _ => format!(
                "a switch every consumer reads{}",
                b.chosen.switch_gap_note()
            ),
        };
        p.actions.push(cx.step(format!("Build the switch `{}` in {via}: percentage and per-cohort targeting, default `{}`; prove the default changes nothing.", flag_name(cx), b.s.old)));
        days += cx.prep_days(3).max(1);
    }
    p.actions.extend(rule_steps);
    if cx.critical_path {
        p.actions.push(cx.step(
            "Rehearse the rollback end to end in staging before any traffic moves, and time it.",
        ));
        days += cx.prep_days(2).max(1);
    }
    p.checks = steps(b, &["Every prep item above is done and reviewed.", "The kill switch was flipped in production while it routed nothing, and followed within the estimate."]);
    p.success_criteria = vec![criterion(
        "rehearsed rollback time",
        "<=",
        cx.tolerance as f64,
        "minutes",
        "measured in staging",
    )];
    if id == StrategyId::ProviderSwitch || id == StrategyId::Strangler {
        p.success_criteria.push(criterion(
            "contract tests passing against the new side",
            "==",
            100.0,
            "%",
            "at the gate",
        ));
    }
    p.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec!["Every prep check passed".into()],
    };
    p.rollback = Rollback {
        steps: steps(
            b,
            &["Nothing has moved; undo the preparation that misbehaves."],
        ),
        estimated_minutes: 5,
        cost: "None: no traffic has moved.".into(),
    };
    p.kill_switch_state = old_state(b);
    p.min_days = days;
    p.hold = "none: the gate closes when the checks pass".into();
    p.because.push(because(
        &format!("phase.prep.{}", id.id()),
        vec![cx.cite_criticality()],
    ));
    p.because.extend(rule_because);
    b.phases.push(p);
}

fn dual(b: &mut PhaseBuilder<'_, '_>, id: &str, name: &str, goal: &str) {
    let cx = b.cx;
    let mut p = blank(id, name, "shadow");
    p.goal = goal.into();
    p.actions.push(cx.step("Deploy the write-to-both path behind the switch: writes go to the old store first and then the new; a failure on the new side is logged, never returned to the user."));
    if b.chosen.id == StrategyId::StatefulStore {
        p.actions.push(cx.step("Copy keys that were written before the dual-write started only if their lifetime is long (persistent sessions, long leases); short-lived ones age out on their own."));
    }
    p.checks = steps(
        b,
        &[
            "Key count and memory on the new store, against the old.",
            "Write errors on the new side (should be zero; each one is a bug in the new path).",
        ],
    );
    p.success_criteria = vec![
        criterion(
            "write errors on the new store",
            "==",
            0.0,
            "errors",
            "the whole hold",
        ),
        criterion(
            "keys on the new store vs the old",
            ">=",
            90.0,
            "%",
            "at the gate",
        ),
    ];
    p.min_days = b.cx.days(3).max(1);
    p.hold = format!(
        "{} working days, long enough for the common keys to be rewritten",
        p.min_days
    );
    p.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec!["Sampled keys read back identically from both stores".into()],
    };
    p.rollback = Rollback {
        steps: steps(
            b,
            &["Turn off writes to the new store; nothing reads from it yet."],
        ),
        estimated_minutes: cx.switch_minutes().max(2),
        cost: "None: users are served by the old store throughout.".into(),
    };
    p.kill_switch_state = b.s.old.clone();
    p.because.push(because(
        &format!("phase.{}.{}", id, b.chosen.id.id()),
        cx.facts.migration.store_uses.iter().map(cite).collect(),
    ));
    b.phases.push(p);
}

fn consumers_both(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut p = blank(
        "consumers-both",
        "Consumers on both brokers, producers on the old",
        "shadow",
    );
    p.goal = "Workers run against the new broker (idle) as well as the old, so any job that lands on either side is processed.".into();
    p.actions = steps(b, &[
        "Deploy consumers for every queue on the new broker with the same concurrency limits; keep the old consumers running.",
        "Send a synthetic job of each type through the new broker and check it runs once and only once.",
    ]);
    p.checks = steps(
        b,
        &[
            "Queue depth and oldest-job age on both brokers.",
            "Synthetic jobs: enqueued = completed, zero duplicates.",
        ],
    );
    p.success_criteria = vec![criterion(
        "synthetic jobs run exactly once",
        "==",
        100.0,
        "%",
        "at the gate",
    )];
    p.min_days = cx.days(2).max(1);
    p.hold = format!("{} working days", p.min_days);
    p.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec!["Every job type ran on the new broker".into()],
    };
    p.rollback = Rollback {
        steps: steps(
            b,
            &["Stop the new consumers; no producer uses the new broker yet."],
        ),
        estimated_minutes: 5,
        cost: "None.".into(),
    };
    p.kill_switch_state = b.s.old.clone();
    p.because.push(because(
        "phase.consumers-both.queue-drain",
        cx.facts.migration.store_uses.iter().map(cite).collect(),
    ));
    b.phases.push(p);
}

fn reindex(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut p = blank("reindex", "Reindex and index into both clusters", "sync");
    p.goal = format!("{} holds every document, kept current by indexing into both clusters; no query uses it yet.", cx.system_name(false));
    p.actions = steps(b, &[
        "Turn on indexing into both clusters for every change (the application's indexer or the change stream), before the bulk reindex starts, so nothing written during it is missed.",
        "Run the bulk reindex from the source of truth, throttled; record its duration.",
        "Shadow queries: for a sample of live queries, run them on the new cluster too and log the overlap of the top 10 results.",
    ]);
    p.checks = steps(
        b,
        &[
            "Document counts per index on both clusters.",
            "Top-10 overlap for the query set and for sampled live queries.",
            "Query latency p95 on the new cluster under the shadow load.",
        ],
    );
    p.success_criteria = vec![
        criterion(
            "document count difference per index",
            "<=",
            0.1,
            "%",
            "at the gate",
        ),
        criterion(
            "top-10 result overlap on the query set",
            ">=",
            if cx.critical_path { 95.0 } else { 90.0 },
            "%",
            "at the gate",
        ),
    ];
    p.min_days = (cx.days(5) + 1).max(2);
    p.hold = format!("{} working days", p.min_days);
    p.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec![
            "Every result difference in the query set explained (analyzer, scoring) or fixed"
                .into(),
        ],
    };
    p.rollback = Rollback {
        steps: steps(
            b,
            &["Stop indexing into the new cluster; queries never left the old one."],
        ),
        estimated_minutes: 5,
        cost: "None for users.".into(),
    };
    p.kill_switch_state = b.s.old.clone();
    p.because
        .push(because("phase.reindex.search-reindex", cx.cite_source()));
    b.phases.push(p);
}

fn provider_shadow(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut p = blank(
        "internal-cohort",
        "Internal cohort on the new provider",
        "shadow",
    );
    p.goal = format!(
        "Staff and test accounts use {} for real; every other user stays on {}.",
        cx.system_name(false),
        cx.system_name(true)
    );
    p.actions = steps(b, &[
        "Route the internal cohort (staff, test accounts) through the new provider by the switch; every event goes through exactly one provider, chosen per user or per message type, never both.",
        "Import the data that can move; for what cannot (secrets, suppression lists, stored tokens), run the lazy-migration path for the internal cohort first.",
        "Process webhooks from both providers with idempotent handlers, and log which provider handled each event.",
    ]);
    p.checks = steps(
        b,
        &[
            "Contract tests and the internal cohort's success rates on the new provider.",
            "No event recorded as sent or processed by both providers.",
        ],
    );
    p.success_criteria = vec![
        criterion(
            "events handled by both providers",
            "==",
            0.0,
            "events",
            "the whole hold",
        ),
        criterion(
            "internal cohort success rate vs the old provider",
            ">=",
            99.0,
            "% of baseline",
            "the whole hold",
        ),
    ];
    p.min_days = cx.days(5).max(1);
    p.hold = format!("{} working days", p.min_days);
    p.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec!["Every difference from the old provider's behaviour understood".into()],
    };
    p.rollback = Rollback { steps: b.flip(&b.s.old, "internal cohort back to the old provider"), estimated_minutes: cx.switch_minutes().max(2), cost: "Data the internal cohort created on the new provider stays there; carry back what matters (see the rollback notes in later phases).".into() };
    p.kill_switch_state = format!("{}:internal", b.s.new);
    p.because.push(because(
        "phase.internal-cohort.provider-switch",
        cx.cite_source(),
    ));
    b.phases.push(p);
}

fn strangler_shadow(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut p = blank(
        "shadow",
        "Shadow: the new service receives mirrored requests",
        "shadow",
    );
    p.goal = "The gateway mirrors the module's read requests to the new service; the monolith still answers, and responses are compared.".into();
    p.actions = steps(b, &[
        "Mirror read requests for the module's routes to the new service asynchronously; drop mirrored writes (they would create a second writer).",
        "Compare responses field by field and log differences by endpoint.",
    ]);
    p.checks = steps(b, &["Difference rate per endpoint; errors and latency on the new service under mirrored load."]);
    p.success_criteria = vec![criterion(
        "unexplained response differences",
        "==",
        0.0,
        "per endpoint",
        "the whole hold",
    )];
    p.min_days = cx.days(5).max(1);
    p.hold = format!("{} working days", p.min_days);
    p.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec!["Every difference explained or fixed".into()],
    };
    p.rollback = Rollback {
        steps: steps(b, &["Stop mirroring at the gateway."]),
        estimated_minutes: 5,
        cost: "None: users never saw the new service.".into(),
    };
    p.kill_switch_state = b.s.old.clone();
    p.because
        .push(because("phase.shadow.strangler", cx.cite_source()));
    b.phases.push(p);
}

/// Canary and ramp: the moving share, whatever it is for the family.
fn read_steps(b: &mut PhaseBuilder<'_, '_>, what: &str) {
    let cx = b.cx;
    let mut shares = b.read_steps();
    if cx.critical_path && shares.first() != Some(&1) {
        shares.insert(0, 1);
    }
    let n = shares.len();
    for (i, pct) in shares.into_iter().enumerate() {
        let first = i == 0;
        let last = i + 1 == n;
        let (id, kind) = if first {
            (format!("canary-{pct}"), "canary")
        } else {
            (format!("ramp-{pct}"), "ramp")
        };
        let mut p = blank(&id, &format!("{pct}% {what}"), kind);
        p.goal = format!("{pct}% {what}, within the bars.");
        let writes = match b.chosen.id {
            StrategyId::ProviderSwitch | StrategyId::QueueDrain | StrategyId::FrameworkUpgrade => {
                pct
            }
            _ => 0,
        };
        p.traffic = Traffic {
            reads_percent: pct,
            writes_percent: writes,
        };
        p.traffic_percent = pct;
        p.actions.extend(b.rollout(pct, &format!("{what}: {pct}%")));
        p.checks = family_checks(b);
        p.success_criteria = b.common_criteria("the whole hold, including a daily peak");
        p.success_criteria.extend(family_criteria(b));
        let hold = set_step_hold(&mut p, cx, first || last);
        p.gate = Gate {
            approvers: if cx.critical_path {
                vec![
                    b.who.owner.clone(),
                    b.who.lead.clone(),
                    b.who.on_call.clone(),
                ]
            } else {
                vec![b.who.owner.clone(), b.who.lead.clone()]
            },
            criteria: vec![format!("All criteria met for {hold} working days")],
        };
        let mut rb = b.flip(&b.s.old, "back to the old side");
        rb.extend(family_rollback_notes(b));
        p.rollback = Rollback {
            steps: rb,
            estimated_minutes: cx.switch_minutes().max(1),
            cost: family_rollback_cost(b),
        };
        p.kill_switch_state = format!("{}:{pct}%", b.s.new);
        p.because.push(because(
            if first { "phase.canary" } else { "phase.ramp" },
            vec![cx.cite_criticality()],
        ));
        b.phases.push(p);
    }
}

fn family_checks(b: &PhaseBuilder<'_, '_>) -> Vec<Step> {
    let cx = b.cx;
    let mut v = Vec::new();
    match b.chosen.id {
        StrategyId::CacheShift | StrategyId::StatefulStore => {
            v.push(cx.step("Hit rate on the new cache against the old for the same key space, and the load on what sits behind the cache (database queries per second)."));
            v.push(cx.step("Evictions, memory use and p99 command latency on the new store."));
            if cx.names("redis") || cx.names("valkey") || cx.names("keydb") || cx.names("dragonfly") {
                v.extend(cx.command("redis-hit-rate", &[]));
            }
            if cx.names("memcached") {
                v.extend(cx.command("memcached-stats", &[]));
            }
        }
        StrategyId::QueueDrain => v.push(cx.step("Enqueued vs completed per job type on each broker; oldest-job age; retries and dead letters.")),
        StrategyId::SearchReindex => {
            v.push(cx.step("Zero-result rate, click-through (if tracked) and p95 query latency for the routed share, against the old cluster."));
            if cx.names("elasticsearch") || cx.names("opensearch") {
                v.extend(cx.command("search-doc-counts", &[]));
            }
        }
        StrategyId::ProviderSwitch => v.push(cx.step("Success rate per provider for the same event types (delivery, authentication, payment authorisation), and complaint or bounce rates where they exist.")),
        StrategyId::FrameworkUpgrade => v.push(cx.step("Error rate, latency, memory and CPU per release version, side by side.")),
        _ => v.push(cx.step("Error rate, latency and response differences per route, monolith against new service.")),
    }
    v
}

fn family_criteria(b: &PhaseBuilder<'_, '_>) -> Vec<Criterion> {
    match b.chosen.id {
        StrategyId::CacheShift | StrategyId::StatefulStore => vec![
            criterion(
                "hit rate vs the old cache",
                ">=",
                -2.0,
                "points of difference",
                "daily",
            ),
            criterion(
                "load behind the cache vs baseline",
                "<=",
                if b.cx.critical_path { 10.0 } else { 20.0 },
                "% above",
                "at peak",
            ),
        ],
        StrategyId::QueueDrain => vec![criterion(
            "jobs lost or run twice",
            "==",
            0.0,
            "jobs",
            "the whole hold",
        )],
        StrategyId::SearchReindex => vec![criterion(
            "zero-result rate vs the old cluster",
            "<=",
            1.0,
            "points above",
            "daily",
        )],
        StrategyId::ProviderSwitch => vec![criterion(
            "events handled by both providers",
            "==",
            0.0,
            "events",
            "the whole hold",
        )],
        StrategyId::FrameworkUpgrade => vec![criterion(
            "memory per instance vs the previous release",
            "<=",
            15.0,
            "% above",
            "at peak",
        )],
        _ => vec![criterion(
            "response differences on routed requests",
            "==",
            0.0,
            "unexplained",
            "the whole hold",
        )],
    }
}

fn family_rollback_notes(b: &PhaseBuilder<'_, '_>) -> Vec<Step> {
    let cx = b.cx;
    match b.chosen.id {
        StrategyId::QueueDrain => steps(b, &["Keep the new broker's consumers running until its queues are empty: jobs already enqueued there run there."]),
        StrategyId::ProviderSwitch => steps(b, &["Events already sent through the new provider stay there: keep processing its webhooks until they stop, and copy back what users created on the new side (accounts, preferences) if the old side needs it."]),
        StrategyId::FrameworkUpgrade => {
            let mut v = steps(b, &["Redeploy the previous release artifact to the routed share (the canary tool's abort does this)."]);
            v.extend(framework_rollback_commands(cx));
            v
        }
        StrategyId::StatefulStore => steps(b, &["Reads fall back to the old store, which kept receiving every write."]),
        _ => Vec::new(),
    }
}

fn family_rollback_cost(b: &PhaseBuilder<'_, '_>) -> String {
    match b.chosen.id {
        StrategyId::CacheShift => "None: the old cache kept receiving every write and is warm.".into(),
        StrategyId::StatefulStore => "None: the old store kept receiving every write.".into(),
        StrategyId::QueueDrain => "No jobs are lost: each runs where it was enqueued.".into(),
        StrategyId::SearchReindex => "None: the old cluster is still indexed.".into(),
        StrategyId::ProviderSwitch => "Events already handled by the new provider stay there; their follow-ups (webhooks and any later action on the same record) must still be handled on that side.".into(),
        StrategyId::FrameworkUpgrade => "Jobs, caches or sessions written by the new version must be readable by the old one; the prep phase's compatibility check makes that true.".into(),
        _ => "Requests in flight may fail once and be retried.".into(),
    }
}

fn framework_rollback_commands(cx: &Ctx<'_>) -> Vec<Step> {
    if cx.names("argo-rollouts") {
        cx.command("argo-rollouts-abort", &[]).into_iter().collect()
    } else if cx.names("kubernetes") || cx.names("eks") || cx.names("gke") || cx.names("aks") {
        cx.command("kubectl-rollout-undo", &[])
            .into_iter()
            .collect()
    } else if cx.names("heroku") {
        cx.command("heroku-rollback", &[]).into_iter().collect()
    } else {
        Vec::new()
    }
}

fn framework_steps(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut canary = blank("upgrade-canary", "Upgrade release on a canary", "canary");
    canary.goal = format!("The first upgrade release ({}) serves a small share of traffic and every job type, beside the previous release.", cx.system_name(false));
    let tool = cx
        .facts
        .capability(rollgate_intake::CapabilityKind::CanaryDeploys)
        .filter(|c| c.value.present)
        .and_then(|c| c.value.provider.clone());
    canary.actions.push(cx.step(match &tool {
        Some(t) => format!("Deploy the release as a canary with {} (a few pods or 5% of traffic), with automatic abort on the error-rate bar.", t.name),
        None => "Deploy the release to one instance (or one pod) behind the load balancer, next to the previous release.".to_string(),
    }));
    canary.actions.push(cx.step("Run background workers of both versions against the same queues only after checking that each version can read the other's job payloads, cache entries and session cookies; otherwise drain first."));
    canary.actions.push(cx.step("Adopt the new version's configuration defaults one at a time, each in its own small release after this one."));
    canary.checks = family_checks(b);
    canary.success_criteria = b.common_criteria("the whole hold");
    canary.success_criteria.extend(family_criteria(b));
    canary.traffic = Traffic {
        reads_percent: 5,
        writes_percent: 5,
    };
    canary.traffic_percent = 5;
    canary.min_days = cx.days(3).max(1);
    canary.hold = format!("{} working days", canary.min_days);
    canary.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec!["No new error class in the canary's logs".into()],
    };
    let mut rb = steps(
        b,
        &["Send all traffic back to the previous release and scale the canary to zero."],
    );
    rb.extend(framework_rollback_commands(cx));
    canary.rollback = Rollback {
        steps: rb,
        estimated_minutes: (cx.est.deploy_minutes / 3.0).ceil() as u64,
        cost: family_rollback_cost(b),
    };
    canary.kill_switch_state = "new-release:5%".into();
    canary
        .because
        .push(because("phase.upgrade-canary", cx.cite_source()));
    b.phases.push(canary);
    for pct in [25u32, 100] {
        let mut p = blank(
            &format!("upgrade-{pct}"),
            &format!("Upgrade release on {pct}% of instances"),
            "ramp",
        );
        p.goal = format!("{pct}% of instances run the upgrade.");
        p.traffic = Traffic {
            reads_percent: pct,
            writes_percent: pct,
        };
        p.traffic_percent = pct;
        p.actions
            .push(cx.step(format!("Promote the release to {pct}% of instances.")));
        p.checks = family_checks(b);
        p.success_criteria = b.common_criteria("the whole hold");
        p.success_criteria.extend(family_criteria(b));
        p.min_days = if pct == 100 { cx.days(5) } else { cx.days(2) }.max(1);
        p.hold = format!("{} working days", p.min_days);
        p.gate = Gate {
            approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
            criteria: vec![format!("Criteria met for {} working days", p.min_days)],
        };
        let mut rb = steps(
            b,
            &["Redeploy the previous release artifact to every instance."],
        );
        rb.extend(framework_rollback_commands(cx));
        p.rollback = Rollback {
            steps: rb,
            estimated_minutes: cx.est.deploy_minutes.ceil() as u64,
            cost: family_rollback_cost(b),
        };
        p.kill_switch_state = if pct == 100 {
            "new-release".into()
        } else {
            format!("new-release:{pct}%")
        };
        p.because
            .push(because("phase.upgrade-ramp", vec![cx.cite_criticality()]));
        b.phases.push(p);
    }
}

fn stop_old(b: &mut PhaseBuilder<'_, '_>, id: &str, name: &str, goal: &str) {
    let cx = b.cx;
    let mut p = blank(id, name, "cutover");
    p.goal = goal.into();
    set_full_traffic(&mut p);
    p.actions.extend(b.flip(&b.s.new, "all on the new side"));
    p.actions.extend(match b.chosen.id {
        StrategyId::QueueDrain => steps(b, &["Move scheduled and delayed jobs: let them come due and run on the old consumers, or re-enqueue them on the new broker and delete them from the old, one job type at a time.", "Keep the old consumers running until every queue, scheduled set and retry set on the old broker is empty."]),
        StrategyId::StatefulStore => steps(b, &["Stop writes to the old store; keep it readable as the fallback until the longest data lifetime has passed."]),
        StrategyId::CacheShift => steps(b, &["Stop writes to the old cache; it will go stale within its TTLs, so a rollback after this point must flush it first."]),
        StrategyId::ProviderSwitch => steps(b, &["Keep the old provider's webhooks and credentials working for late events and retries."]),
        _ => Vec::new(),
    });
    p.checks = family_checks(b);
    p.success_criteria = b.common_criteria("first 24 hours");
    p.success_criteria.extend(family_criteria(b));
    p.min_days = cx.days(1).max(1);
    p.hold = "watch closely for the first day".into();
    p.gate = Gate {
        approvers: vec![
            b.who.owner.clone(),
            b.who.lead.clone(),
            b.who.on_call.clone(),
        ],
        criteria: vec!["Criteria met for the first 24 hours".into()],
    };
    let mut rb = b.flip(&b.s.old, "back to the old side");
    let cost = match b.chosen.id {
        StrategyId::CacheShift => {
            rb.insert(0, cx.step("Flush the old cache first: it stopped receiving writes and now holds stale entries."));
            "A cold old cache: expect the load behind it to spike until it warms.".to_string()
        }
        StrategyId::StatefulStore => {
            rb.insert(0, cx.step("Copy keys written only to the new store since the switch back into the old one (sessions, locks, counters), then flip."));
            "State written only to the new store since this step must be copied back, or users lose it (sessions end, limits reset).".to_string()
        }
        other => {
            rb.extend(family_rollback_notes(b));
            let _ = other;
            family_rollback_cost(b)
        }
    };
    p.rollback = Rollback {
        steps: rb,
        estimated_minutes: cx.switch_minutes().max(2) + 10,
        cost,
    };
    p.kill_switch_state = b.s.new.clone();
    p.because
        .push(because(&format!("phase.{id}"), vec![cx.cite_tolerance()]));
    b.phases.push(p);
}

fn ownership(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut p = blank(
        "move-ownership",
        "Move data ownership: the new service becomes the only writer",
        "cutover",
    );
    p.goal = "Writes for the module go to the new service only; the monolith reads through the service's API or a replicated copy, never writes.".into();
    set_full_traffic(&mut p);
    p.actions = steps(b, &[
        "Freeze writes to the module's tables from the monolith (revoke them, or make the code path fail loudly).",
        "Point write routes at the new service; it publishes changes through an outbox or change data capture to anything in the monolith that still reads the old tables.",
        "Run the reconciliation report between the service's data and the monolith's copy daily; any difference is a gate failure.",
    ]);
    if cx
        .facts
        .integrations
        .iter()
        .any(|i| i.value.kinds.contains(&IntegrationKind::Payment))
        || cx
            .facts
            .stakes
            .iter()
            .any(|s| s.value.kind == "revenue" || s.value.kind == "compliance")
    {
        p.actions.push(cx.step("Get sign-off from the business owner of the money or compliance flow before this step, with the reconciliation report as evidence."));
    }
    p.checks = family_checks(b);
    p.success_criteria = b.common_criteria("first 24 hours");
    p.success_criteria.push(criterion(
        "reconciliation differences",
        "==",
        0.0,
        "records",
        "daily",
    ));
    p.min_days = cx.days(2).max(1);
    p.hold = format!("{} working days", p.min_days);
    p.gate = Gate {
        approvers: vec![
            b.who.owner.clone(),
            b.who.lead.clone(),
            b.who.on_call.clone(),
        ],
        criteria: vec!["Reconciliation clean".into()],
    };
    p.rollback = Rollback {
        steps: steps(b, &["Point write routes back at the monolith.", "Replay the writes the service accepted since the switch into the monolith's tables from the outbox, idempotently.", "Re-enable the monolith's writes."]),
        estimated_minutes: cx.switch_minutes().max(2) + 30,
        cost: "Every write the service accepted since the switch must be replayed into the monolith from the outbox; with idempotency keys this is safe, without them it is not.".into(),
    };
    p.kill_switch_state = b.s.new.clone();
    p.because.push(because(
        "phase.move-ownership.strangler",
        vec![cx.cite_tolerance()],
    ));
    b.phases.push(p);
}

fn hold(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut p = blank("hold", "Hold on the new side", "hold");
    p.goal =
        "The new side proves itself through full business cycles while the way back stays open."
            .into();
    set_full_traffic(&mut p);
    p.actions = steps(b, &["Compare the checks below daily with the same weekdays before the move; keep the old side available until the gate."]);
    p.checks = family_checks(b);
    p.success_criteria = b.common_criteria("every day of the hold");
    p.success_criteria.push(criterion(
        "incidents caused by the change",
        "==",
        0.0,
        "incidents",
        "the whole hold",
    ));
    // A hold must see a full week, whatever the criticality.
    let days = match cx.criticality {
        Criticality::Critical | Criticality::High => cx.days(10),
        _ => cx.days(7),
    }
    .max(5);
    p.min_days = days;
    p.hold = format!("{days} working days, covering at least one weekly cycle");
    p.gate = Gate {
        approvers: vec![b.who.owner.clone(), b.who.lead.clone()],
        criteria: vec!["Decision recorded: retire the old side".into()],
    };
    let last_cost = b.phases.last().map(|x| x.rollback.clone());
    p.rollback = last_cost.unwrap_or(Rollback {
        steps: Vec::new(),
        estimated_minutes: 10,
        cost: String::new(),
    });
    if p.rollback.steps.is_empty() {
        p.rollback.steps = b.flip(&b.s.old, "back to the old side");
        p.rollback.cost = "See the previous phase.".into();
    }
    p.kill_switch_state = new_state(b);
    p.because
        .push(because("phase.hold", vec![cx.cite_criticality()]));
    b.phases.push(p);
}

fn retire(b: &mut PhaseBuilder<'_, '_>) {
    let cx = b.cx;
    let mut p = blank("retire", "Retire the old side", "decommission");
    p.goal = "Remove the old path on purpose and clean up what the move added.".into();
    set_full_traffic(&mut p);
    p.actions = steps(b, &match b.chosen.id {
        StrategyId::FrameworkUpgrade => vec!["Remove dual-boot, compatibility shims and the old version's configuration; delete the previous release artifacts after the archive period."],
        StrategyId::ProviderSwitch => vec!["Close the old provider account after its last late event and before the renewal date; export its logs and data you must keep."],
        StrategyId::Strangler => vec!["Delete the module's code and tables from the monolith after the archive period; remove the gateway's fallback route."],
        _ => vec!["Stop and delete the old store or cluster after a final export; remove the write-to-both path and its switch."],
    });
    p.checks = steps(b, &["Nothing reaches the old side for a week."]);
    archive_hold(
        &mut p,
        cx,
        &b.who,
        "requests reaching the old side",
        "requests",
    );
    p.rollback = Rollback {
        steps: steps(b, &["Rebuild or redeploy the old side from its export or last release, then carry back what changed since (hours)."]),
        estimated_minutes: (cx.est.deploy_minutes * 4.0).ceil() as u64,
        cost: "The old side no longer exists: going back is a rebuild plus carrying back everything since.".into(),
    };
    p.point_of_no_return = true;
    p.kill_switch_state = new_state(b);
    p.because.push(because("phase.retire", vec![]));
    b.phases.push(p);
}

/// What a provider of this kind typically cannot export, by the source's
/// catalog kind.
fn unexportable(cx: &Ctx<'_>) -> &'static str {
    let kind = cx
        .facts
        .source
        .technology
        .as_ref()
        .map(|t| t.value.kind.as_str())
        .unwrap_or("");
    match kind {
        "auth-saas" => "password hashes, MFA secrets, social-login links",
        "email-saas" => "suppression lists, templates, sending reputation",
        "payment-saas" => "stored card tokens, subscriptions, saved payment methods",
        "sms-saas" => "opt-outs, sender ids, templates",
        _ => "stored tokens, secrets and history the provider keeps",
    }
}
