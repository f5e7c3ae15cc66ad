//! Comparison across engines: MySQL or MariaDB on one side, PostgreSQL on
//! the other (either way round).
//!
//! Tables and columns are matched by name (case-insensitively, as MySQL
//! names are), and each pair of column types is looked up in a
//! compatibility table that says how both engines write a value as the
//! same canonical text: integers and booleans as digits (`tinyint(1)` ↔
//! `boolean` as 1/0), decimals without trailing zeros, date-times as
//! `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, binary as lowercase hex, text as
//! its UTF-8 characters compared exactly (whatever the collation says),
//! NULL distinct from the empty string. Each server hashes the md5 of
//! that text for every row itself; only per-bucket sums and, for
//! differing buckets, (key, hash) pairs cross the wire. Columns whose
//! values have no text both engines write alike (floating point, JSON)
//! are left out of the hash and named in the report.
//!
//! Rows are bucketed by their key modulo the bucket count (one integer
//! key) or by a hash of the key's canonical text, rather than by key
//! ranges: the two engines order text keys by different collations, so a
//! key range would not hold the same rows on both sides. The price is that
//! reading back differing buckets scans the table again (no index serves a
//! bucket), as many buckets per scan as hold about ten leaves of rows.

use crate::content::{key_display, ChangedRow, RowHash};
use crate::error::VerifyError;
use crate::mysql_side::{quote_ident_my, MyEndpoint, MyParam, MySide};
use crate::report::{Proof, Report, TableReport, Uncanonical};
use crate::schema::SchemaDifference;
use crate::session::{Endpoint, Params, RateLimit, Side};
use crate::Options;
use std::collections::{BTreeMap, BTreeSet};

/// What a column holds, as far as comparing across engines goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Int {
        min: i128,
        max: i128,
    },
    Bool,
    /// `scale`: None for PostgreSQL's unconstrained numeric.
    Decimal {
        scale: Option<u32>,
    },
    Float,
    Text {
        case_insensitive: bool,
        pad_space: bool,
    },
    Uuid,
    Bytes,
    Date,
    /// A date and time without a zone.
    DateTime,
    /// A point in time: MySQL `timestamp`, PostgreSQL `timestamptz`.
    Instant,
    Time,
    Json,
    Other,
}

/// The canonical text form two compatible columns are compared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Int,
    Bool,
    /// Digits without trailing fractional zeros (`12.5`, `100`, `0`).
    Decimal,
    Text,
    LowerText,
    Hex,
    Date,
    DateTime,
    Time,
}

/// How a pair of column kinds (source, target) is compared: the form, and
/// what to tell the reader about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pairing {
    Compared {
        form: Form,
        /// A mapping worth a line in the report (not a difference).
        note: Option<String>,
        /// A real schema difference (values of the source may not fit).
        problem: Option<String>,
    },
    /// Both sides hold values of this kind but write them differently:
    /// left out of the row hash, named in the report.
    NotCanonical(String),
    /// Not the same kind of data at all.
    Incompatible,
}

/// The compatibility table.
pub(crate) fn pairing(s: &Kind, t: &Kind) -> Pairing {
    use Kind::*;
    let ok = |form| Pairing::Compared {
        form,
        note: None,
        problem: None,
    };
    match (s, t) {
        (Int { min: a, max: b }, Int { min: c, max: d }) => Pairing::Compared {
            form: Form::Int,
            note: None,
            problem: (a < c || b > d).then(|| {
                format!("the source range {a}..{b} does not fit the target's {c}..{d}")
            }),
        },
        (Bool, Bool) => ok(Form::Bool),
        (Int { .. }, Bool) | (Bool, Int { .. }) => Pairing::Compared {
            form: Form::Bool,
            note: Some("integer ↔ boolean compared as 1/0; other integers differ".into()),
            problem: None,
        },
        (Decimal { scale: a }, Decimal { scale: b }) => Pairing::Compared {
            form: Form::Decimal,
            note: None,
            problem: match (a, b) {
                (Some(a), Some(b)) if b < a => Some(format!(
                    "decimal scale {a} → {b}: values with more digits were rounded"
                )),
                _ => None,
            },
        },
        (Int { .. }, Decimal { .. }) | (Decimal { .. }, Int { .. }) => ok(Form::Decimal),
        (Float, Float) => Pairing::NotCanonical(
            "floating point: the engines write the same double in different text (exponent forms); not hashed".into(),
        ),
        (Json, Json) | (Json, Text { .. }) | (Text { .. }, Json) => Pairing::NotCanonical(
            "JSON: key order and spacing are kept by one engine and normalised by the other; not hashed".into(),
        ),
        (Text { .. }, Text { .. }) => ok(Form::Text),
        (Uuid, Uuid) | (Uuid, Text { .. }) | (Text { .. }, Uuid) => ok(Form::LowerText),
        (Bytes, Bytes) => ok(Form::Hex),
        (Date, Date) => ok(Form::Date),
        (DateTime, DateTime) | (Instant, Instant) => ok(Form::DateTime),
        (DateTime, Instant) | (Instant, DateTime) => Pairing::Compared {
            form: Form::DateTime,
            note: Some("a date-time without zone compared as if it were UTC".into()),
            problem: None,
        },
        (Time, Time) => ok(Form::Time),
        _ => Pairing::Incompatible,
    }
}

/// Which engine a side runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    Postgres,
    MySql,
}

#[derive(Debug, Clone)]
pub(crate) struct XColumn {
    /// Lowercase: the match across engines.
    pub(crate) name: String,
    /// As the server spells it: what goes into SQL.
    pub(crate) real: String,
    /// The type as the server shows it (`int(10) unsigned`, `numeric(12,2)`).
    pub(crate) shown_type: String,
    pub(crate) kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) struct XTable {
    /// Lowercase: the match across engines.
    pub(crate) name: String,
    /// The table in SQL: quoted, with its schema on PostgreSQL.
    pub(crate) sql: String,
    pub(crate) columns: Vec<XColumn>,
    /// Key columns (lowercase names), in key order.
    pub(crate) pk: Vec<String>,
    pub(crate) estimated_rows: i64,
}

