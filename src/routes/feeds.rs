//! Calendar (.ics) and open-data feeds (OpenActive-style RPDE, HSDS-style organizations).

use actix_web::web;

/// Registers the routes.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
