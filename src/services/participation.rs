//! Taking part: joining (signed in, as a guest, or booked by a linker), companion seats, the
//! waitlist and its promotions, seats held for referred residents, cancelling (also with the
//! link from a mail), referrals, the organizer's register, check-in codes, and what
//! participants say afterwards.
//!
//! Every seat change happens inside one write transaction whose first write is the guarded
//! update of the session's seat row (see `db::participation::take_seat`); promotions run in
//! the same transaction as the change that freed the seat. Each change goes on the bus as a
//! `BookingChanged` event (live seat counts, notifications, caches on every instance).

use crate::auth::ratelimit::Limit;
use crate::auth::tokens::{hash_token, looks_like_token, new_token};
use crate::auth::CurrentUser;
use crate::bus::Event;
use crate::db::participation::{self as pdb, Booking, NewBooking, NewReferral, Referral};
use crate::db::schema::{activities, activity_sessions, organizations};
use crate::db::{self, audit, AnyConnection, ResidentId};
use crate::domain::participation::{
    self as rules, answer_channel, Attendance, Companion, Contact, Guest, ReferralStatus,
};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::services::residents::{self as residents, Need, Why};
use crate::state::AppState;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

/// Who a booking is for.
#[derive(Debug, Clone)]
pub enum Joiner {
    /// A signed-in person for themself (their resident file if they have one).
    Me(CurrentUser),
    /// A linker (or the resident themself) for a resident file.
    Resident(CurrentUser, ResidentId),
    /// Someone without an account.
    Guest(Guest),
}

/// What comes with a join.
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinOptions {
    pub companion: Companion,
    /// The organizer may see how to reach them.
    pub share_contact: bool,
    /// The organizer may see the accessibility needs in their file.
    pub share_needs: bool,
}

/// A booking as its holder sees it.
#[derive(Debug, Clone)]
pub struct BookingState {
    pub booking: Booking,
    /// On the waitlist: 1 = next in line.
    pub place_in_line: Option<i64>,
    /// Whether this request created it (false: it already existed).
    pub created: bool,
    /// The link token, only when this request created the booking (and not for a guest who
    /// must confirm their e-mail address: they get it by mail).
    pub manage_token: Option<String>,
}

/// A session's public counters.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct SeatCount {
    pub session_id: i64,
    /// `null`: no limit.
    pub capacity: Option<i32>,
    /// Seats anyone could still book now (`null`: no limit).
    pub seats_left: Option<i32>,
    pub confirmed: i32,
    pub waiting: i32,
    /// Seats still held for people referred by linkers.
    pub held_for_referrals: i32,
    /// The session's change counter: every change of these counts makes it larger, so of
    /// two counts the one with the larger version is the newer.
    pub version: i64,
}

fn seat_count(row: &pdb::SeatsRow, now: NaiveDateTime) -> SeatCount {
    let s = row.seats();
    SeatCount {
        session_id: row.session_id,
        capacity: s.capacity,
        seats_left: s.left(now),
        confirmed: s.taken,
        waiting: s.waiting,
        held_for_referrals: s.held(now),
        version: row.seq,
    }
}

/// The public counters of a session.
pub async fn seats(state: &AppState, session_id: i64) -> Result<SeatCount, AppError> {
    let now = db::now();
    state
        .db
        .run(move |conn| {
            let row = pdb::find_seats(conn, session_id)?.ok_or(AppError::NotFound)?;
            Ok(seat_count(&row, now))
        })
        .await
}

/// What a join needs to know about the session.
struct Bookable {
    activity_id: i64,
    starts_at: NaiveDateTime,
}

/// Whether a session can be joined now: it exists, is scheduled, has not started, and its
/// activity is published by an accredited organization. One query.
fn bookable(
    conn: &mut AnyConnection,
    session_id: i64,
    now: NaiveDateTime,
) -> Result<Bookable, AppError> {
    type Row = (
        i64,
        String,
        Option<NaiveDateTime>,
        NaiveDateTime,
        String,
        Option<NaiveDateTime>,
        String,
    );
    let row: Option<Row> = activity_sessions::table
        .inner_join(activities::table.inner_join(organizations::table))
        .filter(activity_sessions::id.eq(session_id))
        .select((
            activities::id,
            activity_sessions::status,
            activity_sessions::deleted_at,
            activity_sessions::starts_at,
            activities::status,
            activities::deleted_at,
            organizations::status,
        ))
        .first(conn)
        .optional()?;
    let Some((activity_id, s_status, s_deleted, starts_at, a_status, a_deleted, o_status)) = row
    else {
        return Err(AppError::NotFound);
    };
    if s_deleted.is_some() || a_deleted.is_some() {
        return Err(AppError::NotFound);
    }
    if a_status == "draft" {
        return Err(AppError::NotFound);
    }
    if o_status != crate::domain::organizations::Status::Accredited.as_str() {
        return Err(AppError::Conflict("err-join-org-suspended"));
    }
    if s_status == "cancelled" || a_status == "cancelled" {
        return Err(AppError::Conflict("err-join-session-cancelled"));
    }
    if a_status != "published" {
        return Err(AppError::Conflict("err-join-activity-paused"));
    }
    if starts_at <= now {
        return Err(AppError::Conflict("err-join-session-past"));
    }
    Ok(Bookable {
        activity_id,
        starts_at,
    })
}

/// Marker for "this person already has a live booking here" (rolls the transaction back).
const ALREADY: &str = "err-join-already";

/// What a join wrote: the booking as stored, the session's counters right after it, and
/// anyone promoted from the waitlist in the same transaction.
struct Seated {
    booking: Booking,
    counters: rules::Seats,
    /// The session's change counter with these counters.
    version: i64,
    promoted: Vec<i64>,
}

/// Takes a seat or a place in line and writes the booking, inside the caller's transaction:
/// one guarded UPDATE and one INSERT, nothing read back. On a duplicate the transaction must
/// be rolled back: returns `Conflict(ALREADY)`.
fn seat_and_insert(
    conn: &mut AnyConnection,
    mut b: NewBooking,
    referred: bool,
    now: NaiveDateTime,
) -> Result<Seated, AppError> {
    let booked = match pdb::take_seat_and_book(conn, &mut b, referred, now) {
        Ok(Some(booked)) => booked,
        Ok(None) => return Err(AppError::NotFound),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => return Err(AppError::Conflict(ALREADY)),
        Err(e) => return Err(e.into()),
    };
    let (outcome, id) = (booked.outcome, booked.booking_id);
    let session_id = b.session_id;
    let mut booking = b.stored(id);
    let mut counters = outcome.seats();
    let mut version = outcome.seq;
    // Someone who waits while a seat is free (a party of two ahead could not use it):
    // serve the line now.
    let mut promoted = Vec::new();
    if !outcome.last_ok && outcome.capacity.is_none_or(|c| outcome.taken < c) {
        promoted = seat_the_line(conn, session_id, id, now)?;
        if let Some(b) = pdb::find_booking(conn, id)? {
            booking = b;
        }
        if let Some(row) = pdb::find_seats(conn, session_id)? {
            counters = row.seats();
            version = row.seq;
        }
    }
    Ok(Seated {
        booking,
        counters,
        version,
        promoted,
    })
}

