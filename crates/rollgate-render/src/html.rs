//! A self-contained HTML report: no external assets, opens offline, prints
//! to a decent PDF. Every piece of user text is escaped.

use rollgate_planning::*;
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --fg:#1d2330; --muted:#5b6473; --line:#d9dee7; --bg:#ffffff; --soft:#f5f7fa; --accent:#2457c5; --warn:#b54708; --bad:#b42318; --ok:#067647; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--fg); background:var(--bg); }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 1.7rem; line-height:1.25; margin: 0 0 12px; }
h2 { font-size: 1.25rem; margin: 36px 0 12px; padding-top: 12px; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 18px 0 8px; }
.summary { display:grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 10px; margin: 16px 0; }
.card { background:var(--soft); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.card .k { color:var(--muted); font-size:.8rem; text-transform:uppercase; letter-spacing:.04em; }
.card .v { font-weight:600; }
.note { border-left:4px solid var(--warn); background:#fffaeb; padding:8px 12px; margin:8px 0; border-radius:4px; }
.rating { display:inline-block; padding:1px 8px; border-radius:10px; background:#eef2ff; color:var(--accent); font-weight:600; font-size:.85rem; }
.phase { border:1px solid var(--line); border-radius:10px; padding:12px 16px; margin:14px 0; background:#fff; }
.phase.pnr { border:2px solid var(--bad); }
.pnr-badge { color:#fff; background:var(--bad); border-radius:10px; padding:1px 8px; font-size:.8rem; margin-left:6px; }
.meta { color:var(--muted); font-size:.88rem; }
pre { background:#0f172a; color:#e2e8f0; padding:10px 12px; border-radius:6px; overflow-x:auto; font-size:.82rem; line-height:1.45; position:relative; white-space:pre; }
pre button { position:absolute; top:6px; right:6px; font-size:.75rem; border:0; border-radius:4px; padding:2px 8px; background:#334155; color:#e2e8f0; cursor:pointer; }
.example { color:var(--warn); font-size:.85rem; }
table { border-collapse: collapse; width:100%; margin:8px 0; font-size:.9rem; }
th, td { border-bottom:1px solid var(--line); text-align:left; padding:6px 8px; vertical-align:top; }
th { background:var(--soft); }
.checklist li { list-style: none; }
.checklist li::before { content:"☐ "; color:var(--muted); }
.because { color:var(--muted); font-size:.78rem; }
svg text { font: 11px sans-serif; fill: var(--fg); }
@media (max-width: 640px) { main { padding: 16px 12px; } h1 { font-size:1.35rem; } table { font-size:.8rem; } }
@media print {
  body { font-size: 11pt; }
  main { max-width:none; padding:0; }
  pre { background:#f4f4f4; color:#000; white-space:pre-wrap; word-break:break-all; }
  pre button { display:none; }
  .phase { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"#;

const SCRIPT: &str = r#"
document.querySelectorAll('pre').forEach(function (pre) {
  var b = document.createElement('button');
  b.type = 'button';
  b.textContent = 'Copy';
  b.addEventListener('click', function () {
    var text = pre.querySelector('code').innerText;
    if (navigator.clipboard) { navigator.clipboard.writeText(text); }
    b.textContent = 'Copied';
    setTimeout(function () { b.textContent = 'Copy'; }, 1200);
  });
  pre.appendChild(b);
});
"#;

fn minutes(m: u64) -> String {
    if m < 120 {
        format!("~{m} min")
    } else if m < 2 * 24 * 60 {
        format!("~{:.1} h", m as f64 / 60.0)
    } else {
        format!("~{} days", m / (24 * 60))
    }
}

fn steps(o: &mut String, steps: &[Step]) {
    if steps.is_empty() {
        return;
    }
    let _ = writeln!(o, "<ol>");
    for s in steps {
        let _ = write!(o, "<li>{}", esc(&s.description));
        if let Some(c) = &s.command {
            if s.example {
                let _ = write!(
                    o,
                    "<div class=\"example\">Example: uses a tool your input does not name.</div>"
                );
            }
            let _ = write!(o, "<pre><code>{}</code></pre>", esc(c));
        }
        let _ = writeln!(o, "</li>");
    }
    let _ = writeln!(o, "</ol>");
}

fn because(o: &mut String, b: &Because) {
    let facts = if b.facts.is_empty() {
        "a general rule".to_string()
    } else {
        b.facts.join("; ")
    };
    let _ = writeln!(
        o,
        "<div class=\"because\">because <code>{}</code> ← {}</div>",
        esc(&b.rule),
        esc(&facts)
    );
}

/// The phases as an inline SVG timeline.
fn timeline(plan: &Plan) -> String {
    let (Some(first), Some(last)) = (plan.phases.first(), plan.phases.last()) else {
        return String::new();
    };
    let start = first.start_date;
    let total = ((last.end_date - start).get_days() + 1).max(1) as f64;
    let row = 24.0;
    let label_w = 260.0;
    let chart_w = 640.0;
    let height = row * plan.phases.len() as f64 + 30.0;
    let mut o = format!(
        "<svg role=\"img\" aria-label=\"Timeline of the phases\" viewBox=\"0 0 {} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">",
        label_w + chart_w + 10.0
    );
    for (i, p) in plan.phases.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let x = label_w + (p.start_date - start).get_days() as f64 / total * chart_w;
        let w = (((p.end_date - p.start_date).get_days() + 1) as f64 / total * chart_w).max(3.0);
        let color = if p.point_of_no_return {
            "#b42318"
        } else if p.traffic.writes_percent == 100 {
            "#2457c5"
        } else if p.traffic.reads_percent > 0 {
            "#7a9be6"
        } else {
            "#98a2b3"
        };
        let name: String = p.name.chars().take(40).collect();
        let _ = write!(
            o,
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"{color}\"><title>{} → {}</title></rect>",
            y + 13.0,
            esc(&name),
            row - 8.0,
            p.start_date,
            p.end_date
        );
    }
    let _ = write!(
        o,
        "<text x=\"{label_w}\" y=\"{:.1}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text></svg>",
        height - 6.0,
        start,
        label_w + chart_w,
        height - 6.0,
        last.end_date
    );
    o
}

/// The plan as one self-contained HTML page.
pub fn html(plan: &Plan) -> String {
    let s = &plan.summary;
    let mut o = String::new();
    let _ = writeln!(o, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>", esc(&plan.title));
    let _ = writeln!(o, "<h1>{}</h1>", esc(&plan.title));
    let deadline = match (s.deadline, s.fits_deadline) {
        (Some(d), Some(true)) => format!(
            "{d}: fits ({} working days of slack)",
            s.slack_days.unwrap_or(0)
        ),
        (Some(d), _) => format!(
            "{d}: does not fit{}",
            s.latest_start
                .map(|l| format!("; latest start {l}"))
                .unwrap_or_default()
        ),
        _ => "none stated".into(),
    };
    let _ = writeln!(o, "<section class=\"summary\" id=\"summary\">");
    for (k, v) in [
        (
            "Risk",
            format!("{} criticality · {}", s.criticality, s.mode),
        ),
        (
            "Confidence",
            format!(
                "{} staged · {} big bang",
                s.confidence, s.confidence_big_bang
            ),
        ),
        (
            "Dates",
            format!(
                "{} → {} (~{} weeks)",
                s.start_date, s.end_date, s.total_weeks
            ),
        ),
        ("Deadline", deadline),
        ("Rollback tolerance", minutes(s.rollback_tolerance_minutes)),
        (
            "Transitions",
            format!("{} · {}", s.change_window, s.time_zones.join(" + ")),
        ),
    ] {
        let _ = writeln!(
            o,
            "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>",
            esc(k),
            esc(&v)
        );
    }
    let _ = writeln!(o, "</section>");
    for w in &plan.warnings {
        let _ = writeln!(o, "<div class=\"note\">{}</div>", esc(w));
    }
    if !plan.open_questions.is_empty() {
        let _ = writeln!(o, "<h2 id=\"open-questions\">Open questions</h2><p>Answer these and plan again; until then the plan runs on the assumption given.</p><ul>");
        for q in &plan.open_questions {
            let _ = writeln!(
                o,
                "<li>{} <em>Assumed meanwhile:</em> {} ({})</li>",
                esc(&q.question),
                esc(&q.assumed),
                esc(&q.about)
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "<h2 id=\"questions\">The four questions</h2>");
    for q in &plan.questions {
        let _ = writeln!(
            o,
            "<h3>{} <span class=\"rating\">{}</span></h3><p>{}</p><ul>",
            esc(&q.question),
            esc(&q.rating),
            esc(&q.answer)
        );
        for r in &q.reasons {
            let _ = writeln!(o, "<li>{}</li>", esc(r));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "<h2 id=\"timeline\">Timeline</h2>{}", timeline(plan));
    let r = &plan.risk;
    let _ = writeln!(o, "<h2 id=\"risk\">Risk</h2><p><strong>Blast radius.</strong> {}</p><p><strong>Worst case.</strong> {}</p>", esc(&r.blast_radius), esc(&r.worst_case));
    for (title, list) in [
        ("Mitigating", &r.mitigating),
        ("Aggravating", &r.aggravating),
    ] {
        if !list.is_empty() {
            let _ = writeln!(o, "<h3>{title}</h3><ul>");
            for f in list.iter() {
                let _ = writeln!(o, "<li>{}</li>", esc(&f.text));
            }
            let _ = writeln!(o, "</ul>");
        }
    }
    let st = &plan.strategy;
    let _ = writeln!(
        o,
        "<h2 id=\"strategy\">Strategy: {}</h2><p>{}</p><ul>",
        esc(&st.name),
        esc(&st.summary)
    );
    for reason in &st.reasons {
        let _ = writeln!(o, "<li>{}</li>", esc(reason));
    }
    let _ = writeln!(o, "</ul>");
    because(&mut o, &st.because);
    for g in &st.gaps {
        let _ = writeln!(o, "<div class=\"note\"><strong>Missing: {}.</strong> {} <strong>Closing it:</strong> {}</div>", esc(&g.missing), esc(&g.consequence), esc(&g.closes_it));
    }
    let _ = writeln!(o, "<h2 id=\"phases\">Phases</h2>");
    for (i, p) in plan.phases.iter().enumerate() {
        let class = if p.point_of_no_return {
            "phase pnr"
        } else {
            "phase"
        };
        let badge = if p.point_of_no_return {
            "<span class=\"pnr-badge\">point of no return</span>"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "<article class=\"{class}\" id=\"phase-{}\"><h3>Phase {}: {}{badge}</h3>",
            esc(&p.id),
            i + 1,
            esc(&p.name)
        );
        let _ = writeln!(
            o,
            "<div class=\"meta\">{} → {} · transition {} · hold: {} · kill switch <code>{}</code> · {}</div><p>{}</p>",
            p.start_date,
            p.end_date,
            esc(&p.transition_at),
            esc(&p.hold),
            esc(&p.kill_switch_state),
            if plan.summary.family == "database" {
                format!("reads {}% / writes {}% on the new side", p.traffic.reads_percent, p.traffic.writes_percent)
            } else {
                format!("{}% moved to the new side", p.traffic_percent)
            },
            esc(&p.goal)
        );
        let _ = writeln!(o, "<h4>Actions</h4>");
        steps(&mut o, &p.actions);
        let _ = writeln!(o, "<h4>Checks</h4>");
        steps(&mut o, &p.checks);
        let _ = writeln!(
            o,
            "<h4>Gate — {}</h4><ul class=\"checklist\">",
            esc(&p.gate.approvers.join(", "))
        );
        for c in &p.success_criteria {
            let _ = writeln!(
                o,
                "<li>{} {} {} {} ({})</li>",
                esc(&c.metric),
                esc(&c.op),
                c.value,
                esc(&c.unit),
                esc(&c.window)
            );
        }
        for c in &p.gate.criteria {
            let _ = writeln!(o, "<li>{}</li>", esc(c));
        }
        let _ = writeln!(
            o,
            "</ul><h4>Rollback ({})</h4><p>{}</p>",
            minutes(p.rollback.estimated_minutes),
            esc(&p.rollback.cost)
        );
        steps(&mut o, &p.rollback.steps);
        let _ = writeln!(o, "</article>");
    }
    let k = &plan.kill_switch;
    let _ = writeln!(o, "<h2 id=\"kill-switch\">Kill switch: <code>{}</code></h2><p>{} Flip time {}.</p><table><tr><th>State</th><th>What it does</th><th>Safe until</th></tr>", esc(&k.flag_name), esc(&k.mechanism), minutes(k.flip_minutes));
    for st in &k.states {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&st.name),
            esc(&st.effect),
            esc(&st.safe_until)
        );
    }
    let _ = writeln!(o, "</table>");
    steps(&mut o, &k.flip);
    let _ = writeln!(o, "<h2 id=\"monitoring\">Monitoring and alerts</h2><table><tr><th>Metric</th><th>Threshold</th><th>For</th><th>Action</th></tr>");
    for a in &plan.monitoring {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.metric),
            esc(&a.threshold),
            esc(&a.window),
            esc(&a.action)
        );
    }
    let _ = writeln!(o, "</table><h2 id=\"parity\">Parity checks</h2><table><tr><th>Check</th><th>How</th><th>When</th><th>Pass</th></tr>");
    for p in &plan.parity_checks {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&p.name),
            esc(&p.method),
            esc(&p.schedule),
            esc(&p.pass)
        );
    }
    let _ = writeln!(o, "</table><h2 id=\"scenarios\">Risk scenarios</h2>");
    for r in &plan.risks {
        let _ = writeln!(
            o,
            "<h3>{}</h3><p class=\"meta\">likelihood {} · impact {}</p><p>{}</p>",
            esc(&r.title),
            esc(&r.likelihood),
            esc(&r.impact),
            esc(&r.response)
        );
        steps(&mut o, &r.steps);
    }
    let pe = &plan.people;
    let _ = writeln!(o, "<h2 id=\"people\">On-call and communication</h2><table><tr><th>Phases</th><th>Primary</th><th>Secondary</th><th>Decides</th><th>Hours</th></tr>");
    for r in &pe.rota {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.phases),
            esc(&r.primary),
            esc(&r.secondary),
            esc(&r.decision),
            esc(&r.hours)
        );
    }
    let _ = writeln!(
        o,
        "</table><p>Escalation: {}.</p><ul>",
        esc(&pe.escalation.join(" → "))
    );
    for n in &pe.notes {
        let _ = writeln!(o, "<li>{}</li>", esc(n));
    }
    let _ = writeln!(
        o,
        "</ul><table><tr><th>Audience</th><th>When</th><th>How</th><th>What</th></tr>"
    );
    for m in &pe.communication {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.audience),
            esc(&m.when),
            esc(&m.how),
            esc(&m.what)
        );
    }
    let _ = writeln!(o, "</table>");
    for (id, title, items) in [
        ("edge-cases", "Edge cases to test", &plan.edge_cases),
        ("cleanup", "Cleanup", &plan.cleanup),
        ("limits", "What this plan does not solve", &plan.limits),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(o, "<h2 id=\"{id}\">{title}</h2><ul>");
        for it in items.iter() {
            let _ = writeln!(
                o,
                "<li><strong>{}</strong> — {}</li>",
                esc(&it.title),
                esc(&it.text)
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "<h2 id=\"takeaways\">Key takeaways</h2><ul>");
    for t in &plan.takeaways {
        let _ = writeln!(o, "<li>{}</li>", esc(t));
    }
    let _ = writeln!(o, "</ul><h2 id=\"assumptions\">Assumptions</h2><ul>");
    for a in &plan.assumptions {
        let _ = writeln!(o, "<li>{}</li>", esc(a));
    }
    let _ = writeln!(
        o,
        "</ul>\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>"
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
