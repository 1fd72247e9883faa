//! Live updates over a websocket: `GET /ws`.
//!
//! **Protocol.** Server → client: text frames of JSON, each with a `type` and an `id`:
//!
//! * `hello` — first, always: `{"type":"hello","id":<newest notification id or 0>,
//!   "signed_in":true,"unread":3}`.
//! * `notification` — the signed-in person's, as they are stored (and, on connect with
//!   `?last_id=N`, those newer than N that the page missed, oldest first):
//!   `{"type":"notification","id":58,"kind":"seat_promoted","text":"…","link":"/bookings/9",
//!   "created_at":"…Z","unread":4}` (written in the socket's language; `unread` may be null
//!   on a replay).
//! * `seats` — a session's public counters, once right after subscribing to `session:<id>`
//!   and then at every change: `{"type":"seats","id":<version>,"session_id":12,
//!   "capacity":20,"confirmed":7,"waiting":0,"seats_left":13}`; a larger `id` is newer.
//! * `checkin` — for the organizers following `register:<id>`: `{"type":"checkin",
//!   "id":<booking id>,"session_id":12,"booking_id":99,"attendance":"attended"|"no_show"}`,
//!   one per booking already marked right after subscribing, then as people are marked.
//! * `error` — a subscription refused without closing: `{"type":"error","id":0,
//!   "topic":"session:99","code":"not_found","message":"…"}`.
//!
//! Client → server: `{"type":"subscribe","topic":"session:12"}`, `{"type":"unsubscribe",
//! "topic":"session:12"}` and pongs. Close codes: 1008 (a private topic while anonymous,
//! another person's topic, a register one doesn't run, too many subscriptions, signed out),
//! 1003 (not a message of this protocol, or binary), 1007 (not UTF-8), 1009 (too large),
//! 1013 (fell behind, or the server could not answer: reconnect), 1012 (the person's sessions
//! or account changed: reconnect to be checked again), 1001 (no answer to pings, or stuck).
//!
//! **Path of an event.** A change is published on the bus (Redis pub/sub with the key prefix
//! when configured, so it reaches every instance; in-process otherwise). On each worker,
//! [`spawn_worker_bridge`] turns a public change into one encoded frame and hands it to the
//! worker's own sockets in the [`hub::Hub`]; [`spawn_bridge`] carries a person's
//! notifications to their sockets. Stored
//! notifications are announced on the bus once their transaction has committed
//! ([`crate::db::outbox`]), so nothing depends on the socket: what a socket missed is read
//! over HTTP, or replayed on reconnect.

pub mod hub;
pub mod socket;

use crate::bus::Event;
use crate::services::notifications::NotificationView;
use crate::services::participation::SeatCount;
use crate::state::AppState;
use bytestring::ByteString;
use hub::{PartId, Topic};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

/// A frame to a client.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Frame<'a> {
    Hello {
        id: i64,
        signed_in: bool,
        unread: i64,
    },
    Notification {
        id: i64,
        kind: &'a str,
        text: &'a str,
        link: &'a str,
        created_at: String,
        unread: Option<i64>,
    },
    Seats {
        id: i64,
        session_id: i64,
        capacity: Option<i32>,
        confirmed: i32,
        waiting: i32,
        seats_left: Option<i32>,
    },
    Checkin {
        id: i64,
        session_id: i64,
        booking_id: i64,
        attendance: &'a str,
    },
    Error {
        id: i64,
        topic: &'a str,
        code: &'a str,
        message: &'a str,
    },
}

impl<'a> Frame<'a> {
    /// A notification frame.
    pub fn notification(n: &'a NotificationView, unread: Option<i64>) -> Frame<'a> {
        Frame::Notification {
            id: n.id,
            kind: &n.kind,
            text: &n.text,
            link: &n.url,
            created_at: n
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            unread,
        }
    }

    /// A seats frame.
    pub fn seats(c: &SeatCount) -> Frame<'static> {
        Frame::Seats {
            id: c.version,
            session_id: c.session_id,
            capacity: c.capacity,
            confirmed: c.confirmed,
            waiting: c.waiting,
            seats_left: c.seats_left,
        }
    }

