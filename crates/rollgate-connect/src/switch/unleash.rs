//! Unleash (admin API, v6). The mapping: in the bound environment the flag
//! is enabled and carries one flexible-rollout strategy titled `rollgate`
//! whose `rollout` is the phase's percent and whose strategy variants are
//! the plan's states: the target state is the one `variable` variant (it
//! gets all 1000 of the weight), every other state a `fix` variant of
//! weight 0. So an SDK reads `isEnabled` (in the rollout or not) and the
//! variant name (the state). Flipping to the resting state also disables
//! every other enabled strategy of the flag in that environment (per-tenant
//! strategies would otherwise keep serving the new side); disabled, not
//! deleted, so they can be turned on again by hand.

use std::time::Duration;

use serde_json::{json, Value};

use super::{Plan, SwitchAction, SwitchTarget};
use crate::bindings::Url;
use crate::error::ConnectError;
use crate::http::{join, Call, Reply};
use crate::secret::Secret;

const TITLE: &str = "rollgate";

pub(crate) struct Unleash {
    pub url: Url,
    pub token: Secret,
    pub project: String,
    pub environment: String,
    pub create: bool,
    pub stickiness: String,
    pub plan: Plan,
    pub timeout: Duration,
}

impl Unleash {
    fn path(&self, rest: &str) -> String {
        join(
            self.url.expose(),
            &format!("api/admin/projects/{}/features{rest}", self.project),
        )
    }

    fn send(&self, method: &str, rest: &str, body: Option<Value>) -> Result<Reply, ConnectError> {
        let url = self.path(rest);
        let mut call =
            Call::new(method, &url, self.timeout).header("Authorization", self.token.expose());
        if let Some(b) = &body {
            call = call.json(b);
        }
        call.send()
            .map_err(|why| ConnectError::remote(self.system(), self.url.scrub(&why)))
    }

    /// Sends and insists on a 2xx.
    fn ok(&self, method: &str, rest: &str, body: Option<Value>) -> Result<Reply, ConnectError> {
        let reply = self.send(method, rest, body)?;
        if reply.is_success() {
            Ok(reply)
        } else {
            Err(ConnectError::remote(
                self.system(),
                format!("{method} {rest}: {}", reply.gist()),
            ))
        }
    }

    fn system(&self) -> String {
        format!("unleash {}", self.url.describe())
    }

    /// The flag's document, `None` when the flag does not exist.
    fn feature(&self) -> Result<Option<Value>, ConnectError> {
        let reply = self.send("GET", &format!("/{}", self.plan.flag), None)?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => serde_json::from_str(&reply.body)
                .map(Some)
                .map_err(|_| ConnectError::remote(self.system(), "the flag's answer is not JSON")),
            _ => Err(ConnectError::remote(
                self.system(),
                format!("reading flag {}: {}", self.plan.flag, reply.gist()),
            )),
        }
    }

    fn environment<'a>(&self, feature: &'a Value) -> Result<&'a Value, ConnectError> {
        feature["environments"]
            .as_array()
            .and_then(|envs| envs.iter().find(|e| e["name"] == self.environment.as_str()))
            .ok_or_else(|| {
                ConnectError::Switch(format!(
                    "flag {} has no environment {} in project {}",
                    self.plan.flag, self.environment, self.project
                ))
            })
    }

    fn create_flag(&self) -> Result<Value, ConnectError> {
        if !self.create {
            return Err(ConnectError::Switch(format!(
                "flag {} does not exist in Unleash project {}; create it, or set create = true in [switch]",
                self.plan.flag, self.project
            )));
        }
        let body = json!({
            "name": self.plan.flag,
            "type": "kill-switch",
            "description": format!("rollgate kill switch; states: {}", self.plan.states.join(", ")),
        });
        self.ok("POST", "", Some(body))?;
        self.feature()?.ok_or_else(|| {
            ConnectError::remote(self.system(), "the flag was created but cannot be read")
        })
    }

    /// The plan state a variant stands for: its payload, else the state
    /// whose URL-friendly name it has.
    fn state_of_variant<'v>(&'v self, v: &'v Value) -> Option<&'v str> {
        if let Some(exact) = v["payload"]["value"].as_str() {
            if self.plan.states.iter().any(|s| s == exact) {
                return Some(exact);
            }
        }
        let name = v["name"].as_str()?;
        self.plan
            .states
            .iter()
            .find(|s| variant_name(s) == name)
            .map(String::as_str)
    }

    fn strategy_body(&self, t: &SwitchTarget) -> Value {
        let variants: Vec<Value> = self
            .plan
            .states
            .iter()
            .map(|s| {
                let on = *s == t.state;
                json!({
                    "name": variant_name(s),
                    "weight": if on { 1000 } else { 0 },
                    "weightType": if on { "variable" } else { "fix" },
                    "stickiness": self.stickiness,
                    // The exact state, for the application to read.
                    "payload": { "type": "string", "value": s },
                })
            })
            .collect();
        json!({
            "name": "flexibleRollout",
            "title": TITLE,
            "constraints": [],
            "parameters": { "rollout": t.percent.to_string(), "stickiness": self.stickiness, "groupId": self.plan.flag },
            "variants": variants,
            "disabled": false,
        })
    }

    /// Turns off every enabled strategy that is not rollgate's.
    fn disable_others(&self, strategies: &[Value]) -> Result<(), ConnectError> {
        for s in strategies
            .iter()
            .filter(|s| s["title"] != TITLE && s["disabled"] != true)
        {
            let id = s["id"].as_str().unwrap_or_default();
            let mut body = json!({
                "name": s["name"],
                "title": s["title"],
                "constraints": s["constraints"],
                "parameters": s["parameters"],
                "variants": s["variants"],
                "segments": s["segments"],
                "disabled": true,
            });
            strip_nulls(&mut body);
            self.ok("PUT", &self.strategies_path(Some(id)), Some(body))?;
        }
        Ok(())
    }

    fn strategies_path(&self, id: Option<&str>) -> String {
        let base = format!(
            "/{}/environments/{}/strategies",
            self.plan.flag, self.environment
        );
        id.map_or(base.clone(), |id| format!("{base}/{id}"))
    }
}

