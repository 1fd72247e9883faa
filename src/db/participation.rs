//! Seats, bookings and referrals.
//!
//! A join is one guarded `UPDATE` of the session's seat row followed by one `INSERT`: the
//! capacity check and the counter change happen in the same statement, under the row lock
//! (PostgreSQL) or the single write lock (SQLite), so no interleaving can overbook.

use super::schema::{
    activities, activity_seat_holds, activity_sessions, bookings, referral_events, referrals,
    residents, session_seats,
};
use super::AnyConnection;
use crate::domain::participation::{self as rules, Seats, Waiting};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Timestamp};

/// Seats an activity holds for referred residents (0: none).
pub fn reserved_seats(conn: &mut AnyConnection, activity_id: i64) -> QueryResult<i32> {
    Ok(activity_seat_holds::table
        .find(activity_id)
        .select(activity_seat_holds::reserved_seats)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Sets the seats an activity holds for referred residents.
pub fn set_reserved_seats(conn: &mut AnyConnection, activity_id: i64, n: i32) -> QueryResult<()> {
    diesel::delete(activity_seat_holds::table.find(activity_id)).execute(conn)?;
    if n > 0 {
        diesel::insert_into(activity_seat_holds::table)
            .values((
                activity_seat_holds::activity_id.eq(activity_id),
                activity_seat_holds::reserved_seats.eq(n),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A session's seat row.
#[derive(Debug, Clone, Queryable)]
pub struct SeatsRow {
    pub session_id: i64,
    pub capacity: Option<i32>,
    pub reserved: i32,
    pub reserve_until: Option<NaiveDateTime>,
    pub taken: i32,
    pub referred_taken: i32,
    pub waiting: i32,
    /// Change counter: grows with every change of the counters (and orders arrivals).
    pub seq: i64,
    pub last_ok: bool,
    pub checkin_code: String,
    pub register_closed_at: Option<NaiveDateTime>,
    pub register_closed_by: Option<i64>,
}

impl SeatsRow {
    /// The counters, for the rules.
    pub fn seats(&self) -> Seats {
        Seats {
            capacity: self.capacity,
            reserved: self.reserved,
            reserve_until: self.reserve_until,
            taken: self.taken,
            referred_taken: self.referred_taken,
            waiting: self.waiting,
        }
    }
}

/// What the guarded update decided.
#[derive(Debug, Clone, QueryableByName)]
pub struct SeatOutcome {
    /// A seat (true) or the waitlist (false).
    #[diesel(sql_type = Bool)]
    pub last_ok: bool,
    /// The session's change counter (grows with every change of its counters); also the
    /// arrival order of the waitlist.
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = Integer)]
    pub taken: i32,
    #[diesel(sql_type = Integer)]
    pub waiting: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    pub capacity: Option<i32>,
    #[diesel(sql_type = Integer)]
    pub reserved: i32,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub reserve_until: Option<NaiveDateTime>,
    #[diesel(sql_type = Integer)]
    pub referred_taken: i32,
}

impl SeatOutcome {
    /// The counters after the update.
    pub fn seats(&self) -> Seats {
        Seats {
            capacity: self.capacity,
            reserved: self.reserved,
            reserve_until: self.reserve_until,
            taken: self.taken,
            referred_taken: self.referred_taken,
            waiting: self.waiting,
        }
    }
}

/// The guarded update, in PostgreSQL's dialect; `{max}` and the placeholders are rewritten
/// for SQLite. `$1` session, `$2` seats, `$3` referred, `$4` now. The condition is
/// [`Seats::admits`] word for word.
const TAKE_SEAT: &str = "UPDATE session_seats SET \
    taken = taken + CASE WHEN {ok} THEN $2 ELSE 0 END, \
    referred_taken = referred_taken + CASE WHEN $3 AND {ok} THEN $2 ELSE 0 END, \
    waiting = waiting + CASE WHEN {ok} THEN 0 ELSE 1 END, \
    seq = seq + 1, \
    last_ok = {ok} \
    WHERE session_id = $1 \
    RETURNING last_ok, seq, taken, waiting, capacity, reserved, reserve_until, referred_taken";

const ADMITS: &str = "((capacity IS NULL OR taken + $2 + (CASE WHEN $3 OR reserve_until IS NULL \
    OR reserve_until <= $4 THEN 0 ELSE {max}(reserved - referred_taken, 0) END) <= capacity) \
    AND (waiting = 0 OR ($3 AND reserve_until IS NOT NULL AND reserve_until > $4 \
    AND referred_taken + $2 <= reserved)))";

fn take_seat_sql(postgres: bool) -> String {
    let ok = ADMITS.replace("{max}", if postgres { "GREATEST" } else { "MAX" });
    let sql = TAKE_SEAT.replace("{ok}", &ok);
    if postgres {
        sql
    } else {
        sql.replace('$', "?")
    }
}

static PG_TAKE_SEAT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| take_seat_sql(true));
static SQLITE_TAKE_SEAT: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| take_seat_sql(false));

/// PostgreSQL: the guarded update and the booking's insert as one statement (a
/// data-modifying CTE), so the seat row's lock is held for one round trip and the commit.
/// Its parameters come first, as the one-row `p` (`p.a1` … `p.a17`, numbered as in
/// [`take_seat_and_book`]): each is then bound once, in order, which lets diesel prepare the
/// statement once per connection ([`PgTakeSeatAndBook`]) instead of parsing and planning it
/// on every join. This is the text after `WITH p AS (…), `.
static PG_TAKE_SEAT_AND_BOOK: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let update =
        take_seat_sql(true).replace(" WHERE session_id = $1 ", " FROM p WHERE session_id = $1 ");
    let sql = format!(
        "s AS ({update}), b AS (INSERT INTO bookings (session_id, participant_key, \
         resident_id, user_id, guest_name, guest_email, guest_phone, seats, companion, \
         referral_id, status, position, channel, booked_by, share_contact, share_needs, \
         manage_token_hash, created_at, confirmed_at) \
         SELECT $1, $5, $6, $7, $8, $9, $10, $2, $11, $12, \
         CASE WHEN s.last_ok THEN 'confirmed' ELSE 'waitlisted' END, s.seq, $13, $14, $15, \
         $16, $17, $4, CASE WHEN s.last_ok THEN $4 END FROM s, p RETURNING id) \
         SELECT s.last_ok, s.seq, s.taken, s.waiting, s.capacity, s.reserved, \
         s.reserve_until, s.referred_taken, b.id AS booking_id FROM s, b"
    );
    // Highest first, so that `$1` does not rewrite the start of `$12`.
    (1..=PG_BOOK_PARAMS.len()).rev().fold(sql, |sql, i| {
        sql.replace(&format!("${i}"), &format!("p.a{i}"))
    })
});

