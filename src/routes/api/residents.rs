//! Residents over JSON: files, consents, questionnaires, suggestions; contact requests;
//! admins' break glass, the audit log and the loneliness figures.

use super::activities::AreaRef;
use super::me::utc;
use crate::auth::{Admin, CurrentUser};
use crate::db::residents as rdb;
use crate::db::ResidentId;
use crate::domain::matching::{Reason, ScoreParts};
use crate::domain::questionnaires::Instrument;
use crate::domain::residents::{age_band, availability_slots, ConsentDraft, ResidentDraft};
use crate::error::AppError;
use crate::services::residents::{self as svc, ContactRequest, FullFile, Why};
use crate::state::AppState;
use crate::web::{client_ip, lang_of};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new resident registered by a linker, with the consents recorded.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateResident {
    #[serde(flatten)]
    pub profile: ResidentDraft,
    /// At least care follow-up.
    pub consents: Vec<ConsentDraft>,
}

/// A person's own resident file, with the purposes they consent to online.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOwnResident {
    #[serde(flatten)]
    pub profile: ResidentDraft,
    /// care | statistics | reminders
    #[serde(default)]
    pub consents: Vec<String>,
}

/// Where a new resource is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// A consent withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Withdrawal {
    /// care | statistics | reminders
    pub purpose: String,
    /// signed_paper | verbal | online (a resident's own withdrawal is always online)
    #[serde(default)]
    pub channel: String,
}

/// A questionnaire's answers.
#[derive(Debug, Deserialize, ToSchema)]
pub struct QuestionnaireInput {
    /// ucla3 | ons
    pub instrument: String,
    /// UCLA-3: three answers 1–3; ONS: one answer 1–5 (1 = often/always).
    pub answers: Vec<i32>,
    /// intake (default) | follow_up
    #[serde(default)]
    pub context: String,
}

/// A scored questionnaire.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionnaireView {
    pub id: i64,
    pub instrument: String,
    pub answers: Vec<i32>,
    pub score: i32,
    pub lonely: bool,
    pub context: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// A consent as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    pub id: i64,
    pub purpose: String,
    pub channel: String,
    pub given_by: String,
    pub recorded_by: Option<i64>,
    pub given_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_channel: Option<String>,
}

/// A linker of a resident.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkerView {
    pub user_id: i64,
    pub display_name: String,
    pub since: DateTime<Utc>,
}

/// The coarse home.
#[derive(Debug, Serialize, ToSchema)]
pub struct HomeView {
    /// H3 cell (resolution 8, about 0.7 km²); never an address.
    pub cell: Option<String>,
    /// Small area (NIL).
    pub area: Option<AreaRef>,
}

/// A resident's file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentView {
    pub id: i64,
    pub display_name: String,
    pub phone: String,
    pub email: String,
    /// self_account | self_phone | assisted
    pub origin: String,
    /// active | awaiting_linker | closed
    pub status: String,
    pub locale: String,
    pub birth_year: Option<i32>,
    pub age_band: String,
    pub languages: Vec<String>,
    pub interests: Vec<i64>,
    pub home: HomeView,
    pub travel_radius_m: i32,
    pub availability: Vec<String>,
    pub wheelchair: bool,
    pub accessibility: Vec<String>,
    pub budget_cents: Option<i32>,
    pub wants_company: bool,
    pub prefers_small_groups: bool,
    pub linkers: Vec<LinkerView>,
    pub consents: Vec<ConsentView>,
    pub questionnaires: Vec<QuestionnaireView>,
    /// Why you may read it: own | linker | break_glass
    pub access: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A line of a list of residents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidentLineView {
    pub id: i64,
    pub display_name: String,
    pub status: String,
    pub area: Option<AreaRef>,
    pub updated_at: DateTime<Utc>,
}

/// A reason with its words.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView<'a> {
    #[serde(flatten)]
    pub reason: &'a Reason,
    /// The reason in the request's language.
    #[schema(value_type = String)]
    pub text: std::rc::Rc<str>,
}

/// One suggested session (its words borrowed from the discovery index, not copied).
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView<'a> {
    pub session_id: i64,
    pub activity_id: i64,
    pub title: &'a str,
    pub organization: &'a str,
    pub venue_name: &'a str,
    pub address: &'a str,
    pub area: Option<AreaRef>,
    pub starts_at: DateTime<Utc>,
    /// Local start with offset.
    pub starts_at_local: String,
    /// From the centre of the resident's home cell, metres.
    pub distance_m: u32,
    pub score: f64,
    pub parts: ScoreParts,
    pub reasons: Vec<ReasonView<'a>>,
    /// Seats left; none = unlimited.
    pub seats_left: Option<i32>,
    /// The session's page.
    pub url: String,
}

