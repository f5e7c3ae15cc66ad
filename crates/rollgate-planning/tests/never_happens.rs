//! Properties that must hold for any input: generated specs go through the
//! real intake and the planner, and every plan is checked for the things
//! that must never happen.

use jiff::civil::date;
use proptest::prelude::*;
use rollgate_intake::{read_bytes, Facts, InputForm};
use rollgate_planning::killswitch::{state_allowed, states};
use rollgate_planning::strategy::StrategyId;
use rollgate_planning::{plan, Mode, Plan};
use std::sync::LazyLock;

mod support;
use support::{facts_of, spec, toml, Spec, K};

static MATCHER: LazyLock<rollgate_intake::extract::tech::TechMatcher> =
    LazyLock::new(|| rollgate_intake::extract::tech::TechMatcher::new(&K.catalog));

/// Every technology the rendered plan names was named by the input, or
/// stands in an option context.
fn check_named(facts: &Facts, p: &Plan) -> Result<(), String> {
    let md = rollgate_render::markdown(p, rollgate_render::Options { explain: true });
    let json = rollgate_render::json(p);
    let matcher = &*MATCHER;
    let mut named: Vec<String> = facts
        .technologies
        .iter()
        .filter(|m| !m.value.negated)
        .map(|m| m.value.tech.id.clone())
        .collect();
    for t in K.catalog.technologies() {
        if t.ships_with.as_ref().is_some_and(|e| named.contains(e)) {
            named.push(t.id.clone());
        }
    }
    // Engines of named managed services ("Aurora PostgreSQL" names PostgreSQL).
    for id in named.clone() {
        if let Some(t) = K.catalog.get(&id) {
            named.extend(t.engine.iter().cloned());
        }
    }
    for text in [&md, &json] {
        for hit in matcher.find(text) {
            if named.contains(&hit.value.id) {
                continue;
            }
            let from = text[..hit.start]
                .char_indices()
                .rev()
                .nth(300)
                .map(|(i, _)| i)
                .unwrap_or(0);
            let context = text[from..hit.start].to_ascii_lowercase();
            if context.contains("for example")
                || context.contains("option")
                || context.contains("\"example\": true")
            {
                continue;
            }
            let line = text[hit.start..].lines().next().unwrap_or("");
            return Err(format!(
                "plan names {} without the input naming it: …{line}",
                hit.value.id
            ));
        }
    }
    Ok(())
}

fn check_phases(p: &Plan) -> Result<(), String> {
    if p.phases.is_empty() {
        return Err("no phases".into());
    }
    for ph in &p.phases {
        if ph.checks.is_empty()
            || ph.success_criteria.is_empty()
            || ph.gate.approvers.is_empty()
            || ph.gate.criteria.is_empty()
        {
            return Err(format!("phase {} lacks checks, criteria or a gate", ph.id));
        }
        if ph.rollback.steps.is_empty()
            || ph.rollback.estimated_minutes == 0
            || ph.rollback.cost.is_empty()
        {
            return Err(format!("phase {} lacks a rollback with an estimate", ph.id));
        }
        let database = matches!(
            p.strategy.id.as_str(),
            "logical-replication" | "cdc-replication" | "pg-upgrade" | "dump-restore"
        );
        if database && ph.traffic.writes_percent != 0 && ph.traffic.writes_percent != 100 {
            return Err(format!(
                "phase {} splits writes between two databases",
                ph.id
            ));
        }
        if ph.end_date < ph.start_date || ph.transition_at.is_empty() {
            return Err(format!("phase {} has bad dates", ph.id));
        }
    }
    // Writes move once and never come back within the plan.
    let mut moved = false;
    for ph in &p.phases {
        if ph.traffic.writes_percent == 100 {
            moved = true;
        } else if moved
            && matches!(
                p.strategy.id.as_str(),
                "logical-replication" | "cdc-replication" | "pg-upgrade" | "dump-restore"
            )
        {
            return Err(format!(
                "phase {} moves writes back after the cutover",
                ph.id
            ));
        }
    }
    for w in p.phases.windows(2) {
        if w[1].start_date <= w[0].end_date {
            return Err(format!("phases {} and {} overlap", w[0].id, w[1].id));
        }
    }
    if p.phases.iter().filter(|ph| ph.point_of_no_return).count() == 0 {
        return Err("no point of no return marked".into());
    }
    Ok(())
}

