//! Renders a [`Plan`]: GitHub-flavoured Markdown for people (checklists for
//! gate items, commands in code blocks, `--explain` adds the rule and facts
//! behind each recommendation) and JSON for machines.

mod facts_text;
mod html;
mod ics;
mod markdown;
mod mermaid;

pub use facts_text::render as facts_text;
pub use html::{esc, html};
pub use ics::ics;
pub use markdown::{markdown, neutralise_html};
pub use mermaid::gantt as mermaid;
use rollgate_planning::Plan;

/// The plan as pretty JSON (the contract in docs/plan-json.md).
pub fn json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).expect("a plan serialises") + "\n"
}

/// Rendering options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Show, under each recommendation, the rule and the facts behind it.
    pub explain: bool,
}
