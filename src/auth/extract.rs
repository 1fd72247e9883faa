//! Extractors for the signed-in user, shared by the JSON API and the HTML pages.

use crate::db::accounts::{self, Session, User};
use crate::db::{SessionId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::future::Future;
use std::pin::Pin;

/// A signed-in, not suspended user and their session. 401 when there is none.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub session: Session,
}

impl CurrentUser {
    /// The user's id.
    pub fn id(&self) -> UserId {
        UserId(self.user.id)
    }
    /// The session's id.
    pub fn session_id(&self) -> SessionId {
        SessionId(self.session.id)
    }
}

/// The signed-in user, if any.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

/// A signed-in admin. 401 when signed out, 403 for everyone else.
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentUser);

#[derive(Clone)]
struct Resolved(Option<CurrentUser>);

/// Finds the user of a request once and remembers it in the request's extensions.
pub async fn resolve(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    if let Some(r) = req.extensions().get::<Resolved>() {
        return Ok(r.0.clone());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no app state")))?
        .clone();
    let mut found = None;
    if let Some(cookie) = req.cookie(state.session_cookie()) {
        if let Some((session, user)) = state.sessions.remembered(cookie.value()) {
            found = Some(CurrentUser { user, session });
        } else if let Some(session) = state.sessions.lookup(cookie.value()).await? {
            let uid = UserId(session.user_id);
            let user = state
                .db
                .run(move |conn| Ok(accounts::find_user(conn, uid)?))
                .await?;
            if let Some(user) = user.filter(|u| u.suspended_at.is_none()) {
                state.sessions.remember(&session, &user);
                found = Some(CurrentUser { user, session });
            }
        }
    }
    req.extensions_mut().insert(Resolved(found.clone()));
    Ok(found)
}

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeUser(resolve(&req).await?)) })
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { resolve(&req).await?.ok_or(AppError::Unauthorized) })
    }
}

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = resolve(&req).await?.ok_or(AppError::Unauthorized)?;
            if !user.user.is_admin {
                return Err(AppError::Forbidden("err-admin-only"));
            }
            Ok(Admin(user))
        })
    }
}
