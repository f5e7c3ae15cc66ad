//! Integration points: the systems upstream and downstream of the one being
//! migrated, each classified by how a migration can break it.

use super::{parse_number, Hit};
use crate::facts::IntegrationKind;

/// One integration as written, with its kinds and mechanisms.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationHit {
    pub name: String,
    pub kinds: Vec<IntegrationKind>,
    pub count: Option<u64>,
    pub mechanisms: Vec<String>,
}

/// Whether the words after a comma carry on the item before it ("Segment
/// and the warehouse, which key users on the Auth0 id", "Freshdesk, so
/// support sees delivery status") rather than start the next item.
fn continues_item(rest: &str) -> bool {
    let words = crate::re!(
        r"(?i)^\s*(?:which|who|whose|where|when|that|so|but|because|since|including|incl\.?|e\.g\.?|i\.e\.?|mostly|mainly|especially|except|though|although|while|unless|if|otherwise|via|through|using|used\s+(?:by|for)|triggered|both|each|then|currently|today|only|also|as\s+well)\b"
    );
    words.is_match(rest)
}

/// Splits a list of integrations. Written one per line, each line is one
/// integration with its details ("Hangfire workers READ Invoices, WRITE
/// ExternalId back onto Invoices"), split further only at semicolons or
/// where every comma piece is a short name ("Okta, Entra ID, ADFS"); a
/// chat paste's "jules  9:50 AM" headers are no items. Written as one
/// paragraph, see `paragraph_items`.
pub fn items(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l.trim_end_matches(['\n', '\r'])))
        })
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if lines.len() < 2 {
        return paragraph_items(text);
    }
    let chat_header = crate::re!(r"(?i)^\s*[\w.@-]{1,40}\s+\d{1,2}:\d{2}\s*(?:am|pm)?\s*$");
    let mut out = Vec::new();
    for (at, line) in lines {
        if chat_header.is_match(line) {
            continue;
        }
        for (s, e) in top_level_pieces(line, b';') {
            let piece = &line[s..e];
            let commas = top_level_pieces(piece, b',');
            let short_names = commas.len() > 1
                && commas
                    .iter()
                    .all(|&(a, b)| piece[a..b].split_whitespace().count() <= 3);
            if short_names {
                for (a, b) in commas {
                    push_item(text, at + s + a, at + s + b, &mut out);
                }
            } else {
                push_item(text, at + s, at + e, &mut out);
            }
        }
    }
    out
}

/// `text` cut at top-level `sep` (not inside brackets).
fn top_level_pieces(text: &str, sep: u8) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = (depth - 1).max(0),
            _ if b == sep && depth == 0 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, text.len()));
    out.retain(|&(a, b)| !text[a..b].trim().is_empty());
    out
}

/// Splits a list at top-level commas, semicolons, line breaks and sentence
/// ends (not inside parentheses, nor at a comma the item's own words carry
/// on after), and at "and" before the last: a one-paragraph list of
/// integrations, and lists of features or per-part tolerances.
pub fn paragraph_items(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = (depth - 1).max(0),
            b',' if depth == 0 && continues_item(super::ahead(text, i + 1, 40)) => {}
            b',' | b';' | b'\n' if depth == 0 => {
                push_item(text, start, i, &mut out);
                start = i + 1;
            }
            b'.' if depth == 0 && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()) => {
                push_item(text, start, i, &mut out);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    push_item(text, start, text.len(), &mut out);
    out
}

fn push_item(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let mut s = start + lead;
    let mut t = piece.trim().trim_end_matches('.').trim_end();
    for prefix in ["and ", "And ", "- ", "* ", "• ", "plus "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            s += prefix.len();
            t = rest.trim_start();
        }
    }
    if !t.is_empty() {
        out.push((s, s + t.len()));
    }
}