/// Books inside the caller's transaction with the same seat rule as a join (for seeding the
/// demo); the booking as stored.
pub fn book_in(
    conn: &mut AnyConnection,
    b: NewBooking,
    referred: bool,
) -> Result<Booking, AppError> {
    Ok(seat_and_insert(conn, b, referred, db::now())?.booking)
}

/// Serves the waitlist right after `arrived` was put on it. If `arrived` itself gets a seat
/// it got it on arrival, not from the waitlist: it is not marked (nor announced) as promoted.
/// Returns the others who were promoted.
fn seat_the_line(
    conn: &mut AnyConnection,
    session_id: i64,
    arrived: i64,
    now: NaiveDateTime,
) -> Result<Vec<i64>, AppError> {
    let mut promoted = promote_locked_except(conn, session_id, Some(arrived), now)?;
    if promoted.contains(&arrived) {
        pdb::seated_on_arrival(conn, arrived)?;
        promoted.retain(|p| *p != arrived);
    }
    Ok(promoted)
}

/// Promotes from the waitlist as far as the free seats go (the seat row is locked here).
/// Returns the promoted bookings.
fn promote_locked(
    conn: &mut AnyConnection,
    session_id: i64,
    now: NaiveDateTime,
) -> Result<Vec<i64>, AppError> {
    promote_locked_except(conn, session_id, None, now)
}

/// [`promote_locked`], telling each promoted booking's people (but not `arrived`, who got
/// the seat on arrival).
fn promote_locked_except(
    conn: &mut AnyConnection,
    session_id: i64,
    arrived: Option<i64>,
    now: NaiveDateTime,
) -> Result<Vec<i64>, AppError> {
    let Some(row) = pdb::lock_seats(conn, session_id)? else {
        return Ok(Vec::new());
    };
    let mut seats = row.seats();
    if seats.waiting == 0 {
        return Ok(Vec::new());
    }
    let line = pdb::waitlist(conn, session_id)?;
    let ids = rules::promotions(&mut seats, &line, now);
    if !ids.is_empty() {
        pdb::promote(conn, &ids, now)?;
        pdb::save_counters(conn, session_id, &seats)?;
        let told: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|i| Some(*i) != arrived)
            .collect();
        crate::services::notifications::tell_promoted(conn, &told)?;
    }
    Ok(ids)
}

fn key_of_guest(g: &Guest) -> String {
    let d = Sha256::digest(g.key_material().as_bytes());
    format!("g:{}", hex::encode(&d[..16]))
}

/// Publishes what changed: the booking itself, then each promotion.
async fn publish(state: &AppState, session_id: i64, changed: &[i64]) {
    if changed.is_empty() {
        return;
    }
    let ids = changed.to_vec();
    let now = db::now();
    let loaded = state
        .db
        .run(move |conn| {
            let seats = pdb::find_seats(conn, session_id)?;
            let mut rows = Vec::new();
            for id in ids {
                if let Some(b) = pdb::find_booking(conn, id)? {
                    rows.push(b);
                }
            }
            Ok((seats, rows))
        })
        .await;
    let Ok((Some(seats), rows)) = loaded else {
        return;
    };
    let count = seat_count(&seats, now);
    state.index.set_seats(
        session_id,
        crate::index::SeatLine {
            capacity: count.capacity,
            confirmed: count.confirmed,
            waiting: count.waiting,
            left: count.seats_left,
        },
    );
    for b in rows {
        if let Some(r) = b.resident_id {
            state.residents.evict(r);
        }
        state
            .bus
            .publish(Event::BookingChanged {
                booking_id: b.id,
                session_id,
                resident_id: b.resident_id,
                user_id: b.user_id,
                status: b.status.clone(),
                promoted: b.promoted_at.is_some() && b.status == "confirmed",
                confirmed: count.confirmed,
                waiting: count.waiting,
                capacity: count.capacity,
                seats_left: count.seats_left,
                version: count.version,
            })
            .await;
    }
}

/// What a join found or made.
enum Joined {
    /// A seat or a place in line.
    Seated(Seated),
    /// A guest's booking waiting for their e-mail confirmation (no seat yet).
    Pending(Booking),
    /// The person's live booking already there; whether a guest's link was renewed.
    Existing(Booking, bool),
}

/// A fresh booking's place in line: last, so the number waiting (1 = next).
fn place_from(s: &Seated) -> Option<i64> {
    (s.booking.status == "waitlisted").then_some(i64::from(s.counters.waiting.max(1)))
}

/// Publishes a join from what its transaction already knows (no extra reads on the hot
/// path), then any promotions.
async fn publish_join(state: &AppState, s: &Seated) {
    let b = &s.booking;
    if let Some(r) = b.resident_id {
        state.residents.evict(r);
    }
    let now = db::now();
    // This instance's copy follows at once; the others through the bus.
    state.index.set_seats(
        b.session_id,
        crate::index::SeatLine {
            capacity: s.counters.capacity,
            confirmed: s.counters.taken,
            waiting: s.counters.waiting,
            left: s.counters.left(now),
        },
    );
    state
        .bus
        .publish(Event::BookingChanged {
            booking_id: b.id,
            session_id: b.session_id,
            resident_id: b.resident_id,
            user_id: b.user_id,
            status: b.status.clone(),
            promoted: false,
            confirmed: s.counters.taken,
            waiting: s.counters.waiting,
            capacity: s.counters.capacity,
            seats_left: s.counters.left(now),
            version: s.version,
        })
        .await;
    publish(state, b.session_id, &s.promoted).await;
}

