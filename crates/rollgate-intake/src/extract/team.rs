//! The team: people by role (with contractor and part-time status), a
//! stated team size, and the time zones they work in.

use super::{parse_number, Claimed, Hit};
use crate::facts::TeamMember;
use aho_corasick::{AhoCorasickBuilder, MatchKind};
use rollgate_knowledge::{RoleBook, TimeZoneBook};

fn escape_phrase(p: &str) -> String {
    regex::escape(p)
        .replace(r"\-", r"[\s-]?")
        .replace(' ', r"[\s-]?")
}

/// The role phrases (longest first) and the regex built from them, cached
/// per distinct role book.
#[allow(clippy::type_complexity)]
fn role_pattern(
    roles: &RoleBook,
) -> (
    std::sync::Arc<Vec<(String, usize)>>,
    std::sync::Arc<regex::Regex>,
    std::sync::Arc<regex::Regex>,
) {
    use std::hash::{Hash, Hasher};
    type Entry = (
        u64,
        std::sync::Arc<Vec<(String, usize)>>,
        std::sync::Arc<regex::Regex>,
        std::sync::Arc<regex::Regex>,
    );
    static CACHE: std::sync::Mutex<Vec<Entry>> = std::sync::Mutex::new(Vec::new());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for r in roles.roles() {
        (&r.id, &r.phrases).hash(&mut h);
    }
    let key = h.finish();
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, p, r, b)) = cache.iter().find(|(k, _, _, _)| *k == key) {
        return (p.clone(), r.clone(), b.clone());
    }
    let mut phrases: Vec<(String, usize)> = Vec::new();
    for (i, role) in roles.roles().iter().enumerate() {
        for p in &role.phrases {
            phrases.push((p.clone(), i));
        }
    }
    phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let alternation = phrases
        .iter()
        .map(|(p, _)| escape_phrase(p))
        .collect::<Vec<_>>()
        .join("|");
    let pattern = format!(
        r"(?i)\b(\d+|a\s+couple\s+of|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|the|our|my)\s+((?:(?:senior|junior|staff|principal|lead|experienced|part[\s-]time|full[\s-]time|contract|contracted|contractors?|consultants?|freelancers?|freelance|external|offshore|outsourced|dedicated|shared|on[\s-]call|in[\s-]house)\s+)*)({alternation})(?:s|es)?\b(\s*(?:\(\s*)?(?:contractors?|consultants?|freelancers?|part[\s-]time|on\s+contract|from\s+an?\s+agency|\(contract\))\)?)?"
    );
    let re = std::sync::Arc::new(regex::Regex::new(&pattern).expect("role pattern compiles"));
    // Specific roles only: a bare "engineer" in a list says nothing.
    let specific = phrases
        .iter()
        .filter(|(_, i)| roles.roles()[*i].id != "engineer")
        .map(|(p, _)| escape_phrase(p))
        .collect::<Vec<_>>()
        .join("|");
    let bare = std::sync::Arc::new(
        regex::Regex::new(&format!(
            r"(?i)(?:^|[,;+]\s*|\band\s+|\bplus\s+)({specific})\s*(?:[,;.+)]|$|\band\b)"
        ))
        .expect("bare role pattern compiles"),
    );
    let phrases = std::sync::Arc::new(phrases);
    if cache.len() > 8 {
        cache.remove(0);
    }
    cache.push((key, phrases.clone(), re.clone(), bare.clone()));
    (phrases, re, bare)
}

