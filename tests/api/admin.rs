//! Administration: who may decide, linker accreditation, suspending people.

use crate::helpers::*;
use serde_json::{json, Value};

async fn suspend(app: &TestApp, client: &reqwest::Client, user_id: &Value) -> reqwest::Response {
    app.post_json(
        client,
        &format!("/api/v1/admin/users/{user_id}/suspension"),
        &json!({"suspended": true, "reason": "Harassing other residents"}),
    )
    .await
}

both_backends! {
    async fn people_who_are_not_admins_cannot_take_or_see_decisions(app) {
        let owner = app.signup_verified_user("oscar@example.org", "Oscar", PASSWORD).await;
        let org = app.create_org(&owner, "Club della briscola").await;
        let id = org["id"].as_i64().unwrap();
        let nosy = app.signup_verified_user("nosy@example.org", "Nosy", PASSWORD).await;
        let anonymous = app.client();

        for client in [&owner, &nosy] {
            expect_error(app.decide_org(client, id, "accredit", "").await, 403, "forbidden").await;
            expect_error(app.get(client, "/api/v1/admin/organizations?status=pending").await, 403, "forbidden").await;
            expect_error(app.get(client, "/api/v1/admin/linkers?status=pending").await, 403, "forbidden").await;
        }
        expect_error(app.decide_org(&anonymous, id, "accredit", "").await, 401, "unauthorized").await;
        expect_error(app.get(&anonymous, "/api/v1/admin/organizations?status=pending").await, 401, "unauthorized").await;
        expect_error(app.get(&anonymous, "/api/v1/admin/linkers?status=pending").await, 401, "unauthorized").await;

        let seen = expect_status(app.get(&owner, &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(seen["status"], "pending", "a refused decision changed the organization");
        assert_eq!(seen["decisions"], json!([]));
    }

    async fn a_linker_request_waits_for_an_admin_who_accredits_it(app) {
        let linker = app.signup_verified_user("lucia@example.org", "Lucia", PASSWORD).await;
        let me = app.me_ok(&linker).await;
        assert!(me["linker_status"].is_null());

        let motivation = "I volunteer at the food bank and know many people living alone.";
        let resp = app.post_json(&linker, "/api/v1/me/linker-request", &json!({"motivation": motivation})).await;
        assert_eq!(expect_status(resp, 201).await["status"], "pending");
        let resp = app.post_json(&linker, "/api/v1/me/linker-request", &json!({"motivation": "again"})).await;
        expect_error(resp, 409, "conflict").await;
        assert_eq!(app.me_ok(&linker).await["linker_status"], "pending");

        let admin = app.admin_client().await;
        let pending = expect_status(app.get(&admin, "/api/v1/admin/linkers?status=pending").await, 200).await;
        let entry = pending
            .as_array()
            .expect("a list")
            .iter()
            .find(|l| l["user_id"] == me["id"])
            .unwrap_or_else(|| panic!("the request is not in the pending list: {pending}"))
            .clone();
        assert_eq!(entry["display_name"], "Lucia");
        assert_eq!(entry["email"], "lucia@example.org");
        assert_eq!(entry["status"], "pending");
        assert_eq!(entry["motivation"], motivation);
        assert!(entry["requested_at"].as_str().is_some_and(|t| !t.is_empty()), "{entry}");

        let resp = app
            .post_json(&admin, &format!("/api/v1/admin/linkers/{}/decision", me["id"]), &json!({"decision": "accredit", "reason": ""}))
            .await;
        let view = expect_status(resp, 200).await;
        assert_eq!(view["status"], "accredited");
        assert_eq!(view["user_id"], me["id"]);

        assert_eq!(app.me_ok(&linker).await["linker_status"], "accredited");
        let pending = expect_status(app.get(&admin, "/api/v1/admin/linkers?status=pending").await, 200).await;
        assert!(
            !pending.as_array().unwrap().iter().any(|l| l["user_id"] == me["id"]),
            "an accredited linker is still pending: {pending}"
        );
    }

    async fn suspending_a_person_ends_their_sessions_and_blocks_sign_in(app) {
        let troll = app.signup_verified_user("troll@example.org", "Troll", PASSWORD).await;
        let troll_phone = app.signed_in_client("troll@example.org", PASSWORD).await;
        let troll_id = app.me_ok(&troll).await["id"].clone();
        let admin = app.admin_client().await;

        expect_status(suspend(&app, &admin, &troll_id).await, 204).await;

        expect_error(app.get(&troll, "/api/v1/me").await, 401, "unauthorized").await;
        expect_error(app.get(&troll_phone, "/api/v1/me").await, 401, "unauthorized").await;
        let again = app.client();
        expect_error(app.signin(&again, "troll@example.org", PASSWORD).await, 403, "forbidden").await;
        assert_eq!(app.me(&again).await.0, 401);
    }

    async fn only_admins_can_suspend_people(app) {
        let target = app.signup_verified_user("target@example.org", "Target", PASSWORD).await;
        let target_id = app.me_ok(&target).await["id"].clone();
        let other = app.signup_verified_user("vigilante@example.org", "Vigilante", PASSWORD).await;

        expect_error(suspend(&app, &other, &target_id).await, 403, "forbidden").await;
        expect_error(suspend(&app, &app.client(), &target_id).await, 401, "unauthorized").await;
        app.me_ok(&target).await;
        app.signed_in_client("target@example.org", PASSWORD).await;
    }
}
