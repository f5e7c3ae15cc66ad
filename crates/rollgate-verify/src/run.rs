//! The comparison work of one run: a queue of tasks (settle a table,
//! locate the rows of a differing range) worked off by one thread per
//! connection pair, so that at most `jobs` queries run on each server.
//! Tasks spawn tasks: a differing table becomes one task per differing
//! bucket. Per-table results merge under a lock; the first error stops
//! every worker.

use crate::catalog::Table;
use crate::cells::{self, Cell};
use crate::content::{self, Diff, Range};
use crate::error::VerifyError;
use crate::session::{Endpoint, Pair, RateLimit, Side};
use crate::{Options, Progress};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

/// The SQL expressions hashing a table's rows and its keys.
#[derive(Debug, Clone)]
pub(crate) struct Hashes {
    pub(crate) row: String,
    pub(crate) key: String,
}

enum Task {
    /// Settle a table: whole-table hash, then buckets.
    Table(usize),
    /// Compare one key range; `rows` are known when a bucket pass already
    /// found it differs.
    Range(usize, Range, Option<(i64, i64)>),
    /// Find the rows of differing cells (all of one shift).
    Cells(usize, Vec<Cell>),
}

/// Differing cells are handed out in tasks of about this many rows, so
/// that `jobs` connections share the narrowing down of one table.
const ROWS_PER_CELL_TASK: i64 = 200_000;

#[derive(Default)]
pub(crate) struct TableState {
    pub(crate) rows: (i64, i64),
    pub(crate) diff: Diff,
    /// Tasks of this table not yet finished.
    pub(crate) pending: usize,
    pub(crate) warnings: Vec<String>,
    /// A table without a key whose whole-table hashes differ.
    pub(crate) unkeyed_differs: bool,
    pub(crate) rechecked: bool,
}

struct Run<'a> {
    opts: &'a Options,
    tables: &'a [Table],
    hashes: Vec<Hashes>,
    queue: Mutex<(VecDeque<Task>, usize)>,
    wake: Condvar,
    states: Vec<Mutex<TableState>>,
    failure: Mutex<Option<VerifyError>>,
    /// Tables settled so far.
    finished: Mutex<usize>,
    /// Source rows counted so far, for progress.
    rows_seen: std::sync::atomic::AtomicI64,
    rows_total: i64,
}

fn is_timeout(e: &VerifyError) -> bool {
    matches!(e, VerifyError::Query { source, .. }
        if source.code() == Some(&postgres::error::SqlState::QUERY_CANCELED))
}