/// Suggestions for a resident.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsView<'a> {
    pub resident_id: i64,
    pub travel_radius_m: i32,
    pub generated_at: DateTime<Utc>,
    pub suggestions: Vec<SuggestionView<'a>>,
}

/// How many suggestions.
#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
pub struct SuggestionsQuery {
    /// 1–50 (default 10).
    pub limit: Option<usize>,
}

/// A suggested activity set aside.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Dismissal {
    pub activity_id: i64,
    #[serde(default)]
    pub reason: String,
}

/// A session to mail to the resident.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SendSession {
    pub session_id: i64,
}

/// Another linker to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AddLinker {
    pub email: String,
}

/// Why an admin opens a file.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BreakGlass {
    /// At least 10 characters; stored in the audit log.
    pub reason: String,
}

/// Until when the file is open.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreakGlassView {
    pub resident_id: i64,
    pub expires_at: DateTime<Utc>,
}

/// Which audit records.
#[derive(Debug, Deserialize, ToSchema, utoipa::IntoParams)]
pub struct AuditQuery {
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    /// 1–500 (default 100).
    pub limit: Option<i64>,
}

/// An audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub detail: String,
    pub at: DateTime<Utc>,
}

fn area_ref(state: &AppState, kind: &str, code: Option<&str>) -> Option<AreaRef> {
    let code = code?;
    Some(AreaRef {
        code: code.to_string(),
        name: state.areas.name(kind, code).unwrap_or(code).to_string(),
    })
}

/// The API view of a file.
pub fn view(state: &AppState, f: &FullFile) -> ResidentView {
    let r = &f.entry.resident;
    ResidentView {
        id: r.id,
        display_name: r.display_name.clone(),
        phone: r.phone.clone(),
        email: r.email.clone(),
        origin: r.origin.clone(),
        status: r.status.clone(),
        locale: r.locale.clone(),
        birth_year: r.birth_year,
        age_band: age_band(r.birth_year, Utc::now().year()).to_string(),
        languages: crate::domain::activities::split_tags(&r.languages),
        interests: f.entry.interests.clone(),
        home: HomeView {
            cell: r.home_cell.clone(),
            area: area_ref(state, "small", r.home_area.as_deref()),
        },
        travel_radius_m: r.travel_radius_m,
        availability: availability_slots(r.availability as u32),
        wheelchair: r.wheelchair,
        accessibility: crate::domain::activities::split_tags(&r.accessibility),
        budget_cents: r.budget_cents,
        wants_company: r.wants_company,
        prefers_small_groups: r.prefers_small_groups,
        linkers: f
            .linkers
            .iter()
            .map(|l| LinkerView {
                user_id: l.linker_user_id,
                display_name: l.display_name.clone(),
                since: utc(l.since),
            })
            .collect(),
        consents: f
            .consents
            .iter()
            .map(|c| ConsentView {
                id: c.id,
                purpose: c.purpose.clone(),
                channel: c.channel.clone(),
                given_by: c.given_by.clone(),
                recorded_by: c.recorded_by,
                given_at: utc(c.given_at),
                withdrawn_at: c.withdrawn_at.map(utc),
                withdrawal_channel: c.withdrawal_channel.clone(),
            })
            .collect(),
        questionnaires: f
            .responses
            .iter()
            .map(|q| QuestionnaireView {
                id: q.id,
                instrument: q.instrument.clone(),
                answers: serde_json::from_str(&q.answers).unwrap_or_default(),
                score: q.score,
                lonely: q.lonely,
                context: q.context.clone(),
                recorded_by: q.recorded_by,
                recorded_at: utc(q.recorded_at),
            })
            .collect(),
        access: match f.why {
            Why::Own => "own",
            Why::Linker => "linker",
            Why::BreakGlass(_) => "break_glass",
        }
        .to_string(),
        created_at: utc(r.created_at),
        updated_at: utc(r.updated_at),
    }
}

fn line_view(state: &AppState, l: rdb::ResidentLine) -> ResidentLineView {
    ResidentLineView {
        id: l.id,
        area: area_ref(state, "small", l.home_area.as_deref()),
        display_name: l.display_name,
        status: l.status,
        updated_at: utc(l.updated_at),
    }
}

/// A linker registers a resident they accompany, with the consents they recorded.
#[utoipa::path(post, path = "/api/v1/residents", tag = "residents", request_body = CreateResident,
    responses((status = 201, body = Created), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_resident(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CreateResident>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let id = svc::create_assisted(&state, &user, b.profile, b.consents).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/residents/{id}")))
        .json(Created { id: id.0 }))
}