/// What follows each bind in `p`: the PostgreSQL type and the name of `$1` … `$17` of
/// [`PG_TAKE_SEAT_AND_BOOK`].
const PG_BOOK_PARAMS: [&str; 17] = [
    "::int8 AS a1",
    "::int4 AS a2",
    "::bool AS a3",
    "::timestamp AS a4",
    "::text AS a5",
    "::int8 AS a6",
    "::int8 AS a7",
    "::text AS a8",
    "::text AS a9",
    "::text AS a10",
    "::text AS a11",
    "::int8 AS a12",
    "::text AS a13",
    "::int8 AS a14",
    "::bool AS a15",
    "::bool AS a16",
    "::text AS a17",
];

/// [`PG_TAKE_SEAT_AND_BOOK`] with its binds: a query with a fixed text, which diesel prepares
/// once per connection and caches (a `sql_query` is never cached).
struct PgTakeSeatAndBook<'a> {
    b: &'a NewBooking,
    referred: bool,
    now: NaiveDateTime,
}

impl diesel::query_builder::QueryId for PgTakeSeatAndBook<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for PgTakeSeatAndBook<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl<Conn> RunQueryDsl<Conn> for PgTakeSeatAndBook<'_> {}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for PgTakeSeatAndBook<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::Text;
        let b = self.b;
        let mut suffixes = PG_BOOK_PARAMS.iter().enumerate();
        out.push_sql("WITH p AS (SELECT ");
        macro_rules! param {
            ($st:ty, $v:expr) => {{
                let (i, suffix) = suffixes.next().ok_or_else(|| {
                    diesel::result::Error::QueryBuilderError("more binds than parameters".into())
                })?;
                if i > 0 {
                    out.push_sql(", ");
                }
                out.push_bind_param::<$st, _>($v)?;
                out.push_sql(suffix);
            }};
        }
        param!(BigInt, &b.session_id);
        param!(Integer, &b.seats);
        param!(Bool, &self.referred);
        param!(Timestamp, &self.now);
        param!(Text, &b.participant_key);
        param!(Nullable<BigInt>, &b.resident_id);
        param!(Nullable<BigInt>, &b.user_id);
        param!(Text, &b.guest_name);
        param!(Text, &b.guest_email);
        param!(Text, &b.guest_phone);
        param!(Text, &b.companion);
        param!(Nullable<BigInt>, &b.referral_id);
        param!(Text, &b.channel);
        param!(Nullable<BigInt>, &b.booked_by);
        param!(Bool, &b.share_contact);
        param!(Bool, &b.share_needs);
        param!(Text, &b.manage_token_hash);
        out.push_sql("), ");
        out.push_sql(&PG_TAKE_SEAT_AND_BOOK);
        Ok(())
    }
}

