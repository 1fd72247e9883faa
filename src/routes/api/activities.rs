//! Activities, sessions, discovery, interests and areas over JSON.

use super::me::utc;
use crate::auth::{Admin, CurrentUser, MaybeUser};
use crate::db::activities::{self as adb, Activity, SessionRow};
use crate::db::orgs;
use crate::db::OrganizationId;
use crate::domain::activities::{split_tags, ActivityDraft, Practical};
use crate::domain::organizations::Status;
use crate::error::AppError;
use crate::services::activities::{self as svc, SessionEdit};
use crate::services::discovery::{self, SearchPage, SearchParams};
use crate::state::AppState;
use crate::web::MultiQuery;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An activity to create: the draft plus whether to publish it at once.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateActivity {
    #[serde(flatten)]
    pub activity: ActivityDraft,
    /// Publish now (default) or keep as a draft.
    #[serde(default = "yes")]
    pub publish: bool,
}

fn yes() -> bool {
    true
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusChange {
    /// published | paused | cancelled
    pub status: String,
}

/// An activity as the public (or its organizers) see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: i64,
    pub organization_id: i64,
    pub organization: String,
    pub title: String,
    pub description: String,
    pub venue_name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    /// Small area (NIL) code and name.
    pub area: Option<AreaRef>,
    /// Large area (Municipio) code and name.
    pub district: Option<AreaRef>,
    pub timezone: String,
    /// Local start of the first session.
    pub starts_at: String,
    pub duration_minutes: i32,
    pub rrule: String,
    pub exdates: Vec<String>,
    pub capacity: Option<i32>,
    /// Seats held for residents referred by linkers (released before each session).
    pub reserved_seats: i32,
    pub cost_kind: String,
    pub cost_cents: i32,
    pub cost_help: bool,
    pub languages: Vec<String>,
    pub wheelchair: String,
    pub accessibility: Vec<String>,
    pub low_barrier: Vec<String>,
    pub practical: Practical,
    pub audience: Vec<String>,
    pub contact_phone: String,
    pub contact_email: String,
    pub interests: Vec<i64>,
    /// draft | published | paused | cancelled
    pub status: String,
    pub updated_at: DateTime<Utc>,
    /// The next sessions (up to 20).
    pub sessions: Vec<SessionView>,
}

/// A named area.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaRef {
    pub code: String,
    pub name: String,
}

/// One session of an activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub activity_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Start in local time with offset.
    pub starts_at_local: String,
    /// scheduled | cancelled
    pub status: String,
    /// Edited on its own (moved, cancelled or annotated).
    pub is_override: bool,
    pub note: String,
    /// The organizer confirmed it will take place.
    pub confirmed: bool,
}

/// A taxonomy term.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterestView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name_it: String,
    pub name_en: String,
    pub deprecated: bool,
}

/// A new taxonomy term.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInterest {
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name_it: String,
    pub name_en: String,
}

/// Deprecate or restore a term.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Deprecation {
    pub deprecated: bool,
}

/// The city's areas.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreasView {
    /// Small areas (the 88 NIL in Milan), with their large area.
    pub areas: Vec<AreaView>,
    /// Large areas (the 9 Municipi in Milan).
    pub districts: Vec<AreaView>,
}

/// One area.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaView {
    pub code: String,
    pub name: String,
    pub district: Option<String>,
}

/// The view of one session.
pub fn session_view(s: &SessionRow, tz: &str) -> SessionView {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Europe::Rome);
    let starts = utc(s.starts_at);
    SessionView {
        id: s.id,
        activity_id: s.activity_id,
        starts_at: starts,
        ends_at: utc(s.ends_at),
        starts_at_local: starts.with_timezone(&tz).to_rfc3339(),
        status: s.status.clone(),
        is_override: s.is_override,
        note: s.note.clone(),
        confirmed: s.confirmed_at.is_some(),
    }
}

