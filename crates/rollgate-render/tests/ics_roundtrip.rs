//! The ICS export parsed back with a real iCalendar parser (the `ical`
//! crate): every transition and gate is an event with a stable UID, a
//! TZID'd start in the team's zone, and the zone is defined.

use jiff::civil::date;
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{plan, Mode};

fn plan_of(name: &str, start: jiff::civil::Date) -> rollgate_planning::Plan {
    let k = Knowledge::builtin().unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let facts = read_bytes(
        name,
        &bytes,
        rollgate_intake::InputForm::from_extension(name),
        &k,
        start,
    )
    .unwrap();
    plan(&facts, &k, Mode::Auto)
}

#[test]
fn ics_parses_back_with_one_event_per_transition_and_gate() {
    let p = plan_of("pg14-ec2-to-pg16-rds.txt", date(2026, 4, 27));
    let text = rollgate_render::ics(&p);
    assert!(text.lines().all(|l| l.len() <= 76), "lines are folded");
    assert!(text.contains("\r\n"), "CRLF line ends");
    let mut reader = ical::IcalParser::new(text.as_bytes());
    let cal = reader.next().expect("one calendar").expect("parses");
    assert!(reader.next().is_none());
    assert_eq!(cal.events.len(), p.phases.len() * 2);
    assert_eq!(cal.timezones.len(), 1);
    let tzid = cal.timezones[0]
        .properties
        .iter()
        .find(|x| x.name == "TZID")
        .and_then(|x| x.value.clone());
    assert_eq!(tzid.as_deref(), Some("America/Los_Angeles"));
    let mut uids = Vec::new();
    for e in &cal.events {
        let prop = |n: &str| {
            e.properties
                .iter()
                .find(|x| x.name == n)
                .unwrap_or_else(|| panic!("{n} missing"))
        };
        let uid = prop("UID").value.clone().unwrap();
        assert!(uid.ends_with("@rollgate"));
        uids.push(uid);
        let start = prop("DTSTART");
        let params = start.params.clone().unwrap_or_default();
        assert!(
            params
                .iter()
                .any(|(k, v)| k == "TZID" && v == &vec!["America/Los_Angeles".to_string()]),
            "{params:?}"
        );
        assert!(prop("SUMMARY")
            .value
            .as_ref()
            .is_some_and(|s| !s.is_empty()));
        assert!(prop("DTSTAMP").value.is_some());
    }
    let before = uids.len();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), before, "UIDs are unique");
    // The cutover's transition is on its phase's date at the local time of
    // its transition_at.
    let cut = p.phases.iter().find(|x| x.kind == "cutover").unwrap();
    let ev = cal
        .events
        .iter()
        .find(|e| {
            e.properties.iter().any(|x| {
                x.name == "UID"
                    && x.value
                        .as_deref()
                        .is_some_and(|v| v.contains("write-cutover-transition"))
            })
        })
        .unwrap();
    let start = ev
        .properties
        .iter()
        .find(|x| x.name == "DTSTART")
        .unwrap()
        .value
        .clone()
        .unwrap();
    assert_eq!(&start[..8], cut.start_date.strftime("%Y%m%d").to_string());
    assert_eq!(&start[8..], "T100000");
}

#[test]
fn uids_are_stable_across_runs_and_escaping_survives_parsing() {
    let a = rollgate_render::ics(&plan_of(
        "mysql57-to-aurora-postgres.toml",
        date(2026, 11, 30),
    ));
    let b = rollgate_render::ics(&plan_of(
        "mysql57-to-aurora-postgres.toml",
        date(2026, 11, 30),
    ));
    assert_eq!(a, b);
    let cal = ical::IcalParser::new(a.as_bytes()).next().unwrap().unwrap();
    let summaries: Vec<String> = cal
        .events
        .iter()
        .filter_map(|e| {
            e.properties
                .iter()
                .find(|x| x.name == "SUMMARY")
                .and_then(|x| x.value.clone())
        })
        .collect();
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("Read canary\\: 5% of reads")
                || s.contains("Read canary: 5% of reads")),
        "{summaries:?}"
    );
    // A zone without DST still gets a VTIMEZONE.
    let k = Knowledge::builtin().unwrap();
    let text = "<from-state>Postgres 13</from-state><to-state>Postgres 16</to-state><team-availability>2 SREs in India</team-availability><criticality>high</criticality>";
    let facts = read_bytes("x.txt", text.as_bytes(), None, &k, date(2026, 5, 4)).unwrap();
    let ics = rollgate_render::ics(&plan(&facts, &k, Mode::Auto));
    let cal = ical::IcalParser::new(ics.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(cal.timezones.len(), 1);
    assert!(ics.contains("TZOFFSETTO:+0530"));
}
