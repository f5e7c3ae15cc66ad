//! Verifier tests against two real PostgreSQL clusters started on loopback
//! for the test (initdb + pg_ctl from the server binaries on the machine)
//! and removed afterwards.

#[path = "support/cluster.rs"]
mod cluster;

use cluster::Cluster;
use rollgate_verify::{verify, Options};

const SCHEMA: &str = "
CREATE TABLE items (
  id bigint PRIMARY KEY,
  name text,
  price numeric(12,4),
  ratio double precision,
  at timestamptz,
  doc jsonb,
  blob bytea,
  tags text[]
);
CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b));
CREATE TABLE uids (id uuid PRIMARY KEY, v text);
CREATE TABLE loose (x int, y text);
CREATE TABLE parents (id int PRIMARY KEY);
CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents(id));
CREATE TABLE counters (id serial PRIMARY KEY, v int);
CREATE TABLE nothing (id int PRIMARY KEY, v text);
CREATE TABLE words (w text PRIMARY KEY, n int);
";

const DATA: &str = "
INSERT INTO items SELECT g, 'name ' || g || ' Ångström ß ü 😀', (g * 1.0001)::numeric(12,4), g / 3.0,
  timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', jsonb_build_object('b', g, 'a', 'x'),
  decode(md5(g::text), 'hex'), ARRAY['t' || g, NULL]
FROM generate_series(1, 1000) g;
UPDATE items SET name = NULL, doc = NULL WHERE id % 97 = 0;
INSERT INTO pairs SELECT g % 10, 'k' || g, g FROM generate_series(1, 300) g;
INSERT INTO uids SELECT md5(g::text)::uuid, 'v' || g FROM generate_series(1, 300) g;
INSERT INTO loose SELECT g, 'y' || g FROM generate_series(1, 100) g;
INSERT INTO parents SELECT g FROM generate_series(1, 20) g;
INSERT INTO children SELECT g, g % 20 + 1 FROM generate_series(1, 50) g;
INSERT INTO counters (v) SELECT g FROM generate_series(1, 30) g;
INSERT INTO words SELECT w || g, g FROM generate_series(1, 60) g,
  unnest(ARRAY['Ångström ', 'ß', 'straße', 'Zebra', 'zebra', 'é', 'é', '😀', 'it''s ', 'a,b ', '\"q\" ', '']) w;
";

fn pair() -> (Cluster, Cluster) {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql(SCHEMA);
        c.sql(DATA);
    }
    (a, b)
}

fn opts(a: &Cluster, b: &Cluster) -> Options {
    Options {
        source: a.url(),
        target: b.url(),
        chunk_rows: 200,
        leaf_rows: 25,
        ..Options::default()
    }
}

#[test]
fn identical_databases_are_equal_and_nothing_is_written() {
    let (a, b) = pair();
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(r.equal, "{}", rollgate_verify::text(&r));
    assert!(r
        .tables
        .iter()
        .find(|t| t.table == "public.loose")
        .unwrap()
        .warnings[0]
        .contains("no primary key"));
    let empty = r
        .tables
        .iter()
        .find(|t| t.table == "public.nothing")
        .unwrap();
    assert_eq!((empty.source_rows, empty.target_rows), (0, 0));
    assert!(empty.equal);
    // A row only in the target of an otherwise empty table is found.
    b.sql("INSERT INTO nothing VALUES (1, 'only here')");
    let r = verify(&opts(&a, &b)).unwrap();
    let t = r
        .tables
        .iter()
        .find(|t| t.table == "public.nothing")
        .unwrap();
    assert_eq!(t.extra_in_target, vec!["1".to_string()]);
    b.sql("DELETE FROM nothing");
    // A --tables pattern that matches nothing cannot pass a gate.
    let none = verify(&Options {
        tables: Some("public.no_such_table%".into()),
        ..opts(&a, &b)
    })
    .unwrap();
    assert!(!none.equal && none.warnings[0].contains("nothing was compared"));
    // Differences in JSONB key order are not differences.
    b.sql("UPDATE items SET doc = '{\"a\": \"x\", \"b\": 5}'::jsonb WHERE id = 5");
    assert!(verify(&opts(&a, &b)).unwrap().equal);
}

