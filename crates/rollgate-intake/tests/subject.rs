//! The migration type names what moves. When it says "X → Y", "X to Y" or
//! "replace X with Y" with a technology on each side, those are the source
//! and target, even when a state tag first mentions something around them
//! (the runtime, the framework, the host); the disagreement is reported.

use jiff::civil::date;
use rollgate_intake::{read_bytes, Facts};
use rollgate_knowledge::Knowledge;

fn read(text: &str) -> Facts {
    let k = Knowledge::builtin().unwrap();
    read_bytes("in.txt", text.as_bytes(), None, &k, date(2026, 4, 27)).unwrap()
}

fn side(f: &Facts, source: bool) -> (String, Option<String>) {
    let s = if source { &f.source } else { &f.target };
    (
        s.technology
            .as_ref()
            .map(|t| t.value.id.clone())
            .unwrap_or_default(),
        s.version.as_ref().map(|v| v.value.clone()),
    )
}

#[test]
fn the_migration_type_names_the_subject_over_the_first_mention_in_from_state() {
    let f = read(
        "<migration-type>Upgrade Celery 4 to Celery 5</migration-type>\
         <from-state>Django 3.2 app with Celery 4 workers on RabbitMQ</from-state>\
         <to-state>Celery 5 workers, same broker</to-state>",
    );
    assert_eq!(side(&f, true), ("celery".into(), Some("4".into())));
    assert_eq!(side(&f, false), ("celery".into(), Some("5".into())));
    let w = f
        .warnings
        .iter()
        .find(|w| w.code == "subject-disagrees")
        .expect("the disagreement is reported");
    assert!(w.message.contains("names Django first"), "{}", w.message);
}

#[test]
fn replace_x_with_y_reads_old_then_new() {
    let f = read(
        "<migration-type>Replace Auth0 with Clerk for customer login</migration-type>\
         <criticality>high</criticality>",
    );
    assert_eq!(side(&f, true).0, "auth0");
    assert_eq!(side(&f, false).0, "clerk");
}

#[test]
fn agreeing_tags_raise_no_warning() {
    let f = read(
        "<migration-type>PostgreSQL 14 → PostgreSQL 16</migration-type>\
         <from-state>PostgreSQL 14 on EC2</from-state><to-state>PostgreSQL 16 on RDS</to-state>",
    );
    assert_eq!(side(&f, true), ("postgresql".into(), Some("14".into())));
    assert!(f.warnings.iter().all(|w| w.code != "subject-disagrees"));
}

#[test]
fn a_side_without_a_technology_leaves_the_state_tags_in_charge() {
    // Extraction: "into a separate service" names no technology.
    let f = read(
        "<migration-type>Split billing out of our Django monolith into a separate service</migration-type>\
         <from-state>Django 4.2 monolith on PostgreSQL 15</from-state>",
    );
    assert_eq!(side(&f, true).0, "django");
    assert!(f.warnings.iter().all(|w| w.code != "subject-disagrees"));
}

#[test]
fn a_version_stated_elsewhere_is_not_a_count() {
    let f = read(
        "<migration-type>Upgrade Celery 4 to Celery 5</migration-type>\
         <scale>Celery 5 workers process 2M jobs a day on 12 servers</scale>",
    );
    let counts: Vec<(u64, String)> = f
        .counts
        .iter()
        .map(|c| (c.value.count, c.value.what.clone()))
        .collect();
    assert!(!counts.contains(&(5, "workers".into())), "{counts:?}");
    assert!(counts.iter().any(|(n, _)| *n == 12), "{counts:?}");
    // With no version stated for it, a number after a name stays a count.
    let f = read("<from-state>PostgreSQL 14</from-state><scale>Redis 6 nodes</scale>");
    assert!(
        f.counts.iter().any(|c| c.value.count == 6),
        "{:?}",
        f.counts
    );
}

#[test]
fn saying_there_is_none_is_a_fact_not_noise() {
    let f = read(
        "<from-state>PostgreSQL 14</from-state><to-state>PostgreSQL 16</to-state>\
         <existing-dual-run-capability>none today.</existing-dual-run-capability>\
         <team-availability>no dedicated DBA; two backend engineers</team-availability>\
         <constraints>no freezes.</constraints>",
    );
    let absent: Vec<&str> = f.absences.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(
        absent,
        vec!["existing dual run capability", "dedicated DBA", "freezes"],
        "{absent:?}"
    );
    assert!(
        f.uninterpreted.is_empty(),
        "nothing left unread: {:?}",
        f.uninterpreted
    );
}

