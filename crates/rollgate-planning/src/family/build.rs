//! Phases from a playbook's templates: each template becomes one phase, and
//! the ramp template becomes one phase per routing step (a share, a
//! segment, or a release and its share).

use super::words::{condition, fill, Vars};
use crate::ctx::{because, slug, Ctx, Switch};
use crate::killswitch::flag_name;
use crate::model::*;
use crate::phases::{blank, criterion, PhaseBuilder};
use crate::strategy::StrategyId;
use rollgate_knowledge::{CriterionTemplate, Item, PhaseTemplate, Playbook, RollbackTime};

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The level a playbook's numbers are read at.
pub(crate) fn level(cx: &Ctx<'_>) -> &'static str {
    if cx.critical_path {
        "critical"
    } else {
        cx.criticality.as_str()
    }
}

/// One step of the ramp: what moves, the switch state it leaves, and the
/// share of traffic it stands for.
struct RampStep {
    id: String,
    label: String,
    version: Option<String>,
    state: String,
    /// The switch state a rollback of this step returns to.
    back_to: String,
    percent: u32,
}

/// Parses "13.5" into comparable numbers.
fn version_key(v: &str) -> Vec<u32> {
    v.split(['.', '-'])
        .map_while(|p| p.trim_start_matches('v').parse().ok())
        .collect()
}

/// The supported stops from the source version to the target version, each
/// named with its technology ("Next.js 14"); the target alone when the
/// train or a version is unknown.
pub(crate) fn release_stops(cx: &Ctx<'_>, pb: Option<&Playbook>) -> Vec<String> {
    let target = cx.facts.target.technology.as_ref();
    // The release is named by its technology and version, not its hosting.
    let fallback = vec![match (target, &cx.facts.target.version) {
        (Some(t), Some(v)) => format!("{} {}", t.value.name, v.value),
        (Some(t), None) => t.value.name.clone(),
        _ => cx.system_name(false),
    }];
    let (Some(pb), Some(t)) = (pb, target) else {
        return fallback;
    };
    let Some(train) = pb.routing.trains.get(&t.value.id) else {
        return fallback;
    };
    let from = cx
        .facts
        .source
        .version
        .as_ref()
        .map(|v| version_key(&v.value));
    let to = cx
        .facts
        .target
        .version
        .as_ref()
        .map(|v| version_key(&v.value));
    let (Some(from), Some(to)) = (from, to) else {
        return fallback;
    };
    // A stop is after the source and not after the target; comparing only
    // as many parts as the stop has ("14" covers 14.x).
    let cmp = |stop: &[u32], v: &[u32]| {
        let n = stop.len().min(v.len().max(1));
        stop[..n.min(stop.len())].cmp(&v[..n.min(v.len())])
    };
    let mut stops: Vec<String> = train
        .iter()
        .filter(|s| {
            let k = version_key(s);
            cmp(&k, &from) == std::cmp::Ordering::Greater
                && cmp(&k, &to) != std::cmp::Ordering::Greater
        })
        .map(|s| format!("{} {s}", t.value.name))
        .collect();
    let target_label = format!(
        "{} {}",
        t.value.name,
        cx.facts
            .target
            .version
            .as_ref()
            .map(|v| v.value.as_str())
            .unwrap_or("")
    );
    match stops.last() {
        // The last stop is the target as stated ("15.1", not just "15").
        Some(_) => {
            stops.pop();
            stops.push(target_label);
        }
        None => stops.push(target_label),
    }
    stops
}

/// Whether two part names speak of the same part: they share a word of
/// three letters or more, or one word begins the other ("reset" and
/// "resets", "2fa/reset" and "2fa codes").
fn same_part(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() >= 3 && !["and", "the", "for", "all", "our"].contains(w))
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    a.iter().any(|x| {
        b.iter()
            .any(|y| x.starts_with(y.as_str()) || y.starts_with(x.as_str()))
    })
}