/// A dual run never shows a customer the same thing twice, and no phase
/// needs a switch the team lacks without a prep step that builds it.
fn check_family_rules(p: &Plan) -> Result<(), String> {
    if p.strategy.id == "provider-switch-by-cohort" {
        for ph in p
            .phases
            .iter()
            .filter(|ph| matches!(ph.kind.as_str(), "canary" | "ramp" | "shadow"))
        {
            if !ph
                .success_criteria
                .iter()
                .any(|c| c.metric.contains("both providers") && c.value == 0.0)
            {
                return Err(format!(
                    "phase {} runs both providers without a no-duplicates gate",
                    ph.id
                ));
            }
        }
    }
    let percentage = p.phases.iter().any(|ph| ph.kill_switch_state.contains('%'));
    if percentage && p.kill_switch.provider.is_none() && p.strategy.id != "staged-framework-upgrade"
    {
        let prep = p
            .phases
            .first()
            .map(|ph| {
                ph.actions
                    .iter()
                    .any(|a| a.description.contains("switch") || a.description.contains("router"))
            })
            .unwrap_or(false);
        if !prep {
            return Err("percentage steps without a switch, and no prep step builds one".into());
        }
    }
    Ok(())
}

fn check_no_two_writers(p: &Plan) -> Result<(), String> {
    // Application dual-write into a target that replication also feeds.
    let replicates = p.strategy.id == "logical-replication" || p.strategy.id == "cdc-replication";
    for ph in &p.phases {
        for s in &ph.actions {
            let d = s.description.to_ascii_lowercase();
            if replicates
                && (d.contains("dual-write") || d.contains("write to both"))
                && !d.contains("no ")
            {
                return Err(format!("phase {} asks the application to dual-write while replication feeds the target", ph.id));
            }
        }
    }
    if replicates {
        // Forward replication must be stopped in the same step that opens
        // writes on the target.
        if let Some(cut) = p.phases.iter().find(|ph| ph.kind == "cutover") {
            let text: String = cut
                .actions
                .iter()
                .filter_map(|s| s.command.clone())
                .collect::<Vec<_>>()
                .join("\n");
            if text.contains("rollgate_forward")
                && !text.contains("DROP SUBSCRIPTION rollgate_forward")
                && text.contains("rollgate_reverse")
            {
                return Err(
                    "reverse replication starts while forward replication still runs".into(),
                );
            }
        }
    }
    Ok(())
}