    /// The JSON text, once (shared by every socket it goes to).
    pub fn encode(&self) -> ByteString {
        match serde_json::to_string(self) {
            Ok(s) => ByteString::from(s),
            Err(e) => {
                tracing::error!(error = %e, "frame not serializable");
                ByteString::from_static("{\"type\":\"error\",\"id\":0}")
            }
        }
    }
}

/// Hands every event of the bus to `handle` until the bus closes; `who` names the bridge in the
/// warning written when it falls behind (seat counters heal at the next change, pages keeping the
/// newest version; notifications are stored and read over HTTP or on reconnect).
async fn follow_bus(
    mut rx: tokio::sync::broadcast::Receiver<Event>,
    who: &'static str,
    mut handle: impl FnMut(Event),
) {
    loop {
        match rx.recv().await {
            Ok(ev) => handle(ev),
            Err(RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, bridge = who, "live bridge fell behind the bus")
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// Carries the events about people (their notifications, sign-outs, changed accounts) to this
/// instance's sockets, whichever worker serves them.
pub fn spawn_bridge(state: AppState) {
    let rx = state.bus.subscribe();
    tokio::spawn(follow_bus(rx, "instance", move |ev| deliver(&state, ev)));
}

/// Carries the public events (seat counters, check-ins) to the sockets of the calling worker
/// thread, whose part of the hub is `part`: started by the first socket the worker serves,
/// it runs on that worker, so the fan-out wakes each socket's task where it runs.
pub fn spawn_worker_bridge(state: AppState, part: PartId) {
    // Subscribed before the first socket follows anything: no event after it is missed.
    let rx = state.bus.subscribe();
    actix_web::rt::spawn(follow_bus(rx, "worker", move |ev| {
        fan_out(&state, part, &ev)
    }));
}

/// One public event to the followers among one worker's sockets.
fn fan_out(state: &AppState, part: PartId, ev: &Event) {
    match *ev {
        Event::BookingChanged {
            session_id,
            confirmed,
            waiting,
            capacity,
            seats_left,
            version,
            ..
        } => {
            state
                .hub
                .publish_in(part, Topic::Session(session_id), Some(version), || {
                    Frame::Seats {
                        id: version,
                        session_id,
                        capacity,
                        confirmed,
                        waiting,
                        seats_left,
                    }
                    .encode()
                });
        }
        Event::CheckedIn {
            session_id,
            booking_id,
            ref attendance,
        } => {
            state
                .hub
                .publish_in(part, Topic::Register(session_id), None, || {
                    Frame::Checkin {
                        id: booking_id,
                        session_id,
                        booking_id,
                        attendance,
                    }
                    .encode()
                });
        }
        _ => {}
    }
}

fn deliver(state: &AppState, ev: Event) {
    match ev {
        Event::Notified {
            user_id,
            notification_id,
        } => {
            let sockets = state.hub.sockets_of(user_id);
            if sockets.is_empty() {
                return;
            }
            let state = state.clone();
            tokio::spawn(async move {
                let mut langs = Vec::new();
                for c in &sockets {
                    if !langs.contains(&c.lang) {
                        langs.push(c.lang);
                    }
                }
                let found =
                    crate::services::notifications::one_in(&state, user_id, notification_id, langs)
                        .await;
                let (views, unread) = match found {
                    Ok(Some(v)) => v,
                    Ok(None) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "live: reading a notification failed");
                        return;
                    }
                };
                for (lang, view) in &views {
                    let frame = Frame::notification(view, Some(unread)).encode();
                    // Announcements race each other (one task each), so the mark is only
                    // the hello's: anything newer goes out, and pages drop a repeated id.
                    for c in sockets.iter().filter(|c| c.lang == *lang) {
                        let counted = c
                            .last_notification
                            .load(std::sync::atomic::Ordering::Acquire);
                        if notification_id > counted {
                            c.push(&frame);
                        }
                    }
                }
            });
        }
        Event::SessionsEnded { user_id } => state.hub.sign_out(user_id),
        Event::PrincipalChanged { user_id } => state.hub.recheck(user_id),
        _ => {}
    }
}
