//! Live updates in a real browser: headless Chromium driven through chromedriver (WebDriver)
//! opens a page, another client changes something over HTTP, and the page shows it without a
//! reload — the seats of a session, and a signed-in person's unread count and notification list.
//!
//! Needs `chromedriver` and Chromium (Debian: `apt-get install chromium chromium-driver`);
//! `LEGAMI_TEST_CHROMEDRIVER` and `LEGAMI_TEST_CHROME` point at other binaries.

use crate::activities::{id_of, Publisher};
use crate::helpers::*;
use crate::participation::one_session;
use fantoccini::{Client as Browser, ClientBuilder, Locator};
use reqwest::Client;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a live change may take to show on the page.
const LIVE_WITHIN: Duration = Duration::from_secs(15);

/// A chromedriver process of this test's own, stopped when the test ends (also on panic).
struct Driver {
    child: Child,
    port: u16,
    url: String,
}

impl Drop for Driver {
    /// `GET /shutdown` makes chromedriver quit its browsers too (killing the driver alone would
    /// leave Chromium running when a test panics before closing its session).
    fn drop(&mut self) {
        use std::io::{Read, Write};
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = write!(
                s,
                "GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.port
            );
            let _ = s.read_to_end(&mut Vec::new());
        }
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn driver_binary() -> String {
    std::env::var("LEGAMI_TEST_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_string())
}

/// Starts chromedriver on a free port and waits until it answers.
async fn start_driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("finding a free port")
        .port();
    let bin = driver_binary();
    let child = Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "chromedriver could not start ({bin}: {e}). The browser tests need Chromium and \
                 its driver: apt-get install chromium chromium-driver, or point \
                 LEGAMI_TEST_CHROMEDRIVER at a chromedriver."
            )
        });
    let driver = Driver {
        child,
        port,
        url: format!("http://127.0.0.1:{port}"),
    };
    let status = format!("{}/status", driver.url);
    let started = Instant::now();
    loop {
        if let Ok(r) = Client::new().get(&status).send().await {
            if r.status().is_success() {
                return driver;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not answer at {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A headless Chromium session (Italian, the site's default language).
async fn browser(driver: &Driver) -> Browser {
    let mut chrome = json!({
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=1200,900",
            "--lang=it-IT",
        ],
        "prefs": {"intl.accept_languages": "it-IT,it"},
    });
    let binary = std::env::var("LEGAMI_TEST_CHROME").ok().or_else(|| {
        std::path::Path::new("/usr/bin/chromium")
            .exists()
            .then(|| "/usr/bin/chromium".to_string())
    });
    if let Some(b) = binary {
        chrome["binary"] = json!(b);
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_string(), chrome);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("starting headless Chromium through {}: {e}", driver.url))
}

/// Runs `body` in the page; its result as JSON.
async fn js(b: &Browser, body: &str) -> Value {
    b.execute(body, vec![])
        .await
        .unwrap_or_else(|e| panic!("running script in the page: {e}\n{body}"))
}

/// The text of the first element matching `css` ("" when there is none); read from the DOM,
/// so text that is only for screen readers counts too.
async fn text_of(b: &Browser, css: &str) -> String {
    let script = format!(
        "const e = document.querySelector({}); return e ? e.textContent.trim() : '';",
        json!(css)
    );
    js(b, &script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits until `check` holds for what `read` returns; panics with the last value otherwise.
async fn eventually<F, Fut>(what: &str, mut read: F, check: impl Fn(&str) -> bool) -> String
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let started = Instant::now();
    loop {
        let got = read().await;
        if check(&got) {
            return got;
        }
        assert!(
            started.elapsed() < LIVE_WITHIN,
            "{what}: still {got:?} after {LIVE_WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page's socket said hello, so that what happens next is live, not replayed.
async fn wait_connected(b: &Browser) {
    eventually(
        "the page's live connection",
        || async {
            js(b, "return document.documentElement.dataset.live || ''")
                .await
                .as_str()
                .unwrap_or_default()
                .to_string()
        },
        |s| s == "connected",
    )
    .await;
}

/// Marks the loaded document, to prove later that the page was not reloaded.
async fn mark_document(b: &Browser) {
    js(b, "window.__legamiSamePage = true; return null;").await;
}

async fn assert_same_document(b: &Browser) {
    let same = js(b, "return window.__legamiSamePage === true;").await;
    assert_eq!(same, json!(true), "the page was reloaded");
}

/// Signs the browser in as `email`: the session cookie of a sign-in over HTTP, given to the
/// browser (the form itself is tested in `signing_in_through_the_form_works_in_a_browser`).
async fn sign_in(app: &TestApp, b: &Browser, email: &str) {
    let resp = app.signin(&app.client(), email, PASSWORD).await;
    let name = app.state.session_cookie();
    let header = set_cookies(&resp)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| {
            panic!(
                "signing in {email} set no {name} cookie ({})",
                resp.status()
            )
        });
    // The cookie as the site set it (HttpOnly, SameSite=Lax, path /), for this host.
    let mut cookie = fantoccini::cookies::Cookie::parse(header).expect("a Set-Cookie header");
    cookie.set_domain("127.0.0.1");
    // A cookie can only be given to the site the browser is on.
    b.goto(&app.url("/")).await.expect("opening the home page");
    b.add_cookie(cookie)
        .await
        .expect("giving the browser the session cookie");
}

/// Signs in through the sign-in page's form, as a person would, landing on `next`.
async fn sign_in_with_the_form(app: &TestApp, b: &Browser, email: &str, next: &str) {
    b.goto(&app.url(&format!("/signin?next={next}")))
        .await
        .expect("opening the sign-in page");
    b.find(Locator::Css("#email"))
        .await
        .expect("the e-mail field")
        .send_keys(email)
        .await
        .expect("typing the e-mail");
    b.find(Locator::Css("#password"))
        .await
        .expect("the password field")
        .send_keys(PASSWORD)
        .await
        .expect("typing the password");
    b.find(Locator::Css(
        "form[action=\"/signin\"] button[type=\"submit\"]",
    ))
    .await
    .expect("the sign-in button")
    .click()
    .await
    .expect("submitting the form");
    let started = Instant::now();
    loop {
        let path = b
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        if path == next {
            return;
        }
        if started.elapsed() > LIVE_WITHIN {
            let page = b.source().await.unwrap_or_default();
            panic!("still on {path} after signing in through the form:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Moves a session so that it started ten minutes ago: its register takes marks.
async fn start_now(app: &TestApp, session: i64) {
    let fmt = "%Y-%m-%d %H:%M:%S";
    let now = chrono::Utc::now().naive_utc();
    let starts = (now - chrono::Duration::minutes(10)).format(fmt);
    let ends = (now + chrono::Duration::minutes(80)).format(fmt);
    app.exec_sql(&format!(
        "UPDATE activity_sessions SET starts_at = '{starts}', ends_at = '{ends}' WHERE id = {session}"
    ))
    .await;
}

fn bookings(sid: i64) -> String {
    format!("/api/v1/sessions/{sid}/bookings")
}

both_backends! {
    async fn the_seats_on_a_session_page_change_while_it_is_open(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Passeggiata al parco", Some(5), 0).await;
        let driver = start_driver().await;
        let b = browser(&driver).await;

        // Someone with no account reads the session page.
        b.goto(&app.url(&format!("/sessions/{sid}"))).await.expect("opening the session page");
        assert_eq!(text_of(&b, "[data-seat=\"left\"]").await, "5");
        wait_connected(&b).await;
        mark_document(&b).await;

        // Two people join from elsewhere, over HTTP.
        expect_status(app.post_json(&Client::new(), &bookings(sid), &json!({"name": "Pina", "phone": "+39 333 1234567"})).await, 201).await;
        eventually("seats left after one join", || text_of(&b, "[data-seat=\"left\"]"), |s| s == "4").await;
        let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
        expect_status(app.post_json(&anna, &bookings(sid), &json!({})).await, 201).await;
        eventually("seats left after two joins", || text_of(&b, "[data-seat=\"left\"]"), |s| s == "3").await;
        assert_eq!(text_of(&b, "[data-seat=\"capacity\"]").await, "5");
        assert_eq!(text_of(&b, "[data-seat=\"waiting\"]").await, "0");
        assert_same_document(&b).await;

        // Screen-reader users hear it once, politely, in the page's words.
        let said = eventually("the seats announcement", || text_of(&b, "[data-live-seats-status]"), |s| s.contains('3')).await;
        assert!(said.contains("Posti ancora liberi"), "{said}");
        // Nothing took the focus away.
        let focused = js(&b, "return document.activeElement === document.body;").await;
        assert_eq!(focused, json!(true));

        b.close().await.expect("closing the browser");
    }

    async fn a_signed_in_person_sees_a_new_notification_without_reloading(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Lettura ad alta voce", Some(1), 0).await;
        let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
        let a = expect_status(app.post_json(&anna, &bookings(sid), &json!({})).await, 201).await;
        let bruno = app.signup_verified_user("bruno@example.org", "Bruno", PASSWORD).await;
        let w = expect_status(app.post_json(&bruno, &bookings(sid), &json!({})).await, 201).await;
        assert_eq!(w["status"], "waitlisted");

        let driver = start_driver().await;
        let b = browser(&driver).await;
        sign_in(&app, &b, "bruno@example.org").await;
        b.goto(&app.url("/me/notifications")).await.expect("opening the notifications page");
        assert_eq!(text_of(&b, "h1").await, "Le tue notifiche", "not signed in");
        // Nothing unread yet: the header's count is there, but hidden.
        let hidden = js(&b, "return document.querySelector('[data-live-badge]').hidden;").await;
        assert_eq!(hidden, json!(true));
        wait_connected(&b).await;
        mark_document(&b).await;

        // Anna cancels: Bruno moves up from the waiting list and is told.
        expect_status(app.delete(&anna, &format!("/api/v1/bookings/{}", a["id"])).await, 200).await;
        eventually("the header's unread count", || text_of(&b, "[data-live-badge]"), |s| s.starts_with('1')).await;
        let shown = js(&b, "const e = document.querySelector('[data-live-badge]'); return !e.hidden && e.classList.contains('count-badge');").await;
        assert_eq!(shown, json!(true), "the count is not visible");
        // The list on this page gets the notification on top, as a link to the booking.
        let card = eventually("the new card", || text_of(&b, "[data-live-notifications] li"), |s| s.contains("Lettura ad alta voce")).await;
        assert!(card.starts_with("Nuova"), "the new card is marked as new: {card}");
        let link = js(&b, "const a = document.querySelector('[data-live-notifications] li a'); return a ? a.getAttribute('href') : null;").await;
        assert_eq!(link, json!(format!("/bookings/{}", w["id"])));
        // And it is said once, politely.
        let said = eventually("the announcement", || text_of(&b, "[data-live-announcer]"), |s| s.contains("Lettura ad alta voce")).await;
        assert!(said.starts_with("Nuova notifica:"), "{said}");
        assert_same_document(&b).await;

        // Another page of the same tab: the count is right from the server, and nothing is
        // told twice (the tab remembers the last notification it saw).
        b.goto(&app.url("/activities")).await.expect("opening another page");
        assert!(text_of(&b, "[data-live-badge]").await.starts_with('1'));
        wait_connected(&b).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(text_of(&b, "[data-live-announcer]").await, "");

        b.close().await.expect("closing the browser");
    }

    /// Chromium sends `Origin: null` on a form's POST when the page says
    /// `Referrer-Policy: no-referrer`; the site must still accept its own forms.
    async fn signing_in_through_the_form_works_in_a_browser(app) {
        app.signup_verified("cara@example.org", "Cara", PASSWORD).await;
        let driver = start_driver().await;
        let b = browser(&driver).await;
        sign_in_with_the_form(&app, &b, "cara@example.org", "/me/bookings").await;
        b.close().await.expect("closing the browser");
    }

    async fn the_register_shows_a_mark_made_on_another_phone(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Tombola del giovedì", Some(5), 0).await;
        let pina = id_of(&expect_status(app.post_json(&Client::new(), &bookings(sid), &json!({"name": "Pina", "phone": "+39 333 1234567"})).await, 201).await);
        start_now(&app, sid).await;

        // The organizer has the register open on one phone…
        let driver = start_driver().await;
        let b = browser(&driver).await;
        sign_in(&app, &b, "org@example.org").await;
        let base = format!("/sessions/{sid}/register");
        b.goto(&app.url(&base)).await.expect("opening the register");
        let line = format!("[data-booking-id=\"{pina}\"]");
        let mark = format!("{line} [data-attendance]");
        assert_eq!(text_of(&b, &mark).await, "non ancora segnato");
        wait_connected(&b).await;
        mark_document(&b).await;

        // …and a helper marks Pina present on another (an ordinary form post).
        let csrf = app.page_csrf(&org.client, &base).await;
        let resp = app.post_form(&org.client, &format!("{base}/{pina}"), &[("_csrf", &csrf), ("attendance", "attended")]).await;
        expect_see_other(&resp);
        eventually("Pina's mark", || text_of(&b, &mark), |s| s == "presente").await;
        let state = js(&b, &format!(
            "const l = document.querySelector({}); return [l.classList.contains('live-changed'), \
             l.querySelector('.reg-here').classList.contains('is-current'), \
             l.querySelector('[data-attendance]').classList.contains('status-accredited')];",
            json!(line)
        )).await;
        assert_eq!(state, json!([true, true, true]), "the line is highlighted, with its buttons in step");
        let said = eventually("the register's announcement", || text_of(&b, "[data-live-register-status]"), |s| !s.is_empty()).await;
        assert_eq!(said, "Registro aggiornato: Pina, presente");
        assert_same_document(&b).await;

        b.close().await.expect("closing the browser");
    }
}