#[test]
fn a_list_of_changes_pairs_each_arrow_with_its_own_line() {
    let f = read(
        "<migration-type>\n- framework major upgrade: Next 13 -> 15 (skipping 14)\n- React 18.2 -> 19\n</migration-type>\
         <from-state>react 18.2, next 13.4.19 on Vercel</from-state>",
    );
    assert_eq!(side(&f, true), ("nextjs".into(), Some("13".into())));
    assert_eq!(side(&f, false), ("nextjs".into(), Some("15".into())));
    // "next" alone is only Next.js with a version after it.
    let f = read("<constraints>The next 3 months are busy. Next, we hire.</constraints>");
    assert!(f.technologies.is_empty(), "{:?}", f.technologies);
}

#[test]
fn a_bundled_change_does_not_lend_its_technology_to_the_subject() {
    // Corpus: django-32-to-42-plus-python, rails-61-to-72-chat,
    // spring-boot-2-to-3.b, pg13-to-16-plus-python.
    for (text, subject) in [
        (
            "Django 3.2 → 4.2, and Python 3.8 → 3.11 at the same time",
            ("django", "3.2", "4.2"),
        ),
        ("Rails 6.1 -> 7.2 plus Ruby 2.7 -> 3.3", ("rails", "6.1", "7.2")),
        (
            "Spring Boot 2.7 to 3.2 upgrade for payments backend, and Java 11 to 17 because Boot 3 need it",
            ("spring-boot", "2.7", "3.2"),
        ),
        (
            "PostgreSQL 13 to 16 on Cloud SQL, and the Python runtime from 3.9 to 3.12",
            ("postgresql", "13", "16"),
        ),
        ("Upgrade of MySQL from 5.7 to 8.0, self hosted", ("mysql", "5.7", "8.0")),
    ] {
        let f = read(&format!(
            "<migration-type>{text}</migration-type><from-state>Python 3.8, Ruby 2.7, Java 11</from-state>"
        ));
        let (id, from, to) = subject;
        assert_eq!(side(&f, true), (id.into(), Some(from.into())), "{text}");
        assert_eq!(side(&f, false), (id.into(), Some(to.into())), "{text}");
    }
}

#[test]
fn the_old_side_follows_from_and_replacing_need_not_open_the_sentence() {
    let f = read(
        "<migration-type>Move the Celery broker from RabbitMQ to Amazon SQS</migration-type>\
         <from-state>Django 4.2, Celery 5 workers, RabbitMQ 3.8 cluster</from-state>",
    );
    // The version comes from the from-state, where the side is described.
    assert_eq!(side(&f, true), ("rabbitmq".into(), Some("3.8".into())));
    assert_eq!(side(&f, false).0, "sqs");
    let f = read(
        "<migration-type>We are replacing Oracle Database 12c with PostgreSQL 16 for the policy system.</migration-type>\
         <from-state>A Java 11 Spring Boot application on Oracle 12c</from-state>",
    );
    assert_eq!(
        side(&f, true),
        ("oracle-database".into(), Some("12c".into()))
    );
    assert_eq!(side(&f, false), ("postgresql".into(), Some("16".into())));
    // The first "to" ("want to change") has no technology before it.
    let f = read(
        "<migration-type>Hello, we want to change our product search from Elasticsearch 7.10 to OpenSearch 2.13, the managed one from Amazon.</migration-type>",
    );
    assert_eq!(
        side(&f, true),
        ("elasticsearch".into(), Some("7.10".into()))
    );
    assert_eq!(side(&f, false), ("opensearch".into(), Some("2.13".into())));
}

#[test]
fn what_the_new_service_has_as_its_own_is_not_the_target() {
    // Corpus: extract-billing-rails.a, extract-pricing-dotnet.
    let f = read(
        "<migration-type>We are extracting the billing module from our Rails monolith into its own service with its own PostgreSQL database.</migration-type>\
         <from-state>Rails 7.0 monolith on PostgreSQL 15</from-state>\
         <to-state>A billing service (Rails 7.1 API-only) with its own PostgreSQL 15 database</to-state>",
    );
    assert_eq!(side(&f, false), ("rails".into(), Some("7.1".into())));
    let f = read(
        "<migration-type>carve pricing out of the .NET monolith -> pricing service (own SQL Server DB)</migration-type>",
    );
    assert_ne!(side(&f, false).0, "sql-server");
    // "Our own" says where it runs; the named thing is still the target.
    let f = read("<migration-type>Move from Heroku Postgres to our own PostgreSQL 16 servers</migration-type>");
    assert_eq!(side(&f, false).0, "postgresql");
}

