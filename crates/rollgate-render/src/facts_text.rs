//! Renders [`Facts`] for a terminal: one line per fact with the place it
//! came from, then warnings and the text that was not interpreted.

use rollgate_intake::*;
use std::fmt::Write;

/// The text with control characters other than line breaks and tabs
/// written as escapes: input quoted on a terminal cannot drive it.
pub fn printable(text: String) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn at(o: &Origin) -> String {
    let place = match (&o.span, o.how) {
        (Some(s), _) => format!("{} {}:{}", o.field, s.line, s.column),
        (None, OriginKind::Derived) => format!("derived from {}", o.field),
        (None, OriginKind::Default) => "default".to_string(),
        (None, _) => o.field.clone(),
    };
    let text: String = o.text.chars().take(70).collect();
    let ellipsis = if o.text.chars().count() > 70 {
        "…"
    } else {
        ""
    };
    match o.how {
        OriginKind::Default | OriginKind::Derived => format!("[{place}: {text}{ellipsis}]"),
        _ => format!("[{place}: \"{text}{ellipsis}\"]"),
    }
}

fn line<T>(out: &mut String, label: &str, value: impl AsRef<str>, fact: &Fact<T>) {
    // A hedged fact says so on its own line, so nobody takes it as settled.
    let hedge = if fact.origin.unconfirmed {
        " (unconfirmed)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "  {label:<18} {:<44} {}",
        format!("{}{hedge}", value.as_ref()),
        at(&fact.origin)
    );
}

fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e12 {
        format!("{:.1} TB", n / 1e12)
    } else if n >= 1e9 {
        format!("{:.0} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.0} MB", n / 1e6)
    } else {
        format!("{n:.0} B")
    }
}

fn minutes(m: u64) -> String {
    match m {
        0..=1 => "about a minute or less".into(),
        2..=59 => format!("{m} minutes"),
        60..=1439 if m.is_multiple_of(60) => format!("{} hour(s)", m / 60),
        60..=1439 => format!("{:.1} hours", m as f64 / 60.0),
        _ => format!("{:.1} days", m as f64 / 1440.0),
    }
}

fn system(out: &mut String, title: &str, s: &SystemFacts) {
    let _ = writeln!(out, "{title}");
    let mut any = false;
    if let Some(t) = &s.technology {
        line(out, "technology", &t.value.name, t);
        any = true;
    }
    if let Some(v) = &s.version {
        line(out, "version", &v.value, v);
        any = true;
    }
    for h in &s.hosting {
        line(
            out,
            "hosting",
            format!("{} ({})", h.value.name, h.value.kind),
            h,
        );
        any = true;
    }
    if let Some(h) = &s.self_hosted {
        line(
            out,
            "self-hosted",
            if h.value { "yes" } else { "no (managed)" },
            h,
        );
        any = true;
    }
    if let Some(c) = &s.instance_class {
        line(out, "instance class", &c.value, c);
        any = true;
    }
    for t in &s.topology {
        line(out, "topology", &t.value, t);
        any = true;
    }
    for b in &s.backups {
        line(out, "backups", &b.value, b);
        any = true;
    }
    for feature in &s.features {
        line(out, "provides", &feature.value, feature);
        any = true;
    }
    if !any {
        let _ = writeln!(out, "  (nothing understood)");
    }
}

fn bundled(b: &BundledChange) -> String {
    let side = |t: &TechRef, v: &Option<String>| match v {
        Some(v) => format!("{} {v}", t.name),
        None => t.name.clone(),
    };
    format!(
        "{} → {}",
        side(&b.from, &b.from_version),
        side(&b.to, &b.to_version)
    )
}

fn person(p: &Person) -> String {
    let mut v = p.name.clone();
    if let Some(d) = p.duty.as_ref().or(p.role.as_ref()) {
        v.push_str(&format!(" ({d})"));
    }
    for u in &p.unavailable {
        v.push_str(&format!(", away {} to {}", u.from, u.to));
    }
    for every in &p.unavailable_every {
        v.push_str(&format!(", away every: {}", every.name()));
    }
    v
}

fn yearly(rule: &YearlyRule) -> String {
    match rule {
        YearlyRule::WeekOfMonth {
            month,
            ordinal,
            full,
        } => {
            let which = match ordinal {
                -1 => "last".to_string(),
                n => format!("week {n}"),
            };
            let full = if *full { " (full week)" } else { "" };
            format!("every year: {which} of month {month}{full}")
        }
        YearlyRule::BlackFridayWeek => "every year: the week of Black Friday".into(),
        YearlyRule::BlackFridayToCyberMonday => "every year: Thanksgiving to Cyber Monday".into(),
        YearlyRule::Dates {
            from_month,
            from_day,
            to_month,
            to_day,
        } => format!("every year: {from_month:02}-{from_day:02} to {to_month:02}-{to_day:02}"),
    }
}

