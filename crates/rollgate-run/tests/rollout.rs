//! Whole rollouts of a bundled example's plan through the runner, with a
//! scripted world: every gate met, a failure mid-ramp, missing data, a
//! closed window, an override, and a crash between intent and result.

mod support;

use rollgate_run::*;
use support::*;

const EXAMPLE: &str = "redis-to-valkey-sessions.txt";

struct Fixture {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    id: String,
    clock: TestClock,
}

fn fixture(json: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("runs.db")).unwrap();
    // Monday 27 April 2026, 08:00 UTC (10:00 in Berlin).
    let clock = TestClock::at("2026-04-27T08:00:00Z");
    let id = start(&mut store, json, None, &clock, "ana").unwrap();
    Fixture {
        _dir: dir,
        store,
        id,
        clock,
    }
}

/// Every metric id any phase measures.
fn all_metrics(plan: &rollgate_planning::Plan) -> Vec<String> {
    let mut v: Vec<String> = plan
        .phases
        .iter()
        .flat_map(|p| p.success_criteria.iter().map(|c| c.metric_id.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The example's plan, a fresh rollout of it, and a world in which every
/// metric the plan measures is bound to a scripted source.
fn every_metric_bound() -> (rollgate_planning::Plan, Fixture, World) {
    let json = plan_json(EXAMPLE);
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let f = fixture(&json);
    let ids = all_metrics(&plan);
    let world = World::new(&ids.iter().map(String::as_str).collect::<Vec<_>>());
    (plan, f, world)
}

fn open<'a>(f: &'a mut Fixture, world: &World) -> Runner<'a> {
    Runner::open(&mut f.store, &f.id, world.wiring(), &f.clock, "ana").unwrap()
}

/// Scripts good values for the current phase, samples until every check
/// has its count, approves as every approver, and waits (moving the clock)
/// for the hold and the window.
fn meet_gate(f: &mut Fixture, world: &World) {
    let (criteria, roles) = {
        let r = open(f, world);
        (
            r.phase().success_criteria.clone(),
            r.phase().gate.approvers.clone(),
        )
    };
    for c in &criteria {
        world.values.set(&c.metric_id, Some(good(&c.op, c.value)));
    }
    for _ in 0..world.judging.count {
        let mut r = open(f, world);
        r.tick().unwrap();
        drop(r);
        f.clock.forward(world.judging.interval_seconds as i64);
    }
    for (i, _) in roles.iter().enumerate() {
        let mut r = open(f, world);
        r.approve(&format!("person-{i}"), Some(&(i + 1).to_string()), "")
            .unwrap();
    }
    for _ in 0..400 {
        let r = open(f, world);
        let g = r.gate();
        if g.blocking.is_empty() {
            return;
        }
        assert!(
            g.blocking
                .iter()
                .all(|b| b.contains("hold") || b.contains("window")),
            "{:?}",
            g.blocking
        );
        let next = g
            .next_open
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok());
        drop(r);
        match next {
            Some(t) if t > f.clock.now() => f.clock.set(t),
            _ => f.clock.forward(24 * 3600),
        }
    }
    panic!("the gate never opened");
}

