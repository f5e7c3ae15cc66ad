//! Facts the intake reads about people, places and parts reach the plan:
//! absences keep transitions away, named people stand on the rota, a
//! country stated in prose brings its holidays, and a part's own rollback
//! tolerance orders and gates its step. Inputs are written for the test.

use jiff::civil::{date, Date};
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{plan, Mode, Plan};

fn plan_at(text: &str, start: Date) -> Plan {
    let k = Knowledge::builtin().unwrap();
    let facts = read_bytes("t.txt", text.as_bytes(), None, &k, start).unwrap();
    plan(&facts, &k, Mode::Auto)
}

fn transitions(p: &Plan) -> Vec<Date> {
    p.phases
        .iter()
        .filter_map(|ph| ph.transition_at.get(..10)?.parse().ok())
        .collect()
}

const EMAIL: &str = "<migration-type>move transactional email from Mailgun to Postmark</migration-type>\
<from-state>Mailgun</from-state><to-state>Postmark</to-state>\
<criticality>critical for login codes, high for invoices, low for the monthly newsletter</criticality>\
<rollback-acceptable-delay>login codes: 10 minutes; invoices: within an hour; the newsletter can wait a day</rollback-acceptable-delay>";

#[test]
fn a_person_transitions_need_keeps_them_out_of_their_absence() {
    for team in [
        "<team-availability>3 backend engineers. Priya (our only DBA) is out 3–14 August.</team-availability>",
        "<team-availability>2 backend engineers, 1 SRE. I'm out 3-14 August.</team-availability>",
        "<team-availability>Three devs. Priya (the only SRE) will be away August 3-14</team-availability>",
    ] {
        let p = plan_at(&format!("{EMAIL}{team}"), date(2026, 7, 1));
        let (from, to) = (date(2026, 8, 3), date(2026, 8, 14));
        let inside: Vec<Date> = transitions(&p)
            .into_iter()
            .filter(|d| from <= *d && *d <= to)
            .collect();
        assert!(inside.is_empty(), "{team}: transitions {inside:?}");
        assert!(
            p.assumptions.iter().any(|a| a.contains("is away, 2026-08-03 to 2026-08-14")),
            "{team}: {:?}",
            p.assumptions
        );
    }
}

#[test]
fn someone_others_can_cover_is_a_warning_not_a_block() {
    // Three backend engineers: Sam is one of them, so a transition may
    // fall in his holiday, and the plan says so by name.
    let p = plan_at(
        &format!("{EMAIL}<team-availability>3 backend engineers. Sam (backend) is on holiday in July.</team-availability>"),
        date(2026, 7, 1),
    );
    assert!(
        !p.assumptions
            .iter()
            .any(|a| a.contains("while Sam is away")),
        "{:?}",
        p.assumptions
    );
    let in_july = transitions(&p).iter().any(|d| d.month() == 7);
    let warned = p.warnings.iter().any(|w| w.contains("while Sam is away"));
    assert_eq!(in_july, warned, "{:?}", p.warnings);
}

#[test]
fn the_rota_names_the_person_in_the_role() {
    let p = plan_at(
        &format!("{EMAIL}<team-availability>2 backend engineers; no DBA, but one of our SREs, Tomasz, knows Postgres well.</team-availability>"),
        date(2026, 7, 1),
    );
    assert!(
        p.people
            .rota
            .iter()
            .any(|r| r.primary.contains("Tomasz") || r.secondary.contains("Tomasz")),
        "{:?}",
        p.people.rota
    );
    // Without a name the rota keeps the role.
    let p = plan_at(
        &format!("{EMAIL}<team-availability>2 backend engineers, 1 SRE</team-availability>"),
        date(2026, 7, 1),
    );
    assert!(p.people.rota.iter().all(|r| !r.primary.contains("Tomasz")));
}

#[test]
fn a_country_in_prose_brings_its_holidays() {
    for text in [
        "<constraints>We're a German company; no changes in the last week of every quarter.</constraints>",
        "<team-availability>team in Berlin and Lisbon, 4 engineers</team-availability>",
    ] {
        let p = plan_at(&format!("{EMAIL}{text}"), date(2026, 9, 1));
        assert!(
            p.summary.holiday_countries.iter().any(|c| c == "DE"),
            "{text}: {:?}",
            p.summary.holiday_countries
        );
        // 3 October is German Unity Day.
        assert!(!transitions(&p).contains(&date(2026, 10, 3)));
    }
    // Customers in Germany do not make the team German.
    let p = plan_at(
        &format!("{EMAIL}<scale>customers in Germany and Austria</scale>"),
        date(2026, 9, 1),
    );
    assert!(
        p.summary.holiday_countries.is_empty(),
        "{:?}",
        p.summary.holiday_countries
    );
}

#[test]
fn a_recurring_quarter_end_freeze_holds_every_quarter() {
    let p = plan_at(
        &format!("{EMAIL}<constraints>code freeze the last week of every quarter</constraints>"),
        date(2026, 6, 1),
    );
    for d in transitions(&p) {
        let quarter_end = matches!(d.month(), 3 | 6 | 9 | 12) && d.day() >= 23;
        assert!(!quarter_end, "transition {d} in a quarter's last week");
    }
}