/// People by role: `4 backend engineers`, `1 DBA contractor`, `a part-time
/// SRE`, `two mobile devs`, `the DBA`.
pub fn members(text: &str, roles: &RoleBook) -> Vec<Hit<TeamMember>> {
    let (phrases, re, _) = role_pattern(roles);
    let phrases = &*phrases;
    let mut out: Vec<Hit<TeamMember>> = Vec::new();
    let mut claimed = Claimed::default();
    let mut roles_seen = std::collections::HashSet::new();
    for caps in re.captures_iter(text) {
        let role_text = caps[3].to_ascii_lowercase();
        let normalised = role_text.replace(['-', ' '], "");
        let Some((_, idx)) = phrases
            .iter()
            .find(|(p, _)| p.replace(['-', ' '], "") == normalised)
        else {
            continue;
        };
        let role = &roles.roles()[*idx];
        let whole = caps.get(0).unwrap();
        // "None of them is a DBA", "not a DBA": nobody in that role.
        if super::negated_before(text, whole.start()) {
            continue;
        }
        let det = caps[1].to_ascii_lowercase();
        let count = match det.as_str() {
            "the" | "our" | "my" => 1.0,
            other => match parse_number(other) {
                Some(n) => n,
                None => continue,
            },
        };
        let count = count * per_group(text, whole.end(), count) + more_elsewhere(text, whole.end());
        if !(1.0..=10_000.0).contains(&count) {
            continue;
        }
        let modifiers = format!(
            "{} {}",
            caps.get(2).map(|m| m.as_str()).unwrap_or(""),
            caps.get(4).map(|m| m.as_str()).unwrap_or("")
        )
        .to_ascii_lowercase();
        let contractor = [
            "contract",
            "consultant",
            "freelanc",
            "agency",
            "external",
            "outsourced",
        ]
        .iter()
        .any(|w| modifiers.contains(w));
        let part_time = modifiers.contains("part");
        let member = TeamMember {
            role: role.id.clone(),
            role_name: role.name.clone(),
            count: count as u32,
            contractor,
            part_time,
        };
        // "the DBA" after "1 DBA contractor" is the same person.
        if matches!(det.as_str(), "the" | "our" | "my") && roles_seen.contains(&member.role) {
            continue;
        }
        roles_seen.insert(member.role.clone());
        claimed.claim(whole.start(), whole.end(), out.len());
        out.push(Hit::new(member, whole.start(), whole.end()));
    }
    // A bare role in a list ("6 engineers, 1 SRE, tech lead") is one person.
    let (_, _, bare) = role_pattern(roles);
    for c in bare.captures_iter(text) {
        let m = c.get(1).unwrap();
        let normalised = m.as_str().to_ascii_lowercase().replace(['-', ' '], "");
        let Some((_, idx)) = phrases
            .iter()
            .find(|(p, _)| p.replace(['-', ' '], "") == normalised)
        else {
            continue;
        };
        let role = &roles.roles()[*idx];
        if claimed.overlaps(m.start(), m.end()) || !roles_seen.insert(role.id.clone()) {
            continue;
        }
        claimed.claim(m.start(), m.end(), out.len());
        out.push(Hit::new(
            TeamMember {
                role: role.id.clone(),
                role_name: role.name.clone(),
                count: 1,
                contractor: false,
                part_time: false,
            },
            m.start(),
            m.end(),
        ));
    }
    out.sort_by_key(|h| h.start);
    out
}

const NUMBER_WORD: &str = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve";

/// The factor a count stated "per region" (site, office, country…) stands
/// for: the total the text gives ("so four in total"), divided back, or the
/// number of places it lists ("(EU and US)", "we have Poland and
/// Vietnam"). 1 when the count is not per anything, or the places are not
/// said (the count then stays as written).
fn per_group(text: &str, at: usize, each: f64) -> f64 {
    let ahead = super::ahead(text, at, 160);
    let per = crate::re!(
        r"(?i)^\s*(?:per|each|in\s+each|for\s+each|in\s+every)\s+(?:region|site|office|country|location|time\s?zone|continent|hub)\b"
    );
    let Some(m) = per.find(ahead) else {
        return 1.0;
    };
    let rest = &ahead[m.end()..];
    let rest = &rest[..rest.find(['.', ';', '\n']).unwrap_or(rest.len())];
    let total = crate::re!(&format!(
        r"(?i)\b(?:in\s+total|total(?:ly)?|altogether|so)\s*,?\s*({NUMBER_WORD})\b|\b({NUMBER_WORD})\s+(?:in\s+total|total|altogether|overall)\b"
    ));
    if let Some(c) = total.captures(rest) {
        let n = c
            .get(1)
            .or(c.get(2))
            .and_then(|g| parse_number(&g.as_str().to_ascii_lowercase()));
        if let Some(n) = n.filter(|n| *n >= each) {
            return n / each;
        }
    }
    let places = crate::re!(
        r"(?:\(|\bhave\s+|\bin\s+|\bacross\s+|:\s*)([A-Z][\w-]*(?:\s*(?:,|and|&|\+|/)\s*[A-Z][\w-]*)+)"
    );
    if let Some(c) = places.captures(rest) {
        let list = crate::re!(r"\s*(?:,|\band\b|&|\+|/)\s*");
        let n = list.split(&c[1]).filter(|s| !s.trim().is_empty()).count();
        if n >= 2 {
            return n as f64;
        }
    }
    1.0
}

/// People of the same role counted by place after the first count: "2
/// developers in Bucharest and 1 in Chisinau" adds the 1.
fn more_elsewhere(text: &str, at: usize) -> f64 {
    let ahead = super::ahead(text, at, 160);
    let first = crate::re!(r"^\s+(?:in|from|at|based\s+in)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?");
    let Some(m) = first.find(ahead) else {
        return 0.0;
    };
    let more = crate::re!(&format!(
        r"(?i)^\s*(?:,|\band\b|\+)\s*({NUMBER_WORD})\s+(?:more\s+)?(?:in|from|at)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?"
    ));
    let mut rest = &ahead[m.end()..];
    let mut sum = 0.0;
    while let Some(c) = more.captures(rest) {
        sum += parse_number(&c[1].to_ascii_lowercase()).unwrap_or(0.0);
        rest = &rest[c.get(0).expect("whole").end()..];
    }
    sum
}