#[test]
fn a_rollout_with_every_gate_met_runs_from_prep_to_completion_and_flips_the_switch_once_per_state()
{
    let json = plan_json(EXAMPLE);
    let mut f = fixture(&json);
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let metrics = all_metrics(&plan);
    let world = World::new(&metrics.iter().map(String::as_str).collect::<Vec<_>>());
    for i in 0..plan.phases.len() {
        meet_gate(&mut f, &world);
        let mut r = open(&mut f, &world);
        assert_eq!(r.state().phase, i);
        let out = r.advance(None).unwrap();
        if i + 1 < plan.phases.len() {
            assert_eq!(r.state().phase, i + 1, "{}", out.done);
            let want = &plan.phases[i + 1];
            if let Some(now) = world.switch.now.borrow().as_ref() {
                assert_eq!(now.state, r.state().switch.as_ref().unwrap().state);
            }
            assert!(out.done.contains(&want.id));
        } else {
            assert_eq!(r.state().status, Status::Completed);
        }
    }
    // One change per change of state: never the same target twice in a row.
    let applied = world.switch.applied.borrow();
    assert!(!applied.is_empty());
    for pair in applied.windows(2) {
        assert_ne!(pair[0], pair[1]);
    }
    let last = plan.phases.last().unwrap();
    assert_eq!(applied.last().unwrap().state, last.kill_switch_state);
    // Every transition happened inside the window on a day the plan allows.
    let r = open(&mut f, &world);
    for e in r.entries() {
        if let Event::PhaseEntered { index, .. } = e.event {
            if index == 0 {
                continue;
            }
            let t: jiff::Timestamp = e.at.parse().unwrap();
            assert_eq!(
                rollgate_run::window::check(&plan.calendar, t, false),
                rollgate_run::window::WindowState::Open,
                "{}",
                e.at
            );
        }
    }
    assert!(world
        .inbox
        .0
        .borrow()
        .iter()
        .any(|m| m.contains("complete")));
}

fn run_to_phase(f: &mut Fixture, world: &World, kind: &str) -> usize {
    loop {
        let (i, k) = {
            let r = open(f, world);
            (r.state().phase, r.phase().kind.clone())
        };
        if k == kind {
            return i;
        }
        meet_gate(f, world);
        open(f, world).advance(None).unwrap();
    }
}

#[test]
fn a_failing_check_mid_ramp_flips_the_switch_back_to_the_old_side_by_itself() {
    let (plan, mut f, world) = every_metric_bound();
    run_to_phase(&mut f, &world, "ramp");
    let c = open(&mut f, &world).phase().success_criteria[0].clone();
    for c in &open(&mut f, &world).phase().success_criteria.clone() {
        world.values.set(&c.metric_id, Some(good(&c.op, c.value)));
    }
    world.values.set(&c.metric_id, Some(bad(&c.op, c.value)));
    let report = open(&mut f, &world).tick().unwrap();
    assert!(
        report.acted.iter().any(|a| a.contains("aborted")),
        "{report:?}"
    );
    let r = open(&mut f, &world);
    assert!(matches!(r.state().status, Status::Aborted { .. }));
    let old = &plan.kill_switch.states[0].name;
    assert_eq!(
        world.switch.now.borrow().as_ref().unwrap(),
        &SwitchTarget {
            state: old.clone(),
            percent: 0
        }
    );
    assert!(
        !r.state().tasks.is_empty(),
        "the phase's rollback steps are recorded as tasks"
    );
    // The flip the runner made is marked done, not left as a task to repeat.
    assert!(
        r.state().tasks[0].starts_with("(done by rollgate run"),
        "{:?}",
        r.state().tasks
    );
    assert!(r.state().tasks[1..].iter().all(|t| !t.starts_with("(done")));
    assert!(world.inbox.0.borrow().iter().any(|m| m.contains("ABORT")));
    // Nothing moves forward until a person resumes.
    drop(r);
    let err = open(&mut f, &world).advance(None).unwrap_err().to_string();
    assert!(err.contains("aborted"), "{err}");
}

#[test]
fn with_automatic_abort_off_a_failing_check_pauses_and_leaves_the_switch() {
    let (_, mut f, mut world) = every_metric_bound();
    world.auto_abort = false;
    run_to_phase(&mut f, &world, "ramp");
    let before = world.switch.now.borrow().clone();
    let c = open(&mut f, &world).phase().success_criteria[0].clone();
    world.values.set(&c.metric_id, Some(bad(&c.op, c.value)));
    open(&mut f, &world).tick().unwrap();
    let r = open(&mut f, &world);
    assert!(
        matches!(&r.state().status, Status::Paused { reason } if reason.contains("a person decides"))
    );
    assert_eq!(*world.switch.now.borrow(), before);
}

