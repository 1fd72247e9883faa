//! Audit of reads. Every read of a resident's file is written to the audit log; reads are
//! frequent (a linker's suggestions page, a benchmark at thousands a second), so they are
//! queued and appended in batches by one background task — at most `FLUSH_MS` after the read,
//! in read order. Changes and denied accesses are audited in their own transaction instead
//! (see [`crate::db::audit::record`]). If the queue is full the read is written at once, so a
//! burst never drops a record; if the process dies, at most the last `FLUSH_MS` of reads are
//! lost (the note in the README says so).

use crate::db::audit::{self, NewAudit};
use crate::db::Db;
use crate::error::AppError;
use tokio::sync::{mpsc, oneshot};

/// Longest a read waits in the queue before it is written.
pub const FLUSH_MS: u64 = 200;
/// Rows per statement (bounds the size and time of one).
const BATCH: usize = 2_000;
const QUEUE: usize = 50_000;

enum Msg {
    Row(NewAudit),
    Flush(oneshot::Sender<()>),
}

/// Queues audit records of reads and writes them in batches.
#[derive(Clone)]
pub struct AuditWriter {
    tx: mpsc::Sender<Msg>,
    db: Db,
}

impl AuditWriter {
    /// Starts the writer task (call inside a Tokio runtime).
    pub fn start(db: Db) -> AuditWriter {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(db.clone(), rx));
        AuditWriter { tx, db }
    }

    /// Records a read by `actor` of a subject.
    pub async fn read(&self, actor: i64, action: &str, kind: &str, id: i64, detail: String) {
        let row = NewAudit {
            actor_user_id: Some(actor),
            action: action.to_string(),
            subject_kind: kind.to_string(),
            subject_id: Some(id),
            detail,
            at: crate::db::now(),
        };
        match self.tx.try_send(Msg::Row(row)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(Msg::Row(row)))
            | Err(mpsc::error::TrySendError::Closed(Msg::Row(row))) => {
                let rows = vec![row];
                if let Err(e) = self
                    .db
                    .run(move |conn| Ok(audit::record_many(conn, &rows)?))
                    .await
                {
                    tracing::error!(error = %e, "writing an audit record failed");
                }
            }
            Err(_) => {}
        }
    }

    /// Waits until everything queued so far is written (the audit log API calls it first).
    pub async fn flush(&self) -> Result<(), AppError> {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Flush(tx)).await.is_err() {
            return Ok(());
        }
        rx.await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("audit writer stopped")))
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Msg>) {
    let mut rows: Vec<NewAudit> = Vec::new();
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    loop {
        let first = if rows.is_empty() && waiting.is_empty() {
            match rx.recv().await {
                Some(m) => Some(m),
                None => return,
            }
        } else {
            None
        };
        if let Some(m) = first {
            take(m, &mut rows, &mut waiting);
        }
        // Let reads gather for up to FLUSH_MS (one wake-up per batch, not per read) unless
        // someone waits for a flush, then take everything queued.
        if waiting.is_empty() {
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(FLUSH_MS);
            tokio::time::sleep_until(deadline).await;
        }
        while let Ok(m) = rx.try_recv() {
            take(m, &mut rows, &mut waiting);
        }
        if !rows.is_empty() {
            let batch = std::mem::take(&mut rows);
            let n = batch.len();
            let mut delay = std::time::Duration::from_millis(100);
            loop {
                let b = batch.clone();
                let written = db
                    .run(move |conn| {
                        for chunk in b.chunks(BATCH) {
                            audit::record_many(conn, chunk)?;
                        }
                        Ok(())
                    })
                    .await;
                match written {
                    Ok(_) => break,
                    Err(e) => {
                        // Keep the records and retry: audit must not be dropped for a blip.
                        tracing::error!(error = %e, rows = n, "writing audit records failed; retrying");
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(std::time::Duration::from_secs(5));
                    }
                }
            }
        }
        for w in waiting.drain(..) {
            let _ = w.send(());
        }
    }
}

fn take(m: Msg, rows: &mut Vec<NewAudit>, waiting: &mut Vec<oneshot::Sender<()>>) {
    match m {
        Msg::Row(r) => rows.push(r),
        Msg::Flush(tx) => waiting.push(tx),
    }
}