impl XTable {
    fn column(&self, name: &str) -> Option<&XColumn> {
        self.columns.iter().find(|c| c.name == name)
    }
}

fn int_range(bits: u32, unsigned: bool) -> Kind {
    if unsigned {
        Kind::Int {
            min: 0,
            max: (1i128 << bits) - 1,
        }
    } else {
        Kind::Int {
            min: -(1i128 << (bits - 1)),
            max: (1i128 << (bits - 1)) - 1,
        }
    }
}

/// A MySQL/MariaDB column's kind from `DATA_TYPE`, `COLUMN_TYPE`, scale and
/// collation.
pub(crate) fn mysql_kind(
    data_type: &str,
    column_type: &str,
    scale: Option<u32>,
    collation: Option<&str>,
) -> Kind {
    let unsigned = column_type.contains("unsigned");
    match data_type {
        "tinyint" if column_type.starts_with("tinyint(1)") => Kind::Bool,
        "tinyint" => int_range(8, unsigned),
        "smallint" => int_range(16, unsigned),
        "mediumint" => int_range(24, unsigned),
        "int" | "integer" => int_range(32, unsigned),
        "bigint" => int_range(64, unsigned),
        "year" => Kind::Int {
            min: 1901,
            max: 2155,
        },
        "decimal" | "numeric" => Kind::Decimal { scale },
        "float" | "double" | "real" => Kind::Float,
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" | "enum" | "set" => {
            let c = collation.unwrap_or("");
            Kind::Text {
                case_insensitive: c.ends_with("_ci"),
                // MySQL 8's utf8mb4_0900 collations and MariaDB's nopad
                // ones compare trailing spaces; every other pads them.
                pad_space: !c.is_empty() && !c.contains("_0900_") && !c.contains("nopad"),
            }
        }
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => Kind::Bytes,
        "date" => Kind::Date,
        "datetime" => Kind::DateTime,
        "timestamp" => Kind::Instant,
        "time" => Kind::Time,
        "json" => Kind::Json,
        _ => Kind::Other,
    }
}

/// A PostgreSQL column's kind from its type name, type kind and numeric
/// scale.
pub(crate) fn pg_kind(typname: &str, typtype: &str, scale: Option<u32>) -> Kind {
    if typtype == "e" {
        return Kind::Text {
            case_insensitive: false,
            pad_space: false,
        };
    }
    match typname {
        "int2" => int_range(16, false),
        "int4" => int_range(32, false),
        "int8" => int_range(64, false),
        "bool" => Kind::Bool,
        "numeric" => Kind::Decimal { scale },
        "float4" | "float8" => Kind::Float,
        "text" | "varchar" | "bpchar" | "name" => Kind::Text {
            case_insensitive: false,
            pad_space: false,
        },
        "citext" => Kind::Text {
            case_insensitive: true,
            pad_space: false,
        },
        "uuid" => Kind::Uuid,
        "bytea" => Kind::Bytes,
        "date" => Kind::Date,
        "timestamp" => Kind::DateTime,
        "timestamptz" => Kind::Instant,
        "time" => Kind::Time,
        "json" | "jsonb" => Kind::Json,
        _ => Kind::Other,
    }
}

/// The canonical text of a non-NULL value of column `c` (alias `t`) in
/// `form`, as an SQL expression of `engine`. Only identifiers and fixed
/// literals go into it.
pub(crate) fn canonical(engine: Engine, c: &XColumn, form: Form) -> String {
    match engine {
        Engine::MySql => {
            let v = format!("t.{}", quote_ident_my(&c.real));
            match form {
                Form::Int | Form::Bool => format!("CAST({v} AS CHAR)"),
                Form::Decimal => match c.kind {
                    // A decimal with a scale always has a point: trailing
                    // zeros, then a bare point, go.
                    Kind::Decimal { scale: Some(s) } if s > 0 => {
                        format!("TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST({v} AS CHAR)))")
                    }
                    _ => format!("CAST({v} AS CHAR)"),
                },
                // Binary collation: text is compared as its characters, and
                // columns of different collations can be concatenated.
                Form::Text => format!("(CONVERT({v} USING utf8mb4) COLLATE utf8mb4_bin)"),
                Form::LowerText => {
                    format!("LOWER(CONVERT({v} USING utf8mb4) COLLATE utf8mb4_bin)")
                }
                Form::Hex => format!("LOWER(HEX({v}))"),
                Form::Date => format!("DATE_FORMAT({v}, '%Y-%m-%d')"),
                Form::DateTime => format!("DATE_FORMAT({v}, '%Y-%m-%d %H:%i:%s.%f')"),
                Form::Time => format!("TIME_FORMAT({v}, '%H:%i:%s.%f')"),
            }
        }
        Engine::Postgres => {
            let v = format!("t.{}", crate::catalog::quote_ident(&c.real));
            match form {
                Form::Int => format!("{v}::text"),
                Form::Bool => match c.kind {
                    Kind::Bool => format!("CASE WHEN {v} THEN '1' ELSE '0' END"),
                    _ => format!("{v}::text"),
                },
                Form::Decimal => format!("trim_scale({v}::numeric)::text"),
                Form::Text => format!("{v}::text"),
                Form::LowerText => format!("lower({v}::text)"),
                Form::Hex => format!("encode({v}, 'hex')"),
                Form::Date => format!("to_char({v}, 'YYYY-MM-DD')"),
                Form::DateTime => match c.kind {
                    Kind::Instant => {
                        format!("to_char({v} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
                    }
                    _ => format!("to_char({v}, 'YYYY-MM-DD HH24:MI:SS.US')"),
                },
                Form::Time => format!("to_char(date '2000-01-01' + {v}, 'HH24:MI:SS.US')"),
            }
        }
    }
}

/// `N` for NULL, `V<chars>:<text>` otherwise: NULL and '' stay apart, and a
/// separator inside a value cannot shift the next one.
fn encoded(engine: Engine, c: &XColumn, form: Form) -> String {
    let e = canonical(engine, c, form);
    match engine {
        Engine::MySql => format!(
            "IF(t.{q} IS NULL, 'N', CONCAT('V', CHAR_LENGTH({e}), ':', {e}))",
            q = quote_ident_my(&c.real)
        ),
        Engine::Postgres => format!(
            "CASE WHEN t.{q} IS NULL THEN 'N' ELSE 'V' || char_length({e}) || ':' || {e} END",
            q = crate::catalog::quote_ident(&c.real)
        ),
    }
}

/// A 60-bit hash of `text` (the md5's first 15 hex digits), the same
/// number on both engines and positive on both.
fn md5_60(engine: Engine, text: &str) -> String {
    match engine {
        Engine::MySql => format!("CAST(CONV(SUBSTRING(MD5({text}), 1, 15), 16, 10) AS UNSIGNED)"),
        Engine::Postgres => {
            format!("('x' || lpad(substr(md5({text}), 1, 15), 16, '0'))::bit(64)::bigint")
        }
    }
}

/// One side of a comparison across engines.
pub(crate) enum XSide {
    Pg(Box<Side>),
    My(Box<MySide>),
}

/// Rows of text columns, as both engines return them here.
type TextRows = Vec<Vec<Option<String>>>;

/// A statement for either engine: the SQL text per engine and its values.
/// Values stay values: `$n::text`/`$n::int8` on PostgreSQL, `?` on MySQL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum XValue {
    Text(String),
    Int(i64),
    Ints(Vec<i64>),
}

