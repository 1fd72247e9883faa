//! Calendar (.ics) and open-data feeds (OpenActive-style RPDE, HSDS-style organizations).
//!
//! * `GET /sessions/{id}.ics`, `GET /activities/{id}.ics` — one session, one series;
//! * `GET /calendar.ics?…` — a subscribable calendar of a search (the query of
//!   `GET /api/v1/sessions`);
//! * `GET /feeds/openactive/session-series`, `GET /feeds/openactive/scheduled-sessions` — RPDE
//!   feeds (`afterTimestamp`, `afterId`, `limit`);
//! * `GET /feeds/organizations.json` — the accredited organizations (`page`, `per_page`);
//! * `GET /api/docs/` — the API documentation (Swagger UI, served from the binary, never a
//!   CDN) over `/api/docs/openapi.json`.
//!
//! These routes are registered before the pages, so `/activities/{id}.ics` is matched here and
//! `/activities/{id}` stays the page. Everything is public and anonymous; anything not public
//! is 404. The work is in [`crate::feeds`].

use crate::error::AppError;
use crate::feeds::rpde::{Page, PageQuery};
use crate::feeds::{hsds, ical, openactive};
use crate::services::discovery::SearchParams;
use crate::state::AppState;
use crate::web::MultiQuery;
use actix_web::middleware::DefaultHeaders;
use actix_web::{guard, web, HttpRequest, HttpResponse, Route};
use serde::Deserialize;
use utoipa::OpenApi;
use utoipa_swagger_ui::{Config, SwaggerUi};

/// The media type of iCalendar files.
const CALENDAR: &str = "text/calendar; charset=utf-8";
/// How long clients and caches may keep a calendar.
const CALENDAR_CACHE: &str = "public, max-age=300";
/// How long clients and caches may keep a page of open data.
const DATA_CACHE: &str = "public, max-age=60";

fn calendar(body: String, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CALENDAR)
        .insert_header(("Cache-Control", CALENDAR_CACHE))
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{filename}\""),
        ))
        .body(body)
}

/// Open data may be read from any site's scripts (no cookies are involved).
fn open_data<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", DATA_CACHE))
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .json(body)
}

/// One session as an iCalendar file.
pub async fn session_ics(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let body = ical::session_calendar(&state, id).await?;
    Ok(calendar(body, &format!("session-{id}.ics")))
}

/// One series (or one-off) as an iCalendar file: RRULE, EXDATEs and overrides.
pub async fn activity_ics(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let body = ical::activity_calendar(&state, id).await?;
    Ok(calendar(body, &format!("activity-{id}.ics")))
}

/// The sessions of a search as a calendar to subscribe to.
pub async fn calendar_ics(
    state: web::Data<AppState>,
    q: MultiQuery<SearchParams>,
) -> Result<HttpResponse, AppError> {
    let body = ical::search_calendar(&state, q.0).await?;
    Ok(calendar(body, "legami.ics"))
}

fn rpde(page: Page) -> HttpResponse {
    open_data(&page)
}

/// The series as OpenActive `SessionSeries` (RPDE).
pub async fn session_series(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = PageQuery::parse(req.query_string())?;
    Ok(rpde(openactive::series_page(&state, query).await?))
}

/// The sessions as OpenActive `ScheduledSession` (RPDE).
pub async fn scheduled_sessions(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = PageQuery::parse(req.query_string())?;
    Ok(rpde(openactive::sessions_page(&state, query).await?))
}

/// Paging of the organizations listing.
#[derive(Debug, Deserialize)]
pub struct ListingQuery {
    /// From 1.
    pub page: Option<String>,
    /// 1 to 500.
    pub per_page: Option<String>,
}

/// The accredited organizations, HSDS-style.
pub async fn organizations_json(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let q: ListingQuery = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| AppError::BadRequestDetail(format!("(query string: {e})")))?;
    let page = match q.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(p) => p.parse::<usize>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            AppError::BadRequestDetail("page must be a whole number from 1.".into())
        })?,
    };
    let per_page = match q.per_page.as_deref().map(str::trim) {
        None | Some("") => hsds::PER_PAGE,
        Some(p) => p
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=hsds::PER_PAGE).contains(p))
            .ok_or_else(|| {
                AppError::BadRequestDetail(format!(
                    "per_page must be a whole number from 1 to {}.",
                    hsds::PER_PAGE
                ))
            })?,
    };
    Ok(open_data(
        &hsds::organizations_page(&state, page, per_page).await?,
    ))
}

/// The Content-Security-Policy of the API documentation pages: the site's policy plus the hash
/// of the one inline `<style>` Swagger UI renders (inside its logo SVG, 5.x). The vendored
/// Swagger UI otherwise loads scripts and styles from files, needs no `eval` and no
/// `'unsafe-inline'`; should a new version change the logo, only its colours are lost.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn docs_slash() -> HttpResponse {
    crate::web::see_other("/api/docs/")
}

/// The browsable API documentation under `/api/docs/`.
fn api_docs(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/docs")
            .wrap(DefaultHeaders::new().add(("Content-Security-Policy", DOCS_CSP)))
            .route("", web::get().to(docs_slash))
            .service(
                SwaggerUi::new("/{_:.*}")
                    .url("/openapi.json", crate::routes::api::ApiDoc::openapi())
                    .config(Config::new(["/api/docs/openapi.json"])),
            ),
    );
}

/// GET, and HEAD (some calendar clients check a subscription with it).
fn get_or_head() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(r"/sessions/{id:\d+}.ics", get_or_head().to(session_ics))
        .route(r"/activities/{id:\d+}.ics", get_or_head().to(activity_ics))
        .route("/calendar.ics", get_or_head().to(calendar_ics))
        .route(openactive::SERIES_PATH, web::get().to(session_series))
        .route(openactive::SESSIONS_PATH, web::get().to(scheduled_sessions))
        .route(
            "/feeds/organizations.json",
            web::get().to(organizations_json),
        )
        .configure(api_docs);
}