/// The residents the signed-in linker follows.
#[utoipa::path(get, path = "/api/v1/residents", tag = "residents",
    responses((status = 200, body = Vec<ResidentLineView>)))]
pub async fn list_residents(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let rows = svc::mine(&state, &user).await?;
    let out: Vec<_> = rows.into_iter().map(|l| line_view(&state, l)).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// People who asked to be called and wait for a linker (accredited linkers).
#[utoipa::path(get, path = "/api/v1/residents/awaiting", tag = "residents",
    responses((status = 200, body = Vec<ResidentLineView>), (status = 403, body = super::ErrorBody)))]
pub async fn list_awaiting(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let rows = svc::awaiting(&state, &user).await?;
    let out: Vec<_> = rows.into_iter().map(|l| line_view(&state, l)).collect();
    Ok(HttpResponse::Ok().json(out))
}

/// A linker takes a waiting resident and becomes their linker.
#[utoipa::path(post, path = "/api/v1/residents/{id}/take", tag = "residents", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = super::ErrorBody)))]
pub async fn take_resident(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    svc::take(&state, &user, ResidentId(path.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A resident's file (the resident, their linkers, or an admin through break glass). Audited.
#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "residents", params(("id" = i64, Path)),
    responses((status = 200, body = ResidentView), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_resident(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let f = svc::read(&state, &user, ResidentId(path.into_inner())).await?;
    Ok(HttpResponse::Ok().json(view(&state, &f)))
}

/// Replaces a resident's profile.
#[utoipa::path(put, path = "/api/v1/residents/{id}", tag = "residents", params(("id" = i64, Path)),
    request_body = ResidentDraft,
    responses((status = 200, body = ResidentView), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn update_resident(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<ResidentDraft>,
) -> Result<HttpResponse, AppError> {
    let id = ResidentId(path.into_inner());
    svc::update(&state, &user, id, body.into_inner()).await?;
    let f = svc::read(&state, &user, id).await?;
    Ok(HttpResponse::Ok().json(view(&state, &f)))
}

/// Adds another accredited linker to a resident.
#[utoipa::path(post, path = "/api/v1/residents/{id}/linkers", tag = "residents", params(("id" = i64, Path)),
    request_body = AddLinker, responses((status = 204), (status = 422, body = super::ErrorBody)))]
pub async fn add_linker(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<AddLinker>,
) -> Result<HttpResponse, AppError> {
    svc::add_linker(&state, &user, ResidentId(path.into_inner()), &body.email).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in linker stops following a resident.
#[utoipa::path(delete, path = "/api/v1/residents/{id}/linkers/me", tag = "residents", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn leave_resident(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    svc::leave(&state, &user, ResidentId(path.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Records a consent.
#[utoipa::path(post, path = "/api/v1/residents/{id}/consents", tag = "residents", params(("id" = i64, Path)),
    request_body = ConsentDraft, responses((status = 201, body = Created), (status = 422, body = super::ErrorBody)))]
pub async fn add_consent(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<ConsentDraft>,
) -> Result<HttpResponse, AppError> {
    let id = svc::add_consent(
        &state,
        &user,
        ResidentId(path.into_inner()),
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(Created { id }))
}

/// Withdraws a consent; what depended on it stops.
#[utoipa::path(post, path = "/api/v1/residents/{id}/consents/withdrawal", tag = "residents", params(("id" = i64, Path)),
    request_body = Withdrawal, responses((status = 204), (status = 409, body = super::ErrorBody)))]
pub async fn withdraw_consent(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<Withdrawal>,
) -> Result<HttpResponse, AppError> {
    svc::withdraw_consent(
        &state,
        &user,
        ResidentId(path.into_inner()),
        &body.purpose,
        &body.channel,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Records a questionnaire (UCLA-3 or ONS) and returns its score.
#[utoipa::path(post, path = "/api/v1/residents/{id}/questionnaires", tag = "residents", params(("id" = i64, Path)),
    request_body = QuestionnaireInput, responses((status = 201, body = QuestionnaireView), (status = 422, body = super::ErrorBody)))]
pub async fn add_questionnaire(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<QuestionnaireInput>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let (id, scored) = svc::record_questionnaire(
        &state,
        &user,
        ResidentId(path.into_inner()),
        &b.instrument,
        &b.answers,
        &b.context,
    )
    .await?;
    Ok(HttpResponse::Created().json(QuestionnaireView {
        id,
        instrument: Instrument::parse(&b.instrument)
            .map(|i| i.as_str())
            .unwrap_or_default()
            .to_string(),
        answers: b.answers,
        score: scored.score,
        lonely: scored.lonely,
        context: if b.context.trim().is_empty() {
            "intake".into()
        } else {
            b.context.trim().to_string()
        },
        recorded_by: Some(user.user.id),
        recorded_at: Utc::now(),
    }))
}

