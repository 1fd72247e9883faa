//! The audit log: who did or read what, when, and why.

use super::schema::audit_log;
use super::{AnyConnection, UserId};
use diesel::prelude::*;

/// Appends an audit record.
pub fn record(
    conn: &mut AnyConnection,
    actor: Option<UserId>,
    action: &str,
    subject_kind: &str,
    subject_id: Option<i64>,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_user_id.eq(actor.map(|u| u.0)),
            audit_log::action.eq(action),
            audit_log::subject_kind.eq(subject_kind),
            audit_log::subject_id.eq(subject_id),
            audit_log::detail.eq(detail),
            audit_log::at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// One audit record to append.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAudit {
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub detail: String,
    pub at: chrono::NaiveDateTime,
}

/// Appends several audit records: one multi-row statement on PostgreSQL, one statement per
/// row inside a transaction on SQLite (diesel's batch insert is not in the common subset).
pub fn record_many(conn: &mut AnyConnection, rows: &[NewAudit]) -> QueryResult<usize> {
    match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(audit_log::table)
            .values(rows)
            .execute(c),
        AnyConnection::Sqlite(c) => c.transaction(|c| {
            let mut n = 0;
            for r in rows {
                n += diesel::insert_into(audit_log::table).values(r).execute(c)?;
            }
            Ok(n)
        }),
    }
}

/// An audit record as stored.
#[derive(Debug, Clone, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub detail: String,
    pub at: chrono::NaiveDateTime,
}

/// The newest records about one subject (or all), newest first.
pub fn list(
    conn: &mut AnyConnection,
    subject_kind: Option<&str>,
    subject_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut q = audit_log::table.into_boxed();
    if let Some(k) = subject_kind {
        q = q.filter(audit_log::subject_kind.eq(k.to_string()));
    }
    if let Some(id) = subject_id {
        q = q.filter(audit_log::subject_id.eq(id));
    }
    q.order(audit_log::id.desc()).limit(limit).load(conn)
}