impl XSide {
    fn engine(&self) -> Engine {
        match self {
            XSide::Pg(_) => Engine::Postgres,
            XSide::My(_) => Engine::MySql,
        }
    }

    /// Runs `sql`, whose NUL placeholders (`\u{0}`, in order) stand for
    /// `values`: NUL cannot occur in an identifier of either engine, so a
    /// table or column name can never be taken for a placeholder. Every
    /// result column must be text. An `Ints` value becomes an `int8[]` on
    /// PostgreSQL (write `= ANY(\u{0})`) and a list of `?` on MySQL (write
    /// `IN (\u{0})`; an empty list becomes the id i64::MIN, which no bucket has).
    fn rows(
        &mut self,
        sql: &str,
        values: &[XValue],
        context: &str,
    ) -> Result<Vec<Vec<Option<String>>>, VerifyError> {
        let pieces: Vec<&str> = sql.split('\0').collect();
        debug_assert_eq!(pieces.len(), values.len() + 1, "{sql}");
        match self {
            XSide::Pg(side) => {
                let mut p = Params::default();
                let mut text = pieces[0].to_string();
                for (v, piece) in values.iter().zip(&pieces[1..]) {
                    text.push_str(&match v {
                        XValue::Text(s) => p.text(s),
                        XValue::Int(i) => p.int(*i),
                        XValue::Ints(v) => p.ints(v.clone()),
                    });
                    text.push_str(piece);
                }
                let rows = side.query(&p.sql(text), context)?;
                Ok(rows
                    .iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| r.get::<_, Option<String>>(i))
                            .collect()
                    })
                    .collect())
            }
            XSide::My(side) => {
                let mut params = Vec::new();
                let mut text = pieces[0].to_string();
                for (v, piece) in values.iter().zip(&pieces[1..]) {
                    match v {
                        XValue::Text(s) => {
                            params.push(MyParam::Text(s.clone()));
                            text.push('?');
                        }
                        XValue::Int(i) => {
                            params.push(MyParam::Int(*i));
                            text.push('?');
                        }
                        XValue::Ints(v) => {
                            params.extend(v.iter().map(|i| MyParam::Int(*i)));
                            text.push_str(&vec!["?"; v.len().max(1)].join(", "));
                            if v.is_empty() {
                                params.push(MyParam::Int(i64::MIN));
                            }
                        }
                    }
                    text.push_str(piece);
                }
                side.query(&text, &params, context)
            }
        }
    }

    fn version(&mut self) -> Result<String, VerifyError> {
        Ok(match self {
            XSide::Pg(side) => crate::catalog::server_version(side)?.1,
            XSide::My(side) => side.version.clone(),
        })
    }

    fn engine_name(&self) -> &'static str {
        match self {
            XSide::Pg(_) => "PostgreSQL",
            XSide::My(s) if s.version.contains("MariaDB") => "MariaDB",
            XSide::My(_) => "MySQL",
        }
    }

    /// Every base table (matching `pattern`, a LIKE on the table name), with
    /// its columns and key.
    fn tables(
        &mut self,
        pattern: &Option<String>,
        pg_schema: &str,
    ) -> Result<Vec<XTable>, VerifyError> {
        let mut values = Vec::new();
        let filter = |values: &mut Vec<XValue>, column: &str| -> String {
            match pattern {
                Some(p) => {
                    values.push(XValue::Text(p.clone()));
                    format!(" AND {column} LIKE \u{0}")
                }
                None => String::new(),
            }
        };
        let (cols_sql, keys_sql) = match self.engine() {
            Engine::MySql => {
                let f = filter(&mut values, "c.TABLE_NAME");
                (
                    format!(
                        "SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), CAST(c.DATA_TYPE AS CHAR), \
                         CAST(c.COLUMN_TYPE AS CHAR), CAST(c.NUMERIC_SCALE AS CHAR), CAST(c.COLLATION_NAME AS CHAR), \
                         CAST(t.TABLE_ROWS AS CHAR) \
                         FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
                           ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME \
                         WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'{f} \
                         ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION"
                    ),
                    "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR) FROM information_schema.KEY_COLUMN_USAGE \
                     WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'PRIMARY' \
                     ORDER BY TABLE_NAME, ORDINAL_POSITION"
                        .to_string(),
                )
            }
            Engine::Postgres => {
                values.push(XValue::Text(pg_schema.to_string()));
                let f = filter(&mut values, "c.relname");
                (
                    format!(
                        "SELECT c.relname::text, a.attname::text, ty.typname::text, format_type(a.atttypid, a.atttypmod), \
                         CASE WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod >= 4 THEN ((a.atttypmod - 4) & 65535)::text END, \
                         ty.typtype::text, greatest(c.reltuples, 0)::int8::text \
                         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type ty ON ty.oid = a.atttypid \
                         WHERE n.nspname = \u{0} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
                           AND a.attnum > 0 AND NOT a.attisdropped{f} \
                         ORDER BY c.relname, a.attnum"
                    ),
                    "SELECT c.relname::text, a.attname::text FROM pg_index i \
                     JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                     JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) ON true \
                     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum \
                     WHERE i.indisprimary AND n.nspname = \u{0} ORDER BY c.relname, k.ord"
                        .to_string(),
                )
            }
        };
        let engine = self.engine();
        let col_rows = self.rows(&cols_sql, &values, "reading tables and columns")?;
        let key_values = match engine {
            Engine::MySql => Vec::new(),
            Engine::Postgres => vec![XValue::Text(pg_schema.to_string())],
        };
        let key_rows = self.rows(&keys_sql, &key_values, "reading primary keys")?;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut out: Vec<XTable> = Vec::new();
        for r in &col_rows {
            let (table, column) = (text(&r[0]), text(&r[1]));
            let scale = r[4].as_deref().and_then(|s| s.parse::<u32>().ok());
            let rows = r[6]
                .as_deref()
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0);
            let (kind, shown) = match engine {
                Engine::MySql => (
                    mysql_kind(&text(&r[2]), &text(&r[3]), scale, r[5].as_deref()),
                    text(&r[3]),
                ),
                Engine::Postgres => (pg_kind(&text(&r[2]), &text(&r[5]), scale), text(&r[3])),
            };
            if out.last().map(|t| t.sql != table).unwrap_or(true) {
                out.push(XTable {
                    name: table.to_lowercase(),
                    sql: table.clone(),
                    columns: Vec::new(),
                    pk: Vec::new(),
                    estimated_rows: rows,
                });
            }
            let t = out.last_mut().expect("pushed above");
            t.columns.push(XColumn {
                name: column.to_lowercase(),
                real: column,
                shown_type: shown,
                kind,
            });
        }
        for r in &key_rows {
            let (table, column) = (text(&r[0]), text(&r[1]));
            if let Some(t) = out.iter_mut().find(|t| t.sql == table) {
                t.pk.push(column.to_lowercase());
            }
        }
        for t in &mut out {
            // From here on, `sql` is the table as SQL names it.
            t.sql = match engine {
                Engine::MySql => quote_ident_my(&t.sql),
                Engine::Postgres => crate::catalog::qualified(pg_schema, &t.sql),
            };
        }
        Ok(out)
    }
}

