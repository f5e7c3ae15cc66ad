//! Technology mentions: catalog aliases found on word boundaries, with the
//! version that follows them and whether they are negated or offered as one
//! of several options.

use super::{negated_before, Hit};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rollgate_knowledge::{Catalog, TechKind};

/// A technology named in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechHit {
    pub id: String,
    pub version: Option<String>,
    pub negated: bool,
    /// Offered as one of several ("AWS DMS or pglogical").
    pub alternative: bool,
}

#[derive(Clone, Copy)]
enum AliasRule {
    Plain,
    NeedsVersion,
}

/// Finds catalog technologies in prose. Built once per catalog.
pub struct TechMatcher {
    folded: AhoCorasick,
    folded_ids: Vec<(usize, AliasRule)>,
    exact: Option<AhoCorasick>,
    exact_ids: Vec<usize>,
    ids: Vec<String>,
    /// Whether a version may be glued to the name ("pg16", "python3"):
    /// only for products people version, not for "ec2" or "ecs".
    glued: Vec<bool>,
    /// Whether the product is software people count in units of their own
    /// ("Celery 5 workers", "Node 18 services"): a small number between its
    /// name and such a unit is its version, since a count of them is
    /// written before the name ("5 Celery workers").
    unit_after_version: Vec<bool>,
}

impl TechMatcher {
    /// A matcher for `catalog`, built once per distinct catalog and shared.
    pub fn shared(catalog: &Catalog) -> std::sync::Arc<TechMatcher> {
        use std::hash::{Hash, Hasher};
        static CACHE: std::sync::Mutex<Vec<(u64, std::sync::Arc<TechMatcher>)>> =
            std::sync::Mutex::new(Vec::new());
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for t in catalog.technologies() {
            (
                &t.id,
                &t.name,
                &t.kind,
                &t.aliases,
                &t.exact_aliases,
                &t.versioned_aliases,
            )
                .hash(&mut h);
        }
        let key = h.finish();
        let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, m)) = cache.iter().find(|(k, _)| *k == key) {
            return m.clone();
        }
        let m = std::sync::Arc::new(TechMatcher::new(catalog));
        if cache.len() > 8 {
            cache.remove(0);
        }
        cache.push((key, m.clone()));
        m
    }

    pub fn new(catalog: &Catalog) -> Self {
        let mut folded_patterns = Vec::new();
        let mut folded_ids = Vec::new();
        let mut exact_patterns = Vec::new();
        let mut exact_ids = Vec::new();
        let mut ids = Vec::new();
        let mut glued = Vec::new();
        let mut unit_after_version = Vec::new();
        for (i, tech) in catalog.technologies().iter().enumerate() {
            unit_after_version.push(matches!(
                tech.kind,
                TechKind::JobQueue | TechKind::WebFramework | TechKind::Runtime
            ));
            ids.push(tech.id.clone());
            glued.push(matches!(
                tech.kind,
                TechKind::RelationalDatabase
                    | TechKind::DocumentDatabase
                    | TechKind::Cache
                    | TechKind::SearchEngine
                    | TechKind::Runtime
                    | TechKind::WebFramework
                    | TechKind::Stream
                    | TechKind::Queue
            ));
            for a in &tech.aliases {
                folded_patterns.push(a.clone());
                folded_ids.push((i, AliasRule::Plain));
            }
            // A multi-word display name ("AWS Database Migration Service")
            // is an alias too, so it is not read as its first word.
            let name = tech.name.to_ascii_lowercase();
            if name.contains(' ') && !tech.aliases.contains(&name) {
                folded_patterns.push(name);
                folded_ids.push((i, AliasRule::Plain));
            }
            for a in &tech.versioned_aliases {
                folded_patterns.push(a.clone());
                folded_ids.push((i, AliasRule::NeedsVersion));
            }
            for a in &tech.exact_aliases {
                exact_patterns.push(a.clone());
                exact_ids.push(i);
            }
        }
        let folded = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&folded_patterns)
            .expect("catalog aliases form a valid automaton");
        let exact = (!exact_patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&exact_patterns)
                .expect("catalog aliases form a valid automaton")
        });
        Self {
            folded,
            folded_ids,
            exact,
            exact_ids,
            ids,
            glued,
            unit_after_version,
        }
    }

    /// Every mention in `text`, in order, without overlaps.
    pub fn find(&self, text: &str) -> Vec<Hit<TechHit>> {
        let mut raw: Vec<(usize, usize, usize, AliasRule)> = Vec::new();
        // Overlapping search: when "pacific time" fails its word boundary in
        // "Pacific timezone", the shorter alias still gets its chance.
        for m in self.folded.find_overlapping_iter(text) {
            let (tech, rule) = self.folded_ids[m.pattern().as_usize()];
            raw.push((m.start(), m.end(), tech, rule));
        }
        if let Some(exact) = &self.exact {
            for m in exact.find_overlapping_iter(text) {
                raw.push((
                    m.start(),
                    m.end(),
                    self.exact_ids[m.pattern().as_usize()],
                    AliasRule::Plain,
                ));
            }
        }
        raw.sort_by_key(|&(s, e, _, _)| (s, std::cmp::Reverse(e)));
        let mut hits: Vec<Hit<TechHit>> = Vec::new();
        let mut last_end = 0;
        for (start, end, tech, rule) in raw {
            if start < last_end || !boundary_before(text, start) {
                continue;
            }
            let Some((version, end_with_version)) =
                version_after(text, end, self.glued[tech], self.unit_after_version[tech])
            else {
                continue;
            };
            if matches!(rule, AliasRule::NeedsVersion) && version.is_none() {
                continue;
            }
            if version.is_none() && !boundary_after(text, end) {
                continue;
            }
            last_end = end;
            hits.push(Hit::new(
                TechHit {
                    id: self.ids[tech].clone(),
                    version,
                    negated: negated_before(text, start),
                    alternative: false,
                },
                start,
                end_with_version,
            ));
        }
        mark_alternatives(text, &mut hits);
        hits
    }
}

