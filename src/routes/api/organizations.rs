//! `/api/v1/organizations*` and `/api/v1/invitations/accept`.

use super::me::utc;
use crate::auth::{CurrentUser, MaybeUser};
use crate::db::orgs::Organization;
use crate::db::OrganizationId;
use crate::domain::organizations::OrganizationForm;
use crate::error::AppError;
use crate::services::organizations::{self as svc, OrgDetail};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An organization to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganizationRequest {
    pub name: String,
    /// association | library | sports_club | parish | school | care_home | social_cooperative | informal_group | public_service
    pub kind: String,
    #[serde(default)]
    pub description: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
}

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub phone: String,
    pub email: String,
    pub website: String,
    /// pending | accredited | suspended | rejected
    pub status: String,
    /// The viewer's role (owner | staff), if a member.
    pub my_role: Option<String>,
    /// Members and admins only.
    pub members: Vec<MemberView>,
    /// Members and admins only: who decided what, when.
    pub decisions: Vec<DecisionView>,
}

/// A member of an organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: i64,
    pub display_name: String,
    pub role: String,
}

/// An accreditation decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub decision: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// An invitation to join as staff.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InvitationRequest {
    pub email: String,
}

/// The token from an invitation mail.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AcceptInvitation {
    pub token: String,
}

/// The public view of an organization.
pub fn public_view(o: Organization) -> OrganizationView {
    OrganizationView {
        id: o.id,
        name: o.name,
        kind: o.kind,
        description: o.description,
        address: o.address,
        latitude: o.latitude,
        longitude: o.longitude,
        phone: o.phone,
        email: o.email,
        website: o.website,
        status: o.status,
        my_role: None,
        members: Vec::new(),
        decisions: Vec::new(),
    }
}

/// The view of an organization for someone entitled to its details.
pub fn detail_view(d: OrgDetail) -> OrganizationView {
    let mut v = public_view(d.org);
    v.my_role = d.my_role;
    v.members = d
        .members
        .into_iter()
        .map(|(user_id, display_name, _, role)| MemberView {
            user_id,
            display_name,
            role,
        })
        .collect();
    v.decisions = d
        .decisions
        .into_iter()
        .map(|(dec, by)| DecisionView {
            decision: dec.decision,
            reason: dec.reason,
            decided_by: by,
            decided_at: utc(dec.decided_at),
        })
        .collect();
    v
}

/// Registers an organization; it is pending until an admin accredits it.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", request_body = OrganizationRequest,
    responses((status = 201, body = OrganizationView), (status = 422, body = super::ErrorBody), (status = 401, body = super::ErrorBody)))]
pub async fn create_organization(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<OrganizationRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let form = OrganizationForm {
        name: b.name,
        kind: b.kind,
        description: b.description,
        address: b.address,
        latitude: b.latitude.to_string(),
        longitude: b.longitude.to_string(),
        phone: b.phone,
        email: b.email,
        website: b.website,
    };
    let id = svc::register(&state, &user, form).await?;
    let d = svc::detail(&state, Some(&user), id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{id}")))
        .json(detail_view(d)))
}

/// Accredited organizations.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations", responses((status = 200, body = Vec<OrganizationView>)))]
pub async fn list_organizations(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let list: Vec<OrganizationView> = svc::list_public(&state)
        .await?
        .into_iter()
        .map(public_view)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// One organization: public when accredited; members and admins see it in any state.
#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "organizations", params(("id" = i64, Path)),
    responses((status = 200, body = OrganizationView), (status = 404, body = super::ErrorBody)))]
pub async fn get_organization(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let d = svc::detail(&state, user.0.as_ref(), OrganizationId(path.into_inner())).await?;
    Ok(HttpResponse::Ok().json(detail_view(d)))
}

/// Invites someone by e-mail to join as staff (owners only).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/invitations", tag = "organizations", params(("id" = i64, Path)),
    request_body = InvitationRequest,
    responses((status = 201, body = super::Message), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn invite_member(
    state: web::Data<AppState>,
    user: CurrentUser,
    lang: crate::i18n::Lang,
    path: web::Path<i64>,
    body: web::Json<InvitationRequest>,
) -> Result<HttpResponse, AppError> {
    svc::invite(
        &state,
        &user,
        OrganizationId(path.into_inner()),
        &body.email,
    )
    .await?;
    Ok(HttpResponse::Created().json(super::Message {
        message: lang.t("invite-sent"),
    }))
}

/// Accepts an invitation (the signed-in user's e-mail must be the invited one).
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "organizations", request_body = AcceptInvitation,
    responses((status = 200, body = OrganizationView), (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<AcceptInvitation>,
) -> Result<HttpResponse, AppError> {
    let id = svc::accept_invitation(&state, &user, &body.token).await?;
    let d = svc::detail(&state, Some(&user), id).await?;
    Ok(HttpResponse::Ok().json(detail_view(d)))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/organizations", web::post().to(create_organization))
        .route("/organizations", web::get().to(list_organizations))
        .route("/organizations/{id}", web::get().to(get_organization))
        .route(
            "/organizations/{id}/invitations",
            web::post().to(invite_member),
        )
        .route("/invitations/accept", web::post().to(accept_invitation));
}
