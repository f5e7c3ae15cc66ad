//! `rollgate verify` as a gate metric: the number of differences between
//! two databases (real schema differences, differing tables, sequences
//! behind, foreign-key violations). Zero means equal; a gate criterion
//! `== 0` makes parity a condition of the transition.

use std::time::Duration;

use crate::secret::Secret;
use crate::{MetricSource, Sample};

pub(crate) struct Verify {
    pub source: Secret,
    pub target: Secret,
    pub tables: Option<String>,
    pub schema: Option<String>,
    pub timeout: Duration,
}

impl MetricSource for Verify {
    fn describe(&self) -> String {
        format!(
            "rollgate verify {} → {}{}",
            self.source.from(),
            self.target.from(),
            self.tables
                .as_deref()
                .map(|t| format!(" (tables {t})"))
                .unwrap_or_default()
        )
    }

    fn sample(&self) -> Sample {
        let opts = rollgate_verify::Options {
            source: self.source.expose().to_string(),
            target: self.target.expose().to_string(),
            tables: self.tables.clone(),
            schema: self.schema.clone(),
            statement_timeout_ms: self.timeout.as_millis().clamp(1, u64::MAX as u128) as u64,
            // A gate expects equal tables: one plain scan per table settles
            // those (see bench/verify.sh, "--expect-equal").
            expect_equal: true,
            ..Default::default()
        };
        match rollgate_verify::verify(&opts) {
            Ok(r) => {
                let differences = r.schema_differences.iter().filter(|d| !d.expected).count()
                    + r.tables.iter().filter(|t| !t.equal).count()
                    + r.sequences.iter().filter(|s| !s.ahead).count()
                    + r.foreign_key_violations.len();
                Sample::of(
                    differences as f64,
                    format!(
                        "{} tables compared, {differences} differences",
                        r.tables.len()
                    ),
                )
            }
            // The verifier's errors never print connection strings; the
            // scrub is a second line of defence.
            Err(e) => Sample::none(
                self.target
                    .scrub(&self.source.scrub(&format!("verify failed: {e}"))),
            ),
        }
    }
}
