//! Publishing: who may publish, creating and editing series, materializing their sessions for
//! the rolling horizon, editing one session on its own, and the interest taxonomy.

use crate::auth::CurrentUser;
use crate::bus::Event;
use crate::db::activities::{self as adb, Activity, ActivityFields, Interest, WantedSlot};
use crate::db::orgs;
use crate::db::{self, audit, AnyConnection, OrganizationId, UserId};
use crate::domain::activities::{ActivityDraft, ActivityInput};
use crate::domain::organizations::Status;
use crate::domain::schedule::{parse_local, to_utc, Schedule};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use chrono::{Duration, Utc};
use chrono_tz::Tz;

/// Statuses an organizer can set, and where each may go.
fn status_change_allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("draft", "published")
            | ("published", "paused")
            | ("paused", "published")
            | ("draft" | "published" | "paused", "cancelled")
    )
}

/// The default taxonomy: (slug, parent slug, Italian, English).
const TAXONOMY: &[(&str, Option<&str>, &str, &str)] = &[
    ("outdoors", None, "All'aria aperta", "Outdoors"),
    (
        "walking-group",
        Some("outdoors"),
        "Gruppi di cammino",
        "Walking groups",
    ),
    (
        "urban-garden",
        Some("outdoors"),
        "Orti urbani e giardinaggio",
        "Urban gardens and gardening",
    ),
    (
        "pets",
        Some("outdoors"),
        "Animali e aree cani",
        "Pets and dog areas",
    ),
    ("food", None, "Cibo e convivialità", "Food and company"),
    (
        "cooking-lunch-club",
        Some("food"),
        "Cucina e pranzi insieme",
        "Cooking and lunch clubs",
    ),
    (
        "community-meal",
        Some("food"),
        "Pasti di comunità e di fede",
        "Community and faith meals",
    ),
    ("culture", None, "Cultura", "Culture"),
    (
        "reading-group",
        Some("culture"),
        "Gruppi di lettura",
        "Reading groups",
    ),
    (
        "choir-music",
        Some("culture"),
        "Coro e musica",
        "Choir and music",
    ),
    (
        "culture-visits",
        Some("culture"),
        "Visite culturali",
        "Culture visits",
    ),
    (
        "crafts",
        Some("culture"),
        "Lavori manuali e creativi",
        "Crafts",
    ),
    ("movement", None, "Movimento", "Movement"),
    (
        "gentle-exercise",
        Some("movement"),
        "Ginnastica dolce",
        "Gentle exercise",
    ),
    ("dance", Some("movement"), "Ballo", "Dance"),
    (
        "swimming",
        Some("movement"),
        "Nuoto e acquagym",
        "Swimming and aqua fitness",
    ),
    (
        "bowls-games-sport",
        Some("movement"),
        "Bocce e sport tranquilli",
        "Bowls and easy sports",
    ),
    ("games", None, "Giochi", "Games"),
    (
        "board-card-games",
        Some("games"),
        "Giochi da tavolo e carte",
        "Board and card games",
    ),
    ("learning", None, "Imparare insieme", "Learning together"),
    (
        "language-exchange",
        Some("learning"),
        "Tavoli di conversazione e lingue",
        "Language exchange and conversation tables",
    ),
    (
        "tech-help",
        Some("learning"),
        "Aiuto con la tecnologia",
        "Tech help",
    ),
    ("community", None, "Comunità", "Community"),
    (
        "volunteering",
        Some("community"),
        "Volontariato",
        "Volunteering",
    ),
    (
        "parents-groups",
        Some("community"),
        "Gruppi di genitori",
        "Parents' groups",
    ),
];