#[test]
fn missing_extra_and_changed_rows_in_first_middle_and_last_ranges() {
    let (a, b) = pair();
    b.sql("DELETE FROM items WHERE id IN (1, 500);
           INSERT INTO items (id, name) VALUES (1001, 'extra');
           UPDATE items SET price = price + 0.0001 WHERE id = 999;
           UPDATE items SET ratio = ratio + 1e-12, at = at + interval '1 microsecond' WHERE id = 250;
           UPDATE items SET tags = ARRAY['t250'] WHERE id = 251;
           UPDATE items SET blob = '\\x00' WHERE id = 252;");
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(!r.equal);
    let t = r.tables.iter().find(|t| t.table == "public.items").unwrap();
    let mut missing = t.missing_in_target.clone();
    missing.sort();
    assert_eq!(missing, vec!["1", "500"]);
    assert_eq!(t.extra_in_target, vec!["1001"]);
    let changed: Vec<(&str, &Vec<String>)> = t
        .changed
        .iter()
        .map(|c| (c.key.as_str(), &c.columns))
        .collect();
    assert!(
        changed.contains(&("999", &vec!["price".to_string()])),
        "{changed:?}"
    );
    assert!(
        changed.iter().any(|(k, cols)| *k == "250"
            && cols.contains(&"ratio".to_string())
            && cols.contains(&"at".to_string())),
        "{changed:?}"
    );
    assert!(changed
        .iter()
        .any(|(k, cols)| *k == "251" && cols == &&vec!["tags".to_string()]));
    assert!(changed
        .iter()
        .any(|(k, cols)| *k == "252" && cols == &&vec!["blob".to_string()]));
    assert_eq!(t.changed_count, 4);
    assert_eq!((t.source_rows, t.target_rows), (1000, 999));
}

#[test]
fn many_rows_only_in_the_target_past_the_last_source_key() {
    // 300 extra rows land in the last bucket, far beyond a bucket's size, so
    // the verifier must fall back to walking ranges and still count them all.
    let (a, b) = pair();
    b.sql(
        "INSERT INTO items (id) SELECT g FROM generate_series(2001, 2300) g;
           INSERT INTO uids SELECT md5(g::text)::uuid, 'new' FROM generate_series(5001, 5010) g;",
    );
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(!r.equal);
    let items = r.tables.iter().find(|t| t.table == "public.items").unwrap();
    assert_eq!(items.extra_count, 300);
    assert_eq!(items.missing_count + items.changed_count, 0);
    assert_eq!((items.source_rows, items.target_rows), (1000, 1300));
    let uids = r.tables.iter().find(|t| t.table == "public.uids").unwrap();
    assert_eq!(uids.extra_count, 10);
    assert_eq!((uids.source_rows, uids.target_rows), (300, 310));
}

#[test]
fn composite_and_uuid_keys_and_tables_without_keys() {
    let (a, b) = pair();
    b.sql(
        "UPDATE pairs SET v = -1 WHERE a = 3 AND b = 'k13';
           DELETE FROM uids WHERE id = md5('7')::uuid;
           UPDATE loose SET y = 'changed' WHERE x = 50;",
    );
    let r = verify(&opts(&a, &b)).unwrap();
    let pairs = r.tables.iter().find(|t| t.table == "public.pairs").unwrap();
    assert_eq!(
        pairs
            .changed
            .iter()
            .map(|c| c.key.as_str())
            .collect::<Vec<_>>(),
        vec!["3,k13"]
    );
    let uids = r.tables.iter().find(|t| t.table == "public.uids").unwrap();
    assert_eq!(uids.missing_count, 1);
    let loose = r.tables.iter().find(|t| t.table == "public.loose").unwrap();
    assert!(!loose.equal);
}

#[test]
fn schema_differences_sequences_and_foreign_keys() {
    let (a, b) = pair();
    b.sql("ALTER TABLE pairs ALTER COLUMN v TYPE bigint;
           SELECT setval('counters_id_seq', 5);
           SET session_replication_role = replica; INSERT INTO children VALUES (999, 12345); SET session_replication_role = origin;");
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(
        r.schema_differences
            .iter()
            .any(|d| d.object == "column public.pairs.v"
                && d.source.as_deref() == Some("integer")
                && d.target.as_deref() == Some("bigint")
                && !d.expected),
        "{:?}",
        r.schema_differences
    );
    let seq = r
        .sequences
        .iter()
        .find(|s| s.sequence.contains("counters_id_seq"))
        .unwrap();
    assert!(!seq.ahead && seq.source_max == Some(30));
    assert!(
        r.foreign_key_violations
            .iter()
            .any(|f| f.contains("children")),
        "{:?}",
        r.foreign_key_violations
    );
    assert!(!r.equal);
}

#[test]
fn missing_indexes_and_constraints_are_schema_differences() {
    let (a, b) = pair();
    // Same major version on both sides: an older extension is a real
    // difference, with the command that levels it.
    a.sql("CREATE EXTENSION pg_trgm VERSION '1.5'");
    b.sql("CREATE EXTENSION pg_trgm");
    a.sql("CREATE INDEX items_name ON items (name); ALTER TABLE uids ADD CONSTRAINT v_unique UNIQUE (v);");
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(
        r.schema_differences
            .iter()
            .any(|d| d.object == "index public.items_name" && d.target.is_none()),
        "{:?}",
        r.schema_differences
    );
    assert!(
        r.schema_differences
            .iter()
            .any(|d| d.object.contains("v_unique") && d.target.is_none()),
        "{:?}",
        r.schema_differences
    );
    let trgm = r
        .schema_differences
        .iter()
        .find(|d| d.object == "extension pg_trgm")
        .unwrap();
    assert_eq!(
        (trgm.source.as_deref(), trgm.expected),
        (Some("1.5"), false),
        "{trgm:?}"
    );
    assert!(!r.equal);
}

#[test]
fn differences_that_replication_catches_up_are_not_divergence() {
    let (a, b) = pair();
    a.sql("UPDATE items SET name = 'written on the source' WHERE id = 42");
    let url = b.url();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute("UPDATE items SET name = 'written on the source' WHERE id = 42")
            .unwrap();
    });
    let r = verify(&Options {
        recheck_after: Some(2),
        ..opts(&a, &b)
    })
    .unwrap();
    writer.join().unwrap();
    let t = r.tables.iter().find(|t| t.table == "public.items").unwrap();
    assert_eq!(t.persisted_after_recheck, Some(false));
    assert!(r.equal, "{}", rollgate_verify::text(&r));
}

