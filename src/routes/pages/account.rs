//! The account page: profile, roles, sessions, password change, linker request.

use super::{form_errors, FormErrors};
use crate::auth::{flows, CurrentUser};
use crate::db::SessionId;
use crate::error::AppError;
use crate::routes::api::me::{load_me, session_views, MeResponse, SessionView};
use crate::services::organizations as svc;
use crate::state::AppState;
use crate::web::{page, page_with_status, see_other, site_cookie, user_agent, CsrfForm, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    p: PageCtx,
    me: MeResponse,
    sessions: Vec<SessionView>,
    password_errors: FormErrors,
    linker_errors: FormErrors,
    notice: Option<String>,
}

impl AccountPage {
    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::routes::pages::format_time(t, self.p.lang)
    }
}

#[derive(Deserialize)]
struct AccountQuery {
    done: Option<String>,
}

async fn build(
    state: &AppState,
    p: PageCtx,
    user: &CurrentUser,
    password_errors: FormErrors,
    linker_errors: FormErrors,
    notice: Option<String>,
) -> Result<AccountPage, AppError> {
    let me = load_me(state, &user.user).await?;
    let sessions = session_views(state, user).await?;
    Ok(AccountPage {
        p: p.titled("account-title"),
        me,
        sessions,
        password_errors,
        linker_errors,
        notice,
    })
}

async fn show_account(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    q: web::Query<AccountQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = q.done.as_deref().and_then(|d| match d {
        "password" => Some(p.t("password-changed")),
        "sessions" => Some(p.t("sessions-ended")),
        "linker" => Some(p.t("linker-requested")),
        _ => None,
    });
    page(
        &build(
            &state,
            p,
            &user,
            FormErrors::new(),
            FormErrors::new(),
            notice,
        )
        .await?,
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    user: CurrentUser,
    form: CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    match flows::change_password(
        &state,
        &user,
        SecretString::from(f.current_password),
        SecretString::from(f.new_password),
        &user_agent(&req),
    )
    .await
    {
        Ok(token) => {
            let mut res = see_other("/account?done=password");
            res.add_cookie(&site_cookie(&state, state.session_cookie(), token))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(res)
        }
        Err(e) => {
            let errors = form_errors(e, p.lang)?;
            page_with_status(
                &build(&state, p, &user, errors, FormErrors::new(), None).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

async fn end_session(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    let n = state
        .sessions
        .end(user.id(), Some(SessionId(path.into_inner())), None)
        .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/account?done=sessions"))
}

async fn end_other_sessions(
    state: web::Data<AppState>,
    user: CurrentUser,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    state
        .sessions
        .end(user.id(), None, Some(user.session_id()))
        .await?;
    Ok(see_other("/account?done=sessions"))
}

#[derive(Deserialize)]
struct LinkerForm {
    #[serde(default)]
    motivation: String,
}

async fn request_linker(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    form: CsrfForm<LinkerForm>,
) -> Result<HttpResponse, AppError> {
    match svc::request_linker(&state, &user, &form.0.motivation).await {
        Ok(()) => Ok(see_other("/account?done=linker")),
        Err(e) => {
            let errors = form_errors(e, p.lang)?;
            page_with_status(
                &build(&state, p, &user, FormErrors::new(), errors, None).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account", web::get().to(show_account))
        .route("/account/password", web::post().to(change_password))
        .route(
            "/account/sessions/end-others",
            web::post().to(end_other_sessions),
        )
        .route("/account/sessions/{id}/end", web::post().to(end_session))
        .route("/account/linker", web::post().to(request_linker));
}