/// Seeds the default taxonomy into an empty `interests` table.
pub async fn seed_interests(state: &AppState) -> anyhow::Result<()> {
    state
        .db
        .tx(|conn| {
            if !adb::list_interests(conn)?.is_empty() {
                return Ok(());
            }
            let mut ids: Vec<(&str, i64)> = Vec::new();
            for (i, (slug, parent, it, en)) in TAXONOMY.iter().enumerate() {
                let parent_id =
                    parent.and_then(|p| ids.iter().find(|(s, _)| *s == p).map(|(_, id)| *id));
                let id = adb::insert_interest(conn, parent_id, slug, it, en, i as i32 * 10)?;
                ids.push((slug, id));
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("seeding interests: {e}"))
}

/// The organization an activity may be published under by this user: an accredited one they
/// belong to (owner or staff). Admins may act for any organization.
pub fn check_publisher(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    org: OrganizationId,
) -> Result<orgs::Organization, AppError> {
    let o = orgs::find_organization(conn, org)?.ok_or(AppError::NotFound)?;
    let member = orgs::member_role(conn, org, user.id())?.is_some();
    if !member && !user.user.is_admin {
        return Err(if o.status == Status::Accredited.as_str() {
            AppError::Forbidden("err-not-member")
        } else {
            AppError::NotFound
        });
    }
    if o.status != Status::Accredited.as_str() {
        return Err(AppError::Forbidden("err-org-not-accredited"));
    }
    Ok(o)
}

fn check_interests(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), AppError> {
    let all = adb::list_interests(conn)?;
    for id in ids {
        match all.iter().find(|i| i.id == *id) {
            Some(i) if i.deprecated_at.is_none() => {}
            _ => return Err(AppError::field("interests", "err-interest-unknown")),
        }
    }
    Ok(())
}

/// The stored fields of a checked activity (areas located from its coordinates).
pub fn fields(state: &AppState, input: &ActivityInput) -> ActivityFields {
    let loc = state.areas.locate(input.latitude, input.longitude);
    ActivityFields {
        title: input.title.clone(),
        description: input.description.clone(),
        venue_name: input.venue_name.clone(),
        address: input.address.clone(),
        latitude: input.latitude,
        longitude: input.longitude,
        nil_code: loc.small,
        municipio_code: loc.large,
        timezone: input.schedule.tz.name().to_string(),
        dtstart_local: input.schedule.dtstart_local,
        duration_minutes: input.schedule.duration_minutes,
        rrule: input.schedule.rrule.clone(),
        exdates: input.schedule.exdates_text(),
        capacity: input.capacity,
        cost_kind: input.cost_kind.clone(),
        cost_cents: input.cost_cents,
        cost_help: input.cost_help,
        languages: input.languages.join(","),
        wheelchair: input.wheelchair.clone(),
        accessibility: input.accessibility.join(","),
        low_barrier: input.low_barrier.join(","),
        practical: serde_json::to_string(&input.practical).unwrap_or_else(|_| "{}".into()),
        audience: input.audience.join(","),
        contact_phone: input.contact_phone.clone(),
        contact_email: input.contact_email.clone(),
        updated_at: db::now(),
    }
}

/// The schedule stored with an activity.
pub fn schedule_of(a: &Activity) -> Result<Schedule, AppError> {
    let exdates: Vec<String> = a
        .exdates
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    Schedule::parse(
        &a.timezone,
        &a.dtstart_local
            .format(crate::domain::schedule::LOCAL_FORMAT)
            .to_string(),
        a.duration_minutes as i64,
        &a.rrule,
        &exdates,
    )
    .map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "stored schedule of activity {} is invalid: {e:?}",
            a.id
        ))
    })
}

/// Sessions whose waitlist moved, with the promoted bookings (to publish after the commit).
pub type Promotions = Vec<(i64, Vec<i64>)>;

/// Materializes the sessions of an activity from now to the horizon (inside a transaction),
/// and gives each future session seat counters that follow the activity's capacity and held
/// seats (a raised capacity promotes from the waitlist at once).
/// Returns (inserted, updated, deleted, promotions).
pub fn materialize(
    conn: &mut AnyConnection,
    a: &Activity,
    horizon_days: i64,
    release_hours: i64,
) -> Result<(usize, usize, usize, Promotions), AppError> {
    let schedule = schedule_of(a)?;
    let now = Utc::now();
    let slots = schedule
        .expand(now, now + Duration::days(horizon_days))
        .map_err(|e| AppError::field(e.field, e.message_id))?;
    let wanted: Vec<WantedSlot> = slots
        .into_iter()
        .map(|s| WantedSlot {
            slot_local: s.local,
            starts_at: s.starts_at.naive_utc(),
            ends_at: s.ends_at.naive_utc(),
        })
        .collect();
    let (ins, upd, del) = adb::sync_sessions(conn, a, &wanted, now.naive_utc(), db::now())?;
    let reserved = crate::db::participation::reserved_seats(conn, a.id)?;
    let promoted = crate::services::participation::follow_activity(
        conn,
        a.id,
        a.capacity,
        reserved,
        release_hours,
    )?;
    Ok((ins, upd, del, promoted))
}