/// The rollback tolerance the input states for a part (a segment's
/// label), when it states tolerances per part.
pub(crate) fn part_tolerance<'f>(
    cx: &Ctx<'f>,
    part: &str,
) -> Option<&'f rollgate_intake::Fact<rollgate_intake::PartTolerance>> {
    cx.facts
        .rollback_tolerance_by_part
        .iter()
        .filter(|t| same_part(&t.value.part, part))
        .min_by_key(|t| t.value.max_minutes)
}

/// The level a stated rollback tolerance implies for a part: minutes are
/// critical, an hour high, a day medium, longer low.
fn level_of_tolerance(minutes: u64) -> rollgate_intake::Criticality {
    use rollgate_intake::Criticality::*;
    match minutes {
        0..=15 => Critical,
        16..=60 => High,
        61..=1440 => Medium,
        _ => Low,
    }
}

/// Segments least critical first: the parts the input named with their
/// levels (of equal level, the one that tolerates the slower rollback
/// first), else the parts it gave rollback tolerances for (the most
/// tolerant first), else the playbook's defaults.
fn segments(cx: &Ctx<'_>, pb: &Playbook) -> Vec<(String, &'static str)> {
    let looser_first = |part: &str| {
        std::cmp::Reverse(part_tolerance(cx, part).map_or(u64::MAX, |t| t.value.max_minutes))
    };
    let mut parts: Vec<_> = cx
        .facts
        .criticality_by_part
        .iter()
        .map(|p| (p.value.part.clone(), p.value.level))
        .collect();
    if parts.len() < 2 && cx.facts.rollback_tolerance_by_part.len() >= 2 {
        parts = cx
            .facts
            .rollback_tolerance_by_part
            .iter()
            .map(|t| {
                (
                    t.value.part.clone(),
                    level_of_tolerance(t.value.max_minutes),
                )
            })
            .collect();
    }
    if parts.len() >= 2 {
        // The parts the input named rarely cover everything: what they
        // leave out moves as a segment of its own, at a middle level (the
        // input did not single it out), before the old side is stopped.
        if !pb.routing.rest_segment.is_empty() {
            parts.push((
                pb.routing.rest_segment.clone(),
                rollgate_intake::Criticality::Medium,
            ));
        }
        parts.sort_by_key(|(p, l)| (*l, looser_first(p)));
        return parts.into_iter().map(|(p, l)| (p, l.as_str())).collect();
    }
    let n = pb.routing.default_segments.len();
    pb.routing
        .default_segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // Defaults are ordered least critical first; the last carries
            // the plan's own level.
            let l = if i + 1 == n { level(cx) } else { "medium" };
            (s.clone(), l)
        })
        .collect()
}

/// Whether a release can meet a share of traffic before all of it: the
/// named platform splits by itself, or the team runs canary deploys. With
/// no platform named, instances behind a load balancer can be canaried.
pub(crate) fn releases_split(cx: &Ctx<'_>) -> bool {
    let canary = cx
        .facts
        .capability(rollgate_intake::CapabilityKind::CanaryDeploys)
        .is_some_and(|c| c.value.present);
    match super::platform(cx) {
        Some(p) => p.splits_traffic || canary,
        None => true,
    }
}

fn is_bulk(pb: &Playbook, segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| pb.routing.bulk_words.iter().any(|b| b == w))
}

/// Bulk segments go after the first ordinary one: a cold sender warms up
/// on low-volume mail to engaged recipients before the big sends, and the
/// most critical segment still goes last.
fn order_bulk_last_but_one(
    pb: &Playbook,
    segs: Vec<(String, &'static str)>,
) -> Vec<(String, &'static str)> {
    if pb.routing.bulk_words.is_empty() || segs.len() < 3 {
        return segs;
    }
    let (bulk, plain): (Vec<_>, Vec<_>) = segs.into_iter().partition(|(s, _)| is_bulk(pb, s));
    if bulk.is_empty() || plain.len() < 2 {
        return bulk.into_iter().chain(plain).collect();
    }
    let mut out = vec![plain[0].clone()];
    out.extend(bulk);
    out.extend(plain.into_iter().skip(1));
    out
}

fn percents(pb: &Playbook, level: &str) -> Vec<u32> {
    pb.routing
        .percent
        .get(level)
        .cloned()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec![100])
}

