//! More phrasings per extractor, as a table each: what must match, and
//! what must not. These grow whenever a real spec is misread.

use jiff::civil::{date, Date};
use rollgate_intake::extract::{
    self, capability, criticality, dates, duration, experience, integration, quantity, team,
};
use rollgate_intake::{CapabilityKind, Criticality, Freeze, IntegrationKind};
use rollgate_knowledge::Knowledge;

const START: Date = date(2026, 4, 27);

#[test]
fn technologies_more_phrasings() {
    let k = Knowledge::builtin().unwrap();
    let m = extract::tech::TechMatcher::new(&k.catalog);
    let ids = |t: &str| -> Vec<String> { m.find(t).into_iter().map(|h| h.value.id).collect() };
    let cases: &[(&str, &[&str])] = &[
        ("MySQL 8 on Aurora MySQL", &["mysql", "aurora-mysql"]),
        ("MongoDB 4.4 → MongoDB Atlas", &["mongodb", "mongodb-atlas"]),
        ("Memcached to Redis 7", &["memcached", "redis"]),
        (
            "Elasticsearch 7.10 → OpenSearch 2.11",
            &["elasticsearch", "opensearch"],
        ),
        ("RabbitMQ to Amazon SQS", &["rabbitmq", "sqs"]),
        ("Kafka on MSK", &["kafka", "msk"]),
        ("Django 3.2 on Python 3.8", &["django", "python"]),
        ("Spring Boot 2.7 on Java 11", &["spring-boot", "java"]),
        (
            "Rails 6.1, Ruby 2.7, Sidekiq",
            &["rails", "ruby", "sidekiq"],
        ),
        ("Next.js 13 pages router", &["nextjs"]),
        ("Node 16 to Node 20", &["nodejs", "nodejs"]),
        ("Go 1.19 services", &["go"]),
        ("Auth0 to Okta", &["auth0", "okta"]),
        ("Twilio SMS to Vonage", &["twilio", "vonage"]),
        ("Segment to RudderStack", &["segment", "rudderstack"]),
        ("Braintree → Stripe", &["braintree", "stripe"]),
        ("Mailgun and SES", &["mailgun", "aws-ses"]),
        ("flags in Unleash", &["unleash"]),
        ("Flagger on Istio", &["flagger", "istio"]),
        ("EKS with Argo CD", &["eks", "argocd"]),
        ("Cloud SQL for PostgreSQL", &["cloud-sql", "postgresql"]),
        ("SQL Server 2016 to Azure SQL", &["sql-server", "azure-sql"]),
        ("Oracle 12c", &["oracle-database"]),
        ("Cassandra 3 to ScyllaDB", &["cassandra", "scylladb"]),
        ("DynamoDB", &["dynamodb"]),
        (
            "Debezium → Kafka → Snowflake",
            &["debezium", "kafka", "snowflake"],
        ),
        ("BigQuery and Redshift", &["bigquery", "redshift"]),
        ("PgBouncer in front", &["pgbouncer"]),
        (
            "Heroku Postgres to Crunchy Bridge",
            &["heroku-postgres", "crunchy-bridge"],
        ),
        ("on-prem Oracle", &["on-premises", "oracle-database"]),
        (
            "Datadog dashboards and PagerDuty",
            &["datadog", "pagerduty"],
        ),
        ("Google Cloud", &["gcp"]),
    ];
    for (text, want) in cases {
        assert_eq!(
            ids(text),
            want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "{text}"
        );
    }
    for text in [
        "the spring release",
        "elastic capacity",
        "we go live",
        "react quickly",
        "a segment of users",
        "resend the emails",
        "clerk's office",
        "the phoenix project",
        "nodes and edges",
        "our own atlas",
        "express delivery",
        "oracle of truth".replace("oracle", "orakel").as_str(),
        "mongoose",
        "postgresqlish",
        "pg-boss queue",
        "kafkaesque",
        "stripes on the flag",
        "redisson client",
        "ecs2",
        "dmsx",
    ] {
        assert!(ids(text).is_empty(), "{text}: {:?}", ids(text));
    }
}

