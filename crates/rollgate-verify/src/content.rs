//! Content comparison of one table. Each server hashes every row itself
//! (each column by its type's own extended hash function, combined, or the
//! md5 of the row's text where a server lacks them); only sums, counts and, for
//! small differing ranges, (key, hash) pairs cross the wire.
//!
//! The passes, cheapest first: one whole-table hash per side (settles equal
//! tables at the cost of one scan); one grouped pass that hashes buckets of
//! keys cut at the source's statistics; then, for the buckets that differ
//! only, bisection on key ranges down to `leaf_rows`, where keys and row
//! hashes are compared in memory. Memory is bounded by one leaf per side.
//!
//! Keys and bounds travel as text bind parameters and are cast to the key
//! type by the server (`$1::text::bigint`); no value is ever written into
//! the SQL text.

use crate::catalog::{quote_ident, Table};
use crate::error::VerifyError;
use crate::session::{Pair, Params, Side, Statement};
use serde::Serialize;
use std::collections::BTreeMap;

/// How rows are hashed inside the servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowHash {
    /// Each column by its type's extended hash function (the ones hash
    /// partitioning keeps stable across versions; `hash_record_extended`,
    /// PostgreSQL 14+, for types without a directly callable one), seeded
    /// by the column's place and combined by XOR: values hashed as the
    /// type's equality sees them.
    TypeHashes,
    /// md5 of the row's text form: slower, available everywhere.
    Md5Text,
    /// Across engines: md5 of a canonical text of the row that MySQL,
    /// MariaDB and PostgreSQL write identically.
    Md5CanonicalText,
}

/// A sample row whose value differs, with the names of the columns that
/// differ (empty past the sample size).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChangedRow {
    pub key: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Bound {
    /// A key or a prefix of it, as text.
    pub(crate) key: Vec<String>,
    pub(crate) inclusive: bool,
}

/// Some of the key-hash groups of a range: rows whose `key_hash % groups`
/// is one of `ids`.
#[derive(Debug, Clone)]
pub(crate) struct Within {
    pub(crate) key_hash: String,
    pub(crate) groups: i64,
    pub(crate) ids: Vec<i64>,
}

/// A key range (None: unbounded on that side), optionally narrowed to some
/// key-hash groups.
#[derive(Debug, Clone)]
pub(crate) struct Range {
    pub(crate) lo: Option<Bound>,
    pub(crate) hi: Option<Bound>,
    pub(crate) within: Option<Within>,
}

impl Range {
    pub(crate) const ALL: Range = Range {
        lo: None,
        hi: None,
        within: None,
    };

    pub(crate) fn between(lo: Option<Bound>, hi: Option<Bound>) -> Self {
        Range {
            lo,
            hi,
            within: None,
        }
    }
}

/// Rows per key-hash group aimed at: a differing group costs this many
/// rows read back.
const ROWS_PER_GROUP: i64 = 32;

/// A leaf range that differed, kept so a re-check can look at it again.
#[derive(Debug, Clone)]
pub(crate) struct DifferingRange {
    pub(crate) range: Range,
    pub(crate) rows: (i64, i64),
}

/// Differences found in one table: exact counts, capped samples.
#[derive(Debug, Default)]
pub(crate) struct Diff {
    pub(crate) missing: Vec<String>,
    pub(crate) extra: Vec<String>,
    pub(crate) changed: Vec<ChangedRow>,
    pub(crate) missing_count: u64,
    pub(crate) extra_count: u64,
    pub(crate) changed_count: u64,
    pub(crate) ranges: Vec<DifferingRange>,
    /// More differing ranges than are kept: a re-check covers the table.
    pub(crate) ranges_overflowed: bool,
    /// Changed rows already sampled elsewhere in the table: reading their
    /// columns stops once samples reach the sample size.
    pub(crate) sampled_elsewhere: usize,
}

/// At most this many differing leaf ranges are remembered per table.
const KEPT_RANGES: usize = 1000;