fn ramp_steps(b: &PhaseBuilder<'_, '_>, pb: &Playbook, vars: &Vars) -> Vec<RampStep> {
    let cx = b.cx;
    let new = b.s.new.clone();
    let old = b.s.old.clone();
    let mut out: Vec<RampStep> = Vec::new();
    match pb.routing.kind.as_str() {
        "segments" => {
            let segs = order_bulk_last_but_one(pb, segments(cx, pb));
            let split = condition(cx, "switch-percent", 0);
            let n = segs.len();
            for (i, (seg, lvl)) in segs.iter().enumerate() {
                let share = (((i + 1) * 100) / n.max(1)) as u32;
                let state = format!("{new}:{}", slug(seg));
                let back_to = out.last().map(|s| s.state.clone()).unwrap_or(old.clone());
                // Bulk sends warm a cold reputation in steps of their own
                // volume, most engaged recipients first.
                let bulk = is_bulk(pb, seg);
                let within = if bulk && !pb.routing.bulk_steps.is_empty() {
                    pb.routing.bulk_steps.clone()
                } else {
                    percents(pb, lvl)
                };
                let split = split || bulk;
                if split && within.len() > 1 {
                    for pct in within {
                        let part = fill(
                            &pb.routing.percent_label,
                            &vars.with("step", pct.to_string()),
                        );
                        out.push(RampStep {
                            id: format!("{}-{pct}", slug(seg)),
                            label: if pct == 100 {
                                seg.clone()
                            } else {
                                format!("{seg} ({part})")
                            },
                            version: None,
                            state: if pct == 100 {
                                state.clone()
                            } else {
                                format!("{state}:{pct}%")
                            },
                            back_to: back_to.clone(),
                            percent: share,
                        });
                    }
                } else {
                    out.push(RampStep {
                        id: slug(seg),
                        label: seg.clone(),
                        version: None,
                        state,
                        back_to,
                        percent: share,
                    });
                }
            }
        }
        "releases" => {
            let stops = release_stops(cx, Some(pb));
            let within = if releases_split(cx) {
                percents(pb, level(cx))
            } else {
                vec![100]
            };
            // Parts with their own criticality (a marketing site, a
            // dashboard) take each release in turn, least critical first.
            let mut parts: Vec<_> = cx
                .facts
                .criticality_by_part
                .iter()
                .map(|p| (p.value.level, p.value.part.clone()))
                .collect();
            parts.sort_by_key(|(l, _)| *l);
            if parts.len() < 2 {
                parts = vec![(cx.criticality, String::new())];
            }
            let n = parts.len();
            let mut previous = old.clone();
            for stop in stops {
                let base = slug(&stop);
                for (i, (_, part)) in parts.iter().enumerate() {
                    let last_part = i + 1 == n;
                    let part_state = if part.is_empty() {
                        base.clone()
                    } else {
                        format!("{base}:{}", slug(part))
                    };
                    for &pct in &within {
                        let share_label = fill(
                            &pb.routing.percent_label,
                            &vars.with("step", pct.to_string()),
                        );
                        let label = match (part.is_empty(), pct == 100) {
                            (true, _) => share_label,
                            (false, true) => part.clone(),
                            (false, false) => format!("{part} ({share_label})"),
                        };
                        let state = match (pct == 100, last_part) {
                            (true, true) => base.clone(),
                            (true, false) => part_state.clone(),
                            (false, _) => format!("{part_state}:{pct}%"),
                        };
                        let id = if part.is_empty() {
                            format!("{base}-{pct}")
                        } else {
                            format!("{base}-{}-{pct}", slug(part))
                        };
                        out.push(RampStep {
                            id,
                            label,
                            version: Some(stop.clone()),
                            state,
                            back_to: previous.clone(),
                            // The share of the whole: a part's traffic is
                            // counted once all of it runs the release.
                            percent: if pct == 100 {
                                ((i + 1) * 100 / n) as u32
                            } else {
                                (i * 100 / n) as u32 + pct / n as u32
                            },
                        });
                    }
                }
                previous = base;
            }
        }
        _ => {
            let mut shares = percents(pb, level(cx));
            if cx.critical_path
                && shares.first() != Some(&1)
                && pb.routing.percent.contains_key("critical")
            {
                shares = percents(pb, "critical");
            }
            for pct in shares {
                out.push(RampStep {
                    id: format!("ramp-{pct}"),
                    label: fill(
                        &pb.routing.percent_label,
                        &vars.with("step", pct.to_string()),
                    ),
                    version: None,
                    state: format!("{new}:{pct}%"),
                    back_to: old.clone(),
                    percent: pct,
                });
            }
        }
    }
    // Ids stay unique whatever the segment names are.
    let mut seen: Vec<String> = Vec::new();
    for s in &mut out {
        let mut id = s.id.clone();
        let mut n = 2;
        while seen.contains(&id) {
            id = format!("{}-{n}", s.id);
            n += 1;
        }
        s.id = id.clone();
        seen.push(id);
    }
    out
}

