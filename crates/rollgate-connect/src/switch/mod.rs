//! The kill switch: setting the team's tool to a plan state and share of
//! traffic, and reading back what the tool really holds (the runner
//! reconciles an intent without a result by that reading).

mod command;
mod file;
mod launchdarkly;
mod unleash;
mod web;

use std::collections::BTreeMap;
use std::time::Duration;

use toml::Spanned;

use crate::bindings::{Parser, RawSwitch, UrlRef};
use crate::error::ConnectError;
use crate::metrics::url_of;
use crate::secret::{Secret, SecretRef};

/// Where the switch should stand: a kill-switch state named by the plan,
/// and the share of traffic (0–100) on the new side in the phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchTarget {
    pub state: String,
    pub percent: u32,
}

/// One kill-switch tool, bound to the plan's flag and states.
pub trait SwitchAction: Send + Sync {
    /// The tool, flag and place, safe to print (no secrets).
    fn describe(&self) -> String;
    /// Sets the tool to `t`. Fails before touching the tool when `t.state`
    /// is not a plan state or `t.percent` is over 100.
    fn apply(&self, t: &SwitchTarget) -> Result<(), ConnectError>;
    /// What the tool holds now; `Ok(None)` when it holds nothing rollgate
    /// set (no flag, no file) or the binding has no way to read it.
    fn read_back(&self) -> Result<Option<SwitchTarget>, ConnectError>;
    /// What `read_back` reports after `apply(t)` succeeded. The same `t`,
    /// except for tools that cannot hold a percent for the resting state
    /// (LaunchDarkly serves the resting variation to all: percent 0).
    fn expected(&self, t: &SwitchTarget) -> SwitchTarget {
        t.clone()
    }
}

/// A `[switch]` as parsed; secrets not yet read.
#[derive(Debug, Clone)]
pub(crate) struct SwitchSpec {
    kind: Kind,
    flag: Option<String>,
    timeout: Duration,
}

#[derive(Debug, Clone)]
enum Kind {
    Unleash {
        url: UrlRef,
        token: SecretRef,
        project: String,
        environment: String,
        create: bool,
        stickiness: String,
    },
    LaunchDarkly {
        url: UrlRef,
        token: SecretRef,
        project_key: String,
        environment_key: String,
        variations: BTreeMap<String, String>,
        context_kind: String,
    },
    File {
        path: String,
        format: file::Format,
        key: Option<String>,
        reload: Option<Vec<String>>,
    },
    Http(web::HttpSpec),
    Command {
        command: Vec<String>,
        read_command: Option<Vec<String>>,
    },
}

/// The plan's side of a switch: its flag and its states, the first being
/// the resting one (the way back).
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub flag: String,
    pub states: Vec<String>,
}

impl Plan {
    pub fn resting(&self) -> &str {
        &self.states[0]
    }

    /// Refuses a target the plan does not have, before any tool is touched.
    pub fn check(&self, t: &SwitchTarget) -> Result<(), ConnectError> {
        if !self.states.contains(&t.state) {
            return Err(ConnectError::Switch(format!(
                "`{}` is not a state of this plan ({})",
                t.state,
                self.states.join(", ")
            )));
        }
        if t.percent > 100 {
            return Err(ConnectError::Switch(format!(
                "percent {} is over 100",
                t.percent
            )));
        }
        Ok(())
    }

    /// `{state}`, `{percent}` and `{flag}` filled in; `escape` is applied
    /// to the values (JSON string escaping for JSON bodies).
    pub fn fill(&self, template: &str, t: &SwitchTarget, escape: fn(&str) -> String) -> String {
        template
            .replace("{state}", &escape(&t.state))
            .replace("{percent}", &t.percent.to_string())
            .replace("{flag}", &escape(&self.flag))
    }
}

type Resolve<'a> = &'a dyn Fn(&SecretRef) -> Result<Secret, String>;

