//! The rollout log in PostgreSQL, for teams where several people operate
//! one rollout. Same guarantees as the SQLite file: events append-only
//! (triggers refuse changes), numbered under a per-rollout advisory lock,
//! one runner at a time by lease.

use super::{lease_free, RolloutRow, Store};
use crate::error::RunError;
use crate::event::{Entry, Event};
use jiff::Timestamp;
use postgres::{Client, NoTls};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS rollgate_rollouts (
    id text PRIMARY KEY,
    title text NOT NULL,
    plan_sha256 text NOT NULL,
    plan_json text NOT NULL,
    created_at text NOT NULL
);
CREATE TABLE IF NOT EXISTS rollgate_events (
    rollout text NOT NULL REFERENCES rollgate_rollouts(id),
    seq bigint NOT NULL,
    at text NOT NULL,
    actor text NOT NULL,
    kind text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (rollout, seq)
);
CREATE TABLE IF NOT EXISTS rollgate_leases (
    rollout text PRIMARY KEY,
    holder text NOT NULL,
    until text NOT NULL
);
CREATE OR REPLACE FUNCTION rollgate_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the rollout log is append-only'; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS rollgate_events_append_only ON rollgate_events;
CREATE TRIGGER rollgate_events_append_only BEFORE UPDATE OR DELETE ON rollgate_events
FOR EACH ROW EXECUTE FUNCTION rollgate_append_only();
DROP TRIGGER IF EXISTS rollgate_plans_frozen ON rollgate_rollouts;
CREATE TRIGGER rollgate_plans_frozen BEFORE UPDATE OR DELETE ON rollgate_rollouts
FOR EACH ROW EXECUTE FUNCTION rollgate_append_only();
";

pub struct PgStore {
    client: Client,
}

fn pg(e: postgres::Error) -> RunError {
    // The driver's messages name the server's complaint, never the
    // connection string, so they are safe to show.
    RunError::Refused(format!("the PostgreSQL store: {e}"))
}

impl PgStore {
    pub fn connect(url: &str) -> Result<Self, RunError> {
        let mut client = Client::connect(url, NoTls).map_err(pg)?;
        // Schema creation from two runners at once would race; one lock.
        client
            .batch_execute(&format!(
                "SELECT pg_advisory_lock(7422001); {SCHEMA} SELECT pg_advisory_unlock(7422001);"
            ))
            .map_err(pg)?;
        Ok(Self { client })
    }
}

fn append_in(
    tx: &mut postgres::Transaction<'_>,
    rollout: &str,
    at: &str,
    actor: &str,
    event: &Event,
) -> Result<Entry, RunError> {
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&rollout])
        .map_err(pg)?;
    let seq: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM rollgate_events WHERE rollout = $1",
            &[&rollout],
        )
        .map_err(pg)?
        .get(0);
    let body = serde_json::to_string(event).map_err(|source| RunError::Event { seq, source })?;
    tx.execute(
        "INSERT INTO rollgate_events (rollout, seq, at, actor, kind, body) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&rollout, &seq, &at, &actor, &event.kind(), &body],
    )
    .map_err(pg)?;
    Ok(Entry {
        seq,
        at: at.to_string(),
        actor: actor.to_string(),
        event: event.clone(),
    })
}

impl Store for PgStore {
    fn create(
        &mut self,
        row: &RolloutRow,
        plan_json: &str,
        actor: &str,
        first: &Event,
    ) -> Result<Entry, RunError> {
        let mut tx = self.client.transaction().map_err(pg)?;
        let inserted = tx
            .execute(
                "INSERT INTO rollgate_rollouts (id, title, plan_sha256, plan_json, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                &[&row.id, &row.title, &row.plan_sha256, &plan_json, &row.created_at],
            )
            .map_err(pg)?;
        if inserted == 0 {
            return Err(super::rollout_exists(&row.id));
        }
        let entry = append_in(&mut tx, &row.id, &row.created_at, actor, first)?;
        tx.commit().map_err(pg)?;
        Ok(entry)
    }

    fn append(
        &mut self,
        rollout: &str,
        at: &str,
        actor: &str,
        event: &Event,
    ) -> Result<Entry, RunError> {
        let mut tx = self.client.transaction().map_err(pg)?;
        let entry = append_in(&mut tx, rollout, at, actor, event)?;
        tx.commit().map_err(pg)?;
        Ok(entry)
    }

    fn events(&mut self, rollout: &str) -> Result<Vec<Entry>, RunError> {
        let rows = self
            .client
            .query(
                "SELECT seq, at, actor, body FROM rollgate_events WHERE rollout = $1 ORDER BY seq",
                &[&rollout],
            )
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.get(0);
                let body: String = r.get(3);
                let event = serde_json::from_str(&body)
                    .map_err(|source| RunError::Event { seq, source })?;
                Ok(Entry {
                    seq,
                    at: r.get(1),
                    actor: r.get(2),
                    event,
                })
            })
            .collect()
    }

    fn rollouts(&mut self) -> Result<Vec<RolloutRow>, RunError> {
        let rows = self
            .client
            .query("SELECT id, title, plan_sha256, created_at FROM rollgate_rollouts ORDER BY created_at, id", &[])
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| RolloutRow {
                id: r.get(0),
                title: r.get(1),
                plan_sha256: r.get(2),
                created_at: r.get(3),
            })
            .collect())
    }

    fn plan_json(&mut self, rollout: &str) -> Result<String, RunError> {
        self.client
            .query_opt(
                "SELECT plan_json FROM rollgate_rollouts WHERE id = $1",
                &[&rollout],
            )
            .map_err(pg)?
            .map(|r| r.get(0))
            .ok_or_else(|| RunError::NoSuchRollout(rollout.to_string()))
    }

    fn acquire(
        &mut self,
        rollout: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<(), RunError> {
        let mut tx = self.client.transaction().map_err(pg)?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('lease:' || $1))",
            &[&rollout],
        )
        .map_err(pg)?;
        if let Some(r) = tx
            .query_opt(
                "SELECT holder, until FROM rollgate_leases WHERE rollout = $1",
                &[&rollout],
            )
            .map_err(pg)?
        {
            let (other, other_until): (String, String) = (r.get(0), r.get(1));
            lease_free(rollout, holder, now, &other, &other_until)?;
        }
        tx.execute(
            "INSERT INTO rollgate_leases (rollout, holder, until) VALUES ($1, $2, $3)
             ON CONFLICT (rollout) DO UPDATE SET holder = excluded.holder, until = excluded.until",
            &[&rollout, &holder, &until.to_string()],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)
    }

    fn release(&mut self, rollout: &str, holder: &str) -> Result<(), RunError> {
        self.client
            .execute(
                "DELETE FROM rollgate_leases WHERE rollout = $1 AND holder = $2",
                &[&rollout, &holder],
            )
            .map_err(pg)?;
        Ok(())
    }
}
