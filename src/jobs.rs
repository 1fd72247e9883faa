//! Background housekeeping. Every instance runs it; each pass is an idempotent delete.

use crate::db::{self, accounts};
use crate::state::AppState;
use std::time::Duration;

/// Keeps this instance's discovery index in step: it applies every activity or organization
/// change announced on the bus (by any instance), and rebuilds in full every ten minutes and
/// whenever it may have missed events.
pub fn spawn_index_follower(state: AppState) {
    use crate::bus::Event;
    use tokio::sync::broadcast::error::RecvError;
    let mut rx = state.bus.subscribe();
    let follower = state.clone();
    tokio::spawn(async move {
        loop {
            let res = match rx.recv().await {
                Ok(Event::ActivityChanged { activity_id }) => {
                    follower.index.reload(&follower.db, vec![activity_id]).await
                }
                Ok(Event::OrganizationStatusChanged {
                    organization_id, ..
                }) => {
                    follower
                        .index
                        .reload_organization(&follower.db, organization_id)
                        .await
                }
                Ok(Event::BookingChanged {
                    session_id,
                    confirmed,
                    waiting,
                    capacity,
                    seats_left,
                    ..
                }) => {
                    follower.index.set_seats(
                        session_id,
                        crate::index::SeatLine {
                            capacity,
                            confirmed,
                            waiting,
                            left: seats_left,
                        },
                    );
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "index follower fell behind; rebuilding");
                    follower.index.rebuild(&follower.db).await.map(|_| ())
                }
                Err(RecvError::Closed) => return,
            };
            if let Err(e) = res {
                tracing::warn!(error = %e, "updating the discovery index failed");
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = state.index.rebuild(&state.db).await {
                tracing::warn!(error = %e, "rebuilding the discovery index failed");
            }
        }
    });
}

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
