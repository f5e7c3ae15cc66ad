//! The four questions every migration must answer, each rated with the
//! facts that decided it and what it changed in the plan.

use crate::ctx::{because, cite, Ctx, Switch};
use crate::model::{Phase, Question};
use crate::rules::Fired;
use crate::strategy::Chosen;
use rollgate_intake::{ChangeKind, Criticality};

pub fn answer(
    cx: &Ctx<'_>,
    chosen: &Chosen,
    phases: &[Phase],
    edge: &[Fired],
    shape: &[Fired],
) -> Vec<Question> {
    vec![
        rollback_speed(cx, chosen, phases),
        edge_cases(cx, chosen, edge),
        data_shape(cx, shape),
        on_call(cx, phases),
    ]
}

fn rollback_speed(cx: &Ctx<'_>, chosen: &Chosen, phases: &[Phase]) -> Question {
    let tolerance = cx.tolerance;
    let before = phases
        .iter()
        .find(|p| p.traffic.reads_percent > 0 && p.traffic.writes_percent == 0)
        .map(|p| p.rollback.estimated_minutes);
    let after = phases
        .iter()
        .find(|p| p.kind == "cutover" || p.kind == "window")
        .map(|p| p.rollback.estimated_minutes);
    let pnr = phases.iter().find(|p| p.point_of_no_return);
    // The rollbacks that matter are those up to and including the step that
    // moves writes (the cutover or the window); later ones are reported
    // with the point of no return.
    let worst = phases
        .iter()
        .take(
            phases
                .iter()
                .position(|p| p.kind == "cutover" || p.kind == "window")
                .unwrap_or(phases.len().saturating_sub(1))
                + 1,
        )
        .map(|p| p.rollback.estimated_minutes)
        .max()
        .unwrap_or(0);
    let fast = worst <= tolerance;
    let mut reasons = Vec::new();
    if let Some(b) = before {
        reasons.push(format!("Before the write cutover, rolling back is flipping the kill switch: about {b} minutes."));
    }
    if let Some(a) = after {
        reasons.push(if chosen.reverse {
            format!("After the write cutover, reverse replication keeps the old database current, so a rollback is pause, drain, flip: about {a} minutes.")
        } else {
            format!("After the cutover or window, a rollback costs about {a} minutes: {}", phases.iter().find(|p| p.kind == "cutover" || p.kind == "window").map(|p| p.rollback.cost.clone()).unwrap_or_default())
        });
    }
    if let Some(p) = pnr.filter(|p| !(p.kind == "cutover" || p.kind == "window")) {
        reasons.push(format!(
            "From \"{}\" on there is no fast way back: {}",
            p.name, p.rollback.cost
        ));
    }
    if matches!(cx.switch, Switch::EnvVar { .. } | Switch::None)
        && chosen.id != crate::strategy::StrategyId::PgUpgrade
        && chosen.id != crate::strategy::StrategyId::FrameworkUpgrade
    {
        reasons.push(format!("Flipping the switch means restarts or deploys (about {} minutes); that bounds every rollback.", cx.switch_minutes()));
    }
    let answer = if fast {
        format!("Fast: every rollback up to and including the step that moves writes fits in about {worst} minutes, inside the {tolerance}-minute tolerance.")
    } else {
        format!("Slow: the slowest rollback up to the step that moves writes takes about {worst} minutes, over the {tolerance}-minute tolerance; the gaps under the strategy say what closes it.")
    };
    let mut shapes = vec!["Every phase carries its own rollback with a time estimate; gates check the estimate against the tolerance.".to_string()];
    if chosen.reverse {
        shapes.push("Reverse replication is set up during the cutover, so a rollback after it loses no writes and needs no restore.".into());
    }
    if !chosen.strategy.gaps.is_empty() {
        shapes.push("The prep phase builds what the gaps name before any traffic moves.".into());
    }
    Question {
        id: "rollback_speed".into(),
        question: "Is the rollback fast or slow?".into(),
        rating: if fast { "fast".into() } else { "slow".into() },
        answer,
        reasons,
        shapes_plan: shapes,
        because: vec![because("q.rollback-speed", vec![cx.cite_tolerance()])],
    }
}

