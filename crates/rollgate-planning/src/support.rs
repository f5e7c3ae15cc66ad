//! Support windows: when the source's and the target's release lines leave
//! support, measured against this plan's own dates (its start, the phase
//! that moves writes, its end), from the dated data in release-lines.toml.
//! Only the source and target of the migration are judged: a technology the
//! input merely mentions, or names as an integration, is someone else's
//! upgrade.

use crate::ctx::{because, cite};
use crate::model::{OpenQuestion, SupportNote};
use jiff::civil::Date;
use jiff::ToSpan;
use rollgate_intake::{Facts, SystemFacts};
use rollgate_knowledge::{Knowledge, ReleaseLine};

/// How far past the plan's end a target's end of support still counts as
/// "soon": about the time a team needs to schedule, rehearse and run the
/// next upgrade of the same kind, so a shorter window means planning it now.
const TARGET_HORIZON_MONTHS: i32 = 18;

/// The plan's dates the support windows are measured against.
#[derive(Debug, Clone)]
pub struct Milestones {
    pub start: Date,
    /// The phase that puts writes on the new system, and the day it ends.
    pub cutover_phase: String,
    pub cutover_done: Date,
    pub end: Date,
}

/// What the support windows add to a plan.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub notes: Vec<SupportNote>,
    pub warnings: Vec<String>,
    pub assumptions: Vec<String>,
    pub open_questions: Vec<OpenQuestion>,
}

/// One side's release line, with the words and citations that name it.
struct Matched<'a> {
    line: &'a ReleaseLine,
    /// "PostgreSQL 14", or "PostgreSQL 14 on Amazon RDS".
    name: String,
    /// The engine's name alone ("PostgreSQL"), to name another line.
    product: String,
    /// "community support" or "Amazon RDS standard support".
    support: String,
    cites: Vec<String>,
}

impl Matched<'_> {
    /// Where the dates come from, in the sentence that uses them.
    fn data(&self) -> String {
        format!(
            "[{}: {}, as of {}]",
            self.line.id(),
            self.line.source,
            self.line.as_of
        )
    }

    fn note(&self, side: &str, status: &str, text: String, extra: Vec<String>) -> SupportNote {
        let mut facts = self.cites.clone();
        facts.extend(extra);
        SupportNote {
            side: side.into(),
            name: self.name.clone(),
            technology: self.line.technology.clone(),
            line: self.line.line.clone(),
            calendar: self.line.hosting.clone(),
            support_ends: self.line.support_ends.to_string(),
            extended_support_ends: self.line.extended_support_ends.map(|d| d.to_string()),
            status: status.into(),
            text,
            because: because(&self.line.id(), facts),
        }
    }
}

/// The support findings for these facts and plan dates. Pure.
pub fn assess(facts: &Facts, k: &Knowledge, m: &Milestones) -> Findings {
    let mut out = Findings::default();
    if let Some(src) = matched(&facts.source, k) {
        judge_source(&src, facts, m, &mut out);
    }
    if let Some(dst) = matched(&facts.target, k) {
        judge_target(&dst, k, m, &mut out);
    } else {
        judge_unknown_target_line(facts, k, m, &mut out);
    }
    out
}

/// A target line the data has no dates for, when a later line of the same
/// technology already leaves support before the plan ends: the target
/// most likely has too, and the plan says so instead of staying silent.
fn judge_unknown_target_line(facts: &Facts, k: &Knowledge, m: &Milestones, out: &mut Findings) {
    let (Some(tech), Some(version)) = (&facts.target.technology, &facts.target.version) else {
        return;
    };
    let Some(entry) = k.catalog.get(&tech.value.id) else {
        return;
    };
    let engine = k.catalog.engine_of(entry);
    let Some(later) = k.release_lines.nearest_later(&engine.id, &version.value) else {
        return;
    };
    if later.support_ends.earliest() >= m.end {
        return;
    }
    let line = k
        .release_lines
        .line_name(&engine.id, &version.value)
        .unwrap_or_else(|| version.value.clone());
    let when = if later.support_ends.latest() < m.start {
        format!(
            "left community support on {}, before this plan starts",
            later.support_ends
        )
    } else {
        format!(
            "leaves community support on {}, before this plan ends ({})",
            later.support_ends, m.end
        )
    };
    out.warnings.push(format!(
        "rollgate has no support dates for the target {} {line} ({}); the next line it knows, {}, {when}, so {line} most likely has left or leaves it sooner: check the target's support before choosing it (data as of {}).",
        engine.name,
        cite(version),
        later.line,
        later.as_of
    ));
}