/// Creates an activity (a draft, or published at once) under an organization.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    org: OrganizationId,
    draft: ActivityDraft,
    publish: bool,
) -> Result<i64, AppError> {
    let input = draft
        .check(&state.settings.city.timezone)
        .map_err(AppError::Validation)?;
    let horizon = state.settings.city.horizon_days;
    let release = state.settings.participation.reserved_release_hours;
    let f = fields(state, &input);
    let user_c = user.clone();
    let id = state
        .db
        .tx(move |conn| {
            check_publisher(conn, &user_c, org)?;
            check_interests(conn, &input.interests)?;
            let status = if publish { "published" } else { "draft" };
            let id = adb::insert_activity(conn, org.0, user_c.id().0, status, &f)?;
            adb::set_activity_interests(conn, id, &input.interests)?;
            crate::db::participation::set_reserved_seats(conn, id, input.reserved_seats)?;
            let a = adb::find_activity(conn, id)?.ok_or(AppError::NotFound)?;
            materialize(conn, &a, horizon, release)?;
            audit::record(
                conn,
                Some(user_c.id()),
                "activity.create",
                "activity",
                Some(id),
                status,
            )?;
            Ok(id)
        })
        .await?;
    changed(state, id).await?;
    Ok(id)
}

/// Loads an activity the user may edit.
fn editable(conn: &mut AnyConnection, user: &CurrentUser, id: i64) -> Result<Activity, AppError> {
    let a = adb::find_activity(conn, id)?
        .filter(|a| a.deleted_at.is_none())
        .ok_or(AppError::NotFound)?;
    check_publisher(conn, user, OrganizationId(a.organization_id))?;
    Ok(a)
}

/// Replaces an activity's details and schedule; sessions follow (overrides keep their time).
pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    draft: ActivityDraft,
) -> Result<(), AppError> {
    let input = draft
        .check(&state.settings.city.timezone)
        .map_err(AppError::Validation)?;
    let horizon = state.settings.city.horizon_days;
    let f = fields(state, &input);
    let user_c = user.clone();
    let release = state.settings.participation.reserved_release_hours;
    let promoted = state
        .db
        .tx(move |conn| {
            let a = editable(conn, &user_c, id)?;
            if a.status == "cancelled" {
                return Err(AppError::Conflict("err-activity-cancelled"));
            }
            check_interests(conn, &input.interests)?;
            adb::update_activity(conn, id, &f)?;
            adb::set_activity_interests(conn, id, &input.interests)?;
            crate::db::participation::set_reserved_seats(conn, id, input.reserved_seats)?;
            let a = adb::find_activity(conn, id)?.ok_or(AppError::NotFound)?;
            let (_, _, _, promoted) = materialize(conn, &a, horizon, release)?;
            adb::touch_future_sessions(conn, id, db::now(), db::now())?;
            audit::record(
                conn,
                Some(user_c.id()),
                "activity.update",
                "activity",
                Some(id),
                "",
            )?;
            Ok(promoted)
        })
        .await?;
    crate::services::participation::publish_promotions(state, promoted).await;
    changed(state, id).await
}

/// Publishes, pauses, resumes or cancels an activity. Cancelling keeps every row.
pub async fn set_status(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: &str,
) -> Result<(), AppError> {
    if !crate::domain::activities::STATUSES.contains(&status) {
        return Err(AppError::field("status", "err-unknown-value"));
    }
    let user_c = user.clone();
    let status = status.to_string();
    state
        .db
        .tx(move |conn| {
            let a = editable(conn, &user_c, id)?;
            if a.status == status {
                return Ok(());
            }
            if !status_change_allowed(&a.status, &status) {
                return Err(AppError::field("status", "err-status-change"));
            }
            let now = db::now();
            adb::set_activity_status(conn, id, &status, now)?;
            let session_status = if status == "cancelled" {
                "cancelled"
            } else {
                "scheduled"
            };
            if status == "cancelled" {
                // Tell the people booked on the sessions that will not take place.
                let future: Vec<i64> = adb::sessions_of(conn, id, now)?
                    .into_iter()
                    .filter(|s| s.deleted_at.is_none() && s.status != "cancelled")
                    .map(|s| s.id)
                    .collect();
                crate::services::notifications::tell_session_changed(conn, &future, true)?;
            }
            adb::set_future_sessions_status(conn, id, now, session_status, now)?;
            audit::record(
                conn,
                Some(user_c.id()),
                &format!("activity.{status}"),
                "activity",
                Some(id),
                "",
            )?;
            Ok(())
        })
        .await?;
    changed(state, id).await
}

