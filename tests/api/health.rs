//! Probes for the orchestrator, the API description, and what happens when a dependency is down.

use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

both_backends! {
    async fn the_liveness_probe_answers_ok(app) {
        let body = expect_status(app.get(&app.client(), "/health/live").await, 200).await;
        assert_eq!(body, json!({"status": "ok"}));
    }

    async fn the_readiness_probe_reports_each_dependency_as_ok(app) {
        let body = expect_status(app.get(&app.client(), "/health/ready").await, 200).await;
        let redis = match app.backend {
            Backend::Sqlite => "not_configured",
            Backend::Postgres => "ok",
        };
        assert_eq!(body, json!({"status": "ok", "checks": {"database": "ok", "redis": redis}}));
    }

    async fn responses_are_compressed_for_clients_that_accept_it(app) {
        let client = app.client();
        let fetch = |encoding: &'static str| {
            client
                .get(app.url("/api/v1/openapi.json"))
                .header("Accept-Encoding", encoding)
                .send()
        };
        let gzip = fetch("gzip").await.expect("request");
        assert_eq!(gzip.status(), 200);
        assert_eq!(
            gzip.headers().get("content-encoding").and_then(|v| v.to_str().ok()),
            Some("gzip"),
            "a client that accepts gzip gets the document compressed"
        );
        let compressed = gzip.bytes().await.expect("body").len();
        let plain = fetch("identity").await.expect("request");
        assert_eq!(plain.status(), 200);
        assert!(plain.headers().get("content-encoding").is_none());
        let plain = plain.bytes().await.expect("body").len();
        assert!(compressed * 3 < plain, "{compressed} bytes compressed against {plain}");
    }

    async fn the_api_describes_itself_in_an_openapi_document(app) {
        let doc = expect_status(app.get(&app.client(), "/api/v1/openapi.json").await, 200).await;
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")),
            "not an OpenAPI 3.1 document: {}", doc["openapi"]
        );
        for path in ["/api/v1/auth/signup", "/api/v1/auth/signin", "/api/v1/organizations", "/api/v1/me"] {
            assert!(doc["paths"][path].is_object(), "the document does not describe {path}");
        }
    }

    postgres_only {
        async fn readiness_names_the_database_when_it_cannot_be_reached(app: |s| {
            s.database.pool_timeout_secs = 1;
        }) {
            expect_status(app.get(&app.client(), "/health/ready").await, 200).await;
            let name = app.db_name.clone().expect("a PostgreSQL database");
            app.exec_admin_sql(&format!(
                "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; \
                 SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
            ))
            .await;

            let body = expect_status(app.get(&app.client(), "/health/ready").await, 503).await;
            assert_eq!(body["status"], "unavailable", "{body}");
            assert!(
                body["checks"]["database"].as_str().is_some_and(|d| d.starts_with("down")),
                "the database is not named as the failing part: {body}"
            );
            assert_eq!(body["checks"]["redis"], "ok", "{body}");
            // Requests that need the database say so instead of failing with 500.
            expect_error(app.get(&app.client(), "/api/v1/organizations").await, 503, "unavailable").await;

            // Once the database is back, the app recovers on its own.
            app.exec_admin_sql(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
            let mut status = 0;
            for _ in 0..50 {
                status = app.get(&app.client(), "/health/ready").await.status().as_u16();
                if status == 200 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            assert_eq!(status, 200, "the app did not recover after the database came back");
        }

        async fn without_redis_readiness_fails_yet_people_can_still_sign_up_and_sign_in(app: |s| {
            s.redis.url = secrecy::SecretString::from("redis://127.0.0.1:1".to_string());
        }) {
            let body = expect_status(app.get(&app.client(), "/health/ready").await, 503).await;
            assert_eq!(body["status"], "unavailable", "{body}");
            assert_eq!(body["checks"]["database"], "ok", "{body}");
            assert!(
                body["checks"]["redis"].as_str().is_some_and(|r| r.starts_with("down")),
                "redis is not named as the failing part: {body}"
            );

            let client = app.signup_verified_user("resiliente@example.org", "Resiliente", PASSWORD).await;
            let me = app.me_ok(&client).await;
            assert_eq!(me["email"], "resiliente@example.org");
            let second = app.signed_in_client("resiliente@example.org", PASSWORD).await;
            app.me_ok(&second).await;
            app.create_org(&client, "Senza Redis").await;

            expect_status(client.post(app.url("/api/v1/auth/signout")).send().await.unwrap(), 204).await;
            assert_eq!(app.me(&client).await.0, 401);
            assert_eq!(app.me(&second).await.0, 401, "sign-out without Redis left another session alive");
        }
    }
}