#[test]
fn sessions_are_read_only_and_passwords_stay_hidden() {
    let (a, b) = pair();
    let bad = format!(
        "host=127.0.0.1 port={} user=nobody password=hunter2 dbname=postgres",
        b.port
    );
    let err = verify(&Options {
        target: bad,
        ..opts(&a, &b)
    })
    .unwrap_err()
    .to_string();
    assert!(!err.contains("hunter2"), "{err}");
    // Only what the driver parsed is shown: no password, not even masked.
    assert!(
        err.contains("user=nobody") && !err.contains("password"),
        "{err}"
    );
    // The verifier's session cannot write, even if a query tried.
    let mut c = postgres::Client::connect(&a.url(), postgres::NoTls).unwrap();
    c.batch_execute("SET default_transaction_read_only = on")
        .unwrap();
    assert!(c
        .batch_execute("INSERT INTO loose VALUES (1, 'x')")
        .is_err());
}

/// What a run found in one table, sorted, for comparing runs that take
/// different paths to the rows.
#[derive(Debug, PartialEq)]
struct Found {
    missing: Vec<String>,
    extra: Vec<String>,
    changed: Vec<String>,
    counts: [u64; 3],
    rows: (i64, i64),
}

fn found(r: &rollgate_verify::Report, table: &str) -> Found {
    let t = r.tables.iter().find(|t| t.table == table).unwrap();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    Found {
        missing: sorted(t.missing_in_target.clone()),
        extra: sorted(t.extra_in_target.clone()),
        changed: sorted(t.changed.iter().map(|c| c.key.clone()).collect()),
        counts: [t.missing_count, t.extra_count, t.changed_count],
        rows: (t.source_rows, t.target_rows),
    }
}