impl Diff {
    pub(crate) fn merge(&mut self, other: Diff, sample: usize) {
        fn take<T>(into: &mut Vec<T>, from: Vec<T>, cap: usize) {
            let room = cap.saturating_sub(into.len());
            into.extend(from.into_iter().take(room));
        }
        take(&mut self.missing, other.missing, sample);
        take(&mut self.extra, other.extra, sample);
        take(&mut self.changed, other.changed, sample);
        self.missing_count += other.missing_count;
        self.extra_count += other.extra_count;
        self.changed_count += other.changed_count;
        self.ranges_overflowed |=
            other.ranges_overflowed || self.ranges.len() + other.ranges.len() > KEPT_RANGES;
        take(&mut self.ranges, other.ranges, KEPT_RANGES);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.missing_count + self.extra_count + self.changed_count == 0
    }
}

/// Knobs of the content comparison.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    /// A range above this many rows is halved by key before its rows are
    /// grouped by key hash, so that one statement stays short.
    pub(crate) grouped_max_rows: i64,
    pub(crate) leaf_rows: i64,
    pub(crate) sample: usize,
    /// At most this many groups per side from one grouped statement of
    /// the cell passes.
    pub(crate) cells: i64,
}

/// Picks the row hash both servers compute identically: a fixed row of
/// typed values must hash the same on both, or the md5 of text is used.
pub(crate) fn probe_row_hash(pair: &mut Pair) -> (RowHash, Option<String>) {
    // No backslash in the literals: `'\x00ff'` read as an escape string
    // (standard_conforming_strings = off) is a NUL byte and an error, which
    // looked like a server without hash_record_extended. The probe calls
    // every hash function `column_hash` may use.
    let probe = Statement::plain(
        "SELECT (hashint8extended(42, 1) # hashint4extended(7, 2) # hashint2extended(3::int2, 3) \
         # hashtextextended('ß😀 x', 4) # hashbpcharextended('ab '::bpchar, 5) \
         # hash_numeric_extended(1.5, 6) # hashfloat8extended(1.25, 7) # hashfloat4extended(0.5, 8) \
         # timestamp_hash_extended(timestamptz '2026-01-01 00:00+00' AT TIME ZONE 'UTC', 9) \
         # timestamp_hash_extended(date '2026-01-01'::timestamp, 10) \
         # uuid_hash_extended('00000000-0000-0000-0000-000000000001'::uuid, 11) \
         # jsonb_hash_extended('{\"a\": [1, 2]}'::jsonb, 12) \
         # hash_record_extended(ROW(decode('00ff', 'hex'), ARRAY[1, 2], NULL::text, true), 13))::text",
    );
    let a = pair.src.try_query(&probe);
    let b = pair.dst.try_query(&probe);
    match (a, b) {
        (Some(a), Some(b)) if a[0].get::<_, String>(0) == b[0].get::<_, String>(0) => {
            (RowHash::TypeHashes, None)
        }
        (Some(_), Some(_)) => (
            RowHash::Md5Text,
            Some("the servers' hash functions disagree on a probe row (different architectures?): rows are compared by the md5 of their text, which is slower".into()),
        ),
        _ => (
            RowHash::Md5Text,
            Some("a server lacks hash_record_extended (PostgreSQL before 14): rows are compared by the md5 of their text, which is slower".into()),
        ),
    }
}

/// The SQL expression hashing one row of `t` (alias `t`) to a bigint.
/// Columns go in a fixed order, by name, so that tables whose columns were
/// added in a different order still hash alike.
pub(crate) fn row_hash_sql(t: &Table, mode: RowHash) -> String {
    let mut cols: Vec<&crate::catalog::Column> = t.columns.iter().collect();
    cols.sort_by(|a, b| a.name.cmp(&b.name));
    hash_sql(&cols, mode)
}

/// The SQL expression hashing the key of one row of `t` to a bigint, the
/// same way on both servers; it groups rows whose range differs.
pub(crate) fn key_hash_sql(t: &Table, mode: RowHash) -> String {
    let cols: Vec<&crate::catalog::Column> =
        t.pk.iter()
            .filter_map(|(k, _)| t.columns.iter().find(|c| &c.name == k))
            .collect();
    hash_sql(&cols, mode)
}