impl Run<'_> {
    fn single_scan_limit(&self) -> i64 {
        self.opts
            .single_scan_rows
            .unwrap_or((self.opts.statement_timeout_ms as i64).saturating_mul(2_000))
    }

    fn add_rows(&self, i: usize, rows: (i64, i64)) {
        self.rows_seen
            .fetch_add(rows.0, std::sync::atomic::Ordering::Relaxed);
        let mut s = self.states[i].lock().unwrap_or_else(|e| e.into_inner());
        s.rows.0 += rows.0;
        s.rows.1 += rows.1;
    }

    fn table_task(&self, pair: &mut Pair, i: usize) -> Result<Vec<Task>, VerifyError> {
        let t = &self.tables[i];
        let hash = &self.hashes[i].row;
        pair.jit(true)?;
        if t.pk.is_empty() {
            let c = content::range_hash(pair, t, &Range::ALL, hash)?;
            self.add_rows(i, c.rows);
            let mut s = self.states[i].lock().unwrap_or_else(|e| e.into_inner());
            s.warnings.push(
                "no primary key: compared by a whole-table hash; differing rows cannot be listed"
                    .into(),
            );
            if !c.equal {
                s.unkeyed_differs = true;
            }
            return Ok(Vec::new());
        }
        let single_scan = t.estimated_rows <= self.single_scan_limit();
        if single_scan && cells::applies(t) {
            match self.cell_scan(pair, i) {
                Ok(tasks) => return Ok(tasks),
                Err(e) if is_timeout(&e) => self.timed_out(i),
                Err(e) => return Err(e),
            }
        }
        let histogram = content::histogram_bounds(&mut pair.src, t)?;
        if single_scan && !cells::applies(t) {
            match self.single_scans(pair, i, histogram.clone()) {
                Ok(tasks) => return Ok(tasks),
                Err(e) if is_timeout(&e) => self.timed_out(i),
                Err(e) => return Err(e),
            }
        }
        let bounds = match histogram {
            Some(b) => b,
            None => content::offset_bounds(&mut pair.src, t, self.opts.chunk_rows)?,
        };
        Ok(content::bucket_ranges(&bounds)
            .into_iter()
            .map(|r| Task::Range(i, r, None))
            .collect())
    }

    /// A full scan that hit the statement timeout: nothing was counted yet
    /// (a failed pass adds no rows), and the table goes range by range.
    fn timed_out(&self, i: usize) {
        let mut s = self.states[i].lock().unwrap_or_else(|e| e.into_inner());
        s.warnings.push(format!(
            "a full scan hit the statement timeout ({} ms): compared range by range",
            self.opts.statement_timeout_ms
        ));
    }

    /// One grouped scan per side over cells of consecutive keys (see
    /// `cells`): it settles an equal table and names the differing cells,
    /// which become tasks.
    fn cell_scan(&self, pair: &mut Pair, i: usize) -> Result<Vec<Task>, VerifyError> {
        let t = &self.tables[i];
        if self.opts.expect_equal {
            // One plain scan settles an equal table at the floor; only a
            // differing one pays for the cell scan as well.
            let whole = content::range_hash(pair, t, &Range::ALL, &self.hashes[i].row)?;
            if whole.equal {
                self.add_rows(i, whole.rows);
                return Ok(Vec::new());
            }
        }
        let shift = cells::first_shift(pair, t, self.opts.cells)?;
        let (rows, differing) = cells::first_pass(pair, t, &self.hashes[i].row, shift)?;
        self.add_rows(i, rows);
        Ok(cells::batches(differing, ROWS_PER_CELL_TASK, usize::MAX)
            .into_iter()
            .map(|batch| Task::Cells(i, batch))
            .collect())
    }

    /// At most two scans per side, and only differing buckets go further:
    /// a whole-table hash settles an equal table at the cost of one plain
    /// scan (cheaper than any grouped pass); a differing table gets one
    /// grouped pass over buckets cut at the key histogram (or every
    /// `chunk_rows` keys when there are no statistics).
    fn single_scans(
        &self,
        pair: &mut Pair,
        i: usize,
        histogram: Option<Vec<Vec<String>>>,
    ) -> Result<Vec<Task>, VerifyError> {
        let t = &self.tables[i];
        let hash = &self.hashes[i].row;
        let whole = content::range_hash(pair, t, &Range::ALL, hash)?;
        if whole.equal {
            self.add_rows(i, whole.rows);
            return Ok(Vec::new());
        }
        let bounds = match histogram {
            Some(b) => b,
            None => content::offset_bounds(&mut pair.src, t, self.opts.chunk_rows)?,
        };
        if bounds.is_empty() {
            self.add_rows(i, whole.rows);
            return Ok(vec![Task::Range(i, Range::ALL, Some(whole.rows))]);
        }
        let buckets = content::bucket_pass(pair, t, &bounds, hash)?;
        let mut tasks = Vec::new();
        for (range, bucket) in content::bucket_ranges(&bounds).into_iter().zip(buckets) {
            self.add_rows(i, bucket.rows);
            if !bucket.equal {
                tasks.push(Task::Range(i, range, Some(bucket.rows)));
            }
        }
        if tasks.is_empty() {
            self.states[i]
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .warnings
                .push("the whole-table hash differed but every bucket agreed on a second pass: was something writing during the run?".into());
        }
        Ok(tasks)
    }

    /// A diff for one task, knowing how many changed rows of its table
    /// were sampled already.
    fn fresh_diff(&self, i: usize) -> Diff {
        Diff {
            sampled_elsewhere: self.states[i]
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .diff
                .changed
                .len(),
            ..Diff::default()
        }
    }

    fn merge_diff(&self, i: usize, diff: Diff) {
        self.states[i]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .diff
            .merge(diff, self.opts.sample);
    }

    fn cells_task(&self, pair: &mut Pair, i: usize, batch: Vec<Cell>) -> Result<(), VerifyError> {
        let mut diff = self.fresh_diff(i);
        cells::locate(
            pair,
            &self.tables[i],
            &self.hashes[i].row,
            batch,
            self.opts.sizes(),
            &mut diff,
        )?;
        self.merge_diff(i, diff);
        Ok(())
    }

    fn range_task(
        &self,
        pair: &mut Pair,
        i: usize,
        r: Range,
        rows: Option<(i64, i64)>,
    ) -> Result<(), VerifyError> {
        let t = &self.tables[i];
        let h = &self.hashes[i];
        let rows = match rows {
            Some(rows) => rows,
            None => {
                let c = content::range_hash(pair, t, &r, &h.row)?;
                self.add_rows(i, c.rows);
                if c.equal {
                    return Ok(());
                }
                c.rows
            }
        };
        let mut diff = self.fresh_diff(i);
        content::locate(
            pair,
            t,
            r,
            rows,
            &h.row,
            &h.key,
            self.opts.sizes(),
            &mut diff,
        )?;
        self.merge_diff(i, diff);
        Ok(())
    }

    /// Books a finished task and reports progress: after every task, so a
    /// big table compared range by range shows its rows moving.
    fn finish_task(&self, i: usize, spawned: usize) {
        let table_done = {
            let mut s = self.states[i].lock().unwrap_or_else(|e| e.into_inner());
            s.pending = s.pending + spawned - 1;
            s.pending == 0
        };
        let tables_done = {
            let mut f = self.finished.lock().unwrap_or_else(|e| e.into_inner());
            *f += usize::from(table_done);
            *f
        };
        let rows_done = self.rows_seen.load(std::sync::atomic::Ordering::Relaxed);
        if let Some(p) = &self.opts.progress {
            (p.0)(&Progress {
                tables_done,
                tables_total: self.tables.len(),
                rows_done,
                rows_total: self.rows_total,
                table: self.tables[i].display(),
            });
        }
    }

    fn worker(&self, pair: &mut Pair) {
        loop {
            let task = {
                let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if self
                        .failure
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .is_some()
                    {
                        return;
                    }
                    if let Some(t) = q.0.pop_front() {
                        q.1 += 1;
                        break t;
                    }
                    if q.1 == 0 {
                        return;
                    }
                    q = self.wake.wait(q).unwrap_or_else(|e| e.into_inner());
                }
            };
            let (i, result) = match task {
                Task::Table(i) => (i, self.table_task(pair, i)),
                Task::Range(i, r, rows) => {
                    (i, self.range_task(pair, i, r, rows).map(|()| Vec::new()))
                }
                Task::Cells(i, batch) => (i, self.cells_task(pair, i, batch).map(|()| Vec::new())),
            };
            let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            match result {
                Ok(tasks) => {
                    self.finish_task(i, tasks.len());
                    q.0.extend(tasks);
                }
                Err(e) => {
                    self.failure
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(e);
                }
            }
            q.1 -= 1;
            self.wake.notify_all();
        }
    }
}

