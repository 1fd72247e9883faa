//! Residents, their linkers, consents, questionnaires, declined suggestions and admins'
//! break-glass openings.

use super::schema::{
    break_glass, consents, questionnaire_responses, resident_interests, resident_linkers,
    residents, suggestion_dismissals, users,
};
use super::{AnyConnection, ResidentId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A resident's file.
#[derive(Debug, Clone, Queryable, QueryableByName)]
#[diesel(table_name = residents)]
pub struct Resident {
    pub id: i64,
    pub user_id: Option<i64>,
    pub display_name: String,
    pub phone: String,
    pub email: String,
    pub origin: String,
    pub status: String,
    pub locale: String,
    pub birth_year: Option<i32>,
    pub languages: String,
    pub home_cell: Option<String>,
    pub home_area: Option<String>,
    pub travel_radius_m: i32,
    pub availability: i32,
    pub wheelchair: bool,
    pub accessibility: String,
    pub budget_cents: Option<i32>,
    pub wants_company: bool,
    pub prefers_small_groups: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

/// The profile fields (insert and update alike).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = residents)]
#[diesel(treat_none_as_null = true)]
pub struct ResidentFields {
    pub display_name: String,
    pub phone: String,
    pub email: String,
    pub locale: String,
    pub birth_year: Option<i32>,
    pub languages: String,
    pub home_cell: Option<String>,
    pub home_area: Option<String>,
    pub travel_radius_m: i32,
    pub availability: i32,
    pub wheelchair: bool,
    pub accessibility: String,
    pub budget_cents: Option<i32>,
    pub wants_company: bool,
    pub prefers_small_groups: bool,
    pub updated_at: NaiveDateTime,
}

/// Inserts a resident; returns the id.
pub fn insert_resident(
    conn: &mut AnyConnection,
    user_id: Option<UserId>,
    origin: &str,
    status: &str,
    created_by: Option<UserId>,
    fields: &ResidentFields,
) -> QueryResult<ResidentId> {
    diesel::insert_into(residents::table)
        .values((
            residents::user_id.eq(user_id.map(|u| u.0)),
            residents::origin.eq(origin),
            residents::status.eq(status),
            residents::created_by.eq(created_by.map(|u| u.0)),
            residents::created_at.eq(fields.updated_at),
            fields.clone(),
        ))
        .returning(residents::id)
        .get_result(conn)
        .map(ResidentId)
}

/// Replaces the profile fields.
pub fn update_resident(
    conn: &mut AnyConnection,
    id: ResidentId,
    fields: &ResidentFields,
) -> QueryResult<usize> {
    diesel::update(residents::table.find(id.0))
        .set(fields)
        .execute(conn)
}

/// Sets the status.
pub fn set_status(
    conn: &mut AnyConnection,
    id: ResidentId,
    status: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(residents::table.find(id.0))
        .set((residents::status.eq(status), residents::updated_at.eq(at)))
        .execute(conn)
}

/// A resident that is not deleted.
pub fn find(conn: &mut AnyConnection, id: ResidentId) -> QueryResult<Option<Resident>> {
    residents::table
        .find(id.0)
        .filter(residents::deleted_at.is_null())
        .first(conn)
        .optional()
}

/// The ids of the first `n` residents that are not deleted (benchmarks).
pub fn first_ids(conn: &mut AnyConnection, n: i64) -> QueryResult<Vec<i64>> {
    residents::table
        .filter(residents::deleted_at.is_null())
        .order(residents::id)
        .limit(n)
        .select(residents::id)
        .load(conn)
}

/// The resident file of a user account.
pub fn find_by_user(conn: &mut AnyConnection, user: UserId) -> QueryResult<Option<Resident>> {
    residents::table
        .filter(residents::user_id.eq(user.0))
        .filter(residents::deleted_at.is_null())
        .first(conn)
        .optional()
}

/// Replaces the interests.
pub fn set_interests(conn: &mut AnyConnection, id: ResidentId, ids: &[i64]) -> QueryResult<()> {
    diesel::delete(resident_interests::table.filter(resident_interests::resident_id.eq(id.0)))
        .execute(conn)?;
    for &i in ids {
        diesel::insert_into(resident_interests::table)
            .values((
                resident_interests::resident_id.eq(id.0),
                resident_interests::interest_id.eq(i),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The interests of a resident.
pub fn interests_of(conn: &mut AnyConnection, id: ResidentId) -> QueryResult<Vec<i64>> {
    resident_interests::table
        .filter(resident_interests::resident_id.eq(id.0))
        .select(resident_interests::interest_id)
        .order(resident_interests::interest_id.asc())
        .load(conn)
}

/// A linker of a resident, with their name.
#[derive(Debug, Clone, Queryable)]
pub struct LinkerLink {
    pub linker_user_id: i64,
    pub display_name: String,
    pub since: NaiveDateTime,
}

/// The current linkers of a resident.
pub fn linkers_of(conn: &mut AnyConnection, id: ResidentId) -> QueryResult<Vec<LinkerLink>> {
    resident_linkers::table
        .inner_join(users::table.on(users::id.eq(resident_linkers::linker_user_id)))
        .filter(resident_linkers::resident_id.eq(id.0))
        .filter(resident_linkers::until.is_null())
        .select((
            resident_linkers::linker_user_id,
            users::display_name,
            resident_linkers::since,
        ))
        .order(resident_linkers::since.asc())
        .load(conn)
}

/// Makes a user a linker of a resident (no-op when they already are).
pub fn add_linker(
    conn: &mut AnyConnection,
    id: ResidentId,
    linker: UserId,
    added_by: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let already: i64 = resident_linkers::table
        .filter(resident_linkers::resident_id.eq(id.0))
        .filter(resident_linkers::linker_user_id.eq(linker.0))
        .filter(resident_linkers::until.is_null())
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(false);
    }
    diesel::insert_into(resident_linkers::table)
        .values((
            resident_linkers::resident_id.eq(id.0),
            resident_linkers::linker_user_id.eq(linker.0),
            resident_linkers::added_by.eq(added_by.map(|u| u.0)),
            resident_linkers::since.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Ends a linker's link to a resident (kept as history).
pub fn end_linker(
    conn: &mut AnyConnection,
    id: ResidentId,
    linker: UserId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        resident_linkers::table
            .filter(resident_linkers::resident_id.eq(id.0))
            .filter(resident_linkers::linker_user_id.eq(linker.0))
            .filter(resident_linkers::until.is_null()),
    )
    .set(resident_linkers::until.eq(at))
    .execute(conn)
}

/// A line of a linker's list of residents.
#[derive(Debug, Clone, Queryable)]
pub struct ResidentLine {
    pub id: i64,
    pub display_name: String,
    pub status: String,
    pub home_area: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// The residents a linker currently follows.
pub fn residents_of_linker(
    conn: &mut AnyConnection,
    linker: UserId,
) -> QueryResult<Vec<ResidentLine>> {
    resident_linkers::table
        .inner_join(residents::table)
        .filter(resident_linkers::linker_user_id.eq(linker.0))
        .filter(resident_linkers::until.is_null())
        .filter(residents::deleted_at.is_null())
        .select((
            residents::id,
            residents::display_name,
            residents::status,
            residents::home_area,
            residents::updated_at,
        ))
        .order(residents::display_name.asc())
        .load(conn)
}

/// Residents who asked to be called and have no linker yet.
pub fn awaiting_linker(conn: &mut AnyConnection) -> QueryResult<Vec<ResidentLine>> {
    residents::table
        .filter(residents::status.eq("awaiting_linker"))
        .filter(residents::deleted_at.is_null())
        .select((
            residents::id,
            residents::display_name,
            residents::status,
            residents::home_area,
            residents::updated_at,
        ))
        .order(residents::created_at.asc())
        .load(conn)
}

/// A consent row.
#[derive(Debug, Clone, Queryable)]
pub struct Consent {
    pub id: i64,
    pub resident_id: i64,
    pub purpose: String,
    pub channel: String,
    pub given_by: String,
    pub recorded_by: Option<i64>,
    pub given_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<i64>,
    pub withdrawal_channel: Option<String>,
}

/// Every consent of a resident, newest first (withdrawn ones included: they are history).
pub fn consents_of(conn: &mut AnyConnection, id: ResidentId) -> QueryResult<Vec<Consent>> {
    consents::table
        .filter(consents::resident_id.eq(id.0))
        .order((consents::given_at.desc(), consents::id.desc()))
        .load(conn)
}

/// Records a consent; returns its id.
#[allow(clippy::too_many_arguments)]
pub fn insert_consent(
    conn: &mut AnyConnection,
    id: ResidentId,
    purpose: &str,
    channel: &str,
    given_by: &str,
    recorded_by: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(consents::table)
        .values((
            consents::resident_id.eq(id.0),
            consents::purpose.eq(purpose),
            consents::channel.eq(channel),
            consents::given_by.eq(given_by),
            consents::recorded_by.eq(recorded_by.map(|u| u.0)),
            consents::given_at.eq(at),
        ))
        .returning(consents::id)
        .get_result(conn)
}

/// Withdraws every active consent of a purpose; returns how many.
pub fn withdraw_consent(
    conn: &mut AnyConnection,
    id: ResidentId,
    purpose: &str,
    channel: &str,
    by: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        consents::table
            .filter(consents::resident_id.eq(id.0))
            .filter(consents::purpose.eq(purpose))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(at),
        consents::withdrawn_by.eq(by.map(|u| u.0)),
        consents::withdrawal_channel.eq(channel),
    ))
    .execute(conn)
}

/// A questionnaire as recorded.
#[derive(Debug, Clone, Queryable)]
pub struct Response {
    pub id: i64,
    pub resident_id: i64,
    pub instrument: String,
    pub answers: String,
    pub score: i32,
    pub lonely: bool,
    pub context: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

/// Stores a scored questionnaire; returns its id.
#[allow(clippy::too_many_arguments)]
pub fn insert_response(
    conn: &mut AnyConnection,
    id: ResidentId,
    instrument: &str,
    answers: &str,
    score: i32,
    lonely: bool,
    context: &str,
    recorded_by: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(questionnaire_responses::table)
        .values((
            questionnaire_responses::resident_id.eq(id.0),
            questionnaire_responses::instrument.eq(instrument),
            questionnaire_responses::answers.eq(answers),
            questionnaire_responses::score.eq(score),
            questionnaire_responses::lonely.eq(lonely),
            questionnaire_responses::context.eq(context),
            questionnaire_responses::recorded_by.eq(recorded_by.map(|u| u.0)),
            questionnaire_responses::recorded_at.eq(at),
        ))
        .returning(questionnaire_responses::id)
        .get_result(conn)
}

/// A resident's questionnaires, oldest first.
pub fn responses_of(conn: &mut AnyConnection, id: ResidentId) -> QueryResult<Vec<Response>> {
    questionnaire_responses::table
        .filter(questionnaire_responses::resident_id.eq(id.0))
        .order((
            questionnaire_responses::recorded_at.asc(),
            questionnaire_responses::id.asc(),
        ))
        .load(conn)
}

/// Records that a suggested activity was set aside.
pub fn insert_dismissal(
    conn: &mut AnyConnection,
    id: ResidentId,
    activity: i64,
    reason: &str,
    by: Option<UserId>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(suggestion_dismissals::table)
        .values((
            suggestion_dismissals::resident_id.eq(id.0),
            suggestion_dismissals::activity_id.eq(activity),
            suggestion_dismissals::reason.eq(reason),
            suggestion_dismissals::dismissed_by.eq(by.map(|u| u.0)),
            suggestion_dismissals::at.eq(at),
        ))
        .execute(conn)
}

/// Activities set aside since `since`, with how many times.
pub fn dismissals_since(
    conn: &mut AnyConnection,
    id: ResidentId,
    since: NaiveDateTime,
) -> QueryResult<Vec<(i64, i64)>> {
    use diesel::dsl::count_star;
    suggestion_dismissals::table
        .filter(suggestion_dismissals::resident_id.eq(id.0))
        .filter(suggestion_dismissals::at.ge(since))
        .group_by(suggestion_dismissals::activity_id)
        .select((suggestion_dismissals::activity_id, count_star()))
        .load(conn)
}

/// Opens an admin's time-limited access to one file.
pub fn open_break_glass(
    conn: &mut AnyConnection,
    admin: UserId,
    id: ResidentId,
    reason: &str,
    at: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(break_glass::table)
        .values((
            break_glass::admin_user_id.eq(admin.0),
            break_glass::resident_id.eq(id.0),
            break_glass::reason.eq(reason),
            break_glass::opened_at.eq(at),
            break_glass::expires_at.eq(until),
        ))
        .returning(break_glass::id)
        .get_result(conn)
}

/// The reason of an admin's open break-glass access to a file, if any.
pub fn open_break_glass_reason(
    conn: &mut AnyConnection,
    admin: UserId,
    id: ResidentId,
    now: NaiveDateTime,
) -> QueryResult<Option<(String, NaiveDateTime)>> {
    break_glass::table
        .filter(break_glass::admin_user_id.eq(admin.0))
        .filter(break_glass::resident_id.eq(id.0))
        .filter(break_glass::expires_at.gt(now))
        .order(break_glass::expires_at.desc())
        .select((break_glass::reason, break_glass::expires_at))
        .first(conn)
        .optional()
}

/// For statistics: the latest UCLA-3 score at intake and latest overall of residents who
/// consent to statistics, with their small area and birth year.
#[derive(Debug, Clone, Queryable)]
pub struct StatRow {
    pub resident_id: i64,
    pub home_cell: Option<String>,
    pub home_area: Option<String>,
    pub birth_year: Option<i32>,
    pub score: i32,
    pub lonely: bool,
    pub recorded_at: NaiveDateTime,
}

/// UCLA-3 responses of residents with an active statistics consent, oldest first.
pub fn ucla_for_statistics(conn: &mut AnyConnection) -> QueryResult<Vec<StatRow>> {
    let consenting = consents::table
        .filter(consents::purpose.eq("statistics"))
        .filter(consents::withdrawn_at.is_null())
        .select(consents::resident_id);
    questionnaire_responses::table
        .inner_join(residents::table)
        .filter(questionnaire_responses::instrument.eq("ucla3"))
        .filter(residents::deleted_at.is_null())
        .filter(residents::id.eq_any(consenting))
        .select((
            residents::id,
            residents::home_cell,
            residents::home_area,
            residents::birth_year,
            questionnaire_responses::score,
            questionnaire_responses::lonely,
            questionnaire_responses::recorded_at,
        ))
        .order((
            questionnaire_responses::recorded_at.asc(),
            questionnaire_responses::id.asc(),
        ))
        .load(conn)
}

/// Everything matching and access checks need of a resident's file, read at once: the
/// profile, interests, current linkers, purposes with a consent that stands, activities set
/// aside since `since` (with how many times), live bookings of sessions from `now` on (as
/// session, activity) and whether they ever took part.
#[derive(Debug, Clone)]
pub struct FileParts {
    pub resident: Resident,
    pub interests: Vec<i64>,
    pub linkers: Vec<i64>,
    pub consents: Vec<String>,
    pub declined: Vec<(i64, i64)>,
    pub booked: Vec<(i64, i64)>,
    pub went: bool,
}

/// Reads a resident's [`FileParts`] (`None`: no such resident, or deleted). On PostgreSQL in
/// one prepared statement — one round trip instead of seven, which mattered when thousands
/// of files are loaded at once (a fresh instance, a cache cleared after a gap on the bus); on
/// SQLite, in process, with the functions each part has on its own.
pub fn file_parts(
    conn: &mut AnyConnection,
    id: ResidentId,
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Option<FileParts>> {
    if let AnyConnection::Postgresql(c) = conn {
        return Ok(PgFileParts {
            id: id.0,
            since,
            now,
        }
        .get_result::<PgFileRow>(c)
        .optional()?
        .map(PgFileRow::into_parts));
    }
    let Some(resident) = find(conn, id)? else {
        return Ok(None);
    };
    let interests = interests_of(conn, id)?;
    let linkers = linkers_of(conn, id)?
        .into_iter()
        .map(|l| l.linker_user_id)
        .collect();
    let consents = consents_of(conn, id)?
        .into_iter()
        .filter(|c| c.withdrawn_at.is_none())
        .map(|c| c.purpose)
        .collect();
    let declined = dismissals_since(conn, id, since)?;
    let (booked, went) = booking_history(conn, id, now)?;
    Ok(Some(FileParts {
        resident,
        interests,
        linkers,
        consents,
        declined,
        booked,
        went,
    }))
}

/// The text of [`PgFileParts`] after its binds (`p.id`, `p.since`, `p.now`): each part as an
/// array, with the same filters and order as [`interests_of`], [`linkers_of`],
/// [`consents_of`], [`dismissals_since`] and [`booking_history`], which SQLite uses (the
/// residents tests run on both backends). Paired arrays (declines and their counts, booked
/// sessions and their activities) come from one aggregate each, so they pair by construction.
const PG_FILE_PARTS: &str = "SELECT r.*, \
     ARRAY(SELECT ri.interest_id FROM resident_interests ri WHERE ri.resident_id = p.id \
           ORDER BY ri.interest_id) AS interests, \
     ARRAY(SELECT rl.linker_user_id FROM resident_linkers rl \
           JOIN users u ON u.id = rl.linker_user_id \
           WHERE rl.resident_id = p.id AND rl.until IS NULL ORDER BY rl.since) AS linkers, \
     ARRAY(SELECT c.purpose FROM consents c WHERE c.resident_id = p.id \
           AND c.withdrawn_at IS NULL ORDER BY c.given_at DESC, c.id DESC) AS consents, \
     dd.declined_ids, dd.declined_counts, bk.booked_sessions, bk.booked_activities, \
     EXISTS(SELECT 1 FROM bookings b WHERE b.resident_id = p.id \
           AND (b.attendance = 'attended' OR b.self_report = 'went')) AS went \
     FROM residents r, p, \
     LATERAL (SELECT coalesce(array_agg(d.activity_id ORDER BY d.activity_id), '{}') \
                     AS declined_ids, \
                     coalesce(array_agg(d.n ORDER BY d.activity_id), '{}') AS declined_counts \
              FROM (SELECT activity_id, count(*) AS n FROM suggestion_dismissals \
                    WHERE resident_id = p.id AND at >= p.since GROUP BY activity_id) d) dd, \
     LATERAL (SELECT coalesce(array_agg(b.session_id ORDER BY b.id), '{}') AS booked_sessions, \
                     coalesce(array_agg(s.activity_id ORDER BY b.id), '{}') AS booked_activities \
              FROM bookings b JOIN activity_sessions s ON s.id = b.session_id \
              WHERE b.resident_id = p.id \
              AND b.status IN ('confirmed', 'waitlisted', 'unconfirmed') \
              AND s.starts_at >= p.now) bk \
     WHERE r.id = p.id AND r.deleted_at IS NULL";

/// [`PG_FILE_PARTS`] with its binds: a query with a fixed text, which diesel prepares once
/// per connection (a `sql_query` would be parsed and planned on every load).
struct PgFileParts {
    id: i64,
    since: NaiveDateTime,
    now: NaiveDateTime,
}

impl diesel::query_builder::QueryId for PgFileParts {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for PgFileParts {
    type SqlType = diesel::sql_types::Untyped;
}

impl<Conn> RunQueryDsl<Conn> for PgFileParts {}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for PgFileParts {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Timestamp};
        out.push_sql("WITH p AS (SELECT ");
        out.push_bind_param::<BigInt, _>(&self.id)?;
        out.push_sql("::int8 AS id, ");
        out.push_bind_param::<Timestamp, _>(&self.since)?;
        out.push_sql("::timestamp AS since, ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql("::timestamp AS now) ");
        out.push_sql(PG_FILE_PARTS);
        Ok(())
    }
}

/// A row of [`PgFileParts`].
#[derive(QueryableByName)]
struct PgFileRow {
    #[diesel(embed)]
    resident: Resident,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::BigInt>)]
    interests: Vec<i64>,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::BigInt>)]
    linkers: Vec<i64>,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::Text>)]
    consents: Vec<String>,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::BigInt>)]
    declined_ids: Vec<i64>,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::BigInt>)]
    declined_counts: Vec<i64>,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::BigInt>)]
    booked_sessions: Vec<i64>,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::BigInt>)]
    booked_activities: Vec<i64>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    went: bool,
}

