use thiserror::Error;

#[derive(Debug, Error)]
pub enum RunError {
    #[error("the rollout store at {path}: {source}")]
    Store {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the rollout store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("a stored event could not be read (seq {seq}): {source}")]
    Event {
        seq: i64,
        #[source]
        source: serde_json::Error,
    },
    #[error("the plan: {0}")]
    Plan(String),
    #[error("no rollout named {0:?} in this store (`rollgate run list` shows them)")]
    NoSuchRollout(String),
    #[error("this store holds {0} rollouts; name one with --rollout ({1})")]
    WhichRollout(usize, String),
    #[error("this store holds no rollout yet: start one with `rollgate run start PLAN`")]
    NoRollout,
    #[error(
        "rollout {rollout} is operated by {holder} until {until}; wait for it, or stop that runner"
    )]
    Leased {
        rollout: String,
        holder: String,
        until: String,
    },
    #[error("{0}")]
    Refused(String),
    #[error("the kill switch: {0}")]
    Switch(String),
}