/// A change to one session.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionEdit {
    /// New local start (`YYYY-MM-DDTHH:MM`), to move it.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// New length in minutes.
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    /// scheduled | cancelled
    #[serde(default)]
    pub status: Option<String>,
    /// A note for participants ("we meet at the side gate").
    #[serde(default)]
    pub note: Option<String>,
}

/// Moves, cancels or annotates one session without touching the series.
pub async fn edit_session(
    state: &AppState,
    user: &CurrentUser,
    session_id: i64,
    edit: SessionEdit,
) -> Result<(), AppError> {
    let user_c = user.clone();
    let release = state.settings.participation.reserved_release_hours;
    let (activity_id, promoted) = state
        .db
        .tx(move |conn| {
            let s = adb::find_session(conn, session_id)?
                .filter(|s| s.deleted_at.is_none())
                .ok_or(AppError::NotFound)?;
            let a = editable(conn, &user_c, s.activity_id)?;
            let tz: Tz = a
                .timezone
                .parse()
                .map_err(|_| AppError::Internal(anyhow::anyhow!("bad tz")))?;
            let mut errors = FieldErrors::new();
            let duration = edit
                .duration_minutes
                .unwrap_or_else(|| (s.ends_at - s.starts_at).num_minutes());
            if !(5..=24 * 60).contains(&duration) {
                errors.insert("duration_minutes".into(), "err-duration".into());
            }
            let starts = match &edit.starts_at {
                Some(text) => match parse_local(text).and_then(|l| to_utc(tz, l)) {
                    Some(u) => u.naive_utc(),
                    None => {
                        errors.insert("starts_at".into(), "err-datetime".into());
                        s.starts_at
                    }
                },
                None => s.starts_at,
            };
            let status = edit.status.clone().unwrap_or_else(|| s.status.clone());
            if !["scheduled", "cancelled"].contains(&status.as_str()) {
                errors.insert("status".into(), "err-unknown-value".into());
            }
            let note = crate::domain::validation::optional_text(
                edit.note.as_deref().unwrap_or(&s.note),
                500,
            )
            .map_err(|m| errors.insert("note".into(), m.into()))
            .unwrap_or_default();
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            if a.status == "cancelled" {
                return Err(AppError::Conflict("err-activity-cancelled"));
            }
            let now = db::now();
            adb::update_session(
                conn,
                session_id,
                starts,
                starts + Duration::minutes(duration),
                &status,
                &note,
                now,
            )?;
            // The people booked are told when it is cancelled or moved.
            if status == "cancelled" && s.status != "cancelled" {
                crate::services::notifications::tell_session_changed(conn, &[session_id], true)?;
            } else if status != "cancelled" && starts != s.starts_at {
                crate::services::notifications::tell_session_changed(conn, &[session_id], false)?;
            }
            // Held seats are released a fixed time before the (possibly new) start.
            let reserved = crate::db::participation::reserved_seats(conn, a.id)?;
            let promoted = crate::services::participation::follow_activity(
                conn, a.id, a.capacity, reserved, release,
            )?;
            audit::record(
                conn,
                Some(user_c.id()),
                "session.edit",
                "session",
                Some(session_id),
                &status,
            )?;
            Ok((a.id, promoted))
        })
        .await?;
    crate::services::participation::publish_promotions(state, promoted).await;
    changed(state, activity_id).await
}

/// The organizer confirms the sessions of the coming `days` (31 by default): "yes, they
/// will take place". Returns how many were newly confirmed.
pub async fn confirm_upcoming(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    days: i64,
) -> Result<usize, AppError> {
    if !(1..=120).contains(&days) {
        return Err(AppError::field("days", "err-confirm-days"));
    }
    let user_c = user.clone();
    let n = state
        .db
        .tx(move |conn| {
            let a = editable(conn, &user_c, id)?;
            if a.status == "cancelled" {
                return Err(AppError::Conflict("err-activity-cancelled"));
            }
            let now = db::now();
            let n = adb::confirm_sessions(conn, id, now, now + Duration::days(days), now)?;
            audit::record(
                conn,
                Some(user_c.id()),
                "activity.confirm_sessions",
                "activity",
                Some(id),
                &n.to_string(),
            )?;
            Ok(n)
        })
        .await?;
    changed(state, id).await?;
    Ok(n)
}