fn hash_sql(cols: &[&crate::catalog::Column], mode: RowHash) -> String {
    match mode {
        RowHash::TypeHashes => {
            let parts: Vec<String> = cols
                .iter()
                .zip(1u64..)
                .map(|(c, place)| column_hash(c, place))
                .collect();
            format!("({})", parts.join(" # "))
        }
        RowHash::Md5Text | RowHash::Md5CanonicalText => {
            let fields: Vec<String> = cols
                .iter()
                .map(|c| format!("t.{}", quote_ident(&c.name)))
                .collect();
            format!(
                "('x' || substr(md5(ROW({})::text), 1, 16))::bit(64)::bigint",
                fields.join(", ")
            )
        }
    }
}

/// One column's hash, seeded by its place in name order so that equal
/// values in two columns (or swapped between them) hash apart.
///
/// The common types call their hash function directly: that costs about a
/// third less per row than `hash_record_extended`, which builds a record
/// and looks every column's function up again for each row (measured at
/// 10 M rows: a cell pass over five columns went from about 1.3x to 1.0x
/// the plain `hash_record_extended` scan). `timestamptz` and `date` have
/// no SQL-callable function of their own type; they go through
/// `timestamp` in UTC, which keeps infinities (a difference from an epoch
/// would fail on them). A NULL hashes to a constant of the column's own.
fn column_hash(c: &crate::catalog::Column, place: u64) -> String {
    let id = format!("t.{}", quote_ident(&c.name));
    let base = without_modifiers(&c.sql_type);
    let direct = |f: &str, arg: &str| format!("{f}({arg}, {place})");
    let hash = if !c.hashable {
        direct("hashtextextended", &format!("{id}::text COLLATE \"C\""))
    } else if c.sql_type.ends_with("[]") {
        direct("hash_array_extended", &id)
    } else {
        match base.as_str() {
            "smallint" => direct("hashint2extended", &id),
            "integer" => direct("hashint4extended", &id),
            "bigint" => direct("hashint8extended", &id),
            "boolean" => direct("hashint4extended", &format!("{id}::int4")),
            "text" | "character varying" => direct("hashtextextended", &id),
            "character" => direct("hashbpcharextended", &id),
            "numeric" => direct("hash_numeric_extended", &id),
            "double precision" => direct("hashfloat8extended", &id),
            "real" => direct("hashfloat4extended", &id),
            "uuid" => direct("uuid_hash_extended", &id),
            "jsonb" => direct("jsonb_hash_extended", &id),
            "date" => direct("timestamp_hash_extended", &format!("{id}::timestamp")),
            "timestamp without time zone" => direct("timestamp_hash_extended", &id),
            "timestamp with time zone" => direct(
                "timestamp_hash_extended",
                &format!("{id} AT TIME ZONE 'UTC'"),
            ),
            "time without time zone" => direct("time_hash_extended", &id),
            "interval" => direct("interval_hash_extended", &id),
            _ => direct("hash_record_extended", &format!("ROW({id})")),
        }
    };
    if c.not_null {
        hash
    } else {
        format!("coalesce({hash}, {})", null_hash(place))
    }
}

/// `timestamp(3) with time zone` → `timestamp with time zone`.
fn without_modifiers(sql_type: &str) -> String {
    let mut out = String::with_capacity(sql_type.len());
    let mut depth = 0u32;
    for ch in sql_type.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The stand-in hash of a NULL in the column at `place`: a fixed mix of
/// the place (splitmix64), so NULLs in two columns do not cancel out.
fn null_hash(place: u64) -> i64 {
    let mut z = place.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as i64
}

/// A key (or a prefix of it) as a row of parameters cast to the key
/// columns' types: `($1::text::bigint, $2::text::text)`.
fn key_row(t: &Table, values: &[String], p: &mut Params) -> String {
    let parts: Vec<String> = values
        .iter()
        .zip(&t.pk)
        .map(|(v, (_, ty))| format!("{}::{ty}", p.text(v)))
        .collect();
    format!("({})", parts.join(", "))
}

/// The condition selecting range `r`; its values are added to `p`.
pub(crate) fn where_clause(t: &Table, r: &Range, p: &mut Params) -> String {
    let mut parts = Vec::new();
    for (bound, closed, open) in [(&r.lo, ">=", ">"), (&r.hi, "<=", "<")] {
        if let Some(b) = bound {
            let op = if b.inclusive { closed } else { open };
            parts.push(format!(
                "{} {op} {}",
                t.key_prefix(b.key.len()),
                key_row(t, &b.key, p)
            ));
        }
    }
    if let Some(w) = &r.within {
        parts.push(format!(
            "({} & {}) = ANY({})",
            w.key_hash,
            p.int(w.groups - 1),
            p.ints(w.ids.clone())
        ));
    }
    if parts.is_empty() {
        "true".into()
    } else {
        parts.join(" AND ")
    }
}

/// Row counts of a range or bucket on (source, target), and whether their
/// hash sums agree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checked {
    pub(crate) rows: (i64, i64),
    pub(crate) equal: bool,
}

