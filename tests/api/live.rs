//! Live updates over the websocket: seat counters anyone can watch, a person's notifications
//! as they happen (and replayed after a reconnect), the organizer's check-ins, across two
//! instances through Redis, and clear refusals of bad input.

use crate::activities::Publisher;
use crate::helpers::*;
use crate::participation::{bookings_path, guest, mark, move_session, one_session};
use crate::residents::{accredited_linker, register as new_resident, resident_body};
use futures_util::{SinkExt, StreamExt};
use reqwest::Client;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A websocket client, as a page's script would be.
pub struct Ws {
    stream: Stream,
}

/// `ws://…/ws` of an instance's `http://…` address.
fn ws_url(address: &str, query: &str) -> String {
    format!("{}/ws{query}", address.replacen("http://", "ws://", 1))
}

/// Opens a socket; `cookie` is a session cookie value (signed in) or none (anonymous).
pub async fn open(address: &str, cookie: Option<&str>, query: &str) -> Ws {
    match try_open(address, cookie, query, None).await {
        Ok(ws) => ws,
        Err(e) => panic!("opening the websocket failed: {e}"),
    }
}

async fn try_open(
    address: &str,
    cookie: Option<&str>,
    query: &str,
    origin: Option<&str>,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let mut req = ws_url(address, query).into_client_request()?;
    if let Some(c) = cookie {
        req.headers_mut().insert(
            "cookie",
            HeaderValue::from_str(&format!("legami_session={c}")).unwrap(),
        );
    }
    if let Some(o) = origin {
        req.headers_mut()
            .insert("origin", HeaderValue::from_str(o).unwrap());
    }
    let (stream, _) = tokio_tungstenite::connect_async(req).await?;
    Ok(Ws { stream })
}

/// The HTTP status of a refused handshake.
async fn refused_status(address: &str, cookie: Option<&str>, origin: Option<&str>) -> u16 {
    match try_open(address, cookie, "", origin).await {
        Ok(_) => panic!("the handshake was accepted"),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Err(e) => panic!("unexpected error: {e}"),
    }
}

impl Ws {
    pub async fn send(&mut self, v: Value) {
        self.stream
            .send(Message::Text(v.to_string().into()))
            .await
            .expect("sending a frame");
    }

    pub async fn subscribe(&mut self, topic: &str) {
        self.send(json!({"type": "subscribe", "topic": topic}))
            .await;
    }

    /// The next JSON frame (pings are answered by the library); panics after 10 s.
    pub async fn next(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .expect("no frame within 10 s")
                .expect("the socket ended")
                .expect("a websocket error");
            match msg {
                Message::Text(t) => return serde_json::from_str(t.as_str()).expect("JSON frame"),
                Message::Close(c) => panic!("closed: {c:?}"),
                _ => continue,
            }
        }
    }

    /// The next frame of a type, skipping others.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let f = self.next().await;
            if f["type"] == kind {
                return f;
            }
        }
    }

    /// The close code and reason the server ends the socket with (skipping frames before).
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.stream.next())
                .await
                .expect("not closed within 10 s");
            match msg {
                Some(Ok(Message::Close(Some(f)))) => {
                    return (u16::from(f.code), f.reason.to_string())
                }
                Some(Ok(Message::Close(None))) | None => return (1005, String::new()),
                Some(Ok(_)) => continue,
                Some(Err(e)) => panic!("websocket error before the close: {e}"),
            }
        }
    }

    /// Asserts that no text frame arrives for a moment.
    pub async fn quiet(&mut self) {
        if let Ok(Some(Ok(Message::Text(t)))) =
            tokio::time::timeout(Duration::from_millis(400), self.stream.next()).await
        {
            panic!("unexpected frame: {t}");
        }
    }
}

/// Whether a socket was closed because its person signed out: "signed out" (1008), or
/// "reconnect" (1012) when the news that a session ended came first — either way the page's
/// next socket is anonymous.
fn signed_out(close: (u16, String)) -> bool {
    matches!(
        (close.0, close.1.as_str()),
        (1008, "signed out") | (1012, "reconnect")
    )
}