/// Unleash accepts only URL-friendly variant names; a plan state such as
/// `valkey:25%` becomes `valkey-25pct` (the exact state rides in the
/// variant's payload).
pub(crate) fn variant_name(state: &str) -> String {
    let mut out = String::with_capacity(state.len());
    for c in state.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' | '~' => out.push(c),
            '%' => out.push_str("pct"),
            _ => out.push('-'),
        }
    }
    out
}

/// Two plan states that would share one variant name cannot be told apart
/// when read back: refused before anything is sent.
pub(crate) fn distinct_variant_names(states: &[String]) -> Result<(), ConnectError> {
    let mut seen = std::collections::BTreeMap::new();
    for s in states {
        if let Some(other) = seen.insert(variant_name(s), s) {
            return Err(ConnectError::Switch(format!(
                "the plan states {other:?} and {s:?} would both be the Unleash variant {:?}",
                variant_name(s)
            )));
        }
    }
    Ok(())
}

fn strip_nulls(v: &mut Value) {
    if let Value::Object(map) = v {
        map.retain(|_, x| !x.is_null());
    }
}

fn strategies(env: &Value) -> Vec<Value> {
    env["strategies"].as_array().cloned().unwrap_or_default()
}

impl SwitchAction for Unleash {
    fn describe(&self) -> String {
        format!(
            "unleash {} project {} environment {} flag {}",
            self.url.describe(),
            self.project,
            self.environment,
            self.plan.flag
        )
    }

    fn apply(&self, t: &SwitchTarget) -> Result<(), ConnectError> {
        self.plan.check(t)?;
        let feature = match self.feature()? {
            Some(f) => f,
            None => self.create_flag()?,
        };
        let env = self.environment(&feature)?;
        let all = strategies(env);
        let ours = all.iter().find(|s| s["title"] == TITLE);
        let body = self.strategy_body(t);
        match ours.and_then(|s| s["id"].as_str()) {
            Some(id) => self.ok("PUT", &self.strategies_path(Some(id)), Some(body))?,
            None => self.ok("POST", &self.strategies_path(None), Some(body))?,
        };
        if t.state == self.plan.resting() {
            self.disable_others(&all)?;
        }
        if env["enabled"] != true {
            self.ok(
                "POST",
                &format!("/{}/environments/{}/on", self.plan.flag, self.environment),
                None,
            )?;
        }
        Ok(())
    }

    fn read_back(&self) -> Result<Option<SwitchTarget>, ConnectError> {
        let Some(feature) = self.feature()? else {
            return Ok(None);
        };
        let env = self.environment(&feature)?;
        let all = strategies(env);
        let Some(ours) = all.iter().find(|s| s["title"] == TITLE) else {
            return Ok(None);
        };
        // Off for everyone: every SDK falls back to the resting side.
        if env["enabled"] != true || ours["disabled"] == true {
            return Ok(Some(SwitchTarget {
                state: self.plan.resting().to_string(),
                percent: 0,
            }));
        }
        let percent = ours["parameters"]["rollout"]
            .as_str()
            .and_then(|r| r.parse::<u32>().ok());
        let state = ours["variants"]
            .as_array()
            .and_then(|vs| vs.iter().find(|v| v["weight"] == 1000))
            .and_then(|v| self.state_of_variant(v));
        match (state, percent) {
            (Some(s), Some(p)) => Ok(Some(SwitchTarget { state: s.to_string(), percent: p })),
            _ => Err(ConnectError::Switch(format!(
                "flag {}: the `rollgate` strategy has no variant holding all the weight or no numeric rollout; it was changed outside rollgate",
                self.plan.flag
            ))),
        }
    }
}

#[cfg(test)]
mod variant_names {
    use super::variant_name;

    #[test]
    fn plan_states_become_url_friendly_variant_names() {
        assert_eq!(variant_name("valkey:25%"), "valkey-25pct");
        assert_eq!(variant_name("postmark:bulk-mail"), "postmark-bulk-mail");
        assert_eq!(variant_name("redis"), "redis");
        let clash = ["a:b".to_string(), "a-b".to_string()];
        assert!(super::distinct_variant_names(&clash).is_err());
        assert!(super::distinct_variant_names(&["a".into(), "a:5%".into()]).is_ok());
    }
}
