//! Quantities with units: data sizes, rates, and counts of things.

use super::{ahead, parse_number, Claimed, Hit, APPROX, NUMBER};
use crate::facts::{Count, DataSize, Rate};

fn approx_flag(m: Option<regex::Match<'_>>) -> bool {
    m.is_some_and(|m| !m.as_str().trim().is_empty())
}

/// Data sizes: `600GB`, `~1.2 TB`, `about 40 gigabytes`, `1,500 MB`.
/// Memory sizes (`64 GB RAM`) and throughputs (`1 GB/s`) are not data sizes.
pub fn data_sizes(text: &str) -> Vec<Hit<DataSize>> {
    let re = crate::re!(&format!(
        r"(?i)({APPROX})?(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s?(kib|mib|gib|tib|pib|kb|mb|gb|tb|pb|kilobytes?|megabytes?|gigabytes?|terabytes?|petabytes?|gigs?|teras?)\b"
    ));
    let mut out = Vec::new();
    for caps in re.captures_iter(text) {
        let whole = caps.get(0).unwrap();
        let after = ahead(text, whole.end(), 32)
            .trim_start()
            .to_ascii_lowercase();
        if after.starts_with('/')
            || after.starts_with("per ")
            || ["ram", "memory", "of ram", "of memory", "heap", "mem "]
                .iter()
                .any(|w| after.starts_with(w))
        {
            continue;
        }
        let Ok(n) = caps[2].replace(',', "").parse::<f64>() else {
            continue;
        };
        let unit = caps[3].to_ascii_lowercase();
        let mult: f64 = match unit.as_str() {
            "kb" | "kilobyte" | "kilobytes" => 1e3,
            "kib" => 1024.0,
            "mb" | "megabyte" | "megabytes" => 1e6,
            "mib" => 1024.0 * 1024.0,
            "gb" | "gigabyte" | "gigabytes" | "gig" | "gigs" => 1e9,
            "gib" => 1024.0f64.powi(3),
            "tb" | "terabyte" | "terabytes" | "tera" | "teras" => 1e12,
            "tib" => 1024.0f64.powi(4),
            "pb" | "petabyte" | "petabytes" => 1e15,
            "pib" => 1024.0f64.powi(5),
            _ => continue,
        };
        let bytes = n * mult;
        if !(bytes.is_finite() && (0.0..1e21).contains(&bytes)) {
            continue;
        }
        let start = caps
            .get(1)
            .map(|m| m.start())
            .unwrap_or(caps.get(2).unwrap().start());
        out.push(Hit::new(
            DataSize {
                bytes: bytes as u64,
                approximate: approx_flag(caps.get(1)),
            },
            start,
            whole.end(),
        ));
    }
    out
}

const RATE_UNITS: &str = r"queries|query|requests|request|reqs|req|ops|operations|writes|reads|logins|emails|messages|msgs|events|transactions|txns|jobs|calls|orders|payments|sms|texts|notifications|signups|webhooks|checkouts|searches|lookups|hits|inserts|updates|deletes|commands|publishes";

fn unit_name(u: &str) -> String {
    let u = u.to_ascii_lowercase();
    match u.as_str() {
        "qps" | "query" | "queries" => "queries",
        "rps" | "req" | "reqs" | "request" | "requests" | "req/s" => "requests",
        "tps" | "txns" | "transactions" => "transactions",
        "ops" | "operations" | "ops/s" | "iops" => "operations",
        "msgs" | "messages" => "messages",
        "texts" | "sms" => "sms",
        "wps" => "writes",
        "eps" => "events",
        other => return other.to_string(),
    }
    .to_string()
}

