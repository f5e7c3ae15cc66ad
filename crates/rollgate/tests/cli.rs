//! CLI tests: every test runs the real `rollgate` binary, in a temp dir,
//! with given files, arguments and stdin, and checks stdout, stderr and the
//! exit status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
}

impl Test {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            args: Vec::new(),
            stdin: None,
        }
    }

    fn file(self, name: &str, content: impl AsRef<[u8]>) -> Self {
        std::fs::write(self.dir.path().join(name), content).unwrap();
        self
    }

    fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|s| s.to_string()));
        self
    }

    fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rollgate"))
            .args(&self.args)
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            let mut stdin = child.stdin.take().unwrap();
            if let Some(input) = &self.stdin {
                // A process that exits early may close its stdin; that is fine.
                let _ = stdin.write_all(input);
            }
        }
        let out = child.wait_with_output().unwrap();
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn example(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    std::fs::read_to_string(root).unwrap()
}

const SEED: &str = "pg14-ec2-to-pg16-rds.txt";

/// `rollgate plan seed.txt --start 2026-04-27 <extra>` on the seed example,
/// the set-up most plan tests share.
fn seed_plan(extra: &[&str]) -> Test {
    Test::new()
        .file("seed.txt", example(SEED))
        .args(&["plan", "seed.txt", "--start", "2026-04-27"])
        .args(extra)
}

#[test]
fn check_on_the_seed_example_surfaces_every_required_fact() {
    let run = Test::new()
        .file("seed.txt", example(SEED))
        .args(&["check", "seed.txt", "--start", "2026-04-27"])
        .run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    insta::assert_snapshot!("check_seed_text", run.stdout);
}

