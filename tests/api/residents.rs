//! Residents: registration with consent, who may read a file (and the audit of every read and
//! refusal), questionnaires, consent withdrawal, and explained suggestions from the index.

use crate::activities::{at, draft, id_of, interest, next_weekday, Publisher};
use crate::helpers::*;
use chrono::Weekday;
use reqwest::Client;
use serde_json::{json, Value};

/// Piazza del Duomo.
const HOME: (f64, f64) = (45.4642, 9.1900);

/// A point `north_m` metres north and `east_m` east of the Duomo.
fn near(north_m: f64, east_m: f64) -> (f64, f64) {
    (
        HOME.0 + north_m / 111_195.0,
        HOME.1 + east_m / (111_195.0 * HOME.0.to_radians().cos()),
    )
}

/// A signed-in, accredited linker and their user id.
pub async fn accredited_linker(
    app: &TestApp,
    admin: &Client,
    email: &str,
    name: &str,
) -> (Client, i64) {
    let linker = app.signup_verified_user(email, name, PASSWORD).await;
    expect_status(
        app.post_json(
            &linker,
            "/api/v1/me/linker-request",
            &json!({"motivation": "Volontariato di quartiere"}),
        )
        .await,
        201,
    )
    .await;
    let uid = app.me_ok(&linker).await["id"].as_i64().unwrap();
    expect_status(
        app.post_json(
            admin,
            &format!("/api/v1/admin/linkers/{uid}/decision"),
            &json!({"decision": "accredit"}),
        )
        .await,
        200,
    )
    .await;
    (linker, uid)
}

/// A resident profile at the Duomo, with care consent recorded on paper.
pub fn resident_body(name: &str) -> Value {
    json!({
        "display_name": name,
        "home_latitude": HOME.0,
        "home_longitude": HOME.1,
        "travel_radius_m": 1500,
        "languages": ["it"],
        "consents": [{"purpose": "care", "channel": "signed_paper"}],
    })
}

/// Registers a resident as `linker`; returns the id.
pub async fn register(app: &TestApp, linker: &Client, body: &Value) -> i64 {
    id_of(&expect_status(app.post_json(linker, "/api/v1/residents", body).await, 201).await)
}

async fn suggestions(app: &TestApp, client: &Client, id: i64) -> Value {
    expect_status(
        app.get(
            client,
            &format!("/api/v1/residents/{id}/suggestions?limit=50"),
        )
        .await,
        200,
    )
    .await
}

