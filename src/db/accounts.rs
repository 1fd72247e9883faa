//! Users, sessions, one-time mail tokens and linker profiles.

use super::schema::{email_tokens, linker_profiles, sessions, users};
use super::{AnyConnection, SessionId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A user account row.
#[derive(Debug, Clone, Queryable)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub locale: String,
    pub is_admin: bool,
    pub email_verified_at: Option<NaiveDateTime>,
    pub suspended_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl User {
    /// The typed id.
    pub fn uid(&self) -> UserId {
        UserId(self.id)
    }
}

/// A new account.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub locale: &'a str,
    pub is_admin: bool,
    pub email_verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a user and returns its id.
pub fn insert_user(conn: &mut AnyConnection, new: &NewUser<'_>) -> QueryResult<UserId> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result::<i64>(conn)
        .map(UserId)
}

/// The user with this id.
pub fn find_user(conn: &mut AnyConnection, id: UserId) -> QueryResult<Option<User>> {
    users::table.find(id.0).first(conn).optional()
}

/// The user with this (normalized) e-mail.
pub fn find_user_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .first(conn)
        .optional()
}

/// Marks the e-mail as verified (keeps the first verification time).
pub fn mark_verified(conn: &mut AnyConnection, id: UserId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(id.0)
            .filter(users::email_verified_at.is_null()),
    )
    .set((
        users::email_verified_at.eq(Some(at)),
        users::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|_| ())
}

/// Replaces the password hash.
pub fn set_password_hash(
    conn: &mut AnyConnection,
    id: UserId,
    hash: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id.0))
        .set((users::password_hash.eq(hash), users::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Sets the preferred language.
pub fn set_locale(conn: &mut AnyConnection, id: UserId, locale: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id.0))
        .set((users::locale.eq(locale), users::updated_at.eq(super::now())))
        .execute(conn)
        .map(|_| ())
}

/// Suspends (Some) or reinstates (None) an account.
pub fn set_suspended(
    conn: &mut AnyConnection,
    id: UserId,
    at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((
            users::suspended_at.eq(at),
            users::updated_at.eq(super::now()),
        ))
        .execute(conn)
}

/// Grants or removes the admin role.
pub fn set_admin(conn: &mut AnyConnection, id: UserId, admin: bool) -> QueryResult<()> {
    diesel::update(users::table.find(id.0))
        .set(users::is_admin.eq(admin))
        .execute(conn)
        .map(|_| ())
}

/// Number of accounts (the demo seeds only an empty database).
pub fn count_users(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// A server-side session row.
#[derive(Debug, Clone, Queryable, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub id: i64,
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub user_agent: String,
}

/// A new session.
#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub user_agent: &'a str,
}

/// Inserts a session and returns its id.
pub fn insert_session(conn: &mut AnyConnection, new: &NewSession<'_>) -> QueryResult<SessionId> {
    diesel::insert_into(sessions::table)
        .values(new)
        .returning(sessions::id)
        .get_result::<i64>(conn)
        .map(SessionId)
}

/// The session with this token hash.
pub fn find_session(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<Session>> {
    sessions::table
        .filter(sessions::token_hash.eq(token_hash))
        .first(conn)
        .optional()
}

/// Records use of a session.
pub fn touch_session(
    conn: &mut AnyConnection,
    id: SessionId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(sessions::table.find(id.0))
        .set(sessions::last_seen_at.eq(at))
        .execute(conn)
        .map(|_| ())
}

/// A user's sessions, newest first.
pub fn list_sessions(conn: &mut AnyConnection, user: UserId) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::user_id.eq(user.0))
        .order(sessions::last_seen_at.desc())
        .load(conn)
}

/// Deletes the given sessions of a user and returns their token hashes (to evict caches).
pub fn delete_sessions(
    conn: &mut AnyConnection,
    user: UserId,
    only: Option<SessionId>,
    except: Option<SessionId>,
) -> QueryResult<Vec<String>> {
    let mut q = sessions::table
        .filter(sessions::user_id.eq(user.0))
        .select((sessions::id, sessions::token_hash))
        .into_boxed();
    if let Some(id) = only {
        q = q.filter(sessions::id.eq(id.0));
    }
    if let Some(id) = except {
        q = q.filter(sessions::id.ne(id.0));
    }
    let rows: Vec<(i64, String)> = q.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    if !ids.is_empty() {
        diesel::delete(sessions::table.filter(sessions::id.eq_any(&ids))).execute(conn)?;
    }
    Ok(rows.into_iter().map(|r| r.1).collect())
}

