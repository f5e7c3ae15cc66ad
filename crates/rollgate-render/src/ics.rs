//! RFC 5545 calendar export: one event per phase transition and one per
//! gate review, in the team's time zone (with its VTIMEZONE), stable UIDs
//! so a re-import updates instead of duplicating, escaped text and lines
//! folded at 75 octets.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rollgate_planning::Plan;

/// Escapes TEXT values (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character
/// (RFC 5545 §3.1); continuation lines start with one space.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    let mut first = true;
    for c in line.chars() {
        let len = c.len_utf8();
        let limit = if first { 75 } else { 74 };
        if width + len > limit {
            out.push_str("\r\n ");
            width = 0;
            first = false;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn slug(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            o.push(c.to_ascii_lowercase());
        } else if !o.ends_with('-') {
            o.push('-');
        }
    }
    o.trim_matches('-').chars().take(60).collect()
}

fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// A VTIMEZONE listing the zone's actual transitions around the plan.
fn vtimezone(name: &str, tz: &TimeZone, from: Date, to: Date, lines: &mut Vec<String>) {
    lines.push("BEGIN:VTIMEZONE".into());
    lines.push(format!("TZID:{name}"));
    let midnight_utc = |d: Date| {
        d.to_datetime(Time::midnight())
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    };
    let start = midnight_utc(from);
    let end = midnight_utc(to);
    let mut any = false;
    for t in tz.following(start) {
        if t.timestamp() > end {
            break;
        }
        let before = tz.to_offset(
            t.timestamp()
                .checked_sub(jiff::SignedDuration::from_secs(1))
                .unwrap_or(t.timestamp()),
        );
        let after = t.offset();
        let kind = if t.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the local time of the change, in the offset before it.
        let local_before = before.to_datetime(t.timestamp());
        lines.push(format!("BEGIN:{kind}"));
        lines.push(format!("DTSTART:{}", local(local_before)));
        lines.push(format!("TZOFFSETFROM:{}", offset(before.seconds())));
        lines.push(format!("TZOFFSETTO:{}", offset(after.seconds())));
        lines.push(format!("TZNAME:{}", t.abbreviation()));
        lines.push(format!("END:{kind}"));
        any = true;
    }
    if !any {
        let off = tz.to_offset(start);
        lines.push("BEGIN:STANDARD".into());
        lines.push("DTSTART:19700101T000000".into());
        lines.push(format!("TZOFFSETFROM:{}", offset(off.seconds())));
        lines.push(format!("TZOFFSETTO:{}", offset(off.seconds())));
        lines.push("END:STANDARD".into());
    }
    lines.push("END:VTIMEZONE".into());
}

/// The plan as an iCalendar file.
pub fn ics(plan: &Plan) -> String {
    let zone = plan.summary.time_zone.clone();
    let tz = jiff::tz::db().get(&zone).unwrap_or(TimeZone::UTC);
    let base = slug(&plan.title);
    // DTSTAMP must be present; derive it from the plan so output is stable.
    let stamp = utc(plan
        .summary
        .start_date
        .to_datetime(Time::midnight())
        .to_zoned_datetime(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH));
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//rollgate//rollout plan//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape(&plan.title)),
        format!("X-WR-TIMEZONE:{zone}"),
    ];
    // A year either side, so the zone's standard and daylight rules both
    // appear even when the plan itself sits inside one of them.
    let from = plan
        .summary
        .start_date
        .checked_sub(jiff::Span::new().days(366))
        .unwrap_or(plan.summary.start_date);
    let to = plan
        .summary
        .end_date
        .checked_add(jiff::Span::new().days(366))
        .unwrap_or(plan.summary.end_date);
    vtimezone(&zone, &tz, from, to, &mut lines);
    for (i, p) in plan.phases.iter().enumerate() {
        let at = p
            .transition_at
            .parse::<Timestamp>()
            .map(|t| t.to_zoned_datetime(tz.clone()).datetime())
            .unwrap_or_else(|_| p.start_date.to_datetime(Time::constant(10, 0, 0, 0)));
        let pnr = if p.point_of_no_return {
            " ⚠ point of no return"
        } else {
            ""
        };
        let mut description = format!(
            "{}\n\nKill switch: {}. Rollback: about {} minutes. {}\n\nGate approvers: {}.",
            p.goal,
            p.kill_switch_state,
            p.rollback.estimated_minutes,
            p.rollback.cost,
            p.gate.approvers.join(", ")
        );
        if !p.actions.is_empty() {
            description.push_str("\n\nFirst steps:");
            for a in p.actions.iter().take(3) {
                description.push_str(&format!("\n- {}", a.description));
            }
        }
        lines.extend([
            "BEGIN:VEVENT".into(),
            format!("UID:{base}-{}-transition@rollgate", p.id),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;TZID={zone}:{}", local(at)),
            "DURATION:PT1H".into(),
            format!(
                "SUMMARY:{}",
                escape(&format!("Phase {}: {}{pnr}", i + 1, p.name))
            ),
            format!("DESCRIPTION:{}", escape(&description)),
            format!("CATEGORIES:{}", escape(&format!("rollgate,{}", p.kind))),
            "TRANSP:OPAQUE".into(),
            "END:VEVENT".into(),
        ]);
        let gate_at = p.end_date.to_datetime(Time::constant(14, 0, 0, 0));
        let mut criteria: Vec<String> = p
            .success_criteria
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {} ({})",
                    c.metric, c.op, c.value, c.unit, c.window
                )
            })
            .collect();
        criteria.extend(p.gate.criteria.iter().cloned());
        lines.extend([
            "BEGIN:VEVENT".into(),
            format!("UID:{base}-{}-gate@rollgate", p.id),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;TZID={zone}:{}", local(gate_at)),
            "DURATION:PT30M".into(),
            format!("SUMMARY:{}", escape(&format!("Gate review: {}", p.name))),
            format!(
                "DESCRIPTION:{}",
                escape(&format!(
                    "Approvers: {}\n\n{}",
                    p.gate.approvers.join(", "),
                    criteria.join("\n")
                ))
            ),
            "CATEGORIES:rollgate,gate".into(),
            "TRANSP:TRANSPARENT".into(),
            "END:VEVENT".into(),
        ]);
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in &lines {
        fold(l, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_respects_octets_and_characters() {
        let mut out = String::new();
        let line = format!("DESCRIPTION:{}", "é".repeat(100));
        fold(&line, &mut out);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
