//! A simple working-day schedule: phases in order, transitions on Tuesday to
//! Thursday at 10:00 in the team's time zone. The calendar stage (holidays,
//! freezes, windows) replaces this; until then the plan says so.

use crate::model::Phase;
use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

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

/// Fills in dates and transition times; returns the end date.
pub fn schedule(phases: &mut [Phase], start: Date, tz: &str, strict: bool) -> Date {
    let mut cursor = start;
    let mut end = start;
    for (i, p) in phases.iter_mut().enumerate() {
        let mut day = cursor;
        // Work starts on the first working day; later phases begin with a
        // transition, which waits for a transition day.
        while !(if i == 0 {
            is_working(day)
        } else {
            is_transition_day(day, strict)
        }) {
            day = next_day(day);
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
    fn working_days_skip_weekends() {
        assert_eq!(working_days_from(date(2026, 4, 30), 3), date(2026, 5, 4));
        assert_eq!(working_days_between(date(2026, 4, 27), date(2026, 5, 4)), 5);
        assert_eq!(
            working_days_between(date(2026, 5, 4), date(2026, 4, 27)),
            -5
        );
    }
}
