//! Every route, wired in one place.

pub mod api;
pub mod feeds;
pub mod health;
pub mod pages;

use actix_web::web;

/// Registers all routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/health/live").get(health::live))
        .service(web::resource("/health/ready").get(health::ready))
        .service(web::resource(crate::web::WS_PATH).get(crate::realtime::socket::upgrade))
        .configure(feeds::configure)
        .service(web::scope("/api/v1").configure(api::configure))
        .configure(pages::configure)
        .service(
            actix_files::Files::new("/static", static_dir())
                .prefer_utf8(true)
                .use_etag(true),
        )
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Err(crate::error::AppError::NotFound)
}

/// `web/static` under the working directory, else where the crate was built.
fn static_dir() -> std::path::PathBuf {
    let local = std::path::PathBuf::from("web/static");
    if local.is_dir() {
        local
    } else {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/static")
    }
}