#[test]
fn check_json_on_the_seed_example() {
    let run = Test::new()
        .file("seed.txt", example(SEED))
        .args(&[
            "check",
            "seed.txt",
            "--start",
            "2026-04-27",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // The facts the foundation issue lists, checked by value.
    assert_eq!(v["source"]["technology"]["value"]["id"], "postgresql");
    assert_eq!(v["source"]["version"]["value"], "14.7");
    assert_eq!(v["source"]["hosting"][0]["value"]["id"], "aws-ec2");
    assert_eq!(v["source"]["self_hosted"]["value"], true);
    assert_eq!(v["target"]["technology"]["value"]["id"], "postgresql");
    assert_eq!(v["target"]["version"]["value"], "16");
    assert_eq!(v["target"]["hosting"][0]["value"]["id"], "aws-rds");
    assert!(v["target"]["topology"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["value"] == "Multi-AZ"));
    assert_eq!(v["data_size"]["value"]["bytes"], 600_000_000_000u64);
    assert_eq!(v["rates"][0]["value"]["per_second"], 12000.0);
    assert_eq!(v["rates"][0]["value"]["unit"], "queries");
    let counts = v["counts"].as_array().unwrap();
    assert!(counts
        .iter()
        .any(|c| c["value"]["what"] == "services" && c["value"]["count"] == 50));
    assert!(counts
        .iter()
        .any(|c| c["value"]["what"] == "customers" && c["value"]["count"] == 5000));
    assert_eq!(v["criticality"]["value"], "critical");
    assert!(
        v["rollback_tolerance"]["value"]["max_minutes"]
            .as_u64()
            .unwrap()
            <= 15
    );
    let caps = v["capabilities"].as_array().unwrap();
    let cap = |k: &str| caps.iter().find(|c| c["value"]["kind"] == k).unwrap()["value"].clone();
    assert_eq!(cap("feature-flags")["present"], true);
    assert_eq!(cap("feature-flags")["provider"]["id"], "launchdarkly");
    assert_eq!(cap("read-routing")["present"], true);
    assert!(cap("read-routing")["mechanism"]
        .as_str()
        .unwrap()
        .contains("environment variable"));
    assert_eq!(cap("dual-write")["present"], false);
    let members = v["team"]["members"].as_array().unwrap();
    assert!(members
        .iter()
        .any(|m| m["value"]["role"] == "backend-engineer" && m["value"]["count"] == 4));
    assert!(members.iter().any(|m| m["value"]["role"] == "dba"
        && m["value"]["count"] == 1
        && m["value"]["contractor"] == true));
    assert_eq!(v["team"]["time_zones"][0]["value"], "America/Los_Angeles");
    assert_eq!(v["schedule"]["deadline"]["value"]["date"], "2026-07-01");
    let preferred = v["schedule"]["preferred_duration_days"]["value"]
        .as_u64()
        .unwrap();
    assert!((89..=92).contains(&preferred), "{preferred}");
    let tools: Vec<&str> = v["budgeted_tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(tools, vec!["aws-dms", "pglogical"]);
    let integrations = v["integrations"].as_array().unwrap();
    let kinds: Vec<&str> = integrations
        .iter()
        .map(|i| i["value"]["kinds"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["service-consumers", "webhook", "read-replica", "cdc"]
    );
    assert!(integrations[1]["value"]["technologies"][0]["id"] == "stripe");
    assert!(integrations[3]["value"]["mechanisms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "logical-replication-slots"));
    assert!(integrations[3]["value"]["technologies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == "snowflake"));
    // Every fact cites a place in the input.
    assert_eq!(v["criticality"]["origin"]["span"]["line"], 5);
    insta::assert_snapshot!("check_seed_json", run.stdout);
}

#[test]
fn the_structured_seed_agrees_with_the_tagged_seed() {
    let facts = |name: &str, content: String| {
        let run = Test::new()
            .file(name, content)
            .args(&["check", name, "--start", "2026-04-27", "--format", "json"])
            .run();
        assert_eq!(run.status, 0, "{}", run.stderr);
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()
    };
    let tagged = facts("seed.txt", example(SEED));
    let toml = facts("seed.toml", example("pg14-ec2-to-pg16-rds.toml"));
    for path in [
        "/source/technology/value/id",
        "/source/version/value",
        "/target/technology/value/id",
        "/target/hosting/0/value/id",
        "/data_size/value/bytes",
        "/criticality/value",
        "/rollback_tolerance/value/max_minutes",
        "/team/time_zones/0/value",
        "/schedule/deadline/value/date",
        "/migration/family/value",
    ] {
        assert_eq!(tagged.pointer(path), toml.pointer(path), "{path}");
    }
}

#[test]
fn yaml_and_json_specs_share_the_schema_and_stdin_is_sniffed() {
    let yaml = "source:\n  technology: mysql\n  version: \"5.7\"\ntarget:\n  technology: postgresql\n  version: \"16\"\ncriticality:\n  level: medium\n";
    let json = r#"{"source": {"technology": "mysql", "version": "5.7"}, "target": {"technology": "postgresql", "version": "16"}, "criticality": {"level": "medium"}}"#;
    let toml = "[source]\ntechnology = \"mysql\"\nversion = \"5.7\"\n[target]\ntechnology = \"postgresql\"\nversion = \"16\"\n[criticality]\nlevel = \"medium\"\n";
    let mut outputs = Vec::new();
    for (name, content) in [("s.yaml", yaml), ("s.json", json), ("s.toml", toml)] {
        let run = Test::new()
            .file(name, content)
            .args(&["check", name, "--format", "json", "--start", "2026-01-05"])
            .run();
        assert_eq!(run.status, 0, "{name}: {}", run.stderr);
        outputs.push(serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap());
        let piped = Test::new()
            .stdin(content)
            .args(&["check", "-", "--format", "json", "--start", "2026-01-05"])
            .run();
        assert_eq!(piped.status, 0, "stdin {name}: {}", piped.stderr);
        let v: serde_json::Value = serde_json::from_str(&piped.stdout).unwrap();
        assert_eq!(
            v["form"],
            name.rsplit('.').next().unwrap(),
            "sniffed form of {name}"
        );
    }
    for v in &outputs {
        assert_eq!(v["migration"]["changes"][0]["value"], "vendor-change");
        assert_eq!(v["migration"]["family"]["value"], "database");
        assert_eq!(v["criticality"]["value"], "medium");
    }
    let tagged = Test::new()
        .stdin(example(SEED))
        .args(&["check", "-", "--format", "json", "--start", "2026-04-27"])
        .run();
    assert_eq!(tagged.status, 0);
    assert!(tagged.stdout.contains("\"form\": \"tagged\""));
}

#[test]
fn structured_values_override_prose() {
    let toml = "[criticality]\nlevel = \"low\"\ndescription = \"Critical for everyone\"\n[rollback]\nacceptable_delay = 240\ndescription = \"minutes only\"\n";
    let run = Test::new()
        .file("s.toml", toml)
        .args(&["check", "s.toml", "--format", "json"])
        .run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["criticality"]["value"], "low");
    assert_eq!(v["criticality"]["origin"]["how"], "structured");
    assert_eq!(v["rollback_tolerance"]["value"]["max_minutes"], 240);
}

fn error_case(name: &str, content: &[u8], args: &[&str], expect: &[&str]) {
    let mut all = vec!["check", name];
    all.extend(args);
    let run = Test::new().file(name, content).args(&all).run();
    assert_eq!(
        run.status, 2,
        "{name}: exit {}\nstdout: {}\nstderr: {}",
        run.status, run.stdout, run.stderr
    );
    for e in expect {
        assert!(
            run.stderr.contains(e),
            "{name}: expected {e:?} in:\n{}",
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("hit a bug"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.lines().count() < 25,
        "one screen at most:\n{}",
        run.stderr
    );
}

#[test]
fn bad_input_gets_a_located_error_and_exit_2() {
    error_case("a.toml", b"[source\n", &[], &["a.toml:1:"]);
    error_case(
        "a.toml",
        b"[source]\ntechnolgy = \"postgresql\"\n",
        &[],
        &["a.toml:2:1", "did you mean `technology`?"],
    );
    error_case(
        "a.toml",
        b"[sorce]\n",
        &[],
        &["a.toml:1:", "did you mean `source`?"],
    );
    error_case("a.toml", b"[team]\nsize = \"four\"\n", &[], &["a.toml:2:"]);
    error_case(
        "a.toml",
        b"[scale]\ndata_size = \"-5 GB\"\n",
        &[],
        &["a.toml:2:", "scale.data_size"],
    );
    error_case("a.toml", b"[scale]\nconsumers = -3\n", &[], &["a.toml:2:"]);
    error_case(
        "a.toml",
        b"[team]\ntime_zones = [\"Mars/Olympus\"]\n",
        &[],
        &["a.toml:2:", "not a time zone"],
    );
    error_case(
        "a.toml",
        b"[constraints]\ndeadline = \"2026-01-01\"\n",
        &["--start", "2026-04-27"],
        &["a.toml:2:", "before the plan's start date"],
    );
    error_case(
        "a.toml",
        b"[source]\ntechnology = \"postgress\"\n",
        &[],
        &[
            "a.toml:2:",
            "unknown technology",
            "did you mean `postgresql`",
        ],
    );
    error_case(
        "a.json",
        b"{\"source\": {\"technology\": 5}}",
        &[],
        &["a.json:1:"],
    );
    error_case("a.json", b"{\"source\": ", &[], &["a.json:1:"]);
    error_case("a.yaml", b"source:\n  version: [1\n", &[], &["a.yaml:"]);
    error_case(
        "a.yaml",
        b"team:\n  sise: 4\n",
        &[],
        &["a.yaml:2:", "did you mean `size`?"],
    );
    error_case("e.toml", b"", &[], &["empty"]);
    error_case("e.txt", b"   \n\n", &[], &["empty"]);
    error_case(
        "g.bin",
        &[0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x9c],
        &[],
        &["g.bin:1:", "not text"],
    );
    error_case("n.txt", b"<scale>1\x00</scale>", &[], &["n.txt:1:", "NUL"]);
    error_case(
        "u.txt",
        b"<scale>1</scale>\n  <criticality>high\n",
        &[],
        &["u.txt:2:3", "never closed"],
    );
    error_case(
        "d.txt",
        b"<scale>1</scale>\n<scale>2</scale>\n",
        &[],
        &["d.txt:2:1", "appears twice"],
    );
    error_case(
        "p.txt",
        b"just prose, no tags at all",
        &[],
        &["no rollgate tags"],
    );
    let huge = format!("<scale>{}</scale>", "x".repeat(1024 * 1024 + 10));
    error_case("big.txt", huge.as_bytes(), &[], &["1 MiB"]);
    error_case(
        "a.toml",
        b"[source]\n",
        &["--start", "2026-02-30"],
        &["--start", "not a date"],
    );
}

#[test]
fn missing_file_and_directory_are_environment_errors() {
    let run = Test::new().args(&["check", "nope.toml"]).run();
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("cannot read nope.toml"),
        "{}",
        run.stderr
    );
    let run = Test::new().args(&["check", "."]).run();
    assert_eq!(run.status, 2);
}

#[test]
fn unknown_and_missing_tags_are_warnings() {
    let run = Test::new()
        .file("w.txt", "Intro text.\n<from-state>Postgres 12 on-prem</from-state><integration-point>Kafka</integration-point>")
        .args(&["check", "w.txt"])
        .run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("warning[unknown-tag]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("did you mean <integration-points>?"));
    assert!(run.stdout.contains("warning[missing-tag]"));
    assert!(run
        .stdout
        .contains("no <criticality> tag: criticality assumed high"));
    assert!(
        run.stdout.contains("\"Intro text.\""),
        "loose prose is reported: {}",
        run.stdout
    );
    let strict = Test::new()
        .file("w.txt", "<from-state>Postgres 12</from-state>")
        .args(&["check", "w.txt", "--strict"])
        .run();
    assert_eq!(strict.status, 1);
}

#[test]
fn plan_writes_markdown_and_json_files() {
    let t = seed_plan(&["-o", "out.md"]);
    let run = t.run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(t.path("out.md")).unwrap();
    assert!(written.starts_with(
        "# Migration plan: PostgreSQL 14.7 on Amazon EC2 → PostgreSQL 16 on Amazon RDS"
    ));
    assert!(written.contains("- [ ] "), "gate items are checklists");
    assert!(written.contains("```mermaid"));
    let run = Test::new()
        .file("seed.txt", example(SEED))
        .args(&[
            "plan",
            "seed.txt",
            "--format",
            "json",
            "--mode",
            "database",
            "--start",
            "2026-04-27",
        ])
        .run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for key in [
        "mode",
        "criticality",
        "confidence",
        "start_date",
        "end_date",
        "deadline",
        "fits_deadline",
    ] {
        assert!(v["summary"].get(key).is_some(), "summary.{key}");
    }
    let ids: Vec<&str> = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            "rollback_speed",
            "edge_case_parity",
            "data_shape_risk",
            "on_call_burden"
        ]
    );
    for phase in v["phases"].as_array().unwrap() {
        for key in [
            "name",
            "kind",
            "start_date",
            "end_date",
            "transition_at",
            "traffic_percent",
            "actions",
            "checks",
            "success_criteria",
            "kill_switch_state",
            "point_of_no_return",
        ] {
            assert!(phase.get(key).is_some(), "phase.{key}");
        }
        assert!(!phase["gate"]["approvers"].as_array().unwrap().is_empty());
        assert!(phase["rollback"]["estimated_minutes"].as_u64().unwrap() > 0);
        assert!(
            phase["transition_at"].as_str().unwrap().ends_with("-07:00")
                || phase["transition_at"].as_str().unwrap().ends_with("-08:00")
        );
    }
    for key in [
        "kill_switch",
        "monitoring",
        "parity_checks",
        "risks",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert!(v["risks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["because"].as_array().is_some_and(|b| !b.is_empty())));
    let run = Test::new()
        .file("seed.txt", example(SEED))
        .args(&["plan", "seed.txt", "--mode", "banana"])
        .run();
    assert_eq!(run.status, 2);
}

#[test]
fn explain_shows_the_rule_and_the_facts_behind_recommendations() {
    let run = seed_plan(&["--explain"]).run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("because: `cdc-slot-does-not-move`"),
        "a data rule is cited"
    );
    assert!(
        run.stdout.contains("integration-points 11:113"),
        "the integration fact is cited with its place"
    );
    assert!(run
        .stdout
        .contains("because: `strategy.logical-replication`"));
    let plain = seed_plan(&[]).run();
    assert!(!plain.stdout.contains("because: `"));
}

#[test]
fn every_command_has_help_with_examples() {
    for cmd in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["plan", "--help"],
        vec!["init", "--help"],
        vec!["schema", "--help"],
    ] {
        let run = Test::new().args(&cmd).run();
        assert_eq!(run.status, 0, "{cmd:?}");
        assert!(run.stdout.contains("Examples:"), "{cmd:?}: {}", run.stdout);
    }
    let run = Test::new().args(&["frobnicate"]).run();
    assert_eq!(run.status, 2);
}

#[test]
fn schema_spec_is_a_json_schema() {
    let run = Test::new().args(&["schema", "spec"]).run();
    assert_eq!(run.status, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v["$schema"].as_str().unwrap().contains("json-schema.org"));
    assert!(v["properties"]["constraints"].is_object());
}

#[test]
fn init_writes_a_template_that_checks_cleanly() {
    let t = Test::new().args(&["init", "m.toml", "--no-input"]);
    let run = t.run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(t.path("m.toml")).unwrap();
    assert!(text.contains("# technology = \"postgresql\""));
    let again = Test::new()
        .file("m.toml", &text)
        .args(&["init", "m.toml", "--no-input"])
        .run();
    assert_eq!(again.status, 2, "refuses to overwrite");
    let check = Test::new()
        .file("m.toml", &text)
        .args(&["check", "m.toml"])
        .run();
    assert_eq!(check.status, 0, "{}", check.stderr);
}

#[test]
fn init_asks_the_questions_and_records_the_answers() {
    let answers = "Redis 6 to Valkey 8\nRedis 6.2 on EC2, 12 GB\nValkey 8 on ElastiCache\n\nhigh\nunder 5 minutes\nno feature flags\n3 backend engineers in Berlin\n\nby end of Q1 2027\nSidekiq workers, session store\n";
    let t = Test::new()
        .stdin(answers)
        .args(&["init", "r.toml", "--interactive"]);
    let run = t.run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("What are you migrating"));
    let text = std::fs::read_to_string(t.path("r.toml")).unwrap();
    let check = Test::new()
        .file("r.toml", &text)
        .args(&[
            "check",
            "r.toml",
            "--format",
            "json",
            "--start",
            "2026-11-30",
        ])
        .run();
    assert_eq!(check.status, 0, "{}\n{text}", check.stderr);
    let v: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(v["source"]["technology"]["value"]["id"], "redis");
    assert_eq!(v["target"]["technology"]["value"]["id"], "valkey");
    assert_eq!(v["criticality"]["value"], "high");
    assert_eq!(v["rollback_tolerance"]["value"]["max_minutes"], 5);
    assert_eq!(v["team"]["time_zones"][0]["value"], "Europe/Berlin");
    assert_eq!(v["schedule"]["deadline"]["value"]["date"], "2027-03-31");
    assert_eq!(v["integrations"].as_array().unwrap().len(), 2);
}

#[test]
fn knowledge_packs_extend_the_catalog() {
    let t = Test::new()
        .file("s.toml", "[source]\ntechnology = \"acmedb\"\n")
        .args(&["check", "s.toml", "--knowledge", "k", "--format", "json"]);
    std::fs::create_dir(t.path("k")).unwrap();
    std::fs::write(
        t.path("k/technologies.toml"),
        "[[technology]]\nid = \"acmedb\"\nname = \"AcmeDB\"\nkind = \"relational-database\"\naliases = [\"acmedb\"]\n",
    )
    .unwrap();
    let run = t.run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("AcmeDB"));
}

/// The examples folder and the names of its files, sorted.
fn bundled_examples() -> (PathBuf, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 7, "{names:?}");
    (root, names)
}

/// Golden plans: every bundled example, planned through the real binary
/// with `--explain`, committed as snapshots that a reviewer has read.
#[test]
fn golden_plans_for_every_example() {
    let (root, names) = bundled_examples();
    for name in names {
        // The seed's relative dates ("Currently April") need its own start.
        let start = if name.starts_with("pg14-ec2-to-pg16-rds") {
            "2026-04-27"
        } else {
            "2026-11-30"
        };
        let run = Test::new()
            .file(&name, std::fs::read(root.join(&name)).unwrap())
            .args(&["plan", &name, "--start", start, "--explain"])
            .run();
        assert_eq!(run.status, 0, "{name}: {}", run.stderr);
        insta::assert_snapshot!(format!("plan__{}", name.replace('.', "_")), run.stdout);
    }
}

/// Every example's facts, written by `check` as TOML, YAML and JSON and fed
/// back to `plan`, give the very plan the example gives (its JSON, which
/// holds everything the other formats render).
#[test]
fn check_output_in_each_spec_format_plans_as_the_original() {
    let (root, names) = bundled_examples();
    for name in names {
        let content = std::fs::read(root.join(&name)).unwrap();
        // The seed's relative dates ("Currently April") need its own start.
        let start = if name.starts_with("pg14-ec2-to-pg16-rds") {
            "2026-04-27"
        } else {
            "2026-11-30"
        };
        let original = Test::new()
            .file(&name, &content)
            .args(&["plan", &name, "--start", start, "--format", "json"])
            .run();
        assert_eq!(original.status, 0, "{name}: {}", original.stderr);
        for format in ["toml", "yaml", "json"] {
            let check = Test::new()
                .file(&name, &content)
                .args(&["check", &name, "--start", start, "--format", format])
                .run();
            assert_eq!(check.status, 0, "{name} {format}: {}", check.stderr);
            let facts = format!("facts.{format}");
            let again = Test::new()
                .file(&facts, check.stdout.as_bytes())
                .args(&["plan", &facts, "--format", "json"])
                .run();
            assert_eq!(again.status, 0, "{name} {format}: {}", again.stderr);
            assert!(
                again.stdout == original.stdout,
                "{name} via {format}: the plan from check's output differs"
            );
            // Through stdin too, where the form is sniffed.
            let piped = Test::new()
                .stdin(check.stdout.as_bytes())
                .args(&["plan", "-", "--format", "json"])
                .run();
            assert!(
                piped.stdout == original.stdout,
                "{name} via {format} on stdin"
            );
        }
    }
}

#[test]
fn a_facts_document_keeps_its_start_date() {
    let check = Test::new()
        .file("seed.txt", example(SEED))
        .args(&[
            "check",
            "seed.txt",
            "--start",
            "2026-04-27",
            "--format",
            "toml",
        ])
        .run();
    assert_eq!(check.status, 0, "{}", check.stderr);
    // The same start is fine; another would shift every relative date.
    let same = Test::new()
        .file("facts.toml", check.stdout.as_bytes())
        .args(&["plan", "facts.toml", "--start", "2026-04-27"])
        .run();
    assert_eq!(same.status, 0, "{}", same.stderr);
    let other = Test::new()
        .file("facts.toml", check.stdout.as_bytes())
        .args(&["plan", "facts.toml", "--start", "2026-06-01"])
        .run();
    assert_eq!(other.status, 2, "{}", other.stderr);
    assert!(
        other.stderr.contains("start date 2026-04-27"),
        "{}",
        other.stderr
    );
    // A damaged facts document is an input error, not a panic or a spec.
    let broken = check
        .stdout
        .replace("start_date = ", "start_date = \"not a date\"\nx = ");
    let bad = Test::new()
        .file("facts.toml", broken.as_bytes())
        .args(&["plan", "facts.toml"])
        .run();
    assert_eq!(bad.status, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("facts document"), "{}", bad.stderr);
}

#[test]
fn check_text_lists_bundled_changes_and_what_is_out_of_scope() {
    let run = Test::new()
        .file(
            "in.txt",
            "<migration-type>Django 3.2 -> 4.2, plus Python 3.8 -> 3.11. Celery stays as it is (not in this migration).</migration-type>\
             <from-state>Django 3.2 on Python 3.8</from-state><to-state>Django 4.2</to-state>",
        )
        .args(&["check", "in.txt", "--start", "2026-11-30"])
        .run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("bundled change"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Python 3.8 → Python 3.11"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("out of scope"), "{}", run.stdout);
}

#[test]
fn ics_and_mermaid_formats_through_the_binary() {
    let run = seed_plan(&["--format", "ics"]).run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(run.stdout.contains("DTSTART;TZID=America/Los_Angeles:"));
    assert!(run.stdout.trim_end().ends_with("END:VCALENDAR"));
    let run = seed_plan(&["--format", "mermaid"]).run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("gantt\n"));
    assert!(run.stdout.contains("write-cutover, 2026-"));
}

#[test]
fn a_deadline_that_cannot_be_met_gets_the_latest_start_and_the_holds_that_could_shrink() {
    let spec = "[source]\ntechnology = \"postgresql\"\nversion = \"12\"\nhosting = \"aws-ec2\"\n[target]\ntechnology = \"postgresql\"\nversion = \"16\"\nhosting = \"aws-rds\"\n[scale]\ndata_size = \"500 GB\"\n[criticality]\nlevel = \"critical\"\n[rollback]\nacceptable_delay = \"15 minutes\"\n[capabilities]\nflag_provider = \"launchdarkly\"\n[team]\ntime_zones = [\"Europe/Berlin\"]\n[constraints]\ndeadline = \"2026-06-15\"\nchange_windows = [{ days = [\"tue\", \"wed\"], from = \"10:00\", to = \"13:00\" }]\n";
    let run = Test::new()
        .file("s.toml", spec)
        .args(&[
            "plan",
            "s.toml",
            "--start",
            "2026-05-04",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["summary"]["fits_deadline"], false);
    let latest = v["summary"]["latest_start"].as_str().expect("latest start");
    assert!(latest < "2026-05-04", "{latest}");
    assert!(!v["summary"]["compressible_holds"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(v["summary"]["change_window"], "Tue/Wed 10:00–13:00");
    for p in v["phases"].as_array().unwrap().iter().skip(1) {
        let at = p["transition_at"].as_str().unwrap();
        assert!(
            at.contains("T11:00:00+02:00") || at.contains("T11:00:00+01:00"),
            "{at}"
        );
        let day =
            jiff::civil::Date::strptime("%Y-%m-%d", p["start_date"].as_str().unwrap()).unwrap();
        assert!(
            matches!(
                day.weekday(),
                jiff::civil::Weekday::Tuesday | jiff::civil::Weekday::Wednesday
            ),
            "{day}"
        );
    }
    // The holds were not shortened to fit.
    let canary = v["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "canary")
        .unwrap();
    assert!(canary["min_days"].as_u64().unwrap() >= 5);
}

#[test]
fn html_report_is_self_contained_and_escapes_user_text() {
    let t = seed_plan(&["--format", "html", "-o", "plan.html"]);
    let run = t.run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(t.path("plan.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    for part in [
        "id=\"summary\"",
        "id=\"questions\"",
        "<svg",
        "id=\"phases\"",
        "point of no return",
        "id=\"kill-switch\"",
        "id=\"monitoring\"",
        "id=\"parity\"",
        "id=\"scenarios\"",
        "id=\"people\"",
        "id=\"cleanup\"",
        "@media print",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // No external assets: nothing is loaded from the network.
    for bad in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(bad), "{bad}");
    }
    let evil = "<migration-type><script>alert(1)</script> Postgres 12 → Postgres 16</migration-type><integration-points>\"><img src=x onerror=alert(2)>, ok</integration-points><criticality>high</criticality>";
    let t = Test::new().file("evil.txt", evil).args(&[
        "plan",
        "evil.txt",
        "--start",
        "2026-04-27",
        "--format",
        "html",
    ]);
    let run = t.run();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("<script>alert"), "script tag escaped");
    assert!(!run.stdout.contains("<img src=x"), "img tag escaped");
    assert!(
        run.stdout.contains("&lt;img src=x onerror=alert(2)&gt;")
            || !run.stdout.contains("onerror"),
        "escaped where shown"
    );
}

/// A form written with headings instead of tags (a file, and the same text
/// on stdin) reads as the tags its headings name; an unknown heading's text
/// is reported, under its name, as not interpreted.
#[test]
fn headings_stand_in_for_tags_in_a_file_and_on_stdin() {
    let form = "MIGRATION-TYPE: Engine change, MySQL 5.7 to PostgreSQL 15.\n\
                FROM: MySQL 5.7 on EC2, 300 GB.\n\
                TARGET: PostgreSQL 15 on RDS.\n\
                TEAM: Ana (DBA) and me.\n\
                ROLLBACK: 15 minutes.\n\
                CONCERNS: Zero dates in the orders table.\n";
    for run in [
        Test::new()
            .file("form.txt", form)
            .args(&["check", "form.txt"])
            .run(),
        Test::new().stdin(form).args(&["check", "-"]).run(),
    ] {
        assert_eq!(run.status, 0, "{}", run.stderr);
        for want in [
            "MySQL 5.7",
            "PostgreSQL 15",
            "15 minute",
            "warning[heading-read-as-tag]",
            "TEAM → <team-availability>",
            "warning[unknown-heading]",
            "Zero dates in the orders table.",
        ] {
            assert!(run.stdout.contains(want), "{want}: {}", run.stdout);
        }
    }
}