/// Joins a session. Joining twice finds the first booking (200, not an error, not a second
/// seat). A guest who gives an e-mail address gets a confirmation link and holds no seat
/// until they confirm; a guest who gives a phone number is booked at once.
pub async fn join(
    state: &AppState,
    session_id: i64,
    joiner: Joiner,
    opts: JoinOptions,
    client_ip: &str,
    lang: Lang,
) -> Result<BookingState, AppError> {
    let now = db::now();
    // Who, under which key, and on whose behalf.
    let (key, resident_id, user_id, booked_by, channel, guest) = match &joiner {
        Joiner::Me(u) => match residents::own_id(state, u).await? {
            Some(r) => (
                format!("r:{}", r.0),
                Some(r.0),
                Some(u.id().0),
                Some(u.id().0),
                "self",
                None,
            ),
            None => (
                format!("u:{}", u.id().0),
                None,
                Some(u.id().0),
                Some(u.id().0),
                "self",
                None,
            ),
        },
        Joiner::Resident(u, r) => {
            let (f, why) = residents::access(state, u, *r, Need::Write, "book a session").await?;
            let own = why == Why::Own;
            (
                format!("r:{}", r.0),
                Some(r.0),
                if own {
                    Some(u.id().0)
                } else {
                    f.resident.user_id
                },
                Some(u.id().0),
                if own { "self" } else { "linker" },
                None,
            )
        }
        Joiner::Guest(g) => {
            state
                .limiter
                .check(&[(
                    Limit {
                        name: "guest-join-ip",
                        max: state.settings.participation.guest_joins_per_hour,
                        window_secs: 3600,
                    },
                    client_ip,
                )])
                .await?;
            (key_of_guest(g), None, None, None, "guest", Some(g.clone()))
        }
    };
    if opts.companion == Companion::Linker && channel != "linker" {
        return Err(AppError::field("companion", "err-companion-linker-only"));
    }
    let token = new_token();
    let guest_name = match (&guest, &joiner) {
        (Some(g), _) => g.name.clone(),
        (None, Joiner::Me(u)) if resident_id.is_none() => u.user.display_name.clone(),
        _ => String::new(),
    };
    let (guest_email, guest_phone, needs_confirmation) = match guest.as_ref().map(|g| &g.contact) {
        Some(Contact::Email(e)) => (e.clone(), String::new(), true),
        Some(Contact::Phone(p)) => (String::new(), p.clone(), false),
        None => (String::new(), String::new(), false),
    };
    let new = NewBooking {
        session_id,
        participant_key: key.clone(),
        resident_id,
        user_id,
        guest_name,
        guest_email: guest_email.clone(),
        guest_phone,
        seats: opts.companion.seats(),
        companion: opts.companion.as_str().into(),
        referral_id: None,
        status: "unconfirmed".into(),
        position: 0,
        channel: channel.into(),
        booked_by,
        // A guest gives their contact to the organizer by joining.
        share_contact: opts.share_contact || guest.is_some(),
        share_needs: opts.share_needs,
        manage_token_hash: hash_token(&token),
        created_at: now,
        confirmed_at: None,
    };
    let renewed_hash = new.manage_token_hash.clone();
    let result = state
        .db
        .run(move |conn| {
            bookable(conn, session_id, now)?;
            let r = db::transaction(conn, |conn| {
                if needs_confirmation {
                    match pdb::insert_booking(conn, &new) {
                        Ok(id) => Ok(Joined::Pending(new.stored(id))),
                        Err(diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::UniqueViolation,
                            _,
                        )) => Err(AppError::Conflict(ALREADY)),
                        Err(e) => Err(e.into()),
                    }
                } else {
                    seat_and_insert(conn, new, false, now).map(Joined::Seated)
                }
            });
            match r {
                Ok(j) => Ok(j),
                Err(AppError::Conflict(ALREADY)) => {
                    let b = pdb::find_live(conn, session_id, &key)?
                        .ok_or(AppError::Conflict("err-conflict"))?;
                    // A guest who joins again before confirming has most likely lost the
                    // mail: the link is renewed and mailed again (the old one stops working).
                    let renewed = needs_confirmation
                        && b.status == "unconfirmed"
                        && pdb::renew_token(conn, b.id, "unconfirmed", &renewed_hash)? == 1;
                    Ok(Joined::Existing(b, renewed))
                }
                Err(e) => Err(e),
            }
        })
        .await?;
    let (booking, created, renewed, place_in_line) = match result {
        Joined::Seated(seated) => {
            let place = place_from(&seated);
            publish_join(state, &seated).await;
            (seated.booking, true, false, place)
        }
        Joined::Pending(b) => (b, true, false, None),
        Joined::Existing(b, renewed) => {
            let place = place_of(state, &b).await?;
            (b, false, renewed, place)
        }
    };
    if needs_confirmation && (created || renewed) {
        mail_confirmation(state, &booking, &guest_email, &token, lang).await;
    }
    Ok(BookingState {
        // A guest who gave an e-mail address gets the link by mail only: it is what proves
        // the address is theirs.
        manage_token: (created && !needs_confirmation).then_some(token),
        booking,
        place_in_line,
        created,
    })
}

async fn place_of(state: &AppState, b: &Booking) -> Result<Option<i64>, AppError> {
    if b.status != "waitlisted" {
        return Ok(None);
    }
    let b = b.clone();
    state
        .db
        .run(move |conn| Ok(Some(pdb::place_in_line(conn, &b)?)))
        .await
}

/// The activity's title and the session's local start, for a mail.
async fn session_words(state: &AppState, session_id: i64, lang: Lang) -> (String, String) {
    let tz: chrono_tz::Tz = state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    let found = state
        .db
        .run(move |conn| {
            Ok(activity_sessions::table
                .inner_join(activities::table)
                .filter(activity_sessions::id.eq(session_id))
                .select((activities::title, activity_sessions::starts_at))
                .first::<(String, NaiveDateTime)>(conn)
                .optional()?)
        })
        .await
        .ok()
        .flatten();
    match found {
        Some((title, starts_at)) => {
            // Day first in Italian, as on the pages.
            let format = if lang.code() == "en" {
                "%-d %b %Y, %H:%M"
            } else {
                "%d/%m/%Y, %H:%M"
            };
            let when = starts_at.and_utc().with_timezone(&tz).format(format);
            (title, when.to_string())
        }
        None => (lang.t("join-mail-a-session"), String::new()),
    }
}

async fn mail_confirmation(state: &AppState, b: &Booking, to: &str, token: &str, lang: Lang) {
    let (title, when) = session_words(state, b.session_id, lang).await;
    state.mailer.send_later(
        to.to_string(),
        lang.ta("join-mail-confirm-subject", &[("title", title.clone())]),
        lang.ta(
            "join-mail-confirm-body",
            &[
                ("name", b.guest_name.clone()),
                ("title", title),
                ("when", when),
                ("link", state.link(&format!("/bookings/manage?t={token}"))),
            ],
        ),
    );
}

/// A booking opened with the token from its link (no sign-in).
pub async fn by_token(state: &AppState, token: &str) -> Result<BookingState, AppError> {
    if !looks_like_token(token) {
        return Err(AppError::BadRequest("err-booking-link-invalid"));
    }
    let hash = hash_token(token);
    let b = state
        .db
        .run(move |conn| Ok(pdb::find_by_token(conn, &hash)?))
        .await?
        .ok_or(AppError::BadRequest("err-booking-link-invalid"))?;
    let place_in_line = place_of(state, &b).await?;
    Ok(BookingState {
        booking: b,
        place_in_line,
        created: false,
        manage_token: None,
    })
}

