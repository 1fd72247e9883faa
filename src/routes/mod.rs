//! Every route, wired in one place.

pub mod api;
pub mod feeds;
pub mod health;
pub mod pages;

use actix_web::web;

/// Registers all routes. Responses are compressed when the client accepts it, except the
/// websocket's: its frames are no HTTP body to compress, and every open socket would keep an
/// encoder in its path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/ws").get(crate::realtime::socket::upgrade))
        .service(
            web::scope("")
                .wrap(actix_web::middleware::Compress::default())
                .configure(compressed),
        );
}

fn compressed(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/health/live").get(health::live))
        .service(web::resource("/health/ready").get(health::ready))
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