#[test]
fn quantities_more_phrasings() {
    let gb = |t: &str| quantity::data_sizes(t).first().map(|h| h.value.gigabytes());
    for (t, v) in [
        ("DB is 2.5TB", 2500.0),
        ("~80 GB of data", 80.0),
        ("around 300GB", 300.0),
        ("size: 1,024 GB", 1024.0),
        ("a 750 gig database", 750.0),
        ("4 TB on disk", 4000.0),
        ("12 GB index", 12.0),
        ("over 5 TB", 5000.0),
        ("approx. 90 GB", 90.0),
        ("300 megabytes", 0.3),
    ] {
        assert_eq!(gb(t), Some(v), "{t}");
    }
    for t in [
        "16GB RAM per node",
        "8 GB memory",
        "100 MB/s",
        "5 GB per day growth".replace(" per day", "/day").as_str(),
        "gbps",
        "TBD",
        "GB",
    ] {
        assert_eq!(gb(t), None, "{t}");
    }
    let rate = |t: &str| {
        quantity::rates(t)
            .first()
            .map(|h| (h.value.per_second, h.value.unit.clone()))
    };
    for (t, v, u) in [
        ("peak 40k req/s", 40000.0, "requests"),
        ("200 writes/sec", 200.0, "writes"),
        ("3,000 QPS", 3000.0, "queries"),
        ("50 orders per minute", 50.0 / 60.0, "orders"),
        ("10K events/s", 10000.0, "events"),
        ("1M emails per day", 1e6 / 86400.0, "emails"),
        ("500 logins per hour", 500.0 / 3600.0, "logins"),
        ("2k messages per second", 2000.0, "messages"),
        ("120 RPS", 120.0, "requests"),
        ("20 sms per minute", 20.0 / 60.0, "sms"),
        ("~8K ops/s", 8000.0, "operations"),
        ("5 TPS", 5.0, "transactions"),
    ] {
        let got = rate(t).unwrap_or_else(|| panic!("{t}"));
        assert!((got.0 - v).abs() < 1e-6 && got.1 == u, "{t}: {got:?}");
    }
    for t in [
        "weekly reports",
        "per service",
        "2 per day".replace("2 per", "twice per").as_str(),
        "p95 of 20ms",
        "3 requests total",
    ] {
        assert_eq!(rate(t), None, "{t}");
    }
    let count = |t: &str| {
        quantity::counts(t)
            .first()
            .map(|h| (h.value.count, h.value.what.clone()))
    };
    for (t, n, w) in [
        ("120 tables", 120, "tables"),
        ("8 shards", 8, "shards"),
        ("3 brokers", 3, "brokers"),
        ("15 Kafka topics", 15, "topics"),
        ("40k merchants", 40000, "merchants"),
        ("2M users", 2_000_000, "users"),
        ("6 regions", 6, "regions"),
        ("20 cron jobs", 20, "jobs"),
        ("3 replicas", 3, "replicas"),
        ("400 tenants", 400, "tenants"),
        ("Consumers (12)", 12, "consumers"),
        ("about 30 microservices", 30, "services"),
    ] {
        assert_eq!(count(t), Some((n, w.to_string())), "{t}");
    }
    for t in [
        "3 days",
        "12 months",
        "v2 API",
        "2 engineers",
        "Redis 7 cluster",
    ] {
        assert_eq!(count(t), None, "{t}");
    }
}

#[test]
fn tolerances_more_phrasings() {
    let m = |t: &str| duration::tolerance(t).map(|h| h.value.max_minutes);
    for (t, v) in [
        ("less than 10 minutes", 10),
        ("< 5 min", 5),
        ("within 2 hours", 120),
        ("4h", 240),
        ("a couple of hours", 120),
        ("one day", 1440),
        ("next business day", 1440),
        ("instantly", 1),
        ("real-time failover needed", 1),
        ("1 hr", 60),
        ("45 mins", 45),
        ("no downtime allowed", 1),
        ("sub-hour", 60),
        ("within one hour", 60),
    ] {
        assert_eq!(m(t), Some(v), "{t}");
    }
    for t in [
        "as fast as possible",
        "unknown",
        "we'd like it quick",
        "N/A",
    ] {
        assert_eq!(m(t), None, "{t}");
    }
}

#[test]
fn criticality_more_phrasings() {
    let l = |t: &str| criticality::criticality(t).map(|r| r.level);
    for (t, v) in [
        ("CRITICAL", Criticality::Critical),
        ("Critical: billing depends on it", Criticality::Critical),
        ("revenue-critical path", Criticality::Critical),
        ("High - customer facing", Criticality::High),
        ("Moderate; internal users notice", Criticality::Medium),
        ("low, staff only", Criticality::Low),
        ("Internal only.", Criticality::Low),
        ("checkout runs on it", Criticality::Critical),
        ("nobody outside engineering uses it", Criticality::Low),
        ("tier 1", Criticality::High),
    ] {
        assert_eq!(l(t), Some(v), "{t}");
    }
    for t in ["who knows", "it runs on Linux", "", "various"] {
        assert_eq!(l(t), None, "{t}");
    }
}

