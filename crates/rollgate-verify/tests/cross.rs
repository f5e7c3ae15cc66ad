//! Comparisons across engines against real servers: MariaDB (Debian's
//! mariadb-server, started on loopback for the test) and PostgreSQL 15.

#[path = "support/cluster.rs"]
mod cluster;
#[path = "support/mariadb.rs"]
mod mariadb;

use cluster::Cluster;
use mariadb::MariaDb;
use rollgate_verify::{verify, Options};

const MARIA: &str = "
CREATE TABLE items (
  id int PRIMARY KEY, flag tinyint(1), qty int unsigned, price decimal(12,4), weight decimal(10,3),
  name varchar(40), code char(8), status enum('new','paid','gone'), born date, seen datetime(6),
  stamp timestamp(6) NULL, at_time time(6), raw varbinary(16), ratio double, doc json, uid char(36));
SET time_zone = '+00:00';
INSERT INTO items SELECT seq, seq % 2, seq * 1000, seq * 1.2345, seq / 8, CONCAT('name ', seq, ' Ångström ß 😀'),
  CONCAT('c', seq), ELT(seq % 3 + 1, 'new', 'paid', 'gone'), DATE '2000-01-01' + INTERVAL seq DAY,
  TIMESTAMP '2026-01-01 10:00:00.123456' + INTERVAL seq MINUTE, TIMESTAMP '2026-01-01 10:00:00.5' + INTERVAL seq MINUTE,
  SEC_TO_TIME(seq * 61), UNHEX(MD5(seq)), seq / 3, JSON_OBJECT('a', seq),
  CONCAT(SUBSTR(MD5(seq), 1, 8), '-', SUBSTR(MD5(seq), 9, 4), '-', SUBSTR(MD5(seq), 13, 4), '-', SUBSTR(MD5(seq), 17, 4), '-', SUBSTR(MD5(seq), 21, 12))
FROM seq_1_to_200;
UPDATE items SET qty = 4294967295 WHERE id = 200;
UPDATE items SET name = NULL WHERE id % 17 = 0;
UPDATE items SET name = '' WHERE id % 19 = 0;
UPDATE items SET name = 'pad ' WHERE id = 6;
CREATE TABLE words (w varchar(20) PRIMARY KEY, n int);
INSERT INTO words VALUES ('abc', 1), ('Zebra', 2), ('straße', 3), ('é', 4), ('trail ', 5);
CREATE TABLE big (id int unsigned PRIMARY KEY, v int);
INSERT INTO big SELECT seq, seq FROM seq_1_to_10;
";

const PG: &str = "
CREATE TYPE status AS ENUM ('new', 'paid', 'gone');
CREATE TABLE items (
  id integer PRIMARY KEY, flag boolean, qty bigint, price numeric(12,4), weight numeric,
  name varchar(40), code char(8), status status, born date, seen timestamp(6),
  stamp timestamptz, at_time time, raw bytea, ratio double precision, doc jsonb, uid uuid);
INSERT INTO items SELECT g, g % 2 = 1, g * 1000, g * 1.2345, g / 8.0, 'name ' || g || ' Ångström ß 😀',
  'c' || g, (ARRAY['new', 'paid', 'gone'])[g % 3 + 1]::status, date '2000-01-01' + g,
  timestamp '2026-01-01 10:00:00.123456' + g * interval '1 minute', timestamptz '2026-01-01 10:00:00.5+00' + g * interval '1 minute',
  time '00:00' + g * interval '61 seconds', decode(md5(g::text), 'hex'), g / 3.0, jsonb_build_object('a', g),
  md5(g::text)::uuid
FROM generate_series(1, 200) g;
UPDATE items SET qty = 4294967295 WHERE id = 200;
UPDATE items SET name = NULL WHERE id % 17 = 0;
UPDATE items SET name = '' WHERE id % 19 = 0;
UPDATE items SET name = 'pad ' WHERE id = 6;
CREATE TABLE words (w text PRIMARY KEY, n int);
INSERT INTO words VALUES ('abc', 1), ('Zebra', 2), ('straße', 3), ('é', 4), ('trail ', 5);
CREATE TABLE big (id integer PRIMARY KEY, v int);
INSERT INTO big SELECT g, g FROM generate_series(1, 10) g;
";

fn servers() -> (MariaDb, Cluster) {
    let (m, p) = std::thread::scope(|s| {
        let m = s.spawn(MariaDb::start);
        let p = Cluster::start();
        (m.join().unwrap(), p)
    });
    m.sql(MARIA);
    p.sql(PG);
    (m, p)
}

fn table<'a>(r: &'a rollgate_verify::Report, name: &str) -> &'a rollgate_verify::TableReport {
    r.tables.iter().find(|t| t.table == name).unwrap()
}