fn boundary_before(text: &str, at: usize) -> bool {
    let mut before = text[..at].chars().rev();
    match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || c == '_' => false,
        // "node-postgres", "db.redis": part of a longer name.
        Some('-') | Some('.') => before.next().is_none_or(|c| !c.is_alphanumeric()),
        _ => true,
    }
}

fn boundary_after(text: &str, at: usize) -> bool {
    let mut rest = text[at..].chars();
    match rest.next() {
        None => true,
        Some(c) if c.is_alphanumeric() || c == '_' => false,
        // "node-postgres", "pg-boss": a hyphenated compound is another name.
        Some('-') => rest.next().is_none_or(|c| !c.is_alphanumeric()),
        // "Next.js" keeps its dot; a sentence-ending dot is fine.
        Some('.') => rest.next().is_none_or(|c| !c.is_alphanumeric()),
        _ => true,
    }
}

/// Words after a number that make it a quantity, not a version.
const QUANTITY_WORDS: &[&str] = &[
    "node",
    "nodes",
    "service",
    "services",
    "instance",
    "instances",
    "replica",
    "replicas",
    "server",
    "servers",
    "gb",
    "tb",
    "mb",
    "pod",
    "pods",
    "worker",
    "workers",
    "shard",
    "shards",
    "cluster",
    "clusters",
    "database",
    "databases",
    "table",
    "tables",
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "hour",
    "hours",
    "minute",
    "minutes",
    "k",
    "%",
    "customers",
    "users",
    "queries",
    "qps",
    "rps",
    "ms",
    "x",
];

/// Units that software is run in: after a framework's or runtime's name and
/// a small number ("Celery 5 workers"), the number is the version.
const OWN_UNITS: &[&str] = &[
    "worker",
    "workers",
    "service",
    "services",
    "app",
    "apps",
    "pod",
    "pods",
    "process",
    "processes",
    "container",
    "containers",
    "dyno",
    "dynos",
];

/// The highest major version a framework or runtime has had (Java 21,
/// Node 22): a larger number before its units is a count.
const MAX_MAJOR: u32 = 30;

