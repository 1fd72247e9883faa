//! Publishing activities: a weekly series with an exception date and sessions edited on their
//! own, editing the rule, the rolling horizon, daylight saving, the status life-cycle, who may
//! publish, bad input, and the interest taxonomy.
//!
//! Dates are relative to today in Milan, so the tests never rot. The helpers at the top are
//! shared with `discovery.rs`.

use crate::helpers::*;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use reqwest::{Client, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by discovery.rs)
// ---------------------------------------------------------------------------------------------

/// The city's time zone in the test settings.
pub const ROME: Tz = chrono_tz::Europe::Rome;

/// Today in Milan.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&ROME).date_naive()
}

/// The first `weekday` after today in Milan (never today itself).
pub fn next_weekday(weekday: Weekday) -> NaiveDate {
    first_on_or_after(today() + Duration::days(1), weekday)
}

/// The first `weekday` on or after `day`.
pub fn first_on_or_after(day: NaiveDate, weekday: Weekday) -> NaiveDate {
    let mut d = day;
    while d.weekday() != weekday {
        d += Duration::days(1);
    }
    d
}

/// A wall-clock time in Milan.
pub fn at(day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, minute, 0)
        .expect("a valid time of day")
}

/// `YYYY-MM-DDTHH:MM`, the way the API takes local times.
pub fn local_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// `YYYY-MM-DD`, the way searches take days.
pub fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A Milan wall-clock time as an instant.
pub fn utc_of(t: NaiveDateTime) -> DateTime<Utc> {
    ROME.from_local_datetime(&t)
        .earliest()
        .unwrap_or_else(|| panic!("{t} does not exist in Milan"))
        .with_timezone(&Utc)
}

/// A UTC timestamp of a response (`starts_at`, `ends_at`).
pub fn instant(v: &Value) -> DateTime<Utc> {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected a timestamp, got {v}"));
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// The wall-clock time of a `starts_at_local` (RFC 3339 with the local offset).
pub fn wall_clock(v: &Value) -> NaiveDateTime {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected a local timestamp, got {v}"));
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s} is not RFC 3339: {e}"))
        .naive_local()
}

/// The `id` of a JSON object.
pub fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// An hour of the day at least three hours away from the current time in Milan, so that a
/// session at that hour never sits on the edge of the rolling horizon (which moves with the
/// clock).
pub fn hour_away_from_now() -> u32 {
    let h = Utc::now().with_timezone(&ROME).hour();
    if (7..=13).contains(&h) {
        18
    } else {
        10
    }
}

/// Wall-clock times from `first`, every `step`, while they start before `until`.
pub fn every(first: NaiveDateTime, step: Duration, until: DateTime<Utc>) -> Vec<NaiveDateTime> {
    let mut out = Vec::new();
    let mut t = first;
    while utc_of(t) < until {
        out.push(t);
        t += step;
    }
    out
}

/// A valid activity at Piazza del Duomo, 90 minutes long, free, in Italian.
pub fn draft(title: &str, starts_at: NaiveDateTime, rrule: &str, interests: &[i64]) -> Value {
    json!({
        "title": title,
        "description": "Un giro lento in compagnia, al passo di tutti.",
        "venue_name": "Piazza del Duomo",
        "address": "Piazza del Duomo, 20122 Milano",
        "latitude": 45.4642,
        "longitude": 9.1900,
        "starts_at": local_text(starts_at),
        "duration_minutes": 90,
        "rrule": rrule,
        "exdates": [],
        "capacity": null,
        "cost_kind": "free",
        "cost_cents": 0,
        "cost_help": false,
        "languages": ["it"],
        "wheelchair": "partial",
        "accessibility": ["step_free"],
        "low_barrier": ["drop_in"],
        "practical": {
            "meeting_point": "Sotto la statua di Vittorio Emanuele",
            "what_to_expect": "Un'ora di cammino e un caffè",
            "what_to_bring": "Scarpe comode"
        },
        "audience": ["all_ages"],
        "contact_phone": "+39 02 1234567",
        "contact_email": "cammino@example.org",
        "interests": interests,
    })
}

/// An organizer, signed in, with an accredited organization; and the admin who accredited it.
pub struct Publisher {
    pub client: Client,
    pub org_id: i64,
    pub org_name: String,
    pub admin: Client,
}

impl Publisher {
    pub async fn new(app: &TestApp, email: &str, org_name: &str) -> Publisher {
        let client = app.signup_verified_user(email, "Organizer", PASSWORD).await;
        let (org, admin) = app.accredited_org(&client, org_name).await;
        Publisher {
            client,
            org_id: id_of(&org),
            org_name: org_name.to_string(),
            admin,
        }
    }

    /// Publishes (or drafts) an activity; panics unless 201.
    pub async fn create(&self, app: &TestApp, body: &Value) -> Value {
        expect_status(
            post_activity(app, &self.client, self.org_id, body).await,
            201,
        )
        .await
    }
}

pub async fn post_activity(app: &TestApp, client: &Client, org_id: i64, body: &Value) -> Response {
    app.post_json(
        client,
        &format!("/api/v1/organizations/{org_id}/activities"),
        body,
    )
    .await
}

pub async fn put_activity(app: &TestApp, client: &Client, id: i64, body: &Value) -> Response {
    client
        .put(app.url(&format!("/api/v1/activities/{id}")))
        .json(body)
        .send()
        .await
        .expect("PUT failed")
}

pub async fn get_activity(app: &TestApp, client: &Client, id: i64) -> Response {
    app.get(client, &format!("/api/v1/activities/{id}")).await
}

pub async fn set_status(app: &TestApp, client: &Client, id: i64, status: &str) -> Response {
    app.post_json(
        client,
        &format!("/api/v1/activities/{id}/status"),
        &json!({ "status": status }),
    )
    .await
}

pub async fn edit_session(app: &TestApp, client: &Client, id: i64, body: &Value) -> Response {
    app.patch_json(client, &format!("/api/v1/sessions/{id}"), body)
        .await
}