#[test]
fn a_managed_service_takes_the_version_stated_for_its_engine() {
    // Corpus: kafka-to-msk-email.
    let f = read(
        "<migration-type>Move our self-hosted Apache Kafka 2.8 cluster to Amazon MSK (Kafka 3.6).</migration-type>\
         <to-state>Amazon MSK with Kafka 3.6, KRaft mode, three availability zones.</to-state>",
    );
    assert_eq!(side(&f, true), ("kafka".into(), Some("2.8".into())));
    assert_eq!(side(&f, false), ("msk".into(), Some("3.6".into())));
}

#[test]
fn bundled_changes_are_their_own_facts() {
    // Corpus: django-32-to-42-plus-python, spring-boot-2-to-3, dotnet-31-to-8,
    // heroku-pg-to-crunchy.
    let bundled = |t: &str| -> Vec<(String, Option<String>, String, Option<String>)> {
        read(&format!("<migration-type>{t}</migration-type>"))
            .migration
            .bundled
            .into_iter()
            .map(|b| {
                let b = b.value;
                (b.from.id, b.from_version, b.to.id, b.to_version)
            })
            .collect()
    };
    let v = |s: &str| Some(s.to_string());
    assert_eq!(
        bundled("Django 3.2 → 4.2, and Python 3.8 → 3.11 at the same time"),
        vec![("python".into(), v("3.8"), "python".into(), v("3.11"))]
    );
    assert_eq!(
        bundled("Upgrade of the payments backend from Spring Boot 2.7 to Spring Boot 3.2, together with the move from Java 11 to Java 17 that Boot 3 requires."),
        vec![("java".into(), v("11"), "java".into(), v("17"))]
    );
    assert_eq!(
        bundled("Hosting move: Heroku Postgres to Crunchy Bridge, and PostgreSQL 14 to 16 while we are at it"),
        vec![("postgresql".into(), v("14"), "postgresql".into(), v("16"))]
    );
    assert_eq!(
        bundled(
            "Move the Celery broker from RabbitMQ to SQS, and the cache from Memcached to Redis 7"
        ),
        vec![("memcached".into(), None, "redis".into(), v("7"))]
    );
    assert!(bundled("PostgreSQL 11 → PostgreSQL 15 (RDS major version upgrade)").is_empty());
}

#[test]
fn what_is_outside_this_migration_is_a_fact_with_its_technologies() {
    // Corpus: mysql57-to-80, node16-to-22, memcached-to-redis,
    // django-32-to-42-plus-python.b, okta-to-entra-id.
    let scope = |t: &str| -> Vec<(String, Vec<String>)> {
        read(t)
            .migration
            .out_of_scope
            .into_iter()
            .map(|o| {
                (
                    o.value.what,
                    o.value.technologies.into_iter().map(|t| t.id).collect(),
                )
            })
            .collect()
    };
    assert_eq!(
        scope("<to-state>MySQL 8.0 on the same VMs. maybe later we go to cloud (not in this migration).</to-state>"),
        vec![("maybe later we go to cloud".into(), vec![])]
    );
    assert_eq!(
        scope("<migration-type>Node.js 16 to Node.js 22; the Express 4 to 5 upgrade comes later</migration-type>"),
        vec![("the Express 4 to 5 upgrade".into(), vec!["express".into()])]
    );
    assert_eq!(
        scope("<migration-type>Django 3.2 → 4.2</migration-type><from-state>Django 3.2 LTS. It uses PostgreSQL 14 on RDS, which is not changing.</from-state>"),
        vec![("It uses PostgreSQL 14 on RDS".into(), vec!["postgresql".into(), "aws-rds".into()])]
    );
    // The subject keeps its role: Sidekiq's own Redis does not make the
    // target Redis unchanged.
    assert_eq!(
        scope("<migration-type>Memcached → Redis 7</migration-type><integration-points>Sidekiq keeps its own Redis, not in scope</integration-points>"),
        vec![("Sidekiq keeps its own Redis".into(), vec!["sidekiq".into()])]
    );
    // A later phase (corpus, holdout: rabbitmq-to-pubsub).
    assert_eq!(
        scope("<migration-type>RabbitMQ 3.9 -> Google Pub/Sub for the order pipeline (the analytics consumers follow in a second phase, not now)</migration-type>"),
        vec![("the analytics consumers".into(), vec![])]
    );
    // Time, not scope.
    assert!(scope("<constraints>Two weeks later the auditors arrive.</constraints>").is_empty());
}

