//! Regression tests for the hardening findings that show at the command
//! line, through the real binary: bounded output on repeated mistakes,
//! escaped control characters, dates at the edge, the true size in the
//! limit message, and `-o` refusing to overwrite the input.

use std::process::{Command, Output, Stdio};

fn rollgate(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollgate"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn seed() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    std::fs::read_to_string(root.join("pg14-ec2-to-pg16-rds.txt")).unwrap()
}

#[test]
fn eight_thousand_duplicate_tags_print_a_short_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dup.txt"), "<scale>1</scale>".repeat(8000)).unwrap();
    let out = rollgate(dir.path(), &["check", "dup.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stderr.len() < 4_000,
        "stderr is {} bytes",
        out.stderr.len()
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more duplicate <scale> tags"), "{err}");
}

#[test]
fn control_bytes_never_reach_the_terminal_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esc.txt"),
        "<scale>\u{1b}[2J\u{1b}]0;pwned\u{7}</scale><scale>",
    )
    .unwrap();
    let out = rollgate(dir.path(), &["plan", "esc.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !out.stderr.contains(&0x1b),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stderr.contains(&0x07));
    let out = rollgate(
        dir.path(),
        &["plan", "esc.txt", "--start", "\u{1b}[31m2026"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.contains(&0x1b));
}

#[test]
fn start_dates_outside_1970_to_2200_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("seed.txt"), seed()).unwrap();
    for start in ["9999-12-31", "1969-12-31", "2201-01-01"] {
        let out = rollgate(
            dir.path(),
            &["plan", "seed.txt", "--start", start, "--format", "ics"],
        );
        assert_eq!(out.status.code(), Some(2), "{start}");
        assert!(out.stdout.is_empty(), "{start}: wrote a plan");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("outside the years rollgate plans in (1970–2200)"),
            "{err}"
        );
    }
}

#[test]
fn a_plan_can_never_overwrite_its_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("seed.txt"), seed()).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::hard_link(dir.path().join("seed.txt"), dir.path().join("link.txt")).unwrap();
    for output in ["seed.txt", "./seed.txt", "sub/../seed.txt", "link.txt"] {
        let out = rollgate(
            dir.path(),
            &["plan", "seed.txt", "--start", "2026-04-27", "-o", output],
        );
        assert_eq!(out.status.code(), Some(2), "-o {output}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("that is the input file"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("seed.txt")).unwrap(),
            seed()
        );
    }
    let out = rollgate(
        dir.path(),
        &["plan", "seed.txt", "--start", "2026-04-27", "-o", "plan.md"],
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_limit_message_states_the_real_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.txt"), "x".repeat(1_500_000)).unwrap();
    let out = rollgate(dir.path(), &["check", "big.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("input is 1500000 bytes"), "{err}");
}
