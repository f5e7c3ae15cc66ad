//! rollgate's scheduling stage: puts a plan's phases onto a real calendar.
//! Transitions fall inside change windows in the team's time zone(s), never
//! on a public holiday of the team's countries, the working day before a
//! long weekend, or inside a freeze; holds never shrink below their minimum
//! and stretch when the next transition has to wait. Pure: no clock.

pub mod calendar;
pub mod holidays;

pub use calendar::{Calendar, Slot, Window};

use jiff::civil::Date;

/// What the scheduler needs to know about a phase.
#[derive(Debug, Clone)]
pub struct PhaseNeed {
    /// Working days of work plus hold before the gate.
    pub min_days: u32,
    /// A maintenance-window phase (may use the agreed evening window).
    pub maintenance: bool,
}

/// Schedules phases in order from `start`. The first phase starts on the
/// first working day; every later phase starts with a transition.
pub fn schedule(needs: &[PhaseNeed], start: Date, cal: &Calendar) -> Vec<Slot> {
    let mut out: Vec<Slot> = Vec::new();
    let mut cursor = start;
    for (i, need) in needs.iter().enumerate() {
        let slot = if i == 0 {
            cal.first_work_slot(cursor, need.maintenance)
        } else {
            cal.next_transition(cursor, need.maintenance)
        };
        let end = cal.add_working_days(slot.date, need.min_days.max(1));
        cursor = end.tomorrow().unwrap_or(end);
        out.push(Slot {
            end_date: end,
            ..slot
        });
    }
    // A hold runs until the next transition: when that transition has to
    // wait (weekend, holiday, freeze), the hold is longer, never shorter.
    for i in 0..out.len().saturating_sub(1) {
        let next_start = out[i + 1].date;
        let before_next = next_start.yesterday().unwrap_or(next_start);
        if before_next > out[i].end_date {
            out[i].end_date = before_next;
        }
    }
    out
}

/// The latest start date whose schedule still ends phase `measured` by
/// `deadline`; None when not even a start two years earlier fits.
pub fn latest_start(
    needs: &[PhaseNeed],
    measured: usize,
    deadline: Date,
    cal: &Calendar,
) -> Option<Date> {
    let ends_by = |start: Date| -> bool {
        let slots = schedule(needs, start, cal);
        slots.get(measured).is_some_and(|s| s.end_date <= deadline)
    };
    let mut lo = deadline.checked_sub(jiff::Span::new().days(730)).ok()?;
    if !ends_by(lo) {
        return None;
    }
    let mut hi = deadline;
    // Binary search over days: later starts never end earlier.
    while (hi - lo).get_days() > 1 {
        let mid = lo
            .checked_add(jiff::Span::new().days((hi - lo).get_days() / 2))
            .ok()?;
        if ends_by(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(if ends_by(hi) { hi } else { lo })
}
