//! The welfare office keeps the interest taxonomy from the admin page, without JavaScript.

use crate::helpers::*;

both_backends! {
    async fn an_admin_adds_and_retires_an_interest_from_the_admin_page(app) {
        let admin = app.admin_client().await;
        let page = expect_page(app.get(&admin, "/admin").await, 200).await;
        assert!(page.contains("walking-group"), "the taxonomy is listed");
        let csrf = app.page_csrf(&admin, "/admin").await;
        let interests = expect_status(app.get(&app.client(), "/api/v1/interests").await, 200).await;
        let outdoors = interests.as_array().unwrap().iter().find(|i| i["slug"] == "outdoors").unwrap()["id"].as_i64().unwrap();

        let resp = app
            .post_form(&admin, "/admin/interests", &[("_csrf", &csrf), ("parent_id", &outdoors.to_string()), ("slug", "birdwatching"), ("name_it", "Osservare gli uccelli"), ("name_en", "Birdwatching")])
            .await;
        assert_eq!(path_of(&expect_see_other(&resp)), "/admin");
        let interests = expect_status(app.get(&app.client(), "/api/v1/interests").await, 200).await;
        let bird = interests.as_array().unwrap().iter().find(|i| i["slug"] == "birdwatching").cloned().expect("added");
        assert_eq!(bird["parent_id"].as_i64(), Some(outdoors));
        assert_eq!(bird["name_en"], "Birdwatching");

        // A bad code re-shows the page with the problem, and adds nothing.
        let resp = app
            .post_form(&admin, "/admin/interests", &[("_csrf", &csrf), ("parent_id", ""), ("slug", "Not A Slug!"), ("name_it", "X"), ("name_en", "X")])
            .await;
        let html = expect_page(resp, 422).await;
        assert!(html.contains("error-summary"), "the error is shown");
        let after = expect_status(app.get(&app.client(), "/api/v1/interests").await, 200).await;
        assert_eq!(after.as_array().unwrap().len(), interests.as_array().unwrap().len());

        let id = bird["id"].as_i64().unwrap();
        let resp = app.post_form(&admin, &format!("/admin/interests/{id}/deprecation"), &[("_csrf", &csrf), ("deprecated", "true")]).await;
        expect_see_other(&resp);
        let interests = expect_status(app.get(&app.client(), "/api/v1/interests").await, 200).await;
        let bird = interests.as_array().unwrap().iter().find(|i| i["id"] == id).cloned().expect("still there, never deleted");
        assert_eq!(bird["deprecated"], true);

        // Non-admins cannot touch the taxonomy.
        let someone = app.signup_verified_user("someone@example.org", "Someone", PASSWORD).await;
        let their_csrf = app.page_csrf(&someone, "/account").await;
        let resp = app.post_form(&someone, &format!("/admin/interests/{id}/deprecation"), &[("_csrf", &their_csrf), ("deprecated", "false")]).await;
        assert_eq!(resp.status().as_u16(), 403);
    }
}