fn check_switch_states(facts: &Facts, p: &Plan) -> Result<(), String> {
    let strategy = match p.strategy.id.as_str() {
        "logical-replication" => StrategyId::LogicalReplication,
        "cdc-replication" => StrategyId::CdcReplication,
        "pg-upgrade" => StrategyId::PgUpgrade,
        "dump-restore" => StrategyId::DumpRestore,
        "cache-warm-and-shift" => StrategyId::CacheShift,
        "stateful-store-move" => StrategyId::StatefulStore,
        "queue-drain" => StrategyId::QueueDrain,
        "search-reindex" => StrategyId::SearchReindex,
        "staged-framework-upgrade" => StrategyId::FrameworkUpgrade,
        "provider-switch-by-cohort" => StrategyId::ProviderSwitch,
        "strangler-extraction" => StrategyId::Strangler,
        _ => StrategyId::StagedSwitch,
    };
    let cx = rollgate_planning::ctx::Ctx::new(facts, &K, Mode::Auto);
    let s = states(&cx);
    let mut after = false;
    for ph in &p.phases {
        if ph.traffic.writes_percent == 100 {
            after = true;
        }
        if !state_allowed(strategy, &ph.kill_switch_state, &s, after) {
            return Err(format!(
                "phase {} uses switch state {} it cannot safely use",
                ph.id, ph.kill_switch_state
            ));
        }
        // "valkey:25%" is an instance of the defined state "valkey:<percent>%".
        let generic = ph
            .kill_switch_state
            .split_once(':')
            .map(|(base, _)| format!("{base}:<percent>%"));
        let known = p
            .kill_switch
            .states
            .iter()
            .any(|st| st.name == ph.kill_switch_state || Some(&st.name) == generic.as_ref())
            || strategy == StrategyId::StagedSwitch
            || ph.kill_switch_state == "maintenance";
        if !known {
            return Err(format!(
                "phase {} uses switch state {} the kill switch does not define",
                ph.id, ph.kill_switch_state
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_database_plans_never_break_the_rules(s in spec()) {
        let facts = facts_of(&s);
        let p = plan(&facts, &K, Mode::Auto);
        prop_assert!(check_phases(&p).is_ok(), "{:?}\n{}", check_phases(&p), toml(&s));
        prop_assert!(check_no_two_writers(&p).is_ok(), "{:?}", check_no_two_writers(&p));
        prop_assert!(check_family_rules(&p).is_ok(), "{:?}\n{}", check_family_rules(&p), toml(&s));
        prop_assert!(check_switch_states(&facts, &p).is_ok(), "{:?}\n{}", check_switch_states(&facts, &p), toml(&s));
        prop_assert!(check_named(&facts, &p).is_ok(), "{:?}\n{}", check_named(&facts, &p), toml(&s));
        // Deterministic: the same input plans the same way.
        let again = plan(&facts, &K, Mode::Auto);
        prop_assert_eq!(rollgate_render::json(&p), rollgate_render::json(&again));
        // Critical-path mode never makes a plan less careful.
        let cp = plan(&facts, &K, Mode::CriticalPath);
        let total = |p: &Plan| p.phases.iter().map(|ph| ph.min_days).sum::<u32>();
        prop_assert!(total(&cp) >= total(&p));
    }
}

#[test]
fn every_bundled_example_plans_within_the_rules() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut n = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let form = InputForm::from_extension(&name);
        let facts = read_bytes(&name, &bytes, form, &K, date(2026, 4, 27)).unwrap();
        let p = plan(&facts, &K, Mode::Auto);
        check_phases(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_no_two_writers(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_family_rules(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_switch_states(&facts, &p).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_named(&facts, &p).unwrap_or_else(|e| panic!("{name}: {e}"));
        n += 1;
    }
    assert!(n >= 19);
}

#[test]
fn nothing_from_the_seed_leaks_into_other_plans() {
    let s = Spec {
        source: ("mysql", "5.7", "aws-ec2"),
        target: ("postgresql", "16", "cloud-sql"),
        criticality: "high",
        tolerance: 30,
        data_gb: 100,
        consumers: 5,
        flags: "none",
        read_routing: None,
        dual_write: false,
        roles: vec![("backend-engineer", 3, false)],
        integrations: vec![("webhook", None, "")],
        zone: "Europe/Berlin",
        experience: 1,
        migration: None,
        parts: "",
    };
    let facts = facts_of(&s);
    let md = rollgate_render::markdown(
        &plan(&facts, &K, Mode::Auto),
        rollgate_render::Options { explain: true },
    );
    for word in [
        "LaunchDarkly",
        "Snowflake",
        "Stripe",
        "RDS",
        "EC2 instance",
        "600 GB",
        "Pacific",
        "Los_Angeles",
        "compliance audit",
        "12000",
    ] {
        assert!(!md.contains(word), "{word} leaked into an unrelated plan");
    }
}