/// The release line one side runs, on its managed service's calendar when
/// the data has one for it, otherwise the project's.
fn matched<'a>(side: &SystemFacts, k: &'a Knowledge) -> Option<Matched<'a>> {
    let tech = side.technology.as_ref()?;
    let version = side.version.as_ref()?;
    let entry = k.catalog.get(&tech.value.id)?;
    let engine = k.catalog.engine_of(entry);
    // A managed service named as the technology (Aurora PostgreSQL) is a
    // calendar too, as is every hosting the input names for this side.
    let self_hosting = (engine.id != entry.id).then(|| (entry.id.clone(), cite(tech)));
    let hostings = self_hosting
        .into_iter()
        .chain(side.hosting.iter().map(|h| (h.value.id.clone(), cite(h))));
    let managed = hostings.into_iter().find_map(|(h, c)| {
        k.release_lines
            .find(&engine.id, Some(&h), &version.value)
            .map(|l| (l, Some(c)))
    });
    let (line, hosting_cite) = managed.or_else(|| {
        Some((
            k.release_lines.find(&engine.id, None, &version.value)?,
            None,
        ))
    })?;
    let hosting_name = line
        .hosting
        .as_deref()
        .map(|h| k.catalog.get(h).map_or(h.to_string(), |t| t.name.clone()));
    let mut cites = vec![cite(tech), cite(version)];
    cites.extend(hosting_cite);
    // Technology and version are often read from the same words.
    cites.dedup();
    Some(Matched {
        line,
        name: match &hosting_name {
            Some(h) => format!("{} {} on {h}", engine.name, line.line),
            None => format!("{} {}", engine.name, line.line),
        },
        product: engine.name.clone(),
        support: match &hosting_name {
            Some(h) => format!("{h} standard support"),
            None => "community support".into(),
        },
        cites,
    })
}

fn judge_source(src: &Matched<'_>, facts: &Facts, m: &Milestones, out: &mut Findings) {
    let ends = src.line.support_ends;
    let cutover = format!("\"{}\" completes {}", m.cutover_phase, m.cutover_done);
    let plan_fact = format!("plan: {cutover}; starts {}", m.start);
    if ends.latest() < m.start {
        let text = format!(
            "The source, {}, left {} on {}, before this plan starts ({}): it runs unsupported today, so the migration is urgent.{} {}",
            src.name,
            src.support,
            ends,
            m.start,
            extended_words(src.line, m.start),
            src.data()
        );
        out.warnings.push(text.clone());
        out.notes
            .push(src.note("source", "out-of-support", text, vec![plan_fact]));
    } else if ends.earliest() <= m.cutover_done {
        let days = (m.cutover_done - ends.earliest()).get_days();
        let text = format!(
            "The source, {}, leaves {} on {}, before {}: the schedule runs {days} days past the end of support.{} {}",
            src.name,
            src.support,
            ends,
            cutover,
            extended_words(src.line, ends.earliest()),
            src.data()
        );
        out.warnings.push(text.clone());
        let deadline_fact = match &facts.schedule.deadline {
            Some(d) => cite(d),
            None => "no deadline stated".into(),
        };
        out.notes.push(src.note(
            "source",
            "ends-before-cutover",
            text,
            vec![plan_fact, deadline_fact],
        ));
        if facts.schedule.deadline.is_none() {
            out.open_questions.push(OpenQuestion {
                question: format!("Is {}'s end of support on {} your deadline?", src.name, ends),
                assumed: format!(
                    "no: the plan keeps its own pace and {cutover}; if it is, state it as the deadline and plan again"
                ),
                about: format!("source.version ({})", src.line.id()),
            });
        }
    } else {
        let days = (ends.earliest() - m.cutover_done).get_days();
        let text = format!(
            "The source, {}, stays in {} until {}, {days} days after {}. {}",
            src.name,
            src.support,
            ends,
            cutover,
            src.data()
        );
        out.assumptions.push(text.clone());
        out.notes
            .push(src.note("source", "ends-after-cutover", text, vec![plan_fact]));
    }
}

/// Extended support, named only for a managed service's calendar (the
/// input named the service), as an option that costs money, never as the
/// plan.
fn extended_words(line: &ReleaseLine, from: Date) -> String {
    match (&line.hosting, line.extended_support_ends) {
        (Some(_), Some(x)) if x.latest() >= from => format!(
            " Paid extended support runs until {x}: it buys time at a price, and is no reason to slow down."
        ),
        (Some(_), Some(x)) => format!(" Paid extended support ended on {x} too."),
        _ => String::new(),
    }
}

