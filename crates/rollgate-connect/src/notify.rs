//! Notices to a Slack-compatible incoming webhook: `{"text": …}`.

use std::time::Duration;

use crate::error::ConnectError;
use crate::http::Call;
use crate::secret::Secret;

/// Posts notices to the webhook from `[notify]`. The webhook URL is a
/// secret: it is never printed, and errors name only where it came from.
#[derive(Debug, Clone)]
pub struct Notifier {
    url: Secret,
    timeout: Duration,
}

impl Notifier {
    pub(crate) fn new(url: Secret, timeout: Duration) -> Self {
        Self { url, timeout }
    }

    /// Where the webhook URL came from, safe to print.
    pub fn describe(&self) -> String {
        format!("webhook from {}", self.url.from())
    }

    /// Posts `text`; a non-2xx answer is an error.
    pub fn send(&self, text: &str) -> Result<(), ConnectError> {
        let body = serde_json::json!({ "text": text });
        let system = || format!("notify ({})", self.describe());
        let reply = Call::new("POST", self.url.expose(), self.timeout)
            .json(&body)
            .send()
            .map_err(|why| ConnectError::remote(system(), self.url.scrub(&why)))?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(ConnectError::remote(
                system(),
                self.url.scrub(&reply.gist()),
            ))
        }
    }
}