#[test]
fn missing_data_is_never_a_pass_it_pauses_and_asks_a_person() {
    let (_, mut f, world) = every_metric_bound();
    run_to_phase(&mut f, &world, "ramp");
    for c in &open(&mut f, &world).phase().success_criteria.clone() {
        world.values.set(&c.metric_id, None);
    }
    for _ in 0..3 {
        open(&mut f, &world).tick().unwrap();
        f.clock.forward(300);
    }
    let r = open(&mut f, &world);
    assert!(
        matches!(&r.state().status, Status::Paused { reason } if reason.contains("inconclusive")),
        "{:?}",
        r.state().status
    );
    assert!(r.gate().checks.iter().all(|c| c.verdict != Verdict::Pass));
}

#[test]
fn advance_is_refused_with_every_reason_and_an_override_records_what_it_bypassed() {
    let json = plan_json(EXAMPLE);
    let mut f = fixture(&json);
    let world = World::new(&[]);
    // Saturday 2 May 2026: outside the Tue–Thu window.
    f.clock.set("2026-05-02T09:00:00Z".parse().unwrap());
    let err = open(&mut f, &world).advance(None).unwrap_err().to_string();
    assert!(err.contains("waiting for approval by"), "{err}");
    assert!(err.contains("change window closed"), "{err}");
    assert!(err.contains("manual") || err.contains("confirms"), "{err}");
    let out = open(&mut f, &world)
        .advance(Some("rehearsal in staging"))
        .unwrap();
    let entered = out.events.iter().find_map(|e| match &e.event {
        Event::PhaseEntered {
            overridden: Some(o),
            ..
        } => Some(o.clone()),
        _ => None,
    });
    let o = entered.expect("the override is recorded on the transition");
    assert_eq!(o.reason, "rehearsal in staging");
    assert!(o.bypassed.iter().any(|b| b.contains("window")));
}

#[test]
fn approvals_name_a_role_of_the_gate_and_a_wrong_role_is_refused_with_the_list() {
    let json = plan_json(EXAMPLE);
    let mut f = fixture(&json);
    let world = World::new(&[]);
    let err = open(&mut f, &world)
        .approve("bo", Some("the CFO"), "")
        .unwrap_err()
        .to_string();
    assert!(err.contains("1. the SRE"), "{err}");
    open(&mut f, &world)
        .approve("bo", Some("sre"), "looks good")
        .unwrap();
    let r = open(&mut f, &world);
    assert_eq!(r.state().approvals[0].role, "the SRE");
    assert!(!r.gate().approvals_missing.contains(&"the SRE".to_string()));
}

#[test]
fn a_manual_check_is_confirmed_by_a_person_and_a_value_that_breaks_it_fails() {
    let json = plan_json(EXAMPLE);
    let mut f = fixture(&json);
    let world = World::new(&[]);
    let c = open(&mut f, &world).phase().success_criteria[0].clone();
    open(&mut f, &world)
        .confirm(&c.id, "bo", Some(bad(&c.op, c.value)), "staging drill")
        .unwrap();
    assert_eq!(open(&mut f, &world).gate().checks[0].verdict, Verdict::Fail);
    open(&mut f, &world)
        .confirm(
            &c.metric_id,
            "bo",
            Some(good(&c.op, c.value)),
            "second drill",
        )
        .unwrap();
    assert_eq!(open(&mut f, &world).gate().checks[0].verdict, Verdict::Pass);
}

/// An `enter:1` intent with no result, as a runner killed between the
/// two leaves it.
fn intent_left_by_a_crash(f: &mut Fixture, target: SwitchTarget) {
    let intent = Event::ActionIntent {
        action: "enter:1".into(),
        target,
        tool: "test switch".into(),
        overridden: None,
    };
    f.store
        .append(&f.id, "2026-04-27T08:01:00Z", "ana", &intent)
        .unwrap();
}

#[test]
fn an_intent_left_without_a_result_is_settled_by_reading_the_switch_not_by_repeating_it() {
    let json = plan_json(EXAMPLE);
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let mut f = fixture(&json);
    let world = World::new(&[]);
    let target = SwitchTarget {
        state: plan.kill_switch.states[1].name.clone(),
        percent: 5,
    };
    // The action was carried out, then the runner died before the result.
    intent_left_by_a_crash(&mut f, target.clone());
    *world.switch.now.borrow_mut() = Some(target.clone());
    let mut r = open(&mut f, &world);
    r.settle().unwrap();
    assert!(
        world.switch.applied.borrow().is_empty(),
        "nothing is applied again"
    );
    assert_eq!(
        r.state().phase,
        1,
        "the interrupted transition is completed"
    );
    assert!(r.state().open_intent.is_none());
    let results: Vec<_> = r
        .entries()
        .iter()
        .filter(|e| matches!(e.event, Event::ActionResult { ok: true, .. }))
        .collect();
    assert_eq!(results.len(), 1);
}