/// One compared column: its form and both sides' columns.
#[derive(Debug, Clone)]
pub(crate) struct Compared {
    pub(crate) name: String,
    pub(crate) form: Form,
    src: XColumn,
    dst: XColumn,
}

/// A table as compared: key columns first (in key order), then the other
/// comparable columns by name.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) name: String,
    src_sql: String,
    dst_sql: String,
    pub(crate) key: Vec<Compared>,
    pub(crate) rest: Vec<Compared>,
    estimated_rows: i64,
}

/// The SQL of one side of a plan.
struct SideSql {
    table: String,
    /// The row's hash (60-bit, non-negative).
    row_hash: String,
    /// What buckets rows by key (`% buckets` is taken of it): the key
    /// itself when it is one integer column (the same number on both
    /// engines, and no md5 to compute), else its canonical text's hash.
    key_hash: String,
    /// Each key column's canonical text.
    key_texts: Vec<String>,
    /// Each compared column's encoded text, key columns first.
    encoded: Vec<String>,
    /// Each key column's (name as spelled, type as shown, form).
    key_cols: Vec<(String, String, Form)>,
}

impl Plan {
    fn side(&self, engine: Engine, src: bool) -> SideSql {
        let col = |c: &Compared| if src { c.src.clone() } else { c.dst.clone() };
        let all: Vec<&Compared> = self.key.iter().chain(&self.rest).collect();
        let encoded: Vec<String> = all
            .iter()
            .map(|c| encoded(engine, &col(c), c.form))
            .collect();
        let concat = |parts: &[String]| match engine {
            Engine::MySql => format!("CONCAT_WS(',', {})", parts.join(", ")),
            Engine::Postgres => format!("concat_ws(',', {})", parts.join(", ")),
        };
        SideSql {
            table: if src {
                self.src_sql.clone()
            } else {
                self.dst_sql.clone()
            },
            row_hash: md5_60(engine, &concat(&encoded)),
            key_hash: match (&self.key[..], engine) {
                ([c], Engine::MySql) if c.form == Form::Int => {
                    format!("t.{}", quote_ident_my(&col(c).real))
                }
                ([c], Engine::Postgres) if c.form == Form::Int => {
                    format!("t.{}::int8", crate::catalog::quote_ident(&col(c).real))
                }
                _ => md5_60(engine, &concat(&encoded[..self.key.len()])),
            },
            key_texts: self
                .key
                .iter()
                .map(|c| canonical(engine, &col(c), c.form))
                .collect(),
            encoded,
            key_cols: self
                .key
                .iter()
                .map(|c| {
                    let x = col(c);
                    (x.real, x.shown_type, c.form)
                })
                .collect(),
        }
    }
}

/// Matches two catalogs: schema differences, columns that cannot be
/// hashed alike, warnings per table, and a plan per comparable table.
pub(crate) struct Mapping {
    pub(crate) differences: Vec<SchemaDifference>,
    pub(crate) uncanonical: Vec<Uncanonical>,
    pub(crate) plans: Vec<(Plan, Vec<String>)>,
    pub(crate) not_compared: Vec<TableReport>,
}