fn items(cx: &Ctx<'_>, list: &[Item], vars: &Vars, releases: usize) -> Vec<Step> {
    list.iter()
        .filter(|i| i.condition().is_none_or(|c| condition(cx, c, releases)))
        .map(|i| cx.step(fill(i.text(), vars)))
        .collect()
}

fn criteria(list: &[CriterionTemplate], lvl: &str, vars: &Vars) -> Vec<Criterion> {
    list.iter()
        .map(|c| {
            criterion(
                &fill(&c.metric, vars),
                &c.op,
                c.value.at(lvl),
                &c.unit,
                &c.window,
            )
        })
        .collect()
}

/// Minutes one flip back takes: the platform's own rollback or a redeploy
/// for releases, the team's switch otherwise.
pub(crate) fn flip_minutes(cx: &Ctx<'_>, id: StrategyId) -> u64 {
    if id == StrategyId::FrameworkUpgrade {
        return super::platform(cx)
            .map(|p| p.minutes)
            .unwrap_or(cx.est.deploy_minutes.ceil() as u64);
    }
    cx.switch_minutes().max(1)
}

fn rollback_minutes(cx: &Ctx<'_>, id: StrategyId, t: &RollbackTime) -> u64 {
    let flip = flip_minutes(cx, id);
    let deploy = super::platform(cx)
        .map(|p| p.minutes)
        .unwrap_or(cx.est.deploy_minutes.ceil() as u64);
    match t {
        RollbackTime::Minutes(m) => *m,
        RollbackTime::Switch => flip,
        RollbackTime::SwitchPlus(m) => flip + m,
        RollbackTime::Deploy => deploy,
        RollbackTime::CanaryDeploy => super::platform(cx)
            .map(|p| p.minutes)
            .unwrap_or((cx.est.deploy_minutes / 3.0).ceil() as u64),
        RollbackTime::Rebuild => (cx.est.deploy_minutes * 4.0).ceil() as u64,
        RollbackTime::Days(d) => d * 24 * 60,
    }
}

/// The switch state a template names, in this plan's state names.
fn state_of(b: &PhaseBuilder<'_, '_>, t: &PhaseTemplate, last_release: Option<&str>) -> String {
    let new = last_release.map(str::to_string).unwrap_or(b.s.new.clone());
    match t.switch.as_str() {
        "old" => b.s.old.clone(),
        "new" => new,
        other => other
            .strip_prefix("new:")
            .map(|suffix| format!("{}:{suffix}", b.s.new))
            .unwrap_or(new),
    }
}

struct Ctl<'p> {
    pb: &'p Playbook,
    vars: Vars,
    releases: usize,
    last_release: Option<String>,
}

/// The shared bars this family is judged by, measured on its own subject.
fn family_bars(b: &PhaseBuilder<'_, '_>, pb: &Playbook, window: &str) -> Vec<Criterion> {
    let subject = &pb.bars_subject;
    let mut v = Vec::new();
    if pb.bars.iter().any(|x| x == "errors") {
        v.push(criterion(
            &format!("error rate of {subject}"),
            "<=",
            b.bar.error_pct,
            "%",
            window,
        ));
    }
    if pb.bars.iter().any(|x| x == "latency") {
        v.push(criterion(
            &format!("p95 latency of {subject} vs the old side's baseline"),
            "<=",
            b.bar.p95_pct,
            "% above",
            window,
        ));
        v.push(criterion(
            &format!("p99 latency of {subject} vs baseline"),
            "<=",
            b.bar.p99_pct,
            "% above",
            window,
        ));
    }
    v
}

