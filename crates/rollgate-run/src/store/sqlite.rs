//! The append-only rollout log in SQLite (a real file in WAL mode). Events
//! are never updated or deleted: triggers refuse it, so an audit read later
//! is the audit written then.

use super::{lease_free, RolloutRow, Store};
use crate::error::RunError;
use crate::event::{Entry, Event};
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS rollouts (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    plan_sha256 TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    rollout TEXT NOT NULL REFERENCES rollouts(id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (rollout, seq)
);
CREATE TRIGGER IF NOT EXISTS events_never_change BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the rollout log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_never_vanish BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the rollout log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS plans_never_change BEFORE UPDATE ON rollouts
BEGIN SELECT RAISE(ABORT, 'a rollout''s frozen plan never changes'); END;
CREATE TABLE IF NOT EXISTS leases (
    rollout TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until TEXT NOT NULL
);
";

pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    pub fn open(path: &std::path::Path) -> Result<Self, RunError> {
        let store_err = |source| RunError::Store {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(path).map_err(store_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(store_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(store_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(store_err)?;
        conn.execute_batch(SCHEMA).map_err(store_err)?;
        Ok(Self { conn })
    }
}

impl Store for SqliteStore {
    fn create(
        &mut self,
        row: &RolloutRow,
        plan_json: &str,
        actor: &str,
        first: &Event,
    ) -> Result<Entry, RunError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: Option<String> = tx
            .query_row("SELECT id FROM rollouts WHERE id = ?1", [&row.id], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_some() {
            return Err(super::rollout_exists(&row.id));
        }
        tx.execute(
            "INSERT INTO rollouts (id, title, plan_sha256, plan_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![row.id, row.title, row.plan_sha256, plan_json, row.created_at],
        )?;
        let entry = append_in(&tx, &row.id, &row.created_at, actor, first)?;
        tx.commit()?;
        Ok(entry)
    }

    fn append(
        &mut self,
        rollout: &str,
        at: &str,
        actor: &str,
        event: &Event,
    ) -> Result<Entry, RunError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let entry = append_in(&tx, rollout, at, actor, event)?;
        tx.commit()?;
        Ok(entry)
    }

    fn events(&mut self, rollout: &str) -> Result<Vec<Entry>, RunError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, actor, body FROM events WHERE rollout = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([rollout], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, at, actor, body) = row?;
            let event =
                serde_json::from_str(&body).map_err(|source| RunError::Event { seq, source })?;
            out.push(Entry {
                seq,
                at,
                actor,
                event,
            });
        }
        Ok(out)
    }

    fn rollouts(&mut self) -> Result<Vec<RolloutRow>, RunError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, title, plan_sha256, created_at FROM rollouts ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RolloutRow {
                id: r.get(0)?,
                title: r.get(1)?,
                plan_sha256: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn plan_json(&mut self, rollout: &str) -> Result<String, RunError> {
        self.conn
            .query_row(
                "SELECT plan_json FROM rollouts WHERE id = ?1",
                [rollout],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| RunError::NoSuchRollout(rollout.to_string()))
    }

    fn acquire(
        &mut self,
        rollout: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<(), RunError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<(String, String)> = tx
            .query_row(
                "SELECT holder, until FROM leases WHERE rollout = ?1",
                [rollout],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((other, other_until)) = current {
            lease_free(rollout, holder, now, &other, &other_until)?;
        }
        tx.execute(
            "INSERT INTO leases (rollout, holder, until) VALUES (?1, ?2, ?3)
             ON CONFLICT(rollout) DO UPDATE SET holder = excluded.holder, until = excluded.until",
            params![rollout, holder, until.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn release(&mut self, rollout: &str, holder: &str) -> Result<(), RunError> {
        self.conn.execute(
            "DELETE FROM leases WHERE rollout = ?1 AND holder = ?2",
            params![rollout, holder],
        )?;
        Ok(())
    }
}

fn append_in(
    tx: &rusqlite::Transaction<'_>,
    rollout: &str,
    at: &str,
    actor: &str,
    event: &Event,
) -> Result<Entry, RunError> {
    let seq: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE rollout = ?1",
        [rollout],
        |r| r.get(0),
    )?;
    let body = serde_json::to_string(event).map_err(|source| RunError::Event { seq, source })?;
    tx.execute(
        "INSERT INTO events (rollout, seq, at, actor, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![rollout, seq, at, actor, event.kind(), body],
    )?;
    Ok(Entry {
        seq,
        at: at.to_string(),
        actor: actor.to_string(),
        event: event.clone(),
    })
}
