//! Checks beyond row contents: every sequence on the target is ahead of
//! the largest value its column holds on the source (what a write cutover
//! needs), and every foreign key holds in the target.

use crate::catalog::{like, qualified, quote_ident};
use crate::error::VerifyError;
use crate::session::{Pair, Params, Statement};
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

/// Sequences owned by a column (serial, identity) of the tables in scope.
pub(crate) fn sequences(
    pair: &mut Pair,
    pattern: &Option<String>,
) -> Result<Vec<SequenceReport>, VerifyError> {
    let mut p = Params::default();
    let filter = like(&mut p, pattern, "(n.nspname || '.' || c.relname)");
    let owned = p.sql(format!(
        "SELECT sn.nspname::text, s.relname::text, n.nspname::text, c.relname::text, a.attname::text
         FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
         WHERE s.relkind = 'S'{filter} ORDER BY 1, 2"
    ));
    let seqs = pair.src.query(&owned, "listing sequences")?;
    let mut out = Vec::new();
    for row in seqs {
        let (seq_schema, seq_name, schema, table, column): (
            String,
            String,
            String,
            String,
            String,
        ) = (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        let shown_column = format!("{schema}.{table}.{column}");
        let max: Option<i64> = pair.src.query(
            &Statement::plain(format!(
                "SELECT max({})::bigint FROM {}",
                quote_ident(&column),
                qualified(&schema, &table)
            )),
            &format!("largest value of {shown_column}"),
        )?[0]
            .get(0);
        // A sequence whose last value was set with is_called = false hands
        // out last_value itself next; otherwise the value after it.
        let mut p = Params::default();
        let (s_schema, s_name) = (p.text(&seq_schema), p.text(&seq_name));
        let next: Option<i64> = pair
            .dst
            .try_query(&p.sql(format!(
                "SELECT CASE WHEN is_called THEN last_value + (SELECT increment_by FROM pg_sequences
                   WHERE schemaname = {s_schema} AND sequencename = {s_name}) ELSE last_value END FROM {seq}",
                seq = qualified(&seq_schema, &seq_name)
            )))
            .and_then(|rows| rows.first().map(|r| r.get(0)));
        let ahead = match (max, next) {
            (None, Some(_)) => true,
            (Some(m), Some(n)) => n > m,
            (_, None) => false,
        };
        out.push(SequenceReport {
            sequence: format!("{seq_schema}.{seq_name}"),
            column: shown_column,
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
    let mut p = Params::default();
    let filter = like(&mut p, pattern, "(n.nspname || '.' || c.relname)");
    let fks = pair.dst.query(
        &p.sql(format!(
            "SELECT co.conname::text, n.nspname::text, c.relname::text, pn.nspname::text, pc.relname::text,
                (SELECT array_agg(attname::text ORDER BY k.o) FROM unnest(co.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = co.conrelid AND attnum = k.n),
                (SELECT array_agg(attname::text ORDER BY k.o) FROM unnest(co.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = co.confrelid AND attnum = k.n)
             FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_class pc ON pc.oid = co.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE co.contype = 'f'{filter} ORDER BY 1, 2, 3"
        )),
        "listing foreign keys",
    )?;
    let mut out = Vec::new();
    for f in fks {
        let name: String = f.get(0);
        let (cs, ct, ps, pt): (String, String, String, String) =
            (f.get(1), f.get(2), f.get(3), f.get(4));
        let (ck, pk): (Vec<String>, Vec<String>) = (f.get(5), f.get(6));
        let not_null = ck
            .iter()
            .map(|c| format!("c.{} IS NOT NULL", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let join = ck
            .iter()
            .zip(&pk)
            .map(|(c, p)| format!("p.{} = c.{}", quote_ident(p), quote_ident(c)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let (child, parent) = (format!("{cs}.{ct}"), format!("{ps}.{pt}"));
        let n: i64 = pair.dst.query(
            &Statement::plain(format!(
                "SELECT count(*) FROM {} c WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {join})",
                qualified(&cs, &ct),
                qualified(&ps, &pt)
            )),
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