/// One phase from one template (not the ramp).
fn instantiate(b: &PhaseBuilder<'_, '_>, c: &Ctl<'_>, t: &PhaseTemplate) -> Phase {
    let cx = b.cx;
    let lvl = level(cx);
    let scaled = if t.kind == "prep" {
        cx.prep_days(t.days).max(2)
    } else {
        cx.days(t.days).max(1)
    };
    // A hold that must contain a cycle contains it whatever the level:
    // 22 working days always include a month-end, 5 a full week.
    let monthly = match t.covers.as_deref() {
        Some("month") => true,
        Some("month-if-mentioned") => super::words::mentions_monthly(cx),
        _ => false,
    };
    let days = match t.covers.as_deref() {
        _ if monthly => scaled.max(22),
        Some("week") | Some("month-if-mentioned") => scaled.max(5),
        // A window set from outside (the card networks' dispute window) is
        // not shortened by a lower criticality: its working days, rounded up.
        Some(c) => rollgate_knowledge::covers_calendar_days(c)
            .map_or(scaled, |n| scaled.max((n * 5).div_ceil(7))),
        None => scaled,
    };
    let cycle = if monthly && t.covers.as_deref() == Some("month-if-mentioned") {
        " and a month-end"
    } else {
        ""
    };
    let vars = c.vars.with("days", days.to_string()).with("cycle", cycle);
    let mut p = blank(&t.id, &fill(&t.name, &vars), &t.kind);
    p.goal = fill(&t.goal, &vars);
    p.actions = items(cx, &t.actions, &vars, c.releases);
    p.checks = items(cx, &t.checks, &vars, c.releases);
    if t.common_bars {
        p.success_criteria = family_bars(b, c.pb, "the whole hold");
    }
    p.success_criteria.extend(criteria(&t.criteria, lvl, &vars));
    p.min_days = days;
    p.hold = if t.hold.is_empty() {
        if t.kind == "prep" {
            "none: the gate closes when the checks pass".into()
        } else {
            format!("{days} working days")
        }
    } else {
        fill(&t.hold, &vars)
    };
    let mut approvers = vec![b.who.owner.clone(), b.who.lead.clone()];
    if t.on_call_signs {
        approvers.push(b.who.on_call.clone());
    }
    p.gate = Gate {
        approvers,
        criteria: if t.gate.is_empty() {
            vec![format!("All criteria met for {days} working days")]
        } else {
            t.gate.iter().map(|g| fill(g, &vars)).collect()
        },
    };
    if t.full_traffic {
        p.traffic = Traffic {
            reads_percent: 100,
            writes_percent: 100,
        };
        p.traffic_percent = 100;
    }
    p.kill_switch_state = state_of(b, t, c.last_release.as_deref());
    let mut rb = items(cx, &t.rollback.before, &vars, c.releases);
    if t.rollback.flip {
        rb.extend(b.flip(&b.s.old, "back to the old side"));
    }
    rb.extend(items(cx, &t.rollback.steps, &vars, c.releases));
    p.rollback = Rollback {
        steps: rb,
        estimated_minutes: rollback_minutes(cx, b.chosen.id, &t.rollback.time),
        cost: fill(&t.rollback.cost, &vars),
    };
    p.point_of_no_return = t.point_of_no_return;
    p.data_diverges = t.diverges;
    p.because.push(because(
        &format!("playbook.{}.{}", c.pb.id, t.id),
        vec![cx.cite_criticality()],
    ));
    p
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The ramp template, once per routing step.
fn ramp(b: &PhaseBuilder<'_, '_>, c: &Ctl<'_>, t: &PhaseTemplate) -> Vec<Phase> {
    let cx = b.cx;
    let pb = c.pb;
    let steps = ramp_steps(b, pb, &c.vars);
    let n = steps.len();
    let moves_writes = matches!(
        b.chosen.id,
        StrategyId::ProviderSwitch | StrategyId::QueueDrain | StrategyId::FrameworkUpgrade
    );
    let full_days = cx.days(t.days).max(1);
    // Segments add up: after the second step both segments are moved, and
    // the state a step sets says so ("moved so far"), or a flip to it
    // would read as sending the earlier segments back.
    let labels: Vec<String> = steps.iter().map(|s| s.label.clone()).collect();
    steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let first = i == 0;
            let last = i + 1 == n;
            // A segment is a whole message type or cohort with its own
            // cycle: every one holds as long as the first; a release holds
            // longest once it has all traffic.
            let full = s.percent == 100 && s.version.is_some();
            // Every step sees at least two working days with their peaks;
            // the last holds a full week, as the plan's scenarios promise.
            let days = if last {
                full_days.max(5)
            } else if first || full || pb.routing.kind == "segments" {
                full_days
            } else {
                (full_days * 2 / 5).max(2)
            }
            .max(pb.routing.step_days_min);
            let mut vars = c
                .vars
                .with("step", s.label.clone())
                .with("days", days.to_string());
            vars.set("moved", join_and(&labels[..=i]));
            if let Some(v) = &s.version {
                vars.set("version", v.clone());
            }
            vars.set("state", s.state.clone());
            let mut p = instantiate(b, c, t);
            p.id = s.id.clone();
            p.kind = if first {
                "canary".into()
            } else {
                "ramp".into()
            };
            p.name = capitalise(&fill(&pb.routing.step_name, &vars));
            p.goal = if full && !pb.routing.step_goal_full.is_empty() {
                fill(&pb.routing.step_goal_full, &vars)
            } else {
                fill(&pb.routing.step_goal, &vars)
            };
            let mut actions = move_actions(b, pb, &s, &vars);
            actions.extend(items(cx, &t.actions, &vars, c.releases));
            p.actions = actions;
            p.traffic = Traffic {
                reads_percent: s.percent,
                writes_percent: if moves_writes { s.percent } else { 0 },
            };
            p.traffic_percent = s.percent;
            p.min_days = days;
            p.hold = fill(&pb.routing.step_hold, &vars);
            p.gate.criteria = vec![format!("All criteria met for {days} working days")];
            // A part with its own stated tolerance is gated on a way back
            // that fits it, not the plan's overall one.
            let own_tolerance = (pb.routing.kind == "segments")
                .then(|| part_tolerance(cx, &s.label))
                .flatten();
            if let Some(t) = own_tolerance {
                p.gate.criteria.push(format!(
                    "Moving {} back has been rehearsed and takes at most {} minutes, the tolerance stated for {}",
                    s.label, t.value.max_minutes, t.value.part
                ));
            }
            // Middle steps need no on-call signature unless on the critical
            // path; a team of one still signs its own gate.
            let on_call_is_extra = b.who.on_call != b.who.owner && b.who.on_call != b.who.lead;
            if !cx.critical_path && !first && !last && on_call_is_extra {
                p.gate.approvers.retain(|a| *a != b.who.on_call);
            }
            p.kill_switch_state = s.state.clone();
            p.rollback_to = Some(s.back_to.clone());
            let mut rb = items(cx, &t.rollback.before, &vars, c.releases);
            rb.extend(b.flip(&s.back_to, &format!("back from {}", s.label)));
            rb.extend(items(cx, &t.rollback.steps, &vars, c.releases));
            p.rollback.steps = rb;
            p.because = vec![because(
                &format!(
                    "playbook.{}.{}",
                    pb.id,
                    if first { "canary" } else { "ramp" }
                ),
                vec![cx.cite_criticality()],
            )];
            if let Some(t) = own_tolerance {
                p.because.push(because(
                    "playbook.part-tolerance",
                    vec![crate::ctx::cite(t)],
                ));
            }
            p
        })
        .collect()
}