fn judge_target(dst: &Matched<'_>, k: &Knowledge, m: &Milestones, out: &mut Findings) {
    let ends = dst.line.support_ends;
    let horizon = m
        .end
        .checked_add(TARGET_HORIZON_MONTHS.months())
        .unwrap_or(m.end);
    let plan_fact = format!("plan: ends {}", m.end);
    if ends.earliest() > horizon {
        let text = format!(
            "The target, {}, stays in {} until {}, more than {TARGET_HORIZON_MONTHS} months after the plan ends ({}). {}",
            dst.name, dst.support, ends, m.end, dst.data()
        );
        out.notes
            .push(dst.note("target", "supported-beyond-horizon", text, vec![plan_fact]));
        return;
    }
    let out_already = ends.latest() < m.start;
    let when = if out_already {
        format!(
            "already left {} on {}, before this plan starts: the migration lands on an unsupported line, and the next upgrade is due at once",
            dst.support, ends
        )
    } else {
        let days = (ends.earliest() - m.end).get_days();
        let relative = if days >= 0 {
            format!("{days} days after the plan ends ({})", m.end)
        } else {
            format!("{} days before the plan ends ({})", -days, m.end)
        };
        format!(
            "leaves {} on {}, {relative}: the team will face the next upgrade soon after this one",
            dst.support, ends
        )
    };
    // Prefer a line that outlasts the horizon; failing that, any newer line
    // still supported when the plan ends.
    let later = k
        .release_lines
        .next_supported(dst.line, horizon)
        .or_else(|| k.release_lines.next_supported(dst.line, m.end));
    let next = match later {
        Some(n) => format!(
            " A later line in rollgate's data, {} {} (supported until {}), is an option to weigh; the input did not ask for it.",
            dst.product, n.line, n.support_ends
        ),
        None => String::new(),
    };
    let text = format!("The target, {}, {when}.{next} {}", dst.name, dst.data());
    let status = if out_already {
        "out-of-support"
    } else {
        "ends-soon-after-plan"
    };
    out.warnings.push(text.clone());
    out.notes
        .push(dst.note("target", status, text, vec![plan_fact]));
}

#[cfg(test)]
mod tests {
    use crate::{plan, Mode, Plan};
    use jiff::civil::{date, Date};
    use rollgate_knowledge::Knowledge;

    fn plan_of(text: &str, start: Date) -> Plan {
        let k = Knowledge::builtin().unwrap();
        let facts =
            rollgate_intake::read_bytes("in.txt", text.as_bytes(), None, &k, start).unwrap();
        plan(&facts, &k, Mode::Auto)
    }

    fn pg(from: &str, to: &str, more: &str) -> String {
        format!(
            "<migration-type>PostgreSQL major version upgrade</migration-type>\
             <from-state>{from}</from-state><to-state>{to}</to-state>\
             <criticality>medium</criticality><rollback-acceptable-delay>an hour</rollback-acceptable-delay>{more}"
        )
    }

    fn status(p: &Plan, side: &str) -> Option<String> {
        p.support
            .iter()
            .find(|n| n.side == side)
            .map(|n| n.status.clone())
    }

    #[test]
    fn a_source_already_out_of_support_is_urgent_and_names_paid_extended_support_on_rds() {
        let p = plan_of(
            &pg(
                "PostgreSQL 11.22 on Amazon RDS",
                "PostgreSQL 16 on Amazon RDS",
                "",
            ),
            date(2026, 5, 4),
        );
        assert_eq!(status(&p, "source").as_deref(), Some("out-of-support"));
        let w = p
            .warnings
            .iter()
            .find(|w| w.contains("PostgreSQL 11 on Amazon RDS"))
            .unwrap();
        assert!(w.contains("2024-02-29") && w.contains("urgent"), "{w}");
        assert!(w.contains("extended support runs until 2027-03-31"), "{w}");
        let n = p.support.iter().find(|n| n.side == "source").unwrap();
        assert_eq!(n.because.rule, "release-line:postgresql@aws-rds:11");
        assert!(
            n.because.facts.iter().any(|f| f.contains("11.22")),
            "{:?}",
            n.because
        );
    }

    #[test]
    fn self_hosted_the_same_line_is_judged_on_the_community_calendar_without_extended_support() {
        let p = plan_of(
            &pg(
                "PostgreSQL 12.14 on our own server",
                "PostgreSQL 16 on the same host",
                "",
            ),
            date(2026, 5, 4),
        );
        let n = p.support.iter().find(|n| n.side == "source").unwrap();
        assert_eq!(n.because.rule, "release-line:postgresql:12");
        assert!(!n.text.contains("extended"), "{}", n.text);
    }

