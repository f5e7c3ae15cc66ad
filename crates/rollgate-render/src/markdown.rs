//! Markdown, in the order a reader needs it: summary, the four answers,
//! risk, strategy, phases, kill switch, monitoring, people, scenarios,
//! cleanup, limits, takeaways.

use crate::Options;
use rollgate_planning::*;
use std::fmt::Write;

fn because(out: &mut String, b: &Because, opts: Options) {
    if !opts.explain {
        return;
    }
    let facts = if b.facts.is_empty() {
        "no input fact; a general rule".to_string()
    } else {
        b.facts.join("; ")
    };
    let _ = writeln!(
        out,
        "  <sub>because: `{}` ← {}</sub>",
        b.rule,
        escape(&facts)
    );
}

fn escape(s: &str) -> String {
    s.replace('<', "&lt;").replace('>', "&gt;")
}

fn steps(out: &mut String, steps: &[Step], numbered: bool) {
    for (i, s) in steps.iter().enumerate() {
        let marker = if numbered {
            format!("{}.", i + 1)
        } else {
            "-".into()
        };
        let _ = writeln!(out, "{marker} {}", s.description);
        if let Some(c) = &s.command {
            if s.example {
                let tool = c
                    .lines()
                    .find(|l| !l.trim_start().starts_with('#'))
                    .and_then(|l| l.split_whitespace().next())
                    .unwrap_or("this tool");
                let _ = writeln!(out, "   For example (uses `{tool}`, which your input does not name; treat it as an option):");
            }
            // A fence longer than any run of backticks in the command, so
            // nothing in it can close the block early.
            let fence = "`".repeat(longest_backtick_run(c).max(2) + 1);
            let _ = writeln!(out, "   {fence}sh");
            for line in c.lines() {
                let _ = writeln!(out, "   {line}");
            }
            let _ = writeln!(out, "   {fence}");
        }
    }
}

fn minutes(m: u64) -> String {
    if m < 120 {
        format!("~{m} min")
    } else if m < 2 * 24 * 60 {
        format!("~{:.1} h", m as f64 / 60.0)
    } else {
        format!("~{} days", m / (24 * 60))
    }
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// The plan as Markdown. Text from the input (names, quotes, descriptions)
/// flows into many sections; whatever a CommonMark reader would take for
/// raw HTML is escaped, so a `<script>` typed into a field stays text in
/// every viewer that renders inline HTML.
pub fn markdown(plan: &Plan, opts: Options) -> String {
    crate::facts_text::printable(neutralise_html(compose(plan, opts)))
}

/// The only raw HTML the plan writes itself.
const OWN_TAGS: [&str; 2] = ["<sub>", "</sub>"];

/// Escapes `<` and `&` in every span a CommonMark parser reads as raw HTML
/// (blocks and inline), except the plan's own tags. Parsing with a
/// CommonMark parser, rather than guessing at code spans and fences,
/// means the escaping follows exactly the reading a viewer will make.
pub fn neutralise_html(md: String) -> String {
    use pulldown_cmark::{Event, Options as MdOptions, Parser};
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(&md, MdOptions::ENABLE_TABLES).into_offset_iter() {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            if !OWN_TAGS.contains(&html.trim()) {
                ranges.push(range);
            }
        }
    }
    if ranges.is_empty() {
        return md;
    }
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(md.len() + ranges.len() * 8);
    let mut at = 0;
    for r in ranges {
        if r.start < at {
            continue;
        }
        out.push_str(&md[at..r.start]);
        for c in md[r.start..r.end].chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '&' => out.push_str("&amp;"),
                _ => out.push(c),
            }
        }
        at = r.end;
    }
    out.push_str(&md[at..]);
    out
}

/// What the plan assumed or could not read, first, so the team answers it
/// before trusting the rest.
fn open_questions(o: &mut String, plan: &Plan) {
    if plan.open_questions.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Open questions\n");
    let _ = writeln!(
        o,
        "Answer these and plan again; until then the plan runs on the assumption given.\n"
    );
    for q in &plan.open_questions {
        let _ = writeln!(
            o,
            "- [ ] {} *Assumed meanwhile:* {} ({})",
            q.question, q.assumed, q.about
        );
    }
    let _ = writeln!(o);
}