/// A fresh session cookie for a person who already has an account.
pub async fn session_cookie(app: &TestApp, email: &str) -> String {
    let resp = app.signin(&app.client(), email, PASSWORD).await;
    assert_eq!(resp.status().as_u16(), 200, "signing in {email}");
    cookie_value(&resp, "legami_session").expect("a session cookie")
}

/// A Redis server of a test's own (so that it can be stopped and started mid-test without
/// disturbing the others), on a free port; stopped when dropped.
struct OwnRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start() -> OwnRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut r = OwnRedis { port, child: None };
        r.restart();
        r
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn restart(&mut self) {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (the tests need it installed)");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("redis-server did not start on port {}", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

both_backends! {
    async fn anyone_watching_a_session_sees_the_seats_change_as_people_join_and_cancel(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Passeggiata al parco", Some(2), 0).await;
        let mut ws = open(&app.address, None, "").await;
        let hello = ws.next().await;
        assert_eq!((hello["type"].as_str(), hello["signed_in"].as_bool()), (Some("hello"), Some(false)), "{hello}");

        ws.subscribe(&format!("session:{sid}")).await;
        let snap = ws.next_of("seats").await;
        assert_eq!((snap["session_id"].as_i64(), snap["capacity"].as_i64(), snap["confirmed"].as_i64(), snap["seats_left"].as_i64(), snap["waiting"].as_i64()), (Some(sid), Some(2), Some(0), Some(2), Some(0)), "{snap}");

        let a = guest(&app, sid, 1).await;
        let f = ws.next_of("seats").await;
        assert_eq!((f["confirmed"].as_i64(), f["seats_left"].as_i64()), (Some(1), Some(1)), "{f}");
        assert!(f["id"].as_i64() > snap["id"].as_i64(), "versions grow: {snap} then {f}");
        guest(&app, sid, 2).await;
        guest(&app, sid, 3).await;
        let mut last = ws.next_of("seats").await;
        if last["waiting"] == 0 {
            last = ws.next_of("seats").await;
        }
        assert_eq!((last["confirmed"].as_i64(), last["seats_left"].as_i64(), last["waiting"].as_i64()), (Some(2), Some(0), Some(1)), "{last}");

        // A cancellation frees a seat, which goes at once to the first in line.
        let token = crate::participation::token_of(&a);
        let resp = app.post_json(&app.client(), "/api/v1/booking-links/cancel", &json!({"token": token})).await;
        assert_eq!(resp.status().as_u16(), 200);
        let f = ws.next_of("seats").await;
        assert_eq!((f["confirmed"].as_i64(), f["waiting"].as_i64(), f["seats_left"].as_i64()), (Some(2), Some(0), Some(0)), "{f}");
        // The HTTP counters say the same (and carry the same version).
        let http = expect_status(app.get(&app.client(), &format!("/api/v1/sessions/{sid}/seats")).await, 200).await;
        assert_eq!(http["version"], f["id"], "{http} {f}");

        // After unsubscribing, nothing more comes.
        ws.send(json!({"type": "unsubscribe", "topic": format!("session:{sid}")})).await;
        ws.quiet().await;
        guest(&app, sid, 4).await;
        ws.quiet().await;
        // An unknown session is refused without closing the socket.
        ws.subscribe("session:999999").await;
        let e = ws.next().await;
        assert_eq!((e["type"].as_str(), e["code"].as_str(), e["topic"].as_str()), (Some("error"), Some("not_found"), Some("session:999999")), "{e}");
        ws.subscribe(&format!("session:{sid}")).await;
        assert_eq!(ws.next_of("seats").await["waiting"], 1);
    }

    async fn a_busy_session_page_watched_by_hundreds_updates_every_one_of_them(app: |s| s.live.max_sockets_per_ip = 1000) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Concerto in cortile", Some(500), 0).await;
        let mut watchers = Vec::new();
        for _ in 0..300 {
            let mut ws = open(&app.address, None, "").await;
            ws.subscribe(&format!("session:{sid}")).await;
            assert_eq!(ws.next_of("seats").await["confirmed"], 0);
            watchers.push(ws);
        }
        guest(&app, sid, 1).await;
        guest(&app, sid, 2).await;
        for ws in &mut watchers {
            let mut f = ws.next_of("seats").await;
            if f["confirmed"] == 1 {
                f = ws.next_of("seats").await;
            }
            assert_eq!((f["confirmed"].as_i64(), f["seats_left"].as_i64()), (Some(2), Some(498)), "{f}");
        }
    }

    async fn a_person_is_told_live_and_a_reconnect_replays_what_the_page_missed(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Lettura ad alta voce", Some(1), 0).await;
        let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
        let bruno = app.signup_verified_user("bruno@example.org", "Bruno", PASSWORD).await;
        expect_status(app.patch_json(&bruno, "/api/v1/me", &json!({"locale": "en"})).await, 200).await;
        let a = expect_status(app.post_json(&anna, &bookings_path(sid), &json!({})).await, 201).await;
        let b = expect_status(app.post_json(&bruno, &bookings_path(sid), &json!({})).await, 201).await;
        assert_eq!(b["status"], "waitlisted");

        let cookie = session_cookie(&app, "bruno@example.org").await;
        let mut ws = open(&app.address, Some(&cookie), "").await;
        let hello = ws.next().await;
        assert_eq!((hello["signed_in"].as_bool(), hello["unread"].as_i64(), hello["id"].as_i64()), (Some(true), Some(0), Some(0)), "{hello}");

        // Anna cancels: Bruno's seat is confirmed, and his open page hears it at once, in
        // his language, with the unread count.
        expect_status(app.delete(&anna, &format!("/api/v1/bookings/{}", a["id"])).await, 200).await;
        let n = ws.next_of("notification").await;
        assert_eq!((n["kind"].as_str(), n["unread"].as_i64()), (Some("seat_promoted"), Some(1)), "{n}");
        assert!(n["text"].as_str().unwrap().starts_with("A seat has freed up") && n["text"].as_str().unwrap().contains("Lettura ad alta voce"), "{n}");
        assert_eq!(n["link"], format!("/bookings/{}", b["id"]));
        let first = n["id"].as_i64().unwrap();
        // Anna, who is not connected, is told nothing; nothing else reaches Bruno.
        ws.quiet().await;
        drop(ws);

        // While his page is closed the session moves: stored, and sent when it reconnects
        // saying which notification it saw last.
        let later = crate::activities::local_text(crate::activities::at(crate::activities::today() + chrono::Duration::days(9), 16, 0));
        expect_status(crate::activities::edit_session(&app, &org.client, sid, &json!({"starts_at": later})).await, 200).await;
        let mut ws = open(&app.address, Some(&cookie), &format!("?last_id={first}")).await;
        let hello = ws.next().await;
        assert_eq!(hello["unread"], 2, "{hello}");
        let missed = ws.next().await;
        assert_eq!((missed["type"].as_str(), missed["kind"].as_str()), (Some("notification"), Some("session_moved")), "{missed}");
        assert!(missed["id"].as_i64().unwrap() > first);
        assert_eq!(hello["id"], missed["id"]);
        ws.quiet().await;
        // A page that saw everything gets nothing again; a new page (no id) just the count.
        let mut fresh = open(&app.address, Some(&cookie), &format!("?last_id={}", missed["id"])).await;
        assert_eq!(fresh.next().await["type"], "hello");
        fresh.quiet().await;
        // Over HTTP the same two are there: nothing depends on the socket.
        let list = expect_status(app.get(&bruno, "/api/v1/notifications").await, 200).await;
        assert_eq!(list["unread"], 2, "{list}");

        // Signing out ends the person's sockets.
        let resp = app.post_json(&bruno, "/api/v1/auth/signout", &json!({})).await;
        assert!(resp.status().is_success(), "{}", resp.status());
        assert!(signed_out(ws.closed().await));
        assert!(signed_out(fresh.closed().await));
        let mut after = open(&app.address, Some(&cookie), "").await;
        assert_eq!(after.next().await["signed_in"], false, "the old cookie is nobody's now");
    }

    async fn a_device_signed_out_from_another_stops_hearing_private_updates(app) {
        let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
        let library = session_cookie(&app, "anna@example.org").await;
        let mut ws = open(&app.address, Some(&library), "").await;
        assert_eq!(ws.next().await["signed_in"], true);
        // From her phone, Anna ends the session she left open at the library terminal.
        let list = expect_status(app.get(&anna, "/api/v1/me/sessions").await, 200).await;
        let other = list.as_array().unwrap().iter().find(|s| s["current"] == false).expect("the library's session")["id"].as_i64().unwrap();
        let resp = app.delete(&anna, &format!("/api/v1/me/sessions/{other}")).await;
        assert!(resp.status().is_success(), "{}", resp.status());
        // The terminal's socket is asked to reconnect, and comes back as nobody.
        assert_eq!(ws.closed().await, (1012, "reconnect".to_string()));
        let mut again = open(&app.address, Some(&library), "").await;
        let hello = again.next().await;
        assert_eq!((hello["signed_in"].as_bool(), hello["unread"].as_i64()), (Some(false), Some(0)), "{hello}");
    }

    async fn the_organizers_check_in_screen_hears_each_check_in(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Coro di quartiere", Some(10), 0).await;
        let b1 = guest(&app, sid, 1).await;
        let b2 = guest(&app, sid, 2).await;
        move_session(&app, sid, -10, 90).await;
        expect_status(mark(&app, &org.client, sid, b1["id"].as_i64().unwrap(), "attended").await, 204).await;

        let cookie = session_cookie(&app, "org@example.org").await;
        let mut ws = open(&app.address, Some(&cookie), "").await;
        ws.next_of("hello").await;
        ws.subscribe(&format!("register:{sid}")).await;
        // First who is already marked…
        let f = ws.next_of("checkin").await;
        assert_eq!((f["booking_id"].as_i64(), f["attendance"].as_str()), (b1["id"].as_i64(), Some("attended")), "{f}");
        // …then each new mark as it happens (from another device of the organizer, or the
        // participant's own code).
        let code = expect_status(app.get(&org.client, &format!("/api/v1/sessions/{sid}/register")).await, 200).await["checkin_code"].as_str().unwrap().to_string();
        let token = crate::participation::token_of(&b2);
        let resp = app.post_json(&app.client(), &format!("/api/v1/bookings/{}/check-in", b2["id"]), &json!({"code": code, "token": token})).await;
        assert_eq!(resp.status().as_u16(), 204, "check-in by code");
        let f = ws.next_of("checkin").await;
        assert_eq!((f["booking_id"].as_i64(), f["attendance"].as_str(), f["session_id"].as_i64()), (b2["id"].as_i64(), Some("attended"), Some(sid)), "{f}");

        // Someone who does not run the activity may not follow its register.
        app.signup_verified_user("curioso@example.org", "Curioso", PASSWORD).await;
        let other = session_cookie(&app, "curioso@example.org").await;
        let mut ws = open(&app.address, Some(&other), "").await;
        ws.next_of("hello").await;
        ws.subscribe(&format!("register:{sid}")).await;
        let (code, reason) = ws.closed().await;
        assert_eq!(code, 1008, "{reason}");
        assert!(reason.contains("organizers"), "{reason}");
    }

    async fn bad_input_closes_that_socket_with_a_clear_code_and_everyone_else_is_served(app: |s| { s.live.max_subscriptions = 2; s.live.max_frame_bytes = 256; s.live.max_sockets_per_user = 2; }) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Tombola", Some(5), 0).await;
        let mut watcher = open(&app.address, None, "").await;
        watcher.next_of("hello").await;
        watcher.subscribe(&format!("session:{sid}")).await;
        watcher.next_of("seats").await;

        // Anonymous asking for someone's notifications.
        let mut ws = open(&app.address, None, "").await;
        ws.subscribe("user:1").await;
        let (code, reason) = ws.closed().await;
        assert_eq!(code, 1008);
        assert!(reason.contains("sign in"), "{reason}");
        // Signed in, asking for another person's.
        let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
        let anna_id = app.me_ok(&anna).await["id"].as_i64().unwrap();
        let cookie = session_cookie(&app, "anna@example.org").await;
        let mut ws = open(&app.address, Some(&cookie), "").await;
        ws.next_of("hello").await;
        ws.subscribe(&format!("user:{anna_id}")).await; // one's own: fine, nothing to do
        ws.subscribe(&format!("user:{}", anna_id + 1)).await;
        assert_eq!(ws.closed().await, (1008, "not your topic".to_string()));
        // Not a message of the protocol; binary; too large; unknown topic kind.
        let mut ws = open(&app.address, None, "").await;
        ws.send(json!({"type": "shout", "topic": "session:1"})).await;
        assert_eq!(ws.closed().await.0, 1003);
        let mut ws = open(&app.address, None, "").await;
        ws.stream.send(Message::Text("not json".into())).await.unwrap();
        assert_eq!(ws.closed().await.0, 1003);
        let mut ws = open(&app.address, None, "").await;
        ws.stream.send(Message::Binary(vec![1u8, 2, 3].into())).await.unwrap();
        assert_eq!(ws.closed().await.0, 1003);
        let mut ws = open(&app.address, None, "").await;
        ws.send(json!({"type": "subscribe", "topic": "x".repeat(400)})).await;
        assert_eq!(ws.closed().await.0, u16::from(CloseCode::Size));
        let mut ws = open(&app.address, None, "").await;
        ws.subscribe("everything:1").await;
        assert_eq!(ws.closed().await, (1008, "unknown topic".to_string()));
        // Too many subscriptions.
        let (_, s2) = one_session(&app, &org, "Burraco", Some(5), 0).await;
        let (_, s3) = one_session(&app, &org, "Scacchi", Some(5), 0).await;
        let mut ws = open(&app.address, None, "").await;
        for s in [sid, s2] {
            ws.subscribe(&format!("session:{s}")).await;
            ws.next_of("seats").await;
        }
        ws.subscribe(&format!("session:{s3}")).await;
        assert_eq!(ws.closed().await, (1008, "too many subscriptions".to_string()));

        // Refused before the upgrade: another site's page; too many sockets for a person;
        // a plain request.
        assert_eq!(refused_status(&app.address, None, Some("https://evil.example")).await, 403);
        let _second = open(&app.address, Some(&cookie), "").await;
        let _third = open(&app.address, Some(&cookie), "").await;
        assert_eq!(refused_status(&app.address, Some(&cookie), None).await, 429);
        let plain = app.get(&app.client(), "/ws").await;
        assert_eq!(plain.status().as_u16(), 400);
        // The page's own origin is fine.
        let mut own = try_open(&app.address, None, "", Some(&app.address)).await.expect("same origin");
        own.next_of("hello").await;

        // Through all this, the first watcher is served as before.
        guest(&app, sid, 1).await;
        assert_eq!(watcher.next_of("seats").await["confirmed"], 1);
    }

    async fn a_consumer_that_falls_behind_is_dropped_and_the_others_get_every_update(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Cineforum", None, 0).await;
        let cookie = session_cookie(&app, "org@example.org").await;
        let topic = json!({"type": "subscribe", "topic": format!("register:{sid}")}).to_string();
        // A screen that stops reading, with a tiny receive buffer…
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let tcp = socket.connect(format!("127.0.0.1:{}", app.port).parse().unwrap()).await.unwrap();
        let mut req = ws_url(&app.address, "").into_client_request().unwrap();
        req.headers_mut().insert("cookie", HeaderValue::from_str(&format!("legami_session={cookie}")).unwrap());
        let (mut slow, _) = tokio_tungstenite::client_async(req, tcp).await.unwrap();
        slow.send(Message::Text(topic.clone().into())).await.unwrap();
        // …and one that keeps up.
        let mut quick = open(&app.address, Some(&cookie), "").await;
        quick.next_of("hello").await;
        quick.send(serde_json::from_str(&topic).unwrap()).await;
        quick.quiet().await;

        // A flood of large check-in frames on the bus (kilobytes each, so that the socket
        // buffers between the server and the stalled screen fill up).
        const N: usize = 3000;
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            while got.len() < N {
                let f = quick.next_of("checkin").await;
                got.push(f["booking_id"].as_i64().unwrap());
            }
            got
        });
        for i in 0..N {
            app.state.bus.publish(legami::bus::Event::CheckedIn {
                session_id: sid,
                booking_id: i as i64,
                attendance: format!("attended{}", " ".repeat(4 * 1024)),
            }).await;
            if i % 2 == 1 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        let got = tokio::time::timeout(Duration::from_secs(30), reader).await.expect("the quick screen got everything").unwrap();
        assert_eq!(got, (0..N as i64).collect::<Vec<_>>(), "every frame, in order");
        // The stalled one, once it reads again, finds itself told to reconnect.
        let mut code = None;
        while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_secs(10), slow.next()).await {
            match msg {
                Ok(Message::Close(Some(f))) => { code = Some((u16::from(f.code), f.reason.to_string())); break; }
                Ok(_) => continue,
                Err(_) => break,
            }
        }
        assert_eq!(code, Some((1013, "too slow: reconnect".to_string())));
    }

    postgres_only {
        async fn when_redis_restarts_the_sockets_stay_up_live_updates_resume_and_nothing_stored_is_lost(app) {
            let mut redis = OwnRedis::start();
            let mut settings = (*app.state.settings).clone();
            settings.redis.url = secrecy::SecretString::from(redis.url());
            settings.redis.max_backoff_ms = 200;
            let a = legami::startup::build_state(settings.clone()).await.unwrap();
            let b = legami::startup::build_state(settings).await.unwrap();
            let mut addresses = Vec::new();
            for state in [a, b] {
                let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                addresses.push(format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port()));
                tokio::spawn(legami::startup::Application::with_state(state, listener).unwrap().run_until_stopped());
            }
            let (on_a, on_b) = (addresses[0].clone(), addresses[1].clone());
            let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
            let (_, sid) = one_session(&app, &org, "Ballo liscio", Some(1), 0).await;
            let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
            app.signup_verified_user("bruno@example.org", "Bruno", PASSWORD).await;
            let cookie = session_cookie(&app, "bruno@example.org").await;
            let bruno = app.signed_in_client("bruno@example.org", PASSWORD).await;
            let a1 = expect_status(app.post_json(&anna, &bookings_path(sid), &json!({})).await, 201).await;
            expect_status(app.post_json(&bruno, &bookings_path(sid), &json!({})).await, 201).await;
            let mut ws = open(&on_a, Some(&cookie), "").await;
            ws.next_of("hello").await;

            // 1. Through B while Redis is up: heard live on A.
            let r = anna.delete(format!("{on_b}/api/v1/bookings/{}", a1["id"])).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let first = ws.next_of("notification").await;
            assert_eq!(first["kind"], "seat_promoted", "{first}");

            // 2. Redis stops. The session moves through B: stored; A's socket stays up.
            redis.stop();
            let later = crate::activities::local_text(crate::activities::at(crate::activities::today() + chrono::Duration::days(9), 16, 0));
            let r = org.client.patch(format!("{on_b}/api/v1/sessions/{sid}")).json(&json!({"starts_at": later})).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "B keeps working without Redis");

            // 3. Redis is back: A resubscribes by itself; live updates resume.
            redis.restart();
            let mut watcher = open(&on_a, None, "").await;
            watcher.next_of("hello").await;
            watcher.subscribe(&format!("session:{sid}")).await;
            watcher.next_of("seats").await;
            let mut resumed = false;
            for n in 0..50 {
                let r = Client::new().post(format!("{on_b}{}", bookings_path(sid))).json(&json!({"name": "Pina", "phone": format!("+39 333 {:07}", 100 + n)})).send().await.unwrap();
                assert_eq!(r.status().as_u16(), 201);
                if let Ok(f) = tokio::time::timeout(Duration::from_millis(300), watcher.next_of("seats")).await {
                    assert!(f["waiting"].as_i64().unwrap() >= 1, "{f}");
                    resumed = true;
                    break;
                }
            }
            assert!(resumed, "A hears B again once Redis is back");
            let even_later = crate::activities::local_text(crate::activities::at(crate::activities::today() + chrono::Duration::days(10), 16, 0));
            let r = org.client.patch(format!("{on_b}/api/v1/sessions/{sid}")).json(&json!({"starts_at": even_later})).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let third = ws.next_of("notification").await;
            assert_eq!(third["kind"], "session_moved", "{third}");

            // 4. Nothing stored was lost: the page that reconnects gets the one it missed,
            // and HTTP lists all three.
            drop(ws);
            let mut ws = open(&on_a, Some(&cookie), &format!("?last_id={}", first["id"])).await;
            assert_eq!(ws.next().await["unread"], 3);
            let missed = ws.next_of("notification").await;
            assert_eq!(missed["kind"], "session_moved");
            assert!(missed["id"].as_i64() > first["id"].as_i64() && missed["id"].as_i64() < third["id"].as_i64(), "{missed}");
            assert_eq!(ws.next_of("notification").await["id"], third["id"]);
            let list = expect_status(app.get(&bruno, "/api/v1/notifications").await, 200).await;
            assert_eq!(list["items"].as_array().unwrap().len(), 3, "{list}");
        }

        async fn a_socket_on_one_instance_hears_what_happens_through_another(app) {
            let twin = app.spawn_twin().await;
            let admin = app.admin_client().await;
            let (giulia, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
            let (marco, _) = accredited_linker(&app, &admin, "marco@example.org", "Marco").await;
            let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
            let (_, sid) = one_session(&app, &org, "Coro di quartiere", Some(10), 0).await;
            let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
            expect_status(app.post_json(&giulia, &format!("/api/v1/residents/{maria}/linkers"), &json!({"email": "marco@example.org"})).await, 204).await;
            let r = expect_status(app.post_json(&giulia, &format!("/api/v1/residents/{maria}/referrals"), &json!({"session_id": sid})).await, 201).await;

            // Giulia's page is open on A; anyone's page watches the seats on A.
            let cookie = session_cookie(&app, "giulia@example.org").await;
            let mut ws = open(&app.address, Some(&cookie), "").await;
            ws.next_of("hello").await;
            ws.subscribe(&format!("session:{sid}")).await;
            let before = ws.next_of("seats").await;
            // Marco records Maria's yes through B: Giulia hears it on A, with the seat taken.
            let resp = marco.post(twin.url(&format!("/api/v1/referrals/{}/answer", r["id"]))).json(&json!({"accept": true, "channel": "phone"})).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            // (the two come in either order)
            let (mut n, mut after) = (Value::Null, Value::Null);
            while n.is_null() || after.is_null() {
                let f = ws.next().await;
                match f["type"].as_str() {
                    Some("notification") => n = f,
                    Some("seats") => after = f,
                    _ => {}
                }
            }
            assert_eq!(n["kind"], "referral_answered", "{n}");
            assert!(n["text"].as_str().unwrap().contains("Maria"), "{n}");
            assert_eq!(after["confirmed"].as_i64(), before["confirmed"].as_i64().map(|c| c + 1), "{after}");
            // A guest joining through B moves A's counter too.
            let resp = Client::new().post(twin.url(&bookings_path(sid))).json(&json!({"name": "Pina", "phone": "+39 333 7654321"})).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 201);
            let again = ws.next_of("seats").await;
            assert_eq!(again["confirmed"].as_i64(), after["confirmed"].as_i64().map(|c| c + 1), "{again}");
            // Giulia signs out through B: her socket on A ends.
            let resp = giulia.post(twin.url("/api/v1/auth/signout")).json(&json!({})).send().await.unwrap();
            assert!(resp.status().is_success(), "{}", resp.status());
            assert!(signed_out(ws.closed().await));
        }
    }
}
