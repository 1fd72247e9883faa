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