/// The version right after a technology name, if any: `Postgres 14.7`,
/// `pg16`, `Rails v7.1`, `Node 20.x`. Returns `None` (no mention at all)
/// when the alias runs into more letters, `Some((None, at))` for no version.
fn version_after(
    text: &str,
    at: usize,
    glued_ok: bool,
    unit_after_version: bool,
) -> Option<(Option<String>, usize)> {
    let rest = &text[at..];
    if !glued_ok && rest.starts_with(|c: char| c.is_ascii_digit()) {
        return Some((None, at));
    }
    // A letter suffix is Oracle's ("8i", "11g", "12c"), part of the version.
    let re = crate::re!(
        r"^(?:\s?|\s+(?:v|version|ver\.?)\s?|\s?v)(\d{1,4}(?:\.\d{1,4}){0,3}(?:\.x|[cgi])?)\b"
    );
    let Some(caps) = re.captures(rest) else {
        return Some((None, at));
    };
    let version = caps.get(1).unwrap();
    let after = rest[version.end()..].trim_start();
    let next_word: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '%')
        .collect::<String>()
        .to_ascii_lowercase();
    // "Go 1.19 services": a dotted version is never a count.
    let dotted = version.as_str().contains('.');
    let unit = unit_after_version && OWN_UNITS.contains(&next_word.as_str());
    let small = version
        .as_str()
        .parse::<u32>()
        .is_ok_and(|n| n <= MAX_MAJOR);
    // "Django 40 apps": no framework has had forty majors; a count.
    if unit && !dotted && !small {
        return Some((None, at));
    }
    let own_unit = unit && small;
    if !dotted
        && !own_unit
        && (QUANTITY_WORDS.contains(&next_word.as_str()) || after.starts_with('%'))
    {
        return Some((None, at));
    }
    // "1,000" after a name is a count, not version 1.
    if rest[version.end()..].starts_with(',')
        && rest[version.end() + 1..].starts_with(|c: char| c.is_ascii_digit())
    {
        return Some((None, at));
    }
    Some((
        Some(version.as_str().to_string()),
        at + caps.get(0).unwrap().end(),
    ))
}

