//! Pages for people who take part: the join form of a session page (signed in for yourself, a
//! linker for one of their residents, or a guest with a first name and an e-mail or phone),
//! the result of a join, the private link that lets a guest see, confirm or cancel a booking
//! without an account, a signed-in person's bookings, and — once the session starts —
//! checking in with the venue's code and saying how it went.
//!
//! Nothing changes on a GET: every change is a CSRF-checked form post answered with a
//! redirect, or with the page again and the errors next to their fields. The private link's
//! token travels only in the query string (the request log records the path alone) and in
//! hidden form fields; its pages are marked `noindex` and sent with `no-store` and a
//! `same-origin` referrer policy (never sent to another site) like every page.

use super::activities::{render_session, tz_of, when_words};
use super::{translate, Choice, FormErrors};
use crate::auth::CurrentUser;
use crate::db::activities::{self as adb, SessionRow};
use crate::db::participation::{self as pdb, Booking};
use crate::db::{self, ResidentId};
use crate::domain::participation::{checkin_open, Companion, Guest};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::routes::api::activities::ActivityView;
use crate::services::participation::{self as svc, BookingState, JoinOptions, Joiner, SeatCount};
use crate::services::residents;
use crate::state::AppState;
use crate::web::{client_ip, page, page_with_status, see_other, CsrfForm, PageCtx};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

fn truthy(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "on" | "yes"
    )
}

/// What a booking page needs to know about its session.
#[derive(Debug, Clone)]
struct Facts {
    title: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    venue: String,
    address: String,
    timezone: String,
    register_closed: bool,
}

impl Facts {
    fn of_view(row: &SessionRow, a: &ActivityView) -> Facts {
        Facts {
            title: a.title.clone(),
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            venue: a.venue_name.clone(),
            address: a.address.clone(),
            timezone: a.timezone.clone(),
            register_closed: false,
        }
    }
}

/// The facts of some sessions (missing ones are left out), in one trip to the database.
async fn facts_of(state: &AppState, ids: Vec<i64>) -> Result<HashMap<i64, Facts>, AppError> {
    state
        .db
        .run(move |conn| {
            let mut out = HashMap::new();
            for id in ids {
                if out.contains_key(&id) {
                    continue;
                }
                let Some(s) = adb::find_session(conn, id)? else {
                    continue;
                };
                let Some(a) = adb::find_activity(conn, s.activity_id)? else {
                    continue;
                };
                let register_closed =
                    pdb::find_seats(conn, id)?.is_some_and(|r| r.register_closed_at.is_some());
                out.insert(
                    id,
                    Facts {
                        title: a.title,
                        starts_at: s.starts_at,
                        ends_at: s.ends_at,
                        venue: a.venue_name,
                        address: a.address,
                        timezone: a.timezone,
                        register_closed,
                    },
                );
            }
            Ok(out)
        })
        .await
}

/// A booking as its pages show it, with what may be done with it now.
#[derive(Debug, Clone)]
pub(crate) struct BookingCard {
    pub id: i64,
    pub session_id: i64,
    pub title: String,
    pub when: String,
    pub venue: String,
    pub address: String,
    /// The CSS class of the status badge.
    pub badge: &'static str,
    /// The status in a word or two.
    pub label: String,
    /// The status in a sentence (with the place in line).
    pub sentence: String,
    /// Whose booking: a guest's first name (private link), or the resident a linker booked
    /// for.
    pub who: Option<String>,
    /// Who comes along, in words.
    pub companion: Option<String>,
    /// Where its forms post: `/bookings/{id}` (signed in) or `/bookings/manage` (private link).
    pub action: String,
    pub can_confirm: bool,
    pub can_cancel: bool,
    /// The check-in form is shown (from shortly before the start until the register closes).
    pub checkin: bool,
    /// "I went / I didn't" (after the start, for a confirmed place).
    pub can_report: bool,
    /// What the person said: "" | went | did_not_go
    pub went: String,
    pub felt_welcome: bool,
    pub would_return: bool,
    /// The check-in code as typed, when a check-in came back.
    pub code: String,
    /// The error of the check-in code, next to its field.
    pub code_error: Option<String>,
    /// Another error about this booking (a cancel or report that could not be done).
    pub error: Option<String>,
}