#[test]
fn the_least_tolerant_part_moves_last_and_is_gated_on_its_own_tolerance() {
    // No criticality per part: the tolerances alone order the segments.
    let p = plan_at(
        "<migration-type>move email from Mailgun to Postmark</migration-type>\
         <from-state>Mailgun</from-state><to-state>Postmark</to-state>\
         <rollback-acceptable-delay>password resets: under 10 minutes. receipts within an hour. the weekly digest can wait a day</rollback-acceptable-delay>",
        date(2026, 7, 1),
    );
    let names: Vec<&str> = p.phases.iter().map(|ph| ph.name.as_str()).collect();
    let pos = |w: &str| names.iter().position(|n| n.to_lowercase().contains(w));
    // The most demanding part goes last (bulk mail still warms up after
    // the first ordinary type, as the email playbook orders it).
    assert!(
        pos("digest").is_some()
            && pos("digest") < pos("password")
            && pos("receipts") < pos("password"),
        "{names:?}"
    );
    assert_eq!(p.summary.rollback_tolerance_minutes, 10);
    let gated = p.phases.iter().any(|ph| {
        ph.gate
            .criteria
            .iter()
            .any(|c| c.contains("at most 10 minutes, the tolerance stated for password resets"))
    });
    assert!(
        gated,
        "{:?}",
        p.phases
            .iter()
            .map(|p| &p.gate.criteria)
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_recurring_absence_belongs_to_the_person_it_names() {
    let k = Knowledge::builtin().unwrap();
    for team in [
        "<team-availability>3 backend engineers. Finance has one person (Ulrike) who can reconcile, but only outside the first five working days of the month.</team-availability>",
        "<team-availability>2 devs. Ulrike (the only accountant) is unavailable in the first 5 business days of each month.</team-availability>",
    ] {
        let text = format!("{EMAIL}{team}");
        let facts = read_bytes("t.txt", text.as_bytes(), None, &k, date(2026, 7, 1)).unwrap();
        let ulrike = facts.team.people.iter().find(|p| p.value.name == "Ulrike");
        assert!(
            ulrike.is_some_and(|p| p.value.unavailable_every.len() == 1),
            "{team}: {:?}",
            facts.team.people
        );
        assert!(facts.schedule.freezes.is_empty(), "{team}: {:?}", facts.schedule.freezes);
        let p = plan(&facts, &k, Mode::Auto);
        for d in transitions(&p) {
            let first_week = d.day() <= 7;
            let working_days_before = (1..d.day())
                .filter_map(|day| Date::new(d.year(), d.month(), day).ok())
                .filter(|x| x.weekday().to_monday_one_offset() <= 5)
                .count();
            assert!(
                !(first_week && working_days_before < 5),
                "{team}: transition {d} in the first five working days"
            );
        }
    }
    // Without a person in the clause, the same words freeze the migration.
    let text = format!("{EMAIL}<team-availability>3 engineers. Nothing ships in the first five working days of the month.</team-availability>");
    let facts = read_bytes("t.txt", text.as_bytes(), None, &k, date(2026, 7, 1)).unwrap();
    assert_eq!(
        facts.schedule.freezes.len(),
        1,
        "{:?}",
        facts.schedule.freezes
    );
}

#[test]
fn a_tolerance_shorter_than_any_switch_is_a_stated_conflict_not_a_gate_that_cannot_pass() {
    let zero = EMAIL.replace(
        "login codes: 10 minutes; invoices: within an hour; the newsletter can wait a day",
        "login codes: basically zero, people cannot sign in",
    );
    let p = plan_at(&zero, date(2027, 2, 1));
    let bar = p.phases[0]
        .success_criteria
        .iter()
        .find(|c| c.metric == "rehearsed rollback time")
        .expect("the rehearsal gate");
    assert!(
        bar.value >= 2.0,
        "a gate of {} minutes no switch can pass",
        bar.value
    );
    assert!(p
        .warnings
        .iter()
        .any(|w| w.contains("shorter than any switch can act")));
    // A tolerance any switch can meet stays the bar, with no conflict.
    let p = plan_at(EMAIL, date(2027, 2, 1));
    assert!(!p
        .warnings
        .iter()
        .any(|w| w.contains("shorter than any switch can act")));
}

#[test]
fn a_segment_state_names_every_segment_moved_so_far() {
    let p = plan_at(EMAIL, date(2027, 2, 1));
    let segment_states: Vec<&str> = p
        .kill_switch
        .states
        .iter()
        .filter(|s| s.effect.contains("moved so far"))
        .map(|s| s.effect.as_str())
        .collect();
    assert!(segment_states.len() >= 2, "{segment_states:#?}");
    // The last segment state still names the first segment moved.
    let first = segment_states[0];
    let first_segment = first
        .split("Every message of ")
        .nth(1)
        .and_then(|r| r.split(" goes out").next())
        .expect("a segment name");
    assert!(
        segment_states.last().unwrap().contains(first_segment),
        "{segment_states:#?}"
    );
}

#[test]
fn segments_from_named_parts_also_move_what_the_parts_leave_out() {
    let p = plan_at(EMAIL, date(2027, 2, 1));
    let rest = p
        .phases
        .iter()
        .position(|ph| ph.name.to_lowercase().contains("every other message type"))
        .expect("a segment for the message types the input did not name");
    let stop = p
        .phases
        .iter()
        .position(|ph| ph.kind == "decommission")
        .expect("a retire phase");
    assert!(rest < stop);
}

#[test]
fn a_target_line_without_dates_is_flagged_when_a_later_line_has_already_left_support() {
    let text = "<migration-type>Upgrade Spring Boot 2.7 to Spring Boot 3.3</migration-type>\
        <from-state>Spring Boot 2.7 services on Kubernetes</from-state><to-state>Spring Boot 3.3</to-state>";
    let p = plan_at(text, date(2027, 2, 1));
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("no support dates for the target Spring Boot 3.3")),
        "{:#?}",
        p.warnings
    );
    // A target whose own line has dates gets no such guess.
    let p = plan_at(&text.replace("3.3", "3.5"), date(2027, 2, 1));
    assert!(!p
        .warnings
        .iter()
        .any(|w| w.contains("no support dates for the target")));
}