/// How one step moves, with the team's own switch where rollgate has its
/// command, else in the playbook's words.
fn move_actions(b: &PhaseBuilder<'_, '_>, pb: &Playbook, s: &RampStep, vars: &Vars) -> Vec<Step> {
    let cx = b.cx;
    if pb.routing.kind == "percent" {
        if let Switch::Flag { provider, .. } = &cx.switch {
            if provider.id == "launchdarkly" {
                return b.rollout(s.percent, &s.label);
            }
        }
    }
    let full = s.version.is_some() && s.percent == 100;
    if full && !pb.routing.move_full.is_empty() {
        return vec![cx.step(fill(&pb.routing.move_full, vars))];
    }
    vec![cx.step(fill(&pb.routing.move_step, vars))]
}

/// Prep additions every family shares: the switch to build, the rules'
/// prep steps, the rehearsal and the tolerance bar.
fn complete_prep(
    b: &PhaseBuilder<'_, '_>,
    c: &Ctl<'_>,
    p: &mut Phase,
    rule_steps: Vec<Step>,
    rule_because: Vec<Because>,
) {
    let cx = b.cx;
    if b.chosen.build_router {
        let via = match &cx.switch {
            Switch::Flag { provider, .. } => format!("a flag in {}", provider.name),
            Switch::LiveConfig { .. } => "a runtime setting".into(),
            _ => format!(
                "{}{}",
                fill(&c.pb.words.switch.mechanism, &c.vars),
                b.chosen.switch_gap_note()
            ),
        };
        p.actions.push(cx.step(format!(
            "Build the switch `{}` in {via}, read by {}; default `{}`; prove the default changes nothing.",
            flag_name(cx),
            fill(&c.pb.words.switch.read_by, &c.vars),
            b.s.old
        )));
        p.min_days += cx.prep_days(3).max(1);
    }
    if let Some(pf) = super::platform(cx) {
        p.actions.push(cx.step(format!(
            "Rehearse the way back on {}: {}; time it.",
            cx.tech_name(&pf.technology),
            pf.mechanism
        )));
        if !releases_split(cx) && !pf.split_option.is_empty() {
            p.actions.push(cx.step(format!(
                "Option, not named in the input: {} would let each release meet a share of traffic before all of it. Without it, each release goes to all traffic at once, after its preview deployment has passed the full test suite.",
                pf.split_option
            )));
        }
    }
    p.actions.extend(rule_steps);
    if cx.critical_path {
        p.actions.push(cx.step(
            "Rehearse the rollback end to end in staging before anything moves, and time it.",
        ));
        p.min_days += cx.prep_days(2).max(1);
    }
    p.success_criteria.insert(
        0,
        criterion(
            "rehearsed rollback time",
            "<=",
            cx.rollback_bar() as f64,
            "minutes",
            "measured in staging",
        ),
    );
    p.because.extend(rule_because);
}