/// What [`take_seat_and_book`] decided and wrote.
#[derive(Debug, Clone, QueryableByName)]
pub struct Booked {
    #[diesel(embed)]
    pub outcome: SeatOutcome,
    #[diesel(sql_type = BigInt)]
    pub booking_id: i64,
}

/// Takes a seat or a place in line and inserts the booking (its status and position set from
/// the outcome). PostgreSQL: one statement; SQLite: the guarded update, then the insert, in
/// the caller's write transaction (SQLite has a single writer, so nothing comes between).
/// `None` when the session has no seat row. A duplicate live booking is a unique violation.
pub fn take_seat_and_book(
    conn: &mut AnyConnection,
    b: &mut NewBooking,
    referred: bool,
    now: NaiveDateTime,
) -> QueryResult<Option<Booked>> {
    let booked = match conn {
        AnyConnection::Postgresql(c) => PgTakeSeatAndBook {
            b: &*b,
            referred,
            now,
        }
        .get_result::<Booked>(c)
        .optional()?,
        AnyConnection::Sqlite(_) => {
            let Some(outcome) = take_seat(conn, b.session_id, b.seats, referred, now)? else {
                return Ok(None);
            };
            b.status = status_of(outcome.last_ok).into();
            b.position = outcome.seq;
            b.confirmed_at = outcome.last_ok.then_some(now);
            let booking_id = insert_booking(conn, b)?;
            return Ok(Some(Booked {
                outcome,
                booking_id,
            }));
        }
    };
    if let Some(bk) = &booked {
        b.status = status_of(bk.outcome.last_ok).into();
        b.position = bk.outcome.seq;
        b.confirmed_at = bk.outcome.last_ok.then_some(now);
    }
    Ok(booked)
}

fn status_of(seated: bool) -> &'static str {
    if seated {
        "confirmed"
    } else {
        "waitlisted"
    }
}

/// Takes `seats` seats on a session, or a place on its waitlist, in one statement. `None`
/// when the session has no seat row.
pub fn take_seat(
    conn: &mut AnyConnection,
    session_id: i64,
    seats: i32,
    referred: bool,
    now: NaiveDateTime,
) -> QueryResult<Option<SeatOutcome>> {
    macro_rules! run {
        ($c:expr, $sql:expr) => {
            diesel::sql_query($sql.as_str())
                .bind::<BigInt, _>(session_id)
                .bind::<Integer, _>(seats)
                .bind::<Bool, _>(referred)
                .bind::<Timestamp, _>(now)
                .get_result::<SeatOutcome>($c)
                .optional()
        };
    }
    match conn {
        AnyConnection::Postgresql(c) => run!(c, PG_TAKE_SEAT),
        AnyConnection::Sqlite(c) => run!(c, SQLITE_TAKE_SEAT),
    }
}

/// The seat row, locked for the rest of the transaction (PostgreSQL `FOR UPDATE`; SQLite's
/// write transaction already excludes every other writer).
pub fn lock_seats(conn: &mut AnyConnection, session_id: i64) -> QueryResult<Option<SeatsRow>> {
    match conn {
        AnyConnection::Postgresql(c) => session_seats::table
            .find(session_id)
            .for_update()
            .first(c)
            .optional(),
        AnyConnection::Sqlite(c) => session_seats::table.find(session_id).first(c).optional(),
    }
}

/// The seat row, unlocked.
pub fn find_seats(conn: &mut AnyConnection, session_id: i64) -> QueryResult<Option<SeatsRow>> {
    session_seats::table.find(session_id).first(conn).optional()
}

