//! Interests, activities and their materialized sessions.

use super::schema::{activities, activity_interests, activity_sessions, interests};
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An interest of the taxonomy.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct Interest {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name_it: String,
    pub name_en: String,
    pub sort_order: i32,
    pub deprecated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Interest {
    /// The name in a language (Italian for any language without its own).
    pub fn name(&self, lang: &str) -> &str {
        match lang {
            "en" => &self.name_en,
            _ => &self.name_it,
        }
    }
}

/// Every interest, parents first, by sort order.
pub fn list_interests(conn: &mut AnyConnection) -> QueryResult<Vec<Interest>> {
    interests::table
        .order((interests::sort_order.asc(), interests::id.asc()))
        .load(conn)
}

/// Adds an interest; returns its id.
pub fn insert_interest(
    conn: &mut AnyConnection,
    parent_id: Option<i64>,
    slug: &str,
    name_it: &str,
    name_en: &str,
    sort_order: i32,
) -> QueryResult<i64> {
    diesel::insert_into(interests::table)
        .values((
            interests::parent_id.eq(parent_id),
            interests::slug.eq(slug),
            interests::name_it.eq(name_it),
            interests::name_en.eq(name_en),
            interests::sort_order.eq(sort_order),
            interests::created_at.eq(super::now()),
        ))
        .returning(interests::id)
        .get_result(conn)
}

/// Deprecates (Some) or restores (None) an interest. Terms are never deleted.
pub fn set_interest_deprecated(
    conn: &mut AnyConnection,
    id: i64,
    at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(interests::table.find(id))
        .set(interests::deprecated_at.eq(at))
        .execute(conn)
}

/// An activity row (a series, or a one-off).
#[derive(Debug, Clone, Queryable)]
pub struct Activity {
    pub id: i64,
    pub organization_id: i64,
    pub created_by: i64,
    pub title: String,
    pub description: String,
    pub venue_name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub nil_code: Option<String>,
    pub municipio_code: Option<String>,
    pub timezone: String,
    pub dtstart_local: NaiveDateTime,
    pub duration_minutes: i32,
    pub rrule: String,
    pub exdates: String,
    pub capacity: Option<i32>,
    pub cost_kind: String,
    pub cost_cents: i32,
    pub cost_help: bool,
    pub languages: String,
    pub wheelchair: String,
    pub accessibility: String,
    pub low_barrier: String,
    pub practical: String,
    pub audience: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

/// The fields an organizer sets (insert and update alike).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = activities)]
#[diesel(treat_none_as_null = true)]
pub struct ActivityFields {
    pub title: String,
    pub description: String,
    pub venue_name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub nil_code: Option<String>,
    pub municipio_code: Option<String>,
    pub timezone: String,
    pub dtstart_local: NaiveDateTime,
    pub duration_minutes: i32,
    pub rrule: String,
    pub exdates: String,
    pub capacity: Option<i32>,
    pub cost_kind: String,
    pub cost_cents: i32,
    pub cost_help: bool,
    pub languages: String,
    pub wheelchair: String,
    pub accessibility: String,
    pub low_barrier: String,
    pub practical: String,
    pub audience: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub updated_at: NaiveDateTime,
}

/// Inserts an activity with a status; returns its id.
pub fn insert_activity(
    conn: &mut AnyConnection,
    organization_id: i64,
    created_by: i64,
    status: &str,
    fields: &ActivityFields,
) -> QueryResult<i64> {
    diesel::insert_into(activities::table)
        .values((
            activities::organization_id.eq(organization_id),
            activities::created_by.eq(created_by),
            activities::status.eq(status),
            activities::created_at.eq(fields.updated_at),
            fields.clone(),
        ))
        .returning(activities::id)
        .get_result(conn)
}

/// Replaces the organizer's fields.
pub fn update_activity(
    conn: &mut AnyConnection,
    id: i64,
    fields: &ActivityFields,
) -> QueryResult<usize> {
    diesel::update(activities::table.find(id))
        .set(fields)
        .execute(conn)
}

/// Sets the status.
pub fn set_activity_status(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(activities::table.find(id))
        .set((activities::status.eq(status), activities::updated_at.eq(at)))
        .execute(conn)
}

/// One activity (soft-deleted ones too; callers decide).
pub fn find_activity(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Activity>> {
    activities::table.find(id).first(conn).optional()
}

/// The activities of an organization, newest first.
pub fn activities_of_org(conn: &mut AnyConnection, org: i64) -> QueryResult<Vec<Activity>> {
    activities::table
        .filter(activities::organization_id.eq(org))
        .filter(activities::deleted_at.is_null())
        .order(activities::id.desc())
        .load(conn)
}

/// Activities by id.
pub fn activities_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<Activity>> {
    activities::table
        .filter(activities::id.eq_any(ids))
        .load(conn)
}

/// Replaces the interests of an activity.
pub fn set_activity_interests(
    conn: &mut AnyConnection,
    activity: i64,
    ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(activity_interests::table.filter(activity_interests::activity_id.eq(activity)))
        .execute(conn)?;
    for id in ids {
        diesel::insert_into(activity_interests::table)
            .values((
                activity_interests::activity_id.eq(activity),
                activity_interests::interest_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// (activity id, interest id) pairs for some activities.
pub fn interests_of(
    conn: &mut AnyConnection,
    activity_ids: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    activity_interests::table
        .filter(activity_interests::activity_id.eq_any(activity_ids))
        .select((
            activity_interests::activity_id,
            activity_interests::interest_id,
        ))
        .load(conn)
}

/// A materialized session.
#[derive(Debug, Clone, Queryable)]
pub struct SessionRow {
    pub id: i64,
    pub activity_id: i64,
    pub slot_local: NaiveDateTime,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub latitude: f64,
    pub longitude: f64,
    pub status: String,
    pub is_override: bool,
    pub note: String,
    pub confirmed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

/// One session.
pub fn find_session(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<SessionRow>> {
    activity_sessions::table.find(id).first(conn).optional()
}

/// The sessions of an activity from a time on (deleted ones too), by start.
pub fn sessions_of(
    conn: &mut AnyConnection,
    activity: i64,
    from: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    activity_sessions::table
        .filter(activity_sessions::activity_id.eq(activity))
        .filter(activity_sessions::starts_at.ge(from))
        .order(activity_sessions::starts_at.asc())
        .load(conn)
}

/// Every session of an activity (for the calendar feed), by start.
pub fn all_sessions_of(conn: &mut AnyConnection, activity: i64) -> QueryResult<Vec<SessionRow>> {
    activity_sessions::table
        .filter(activity_sessions::activity_id.eq(activity))
        .order(activity_sessions::starts_at.asc())
        .load(conn)
}

/// A wanted occurrence: its identity, times (UTC) and place.
#[derive(Debug, Clone)]
pub struct WantedSlot {
    pub slot_local: NaiveDateTime,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// Makes the future sessions of an activity match `wanted` (all slots starting at or after
/// `from`): new slots are inserted, vanished ones soft-deleted, moved ones updated, except that
/// a session edited on its own (an override) keeps its time and is never removed by a rule
/// change. Past sessions are untouched.
/// Returns (inserted, updated, deleted).
pub fn sync_sessions(
    conn: &mut AnyConnection,
    activity: &Activity,
    wanted: &[WantedSlot],
    from: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<(usize, usize, usize)> {
    let existing: Vec<SessionRow> = activity_sessions::table
        .filter(activity_sessions::activity_id.eq(activity.id))
        .filter(activity_sessions::slot_local.ge(from - chrono::Duration::days(1)))
        .load(conn)?;
    let (mut ins, mut upd, mut del) = (0, 0, 0);
    for row in &existing {
        if row.starts_at < from && !row.is_override {
            continue;
        }
        match wanted.iter().find(|w| w.slot_local == row.slot_local) {
            Some(w) => {
                let moved =
                    !row.is_override && (row.starts_at != w.starts_at || row.ends_at != w.ends_at);
                let relocated =
                    row.latitude != activity.latitude || row.longitude != activity.longitude;
                if moved || relocated || row.deleted_at.is_some() {
                    let (s, e) = if row.is_override {
                        (row.starts_at, row.ends_at)
                    } else {
                        (w.starts_at, w.ends_at)
                    };
                    diesel::update(activity_sessions::table.find(row.id))
                        .set((
                            activity_sessions::starts_at.eq(s),
                            activity_sessions::ends_at.eq(e),
                            activity_sessions::latitude.eq(activity.latitude),
                            activity_sessions::longitude.eq(activity.longitude),
                            activity_sessions::deleted_at.eq(None::<NaiveDateTime>),
                            activity_sessions::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    upd += 1;
                }
            }
            // A session edited on its own (moved or annotated) stays even if the rule no
            // longer produces its slot: the organizer set it by hand.
            None if row.deleted_at.is_none() && row.starts_at >= from && !row.is_override => {
                diesel::update(activity_sessions::table.find(row.id))
                    .set((
                        activity_sessions::deleted_at.eq(Some(now)),
                        activity_sessions::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                del += 1;
            }
            None => {}
        }
    }
    for w in wanted {
        if existing.iter().any(|r| r.slot_local == w.slot_local) {
            continue;
        }
        diesel::insert_into(activity_sessions::table)
            .values((
                activity_sessions::activity_id.eq(activity.id),
                activity_sessions::slot_local.eq(w.slot_local),
                activity_sessions::starts_at.eq(w.starts_at),
                activity_sessions::ends_at.eq(w.ends_at),
                activity_sessions::latitude.eq(activity.latitude),
                activity_sessions::longitude.eq(activity.longitude),
                activity_sessions::status.eq("scheduled"),
                activity_sessions::updated_at.eq(now),
            ))
            .execute(conn)?;
        ins += 1;
    }
    Ok((ins, upd, del))
}

/// Edits one session on its own: new times (an override), a status, a note.
pub fn update_session(
    conn: &mut AnyConnection,
    id: i64,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    status: &str,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(activity_sessions::table.find(id))
        .set((
            activity_sessions::starts_at.eq(starts_at),
            activity_sessions::ends_at.eq(ends_at),
            activity_sessions::status.eq(status),
            activity_sessions::note.eq(note),
            activity_sessions::is_override.eq(true),
            activity_sessions::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Marks an activity's future sessions as changed (for the open-data feed) after an edit of
/// the series that may change what they show.
pub fn touch_future_sessions(
    conn: &mut AnyConnection,
    activity: i64,
    from: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        activity_sessions::table
            .filter(activity_sessions::activity_id.eq(activity))
            .filter(activity_sessions::starts_at.ge(from)),
    )
    .set(activity_sessions::updated_at.eq(now))
    .execute(conn)
}

/// Marks every activity of an organization, and their future sessions, as changed (its
/// accreditation or name changed what the public sees).
pub fn touch_organization(
    conn: &mut AnyConnection,
    org: i64,
    from: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let ids: Vec<i64> = activities::table
        .filter(activities::organization_id.eq(org))
        .select(activities::id)
        .load(conn)?;
    diesel::update(activities::table.filter(activities::organization_id.eq(org)))
        .set(activities::updated_at.eq(now))
        .execute(conn)?;
    diesel::update(
        activity_sessions::table
            .filter(activity_sessions::activity_id.eq_any(&ids))
            .filter(activity_sessions::starts_at.ge(from)),
    )
    .set(activity_sessions::updated_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Sets the status of every future session of an activity (when it is cancelled, paused, resumed).
pub fn set_future_sessions_status(
    conn: &mut AnyConnection,
    activity: i64,
    from: NaiveDateTime,
    status: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        activity_sessions::table
            .filter(activity_sessions::activity_id.eq(activity))
            .filter(activity_sessions::starts_at.ge(from))
            .filter(activity_sessions::deleted_at.is_null())
            .filter(
                activity_sessions::is_override
                    .eq(false)
                    .or(activity_sessions::status.ne("cancelled")),
            ),
    )
    .set((
        activity_sessions::status.eq(status),
        activity_sessions::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Confirms the sessions of an activity up to a time (organizers confirm each coming month).
pub fn confirm_sessions(
    conn: &mut AnyConnection,
    activity: i64,
    from: NaiveDateTime,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        activity_sessions::table
            .filter(activity_sessions::activity_id.eq(activity))
            .filter(activity_sessions::starts_at.ge(from))
            .filter(activity_sessions::starts_at.lt(until))
            .filter(activity_sessions::confirmed_at.is_null()),
    )
    .set(activity_sessions::confirmed_at.eq(Some(now)))
    .execute(conn)
}

/// Sessions changed after (updated_at, id), in change order, for the open-data feed.
pub fn sessions_changed_after(
    conn: &mut AnyConnection,
    after: NaiveDateTime,
    after_id: i64,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<SessionRow>> {
    activity_sessions::table
        .filter(
            activity_sessions::updated_at
                .gt(after)
                .or(activity_sessions::updated_at
                    .eq(after)
                    .and(activity_sessions::id.gt(after_id))),
        )
        .filter(activity_sessions::updated_at.le(until))
        .order((
            activity_sessions::updated_at.asc(),
            activity_sessions::id.asc(),
        ))
        .limit(limit)
        .load(conn)
}

/// Activities changed after (updated_at, id), in change order, for the open-data feed.
pub fn activities_changed_after(
    conn: &mut AnyConnection,
    after: NaiveDateTime,
    after_id: i64,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Activity>> {
    activities::table
        .filter(
            activities::updated_at.gt(after).or(activities::updated_at
                .eq(after)
                .and(activities::id.gt(after_id))),
        )
        .filter(activities::updated_at.le(until))
        .order((activities::updated_at.asc(), activities::id.asc()))
        .limit(limit)
        .load(conn)
}