#[test]
fn team_more_phrasings() {
    let k = Knowledge::builtin().unwrap();
    let people = |t: &str| -> Vec<(String, u32, bool)> {
        team::members(t, &k.roles)
            .into_iter()
            .map(|h| (h.value.role, h.value.count, h.value.contractor))
            .collect()
    };
    type Expected<'a> = &'a [(&'a str, u32, bool)];
    let cases: &[(&str, Expected)] = &[
        (
            "2 SREs and 6 backend devs",
            &[("sre", 2, false), ("backend-engineer", 6, false)],
        ),
        ("one DBA consultant", &[("dba", 1, true)]),
        ("a freelance DBA", &[("dba", 1, true)]),
        ("3 platform engineers", &[("platform-engineer", 3, false)]),
        (
            "an engineering manager",
            &[("engineering-manager", 1, false)],
        ),
        (
            "4 full stack engineers",
            &[("fullstack-engineer", 4, false)],
        ),
        ("two Android developers", &[("mobile-engineer", 2, false)]),
        ("a security engineer", &[("security-engineer", 1, false)]),
        ("12 developers", &[("engineer", 12, false)]),
        (
            "1 data engineer and 1 QA",
            &[("data-engineer", 1, false), ("qa-engineer", 1, false)],
        ),
    ];
    for (t, want) in cases {
        let want: Vec<(String, u32, bool)> = want
            .iter()
            .map(|(r, n, c)| (r.to_string(), *n, *c))
            .collect();
        assert_eq!(people(t), want, "{t}");
    }
    let zones = |t: &str| -> Vec<String> {
        team::time_zones(t, &k.zones)
            .into_iter()
            .map(|h| h.value)
            .collect()
    };
    for (t, z) in [
        ("Mountain time", "America/Denver"),
        ("Toronto office", "America/Toronto"),
        ("Dublin", "Europe/Dublin"),
        ("based in Amsterdam", "Europe/Amsterdam"),
        ("Tokyo", "Asia/Tokyo"),
        ("Auckland", "Pacific/Auckland"),
        ("Bengaluru", "Asia/Kolkata"),
        ("GMT-5", "Etc/GMT+5"),
        ("America/Chicago", "America/Chicago"),
        ("Warsaw", "Europe/Warsaw"),
    ] {
        assert_eq!(zones(t), vec![z.to_string()], "{t}");
    }
    for t in [
        "central repo",
        "the Pacific Ocean fleet".replace("Pacific ", "").as_str(),
        "eastern block".replace("eastern", "easter").as_str(),
        "a mountain of work",
    ] {
        assert!(zones(t).is_empty(), "{t}: {:?}", zones(t));
    }
}

#[test]
fn deadlines_and_freezes_more_phrasings() {
    let d = |t: &str| dates::dates(t, START).first().map(|h| h.value.date);
    for (t, v) in [
        ("by 2026-09-30", date(2026, 9, 30)),
        ("by 30 September 2026", date(2026, 9, 30)),
        ("by Sep 30", date(2026, 9, 30)),
        ("before Q4 2026", date(2026, 10, 1)),
        ("end of Q4 2026", date(2026, 12, 31)),
        ("by the end of the month", date(2026, 4, 30)),
        ("within 3 weeks", date(2026, 5, 18)),
        ("in 10 days", date(2026, 5, 7)),
        ("by EOY", date(2026, 12, 31)),
        ("start of H2 2026", date(2026, 7, 1)),
        ("by end of May", date(2026, 5, 31)),
        ("until June 15th", date(2026, 6, 15)),
    ] {
        assert_eq!(d(t), Some(v), "{t}");
    }
    for t in [
        "May we proceed",
        "Q5 2026",
        "sometime",
        "version 2026.1",
        "the 32nd of June",
    ] {
        assert_eq!(d(t), None, "{t}");
    }
    let f = |t: &str| {
        dates::freezes(t, START)
            .into_iter()
            .map(|h| h.value)
            .collect::<Vec<_>>()
    };
    assert!(
        matches!(&f("no changes on Mondays or Fridays")[..], [Freeze::Weekdays { weekdays, .. }] if weekdays == &vec![1, 5])
    );
    assert!(
        matches!(&f("deploy freeze Nov 20 - Nov 30")[..], [Freeze::Range { from, to, .. }] if *from == date(2026, 11, 20) && *to == date(2026, 11, 30))
    );
    assert!(
        matches!(&f("release freeze from 2026-12-18 until 2027-01-04")[..], [Freeze::Range { from, to, .. }] if *from == date(2026, 12, 18) && *to == date(2027, 1, 4))
    );
    assert!(matches!(
        &f("the final 3 business days of each month")[..],
        [Freeze::LastBusinessDaysOfMonth { days: 3, .. }]
    ));
    assert!(matches!(
        &f("blackout during the product launch")[..],
        [Freeze::Unresolved { .. }]
    ));
    assert!(matches!(&f("BFCM freeze")[..], [Freeze::Yearly { .. }]));
    for t in [
        "we deploy daily",
        "frozen food",
        "last deploy went fine",
        "first day of work",
    ] {
        assert!(f(t).is_empty(), "{t}: {:?}", f(t));
    }
}

#[test]
fn capabilities_more_phrasings() {
    let c = |t: &str| {
        capability::capabilities(t)
            .into_iter()
            .map(|h| (h.value.kind, h.value.present))
            .collect::<Vec<_>>()
    };
    use CapabilityKind::*;
    for (t, want) in [
        (
            "We have no feature flag system",
            vec![(FeatureFlags, false)],
        ),
        (
            "Canary releases via Argo Rollouts",
            vec![(CanaryDeploys, true)],
        ),
        ("blue-green deploys", vec![(BlueGreen, true)]),
        (
            "we cannot route reads separately",
            vec![(ReadRouting, false)],
        ),
        ("read/write splitting in the ORM", vec![(ReadRouting, true)]),
        ("PITR enabled", vec![(Backups, true)]),
        ("nightly snapshots", vec![(Backups, true)]),
        (
            "streaming replication to a standby",
            vec![(Replication, true)],
        ),
        (
            "shadow traffic is possible with Envoy",
            vec![(ShadowTraffic, true)],
        ),
        (
            "any config change needs a redeploy",
            vec![(ConfigWithoutDeploy, false)],
        ),
        ("hot reload of config", vec![(ConfigWithoutDeploy, true)]),
        ("no pre-prod environment", vec![(Staging, false)]),
    ] {
        assert_eq!(c(t), want, "{t}");
    }
    for t in [
        "we write code",
        "reading list",
        "green field project",
        "a flag on the map",
    ] {
        assert!(c(t).is_empty(), "{t}: {:?}", c(t));
    }
}

#[test]
fn experience_more_phrasings() {
    let e = |t: &str| {
        experience::experience(t, &|_| None)
            .into_iter()
            .map(|h| (h.value.done, h.value.count))
            .collect::<Vec<_>>()
    };
    for (t, want) in [
        ("We did 3 Rails upgrades last year", vec![(true, Some(3))]),
        ("Never migrated a database before", vec![(false, None)]),
        ("No prior migration experience", vec![(false, None)]),
        ("We have done several major upgrades", vec![(true, Some(4))]),
        (
            "Completed a vendor switch from Twilio in 2024",
            vec![(true, None)],
        ),
        ("first time doing a cutover", vec![(false, None)]),
        (
            "Team performed two migrations to Aurora",
            vec![(true, Some(2))],
        ),
        (
            "Nobody here has done a framework upgrade",
            vec![(false, None)],
        ),
    ] {
        assert_eq!(e(t), want, "{t}");
    }
    for t in [
        "We love Postgres",
        "The upgrade is needed",
        "migration planned for Q3",
    ] {
        assert!(e(t).is_empty(), "{t}: {:?}", e(t));
    }
}

#[test]
fn integrations_more_phrasings() {
    let kinds = |t: &str| integration::classify(t, &[]).kinds;
    use IntegrationKind::*;
    for (t, k) in [
        ("Looker dashboards", AnalyticsPipeline),
        ("Debezium connector", Cdc),
        ("binlog consumers", Cdc),
        ("nightly ETL to the warehouse", Etl),
        ("partner integrations via public API", PartnerApi),
        ("iOS app (slow to update)", MobileApp),
        ("order emails", Email),
        ("SMS notifications", Sms),
        ("SSO login", Auth),
        ("search indexer", Search),
        ("Redis cache layer", Cache),
        ("billing service", Payment),
        ("webhooks from GitHub", Webhook),
        ("two read replicas", ReadReplica),
    ] {
        assert_eq!(kinds(t)[0], k, "{t}: {:?}", kinds(t));
    }
    assert_eq!(integration::items("a, b (c, d); e\nf").len(), 4);
    assert_eq!(integration::items("").len(), 0);
}

#[test]
fn history_without_a_doing_verb_still_has_its_duration_outcome_and_lesson() {
    // Corpus: django-32-to-42-plus-python, sendgrid-to-ses, cassandra-3-to-4,
    // kafka-to-msk-email, extract-billing-rails, rails-61-to-72-chat.
    let e = |t: &str| {
        experience::experience(t, &|_| None)
            .into_iter()
            .map(|h| h.value)
            .collect::<Vec<_>>()
    };
    type Want = (
        bool,
        Option<u32>,
        Option<&'static str>,
        Option<&'static str>,
    );
    let cases: &[(&str, Want)] = &[
        (
            "2.2 → 3.2 took a quarter and was rolled back once (middleware change broke auth cookies)",
            (true, Some(91), Some("was rolled back"), Some("middleware change broke auth cookies")),
        ),
        (
            "5.2 -> 6.1 took 4 months, rolled back once (zeitwerk autoloading)",
            (true, Some(120), Some("was rolled back"), Some("zeitwerk autoloading")),
        ),
        (
            "Mandrill → SendGrid, 2020: 6 weeks; deliverability dipped for a week during IP warm-up",
            (true, Some(42), None, Some("deliverability dipped for a week during IP warm-up")),
        ),
        (
            "We did 3.0 to 3.11 two years ago; it took two months and one node had to be rebuilt from scratch.",
            (true, Some(60), None, Some("one node had to be rebuilt from scratch")),
        ),
        (
            "It took five months and we had to roll back twice because consumers lost offsets.",
            (true, Some(150), Some("was rolled back"), Some("consumers lost offsets")),
        ),
        (
            "search extraction last year: planned 2 months, took 6; monolith kept writing old tables via unknown callbacks",
            (true, Some(180), None, Some("monolith kept writing old tables via unknown callbacks")),
        ),
        (
            "12 -> 13 done last year in 3 weeks, no rollback",
            (true, Some(21), Some("went without rollback"), None),
        ),
        (
            "We upgraded Laravel 5.8 to 8 in 2021, it was two months, we had problem with the queue workers after deploy.",
            (true, Some(60), None, Some("we had problem with the queue workers after deploy")),
        ),
    ];
    for (t, (done, took, outcome, lesson)) in cases {
        let got = e(t);
        assert_eq!(got.len(), 1, "{t}: {got:?}");
        let g = &got[0];
        assert_eq!(
            (
                g.done,
                g.took_days,
                g.outcome.as_deref(),
                g.lesson.as_deref()
            ),
            (*done, *took, *outcome, *lesson),
            "{t}"
        );
    }
    // A version step alone is an upgrade done; "a weekend" is two days
    // (corpus, holdout: mariadb-103-to-1011).
    let got = e("10.1 -> 10.3 in 2020, about a weekend, one replica had to be rebuilt afterwards");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].done);
    assert_eq!(got[0].took_days, Some(2));
    assert_eq!(
        got[0].lesson.as_deref(),
        Some("one replica had to be rebuilt afterwards")
    );
    // "…, 2 years ago" is when, not how long.
    assert_eq!(
        e("We did a 13→14 upgrade, 2 years ago, went well.")[0].took_days,
        None
    );
    // Saying nothing was done, in few words or with any verb.
    for t in [
        "none with Redis",
        "nope, first time",
        "we have not run Redis before",
        "first extraction for this team",
        "We never changed SMS provider.",
    ] {
        let got = e(t);
        assert!(got.len() == 1 && !got[0].done, "{t}: {got:?}");
    }
    // A year after "in" is not a duration; a problem that did not happen
    // is not something never done.
    assert!(e("Moved from Mandrill to SendGrid in 2021.")[0]
        .took_days
        .is_none());
    assert!(e("We have not had issues with it since.").is_empty());
    // An obligation after the semicolon is a constraint to ask about.
    let got = e("Did three RDS major upgrades (9.6 → 10 → 11); the last took 40 minutes of downtime, which we cannot afford now.");
    assert!(got.iter().all(|x| x.lesson.is_none()), "{got:?}");
}

