//! The intake corpus: inputs written the way people write migrations
//! (bullet lists, long prose, chat pastes, emails, non-native English),
//! each with an expectations file saying what must be read from it and
//! what must not become a fact.
//!
//! Layout, under `tests/corpus/`:
//! - `NAME.txt` (or `.toml`, `.yaml`, `.json`) with `NAME.expect.toml`;
//! - `NAME.a.txt` and `NAME.b.txt`: two phrasings of one migration, both
//!   checked against the one `NAME.expect.toml`, and against each other.
//!
//! Every mismatch of every input is reported at once. An expectation that
//! cannot be met yet is listed under `known_misses` in its file: it still
//! counts as unmet in the accuracy table, and the test fails when a known
//! miss starts to pass, so the list cannot go stale either way.
//!
//! The table in `docs/intake-accuracy.md` is generated from this run:
//! `UPDATE_ACCURACY=1 cargo test -p rollgate-intake --test corpus` rewrites
//! it; a normal run fails when the committed table differs from the
//! numbers the run produced, so the published accuracy cannot drift.

use jiff::civil::{date, Date};
use rollgate_intake::{read_path, Facts, Freeze, YearlyRule};
use rollgate_knowledge::Knowledge;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DEFAULT_START: Date = date(2026, 4, 27);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// The plan's start date, when the input's relative dates need one.
    start: Option<Date>,
    #[serde(default)]
    subject: Subject,
    #[serde(default)]
    roles: Roles,
    #[serde(default)]
    schedule: Schedule,
    #[serde(default)]
    stakes: Stakes,
    #[serde(default)]
    team: Team,
    #[serde(default)]
    history: Vec<History>,
    /// Words each hedged statement ("to confirm", "probably") kept as an
    /// unconfirmed fact must contain.
    /// An empty list: nothing may be read as hedged.
    hedges: Option<Vec<String>>,
    /// Strings that must not appear among the values intake produced
    /// (technology names, counts, roles, parts, capabilities…), compared
    /// case-insensitively.
    #[serde(default)]
    must_not_contain: Vec<String>,
    /// Labels (or label prefixes) of expectations known to fail today.
    #[serde(default)]
    known_misses: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Subject {
    source: Option<String>,
    source_version: Option<String>,
    target: Option<String>,
    target_version: Option<String>,
    family: Option<String>,
    /// A word the moving component must contain ("invoicing").
    component: Option<String>,
    /// Catalog ids that must be among the side's hosting.
    #[serde(default)]
    source_hosting: Vec<String>,
    #[serde(default)]
    target_hosting: Vec<String>,
    /// Changes bundled with the subject, as `ID FROM->TO` ("python
    /// 3.8->3.11").
    #[serde(default)]
    bundled: Vec<String>,
    /// Words each feature the source provides must contain ("TOTP").
    #[serde(default)]
    source_features: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Roles {
    /// Catalog ids that are named but must be neither source nor target.
    #[serde(default)]
    not_subject: Vec<String>,
    /// Catalog ids that must be read as (part of) an integration.
    #[serde(default)]
    integration: Vec<String>,
    /// Words (or catalog ids) of what the input puts outside this
    /// migration ("express", "cloud").
    #[serde(default)]
    out_of_scope: Vec<String>,
    /// Text one integration's name must contain, whole ("Stripe (webhooks,
    /// customer portal)"): the list was not split inside it.
    #[serde(default)]
    integration_named: Vec<String>,
    /// Integration kinds that must not be read from any integration
    /// ("payment" for a framework upgrade that merely calls Stripe).
    #[serde(default)]
    no_integration_kind: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Schedule {
    /// `YYYY-MM-DD`, or `none` when the input sets no deadline.
    deadline: Option<String>,
    /// The longest the migration may take, in days ("done in 3 months").
    max_duration_days: Option<u32>,
    /// Each as `range FROM..TO`, `last-business-days N`,
    /// `first-business-days N`, `weekdays 1,5` or `unresolved`.
    freezes: Option<Vec<String>>,
    /// ISO codes of countries whose holidays must apply.
    /// An empty list: no country may be read.
    holiday_countries: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stakes {
    criticality: Option<String>,
    /// `PART=LEVEL`; PART is a word the part's name must contain.
    #[serde(default)]
    parts: Vec<String>,
    /// Stake kinds that must be read (revenue, compliance…).
    #[serde(default)]
    kinds: Vec<String>,
    tolerance_minutes: Option<u64>,
    /// `PART=MINUTES`; PART is a word the part's name must contain.
    /// An empty list: the tolerance must not be split by part.
    tolerance_parts: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Team {
    /// `ROLE-ID=COUNT`.
    #[serde(default)]
    members: Vec<String>,
    headcount: Option<u32>,
    /// Words each required approver's name must contain.
    #[serde(default)]
    approvals: Vec<String>,
    /// Words an absence must contain ("DBA", "freezes").
    #[serde(default)]
    absences: Vec<String>,
    /// `KIND=yes|no` (feature-flags=no).
    #[serde(default)]
    capabilities: Vec<String>,
    /// `NAME`, `NAME=ROLE` or `NAME away FROM..TO` for people the input
    /// names.
    /// An empty list: nobody may be read as a named person.
    people: Option<Vec<String>>,
    /// IANA zones that must be read; an empty list: none may be.
    time_zones: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct History {
    done: Option<bool>,
    took_days: Option<u32>,
    /// A word the outcome must contain ("rolled back").
    outcome: Option<String>,
    /// A word the lesson must contain.
    lesson: Option<String>,
}

/// One checked expectation.
struct Check {
    kind: &'static str,
    label: String,
    /// `None` when met; otherwise what was found instead.
    miss: Option<String>,
}

struct Checks(Vec<Check>);

impl Checks {
    fn push(&mut self, kind: &'static str, label: String, miss: Option<String>) {
        self.0.push(Check { kind, label, miss });
    }

    /// A version matches when it is the one expected or a more precise
    /// reading of it ("11.19" for "11"): the input may state both.
    fn version(&mut self, kind: &'static str, want: &str, got: Option<String>) {
        let ok = got
            .as_deref()
            .is_some_and(|g| g == want || g.starts_with(&format!("{want}.")));
        self.push(
            kind,
            format!("{kind} = {want}"),
            (!ok).then(|| format!("got {}", got.unwrap_or_else(|| "nothing".into()))),
        );
    }

    fn eq(&mut self, kind: &'static str, want: &str, got: Option<String>) {
        let ok = got.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(want));
        self.push(
            kind,
            format!("{kind} = {want}"),
            (!ok).then(|| format!("got {}", got.unwrap_or_else(|| "nothing".into()))),
        );
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn accuracy_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/intake-accuracy.md")
}

/// Inputs grouped by their expectations file: (expect path, inputs).
fn cases() -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut by_name: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut expects = Vec::new();
    for entry in std::fs::read_dir(corpus_dir()).expect("corpus directory") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".expect.toml") {
            expects.push(stem.to_string());
            continue;
        }
        let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
        let stem = stem
            .strip_suffix(".a")
            .or_else(|| stem.strip_suffix(".b"))
            .unwrap_or(stem);
        by_name.entry(stem.to_string()).or_default().push(path);
    }
    let mut out = Vec::new();
    for stem in &expects {
        let inputs = by_name.remove(stem).unwrap_or_default();
        assert!(!inputs.is_empty(), "{stem}.expect.toml has no input");
        out.push((corpus_dir().join(format!("{stem}.expect.toml")), inputs));
    }
    assert!(
        by_name.is_empty(),
        "inputs without an expectations file: {:?}",
        by_name.keys().collect::<Vec<_>>()
    );
    out.sort();
    out
}

fn freeze_str(f: &Freeze) -> String {
    match f {
        Freeze::Range { from, to, .. } => format!("range {from}..{to}"),
        Freeze::LastBusinessDaysOfMonth { days, .. } => format!("last-business-days {days}"),
        Freeze::FirstBusinessDaysOfMonth { days, .. } => format!("first-business-days {days}"),
        Freeze::DaysOfMonth {
            from_day, to_day, ..
        } => format!("days-of-month {from_day}-{to_day}"),
        Freeze::Weekdays { weekdays, .. } => format!(
            "weekdays {}",
            weekdays
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
        Freeze::LastBusinessDaysOfQuarter { days, .. } => {
            format!("last-business-days-of-quarter {days}")
        }
        Freeze::Yearly { rule, .. } => match rule {
            YearlyRule::WeekOfMonth {
                month,
                ordinal,
                full,
            } => format!(
                "yearly week {ordinal} of month {month}{}",
                if *full { " full" } else { "" }
            ),
            YearlyRule::BlackFridayWeek => "yearly black-friday-week".into(),
            YearlyRule::BlackFridayToCyberMonday => "yearly black-friday-to-cyber-monday".into(),
            YearlyRule::Dates {
                from_month,
                from_day,
                to_month,
                to_day,
            } => format!("yearly {from_month:02}-{from_day:02}..{to_month:02}-{to_day:02}"),
        },
        Freeze::Unresolved { .. } => "unresolved".into(),
    }
}

/// The values intake produced, as short strings, for `must_not_contain`:
/// what would reach a plan, not the input words quoted as origins.
fn produced_values(f: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    for t in &f.technologies {
        out.push(t.value.tech.name.clone());
        out.push(t.value.tech.id.clone());
    }
    for side in [&f.source, &f.target] {
        if let Some(t) = &side.technology {
            out.push(t.value.name.clone());
        }
        if let Some(v) = &side.version {
            out.push(format!("version {}", v.value));
        }
    }
    for c in &f.counts {
        out.push(format!("{} {}", c.value.count, c.value.what));
    }
    for m in &f.team.members {
        out.push(format!("{} {}", m.value.count, m.value.role_name));
        out.push(format!("{} {}", m.value.count, m.value.role));
    }
    if let Some(s) = &f.team.size {
        out.push(format!("team of {}", s.value));
    }
    for a in &f.team.approvals {
        out.push(a.value.who.clone());
    }
    for a in &f.absences {
        out.push(a.value.clone());
    }
    for s in &f.stakes {
        out.push(s.value.kind.clone());
    }
    for p in &f.criticality_by_part {
        out.push(p.value.part.clone());
    }
    for c in &f.capabilities {
        out.push(format!(
            "{}={}",
            c.value.kind.as_str(),
            if c.value.present { "yes" } else { "no" }
        ));
    }
    for i in &f.integrations {
        for k in &i.value.kinds {
            out.push(format!("integration {}", k.as_str()));
        }
    }
    if let Some(c) = &f.migration.component {
        out.push(c.value.clone());
    }
    if let Some(d) = &f.schedule.max_duration_days {
        out.push(format!("at most {} days", d.value));
    }
    out
}

fn check(e: &Expect, f: &Facts) -> Vec<Check> {
    let mut c = Checks(Vec::new());
    let tech = |s: &rollgate_intake::SystemFacts| s.technology.as_ref().map(|t| t.value.id.clone());
    let version = |s: &rollgate_intake::SystemFacts| s.version.as_ref().map(|v| v.value.clone());

    // Subject.
    let s = &e.subject;
    if let Some(w) = &s.source {
        c.eq("source", w, tech(&f.source));
    }
    if let Some(w) = &s.source_version {
        c.version("source-version", w, version(&f.source));
    }
    if let Some(w) = &s.target {
        c.eq("target", w, tech(&f.target));
    }
    if let Some(w) = &s.target_version {
        c.version("target-version", w, version(&f.target));
    }
    for (kind, want, side) in [
        ("source-hosting", &s.source_hosting, &f.source),
        ("target-hosting", &s.target_hosting, &f.target),
    ] {
        let got: Vec<&str> = side.hosting.iter().map(|h| h.value.id.as_str()).collect();
        for w in want {
            c.push(
                kind,
                format!("{kind}: {w}"),
                (!got.contains(&w.as_str())).then(|| format!("got {got:?}")),
            );
        }
    }
    if let Some(w) = &s.family {
        c.eq(
            "family",
            w,
            f.migration.family.as_ref().map(|x| x.value.as_str().into()),
        );
    }
    if let Some(w) = &s.component {
        let got = f.migration.component.as_ref().map(|x| x.value.clone());
        let ok = got
            .as_deref()
            .is_some_and(|g| g.to_lowercase().contains(&w.to_lowercase()));
        c.push(
            "component",
            format!("component ~ {w}"),
            (!ok).then(|| format!("got {got:?}")),
        );
    }

    let bundled: Vec<String> = f
        .migration
        .bundled
        .iter()
        .map(|b| {
            let b = &b.value;
            let side = |t: &rollgate_intake::TechRef, v: &Option<String>| match v {
                Some(v) if b.from.id == b.to.id => v.clone(),
                Some(v) => format!("{} {v}", t.id),
                None => t.id.clone(),
            };
            if b.from.id == b.to.id {
                format!(
                    "{} {}->{}",
                    b.from.id,
                    side(&b.from, &b.from_version),
                    side(&b.to, &b.to_version)
                )
            } else {
                format!(
                    "{}->{}",
                    side(&b.from, &b.from_version),
                    side(&b.to, &b.to_version)
                )
            }
        })
        .collect();
    for w in &s.bundled {
        c.push(
            "bundled",
            format!("bundled: {w}"),
            (!bundled.contains(w)).then(|| format!("got {bundled:?}")),
        );
    }

    let features: Vec<String> = f
        .source
        .features
        .iter()
        .map(|x| x.value.to_lowercase())
        .collect();
    for w in &s.source_features {
        c.push(
            "feature",
            format!("feature: {w}"),
            (!features.iter().any(|g| g.contains(&w.to_lowercase())))
                .then(|| format!("got {features:?}")),
        );
    }

    // Roles.
    let names: Vec<&str> = f
        .integrations
        .iter()
        .map(|i| i.value.name.as_str())
        .collect();
    for w in &e.roles.integration_named {
        c.push(
            "integration-split",
            format!("integration-split: {w}"),
            (!names.iter().any(|n| n.contains(w.as_str()))).then(|| format!("got {names:?}")),
        );
    }
    for w in &e.roles.out_of_scope {
        let lw = w.to_lowercase();
        let got: Vec<String> = f
            .migration
            .out_of_scope
            .iter()
            .map(|o| o.value.what.to_lowercase())
            .collect();
        let ok = f.migration.out_of_scope.iter().any(|o| {
            o.value.what.to_lowercase().contains(&lw)
                || o.value.technologies.iter().any(|t| t.id == *w)
        });
        c.push(
            "scope",
            format!("scope: {w} is out of this migration"),
            (!ok).then(|| format!("got {got:?}")),
        );
    }
    for id in &e.roles.not_subject {
        let on = [tech(&f.source), tech(&f.target)]
            .into_iter()
            .flatten()
            .any(|t| &t == id);
        c.push(
            "role",
            format!("role: {id} is not the subject"),
            on.then(|| format!("{id} is source or target")),
        );
    }
    for id in &e.roles.integration {
        let ok = f
            .integrations
            .iter()
            .any(|i| i.value.technologies.iter().any(|t| &t.id == id));
        c.push(
            "role",
            format!("role: {id} is an integration"),
            (!ok).then(|| "not among the integrations' technologies".to_string()),
        );
    }
    for k in &e.roles.no_integration_kind {
        let hit: Vec<String> = f
            .integrations
            .iter()
            .filter(|i| i.value.kinds.iter().any(|x| x.as_str() == k))
            .map(|i| i.value.name.clone())
            .collect();
        c.push(
            "role",
            format!("role: no {k} integration"),
            (!hit.is_empty()).then(|| format!("read as {k}: {hit:?}")),
        );
    }

    // Schedule.
    if let Some(w) = &e.schedule.deadline {
        let got = f
            .schedule
            .deadline
            .as_ref()
            .map(|d| d.value.date.to_string());
        if w == "none" {
            c.push(
                "deadline",
                "deadline: none".into(),
                got.map(|g| format!("got {g}")),
            );
        } else {
            c.eq("deadline", w, got);
        }
    }
    if let Some(w) = e.schedule.max_duration_days {
        let got = f.schedule.max_duration_days.as_ref().map(|d| d.value);
        c.push(
            "duration",
            format!("duration: at most {w} days"),
            (got != Some(w)).then(|| format!("got {got:?}")),
        );
    }
    if let Some(want) = &e.schedule.freezes {
        let got: Vec<String> = f
            .schedule
            .freezes
            .iter()
            .map(|z| freeze_str(&z.value))
            .collect();
        for w in want {
            c.push(
                "freeze",
                format!("freeze: {w}"),
                (!got.contains(w)).then(|| format!("got {got:?}")),
            );
        }
        let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
        c.push(
            "freeze",
            "freeze: nothing else".into(),
            (!extra.is_empty()).then(|| format!("also read {extra:?}")),
        );
    }

    let countries: Vec<&str> = f
        .schedule
        .holiday_countries
        .iter()
        .map(|x| x.value.as_str())
        .collect();
    none_expected(
        &mut c,
        "place",
        "holiday countries",
        &e.schedule.holiday_countries,
        &countries,
    );
    for w in e.schedule.holiday_countries.iter().flatten() {
        c.push(
            "place",
            format!("place: holidays of {w}"),
            (!countries.contains(&w.as_str())).then(|| format!("got {countries:?}")),
        );
    }

    // Stakes.
    if let Some(w) = &e.stakes.criticality {
        c.eq(
            "criticality",
            w,
            Some(f.criticality.value.as_str().to_string()),
        );
    }
    for p in &e.stakes.parts {
        let (part, level) = p.split_once('=').expect("PART=LEVEL");
        let ok = f.criticality_by_part.iter().any(|x| {
            x.value.part.to_lowercase().contains(&part.to_lowercase())
                && x.value.level.as_str() == level
        });
        let got: Vec<String> = f
            .criticality_by_part
            .iter()
            .map(|x| format!("{}={}", x.value.part, x.value.level.as_str()))
            .collect();
        c.push(
            "criticality-part",
            format!("criticality-part: {p}"),
            (!ok).then(|| format!("got {got:?}")),
        );
    }
    for k in &e.stakes.kinds {
        let got: Vec<&str> = f.stakes.iter().map(|s| s.value.kind.as_str()).collect();
        c.push(
            "stake",
            format!("stake: {k}"),
            (!got.contains(&k.as_str())).then(|| format!("got {got:?}")),
        );
    }
    if let Some(w) = e.stakes.tolerance_minutes {
        let got = f.rollback_tolerance.value.max_minutes;
        let defaulted = f.rollback_tolerance.origin.how == rollgate_intake::OriginKind::Default;
        c.push(
            "tolerance",
            format!("tolerance: {w} min"),
            (got != w || defaulted)
                .then(|| format!("got {got} min{}", if defaulted { " (default)" } else { "" })),
        );
    }

    let part_names: Vec<String> = f
        .rollback_tolerance_by_part
        .iter()
        .map(|x| x.value.part.clone())
        .collect();
    none_expected(
        &mut c,
        "tolerance-part",
        "tolerance parts",
        &e.stakes.tolerance_parts,
        &part_names,
    );
    for p in e.stakes.tolerance_parts.iter().flatten() {
        let (part, minutes) = p.split_once('=').expect("PART=MINUTES");
        let minutes: u64 = minutes.parse().expect("minutes");
        let got: Vec<String> = f
            .rollback_tolerance_by_part
            .iter()
            .map(|x| format!("{}={}", x.value.part, x.value.max_minutes))
            .collect();
        let ok = f.rollback_tolerance_by_part.iter().any(|x| {
            x.value.part.to_lowercase().contains(&part.to_lowercase())
                && x.value.max_minutes == minutes
        });
        c.push(
            "tolerance-part",
            format!("tolerance-part: {p}"),
            (!ok).then(|| format!("got {got:?}")),
        );
    }

    // Team.
    let members: Vec<String> = f
        .team
        .members
        .iter()
        .map(|m| format!("{}={}", m.value.role, m.value.count))
        .collect();
    for m in &e.team.members {
        c.push(
            "team",
            format!("team: {m}"),
            (!members.contains(m)).then(|| format!("got {members:?}")),
        );
    }
    if let Some(w) = e.team.headcount {
        let got = f.team.headcount();
        c.push(
            "team",
            format!("team: headcount {w}"),
            (got != w).then(|| format!("got {got}")),
        );
    }
    for a in &e.team.approvals {
        let got: Vec<String> = f
            .team
            .approvals
            .iter()
            .map(|x| x.value.who.to_lowercase())
            .collect();
        c.push(
            "approval",
            format!("approval: {a}"),
            (!got.iter().any(|g| g.contains(&a.to_lowercase()))).then(|| format!("got {got:?}")),
        );
    }
    for a in &e.team.absences {
        let got: Vec<String> = f.absences.iter().map(|x| x.value.to_lowercase()).collect();
        c.push(
            "absence",
            format!("absence: {a}"),
            (!got.iter().any(|g| g.contains(&a.to_lowercase()))).then(|| format!("got {got:?}")),
        );
    }
    for cap in &e.team.capabilities {
        let (kind, present) = cap.split_once('=').expect("KIND=yes|no");
        let present = present == "yes";
        let got: Vec<String> = f
            .capabilities
            .iter()
            .map(|x| {
                format!(
                    "{}={}",
                    x.value.kind.as_str(),
                    if x.value.present { "yes" } else { "no" }
                )
            })
            .collect();
        let ok = f
            .capabilities
            .iter()
            .any(|x| x.value.kind.as_str() == kind && x.value.present == present);
        c.push(
            "capability",
            format!("capability: {cap}"),
            (!ok).then(|| format!("got {got:?}")),
        );
    }

    let people: Vec<String> = f
        .team
        .people
        .iter()
        .map(|x| {
            let p = &x.value;
            let mut v = p.name.clone();
            if let Some(r) = &p.role {
                v.push_str(&format!("={r}"));
            }
            for u in &p.unavailable {
                v.push_str(&format!(" away {}..{}", u.from, u.to));
            }
            v
        })
        .collect();
    none_expected(&mut c, "person", "people", &e.team.people, &people);
    for want in e.team.people.iter().flatten() {
        let ok = f.team.people.iter().any(|x| {
            let p = &x.value;
            let (head, away) = match want.split_once(" away ") {
                Some((h, a)) => (h, Some(a)),
                None => (want.as_str(), None),
            };
            let (name, role) = match head.split_once('=') {
                Some((n, r)) => (n, Some(r)),
                None => (head, None),
            };
            p.name.eq_ignore_ascii_case(name)
                && role.is_none_or(|r| p.role.as_deref() == Some(r))
                && away.is_none_or(|a| {
                    p.unavailable
                        .iter()
                        .any(|u| format!("{}..{}", u.from, u.to) == a)
                })
        });
        c.push(
            "person",
            format!("person: {want}"),
            (!ok).then(|| format!("got {people:?}")),
        );
    }
    let zones: Vec<&str> = f.team.time_zones.iter().map(|z| z.value.as_str()).collect();
    none_expected(&mut c, "place", "time zones", &e.team.time_zones, &zones);
    for z in e.team.time_zones.iter().flatten() {
        c.push(
            "place",
            format!("place: time zone {z}"),
            (!zones.contains(&z.as_str())).then(|| format!("got {zones:?}")),
        );
    }
    let hedges: Vec<String> = f
        .hedges
        .iter()
        .map(|h| h.value.statement.to_lowercase())
        .collect();
    none_expected(&mut c, "hedge", "hedges", &e.hedges, &hedges);
    for w in e.hedges.iter().flatten() {
        c.push(
            "hedge",
            format!("hedge: {w}"),
            (!hedges.iter().any(|h| h.contains(&w.to_lowercase())))
                .then(|| format!("got {hedges:?}")),
        );
    }

    // History.
    for h in &e.history {
        let ok = f.experience.iter().any(|x| {
            let x = &x.value;
            h.done.is_none_or(|d| d == x.done)
                && h.took_days.is_none_or(|d| x.took_days == Some(d))
                && h.outcome.as_ref().is_none_or(|o| {
                    x.outcome
                        .as_deref()
                        .is_some_and(|g| g.to_lowercase().contains(&o.to_lowercase()))
                })
                && h.lesson.as_ref().is_none_or(|o| {
                    x.lesson
                        .as_deref()
                        .is_some_and(|g| g.to_lowercase().contains(&o.to_lowercase()))
                })
        });
        let got: Vec<String> = f
            .experience
            .iter()
            .map(|x| {
                format!(
                    "done={} took={:?} outcome={:?} lesson={:?}",
                    x.value.done, x.value.took_days, x.value.outcome, x.value.lesson
                )
            })
            .collect();
        c.push(
            "history",
            format!(
                "history: done={:?} took={:?} outcome={:?} lesson={:?}",
                h.done, h.took_days, h.outcome, h.lesson
            ),
            (!ok).then(|| format!("got {got:?}")),
        );
    }

    // Words that must not become facts.
    let values: Vec<String> = produced_values(f)
        .into_iter()
        .map(|v| v.to_lowercase())
        .collect();
    for w in &e.must_not_contain {
        let lw = w.to_lowercase();
        let hit: Vec<&String> = values.iter().filter(|v| v.contains(&lw)).collect();
        c.push(
            "must-not",
            format!("must-not: {w}"),
            (!hit.is_empty()).then(|| format!("produced {hit:?}")),
        );
    }
    c.0
}

/// An expectation written as an empty list says none may be read.
fn none_expected<T: std::fmt::Debug>(
    c: &mut Checks,
    kind: &'static str,
    what: &str,
    want: &Option<Vec<String>>,
    got: &[T],
) {
    if want.as_ref().is_some_and(|w| w.is_empty()) {
        c.push(
            kind,
            format!("{kind}: no {what}"),
            (!got.is_empty()).then(|| format!("read {got:?}")),
        );
    }
}

/// The known miss covering this expectation, if any. An entry is a label
/// prefix ("deadline"), or `FILE-SUFFIX :: label prefix` when only one
/// phrasing misses it ("b.txt :: deadline").
fn known_miss(misses: &[String], file: &str, label: &str) -> Option<usize> {
    misses.iter().position(|m| match m.split_once(" :: ") {
        Some((suffix, prefix)) => file.ends_with(suffix) && label.starts_with(prefix),
        None => label.starts_with(m.as_str()),
    })
}

/// The key facts two phrasings of one migration must agree on.
fn key_facts(f: &Facts) -> Vec<(&'static str, String)> {
    let side = |s: &rollgate_intake::SystemFacts| {
        format!(
            "{:?} {:?}",
            s.technology.as_ref().map(|t| &t.value.id),
            s.version.as_ref().map(|v| &v.value)
        )
    };
    let mut freezes: Vec<String> = f
        .schedule
        .freezes
        .iter()
        .map(|z| freeze_str(&z.value))
        .collect();
    freezes.sort();
    vec![
        ("source", side(&f.source)),
        ("target", side(&f.target)),
        (
            "family",
            format!("{:?}", f.migration.family.as_ref().map(|x| x.value)),
        ),
        (
            "deadline",
            format!("{:?}", f.schedule.deadline.as_ref().map(|d| d.value.date)),
        ),
        ("freezes", format!("{freezes:?}")),
        ("criticality", f.criticality.value.as_str().to_string()),
        (
            "tolerance",
            format!("{}", f.rollback_tolerance.value.max_minutes),
        ),
    ]
}

#[derive(Default)]
struct Row {
    met: usize,
    total: usize,
    /// The same for the `holdout-` inputs alone: written after the misreads
    /// of the rest were fixed, so they measure phrasing intake was not
    /// tuned on.
    holdout_met: usize,
    holdout_total: usize,
}

impl Row {
    fn count(&mut self, met: bool, holdout: bool) {
        self.total += 1;
        self.met += usize::from(met);
        if holdout {
            self.holdout_total += 1;
            self.holdout_met += usize::from(met);
        }
    }
}

fn table(
    rows: &BTreeMap<&'static str, Row>,
    inputs: usize,
    pairs: usize,
    misses: &[String],
) -> String {
    let mut out = String::from(
        "# Intake accuracy on the corpus\n\n\
         Generated by `UPDATE_ACCURACY=1 cargo test -p rollgate-intake --test corpus`;\n\
         a normal test run fails when this table differs from what the run measures.\n\
         The inputs and their expectations are in `crates/rollgate-intake/tests/corpus/`;\n\
         unmet expectations are listed there as `known_misses`.\n\n",
    );
    out.push_str(&format!(
        "{inputs} inputs ({pairs} migrations written in two phrasings).\n\n"
    ));
    out.push_str(
        "The holdout columns count only the `holdout-` inputs, written after the\n\
         misreads found in the others were fixed. The first eight met 123 of 137\n\
         expectations on their first run (commit 56c5fe6); the classes of misreads\n\
         they showed were then fixed, except the known misses below. The\n\
         `holdout-2-` inputs were written last and not tuned against at all.\n\n\
         The `r3-` inputs (per-part tolerances, named people and absences,\n\
         places in prose, recurring freezes, hedged items, features, and one\n\
         input of neighbours where none of these may fire) were written after\n\
         those readers, by the same hand, so they are not a holdout. On their\n\
         first run they met 115 of 122 expectations: places stated outside the\n\
         tags, a lower-case chat name's absence, a part named as the subject\n\
         that leaves the monolith and \"Kenji …, who is away\" were missed;\n\
         each was fixed as a class, with unit tests (one expectation of\n\
         features joined by commas was itself wrong and was corrected).\n\n",
    );
    out.push_str(
        "| fact kind | met | total | accuracy | holdout met | holdout total |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let mut all = Row::default();
    let pct = |m: usize, t: usize| 100.0 * m as f64 / t.max(1) as f64;
    for (kind, r) in rows {
        all.met += r.met;
        all.total += r.total;
        all.holdout_met += r.holdout_met;
        all.holdout_total += r.holdout_total;
        out.push_str(&format!(
            "| {kind} | {} | {} | {:.1}% | {} | {} |\n",
            r.met,
            r.total,
            pct(r.met, r.total),
            r.holdout_met,
            r.holdout_total
        ));
    }
    out.push_str(&format!(
        "| **all** | **{}** | **{}** | **{:.1}%** | **{}** | **{}** |\n",
        all.met,
        all.total,
        pct(all.met, all.total),
        all.holdout_met,
        all.holdout_total
    ));
    out.push_str("\n## Known misses\n\n");
    if misses.is_empty() {
        out.push_str("None.\n");
    }
    for m in misses {
        out.push_str(&format!("- {m}\n"));
    }
    out
}

#[test]
fn the_corpus_reads_as_expected_and_the_accuracy_table_is_current() {
    let k = Knowledge::builtin().unwrap();
    let mut problems = Vec::new();
    let mut rows: BTreeMap<&'static str, Row> = BTreeMap::new();
    let mut inputs = 0;
    let mut pairs = 0;
    // Expectations listed as known misses, as the table shows them.
    let mut known_list: Vec<String> = Vec::new();
    for (expect_path, files) in cases() {
        let text = std::fs::read_to_string(&expect_path).unwrap();
        let e: Expect = match toml::from_str(&text) {
            Ok(e) => e,
            Err(err) => {
                problems.push(format!("{}: {err}", expect_path.display()));
                continue;
            }
        };
        let start = e.start.unwrap_or(DEFAULT_START);
        let mut read = Vec::new();
        let mut used_misses = vec![false; e.known_misses.len()];
        for file in &files {
            inputs += 1;
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let facts = match read_path(file.to_str().unwrap(), &k, start) {
                Ok(f) => f,
                Err(err) => {
                    problems.push(format!("{name}: intake failed: {err}"));
                    continue;
                }
            };
            let holdout = name.starts_with("holdout-");
            for ch in check(&e, &facts) {
                let row = rows.entry(ch.kind).or_default();
                row.count(ch.miss.is_none(), holdout);
                let known = known_miss(&e.known_misses, &name, &ch.label);
                match (&ch.miss, known) {
                    (None, Some(i)) => {
                        used_misses[i] = true;
                        problems.push(format!(
                            "{name}: [{}] known miss `{}` is now met: remove it from known_misses",
                            ch.kind, e.known_misses[i]
                        ));
                    }
                    (None, None) => {}
                    (Some(why), Some(i)) => {
                        used_misses[i] = true;
                        known_list.push(format!("`{name}` [{}] {}: {why}", ch.kind, ch.label));
                    }
                    (Some(why), None) => {
                        problems.push(format!("{name}: [{}] {}: {why}", ch.kind, ch.label))
                    }
                }
            }
            read.push((name, facts));
        }
        if let [(a_name, a), (b_name, b)] = read.as_slice() {
            pairs += 1;
            let row = rows.entry("pair-agreement").or_default();
            for ((what, x), (_, y)) in key_facts(a).into_iter().zip(key_facts(b)) {
                row.count(x == y, a_name.starts_with("holdout-"));
                let label = format!("pair-agreement: {what}");
                let known = known_miss(&e.known_misses, a_name, &label);
                if let Some(i) = known {
                    used_misses[i] = true;
                }
                if x == y {
                    if known.is_some() {
                        problems.push(format!(
                            "{a_name}/{b_name}: known miss for {what} is now met"
                        ));
                    }
                } else if known.is_some() {
                    known_list.push(format!(
                        "`{a_name}` / `{b_name}` [pair-agreement] {what}: {x} vs {y}"
                    ));
                } else {
                    problems.push(format!(
                        "{a_name} / {b_name}: [pair-agreement] {what} differs: {x} vs {y}"
                    ));
                }
            }
        }
        for (m, used) in e.known_misses.iter().zip(&used_misses) {
            if !used {
                problems.push(format!(
                    "{}: known miss `{m}` matches no expectation",
                    expect_path.display()
                ));
            }
        }
    }
    if inputs < 40 {
        problems.push(format!(
            "the corpus holds {inputs} inputs; it must hold at least 40"
        ));
    }
    if pairs < 10 {
        problems.push(format!(
            "{pairs} migrations come in two phrasings; at least 10 must"
        ));
    }

    known_list.sort();
    let fresh = table(&rows, inputs, pairs, &known_list);
    let path = accuracy_path();
    if std::env::var_os("UPDATE_ACCURACY").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    } else {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != fresh {
            problems.push(format!(
                "{} is stale; run UPDATE_ACCURACY=1 cargo test -p rollgate-intake --test corpus\n{fresh}",
                path.display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} corpus problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