pub fn render(f: &Facts) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rollgate read {} ({} form); start date {}\n",
        f.input, f.form, f.start_date
    );
    let _ = writeln!(out, "Migration");
    if let Some(t) = &f.title {
        let _ = writeln!(out, "  {:<18} {t}", "title");
    }
    if let Some(s) = &f.migration.summary {
        let short: String = s.value.chars().take(44).collect();
        line(&mut out, "summary", short, s);
    }
    if let Some(c) = &f.migration.component {
        line(&mut out, "what moves", &c.value, c);
    }
    match &f.migration.family {
        Some(fam) => line(&mut out, "family", fam.value.as_str(), fam),
        None => {
            let _ = writeln!(
                out,
                "  {:<18} unknown (pass --mode, or name the technologies)",
                "family"
            );
        }
    }
    for c in &f.migration.changes {
        let name = match c.value {
            ChangeKind::VersionUpgrade => "version upgrade",
            ChangeKind::HostingMove => "hosting move",
            ChangeKind::VendorChange => "vendor change",
            ChangeKind::Other => "no change detected",
        };
        line(&mut out, "change", name, c);
    }
    for u in &f.migration.store_uses {
        line(&mut out, "used for", &u.value, u);
    }
    for g in &f.migration.goals {
        let short: String = g.value.chars().take(44).collect();
        line(&mut out, "goal", short, g);
    }
    for b in &f.migration.bundled {
        line(&mut out, "bundled change", bundled(&b.value), b);
    }
    for o in &f.migration.out_of_scope {
        let mut v: String = o.value.what.chars().take(44).collect();
        if !o.value.technologies.is_empty() {
            let names: Vec<&str> = o
                .value
                .technologies
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            v = format!("{v} ({})", names.join(", "));
        }
        line(&mut out, "out of scope", v, o);
    }
    let _ = writeln!(out);
    system(&mut out, "Source (today)", &f.source);
    let _ = writeln!(out);
    system(&mut out, "Target", &f.target);
    let _ = writeln!(out, "\nScale");
    if let Some(d) = &f.data_size {
        let approx = if d.value.approximate { "~" } else { "" };
        line(
            &mut out,
            "data size",
            format!("{approx}{}", bytes(d.value.bytes)),
            d,
        );
    }
    for r in &f.rates {
        let peak = if r.value.peak { " (peak)" } else { "" };
        line(
            &mut out,
            "rate",
            format!("{:.0} {}/s{peak}", r.value.per_second, r.value.unit),
            r,
        );
    }
    for c in &f.counts {
        let approx = if c.value.approximate { "~" } else { "" };
        line(
            &mut out,
            "count",
            format!("{approx}{} {}", c.value.count, c.value.what),
            c,
        );
    }
    let _ = writeln!(out, "\nRisk");
    line(
        &mut out,
        "criticality",
        f.criticality.value.as_str(),
        &f.criticality,
    );
    for part in &f.criticality_by_part {
        let v = format!("{}: {}", part.value.part, part.value.level.as_str());
        line(&mut out, "  for a part", v, part);
    }
    line(
        &mut out,
        "rollback within",
        minutes(f.rollback_tolerance.value.max_minutes),
        &f.rollback_tolerance,
    );
    for part in &f.rollback_tolerance_by_part {
        let v = format!("{}: {}", part.value.part, minutes(part.value.max_minutes));
        line(&mut out, "  for a part", v, part);
    }
    for s in &f.stakes {
        line(&mut out, "stake", &s.value.kind, s);
    }
    let _ = writeln!(out, "\nCapabilities");
    if f.capabilities.is_empty() {
        let _ = writeln!(out, "  (none stated)");
    }
    for c in &f.capabilities {
        let mut v = format!(
            "{}: {}",
            c.value.kind.as_str(),
            if c.value.present { "yes" } else { "NO" }
        );
        if let Some(p) = &c.value.provider {
            v.push_str(&format!(" via {}", p.name));
        }
        if let Some(m) = &c.value.mechanism {
            v.push_str(&format!(" ({m})"));
        }
        line(&mut out, "capability", v, c);
    }
    let _ = writeln!(out, "\nTeam");
    for m in &f.team.members {
        let mut v = format!("{} × {}", m.value.count, m.value.role_name);
        if m.value.contractor {
            v.push_str(", contractor");
        }
        if m.value.part_time {
            v.push_str(", part-time");
        }
        line(&mut out, "people", v, m);
    }
    if let Some(s) = &f.team.size {
        line(&mut out, "team size", s.value.to_string(), s);
    }
    for p in &f.team.people {
        line(&mut out, "person", person(&p.value), p);
    }
    for z in &f.team.time_zones {
        line(&mut out, "time zone", &z.value, z);
    }
    for a in &f.team.approvals {
        let v = match &a.value.scope {
            Some(scope) => format!("{} signs off on {scope}", a.value.who),
            None => format!("{} signs off", a.value.who),
        };
        line(&mut out, "approval", v, a);
    }
    for e in &f.experience {
        let mut v = format!(
            "{}: {}{}",
            e.value.who,
            if e.value.done { "" } else { "has NOT done " },
            e.value.subject
        );
        if let Some(n) = e.value.count {
            v.push_str(&format!(" ×{n}"));
        }
        if let Some(o) = &e.value.outcome {
            v.push_str(&format!(", {o}"));
        }
        if let Some(d) = e.value.took_days {
            v.push_str(&format!(", took ~{d} days"));
        }
        if let Some(l) = &e.value.lesson {
            v.push_str(&format!(" (because of {l})"));
        }
        line(&mut out, "experience", v, e);
    }
    let _ = writeln!(out, "\nSchedule");
    if let Some(d) = &f.schedule.deadline {
        let mut v = d.value.date.to_string();
        if d.value.reading != v {
            v.push_str(&format!(" ({})", d.value.reading));
        }
        if let Some(r) = &d.value.reason {
            v.push_str(&format!(" for {r}"));
        }
        line(&mut out, "deadline", v, d);
    }
    if let Some(p) = &f.schedule.preferred_duration_days {
        line(&mut out, "preferred length", format!("{} days", p.value), p);
    }
    if let Some(p) = &f.schedule.max_duration_days {
        line(&mut out, "maximum length", format!("{} days", p.value), p);
    }
    for fr in &f.schedule.freezes {
        let v = match &fr.value {
            Freeze::Range { from, to, .. } => format!("{from} to {to}"),
            Freeze::LastBusinessDaysOfMonth { days, .. } => {
                format!("last {days} business day(s) of each month")
            }
            Freeze::FirstBusinessDaysOfMonth { days, .. } => {
                format!("first {days} business day(s) of each month")
            }
            Freeze::DaysOfMonth {
                from_day, to_day, ..
            } => format!("days {from_day}–{to_day} of every month"),
            Freeze::LastBusinessDaysOfQuarter { days, .. } => {
                format!("last {days} business day(s) of each quarter")
            }
            Freeze::Weekdays { weekdays, .. } => {
                format!("every week on day(s) {weekdays:?} (1 = Monday)")
            }
            Freeze::Yearly { rule, .. } => yearly(rule),
            Freeze::Unresolved { .. } => "dates unknown: add them to the spec".into(),
        };
        line(&mut out, "freeze", v, fr);
    }
    for h in &f.schedule.holidays {
        line(&mut out, "holiday", h.value.to_string(), h);
    }
    for c in &f.schedule.holiday_countries {
        line(&mut out, "holidays of", &c.value, c);
    }
    for b in &f.budgeted_tools {
        line(&mut out, "budgeted tool", &b.value.name, b);
    }
    let _ = writeln!(out, "\nIntegrations");
    if f.integrations.is_empty() {
        let _ = writeln!(out, "  (none named)");
    }
    for i in &f.integrations {
        let kinds: Vec<&str> = i.value.kinds.iter().map(|k| k.as_str()).collect();
        let mut v = kinds.join(", ");
        if let Some(n) = i.value.count {
            v.push_str(&format!(" ×{n}"));
        }
        if !i.value.mechanisms.is_empty() {
            v.push_str(&format!(" [{}]", i.value.mechanisms.join(", ")));
        }
        line(&mut out, "integration", v, i);
    }
    let named: Vec<String> = {
        let mut seen = Vec::new();
        for t in &f.technologies {
            let mut n = t.value.tech.name.clone();
            if t.value.negated {
                n = format!("not {n}");
            }
            if !seen.contains(&n) {
                seen.push(n);
            }
        }
        seen
    };
    let _ = writeln!(
        out,
        "\nTechnologies named: {}",
        if named.is_empty() {
            "none".into()
        } else {
            named.join(", ")
        }
    );
    if !f.absences.is_empty() {
        let _ = writeln!(out, "\nStated as absent");
        for a in &f.absences {
            line(&mut out, "none of", &a.value, a);
        }
    }
    if !f.hedges.is_empty() {
        let _ = writeln!(out, "\nUnconfirmed (planned on as written, asked back)");
        for h in &f.hedges {
            let short: String = h.value.statement.chars().take(44).collect();
            line(&mut out, &h.value.marker, short, h);
        }
    }
    if !f.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for w in &f.warnings {
            let place = w
                .span
                .map(|s| format!("{}:{}:{}: ", f.input, s.line, s.column))
                .unwrap_or_default();
            let _ = writeln!(out, "  warning[{}]: {place}{}", w.code, w.message);
        }
    }
    if !f.uninterpreted.is_empty() {
        let _ = writeln!(
            out,
            "\nNot interpreted (rollgate read these words but took no fact from them)"
        );
        for u in &f.uninterpreted {
            let place = u
                .span
                .map(|s| format!("{}:{}:{}", f.input, s.line, s.column))
                .unwrap_or_else(|| u.field.clone());
            let _ = writeln!(out, "  {place} [{}]: \"{}\"", u.field, u.text);
        }
    }
    printable(out)
}
