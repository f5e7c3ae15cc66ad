//! What each server holds: tables with their primary keys and columns, and
//! for every column whether the server can hash its values directly (the
//! type has an extended hash function and a deterministic collation) or
//! must hash its text form instead.

use crate::error::VerifyError;
use crate::session::{Params, Side, Statement};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub(crate) name: String,
    /// `format_type` of the column, with its modifier: `character varying(80)`.
    pub(crate) sql_type: String,
    pub(crate) not_null: bool,
    /// Whether `hash_record_extended` can hash the value itself.
    pub(crate) hashable: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) schema: String,
    pub(crate) name: String,
    /// (column, type) of the primary key, in key order.
    pub(crate) pk: Vec<(String, String)>,
    pub(crate) columns: Vec<Column>,
    /// `pg_class.reltuples`: the planner's row estimate (0 when never analysed).
    pub(crate) estimated_rows: i64,
}

impl Table {
    pub(crate) fn qualified(&self) -> String {
        qualified(&self.schema, &self.name)
    }

    pub(crate) fn display(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    /// The key columns as `t."a", t."b"`.
    pub(crate) fn key_cols(&self) -> String {
        self.pk
            .iter()
            .map(|(c, _)| format!("t.{}", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The first `n` key columns as a row value, `(t."a", t."b")`.
    pub(crate) fn key_prefix(&self, n: usize) -> String {
        let cols: Vec<String> = self.pk[..n]
            .iter()
            .map(|(c, _)| format!("t.{}", quote_ident(c)))
            .collect();
        format!("({})", cols.join(", "))
    }

    /// The key as an array of text, the form keys are carried in.
    pub(crate) fn key_text(&self) -> String {
        let parts: Vec<String> = self
            .pk
            .iter()
            .map(|(c, _)| format!("t.{}::text", quote_ident(c)))
            .collect();
        format!("ARRAY[{}]", parts.join(", "))
    }
}

/// The one way an identifier (schema, table, column, sequence) is put
/// into SQL: in double quotes, quotes doubled. Identifiers are the only
/// text from the servers that goes into SQL; values go as parameters.
pub(crate) fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `schema.table`, each part quoted by [`quote_ident`].
pub(crate) fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// The server's version: `server_version_num` (150004) and its text.
pub(crate) fn server_version(side: &mut Side) -> Result<(i32, String), VerifyError> {
    let rows = side.query(
        &Statement::plain(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version')",
        ),
        "reading the server version",
    )?;
    Ok((rows[0].get(0), rows[0].get(1)))
}

/// ` AND <column> LIKE $n::text` for a `--tables` pattern (the pattern is
/// a parameter), or nothing.
pub(crate) fn like(p: &mut Params, pattern: &Option<String>, column: &str) -> String {
    pattern
        .as_ref()
        .map(|pat| format!(" AND {column} LIKE {}", p.text(pat)))
        .unwrap_or_default()
}

/// No backslash in it: its meaning must not depend on the server's
/// `standard_conforming_strings`.
const USER_TABLES: &str = "c.relkind IN ('r', 'p') AND NOT c.relispartition \
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND left(n.nspname, 8) <> 'pg_toast'";

struct TypeInfo {
    kind: String,
    category: String,
    element: i64,
    base: i64,
    has_hash: bool,
}

/// Whether values of type `oid` can go through `hash_record_extended`:
/// a default hash operator class with an extended hash function, through
/// domains and array elements. Ranges and composites are hashed by text.
fn hashable(types: &HashMap<i64, TypeInfo>, oid: i64, depth: u8) -> bool {
    let Some(t) = types.get(&oid) else {
        return false;
    };
    if t.has_hash {
        return true;
    }
    if depth > 8 {
        return false;
    }
    match (t.kind.as_str(), t.category.as_str()) {
        ("d", _) => hashable(types, t.base, depth + 1),
        ("e", _) => true,
        ("b", "A") if t.element != 0 => hashable(types, t.element, depth + 1),
        _ => false,
    }
}

/// Every user table matching `pattern` (a LIKE on `schema.table`), with its
/// key and columns. Partitions are read through their parent. `version` is
/// the server's `server_version_num`.
pub(crate) fn tables(
    side: &mut Side,
    pattern: &Option<String>,
    version: i32,
) -> Result<Vec<Table>, VerifyError> {
    let filtered = |sql: &dyn Fn(&str) -> String| {
        let mut p = Params::default();
        let filter = like(&mut p, pattern, "(n.nspname || '.' || c.relname)");
        p.sql(sql(&filter))
    };
    let rows = side.query(
        &filtered(&|filter| format!(
            "SELECT n.nspname::text, c.relname::text, greatest(c.reltuples, 0)::bigint,
                    coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord)
                              FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, ord), pg_attribute a
                              WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid AND a.attnum = k.attnum), '{{}}'),
                    coalesce((SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord)
                              FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, ord), pg_attribute a
                              WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid AND a.attnum = k.attnum), '{{}}')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_TABLES}{filter}
             ORDER BY 1, 2"
        )),
        "listing tables",
    )?;
    // Nondeterministic collations (PostgreSQL 12+) hash by sort key, which
    // depends on the ICU version: such columns are hashed by their bytes.
    let nondeterministic = if version >= 120_000 {
        "coalesce((SELECT NOT co.collisdeterministic FROM pg_collation co WHERE co.oid = a.attcollation), false)"
    } else {
        "false"
    };
    let cols = side.query(
        &filtered(&|filter| format!(
            "SELECT n.nspname::text, c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
                    a.attnotnull, a.atttypid::int8, {nondeterministic},
                    a.atttypid = 'numeric'::regtype AND a.atttypmod < 0
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE a.attnum > 0 AND NOT a.attisdropped AND {USER_TABLES}{filter}
             ORDER BY 1, 2, a.attnum"
        )),
        "listing columns",
    )?;
    let types = side.query(
        &filtered(&|filter| format!(
            "WITH RECURSIVE used(oid) AS (
                 SELECT DISTINCT a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE a.attnum > 0 AND NOT a.attisdropped AND {USER_TABLES}{filter}
                 UNION
                 SELECT v.x FROM used u JOIN pg_type t ON t.oid = u.oid,
                   LATERAL (VALUES (t.typelem), (t.typbasetype)) v(x) WHERE v.x <> 0)
             SELECT t.oid::int8, t.typtype::text, t.typcategory::text, t.typelem::int8, t.typbasetype::int8,
                    EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
                              JOIN pg_amproc p ON p.amprocfamily = oc.opcfamily AND p.amprocnum = 2
                                AND p.amproclefttype = oc.opcintype
                            WHERE am.amname = 'hash' AND oc.opcdefault AND oc.opcintype = t.oid)
             FROM pg_type t JOIN used u ON u.oid = t.oid"
        )),
        "reading column types",
    )?;
    let types: HashMap<i64, TypeInfo> = types
        .iter()
        .map(|r| {
            (
                r.get(0),
                TypeInfo {
                    kind: r.get(1),
                    category: r.get(2),
                    element: r.get(3),
                    base: r.get(4),
                    has_hash: r.get(5),
                },
            )
        })
        .collect();
    let mut by_table: HashMap<(String, String), Vec<Column>> = HashMap::new();
    for r in &cols {
        let nondeterministic: bool = r.get(6);
        // An unconstrained numeric keeps the scale it was written with, and
        // its hash ignores it (1.0 and 1.00 hash alike): hash its text, so
        // a copy that lost trailing zeros shows up.
        let free_scale: bool = r.get(7);
        by_table
            .entry((r.get(0), r.get(1)))
            .or_default()
            .push(Column {
                name: r.get(2),
                sql_type: r.get(3),
                not_null: r.get(4),
                hashable: !nondeterministic && !free_scale && hashable(&types, r.get(5), 0),
            });
    }
    Ok(rows
        .iter()
        .map(|r| {
            let (schema, name): (String, String) = (r.get(0), r.get(1));
            let key_cols: Vec<String> = r.get(3);
            let key_types: Vec<String> = r.get(4);
            Table {
                columns: by_table
                    .remove(&(schema.clone(), name.clone()))
                    .unwrap_or_default(),
                schema,
                name,
                estimated_rows: r.get(2),
                pk: key_cols.into_iter().zip(key_types).collect(),
            }
        })
        .collect())
}
