//! Accredited linkers publish through a personal group that follows their accreditation; organizers
//! confirm the coming month's sessions.

use crate::activities::{at, draft, id_of, interest, next_weekday, post_activity};
use crate::helpers::*;
use chrono::Weekday;
use serde_json::json;

both_backends! {
    async fn an_accredited_linker_publishes_through_a_personal_group_that_follows_their_accreditation(app) {
        let admin = app.admin_client().await;
        let linker = app.signup_verified_user("giulia@example.org", "Giulia", PASSWORD).await;
        expect_status(app.post_json(&linker, "/api/v1/me/linker-request", &json!({"motivation": "Volontaria"})).await, 201).await;
        let me = app.me_ok(&linker).await;
        assert!(me["organizations"].as_array().unwrap().is_empty(), "no group before accreditation: {me}");
        let uid = me["id"].as_i64().unwrap();

        expect_status(app.post_json(&admin, &format!("/api/v1/admin/linkers/{uid}/decision"), &json!({"decision": "accredit"})).await, 200).await;
        let me = app.me_ok(&linker).await;
        let groups = me["organizations"].as_array().unwrap().clone();
        assert_eq!(groups.len(), 1, "one personal group: {me}");
        assert_eq!(groups[0]["role"], "owner");
        assert_eq!(groups[0]["status"], "accredited");
        assert!(groups[0]["name"].as_str().unwrap().contains("Giulia"));
        let group = groups[0]["id"].as_i64().unwrap();

        let walk = interest(&app, "walking-group").await;
        let starts = at(next_weekday(Weekday::Tue), 10, 0);
        let body = draft("Passeggiata con Giulia", starts, "FREQ=WEEKLY;BYDAY=TU", &[walk]);
        let activity = expect_status(post_activity(&app, &linker, group, &body).await, 201).await;
        let aid = id_of(&activity);
        let found = expect_status(app.get(&app.client(), "/api/v1/sessions?lat=45.4642&lon=9.19&radius_m=500&limit=50").await, 200).await;
        assert!(found["items"].as_array().unwrap().iter().any(|i| i["activity_id"] == aid), "published: {found}");

        // Suspending the linker suspends their group: its sessions leave discovery.
        expect_status(app.post_json(&admin, &format!("/api/v1/admin/linkers/{uid}/decision"), &json!({"decision": "suspend", "reason": "Su richiesta"})).await, 200).await;
        let found = expect_status(app.get(&app.client(), "/api/v1/sessions?lat=45.4642&lon=9.19&radius_m=500&limit=50").await, 200).await;
        assert!(!found["items"].as_array().unwrap().iter().any(|i| i["activity_id"] == aid), "hidden after suspension: {found}");
        let again = post_activity(&app, &linker, group, &body).await;
        assert_eq!(again.status().as_u16(), 403, "a suspended linker cannot publish");

        // Reinstating brings the group and its sessions back.
        expect_status(app.post_json(&admin, &format!("/api/v1/admin/linkers/{uid}/decision"), &json!({"decision": "reinstate"})).await, 200).await;
        let found = expect_status(app.get(&app.client(), "/api/v1/sessions?lat=45.4642&lon=9.19&radius_m=500&limit=50").await, 200).await;
        assert!(found["items"].as_array().unwrap().iter().any(|i| i["activity_id"] == aid), "back after reinstatement: {found}");
        assert_eq!(app.me_ok(&linker).await["organizations"].as_array().unwrap().len(), 1, "still one group");
    }

    async fn organizers_confirm_the_coming_month_and_only_those_sessions_stop_being_flagged(app) {
        let publisher = crate::activities::Publisher::new(&app, "org@example.org", "Circolo del Martedì").await;
        let walk = interest(&app, "walking-group").await;
        let starts = at(next_weekday(Weekday::Tue), 10, 0);
        let activity = publisher.create(&app, &draft("Passeggiata del martedì", starts, "FREQ=WEEKLY;BYDAY=TU", &[walk])).await;
        let aid = id_of(&activity);
        let before = expect_status(app.get(&app.client(), &format!("/api/v1/sessions?organization={}&limit=50", publisher.org_id)).await, 200).await;
        assert!(before["items"].as_array().unwrap().iter().all(|i| i["confirmed"] == false), "nothing confirmed yet: {before}");

        // A stranger cannot confirm; a silly window is refused.
        let stranger = app.signup_verified_user("stranger@example.org", "Stranger", PASSWORD).await;
        let refused = app.post_json(&stranger, &format!("/api/v1/activities/{aid}/confirmation"), &json!({})).await;
        assert_eq!(refused.status().as_u16(), 403);
        let bad = expect_error(app.post_json(&publisher.client, &format!("/api/v1/activities/{aid}/confirmation"), &json!({"days": 0})).await, 422, "validation").await;
        assert!(bad["error"]["fields"]["days"].is_string(), "{bad}");

        let done = expect_status(app.post_json(&publisher.client, &format!("/api/v1/activities/{aid}/confirmation"), &json!({"days": 31})).await, 200).await;
        let view = expect_status(app.get(&publisher.client, &format!("/api/v1/activities/{aid}")).await, 200).await;
        let horizon = chrono::Utc::now() + chrono::Duration::days(31);
        let sessions = view["sessions"].as_array().unwrap();
        let expected = sessions
            .iter()
            .filter(|s| s["starts_at"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).is_some_and(|t| t < horizon))
            .count();
        assert_eq!(done["confirmed"].as_u64().unwrap() as usize, expected, "{done} vs {view}");
        for s in sessions {
            let t = chrono::DateTime::parse_from_rfc3339(s["starts_at"].as_str().unwrap()).unwrap();
            assert_eq!(s["confirmed"].as_bool().unwrap(), t < horizon, "session {s}");
        }
        let after = expect_status(app.get(&app.client(), &format!("/api/v1/sessions?organization={}&limit=50", publisher.org_id)).await, 200).await;
        assert!(after["items"].as_array().unwrap().iter().all(|i| i["confirmed"] == true), "the next 30 days are confirmed in discovery too: {after}");
    }
}