/// Rates: `12K queries/sec`, `~12,000 qps`, `5k RPS`, `300 writes per
/// second`, `2M emails a day`, `40 logins/min`. Normalised to per second.
pub fn rates(text: &str) -> Vec<Hit<Rate>> {
    let per = crate::re!(&format!(
        r"(?i)({APPROX})?({NUMBER})\s*({RATE_UNITS})\s*(?:/\s*|\bper\s+|\ban?\s+|\beach\s+|\bevery\s+)(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\b"
    ));
    let short = crate::re!(&format!(
        r"(?i)({APPROX})?({NUMBER})\s*(qps|rps|tps|iops|wps|eps|req/s|ops/s)\b"
    ));
    let mut out: Vec<Hit<Rate>> = Vec::new();
    let mut claimed = Claimed::default();
    for caps in per.captures_iter(text) {
        let Some(n) = parse_number(&caps[2]) else {
            continue;
        };
        let divisor = match caps[4].to_ascii_lowercase().chars().next() {
            Some('s') => 1.0,
            Some('m') => 60.0,
            Some('h') => 3600.0,
            Some('d') => 86400.0,
            _ => continue,
        };
        let whole = caps.get(0).unwrap();
        claimed.claim(whole.start(), whole.end(), out.len());
        out.push(Hit::new(
            Rate {
                per_second: n / divisor,
                unit: unit_name(&caps[3]),
                peak: is_peak(text, whole.start(), whole.end()),
                approximate: approx_flag(caps.get(1)),
            },
            whole.start(),
            whole.end(),
        ));
    }
    for caps in short.captures_iter(text) {
        let whole = caps.get(0).unwrap();
        if claimed.overlaps(whole.start(), whole.end()) {
            continue;
        }
        let Some(n) = parse_number(&caps[2]) else {
            continue;
        };
        out.push(Hit::new(
            Rate {
                per_second: n,
                unit: unit_name(&caps[3]),
                peak: is_peak(text, whole.start(), whole.end()),
                approximate: approx_flag(caps.get(1)),
            },
            whole.start(),
            whole.end(),
        ));
    }
    out.sort_by_key(|h| h.start);
    out
}

fn is_peak(text: &str, start: usize, end: usize) -> bool {
    let (cs, ce) = super::clause_around(text, start);
    let clause = text[cs..ce.max(end).min(text.len())].to_ascii_lowercase();
    clause.contains("peak")
        || clause.contains("max")
        || clause.contains("busiest")
        || clause.contains("spike")
}

const COUNT_NOUNS: &str = r"services|service|microservices|microservice|workers|worker|pods|pod|customers|customer|users|user|tables|table|nodes|node|replicas|replica|instances|instance|databases|database|tenants|tenant|consumers|consumer|apps|app|applications|application|regions|region|schemas|schema|clients|client|merchants|merchant|accounts|account|shards|shard|brokers|broker|topics|topic|queues|queue|indexes|index|indices|endpoints|endpoint|repositories|repository|repos|repo|rows|row|records|record|documents|document|keys|key|partners|partner|subscribers|subscriber|sites|site|stores|store|clusters|cluster|servers|server|containers|container|lambdas|functions|cron jobs|jobs|teams|devices|organizations|orgs|projects|collections|buckets|webhooks|integrations";

/// Normalised plural form of a counted noun.
fn plural(noun: &str) -> String {
    let n = noun.to_ascii_lowercase();
    match n.as_str() {
        "index" | "indices" | "indexes" => "indexes".into(),
        "repository" | "repositories" | "repo" | "repos" => "repositories".into(),
        "microservice" | "microservices" => "services".into(),
        "orgs" | "organizations" => "organizations".into(),
        "app" | "apps" | "application" | "applications" => "applications".into(),
        "cron jobs" => "jobs".into(),
        _ if n.ends_with('s') => n,
        _ => format!("{n}s"),
    }
}