/// A guest confirms their e-mail: the booking takes a seat or a place in line now.
pub async fn confirm_by_token(state: &AppState, token: &str) -> Result<BookingState, AppError> {
    let current = by_token(state, token).await?.booking;
    if current.status != "unconfirmed" {
        // Already confirmed (a second click): nothing changes.
        return by_token(state, token).await;
    }
    let now = db::now();
    let id = current.id;
    let session_id = current.session_id;
    let (ok_or_wait, promoted) = state
        .db
        .run(move |conn| {
            bookable(conn, session_id, now)?;
            db::transaction(conn, |conn| {
                // Under the seat row's lock a booking's status cannot change under us: two
                // clicks on the link at once confirm once, and both see it confirmed.
                pdb::lock_seats(conn, session_id)?.ok_or(AppError::NotFound)?;
                let b = pdb::find_booking(conn, id)?.ok_or(AppError::NotFound)?;
                if b.status != "unconfirmed" {
                    return Ok((None, Vec::new()));
                }
                let out = pdb::take_seat(conn, session_id, b.seats, false, now)?
                    .ok_or(AppError::NotFound)?;
                let to = if out.last_ok {
                    "confirmed"
                } else {
                    "waitlisted"
                };
                if pdb::set_status(conn, id, "unconfirmed", to, out.seq, now)? != 1 {
                    return Err(AppError::Conflict("err-conflict"));
                }
                let promoted = if !out.last_ok && out.capacity.is_none_or(|c| out.taken < c) {
                    seat_the_line(conn, session_id, id, now)?
                } else {
                    Vec::new()
                };
                Ok((Some(to), promoted))
            })
        })
        .await?;
    if ok_or_wait.is_some() {
        publish(state, session_id, &[&[id], promoted.as_slice()].concat()).await;
    }
    by_token(state, token).await
}

/// Cancels a booking and hands its seats to the waitlist, in one transaction.
async fn cancel_booking(
    state: &AppState,
    booking: Booking,
    by: &'static str,
) -> Result<Booking, AppError> {
    let now = db::now();
    let id = booking.id;
    let session_id = booking.session_id;
    let promoted = state
        .db
        .tx(move |conn| {
            let row = pdb::lock_seats(conn, session_id)?.ok_or(AppError::NotFound)?;
            let b = pdb::find_booking(conn, id)?.ok_or(AppError::NotFound)?;
            if !b.is_live() {
                return Ok(None);
            }
            let starts_at: NaiveDateTime = activity_sessions::table
                .find(session_id)
                .select(activity_sessions::starts_at)
                .first(conn)?;
            if starts_at <= now {
                return Err(AppError::Conflict("err-cancel-session-started"));
            }
            let mut seats = row.seats();
            match b.status.as_str() {
                "confirmed" => seats.release(b.seats, b.referred()),
                "waitlisted" => seats.waiting = (seats.waiting - 1).max(0),
                _ => {}
            }
            if pdb::cancel(conn, id, &b.status, by, now)? != 1 {
                return Err(AppError::Conflict("err-conflict"));
            }
            let line = pdb::waitlist(conn, session_id)?;
            let ids = rules::promotions(&mut seats, &line, now);
            if !ids.is_empty() {
                pdb::promote(conn, &ids, now)?;
                crate::services::notifications::tell_promoted(conn, &ids)?;
            }
            pdb::save_counters(conn, session_id, &seats)?;
            if let Some(r) = b.referral_id {
                pdb::insert_event(conn, r, "cancelled", None, by, "", now)?;
            }
            Ok(Some(ids))
        })
        .await?;
    if let Some(promoted) = promoted {
        publish(state, session_id, &[&[id], promoted.as_slice()].concat()).await;
    }
    state
        .db
        .run(move |conn| pdb::find_booking(conn, id)?.ok_or(AppError::NotFound))
        .await
}

/// Cancels with the link's token (no sign-in). A cancelled booking stays cancelled: a second
/// click changes nothing.
pub async fn cancel_by_token(state: &AppState, token: &str) -> Result<Booking, AppError> {
    let b = by_token(state, token).await?.booking;
    cancel_booking(state, b, "link").await
}

