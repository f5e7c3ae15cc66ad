//! What the system today provides to its users, listed in the from-state
//! ("SAML SSO, TOTP MFA, social login with Google", "ISR + on-demand
//! revalidation", "unsubscribe groups"): each is something the target must
//! keep, so it is a fact, never a technology to drop or text to ignore.

use super::Hit;

/// Words that name a capability a product gives its users (identity, mail,
/// web rendering, search, queues, payments). An item of the from-state
/// list that holds one of them is a feature.
const FEATURE_WORDS: &str = r"(?i)\b(?:sso|saml|oidc|openid(?:\s+connect)?|oauth2?|social\s+(?:login|sign[\s-]?in)|(?:log\s?in|sign[\s-]?in)\s+with\s+\w+|universal\s+login|hosted\s+(?:login|ui)|username/password|password\s+(?:login|reset)s?|mfa|2fa|two[\s-]factor|totp|webauthn|passkeys?|magic\s+links?|passwordless|remember[\s-]me|scim|provisioning|custom\s+claims|rbac|permissions|webhooks?|(?:dynamic\s+|email\s+)?templates|unsubscribe(?:\s+(?:groups|links))?|suppressions?|bounce\s+handling|dedicated\s+ips?|(?:marketing\s+)?campaigns|mailing\s+lists|open\s+tracking|click\s+tracking|isr|ssr|ssg|(?:on-demand\s+)?revalidation|image\s+optimi[sz]ation|edge\s+middleware|i18n|preview\s+deploys?|full[\s-]text\s+search|facets?|faceting|synonyms|typo[\s-]tolerance|autocomplete|geo[\s-]?search|change\s+streams|stored\s+procedures|triggers|ttls?|rate[\s-]limit(?:s|ing)?|pub/?sub|lua\s+scripts|dead[\s-]letter(?:\s+queues?)?|delayed\s+(?:jobs|messages)|scheduled\s+(?:jobs|messages)|priority\s+queues|stored\s+cards|tokeni[sz]ation|3ds2?|apple\s+pay|google\s+pay|customer\s+portal|refunds|disputes|payouts|subscriptions\s+billing|invoicing)\b";

/// The from-state's items that name a feature, each as written.
pub fn features(text: &str) -> Vec<Hit<String>> {
    let words = crate::re!(FEATURE_WORDS);
    let mut out = Vec::new();
    for (s, e) in super::integration::paragraph_items(text) {
        let item = text[s..e].trim_end_matches(['.', ':', ' ']);
        // "no SSO today" says the feature is absent.
        let Some(m) = words.find(item) else { continue };
        if super::negated_before(text, s + m.start()) {
            continue;
        }
        // A long sentence is cut to its first clause: the feature, not the
        // story around it.
        let cut = item.find([';', '\n']).unwrap_or(item.len()).min(120);
        let mut cut = cut;
        while !item.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push(Hit::new(item[..cut].trim().to_string(), s, s + cut));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(t: &str) -> Vec<String> {
        features(t).into_iter().map(|h| h.value).collect()
    }

    #[test]
    fn features_in_many_phrasings() {
        assert_eq!(
            read("SAML SSO, TOTP MFA, social login with Google"),
            vec!["SAML SSO", "TOTP MFA", "social login with Google"]
        );
        assert_eq!(
            read("- next 13.4.19, pages router\n- ISR + on-demand revalidation, Contentful webhooks -> /api/revalidate"),
            vec!["ISR + on-demand revalidation", "Contentful webhooks -> /api/revalidate"]
        );
        assert_eq!(
            read("marketing builds newsletters in sendgrid marketing campaigns w/ their lists + unsubscribe groups"),
            vec!["marketing builds newsletters in sendgrid marketing campaigns w/ their lists + unsubscribe groups"]
        );
        assert_eq!(
            read("Algolia index with synonyms and typo tolerance, 2M records"),
            vec!["Algolia index with synonyms and typo tolerance"]
        );
        assert_eq!(
            read("Stripe Billing (subscriptions, invoices), stored cards for 40k customers"),
            vec!["stored cards for 40k customers"]
        );
    }

    #[test]
    fn systems_sizes_and_hosts_are_not_features() {
        for t in [
            "PostgreSQL 14 on RDS, 600 GB, Multi-AZ",
            "3 engineers, no DBA",
            "Redis 6 on ElastiCache, 2 nodes",
            "no SSO today",
        ] {
            assert!(read(t).is_empty(), "{t}: {:?}", read(t));
        }
    }
}
