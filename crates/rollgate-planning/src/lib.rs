//! rollgate's planning engine: a pure function from facts, knowledge, a
//! start date and a mode to a [`Plan`]. No I/O and no clock: the same
//! inputs always give the same plan.
//!
//! The pipeline, one module per stage: facts → [`ctx`] (derived values) →
//! [`strategy`] → [`phases`] → [`killswitch`] → [`monitoring`] → [`people`]
//! → [`rules`] (scenarios, edge cases, shape changes from knowledge data) →
//! [`questions`] → [`risk`] → [`schedule`] → [`closing`].

mod absences;
mod approvals;
pub mod check;
pub mod closing;
pub mod ctx;
mod family;
mod history;
pub mod ids;
pub mod integrations;
pub mod killswitch;
pub mod model;
pub mod monitoring;
pub mod open_questions;
pub mod people;
pub mod phases;
pub mod questions;
pub mod risk;
pub mod rules;
pub mod strategy;
pub mod support;
mod unread;

pub use ctx::Mode;
pub use model::*;

use ctx::Ctx;
use rollgate_intake::{Criticality, Facts};
use rollgate_knowledge::{Knowledge, RuleKind};

/// Plans a migration. Pure: reads nothing but its arguments.
/// A plan with the plan checker's findings in its warnings: what every
/// front end (the CLI, the web app) hands to a reader, so a contradiction
/// is never silent. The findings are also returned for a caller that
/// reports them elsewhere (stderr).
pub fn plan_checked(
    facts: &Facts,
    knowledge: &Knowledge,
    mode: Mode,
) -> (Plan, Vec<check::Inconsistency>) {
    let mut p = plan(facts, knowledge, mode);
    let found = check::check_with(&p, facts, &knowledge.lexicon);
    for i in &found {
        p.warnings.push(format!("plan checker: {i}"));
    }
    (p, found)
}