/// The deadline rollgate reads from a constraints text.
fn deadline_of(text: &str) -> Option<Date> {
    let k = Knowledge::builtin().unwrap();
    let f = rollgate_intake::read_bytes(
        "in.txt",
        format!("<constraints>{text}</constraints>").as_bytes(),
        None,
        &k,
        START,
    )
    .unwrap();
    f.schedule.deadline.map(|d| d.value.date)
}

#[test]
fn deadlines_in_relative_back_referring_and_competing_words() {
    // Corpus: mysql57-to-80, rails-61-to-72-chat, extract-billing-rails,
    // extract-reporting, pg11-to-pg15-rds.b, twilio-to-vonage-sms,
    // kafka-to-msk-email, solr-to-elasticsearch, vue2-to-vue3.
    for (t, want) in [
        ("Management wants it done in two quarters.", date(2026, 10, 27)),
        ("- within two quarters", date(2026, 10, 27)),
        ("Leadership wants it within two quarters.", date(2026, 10, 27)),
        ("Vue 2 is EOL. done in 3 months. no freezes.", date(2026, 7, 27)),
        (
            "Amazon starts charging for extended support after October 31, 2026, so we must be off version 11 before that date.",
            date(2026, 10, 31),
        ),
        (
            "Twilio price increase from 1 August 2026, so we want to finish before.",
            date(2026, 8, 1),
        ),
        ("Our EC2 reserved instances expire on 31 January 2027.", date(2027, 1, 31)),
        (
            "The Hetzner contract ends on 31 December 2026. January is our busiest month, so we want to be finished before Christmas.",
            date(2026, 12, 25),
        ),
    ] {
        assert_eq!(deadline_of(t), Some(want), "{t}");
    }
    // A date that only starts something is no deadline.
    assert_eq!(
        deadline_of("The new pricing starts on 1 August 2026."),
        None
    );
    assert_eq!(
        deadline_of("We will hire in two quarters, then grow."),
        None
    );
    // A wish about the length is a preferred duration, not a deadline.
    assert_eq!(deadline_of("Would like it done within 6 weeks."), None);
}

