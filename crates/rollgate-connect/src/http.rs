//! One small blocking HTTP client for every remote call: a deadline on the
//! whole call, HTTP error statuses returned as replies (the caller decides
//! what a 404 means), and failures described in words that never repeat
//! the URL (it may carry a token).

use std::time::Duration;

/// A reply of any status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body's first line, shortened: enough to say why a call was
    /// refused without dumping a page.
    pub fn gist(&self) -> String {
        let line = self.body.lines().next().unwrap_or("").trim();
        let short: String = line.chars().take(200).collect();
        format!(
            "HTTP {}{}",
            self.status,
            if short.is_empty() {
                String::new()
            } else {
                format!(": {short}")
            }
        )
    }
}

/// A request to send.
pub struct Call<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
}

impl<'a> Call<'a> {
    pub fn new(method: &'a str, url: &'a str, timeout: Duration) -> Self {
        Self {
            method,
            url,
            headers: Vec::new(),
            body: None,
            timeout,
        }
    }

    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn json(self, value: &serde_json::Value) -> Self {
        let mut call = self.header("Content-Type", "application/json");
        call.body = Some(value.to_string().into_bytes());
        call
    }

    pub fn body(mut self, bytes: Vec<u8>) -> Self {
        self.body = Some(bytes);
        self
    }

    /// Sends the call; `Err` carries words only (no URL, no body).
    pub fn send(self) -> Result<Reply, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let mut builder = ureq::http::Request::builder()
            .method(self.method)
            .uri(self.url);
        for (name, value) in &self.headers {
            builder = builder.header(*name, value.as_str());
        }
        let sent = match self.body {
            Some(bytes) => builder.body(bytes).map(|r| agent.run(r)),
            None => builder.body(()).map(|r| agent.run(r)),
        };
        let mut response = sent
            .map_err(|_| "not a valid request (check the URL and method)".to_string())?
            .map_err(|e| describe(&e, self.url))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("reading the reply: {}", describe(&e, self.url)))?;
        Ok(Reply { status, body })
    }
}

fn describe(e: &ureq::Error, url: &str) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".into(),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::BadUri(_) => "not a valid URL".into(),
        ureq::Error::Io(io) => format!("connection error: {}", io.kind()),
        other => other.to_string().replace(url, "<url>"),
    }
}

/// Percent-encodes a query-string component (RFC 3986 unreserved kept).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Joins a base URL and a path without doubling or dropping the slash.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_promql() {
        assert_eq!(
            encode_component("sum(x{a=~\"5..\"}) / 2"),
            "sum%28x%7Ba%3D~%225..%22%7D%29%20%2F%202"
        );
    }

    #[test]
    fn https_urls_are_spoken_with_tls() {
        // A listener that answers the TLS hello with plain text: the client
        // must have tried TLS (so https is built in) and failed on it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                use std::io::Write;
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\n\r\nplain");
            }
        });
        let url = format!("https://127.0.0.1:{port}/");
        let err = Call::new("GET", &url, Duration::from_secs(5))
            .send()
            .unwrap_err();
        assert!(!err.contains("scheme"), "{err}");
        assert!(
            err.to_lowercase().contains("tls")
                || err.contains("rustls")
                || err.contains("connection error"),
            "{err}"
        );
    }

    #[test]
    fn a_refused_connection_names_no_url() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/hooks/T0/SECRET");
        let err = Call::new("GET", &url, Duration::from_secs(2))
            .send()
            .unwrap_err();
        assert!(!err.contains("SECRET"), "{err}");
    }
}
