//! Plan history in SQLite: one row per plan revision, the form fields that
//! produced it, and the plan's JSON. Schema changes are versioned with
//! `PRAGMA user_version`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("plan {0} not found")]
    NotFound(i64),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored plan is unreadable: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// The form as submitted: the eleven tags plus start and mode.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fields {
    pub values: Vec<(String, String)>,
    pub start: String,
    pub mode: String,
}

#[derive(Debug, Clone)]
pub struct StoredPlan {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub title: String,
    pub created_at: String,
    pub fields: Fields,
    pub plan_json: String,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub title: String,
    pub created_at: String,
}

/// Versioned migrations, applied in order; index + 1 is the version.
const MIGRATIONS: &[&str] = &["CREATE TABLE plans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        parent_id INTEGER REFERENCES plans(id),
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        fields_json TEXT NOT NULL,
        plan_json TEXT NOT NULL
    );
    CREATE INDEX plans_parent ON plans(parent_id);"];

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL").ok();
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            conn.execute_batch(sql)?;
            conn.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn insert(
        &self,
        parent_id: Option<i64>,
        title: &str,
        created_at: &str,
        fields: &Fields,
        plan_json: &str,
    ) -> Result<i64, StoreError> {
        let conn = self.lock();
        if let Some(p) = parent_id {
            let exists: Option<i64> = conn
                .query_row("SELECT id FROM plans WHERE id = ?1", params![p], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_none() {
                return Err(StoreError::NotFound(p));
            }
        }
        conn.execute(
            "INSERT INTO plans (parent_id, title, created_at, fields_json, plan_json) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![parent_id, title, created_at, serde_json::to_string(fields)?, plan_json],
        )?;
        Ok(conn.last_insert_rowid())
    }

    pub fn get(&self, id: i64) -> Result<StoredPlan, StoreError> {
        let conn = self.lock();
        let row = conn
            .query_row(
                "SELECT id, parent_id, title, created_at, fields_json, plan_json FROM plans WHERE id = ?1",
                params![id],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
        Ok(StoredPlan {
            id: row.0,
            parent_id: row.1,
            title: row.2,
            created_at: row.3,
            fields: serde_json::from_str(&row.4)?,
            plan_json: row.5,
        })
    }

    pub fn list(&self) -> Result<Vec<Summary>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT id, parent_id, title, created_at FROM plans ORDER BY id DESC LIMIT 500",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Summary {
                id: r.get(0)?,
                parent_id: r.get(1)?,
                title: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .lock()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_list_and_not_found() {
        let s = Store::in_memory().unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let f = Fields {
            values: vec![("scale".into(), "600 GB".into())],
            start: "2026-04-27".into(),
            mode: "auto".into(),
        };
        let a = s
            .insert(None, "A", "2026-11-24T00:00:00Z", &f, "{}")
            .unwrap();
        let b = s
            .insert(Some(a), "A v2", "2026-11-24T00:01:00Z", &f, "{}")
            .unwrap();
        assert_eq!(s.get(b).unwrap().parent_id, Some(a));
        assert_eq!(s.get(a).unwrap().fields, f);
        assert_eq!(s.list().unwrap().len(), 2);
        assert!(matches!(s.get(99), Err(StoreError::NotFound(99))));
        assert!(matches!(
            s.insert(Some(99), "x", "t", &f, "{}"),
            Err(StoreError::NotFound(99))
        ));
    }

    #[test]
    fn a_real_file_survives_reopening() {
        let dir = std::env::temp_dir().join(format!("rollgate-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plans.sqlite");
        let id = {
            let s = Store::open(&path).unwrap();
            s.insert(None, "kept", "t", &Fields::default(), "{\"a\":1}")
                .unwrap()
        };
        let s = Store::open(&path).unwrap();
        assert_eq!(s.get(id).unwrap().title, "kept");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
