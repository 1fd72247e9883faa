//! Taking part over JSON: joining, the waitlist, cancelling (also with a mail's link),
//! referrals, the organizer's register, check-in and what participants say afterwards.

use super::me::utc;
use crate::auth::{CurrentUser, MaybeUser};
use crate::db::participation::{Booking, Referral, ReferralEvent};
use crate::db::ResidentId;
use crate::domain::participation::{Attendance, Companion, Guest, ReferralStatus};
use crate::error::{AppError, FieldErrors};
use crate::services::participation::{
    self as svc, AnswerInput, BookingState, JoinOptions, Joiner, ReferralInput, Register, SeatCount,
};
use crate::state::AppState;
use crate::web::{client_ip, lang_of};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A join. Signed in: for yourself, or with `resident_id` for a resident you follow (linkers).
/// Without an account: `name` and an `email` (a confirmation link is mailed) or a `phone`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct JoinBody {
    pub resident_id: Option<i64>,
    /// "" (none) | linker | volunteer: a companion takes a seat too.
    #[serde(default)]
    pub companion: String,
    /// The organizer may see how to reach the person.
    #[serde(default)]
    pub share_contact: bool,
    /// The organizer may see the accessibility needs in the resident's file.
    #[serde(default)]
    pub share_needs: bool,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// A booking as its holder sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingView {
    pub id: i64,
    pub session_id: i64,
    /// unconfirmed (a guest must click the link in the mail) | confirmed | waitlisted | cancelled
    pub status: String,
    /// On the waitlist: 1 = next in line.
    pub place_in_line: Option<i64>,
    pub seats: i32,
    /// "" | linker | volunteer
    pub companion: String,
    pub resident_id: Option<i64>,
    /// self | linker | guest | referral
    pub channel: String,
    pub referral_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub promoted_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The organizer's register: "" | attended | no_show
    pub attendance: String,
    /// What the person said: "" | went | did_not_go
    pub self_report: String,
    pub felt_welcome: Option<bool>,
    pub would_return: Option<bool>,
    /// The private link to see, confirm or cancel this booking without signing in. Given
    /// only in the answer that created the booking; keep it safe.
    pub manage_url: Option<String>,
    /// Links for people: the session page.
    pub session_url: String,
}

fn booking_view(state: &AppState, s: &BookingState) -> BookingView {
    let b = &s.booking;
    BookingView {
        id: b.id,
        session_id: b.session_id,
        status: b.status.clone(),
        place_in_line: s.place_in_line,
        seats: b.seats,
        companion: b.companion.clone(),
        resident_id: b.resident_id,
        channel: b.channel.clone(),
        referral_id: b.referral_id,
        created_at: utc(b.created_at),
        confirmed_at: b.confirmed_at.map(utc),
        promoted_at: b.promoted_at.map(utc),
        cancelled_at: b.cancelled_at.map(utc),
        attendance: b.attendance.clone(),
        self_report: b.self_report.clone(),
        felt_welcome: b.felt_welcome,
        would_return: b.would_return,
        manage_url: s
            .manage_token
            .as_ref()
            .map(|t| state.link(&format!("/bookings/manage?t={t}"))),
        session_url: format!("/sessions/{}", b.session_id),
    }
}

fn plain(b: Booking) -> BookingState {
    BookingState {
        booking: b,
        place_in_line: None,
        created: false,
        manage_token: None,
    }
}

/// Turns a join body into who joins (checks the guest's details).
pub fn joiner_of(user: Option<CurrentUser>, body: &JoinBody) -> Result<Joiner, AppError> {
    match (user, body.resident_id) {
        (Some(u), Some(r)) => Ok(Joiner::Resident(u, ResidentId(r))),
        (Some(u), None) => Ok(Joiner::Me(u)),
        (None, Some(_)) => Err(AppError::Unauthorized),
        (None, None) => Guest::parse(&body.name, &body.email, &body.phone)
            .map(Joiner::Guest)
            .map_err(|errs| {
                let mut f = FieldErrors::new();
                for (k, v) in errs {
                    f.insert(k.into(), v.into());
                }
                AppError::Validation(f)
            }),
    }
}