/// One screen: what moves, the phases with dates, the point of no return,
/// the way back and how many questions are open. Every value is read from
/// the plan model, so it cannot disagree with the sections below.
fn at_a_glance(o: &mut String, plan: &Plan) {
    let _ = writeln!(o, "## At a glance\n");
    let _ = writeln!(o, "- **What moves:** {}", plan.summary.moves);
    let phases: Vec<String> = plan
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}. {} ({})", i + 1, p.name, p.start_date))
        .collect();
    let _ = writeln!(o, "- **Phases:** {}", phases.join(" · "));
    if let Some(p) = plan.phases.iter().find(|p| p.point_of_no_return) {
        let _ = writeln!(
            o,
            "- **Point of no return:** \"{}\" from {}; before it, every phase has a rollback of at most {}.",
            p.name,
            p.start_date,
            minutes(
                plan.phases
                    .iter()
                    .take_while(|x| !x.point_of_no_return)
                    .map(|x| x.rollback.estimated_minutes)
                    .max()
                    .unwrap_or(0)
            )
        );
    }
    if let Some(p) = plan.phases.iter().find(|p| p.data_diverges) {
        let _ = writeln!(
            o,
            "- **Data starts to differ:** at \"{}\" ({}); from there going back is that phase's rollback ({}), not a switch flip.",
            p.name,
            p.start_date,
            minutes(p.rollback.estimated_minutes)
        );
    }
    let ks = &plan.kill_switch;
    let flip = ks
        .flip
        .first()
        .map(|s| s.description.clone())
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "- **Way back:** `{}`, {} ({} to take effect). {}",
        ks.flag_name,
        ks.mechanism,
        minutes(ks.flip_minutes),
        flip
    );
    if let Some(n) = plan.support.iter().find(|n| n.side == "source") {
        let _ = writeln!(
            o,
            "- **Source support:** {} ends {} ({}).",
            n.name,
            n.support_ends,
            status_words(&n.status)
        );
    }
    let open = plan.open_questions.len();
    if open > 0 {
        let _ = writeln!(o, "- **Open questions:** {open}, listed next; the plan runs on the stated assumption until each is answered.");
    }
    let _ = writeln!(o);
}

/// What a support status means, in a few words.
fn status_words(status: &str) -> &str {
    match status {
        "out-of-support" => "already out of support when the plan starts",
        "ends-before-cutover" => "before writes move: the schedule overruns it",
        "ends-after-cutover" => "after writes move",
        "ends-soon-after-plan" => "soon after the plan ends: the next upgrade is near",
        "supported-beyond-horizon" => "well after the plan ends",
        other => other,
    }
}

/// The release lines on each side and when their support ends, with the
/// data each judgement cites; the full sentences are in the notes above.
fn support_windows(o: &mut String, plan: &Plan, opts: Options) {
    if plan.support.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "## Support windows
"
    );
    for n in &plan.support {
        let extended = n
            .extended_support_ends
            .as_deref()
            .map(|x| format!("; paid extended support until {x}"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "- **{}:** {}, support ends {}{extended} — {}.",
            n.side,
            n.name,
            n.support_ends,
            status_words(&n.status)
        );
        because(o, &n.because, opts);
    }
    let _ = writeln!(o);
}

