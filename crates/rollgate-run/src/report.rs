//! What `run status` and `run log` show, as data (JSON) and as text.

use crate::event::{Entry, Event, SwitchTarget};
use crate::gate::GateReport;
use crate::runner::Runner;
use crate::state::{Approval, Status};
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct PhaseRef {
    pub index: usize,
    pub id: String,
    pub name: String,
    pub kind: String,
    /// When the plan scheduled its transition.
    pub planned_at: String,
    pub switch: SwitchTarget,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub rollout: String,
    pub title: String,
    pub status: Status,
    pub phase: PhaseRef,
    pub entered_at: String,
    pub next: Option<PhaseRef>,
    pub gate: GateReport,
    pub approvals: Vec<Approval>,
    pub flag: String,
    /// The switch as the tool last reported it (none before the first action).
    pub switch_read_back: Option<SwitchTarget>,
    pub open_action: Option<String>,
    pub tasks: Vec<String>,
    pub notes: Vec<String>,
}

impl Runner<'_> {
    fn phase_ref(&self, index: usize) -> PhaseRef {
        let p = &self.plan.phases[index];
        PhaseRef {
            index,
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind.clone(),
            planned_at: p.transition_at.clone(),
            switch: self.target_of(index),
        }
    }

    pub fn status(&self) -> StatusReport {
        let i = self.state.phase;
        StatusReport {
            rollout: self.rollout.clone(),
            title: self.plan.title.clone(),
            status: self.state.status.clone(),
            phase: self.phase_ref(i),
            entered_at: self.state.entered_at.clone(),
            next: (i + 1 < self.plan.phases.len()).then(|| self.phase_ref(i + 1)),
            gate: self.gate(),
            approvals: self.state.approvals.clone(),
            flag: self.plan.kill_switch.flag_name.clone(),
            switch_read_back: self.state.switch.clone(),
            open_action: self.state.open_intent.as_ref().map(|o| o.action.clone()),
            tasks: self.state.tasks.clone(),
            notes: self.notes.clone(),
        }
    }
}

fn status_words(s: &Status) -> String {
    match s {
        Status::Running => "running".into(),
        Status::Paused { reason } => format!("PAUSED: {reason}"),
        Status::Aborted { reason } => format!("ABORTED: {reason}"),
        Status::Completed => "completed".into(),
    }
}