/// Seat rows of many sessions.
pub fn seats_of(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<SeatsRow>> {
    session_seats::table
        .filter(session_seats::session_id.eq_any(ids))
        .load(conn)
}

/// Writes the counters back (after promotions or a cancellation, under the lock).
pub fn save_counters(conn: &mut AnyConnection, session_id: i64, s: &Seats) -> QueryResult<usize> {
    diesel::update(session_seats::table.find(session_id))
        .set((
            session_seats::taken.eq(s.taken),
            session_seats::referred_taken.eq(s.referred_taken),
            session_seats::waiting.eq(s.waiting),
            session_seats::seq.eq(session_seats::seq + 1),
        ))
        .execute(conn)
}

/// Sets the check-in code if the session has none yet (0 rows: someone else set it first).
pub fn set_checkin_code(
    conn: &mut AnyConnection,
    session_id: i64,
    code: &str,
) -> QueryResult<usize> {
    diesel::update(
        session_seats::table
            .find(session_id)
            .filter(session_seats::checkin_code.eq("")),
    )
    .set(session_seats::checkin_code.eq(code))
    .execute(conn)
}

/// Marks the register closed.
pub fn close_register(
    conn: &mut AnyConnection,
    session_id: i64,
    by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        session_seats::table
            .find(session_id)
            .filter(session_seats::register_closed_at.is_null()),
    )
    .set((
        session_seats::register_closed_at.eq(Some(now)),
        session_seats::register_closed_by.eq(by),
    ))
    .execute(conn)
}

/// Gives every future session of an activity a seat row that follows the activity's
/// capacity and held seats. Returns the sessions whose waitlist may now move (more room).
pub fn sync_seats(
    conn: &mut AnyConnection,
    activity_id: i64,
    capacity: Option<i32>,
    reserved: i32,
    release_hours: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let sessions: Vec<(i64, NaiveDateTime)> = activity_sessions::table
        .filter(activity_sessions::activity_id.eq(activity_id))
        .filter(activity_sessions::starts_at.ge(now))
        .select((activity_sessions::id, activity_sessions::starts_at))
        .load(conn)?;
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sessions.iter().map(|s| s.0).collect();
    let mut existing = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for row in seats_of(conn, chunk)? {
            existing.insert(row.session_id, row);
        }
    }
    let mut roomier = Vec::new();
    for (id, starts_at) in sessions {
        let until = rules::reserve_until(starts_at, reserved, release_hours);
        match existing.get(&id) {
            None => {
                diesel::insert_into(session_seats::table)
                    .values((
                        session_seats::session_id.eq(id),
                        session_seats::capacity.eq(capacity),
                        session_seats::reserved.eq(reserved),
                        session_seats::reserve_until.eq(until),
                    ))
                    .execute(conn)?;
            }
            Some(row) => {
                if row.capacity != capacity
                    || row.reserved != reserved
                    || row.reserve_until != until
                {
                    diesel::update(session_seats::table.find(id))
                        .set((
                            session_seats::capacity.eq(capacity),
                            session_seats::reserved.eq(reserved),
                            session_seats::reserve_until.eq(until),
                            session_seats::seq.eq(session_seats::seq + 1),
                        ))
                        .execute(conn)?;
                    if row.waiting > 0 {
                        roomier.push(id);
                    }
                }
            }
        }
    }
    Ok(roomier)
}

/// Sessions whose held seats were released by now but not yet handed to the waitlist.
pub fn released_holds(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    session_seats::table
        .filter(session_seats::reserve_until.le(now))
        .select(session_seats::session_id)
        .limit(1000)
        .load(conn)
}

/// Forgets a released hold (its seats are everyone's; the waitlist has been served).
pub fn clear_hold(conn: &mut AnyConnection, session_id: i64) -> QueryResult<usize> {
    diesel::update(session_seats::table.find(session_id))
        .set((
            session_seats::reserve_until.eq(None::<NaiveDateTime>),
            session_seats::seq.eq(session_seats::seq + 1),
        ))
        .execute(conn)
}