fn compose(plan: &Plan, opts: Options) -> String {
    let mut o = String::new();
    let s = &plan.summary;
    let _ = writeln!(o, "# {}\n", plan.title);
    let _ = writeln!(o, "| | |\n|---|---|");
    let _ = writeln!(o, "| Mode | {} |", s.mode);
    let _ = writeln!(
        o,
        "| Criticality | {} (rollback tolerance {}) |",
        s.criticality,
        minutes(s.rollback_tolerance_minutes)
    );
    let _ = writeln!(o, "| Strategy | {} |", s.strategy);
    let _ = writeln!(
        o,
        "| Confidence | {} staged; {} as a big bang |",
        s.confidence, s.confidence_big_bang
    );
    let _ = writeln!(
        o,
        "| Dates | {} → {} (about {} weeks) |",
        s.start_date, s.end_date, s.total_weeks
    );
    let avoid = if s.holiday_countries.is_empty() {
        "; never in a stated freeze or holiday".to_string()
    } else {
        format!("; never on a public holiday of {}, the working day before a long weekend, or in a freeze", s.holiday_countries.join(", "))
    };
    let zones = match &s.change_window_zone {
        // The window already names its zone; the team's zones only say
        // where the people are.
        Some(_) => format!(
            " (as the input states; the team is in {})",
            s.time_zones.join(" + ")
        ),
        None => format!(" in {}", s.time_zones.join(" + ")),
    };
    let _ = writeln!(o, "| Transitions | {}{zones}{avoid} |", s.change_window);
    match (s.deadline, s.fits_deadline) {
        (Some(d), Some(true)) => {
            let _ = writeln!(
                o,
                "| Deadline | {d}: fits (\"{}\" done with {} working days of slack) |",
                s.deadline_measured_at.clone().unwrap_or_default(),
                s.slack_days.unwrap_or(0)
            );
        }
        (Some(d), _) => {
            let _ = writeln!(
                o,
                "| Deadline | {d}: **does not fit** (\"{}\" is {} working days late){} |",
                s.deadline_measured_at.clone().unwrap_or_default(),
                -s.slack_days.unwrap_or(0),
                s.latest_start
                    .map(|l| format!("; latest start that fits: {l}"))
                    .unwrap_or_default()
            );
        }
        _ => {
            let _ = writeln!(o, "| Deadline | none stated |");
        }
    }
    let _ = writeln!(o);
    for w in &plan.warnings {
        let _ = writeln!(o, "> **Note:** {w}\n");
    }
    if !s.compressible_holds.is_empty() {
        let _ = writeln!(
            o,
            "Holds that could be shortened to meet the deadline (not applied):\n"
        );
        let _ = writeln!(
            o,
            "| Phase | Minimum | Could be | Saves | What you give up |\n|---|---|---|---|---|"
        );
        for c in &s.compressible_holds {
            let _ = writeln!(
                o,
                "| {} | {} days | {} days | {} days | {} |",
                c.phase, c.min_days, c.could_be, c.saves_days, c.risk
            );
        }
        let _ = writeln!(o);
    }

    at_a_glance(&mut o, plan);
    open_questions(&mut o, plan);
    support_windows(&mut o, plan, opts);
    let _ = writeln!(o, "## The four questions\n");
    for q in &plan.questions {
        let _ = writeln!(o, "### {} — **{}**\n", q.question, q.rating);
        let _ = writeln!(o, "{}\n", q.answer);
        for r in &q.reasons {
            let _ = writeln!(o, "- {r}");
        }
        let _ = writeln!(o, "\nHow this shapes the plan:");
        for sp in &q.shapes_plan {
            let _ = writeln!(o, "- {sp}");
        }
        for b in &q.because {
            because(&mut o, b, opts);
        }
        let _ = writeln!(o);
    }

    let r = &plan.risk;
    let _ = writeln!(o, "## Risk assessment\n");
    let _ = writeln!(o, "**Blast radius.** {}\n", r.blast_radius);
    let _ = writeln!(o, "**Worst case.** {}\n", r.worst_case);
    if !r.mitigating.is_empty() {
        let _ = writeln!(o, "Mitigating:");
        for f in &r.mitigating {
            let _ = writeln!(o, "- {}", f.text);
            because(&mut o, &f.because, opts);
        }
        let _ = writeln!(o);
    }
    if !r.aggravating.is_empty() {
        let _ = writeln!(o, "Aggravating:");
        for f in &r.aggravating {
            let _ = writeln!(o, "- {}", f.text);
            because(&mut o, &f.because, opts);
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "Confidence: **{}** with this staged plan, **{}** as a big bang. Duration: {}.\n",
        r.confidence_staged, r.confidence_big_bang, r.total_duration
    );

    let st = &plan.strategy;
    let _ = writeln!(o, "## Strategy: {}\n", st.name);
    let _ = writeln!(o, "{}\n", st.summary);
    for reason in &st.reasons {
        let _ = writeln!(o, "- {reason}");
    }
    if let Some(t) = &st.replication_tool {
        let _ = writeln!(o, "- Replication: {t}.");
    }
    because(&mut o, &st.because, opts);
    if !st.alternatives.is_empty() {
        let _ = writeln!(o, "\nNot chosen:");
        for a in &st.alternatives {
            let _ = writeln!(o, "- {}: {}.", a.name, a.why_not);
        }
    }
    if !st.gaps.is_empty() {
        let _ = writeln!(
            o,
            "\n### Gaps between what you have and what the tolerance needs\n"
        );
        for g in &st.gaps {
            let _ = writeln!(
                o,
                "- **Missing: {}.** {} Without it, rollback takes {}. **Closing it:** {}",
                g.missing,
                g.consequence,
                minutes(g.rollback_minutes_without),
                g.closes_it
            );
            because(&mut o, &g.because, opts);
        }
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "## Timeline\n");
    // Reads and writes are a database's words; other families move a
    // share of their own unit (message types, users, releases).
    let by_reads = plan.summary.family == "database";
    let _ = writeln!(
        o,
        "| # | Phase | Starts | Gate by | {} | Kill switch | Rollback |",
        if by_reads {
            "Reads / writes on new"
        } else {
            "Moved to new"
        }
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|---|");
    for (i, p) in plan.phases.iter().enumerate() {
        let pnr = if p.point_of_no_return {
            " ⚠ point of no return"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "| {} | {}{pnr} | {} | {} | {} | `{}` | {} |",
            i + 1,
            p.name,
            p.start_date,
            p.end_date,
            if by_reads {
                format!(
                    "{}% / {}%",
                    p.traffic.reads_percent, p.traffic.writes_percent
                )
            } else {
                format!("{}%", p.traffic_percent)
            },
            p.kill_switch_state,
            minutes(p.rollback.estimated_minutes)
        );
    }
    let _ = writeln!(o, "\n```mermaid\n{}```\n", crate::mermaid::gantt(plan));

    let _ = writeln!(o, "## Phases\n");
    for (i, p) in plan.phases.iter().enumerate() {
        let _ = writeln!(
            o,
            "### Phase {}: {}{}\n",
            i + 1,
            p.name,
            if p.point_of_no_return {
                " ⚠ point of no return"
            } else {
                ""
            }
        );
        let _ = writeln!(
            o,
            "*{} → {}; transition {}; hold: {}; kill switch: `{}`*\n",
            p.start_date, p.end_date, p.transition_at, p.hold, p.kill_switch_state
        );
        let _ = writeln!(o, "**Goal.** {}\n", p.goal);
        let _ = writeln!(o, "**Actions**\n");
        steps(&mut o, &p.actions, true);
        let _ = writeln!(o, "\n**Checks**\n");
        steps(&mut o, &p.checks, false);
        let _ = writeln!(
            o,
            "\n**Gate** (approvers: {})\n",
            p.gate.approvers.join(", ")
        );
        for c in &p.success_criteria {
            let _ = writeln!(
                o,
                "- [ ] {} {} {} {} ({})",
                c.metric, c.op, c.value, c.unit, c.window
            );
        }
        for c in &p.gate.criteria {
            let _ = writeln!(o, "- [ ] {c}");
        }
        let _ = writeln!(
            o,
            "\n**Rollback** ({}). {}\n",
            minutes(p.rollback.estimated_minutes),
            p.rollback.cost
        );
        steps(&mut o, &p.rollback.steps, true);
        for b in &p.because {
            because(&mut o, b, opts);
        }
        let _ = writeln!(o);
    }

    let k = &plan.kill_switch;
    let _ = writeln!(o, "## Kill switch: `{}`\n", k.flag_name);
    let _ = writeln!(
        o,
        "Mechanism: {}. Flip time: {}.\n",
        k.mechanism,
        minutes(k.flip_minutes)
    );
    let _ = writeln!(o, "| State | What it does | Safe until |\n|---|---|---|");
    for st in &k.states {
        let _ = writeln!(o, "| `{}` | {} | {} |", st.name, st.effect, st.safe_until);
    }
    let _ = writeln!(o, "\nTo flip back:\n");
    steps(&mut o, &k.flip, true);
    because(&mut o, &k.because, opts);
    let _ = writeln!(o);

    let _ = writeln!(o, "## Monitoring and alerts\n");
    let _ = writeln!(
        o,
        "| Metric | Threshold | For | Action |\n|---|---|---|---|"
    );
    for a in &plan.monitoring {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            a.metric, a.threshold, a.window, a.action
        );
    }
    if opts.explain {
        for a in &plan.monitoring {
            let _ = writeln!(o, "- {}", a.metric);
            because(&mut o, &a.because, opts);
        }
    }
    let _ = writeln!(o, "\n## Parity checks\n");
    for p in &plan.parity_checks {
        let _ = writeln!(
            o,
            "- **{}** — {} *Schedule:* {}. *Pass:* {}.",
            p.name, p.method, p.schedule, p.pass
        );
        because(&mut o, &p.because, opts);
        if !p.steps.is_empty() {
            steps(&mut o, &p.steps, false);
        }
    }
    let _ = writeln!(o);

    let pe = &plan.people;
    let _ = writeln!(o, "## On-call and communication\n");
    let _ = writeln!(
        o,
        "| Phases | Primary | Secondary | Decides | Hours |\n|---|---|---|---|---|"
    );
    for r in &pe.rota {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            r.phases, r.primary, r.secondary, r.decision, r.hours
        );
    }
    let _ = writeln!(o, "\nEscalation: {}.\n", pe.escalation.join(" → "));
    for n in &pe.notes {
        let _ = writeln!(o, "- {n}");
    }
    let _ = writeln!(o, "\nPaging:");
    for p in &pe.paging {
        let _ = writeln!(o, "- {} → page {}", p.condition, p.page);
    }
    let _ = writeln!(o, "\n| Audience | When | How | What |\n|---|---|---|---|");
    for m in &pe.communication {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            m.audience, m.when, m.how, m.what
        );
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "## Risk scenarios\n");
    for (i, r) in plan.risks.iter().enumerate() {
        let _ = writeln!(o, "### {}. {}\n", i + 1, r.title);
        let _ = writeln!(
            o,
            "*Likelihood {}, impact {}.* {}\n",
            r.likelihood, r.impact, r.response
        );
        steps(&mut o, &r.steps, false);
        for b in &r.because {
            because(&mut o, b, opts);
        }
        let _ = writeln!(o);
    }
    if !plan.edge_cases.is_empty() {
        let _ = writeln!(o, "## Edge cases to test\n");
        for e in &plan.edge_cases {
            let _ = writeln!(o, "- [ ] **{}** — {}", e.title, e.text);
            because(&mut o, &e.because, opts);
            steps(&mut o, &e.steps, false);
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## Cleanup\n");
    for c in &plan.cleanup {
        let _ = writeln!(o, "- [ ] **{}** — {}", c.title, c.text);
        because(&mut o, &c.because, opts);
    }
    let _ = writeln!(o, "\n## What this plan does not solve\n");
    for l in &plan.limits {
        let _ = writeln!(o, "- **{}** {}", l.title, l.text);
        because(&mut o, &l.because, opts);
    }
    let _ = writeln!(o, "\n## Key takeaways\n");
    for t in &plan.takeaways {
        let _ = writeln!(o, "- {t}");
    }
    let _ = writeln!(o, "\n## Assumptions behind the estimates\n");
    for a in &plan.assumptions {
        let _ = writeln!(o, "- {a}");
    }
    if !plan.options.is_empty() {
        let _ = writeln!(
            o,
            "\nTools this plan shows as options (your input does not name them): {}.",
            plan.options.join(", ")
        );
    }
    o
}