/// Removes sessions past their absolute expiry or idle limit.
pub fn delete_expired_sessions(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    idle_before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .lt(now)
                .or(sessions::last_seen_at.lt(idle_before)),
        ),
    )
    .execute(conn)
}

/// What a one-time mail token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

impl TokenPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

/// Stores a new one-time token (its hash).
pub fn insert_email_token(
    conn: &mut AnyConnection,
    user: UserId,
    purpose: TokenPurpose,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::user_id.eq(user.0),
            email_tokens::purpose.eq(purpose.as_str()),
            email_tokens::token_hash.eq(token_hash),
            email_tokens::created_at.eq(super::now()),
            email_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Consumes a one-time token: marks it used if it is unused, unexpired and for `purpose`,
/// returning its user. A second use finds nothing.
pub fn consume_email_token(
    conn: &mut AnyConnection,
    purpose: TokenPurpose,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<UserId>> {
    let row: Option<(i64, i64)> = email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now))
        .select((email_tokens::id, email_tokens::user_id))
        .first(conn)
        .optional()?;
    let Some((id, user_id)) = row else {
        return Ok(None);
    };
    let n = diesel::update(
        email_tokens::table
            .find(id)
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok((n == 1).then_some(UserId(user_id)))
}

/// Whether an unused, unexpired token exists (to show the form behind a link).
pub fn email_token_is_valid(
    conn: &mut AnyConnection,
    purpose: TokenPurpose,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n: i64 = email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Invalidates every unused token of a purpose for a user (after a reset, say).
pub fn expire_email_tokens(
    conn: &mut AnyConnection,
    user: UserId,
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user.0))
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(now)))
    .execute(conn)
    .map(|_| ())
}

/// A linker's accreditation state.
#[derive(Debug, Clone, Queryable)]
pub struct LinkerProfile {
    pub user_id: i64,
    pub status: String,
    pub motivation: String,
    pub requested_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The linker profile of a user, if they asked to be one.
pub fn find_linker(conn: &mut AnyConnection, user: UserId) -> QueryResult<Option<LinkerProfile>> {
    linker_profiles::table.find(user.0).first(conn).optional()
}

/// Records a request for linker accreditation (pending).
pub fn insert_linker_request(
    conn: &mut AnyConnection,
    user: UserId,
    motivation: &str,
) -> QueryResult<()> {
    let now = super::now();
    diesel::insert_into(linker_profiles::table)
        .values((
            linker_profiles::user_id.eq(user.0),
            linker_profiles::status.eq("pending"),
            linker_profiles::motivation.eq(motivation),
            linker_profiles::requested_at.eq(now),
            linker_profiles::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Sets a linker's status.
pub fn set_linker_status(
    conn: &mut AnyConnection,
    user: UserId,
    status: &str,
) -> QueryResult<usize> {
    diesel::update(linker_profiles::table.find(user.0))
        .set((
            linker_profiles::status.eq(status),
            linker_profiles::updated_at.eq(super::now()),
        ))
        .execute(conn)
}

/// Linker profiles with a status, joined with their users, oldest request first.
pub fn list_linkers(
    conn: &mut AnyConnection,
    status: Option<&str>,
) -> QueryResult<Vec<(LinkerProfile, User)>> {
    let mut q = linker_profiles::table
        .inner_join(users::table)
        .select((
            (
                linker_profiles::user_id,
                linker_profiles::status,
                linker_profiles::motivation,
                linker_profiles::requested_at,
                linker_profiles::updated_at,
            ),
            users::all_columns,
        ))
        .order(linker_profiles::requested_at.asc())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(linker_profiles::status.eq(s.to_string()));
    }
    q.load(conn)
}

/// Sets the display name.
pub fn set_display_name(conn: &mut AnyConnection, id: UserId, name: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id.0))
        .set((
            users::display_name.eq(name),
            users::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}
