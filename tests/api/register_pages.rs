//! The organizer's register and the linkers' proposals as pages, used the way a phone without
//! JavaScript uses them: the organizer sees who is coming (pseudonyms, companions, only what
//! people shared), the check-in code in large type and on a sheet for the door, marks someone
//! present and comes back to that line, and closes the register (the rest become no-shows);
//! nobody else sees it. A linker proposes a suggested session, records "accepted by phone" and
//! sees the seat among the resident's bookings; a resident says "no, thanks" on their own page.
//! Pages speak English to an English browser; forms without the CSRF token are refused.

use crate::activities::{at, draft, id_of, interest, next_weekday, Publisher};
use crate::helpers::*;
use crate::resident_pages::{decode, field_error, linker, page, post, register_maria};
use crate::residents::resident_body;
use chrono::{Duration, Utc, Weekday};
use reqwest::Client;
use serde_json::json;

/// A one-off session next week, published by a fresh organizer, for `capacity` people:
/// (the organizer, the session id).
async fn session_for(app: &TestApp, title: &str, capacity: Option<i64>) -> (Publisher, i64) {
    let org = Publisher::new(app, "tombola@example.org", "Circolo Anziani Padova").await;
    let bingo = interest(app, "walking-group").await;
    let mut body = draft(title, at(next_weekday(Weekday::Thu), 16, 0), "", &[bingo]);
    body["capacity"] = json!(capacity);
    let view = org.create(app, &body).await;
    let session = view["sessions"][0]["id"].as_i64().expect("a session");
    (org, session)
}

/// Someone without an account joins with a first name and a phone number: (booking id, status).
async fn guest_joins(app: &TestApp, session: i64, name: &str, phone: &str) -> (i64, String) {
    let b = expect_status(
        app.post_json(
            &app.client(),
            &format!("/api/v1/sessions/{session}/bookings"),
            &json!({"name": name, "phone": phone}),
        )
        .await,
        201,
    )
    .await;
    (
        id_of(&b),
        b["status"].as_str().unwrap_or_default().to_string(),
    )
}

/// Moves a session so that it started ten minutes ago (people join before, as in life).
async fn start_now(app: &TestApp, session: i64) {
    let fmt = "%Y-%m-%d %H:%M:%S";
    let now = Utc::now().naive_utc();
    let starts = (now - Duration::minutes(10)).format(fmt);
    let ends = (now + Duration::minutes(80)).format(fmt);
    app.exec_sql(&format!(
        "UPDATE activity_sessions SET starts_at = '{starts}', ends_at = '{ends}' WHERE id = {session}"
    ))
    .await;
}

/// The check-in code shown in large type on a page.
fn code_in(html: &str, marker: &str) -> String {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in\n{html}"))
        + marker.len();
    html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The part of a page from `from` to the next `until` (or the end).
fn part<'a>(html: &'a str, from: &str, until: &str) -> &'a str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in\n{html}"));
    let rest = &html[start..];
    match rest[from.len()..].find(until) {
        Some(end) => &rest[..from.len() + end],
        None => rest,
    }
}

/// The line of the register for a booking.
fn line_of(html: &str, booking: i64) -> &str {
    part(html, &format!("<li id=\"p-{booking}\""), "</li>")
}

/// A browser set to English: every request says `Accept-Language: en` (so the account it
/// signs up gets English too).
fn english_browser() -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        reqwest::header::HeaderValue::from_static("en"),
    );
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("a client")
}

/// Signs up from an English browser, verifies through the mailed link, signs in.
async fn english_user(app: &TestApp, email: &str, name: &str) -> Client {
    let client = english_browser();
    expect_status(app.signup(&client, email, name, PASSWORD).await, 202).await;
    let token = app.wait_for_link(email, "/verify").await;
    expect_status(app.verify(&client, &token).await, 200).await;
    expect_status(app.signin(&client, email, PASSWORD).await, 200).await;
    client
}

