//! Turns prose fields (from tags or spec `description`s) and structured spec
//! values into one [`Facts`]. Structured values override prose; every clause
//! of prose that yielded nothing is reported as uninterpreted.

use crate::error::{IntakeError, Location, Problem, Problems};
use crate::extract::{self, dates::DurationRole, tech::TechHit, tech::TechMatcher, Hit};
use crate::facts::*;
use crate::source::{quoted, SourceText};
use crate::{date_in_range, EARLIEST_YEAR, LATEST_YEAR, MAX_PLAN_DAYS};

/// How many characters of a user's value an error message quotes.
const QUOTE_CHARS: usize = 80;
use crate::spec::{self, Spec};
use crate::tagged::Tag;
use jiff::civil::Date;
use rollgate_knowledge::{Knowledge, TechKind, Technology};

/// A piece of prose and what it is about.
#[derive(Debug, Clone)]
pub struct Prose {
    /// Tag name or spec path, as cited in facts.
    pub field: String,
    /// Which tag's meaning the text carries.
    pub tag: Tag,
    pub text: String,
    /// Byte offset of `text` in the source, when it is there verbatim.
    pub base: Option<usize>,
}

struct Ctx<'a> {
    src: &'a SourceText,
    k: &'a Knowledge,
    start: Date,
    covered: Vec<Vec<(usize, usize)>>,
    problems: Problems,
}

impl Ctx<'_> {
    fn origin(&self, p: &Prose, s: usize, e: usize) -> Origin {
        let s = s.min(p.text.len());
        let e = e.clamp(s, p.text.len());
        Origin {
            field: p.field.clone(),
            text: p.text[s..e].trim().to_string(),
            span: p.base.map(|b| self.src.span(b + s, b + e)),
            how: OriginKind::Prose,
            unconfirmed: self.hedged_at(p, s),
        }
    }

    /// Whether a hedge word ("to confirm", "probably") qualifies the clause
    /// holding byte `at`. The clause is bounded, so this costs the same for
    /// every fact whatever the input's length.
    fn hedged_at(&self, p: &Prose, at: usize) -> bool {
        let (cs, ce) = extract::clause_around(&p.text, at);
        !extract::hedge::hedges(&p.text[cs..ce]).is_empty()
    }

    fn cover(&mut self, i: usize, s: usize, e: usize) {
        self.covered[i].push((s, e));
    }

    fn fact<T>(&mut self, i: usize, p: &Prose, value: T, s: usize, e: usize) -> Fact<T> {
        self.cover(i, s, e);
        Fact {
            value,
            origin: self.origin(p, s, e),
        }
    }

    fn tech_ref(&self, id: &str) -> Option<TechRef> {
        self.k.catalog.get(id).map(tech_ref)
    }
}

pub fn tech_ref(t: &Technology) -> TechRef {
    TechRef {
        id: t.id.clone(),
        name: t.name.clone(),
        kind: t.kind.as_str().to_string(),
    }
}

fn structured(field: &str, text: impl Into<String>, span: Option<crate::source::Span>) -> Origin {
    Origin {
        field: field.to_string(),
        text: text.into(),
        span,
        how: OriginKind::Structured,
        unconfirmed: false,
    }
}

fn derived(field: &str, text: impl Into<String>) -> Origin {
    Origin {
        field: field.to_string(),
        text: text.into(),
        span: None,
        how: OriginKind::Derived,
        unconfirmed: false,
    }
}

fn default_origin(field: &str, text: &str) -> Origin {
    Origin {
        field: field.to_string(),
        text: text.to_string(),
        span: None,
        how: OriginKind::Default,
        unconfirmed: false,
    }
}

/// Kinds that can be the "what" of a system rather than where it runs.
fn is_primary_kind(kind: TechKind) -> bool {
    !matches!(
        kind,
        TechKind::Cloud
            | TechKind::Compute
            | TechKind::Platform
            | TechKind::Orchestrator
            | TechKind::ManagedDatabase
            | TechKind::ManagedCache
            | TechKind::BackupTool
            | TechKind::Monitoring
            | TechKind::Paging
            | TechKind::StatusPage
            | TechKind::ReplicationTool
            | TechKind::Deploy
            | TechKind::Proxy
            | TechKind::ApiGateway
            | TechKind::Cms
            | TechKind::TestRunner
            | TechKind::Crm
            | TechKind::ServiceMesh
    )
}

pub struct Assembled {
    pub facts: Facts,
}

#[allow(clippy::too_many_arguments)]
pub fn assemble(
    src: &SourceText,
    form: &str,
    prose: Vec<Prose>,
    spec: Option<&Spec>,
    k: &Knowledge,
    start: Date,
    mut warnings: Vec<Warning>,
    loose: Vec<Uninterpreted>,
) -> Result<Facts, IntakeError> {
    let matcher = TechMatcher::shared(&k.catalog);
    let matcher = &*matcher;
    let mut cx = Ctx {
        src,
        k,
        start,
        covered: vec![Vec::new(); prose.len()],
        problems: Problems::default(),
    };
    let tech_hits: Vec<Vec<Hit<TechHit>>> = prose.iter().map(|p| matcher.find(&p.text)).collect();
    let mut facts = Facts {
        input: src.name.clone(),
        form: form.to_string(),
        start_date: start,
        title: spec.and_then(|s| s.title.clone()),
        migration: MigrationFacts::default(),
        source: SystemFacts::default(),
        target: SystemFacts::default(),
        data_size: None,
        rates: Vec::new(),
        counts: Vec::new(),
        criticality: Fact {
            value: Criticality::High,
            origin: default_origin(
                "criticality",
                "assumed high: nothing in the input states a level",
            ),
        },
        criticality_by_part: Vec::new(),
        rollback_tolerance_by_part: Vec::new(),
        stakes: Vec::new(),
        rollback_tolerance: Fact {
            value: Tolerance { max_minutes: 60 },
            origin: default_origin(
                "rollback-acceptable-delay",
                "assumed 60 minutes: nothing in the input states a tolerance",
            ),
        },
        capabilities: Vec::new(),
        team: TeamFacts::default(),
        experience: Vec::new(),
        schedule: ScheduleFacts::default(),
        budgeted_tools: Vec::new(),
        integrations: Vec::new(),
        technologies: Vec::new(),
        absences: Vec::new(),
        hedges: Vec::new(),
        uninterpreted: loose,
        warnings: Vec::new(),
    };

    // Every technology mention, everywhere.
    for (i, p) in prose.iter().enumerate() {
        for h in &tech_hits[i] {
            if let Some(tech) = cx.tech_ref(&h.value.id) {
                let f = cx.fact(
                    i,
                    p,
                    TechMention {
                        tech,
                        version: h.value.version.clone(),
                        negated: h.value.negated,
                        alternative: h.value.alternative,
                    },
                    h.start,
                    h.end,
                );
                facts.technologies.push(f);
            }
        }
    }

    // Versions the input states for a technology anywhere ("Celery 4 to
    // Celery 5"): a number right after that technology's name elsewhere is
    // its version, not a count ("Celery 5 workers" is not five workers).
    let stated_versions: std::collections::HashSet<(String, String)> = tech_hits
        .iter()
        .flatten()
        .filter_map(|h| Some((h.value.id.clone(), h.value.version.clone()?)))
        .collect();
    let speakers = chat_speakers(&src.text);
    let mut criticality_found = false;
    let mut tolerance_found = false;
    let mut arrow_sides: Option<(SystemFacts, SystemFacts)> = None;
    // Order matters where facts are deduplicated: the tag that owns a fact
    // is read before others that may repeat it.
    let mut order: Vec<usize> = (0..prose.len()).collect();
    order.sort_by_key(|&i| match prose[i].tag {
        Tag::ExistingDualRunCapability => 0,
        Tag::Scale => 1,
        _ => 2,
    });
    for &i in &order {
        let p = &prose[i];
        let text = p.text.as_str();
        let hits = &tech_hits[i];
        // Quantities can be stated in any field; the first statement wins.
        for h in extract::quantity::data_sizes(text) {
            let f = cx.fact(i, p, h.value, h.start, h.end);
            if facts.data_size.is_none() {
                facts.data_size = Some(f);
            }
        }
        for h in extract::quantity::rates(text) {
            let f = cx.fact(i, p, h.value.clone(), h.start, h.end);
            if !facts.rates.iter().any(|r| {
                r.value.unit == h.value.unit
                    && (r.value.per_second - h.value.per_second).abs() < 1e-9
            }) {
                facts.rates.push(f);
            }
        }
        if p.tag != Tag::TeamAvailability && p.tag != Tag::PriorMigrationExperience {
            for h in extract::quantity::counts(text) {
                if is_stated_version(text, hits, &stated_versions, h.start) {
                    continue;
                }
                let f = cx.fact(i, p, h.value.clone(), h.start, h.end);
                if !facts
                    .counts
                    .iter()
                    .any(|c| c.value.what == h.value.what && c.value.count == h.value.count)
                {
                    facts.counts.push(f);
                }
            }
        }
        for h in extract::approval::approvals(text) {
            let f = cx.fact(i, p, h.value, h.start, h.end);
            facts.team.approvals.push(f);
        }
        for h in extract::criticality::stakes(text) {
            let f = cx.fact(
                i,
                p,
                Stake {
                    kind: h.value.clone(),
                },
                h.start,
                h.end,
            );
            if !facts.stakes.iter().any(|s| s.value.kind == h.value) {
                facts.stakes.push(f);
            }
        }
        if matches!(
            p.tag,
            Tag::ExistingDualRunCapability
                | Tag::FromState
                | Tag::ToState
                | Tag::Constraints
                | Tag::TeamAvailability
        ) {
            read_capabilities(&mut cx, i, p, hits, &mut facts);
        }
        if matches!(
            p.tag,
            Tag::MigrationType
                | Tag::FromState
                | Tag::ToState
                | Tag::Constraints
                | Tag::IntegrationPoints
        ) {
            read_scope(&mut cx, i, p, hits, &mut facts);
        }
        // Integration points describe consumers, not what the store holds.
        if matches!(
            p.tag,
            Tag::MigrationType | Tag::FromState | Tag::ToState | Tag::Scale | Tag::Criticality
        ) {
            for h in extract::store_use::store_uses(text) {
                let f = cx.fact(i, p, h.value.clone(), h.start, h.end);
                if !facts
                    .migration
                    .store_uses
                    .iter()
                    .any(|u| u.value == h.value)
                {
                    facts.migration.store_uses.push(f);
                }
            }
        }
        match p.tag {
            Tag::MigrationType => {
                let f = cx.fact(i, p, text.trim().to_string(), 0, text.len());
                facts.migration.summary.get_or_insert(f);
                if facts.migration.component.is_none() {
                    if let Some(h) = extract::component::moving_component(text) {
                        facts.migration.component = Some(cx.fact(i, p, h.value, h.start, h.end));
                    }
                }
                if let Some(pair) = subject_pair(cx.k, text, hits) {
                    let left: Vec<_> = hits
                        .iter()
                        .filter(|h| h.start >= pair.left.0 && h.end <= pair.left.1)
                        .cloned()
                        .collect();
                    let right: Vec<_> = hits
                        .iter()
                        .filter(|h| h.start >= pair.right.0 && h.end <= pair.right.1)
                        .cloned()
                        .collect();
                    let mut l = system(&mut cx, i, p, &left, pair.left.0, pair.left.1);
                    let mut r = system(&mut cx, i, p, &right, pair.right.0, pair.right.1);
                    // "MySQL from 5.7 to 8.0": the version after "from"
                    // belongs to the technology named before it.
                    if l.version.is_none() {
                        if let (Some(_), Some((s, v))) = (&l.technology, pair.left_version.clone())
                        {
                            l.version = Some(cx.fact(i, p, v.clone(), s, s + v.len()));
                        }
                    }
                    // "Next 13 -> 15", "Django 3.2 → 4.2, and Python …": a
                    // bare version right after the arrow is the same
                    // technology's, whatever the rest of the clause names.
                    if let Some((s, v)) = pair.right_version.clone() {
                        if let Some(t) = &l.technology {
                            r = SystemFacts {
                                technology: Some(t.clone()),
                                version: Some(cx.fact(i, p, v.clone(), s, s + v.len())),
                                ..r
                            };
                        }
                    }
                    // "Twilio to Sinch" with a name rollgate does not know:
                    // the target is that name, of the source's kind, rather
                    // than whatever the to-state happens to mention first.
                    if r.technology.is_none() && r.version.is_none() {
                        if let (Some(lt), Some((s, e, name))) =
                            (&l.technology, unknown_name(text, pair.right))
                        {
                            let t = TechRef {
                                id: format!(
                                    "uncatalogued:{}",
                                    name.to_lowercase().replace(' ', "-")
                                ),
                                name,
                                kind: lt.value.kind.clone(),
                            };
                            let f = cx.fact(i, p, t, s, e);
                            warnings.push(Warning {
                                code: "unknown-technology".into(),
                                message: format!(
                                    "rollgate does not know {}: it is planned as the same kind of thing as {} ({}), with no knowledge of its own; check its commands and limits by hand",
                                    f.value.name, lt.value.name, lt.value.kind
                                ),
                                span: f.origin.span,
                            });
                            r.technology = Some(f);
                        }
                    }
                    arrow_sides = Some((l, r));
                    read_bundled(&mut cx, i, p, hits, pair.right.1, &mut facts);
                }
            }
            Tag::FromState => {
                let s = system(&mut cx, i, p, hits, 0, text.len());
                merge_system(&mut facts.source, s);
                for h in extract::feature::features(text) {
                    let f = cx.fact(i, p, h.value, h.start, h.end);
                    facts.source.features.push(f);
                }
            }
            Tag::ToState => {
                let s = system(&mut cx, i, p, hits, 0, text.len());
                merge_system(&mut facts.target, s);
                read_goals(&mut cx, i, p, &mut facts);
            }
            Tag::Scale => {}
            Tag::Criticality => {
                if let Some(r) = extract::criticality::criticality(text) {
                    let (s, e) = r
                        .explicit
                        .as_ref()
                        .map(|h| (h.start, h.end))
                        .unwrap_or_else(|| {
                            let top = r
                                .context
                                .iter()
                                .find(|h| h.value == r.level)
                                .expect("level comes from a hit");
                            (top.start, top.end)
                        });
                    facts.criticality = cx.fact(i, p, r.level, s, e);
                    for h in &r.context {
                        cx.cover(i, h.start, h.end);
                    }
                    read_parts(&mut cx, i, p, &mut facts);
                    criticality_found = true;
                } else if !text.trim().is_empty() {
                    warnings.push(Warning {
                        code: "criticality-unread".into(),
                        message: format!(
                            "could not read a criticality level from {:?}; assumed high",
                            text.trim()
                        ),
                        span: p.base.map(|b| cx.src.span(b, b + text.len())),
                    });
                }
            }
            Tag::RollbackAcceptableDelay => {
                read_part_tolerances(&mut cx, i, p, &mut facts);
                if !facts.rollback_tolerance_by_part.is_empty() {
                    tolerance_found = true;
                } else if let Some(h) = extract::duration::tolerance(text) {
                    let s = extract::duration::qualifier_before(text, h.start);
                    facts.rollback_tolerance = cx.fact(i, p, h.value, s, h.end);
                    tolerance_found = true;
                    // "Multi-hour outage" clauses were read as the bound.
                    let multi = crate::re!(r"(?i)\bmulti[\s-]?(?:hour|day|minute)s?\b");
                    for m in multi.find_iter(text) {
                        cx.cover(i, m.start(), m.end());
                    }
                } else if !text.trim().is_empty() {
                    warnings.push(Warning {
                        code: "tolerance-unread".into(),
                        message: format!(
                            "could not read a rollback tolerance from {:?}; assumed 60 minutes",
                            text.trim()
                        ),
                        span: p.base.map(|b| cx.src.span(b, b + text.len())),
                    });
                }
            }
            Tag::ExistingDualRunCapability => {}
            Tag::TeamAvailability => {
                read_people(&mut cx, i, p, hits, &speakers, &mut facts);
                read_team(&mut cx, i, p, &mut facts);
                read_experience(&mut cx, i, p, &mut facts);
                read_schedule(&mut cx, i, p, hits, &mut facts, true);
            }
            Tag::PriorMigrationExperience => read_experience(&mut cx, i, p, &mut facts),
            Tag::Constraints => {
                read_people(&mut cx, i, p, hits, &speakers, &mut facts);
                read_schedule(&mut cx, i, p, hits, &mut facts, false)
            }
            Tag::IntegrationPoints => read_integrations(&mut cx, i, p, hits, &mut facts),
        }
    }

    // Criticality from context elsewhere when the tag said nothing.
    if !criticality_found {
        for (i, p) in prose.iter().enumerate() {
            if matches!(p.tag, Tag::Scale | Tag::FromState | Tag::MigrationType) {
                if let Some(r) = extract::criticality::criticality(&p.text) {
                    if r.explicit.is_none() && r.level >= Criticality::High {
                        let top = r
                            .context
                            .iter()
                            .find(|h| h.value == r.level)
                            .expect("level from hit")
                            .clone();
                        facts.criticality = cx.fact(i, p, r.level, top.start, top.end);
                        criticality_found = true;
                        break;
                    }
                }
            }
        }
    }

    if let Some((l, r)) = arrow_sides {
        // "X → Y" in the migration type names the subject: when both sides
        // name a technology, they are the source and target, whatever else
        // the state tags mention first (a runtime, a framework around it).
        if l.technology.is_some() && r.technology.is_some() {
            for (side, name, tag) in [
                (&mut facts.source, &l, "from-state"),
                (&mut facts.target, &r, "to-state"),
            ] {
                if let Some(w) = take_subject(side, name, tag) {
                    warnings.push(w);
                }
            }
        }
        fill_system(&mut facts.source, l);
        fill_system(&mut facts.target, r);
        // "from MongoDB to PostgreSQL" with "MongoDB 4.4 on Atlas" in the
        // from-state: the side's own tag states its version.
        for (side, tag) in [
            (&mut facts.source, Tag::FromState),
            (&mut facts.target, Tag::ToState),
        ] {
            let (Some(t), None) = (&side.technology, &side.version) else {
                continue;
            };
            let stated = prose.iter().enumerate().find_map(|(i, p)| {
                (p.tag == tag)
                    .then(|| {
                        tech_hits[i].iter().find(|h| {
                            h.value.id == t.value.id
                                && h.value.version.is_some()
                                && !h.value.negated
                                && !crate::extract::tells_history(&p.text, h.start)
                        })
                    })
                    .flatten()
                    .map(|h| (i, h))
            });
            if let Some((i, h)) = stated {
                let v = h.value.version.clone().expect("filtered on a version");
                side.version = Some(cx.fact(i, &prose[i], v, h.start, h.end));
            }
        }
    }

    if let Some(w) = upgrade_of_the_target(&mut cx, &prose, &tech_hits, &mut facts) {
        warnings.push(w);
    }

    if let Some(spec) = spec {
        // A structured technology settles the subject: no disagreement to
        // report for that side.
        let settled = |side: &Option<crate::spec::SystemSpec>| {
            side.as_ref().is_some_and(|s| s.technology.is_some())
        };
        let (source_set, target_set) = (settled(&spec.source), settled(&spec.target));
        warnings.retain(|w| {
            w.code != "subject-disagrees"
                || !(source_set && w.message.contains("the from-state field")
                    || target_set && w.message.contains("the to-state field"))
        });
        overlay(
            &mut cx,
            spec,
            matcher,
            &mut facts,
            &mut criticality_found,
            &mut tolerance_found,
        );
    }

    read_places(&mut cx, &prose, &mut facts);

    // A title can name technologies too ("… the PHP monolith").
    if let Some(title) = spec.and_then(|s| s.title.as_deref()) {
        for hit in matcher.find(title) {
            if hit.value.negated
                || facts
                    .technologies
                    .iter()
                    .any(|m| m.value.tech.id == hit.value.id)
            {
                continue;
            }
            if let Some(tech) = cx.tech_ref(&hit.value.id) {
                let span =
                    spec::locate(src, "title", title).map(|o| src.span(o + hit.start, o + hit.end));
                facts.technologies.push(Fact {
                    value: TechMention {
                        tech,
                        version: hit.value.version.clone(),
                        negated: false,
                        alternative: hit.value.alternative,
                    },
                    origin: structured("title", &title[hit.start..hit.end], span),
                });
            }
        }
    }
    add_structured_mentions(&mut facts);
    // A technology that is the subject keeps that role: "Sidekiq keeps its
    // own Redis" in a move to Redis does not make Redis unchanged.
    let subject: Vec<String> = [&facts.source, &facts.target]
        .iter()
        .filter_map(|s| s.technology.as_ref().map(|t| t.value.id.clone()))
        .collect();
    for o in &mut facts.migration.out_of_scope {
        o.value.technologies.retain(|t| !subject.contains(&t.id));
    }
    derive_family(&cx, &prose, spec, &mut facts);
    derive_changes(&cx, &mut facts);

    if !criticality_found {
        warnings.push(Warning {
            code: "default-criticality".into(),
            message: "no criticality stated: assumed high, so the plan errs on the careful side"
                .into(),
            span: None,
        });
    }
    if !tolerance_found {
        warnings.push(Warning {
            code: "default-tolerance".into(),
            message: "no rollback tolerance stated: assumed 60 minutes".into(),
            span: None,
        });
    }
    if let Some(d) = &facts.schedule.deadline {
        if d.value.date < start {
            let reading = if d.value.reading == d.value.date.to_string() {
                String::new()
            } else {
                format!(" ({})", d.value.reading)
            };
            let problem = problem_at(&cx, &d.origin, format!(
                "the deadline {}{reading} is before the plan's start date {start}",
                d.value.date
            ), Some("pass a start date before the deadline with --start YYYY-MM-DD, or correct the deadline".into()));
            cx.problems.push("deadlines before the start date", problem);
        }
    }

    check_ranges(&mut cx, &facts);
    read_absences(&mut cx, &prose, &mut facts);
    read_hedges(&mut cx, &prose, &mut facts);

    // Clauses no extractor used.
    for (i, p) in prose.iter().enumerate() {
        let covered = Coverage::of(&cx.covered[i]);
        for c in extract::clauses(&p.text) {
            if !covered.touches(c.start, c.end) {
                facts.uninterpreted.push(Uninterpreted {
                    field: p.field.clone(),
                    text: p.text[c.start..c.end].to_string(),
                    span: p.base.map(|b| cx.src.span(b + c.start, b + c.end)),
                });
            }
        }
    }
    facts
        .uninterpreted
        .sort_by_key(|u| u.span.map(|s| s.start).unwrap_or(usize::MAX));
    // Warnings raised while reading fields join those of the form.
    warnings.append(&mut facts.warnings);
    warnings.sort_by_key(|w| w.span.map(|s| s.start).unwrap_or(usize::MAX));
    facts.warnings = warnings;
    if !cx.problems.is_empty() {
        return Err(cx.problems.into_error());
    }
    Ok(facts)
}

