//! Family plans come from the family's playbook: the unit that moves, the
//! words, the way back. Inputs here are written for the test, in several
//! phrasings, so no assertion leans on a bundled example.

use jiff::civil::date;
use rollgate_intake::read_bytes;
use rollgate_knowledge::Knowledge;
use rollgate_planning::{check::check, plan, Mode, Plan};

fn plan_text(text: &str) -> (Plan, rollgate_intake::Facts) {
    let k = Knowledge::builtin().unwrap();
    let facts = read_bytes("t.txt", text.as_bytes(), None, &k, date(2027, 2, 1)).unwrap();
    (plan(&facts, &k, Mode::Auto), facts)
}

fn all_text(p: &Plan) -> String {
    serde_json::to_string(p).unwrap().to_ascii_lowercase()
}

const EMAIL: &str = "<migration-type>move transactional and marketing email from Mailgun to Postmark</migration-type>\
<from-state>Mailgun, one sending domain, templates in our repo</from-state>\
<to-state>Postmark</to-state>\
<criticality>critical for login codes, high for invoices, low for the monthly newsletter</criticality>\
<rollback-acceptable-delay>30 minutes</rollback-acceptable-delay>\
<integration-points>bounce webhook into our suppression table, Zendesk shows delivery status, DNS managed by the platform team</integration-points>";

#[test]
fn an_email_switch_moves_message_types_least_critical_first() {
    let (p, _) = plan_text(EMAIL);
    let names: Vec<&str> = p.phases.iter().map(|ph| ph.name.as_str()).collect();
    let newsletter = names
        .iter()
        .position(|n| n.to_lowercase().contains("newsletter"));
    let codes = names
        .iter()
        .position(|n| n.to_lowercase().contains("login codes"));
    assert!(newsletter.is_some() && codes.is_some(), "{names:?}");
    assert!(newsletter < codes, "least critical first: {names:?}");
    let text = all_text(&p);
    for foreign in [
        "replication lag",
        "database pager",
        "rows keep their shape",
        "read traffic",
        "connection name",
    ] {
        assert!(!text.contains(foreign), "email plan says \"{foreign}\"");
    }
    assert!(text.contains("dkim"), "an email plan deals with DKIM");
}

#[test]
fn every_named_integration_is_addressed_by_name() {
    let (p, _) = plan_text(EMAIL);
    let text = all_text(&p);
    for name in ["zendesk", "dns", "bounce webhook"] {
        assert!(text.contains(name), "{name} never appears in the plan");
    }
}

#[test]
fn an_identity_switch_moves_users_never_requests() {
    let (p, _) = plan_text(
        "<migration-type>replace Auth0 with Keycloak</migration-type>\
         <from-state>Auth0 with TOTP MFA</from-state>\
         <to-state>Keycloak on our Kubernetes cluster</to-state>\
         <criticality>critical</criticality><rollback-acceptable-delay>10 minutes</rollback-acceptable-delay>\
         <integration-points>SAML SSO for 30 enterprise tenants; the API gateway validates tokens</integration-points>",
    );
    let text = all_text(&p);
    assert!(
        text.contains("stable hash of the user id"),
        "users move sticky"
    );
    assert!(
        !text.contains("% of requests"),
        "identity never splits requests"
    );
    assert!(
        p.phases.iter().any(|ph| ph.id == "sso-tenants"),
        "SAML tenants named: they move one at a time"
    );
    let (p2, _) = plan_text(
        "<migration-type>replace Auth0 with Keycloak</migration-type>\
         <from-state>Auth0, email and password only</from-state><to-state>Keycloak</to-state>",
    );
    assert!(
        !p2.phases.iter().any(|ph| ph.id == "sso-tenants"),
        "no enterprise SSO named, no tenant phase"
    );
}

#[test]
fn a_framework_on_a_platform_with_instant_rollback_needs_no_switch() {
    let (p, _) = plan_text(
        "<migration-type>upgrade Next.js 13 to 15</migration-type>\
         <from-state>Next.js 13.5 on Vercel</from-state><to-state>Next.js 15</to-state>\
         <criticality>high</criticality><rollback-acceptable-delay>5 minutes</rollback-acceptable-delay>",
    );
    assert!(p.strategy.gaps.is_empty(), "{:?}", p.strategy.gaps);
    assert!(p.kill_switch.flip_minutes <= 5);
    assert!(p
        .kill_switch
        .mechanism
        .to_lowercase()
        .contains("instant rollback"));
    let releases: Vec<&str> = p.phases.iter().map(|ph| ph.name.as_str()).collect();
    // Next.js can jump majors: one release for the jump, no forced 14.
    assert!(
        !releases.iter().any(|n| n.contains("Next.js 14")),
        "{releases:?}"
    );
    assert!(
        releases.iter().any(|n| n.starts_with("Next.js 15")),
        "{releases:?}"
    );
    // Vercel does not split traffic by itself: no percentage steps.
    assert!(!releases.iter().any(|n| n.contains("10%")), "{releases:?}");
}

#[test]
fn a_framework_without_a_named_platform_redeploys_and_says_what_it_costs() {
    let (p, _) = plan_text(
        "<migration-type>Django 3.2 to 4.2</migration-type><from-state>Django 3.2</from-state>\
         <to-state>Django 4.2</to-state><criticality>medium</criticality>\
         <rollback-acceptable-delay>5 minutes</rollback-acceptable-delay>",
    );
    assert!(p
        .strategy
        .gaps
        .iter()
        .any(|g| g.missing.contains("faster than a redeploy")));
    let stops = p
        .phases
        .iter()
        .filter(|ph| ph.name.starts_with("Django 4.0") || ph.name.starts_with("Django 4.1"))
        .count();
    assert!(stops >= 2, "feature releases are steps");
}