#[test]
fn team_counts_per_region_by_place_and_negated() {
    // Corpus: mysql57-to-80, cassandra-3-to-4, twilio-to-vonage-sms,
    // laravel-8-to-11-php, heroku-pg-to-crunchy.
    let k = Knowledge::builtin().unwrap();
    let m = |t: &str| -> Vec<(String, u32)> {
        team::members(t, &k.roles)
            .into_iter()
            .map(|h| (h.value.role, h.value.count))
            .collect()
    };
    let one = |r: &str, n: u32| vec![(r.to_string(), n)];
    for (t, want) in [
        (
            "Two engineers per region, we have Poland and Vietnam, so in total four.",
            one("engineer", 4),
        ),
        (
            "Two engineers per region, we have EMEA and APAC, so four.",
            one("engineer", 4),
        ),
        (
            "two engineers per region (Poland and Vietnam)",
            one("engineer", 4),
        ),
        (
            "Two SREs per region (EU and US), four in total",
            one("sre", 4),
        ),
        (
            "three SREs per office across Berlin, Austin and Pune",
            one("sre", 9),
        ),
        // The places are not said: the count stays as written.
        ("two SREs per region", one("sre", 2)),
        (
            "We are 2 developers in Bucharest and 1 in Chisinau",
            one("engineer", 3),
        ),
        ("None of them is a DBA.", vec![]),
        ("2 backend engineers, 1 contractor DBA (10 h/week)", {
            let mut v = one("backend-engineer", 2);
            v.extend(one("dba", 1));
            v
        }),
    ] {
        assert_eq!(m(t), want, "{t}");
    }
    let dba = team::members("1 contractor DBA", &k.roles);
    assert!(dba[0].value.contractor);
}