/// The ranges of a field that facts were read from, in order of start with
/// the furthest end reached so far: whether a clause was touched is one
/// binary search, so listing what was not read stays n log n.
struct Coverage {
    ranges: Vec<(usize, usize)>,
    furthest_end: Vec<usize>,
}

impl Coverage {
    fn of(ranges: &[(usize, usize)]) -> Self {
        let mut ranges = ranges.to_vec();
        ranges.sort_unstable();
        let furthest_end = ranges
            .iter()
            .scan(0, |reach, &(_, e)| {
                *reach = e.max(*reach);
                Some(*reach)
            })
            .collect();
        Self {
            ranges,
            furthest_end,
        }
    }

    fn touches(&self, start: usize, end: usize) -> bool {
        let before_end = self.ranges.partition_point(|&(s, _)| s < end);
        before_end > 0 && self.furthest_end[before_end - 1] > start
    }
}

/// Where the company or its people are, in any field ("we're a German
/// company", "team in Berlin and Lisbon"): their countries' holidays
/// apply, and their zones are the team's when no zone was stated.
fn read_places(cx: &mut Ctx<'_>, prose: &[Prose], facts: &mut Facts) {
    let zones_stated = !facts.team.time_zones.is_empty();
    let k = cx.k;
    let matcher = extract::place::PlaceMatcher::new(&k.zones);
    // Words before or between the tags are prose too ("We are a Canadian
    // company", a memo's letterhead): they stay listed as not interpreted,
    // and the place they state is read as well.
    let loose: Vec<(String, Option<crate::source::Span>)> = facts
        .uninterpreted
        .iter()
        .filter(|u| u.field == "outside tags")
        .map(|u| (u.text.clone(), u.span))
        .collect();
    for (text, span) in loose {
        for h in extract::place::places(&text, &matcher) {
            let origin = Origin {
                field: "outside tags".into(),
                text: text[h.start..h.end].to_string(),
                span: span.map(|s| cx.src.span(s.start + h.start, s.start + h.end)),
                how: OriginKind::Prose,
                unconfirmed: false,
            };
            add_place(facts, h.value, origin, zones_stated);
        }
    }
    for (i, p) in prose.iter().enumerate() {
        for h in extract::place::places(&p.text, &matcher) {
            let origin = cx.fact(i, p, (), h.start, h.end).origin;
            add_place(facts, h.value, origin, zones_stated);
        }
    }
}

/// A place's country joins the holiday countries, and its zone the team's
/// zones unless the input stated zones itself.
fn add_place(facts: &mut Facts, place: extract::place::Place, origin: Origin, zones_stated: bool) {
    if let Some(country) = place.country {
        if !facts
            .schedule
            .holiday_countries
            .iter()
            .any(|c| c.value == country)
        {
            facts.schedule.holiday_countries.push(Fact {
                value: country,
                origin: origin.clone(),
            });
        }
    }
    if !zones_stated && !facts.team.time_zones.iter().any(|z| z.value == place.zone) {
        facts.team.time_zones.push(Fact {
            value: place.zone,
            origin,
        });
    }
}

/// Every hedged clause, once, as a fact of its own: what it states is kept
/// (facts read from it carry `unconfirmed`) and is asked back, never
/// dropped as unreadable.
fn read_hedges(cx: &mut Ctx<'_>, prose: &[Prose], facts: &mut Facts) {
    for (i, p) in prose.iter().enumerate() {
        let mut last_clause = None;
        for h in extract::hedge::hedges(&p.text) {
            let (cs, ce) = extract::clause_around(&p.text, h.start);
            if last_clause == Some(cs) {
                continue;
            }
            last_clause = Some(cs);
            let statement = p.text[cs..ce].trim().to_string();
            let mut f = cx.fact(
                i,
                p,
                Hedge {
                    marker: h.value,
                    statement,
                },
                cs,
                ce,
            );
            f.origin.unconfirmed = true;
            facts.hedges.push(f);
        }
    }
}

/// A clause no reader used that says there is none of something ("no
/// freezes", "no dedicated DBA", "none today") is an absence: a fact the
/// plan can rely on, not text it failed to read.
fn read_absences(cx: &mut Ctx<'_>, prose: &[Prose], facts: &mut Facts) {
    let none = crate::re!(
        r"(?i)^(?:(?:there\s+(?:is|are)|we\s+(?:have|got)|we've\s+got|we\s+do\s+not\s+have|we\s+don't\s+have)\s+)?(?:no|none|zero|nothing)\b[\s:,-]*(.*?)[\s.;!]*$"
    );
    for (i, p) in prose.iter().enumerate() {
        let covered = Coverage::of(&cx.covered[i]);
        for c in extract::clauses(&p.text) {
            let clause = &p.text[c.start..c.end];
            if covered.touches(c.start, c.end) {
                continue;
            }
            let Some(caps) = none.captures(clause) else {
                continue;
            };
            let rest = caps[1].trim();
            let bare = rest.is_empty()
                || [
                    "today",
                    "yet",
                    "at the moment",
                    "currently",
                    "right now",
                    "so far",
                    "at all",
                ]
                .contains(&rest.to_ascii_lowercase().as_str());
            // "none today" under a field is none of what the field asks for.
            let what = if bare {
                p.field.replace('-', " ")
            } else {
                rest.to_string()
            };
            let f = cx.fact(i, p, what, c.start, c.end);
            facts.absences.push(f);
        }
    }
}

/// A problem at a place in the input, when it was found, with its excerpt.
fn problem_at_span(
    src: &SourceText,
    span: Option<crate::source::Span>,
    message: String,
    help: Option<String>,
) -> Problem {
    Problem {
        location: span.map(|s| Location {
            file: src.name.clone(),
            line: s.line,
            column: s.column,
        }),
        excerpt: span.map(|s| src.excerpt(s.start)),
        message,
        help,
    }
}