/// The view of an activity.
pub fn activity_view(
    state: &AppState,
    a: Activity,
    org: String,
    interests: Vec<i64>,
    sessions: &[SessionRow],
    reserved_seats: i32,
) -> ActivityView {
    let area = |kind: &str, code: &Option<String>| {
        code.as_ref().map(|c| AreaRef {
            code: c.clone(),
            name: state.areas.name(kind, c).unwrap_or(c).to_string(),
        })
    };
    ActivityView {
        id: a.id,
        organization_id: a.organization_id,
        organization: org,
        area: area("small", &a.nil_code),
        district: area("large", &a.municipio_code),
        starts_at: a
            .dtstart_local
            .format(crate::domain::schedule::LOCAL_FORMAT)
            .to_string(),
        exdates: split_tags(&a.exdates),
        languages: split_tags(&a.languages),
        accessibility: split_tags(&a.accessibility),
        low_barrier: split_tags(&a.low_barrier),
        audience: split_tags(&a.audience),
        practical: serde_json::from_str(&a.practical).unwrap_or_default(),
        sessions: sessions
            .iter()
            .filter(|s| s.deleted_at.is_none())
            .take(20)
            .map(|s| session_view(s, &a.timezone))
            .collect(),
        updated_at: utc(a.updated_at),
        interests,
        title: a.title,
        description: a.description,
        venue_name: a.venue_name,
        address: a.address,
        latitude: a.latitude,
        longitude: a.longitude,
        timezone: a.timezone,
        duration_minutes: a.duration_minutes,
        rrule: a.rrule,
        capacity: a.capacity,
        reserved_seats,
        cost_kind: a.cost_kind,
        cost_cents: a.cost_cents,
        cost_help: a.cost_help,
        wheelchair: a.wheelchair,
        contact_phone: a.contact_phone,
        contact_email: a.contact_email,
        status: a.status,
    }
}

/// Loads an activity for a viewer: public when published by an accredited organization;
/// members and admins see it in any state; anyone else gets 404.
pub async fn load_visible(
    state: &AppState,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> Result<ActivityView, AppError> {
    let viewer_id = viewer.map(|v| v.id());
    let admin = viewer.is_some_and(|v| v.user.is_admin);
    let (a, org, interests, sessions, reserved) = state
        .db
        .run(move |conn| {
            let a = adb::find_activity(conn, id)?
                .filter(|a| a.deleted_at.is_none())
                .ok_or(AppError::NotFound)?;
            let org = orgs::find_organization(conn, OrganizationId(a.organization_id))?
                .ok_or(AppError::NotFound)?;
            let member = match viewer_id {
                Some(u) => orgs::member_role(conn, OrganizationId(org.id), u)?.is_some(),
                None => false,
            };
            let public = org.status == Status::Accredited.as_str()
                && matches!(a.status.as_str(), "published" | "cancelled");
            if !public && !member && !admin {
                return Err(AppError::NotFound);
            }
            let interests = adb::interests_of(conn, &[id])?
                .into_iter()
                .map(|(_, i)| i)
                .collect();
            let sessions = adb::sessions_of(conn, id, crate::db::now())?;
            let reserved = crate::db::participation::reserved_seats(conn, id)?;
            Ok((a, org.name, interests, sessions, reserved))
        })
        .await?;
    Ok(activity_view(state, a, org, interests, &sessions, reserved))
}

/// Publishes an activity (or saves a draft) for an accredited organization the user belongs to.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/activities", tag = "activities", params(("id" = i64, Path)),
    request_body = CreateActivity,
    responses((status = 201, body = ActivityView), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_activity(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<CreateActivity>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let id = svc::create(
        &state,
        &user,
        OrganizationId(path.into_inner()),
        b.activity,
        b.publish,
    )
    .await?;
    let view = load_visible(&state, Some(&user), id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/activities/{id}")))
        .json(view))
}

/// An organization's activities: published ones for everyone, all for its members.
#[utoipa::path(get, path = "/api/v1/organizations/{id}/activities", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ActivityView>)))]
pub async fn list_org_activities(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = OrganizationId(path.into_inner());
    let ids: Vec<i64> = state
        .db
        .run(move |conn| {
            Ok(adb::activities_of_org(conn, org.0)?
                .into_iter()
                .map(|a| a.id)
                .collect())
        })
        .await?;
    let mut out = Vec::new();
    for id in ids {
        match load_visible(&state, user.0.as_ref(), id).await {
            Ok(v) => out.push(v),
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(HttpResponse::Ok().json(out))
}

/// One activity with its next sessions.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = ActivityView), (status = 404, body = super::ErrorBody)))]
pub async fn get_activity(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(load_visible(&state, user.0.as_ref(), path.into_inner()).await?))
}

/// Replaces an activity's details and schedule; its future sessions follow.
#[utoipa::path(put, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)),
    request_body = ActivityDraft,
    responses((status = 200, body = ActivityView), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn update_activity(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<ActivityDraft>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    svc::update(&state, &user, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(load_visible(&state, Some(&user), id).await?))
}

/// Publishes, pauses, resumes or cancels an activity.
#[utoipa::path(post, path = "/api/v1/activities/{id}/status", tag = "activities", params(("id" = i64, Path)),
    request_body = StatusChange,
    responses((status = 200, body = ActivityView), (status = 422, body = super::ErrorBody)))]
pub async fn change_status(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<StatusChange>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    svc::set_status(&state, &user, id, &body.status).await?;
    Ok(HttpResponse::Ok().json(load_visible(&state, Some(&user), id).await?))
}

/// How far ahead to confirm.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Confirmation {
    /// Days from now (1–120, default 31).
    #[serde(default = "month")]
    pub days: i64,
}

fn month() -> i64 {
    31
}

/// Confirmed sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Confirmed {
    /// Sessions newly confirmed.
    pub confirmed: usize,
}