/// Count and hash sum of a range on both sides; equal when both agree.
pub(crate) fn range_hash(
    pair: &mut Pair,
    t: &Table,
    r: &Range,
    hash: &str,
) -> Result<Checked, VerifyError> {
    let mut p = Params::default();
    let w = where_clause(t, r, &mut p);
    let sql = p.sql(format!(
        "SELECT count(*), coalesce(sum({hash}), 0)::text FROM {tab} t WHERE {w}",
        tab = t.qualified(),
    ));
    let (a, b) = pair.same(&sql, &format!("checksum of {}", t.display()))?;
    let (ca, ha): (i64, String) = (a[0].get(0), a[0].get(1));
    let (cb, hb): (i64, String) = (b[0].get(0), b[0].get(1));
    Ok(Checked {
        rows: (ca, cb),
        equal: ca == cb && ha == hb,
    })
}

/// Split points of the key space from the source's statistics: the
/// histogram of the first key column (free to read). None when the table
/// has none (never analysed, or too few distinct values).
pub(crate) fn histogram_bounds(
    src: &mut Side,
    t: &Table,
) -> Result<Option<Vec<Vec<String>>>, VerifyError> {
    let mut p = Params::default();
    let (schema, name, column) = (p.text(&t.schema), p.text(&t.name), p.text(&t.pk[0].0));
    let hist = src.query(
        &p.sql(format!(
            "SELECT histogram_bounds::text::text[] FROM pg_stats
             WHERE schemaname = {schema} AND tablename = {name} AND attname = {column}
               AND histogram_bounds IS NOT NULL
             ORDER BY inherited DESC LIMIT 1"
        )),
        "reading key statistics",
    )?;
    let Some(row) = hist.first() else {
        return Ok(None);
    };
    let mut bounds: Vec<Vec<String>> = row
        .get::<_, Vec<String>>(0)
        .into_iter()
        .map(|v| vec![v])
        .collect();
    bounds.dedup();
    Ok((bounds.len() >= 2).then_some(bounds))
}

/// Split points every `chunk_rows` keys of the source: one walk of the
/// key index, in statements of `chunk_rows` rows each.
pub(crate) fn offset_bounds(
    src: &mut Side,
    t: &Table,
    chunk_rows: i64,
) -> Result<Vec<Vec<String>>, VerifyError> {
    // Each bound is the first key of the next chunk, as `width_bucket`
    // wants lower bounds.
    let mut bounds = Vec::new();
    let mut lo: Option<Bound> = None;
    while let Some(k) = split_key(src, t, &Range::between(lo.clone(), None), chunk_rows)? {
        bounds.push(k.clone());
        lo = Some(Bound {
            key: k,
            inclusive: true,
        });
    }
    Ok(bounds)
}

/// The ranges that `bounds` cut the key space into, in order; bucket `i`
/// of `width_bucket` is range `i`.
pub(crate) fn bucket_ranges(bounds: &[Vec<String>]) -> Vec<Range> {
    let mut out = Vec::with_capacity(bounds.len() + 1);
    let mut lo: Option<Bound> = None;
    for b in bounds {
        out.push(Range::between(
            lo.take(),
            Some(Bound {
                key: b.clone(),
                inclusive: false,
            }),
        ));
        lo = Some(Bound {
            key: b.clone(),
            inclusive: true,
        });
    }
    out.push(Range::between(lo, None));
    out
}

