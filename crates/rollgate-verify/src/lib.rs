//! `rollgate verify postgres`: proves two PostgreSQL databases hold the same
//! data, as a gate can use it. Read-only sessions with a statement timeout;
//! checksums are computed inside each server over primary-key ranges, both
//! servers in parallel, and only differing ranges are split down to rows.
//! Connection strings never appear in output: see [`redact`].

use postgres::{Client, NoTls};
use serde::Serialize;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum VerifyError {
    #[error("cannot connect to the {side} database ({url}): {source}")]
    Connect {
        side: &'static str,
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("{side}: {context}: {source}")]
    Query {
        side: &'static str,
        context: String,
        #[source]
        source: postgres::Error,
    },
}

/// How to verify.
#[derive(Debug, Clone)]
pub struct Options {
    pub source: String,
    pub target: String,
    /// A LIKE pattern on `schema.table`; None means every user table.
    pub tables: Option<String>,
    /// Row-count estimates from statistics instead of exact counts.
    pub estimate: bool,
    /// Re-check differing tables after this many seconds.
    pub recheck_after: Option<u64>,
    pub statement_timeout_ms: u64,
    /// Rows per checksum range before splitting.
    pub chunk_rows: i64,
    /// Ranges at or below this many rows are compared row by row.
    pub leaf_rows: i64,
    /// At most this many differing keys are listed per table and kind.
    pub sample: usize,
    /// At most this many checksum queries per second per server (0: no limit).
    pub rate_limit: u32,
    /// Print progress lines on stderr (the CLI turns this on for a terminal).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            source: String::new(),
            target: String::new(),
            tables: None,
            estimate: false,
            recheck_after: None,
            statement_timeout_ms: 60_000,
            chunk_rows: 100_000,
            leaf_rows: 100_000,
            sample: 20,
            rate_limit: 0,
            progress: false,
        }
    }
}

