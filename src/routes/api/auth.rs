//! `/api/v1/auth/*`: the account flows over JSON.

use super::Message;
use crate::auth::flows::{self, SignupInput};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::{client_ip, removal_cookie, site_cookie, user_agent};
use actix_web::{web, HttpRequest, HttpResponse};
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::ToSchema;

/// Sign-up details.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignupRequest {
    pub email: String,
    /// 8–128 characters, not a common password.
    pub password: String,
    pub display_name: String,
}

/// A token from a mailed link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub token: String,
}

/// An e-mail address.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EmailRequest {
    pub email: String,
}

/// Sign-in details.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SigninRequest {
    pub email: String,
    pub password: String,
}

/// A new password from a reset link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetRequest {
    pub token: String,
    pub password: String,
}

fn msg(lang: Lang, key: &str) -> Message {
    Message {
        message: lang.t(key),
    }
}

/// Creates an account and mails a verification link. The answer is the same whether or not
/// the address already has an account.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupRequest,
    responses((status = 202, body = Message), (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    body: web::Json<SignupRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    flows::signup(
        &state,
        SignupInput {
            email: b.email,
            password: SecretString::from(b.password),
            display_name: b.display_name,
        },
        &client_ip(&req),
        lang,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(msg(lang, "signup-sent")))
}

/// Confirms the e-mail address with the token from the verification mail (single use).
#[utoipa::path(post, path = "/api/v1/auth/verify", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = Message), (status = 400, body = super::ErrorBody)))]
pub async fn verify(
    state: web::Data<AppState>,
    lang: Lang,
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    flows::verify_email(&state, &body.token).await?;
    Ok(HttpResponse::Ok().json(msg(lang, "verify-done")))
}

/// Sends a new verification link (same answer for unknown addresses).
#[utoipa::path(post, path = "/api/v1/auth/verification-mail", tag = "auth", request_body = EmailRequest,
    responses((status = 202, body = Message), (status = 429, body = super::ErrorBody)))]
pub async fn resend_verification(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    body: web::Json<EmailRequest>,
) -> Result<HttpResponse, AppError> {
    flows::resend_verification(&state, &body.email, &client_ip(&req)).await?;
    Ok(HttpResponse::Accepted().json(msg(lang, "resend-sent")))
}

/// Signs in and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/signin", tag = "auth", request_body = SigninRequest,
    responses((status = 200, body = super::me::MeResponse), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn signin(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SigninRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let (user, token) = flows::signin(
        &state,
        &b.email,
        SecretString::from(b.password),
        &client_ip(&req),
        &user_agent(&req),
    )
    .await?;
    let me = super::me::load_me(&state, &user).await?;
    Ok(HttpResponse::Ok()
        .cookie(site_cookie(&state, state.session_cookie(), token))
        .cookie(site_cookie(
            &state,
            crate::web::LANG_COOKIE,
            user.locale.clone(),
        ))
        .json(me))
}

/// Signs out: ends every session of this user.
#[utoipa::path(post, path = "/api/v1/auth/signout", tag = "auth", responses((status = 204), (status = 401, body = super::ErrorBody)))]
pub async fn signout(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    flows::end_all_sessions(&state, user.id()).await?;
    Ok(HttpResponse::NoContent()
        .cookie(removal_cookie(&state, state.session_cookie()))
        .finish())
}

/// Mails a password reset link if the address has an account (same answer either way).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = EmailRequest,
    responses((status = 202, body = Message), (status = 429, body = super::ErrorBody)))]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    body: web::Json<EmailRequest>,
) -> Result<HttpResponse, AppError> {
    flows::request_reset(&state, &body.email, &client_ip(&req)).await?;
    Ok(HttpResponse::Accepted().json(msg(lang, "reset-sent")))
}

/// Sets a new password with the token from the reset mail; ends every session.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = ResetRequest,
    responses((status = 200, body = Message), (status = 400, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn confirm_reset(
    state: web::Data<AppState>,
    lang: Lang,
    body: web::Json<ResetRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    flows::reset_password(&state, &b.token, SecretString::from(b.password)).await?;
    Ok(HttpResponse::Ok().json(msg(lang, "reset-done")))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/signup", web::post().to(signup))
        .route("/auth/verify", web::post().to(verify))
        .route(
            "/auth/verification-mail",
            web::post().to(resend_verification),
        )
        .route("/auth/signin", web::post().to(signin))
        .route("/auth/signout", web::post().to(signout))
        .route("/auth/password-reset", web::post().to(request_reset))
        .route(
            "/auth/password-reset/confirm",
            web::post().to(confirm_reset),
        );
}
