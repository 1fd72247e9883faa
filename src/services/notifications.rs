//! Notifications: written with the change they tell about ([`tell`], inside its transaction),
//! read over HTTP in the reader's language ([`list`]) and marked read. Nothing depends on a
//! socket being open; live delivery (the websocket issue) will push the same rows.

use crate::auth::CurrentUser;
use crate::db::notifications::{self as ndb, Notification};
use crate::db::schema::{
    activities, activity_sessions, bookings, organizations, referrals, residents,
};
use crate::db::{self, AnyConnection};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

/// Notifications written in a transaction, to announce once it has committed.
pub type Written = Vec<(i64, i64)>;

/// Writes a notification of `kind` for each recipient (inside the caller's transaction).
pub fn tell(
    conn: &mut AnyConnection,
    users: &[i64],
    kind: &str,
    data: Value,
) -> Result<Written, AppError> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    Ok(ndb::insert(conn, users, kind, &data, db::now())?)
}

/// A booking's session, account, resident and who booked it.
type BookingPeople = (i64, Option<i64>, Option<i64>, Option<i64>);

/// The accounts a booking concerns: the one it was made under, the resident's own, and the
/// linker who booked it.
fn booking_people(
    conn: &mut AnyConnection,
    user: Option<i64>,
    resident: Option<i64>,
    booked_by: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let resident_user: Option<i64> = match resident {
        Some(r) => residents::table
            .find(r)
            .select(residents::user_id)
            .first::<Option<i64>>(conn)
            .optional()?
            .flatten(),
        None => None,
    };
    Ok([user, resident_user, booked_by]
        .into_iter()
        .flatten()
        .collect())
}

/// Tells the people a booking concerns that it moved up from the waitlist: the account it
/// was made under, the resident's own account, and the linker who booked it.
pub fn tell_promoted(conn: &mut AnyConnection, ids: &[i64]) -> Result<Written, AppError> {
    let mut out = Vec::new();
    for id in ids {
        let row: Option<BookingPeople> = bookings::table
            .filter(bookings::id.eq(id))
            .select((
                bookings::session_id,
                bookings::user_id,
                bookings::resident_id,
                bookings::booked_by,
            ))
            .first(conn)
            .optional()?;
        let Some((session_id, user, resident, booked_by)) = row else {
            continue;
        };
        let users = booking_people(conn, user, resident, booked_by)?;
        out.extend(tell(
            conn,
            &users,
            "seat_promoted",
            json!({"booking_id": id, "session_id": session_id}),
        )?);
    }
    Ok(out)
}

/// Tells everyone with a live booking on these sessions (their account, the resident's own
/// account, the linker who booked) that the session was moved or cancelled.
pub fn tell_session_changed(
    conn: &mut AnyConnection,
    session_ids: &[i64],
    cancelled: bool,
) -> Result<Written, AppError> {
    let mut out = Vec::new();
    for sid in session_ids {
        let rows: Vec<BookingPeople> = bookings::table
            .filter(bookings::session_id.eq(sid))
            .filter(bookings::status.eq_any(["confirmed", "waitlisted"]))
            .select((
                bookings::id,
                bookings::user_id,
                bookings::resident_id,
                bookings::booked_by,
            ))
            .load(conn)?;
        for (booking_id, user, resident, booked_by) in rows {
            let users = booking_people(conn, user, resident, booked_by)?;
            out.extend(tell(
                conn,
                &users,
                if cancelled {
                    "session_cancelled"
                } else {
                    "session_moved"
                },
                json!({"booking_id": booking_id, "session_id": sid}),
            )?);
        }
    }
    Ok(out)
}

/// A notification in the reader's language.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// seat_promoted | session_moved | session_cancelled | referral_proposed |
    /// referral_answered | organization_decision | linker_decision
    pub kind: String,
    pub text: String,
    /// Where to look (a page of the site).
    pub url: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// A user's notifications.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    /// Newest first.
    pub items: Vec<NotificationView>,
}

fn num(v: &Value, k: &str) -> i64 {
    v.get(k).and_then(Value::as_i64).unwrap_or(0)
}

fn when(t: NaiveDateTime, tz: chrono_tz::Tz, lang: Lang) -> String {
    let format = if lang.code() == "en" {
        "%-d %b %Y, %H:%M"
    } else {
        "%d/%m/%Y, %H:%M"
    };
    t.and_utc().with_timezone(&tz).format(format).to_string()
}

