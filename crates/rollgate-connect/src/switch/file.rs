//! A switch kept in a file the application reads: plain (`state percent`),
//! an env file (`KEY=state`, `KEY_PERCENT=percent`, other lines kept), or
//! JSON. Written atomically (a temporary file in the same directory, then
//! rename), then an optional reload command.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::command::run_ok;
use super::{parse_reading, percent_of, verbatim, Plan, SwitchAction, SwitchTarget};
use crate::error::ConnectError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Plain,
    Env,
    Json,
}

pub(crate) struct FileSwitch {
    path: PathBuf,
    format: Format,
    key: String,
    reload: Option<Vec<String>>,
    plan: Plan,
    timeout: Duration,
}

impl FileSwitch {
    pub fn new(
        path: &str,
        format: Format,
        key: Option<String>,
        reload: Option<Vec<String>>,
        plan: Plan,
        timeout: Duration,
    ) -> Self {
        // The env key defaults to the flag in shell spelling: POSTGRESQL_TARGET.
        let key = key.unwrap_or_else(|| {
            plan.flag
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect()
        });
        Self {
            path: PathBuf::from(path),
            format,
            key,
            reload,
            plan,
            timeout,
        }
    }

    fn err(&self, message: impl Into<String>) -> ConnectError {
        ConnectError::File {
            path: self.path.display().to_string(),
            message: message.into(),
        }
    }

    fn render(&self, t: &SwitchTarget, old: &str) -> String {
        match self.format {
            Format::Plain => format!("{} {}\n", t.state, t.percent),
            Format::Json => format!(
                "{}\n",
                serde_json::json!({"flag": self.plan.flag, "state": t.state, "percent": t.percent})
            ),
            Format::Env => {
                let (k, kp) = (format!("{}=", self.key), format!("{}_PERCENT=", self.key));
                let mut lines: Vec<String> = old
                    .lines()
                    .filter(|l| !l.starts_with(&k) && !l.starts_with(&kp))
                    .map(str::to_string)
                    .collect();
                lines.push(format!("{k}{}", t.state));
                lines.push(format!("{kp}{}", t.percent));
                lines.join("\n") + "\n"
            }
        }
    }

    fn parse(&self, text: &str) -> Option<SwitchTarget> {
        match self.format {
            Format::Plain => parse_reading(text),
            Format::Json => {
                let v: serde_json::Value = serde_json::from_str(text).ok()?;
                Some(SwitchTarget {
                    state: v.get("state")?.as_str()?.to_string(),
                    percent: percent_of(v.get("percent")?)?,
                })
            }
            Format::Env => {
                let value = |key: String| {
                    text.lines()
                        .find_map(|l| l.strip_prefix(&key))
                        .map(|v| v.trim().trim_matches('"').to_string())
                };
                let state = value(format!("{}=", self.key))?;
                let percent = percent_of(&serde_json::Value::String(value(format!(
                    "{}_PERCENT=",
                    self.key
                ))?))?;
                Some(SwitchTarget { state, percent })
            }
        }
    }
}

impl SwitchAction for FileSwitch {
    fn describe(&self) -> String {
        format!(
            "file {} ({:?}, flag {})",
            self.path.display(),
            self.format,
            self.plan.flag
        )
    }

    fn apply(&self, t: &SwitchTarget) -> Result<(), ConnectError> {
        self.plan.check(t)?;
        let old = std::fs::read_to_string(&self.path).unwrap_or_default();
        write_atomically(&self.path, self.render(t, &old).as_bytes())
            .map_err(|e| self.err(format!("writing: {}", e.kind())))?;
        if let Some(reload) = &self.reload {
            let argv: Vec<String> = reload
                .iter()
                .map(|a| self.plan.fill(a, t, verbatim))
                .collect();
            run_ok(&argv, self.timeout)
                .map_err(|e| self.err(format!("written, but the reload failed: {e}")))?;
        }
        Ok(())
    }

    fn read_back(&self) -> Result<Option<SwitchTarget>, ConnectError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.err(format!("reading: {}", e.kind()))),
        };
        self.parse(&text).map(Some).ok_or_else(|| {
            self.err(format!(
                "holds no {:?} switch reading rollgate can parse",
                self.format
            ))
        })
    }
}

/// Readers see the old file or the new one, never half of either. The new
/// file keeps the old one's mode and (where allowed) owner, so the
/// application can still read it.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.rollgate-{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    if let Ok(old) = std::fs::metadata(path) {
        std::fs::set_permissions(&tmp, old.permissions())?;
        // Only root may give a file away; anyone else keeps their own.
        let _ = std::os::unix::fs::chown(&tmp, Some(old.uid()), Some(old.gid()));
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
