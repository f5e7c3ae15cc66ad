//! What every request passes before it reaches a page: the Host must name
//! this server (so a DNS-rebinding page cannot read plans), a request that
//! changes state must come from the app's own pages (so another site cannot
//! post into the history), and every response carries the security headers.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;

/// The Content-Security-Policy of every response. Scripts only from the
/// app's own files (no inline script, no `javascript:` URLs, no event
/// attributes); inline styles stay allowed because the report carries its
/// own `<style>` and SVG style attributes, and every piece of user text in
/// them is escaped.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The headers sent on every response, rejections included.
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
];

/// The Host names this server answers to.
#[derive(Debug, Clone)]
pub struct Hosts {
    /// Exact `host:port` authorities, lowercase.
    exact: Vec<String>,
    /// Names accepted with any port or none (from `--allow-host NAME`).
    any_port: Vec<String>,
}

impl Hosts {
    /// The bound address (unless it is a wildcard), `localhost`,
    /// `127.0.0.1` and `[::1]` with the bound port, and `extra` names: a
    /// bare name matches with any port, `name:port` only with that port.
    pub fn new(bound: SocketAddr, extra: &[String]) -> Self {
        let port = bound.port();
        let mut exact: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect();
        if !bound.ip().is_unspecified() {
            exact.push(bound.to_string());
        }
        if port == 80 {
            // Browsers leave the default port out of Host.
            let bare: Vec<String> = exact
                .iter()
                .filter_map(|a| a.strip_suffix(":80").map(str::to_string))
                .collect();
            exact.extend(bare);
        }
        let mut any_port = Vec::new();
        for name in extra {
            let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            if split_port(&name).1.is_some() {
                exact.push(name);
            } else {
                any_port.push(name);
            }
        }
        Self { exact, any_port }
    }

    pub fn allows(&self, authority: &str) -> bool {
        let a = authority.trim().to_ascii_lowercase();
        if self.exact.contains(&a) {
            return true;
        }
        let (name, _) = split_port(&a);
        let name = name.trim_end_matches('.');
        self.any_port.iter().any(|n| n == name)
    }
}

/// `host[:port]` into its parts; IPv6 literals keep their brackets.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let rest = &authority[end + 1..];
                (&authority[..=end], rest.strip_prefix(':'))
            }
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (authority, None),
    }
}

/// The request's authority: the Host header, or the target's authority
/// for a request in absolute form.
fn authority(req: &Request) -> Option<String> {
    match req.headers().get(header::HOST) {
        Some(v) => v.to_str().ok().map(str::to_string),
        None => req.uri().authority().map(|a| a.as_str().to_string()),
    }
}

/// Whether a request that changes state comes from the app's own pages.
/// `Sec-Fetch-Site` must be `same-origin` or `none` when present; `Origin`,
/// when present, must be `http(s)://` followed by the request's own Host,
/// or `null` with `Sec-Fetch-Site: same-origin` (a browser sends `null` for
/// a form posted from a page under `Referrer-Policy: no-referrer`, which is
/// ours; both headers are set by the browser, not by the page). Clients
/// that send neither header (curl, scripts) are not browsers a foreign page
/// can drive, and pass.
fn same_origin(headers: &HeaderMap, host: &str) -> Result<(), String> {
    let site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("?"));
    if let Some(site) = site {
        if !matches!(site, "same-origin" | "none") {
            return Err(format!(
                "This request was sent from another site (Sec-Fetch-Site: {site})."
            ));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("?");
        let lower = origin.to_ascii_lowercase();
        let own = ["http://", "https://"]
            .iter()
            .any(|s| lower.strip_prefix(s) == Some(&host.to_ascii_lowercase()))
            || (lower == "null" && site == Some("same-origin"));
        if !own {
            return Err(format!(
                "This request was sent from another origin ({origin}), not from rollgate's own pages."
            ));
        }
    }
    Ok(())
}

/// Middleware: rejects foreign Hosts (421) and cross-origin state changes
/// (403) before any handler runs.
pub async fn check(State(hosts): State<Arc<Hosts>>, req: Request, next: Next) -> Response {
    let Some(host) = authority(&req) else {
        return crate::error_page(
            StatusCode::MISDIRECTED_REQUEST,
            "The request names no host. rollgate answers only requests addressed to it.",
        );
    };
    if !hosts.allows(&host) {
        return crate::error_page(
            StatusCode::MISDIRECTED_REQUEST,
            &format!(
                "rollgate does not answer for host {host:?}: it answers only for the address it listens on and localhost. Behind a reverse proxy, start it with --allow-host NAME."
            ),
        );
    }
    let safe = matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if !safe {
        if let Err(why) = same_origin(req.headers(), &host) {
            return crate::error_page(
                StatusCode::FORBIDDEN,
                &format!("{why} Changes are accepted only from rollgate's own form."),
            );
        }
    }
    next.run(req).await
}

/// Middleware: adds [`SECURITY_HEADERS`] to every response.
pub async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.insert(name, HeaderValue::from_static(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_allow_loopback_names_with_the_bound_port_only() {
        let h = Hosts::new("127.0.0.1:7878".parse().unwrap(), &[]);
        for ok in [
            "127.0.0.1:7878",
            "localhost:7878",
            "LOCALHOST:7878",
            "[::1]:7878",
        ] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:7878",
            "localhost",
            "localhost:80",
            "127.0.0.1:7879",
            "localhost.evil.example:7878",
            "",
        ] {
            assert!(!h.allows(bad), "{bad}");
        }
    }

    #[test]
    fn wildcard_binds_need_allow_host_for_other_names() {
        let h = Hosts::new(
            "0.0.0.0:7878".parse().unwrap(),
            &["Plans.Example.com".into(), "box:9000".into()],
        );
        assert!(!h.allows("0.0.0.0:7878"));
        assert!(h.allows("plans.example.com"));
        assert!(h.allows("plans.example.com:443"));
        assert!(h.allows("plans.example.com."));
        assert!(h.allows("box:9000"));
        assert!(!h.allows("box:9001"));
        assert!(!h.allows("box"));
        let v6 = Hosts::new("[::1]:80".parse().unwrap(), &[]);
        assert!(v6.allows("[::1]"));
        assert!(v6.allows("localhost"));
    }

    #[test]
    fn origins_must_match_the_host() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h, "127.0.0.1:7878").is_ok());
        h.insert(header::ORIGIN, "http://127.0.0.1:7878".parse().unwrap());
        assert!(same_origin(&h, "127.0.0.1:7878").is_ok());
        assert!(same_origin(&h, "localhost:7878").is_err());
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(same_origin(&h, "127.0.0.1:7878").is_err());
        // Our own form under Referrer-Policy: no-referrer.
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(same_origin(&h, "127.0.0.1:7878").is_ok());
        for site in ["none", "same-site", "cross-site"] {
            h.insert("sec-fetch-site", site.parse().unwrap());
            assert!(same_origin(&h, "127.0.0.1:7878").is_err(), "null, {site}");
        }
        h.remove(header::ORIGIN);
        for (site, ok) in [
            ("same-origin", true),
            ("none", true),
            ("same-site", false),
            ("cross-site", false),
        ] {
            h.insert("sec-fetch-site", site.parse().unwrap());
            assert_eq!(same_origin(&h, "127.0.0.1:7878").is_ok(), ok, "{site}");
        }
    }
}
