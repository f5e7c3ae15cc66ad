//! The verdict: what was compared, what differs, and the plain-text form a
//! person reads at a gate. JSON is the same structure, serialised.

use crate::checks::SequenceReport;
use crate::content::{ChangedRow, RowHash};
use crate::schema::SchemaDifference;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, Default)]
pub struct TableReport {
    pub table: String,
    pub primary_key: Vec<String>,
    pub source_rows: i64,
    pub target_rows: i64,
    /// Counts come from the planner's statistics (`--estimate`).
    pub rows_estimated: bool,
    /// Whether row contents were compared (not for `--estimate`, nor for
    /// tables whose columns differ or that exist on one side only).
    pub contents_compared: bool,
    /// Up to the sample size of keys, as comma-joined text.
    pub missing_in_target: Vec<String>,
    pub extra_in_target: Vec<String>,
    pub changed: Vec<ChangedRow>,
    pub missing_count: u64,
    pub extra_count: u64,
    pub changed_count: u64,
    pub equal: bool,
    pub warnings: Vec<String>,
    /// After `--recheck-after`, whether the differences were still there.
    pub persisted_after_recheck: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Proof {
    /// Every row of every compared table was hashed on both servers.
    Exact,
    /// Counts from statistics only: a first look, not a proof.
    Estimate,
}

/// A column compared across engines whose values have no canonical text
/// both engines write: left out of the row hash.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Uncanonical {
    pub table: String,
    pub column: String,
    pub source_type: String,
    pub target_type: String,
    /// Why, and what that leaves uncompared.
    pub how: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub source: String,
    pub target: String,
    pub source_version: String,
    pub target_version: String,
    pub proof: Proof,
    pub row_hash: RowHash,
    pub schema_differences: Vec<SchemaDifference>,
    pub tables: Vec<TableReport>,
    pub sequences: Vec<SequenceReport>,
    pub foreign_key_violations: Vec<String>,
    /// Across engines: columns left out of the row hash, with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncanonical: Vec<Uncanonical>,
    pub warnings: Vec<String>,
    /// Exit 0 when true: no real schema difference, every table equal,
    /// every sequence ahead, every foreign key holding.
    pub equal: bool,
}

/// A short text report.
pub fn text(r: &Report) -> String {
    let mut o = format!(
        "rollgate verify: {} ({}) → {} ({})\n",
        r.source, r.source_version, r.target, r.target_version
    );
    if r.proof == Proof::Estimate {
        o.push_str("ESTIMATE ONLY: row counts from statistics, contents not compared; this is not proof of parity\n");
    }
    for w in &r.warnings {
        o.push_str(&format!("warning: {w}\n"));
    }
    for d in &r.schema_differences {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
        o.push_str(&format!(
            "schema{}: {}: {} → {}",
            if d.expected {
                " (expected across major versions)"
            } else {
                ""
            },
            d.object,
            show(&d.source),
            show(&d.target)
        ));
        if let Some(n) = &d.note {
            o.push_str(&format!(" ({n})"));
        }
        o.push('\n');
    }
    for u in &r.uncanonical {
        o.push_str(&format!(
            "not comparable across engines: {}.{} ({} → {}): {}\n",
            u.table, u.column, u.source_type, u.target_type, u.how
        ));
    }
    for t in &r.tables {
        let status = if t.equal {
            "equal"
        } else if t.contents_compared {
            "DIFFERS"
        } else {
            "NOT COMPARED"
        };
        let approx = if t.rows_estimated { "~" } else { "" };
        o.push_str(&format!(
            "{:<40} {status}  rows {approx}{} / {approx}{}",
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
        let listed = t.missing_in_target.len() + t.extra_in_target.len() + t.changed.len();
        let total = t.missing_count + t.extra_count + t.changed_count;
        if total > listed as u64 {
            o.push_str(&format!("  … {} more not listed\n", total - listed as u64));
        }
        for w in &t.warnings {
            o.push_str(&format!("  warning: {w}\n"));
        }
    }
    for s in r.sequences.iter().filter(|s| !s.ahead) {
        let next = s
            .target_next
            .map(|n| format!("hands out {n} next"))
            .unwrap_or_else(|| "is missing in the target".into());
        let max = s
            .source_max
            .map(|m| m.to_string())
            .unwrap_or_else(|| "none".into());
        o.push_str(&format!(
            "sequence {} {next}; largest {} in the source is {max}\n",
            s.sequence, s.column
        ));
    }
    for f in &r.foreign_key_violations {
        o.push_str(&format!("foreign key: {f}\n"));
    }
    o.push_str(if r.equal { "EQUAL\n" } else { "DIFFERENT\n" });
    o
}