    #[test]
    fn support_ending_before_the_cutover_warns_and_asks_whether_it_is_the_deadline() {
        let p = plan_of(
            &pg("PostgreSQL 14.7", "PostgreSQL 16", ""),
            date(2026, 11, 9),
        );
        assert_eq!(
            status(&p, "source").as_deref(),
            Some("ends-before-cutover"),
            "{:?}",
            p.support
        );
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("2026-11-12") && w.contains("days past the end of support")),
            "{:?}",
            p.warnings
        );
        assert!(
            p.open_questions
                .iter()
                .any(|q| q.question
                    == "Is PostgreSQL 14's end of support on 2026-11-12 your deadline?"),
            "{:?}",
            p.open_questions
        );
    }

    #[test]
    fn with_a_stated_deadline_the_overrun_warns_but_asks_nothing() {
        let p = plan_of(
            &pg(
                "PostgreSQL 14.7",
                "PostgreSQL 16",
                "<constraints>Must be done by 2027-03-31.</constraints>",
            ),
            date(2026, 11, 9),
        );
        assert_eq!(status(&p, "source").as_deref(), Some("ends-before-cutover"));
        assert!(!p
            .open_questions
            .iter()
            .any(|q| q.question.contains("end of support")));
    }

    #[test]
    fn support_ending_after_the_cutover_is_an_assumption_with_the_margin() {
        let p = plan_of(
            &pg("PostgreSQL 14.7", "PostgreSQL 16", ""),
            date(2026, 5, 4),
        );
        assert_eq!(status(&p, "source").as_deref(), Some("ends-after-cutover"));
        assert!(
            p.assumptions.iter().any(
                |a| a.contains("stays in community support until 2026-11-12")
                    && a.contains("days after")
            ),
            "{:?}",
            p.assumptions
        );
        assert!(!p.warnings.iter().any(|w| w.contains("release-line:")));
    }

    #[test]
    fn a_target_ending_soon_warns_and_offers_a_later_line_as_an_option() {
        let p = plan_of(
            &pg("PostgreSQL 13.4", "PostgreSQL 14", ""),
            date(2026, 5, 4),
        );
        assert_eq!(
            status(&p, "target").as_deref(),
            Some("ends-soon-after-plan")
        );
        let w = p
            .warnings
            .iter()
            .find(|w| w.starts_with("The target, PostgreSQL 14"))
            .unwrap();
        assert!(w.contains("next upgrade soon"), "{w}");
        assert!(
            w.contains("PostgreSQL 16") && w.contains("the input did not ask for it"),
            "{w}"
        );
    }

    #[test]
    fn a_target_already_out_of_support_says_so_and_offers_a_line_still_supported() {
        let text = "<migration-type>Node.js upgrade</migration-type>\
             <from-state>Node 18 services</from-state><to-state>Node 20</to-state>\
             <criticality>low</criticality><rollback-acceptable-delay>a day</rollback-acceptable-delay>";
        let p = plan_of(text, date(2026, 11, 30));
        assert_eq!(status(&p, "target").as_deref(), Some("out-of-support"));
        let w = p
            .warnings
            .iter()
            .find(|w| w.starts_with("The target, Node.js 20"))
            .unwrap();
        assert!(
            w.contains("unsupported line") && w.contains("Node.js 22"),
            "{w}"
        );
    }

    #[test]
    fn a_target_with_a_long_window_raises_no_warning() {
        let p = plan_of(
            &pg("PostgreSQL 14.7", "PostgreSQL 17", ""),
            date(2026, 5, 4),
        );
        assert_eq!(
            status(&p, "target").as_deref(),
            Some("supported-beyond-horizon")
        );
        assert!(
            !p.warnings.iter().any(|w| w.starts_with("The target,")),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn a_version_without_data_says_nothing() {
        let p = plan_of(&pg("PostgreSQL 9.6", "PostgreSQL 10", ""), date(2026, 5, 4));
        assert!(p.support.is_empty(), "{:?}", p.support);
        assert!(!p.warnings.iter().any(|w| w.contains("release-line:")));
    }

    #[test]
    fn a_technology_named_only_as_an_integration_is_not_judged() {
        // Node 16 and Python 3.9 are long out of support, but here they are
        // consumers of the database, not what is being migrated.
        let p = plan_of(
            &pg(
                "PostgreSQL 14.7",
                "PostgreSQL 17",
                "<integration-points>A Node 16 API and a Python 3.9 batch job read from it.</integration-points>",
            ),
            date(2026, 5, 4),
        );
        let judged: Vec<&str> = p.support.iter().map(|n| n.technology.as_str()).collect();
        assert_eq!(judged, ["postgresql", "postgresql"], "{:?}", p.support);
    }

    #[test]
    fn month_only_dates_are_judged_from_the_first_day_they_could_mean() {
        let text = "<migration-type>Python upgrade</migration-type>\
             <from-state>Python 3.10 services</from-state><to-state>Python 3.13</to-state>\
             <criticality>low</criticality><rollback-acceptable-delay>a day</rollback-acceptable-delay>";
        let p = plan_of(text, date(2026, 9, 28));
        let n = p.support.iter().find(|n| n.side == "source").unwrap();
        assert_eq!(n.support_ends, "2026-10 (month only)");
        assert_eq!(n.status, "ends-before-cutover", "{}", n.text);
    }
}