pub(crate) fn map_schemas(src: &[XTable], dst: &[XTable]) -> Mapping {
    let mut m = Mapping {
        differences: Vec::new(),
        uncanonical: Vec::new(),
        plans: Vec::new(),
        not_compared: Vec::new(),
    };
    let not_compared = |name: &str, pk: &[String], why: &str| TableReport {
        table: name.to_string(),
        primary_key: pk.to_vec(),
        warnings: vec![why.to_string()],
        ..TableReport::default()
    };
    for s in src {
        let Some(t) = dst.iter().find(|t| t.name == s.name) else {
            m.differences.push(SchemaDifference {
                object: format!("table {}", s.name),
                source: Some(format!("{} columns", s.columns.len())),
                target: None,
                expected: false,
                note: None,
            });
            m.not_compared
                .push(not_compared(&s.name, &s.pk, "missing in the target"));
            continue;
        };
        let mut warnings = Vec::new();
        let mut padded: Vec<(&str, String)> = Vec::new();
        let mut key = Vec::new();
        let mut rest = Vec::new();
        for sc in &s.columns {
            let object = format!("column {}.{}", s.name, sc.name);
            let Some(tc) = t.column(&sc.name) else {
                m.differences.push(SchemaDifference {
                    object,
                    source: Some(sc.shown_type.clone()),
                    target: None,
                    expected: false,
                    note: None,
                });
                continue;
            };
            match pairing(&sc.kind, &tc.kind) {
                Pairing::Compared {
                    form,
                    note,
                    problem,
                } => {
                    if let Some(p) = problem {
                        m.differences.push(SchemaDifference {
                            object: object.clone(),
                            source: Some(sc.shown_type.clone()),
                            target: Some(tc.shown_type.clone()),
                            expected: false,
                            note: Some(p),
                        });
                    } else if let Some(n) = note {
                        m.differences.push(SchemaDifference {
                            object: object.clone(),
                            source: Some(sc.shown_type.clone()),
                            target: Some(tc.shown_type.clone()),
                            expected: true,
                            note: Some(n),
                        });
                    }
                    let is_key = s.pk.contains(&sc.name);
                    for (side, c) in [("source", sc), ("target", tc)] {
                        if let Kind::Text {
                            case_insensitive,
                            pad_space,
                        } = c.kind
                        {
                            if case_insensitive && is_key {
                                warnings.push(format!(
                                    "key column {} is case-insensitive on the {side}: there 'A' and 'a' are one key; rows are matched by their exact text",
                                    sc.name
                                ));
                            }
                            if pad_space && !padded.contains(&(side, sc.name.clone())) {
                                padded.push((side, sc.name.clone()));
                            }
                        }
                    }
                    let c = Compared {
                        name: sc.name.clone(),
                        form,
                        src: sc.clone(),
                        dst: tc.clone(),
                    };
                    if is_key {
                        key.push(c);
                    } else {
                        rest.push(c);
                    }
                }
                Pairing::NotCanonical(how) => m.uncanonical.push(Uncanonical {
                    table: s.name.clone(),
                    column: sc.name.clone(),
                    source_type: sc.shown_type.clone(),
                    target_type: tc.shown_type.clone(),
                    how,
                }),
                Pairing::Incompatible => m.differences.push(SchemaDifference {
                    object,
                    source: Some(sc.shown_type.clone()),
                    target: Some(tc.shown_type.clone()),
                    expected: false,
                    note: Some("no canonical form holds both: values not compared".into()),
                }),
            }
        }
        for side in ["source", "target"] {
            let cols: Vec<&str> = padded
                .iter()
                .filter(|(s, _)| *s == side)
                .map(|(_, c)| c.as_str())
                .collect();
            if !cols.is_empty() {
                warnings.push(format!(
                    "PAD SPACE collation on the {side} ({}): there 'a' and 'a ' compare equal; values are compared by their exact text, trailing spaces included",
                    cols.join(", ")
                ));
            }
        }
        for tc in t.columns.iter().filter(|c| s.column(&c.name).is_none()) {
            m.differences.push(SchemaDifference {
                object: format!("column {}.{}", s.name, tc.name),
                source: None,
                target: Some(tc.shown_type.clone()),
                expected: false,
                note: None,
            });
        }
        if s.pk.is_empty() || s.pk != t.pk {
            m.differences.push(SchemaDifference {
                object: format!("primary key {}", s.name),
                source: Some(s.pk.join(", ")),
                target: Some(t.pk.join(", ")),
                expected: false,
                note: s.pk.is_empty().then(|| {
                    "a table without a primary key cannot be compared across engines".into()
                }),
            });
            m.not_compared.push(not_compared(
                &s.name,
                &s.pk,
                "primary keys differ or are absent (see schema differences): contents not compared",
            ));
            continue;
        }
        // Key order, as the key declares it.
        key.sort_by_key(|c| s.pk.iter().position(|k| *k == c.name));
        if key.len() != s.pk.len() {
            m.not_compared.push(not_compared(
                &s.name,
                &s.pk,
                "a key column cannot be compared across these types: contents not compared",
            ));
            continue;
        }
        rest.sort_by(|a, b| a.name.cmp(&b.name));
        m.plans.push((
            Plan {
                name: s.name.clone(),
                src_sql: s.sql.clone(),
                dst_sql: t.sql.clone(),
                key,
                rest,
                estimated_rows: s.estimated_rows.max(t.estimated_rows),
            },
            warnings,
        ));
    }
    for t in dst.iter().filter(|t| !src.iter().any(|s| s.name == t.name)) {
        m.differences.push(SchemaDifference {
            object: format!("table {}", t.name),
            source: None,
            target: Some(format!("{} columns", t.columns.len())),
            expected: false,
            note: None,
        });
        m.not_compared
            .push(not_compared(&t.name, &t.pk, "only in the target"));
    }
    m
}

/// Rows per bucket aimed at, and at most this many buckets: a grouped scan
/// of many more groups cost MariaDB more than its hashing (its GROUP BY
/// goes through a temporary table), and a read-back scans the table
/// whatever the number of rows it returns.
const ROWS_PER_BUCKET: i64 = 256;
const MAX_BUCKETS: i64 = 4096;

/// At most this many bucket ids in one read-back: each read-back scans
/// the table, so as many as the placeholders MySQL allows per statement
/// (65,535) comfortably hold.
const MAX_BUCKETS_PER_READ: usize = 50_000;

/// Per bucket: (rows, hash sum as text).
type Buckets = BTreeMap<i64, (i64, String)>;

struct XPair {
    src: XSide,
    dst: XSide,
}

