//! Accredited linkers publish through a personal group that follows their accreditation.

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
}