/// The id in the first `…/referrals/{id}/answer` form of a page.
fn referral_in(html: &str) -> i64 {
    let marker = "/referrals/";
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no answer form in\n{html}"))
        + marker.len();
    html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("a referral id")
}

/// An organic garden morning near the Duomo on Tuesdays, which Maria's suggestions list; and
/// Maria, registered by Giulia: (Giulia, Maria's id, the session).
async fn maria_and_her_garden(app: &TestApp) -> (Client, i64, i64) {
    let admin = app.admin_client().await;
    let giulia = linker(app, &admin, "giulia@example.org", "Giulia").await;
    let publisher = Publisher::new(app, "orti@example.org", "Orti di Brera").await;
    let garden = interest(app, "urban-garden").await;
    let body = draft(
        "Orto in compagnia",
        at(next_weekday(Weekday::Tue), 10, 0),
        "FREQ=WEEKLY;BYDAY=TU",
        &[garden],
    );
    let activity = publisher.create(app, &body).await;
    let session = activity["sessions"][0]["id"].as_i64().expect("a session");
    let garden_text = garden.to_string();
    let id = register_maria(
        app,
        &giulia,
        &[
            ("interests", garden_text.as_str()),
            ("availability", "tue_morning"),
        ],
    )
    .await;
    (giulia, id, session)
}