/// The organizer confirms that the coming sessions will take place (month by month for
/// recurring series; unconfirmed sessions are flagged in discovery).
#[utoipa::path(post, path = "/api/v1/activities/{id}/confirmation", tag = "activities", params(("id" = i64, Path)),
    request_body = Confirmation, responses((status = 200, body = Confirmed), (status = 403, body = super::ErrorBody)))]
pub async fn confirm_sessions(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<Confirmation>,
) -> Result<HttpResponse, AppError> {
    let n = svc::confirm_upcoming(&state, &user, path.into_inner(), body.days).await?;
    Ok(HttpResponse::Ok().json(Confirmed { confirmed: n }))
}

/// Moves, cancels or annotates one session without touching the series.
#[utoipa::path(patch, path = "/api/v1/sessions/{id}", tag = "activities", params(("id" = i64, Path)),
    request_body = SessionEdit,
    responses((status = 200, body = SessionView), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn edit_session(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: web::Json<SessionEdit>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    svc::edit_session(&state, &user, id, body.into_inner()).await?;
    let (s, tz) = state
        .db
        .run(move |conn| {
            let s = adb::find_session(conn, id)?.ok_or(AppError::NotFound)?;
            let a = adb::find_activity(conn, s.activity_id)?.ok_or(AppError::NotFound)?;
            Ok((s, a.timezone))
        })
        .await?;
    Ok(HttpResponse::Ok().json(session_view(&s, &tz)))
}

/// Upcoming sessions near a point or in an area, with filters, sorted by time or distance,
/// paged with `cursor`. No account needed.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "discovery", params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 422, body = super::ErrorBody)))]
pub async fn search_sessions(
    state: web::Data<AppState>,
    q: MultiQuery<SearchParams>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(discovery::search(&state, &q.0).await?))
}

/// One session with its activity.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "discovery", params(("id" = i64, Path)),
    responses((status = 200, body = ActivityView), (status = 404, body = super::ErrorBody)))]
