//! The HTML site: languages, forms with their errors, sign-in redirects, account and admin pages,
//! and the security headers on every response.

use crate::helpers::*;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, USER_AGENT};
use reqwest::Client;
use serde_json::json;

async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    expect_page(app.get(client, path).await, 200).await
}

/// Signs in through the sign-in form; returns where it redirects.
async fn sign_in_with_form(
    app: &TestApp,
    client: &Client,
    email: &str,
    password: &str,
    next: &str,
) -> reqwest::Response {
    let csrf = app.page_csrf(client, "/signin").await;
    app.post_form(
        client,
        "/signin",
        &[
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("next", next),
        ],
    )
    .await
}

fn is_html(resp: &reqwest::Response) -> bool {
    resp.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"))
}

both_backends! {
    async fn pages_are_in_italian_by_default_and_in_english_when_the_browser_asks(app) {
        for path in ["/", "/signin", "/signup"] {
            let html = page(&app, &app.client(), path).await;
            assert!(html.contains("<html lang=\"it\""), "GET {path} without a language preference:\n{html}");
            let resp = app.client().get(app.url(path)).header("Accept-Language", "en-GB,en;q=0.9").send().await.unwrap();
            let html = expect_page(resp, 200).await;
            assert!(html.contains("<html lang=\"en\""), "GET {path} asking for English:\n{html}");
        }
    }

    async fn choosing_a_language_keeps_the_site_in_that_language(app) {
        let client = app.client();
        let csrf = app.page_csrf(&client, "/signin").await;
        let resp = app.post_form(&client, "/locale", &[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/signin")]).await;
        assert_eq!(expect_see_other(&resp), "/signin");
        let cookies = set_cookies(&resp);
        assert!(cookies.iter().any(|c| c.starts_with("legami_lang=en")), "{cookies:?}");

        assert!(page(&app, &client, "/signin").await.contains("<html lang=\"en\""));
        assert!(page(&app, &client, "/").await.contains("<html lang=\"en\""));

        // The choice wins over the browser's preference, both ways.
        let csrf = app.page_csrf(&client, "/").await;
        let resp = app.post_form(&client, "/locale", &[("_csrf", csrf.as_str()), ("lang", "it"), ("next", "/")]).await;
        assert_eq!(expect_see_other(&resp), "/");
        let resp = client.get(app.url("/signin")).header("Accept-Language", "en").send().await.unwrap();
        assert!(expect_page(resp, 200).await.contains("<html lang=\"it\""));
    }

    async fn the_signup_form_shows_each_error_next_to_its_field_and_keeps_the_address(app) {
        let client = app.client();
        let csrf = app.page_csrf(&client, "/signup").await;
        let (email, name, password) = ("not-an-address", "", "brevis7");
        let resp = app
            .post_form(&client, "/signup", &[("_csrf", csrf.as_str()), ("email", email), ("display_name", name), ("password", password)])
            .await;
        assert!(is_html(&resp), "the refused form is not a page");
        let html = expect_page(resp, 422).await;

        // The same input through the API, in the same (default) language, names the problems.
        let api = app.signup(&app.client(), email, name, password).await;
        let api = expect_error(api, 422, "validation").await;
        let text = html_text(&html);
        for field in ["email", "display_name", "password"] {
            let message = api["error"]["fields"][field]
                .as_str()
                .unwrap_or_else(|| panic!("the API names no problem with {field}: {api}"));
            assert!(text.contains(message), "the page does not show {message:?} for {field}:\n{html}");
            assert!(html.contains(&format!("name=\"{field}\"")), "the form has no {field} field:\n{html}");
        }
        assert_eq!(
            attribute_of_tag_with(&html, "name=\"email\"", "value").as_deref(),
            Some(email),
            "the entered address is not kept:\n{html}"
        );
        assert!(!html.contains(password), "the page echoes the password");
        assert!(csrf_of(&html).is_some(), "the re-shown form has no CSRF token");
        assert!(app.mails_to(email).is_empty());
    }

    async fn signing_up_with_the_form_mails_a_link_whose_page_asks_for_a_click(app) {
        let client = app.client();
        let csrf = app.page_csrf(&client, "/signup").await;
        let resp = app
            .post_form(&client, "/signup", &[("_csrf", csrf.as_str()), ("email", "bice@example.org"), ("display_name", "Bice"), ("password", PASSWORD)])
            .await;
        assert_eq!(expect_see_other(&resp), "/signup/sent");
        page(&app, &client, "/signup/sent").await;

        let token = app.wait_for_link("bice@example.org", "/verify").await;
        let html = page(&app, &client, &format!("/verify?token={token}")).await;
        assert_eq!(
            attribute_of_tag_with(&html, "name=\"token\"", "value").as_deref(),
            Some(token.as_str()),
            "the page has no form carrying the token:\n{html}"
        );
        let csrf = csrf_of(&html).expect("the verify page has a CSRF token");
        // Opening the link again (a mail scanner would) changes nothing either.
        page(&app, &app.client(), &format!("/verify?token={token}")).await;

        let resp = app.post_form(&client, "/verify", &[("_csrf", csrf.as_str()), ("token", token.as_str())]).await;
        assert_eq!(expect_see_other(&resp), "/signin?verified=1");
        page(&app, &client, "/signin?verified=1").await;
        expect_status(app.signin(&client, "bice@example.org", PASSWORD).await, 200).await;
    }

    async fn signing_in_with_the_form_returns_to_the_page_asked_for_but_never_to_another_site(app) {
        app.signup_verified("dora@example.org", "Dora", PASSWORD).await;
        let rows = [
            ("/account", "/account"),
            ("/organizations/new", "/organizations/new"),
            ("", "/account"),
            ("https://evil.example/phish", "/account"),
            ("//evil.example/phish", "/account"),
            ("/\\evil.example/phish", "/account"),
        ];
        for (next, expected) in rows {
            let client = app.client();
            let resp = sign_in_with_form(&app, &client, "dora@example.org", PASSWORD, next).await;
            assert_eq!(expect_see_other(&resp), expected, "sign-in with next={next:?}");
            assert_eq!(app.me_ok(&client).await["email"], "dora@example.org");
            app.post_json(&client, "/api/v1/auth/signout", &json!({})).await;
        }
    }

    async fn a_wrong_password_on_the_signin_form_shows_the_form_again_with_the_reason(app) {
        app.signup_verified("ezio@example.org", "Ezio", PASSWORD).await;
        let client = app.client();
        let resp = sign_in_with_form(&app, &client, "ezio@example.org", "not my password", "/account").await;
        assert!(is_html(&resp));
        let html = expect_page(resp, 401).await;
        let api = app.signin(&app.client(), "ezio@example.org", "not my password").await;
        let api = expect_error(api, 401, "invalid_credentials").await;
        let message = api["error"]["message"].as_str().unwrap();
        assert!(html_text(&html).contains(message), "the page does not say {message:?}:\n{html}");
        assert!(html.contains("name=\"password\""), "the form is not shown again:\n{html}");
        assert!(!html.contains("not my password"), "the page echoes the password");
        assert_eq!(app.me(&client).await.0, 401);
    }

    async fn the_account_page_sends_signed_out_visitors_to_sign_in(app) {
        let resp = app.get(&app.client(), "/account").await;
        assert_eq!(expect_see_other(&resp), "/signin?next=%2Faccount");
    }

    async fn the_account_page_shows_the_name_and_the_sessions_and_is_never_cached(app) {
        app.signup_verified("bianca@example.org", "Bianca", PASSWORD).await;
        let client = app.client();
        let resp = client
            .post(app.url("/api/v1/auth/signin"))
            .header(USER_AGENT, "Computer di casa")
            .json(&json!({"email": "bianca@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        expect_status(resp, 200).await;
        let phone = app.client();
        let resp = phone
            .post(app.url("/api/v1/auth/signin"))
            .header(USER_AGENT, "Telefono di Bianca")
            .json(&json!({"email": "bianca@example.org", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        expect_status(resp, 200).await;

        let resp = app.get(&client, "/account").await;
        let cache = resp.headers().get(CACHE_CONTROL).map(|v| v.to_str().unwrap().to_string());
        assert!(cache.as_deref().is_some_and(|c| c.contains("no-store")), "cache-control: {cache:?}");
        let html = expect_page(resp, 200).await;
        assert!(html.contains("Bianca"), "no display name on the account page");
        assert!(html.contains("Telefono di Bianca"), "the other session is not listed:\n{html}");
        assert!(html.contains("Computer di casa"), "this session is not listed:\n{html}");
    }

    async fn ending_other_sessions_from_the_account_page_signs_the_other_devices_out(app) {
        let this = app.signup_verified_user("carla@example.org", "Carla", PASSWORD).await;
        let other = app.signed_in_client("carla@example.org", PASSWORD).await;
        let csrf = app.page_csrf(&this, "/account").await;
        let resp = app.post_form(&this, "/account/sessions/end-others", &[("_csrf", csrf.as_str())]).await;
        expect_see_other(&resp);
        assert_eq!(app.me(&other).await.0, 401);
        app.me_ok(&this).await;
    }

    async fn signing_out_with_the_form_goes_home_and_ends_the_session(app) {
        let client = app.signup_verified_user("dino@example.org", "Dino", PASSWORD).await;
        let csrf = app.page_csrf(&client, "/account").await;
        let resp = app.post_form(&client, "/signout", &[("_csrf", csrf.as_str())]).await;
        assert_eq!(expect_see_other(&resp), "/");
        assert_eq!(app.me(&client).await.0, 401);
        assert_eq!(expect_see_other(&app.get(&client, "/account").await), "/signin?next=%2Faccount");
    }

    async fn the_forgotten_password_forms_set_a_new_password(app) {
        app.signup_verified("fede@example.org", "Fede", PASSWORD).await;
        let client = app.client();
        let csrf = app.page_csrf(&client, "/forgot").await;
        let resp = app.post_form(&client, "/forgot", &[("_csrf", csrf.as_str()), ("email", "fede@example.org")]).await;
        assert_eq!(expect_see_other(&resp), "/forgot/sent");

        let token = app.wait_for_link("fede@example.org", "/reset").await;
        let html = page(&app, &client, &format!("/reset?token={token}")).await;
        assert!(html.contains("name=\"password\""), "no password field on the reset page:\n{html}");
        let csrf = csrf_of(&html).expect("the reset page has a CSRF token");
        let resp = app
            .post_form(&client, "/reset", &[("_csrf", csrf.as_str()), ("token", token.as_str()), ("password", NEW_PASSWORD)])
            .await;
        assert_eq!(expect_see_other(&resp), "/signin?reset=1");
        expect_error(app.signin(&client, "fede@example.org", PASSWORD).await, 401, "invalid_credentials").await;
        expect_status(app.signin(&client, "fede@example.org", NEW_PASSWORD).await, 200).await;
    }

    async fn an_organization_registered_with_the_form_gets_its_own_page(app) {
        let client = app.signup_verified_user("gaia@example.org", "Gaia", PASSWORD).await;
        let csrf = app.page_csrf(&client, "/organizations/new").await;
        let resp = app
            .post_form(&client, "/organizations/new", &[
                ("_csrf", csrf.as_str()),
                ("name", "Orti condivisi Gorla"),
                ("kind", "informal_group"),
                ("description", "We grow tomatoes together."),
                ("address", "Via Asiago 10, Milano"),
                ("latitude", "45.5090"),
                ("longitude", "9.2230"),
                ("phone", ""),
                ("email", ""),
                ("website", ""),
            ])
            .await;
        let to = expect_see_other(&resp);
        let id: i64 = path_of(&to)
            .strip_prefix("/organizations/")
            .and_then(|rest| rest.parse().ok())
            .unwrap_or_else(|| panic!("unexpected redirect after creating an organization: {to}"));

        let html = page(&app, &client, &to).await;
        assert!(html_text(&html).contains("Orti condivisi Gorla"), "the organization page does not show its name");
        let org = expect_status(app.get(&client, &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(org["name"], "Orti condivisi Gorla");
        assert_eq!(org["kind"], "informal_group");
        assert_eq!(org["status"], "pending");
        assert_eq!(org["my_role"], "owner");
    }

    async fn the_admin_page_is_only_for_admins(app) {
        let owner = app.signup_verified_user("hugo@example.org", "Hugo", PASSWORD).await;
        app.create_org(&owner, "Cineforum Dergano").await;
        let resp = app.post_json(&owner, "/api/v1/me/linker-request", &json!({"motivation": "I know the building"})).await;
        expect_status(resp, 201).await;

        let resp = app.get(&owner, "/admin").await;
        assert!(is_html(&resp), "the refusal is not a page");
        let html = expect_page(resp, 403).await;
        assert!(!html.contains("Cineforum Dergano"), "the refusal page shows the pending list");

        let admin = app.admin_client().await;
        let html = html_text(&page(&app, &admin, "/admin").await);
        assert!(html.contains("Cineforum Dergano"), "the pending organization is not listed:\n{html}");
        assert!(html.contains("Hugo"), "the pending linker is not listed:\n{html}");
    }

    async fn an_admin_accredits_an_organization_from_the_admin_page(app) {
        let owner = app.signup_verified_user("ivana@example.org", "Ivana", PASSWORD).await;
        let org = app.create_org(&owner, "Ludoteca Niguarda").await;
        let id = org["id"].as_i64().unwrap();
        let admin = app.admin_client().await;
        let csrf = app.page_csrf(&admin, "/admin").await;
        let resp = app
            .post_form(&admin, &format!("/admin/organizations/{id}/decision"), &[("_csrf", csrf.as_str()), ("decision", "accredit"), ("reason", "")])
            .await;
        assert_eq!(path_of(&expect_see_other(&resp)), "/admin");
        let list = expect_status(app.get(&app.client(), "/api/v1/organizations").await, 200).await;
        assert!(list_contains(&list, id), "the accredited organization is not public: {list}");
        let pending = expect_status(app.get(&admin, "/api/v1/admin/organizations?status=pending").await, 200).await;
        assert!(!list_contains(&pending, id), "still pending after the decision: {pending}");
    }

    async fn a_rejection_without_a_reason_on_the_admin_page_is_refused_and_explained(app) {
        let owner = app.signup_verified_user("livio@example.org", "Livio", PASSWORD).await;
        let org = app.create_org(&owner, "Circolo Acli Greco").await;
        let id = org["id"].as_i64().unwrap();
        let admin = app.admin_client().await;
        let csrf = app.page_csrf(&admin, "/admin").await;
        let resp = app
            .post_form(&admin, &format!("/admin/organizations/{id}/decision"), &[("_csrf", csrf.as_str()), ("decision", "reject"), ("reason", "")])
            .await;
        assert!(is_html(&resp), "the refusal is not a page");
        let html = html_text(&expect_page(resp, 422).await);

        // The page says what the API says about the same mistake.
        let api = expect_error(app.decide_org(&admin, id, "reject", "").await, 422, "validation").await;
        let reason = api["error"]["fields"]["reason"].as_str().expect("a message about the reason");
        assert!(html.contains(reason), "the page does not explain {reason:?}:\n{html}");
        let seen = expect_status(app.get(&owner, &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(seen["status"], "pending");
    }

    async fn a_decision_form_posted_by_someone_who_is_not_an_admin_is_refused(app) {
        let owner = app.signup_verified_user("mirko@example.org", "Mirko", PASSWORD).await;
        let org = app.create_org(&owner, "Doposcuola Corvetto").await;
        let id = org["id"].as_i64().unwrap();
        let csrf = app.page_csrf(&owner, "/account").await;
        let resp = app
            .post_form(&owner, &format!("/admin/organizations/{id}/decision"), &[("_csrf", csrf.as_str()), ("decision", "accredit"), ("reason", "")])
            .await;
        assert_eq!(resp.status().as_u16(), 403, "a non-admin's decision form was not refused");
        let seen = expect_status(app.get(&owner, &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(seen["status"], "pending");
    }

    async fn every_response_carries_the_security_headers(app) {
        let signed_in = app.signup_verified_user("sicura@example.org", "Sicura", PASSWORD).await;
        let anonymous = app.client();
        let cases: Vec<(&Client, &str, bool)> = vec![
            // (client, path, must not be cached)
            (&anonymous, "/", false),
            (&anonymous, "/signin", false),
            (&anonymous, "/no/such/page", false),
            (&anonymous, "/health/live", false),
            (&anonymous, "/api/v1/organizations", false),
            (&anonymous, "/api/v1/me", false),
            (&signed_in, "/account", true),
            (&signed_in, "/api/v1/me", true),
        ];
        for (client, path, no_store) in cases {
            let resp = app.get(client, path).await;
            let h = resp.headers();
            let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let csp = get("content-security-policy");
            let script_src = csp
                .split(';')
                .map(str::trim)
                .find(|d| d.starts_with("script-src"))
                .unwrap_or_else(|| panic!("GET {path}: no script-src in CSP {csp:?}"));
            assert!(script_src.contains("'self'"), "GET {path}: {script_src}");
            assert!(!script_src.contains("'unsafe-inline'"), "GET {path}: {script_src}");
            assert!(csp.contains("frame-ancestors"), "GET {path}: CSP without frame-ancestors: {csp}");
            assert_eq!(get("x-content-type-options"), "nosniff", "GET {path}");
            assert!(!get("referrer-policy").is_empty(), "GET {path}: no referrer-policy");
            if no_store {
                assert!(get("cache-control").contains("no-store"), "GET {path}: cache-control {:?}", get("cache-control"));
            }
        }
    }
}
