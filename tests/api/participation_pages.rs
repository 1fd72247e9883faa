//! The pages for people who take part, used the way a browser without JavaScript uses them: a
//! guest joins from the session page by phone (a place at once, and a private link to keep)
//! or by e-mail (the place waits for the mailed link), cancels from the private page and the
//! seat comes back; a signed-in person sees their booking on the session page and in their
//! list; a linker books for a resident; after the start people check in with the venue's code
//! and say how it went; the pages speak English; forms without the CSRF token are refused; a
//! bad phone number comes back next to its field and nothing is saved.

use crate::activities::{at, draft, interest, local_text, next_weekday, Publisher};
use crate::helpers::*;
use crate::resident_pages::{decode, field_error, linker, page, post, register_maria};
use chrono::Weekday;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_LANGUAGE};
use reqwest::Client;
use serde_json::{json, Value};

/// An organizer and one session of a new activity next Tuesday afternoon with `capacity`
/// seats (`None`: no limit): (organizer, session id).
async fn a_session(app: &TestApp, capacity: Option<i64>) -> (Publisher, i64) {
    let org = Publisher::new(app, "olga@example.org", "Circolo del Duomo").await;
    let walking = interest(app, "walking-group").await;
    let mut body = draft(
        "Tombola del martedì",
        at(next_weekday(Weekday::Tue), 15, 0),
        "",
        &[walking],
    );
    body["capacity"] = json!(capacity);
    let a = org.create(app, &body).await;
    let sid = a["sessions"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no session in {a}"));
    (org, sid)
}

/// The public seat counters of a session.
async fn seats(app: &TestApp, sid: i64) -> Value {
    expect_status(
        app.get(&app.client(), &format!("/api/v1/sessions/{sid}/seats"))
            .await,
        200,
    )
    .await
}

/// The token of a `…/bookings/manage?t=TOKEN…` link.
fn token_in(text: &str) -> String {
    let start = text
        .find("/bookings/manage?t=")
        .unwrap_or_else(|| panic!("no private link in {text}"))
        + "/bookings/manage?t=".len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(token.len(), 43, "not a whole token in {text}");
    token
}

/// A guest joins by phone; returns the private page's address (after the redirect).
async fn guest_joins_by_phone(app: &TestApp, sid: i64, name: &str, phone: &str) -> String {
    let guest = app.client();
    let resp = post(
        app,
        &guest,
        &format!("/sessions/{sid}/bookings"),
        &[("name", name), ("phone", phone)],
    )
    .await;
    let to = expect_see_other(&resp);
    assert!(
        to.starts_with("/bookings/manage?t=") && to.ends_with("&done=joined"),
        "{to}"
    );
    to
}

/// The id in a `/bookings/{id}?…` location.
fn booking_id(location: &str) -> i64 {
    let rest = location
        .strip_prefix("/bookings/")
        .unwrap_or_else(|| panic!("not a booking page: {location}"));
    rest.chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {location}"))
}

/// A browser set to English.
fn english_client() -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("a client")
}

/// Moves a session so that it started ten minutes ago.
async fn start_now(app: &TestApp, sid: i64) {
    let sql = match app.backend {
        Backend::Sqlite => format!(
            "UPDATE activity_sessions SET starts_at = datetime('now', '-10 minutes'), \
             ends_at = datetime('now', '+80 minutes') WHERE id = {sid}"
        ),
        Backend::Postgres => format!(
            "UPDATE activity_sessions SET starts_at = (now() AT TIME ZONE 'utc') - interval '10 minutes', \
             ends_at = (now() AT TIME ZONE 'utc') + interval '80 minutes' WHERE id = {sid}"
        ),
    };
    app.exec_sql(&sql).await;
}