/// One grouped scan per side: count and hash sum per bucket. Returns the
/// (source, target) row counts per bucket and whether each agrees.
pub(crate) fn bucket_pass(
    pair: &mut Pair,
    t: &Table,
    bounds: &[Vec<String>],
    hash: &str,
) -> Result<Vec<Checked>, VerifyError> {
    let sql = bucket_sql(t, bounds, hash);
    let (ma, mb) = grouped(pair, &sql, &format!("bucket checksums of {}", t.display()))?;
    let empty = (0i64, "0".to_string());
    Ok((0..=bounds.len() as i64)
        .map(|i| {
            let x = ma.get(&i).unwrap_or(&empty);
            let y = mb.get(&i).unwrap_or(&empty);
            Checked {
                rows: (x.0, y.0),
                equal: x == y,
            }
        })
        .collect())
}

/// The grouped scan of [`bucket_pass`]. The bounds go as one `text[]`
/// parameter per key column, unnested in order and cast to the key types
/// server-side into the array `width_bucket` wants (computed once).
fn bucket_sql(t: &Table, bounds: &[Vec<String>], hash: &str) -> Statement {
    let width = bounds[0].len();
    let mut p = Params::default();
    let columns: Vec<String> = (0..width)
        .map(|i| p.texts(bounds.iter().map(|b| b[i].clone()).collect()))
        .collect();
    let names: Vec<String> = (1..=width).map(|i| format!("c{i}")).collect();
    let cast: Vec<String> = names
        .iter()
        .zip(&t.pk)
        .map(|(c, (_, ty))| format!("b.{c}::{ty}"))
        .collect();
    let (key, element) = if width == 1 {
        (format!("t.{}", quote_ident(&t.pk[0].0)), cast[0].clone())
    } else {
        (
            format!("ROW{}", t.key_prefix(width)),
            format!("ROW({})", cast.join(", ")),
        )
    };
    p.sql(format!(
        "SELECT width_bucket({key}, ARRAY(SELECT {element} FROM unnest({columns}) WITH ORDINALITY b({names}, o) ORDER BY b.o))::int8, \
         count(*), coalesce(sum({hash}), 0)::text FROM {tab} t GROUP BY 1",
        columns = columns.join(", "),
        names = names.join(", "),
        tab = t.qualified()
    ))
}

/// Per group: (row count, hash sum), as a query of `SELECT group::int8,
/// count(*), sum::text … GROUP BY 1` returns them on (source, target).
type Groups = BTreeMap<i64, (i64, String)>;

fn grouped(
    pair: &mut Pair,
    sql: &Statement,
    context: &str,
) -> Result<(Groups, Groups), VerifyError> {
    let (a, b) = pair.same(sql, context)?;
    let per = |rows: Vec<postgres::Row>| -> Groups {
        rows.into_iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect()
    };
    Ok((per(a), per(b)))
}

/// The key `offset` rows into the range, as text values.
fn split_key(
    side: &mut Side,
    t: &Table,
    r: &Range,
    offset: i64,
) -> Result<Option<Vec<String>>, VerifyError> {
    let mut p = Params::default();
    let w = where_clause(t, r, &mut p);
    let offset = p.int(offset);
    let rows = side.query(
        &p.sql(format!(
            "SELECT {k} FROM {tab} t WHERE {w} ORDER BY {keys} OFFSET {offset} LIMIT 1",
            k = t.key_text(),
            tab = t.qualified(),
            keys = t.key_cols()
        )),
        "splitting a range",
    )?;
    Ok(rows.first().map(|row| row.get::<_, Vec<String>>(0)))
}