/// Dates outside [`EARLIEST_YEAR`]..=[`LATEST_YEAR`] and durations or
/// tolerances longer than [`MAX_PLAN_DAYS`] are errors: a plan cannot be
/// scheduled around them, and calendar arithmetic must never overflow.
fn check_ranges(cx: &mut Ctx<'_>, facts: &Facts) {
    let mut dates: Vec<(&Origin, Date, &str)> = Vec::new();
    if let Some(d) = &facts.schedule.deadline {
        dates.push((&d.origin, d.value.date, "deadline"));
    }
    for f in &facts.schedule.freezes {
        if let Freeze::Range { from, to, .. } = &f.value {
            dates.push((&f.origin, *from, "freeze"));
            dates.push((&f.origin, *to, "freeze"));
        }
    }
    for h in &facts.schedule.holidays {
        dates.push((&h.origin, h.value, "holiday"));
    }
    for (origin, date, what) in dates {
        if !date_in_range(date) {
            let problem = problem_at(
                cx,
                origin,
                format!("the {what} date {date} is outside the years rollgate plans in ({EARLIEST_YEAR}–{LATEST_YEAR})"),
                Some("correct the date".into()),
            );
            cx.problems.push("dates out of range", problem);
        }
    }
    let mut spans: Vec<(&Origin, u64, &str)> = Vec::new();
    for (d, what) in [
        (&facts.schedule.max_duration_days, "maximum duration"),
        (
            &facts.schedule.preferred_duration_days,
            "preferred duration",
        ),
    ] {
        if let Some(d) = d {
            spans.push((&d.origin, u64::from(d.value), what));
        }
    }
    let tolerance = &facts.rollback_tolerance;
    spans.push((
        &tolerance.origin,
        tolerance.value.max_minutes / 1440,
        "rollback tolerance",
    ));
    for (origin, days, what) in spans {
        if days > MAX_PLAN_DAYS {
            let problem = problem_at(
                cx,
                origin,
                format!("the {what} is {days} days; rollgate plans migrations of at most {MAX_PLAN_DAYS} days (ten years)"),
                Some("state the duration in days, weeks or months within that".into()),
            );
            cx.problems.push("durations out of range", problem);
        }
    }
}

fn problem_at(cx: &Ctx<'_>, origin: &Origin, message: String, help: Option<String>) -> Problem {
    let location = origin.span.map(|s| Location {
        file: cx.src.name.clone(),
        line: s.line,
        column: s.column,
    });
    Problem {
        excerpt: origin.span.map(|s| cx.src.excerpt(s.start)),
        location,
        message: format!("{}: {message}", origin.field),
        help,
    }
}

/// The position of the arrow between "from" and "to" in a summary.
/// Levels per part; when parts differ, the overall level is the highest
/// (the plan must be as careful as its most critical part).
fn read_parts(cx: &mut Ctx<'_>, i: usize, p: &Prose, facts: &mut Facts) {
    for h in extract::criticality::parts(&p.text) {
        let (level, part) = h.value;
        let f = cx.fact(i, p, PartCriticality { part, level }, h.start, h.end);
        if level > facts.criticality.value {
            facts.criticality = Fact {
                value: level,
                origin: f.origin.clone(),
            };
        }
        facts.criticality_by_part.push(f);
    }
}

/// Tolerances per part; when parts are stated, the overall tolerance is the
/// strictest of them (the plan must roll back as fast as its most
/// demanding part needs).
fn read_part_tolerances(cx: &mut Ctx<'_>, i: usize, p: &Prose, facts: &mut Facts) {
    for h in extract::duration::part_tolerances(&p.text) {
        let (part, tolerance) = h.value;
        let f = cx.fact(
            i,
            p,
            PartTolerance {
                part,
                max_minutes: tolerance.max_minutes,
            },
            h.start,
            h.end,
        );
        let stricter = facts.rollback_tolerance_by_part.is_empty()
            || tolerance.max_minutes < facts.rollback_tolerance.value.max_minutes;
        if stricter {
            facts.rollback_tolerance = Fact {
                value: tolerance,
                origin: f.origin.clone(),
            };
        }
        facts.rollback_tolerance_by_part.push(f);
    }
}

/// Whether the number at `at` is a version: read as part of a mention, or
/// following a technology's name and stated as its version elsewhere.
fn is_stated_version(
    text: &str,
    hits: &[Hit<TechHit>],
    stated: &std::collections::HashSet<(String, String)>,
    at: usize,
) -> bool {
    let before = hits.partition_point(|h| h.end <= at);
    // "Celery 5 workers": the number was read as the mention's version.
    if hits
        .get(before)
        .is_some_and(|h| h.start < at && h.value.version.is_some())
    {
        return true;
    }
    let Some(h) = before.checked_sub(1).map(|k| &hits[k]) else {
        return false;
    };
    if !text[h.end..at].trim().is_empty() {
        return false;
    }
    let number: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let number = number.trim_end_matches('.');
    !number.is_empty() && stated.contains(&(h.value.id.clone(), number.to_string()))
}

/// The version a side starts with when it names no technology ("15",
/// "v20", "16.4").
fn bare_version(side: &str) -> Option<String> {
    let t = side.trim_start();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let v: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let v = v.trim_end_matches('.');
    (!v.is_empty() && v.chars().next().is_some_and(|c| c.is_ascii_digit())).then(|| v.to_string())
}

/// Makes the migration type's side the subject of `side` when the state tag
/// named another technology first; says so, since the two tags disagree.
fn take_subject(side: &mut SystemFacts, subject: &SystemFacts, tag: &str) -> Option<Warning> {
    let wanted = subject.technology.as_ref()?;
    let had = side.technology.as_ref();
    if had.is_some_and(|t| t.value.id == wanted.value.id) {
        if side.version.is_none() {
            side.version = subject.version.clone();
        }
        return None;
    }
    let warning = had.map(|t| Warning {
        code: "subject-disagrees".into(),
        message: format!(
            "the migration type names {} as what moves, but the {tag} field names {} first: planned for {}, with {} as part of the surroundings",
            wanted.value.name, t.value.name, wanted.value.name, t.value.name
        ),
        span: t.origin.span,
    });
    side.technology = Some(wanted.clone());
    side.version = subject.version.clone();
    warning
}

/// Whether the words before a date in its clause say the team only wants
/// or plans a part of the work by then ("Plan: schema + backfill by end of
/// April", "want UK and IE moved by end of March", "intended sequence is
/// … by end of January").
/// A wish to be done with the whole move ("we want to be finished before
/// Christmas", "want to be on RDS by Q3") is the team's own deadline, not
/// a milestone.
fn wished_date(text: &str, clause_start: usize, at: usize) -> bool {
    let before = &text[clause_start..at];
    let whole = crate::re!(
        r"(?i)\b(?:finish(?:ed)?|done|complete(?:d)?|migrated|be\s+off|be\s+out|gone|over\s+with|be\s+(?:on|in)|(?:running|live)\s+on|(?:moved|switched)\s+to)\b"
    );
    crate::re!(
        r"(?i)\b(?:wants?|wanted|would\s+like|'d\s+like|target(?:ing)?|aim(?:ing)?|plan(?:ned|ning)?|intended|intend|ideally|hope|hoping|prefer(?:ably)?|goal|sequence)\b"
    )
    .is_match(before)
        && !whole.is_match(before)
}

/// The date `h` (in the clause `cs..ce`) said back as a milestone under
/// the deadline `firm`: a hope, or a date an outer bound outranks.
fn milestone_under(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    h: &Hit<extract::dates::DateExpr>,
    (cs, ce): (usize, usize),
    firm: &Fact<Deadline>,
) -> Warning {
    let wish = cx.fact(
        i,
        p,
        Deadline {
            date: h.value.date,
            reading: h.value.reading.clone(),
            reason: None,
            wish: true,
        },
        cs,
        ce,
    );
    milestone_warning(&wish, firm)
}

/// Says that a date the team wants is read as a milestone under the firm
/// end that is the deadline.
fn milestone_warning(wish: &Fact<Deadline>, firm: &Fact<Deadline>) -> Warning {
    Warning {
        code: "milestone".into(),
        message: format!(
            "{} ({:?}) reads as a milestone the team wants, not the deadline: the deadline is the firm end {} ({:?})",
            wish.value.date,
            wish.origin.text.chars().take(80).collect::<String>(),
            firm.value.date,
            firm.origin.text.chars().take(80).collect::<String>()
        ),
        span: wish.origin.span,
    }
}

/// Where the words that make a date a notice's due date begin ("the
/// notice must be given in writing before 28 February"), if they do.
fn notice_date(text: &str, clause_start: usize, at: usize) -> Option<usize> {
    let before = &text[clause_start..at];
    let cut = [
        before.rfind(" and ").map(|i| i + 5),
        before.rfind(',').map(|i| i + 1),
        before.rfind(" but ").map(|i| i + 5),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0);
    crate::re!(r"(?i)\b(?:notice|notif(?:y|ication)|terminat(?:e|ion)\s+letter|cancel(?:lation)?\s+in\s+writing)\b")
        .is_match(&before[cut..])
        .then_some(clause_start + cut)
}

/// A proper name at the start of a side of the migration type that is no
/// catalog technology ("… to Zorbix for OTPs"): one to three capitalised
/// words, none of them an ordinary word a sentence starts with.
fn unknown_name(text: &str, (start, end): (usize, usize)) -> Option<(usize, usize, String)> {
    // Months and weekdays are ordinary words too; the date reader knows them.
    const ORDINARY: &[&str] = &[
        "A",
        "An",
        "The",
        "Our",
        "Their",
        "Its",
        "New",
        "Managed",
        "Self",
        "Hosted",
        "Cloud",
        "In",
        "On",
        "By",
        "For",
        "With",
        "Without",
        "Production",
        "Prod",
        "Staging",
        "It",
        "This",
        "That",
        "Some",
        "All",
        "Every",
        "Each",
        "One",
        "Two",
        "Next",
        "Last",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "I",
        "We",
        "You",
    ];
    let side = text.get(start..end)?;
    let lead = side.len() - side.trim_start().len();
    let word = crate::re!(r"^[A-Z][A-Za-z0-9&.-]*[A-Za-z0-9]");
    let mut words = Vec::new();
    let mut at = start + lead;
    while words.len() < 3 {
        let rest = &text[at..end];
        let Some(m) = word.find(rest) else { break };
        if ORDINARY.contains(&m.as_str())
            || extract::dates::month_of(m.as_str()).is_some()
            || extract::dates::weekday_of(m.as_str()).is_some()
        {
            break;
        }
        words.push(m.as_str().to_string());
        at += m.end();
        if !text[at..end].starts_with(' ') {
            break;
        }
        at += 1;
    }
    if words.is_empty() {
        return None;
    }
    let name = words.join(" ");
    let s = start + lead;
    Some((s, s + name.len(), name))
}

/// The two sides of the change the migration type names, as ranges of its
/// text, with the bare versions that belong to the side's technology.
struct SubjectPair {
    left: (usize, usize),
    right: (usize, usize),
    /// "from 5.7": a version after "from" with the name before it.
    left_version: Option<(usize, String)>,
    /// "→ 4.2": a version right after the connector, before any name.
    right_version: Option<(usize, String)>,
}

/// How many connectors ("to", "→", "replace … with") of a migration type
/// are tried: the subject is named early, and the cap keeps a pathological
/// input linear.
const MAX_CONNECTORS: usize = 32;

/// The pair of sides the migration type names: the first connector ("→",
/// "to", "into", "replace X with Y") with a technology on the left (after
/// "from", when the clause says "from X to Y") and a technology or a bare
/// version on the right. The right side stops where a bundled change
/// begins ("…, and Python 3.8 → 3.11", "plus Ruby …", "together with …"),
/// so a second change never lends its technology to the first. When no
/// connector has both, the first one with something on the left is kept,
/// so its side can still fill what the state tags leave open.
fn subject_pair(k: &Knowledge, text: &str, hits: &[Hit<TechHit>]) -> Option<SubjectPair> {
    let mut connectors: Vec<(usize, usize)> = Vec::new();
    let replace = crate::re!(
        r"(?i)\b(?:replac(?:e|es|ed|ing)|swap(?:s|ped|ping)?)\b[^.;\n]*?(\s(?:with|by|for)\s)"
    );
    for c in replace.captures_iter(text).take(MAX_CONNECTORS) {
        let m = c.get(1).expect("group 1");
        connectors.push((m.start(), m.end()));
    }
    let arrows = crate::re!(r"→|->|=>|⇒|⟶");
    let has_arrow = arrows.is_match(text);
    if has_arrow {
        connectors.extend(
            arrows
                .find_iter(text)
                .take(MAX_CONNECTORS)
                .map(|m| (m.start(), m.end())),
        );
    } else {
        let to = crate::re!(r"(?i)\s(?:to|into|onto)\s");
        connectors.extend(
            to.find_iter(text)
                .take(MAX_CONNECTORS)
                .map(|m| (m.start(), m.end())),
        );
    }
    connectors.sort();
    let primary = |h: &Hit<TechHit>| names_a_system(k, text, h);
    let from_word = crate::re!(r"(?i)\b(?:from|replac(?:e|es|ed|ing)|swap(?:s|ped|ping)?)\s");
    let bundle = crate::re!(
        r"(?i)[,;(+\n]|\s(?:and|plus|also|together\s+with|as\s+well\s+as|while|because|which|so)\b"
    );
    let mut fallback = None;
    for &(a, b) in connectors.iter().take(MAX_CONNECTORS) {
        let (cs, ce) = extract::clause_around(text, a);
        let (cs, ce) = (cs.min(a), ce.max(b));
        // "Move the Celery broker from RabbitMQ to SQS": the old side is
        // what follows "from", not the first name in the clause.
        let from = from_word
            .find_iter(&text[cs..a])
            .last()
            .map(|m| cs + m.end());
        let left_range = from.unwrap_or(cs);
        let mut left = (left_range, a);
        let mut left_version = None;
        if !hits
            .iter()
            .any(|h| h.start >= left.0 && h.end <= left.1 && primary(h))
        {
            // "Upgrade of MySQL from 5.7 to 8.0": the name is before "from".
            let Some(f) = from else { continue };
            if !hits
                .iter()
                .any(|h| h.start >= cs && h.end <= f && primary(h))
            {
                continue;
            }
            left_version = bare_version(&text[f..a]).map(|v| {
                let lead = text[f..a].len() - text[f..a].trim_start().len();
                let lead = lead + usize::from(text[f + lead..].starts_with(['v', 'V']));
                (f + lead, v)
            });
            left = (cs, a);
        }
        let right_end = bundle
            .find_at(text, b)
            .map(|m| m.start())
            .filter(|&e| e > b)
            .unwrap_or(ce)
            .min(ce);
        let right = (b, right_end);
        let first_right = hits
            .iter()
            .find(|h| h.start >= right.0 && h.end <= right.1 && primary(h));
        let version_at = {
            let t = &text[b..right_end];
            let lead = t.len() - t.trim_start().len();
            let lead = lead + usize::from(t[lead..].starts_with(['v', 'V']));
            bare_version(t).map(|v| (b + lead, v))
        };
        let right_version = version_at.filter(|(at, _)| first_right.is_none_or(|h| h.start > *at));
        let pair = SubjectPair {
            left,
            right,
            left_version,
            right_version,
        };
        if first_right.is_some() || pair.right_version.is_some() {
            return Some(pair);
        }
        fallback.get_or_insert(pair);
    }
    fallback
}