const KIND_WORDS: &[(IntegrationKind, &str)] = &[
    (IntegrationKind::Webhook, r"webhooks?"),
    (
        IntegrationKind::Cdc,
        r"\bcdc\b|change[\s-]data[\s-]capture|replication\s+slots?|binlog|debezium|wal\s+(?:stream|consumer)",
    ),
    (
        IntegrationKind::ReadReplica,
        r"read[\s-]replicas?|\breplicas?\b",
    ),
    (
        IntegrationKind::AnalyticsPipeline,
        r"analytics|reporting|\bbi\b|dashboards?|looker|metabase|tableau|data\s+warehouse",
    ),
    (
        IntegrationKind::Etl,
        r"\betl\b|\belt\b|pipelines?|\bdbt\b|exports?|fivetran|airbyte",
    ),
    (
        IntegrationKind::MobileApp,
        r"mobile|\bios\b|android|app\s+store",
    ),
    (
        IntegrationKind::PartnerApi,
        r"partners?|public\s+api|third[\s-]party\s+(?:clients|integrations)|customer\s+integrations",
    ),
    (
        IntegrationKind::BatchJob,
        r"\bcron\b|batch|nightly|scheduled\s+jobs?",
    ),
    (IntegrationKind::Payment, r"payments?|billing|checkout"),
    (IntegrationKind::Email, r"e-?mails?"),
    (IntegrationKind::Sms, r"\bsms\b|text\s+messages"),
    (IntegrationKind::Auth, r"\bauth\b|login|sso|identity"),
    (IntegrationKind::Cache, r"cach(?:e|es|ing)"),
    (
        IntegrationKind::Queue,
        r"queues?|workers?|jobs?|consumers?|topics?",
    ),
    (IntegrationKind::Search, r"search"),
    (
        IntegrationKind::ServiceConsumers,
        r"services?|microservices?|backend|\bapis?\b|\bapps?\b|applications?",
    ),
];

const MECHANISMS: &[(&str, &str)] = &[
    (
        r"logical\s+replication\s+slots?|replication\s+slots?",
        "logical-replication-slots",
    ),
    (
        r"logical\s+replication|logical\s+decoding",
        "logical-replication",
    ),
    (r"read[\s-]replicas?", "read-replica"),
    (r"webhooks?", "webhooks"),
    (r"\bcdc\b|change[\s-]data[\s-]capture", "cdc"),
    (r"triggers?", "triggers"),
    (
        r"foreign\s+data\s+wrappers?|\bfdw\b|dblink",
        "foreign-data-wrapper",
    ),
    (
        r"direct\s+(?:sql|db|database)\s+access|connects?\s+directly|direct\s+connections?",
        "direct-database-access",
    ),
    (r"binlog", "binlog"),
    (r"idempoten", "idempotency"),
    (r"pub/?sub|listen/notify|notify", "pubsub"),
];