#[test]
fn an_intent_that_never_took_effect_is_recorded_as_such_and_the_phase_is_not_entered() {
    let json = plan_json(EXAMPLE);
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let mut f = fixture(&json);
    let world = World::new(&[]);
    *world.switch.now.borrow_mut() = Some(SwitchTarget {
        state: plan.kill_switch.states[0].name.clone(),
        percent: 0,
    });
    let target = SwitchTarget {
        state: plan.kill_switch.states[1].name.clone(),
        percent: 5,
    };
    intent_left_by_a_crash(&mut f, target);
    let mut r = open(&mut f, &world);
    r.settle().unwrap();
    assert!(world.switch.applied.borrow().is_empty());
    assert_eq!(r.state().phase, 0);
    assert!(r
        .entries()
        .iter()
        .any(|e| matches!(e.event, Event::ActionResult { ok: false, .. })));
}

#[test]
fn a_switch_that_does_not_reach_the_target_pauses_the_rollout() {
    let (plan, mut f, world) = every_metric_bound();
    // Up to the phase before the first flip.
    loop {
        let next_flips = {
            let r = open(&mut f, &world);
            let i = r.state().phase;
            plan.phases
                .get(i + 1)
                .is_some_and(|n| n.kill_switch_state != plan.phases[i].kill_switch_state)
        };
        meet_gate(&mut f, &world);
        if next_flips {
            break;
        }
        open(&mut f, &world).advance(None).unwrap();
    }
    world.switch.broken.set(true);
    let before = open(&mut f, &world).state().phase;
    let out = open(&mut f, &world).advance(None).unwrap();
    assert!(out.done.contains("paused"), "{}", out.done);
    let r = open(&mut f, &world);
    assert_eq!(r.state().phase, before);
    assert!(matches!(r.state().status, Status::Paused { .. }));
}

#[test]
fn the_log_is_append_only_in_the_file_itself() {
    let json = plan_json(EXAMPLE);
    let f = fixture(&json);
    // A second connection to the same file, as any other tool would open it.
    let conn = rusqlite::Connection::open(f._dir.path().join("runs.db")).unwrap();
    for sql in [
        "UPDATE events SET actor = 'mallory'",
        "DELETE FROM events",
        "UPDATE rollouts SET plan_json = '{}'",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            err.contains("append-only") || err.contains("never changes"),
            "{sql}: {err}"
        );
    }
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "started and the first phase entered");
}

#[test]
fn a_second_watcher_on_the_same_rollout_is_refused_and_told_who_holds_it() {
    let json = plan_json(EXAMPLE);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.db");
    let clock = TestClock::at("2026-04-27T08:00:00Z");
    let mut first = SqliteStore::open(&path).unwrap();
    let id = start(&mut first, &json, Some("valkey"), &clock, "ana").unwrap();
    let mut second = SqliteStore::open(&path).unwrap();
    let world = World::new(&[]);
    let mut held = Runner::open(&mut first, &id, world.wiring(), &clock, "ana").unwrap();
    held.claim_watch().unwrap();
    let mut other = Runner::open(&mut second, &id, world.wiring(), &clock, "bo").unwrap();
    let err = other.claim_watch().unwrap_err().to_string();
    assert!(err.contains("ana (pid"), "{err}");
    // Appending needs no lease: an approval lands while the watcher runs,
    // and the watcher sees it on its next pass.
    other.approve("bo", Some("1"), "").unwrap();
    drop(other);
    held.tick().unwrap();
    assert_eq!(held.state().approvals.len(), 1);
    drop(held);
    let mut again = Runner::open(&mut second, &id, world.wiring(), &clock, "bo").unwrap();
    again.claim_watch().expect("released on drop");
}