#[test]
fn alert_thresholds_are_the_gates_bars() {
    let (p, _) = plan_text(EMAIL);
    let bounce = p
        .monitoring
        .iter()
        .find(|a| a.metric.contains("hard-bounce"))
        .expect("a bounce alert");
    let gate = p
        .phases
        .iter()
        .flat_map(|ph| ph.success_criteria.iter())
        .find(|c| c.metric.contains("hard-bounce"))
        .expect("a bounce bar");
    assert!(
        bounce.threshold.contains(&format!("{}", gate.value)),
        "{} vs {}",
        bounce.threshold,
        gate.value
    );
}

#[test]
fn family_plans_pass_the_plan_checker() {
    for text in [
        EMAIL,
        "<migration-type>Stripe to Adyen</migration-type><from-state>Stripe, saved cards, subscriptions</from-state><to-state>Adyen</to-state><criticality>critical</criticality>",
        "<migration-type>Twilio to MessageBird for SMS</migration-type><from-state>Twilio</from-state><to-state>MessageBird</to-state>",
        "<migration-type>extract invoicing from the Rails monolith into its own service</migration-type><from-state>Rails 7 monolith, PostgreSQL</from-state><to-state>invoicing service with its own PostgreSQL</to-state><criticality>high</criticality>",
        "<migration-type>Redis to Memcached for page caching</migration-type><from-state>Redis 6 cache</from-state><to-state>Memcached</to-state>",
    ] {
        let (p, facts) = plan_text(text);
        let found = check(&p, &facts);
        assert!(found.is_empty(), "{text}\n{found:#?}");
    }
}

#[test]
fn a_required_sign_off_becomes_a_gate_approver() {
    let (p, facts) = plan_text(
        "<migration-type>replace Auth0 with Keycloak</migration-type><from-state>Auth0</from-state>\
         <to-state>Keycloak</to-state><constraints>Security must sign off on the user export.</constraints>",
    );
    assert!(!facts.team.approvals.is_empty(), "the sign-off is read");
    let prep = &p.phases[0];
    assert!(
        prep.gate
            .approvers
            .iter()
            .any(|a| a.starts_with("Security (required sign-off")),
        "{:?}",
        prep.gate.approvers
    );
}

#[test]
fn the_summary_says_what_moves_in_the_familys_unit() {
    let (p, _) = plan_text(EMAIL);
    assert!(
        p.summary.moves.starts_with("message types"),
        "{}",
        p.summary.moves
    );
    let (db, _) = plan_text(
        "<from-state>PostgreSQL 13 on EC2</from-state><to-state>PostgreSQL 16 on RDS</to-state>",
    );
    assert!(
        db.summary.moves.starts_with("reads first"),
        "{}",
        db.summary.moves
    );
}

#[test]
fn parts_with_their_own_criticality_take_each_release_in_turn() {
    let (p, _) = plan_text(
        "<migration-type>Django 4.2 to 5.0</migration-type><from-state>Django 4.2</from-state>\
         <to-state>Django 5.0</to-state><criticality>critical for checkout, medium for the marketing site</criticality>",
    );
    let names: Vec<&str> = p.phases.iter().map(|ph| ph.name.as_str()).collect();
    let site = names.iter().position(|n| n.contains("marketing site"));
    let checkout = names.iter().position(|n| n.contains("checkout"));
    assert!(
        site.is_some() && checkout.is_some() && site < checkout,
        "{names:?}"
    );
}

#[test]
fn bulk_mail_warms_up_after_the_first_transactional_type() {
    let (p, _) = plan_text(
        "<migration-type>Mailgun to Postmark</migration-type><from-state>Mailgun</from-state><to-state>Postmark</to-state>\
         <criticality>critical for login codes, medium for receipts, low for the newsletter</criticality>",
    );
    let names: Vec<String> = p.phases.iter().map(|ph| ph.name.to_lowercase()).collect();
    let receipts = names.iter().position(|n| n.starts_with("receipts"));
    let first_news = names.iter().position(|n| n.contains("newsletter ("));
    let codes = names.iter().position(|n| n.contains("login codes"));
    assert!(receipts < first_news && first_news < codes, "{names:?}");
}

#[test]
fn a_lesson_from_the_last_migration_becomes_a_prep_step_and_a_check() {
    let (p, facts) = plan_text(
        "<migration-type>Rails 7.0 to 7.2</migration-type><from-state>Rails 7.0</from-state><to-state>Rails 7.2</to-state>\
         <prior-migration-experience>the 6.1 to 7.0 upgrade was rolled back because of a cookie serializer change that logged everyone out</prior-migration-experience>",
    );
    let lesson = facts
        .experience
        .iter()
        .find_map(|e| e.value.lesson.clone())
        .expect("the lesson is read");
    assert!(p.phases[0]
        .actions
        .iter()
        .any(|a| a.description.contains(&lesson)));
    assert!(p.phases[1..]
        .iter()
        .any(|ph| ph.checks.iter().any(|c| c.description.contains(&lesson))));
}

#[test]
fn an_alert_on_a_gate_criterion_shares_the_criterions_metric_id_so_one_binding_serves_both() {
    let (p, _) = plan_text(EMAIL);
    let criteria: std::collections::BTreeSet<&str> = p
        .phases
        .iter()
        .flat_map(|ph| ph.success_criteria.iter().map(|c| c.metric_id.as_str()))
        .collect();
    let bounce = p
        .monitoring
        .iter()
        .find(|a| a.metric.contains("bounce rate"))
        .expect("an email plan watches the bounce rate");
    assert!(
        criteria.contains(bounce.metric_id.as_str()),
        "{} not among {criteria:?}",
        bounce.metric_id
    );
}
