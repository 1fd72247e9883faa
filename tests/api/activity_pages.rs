//! The activity pages: the public search (filters, cursor paging), the activity and session
//! pages with their schema.org JSON-LD, and the organizer's forms (new activity, a bad rule,
//! who may edit, cancelling a session).

use crate::helpers::*;
use chrono::{Datelike, Duration, TimeZone, Utc};
use reqwest::Client;
use serde_json::{json, Value};

/// Decodes the entities askama writes, to compare plain text and follow links.
fn decode(html: &str) -> String {
    html_text(html)
        .replace("&#38;", "&")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#43;", "+")
}

async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    expect_page(app.get(client, path).await, 200).await
}

/// The local day `days` from today in Milan, and its weekday (1 = Monday).
fn day_ahead(days: i64) -> (chrono::NaiveDate, u32) {
    let d = Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive()
        + Duration::days(days);
    (d, d.weekday().number_from_monday())
}

/// The UTC offset Milan has at a local time, as it appears in an RFC 3339 date ("+01:00").
fn rome_offset(local: &str) -> String {
    let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap();
    let t = chrono_tz::Europe::Rome
        .from_local_datetime(&naive)
        .earliest()
        .unwrap();
    t.to_rfc3339()[19..].to_string()
}

/// An interest that can be chosen (a child of the taxonomy).
async fn some_interest(app: &TestApp, client: &Client) -> i64 {
    let list = expect_status(app.get(client, "/api/v1/interests").await, 200).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|i| !i["parent_id"].is_null() && i["deprecated"] == false)
        .and_then(|i| i["id"].as_i64())
        .expect("an interest")
}

/// An activity near Piazza del Duomo, created through the JSON API; `extra` overrides fields.
async fn create_activity(app: &TestApp, client: &Client, org: i64, extra: Value) -> Value {
    let interest = some_interest(app, client).await;
    let (day, _) = day_ahead(3);
    let mut body = json!({
        "title": "Camminata del giovedì",
        "description": "Un'ora a passo tranquillo, poi un caffè insieme.",
        "venue_name": "Piazza del Duomo",
        "address": "Piazza del Duomo, Milano",
        "latitude": 45.4650,
        "longitude": 9.1890,
        "starts_at": format!("{}T10:00", day.format("%Y-%m-%d")),
        "duration_minutes": 60,
        "rrule": "",
        "languages": ["it"],
        "interests": [interest],
        "cost_kind": "free",
        "low_barrier": ["welcomer", "come_alone"],
        "wheelchair": "full",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let resp = app
        .post_json(
            client,
            &format!("/api/v1/organizations/{org}/activities"),
            &body,
        )
        .await;
    expect_status(resp, 201).await
}

/// An owner with an accredited organization: (owner client, organization id).
async fn organizer(app: &TestApp, email: &str) -> (Client, i64) {
    let owner = app
        .signup_verified_user(email, "Olga Organizza", PASSWORD)
        .await;
    let (org, _admin) = app.accredited_org(&owner, "Circolo del Duomo").await;
    (owner, org["id"].as_i64().unwrap())
}

/// Every link of a page, decoded.
fn links(html: &str) -> Vec<String> {
    decode(html)
        .split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap_or(rest.len())].to_string())
        .collect()
}

/// The "next page" link of a search page (without its `#results`).
fn next_link(html: &str) -> Option<String> {
    links(html)
        .into_iter()
        .find(|u| u.starts_with("/activities?") && u.contains("cursor="))
        .map(|u| u.split('#').next().unwrap_or(&u).to_string())
}

/// The sessions a search page links to.
fn session_links(html: &str) -> Vec<String> {
    links(html)
        .into_iter()
        .filter(|u| u.starts_with("/sessions/"))
        .collect()
}

/// The JSON-LD of a page.
fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD script") + open.len();
    let end = start
        + html[start..]
            .find("</script>")
            .expect("the end of the script");
    serde_json::from_str(&html[start..end]).expect("JSON-LD is JSON")
}

