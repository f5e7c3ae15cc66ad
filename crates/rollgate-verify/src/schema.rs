//! Schema comparison: tables, columns (type, nullability), primary keys,
//! indexes, unique, check and foreign-key constraints, sequences and
//! extensions. Each difference says whether it is expected when the two
//! servers run different major versions, or is a real difference.

use crate::catalog::{like, Table};
use crate::error::VerifyError;
use crate::session::{Pair, Params, Statement};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SchemaDifference {
    /// What differs: `column public.orders.total`, `index public.orders_idx`.
    pub object: String,
    /// Its definition on the source; None when it only exists on the target.
    pub source: Option<String>,
    /// Its definition on the target; None when it only exists on the source.
    pub target: Option<String>,
    /// True when the difference comes with a major-version upgrade and does
    /// not mean the data differs.
    pub expected: bool,
    pub note: Option<String>,
}

impl SchemaDifference {
    fn real(object: String, source: Option<String>, target: Option<String>) -> Self {
        Self {
            object,
            source,
            target,
            expected: false,
            note: None,
        }
    }
}

/// Tables, columns and keys, from the catalog listings of both sides.
pub(crate) fn tables_diff(ts: &[Table], td: &[Table]) -> Vec<SchemaDifference> {
    let mut out = Vec::new();
    let target: BTreeMap<String, &Table> = td.iter().map(|t| (t.display(), t)).collect();
    for s in ts {
        let Some(d) = target.get(&s.display()) else {
            out.push(SchemaDifference::real(
                format!("table {}", s.display()),
                Some(format!("{} columns", s.columns.len())),
                None,
            ));
            continue;
        };
        for c in &s.columns {
            let object = format!("column {}.{}", s.display(), c.name);
            let def = |c: &crate::catalog::Column| {
                format!(
                    "{}{}",
                    c.sql_type,
                    if c.not_null { " not null" } else { "" }
                )
            };
            match d.columns.iter().find(|x| x.name == c.name) {
                None => out.push(SchemaDifference::real(object, Some(def(c)), None)),
                Some(x) if def(x) != def(c) => {
                    out.push(SchemaDifference::real(object, Some(def(c)), Some(def(x))))
                }
                _ => {}
            }
        }
        for x in d
            .columns
            .iter()
            .filter(|x| !s.columns.iter().any(|c| c.name == x.name))
        {
            out.push(SchemaDifference::real(
                format!("column {}.{}", s.display(), x.name),
                None,
                Some(format!(
                    "{}{}",
                    x.sql_type,
                    if x.not_null { " not null" } else { "" }
                )),
            ));
        }
        if s.pk != d.pk {
            let show = |t: &Table| {
                if t.pk.is_empty() {
                    "none".to_string()
                } else {
                    t.pk.iter()
                        .map(|(c, _)| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            out.push(SchemaDifference::real(
                format!("primary key of {}", s.display()),
                Some(show(s)),
                Some(show(d)),
            ));
        }
    }
    for d in td
        .iter()
        .filter(|d| !ts.iter().any(|s| s.display() == d.display()))
    {
        out.push(SchemaDifference::real(
            format!("table {}", d.display()),
            None,
            Some(format!("{} columns", d.columns.len())),
        ));
    }
    out
}

/// An extension at different versions: expected when the servers run
/// different major versions (the new server ships its own), something to
/// bring level otherwise.
fn extension_version(
    name: &str,
    source: &str,
    target: &str,
    majors: (i32, i32),
) -> SchemaDifference {
    let upgrade = majors.0 / 10_000 != majors.1 / 10_000;
    SchemaDifference {
        object: format!("extension {name}"),
        source: Some(source.to_string()),
        target: Some(target.to_string()),
        expected: upgrade,
        note: Some(if upgrade {
            format!("the new server ships {name} {target}; read the extension's upgrade notes for behaviour changes")
        } else {
            format!("same major version: bring them level with ALTER EXTENSION {name} UPDATE")
        }),
    }
}

/// Indexes, constraints, sequences and extensions on one or both sides.
pub(crate) fn objects_diff(
    pair: &mut Pair,
    pattern: &Option<String>,
    majors: (i32, i32),
) -> Result<Vec<SchemaDifference>, VerifyError> {
    // Index names are dropped from the definition so that an index renamed
    // by a tool is compared by what it indexes; the name stays the key.
    // The regular expression is a parameter: as a literal, its backslashes
    // meant something else under standard_conforming_strings = off.
    let mut p = Params::default();
    let (pattern_re, replacement) = (
        p.text(r"^CREATE (UNIQUE )?INDEX \S+ "),
        p.text(r"CREATE \1INDEX "),
    );
    let filter = like(&mut p, pattern, "(schemaname || '.' || tablename)");
    let idx = p.sql(format!(
        "SELECT 'index ' || schemaname || '.' || indexname,
                regexp_replace(indexdef, {pattern_re}, {replacement})
         FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema'){filter}"
    ));
    let mut p = Params::default();
    let filter = like(&mut p, pattern, "(n.nspname || '.' || c.relname)");
    let cons = p.sql(format!(
        "SELECT 'constraint ' || co.conname || ' on ' || n.nspname || '.' || c.relname, pg_get_constraintdef(co.oid)
         FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND co.contype IN ('p', 'u', 'f', 'c', 'x'){filter}"
    ));
    let seqs = Statement::plain(
        "SELECT 'sequence ' || schemaname || '.' || sequencename, data_type::text || ' increment ' || increment_by
         FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    );
    let mut out = Vec::new();
    for (sql, what) in [(idx, "indexes"), (cons, "constraints"), (seqs, "sequences")] {
        let (a, b) = pair.same(&sql, &format!("listing {what}"))?;
        let la: BTreeMap<String, String> = a.iter().map(|r| (r.get(0), r.get(1))).collect();
        let lb: BTreeMap<String, String> = b.iter().map(|r| (r.get(0), r.get(1))).collect();
        for (k, v) in &la {
            match lb.get(k) {
                None => out.push(SchemaDifference::real(k.clone(), Some(v.clone()), None)),
                Some(w) if w != v => out.push(SchemaDifference::real(
                    k.clone(),
                    Some(v.clone()),
                    Some(w.clone()),
                )),
                _ => {}
            }
        }
        for (k, w) in lb.iter().filter(|(k, _)| !la.contains_key(*k)) {
            out.push(SchemaDifference::real(k.clone(), None, Some(w.clone())));
        }
    }
    let ext = Statement::plain("SELECT extname::text, extversion FROM pg_extension");
    let (a, b) = pair.same(&ext, "listing extensions")?;
    let ea: BTreeMap<String, String> = a.iter().map(|r| (r.get(0), r.get(1))).collect();
    let eb: BTreeMap<String, String> = b.iter().map(|r| (r.get(0), r.get(1))).collect();
    for (name, ver) in &ea {
        match eb.get(name) {
            None => out.push(SchemaDifference::real(
                format!("extension {name}"),
                Some(ver.clone()),
                None,
            )),
            Some(v) if v != ver => out.push(extension_version(name, ver, v, majors)),
            _ => {}
        }
    }
    for (name, ver) in eb.iter().filter(|(n, _)| !ea.contains_key(*n)) {
        out.push(SchemaDifference::real(
            format!("extension {name}"),
            None,
            Some(ver.clone()),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_versions_are_expected_to_move_only_with_the_major_version() {
        let across = extension_version("postgis", "3.1.4", "3.4.2", (140_009, 160_003));
        assert!(across.expected);
        assert!(across.note.unwrap().contains("upgrade notes"));
        let same = extension_version("pg_trgm", "1.5", "1.6", (150_004, 150_010));
        assert!(!same.expected);
        assert!(same
            .note
            .unwrap()
            .contains("ALTER EXTENSION pg_trgm UPDATE"));
    }
}