/// A booking.
#[derive(Debug, Clone, Queryable)]
pub struct Booking {
    pub id: i64,
    pub session_id: i64,
    pub participant_key: String,
    pub resident_id: Option<i64>,
    pub user_id: Option<i64>,
    pub guest_name: String,
    pub guest_email: String,
    pub guest_phone: String,
    pub seats: i32,
    pub companion: String,
    pub referral_id: Option<i64>,
    pub status: String,
    pub position: i64,
    pub channel: String,
    pub booked_by: Option<i64>,
    pub share_contact: bool,
    pub share_needs: bool,
    pub manage_token_hash: String,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub promoted_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancelled_by: String,
    pub attendance: String,
    pub attendance_method: String,
    pub attendance_by: Option<i64>,
    pub attendance_at: Option<NaiveDateTime>,
    pub self_report: String,
    pub felt_welcome: Option<bool>,
    pub would_return: Option<bool>,
    pub self_report_at: Option<NaiveDateTime>,
}

impl Booking {
    /// Whether it holds a seat or a place in line.
    pub fn is_live(&self) -> bool {
        matches!(
            self.status.as_str(),
            "confirmed" | "waitlisted" | "unconfirmed"
        )
    }

    /// Whether it came through a linker's referral (and may use held seats).
    pub fn referred(&self) -> bool {
        self.referral_id.is_some()
    }
}

impl NewBooking {
    /// The stored row, once inserted as `id` (no need to read it back).
    pub fn stored(self, id: i64) -> Booking {
        Booking {
            id,
            session_id: self.session_id,
            participant_key: self.participant_key,
            resident_id: self.resident_id,
            user_id: self.user_id,
            guest_name: self.guest_name,
            guest_email: self.guest_email,
            guest_phone: self.guest_phone,
            seats: self.seats,
            companion: self.companion,
            referral_id: self.referral_id,
            status: self.status,
            position: self.position,
            channel: self.channel,
            booked_by: self.booked_by,
            share_contact: self.share_contact,
            share_needs: self.share_needs,
            manage_token_hash: self.manage_token_hash,
            created_at: self.created_at,
            confirmed_at: self.confirmed_at,
            promoted_at: None,
            cancelled_at: None,
            cancelled_by: String::new(),
            attendance: String::new(),
            attendance_method: String::new(),
            attendance_by: None,
            attendance_at: None,
            self_report: String::new(),
            felt_welcome: None,
            would_return: None,
            self_report_at: None,
        }
    }
}

/// A new booking.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = bookings)]
pub struct NewBooking {
    pub session_id: i64,
    pub participant_key: String,
    pub resident_id: Option<i64>,
    pub user_id: Option<i64>,
    pub guest_name: String,
    pub guest_email: String,
    pub guest_phone: String,
    pub seats: i32,
    pub companion: String,
    pub referral_id: Option<i64>,
    pub status: String,
    pub position: i64,
    pub channel: String,
    pub booked_by: Option<i64>,
    pub share_contact: bool,
    pub share_needs: bool,
    pub manage_token_hash: String,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
}

/// Inserts a booking; returns its id.
pub fn insert_booking(conn: &mut AnyConnection, b: &NewBooking) -> QueryResult<i64> {
    diesel::insert_into(bookings::table)
        .values(b)
        .returning(bookings::id)
        .get_result(conn)
}

/// One booking.
pub fn find_booking(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Booking>> {
    bookings::table.find(id).first(conn).optional()
}

/// The booking a manage token opens.
pub fn find_by_token(conn: &mut AnyConnection, hash: &str) -> QueryResult<Option<Booking>> {
    bookings::table
        .filter(bookings::manage_token_hash.eq(hash))
        .first(conn)
        .optional()
}

/// A person's live booking on a session.
pub fn find_live(
    conn: &mut AnyConnection,
    session_id: i64,
    key: &str,
) -> QueryResult<Option<Booking>> {
    bookings::table
        .filter(bookings::session_id.eq(session_id))
        .filter(bookings::participant_key.eq(key))
        .filter(bookings::status.eq_any(["unconfirmed", "confirmed", "waitlisted"]))
        .first(conn)
        .optional()
}

/// A session's bookings in a status, in arrival order.
pub fn bookings_on(
    conn: &mut AnyConnection,
    session_id: i64,
    statuses: &[&str],
) -> QueryResult<Vec<Booking>> {
    bookings::table
        .filter(bookings::session_id.eq(session_id))
        .filter(bookings::status.eq_any(statuses))
        .order((bookings::position.asc(), bookings::id.asc()))
        .load(conn)
}

/// The waitlist in arrival order.
pub fn waitlist(conn: &mut AnyConnection, session_id: i64) -> QueryResult<Vec<Waiting>> {
    let rows: Vec<(i64, i32, Option<i64>)> = bookings::table
        .filter(bookings::session_id.eq(session_id))
        .filter(bookings::status.eq("waitlisted"))
        .order((bookings::position.asc(), bookings::id.asc()))
        .select((bookings::id, bookings::seats, bookings::referral_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(booking_id, seats, referral)| Waiting {
            booking_id,
            seats,
            referred: referral.is_some(),
        })
        .collect())
}

/// A waitlisted booking's place in line (1 = next).
pub fn place_in_line(conn: &mut AnyConnection, b: &Booking) -> QueryResult<i64> {
    let ahead: i64 = bookings::table
        .filter(bookings::session_id.eq(b.session_id))
        .filter(bookings::status.eq("waitlisted"))
        .filter(bookings::position.lt(b.position))
        .count()
        .get_result(conn)?;
    Ok(ahead + 1)
}

/// Moves waitlisted bookings to confirmed (promotion).
pub fn promote(conn: &mut AnyConnection, ids: &[i64], now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        bookings::table
            .filter(bookings::id.eq_any(ids))
            .filter(bookings::status.eq("waitlisted")),
    )
    .set((
        bookings::status.eq("confirmed"),
        bookings::confirmed_at.eq(Some(now)),
        bookings::promoted_at.eq(Some(now)),
    ))
    .execute(conn)
}