/// (badge class, label, sentence) of a booking's status.
fn status_words(lang: Lang, b: &Booking, place: Option<i64>) -> (&'static str, String, String) {
    match b.status.as_str() {
        "confirmed" => (
            "status-accredited",
            lang.t("bp-status-confirmed"),
            match b.attendance.as_str() {
                "attended" => lang.t("bp-status-attended-text"),
                "no_show" => lang.t("bp-status-no-show-text"),
                _ => lang.t("bp-status-confirmed-text"),
            },
        ),
        "waitlisted" => (
            "status-pending",
            lang.t("bp-status-waitlisted"),
            match place {
                Some(1) => lang.t("bp-status-waitlisted-first"),
                Some(n) => lang.ta("bp-status-waitlisted-text", &[("place", n.to_string())]),
                None => lang.t("bp-status-waitlisted-plain"),
            },
        ),
        "unconfirmed" => (
            "status-pending",
            lang.t("bp-status-unconfirmed"),
            lang.t("bp-status-unconfirmed-text"),
        ),
        "cancelled" => (
            "status-cancelled",
            lang.t("bp-status-cancelled"),
            lang.t("bp-status-cancelled-text"),
        ),
        other => ("status-pending", other.to_string(), String::new()),
    }
}

/// The big heading after a join or a confirmation.
fn outcome_title(lang: Lang, b: &Booking) -> Option<String> {
    let key = match b.status.as_str() {
        "confirmed" => "bp-result-confirmed-title",
        "waitlisted" => "bp-result-waitlisted-title",
        "unconfirmed" => "bp-result-check-email-title",
        _ => return None,
    };
    Some(lang.t(key))
}

/// A notice from `?done=…`.
fn done_notice(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "already" => "bp-done-already",
        "confirmed" => "bp-done-confirmed",
        "cancelled" => "bp-done-cancelled",
        "checked-in" => "bp-done-checked-in",
        "reported" => "bp-done-reported",
        _ => return None,
    };
    Some(lang.t(key))
}

fn card(
    lang: Lang,
    s: &BookingState,
    f: &Facts,
    now: NaiveDateTime,
    opens_minutes: i64,
    action: String,
    who: Option<String>,
) -> BookingCard {
    let b = &s.booking;
    let tz = tz_of(&f.timezone);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let started = f.starts_at <= now;
    let confirmed = b.status == "confirmed";
    let (badge, label, sentence) = status_words(lang, b, s.place_in_line);
    BookingCard {
        id: b.id,
        session_id: b.session_id,
        title: f.title.clone(),
        when: when_words(
            lang,
            tz,
            Utc.from_utc_datetime(&f.starts_at),
            Utc.from_utc_datetime(&f.ends_at),
            today,
        ),
        venue: f.venue.clone(),
        address: f.address.clone(),
        badge,
        label,
        sentence,
        who,
        companion: match b.companion.as_str() {
            "volunteer" => Some(lang.t("bp-companion-volunteer-text")),
            "linker" => Some(lang.t("bp-companion-linker-text")),
            _ => None,
        },
        action,
        can_confirm: b.status == "unconfirmed" && !started,
        can_cancel: b.is_live() && !started,
        checkin: confirmed
            && b.attendance != "attended"
            && checkin_open(f.starts_at, now, opens_minutes, f.register_closed),
        can_report: confirmed && started,
        went: b.self_report.clone(),
        felt_welcome: b.felt_welcome == Some(true),
        would_return: b.would_return == Some(true),
        code: String::new(),
        code_error: None,
        error: None,
    }
}

/// The name of the resident a linker booked for (from the linker's own list: no file read).
async fn resident_name(
    state: &AppState,
    user: &CurrentUser,
    b: &Booking,
) -> Result<Option<String>, AppError> {
    let Some(r) = b.resident_id else {
        return Ok(None);
    };
    if b.user_id == Some(user.id().0) || !residents::is_linker(state, user.id()).await? {
        return Ok(None);
    }
    Ok(residents::mine(state, user)
        .await?
        .into_iter()
        .find(|x| x.id == r)
        .map(|x| x.display_name))
}