/// Counts: `~50 services`, `5K active customers`, `1.2M rows`,
/// `Backend services (50)`, `a dozen workers`. Words like `2 prior
/// migrations` or `3 years` are not counts of things.
pub fn counts(text: &str) -> Vec<Hit<Count>> {
    let before = crate::re!(&format!(
        r"(?i)({APPROX})?(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?\s?(?:[kKmM]\b)?|\b(?:a\s+dozen|dozens\s+of|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)\b)\+?\s*((?:[A-Za-z][\w-]*\s+){{0,2}}?)({COUNT_NOUNS})\b"
    ));
    let after = crate::re!(&format!(
        r"(?i)\b({COUNT_NOUNS})\s*\(\s*({APPROX})?(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?\s?[kKmM]?)\+?\s*\)"
    ));
    let mut out: Vec<Hit<Count>> = Vec::new();
    let mut claimed = Claimed::default();
    for caps in before.captures_iter(text) {
        let adjectives = caps.get(3).map(|m| m.as_str()).unwrap_or("");
        // "4 backend engineers and 2 services" must not skip across nouns;
        // two-word gaps may only hold adjectives, not other measure words.
        if adjectives.split_whitespace().any(is_blocking_word) {
            continue;
        }
        let Some(n) = parse_number(&caps[2]) else {
            continue;
        };
        // "60 million rows", "1.5 billion events": the word scales the number.
        let scale = match adjectives
            .split_whitespace()
            .next()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("thousand") => 1e3,
            Some("million" | "mln" | "mio") => 1e6,
            Some("billion" | "bn") => 1e9,
            _ => 1.0,
        };
        let n = n * scale;
        if n < 0.0 || n.fract() != 0.0 && n < 1000.0 {
            continue;
        }
        let whole = caps.get(0).unwrap();
        // "Postgres 14 database" is a version before a singular noun, not
        // fourteen databases.
        let noun = caps[4].to_ascii_lowercase();
        if n != 1.0 && !noun.ends_with('s') && noun != "cron jobs" && noun != "indices" {
            continue;
        }
        claimed.claim(whole.start(), whole.end(), out.len());
        out.push(Hit::new(
            Count {
                count: n as u64,
                what: plural(&caps[4]),
                approximate: approx_flag(caps.get(1)),
            },
            whole.start(),
            whole.end(),
        ));
    }
    for caps in after.captures_iter(text) {
        let Some(n) = parse_number(&caps[3]) else {
            continue;
        };
        let whole = caps.get(0).unwrap();
        if claimed.overlaps(whole.start(), whole.end()) {
            continue;
        }
        out.push(Hit::new(
            Count {
                count: n as u64,
                what: plural(&caps[1]),
                approximate: approx_flag(caps.get(2)),
            },
            whole.start(),
            whole.end(),
        ));
    }
    out.sort_by_key(|h| h.start);
    out
}

