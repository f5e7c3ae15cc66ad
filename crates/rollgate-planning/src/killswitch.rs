//! The kill switch: built from what the team has, with states that say what
//! each one does and until when flipping to it is safe.

use crate::ctx::{because, slug, Ctx, Switch};
use crate::family::{fill, Vars};
use crate::model::{KillSwitch, Phase, Step, SwitchState};
use crate::strategy::{Chosen, StrategyId};

/// State names used by phases; kept in one place so phases and the switch
/// cannot disagree.
pub struct States {
    pub old: String,
    pub reads_new: String,
    pub paused: String,
    pub new: String,
}

pub fn states(cx: &Ctx<'_>) -> States {
    let named = cx.playbook.and_then(|p| p.words.state_names.clone());
    let (o, n) = named.unwrap_or_else(|| (cx.short(true), cx.short(false)));
    let (o, n) = if o == n {
        ("old".to_string(), "new".to_string())
    } else {
        (o, n)
    };
    States {
        old: o.clone(),
        reads_new: format!("reads-{n}"),
        paused: "writes-paused".into(),
        new: n,
    }
}

pub fn flag_name(cx: &Ctx<'_>) -> String {
    let what = cx
        .facts
        .source
        .technology
        .as_ref()
        .map(|t| slug(&t.value.name))
        .unwrap_or_else(|| "migration".into());
    format!("{what}-target")
}

/// How to set the switch to `state`, as steps.
pub fn flip_steps(cx: &Ctx<'_>, state: &str, reason: &str) -> Vec<Step> {
    let flag = flag_name(cx);
    if let Some(pb) = cx.playbook {
        let vars = Vars::base(cx, Some(pb))
            .with("state", state)
            .with("reason", reason);
        // A release is switched by the deploy itself: the platform's own
        // rollback where the input names one, else a redeploy.
        if pb.routing.kind == "releases" {
            if let Some(pf) = crate::family::platform(cx) {
                let text = fill(&pf.flip, &vars);
                let step = pf
                    .command
                    .as_deref()
                    .and_then(|c| cx.command(c, &[]))
                    .map(|mut s| {
                        s.description = text.clone();
                        s
                    });
                return vec![step.unwrap_or_else(|| cx.step(text))];
            }
            return vec![cx.step(fill(
                &pb.words.switch.flip,
                &vars.with("scope", "every instance"),
            ))];
        }
        if matches!(cx.switch, Switch::None) {
            let scope = format!("the {} moved so far", pb.routing.units);
            return vec![cx.step(fill(&pb.words.switch.flip, &vars.with("scope", scope)))];
        }
    }
    match &cx.switch {
        // Back to the old side: the flag's off state, which overrides every
        // per-tenant target and rule (a fallthrough change would leave them
        // serving the new side).
        Switch::Flag { provider, .. }
            if provider.id == "launchdarkly" && state == states(cx).old =>
        {
            cx.command(
                "launchdarkly-kill-switch",
                &[("flag", flag.clone()), ("state", state.into()), ("reason", reason.into())],
            )
            .map(|mut s| {
                s.description = format!("Turn `{flag}` off; its off variation is `{state}`, so every target and rule is bypassed ({reason}); turning it on again restores the targeting");
                s
            })
            .into_iter()
            .collect()
        }
        Switch::Flag { provider, .. } if provider.id == "launchdarkly" => cx
            .command(
                "launchdarkly-set-variation",
                &[("flag", flag.clone()), ("state", state.into()), ("reason", reason.into())],
            )
            .map(|mut s| {
                s.description = format!("Flip `{flag}` to `{state}` ({reason})");
                s
            })
            .into_iter()
            .collect(),
        Switch::Flag { provider, .. } if provider.id == "unleash" => {
            vec![cx.step(format!("In Unleash, set the variant of `{flag}` to `{state}` for production (variants carry the state; the toggle stays on)."))]
        }
        Switch::Flag { provider, .. } => vec![cx.step(format!(
            "In {}, set `{flag}` to `{state}` for production ({reason}).",
            provider.name
        ))],
        Switch::LiveConfig { .. } => vec![cx.step(format!(
            "Set the runtime setting `{flag}` to `{state}`; consumers re-read it without a restart ({reason})."
        ))],
        Switch::EnvVar { .. } => {
            let var = env_var(cx);
            let mut v = vec![cx.step(format!(
                "Set {var}={state} in every consumer's environment and restart them in waves of {} ({reason}).",
                cx.est.restart_parallelism
            ))];
            if cx.names("kubernetes") || cx.names("eks") || cx.names("gke") || cx.names("aks") {
                v.extend(cx.command("kubectl-set-env", &[("env_var", var), ("state", state.into())]));
            }
            v
        }
        Switch::None => vec![cx.step(format!(
            "Point the database connection name every consumer uses at `{state}` (the switch built in prep), then restart consumers that cache connections ({reason})."
        ))],
    }
}

