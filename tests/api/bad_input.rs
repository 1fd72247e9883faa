//! Bad requests get a 4xx with a JSON error that says what is wrong, never a 500.

use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

/// The error code the contract pairs with each client-error status.
fn code_for(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "validation",
        429 => "too_many_requests",
        other => panic!("no error code for {other}"),
    }
}

both_backends! {
    async fn malformed_requests_get_a_client_error_never_a_server_error(app) {
        let client = app.signup_verified_user("tester@example.org", "Tester", PASSWORD).await;
        let json_ct = Some("application/json");
        let mut org_with_text_latitude = org_body("Typed wrong");
        org_with_text_latitude["latitude"] = json!("abc");
        let huge = json!({"email": "big@example.org", "password": PASSWORD, "display_name": "x".repeat(70 * 1024)}).to_string();
        let long_token = json!({"token": "A".repeat(5000)}).to_string();
        let org = org_body("Right body, wrong type").to_string();

        // (method, path, body, content type, expected status)
        let rows: Vec<(Method, &str, String, Option<&str>, u16)> = vec![
            (Method::POST, "/api/v1/auth/signup", r#"{"email": "a@example.org", "password": "#.into(), json_ct, 400),
            (Method::POST, "/api/v1/auth/signup", "not json at all".into(), json_ct, 400),
            (Method::POST, "/api/v1/auth/signup", r#""just a string""#.into(), json_ct, 400),
            (Method::POST, "/api/v1/auth/signup", r#"{"email": 5, "password": "a quiet walk", "display_name": "Five"}"#.into(), json_ct, 400),
            (Method::POST, "/api/v1/auth/signin", String::new(), json_ct, 400),
            (Method::POST, "/api/v1/auth/password-reset", r#"{"email": 12345}"#.into(), json_ct, 400),
            (Method::POST, "/api/v1/organizations", org_with_text_latitude.to_string(), json_ct, 400),
            (Method::PATCH, "/api/v1/me", r#"{"locale": 3}"#.into(), json_ct, 400),
            (Method::POST, "/api/v1/auth/verify", r#"{"token": ""}"#.into(), json_ct, 400),
            (Method::POST, "/api/v1/auth/verify", long_token, json_ct, 400),
            (Method::POST, "/api/v1/auth/signin", r#"{"email": "tester@example.org", "password": "x"}"#.into(), Some("text/plain"), 415),
            (Method::POST, "/api/v1/organizations", org.clone(), Some("text/plain"), 415),
            (Method::POST, "/api/v1/organizations", org, Some("application/x-www-form-urlencoded"), 415),
            (Method::POST, "/api/v1/auth/signup", huge, json_ct, 413),
            (Method::GET, "/api/v1/organizations/abc", String::new(), None, 404),
            (Method::GET, "/api/v1/organizations/-1", String::new(), None, 404),
            (Method::GET, "/api/v1/organizations/99999999", String::new(), None, 404),
            (Method::GET, "/api/v1/organizations/99999999999999999999999999", String::new(), None, 404),
            (Method::POST, "/api/v1/organizations/abc/invitations", r#"{"email": "x@example.org"}"#.into(), json_ct, 404),
            (Method::DELETE, "/api/v1/me/sessions/abc", String::new(), None, 404),
            (Method::GET, "/api/v1/no-such-thing", String::new(), None, 404),
        ];

        for (method, path, body, content_type, expected) in rows {
            let mut req = client.request(method.clone(), app.url(path));
            if let Some(ct) = content_type {
                req = req.header(reqwest::header::CONTENT_TYPE, ct);
            }
            if !body.is_empty() {
                req = req.body(body.clone());
            }
            let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            let shown: String = body.chars().take(120).collect();
            assert_eq!(
                status, expected,
                "{method} {path} with {content_type:?} body {shown:?}: expected {expected}, got {status}: {text}"
            );
            let err: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("{method} {path}: the error is not JSON: {text}"));
            assert_eq!(err["error"]["code"], code_for(expected), "{method} {path}: {err}");
            assert!(
                err["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{method} {path}: no message in {err}"
            );
        }
        // The client is still signed in and nothing was created.
        let me = app.me_ok(&client).await;
        assert_eq!(me["organizations"], json!([]));
    }

    async fn text_with_nul_characters_is_refused_not_a_server_error(app) {
        let client = app.signup_verified_user("nul@example.org", "Nul", PASSWORD).await;
        let anonymous = app.client();
        let resp = app.signup(&anonymous, "nul\u{0}@example.org", "Someone", PASSWORD).await;
        assert!(resp.status().is_client_error(), "sign-up with NUL in the address: {}", resp.status());
        let resp = app.signup(&anonymous, "ok@example.org", "Some\u{0}one", PASSWORD).await;
        assert!(resp.status().is_client_error(), "sign-up with NUL in the name: {}", resp.status());
        let resp = app.patch_json(&client, "/api/v1/me", &json!({"display_name": "Nu\u{0}l"})).await;
        assert!(resp.status().is_client_error(), "renaming with NUL: {}", resp.status());
        let mut body = org_body("Club\u{0}");
        body["description"] = json!("zero \u{0} byte");
        let resp = app.post_json(&client, "/api/v1/organizations", &body).await;
        assert!(resp.status().is_client_error(), "organization with NUL: {}", resp.status());
        assert_eq!(app.me_ok(&client).await["display_name"], "Nul");
    }

    async fn an_unknown_page_is_an_html_not_found_page(app) {
        let resp = app.get(&app.client(), "/no/such/page").await;
        assert_eq!(resp.status().as_u16(), 404);
        let ct = resp.headers().get(reqwest::header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string());
        assert!(ct.as_deref().is_some_and(|c| c.starts_with("text/html")), "content type {ct:?}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("<html"), "{html}");
    }

    async fn error_messages_follow_the_requested_language(app) {
        let client = app.client();
        let bad = json!({"email": "not-an-address", "password": PASSWORD, "display_name": "Lang"});
        let ask = |lang: &'static str, cookie: Option<&'static str>| {
            let mut req = reqwest::Client::new()
                .post(app.url("/api/v1/auth/signup"))
                .header("Accept-Language", lang)
                .json(&bad);
            if let Some(c) = cookie {
                req = req.header("Cookie", c);
            }
            req.send()
        };
        let it = expect_error(ask("it", None).await.unwrap(), 422, "validation").await;
        let en = expect_error(ask("en", None).await.unwrap(), 422, "validation").await;
        let default = expect_error(app.post_json(&client, "/api/v1/auth/signup", &bad).await, 422, "validation").await;
        let cookie_en = expect_error(ask("it", Some("legami_lang=en")).await.unwrap(), 422, "validation").await;

        assert_ne!(it["error"]["message"], en["error"]["message"], "Italian and English messages are the same");
        assert_ne!(it["error"]["fields"]["email"], en["error"]["fields"]["email"]);
        assert_eq!(default, it, "Italian is the default language");
        assert_eq!(cookie_en, en, "the legami_lang cookie chooses the language");
    }
}