/// Score parts to three decimals (enough to read, fewer bytes on the wire).
fn rounded(p: ScoreParts) -> ScoreParts {
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    ScoreParts {
        distance: r(p.distance),
        interest: r(p.interest),
        schedule: r(p.schedule),
        welcome: r(p.welcome),
        small_group: r(p.small_group),
        novelty: r(p.novelty),
        diversity: r(p.diversity),
    }
}

/// Builds the suggestion views (shared with the pages).
pub fn suggestion_views<'a>(
    state: &AppState,
    lang: crate::i18n::Lang,
    items: &'a [svc::Suggested],
) -> Result<Vec<SuggestionView<'a>>, AppError> {
    let snap = state.index.snapshot()?;
    let tz: chrono_tz::Tz = state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    Ok(items
        .iter()
        .map(|s| {
            let a = &s.activity;
            let starts = DateTime::from_timestamp(s.suggestion.starts_at, 0).unwrap_or_default();
            SuggestionView {
                session_id: s.suggestion.session_id,
                activity_id: a.id,
                title: &a.title,
                organization: &a.organization,
                venue_name: &a.venue_name,
                address: &a.address,
                area: area_ref(state, "small", a.nil_code.as_deref()),
                starts_at: starts,
                starts_at_local: starts.with_timezone(&tz).to_rfc3339(),
                distance_m: s.suggestion.distance_m.round() as u32,
                score: (s.suggestion.score * 1000.0).round() / 1000.0,
                parts: rounded(s.suggestion.parts),
                reasons: s
                    .suggestion
                    .reasons
                    .iter()
                    .map(|r| ReasonView {
                        text: svc::reason_text(r, lang, &snap),
                        reason: r,
                    })
                    .collect(),
                seats_left: s.seats_left,
                url: format!("/sessions/{}", s.suggestion.session_id),
            }
        })
        .collect())
}

/// Upcoming sessions ranked for a resident, each with its reasons (the resident or their
/// linkers; admins through break glass). Audited as a read of the file.
#[utoipa::path(get, path = "/api/v1/residents/{id}/suggestions", tag = "residents", params(("id" = i64, Path), SuggestionsQuery),
    responses((status = 200, body = SuggestionsView), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_suggestions(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<SuggestionsQuery>,
) -> Result<HttpResponse, AppError> {
    let max = state.settings.residents.suggestions_max;
    let limit = match query.limit {
        None => state.settings.residents.suggestions_default,
        Some(n) if (1..=max).contains(&n) => n,
        Some(_) => return Err(AppError::field("limit", "err-limit")),
    };
    let (f, items) = svc::suggestions(&state, &user, ResidentId(path.into_inner()), limit).await?;
    let lang = lang_of(&req);
    let view = SuggestionsView {
        resident_id: f.resident.id,
        travel_radius_m: f.resident.travel_radius_m,
        generated_at: Utc::now(),
        suggestions: suggestion_views(&state, lang, &items)?,
    };
    // About a kilobyte a suggestion: written into a buffer of that size from the start
    // instead of one that doubles (and is copied) several times on the way.
    let mut body = Vec::with_capacity(512 + 1152 * view.suggestions.len());
    serde_json::to_writer(&mut body, &view).map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body))
}

/// Sets a suggested activity aside (it is proposed less for a while).
#[utoipa::path(post, path = "/api/v1/residents/{id}/suggestions/dismissals", tag = "residents", params(("id" = i64, Path)),
    request_body = Dismissal, responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn dismiss_suggestion(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<Dismissal>,
) -> Result<HttpResponse, AppError> {
    svc::dismiss(
        &state,
        &user,
        ResidentId(path.into_inner()),
        body.activity_id,
        &body.reason,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mails a session to the resident (needs their consent to reminders and an e-mail).
#[utoipa::path(post, path = "/api/v1/residents/{id}/messages", tag = "residents", params(("id" = i64, Path)),
    request_body = SendSession, responses((status = 202), (status = 409, body = super::ErrorBody)))]
