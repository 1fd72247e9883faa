//! Activity pages: search, activity and session pages, and the organizer's forms.

use actix_web::web;

/// Registers the routes.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