pub(crate) fn build(
    spec: &SwitchSpec,
    plan_flag: &str,
    plan_states: &[String],
    resolve: Resolve<'_>,
) -> Result<Box<dyn SwitchAction>, ConnectError> {
    if plan_states.is_empty() {
        return Err(ConnectError::Switch(
            "the plan names no kill-switch states".into(),
        ));
    }
    let plan = Plan {
        flag: spec.flag.clone().unwrap_or_else(|| plan_flag.to_string()),
        states: plan_states.to_vec(),
    };
    let secret = |r: &SecretRef| {
        resolve(r).map_err(|reason| ConnectError::Secret {
            from: r.describe(),
            reason,
        })
    };
    let url = |u: &UrlRef| {
        url_of(u, resolve).map_err(|reason| ConnectError::Switch(format!("switch url: {reason}")))
    };
    let timeout = spec.timeout;
    Ok(match &spec.kind {
        Kind::Unleash {
            url: u,
            token,
            project,
            environment,
            create,
            stickiness,
        } => Box::new(unleash::Unleash {
            url: {
                unleash::distinct_variant_names(&plan.states)?;
                url(u)?
            },
            token: secret(token)?,
            project: project.clone(),
            environment: environment.clone(),
            create: *create,
            stickiness: stickiness.clone(),
            plan,
            timeout,
        }),
        Kind::LaunchDarkly {
            url: u,
            token,
            project_key,
            environment_key,
            variations,
            context_kind,
        } => {
            launchdarkly::check_variations(variations, &plan)?;
            Box::new(launchdarkly::LaunchDarkly {
                url: url(u)?,
                token: secret(token)?,
                project_key: project_key.clone(),
                environment_key: environment_key.clone(),
                variations: variations.clone(),
                context_kind: context_kind.clone(),
                plan,
                timeout,
            })
        }
        Kind::File {
            path,
            format,
            key,
            reload,
        } => Box::new(file::FileSwitch::new(
            path,
            *format,
            key.clone(),
            reload.clone(),
            plan,
            timeout,
        )),
        Kind::Http(h) => Box::new(web::HttpSwitch::new(
            h,
            url(&h.url)?,
            h.token.as_ref().map(secret).transpose()?,
            plan,
            timeout,
        )),
        Kind::Command {
            command,
            read_command,
        } => Box::new(command::CommandSwitch {
            command: command.clone(),
            read_command: read_command.clone(),
            plan,
            timeout,
        }),
    })
}

/// Checks a raw `[switch]` table; problems go to the parser.
pub(crate) fn spec(p: &mut Parser<'_>, raw: RawSwitch) -> Option<SwitchSpec> {
    let kind_name = raw.kind.get_ref().clone();
    let allowed: &[&str] = match kind_name.as_str() {
        "unleash" => &[
            "url",
            "url_env",
            "url_file",
            "token_env",
            "token_file",
            "project",
            "environment",
            "create",
            "stickiness",
        ],
        "launchdarkly" => &[
            "url",
            "url_env",
            "url_file",
            "token_env",
            "token_file",
            "project_key",
            "environment_key",
            "variations",
            "context_kind",
        ],
        "file" => &["path", "format", "key", "reload"],
        "http" => &[
            "url",
            "url_env",
            "url_file",
            "token_env",
            "token_file",
            "method",
            "body",
            "content_type",
            "headers",
            "read_url",
            "state_pointer",
            "percent_pointer",
        ],
        "command" => &["command", "read_command"],
        _ => {
            p.problem(
                &raw.kind,
                "switch kind is one of unleash, launchdarkly, file, http, command",
            );
            return None;
        }
    };
    p.only(&kind_name, "switch kind", allowed, &switch_fields(&raw));
    let timeout = p.duration(
        &raw.timeout,
        Duration::from_secs(if kind_name == "command" || kind_name == "file" {
            30
        } else {
            10
        }),
    );
    let flag = raw.flag.as_ref().map(|f| f.get_ref().clone());
    let kind = match kind_name.as_str() {
        "unleash" => unleash_kind(p, &raw),
        "launchdarkly" => launchdarkly_kind(p, &raw),
        "file" => file_kind(p, &raw),
        "http" => web::spec(p, &raw).map(Kind::Http),
        _ => Some(Kind::Command {
            command: p.argv(&raw.command, "command", &raw.kind)?,
            read_command: optional_argv(p, &raw.read_command),
        }),
    }?;
    Some(SwitchSpec {
        kind,
        flag,
        timeout,
    })
}

fn text(v: &Option<Spanned<String>>, default: &str) -> String {
    v.as_ref()
        .map(|s| s.get_ref().clone())
        .unwrap_or_else(|| default.to_string())
}

fn token(p: &mut Parser<'_>, raw: &RawSwitch) -> Option<SecretRef> {
    let t = p.secret_ref(&raw.token_env, &raw.token_file, "token");
    if t.is_none() {
        p.problem(
            &raw.kind,
            format!(
                "a {} switch needs token_env or token_file",
                raw.kind.get_ref()
            ),
        );
    }
    t
}

fn unleash_kind(p: &mut Parser<'_>, raw: &RawSwitch) -> Option<Kind> {
    let url = p.url(&raw.url, &raw.url_env, &raw.url_file, &raw.kind);
    let token = token(p, raw);
    Some(Kind::Unleash {
        url: url?,
        token: token?,
        project: text(&raw.project, "default"),
        environment: text(&raw.environment, "production"),
        create: raw.create.as_ref().is_some_and(|c| *c.get_ref()),
        stickiness: text(&raw.stickiness, "default"),
    })
}

fn launchdarkly_kind(p: &mut Parser<'_>, raw: &RawSwitch) -> Option<Kind> {
    let url = match (&raw.url, &raw.url_env, &raw.url_file) {
        (None, None, None) => Some(UrlRef::Plain("https://app.launchdarkly.com".into())),
        _ => p.url(&raw.url, &raw.url_env, &raw.url_file, &raw.kind),
    };
    let token = token(p, raw);
    let project_key = p.required(&raw.project_key, "project_key", &raw.kind);
    let environment_key = p.required(&raw.environment_key, "environment_key", &raw.kind);
    let variations = p.required(&raw.variations, "variations", &raw.kind);
    Some(Kind::LaunchDarkly {
        url: url?,
        token: token?,
        project_key: project_key?,
        environment_key: environment_key?,
        variations: variations?,
        context_kind: text(&raw.context_kind, "user"),
    })
}