/// A stated team size: `team of 6`, `6 people`, `a 4-person team`, `solo`.
pub fn size(text: &str) -> Option<Hit<u32>> {
    let re = crate::re!(
        r"(?i)\b(?:team\s+of\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)|(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)[\s-](?:people|persons?|person\s+team|engineers?\s+total|devs?\s+total|heads?)|(just\s+me|solo|(?:a|just|only)\s+one[\s-]person|one[\s-]person\s+(?:team|show|shop)|by\s+myself))\b"
    );
    let caps = re.captures(text)?;
    let whole = caps.get(0).unwrap();
    let n = if caps.get(3).is_some() {
        1.0
    } else {
        parse_number(caps.get(1).or(caps.get(2))?.as_str())?
    };
    Some(Hit::new(n as u32, whole.start(), whole.end()))
}

/// IANA time zones named by region words, abbreviations, IANA names or UTC
/// offsets. Names are validated against the bundled time-zone database.
pub fn time_zones(text: &str, book: &TimeZoneBook) -> Vec<Hit<String>> {
    let mut out: Vec<Hit<String>> = Vec::new();
    let mut folded = Vec::new();
    let mut folded_zone = Vec::new();
    let mut exact = Vec::new();
    let mut exact_zone = Vec::new();
    for z in book.zones() {
        for w in &z.words {
            folded.push(w.clone());
            folded_zone.push(z.iana.clone());
        }
        for w in &z.exact {
            exact.push(w.clone());
            exact_zone.push(z.iana.clone());
        }
    }
    let ac_folded = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&folded)
        .expect("zone words compile");
    let ac_exact = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&exact)
        .expect("zone words compile");
    let mut claimed = Claimed::default();
    let mut push = |zone: String, start: usize, end: usize, out: &mut Vec<Hit<String>>| {
        if claimed.claim(start, end, out.len()) {
            out.push(Hit::new(zone, start, end));
        }
    };
    let iana = crate::re!(
        r"\b(?:America|Europe|Asia|Africa|Australia|Pacific|Atlantic|Indian|Antarctica|Etc)/[A-Za-z_]+(?:/[A-Za-z_]+)?\b"
    );
    for m in iana.find_iter(text) {
        if jiff::tz::db().get(m.as_str()).is_ok() {
            push(m.as_str().to_string(), m.start(), m.end(), &mut out);
        }
    }
    let offset = crate::re!(r"\b(?:UTC|GMT)\s?([+-−])\s?(\d{1,2})(?::?00)?\b");
    for caps in offset.captures_iter(text) {
        let whole = caps.get(0).unwrap();
        let hours: i32 = caps[2].parse().unwrap_or(99);
        if hours > 14 {
            continue;
        }
        // POSIX-style Etc zones have the sign reversed.
        let sign = if &caps[1] == "+" { "-" } else { "+" };
        let name = if hours == 0 {
            "UTC".to_string()
        } else {
            format!("Etc/GMT{sign}{hours}")
        };
        push(name, whole.start(), whole.end(), &mut out);
    }
    // Word matches, longest first at each place, that sit on word boundaries.
    let mut words: Vec<(usize, usize, String)> = Vec::new();
    for m in ac_folded.find_overlapping_iter(text) {
        words.push((
            m.start(),
            m.end(),
            folded_zone[m.pattern().as_usize()].clone(),
        ));
    }
    for m in ac_exact.find_overlapping_iter(text) {
        words.push((
            m.start(),
            m.end(),
            exact_zone[m.pattern().as_usize()].clone(),
        ));
    }
    words.retain(|(s, e, _)| word_bounded(text, *s, *e));
    words.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
    for (s, e, zone) in words {
        push(zone, s, e, &mut out);
    }
    out.sort_by_key(|h| h.start);
    out
}

