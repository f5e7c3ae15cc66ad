//! Regression tests for hostile or careless input at intake: repeated
//! mistakes are counted instead of reprinted, excerpts are bounded and
//! escaped, sizes are reported truly, and dates and durations outside what
//! a plan can hold are errors, never panics or silent wrap-arounds.

use jiff::civil::date;
use rollgate_intake::{read_bytes, read_path, read_reader, IntakeError};
use rollgate_knowledge::Knowledge;

fn read(text: &str) -> Result<rollgate_intake::Facts, IntakeError> {
    let k = Knowledge::builtin().unwrap();
    read_bytes("in.txt", text.as_bytes(), None, &k, date(2026, 4, 27))
}

fn error(text: &str) -> String {
    read(text).expect_err("input should be refused").to_string()
}

#[test]
fn thousands_of_duplicate_tags_give_a_short_error_that_counts_them() {
    // 128 KB that once made 1.5 GB of stderr and took 4 GB of memory.
    let text = "<scale>1</scale>".repeat(8000);
    let msg = error(&text);
    assert!(msg.len() < 4_000, "error is {} bytes", msg.len());
    assert!(
        msg.contains("… and 7,994 more duplicate <scale> tags"),
        "{msg}"
    );
    assert!(msg.ends_with("7,999 problems found"), "{msg}");
}

#[test]
fn an_excerpt_shows_a_window_of_a_long_line_with_the_caret_in_it() {
    let text = format!("{}<scale>x{}", "a".repeat(100_000), "b".repeat(100_000));
    let msg = error(&text);
    assert!(msg.len() < 1_000, "error is {} bytes", msg.len());
    let excerpt = msg.lines().nth(1).unwrap();
    let caret = msg.lines().nth(2).unwrap();
    assert!(excerpt.starts_with(" 1 | …"), "{excerpt}");
    assert!(excerpt.ends_with('…'), "{excerpt}");
    let at = caret.chars().position(|c| c == '^').unwrap();
    assert_eq!(excerpt.chars().nth(at), Some('<'), "{excerpt}\n{caret}");
}

#[test]
fn control_characters_in_the_input_are_escaped_in_errors() {
    let msg = error("<scale>\u{1b}[2J\u{7}\u{1b}]0;owned\u{7} 1</scale><scale>2");
    assert!(!msg.contains('\u{1b}'), "{msg:?}");
    assert!(!msg.contains('\u{7}'), "{msg:?}");
    assert!(msg.contains("\\u{1b}[2J\\u{7}"), "{msg}");
    let k = Knowledge::builtin().unwrap();
    let spec = "[source]\ntechnology = \"\u{1b}[31mpostgres\"\n";
    let err = read_bytes("s.toml", spec.as_bytes(), None, &k, date(2026, 4, 27))
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn a_huge_value_in_a_spec_is_quoted_in_part() {
    let k = Knowledge::builtin().unwrap();
    let spec = format!("[source]\ntechnology = \"{}\"\n", "x".repeat(500_000));
    let err = read_bytes("s.toml", spec.as_bytes(), None, &k, date(2026, 4, 27))
        .unwrap_err()
        .to_string();
    assert!(err.len() < 2_000, "error is {} bytes", err.len());
}

#[test]
fn the_size_limit_message_gives_the_real_size_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    std::fs::write(&path, "x".repeat(2_000_000)).unwrap();
    let k = Knowledge::builtin().unwrap();
    let err = read_path(path.to_str().unwrap(), &k, date(2026, 4, 27))
        .unwrap_err()
        .to_string();
    assert!(err.contains("input is 2000000 bytes"), "{err}");
    let err = read_reader(
        "<stdin>",
        std::io::repeat(b'x').take(3_000_000),
        None,
        &k,
        date(2026, 4, 27),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("input is more than 1048576 bytes"), "{err}");
    assert!(!err.contains("1048577"), "{err}");
}

use std::io::Read as _;

const SEED: &str = include_str!("../../../examples/pg14-ec2-to-pg16-rds.txt");

#[test]
fn dates_outside_the_planning_years_are_errors() {
    let msg = error(&SEED.replace("Q3 2026", "9999-01-01"));
    assert!(
        msg.contains("outside the years rollgate plans in (1970–2200)"),
        "{msg}"
    );
    assert!(msg.contains("in.txt:10:"), "{msg}");
}