/// After a write: this instance's index sees it before the response goes out; other
/// instances hear it on the bus.
async fn changed(state: &AppState, activity_id: i64) -> Result<(), AppError> {
    state.index.reload(&state.db, vec![activity_id]).await?;
    state
        .bus
        .publish(Event::ActivityChanged { activity_id })
        .await;
    Ok(())
}

/// Keeps every live series materialized up to the horizon (run daily by every instance; the
/// work is idempotent).
pub async fn extend_horizon(state: &AppState) -> Result<usize, AppError> {
    let horizon = state.settings.city.horizon_days;
    let release = state.settings.participation.reserved_release_hours;
    let ids: Vec<i64> = state
        .db
        .run(|conn| {
            use crate::db::schema::activities;
            use diesel::prelude::*;
            Ok(activities::table
                .filter(activities::status.eq_any(["published", "paused", "draft"]))
                .filter(activities::deleted_at.is_null())
                .filter(activities::rrule.ne(""))
                .select(activities::id)
                .load::<i64>(conn)?)
        })
        .await?;
    let mut inserted = 0;
    for id in ids {
        inserted += state
            .db
            .tx(move |conn| {
                let Some(a) = adb::find_activity(conn, id)? else {
                    return Ok(0);
                };
                Ok(materialize(conn, &a, horizon, release)?.0)
            })
            .await?;
    }
    if inserted > 0 {
        state.index.rebuild(&state.db).await?;
    }
    Ok(inserted)
}

/// The taxonomy, as stored.
pub async fn interests(state: &AppState) -> Result<Vec<Interest>, AppError> {
    state.db.run(|conn| Ok(adb::list_interests(conn)?)).await
}

/// An admin adds an interest (under a parent at most one level deep).
pub async fn add_interest(
    state: &AppState,
    admin: &CurrentUser,
    parent: Option<i64>,
    slug: &str,
    name_it: &str,
    name_en: &str,
) -> Result<i64, AppError> {
    let slug = slug.trim().to_ascii_lowercase();
    if slug.len() < 2
        || slug.len() > 40
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(AppError::field("slug", "err-slug"));
    }
    let name_it = crate::domain::validation::required_line(name_it, 80)
        .map_err(|m| AppError::field("name_it", m))?;
    let name_en = crate::domain::validation::required_line(name_en, 80)
        .map_err(|m| AppError::field("name_en", m))?;
    let admin_id: UserId = admin.id();
    state
        .db
        .tx(move |conn| {
            let all = adb::list_interests(conn)?;
            if let Some(p) = parent {
                match all.iter().find(|i| i.id == p) {
                    Some(pi) if pi.parent_id.is_none() => {}
                    Some(_) => return Err(AppError::field("parent_id", "err-interest-depth")),
                    None => return Err(AppError::field("parent_id", "err-interest-unknown")),
                }
            }
            let order = all.iter().map(|i| i.sort_order).max().unwrap_or(0) + 10;
            let id = adb::insert_interest(conn, parent, &slug, &name_it, &name_en, order)?;
            audit::record(
                conn,
                Some(admin_id),
                "interest.add",
                "interest",
                Some(id),
                &slug,
            )?;
            Ok(id)
        })
        .await
}

/// An admin deprecates (or restores) an interest: it stays on existing activities but can't be chosen.
pub async fn deprecate_interest(
    state: &AppState,
    admin: &CurrentUser,
    id: i64,
    deprecated: bool,
) -> Result<(), AppError> {
    let admin_id = admin.id();
    state
        .db
        .tx(move |conn| {
            let at = deprecated.then(db::now);
            if adb::set_interest_deprecated(conn, id, at)? == 0 {
                return Err(AppError::NotFound);
            }
            audit::record(
                conn,
                Some(admin_id),
                if deprecated {
                    "interest.deprecate"
                } else {
                    "interest.restore"
                },
                "interest",
                Some(id),
                "",
            )?;
            Ok(())
        })
        .await
}
