//! Cross-site request forgery: the hidden form token and the Origin / Sec-Fetch-Site check.

use crate::helpers::*;
use serde_json::json;

both_backends! {
    async fn a_sign_in_form_posted_without_the_csrf_token_is_refused(app) {
        app.signup_verified("gino@example.org", "Gino", PASSWORD).await;
        let client = app.client();
        app.page_csrf(&client, "/signin").await; // the visitor has the CSRF cookie
        let resp = app
            .post_form(&client, "/signin", &[("email", "gino@example.org"), ("password", PASSWORD), ("next", "/account")])
            .await;
        assert_eq!(resp.status().as_u16(), 403, "a form without _csrf was accepted");
        assert_eq!(app.me(&client).await.0, 401, "the refused form signed the visitor in");
    }

    async fn a_sign_in_form_posted_with_a_wrong_csrf_token_is_refused(app) {
        app.signup_verified("gina@example.org", "Gina", PASSWORD).await;
        let client = app.client();
        let real = app.page_csrf(&client, "/signin").await;
        let wrong = if real.starts_with('0') { "1".repeat(real.len()) } else { "0".repeat(real.len()) };
        let resp = app
            .post_form(&client, "/signin", &[("_csrf", wrong.as_str()), ("email", "gina@example.org"), ("password", PASSWORD), ("next", "/account")])
            .await;
        assert_eq!(resp.status().as_u16(), 403, "a form with a wrong _csrf was accepted");
        assert_eq!(app.me(&client).await.0, 401);
    }

    async fn a_csrf_token_from_another_visitor_does_not_work(app) {
        app.signup_verified("lino@example.org", "Lino", PASSWORD).await;
        let attacker = app.client();
        let attackers_token = app.page_csrf(&attacker, "/signin").await;
        let victim = app.client();
        app.page_csrf(&victim, "/signin").await;
        let resp = app
            .post_form(&victim, "/signin", &[("_csrf", attackers_token.as_str()), ("email", "lino@example.org"), ("password", PASSWORD), ("next", "/account")])
            .await;
        assert_eq!(resp.status().as_u16(), 403, "another visitor's token was accepted");
    }

    async fn a_sign_in_form_with_the_page_token_is_accepted(app) {
        app.signup_verified("nina@example.org", "Nina", PASSWORD).await;
        let client = app.client();
        let token = app.page_csrf(&client, "/signin").await;
        let resp = app
            .post_form(&client, "/signin", &[("_csrf", token.as_str()), ("email", "nina@example.org"), ("password", PASSWORD), ("next", "/account")])
            .await;
        assert_eq!(expect_see_other(&resp), "/account");
        assert_eq!(app.me_ok(&client).await["email"], "nina@example.org");
    }

    async fn a_sign_out_form_without_the_token_leaves_the_person_signed_in(app) {
        let client = app.signup_verified_user("olga@example.org", "Olga", PASSWORD).await;
        app.page_csrf(&client, "/account").await;
        let resp = app.post_form(&client, "/signout", &[]).await;
        assert_eq!(resp.status().as_u16(), 403);
        app.me_ok(&client).await;
    }

    async fn an_api_request_from_another_site_is_refused(app) {
        app.signup_verified("ivo@example.org", "Ivo", PASSWORD).await;
        let client = app.client();
        let resp = client
            .post(app.url("/api/v1/auth/signin"))
            .header("Origin", "https://evil.example")
            .json(&json!({"email": "ivo@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        expect_error(resp, 403, "forbidden").await;
        assert_eq!(app.me(&client).await.0, 401, "the cross-site request signed the visitor in");

        let resp = client
            .post(app.url("/api/v1/auth/signin"))
            .header("Sec-Fetch-Site", "cross-site")
            .json(&json!({"email": "ivo@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        expect_error(resp, 403, "forbidden").await;
        assert_eq!(app.me(&client).await.0, 401);
    }

    async fn a_signed_in_api_request_from_another_site_changes_nothing(app) {
        let client = app.signup_verified_user("ada@example.org", "Ada", PASSWORD).await;
        let resp = client
            .post(app.url("/api/v1/organizations"))
            .header("Origin", "https://evil.example")
            .json(&org_body("Forged club"))
            .send()
            .await
            .unwrap();
        expect_error(resp, 403, "forbidden").await;
        let resp = client
            .post(app.url("/api/v1/auth/signout"))
            .header("Sec-Fetch-Site", "cross-site")
            .send()
            .await
            .unwrap();
        expect_error(resp, 403, "forbidden").await;
        let me = app.me_ok(&client).await;
        assert_eq!(me["organizations"], json!([]), "the forged request created an organization");
    }

    async fn an_api_request_from_the_site_itself_is_accepted(app) {
        app.signup_verified("eva@example.org", "Eva", PASSWORD).await;
        let client = app.client();
        let resp = client
            .post(app.url("/api/v1/auth/signin"))
            .header("Origin", app.address.as_str())
            .header("Sec-Fetch-Site", "same-origin")
            .json(&json!({"email": "eva@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        expect_status(resp, 200).await;
    }

    async fn a_form_from_another_site_is_refused_even_with_a_valid_token(app) {
        app.signup_verified("tina@example.org", "Tina", PASSWORD).await;
        let client = app.client();
        let token = app.page_csrf(&client, "/signin").await;
        let resp = client
            .post(app.url("/signin"))
            .header("Origin", "https://evil.example")
            .form(&[("_csrf", token.as_str()), ("email", "tina@example.org"), ("password", PASSWORD), ("next", "/account")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 403);
        assert_eq!(app.me(&client).await.0, 401);
    }
}
