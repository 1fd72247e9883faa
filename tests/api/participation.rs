//! Taking part: exact capacity when many join at once, the first-come waitlist and its
//! promotions, companion seats, seats held for residents referred by linkers, referrals and
//! their history, guests confirming by mail, cancelling with a link, the organizer's
//! register, check-in by list and by code, no-shows, and what participants say afterwards.
//!
//! Everything goes through HTTP. The clock only moves by writing a session's times (or a
//! hold's or a referral's deadline) into the past; the test then runs the housekeeping sweep
//! itself.

use crate::activities::{
    at, draft, edit_session, id_of, interest, put_activity, sessions, today, Publisher,
};
use crate::helpers::*;
use crate::residents::{accredited_linker, register as new_resident, resident_body};
use chrono::{Duration, NaiveDateTime, Utc};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use std::collections::HashSet;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A one-off activity a week from now at 10:00 (Milan), with `capacity` seats of which
/// `reserved` are held for referred residents: (the body it was created with, its single
/// session's id).
pub async fn one_session(
    app: &TestApp,
    org: &Publisher,
    title: &str,
    capacity: Option<i64>,
    reserved: i64,
) -> (Value, i64) {
    let walking = interest(app, "walking-group").await;
    let mut body = draft(
        title,
        at(today() + Duration::days(7), 10, 0),
        "",
        &[walking],
    );
    body["capacity"] = json!(capacity);
    body["reserved_seats"] = json!(reserved);
    let view = org.create(app, &body).await;
    let list = sessions(&view);
    assert_eq!(list.len(), 1, "a one-off activity has one session: {view}");
    body["id"] = json!(id_of(&view));
    (body, id_of(&list[0]))
}

pub fn bookings_path(sid: i64) -> String {
    format!("/api/v1/sessions/{sid}/bookings")
}

/// A distinct Italian mobile number for guest `n`.
fn phone(n: usize) -> String {
    format!("+39 333 {n:07}")
}

/// A guest (no account) joins with a first name and a phone number.
async fn join_by_phone(app: &TestApp, sid: i64, name: &str, phone: &str) -> Response {
    app.post_json(
        &app.client(),
        &bookings_path(sid),
        &json!({"name": name, "phone": phone}),
    )
    .await
}