/// The environment variable that switches: the one the input names for
/// its switch ("CACHE_STORE … switchable via env"), else one named after
/// the source.
pub fn env_var(cx: &Ctx<'_>) -> String {
    cx.facts
        .capabilities
        .iter()
        .filter(|c| c.value.present)
        .find_map(|c| c.value.settings.first().cloned())
        .unwrap_or_else(|| flag_name(cx).to_ascii_uppercase().replace('-', "_"))
}

pub fn build(cx: &Ctx<'_>, chosen: &Chosen, phases: &[Phase]) -> KillSwitch {
    let s = states(cx);
    let flag = flag_name(cx);
    let (mechanism, provider, rule, fact) = team_switch(
        cx,
        |p| format!("a multi-variation flag in {p}, read by the database router at request time; no deploy to flip"),
        ("a single connection name (DNS or a shared config value) every consumer uses, built in prep; flipping it needs restarts".into(),
            None,
            "kill-switch.connection-name",
            "existing-dual-run-capability: no runtime switch named".into()),
    );
    let mut states = vec![SwitchState {
        name: s.old.clone(),
        effect: format!("All reads and writes go to {}.", cx.system_name(true)),
        safe_until: if chosen.reverse {
            "the end of the post-cutover hold (after the write cutover, flip only through the rollback procedure: pause writes, let reverse replication drain, then flip)".into()
        } else if chosen.id.replicates() {
            "the write cutover; after it, flipping back loses the writes made on the new system"
                .into()
        } else {
            "the start of the maintenance window".into()
        },
    }];
    if chosen.id.replicates() {
        states.push(SwitchState {
            name: s.reads_new.clone(),
            effect: format!(
                "Reads (all, or the configured percentage) go to {}, which is a replica and lags by seconds; writes stay on {}.",
                cx.system_name(false),
                cx.system_name(true)
            ),
            safe_until: "the write cutover".into(),
        });
        states.push(SwitchState {
            name: s.paused.clone(),
            effect: "Writes are refused or queued with a retry; reads continue. Used only for the seconds of the write cutover and of a post-cutover rollback.".into(),
            safe_until: "always, for at most the agreed pause".into(),
        });
    }
    states.push(SwitchState {
        name: s.new.clone(),
        effect: format!("All reads and writes go to {}.", cx.system_name(false)),
        safe_until:
            "always after the write cutover; before it, never (the target is still a replica)"
                .into(),
    });
    if cx.playbook.is_some() {
        return family_switch(cx, chosen, phases);
    }
    if chosen.id == StrategyId::PgUpgrade {
        // Consumers keep their connection: nothing to route. The switch is
        // the maintenance mode, and the way back is the snapshot.
        return KillSwitch {
            mechanism: "no routing switch: consumers keep their connection. Writers are stopped by maintenance mode (or by revoking the application role's writes) for the window; the way back is the snapshot restore".into(),
            provider: None,
            flag_name: "maintenance".into(),
            states: vec![
                SwitchState { name: s.old.clone(), effect: format!("{} serves as today.", cx.system_name(true)), safe_until: "the start of the window".into() },
                SwitchState { name: "maintenance".into(), effect: "Writers stopped; the upgrade or the restore runs.".into(), safe_until: "always".into() },
                SwitchState { name: s.new.clone(), effect: "The upgraded database serves traffic.".into(), safe_until: "always after the window".into() },
            ],
            flip_minutes: cx.restore_minutes(),
            flip: vec![
                cx.step("Put consumers in maintenance mode (or revoke the application role's writes)."),
                cx.step("Restore the snapshot taken at the start of the window and start the old version on it."),
                cx.step("Take consumers out of maintenance mode."),
            ],
            because: because("kill-switch.maintenance-and-snapshot", vec![cx.cite_tolerance()]),
        };
    }
    let flip_minutes = cx.switch_minutes();
    KillSwitch {
        mechanism,
        provider,
        flag_name: match &cx.switch {
            Switch::EnvVar { .. } => env_var(cx),
            _ => flag.clone(),
        },
        states,
        flip_minutes,
        flip: flip_steps(cx, &s.old, "kill switch"),
        because: because(rule, vec![fact, cx.cite_tolerance()]),
    }
}

