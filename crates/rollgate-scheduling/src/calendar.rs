//! The team's calendar: working days, public holidays of its countries,
//! stated holidays and freezes, change windows and time zones.

use crate::holidays::country_holidays;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::ToSpan;
use rollgate_intake::Freeze;
use rollgate_knowledge::HolidayBook;
use serde::Serialize;
use std::collections::BTreeMap;

/// A recurring window for transitions, in the primary zone's local time
/// unless it names its own zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    pub from_minute: u32,
    pub to_minute: u32,
    /// The zone the hours are stated in ("06:00–09:00 UTC"): the window
    /// then holds in that zone alone, not in every team zone's copy.
    pub zone: Option<String>,
}

impl Window {
    pub fn business_midweek() -> Self {
        Self {
            weekdays: vec![2, 3, 4],
            from_minute: 9 * 60,
            to_minute: 15 * 60,
            zone: None,
        }
    }

    pub fn weekdays_working() -> Self {
        Self {
            weekdays: vec![1, 2, 3, 4],
            from_minute: 9 * 60,
            to_minute: 17 * 60,
            zone: None,
        }
    }

    /// The agreed evening window for low-criticality maintenance work.
    pub fn maintenance_evening() -> Self {
        Self {
            weekdays: vec![2, 3, 4],
            from_minute: 19 * 60,
            to_minute: 23 * 60,
            zone: None,
        }
    }

    pub fn describe(&self) -> String {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let days: Vec<&str> = self
            .weekdays
            .iter()
            .filter_map(|d| names.get(*d as usize - 1).copied())
            .collect();
        let mut text = format!(
            "{} {:02}:{:02}–{:02}:{:02}",
            days.join("/"),
            self.from_minute / 60,
            self.from_minute % 60,
            self.to_minute / 60,
            self.to_minute % 60
        );
        if let Some(z) = &self.zone {
            text.push_str(&format!(" {z}"));
        }
        text
    }
}

/// A scheduled phase: when its transition happens and when its gate is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub date: Date,
    pub end_date: Date,
    /// RFC 3339 with the primary zone's offset.
    pub transition_at: String,
    /// False when several zones have no common hour in the window that day.
    pub in_overlap: bool,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    /// IANA names; the first is the primary zone (dates are its dates).
    pub zones: Vec<String>,
    pub window: Window,
    pub maintenance_window: Option<Window>,
    /// Public and stated holidays, by date, with their names.
    pub holidays: BTreeMap<Date, String>,
    pub freezes: Vec<Freeze>,
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn weekday_number(d: Date) -> u8 {
    d.weekday().to_monday_one_offset() as u8
}