/// Guest `n` joins; panics unless a booking is created.
pub async fn guest(app: &TestApp, sid: i64, n: usize) -> Value {
    expect_status(
        join_by_phone(app, sid, &format!("Ospite {n}"), &phone(n)).await,
        201,
    )
    .await
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

/// (confirmed, waiting, seats left) of a session.
async fn counts(app: &TestApp, sid: i64) -> (i64, i64, Option<i64>) {
    let s = seats(app, sid).await;
    (
        s["confirmed"].as_i64().expect("confirmed"),
        s["waiting"].as_i64().expect("waiting"),
        s["seats_left"].as_i64(),
    )
}

/// The organizer's register of a session.
async fn register_of(app: &TestApp, organizer: &Client, sid: i64) -> Value {
    expect_status(
        app.get(organizer, &format!("/api/v1/sessions/{sid}/register"))
            .await,
        200,
    )
    .await
}

/// The booking ids of one list of a register ("confirmed" or "waitlist"), in its order.
fn line_ids(register: &Value, list: &str) -> Vec<i64> {
    register[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {register}"))
        .iter()
        .map(|l| l["booking_id"].as_i64().expect("booking_id"))
        .collect()
}

/// The register line of a booking.
fn line_of(register: &Value, booking_id: i64) -> Value {
    ["confirmed", "waitlist"]
        .iter()
        .flat_map(|l| register[*l].as_array().cloned().unwrap_or_default())
        .find(|l| l["booking_id"] == booking_id)
        .unwrap_or_else(|| panic!("booking {booking_id} is not in the register {register}"))
}

/// The token of a booking's private link (`…/bookings/manage?t=TOKEN`).
fn token_in(text: &str) -> String {
    let start = text
        .find("/bookings/manage?t=")
        .unwrap_or_else(|| panic!("no /bookings/manage?t=… link in {text}"))
        + "/bookings/manage?t=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The token of the private link a join answered with.
pub fn token_of(booking: &Value) -> String {
    token_in(
        booking["manage_url"]
            .as_str()
            .unwrap_or_else(|| panic!("no manage_url in {booking}")),
    )
}

/// A booking seen through its private link.
async fn by_link(app: &TestApp, token: &str) -> Value {
    expect_status(
        app.post_json(
            &app.client(),
            "/api/v1/booking-links/view",
            &json!({ "token": token }),
        )
        .await,
        200,
    )
    .await
}

async fn cancel_by_link(app: &TestApp, token: &str) -> Response {
    app.post_json(
        &app.client(),
        "/api/v1/booking-links/cancel",
        &json!({ "token": token }),
    )
    .await
}

/// A UTC time as an SQL literal both backends read as a timestamp.
fn sql_time(t: NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

fn utc_now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Moves a session in time: starts `start_minutes` from now (negative: in the past) and
/// lasts `minutes`. The only way these tests move the clock.
pub async fn move_session(app: &TestApp, sid: i64, start_minutes: i64, minutes: i64) {
    let starts = utc_now() + Duration::minutes(start_minutes);
    let ends = starts + Duration::minutes(minutes);
    app.exec_sql(&format!(
        "UPDATE activity_sessions SET starts_at = {}, ends_at = {} WHERE id = {sid}",
        sql_time(starts),
        sql_time(ends)
    ))
    .await;
}

/// Runs the housekeeping the app runs every minute.
async fn sweep(app: &TestApp) {
    legami::services::participation::sweep(&app.state)
        .await
        .expect("the housekeeping sweep");
}

/// A resident followed by `linker`, with contact details and needs in their file.
async fn resident_with_details(app: &TestApp, linker: &Client, name: &str, n: usize) -> i64 {
    let mut body = resident_body(name);
    body["phone"] = json!(format!("+39 347 {n:07}"));
    body["email"] = json!(format!("{}@example.org", name.to_lowercase()));
    body["accessibility"] = json!(["step_free"]);
    body["wheelchair"] = json!(true);
    new_resident(app, linker, &body).await
}

/// A linker books a session for one of their residents.
async fn book_for(
    app: &TestApp,
    linker: &Client,
    sid: i64,
    resident: i64,
    extra: Value,
) -> Response {
    let mut body = json!({ "resident_id": resident });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    app.post_json(linker, &bookings_path(sid), &body).await
}

/// A linker refers a resident to a session.
async fn refer(app: &TestApp, linker: &Client, resident: i64, body: Value) -> Response {
    app.post_json(
        linker,
        &format!("/api/v1/residents/{resident}/referrals"),
        &body,
    )
    .await
}

async fn answer(app: &TestApp, client: &Client, referral: i64, body: Value) -> Response {
    app.post_json(
        client,
        &format!("/api/v1/referrals/{referral}/answer"),
        &body,
    )
    .await
}

/// A resident's referrals, newest first.
async fn referrals_of(app: &TestApp, linker: &Client, resident: i64) -> Vec<Value> {
    expect_status(
        app.get(linker, &format!("/api/v1/residents/{resident}/referrals"))
            .await,
        200,
    )
    .await
    .as_array()
    .expect("a list")
    .clone()
}

fn history(referral: &Value) -> Vec<String> {
    referral["history"]
        .as_array()
        .unwrap_or_else(|| panic!("no history in {referral}"))
        .iter()
        .map(|e| e["status"].as_str().expect("status").to_string())
        .collect()
}

/// An organizer's mark for one participant.
pub async fn mark(
    app: &TestApp,
    client: &Client,
    sid: i64,
    booking: i64,
    attendance: &str,
) -> Response {
    app.post_json(
        client,
        &format!("/api/v1/sessions/{sid}/register/{booking}"),
        &json!({ "attendance": attendance }),
    )
    .await
}

async fn check_in_with_link(app: &TestApp, booking: i64, token: &str, code: &str) -> Response {
    app.post_json(
        &app.client(),
        &format!("/api/v1/bookings/{booking}/check-in"),
        &json!({ "code": code, "token": token }),
    )
    .await
}

/// A four-digit code that is not `code`.
fn another_code(code: &str) -> String {
    let n: u32 = code
        .parse()
        .unwrap_or_else(|_| panic!("not a code: {code}"));
    format!("{:04}", (n + 1) % 10_000)
}

fn message(e: &Value) -> String {
    e["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

both_backends! {
    // -----------------------------------------------------------------------------------------
    // Capacity and the waitlist
    // -----------------------------------------------------------------------------------------

    async fn two_hundred_people_joining_at_once_get_exactly_twenty_seats_and_a_waitlist_in_arrival_order(
        app: |s| s.participation.guest_joins_per_hour = 1000
    ) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(20), 0).await;

        let client = app.client();
        let url = app.url(&bookings_path(sid));
        let mut set = tokio::task::JoinSet::new();
        for n in 0..200 {
            let (client, url) = (client.clone(), url.clone());
            set.spawn(async move {
                let resp = client
                    .post(url)
                    .json(&json!({"name": format!("Ospite {n}"), "phone": phone(n)}))
                    .send()
                    .await
                    .expect("POST failed");
                let status = resp.status().as_u16();
                (n, status, body_json(resp).await)
            });
        }
        let mut answers = Vec::new();
        while let Some(done) = set.join_next().await {
            answers.push(done.expect("a join task"));
        }
        for (n, status, body) in &answers {
            assert_eq!(*status, 201, "join {n} was not booked: {body}");
        }

        // Every request got exactly one booking of its own.
        let ids: HashSet<i64> = answers.iter().map(|a| id_of(&a.2)).collect();
        assert_eq!(ids.len(), 200, "two requests share a booking");
        let confirmed: Vec<&Value> = answers.iter().map(|a| &a.2).filter(|b| b["status"] == "confirmed").collect();
        let mut waiting: Vec<&Value> = answers.iter().map(|a| &a.2).filter(|b| b["status"] == "waitlisted").collect();
        assert_eq!((confirmed.len(), waiting.len()), (20, 180));
        assert!(confirmed.iter().all(|b| b["place_in_line"].is_null()), "a confirmed seat has no place in line");

        // Booking numbers are handed out in the order joins reach the seat row: the twenty
        // seats went to the first twenty, and the places in line follow the same order,
        // 1 to 180 with no gap and no repeat.
        waiting.sort_by_key(|b| id_of(b));
        let places: Vec<i64> = waiting.iter().map(|b| b["place_in_line"].as_i64().expect("a place")).collect();
        assert_eq!(places, (1..=180).collect::<Vec<i64>>(), "places in line by arrival");
        let last_seat = confirmed.iter().map(|b| id_of(b)).max().expect("a seat");
        assert!(last_seat < id_of(waiting[0]), "someone who came later got a seat before someone waiting");

        // The public counters and the organizer's register agree with the answers.
        assert_eq!(counts(&app, sid).await, (20, 180, Some(0)));
        let register = register_of(&app, &org.client, sid).await;
        let listed_confirmed: HashSet<i64> = line_ids(&register, "confirmed").into_iter().collect();
        let expected_confirmed: HashSet<i64> = confirmed.iter().map(|b| id_of(b)).collect();
        assert_eq!(listed_confirmed, expected_confirmed);
        assert_eq!(
            line_ids(&register, "waitlist"),
            waiting.iter().map(|b| id_of(b)).collect::<Vec<i64>>(),
            "the register lists the waitlist in arrival order"
        );
        assert_eq!(register["seats"]["confirmed"], 20);
        assert_eq!(register["seats"]["waiting"], 180);

        // Each person's own link shows the place they were told.
        for b in waiting.iter().step_by(17) {
            let seen = by_link(&app, &token_of(b)).await;
            assert_eq!(seen["status"], "waitlisted");
            assert_eq!(seen["place_in_line"], b["place_in_line"], "{seen}");
        }
        // The next person to come is 181st in line.
        let late = guest(&app, sid, 200).await;
        assert_eq!((late["status"].as_str(), late["place_in_line"].as_i64()), (Some("waitlisted"), Some(181)));
    }

    async fn joining_twice_gives_back_the_same_booking_and_takes_no_second_seat(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(5), 0).await;

        // Signed in.
        let nadia = app.signup_verified_user("nadia@example.org", "Nadia", PASSWORD).await;
        let first = expect_status(app.post_json(&nadia, &bookings_path(sid), &json!({})).await, 201).await;
        assert_eq!(first["status"], "confirmed");
        let again = expect_status(app.post_json(&nadia, &bookings_path(sid), &json!({})).await, 200).await;
        assert_eq!(again["id"], first["id"]);
        assert_eq!(again["status"], "confirmed");

        // A guest typing the same number differently is the same guest; the second answer
        // does not hand out the private link again.
        let g1 = expect_status(join_by_phone(&app, sid, "Bruno", "+39 333 1234567").await, 201).await;
        assert!(g1["manage_url"].is_string(), "{g1}");
        let g2 = expect_status(join_by_phone(&app, sid, "Bruno", "+39 333-123.4567").await, 200).await;
        assert_eq!(g2["id"], g1["id"]);
        assert!(g2["manage_url"].is_null(), "the link was given to a second request: {g2}");

        // A linker booking the same resident twice.
        let (linker, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &linker, &resident_body("Maria")).await;
        let b1 = expect_status(book_for(&app, &linker, sid, maria, json!({})).await, 201).await;
        let b2 = expect_status(book_for(&app, &linker, sid, maria, json!({})).await, 200).await;
        assert_eq!(b1["id"], b2["id"]);
        assert_eq!(b1["channel"], "linker");

        assert_eq!(counts(&app, sid).await, (3, 0, Some(2)));
        assert_eq!(line_ids(&register_of(&app, &org.client, sid).await, "confirmed").len(), 3);
    }

    async fn cancelling_gives_the_seat_to_the_first_in_line_and_a_reused_or_forged_link_changes_nothing(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(2), 0).await;
        let a = guest(&app, sid, 1).await;
        let _b = guest(&app, sid, 2).await;
        let c = guest(&app, sid, 3).await;
        let d = guest(&app, sid, 4).await;
        assert_eq!((c["status"].as_str(), c["place_in_line"].as_i64()), (Some("waitlisted"), Some(1)));
        assert_eq!(d["place_in_line"], 2);

        // A cancels from the link in their message, without signing in.
        let cancelled = expect_status(cancel_by_link(&app, &token_of(&a)).await, 200).await;
        assert_eq!(cancelled["status"], "cancelled");
        assert!(cancelled["cancelled_at"].is_string(), "{cancelled}");
        let c_now = by_link(&app, &token_of(&c)).await;
        assert_eq!(c_now["status"], "confirmed", "the first in line was not promoted: {c_now}");
        assert!(c_now["promoted_at"].is_string(), "{c_now}");
        assert!(c_now["place_in_line"].is_null());
        let d_now = by_link(&app, &token_of(&d)).await;
        assert_eq!((d_now["status"].as_str(), d_now["place_in_line"].as_i64()), (Some("waitlisted"), Some(1)));
        assert!(d_now["promoted_at"].is_null());
        assert_eq!(counts(&app, sid).await, (2, 1, Some(0)));

        // The same link again: still cancelled, nobody else moves.
        let again = expect_status(cancel_by_link(&app, &token_of(&a)).await, 200).await;
        assert_eq!(again["status"], "cancelled");
        assert_eq!(again["cancelled_at"], cancelled["cancelled_at"]);
        assert_eq!(counts(&app, sid).await, (2, 1, Some(0)));
        assert_eq!(by_link(&app, &token_of(&d)).await["status"], "waitlisted");

        // A forged link or a mangled one: a clear 400, nothing changes.
        let forged = "A".repeat(43);
        for bad in [forged.as_str(), "short", ""] {
            let e = expect_error(cancel_by_link(&app, bad).await, 400, "bad_request").await;
            assert!(message(&e).to_lowercase().contains("link"), "{e}");
            let e = expect_error(app.post_json(&app.client(), "/api/v1/booking-links/confirm", &json!({"token": bad})).await, 400, "bad_request").await;
            assert!(!message(&e).is_empty());
        }
        assert_eq!(counts(&app, sid).await, (2, 1, Some(0)));

        // Signed in: the holder cancels; nobody else can, and nobody learns it exists.
        let ugo = app.signup_verified_user("ugo@example.org", "Ugo", PASSWORD).await;
        let pia = app.signup_verified_user("pia@example.org", "Pia", PASSWORD).await;
        let mine = expect_status(app.post_json(&ugo, &bookings_path(sid), &json!({})).await, 201).await;
        assert_eq!(mine["place_in_line"], 2);
        let path = format!("/api/v1/bookings/{}", id_of(&mine));
        expect_error(app.delete(&pia, &path).await, 404, "not_found").await;
        expect_error(app.get(&pia, &path).await, 404, "not_found").await;
        let gone = expect_status(app.delete(&ugo, &path).await, 200).await;
        assert_eq!(gone["status"], "cancelled");
        assert_eq!(counts(&app, sid).await, (2, 1, Some(0)));
    }

    async fn raising_the_capacity_promotes_from_the_waitlist_in_order(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (mut body, sid) = one_session(&app, &org, "Camminata in centro", Some(1), 0).await;
        let activity = id_of(&body);
        guest(&app, sid, 1).await;
        let b = guest(&app, sid, 2).await;
        let c = guest(&app, sid, 3).await;
        assert_eq!(counts(&app, sid).await, (1, 2, Some(0)));

        body["capacity"] = json!(2);
        expect_status(put_activity(&app, &org.client, activity, &body).await, 200).await;
        let b_now = by_link(&app, &token_of(&b)).await;
        assert_eq!(b_now["status"], "confirmed", "{b_now}");
        assert!(b_now["promoted_at"].is_string());
        assert_eq!(by_link(&app, &token_of(&c)).await["place_in_line"], 1);
        assert_eq!(counts(&app, sid).await, (2, 1, Some(0)));

        body["capacity"] = json!(5);
        expect_status(put_activity(&app, &org.client, activity, &body).await, 200).await;
        assert_eq!(by_link(&app, &token_of(&c)).await["status"], "confirmed");
        assert_eq!(counts(&app, sid).await, (3, 0, Some(2)));
    }

    async fn a_companion_takes_a_seat_and_a_party_that_does_not_fit_keeps_its_place(
        app: |s| s.participation.guest_joins_per_hour = 100
    ) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(20), 0).await;
        let mut guests = Vec::new();
        for n in 0..19 {
            guests.push(guest(&app, sid, n).await);
        }
        assert_eq!(counts(&app, sid).await, (19, 0, Some(1)));

        // Only a linker booking for a resident can go along as "linker".
        let e = expect_error(
            app.post_json(&app.client(), &bookings_path(sid), &json!({"name": "Sara", "phone": phone(99), "companion": "linker"})).await,
            422, "validation",
        ).await;
        assert!(e["error"]["fields"]["companion"].is_string(), "{e}");

        // Maria and her linker need two seats: with one left, they wait.
        let (linker, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &linker, &resident_body("Maria")).await;
        let party = expect_status(book_for(&app, &linker, sid, maria, json!({"companion": "linker"})).await, 201).await;
        assert_eq!(party["seats"], 2);
        assert_eq!(party["companion"], "linker");
        assert_eq!((party["status"].as_str(), party["place_in_line"].as_i64()), (Some("waitlisted"), Some(1)));

        // The single seat left does not stay empty: the next person alone gets it, and the
        // party keeps its place at the head of the line.
        let single = guest(&app, sid, 19).await;
        assert_eq!(single["status"], "confirmed", "{single}");
        assert!(single["promoted_at"].is_null(), "someone who got a seat on arrival is not told they came off the waitlist: {single}");
        assert_eq!(counts(&app, sid).await, (20, 1, Some(0)));
        let party_path = format!("/api/v1/bookings/{}", id_of(&party));
        assert_eq!(expect_status(app.get(&linker, &party_path).await, 200).await["place_in_line"], 1);

        // One seat frees: still not enough for two.
        expect_status(cancel_by_link(&app, &token_of(&guests[0])).await, 200).await;
        assert_eq!(counts(&app, sid).await, (19, 1, Some(1)));
        assert_eq!(expect_status(app.get(&linker, &party_path).await, 200).await["status"], "waitlisted");
        // A second frees: the party goes in together.
        expect_status(cancel_by_link(&app, &token_of(&guests[1])).await, 200).await;
        let now = expect_status(app.get(&linker, &party_path).await, 200).await;
        assert_eq!(now["status"], "confirmed", "{now}");
        assert_eq!(counts(&app, sid).await, (20, 0, Some(0)));
        let register = register_of(&app, &org.client, sid).await;
        let line = line_of(&register, id_of(&party));
        assert_eq!((line["seats"].as_i64(), line["companion"].as_str()), (Some(2), Some("linker")));

        // A guest may bring a volunteer: two seats as well.
        let (_, sid2) = one_session(&app, &org, "Merenda insieme", Some(3), 0).await;
        let v = expect_status(
            app.post_json(&app.client(), &bookings_path(sid2), &json!({"name": "Sara", "phone": phone(98), "companion": "volunteer"})).await,
            201,
        ).await;
        assert_eq!((v["seats"].as_i64(), v["status"].as_str()), (Some(2), Some("confirmed")));
        assert_eq!(counts(&app, sid2).await, (2, 0, Some(1)));
    }

    async fn seats_held_for_referred_residents_are_theirs_until_released_to_everyone(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Ginnastica dolce", Some(6), 3).await;
        let s = seats(&app, sid).await;
        assert_eq!((s["capacity"].as_i64(), s["seats_left"].as_i64(), s["held_for_referrals"].as_i64()), (Some(6), Some(3), Some(3)));

        // Everyone else sees three seats.
        for n in 0..3 {
            assert_eq!(guest(&app, sid, n).await["status"], "confirmed");
        }
        let fourth = guest(&app, sid, 3).await;
        assert_eq!((fourth["status"].as_str(), fourth["place_in_line"].as_i64()), (Some("waitlisted"), Some(1)));

        // A resident referred by their linker gets a held seat, past the waitlist.
        let (linker, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &linker, &resident_body("Maria")).await;
        let r = expect_status(refer(&app, &linker, maria, json!({"session_id": sid})).await, 201).await;
        let a = expect_status(answer(&app, &linker, id_of(&r), json!({"accept": true, "channel": "phone"})).await, 200).await;
        assert_eq!(a["booking"]["status"], "confirmed", "{a}");
        let s = seats(&app, sid).await;
        assert_eq!((s["confirmed"].as_i64(), s["held_for_referrals"].as_i64(), s["seats_left"].as_i64(), s["waiting"].as_i64()), (Some(4), Some(2), Some(0), Some(1)));
        assert_eq!(line_of(&register_of(&app, &org.client, sid).await, id_of(&a["booking"]))["referred"], true);

        // A resident booked directly by a linker (no referral) is like everyone else.
        let luca = new_resident(&app, &linker, &resident_body("Luca")).await;
        let direct = expect_status(book_for(&app, &linker, sid, luca, json!({})).await, 201).await;
        assert_eq!(direct["status"], "waitlisted");

        // The release time comes: the held seats go to the waitlist, then to everyone.
        app.exec_sql(&format!(
            "UPDATE session_seats SET reserve_until = {} WHERE session_id = {sid}",
            sql_time(utc_now() - Duration::minutes(1))
        )).await;
        sweep(&app).await;
        let promoted = by_link(&app, &token_of(&fourth)).await;
        assert_eq!(promoted["status"], "confirmed", "{promoted}");
        assert!(promoted["promoted_at"].is_string());
        let direct_now = expect_status(app.get(&linker, &format!("/api/v1/bookings/{}", id_of(&direct))).await, 200).await;
        assert_eq!(direct_now["status"], "confirmed");
        let s = seats(&app, sid).await;
        assert_eq!((s["confirmed"].as_i64(), s["held_for_referrals"].as_i64(), s["seats_left"].as_i64(), s["waiting"].as_i64()), (Some(6), Some(0), Some(0), Some(0)));
        // Sweeping again changes nothing.
        sweep(&app).await;
        assert_eq!(counts(&app, sid).await, (6, 0, Some(0)));

        // With nobody waiting, released seats are simply open to anyone.
        let (_, sid2) = one_session(&app, &org, "Ginnastica dolce bis", Some(2), 2).await;
        assert_eq!(join_by_phone(&app, sid2, "Ospite", &phone(50)).await.status().as_u16(), 201);
        assert_eq!(counts(&app, sid2).await, (0, 1, Some(0)));
        app.exec_sql(&format!(
            "UPDATE session_seats SET reserve_until = {} WHERE session_id = {sid2}",
            sql_time(utc_now() - Duration::minutes(1))
        )).await;
        sweep(&app).await;
        assert_eq!(counts(&app, sid2).await, (1, 0, Some(1)));
        assert_eq!(guest(&app, sid2, 51).await["status"], "confirmed");
    }

    // -----------------------------------------------------------------------------------------
    // Referrals
    // -----------------------------------------------------------------------------------------

    async fn accepting_a_referral_books_the_seat_in_the_same_step_and_the_history_is_kept(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, giulia_id) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let (marco, _) = accredited_linker(&app, &org.admin, "marco@example.org", "Marco").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;

        // Only Maria's linkers may refer her; the refusal is recorded.
        let e = expect_error(refer(&app, &marco, maria, json!({"session_id": sid})).await, 403, "forbidden").await;
        assert!(!message(&e).is_empty());
        let e = expect_error(refer(&app, &giulia, maria, json!({"note": "x"})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["activity_id"].is_string(), "{e}");

        let r = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid, "note": "Ti accompagno la prima volta?"})).await, 201).await;
        assert_eq!(r["status"], "proposed");
        assert_eq!(r["linker_user_id"], giulia_id);
        assert_eq!(history(&r), vec!["proposed"], "{r}");
        let rid = id_of(&r);

        // Marco cannot answer for her either.
        expect_error(answer(&app, &marco, rid, json!({"accept": true, "channel": "phone"})).await, 403, "forbidden").await;
        // A linker answering must say how Maria agreed.
        let e = expect_error(answer(&app, &giulia, rid, json!({"accept": true})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["channel"].is_string(), "{e}");
        assert_eq!(counts(&app, sid).await, (0, 0, Some(10)), "a refused answer booked a seat");

        let a = expect_status(answer(&app, &giulia, rid, json!({"accept": true, "channel": "phone"})).await, 200).await;
        let booking = &a["booking"];
        assert_eq!(a["referral"]["status"], "accepted");
        assert_eq!(a["referral"]["answer_channel"], "phone");
        assert_eq!(a["referral"]["booking_id"], booking["id"]);
        assert_eq!(booking["referral_id"], rid);
        assert_eq!(booking["resident_id"], maria);
        assert_eq!(booking["channel"], "referral");
        assert_eq!(booking["status"], "confirmed");
        assert_eq!(counts(&app, sid).await, (1, 0, Some(9)));
        let theirs = expect_status(app.get(&giulia, &format!("/api/v1/residents/{maria}/bookings")).await, 200).await;
        assert_eq!(theirs.as_array().map(Vec::len), Some(1));
        assert_eq!(theirs[0]["id"], booking["id"]);

        // Answering twice is refused and changes nothing.
        let e = expect_error(answer(&app, &giulia, rid, json!({"accept": false, "channel": "phone"})).await, 409, "conflict").await;
        assert!(!message(&e).is_empty());
        let list = referrals_of(&app, &giulia, maria).await;
        assert_eq!(list[0]["status"], "accepted");
        assert_eq!(history(&list[0]), vec!["proposed", "accepted"]);
        assert_eq!(list[0]["history"][1]["channel"], "phone");
        assert_eq!(list[0]["history"][1]["by_user"], giulia_id);

        // Declining records the reason and books nothing.
        let (_, sid2) = one_session(&app, &org, "Coro di quartiere", Some(10), 0).await;
        let r2 = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid2})).await, 201).await;
        let d = expect_status(answer(&app, &giulia, id_of(&r2), json!({"accept": false, "channel": "in_person", "reason": "Il martedì ha la fisioterapia"})).await, 200).await;
        assert_eq!(d["referral"]["status"], "declined");
        assert_eq!(d["referral"]["answer_reason"], "Il martedì ha la fisioterapia");
        assert!(d["booking"].is_null());
        assert_eq!(counts(&app, sid2).await, (0, 0, Some(10)));
        let list = referrals_of(&app, &giulia, maria).await;
        assert_eq!(history(&list[0]), vec!["proposed", "declined"]);
        assert_eq!(list[0]["history"][1]["note"], "Il martedì ha la fisioterapia");

        // A referral to the activity: accepting picks one of its sessions.
        let (other, sid4) = one_session(&app, &org, "Burraco", Some(10), 0).await;
        let r4 = expect_status(refer(&app, &giulia, maria, json!({"activity_id": id_of(&other)})).await, 201).await;
        assert!(r4["session_id"].is_null(), "{r4}");
        let e = expect_error(answer(&app, &giulia, id_of(&r4), json!({"accept": true, "channel": "phone"})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["session_id"].is_string(), "{e}");
        let e = expect_error(answer(&app, &giulia, id_of(&r4), json!({"accept": true, "channel": "phone", "session_id": sid2})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["session_id"].is_string(), "{e}");
        assert_eq!(counts(&app, sid2).await, (0, 0, Some(10)));
        let a4 = expect_status(answer(&app, &giulia, id_of(&r4), json!({"accept": true, "channel": "phone", "session_id": sid4})).await, 200).await;
        assert_eq!(a4["booking"]["session_id"], sid4);
        assert_eq!(counts(&app, sid4).await, (1, 0, Some(9)));

        // Going along: the linker's seat is booked with Maria's.
        let (_, sid3) = one_session(&app, &org, "Tombola", Some(10), 0).await;
        let r3 = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid3, "goes_along": true})).await, 201).await;
        let a3 = expect_status(answer(&app, &giulia, id_of(&r3), json!({"accept": true, "channel": "signed_paper"})).await, 200).await;
        assert_eq!((a3["booking"]["seats"].as_i64(), a3["booking"]["companion"].as_str()), (Some(2), Some("linker")));
        assert_eq!(counts(&app, sid3).await, (2, 0, Some(8)));
    }

    async fn an_unanswered_referral_expires_and_can_no_longer_be_accepted(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        let r = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid})).await, 201).await;
        let rid = id_of(&r);

        app.exec_sql(&format!(
            "UPDATE referrals SET expires_at = {} WHERE id = {rid}",
            sql_time(utc_now() - Duration::minutes(1))
        )).await;
        let e = expect_error(answer(&app, &giulia, rid, json!({"accept": true, "channel": "phone"})).await, 409, "conflict").await;
        assert!(message(&e).to_lowercase().contains("scad") || message(&e).to_lowercase().contains("expire"), "{e}");
        assert_eq!(counts(&app, sid).await, (0, 0, Some(10)), "an expired referral booked a seat");
        // Past due is expired even before the housekeeping runs…
        assert_eq!(referrals_of(&app, &giulia, maria).await[0]["status"], "expired");
        // …and the housekeeping writes it down in the history.
        sweep(&app).await;
        let list = referrals_of(&app, &giulia, maria).await;
        assert_eq!(list[0]["status"], "expired");
        assert_eq!(history(&list[0]), vec!["proposed", "expired"]);
        assert!(list[0]["booking_id"].is_null());
    }

    async fn accepting_a_referral_for_a_session_that_was_cancelled_meanwhile_writes_nothing(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        let r = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid})).await, 201).await;
        expect_status(edit_session(&app, &org.client, sid, &json!({"status": "cancelled"})).await, 200).await;

        let e = expect_error(answer(&app, &giulia, id_of(&r), json!({"accept": true, "channel": "phone"})).await, 409, "conflict").await;
        assert!(!message(&e).is_empty());
        let list = referrals_of(&app, &giulia, maria).await;
        assert_eq!(list[0]["status"], "proposed", "the referral moved although no seat was booked");
        assert_eq!(history(&list[0]), vec!["proposed"]);
        assert_eq!(counts(&app, sid).await, (0, 0, Some(10)));
        let theirs = expect_status(app.get(&giulia, &format!("/api/v1/residents/{maria}/bookings")).await, 200).await;
        assert_eq!(theirs, json!([]));
    }

    // -----------------------------------------------------------------------------------------
    // Guests
    // -----------------------------------------------------------------------------------------

    async fn a_guest_who_joins_with_an_email_holds_a_seat_only_after_confirming_from_the_mail(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(1), 0).await;

        let joined = expect_status(
            app.post_json(&app.client(), &bookings_path(sid), &json!({"name": "Anna", "email": "Anna@Example.org"})).await,
            201,
        ).await;
        assert_eq!(joined["status"], "unconfirmed");
        assert!(joined["manage_url"].is_null(), "the answer carries the link that proves the address: {joined}");
        assert_eq!(counts(&app, sid).await, (0, 0, Some(1)), "an unconfirmed join took a seat");

        let mail = app.wait_for_mail("anna@example.org", Some("Camminata in centro")).await;
        assert!(mail.body.contains("Anna"), "{}", mail.body);
        assert!(mail.body.contains(&format!("{}/bookings/manage?t=", app.address)), "{}", mail.body);
        assert!(!mail.body.contains("{ $") && !mail.body.contains("join-mail"), "an untranslated mail: {}", mail.body);
        let token = token_in(&mail.body);

        let confirmed = expect_status(app.post_json(&app.client(), "/api/v1/booking-links/confirm", &json!({"token": token})).await, 200).await;
        assert_eq!(confirmed["id"], joined["id"]);
        assert_eq!(confirmed["status"], "confirmed");
        assert_eq!(counts(&app, sid).await, (1, 0, Some(0)));
        // A second click changes nothing.
        let twice = expect_status(app.post_json(&app.client(), "/api/v1/booking-links/confirm", &json!({"token": token})).await, 200).await;
        assert_eq!(twice["status"], "confirmed");
        assert_eq!(counts(&app, sid).await, (1, 0, Some(0)));

        // The seat was taken on confirming, not handed over from a waitlist.
        assert!(confirmed["promoted_at"].is_null(), "{confirmed}");

        // Someone confirming after the seats ran out waits in line.
        expect_status(
            app.client()
                .post(app.url(&bookings_path(sid)))
                .header("Accept-Language", "en-GB,en;q=0.9")
                .json(&json!({"name": "Bice", "email": "bice@example.org"}))
                .send()
                .await
                .expect("POST failed"),
            201,
        )
        .await;
        // In the language the guest's browser asked for.
        let mail = app.wait_for_mail("bice@example.org", None).await;
        assert!(mail.subject.starts_with("Please confirm") && mail.body.starts_with("Hello Bice"), "{} / {}", mail.subject, mail.body);
        let t2 = token_in(&mail.body);
        let late = expect_status(app.post_json(&app.client(), "/api/v1/booking-links/confirm", &json!({"token": t2})).await, 200).await;
        assert_eq!((late["status"].as_str(), late["place_in_line"].as_i64()), (Some("waitlisted"), Some(1)));
        assert_eq!(counts(&app, sid).await, (1, 1, Some(0)));

        // The organizer sees the guests with the address they gave to join.
        let register = register_of(&app, &org.client, sid).await;
        let anna = line_of(&register, id_of(&joined));
        assert_eq!(anna["name"], "Anna");
        assert_eq!(anna["email"], "anna@example.org");
    }

    // -----------------------------------------------------------------------------------------
    // The organizer's register
    // -----------------------------------------------------------------------------------------

    async fn the_register_shows_pseudonyms_and_only_the_contacts_and_needs_people_agreed_to_share(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = resident_with_details(&app, &giulia, "Maria", 1).await;
        let lucia = resident_with_details(&app, &giulia, "Lucia", 2).await;
        let m = expect_status(book_for(&app, &giulia, sid, maria, json!({})).await, 201).await;
        let l = expect_status(book_for(&app, &giulia, sid, lucia, json!({"share_contact": true, "share_needs": true})).await, 201).await;
        let g = guest(&app, sid, 7).await;

        let register = register_of(&app, &org.client, sid).await;
        let starts = crate::activities::instant(&register["starts_at"]);
        assert_eq!(starts, crate::activities::utc_of(at(today() + Duration::days(7), 10, 0)), "{register}");
        assert!(crate::activities::instant(&register["ends_at"]) > starts);
        let text = register.to_string();
        assert!(!text.contains("maria@example.org") && !text.contains("0000001"), "Maria's contact details are shown: {text}");
        let ml = line_of(&register, id_of(&m));
        assert_eq!(ml["name"], "Maria");
        assert!(ml["phone"].is_null() && ml["email"].is_null(), "{ml}");
        assert_eq!(ml["needs"], json!([]));
        assert_eq!(ml["wheelchair"], false);

        let ll = line_of(&register, id_of(&l));
        assert_eq!(ll["name"], "Lucia");
        assert_eq!(ll["phone"], "+39 347 0000002");
        assert_eq!(ll["email"], "lucia@example.org");
        assert_eq!(ll["needs"], json!(["step_free"]));
        assert_eq!(ll["wheelchair"], true);

        let gl = line_of(&register, id_of(&g));
        assert_eq!(gl["name"], "Ospite 7");
        assert!(gl["phone"].as_str().is_some_and(|p| p.ends_with("0000007")), "{gl}");

        // Nobody but the organizers sees it.
        let plain = app.signup_verified_user("nosy@example.org", "Nosy", PASSWORD).await;
        for client in [&plain, &giulia] {
            let e = expect_error(app.get(client, &format!("/api/v1/sessions/{sid}/register")).await, 403, "forbidden").await;
            assert!(!message(&e).is_empty());
        }
        expect_error(app.get(&app.client(), &format!("/api/v1/sessions/{sid}/register")).await, 401, "unauthorized").await;
    }

    async fn participants_are_checked_in_from_the_list_or_with_the_code_and_wrong_codes_are_limited(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let a = guest(&app, sid, 1).await;
        let b = guest(&app, sid, 2).await;
        let c = guest(&app, sid, 3).await;
        let ugo = app.signup_verified_user("ugo@example.org", "Ugo", PASSWORD).await;
        let u = expect_status(app.post_json(&ugo, &bookings_path(sid), &json!({})).await, 201).await;

        // A week before, nobody checks in and the organizer cannot take attendance yet.
        let code = register_of(&app, &org.client, sid).await["checkin_code"].as_str().expect("a code").to_string();
        assert!(code.len() == 4 && code.bytes().all(|d| d.is_ascii_digit()), "{code}");
        expect_error(check_in_with_link(&app, id_of(&c), &token_of(&c), &code).await, 409, "conflict").await;
        expect_error(mark(&app, &org.client, sid, id_of(&a), "attended").await, 409, "conflict").await;

        move_session(&app, sid, -10, 90).await;
        // The code stays the same once shown.
        assert_eq!(register_of(&app, &org.client, sid).await["checkin_code"], code.as_str());

        // From the list.
        expect_status(mark(&app, &org.client, sid, id_of(&a), "attended").await, 204).await;
        // Someone who is not an organizer cannot use the list.
        let e = expect_error(mark(&app, &ugo, sid, id_of(&b), "attended").await, 403, "forbidden").await;
        assert!(!message(&e).is_empty());
        expect_error(mark(&app, &org.client, sid, id_of(&b), "present").await, 422, "validation").await;

        // With the code, signed in.
        let path = format!("/api/v1/bookings/{}/check-in", id_of(&u));
        expect_status(app.post_json(&ugo, &path, &json!({"code": code})).await, 204).await;
        // Nobody checks in someone else's booking.
        let pia = app.signup_verified_user("pia@example.org", "Pia", PASSWORD).await;
        expect_error(app.post_json(&pia, &format!("/api/v1/bookings/{}/check-in", id_of(&b)), &json!({"code": code})).await, 404, "not_found").await;

        // With the code, from the private link; a wrong code is a clear 422…
        let wrong = another_code(&code);
        let e = expect_error(check_in_with_link(&app, id_of(&b), &token_of(&b), &wrong).await, 422, "validation").await;
        assert!(e["error"]["fields"]["code"].is_string(), "{e}");
        // …and guessing is cut off.
        let attempts = app.state.settings.participation.checkin_attempts;
        let mut limited = false;
        for _ in 0..attempts + 1 {
            let resp = check_in_with_link(&app, id_of(&b), &token_of(&b), &wrong).await;
            match resp.status().as_u16() {
                422 => {}
                429 => {
                    limited = true;
                    break;
                }
                other => panic!("a wrong code answered {other}"),
            }
        }
        assert!(limited, "wrong codes were never limited");
        expect_error(check_in_with_link(&app, id_of(&b), &token_of(&b), &code).await, 429, "too_many_requests").await;
        // Another participant is not locked out by B's guessing.
        expect_status(check_in_with_link(&app, id_of(&c), &token_of(&c), &format!(" {code} ")).await, 204).await;

        let register = register_of(&app, &org.client, sid).await;
        let line = |id| line_of(&register, id);
        assert_eq!((line(id_of(&a))["attendance"].as_str(), line(id_of(&a))["attendance_method"].as_str()), (Some("attended"), Some("list")));
        assert_eq!((line(id_of(&u))["attendance"].as_str(), line(id_of(&u))["attendance_method"].as_str()), (Some("attended"), Some("code")));
        assert_eq!(line(id_of(&c))["attendance"], "attended");
        assert_eq!(line(id_of(&b))["attendance"], "", "a guessed code checked B in");
        let mine = expect_status(app.get(&ugo, &format!("/api/v1/bookings/{}", id_of(&u))).await, 200).await;
        assert_eq!(mine["attendance"], "attended");
    }

    async fn closing_the_register_makes_the_unmarked_no_shows_and_follows_the_referral(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        let r = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid})).await, 201).await;
        let m = expect_status(answer(&app, &giulia, id_of(&r), json!({"accept": true, "channel": "phone"})).await, 200).await["booking"].clone();
        let a = guest(&app, sid, 1).await;
        let b = guest(&app, sid, 2).await;

        // Not before the start.
        let e = expect_error(app.post_json(&org.client, &format!("/api/v1/sessions/{sid}/register/close"), &json!({})).await, 409, "conflict").await;
        assert!(!message(&e).is_empty());
        move_session(&app, sid, -60, 90).await;
        // Cancelling once it started is refused.
        expect_error(cancel_by_link(&app, &token_of(&b)).await, 409, "conflict").await;
        // Only organizers close it.
        let nosy = app.signup_verified_user("nosy@example.org", "Nosy", PASSWORD).await;
        expect_error(app.post_json(&nosy, &format!("/api/v1/sessions/{sid}/register/close"), &json!({})).await, 403, "forbidden").await;

        expect_status(mark(&app, &org.client, sid, id_of(&a), "attended").await, 204).await;
        let closed = expect_status(app.post_json(&org.client, &format!("/api/v1/sessions/{sid}/register/close"), &json!({})).await, 200).await;
        assert_eq!(closed["no_shows"], 2, "B and Maria were not marked: {closed}");

        let register = register_of(&app, &org.client, sid).await;
        assert_eq!(register["register_closed"], true);
        assert_eq!(line_of(&register, id_of(&a))["attendance"], "attended");
        for id in [id_of(&b), id_of(&m)] {
            let l = line_of(&register, id);
            assert_eq!((l["attendance"].as_str(), l["attendance_method"].as_str()), (Some("no_show"), Some("register_closed")), "{l}");
        }
        let list = referrals_of(&app, &giulia, maria).await;
        assert_eq!(list[0]["status"], "did_not_attend");
        assert_eq!(history(&list[0]), vec!["proposed", "accepted", "did_not_attend"]);
        // Closing again changes nothing.
        let again = expect_status(app.post_json(&org.client, &format!("/api/v1/sessions/{sid}/register/close"), &json!({})).await, 200).await;
        assert_eq!(again["no_shows"], 0);
        // Once closed, nobody checks in with the code any more.
        let code = register["checkin_code"].as_str().expect("code").to_string();
        expect_error(check_in_with_link(&app, id_of(&b), &token_of(&b), &code).await, 409, "conflict").await;

        // A correction afterwards follows the referral too.
        expect_status(mark(&app, &org.client, sid, id_of(&m), "attended").await, 204).await;
        let list = referrals_of(&app, &giulia, maria).await;
        assert_eq!(list[0]["status"], "attended");
    }

    async fn a_referral_accepted_for_a_session_already_booked_keeps_the_booking_and_follows_attendance(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        let booked = expect_status(book_for(&app, &giulia, sid, maria, json!({})).await, 201).await;
        let r = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid})).await, 201).await;
        let a = expect_status(answer(&app, &giulia, id_of(&r), json!({"accept": true, "channel": "in_person"})).await, 200).await;
        assert_eq!(a["booking"]["id"], booked["id"], "a second booking: {a}");
        assert_eq!(a["referral"]["booking_id"], booked["id"]);
        assert_eq!(counts(&app, sid).await, (1, 0, Some(9)));

        move_session(&app, sid, -60, 90).await;
        let closed = expect_status(app.post_json(&org.client, &format!("/api/v1/sessions/{sid}/register/close"), &json!({})).await, 200).await;
        assert_eq!(closed["no_shows"], 1);
        let list = referrals_of(&app, &giulia, maria).await;
        assert_eq!(list[0]["status"], "did_not_attend", "the referral did not follow the register: {}", list[0]);
        expect_status(mark(&app, &org.client, sid, id_of(&booked), "attended").await, 204).await;
        assert_eq!(referrals_of(&app, &giulia, maria).await[0]["status"], "attended");
    }

    async fn a_register_nobody_closed_is_closed_automatically_a_while_after_the_end(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        let luca = new_resident(&app, &giulia, &resident_body("Luca")).await;
        let mut bookings = Vec::new();
        for who in [maria, luca] {
            let r = expect_status(refer(&app, &giulia, who, json!({"session_id": sid})).await, 201).await;
            bookings.push(expect_status(answer(&app, &giulia, id_of(&r), json!({"accept": true, "channel": "phone"})).await, 200).await["booking"].clone());
        }
        let x = guest(&app, sid, 1).await;

        // Ended an hour ago: too soon to close on its own.
        move_session(&app, sid, -150, 90).await;
        expect_status(mark(&app, &org.client, sid, id_of(&bookings[0]), "attended").await, 204).await;
        sweep(&app).await;
        let register = register_of(&app, &org.client, sid).await;
        assert_eq!(register["register_closed"], false);
        assert_eq!(line_of(&register, id_of(&x))["attendance"], "");

        // A day and more after the end it is.
        let hours = app.state.settings.participation.auto_close_hours;
        move_session(&app, sid, -(hours + 3) * 60, 90).await;
        sweep(&app).await;
        let register = register_of(&app, &org.client, sid).await;
        assert_eq!(register["register_closed"], true);
        let xl = line_of(&register, id_of(&x));
        assert_eq!((xl["attendance"].as_str(), xl["attendance_method"].as_str()), (Some("no_show"), Some("automatic")));
        assert_eq!(line_of(&register, id_of(&bookings[0]))["attendance"], "attended");
        assert_eq!(line_of(&register, id_of(&bookings[1]))["attendance"], "no_show");
        assert_eq!(referrals_of(&app, &giulia, maria).await[0]["status"], "attended");
        assert_eq!(referrals_of(&app, &giulia, luca).await[0]["status"], "did_not_attend");
    }

    async fn participants_of_a_cancelled_session_never_become_no_shows(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        let r = expect_status(refer(&app, &giulia, maria, json!({"session_id": sid})).await, 201).await;
        let m = expect_status(answer(&app, &giulia, id_of(&r), json!({"accept": true, "channel": "phone"})).await, 200).await["booking"].clone();
        expect_status(edit_session(&app, &org.client, sid, &json!({"status": "cancelled"})).await, 200).await;

        let hours = app.state.settings.participation.auto_close_hours;
        move_session(&app, sid, -(hours + 3) * 60, 90).await;
        sweep(&app).await;
        let mine = expect_status(app.get(&giulia, &format!("/api/v1/bookings/{}", id_of(&m))).await, 200).await;
        assert_eq!(mine["attendance"], "", "a cancelled session marked its participants absent: {mine}");
        assert_eq!(referrals_of(&app, &giulia, maria).await[0]["status"], "accepted");
        // Nor can the organizer close its register by hand.
        let e = expect_error(app.post_json(&org.client, &format!("/api/v1/sessions/{sid}/register/close"), &json!({})).await, 409, "conflict").await;
        assert!(message(&e).to_lowercase().contains("annullat") || message(&e).to_lowercase().contains("cancel"), "{e}");
        let mine = expect_status(app.get(&giulia, &format!("/api/v1/bookings/{}", id_of(&m))).await, 200).await;
        assert_eq!(mine["attendance"], "");
    }

    async fn what_a_participant_says_afterwards_is_kept_next_to_the_organizers_mark(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let a = guest(&app, sid, 1).await;
        let b = guest(&app, sid, 2).await;
        let report = |booking: &Value, body: Value| {
            let mut body = body;
            body["token"] = json!(token_of(booking));
            let path = format!("/api/v1/bookings/{}/report", id_of(booking));
            let app = &app;
            async move { app.post_json(&app.client(), &path, &body).await }
        };

        // Not before it happened.
        let e = expect_error(report(&a, json!({"went": true})).await, 409, "conflict").await;
        assert!(!message(&e).is_empty());

        move_session(&app, sid, -120, 90).await;
        expect_status(mark(&app, &org.client, sid, id_of(&a), "no_show").await, 204).await;
        expect_status(mark(&app, &org.client, sid, id_of(&b), "attended").await, 204).await;
        expect_status(report(&a, json!({"went": true, "felt_welcome": true, "would_return": true})).await, 204).await;
        expect_status(report(&b, json!({"went": false, "felt_welcome": true})).await, 204).await;

        let seen = by_link(&app, &token_of(&a)).await;
        assert_eq!((seen["attendance"].as_str(), seen["self_report"].as_str()), (Some("no_show"), Some("went")));
        assert_eq!((seen["felt_welcome"].as_bool(), seen["would_return"].as_bool()), (Some(true), Some(true)));
        let seen = by_link(&app, &token_of(&b)).await;
        assert_eq!((seen["attendance"].as_str(), seen["self_report"].as_str()), (Some("attended"), Some("did_not_go")));
        assert!(seen["felt_welcome"].is_null(), "someone who did not go cannot have felt welcome: {seen}");

        let register = register_of(&app, &org.client, sid).await;
        let al = line_of(&register, id_of(&a));
        assert_eq!((al["attendance"].as_str(), al["self_report"].as_str()), (Some("no_show"), Some("went")));
        let bl = line_of(&register, id_of(&b));
        assert_eq!((bl["attendance"].as_str(), bl["self_report"].as_str()), (Some("attended"), Some("did_not_go")));
    }

    async fn a_guest_who_lost_the_mail_joins_again_and_gets_a_fresh_link(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(3), 0).await;
        let body = json!({"name": "Anna", "email": "anna@example.org"});
        let first = expect_status(app.post_json(&app.client(), &bookings_path(sid), &body).await, 201).await;
        let old = token_in(&app.wait_for_mails("anna@example.org", 1).await[0].body);

        let again = expect_status(app.post_json(&app.client(), &bookings_path(sid), &body).await, 200).await;
        assert_eq!(again["id"], first["id"]);
        assert!(again["manage_url"].is_null(), "{again}");
        let mails = app.wait_for_mails("anna@example.org", 2).await;
        let fresh = token_in(&mails[1].body);
        assert_ne!(fresh, old);

        expect_error(app.post_json(&app.client(), "/api/v1/booking-links/confirm", &json!({"token": old})).await, 400, "bad_request").await;
        let confirmed = expect_status(app.post_json(&app.client(), "/api/v1/booking-links/confirm", &json!({"token": fresh})).await, 200).await;
        assert_eq!(confirmed["status"], "confirmed");
        assert_eq!(counts(&app, sid).await, (1, 0, Some(2)));

        // Once confirmed, joining again sends nothing more.
        expect_status(app.post_json(&app.client(), &bookings_path(sid), &body).await, 200).await;
        assert_eq!(app.mails_to("anna@example.org").len(), 2);
    }

    async fn clicking_the_confirmation_link_many_times_at_once_confirms_once(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(3), 0).await;
        expect_status(
            app.post_json(&app.client(), &bookings_path(sid), &json!({"name": "Anna", "email": "anna@example.org"})).await,
            201,
        ).await;
        let token = token_in(&app.wait_for_mail("anna@example.org", None).await.body);

        let mut set = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (client, url, token) = (app.client(), app.url("/api/v1/booking-links/confirm"), token.clone());
            set.spawn(async move {
                let resp = client.post(url).json(&json!({"token": token})).send().await.expect("POST failed");
                (resp.status().as_u16(), body_json(resp).await)
            });
        }
        while let Some(done) = set.join_next().await {
            let (status, body) = done.expect("a confirm task");
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["status"], "confirmed", "{body}");
        }
        assert_eq!(counts(&app, sid).await, (1, 0, Some(2)));
    }

    async fn two_devices_opening_the_register_at_once_show_the_same_check_in_code(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        guest(&app, sid, 1).await;
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (client, url) = (org.client.clone(), app.url(&format!("/api/v1/sessions/{sid}/register")));
            set.spawn(async move {
                let resp = client.get(url).send().await.expect("GET failed");
                assert_eq!(resp.status().as_u16(), 200);
                body_json(resp).await["checkin_code"].as_str().expect("a code").to_string()
            });
        }
        let mut codes = HashSet::new();
        while let Some(done) = set.join_next().await {
            codes.insert(done.expect("a register task"));
        }
        let shown = register_of(&app, &org.client, sid).await["checkin_code"].as_str().expect("a code").to_string();
        assert_eq!(codes, HashSet::from([shown]), "the devices show different codes");
    }

    async fn everyone_at_a_venue_on_one_network_can_check_in_with_the_code(
        app: |s| s.participation.guest_joins_per_hour = 100
    ) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, sid) = one_session(&app, &org, "Tombola della domenica", Some(40), 0).await;
        let mut people = Vec::new();
        for n in 0..30 {
            people.push(guest(&app, sid, n).await);
        }
        move_session(&app, sid, -5, 90).await;
        let code = register_of(&app, &org.client, sid).await["checkin_code"].as_str().expect("a code").to_string();
        // One wrong try along the way is normal.
        expect_error(check_in_with_link(&app, id_of(&people[0]), &token_of(&people[0]), &another_code(&code)).await, 422, "validation").await;
        for b in &people {
            expect_status(check_in_with_link(&app, id_of(b), &token_of(b), &code).await, 204).await;
        }
        let register = register_of(&app, &org.client, sid).await;
        assert!(
            register["confirmed"].as_array().expect("a list").iter().all(|l| l["attendance"] == "attended"),
            "{register}"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Bad input
    // -----------------------------------------------------------------------------------------

    async fn joins_that_cannot_be_are_refused_clearly_and_write_nothing(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (_, open) = one_session(&app, &org, "Camminata in centro", Some(10), 0).await;
        let (_, cancelled) = one_session(&app, &org, "Coro di quartiere", Some(10), 0).await;
        let (_, past) = one_session(&app, &org, "Tombola", Some(10), 0).await;
        expect_status(edit_session(&app, &org.client, cancelled, &json!({"status": "cancelled"})).await, 200).await;
        move_session(&app, past, -60, 90).await;
        let nadia = app.signup_verified_user("nadia@example.org", "Nadia", PASSWORD).await;

        let e = expect_error(app.post_json(&nadia, &bookings_path(cancelled), &json!({})).await, 409, "conflict").await;
        assert!(message(&e).to_lowercase().contains("annullat") || message(&e).to_lowercase().contains("cancel"), "{e}");
        let e = expect_error(join_by_phone(&app, past, "Bruno", &phone(1)).await, 409, "conflict").await;
        assert!(!message(&e).is_empty());
        expect_error(app.post_json(&nadia, &bookings_path(999_999), &json!({})).await, 404, "not_found").await;

        // Someone else's resident: refused and recorded.
        let (giulia, _) = accredited_linker(&app, &org.admin, "giulia@example.org", "Giulia").await;
        let (marco, marco_id) = accredited_linker(&app, &org.admin, "marco@example.org", "Marco").await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        expect_error(book_for(&app, &marco, open, maria, json!({})).await, 403, "forbidden").await;
        expect_error(book_for(&app, &nadia, open, maria, json!({})).await, 403, "forbidden").await;
        expect_error(book_for(&app, &app.client(), open, maria, json!({})).await, 401, "unauthorized").await;
        let log = expect_status(app.get(&org.admin, &format!("/api/v1/admin/audit?subject_kind=resident&subject_id={maria}")).await, 200).await;
        assert!(
            log.as_array().expect("a list").iter().any(|r| r["action"] == "resident.denied" && r["actor_user_id"] == marco_id),
            "the refusal is not in the audit log: {log}"
        );

        // Unknown or missing values.
        let e = expect_error(app.post_json(&nadia, &bookings_path(open), &json!({"companion": "friend"})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["companion"].is_string(), "{e}");
        let e = expect_error(app.post_json(&app.client(), &bookings_path(open), &json!({"name": "", "email": "", "phone": ""})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["name"].is_string() && e["error"]["fields"]["email"].is_string(), "{e}");
        let e = expect_error(join_by_phone(&app, open, "Bruno", "12ab34").await, 422, "validation").await;
        assert!(e["error"]["fields"]["phone"].is_string(), "{e}");
        let e = expect_error(app.post_json(&app.client(), &bookings_path(open), &json!({"name": "Bruno", "email": "not-an-address"})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["email"].is_string(), "{e}");
        let resp = app.post_json(&nadia, &bookings_path(open), &json!({"companion": 5})).await;
        assert_eq!(resp.status().as_u16(), 400, "a wrongly typed body");

        // A paused activity takes no joins.
        let (body, paused) = one_session(&app, &org, "Merenda", Some(10), 0).await;
        expect_status(crate::activities::set_status(&app, &org.client, id_of(&body), "paused").await, 200).await;
        expect_error(app.post_json(&nadia, &bookings_path(paused), &json!({})).await, 409, "conflict").await;

        // A suspended organization takes no joins.
        expect_status(app.decide_org(&org.admin, org.org_id, "suspend", "Complaints from residents").await, 200).await;
        let e = expect_error(app.post_json(&nadia, &bookings_path(open), &json!({})).await, 409, "conflict").await;
        assert!(!message(&e).is_empty());
        expect_error(refer(&app, &giulia, maria, json!({"session_id": open})).await, 409, "conflict").await;

        // Nothing was written anywhere.
        for sid in [open, cancelled, past, paused] {
            assert_eq!(counts(&app, sid).await.0 + counts(&app, sid).await.1, 0, "session {sid}");
        }
        let register = register_of(&app, &org.client, open).await;
        assert_eq!((line_ids(&register, "confirmed").len(), line_ids(&register, "waitlist").len()), (0, 0));
        assert_eq!(expect_status(app.get(&nadia, "/api/v1/me/bookings").await, 200).await, json!([]));
        assert_eq!(expect_status(app.get(&giulia, &format!("/api/v1/residents/{maria}/bookings")).await, 200).await, json!([]));
    }
}
