//! Named people's absences against the schedule. Someone the transitions
//! cannot go without (the only one in their role, the writer who decides)
//! blocks transitions while away, like a freeze; for anyone else a
//! transition in their absence is a warning that names them.

use crate::ctx::cite;
use crate::model::Phase;
use rollgate_intake::{Facts, Freeze, Person, TeamFacts};

/// Whether transitions need this person: the writer ("I'm out…"), someone
/// described as the only one of their kind, or the only holder of a role
/// the team lists once at most.
pub fn needed_at_transitions(p: &Person, team: &TeamFacts) -> bool {
    if p.name == "the author" {
        return true;
    }
    // "our only DBA", "one person (Ulrike) who can validate", "nobody
    // else has restored a backup": nobody stands in for them.
    let sole = [
        "only",
        "one person",
        "nobody else",
        "no one else",
        "the one who",
    ];
    if p.duty
        .as_deref()
        .map(str::to_ascii_lowercase)
        .is_some_and(|d| sole.iter().any(|w| d.contains(w)))
    {
        return true;
    }
    let Some(role) = &p.role else {
        return false;
    };
    let same_role: u32 = team
        .members
        .iter()
        .filter(|m| &m.value.role == role)
        .map(|m| m.value.count)
        .sum();
    same_role <= 1
}

/// The absences of the people transitions need, as freezes the calendar
/// keeps transitions out of.
pub fn blocking_freezes(f: &Facts) -> Vec<Freeze> {
    f.team
        .people
        .iter()
        .filter(|p| needed_at_transitions(&p.value, &f.team))
        .flat_map(|p| {
            let once = p.value.unavailable.iter().map(|u| Freeze::Range {
                name: format!("{} away ({})", p.value.name, u.reading),
                from: u.from,
                to: u.to,
            });
            let every = p.value.unavailable_every.iter().map(|f| {
                f.clone()
                    .renamed(format!("{} away ({})", p.value.name, f.name()))
            });
            once.chain(every).collect::<Vec<_>>()
        })
        .collect()
}

/// Monday to Friday: what the checker counts as a working day when it
/// asks whether a recurring absence covers a transition.
fn weekday(d: jiff::civil::Date) -> bool {
    d.weekday().to_monday_one_offset() <= 5
}

/// What the plan says about absences: for each needed person, that the
/// transitions avoid their days away; for anyone else, each transition
/// that falls while they are away.
pub fn notes(phases: &[Phase], f: &Facts) -> (Vec<String>, Vec<String>) {
    let mut assumptions = Vec::new();
    let mut warnings = Vec::new();
    for p in &f.team.people {
        let needed = needed_at_transitions(&p.value, &f.team);
        for every in &p.value.unavailable_every {
            if needed {
                assumptions.push(format!(
                    "No transition falls while {} is away ({}; {}).",
                    p.value.name,
                    every.name(),
                    cite(p)
                ));
                continue;
            }
            for ph in phases {
                let on: Option<jiff::civil::Date> =
                    ph.transition_at.get(..10).and_then(|s| s.parse().ok());
                if on.is_some_and(|d| every.covers(d, &weekday)) {
                    warnings.push(format!(
                        "Phase {} moves on {} while {} is away ({}; {}): confirm who stands in for them.",
                        ph.id,
                        &ph.transition_at[..10],
                        p.value.name,
                        every.name(),
                        cite(p)
                    ));
                }
            }
        }
        for u in &p.value.unavailable {
            if needed {
                assumptions.push(format!(
                    "No transition falls while {} is away, {} to {} ({}).",
                    p.value.name,
                    u.from,
                    u.to,
                    cite(p)
                ));
                continue;
            }
            for ph in phases {
                let on = ph.transition_at.get(..10).and_then(|s| s.parse().ok());
                if on.is_some_and(|d| u.from <= d && d <= u.to) {
                    warnings.push(format!(
                        "Phase {} moves on {} while {} is away ({} to {}, {}): confirm who stands in for them.",
                        ph.id,
                        &ph.transition_at[..10],
                        p.value.name,
                        u.from,
                        u.to,
                        cite(p)
                    ));
                }
            }
        }
    }
    (assumptions, warnings)
}
