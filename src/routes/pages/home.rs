//! The home page and the language switcher.

use crate::auth::MaybeUser;
use crate::db::accounts;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::{page, safe_next, see_other, site_cookie, CsrfForm, PageCtx, LANG_COOKIE};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    p: PageCtx,
}

async fn show_home(p: PageCtx) -> Result<HttpResponse, AppError> {
    page(&HomePage {
        p: p.titled("home-title"),
    })
}

#[derive(Deserialize)]
struct LocaleForm {
    lang: String,
    next: Option<String>,
}

/// Switches the language (cookie, and the account's setting when signed in).
async fn set_locale(
    state: web::Data<AppState>,
    user: MaybeUser,
    form: CsrfForm<LocaleForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let lang = Lang::from_code(&f.lang).ok_or_else(|| AppError::field("lang", "err-locale"))?;
    if let Some(u) = user.0 {
        let uid = u.id();
        state
            .db
            .run(move |conn| Ok(accounts::set_locale(conn, uid, lang.code())?))
            .await?;
        state.sessions.user_changed(uid).await;
    }
    let mut res = see_other(&safe_next(f.next.as_deref()));
    res.add_cookie(&site_cookie(&state, LANG_COOKIE, lang.code().to_string()))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    Ok(res)
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(show_home))
        .route("/locale", web::post().to(set_locale));
}