#[test]
fn a_target_rollgate_does_not_know_is_named_not_replaced_by_a_mention() {
    let f = read(
        "<migration-type>SMS provider replacement, Twilio to Zorbix, for login codes</migration-type>\
         <from-state>Twilio Verify for OTP</from-state>\
         <to-state>Zorbix SMS API behind one interface; keep Twilio live in parallel per country</to-state>",
    );
    assert_eq!(side(&f, true).0, "twilio");
    let target = f.target.technology.as_ref().expect("a target");
    assert_eq!(target.value.name, "Zorbix");
    assert_eq!(target.value.kind, "sms-saas", "the source's kind");
    assert!(f.warnings.iter().any(|w| w.code == "unknown-technology"));
    // An ordinary word after "to" is no technology.
    let g = read(
        "<migration-type>Move Twilio to the new account</migration-type>\
         <from-state>Twilio</from-state>",
    );
    assert!(g
        .target
        .technology
        .as_ref()
        .is_none_or(|t| t.value.name != "The"));
    assert!(!g.warnings.iter().any(|w| w.code == "unknown-technology"));
}

#[test]
fn a_notice_date_is_no_deadline_but_the_contract_end_in_the_same_sentence_is() {
    let f = read(
        "<migration-type>Adyen to Stripe</migration-type><from-state>Adyen</from-state><to-state>Stripe</to-state>\
         <constraints>Adyen contract is finishing 31 May 2027 and the notice of 3 months must be given in written form before 28 February 2027, otherwise it renews automatically for 12 months.</constraints>",
    );
    let d = f
        .schedule
        .deadline
        .as_ref()
        .expect("the contract end")
        .value
        .date;
    assert_eq!(d, date(2027, 5, 31));
    // The notice is not dropped: its clause is read or listed as unread.
    let text = serde_json::to_string(&f).unwrap();
    assert!(
        text.contains("notice of 3 months"),
        "the notice clause vanished"
    );
}

#[test]
fn a_date_the_team_only_wants_is_a_milestone_under_a_firm_end() {
    for (constraints, firm, wished) in [
        (
            "Percona support for the Mongo boxes ends 31 Aug 2027. Plan: schema + backfill by end of April, cut over writes in June.",
            date(2027, 8, 31),
            "-04-30",
        ),
        (
            "Want UK and IE moved by end of March, rest can drift. Twilio annual commit ends 30 Apr 2027.",
            date(2027, 4, 30),
            "-03-31",
        ),
    ] {
        let f = read(&format!(
            "<migration-type>Twilio to Sinch</migration-type><from-state>Twilio</from-state><to-state>Sinch</to-state><constraints>{constraints}</constraints>"
        ));
        assert_eq!(f.schedule.deadline.as_ref().unwrap().value.date, firm, "{constraints}");
        let w = f.warnings.iter().find(|w| w.code == "milestone").expect("the milestone is said");
        assert!(w.message.contains(wished), "{}", w.message);
    }
    // A wish to be done with the whole move is the team's deadline.
    let f = read("<migration-type>Twilio to Sinch</migration-type><constraints>The contract ends on 31 December 2026. We want to be finished before Christmas.</constraints>");
    assert_eq!(
        f.schedule.deadline.as_ref().unwrap().value.date,
        date(2026, 12, 25)
    );
    // Two firm ends: the earliest still binds.
    let f = read("<migration-type>Twilio to Sinch</migration-type><constraints>The contract ends 31 May 2027; we must be done by 30 April 2027.</constraints>");
    assert_eq!(
        f.schedule.deadline.as_ref().unwrap().value.date,
        date(2027, 4, 30)
    );
}

/// "…by the end of August at the very latest. I'd love it done by the end
/// of Q2": the outer bound the input sets is the deadline, earlier dates
/// it only hopes for are milestones; a holiday named in brackets inside a
/// freeze's clause belongs to the freeze.
#[test]
fn the_outer_bound_is_the_deadline_and_hopes_before_it_are_milestones() {
    let f = read("<migration-type>Rails 6.0 to Rails 7.2</migration-type><constraints>The peak-season freeze starts 1 September and runs until mid-January (Black Friday, then Christmas), so everything has to be finished by the end of August 2027 at the very latest. I'd love it done by the end of Q2 2027, because the board meeting is on 15 June.</constraints>");
    assert_eq!(
        f.schedule.deadline.as_ref().unwrap().value.date,
        date(2027, 8, 31)
    );
    let milestones: Vec<&str> = f
        .warnings
        .iter()
        .filter(|w| w.code == "milestone")
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        milestones.iter().any(|m| m.starts_with("2027-06-30")),
        "{milestones:?}"
    );
    assert!(
        f.schedule
            .freezes
            .iter()
            .any(|fr| fr.value.covers(date(2026, 12, 1), &|_| true)),
        "the peak season: {:?}",
        f.schedule.freezes
    );
}