/// Whether `user` may manage a booking (cancel, check in, report): the person booked, the
/// resident's own account, or one of the resident's linkers. 404 for anyone else (a booking's
/// existence is not disclosed).
async fn may_manage(state: &AppState, user: &CurrentUser, b: &Booking) -> Result<(), AppError> {
    if b.user_id == Some(user.id().0) || b.booked_by == Some(user.id().0) && b.resident_id.is_none()
    {
        return Ok(());
    }
    if let Some(r) = b.resident_id {
        if residents::access(state, user, ResidentId(r), Need::Write, "manage a booking")
            .await
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(AppError::NotFound)
}

/// A booking, for someone who may manage it.
pub async fn get(state: &AppState, user: &CurrentUser, id: i64) -> Result<BookingState, AppError> {
    let b = state
        .db
        .run(move |conn| Ok(pdb::find_booking(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    may_manage(state, user, &b).await?;
    let place_in_line = place_of(state, &b).await?;
    Ok(BookingState {
        booking: b,
        place_in_line,
        created: false,
        manage_token: None,
    })
}

/// Cancels a booking (its holder or the resident's linker).
pub async fn cancel(state: &AppState, user: &CurrentUser, id: i64) -> Result<Booking, AppError> {
    let b = get(state, user, id).await?.booking;
    let by = if b.user_id == Some(user.id().0) {
        "participant"
    } else {
        "linker"
    };
    cancel_booking(state, b, by).await
}

/// The bookings of the signed-in person (their own account and their resident file).
pub async fn mine(state: &AppState, user: &CurrentUser) -> Result<Vec<BookingState>, AppError> {
    let me = user.id().0;
    let own = residents::own_id(state, user).await?;
    state
        .db
        .run(move |conn| {
            let mut rows = pdb::bookings_of_user(conn, me)?;
            if let Some(r) = own {
                for b in pdb::bookings_of_resident(conn, r.0)? {
                    if !rows.iter().any(|x| x.id == b.id) {
                        rows.push(b);
                    }
                }
            }
            rows.sort_by_key(|b| std::cmp::Reverse(b.id));
            states_of(conn, rows)
        })
        .await
}

/// Bookings as their holders see them: each waitlisted one with its place in line.
fn states_of(conn: &mut AnyConnection, rows: Vec<Booking>) -> Result<Vec<BookingState>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for booking in rows {
        let place_in_line = if booking.status == "waitlisted" {
            Some(pdb::place_in_line(conn, &booking)?)
        } else {
            None
        };
        out.push(BookingState {
            booking,
            place_in_line,
            created: false,
            manage_token: None,
        });
    }
    Ok(out)
}

/// A resident's bookings (the resident or their linkers; audited as a read of the file).
pub async fn of_resident(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
) -> Result<Vec<BookingState>, AppError> {
    residents::access(state, user, id, Need::Read, "bookings").await?;
    state
        .db
        .run(move |conn| {
            let rows = pdb::bookings_of_resident(conn, id.0)?;
            states_of(conn, rows)
        })
        .await
}

/// The activity of a session, checked for the organizer (member of its organization, or
/// admin).
fn organizer_of(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    session_id: i64,
) -> Result<
    (
        crate::db::activities::SessionRow,
        crate::db::activities::Activity,
    ),
    AppError,
> {
    let s = crate::db::activities::find_session(conn, session_id)?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(AppError::NotFound)?;
    let a = crate::db::activities::find_activity(conn, s.activity_id)?
        .filter(|a| a.deleted_at.is_none())
        .ok_or(AppError::NotFound)?;
    if !runs_activity(conn, user.id().0, user.user.is_admin, &a)? {
        return Err(AppError::Forbidden("err-register-organizers-only"));
    }
    Ok((s, a))
}

/// Whether a person runs an activity (a member of its organization, or an admin).
fn runs_activity(
    conn: &mut AnyConnection,
    user_id: i64,
    is_admin: bool,
    a: &crate::db::activities::Activity,
) -> Result<bool, AppError> {
    Ok(is_admin
        || crate::db::orgs::member_role(
            conn,
            crate::db::OrganizationId(a.organization_id),
            crate::db::UserId(user_id),
        )?
        .is_some())
}

/// For the live register: checks that a person runs the session's activity, and returns
/// who is already marked (booking, attended | no_show).
pub async fn register_marks(
    state: &AppState,
    user_id: i64,
    is_admin: bool,
    session_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    state
        .db
        .run(move |conn| {
            let s = crate::db::activities::find_session(conn, session_id)?
                .filter(|s| s.deleted_at.is_none())
                .ok_or(AppError::NotFound)?;
            let a = crate::db::activities::find_activity(conn, s.activity_id)?
                .filter(|a| a.deleted_at.is_none())
                .ok_or(AppError::NotFound)?;
            if !runs_activity(conn, user_id, is_admin, &a)? {
                return Err(AppError::Forbidden("err-register-organizers-only"));
            }
            Ok(pdb::participants(conn, session_id)?
                .into_iter()
                .filter(|p| !p.booking.attendance.is_empty())
                .map(|p| (p.booking.id, p.booking.attendance))
                .collect())
        })
        .await
}

/// One line of the organizer's register: a pseudonym and only what the person agreed to
/// share.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegisterLine {
    pub booking_id: i64,
    /// A display name (a pseudonym is fine) or a guest's first name.
    pub name: String,
    /// confirmed | waitlisted
    pub status: String,
    pub seats: i32,
    /// "" | linker | volunteer
    pub companion: String,
    pub referred: bool,
    /// Accessibility needs, only if the person agreed to share them.
    pub needs: Vec<String>,
    pub wheelchair: bool,
    /// How to reach them, only if they agreed (guests gave it to join).
    pub phone: Option<String>,
    pub email: Option<String>,
    /// "" | attended | no_show
    pub attendance: String,
    /// "" | list | code | register_closed | automatic
    pub attendance_method: String,
    /// What the person said afterwards: "" | went | did_not_go
    pub self_report: String,
}

/// The register of a session, as its organizer sees it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Register {
    pub session_id: i64,
    pub activity_id: i64,
    pub title: String,
    /// UTC.
    #[serde(serialize_with = "utc_text")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: NaiveDateTime,
    /// UTC.
    #[serde(serialize_with = "utc_text")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: NaiveDateTime,
    pub seats: SeatCount,
    /// The code participants type to check themselves in.
    pub checkin_code: String,
    pub register_closed: bool,
    pub confirmed: Vec<RegisterLine>,
    pub waitlist: Vec<RegisterLine>,
}

/// A UTC time as RFC 3339 with its `Z`, like every other time in the API.
fn utc_text<S: serde::Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(
        &t.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    )
}

/// The organizer's list for a session (pseudonyms; contact and needs only where shared).
/// Reading it is audit-logged. Creates the check-in code on first use.
pub async fn register(
    state: &AppState,
    user: &CurrentUser,
    session_id: i64,
) -> Result<Register, AppError> {
    let u = user.clone();
    let now = db::now();
    state
        .db
        .run(move |conn| {
            let (s, a) = organizer_of(conn, &u, session_id)?;
            let mut row = pdb::find_seats(conn, session_id)?.ok_or(AppError::NotFound)?;
            if row.checkin_code.is_empty() {
                // Only the first writer sets it: two devices opening the register at once
                // must show the same code.
                pdb::set_checkin_code(conn, session_id, &rules::new_checkin_code())?;
                row = pdb::find_seats(conn, session_id)?.ok_or(AppError::NotFound)?;
            }
            let people = pdb::participants(conn, session_id)?;
            audit::record(
                conn,
                Some(u.id()),
                "session.register.read",
                "session",
                Some(session_id),
                &format!("{} people", people.len()),
            )?;
            let mut confirmed = Vec::new();
            let mut waitlist = Vec::new();
            for p in people {
                let b = &p.booking;
                let (phone, email) = if b.share_contact {
                    let phone = if !b.guest_phone.is_empty() {
                        b.guest_phone.clone()
                    } else {
                        p.resident_phone.clone()
                    };
                    let email = if !b.guest_email.is_empty() {
                        b.guest_email.clone()
                    } else {
                        p.resident_email.clone()
                    };
                    (
                        (!phone.is_empty()).then_some(phone),
                        (!email.is_empty()).then_some(email),
                    )
                } else {
                    (None, None)
                };
                let line = RegisterLine {
                    booking_id: b.id,
                    name: p
                        .display_name
                        .clone()
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| b.guest_name.clone()),
                    status: b.status.clone(),
                    seats: b.seats,
                    companion: b.companion.clone(),
                    referred: b.referred(),
                    needs: if b.share_needs {
                        crate::domain::activities::split_tags(&p.resident_accessibility)
                    } else {
                        Vec::new()
                    },
                    wheelchair: b.share_needs && p.resident_wheelchair,
                    phone,
                    email,
                    attendance: b.attendance.clone(),
                    attendance_method: b.attendance_method.clone(),
                    self_report: b.self_report.clone(),
                };
                if b.status == "confirmed" {
                    confirmed.push(line);
                } else {
                    waitlist.push(line);
                }
            }
            Ok(Register {
                session_id,
                activity_id: a.id,
                title: a.title,
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                seats: seat_count(&row, now),
                checkin_code: row.checkin_code,
                register_closed: row.register_closed_at.is_some(),
                confirmed,
                waitlist,
            })
        })
        .await
}