/// Whether a mention can be a side of a change: a technology that is what
/// a system is (or a managed service with an engine), not negated, and not
/// a part the new thing has as "its own".
fn names_a_system(k: &Knowledge, text: &str, h: &Hit<TechHit>) -> bool {
    !h.value.negated
        && k.catalog
            .get(&h.value.id)
            .is_some_and(|t| is_primary_kind(t.kind) || t.engine.is_some())
        && !is_own_part(text, h.start)
}

/// What the input puts outside this migration: "maybe later we go to cloud
/// (not in this migration)", "PostgreSQL 14 on RDS (not changing)", "the
/// Express upgrade comes later", "Sidekiq is NOT part of this", "not in
/// scope". One per clause, in the words before the marker (or, when the
/// marker opens the clause, the rest of it), with the technologies named
/// there: those are unchanged dependencies, not the subject.
fn read_scope(cx: &mut Ctx<'_>, i: usize, p: &Prose, hits: &[Hit<TechHit>], facts: &mut Facts) {
    let text = p.text.as_str();
    let marker = crate::re!(
        r"(?i)\(\s*(?:not\s+(?:part\s+of|in)\s+(?:this|the)?\s*(?:migration|project|scope)|not\s+changing|out\s+of\s+scope|unchanged|later)\s*\)|\b(?:not\s+(?:part\s+of|in)\s+(?:this|the)\s+(?:migration|project|scope)|not\s+part\s+of\s+(?:this|it|the\s+migration)|out\s+of\s+scope|not\s+in\s+scope|(?:is|are)\s+not\s+(?:changing|touched|moving)|(?:comes?|happens?|is|are)\s+later|stays?\s+on\s+its\s+own|stays?\s+as\s+(?:it\s+)?is|(?:follows?|comes?|happens?|moves?|goes)\s+in\s+(?:a\s+)?(?:second|later|next|separate|future)\s+(?:phase|project|step|migration)|in\s+phase\s+(?:2|two)|not\s+now)\b|\blater\s*(?:[;,.)]|$)"
    );
    // "Two weeks later", "later than June": time, not scope.
    let time_before = crate::re!(r"(?i)\b(?:days?|weeks?|months?|years?|hours?|minutes?)\s*$");
    for c in extract::clauses(text) {
        let clause = &text[c.start..c.end];
        let Some(m) = marker.find_iter(clause).find(|m| {
            !(m.as_str()
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("later")
                && time_before.is_match(&clause[..m.start()]))
        }) else {
            continue;
        };
        // "(monolith today, service later)": a contrast in time, not scope.
        if m.as_str()
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("later")
            && crate::re!(r"(?i)\b(?:today|currently)\b").is_match(clause)
        {
            continue;
        }
        let before = clause[..m.start()].trim_end();
        // The words the marker is about: back to the last comma or open
        // parenthesis, past a copula ("Sidekiq is NOT part of this") and a
        // relative pronoun ("PostgreSQL 14 on RDS, which is not changing").
        let copula = crate::re!(r"(?i)(?:\s+(?:and|but))?\s+(?:is|are|was|were)(?:\s+not)?\s*$");
        let before = copula
            .find(before)
            .map_or(before, |c| &before[..c.start()])
            .trim_end_matches([',', '-', '–', ' ']);
        let mut cut = piece_start(before);
        let pronoun = crate::re!(r"(?i)^\s*(?:which|that|it|this|they)\s*$");
        let before = if cut > 0 && pronoun.is_match(&before[cut..]) {
            let earlier = before[..cut - 1].trim_end();
            cut = piece_start(earlier);
            earlier
        } else {
            before
        };
        let (s, e) = if before[cut..].trim().is_empty() {
            (m.end(), clause.len())
        } else {
            (cut, before.len())
        };
        let piece = &clause[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let piece = piece.trim().trim_end_matches(['.', ';', ',']);
        // A closing parenthesis stays when it closes one in the piece.
        let piece = if piece.matches(')').count() > piece.matches('(').count() {
            piece.trim_end_matches(')')
        } else {
            piece
        };
        let what = piece
            .trim_start_matches(['(', '-', '*', '+'])
            .trim()
            .to_string();
        if what.is_empty() {
            continue;
        }
        let (s, e) = (c.start + s + lead, c.start + e);
        let technologies: Vec<TechRef> = hits
            .iter()
            .filter(|h| h.start >= s && h.end <= e && !h.value.negated)
            .filter_map(|h| cx.tech_ref(&h.value.id))
            .fold(Vec::new(), |mut v, t| {
                if !v.iter().any(|x: &TechRef| x.id == t.id) {
                    v.push(t);
                }
                v
            });
        cx.cover(i, c.start + m.start(), c.start + m.end());
        let f = cx.fact(i, p, OutOfScope { what, technologies }, s, e);
        facts.migration.out_of_scope.push(f);
    }
}

/// Where the piece of `text` that ends it begins: after the last comma or
/// semicolon, or after an open parenthesis not closed before the end.
fn piece_start(text: &str) -> usize {
    let mut depth = 0i32;
    for (k, ch) in text.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' if depth > 0 => depth -= 1,
            '(' => return k + 1,
            ',' | ';' if depth == 0 => return k + 1,
            _ => {}
        }
    }
    0
}

/// How many bundled changes a migration type is read for.
const MAX_BUNDLED: usize = 8;

/// The changes the migration type names after the subject's pair, each
/// read as a pair of its own ("…, and Python 3.8 → 3.11").
fn read_bundled(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    hits: &[Hit<TechHit>],
    mut from: usize,
    facts: &mut Facts,
) {
    let text = p.text.as_str();
    for _ in 0..MAX_BUNDLED {
        if from >= text.len() || !text.is_char_boundary(from) {
            break;
        }
        let shifted: Vec<Hit<TechHit>> = hits
            .iter()
            .filter(|h| h.start >= from)
            .map(|h| Hit::new(h.value.clone(), h.start - from, h.end - from))
            .collect();
        let slice = &text[from..];
        let Some(pair) = subject_pair(cx.k, slice, &shifted) else {
            break;
        };
        let k = cx.k;
        let within = |r: (usize, usize)| {
            shifted
                .iter()
                .find(|h| h.start >= r.0 && h.end <= r.1 && names_a_system(k, slice, h))
        };
        let next = from + pair.right.1.max(pair.left.1 + 1);
        let (Some(l), right) = (within(pair.left), within(pair.right)) else {
            from = next;
            continue;
        };
        let (to, to_version) = match (&pair.right_version, right) {
            (Some((_, v)), _) => (l, Some(v.clone())),
            (None, Some(r)) => (r, r.value.version.clone()),
            (None, None) => {
                from = next;
                continue;
            }
        };
        let (Some(from_tech), Some(to_tech)) =
            (cx.tech_ref(&l.value.id), cx.tech_ref(&to.value.id))
        else {
            from = next;
            continue;
        };
        let change = BundledChange {
            from: from_tech,
            from_version: l
                .value
                .version
                .clone()
                .or_else(|| pair.left_version.as_ref().map(|(_, v)| v.clone())),
            to: to_tech,
            to_version,
        };
        let f = cx.fact(i, p, change, from + pair.left.0, from + pair.right.1);
        facts.migration.bundled.push(f);
        from = next;
    }
}

/// Whether the name at `at` is something the new thing has as "its own"
/// ("into its own service with its own PostgreSQL database"): a part of
/// that thing, not what moves. "Our own" is a hosting statement instead.
fn is_own_part(text: &str, at: usize) -> bool {
    let before = extract::behind(text, at, 40).to_ascii_lowercase();
    let own =
        crate::re!(r"(?:^|[^\w])(?:(\w+)[\s,]+)?own(?:\s+(?:small|new|separate|dedicated))?\s*$");
    own.captures(&before)
        .is_some_and(|c| c.get(1).is_none_or(|w| w.as_str() != "our"))
}

/// "We're on Rails 6.0 with Ruby 2.7, and we want Rails 7.2": a migration
/// type that names the target's own technology, and not the one the
/// from-state mentioned first (a job queue, a database around the app),
/// describes an upgrade of that technology; its present version, there or
/// in the from-state, is the source.
fn upgrade_of_the_target(
    cx: &mut Ctx<'_>,
    prose: &[Prose],
    tech_hits: &[Vec<Hit<TechHit>>],
    facts: &mut Facts,
) -> Option<Warning> {
    let target = facts.target.technology.as_ref()?.value.id.clone();
    let source = facts.source.technology.as_ref()?.value.id.clone();
    if source == target {
        return None;
    }
    let kind = prose.iter().position(|p| p.tag == Tag::MigrationType)?;
    let named = |id: &str| {
        tech_hits[kind]
            .iter()
            .any(|h| h.value.id == id && !h.value.negated)
    };
    if !named(&target) || named(&source) {
        return None;
    }
    let target_version = facts.target.version.as_ref().map(|v| v.value.clone());
    let (i, h) = [Tag::MigrationType, Tag::FromState]
        .into_iter()
        .flat_map(|tag| prose.iter().enumerate().filter(move |(_, p)| p.tag == tag))
        .find_map(|(i, p)| {
            tech_hits[i]
                .iter()
                .find(|h| {
                    h.value.id == target
                        && !h.value.negated
                        && h.value.version.is_some()
                        && h.value.version != target_version
                        && !extract::tells_history(&p.text, h.start)
                })
                .map(|h| (i, h.clone()))
        })?;
    let t = cx.k.catalog.get(&target)?;
    let was = facts.source.technology.as_ref()?.value.name.clone();
    facts.source.technology = Some(cx.fact(i, &prose[i], tech_ref(t), h.start, h.end));
    let v = h.value.version.clone().expect("filtered on a version");
    facts.source.version = Some(cx.fact(i, &prose[i], v, h.start, h.end));
    Some(Warning {
        code: "subject-from-migration-type".into(),
        message: format!(
            "the migration type describes an upgrade of {}: it is the source, not {was}, which the from-state names first",
            t.name
        ),
        span: facts.source.technology.as_ref().and_then(|f| f.origin.span),
    })
}

fn system(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    hits: &[Hit<TechHit>],
    from: usize,
    to: usize,
) -> SystemFacts {
    let text = &p.text[..];
    let mut s = SystemFacts::default();
    let mut primary_hit: Option<&Hit<TechHit>> = None;
    for h in hits.iter().filter(|h| !h.value.negated) {
        let Some(t) = cx.k.catalog.get(&h.value.id) else {
            continue;
        };
        if is_primary_kind(t.kind) {
            // "With its own PostgreSQL database" is part of the side, not it.
            if primary_hit.is_none()
                && !is_own_part(text, h.start)
                && !extract::tells_history(text, h.start)
            {
                primary_hit = Some(h);
            }
        } else if t.kind.is_hosting() {
            let r = tech_ref(t);
            if !s.hosting.iter().any(|x| x.value.id == r.id) {
                let f = cx.fact(i, p, r, h.start, h.end);
                s.hosting.push(f);
            }
        } else if t.kind == TechKind::BackupTool {
            let f = cx.fact(i, p, t.name.clone(), h.start, h.end);
            s.backups.push(f);
        }
    }
    if let Some(h) = primary_hit {
        let t = cx.k.catalog.get(&h.value.id).expect("hit from catalog");
        s.technology = Some(cx.fact(i, p, tech_ref(t), h.start, h.end));
        if let Some(v) = &h.value.version {
            s.version = Some(cx.fact(i, p, v.clone(), h.start, h.end));
        } else if let Some(engine) = &t.engine {
            // "Amazon MSK with Kafka 3.6": a managed service's version is
            // the one stated for the engine it runs.
            if let Some(e) = hits
                .iter()
                .find(|e| &e.value.id == engine && e.value.version.is_some() && !e.value.negated)
            {
                let v = e.value.version.clone().expect("filtered on a version");
                s.version = Some(cx.fact(i, p, v, e.start, e.end));
            }
        }
    } else {
        // "Aurora PostgreSQL 15": the engine of a single-engine managed service.
        for h in hits.iter().filter(|h| !h.value.negated) {
            let Some(t) = cx.k.catalog.get(&h.value.id) else {
                continue;
            };
            if t.kind.is_hosting() && t.engine.is_some() {
                let engine = cx.k.catalog.engine_of(t);
                s.technology = Some(Fact {
                    value: tech_ref(engine),
                    origin: cx.origin(p, h.start, h.end),
                });
                if let Some(v) = &h.value.version {
                    s.version = Some(cx.fact(i, p, v.clone(), h.start, h.end));
                }
                break;
            }
        }
    }
    let slice = &text[from..to];
    let self_hosted = crate::re!(
        r"(?i)\b(?:self[\s-]hosted|self[\s-]managed|on[\s-]prem(?:ises?)?|our\s+own\s+(?:servers?|hardware|vms?|instances?)|we\s+run\s+it)\b"
    );
    let managed = crate::re!(r"(?i)\b(?:fully[\s-])?managed\b");
    if let Some(m) = self_hosted.find(slice) {
        s.self_hosted = Some(cx.fact(i, p, true, from + m.start(), from + m.end()));
    } else if let Some(m) = managed.find(slice) {
        s.self_hosted = Some(cx.fact(i, p, false, from + m.start(), from + m.end()));
    } else if s
        .hosting
        .iter()
        .any(|h| h.value.kind == "managed-database" || h.value.kind == "managed-cache")
    {
        let h = &s.hosting[0];
        s.self_hosted = Some(Fact {
            value: false,
            origin: h.origin.clone(),
        });
    }
    let class = crate::re!(
        r"\b((?:db|cache)\.[a-z][0-9][a-z0-9-]*\.[0-9]*x?(?:large|medium|small|micro|nano|metal)|[a-z][0-9][a-z]?[dgn]?\.[0-9]*x?(?:large|medium|small|micro|nano|metal)|Standard_[A-Z][A-Za-z0-9_]+|[ne][12]-(?:standard|highmem|highcpu)-\d+)\b"
    );
    if let Some(m) = class.find(slice) {
        s.instance_class = Some(cx.fact(
            i,
            p,
            m.as_str().to_string(),
            from + m.start(),
            from + m.end(),
        ));
    }
    let topo = crate::re!(
        r"(?i)\b(multi[\s-]az|single[\s-]az|single\s+(?:\w+\s+)?(?:instance|node|server|box|vm)|primary(?:\s+(?:and|\+|with))\s+(?:\d+|one|two|three)\s+(?:read\s+)?replicas?|replica\s+set|sharded|(?:\d+|three|five)[\s-]node\s+cluster|cluster\s+mode|sentinel|high[\s-]availability|automated\s+failover)\b"
    );
    s.topology = matches_as_facts(cx, i, p, topo, slice, from);
    let backups = crate::re!(
        r"(?i)\b((?:hourly|daily|nightly|weekly|continuous)\s+(?:backups?|snapshots?)|point[\s-]in[\s-]time\s+recovery|\bpitr\b|managed\s+backups?)"
    );
    s.backups
        .extend(matches_as_facts(cx, i, p, backups, slice, from));
    s
}

