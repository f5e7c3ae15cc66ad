//! Checks beyond row contents: every sequence on the target is ahead of
//! the largest value its column holds on the source (what a write cutover
//! needs), and every foreign key holds in the target.

use crate::catalog::quote_literal;
use crate::error::VerifyError;
use crate::session::Pair;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct SequenceReport {
    pub sequence: String,
    pub column: String,
    /// The largest value of the column on the source.
    pub source_max: Option<i64>,
    /// The value the target's sequence hands out next, if it exists there.
    pub target_next: Option<i64>,
    pub ahead: bool,
}

fn like(pattern: &Option<String>, col: &str) -> String {
    pattern
        .as_ref()
        .map(|p| format!(" AND {col} LIKE {}", quote_literal(p)))
        .unwrap_or_default()
}

/// Sequences owned by a column (serial, identity) of the tables in scope.
pub(crate) fn sequences(
    pair: &mut Pair,
    pattern: &Option<String>,
) -> Result<Vec<SequenceReport>, VerifyError> {
    let owned = format!(
        "SELECT sn.nspname::text, s.relname::text, quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(a.attname)
         FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
         WHERE s.relkind = 'S'{} ORDER BY 1",
        like(pattern, "(n.nspname || '.' || c.relname)")
    );
    let seqs = pair.src.query(&owned, "listing sequences")?;
    let mut out = Vec::new();
    for row in seqs {
        let (seq_schema, seq_name, table, column): (String, String, String, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let seq = format!(
            "{}.{}",
            crate::catalog::quote_ident(&seq_schema),
            crate::catalog::quote_ident(&seq_name)
        );
        let max: Option<i64> = pair.src.query(
            &format!("SELECT max({column})::bigint FROM {table}"),
            &format!("largest value of {table}.{column}"),
        )?[0]
            .get(0);
        // A sequence whose last value was set with is_called = false hands
        // out last_value itself next; otherwise the value after it.
        let next: Option<i64> = pair
            .dst
            .try_query(&format!(
                "SELECT CASE WHEN is_called THEN last_value + (SELECT increment_by FROM pg_sequences
                   WHERE schemaname = {} AND sequencename = {}) ELSE last_value END FROM {seq}",
                quote_literal(&seq_schema),
                quote_literal(&seq_name)
            ))
            .and_then(|rows| rows.first().map(|r| r.get(0)));
        let ahead = match (max, next) {
            (None, Some(_)) => true,
            (Some(m), Some(n)) => n > m,
            (_, None) => false,
        };
        out.push(SequenceReport {
            sequence: format!("{seq_schema}.{seq_name}"),
            column: format!("{table}.{column}"),
            source_max: max,
            target_next: next,
            ahead,
        });
    }
    Ok(out)
}

/// Foreign keys on the target whose child rows lack a parent.
pub(crate) fn foreign_keys(
    pair: &mut Pair,
    pattern: &Option<String>,
) -> Result<Vec<String>, VerifyError> {
    let fks = pair.dst.query(
        &format!(
            "SELECT co.conname::text, co.conrelid::regclass::text, co.confrelid::regclass::text,
                (SELECT array_agg(quote_ident(attname) ORDER BY k.o) FROM unnest(co.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = co.conrelid AND attnum = k.n),
                (SELECT array_agg(quote_ident(attname) ORDER BY k.o) FROM unnest(co.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = co.confrelid AND attnum = k.n)
             FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE co.contype = 'f'{} ORDER BY 1",
            like(pattern, "(n.nspname || '.' || c.relname)")
        ),
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
        let n: i64 = pair.dst.query(
            &format!("SELECT count(*) FROM {child} c WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {join})"),
            &format!("checking foreign key {name}"),
        )?[0]
            .get(0);
        if n > 0 {
            out.push(format!(
                "{name} on {child}: {n} row(s) without a parent in {parent}"
            ));
        }
    }
    Ok(out)
}
