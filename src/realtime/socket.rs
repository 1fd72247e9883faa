//! `GET /ws`: the handshake (origin, who, limits) and one task per socket that `select!`s the
//! client's frames, the hub's queue and the heartbeat.

use super::hub::{Kick, Refusal, Registration, Topic};
use super::Frame;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, ProtocolError, Session};
use futures_util::StreamExt;
use serde::Deserialize;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// `?last_id=`: the newest notification id the page has seen (missed ones are sent again).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WsQuery {
    pub last_id: Option<i64>,
}

/// What a client may send (text frames; anything else closes the socket).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum ClientMessage {
    Subscribe { topic: String },
    Unsubscribe { topic: String },
}

/// The signed-in person behind a socket: only what the socket needs (not the whole account).
#[derive(Debug, Clone)]
struct Who {
    user_id: i64,
    is_admin: bool,
}

/// Upgrades to a websocket after checking the origin, the person (the session cookie;
/// anonymous is fine) and the limits per person and per address.
pub async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    lang: Lang,
    query: web::Query<WsQuery>,
) -> Result<HttpResponse, AppError> {
    if !crate::web::origin_allowed(&req) {
        return Err(AppError::Forbidden("err-cross-site"));
    }
    let user = crate::auth::extract::resolve(&req).await?;
    // A person's notifications come in the language the page shows (its cookie), else the
    // one their account chose.
    let lang = match &user {
        Some(u) if req.cookie(crate::web::LANG_COOKIE).is_none() => {
            Lang::from_code(&u.user.locale).unwrap_or(lang)
        }
        _ => lang,
    };
    let who = user.map(|u| Who {
        user_id: u.id().0,
        is_admin: u.user.is_admin,
    });
    let address = crate::web::client_ip(&req);
    // The first socket of this worker starts the worker's bridge from the bus.
    if let (part, true) = state.hub.part_here() {
        crate::realtime::spawn_worker_bridge(state.get_ref().clone(), part);
    }
    let registration = state
        .hub
        .open(who.as_ref().map(|w| w.user_id), &address, lang)
        .map_err(|r| {
            tracing::info!(refusal = ?r, "websocket refused: too many open");
            match r {
                Refusal::TooManyForUser | Refusal::TooManyForAddress => {
                    AppError::TooManyRequests { retry_after: 30 }
                }
            }
        })?;
    let body = exact_chunks(&req, body).await?;
    let (response, session, stream) =
        actix_ws::handle(&req, body).map_err(|_| AppError::BadRequest("err-ws-upgrade"))?;
    let max = state.settings.live.max_frame_bytes;
    let stream = stream
        .max_frame_size(max)
        .aggregate_continuations()
        .max_continuation_size(max);
    let task = serve(
        state.into_inner(),
        registration,
        who,
        query.last_id,
        session,
        stream,
    );
    static SIZE_LOGGED: std::sync::Once = std::sync::Once::new();
    SIZE_LOGGED
        .call_once(|| tracing::debug!(bytes = std::mem::size_of_val(&task), "websocket task"));
    actix_web::rt::spawn(task);
    Ok(response)
}

/// The socket's incoming bytes, each chunk copied into an allocation of its own size.
///
/// A chunk straight from the connection is a view into the connection's 8 KiB read buffer,
/// and actix-ws keeps the last chunk it parsed as its own buffer: every socket that ever
/// answered a ping would keep a whole read buffer alive for the rest of its life. The copy
/// costs a few bytes per frame (clients send pongs and small subscribe messages).
async fn exact_chunks(req: &HttpRequest, body: web::Payload) -> Result<web::Payload, AppError> {
    use actix_web::FromRequest;
    type Chunk = Result<actix_web::web::Bytes, actix_web::error::PayloadError>;
    let chunks: std::pin::Pin<Box<dyn futures_util::Stream<Item = Chunk>>> =
        Box::pin(body.map(|chunk| chunk.map(|b| actix_web::web::Bytes::copy_from_slice(&b))));
    let mut payload = actix_web::dev::Payload::Stream { payload: chunks };
    web::Payload::from_request(req, &mut payload)
        .await
        .map_err(|_| AppError::BadRequest("err-ws-upgrade"))
}

fn reason(code: CloseCode, text: &str) -> Option<CloseReason> {
    Some(CloseReason {
        code,
        description: Some(text.to_string()),
    })
}

/// Waits at most `limit` for a send (or a close) to be taken. Boxed: a socket's task keeps
/// room only for a pointer, not for the send and its timer, while it waits for the next frame.
fn within<F: std::future::Future>(
    limit: Duration,
    send: F,
) -> std::pin::Pin<Box<tokio::time::Timeout<F>>> {
    Box::pin(tokio::time::timeout(limit, send))
}