/// Classifies one integration item.
pub fn classify(item: &str, tech_kinds: &[&str]) -> IntegrationHit {
    static KINDS: std::sync::LazyLock<Vec<(IntegrationKind, regex::Regex)>> =
        std::sync::LazyLock::new(|| {
            KIND_WORDS
                .iter()
                .map(|(k, p)| (*k, regex::Regex::new(&format!("(?i){p}")).expect("valid")))
                .collect()
        });
    static MECHS: std::sync::LazyLock<Vec<(regex::Regex, &'static str)>> =
        std::sync::LazyLock::new(|| {
            MECHANISMS
                .iter()
                .map(|(p, n)| (regex::Regex::new(&format!("(?i){p}")).expect("valid"), *n))
                .collect()
        });
    let mut kinds = Vec::new();
    for (kind, re) in KINDS.iter() {
        if re.is_match(item) && !kinds.contains(kind) {
            kinds.push(*kind);
        }
    }
    for tk in tech_kinds {
        let k = match *tk {
            "payment-saas" => Some(IntegrationKind::Payment),
            "email-saas" => Some(IntegrationKind::Email),
            "sms-saas" => Some(IntegrationKind::Sms),
            "auth-saas" => Some(IntegrationKind::Auth),
            "warehouse" | "analytics-saas" => Some(IntegrationKind::AnalyticsPipeline),
            "cdc" => Some(IntegrationKind::Cdc),
            "cache" | "managed-cache" => Some(IntegrationKind::Cache),
            "queue" | "stream" | "job-queue" => Some(IntegrationKind::Queue),
            "search-engine" | "search-saas" => Some(IntegrationKind::Search),
            _ => None,
        };
        if let Some(k) = k {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
    }
    // A webhook or CDC stream is what the item is, whatever else it touches.
    kinds.sort_by_key(|k| match k {
        IntegrationKind::Webhook => 0,
        IntegrationKind::Cdc => 1,
        IntegrationKind::ReadReplica => 2,
        _ => 3,
    });
    if kinds.is_empty() {
        kinds.push(IntegrationKind::Other);
    }
    let mut mechanisms = Vec::new();
    for (re, name) in MECHS.iter() {
        if re.is_match(item) && !mechanisms.iter().any(|m: &String| m.starts_with(name)) {
            mechanisms.push(name.to_string());
        }
    }
    if mechanisms.iter().any(|m| m == "logical-replication-slots") {
        mechanisms.retain(|m| m != "logical-replication");
    }
    let count = crate::re!(r"\((?:~|about\s+)?(\d[\d,]*\s?[kK]?)\+?\)|(?:^|\s)(?:~|about\s+)?(\d[\d,]*)\+?\s+(?:services|microservices|apps|workers|consumers|partners|clients)")
        .captures(item)
        .and_then(|c| parse_number(c.get(1).or(c.get(2))?.as_str()))
        .map(|n| n as u64);
    IntegrationHit {
        name: item.trim().trim_end_matches(['.', ';']).to_string(),
        kinds,
        count,
        mechanisms,
    }
}

/// Items of an integration list with their classification.
/// "Three change stream consumers: the Elasticsearch indexer": the label
/// before a colon introduces the list; the item is what follows it.
/// A label that names a technology ("Stripe: charges + webhooks") is the
/// item itself and stays.
fn past_label(
    text: &str,
    s: usize,
    e: usize,
    tech_kinds_in: &dyn Fn(usize, usize) -> Vec<String>,
) -> (usize, usize) {
    let item = &text[s..e];
    // "Three change stream consumers:", "Downstream systems:" introduce a
    // list; "horizon workers: write db0" names its item.
    let intro = crate::re!(
        r"(?i)^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many|some|a\s+few|the\s+following|our\s+other)\b|\b(?:integrations?|dependencies|consumers|systems|readers|writers|clients|downstream|upstream|touchpoints)$"
    );
    match item.find(": ") {
        Some(i)
            if (2..=6).contains(&item[..i].split_whitespace().count())
                && intro.is_match(item[..i].trim())
                && tech_kinds_in(s, s + i).is_empty()
                && e > s + i + 2 =>
        {
            let rest = &item[i + 2..];
            (s + i + 2 + (rest.len() - rest.trim_start().len()), e)
        }
        _ => (s, e),
    }
}

/// Whether an item names something the system talks to, rather than
/// saying something about the items before it ("All three need a Postgres
/// equivalent", "with the same event shape or …", "presumably …").
fn names_a_system(item: &str) -> bool {
    !crate::re!(
        r"(?i)^\s*(?:all\s+(?:of\s+them|two|three|four|five|six)|both(?:\s+of\s+them)?|these|those|they|them|each(?:\s+of\s+them)?|it|with|presumably|probably|maybe|perhaps|which|so|but|because|otherwise|plus\s+they)\b"
    )
    .is_match(item)
}

pub fn integrations(
    text: &str,
    tech_kinds_in: &dyn Fn(usize, usize) -> Vec<String>,
) -> Vec<Hit<IntegrationHit>> {
    items(text)
        .into_iter()
        .map(|(s, e)| past_label(text, s, e, tech_kinds_in))
        .filter(|&(s, e)| names_a_system(&text[s..e]))
        .map(|(s, e)| {
            let kinds = tech_kinds_in(s, e);
            let refs: Vec<&str> = kinds.iter().map(String::as_str).collect();
            Hit::new(classify(&text[s..e], &refs), s, e)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntegrationKind::*;

    fn split(text: &str) -> Vec<&str> {
        items(text).into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn splits_lists_but_not_parentheses() {
        assert_eq!(
            split("Backend services (50), Stripe webhook handler, our analytics pipeline (read-replica today), our CDC stream into Snowflake (uses logical replication slots)."),
            vec![
                "Backend services (50)",
                "Stripe webhook handler",
                "our analytics pipeline (read-replica today)",
                "our CDC stream into Snowflake (uses logical replication slots)",
            ]
        );
        assert_eq!(
            split("- mobile apps\n- partner API; cron jobs and reports"),
            vec!["mobile apps", "partner API", "cron jobs and reports"]
        );
    }

    #[test]
    fn a_list_written_line_by_line_keeps_each_line_whole() {
        assert_eq!(
            split("jules  9:50 AM\n- Hangfire workers READ Invoices, WRITE ExternalId back onto Invoices\n- Postmark: invoice emails, sent from monolith\nOkta, Entra ID, ADFS\nmarta.k  9:52 AM\n^ the Power BI one i found last wk"),
            vec![
                "Hangfire workers READ Invoices, WRITE ExternalId back onto Invoices",
                "Postmark: invoice emails, sent from monolith",
                "Okta",
                "Entra ID",
                "ADFS",
                "^ the Power BI one i found last wk",
            ]
        );
    }

    #[test]
    fn one_named_item_is_not_split_inside() {
        assert_eq!(
            split("Stripe (webhooks, customer portal), Segment, Zendesk"),
            vec!["Stripe (webhooks, customer portal)", "Segment", "Zendesk"]
        );
        assert_eq!(
            split("- Segment and the data warehouse, which key user identity on the Auth0 subject.\n- Zendesk SSO"),
            vec!["Segment and the data warehouse, which key user identity on the Auth0 subject", "Zendesk SSO"]
        );
        assert_eq!(
            split(
                "the support tool (freshdesk), so agents see delivery status, datadog dashboards"
            ),
            vec![
                "the support tool (freshdesk), so agents see delivery status",
                "datadog dashboards"
            ]
        );
        assert_eq!(
            split("Partner webhooks, triggered from the same notification worker; BigQuery export"),
            vec![
                "Partner webhooks, triggered from the same notification worker",
                "BigQuery export"
            ]
        );
        // A plain list still splits at every comma.
        assert_eq!(
            split("Salesforce, Splunk, which one matters more is open"),
            vec!["Salesforce", "Splunk, which one matters more is open"]
        );
        assert_eq!(
            split("Okta, Entra ID, ADFS"),
            vec!["Okta", "Entra ID", "ADFS"]
        );
    }

    #[test]
    fn remarks_about_earlier_items_are_no_systems_and_a_list_label_is_dropped() {
        let text = "Three change stream consumers: the Elasticsearch indexer, the customer webhook dispatcher. All three need a Postgres equivalent, presumably logical replication, with the same event shape or the data team rewrites its models.";
        let got: Vec<&str> = integrations(text, &|_, _| Vec::new())
            .into_iter()
            .map(|h| &text[h.start..h.end])
            .collect();
        assert_eq!(
            got,
            vec![
                "the Elasticsearch indexer",
                "the customer webhook dispatcher"
            ]
        );
    }

    #[test]
    fn classifies_items() {
        let c = classify("Backend services (50)", &[]);
        assert_eq!((c.kinds[0], c.count), (ServiceConsumers, Some(50)));
        let c = classify("Stripe webhook handler", &["payment-saas"]);
        assert_eq!(c.kinds, vec![Webhook, Payment]);
        let c = classify("our analytics pipeline (read-replica today)", &[]);
        assert_eq!(c.kinds[0], ReadReplica);
        assert!(c.kinds.contains(&AnalyticsPipeline));
        assert_eq!(c.mechanisms, vec!["read-replica"]);
        let c = classify(
            "our CDC stream into Snowflake (uses logical replication slots)",
            &["warehouse"],
        );
        assert_eq!(c.kinds[0], Cdc);
        assert_eq!(c.mechanisms, vec!["logical-replication-slots", "cdc"]);
        assert_eq!(classify("iOS and Android apps", &[]).kinds[0], MobileApp);
        assert_eq!(
            classify("nightly cron exports", &[]).kinds,
            vec![Etl, BatchJob]
        );
        assert_eq!(
            classify("Sidekiq workers", &["job-queue"]).kinds,
            vec![Queue]
        );
        assert_eq!(classify("partner API", &[]).kinds[0], PartnerApi);
        assert_eq!(classify("the thing Bob built", &[]).kinds, vec![Other]);
        assert_eq!(classify("SSO via Okta", &["auth-saas"]).kinds, vec![Auth]);
    }
}
