//! The verifier against hostile input, on real clusters: connection strings
//! whose passwords must never be shown, and values (a `--tables` pattern,
//! stored keys, histogram bounds, table and column names) built to break
//! out of SQL literals on servers running with
//! `standard_conforming_strings = off`, where a backslash escapes a quote.

#[path = "support/cluster.rs"]
mod cluster;

use cluster::Cluster;
use rollgate_verify::{verify, Options, RowHash};
use std::time::{Duration, Instant};

/// Payloads from the hardening issue: under `standard_conforming_strings
/// = off`, `'\'' …` closes the literal after the escaped quote.
const SLEEP_PATTERN: &str = "\\' OR (SELECT pg_sleep(3)) IS NULL --";
const SLEEP_KEY: &str = "\\' ) OR (SELECT true FROM pg_sleep(2)) --";

/// Every statement the verifier sent, as (kind, text) log entries: `LOG`
/// entries hold SQL (`statement: …`, `execute <unnamed>: …`), `DETAIL`
/// entries the bind parameters. Continuation lines of a multi-line
/// statement belong to the entry before them.
fn verifier_entries(log: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String, bool)> = Vec::new();
    for line in log.lines() {
        let head = line.split_once('|').and_then(|(app, rest)| {
            let kind = rest.split_once(":  ")?.0;
            kind.chars()
                .all(|c| c.is_ascii_uppercase())
                .then(|| (app == "rollgate verify", kind.to_string(), rest.to_string()))
        });
        match head {
            Some((ours, kind, text)) => out.push((kind, text, ours)),
            None => {
                if let Some(last) = out.last_mut() {
                    last.1.push('\n');
                    last.1.push_str(line);
                }
            }
        }
    }
    out.into_iter()
        .filter(|(_, _, ours)| *ours)
        .map(|(k, t, _)| (k, t))
        .collect()
}

/// Asserts that `marker` reached the server only as a bind parameter:
/// never in SQL text the verifier sent, and at least once as a parameter.
fn only_as_parameter(c: &Cluster, marker: &str) {
    let entries = verifier_entries(&c.log());
    assert!(entries.len() > 10, "{}", c.log());
    let mut as_param = 0;
    for (kind, text) in &entries {
        if !text.contains(marker) {
            continue;
        }
        assert!(
            kind == "DETAIL" && text.starts_with("DETAIL:  parameters: "),
            "{marker:?} appears in SQL text the verifier sent:\n{kind}: {text}"
        );
        as_param += 1;
    }
    assert!(as_param > 0, "{marker:?} was never sent as a parameter");
    assert!(
        !entries.iter().any(|(k, _)| k == "ERROR"),
        "{:?}",
        entries
            .iter()
            .filter(|(k, _)| k == "ERROR")
            .collect::<Vec<_>>()
    );
}