both_backends! {
    async fn the_organizer_sees_pseudonyms_and_the_code_and_marks_someone_present(app) {
        let (org, session) = session_for(&app, "Tombola del giovedì", Some(3)).await;
        // Anna joins as a guest (her phone goes to the organizer with her booking); Giulia books
        // Maria, going along, sharing her needs but not her phone; Carla finds it full.
        let (anna, status) = guest_joins(&app, session, "Anna", "+39 333 111 2222").await;
        assert_eq!(status, "confirmed");
        let admin = app.admin_client().await;
        let (giulia, _) = crate::residents::accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let mut body = resident_body("Maria");
        body["phone"] = json!("+39 02 5555 0101");
        body["wheelchair"] = json!(true);
        body["accessibility"] = json!(["step_free"]);
        let maria = id_of(&expect_status(app.post_json(&giulia, "/api/v1/residents", &body).await, 201).await);
        let b = expect_status(app.post_json(&giulia, &format!("/api/v1/sessions/{session}/bookings"),
            &json!({"resident_id": maria, "companion": "linker", "share_needs": true})).await, 201).await;
        assert_eq!(b["status"], "confirmed", "{b}");
        let maria_booking = id_of(&b);
        let (_, status) = guest_joins(&app, session, "Carla", "+39 333 333 4444").await;
        assert_eq!(status, "waitlisted");

        let base = format!("/sessions/{session}/register");
        let html = page(&app, &org.client, &base).await;
        for text in [
            "<h1>Registro: Tombola del giovedì</h1>",
            "Giovedì ",
            "16:00–17:30",
            "Posti occupati", "3 su 3",
            "Chi viene", "Anna", "Maria",
            "+393331112222",
            "il suo linker (2 posti in tutto)",
            "Accesso senza gradini", "Usa la sedia a rotelle",
            "non ancora segnato",
            "Stampa il codice per la porta",
        ] {
            assert!(html.contains(text), "{text:?} is missing from the register:\n{html}");
        }
        assert!(!html.contains("5555 0101") && !html.contains("5555"), "Maria did not share her phone");
        let waiting = part(&html, "<h2 id=\"waiting-h\">", "</section>");
        assert!(waiting.contains("Carla") && !waiting.contains("Anna"), "{waiting}");
        assert!(!part(&html, "<h2 id=\"coming-h\"", "</section>").contains("Carla"), "Carla waits");
        let code = code_in(&html, "<p class=\"code-digits\"><span aria-hidden=\"true\">");
        assert_eq!(code.len(), 4, "a four-digit code: {code:?}");
        let spelled: Vec<String> = code.chars().map(String::from).collect();
        assert!(html.contains(&format!("<span class=\"visually-hidden\">{}</span>", spelled.join(" "))), "read out digit by digit");
        // The sheet for the door: the code alone, big.
        let door = page(&app, &org.client, &format!("{base}/code")).await;
        assert_eq!(code_in(&door, "<p class=\"door-code\"><span aria-hidden=\"true\">"), code);
        assert!(door.contains("Tombola del giovedì") && door.contains("Apri la tua prenotazione"), "{door}");
        assert!(!door.contains("<form method=\"post\" action=\"/sessions"), "nothing to press on the sheet");

        // Next week is too early to mark anyone: no buttons, and the page says from when.
        assert!(html.contains("Potrai segnare le presenze da"), "{html}");
        assert!(!html.contains("name=\"attendance\""), "no buttons yet");

        start_now(&app, session).await;
        let html = page(&app, &org.client, &base).await;
        let anna_line = line_of(&html, anna);
        assert!(anna_line.contains(&format!("action=\"{base}/{anna}\"")), "{anna_line}");
        assert!(anna_line.contains("value=\"attended\"") && anna_line.contains("value=\"no_show\""), "{anna_line}");
        assert!(anna_line.contains("Presente<span class=\"visually-hidden\">: Anna</span>"), "each button names its person: {anna_line}");

        let resp = post(&app, &org.client, &format!("{base}/{anna}"), &[("attendance", "attended")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("{base}?marked={anna}#p-{anna}"), "back to the list, at Anna's line");
        let html = page(&app, &org.client, &to).await;
        let anna_line = line_of(&html, anna);
        assert!(anna_line.contains("Salvato: Anna.") && anna_line.contains(">presente</span>") && anna_line.contains("(dall'elenco)"), "{anna_line}");
        assert!(line_of(&html, maria_booking).contains("non ancora segnato"), "Maria is not marked");
        assert!(html.contains("Presenti finora</dt>\n    <dd>1</dd>"), "{html}");

        // A value that is neither: the list again, saying what to choose; nothing changes.
        let resp = post(&app, &org.client, &format!("{base}/{maria_booking}"), &[("attendance", "maybe")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(html.contains("Scegli «Presente» o «Assente».") && line_of(&html, maria_booking).contains("non ancora segnato"), "{html}");
    }

    async fn closing_the_register_marks_everyone_not_marked_as_not_here(app) {
        let (org, session) = session_for(&app, "Tombola del giovedì", None).await;
        let (anna, _) = guest_joins(&app, session, "Anna", "+39 333 111 2222").await;
        let (bruno, _) = guest_joins(&app, session, "Bruno", "+39 333 555 6666").await;
        let base = format!("/sessions/{session}/register");

        // Not before it starts: the confirmation page says so, and the service refuses.
        let confirm = page(&app, &org.client, &format!("{base}/close")).await;
        assert!(confirm.contains("L'incontro non è ancora cominciato"), "{confirm}");
        let resp = post(&app, &org.client, &format!("{base}/close"), &[]).await;
        expect_page(resp, 409).await;

        start_now(&app, session).await;
        let resp = post(&app, &org.client, &format!("{base}/{anna}"), &[("attendance", "attended")]).await;
        expect_see_other(&resp);
        let html = page(&app, &org.client, &base).await;
        assert!(html.contains(&format!("href=\"{base}/close\"")) && html.contains("sarà contato come assente"), "{html}");

        let confirm = page(&app, &org.client, &format!("{base}/close")).await;
        assert!(confirm.contains("<h1>Chiudere il registro?</h1>"), "{confirm}");
        let unmarked = part(&confirm, "Non ancora segnate", "</ul>");
        assert!(unmarked.contains("Bruno") && !unmarked.contains("Anna"), "{unmarked}");
        assert!(confirm.contains("Sì, chiudi il registro"), "{confirm}");

        let resp = post(&app, &org.client, &format!("{base}/close"), &[]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("{base}?done=closed"));
        let html = page(&app, &org.client, &to).await;
        assert!(html.contains("Il registro è chiuso. Chi non era segnato ora risulta assente."), "{html}");
        let bruno_line = line_of(&html, bruno);
        assert!(bruno_line.contains(">assente</span>") && bruno_line.contains("(alla chiusura del registro)"), "{bruno_line}");
        assert!(line_of(&html, anna).contains(">presente</span>"), "Anna stays present");
        assert!(!html.contains(&format!("href=\"{base}/close\"")), "closed once");
        let api = expect_status(app.get(&org.client, &format!("/api/v1/sessions/{session}/register")).await, 200).await;
        let marks: Vec<(String, String)> = api["confirmed"].as_array().unwrap().iter()
            .map(|l| (l["name"].as_str().unwrap().to_string(), l["attendance"].as_str().unwrap().to_string()))
            .collect();
        assert!(marks.contains(&("Bruno".into(), "no_show".into())) && marks.contains(&("Anna".into(), "attended".into())), "{marks:?}");

        // Corrections stay possible after closing.
        let resp = post(&app, &org.client, &format!("{base}/{bruno}"), &[("attendance", "attended")]).await;
        let html = page(&app, &org.client, &expect_see_other(&resp)).await;
        assert!(line_of(&html, bruno).contains(">presente</span>"), "{html}");
    }

    async fn only_the_organizer_sees_the_register(app) {
        let (_org, session) = session_for(&app, "Tombola del giovedì", None).await;
        let (anna, _) = guest_joins(&app, session, "Anna", "+39 333 111 2222").await;
        start_now(&app, session).await;
        let base = format!("/sessions/{session}/register");
        let piero = app.signup_verified_user("piero@example.org", "Piero", PASSWORD).await;
        for path in [base.clone(), format!("{base}/code"), format!("{base}/close")] {
            let html = expect_page(app.get(&piero, &path).await, 403).await;
            assert!(!html.contains("Anna") && !html.contains("3331112222"), "nothing leaks: {html}");
        }
        let resp = post(&app, &piero, &format!("{base}/{anna}"), &[("attendance", "no_show")]).await;
        expect_page(resp, 403).await;
        let resp = post(&app, &piero, &format!("{base}/close"), &[]).await;
        expect_page(resp, 403).await;
        // Signed out: to the sign-in page, and back afterwards.
        let resp = app.get(&app.client(), &base).await;
        assert_eq!(expect_see_other(&resp), format!("/signin?next=%2Fsessions%2F{session}%2Fregister"));
        // Unknown sessions are 404.
        expect_page(app.get(&piero, "/sessions/999999/register").await, 404).await;
    }

    async fn a_linker_proposes_a_suggestion_records_accepted_by_phone_and_sees_the_seat(app) {
        let (giulia, id, session) = maria_and_her_garden(&app).await;
        let file_path = format!("/linker/residents/{id}");
        let file = page(&app, &giulia, &file_path).await;
        assert!(file.contains("<h2 id=\"proposals\" tabindex=\"-1\">Proposte</h2>") && file.contains("Nessuna proposta per ora."), "{file}");
        assert!(file.contains("Nessuna prenotazione in programma."), "{file}");

        // The suggestions page offers "Propose" on each card, with a note and "I'll go along".
        let sheet = page(&app, &giulia, &format!("{file_path}/suggestions")).await;
        let card = part(&sheet, "Orto in compagnia", "</ol>");
        assert!(card.contains(&format!("action=\"{file_path}/referrals\"")), "{card}");
        assert!(card.contains(&format!("name=\"session_id\" value=\"{session}\"")), "{card}");
        assert!(card.contains(&format!("id=\"note-{session}\" name=\"note\"")) && card.contains("name=\"goes_along\""), "{card}");
        assert!(card.contains("Proponi<span class=\"visually-hidden\">: Orto in compagnia</span>"), "{card}");

        // A note that is far too long comes back next to its field.
        let session_text = session.to_string();
        let long = "parole ".repeat(100);
        let resp = post(&app, &giulia, &format!("{file_path}/referrals"), &[("session_id", session_text.as_str()), ("note", long.as_str())]).await;
        let html = decode(&expect_page(resp, 422).await);
        field_error(&html, &format!("note-{session}"));
        assert!(html.contains("parole parole"), "the note is kept");

        let resp = post(&app, &giulia, &format!("{file_path}/referrals"), &[
            ("session_id", session_text.as_str()),
            ("note", "Ci vediamo alle 9:45 davanti al cancello"),
            ("goes_along", "1"),
        ]).await;
        let to = expect_see_other(&resp);
        assert!(to.starts_with(&format!("{file_path}?done=proposed&referral=")), "{to}");
        let file = page(&app, &giulia, &to).await;
        let rid = referral_in(&file);
        let proposal = part(&file, &format!("<li id=\"proposal-{rid}\""), "</form>");
        for text in [
            "Proposta registrata.",
            "Orto in compagnia",
            "In attesa di risposta",
            "risposta entro",
            "Ci vediamo alle 9:45 davanti al cancello",
            "Il linker va insieme la prima volta.",
            "Proposta da",
            "Giulia",
            "Storia della proposta",
            "Come ha risposto Maria?",
            "Per telefono", "Di persona", "Su un foglio firmato",
            "Ha accettato", "Ha rifiutato",
        ] {
            assert!(file.contains(text), "{text:?} is missing from the file:\n{proposal}");
        }

        // "Accepted" without saying how: the message sits next to the choice.
        let answer = format!("{file_path}/referrals/{rid}/answer");
        let resp = post(&app, &giulia, &answer, &[("decision", "accept")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(field_error(&html, &format!("channel-{rid}")).starts_with("Scegli come ha risposto"), "{html}");

        let resp = post(&app, &giulia, &answer, &[("decision", "accept"), ("channel", "phone")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("{file_path}?done=accepted&referral={rid}#proposal-{rid}"));
        let file = page(&app, &giulia, &to).await;
        assert!(file.contains("Risposta registrata: sì. Posto confermato."), "the booking result is said at once:\n{file}");
        let proposal = part(&file, &format!("<li id=\"proposal-{rid}\""), "</li>\n  \n");
        for text in [">Accettata</span>", "Sì, per telefono", "Posto confermato"] {
            assert!(proposal.contains(text), "{text:?} is missing from the proposal:\n{proposal}");
        }
        assert!(!proposal.contains("Ha accettato"), "answered once: no more buttons");
        let bookings = part(&file, "<h2 id=\"bookings\"", "</section>");
        let upcoming = part(bookings, "In programma", "Passate");
        for text in ["Orto in compagnia", "Posto confermato", "il linker (un posto in più)", &format!("href=\"/sessions/{session}\"")] {
            assert!(upcoming.contains(text), "{text:?} is missing from the bookings:\n{bookings}");
        }

        // A second answer is refused in words, on the file.
        let resp = post(&app, &giulia, &answer, &[("decision", "decline"), ("channel", "phone")]).await;
        let html = decode(&expect_page(resp, 409).await);
        assert!(html.contains("La risposta non è stata registrata"), "{html}");
    }

    async fn a_resident_says_no_thanks_to_a_proposal_on_their_own_page(app) {
        let admin = app.admin_client().await;
        let giulia = linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let (_org, session) = session_for(&app, "Tombola del giovedì", None).await;
        let rosa = app.signup_verified_user("rosa@example.org", "Rosa", PASSWORD).await;
        let resp = post(&app, &rosa, "/me/profile", &[
            ("display_name", "Rosa"),
            ("home_area", "1"),
            ("travel_radius_m", "2000"),
            ("consents", "care"),
        ]).await;
        expect_see_other(&resp);
        let own = expect_status(app.get(&rosa, "/api/v1/me/resident").await, 200).await;
        let id = id_of(&own);
        expect_status(app.post_json(&rosa, &format!("/api/v1/residents/{id}/linkers"), &json!({"email": "giulia@example.org"})).await, 204).await;
        let mine = page(&app, &rosa, "/me/profile").await;
        assert!(mine.contains("Proposte per te") && mine.contains("Per ora non hai proposte."), "{mine}");

        let session_text = session.to_string();
        let resp = post(&app, &giulia, &format!("/linker/residents/{id}/referrals"), &[("session_id", session_text.as_str()), ("note", "Si gioca a tombola, c'è anche la merenda")]).await;
        expect_see_other(&resp);

        let mine = page(&app, &rosa, "/me/profile").await;
        let rid = referral_in(&mine);
        for text in ["Tombola del giovedì", "Si gioca a tombola, c'è anche la merenda", "Giulia", "Sì, prenotami", "No, grazie", "Se non vuoi andare, puoi dirci perché"] {
            assert!(mine.contains(text), "{text:?} is missing from Rosa's page:\n{mine}");
        }
        assert!(mine.contains(&format!("action=\"/me/profile/referrals/{rid}/answer\"")), "{mine}");
        assert!(!mine.contains("Come ha risposto"), "a person answers for themself: no channel to choose");

        let resp = post(&app, &rosa, &format!("/me/profile/referrals/{rid}/answer"), &[("decision", "decline"), ("reason", "Il giovedì accompagno mia nipote")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("/me/profile?done=declined&referral={rid}#proposal-{rid}"));
        let mine = page(&app, &rosa, &to).await;
        assert!(mine.contains("Risposta registrata: no, grazie.") && mine.contains(">Rifiutata</span>"), "{mine}");
        assert!(mine.contains("online: «Il giovedì accompagno mia nipote»"), "{mine}");
        assert!(!mine.contains("Sì, prenotami"), "answered once");

        // Giulia sees the answer, how it was given and why, with dates; no booking was made.
        let file = page(&app, &giulia, &format!("/linker/residents/{id}")).await;
        let proposal = part(&file, &format!("<li id=\"proposal-{rid}\""), "</li>\n  \n");
        for text in [">Rifiutata</span>", "No, online: «Il giovedì accompagno mia nipote»", "Proposta, da Giulia", "Rifiutata (online), dalla persona stessa"] {
            assert!(proposal.contains(text), "{text:?} is missing from the file:\n{proposal}");
        }
        assert!(file.contains("Nessuna prenotazione in programma."), "{file}");

        // Someone else's proposal is not Rosa's to answer.
        let other = app.signup_verified_user("other@example.org", "Otto", PASSWORD).await;
        post(&app, &other, "/me/profile", &[("display_name", "Otto"), ("home_area", "1"), ("travel_radius_m", "1000"), ("consents", "care")]).await;
        let resp = post(&app, &other, &format!("/me/profile/referrals/{rid}/answer"), &[("decision", "accept")]).await;
        expect_page(resp, 404).await;
    }

    async fn the_pages_speak_english_to_an_english_browser(app) {
        // An organizer whose browser asks for English.
        let owner = english_user(&app, "bingo@example.org", "Bea").await;
        let (org, _) = app.accredited_org(&owner, "Bingo Club").await;
        let bingo = interest(&app, "walking-group").await;
        let mut body = draft("Bingo on Thursday", at(next_weekday(Weekday::Thu), 16, 0), "", &[bingo]);
        body["capacity"] = json!(1);
        let view = expect_status(crate::activities::post_activity(&app, &owner, id_of(&org), &body).await, 201).await;
        let session = view["sessions"][0]["id"].as_i64().expect("a session");
        guest_joins(&app, session, "Anna", "+39 333 111 2222").await;
        guest_joins(&app, session, "Carla", "+39 333 333 4444").await;
        start_now(&app, session).await;
        let base = format!("/sessions/{session}/register");
        let html = page(&app, &owner, &base).await;
        for text in [
            "<html lang=\"en\"",
            "<h1>Register: Bingo on Thursday</h1>",
            "Thursday ",
            "Who is coming", "Waiting list", "Carla",
            "Code to check in on arrival", "Print the code for the door",
            "Here<span class=\"visually-hidden\">: Anna</span>",
            "Not here<span class=\"visually-hidden\">: Anna</span>",
            "not marked yet", "Close the register",
        ] {
            assert!(html.contains(text), "{text:?} is missing from the English register:\n{html}");
        }
        let confirm = page(&app, &owner, &format!("{base}/close")).await;
        assert!(confirm.contains("Close the register?") && confirm.contains("they will count as not here"), "{confirm}");
        let door = page(&app, &owner, &format!("{base}/code")).await;
        assert!(door.contains("Open your booking on Legami and type this code."), "{door}");

        // A linker whose browser asks for English: the proposals and bookings on a file, and
        // the "propose" form of the suggestions.
        let admin = app.admin_client().await;
        let grace = english_user(&app, "grace@example.org", "Grace").await;
        expect_status(app.post_json(&grace, "/api/v1/me/linker-request", &json!({"motivation": "Neighbourhood volunteer"})).await, 201).await;
        let uid = app.me_ok(&grace).await["id"].as_i64().expect("an id");
        expect_status(app.post_json(&admin, &format!("/api/v1/admin/linkers/{uid}/decision"), &json!({"decision": "accredit"})).await, 200).await;
        let publisher = Publisher::new(&app, "orti@example.org", "Orti di Brera").await;
        let garden = interest(&app, "urban-garden").await;
        publisher.create(&app, &draft("Orto in compagnia", at(next_weekday(Weekday::Tue), 10, 0), "FREQ=WEEKLY;BYDAY=TU", &[garden])).await;
        let id = crate::residents::register(&app, &grace, &resident_body("Maria")).await;
        let file = page(&app, &grace, &format!("/linker/residents/{id}")).await;
        for text in ["<html lang=\"en\"", "Proposals", "No proposals yet.", "Propose an activity (from the suggestions)", "Bookings", "No bookings coming up.", "No past bookings."] {
            assert!(file.contains(text), "{text:?} is missing from the English file:\n{file}");
        }
        let sheet = page(&app, &grace, &format!("/linker/residents/{id}/suggestions")).await;
        for text in ["Propose this activity", "A message for the person (optional)", "I'll go along the first time", "Propose<span class=\"visually-hidden\">: Orto in compagnia</span>"] {
            assert!(sheet.contains(text), "{text:?} is missing from the English suggestions:\n{sheet}");
        }
    }

    async fn forms_without_the_csrf_token_are_refused(app) {
        let (org, session) = session_for(&app, "Tombola del giovedì", None).await;
        let (anna, _) = guest_joins(&app, session, "Anna", "+39 333 111 2222").await;
        start_now(&app, session).await;
        let base = format!("/sessions/{session}/register");
        // The organizer's browser has its CSRF cookie, but the form lacks the token.
        page(&app, &org.client, &base).await;
        let resp = app.post_form(&org.client, &format!("{base}/{anna}"), &[("attendance", "attended")]).await;
        expect_page(resp, 403).await;
        let resp = app.post_form(&org.client, &format!("{base}/close"), &[("_csrf", "forged")]).await;
        expect_page(resp, 403).await;
        let html = page(&app, &org.client, &base).await;
        assert!(line_of(&html, anna).contains("non ancora segnato") && !html.contains("Il registro è chiuso"), "nothing changed:\n{html}");

        let (giulia, id, session) = maria_and_her_garden(&app).await;
        let session_text = session.to_string();
        let resp = app.post_form(&giulia, &format!("/linker/residents/{id}/referrals"), &[("session_id", session_text.as_str())]).await;
        expect_page(resp, 403).await;
        assert!(page(&app, &giulia, &format!("/linker/residents/{id}")).await.contains("Nessuna proposta per ora."));
    }
}