/// Marks mentions joined by "or" / "/" as alternatives of one choice.
fn mark_alternatives(text: &str, hits: &mut [Hit<TechHit>]) {
    for i in 1..hits.len() {
        let between = text[hits[i - 1].end..hits[i].start]
            .trim()
            .to_ascii_lowercase();
        if matches!(
            between.as_str(),
            "or" | "/" | ", or" | "or maybe" | "or possibly" | "or even"
        ) {
            hits[i - 1].value.alternative = true;
            hits[i].value.alternative = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollgate_knowledge::Knowledge;

    fn find(text: &str) -> Vec<(String, Option<String>)> {
        let k = Knowledge::builtin().unwrap();
        TechMatcher::new(&k.catalog)
            .find(text)
            .into_iter()
            .map(|h| (h.value.id, h.value.version))
            .collect()
    }

    fn ids(text: &str) -> Vec<String> {
        find(text).into_iter().map(|(id, _)| id).collect()
    }

    fn v(id: &str, version: Option<&str>) -> (String, Option<String>) {
        (id.to_string(), version.map(str::to_string))
    }

    #[test]
    fn finds_engines_with_versions() {
        assert_eq!(
            find("Postgres 14.7 self-hosted"),
            vec![v("postgresql", Some("14.7"))]
        );
        assert_eq!(find("postgres16"), vec![v("postgresql", Some("16"))]);
        assert_eq!(find("Pg 16"), vec![v("postgresql", Some("16"))]);
        assert_eq!(find("PostgreSQL v15"), vec![v("postgresql", Some("15"))]);
        assert_eq!(
            find("MySQL 5.7 → PostgreSQL 16"),
            vec![v("mysql", Some("5.7")), v("postgresql", Some("16"))]
        );
        assert_eq!(find("Rails 7.1"), vec![v("rails", Some("7.1"))]);
        assert_eq!(find("Oracle 12c"), vec![v("oracle-database", Some("12c"))]);
        assert_eq!(
            find("Oracle 11g RAC"),
            vec![v("oracle-database", Some("11g"))]
        );
        assert_eq!(find("Next.js 14"), vec![v("nextjs", Some("14"))]);
        assert_eq!(find("Node 18.x"), vec![v("nodejs", Some("18.x"))]);
        assert_eq!(
            find("Spring Boot 2.7 to 3.2"),
            vec![v("spring-boot", Some("2.7"))]
        );
        assert_eq!(find("Redis 6.2"), vec![v("redis", Some("6.2"))]);
        assert_eq!(
            find("Elasticsearch 7.10"),
            vec![v("elasticsearch", Some("7.10"))]
        );
        assert_eq!(find("Python 3.8"), vec![v("python", Some("3.8"))]);
        assert_eq!(find("Java 11"), vec![v("java", Some("11"))]);
        assert_eq!(find("Django 3.2 LTS"), vec![v("django", Some("3.2"))]);
    }

    #[test]
    fn finds_managed_services_and_clouds() {
        assert_eq!(
            ids("Postgres 16 on AWS RDS (Multi-AZ)"),
            vec!["postgresql", "aws-rds"]
        );
        assert_eq!(ids("a single EC2 instance"), vec!["aws-ec2"]);
        assert_eq!(ids("Aurora PostgreSQL"), vec!["aurora-postgresql"]);
        assert_eq!(ids("Google Cloud SQL"), vec!["cloud-sql"]);
        assert_eq!(
            ids("Amazon ElastiCache for Redis"),
            vec!["elasticache", "redis"]
        );
        assert_eq!(
            ids("running on k8s via Argo Rollouts"),
            vec!["kubernetes", "argo-rollouts"]
        );
        assert_eq!(
            ids("on-prem bare metal"),
            vec!["on-premises", "on-premises"]
        );
        assert_eq!(ids("GKE in GCP"), vec!["gke", "gcp"]);
    }

    #[test]
    fn finds_saas_and_tools() {
        assert_eq!(ids("Auth0 → Clerk"), vec!["auth0", "clerk"]);
        assert_eq!(ids("SendGrid to Postmark"), vec!["sendgrid", "postmark"]);
        assert_eq!(ids("Stripe webhook handler"), vec!["stripe"]);
        assert_eq!(ids("feature flags via LaunchDarkly"), vec!["launchdarkly"]);
        assert_eq!(ids("CDC stream into Snowflake"), vec!["snowflake"]);
        assert_eq!(ids("Debezium into Kafka"), vec!["debezium", "kafka"]);
        assert_eq!(ids("Twilio SMS"), vec!["twilio"]);
        assert_eq!(ids("Segment and Mixpanel"), vec!["segment", "mixpanel"]);
        assert_eq!(ids("Daily backups via pg_dump"), vec!["pg-dump"]);
        assert_eq!(
            ids("AWS DMS or pg_logical replication"),
            vec!["aws-dms", "pglogical"]
        );
    }

    #[test]
    fn common_words_are_not_technologies() {
        for text in [
            "we react to alerts quickly",
            "a 3-node cluster",
            "Go live in June",
            "in the spring",
            "split the monolith",
            "Split the billing module",
            "an elastic workload",
            "go to production",
            "node pools",
            "the atlas of services",
            "mongoose models",
            "typescript",
            "pgx driver",
            "postgresql-client package",
            "expressions",
            "redistribution",
            "Mongolia",
        ] {
            assert!(ids(text).is_empty(), "{text}: {:?}", ids(text));
        }
    }

    #[test]
    fn counts_after_a_name_are_not_versions() {
        assert_eq!(find("Redis 6 nodes"), vec![v("redis", None)]);
        assert_eq!(find("Kafka 12 brokers")[0].0, "kafka");
        assert_eq!(find("Postgres 600 GB"), vec![v("postgresql", None)]);
        assert_eq!(find("MySQL 40 tables"), vec![v("mysql", None)]);
        assert_eq!(find("Django 40 apps"), vec![v("django", None)]);
    }

    #[test]
    fn a_small_number_between_software_and_its_units_is_its_version() {
        // Corpus: extract-notifications-chat ("Celery 5 workers on 6 VMs").
        assert_eq!(
            find("Celery 5 workers on 6 VMs"),
            vec![v("celery", Some("5"))]
        );
        assert_eq!(find("Node 18 services"), vec![v("nodejs", Some("18"))]);
        assert_eq!(find("Sidekiq 7 processes"), vec![v("sidekiq", Some("7"))]);
    }

    #[test]
    fn negation_and_alternatives() {
        let k = Knowledge::builtin().unwrap();
        let m = TechMatcher::new(&k.catalog);
        let hits = m.find("no Kafka here. Budget for AWS DMS or pglogical.");
        assert!(hits[0].value.negated);
        assert!(!hits[1].value.negated && hits[1].value.alternative);
        assert!(hits[2].value.alternative);
        let hits = m.find("we use Redis and Kafka");
        assert!(hits
            .iter()
            .all(|h| !h.value.alternative && !h.value.negated));
        let hits = m.find("without LaunchDarkly");
        assert!(hits[0].value.negated);
    }
}