/// Runs the verifier, failing the test (rather than hanging it) when an
/// injected sleep or an injected `OR true` keeps it busy.
fn verify_within(opts: &Options, limit: Duration) -> rollgate_verify::Report {
    let (tx, rx) = std::sync::mpsc::channel();
    let opts = opts.clone();
    std::thread::spawn(move || {
        let _ = tx.send(verify(&opts));
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("the run took over {limit:?}: did an injected statement run?"))
        .unwrap()
}

fn off_by_role(c: &Cluster) {
    c.sql("ALTER ROLE postgres SET standard_conforming_strings = off");
}

fn off_by_server(c: &Cluster) {
    c.sql("ALTER SYSTEM SET standard_conforming_strings = off");
    c.sql("SELECT pg_reload_conf()");
    std::thread::sleep(Duration::from_millis(300));
}

/// Tables whose keys, names and histograms carry the payloads. Written
/// with dollar quotes, which mean the same whatever the setting.
const HOSTILE: &str = r#"
CREATE TABLE hist (k text PRIMARY KEY, v int);
INSERT INTO hist SELECT $p$\' ) OR (SELECT true FROM pg_sleep(2)) --$p$ || lpad(g::text, 4, '0'), g
  FROM generate_series(1, 400) g;
CREATE TABLE chunks (k text PRIMARY KEY, v int);
INSERT INTO chunks SELECT $p$\' ) OR (SELECT true FROM pg_sleep(2)) --$p$ || lpad(g::text, 4, '0'), g
  FROM generate_series(1, 400) g;
CREATE TABLE pair (a text, b text, v int, PRIMARY KEY (a, b));
INSERT INTO pair SELECT $p$\' ) OR (SELECT true FROM pg_sleep(2)) --$p$ || (g % 7), $p$x\'y'z$p$ || g, g
  FROM generate_series(1, 300) g;
CREATE TABLE "we""ird\" ("x'y" text PRIMARY KEY, "v\'" int);
INSERT INTO "we""ird\" SELECT $p$\' ) OR (SELECT true FROM pg_sleep(2)) --$p$ || lpad(g::text, 4, '0'), g
  FROM generate_series(1, 200) g;
CREATE TABLE "s'eq\" (id serial PRIMARY KEY, "p\'id" text REFERENCES "we""ird\"("x'y"));
INSERT INTO "s'eq\" ("p\'id") SELECT "x'y" FROM "we""ird\" ORDER BY 1 LIMIT 5;
"#;

#[test]
fn values_travel_as_parameters_when_standard_conforming_strings_is_off() {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql(HOSTILE);
    }
    // Statistics on the source only: `hist` is cut at its histogram,
    // `chunks` every few keys.
    a.sql("ANALYZE hist; ANALYZE pair;");
    let key = |g: u32| format!("{SLEEP_KEY}{g:04}");
    b.sql(&format!(
        "DELETE FROM hist WHERE k = $p${}$p$;
         UPDATE hist SET v = -1 WHERE k = $p${}$p$;
         INSERT INTO hist VALUES ($p${SLEEP_KEY}9999$p$, 0);
         DELETE FROM chunks WHERE k = $p${}$p$;
         UPDATE chunks SET v = -1 WHERE k = $p${}$p$;
         UPDATE pair SET v = -1 WHERE v = 150;
         UPDATE \"we\"\"ird\\\" SET \"v\\'\" = -1 WHERE \"x'y\" = $p${}$p$;",
        key(3),
        key(250),
        key(123),
        key(399),
        key(77)
    ));
    off_by_server(&a);
    off_by_role(&b);
    let opts = Options {
        source: a.url(),
        target: b.url(),
        chunk_rows: 40,
        leaf_rows: 5,
        statement_timeout_ms: 30_000,
        ..Options::default()
    };
    let r = verify_within(&opts, Duration::from_secs(20));
    let text = rollgate_verify::text(&r);
    // Regression: the probe row's bytea literal broke under the setting
    // and the run fell back to md5 with a false warning.
    assert_eq!(r.row_hash, RowHash::TypeHashes, "{text}");
    assert!(!text.contains("lacks hash_record_extended"), "{text}");
    let t = |name: &str| r.tables.iter().find(|t| t.table == name).unwrap();
    let hist = t("public.hist");
    assert_eq!(hist.missing_in_target, vec![key(3)], "{text}");
    assert_eq!(hist.extra_in_target, vec![format!("{SLEEP_KEY}9999")]);
    assert_eq!(hist.changed.len(), 1, "{text}");
    assert_eq!(hist.changed[0].key, key(250));
    assert_eq!(hist.changed[0].columns, vec!["v".to_string()]);
    let chunks = t("public.chunks");
    assert_eq!(chunks.missing_in_target, vec![key(123)], "{text}");
    assert_eq!(chunks.changed[0].key, key(399));
    let pair = t("public.pair");
    assert_eq!(pair.changed_count, 1, "{text}");
    assert_eq!(
        pair.changed[0].key,
        format!("{SLEEP_KEY}3,x\\'y'z150"),
        "{text}"
    );
    let weird = t("public.we\"ird\\");
    assert!(weird.contents_compared, "{text}");
    assert_eq!(weird.changed[0].key, key(77), "{text}");
    assert_eq!(weird.changed[0].columns, vec!["v\\'".to_string()]);
    assert!(t("public.s'eq\\").equal, "{text}");
    assert!(
        r.sequences
            .iter()
            .any(|s| s.sequence == "public.s'eq\\_id_seq" && s.ahead),
        "{:?}",
        r.sequences
    );
    assert!(r.foreign_key_violations.is_empty(), "{text}");
    assert!(r.schema_differences.is_empty(), "{text}");
    for c in [&a, &b] {
        only_as_parameter(c, "pg_sleep(2)");
    }

    // The --tables pattern, on both servers.
    let started = Instant::now();
    let r = verify(&Options {
        tables: Some(SLEEP_PATTERN.into()),
        ..opts.clone()
    })
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !r.equal
            && r.warnings
                .iter()
                .any(|w| w.contains("nothing was compared"))
    );
    for c in [&a, &b] {
        only_as_parameter(c, "pg_sleep(3)");
    }
    // A pattern with a quote and a LIKE-escaped backslash matches what
    // LIKE says it matches.
    let r = verify(&Options {
        tables: Some("public.we\"ird\\\\".into()),
        ..opts.clone()
    })
    .unwrap();
    assert_eq!(r.tables.len(), 1, "{}", rollgate_verify::text(&r));
}

/// Regression: with the setting off on one side only, the probe row failed
/// there (a false "lacks hash_record_extended") and index definitions were
/// rewritten differently on the two sides.
#[test]
fn servers_that_differ_in_standard_conforming_strings_agree() {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql(
            "CREATE TABLE t (id int PRIMARY KEY, v text);
               INSERT INTO t SELECT g, $$a\\b'c$$ || g FROM generate_series(1, 100) g;",
        );
    }
    a.sql("CREATE INDEX t_v ON t (v)");
    b.sql("CREATE UNIQUE INDEX t_v ON t (v)");
    off_by_role(&a);
    let r = verify(&Options {
        source: a.url(),
        target: b.url(),
        ..Options::default()
    })
    .unwrap();
    let text = rollgate_verify::text(&r);
    assert_eq!(r.row_hash, RowHash::TypeHashes, "{text}");
    assert!(r.warnings.is_empty(), "{text}");
    // Only the index's uniqueness differs: names are stripped alike.
    assert_eq!(r.schema_differences.len(), 1, "{text}");
    let d = &r.schema_differences[0];
    assert_eq!(d.object, "index public.t_v", "{text}");
    assert_eq!(
        d.source.as_deref(),
        Some("CREATE INDEX ON public.t USING btree (v)"),
        "{text}"
    );
}
