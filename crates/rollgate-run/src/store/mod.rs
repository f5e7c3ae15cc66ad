//! Where rollouts live: an append-only event log per rollout, the frozen
//! plan, and a lease so one runner acts at a time. SQLite (a file, the
//! default) or PostgreSQL (for a team operating one rollout together).

mod postgres;
mod sqlite;

pub use self::postgres::PgStore;
pub use self::sqlite::SqliteStore;

use crate::error::RunError;
use crate::event::{Entry, Event};
use jiff::Timestamp;

/// A rollout as listed: its id, title and frozen plan's hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RolloutRow {
    pub id: String,
    pub title: String,
    pub plan_sha256: String,
    pub created_at: String,
}

/// Both stores refuse a second rollout of the same name in the same words.
fn rollout_exists(id: &str) -> RunError {
    RunError::Refused(format!(
        "a rollout named {id:?} already exists in this store; name the new one with --name"
    ))
}

pub trait Store {
    /// Records a new rollout with its frozen plan and its first event.
    fn create(
        &mut self,
        row: &RolloutRow,
        plan_json: &str,
        actor: &str,
        first: &Event,
    ) -> Result<Entry, RunError>;
    /// Appends one event; the store numbers it.
    fn append(
        &mut self,
        rollout: &str,
        at: &str,
        actor: &str,
        event: &Event,
    ) -> Result<Entry, RunError>;
    fn events(&mut self, rollout: &str) -> Result<Vec<Entry>, RunError>;
    fn rollouts(&mut self) -> Result<Vec<RolloutRow>, RunError>;
    fn plan_json(&mut self, rollout: &str) -> Result<String, RunError>;
    /// Takes (or renews) the rollout for `holder` until `until`; refuses,
    /// naming the holder, while another holder's lease runs.
    fn acquire(
        &mut self,
        rollout: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<(), RunError>;
    fn release(&mut self, rollout: &str, holder: &str) -> Result<(), RunError>;
}

/// Refuses when `other` holds an unexpired lease.
pub(crate) fn lease_free(
    rollout: &str,
    holder: &str,
    now: Timestamp,
    other: &str,
    other_until: &str,
) -> Result<(), RunError> {
    // An unreadable expiry counts as running: refusing is the safe side.
    let running = other_until
        .parse::<Timestamp>()
        .map(|u| u > now)
        .unwrap_or(true);
    if other != holder && running {
        return Err(RunError::Leased {
            rollout: rollout.to_string(),
            holder: other.to_string(),
            until: other_until.to_string(),
        });
    }
    Ok(())
}

/// `postgres://…`, `postgresql://…` or `host=… dbname=…` is PostgreSQL;
/// anything else (optionally `sqlite:`-prefixed) a SQLite file.
pub fn open(location: &str) -> Result<Box<dyn Store>, RunError> {
    let l = location.trim();
    if l.starts_with("postgres://") || l.starts_with("postgresql://") || l.starts_with("host=") {
        return Ok(Box::new(PgStore::connect(l)?));
    }
    let path = l.strip_prefix("sqlite:").unwrap_or(l);
    Ok(Box::new(SqliteStore::open(std::path::Path::new(path))?))
}
