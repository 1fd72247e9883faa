//! The signed-in person's notifications as a page (no JavaScript needed): newest first, unread
//! ones marked, and "mark all as read".

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::services::notifications::{self as svc, NotificationView};
use crate::state::AppState;
use crate::web::{page, see_other, CsrfForm, PageCtx};
use actix_web::{web, HttpResponse};
use askama::Template;

#[derive(Template)]
#[template(path = "account/notifications.html")]
struct NotificationsTemplate {
    p: PageCtx,
    unread: i64,
    unread_text: String,
    items: Vec<NotificationView>,
    /// The local time of each item, in words.
    times: Vec<String>,
}

async fn show_notifications(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let list = svc::list(&state, &user, 0, 100, p.lang).await?;
    let tz: chrono_tz::Tz = state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    let times = list
        .items
        .iter()
        .map(|n| {
            n.created_at
                .with_timezone(&tz)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .collect();
    // Fluent's plural rules need a number; the arguments here are text, so the three cases
    // are three messages.
    let unread_text = match list.unread {
        0 => p.lang.t("notif-page-unread-none"),
        1 => p.lang.t("notif-page-unread-one"),
        n => p
            .lang
            .ta("notif-page-unread-many", &[("count", n.to_string())]),
    };
    page(&NotificationsTemplate {
        p: p.titled("notif-page-title"),
        unread_text,
        unread: list.unread,
        items: list.items,
        times,
    })
}

#[derive(serde::Deserialize)]
struct Empty {}

async fn read_all(
    state: web::Data<AppState>,
    user: CurrentUser,
    _form: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    svc::mark_read(&state, &user, None).await?;
    Ok(see_other("/me/notifications"))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me/notifications", web::get().to(show_notifications))
        .route("/me/notifications/read", web::post().to(read_all));
}
