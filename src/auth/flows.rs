//! The account flows, shared by the JSON API and the HTML pages. Every answer that could tell
//! whether an e-mail has an account is the same either way, and takes the same work.

use super::tokens::{hash_token, new_token};
use super::{ratelimit::Limit, CurrentUser};
use crate::db::accounts::{self, NewUser, TokenPurpose, User};
use crate::db::{self, audit, UserId};
use crate::domain::validation::{check_new_password, display_name, Email};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::state::AppState;
use chrono::Duration;
use secrecy::SecretString;

/// What a person gives to sign up.
#[derive(Debug, Clone)]
pub struct SignupInput {
    pub email: String,
    pub password: SecretString,
    pub display_name: String,
}

fn limits(state: &AppState) -> &crate::config::RateLimitSettings {
    &state.settings.rate_limit
}

fn signin_limits(state: &AppState) -> (Limit, Limit) {
    let r = limits(state);
    (
        Limit {
            name: "signin-ip",
            max: r.signin_per_ip,
            window_secs: r.signin_window_secs,
        },
        Limit {
            name: "signin-email",
            max: r.signin_per_email,
            window_secs: r.signin_window_secs,
        },
    )
}

fn mail_limits(state: &AppState) -> (Limit, Limit) {
    let r = limits(state);
    (
        Limit {
            name: "mail-ip",
            max: r.mail_per_ip,
            window_secs: r.mail_window_secs,
        },
        Limit {
            name: "mail-email",
            max: r.mail_per_email,
            window_secs: r.mail_window_secs,
        },
    )
}

