//! A metric from Prometheus's instant-query API (`/api/v1/query`): one
//! series or a scalar is a value; no series, several series, NaN or a
//! server that does not answer is no data.

use std::time::Duration;

use serde_json::Value;

use super::{number, MetricSource, Sample};
use crate::bindings::Url;
use crate::http::{encode_component, join, Call};
use crate::secret::Secret;

pub(crate) struct Prometheus {
    pub url: Url,
    pub token: Option<Secret>,
    pub query: String,
    pub timeout: Duration,
}

impl MetricSource for Prometheus {
    fn describe(&self) -> String {
        format!("prometheus {}: {}", self.url.describe(), self.query)
    }

    fn sample(&self) -> Sample {
        let url = format!(
            "{}?query={}",
            join(self.url.expose(), "api/v1/query"),
            encode_component(&self.query)
        );
        let mut call = Call::new("GET", &url, self.timeout);
        if let Some(t) = &self.token {
            call = call.header("Authorization", format!("Bearer {}", t.expose()));
        }
        let reply = match call.send() {
            Ok(r) => r,
            Err(why) => return Sample::none(format!("prometheus: {}", self.url.scrub(&why))),
        };
        match serde_json::from_str::<Value>(&reply.body) {
            Ok(doc) if reply.is_success() => read_result(&doc),
            Ok(doc) => Sample::none(format!(
                "prometheus: HTTP {}: {}",
                reply.status,
                doc["error"].as_str().unwrap_or("no error text")
            )),
            Err(_) => Sample::none(format!("prometheus: {} that is not JSON", reply.gist())),
        }
    }
}

/// Reads `data.result` of a vector or scalar answer.
pub(crate) fn read_result(doc: &Value) -> Sample {
    let data = &doc["data"];
    match data["resultType"].as_str() {
        Some("scalar") => value_pair(&data["result"], "scalar"),
        Some("vector") => match data["result"].as_array().map(Vec::as_slice) {
            Some([one]) => value_pair(&one["value"], "1 series"),
            Some([]) => Sample::none("prometheus: no series (no data for the query)"),
            Some(many) => Sample::none(format!(
                "prometheus: {} series; a gate needs one (aggregate with sum, max or avg)",
                many.len()
            )),
            None => Sample::none("prometheus: vector answer without a result list"),
        },
        Some(other) => Sample::none(format!(
            "prometheus: a {other} answer; a gate needs an instant vector or scalar"
        )),
        None => Sample::none("prometheus: answer without data.resultType"),
    }
}

/// `[timestamp, "value"]` as Prometheus writes a sample.
fn value_pair(pair: &Value, what: &str) -> Sample {
    match pair[1].as_str().map(number) {
        Some(Ok(v)) => Sample::of(v, format!("prometheus: {what}")),
        Some(Err(why)) => Sample::none(format!("prometheus: {why}")),
        None => Sample::none("prometheus: sample without a value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_series_is_a_value_and_nan_is_none() {
        let one = json!({"data": {"resultType": "vector", "result": [{"metric": {}, "value": [1.0, "0.25"]}]}});
        assert_eq!(read_result(&one), Sample::of(0.25, "prometheus: 1 series"));
        let nan = json!({"data": {"resultType": "vector", "result": [{"metric": {}, "value": [1.0, "NaN"]}]}});
        assert_eq!(read_result(&nan).value, None);
        let scalar = json!({"data": {"resultType": "scalar", "result": [1.0, "7"]}});
        assert_eq!(read_result(&scalar).value, Some(7.0));
    }

    #[test]
    fn empty_or_several_series_are_no_data_with_reason() {
        let empty = json!({"data": {"resultType": "vector", "result": []}});
        assert_eq!(
            read_result(&empty).note,
            "prometheus: no series (no data for the query)"
        );
        let two = json!({"data": {"resultType": "vector", "result": [{"value": [1, "1"]}, {"value": [1, "2"]}]}});
        let s = read_result(&two);
        assert_eq!(
            (s.value, s.note.starts_with("prometheus: 2 series")),
            (None, true)
        );
    }
}
