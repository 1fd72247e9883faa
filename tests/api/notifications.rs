//! Notifications are stored with the change they tell about and read over HTTP in the
//! reader's language: nothing is missed by someone who was not connected.

use crate::activities::Publisher;
use crate::helpers::*;
use crate::participation::one_session;
use crate::resident_pages::{page, post};
use crate::residents::{accredited_linker, register as new_resident, resident_body};
use reqwest::Client;
use serde_json::{json, Value};

async fn notifications(app: &TestApp, client: &Client) -> Value {
    expect_status(app.get(client, "/api/v1/notifications").await, 200).await
}

fn kinds(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn the_person_who_waited_is_told_a_seat_freed_up_and_reads_it_later(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Passeggiata al parco", Some(1), 0).await;
        let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
        let bruno = app.signup_verified_user("bruno@example.org", "Bruno", PASSWORD).await;
        let a = expect_status(app.post_json(&anna, &format!("/api/v1/sessions/{sid}/bookings"), &json!({})).await, 201).await;
        let b = expect_status(app.post_json(&bruno, &format!("/api/v1/sessions/{sid}/bookings"), &json!({})).await, 201).await;
        assert_eq!(b["status"], "waitlisted");
        assert_eq!(notifications(&app, &bruno).await["unread"], 0);

        expect_status(app.delete(&anna, &format!("/api/v1/bookings/{}", a["id"])).await, 200).await;
        let list = notifications(&app, &bruno).await;
        assert_eq!(list["unread"], 1, "{list}");
        assert_eq!(kinds(&list), vec!["seat_promoted"]);
        let n = &list["items"][0];
        assert!(n["text"].as_str().unwrap().contains("Passeggiata al parco"), "{n}");
        assert_eq!(n["url"], format!("/bookings/{}", b["id"]));
        assert_eq!(n["read"], false);
        // Anna, who cancelled, is told nothing.
        assert!(kinds(&notifications(&app, &anna).await).is_empty());

        // Words are chosen when read, in the reader's language.
        expect_status(app.patch_json(&bruno, "/api/v1/me", &json!({"locale": "en"})).await, 200).await;
        let en = notifications(&app, &bruno).await;
        assert!(en["items"][0]["text"].as_str().unwrap().starts_with("A seat has freed up"), "{en}");

        // Someone else cannot mark Bruno's notifications; Bruno can.
        let id = n["id"].as_i64().unwrap();
        let other = expect_status(app.post_json(&anna, "/api/v1/notifications/read", &json!({"ids": [id]})).await, 200).await;
        assert_eq!(other["marked"], 0);
        let mine = expect_status(app.post_json(&bruno, "/api/v1/notifications/read", &json!({"ids": [id]})).await, 200).await;
        assert_eq!(mine["marked"], 1);
        let list = notifications(&app, &bruno).await;
        assert_eq!((list["unread"].as_i64(), list["items"][0]["read"].as_bool()), (Some(0), Some(true)));
        // A client that saw up to this id gets nothing older again.
        let newer = expect_status(app.get(&bruno, &format!("/api/v1/notifications?after_id={id}")).await, 200).await;
        assert!(kinds(&newer).is_empty());
        expect_error(app.post_json(&bruno, "/api/v1/notifications/read", &json!({})).await, 422, "validation").await;
        // The page lists it too, and its button marks everything read (a form, no script).
        let cara = app.signup_verified_user("cara@example.org", "Cara", PASSWORD).await;
        expect_status(app.post_json(&cara, &format!("/api/v1/sessions/{sid}/bookings"), &json!({})).await, 201).await;
        expect_status(app.delete(&bruno, &format!("/api/v1/bookings/{}", b["id"])).await, 200).await;
        let html = page(&app, &cara, "/me/notifications").await;
        assert!(html.contains("Passeggiata al parco") && html.contains("Una da leggere"), "{html}");
        // Every page's header shows the count next to the link.
        let home = page(&app, &cara, "/activities").await;
        assert!(home.contains("class=\"count-badge\">1<span class=\"visually-hidden\"> da leggere"), "{home}");
        let resp = post(&app, &cara, "/me/notifications/read", &[]).await;
        assert_eq!(resp.status().as_u16(), 303);
        let after = page(&app, &cara, "/me/notifications").await;
        assert!(after.contains("Le hai lette tutte") && !after.contains("count-badge"), "{after}");
        let refused = app.post_form(&cara, "/me/notifications/read", &[("_csrf", "forged")]).await;
        assert_eq!(refused.status().as_u16(), 403);
        expect_error(app.get(&Client::new(), "/api/v1/notifications").await, 401, "unauthorized").await;
    }

    async fn people_booked_are_told_when_their_session_moves_or_is_cancelled(app) {
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Lettura ad alta voce", Some(10), 0).await;
        let anna = app.signup_verified_user("anna@example.org", "Anna", PASSWORD).await;
        let b = expect_status(app.post_json(&anna, &format!("/api/v1/sessions/{sid}/bookings"), &json!({})).await, 201).await;
        // A guest without an account has nobody to tell in the app (mail comes later).
        expect_status(app.post_json(&Client::new(), &format!("/api/v1/sessions/{sid}/bookings"), &json!({"name": "Pina", "phone": "+39 333 1234567"})).await, 201).await;

        let later = crate::activities::local_text(crate::activities::at(crate::activities::today() + chrono::Duration::days(8), 11, 0));
        expect_status(crate::activities::edit_session(&app, &org.client, sid, &json!({"starts_at": later})).await, 200).await;
        let list = notifications(&app, &anna).await;
        assert_eq!(kinds(&list), vec!["session_moved"], "{list}");
        assert!(list["items"][0]["text"].as_str().unwrap().contains("11:00"), "{list}");
        assert_eq!(list["items"][0]["url"], format!("/bookings/{}", b["id"]));
        // A note alone tells nobody.
        expect_status(crate::activities::edit_session(&app, &org.client, sid, &json!({"note": "Entrata dal cortile"})).await, 200).await;
        assert_eq!(notifications(&app, &anna).await["unread"], 1);

        expect_status(crate::activities::edit_session(&app, &org.client, sid, &json!({"status": "cancelled"})).await, 200).await;
        let list = notifications(&app, &anna).await;
        assert_eq!(kinds(&list), vec!["session_cancelled", "session_moved"], "{list}");
        assert!(list["items"][0]["text"].as_str().unwrap().contains("annullato"), "{list}");
    }

    async fn linkers_are_told_of_their_accreditation_and_of_answers_others_record(app) {
        let admin = app.admin_client().await;
        let (giulia, _) = accredited_linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let list = notifications(&app, &giulia).await;
        assert_eq!(kinds(&list), vec!["linker_decision"], "{list}");
        assert!(list["items"][0]["text"].as_str().unwrap().contains("accreditat"), "{list}");

        let (marco, _) = accredited_linker(&app, &admin, "marco@example.org", "Marco").await;
        let org = Publisher::new(&app, "org@example.org", "Circolo di Brera").await;
        let (_, sid) = one_session(&app, &org, "Coro di quartiere", Some(10), 0).await;
        let maria = new_resident(&app, &giulia, &resident_body("Maria")).await;
        expect_status(app.post_json(&giulia, &format!("/api/v1/residents/{maria}/linkers"), &json!({"email": "marco@example.org"})).await, 204).await;
        let r = expect_status(app.post_json(&giulia, &format!("/api/v1/residents/{maria}/referrals"), &json!({"session_id": sid})).await, 201).await;
        // Marco, her other linker, records that Maria said yes on the phone: Giulia is told.
        expect_status(app.post_json(&marco, &format!("/api/v1/referrals/{}/answer", r["id"]), &json!({"accept": true, "channel": "phone"})).await, 200).await;
        let list = notifications(&app, &giulia).await;
        assert_eq!(kinds(&list)[0], "referral_answered", "{list}");
        let text = list["items"][0]["text"].as_str().unwrap();
        assert!(text.contains("Maria") && text.contains("Coro di quartiere"), "{text}");
        assert_eq!(list["items"][0]["url"], format!("/linker/residents/{maria}"));
        // The one who recorded the answer is not told of their own act.
        assert!(!kinds(&notifications(&app, &marco).await).contains(&"referral_answered".to_string()));
    }
}