/// Creates an account (unverified) and mails a verification link. If the address already has
/// an account, its owner gets a mail saying so instead; the answer is the same.
pub async fn signup(
    state: &AppState,
    input: SignupInput,
    ip: &str,
    lang: Lang,
) -> Result<(), AppError> {
    use secrecy::ExposeSecret;
    let r = limits(state);
    state
        .limiter
        .check(&[(
            Limit {
                name: "signup-ip",
                max: r.signup_per_ip,
                window_secs: r.signup_window_secs,
            },
            ip,
        )])
        .await?;
    let mut errors = FieldErrors::new();
    let email = Email::parse(&input.email)
        .map_err(|m| errors.insert("email".into(), m.into()))
        .ok();
    let name = display_name(&input.display_name)
        .map_err(|m| errors.insert("display_name".into(), m.into()))
        .ok();
    if let Err(m) = check_new_password(input.password.expose_secret(), &input.email) {
        errors.insert("password".into(), m.into());
    }
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (mail_ip, mail_email) = mail_limits(state);
    state
        .limiter
        .check(&[(mail_ip, ip), (mail_email, email.as_str())])
        .await?;
    // Hash first, whatever happens next: same work for new and known addresses.
    let hash = state.hasher.hash(input.password).await?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let expires = db::now() + Duration::hours(state.settings.auth.verify_link_hours);
    let locale = lang.code().to_string();
    let addr = email.as_str().to_string();
    let outcome = state
        .db
        .tx(move |conn| {
            if let Some(existing) = accounts::find_user_by_email(conn, &addr)? {
                if existing.email_verified_at.is_none() {
                    accounts::insert_email_token(
                        conn,
                        existing.uid(),
                        TokenPurpose::VerifyEmail,
                        &token_hash,
                        expires,
                    )?;
                    return Ok(Existing::Unverified(existing));
                }
                return Ok(Existing::Verified(existing));
            }
            let now = db::now();
            let id = accounts::insert_user(
                conn,
                &NewUser {
                    email: &addr,
                    password_hash: &hash,
                    display_name: &name,
                    locale: &locale,
                    is_admin: false,
                    email_verified_at: None,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            accounts::insert_email_token(
                conn,
                id,
                TokenPurpose::VerifyEmail,
                &token_hash,
                expires,
            )?;
            audit::record(conn, Some(id), "account.signup", "user", Some(id.0), "")?;
            Ok(Existing::New(name))
        })
        .await?;
    match outcome {
        Existing::New(name) => send_verification(state, email.as_str(), &name, &token, lang),
        Existing::Unverified(user) => send_verification(
            state,
            &user.email,
            &user.display_name,
            &token,
            user_lang(&user),
        ),
        Existing::Verified(user) => {
            let l = user_lang(&user);
            state.mailer.send_later(
                user.email.clone(),
                l.t("mail-exists-subject"),
                l.ta(
                    "mail-exists-body",
                    &[
                        ("name", user.display_name.clone()),
                        ("signin", state.link("/signin")),
                        ("reset", state.link("/forgot")),
                    ],
                ),
            );
        }
    }
    Ok(())
}

enum Existing {
    New(String),
    Unverified(User),
    Verified(User),
}

/// The language a user chose.
pub fn user_lang(user: &User) -> Lang {
    Lang::from_code(&user.locale).unwrap_or(Lang::default_for("it"))
}

fn send_verification(state: &AppState, to: &str, name: &str, token: &str, lang: Lang) {
    state.mailer.send_later(
        to.to_string(),
        lang.t("mail-verify-subject"),
        lang.ta(
            "mail-verify-body",
            &[
                ("name", name.to_string()),
                ("link", state.link(&format!("/verify?token={token}"))),
                ("hours", state.settings.auth.verify_link_hours.to_string()),
            ],
        ),
    );
}

/// Confirms an e-mail address with the token from the mail. Single use.
pub async fn verify_email(state: &AppState, token: &str) -> Result<(), AppError> {
    let h = hash_token(token.trim());
    state
        .db
        .tx(move |conn| {
            let now = db::now();
            let user = accounts::consume_email_token(conn, TokenPurpose::VerifyEmail, &h, now)?
                .ok_or(AppError::BadRequest("err-link-invalid"))?;
            accounts::mark_verified(conn, user, now)?;
            audit::record(
                conn,
                Some(user),
                "account.verify_email",
                "user",
                Some(user.0),
                "",
            )?;
            Ok(())
        })
        .await
}

/// Sends a new verification link if the address has an unverified account. Same answer always.
pub async fn resend_verification(state: &AppState, email: &str, ip: &str) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let (mail_ip, mail_email) = mail_limits(state);
    state
        .limiter
        .check(&[(mail_ip, ip), (mail_email, email.as_str())])
        .await?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let expires = db::now() + Duration::hours(state.settings.auth.verify_link_hours);
    let addr = email.as_str().to_string();
    let user = state
        .db
        .tx(move |conn| {
            let Some(user) = accounts::find_user_by_email(conn, &addr)? else {
                return Ok(None);
            };
            if user.email_verified_at.is_some() || user.suspended_at.is_some() {
                return Ok(None);
            }
            accounts::insert_email_token(
                conn,
                user.uid(),
                TokenPurpose::VerifyEmail,
                &token_hash,
                expires,
            )?;
            Ok(Some(user))
        })
        .await?;
    if let Some(user) = user {
        send_verification(
            state,
            &user.email,
            &user.display_name,
            &token,
            user_lang(&user),
        );
    }
    Ok(())
}

/// Checks e-mail and password and starts a new session. Returns the user and the cookie token.
pub async fn signin(
    state: &AppState,
    email: &str,
    password: SecretString,
    ip: &str,
    user_agent: &str,
) -> Result<(User, String), AppError> {
    let normalized = email.trim().to_lowercase();
    let (by_ip, by_email) = signin_limits(state);
    state
        .limiter
        .check(&[(by_ip, ip), (by_email, &normalized)])
        .await?;
    let addr = normalized.clone();
    let user = if Email::parse(&normalized).is_ok() {
        state
            .db
            .run(move |conn| Ok(accounts::find_user_by_email(conn, &addr)?))
            .await?
    } else {
        None
    };
    let ok = state
        .hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    let user = match (ok, user) {
        (true, Some(u)) => u,
        _ => return Err(AppError::BadCredentials),
    };
    if user.suspended_at.is_some() {
        return Err(AppError::Forbidden("err-account-suspended"));
    }
    if user.email_verified_at.is_none() {
        // Right password, so telling them is no leak; send a fresh link (rate-limited).
        if resend_verification(state, &user.email, ip).await.is_ok() {
            return Err(AppError::Forbidden("err-email-not-verified"));
        }
        return Err(AppError::Forbidden("err-email-not-verified"));
    }
    let (token, _) = state.sessions.create(user.uid(), user_agent).await?;
    let uid = user.uid();
    state
        .db
        .run(move |conn| {
            Ok(audit::record(
                conn,
                Some(uid),
                "account.signin",
                "user",
                Some(uid.0),
                "",
            )?)
        })
        .await?;
    Ok((user, token))
}

/// Mails a reset link if the address has an account. Same answer and timing either way.
pub async fn request_reset(state: &AppState, email: &str, ip: &str) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let (mail_ip, mail_email) = mail_limits(state);
    state
        .limiter
        .check(&[(mail_ip, ip), (mail_email, email.as_str())])
        .await?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let minutes = state.settings.auth.reset_link_minutes;
    let expires = db::now() + Duration::minutes(minutes);
    let addr = email.as_str().to_string();
    let user = state
        .db
        .tx(move |conn| {
            let Some(user) = accounts::find_user_by_email(conn, &addr)? else {
                return Ok(None);
            };
            if user.suspended_at.is_some() {
                return Ok(None);
            }
            accounts::insert_email_token(
                conn,
                user.uid(),
                TokenPurpose::ResetPassword,
                &token_hash,
                expires,
            )?;
            Ok(Some(user))
        })
        .await?;
    if let Some(user) = user {
        let l = user_lang(&user);
        state.mailer.send_later(
            user.email.clone(),
            l.t("mail-reset-subject"),
            l.ta(
                "mail-reset-body",
                &[
                    ("name", user.display_name.clone()),
                    ("link", state.link(&format!("/reset?token={token}"))),
                    ("minutes", minutes.to_string()),
                ],
            ),
        );
    }
    Ok(())
}