/// A booking that was put on the waitlist and served in the same transaction got its seat on
/// arrival: it is not marked as promoted.
pub fn seated_on_arrival(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(bookings::table.find(id))
        .set(bookings::promoted_at.eq(None::<NaiveDateTime>))
        .execute(conn)
}

/// Replaces a booking's link token while it is still `status` (the old link stops working).
pub fn renew_token(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(bookings::table.find(id).filter(bookings::status.eq(status)))
        .set(bookings::manage_token_hash.eq(hash))
        .execute(conn)
}

/// Changes a booking's status if it is still `from` (0 rows when someone else got there
/// first).
pub fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: &str,
    to: &str,
    position: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let confirmed_at = (to == "confirmed").then_some(now);
    diesel::update(bookings::table.find(id).filter(bookings::status.eq(from)))
        .set((
            bookings::status.eq(to),
            bookings::position.eq(position),
            bookings::confirmed_at.eq(confirmed_at),
        ))
        .execute(conn)
}

/// Cancels a live booking; 0 rows if it was not live any more.
pub fn cancel(
    conn: &mut AnyConnection,
    id: i64,
    from: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(bookings::table.find(id).filter(bookings::status.eq(from)))
        .set((
            bookings::status.eq("cancelled"),
            bookings::cancelled_at.eq(Some(now)),
            bookings::cancelled_by.eq(by),
        ))
        .execute(conn)
}

/// Records the register for one booking.
pub fn set_attendance(
    conn: &mut AnyConnection,
    id: i64,
    value: &str,
    method: &str,
    by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        bookings::table
            .find(id)
            .filter(bookings::status.eq("confirmed")),
    )
    .set((
        bookings::attendance.eq(value),
        bookings::attendance_method.eq(method),
        bookings::attendance_by.eq(by),
        bookings::attendance_at.eq(Some(now)),
    ))
    .execute(conn)
}

/// Every confirmed booking nobody marked becomes a no-show; returns their ids.
pub fn mark_no_shows(
    conn: &mut AnyConnection,
    session_id: i64,
    method: &str,
    by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let ids: Vec<i64> = bookings::table
        .filter(bookings::session_id.eq(session_id))
        .filter(bookings::status.eq("confirmed"))
        .filter(bookings::attendance.eq(""))
        .select(bookings::id)
        .load(conn)?;
    if !ids.is_empty() {
        diesel::update(bookings::table.filter(bookings::id.eq_any(&ids)))
            .set((
                bookings::attendance.eq("no_show"),
                bookings::attendance_method.eq(method),
                bookings::attendance_by.eq(by),
                bookings::attendance_at.eq(Some(now)),
            ))
            .execute(conn)?;
    }
    Ok(ids)
}