#[test]
fn mariadb_and_postgres_agree_then_every_classic_trap_is_found_both_ways() {
    let (m, p) = servers();
    let opts = |source: String, target: String| Options {
        source,
        target,
        leaf_rows: 5,
        ..Options::default()
    };
    // Equal data under every mapping in the table (big's key range aside).
    let r = verify(&opts(m.url(), p.url())).unwrap();
    let text = rollgate_verify::text(&r);
    assert!(table(&r, "items").equal, "{text}");
    assert!(table(&r, "words").equal, "{text}");
    assert_eq!(
        (
            table(&r, "items").source_rows,
            table(&r, "items").target_rows
        ),
        (200, 200)
    );
    // Floating point and JSON are named, not silently compared.
    let named: Vec<&str> = r.uncanonical.iter().map(|u| u.column.as_str()).collect();
    assert_eq!(named, vec!["ratio", "doc"], "{text}");
    // int unsigned → integer cannot hold the source's range: a real
    // difference, so the run is not equal even though the rows agree.
    let big = r
        .schema_differences
        .iter()
        .find(|d| d.object == "column big.id")
        .unwrap();
    assert!(!big.expected && big.note.as_deref().unwrap().contains("0..4294967295"));
    assert!(!r.equal);
    // tinyint(1) ↔ boolean and timestamp ↔ timestamptz map without a word;
    // the PAD SPACE and case-insensitive key collations are warned about.
    assert!(!r
        .schema_differences
        .iter()
        .any(|d| d.object == "column items.flag"));
    assert!(table(&r, "words")
        .warnings
        .iter()
        .any(|w| w.contains("case-insensitive")));

    // The traps, planted on the target.
    m.sql("SET sql_mode = ''; UPDATE items SET born = '0000-00-00' WHERE id = 5;");
    p.sql(
        "UPDATE items SET born = NULL WHERE id = 5;
           UPDATE items SET name = 'pad' WHERE id = 6;
           UPDATE items SET name = '' WHERE id = 7;
           UPDATE items SET price = price + 0.0001 WHERE id = 8;
           UPDATE items SET seen = seen + interval '1 microsecond' WHERE id = 10;
           DELETE FROM items WHERE id = 11;
           INSERT INTO words VALUES ('ABC', 9);
           UPDATE words SET w = 'zebra' WHERE w = 'Zebra';
           UPDATE words SET w = 'trail' WHERE w = 'trail ';",
    );
    m.sql("UPDATE items SET flag = 2 WHERE id = 9; UPDATE items SET name = NULL WHERE id = 7;");
    m.sql("INSERT INTO big VALUES (4294967295, 0);");
    let r = verify(&opts(m.url(), p.url())).unwrap();
    let text = rollgate_verify::text(&r);
    let items = table(&r, "items");
    let changed: Vec<(String, Vec<String>)> = items
        .changed
        .iter()
        .map(|c| (c.key.clone(), c.columns.clone()))
        .collect();
    let want = |k: &str, c: &str| (k.to_string(), vec![c.to_string()]);
    for w in [
        want("5", "born"),  // zero date ↔ NULL
        want("6", "name"),  // trailing space trimmed under PAD SPACE
        want("7", "name"),  // NULL ↔ ''
        want("8", "price"), // last decimal digit
        want("9", "flag"),  // tinyint(1) holding 2 ↔ true
        want("10", "seen"), // one microsecond
    ] {
        assert!(changed.contains(&w), "{w:?} in {changed:?}\n{text}");
    }
    assert_eq!(items.changed_count, 6, "{text}");
    assert_eq!(items.missing_in_target, vec!["11"], "{text}");
    let words = table(&r, "words");
    let mut extra = words.extra_in_target.clone();
    extra.sort();
    let mut missing = words.missing_in_target.clone();
    missing.sort();
    // Case-insensitive on MariaDB, exact on PostgreSQL: 'ABC' is a second
    // row, 'zebra' another key; 'trail' lost its trailing space.
    assert_eq!(extra, vec!["ABC", "trail", "zebra"], "{text}");
    assert_eq!(missing, vec!["\"trail \"", "Zebra"], "{text}");
    assert_eq!(table(&r, "big").missing_in_target, vec!["4294967295"]);

    // The other way round: PostgreSQL as the source.
    let back = verify(&opts(p.url(), m.url())).unwrap();
    let items = table(&back, "items");
    assert_eq!(items.changed_count, 6, "{}", rollgate_verify::text(&back));
    assert_eq!(items.extra_in_target, vec!["11"]);
    assert_eq!(table(&back, "big").extra_in_target, vec!["4294967295"]);
    let big = back
        .schema_differences
        .iter()
        .find(|d| d.object == "column big.id")
        .unwrap();
    assert!(!big.expected, "integer → int unsigned loses negatives");
}

