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

/// Appends several audit records: on PostgreSQL one statement whatever their number (the
/// rows as six arrays, [`PgAuditRows`]); on SQLite one statement per row inside a
/// transaction (diesel's batch insert is not in the common subset).
pub fn record_many(conn: &mut AnyConnection, rows: &[NewAudit]) -> QueryResult<usize> {
    match conn {
        AnyConnection::Postgresql(c) => PgAuditRows::of(rows).execute(c),
        AnyConnection::Sqlite(c) => c.transaction(|c| {
            let mut n = 0;
            for r in rows {
                n += diesel::insert_into(audit_log::table).values(r).execute(c)?;
            }
            Ok(n)
        }),
    }
}

/// `INSERT … SELECT FROM unnest(…)` with one array per column: a fixed text, which diesel
/// prepares once per connection and PostgreSQL plans once. A multi-row `VALUES` had a text
/// of its own for every number of rows, parsed and planned on each batch (a batch of 2,000
/// rows took twice as long as the same rows inserted from a set).
struct PgAuditRows<'a> {
    actors: Vec<Option<i64>>,
    actions: Vec<&'a str>,
    kinds: Vec<&'a str>,
    subjects: Vec<Option<i64>>,
    details: Vec<&'a str>,
    at: Vec<chrono::NaiveDateTime>,
}

impl<'a> PgAuditRows<'a> {
    fn of(rows: &'a [NewAudit]) -> PgAuditRows<'a> {
        PgAuditRows {
            actors: rows.iter().map(|r| r.actor_user_id).collect(),
            actions: rows.iter().map(|r| r.action.as_str()).collect(),
            kinds: rows.iter().map(|r| r.subject_kind.as_str()).collect(),
            subjects: rows.iter().map(|r| r.subject_id).collect(),
            details: rows.iter().map(|r| r.detail.as_str()).collect(),
            at: rows.iter().map(|r| r.at).collect(),
        }
    }
}

impl diesel::query_builder::QueryId for PgAuditRows<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Conn> RunQueryDsl<Conn> for PgAuditRows<'_> {}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for PgAuditRows<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};
        out.push_sql(
            "INSERT INTO audit_log (actor_user_id, action, subject_kind, subject_id, detail, at) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.actors)?;
        out.push_sql("::int8[], ");
        out.push_bind_param::<Array<Text>, _>(&self.actions)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Text>, _>(&self.kinds)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.subjects)?;
        out.push_sql("::int8[], ");
        out.push_bind_param::<Array<Text>, _>(&self.details)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.at)?;
        out.push_sql("::timestamp[])");
        Ok(())
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