#[test]
fn every_path_to_the_rows_finds_the_same_differences() {
    let (a, b) = pair();
    b.sql(
        "DELETE FROM items WHERE id IN (1, 500, 501);
           INSERT INTO items (id, name) VALUES (1001, 'extra'), (0, 'before the first');
           UPDATE items SET price = price + 0.0001 WHERE id IN (2, 999, 1000);
           DELETE FROM uids WHERE id = md5('7')::uuid;
           UPDATE uids SET v = 'changed' WHERE id = md5('200')::uuid;
           UPDATE pairs SET v = -1 WHERE a = 3 AND b = 'k13';
           UPDATE words SET n = -1 WHERE w IN ('ß7', 'é' || '8', 'it''s 9');
           DELETE FROM words WHERE w IN ('😀10', 'a,b 11');",
    );
    let base = opts(&a, &b);
    // Without statistics, buckets are cut every chunk_rows keys.
    let no_stats = verify(&base).unwrap();
    let expect = found(&no_stats, "public.items");
    assert_eq!(expect.missing, vec!["1", "500", "501"]);
    assert_eq!(expect.extra, vec!["0", "1001"]);
    assert_eq!(expect.changed, vec!["1000", "2", "999"]);
    assert_eq!((expect.counts, expect.rows), ([3, 2, 3], (1000, 999)));
    let uids = found(&no_stats, "public.uids");
    let pairs = found(&no_stats, "public.pairs");
    assert_eq!(uids.counts, [1, 0, 1]);
    assert_eq!(pairs.changed, vec!["3,k13"]);
    let words = found(&no_stats, "public.words");
    assert_eq!(words.counts, [2, 0, 3]);
    // A key part holding a comma is quoted, so it cannot pass for two parts.
    assert_eq!(words.missing, vec!["\"a,b 11\"", "😀10"]);
    // With statistics, buckets come from the key histogram.
    a.sql("ANALYZE");
    b.sql("ANALYZE");
    let variants = [
        ("histogram buckets", base.clone()),
        (
            "three jobs",
            Options {
                jobs: 3,
                ..base.clone()
            },
        ),
        (
            "range by range",
            Options {
                single_scan_rows: Some(0),
                ..base.clone()
            },
        ),
        (
            "down to single rows",
            Options {
                leaf_rows: 1,
                ..base.clone()
            },
        ),
        (
            "halved by key first",
            Options {
                grouped_max_rows: 10,
                leaf_rows: 3,
                ..base.clone()
            },
        ),
        (
            "two cells per grouped statement",
            Options {
                cells: 2,
                ..base.clone()
            },
        ),
        (
            "small cells, small leaves",
            Options {
                cells: 16,
                leaf_rows: 1,
                grouped_max_rows: 10,
                ..base.clone()
            },
        ),
        (
            "whole table first",
            Options {
                expect_equal: true,
                ..base.clone()
            },
        ),
        (
            "one big leaf",
            Options {
                leaf_rows: 1_000_000,
                ..base.clone()
            },
        ),
    ];
    for (name, o) in variants {
        let r = verify(&o).unwrap();
        assert!(!r.equal, "{name}");
        assert_eq!(found(&r, "public.items"), expect, "{name}");
        assert_eq!(found(&r, "public.uids"), uids, "{name}");
        assert_eq!(found(&r, "public.pairs"), pairs, "{name}");
        assert_eq!(found(&r, "public.words"), words, "{name}");
        assert!(
            r.tables
                .iter()
                .filter(|t| ![
                    "public.items",
                    "public.uids",
                    "public.pairs",
                    "public.words"
                ]
                .contains(&t.table.as_str()))
                .all(|t| t.equal),
            "{name}: {}",
            rollgate_verify::text(&r)
        );
    }
}