pub(crate) fn connect_pair(
    ends: &(Endpoint, Endpoint),
    timeout_ms: u64,
    limits: &(Arc<RateLimit>, Arc<RateLimit>),
) -> Result<Pair, VerifyError> {
    Ok(Pair {
        src: Side::connect(&ends.0, timeout_ms, limits.0.clone())?,
        dst: Side::connect(&ends.1, timeout_ms, limits.1.clone())?,
    })
}

/// Compares the contents of `tables` with `jobs` connection pairs.
pub(crate) fn compare_contents(
    opts: &Options,
    first: &mut Pair,
    more: Vec<Pair>,
    tables: &[Table],
    hashes: Vec<Hashes>,
) -> Result<Vec<TableState>, VerifyError> {
    let run = Run {
        opts,
        tables,
        hashes,
        queue: Mutex::new(((0..tables.len()).map(Task::Table).collect(), 0)),
        wake: Condvar::new(),
        states: tables
            .iter()
            .map(|_| {
                Mutex::new(TableState {
                    pending: 1,
                    ..TableState::default()
                })
            })
            .collect(),
        failure: Mutex::new(None),
        finished: Mutex::new(0),
        rows_seen: std::sync::atomic::AtomicI64::new(0),
        rows_total: tables.iter().map(|t| t.estimated_rows).sum(),
    };
    // The first pair works on this thread and stays usable for the checks
    // that follow, so `jobs` = 1 opens exactly one connection per server.
    std::thread::scope(|s| {
        for mut pair in more {
            let run = &run;
            s.spawn(move || run.worker(&mut pair));
        }
        run.worker(first);
    });
    if let Some(e) = run.failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    Ok(run
        .states
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect())
}