/// Moves a referral to attended / did_not_attend after the register changed.
fn follow_referral(
    conn: &mut AnyConnection,
    b: &Booking,
    attendance: Attendance,
    by: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // A referral accepted while the resident already had a booking (made by themself or
    // their linker) points at that booking without the booking pointing back.
    let referral = match (b.referral_id, b.resident_id) {
        (Some(rid), _) => pdb::find_referral(conn, rid)?,
        (None, Some(_)) => pdb::referral_of_booking(conn, b.id)?,
        (None, None) => None,
    };
    let Some(r) = referral else {
        return Ok(());
    };
    let rid = r.id;
    let to = match attendance {
        Attendance::Attended => ReferralStatus::Attended,
        Attendance::NoShow => ReferralStatus::DidNotAttend,
    };
    let from = ReferralStatus::parse(&r.status);
    if from.is_some_and(|f| f.can_become(to))
        && pdb::set_referral_status(conn, rid, &r.status, to.as_str(), now)? == 1
    {
        pdb::insert_event(conn, rid, to.as_str(), by, "register", "", now)?;
    }
    Ok(())
}

/// The organizer marks one participant as present or absent (corrections allowed, also
/// after the register is closed).
pub async fn mark(
    state: &AppState,
    user: &CurrentUser,
    session_id: i64,
    booking_id: i64,
    attendance: Attendance,
) -> Result<(), AppError> {
    let u = user.clone();
    let now = db::now();
    state
        .db
        .tx(move |conn| {
            let (s, _) = organizer_of(conn, &u, session_id)?;
            if now < s.starts_at - Duration::minutes(120) {
                return Err(AppError::Conflict("err-register-too-early"));
            }
            let b = pdb::find_booking(conn, booking_id)?
                .filter(|b| b.session_id == session_id)
                .ok_or(AppError::NotFound)?;
            if b.status != "confirmed" {
                return Err(AppError::Conflict("err-register-not-confirmed"));
            }
            pdb::set_attendance(
                conn,
                booking_id,
                attendance.as_str(),
                "list",
                Some(u.id().0),
                now,
            )?;
            follow_referral(conn, &b, attendance, Some(u.id().0), now)?;
            Ok(())
        })
        .await?;
    state
        .bus
        .publish(Event::CheckedIn {
            session_id,
            booking_id,
            attendance: attendance.as_str().to_string(),
        })
        .await;
    Ok(())
}

/// Closes the register: everyone confirmed and not marked becomes a no-show. `by` is `None`
/// for the automatic closing. Returns how many became no-shows (guests included).
async fn close(
    state: &AppState,
    session_id: i64,
    by: Option<i64>,
    method: &'static str,
) -> Result<usize, AppError> {
    let now = db::now();
    let (no_shows, resident_ids) = state
        .db
        .tx(move |conn| {
            if pdb::close_register(conn, session_id, by, now)? == 0 {
                return Ok((0, Vec::new()));
            }
            let ids = pdb::mark_no_shows(conn, session_id, method, by, now)?;
            let mut residents = Vec::new();
            for id in &ids {
                if let Some(b) = pdb::find_booking(conn, *id)? {
                    follow_referral(conn, &b, Attendance::NoShow, by, now)?;
                    residents.extend(b.resident_id);
                }
            }
            Ok((ids.len(), residents))
        })
        .await?;
    for r in &resident_ids {
        state.residents.evict(*r);
    }
    Ok(no_shows)
}

/// The organizer closes the register (only once the session has started).
pub async fn close_register(
    state: &AppState,
    user: &CurrentUser,
    session_id: i64,
) -> Result<usize, AppError> {
    let u = user.clone();
    let now = db::now();
    state
        .db
        .run(move |conn| {
            let (s, a) = organizer_of(conn, &u, session_id)?;
            if s.status == "cancelled" || a.status == "cancelled" {
                // Nobody can have missed a session that did not take place.
                return Err(AppError::Conflict("err-register-session-cancelled"));
            }
            if s.starts_at > now {
                return Err(AppError::Conflict("err-register-not-started"));
            }
            Ok(())
        })
        .await?;
    close(state, session_id, Some(user.id().0), "register_closed").await
}

/// A participant checks in with the code shown at the venue. Attempts are rate-limited per
/// booking, and per address and session: everyone at the venue may share one network (the
/// venue's Wi-Fi, a mobile operator's shared address), so an address may make one attempt per
/// confirmed seat of the session on top of the allowance for typing mistakes.
pub async fn check_in(
    state: &AppState,
    booking: &Booking,
    code: &str,
    client_ip: &str,
) -> Result<(), AppError> {
    let p = &state.settings.participation;
    let booking_key = format!("booking:{}", booking.id);
    let session_id = booking.session_id;
    let taken = state
        .db
        .run(move |conn| Ok(pdb::find_seats(conn, session_id)?.map_or(0, |r| r.taken)))
        .await?;
    let address_key = format!("{client_ip}|session:{session_id}");
    // Count the attempt before looking: a guesser learns nothing from timing either.
    state
        .limiter
        .check(&[
            (
                Limit {
                    name: "checkin-booking",
                    max: p.checkin_attempts,
                    window_secs: 900,
                },
                &booking_key,
            ),
            (
                Limit {
                    name: "checkin-ip",
                    max: p
                        .checkin_attempts
                        .saturating_mul(4)
                        .saturating_add(u32::try_from(taken).unwrap_or(0)),
                    window_secs: 900,
                },
                &address_key,
            ),
        ])
        .await?;
    if booking.status != "confirmed" {
        return Err(AppError::Conflict("err-checkin-not-confirmed"));
    }
    let now = db::now();
    let id = booking.id;
    let opens = p.checkin_opens_minutes;
    let code = code.to_string();
    let b2 = booking.clone();
    state
        .db
        .tx(move |conn| {
            let row = pdb::find_seats(conn, session_id)?.ok_or(AppError::NotFound)?;
            let starts_at: NaiveDateTime = activity_sessions::table
                .find(session_id)
                .select(activity_sessions::starts_at)
                .first(conn)?;
            if !rules::checkin_open(starts_at, now, opens, row.register_closed_at.is_some()) {
                return Err(AppError::Conflict("err-checkin-closed"));
            }
            if !rules::checkin_code_matches(&code, &row.checkin_code) {
                return Err(AppError::field("code", "err-checkin-code-wrong"));
            }
            pdb::set_attendance(conn, id, "attended", "code", None, now)?;
            follow_referral(conn, &b2, Attendance::Attended, None, now)?;
            Ok(())
        })
        .await?;
    state
        .bus
        .publish(Event::CheckedIn {
            session_id,
            booking_id: id,
            attendance: Attendance::Attended.as_str().to_string(),
        })
        .await;
    Ok(())
}