/// Sends a frame, giving up when the socket has not taken it within `limit` (its client
/// stopped reading: the task ends and frees its place rather than wait for TCP to give up).
async fn send(session: &mut Session, frame: bytestring::ByteString, limit: Duration) -> bool {
    matches!(within(limit, session.text(frame)).await, Ok(Ok(())))
}

/// The life of one socket.
///
/// Every idle socket keeps this future (its task), so it holds only what waiting needs:
/// the two halves of the socket, its registration and the heartbeat. The rare steps that
/// need room (the greeting's database read, a client's command, every send with its timer)
/// run boxed. (An `async` block rather than an `async fn`: an `async fn` keeps a second copy
/// of its arguments, which would be a quarter of the task.)
#[allow(clippy::manual_async_fn)]
fn serve(
    state: std::sync::Arc<AppState>,
    mut reg: Registration,
    who: Option<Who>,
    last_id: Option<i64>,
    mut session: Session,
    mut stream: actix_ws::AggregatedMessageStream,
) -> impl std::future::Future<Output = ()> {
    async move {
        let conn = reg.conn.clone();
        let ping_every = Duration::from_secs(state.hub.limits().ping_secs);
        let timeout = Duration::from_secs(state.hub.limits().pong_timeout_secs);
        if !Box::pin(start(
            &state,
            who.as_ref(),
            last_id,
            &conn,
            &mut session,
            timeout,
        ))
        .await
        {
            return;
        }
        // From now on the hub hands frames straight to the socket.
        conn.ready(session.clone());
        let mut last_heard = Instant::now();
        let mut ping =
            tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let close: Option<CloseReason> = loop {
            tokio::select! {
                _ = conn.woken() => {
                    match conn.kicked() {
                        Some(Kick::TooSlow) => break reason(CloseCode::Again, "too slow: reconnect"),
                        Some(Kick::SignedOut) => break reason(CloseCode::Policy, "signed out"),
                        Some(Kick::Recheck) => break reason(CloseCode::Restart, "reconnect"),
                        Some(Kick::Gone) => return,
                        None => {}
                    }
                }
                msg = stream.next() => {
                    last_heard = Instant::now();
                    match msg {
                        None => return,
                        Some(Ok(AggregatedMessage::Close(_))) => break None,
                        Some(Ok(AggregatedMessage::Ping(b))) => {
                            if !matches!(within(timeout, session.pong(&b)).await, Ok(Ok(()))) {
                                return;
                            }
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            break reason(CloseCode::Unsupported, "text frames only");
                        }
                        Some(Ok(AggregatedMessage::Text(text))) => {
                            if let Some(r) = Box::pin(command(&state, &mut reg, who.as_ref(), &mut session, &text, timeout)).await {
                                break r;
                            }
                        }
                        Some(Err(ProtocolError::Overflow)) => {
                            break reason(CloseCode::Size, "frame too large");
                        }
                        Some(Err(ProtocolError::Io(e))) if e.kind() == std::io::ErrorKind::InvalidData => {
                            break reason(CloseCode::Invalid, "text is not UTF-8");
                        }
                        Some(Err(ProtocolError::Io(e))) if e.to_string().contains("continuation size") => {
                            break reason(CloseCode::Size, "message too large");
                        }
                        Some(Err(_)) => break reason(CloseCode::Protocol, "protocol error"),
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > timeout {
                        break reason(CloseCode::Away, "no answer to ping");
                    }
                    if !matches!(within(timeout, session.ping(b"")).await, Ok(Ok(()))) {
                        return;
                    }
                }
            }
        };
        let _ = within(timeout, session.close(close)).await;
    }
}

/// Greets the socket (its `hello`, then what it missed); false when it must end (closed
/// with 1013 if the store could not answer).
async fn start(
    state: &AppState,
    who: Option<&Who>,
    last_id: Option<i64>,
    conn: &super::hub::Conn,
    session: &mut Session,
    timeout: Duration,
) -> bool {
    let Some(hello) = greet(state, who, last_id, conn).await else {
        let _ = within(
            timeout,
            session
                .clone()
                .close(reason(CloseCode::Again, "try again later")),
        )
        .await;
        return false;
    };
    for f in hello {
        if !send(session, f, timeout).await {
            return false;
        }
    }
    true
}

/// What a page needs first to be up to date: who, how many unread, what it missed (`None`:
/// the store could not answer).
async fn greet(
    state: &AppState,
    who: Option<&Who>,
    last_id: Option<i64>,
    conn: &super::hub::Conn,
) -> Option<Vec<bytestring::ByteString>> {
    let Some(w) = who else {
        return Some(vec![Frame::Hello {
            id: 0,
            signed_in: false,
            unread: 0,
        }
        .encode()]);
    };
    match crate::services::notifications::for_socket(state, w.user_id, last_id, conn.lang).await {
        Ok((latest, unread, missed)) => {
            let mut frames = vec![Frame::Hello {
                id: latest,
                signed_in: true,
                unread,
            }
            .encode()];
            for n in missed {
                frames.push(Frame::notification(&n, None).encode());
            }
            // Anything up to here is counted in the hello (or replayed): only newer ones are
            // pushed live.
            conn.last_notification.fetch_max(latest, Ordering::AcqRel);
            Some(frames)
        }
        Err(e) => {
            tracing::warn!(error = %e, "websocket: reading notifications failed");
            None
        }
    }
}

/// Handles one client message; `Some(reason)` closes the socket.
async fn command(
    state: &AppState,
    reg: &mut Registration,
    who: Option<&Who>,
    session: &mut Session,
    text: &str,
    limit: Duration,
) -> Option<Option<CloseReason>> {
    let Ok(msg) = serde_json::from_str::<ClientMessage>(text) else {
        return Some(reason(
            CloseCode::Unsupported,
            "expected {\"type\":\"subscribe\"|\"unsubscribe\",\"topic\":\"session:<id>\"}",
        ));
    };
    let (subscribe, name) = match msg {
        ClientMessage::Subscribe { topic } => (true, topic),
        ClientMessage::Unsubscribe { topic } => (false, topic),
    };
    if let Some(rest) = name.strip_prefix("user:") {
        return match who {
            Some(w) if rest == w.user_id.to_string() => None,
            Some(_) => Some(reason(CloseCode::Policy, "not your topic")),
            None => Some(reason(
                CloseCode::Policy,
                "sign in to receive notifications",
            )),
        };
    }
    let Some(topic) = Topic::parse(&name) else {
        return Some(reason(CloseCode::Policy, "unknown topic"));
    };
    if !subscribe {
        reg.unsubscribe(topic);
        return None;
    }
    if reg.topics().contains(&topic) {
        return None;
    }
    if reg.topics().len() >= state.hub.limits().max_subscriptions {
        return Some(reason(CloseCode::Policy, "too many subscriptions"));
    }
    match topic {
        Topic::Session(id) => {
            // Follow first, then read: a change in between arrives as a frame too, and the
            // page keeps the one with the larger version.
            reg.subscribe(topic);
            match crate::services::participation::seats(state, id).await {
                Ok(count) => {
                    if !send(session, Frame::seats(&count).encode(), limit).await {
                        return Some(None);
                    }
                    None
                }
                Err(AppError::NotFound) => {
                    reg.unsubscribe(topic);
                    send_error(session, &name, "not_found", "no such session", limit).await
                }
                Err(e) => {
                    reg.unsubscribe(topic);
                    tracing::warn!(error = %e, "websocket: reading seats failed");
                    send_error(session, &name, "unavailable", "try again later", limit).await
                }
            }
        }
        Topic::Register(id) => {
            let Some(w) = who else {
                return Some(reason(CloseCode::Policy, "sign in to follow a register"));
            };
            reg.subscribe(topic);
            match crate::services::participation::register_marks(state, w.user_id, w.is_admin, id)
                .await
            {
                Ok(marks) => {
                    for (booking_id, attendance) in marks {
                        let f = Frame::Checkin {
                            id: booking_id,
                            session_id: id,
                            booking_id,
                            attendance: &attendance,
                        }
                        .encode();
                        if !send(session, f, limit).await {
                            return Some(None);
                        }
                    }
                    None
                }
                Err(AppError::Forbidden(_)) => {
                    reg.unsubscribe(topic);
                    Some(reason(
                        CloseCode::Policy,
                        "only the activity's organizers follow its register",
                    ))
                }
                Err(AppError::NotFound) => {
                    reg.unsubscribe(topic);
                    send_error(session, &name, "not_found", "no such session", limit).await
                }
                Err(e) => {
                    // Closed rather than kept: check-ins queued while the permission was
                    // being read must not be sent.
                    reg.unsubscribe(topic);
                    tracing::warn!(error = %e, "websocket: reading the register failed");
                    Some(reason(CloseCode::Again, "try again later"))
                }
            }
        }
    }
}

async fn send_error(
    session: &mut Session,
    topic: &str,
    code: &str,
    message: &str,
    limit: Duration,
) -> Option<Option<CloseReason>> {
    let f = Frame::Error {
        id: 0,
        topic,
        code,
        message,
    }
    .encode();
    if !send(session, f, limit).await {
        return Some(None);
    }
    None
}
