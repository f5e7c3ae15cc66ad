//! A metric from an HTTP endpoint: a number at a JSON pointer, the status
//! code, or a body that is a bare number.

use std::time::Duration;

use serde_json::Value;

use super::{number, MetricSource, Sample};
use crate::bindings::Url;
use crate::http::Call;
use crate::secret::Secret;

pub(crate) struct Http {
    pub url: Url,
    pub token: Option<Secret>,
    pub pointer: Option<String>,
    pub status: bool,
    pub timeout: Duration,
}

impl MetricSource for Http {
    fn describe(&self) -> String {
        let what = match (&self.pointer, self.status) {
            (_, true) => "status code".to_string(),
            (Some(p), _) => format!("JSON {p}"),
            (None, _) => "body".to_string(),
        };
        format!("http GET {}: {what}", self.url.describe())
    }

    fn sample(&self) -> Sample {
        let mut call = Call::new("GET", self.url.expose(), self.timeout);
        if let Some(t) = &self.token {
            call = call.header("Authorization", format!("Bearer {}", t.expose()));
        }
        let reply = match call.send() {
            Ok(r) => r,
            Err(why) => return Sample::none(format!("http: {}", self.url.scrub(&why))),
        };
        if self.status {
            return Sample::of(f64::from(reply.status), format!("HTTP {}", reply.status));
        }
        if !reply.is_success() {
            return Sample::none(format!("http: {}", reply.gist()));
        }
        match &self.pointer {
            Some(p) => at_pointer(&reply.body, p),
            None => number(&reply.body).map_or_else(
                |why| Sample::none(format!("http body: {why}")),
                |v| Sample::of(v, "http body"),
            ),
        }
    }
}

/// The number at `pointer`; a numeric string counts, null is no data.
fn at_pointer(body: &str, pointer: &str) -> Sample {
    let Ok(doc) = serde_json::from_str::<Value>(body) else {
        return Sample::none("http: the body is not JSON");
    };
    match doc.pointer(pointer) {
        Some(Value::Number(n)) => n.as_f64().map_or_else(
            || Sample::none("http: number out of range"),
            |v| Sample::of(v, format!("http JSON {pointer}")),
        ),
        Some(Value::String(s)) => number(s).map_or_else(
            |why| Sample::none(format!("http JSON {pointer}: {why}")),
            |v| Sample::of(v, format!("http JSON {pointer}")),
        ),
        Some(Value::Null) | None => Sample::none(format!("http: nothing at {pointer}")),
        Some(_) => Sample::none(format!("http: {pointer} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_reads_numbers_and_numeric_strings() {
        let body = r#"{"checks":{"db":{"latency_ms":12.5,"s":"3","n":null,"o":{}}}}"#;
        assert_eq!(at_pointer(body, "/checks/db/latency_ms").value, Some(12.5));
        assert_eq!(at_pointer(body, "/checks/db/s").value, Some(3.0));
        assert_eq!(
            at_pointer(body, "/checks/db/n").note,
            "http: nothing at /checks/db/n"
        );
        assert_eq!(at_pointer(body, "/checks/db/o").value, None);
        assert_eq!(
            at_pointer("<html>", "/x").note,
            "http: the body is not JSON"
        );
    }
}
