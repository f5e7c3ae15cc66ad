//! Any text given as bindings gives bindings or located problems: never a
//! panic, and every location inside the text.

use proptest::prelude::*;
use rollgate_connect::{Bindings, ConnectError};

const SEED: &str = r#"
[metrics."error-rate"]
source = "prometheus"
url = "http://127.0.0.1:9090"
query = 'sum(rate(x[5m]))'
interval = "1m"
[metrics.lag]
source = "sql"
url_env = "DB"
query = "select 1"
[switch]
kind = "launchdarkly"
token_env = "T"
project_key = "p"
environment_key = "e"
variations = { old = "a", new = "b" }
[notify]
webhook_url_file = "/run/hook"
"#;

fn check(text: &str) {
    match Bindings::parse(text, "f.toml") {
        Ok(b) => {
            for id in b.metric_ids() {
                let _ = b.source(id).map(|s| s.describe());
            }
            let _ = b.switch("flag", &["old".to_string(), "new".to_string()]);
        }
        Err(ConnectError::Bindings(problems)) => {
            let lines = text.lines().count().max(1) + 1;
            for p in problems {
                assert!(p.line >= 1 && p.line <= lines, "{p} in {lines} lines");
            }
        }
        Err(other) => panic!("parse gave a non-bindings error: {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn toml_like_text_never_panics(text in "[\\[\\]a-z_=\" \n.0-9{}',/:-]{0,300}") {
        check(&text);
    }

    #[test]
    fn the_example_with_a_piece_cut_out_never_panics(start in 0usize..400, len in 0usize..40) {
        let chars: Vec<char> = SEED.chars().collect();
        let start = start.min(chars.len());
        let end = (start + len).min(chars.len());
        let text: String = chars[..start].iter().chain(&chars[end..]).collect();
        check(&text);
    }

    #[test]
    fn the_example_with_a_line_swapped_never_panics(line in 0usize..20, with in "[a-z_]{1,12} = (\"[a-z0-9:/.]{0,10}\"|[0-9]{1,3}|true|\\[\\]|\\{\\})") {
        let mut lines: Vec<String> = SEED.lines().map(String::from).collect();
        let at = line.min(lines.len() - 1);
        lines[at] = with;
        check(&lines.join("\n"));
    }
}