#[test]
fn capabilities_named_by_product_or_in_plain_verbs() {
    // Corpus: braintree-to-stripe, cognito-to-clerk-chat, laravel-8-to-11-php,
    // es-to-opensearch, segment-to-rudderstack, kafka-to-msk-email,
    // mysql57-to-80, heroku-pg-to-crunchy.
    let c = |t: &str| {
        capability::capabilities(t)
            .into_iter()
            .map(|h| (h.value.kind, h.value.present))
            .collect::<Vec<_>>()
    };
    use CapabilityKind::*;
    for (t, want) in [
        ("Flipper flags per merchant", vec![(FeatureFlags, true)]),
        (
            "Vercel instant rollback, PostHog flags",
            vec![(FeatureFlags, true)],
        ),
        (
            "No canary, no flags.",
            vec![(CanaryDeploys, false), (FeatureFlags, false)],
        ),
        (
            "can mirror queries to a second cluster (shadow)",
            vec![(ShadowTraffic, true)],
        ),
        (
            "can dual-send events from the SDK wrapper",
            vec![(DualWrite, true)],
        ),
        (
            "MirrorMaker 2 can replicate topics between clusters.",
            vec![(Replication, true)],
        ),
        (
            "We can read from replicas with ProxySQL rules.",
            vec![(ReadRouting, true)],
        ),
        // Routing reads to replicas says the replicas exist, too.
        (
            "ProxySQL already routes reads to the replicas.",
            vec![(ReadRouting, true), (Replication, true)],
        ),
        (
            "Heroku does not let us stream WAL out, so no logical replication from the source",
            vec![(Replication, false)],
        ),
    ] {
        assert_eq!(c(t), want, "{t}");
    }
    // Flags that are not feature flags.
    for t in ["the audit raised red flags", "JVM flags and CLI flags"] {
        assert!(c(t).is_empty(), "{t}: {:?}", c(t));
    }
}

#[test]
fn stakes_by_part_in_lists_and_stakes_the_text_denies() {
    // Corpus: sendgrid-to-ses.b, extract-billing-rails.b,
    // segment-to-rudderstack, solr-to-elasticsearch.
    let parts = |t: &str| -> Vec<(Criticality, String)> {
        criticality::parts(t).into_iter().map(|h| h.value).collect()
    };
    assert_eq!(
        parts("- password reset emails: critical\n- weekly digest: low"),
        vec![
            (Criticality::Critical, "password reset emails".to_string()),
            (Criticality::Low, "weekly digest".to_string())
        ]
    );
    assert_eq!(
        parts("- renewals + charging: critical\n- invoice PDF download: medium\n- internal revenue dashboard: low").len(),
        3
    );
    let stakes = |t: &str| -> Vec<String> {
        criticality::stakes(t)
            .into_iter()
            .map(|h| h.value)
            .collect()
    };
    assert!(
        !stakes("medium - marketing and product analytics; billing does not depend on it")
            .contains(&"revenue".to_string())
    );
    assert!(!stakes("no payments involved").contains(&"revenue".to_string()));
    assert!(stakes("employers pay per application").contains(&"revenue".to_string()));
    // "No data loss" states the stake, it does not deny it.
    assert!(stakes("no data loss is acceptable").contains(&"data-loss".to_string()));
}