both_backends! {
    async fn the_search_page_lists_a_published_session_near_the_duomo_and_hides_a_draft(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let published = create_activity(&app, &owner, org, json!({"title": "Camminata pubblica"})).await;
        create_activity(&app, &owner, org, json!({"title": "Bozza segreta", "publish": false})).await;
        let session = published["sessions"][0]["id"].as_i64().unwrap();

        let html = decode(&page(&app, &app.client(), "/activities").await);
        assert!(html.contains("<html lang=\"it\""), "{html}");
        assert!(html.contains("Camminata pubblica"), "the published activity is missing:\n{html}");
        assert!(html.contains(&format!("href=\"/sessions/{session}\"")), "no link to the session:\n{html}");
        assert!(!html.contains("Bozza segreta"), "a draft is listed:\n{html}");
        // Distance in words from the default point, the welcome badges, and the calendar link.
        assert!(html.contains("da Piazza del Duomo"), "{html}");
        assert!(html.contains("Accoglienza all'ingresso"), "{html}");
        assert!(html.contains("href=\"/calendar.ics?lat=45.4642&lon=9.19&radius_m=2000\""), "{html}");

        // Also without a session's owner: the draft's own page is not public.
        let drafts = expect_status(app.get(&owner, &format!("/api/v1/organizations/{org}/activities")).await, 200).await;
        let draft = drafts.as_array().unwrap().iter().find(|a| a["title"] == "Bozza segreta").unwrap();
        let draft_id = draft["id"].as_i64().unwrap();
        expect_page(app.get(&app.client(), &format!("/activities/{draft_id}")).await, 404).await;
        let own = page(&app, &owner, &format!("/activities/{draft_id}")).await;
        assert!(own.contains("status-draft"), "the member sees the draft with its status:\n{own}");
    }

    async fn filters_narrow_the_results(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let (soon, soon_weekday) = day_ahead(2);
        let (later, later_weekday) = day_ahead(4);
        create_activity(&app, &owner, org, json!({
            "title": "Carte gratis",
            "starts_at": format!("{}T15:00", soon.format("%Y-%m-%d")),
        })).await;
        create_activity(&app, &owner, org, json!({
            "title": "Corso a pagamento",
            "starts_at": format!("{}T15:00", later.format("%Y-%m-%d")),
            "cost_kind": "amount",
            "cost_cents": 500,
        })).await;

        let all = decode(&page(&app, &app.client(), "/activities?place=duomo").await);
        assert!(all.contains("Carte gratis") && all.contains("Corso a pagamento"), "{all}");
        assert!(all.contains("€ 5,00"), "the price is not shown in words:\n{all}");

        let free = decode(&page(&app, &app.client(), "/activities?place=duomo&free=true").await);
        assert!(free.contains("Carte gratis"), "{free}");
        assert!(!free.contains("Corso a pagamento"), "a paid activity passed the free filter:\n{free}");
        assert!(free.contains("id=\"free\" name=\"free\" value=\"true\" checked"), "the filter is not kept:\n{free}");

        let day = decode(&page(&app, &app.client(), &format!("/activities?place=duomo&weekday={later_weekday}")).await);
        assert!(day.contains("Corso a pagamento"), "{day}");
        if soon_weekday != later_weekday {
            assert!(!day.contains("Carte gratis"), "the weekday filter let another day through:\n{day}");
        }

        // Nothing found: an empty state with a way to look further.
        let none = decode(&page(&app, &app.client(), "/activities?place=duomo&radius_m=500&q=nessunaparolacosi").await);
        assert!(none.contains("Non abbiamo trovato incontri"), "{none}");
        assert!(none.contains("radius_m=1000"), "no suggestion to widen the radius:\n{none}");

        // A typo is an error next to the field, not a bare 400.
        let resp = app.get(&app.client(), "/activities?place=point&lat=nord&lon=9.19").await;
        let html = expect_page(resp, 422).await;
        assert!(html.contains("id=\"lat-error\""), "{html}");
        assert!(html.contains("error-summary"), "{html}");
    }

    async fn the_next_page_link_carries_the_cursor_and_the_filters(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let (day, _) = day_ahead(1);
        create_activity(&app, &owner, org, json!({
            "title": "Gruppo di lettura",
            "starts_at": format!("{}T18:00", day.format("%Y-%m-%d")),
            "rrule": "FREQ=DAILY;COUNT=5",
        })).await;

        let first = page(&app, &app.client(), "/activities?place=duomo&free=true&limit=2").await;
        let next = next_link(&first).unwrap_or_else(|| panic!("no next-page link:\n{first}"));
        assert!(next.contains("free=true") && next.contains("limit=2"), "the filters are lost: {next}");
        let first_sessions = session_links(&first);
        assert_eq!(first_sessions.len(), 2, "{first}");

        let second = page(&app, &app.client(), &next).await;
        assert!(second.contains("Gruppo di lettura"), "{second}");
        let second_sessions = session_links(&second);
        assert_eq!(second_sessions.len(), 2, "{second}");
        for link in &first_sessions {
            assert!(!second_sessions.contains(link), "{link} is on both pages");
        }
        assert!(decode(&second).contains("Torna alla prima pagina"), "{second}");
        // Five sessions, two per page: a third page, and no fourth.
        let third_url = next_link(&second).expect("a third page");
        let third = page(&app, &app.client(), &third_url).await;
        assert!(next_link(&third).is_none(), "a page after the last one:\n{third}");
    }

    async fn the_activity_page_has_json_ld_with_an_offset_and_speaks_english(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let a = create_activity(&app, &owner, org, json!({
            "title": "Tea </script><b>& biscuits</b>",
            "rrule": "FREQ=WEEKLY",
            "cost_kind": "amount",
            "cost_cents": 250,
            "capacity": 12,
            "languages": ["it", "en"],
        })).await;
        let id = a["id"].as_i64().unwrap();
        let starts = a["sessions"][0]["starts_at_local"].as_str().unwrap().to_string();

        let resp = app.client().get(app.url(&format!("/activities/{id}"))).header("Accept-Language", "en-GB,en;q=0.9").send().await.unwrap();
        let html = expect_page(resp, 200).await;
        assert!(html.contains("<html lang=\"en\""), "{html}");
        assert!(!html.contains("</script><b>"), "the title broke out of the page:\n{html}");
        let ld = json_ld(&html);
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "EventSeries");
        assert_eq!(ld["name"], "Tea </script><b>& biscuits</b>");
        let start = ld["startDate"].as_str().unwrap();
        let local = &a["starts_at"].as_str().unwrap()[..16];
        let offset = rome_offset(local);
        assert!(start.ends_with(&offset), "startDate {start} has no {offset} offset");
        assert_eq!(start, starts, "startDate is not the next session");
        let month: u32 = local[5..7].parse().unwrap();
        if [11, 12, 1, 2].contains(&month) {
            assert!(start.ends_with("+01:00"), "winter time in Milan is +01:00: {start}");
        }
        assert_eq!(ld["location"]["@type"], "Place");
        assert_eq!(ld["location"]["geo"]["latitude"], 45.465);
        assert_eq!(ld["location"]["address"]["streetAddress"], "Piazza del Duomo, Milano");
        assert_eq!(ld["organizer"]["name"], "Circolo del Duomo");
        assert_eq!(ld["offers"]["price"], "2.50");
        assert_eq!(ld["offers"]["priceCurrency"], "EUR");
        assert_eq!(ld["isAccessibleForFree"], false);
        assert_eq!(ld["inLanguage"], json!(["it", "en"]));
        assert_eq!(ld["eventStatus"], "https://schema.org/EventScheduled");
        assert_eq!(ld["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode");
        // What a person needs: the price, the map, the calendar, the rule in words.
        let text = decode(&html);
        assert!(text.contains("€2.50"), "{text}");
        assert!(text.contains("https://www.openstreetmap.org/?mlat=45.465&mlon=9.189#map=17/45.465/9.189"), "{text}");
        assert!(text.contains(&format!("href=\"/activities/{id}.ics\"")), "{text}");
        assert!(text.contains("Every "), "the weekly rule is not in words:\n{text}");
        assert!(text.contains("Someone welcomes newcomers at the door."), "{text}");

        // The session page: an Event with its own times and the seats.
        let sid = a["sessions"][0]["id"].as_i64().unwrap();
        let html = page(&app, &app.client(), &format!("/sessions/{sid}")).await;
        let ld = json_ld(&html);
        assert_eq!(ld["@type"], "Event");
        assert_eq!(ld["startDate"], starts.as_str());
        assert!(ld["endDate"].as_str().unwrap().ends_with(&offset), "{ld}");
        assert_eq!(ld["maximumAttendeeCapacity"], 12);
        assert_eq!(ld["remainingAttendeeCapacity"], 12);
        assert!(html.contains(&format!("href=\"/sessions/{sid}.ics\"")), "{html}");
    }

    async fn a_member_creates_an_activity_through_the_form(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let interest = some_interest(&app, &owner).await.to_string();
        let path = format!("/organizations/{org}/activities/new");
        let csrf = app.page_csrf(&owner, &path).await;
        let (day, _) = day_ahead(5);
        let starts = format!("{}T09:30", day.format("%Y-%m-%d"));
        let holiday = (day + Duration::days(14)).format("%Y-%m-%d").to_string();
        let form: Vec<(&str, &str)> = vec![
            ("_csrf", csrf.as_str()),
            ("title", "Orto condiviso"),
            ("description", "Coltiviamo insieme."),
            ("venue_name", "Orto di via Padova"),
            ("address", "Via Padova 21, Milano"),
            ("latitude", "45,4969"),
            ("longitude", "9.2241"),
            ("starts_at", &starts),
            ("duration_minutes", "90"),
            ("repetition", "weekly"),
            ("weekdays", "TU"),
            ("weekdays", "SA"),
            ("exdates", &holiday),
            ("capacity", ""),
            ("cost_kind", "pay_what_you_can"),
            ("cost_help", "1"),
            ("languages", "it"),
            ("languages", "ar"),
            ("languages_other", "uk"),
            ("wheelchair", "partial"),
            ("accessibility", "seating"),
            ("low_barrier", "welcomer"),
            ("low_barrier", "come_alone"),
            ("audience", "newcomers"),
            ("interests", &interest),
            ("action", "publish"),
        ];
        let resp = app.post_form(&owner, &path, &form).await;
        let location = expect_see_other(&resp);
        let id: i64 = path_of(&location).trim_start_matches("/activities/").parse().unwrap_or_else(|_| panic!("redirected to {location}"));
        let html = decode(&page(&app, &owner, &location).await);
        assert!(html.contains("Orto condiviso"), "{html}");
        assert!(html.contains("role=\"status\""), "no notice after saving:\n{html}");

        let a = expect_status(app.get(&owner, &format!("/api/v1/activities/{id}")).await, 200).await;
        assert_eq!(a["status"], "published");
        assert_eq!(a["latitude"], 45.4969);
        assert_eq!(a["rrule"], "FREQ=WEEKLY;BYDAY=TU,SA");
        assert_eq!(a["languages"], json!(["it", "ar", "uk"]));
        assert_eq!(a["low_barrier"], json!(["welcomer", "come_alone"]));
        assert_eq!(a["cost_kind"], "pay_what_you_can");
        assert_eq!(a["cost_help"], true);
        assert_eq!(a["exdates"], json!([format!("{holiday}T09:30")]));

        // The edit form comes back filled in, with the simple choice recognized.
        let edit = decode(&page(&app, &owner, &format!("/activities/{id}/edit")).await);
        assert!(edit.contains("value=\"Orto condiviso\""), "{edit}");
        assert!(edit.contains("id=\"repetition-weekly\" name=\"repetition\" value=\"weekly\" checked"), "{edit}");
        assert!(edit.contains("id=\"weekdays-SA\" name=\"weekdays\" value=\"SA\" checked"), "{edit}");
        assert!(edit.contains(&holiday), "{edit}");
    }

    async fn a_bad_rule_is_shown_next_to_its_field_and_the_title_is_kept(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let interest = some_interest(&app, &owner).await.to_string();
        let path = format!("/organizations/{org}/activities/new");
        let csrf = app.page_csrf(&owner, &path).await;
        let (day, _) = day_ahead(5);
        let starts = format!("{}T09:30", day.format("%Y-%m-%d"));
        let resp = app.post_form(&owner, &path, &[
            ("_csrf", csrf.as_str()),
            ("title", "Tè e chiacchiere"),
            ("venue_name", "Biblioteca"),
            ("address", "Via Padova 21, Milano"),
            ("latitude", "45.4969"),
            ("longitude", "9.2241"),
            ("starts_at", &starts),
            ("duration_minutes", "60"),
            ("repetition", "advanced"),
            ("rrule", "FREQ=SOMETIMES"),
            ("cost_kind", "free"),
            ("languages", "it"),
            ("wheelchair", "no"),
            ("interests", &interest),
        ]).await;
        let html = expect_page(resp, 422).await;
        let text = decode(&html);
        assert!(text.contains("value=\"Tè e chiacchiere\""), "the title is lost:\n{text}");
        assert!(text.contains("value=\"FREQ=SOMETIMES\""), "the rule is lost:\n{text}");
        assert!(text.contains("<p class=\"field-error\" id=\"rrule-error\">"), "no error next to the rule:\n{text}");
        assert!(text.contains("id=\"rrule\" name=\"rrule\" type=\"text\" value=\"FREQ=SOMETIMES\" autocomplete=\"off\" aria-invalid=\"true\""), "{text}");
        assert!(text.contains("href=\"#rrule\""), "the error summary does not point at the rule:\n{text}");
        assert!(text.contains("id=\"repetition-advanced\" name=\"repetition\" value=\"advanced\" checked"), "{text}");
        // Nothing was saved.
        let list = expect_status(app.get(&owner, &format!("/api/v1/organizations/{org}/activities")).await, 200).await;
        assert_eq!(list.as_array().unwrap().len(), 0, "{list}");
    }

    async fn only_members_may_edit(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let a = create_activity(&app, &owner, org, json!({})).await;
        let id = a["id"].as_i64().unwrap();
        let sid = a["sessions"][0]["id"].as_i64().unwrap();
        let stranger = app.signup_verified_user("sara@example.org", "Sara Sconosciuta", PASSWORD).await;
        for path in [
            format!("/activities/{id}/edit"),
            format!("/organizations/{org}/activities/new"),
            format!("/sessions/{sid}/edit"),
            format!("/activities/{id}/cancel"),
        ] {
            expect_page(app.get(&stranger, &path).await, 403).await;
        }
        // Posting is refused too, and a stranger sees no organizer tools.
        let csrf = app.page_csrf(&stranger, &format!("/activities/{id}")).await;
        let resp = app.post_form(&stranger, &format!("/activities/{id}/status"), &[("_csrf", csrf.as_str()), ("status", "paused")]).await;
        expect_page(resp, 403).await;
        let html = page(&app, &stranger, &format!("/activities/{id}")).await;
        assert!(!html.contains(&format!("/activities/{id}/edit")), "{html}");
        // Signed out: to the sign-in page.
        let resp = app.get(&app.client(), &format!("/activities/{id}/edit")).await;
        assert!(expect_see_other(&resp).starts_with("/signin?next="));
        // The owner has the tools.
        let html = page(&app, &owner, &format!("/activities/{id}")).await;
        assert!(html.contains(&format!("href=\"/activities/{id}/edit\"")), "{html}");
        assert!(html.contains(&format!("href=\"/sessions/{sid}/edit\"")), "{html}");
    }

    async fn a_cancelled_session_page_says_so(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let a = create_activity(&app, &owner, org, json!({"rrule": "FREQ=WEEKLY"})).await;
        let sid = a["sessions"][0]["id"].as_i64().unwrap();
        let other = a["sessions"][1]["id"].as_i64().unwrap();
        let edit = format!("/sessions/{sid}/edit");
        let form = page(&app, &owner, &edit).await;
        let csrf = csrf_of(&form).unwrap();
        let starts = attribute_of_tag_with(&form, "id=\"starts_at\"", "value").unwrap();
        let resp = app.post_form(&owner, &edit, &[
            ("_csrf", csrf.as_str()),
            ("status", "cancelled"),
            ("starts_at", &starts),
            ("duration_minutes", "60"),
            ("note", "Il parco è chiuso per lavori."),
        ]).await;
        assert_eq!(path_of(&expect_see_other(&resp)), format!("/sessions/{sid}"));

        let html = page(&app, &app.client(), &format!("/sessions/{sid}")).await;
        let text = decode(&html);
        assert!(text.contains("class=\"notice cancelled\""), "{text}");
        assert!(text.contains("Questo incontro è annullato"), "{text}");
        assert!(text.contains("Il parco è chiuso per lavori."), "{text}");
        assert_eq!(json_ld(&html)["eventStatus"], "https://schema.org/EventCancelled");
        // The other sessions still take place, and the search no longer lists the cancelled one.
        let html = page(&app, &app.client(), &format!("/sessions/{other}")).await;
        assert!(!html.contains("notice cancelled"), "{html}");
        let search = decode(&page(&app, &app.client(), "/activities?place=duomo").await);
        assert!(!search.contains(&format!("href=\"/sessions/{sid}\"")), "{search}");
        assert!(search.contains(&format!("href=\"/sessions/{other}\"")), "{search}");
    }

    async fn a_moved_session_says_when_it_usually_is(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let a = create_activity(&app, &owner, org, json!({"rrule": "FREQ=WEEKLY"})).await;
        let sid = a["sessions"][0]["id"].as_i64().unwrap();
        let usual = a["sessions"][0]["starts_at_local"].as_str().unwrap().to_string();
        let edit = format!("/sessions/{sid}/edit");
        let form = page(&app, &owner, &edit).await;
        let csrf = csrf_of(&form).unwrap();
        let starts = attribute_of_tag_with(&form, "id=\"starts_at\"", "value").unwrap();
        let moved = format!("{}T16:30", &starts[..10]);
        let resp = app.post_form(&owner, &edit, &[
            ("_csrf", csrf.as_str()),
            ("status", "scheduled"),
            ("starts_at", &moved),
            ("duration_minutes", "90"),
            ("note", ""),
        ]).await;
        assert_eq!(path_of(&expect_see_other(&resp)), format!("/sessions/{sid}"));

        let html = page(&app, &app.client(), &format!("/sessions/{sid}")).await;
        let text = decode(&html);
        assert!(text.contains("16:30–18:00"), "the new time is not shown:\n{text}");
        assert!(text.contains("Questo incontro è stato spostato. Di solito:"), "{text}");
        let ld = json_ld(&html);
        assert_eq!(ld["eventStatus"], "https://schema.org/EventRescheduled");
        assert_eq!(ld["previousStartDate"], usual.as_str());
        assert!(ld["startDate"].as_str().unwrap().starts_with(&moved), "{ld}");

        // A bad time is refused next to its field, keeping what was typed.
        let resp = app.post_form(&owner, &edit, &[
            ("_csrf", csrf.as_str()),
            ("status", "scheduled"),
            ("starts_at", "domani"),
            ("duration_minutes", "2"),
        ]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(html.contains("id=\"starts_at-error\""), "{html}");
        assert!(html.contains("id=\"duration_minutes-error\""), "{html}");
        assert!(html.contains("value=\"domani\""), "{html}");
    }

    async fn cancelling_an_activity_asks_for_confirmation_first(app) {
        let (owner, org) = organizer(&app, "olga@example.org").await;
        let a = create_activity(&app, &owner, org, json!({"rrule": "FREQ=WEEKLY"})).await;
        let id = a["id"].as_i64().unwrap();
        let csrf = app.page_csrf(&owner, &format!("/activities/{id}")).await;
        let status = format!("/activities/{id}/status");

        let resp = app.post_form(&owner, &status, &[("_csrf", csrf.as_str()), ("status", "paused")]).await;
        assert_eq!(expect_see_other(&resp), format!("/activities/{id}?done=paused"));
        let resp = app.post_form(&owner, &status, &[("_csrf", csrf.as_str()), ("status", "published")]).await;
        assert_eq!(expect_see_other(&resp), format!("/activities/{id}?done=published"));

        let resp = app.post_form(&owner, &status, &[("_csrf", csrf.as_str()), ("status", "cancelled")]).await;
        assert_eq!(expect_see_other(&resp), format!("/activities/{id}/cancel"));
        let confirm = page(&app, &owner, &format!("/activities/{id}/cancel")).await;
        assert!(confirm.contains("name=\"confirm\" value=\"yes\""), "{confirm}");
        let resp = app.post_form(&owner, &status, &[("_csrf", csrf.as_str()), ("status", "cancelled"), ("confirm", "yes")]).await;
        assert_eq!(expect_see_other(&resp), format!("/activities/{id}?done=cancelled"));

        let html = page(&app, &app.client(), &format!("/activities/{id}")).await;
        assert!(html.contains("notice cancelled"), "{html}");
        assert_eq!(json_ld(&html)["eventStatus"], "https://schema.org/EventCancelled");
        expect_page(app.get(&owner, &format!("/activities/{id}/edit")).await, 409).await;
    }
}
