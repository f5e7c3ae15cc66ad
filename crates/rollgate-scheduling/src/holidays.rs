//! Public holidays computed from rules (fixed dates with observance, n-th
//! weekdays, Easter offsets, equinoxes), for any year.

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;
use rollgate_knowledge::{CountryHolidays, HolidayRule};
use std::collections::BTreeMap;

/// Easter Sunday (Gregorian), by the anonymous algorithm.
pub fn easter(year: i16) -> Option<Date> {
    let y = year as i32;
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).ok()
}

/// Japan's equinox days (the formula the Cabinet Office's tables follow for
/// 1980–2099).
pub fn equinox(year: i16, month: i8) -> Option<Date> {
    let y = year as f64 - 1980.0;
    let base = if month == 3 { 20.8431 } else { 23.2488 };
    let day = (base + 0.242194 * y - (y / 4.0).floor()).floor() as i8;
    Date::new(year, month, day).ok()
}

pub fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The nominal date of a rule in a year (before observance shifts).
fn nominal(rule: &HolidayRule, year: i16) -> Option<Date> {
    let month = rule.month.unwrap_or(1);
    match rule.rule.as_str() {
        "fixed" => Date::new(year, month, rule.day?).ok(),
        "nth-weekday" => Date::new(year, month, 1)
            .ok()?
            .nth_weekday_of_month(rule.nth?, weekday(rule.weekday.as_deref()?)?)
            .ok(),
        "last-weekday" => Date::new(year, month, 1)
            .ok()?
            .nth_weekday_of_month(-1, weekday(rule.weekday.as_deref()?)?)
            .ok(),
        "weekday-on-or-before" => {
            let wd = weekday(rule.weekday.as_deref()?)?;
            let mut d = Date::new(year, month, rule.day?).ok()?;
            while d.weekday() != wd {
                d = d.checked_sub(1.day()).ok()?;
            }
            Some(d)
        }
        "easter" => easter(year)?.checked_add((rule.offset? as i64).days()).ok(),
        "equinox" => equinox(year, month),
        "first-monday-or-friday-first" => {
            let first = Date::new(year, month, 1).ok()?;
            if first.weekday() == Weekday::Friday {
                Some(first)
            } else {
                first.nth_weekday_of_month(1, Weekday::Monday).ok()
            }
        }
        _ => None,
    }
}

