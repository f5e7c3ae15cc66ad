//! The kill switch's commands do what they say for the team's flag tool:
//! with LaunchDarkly, going back turns the flag off with the old side as the
//! off variation (per-tenant targets and rules are bypassed too), and going
//! forward turns it on again.

use jiff::civil::date;
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{plan, Mode};

fn plan_of(name: &str, text: Option<&str>) -> rollgate_planning::Plan {
    let k = Knowledge::builtin().unwrap();
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = match text {
        Some(t) => t.as_bytes().to_vec(),
        None => std::fs::read(&path).unwrap(),
    };
    let form = rollgate_intake::InputForm::from_extension(name);
    let facts = read_bytes(name, &bytes, form, &k, date(2026, 4, 27)).unwrap();
    plan(&facts, &k, Mode::Auto)
}

#[test]
fn a_launchdarkly_kill_switch_turns_the_flag_off_and_forward_moves_turn_it_on() {
    let p = plan_of("pg14-ec2-to-pg16-rds.txt", None);
    let flip = p.kill_switch.flip[0].command.as_deref().unwrap();
    assert!(flip.contains("\"turnFlagOff\""), "{flip}");
    assert!(flip.contains("\"updateOffVariation\""), "{flip}");
    assert!(
        !flip.contains("updateFallthroughVariationOrRollout"),
        "a fallthrough change leaves targets on the new side: {flip}"
    );
    let forward: Vec<&str> = p
        .phases
        .iter()
        .flat_map(|ph| ph.actions.iter())
        .filter_map(|s| s.command.as_deref())
        .filter(|c| c.contains("updateFallthroughVariationOrRollout"))
        .collect();
    assert!(!forward.is_empty());
    assert!(
        forward.iter().all(|c| c.contains("\"turnFlagOn\"")),
        "{forward:?}"
    );
}

#[test]
fn without_launchdarkly_no_launchdarkly_instruction_appears() {
    let text = std::fs::read_to_string(format!(
        "{}/../../examples/pg14-ec2-to-pg16-rds.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replace("LaunchDarkly", "our own config service");
    let p = plan_of("pg14-no-ld.txt", Some(&text));
    let all = serde_json::to_string(&p).unwrap();
    assert!(!all.contains("turnFlagOff") && !all.contains("launchdarkly.semanticpatch"));
}
