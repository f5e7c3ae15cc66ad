//! A metric read from a command: a number on stdout, or its exit code.

use std::time::Duration;

use super::{number, shorten, MetricSource, Sample};
use crate::process;

pub(crate) struct CommandSource {
    pub argv: Vec<String>,
    pub exit_code: bool,
    pub timeout: Duration,
}

impl MetricSource for CommandSource {
    fn describe(&self) -> String {
        format!("command {}", self.argv.join(" "))
    }

    fn sample(&self) -> Sample {
        let done = match process::run(&self.argv, None, self.timeout) {
            Ok(done) => done,
            Err(why) => return Sample::none(format!("command {why}")),
        };
        let Some(code) = done.code else {
            return Sample::none("command was ended by a signal");
        };
        if self.exit_code {
            return Sample::of(f64::from(code), format!("exit code {code}"));
        }
        if code != 0 {
            return Sample::none(format!(
                "command exited with {code}: {}",
                shorten(done.stderr.trim())
            ));
        }
        let first = done.stdout.split_whitespace().next().unwrap_or("");
        match number(first) {
            Ok(v) => Sample::of(v, "read from stdout"),
            Err(_) if first.is_empty() => Sample::none("command printed nothing"),
            Err(why) => Sample::none(format!("stdout: {why}")),
        }
    }
}
