//! Properties of the schedule over random start dates, zones, holiday sets
//! and freezes, and checks across daylight-saving changes.

use jiff::civil::{date, Date};
use jiff::ToSpan;
use proptest::prelude::*;
use rollgate_intake::Freeze;
use rollgate_knowledge::Knowledge;
use rollgate_scheduling::{schedule, Calendar, PhaseNeed, Window};
use std::sync::LazyLock;

static K: LazyLock<Knowledge> = LazyLock::new(|| Knowledge::builtin().unwrap());

const ZONES: &[(&str, &str)] = &[
    ("America/Los_Angeles", "US"),
    ("Europe/Berlin", "DE"),
    ("Europe/London", "GB"),
    ("Asia/Kolkata", "IN"),
    ("Australia/Sydney", "AU"),
    ("Asia/Tokyo", "JP"),
    ("America/Sao_Paulo", "BR"),
    ("Pacific/Auckland", "NZ"),
];

fn freeze() -> impl Strategy<Value = Freeze> {
    prop_oneof![
        (0i64..700, 1i64..20).prop_map(|(from, len)| {
            let f = date(2026, 1, 1).checked_add(from.days()).unwrap();
            Freeze::Range {
                name: "r".into(),
                from: f,
                to: f.checked_add(len.days()).unwrap(),
            }
        }),
        (1u32..4).prop_map(|d| Freeze::LastBusinessDaysOfMonth {
            name: "l".into(),
            days: d
        }),
        (1u32..3).prop_map(|d| Freeze::FirstBusinessDaysOfMonth {
            name: "f".into(),
            days: d
        }),
        Just(Freeze::Weekdays {
            name: "w".into(),
            weekdays: vec![4]
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn transitions_respect_windows_holidays_freezes_and_holds(
        start_offset in 0i64..730,
        zone_ids in proptest::collection::vec(0usize..ZONES.len(), 1..3),
        extra in proptest::collection::vec(0i64..800, 0..6),
        freezes in proptest::collection::vec(freeze(), 0..3),
        mins in proptest::collection::vec(1u32..12, 2..9),
    ) {
        let start = date(2026, 1, 1).checked_add(start_offset.days()).unwrap();
        let zones: Vec<String> = zone_ids.iter().map(|i| ZONES[*i].0.to_string()).collect();
        let countries: Vec<String> = zone_ids.iter().map(|i| ZONES[*i].1.to_string()).collect();
        let extra: Vec<Date> = extra.iter().map(|d| date(2026, 1, 1).checked_add(d.days()).unwrap()).collect();
        let cal = Calendar::new(zones, Window::business_midweek(), None, &K.holidays, &countries, &extra, freezes, 2025..=2030);
        let needs: Vec<PhaseNeed> = mins.iter().map(|m| PhaseNeed { min_days: *m, maintenance: false }).collect();
        let slots = schedule(&needs, start, &cal);
        prop_assert_eq!(slots.len(), needs.len());
        for (i, s) in slots.iter().enumerate() {
            prop_assert!(s.date >= start);
            prop_assert!(s.end_date >= s.date);
            if i > 0 {
                prop_assert!(s.date > slots[i - 1].end_date, "in order, no overlap");
                prop_assert!(
                    cal.blocked(s.date, &Window::business_midweek()).is_none(),
                    "transition {} on a blocked day: {:?}",
                    s.date,
                    cal.blocked(s.date, &Window::business_midweek())
                );
                // The transition's instant is on its date in the primary zone.
                let ts: jiff::Timestamp = s.transition_at.parse().unwrap();
                let local = ts.to_zoned_datetime(jiff::tz::db().get(&cal.zones[0]).unwrap());
                prop_assert_eq!(local.date(), s.date);
            } else {
                prop_assert!(cal.is_working(s.date));
            }
            // Every hold covers at least its minimum of working days.
            let worked = cal.working_days_between(s.date, s.end_date) + i64::from(cal.is_working(s.date));
            prop_assert!(worked >= i64::from(needs[i].min_days), "phase {} holds {} < {}", i, worked, needs[i].min_days);
        }
    }
}

fn lines(zone: &str, country: &str, start: Date) -> String {
    let cal = Calendar::new(
        vec![zone.into()],
        Window::business_midweek(),
        None,
        &K.holidays,
        &[country.into()],
        &[],
        vec![],
        2025..=2028,
    );
    let needs: Vec<PhaseNeed> = [3, 2, 4, 1, 5]
        .iter()
        .map(|m| PhaseNeed {
            min_days: *m,
            maintenance: false,
        })
        .collect();
    schedule(&needs, start, &cal)
        .iter()
        .map(|s| format!("{} → {}  at {}", s.date, s.end_date, s.transition_at))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn daylight_saving_changes_keep_ten_oclock_local() {
    // US DST starts 2026-03-08; the offset moves from -08:00 to -07:00.
    let la = lines("America/Los_Angeles", "US", date(2026, 3, 2));
    assert_eq!(
        la,
        "2026-03-02 → 2026-03-04  at 2026-03-02T10:00:00-08:00\n\
         2026-03-05 → 2026-03-09  at 2026-03-05T10:00:00-08:00\n\
         2026-03-10 → 2026-03-16  at 2026-03-10T10:00:00-07:00\n\
         2026-03-17 → 2026-03-17  at 2026-03-17T10:00:00-07:00\n\
         2026-03-18 → 2026-03-24  at 2026-03-18T10:00:00-07:00"
    );
    // EU DST starts 2026-03-29.
    let berlin = lines("Europe/Berlin", "DE", date(2026, 3, 23));
    assert!(
        berlin.contains("T10:00:00+01:00") && berlin.contains("T10:00:00+02:00"),
        "{berlin}"
    );
    // Sydney leaves DST on 2026-04-05, with Easter holidays around it.
    let sydney = lines("Australia/Sydney", "AU", date(2026, 3, 30));
    assert!(
        sydney.contains("T10:00:00+11:00") && sydney.contains("T10:00:00+10:00"),
        "{sydney}"
    );
    for blocked in ["2026-04-02 →", "2026-04-03 →", "2026-04-06 →"] {
        assert!(
            !sydney.contains(blocked),
            "no transition before or on Easter holidays: {sydney}"
        );
    }
    insta::assert_snapshot!("dst_berlin_spring_2026", berlin);
    insta::assert_snapshot!("dst_sydney_autumn_2026", sydney);
    // US DST ends 2026-11-01, with Thanksgiving later that month.
    insta::assert_snapshot!(
        "dst_new_york_autumn_2026",
        lines("America/New_York", "US", date(2026, 10, 26))
    );
}

#[test]
fn multi_zone_transitions_fall_in_the_overlap() {
    let both = |zones: [&str; 2], countries: [&str; 2]| {
        let cal = Calendar::new(
            zones.iter().map(|z| z.to_string()).collect(),
            Window::business_midweek(),
            None,
            &K.holidays,
            &countries.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            &[],
            vec![],
            2025..=2028,
        );
        let needs = [
            PhaseNeed {
                min_days: 1,
                maintenance: false,
            },
            PhaseNeed {
                min_days: 1,
                maintenance: false,
            },
        ];
        schedule(&needs, date(2026, 6, 1), &cal)
    };
    // 09:00–15:00 in both: 10:30 London is 15:00 in Kolkata, so the overlap
    // is 09:00–10:30 London time.
    let slots = both(["Europe/London", "Asia/Kolkata"], ["GB", "IN"]);
    assert!(slots[1].in_overlap);
    assert!(
        slots[1].transition_at.ends_with("T09:00:00+01:00"),
        "{}",
        slots[1].transition_at
    );
    let slots = both(["America/Los_Angeles", "Asia/Tokyo"], ["US", "JP"]);
    assert!(
        !slots[1].in_overlap,
        "Los Angeles and Tokyo share no hour of 09:00–15:00"
    );
}

#[test]
fn the_day_before_a_long_weekend_takes_no_transition() {
    let cal = Calendar::new(
        vec!["Europe/London".into()],
        Window::weekdays_working(),
        None,
        &K.holidays,
        &["GB".into()],
        &[],
        vec![],
        2025..=2028,
    );
    // 2026-05-25 is the Spring bank holiday: Friday 22nd precedes a long weekend.
    assert!(cal.before_long_weekend(date(2026, 5, 22)));
    assert!(!cal.before_long_weekend(date(2026, 5, 21)));
    // Easter 2026: Thursday 2 April precedes Good Friday … Easter Monday.
    assert!(cal.before_long_weekend(date(2026, 4, 2)));
    assert!(cal
        .blocked(date(2026, 4, 2), &Window::weekdays_working())
        .is_some());
}

/// A window the input states in its own zone ("tue/wed 06:00-09:00 UTC")
/// holds there, whatever zones the team sits in: every transition falls
/// inside it, on one of its days.
#[test]
fn a_window_in_its_own_zone_holds_there_not_in_the_team_zones() {
    let cal = Calendar::new(
        vec![
            "Asia/Kolkata".into(),
            "Europe/Berlin".into(),
            "Europe/Dublin".into(),
        ],
        Window {
            weekdays: vec![2, 3],
            from_minute: 6 * 60,
            to_minute: 9 * 60,
            zone: Some("UTC".into()),
        },
        None,
        &K.holidays,
        &[],
        &[],
        vec![],
        2026..=2028,
    );
    let needs: Vec<PhaseNeed> = [2, 3, 1, 4]
        .iter()
        .map(|m| PhaseNeed {
            min_days: *m,
            maintenance: false,
        })
        .collect();
    for s in schedule(&needs, date(2026, 12, 1), &cal).iter().skip(1) {
        let at: jiff::Timestamp = s.transition_at.parse().unwrap();
        let utc = at.to_zoned_datetime(jiff::tz::TimeZone::UTC);
        assert!(
            (6..9).contains(&utc.hour()) && matches!(utc.weekday().to_monday_one_offset(), 2 | 3),
            "{}",
            s.transition_at
        );
        assert!(s.in_overlap);
    }
}
