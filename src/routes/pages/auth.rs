//! Sign-up, sign-in, e-mail verification, password reset, sign-out pages.

use super::{form_errors, FormErrors};
use crate::auth::flows::{self, SignupInput};
use crate::auth::MaybeUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{
    client_ip, page, page_with_status, removal_cookie, safe_next, see_other, site_cookie,
    user_agent, CsrfForm, PageCtx, LANG_COOKIE,
};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignupPage {
    p: PageCtx,
    email: String,
    display_name: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "auth/message.html")]
struct MessagePage {
    p: PageCtx,
    heading: String,
    body: String,
    link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "auth/signin.html")]
struct SigninPage {
    p: PageCtx,
    email: String,
    next: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/token_form.html")]
struct TokenFormPage {
    p: PageCtx,
    heading: String,
    intro: String,
    action: &'static str,
    token: String,
    button: String,
    with_password: bool,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    p: PageCtx,
    email: String,
    errors: FormErrors,
}

fn message(p: PageCtx, title: &str, body: &str, link: Option<(&str, &str)>) -> MessagePage {
    let heading = p.t(title);
    let body = p.t(body);
    let link = link.map(|(href, label)| (href.to_string(), p.t(label)));
    let mut p = p;
    p.title = heading.clone();
    MessagePage {
        p,
        heading,
        body,
        link,
    }
}

async fn show_signup(p: PageCtx, user: MaybeUser) -> Result<HttpResponse, AppError> {
    if user.0.is_some() {
        return Ok(see_other("/account"));
    }
    page(&SignupPage {
        p: p.titled("signup-title"),
        email: String::new(),
        display_name: String::new(),
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
struct SignupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

async fn submit_signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    form: CsrfForm<SignupForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let input = SignupInput {
        email: f.email.clone(),
        password: SecretString::from(f.password),
        display_name: f.display_name.clone(),
    };
    match flows::signup(&state, input, &client_ip(&req), p.lang).await {
        Ok(()) => Ok(see_other("/signup/sent")),
        Err(e) => {
            let errors = form_errors(e, p.lang)?;
            page_with_status(
                &SignupPage {
                    p: p.titled("signup-title"),
                    email: f.email,
                    display_name: f.display_name,
                    errors,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

async fn signup_sent(p: PageCtx) -> Result<HttpResponse, AppError> {
    page(&message(p, "signup-sent-title", "signup-sent", None))
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn show_verify(p: PageCtx, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let heading = p.t("verify-title");
    let intro = p.t("verify-intro");
    let button = p.t("verify-button");
    page(&TokenFormPage {
        p: p.titled("verify-title"),
        heading,
        intro,
        action: "/verify",
        token: q.into_inner().token,
        button,
        with_password: false,
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn submit_verify(
    state: web::Data<AppState>,
    form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    flows::verify_email(&state, &form.0.token).await?;
    Ok(see_other("/signin?verified=1"))
}

#[derive(Deserialize)]
struct SigninQuery {
    next: Option<String>,
    verified: Option<String>,
    reset: Option<String>,
}

async fn show_signin(
    p: PageCtx,
    user: MaybeUser,
    q: web::Query<SigninQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(q.next.as_deref());
    if user.0.is_some() {
        return Ok(see_other(if next == "/" { "/account" } else { &next }));
    }
    let notice = if q.verified.is_some() {
        Some(p.t("verify-done"))
    } else if q.reset.is_some() {
        Some(p.t("reset-done"))
    } else {
        None
    };
    page(&SigninPage {
        p: p.titled("signin-title"),
        email: String::new(),
        next,
        notice,
        error: None,
    })
}

#[derive(Deserialize)]
struct SigninForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn submit_signin(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    form: CsrfForm<SigninForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let next = safe_next(f.next.as_deref());
    match flows::signin(
        &state,
        &f.email,
        SecretString::from(f.password),
        &client_ip(&req),
        &user_agent(&req),
    )
    .await
    {
        Ok((user, token)) => {
            let target = if next == "/" {
                "/account".to_string()
            } else {
                next
            };
            let mut res = see_other(&target);
            res.add_cookie(&site_cookie(&state, state.session_cookie(), token))
                .and_then(|_| {
                    res.add_cookie(&site_cookie(&state, LANG_COOKIE, user.locale.clone()))
                })
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(res)
        }
        Err(e @ (AppError::BadCredentials | AppError::Forbidden(_))) => {
            let info = e.info();
            let error = Some(p.t(info.message_id));
            page_with_status(
                &SigninPage {
                    p: p.titled("signin-title"),
                    email: f.email,
                    next,
                    notice: None,
                    error,
                },
                info.status,
            )
        }
        Err(e) => Err(e),
    }
}

async fn submit_signout(
    state: web::Data<AppState>,
    user: MaybeUser,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    if let Some(u) = user.0 {
        flows::end_all_sessions(&state, u.id()).await?;
    }
    let mut res = see_other("/");
    res.add_cookie(&removal_cookie(&state, state.session_cookie()))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    Ok(res)
}

async fn show_forgot(p: PageCtx) -> Result<HttpResponse, AppError> {
    page(&ForgotPage {
        p: p.titled("forgot-title"),
        email: String::new(),
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn submit_forgot(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    form: CsrfForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    match flows::request_reset(&state, &f.email, &client_ip(&req)).await {
        Ok(()) => Ok(see_other("/forgot/sent")),
        Err(e) => {
            let errors = form_errors(e, p.lang)?;
            page_with_status(
                &ForgotPage {
                    p: p.titled("forgot-title"),
                    email: f.email,
                    errors,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

async fn forgot_sent(p: PageCtx) -> Result<HttpResponse, AppError> {
    page(&message(
        p,
        "forgot-sent-title",
        "reset-sent",
        Some(("/signin", "signin-title")),
    ))
}

async fn show_reset(
    state: web::Data<AppState>,
    p: PageCtx,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().token;
    if !flows::reset_link_is_valid(&state, &token).await? {
        return page_with_status(
            &message(
                p,
                "link-invalid-title",
                "err-link-invalid",
                Some(("/forgot", "forgot-title")),
            ),
            StatusCode::BAD_REQUEST,
        );
    }
    page(&reset_page(p, token, FormErrors::new()))
}

fn reset_page(p: PageCtx, token: String, errors: FormErrors) -> TokenFormPage {
    let heading = p.t("reset-title");
    let intro = p.t("reset-intro");
    let button = p.t("reset-button");
    TokenFormPage {
        p: p.titled("reset-title"),
        heading,
        intro,
        action: "/reset",
        token,
        button,
        with_password: true,
        errors,
    }
}

async fn submit_reset(
    state: web::Data<AppState>,
    p: PageCtx,
    form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    match flows::reset_password(&state, &f.token, SecretString::from(f.password)).await {
        Ok(()) => {
            let mut res = see_other("/signin?reset=1");
            res.add_cookie(&removal_cookie(&state, state.session_cookie()))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(res)
        }
        Err(e) => {
            let errors = form_errors(e, p.lang)?;
            page_with_status(
                &reset_page(p, f.token, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(show_signup))
        .route("/signup", web::post().to(submit_signup))
        .route("/signup/sent", web::get().to(signup_sent))
        .route("/verify", web::get().to(show_verify))
        .route("/verify", web::post().to(submit_verify))
        .route("/signin", web::get().to(show_signin))
        .route("/signin", web::post().to(submit_signin))
        .route("/signout", web::post().to(submit_signout))
        .route("/forgot", web::get().to(show_forgot))
        .route("/forgot", web::post().to(submit_forgot))
        .route("/forgot/sent", web::get().to(forgot_sent))
        .route("/reset", web::get().to(show_reset))
        .route("/reset", web::post().to(submit_reset));
}