/// Cells are arithmetic on the key: negative keys, both ends of bigint,
/// smallint and integer keys, and a key space so sparse that one outlier
/// makes the first cells enormous must all be found exactly.
#[test]
fn integer_keys_at_the_extremes_and_sparse_key_spaces() {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql(
            "CREATE TABLE wide (id bigint PRIMARY KEY, v text);
             INSERT INTO wide SELECT g, 'v' || g FROM generate_series(-500, 500) g;
             INSERT INTO wide VALUES (-9223372036854775808, 'min'), (9223372036854775807, 'max');
             CREATE TABLE small (id smallint PRIMARY KEY, v int);
             INSERT INTO small SELECT g, g FROM generate_series(-32768, 32767, 7) g;
             CREATE TABLE mid (id integer PRIMARY KEY, v int);
             INSERT INTO mid SELECT g, g FROM generate_series(1, 5000) g;
             INSERT INTO mid VALUES (2147483647, 0);",
        );
    }
    b.sql(
        "UPDATE wide SET v = 'changed' WHERE id IN (-500, -1, 0, 499, 9223372036854775807);
         DELETE FROM wide WHERE id = -9223372036854775808;
         INSERT INTO wide VALUES (9223372036854775806, 'extra');
         UPDATE small SET v = -v WHERE id IN (-32768, 32759);
         DELETE FROM mid WHERE id = 2500;
         INSERT INTO mid VALUES (-2147483648, 1);
         UPDATE mid SET v = 1 WHERE id = 2147483647;",
    );
    for cells in [2i64, 3, 64, 65_536] {
        for leaf_rows in [1i64, 20_000] {
            let o = Options {
                source: a.url(),
                target: b.url(),
                cells,
                leaf_rows,
                ..Options::default()
            };
            let r = verify(&o).unwrap();
            let name = format!("cells {cells}, leaf_rows {leaf_rows}");
            let wide = found(&r, "public.wide");
            assert_eq!(wide.missing, vec!["-9223372036854775808"], "{name}");
            assert_eq!(wide.extra, vec!["9223372036854775806"], "{name}");
            assert_eq!(
                wide.changed,
                vec!["-1", "-500", "0", "499", "9223372036854775807"],
                "{name}"
            );
            assert_eq!((wide.rows), (1003, 1003), "{name}");
            let small = found(&r, "public.small");
            assert_eq!(small.changed, vec!["-32768", "32759"], "{name}");
            assert_eq!(small.counts, [0, 0, 2], "{name}");
            let mid = found(&r, "public.mid");
            assert_eq!(mid.missing, vec!["2500"], "{name}");
            assert_eq!(mid.extra, vec!["-2147483648"], "{name}");
            assert_eq!(mid.changed, vec!["2147483647"], "{name}");
            assert_eq!(mid.rows, (5001, 5001), "{name}");
        }
    }
    // Equal again: settled by the first pass alone.
    b.sql(
        "DELETE FROM wide; DELETE FROM small; DELETE FROM mid;
         INSERT INTO wide SELECT g, 'v' || g FROM generate_series(-500, 500) g;
         INSERT INTO wide VALUES (-9223372036854775808, 'min'), (9223372036854775807, 'max');
         INSERT INTO small SELECT g, g FROM generate_series(-32768, 32767, 7) g;
         INSERT INTO mid SELECT g, g FROM generate_series(1, 5000) g;
         INSERT INTO mid VALUES (2147483647, 0);",
    );
    let r = verify(&Options {
        source: a.url(),
        target: b.url(),
        cells: 2,
        ..Options::default()
    })
    .unwrap();
    assert!(r.equal, "{}", rollgate_verify::text(&r));
}