// ---------------------------------------------------------------------------------------------
// The join form on the session page
// ---------------------------------------------------------------------------------------------

/// The join forms as typed (the forms of the session page all post these names).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct JoinValues {
    /// "me" (signed in, for yourself), "resident" (a linker for a resident), else a guest.
    #[serde(default)]
    pub for_whom: String,
    /// "Someone will come with me" (a second seat).
    #[serde(default)]
    pub with_someone: String,
    #[serde(default)]
    pub share_contact: String,
    #[serde(default)]
    pub share_needs: String,
    #[serde(default)]
    pub resident_id: String,
    /// none | linker | volunteer
    #[serde(default)]
    pub r_companion: String,
    #[serde(default)]
    pub r_share_contact: String,
    #[serde(default)]
    pub r_share_needs: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// A join form that came back: what was typed and what was wrong.
#[derive(Debug, Default)]
pub(crate) struct JoinInput {
    pub values: JoinValues,
    pub errors: FormErrors,
}

/// A session's seats for people.
#[derive(Debug, Clone)]
pub(crate) struct SeatsView {
    /// `None`: no limit.
    pub capacity: Option<i32>,
    /// Seats anyone can still book (`None`: no limit).
    pub left: Option<i32>,
    pub confirmed: i32,
    pub waiting: i32,
    /// A sentence when seats are held for people referred by linkers.
    pub held: Option<String>,
    /// No seat left that anyone can book: a join goes on the waiting list.
    pub full: bool,
}

fn seats_view(lang: Lang, c: &SeatCount) -> SeatsView {
    SeatsView {
        capacity: c.capacity,
        left: c.seats_left,
        confirmed: c.confirmed,
        waiting: c.waiting,
        held: (c.held_for_referrals > 0).then(|| {
            lang.ta(
                "bp-seats-held",
                &[("count", c.held_for_referrals.to_string())],
            )
        }),
        full: c.seats_left.is_some_and(|l| l <= 0),
    }
}

/// The seats and join part of a session page.
#[derive(Debug)]
pub(crate) struct JoinPanel {
    pub session_id: i64,
    /// `None` when the counters are not there (nothing to show).
    pub seats: Option<SeatsView>,
    /// Why nobody can join now (cancelled, started, not open); `None` when open.
    pub closed: Option<String>,
    pub signed_in: bool,
    /// The visitor's own live booking of this session.
    pub mine: Option<BookingCard>,
    /// An accredited linker's residents, for "book for one of my residents".
    pub residents: Vec<Choice>,
    /// Who goes along with a resident.
    pub companions: Vec<Choice>,
    pub f: JoinValues,
    pub errors: FormErrors,
    /// "Join" or "Put me on the waiting list".
    pub button: String,
    /// Sign in and come back here.
    pub signin_url: String,
}