/// Every holiday of a country in `years`, observed dates applied. Keyed by
/// date, with the holiday's name.
pub fn country_holidays(
    c: &CountryHolidays,
    years: std::ops::RangeInclusive<i16>,
) -> BTreeMap<Date, String> {
    let mut out: BTreeMap<Date, String> = BTreeMap::new();
    for year in years {
        // Nominal dates first, so substitutes can skip days already taken.
        let mut year_days: Vec<(Date, &HolidayRule)> = c
            .holidays
            .iter()
            .filter_map(|h| Some((nominal(h, year)?, h)))
            .collect();
        year_days.sort_by_key(|(d, _)| *d);
        let mut taken: Vec<Date> = year_days
            .iter()
            .map(|(d, _)| *d)
            .filter(|d| !is_weekend(*d))
            .collect();
        for (d, h) in year_days {
            let observed = match h.observed.as_deref().unwrap_or("none") {
                "nearest-weekday" => match d.weekday() {
                    Weekday::Saturday => d.checked_sub(1.day()).ok(),
                    Weekday::Sunday => d.checked_add(1.day()).ok(),
                    _ => Some(d),
                },
                "sunday-to-monday" if d.weekday() == Weekday::Sunday => d.checked_add(1.day()).ok(),
                "sunday-to-saturday" if d.weekday() == Weekday::Sunday => {
                    d.checked_sub(1.day()).ok()
                }
                "sunday-substitute" if d.weekday() == Weekday::Sunday => {
                    let mut s = d;
                    loop {
                        s = match s.checked_add(1.day()) {
                            Ok(n) => n,
                            Err(_) => break,
                        };
                        if !taken.contains(&s) {
                            break;
                        }
                    }
                    taken.push(s);
                    Some(s)
                }
                "substitute" if is_weekend(d) => {
                    let mut s = d;
                    loop {
                        s = match s.checked_add(1.day()) {
                            Ok(n) => n,
                            Err(_) => break,
                        };
                        if !is_weekend(s) && !taken.contains(&s) {
                            break;
                        }
                    }
                    taken.push(s);
                    Some(s)
                }
                _ => Some(d),
            };
            if let Some(o) = observed {
                out.entry(o).or_insert_with(|| h.name.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rollgate_knowledge::Knowledge;

    fn days(code: &str, year: i16) -> BTreeMap<Date, String> {
        let k = Knowledge::builtin().unwrap();
        country_holidays(k.holidays.country(code).unwrap(), year..=year)
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter(2027), Some(date(2027, 3, 28)));
        assert_eq!(easter(2038), Some(date(2038, 4, 25)));
    }

    #[test]
    fn us_federal_2026() {
        let d = days("US", 2026);
        for (m, day) in [
            (1, 1),
            (1, 19),
            (2, 16),
            (5, 25),
            (6, 19),
            (7, 3),
            (9, 7),
            (10, 12),
            (11, 11),
            (11, 26),
            (12, 25),
        ] {
            assert!(d.contains_key(&date(2026, m, day)), "2026-{m}-{day}: {d:?}");
        }
        assert_eq!(d.len(), 11);
    }

    #[test]
    fn uk_substitutes_christmas_on_a_weekend() {
        // 2027: Christmas is a Saturday, Boxing Day a Sunday.
        let d = days("GB", 2027);
        assert!(d.contains_key(&date(2027, 12, 27)));
        assert!(d.contains_key(&date(2027, 12, 28)));
        assert!(d.contains_key(&date(2027, 3, 26)), "Good Friday");
        assert!(d.contains_key(&date(2027, 3, 29)), "Easter Monday");
        assert!(d.contains_key(&date(2027, 5, 31)), "Spring bank holiday");
    }

    #[test]
    fn germany_moves_with_easter() {
        let d = days("DE", 2026);
        assert!(d.contains_key(&date(2026, 5, 14)), "Ascension");
        assert!(d.contains_key(&date(2026, 5, 25)), "Whit Monday");
        assert!(d.contains_key(&date(2026, 10, 3)));
    }

    #[test]
    fn other_countries_spot_checks() {
        assert!(
            days("CA", 2026).contains_key(&date(2026, 5, 18)),
            "Victoria Day"
        );
        assert!(
            days("IE", 2026).contains_key(&date(2026, 2, 2)),
            "St Brigid's Day"
        );
        assert!(
            days("IE", 2030).contains_key(&date(2030, 2, 1)),
            "St Brigid's Day on a Friday"
        );
        assert!(
            days("NL", 2025).contains_key(&date(2025, 4, 26)),
            "King's Day moved off a Sunday"
        );
        assert!(days("AU", 2026).contains_key(&date(2026, 1, 26)));
        assert!(
            days("NZ", 2026).contains_key(&date(2026, 10, 26)),
            "Labour Day"
        );
        assert!(
            days("JP", 2026).contains_key(&date(2026, 3, 20)),
            "vernal equinox"
        );
        assert!(
            days("JP", 2026).contains_key(&date(2026, 9, 23)),
            "autumnal equinox"
        );
        assert!(
            days("JP", 2026).contains_key(&date(2026, 5, 6)),
            "substitute for Constitution Day week"
        );
        assert!(
            days("BR", 2026).contains_key(&date(2026, 2, 16)),
            "Carnival Monday"
        );
        assert!(days("IN", 2026).contains_key(&date(2026, 1, 26)));
        assert!(
            days("SG", 2026).contains_key(&date(2026, 8, 10)),
            "National Day observed on Monday"
        );
        assert!(
            days("PL", 2026).contains_key(&date(2026, 6, 4)),
            "Corpus Christi"
        );
        assert!(days("ES", 2026).contains_key(&date(2026, 12, 8)));
        assert!(days("IT", 2026).contains_key(&date(2026, 6, 2)));
        assert!(days("FR", 2026).contains_key(&date(2026, 7, 14)));
    }

    #[test]
    fn austria_and_portugal_spot_checks() {
        // Easter 2027 is 28 March: Austria keeps Easter Monday, Portugal
        // Good Friday; each has its national day.
        assert!(days("AT", 2027).contains_key(&date(2027, 3, 29)));
        assert!(days("AT", 2026).contains_key(&date(2026, 10, 26)));
        assert!(days("PT", 2027).contains_key(&date(2027, 3, 26)));
        assert!(days("PT", 2026).contains_key(&date(2026, 6, 10)));
    }

    #[test]
    fn every_country_the_issue_names_is_covered_every_year() {
        let k = Knowledge::builtin().unwrap();
        for code in [
            "US", "CA", "GB", "IE", "DE", "FR", "NL", "ES", "IT", "PL", "IN", "AU", "NZ", "SG",
            "JP", "BR", "AT", "PT",
        ] {
            let c = k.holidays.country(code).unwrap_or_else(|| panic!("{code}"));
            for year in 2020..=2040 {
                let d = country_holidays(c, year..=year);
                assert!(d.len() >= 4, "{code} {year}: {d:?}");
                assert!(
                    d.keys().all(|x| (year - 1..=year + 1).contains(&x.year())),
                    "observed dates stay next to their year"
                );
            }
        }
    }
}