pub fn status_text(r: &StatusReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} ({})", r.title, r.rollout);
    let _ = writeln!(o, "status: {}", status_words(&r.status));
    // After an abort, what matters at 3am comes first: where the switch
    // is, and what people must do now.
    if matches!(r.status, Status::Aborted { .. }) {
        match &r.switch_read_back {
            Some(sw) => {
                let _ = writeln!(
                    o,
                    "the switch tool reports: {} at {}%",
                    sw.state, sw.percent
                );
            }
            None => {
                let _ = writeln!(o, "no switch tool is bound: check {} by hand", r.flag);
            }
        }
        if !r.tasks.is_empty() {
            let _ = writeln!(o, "rollback tasks, in order:");
            for t in &r.tasks {
                let _ = writeln!(o, "  - {}", t.replace('\n', "\n    "));
            }
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "phase {}: {} [{}], entered {}; switch {} → {} at {}%",
        r.phase.index + 1,
        r.phase.name,
        r.phase.id,
        r.entered_at,
        r.flag,
        r.phase.switch.state,
        r.phase.switch.percent
    );
    if let Some(sw) = &r.switch_read_back {
        let _ = writeln!(
            o,
            "the switch tool last reported: {} at {}%",
            sw.state, sw.percent
        );
    }
    match &r.next {
        Some(n) => {
            let _ = writeln!(
                o,
                "next: phase {}: {} [{}] (planned {}); window: {}{}",
                n.index + 1,
                n.name,
                n.id,
                n.planned_at,
                if r.gate.window_open { "open" } else { "closed" },
                if r.gate.window_open {
                    String::new()
                } else {
                    format!(
                        " ({}{})",
                        r.gate.window_note,
                        r.gate
                            .next_open
                            .as_deref()
                            .map(|t| format!("; opens {t}"))
                            .unwrap_or_default()
                    )
                }
            );
        }
        None => {
            let _ = writeln!(o, "next: the last gate; passing it completes the rollout");
        }
    }
    let _ = writeln!(o, "\ngate checks:");
    for c in &r.gate.checks {
        let _ = writeln!(
            o,
            "  {:<12} {} — wants {}; {}{}; {}",
            c.verdict.as_str().to_uppercase(),
            c.id,
            c.wants,
            c.source,
            c.last_value
                .map(|v| format!(", last {v}"))
                .unwrap_or_default(),
            c.reason
        );
    }
    let _ = writeln!(
        o,
        "hold: {} of {} working days",
        r.gate.hold.working_days_elapsed, r.gate.hold.working_days_needed
    );
    let _ = writeln!(o, "approvals:");
    for role in &r.gate.approvers {
        match r.approvals.iter().find(|a| &a.role == role) {
            Some(a) => {
                let _ = writeln!(o, "  given    {role}: {} at {}", a.by, a.at);
            }
            None => {
                let _ = writeln!(o, "  missing  {role}");
            }
        }
    }
    if !r.gate.attested_by_approval.is_empty() {
        let _ = writeln!(
            o,
            "approving attests: {}",
            r.gate.attested_by_approval.join("; ")
        );
    }
    if let Some(a) = &r.open_action {
        let _ = writeln!(o, "\nunfinished action: {a} (no result recorded)");
    }
    if !r.tasks.is_empty() && !matches!(r.status, Status::Aborted { .. }) {
        let _ = writeln!(o, "\nrollback tasks:");
        for t in &r.tasks {
            let _ = writeln!(o, "  - {}", t.replace('\n', "\n    "));
        }
    }
    if r.gate.blocking.is_empty() {
        let _ = writeln!(o, "\nthe gate is open: `rollgate run advance` moves on");
    } else {
        let _ = writeln!(o, "\nadvance is refused while:");
        for b in &r.gate.blocking {
            let _ = writeln!(o, "  - {b}");
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}

pub fn log_text(entries: &[Entry]) -> String {
    let mut o = String::new();
    for e in entries {
        let _ = writeln!(
            o,
            "{:>5}  {}  {:<14} {}",
            e.seq,
            e.at,
            e.actor,
            describe(&e.event)
        );
    }
    o
}

/// One event in words (what `run log` prints after the time and actor).
pub fn describe(e: &Event) -> String {
    match e {
        Event::Started {
            title,
            plan_sha256,
            phases,
        } => format!("started {title:?}: {phases} phases, plan sha256 {plan_sha256}"),
        Event::PhaseEntered {
            phase,
            overridden: Some(o),
            ..
        } => format!(
            "entered {phase} OVERRIDING ({}): {}",
            o.reason,
            o.bypassed.join("; ")
        ),
        Event::PhaseEntered { phase, .. } => format!("entered {phase}"),
        Event::Measured {
            check,
            value,
            verdict,
            note,
        } => format!(
            "measured {check} = {} → {} ({note})",
            value
                .map(|v| v.to_string())
                .unwrap_or_else(|| "no data".into()),
            verdict.as_str()
        ),
        Event::Confirmed {
            check,
            by,
            value,
            note,
        } => format!(
            "{by} confirmed {check}{} {note}",
            value.map(|v| format!(" = {v}")).unwrap_or_default()
        ),
        Event::Approved {
            phase,
            role,
            by,
            note,
        } => format!("{by} approved {phase} as {role} {note}"),
        Event::Paused { reason } => format!("paused: {reason}"),
        Event::Resumed { note } => format!("resumed {note}"),
        Event::Aborted {
            phase,
            reason,
            flips_to,
            tasks,
        } => format!(
            "ABORTED in {phase}: {reason}; {}; {} rollback tasks",
            flips_to
                .as_ref()
                .map(|t| format!("flip to {} at {}%", t.state, t.percent))
                .unwrap_or_else(|| "no flip (data diverged)".into()),
            tasks.len()
        ),
        Event::ActionIntent {
            action,
            target,
            tool,
            ..
        } => format!(
            "intent {action}: {tool} → {} at {}%",
            target.state, target.percent
        ),
        Event::ActionResult {
            intent, ok, note, ..
        } => format!(
            "result of {intent}: {} ({note})",
            if *ok { "ok" } else { "FAILED" }
        ),
        Event::Completed => "completed".into(),
        Event::BindingsSeen { sha256, path } => {
            format!("bindings {path} (sha256 {sha256}) in use from here")
        }
    }
}
