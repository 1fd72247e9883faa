//! Stored notifications: written in the transaction of the change they tell about, read over
//! HTTP (and, later, pushed live).

use super::schema::notifications;
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A notification.
#[derive(Debug, Clone, Queryable)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    /// JSON: ids and flags only.
    pub data: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

/// Writes one notification for each distinct recipient; returns (user, id) pairs.
pub fn insert(
    conn: &mut AnyConnection,
    users: &[i64],
    kind: &str,
    data: &serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<Vec<(i64, i64)>> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    let data = data.to_string();
    for u in users {
        if seen.contains(u) {
            continue;
        }
        seen.push(*u);
        let id: i64 = diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(u),
                notifications::kind.eq(kind),
                notifications::data.eq(&data),
                notifications::created_at.eq(now),
            ))
            .returning(notifications::id)
            .get_result(conn)?;
        super::outbox::push(*u, id);
        out.push((*u, id));
    }
    Ok(out)
}

/// A user's notifications newer than `after_id`, newest first, at most `limit`.
pub fn list(
    conn: &mut AnyConnection,
    user: i64,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::id.gt(after_id))
        .order(notifications::id.desc())
        .limit(limit)
        .load(conn)
}

/// How many are unread.
pub fn unread(conn: &mut AnyConnection, user: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks some (or, with `None`, all) of a user's notifications read; returns how many changed.
pub fn mark_read(
    conn: &mut AnyConnection,
    user: i64,
    ids: Option<&[i64]>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let q = notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null());
    match ids {
        Some(ids) => diesel::update(q.filter(notifications::id.eq_any(ids)))
            .set(notifications::read_at.eq(Some(now)))
            .execute(conn),
        None => diesel::update(q)
            .set(notifications::read_at.eq(Some(now)))
            .execute(conn),
    }
}

/// A user's notifications newer than `after_id`, oldest first, at most `limit` (the newest
/// `limit` of them when there are more): what a reconnecting socket missed.
pub fn since(
    conn: &mut AnyConnection,
    user: i64,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    let mut rows = list(conn, user, after_id, limit)?;
    rows.reverse();
    Ok(rows)
}

/// One of a user's notifications.
pub fn find(conn: &mut AnyConnection, user: i64, id: i64) -> QueryResult<Option<Notification>> {
    notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::id.eq(id))
        .first(conn)
        .optional()
}

/// The id of a user's newest notification (0: none).
pub fn latest_id(conn: &mut AnyConnection, user: i64) -> QueryResult<i64> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user))
        .select(diesel::dsl::max(notifications::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}
