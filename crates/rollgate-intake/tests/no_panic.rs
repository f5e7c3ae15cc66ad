//! Property tests: no input, however broken, makes intake panic. Random
//! text, random bytes, and mutations of real specs go through every form.

use jiff::civil::date;
use proptest::prelude::*;
use rollgate_intake::{read_bytes, InputForm, SpecFormat};
use rollgate_knowledge::Knowledge;
use std::sync::LazyLock;

static KNOWLEDGE: LazyLock<Knowledge> = LazyLock::new(|| Knowledge::builtin().unwrap());

const FORMS: [Option<InputForm>; 5] = [
    None,
    Some(InputForm::Tagged),
    Some(InputForm::Spec(SpecFormat::Toml)),
    Some(InputForm::Spec(SpecFormat::Yaml)),
    Some(InputForm::Spec(SpecFormat::Json)),
];

fn seeds() -> Vec<String> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    // The bundled examples and the intake corpus (not its expectations).
    for root in [
        manifest.join("../../examples"),
        manifest.join("tests/corpus"),
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && !p.to_string_lossy().ends_with(".expect.toml"))
            .collect();
        paths.sort();
        for path in paths {
            out.push(std::fs::read_to_string(path).unwrap());
        }
    }
    out.push(
        "source:\n  technology: mysql\n  version: \"5.7\"\nconstraints:\n  deadline: by Q3 2027\n"
            .into(),
    );
    out.push(
        r#"{"team": {"roles": [{"role": "sre", "count": 2}]}, "integrations": [{"name": "x"}]}"#
            .into(),
    );
    out
}

/// What intake writes back (an error message, or the facts as JSON) may
/// grow with the input, never faster than this many bytes per input byte
/// (plus a constant): a quadratic echo of the input is a denial of service.
const OUTPUT_PER_INPUT_BYTE: usize = 64;
const OUTPUT_CONSTANT: usize = 64 * 1024;

fn feed(bytes: &[u8]) {
    let bound = OUTPUT_CONSTANT + OUTPUT_PER_INPUT_BYTE * bytes.len();
    for form in FORMS {
        // The result may be an error; it must not be a panic.
        let written = match read_bytes("fuzz", bytes, form, &KNOWLEDGE, date(2026, 4, 27)) {
            Ok(facts) => serde_json::to_string(&facts).unwrap().len(),
            Err(e) => e.to_string().len(),
        };
        assert!(
            written <= bound,
            "{form:?}: {written} bytes written for {} bytes of input",
            bytes.len()
        );
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, String),
    Delete(usize, usize),
    Replace(usize, u8),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (
            any::<usize>(),
            prop_oneof![
                Just("<".to_string()),
                Just("</scale>".to_string()),
                Just("<criticality>".to_string()),
                Just("\"".to_string()),
                Just("[".to_string()),
                Just("{".to_string()),
                Just("\n".to_string()),
                Just(" 12K queries/sec ".to_string()),
                Just(" by Q9 2026 ".to_string()),
                Just("→".to_string()),
                ".{0,12}",
            ]
        )
            .prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), 0usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        (any::<usize>(), 0usize..200).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = bytes.len().max(1);
    match m {
        Mutation::Insert(at, s) => {
            let at = at % len;
            bytes.splice(at.min(bytes.len())..at.min(bytes.len()), s.bytes());
        }
        Mutation::Delete(at, n) => {
            let at = (at % len).min(bytes.len());
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Replace(at, b) => {
            if !bytes.is_empty() {
                let at = at % bytes.len();
                bytes[at] = *b;
            }
        }
        Mutation::Duplicate(at, n) => {
            let at = (at % len).min(bytes.len());
            let end = (at + n).min(bytes.len());
            let piece = bytes[at..end].to_vec();
            bytes.splice(end..end, piece);
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig {
        // `PROPTEST_CASES=200000` runs the long fuzzing session.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(192),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,400}") {
        feed(s.as_bytes());
    }

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        feed(&b);
    }

    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("<scale>"), Just("</scale>"), Just("<from-state>"), Just("</from-state>"),
        Just("<constraints>"), Just("</constraints>"), Just("<x>"), Just("</x>"), Just("<"), Just(">"),
        Just("Postgres 14 "), Just("600GB "), Just("by Q3 2026 "), Just("4 SREs "), Just("minutes "),
        Just("\n"), Just("Dec 15 to Jan 5 "), Just("no dual-write "), Just("(50), "), Just("→ "),
    ], 0..60)) {
        feed(parts.concat().as_bytes());
    }

    #[test]
    fn repeated_pieces_write_output_linear_in_input(pieces in proptest::collection::vec(prop_oneof![
        Just("<scale>1</scale>"), Just("</x>"), Just("<from-state>"), Just("<x>y</x>"),
        Just("Postgres 14 "), Just("freeze Dec 15 to Jan 5, "), Just("4 SREs in Berlin "),
        Just("- billing reads orders via REST\n"), Just("no flags; "), Just("5k qps at peak. "),
        Just("\u{1b}[2J"), Just("<constraints>"), Just("</constraints>"), Just("at most 3 weeks. "),
    ], 1..4), times in 1usize..3000) {
        feed(pieces.concat().repeat(times).as_bytes());
    }

    #[test]
    fn mutated_examples_never_panic(seed in 0usize..256, muts in proptest::collection::vec(mutation(), 1..6)) {
        let seeds = seeds();
        let mut bytes = seeds[seed % seeds.len()].clone().into_bytes();
        for m in &muts {
            bytes = apply(bytes, m);
        }
        feed(&bytes);
    }
}

#[test]
fn every_example_reads_without_error() {
    for s in seeds() {
        let facts = read_bytes("example", s.as_bytes(), None, &KNOWLEDGE, date(2026, 4, 27));
        assert!(facts.is_ok(), "{s}\n{:?}", facts.err());
    }
}

/// Every tag body of a tagged input repeated `times` over, in place.
fn grow_tag_bodies(text: &str, times: usize) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let Some(close_rel) = rest[open..].find('>') else {
            break;
        };
        let name = &rest[open + 1..open + close_rel];
        let end_tag = format!("</{name}>");
        let body_start = open + close_rel + 1;
        if name.starts_with('/') || name.is_empty() || name.contains(char::is_whitespace) {
            out.push_str(&rest[..body_start]);
            rest = &rest[body_start..];
            continue;
        }
        let Some(body_len) = rest[body_start..].find(&end_tag) else {
            out.push_str(&rest[..body_start]);
            rest = &rest[body_start..];
            continue;
        };
        let body = &rest[body_start..body_start + body_len];
        out.push_str(&rest[..body_start]);
        for _ in 0..times {
            out.push_str(body);
            out.push('\n');
        }
        out.push_str(&end_tag);
        rest = &rest[body_start + body_len + end_tag.len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_corpus_grown_sixteenfold_reads_without_panic_and_with_linear_output() {
    for s in seeds() {
        let grown = grow_tag_bodies(&s, 16);
        feed(grown.as_bytes());
    }
}
