//! A switch set by an HTTP call with a templated body ({state} {percent}
//! {flag}), read back by an optional GET and two JSON pointers.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{json_escape, percent_of, verbatim, Plan, SwitchAction, SwitchTarget};
use crate::bindings::{Parser, RawSwitch, Url, UrlRef};
use crate::error::ConnectError;
use crate::http::Call;
use crate::secret::{Secret, SecretRef};

#[derive(Debug, Clone)]
pub(crate) struct HttpSpec {
    pub url: UrlRef,
    pub token: Option<SecretRef>,
    method: String,
    body: String,
    content_type: String,
    headers: BTreeMap<String, String>,
    read: Option<Read>,
}

#[derive(Debug, Clone)]
struct Read {
    url: String,
    state_pointer: String,
    percent_pointer: String,
}

pub(crate) fn spec(p: &mut Parser<'_>, raw: &RawSwitch) -> Option<HttpSpec> {
    let url = p.url(&raw.url, &raw.url_env, &raw.url_file, &raw.kind);
    let token = p.secret_ref(&raw.token_env, &raw.token_file, "token");
    let body = p.required(&raw.body, "body", &raw.kind);
    let method = raw
        .method
        .as_ref()
        .map_or("PUT".to_string(), |m| m.get_ref().to_ascii_uppercase());
    if let Some(m) = raw
        .method
        .as_ref()
        .filter(|_| !["POST", "PUT", "PATCH"].contains(&method.as_str()))
    {
        p.problem(m, "method is POST, PUT or PATCH");
    }
    let read = match (&raw.read_url, &raw.state_pointer, &raw.percent_pointer) {
        (None, None, None) => None,
        (Some(u), Some(s), Some(pc)) => Some(Read {
            url: u.get_ref().clone(),
            state_pointer: s.get_ref().clone(),
            percent_pointer: pc.get_ref().clone(),
        }),
        _ => {
            p.problem(&raw.kind, "reading an http switch back needs all of read_url, state_pointer and percent_pointer");
            None
        }
    };
    Some(HttpSpec {
        url: url?,
        token,
        method,
        body: body?,
        content_type: raw
            .content_type
            .as_ref()
            .map_or("application/json".to_string(), |c| c.get_ref().clone()),
        headers: raw
            .headers
            .as_ref()
            .map(|h| h.get_ref().clone())
            .unwrap_or_default(),
        read,
    })
}

pub(crate) struct HttpSwitch {
    spec: HttpSpec,
    url: Url,
    token: Option<Secret>,
    plan: Plan,
    timeout: Duration,
}

impl HttpSwitch {
    pub fn new(
        spec: &HttpSpec,
        url: Url,
        token: Option<Secret>,
        plan: Plan,
        timeout: Duration,
    ) -> Self {
        Self {
            spec: spec.clone(),
            url,
            token,
            plan,
            timeout,
        }
    }

    fn call<'a>(&'a self, method: &'a str, url: &'a str) -> Call<'a> {
        let mut call = Call::new(method, url, self.timeout);
        for (k, v) in &self.spec.headers {
            call = call.header(k, v.clone());
        }
        if let Some(t) = &self.token {
            call = call.header("Authorization", format!("Bearer {}", t.expose()));
        }
        call
    }

    fn remote(&self, why: String) -> ConnectError {
        ConnectError::remote(
            format!("http switch {}", self.url.describe()),
            self.url.scrub(&why),
        )
    }
}

impl SwitchAction for HttpSwitch {
    fn describe(&self) -> String {
        format!(
            "http {} {} (flag {})",
            self.spec.method,
            self.url.describe(),
            self.plan.flag
        )
    }

    fn apply(&self, t: &SwitchTarget) -> Result<(), ConnectError> {
        self.plan.check(t)?;
        let escape = if self.spec.content_type.contains("json") {
            json_escape
        } else {
            verbatim
        };
        let body = self.plan.fill(&self.spec.body, t, escape);
        let reply = self
            .call(&self.spec.method, self.url.expose())
            .header("Content-Type", self.spec.content_type.clone())
            .body(body.into_bytes())
            .send()
            .map_err(|why| self.remote(why))?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(self.remote(reply.gist()))
        }
    }

    fn read_back(&self) -> Result<Option<SwitchTarget>, ConnectError> {
        let Some(read) = &self.spec.read else {
            return Ok(None);
        };
        let reply = self
            .call("GET", &read.url)
            .send()
            .map_err(|why| self.remote(why))?;
        if !reply.is_success() {
            return Err(self.remote(format!("read_url: {}", reply.gist())));
        }
        let doc: serde_json::Value = serde_json::from_str(&reply.body)
            .map_err(|_| self.remote("read_url: the body is not JSON".into()))?;
        let state = doc.pointer(&read.state_pointer).and_then(|v| v.as_str());
        let percent = doc.pointer(&read.percent_pointer).and_then(percent_of);
        match (state, percent) {
            (Some(s), Some(p)) => Ok(Some(SwitchTarget {
                state: s.to_string(),
                percent: p,
            })),
            _ => Err(self.remote(format!(
                "read_url: no state string at {} or no percent 0-100 at {}",
                read.state_pointer, read.percent_pointer
            ))),
        }
    }
}