/// What a participant says afterwards: "I went / I didn't", and one-tap "I felt welcome",
/// "I'd go back". Kept next to the organizer's register, never overwriting it.
pub async fn report(
    state: &AppState,
    booking: &Booking,
    went: bool,
    felt_welcome: Option<bool>,
    would_return: Option<bool>,
) -> Result<(), AppError> {
    if !matches!(booking.status.as_str(), "confirmed") {
        return Err(AppError::Conflict("err-report-not-confirmed"));
    }
    let now = db::now();
    let id = booking.id;
    let session_id = booking.session_id;
    let (felt_welcome, would_return) = if went {
        (felt_welcome, would_return)
    } else {
        (None, None)
    };
    state
        .db
        .tx(move |conn| {
            let starts_at: NaiveDateTime = activity_sessions::table
                .find(session_id)
                .select(activity_sessions::starts_at)
                .first(conn)?;
            if starts_at > now {
                return Err(AppError::Conflict("err-report-too-early"));
            }
            pdb::set_self_report(
                conn,
                id,
                if went { "went" } else { "did_not_go" },
                felt_welcome,
                would_return,
                now,
            )?;
            Ok(())
        })
        .await?;
    if let Some(r) = booking.resident_id {
        state.residents.evict(r);
    }
    Ok(())
}

/// A booking for someone who may manage it, for check-in and reports.
pub async fn managed(state: &AppState, user: &CurrentUser, id: i64) -> Result<Booking, AppError> {
    Ok(get(state, user, id).await?.booking)
}

/// A linker's referral of a resident to an activity or one of its sessions.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ReferralInput {
    pub activity_id: Option<i64>,
    /// A specific session (else the resident picks one when accepting).
    pub session_id: Option<i64>,
    #[serde(default)]
    pub note: String,
    /// "I'll go along" (the linker takes a companion seat).
    #[serde(default)]
    pub goes_along: bool,
}

/// A linker refers one of their residents.
pub async fn refer(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    input: ReferralInput,
) -> Result<Referral, AppError> {
    let (file, why) = residents::access(state, user, id, Need::Write, "refer").await?;
    let resident_user = file.resident.user_id;
    if why != Why::Linker {
        return Err(AppError::Forbidden("err-referral-linkers-only"));
    }
    let mut errors = FieldErrors::new();
    let note = crate::domain::validation::optional_text(&input.note, 500)
        .map_err(|m| errors.insert("note".into(), m.into()))
        .unwrap_or_default();
    if input.activity_id.is_none() && input.session_id.is_none() {
        errors.insert("activity_id".into(), "err-referral-target-missing".into());
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = db::now();
    let days = state.settings.participation.referral_expiry_days;
    let me = user.id().0;
    let referral = state
        .db
        .tx(move |conn| {
            let (activity_id, expires_at) = match input.session_id {
                Some(sid) => {
                    let b = bookable(conn, sid, now).map_err(|e| match e {
                        AppError::NotFound => AppError::field("session_id", "err-not-found"),
                        e => e,
                    })?;
                    if input.activity_id.is_some_and(|a| a != b.activity_id) {
                        return Err(AppError::field(
                            "session_id",
                            "err-referral-session-mismatch",
                        ));
                    }
                    (b.activity_id, (now + Duration::days(days)).min(b.starts_at))
                }
                None => {
                    let aid = input.activity_id.unwrap_or_default();
                    let a = crate::db::activities::find_activity(conn, aid)?
                        .filter(|a| a.deleted_at.is_none() && a.status == "published")
                        .ok_or_else(|| AppError::field("activity_id", "err-not-found"))?;
                    let o = crate::db::orgs::find_organization(
                        conn,
                        crate::db::OrganizationId(a.organization_id),
                    )?
                    .ok_or(AppError::NotFound)?;
                    if o.status != crate::domain::organizations::Status::Accredited.as_str() {
                        return Err(AppError::Conflict("err-join-org-suspended"));
                    }
                    (a.id, now + Duration::days(days))
                }
            };
            let rid = pdb::insert_referral(
                conn,
                &NewReferral {
                    resident_id: id.0,
                    activity_id,
                    session_id: input.session_id,
                    linker_user_id: me,
                    note,
                    goes_along: input.goes_along,
                    status: ReferralStatus::Proposed.as_str().into(),
                    created_at: now,
                    expires_at,
                    updated_at: now,
                },
            )?;
            audit::record(
                conn,
                Some(crate::db::UserId(me)),
                "referral.create",
                "resident",
                Some(id.0),
                &format!("referral {rid}"),
            )?;
            if let Some(u) = resident_user {
                crate::services::notifications::tell(
                    conn,
                    &[u],
                    "referral_proposed",
                    serde_json::json!({"referral_id": rid}),
                )?;
            }
            pdb::find_referral(conn, rid)?.ok_or(AppError::NotFound)
        })
        .await?;
    publish_referral(state, &referral).await;
    Ok(referral)
}

async fn publish_referral(state: &AppState, r: &Referral) {
    state
        .bus
        .publish(Event::ReferralChanged {
            referral_id: r.id,
            resident_id: r.resident_id,
            linker_user_id: r.linker_user_id,
            status: r.status.clone(),
        })
        .await;
}

/// A referral with its history.
#[derive(Debug, Clone)]
pub struct ReferralFull {
    pub referral: Referral,
    pub events: Vec<pdb::ReferralEvent>,
}

/// A resident's referrals (the resident or their linkers).
pub async fn referrals(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
) -> Result<Vec<ReferralFull>, AppError> {
    residents::access(state, user, id, Need::Read, "referrals").await?;
    let now = db::now();
    state
        .db
        .run(move |conn| {
            let mut out = Vec::new();
            for mut r in pdb::referrals_of(conn, id.0)? {
                // Past due but not yet swept: it is expired all the same.
                if r.status == "proposed" && r.expires_at <= now {
                    r.status = "expired".into();
                }
                let events = pdb::events_of(conn, r.id)?;
                out.push(ReferralFull {
                    referral: r,
                    events,
                });
            }
            Ok(out)
        })
        .await
}

/// An answer to a referral.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct AnswerInput {
    pub accept: bool,
    /// Which session, when the referral named only the activity.
    pub session_id: Option<i64>,
    #[serde(default)]
    pub reason: String,
    /// How the resident agreed, when a linker records it: phone | in_person | signed_paper.
    /// The resident's own answer is "online".
    #[serde(default)]
    pub channel: String,
    /// The organizer may see how to reach them.
    #[serde(default)]
    pub share_contact: bool,
    /// The organizer may see their accessibility needs.
    #[serde(default)]
    pub share_needs: bool,
}

