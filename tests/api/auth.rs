//! Sign-up, e-mail verification, sign-in, sign-out and password reset through the JSON API.

use crate::helpers::*;
use serde_json::json;

both_backends! {
    async fn signing_up_sends_a_verification_mail_whose_link_lets_the_person_sign_in(app) {
        let client = app.client();
        let body = expect_status(
            app.signup(&client, "giulia@example.org", "Giulia", PASSWORD).await,
            202,
        )
        .await;
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "the sign-up answer carries no message: {body}"
        );

        let mail = app.wait_for_mail("giulia@example.org", None).await;
        assert!(mail.subject.contains("Legami"), "subject: {}", mail.subject);
        let token = app.link_from_mail(&mail, "/verify");
        assert_eq!(token.len(), 43, "the token in the link is not 43 URL-safe characters: {token}");

        expect_status(app.verify(&client, &token).await, 200).await;
        expect_status(app.signin(&client, "giulia@example.org", PASSWORD).await, 200).await;

        let me = app.me_ok(&client).await;
        assert_eq!(me["email"], "giulia@example.org");
        assert_eq!(me["display_name"], "Giulia");
        assert_eq!(me["email_verified"], true);
        assert_eq!(me["is_admin"], false);
        assert!(me["linker_status"].is_null(), "{me}");
        assert_eq!(me["organizations"], json!([]));
        assert!(me["id"].as_i64().is_some(), "{me}");
    }

    async fn signing_in_answers_with_the_profile_and_an_http_only_same_site_cookie(app) {
        app.signup_verified("marco@example.org", "Marco", PASSWORD).await;
        let client = app.client();
        let resp = app.signin(&client, "marco@example.org", PASSWORD).await;
        assert_eq!(resp.status().as_u16(), 200);
        let cookies = set_cookies(&resp);
        let session = cookies
            .iter()
            .find(|c| c.starts_with("legami_session="))
            .unwrap_or_else(|| panic!("no legami_session cookie in {cookies:?}"));
        let lower = session.to_ascii_lowercase();
        assert!(lower.contains("httponly"), "{session}");
        assert!(lower.contains("samesite=lax"), "{session}");
        assert!(lower.contains("path=/"), "{session}");
        assert!(!lower.contains("secure"), "a plain-http site must not mark the cookie Secure: {session}");
        let me = body_json(resp).await;
        assert_eq!(me["email"], "marco@example.org");
        assert_eq!(me["display_name"], "Marco");
    }

    async fn behind_https_the_session_cookie_is_secure_and_host_prefixed(app: |s| {
        s.server.site_url = "https://legami.example".to_string();
    }) {
        app.signup_verified("hana@example.org", "Hana", PASSWORD).await;
        let client = app.client();
        let resp = app.signin(&client, "hana@example.org", PASSWORD).await;
        assert_eq!(resp.status().as_u16(), 200);
        let cookies = set_cookies(&resp);
        let session = cookies
            .iter()
            .find(|c| c.starts_with("__Host-legami_session="))
            .unwrap_or_else(|| panic!("no __Host-legami_session cookie in {cookies:?}"));
        let lower = session.to_ascii_lowercase();
        assert!(lower.contains("secure"), "{session}");
        assert!(lower.contains("httponly"), "{session}");
        assert!(lower.contains("path=/"), "{session}");
        assert!(!lower.contains("domain="), "a __Host- cookie must not name a domain: {session}");
        assert!(!cookies.iter().any(|c| c.starts_with("legami_session=")), "{cookies:?}");
    }

    async fn a_session_cookie_stops_working_once_its_owner_signs_out(app) {
        app.signup_verified("remo@example.org", "Remo", PASSWORD).await;
        let client = app.client();
        let resp = app.signin(&client, "remo@example.org", PASSWORD).await;
        let token = cookie_value(&resp, "legami_session").expect("a session cookie");
        expect_status(resp, 200).await;

        // The same cookie sent by hand (as a thief who copied it would) works…
        let replay = || {
            reqwest::Client::new()
                .get(app.url("/api/v1/me"))
                .header("Cookie", format!("legami_session={token}"))
                .send()
        };
        expect_status(replay().await.unwrap(), 200).await;
        // …until the owner signs out: the session ends on the server, not just in the browser.
        expect_status(client.post(app.url("/api/v1/auth/signout")).send().await.unwrap(), 204).await;
        expect_error(replay().await.unwrap(), 401, "unauthorized").await;
    }

    async fn signing_in_before_verifying_is_refused_and_sends_a_fresh_verification_mail(app) {
        let client = app.client();
        expect_status(app.signup(&client, "anna@example.org", "Anna", PASSWORD).await, 202).await;
        app.wait_for_links("anna@example.org", "/verify", 1).await;

        expect_error(app.signin(&client, "anna@example.org", PASSWORD).await, 403, "forbidden").await;
        assert_eq!(app.me(&client).await.0, 401, "a refused sign-in must not leave a session");

        let links = app.wait_for_links("anna@example.org", "/verify", 2).await;
        let fresh = links.last().expect("a fresh link");
        expect_status(app.verify(&client, fresh).await, 200).await;
        expect_status(app.signin(&client, "anna@example.org", PASSWORD).await, 200).await;
    }

    async fn signing_up_with_a_taken_address_answers_the_same_and_creates_no_second_account(app) {
        let first = app.client();
        let first_answer =
            expect_status(app.signup(&first, "luca@example.org", "Luca", PASSWORD).await, 202).await;
        let token = app.wait_for_link("luca@example.org", "/verify").await;
        expect_status(app.verify(&first, &token).await, 200).await;

        let intruder = app.client();
        let second_answer = expect_status(
            app.signup(&intruder, "luca@example.org", "Someone Else", NEW_PASSWORD).await,
            202,
        )
        .await;
        assert_eq!(first_answer, second_answer, "a taken address must not be revealed by the answer");

        // The owner hears about it, but not with a verification link.
        let mails = app.wait_for_mails("luca@example.org", 2).await;
        assert!(
            app.try_link_from_mail(&mails[1], "/verify").is_none(),
            "the owner of a taken address got a verification link: {}",
            mails[1].body
        );

        expect_error(app.signin(&intruder, "luca@example.org", NEW_PASSWORD).await, 401, "invalid_credentials").await;
        let owner = app.signed_in_client("luca@example.org", PASSWORD).await;
        assert_eq!(app.me_ok(&owner).await["display_name"], "Luca");
    }

    async fn a_verification_link_works_only_once(app) {
        let client = app.client();
        expect_status(app.signup(&client, "sara@example.org", "Sara", PASSWORD).await, 202).await;
        let token = app.wait_for_link("sara@example.org", "/verify").await;
        expect_status(app.verify(&client, &token).await, 200).await;
        expect_error(app.verify(&client, &token).await, 400, "bad_request").await;
    }

    async fn an_unknown_verification_token_is_refused(app) {
        let client = app.client();
        let forged = "A".repeat(43);
        expect_error(app.verify(&client, &forged).await, 400, "bad_request").await;
    }

    async fn a_wrong_password_and_an_unknown_address_get_the_same_answer(app) {
        app.signup_verified("paolo@example.org", "Paolo", PASSWORD).await;
        let client = app.client();
        let wrong = expect_error(
            app.signin(&client, "paolo@example.org", "not the right password").await,
            401,
            "invalid_credentials",
        )
        .await;
        let unknown = expect_error(
            app.signin(&client, "nobody@example.org", PASSWORD).await,
            401,
            "invalid_credentials",
        )
        .await;
        assert_eq!(wrong["error"]["message"], unknown["error"]["message"]);
        assert_eq!(app.me(&client).await.0, 401);
    }

    async fn asking_again_for_a_verification_mail_sends_one_only_to_unverified_accounts(app) {
        let client = app.client();
        expect_status(app.signup(&client, "elena@example.org", "Elena", PASSWORD).await, 202).await;
        app.wait_for_links("elena@example.org", "/verify", 1).await;

        let unknown = app
            .post_json(&client, "/api/v1/auth/verification-mail", &json!({"email": "ghost@example.org"}))
            .await;
        expect_status(unknown, 202).await;
        let known = app
            .post_json(&client, "/api/v1/auth/verification-mail", &json!({"email": "elena@example.org"}))
            .await;
        expect_status(known, 202).await;

        let links = app.wait_for_links("elena@example.org", "/verify", 2).await;
        expect_status(app.verify(&client, links.last().unwrap()).await, 200).await;
        assert!(app.mails_to("ghost@example.org").is_empty(), "a mail went to an unknown address");
    }

    async fn signing_out_ends_every_session_of_the_person(app) {
        let laptop = app.signup_verified_user("chiara@example.org", "Chiara", PASSWORD).await;
        let phone = app.signed_in_client("chiara@example.org", PASSWORD).await;
        app.me_ok(&phone).await;

        let resp = laptop.post(app.url("/api/v1/auth/signout")).send().await.unwrap();
        expect_status(resp, 204).await;

        expect_error(laptop.get(app.url("/api/v1/me")).send().await.unwrap(), 401, "unauthorized").await;
        expect_error(phone.get(app.url("/api/v1/me")).send().await.unwrap(), 401, "unauthorized").await;
        // Signing in again works.
        app.signed_in_client("chiara@example.org", PASSWORD).await;
    }

    async fn signing_up_with_bad_input_names_each_wrong_field(app: |s| {
        // Refused sign-ups may count towards the per-address limit; this test makes many.
        s.rate_limit.signup_per_ip = 100;
    }) {
        let client = app.client();
        let long_password = "x".repeat(129);
        let long_name = "N".repeat(81);
        let rows: Vec<(&str, &str, &str, &str)> = vec![
            // (email, password, display_name, field expected in error)
            ("not-an-address", PASSWORD, "Rita", "email"),
            ("", PASSWORD, "Rita", "email"),
            ("rita@example.org", "short1", "Rita", "password"),
            ("rita@example.org", &long_password, "Rita", "password"),
            ("rita@example.org", "password1", "Rita", "password"),
            ("rita@example.org", "qwertyuiop", "Rita", "password"),
            ("rita.longaddress@example.org", "rita.longaddress@example.org", "Rita", "password"),
            ("rita@example.org", PASSWORD, "", "display_name"),
            ("rita@example.org", PASSWORD, "   ", "display_name"),
            ("rita@example.org", PASSWORD, &long_name, "display_name"),
        ];
        for (email, password, name, field) in rows {
            let resp = app.signup(&client, email, name, password).await;
            let body = expect_error(resp, 422, "validation").await;
            assert!(
                body["error"]["fields"][field].as_str().is_some_and(|m| !m.is_empty()),
                "sign-up with email {email:?}, password {password:?}, name {name:?}: expected a \
                 message for `{field}`, got {body}"
            );
        }
        // Nothing was created: the address is still free.
        let resp = app.signup(&client, "rita@example.org", "Rita", PASSWORD).await;
        expect_status(resp, 202).await;
        let mails = app.wait_for_mails("rita@example.org", 1).await;
        assert_eq!(mails.len(), 1, "refused sign-ups sent mail: {mails:#?}");
        app.link_from_mail(&mails[0], "/verify");
    }

    async fn a_password_reset_sets_a_new_password_and_ends_every_session(app) {
        let old_session = app.signup_verified_user("franco@example.org", "Franco", PASSWORD).await;
        let anonymous = app.client();
        let resp = app
            .post_json(&anonymous, "/api/v1/auth/password-reset", &json!({"email": "franco@example.org"}))
            .await;
        expect_status(resp, 202).await;
        let token = app.wait_for_link("franco@example.org", "/reset").await;

        let confirm = |password: &str| {
            json!({"token": token, "password": password})
        };
        let resp = app
            .post_json(&anonymous, "/api/v1/auth/password-reset/confirm", &confirm(NEW_PASSWORD))
            .await;
        expect_status(resp, 200).await;

        // The link is single use.
        let resp = app
            .post_json(&anonymous, "/api/v1/auth/password-reset/confirm", &confirm("yet another long password"))
            .await;
        expect_error(resp, 400, "bad_request").await;

        // Sessions opened with the old password are over.
        assert_eq!(app.me(&old_session).await.0, 401, "a session survived the password reset");
        expect_error(app.signin(&anonymous, "franco@example.org", PASSWORD).await, 401, "invalid_credentials").await;
        expect_status(app.signin(&anonymous, "franco@example.org", NEW_PASSWORD).await, 200).await;
    }

    async fn a_weak_password_in_a_reset_is_refused_and_the_link_still_works(app) {
        app.signup_verified("irene@example.org", "Irene", PASSWORD).await;
        let client = app.client();
        let resp = app
            .post_json(&client, "/api/v1/auth/password-reset", &json!({"email": "irene@example.org"}))
            .await;
        expect_status(resp, 202).await;
        let token = app.wait_for_link("irene@example.org", "/reset").await;

        let resp = app
            .post_json(&client, "/api/v1/auth/password-reset/confirm", &json!({"token": token, "password": "password1"}))
            .await;
        let body = expect_error(resp, 422, "validation").await;
        assert!(body["error"]["fields"]["password"].is_string(), "{body}");

        let resp = app
            .post_json(&client, "/api/v1/auth/password-reset/confirm", &json!({"token": token, "password": NEW_PASSWORD}))
            .await;
        expect_status(resp, 200).await;
        expect_status(app.signin(&client, "irene@example.org", NEW_PASSWORD).await, 200).await;
    }

    async fn a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(app) {
        app.signup_verified("bruno@example.org", "Bruno", PASSWORD).await;
        let client = app.client();
        let unknown = expect_status(
            app.post_json(&client, "/api/v1/auth/password-reset", &json!({"email": "stranger@example.org"})).await,
            202,
        )
        .await;
        let known = expect_status(
            app.post_json(&client, "/api/v1/auth/password-reset", &json!({"email": "bruno@example.org"})).await,
            202,
        )
        .await;
        assert_eq!(unknown, known, "the answer reveals whether the address has an account");
        // Once the mail for the known address is out, nothing went to the unknown one.
        app.wait_for_link("bruno@example.org", "/reset").await;
        assert!(app.mails_to("stranger@example.org").is_empty(), "a mail went to an unknown address");
    }
}