impl Calendar {
    /// Builds a calendar; `countries` are ISO codes whose public holidays
    /// apply (unknown codes are ignored by the caller's warning).
    // Each argument is a separate fact of the team's calendar; a struct
    // would only rename them.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        zones: Vec<String>,
        window: Window,
        maintenance_window: Option<Window>,
        book: &HolidayBook,
        countries: &[String],
        extra_holidays: &[Date],
        freezes: Vec<Freeze>,
        years: std::ops::RangeInclusive<i16>,
    ) -> Self {
        let mut holidays = BTreeMap::new();
        for code in countries {
            if let Some(c) = book.country(code) {
                for (d, name) in country_holidays(c, years.clone()) {
                    holidays
                        .entry(d)
                        .or_insert_with(|| format!("{name} ({code})"));
                }
            }
        }
        for d in extra_holidays {
            holidays
                .entry(*d)
                .or_insert_with(|| "holiday stated in the input".to_string());
        }
        let zones = if zones.is_empty() {
            vec!["UTC".to_string()]
        } else {
            zones
        };
        Self {
            zones,
            window,
            maintenance_window,
            holidays,
            freezes,
        }
    }

    pub fn is_working(&self, d: Date) -> bool {
        !is_weekend(d) && !self.holidays.contains_key(&d)
    }

    /// The freeze covering `d`, if any.
    pub fn freeze_on(&self, d: Date) -> Option<&Freeze> {
        self.freezes.iter().find(|f| covers(f, d, self))
    }

    /// The last working day before three or more days off in a row.
    pub fn before_long_weekend(&self, d: Date) -> bool {
        if !self.is_working(d) {
            return false;
        }
        let mut off = 0;
        let mut cur = d;
        loop {
            cur = match cur.tomorrow() {
                Ok(c) => c,
                Err(_) => return false,
            };
            if self.is_working(cur) {
                break;
            }
            off += 1;
        }
        off >= 3
    }

    /// Why no transition may happen on `d` whatever the window: a holiday,
    /// a freeze, or the last working day before a long weekend. (Weekends
    /// and the window's own days are the window's business.)
    pub fn day_off_reason(&self, d: Date) -> Option<String> {
        if let Some(h) = self.holidays.get(&d) {
            return Some(format!("holiday: {h}"));
        }
        if let Some(f) = self.freeze_on(d) {
            return Some(format!("freeze: {}", freeze_name(f)));
        }
        if self.before_long_weekend(d) {
            return Some("the working day before a long weekend".into());
        }
        None
    }

    /// Why `d` cannot take a transition, or None.
    pub fn blocked(&self, d: Date, window: &Window) -> Option<String> {
        if !window.weekdays.contains(&weekday_number(d)) {
            return Some("outside the change window's days".into());
        }
        if let Some(h) = self.holidays.get(&d) {
            return Some(format!("holiday: {h}"));
        }
        if is_weekend(d) && !window.weekdays.iter().any(|w| *w >= 6) {
            return Some("weekend".into());
        }
        if let Some(f) = self.freeze_on(d) {
            return Some(format!("freeze: {}", freeze_name(f)));
        }
        if self.before_long_weekend(d) {
            return Some("the working day before a long weekend".into());
        }
        None
    }

    fn window_for(&self, maintenance: bool) -> &Window {
        match (&self.maintenance_window, maintenance) {
            (Some(w), true) => w,
            _ => &self.window,
        }
    }

    /// The first day work can start (a working day, not in a freeze).
    pub fn first_work_slot(&self, from: Date, maintenance: bool) -> Slot {
        let mut d = from;
        for _ in 0..1000 {
            if self.is_working(d) && self.freeze_on(d).is_none() {
                break;
            }
            d = d.tomorrow().unwrap_or(d);
        }
        self.slot_on(d, self.window_for(maintenance))
    }

    /// The first day on or after `from` that can take a transition.
    pub fn next_transition(&self, from: Date, maintenance: bool) -> Slot {
        let window = self.window_for(maintenance).clone();
        let mut d = from;
        for _ in 0..1000 {
            if self.blocked(d, &window).is_none() {
                break;
            }
            d = d.tomorrow().unwrap_or(d);
        }
        self.slot_on(d, &window)
    }

    /// The transition time on `d`: an hour into the window, moved into the
    /// overlap of every zone's copy of the window when there are several.
    fn slot_on(&self, d: Date, window: &Window) -> Slot {
        // A window stated in its own zone holds there alone.
        let own: Vec<String>;
        let zones: &[String] = match &window.zone {
            Some(z) => {
                own = vec![z.clone()];
                &own
            }
            None => &self.zones,
        };
        let primary = &zones[0];
        let tz = jiff::tz::db().get(primary).unwrap_or(TimeZone::UTC);
        let local = |minute: u32| {
            d.to_datetime(
                Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0)
                    .unwrap_or(Time::midnight()),
            )
        };
        let mut start = tz
            .to_ambiguous_timestamp(local(window.from_minute))
            .compatible()
            .ok();
        let mut end = tz
            .to_ambiguous_timestamp(local(window.to_minute))
            .compatible()
            .ok();
        for z in zones.iter().skip(1) {
            let Ok(other) = jiff::tz::db().get(z) else {
                continue;
            };
            let o_start = other
                .to_ambiguous_timestamp(local(window.from_minute))
                .compatible()
                .ok();
            let o_end = other
                .to_ambiguous_timestamp(local(window.to_minute))
                .compatible()
                .ok();
            start = match (start, o_start) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            end = match (end, o_end) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let (at, in_overlap) = match (start, end) {
            (Some(s), Some(e)) if zones.len() == 1 => {
                let one_hour = s.checked_add(1.hour()).unwrap_or(s);
                (if one_hour < e { one_hour } else { s }, true)
            }
            (Some(s), Some(e)) if s.checked_add(1.hour()).is_ok_and(|x| x <= e) => (s, true),
            _ => (
                tz.to_ambiguous_timestamp(local(window.from_minute + 60))
                    .compatible()
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                false,
            ),
        };
        let z = at.to_zoned_datetime(tz.clone());
        Slot {
            date: d,
            end_date: d,
            transition_at: z.timestamp().display_with_offset(z.offset()).to_string(),
            in_overlap,
        }
    }

    /// `n` working days starting at `d` (d counts when it is a working day).
    pub fn add_working_days(&self, d: Date, n: u32) -> Date {
        let mut left = n;
        let mut cur = d;
        let mut last = d;
        for _ in 0..5000 {
            if self.is_working(cur) {
                left -= 1;
                last = cur;
                if left == 0 {
                    break;
                }
            }
            cur = cur.tomorrow().unwrap_or(cur);
        }
        last
    }

    /// Working days from a to b (negative when b is earlier).
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut n = 0;
        let mut cur = lo;
        while cur < hi {
            cur = match cur.tomorrow() {
                Ok(c) => c,
                Err(_) => break,
            };
            if self.is_working(cur) {
                n += 1;
            }
        }
        n * sign
    }
}

fn freeze_name(f: &Freeze) -> &str {
    f.name()
}

fn covers(f: &Freeze, d: Date, cal: &Calendar) -> bool {
    f.covers(d, &|x| cal.is_working(x))
}
