//! What a cache, queue or search store is used for: the plan for a pure
//! cache differs from the plan for sessions, job queues or locks.

use super::{negated_before, Claimed, Hit};

const USES: &[(&str, &str)] = &[
    (
        "sessions",
        r"sessions?(?:\s+store)?|session\s+data|logged[\s-]in\s+state",
    ),
    (
        "job-queue",
        r"job\s+queues?|background\s+jobs?|jobs?\s+in\s+flight|task\s+queues?|sidekiq|celery|bullmq|resque|work\s+queues?",
    ),
    (
        "rate-limiter",
        r"rate[\s-]limit(?:er|ers|ing|s)?|throttl(?:e|ing)",
    ),
    ("locks", r"(?:distributed\s+)?locks?|mutex(?:es)?|redlock"),
    (
        "pub-sub",
        r"pub/?sub|publish/subscribe|channels?\s+for\s+events|streams?\s+of\s+events",
    ),
    (
        "search-index",
        r"search\s+index(?:es)?|full[\s-]text\s+search|search\s+(?:results|queries)|product\s+search",
    ),
    ("leaderboard", r"leaderboards?|sorted\s+sets?|counters?"),
    (
        "cache",
        r"cach(?:e|es|ing)(?:\s+layer)?|page\s+cache|query\s+cache|memoi[sz]ation",
    ),
];

/// Uses named in the text (not negated), in order of appearance.
pub fn store_uses(text: &str) -> Vec<Hit<String>> {
    static COMPILED: std::sync::LazyLock<Vec<(&'static str, regex::Regex)>> =
        std::sync::LazyLock::new(|| {
            USES.iter()
                .map(|(n, p)| {
                    (
                        *n,
                        regex::Regex::new(&format!(r"(?i)\b(?:{p})\b")).expect("valid"),
                    )
                })
                .collect()
        });
    let mut out: Vec<Hit<String>> = Vec::new();
    let mut claimed = Claimed::default();
    for (name, re) in COMPILED.iter() {
        for m in re.find_iter(text) {
            if negated_before(text, m.start()) || !claimed.claim(m.start(), m.end(), out.len()) {
                continue;
            }
            out.push(Hit::new(name.to_string(), m.start(), m.end()));
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(t: &str) -> Vec<String> {
        let mut v: Vec<String> = store_uses(t).into_iter().map(|h| h.value).collect();
        v.dedup();
        v
    }

    #[test]
    fn uses_in_many_phrasings() {
        assert_eq!(
            uses("Redis as a page cache and for sessions"),
            vec!["cache", "sessions"]
        );
        assert_eq!(uses("Sidekiq background jobs"), vec!["job-queue"]);
        assert_eq!(uses("rate limiting for the API"), vec!["rate-limiter"]);
        assert_eq!(uses("distributed locks via Redlock"), vec!["locks"]);
        assert_eq!(uses("pub/sub for live updates"), vec!["pub-sub"]);
        assert_eq!(uses("the product search index"), vec!["search-index"]);
        assert_eq!(uses("leaderboards with sorted sets"), vec!["leaderboard"]);
        assert_eq!(uses("a query cache in front of Postgres"), vec!["cache"]);
        assert_eq!(uses("caching only, nothing else"), vec!["cache"]);
    }

    #[test]
    fn non_uses() {
        for t in [
            "we use it a lot",
            "no sessions in Redis",
            "600 GB",
            "a database",
        ] {
            assert!(uses(t).is_empty(), "{t}: {:?}", uses(t));
        }
    }
}