impl XPair {
    /// The same statement (each side in its own dialect) on both servers
    /// at once.
    fn both(
        &mut self,
        sql: impl Fn(Engine, &SideSql) -> String,
        plan: &Plan,
        values: &[XValue],
        context: &str,
    ) -> Result<(TextRows, TextRows), VerifyError> {
        let (se, de) = (self.src.engine(), self.dst.engine());
        let (ssql, dsql) = (
            sql(se, &plan.side(se, true)),
            sql(de, &plan.side(de, false)),
        );
        let XPair { src, dst } = self;
        std::thread::scope(|s| {
            let a = s.spawn(|| src.rows(&ssql, values, context));
            let b = dst.rows(&dsql, values, context);
            let a = a.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            Ok((a?, b?))
        })
    }

    fn buckets(&mut self, plan: &Plan, n: i64) -> Result<(Buckets, Buckets), VerifyError> {
        let (a, b) = self.both(
            |e, s| match e {
                Engine::MySql => format!(
                    "SELECT CAST(MOD({kh}, \u{0}) AS CHAR), CAST(COUNT(*) AS CHAR), CAST(COALESCE(SUM({rh}), 0) AS CHAR) \
                     FROM {tab} t GROUP BY 1",
                    kh = s.key_hash,
                    rh = s.row_hash,
                    tab = s.table
                ),
                Engine::Postgres => format!(
                    "SELECT ({kh} % \u{0})::text, count(*)::text, coalesce(sum({rh}), 0)::text FROM {tab} t GROUP BY 1",
                    kh = s.key_hash,
                    rh = s.row_hash,
                    tab = s.table
                ),
            },
            plan,
            &[XValue::Int(n)],
            &format!("bucket checksums of {}", plan.name),
        )?;
        let parse = |rows: Vec<Vec<Option<String>>>| -> Buckets {
            rows.into_iter()
                .filter_map(|r| {
                    let id = r[0].as_deref()?.parse().ok()?;
                    let count = r[1].as_deref()?.parse().ok()?;
                    Some((id, (count, r[2].clone().unwrap_or_default())))
                })
                .collect()
        };
        Ok((parse(a), parse(b)))
    }

    /// (key texts → row hash) of the rows in `buckets`, on both sides.
    #[allow(clippy::type_complexity)]
    fn read_back(
        &mut self,
        plan: &Plan,
        n: i64,
        buckets: &[i64],
    ) -> Result<(BTreeMap<Vec<String>, String>, BTreeMap<Vec<String>, String>), VerifyError> {
        let (a, b) = self.both(
            |e, s| match e {
                Engine::MySql => format!(
                    "SELECT {keys}, CAST({rh} AS CHAR) FROM {tab} t WHERE MOD({kh}, \u{0}) IN (\u{0})",
                    keys = s.key_texts.join(", "),
                    rh = s.row_hash,
                    kh = s.key_hash,
                    tab = s.table
                ),
                Engine::Postgres => format!(
                    "SELECT {keys}, ({rh})::text FROM {tab} t WHERE ({kh} % \u{0}) = ANY(\u{0})",
                    keys = s.key_texts.join(", "),
                    rh = s.row_hash,
                    kh = s.key_hash,
                    tab = s.table
                ),
            },
            plan,
            &[XValue::Int(n), XValue::Ints(buckets.to_vec())],
            &format!("rows of {}", plan.name),
        )?;
        let k = plan.key.len();
        let map = |rows: Vec<Vec<Option<String>>>| -> BTreeMap<Vec<String>, String> {
            rows.into_iter()
                .map(|r| {
                    (
                        r[..k]
                            .iter()
                            .map(|v| v.clone().unwrap_or_default())
                            .collect(),
                        r[k].clone().unwrap_or_default(),
                    )
                })
                .collect()
        };
        Ok((map(a), map(b)))
    }

    /// The names of the columns whose canonical values differ for `key`.
    fn changed_columns(&mut self, plan: &Plan, key: &[String]) -> Result<Vec<String>, VerifyError> {
        // The key's own columns find the row through the index; the
        // canonical texts then pin it exactly (a case-insensitive MySQL
        // key would also match 'ABC' for 'abc').
        let mut values = Vec::new();
        for k in key {
            values.push(XValue::Text(k.clone()));
            values.push(XValue::Text(k.clone()));
        }
        let (a, b) = self.both(
            |e, s| {
                let conds: Vec<String> = s
                    .key_cols
                    .iter()
                    .zip(&s.key_texts)
                    .map(|((real, ty, form), text)| match e {
                        Engine::MySql => {
                            let v = if *form == Form::Hex {
                                "UNHEX(\u{0})"
                            } else {
                                "\u{0}"
                            };
                            format!("t.{} = {v} AND {text} = \u{0}", quote_ident_my(real))
                        }
                        Engine::Postgres => {
                            let v = if *form == Form::Hex {
                                "decode(\u{0}, 'hex')".to_string()
                            } else {
                                format!("\u{0}::{ty}")
                            };
                            format!(
                                "t.{} = {v} AND {text} = \u{0}",
                                crate::catalog::quote_ident(real)
                            )
                        }
                    })
                    .collect();
                format!(
                    "SELECT {} FROM {} t WHERE {}",
                    s.encoded.join(", "),
                    s.table,
                    conds.join(" AND ")
                )
            },
            plan,
            &values,
            &format!("a changed row of {}", plan.name),
        )?;
        let names: Vec<&str> = plan
            .key
            .iter()
            .chain(&plan.rest)
            .map(|c| c.name.as_str())
            .collect();
        Ok(match (a.first(), b.first()) {
            (Some(x), Some(y)) => names
                .iter()
                .zip(x.iter().zip(y))
                .filter(|(_, (p, q))| p != q)
                .map(|(n, _)| n.to_string())
                .collect(),
            _ => Vec::new(),
        })
    }
}