#[test]
fn the_accepted_duration_is_the_tolerance_not_how_long_a_rollback_takes() {
    // Corpus: rails-61-to-72-chat, node16-to-22, nextjs-13-to-15-react.
    let t = |s: &str| duration::tolerance(s).map(|h| h.value.max_minutes);
    for (s, want) in [
        ("heroku releases:rollback is like 2 min, so 15 min is our budget", 15),
        (
            "Cloud Run traffic split back to the previous revision, under 2 minutes; we accept 10 minutes.",
            10,
        ),
        ("instant rollback on Vercel, < 5 min", 5),
        // Equally firm: the first stays.
        ("within 15 minutes; the rollback itself takes 5 minutes", 15),
        ("30 minutes", 30),
    ] {
        assert_eq!(t(s), Some(want), "{s}");
    }
}

#[test]
fn a_freeze_that_points_back_to_its_dates() {
    // Corpus: activemq-to-rabbitmq, extract-search-laravel.
    let f = |t: &str| -> Vec<Freeze> {
        dates::freezes(t, START)
            .into_iter()
            .map(|h| h.value)
            .collect()
    };
    for (t, from, to) in [
        (
            "Peak season from November 15 to December 31, no changes in this time.",
            date(2026, 11, 15),
            date(2026, 12, 31),
        ),
        (
            "Spring campaign runs from March 1 to March 31 2027, no changes in that period.",
            date(2027, 3, 1),
            date(2027, 3, 31),
        ),
        (
            "The stocktake runs Dec 28 to Jan 3; nothing ships then.",
            date(2026, 12, 28),
            date(2027, 1, 3),
        ),
    ] {
        match &f(t)[..] {
            [one] if next_dates(one, START).is_some() => {
                assert_eq!(next_dates(one, START), Some((from, to)), "{t}")
            }
            other => panic!("{t}: {other:?}"),
        }
    }
    // Dates that are not a range, or a freeze that does not point back.
    assert!(f("The launch is on June 1, no changes in this time.").is_empty());
}

#[test]
fn holdout_classes_deadlines_dates_and_freezes() {
    // Corpus (holdout): couchbase-to-dynamodb, firebase-to-workos,
    // flask-to-fastapi, mailgun-to-postmark, rabbitmq-to-pubsub.
    for (t, want) in [
        (
            "The Couchbase licence renews on 1 March 2027 and finance won't sign another year.",
            date(2027, 3, 1),
        ),
        (
            "The first SSO go-live is on 15 September 2026; we need to be done by then.",
            date(2026, 9, 15),
        ),
        (
            "The EC2 reserved instances run out at the end of Q1 2027.",
            date(2027, 3, 31),
        ),
        ("Mailgun contract end is 31.10.2026.", date(2026, 10, 31)),
        (
            "The node pool gets retired end of September 2026.",
            date(2026, 9, 30),
        ),
    ] {
        assert_eq!(deadline_of(t), Some(want), "{t}");
    }
    // Corpus (holdout): extract-search-django, mariadb-103-to-1011.
    let f = |t: &str| -> Vec<Freeze> {
        dates::freezes(t, START)
            .into_iter()
            .map(|h| h.value)
            .collect()
    };
    let days = |t: &str| -> Vec<Vec<u8>> {
        f(t).into_iter()
            .filter_map(|z| match z {
                Freeze::Weekdays { weekdays, .. } => Some(weekdays),
                _ => None,
            })
            .collect()
    };
    assert_eq!(days("no deploys Fri-Sun"), vec![vec![5, 6, 7]]);
    assert_eq!(days("no releases Saturday to Monday"), vec![vec![1, 6, 7]]);
    assert_eq!(days("no deploys on Fridays"), vec![vec![5]]);
    assert!(days("we never sat down to plan it").is_empty());
    let ranges: Vec<(Date, Date)> = f(
        "No changes in the first full week of January or during our annual sale (the week of 2026-06-15).",
    )
    .into_iter()
    .filter_map(|z| next_dates(&z, START))
    .collect();
    assert_eq!(
        ranges,
        vec![
            (date(2027, 1, 4), date(2027, 1, 10)),
            (date(2026, 6, 15), date(2026, 6, 21))
        ]
    );
}