#[test]
fn read_only_bound_parameters_timeouts_and_no_password_across_engines() {
    let (m, p) = servers();
    let hostile = "i%' OR 1=1 -- \\' pg_sleep";
    let r = verify(&Options {
        source: m.url(),
        target: p.url(),
        tables: Some(hostile.into()),
        ..Options::default()
    })
    .unwrap();
    assert!(
        !r.equal
            && r.warnings
                .iter()
                .any(|w| w.contains("nothing was compared"))
    );
    let r = verify(&Options {
        source: m.url(),
        target: p.url(),
        tables: Some("item%".into()),
        ..Options::default()
    })
    .unwrap();
    assert!(r.equal, "{}", rollgate_verify::text(&r));
    for out in [
        rollgate_verify::text(&r),
        serde_json::to_string(&r).unwrap(),
    ] {
        assert!(!out.contains("S3cret"), "{out}");
        assert!(out.contains("host=127.0.0.1") && out.contains("user=app"));
    }
    // A wrong password: the error names the server, not the secret.
    let bad = m.url().replace("S3cret-m4ria", "Wr0ngS3cret");
    let e = verify(&Options {
        source: bad,
        target: p.url(),
        ..Options::default()
    })
    .unwrap_err()
    .to_string();
    assert!(e.contains("host=127.0.0.1") && !e.contains("Wr0ng"), "{e}");

    // Every statement the verifier sent MariaDB was a read or a session
    // setting, and the hostile pattern only ever arrived as a bound value
    // (in an Execute line, never in the text of a Prepare or Query).
    let log = m.log();
    let sent = statements_of(&log, "app@");
    assert!(sent.len() > 10, "{log}");
    for (command, sql) in &sent {
        let first = sql.split_whitespace().next().unwrap_or("").to_uppercase();
        assert!(
            ["SELECT", "SET", "SHOW"].contains(&first.as_str()),
            "a statement that is not a read: {command} {sql}"
        );
        if command != "Execute" {
            assert!(!sql.contains("OR 1=1"), "a value in SQL text: {sql}");
        }
    }
    assert!(
        sent.iter()
            .any(|(c, s)| c == "Execute" && s.contains("OR 1=1")),
        "the pattern was sent as a bound value"
    );
    assert!(sent
        .iter()
        .any(|(_, s)| s == "SET SESSION TRANSACTION READ ONLY"));

    // The rate limit holds on MariaDB too: n statements (after the session
    // setup) need (n - 1) / 5 seconds at 5 per second. Every statement
    // the verifier sends after connecting is prepared and logged twice
    // (Prepare, then Execute): Executes count; the plain Queries are the
    // session setup and the driver's own at connect.
    let before = m.log().len();
    let started = std::time::Instant::now();
    let r = verify(&Options {
        source: m.url(),
        target: p.url(),
        tables: Some("item%".into()),
        rate_limit: 5,
        ..Options::default()
    })
    .unwrap();
    let elapsed = started.elapsed();
    assert!(r.equal);
    let limited = statements_of(&m.log()[before..], "app@")
        .iter()
        .filter(|(c, _)| c == "Execute")
        .count();
    assert!(limited >= 3, "{limited}");
    assert!(
        elapsed.as_secs_f64() >= (limited as f64 - 1.0) / 5.0,
        "{limited} statements in {elapsed:?}"
    );

    // A statement over the timeout is stopped by the server.
    m.sql("CREATE TABLE many (id int PRIMARY KEY, v text); INSERT INTO many SELECT seq, REPEAT(MD5(seq), 8) FROM seq_1_to_300000;");
    p.sql("CREATE TABLE many (id int PRIMARY KEY, v text); INSERT INTO many SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 300000) g;");
    let e = verify(&Options {
        source: m.url(),
        target: p.url(),
        tables: Some("many".into()),
        statement_timeout_ms: 5,
        ..Options::default()
    })
    .unwrap_err()
    .to_string();
    // Whichever server reaches the limit first stops the statement itself
    // and says so: MariaDB usually, on the scan; PostgreSQL when a loaded
    // machine makes even its catalogue read take longer than 5 ms.
    assert!(
        (e.starts_with("source") && e.contains("max_statement_time"))
            || (e.starts_with("target") && e.contains("statement timeout")),
        "{e}"
    );
}

