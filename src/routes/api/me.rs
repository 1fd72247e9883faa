//! `/api/v1/me*`: the signed-in user, their sessions, password and linker request.

use crate::auth::{flows, CurrentUser};
use crate::db::accounts::{self, User};
use crate::db::orgs;
use crate::db::SessionId;
use crate::domain::validation::display_name;
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::services::organizations as org_service;
use crate::state::AppState;
use crate::web::{site_cookie, user_agent, LANG_COOKIE};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The signed-in user and their roles.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub email_verified: bool,
    pub is_admin: bool,
    /// pending | accredited | suspended | rejected, or null if never asked.
    pub linker_status: Option<String>,
    pub organizations: Vec<Membership>,
}

/// An organization the user belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Membership {
    pub id: i64,
    pub name: String,
    /// owner | staff
    pub role: String,
    /// The organization's accreditation status.
    pub status: String,
}

/// One of the user's sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: String,
    /// The session this request uses.
    pub current: bool,
}

/// Changes to the profile.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateMe {
    pub display_name: Option<String>,
    /// it | en
    pub locale: Option<String>,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// A request to be accredited as a linker.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkerRequest {
    /// Who you are and whom you accompany (optional, up to 2000 characters).
    #[serde(default)]
    pub motivation: String,
}

/// Linker status.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkerStatus {
    pub status: String,
}

/// UTC at the edge.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// The `MeResponse` for a user.
pub async fn load_me(state: &AppState, user: &User) -> Result<MeResponse, AppError> {
    let uid = user.uid();
    let (linker, memberships) = state
        .db
        .run(move |conn| {
            Ok((
                accounts::find_linker(conn, uid)?,
                orgs::memberships(conn, uid)?,
            ))
        })
        .await?;
    Ok(MeResponse {
        id: user.id,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        locale: user.locale.clone(),
        email_verified: user.email_verified_at.is_some(),
        is_admin: user.is_admin,
        linker_status: linker.map(|l| l.status),
        organizations: memberships
            .into_iter()
            .map(|(o, role)| Membership {
                id: o.id,
                name: o.name,
                role,
                status: o.status,
            })
            .collect(),
    })
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", responses((status = 200, body = MeResponse), (status = 401, body = super::ErrorBody)))]
pub async fn get_me(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(load_me(&state, &user.user).await?))
}

/// Changes the display name or the language.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = UpdateMe,
    responses((status = 200, body = MeResponse), (status = 422, body = super::ErrorBody)))]
pub async fn update_me(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<UpdateMe>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let mut errors = FieldErrors::new();
    let name = match b.display_name.as_deref().map(display_name) {
        Some(Ok(n)) => Some(n),
        Some(Err(m)) => {
            errors.insert("display_name".into(), m.into());
            None
        }
        None => None,
    };
    let locale = match b.locale.as_deref() {
        Some(l) => match Lang::from_code(l) {
            Some(l) => Some(l.code().to_string()),
            None => {
                errors.insert("locale".into(), "err-locale".into());
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let uid = user.id();
    let updated = state
        .db
        .run(move |conn| {
            if let Some(l) = &locale {
                accounts::set_locale(conn, uid, l)?;
            }
            if let Some(n) = &name {
                accounts::set_display_name(conn, uid, n)?;
            }
            accounts::find_user(conn, uid)?.ok_or(AppError::NotFound)
        })
        .await?;
    state.sessions.user_changed(uid).await;
    let me = load_me(&state, &updated).await?;
    Ok(HttpResponse::Ok()
        .cookie(site_cookie(&state, LANG_COOKIE, updated.locale.clone()))
        .json(me))
}

/// The user's sessions (browsers and devices signed in).
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "me", responses((status = 200, body = Vec<SessionView>)))]
pub async fn list_sessions(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(session_views(&state, &user).await?))
}

/// The sessions as shown to their owner.
pub async fn session_views(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<SessionView>, AppError> {
    let uid = user.id();
    let current = user.session.id;
    let rows = state
        .db
        .run(move |conn| Ok(accounts::list_sessions(conn, uid)?))
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionView {
            id: s.id,
            created_at: utc(s.created_at),
            last_seen_at: utc(s.last_seen_at),
            expires_at: utc(s.expires_at),
            user_agent: s.user_agent,
            current: s.id == current,
        })
        .collect())
}

/// Ends one of the user's sessions (404 if it is not theirs).
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "me", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::ErrorBody)))]
pub async fn end_session(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let n = state
        .sessions
        .end(user.id(), Some(SessionId(path.into_inner())), None)
        .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session but this one.
#[utoipa::path(post, path = "/api/v1/me/sessions/end-others", tag = "me", responses((status = 204)))]
pub async fn end_other_sessions(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    state
        .sessions
        .end(user.id(), None, Some(user.session_id()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the password: every session ends and this client gets a new one.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", request_body = ChangePassword,
    responses((status = 200, body = super::Message), (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    user: CurrentUser,
    body: web::Json<ChangePassword>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let token = flows::change_password(
        &state,
        &user,
        SecretString::from(b.current_password),
        SecretString::from(b.new_password),
        &user_agent(&req),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .cookie(site_cookie(&state, state.session_cookie(), token))
        .json(super::Message {
            message: lang.t("password-changed"),
        }))
}

/// Asks the city's welfare office to accredit the user as a linker.
#[utoipa::path(post, path = "/api/v1/me/linker-request", tag = "me", request_body = LinkerRequest,
    responses((status = 201, body = LinkerStatus), (status = 409, body = super::ErrorBody)))]
pub async fn request_linker(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<LinkerRequest>,
) -> Result<HttpResponse, AppError> {
    org_service::request_linker(&state, &user, &body.motivation).await?;
    Ok(HttpResponse::Created().json(LinkerStatus {
        status: "pending".into(),
    }))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(get_me))
        .route("/me", web::patch().to(update_me))
        .route("/me/sessions", web::get().to(list_sessions))
        .route(
            "/me/sessions/end-others",
            web::post().to(end_other_sessions),
        )
        .route("/me/sessions/{id}", web::delete().to(end_session))
        .route("/me/password", web::post().to(change_password))
        .route("/me/linker-request", web::post().to(request_linker));
}