/// Each match of `re` in `slice` (which starts at `from` in the prose) as a
/// fact holding the matched words.
fn matches_as_facts(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    re: &regex::Regex,
    slice: &str,
    from: usize,
) -> Vec<Fact<String>> {
    re.find_iter(slice)
        .map(|m| {
            cx.fact(
                i,
                p,
                m.as_str().to_string(),
                from + m.start(),
                from + m.end(),
            )
        })
        .collect()
}

/// Adds what `other` knows and `into` does not, keeping `into`'s values.
fn merge_system(into: &mut SystemFacts, other: SystemFacts) {
    fill_system(into, other);
}

fn fill_system(into: &mut SystemFacts, other: SystemFacts) {
    if into.technology.is_none() {
        into.technology = other.technology;
    }
    if into.version.is_none() {
        // Only take a version that belongs to the same technology.
        into.version = other.version;
    }
    for h in other.hosting {
        if !into.hosting.iter().any(|x| x.value.id == h.value.id) {
            into.hosting.push(h);
        }
    }
    if into.self_hosted.is_none() {
        into.self_hosted = other.self_hosted;
    }
    if into.instance_class.is_none() {
        into.instance_class = other.instance_class;
    }
    for t in other.topology {
        if !into
            .topology
            .iter()
            .any(|x| x.value.eq_ignore_ascii_case(&t.value))
        {
            into.topology.push(t);
        }
    }
    into.backups.extend(other.backups);
}

fn read_goals(cx: &mut Ctx<'_>, i: usize, p: &Prose, facts: &mut Facts) {
    let re = crate::re!(
        r"(?i)\b(?:goals?|why|motivation|because|in\s+order\s+to|so\s+that|we\s+want)\b\s*:?\s*"
    );
    for c in extract::clauses(&p.text) {
        let clause = &p.text[c.start..c.end];
        if let Some(m) = re.find(clause) {
            let goal = clause[m.end()..].trim().trim_end_matches('.').to_string();
            if !goal.is_empty() {
                let f = cx.fact(i, p, goal, c.start, c.end);
                facts.migration.goals.push(f);
            }
        }
    }
}

fn read_capabilities(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    hits: &[Hit<TechHit>],
    facts: &mut Facts,
) {
    let text = &p.text;
    for h in extract::capability::capabilities(text) {
        let (cs, ce) = extract::clause_around(text, h.start);
        let wanted = match h.value.kind {
            CapabilityKind::FeatureFlags => Some("feature-flags"),
            CapabilityKind::CanaryDeploys => Some("progressive-delivery"),
            _ => None,
        };
        let provider = wanted.and_then(|kind| {
            hits.iter()
                .filter(|t| t.start >= cs && t.end <= ce && !t.value.negated)
                .filter_map(|t| cx.k.catalog.get(&t.value.id))
                .find(|t| t.kind.as_str() == kind)
                .map(tech_ref)
        });
        // Cover the whole "via env var per service" tail of the clause.
        let end = if h.value.mechanism.is_some() {
            ce
        } else {
            h.end
        };
        let f = cx.fact(
            i,
            p,
            Capability {
                kind: h.value.kind,
                present: h.value.present,
                provider,
                mechanism: h.value.mechanism.clone(),
                takes_minutes: h.value.takes_minutes,
                settings: h.value.settings.clone(),
            },
            h.start,
            end,
        );
        if !facts
            .capabilities
            .iter()
            .any(|c| c.value.kind == h.value.kind)
        {
            facts.capabilities.push(f);
        }
    }
    // A named flag or progressive-delivery product is the capability itself.
    for t in hits.iter().filter(|t| !t.value.negated) {
        let Some(tech) = cx.k.catalog.get(&t.value.id) else {
            continue;
        };
        let kind = match tech.kind {
            TechKind::FeatureFlags => CapabilityKind::FeatureFlags,
            TechKind::ProgressiveDelivery => CapabilityKind::CanaryDeploys,
            _ => continue,
        };
        if p.tag != Tag::ExistingDualRunCapability && p.tag != Tag::Constraints {
            continue;
        }
        match facts.capabilities.iter_mut().find(|c| c.value.kind == kind) {
            Some(c) => {
                if c.value.provider.is_none() && c.value.present {
                    c.value.provider = Some(tech_ref(tech));
                }
            }
            None => {
                let f = cx.fact(
                    i,
                    p,
                    Capability {
                        kind,
                        present: true,
                        provider: Some(tech_ref(tech)),
                        mechanism: None,
                        takes_minutes: None,
                        settings: Vec::new(),
                    },
                    t.start,
                    t.end,
                );
                facts.capabilities.push(f);
            }
        }
    }
}

fn read_team(cx: &mut Ctx<'_>, i: usize, p: &Prose, facts: &mut Facts) {
    for h in extract::team::members(&p.text, &cx.k.roles) {
        let f = cx.fact(i, p, h.value, h.start, h.end);
        facts.team.members.push(f);
    }
    if let Some(h) = extract::team::size(&p.text) {
        // "Backend help: 1 person, on request" beside "3 frontend devs": a
        // size below the people counted by role counts something else.
        let counted: u32 = facts.team.members.iter().map(|m| m.value.count).sum();
        if h.value >= counted {
            facts.team.size = Some(cx.fact(i, p, h.value, h.start, h.end));
        }
    }
    for h in extract::team::time_zones(&p.text, &cx.k.zones) {
        let f = cx.fact(i, p, h.value.clone(), h.start, h.end);
        if !facts.team.time_zones.iter().any(|z| z.value == h.value) {
            facts.team.time_zones.push(f);
        }
    }
    let tz_word = crate::re!(r"(?i)\b(?:time\s?zones?|all\s+in|based\s+in|located\s+in)\b");
    for m in tz_word.find_iter(&p.text) {
        if !facts.team.time_zones.is_empty() {
            cx.cover(i, m.start(), m.end());
        }
    }
}