pub(crate) fn build(
    b: &mut PhaseBuilder<'_, '_>,
    prep_rules: Vec<Step>,
    prep_because: Vec<Because>,
) {
    let cx = b.cx;
    let Some(pb) = cx.playbook else {
        return;
    };
    let stops = release_stops(cx, Some(pb));
    let is_releases = pb.routing.kind == "releases";
    let mut c = Ctl {
        pb,
        vars: Vars::base(cx, Some(pb)),
        releases: if is_releases { stops.len() } else { 0 },
        last_release: None,
    };
    let (mut rule_steps, mut rule_because) = (Some(prep_rules), Some(prep_because));
    let mut out: Vec<Phase> = Vec::new();
    for t in &pb.phase {
        if t.when
            .as_deref()
            .is_some_and(|w| !condition(cx, w, c.releases))
        {
            continue;
        }
        if t.expand.is_some() {
            let phases = ramp(b, &c, t);
            if is_releases {
                c.last_release = phases.last().map(|p| p.kill_switch_state.clone());
            }
            out.extend(phases);
            continue;
        }
        let mut p = instantiate(b, &c, t);
        if t.kind == "prep" {
            complete_prep(
                b,
                &c,
                &mut p,
                rule_steps.take().unwrap_or_default(),
                rule_because.take().unwrap_or_default(),
            );
        }
        if t.kind == "hold" {
            p.success_criteria.push(criterion(
                "incidents caused by the change",
                "==",
                0.0,
                "incidents",
                "the whole hold",
            ));
        }
        out.push(p);
    }
    b.phases.extend(out);
}
