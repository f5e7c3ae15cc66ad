//! Where the company or its people are, said in prose ("we're a German
//! company", "team in Berlin and Lisbon", "our office in Toronto"): the
//! countries whose public holidays apply and the time zones people work
//! in. A place named for data, servers or customers ("hosted in
//! Frankfurt", "customers in Germany") says nothing about the team.

use super::Hit;
use aho_corasick::{AhoCorasickBuilder, MatchKind};
use rollgate_knowledge::TimeZoneBook;

/// A place the input says the company or team is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// IANA zone.
    pub zone: String,
    /// ISO 3166 alpha-2, when the book knows it.
    pub country: Option<String>,
}

/// Nouns that make a country's adjective the company's place ("a German
/// company", "an Austrian entity").
const ORG_AFTER_ADJECTIVE: &str = r"(?i)^(?:\s*(?:,|and|&|or|/)\s*(?:an?\s+)?[A-Za-z-]+)*\s+(?:[\w-]+\s+){0,2}?(?:company|companies|business|startup|firm|team|teams|org|organi[sz]ation|entity|entities|subsidiary|subsidiaries|office|offices|shop|agency|employer|gmbh|ag|ltd|bv|headquarters|hq|staff|engineers|developers)\b";

/// Words before a place that put people there ("team in", "based in",
/// "our office in", "we're in").
const PEOPLE_BEFORE_PLACE: &str = r"(?i)\b(?:based|located|headquartered|office|offices|hq|headquarters|team|teams|engineers?|devs?|developers?|staff|people|colleagues|we're|we\s+are|i'm|i\s+am|company|everyone|all\s+of\s+us|sre|sres|ops)\b[^.;\n]{0,40}?\b(?:in|out\s+of|from)\s+(?:(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?\s*(?:,|and|&|\+|/)\s*)*$";

/// Words that make the place the data's or the customers' instead.
const NOT_PEOPLE: &str = r"(?i)\b(?:servers?|data|hosted|hosting|region|cluster|instances?|database|db|bucket|stored|customers?|users?|clients?|traffic|cdn|aws|gcp|azure|datacenter|data\s+cent(?:er|re)|residency|subscribers|visitors)\b";

/// The book's place words and adjectives, compiled once per input.
pub struct PlaceMatcher<'a> {
    book: &'a TimeZoneBook,
    ac: Option<aho_corasick::AhoCorasick>,
    /// Per pattern: its zone's index and whether it is an adjective.
    owners: Vec<(usize, bool)>,
}

impl<'a> PlaceMatcher<'a> {
    pub fn new(book: &'a TimeZoneBook) -> Self {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (i, z) in book.zones().iter().enumerate() {
            for w in &z.words {
                patterns.push(w.clone());
                owners.push((i, false));
            }
            for w in &z.adjectives {
                patterns.push(w.clone());
                owners.push((i, true));
            }
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Self { book, ac, owners }
    }
}

/// The places `text` puts the company or its people in.
pub fn places(text: &str, matcher: &PlaceMatcher<'_>) -> Vec<Hit<Place>> {
    let Some(ac) = &matcher.ac else {
        return Vec::new();
    };
    let (book, owners) = (matcher.book, &matcher.owners);
    let org = crate::re!(ORG_AFTER_ADJECTIVE);
    let people = crate::re!(PEOPLE_BEFORE_PLACE);
    let not_people = crate::re!(NOT_PEOPLE);
    let mut out = Vec::new();
    for m in ac.find_iter(text) {
        let (start, end) = (m.start(), m.end());
        if !bounded(text, start, end) {
            continue;
        }
        let (zone_index, adjective) = owners[m.pattern().as_usize()];
        let (cs, ce) = super::clause_around(text, start);
        let placed = if adjective {
            org.is_match(&text[end..ce.max(end)])
        } else {
            let before = &text[cs..start];
            people.is_match(before) && !not_people.is_match(before)
        };
        if !placed || super::negated_before(text, start) {
            continue;
        }
        let z = &book.zones()[zone_index];
        out.push(Hit::new(
            Place {
                zone: z.iana.clone(),
                country: z.country.clone(),
            },
            start,
            end,
        ));
    }
    out
}

fn bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollgate_knowledge::Knowledge;

    fn zones(text: &str) -> Vec<(String, Option<String>)> {
        let k = Knowledge::builtin().unwrap();
        places(text, &PlaceMatcher::new(&k.zones))
            .into_iter()
            .map(|h| (h.value.zone, h.value.country))
            .collect()
    }

    fn z(zone: &str, country: &str) -> (String, Option<String>) {
        (zone.to_string(), Some(country.to_string()))
    }

    #[test]
    fn places_of_the_company_and_its_people() {
        assert_eq!(
            zones("we're a German company"),
            vec![z("Europe/Berlin", "DE")]
        );
        assert_eq!(
            zones("team in Berlin and Lisbon"),
            vec![z("Europe/Berlin", "DE"), z("Europe/Lisbon", "PT")]
        );
        assert_eq!(
            zones("our office in Toronto handles support"),
            vec![z("America/Toronto", "CA")]
        );
        assert_eq!(
            zones("we invoice from a German and an Austrian entity"),
            vec![z("Europe/Berlin", "DE"), z("Europe/Vienna", "AT")]
        );
        assert_eq!(
            zones("The engineers are all based in Madrid."),
            vec![z("Europe/Madrid", "ES")]
        );
        assert_eq!(
            zones("a small Dutch startup"),
            vec![z("Europe/Amsterdam", "NL")]
        );
    }

    #[test]
    fn places_of_data_customers_and_languages_are_not_the_team() {
        for t in [
            "data stays in Frankfurt (eu-central-1)",
            "servers hosted in Berlin",
            "our customers in Germany and Austria",
            "German and French translations",
            "the team supports users in Toronto",
            "we speak German",
            "not a German company",
        ] {
            assert!(zones(t).is_empty(), "{t}: {:?}", zones(t));
        }
    }
}