fn word_bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let ok_before =
        before.is_none_or(|c| !(c.is_alphanumeric() || c == '-' || c == '/' || c == '_'));
    let ok_after = after.is_none_or(|c| !(c.is_alphanumeric() || c == '/' || c == '_'));
    // "UTC+99" is an offset (read elsewhere), not the word UTC.
    let offset_follows = {
        let mut rest = text[end..].chars();
        matches!(rest.next(), Some('+' | '-' | '−'))
            && rest.next().is_some_and(|c| c.is_ascii_digit())
    };
    ok_before && ok_after && !offset_follows
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollgate_knowledge::Knowledge;

    fn team(text: &str) -> Vec<(String, u32, bool, bool)> {
        let k = Knowledge::builtin().unwrap();
        members(text, &k.roles)
            .into_iter()
            .map(|h| {
                (
                    h.value.role,
                    h.value.count,
                    h.value.contractor,
                    h.value.part_time,
                )
            })
            .collect()
    }

    fn m(role: &str, n: u32, contractor: bool, part_time: bool) -> (String, u32, bool, bool) {
        (role.to_string(), n, contractor, part_time)
    }

    #[test]
    fn members_in_many_phrasings() {
        assert_eq!(
            team("4 backend engineers + 1 DBA contractor. The DBA has done 2 prior Postgres migrations."),
            vec![m("backend-engineer", 4, false, false), m("dba", 1, true, false)]
        );
        assert_eq!(team("a part-time SRE"), vec![m("sre", 1, false, true)]);
        assert_eq!(
            team("two mobile devs"),
            vec![m("mobile-engineer", 2, false, false)]
        );
        assert_eq!(
            team("3 senior full-stack developers"),
            vec![m("fullstack-engineer", 3, false, false)]
        );
        assert_eq!(team("one contract DBA"), vec![m("dba", 1, true, false)]);
        assert_eq!(
            team("2 iOS engineers and 1 Android developer"),
            vec![
                m("mobile-engineer", 2, false, false),
                m("mobile-engineer", 1, false, false)
            ]
        );
        assert_eq!(team("our tech lead"), vec![m("tech-lead", 1, false, false)]);
        assert_eq!(team("6 engineers"), vec![m("engineer", 6, false, false)]);
        assert_eq!(team("an SRE (contractor)"), vec![m("sre", 1, true, false)]);
        assert_eq!(
            team("1 data engineer"),
            vec![m("data-engineer", 1, false, false)]
        );
        assert_eq!(
            team("5 frontend engineers"),
            vec![m("frontend-engineer", 5, false, false)]
        );
        assert_eq!(
            team("a DevOps engineer from an agency"),
            vec![m("devops-engineer", 1, true, false)]
        );
        assert_eq!(
            team("2 QA engineers"),
            vec![m("qa-engineer", 2, false, false)]
        );
        assert_eq!(
            team("10 back-end developers"),
            vec![m("backend-engineer", 10, false, false)]
        );
    }

    #[test]
    fn non_members() {
        for t in [
            "engineering is busy",
            "the team",
            "4 services",
            "a database",
            "developers experience",
            "DBA-approved",
        ] {
            assert!(team(t).is_empty(), "{t}: {:?}", team(t));
        }
    }

    #[test]
    fn sizes() {
        let s = |t: &str| size(t).map(|h| h.value);
        assert_eq!(s("a team of 6"), Some(6));
        assert_eq!(s("6 people"), Some(6));
        assert_eq!(s("a 4-person team"), Some(4));
        assert_eq!(s("just me"), Some(1));
        assert_eq!(s("team of three"), Some(3));
        assert_eq!(s("people"), None);
        assert_eq!(s("the team is small"), None);
    }

    fn zones(text: &str) -> Vec<String> {
        let k = Knowledge::builtin().unwrap();
        let mut z: Vec<String> = time_zones(text, &k.zones)
            .into_iter()
            .map(|h| h.value)
            .collect();
        z.dedup();
        z
    }

    #[test]
    fn zones_from_region_words() {
        assert_eq!(zones("All Pacific timezone"), vec!["America/Los_Angeles"]);
        assert_eq!(zones("team in Berlin"), vec!["Europe/Berlin"]);
        assert_eq!(zones("CET"), vec!["Europe/Berlin"]);
        assert_eq!(zones("contractors in India"), vec!["Asia/Kolkata"]);
        assert_eq!(zones("AEST hours"), vec!["Australia/Sydney"]);
        assert_eq!(
            zones("US East Coast and London"),
            vec!["America/New_York", "Europe/London"]
        );
        assert_eq!(zones("Europe/Paris"), vec!["Europe/Paris"]);
        assert_eq!(zones("UTC+2"), vec!["Etc/GMT-2"]);
        assert_eq!(zones("Eastern time"), vec!["America/New_York"]);
        assert_eq!(zones("Eastern Europe"), vec!["Europe/Kyiv"]);
        assert_eq!(
            zones("split between Singapore and Sydney"),
            vec!["Asia/Singapore", "Australia/Sydney"]
        );
        assert_eq!(zones("São Paulo"), vec!["America/Sao_Paulo"]);
        assert_eq!(zones("PST"), vec!["America/Los_Angeles"]);
        assert_eq!(zones("UTC"), vec!["UTC"]);
    }

    #[test]
    fn non_zones() {
        for t in [
            "Asia-Pacific expansion",
            "pt-BR locale",
            "the central database",
            "Europe/Atlantis",
            "set the timeout",
            "ET phone home".to_lowercase().as_str(),
            "UTC+99",
        ] {
            assert!(zones(t).is_empty(), "{t}: {:?}", zones(t));
        }
    }
}
