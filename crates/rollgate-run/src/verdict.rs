//! Three-valued verdicts. A sample passes or fails against a threshold, or
//! is inconclusive; a check's verdict over a phase counts them the way an
//! analysis run does (samples needed, failures and inconclusives tolerated).
//! Inconclusive is never read as pass.

use crate::event::Verdict;

/// How one metric is judged: how often it is sampled and how many samples
/// of each kind a verdict needs or tolerates.
#[derive(Debug, Clone, PartialEq)]
pub struct Judging {
    pub interval_seconds: u64,
    /// Samples needed in the phase before the check can pass.
    pub count: u32,
    /// Failing samples tolerated; one more fails the check.
    pub failure_limit: u32,
    /// Samples without data tolerated; one more makes it inconclusive.
    pub inconclusive_limit: u32,
    /// A value within this distance of the threshold proves nothing.
    pub noise: f64,
    /// Seconds after a phase is entered before its first sample: a switch
    /// change takes a while to show in a metric.
    pub delay_seconds: u64,
}

impl Default for Judging {
    fn default() -> Self {
        Self {
            interval_seconds: 60,
            count: 5,
            failure_limit: 0,
            inconclusive_limit: 1,
            noise: 0.0,
            delay_seconds: 60,
        }
    }
}

/// Does `value op threshold` hold?
pub fn holds(value: f64, op: &str, threshold: f64) -> Option<bool> {
    let eps = 1e-9 * threshold.abs().max(1.0);
    Some(match op {
        "<=" => value <= threshold + eps,
        "<" => value < threshold,
        ">=" => value >= threshold - eps,
        ">" => value > threshold,
        "==" => (value - threshold).abs() <= eps,
        _ => return None,
    })
}

/// One sample against a gate criterion: the criterion states what must
/// hold for the gate to pass.
pub fn judge_sample(value: Option<f64>, op: &str, threshold: f64, noise: f64) -> (Verdict, String) {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return (Verdict::Inconclusive, "no data".into());
    };
    if noise > 0.0 && (v - threshold).abs() <= noise {
        return (
            Verdict::Inconclusive,
            format!("{v} is within the noise ({noise}) of the threshold {threshold}"),
        );
    }
    match holds(v, op, threshold) {
        Some(true) => (Verdict::Pass, format!("{v} {op} {threshold}")),
        Some(false) => (Verdict::Fail, format!("{v} is not {op} {threshold}")),
        None => (
            Verdict::Inconclusive,
            format!("the plan's comparison {op:?} is unknown to the runner"),
        ),
    }
}

/// One sample against an alert trigger: the trigger states when to act.
pub fn judge_alert_sample(value: Option<f64>, op: &str, threshold: f64) -> (Verdict, String) {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return (Verdict::Inconclusive, "no data".into());
    };
    match holds(v, op, threshold) {
        Some(true) => (
            Verdict::Fail,
            format!("{v} {op} {threshold}: the alert fires"),
        ),
        Some(false) => (Verdict::Pass, format!("{v}: below the alert")),
        None => (Verdict::Inconclusive, format!("unknown comparison {op:?}")),
    }
}

/// A check's verdict over the samples of the phase so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub reason: String,
    pub samples: usize,
    pub failing: usize,
    pub inconclusive: usize,
}

pub fn judge(samples: &[Verdict], j: &Judging) -> Judgement {
    let failing = samples.iter().filter(|v| **v == Verdict::Fail).count();
    let inconclusive = samples
        .iter()
        .filter(|v| **v == Verdict::Inconclusive)
        .count();
    let (verdict, reason) = if failing > j.failure_limit as usize {
        (
            Verdict::Fail,
            format!(
                "{failing} failing samples, more than the {} tolerated",
                j.failure_limit
            ),
        )
    } else if inconclusive > j.inconclusive_limit as usize {
        (
            Verdict::Inconclusive,
            format!(
                "{inconclusive} samples without a usable value, more than the {} tolerated",
                j.inconclusive_limit
            ),
        )
    } else if samples.len() < j.count.max(1) as usize {
        // No sample at all never passes, whatever count was configured.
        (
            Verdict::Inconclusive,
            format!(
                "{} of the {} samples needed so far",
                samples.len(),
                j.count.max(1)
            ),
        )
    } else {
        (
            Verdict::Pass,
            format!(
                "{} samples, {failing} failing, {inconclusive} without data",
                samples.len()
            ),
        )
    };
    Judgement {
        verdict,
        reason,
        samples: samples.len(),
        failing,
        inconclusive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::*;

    fn j(count: u32, failure_limit: u32, inconclusive_limit: u32) -> Judging {
        Judging {
            interval_seconds: 60,
            count,
            failure_limit,
            inconclusive_limit,
            noise: 0.0,
            delay_seconds: 0,
        }
    }

    #[test]
    fn a_sample_is_judged_by_the_criterion_and_missing_data_is_never_a_pass() {
        assert_eq!(judge_sample(Some(0.05), "<=", 0.1, 0.0).0, Pass);
        assert_eq!(judge_sample(Some(0.2), "<=", 0.1, 0.0).0, Fail);
        assert_eq!(judge_sample(Some(0.1), "<=", 0.1, 0.0).0, Pass);
        assert_eq!(judge_sample(Some(5.0), "<", 5.0, 0.0).0, Fail);
        assert_eq!(judge_sample(Some(0.0), "==", 0.0, 0.0).0, Pass);
        assert_eq!(judge_sample(None, "<=", 0.1, 0.0).0, Inconclusive);
        assert_eq!(judge_sample(Some(f64::NAN), "<=", 0.1, 0.0).0, Inconclusive);
        assert_eq!(judge_sample(Some(0.11), "<=", 0.1, 0.02).0, Inconclusive);
        assert_eq!(judge_sample(Some(1.0), "~", 0.1, 0.0).0, Inconclusive);
    }

    #[test]
    fn an_alert_sample_fails_when_its_trigger_holds() {
        assert_eq!(judge_alert_sample(Some(0.5), ">", 0.1).0, Fail);
        assert_eq!(judge_alert_sample(Some(0.05), ">", 0.1).0, Pass);
        assert_eq!(judge_alert_sample(None, ">", 0.1).0, Inconclusive);
    }

    #[test]
    fn a_check_needs_its_count_and_respects_its_limits() {
        assert_eq!(judge(&[Pass, Pass], &j(3, 0, 0)).verdict, Inconclusive);
        assert_eq!(judge(&[Pass, Pass, Pass], &j(3, 0, 0)).verdict, Pass);
        assert_eq!(judge(&[Pass, Fail, Pass], &j(3, 0, 0)).verdict, Fail);
        assert_eq!(judge(&[Pass, Fail, Pass], &j(3, 1, 0)).verdict, Pass);
        assert_eq!(
            judge(&[Pass, Inconclusive, Pass], &j(3, 0, 0)).verdict,
            Inconclusive
        );
        assert_eq!(
            judge(&[Pass, Inconclusive, Pass, Pass], &j(3, 0, 1)).verdict,
            Pass
        );
        // A failure outweighs missing data: the switch acts on what it saw.
        assert_eq!(
            judge(&[Fail, Inconclusive, Inconclusive], &j(3, 0, 0)).verdict,
            Fail
        );
        assert_eq!(judge(&[], &j(0, 0, 0)).verdict, Inconclusive);
    }
}
