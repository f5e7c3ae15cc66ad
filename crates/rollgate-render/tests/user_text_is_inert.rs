//! Text typed into any field reaches the plan in many places. Whatever a
//! Markdown viewer would render as HTML must come out escaped, and the ICS
//! export must keep it escaped per RFC 5545 (regression: `<script>` and
//! `"><svg onload=…>` came out as live HTML in the Markdown plan).

use jiff::civil::date;
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{plan, Mode};

const PAYLOADS: [&str; 4] = [
    "<script>alert(1)</script>",
    "\"><svg onload=alert(2)>",
    "<img src=x onerror=alert(3)>",
    "`code` then <iframe src=javascript:alert(4)>",
];

fn plan_with(payload: &str) -> rollgate_planning::Plan {
    let k = Knowledge::builtin().unwrap();
    let text = format!(
        "<migration-type>PostgreSQL 14 to PostgreSQL 16 {payload}</migration-type>\
         <from-state>PostgreSQL 14 on EC2 {payload}</from-state>\
         <to-state>PostgreSQL 16 on RDS</to-state>\
         <criticality>high {payload}</criticality>\
         <constraints>{payload}. Deadline 2026-09-01.</constraints>\
         <integration-points>- Billing {payload} reads orders over REST\n- {payload}</integration-points>\
         <team-availability>3 backend engineers {payload}</team-availability>"
    );
    let facts = read_bytes("x.txt", text.as_bytes(), None, &k, date(2026, 5, 4)).unwrap();
    plan(&facts, &k, Mode::Auto)
}

/// Every raw-HTML span a CommonMark parser finds, other than the plan's
/// own `<sub>` tags.
fn live_html(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser};
    Parser::new(md)
        .filter_map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Some(h.to_string()),
            _ => None,
        })
        .filter(|h| !matches!(h.trim(), "<sub>" | "</sub>"))
        .collect()
}

#[test]
fn html_typed_into_fields_is_text_in_the_markdown_plan() {
    for payload in PAYLOADS {
        let p = plan_with(payload);
        for explain in [false, true] {
            let md = rollgate_render::markdown(&p, rollgate_render::Options { explain });
            let live = live_html(&md);
            assert!(live.is_empty(), "{payload}: live HTML {live:?}");
            assert!(!md.contains("<script"), "{payload}");
            assert!(!md.contains("<svg"), "{payload}");
        }
    }
}

#[test]
fn the_plans_own_placeholders_and_tags_survive() {
    let md = rollgate_render::markdown(
        &plan_with("plain words"),
        rollgate_render::Options { explain: true },
    );
    assert!(md.contains("<sub>because:"));
    assert!(live_html(&md).is_empty());
}

#[test]
fn a_command_cannot_close_its_own_fence() {
    let md = "1. step\n   ````sh\n   echo ```\n   <script>x</script>\n   ````\n";
    assert_eq!(rollgate_render::neutralise_html(md.to_string()), md);
    let md = "text <b>bold</b> & <script>x</script>\n";
    let out = rollgate_render::neutralise_html(md.to_string());
    assert!(live_html(&out).is_empty(), "{out}");
}

#[test]
fn ics_keeps_user_text_escaped() {
    let ics = rollgate_render::ics(&plan_with("a;b,c\\d <script>"));
    let cal = ical::IcalParser::new(ics.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    assert!(!cal.events.is_empty());
    for line in ics.lines() {
        assert!(
            line.len() <= 75 || !line.is_ascii(),
            "unfolded line: {line}"
        );
    }
    assert!(!ics.contains("a;b,c"), "unescaped separators in ICS text");
}