pub fn plan(facts: &Facts, knowledge: &Knowledge, mode: Mode) -> Plan {
    let mut cx = Ctx::new(facts, knowledge, mode);
    let mut chosen = strategy::choose(&cx);
    cx.playbook = family::playbook_for(&cx, chosen.id);
    let cx = cx;
    let fire = |kind| rules::fire(&cx, chosen.id, kind);
    let prep = fire(RuleKind::Prep);
    // One step per prep rule; a single command rides on the step itself.
    let prep_steps = prep
        .iter()
        .flat_map(|f| {
            let text = format!("{}: {}", f.title, f.text);
            match f.steps.as_slice() {
                [one] => vec![Step {
                    description: text,
                    command: one.command.clone(),
                    example: one.example,
                }],
                many => {
                    let mut v = vec![cx.step(text)];
                    v.extend(many.iter().cloned());
                    v
                }
            }
        })
        .collect();
    let prep_because = prep.iter().map(|f| f.because.clone()).collect();
    let mut phases = phases::build(&cx, &chosen, prep_steps, prep_because);
    let edge = fire(RuleKind::EdgeCase);
    let shape = fire(RuleKind::ShapeChange);
    let scenarios = fire(RuleKind::Scenario);
    let rule_checks = fire(RuleKind::Check);
    let cleanup_rules = fire(RuleKind::Cleanup);
    let limit_rules = fire(RuleKind::Limit);
    let addressed: Vec<&rules::Fired> = prep
        .iter()
        .chain(&edge)
        .chain(&shape)
        .chain(&scenarios)
        .chain(&rule_checks)
        .chain(&cleanup_rules)
        .chain(&limit_rules)
        .collect();
    integrations::apply(&mut phases, integrations::treat(&cx, &addressed));
    approvals::apply(&cx, &mut phases);
    let mut history_warnings = Vec::new();
    history::apply(&cx, &mut phases, &mut history_warnings);
    unread::apply(facts, &mut phases);
    let kill_switch = killswitch::build(&cx, &chosen, &phases);
    // Gaps were chosen from the switch; the phases' own estimates may need
    // one more, so every gate and answer that points at the gaps holds.
    strategy::cover_slow_rollback(&cx, &mut chosen.strategy, &phases, kill_switch.flip_minutes);
    let cal = calendar(&cx, knowledge, &chosen);
    let needs: Vec<rollgate_scheduling::PhaseNeed> = phases
        .iter()
        .map(|p| rollgate_scheduling::PhaseNeed {
            min_days: p.min_days,
            maintenance: p.kind == "window",
        })
        .collect();
    let slots = rollgate_scheduling::schedule(&needs, facts.start_date, &cal.calendar);
    for (p, s) in phases.iter_mut().zip(&slots) {
        p.start_date = s.date;
        p.end_date = s.end_date;
        p.transition_at = s.transition_at.clone();
    }
    let end = phases
        .last()
        .map(|p| p.end_date)
        .unwrap_or(facts.start_date);
    let days = (end - facts.start_date).get_days().max(0) as u32 + 1;
    let weeks = days.div_ceil(7);
    let questions = questions::answer(&cx, &chosen, &phases, &edge, &shape);
    let risk = risk::assess(&cx, &chosen, weeks);
    let mut parity = monitoring::parity(&cx, &chosen);
    parity.extend(features_kept(facts));
    for c in rule_checks {
        if !parity.iter().any(|p| p.because.rule == c.rule.id) {
            parity.push(ParityCheck {
                name: c.title,
                method: c.text,
                schedule: "before the first read moves, and before the write cutover".into(),
                pass: "as described".into(),
                steps: c.steps,
                because: c.because,
            });
        }
    }
    // A deadline is about being on the new system: it is measured against
    // the end of the phase that moves writes (the old one is retired later).
    let deadline = facts.schedule.deadline.as_ref().map(|d| d.value.date);
    let measured = phases
        .iter()
        .position(|p| p.traffic.writes_percent == 100)
        .unwrap_or(phases.len().saturating_sub(1));
    let on_new = phases
        .get(measured)
        .map(|p| (p.name.clone(), p.end_date))
        .unwrap_or_else(|| ("the end of the plan".into(), end));
    let fits = deadline.map(|d| on_new.1 <= d);
    let slack = deadline.map(|d| cal.calendar.working_days_between(on_new.1, d));
    let support = support::assess(
        facts,
        knowledge,
        &support::Milestones {
            start: facts.start_date,
            cutover_phase: on_new.0.clone(),
            cutover_done: on_new.1,
            end,
        },
    );
    let mut warnings: Vec<String> = cal.warnings.clone();
    warnings.extend(history_warnings);
    warnings.extend(support.warnings);
    let (away_assumptions, away_warnings) = absences::notes(&phases, facts);
    warnings.extend(away_warnings);
    let mut latest_start = None;
    let mut compressible = Vec::new();
    if let Some(d) = deadline {
        if fits == Some(false) {
            latest_start = rollgate_scheduling::latest_start(&needs, measured, d, &cal.calendar);
            compressible = compressions(&phases[..=measured.min(phases.len() - 1)]);
            warnings.push(format!(
                "\"{}\" completes {}, after the deadline {d} ({} working days late).{} The holds are minimums and are not shortened; the summary lists which could be, and what each costs.",
                on_new.0,
                on_new.1,
                -slack.unwrap_or(0),
                latest_start.map(|l| format!(" Starting on or before {l} would meet it.")).unwrap_or_default()
            ));
        } else if end > d {
            warnings.push(format!(
                "Writes are on the new system by {} (\"{}\"), before the deadline {d}; retiring the old system runs on until {end}.",
                on_new.1, on_new.0
            ));
        }
    }
    if let Some(max) = &facts.schedule.max_duration_days {
        if days > max.value {
            warnings.push(format!(
                "The plan takes {days} calendar days, more than the stated maximum of {} ({}).",
                max.value,
                ctx::cite(max)
            ));
        }
    }
    if facts.source.technology.is_none() || facts.target.technology.is_none() {
        warnings.push("The input does not name both the current and the target technology; the plan cannot be specific about commands.".into());
    }
    if cx.family == rollgate_intake::Family::Database {
        // Engines no command template serves: their steps stay in words.
        let served = |engine: &str| {
            knowledge
                .commands
                .commands()
                .iter()
                .any(|c| cx.tool_engine(&c.tool).as_deref() == Some(engine))
        };
        let mut engines: Vec<String> = [&cx.source_engine, &cx.target_engine]
            .into_iter()
            .flatten()
            .filter(|e| !served(e))
            .map(|e| cx.tech_name(e))
            .collect();
        engines.dedup();
        if !engines.is_empty() {
            warnings.push(format!(
                "rollgate has no command templates for {}; steps that touch it are described in words.",
                engines.join(" and ")
            ));
        }
    }
    if cx.rollback_bar() > cx.tolerance {
        warnings.push(format!(
            "The stated rollback tolerance (~{} min, {}) is shorter than any switch can act: even a flag flip takes about {} minutes to reach every instance. The gates hold rollbacks to {} minutes; confirm that, or say which harm the tolerance protects (a login outage, lost messages) so the plan can guard it another way.",
            cx.tolerance,
            cx.cite_tolerance(),
            cx.rollback_bar(),
            cx.rollback_bar()
        ));
    }
    for f in &facts.schedule.freezes {
        if let rollgate_intake::Freeze::Unresolved { name } = &f.value {
            warnings.push(format!("The freeze \"{name}\" has no dates, so the schedule cannot avoid it: add its dates ({}).", ctx::cite(f)));
        }
    }
    let e = &knowledge.estimates;
    // Only the estimates this plan's numbers rest on: data-copy rates for
    // strategies that copy or restore data, switch times for the rest.
    let moves_data = matches!(
        chosen.id,
        strategy::StrategyId::LogicalReplication
            | strategy::StrategyId::CdcReplication
            | strategy::StrategyId::PgUpgrade
            | strategy::StrategyId::DumpRestore
    );
    let mut assumptions = Vec::new();
    if moves_data {
        assumptions.push(format!(
            "Initial copy by replication: {} GB/hour.",
            e.logical_copy_gb_per_hour
        ));
        assumptions.push(format!(
            "Dump and restore including index builds: {} GB/hour.",
            e.dump_restore_gb_per_hour
        ));
        assumptions.push(format!(
            "Snapshot restore: {} GB/hour plus {} minutes.",
            e.snapshot_restore_gb_per_hour, e.restore_overhead_minutes
        ));
    }
    // A family plan prints only the estimates its playbook's numbers rest
    // on; a database plan uses both switch estimates.
    let used = |name: &str| {
        cx.playbook
            .is_none_or(|pb| pb.assumptions.iter().any(|a| a == name))
    };
    if used("flag-flip") {
        assumptions.push(format!(
            "Flag flip taking effect everywhere: {} minutes.",
            e.flag_flip_minutes
        ));
    }
    if used("restart") || cx.playbook.is_some() && matches!(cx.switch, ctx::Switch::EnvVar { .. }) {
        assumptions.push(format!(
            "Rolling restart: {} minutes per wave of {} services.",
            e.service_restart_minutes, e.restart_parallelism
        ));
    }
    if cx
        .playbook
        .is_some_and(|pb| pb.assumptions.iter().any(|a| a == "deploy"))
    {
        match family::platform(&cx) {
            Some(pf) => assumptions.push(format!(
                "Going back to the previous release with {}: {} minutes.",
                cx.tech_name(&pf.technology),
                pf.minutes
            )),
            None => assumptions.push(format!(
                "A deploy through the pipeline: {} minutes.",
                e.deploy_minutes
            )),
        }
    }
    if phases
        .iter()
        .any(|p| p.start_date.month() == 12 || p.end_date.month() == 1)
        || end.year() > facts.start_date.year()
    {
        assumptions.push("24 December to 1 January count as days off: no transition and no hold day falls there, because traffic is not representative and the people who answer pages are away.".into());
    }
    assumptions.extend(support.assumptions);
    assumptions.extend(away_assumptions);
    let options = options_used(&cx, &phases, &chosen);
    let title = facts.title.clone().unwrap_or_else(|| {
        // An extraction moves a part, not the monolith's framework into
        // the database engine it may share with the new service.
        match (&facts.migration.component, cx.family) {
            (Some(part), rollgate_intake::Family::MonolithSplit) => format!(
                "Migration plan: extract {} from the {} monolith",
                part.value,
                facts
                    .source
                    .technology
                    .as_ref()
                    .map(|t| t.value.name.as_str())
                    .unwrap_or("current")
            ),
            _ => format!(
                "Migration plan: {} → {}",
                cx.system_name(true),
                cx.system_name(false)
            ),
        }
    });
    let summary = Summary {
        mode: if cx.critical_path {
            format!("{} (critical-path)", cx.family.as_str())
        } else {
            cx.family.as_str().to_string()
        },
        family: cx.family.as_str().into(),
        critical_path: cx.critical_path,
        criticality: cx.criticality.as_str().into(),
        confidence: risk.confidence_staged.clone(),
        confidence_big_bang: risk.confidence_big_bang.clone(),
        start_date: facts.start_date,
        end_date: end,
        deadline,
        fits_deadline: fits,
        deadline_measured_at: deadline.map(|_| on_new.0.clone()),
        slack_days: slack,
        total_weeks: weeks,
        strategy: chosen.strategy.name.clone(),
        moves: match cx.playbook {
            Some(pb) => format!(
                "{}: {}",
                pb.routing.units,
                family::fill(&pb.routing.why, &family::Vars::base(&cx, Some(pb)))
            ),
            None => "reads first, then writes, by consumer: the new database serves a growing share of reads while the old one keeps every write until the cutover".into(),
        },
        routing: cx
            .playbook
            .map(|pb| pb.routing.kind.clone())
            .unwrap_or_else(|| "percent".into()),
        rollback_tolerance_minutes: cx.tolerance,
        time_zone: cx.time_zone.clone(),
        time_zones: cal.calendar.zones.clone(),
        change_window: cal.window_text.clone(),
        change_window_zone: cal.calendar.window.zone.clone(),
        holiday_countries: cal.countries.clone(),
        latest_start,
        compressible_holds: compressible,
    };
    let risks = closing::risks(&cx, &chosen, &phases, scenarios);
    let edge_cases = closing::items(edge);
    let cleanup = closing::cleanup(&cx, cleanup_rules);
    let limits = closing::limits(&cx, limit_rules);
    let takeaways = closing::takeaways(&cx, &chosen, &phases, weeks);
    let mut plan = Plan {
        title,
        summary,
        open_questions: {
            let mut q = open_questions::build(facts);
            q.extend(support.open_questions);
            q
        },
        questions,
        risk,
        strategy: chosen.strategy.clone(),
        phases,
        kill_switch,
        monitoring: monitoring::alerts(&cx, &chosen),
        parity_checks: parity,
        people: people::plan(&cx, chosen.id.replicates()),
        risks,
        edge_cases,
        cleanup,
        limits,
        takeaways,
        assumptions,
        options,
        warnings,
        calendar: plan_calendar(&cal, facts.start_date, end),
        support: support.notes,
    };
    ids::assign(&mut plan);
    plan
}