/// Connects one side: MySQL/MariaDB by its URL scheme, PostgreSQL otherwise.
fn connect(
    side: &'static str,
    conn: &str,
    timeout_ms: u64,
    limit: std::sync::Arc<RateLimit>,
) -> Result<(XSide, String), VerifyError> {
    if crate::mysql_side::is_mysql_url(conn) {
        let end = MyEndpoint::parse(side, conn)?;
        if end.database.is_none() {
            return Err(VerifyError::Options(format!(
                "the {side} URL names no database (mysql://host/DATABASE)"
            )));
        }
        Ok((
            XSide::My(Box::new(MySide::connect(&end, timeout_ms, limit)?)),
            end.shown,
        ))
    } else {
        let end = Endpoint::parse(side, conn)?;
        Ok((
            XSide::Pg(Box::new(Side::connect(&end, timeout_ms, limit)?)),
            end.shown,
        ))
    }
}

/// Compares one table's contents: one grouped scan per side by key-hash
/// bucket, then the rows of differing buckets.
fn compare_table(
    pair: &mut XPair,
    plan: &Plan,
    opts: &Options,
) -> Result<TableReport, VerifyError> {
    let buckets_for = |rows: i64| {
        ((rows / ROWS_PER_BUCKET).max(1) as u64)
            .next_power_of_two()
            .min(opts.cells.min(MAX_BUCKETS) as u64) as i64
    };
    let mut n = buckets_for(plan.estimated_rows);
    let (mut a, mut b) = pair.buckets(plan, n)?;
    // Read-backs scan the table, so they go in batches of about ten
    // leaves; a bucket far above that (statistics were stale) is worth
    // one more grouped scan at the right size.
    let batch_rows = opts.leaf_rows.saturating_mul(10);
    let count = |m: &Buckets| m.values().map(|v| v.0).sum::<i64>();
    let rows = (count(&a), count(&b));
    let differing = |a: &Buckets, b: &Buckets| -> Vec<(i64, i64)> {
        let empty = (0i64, "0".to_string());
        let ids: BTreeSet<i64> = a.keys().chain(b.keys()).copied().collect();
        ids.into_iter()
            .filter_map(|id| {
                let x = a.get(&id).unwrap_or(&empty);
                let y = b.get(&id).unwrap_or(&empty);
                (x != y).then_some((id, x.0.max(y.0)))
            })
            .collect()
    };
    let mut diff = differing(&a, &b);
    let better = buckets_for(rows.0.max(rows.1));
    if better > n && diff.iter().any(|(_, r)| *r > batch_rows) {
        n = better;
        (a, b) = pair.buckets(plan, n)?;
        diff = differing(&a, &b);
    }
    drop((a, b));
    let mut report = TableReport {
        table: plan.name.clone(),
        primary_key: plan.key.iter().map(|c| c.name.clone()).collect(),
        source_rows: rows.0,
        target_rows: rows.1,
        contents_compared: true,
        ..TableReport::default()
    };
    let mut batch: Vec<i64> = Vec::new();
    let mut in_batch = 0i64;
    let flush = |pair: &mut XPair, batch: &mut Vec<i64>, report: &mut TableReport| {
        if batch.is_empty() {
            return Ok::<(), VerifyError>(());
        }
        let (ma, mb) = pair.read_back(plan, n, batch)?;
        batch.clear();
        for (k, ha) in &ma {
            match mb.get(k) {
                None => {
                    report.missing_count += 1;
                    if report.missing_in_target.len() < opts.sample {
                        report.missing_in_target.push(key_display(k));
                    }
                }
                Some(hb) if hb != ha => {
                    report.changed_count += 1;
                    if report.changed.len() < opts.sample {
                        let columns = pair.changed_columns(plan, k)?;
                        report.changed.push(ChangedRow {
                            key: key_display(k),
                            columns,
                        });
                    }
                }
                _ => {}
            }
        }
        for k in mb.keys().filter(|k| !ma.contains_key(*k)) {
            report.extra_count += 1;
            if report.extra_in_target.len() < opts.sample {
                report.extra_in_target.push(key_display(k));
            }
        }
        Ok(())
    };
    for (id, r) in diff {
        if !batch.is_empty() && (in_batch + r > batch_rows || batch.len() >= MAX_BUCKETS_PER_READ) {
            flush(pair, &mut batch, &mut report)?;
            in_batch = 0;
        }
        batch.push(id);
        in_batch += r;
    }
    flush(pair, &mut batch, &mut report)?;
    report.equal =
        report.missing_count + report.extra_count + report.changed_count == 0 && rows.0 == rows.1;
    Ok(report)
}

