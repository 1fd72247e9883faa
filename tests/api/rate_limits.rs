//! Rate limits on sign-in, sign-up and mails: beyond the limit, 429 with a Retry-After.

use crate::helpers::*;
use reqwest::Response;
use serde_json::json;

/// Asserts a 429 with a positive Retry-After (seconds).
async fn expect_too_many(resp: Response) {
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    expect_error(resp, 429, "too_many_requests").await;
    let secs: u64 = retry_after
        .as_deref()
        .unwrap_or_else(|| panic!("a 429 without Retry-After"))
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After is not a number of seconds: {retry_after:?}"));
    assert!(secs > 0, "Retry-After must be positive, got {secs}");
}

both_backends! {
    async fn too_many_sign_ins_for_one_address_are_refused_even_with_the_right_password(app: |s| {
        s.rate_limit.signin_per_email = 3;
    }) {
        app.signup_verified("mara@example.org", "Mara", PASSWORD).await;
        let client = app.client();
        let limit = app.state.settings.rate_limit.signin_per_email;
        let mut statuses = Vec::new();
        for _ in 0..limit {
            let resp = app.signin(&client, "mara@example.org", "guessing the password").await;
            statuses.push(resp.status().as_u16());
        }
        assert_eq!(statuses[0], 401, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");

        expect_too_many(app.signin(&client, "mara@example.org", PASSWORD).await).await;
        assert_eq!(app.me(&client).await.0, 401);

        // Another address from the same client is not affected.
        app.signup_verified("nico@example.org", "Nico", PASSWORD).await;
        expect_status(app.signin(&client, "nico@example.org", PASSWORD).await, 200).await;
    }

    async fn too_many_sign_ins_from_one_client_address_are_refused(app: |s| {
        s.rate_limit.signin_per_ip = 4;
    }) {
        app.signup_verified("dario@example.org", "Dario", PASSWORD).await;
        let client = app.client();
        let limit = app.state.settings.rate_limit.signin_per_ip;
        let first = app.signin(&client, "guess0@example.org", PASSWORD).await;
        expect_error(first, 401, "invalid_credentials").await;
        for i in 1..limit {
            let resp = app.signin(&client, &format!("guess{i}@example.org"), PASSWORD).await;
            let status = resp.status().as_u16();
            assert!(status == 401 || status == 429, "attempt {i}: {status}");
        }
        expect_too_many(app.signin(&client, "dario@example.org", PASSWORD).await).await;
    }

    async fn too_many_reset_mails_for_one_address_are_refused(app: |s| {
        s.rate_limit.mail_per_email = 2;
    }) {
        app.signup_verified("ines@example.org", "Ines", PASSWORD).await;
        let client = app.client();
        let limit = app.state.settings.rate_limit.mail_per_email;
        let body = json!({"email": "ines@example.org"});
        let mut accepted = 0;
        for i in 0..limit {
            let resp = app.post_json(&client, "/api/v1/auth/password-reset", &body).await;
            let status = resp.status().as_u16();
            assert!(status == 202 || (i > 0 && status == 429), "request {i}: {status}");
            if status == 202 {
                accepted += 1;
            }
        }
        expect_too_many(app.post_json(&client, "/api/v1/auth/password-reset", &body).await).await;

        // Each accepted request sent one mail, no more.
        let links = app.wait_for_links("ines@example.org", "/reset", accepted).await;
        assert_eq!(links.len(), accepted, "one reset mail per accepted request");
        assert!(links.len() as u32 <= limit);
    }

    async fn too_many_mails_requested_from_one_client_address_are_refused(app: |s| {
        s.rate_limit.mail_per_ip = 3;
    }) {
        let client = app.client();
        let limit = app.state.settings.rate_limit.mail_per_ip;
        let first = app
            .post_json(&client, "/api/v1/auth/password-reset", &json!({"email": "a0@example.org"}))
            .await;
        expect_status(first, 202).await;
        for i in 1..limit {
            let resp = app
                .post_json(&client, "/api/v1/auth/verification-mail", &json!({"email": format!("a{i}@example.org")}))
                .await;
            assert_eq!(resp.status().as_u16(), 202, "request {i}");
        }
        let resp = app
            .post_json(&client, "/api/v1/auth/password-reset", &json!({"email": "one-more@example.org"}))
            .await;
        expect_too_many(resp).await;
    }

    async fn too_many_password_change_attempts_are_refused_even_with_the_right_current_password(app: |s| {
        s.rate_limit.password_per_account = 3;
    }) {
        let client = app.signup_verified_user("gaspare@example.org", "Gaspare", PASSWORD).await;
        let limit = app.state.settings.rate_limit.password_per_account;
        let guess = json!({"current_password": "guessing the password", "new_password": NEW_PASSWORD});
        let first = app.post_json(&client, "/api/v1/me/password", &guess).await;
        expect_error(first, 422, "validation").await;
        for i in 1..limit {
            let status = app.post_json(&client, "/api/v1/me/password", &guess).await.status().as_u16();
            assert!(status == 422 || status == 429, "attempt {i}: {status}");
        }
        let right = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
        expect_too_many(app.post_json(&client, "/api/v1/me/password", &right).await).await;
        // The password did not change.
        expect_status(app.signin(&app.client(), "gaspare@example.org", PASSWORD).await, 200).await;
    }

    async fn too_many_sign_ups_from_one_client_address_are_refused(app: |s| {
        s.rate_limit.signup_per_ip = 2;
    }) {
        let client = app.client();
        let limit = app.state.settings.rate_limit.signup_per_ip;
        for i in 0..limit {
            let resp = app.signup(&client, &format!("new{i}@example.org"), "Newcomer", PASSWORD).await;
            expect_status(resp, 202).await;
        }
        let resp = app.signup(&client, "one-too-many@example.org", "Newcomer", PASSWORD).await;
        expect_too_many(resp).await;
        // The refused sign-up created nothing and mailed nobody.
        app.wait_for_link(&format!("new{}@example.org", limit - 1), "/verify").await;
        assert!(app.mails_to("one-too-many@example.org").is_empty());
    }
}