/// How far past the plan's end the runner's calendar reaches: a rollout
/// that slips longer than this should be re-planned, and the runner says so.
const CALENDAR_MARGIN_DAYS: i64 = 120;

/// The calendar the schedule used, as data: the window and every day off
/// from a week before the start to a margin after the end.
fn plan_calendar(
    cal: &CalendarChoice,
    start: jiff::civil::Date,
    end: jiff::civil::Date,
) -> PlanCalendar {
    let window = |w: &rollgate_scheduling::Window| ChangeWindow {
        weekdays: w.weekdays.clone(),
        from_minute: w.from_minute,
        to_minute: w.to_minute,
        zone: w.zone.clone(),
    };
    let c = &cal.calendar;
    let from = start.checked_sub(jiff::ToSpan::days(7)).unwrap_or(start);
    let to = end
        .checked_add(jiff::ToSpan::days(CALENDAR_MARGIN_DAYS))
        .unwrap_or(end);
    let mut days_off = Vec::new();
    let mut d = from;
    while d <= to {
        if let Some(reason) = c.day_off_reason(d) {
            days_off.push(DayOff { date: d, reason });
        }
        d = match d.tomorrow() {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    PlanCalendar {
        time_zone: c.zones.first().cloned().unwrap_or_else(|| "UTC".into()),
        window: window(&c.window),
        maintenance_window: c.maintenance_window.as_ref().map(window),
        days_off,
        covers_from: Some(from),
        covers_to: Some(to),
    }
}

/// The name the year-end days carry in the calendar.
const YEAR_END: &str = "year-end quiet period";

struct CalendarChoice {
    calendar: rollgate_scheduling::Calendar,
    window_text: String,
    countries: Vec<String>,
    warnings: Vec<String>,
}

/// The team's calendar from the facts: zones, countries, windows, freezes.
fn calendar(cx: &Ctx<'_>, k: &Knowledge, chosen: &strategy::Chosen) -> CalendarChoice {
    use rollgate_scheduling::Window;
    let f = cx.facts;
    let mut warnings = Vec::new();
    let zones: Vec<String> = f.team.time_zones.iter().map(|z| z.value.clone()).collect();
    let mut countries: Vec<String> = f
        .schedule
        .holiday_countries
        .iter()
        .map(|c| c.value.clone())
        .collect();
    for z in &zones {
        match k.zones.country_of(z) {
            Some(c) if !countries.iter().any(|x| x == c) => countries.push(c.to_string()),
            Some(_) => {}
            None => warnings.push(format!("rollgate does not know which country's holidays apply in {z}; add them with constraints.holiday_countries or holidays.")),
        }
    }
    let known: Vec<String> = countries
        .iter()
        .filter(|c| k.holidays.country(c).is_some())
        .cloned()
        .collect();
    for c in countries.iter().filter(|c| k.holidays.country(c).is_none()) {
        warnings.push(format!("No public-holiday rules for {c}; list its holidays in the spec (constraints.holidays) so transitions avoid them."));
    }
    if zones.is_empty() {
        warnings.push("No time zone stated: the plan uses UTC and no public holidays.".into());
    }
    let careful = cx.criticality >= Criticality::Medium || cx.critical_path;
    let window = match f.schedule.change_windows.first() {
        Some(w) => Window {
            weekdays: w.value.weekdays.clone(),
            from_minute: w.value.from_minute,
            to_minute: w.value.to_minute,
            zone: w.value.zone.clone(),
        },
        None if careful => Window::business_midweek(),
        None => Window::weekdays_working(),
    };
    // Low-criticality window work may use an agreed evening window.
    let maintenance = (!careful
        && matches!(
            chosen.id,
            strategy::StrategyId::PgUpgrade | strategy::StrategyId::DumpRestore
        ))
    .then(Window::maintenance_evening);
    let mut window_text = window.describe();
    if let Some(m) = &maintenance {
        window_text.push_str(&format!("; maintenance windows {} (low criticality allows an evening window; agree it with the users)", m.describe()));
    }
    let year = f.start_date.year();
    let mut calendar = rollgate_scheduling::Calendar::new(
        zones,
        window,
        maintenance,
        &k.holidays,
        &known,
        &f.schedule
            .holidays
            .iter()
            .map(|h| h.value)
            .collect::<Vec<_>>(),
        f.schedule.freezes.iter().map(|x| x.value.clone()).collect(),
        (year - 1)..=(year + 3),
    );
    // The last week of the year is no week to judge a gate by: traffic is
    // not representative and the people who would answer a page are away.
    // It counts as days off whatever the country.
    for y in (year - 1)..=(year + 3) {
        for day in 24..=31 {
            if let Ok(d) = jiff::civil::Date::new(y, 12, day) {
                calendar
                    .holidays
                    .entry(d)
                    .or_insert_with(|| YEAR_END.to_string());
            }
        }
        if let Ok(d) = jiff::civil::Date::new(y + 1, 1, 1) {
            calendar
                .holidays
                .entry(d)
                .or_insert_with(|| YEAR_END.to_string());
        }
    }
    calendar.freezes.extend(absences::blocking_freezes(f));
    for fr in &f.schedule.freezes {
        if let rollgate_intake::Freeze::Unresolved { name } = &fr.value {
            warnings.push(format!("The freeze \"{name}\" has no dates, so the schedule cannot avoid it: add its dates ({}).", ctx::cite(fr)));
        }
    }
    CalendarChoice {
        calendar,
        window_text,
        countries: known,
        warnings,
    }
}

/// What the old system provides (its from-state features) must work on
/// the new one before anyone depends on it: one check that lists them all.
fn features_kept(f: &rollgate_intake::Facts) -> Option<ParityCheck> {
    let features = &f.source.features;
    if features.is_empty() {
        return None;
    }
    let names: Vec<&str> = features.iter().map(|x| x.value.as_str()).collect();
    Some(ParityCheck {
        name: "What the old system provides still works".into(),
        method: format!(
            "Exercise each feature the input lists for today's system on the new side, end to end with a real account: {}.",
            names.join("; ")
        ),
        schedule: "before the first users or traffic move, and again before the old system is retired".into(),
        pass: "every listed feature works on the new side, or the plan names its replacement".into(),
        steps: Vec::new(),
        because: ctx::because(
            "parity.features-kept",
            features.iter().map(ctx::cite).collect(),
        ),
    })
}

/// Holds that could be shortened, with what each shortcut costs.
fn compressions(phases: &[Phase]) -> Vec<Compression> {
    phases
        .iter()
        .filter(|p| matches!(p.kind.as_str(), "sync" | "canary" | "ramp" | "hold") && p.min_days > 2)
        .map(|p| {
            let could_be = (p.min_days / 2).max(2);
            let risk = match p.kind.as_str() {
                "sync" => "less time to see replication through peaks and batch jobs before anyone depends on it",
                "canary" => "fewer days of real traffic before the ramp; rare request shapes may not appear",
                "ramp" => "less time at this share of traffic; a weekly cycle may not be seen",
                _ => "the old system is retired before a full business cycle has run on the new one",
            };
            Compression { phase: p.name.clone(), min_days: p.min_days, could_be, saves_days: p.min_days - could_be, risk: risk.into() }
        })
        .collect()
}

/// Tools the plan's commands use that the input did not name.
fn options_used(cx: &Ctx<'_>, phases: &[Phase], chosen: &strategy::Chosen) -> Vec<String> {
    let mut v = Vec::new();
    for p in phases {
        for s in p.actions.iter().chain(&p.checks).chain(&p.rollback.steps) {
            if s.example {
                if let Some(c) = &s.command {
                    let tool = c.split_whitespace().next().unwrap_or("").to_string();
                    if !v.contains(&tool) {
                        v.push(tool);
                    }
                }
            }
        }
    }
    if let Some(t) = &chosen.strategy.replication_tool {
        if t.contains("option:") && !v.contains(t) {
            v.push(t.clone());
        }
    }
    let _ = cx;
    v
}
