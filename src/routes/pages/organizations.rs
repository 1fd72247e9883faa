//! Organization pages: public list, registration, detail, staff invitations.

use super::{form_errors, FormErrors};
use crate::auth::{CurrentUser, MaybeUser};
use crate::db::orgs::Organization;
use crate::db::OrganizationId;
use crate::domain::organizations::{OrganizationForm, KINDS};
use crate::error::AppError;
use crate::services::organizations::{self as svc, OrgDetail};
use crate::state::AppState;
use crate::web::{page, page_with_status, see_other, CsrfForm, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "organizations/list.html")]
struct ListPage {
    p: PageCtx,
    orgs: Vec<Organization>,
}

#[derive(Template)]
#[template(path = "organizations/new.html")]
struct NewPage {
    p: PageCtx,
    f: OrgFormValues,
    kinds: Vec<(&'static str, String)>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "organizations/show.html")]
struct ShowPage {
    p: PageCtx,
    od: OrgDetail,
    is_admin: bool,
    notice: Option<String>,
    invite_errors: FormErrors,
}

impl ShowPage {
    fn when(&self, t: &chrono::NaiveDateTime) -> String {
        super::format_time(&crate::routes::api::me::utc(*t), self.p.lang)
    }
}

#[derive(Template)]
#[template(path = "organizations/accept.html")]
struct AcceptPage {
    p: PageCtx,
    token: String,
}

/// What the registration form holds (all text, as typed).
#[derive(Debug, Default, Deserialize)]
struct OrgFormValues {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    latitude: String,
    #[serde(default)]
    longitude: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
}

fn kinds(p: &PageCtx) -> Vec<(&'static str, String)> {
    KINDS
        .iter()
        .map(|k| (*k, p.t(&format!("org-kind-{k}"))))
        .collect()
}

async fn list(state: web::Data<AppState>, p: PageCtx) -> Result<HttpResponse, AppError> {
    let orgs = svc::list_public(&state).await?;
    page(&ListPage {
        p: p.titled("orgs-title"),
        orgs,
    })
}

async fn show_new(p: PageCtx, _user: CurrentUser) -> Result<HttpResponse, AppError> {
    let kinds = kinds(&p);
    page(&NewPage {
        p: p.titled("org-new-title"),
        f: OrgFormValues::default(),
        kinds,
        errors: FormErrors::new(),
    })
}

async fn create(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    form: CsrfForm<OrgFormValues>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let input = OrganizationForm {
        name: f.name.clone(),
        kind: f.kind.clone(),
        description: f.description.clone(),
        address: f.address.clone(),
        latitude: f.latitude.clone(),
        longitude: f.longitude.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        website: f.website.clone(),
    };
    match svc::register(&state, &user, input).await {
        Ok(id) => Ok(see_other(&format!("/organizations/{id}?done=registered"))),
        Err(e) => {
            let errors = form_errors(e, p.lang)?;
            let kinds = kinds(&p);
            page_with_status(
                &NewPage {
                    p: p.titled("org-new-title"),
                    f,
                    kinds,
                    errors,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn show(
    state: web::Data<AppState>,
    p: PageCtx,
    user: MaybeUser,
    path: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let d = svc::detail(&state, user.0.as_ref(), OrganizationId(path.into_inner())).await?;
    let notice = match q.done.as_deref() {
        Some("registered") => Some(p.t("org-registered")),
        Some("invited") => Some(p.t("invite-sent")),
        Some("joined") => Some(p.t("invite-accepted")),
        _ => None,
    };
    let is_admin = user.0.as_ref().is_some_and(|u| u.user.is_admin);
    let mut p = p;
    p.title = d.org.name.clone();
    page(&ShowPage {
        p,
        od: d,
        is_admin,
        notice,
        invite_errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
}

async fn invite(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let id = OrganizationId(path.into_inner());
    match svc::invite(&state, &user, id, &form.0.email).await {
        Ok(()) => Ok(see_other(&format!("/organizations/{id}?done=invited"))),
        Err(e) => {
            let invite_errors = form_errors(e, p.lang)?;
            let d = svc::detail(&state, Some(&user), id).await?;
            let mut p = p;
            p.title = d.org.name.clone();
            page_with_status(
                &ShowPage {
                    p,
                    od: d,
                    is_admin: user.user.is_admin,
                    notice: None,
                    invite_errors,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn show_accept(
    p: PageCtx,
    _user: CurrentUser,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    page(&AcceptPage {
        p: p.titled("invite-accept-title"),
        token: q.into_inner().token,
    })
}

async fn accept(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: CsrfForm<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let id = svc::accept_invitation(&state, &user, &form.0.token).await?;
    Ok(see_other(&format!("/organizations/{id}?done=joined")))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/organizations", web::get().to(list))
        .route("/organizations/new", web::get().to(show_new))
        .route("/organizations/new", web::post().to(create))
        .route("/organizations/{id}", web::get().to(show))
        .route("/organizations/{id}/invitations", web::post().to(invite))
        .route("/invitations/accept", web::get().to(show_accept))
        .route("/invitations/accept", web::post().to(accept));
}
