//! Background housekeeping. Every instance runs it; each pass is an idempotent delete.

use crate::db::{self, accounts};
use crate::state::AppState;
use std::time::Duration;

/// Extends every recurring activity's sessions to the rolling horizon every six hours (and
/// once shortly after start).
pub fn spawn_horizon(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(6 * 3600));
        loop {
            tick.tick().await;
            match crate::services::activities::extend_horizon(&state).await {
                Ok(n) if n > 0 => {
                    tracing::info!(added = n, "sessions materialized up to the horizon")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "extending the horizon failed"),
            }
        }
    });
}

/// Removes expired sessions every few minutes (they are refused on use anyway; this keeps
/// the table small and the session list truthful).
pub fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let idle = state.sessions.idle();
            let res = state
                .db
                .run(move |conn| {
                    let now = db::now();
                    Ok(accounts::delete_expired_sessions(conn, now, now - idle)?)
                })
                .await;
            match res {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session housekeeping failed"),
            }
        }
    });
}