/// The taxonomy as listed publicly.
pub async fn taxonomy(app: &TestApp) -> Vec<Value> {
    let list = expect_status(app.get(&app.client(), "/api/v1/interests").await, 200).await;
    list.as_array()
        .unwrap_or_else(|| panic!("the interests are not a list: {list}"))
        .clone()
}

/// Interest ids by slug.
pub async fn interest_ids(app: &TestApp) -> HashMap<String, i64> {
    taxonomy(app)
        .await
        .iter()
        .map(|i| (i["slug"].as_str().expect("slug").to_string(), id_of(i)))
        .collect()
}

/// The id of the interest `slug`.
pub async fn interest(app: &TestApp, slug: &str) -> i64 {
    *interest_ids(app)
        .await
        .get(slug)
        .unwrap_or_else(|| panic!("no interest {slug}"))
}

/// An anonymous search; panics unless 200.
pub async fn search(app: &TestApp, query: &str) -> Value {
    let resp = app
        .get(&app.client(), &format!("/api/v1/sessions?{query}"))
        .await;
    expect_status(resp, 200).await
}

/// The session ids of a search page, in order.
pub fn item_ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {page}"))
        .iter()
        .map(id_of)
        .collect()
}

/// The sessions listed with an activity.
pub fn sessions(view: &Value) -> Vec<Value> {
    view["sessions"]
        .as_array()
        .unwrap_or_else(|| panic!("no sessions in {view}"))
        .clone()
}

/// Asserts the sessions of an activity start at exactly these wall-clock times, each lasting
/// `minutes`, scheduled and not edited on its own.
fn assert_series(view: &Value, expected: &[NaiveDateTime], minutes: i64) {
    let got = sessions(view);
    let got_times: Vec<NaiveDateTime> = got
        .iter()
        .map(|s| wall_clock(&s["starts_at_local"]))
        .collect();
    assert_eq!(got_times, expected, "sessions of {}", view["title"]);
    for (s, t) in got.iter().zip(expected) {
        assert_eq!(instant(&s["starts_at"]), utc_of(*t), "{s}");
        assert_eq!(
            instant(&s["ends_at"]) - instant(&s["starts_at"]),
            Duration::minutes(minutes),
            "{s}"
        );
        assert_eq!(s["status"], "scheduled", "{s}");
        assert_eq!(s["is_override"], false, "{s}");
        assert_eq!(s["activity_id"], view["id"], "{s}");
    }
}

/// The ids of the sessions whose wall-clock day lies in `[from, to]`.
fn ids_between(list: &[Value], from: NaiveDate, to: NaiveDate) -> Vec<i64> {
    list.iter()
        .filter(|s| (from..=to).contains(&wall_clock(&s["starts_at_local"]).date()))
        .map(id_of)
        .collect()
}

/// The last Sunday of a month (when Europe changes its clocks in March and October).
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("a valid date");
    let mut d = next_month - Duration::days(1);
    while d.weekday() != Weekday::Sun {
        d -= Duration::days(1);
    }
    d
}

/// The next change of clocks in `month` (3 or 10) at least a week away.
fn next_clock_change(month: u32) -> NaiveDate {
    let t = today();
    let d = last_sunday(t.year(), month);
    if d > t + Duration::days(7) {
        d
    } else {
        last_sunday(t.year() + 1, month)
    }
}

/// A status, code and named field of a refused request, with `what` in every message.
async fn expect_field_error(resp: Response, field: &str, what: &str) -> Value {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("reading the body");
    assert_eq!(
        status, 422,
        "{what}: expected 422, got {status} with {text}"
    );
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"));
    assert_eq!(body["error"]["code"], "validation", "{what}: {body}");
    assert!(
        body["error"]["fields"][field].is_string(),
        "{what}: field {field} is not named in {body}"
    );
    body
}

/// Search finds these sessions as Tuesday mornings, at 10:00 local time whatever the offset.
async fn assert_found_on_tuesday_mornings(
    app: &TestApp,
    word: &str,
    from: NaiveDate,
    list: &[Value],
) {
    let to = wall_clock(&list[list.len() - 1]["starts_at_local"]).date();
    let page = search(
        app,
        &format!(
            "q={word}&from={}&to={}&weekday=2&time_of_day=morning",
            day_text(from),
            day_text(to)
        ),
    )
    .await;
    assert_eq!(
        item_ids(&page),
        list.iter().map(id_of).collect::<Vec<_>>(),
        "{page}"
    );
    for (item, s) in page["items"].as_array().expect("items").iter().zip(list) {
        assert_eq!(item["starts_at"], s["starts_at"], "{item}");
        assert_eq!(item["starts_at_local"], s["starts_at_local"], "{item}");
    }
}

/// A weekly Tuesday walk at Piazza del Duomo, first on the next Tuesday at `hour`.
async fn tuesday_walk(app: &TestApp, org: &Publisher, hour: u32) -> (Value, NaiveDateTime) {
    let walking = interest(app, "walking-group").await;
    let first = at(next_weekday(Weekday::Tue), hour, 0);
    let view = org
        .create(
            app,
            &draft(
                "Camminata del martedi",
                first,
                "FREQ=WEEKLY;BYDAY=TU",
                &[walking],
            ),
        )
        .await;
    (view, first)
}