fn titles(s: &Value) -> Vec<String> {
    s["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap().to_string())
        .collect()
}

/// An activity body at a point, weekly on a weekday at an hour, with changes applied.
fn activity_at(
    title: &str,
    at_point: (f64, f64),
    day: Weekday,
    hour: u32,
    interests: &[i64],
    tweak: impl FnOnce(&mut Value),
) -> Value {
    let starts = at(next_weekday(day), hour, 0);
    let byday = &format!("{day:?}").to_uppercase()[..2];
    let mut body = draft(
        title,
        starts,
        &format!("FREQ=WEEKLY;BYDAY={byday}"),
        interests,
    );
    body["latitude"] = json!(at_point.0);
    body["longitude"] = json!(at_point.1);
    body["wheelchair"] = json!("full");
    body["accessibility"] = json!([]);
    body["low_barrier"] = json!([]);
    tweak(&mut body);
    body
}

async fn audit_of(app: &TestApp, admin: &Client, id: i64) -> Vec<Value> {
    expect_status(
        app.get(
            admin,
            &format!("/api/v1/admin/audit?subject_kind=resident&subject_id={id}"),
        )
        .await,
        200,
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

both_backends! {
    async fn a_linker_registers_a_resident_with_consent_and_only_a_coarse_home_is_kept(app) {
        let admin = app.admin_client().await;
        let (linker, linker_id) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;

        // Without consent to follow-up there is no file.
        let mut no_consent = resident_body("Maria");
        no_consent["consents"] = json!([{"purpose": "statistics", "channel": "verbal"}]);
        let e = expect_error(app.post_json(&linker, "/api/v1/residents", &no_consent).await, 422, "validation").await;
        assert!(e["error"]["fields"]["consents"].as_str().unwrap().contains("consen"), "{e}");

        let id = register(&app, &linker, &resident_body("Maria")).await;
        let file = expect_status(app.get(&linker, &format!("/api/v1/residents/{id}")).await, 200).await;
        assert_eq!(file["display_name"], "Maria");
        assert_eq!(file["origin"], "assisted");
        assert_eq!(file["access"], "linker");
        let cell = file["home"]["cell"].as_str().unwrap();
        assert_eq!(cell.len(), 15, "an H3 cell id: {cell}");
        let text = file.to_string();
        assert!(!text.contains("45.4642") && !text.contains("9.19,"), "the exact point is not kept: {text}");
        assert_eq!(file["consents"][0]["purpose"], "care");
        assert_eq!(file["consents"][0]["channel"], "signed_paper");
        assert_eq!(file["consents"][0]["recorded_by"], linker_id);
        assert_eq!(file["linkers"][0]["user_id"], linker_id);
        let mine = expect_status(app.get(&linker, "/api/v1/residents").await, 200).await;
        assert_eq!(mine[0]["id"], id);

        // Someone who is not an accredited linker cannot register residents.
        let plain = app.signup_verified_user("plain@example.org", "Piero", PASSWORD).await;
        expect_error(app.post_json(&plain, "/api/v1/residents", &resident_body("Anna")).await, 403, "forbidden").await;
    }

    async fn another_linkers_resident_is_refused_and_the_attempt_is_audit_logged(app) {
        let admin = app.admin_client().await;
        let (giulia, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let (marco, marco_id) = accredited_linker(&app, &admin, "marco@example.org", "Marco").await;
        let id = register(&app, &giulia, &resident_body("Maria")).await;

        let e = expect_error(app.get(&marco, &format!("/api/v1/residents/{id}")).await, 403, "forbidden").await;
        assert!(e["error"]["message"].as_str().unwrap().to_lowercase().contains("linker"), "{e}");
        expect_error(app.get(&marco, &format!("/api/v1/residents/{id}/suggestions")).await, 403, "forbidden").await;
        expect_error(app.put_json(&marco, &format!("/api/v1/residents/{id}"), &resident_body("X")).await, 403, "forbidden").await;

        // Admins see a file only through break glass, with a reason; every read is logged.
        expect_error(app.get(&admin, &format!("/api/v1/residents/{id}")).await, 403, "forbidden").await;
        let short = expect_error(app.post_json(&admin, &format!("/api/v1/admin/residents/{id}/break-glass"), &json!({"reason": "check"})).await, 422, "validation").await;
        assert!(short["error"]["fields"]["reason"].is_string());
        expect_status(app.post_json(&admin, &format!("/api/v1/admin/residents/{id}/break-glass"), &json!({"reason": "Richiesta di accesso ai dati dell'interessata"})).await, 201).await;
        let file = expect_status(app.get(&admin, &format!("/api/v1/residents/{id}")).await, 200).await;
        assert_eq!(file["access"], "break_glass");
        expect_error(app.put_json(&admin, &format!("/api/v1/residents/{id}"), &resident_body("X")).await, 403, "forbidden").await;
        expect_status(app.get(&giulia, &format!("/api/v1/residents/{id}")).await, 200).await;

        let log = audit_of(&app, &admin, id).await;
        let denied: Vec<&Value> = log.iter().filter(|r| r["action"] == "resident.denied").collect();
        assert!(denied.iter().any(|r| r["actor_user_id"] == marco_id && r["detail"].as_str().unwrap().contains("file")), "{log:?}");
        assert!(denied.iter().any(|r| r["actor_user_id"] == marco_id && r["detail"].as_str().unwrap().contains("suggestions")), "{log:?}");
        let reads: Vec<&Value> = log.iter().filter(|r| r["action"] == "resident.read").collect();
        assert!(reads.iter().any(|r| r["detail"].as_str().unwrap().contains("break glass: Richiesta di accesso")), "{log:?}");
        assert!(reads.iter().any(|r| r["detail"].as_str().unwrap().contains("as their linker")), "{log:?}");
        assert!(log.iter().any(|r| r["action"] == "resident.break_glass"), "{log:?}");

        // Unknown residents are 404, bad ids too.
        expect_error(app.get(&giulia, "/api/v1/residents/999999").await, 404, "not_found").await;
    }

    async fn suggestions_respect_radius_needs_language_budget_and_free_time(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let other = interest(&app, "pets").await;
        // Each activity but the first is excluded by exactly one hard filter.
        let bodies = vec![
            activity_at("Passa il filtro", near(300.0, 0.0), Weekday::Tue, 10, &[other], |_| {}),
            activity_at("Troppo lontano", near(2000.0, 0.0), Weekday::Tue, 10, &[other], |_| {}),
            activity_at("Senza accesso in carrozzina", near(300.0, 0.0), Weekday::Tue, 10, &[other], |b| b["wheelchair"] = json!("no")),
            activity_at("Senza anello magnetico", near(300.0, 0.0), Weekday::Tue, 10, &[other], |b| b["accessibility"] = json!(["step_free"])),
            activity_at("Solo in francese", near(300.0, 0.0), Weekday::Tue, 10, &[other], |b| b["languages"] = json!(["fr"])),
            activity_at("A pagamento", near(300.0, 0.0), Weekday::Tue, 10, &[other], |b| { b["cost_kind"] = json!("amount"); b["cost_cents"] = json!(800); }),
            activity_at("Di sera", near(300.0, 0.0), Weekday::Tue, 20, &[other], |_| {}),
            activity_at("Di giovedì", near(300.0, 0.0), Weekday::Thu, 10, &[other], |_| {}),
        ];
        for b in &bodies {
            p.create(&app, b).await;
        }
        let mut body = resident_body("Maria");
        body["travel_radius_m"] = json!(1000);
        body["wheelchair"] = json!(true);
        body["accessibility"] = json!(["hearing_loop"]);
        body["budget_cents"] = json!(500);
        body["availability"] = json!(["tue_morning", "tue_afternoon"]);
        let id = register(&app, &linker, &body).await;
        // Before the needs are set, only the first passes the needs filters…
        let got = titles(&suggestions(&app, &linker, id).await);
        assert!(got.is_empty(), "no venue has a hearing loop yet: {got:?}");

        // …give the passing activity a hearing loop: it alone is suggested.
        let mut fixed = bodies[0].clone();
        fixed["accessibility"] = json!(["hearing_loop", "step_free"]);
        fixed["title"] = json!("Con anello magnetico");
        p.create(&app, &fixed).await;
        let got = titles(&suggestions(&app, &linker, id).await);
        assert_eq!(got, vec!["Con anello magnetico".to_string()]);

        // Lifting each need lets exactly the activities it excluded through.
        body["wheelchair"] = json!(false);
        body["accessibility"] = json!([]);
        body["budget_cents"] = json!(null);
        body["availability"] = json!([]);
        body["languages"] = json!(["it", "fr"]);
        body.as_object_mut().unwrap().remove("consents");
        expect_status(app.put_json(&linker, &format!("/api/v1/residents/{id}"), &body).await, 200).await;
        let mut got = titles(&suggestions(&app, &linker, id).await);
        got.sort();
        let mut want: Vec<String> = ["Passa il filtro", "Con anello magnetico", "Senza accesso in carrozzina", "Senza anello magnetico", "Solo in francese", "A pagamento", "Di sera", "Di giovedì"].iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "everything but the far one");
    }

    async fn nearer_and_matching_sessions_rank_first_with_true_reasons_in_the_readers_language(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let other = interest(&app, "pets").await;
        let garden = interest(&app, "urban-garden").await;
        let choir = interest(&app, "choir-music").await;
        p.create(&app, &activity_at("Orto lontano", near(900.0, 0.0), Weekday::Tue, 10, &[garden], |b| { b["low_barrier"] = json!(["welcomer"]); b["capacity"] = json!(8); })).await;
        p.create(&app, &activity_at("Coro vicino", near(200.0, 0.0), Weekday::Wed, 10, &[choir], |_| {})).await;
        p.create(&app, &activity_at("Niente in comune", near(600.0, 0.0), Weekday::Wed, 10, &[other], |_| {})).await;
        p.create(&app, &activity_at("Niente in comune e lontano", near(1200.0, 0.0), Weekday::Wed, 10, &[other], |_| {})).await;
        let mut body = resident_body("Maria");
        body["travel_radius_m"] = json!(2000);
        body["interests"] = json!([garden]);
        body["prefers_small_groups"] = json!(true);
        body["availability"] = json!(["tue_morning", "wed_morning"]);
        let id = register(&app, &linker, &body).await;

        let s = suggestions(&app, &linker, id).await;
        let t = titles(&s);
        assert_eq!(t[0], "Orto lontano", "the liked interest wins over 700 m: {t:?}");
        let pos = |x: &str| t.iter().position(|y| y == x).unwrap();
        assert!(pos("Niente in comune") < pos("Niente in comune e lontano"), "nearer first: {t:?}");
        let first = &s["suggestions"][0];
        let reasons: Vec<&str> = first["reasons"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
        let distance = first["distance_m"].as_u64().unwrap();
        // Measured from the centre of the home cell (within ~460 m of the Duomo), not the Duomo.
        assert!((400..=1400).contains(&distance), "about 900 m: {distance}");
        assert_eq!(first["reasons"][0]["kind"], "distance");
        assert_eq!(first["reasons"][0]["metres"].as_u64().unwrap(), distance, "the reason says the true distance");
        let kinds: Vec<&str> = first["reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
        for k in ["distance", "interests", "free", "when_free", "welcomer", "small_group", "language"] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
        // Italian by default…
        assert!(reasons.iter().any(|r| r.contains("da casa")), "{reasons:?}");
        assert!(reasons.iter().any(|r| *r == "ti piace: Orti urbani" || r.starts_with("ti piace: ")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.starts_with("martedì mattina")), "{reasons:?}");
        assert!(reasons.contains(&"gratuito"), "{reasons:?}");
        // …and English for a reader who chose English.
        expect_status(app.patch_json(&linker, "/api/v1/me", &json!({"locale": "en"})).await, 200).await;
        let en = suggestions(&app, &linker, id).await;
        let texts: Vec<String> = en["suggestions"][0]["reasons"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap().to_string()).collect();
        assert!(texts.iter().any(|r| r.ends_with("from home")), "{texts:?}");
        assert!(texts.iter().any(|r| r.starts_with("you like: ")), "{texts:?}");
        assert!(texts.iter().any(|r| r.starts_with("Tuesday morning, when you're free")), "{texts:?}");
        assert!(texts.iter().any(|r| r == "someone welcomes newcomers"), "{texts:?}");

        // Setting the first aside sends it down the list.
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{id}/suggestions/dismissals"), &json!({"activity_id": first["activity_id"], "reason": "Non le piace sporcarsi le mani"})).await, 204).await;
        let t2 = titles(&suggestions(&app, &linker, id).await);
        assert_ne!(t2[0], "Orto lontano", "declined activity no longer first: {t2:?}");
    }

    async fn the_index_follows_activities_as_they_are_edited_and_cancelled(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let other = interest(&app, "pets").await;
        let body = activity_at("Passeggiata", near(300.0, 0.0), Weekday::Tue, 10, &[other], |_| {});
        let a = p.create(&app, &body).await;
        let aid = id_of(&a);
        let id = register(&app, &linker, &resident_body("Maria")).await;
        assert_eq!(titles(&suggestions(&app, &linker, id).await), vec!["Passeggiata"]);

        // Moved 3 km away: out of reach.
        let mut moved = body.clone();
        let far = near(3000.0, 0.0);
        moved["latitude"] = json!(far.0);
        moved["longitude"] = json!(far.1);
        expect_status(crate::activities::put_activity(&app, &p.client, aid, &moved).await, 200).await;
        assert!(eventually(|| async { titles(&suggestions(&app, &linker, id).await).is_empty() }).await, "moved away");
        expect_status(crate::activities::put_activity(&app, &p.client, aid, &body).await, 200).await;
        assert!(eventually(|| async { titles(&suggestions(&app, &linker, id).await).len() == 1 }).await, "back");
        expect_status(crate::activities::set_status(&app, &p.client, aid, "cancelled").await, 200).await;
        assert!(eventually(|| async { titles(&suggestions(&app, &linker, id).await).is_empty() }).await, "cancelled");
    }

    async fn booked_sessions_leave_the_suggestions_and_full_ones_say_there_is_a_waitlist(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let walk = interest(&app, "walking-group").await;
        p.create(&app, &activity_at("Passeggiata", near(300.0, 0.0), Weekday::Tue, 10, &[walk], |_| {})).await;
        let full = p.create(&app, &activity_at("Coro pieno", near(400.0, 0.0), Weekday::Wed, 10, &[walk], |b| { b["capacity"] = json!(1); })).await;
        let id = register(&app, &linker, &resident_body("Maria")).await;
        let s = suggestions(&app, &linker, id).await;
        assert_eq!(titles(&s).len(), 2, "{s}");

        // Someone takes the only seat of the choir's next session: it is still suggested
        // (the waitlist is open) with one seat fewer and the waitlist said in words.
        let choir_session = full["sessions"][0]["id"].as_i64().unwrap();
        expect_status(app.post_json(&Client::new(), &format!("/api/v1/sessions/{choir_session}/bookings"), &json!({"name": "Anna", "phone": "+39 333 1111111"})).await, 201).await;
        let s = suggestions(&app, &linker, id).await;
        let choir = s["suggestions"].as_array().unwrap().iter().find(|x| x["title"] == "Coro pieno").unwrap().clone();
        assert_eq!(choir["session_id"].as_i64(), Some(choir_session), "{choir}");
        assert_eq!(choir["seats_left"], 0, "{choir}");
        let kinds: Vec<&str> = choir["reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"waitlist"), "{kinds:?}");
        // Discovery shows the same count.
        let found = expect_status(app.get(&Client::new(), &format!("/api/v1/sessions?lat={}&lon={}&radius_m=2000", HOME.0, HOME.1)).await, 200).await;
        let line = found["items"].as_array().unwrap().iter().find(|x| x["id"].as_i64() == Some(choir_session)).unwrap().clone();
        assert_eq!((line["seats_left"].as_i64(), line["waiting"].as_i64()), (Some(0), Some(0)), "{line}");

        // The linker books Maria on the walk: that activity leaves her suggestions.
        let walk_session = s["suggestions"].as_array().unwrap().iter().find(|x| x["title"] == "Passeggiata").unwrap()["session_id"].as_i64().unwrap();
        let b = expect_status(app.post_json(&linker, &format!("/api/v1/sessions/{walk_session}/bookings"), &json!({"resident_id": id})).await, 201).await;
        assert_eq!(b["status"], "confirmed");
        assert_eq!(titles(&suggestions(&app, &linker, id).await), vec!["Coro pieno"]);
        // Cancelled: suggested again.
        expect_status(app.delete(&linker, &format!("/api/v1/bookings/{}", b["id"])).await, 200).await;
        assert_eq!(titles(&suggestions(&app, &linker, id).await).len(), 2, "cancelled: suggested again");
    }

    async fn welcome_features_count_for_residents_only_until_they_have_taken_part(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let walk = interest(&app, "walking-group").await;
        p.create(&app, &activity_at("Benvenuti", near(300.0, 0.0), Weekday::Tue, 10, &[walk], |b| { b["low_barrier"] = json!(["welcomer"]); })).await;
        let went = p.create(&app, &activity_at("Gia fatta", near(350.0, 0.0), Weekday::Thu, 10, &[walk], |_| {})).await;
        let id = register(&app, &linker, &resident_body("Maria")).await;
        let welcome = |s: &Value| -> f64 {
            let w = s["suggestions"].as_array().unwrap().iter().find(|x| x["title"] == "Benvenuti").unwrap();
            w["parts"]["welcome"].as_f64().unwrap()
        };
        assert!(welcome(&suggestions(&app, &linker, id).await) > 0.0, "a newcomer counts welcomers");

        // Maria goes to another activity (its session moved into the past: the tests' only
        // way to move the clock) and says she went.
        let sid = went["sessions"][0]["id"].as_i64().unwrap();
        let b = expect_status(app.post_json(&linker, &format!("/api/v1/sessions/{sid}/bookings"), &json!({"resident_id": id})).await, 201).await;
        let starts = chrono::Utc::now().naive_utc() - chrono::Duration::hours(3);
        app.exec_sql(&format!(
            "UPDATE activity_sessions SET starts_at = '{}', ends_at = '{}' WHERE id = {sid}",
            starts.format("%Y-%m-%d %H:%M:%S"),
            (starts + chrono::Duration::hours(1)).format("%Y-%m-%d %H:%M:%S")
        ))
        .await;
        expect_status(app.post_json(&linker, &format!("/api/v1/bookings/{}/report", b["id"]), &json!({"went": true, "felt_welcome": true})).await, 204).await;
        assert_eq!(welcome(&suggestions(&app, &linker, id).await), 0.0, "no longer new");
    }

    async fn questionnaires_are_scored_at_the_boundaries_and_refused_out_of_range(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let id = register(&app, &linker, &resident_body("Maria")).await;
        let path = format!("/api/v1/residents/{id}/questionnaires");
        for (answers, score, lonely) in [([1, 1, 1], 3, false), ([2, 2, 1], 5, false), ([2, 2, 2], 6, true), ([3, 3, 3], 9, true)] {
            let r = expect_status(app.post_json(&linker, &path, &json!({"instrument": "ucla3", "answers": answers})).await, 201).await;
            assert_eq!(r["score"], score, "{answers:?}");
            assert_eq!(r["lonely"], lonely, "{answers:?}");
        }
        let ons = expect_status(app.post_json(&linker, &path, &json!({"instrument": "ons", "answers": [1], "context": "follow_up"})).await, 201).await;
        assert_eq!(ons["lonely"], true);
        for bad in [json!({"instrument": "ucla3", "answers": [0, 2, 2]}), json!({"instrument": "ucla3", "answers": [1, 2, 4]}), json!({"instrument": "ucla3", "answers": [1, 2]}), json!({"instrument": "ons", "answers": [6]}), json!({"instrument": "gds", "answers": [1]}), json!({"instrument": "ons", "answers": [2], "context": "whenever"})] {
            let e = expect_error(app.post_json(&linker, &path, &bad).await, 422, "validation").await;
            assert!(e["error"]["fields"].as_object().unwrap().len() == 1, "{bad} → {e}");
        }
        let file = expect_status(app.get(&linker, &format!("/api/v1/residents/{id}")).await, 200).await;
        let q = file["questionnaires"].as_array().unwrap();
        assert_eq!(q.len(), 5, "only the valid ones were stored: {q:?}");
        assert_eq!(q[3]["score"], 9);
        assert_eq!(q[4]["instrument"], "ons");
        assert_eq!(q[4]["context"], "follow_up");
    }

    async fn withdrawing_consent_stops_reminders_statistics_and_follow_up(app: |s| s.residents.statistics_min_group = 2) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let other = interest(&app, "pets").await;
        let a = p.create(&app, &activity_at("Passeggiata", near(300.0, 0.0), Weekday::Tue, 10, &[other], |_| {})).await;
        let session_id = a["sessions"][0]["id"].as_i64().unwrap();
        let mut body = resident_body("Maria");
        body["email"] = json!("maria@example.org");
        body["consents"] = json!([
            {"purpose": "care", "channel": "signed_paper"},
            {"purpose": "statistics", "channel": "signed_paper"},
            {"purpose": "reminders", "channel": "verbal"},
        ]);
        let maria = register(&app, &linker, &body).await;
        let mut other = resident_body("Anna");
        other["consents"] = json!([{"purpose": "care", "channel": "verbal"}, {"purpose": "statistics", "channel": "verbal"}]);
        let anna = register(&app, &linker, &other).await;
        for (id, a) in [(maria, [3, 3, 2]), (anna, [1, 2, 1])] {
            expect_status(app.post_json(&linker, &format!("/api/v1/residents/{id}/questionnaires"), &json!({"instrument": "ucla3", "answers": a})).await, 201).await;
        }

        // Reminders: a session can be mailed while the consent stands.
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{maria}/messages"), &json!({"session_id": session_id})).await, 202).await;
        let mail = app.wait_for_mail("maria@example.org", Some("Passeggiata")).await;
        assert!(mail.body.contains(&format!("/sessions/{session_id}")), "{}", mail.body);
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{maria}/consents/withdrawal"), &json!({"purpose": "reminders", "channel": "verbal"})).await, 204).await;
        let e = expect_error(app.post_json(&linker, &format!("/api/v1/residents/{maria}/messages"), &json!({"session_id": session_id})).await, 409, "conflict").await;
        assert!(e["error"]["message"].as_str().unwrap().contains("consen"), "{e}");
        assert_eq!(app.mails_to("maria@example.org").len(), 1, "no second mail");
        expect_error(app.post_json(&linker, &format!("/api/v1/residents/{maria}/consents/withdrawal"), &json!({"purpose": "reminders", "channel": "verbal"})).await, 409, "conflict").await;

        // Statistics: both count; after Anna withdraws, the group is too small to show.
        let stats = expect_status(app.get(&admin, "/api/v1/admin/statistics/loneliness").await, 200).await;
        assert_eq!(stats["residents"], 2, "{stats}");
        assert_eq!(stats["lonely"], 1, "{stats}");
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{anna}/consents/withdrawal"), &json!({"purpose": "statistics", "channel": "verbal"})).await, 204).await;
        let stats = expect_status(app.get(&admin, "/api/v1/admin/statistics/loneliness").await, 200).await;
        assert_eq!(stats["residents"], Value::Null, "one person is below the minimum group: {stats}");
        assert!(stats["groups"].as_array().unwrap().iter().all(|g| g["suppressed"] == true && g["residents"].is_null()), "{stats}");

        // Care follow-up: without it the linker loses the file, and regains it with a new consent.
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{maria}/consents/withdrawal"), &json!({"purpose": "care", "channel": "signed_paper"})).await, 204).await;
        let e = expect_error(app.get(&linker, &format!("/api/v1/residents/{maria}")).await, 403, "forbidden").await;
        assert!(e["error"]["message"].as_str().unwrap().contains("ritirato il consenso"), "{e}");
        expect_error(app.get(&linker, &format!("/api/v1/residents/{maria}/suggestions")).await, 403, "forbidden").await;
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{maria}/consents"), &json!({"purpose": "care", "channel": "signed_paper"})).await, 201).await;
        let file = expect_status(app.get(&linker, &format!("/api/v1/residents/{maria}")).await, 200).await;
        let consents = file["consents"].as_array().unwrap();
        assert!(consents.iter().any(|c| c["purpose"] == "care" && c["withdrawn_at"].is_string()), "the withdrawal is kept as history: {consents:?}");
        assert!(consents.iter().any(|c| c["purpose"] == "care" && c["withdrawn_at"].is_null()), "{consents:?}");
    }

    async fn residents_sign_up_themselves_and_see_their_own_suggestions(app) {
        let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let other = interest(&app, "pets").await;
        p.create(&app, &activity_at("Passeggiata", near(300.0, 0.0), Weekday::Tue, 10, &[other], |_| {})).await;
        let me = app.signup_verified_user("luca@example.org", "Luca", PASSWORD).await;
        expect_error(app.get(&me, "/api/v1/me/resident").await, 404, "not_found").await;
        let mut body = resident_body("Luca");
        body["consents"] = json!(["statistics"]);
        let id = id_of(&expect_status(app.post_json(&me, "/api/v1/me/resident", &body).await, 201).await);
        expect_error(app.post_json(&me, "/api/v1/me/resident", &body).await, 409, "conflict").await;
        let file = expect_status(app.get(&me, "/api/v1/me/resident").await, 200).await;
        assert_eq!(file["id"], id);
        assert_eq!(file["access"], "own");
        assert_eq!(file["consents"][0]["channel"], "online");
        assert_eq!(titles(&suggestions(&app, &me, id).await), vec!["Passeggiata"]);
        // A stranger cannot.
        let other = app.signup_verified_user("eva@example.org", "Eva", PASSWORD).await;
        expect_error(app.get(&other, &format!("/api/v1/residents/{id}/suggestions")).await, 403, "forbidden").await;
    }

    async fn people_without_an_account_ask_to_be_called_and_a_linker_takes_them_on(app) {
        let admin = app.admin_client().await;
        let (linker, linker_id) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let (other, _) = accredited_linker(&app, &admin, "marco@example.org", "Marco").await;
        let anon = app.client();
        let e = expect_error(app.post_json(&anon, "/api/v1/contact-requests", &json!({"first_name": "Rosa", "phone": "+39 333 1234567"})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["consent_care"].is_string(), "{e}");
        let e = expect_error(app.post_json(&anon, "/api/v1/contact-requests", &json!({"first_name": "Rosa", "phone": "", "consent_care": true, "home_area": "nowhere"})).await, 422, "validation").await;
        assert!(e["error"]["fields"]["phone"].is_string() && e["error"]["fields"]["home_area"].is_string(), "{e}");
        expect_status(app.post_json(&anon, "/api/v1/contact-requests", &json!({"first_name": "Rosa", "phone": "+39 333 1234567", "consent_care": true})).await, 201).await;

        let waiting = expect_status(app.get(&linker, "/api/v1/residents/awaiting").await, 200).await;
        assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
        assert_eq!(waiting[0]["display_name"], "Rosa");
        assert!(!waiting.to_string().contains("333"), "no phone number in the waiting list: {waiting}");
        let id = waiting[0]["id"].as_i64().unwrap();
        expect_error(app.get(&linker, &format!("/api/v1/residents/{id}")).await, 403, "forbidden").await;
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{id}/take"), &json!({})).await, 204).await;
        expect_error(app.post_json(&other, &format!("/api/v1/residents/{id}/take"), &json!({})).await, 409, "conflict").await;
        let file = expect_status(app.get(&linker, &format!("/api/v1/residents/{id}")).await, 200).await;
        assert_eq!(file["phone"], "+39 333 1234567");
        assert_eq!(file["status"], "active");
        assert_eq!(file["linkers"][0]["user_id"], linker_id);
        assert!(expect_status(app.get(&linker, "/api/v1/residents/awaiting").await, 200).await.as_array().unwrap().is_empty());
        // A plain user sees no waiting list.
        let plain = app.signup_verified_user("plain@example.org", "Piero", PASSWORD).await;
        expect_error(app.get(&plain, "/api/v1/residents/awaiting").await, 403, "forbidden").await;
    }

    async fn after_care_consent_is_withdrawn_the_linker_can_record_it_again_from_the_page(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let id = register(&app, &linker, &resident_body("Maria")).await;
        expect_status(app.post_json(&linker, &format!("/api/v1/residents/{id}/consents/withdrawal"), &json!({"purpose": "care", "channel": "verbal"})).await, 204).await;

        let page = app.get(&linker, &format!("/linker/residents/{id}")).await;
        assert_eq!(page.status().as_u16(), 403);
        let html = page.text().await.unwrap();
        assert!(html.contains("accompagnamento ritirato"), "{html}");
        assert!(!html.contains("Maria"), "nothing of the file is shown: {html}");
        let csrf = csrf_of(&html).expect("a form");
        let done = app.post_form(&linker, &format!("/linker/residents/{id}/consents"), &[("_csrf", csrf.as_str()), ("purpose", "care"), ("channel", "verbal"), ("given_by", "")]).await;
        let to = expect_see_other(&done);
        assert!(to.contains(&format!("/linker/residents/{id}")), "{to}");
        let file = expect_page(app.get(&linker, &format!("/linker/residents/{id}")).await, 200).await;
        assert!(file.contains("Maria"), "the file is open again");
    }

    async fn bad_profiles_and_requests_get_clear_errors_and_nothing_is_written(app) {
        let admin = app.admin_client().await;
        let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let mut body = resident_body("Maria");
        body["travel_radius_m"] = json!(20000);
        body["home_latitude"] = json!(123.0);
        body["availability"] = json!(["someday_morning"]);
        body["birth_year"] = json!(1700);
        let e = expect_error(app.post_json(&linker, "/api/v1/residents", &body).await, 422, "validation").await;
        for f in ["travel_radius_m", "home_latitude", "availability", "birth_year"] {
            assert!(e["error"]["fields"][f].is_string(), "{f}: {e}");
        }
        let mut body = resident_body("Maria");
        body["consents"] = json!([{"purpose": "care", "channel": "fax"}]);
        let e = expect_error(app.post_json(&linker, "/api/v1/residents", &body).await, 422, "validation").await;
        assert!(e["error"]["fields"]["consents[0].channel"].is_string(), "{e}");
        let mut body = resident_body("Maria");
        body["interests"] = json!([987654]);
        expect_error(app.post_json(&linker, "/api/v1/residents", &body).await, 422, "validation").await;
        assert!(expect_status(app.get(&linker, "/api/v1/residents").await, 200).await.as_array().unwrap().is_empty(), "no half-written resident");

        let id = register(&app, &linker, &resident_body("Maria")).await;
        expect_error(app.get(&linker, &format!("/api/v1/residents/{id}/suggestions?limit=0")).await, 422, "validation").await;
        expect_error(app.get(&linker, &format!("/api/v1/residents/{id}/suggestions?limit=500")).await, 422, "validation").await;
        let r = app.get(&linker, "/api/v1/residents/abc/suggestions").await;
        assert_eq!(r.status().as_u16(), 404);
        expect_error(app.post_json(&linker, &format!("/api/v1/residents/{id}/suggestions/dismissals"), &json!({"activity_id": 999999})).await, 404, "not_found").await;
        expect_error(app.post_json(&linker, &format!("/api/v1/residents/{id}/consents/withdrawal"), &json!({"purpose": "everything", "channel": "verbal"})).await, 422, "validation").await;
        let unauth = app.get(&app.client(), &format!("/api/v1/residents/{id}")).await;
        assert_eq!(unauth.status().as_u16(), 401);
    }

    postgres_only {
        async fn two_instances_agree_on_activities_consent_and_sign_out_through_redis(app: |s| { s.auth.principal_cache_secs = 60; s.residents.cache_secs = 60; }) {
            let twin = app.spawn_twin().await;
            let admin = app.admin_client().await;
            let (linker, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
            let id = register(&app, &linker, &resident_body("Maria")).await;
            assert!(titles(&suggestions(&app, &linker, id).await).is_empty());

            // Published through B: A's index hears of it on the bus.
            let p = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
            let other = interest(&app, "pets").await;
            let body = activity_at("Passeggiata", near(300.0, 0.0), Weekday::Tue, 10, &[other], |_| {});
            let r = p.client.post(twin.url(&format!("/api/v1/organizations/{}/activities", p.org_id))).json(&body).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 201);
            assert!(eventually(|| async { titles(&suggestions(&app, &linker, id).await) == vec!["Passeggiata".to_string()] }).await, "A sees B's activity");

            // Care consent withdrawn through B: A stops serving the file at once (its cached copy is evicted).
            expect_status(app.get(&linker, &format!("/api/v1/residents/{id}")).await, 200).await;
            let r = linker.post(twin.url(&format!("/api/v1/residents/{id}/consents/withdrawal"))).json(&json!({"purpose": "care", "channel": "verbal"})).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 204);
            assert!(eventually(|| async { app.get(&linker, &format!("/api/v1/residents/{id}")).await.status().as_u16() == 403 }).await, "A honours B's withdrawal");

            // Signed out through B: A no longer knows the session (its remembered principal is evicted).
            expect_status(app.get(&admin, "/api/v1/me").await, 200).await;
            let r = admin.post(twin.url("/api/v1/auth/signout")).json(&json!({})).send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            assert!(eventually(|| async { app.get(&admin, "/api/v1/me").await.status().as_u16() == 401 }).await, "A forgets the session");
        }
    }

}

/// Polls a condition for up to five seconds (the index follows the bus asynchronously).
async fn eventually<F, Fut>(mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..50 {
        if f().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}