fn file_kind(p: &mut Parser<'_>, raw: &RawSwitch) -> Option<Kind> {
    let path = p.required(&raw.path, "path", &raw.kind);
    let format = match raw.format.as_ref().map(|f| f.get_ref().as_str()) {
        None | Some("plain") => file::Format::Plain,
        Some("env") => file::Format::Env,
        Some("json") => file::Format::Json,
        Some(_) => {
            if let Some(f) = &raw.format {
                p.problem(f, "format is one of plain, env, json");
            }
            return None;
        }
    };
    if let (Some(k), false) = (&raw.key, format == file::Format::Env) {
        p.problem(k, "`key` applies to format = \"env\" only");
    }
    Some(Kind::File {
        path: path?,
        format,
        key: raw.key.as_ref().map(|k| k.get_ref().clone()),
        reload: optional_argv(p, &raw.reload),
    })
}

fn optional_argv(p: &mut Parser<'_>, v: &Option<Spanned<Vec<String>>>) -> Option<Vec<String>> {
    let argv = v.as_ref()?;
    if argv.get_ref().first().is_none_or(|s| s.is_empty()) {
        p.problem(argv, "a command is a list: the program, then its arguments");
        return None;
    }
    Some(argv.get_ref().clone())
}

fn switch_fields(r: &RawSwitch) -> Vec<(&'static str, std::ops::Range<usize>)> {
    let mut v = Vec::new();
    macro_rules! add {
        ($($name:ident),*) => {
            $( if let Some(s) = &r.$name { v.push((stringify!($name), s.span())); } )*
        };
    }
    add!(
        url,
        url_env,
        url_file,
        token_env,
        token_file,
        project,
        environment,
        create,
        stickiness
    );
    add!(
        project_key,
        environment_key,
        variations,
        context_kind,
        path,
        format,
        key,
        reload
    );
    add!(
        method,
        body,
        content_type,
        headers,
        read_url,
        state_pointer,
        percent_pointer,
        command,
        read_command
    );
    v
}

/// JSON string escaping without the quotes (the template has them).
pub(crate) fn json_escape(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

pub(crate) fn verbatim(s: &str) -> String {
    s.to_string()
}

/// Reads `state percent` or `{"state": …, "percent": …}` (what a read
/// command prints, what a plain switch file holds).
pub(crate) fn parse_reading(text: &str) -> Option<SwitchTarget> {
    let t = text.trim();
    if t.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(t).ok()?;
        let state = v.get("state")?.as_str()?.to_string();
        let percent = percent_of(v.get("percent")?)?;
        return Some(SwitchTarget { state, percent });
    }
    let mut words = t.split_whitespace();
    let state = words.next()?.to_string();
    let percent = words.next()?.parse().ok().filter(|p: &u32| *p <= 100)?;
    words
        .next()
        .is_none()
        .then_some(SwitchTarget { state, percent })
}

/// A percent as a JSON number or numeric string, 0–100.
pub(crate) fn percent_of(v: &serde_json::Value) -> Option<u32> {
    let n = match v {
        serde_json::Value::Number(n) => n.as_u64()?,
        serde_json::Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u32::try_from(n).ok().filter(|p| *p <= 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_in_both_forms() {
        let t = SwitchTarget {
            state: "reads-new".into(),
            percent: 25,
        };
        assert_eq!(parse_reading("reads-new 25\n"), Some(t.clone()));
        assert_eq!(
            parse_reading(r#"{"state":"reads-new","percent":"25"}"#),
            Some(t)
        );
        assert_eq!(parse_reading("reads-new"), None);
        assert_eq!(parse_reading("a 101"), None);
        assert_eq!(parse_reading(r#"{"state":"a","percent":101}"#), None);
    }

    #[test]
    fn plan_refuses_unknown_states_and_percents_over_100() {
        let plan = Plan {
            flag: "f".into(),
            states: vec!["old".into(), "new".into()],
        };
        assert!(plan
            .check(&SwitchTarget {
                state: "old".into(),
                percent: 0
            })
            .is_ok());
        let e = plan
            .check(&SwitchTarget {
                state: "neu".into(),
                percent: 5,
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "switch: `neu` is not a state of this plan (old, new)"
        );
        assert!(plan
            .check(&SwitchTarget {
                state: "new".into(),
                percent: 101
            })
            .is_err());
    }

    #[test]
    fn templates_escape_json_values() {
        let plan = Plan {
            flag: "f\"x".into(),
            states: vec!["a".into()],
        };
        let t = SwitchTarget {
            state: "a".into(),
            percent: 7,
        };
        assert_eq!(
            plan.fill(
                r#"{"flag":"{flag}","s":"{state}","p":{percent}}"#,
                &t,
                json_escape
            ),
            r#"{"flag":"f\"x","s":"a","p":7}"#
        );
    }
}