#[test]
fn column_order_unhashable_types_and_byte_level_text_differences() {
    let (a, b) = (Cluster::start(), Cluster::start());
    a.sql("CREATE TABLE o (id int PRIMARY KEY, x text, y int)");
    b.sql("CREATE TABLE o (id int PRIMARY KEY, y int, x text)");
    let shapes = "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
        CREATE TABLE shapes (id int PRIMARY KEY, j json, p point, v tsvector, name text COLLATE ci, r int4range);
        CREATE TABLE vals (id int PRIMARY KEY, s text, n numeric, f float8);
        INSERT INTO vals VALUES (1, NULL, 1.0, 0.5), (2, 'a', 2.50, 1.5), (3, '', 3, 2.5);";
    for c in [&a, &b] {
        c.sql("INSERT INTO o (id, x, y) SELECT g, 'x' || g, g FROM generate_series(1, 100) g");
        c.sql(shapes);
        c.sql("INSERT INTO shapes SELECT g, json_build_object('k', g), point(g, g), to_tsvector('simple', 'word ' || g), 'Name' || g, int4range(g, g + 5)
               FROM generate_series(1, 50) g");
    }
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(r.equal, "{}", rollgate_verify::text(&r));
    assert_eq!(r.row_hash, rollgate_verify::RowHash::TypeHashes);
    // Each of these is a difference a byte-for-byte copy would not have.
    b.sql(
        "UPDATE shapes SET j = '{\"k\": 10, \"extra\": true}' WHERE id = 10;
           UPDATE shapes SET p = point(0, 0) WHERE id = 20;
           UPDATE shapes SET name = 'NAME30' WHERE id = 30;
           UPDATE shapes SET r = int4range(1, 2) WHERE id = 40;
           UPDATE o SET y = -1 WHERE id = 50;
           UPDATE vals SET s = '' WHERE id = 1;
           UPDATE vals SET n = 2.500 WHERE id = 2;
           UPDATE vals SET s = NULL WHERE id = 3;",
    );
    let r = verify(&opts(&a, &b)).unwrap();
    let shapes = found(&r, "public.shapes");
    assert_eq!(shapes.changed, vec!["10", "20", "30", "40"]);
    let t = r
        .tables
        .iter()
        .find(|t| t.table == "public.shapes")
        .unwrap();
    let cols: Vec<&str> = t
        .changed
        .iter()
        .flat_map(|c| c.columns.iter().map(String::as_str))
        .collect();
    assert_eq!(cols, vec!["j", "p", "name", "r"]);
    assert_eq!(found(&r, "public.o").changed, vec!["50"]);
    // NULL is not the empty string, and an unconstrained numeric that lost
    // or gained trailing zeros is not the same value as written.
    assert_eq!(
        found(&r, "public.vals").changed,
        vec!["1", "2", "3"],
        "{}",
        rollgate_verify::text(&r)
    );
}

#[test]
fn a_source_receiving_writes_during_the_run() {
    let (a, b) = pair();
    for c in [&a, &b] {
        c.sql(
            "CREATE TABLE busy (id bigint PRIMARY KEY, v text);
               INSERT INTO busy SELECT g, repeat('v', 50) FROM generate_series(1, 200000) g;",
        );
    }
    let url = a.url();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let writer = std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let mut id = 1_000_000i64;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            c.execute("INSERT INTO busy VALUES ($1, 'new'); UPDATE busy SET v = 'moved' WHERE id = $1 - 999000", &[&id])
                .or_else(|_| c.execute("INSERT INTO busy VALUES ($1, 'new')", &[&id]))
                .unwrap();
            id += 1;
        }
        id - 1_000_000
    });
    let r = verify(&Options {
        tables: Some("public.busy".into()),
        ..opts(&a, &b)
    })
    .unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    let t = &r.tables[0];
    // Whatever moment each pass saw, only rows the writer inserted can be
    // missing, and nothing can be extra or changed.
    assert!(!t.equal || t.missing_count == 0);
    assert_eq!(
        (t.extra_count, t.changed_count),
        (0, 0),
        "{}",
        rollgate_verify::text(&r)
    );
    for k in &t.missing_in_target {
        assert!(k.parse::<i64>().unwrap() >= 1_000_000, "{k}");
    }
    assert!(t.missing_count <= written as u64);
}

