//! Is a transition allowed now? The plan's own calendar decides: its change
//! window in its time zone, and the days off the schedule avoided.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rollgate_planning::{ChangeWindow, PlanCalendar};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowState {
    Open,
    Closed {
        reason: String,
        /// The next moment the window opens, if the calendar reaches it.
        next_open: Option<Timestamp>,
    },
}

pub fn check(cal: &PlanCalendar, now: Timestamp, maintenance: bool) -> WindowState {
    let window = match (&cal.maintenance_window, maintenance) {
        (Some(m), true) => m,
        _ => &cal.window,
    };
    // A window stated in its own zone ("06:00–09:00 UTC") is judged there.
    let zone = window.zone.as_deref().unwrap_or(&cal.time_zone);
    let tz = match TimeZone::get(zone) {
        Ok(tz) => tz,
        Err(_) => {
            return WindowState::Closed {
                reason: format!("the plan's time zone {zone:?} is unknown to this runner"),
                next_open: None,
            }
        }
    };
    let local = tz.to_datetime(now);
    match closed_reason(cal, window, local) {
        None => WindowState::Open,
        Some(reason) => WindowState::Closed {
            reason,
            next_open: next_open(cal, window, local, &tz),
        },
    }
}

fn minute_of_day(t: Time) -> u32 {
    t.hour() as u32 * 60 + t.minute() as u32
}

fn day_closed(cal: &PlanCalendar, window: &ChangeWindow, d: Date) -> Option<String> {
    if cal.covers_to.is_some_and(|to| d > to) || cal.covers_from.is_some_and(|from| d < from) {
        return Some(format!(
            "{d} is outside the plan's calendar ({} to {}); re-plan for the dates the rollout now needs",
            cal.covers_from.map(|x| x.to_string()).unwrap_or_default(),
            cal.covers_to.map(|x| x.to_string()).unwrap_or_default()
        ));
    }
    let weekday = d.weekday().to_monday_one_offset() as u8;
    if !window.weekdays.contains(&weekday) {
        return Some(format!(
            "{} is not a day of the change window",
            d.weekday_name()
        ));
    }
    cal.days_off
        .iter()
        .find(|o| o.date == d)
        .map(|o| format!("{d} is a day off in the plan: {}", o.reason))
}

trait WeekdayName {
    fn weekday_name(&self) -> &'static str;
}

impl WeekdayName for Date {
    fn weekday_name(&self) -> &'static str {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][self.weekday().to_monday_zero_offset() as usize]
    }
}

fn closed_reason(cal: &PlanCalendar, window: &ChangeWindow, local: DateTime) -> Option<String> {
    if let Some(r) = day_closed(cal, window, local.date()) {
        return Some(r);
    }
    let m = minute_of_day(local.time());
    if m < window.from_minute || m >= window.to_minute {
        return Some(format!(
            "{:02}:{:02} is outside the change window {:02}:{:02}–{:02}:{:02} ({})",
            m / 60,
            m % 60,
            window.from_minute / 60,
            window.from_minute % 60,
            window.to_minute / 60,
            window.to_minute % 60,
            window.zone.as_deref().unwrap_or(&cal.time_zone)
        ));
    }
    None
}

fn next_open(
    cal: &PlanCalendar,
    window: &ChangeWindow,
    local: DateTime,
    tz: &TimeZone,
) -> Option<Timestamp> {
    let opening = Time::new(
        (window.from_minute / 60) as i8,
        (window.from_minute % 60) as i8,
        0,
        0,
    )
    .ok()?;
    let today = local.date();
    let mut d = today;
    for _ in 0..400 {
        if day_closed(cal, window, d).is_none() {
            let candidate = if d == today {
                let m = minute_of_day(local.time());
                if m < window.from_minute {
                    Some(d.to_datetime(opening))
                } else {
                    None
                }
            } else {
                Some(d.to_datetime(opening))
            };
            if let Some(dt) = candidate {
                return tz.to_ambiguous_timestamp(dt).compatible().ok();
            }
        }
        if cal.covers_to.is_some_and(|to| d >= to) {
            return None;
        }
        d = d.tomorrow().ok()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollgate_planning::DayOff;

    fn cal() -> PlanCalendar {
        PlanCalendar {
            time_zone: "Europe/Berlin".into(),
            window: ChangeWindow {
                weekdays: vec![2, 3, 4],
                from_minute: 9 * 60,
                to_minute: 15 * 60,
                zone: None,
            },
            maintenance_window: None,
            days_off: vec![DayOff {
                date: jiff::civil::date(2026, 12, 2),
                reason: "freeze: release week".into(),
            }],
            covers_from: Some(jiff::civil::date(2026, 11, 1)),
            covers_to: Some(jiff::civil::date(2027, 1, 31)),
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn open_inside_the_window_in_the_plans_zone() {
        // Tuesday 1 December 2026, 10:00 in Berlin is 09:00 UTC.
        assert_eq!(
            check(&cal(), at("2026-12-01T09:00:00Z"), false),
            WindowState::Open
        );
    }

    #[test]
    fn closed_before_the_window_opens_in_the_plans_zone_with_the_next_opening() {
        // 08:30 UTC is 09:30 Berlin: open. 07:30 UTC is 08:30 Berlin: closed
        // until 09:00 Berlin the same day.
        assert_eq!(
            check(&cal(), at("2026-12-01T08:30:00Z"), false),
            WindowState::Open
        );
        match check(&cal(), at("2026-12-01T07:30:00Z"), false) {
            WindowState::Closed { reason, next_open } => {
                assert!(reason.contains("08:30"), "{reason}");
                assert_eq!(next_open, Some(at("2026-12-01T08:00:00Z")));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_day_off_closes_the_window_and_the_next_opening_skips_it() {
        match check(&cal(), at("2026-12-02T10:00:00Z"), false) {
            WindowState::Closed { reason, next_open } => {
                assert!(reason.contains("freeze: release week"), "{reason}");
                assert_eq!(next_open, Some(at("2026-12-03T08:00:00Z")));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_weekend_and_a_date_past_the_calendar_are_closed() {
        assert!(matches!(
            check(&cal(), at("2026-12-05T10:00:00Z"), false),
            WindowState::Closed { .. }
        ));
        match check(&cal(), at("2027-03-02T10:00:00Z"), false) {
            WindowState::Closed { reason, next_open } => {
                assert!(reason.contains("re-plan"), "{reason}");
                assert_eq!(next_open, None);
            }
            other => panic!("{other:?}"),
        }
    }
}