/// Builds the seats and join part of a session page.
pub(crate) async fn join_panel(
    state: &AppState,
    user: Option<&CurrentUser>,
    row: &SessionRow,
    a: &ActivityView,
    lang: Lang,
    input: JoinInput,
) -> Result<JoinPanel, AppError> {
    let now = db::now();
    let seats = match svc::seats(state, row.id).await {
        Ok(c) => Some(seats_view(lang, &c)),
        Err(AppError::NotFound) => None,
        Err(e) => return Err(e),
    };
    let closed = if row.status == "cancelled" || a.status == "cancelled" {
        Some(lang.t("bp-closed-cancelled"))
    } else if row.starts_at <= now {
        Some(lang.t("bp-closed-started"))
    } else if a.status != "published" {
        Some(lang.t("bp-closed-not-open"))
    } else {
        None
    };
    let mut mine = None;
    let mut resident_choices = Vec::new();
    let f = input.values;
    if let Some(u) = user {
        let facts = Facts::of_view(row, a);
        let opens = state.settings.participation.checkin_opens_minutes;
        mine = svc::mine(state, u)
            .await?
            .into_iter()
            .find(|s| s.booking.session_id == row.id && s.booking.is_live())
            .map(|s| {
                let action = format!("/bookings/{}", s.booking.id);
                card(lang, &s, &facts, now, opens, action, None)
            });
        if residents::is_linker(state, u.id()).await? {
            let list: Vec<_> = residents::mine(state, u)
                .await?
                .into_iter()
                .filter(|r| r.status != "closed")
                .collect();
            if !list.is_empty() {
                let chosen = f.resident_id.trim();
                resident_choices.push(Choice::new("", lang.t("choose"), chosen.is_empty()));
                resident_choices.extend(list.into_iter().map(|r| {
                    let id = r.id.to_string();
                    let checked = id == chosen;
                    Choice::new(id, r.display_name, checked)
                }));
            }
        }
    }
    let companion = match f.r_companion.trim() {
        "" => "none",
        c => c,
    };
    let companions = ["none", "linker", "volunteer"]
        .iter()
        .map(|c| {
            Choice::new(
                *c,
                lang.t(&format!("bp-companion-choice-{c}")),
                *c == companion,
            )
        })
        .collect();
    let full = seats.as_ref().is_some_and(|s| s.full);
    Ok(JoinPanel {
        session_id: row.id,
        seats,
        closed,
        signed_in: user.is_some(),
        mine,
        residents: resident_choices,
        companions,
        f,
        errors: input.errors,
        button: lang.t(if full {
            "bp-join-waitlist-button"
        } else {
            "bp-join-button"
        }),
        signin_url: format!(
            "/signin?next={}",
            urlencoding::encode(&format!("/sessions/{}", row.id))
        ),
    })
}

/// Who joins and how, from the form; field errors when it does not say.
fn read_join(
    user: Option<&CurrentUser>,
    f: &JoinValues,
) -> Result<(Joiner, JoinOptions), FieldErrors> {
    let mut errors = FieldErrors::new();
    let with_someone = if truthy(&f.with_someone) {
        Companion::Volunteer
    } else {
        Companion::None
    };
    match user {
        Some(u) if f.for_whom.trim() == "resident" => {
            let id = match f.resident_id.trim().parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.insert("resident_id".into(), "err-bp-resident-choose".into());
                    None
                }
            };
            let companion = Companion::parse(&f.r_companion).or_else(|| {
                errors.insert("r_companion".into(), "err-unknown-value".into());
                None
            });
            match (id, companion) {
                (Some(id), Some(companion)) => Ok((
                    Joiner::Resident(u.clone(), ResidentId(id)),
                    JoinOptions {
                        companion,
                        share_contact: truthy(&f.r_share_contact),
                        share_needs: truthy(&f.r_share_needs),
                    },
                )),
                _ => Err(errors),
            }
        }
        Some(u) => Ok((
            Joiner::Me(u.clone()),
            JoinOptions {
                companion: with_someone,
                share_contact: truthy(&f.share_contact),
                share_needs: truthy(&f.share_needs),
            },
        )),
        None => match Guest::parse(&f.name, &f.email, &f.phone) {
            Ok(g) => Ok((
                Joiner::Guest(g),
                JoinOptions {
                    companion: with_someone,
                    // A guest gives their contact to the organizer by joining (it says so).
                    share_contact: true,
                    share_needs: false,
                },
            )),
            Err(list) => {
                for (k, v) in list {
                    errors.entry(k.into()).or_insert_with(|| v.into());
                }
                Err(errors)
            }
        },
    }
}