#[test]
fn stays_within_its_connection_and_rate_limits_and_never_writes() {
    let (a, b) = pair();
    let watch = |c: &Cluster| {
        let url = c.url();
        std::thread::spawn(move || {
            let mut m = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            let mut most = 0i64;
            let start = std::time::Instant::now();
            while start.elapsed() < std::time::Duration::from_secs(60) {
                let n: i64 = m
                    .query_one("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rollgate verify'", &[])
                    .unwrap()
                    .get(0);
                most = most.max(n);
                if n == 0 && most > 0 {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            most
        })
    };
    let (wa, wb) = (watch(&a), watch(&b));
    let started = std::time::Instant::now();
    let r = verify(&Options {
        jobs: 2,
        rate_limit: 40,
        ..opts(&a, &b)
    })
    .unwrap();
    let elapsed = started.elapsed();
    assert!(r.equal);
    assert_eq!(
        (wa.join().unwrap(), wb.join().unwrap()),
        (2, 2),
        "two connections per server, never more"
    );
    for c in [&a, &b] {
        let log = c.log();
        let sent: Vec<&str> = log
            .lines()
            .filter_map(|l| l.strip_prefix("rollgate verify|"))
            .filter_map(|l| {
                l.split_once("statement: ")
                    .or_else(|| l.split_once("execute <unnamed>: "))
                    .map(|(_, s)| s)
            })
            .collect();
        assert!(sent.len() > 10, "{log}");
        for s in &sent {
            let first = s.split_whitespace().next().unwrap_or("").to_uppercase();
            assert!(
                ["SELECT", "SET", "WITH"].contains(&first.as_str()),
                "a statement that is not a read: {s}"
            );
        }
        // 40 queries per second per server: n statements need (n - 1) / 40 s.
        // (SET statements at connect are not rate-limited.)
        let limited = sent
            .iter()
            .filter(|s| !s.trim_start().starts_with("SET"))
            .count();
        assert!(
            elapsed.as_secs_f64() >= (limited as f64 - 1.0) / 40.0,
            "{limited} queries in {elapsed:?}"
        );
    }
}

#[test]
fn estimate_mode_reads_statistics_and_says_it_is_not_proof() {
    let (a, b) = pair();
    a.sql("ANALYZE");
    b.sql("ANALYZE");
    let r = verify(&Options {
        estimate: true,
        ..opts(&a, &b)
    })
    .unwrap();
    assert_eq!(r.proof, rollgate_verify::Proof::Estimate);
    let items = r.tables.iter().find(|t| t.table == "public.items").unwrap();
    assert!(items.rows_estimated && !items.contents_compared);
    assert_eq!((items.source_rows, items.target_rows), (1000, 1000));
    assert!(rollgate_verify::text(&r).contains("not proof"));
    assert!(r.equal, "{}", rollgate_verify::text(&r));
    b.sql("DELETE FROM items WHERE id > 500; ANALYZE items;");
    assert!(
        !verify(&Options {
            estimate: true,
            ..opts(&a, &b)
        })
        .unwrap()
        .equal
    );
}

#[test]
fn servers_with_different_date_styles_and_zones_agree_on_time_keys() {
    let (a, b) = (Cluster::start(), Cluster::start());
    a.sql("ALTER DATABASE postgres SET DateStyle = 'SQL, DMY'; ALTER DATABASE postgres SET TimeZone = 'Pacific/Auckland';");
    b.sql("ALTER DATABASE postgres SET DateStyle = 'German'; ALTER DATABASE postgres SET TimeZone = 'America/Los_Angeles';");
    for c in [&a, &b] {
        c.sql("CREATE TABLE ev (at timestamp, at_tz timestamptz, day date, v int, PRIMARY KEY (at, at_tz));
               INSERT INTO ev SELECT timestamp '2026-01-01' + g * interval '1 hour 7 seconds',
                                     timestamptz '2026-03-08 00:00:00+00' + g * interval '13 minutes', date '2026-01-01' + g, g
               FROM generate_series(1, 400) g;");
    }
    let r = verify(&opts(&a, &b)).unwrap();
    assert!(r.equal, "{}", rollgate_verify::text(&r));
    b.sql("UPDATE ev SET v = -1 WHERE v = 200; DELETE FROM ev WHERE v = 300;");
    let r = verify(&opts(&a, &b)).unwrap();
    let ev = found(&r, "public.ev");
    assert_eq!(
        (ev.counts, ev.changed, ev.missing),
        (
            [1, 0, 1],
            vec!["2026-01-09 08:23:20,2026-03-09 19:20:00+00".to_string()],
            vec!["2026-01-13 12:35:00,2026-03-10 17:00:00+00".to_string()]
        ),
        "{}",
        rollgate_verify::text(&r)
    );
}

#[test]
fn a_full_scan_that_hits_the_statement_timeout_falls_back_to_ranges() {
    let (a, b) = (Cluster::start(), Cluster::start());
    let load = |c: &Cluster| {
        c.sql("CREATE TABLE wide (id bigint PRIMARY KEY, v text, w text);
               INSERT INTO wide SELECT g, md5(g::text), repeat(md5(g::text), 4) FROM generate_series(1, 4000000) g;
               ANALYZE wide;")
    };
    std::thread::scope(|s| {
        s.spawn(|| load(&a));
        load(&b);
    });
    b.sql("UPDATE wide SET v = 'changed' WHERE id = 2345678");
    // A whole-table hash of 4 million rows takes well over 250 ms; each of
    // the ~100 histogram buckets takes a few milliseconds.
    let r = verify(&Options {
        statement_timeout_ms: 250,
        single_scan_rows: Some(i64::MAX),
        tables: Some("public.wide".into()),
        ..opts(&a, &b)
    })
    .unwrap();
    let t = &r.tables[0];
    assert!(
        t.warnings.iter().any(|w| w.contains("statement timeout")),
        "{}",
        rollgate_verify::text(&r)
    );
    assert_eq!((t.source_rows, t.target_rows), (4_000_000, 4_000_000));
    let wide = found(&r, "public.wide");
    assert_eq!(wide.changed, vec!["2345678"]);
    assert_eq!(wide.counts, [0, 0, 1]);
}

/// Each column type has its own hash path (its function called directly,
/// through `timestamp` in UTC, by record, by text): a change in any one
/// column of any type is found, infinities hash without an error, a NULL
/// differs from every value, and two columns swapping equal-typed values
/// is a change.
#[test]
fn a_change_in_a_column_of_any_type_is_found() {
    let (a, b) = (Cluster::start(), Cluster::start());
    for c in [&a, &b] {
        c.sql("CREATE TYPE mood AS ENUM ('low', 'high');
               CREATE TABLE typed (id int PRIMARY KEY, i2 smallint, i8 bigint, flag boolean, ch char(4),
                 vc varchar(20), n numeric(10,3), f4 real, f8 double precision, u uuid, jb jsonb,
                 ts timestamp(3), tz timestamptz, d date, tm time, iv interval, arr int[], m mood,
                 raw bytea, js json, left_v int, right_v int);
               INSERT INTO typed SELECT g, g::int2, g::int8 * 1000000007, g % 2 = 0, 'c' || (g % 10), 'v' || g,
                 g / 7.0, g / 3.0, g / 9.0, md5(g::text)::uuid, jsonb_build_object('k', g),
                 timestamp '2026-01-01' + g * interval '1 second', timestamptz '2026-01-01 00:00+00' + g * interval '1 hour',
                 date '2026-01-01' + g, time '00:00' + g * interval '1 second', g * interval '1 minute',
                 ARRAY[g, g + 1], CASE WHEN g % 2 = 0 THEN 'low'::mood ELSE 'high' END,
                 decode(md5(g::text), 'hex'), json_build_object('k', g), g, g + 1
               FROM generate_series(1, 400) g;
               UPDATE typed SET ts = 'infinity', tz = '-infinity', d = 'infinity' WHERE id = 400;
               UPDATE typed SET vc = NULL, tz = NULL WHERE id = 399;");
    }
    assert!(verify(&opts(&a, &b)).unwrap().equal);
    let changes = [
        (1, "i2 = 2"),
        (2, "i8 = i8 + 1"),
        (3, "flag = NOT flag"),
        (4, "ch = 'zz'"),
        (5, "vc = vc || 'x'"),
        (6, "n = n + 0.001"),
        (7, "f4 = f4 + 1"),
        (8, "f8 = f8 + 1e-9"),
        (9, "u = md5('other')::uuid"),
        (10, "jb = '{\"k\": 0}'"),
        (11, "ts = ts + interval '1 millisecond'"),
        (12, "tz = tz + interval '1 microsecond'"),
        (13, "d = d + 1"),
        (14, "tm = tm + interval '1 second'"),
        (15, "iv = iv + interval '1 second'"),
        (16, "arr = ARRAY[0]"),
        (17, "m = 'low'"),
        (18, "raw = '\\x00'"),
        (19, "js = '{\"k\": -1}'"),
        (20, "left_v = right_v, right_v = left_v"),
        (21, "vc = NULL"),
        (399, "vc = ''"),
        (400, "tz = 'infinity'"),
    ];
    for (id, set) in changes {
        b.sql(&format!("UPDATE typed SET {set} WHERE id = {id}"));
    }
    let r = verify(&Options {
        sample: 100,
        ..opts(&a, &b)
    })
    .unwrap();
    let mut want: Vec<String> = changes.iter().map(|(id, _)| id.to_string()).collect();
    want.sort();
    let t = found(&r, "public.typed");
    assert_eq!(t.changed, want, "{}", rollgate_verify::text(&r));
    assert_eq!(t.counts, [0, 0, changes.len() as u64]);
}
