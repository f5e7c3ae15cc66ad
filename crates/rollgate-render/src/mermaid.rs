//! A Mermaid Gantt chart of the phases (GitHub renders it in Markdown).

use rollgate_planning::Plan;
use std::fmt::Write;

/// Mermaid treats `:` and `#` specially in task names.
fn clean(s: &str) -> String {
    s.replace([':', '#', ';'], " -")
}

pub fn gantt(plan: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "gantt");
    let _ = writeln!(o, "  dateFormat YYYY-MM-DD");
    let _ = writeln!(o, "  title {}", clean(&plan.title));
    let mut section = "";
    for p in &plan.phases {
        let this = match p.traffic.writes_percent {
            0 if p.traffic.reads_percent == 0 => "Before traffic moves",
            0 => "Reads move",
            _ => "On the new system",
        };
        if this != section {
            let _ = writeln!(o, "  section {this}");
            section = this;
        }
        let days = (p.end_date - p.start_date).get_days() + 1;
        let tag = if p.point_of_no_return {
            "crit, "
        } else if p.kind == "cutover" || p.kind == "window" {
            "active, "
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  {} :{tag}{}, {}, {}d",
            clean(&p.name),
            p.id,
            p.start_date,
            days.max(1)
        );
    }
    o
}