/// Whether a state can safely be used in a phase (for property tests and
/// for phase builders): the target is writable only after cutover.
pub fn state_allowed(chosen: StrategyId, state: &str, s: &States, after_cutover: bool) -> bool {
    if !chosen.replicates() {
        return true;
    }
    if state == s.new {
        return after_cutover;
    }
    if state == s.reads_new {
        return !after_cutover;
    }
    true
}

/// The kill switch of a family plan: its states are the states the phases
/// use, in order, each described by the first phase that enters it, so the
/// switch and the phases cannot disagree.
fn family_switch(cx: &Ctx<'_>, chosen: &Chosen, phases: &[Phase]) -> KillSwitch {
    let s = states(cx);
    let pb = cx.playbook;
    let releases = pb.is_some_and(|p| p.routing.kind == "releases");
    let has_cutover = phases.iter().any(|p| p.kind == "cutover");
    let final_state = phases.last().map(|p| p.kill_switch_state.clone());
    // Where the two sides' data start to differ, a one-step flip back
    // stops being safe: from there the phase's rollback procedure applies.
    let old_safe_until = match phases.iter().find(|p| p.data_diverges) {
        Some(p) if p.kind == "cutover" => format!(
            "the step that stops the old side (\"{}\"); after it, only through that phase's rollback",
            p.name
        ),
        _ => "the retire phase".into(),
    };
    let mut list = vec![SwitchState {
        name: s.old.clone(),
        effect: format!("Everything on {}.", cx.system_name(true)),
        safe_until: old_safe_until,
    }];
    for p in phases {
        if list.iter().any(|x| x.name == p.kill_switch_state) {
            continue;
        }
        let last = final_state.as_deref() == Some(p.kill_switch_state.as_str());
        list.push(SwitchState {
            name: p.kill_switch_state.clone(),
            effect: format!("As in \"{}\": {}", p.name, p.goal),
            safe_until: if last || p.kind == "shadow" && !p.kill_switch_state.contains('%') {
                "always".into()
            } else if has_cutover && !releases {
                "the step that stops the old side".into()
            } else {
                "the retire phase".into()
            },
        });
    }
    let platform = crate::family::platform(cx);
    let (mechanism, provider, rule, fact) = if releases {
        match platform {
            Some(pf) => (
                pf.mechanism.clone(),
                Some(cx.tech_name(&pf.technology)),
                "kill-switch.platform-rollback",
                format!("names {}", cx.tech_name(&pf.technology)),
            ),
            None => (
                pb.map(|p| fill(&p.words.switch.mechanism, &Vars::base(cx, Some(p))))
                    .unwrap_or_default(),
                None,
                "kill-switch.redeploy-previous-release",
                "framework upgrade: the previous release stays deployable".into(),
            ),
        }
    } else {
        team_switch(
            cx,
            |p| format!("a flag in {p} with percentage and cohort targeting; no deploy to flip"),
            (
                format!(
                    "{}{}",
                    pb.map(|p| fill(&p.words.switch.mechanism, &Vars::base(cx, Some(p))))
                        .unwrap_or_default(),
                    chosen.switch_gap_note()
                ),
                None,
                "kill-switch.built-in-prep",
                "existing-dual-run-capability: no runtime switch named".into(),
            ),
        )
    };
    KillSwitch {
        mechanism,
        provider,
        flag_name: if releases {
            "release".into()
        } else {
            match &cx.switch {
                Switch::EnvVar { .. } => env_var(cx),
                _ => flag_name(cx),
            }
        },
        states: list,
        flip_minutes: crate::family::flip_minutes(cx, chosen.id),
        flip: flip_steps(cx, &s.old, "kill switch"),
        because: because(rule, vec![fact, cx.cite_tolerance()]),
    }
}

/// The switch the team has (a flag service, a live setting, an environment
/// variable) or, without one, the switch the plan builds (`none`): its
/// description, provider, rule id and the fact behind it.
fn team_switch(
    cx: &Ctx<'_>,
    flag: impl Fn(&str) -> String,
    none: (String, Option<String>, &'static str, String),
) -> (String, Option<String>, &'static str, String) {
    match &cx.switch {
        Switch::Flag { provider, cite } => (
            flag(&provider.name),
            Some(provider.name.clone()),
            "kill-switch.flag-service",
            cite.clone(),
        ),
        Switch::LiveConfig { cite } => (
            "a runtime setting every consumer re-reads without a restart".into(),
            None,
            "kill-switch.live-config",
            cite.clone(),
        ),
        Switch::EnvVar { cite } => (
            format!(
                "the environment variable {} in every consumer; flipping it is a rolling restart",
                env_var(cx)
            ),
            None,
            "kill-switch.env-var",
            cite.clone(),
        ),
        Switch::None => none,
    }
}
