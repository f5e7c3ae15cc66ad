//! The command-line front end: flag definitions, commands, and the mapping
//! from errors to exit codes (0 ok, 1 a finding the user asked to fail on,
//! 2 an error in the input or the environment). Library logic lives in the
//! pipeline crates; this crate only wires them to a terminal.

mod cli;
mod commands;

use clap::Parser;
use std::ffi::OsString;

pub use cli::Cli;

/// Exit codes, in one place.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FINDING: i32 = 1;
    pub const ERROR: i32 = 2;
}

/// A command's outcome: success, or a finding that should fail the run.
pub enum Outcome {
    Ok,
    Finding,
}

/// Runs rollgate with the given arguments and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    match commands::dispatch(cli) {
        Ok(Outcome::Ok) => exit::OK,
        Ok(Outcome::Finding) => exit::FINDING,
        Err(err) => {
            eprintln!("{}", render_error(&err));
            exit::ERROR
        }
    }
}

fn render_error(err: &anyhow::Error) -> String {
    // Intake errors carry their own file:line:col text; show them whole.
    let mut out = format!("error: {err}");
    for cause in err.chain().skip(1) {
        out.push_str(&format!("\n  caused by: {cause}"));
    }
    out
}

/// Replaces Rust's panic message with a request to report the bug.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "error: rollgate hit a bug{location}: {payload}\nThis is never your input's fault. Please report it with the command you ran and, if you can share it, the input."
        );
        std::process::exit(exit::ERROR);
    }));
}