fn edge_cases(cx: &Ctx<'_>, chosen: &Chosen, edge: &[Fired]) -> Question {
    let rating = if cx.changes.contains(&ChangeKind::VendorChange) {
        "high risk"
    } else if cx.changes.contains(&ChangeKind::VersionUpgrade) {
        "medium risk"
    } else if edge.is_empty() {
        "low risk"
    } else {
        "low to medium risk"
    };
    let mut reasons: Vec<String> = edge
        .iter()
        .map(|e| format!("{}: {}", e.title, e.text))
        .collect();
    let proof = cx.playbook.map(|pb| pb.words.questions.edge_proof.clone());
    if reasons.is_empty() {
        reasons.push(match &proof {
            Some(p) => format!("No technology-pair rule applies to this input; the main test is {p}."),
            None => "No technology-pair rule applies to this input; the shadow comparison on reads is the main test.".into(),
        });
    }
    Question {
        id: "edge_case_parity".into(),
        question: "Does the new system handle the old system's edge cases?".into(),
        rating: rating.into(),
        answer: match (&proof, edge.len()) {
            (Some(p), 0) => format!("Not proven until tested: no known difference is listed for {} → {}; {p} is where differences show before anyone depends on the new side.", cx.system_name(true), cx.system_name(false)),
            (Some(p), n) => format!("Not proven until tested: {n} known difference(s) to check for {} → {}, listed below and exercised by {p} before anyone depends on the new side.", cx.system_name(true), cx.system_name(false)),
            (None, _) => format!(
                "Not proven until tested: {} to check for {} → {}, listed below and exercised {} before any user depends on the new side.",
                edge.len().max(1),
                cx.system_name(true),
                cx.system_name(false),
                if chosen.id.replicates() || chosen.id == crate::strategy::StrategyId::StagedSwitch { "by the shadow comparison" } else { "on the rehearsal copy" }
            ),
        },
        reasons,
        shapes_plan: if proof.is_some() {
            vec![
                "The phase before the first real move exercises every case on internal or mirrored traffic.".into(),
                "The edge cases become prep tasks and gate criteria.".into(),
            ]
        } else if chosen.id.replicates() || chosen.id == crate::strategy::StrategyId::StagedSwitch {
            vec![
                "A read canary with result comparison comes before the read ramp.".into(),
                "The edge cases become prep tasks and gate criteria.".into(),
            ]
        } else {
            vec![
                "The rehearsal on a copy runs these tests before the window is booked.".into(),
                "The edge cases become prep tasks and gate criteria.".into(),
            ]
        },
        because: edge.iter().map(|e| e.because.clone()).collect(),
    }
}