/// Sessions whose register is still open although they ended before `ended_before` (not
/// cancelled ones: nobody missed a session that did not take place).
pub fn registers_to_close(
    conn: &mut AnyConnection,
    ended_before: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    session_seats::table
        .inner_join(activity_sessions::table.inner_join(activities::table))
        .filter(session_seats::register_closed_at.is_null())
        .filter(activity_sessions::ends_at.lt(ended_before))
        .filter(activity_sessions::status.ne("cancelled"))
        .filter(activity_sessions::deleted_at.is_null())
        .filter(activities::status.ne("cancelled"))
        .filter(activities::deleted_at.is_null())
        .filter(session_seats::taken.gt(0))
        .select(session_seats::session_id)
        .limit(500)
        .load(conn)
}

/// What the participant says afterwards.
pub fn set_self_report(
    conn: &mut AnyConnection,
    id: i64,
    went: &str,
    felt_welcome: Option<bool>,
    would_return: Option<bool>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(bookings::table.find(id))
        .set((
            bookings::self_report.eq(went),
            bookings::felt_welcome.eq(felt_welcome),
            bookings::would_return.eq(would_return),
            bookings::self_report_at.eq(Some(now)),
        ))
        .execute(conn)
}

/// Bookings of a resident (any status), newest session first.
pub fn bookings_of_resident(conn: &mut AnyConnection, resident: i64) -> QueryResult<Vec<Booking>> {
    bookings::table
        .filter(bookings::resident_id.eq(resident))
        .order(bookings::id.desc())
        .limit(200)
        .load(conn)
}

/// Bookings made under an account (any status), newest first.
pub fn bookings_of_user(conn: &mut AnyConnection, user: i64) -> QueryResult<Vec<Booking>> {
    bookings::table
        .filter(bookings::user_id.eq(user))
        .order(bookings::id.desc())
        .limit(200)
        .load(conn)
}

/// A participant as the organizer sees them: a display name, and what they agreed to share.
#[derive(Debug, Clone)]
pub struct Participant {
    pub booking: Booking,
    /// The resident's display name, if a resident.
    pub display_name: Option<String>,
    pub resident_phone: String,
    pub resident_email: String,
    pub resident_accessibility: String,
    pub resident_wheelchair: bool,
}

/// A resident's display name, phone, e-mail, accessibility needs and wheelchair use.
type ResidentFields = (String, String, String, String, bool);

/// The confirmed and waiting bookings of a session with the resident fields the list may show.
pub fn participants(conn: &mut AnyConnection, session_id: i64) -> QueryResult<Vec<Participant>> {
    let rows: Vec<(Booking, Option<ResidentFields>)> = bookings::table
        .left_join(residents::table)
        .filter(bookings::session_id.eq(session_id))
        .filter(bookings::status.eq_any(["confirmed", "waitlisted"]))
        .order((bookings::position.asc(), bookings::id.asc()))
        .select((
            bookings::all_columns,
            (
                residents::display_name,
                residents::phone,
                residents::email,
                residents::accessibility,
                residents::wheelchair,
            )
                .nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(booking, r)| {
            let (display_name, resident_phone, resident_email, resident_accessibility, wheelchair) =
                match r {
                    Some((n, p, e, a, w)) => (Some(n), p, e, a, w),
                    None => (None, String::new(), String::new(), String::new(), false),
                };
            Participant {
                booking,
                display_name,
                resident_phone,
                resident_email,
                resident_accessibility,
                resident_wheelchair: wheelchair,
            }
        })
        .collect())
}

/// A referral.
#[derive(Debug, Clone, Queryable)]
pub struct Referral {
    pub id: i64,
    pub resident_id: i64,
    pub activity_id: i64,
    pub session_id: Option<i64>,
    pub linker_user_id: i64,
    pub note: String,
    pub goes_along: bool,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<i64>,
    pub answer_channel: String,
    pub answer_reason: String,
    pub booking_id: Option<i64>,
    pub updated_at: NaiveDateTime,
}

/// A new referral.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = referrals)]
pub struct NewReferral {
    pub resident_id: i64,
    pub activity_id: i64,
    pub session_id: Option<i64>,
    pub linker_user_id: i64,
    pub note: String,
    pub goes_along: bool,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a referral and its first history line; returns its id.
pub fn insert_referral(conn: &mut AnyConnection, r: &NewReferral) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(referrals::table)
        .values(r)
        .returning(referrals::id)
        .get_result(conn)?;
    insert_event(
        conn,
        id,
        "proposed",
        Some(r.linker_user_id),
        "",
        &r.note,
        r.created_at,
    )?;
    Ok(id)
}

