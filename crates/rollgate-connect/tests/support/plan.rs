//! The plan side every switch test uses: the kill-switch states of the
//! PostgreSQL 14 → 16 example plan (the first is the resting one).
#![allow(dead_code)]

use rollgate_connect::SwitchTarget;

pub fn states() -> Vec<String> {
    [
        "postgresql-14",
        "reads-postgresql-16",
        "writes-paused",
        "postgresql-16",
    ]
    .map(String::from)
    .to_vec()
}

pub fn target(state: &str, percent: u32) -> SwitchTarget {
    SwitchTarget {
        state: state.into(),
        percent,
    }
}
