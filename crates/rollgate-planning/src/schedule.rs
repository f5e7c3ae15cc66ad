//! A simple working-day schedule: phases in order, transitions on Tuesday to
//! Thursday at 10:00 in the team's time zone. The calendar stage (holidays,
//! freezes, windows) replaces this; until then the plan says so.

use crate::model::Phase;
use jiff::civil::{Date, Weekday};
use jiff::ToSpan;
use rollgate_intake::Freeze;

/// Days on which no transition may happen: freezes and holidays the input
/// states. (Public holidays by country arrive with the calendar stage.)
#[derive(Debug, Clone, Default)]
pub struct Blackouts {
    pub freezes: Vec<Freeze>,
    pub holidays: Vec<Date>,
}

impl Blackouts {
    pub fn blocks(&self, d: Date) -> bool {
        self.holidays.contains(&d) || self.freezes.iter().any(|f| freeze_covers(f, d))
    }
}

/// The n-th business day of d's month counted from the end (1 = last).
fn business_days_from_end(d: Date) -> u32 {
    let mut n = 0;
    let mut cur = d;
    let last = d.last_of_month();
    while cur <= last {
        if is_working(cur) {
            n += 1;
        }
        cur = next_day(cur);
    }
    n
}

fn business_days_from_start(d: Date) -> u32 {
    let mut n = 0;
    let mut cur = d.first_of_month();
    while cur <= d {
        if is_working(cur) {
            n += 1;
        }
        cur = next_day(cur);
    }
    n
}

fn freeze_covers(f: &Freeze, d: Date) -> bool {
    match f {
        Freeze::Range { from, to, .. } => *from <= d && d <= *to,
        Freeze::LastBusinessDaysOfMonth { days, .. } => {
            is_working(d) && business_days_from_end(d) <= *days
        }
        Freeze::FirstBusinessDaysOfMonth { days, .. } => {
            is_working(d) && business_days_from_start(d) <= *days
        }
        Freeze::Weekdays { weekdays, .. } => {
            weekdays.contains(&(d.weekday().to_monday_one_offset() as u8))
        }
        Freeze::Unresolved { .. } => false,
    }
}

fn is_working(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn is_transition_day(d: Date, strict: bool) -> bool {
    if strict {
        matches!(
            d.weekday(),
            Weekday::Tuesday | Weekday::Wednesday | Weekday::Thursday
        )
    } else {
        is_working(d)
    }
}

fn next_day(d: Date) -> Date {
    d.checked_add(1.day()).unwrap_or(d)
}

/// Adds `n` working days after `d` (d itself counts as the first).
fn working_days_from(d: Date, n: u32) -> Date {
    let mut left = n.saturating_sub(1);
    let mut cur = d;
    while left > 0 {
        cur = next_day(cur);
        if is_working(cur) {
            left -= 1;
        }
    }
    cur
}

/// Working days from `a` to `b` (positive when b is later).
pub fn working_days_between(a: Date, b: Date) -> i64 {
    let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    let mut n = 0;
    let mut cur = lo;
    while cur < hi {
        cur = next_day(cur);
        if is_working(cur) {
            n += 1;
        }
    }
    n * sign
}

/// Fills in dates and transition times; returns the end date. Transitions
/// avoid the blackouts; holds may run through them.
pub fn schedule(
    phases: &mut [Phase],
    start: Date,
    tz: &str,
    strict: bool,
    blackouts: &Blackouts,
) -> Date {
    let mut cursor = start;
    let mut end = start;
    for (i, p) in phases.iter_mut().enumerate() {
        let mut day = cursor;
        // Work starts on the first working day; later phases begin with a
        // transition, which waits for a transition day.
        let mut guard = 0;
        let ok = |d: Date| {
            if i == 0 {
                is_working(d)
            } else {
                is_transition_day(d, strict) && !blackouts.blocks(d)
            }
        };
        while !ok(day) && guard < 800 {
            day = next_day(day);
            guard += 1;
        }
        p.start_date = day;
        p.end_date = working_days_from(day, p.min_days.max(1));
        p.transition_at = transition_at(day, tz);
        end = p.end_date;
        cursor = next_day(p.end_date);
    }
    end
}

fn transition_at(d: Date, tz: &str) -> String {
    match d.at(10, 0, 0, 0).in_tz(tz) {
        Ok(z) => z.timestamp().display_with_offset(z.offset()).to_string(),
        Err(_) => format!("{d}T10:00:00Z"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn transition_times_carry_the_zone_offset() {
        assert_eq!(
            transition_at(date(2026, 4, 28), "America/Los_Angeles"),
            "2026-04-28T10:00:00-07:00"
        );
        assert_eq!(
            transition_at(date(2026, 1, 6), "America/Los_Angeles"),
            "2026-01-06T10:00:00-08:00"
        );
        assert_eq!(
            transition_at(date(2026, 4, 28), "UTC"),
            "2026-04-28T10:00:00+00:00"
        );
    }

    #[test]
    fn freezes_block_transitions() {
        let b = Blackouts {
            freezes: vec![
                Freeze::LastBusinessDaysOfMonth {
                    name: "m".into(),
                    days: 2,
                },
                Freeze::Range {
                    name: "r".into(),
                    from: date(2026, 12, 18),
                    to: date(2027, 1, 4),
                },
                Freeze::Weekdays {
                    name: "w".into(),
                    weekdays: vec![5],
                },
            ],
            holidays: vec![date(2026, 5, 25)],
        };
        assert!(b.blocks(date(2026, 4, 30)), "last business day of April");
        assert!(b.blocks(date(2026, 4, 29)), "second to last");
        assert!(!b.blocks(date(2026, 4, 28)));
        assert!(b.blocks(date(2026, 12, 24)));
        assert!(b.blocks(date(2026, 5, 25)));
        assert!(b.blocks(date(2026, 5, 8)), "a Friday");
        assert!(!b.blocks(date(2026, 5, 7)));
    }

    #[test]
    fn working_days_skip_weekends() {
        assert_eq!(working_days_from(date(2026, 4, 30), 3), date(2026, 5, 4));
        assert_eq!(working_days_between(date(2026, 4, 27), date(2026, 5, 4)), 5);
        assert_eq!(
            working_days_between(date(2026, 5, 4), date(2026, 4, 27)),
            -5
        );
    }
}
