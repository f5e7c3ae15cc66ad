//! A plan's size follows what the input says, not how long its lists are:
//! per-integration items name the first few integrations and group the
//! rest, so thousands of integrations make a plan as long as a dozen.

use jiff::civil::date;
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{plan, Mode};

fn plan_for(n: usize) -> rollgate_planning::Plan {
    let k = Knowledge::builtin().unwrap();
    let lines: String = (0..n)
        .map(|i| format!("- partner{i} webhook receives order events\n"))
        .collect();
    let text = format!(
        "<from-state>PostgreSQL 14 on EC2</from-state><to-state>PostgreSQL 16 on RDS</to-state>\
         <criticality>high</criticality><integration-points>{lines}</integration-points>"
    );
    let facts = read_bytes("x.txt", text.as_bytes(), None, &k, date(2026, 5, 4)).unwrap();
    plan(&facts, &k, Mode::Auto)
}

fn webhook_alerts(p: &rollgate_planning::Plan) -> Vec<String> {
    p.monitoring
        .iter()
        .filter(|a| a.metric.ends_with("failed or retried deliveries"))
        .map(|a| a.metric.clone())
        .collect()
}

#[test]
fn up_to_eight_integrations_are_named_one_by_one() {
    let alerts = webhook_alerts(&plan_for(8));
    assert_eq!(alerts.len(), 8, "{alerts:?}");
    assert!(alerts.iter().all(|a| !a.contains("each of the other")));
}

#[test]
fn past_eight_the_rest_share_one_item_that_names_them() {
    let alerts = webhook_alerts(&plan_for(11));
    assert_eq!(alerts.len(), 9, "{alerts:?}");
    assert_eq!(
        alerts[8],
        "each of the other 3 integrations (Partner8 webhook receives order events, Partner9 webhook receives order events, Partner10 webhook receives order events): failed or retried deliveries"
    );
    let many = plan_for(5000);
    let alerts = webhook_alerts(&many);
    assert_eq!(alerts.len(), 9);
    assert!(
        alerts[8].starts_with("each of the other 4992 integrations ("),
        "{}",
        alerts[8]
    );
    let json = serde_json::to_string(&many).unwrap();
    let few = serde_json::to_string(&plan_for(9)).unwrap();
    assert!(
        json.len() < few.len() + 4_000,
        "5000 integrations: {} bytes; 9: {} bytes",
        json.len(),
        few.len()
    );
}