both_backends! {
    async fn a_weekly_series_gets_a_session_every_week_except_on_its_exception_date(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = interest(&app, "walking-group").await;
        let hour = hour_away_from_now();
        let first = at(next_weekday(Weekday::Tue), hour, 0);
        let skipped = first + Duration::days(14);
        let horizon_end = Utc::now() + Duration::days(app.state.settings.city.horizon_days);
        let mut body = draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        body["exdates"] = json!([local_text(skipped)]);

        let resp = post_activity(&app, &org.client, org.org_id, &body).await;
        let created_at = location(&resp);
        let view = expect_status(resp, 201).await;
        let id = id_of(&view);
        assert_eq!(created_at, format!("/api/v1/activities/{id}"));
        assert_eq!(view["status"], "published");
        assert_eq!(view["organization_id"], org.org_id);
        assert_eq!(view["organization"], org.org_name);
        assert_eq!(view["title"], "Camminata del martedi");
        assert_eq!(view["starts_at"], local_text(first));
        assert_eq!(view["rrule"], "FREQ=WEEKLY;BYDAY=TU");
        assert_eq!(view["exdates"], json!([local_text(skipped)]));
        assert_eq!(view["timezone"], "Europe/Rome");
        assert_eq!(view["interests"], json!([walking]));
        assert_eq!(view["practical"], body["practical"]);
        assert_eq!(view["area"]["name"], "DUOMO", "{view}");
        assert_eq!(view["district"], json!({"code": "1", "name": "Municipio 1"}), "{view}");

        let expected: Vec<NaiveDateTime> = every(first, Duration::days(7), horizon_end)
            .into_iter()
            .filter(|t| *t != skipped)
            .take(20)
            .collect();
        assert_series(&view, &expected, 90);

        // Anyone sees the same series.
        let public = expect_status(get_activity(&app, &app.client(), id).await, 200).await;
        assert_eq!(public["sessions"], view["sessions"]);

        // Four weeks of search: the first, second and fourth Tuesday, not the skipped third.
        let (from, to) = (first.date(), first.date() + Duration::days(27));
        let page = search(&app, &format!("q=camminata&from={}&to={}", day_text(from), day_text(to))).await;
        let want = ids_between(&sessions(&view), from, to);
        assert_eq!(want.len(), 3, "{view}");
        assert_eq!(item_ids(&page), want, "{page}");
        assert_eq!(page["total"], 3);
    }

    async fn moving_one_session_and_cancelling_another_leaves_the_rest_of_the_series_as_it_was(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let hour = hour_away_from_now();
        let (view, first) = tuesday_walk(&app, &org, hour).await;
        let id = id_of(&view);
        let before = sessions(&view);
        let (moved, cancelled) = (before[1].clone(), before[2].clone());
        assert_eq!(wall_clock(&moved["starts_at_local"]), first + Duration::days(7));

        // The second Tuesday moves to the Wednesday after, an hour and a half later.
        let new_time = at(first.date() + Duration::days(8), hour + 1, 30);
        let note = "Questa settimana ci vediamo il mercoledi";
        let resp = edit_session(&app, &org.client, id_of(&moved),
            &json!({"starts_at": local_text(new_time), "note": note})).await;
        let edited = expect_status(resp, 200).await;
        assert_eq!(edited["id"], moved["id"]);
        assert_eq!(instant(&edited["starts_at"]), utc_of(new_time), "{edited}");
        assert_eq!(wall_clock(&edited["starts_at_local"]), new_time, "{edited}");
        assert_eq!(instant(&edited["ends_at"]), utc_of(new_time) + Duration::minutes(90), "{edited}");
        assert_eq!(edited["is_override"], true);
        assert_eq!(edited["status"], "scheduled");
        assert_eq!(edited["note"], note);

        // The third is cancelled.
        let resp = edit_session(&app, &org.client, id_of(&cancelled), &json!({"status": "cancelled"})).await;
        let off = expect_status(resp, 200).await;
        assert_eq!(off["status"], "cancelled");
        assert_eq!(off["is_override"], true);
        assert_eq!(off["starts_at"], cancelled["starts_at"]);

        let after = sessions(&expect_status(get_activity(&app, &app.client(), id).await, 200).await);
        assert_eq!(after.len(), before.len(), "{after:?}");
        for s in &before {
            let now = after
                .iter()
                .find(|a| a["id"] == s["id"])
                .unwrap_or_else(|| panic!("session {} disappeared", s["id"]));
            if s["id"] == moved["id"] {
                assert_eq!(now, &edited);
            } else if s["id"] == cancelled["id"] {
                assert_eq!(now, &off);
            } else {
                assert_eq!(now, s, "a session nobody edited changed");
            }
        }

        // Search shows the moved session at its new time and not the cancelled one.
        let window = format!("q=camminata&from={}&to={}", day_text(first.date()), day_text(first.date() + Duration::days(20)));
        let page = search(&app, &window).await;
        assert_eq!(item_ids(&page), vec![id_of(&before[0]), id_of(&moved)], "{page}");
        let item = &page["items"][1];
        assert_eq!(instant(&item["starts_at"]), utc_of(new_time));
        assert_eq!(item["note"], note);
        let wednesdays = search(&app, &format!("{window}&weekday=3")).await;
        assert_eq!(item_ids(&wednesdays), vec![id_of(&moved)], "{wednesdays}");
        let tuesdays = search(&app, &format!("{window}&weekday=2")).await;
        assert_eq!(item_ids(&tuesdays), vec![id_of(&before[0])], "{tuesdays}");
    }

    async fn a_session_edit_with_bad_values_is_refused_by_name_and_changes_nothing(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (view, _) = tuesday_walk(&app, &org, hour_away_from_now()).await;
        let session = sessions(&view)[0].clone();
        let sid = id_of(&session);
        let rows = [
            (json!({"starts_at": "next week"}), "starts_at"),
            (json!({"duration_minutes": 0}), "duration_minutes"),
            (json!({"status": "postponed"}), "status"),
            (json!({"note": "x".repeat(501)}), "note"),
        ];
        for (body, field) in rows {
            let resp = edit_session(&app, &org.client, sid, &body).await;
            expect_field_error(resp, field, &body.to_string()).await;
        }
        let stranger = app.signup_verified_user("sara@example.org", "Sara", PASSWORD).await;
        let resp = edit_session(&app, &stranger, sid, &json!({"status": "cancelled"})).await;
        expect_error(resp, 403, "forbidden").await;
        let resp = edit_session(&app, &app.client(), sid, &json!({"status": "cancelled"})).await;
        expect_error(resp, 401, "unauthorized").await;

        let now = expect_status(get_activity(&app, &app.client(), id_of(&view)).await, 200).await;
        assert_eq!(now["sessions"], view["sessions"]);
    }

    async fn changing_the_rule_from_tuesdays_to_thursdays_moves_the_future_sessions(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let hour = hour_away_from_now();
        let horizon = app.state.settings.city.horizon_days;
        let horizon_end = Utc::now() + Duration::days(horizon);
        let (view, first) = tuesday_walk(&app, &org, hour).await;
        let id = id_of(&view);
        let old: Vec<i64> = sessions(&view).iter().map(id_of).collect();
        let everything = format!("q=camminata&from={}&to={}&limit=50", day_text(today()), day_text(today() + Duration::days(horizon)));
        assert_eq!(item_ids(&search(&app, &everything).await), old);

        let thursday = first + Duration::days(2);
        let walking = interest(&app, "walking-group").await;
        let body = draft("Camminata del giovedi", thursday, "FREQ=WEEKLY;BYDAY=TH", &[walking]);
        let edited = expect_status(put_activity(&app, &org.client, id, &body).await, 200).await;
        assert_eq!(edited["title"], "Camminata del giovedi");
        assert_eq!(edited["rrule"], "FREQ=WEEKLY;BYDAY=TH");
        assert_eq!(edited["starts_at"], local_text(thursday));
        assert_eq!(edited["status"], "published");
        let expected: Vec<NaiveDateTime> = every(thursday, Duration::days(7), horizon_end).into_iter().take(20).collect();
        assert_series(&edited, &expected, 90);
        let now: Vec<i64> = sessions(&edited).iter().map(id_of).collect();
        assert!(now.iter().all(|s| !old.contains(s)), "a Tuesday session survived: {edited}");

        let public = expect_status(get_activity(&app, &app.client(), id).await, 200).await;
        assert_eq!(public["sessions"], edited["sessions"]);
        let page = search(&app, &everything).await;
        assert_eq!(item_ids(&page), now, "{page}");
        let tuesdays = search(&app, &format!("{everything}&weekday=2")).await;
        assert_eq!(item_ids(&tuesdays), Vec::<i64>::new(), "{tuesdays}");
    }

    async fn a_session_moved_on_its_own_keeps_its_new_time_when_the_rule_changes(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let hour = hour_away_from_now();
        let horizon = app.state.settings.city.horizon_days;
        let horizon_end = Utc::now() + Duration::days(horizon);
        let (view, first) = tuesday_walk(&app, &org, hour).await;
        let id = id_of(&view);
        let moved = sessions(&view)[1].clone();
        let new_time = at(first.date() + Duration::days(8), hour + 1, 30);
        let resp = edit_session(&app, &org.client, id_of(&moved), &json!({"starts_at": local_text(new_time)})).await;
        let edited_session = expect_status(resp, 200).await;

        let thursday = first + Duration::days(2);
        let walking = interest(&app, "walking-group").await;
        let body = draft("Camminata del martedi", thursday, "FREQ=WEEKLY;BYDAY=TH", &[walking]);
        let edited = expect_status(put_activity(&app, &org.client, id, &body).await, 200).await;

        let mut expected: Vec<NaiveDateTime> = every(thursday, Duration::days(7), horizon_end);
        expected.push(new_time);
        expected.sort();
        expected.truncate(20);
        let got: Vec<NaiveDateTime> = sessions(&edited).iter().map(|s| wall_clock(&s["starts_at_local"])).collect();
        assert_eq!(got, expected, "the Thursdays plus the session moved to Wednesday: {edited}");
        let kept = sessions(&edited)
            .into_iter()
            .find(|s| s["id"] == moved["id"])
            .unwrap_or_else(|| panic!("the moved session {} is gone after the rule changed: {edited}", moved["id"]));
        assert_eq!(kept, edited_session);

        let everything = format!("q=camminata&from={}&to={}&limit=50", day_text(today()), day_text(today() + Duration::days(horizon)));
        let page = search(&app, &everything).await;
        assert!(item_ids(&page).contains(&id_of(&moved)), "the moved session is not found: {page}");
    }

    async fn a_new_duration_reaches_every_session_but_the_one_moved_on_its_own(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let hour = hour_away_from_now();
        let (view, first) = tuesday_walk(&app, &org, hour).await;
        let id = id_of(&view);
        let before = sessions(&view);
        let moved = before[1].clone();
        let new_time = at(first.date() + Duration::days(8), hour + 1, 30);
        let resp = edit_session(&app, &org.client, id_of(&moved), &json!({"starts_at": local_text(new_time)})).await;
        expect_status(resp, 200).await;

        let walking = interest(&app, "walking-group").await;
        let mut body = draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        body["duration_minutes"] = json!(120);
        let edited = expect_status(put_activity(&app, &org.client, id, &body).await, 200).await;
        assert_eq!(edited["duration_minutes"], 120);
        let after = sessions(&edited);
        assert_eq!(
            after.iter().map(id_of).collect::<Vec<_>>(),
            before.iter().map(id_of).collect::<Vec<_>>(),
            "the same sessions, in the same order"
        );
        for (b, a) in before.iter().zip(&after) {
            if a["id"] == moved["id"] {
                assert_eq!(instant(&a["starts_at"]), utc_of(new_time), "{a}");
                assert_eq!(instant(&a["ends_at"]), utc_of(new_time) + Duration::minutes(90), "{a}");
                assert_eq!(a["is_override"], true);
            } else {
                assert_eq!(a["starts_at"], b["starts_at"], "{a}");
                assert_eq!(instant(&a["ends_at"]) - instant(&a["starts_at"]), Duration::minutes(120), "{a}");
            }
        }
    }

    async fn an_exception_date_added_later_removes_that_session_until_it_is_taken_back(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (view, first) = tuesday_walk(&app, &org, hour_away_from_now()).await;
        let id = id_of(&view);
        let before = sessions(&view);
        let skipped = first + Duration::days(14);
        assert_eq!(wall_clock(&before[2]["starts_at_local"]), skipped);
        let walking = interest(&app, "walking-group").await;
        let window = format!("q=camminata&from={}&to={}", day_text(first.date()), day_text(first.date() + Duration::days(27)));

        let mut body = draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        body["exdates"] = json!([local_text(skipped)]);
        let edited = expect_status(put_activity(&app, &org.client, id, &body).await, 200).await;
        assert_eq!(edited["exdates"], json!([local_text(skipped)]));
        let without: Vec<Value> = before.iter().filter(|s| s["id"] != before[2]["id"]).cloned().collect();
        assert_eq!(sessions(&edited), without, "only the excepted session goes, the others stay as they were");
        assert_eq!(item_ids(&search(&app, &window).await), vec![id_of(&before[0]), id_of(&before[1]), id_of(&before[3])]);

        body["exdates"] = json!([]);
        let restored = expect_status(put_activity(&app, &org.client, id, &body).await, 200).await;
        let after = sessions(&restored);
        assert_eq!(
            after.iter().map(|s| wall_clock(&s["starts_at_local"])).collect::<Vec<_>>(),
            before.iter().map(|s| wall_clock(&s["starts_at_local"])).collect::<Vec<_>>(),
        );
        for (a, b) in after.iter().zip(&before) {
            assert_eq!(a["status"], "scheduled", "{a}");
            if b["id"] != before[2]["id"] {
                assert_eq!(a, b, "a session nobody touched changed");
            }
        }
        let found = search(&app, &window).await;
        assert_eq!(found["total"], 4, "{found}");
        assert_eq!(instant(&found["items"][2]["starts_at"]), utc_of(skipped));
    }

    async fn a_daily_series_without_an_end_stops_at_the_horizon(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = interest(&app, "walking-group").await;
        let horizon = app.state.settings.city.horizon_days;
        let first = at(today() + Duration::days(1), hour_away_from_now(), 0);
        let expected = every(first, Duration::days(1), Utc::now() + Duration::days(horizon));
        let view = org.create(&app, &draft("Camminata quotidiana", first, "FREQ=DAILY", &[walking])).await;

        // The page shows the next twenty; search counts them all.
        assert_series(&view, &expected[..20], 90);
        let all = search(&app, &format!("q=quotidiana&from={}&to={}", day_text(today()), day_text(today() + Duration::days(horizon + 10)))).await;
        assert_eq!(all["total"], expected.len(), "a daily series over {horizon} days: {}", all["total"]);

        let last = *expected.last().expect("at least one session");
        let last_day = search(&app, &format!("q=quotidiana&from={0}&to={0}", day_text(last.date()))).await;
        assert_eq!(last_day["total"], 1, "{last_day}");
        assert_eq!(instant(&last_day["items"][0]["starts_at"]), utc_of(last));
        let beyond = search(&app, &format!("q=quotidiana&from={}&to={}", day_text(last.date() + Duration::days(1)), day_text(last.date() + Duration::days(30)))).await;
        assert_eq!(beyond["total"], 0, "sessions beyond the horizon: {beyond}");
    }

    async fn a_weekly_ten_o_clock_series_stays_at_ten_when_the_clocks_go_forward(app: |s| s.city.horizon_days = 430) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = interest(&app, "walking-group").await;
        let change = next_clock_change(3);
        let first = at(change - Duration::days(5), 10, 0);
        assert_eq!(first.weekday(), Weekday::Tue);
        let view = org.create(&app, &draft("Camminata di primavera", first, "FREQ=WEEKLY;BYDAY=TU", &[walking])).await;
        let list = sessions(&view);
        assert!(list.len() >= 4, "{view}");
        for (i, s) in list.iter().take(4).enumerate() {
            let day = first.date() + Duration::days(7 * i as i64);
            // Winter time is UTC+1, summer time UTC+2.
            let (utc_hour, offset) = if day < change { (9, "+01:00") } else { (8, "+02:00") };
            assert_eq!(instant(&s["starts_at"]), Utc.from_utc_datetime(&at(day, utc_hour, 0)), "{s}");
            assert_eq!(s["starts_at_local"], format!("{}T10:00:00{offset}", day_text(day)), "{s}");
        }
        assert_found_on_tuesday_mornings(&app, "primavera", first.date(), &list[..4]).await;
    }

    async fn a_weekly_ten_o_clock_series_stays_at_ten_when_the_clocks_go_back(app: |s| s.city.horizon_days = 430) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = interest(&app, "walking-group").await;
        let change = next_clock_change(10);
        let first = at(change - Duration::days(5), 10, 0);
        let view = org.create(&app, &draft("Camminata d'autunno", first, "FREQ=WEEKLY;BYDAY=TU", &[walking])).await;
        let list = sessions(&view);
        assert!(list.len() >= 4, "{view}");
        for (i, s) in list.iter().take(4).enumerate() {
            let day = first.date() + Duration::days(7 * i as i64);
            let (utc_hour, offset) = if day < change { (8, "+02:00") } else { (9, "+01:00") };
            assert_eq!(instant(&s["starts_at"]), Utc.from_utc_datetime(&at(day, utc_hour, 0)), "{s}");
            assert_eq!(s["starts_at_local"], format!("{}T10:00:00{offset}", day_text(day)), "{s}");
        }
        assert_found_on_tuesday_mornings(&app, "autunno", first.date(), &list[..4]).await;
    }

    async fn a_draft_stays_private_until_published_and_pausing_or_cancelling_takes_it_out_of_search(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let stranger = app.signup_verified_user("sara@example.org", "Sara", PASSWORD).await;
        let anonymous = app.client();
        let walking = interest(&app, "walking-group").await;
        let first = at(next_weekday(Weekday::Tue), hour_away_from_now(), 0);
        let mut body = draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        body["publish"] = json!(false);
        let view = org.create(&app, &body).await;
        let id = id_of(&view);
        assert_eq!(view["status"], "draft");
        let org_list = format!("/api/v1/organizations/{}/activities", org.org_id);
        let window = format!("q=camminata&from={}&to={}", day_text(first.date()), day_text(first.date() + Duration::days(20)));
        let in_window = ids_between(&sessions(&view), first.date(), first.date() + Duration::days(20));
        assert_eq!(in_window.len(), 3, "{view}");

        // A draft: only members and admins see it.
        expect_error(get_activity(&app, &anonymous, id).await, 404, "not_found").await;
        expect_error(get_activity(&app, &stranger, id).await, 404, "not_found").await;
        assert_eq!(expect_status(get_activity(&app, &org.client, id).await, 200).await["status"], "draft");
        assert_eq!(expect_status(get_activity(&app, &org.admin, id).await, 200).await["status"], "draft");
        assert_eq!(expect_status(app.get(&anonymous, &org_list).await, 200).await, json!([]));
        let mine = expect_status(app.get(&org.client, &org_list).await, 200).await;
        assert_eq!(mine.as_array().map(|l| l.iter().map(id_of).collect::<Vec<_>>()), Some(vec![id]));
        assert_eq!(item_ids(&search(&app, &window).await), Vec::<i64>::new());

        // Published: everyone sees it and finds its sessions.
        let v = expect_status(set_status(&app, &org.client, id, "published").await, 200).await;
        assert_eq!(v["status"], "published");
        assert_eq!(expect_status(get_activity(&app, &anonymous, id).await, 200).await["status"], "published");
        let listed = expect_status(app.get(&anonymous, &org_list).await, 200).await;
        assert_eq!(listed.as_array().map(|l| l.iter().map(id_of).collect::<Vec<_>>()), Some(vec![id]));
        assert_eq!(item_ids(&search(&app, &window).await), in_window);

        // One session is cancelled on its own.
        let lone = in_window[1];
        expect_status(edit_session(&app, &org.client, lone, &json!({"status": "cancelled"})).await, 200).await;
        let in_window: Vec<i64> = in_window.into_iter().filter(|s| *s != lone).collect();
        assert_eq!(item_ids(&search(&app, &window).await), in_window);

        // Paused: out of search and out of sight.
        let v = expect_status(set_status(&app, &org.client, id, "paused").await, 200).await;
        assert_eq!(v["status"], "paused");
        assert_eq!(item_ids(&search(&app, &window).await), Vec::<i64>::new());
        expect_error(get_activity(&app, &anonymous, id).await, 404, "not_found").await;

        // Resumed: the same sessions come back, but not the one cancelled on its own.
        let v = expect_status(set_status(&app, &org.client, id, "published").await, 200).await;
        assert_eq!(v["status"], "published");
        assert_eq!(item_ids(&search(&app, &window).await), in_window);
        let still = sessions(&v).into_iter().find(|s| id_of(s) == lone).expect("the cancelled session is listed");
        assert_eq!(still["status"], "cancelled", "{still}");

        // Cancelled: still readable, every session cancelled, out of search.
        let v = expect_status(set_status(&app, &org.client, id, "cancelled").await, 200).await;
        assert_eq!(v["status"], "cancelled");
        let public = expect_status(get_activity(&app, &anonymous, id).await, 200).await;
        assert_eq!(public["status"], "cancelled");
        let kept = sessions(&public);
        assert_eq!(kept.iter().map(id_of).collect::<Vec<_>>(), sessions(&view).iter().map(id_of).collect::<Vec<_>>());
        assert!(kept.iter().all(|s| s["status"] == "cancelled"), "{public}");
        assert_eq!(item_ids(&search(&app, &window).await), Vec::<i64>::new());
    }

    async fn status_changes_outside_the_life_cycle_are_refused(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = interest(&app, "walking-group").await;
        let first = at(next_weekday(Weekday::Tue), hour_away_from_now(), 0);
        let mut body = draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        body["publish"] = json!(false);
        let id = id_of(&org.create(&app, &body).await);
        let status_now = |c: Client| {
            let app = &app;
            async move { expect_status(get_activity(app, &c, id).await, 200).await["status"].clone() }
        };

        for to in ["paused", "archived", ""] {
            expect_field_error(set_status(&app, &org.client, id, to).await, "status", &format!("draft → {to}")).await;
        }
        assert_eq!(status_now(org.client.clone()).await, "draft");

        expect_status(set_status(&app, &org.client, id, "published").await, 200).await;
        expect_field_error(set_status(&app, &org.client, id, "draft").await, "status", "published → draft").await;
        assert_eq!(status_now(org.client.clone()).await, "published");

        let stranger = app.signup_verified_user("sara@example.org", "Sara", PASSWORD).await;
        expect_error(set_status(&app, &stranger, id, "cancelled").await, 403, "forbidden").await;
        expect_error(set_status(&app, &app.client(), id, "cancelled").await, 401, "unauthorized").await;
        assert_eq!(status_now(org.client.clone()).await, "published");

        expect_status(set_status(&app, &org.client, id, "cancelled").await, 200).await;
        for to in ["published", "paused", "draft"] {
            expect_field_error(set_status(&app, &org.client, id, to).await, "status", &format!("cancelled → {to}")).await;
        }
        assert_eq!(status_now(app.client()).await, "cancelled");
        let window = format!("q=camminata&from={}&to={}", day_text(first.date()), day_text(first.date() + Duration::days(20)));
        assert_eq!(item_ids(&search(&app, &window).await), Vec::<i64>::new());
    }

    async fn only_members_of_an_accredited_organization_may_publish_activities(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = interest(&app, "walking-group").await;
        let body = draft("Camminata del martedi", at(next_weekday(Weekday::Tue), 10, 0), "FREQ=WEEKLY;BYDAY=TU", &[walking]);

        expect_error(post_activity(&app, &app.client(), org.org_id, &body).await, 401, "unauthorized").await;
        let stranger = app.signup_verified_user("sara@example.org", "Sara", PASSWORD).await;
        expect_error(post_activity(&app, &stranger, org.org_id, &body).await, 403, "forbidden").await;

        // A pending organization: its owner is refused, a stranger does not even see it.
        let pending_owner = app.signup_verified_user("piero@example.org", "Piero", PASSWORD).await;
        let pending = id_of(&app.create_org(&pending_owner, "Circolo in attesa").await);
        expect_error(post_activity(&app, &pending_owner, pending, &body).await, 403, "forbidden").await;
        expect_error(post_activity(&app, &stranger, pending, &body).await, 404, "not_found").await;

        // A suspended organization: its owner is refused.
        expect_status(app.decide_org(&org.admin, org.org_id, "suspend", "Segnalazioni ripetute").await, 200).await;
        expect_error(post_activity(&app, &org.client, org.org_id, &body).await, 403, "forbidden").await;

        for (client, id) in [(&org.client, org.org_id), (&pending_owner, pending)] {
            let list = expect_status(app.get(client, &format!("/api/v1/organizations/{id}/activities")).await, 200).await;
            assert_eq!(list, json!([]), "a refused activity was created");
        }
        assert_eq!(search(&app, "q=camminata").await["total"], 0);
    }

    async fn suspending_an_organization_hides_its_activities_and_sessions(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (view, first) = tuesday_walk(&app, &org, hour_away_from_now()).await;
        let id = id_of(&view);
        let stranger = app.signup_verified_user("sara@example.org", "Sara", PASSWORD).await;
        let window = format!("q=camminata&from={}&to={}", day_text(first.date()), day_text(first.date() + Duration::days(20)));
        let found = item_ids(&search(&app, &window).await);
        assert_eq!(found, ids_between(&sessions(&view), first.date(), first.date() + Duration::days(20)));
        assert!(!found.is_empty());

        expect_status(app.decide_org(&org.admin, org.org_id, "suspend", "Segnalazioni ripetute").await, 200).await;

        expect_error(get_activity(&app, &app.client(), id).await, 404, "not_found").await;
        expect_error(get_activity(&app, &stranger, id).await, 404, "not_found").await;
        let list = expect_status(app.get(&app.client(), &format!("/api/v1/organizations/{}/activities", org.org_id)).await, 200).await;
        assert_eq!(list, json!([]));
        assert_eq!(item_ids(&search(&app, &window).await), Vec::<i64>::new());
        expect_error(get_activity(&app, &app.client(), id).await, 404, "not_found").await;

        // Its organizers can no longer change it.
        let walking = interest(&app, "walking-group").await;
        let body = draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        expect_error(put_activity(&app, &org.client, id, &body).await, 403, "forbidden").await;
        expect_error(set_status(&app, &org.client, id, "paused").await, 403, "forbidden").await;
        expect_error(edit_session(&app, &org.client, found[0], &json!({"status": "cancelled"})).await, 403, "forbidden").await;
    }

    async fn each_bad_field_of_an_activity_is_refused_by_name(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let ids = interest_ids(&app).await;
        let walking = ids["walking-group"];
        let valid = draft("Camminata del martedi", at(next_weekday(Weekday::Tue), 10, 0), "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        let six: Vec<i64> = ids.values().copied().take(6).collect();
        let dst_gap = local_text(at(next_clock_change(3), 2, 30));

        // (what changes in a valid draft, the field the refusal names)
        let rows: Vec<(Value, &str)> = vec![
            (json!({"title": "Go"}), "title"),
            (json!({"title": ""}), "title"),
            (json!({"venue_name": ""}), "venue_name"),
            (json!({"address": " "}), "address"),
            (json!({"latitude": 91.0}), "latitude"),
            (json!({"longitude": -181.0}), "longitude"),
            (json!({"timezone": "Mars/Olympus"}), "timezone"),
            (json!({"starts_at": "tomorrow"}), "starts_at"),
            (json!({"starts_at": dst_gap}), "starts_at"),
            (json!({"duration_minutes": 0}), "duration_minutes"),
            (json!({"duration_minutes": 100000}), "duration_minutes"),
            (json!({"rrule": "FREQ=SOMETIMES"}), "rrule"),
            (json!({"rrule": "FREQ=SECONDLY"}), "rrule"),
            (json!({"rrule": "FREQ=HOURLY"}), "rrule"),
            (json!({"rrule": "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8"}), "rrule"),
            (json!({"rrule": "DTSTART:20000101T000000Z\nRRULE:FREQ=DAILY"}), "rrule"),
            (json!({"exdates": ["someday"]}), "exdates"),
            (json!({"capacity": -1}), "capacity"),
            (json!({"capacity": 0}), "capacity"),
            (json!({"capacity": 10001}), "capacity"),
            (json!({"cost_kind": "amount", "cost_cents": -5}), "cost_cents"),
            (json!({"cost_kind": "amount", "cost_cents": 0}), "cost_cents"),
            (json!({"cost_kind": "amount", "cost_cents": 100001}), "cost_cents"),
            (json!({"cost_kind": "barter"}), "cost_kind"),
            (json!({"interests": [999999]}), "interests"),
            (json!({"interests": []}), "interests"),
            (json!({"interests": six}), "interests"),
            (json!({"languages": []}), "languages"),
            (json!({"languages": ["italiano"]}), "languages"),
            (json!({"wheelchair": "sometimes"}), "wheelchair"),
            (json!({"accessibility": ["teleporter"]}), "accessibility"),
            (json!({"low_barrier": ["free_beer"]}), "low_barrier"),
            (json!({"audience": ["robots"]}), "audience"),
            (json!({"contact_email": "not an address"}), "contact_email"),
            (json!({"contact_phone": "call me maybe"}), "contact_phone"),
        ];
        assert_eq!(six.len(), 6);
        for (change, field) in rows {
            let mut body = valid.clone();
            for (k, v) in change.as_object().expect("an object") {
                body[k] = v.clone();
            }
            let resp = post_activity(&app, &org.client, org.org_id, &body).await;
            expect_field_error(resp, field, &format!("creating with {change}")).await;
        }

        // Several at once: every field is named.
        let mut body = valid.clone();
        for (k, v) in [("title", json!("Go")), ("latitude", json!(91.0)), ("capacity", json!(-1)), ("languages", json!([])), ("accessibility", json!(["teleporter"]))] {
            body[k] = v;
        }
        let resp = post_activity(&app, &org.client, org.org_id, &body).await;
        let err = expect_field_error(resp, "title", "several bad fields").await;
        for field in ["latitude", "capacity", "languages", "accessibility"] {
            assert!(err["error"]["fields"][field].is_string(), "{field} not named: {err}");
        }

        let list = expect_status(app.get(&org.client, &format!("/api/v1/organizations/{}/activities", org.org_id)).await, 200).await;
        assert_eq!(list, json!([]), "a refused activity was created");
    }

    async fn a_refused_edit_leaves_the_activity_as_it_was(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (view, first) = tuesday_walk(&app, &org, hour_away_from_now()).await;
        let id = id_of(&view);
        let walking = interest(&app, "walking-group").await;
        let mut body = draft("Go", first + Duration::days(2), "FREQ=SOMETIMES", &[walking]);
        body["interests"] = json!([999999]);
        let resp = put_activity(&app, &org.client, id, &body).await;
        let err = expect_field_error(resp, "title", "a bad edit").await;
        assert!(err["error"]["fields"]["rrule"].is_string(), "{err}");

        let mut body = draft("Camminata del giovedi", first + Duration::days(2), "FREQ=WEEKLY;BYDAY=TH", &[walking]);
        body["interests"] = json!([999999]);
        expect_field_error(put_activity(&app, &org.client, id, &body).await, "interests", "an unknown interest").await;

        let now = expect_status(get_activity(&app, &app.client(), id).await, 200).await;
        for field in ["title", "rrule", "starts_at", "interests", "sessions"] {
            assert_eq!(now[field], view[field], "{field} changed");
        }
    }

    async fn admins_grow_the_interest_taxonomy_at_most_two_levels_deep(app) {
        let terms = taxonomy(&app).await;
        let by_slug = |slug: &str| terms.iter().find(|t| t["slug"] == slug).cloned().unwrap_or_else(|| panic!("no {slug}"));
        let outdoors = by_slug("outdoors");
        assert_eq!(outdoors["parent_id"], Value::Null);
        for child in ["walking-group", "urban-garden"] {
            assert_eq!(by_slug(child)["parent_id"], outdoors["id"], "{child}");
        }
        for t in &terms {
            assert_eq!(t["deprecated"], false, "{t}");
            if let Some(parent) = t["parent_id"].as_i64() {
                let p = terms.iter().find(|p| id_of(p) == parent).unwrap_or_else(|| panic!("the parent of {t} is not listed"));
                assert_eq!(p["parent_id"], Value::Null, "three levels: {t} under {p}");
            }
        }

        let admin = app.admin_client().await;
        let add = |body: Value, client: Client| {
            let app = &app;
            async move { app.post_json(&client, "/api/v1/admin/interests", &body).await }
        };
        let child = expect_status(add(json!({"parent_id": id_of(&outdoors), "slug": "birdwatching", "name_it": "Osservare gli uccelli", "name_en": "Birdwatching"}), admin.clone()).await, 201).await;
        assert_eq!(child["parent_id"], outdoors["id"]);
        assert_eq!(child["slug"], "birdwatching");
        assert_eq!(child["name_it"], "Osservare gli uccelli");
        assert_eq!(child["name_en"], "Birdwatching");
        assert_eq!(child["deprecated"], false);
        let root = expect_status(add(json!({"slug": "wellbeing", "name_it": "Benessere", "name_en": "Wellbeing"}), admin.clone()).await, 201).await;
        assert_eq!(root["parent_id"], Value::Null);
        let under_new_root = expect_status(add(json!({"parent_id": id_of(&root), "slug": "mindfulness", "name_it": "Consapevolezza", "name_en": "Mindfulness"}), admin.clone()).await, 201).await;
        assert_eq!(under_new_root["parent_id"], root["id"]);

        // No third level, and only admins add terms.
        let owls = json!({"parent_id": id_of(&child), "slug": "owls", "name_it": "Gufi", "name_en": "Owls"});
        expect_field_error(add(owls.clone(), admin.clone()).await, "parent_id", "a third level").await;
        let resident = app.signup_verified_user("rita@example.org", "Rita", PASSWORD).await;
        let pets = json!({"parent_id": id_of(&outdoors), "slug": "cat-club", "name_it": "Gatti", "name_en": "Cats"});
        expect_error(add(pets.clone(), resident).await, 403, "forbidden").await;
        expect_error(add(pets, app.client()).await, 401, "unauthorized").await;

        let now = taxonomy(&app).await;
        assert_eq!(now.len(), terms.len() + 3, "{now:?}");
        for added in [&child, &root, &under_new_root] {
            assert!(now.contains(added), "{added} is not listed");
        }
        assert!(now.iter().all(|t| t["slug"] != "owls" && t["slug"] != "cat-club"));

        // A new child is found through its parent.
        let org = Publisher::new(&app, "olga@example.org", "Amici del parco").await;
        let first = at(next_weekday(Weekday::Sat), 10, 0);
        let view = org.create(&app, &draft("Uccelli al parco", first, "", &[id_of(&child)])).await;
        let page = search(&app, &format!("interest={}&from={}&to={}", id_of(&outdoors), day_text(first.date()), day_text(first.date()))).await;
        assert_eq!(item_ids(&page), sessions(&view).iter().map(id_of).collect::<Vec<_>>(), "{page}");
        assert_eq!(item_ids(&page).len(), 1);
    }

    async fn a_deprecated_interest_stays_on_existing_activities_but_cannot_be_chosen_again(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let (existing, first) = tuesday_walk(&app, &org, hour_away_from_now()).await;
        let walking = interest(&app, "walking-group").await;
        let path = format!("/api/v1/admin/interests/{walking}/deprecation");

        let resident = app.signup_verified_user("rita@example.org", "Rita", PASSWORD).await;
        expect_error(app.post_json(&resident, &path, &json!({"deprecated": true})).await, 403, "forbidden").await;
        expect_status(app.post_json(&org.admin, &path, &json!({"deprecated": true})).await, 204).await;
        let term = taxonomy(&app).await.into_iter().find(|t| id_of(t) == walking).expect("still listed");
        assert_eq!(term["deprecated"], true);

        let body = draft("Un'altra camminata", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        expect_field_error(post_activity(&app, &org.client, org.org_id, &body).await, "interests", "a deprecated interest").await;
        let kept = expect_status(get_activity(&app, &app.client(), id_of(&existing)).await, 200).await;
        assert_eq!(kept["interests"], json!([walking]));

        // Restored, it can be chosen again.
        expect_status(app.post_json(&org.admin, &path, &json!({"deprecated": false})).await, 204).await;
        let term = taxonomy(&app).await.into_iter().find(|t| id_of(t) == walking).expect("still listed");
        assert_eq!(term["deprecated"], false);
        org.create(&app, &body).await;
        expect_error(app.post_json(&org.admin, "/api/v1/admin/interests/999999/deprecation", &json!({"deprecated": true})).await, 404, "not_found").await;
    }
}