pub async fn send_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<SendSession>,
) -> Result<HttpResponse, AppError> {
    svc::send_session(
        &state,
        &user,
        ResidentId(path.into_inner()),
        body.session_id,
        lang_of(&req),
    )
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Creates the signed-in person's own resident file.
#[utoipa::path(post, path = "/api/v1/me/resident", tag = "residents", request_body = CreateOwnResident,
    responses((status = 201, body = Created), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_own(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CreateOwnResident>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let id = svc::create_own(&state, &user, b.profile, b.consents).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/residents/{id}")))
        .json(Created { id: id.0 }))
}

/// The signed-in person's own resident file.
#[utoipa::path(get, path = "/api/v1/me/resident", tag = "residents",
    responses((status = 200, body = ResidentView), (status = 404, body = super::ErrorBody)))]
pub async fn get_own(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let id = svc::own_id(&state, &user)
        .await?
        .ok_or(AppError::NotFound)?;
    let f = svc::read(&state, &user, id).await?;
    Ok(HttpResponse::Ok().json(view(&state, &f)))
}

/// Someone without an account asks to be called by a linker: a first name and a phone number.
#[utoipa::path(post, path = "/api/v1/contact-requests", tag = "residents", request_body = ContactRequest,
    responses((status = 201, body = super::Message), (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn request_contact(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ContactRequest>,
) -> Result<HttpResponse, AppError> {
    svc::request_contact(&state, body.into_inner(), &client_ip(&req)).await?;
    Ok(HttpResponse::Created().json(super::Message {
        message: lang_of(&req).t("contact-request-thanks"),
    }))
}

/// An admin opens one resident's file for a limited time, with a reason (audited).
#[utoipa::path(post, path = "/api/v1/admin/residents/{id}/break-glass", tag = "admin", params(("id" = i64, Path)),
    request_body = BreakGlass, responses((status = 201, body = BreakGlassView), (status = 422, body = super::ErrorBody)))]
pub async fn break_glass(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    body: web::Json<BreakGlass>,
) -> Result<HttpResponse, AppError> {
    let id = ResidentId(path.into_inner());
    let until = svc::break_glass(&state, &admin.0, id, &body.reason).await?;
    Ok(HttpResponse::Created().json(BreakGlassView {
        resident_id: id.0,
        expires_at: utc(until),
    }))
}

/// The audit log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, body = Vec<AuditView>)))]
pub async fn list_audit(
    state: web::Data<AppState>,
    _admin: Admin,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::field("limit", "err-limit"));
    }
    state.audit.flush().await?;
    let rows = state
        .db
        .run(move |conn| {
            Ok(crate::db::audit::list(
                conn,
                q.subject_kind.as_deref(),
                q.subject_id,
                limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|r| AuditView {
                id: r.id,
                actor_user_id: r.actor_user_id,
                action: r.action,
                subject_kind: r.subject_kind,
                subject_id: r.subject_id,
                detail: r.detail,
                at: utc(r.at),
            })
            .collect::<Vec<_>>(),
    ))
}

/// Loneliness figures of residents who consent to statistics, by district, never below the
/// minimum group size (admins).
#[utoipa::path(get, path = "/api/v1/admin/statistics/loneliness", tag = "admin",
    responses((status = 200, body = svc::LonelinessStats)))]
pub async fn loneliness_statistics(
    state: web::Data<AppState>,
    _admin: Admin,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(svc::statistics(&state).await?))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/residents", web::post().to(create_resident))
        .route("/residents", web::get().to(list_residents))
        .route("/residents/awaiting", web::get().to(list_awaiting))
        .route("/residents/{id}", web::get().to(get_resident))
        .route("/residents/{id}", web::put().to(update_resident))
        .route("/residents/{id}/take", web::post().to(take_resident))
        .route("/residents/{id}/linkers", web::post().to(add_linker))
        .route(
            "/residents/{id}/linkers/me",
            web::delete().to(leave_resident),
        )
        .route("/residents/{id}/consents", web::post().to(add_consent))
        .route(
            "/residents/{id}/consents/withdrawal",
            web::post().to(withdraw_consent),
        )
        .route(
            "/residents/{id}/questionnaires",
            web::post().to(add_questionnaire),
        )
        .route(
            "/residents/{id}/suggestions",
            web::get().to(get_suggestions),
        )
        .route(
            "/residents/{id}/suggestions/dismissals",
            web::post().to(dismiss_suggestion),
        )
        .route("/residents/{id}/messages", web::post().to(send_session))
        .route("/me/resident", web::post().to(create_own))
        .route("/me/resident", web::get().to(get_own))
        .route("/contact-requests", web::post().to(request_contact))
        .route(
            "/admin/residents/{id}/break-glass",
            web::post().to(break_glass),
        )
        .route("/admin/audit", web::get().to(list_audit))
        .route(
            "/admin/statistics/loneliness",
            web::get().to(loneliness_statistics),
        );
}
