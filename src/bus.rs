//! The event bus: "something changed" events for the realtime hub and the job worker.
//! With Redis, events are published on `<prefix>events` and every instance (this one too)
//! receives them from its subscription; without Redis, an in-process broadcast channel.

use crate::redis_conn::Redis;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// Something that changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// An organization's accreditation status changed.
    OrganizationStatusChanged {
        organization_id: i64,
        status: String,
    },
    /// A linker's accreditation status changed.
    LinkerStatusChanged { user_id: i64, status: String },
    /// Every session of a user ended (sign-out, password change, suspension).
    SessionsEnded { user_id: i64 },
    /// An activity or one of its sessions was created, edited, or changed status.
    ActivityChanged { activity_id: i64 },
    /// Some sessions of a user ended, or their account changed: forget cached principals.
    PrincipalChanged { user_id: i64 },
    /// A resident's file changed (profile, linkers, consents, declined suggestions).
    ResidentChanged { resident_id: i64 },
    /// A booking was made, confirmed, promoted from the waitlist or cancelled; the counters
    /// are the session's after the change.
    BookingChanged {
        booking_id: i64,
        session_id: i64,
        resident_id: Option<i64>,
        user_id: Option<i64>,
        /// unconfirmed | confirmed | waitlisted | cancelled
        status: String,
        /// Moved up from the waitlist.
        promoted: bool,
        confirmed: i32,
        waiting: i32,
        capacity: Option<i32>,
        seats_left: Option<i32>,
        /// The session's change counter with these counters: a larger one is newer.
        #[serde(default)]
        version: i64,
    },
    /// A participant was marked present or absent, or checked in with the code.
    CheckedIn {
        session_id: i64,
        booking_id: i64,
        /// attended | no_show
        #[serde(default)]
        attendance: String,
    },
    /// A notification was stored for a person (after its transaction committed).
    Notified { user_id: i64, notification_id: i64 },
    /// A referral was made or changed status.
    ReferralChanged {
        referral_id: i64,
        resident_id: i64,
        linker_user_id: i64,
        status: String,
    },
}

/// Publishes and delivers events.
#[derive(Clone)]
pub struct Bus {
    local: broadcast::Sender<Event>,
    redis: Option<Redis>,
}

impl Bus {
    /// A bus; with Redis it also starts the subscriber task (call inside a Tokio runtime).
    pub fn new(redis: Option<Redis>) -> Bus {
        let (local, _) = broadcast::channel(1024);
        let bus = Bus { local, redis };
        if let Some(redis) = bus.redis.clone() {
            tokio::spawn(subscribe_loop(redis, bus.local.clone()));
        }
        bus
    }

    /// Sends an event to every instance. Falls back to local delivery if Redis is down.
    pub async fn publish(&self, event: Event) {
        if let Some(redis) = self.redis.as_ref().filter(|r| r.usable()) {
            match serde_json::to_string(&event) {
                Ok(payload) => {
                    let mut conn = redis.conn();
                    let res: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                        .arg(redis.key("events"))
                        .arg(payload)
                        .query_async(&mut conn)
                        .await;
                    match res {
                        Ok(_) => {
                            redis.succeeded();
                            return;
                        }
                        Err(e) => redis.failed("event bus publish", &e),
                    }
                }
                Err(e) => tracing::error!(error = %e, "event not serializable"),
            }
        }
        let _ = self.local.send(event);
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }
}

async fn subscribe_loop(redis: Redis, local: broadcast::Sender<Event>) {
    let channel = redis.key("events");
    let mut delay = std::time::Duration::from_millis(50);
    let mut failures = 0u32;
    loop {
        match redis.client().get_async_pubsub().await {
            Ok(mut pubsub) => {
                if let Err(e) = pubsub.subscribe(&channel).await {
                    tracing::warn!(error = %e, "redis subscribe failed");
                } else {
                    if failures > 0 {
                        tracing::info!("event bus subscribed to Redis again");
                    }
                    failures = 0;
                    delay = std::time::Duration::from_millis(50);
                    let mut stream = pubsub.on_message();
                    while let Some(msg) = stream.next().await {
                        let Ok(payload) = msg.get_payload::<String>() else {
                            continue;
                        };
                        match serde_json::from_str::<Event>(&payload) {
                            Ok(ev) => {
                                let _ = local.send(ev);
                            }
                            Err(e) => tracing::warn!(error = %e, "unknown event on the bus"),
                        }
                    }
                    tracing::warn!("redis subscription ended; reconnecting");
                }
            }
            Err(e) => {
                failures += 1;
                if failures == 1 {
                    tracing::warn!(error = %e, "event bus cannot reach Redis; retrying with back-off");
                } else {
                    tracing::debug!(error = %e, "event bus still cannot reach Redis");
                }
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(redis.max_backoff());
    }
}