/// The options of a join body.
pub fn options_of(body: &JoinBody) -> Result<JoinOptions, AppError> {
    let companion = Companion::parse(&body.companion)
        .ok_or_else(|| AppError::field("companion", "err-unknown-value"))?;
    Ok(JoinOptions {
        companion,
        share_contact: body.share_contact,
        share_needs: body.share_needs,
    })
}

/// Joins a session: a seat if one is free and nobody is waiting, else a place on the
/// waitlist. Joining again answers 200 with the same booking.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/bookings", tag = "participation", params(("id" = i64, Path)),
    request_body = JoinBody,
    responses((status = 201, body = BookingView), (status = 200, body = BookingView, description = "Already booked: the same booking"),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn join_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: MaybeUser,
    path: web::Path<i64>,
    body: web::Json<JoinBody>,
) -> Result<HttpResponse, AppError> {
    let joiner = joiner_of(user.0, &body)?;
    let opts = options_of(&body)?;
    let s = svc::join(
        &state,
        path.into_inner(),
        joiner,
        opts,
        &client_ip(&req),
        lang_of(&req),
    )
    .await?;
    let view = booking_view(&state, &s);
    Ok(if s.created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// A session's seats: capacity, seats left, confirmed, waiting (no account needed).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/seats", tag = "participation", params(("id" = i64, Path)),
    responses((status = 200, body = SeatCount), (status = 404, body = super::ErrorBody)))]
pub async fn get_seats(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(svc::seats(&state, path.into_inner()).await?))
}

/// One booking (the person booked, the resident, or their linkers).
#[utoipa::path(get, path = "/api/v1/bookings/{id}", tag = "participation", params(("id" = i64, Path)),
    responses((status = 200, body = BookingView), (status = 404, body = super::ErrorBody)))]
pub async fn get_booking(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let s = svc::get(&state, &user, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(booking_view(&state, &s)))
}

/// Cancels a booking; the first in line who fits gets the seat.
#[utoipa::path(delete, path = "/api/v1/bookings/{id}", tag = "participation", params(("id" = i64, Path)),
    responses((status = 200, body = BookingView), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn cancel_booking(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let b = svc::cancel(&state, &user, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(booking_view(&state, &plain(b))))
}

/// The token from a booking's private link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenBody {
    pub token: String,
}

/// Looks at a booking with its private link's token (no sign-in).
#[utoipa::path(post, path = "/api/v1/booking-links/view", tag = "participation", request_body = TokenBody,
    responses((status = 200, body = BookingView), (status = 400, body = super::ErrorBody)))]
pub async fn view_by_link(
    state: web::Data<AppState>,
    body: web::Json<TokenBody>,
) -> Result<HttpResponse, AppError> {
    let s = svc::by_token(&state, &body.token).await?;
    Ok(HttpResponse::Ok().json(booking_view(&state, &s)))
}

