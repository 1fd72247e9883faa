//! Pages: bookings (filled in by the participation work).

use actix_web::web;

/// Registers the routes.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