#[test]
fn holdout_classes_capabilities_and_stakes() {
    // Corpus (holdout): couchbase-to-dynamodb, rabbitmq-to-pubsub,
    // flask-to-fastapi.
    let c = |t: &str| {
        capability::capabilities(t)
            .into_iter()
            .map(|h| (h.value.kind, h.value.present))
            .collect::<Vec<_>>()
    };
    use CapabilityKind::*;
    assert_eq!(
        c("Config lives in AWS AppConfig so switching endpoints doesn't need a deploy."),
        vec![(ConfigWithoutDeploy, true)]
    );
    assert_eq!(
        c("we can publish to both brokers from the shared producer lib"),
        vec![(DualWrite, true)]
    );
    let stakes: Vec<String> = criticality::stakes("partners have contractual SLAs (99.9%)")
        .into_iter()
        .map(|h| h.value)
        .collect();
    assert!(stakes.contains(&"sla".to_string()), "{stakes:?}");
}

#[test]
fn misreads_found_in_the_fresh_review_inputs() {
    // docs/reviews/inputs/fresh: 01, 03, 04, 05, 02.
    let k = Knowledge::builtin().unwrap();
    let read =
        |t: &str| rollgate_intake::read_bytes("in.txt", t.as_bytes(), None, &k, START).unwrap();
    // A size below the people counted by role counts something else.
    let f = read("<team-availability>- 3 frontend devs\n- no backend help needed except for the webhook routes (1 person, on request)</team-availability>");
    assert_eq!(f.team.headcount(), 3);
    // "Finance has one person who…" is not a one-person team.
    assert!(team::size("Finance has one person (Ulrike) who can validate exports").is_none());
    assert_eq!(
        team::size("it's a one-person team").map(|h| h.value),
        Some(1)
    );
    // "60 million rows" is sixty million.
    let counts: Vec<u64> = quantity::counts("around 60 million rows, 1.1 billion documents")
        .into_iter()
        .map(|h| h.value.count)
        .collect();
    assert_eq!(counts, vec![60_000_000, 1_100_000_000]);
    // "Dual writes we'd rather avoid" is no capability.
    let c = capability::capabilities("Dual writes we'd rather avoid after what happened.");
    assert!(c.iter().all(|h| !h.value.present), "{c:?}");
    // A bound on paying for something is not the plan's length.
    let f = read("<constraints>the annual plan ends end of september and finance does NOT want to renew annual (monthly is ok for 1-2 months max).</constraints>");
    assert!(
        f.schedule.max_duration_days.is_none(),
        "{:?}",
        f.schedule.max_duration_days
    );
    assert_eq!(
        f.schedule.deadline.map(|d| d.value.date),
        Some(date(2026, 9, 30))
    );
    // "In 2022 year" is when; "2 to 6 weeks" is a range, not a version step.
    let e = experience::experience(
        "We did upgrade Mongo 3.6 to 4.4 in 2022 year, it took almost two months.",
        &|_| None,
    );
    assert_eq!(e[0].value.took_days, Some(60));
    let f = read("<team-availability>2 backend engineers. customers' change boards typically need 2 to 6 weeks notice.</team-availability>");
    assert!(f.experience.is_empty(), "{:?}", f.experience);
}

#[test]
fn a_freeze_that_ends_on_a_named_retail_day() {
    // docs/reviews/inputs/fresh/03: "no email infra changes from nov 1 thru
    // cyber monday".
    let f: Vec<Freeze> = dates::freezes(
        "no email infra changes from nov 1 thru cyber monday.",
        START,
    )
    .into_iter()
    .map(|h| h.value)
    .collect();
    match &f[..] {
        [Freeze::Range { from, to, .. }] => {
            assert_eq!((*from, *to), (date(2026, 11, 1), date(2026, 11, 30)))
        }
        other => panic!("{other:?}"),
    }
    // Alone, the retail peak is still Thanksgiving to Cyber Monday.
    let f: Vec<Freeze> = dates::freezes("No changes during Black Friday / Cyber Monday.", START)
        .into_iter()
        .map(|h| h.value)
        .collect();
    assert!(
        matches!(&f[..], [one] if next_dates(one, START) == Some((date(2026, 11, 26), date(2026, 11, 30)))),
        "{f:?}"
    );
    assert_eq!(
        deadline_of("We must be live before Black Friday."),
        Some(date(2026, 11, 27))
    );
}

/// The dates a dated or yearly freeze next covers from `start`: yearly
/// freezes are compared by their next occurrence.
fn next_dates(f: &Freeze, start: Date) -> Option<(Date, Date)> {
    match f {
        Freeze::Range { from, to, .. } => Some((*from, *to)),
        Freeze::Yearly { rule, .. } => [start.year(), start.year() + 1]
            .into_iter()
            .filter_map(|y| rule.in_year(y))
            .find(|(_, to)| *to >= start),
        _ => None,
    }
}