/// Whether a reset link is still usable (to show the form or say it has expired).
pub async fn reset_link_is_valid(state: &AppState, token: &str) -> Result<bool, AppError> {
    let h = hash_token(token.trim());
    state
        .db
        .run(move |conn| {
            Ok(accounts::email_token_is_valid(
                conn,
                TokenPurpose::ResetPassword,
                &h,
                db::now(),
            )?)
        })
        .await
}

/// Sets a new password from a reset link. Ends every session of the account.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: SecretString,
) -> Result<(), AppError> {
    use secrecy::ExposeSecret;
    let h = hash_token(token.trim());
    let valid = {
        let h = h.clone();
        state
            .db
            .run(move |conn| {
                Ok(accounts::email_token_is_valid(
                    conn,
                    TokenPurpose::ResetPassword,
                    &h,
                    db::now(),
                )?)
            })
            .await?
    };
    if !valid {
        return Err(AppError::BadRequest("err-link-invalid"));
    }
    check_new_password(password.expose_secret(), "").map_err(|m| AppError::field("password", m))?;
    let hash = state.hasher.hash(password).await?;
    let user = state
        .db
        .tx(move |conn| {
            let now = db::now();
            let user = accounts::consume_email_token(conn, TokenPurpose::ResetPassword, &h, now)?
                .ok_or(AppError::BadRequest("err-link-invalid"))?;
            let u = accounts::find_user(conn, user)?.ok_or(AppError::NotFound)?;
            if let Err(m) = check_new_password_for(&u) {
                return Err(AppError::field("password", m));
            }
            accounts::set_password_hash(conn, user, &hash, now)?;
            accounts::expire_email_tokens(conn, user, TokenPurpose::ResetPassword, now)?;
            // Following the link proved the address.
            accounts::mark_verified(conn, user, now)?;
            audit::record(
                conn,
                Some(user),
                "account.password_reset",
                "user",
                Some(user.0),
                "",
            )?;
            Ok(user)
        })
        .await?;
    end_all_sessions(state, user).await
}

fn check_new_password_for(_user: &User) -> Result<(), &'static str> {
    Ok(())
}

/// Changes the password of the signed-in user: every session ends, and a new one starts for
/// this browser. Returns the new cookie token.
pub async fn change_password(
    state: &AppState,
    current: &CurrentUser,
    current_password: SecretString,
    new_password: SecretString,
    user_agent: &str,
) -> Result<String, AppError> {
    use secrecy::ExposeSecret;
    let r = limits(state);
    let uid = current.id();
    state
        .limiter
        .check(&[(
            Limit {
                name: "password-account",
                max: r.password_per_account,
                window_secs: r.password_window_secs,
            },
            &uid.0.to_string(),
        )])
        .await?;
    if !state
        .hasher
        .verify(current_password, Some(current.user.password_hash.clone()))
        .await?
    {
        return Err(AppError::field("current_password", "err-current-password"));
    }
    check_new_password(new_password.expose_secret(), &current.user.email)
        .map_err(|m| AppError::field("new_password", m))?;
    let hash = state.hasher.hash(new_password).await?;
    state
        .db
        .tx(move |conn| {
            accounts::set_password_hash(conn, uid, &hash, db::now())?;
            audit::record(
                conn,
                Some(uid),
                "account.password_change",
                "user",
                Some(uid.0),
                "",
            )?;
            Ok(())
        })
        .await?;
    end_all_sessions(state, uid).await?;
    let (token, _) = state.sessions.create(uid, user_agent).await?;
    Ok(token)
}

/// Ends every session of a user and tells their open pages.
pub async fn end_all_sessions(state: &AppState, user: UserId) -> Result<(), AppError> {
    state.sessions.end(user, None, None).await?;
    state
        .bus
        .publish(crate::bus::Event::SessionsEnded { user_id: user.0 })
        .await;
    Ok(())
}

/// Suspends (or reinstates) an account; a suspension ends every session at once.
pub async fn set_user_suspended(
    state: &AppState,
    admin: &CurrentUser,
    target: UserId,
    suspend: bool,
    reason: &str,
) -> Result<(), AppError> {
    if suspend && target == admin.id() {
        return Err(AppError::Conflict("err-suspend-self"));
    }
    let admin_id = admin.id();
    let reason = reason.to_string();
    state
        .db
        .tx(move |conn| {
            let at = suspend.then(db::now);
            if accounts::set_suspended(conn, target, at)? == 0 {
                return Err(AppError::NotFound);
            }
            let action = if suspend {
                "account.suspend"
            } else {
                "account.reinstate"
            };
            audit::record(
                conn,
                Some(admin_id),
                action,
                "user",
                Some(target.0),
                &reason,
            )?;
            Ok(())
        })
        .await?;
    if suspend {
        end_all_sessions(state, target).await?;
    }
    Ok(())
}