/// Finds the rows that differ inside `r`, whose counts are `rows` and whose
/// hashes are already known to differ. A small range is compared row by
/// row; a large one is halved by key; in between, one grouped pass per
/// side hashes its rows in groups by key hash, and only the rows of
/// differing groups are read back, so a few scattered differences cost
/// a few hundred rows, not the range.
#[allow(clippy::too_many_arguments)]
pub(crate) fn locate(
    pair: &mut Pair,
    t: &Table,
    r: Range,
    rows: (i64, i64),
    hash: &str,
    key_hash: &str,
    sizes: Sizes,
    diff: &mut Diff,
) -> Result<(), VerifyError> {
    let n = rows.0.max(rows.1);
    if n <= sizes.leaf_rows || r.within.is_some() {
        return compare_rows(pair, t, r, hash, sizes, diff);
    }
    if n > sizes.grouped_max_rows {
        let (side, count) = if rows.0 >= rows.1 {
            (&mut pair.src, rows.0)
        } else {
            (&mut pair.dst, rows.1)
        };
        if let Some(mid) = split_key(side, t, &r, count / 2 - 1)? {
            let halves = [
                Range::between(
                    r.lo.clone(),
                    Some(Bound {
                        key: mid.clone(),
                        inclusive: true,
                    }),
                ),
                Range::between(
                    Some(Bound {
                        key: mid,
                        inclusive: false,
                    }),
                    r.hi,
                ),
            ];
            for half in halves {
                let c = range_hash(pair, t, &half, hash)?;
                if !c.equal {
                    locate(pair, t, half, c.rows, hash, key_hash, sizes, diff)?;
                }
            }
            return Ok(());
        }
    }
    let groups = ((n / ROWS_PER_GROUP).max(2) as u64)
        .next_power_of_two()
        .min(1 << 16) as i64;
    let mut p = Params::default();
    let w = where_clause(t, &r, &mut p);
    let mask = p.int(groups - 1);
    let sql = p.sql(format!(
        "SELECT {key_hash} & {mask}, count(*), coalesce(sum({hash}), 0)::text FROM {tab} t WHERE {w} GROUP BY 1",
        tab = t.qualified(),
    ));
    let (ma, mb) = grouped(pair, &sql, &format!("key-hash groups of {}", t.display()))?;
    let mut differing: Vec<i64> = ma
        .iter()
        .filter(|(g, v)| mb.get(g) != Some(v))
        .map(|(g, _)| *g)
        .chain(mb.keys().filter(|g| !ma.contains_key(g)).copied())
        .collect();
    differing.sort_unstable();
    // Read the differing groups back in batches of about leaf_rows rows.
    let per_group = (n / groups).max(1);
    let batch = (sizes.leaf_rows / per_group).max(1) as usize;
    for ids in differing.chunks(batch) {
        let slice = Range {
            within: Some(Within {
                key_hash: key_hash.to_string(),
                groups,
                ids: ids.to_vec(),
            }),
            ..r.clone()
        };
        compare_rows(pair, t, slice, hash, sizes, diff)?;
    }
    Ok(())
}

/// Compares a small range row by row: only keys and row hashes are read;
/// full rows are read later, and only for the sampled changed rows.
fn compare_rows(
    pair: &mut Pair,
    t: &Table,
    r: Range,
    hash: &str,
    sizes: Sizes,
    diff: &mut Diff,
) -> Result<(), VerifyError> {
    let mut p = Params::default();
    let w = where_clause(t, &r, &mut p);
    let sql = p.sql(format!(
        "SELECT {k}, {hash} FROM {tab} t WHERE {w}",
        k = t.key_text(),
        tab = t.qualified(),
    ));
    let (a, b) = pair.same(&sql, &format!("rows of {}", t.display()))?;
    let rows = (a.len() as i64, b.len() as i64);
    let (mut found, _) = match_rows(pair, t, a, b, sizes, diff)?;
    if !found.is_empty() {
        found.ranges.push(DifferingRange { range: r, rows });
    }
    diff.merge(found, sizes.sample);
    Ok(())
}

