//! A switch set by a command (argv template with {state} {percent}
//! {flag}), read back by an optional read command that prints
//! `state percent` or `{"state": …, "percent": …}`.

use std::time::Duration;

use super::{parse_reading, verbatim, Plan, SwitchAction, SwitchTarget};
use crate::error::ConnectError;
use crate::metrics::shorten;
use crate::process;

pub(crate) struct CommandSwitch {
    pub command: Vec<String>,
    pub read_command: Option<Vec<String>>,
    pub plan: Plan,
    pub timeout: Duration,
}

impl SwitchAction for CommandSwitch {
    fn describe(&self) -> String {
        format!(
            "command {} (flag {})",
            self.command.join(" "),
            self.plan.flag
        )
    }

    fn apply(&self, t: &SwitchTarget) -> Result<(), ConnectError> {
        self.plan.check(t)?;
        let argv: Vec<String> = self
            .command
            .iter()
            .map(|a| self.plan.fill(a, t, verbatim))
            .collect();
        run_ok(&argv, self.timeout).map(|_| ())
    }

    fn read_back(&self) -> Result<Option<SwitchTarget>, ConnectError> {
        let Some(read) = &self.read_command else {
            return Ok(None);
        };
        let argv: Vec<String> = read
            .iter()
            .map(|a| a.replace("{flag}", &self.plan.flag))
            .collect();
        let out = run_ok(&argv, self.timeout)?;
        parse_reading(&out)
            .map(Some)
            .ok_or_else(|| ConnectError::Command {
                program: argv[0].clone(),
                message: format!(
                    "printed {:?}, not `state percent` or {{\"state\":…,\"percent\":…}}",
                    shorten(out.trim())
                ),
            })
    }
}

/// Runs a command and returns its stdout; a non-zero exit is an error
/// carrying the first line of stderr.
pub(crate) fn run_ok(argv: &[String], timeout: Duration) -> Result<String, ConnectError> {
    let program = argv.first().cloned().unwrap_or_default();
    let done = process::run(argv, None, timeout).map_err(|why| ConnectError::Command {
        program: program.clone(),
        message: why.to_string(),
    })?;
    match done.code {
        Some(0) => Ok(done.stdout),
        code => Err(ConnectError::Command {
            program,
            message: format!(
                "exited with {}: {}",
                code.map_or("a signal".to_string(), |c| c.to_string()),
                shorten(done.stderr.lines().next().unwrap_or("").trim())
            ),
        }),
    }
}