fn is_blocking_word(w: &str) -> bool {
    let w = w.to_ascii_lowercase();
    matches!(
        w.as_str(),
        "and"
            | "or"
            | "years"
            | "year"
            | "months"
            | "weeks"
            | "days"
            | "hours"
            | "minutes"
            | "engineers"
            | "engineer"
            | "developers"
            | "people"
            | "of"
            | "per"
            | "prior"
            | "migrations"
            | "gb"
            | "tb"
            | "mb"
            | "queries"
            | "requests"
            | "to"
            | "from"
            | "with"
            | "in"
            | "on"
            | "at"
            | "for"
            | "by"
    ) || w.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb(text: &str) -> Vec<f64> {
        data_sizes(text)
            .iter()
            .map(|h| h.value.gigabytes())
            .collect()
    }

    #[test]
    fn data_sizes_in_many_phrasings() {
        assert_eq!(gb("600GB data"), vec![600.0]);
        assert_eq!(gb("~600 GB"), vec![600.0]);
        assert_eq!(gb("about 1.2 TB of data"), vec![1200.0]);
        assert_eq!(gb("1,500 MB"), vec![1.5]);
        assert_eq!(gb("40 gigabytes"), vec![40.0]);
        assert_eq!(gb("3tb"), vec![3000.0]);
        assert_eq!(gb("roughly 250gb"), vec![250.0]);
        assert_eq!(gb("2 terabytes"), vec![2000.0]);
        assert_eq!(gb("500 MB sqlite file"), vec![0.5]);
        assert_eq!(gb("0.8TB"), vec![800.0]);
        assert_eq!(gb("1 PB"), vec![1e6]);
        assert!((gb("10 GiB")[0] - 10.737_418_24).abs() < 1e-6);
        assert_eq!(gb("nearly 900 GB, growing 20 GB per month"), vec![900.0]);
        assert!(data_sizes("~600 GB")[0].value.approximate);
        assert!(!data_sizes("600 GB")[0].value.approximate);
    }

    #[test]
    fn memory_and_throughput_are_not_data_sizes() {
        for t in [
            "64 GB RAM",
            "32GB of memory",
            "1 GB/s throughput",
            "db.r5.xlarge",
            "GB",
            "gigabit ethernet",
            "1.2M rows",
            "a big database",
        ] {
            assert!(data_sizes(t).is_empty(), "{t}");
        }
    }

    fn rate(text: &str) -> Vec<(f64, String, bool)> {
        rates(text)
            .into_iter()
            .map(|h| (h.value.per_second, h.value.unit, h.value.peak))
            .collect()
    }

    #[test]
    fn rates_in_many_phrasings() {
        assert_eq!(
            rate("~12K queries/sec peak"),
            vec![(12000.0, "queries".into(), true)]
        );
        assert_eq!(rate("12,000 qps"), vec![(12000.0, "queries".into(), false)]);
        assert_eq!(
            rate("5k RPS at peak"),
            vec![(5000.0, "requests".into(), true)]
        );
        assert_eq!(
            rate("300 writes per second"),
            vec![(300.0, "writes".into(), false)]
        );
        assert_eq!(
            rate("2,400 logins/min"),
            vec![(40.0, "logins".into(), false)]
        );
        assert_eq!(rate("1.2M emails a day")[0].1, "emails");
        assert!((rate("1.2M emails a day")[0].0 - 13.888_888).abs() < 1e-3);
        assert_eq!(
            rate("90 requests per minute"),
            vec![(1.5, "requests".into(), false)]
        );
        assert_eq!(rate("3600 jobs/hour"), vec![(1.0, "jobs".into(), false)]);
        assert_eq!(rate("800 TPS"), vec![(800.0, "transactions".into(), false)]);
        assert_eq!(
            rate("a few requests a second"),
            vec![(3.0, "requests".into(), false)]
        );
        assert_eq!(
            rate("500 req/s max"),
            vec![(500.0, "requests".into(), true)]
        );
        assert_eq!(
            rate("20k messages/s"),
            vec![(20000.0, "messages".into(), false)]
        );
        assert_eq!(rate("10 payments per second at peak")[0].1, "payments");
        assert_eq!(rate("150 ops/s")[0].0, 150.0);
    }

    #[test]
    fn non_rates_are_not_rates() {
        for t in [
            "12K queries total",
            "3 times a day",
            "50 services",
            "once per release",
            "every second Tuesday",
            "p99 300ms",
            "24/7",
        ] {
            assert!(rates(t).is_empty(), "{t}: {:?}", rates(t));
        }
    }

    fn count(text: &str) -> Vec<(u64, String)> {
        counts(text)
            .into_iter()
            .map(|h| (h.value.count, h.value.what))
            .collect()
    }

    #[test]
    fn counts_in_many_phrasings() {
        assert_eq!(
            count("~50 services + workers connect"),
            vec![(50, "services".into())]
        );
        assert_eq!(
            count("5K active customers"),
            vec![(5000, "customers".into())]
        );
        assert_eq!(
            count("Backend services (50)"),
            vec![(50, "services".into())]
        );
        assert_eq!(count("1.2M rows"), vec![(1_200_000, "rows".into())]);
        assert_eq!(count("40 tables"), vec![(40, "tables".into())]);
        assert_eq!(count("a dozen workers"), vec![(12, "workers".into())]);
        assert_eq!(count("12 Kubernetes pods"), vec![(12, "pods".into())]);
        assert_eq!(count("3 microservices"), vec![(3, "services".into())]);
        assert_eq!(count("200,000 users"), vec![(200_000, "users".into())]);
        assert_eq!(count("one database"), Vec::<(u64, String)>::new());
        assert_eq!(count("2 read replicas"), vec![(2, "replicas".into())]);
        assert_eq!(count("30+ tenants"), vec![(30, "tenants".into())]);
        assert_eq!(count("3 mobile apps"), vec![(3, "applications".into())]);
        assert_eq!(count("Redis 6 nodes"), vec![(6, "nodes".into())]);
        assert_eq!(
            count("about 800 merchants"),
            vec![(800, "merchants".into())]
        );
    }

    #[test]
    fn non_counts_are_not_counts() {
        for t in [
            "2 prior Postgres migrations",
            "3 years of operational history",
            "4 backend engineers",
            "Postgres 14 database",
            "Pg 16 features",
            "in 8 weeks",
            "the services team",
            "q3 2026",
            "2 years ago",
        ] {
            assert!(counts(t).is_empty(), "{t}: {:?}", count(t));
        }
    }
}
