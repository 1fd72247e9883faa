//! `/api/v1/admin/*`: accreditation of organizations and linkers, account suspension.

use super::me::utc;
use super::organizations::{detail_view, OrganizationView};
use crate::auth::{flows, Admin};
use crate::db::accounts;
use crate::db::orgs;
use crate::db::{OrganizationId, UserId};
use crate::domain::organizations::Status;
use crate::error::AppError;
use crate::services::organizations as svc;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filter by status.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StatusFilter {
    /// pending | accredited | suspended | rejected (all when absent)
    pub status: Option<String>,
}

/// An admin's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// accredit | reject | suspend | reinstate
    pub decision: String,
    /// Required to reject or suspend; the subject reads it.
    #[serde(default)]
    pub reason: String,
}

/// Suspend or reinstate an account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SuspensionRequest {
    pub suspended: bool,
    #[serde(default)]
    pub reason: String,
}

/// A linker and their accreditation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkerView {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub status: String,
    pub motivation: String,
    pub requested_at: DateTime<Utc>,
}

fn status_filter(f: &StatusFilter) -> Result<Option<&'static str>, AppError> {
    match f.status.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => Status::parse(s)
            .map(|s| Some(s.as_str()))
            .ok_or_else(|| AppError::field("status", "err-status-unknown")),
    }
}

/// Organizations by status, for accreditation.
#[utoipa::path(get, path = "/api/v1/admin/organizations", tag = "admin", params(StatusFilter),
    responses((status = 200, body = Vec<OrganizationView>), (status = 403, body = super::ErrorBody)))]
pub async fn list_organizations_admin(
    state: web::Data<AppState>,
    _admin: Admin,
    q: web::Query<StatusFilter>,
) -> Result<HttpResponse, AppError> {
    let status = status_filter(&q)?;
    let list = state
        .db
        .run(move |conn| Ok(orgs::list_organizations(conn, status)?))
        .await?;
    let views: Vec<OrganizationView> = list
        .into_iter()
        .map(super::organizations::public_view)
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Accredits, rejects, suspends or reinstates an organization. Recorded with who and when.
#[utoipa::path(post, path = "/api/v1/admin/organizations/{id}/decision", tag = "admin", params(("id" = i64, Path)),
    request_body = DecisionRequest,
    responses((status = 200, body = OrganizationView), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn decide_organization(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    body: web::Json<DecisionRequest>,
) -> Result<HttpResponse, AppError> {
    let id = OrganizationId(path.into_inner());
    svc::decide_organization(&state, &admin.0, id, &body.decision, &body.reason).await?;
    let d = svc::detail(&state, Some(&admin.0), id).await?;
    Ok(HttpResponse::Ok().json(detail_view(d)))
}

/// Linkers by status, for accreditation.
#[utoipa::path(get, path = "/api/v1/admin/linkers", tag = "admin", params(StatusFilter),
    responses((status = 200, body = Vec<LinkerView>), (status = 403, body = super::ErrorBody)))]
pub async fn list_linkers(
    state: web::Data<AppState>,
    _admin: Admin,
    q: web::Query<StatusFilter>,
) -> Result<HttpResponse, AppError> {
    let status = status_filter(&q)?;
    let rows = state
        .db
        .run(move |conn| Ok(accounts::list_linkers(conn, status)?))
        .await?;
    let views: Vec<LinkerView> = rows
        .into_iter()
        .map(|(p, u)| LinkerView {
            user_id: u.id,
            display_name: u.display_name,
            email: u.email,
            status: p.status,
            motivation: p.motivation,
            requested_at: utc(p.requested_at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Accredits, rejects, suspends or reinstates a linker.
#[utoipa::path(post, path = "/api/v1/admin/linkers/{user_id}/decision", tag = "admin", params(("user_id" = i64, Path)),
    request_body = DecisionRequest,
    responses((status = 200, body = LinkerView), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn decide_linker(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    body: web::Json<DecisionRequest>,
) -> Result<HttpResponse, AppError> {
    let uid = UserId(path.into_inner());
    let p = svc::decide_linker(&state, &admin.0, uid, &body.decision, &body.reason).await?;
    let u = state
        .db
        .run(move |conn| accounts::find_user(conn, uid)?.ok_or(AppError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(LinkerView {
        user_id: u.id,
        display_name: u.display_name,
        email: u.email,
        status: p.status,
        motivation: p.motivation,
        requested_at: utc(p.requested_at),
    }))
}

/// Suspends an account (ending all its sessions at once) or reinstates it.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/suspension", tag = "admin", params(("id" = i64, Path)),
    request_body = SuspensionRequest,
    responses((status = 204), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn suspend_user(
    state: web::Data<AppState>,
    admin: Admin,
    path: web::Path<i64>,
    body: web::Json<SuspensionRequest>,
) -> Result<HttpResponse, AppError> {
    let reason = crate::domain::validation::optional_text(&body.reason, 1000)
        .map_err(|m| AppError::field("reason", m))?;
    if body.suspended && reason.is_empty() {
        return Err(AppError::field("reason", "err-reason-required"));
    }
    flows::set_user_suspended(
        &state,
        &admin.0,
        UserId(path.into_inner()),
        body.suspended,
        &reason,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/admin/organizations",
        web::get().to(list_organizations_admin),
    )
    .route(
        "/admin/organizations/{id}/decision",
        web::post().to(decide_organization),
    )
    .route("/admin/linkers", web::get().to(list_linkers))
    .route(
        "/admin/linkers/{user_id}/decision",
        web::post().to(decide_linker),
    )
    .route("/admin/users/{id}/suspension", web::post().to(suspend_user));
}