/// Verifies across engines: `opts.source` and `opts.target` are a MySQL or
/// MariaDB URL and a PostgreSQL connection string (either way round).
pub(crate) fn verify_across(opts: &Options) -> Result<Report, VerifyError> {
    let limits = (
        RateLimit::new(opts.rate_limit),
        RateLimit::new(opts.rate_limit),
    );
    let (src, src_shown) = connect("source", &opts.source, opts.statement_timeout_ms, limits.0)?;
    let (dst, dst_shown) = connect("target", &opts.target, opts.statement_timeout_ms, limits.1)?;
    let mut pair = XPair { src, dst };
    let schema = opts.schema.clone().unwrap_or_else(|| "public".into());
    let versions = (
        format!("{} {}", pair.src.engine_name(), pair.src.version()?),
        format!("{} {}", pair.dst.engine_name(), pair.dst.version()?),
    );
    let ts = pair.src.tables(&opts.tables, &schema)?;
    let td = pair.dst.tables(&opts.tables, &schema)?;
    let mapping = map_schemas(&ts, &td);
    let mut warnings = vec![
        "compared across engines: rows hashed from a canonical text both engines write (md5); sequences and foreign keys not checked".to_string(),
    ];
    if opts.jobs > 1 {
        warnings
            .push("--jobs applies to PostgreSQL pairs only: one connection per server here".into());
    }
    if ts.is_empty() {
        warnings.push(match &opts.tables {
            Some(p) => format!(
                "no table on the source matches {p:?}: nothing was compared, so the run cannot pass as a gate"
            ),
            None => "the source has no tables".into(),
        });
    }
    let mut tables = mapping.not_compared;
    for (plan, table_warnings) in &mapping.plans {
        if opts.estimate {
            tables.push(TableReport {
                table: plan.name.clone(),
                primary_key: plan.key.iter().map(|c| c.name.clone()).collect(),
                rows_estimated: true,
                warnings: vec!["--estimate: contents not compared across engines".into()],
                ..TableReport::default()
            });
            continue;
        }
        let mut rep = compare_table(&mut pair, plan, opts)?;
        if let (Some(secs), false) = (opts.recheck_after, rep.equal) {
            // Across engines nothing finer than the table is kept between
            // passes: the whole table is compared again, and what still
            // differs then is the verdict.
            std::thread::sleep(std::time::Duration::from_secs(secs));
            rep = compare_table(&mut pair, plan, opts)?;
            rep.persisted_after_recheck = Some(!rep.equal);
        }
        rep.warnings.extend(table_warnings.iter().cloned());
        for u in mapping.uncanonical.iter().filter(|u| u.table == plan.name) {
            rep.warnings
                .push(format!("{} not compared: {}", u.column, u.how));
        }
        if let Some(p) = &opts.progress {
            (p.0)(&crate::Progress {
                tables_done: tables.len() + 1,
                tables_total: mapping.plans.len(),
                rows_done: rep.source_rows,
                rows_total: rep.source_rows,
                table: plan.name.clone(),
            });
        }
        tables.push(rep);
    }
    tables.sort_by(|a, b| a.table.cmp(&b.table));
    let matched_nothing = opts.tables.is_some() && ts.is_empty();
    let equal = !matched_nothing
        && !opts.estimate
        && mapping.differences.iter().all(|d| d.expected)
        && tables.iter().all(|r| r.equal);
    Ok(Report {
        source: src_shown,
        target: dst_shown,
        source_version: versions.0,
        target_version: versions.1,
        proof: if opts.estimate {
            Proof::Estimate
        } else {
            Proof::Exact
        },
        row_hash: RowHash::Md5CanonicalText,
        schema_differences: mapping.differences,
        tables,
        sequences: Vec::new(),
        foreign_key_violations: Vec::new(),
        uncanonical: mapping.uncanonical,
        warnings,
        equal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compatibility_table_maps_the_classic_pairs() {
        let my = |dt: &str, ct: &str| mysql_kind(dt, ct, None, None);
        let pg = |t: &str| pg_kind(t, "b", None);
        let form = |p: Pairing| match p {
            Pairing::Compared { form, problem, .. } => Some((form, problem.is_some())),
            _ => None,
        };
        assert_eq!(
            form(pairing(&my("tinyint", "tinyint(1)"), &pg("bool"))),
            Some((Form::Bool, false))
        );
        assert_eq!(
            form(pairing(&my("datetime", "datetime(6)"), &pg("timestamp"))),
            Some((Form::DateTime, false))
        );
        assert_eq!(
            form(pairing(&my("timestamp", "timestamp"), &pg("timestamptz"))),
            Some((Form::DateTime, false))
        );
        // Unsigned ranges: int unsigned does not fit integer, fits bigint.
        assert_eq!(
            form(pairing(&my("int", "int(10) unsigned"), &pg("int4"))),
            Some((Form::Int, true))
        );
        assert_eq!(
            form(pairing(&my("int", "int(10) unsigned"), &pg("int8"))),
            Some((Form::Int, false))
        );
        assert_eq!(
            form(pairing(&my("bigint", "bigint(20) unsigned"), &pg("int8"))),
            Some((Form::Int, true))
        );
        assert_eq!(
            form(pairing(
                &my("bigint", "bigint(20) unsigned"),
                &pg_kind("numeric", "b", Some(0))
            )),
            Some((Form::Decimal, false))
        );
        assert_eq!(
            form(pairing(
                &my("enum", "enum('a','b')"),
                &pg_kind("mood", "e", None)
            )),
            Some((Form::Text, false))
        );
        assert_eq!(
            form(pairing(&my("char", "char(36)"), &pg("uuid"))),
            Some((Form::LowerText, false))
        );
        // Scale 4 → 2 rounds; 2 → 4 does not.
        let dec = |s| Kind::Decimal { scale: Some(s) };
        assert_eq!(form(pairing(&dec(4), &dec(2))), Some((Form::Decimal, true)));
        assert_eq!(
            form(pairing(&dec(2), &dec(4))),
            Some((Form::Decimal, false))
        );
        assert!(matches!(
            pairing(&my("double", "double"), &pg("float8")),
            Pairing::NotCanonical(_)
        ));
        assert!(matches!(
            pairing(&my("json", "json"), &pg("jsonb")),
            Pairing::NotCanonical(_)
        ));
        assert_eq!(
            pairing(&my("date", "date"), &pg("bytea")),
            Pairing::Incompatible
        );
        // Collations: MySQL 8's 0900 and MariaDB's nopad collations compare
        // trailing spaces; the older ones pad.
        let text = |c| mysql_kind("varchar", "varchar(10)", None, Some(c));
        assert_eq!(
            text("utf8mb4_general_ci"),
            Kind::Text {
                case_insensitive: true,
                pad_space: true
            }
        );
        assert_eq!(
            text("utf8mb4_0900_ai_ci"),
            Kind::Text {
                case_insensitive: true,
                pad_space: false
            }
        );
        assert_eq!(
            text("utf8mb4_nopad_bin"),
            Kind::Text {
                case_insensitive: false,
                pad_space: false
            }
        );
    }

    #[test]
    fn values_never_reach_the_sql_text() {
        let col = |name: &str, kind| XColumn {
            name: name.to_lowercase(),
            real: name.to_string(),
            shown_type: "x".into(),
            kind,
        };
        let evil = "a`b\"c'; DROP TABLE x; --";
        let c = col(
            evil,
            Kind::Text {
                case_insensitive: false,
                pad_space: false,
            },
        );
        let my = encoded(Engine::MySql, &c, Form::Text);
        assert!(my.contains("`a``b\"c'; DROP TABLE x; --`"), "{my}");
        let pg = encoded(Engine::Postgres, &c, Form::Text);
        assert!(pg.contains("\"a`b\"\"c'; DROP TABLE x; --\""), "{pg}");
    }
}
