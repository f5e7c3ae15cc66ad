//! LaunchDarkly, through the semantic-patch REST API. Each plan state is a
//! variation (its `_id` given in the bindings). Applying turns targeting on
//! and sets the fallthrough: the state's variation alone at 100 % (or for
//! the resting state), else a rollout of `percent` on the state's variation
//! and the rest on the resting one. Flipping to the resting state also
//! removes every individual target and repoints every rule that serves
//! another state, so per-tenant targeting is reverted too. Read back by GET.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use super::{Plan, SwitchAction, SwitchTarget};
use crate::bindings::Url;
use crate::error::ConnectError;
use crate::http::{join, Call, Reply};
use crate::secret::Secret;

/// Pinned so the flag document keeps the shape `read` expects whatever
/// version the token defaults to.
const API_VERSION: &str = "20240415";

pub(crate) const SEMANTIC_PATCH: &str = "application/json; domain-model=launchdarkly.semanticpatch";

pub(crate) struct LaunchDarkly {
    pub url: Url,
    pub token: Secret,
    pub project_key: String,
    pub environment_key: String,
    /// Plan state → variation `_id`.
    pub variations: BTreeMap<String, String>,
    pub context_kind: String,
    pub plan: Plan,
    pub timeout: Duration,
}

/// Every plan state needs a variation, and no variation may be named for a
/// state the plan does not have (a typo would silently never be used).
pub(crate) fn check_variations(
    variations: &BTreeMap<String, String>,
    plan: &Plan,
) -> Result<(), ConnectError> {
    let missing: Vec<&str> = plan
        .states
        .iter()
        .filter(|s| !variations.contains_key(*s))
        .map(String::as_str)
        .collect();
    let unknown: Vec<&str> = variations
        .keys()
        .filter(|k| !plan.states.contains(k))
        .map(String::as_str)
        .collect();
    if missing.is_empty() && unknown.is_empty() {
        return Ok(());
    }
    Err(ConnectError::Switch(format!(
        "launchdarkly variations must name each plan state once; missing: [{}], not plan states: [{}]",
        missing.join(", "),
        unknown.join(", ")
    )))
}

impl LaunchDarkly {
    fn flag_url(&self) -> String {
        join(
            self.url.expose(),
            &format!("api/v2/flags/{}/{}", self.project_key, self.plan.flag),
        )
    }

    fn system(&self) -> String {
        format!("launchdarkly {}", self.url.describe())
    }

    fn checked(&self, sent: Result<Reply, String>, what: &str) -> Result<Reply, ConnectError> {
        let reply =
            sent.map_err(|why| ConnectError::remote(self.system(), self.url.scrub(&why)))?;
        if reply.is_success() {
            Ok(reply)
        } else {
            Err(ConnectError::remote(
                self.system(),
                format!("{what} flag {}: {}", self.plan.flag, reply.gist()),
            ))
        }
    }

    fn get_flag(&self) -> Result<Value, ConnectError> {
        let url = format!("{}?env={}", self.flag_url(), self.environment_key);
        let sent = Call::new("GET", &url, self.timeout)
            .header("Authorization", self.token.expose())
            .header("LD-API-Version", API_VERSION)
            .send();
        let reply = self.checked(sent, "reading")?;
        serde_json::from_str(&reply.body)
            .map_err(|_| ConnectError::remote(self.system(), "the flag's answer is not JSON"))
    }

    fn var(&self, state: &str) -> &str {
        self.variations
            .get(state)
            .map(String::as_str)
            .unwrap_or_default()
    }

    fn fallthrough(&self, t: &SwitchTarget) -> Value {
        if t.state == self.plan.resting() || t.percent == 100 {
            return json!({"kind": "updateFallthroughVariationOrRollout", "variationId": self.var(&t.state)});
        }
        let weights = json!({
            self.var(&t.state): t.percent * 1000,
            self.var(self.plan.resting()): (100 - t.percent) * 1000,
        });
        json!({
            "kind": "updateFallthroughVariationOrRollout",
            "rolloutWeights": weights,
            "rolloutContextKind": self.context_kind,
            "rolloutBucketBy": "key",
        })
    }

