//! The signed-in person: profile, the list of their sessions, ending sessions, changing password.

use crate::helpers::*;
use reqwest::header::USER_AGENT;
use serde_json::{json, Value};

/// Signs `email` in on a new client that presents itself as `agent`.
async fn sign_in_as_device(app: &TestApp, email: &str, agent: &str) -> reqwest::Client {
    let client = app.client();
    let resp = client
        .post(app.url("/api/v1/auth/signin"))
        .header(USER_AGENT, agent)
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    expect_status(resp, 200).await;
    client
}

async fn sessions_of(app: &TestApp, client: &reqwest::Client) -> Vec<Value> {
    let resp = app.get(client, "/api/v1/me/sessions").await;
    let body = expect_status(resp, 200).await;
    body.as_array()
        .unwrap_or_else(|| panic!("the sessions list is not a list: {body}"))
        .clone()
}

both_backends! {
    async fn the_sessions_list_shows_every_signed_in_device_and_marks_this_one(app) {
        app.signup_verified("nadia@example.org", "Nadia", PASSWORD).await;
        let laptop = sign_in_as_device(&app, "nadia@example.org", "Nadia's laptop").await;
        let _phone = sign_in_as_device(&app, "nadia@example.org", "Nadia's phone").await;

        let list = sessions_of(&app, &laptop).await;
        assert_eq!(list.len(), 2, "{list:?}");
        let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
        assert_eq!(current.len(), 1, "exactly one session is this one: {list:?}");
        assert_eq!(current[0]["user_agent"], "Nadia's laptop");
        assert!(list.iter().any(|s| s["user_agent"] == "Nadia's phone" && s["current"] == false), "{list:?}");
        for s in &list {
            assert!(s["id"].as_i64().is_some(), "{s}");
            for field in ["created_at", "last_seen_at", "expires_at"] {
                assert!(s[field].as_str().is_some_and(|t| !t.is_empty()), "{field} missing in {s}");
            }
        }
    }

    async fn ending_one_session_signs_that_device_out_only(app) {
        app.signup_verified("omar@example.org", "Omar", PASSWORD).await;
        let laptop = sign_in_as_device(&app, "omar@example.org", "laptop").await;
        let phone = sign_in_as_device(&app, "omar@example.org", "phone").await;

        let list = sessions_of(&app, &laptop).await;
        let phone_id = list
            .iter()
            .find(|s| s["current"] == false)
            .and_then(|s| s["id"].as_i64())
            .expect("the phone's session");
        let resp = app.delete(&laptop, &format!("/api/v1/me/sessions/{phone_id}")).await;
        expect_status(resp, 204).await;

        assert_eq!(app.me(&phone).await.0, 401, "the ended session still works");
        app.me_ok(&laptop).await;
        assert_eq!(sessions_of(&app, &laptop).await.len(), 1);
    }

    async fn nobody_can_end_a_session_of_someone_else(app) {
        let mine = app.signup_verified_user("pia@example.org", "Pia", PASSWORD).await;
        let theirs = app.signup_verified_user("ugo@example.org", "Ugo", PASSWORD).await;
        let their_id = sessions_of(&app, &theirs).await[0]["id"].as_i64().expect("session id");

        let resp = app.delete(&mine, &format!("/api/v1/me/sessions/{their_id}")).await;
        expect_error(resp, 404, "not_found").await;
        app.me_ok(&theirs).await;
    }

    async fn ending_the_other_sessions_keeps_only_this_one(app) {
        app.signup_verified("rosa@example.org", "Rosa", PASSWORD).await;
        let this = sign_in_as_device(&app, "rosa@example.org", "this").await;
        let other_one = sign_in_as_device(&app, "rosa@example.org", "other one").await;
        let other_two = sign_in_as_device(&app, "rosa@example.org", "other two").await;

        let resp = this.post(app.url("/api/v1/me/sessions/end-others")).send().await.unwrap();
        expect_status(resp, 204).await;

        assert_eq!(app.me(&other_one).await.0, 401);
        assert_eq!(app.me(&other_two).await.0, 401);
        app.me_ok(&this).await;
        let list = sessions_of(&app, &this).await;
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["current"], true);
    }

    async fn changing_the_password_ends_other_sessions_and_keeps_this_one_working(app) {
        app.signup_verified("teo@example.org", "Teo", PASSWORD).await;
        let this = sign_in_as_device(&app, "teo@example.org", "this").await;
        let other = sign_in_as_device(&app, "teo@example.org", "other").await;

        let resp = app
            .post_json(&this, "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}))
            .await;
        assert_eq!(resp.status().as_u16(), 200, "changing the password failed");
        let cookies = set_cookies(&resp);
        assert!(
            cookies.iter().any(|c| c.starts_with("legami_session=") && !c.starts_with("legami_session=;")),
            "no new session cookie after the password change: {cookies:?}"
        );

        app.me_ok(&this).await;
        assert_eq!(app.me(&other).await.0, 401, "another session survived the password change");
        let client = app.client();
        expect_error(app.signin(&client, "teo@example.org", PASSWORD).await, 401, "invalid_credentials").await;
        expect_status(app.signin(&client, "teo@example.org", NEW_PASSWORD).await, 200).await;
    }

    async fn a_wrong_current_password_leaves_the_password_unchanged(app) {
        let client = app.signup_verified_user("vera@example.org", "Vera", PASSWORD).await;
        let resp = app
            .post_json(&client, "/api/v1/me/password", &json!({"current_password": "not my password", "new_password": NEW_PASSWORD}))
            .await;
        let body = expect_error(resp, 422, "validation").await;
        assert!(body["error"]["fields"]["current_password"].is_string(), "{body}");
        app.me_ok(&client).await;
        expect_status(app.signin(&app.client(), "vera@example.org", PASSWORD).await, 200).await;
    }

    async fn a_weak_new_password_is_refused(app) {
        let client = app.signup_verified_user("zeno@example.org", "Zeno", PASSWORD).await;
        let resp = app
            .post_json(&client, "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "qwertyuiop"}))
            .await;
        let body = expect_error(resp, 422, "validation").await;
        assert!(body["error"]["fields"]["new_password"].is_string() || body["error"]["fields"]["password"].is_string(), "{body}");
        expect_status(app.signin(&app.client(), "zeno@example.org", PASSWORD).await, 200).await;
    }

    async fn signed_out_visitors_cannot_see_a_profile_or_sessions(app) {
        let client = app.client();
        expect_error(app.get(&client, "/api/v1/me").await, 401, "unauthorized").await;
        expect_error(app.get(&client, "/api/v1/me/sessions").await, 401, "unauthorized").await;
        let resp = app.patch_json(&client, "/api/v1/me", &json!({"display_name": "Hacker"})).await;
        expect_error(resp, 401, "unauthorized").await;
    }

    async fn people_can_change_their_name_and_language(app) {
        let client = app.signup_verified_user("lia@example.org", "Lia", PASSWORD).await;
        let resp = app
            .patch_json(&client, "/api/v1/me", &json!({"display_name": "Lia Rossi", "locale": "en"}))
            .await;
        let me = expect_status(resp, 200).await;
        assert_eq!(me["display_name"], "Lia Rossi");
        assert_eq!(me["locale"], "en");

        let me = app.me_ok(&client).await;
        assert_eq!(me["display_name"], "Lia Rossi");
        assert_eq!(me["locale"], "en");

        let resp = app.patch_json(&client, "/api/v1/me", &json!({"locale": "xx"})).await;
        let body = expect_error(resp, 422, "validation").await;
        assert!(body["error"]["fields"]["locale"].is_string(), "{body}");
        let resp = app.patch_json(&client, "/api/v1/me", &json!({"display_name": ""})).await;
        let body = expect_error(resp, 422, "validation").await;
        assert!(body["error"]["fields"]["display_name"].is_string(), "{body}");
        assert_eq!(app.me_ok(&client).await["locale"], "en");
    }
}