/// Hides passwords in connection strings (URL and key=value forms).
pub fn redact(url: &str) -> String {
    let mut s = url.to_string();
    if let Some(scheme_end) = s.find("://") {
        let rest_start = scheme_end + 3;
        if let Some(at) = s[rest_start..].find('@') {
            let userinfo = &s[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                s.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    let mut out = String::new();
    for part in s.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        if part.starts_with("password=") {
            out.push_str("password=***");
        } else {
            out.push_str(part);
        }
    }
    // ?password=… or &password=… in a URL query
    for marker in ["?password=", "&password="] {
        if let Some(i) = out.find(marker) {
            let start = i + 1;
            let end = out[start..]
                .find('&')
                .map(|e| start + e)
                .unwrap_or(out.len());
            out.replace_range(start..end, "password=***");
        }
    }
    out
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChangedRow {
    pub key: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct TableReport {
    pub table: String,
    pub primary_key: Vec<String>,
    pub source_rows: i64,
    pub target_rows: i64,
    pub rows_estimated: bool,
    pub missing_in_target: Vec<String>,
    pub extra_in_target: Vec<String>,
    pub changed: Vec<ChangedRow>,
    pub missing_count: usize,
    pub extra_count: usize,
    pub changed_count: usize,
    pub equal: bool,
    pub warnings: Vec<String>,
    /// After `--recheck-after`, whether the differences were still there.
    pub persisted_after_recheck: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SequenceReport {
    pub sequence: String,
    pub column: String,
    pub source_max: Option<i64>,
    pub target_last_value: Option<i64>,
    pub ahead: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub source: String,
    pub target: String,
    pub schema_differences: Vec<String>,
    pub tables: Vec<TableReport>,
    pub sequences: Vec<SequenceReport>,
    pub foreign_key_violations: Vec<String>,
    pub equal: bool,
}

struct Side {
    name: &'static str,
    client: Client,
}

impl Side {
    fn connect(name: &'static str, url: &str, timeout_ms: u64) -> Result<Self, VerifyError> {
        let mut client = Client::connect(url, NoTls).map_err(|source| VerifyError::Connect {
            side: name,
            url: redact(url),
            source,
        })?;
        client
            .batch_execute(&format!(
                "SET default_transaction_read_only = on; SET statement_timeout = {timeout_ms}; SET application_name = 'rollgate verify'"
            ))
            .map_err(|source| VerifyError::Query { side: name, context: "session setup".into(), source })?;
        Ok(Self { name, client })
    }

    fn query(&mut self, sql: &str, context: &str) -> Result<Vec<postgres::Row>, VerifyError> {
        self.client
            .query(sql, &[])
            .map_err(|source| VerifyError::Query {
                side: self.name,
                context: context.to_string(),
                source,
            })
    }
}

/// Runs the same query on both sides at once.
fn both(
    src: &mut Side,
    dst: &mut Side,
    sql_src: &str,
    sql_dst: &str,
    context: &str,
) -> Result<(Vec<postgres::Row>, Vec<postgres::Row>), VerifyError> {
    std::thread::scope(|s| {
        let a = s.spawn(|| src.query(sql_src, context));
        let b = dst.query(sql_dst, context);
        let a = a.join().expect("query thread");
        Ok((a?, b?))
    })
}

#[derive(Debug, Clone)]
struct Table {
    schema: String,
    name: String,
    /// (column, type) of the primary key, in key order.
    pk: Vec<(String, String)>,
}

impl Table {
    fn qualified(&self) -> String {
        format!("{}.{}", quote_ident(&self.schema), quote_ident(&self.name))
    }
    fn display(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
    fn key_cols(&self) -> String {
        self.pk
            .iter()
            .map(|(c, _)| format!("t.{}", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn tables(side: &mut Side, pattern: &Option<String>) -> Result<Vec<Table>, VerifyError> {
    let filter = pattern
        .as_ref()
        .map(|p| {
            format!(
                " AND (n.nspname || '.' || c.relname) LIKE {}",
                quote_literal(p)
            )
        })
        .unwrap_or_default();
    let rows = side.query(
        &format!(
            "SELECT n.nspname, c.relname,
                    coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord)
                              FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, ord), pg_attribute a
                              WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid AND a.attnum = k.attnum), '{{}}'),
                    coalesce((SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord)
                              FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, ord), pg_attribute a
                              WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid AND a.attnum = k.attnum), '{{}}')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'{filter}
             ORDER BY 1, 2"
        ),
        "listing tables",
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let cols: Vec<String> = r.get(2);
            let types: Vec<String> = r.get(3);
            Table {
                schema: r.get(0),
                name: r.get(1),
                pk: cols.into_iter().zip(types).collect(),
            }
        })
        .collect())
}

fn columns(side: &mut Side, pattern: &Option<String>) -> Result<Vec<String>, VerifyError> {
    let filter = pattern
        .as_ref()
        .map(|p| {
            format!(
                " AND (table_schema || '.' || table_name) LIKE {}",
                quote_literal(p)
            )
        })
        .unwrap_or_default();
    let rows = side.query(
        &format!(
            "SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
             FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema'){filter} ORDER BY table_schema, table_name, ordinal_position"
        ),
        "listing columns",
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// A half-open key range (lo, hi]; None means unbounded.
#[derive(Debug, Clone)]
struct Range {
    lo: Option<Vec<String>>,
    hi: Option<Vec<String>>,
}

fn bound(t: &Table, values: &[String]) -> String {
    let lits: Vec<String> = values
        .iter()
        .zip(&t.pk)
        .map(|(v, (_, ty))| format!("{}::{ty}", quote_literal(v)))
        .collect();
    format!("({})", lits.join(", "))
}

fn where_clause(t: &Table, r: &Range) -> String {
    let key = format!("({})", t.key_cols());
    let mut parts = Vec::new();
    if let Some(lo) = &r.lo {
        parts.push(format!("{key} > {}", bound(t, lo)));
    }
    if let Some(hi) = &r.hi {
        parts.push(format!("{key} <= {}", bound(t, hi)));
    }
    if parts.is_empty() {
        "true".into()
    } else {
        parts.join(" AND ")
    }
}

fn key_text(t: &Table) -> String {
    let parts: Vec<String> =
        t.pk.iter()
            .map(|(c, _)| format!("t.{}::text", quote_ident(c)))
            .collect();
    format!("ARRAY[{}]", parts.join(", "))
}

fn range_hash_sql(t: &Table, r: &Range) -> String {
    format!(
        "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric)::text, '') FROM {tab} t WHERE {w}",
        tab = t.qualified(),
        w = where_clause(t, r)
    )
}

/// The key at `offset` rows into the range, as text values.
fn split_key(
    side: &mut Side,
    t: &Table,
    r: &Range,
    offset: i64,
) -> Result<Option<Vec<String>>, VerifyError> {
    let rows = side.query(
        &format!(
            "SELECT {k} FROM {tab} t WHERE {w} ORDER BY {keys} OFFSET {offset} LIMIT 1",
            k = key_text(t),
            tab = t.qualified(),
            w = where_clause(t, r),
            keys = t.key_cols()
        ),
        "splitting a range",
    )?;
    Ok(rows.first().map(|row| row.get::<_, Vec<String>>(0)))
}

#[derive(Default)]
struct Diff {
    missing: Vec<String>,
    extra: Vec<String>,
    changed: Vec<ChangedRow>,
}

fn compare_range(
    src: &mut Side,
    dst: &mut Side,
    t: &Table,
    r: Range,
    opts: &Options,
    diff: &mut Diff,
) -> Result<(i64, i64), VerifyError> {
    let sql = range_hash_sql(t, &r);
    let (a, b) = both(
        src,
        dst,
        &sql,
        &sql,
        &format!("checksum of {}", t.display()),
    )?;
    let (ca, ha): (i64, String) = (a[0].get(0), a[0].get(1));
    let (cb, hb): (i64, String) = (b[0].get(0), b[0].get(1));
    if ca == cb && ha == hb {
        return Ok((ca, cb));
    }
    if ca.max(cb) <= opts.leaf_rows {
        compare_rows(src, dst, t, &r, opts, diff)?;
        return Ok((ca, cb));
    }
    // Split at the middle of the larger side.
    let (bigger, count) = if ca >= cb {
        (&mut *src, ca)
    } else {
        (&mut *dst, cb)
    };
    let Some(mid) = split_key(bigger, t, &r, count / 2 - 1)? else {
        compare_rows(src, dst, t, &r, opts, diff)?;
        return Ok((ca, cb));
    };
    compare_range(
        src,
        dst,
        t,
        Range {
            lo: r.lo.clone(),
            hi: Some(mid.clone()),
        },
        opts,
        diff,
    )?;
    compare_range(
        src,
        dst,
        t,
        Range {
            lo: Some(mid),
            hi: r.hi,
        },
        opts,
        diff,
    )?;
    Ok((ca, cb))
}

fn compare_rows(
    src: &mut Side,
    dst: &mut Side,
    t: &Table,
    r: &Range,
    opts: &Options,
    diff: &mut Diff,
) -> Result<(), VerifyError> {
    // Only keys and row hashes cross the wire; full rows are fetched later,
    // and only for the changed rows the report will show.
    let sql = format!(
        "SELECT {k}, md5(t::text) FROM {tab} t WHERE {w}",
        k = key_text(t),
        tab = t.qualified(),
        w = where_clause(t, r),
    );
    let (a, b) = both(src, dst, &sql, &sql, &format!("rows of {}", t.display()))?;
    // Consuming the rows frees each one as it is copied into the map, so the
    // peak stays near one copy of the range per side.
    let map = |rows: Vec<postgres::Row>| -> std::collections::BTreeMap<Vec<String>, String> {
        rows.into_iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    let (ma, mb) = (map(a), map(b));
    for (k, ha) in &ma {
        match mb.get(k) {
            None => diff.missing.push(k.join(",")),
            Some(hb) if hb != ha => {
                let columns = if diff.changed.len() < opts.sample {
                    changed_columns(src, dst, t, k)?
                } else {
                    Vec::new()
                };
                diff.changed.push(ChangedRow {
                    key: k.join(","),
                    columns,
                });
            }
            _ => {}
        }
    }
    for k in mb.keys() {
        if !ma.contains_key(k) {
            diff.extra.push(k.join(","));
        }
    }
    Ok(())
}

/// Names of the columns whose values differ for the row with key `key`.
fn changed_columns(
    src: &mut Side,
    dst: &mut Side,
    t: &Table,
    key: &[String],
) -> Result<Vec<String>, VerifyError> {
    let sql = format!(
        "SELECT to_jsonb(t)::text FROM {tab} t WHERE ({cols}) = {b}",
        tab = t.qualified(),
        cols = t.key_cols(),
        b = bound(t, key)
    );
    let (a, b) = both(
        src,
        dst,
        &sql,
        &sql,
        &format!("a changed row of {}", t.display()),
    )?;
    let parse = |rows: &Vec<postgres::Row>| -> serde_json::Value {
        rows.first()
            .and_then(|r| serde_json::from_str(&r.get::<_, String>(0)).ok())
            .unwrap_or_default()
    };
    let (va, vb) = (parse(&a), parse(&b));
    let mut cols: Vec<String> = Vec::new();
    if let (Some(oa), Some(ob)) = (va.as_object(), vb.as_object()) {
        for (c, x) in oa {
            if ob.get(c) != Some(x) {
                cols.push(c.clone());
            }
        }
        for c in ob.keys() {
            if !oa.contains_key(c) {
                cols.push(c.clone());
            }
        }
    }
    Ok(cols)
}

/// Row counts of both sides and whether their order-independent hashes agree.
fn whole_table_hash(
    src: &mut Side,
    dst: &mut Side,
    t: &Table,
) -> Result<(i64, i64, bool), VerifyError> {
    let sql = format!("SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric)::text, '') FROM {} t", t.qualified());
    let (a, b) = both(
        src,
        dst,
        &sql,
        &sql,
        &format!("whole-table hash of {}", t.display()),
    )?;
    let (ca, cb): (i64, i64) = (a[0].get(0), b[0].get(0));
    Ok((
        ca,
        cb,
        ca == cb && a[0].get::<_, String>(1) == b[0].get::<_, String>(1),
    ))
}

fn count(side: &mut Side, t: &Table, estimate: bool) -> Result<i64, VerifyError> {
    let sql = if estimate {
        format!(
            "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = {}::regclass",
            quote_literal(&t.qualified())
        )
    } else {
        format!("SELECT count(*) FROM {}", t.qualified())
    };
    Ok(side.query(&sql, "counting rows")?[0].get(0))
}

fn check_table(
    src: &mut Side,
    dst: &mut Side,
    t: &Table,
    opts: &Options,
) -> Result<TableReport, VerifyError> {
    let mut rep = TableReport {
        table: t.display(),
        primary_key: t.pk.iter().map(|(c, _)| c.clone()).collect(),
        rows_estimated: opts.estimate,
        ..Default::default()
    };
    if opts.estimate || t.pk.is_empty() {
        rep.source_rows = count(src, t, opts.estimate)?;
        rep.target_rows = count(dst, t, opts.estimate)?;
    }
    if t.pk.is_empty() {
        rep.warnings.push(
            "no primary key: compared by a whole-table hash; differing rows cannot be listed"
                .into(),
        );
        rep.equal = whole_table_hash(src, dst, t)?.2;
        return Ok(rep);
    }
    // One sequential scan per side settles the common case (equal tables) at
    // the cost of a plain full scan; only a table that differs is walked
    // range by range to find its rows.
    if !opts.estimate {
        let (source_rows, target_rows, equal) = whole_table_hash(src, dst, t)?;
        if equal {
            rep.source_rows = source_rows;
            rep.target_rows = target_rows;
            rep.equal = true;
            return Ok(rep);
        }
    }
    let mut diff = Diff::default();
    // Top-level ranges of `chunk_rows`, cut on the source's keys.
    let mut lo: Option<Vec<String>> = None;
    loop {
        let next = split_key(
            src,
            t,
            &Range {
                lo: lo.clone(),
                hi: None,
            },
            opts.chunk_rows - 1,
        )?;
        let hi = next.clone();
        // Exact counts come from the top-level ranges, which together cover
        // every key on both sides, so no separate count(*) scan is needed.
        let (source_rows, target_rows) = compare_range(
            src,
            dst,
            t,
            Range {
                lo: lo.clone(),
                hi: hi.clone(),
            },
            opts,
            &mut diff,
        )?;
        if !opts.estimate {
            rep.source_rows += source_rows;
            rep.target_rows += target_rows;
        }
        match next {
            Some(k) => lo = Some(k),
            None => break,
        }
    }
    rep.missing_count = diff.missing.len();
    rep.extra_count = diff.extra.len();
    rep.changed_count = diff.changed.len();
    rep.missing_in_target = diff.missing.into_iter().take(opts.sample).collect();
    rep.extra_in_target = diff.extra.into_iter().take(opts.sample).collect();
    rep.changed = diff.changed.into_iter().take(opts.sample).collect();
    rep.equal = rep.missing_count == 0
        && rep.extra_count == 0
        && rep.changed_count == 0
        && (opts.estimate || rep.source_rows == rep.target_rows);
    Ok(rep)
}

fn sequences(src: &mut Side, dst: &mut Side) -> Result<Vec<SequenceReport>, VerifyError> {
    let owned = "SELECT s.oid::regclass::text, quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(a.attname)
                 FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
                 JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
                 WHERE s.relkind = 'S' ORDER BY 1";
    let seqs = src.query(owned, "listing sequences")?;
    let mut out = Vec::new();
    for row in seqs {
        let (seq, table, column): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let max: Option<i64> = src.query(
            &format!("SELECT max({column})::bigint FROM {table}"),
            "max of a sequence column",
        )?[0]
            .get(0);
        let last: Option<i64> = match dst
            .client
            .query(&format!("SELECT last_value FROM {seq}"), &[])
        {
            Ok(rows) => rows.first().map(|r| r.get(0)),
            Err(_) => None,
        };
        let ahead = match (max, last) {
            (None, _) => true,
            (Some(m), Some(l)) => l >= m,
            _ => false,
        };
        out.push(SequenceReport {
            sequence: seq,
            column: format!("{table}.{column}"),
            source_max: max,
            target_last_value: last,
            ahead,
        });
    }
    Ok(out)
}

/// Indexes, constraints and extensions present on one side only. Extension
/// version differences are marked as expected across major versions.
fn objects_diff(src: &mut Side, dst: &mut Side) -> Result<Vec<String>, VerifyError> {
    let idx = "SELECT 'index ' || schemaname || '.' || indexname || ': ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ', 'CREATE \\1INDEX ') FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1";
    let cons = "SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) AND contype IN ('p', 'u', 'f', 'c') ORDER BY 1";
    let ext = "SELECT extname, extversion FROM pg_extension ORDER BY 1";
    let mut out = Vec::new();
    for (sql, what) in [(idx, "indexes"), (cons, "constraints")] {
        let (a, b) = both(src, dst, sql, sql, &format!("listing {what}"))?;
        let la: Vec<String> = a.iter().map(|r| r.get(0)).collect();
        let lb: Vec<String> = b.iter().map(|r| r.get(0)).collect();
        out.extend(
            la.iter()
                .filter(|x| !lb.contains(x))
                .map(|x| format!("only in source: {x}")),
        );
        out.extend(
            lb.iter()
                .filter(|x| !la.contains(x))
                .map(|x| format!("only in target: {x}")),
        );
    }
    let (a, b) = both(src, dst, ext, ext, "listing extensions")?;
    let ea: Vec<(String, String)> = a.iter().map(|r| (r.get(0), r.get(1))).collect();
    let eb: Vec<(String, String)> = b.iter().map(|r| (r.get(0), r.get(1))).collect();
    for (name, ver) in &ea {
        match eb.iter().find(|(n, _)| n == name) {
            None => out.push(format!("only in source: extension {name} {ver}")),
            Some((_, v)) if v != ver => out.push(format!("extension {name}: {ver} → {v} (expected across major versions; check the extension's upgrade notes)")),
            _ => {}
        }
    }
    for (name, ver) in eb.iter().filter(|(n, _)| !ea.iter().any(|(m, _)| m == n)) {
        out.push(format!("only in target: extension {name} {ver}"));
    }
    Ok(out)
}

fn foreign_keys(dst: &mut Side) -> Result<Vec<String>, VerifyError> {
    let fks = dst.query(
        "SELECT conname, conrelid::regclass::text, confrelid::regclass::text,
                (SELECT array_agg(quote_ident(attname) ORDER BY k.o) FROM unnest(conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = conrelid AND attnum = k.n),
                (SELECT array_agg(quote_ident(attname) ORDER BY k.o) FROM unnest(confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = confrelid AND attnum = k.n)
         FROM pg_constraint WHERE contype = 'f' ORDER BY 1",
        "listing foreign keys",
    )?;
    let mut out = Vec::new();
    for f in fks {
        let (name, child, parent, ck, pk): (String, String, String, Vec<String>, Vec<String>) =
            (f.get(0), f.get(1), f.get(2), f.get(3), f.get(4));
        let not_null = ck
            .iter()
            .map(|c| format!("c.{c} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let join = ck
            .iter()
            .zip(&pk)
            .map(|(c, p)| format!("p.{p} = c.{c}"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let n: i64 = dst.query(&format!("SELECT count(*) FROM {child} c WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {join})"), "checking a foreign key")?[0].get(0);
        if n > 0 {
            out.push(format!(
                "{name} on {child}: {n} row(s) without a parent in {parent}"
            ));
        }
    }
    Ok(out)
}

/// Verifies that the target holds the source's data.
pub fn verify(opts: &Options) -> Result<Report, VerifyError> {
    let mut src = Side::connect("source", &opts.source, opts.statement_timeout_ms)?;
    let mut dst = Side::connect("target", &opts.target, opts.statement_timeout_ms)?;
    let (cs, cd) = (
        columns(&mut src, &opts.tables)?,
        columns(&mut dst, &opts.tables)?,
    );
    let mut schema_differences: Vec<String> = cs
        .iter()
        .filter(|c| !cd.contains(c))
        .map(|c| format!("only in source: {c}"))
        .collect();
    schema_differences.extend(
        cd.iter()
            .filter(|c| !cs.contains(c))
            .map(|c| format!("only in target: {c}")),
    );
    schema_differences.extend(objects_diff(&mut src, &mut dst)?);
    let ts = tables(&mut src, &opts.tables)?;
    let td = tables(&mut dst, &opts.tables)?;
    let mut reports = Vec::new();
    for (n, t) in ts.iter().enumerate() {
        if opts.progress {
            eprintln!("[{}/{}] {}", n + 1, ts.len(), t.display());
        }
        let Some(other) = td.iter().find(|x| x.schema == t.schema && x.name == t.name) else {
            reports.push(TableReport {
                table: t.display(),
                warnings: vec!["missing in the target".into()],
                ..Default::default()
            });
            continue;
        };
        if other.pk != t.pk {
            schema_differences.push(format!("{}: primary key differs", t.display()));
        }
        // Tables whose columns differ cannot be compared row text for row text.
        let prefix = format!("{}.", t.display());
        let differs = schema_differences
            .iter()
            .any(|d| d.split(": ").nth(1).is_some_and(|c| c.starts_with(&prefix)));
        if differs {
            reports.push(TableReport {
                table: t.display(),
                warnings: vec![
                    "columns differ (see schema differences): contents not compared".into(),
                ],
                ..Default::default()
            });
            continue;
        }
        reports.push(check_table(&mut src, &mut dst, t, opts)?);
    }
    for t in td
        .iter()
        .filter(|x| !ts.iter().any(|t| t.schema == x.schema && t.name == x.name))
    {
        reports.push(TableReport {
            table: t.display(),
            warnings: vec!["only in the target".into()],
            ..Default::default()
        });
    }
    if let Some(secs) = opts.recheck_after {
        if reports.iter().any(|r| !r.equal && r.warnings.is_empty()) {
            std::thread::sleep(Duration::from_secs(secs));
            for rep in reports
                .iter_mut()
                .filter(|r| !r.equal && r.warnings.is_empty())
            {
                if let Some(t) = ts.iter().find(|t| t.display() == rep.table) {
                    let again = check_table(&mut src, &mut dst, t, opts)?;
                    let persisted = !again.equal;
                    *rep = again;
                    rep.persisted_after_recheck = Some(persisted);
                }
            }
        }
    }
    let sequences = sequences(&mut src, &mut dst)?;
    let foreign_key_violations = foreign_keys(&mut dst)?;
    let equal = schema_differences.is_empty()
        && reports.iter().all(|r| r.equal)
        && sequences.iter().all(|s| s.ahead)
        && foreign_key_violations.is_empty();
    Ok(Report {
        source: redact(&opts.source),
        target: redact(&opts.target),
        schema_differences,
        tables: reports,
        sequences,
        foreign_key_violations,
        equal,
    })
}

/// A short text report.
pub fn text(r: &Report) -> String {
    let mut o = format!("rollgate verify: {} → {}\n", r.source, r.target);
    for d in &r.schema_differences {
        o.push_str(&format!("schema: {d}\n"));
    }
    for t in &r.tables {
        let status = if t.equal { "equal" } else { "DIFFERS" };
        o.push_str(&format!(
            "{:<40} {status}  rows {} / {}",
            t.table, t.source_rows, t.target_rows
        ));
        if t.missing_count + t.extra_count + t.changed_count > 0 {
            o.push_str(&format!(
                "  missing {} extra {} changed {}",
                t.missing_count, t.extra_count, t.changed_count
            ));
        }
        if let Some(p) = t.persisted_after_recheck {
            o.push_str(if p {
                "  (persisted after recheck)"
            } else {
                "  (gone after recheck: replication lag)"
            });
        }
        o.push('\n');
        for k in &t.missing_in_target {
            o.push_str(&format!("  missing in target: {k}\n"));
        }
        for k in &t.extra_in_target {
            o.push_str(&format!("  extra in target: {k}\n"));
        }
        for c in &t.changed {
            o.push_str(&format!(
                "  changed: {} ({})\n",
                c.key,
                c.columns.join(", ")
            ));
        }
        for w in &t.warnings {
            o.push_str(&format!("  warning: {w}\n"));
        }
    }
    for s in r.sequences.iter().filter(|s| !s.ahead) {
        o.push_str(&format!(
            "sequence {} is behind {}: last {:?}, max in use {:?}\n",
            s.sequence, s.column, s.target_last_value, s.source_max
        ));
    }
    for f in &r.foreign_key_violations {
        o.push_str(&format!("foreign key: {f}\n"));
    }
    o.push_str(if r.equal { "EQUAL\n" } else { "DIFFERENT\n" });
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(
            redact("host=db user=app password=s3cret dbname=x"),
            "host=db user=app password=*** dbname=x"
        );
        assert_eq!(
            redact("postgres://db/x?user=a&password=s3cret&sslmode=require"),
            "postgres://db/x?user=a&password=***&sslmode=require"
        );
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
    }
}