/// (command, statement) of every Query, Prepare and Execute in a MariaDB
/// general log sent on a connection whose Connect line starts with `who`.
fn statements_of(log: &str, who: &str) -> Vec<(String, String)> {
    let mut ids = std::collections::HashSet::new();
    let mut out = Vec::new();
    for line in log.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let Some(pos) = fields.iter().position(|f| {
            let mut w = f.split_whitespace();
            matches!((w.next(), w.next(), w.next()), (Some(id), Some(_), None) if id.parse::<u64>().is_ok())
        }) else {
            continue;
        };
        let mut w = fields[pos].split_whitespace();
        let (id, command) = (w.next().unwrap().to_string(), w.next().unwrap().to_string());
        let arg = fields[pos + 1..].join("\t");
        if command == "Connect" && arg.starts_with(who) {
            ids.insert(id.clone());
        }
        if ids.contains(&id) && ["Query", "Prepare", "Execute"].contains(&command.as_str()) {
            out.push((command, arg));
        }
    }
    out
}

/// Tables big enough for many buckets, by an integer key (bucketed by the
/// key itself, negative keys included) and by a text key (by its md5):
/// scattered differences are all found, exactly.
#[test]
fn many_buckets_by_integer_and_text_keys() {
    let (m, p) = std::thread::scope(|s| {
        let m = s.spawn(MariaDb::start);
        (m.join().unwrap(), Cluster::start())
    });
    m.sql(
        "CREATE TABLE nums (id bigint PRIMARY KEY, v varchar(20));
           INSERT INTO nums SELECT CAST(seq AS SIGNED) - 3000, CONCAT('v', seq) FROM seq_1_to_9000;
           CREATE TABLE names (k varchar(30) PRIMARY KEY, v int);
           INSERT INTO names SELECT CONCAT('key-', seq), seq FROM seq_1_to_6000;",
    );
    p.sql(
        "CREATE TABLE nums (id bigint PRIMARY KEY, v varchar(20));
           INSERT INTO nums SELECT g - 3000, 'v' || g FROM generate_series(1, 9000) g;
           CREATE TABLE names (k varchar(30) PRIMARY KEY, v int);
           INSERT INTO names SELECT 'key-' || g, g FROM generate_series(1, 6000) g;
           UPDATE nums SET v = 'changed' WHERE id IN (-2999, -1, 0, 4500, 5999);
           DELETE FROM nums WHERE id = -1000;
           INSERT INTO nums VALUES (7000, 'extra');
           UPDATE names SET v = -v WHERE k IN ('key-1', 'key-3000', 'key-6000');
           DELETE FROM names WHERE k = 'key-17';",
    );
    let r = verify(&Options {
        source: m.url(),
        target: p.url(),
        leaf_rows: 100,
        ..Options::default()
    })
    .unwrap();
    let text = rollgate_verify::text(&r);
    let nums = table(&r, "nums");
    let mut changed: Vec<String> = nums.changed.iter().map(|c| c.key.clone()).collect();
    changed.sort();
    assert_eq!(changed, vec!["-1", "-2999", "0", "4500", "5999"], "{text}");
    assert_eq!(nums.missing_in_target, vec!["-1000"], "{text}");
    assert_eq!(nums.extra_in_target, vec!["7000"], "{text}");
    let names = table(&r, "names");
    assert_eq!((names.changed_count, names.missing_count), (3, 1), "{text}");
    assert_eq!(names.missing_in_target, vec!["key-17"], "{text}");
}

/// `--recheck-after` across engines compares a differing table again after
/// the wait and says whether the difference persisted; a MySQL-side URL
/// without a password takes it from MYSQL_PWD, as the mysql client does.
#[test]
fn recheck_after_and_mysql_pwd_across_engines() {
    let (m, p) = servers();
    p.sql("UPDATE big SET v = -1 WHERE id = 3");
    // No other test here sets MYSQL_PWD, and every other URL carries its
    // password, which wins over the variable.
    std::env::set_var("MYSQL_PWD", "S3cret-m4ria");
    let source = m.url().replace("app:S3cret-m4ria@", "app@");
    let r = verify(&Options {
        source,
        target: p.url(),
        tables: Some("big".into()),
        recheck_after: Some(1),
        ..Options::default()
    })
    .unwrap();
    let big = table(&r, "big");
    assert!(!big.equal);
    assert_eq!(big.persisted_after_recheck, Some(true));
    assert_eq!(big.changed.len(), 1);
    p.sql("UPDATE big SET v = 3 WHERE id = 3");
    let r = verify(&Options {
        source: m.url(),
        target: p.url(),
        tables: Some("big".into()),
        recheck_after: Some(1),
        ..Options::default()
    })
    .unwrap();
    assert!(table(&r, "big").equal, "{}", rollgate_verify::text(&r));
    assert_eq!(table(&r, "big").persisted_after_recheck, None);
}
