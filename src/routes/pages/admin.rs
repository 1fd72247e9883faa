//! The admin page: accreditation queues and decisions.

use super::{form_errors, FormErrors};
use crate::auth::Admin;
use crate::db::accounts::{self, LinkerProfile, User};
use crate::db::activities::Interest;
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
    /// The taxonomy: (term, its children), in order.
    interests: Vec<(Interest, Vec<Interest>)>,
}

impl AdminPage {
    fn name_of<'a>(&self, i: &'a Interest) -> &'a str {
        i.name(self.p.lang.code())
    }
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
    let all = crate::services::activities::interests(state).await?;
    let interests = all
        .iter()
        .filter(|i| i.parent_id.is_none())
        .map(|top| {
            let children = all
                .iter()
                .filter(|c| c.parent_id == Some(top.id))
                .cloned()
                .collect();
            (top.clone(), children)
        })
        .collect();
    Ok(AdminPage {
        p: p.titled("admin-title"),
        pending_orgs,
        active_orgs,
        pending_linkers,
        active_linkers,
        notice,
        errors,
        interests,
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

#[derive(Deserialize)]
struct SuspensionForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// Suspends (ending every session at once) or reinstates an account found by e-mail.
async fn suspend_account(
    state: web::Data<AppState>,
    p: PageCtx,
    admin: Admin,
    form: CsrfForm<SuspensionForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let outcome = async {
        let suspend = match f.action.as_str() {
            "suspend" => true,
            "reinstate" => false,
            _ => return Err(AppError::field("action", "err-decision-unknown")),
        };
        let reason = crate::domain::validation::optional_text(&f.reason, 1000)
            .map_err(|m| AppError::field("reason", m))?;
        if suspend && reason.is_empty() {
            return Err(AppError::field("reason", "err-reason-required"));
        }
        let email = crate::domain::validation::Email::parse(&f.email)
            .map_err(|m| AppError::field("email", m))?;
        let addr = email.as_str().to_string();
        let user = state
            .db
            .run(move |conn| Ok(accounts::find_user_by_email(conn, &addr)?))
            .await?
            .ok_or_else(|| AppError::field("email", "err-no-such-account"))?;
        crate::auth::flows::set_user_suspended(&state, &admin.0, user.uid(), suspend, &reason).await
    }
    .await;
    after_decision(&state, p, outcome).await
}

#[derive(Deserialize)]
struct InterestForm {
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name_it: String,
    #[serde(default)]
    name_en: String,
}

/// Adds a term to the taxonomy.
async fn add_interest(
    state: web::Data<AppState>,
    p: PageCtx,
    admin: Admin,
    form: CsrfForm<InterestForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let parent = match f.parent_id.trim() {
        "" => Ok(None),
        v => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field("parent_id", "err-interest-unknown")),
    };
    let outcome = match parent {
        Ok(parent) => crate::services::activities::add_interest(
            &state, &admin.0, parent, &f.slug, &f.name_it, &f.name_en,
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    after_decision(&state, p, outcome).await
}

#[derive(Deserialize)]
struct DeprecationForm {
    #[serde(default)]
    deprecated: String,
}

/// Deprecates or restores a term (never deletes it).
async fn deprecate_interest(
    state: web::Data<AppState>,
    p: PageCtx,
    admin: Admin,
    path: web::Path<i64>,
    form: CsrfForm<DeprecationForm>,
) -> Result<HttpResponse, AppError> {
    let outcome = crate::services::activities::deprecate_interest(
        &state,
        &admin.0,
        path.into_inner(),
        form.0.deprecated == "true",
    )
    .await;
    after_decision(&state, p, outcome).await
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(show))
        .route("/admin/interests", web::post().to(add_interest))
        .route(
            "/admin/interests/{id}/deprecation",
            web::post().to(deprecate_interest),
        )
        .route(
            "/admin/accounts/suspension",
            web::post().to(suspend_account),
        )
        .route(
            "/admin/organizations/{id}/decision",
            web::post().to(decide_org),
        )
        .route(
            "/admin/linkers/{user_id}/decision",
            web::post().to(decide_linker),
        );
}
