//! The admin page: accreditation queues and decisions.

use super::{form_errors, FormErrors};
use crate::auth::Admin;
use crate::db::accounts::{self, LinkerProfile, User};
use crate::db::orgs::{self, Organization};
use crate::db::{OrganizationId, UserId};
use crate::domain::organizations::Status;
use crate::error::AppError;
use crate::services::organizations as svc;
use crate::state::AppState;
use crate::web::{page, page_with_status, see_other, CsrfForm, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin/index.html")]
struct AdminPage {
    p: PageCtx,
    pending_orgs: Vec<Organization>,
    active_orgs: Vec<Organization>,
    pending_linkers: Vec<(LinkerProfile, User)>,
    active_linkers: Vec<(LinkerProfile, User)>,
    notice: Option<String>,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn show(
    state: web::Data<AppState>,
    p: PageCtx,
    _admin: Admin,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = q.done.as_deref().map(|_| p.t("decision-saved"));
    page(&build(&state, p, notice, FormErrors::new()).await?)
}

async fn build(
    state: &AppState,
    p: PageCtx,
    notice: Option<String>,
    errors: FormErrors,
) -> Result<AdminPage, AppError> {
    let (pending_orgs, active_orgs, pending_linkers, active_linkers) = state
        .db
        .run(|conn| {
            let all = orgs::list_organizations(conn, None)?;
            let (pending, others): (Vec<_>, Vec<_>) = all
                .into_iter()
                .partition(|o| o.status == Status::Pending.as_str());
            let linkers = accounts::list_linkers(conn, None)?;
            let (pl, al): (Vec<_>, Vec<_>) = linkers
                .into_iter()
                .partition(|(l, _)| l.status == Status::Pending.as_str());
            Ok((pending, others, pl, al))
        })
        .await?;
    Ok(AdminPage {
        p: p.titled("admin-title"),
        pending_orgs,
        active_orgs,
        pending_linkers,
        active_linkers,
        notice,
        errors,
    })
}

/// After a decision: back to the queue, or the page again saying what was wrong.
async fn after_decision(
    state: &AppState,
    p: PageCtx,
    outcome: Result<(), AppError>,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(()) => Ok(see_other("/admin?done=1")),
        Err(e) => {
            let errors = form_errors(e, p.lang)?;
            page_with_status(
                &build(state, p, None, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn decide_org(
    state: web::Data<AppState>,
    p: PageCtx,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let outcome = svc::decide_organization(
        &state,
        &admin.0,
        OrganizationId(path.into_inner()),
        &f.decision,
        &f.reason,
    )
    .await
    .map(|_| ());
    after_decision(&state, p, outcome).await
}

async fn decide_linker(
    state: web::Data<AppState>,
    p: PageCtx,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let outcome = svc::decide_linker(
        &state,
        &admin.0,
        UserId(path.into_inner()),
        &f.decision,
        &f.reason,
    )
    .await
    .map(|_| ());
    after_decision(&state, p, outcome).await
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(show))
        .route(
            "/admin/organizations/{id}/decision",
            web::post().to(decide_org),
        )
        .route(
            "/admin/linkers/{user_id}/decision",
            web::post().to(decide_linker),
        );
}