    /// Instructions that take every target and rule off the other states.
    fn revert_targeting(&self, flag: &Value) -> Vec<Value> {
        let ids = variation_ids(flag);
        let resting = self.var(self.plan.resting());
        let not_resting = |index: &Value| {
            index
                .as_u64()
                .and_then(|i| ids.get(i as usize))
                .is_some_and(|id| *id != resting)
        };
        let env = &flag["environments"][&self.environment_key];
        let mut out = Vec::new();
        for list in ["targets", "contextTargets"] {
            for target in env[list].as_array().into_iter().flatten() {
                let values = target["values"].as_array().filter(|v| !v.is_empty());
                if let (Some(values), true) = (values, not_resting(&target["variation"])) {
                    out.push(json!({
                        "kind": "removeTargets",
                        "contextKind": target["contextKind"].as_str().unwrap_or("user"),
                        "variationId": ids[target["variation"].as_u64().unwrap_or_default() as usize],
                        "values": values,
                    }));
                }
            }
        }
        for rule in env["rules"].as_array().into_iter().flatten() {
            let serves_other = not_resting(&rule["variation"])
                || rule["rollout"]["variations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|w| w["weight"].as_u64().unwrap_or(0) > 0 && not_resting(&w["variation"]));
            if serves_other {
                out.push(json!({"kind": "updateRuleVariationOrRollout", "ruleId": rule["_id"], "variationId": resting}));
            }
        }
        out
    }

    fn patch(&self, t: &SwitchTarget, instructions: Vec<Value>) -> Result<(), ConnectError> {
        let body = json!({
            "environmentKey": self.environment_key,
            "comment": format!("rollgate: {} at {}%", t.state, t.percent),
            "instructions": instructions,
        });
        let url = self.flag_url();
        let sent = Call::new("PATCH", &url, self.timeout)
            .header("Authorization", self.token.expose())
            .header("LD-API-Version", API_VERSION)
            .header("Content-Type", SEMANTIC_PATCH)
            .body(body.to_string().into_bytes())
            .send();
        self.checked(sent, "updating").map(|_| ())
    }

    fn state_of(&self, ids: &[&str], index: &Value) -> Option<String> {
        let id = ids.get(usize::try_from(index.as_u64()?).ok()?)?;
        self.variations
            .iter()
            .find(|(_, v)| v == id)
            .map(|(s, _)| s.clone())
    }

    fn read(&self, flag: &Value) -> Result<SwitchTarget, ConnectError> {
        let ids = variation_ids(flag);
        let env = &flag["environments"][&self.environment_key];
        let fixed = |index: &Value| {
            self.state_of(&ids, index).map(|state| {
                let percent = if state == self.plan.resting() { 0 } else { 100 };
                SwitchTarget { state, percent }
            })
        };
        let odd = |what: &str| {
            ConnectError::Switch(format!(
                "flag {}: {what}; it was set outside rollgate",
                self.plan.flag
            ))
        };
        if env["on"] != true {
            return fixed(&env["offVariation"])
                .ok_or_else(|| odd("targeting is off and the off variation is no plan state"));
        }
        let fall = &env["fallthrough"];
        if !fall["variation"].is_null() {
            return fixed(&fall["variation"])
                .ok_or_else(|| odd("the fallthrough serves a variation that is no plan state"));
        }
        let mut others = Vec::new();
        for w in fall["rollout"]["variations"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let state = self
                .state_of(&ids, &w["variation"])
                .ok_or_else(|| odd("the rollout serves a variation that is no plan state"))?;
            if state != self.plan.resting() {
                others.push((state, w["weight"].as_u64().unwrap_or(0)));
            }
        }
        match others.as_slice() {
            [] => Ok(SwitchTarget {
                state: self.plan.resting().to_string(),
                percent: 0,
            }),
            [(state, weight)] => Ok(SwitchTarget {
                state: state.clone(),
                percent: u32::try_from((weight + 500) / 1000).unwrap_or(100),
            }),
            _ => Err(odd(
                "the fallthrough rollout splits traffic over several states",
            )),
        }
    }
}

/// The flag's variation `_id`s by index (rules and targets name variations
/// by index).
fn variation_ids(flag: &Value) -> Vec<&str> {
    flag["variations"]
        .as_array()
        .map(|vs| {
            vs.iter()
                .map(|v| v["_id"].as_str().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

impl SwitchAction for LaunchDarkly {
    fn describe(&self) -> String {
        format!(
            "launchdarkly {} project {} environment {} flag {}",
            self.url.describe(),
            self.project_key,
            self.environment_key,
            self.plan.flag
        )
    }

    /// The flip back must not wait on reading the flag: if the targets
    /// cannot be read, the fallthrough is still set and the error says what
    /// was left undone.
    fn apply(&self, t: &SwitchTarget) -> Result<(), ConnectError> {
        self.plan.check(t)?;
        let mut instructions = vec![json!({"kind": "turnFlagOn"}), self.fallthrough(t)];
        let mut unread = None;
        if t.state == self.plan.resting() {
            match self.get_flag() {
                Ok(flag) => instructions.extend(self.revert_targeting(&flag)),
                Err(e) => unread = Some(e),
            }
        }
        self.patch(t, instructions)?;
        match unread {
            None => Ok(()),
            Some(e) => Err(ConnectError::Switch(format!(
                "the fallthrough now serves {}, but individual targets and rules were not reverted (the flag could not be read: {e})",
                t.state
            ))),
        }
    }

    fn read_back(&self) -> Result<Option<SwitchTarget>, ConnectError> {
        self.read(&self.get_flag()?).map(Some)
    }

    fn expected(&self, t: &SwitchTarget) -> SwitchTarget {
        if t.state == self.plan.resting() {
            SwitchTarget {
                state: t.state.clone(),
                percent: 0,
            }
        } else {
            t.clone()
        }
    }
}