/// The resident (or a linker on their behalf) accepts or declines. Accepting books a seat or a
/// place in line in the same transaction.
pub async fn answer(
    state: &AppState,
    user: &CurrentUser,
    referral_id: i64,
    input: AnswerInput,
) -> Result<(Referral, Option<BookingState>), AppError> {
    let r = state
        .db
        .run(move |conn| Ok(pdb::find_referral(conn, referral_id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let (f, why) = residents::access(
        state,
        user,
        ResidentId(r.resident_id),
        Need::Write,
        "answer a referral",
    )
    .await?;
    let channel = match why {
        Why::Own => "online",
        _ => answer_channel(&input.channel)
            .filter(|c| *c != "online")
            .ok_or_else(|| AppError::field("channel", "err-referral-channel"))?,
    };
    let reason = crate::domain::validation::optional_text(&input.reason, 500)
        .map_err(|m| AppError::field("reason", m))?;
    let now = db::now();
    if r.status != "proposed" || r.expires_at <= now {
        return Err(AppError::Conflict(
            if r.expires_at <= now && r.status == "proposed" {
                "err-referral-expired"
            } else {
                "err-referral-answered"
            },
        ));
    }
    let session_id = match (r.session_id, input.session_id) {
        (Some(s), _) => Some(s),
        (None, Some(s)) => Some(s),
        (None, None) if input.accept => {
            return Err(AppError::field("session_id", "err-referral-pick-session"))
        }
        _ => None,
    };
    let me = user.id().0;
    let token = new_token();
    let companion = if r.goes_along {
        Companion::Linker
    } else {
        Companion::None
    };
    let share_contact = input.share_contact;
    let share_needs = input.share_needs;
    let resident_user = f.resident.user_id;
    let (booking_id, seated) = state
        .db
        .run(move |conn| {
            if input.accept {
                let sid = session_id.unwrap_or_default();
                let b = bookable(conn, sid, now)?;
                if b.activity_id != r.activity_id {
                    return Err(AppError::field(
                        "session_id",
                        "err-referral-session-mismatch",
                    ));
                }
            }
            db::transaction(conn, |conn| {
                let mut booking_id = None;
                let mut seated = None;
                if let (true, Some(sid)) = (input.accept, session_id) {
                    let key = format!("r:{}", r.resident_id);
                    if let Some(existing) = pdb::find_live(conn, sid, &key)? {
                        booking_id = Some(existing.id);
                    } else {
                        let s = seat_and_insert(
                            conn,
                            NewBooking {
                                session_id: sid,
                                participant_key: key,
                                resident_id: Some(r.resident_id),
                                user_id: resident_user,
                                guest_name: String::new(),
                                guest_email: String::new(),
                                guest_phone: String::new(),
                                seats: companion.seats(),
                                companion: companion.as_str().into(),
                                referral_id: Some(r.id),
                                status: String::new(),
                                position: 0,
                                channel: "referral".into(),
                                booked_by: Some(me),
                                share_contact,
                                share_needs,
                                manage_token_hash: hash_token(&token),
                                created_at: now,
                                confirmed_at: None,
                            },
                            true,
                            now,
                        )?;
                        booking_id = Some(s.booking.id);
                        seated = Some(s);
                    }
                }
                let status = if input.accept { "accepted" } else { "declined" };
                if pdb::answer_referral(conn, r.id, status, me, channel, &reason, booking_id, now)?
                    != 1
                {
                    return Err(AppError::Conflict("err-referral-answered"));
                }
                pdb::insert_event(conn, r.id, status, Some(me), channel, &reason, now)?;
                if r.linker_user_id != me {
                    crate::services::notifications::tell(
                        conn,
                        &[r.linker_user_id],
                        "referral_answered",
                        serde_json::json!({"referral_id": r.id, "accepted": input.accept}),
                    )?;
                }
                Ok((booking_id, seated))
            })
        })
        .await?;
    let referral = state
        .db
        .run(move |conn| pdb::find_referral(conn, referral_id)?.ok_or(AppError::NotFound))
        .await?;
    publish_referral(state, &referral).await;
    state.residents.evict(referral.resident_id);
    let booking = match (seated, booking_id) {
        (Some(s), _) => {
            publish_join(state, &s).await;
            Some(BookingState {
                place_in_line: place_from(&s),
                booking: s.booking,
                created: true,
                manage_token: None,
            })
        }
        // Already booked before the referral: that booking stands.
        (None, Some(id)) => {
            let b = state
                .db
                .run(move |conn| pdb::find_booking(conn, id)?.ok_or(AppError::NotFound))
                .await?;
            let place_in_line = place_of(state, &b).await?;
            Some(BookingState {
                booking: b,
                place_in_line,
                created: false,
                manage_token: None,
            })
        }
        (None, None) => None,
    };
    Ok((referral, booking))
}

/// Housekeeping, run by every instance every `participation.sweep_secs` (each step is
/// idempotent and safe to run concurrently): expire unanswered referrals, hand released held
/// seats to the waitlist, and close registers left open after the configured delay.
pub async fn sweep(state: &AppState) -> Result<(), AppError> {
    let now = db::now();
    let expired = state
        .db
        .tx(move |conn| Ok(pdb::expire_referrals(conn, now)?))
        .await?;
    for (_, resident) in &expired {
        state.residents.evict(*resident);
    }
    let released = state
        .db
        .run(move |conn| Ok(pdb::released_holds(conn, now)?))
        .await?;
    for session_id in released {
        let promoted = state
            .db
            .tx(move |conn| {
                let p = promote_locked(conn, session_id, now)?;
                pdb::clear_hold(conn, session_id)?;
                Ok(p)
            })
            .await?;
        publish(state, session_id, &promoted).await;
    }
    let ended_before = now - Duration::hours(state.settings.participation.auto_close_hours);
    let to_close = state
        .db
        .run(move |conn| Ok(pdb::registers_to_close(conn, ended_before)?))
        .await?;
    for session_id in to_close {
        close(state, session_id, None, "automatic").await?;
    }
    Ok(())
}

/// Seat rows follow an activity's capacity and held seats; waitlists move when there is more
/// room. Call inside the transaction that changed the activity or its sessions.
pub fn follow_activity(
    conn: &mut AnyConnection,
    activity_id: i64,
    capacity: Option<i32>,
    reserved: i32,
    release_hours: i64,
) -> Result<Vec<(i64, Vec<i64>)>, AppError> {
    let now = db::now();
    let roomier = pdb::sync_seats(conn, activity_id, capacity, reserved, release_hours, now)?;
    let mut out = Vec::new();
    for sid in roomier {
        let p = promote_locked(conn, sid, now)?;
        if !p.is_empty() {
            out.push((sid, p));
        }
    }
    Ok(out)
}

/// Publishes promotions made by [`follow_activity`].
pub async fn publish_promotions(state: &AppState, promoted: Vec<(i64, Vec<i64>)>) {
    for (sid, ids) in promoted {
        publish(state, sid, &ids).await;
    }
}

/// Starts the housekeeping loop.
pub fn spawn_sweeper(state: AppState) {
    let every = std::time::Duration::from_secs(state.settings.participation.sweep_secs.max(1));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = sweep(&state).await {
                tracing::warn!(error = %e, "participation sweep failed");
            }
        }
    });
}