/// Matches rows read back as (key as text[], row hash) from both sides:
/// the differences found (not yet merged into `diff`, which only says how
/// many changed rows were sampled already) and the keys that differ.
pub(crate) fn match_rows(
    pair: &mut Pair,
    t: &Table,
    a: Vec<postgres::Row>,
    b: Vec<postgres::Row>,
    sizes: Sizes,
    diff: &Diff,
) -> Result<(Diff, Vec<Vec<String>>), VerifyError> {
    // Keys are matched in memory rather than by the servers' sort order:
    // two servers may collate text keys differently.
    let map = |rows: Vec<postgres::Row>| -> BTreeMap<Vec<String>, i64> {
        rows.into_iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    let (ma, mb) = (map(a), map(b));
    let mut found = Diff::default();
    let mut keys = Vec::new();
    for (k, ha) in &ma {
        match mb.get(k) {
            None => {
                found.missing_count += 1;
                keys.push(k.clone());
                if found.missing.len() < sizes.sample {
                    found.missing.push(key_display(k));
                }
            }
            Some(hb) if hb != ha => {
                found.changed_count += 1;
                keys.push(k.clone());
                if diff.sampled_elsewhere + diff.changed.len() + found.changed.len() < sizes.sample
                {
                    let columns = changed_columns(pair, t, k)?;
                    found.changed.push(ChangedRow {
                        key: key_display(k),
                        columns,
                    });
                }
            }
            _ => {}
        }
    }
    for k in mb.keys().filter(|k| !ma.contains_key(*k)) {
        found.extra_count += 1;
        keys.push(k.clone());
        if found.extra.len() < sizes.sample {
            found.extra.push(key_display(k));
        }
    }
    Ok((found, keys))
}

/// A key as the report shows it: its columns' text joined by commas, with
/// a part in double quotes (quotes doubled) when it holds a comma, a quote
/// or edge whitespace, so that `a,b` + `c` and `a` + `b,c` stay apart.
pub(crate) fn key_display(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| {
            if p.contains([',', '"']) || p.trim() != p || p.is_empty() {
                format!("\"{}\"", p.replace('"', "\"\""))
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Names of the columns whose values differ for the row with key `key`.
fn changed_columns(pair: &mut Pair, t: &Table, key: &[String]) -> Result<Vec<String>, VerifyError> {
    let mut p = Params::default();
    let b = key_row(t, key, &mut p);
    let sql = p.sql(format!(
        "SELECT to_jsonb(t)::text FROM {tab} t WHERE ({cols}) = {b}",
        tab = t.qualified(),
        cols = t.key_cols(),
    ));
    let (a, b) = pair.same(&sql, &format!("a changed row of {}", t.display()))?;
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
        for c in ob.keys().filter(|c| !oa.contains_key(*c)) {
            cols.push(c.clone());
        }
    }
    Ok(cols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Column;

    fn table(pk: &[(&str, &str)], cols: &[(&str, bool)]) -> Table {
        Table {
            schema: "public".into(),
            name: "t".into(),
            pk: pk
                .iter()
                .map(|(c, ty)| (c.to_string(), ty.to_string()))
                .collect(),
            columns: cols
                .iter()
                .map(|(n, h)| Column {
                    name: n.to_string(),
                    sql_type: "x".into(),
                    not_null: false,
                    hashable: *h,
                })
                .collect(),
            estimated_rows: 0,
        }
    }

    #[test]
    fn buckets_cover_the_key_space_without_gaps_or_overlaps() {
        let t = table(&[("id", "bigint")], &[]);
        let ranges = bucket_ranges(&[vec!["10".into()], vec!["20".into()]]);
        let w: Vec<String> = ranges
            .iter()
            .map(|r| where_clause(&t, r, &mut Params::default()))
            .collect();
        assert_eq!(
            w,
            [
                "(t.\"id\") < ($1::text::bigint)",
                "(t.\"id\") >= ($1::text::bigint) AND (t.\"id\") < ($2::text::bigint)",
                "(t.\"id\") >= ($1::text::bigint)",
            ]
        );
    }

    /// Regression: keys and bounds were pasted into SQL as quoted literals,
    /// which `\'` escaped out of under standard_conforming_strings = off.
    #[test]
    fn keys_and_bounds_never_reach_the_sql_text() {
        let t = table(&[("k", "text"), ("n", "bigint")], &[]);
        let evil = "\\' ) OR (SELECT true FROM pg_sleep(2)) --".to_string();
        let bound = |inclusive| Bound {
            key: vec![evil.clone(), "1".into()],
            inclusive,
        };
        let r = Range {
            lo: Some(bound(true)),
            hi: Some(bound(false)),
            within: Some(Within {
                key_hash: "h".into(),
                groups: 8,
                ids: vec![1, 5],
            }),
        };
        let w = where_clause(&t, &r, &mut Params::default());
        assert_eq!(
            w,
            "(t.\"k\", t.\"n\") >= ($1::text::text, $2::text::bigint) AND \
             (t.\"k\", t.\"n\") < ($3::text::text, $4::text::bigint) AND (h & $5::int8) = ANY($6::int8[])"
        );
        let b = bucket_sql(&t, &[vec![evil.clone(), "1".into()]], "x");
        assert!(
            !b.text.contains("pg_sleep") && !b.text.contains('\\'),
            "{}",
            b.text
        );
        assert!(b.text.contains(
            "ARRAY(SELECT ROW(b.c1::text, b.c2::bigint) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY b(c1, c2, o) ORDER BY b.o)"
        ), "{}", b.text);
    }

    #[test]
    fn rows_hash_by_column_name_and_unhashable_columns_by_text() {
        let t = table(
            &[("id", "bigint")],
            &[("z", true), ("doc", false), ("id", true)],
        );
        assert_eq!(
            row_hash_sql(&t, RowHash::TypeHashes),
            format!(
                "(coalesce(hashtextextended(t.\"doc\"::text COLLATE \"C\", 1), {}) \
                 # coalesce(hash_record_extended(ROW(t.\"id\"), 2), {}) \
                 # coalesce(hash_record_extended(ROW(t.\"z\"), 3), {}))",
                null_hash(1),
                null_hash(2),
                null_hash(3)
            )
        );
        assert!(row_hash_sql(&t, RowHash::Md5Text)
            .contains("md5(ROW(t.\"doc\", t.\"id\", t.\"z\")::text)"));
    }

    #[test]
    fn common_types_call_their_own_hash_function_and_nulls_get_a_stand_in() {
        let col = |ty: &str, not_null: bool| Column {
            name: "c".into(),
            sql_type: ty.into(),
            not_null,
            hashable: true,
        };
        for (ty, want) in [
            ("bigint", "hashint8extended(t.\"c\", 4)"),
            ("character varying(80)", "hashtextextended(t.\"c\", 4)"),
            ("numeric(12,2)", "hash_numeric_extended(t.\"c\", 4)"),
            (
                "timestamp(3) with time zone",
                "timestamp_hash_extended(t.\"c\" AT TIME ZONE 'UTC', 4)",
            ),
            (
                "timestamp(6) without time zone",
                "timestamp_hash_extended(t.\"c\", 4)",
            ),
            ("date", "timestamp_hash_extended(t.\"c\"::timestamp, 4)"),
            ("boolean", "hashint4extended(t.\"c\"::int4, 4)"),
            ("integer[]", "hash_array_extended(t.\"c\", 4)"),
            ("mood", "hash_record_extended(ROW(t.\"c\"), 4)"),
        ] {
            assert_eq!(column_hash(&col(ty, true), 4), want, "{ty}");
        }
        assert_eq!(
            column_hash(&col("bigint", false), 4),
            format!("coalesce(hashint8extended(t.\"c\", 4), {})", null_hash(4))
        );
        let nulls: std::collections::BTreeSet<i64> = (1..1000).map(null_hash).collect();
        assert_eq!(nulls.len(), 999, "every place has its own NULL hash");
    }

    #[test]
    fn keys_with_commas_and_quotes_cannot_be_confused() {
        let k =
            |parts: &[&str]| key_display(&parts.iter().map(|p| p.to_string()).collect::<Vec<_>>());
        assert_eq!(k(&["3", "k13"]), "3,k13");
        assert_eq!(k(&["a,b", "c"]), "\"a,b\",c");
        assert_eq!(k(&["a", "b,c"]), "a,\"b,c\"");
        assert_eq!(k(&["say \"hi\""]), "\"say \"\"hi\"\"\"");
        assert_eq!(k(&["it's "]), "\"it's \"");
        assert_eq!(k(&[""]), "\"\"");
        assert_eq!(k(&["😀10"]), "😀10");
    }

    #[test]
    fn samples_are_capped_and_counts_are_not() {
        let mut d = Diff::default();
        for i in 0..50 {
            d.merge(
                Diff {
                    missing: vec![i.to_string()],
                    missing_count: 1,
                    ..Diff::default()
                },
                20,
            );
        }
        assert_eq!((d.missing.len(), d.missing_count), (20, 50));
    }
}
