//! Organizations: creation, visibility while pending, accreditation, suspension, staff invitations.

use crate::helpers::*;
use serde_json::{json, Value};

fn id_of(org: &Value) -> i64 {
    org["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {org}"))
}

async fn public_list(app: &TestApp) -> Value {
    expect_status(app.get(&app.client(), "/api/v1/organizations").await, 200).await
}

async fn invite(
    app: &TestApp,
    client: &reqwest::Client,
    org_id: i64,
    email: &str,
) -> reqwest::Response {
    app.post_json(
        client,
        &format!("/api/v1/organizations/{org_id}/invitations"),
        &json!({"email": email}),
    )
    .await
}

both_backends! {
    async fn creating_an_organization_makes_the_creator_its_owner_while_it_awaits_review(app) {
        let owner = app.signup_verified_user("olivia@example.org", "Olivia", PASSWORD).await;
        let me = app.me_ok(&owner).await;
        let resp = app.post_json(&owner, "/api/v1/organizations", &org_body("Circolo del Tè")).await;
        let org = expect_status(resp, 201).await;

        let sent = org_body("Circolo del Tè");
        for field in ["name", "kind", "description", "address", "phone", "email", "website"] {
            assert_eq!(org[field], sent[field], "field {field} of {org}");
        }
        assert!((org["latitude"].as_f64().unwrap() - sent["latitude"].as_f64().unwrap()).abs() < 1e-9);
        assert!((org["longitude"].as_f64().unwrap() - sent["longitude"].as_f64().unwrap()).abs() < 1e-9);
        assert_eq!(org["status"], "pending");
        assert_eq!(org["my_role"], "owner");
        assert_eq!(
            org["members"],
            json!([{"user_id": me["id"], "display_name": "Olivia", "role": "owner"}])
        );
        assert_eq!(org["decisions"], json!([]));

        let me = app.me_ok(&owner).await;
        let mine = me["organizations"].as_array().expect("organizations");
        assert_eq!(mine.len(), 1, "{me}");
        assert_eq!(mine[0]["id"], org["id"]);
        assert_eq!(mine[0]["name"], "Circolo del Tè");
        assert_eq!(mine[0]["role"], "owner");
        assert_eq!(mine[0]["status"], "pending");
    }

    async fn every_kind_of_organization_can_be_registered(app) {
        let owner = app.signup_verified_user("kim@example.org", "Kim", PASSWORD).await;
        let kinds = [
            "association", "library", "sports_club", "parish", "school", "care_home",
            "social_cooperative", "informal_group", "public_service",
        ];
        for kind in kinds {
            let mut body = org_body(&format!("A {kind}"));
            body["kind"] = json!(kind);
            let org = expect_status(app.post_json(&owner, "/api/v1/organizations", &body).await, 201).await;
            assert_eq!(org["kind"], kind);
        }
        assert_eq!(app.me_ok(&owner).await["organizations"].as_array().unwrap().len(), kinds.len());
    }

    async fn an_organization_with_bad_fields_is_refused_naming_each_field(app) {
        let owner = app.signup_verified_user("rino@example.org", "Rino", PASSWORD).await;
        let mut body = org_body("");
        body["kind"] = json!("casino");
        body["latitude"] = json!(91.0);
        let resp = app.post_json(&owner, "/api/v1/organizations", &body).await;
        let err = expect_error(resp, 422, "validation").await;
        for field in ["name", "kind", "latitude"] {
            assert!(err["error"]["fields"][field].is_string(), "no message for {field}: {err}");
        }

        for (field, value) in [("name", json!("")), ("kind", json!("casino")), ("latitude", json!(91.0)), ("longitude", json!(-181.0))] {
            let mut body = org_body("Valid name");
            body[field] = value;
            let resp = app.post_json(&owner, "/api/v1/organizations", &body).await;
            let err = expect_error(resp, 422, "validation").await;
            assert!(err["error"]["fields"][field].is_string(), "no message for {field}: {err}");
        }
        assert_eq!(app.me_ok(&owner).await["organizations"], json!([]), "a refused organization was created");
    }

    async fn signed_out_visitors_cannot_register_an_organization(app) {
        let resp = app.post_json(&app.client(), "/api/v1/organizations", &org_body("Anonymous club")).await;
        expect_error(resp, 401, "unauthorized").await;
    }

    async fn a_pending_organization_is_hidden_from_strangers_and_shown_to_its_owner(app) {
        let owner = app.signup_verified_user("piero@example.org", "Piero", PASSWORD).await;
        let stranger = app.signup_verified_user("sconosciuto@example.org", "Stranger", PASSWORD).await;
        let org = app.create_org(&owner, "Biblioteca di quartiere").await;
        let path = format!("/api/v1/organizations/{}", id_of(&org));

        assert!(!list_contains(&public_list(&app).await, id_of(&org)), "a pending organization is listed publicly");
        expect_error(app.get(&app.client(), &path).await, 404, "not_found").await;
        expect_error(app.get(&stranger, &path).await, 404, "not_found").await;

        let seen = expect_status(app.get(&owner, &path).await, 200).await;
        assert_eq!(seen["status"], "pending");
        assert_eq!(seen["my_role"], "owner");
    }

    async fn an_organization_accredited_by_an_admin_is_public_with_the_decision_recorded(app) {
        let owner = app.signup_verified_user("marta@example.org", "Marta", PASSWORD).await;
        let org = app.create_org(&owner, "Bocciofila Lambrate").await;
        let id = id_of(&org);
        let admin = app.admin_client().await;
        let admin_name = app.me_ok(&admin).await["display_name"].clone();

        let pending = expect_status(app.get(&admin, "/api/v1/admin/organizations?status=pending").await, 200).await;
        assert!(list_contains(&pending, id), "the admin does not see the pending organization: {pending}");
        expect_status(app.get(&admin, &format!("/api/v1/organizations/{id}")).await, 200).await;

        let mails_before = app.mails_to("marta@example.org").len();
        let view = expect_status(app.decide_org(&admin, id, "accredit", "Known to the municipality").await, 200).await;
        assert_eq!(view["status"], "accredited");
        let decisions = view["decisions"].as_array().expect("decisions");
        assert_eq!(decisions.len(), 1, "{view}");
        assert_eq!(decisions[0]["decision"], "accredit");
        assert_eq!(decisions[0]["decided_by"], admin_name);
        let decided_at = decisions[0]["decided_at"].as_str().expect("decided_at");
        assert!(
            chrono::DateTime::parse_from_rfc3339(decided_at).is_ok()
                || chrono::NaiveDateTime::parse_from_str(decided_at, "%Y-%m-%dT%H:%M:%S%.f").is_ok(),
            "decided_at is not a timestamp: {decided_at}"
        );

        // Public now, for everybody.
        assert!(list_contains(&public_list(&app).await, id));
        let public = expect_status(app.get(&app.client(), &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(public["status"], "accredited");
        assert_eq!(public["name"], "Bocciofila Lambrate");

        let pending = expect_status(app.get(&admin, "/api/v1/admin/organizations?status=pending").await, 200).await;
        assert!(!list_contains(&pending, id), "an accredited organization is still pending: {pending}");

        // The owner is told, in a mail that names the organization.
        app.wait_for_new_mail_containing("marta@example.org", "Bocciofila Lambrate", mails_before).await;
        assert_eq!(app.me_ok(&owner).await["organizations"][0]["status"], "accredited");
    }

    async fn suspending_an_organization_needs_a_reason_and_takes_it_off_the_list(app) {
        let owner = app.signup_verified_user("fabio@example.org", "Fabio", PASSWORD).await;
        let (org, admin) = app.accredited_org(&owner, "Coro San Luigi").await;
        let id = id_of(&org);

        let err = expect_error(app.decide_org(&admin, id, "suspend", "").await, 422, "validation").await;
        assert!(err["error"]["fields"]["reason"].is_string(), "{err}");
        let err = expect_error(app.decide_org(&admin, id, "suspend", "   ").await, 422, "validation").await;
        assert!(err["error"]["fields"]["reason"].is_string(), "{err}");
        assert!(list_contains(&public_list(&app).await, id), "a refused suspension took effect");

        let view = expect_status(app.decide_org(&admin, id, "suspend", "Complaints from residents").await, 200).await;
        assert_eq!(view["status"], "suspended");
        let last = view["decisions"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["decision"], "suspend");
        assert_eq!(last["reason"], "Complaints from residents");

        assert!(!list_contains(&public_list(&app).await, id), "a suspended organization is still listed");
        expect_error(app.get(&app.client(), &format!("/api/v1/organizations/{id}")).await, 404, "not_found").await;
        let seen = expect_status(app.get(&owner, &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(seen["status"], "suspended");

        let view = expect_status(app.decide_org(&admin, id, "reinstate", "Resolved").await, 200).await;
        assert_eq!(view["status"], "accredited");
        assert!(list_contains(&public_list(&app).await, id));
    }

    async fn rejecting_an_organization_needs_a_reason_that_its_owner_can_read(app) {
        let owner = app.signup_verified_user("gemma@example.org", "Gemma", PASSWORD).await;
        let org = app.create_org(&owner, "Gruppo senza sede").await;
        let id = id_of(&org);
        let admin = app.admin_client().await;

        let err = expect_error(app.decide_org(&admin, id, "reject", "").await, 422, "validation").await;
        assert!(err["error"]["fields"]["reason"].is_string(), "{err}");

        expect_status(app.decide_org(&admin, id, "reject", "The address does not exist").await, 200).await;
        let seen = expect_status(app.get(&owner, &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(seen["status"], "rejected");
        assert_eq!(seen["decisions"][0]["decision"], "reject");
        assert_eq!(seen["decisions"][0]["reason"], "The address does not exist");
        assert!(!list_contains(&public_list(&app).await, id));
    }

    async fn decisions_that_do_not_fit_the_current_status_are_refused(app) {
        let owner = app.signup_verified_user("leo@example.org", "Leo", PASSWORD).await;
        let admin = app.admin_client().await;
        // How to bring a new organization to each status with allowed decisions.
        let paths: [(&str, &[&str]); 4] = [
            ("pending", &[]),
            ("accredited", &["accredit"]),
            ("suspended", &["accredit", "suspend"]),
            ("rejected", &["reject"]),
        ];
        let refused: [(&str, &[&str]); 4] = [
            ("pending", &["suspend", "reinstate"]),
            ("accredited", &["accredit", "reject", "reinstate"]),
            ("suspended", &["suspend", "accredit", "reject"]),
            // A rejected request may be reconsidered (accredit), nothing else.
            ("rejected", &["suspend", "reinstate", "reject"]),
        ];
        let mut wrong = Vec::new();
        for (status, decisions) in refused {
            let steps = paths.iter().find(|(s, _)| *s == status).unwrap().1;
            for decision in decisions {
                let org = app.create_org(&owner, &format!("{status} then {decision}")).await;
                let id = id_of(&org);
                for step in steps {
                    expect_status(app.decide_org(&admin, id, step, "A reason").await, 200).await;
                }
                let resp = app.decide_org(&admin, id, decision, "A reason").await;
                let code = resp.status().as_u16();
                let seen = expect_status(app.get(&owner, &format!("/api/v1/organizations/{id}")).await, 200).await;
                if code != 422 || seen["status"] != status || seen["decisions"].as_array().unwrap().len() != steps.len() {
                    wrong.push(format!(
                        "{decision} on a {status} organization: answered {code}, now {} with {} decisions",
                        seen["status"],
                        seen["decisions"].as_array().unwrap().len()
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "decisions that should be refused with 422:\n{}", wrong.join("\n"));
    }

    async fn an_owner_invites_staff_who_join_through_the_mailed_link(app) {
        let owner = app.signup_verified_user("owner@example.org", "Owner", PASSWORD).await;
        let org = app.create_org(&owner, "Parrocchia San Marco").await;
        let id = id_of(&org);

        expect_status(invite(&app, &owner, id, "helper@example.org").await, 201).await;
        let token = app.wait_for_link("helper@example.org", "/invitations/accept").await;

        let helper = app.signup_verified_user("helper@example.org", "Helper", PASSWORD).await;
        let view = expect_status(
            app.post_json(&helper, "/api/v1/invitations/accept", &json!({"token": token})).await,
            200,
        )
        .await;
        assert_eq!(view["id"], json!(id));
        assert_eq!(view["my_role"], "staff");

        // Staff see their (still pending) organization, and the owner sees them as staff.
        let seen = expect_status(app.get(&helper, &format!("/api/v1/organizations/{id}")).await, 200).await;
        assert_eq!(seen["my_role"], "staff");
        let me = app.me_ok(&helper).await;
        assert_eq!(me["organizations"][0]["id"], json!(id));
        assert_eq!(me["organizations"][0]["role"], "staff");
        let owners_view = expect_status(app.get(&owner, &format!("/api/v1/organizations/{id}")).await, 200).await;
        let members = owners_view["members"].as_array().unwrap();
        assert!(
            members.iter().any(|m| m["user_id"] == me["id"] && m["role"] == "staff" && m["display_name"] == "Helper"),
            "{owners_view}"
        );
    }

    async fn an_invitation_can_be_accepted_only_by_the_invited_address(app) {
        let owner = app.signup_verified_user("capo@example.org", "Capo", PASSWORD).await;
        let org = app.create_org(&owner, "Centro anziani").await;
        let id = id_of(&org);
        expect_status(invite(&app, &owner, id, "invited@example.org").await, 201).await;
        let token = app.wait_for_link("invited@example.org", "/invitations/accept").await;

        let resp = app.post_json(&app.client(), "/api/v1/invitations/accept", &json!({"token": token})).await;
        expect_error(resp, 401, "unauthorized").await;
        let other = app.signup_verified_user("other@example.org", "Other", PASSWORD).await;
        let resp = app.post_json(&other, "/api/v1/invitations/accept", &json!({"token": token})).await;
        expect_error(resp, 403, "forbidden").await;
        expect_error(app.get(&other, &format!("/api/v1/organizations/{id}")).await, 404, "not_found").await;

        let invited = app.signup_verified_user("invited@example.org", "Invited", PASSWORD).await;
        let resp = app.post_json(&invited, "/api/v1/invitations/accept", &json!({"token": token})).await;
        assert_eq!(expect_status(resp, 200).await["my_role"], "staff");
    }

    async fn staff_and_strangers_cannot_invite_people(app) {
        let owner = app.signup_verified_user("boss@example.org", "Boss", PASSWORD).await;
        let (org, _admin) = app.accredited_org(&owner, "Polisportiva").await;
        let id = id_of(&org);
        expect_status(invite(&app, &owner, id, "staff@example.org").await, 201).await;
        let token = app.wait_for_link("staff@example.org", "/invitations/accept").await;
        let staff = app.signup_verified_user("staff@example.org", "Staff", PASSWORD).await;
        expect_status(app.post_json(&staff, "/api/v1/invitations/accept", &json!({"token": token})).await, 200).await;

        expect_error(invite(&app, &staff, id, "friend@example.org").await, 403, "forbidden").await;
        let stranger = app.signup_verified_user("passerby@example.org", "Passerby", PASSWORD).await;
        expect_error(invite(&app, &stranger, id, "friend@example.org").await, 403, "forbidden").await;
        expect_error(invite(&app, &app.client(), id, "friend@example.org").await, 401, "unauthorized").await;

        // Only the owner's invitation went out.
        assert!(app.mails_to("friend@example.org").is_empty(), "a refused invitation was mailed");
    }
}
