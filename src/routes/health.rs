//! Liveness and readiness probes.

use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;

/// The process answers.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The database (and Redis, when configured) answer; 503 naming the part that does not.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let database = match state.db.ping().await {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("down: {e}"),
    };
    let redis = match &state.redis {
        None => "not_configured".to_string(),
        Some(r) => match r.ping().await {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("down: {e}"),
        },
    };
    let ok = database == "ok" && (redis == "ok" || redis == "not_configured");
    let body = json!({
        "status": if ok { "ok" } else { "unavailable" },
        "checks": {"database": database, "redis": redis},
    });
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