pub async fn get_session(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let s = state
        .db
        .run(move |conn| {
            adb::find_session(conn, id)?
                .filter(|s| s.deleted_at.is_none())
                .ok_or(AppError::NotFound)
        })
        .await?;
    let mut view = load_visible(&state, user.0.as_ref(), s.activity_id).await?;
    let tz = view.timezone.clone();
    view.sessions = vec![session_view(&s, &tz)];
    Ok(HttpResponse::Ok().json(view))
}

/// The interest taxonomy (two levels; deprecated terms are marked, never removed).
#[utoipa::path(get, path = "/api/v1/interests", tag = "discovery", responses((status = 200, body = Vec<InterestView>)))]
pub async fn list_interests(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let list: Vec<InterestView> = svc::interests(&state)
        .await?
        .into_iter()
        .map(|i| InterestView {
            id: i.id,
            parent_id: i.parent_id,
            slug: i.slug,
            name_it: i.name_it,
            name_en: i.name_en,
            deprecated: i.deprecated_at.is_some(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a term to the taxonomy (admins).
#[utoipa::path(post, path = "/api/v1/admin/interests", tag = "admin", request_body = NewInterest,
    responses((status = 201, body = InterestView), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn add_interest(
    state: web::Data<AppState>,
    admin: Admin,
    body: web::Json<NewInterest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let id = svc::add_interest(
        &state,
        &admin.0,
        b.parent_id,
        &b.slug,
        &b.name_it,
        &b.name_en,
    )
    .await?;
    let i = svc::interests(&state)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Created().json(InterestView {
        id: i.id,
        parent_id: i.parent_id,
        slug: i.slug,
        name_it: i.name_it,
        name_en: i.name_en,
        deprecated: false,
    }))
}

/// Deprecates or restores a term (admins). Terms in use are never deleted.
#[utoipa::path(post, path = "/api/v1/admin/interests/{id}/deprecation", tag = "admin", params(("id" = i64, Path)),
    request_body = Deprecation, responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn deprecate_interest(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    body: web::Json<Deprecation>,
) -> Result<HttpResponse, AppError> {
    svc::deprecate_interest(&state, &admin.0, path.into_inner(), body.deprecated).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The city's areas (small areas with their district, and the districts).
#[utoipa::path(get, path = "/api/v1/areas", tag = "discovery", responses((status = 200, body = AreasView)))]
pub async fn list_areas(state: web::Data<AppState>) -> HttpResponse {
    let view = AreasView {
        areas: state
            .areas
            .list("small")
            .into_iter()
            .map(|a| AreaView {
                code: a.code.clone(),
                name: a.name.clone(),
                district: a.parent_code.clone(),
            })
            .collect(),
        districts: state
            .areas
            .list("large")
            .into_iter()
            .map(|a| AreaView {
                code: a.code.clone(),
                name: a.name.clone(),
                district: None,
            })
            .collect(),
    };
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .json(view)
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/organizations/{id}/activities",
        web::post().to(create_activity),
    )
    .route(
        "/organizations/{id}/activities",
        web::get().to(list_org_activities),
    )
    .route("/activities/{id}", web::get().to(get_activity))
    .route("/activities/{id}", web::put().to(update_activity))
    .route("/activities/{id}/status", web::post().to(change_status))
    .route(
        "/activities/{id}/confirmation",
        web::post().to(confirm_sessions),
    )
    .route("/sessions", web::get().to(search_sessions))
    .route("/sessions/{id}", web::get().to(get_session))
    .route("/sessions/{id}", web::patch().to(edit_session))
    .route("/interests", web::get().to(list_interests))
    .route("/admin/interests", web::post().to(add_interest))
    .route(
        "/admin/interests/{id}/deprecation",
        web::post().to(deprecate_interest),
    )
    .route("/areas", web::get().to(list_areas));
}