#[test]
fn a_dead_process_lease_on_this_host_is_taken_over_at_once() {
    let json = plan_json(EXAMPLE);
    let mut f = fixture(&json);
    let dead = rollgate_run::lease::holder("ana")
        .replace(&format!("pid {}", std::process::id()), "pid 4000000000");
    let now: jiff::Timestamp = "2026-04-27T08:00:00Z".parse().unwrap();
    let later: jiff::Timestamp = "2026-04-27T09:00:00Z".parse().unwrap();
    f.store
        .acquire(&rollgate_run::lease::act_key(&f.id), &dead, now, later)
        .unwrap();
    let world = World::new(&[]);
    open(&mut f, &world)
        .advance(Some("drill"))
        .expect("the dead runner's lease does not block");
}

#[test]
fn no_override_passes_a_failing_check_a_freeze_or_the_point_of_no_return_without_its_people() {
    // A failing check.
    let json = plan_json(EXAMPLE);
    let mut f = fixture(&json);
    let world = World::new(&[]);
    let c = open(&mut f, &world).phase().success_criteria[0].clone();
    open(&mut f, &world)
        .confirm(&c.id, "bo", Some(bad(&c.op, c.value)), "")
        .unwrap();
    let err = open(&mut f, &world)
        .advance(Some("just go"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no override passes") && err.contains("failed"),
        "{err}"
    );

    // A freeze on the day.
    let mut plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    plan.calendar.days_off.push(rollgate_planning::DayOff {
        date: jiff::civil::date(2026, 4, 28),
        reason: "freeze: spring release".into(),
    });
    let mut f = fixture(&serde_json::to_string(&plan).unwrap());
    f.clock.set("2026-04-28T09:00:00Z".parse().unwrap());
    let err = open(&mut f, &world)
        .advance(Some("just go"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("freeze: spring release"), "{err}");

    // Into the point of no return: every check and every approver first.
    let plan: rollgate_planning::Plan = serde_json::from_str(&json).unwrap();
    let ponr = plan
        .phases
        .iter()
        .position(|p| p.point_of_no_return)
        .unwrap();
    let mut f = fixture(&json);
    while open(&mut f, &world).state().phase + 1 < ponr {
        open(&mut f, &world).advance(Some("drill")).unwrap();
    }
    let err = open(&mut f, &world)
        .advance(Some("drill"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the point of no return") && err.contains("must approve"),
        "{err}"
    );
    let (checks, roles) = {
        let r = open(&mut f, &world);
        (
            r.phase().success_criteria.clone(),
            r.phase().gate.approvers.clone(),
        )
    };
    for c in &checks {
        open(&mut f, &world).confirm(&c.id, "bo", None, "").unwrap();
    }
    for role in &roles {
        open(&mut f, &world).approve("bo", Some(role), "").unwrap();
    }
    open(&mut f, &world)
        .advance(Some("the hold is all that is left"))
        .expect("people and evidence given, the hold may be overridden");
    assert_eq!(open(&mut f, &world).state().phase, ponr);
}

#[test]
fn the_first_sample_of_a_phase_waits_for_its_delay_after_the_switch_changed() {
    let (_, mut f, mut world) = every_metric_bound();
    world.judging.delay_seconds = 600;
    let entered: jiff::Timestamp = open(&mut f, &world).state().entered_at.parse().unwrap();
    let c = open(&mut f, &world).phase().success_criteria[0].clone();
    world.values.set(&c.metric_id, Some(good(&c.op, c.value)));
    let report = open(&mut f, &world).tick().unwrap();
    assert!(
        report.measured.is_empty(),
        "nothing is sampled right after the change: {report:?}"
    );
    let due: jiff::Timestamp = report.next_due.unwrap().parse().unwrap();
    assert_eq!(
        due,
        entered.checked_add(jiff::ToSpan::seconds(600)).unwrap()
    );
    f.clock.set(due);
    let report = open(&mut f, &world).tick().unwrap();
    assert!(!report.measured.is_empty());
}
