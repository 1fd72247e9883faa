//! The signed-in person's notifications over JSON (they are stored, so nothing is missed
//! while offline).

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::services::notifications::{self as svc, NotificationList};
use crate::state::AppState;
use crate::web::lang_of;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which notifications.
#[derive(Debug, Deserialize, IntoParams)]
pub struct NotificationsQuery {
    /// Only those newer than this id (what a client saw last); 0 or absent: from the newest.
    #[serde(default)]
    pub after_id: i64,
    /// At most this many (1–100, default 50).
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    50
}

/// The signed-in person's notifications, newest first, in their language, with the unread
/// count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "me", params(NotificationsQuery),
    responses((status = 200, body = NotificationList), (status = 401, body = super::ErrorBody)))]
pub async fn list_notifications(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    query: web::Query<NotificationsQuery>,
) -> Result<HttpResponse, AppError> {
    let list = svc::list(&state, &user, query.after_id, query.limit, lang_of(&req)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Which notifications to mark read: some ids, or all.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
}

/// How many changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    pub marked: usize,
}

/// Marks notifications read (only the signed-in person's own).
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "me", request_body = MarkRead,
    responses((status = 200, body = Marked), (status = 401, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<MarkRead>,
) -> Result<HttpResponse, AppError> {
    let ids = match (body.all, body.ids.is_empty()) {
        (true, _) => None,
        (false, false) if body.ids.len() <= 500 => Some(body.ids.clone()),
        _ => return Err(AppError::field("ids", "err-notifications-ids")),
    };
    let marked = svc::mark_read(&state, &user, ids).await?;
    Ok(HttpResponse::Ok().json(Marked { marked }))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/notifications", web::get().to(list_notifications))
        .route("/notifications/read", web::post().to(mark_read));
}