impl PgFileRow {
    fn into_parts(self) -> FileParts {
        FileParts {
            resident: self.resident,
            interests: self.interests,
            linkers: self.linkers,
            consents: self.consents,
            declined: self
                .declined_ids
                .into_iter()
                .zip(self.declined_counts)
                .collect(),
            booked: self
                .booked_sessions
                .into_iter()
                .zip(self.booked_activities)
                .collect(),
            went: self.went,
        }
    }
}

/// A resident's live bookings of sessions from `from` on, as (session, activity), and whether
/// they ever took part (marked present, or said they went): for matching's "not already
/// booked" and "new to activities".
pub fn booking_history(
    conn: &mut AnyConnection,
    id: ResidentId,
    from: NaiveDateTime,
) -> QueryResult<(Vec<(i64, i64)>, bool)> {
    use super::schema::{activity_sessions, bookings};
    let booked: Vec<(i64, i64)> = bookings::table
        .inner_join(activity_sessions::table)
        .filter(bookings::resident_id.eq(id.0))
        .filter(bookings::status.eq_any(["confirmed", "waitlisted", "unconfirmed"]))
        .filter(activity_sessions::starts_at.ge(from))
        .select((bookings::session_id, activity_sessions::activity_id))
        .load(conn)?;
    let went: i64 = bookings::table
        .filter(bookings::resident_id.eq(id.0))
        .filter(
            bookings::attendance
                .eq("attended")
                .or(bookings::self_report.eq("went")),
        )
        .count()
        .get_result(conn)?;
    Ok((booked, went > 0))
}