/// A guest confirms their e-mail with the link's token: the booking takes a seat or a place
/// in line now. A second confirmation changes nothing.
#[utoipa::path(post, path = "/api/v1/booking-links/confirm", tag = "participation", request_body = TokenBody,
    responses((status = 200, body = BookingView), (status = 400, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn confirm_by_link(
    state: web::Data<AppState>,
    body: web::Json<TokenBody>,
) -> Result<HttpResponse, AppError> {
    let s = svc::confirm_by_token(&state, &body.token).await?;
    Ok(HttpResponse::Ok().json(booking_view(&state, &s)))
}

/// Cancels with the link's token (no sign-in). A second cancellation changes nothing.
#[utoipa::path(post, path = "/api/v1/booking-links/cancel", tag = "participation", request_body = TokenBody,
    responses((status = 200, body = BookingView), (status = 400, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn cancel_by_link(
    state: web::Data<AppState>,
    body: web::Json<TokenBody>,
) -> Result<HttpResponse, AppError> {
    let b = svc::cancel_by_token(&state, &body.token).await?;
    Ok(HttpResponse::Ok().json(booking_view(&state, &plain(b))))
}

/// A check-in code typed by a participant.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckInBody {
    pub code: String,
    /// With a private link instead of a signed-in account.
    #[serde(default)]
    pub token: Option<String>,
}

/// Checks in with the code shown at the venue (rate-limited).
#[utoipa::path(post, path = "/api/v1/bookings/{id}/check-in", tag = "participation", params(("id" = i64, Path)),
    request_body = CheckInBody,
    responses((status = 204), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn check_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: MaybeUser,
    path: web::Path<i64>,
    body: web::Json<CheckInBody>,
) -> Result<HttpResponse, AppError> {
    let b = booking_for(
        &state,
        user.0.as_ref(),
        path.into_inner(),
        body.token.as_deref(),
    )
    .await?;
    svc::check_in(&state, &b, &body.code, &client_ip(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The booking a signed-in user may manage, or the one a link's token opens (must match).
async fn booking_for(
    state: &AppState,
    user: Option<&CurrentUser>,
    id: i64,
    token: Option<&str>,
) -> Result<Booking, AppError> {
    match (token, user) {
        (Some(t), _) => {
            let b = svc::by_token(state, t).await?.booking;
            if b.id != id {
                return Err(AppError::NotFound);
            }
            Ok(b)
        }
        (None, Some(u)) => svc::managed(state, u, id).await,
        (None, None) => Err(AppError::Unauthorized),
    }
}

/// What a participant says afterwards.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportBody {
    /// I went (true) / I didn't (false).
    pub went: bool,
    pub felt_welcome: Option<bool>,
    pub would_return: Option<bool>,
    #[serde(default)]
    pub token: Option<String>,
}

/// "I went / I didn't", "I felt welcome", "I'd go back" (after the start). Kept beside the
/// organizer's register; neither overwrites the other.
#[utoipa::path(post, path = "/api/v1/bookings/{id}/report", tag = "participation", params(("id" = i64, Path)),
    request_body = ReportBody,
    responses((status = 204), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn report(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<i64>,
    body: web::Json<ReportBody>,
) -> Result<HttpResponse, AppError> {
    let b = booking_for(
        &state,
        user.0.as_ref(),
        path.into_inner(),
        body.token.as_deref(),
    )
    .await?;
    svc::report(&state, &b, body.went, body.felt_welcome, body.would_return).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in person's bookings.
#[utoipa::path(get, path = "/api/v1/me/bookings", tag = "participation",
    responses((status = 200, body = Vec<BookingView>), (status = 401, body = super::ErrorBody)))]
pub async fn my_bookings(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let list: Vec<BookingView> = svc::mine(&state, &user)
        .await?
        .iter()
        .map(|s| booking_view(&state, s))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// A resident's bookings (the resident or their linkers).
#[utoipa::path(get, path = "/api/v1/residents/{id}/bookings", tag = "participation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<BookingView>), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn resident_bookings(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let list: Vec<BookingView> = svc::of_resident(&state, &user, ResidentId(path.into_inner()))
        .await?
        .iter()
        .map(|s| booking_view(&state, s))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// The organizer's register of a session: pseudonyms, companions, and only the needs and
/// contact details people agreed to share. Reading it is audit-logged.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/register", tag = "participation", params(("id" = i64, Path)),
    responses((status = 200, body = Register), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_register(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(svc::register(&state, &user, path.into_inner()).await?))
}

/// The organizer's mark for one participant.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkBody {
    /// attended | no_show
    pub attendance: String,
}

/// Marks one participant present or absent.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/register/{booking_id}", tag = "participation",
    params(("id" = i64, Path), ("booking_id" = i64, Path)), request_body = MarkBody,
    responses((status = 204), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn mark_attendance(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    body: web::Json<MarkBody>,
) -> Result<HttpResponse, AppError> {
    let (sid, bid) = path.into_inner();
    let a = Attendance::parse(&body.attendance)
        .ok_or_else(|| AppError::field("attendance", "err-unknown-value"))?;
    svc::mark(&state, &user, sid, bid, a).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How many became no-shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Closed {
    pub no_shows: usize,
}

/// Closes the register: confirmed participants nobody marked become no-shows.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/register/close", tag = "participation", params(("id" = i64, Path)),
    responses((status = 200, body = Closed), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn close_register(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let n = svc::close_register(&state, &user, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Closed { no_shows: n }))
}

/// A referral with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    pub id: i64,
    pub resident_id: i64,
    pub activity_id: i64,
    pub session_id: Option<i64>,
    pub linker_user_id: i64,
    pub note: String,
    pub goes_along: bool,
    /// proposed | accepted | declined | expired | attended | did_not_attend
    pub status: ReferralStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    /// online | phone | in_person | signed_paper
    pub answer_channel: String,
    pub answer_reason: String,
    pub booking_id: Option<i64>,
    pub history: Vec<ReferralEventView>,
}

/// One step of a referral's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralEventView {
    pub status: String,
    pub by_user: Option<i64>,
    pub channel: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

fn referral_view(r: Referral, events: Vec<ReferralEvent>) -> ReferralView {
    ReferralView {
        id: r.id,
        resident_id: r.resident_id,
        activity_id: r.activity_id,
        session_id: r.session_id,
        linker_user_id: r.linker_user_id,
        note: r.note,
        goes_along: r.goes_along,
        status: ReferralStatus::parse(&r.status).unwrap_or(ReferralStatus::Proposed),
        created_at: utc(r.created_at),
        expires_at: utc(r.expires_at),
        answered_at: r.answered_at.map(utc),
        answer_channel: r.answer_channel,
        answer_reason: r.answer_reason,
        booking_id: r.booking_id,
        history: events
            .into_iter()
            .map(|e| ReferralEventView {
                status: e.status,
                by_user: e.by_user,
                channel: e.channel,
                note: e.note,
                at: utc(e.at),
            })
            .collect(),
    }
}

/// A linker refers one of their residents to an activity or a session.
#[utoipa::path(post, path = "/api/v1/residents/{id}/referrals", tag = "participation", params(("id" = i64, Path)),
    request_body = ReferralInput,
    responses((status = 201, body = ReferralView), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_referral(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<ReferralInput>,
) -> Result<HttpResponse, AppError> {
    let r = svc::refer(
        &state,
        &user,
        ResidentId(path.into_inner()),
        body.into_inner(),
    )
    .await?;
    let id = r.id;
    let events = state
        .db
        .run(move |conn| Ok(crate::db::participation::events_of(conn, id)?))
        .await?;
    Ok(HttpResponse::Created().json(referral_view(r, events)))
}

/// A resident's referrals with their history.
#[utoipa::path(get, path = "/api/v1/residents/{id}/referrals", tag = "participation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ReferralView>), (status = 403, body = super::ErrorBody)))]
pub async fn list_referrals(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let list: Vec<ReferralView> = svc::referrals(&state, &user, ResidentId(path.into_inner()))
        .await?
        .into_iter()
        .map(|f| referral_view(f.referral, f.events))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// The answer to a referral, with the booking when accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub referral: ReferralView,
    pub booking: Option<BookingView>,
}

/// The resident (or their linker, saying how the resident agreed) accepts or declines.
/// Accepting books a seat or a place in line in the same transaction.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/answer", tag = "participation", params(("id" = i64, Path)),
    request_body = AnswerInput,
    responses((status = 200, body = AnswerView), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn answer_referral(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<AnswerInput>,
) -> Result<HttpResponse, AppError> {
    let (r, booking) = svc::answer(&state, &user, path.into_inner(), body.into_inner()).await?;
    let id = r.id;
    let events = state
        .db
        .run(move |conn| Ok(crate::db::participation::events_of(conn, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(AnswerView {
        referral: referral_view(r, events),
        booking: booking.as_ref().map(|b| booking_view(&state, b)),
    }))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/bookings", web::post().to(join_session))
        .route("/sessions/{id}/seats", web::get().to(get_seats))
        .route("/sessions/{id}/register", web::get().to(get_register))
        .route(
            "/sessions/{id}/register/close",
            web::post().to(close_register),
        )
        .route(
            "/sessions/{id}/register/{booking_id}",
            web::post().to(mark_attendance),
        )
        .route("/bookings/{id}", web::get().to(get_booking))
        .route("/bookings/{id}", web::delete().to(cancel_booking))
        .route("/bookings/{id}/check-in", web::post().to(check_in))
        .route("/bookings/{id}/report", web::post().to(report))
        .route("/booking-links/view", web::post().to(view_by_link))
        .route("/booking-links/confirm", web::post().to(confirm_by_link))
        .route("/booking-links/cancel", web::post().to(cancel_by_link))
        .route("/me/bookings", web::get().to(my_bookings))
        .route("/residents/{id}/bookings", web::get().to(resident_bookings))
        .route("/residents/{id}/referrals", web::post().to(create_referral))
        .route("/residents/{id}/referrals", web::get().to(list_referrals))
        .route("/referrals/{id}/answer", web::post().to(answer_referral));
}