/// One line of a referral's history.
pub fn insert_event(
    conn: &mut AnyConnection,
    referral_id: i64,
    status: &str,
    by: Option<i64>,
    channel: &str,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(referral_events::table)
        .values((
            referral_events::referral_id.eq(referral_id),
            referral_events::status.eq(status),
            referral_events::by_user.eq(by),
            referral_events::channel.eq(channel),
            referral_events::note.eq(note),
            referral_events::at.eq(at),
        ))
        .execute(conn)
}

/// One referral.
pub fn find_referral(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Referral>> {
    referrals::table.find(id).first(conn).optional()
}

/// The referral whose acceptance points at this booking, if any (the newest).
pub fn referral_of_booking(
    conn: &mut AnyConnection,
    booking: i64,
) -> QueryResult<Option<Referral>> {
    referrals::table
        .filter(referrals::booking_id.eq(booking))
        .order(referrals::id.desc())
        .first(conn)
        .optional()
}

/// A resident's referrals, newest first.
pub fn referrals_of(conn: &mut AnyConnection, resident: i64) -> QueryResult<Vec<Referral>> {
    referrals::table
        .filter(referrals::resident_id.eq(resident))
        .order(referrals::id.desc())
        .limit(200)
        .load(conn)
}

/// A referral's history line.
#[derive(Debug, Clone, Queryable)]
pub struct ReferralEvent {
    pub id: i64,
    pub referral_id: i64,
    pub status: String,
    pub by_user: Option<i64>,
    pub channel: String,
    pub note: String,
    pub at: NaiveDateTime,
}

/// A referral's history, oldest first.
pub fn events_of(conn: &mut AnyConnection, referral: i64) -> QueryResult<Vec<ReferralEvent>> {
    referral_events::table
        .filter(referral_events::referral_id.eq(referral))
        .order((referral_events::at.asc(), referral_events::id.asc()))
        .load(conn)
}

/// Answers a proposed referral (0 rows if it was answered or expired meanwhile).
#[allow(clippy::too_many_arguments)]
pub fn answer_referral(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    by: i64,
    channel: &str,
    reason: &str,
    booking_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        referrals::table
            .find(id)
            .filter(referrals::status.eq("proposed"))
            .filter(referrals::expires_at.gt(now)),
    )
    .set((
        referrals::status.eq(status),
        referrals::answered_at.eq(Some(now)),
        referrals::answered_by.eq(Some(by)),
        referrals::answer_channel.eq(channel),
        referrals::answer_reason.eq(reason),
        referrals::booking_id.eq(booking_id),
        referrals::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Moves a referral from one status to another (attendance outcomes).
pub fn set_referral_status(
    conn: &mut AnyConnection,
    id: i64,
    from: &str,
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(referrals::table.find(id).filter(referrals::status.eq(from)))
        .set((referrals::status.eq(to), referrals::updated_at.eq(now)))
        .execute(conn)
}

/// Expires proposed referrals past their time; returns (id, resident) of each.
pub fn expire_referrals(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
) -> QueryResult<Vec<(i64, i64)>> {
    let due: Vec<(i64, i64)> = referrals::table
        .filter(referrals::status.eq("proposed"))
        .filter(referrals::expires_at.le(now))
        .select((referrals::id, referrals::resident_id))
        .limit(1000)
        .load(conn)?;
    let mut done = Vec::new();
    for (id, resident) in due {
        let n = diesel::update(
            referrals::table
                .find(id)
                .filter(referrals::status.eq("proposed")),
        )
        .set((
            referrals::status.eq("expired"),
            referrals::updated_at.eq(now),
        ))
        .execute(conn)?;
        if n == 1 {
            insert_event(conn, id, "expired", None, "", "", now)?;
            done.push((id, resident));
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_postgres_booking_statement_takes_each_parameter_once_from_p() {
        let sql = PG_TAKE_SEAT_AND_BOOK.as_str();
        assert!(!sql.contains('$'), "a placeholder left in: {sql}");
        for i in 1..=PG_BOOK_PARAMS.len() {
            assert!(sql.contains(&format!("p.a{i}")), "p.a{i} unused");
            assert!(PG_BOOK_PARAMS[i - 1].ends_with(&format!(" AS a{i}")));
        }
        assert!(sql.contains(" FROM p WHERE session_id = p.a1 "));
        assert!(sql.contains("FROM s, p RETURNING id"));
    }
}