both_backends! {
    async fn a_guest_joins_by_phone_from_the_session_page_and_keeps_the_private_link(app) {
        let (_org, sid) = a_session(&app, Some(1)).await;
        let guest = app.client();
        let html = page(&app, &guest, &format!("/sessions/{sid}")).await;
        for text in ["Posti e iscrizione", "Posti in tutto", "Posti ancora liberi", "Persone in lista d'attesa", "Voglio partecipare"] {
            assert!(html.contains(text), "{text:?} is missing from the session page:\n{html}");
        }
        assert!(html.contains(&format!("action=\"/sessions/{sid}/bookings\"")), "{html}");
        assert!(html.contains("name=\"phone\"") && html.contains("name=\"email\"") && html.contains("name=\"name\""), "the guest form");
        assert!(html.contains("L'organizzatore vedrà il contatto che lasci"), "the guest is told who sees the contact");
        assert!(html.contains("ti mandiamo un link"), "the e-mail's link is explained");

        let to = guest_joins_by_phone(&app, sid, "Anna", "02 1234 5678").await;
        let result = page(&app, &guest, &to).await;
        assert!(result.contains("<h1>Hai un posto!</h1>"), "{result}");
        assert!(result.contains("Tieni questo link"), "{result}");
        let token = token_in(&to);
        let link = format!("{}/bookings/manage?t={token}", app.address);
        assert!(result.contains(&format!("<a href=\"{link}\">{link}</a>")), "the link is shown in full:\n{result}");
        assert!(result.contains("Posto confermato") && result.contains("Tombola del martedì"), "{result}");
        assert!(result.contains("Anna"), "the booking's name");
        // The language switch comes back to this page, token and all.
        assert_eq!(attribute_of_tag_with(&result, "name=\"next\"", "value"), Some(format!("/bookings/manage?t={token}")));
        let counts = seats(&app, sid).await;
        assert_eq!((counts["confirmed"].as_i64(), counts["seats_left"].as_i64()), (Some(1), Some(0)), "{counts}");

        // The session is full now: the next guests wait, and see their place in line.
        let html = page(&app, &app.client(), &format!("/sessions/{sid}")).await;
        assert!(html.contains("Mettimi in lista d'attesa"), "{html}");
        let bruno = page(&app, &app.client(), &guest_joins_by_phone(&app, sid, "Bruno", "333 111 2222").await).await;
        assert!(bruno.contains("<h1>Sei in lista d'attesa</h1>"), "{bruno}");
        assert!(bruno.contains("Sei al primo posto della lista d'attesa"), "{bruno}");
        let carla = page(&app, &app.client(), &guest_joins_by_phone(&app, sid, "Carla", "333 111 3333").await).await;
        assert!(carla.contains("al posto numero 2"), "{carla}");
        assert_eq!(seats(&app, sid).await["waiting"], 2);
    }

    async fn a_guest_who_gives_an_e_mail_confirms_through_the_mailed_link(app) {
        let (_org, sid) = a_session(&app, Some(5)).await;
        let guest = app.client();
        let resp = post(&app, &guest, &format!("/sessions/{sid}/bookings"), &[
            ("name", "Lucia"),
            ("email", "lucia@example.org"),
        ]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("/bookings/joined?outcome=check-email&session={sid}"));
        let html = page(&app, &guest, &to).await;
        assert!(html.contains("<h1>Controlla la tua e-mail</h1>"), "{html}");
        assert!(!html.contains("/bookings/manage?t="), "the link only travels by e-mail");
        assert_eq!(seats(&app, sid).await["confirmed"], 0, "no seat until the e-mail is confirmed");

        let mail = app.wait_for_mail("lucia@example.org", None).await;
        let first = token_in(&mail.body);
        // Lost the mail? Joining again sends a new link (the old one stops working).
        let resp = post(&app, &guest, &format!("/sessions/{sid}/bookings"), &[
            ("name", "Lucia"),
            ("email", "lucia@example.org"),
        ]).await;
        assert_eq!(expect_see_other(&resp), format!("/bookings/joined?outcome=check-email&session={sid}"));
        let mails = app.wait_for_mails("lucia@example.org", 2).await;
        let token = token_in(&mails[1].body);
        assert_ne!(token, first);
        expect_page(app.get(&guest, &format!("/bookings/manage?t={first}")).await, 400).await;
        let manage = format!("/bookings/manage?t={token}");
        let html = page(&app, &guest, &manage).await;
        assert!(html.contains("Da confermare"), "{html}");
        assert!(html.contains("Conferma il mio posto"), "{html}");
        assert!(html.contains("action=\"/bookings/manage/confirm\""), "{html}");
        assert!(html.contains(&format!("name=\"t\" value=\"{token}\"")), "the token travels in the form");
        assert_eq!(seats(&app, sid).await["confirmed"], 0, "opening the link changes nothing");

        let resp = post(&app, &guest, "/bookings/manage/confirm", &[("t", token.as_str())]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("{manage}&done=confirmed"));
        let html = page(&app, &guest, &to).await;
        assert!(html.contains("<h1>Hai un posto!</h1>"), "{html}");
        assert!(html.contains("Grazie, hai confermato."), "{html}");
        assert!(!html.contains("Conferma il mio posto"), "{html}");
        assert_eq!(seats(&app, sid).await["confirmed"], 1);

        // A forged link is a clear 400, not a booking.
        let forged = format!("/bookings/manage?t={}", "A".repeat(43));
        let html = expect_page(app.get(&guest, &forged).await, 400).await;
        assert!(decode(&html).contains("Questo link non è valido"), "{html}");
    }

    async fn cancelling_from_the_private_page_gives_the_seat_back_and_the_first_in_line_gets_it(app) {
        let (_org, sid) = a_session(&app, Some(2)).await;
        let anna = guest_joins_by_phone(&app, sid, "Anna", "02 1234 5678").await;
        let token = token_in(&anna);
        assert_eq!(seats(&app, sid).await["seats_left"], 1);

        // Nothing changes on a GET: there is no cancel link, only a form.
        let html = page(&app, &app.client(), &format!("/bookings/manage?t={token}")).await;
        assert!(html.contains("action=\"/bookings/manage/cancel\""), "{html}");
        let resp = app.get(&app.client(), &format!("/bookings/manage/cancel?t={token}")).await;
        assert!(!resp.status().is_success() && !resp.status().is_redirection(), "GET cancelled: {}", resp.status());
        assert_eq!(seats(&app, sid).await["seats_left"], 1);

        let guest = app.client();
        let resp = post(&app, &guest, "/bookings/manage/cancel", &[("t", token.as_str())]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("/bookings/manage?t={token}&done=cancelled"));
        let html = page(&app, &guest, &to).await;
        assert!(html.contains("il tuo posto è annullato"), "{html}");
        assert!(html.contains("Annullata"), "{html}");
        assert!(!html.contains("action=\"/bookings/manage/cancel\""), "no cancel button on a cancelled booking");
        let counts = seats(&app, sid).await;
        assert_eq!((counts["confirmed"].as_i64(), counts["seats_left"].as_i64()), (Some(0), Some(2)), "{counts}");

        // A full session: when someone cancels, the first in line has the place.
        guest_joins_by_phone(&app, sid, "Bruno", "333 111 2222").await;
        let carla = guest_joins_by_phone(&app, sid, "Carla", "333 111 3333").await;
        let dario = guest_joins_by_phone(&app, sid, "Dario", "333 111 4444").await;
        assert!(page(&app, &app.client(), &dario).await.contains("Sei al primo posto della lista d'attesa"));
        let resp = post(&app, &app.client(), "/bookings/manage/cancel", &[("t", token_in(&carla).as_str())]).await;
        expect_see_other(&resp);
        let html = page(&app, &app.client(), &format!("/bookings/manage?t={}", token_in(&dario))).await;
        assert!(html.contains("Posto confermato"), "the first in line was promoted:\n{html}");
        let counts = seats(&app, sid).await;
        assert_eq!((counts["confirmed"].as_i64(), counts["waiting"].as_i64()), (Some(2), Some(0)), "{counts}");
    }

    async fn a_signed_in_person_sees_their_booking_on_the_session_page_and_in_their_list(app) {
        let (_org, sid) = a_session(&app, Some(10)).await;
        let me = app.signup_verified_user("pietro@example.org", "Pietro", PASSWORD).await;
        let html = page(&app, &me, &format!("/sessions/{sid}")).await;
        assert!(html.contains("Viene qualcuno con me"), "{html}");
        assert!(html.contains("L'organizzatore può vedere come contattarmi"), "{html}");
        assert!(!html.contains("name=\"phone\""), "no guest form for a signed-in person");
        assert!(html.contains("href=\"/me/bookings\""), "the navigation links to my bookings");

        let resp = post(&app, &me, &format!("/sessions/{sid}/bookings"), &[
            ("for_whom", "me"),
            ("with_someone", "1"),
        ]).await;
        let to = expect_see_other(&resp);
        let id = booking_id(&to);
        assert_eq!(to, format!("/bookings/{id}?done=joined"));
        let html = page(&app, &me, &to).await;
        assert!(html.contains("<h1>Hai un posto!</h1>"), "{html}");
        assert!(html.contains("Viene qualcuno con te (2 posti)."), "{html}");
        assert!(!html.contains("Tieni questo link"), "an account needs no private link");
        assert_eq!(seats(&app, sid).await["confirmed"], 2, "the companion takes a seat");

        let html = page(&app, &me, &format!("/sessions/{sid}")).await;
        assert!(html.contains("Hai già prenotato questo incontro."), "{html}");
        assert!(html.contains(&format!("action=\"/bookings/{id}/cancel\"")), "{html}");
        assert!(!html.contains("Voglio partecipare"), "no second join button:\n{html}");

        // Joining again is the same booking.
        let resp = post(&app, &me, &format!("/sessions/{sid}/bookings"), &[("for_whom", "me")]).await;
        assert_eq!(expect_see_other(&resp), format!("/bookings/{id}?done=already"));
        assert_eq!(seats(&app, sid).await["confirmed"], 2);

        let list = page(&app, &me, "/me/bookings").await;
        assert!(list.contains("<h1>Le mie prenotazioni</h1>"), "{list}");
        assert!(list.contains(&format!("id=\"booking-{id}\"")), "{list}");
        assert!(list.contains("Tombola del martedì") && list.contains("Posto confermato"), "{list}");
        assert!(list.contains(&format!("action=\"/bookings/{id}/cancel\"")), "{list}");
        let account = page(&app, &me, "/account").await;
        assert!(account.contains("href=\"/me/bookings\""), "the account page links to my bookings");

        // Cancelling from the list comes back to the list.
        let resp = post(&app, &me, &format!("/bookings/{id}/cancel"), &[("back", "list")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("/me/bookings?done=cancelled#booking-{id}"));
        let list = page(&app, &me, &to).await;
        assert!(list.contains("il tuo posto è annullato") && list.contains("Annullata"), "{list}");
        assert_eq!(seats(&app, sid).await["confirmed"], 0);

        // Someone else's booking is not there for another account.
        let other = app.signup_verified_user("otto@example.org", "Otto", PASSWORD).await;
        expect_page(app.get(&other, &format!("/bookings/{id}")).await, 404).await;
        // Signed out, my bookings ask to sign in.
        let resp = app.get(&app.client(), "/me/bookings").await;
        assert!(expect_see_other(&resp).starts_with("/signin?next="));
    }

    async fn a_linker_books_a_place_for_a_resident_and_goes_along(app) {
        let (org, sid) = a_session(&app, Some(10)).await;
        let giulia = linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = register_maria(&app, &giulia, &[]).await;
        let html = page(&app, &giulia, &format!("/sessions/{sid}")).await;
        assert!(html.contains("Iscrivi una persona che accompagni"), "{html}");
        assert!(html.contains(&format!("<option value=\"{maria}\">Maria</option>")), "{html}");
        assert!(html.contains("Vado io con la persona"), "{html}");

        // Without choosing the person: the error is next to the select.
        let resp = post(&app, &giulia, &format!("/sessions/{sid}/bookings"), &[
            ("for_whom", "resident"),
            ("resident_id", ""),
        ]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(field_error(&html, "resident_id").contains("Scegli la persona"), "{html}");

        let resp = post(&app, &giulia, &format!("/sessions/{sid}/bookings"), &[
            ("for_whom", "resident"),
            ("resident_id", &maria.to_string()),
            ("r_companion", "linker"),
            ("r_share_needs", "1"),
        ]).await;
        let to = expect_see_other(&resp);
        let html = page(&app, &giulia, &to).await;
        assert!(html.contains("<h1>Hai un posto!</h1>"), "{html}");
        assert!(html.contains("Maria"), "whose booking it is:\n{html}");
        assert!(html.contains("Viene il linker che accompagna (2 posti)."), "{html}");
        assert_eq!(seats(&app, sid).await["confirmed"], 2);
    }

    async fn after_the_start_a_guest_checks_in_with_the_code_and_says_how_it_went(app) {
        let (org, sid) = a_session(&app, Some(10)).await;
        let to = guest_joins_by_phone(&app, sid, "Anna", "02 1234 5678").await;
        let token = token_in(&to);
        let manage = format!("/bookings/manage?t={token}");
        let html = page(&app, &app.client(), &manage).await;
        assert!(!html.contains("name=\"code\"") && !html.contains("Com'è andata?"), "nothing to check in yet");

        start_now(&app, sid).await;
        let register = expect_status(app.get(&org.client, &format!("/api/v1/sessions/{sid}/register")).await, 200).await;
        let code = register["checkin_code"].as_str().expect("a check-in code").to_string();
        let html = page(&app, &app.client(), &manage).await;
        assert!(html.contains("name=\"code\""), "{html}");
        assert!(!html.contains("action=\"/bookings/manage/cancel\""), "too late to cancel");
        assert!(html.contains("Com'è andata?"), "{html}");
        let session_page = page(&app, &app.client(), &format!("/sessions/{sid}")).await;
        assert!(session_page.contains("già iniziato"), "{session_page}");

        let wrong = if code == "0000" { "1111" } else { "0000" };
        let guest = app.client();
        let resp = post(&app, &guest, "/bookings/manage/check-in", &[("t", token.as_str()), ("code", wrong)]).await;
        let html = decode(&expect_page(resp, 422).await);
        let id: String = html.split("<input id=\"code-").nth(1).expect("the code field").chars().take_while(char::is_ascii_digit).collect();
        assert!(field_error(&html, &format!("code-{id}")).contains("non è quello giusto"), "{html}");

        let resp = post(&app, &guest, "/bookings/manage/check-in", &[("t", token.as_str()), ("code", code.as_str())]).await;
        let to = expect_see_other(&resp);
        let html = page(&app, &guest, &to).await;
        assert!(html.contains("La tua presenza è registrata"), "{html}");
        assert!(!html.contains("name=\"code\""), "checked in once");

        let resp = post(&app, &guest, "/bookings/manage/report", &[("t", token.as_str()), ("went", "yes")]).await;
        let html = page(&app, &guest, &expect_see_other(&resp)).await;
        assert!(html.contains("Ci hai detto che hai partecipato."), "{html}");
        assert!(html.contains("Mi hanno accolto bene") && html.contains("Ci tornerei"), "{html}");
        let resp = post(&app, &guest, "/bookings/manage/report", &[("t", token.as_str()), ("tap", "welcome")]).await;
        let html = page(&app, &guest, &expect_see_other(&resp)).await;
        assert!(html.contains("Ti hanno accolto bene."), "{html}");
        assert!(html.contains("value=\"back\""), "the other tap is still there:\n{html}");
        let register = expect_status(app.get(&org.client, &format!("/api/v1/sessions/{sid}/register")).await, 200).await;
        let line = &register["confirmed"][0];
        assert_eq!((line["attendance"].as_str(), line["self_report"].as_str()), (Some("attended"), Some("went")), "{register}");
    }

    async fn the_pages_speak_english_to_an_english_browser(app) {
        let (_org, sid) = a_session(&app, None).await;
        let guest = english_client();
        let html = decode(&expect_page(guest.get(app.url(&format!("/sessions/{sid}"))).send().await.unwrap(), 200).await);
        assert!(html.contains("<html lang=\"en\""), "{html}");
        for text in ["Seats and booking", "No limit: there is room for everyone", "People on the waiting list", "Your first name", "How we can reach you", ">Join<"] {
            assert!(html.contains(text), "{text:?} is missing:\n{html}");
        }
        let csrf = csrf_of(&html).expect("a CSRF field");
        let resp = guest
            .post(app.url(&format!("/sessions/{sid}/bookings")))
            .form(&[("_csrf", csrf.as_str()), ("name", "Ann"), ("phone", "+44 20 7946 0000")])
            .send()
            .await
            .unwrap();
        let to = expect_see_other(&resp);
        let html = decode(&expect_page(guest.get(app.url(&to)).send().await.unwrap(), 200).await);
        for text in ["<h1>You have a place!</h1>", "Keep this link", "Place confirmed", "Cancel my place"] {
            assert!(html.contains(text), "{text:?} is missing:\n{html}");
        }
        assert!(!html.contains("bp-"), "a message id leaked into the page:\n{html}");
    }

    async fn forms_without_the_csrf_token_are_refused_and_change_nothing(app) {
        let (_org, sid) = a_session(&app, Some(3)).await;
        let guest = app.client();
        page(&app, &guest, &format!("/sessions/{sid}")).await;
        let resp = app.post_form(&guest, &format!("/sessions/{sid}/bookings"), &[("name", "Anna"), ("phone", "02 1234 5678")]).await;
        expect_page(resp, 403).await;
        let resp = app.post_form(&guest, &format!("/sessions/{sid}/bookings"), &[("_csrf", "forged"), ("name", "Anna"), ("phone", "02 1234 5678")]).await;
        expect_page(resp, 403).await;
        assert_eq!(seats(&app, sid).await["confirmed"], 0);

        let to = guest_joins_by_phone(&app, sid, "Bruno", "333 111 2222").await;
        let token = token_in(&to);
        let resp = app.post_form(&guest, "/bookings/manage/cancel", &[("t", token.as_str())]).await;
        expect_page(resp, 403).await;
        assert_eq!(seats(&app, sid).await["confirmed"], 1, "the booking was not cancelled");
    }

    async fn a_bad_phone_number_comes_back_next_to_its_field_and_nothing_is_saved(app) {
        let (_org, sid) = a_session(&app, Some(3)).await;
        let guest = app.client();
        let resp = post(&app, &guest, &format!("/sessions/{sid}/bookings"), &[("name", "Anna"), ("phone", "chiamami")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(html.contains("error-summary"), "{html}");
        assert!(field_error(&html, "phone").contains("non sembra giusto"), "{html}");
        assert!(html.contains("value=\"Anna\""), "what was typed is kept");
        assert!(html.contains("value=\"chiamami\""), "what was typed is kept");
        let counts = seats(&app, sid).await;
        assert_eq!((counts["confirmed"].as_i64(), counts["waiting"].as_i64()), (Some(0), Some(0)), "{counts}");

        // No name and no contact: both said, each next to its field.
        let resp = post(&app, &guest, &format!("/sessions/{sid}/bookings"), &[("name", " ")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(field_error(&html, "name").contains("Scrivi il tuo nome"), "{html}");
        assert!(field_error(&html, "email").contains("e-mail o un numero di telefono"), "{html}");
        assert_eq!(seats(&app, sid).await["confirmed"], 0);
        assert!(app.state.mailer.sent().iter().all(|m| !m.body.contains("/bookings/manage")), "no mail went out");
    }

    async fn the_activity_form_holds_seats_for_people_referred_by_linkers(app) {
        let org = Publisher::new(&app, "olga@example.org", "Circolo del Duomo").await;
        let path = format!("/organizations/{}/activities/new", org.org_id);
        let html = page(&app, &org.client, &path).await;
        assert!(html.contains("id=\"reserved_seats\" name=\"reserved_seats\""), "{html}");
        assert!(html.contains("Posti tenuti per chi arriva con un linker"), "{html}");
        assert!(html.contains("48 ore prima di ogni incontro"), "the release time is explained:\n{html}");

        let walking = interest(&app, "walking-group").await.to_string();
        let starts = local_text(at(next_weekday(Weekday::Wed) + chrono::Duration::days(7), 10, 0));
        let form = |reserved: &'static str| -> Vec<(&'static str, String)> {
            vec![
                ("title", "Orto condiviso".into()),
                ("venue_name", "Orto di via Padova".into()),
                ("address", "Via Padova 21, Milano".into()),
                ("latitude", "45,4969".into()),
                ("longitude", "9.2241".into()),
                ("starts_at", starts.clone()),
                ("duration_minutes", "90".into()),
                ("repetition", "none".into()),
                ("capacity", "10".into()),
                ("reserved_seats", reserved.into()),
                ("cost_kind", "free".into()),
                ("languages", "it".into()),
                ("wheelchair", "full".into()),
                ("interests", walking.clone()),
                ("action", "publish".into()),
            ]
        };
        let bad = form("20");
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let html = decode(&expect_page(post(&app, &org.client, &path, &bad).await, 422).await);
        assert!(field_error(&html, "reserved_seats").contains("posti tenuti"), "{html}");

        let good = form("3");
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let to = expect_see_other(&post(&app, &org.client, &path, &good).await);
        let id = path_of(&to).trim_start_matches("/activities/").to_string();
        let a = expect_status(app.get(&org.client, &format!("/api/v1/activities/{id}")).await, 200).await;
        assert_eq!(a["reserved_seats"], 3, "{a}");
        let sid = a["sessions"][0]["id"].as_i64().expect("a session");
        assert_eq!(seats(&app, sid).await["held_for_referrals"], 3);
        let html = page(&app, &app.client(), &format!("/sessions/{sid}")).await;
        assert!(html.contains("3 posti sono tenuti per le persone accompagnate da un linker"), "{html}");
        let edit = page(&app, &org.client, &format!("/activities/{id}/edit")).await;
        assert!(edit.contains("name=\"reserved_seats\" type=\"number\" value=\"3\""), "{edit}");
    }
}