#[test]
fn durations_too_long_to_plan_are_errors_not_wrapped_numbers() {
    let msg = error(&SEED.replace("So 5 months max", "So 99999999999999999999 months max"));
    assert!(
        msg.contains("rollgate plans migrations of at most 3650 days"),
        "{msg}"
    );
    let msg = error(&SEED.replace("Minutes only", "99999999999999999999 months"));
    assert!(msg.contains("the rollback tolerance is"), "{msg}");
}

#[test]
fn relative_dates_too_far_away_are_not_dates_and_do_not_panic() {
    for phrase in [
        "in 99999999999999999999 months",
        "in 9223372036854775807 weeks",
        "within 99999999999 days",
    ] {
        let text = SEED.replace("So 5 months max.", &format!("Ship {phrase}."));
        let facts = read(&text).expect("reads");
        let listed = facts
            .uninterpreted
            .iter()
            .any(|u| u.text.contains(phrase.split(' ').nth(1).unwrap()));
        assert!(
            listed || facts.schedule.deadline.is_some(),
            "{phrase}: neither a fact nor listed"
        );
    }
}

#[test]
fn an_integration_listed_many_times_is_one_integration_with_a_warning() {
    let lines = "- billing reads the orders table over REST nightly\n".repeat(500);
    let text = format!(
        "<from-state>PostgreSQL 14</from-state><to-state>PostgreSQL 16</to-state>\
         <integration-points>{lines}- search indexes orders via CDC</integration-points>"
    );
    let facts = read(&text).unwrap();
    assert_eq!(facts.integrations.len(), 2, "{:?}", facts.integrations);
    let w = facts
        .warnings
        .iter()
        .find(|w| w.code == "integration-repeated")
        .expect("a warning says the repeats were merged");
    assert!(w.message.contains("is listed 500 times"), "{}", w.message);
}

#[test]
fn warnings_raised_while_reading_fields_are_kept() {
    // An ambiguous numeric date is read with a warning; that warning once
    // vanished when the form's warnings replaced the list.
    let text = SEED.replace("by Q3 2026", "by 03/04/2027");
    let facts = read(&text).unwrap();
    assert!(
        facts.warnings.iter().any(|w| w.code == "ambiguous-date"),
        "{:?}",
        facts.warnings.iter().map(|w| &w.code).collect::<Vec<_>>()
    );
}

#[test]
fn a_contract_end_is_a_deadline_and_no_date_vanishes() {
    let text = SEED.replace(
        "Want to be on RDS by Q3 2026 for compliance audit.",
        "Our vendor contract runs out at the end of June; we want to be gone before that. We started planning in March 2026.",
    );
    let facts = read(&text).unwrap();
    let deadline = facts.schedule.deadline.as_ref().expect("deadline read");
    assert_eq!(deadline.value.date.to_string(), "2026-06-30");
    // A date that is no deadline is not dropped: its clause is listed.
    assert!(
        facts
            .uninterpreted
            .iter()
            .any(|u| u.text.contains("We started planning in March 2026")),
        "{:?}",
        facts.uninterpreted
    );
}

#[test]
fn a_chat_with_thousands_of_speakers_and_hedges_reads_in_linear_time() {
    // Every speaker's name is looked for in the fields, and every line is
    // hedged and names a place: one pass per field, not one per name.
    let mut text = String::new();
    for n in 0..4000 {
        text.push_str(&format!(
            "[10:{:02}] user{n}: maybe our team in Berlin, user{n} is off 3-14 August??\n",
            n % 60
        ));
    }
    text.push_str("<team-availability>");
    for n in 0..2000 {
        text.push_str(&format!("user{n} (backend) is out 3-14 August, probably. "));
    }
    text.push_str("</team-availability><rollback-acceptable-delay>");
    for n in 0..2000 {
        text.push_str(&format!("part {n}: {} minutes; ", n % 50 + 1));
    }
    text.push_str("</rollback-acceptable-delay>");
    let started = std::time::Instant::now();
    let facts = read(&text).unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(!facts.team.people.is_empty());
    assert!(!facts.hedges.is_empty());
    assert_eq!(facts.rollback_tolerance.value.max_minutes, 1);
}