fn data_shape(cx: &Ctx<'_>, shape: &[Fired]) -> Question {
    let rank = |s: &str| match s {
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    };
    let words = cx.playbook.map(|pb| &pb.words.questions);
    let top = shape
        .iter()
        .filter_map(|s| s.rule.severity.as_deref())
        .max_by_key(|s| rank(s))
        .unwrap_or(match words {
            // A family plan with no shape rule: the playbook says what can
            // still change shape, so the risk is not "high" for nothing.
            Some(_) if cx.changes.contains(&ChangeKind::VendorChange) => "medium",
            Some(_) => "low",
            None if cx.changes.contains(&ChangeKind::VendorChange) => "high",
            None => "none",
        });
    if let (Some(w), true) = (words, shape.is_empty()) {
        let vars = crate::family::Vars::base(cx, cx.playbook);
        return Question {
            id: "data_shape_risk".into(),
            question: "What is the data-shape change risk?".into(),
            rating: top.to_string(),
            answer: format!(
                "{}: no rule about stored data applies to {} → {}; what can still change shape is below.",
                capitalise(top),
                cx.system_name(true),
                cx.system_name(false)
            ),
            reasons: vec![crate::family::fill(&w.shape_unchanged, &vars)],
            shapes_plan: w.shape_checks.iter().map(|c| crate::family::fill(c, &vars)).collect(),
            because: Vec::new(),
        };
    }
    let reasons: Vec<String> = if shape.is_empty() {
        vec![if cx.family == rollgate_intake::Family::Database {
            "Same engine and no rule about types, encodings, collations or sequences applies: rows keep their shape.".into()
        } else {
            "No rule about data shapes applies to this pair: stored data keeps its shape.".into()
        }]
    } else {
        shape
            .iter()
            .map(|s| format!("{}: {}", s.title, s.text))
            .collect()
    };
    Question {
        id: "data_shape_risk".into(),
        question: "What is the data-shape change risk?".into(),
        rating: top.to_string(),
        answer: match top {
            "none" => "None: the data keeps its shape.".into(),
            level => format!(
                "{}: {} thing(s) change shape between {} and {}.",
                capitalise(level),
                shape.len(),
                cx.system_name(true),
                cx.system_name(false)
            ),
        },
        reasons,
        shapes_plan: if top == "none" {
            vec!["Parity checks compare rows byte for byte.".into()]
        } else {
            vec!["Parity checks compare converted values, and each shape change gets its own check before cutover.".into()]
        },
        because: shape.iter().map(|s| s.because.clone()).collect(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The pager this plan's incidents land on, in the family's words.
pub(crate) fn pager(cx: &Ctx<'_>) -> String {
    match cx.playbook {
        Some(pb) => crate::family::fill(&pb.words.pager, &crate::family::Vars::base(cx, Some(pb))),
        None => "the database pager".into(),
    }
}

/// The team as the input gives it: a size, the roles counted, the people
/// named; never "across 0 roles" when the input names people, not roles.
fn team_in_words(team: &rollgate_intake::TeamFacts, people: u32) -> String {
    let named: Vec<&str> = team.named_people().collect();
    let mut out = if people == 1 {
        "1 person".to_string()
    } else {
        format!("{people} people")
    };
    if !team.members.is_empty() {
        out.push_str(&format!(" in {} role(s)", team.members.len()));
    }
    if !named.is_empty() {
        out.push_str(&format!("; named: {}", named.join(", ")));
    }
    out.push('.');
    out
}

fn on_call(cx: &Ctx<'_>, phases: &[Phase]) -> Question {
    let team = &cx.facts.team;
    // Named people count when no size or role counts were stated.
    let named = team.named_people().count() as u32;
    let people = team.headcount().max(named);
    let contractor = team.members.iter().any(|m| m.value.contractor);
    let zones = team.time_zones.len();
    let risky_days: u32 = phases
        .iter()
        .filter(|p| matches!(p.kind.as_str(), "cutover" | "hold" | "window" | "canary"))
        .map(|p| p.min_days)
        .sum();
    let mut reasons = Vec::new();
    let mut facts: Vec<String> = team.members.iter().map(cite).collect();
    facts.extend(team.time_zones.iter().map(cite));
    if people == 0 {
        reasons.push(
            "The input does not say who is on the team; the rota below uses role placeholders."
                .into(),
        );
    } else {
        reasons.push(team_in_words(team, people));
    }
    if contractor {
        reasons.push("Key expertise sits with a contractor: their availability through the cutover and hold has to be agreed in writing, and a staff engineer shadows every step they run.".into());
    }
    if zones <= 1 {
        reasons.push(format!(
            "One time zone ({}): no follow-the-sun; nights are covered by a pager rota.",
            cx.time_zone
        ));
    } else {
        reasons.push(format!("{zones} time zones: transitions happen in the overlap, and each zone covers its own day."));
    }
    reasons.push(format!(
        "About {risky_days} working days of elevated risk (canary, cutover, hold)."
    ));
    let heavy =
        people < 4 || contractor || cx.criticality == Criticality::Critical && risky_days > 10;
    Question {
        id: "on_call_burden".into(),
        question: "What is the on-call burden?".into(),
        rating: if heavy { "high".into() } else if people < 8 { "medium".into() } else { "low".into() },
        answer: format!(
            "{} for about {risky_days} working days: the primary carries {} through cutover and hold, with a named secondary and a decision-maker on every transition.",
            if heavy { "Heavy" } else { "Manageable" },
            pager(cx)
        ),
        reasons,
        shapes_plan: vec![
            "Transitions only in business hours of the team, Tuesday to Thursday, with everyone on the rota present.".into(),
            "The rota below names primary, secondary and decision-maker per phase.".into(),
        ],
        because: vec![because("q.on-call-burden", facts)],
    }
}