/// The errors of a join, under the names of the form's fields (or `join`, the section, for
/// what is about the session); anything else goes to the error page.
fn join_errors(
    err: AppError,
    f: &JoinValues,
    lang: Lang,
) -> Result<(FormErrors, StatusCode), AppError> {
    let for_resident = f.for_whom.trim() == "resident";
    let mut out = FieldErrors::new();
    let status = match err {
        AppError::Validation(fields) => {
            for (k, v) in fields {
                let k = match k.as_str() {
                    "companion" if for_resident => "r_companion".to_string(),
                    "companion" => "with_someone".to_string(),
                    _ => k,
                };
                out.entry(k).or_insert(v);
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Conflict(m) => {
            out.insert("join".into(), m.into());
            StatusCode::CONFLICT
        }
        AppError::Forbidden(m) if for_resident => {
            out.insert("resident_id".into(), m.into());
            StatusCode::FORBIDDEN
        }
        AppError::NotFound if for_resident => {
            out.insert("resident_id".into(), "err-bp-resident-unknown".into());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        other => return Err(other),
    };
    Ok((translate(&out, lang), status))
}

/// Joins from the session page, then shows the result: a signed-in person's booking page, a
/// guest's private page (phone: booked now), or "check your e-mail".
async fn join_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    user: crate::auth::MaybeUser,
    path: web::Path<i64>,
    form: CsrfForm<JoinValues>,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let f = form.0;
    let user = user.0;
    let lang = p.lang;
    let (joiner, opts) = match read_join(user.as_ref(), &f) {
        Ok(x) => x,
        Err(errors) => {
            let errors = translate(&errors, lang);
            return render_session(
                &state,
                p,
                user.as_ref(),
                session_id,
                None,
                JoinInput { values: f, errors },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match svc::join(&state, session_id, joiner, opts, &client_ip(&req), lang).await {
        Ok(s) => {
            let b = &s.booking;
            let done = if s.created { "joined" } else { "already" };
            let to = match (&user, &s.manage_token) {
                (Some(_), _) => format!("/bookings/{}?done={done}", b.id),
                (None, _) if b.status == "unconfirmed" => {
                    format!("/bookings/joined?outcome=check-email&session={session_id}")
                }
                (None, Some(t)) => {
                    format!("/bookings/manage?t={}&done={done}", urlencoding::encode(t))
                }
                (None, None) => format!("/bookings/joined?outcome=already&session={session_id}"),
            };
            Ok(see_other(&to))
        }
        Err(e) => {
            let (errors, status) = join_errors(e, &f, lang)?;
            render_session(
                &state,
                p,
                user.as_ref(),
                session_id,
                None,
                JoinInput { values: f, errors },
                status,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A guest's result without a link: "check your e-mail", "you had already booked"
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct JoinedQuery {
    #[serde(default)]
    outcome: String,
    session: Option<i64>,
}

#[derive(Template)]
#[template(path = "bookings/joined.html")]
struct JoinedTemplate {
    p: PageCtx,
    check_email: bool,
    session_id: Option<i64>,
}

async fn show_joined(p: PageCtx, q: web::Query<JoinedQuery>) -> Result<HttpResponse, AppError> {
    let check_email = q.outcome != "already";
    let title = if check_email {
        "bp-result-check-email-title"
    } else {
        "bp-result-already-title"
    };
    let mut p = p.titled(title);
    let outcome = if check_email {
        "check-email"
    } else {
        "already"
    };
    p.path = match q.session {
        Some(sid) => format!("/bookings/joined?outcome={outcome}&session={sid}"),
        None => format!("/bookings/joined?outcome={outcome}"),
    };
    page(&JoinedTemplate {
        p,
        check_email,
        session_id: q.session,
    })
}

// ---------------------------------------------------------------------------------------------
// One booking: by its private link, or signed in
// ---------------------------------------------------------------------------------------------

/// Who is looking at a booking: whoever holds its private link, or a signed-in person who may
/// manage it.
enum Holder<'a> {
    Link(String),
    Account(&'a CurrentUser),
}

impl Holder<'_> {
    async fn booking(&self, state: &AppState, id: i64) -> Result<BookingState, AppError> {
        match self {
            Holder::Link(t) => svc::by_token(state, t).await,
            Holder::Account(u) => svc::get(state, u, id).await,
        }
    }

    /// Where the forms of booking `id` post.
    fn action(&self, id: i64) -> String {
        match self {
            Holder::Link(_) => "/bookings/manage".to_string(),
            Holder::Account(_) => format!("/bookings/{id}"),
        }
    }

    /// Where to go after a change.
    fn after(&self, id: i64, done: &str, back: &str) -> String {
        match self {
            Holder::Link(t) => format!("/bookings/manage?t={}&done={done}", urlencoding::encode(t)),
            Holder::Account(_) if back == "list" => {
                format!("/me/bookings?done={done}#booking-{id}")
            }
            Holder::Account(_) => format!("/bookings/{id}?done={done}"),
        }
    }
}

#[derive(Template)]
#[template(path = "bookings/booking.html")]
struct BookingTemplate {
    p: PageCtx,
    b: BookingCard,
    /// The private link's token, for the hidden field of every form.
    token: Option<String>,
    /// The private link to keep (guests).
    keep_link: Option<String>,
    /// This page came right after the join.
    just_joined: bool,
    notice: Option<String>,
    errors: FormErrors,
    /// Where the forms send the person back: "" (this page) or "list".
    back: String,
}

#[allow(clippy::too_many_arguments)]
async fn render_booking(
    state: &AppState,
    p: PageCtx,
    holder: &Holder<'_>,
    s: BookingState,
    done: Option<&str>,
    errors: FieldErrors,
    code: String,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = p.lang;
    let now = db::now();
    let sid = s.booking.session_id;
    let facts = facts_of(state, vec![sid]).await?;
    let f = facts.get(&sid).ok_or(AppError::NotFound)?;
    let who = match holder {
        Holder::Account(u) => resident_name(state, u, &s.booking).await?,
        Holder::Link(_) => Some(s.booking.guest_name.clone()).filter(|n| !n.is_empty()),
    };
    let opens = state.settings.participation.checkin_opens_minutes;
    let mut b = card(lang, &s, f, now, opens, holder.action(s.booking.id), who);
    let code_key = format!("code-{}", b.id);
    b.code = code;
    b.code_error = errors.get(&code_key).map(|m| lang.t(m));
    b.error = errors
        .iter()
        .find(|(k, _)| **k != code_key)
        .map(|(_, m)| lang.t(m));
    let outcome = matches!(done, Some("joined" | "already" | "confirmed"))
        .then(|| outcome_title(lang, &s.booking))
        .flatten();
    let mut p = p;
    p.title = outcome.unwrap_or_else(|| lang.t("bp-booking-title"));
    // The language switch comes back here (with the link's token: the path alone would not
    // open the page).
    p.path = match holder {
        Holder::Link(t) => format!("/bookings/manage?t={}", urlencoding::encode(t)),
        Holder::Account(_) => format!("/bookings/{}", s.booking.id),
    };
    let (token, keep_link) = match holder {
        Holder::Link(t) => (
            Some(t.clone()),
            Some(state.link(&format!("/bookings/manage?t={}", urlencoding::encode(t)))),
        ),
        Holder::Account(_) => (None, None),
    };
    let mut res = page_with_status(
        &BookingTemplate {
            p,
            b,
            token,
            keep_link,
            just_joined: done == Some("joined"),
            notice: done_notice(lang, done),
            errors: translate(&errors, lang),
            back: String::new(),
        },
        status,
    )?;
    if matches!(holder, Holder::Link(_)) {
        res.headers_mut().insert(
            HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
    Ok(res)
}

#[derive(Deserialize)]
struct ManageQuery {
    #[serde(default)]
    t: String,
    done: Option<String>,
}

/// The private link's page (no sign-in): details, confirm, cancel, check in, say how it went.
async fn show_manage(
    state: web::Data<AppState>,
    p: PageCtx,
    q: web::Query<ManageQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let holder = Holder::Link(q.t.trim().to_string());
    let s = holder.booking(&state, 0).await?;
    render_booking(
        &state,
        p,
        &holder,
        s,
        q.done.as_deref(),
        FieldErrors::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// A booking of a signed-in person (or of a resident they accompany).
async fn show_booking(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let holder = Holder::Account(&user);
    let s = holder.booking(&state, path.into_inner()).await?;
    render_booking(
        &state,
        p,
        &holder,
        s,
        q.done.as_deref(),
        FieldErrors::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// Every change to a booking posts this (only the fields of its own form are filled).
#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    /// The private link's token (link pages only).
    #[serde(default)]
    t: String,
    /// The check-in code shown at the venue.
    #[serde(default)]
    code: String,
    /// yes | no: "I went" / "I didn't".
    #[serde(default)]
    went: String,
    /// welcome | back: "I felt welcome" / "I'd go back".
    #[serde(default)]
    tap: String,
    /// "list": back to the list of my bookings.
    #[serde(default)]
    back: String,
}

/// Does `action` (confirm | cancel | check-in | report) on the booking; on a refusal shows the
/// booking page again with the reason next to the form.
async fn act(
    state: &AppState,
    req: &HttpRequest,
    p: PageCtx,
    holder: Holder<'_>,
    id: i64,
    action: &str,
    f: ActionForm,
) -> Result<HttpResponse, AppError> {
    let s = holder.booking(state, id).await?;
    let b = s.booking.clone();
    let result: Result<&str, AppError> = match (action, &holder) {
        ("confirm", Holder::Link(t)) => svc::confirm_by_token(state, t).await.map(|_| "confirmed"),
        ("cancel", Holder::Link(t)) => svc::cancel_by_token(state, t).await.map(|_| "cancelled"),
        ("cancel", Holder::Account(u)) => svc::cancel(state, u, b.id).await.map(|_| "cancelled"),
        ("check-in", _) if f.code.trim().is_empty() => {
            Err(AppError::field("code", "err-bp-code-missing"))
        }
        ("check-in", _) => svc::check_in(state, &b, &f.code, &client_ip(req))
            .await
            .map(|_| "checked-in"),
        ("report", _) => {
            let tap = f.tap.trim();
            let went = match (tap, f.went.trim()) {
                ("welcome" | "back", _) | (_, "yes") => Some(true),
                (_, "no") => Some(false),
                _ => None,
            };
            match went {
                Some(went) => {
                    let felt_welcome = if tap == "welcome" {
                        Some(true)
                    } else {
                        b.felt_welcome
                    };
                    let would_return = if tap == "back" {
                        Some(true)
                    } else {
                        b.would_return
                    };
                    svc::report(state, &b, went, felt_welcome, would_return)
                        .await
                        .map(|_| "reported")
                }
                None => Err(AppError::field("report", "err-bp-report-choose")),
            }
        }
        _ => Err(AppError::NotFound),
    };
    let back = f.back.trim();
    match result {
        Ok(done) => Ok(see_other(&holder.after(b.id, done, back))),
        Err(e) => {
            let code_key = format!("code-{}", b.id);
            let own_key = format!("{action}-{}", b.id);
            let mut errors = FieldErrors::new();
            let status = match e {
                AppError::Validation(fields) => {
                    for (k, v) in fields {
                        let k = if k == "code" {
                            code_key.clone()
                        } else {
                            own_key.clone()
                        };
                        errors.entry(k).or_insert(v);
                    }
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                AppError::Conflict(m) => {
                    let k = if action == "check-in" {
                        code_key
                    } else {
                        own_key
                    };
                    errors.insert(k, m.into());
                    StatusCode::CONFLICT
                }
                other => return Err(other),
            };
            // The booking as it is now (someone else may have changed it meanwhile).
            let s = holder.booking(state, b.id).await?;
            let code = f.code.trim().chars().take(12).collect();
            render_booking(state, p, &holder, s, None, errors, code, status).await
        }
    }
}

/// A change posted from the private link's page.
async fn act_by_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    path: web::Path<String>,
    form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let holder = Holder::Link(f.t.trim().to_string());
    act(&state, &req, p, holder, 0, &path.into_inner(), f).await
}

/// A change posted by a signed-in person.
async fn act_signed_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<(i64, String)>,
    form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    act(&state, &req, p, Holder::Account(&user), id, &action, form.0).await
}

// ---------------------------------------------------------------------------------------------
// My bookings
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "bookings/mine.html")]
struct MineTemplate {
    p: PageCtx,
    upcoming: Vec<BookingCard>,
    earlier: Vec<BookingCard>,
    notice: Option<String>,
    /// Never a token here: the forms post as the signed-in person.
    token: Option<String>,
    /// The forms come back to this list.
    back: String,
}

/// The signed-in person's bookings: the coming ones first (soonest first), then the earlier
/// and the cancelled ones (latest first).
async fn my_bookings(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = p.lang;
    let list = svc::mine(&state, &user).await?;
    let facts = facts_of(&state, list.iter().map(|s| s.booking.session_id).collect()).await?;
    let now = db::now();
    let opens = state.settings.participation.checkin_opens_minutes;
    let mut upcoming = Vec::new();
    let mut earlier = Vec::new();
    for s in &list {
        let Some(f) = facts.get(&s.booking.session_id) else {
            continue;
        };
        let c = card(
            lang,
            s,
            f,
            now,
            opens,
            format!("/bookings/{}", s.booking.id),
            None,
        );
        if f.starts_at > now && s.booking.is_live() {
            upcoming.push((f.starts_at, c));
        } else {
            earlier.push((f.starts_at, c));
        }
    }
    upcoming.sort_by_key(|(t, c)| (*t, c.id));
    earlier.sort_by_key(|(t, c)| std::cmp::Reverse((*t, c.id)));
    page(&MineTemplate {
        p: p.titled("bp-mine-title"),
        upcoming: upcoming.into_iter().map(|(_, c)| c).collect(),
        earlier: earlier.into_iter().map(|(_, c)| c).collect(),
        notice: done_notice(lang, q.done.as_deref()),
        token: None,
        back: "list".to_string(),
    })
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id:\\d+}/bookings", web::post().to(join_session))
        .route("/bookings/joined", web::get().to(show_joined))
        .route("/bookings/manage", web::get().to(show_manage))
        .route(
            "/bookings/manage/{action:(confirm|cancel|check-in|report)}",
            web::post().to(act_by_link),
        )
        .route("/bookings/{id:\\d+}", web::get().to(show_booking))
        .route(
            "/bookings/{id:\\d+}/{action:(cancel|check-in|report)}",
            web::post().to(act_signed_in),
        )
        .route("/me/bookings", web::get().to(my_bookings));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &str) -> JoinValues {
        serde_html_form::from_str(pairs).unwrap()
    }

    #[test]
    fn a_guest_needs_a_name_and_a_way_to_be_reached() {
        let Err(errors) = read_join(None, &values("name=&phone=abc")) else {
            panic!("a guest without a name joined");
        };
        assert_eq!(
            errors.get("name").map(String::as_str),
            Some("err-guest-name-missing")
        );
        assert_eq!(
            errors.get("phone").map(String::as_str),
            Some("err-phone-invalid")
        );
        let Ok((Joiner::Guest(g), opts)) =
            read_join(None, &values("name=Anna&phone=02+1234+5678&with_someone=1"))
        else {
            panic!("a good guest was refused");
        };
        assert_eq!(g.name, "Anna");
        assert_eq!(opts.companion, Companion::Volunteer);
        assert!(
            opts.share_contact,
            "a guest's contact goes to the organizer"
        );
    }

    #[test]
    fn the_status_reads_as_a_sentence_with_the_place_in_line() {
        let en = Lang::from_code("en").unwrap();
        let mut b = Booking {
            id: 1,
            session_id: 1,
            participant_key: String::new(),
            resident_id: None,
            user_id: None,
            guest_name: String::new(),
            guest_email: String::new(),
            guest_phone: String::new(),
            seats: 1,
            companion: String::new(),
            referral_id: None,
            status: "waitlisted".into(),
            position: 3,
            channel: "guest".into(),
            booked_by: None,
            share_contact: false,
            share_needs: false,
            manage_token_hash: String::new(),
            created_at: db::now(),
            confirmed_at: None,
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
        };
        let (_, label, sentence) = status_words(en, &b, Some(3));
        assert_eq!(label, "On the waiting list");
        assert!(sentence.contains('3'), "{sentence}");
        b.status = "confirmed".into();
        assert_eq!(status_words(en, &b, None).1, "Place confirmed");
    }
}
