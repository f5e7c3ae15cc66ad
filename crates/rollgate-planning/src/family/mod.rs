//! Plans for the families other than databases, composed from the family's
//! playbook (`rollgate-knowledge/data/playbooks/*.toml`). This module
//! decides (which strategy, which steps, how long, who signs); every word a
//! reader sees about the family comes from the playbook.

mod build;
mod words;

pub(crate) use build::{build, flip_minutes, level};
pub(crate) use words::{fill, Vars};

use crate::ctx::{because, cite, Ctx};
use crate::model::{Alternative, Strategy};
use crate::strategy::{gaps, Chosen, StrategyId};
use rollgate_intake::Family;
use rollgate_knowledge::{PlatformRollback, Playbook};

/// The catalog kinds of the subject, target first.
fn subject_kinds<'a>(cx: &'a Ctx<'_>) -> Vec<&'a str> {
    [&cx.facts.target.technology, &cx.facts.source.technology]
        .into_iter()
        .flatten()
        .map(|t| t.value.kind.as_str())
        .collect()
}

/// The playbook that words a family strategy for this subject.
pub(crate) fn playbook_for<'k>(cx: &Ctx<'k>, id: StrategyId) -> Option<&'k Playbook> {
    if !id.is_family_playbook() {
        return None;
    }
    let kinds = subject_kinds(cx);
    cx.k.playbooks.select(id.id(), &kinds)
}

/// The deploy platform's own rollback, when the input names a platform
/// the playbook knows (first match in the playbook's order, most specific
/// first).
pub(crate) fn platform<'k>(cx: &Ctx<'k>) -> Option<&'k PlatformRollback> {
    platform_in(cx, cx.playbook)
}

pub(crate) fn platform_in<'k>(
    cx: &Ctx<'_>,
    pb: Option<&'k Playbook>,
) -> Option<&'k PlatformRollback> {
    pb?.platform.iter().find(|p| cx.names(&p.technology))
}

/// What the store is used for, as far as the move is concerned: uses the
/// migration-type or to-state name are what moves; a use mentioned only in
/// the description of today's system may belong to something that stays
/// ("Sidekiq runs on a separate Redis and is out of scope").
fn store_uses<'a>(cx: &'a Ctx<'_>) -> Vec<&'a str> {
    let all = &cx.facts.migration.store_uses;
    let moving: Vec<&str> = all
        .iter()
        .filter(|u| {
            matches!(
                u.origin.field.as_str(),
                "migration-type" | "to-state" | "migration.uses" | "migration.type"
            )
        })
        .map(|u| u.value.as_str())
        .collect();
    if moving.is_empty() {
        all.iter().map(|u| u.value.as_str()).collect()
    } else {
        moving
    }
}

/// The family strategy for these facts. Which one is decided here; its
/// words (reasons, summary, alternatives) come from the playbook.
fn strategy_id(cx: &Ctx<'_>) -> StrategyId {
    match cx.family {
        Family::Framework => StrategyId::FrameworkUpgrade,
        Family::Service => StrategyId::ProviderSwitch,
        Family::MonolithSplit => StrategyId::Strangler,
        Family::Database => StrategyId::DocumentRemodel,
        _ => {
            let u = store_uses(cx);
            let kind = subject_kinds(cx).first().copied().unwrap_or_default();
            if u.contains(&"job-queue")
                || u.contains(&"pub-sub")
                || matches!(kind, "queue" | "job-queue" | "stream")
            {
                StrategyId::QueueDrain
            } else if u.contains(&"search-index") || kind == "search-engine" {
                StrategyId::SearchReindex
            } else if u.iter().any(|x| {
                matches!(
                    *x,
                    "sessions" | "locks" | "rate-limiter" | "leaderboard" | "primary-store"
                )
            }) {
                StrategyId::StatefulStore
            } else {
                StrategyId::CacheShift
            }
        }
    }
}

/// Picks the family strategy, with the reasons that decided it.
pub fn choose(cx: &Ctx<'_>) -> Chosen {
    let id = strategy_id(cx);
    let pb = playbook_for(cx, id);
    let vars = Vars::base(cx, pb);
    let mut facts: Vec<String> = cx.cite_source();
    facts.extend(cx.facts.migration.store_uses.iter().map(cite));
    let mut reasons: Vec<String> = pb
        .map(|p| p.words.reasons.iter().map(|r| fill(r, &vars)).collect())
        .unwrap_or_default();
    if id == StrategyId::CacheShift && cx.facts.migration.store_uses.is_empty() {
        reasons.push("The input does not say what the store holds; rollgate treats it as a cache (rebuildable) and says so: if it holds state, name its use (sessions, job queues, locks…) and the plan changes.".into());
    }
    if id == StrategyId::FrameworkUpgrade {
        let stops = build::release_stops(cx, pb);
        if stops.len() > 1 {
            reasons.push(format!(
                "The jump goes through {} supported steps ({}), one release each.",
                stops.len(),
                stops.join(", ")
            ));
        }
    }
    if cx.critical_path {
        reasons.push("Critical path: extra gates, longer holds, more approvers, and a rehearsed rollback before the first traffic moves.".into());
    }
    let (gaps, build_router) = gaps(cx, id, false);
    Chosen {
        id,
        strategy: Strategy {
            id: id.id().into(),
            name: pb.map(|p| p.title.clone()).unwrap_or_default(),
            summary: pb
                .map(|p| fill(&p.words.summary, &vars))
                .unwrap_or_default(),
            reasons,
            replication_tool: None,
            alternatives: pb
                .map(|p| {
                    p.words
                        .alternatives
                        .iter()
                        .map(|a| Alternative {
                            name: a.name.clone(),
                            why_not: fill(&a.why_not, &vars),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            gaps,
            because: because(
                &format!("playbook.{}", pb.map(|p| p.id.as_str()).unwrap_or(id.id())),
                facts,
            ),
        },
        reverse: false,
        build_router,
    }
}