/// The named person the clause holding byte `at` speaks of, when one does.
fn person_in_clause<'p>(
    people: &'p mut [Fact<Person>],
    text: &str,
    at: usize,
) -> Option<&'p mut Fact<Person>> {
    let (cs, ce) = extract::clause_around(text, at);
    let clause = text[cs..ce].to_lowercase();
    people.iter_mut().find(|p| {
        let name = p.value.name.to_lowercase();
        clause.match_indices(&name).any(|(i, m)| {
            let before = clause[..i].chars().next_back();
            let after = clause[i + m.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

/// The names a pasted chat shows for its speakers ("[10:45] marco: …"), in
/// lower case: the same names written in lower case in the fields are
/// people, not words.
fn chat_speakers(text: &str) -> Vec<String> {
    let speaker = crate::re!(r"(?m)^\s*\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*([A-Za-z][\w.-]{1,20}):");
    let mut out: Vec<String> = Vec::new();
    for c in speaker.captures_iter(text) {
        let name = c[1].to_lowercase();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// People named in a field; the same person named again (in the
/// constraints after the team) gains what the second mention says.
fn read_people(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    hits: &[Hit<TechHit>],
    speakers: &[String],
    facts: &mut Facts,
) {
    let start = cx.start;
    let roles = &cx.k.roles;
    let found = extract::people::people(&p.text, start, roles, speakers);
    for h in found {
        // "Zendesk (support)" is a product the catalog knows, not a person.
        if hits_within(hits, h.start, h.start + h.value.name.len())
            .next()
            .is_some()
        {
            continue;
        }
        let f = cx.fact(i, p, h.value, h.start, h.end);
        match facts
            .team
            .people
            .iter_mut()
            .find(|x| x.value.name.eq_ignore_ascii_case(&f.value.name))
        {
            Some(known) => {
                if known.value.duty.is_none() {
                    known.value.duty = f.value.duty;
                    known.value.role = f.value.role;
                }
                known.value.unavailable.extend(f.value.unavailable);
            }
            None => facts.team.people.push(f),
        }
    }
}

fn read_experience(cx: &mut Ctx<'_>, i: usize, p: &Prose, facts: &mut Facts) {
    let roles = cx.k.roles.clone();
    let role_of = |clause: &str| {
        let lower = clause.to_ascii_lowercase();
        roles
            .roles()
            .iter()
            .filter(|r| r.id != "engineer")
            .find(|r| {
                r.phrases.iter().any(|ph| {
                    lower.match_indices(ph.as_str()).any(|(at, _)| {
                        let before = lower[..at].chars().next_back();
                        let after = lower[at + ph.len()..].chars().next();
                        before.is_none_or(|c| !c.is_alphanumeric())
                            && after.is_none_or(|c| !c.is_alphanumeric() || c == 's')
                    })
                })
            })
            .map(|r| r.id.clone())
    };
    for h in extract::experience::experience(&p.text, &role_of) {
        let f = cx.fact(i, p, h.value, h.start, h.end);
        facts.experience.push(f);
    }
}

fn read_schedule(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    hits: &[Hit<TechHit>],
    facts: &mut Facts,
    team_field: bool,
) {
    let text = &p.text;
    let start = cx.start;
    let freezes = extract::dates::freezes(text, start);
    for h in &freezes {
        let f = cx.fact(i, p, h.value.clone(), h.start, h.end);
        // "Ulrike can validate exports, but only outside the first five
        // working days of the month": a recurring stretch in the team's
        // words, in a clause naming someone, is when they are away, not a
        // freeze on the migration.
        if team_field {
            if let Some(person) = person_in_clause(&mut facts.team.people, text, h.start) {
                person.value.unavailable_every.push(f.value);
                continue;
            }
        }
        facts.schedule.freezes.push(f);
    }
    for h in extract::dates::holiday_countries(text) {
        let f = cx.fact(i, p, h.value.clone(), h.start, h.end);
        if !facts
            .schedule
            .holiday_countries
            .iter()
            .any(|c| c.value == h.value)
        {
            facts.schedule.holiday_countries.push(f);
        }
    }
    if team_field {
        return;
    }
    for h in extract::dates::change_windows(text) {
        // "06:00-09:00 UTC", "04:00–06:00 Oslo": a zone named right after
        // the hours is the window's own.
        let after_end = extract::char_floor(text, (h.value.zone_text_at + 24).min(text.len()));
        let zone = extract::team::time_zones(&text[h.value.zone_text_at..after_end], &cx.k.zones)
            .into_iter()
            .find(|z| z.start <= 2)
            .map(|z| z.value);
        let w = ChangeWindow {
            weekdays: h.value.weekdays,
            from_minute: h.value.from_minute,
            to_minute: h.value.to_minute,
            zone,
        };
        let f = cx.fact(i, p, w, h.start, h.end);
        if !facts
            .schedule
            .change_windows
            .iter()
            .any(|x| x.value == f.value)
        {
            facts.schedule.change_windows.push(f);
        }
    }
    if let Some(h) = extract::dates::reference_month(text) {
        cx.cover(i, h.start, h.end);
        if h.value != start.month() {
            facts.warnings.push(Warning {
                code: "reference-month".into(),
                message: format!(
                    "the input says {:?}, but the plan starts {start}: relative dates are resolved against the start date",
                    text[h.start..h.end].trim()
                ),
                span: p.base.map(|b| cx.src.span(b + h.start, b + h.end)),
            });
        }
    }
    let frozen = Coverage::of(&freezes.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>());
    // "The peak-season freeze starts 1 September and runs until
    // mid-January (Black Friday, then Christmas)": a date in brackets in a
    // freeze's clause says what the freeze is for.
    let freeze_clauses: Vec<(usize, usize)> = freezes
        .iter()
        .map(|f| extract::clause_around(text, f.start))
        .collect();
    let bracketed = |at: usize| {
        let before = &text[..at];
        before
            .rfind('(')
            .is_some_and(|o| before.rfind(')').is_none_or(|c| c < o))
    };
    let named_by_freeze =
        |at: usize| bracketed(at) && freeze_clauses.iter().any(|&(s, e)| s <= at && at < e);
    let in_freeze = |at: usize| frozen.touches(at, at + 1) || named_by_freeze(at);
    let retail = crate::re!(r"(?i)^(?:black\s+friday|cyber\s+monday|thanksgiving)$");
    let mut outer_bound_seen = false;
    for h in extract::dates::dates(text, start) {
        // A date inside a freeze belongs to it; but "live before Black
        // Friday" names the peak as a freeze and as the deadline both.
        let retail_deadline = retail.is_match(&text[h.start..h.end])
            && extract::dates::is_deadline_context(text, h.start)
            && !named_by_freeze(h.start);
        if in_freeze(h.start) && !retail_deadline {
            continue;
        }
        let (cs, ce) = extract::clause_around(text, h.start);
        let clause = text[cs..ce].to_ascii_lowercase();
        if clause.contains("holiday") || clause.contains("day off") || clause.contains("offsite") {
            let f = cx.fact(i, p, h.value.date, h.start, h.end);
            facts.schedule.holidays.push(f);
            continue;
        }
        // Of several deadlines ("the contract ends 31 December; we need to
        // be finished before Christmas"), the earliest still ahead binds;
        // but a date the team only wants or plans ("plan: backfill by end of
        // April") never displaces a firm end, and a firm end displaces it.
        let wished = wished_date(text, cs, h.start);
        // "…by the end of August at the very latest": the outer bound the
        // input sets outranks the earlier dates it only hopes for.
        let last_word = crate::re!(
            r"(?i)\b(?:at\s+the\s+(?:very\s+)?latest|hard\s+stop|hard\s+deadline|no\s+later\s+than|absolute\s+latest)\b"
        );
        let outer = last_word.is_match(&text[h.start..ce.max(h.start)])
            || last_word.is_match(&text[cs..h.start]);
        if outer_bound_seen && !outer {
            if extract::dates::is_deadline_context(text, h.start) {
                if let Some(firm) = facts.schedule.deadline.as_ref() {
                    let w = milestone_under(cx, i, p, &h, (cs, ce), firm);
                    facts.warnings.push(w);
                }
            }
            continue;
        }
        let binds = |d: Date| {
            if outer {
                return !outer_bound_seen
                    || facts
                        .schedule
                        .deadline
                        .as_ref()
                        .is_none_or(|old| d < old.value.date);
            }
            facts
                .schedule
                .deadline
                .as_ref()
                .is_none_or(|old| match (old.value.wish, wished) {
                    (false, true) => false,
                    (true, false) => true,
                    _ => {
                        let old = old.value.date;
                        (d >= start && (old < start || d < old)) || (old < start && d > old)
                    }
                })
        };
        // "Would like it done within 6 weeks" is a wish about the length,
        // read as a preferred duration below, not a date to meet.
        let relative = crate::re!(r"(?i)^(?:in|within)\s");
        let wish = crate::re!(r"(?i)\b(?:would\s+like|ideally|prefer|hope|aim)");
        if relative.is_match(&text[h.start..]) && wish.is_match(&text[cs..h.start]) {
            continue;
        }
        // "…the notice of 3 months must be given before 28 February,
        // otherwise it renews": a date to send a notice by is an obligation
        // of its own, not the date the migration must be done by. Only the
        // words since the last "and" or comma decide, so the contract's
        // end in the same sentence stays a deadline.
        if let Some(from) = notice_date(text, cs, h.start) {
            // Said, not read: the plan asks about it and gates on it.
            let piece = text[from..ce].trim();
            let lead = text[from..ce].len() - text[from..ce].trim_start().len();
            facts.uninterpreted.push(Uninterpreted {
                field: p.field.clone(),
                text: piece.to_string(),
                span: p
                    .base
                    .map(|b| cx.src.span(b + from + lead, b + from + lead + piece.len())),
            });
            continue;
        }
        if binds(h.value.date) && extract::dates::is_deadline_context(text, h.start) {
            let reason = crate::re!(r"(?i)\b(?:for|because\s+of|due\s+to|ahead\s+of|in\s+time\s+for)\s+(?:the\s+|our\s+|a\s+)?([^.;,]+)")
                .captures({
                    // The reason follows the date in its own part of the
                    // sentence, not after "and the notice …".
                    let after = &text[h.end..ce.max(h.end)];
                    &after[..after.find(" and ").unwrap_or(after.len())]
                })
                .map(|c| c[1].trim().to_string());
            let mut reading = h.value.reading.clone();
            if h.value.ambiguous {
                facts.warnings.push(Warning {
                    code: "ambiguous-date".into(),
                    message: format!(
                        "{:?} could be day/month or month/day; read as {}",
                        &text[h.start..h.end],
                        h.value.date
                    ),
                    span: p.base.map(|b| cx.src.span(b + h.start, b + h.end)),
                });
                reading = format!("{} (ambiguous)", h.value.date);
            }
            let f = cx.fact(
                i,
                p,
                Deadline {
                    date: h.value.date,
                    reading,
                    reason,
                    wish: wished,
                },
                cs,
                ce,
            );
            if let Some(old) = facts.schedule.deadline.take() {
                if (old.value.wish && !wished) || (outer && !outer_bound_seen) {
                    facts.warnings.push(milestone_warning(&old, &f));
                }
            }
            facts.schedule.deadline = Some(f);
            outer_bound_seen |= outer;
        } else if wished && extract::dates::is_deadline_context(text, h.start) {
            // A wish the firm end outranks: said back, never dropped.
            if let Some(firm) = facts.schedule.deadline.as_ref().filter(|d| !d.value.wish) {
                let w = milestone_under(cx, i, p, &h, (cs, ce), firm);
                facts.warnings.push(w);
            }
        }
        // Any other date is left uncovered: unless another fact reads its
        // clause, the clause is listed as not interpreted, never dropped.
    }
    for h in extract::duration::durations(text) {
        let Some(role) = extract::dates::duration_role(text, h.start, h.end) else {
            continue;
        };
        let days = h.value.days().round() as u32;
        let (cs, ce) = extract::clause_around(text, h.start);
        let f = cx.fact(i, p, days, cs, ce);
        match role {
            DurationRole::Max if facts.schedule.max_duration_days.is_none() => {
                facts.schedule.max_duration_days = Some(f)
            }
            DurationRole::Preferred if facts.schedule.preferred_duration_days.is_none() => {
                facts.schedule.preferred_duration_days = Some(f)
            }
            _ => {}
        }
    }
    let budget = crate::re!(
        r"(?i)\b(?:budget(?:ed)?|approved|licen[cs]ed?|can\s+use|allowed\s+to\s+use|paying\s+for|we\s+(?:pay|have\s+a\s+contract))\b"
    );
    for c in extract::clauses(text) {
        if !budget.is_match(&text[c.start..c.end]) {
            continue;
        }
        let first = hits.partition_point(|t| t.start < c.start);
        for t in hits[first..]
            .iter()
            .take_while(|t| t.start < c.end)
            .filter(|t| t.end <= c.end && !t.value.negated)
        {
            if let Some(r) = cx.tech_ref(&t.value.id) {
                let f = cx.fact(i, p, r.clone(), t.start, t.end);
                if !facts.budgeted_tools.iter().any(|b| b.value.id == r.id) {
                    facts.budgeted_tools.push(f);
                }
            }
        }
    }
}

fn read_integrations(
    cx: &mut Ctx<'_>,
    i: usize,
    p: &Prose,
    hits: &[Hit<TechHit>],
    facts: &mut Facts,
) {
    let catalog = &cx.k.catalog;
    let kinds_in = |s: usize, e: usize| -> Vec<String> {
        hits_within(hits, s, e)
            .filter_map(|h| catalog.get(&h.value.id))
            .map(|t| t.kind.as_str().to_string())
            .collect()
    };
    let found = extract::integration::integrations(&p.text, &kinds_in);
    // The same integration listed again is one integration, said once.
    let mut seen: std::collections::HashMap<String, (usize, usize, usize)> =
        std::collections::HashMap::new();
    for h in found {
        let key = h.value.name.trim().to_lowercase();
        if let Some(first) = seen.get_mut(&key) {
            first.2 += 1;
            cx.cover(i, h.start, h.end);
            continue;
        }
        seen.insert(key, (h.start, h.end, 1));
        let technologies = hits_within(hits, h.start, h.end)
            .filter_map(|t| cx.tech_ref(&t.value.id))
            .collect();
        let v = Integration {
            name: h.value.name,
            kinds: h.value.kinds,
            technologies,
            count: h.value.count,
            mechanisms: h.value.mechanisms,
        };
        let f = cx.fact(i, p, v, h.start, h.end);
        facts.integrations.push(f);
    }
    let mut repeated: Vec<(usize, usize, usize)> =
        seen.into_values().filter(|(_, _, n)| *n > 1).collect();
    repeated.sort_unstable();
    for (s, e, n) in repeated {
        facts.warnings.push(Warning {
            code: "integration-repeated".into(),
            message: format!(
                "\"{}\" is listed {n} times; it is planned for once",
                quoted(p.text[s..e].trim(), QUOTE_CHARS)
            ),
            span: p.base.map(|b| cx.src.span(b + s, b + e)),
        });
    }
}

/// The hits lying inside `start..end`, found by binary search (hits are in
/// order of their start and do not overlap).
fn hits_within(
    hits: &[Hit<TechHit>],
    start: usize,
    end: usize,
) -> impl Iterator<Item = &Hit<TechHit>> {
    let first = hits.partition_point(|h| h.start < start);
    hits[first..]
        .iter()
        .take_while(move |h| h.start < end)
        .filter(move |h| h.end <= end)
}

fn derive_family(cx: &Ctx<'_>, prose: &[Prose], spec: Option<&Spec>, facts: &mut Facts) {
    if let Some(family) = spec
        .and_then(|s| s.migration.as_ref())
        .and_then(|m| m.family)
    {
        facts.migration.family = Some(Fact {
            value: family,
            origin: structured("migration.family", family.as_str(), None),
        });
        return;
    }
    let summary = prose.iter().find(|p| p.tag == Tag::MigrationType);
    let monolith = crate::re!(
        r"(?i)\b(?:monolith|strangler|extract(?:ing|ion)?\s+(?:\w+\s+){0,3}(?:service|module)|split(?:ting)?\s+(?:\w+\s+){0,3}into|break(?:ing)?\s+out|carve[\s-]out)"
    );
    if let Some(p) = summary {
        if let Some(m) = monolith.find(&p.text) {
            facts.migration.family = Some(Fact {
                value: Family::MonolithSplit,
                origin: cx.origin(p, m.start(), m.end()),
            });
            return;
        }
    }
    let by_kind = |kind: &str| -> Option<Family> {
        Some(match kind {
            "relational-database"
            | "document-database"
            | "wide-column-store"
            | "managed-database" => Family::Database,
            "cache" | "managed-cache" | "key-value-store" | "queue" | "stream" | "job-queue"
            | "search-engine" | "warehouse" => Family::Datastore,
            "web-framework" | "runtime" => Family::Framework,
            "auth-saas" | "email-saas" | "payment-saas" | "sms-saas" | "analytics-saas"
            | "feature-flags" | "search-saas" => Family::Service,
            _ => return None,
        })
    };
    for side in [&facts.source, &facts.target] {
        if let Some(t) = &side.technology {
            if let Some(f) = by_kind(&t.value.kind) {
                let why = format!("{} is a {}", t.value.name, t.value.kind);
                facts.migration.family = Some(Fact {
                    value: f,
                    origin: derived(&t.origin.field, why),
                });
                return;
            }
        }
    }
    if let Some(p) = summary {
        let table: &[(&str, Family)] = &[
            (r"(?i)\b(?:database|db|schema|sql)\b", Family::Database),
            (
                r"(?i)\b(?:cache|caching|queue|broker|search\s+index|datastore|key[\s-]value)\b",
                Family::Datastore,
            ),
            (r"(?i)\b(?:framework|runtime|upgrade)\b", Family::Framework),
            (
                r"(?i)\b(?:vendor|provider|third[\s-]party|saas|service)\b",
                Family::Service,
            ),
        ];
        for (re, fam) in table {
            let re = regex::Regex::new(re).expect("valid");
            if let Some(m) = re.find(&p.text) {
                facts.migration.family = Some(Fact {
                    value: *fam,
                    origin: cx.origin(p, m.start(), m.end()),
                });
                return;
            }
        }
    }
}

fn major(v: &str) -> &str {
    v.split('.').next().unwrap_or(v)
}

fn derive_changes(cx: &Ctx<'_>, facts: &mut Facts) {
    let (Some(s), Some(t)) = (&facts.source.technology, &facts.target.technology) else {
        return;
    };
    let engine = |r: &TechRef| {
        cx.k.catalog
            .get(&r.id)
            .map(|t| cx.k.catalog.engine_of(t).id.clone())
            .unwrap_or_else(|| r.id.clone())
    };
    let mut changes = Vec::new();
    if engine(&s.value) != engine(&t.value) {
        changes.push(Fact {
            value: ChangeKind::VendorChange,
            origin: derived(
                "source/target",
                format!("{} → {}", s.value.name, t.value.name),
            ),
        });
    } else {
        if let (Some(a), Some(b)) = (&facts.source.version, &facts.target.version) {
            if major(&a.value) != major(&b.value) || a.value != b.value {
                changes.push(Fact {
                    value: ChangeKind::VersionUpgrade,
                    origin: derived(
                        "source/target",
                        format!("{} {} → {}", s.value.name, a.value, b.value),
                    ),
                });
            }
        }
        let ids = |sys: &SystemFacts| {
            let mut v: Vec<String> = sys.hosting.iter().map(|h| h.value.id.clone()).collect();
            v.sort();
            v
        };
        let (ha, hb) = (ids(&facts.source), ids(&facts.target));
        let self_a = facts.source.self_hosted.as_ref().map(|f| f.value);
        let self_b = facts.target.self_hosted.as_ref().map(|f| f.value);
        if (!ha.is_empty() && !hb.is_empty() && ha != hb)
            || (self_a.is_some() && self_b.is_some() && self_a != self_b)
        {
            let name = |sys: &SystemFacts| {
                sys.hosting
                    .iter()
                    .map(|h| h.value.name.clone())
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            changes.push(Fact {
                value: ChangeKind::HostingMove,
                origin: derived(
                    "source/target",
                    format!("{} → {}", name(&facts.source), name(&facts.target)),
                ),
            });
        }
    }
    if changes.is_empty() {
        changes.push(Fact {
            value: ChangeKind::Other,
            origin: derived(
                "source/target",
                "same technology, version and hosting as far as the input says",
            ),
        });
    }
    facts.migration.changes = changes;
}

/// Applies structured spec values on top of what prose said.
fn overlay(
    cx: &mut Ctx<'_>,
    spec: &Spec,
    matcher: &TechMatcher,
    facts: &mut Facts,
    criticality_found: &mut bool,
    tolerance_found: &mut bool,
) {
    let src = cx.src;
    let locator = spec::Locator::new(src);
    let at = |path: &str, value: &str| {
        locator
            .locate(path, value)
            .map(|o| src.span(o, o + value.len()))
    };
    let resolve = |cx: &mut Ctx<'_>, path: &str, value: &str| -> Option<TechRef> {
        let v = value.trim();
        if let Some(t) = cx.k.catalog.get(&v.to_ascii_lowercase()) {
            return Some(tech_ref(t));
        }
        let hits = matcher.find(v);
        if let Some(h) = hits.first() {
            return cx.tech_ref(&h.value.id);
        }
        let best = cx
            .k
            .catalog
            .technologies()
            .iter()
            .map(|t| {
                (
                    t,
                    strsim::jaro_winkler(&v.to_ascii_lowercase(), &t.id).max(strsim::jaro_winkler(
                        &v.to_ascii_lowercase(),
                        &t.name.to_ascii_lowercase(),
                    )),
                )
            })
            .max_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal));
        let help = match best {
            Some((t, score)) if score > 0.8 => Some(format!("did you mean `{}` ({})? Technologies rollgate does not know can be added with --knowledge DIR", t.id, t.name)),
            _ => Some("name it by a catalog id or alias, or teach rollgate about it with --knowledge DIR (a technologies.toml pack)".into()),
        };
        let span = at(path, v);
        cx.problems.push(
            "unknown technologies",
            problem_at_span(
                src,
                span,
                format!("{path}: unknown technology \"{}\"", quoted(v, QUOTE_CHARS)),
                help,
            ),
        );
        None
    };
    for (side_name, side_spec, side) in [
        ("source", &spec.source, &mut facts.source),
        ("target", &spec.target, &mut facts.target),
    ] {
        let Some(sys) = side_spec else { continue };
        if let Some(t) = &sys.technology {
            let path = format!("{side_name}.technology");
            if let Some(r) = resolve(cx, &path, t) {
                let origin = structured(&path, t, at(&format!("{side_name}.technology"), t));
                // "aurora-postgresql" names an engine and where it runs.
                let managed =
                    cx.k.catalog
                        .get(&r.id)
                        .filter(|m| m.kind.is_hosting() && m.engine.is_some());
                match managed {
                    Some(m) => {
                        let engine = tech_ref(cx.k.catalog.engine_of(m));
                        if !side.hosting.iter().any(|h| h.value.id == r.id) {
                            side.hosting.push(Fact {
                                value: r,
                                origin: origin.clone(),
                            });
                        }
                        side.technology = Some(Fact {
                            value: engine,
                            origin,
                        });
                    }
                    None => side.technology = Some(Fact { value: r, origin }),
                }
            }
        }
        if let Some(v) = &sys.version {
            let path = format!("{side_name}.version");
            side.version = Some(Fact {
                value: v.clone(),
                origin: structured(&path, v, at(&format!("{side_name}.version"), v)),
            });
        }
        if let Some(h) = &sys.hosting {
            let path = format!("{side_name}.hosting");
            let lower = h.to_ascii_lowercase();
            if lower.contains("self-hosted") || lower.contains("self hosted") || lower == "on-prem"
            {
                side.self_hosted = Some(Fact {
                    value: true,
                    origin: structured(&path, h, at(&format!("{side_name}.hosting"), h)),
                });
            }
            let hits = matcher.find(h);
            if hits.is_empty() && side.self_hosted.is_none() {
                resolve(cx, &path, h);
            }
            let mut hosting = Vec::new();
            for hit in hits {
                if let Some(r) = cx.tech_ref(&hit.value.id) {
                    hosting.push(Fact {
                        value: r,
                        origin: structured(&path, h, at(&format!("{side_name}.hosting"), h)),
                    });
                }
            }
            if !hosting.is_empty() {
                if hosting.iter().any(|f| f.value.kind.starts_with("managed"))
                    && side.self_hosted.is_none()
                {
                    side.self_hosted = Some(Fact {
                        value: false,
                        origin: structured(&path, h, at(&format!("{side_name}.hosting"), h)),
                    });
                }
                side.hosting = hosting;
            }
        }
        if let Some(c) = &sys.instance_class {
            let path = format!("{side_name}.instance_class");
            side.instance_class = Some(Fact {
                value: c.clone(),
                origin: structured(&path, c, at(&format!("{side_name}.instance_class"), c)),
            });
        }
    }
    if let Some(scale) = &spec.scale {
        if let Some(size) = &scale.data_size {
            let (text, parsed) = match size {
                spec::NumberOrText::Number(n) => (
                    format!("{n}"),
                    (*n >= 0.0 && n.is_finite()).then(|| DataSize {
                        bytes: (n * 1e9) as u64,
                        approximate: false,
                    }),
                ),
                spec::NumberOrText::Text(t) if t.trim_start().starts_with('-') => (t.clone(), None),
                spec::NumberOrText::Text(t) => (
                    t.clone(),
                    extract::quantity::data_sizes(t).first().map(|h| h.value),
                ),
            };
            match parsed {
                Some(v) => {
                    facts.data_size = Some(Fact {
                        value: v,
                        origin: structured("scale.data_size", &text, at("scale.data_size", &text)),
                    })
                }
                None => push_value_problem(
                    cx,
                    "scale.data_size",
                    "data_size",
                    &text,
                    "a data size such as \"600 GB\" or a number of gigabytes (not negative)",
                ),
            }
        }
        for r in &scale.peak_rates {
            match extract::quantity::rates(r).first() {
                Some(h) => {
                    let mut v = h.value.clone();
                    v.peak = true;
                    facts.rates.retain(|x| x.value.unit != v.unit);
                    facts.rates.push(Fact {
                        value: v,
                        origin: structured("scale.peak_rates", r, at("scale.peak_rates", r)),
                    });
                }
                None => push_value_problem(
                    cx,
                    "scale.peak_rates",
                    "peak_rates",
                    r,
                    "a rate such as \"12000 queries/s\" or \"5k rps\"",
                ),
            }
        }
        for (what, val, key) in [
            ("services", scale.consumers, "consumers"),
            ("customers", scale.customers, "customers"),
        ] {
            if let Some(n) = val {
                facts.counts.retain(|c| c.value.what != what);
                facts.counts.push(Fact {
                    value: Count {
                        count: n,
                        what: what.into(),
                        approximate: false,
                    },
                    origin: structured(
                        &format!("scale.{key}"),
                        n.to_string(),
                        at(&format!("scale.{key}"), &n.to_string()),
                    ),
                });
            }
        }
    }
    for u in spec
        .migration
        .as_ref()
        .map(|m| m.uses.as_slice())
        .unwrap_or(&[])
    {
        let known = [
            "cache",
            "sessions",
            "job-queue",
            "rate-limiter",
            "locks",
            "pub-sub",
            "search-index",
            "leaderboard",
            "primary-store",
        ];
        let norm = u.trim().to_ascii_lowercase().replace(' ', "-");
        if known.contains(&norm.as_str()) {
            if !facts.migration.store_uses.iter().any(|x| x.value == norm) {
                facts.migration.store_uses.push(Fact {
                    value: norm,
                    origin: structured("migration.uses", u, at("migration.uses", u)),
                });
            }
        } else {
            push_value_problem(
                cx,
                "migration.uses",
                "uses",
                u,
                &format!("one of {}", known.join(", ")),
            );
        }
    }
    if let Some(value) = spec.criticality.as_ref().and_then(|c| c.level) {
        facts.criticality = Fact {
            value,
            origin: structured(
                "criticality.level",
                value.as_str(),
                at("criticality.level", value.as_str()),
            ),
        };
        *criticality_found = true;
    }
    if let Some(delay) = spec
        .rollback
        .as_ref()
        .and_then(|r| r.acceptable_delay.as_ref())
    {
        let (text, minutes) = match delay {
            spec::NumberOrText::Number(n) => (
                format!("{n}"),
                (*n > 0.0 && n.is_finite()).then(|| n.ceil() as u64),
            ),
            spec::NumberOrText::Text(t) if t.trim_start().starts_with('-') => (t.clone(), None),
            spec::NumberOrText::Text(t) => (
                t.clone(),
                extract::duration::tolerance(t).map(|h| h.value.max_minutes),
            ),
        };
        match minutes {
            Some(m) => {
                facts.rollback_tolerance = Fact { value: Tolerance { max_minutes: m }, origin: structured("rollback.acceptable_delay", &text, at("rollback.acceptable_delay", &text)) };
                *tolerance_found = true;
            }
            None => push_value_problem(cx, "rollback.acceptable_delay", "acceptable_delay", &text, "a duration such as \"15 minutes\", \"1h\", \"half a day\", or a positive number of minutes"),
        }
    }
    if let Some(caps) = &spec.capabilities {
        let set = |facts: &mut Facts,
                   kind: CapabilityKind,
                   present: bool,
                   provider: Option<TechRef>,
                   mechanism: Option<String>,
                   path: &str,
                   text: String,
                   span| {
            facts.capabilities.retain(|c| c.value.kind != kind);
            facts.capabilities.push(Fact {
                value: Capability {
                    kind,
                    present,
                    provider,
                    mechanism,
                    takes_minutes: None,
                    settings: Vec::new(),
                },
                origin: structured(path, text, span),
            });
        };
        if let Some(p) = &caps.flag_provider {
            if is_none_word(p) {
                set(
                    facts,
                    CapabilityKind::FeatureFlags,
                    false,
                    None,
                    None,
                    "capabilities.flag_provider",
                    p.clone(),
                    at("capabilities.flag_provider", p),
                );
            } else if let Some(r) = resolve(cx, "capabilities.flag_provider", p) {
                set(
                    facts,
                    CapabilityKind::FeatureFlags,
                    true,
                    Some(r),
                    None,
                    "capabilities.flag_provider",
                    p.clone(),
                    at("capabilities.flag_provider", p),
                );
            }
        }
        if let Some(p) = &caps.canary_tooling {
            if is_none_word(p) {
                set(
                    facts,
                    CapabilityKind::CanaryDeploys,
                    false,
                    None,
                    None,
                    "capabilities.canary_tooling",
                    p.clone(),
                    at("capabilities.canary_tooling", p),
                );
            } else if let Some(r) = resolve(cx, "capabilities.canary_tooling", p) {
                set(
                    facts,
                    CapabilityKind::CanaryDeploys,
                    true,
                    Some(r),
                    None,
                    "capabilities.canary_tooling",
                    p.clone(),
                    at("capabilities.canary_tooling", p),
                );
            }
        }
        for (kind, value, key) in [
            (
                CapabilityKind::ReadRouting,
                &caps.read_routing,
                "read_routing",
            ),
            (CapabilityKind::DualWrite, &caps.dual_write, "dual_write"),
        ] {
            if let Some(v) = value {
                let path = format!("capabilities.{key}");
                match v {
                    spec::BoolOrText::Bool(b) => set(
                        facts,
                        kind,
                        *b,
                        None,
                        None,
                        &path,
                        b.to_string(),
                        at(&format!("capabilities.{key}"), &b.to_string()),
                    ),
                    spec::BoolOrText::Text(t) => {
                        let present = !is_none_word(t)
                            && !extract::negated_before(&format!("{t} x"), t.len() + 1);
                        let mech =
                            extract::capability::capabilities(&format!("route reads via {t}"))
                                .first()
                                .and_then(|h| h.value.mechanism.clone())
                                .or_else(|| Some(t.clone()));
                        set(
                            facts,
                            kind,
                            present,
                            None,
                            if present { mech } else { None },
                            &path,
                            t.clone(),
                            at(&format!("capabilities.{key}"), t),
                        );
                    }
                }
            }
        }
        for (kind, value, key) in [
            (CapabilityKind::BlueGreen, caps.blue_green, "blue_green"),
            (
                CapabilityKind::ConfigWithoutDeploy,
                caps.config_without_deploy,
                "config_without_deploy",
            ),
        ] {
            if let Some(b) = value {
                set(
                    facts,
                    kind,
                    b,
                    None,
                    None,
                    &format!("capabilities.{key}"),
                    b.to_string(),
                    at(&format!("capabilities.{key}"), &b.to_string()),
                );
            }
        }
    }
    if let Some(team) = &spec.team {
        if !team.roles.is_empty() {
            let mut members = Vec::new();
            for r in &team.roles {
                let wanted = r.role.to_ascii_lowercase();
                let role = cx.k.roles.get(&wanted).or_else(|| {
                    cx.k.roles.roles().iter().find(|x| {
                        x.phrases
                            .iter()
                            .any(|p| *p == wanted || format!("{p}s") == wanted)
                            || x.name.eq_ignore_ascii_case(&wanted)
                    })
                });
                match role {
                    Some(role) if r.count > 0 => members.push(Fact {
                        value: TeamMember {
                            role: role.id.clone(),
                            role_name: role.name.clone(),
                            count: r.count,
                            contractor: r.contractor,
                            part_time: r.part_time,
                        },
                        origin: structured("team.roles", &r.role, at("team.role", &r.role)),
                    }),
                    Some(_) => push_value_problem(
                        cx,
                        "team.roles.count",
                        "count",
                        "0",
                        "a count of at least 1",
                    ),
                    None => {
                        let ids: Vec<&str> =
                            cx.k.roles.roles().iter().map(|x| x.id.as_str()).collect();
                        let best = ids
                            .iter()
                            .min_by_key(|id| strsim::levenshtein(id, &wanted))
                            .copied()
                            .unwrap_or("engineer");
                        let span = at("team.role", &r.role);
                        cx.problems.push(
                            "unknown roles",
                            problem_at_span(
                                src,
                                span,
                                format!(
                                    "team.roles: unknown role \"{}\"",
                                    quoted(&r.role, QUOTE_CHARS)
                                ),
                                Some(format!(
                                    "did you mean `{best}`? Known roles: {}",
                                    ids.join(", ")
                                )),
                            ),
                        );
                    }
                }
            }
            facts.team.members = members;
        }
        if let Some(n) = team.size {
            if n == 0 {
                push_value_problem(
                    cx,
                    "team.size",
                    "size",
                    "0",
                    "a team of at least one person",
                );
            } else {
                facts.team.size = Some(Fact {
                    value: n,
                    origin: structured("team.size", n.to_string(), at("team.size", &n.to_string())),
                });
            }
        }
        if !team.time_zones.is_empty() {
            let mut zones = Vec::new();
            for z in &team.time_zones {
                let span = at("team.time_zones", z);
                if jiff::tz::db().get(z).is_ok() {
                    zones.push(Fact {
                        value: z.clone(),
                        origin: structured("team.time_zones", z, span),
                    });
                    continue;
                }
                let words = extract::team::time_zones(z, &cx.k.zones);
                if let Some(h) = words.first() {
                    zones.push(Fact {
                        value: h.value.clone(),
                        origin: structured("team.time_zones", z, span),
                    });
                    continue;
                }
                let best = jiff::tz::db()
                    .available()
                    .map(|n| n.to_string())
                    .max_by(|a, b| {
                        strsim::jaro_winkler(a, z)
                            .partial_cmp(&strsim::jaro_winkler(b, z))
                            .unwrap_or(std::cmp::Ordering::Equal)
                    });
                cx.problems.push(
                    "unknown time zones",
                    problem_at_span(
                        src,
                        span,
                        format!(
                            "team.time_zones: \"{}\" is not a time zone",
                            quoted(z, QUOTE_CHARS)
                        ),
                        Some(match best {
                            Some(b) => format!(
                                "did you mean `{b}`? Use an IANA name such as America/Los_Angeles"
                            ),
                            None => "use an IANA name such as America/Los_Angeles".into(),
                        }),
                    ),
                );
            }
            facts.team.time_zones = zones;
        }
    }
    if let Some(n) = spec.experience.as_ref().and_then(|e| e.prior_migrations) {
        facts.experience.insert(
            0,
            Fact {
                value: Experience {
                    who: "team".into(),
                    count: Some(n),
                    subject: "comparable migrations".into(),
                    done: n > 0,
                    outcome: None,
                    took_days: None,
                    lesson: None,
                },
                origin: structured(
                    "experience.prior_migrations",
                    n.to_string(),
                    at("experience.prior_migrations", &n.to_string()),
                ),
            },
        );
    }
    if let Some(c) = &spec.constraints {
        if let Some(d) = &c.deadline {
            let parsed = extract::dates::dates(d, cx.start);
            match parsed.first() {
                Some(h) => {
                    facts.schedule.deadline = Some(Fact {
                        value: Deadline {
                            date: h.value.date,
                            reading: h.value.reading.clone(),
                            reason: None,
                            wish: false,
                        },
                        origin: structured(
                            "constraints.deadline",
                            d,
                            at("constraints.deadline", d),
                        ),
                    })
                }
                None => push_value_problem(
                    cx,
                    "constraints.deadline",
                    "deadline",
                    d,
                    "a date (YYYY-MM-DD) or words such as \"by Q3 2026\", \"end of June\"",
                ),
            }
        }
        for (value, key) in [
            (&c.preferred_duration, "preferred_duration"),
            (&c.max_duration, "max_duration"),
        ] {
            let Some(v) = value else { continue };
            match extract::duration::durations(v).first() {
                Some(h) if h.value.minutes > 0.0 => {
                    let f = Fact {
                        value: h.value.days().round().max(1.0) as u32,
                        origin: structured(
                            &format!("constraints.{key}"),
                            v,
                            at(&format!("constraints.{key}"), v),
                        ),
                    };
                    if key == "max_duration" {
                        facts.schedule.max_duration_days = Some(f);
                    } else {
                        facts.schedule.preferred_duration_days = Some(f);
                    }
                }
                _ => push_value_problem(
                    cx,
                    &format!("constraints.{key}"),
                    key,
                    v,
                    "a duration such as \"3 months\" or \"8 weeks\"",
                ),
            }
        }
        if !c.budgeted_tools.is_empty() {
            let mut tools = Vec::new();
            for t in &c.budgeted_tools {
                if let Some(r) = resolve(cx, "constraints.budgeted_tools", t) {
                    tools.push(Fact {
                        value: r,
                        origin: structured(
                            "constraints.budgeted_tools",
                            t,
                            at("constraints.budgeted_tools", t),
                        ),
                    });
                }
            }
            facts.budgeted_tools = tools;
        }
        for f in &c.freeze_windows {
            let name = f.name.clone().unwrap_or_else(|| "freeze".into());
            match (&f.from, &f.to, &f.rule) {
                (Some(from), Some(to), None) => {
                    let pf = from.parse::<Date>();
                    let pt = to.parse::<Date>();
                    match (pf, pt) {
                        (Ok(a), Ok(b)) if a <= b => facts.schedule.freezes.push(Fact {
                            value: Freeze::Range {
                                name,
                                from: a,
                                to: b,
                            },
                            origin: structured(
                                "constraints.freeze_windows",
                                format!("{from} to {to}"),
                                at("constraints.freeze_windows.from", from),
                            ),
                        }),
                        (Ok(_), Ok(_)) => push_value_problem(
                            cx,
                            "constraints.freeze_windows",
                            "to",
                            to,
                            "a `to` date on or after `from`",
                        ),
                        (Err(_), _) => push_value_problem(
                            cx,
                            "constraints.freeze_windows.from",
                            "from",
                            from,
                            "a date as YYYY-MM-DD",
                        ),
                        (_, Err(_)) => push_value_problem(
                            cx,
                            "constraints.freeze_windows.to",
                            "to",
                            to,
                            "a date as YYYY-MM-DD",
                        ),
                    }
                }
                (None, None, Some(rule)) => {
                    let found = extract::dates::freezes(rule, cx.start);
                    let found = if found.is_empty() {
                        extract::dates::freezes(&format!("no deploys {rule}"), cx.start)
                    } else {
                        found
                    };
                    match found.into_iter().next() {
                        Some(h) => facts.schedule.freezes.push(Fact { value: rename_freeze(h.value, &name, f.name.is_some()), origin: structured("constraints.freeze_windows.rule", rule, at("constraints.freeze_windows.rule", rule)) }),
                        None => push_value_problem(cx, "constraints.freeze_windows.rule", "rule", rule, "a rule such as \"last 2 business days of every month\" or \"no deploys on Fridays\""),
                    }
                }
                _ => push_value_problem(
                    cx,
                    "constraints.freeze_windows",
                    "freeze_windows",
                    &name,
                    "either `from` and `to` dates, or a `rule`",
                ),
            }
        }
        for h in &c.holidays {
            match h.parse::<Date>() {
                Ok(d) => facts.schedule.holidays.push(Fact {
                    value: d,
                    origin: structured("constraints.holidays", h, at("constraints.holidays", h)),
                }),
                Err(_) => push_value_problem(
                    cx,
                    "constraints.holidays",
                    "holidays",
                    h,
                    "a date as YYYY-MM-DD",
                ),
            }
        }
        for (n, w) in c.change_windows.iter().enumerate() {
            let path = format!("constraints.change_windows[{n}]");
            let minutes = |t: &str| -> Option<u32> {
                let (h, m) = t.trim().split_once(':')?;
                let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
                (h < 24 && m < 60).then_some(h * 60 + m)
            };
            let days: Option<Vec<u8>> = w
                .days
                .iter()
                .map(|d| match d.trim().to_ascii_lowercase().get(..3) {
                    Some("mon") => Some(1),
                    Some("tue") => Some(2),
                    Some("wed") => Some(3),
                    Some("thu") => Some(4),
                    Some("fri") => Some(5),
                    Some("sat") => Some(6),
                    Some("sun") => Some(7),
                    _ => None,
                })
                .collect();
            let zone_known = w
                .zone
                .as_deref()
                .is_none_or(|z| jiff::tz::db().get(z).is_ok());
            if !zone_known {
                push_value_problem(
                    cx,
                    &path,
                    "zone",
                    w.zone.as_deref().unwrap_or_default(),
                    "an IANA time zone such as \"UTC\" or \"Europe/Oslo\"",
                );
                continue;
            }
            match (days, minutes(&w.from), minutes(&w.to)) {
                (Some(days), Some(from), Some(to)) if from < to && !days.is_empty() => {
                    facts.schedule.change_windows.push(Fact {
                        value: ChangeWindow {
                            weekdays: days,
                            from_minute: from,
                            to_minute: to,
                            zone: w.zone.clone(),
                        },
                        origin: structured(
                            &path,
                            format!("{} {}–{}", w.days.join(","), w.from, w.to),
                            at("constraints.change_windows.from", &w.from),
                        ),
                    });
                }
                (None, _, _) => push_value_problem(
                    cx,
                    &path,
                    "days",
                    &w.days.join(","),
                    "weekdays such as [\"tue\", \"wed\", \"thu\"]",
                ),
                _ => push_value_problem(
                    cx,
                    &path,
                    "from",
                    &w.from,
                    "times as \"HH:MM\" with `from` before `to`",
                ),
            }
        }
        for code in &c.holiday_countries {
            let upper = code.to_ascii_uppercase();
            if upper.len() == 2 && upper.chars().all(|c| c.is_ascii_alphabetic()) {
                if !facts
                    .schedule
                    .holiday_countries
                    .iter()
                    .any(|c| c.value == upper)
                {
                    facts.schedule.holiday_countries.push(Fact {
                        value: upper,
                        origin: structured(
                            "constraints.holiday_countries",
                            code,
                            at("constraints.holiday_countries", code),
                        ),
                    });
                }
            } else {
                push_value_problem(
                    cx,
                    "constraints.holiday_countries",
                    "holiday_countries",
                    code,
                    "an ISO 3166 two-letter country code such as \"US\" or \"DE\"",
                );
            }
        }
    }
    // Facts read from each structured integration's description, by field,
    // taken out once: the loop below refines them item by item.
    let mut from_descriptions: std::collections::HashMap<String, Vec<Fact<Integration>>> =
        std::collections::HashMap::new();
    let (described, others): (Vec<_>, Vec<_>) = std::mem::take(&mut facts.integrations)
        .into_iter()
        .partition(|f| f.origin.field.starts_with("integrations["));
    facts.integrations = others;
    for f in described {
        from_descriptions
            .entry(f.origin.field.clone())
            .or_default()
            .push(f);
    }
    for (n, integ) in spec.integrations.iter().enumerate() {
        let path = format!("integrations[{n}]");
        let name = integ
            .name
            .clone()
            .or_else(|| integ.description.clone())
            .unwrap_or_else(|| format!("integration {}", n + 1));
        // Integrations with prose were already read from their description;
        // the structured fields refine the matching entry.
        let field = format!("{path}.description");
        let mut value = Integration {
            name: name.clone(),
            kinds: vec![],
            technologies: vec![],
            count: None,
            mechanisms: vec![],
        };
        // A description may read as several items; they are one integration.
        for part in from_descriptions.remove(&field).unwrap_or_default() {
            for k in &part.value.kinds {
                if *k != IntegrationKind::Other && !value.kinds.contains(k) {
                    value.kinds.push(*k);
                }
            }
            for t in &part.value.technologies {
                if !value.technologies.iter().any(|x| x.id == t.id) {
                    value.technologies.push(t.clone());
                }
            }
            for m in &part.value.mechanisms {
                if !value.mechanisms.contains(m) {
                    value.mechanisms.push(m.clone());
                }
            }
            value.count = value.count.or(part.value.count);
        }
        value.name = name.clone();
        if let Some(kind) = integ.kind {
            let k = kind;
            value.kinds.retain(|x| *x != k);
            value.kinds.insert(0, k);
        }
        if let Some(t) = &integ.technology {
            if let Some(r) = resolve(cx, &format!("{path}.technology"), t) {
                if !value.technologies.iter().any(|x| x.id == r.id) {
                    value.technologies.insert(0, r);
                }
            }
        }
        if let Some(c) = integ.count {
            value.count = Some(c);
        }
        // "Ledger CDC into Kafka": a name can name technologies too.
        for hit in matcher.find(&name) {
            if let Some(r) = cx.tech_ref(&hit.value.id) {
                if !hit.value.negated && !value.technologies.iter().any(|x| x.id == r.id) {
                    value.technologies.push(r);
                }
            }
        }
        if value.kinds.is_empty() {
            let kinds: Vec<&str> = value.technologies.iter().map(|t| t.kind.as_str()).collect();
            value.kinds = extract::integration::classify(&name, &kinds).kinds;
        }
        facts.integrations.push(Fact {
            value,
            origin: structured(&path, &name, at(&format!("{path}.name"), &name)),
        });
    }
    // Anything read from another structured integration field stays.
    let mut rest: Vec<_> = from_descriptions.into_values().flatten().collect();
    rest.sort_by_key(|f| f.origin.span.map(|s| s.start));
    facts.integrations.extend(rest);
}

/// Technologies named by structured values count as named by the input.
fn add_structured_mentions(facts: &mut Facts) {
    let mut named: Vec<(TechRef, Origin)> = Vec::new();
    for side in [&facts.source, &facts.target] {
        named.extend(
            side.technology
                .iter()
                .map(|f| (f.value.clone(), f.origin.clone())),
        );
        named.extend(
            side.hosting
                .iter()
                .map(|f| (f.value.clone(), f.origin.clone())),
        );
    }
    for c in &facts.capabilities {
        if let Some(p) = &c.value.provider {
            named.push((p.clone(), c.origin.clone()));
        }
    }
    named.extend(
        facts
            .budgeted_tools
            .iter()
            .map(|f| (f.value.clone(), f.origin.clone())),
    );
    for i in &facts.integrations {
        named.extend(
            i.value
                .technologies
                .iter()
                .map(|t| (t.clone(), i.origin.clone())),
        );
    }
    for (tech, origin) in named {
        if origin.how != OriginKind::Structured
            || facts
                .technologies
                .iter()
                .any(|m| m.value.tech.id == tech.id)
        {
            continue;
        }
        facts.technologies.push(Fact {
            value: TechMention {
                tech,
                version: None,
                negated: false,
                alternative: false,
            },
            origin,
        });
    }
}

fn rename_freeze(f: Freeze, name: &str, named: bool) -> Freeze {
    if named {
        f.renamed(name.to_string())
    } else {
        f
    }
}

fn is_none_word(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "none" | "no" | "n/a" | "false" | "nothing" | ""
    )
}

fn push_value_problem(cx: &mut Ctx<'_>, path: &str, key: &str, value: &str, expected: &str) {
    let src = cx.src;
    let _ = key;
    cx.problems.push_with("values that cannot be read", || {
        let span = spec::locate(src, path, value).map(|o| src.span(o, o + value.len()));
        problem_at_span(
            src,
            span,
            format!("{path}: cannot read \"{}\"", quoted(value, QUOTE_CHARS)),
            Some(format!("expected {expected}")),
        )
    });
}
