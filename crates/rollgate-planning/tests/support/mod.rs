//! The spec generator shared by the property tests: random but valid
//! structured specs across every family, read through the real intake.
#![allow(dead_code)]

use jiff::civil::date;
use proptest::prelude::*;
use rollgate_intake::{read_bytes, Facts, InputForm, SpecFormat};
use rollgate_knowledge::Knowledge;
use std::sync::LazyLock;

pub static K: LazyLock<Knowledge> = LazyLock::new(|| Knowledge::builtin().unwrap());

#[derive(Debug, Clone)]
pub struct Spec {
    pub source: (&'static str, &'static str, &'static str),
    pub target: (&'static str, &'static str, &'static str),
    pub criticality: &'static str,
    pub tolerance: u32,
    pub data_gb: u32,
    pub consumers: u32,
    pub flags: &'static str,
    pub read_routing: Option<bool>,
    pub dual_write: bool,
    pub roles: Vec<(&'static str, u32, bool)>,
    pub integrations: Vec<(&'static str, Option<&'static str>, &'static str)>,
    pub zone: &'static str,
    pub experience: u32,
    /// A `[migration]` family and description, for extractions.
    pub migration: Option<(&'static str, &'static str)>,
    /// A criticality description that names parts with their levels.
    pub parts: &'static str,
}

pub fn engine() -> impl Strategy<Value = (&'static str, &'static str, &'static str)> {
    prop_oneof![
        Just(("postgresql", "12", "aws-ec2")),
        Just(("postgresql", "14.7", "on-prem")),
        Just(("postgresql", "11", "aws-rds")),
        Just(("postgresql", "16", "aws-rds")),
        Just(("postgresql", "15", "cloud-sql")),
        Just(("postgresql", "9.6", "on-prem")),
        Just(("mysql", "5.7", "aws-ec2")),
        Just(("mysql", "8.0", "aws-rds")),
        Just(("mariadb", "10.3", "on-prem")),
        Just(("sqlite", "3", "digitalocean")),
        Just(("aurora-postgresql", "15", "aws-rds")),
        Just(("heroku-postgres", "13", "heroku")),
        Just(("mongodb", "5.0", "on-prem")),
        Just(("redis", "6.2", "aws-ec2")),
        Just(("valkey", "8", "elasticache")),
        Just(("memcached", "1.6", "on-prem")),
        Just(("elasticsearch", "7.10", "aws-ec2")),
        Just(("opensearch", "2.11", "aws-ec2")),
        Just(("rails", "6.1", "kubernetes")),
        Just(("rails", "7.2", "kubernetes")),
        Just(("nodejs", "16", "ecs")),
        Just(("auth0", "1", "aws-ec2")),
        Just(("clerk", "1", "aws-ec2")),
        Just(("sendgrid", "1", "aws-ec2")),
        Just(("stripe", "1", "aws-ec2")),
        Just(("aws-ses", "2", "aws-ec2")),
        Just(("postmark", "1", "aws-ec2")),
        Just(("twilio", "1", "aws-ec2")),
        Just(("messagebird", "1", "aws-ec2")),
        Just(("cognito", "1", "aws-ec2")),
        Just(("keycloak", "26", "kubernetes")),
        Just(("adyen", "1", "aws-ec2")),
        Just(("nextjs", "13.5", "vercel")),
        Just(("nextjs", "15.1", "vercel")),
        Just(("django", "3.2", "cloud-run")),
        Just(("django", "5.2", "cloud-run")),
        Just(("laravel", "9", "heroku")),
    ]
}

pub fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            engine(),
            engine(),
            prop_oneof![Just("low"), Just("medium"), Just("high"), Just("critical")],
        ),
        prop_oneof![
            Just(1u32),
            Just(5),
            Just(15),
            Just(60),
            Just(240),
            Just(1440)
        ],
        prop_oneof![Just(1u32), Just(40), Just(300), Just(2000), Just(12000)],
        0u32..80,
        prop_oneof![
            Just("none"),
            Just("launchdarkly"),
            Just("unleash"),
            Just("flagsmith")
        ],
        proptest::option::of(any::<bool>()),
        any::<bool>(),
        proptest::collection::vec(
            (
                prop_oneof![
                    Just("backend-engineer"),
                    Just("dba"),
                    Just("sre"),
                    Just("tech-lead"),
                    Just("fullstack-engineer")
                ],
                1u32..6,
                any::<bool>(),
            ),
            0..4,
        ),
        proptest::collection::vec(
            (
                prop_oneof![
                    Just("webhook"),
                    Just("cdc"),
                    Just("read-replica"),
                    Just("etl"),
                    Just("mobile-app"),
                    Just("partner-api"),
                    Just("service-consumers"),
                    Just("payment")
                ],
                proptest::option::of(prop_oneof![
                    Just("stripe"),
                    Just("snowflake"),
                    Just("debezium"),
                    Just("kafka")
                ]),
                prop_oneof![
                    Just("uses logical replication slots"),
                    Just("reads a replica"),
                    Just("nightly"),
                    Just("")
                ],
            ),
            0..4,
        ),
        prop_oneof![
            Just("America/Los_Angeles"),
            Just("Europe/Berlin"),
            Just("Asia/Kolkata"),
            Just("Australia/Sydney")
        ],
        (
            0u32..4,
            prop_oneof![
                3 => Just(None),
                1 => Just(Some(("monolith-split", "extract invoicing from the monolith into its own service"))),
            ],
            prop_oneof![
                Just(""),
                Just("critical for sign-in codes, high for invoices, low for the weekly digest"),
                Just("medium for the marketing site, critical for checkout"),
            ],
        ),
    )
        .prop_map(
            |(
                (source, target, criticality),
                tolerance,
                data_gb,
                consumers,
                flags,
                read_routing,
                dual_write,
                roles,
                integrations,
                zone,
                (experience, migration, parts),
            )| Spec {
                source,
                target,
                criticality,
                tolerance,
                data_gb,
                consumers,
                flags,
                read_routing,
                dual_write,
                roles,
                integrations,
                zone,
                experience,
                migration,
                parts,
            },
        )
}

pub fn toml(s: &Spec) -> String {
    let mut t = String::new();
    if let Some((family, description)) = s.migration {
        t.push_str(&format!(
            "[migration]\nfamily = \"{family}\"\ndescription = \"{description}\"\n"
        ));
    }
    t += &format!(
        "[source]\ntechnology = \"{}\"\nversion = \"{}\"\nhosting = \"{}\"\n[target]\ntechnology = \"{}\"\nversion = \"{}\"\nhosting = \"{}\"\n[scale]\ndata_size = \"{} GB\"\nconsumers = {}\n[criticality]\nlevel = \"{}\"\ndescription = \"{}\"\n[rollback]\nacceptable_delay = {}\n[capabilities]\nflag_provider = \"{}\"\ndual_write = {}\n",
        s.source.0, s.source.1, s.source.2, s.target.0, s.target.1, s.target.2, s.data_gb, s.consumers, s.criticality, s.parts, s.tolerance, s.flags, s.dual_write
    );
    if let Some(r) = s.read_routing {
        t.push_str(&format!("read_routing = {r}\n"));
    }
    t.push_str(&format!("[team]\ntime_zones = [\"{}\"]\n", s.zone));
    if !s.roles.is_empty() {
        t.push_str("roles = [");
        for (i, (r, n, c)) in s.roles.iter().enumerate() {
            if i > 0 {
                t.push_str(", ");
            }
            t.push_str(&format!(
                "{{ role = \"{r}\", count = {n}, contractor = {c} }}"
            ));
        }
        t.push_str("]\n");
    }
    t.push_str(&format!(
        "[experience]\nprior_migrations = {}\n",
        s.experience
    ));
    for (i, (kind, tech, desc)) in s.integrations.iter().enumerate() {
        t.push_str(&format!(
            "[[integrations]]\nname = \"integration {i}\"\nkind = \"{kind}\"\n"
        ));
        if let Some(tech) = tech {
            t.push_str(&format!("technology = \"{tech}\"\n"));
        }
        if !desc.is_empty() {
            t.push_str(&format!("description = \"{desc}\"\n"));
        }
    }
    t
}

pub fn facts_of(s: &Spec) -> Facts {
    let text = toml(s);
    read_bytes(
        "gen.toml",
        text.as_bytes(),
        Some(InputForm::Spec(SpecFormat::Toml)),
        &K,
        date(2026, 3, 2),
    )
    .unwrap_or_else(|e| panic!("generated spec must read: {e}\n{text}"))
}