/// Puts one notification into words (reading what it points at).
fn words(
    conn: &mut AnyConnection,
    n: &Notification,
    lang: Lang,
    tz: chrono_tz::Tz,
) -> Result<(String, String), AppError> {
    let data: Value = serde_json::from_str(&n.data).unwrap_or(Value::Null);
    let session = |conn: &mut AnyConnection, id: i64| -> Result<(String, String), AppError> {
        Ok(activity_sessions::table
            .inner_join(activities::table)
            .filter(activity_sessions::id.eq(id))
            .select((activities::title, activity_sessions::starts_at))
            .first::<(String, NaiveDateTime)>(conn)
            .optional()?
            .map(|(t, s)| (t, when(s, tz, lang)))
            .unwrap_or_default())
    };
    let referral = |conn: &mut AnyConnection, id: i64| -> Result<(String, String, i64), AppError> {
        Ok(referrals::table
            .inner_join(activities::table)
            .inner_join(residents::table)
            .filter(referrals::id.eq(id))
            .select((activities::title, residents::display_name, residents::id))
            .first::<(String, String, i64)>(conn)
            .optional()?
            .unwrap_or_default())
    };
    Ok(match n.kind.as_str() {
        "seat_promoted" => {
            let (title, at) = session(conn, num(&data, "session_id"))?;
            (
                lang.ta("notif-seat-promoted", &[("title", title), ("when", at)]),
                format!("/bookings/{}", num(&data, "booking_id")),
            )
        }
        "session_moved" | "session_cancelled" => {
            let (title, at) = session(conn, num(&data, "session_id"))?;
            let key = if n.kind == "session_moved" {
                "notif-session-moved"
            } else {
                "notif-session-cancelled"
            };
            (
                lang.ta(key, &[("title", title), ("when", at)]),
                format!("/bookings/{}", num(&data, "booking_id")),
            )
        }
        "referral_proposed" => {
            let (title, _, _) = referral(conn, num(&data, "referral_id"))?;
            (
                lang.ta("notif-referral-proposed", &[("title", title)]),
                "/me/profile".into(),
            )
        }
        "referral_answered" => {
            let (title, name, resident) = referral(conn, num(&data, "referral_id"))?;
            let key = if data.get("accepted").and_then(Value::as_bool) == Some(true) {
                "notif-referral-accepted"
            } else {
                "notif-referral-declined"
            };
            (
                lang.ta(key, &[("name", name), ("title", title)]),
                format!("/linker/residents/{resident}"),
            )
        }
        "organization_decision" => {
            let id = num(&data, "organization_id");
            let name: String = organizations::table
                .find(id)
                .select(organizations::name)
                .first(conn)
                .optional()?
                .unwrap_or_default();
            let status = data.get("status").and_then(Value::as_str).unwrap_or("");
            (
                lang.ta(
                    "notif-organization-decision",
                    &[
                        ("name", name),
                        ("status", lang.t(&format!("status-{status}"))),
                    ],
                ),
                format!("/organizations/{id}"),
            )
        }
        "linker_decision" => {
            let status = data.get("status").and_then(Value::as_str).unwrap_or("");
            (
                lang.ta(
                    "notif-linker-decision",
                    &[("status", lang.t(&format!("status-{status}")))],
                ),
                "/account".into(),
            )
        }
        _ => (lang.t("notif-other"), "/".into()),
    })
}

fn city_tz(state: &AppState) -> chrono_tz::Tz {
    state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome)
}

fn view(
    conn: &mut AnyConnection,
    n: &Notification,
    lang: Lang,
    tz: chrono_tz::Tz,
) -> Result<NotificationView, AppError> {
    let (text, url) = words(conn, n, lang, tz)?;
    Ok(NotificationView {
        id: n.id,
        kind: n.kind.clone(),
        text,
        url,
        created_at: n.created_at.and_utc(),
        read: n.read_at.is_some(),
    })
}

/// What a socket of `user` needs when it opens: the id of the newest notification, how many
/// are unread, and, when the page says which one it saw last, those it missed since (oldest
/// first, at most `replay_max`).
pub async fn for_socket(
    state: &AppState,
    user: i64,
    seen: Option<i64>,
    lang: Lang,
) -> Result<(i64, i64, Vec<NotificationView>), AppError> {
    let tz = city_tz(state);
    let max = state.settings.live.replay_max.max(1);
    state
        .db
        .run(move |conn| {
            let latest = ndb::latest_id(conn, user)?;
            let unread = ndb::unread(conn, user)?;
            let mut missed = Vec::new();
            if let Some(after) = seen.filter(|s| *s < latest) {
                for n in ndb::since(conn, user, after.max(0), max)? {
                    missed.push(view(conn, &n, lang, tz)?);
                }
            }
            Ok((latest, unread, missed))
        })
        .await
}

/// One notification of `user` in each of `langs`, and how many of theirs are unread
/// (`None`: not theirs, or gone).
pub async fn one_in(
    state: &AppState,
    user: i64,
    id: i64,
    langs: Vec<Lang>,
) -> Result<Option<(Vec<(Lang, NotificationView)>, i64)>, AppError> {
    let tz = city_tz(state);
    state
        .db
        .run(move |conn| {
            let Some(n) = ndb::find(conn, user, id)? else {
                return Ok(None);
            };
            let mut out = Vec::with_capacity(langs.len());
            for lang in langs {
                out.push((lang, view(conn, &n, lang, tz)?));
            }
            Ok(Some((out, ndb::unread(conn, user)?)))
        })
        .await
}

/// The signed-in person's notifications newer than `after_id` (0: from the start), newest
/// first, and how many are unread.
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    after_id: i64,
    limit: i64,
    lang: Lang,
) -> Result<NotificationList, AppError> {
    let me = user.id().0;
    let tz = city_tz(state);
    let limit = limit.clamp(1, 100);
    state
        .db
        .run(move |conn| {
            let rows = ndb::list(conn, me, after_id.max(0), limit)?;
            let mut items = Vec::with_capacity(rows.len());
            for n in &rows {
                items.push(view(conn, n, lang, tz)?);
            }
            Ok(NotificationList {
                unread: ndb::unread(conn, me)?,
                items,
            })
        })
        .await
}

/// Marks some (or all) of the signed-in person's notifications read; returns how many.
pub async fn mark_read(
    state: &AppState,
    user: &CurrentUser,
    ids: Option<Vec<i64>>,
) -> Result<usize, AppError> {
    let me = user.id().0;
    state
        .db
        .run(move |conn| Ok(ndb::mark_read(conn, me, ids.as_deref(), db::now())?))
        .await
}
