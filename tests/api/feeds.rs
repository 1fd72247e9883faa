//! Calendars and open data: the .ics of a series (rule, exception dates, a moved and a cancelled
//! occurrence), of a session and of a search; the OpenActive RPDE feeds paged over creations,
//! edits and deletions; the HSDS list of organizations; what is not public stays out.
//!
//! The iCalendar files are read back with a small RFC 5545 reader (unfolding, components,
//! parameters) and their recurrence with the `rrule` crate's RFC 5545 parser, which expands
//! DTSTART;TZID + RRULE + EXDATE;TZID into the occurrences a calendar client would show.

use crate::helpers::*;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::Tz;
use reqwest::{Client, Response};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::str::FromStr;

const ROME: Tz = chrono_tz::Europe::Rome;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The first `weekday` at least a week from today in Milan.
fn a_week_ahead(weekday: Weekday) -> NaiveDate {
    let mut d = Utc::now().with_timezone(&ROME).date_naive() + Duration::days(7);
    while d.weekday() != weekday {
        d += Duration::days(1);
    }
    d
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 0, 0).expect("a valid hour")
}

fn local_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// A weekly bocce game on Tuesdays at 10:00, at least a week ahead.
fn bocce(first: NaiveDateTime, exdates: &[NaiveDateTime], interest: i64) -> Value {
    json!({
        "title": "Bocce del martedì",
        "description": "Una partita tranquilla, si impara giocando.",
        "venue_name": "Giardini Montanelli",
        "address": "Via Palestro",
        "latitude": 45.4756,
        "longitude": 9.1978,
        "starts_at": local_text(first),
        "duration_minutes": 120,
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "exdates": exdates.iter().map(|t| local_text(*t)).collect::<Vec<_>>(),
        "capacity": 12,
        "languages": ["it"],
        "accessibility": ["step_free"],
        "wheelchair": "partial",
        "interests": [interest],
    })
}

/// A one-off reading on a Thursday evening.
fn reading(first: NaiveDateTime, interest: i64) -> Value {
    json!({
        "title": "Lettura ad alta voce",
        "description": "Leggiamo insieme un racconto.",
        "venue_name": "Biblioteca Sormani",
        "address": "Corso di Porta Vittoria 6, 20122 Milano",
        "latitude": 45.4601,
        "longitude": 9.1990,
        "starts_at": local_text(first),
        "duration_minutes": 60,
        "rrule": "",
        "languages": ["it", "en"],
        "interests": [interest],
    })
}

/// An organizer with an accredited organization.
struct Organizer {
    client: Client,
    org_id: i64,
}

impl Organizer {
    async fn new(app: &TestApp, email: &str, org: &str) -> Organizer {
        let client = app.signup_verified_user(email, "Organizer", PASSWORD).await;
        let (org, _admin) = app.accredited_org(&client, org).await;
        Organizer {
            client,
            org_id: id_of(&org),
        }
    }

    async fn create(&self, app: &TestApp, body: &Value) -> Value {
        let resp = app
            .post_json(
                &self.client,
                &format!("/api/v1/organizations/{}/activities", self.org_id),
                body,
            )
            .await;
        expect_status(resp, 201).await
    }

    async fn replace(&self, app: &TestApp, id: i64, body: &Value) -> Value {
        let resp = self
            .client
            .put(app.url(&format!("/api/v1/activities/{id}")))
            .json(body)
            .send()
            .await
            .expect("PUT failed");
        expect_status(resp, 200).await
    }

    async fn set_status(&self, app: &TestApp, id: i64, status: &str) {
        let resp = app
            .post_json(
                &self.client,
                &format!("/api/v1/activities/{id}/status"),
                &json!({ "status": status }),
            )
            .await;
        expect_status(resp, 200).await;
    }

    async fn edit_session(&self, app: &TestApp, id: i64, edit: &Value) -> Value {
        let resp = app
            .patch_json(&self.client, &format!("/api/v1/sessions/{id}"), edit)
            .await;
        expect_status(resp, 200).await
    }
}

/// An interest id from the taxonomy.
async fn an_interest(app: &TestApp) -> i64 {
    let list = expect_status(app.get(&app.client(), "/api/v1/interests").await, 200).await;
    list.as_array()
        .and_then(|l| l.iter().find(|i| i["parent_id"].is_i64()))
        .map(id_of)
        .unwrap_or_else(|| panic!("no interest in {list}"))
}

/// The next sessions of an activity as its organizer sees them.
async fn sessions_of(app: &TestApp, client: &Client, activity: i64) -> Vec<Value> {
    let view = expect_status(
        app.get(client, &format!("/api/v1/activities/{activity}"))
            .await,
        200,
    )
    .await;
    view["sessions"]
        .as_array()
        .unwrap_or_else(|| panic!("no sessions in {view}"))
        .clone()
}

/// The wall-clock time of a `starts_at_local`.
fn wall_clock(v: &Value) -> NaiveDateTime {
    let s = v.as_str().unwrap_or_else(|| panic!("not a time: {v}"));
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .naive_local()
}

/// Open-data feeds only serve changes older than two seconds.
async fn let_changes_settle() {
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
}

/// GET a calendar: asserts the media type and the caching; returns the text.
async fn get_calendar(app: &TestApp, path: &str) -> String {
    let resp = app.get(&app.client(), path).await;
    assert_calendar_headers(&resp);
    expect_page(resp, 200).await
}

fn assert_calendar_headers(resp: &Response) {
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        header("content-type"),
        "text/calendar; charset=utf-8",
        "{}",
        resp.url()
    );
    assert_eq!(
        header("cache-control"),
        "public, max-age=300",
        "{}",
        resp.url()
    );
}

// ---- a small RFC 5545 reader ----------------------------------------------------------------

#[derive(Debug, Clone)]
struct Prop {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Prop {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default)]
struct Comp {
    kind: String,
    props: Vec<Prop>,
    children: Vec<Comp>,
}

impl Comp {
    fn all(&self, name: &str) -> Vec<&Prop> {
        self.props.iter().filter(|p| p.name == name).collect()
    }
    fn prop(&self, name: &str) -> &Prop {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "expected one {name} in {self:#?}");
        found[0]
    }
    fn has(&self, name: &str) -> bool {
        !self.all(name).is_empty()
    }
    fn value(&self, name: &str) -> String {
        self.prop(name).value.clone()
    }
    /// A TEXT value with its escapes undone.
    fn text(&self, name: &str) -> String {
        unescape(&self.value(name))
    }
    fn events(&self) -> Vec<&Comp> {
        self.children
            .iter()
            .filter(|c| c.kind == "VEVENT")
            .collect()
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits at `sep` outside double quotes.
fn split_unquoted(s: &str, sep: char) -> Vec<String> {
    let (mut parts, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in s.chars() {
        if c == '"' {
            quoted = !quoted;
            cur.push(c);
        } else if c == sep && !quoted {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

/// Parses an iCalendar text: checks CRLF line ends and line lengths, unfolds, and builds the
/// component tree. Returns the VCALENDAR.
fn parse_ics(text: &str) -> Comp {
    assert!(text.contains("\r\n"), "lines must end in CRLF:\n{text}");
    // A maintained RFC 5545 parser must accept it too, finding the same events.
    let unfolded_text = icalendar::parser::unfold(text);
    let parsed = icalendar::parser::read_calendar(&unfolded_text)
        .unwrap_or_else(|e| panic!("the icalendar crate's parser refuses the feed: {e}\n{text}"));
    let crate_events = parsed
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .count();
    assert_eq!(
        crate_events,
        text.matches("BEGIN:VEVENT").count(),
        "the icalendar parser sees a different number of events"
    );
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line}");
    }
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut stack: Vec<Comp> = vec![Comp::default()];
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let head_and_value = split_unquoted(line, ':');
        let head = &head_and_value[0];
        let value = head_and_value[1..].join(":");
        let mut parts = split_unquoted(head, ';').into_iter();
        let name = parts.next().unwrap_or_default().to_ascii_uppercase();
        let params = parts
            .map(|p| {
                let (k, v) = p
                    .split_once('=')
                    .unwrap_or_else(|| panic!("bad parameter {p}"));
                (k.to_ascii_uppercase(), v.trim_matches('"').to_string())
            })
            .collect();
        match name.as_str() {
            "BEGIN" => stack.push(Comp {
                kind: value,
                ..Comp::default()
            }),
            "END" => {
                let done = stack.pop().expect("an open component");
                assert_eq!(done.kind, value, "mismatched END");
                stack.last_mut().expect("a parent").children.push(done);
            }
            _ => stack.last_mut().expect("a component").props.push(Prop {
                name,
                params,
                value,
            }),
        }
    }
    assert_eq!(stack.len(), 1, "unclosed components");
    let mut root = stack.pop().expect("root");
    assert_eq!(root.children.len(), 1, "one VCALENDAR");
    let cal = root.children.remove(0);
    assert_eq!(cal.kind, "VCALENDAR");
    assert_eq!(cal.value("VERSION"), "2.0");
    assert!(cal.has("PRODID"));
    for e in cal.events() {
        for required in ["UID", "DTSTAMP", "DTSTART"] {
            assert!(e.has(required), "a VEVENT without {required}: {e:#?}");
        }
    }
    cal
}

/// A local DATE-TIME property with its zone.
fn zoned(p: &Prop) -> (String, NaiveDateTime) {
    let tz = p
        .param("TZID")
        .unwrap_or_else(|| panic!("{} has no TZID: {p:?}", p.name))
        .to_string();
    assert!(
        !p.value.ends_with('Z'),
        "{} is in UTC, not local: {p:?}",
        p.name
    );
    let t = NaiveDateTime::parse_from_str(&p.value, "%Y%m%dT%H%M%S")
        .unwrap_or_else(|e| panic!("{}: {e}", p.value));
    (tz, t)
}

/// The occurrences of a master VEVENT, expanded by the `rrule` crate from its own
/// DTSTART;TZID, RRULE and EXDATE;TZID lines: the first `n`, as local times in Rome.
fn occurrences(master: &Comp, n: u16) -> Vec<NaiveDateTime> {
    let line = |p: &Prop| {
        let params: String = p.params.iter().map(|(k, v)| format!(";{k}={v}")).collect();
        format!("{}{params}:{}", p.name, p.value)
    };
    let mut text = vec![line(master.prop("DTSTART")), line(master.prop("RRULE"))];
    text.extend(master.all("EXDATE").into_iter().map(line));
    let set = rrule::RRuleSet::from_str(&text.join("\n"))
        .unwrap_or_else(|e| panic!("the rrule crate refuses {text:?}: {e}"));
    set.all(n)
        .dates
        .into_iter()
        .map(|d| d.with_timezone(&ROME).naive_local())
        .collect()
}

// ---- RPDE ------------------------------------------------------------------------------------

/// Follows `next` from `url` to the last page; returns the items and the last page's URL.
/// Checks the envelope and that the last page is empty and points at itself.
async fn walk(app: &TestApp, url: &str) -> (Vec<Value>, String) {
    let client = app.client();
    let mut url = url.to_string();
    let mut items = Vec::new();
    for _ in 0..500 {
        let resp = client.get(&url).send().await.expect("GET failed");
        assert_eq!(resp.status().as_u16(), 200, "{url}");
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(ct.starts_with("application/json"), "{url}: {ct}");
        let page: Value = resp.json().await.expect("a JSON page");
        assert_eq!(
            page["license"], "https://creativecommons.org/licenses/by/4.0/",
            "{page}"
        );
        let next = page["next"]
            .as_str()
            .unwrap_or_else(|| panic!("no next in {page}"))
            .to_string();
        assert!(
            next.starts_with(&app.address),
            "next must be absolute: {next}"
        );
        let got = page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("no items in {page}"))
            .clone();
        if got.is_empty() {
            if next == url {
                return (items, url);
            }
        } else {
            assert_ne!(next, url, "a page with items must move on: {page}");
        }
        items.extend(got);
        url = next;
    }
    panic!("the feed never ended");
}

fn key(item: &Value) -> (i64, i64) {
    (
        item["modified"]
            .as_i64()
            .unwrap_or_else(|| panic!("modified must be an integer: {item}")),
        item["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id: {item}")),
    )
}

/// Items come in strictly increasing (modified, id) and are well formed.
fn assert_rpde_order(items: &[Value], kind: &str) {
    for w in items.windows(2) {
        assert!(
            key(&w[0]) < key(&w[1]),
            "out of order: {} then {}",
            w[0],
            w[1]
        );
    }
    for i in items {
        assert_eq!(i["kind"], kind, "{i}");
        match i["state"].as_str() {
            Some("updated") => assert!(i["data"].is_object(), "updated without data: {i}"),
            Some("deleted") => assert!(i.get("data").is_none(), "deleted with data: {i}"),
            _ => panic!("bad state: {i}"),
        }
    }
}

/// Each id at most once (a walk from the start of a feed at rest).
fn assert_each_once(items: &[Value]) {
    let mut seen = HashSet::new();
    for i in items {
        assert!(seen.insert(key(i).1), "{} appears twice", key(i).1);
    }
}

fn items_with_id(items: &[Value], id: i64) -> Vec<&Value> {
    items
        .iter()
        .filter(|i| i["id"].as_i64() == Some(id))
        .collect()
}

const SERIES: &str = "/feeds/openactive/session-series";
const SESSIONS: &str = "/feeds/openactive/scheduled-sessions";

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

both_backends! {
    async fn a_series_calendar_carries_its_rule_exceptions_and_the_sessions_changed_on_their_own(app) {
        let org = Organizer::new(&app, "bocce@example.org", "Bocciofila Montanelli").await;
        let interest = an_interest(&app).await;
        let first = at(a_week_ahead(Weekday::Tue), 10);
        let skipped = first + Duration::weeks(2);
        let activity = org.create(&app, &bocce(first, &[skipped], interest)).await;
        let id = id_of(&activity);

        // Move the second Tuesday to Wednesday afternoon with a note; cancel the fourth one.
        let sessions = sessions_of(&app, &org.client, id).await;
        let second = sessions
            .iter()
            .find(|s| wall_clock(&s["starts_at_local"]) == first + Duration::weeks(1))
            .expect("the second Tuesday");
        let fourth = sessions
            .iter()
            .find(|s| wall_clock(&s["starts_at_local"]) == first + Duration::weeks(3))
            .expect("the fourth Tuesday (the third is skipped)");
        let moved_to = at((first + Duration::weeks(1)).date() + Duration::days(1), 15);
        org.edit_session(&app, id_of(second), &json!({
            "starts_at": local_text(moved_to),
            "note": "Ci vediamo al cancello laterale",
        })).await;
        org.edit_session(&app, id_of(fourth), &json!({"status": "cancelled"})).await;

        let text = get_calendar(&app, &format!("/activities/{id}.ics")).await;
        let cal = parse_ics(&text);
        let events = cal.events();
        let uid = format!("activity-{id}@127.0.0.1");
        assert!(events.iter().all(|e| e.value("UID") == uid), "one UID for the series:\n{text}");
        let masters: Vec<&&Comp> = events.iter().filter(|e| !e.has("RECURRENCE-ID")).collect();
        assert_eq!(masters.len(), 1, "one master event:\n{text}");
        let master = masters[0];

        // The master: local start in Rome, the rule, the exception date.
        assert_eq!(zoned(master.prop("DTSTART")), ("Europe/Rome".to_string(), first));
        assert_eq!(zoned(master.prop("DTEND")).1, first + Duration::minutes(120));
        assert_eq!(master.value("RRULE"), "FREQ=WEEKLY;BYDAY=TU");
        let exdates: Vec<(String, NaiveDateTime)> = master.all("EXDATE").into_iter().map(zoned).collect();
        assert_eq!(exdates, vec![("Europe/Rome".to_string(), skipped)], "{text}");
        assert_eq!(master.text("SUMMARY"), "Bocce del martedì");
        assert_eq!(master.text("LOCATION"), "Giardini Montanelli, Via Palestro");
        assert!(master.text("DESCRIPTION").contains("Bocciofila Montanelli"), "{text}");
        assert_eq!(master.value("GEO"), "45.4756;9.1978");
        assert_eq!(master.value("URL"), format!("{}/activities/{id}", app.address));
        assert_eq!(master.value("STATUS"), "CONFIRMED");
        assert!(master.has("LAST-MODIFIED"));

        // What a calendar client expands: every Tuesday but the skipped one.
        let expected: Vec<NaiveDateTime> = (0..6)
            .map(|w| first + Duration::weeks(w))
            .filter(|t| *t != skipped)
            .take(5)
            .collect();
        assert_eq!(occurrences(master, 5), expected);

        // The moved session: same UID, RECURRENCE-ID = its original slot, its own times.
        let override_of = |slot: NaiveDateTime| {
            events
                .iter()
                .find(|e| e.has("RECURRENCE-ID") && zoned(e.prop("RECURRENCE-ID")).1 == slot)
                .unwrap_or_else(|| panic!("no override for {slot}:\n{text}"))
        };
        let moved = override_of(first + Duration::weeks(1));
        assert_eq!(zoned(moved.prop("RECURRENCE-ID")).0, "Europe/Rome");
        assert_eq!(zoned(moved.prop("DTSTART")), ("Europe/Rome".to_string(), moved_to));
        assert_eq!(zoned(moved.prop("DTEND")).1, moved_to + Duration::minutes(120));
        assert!(moved.text("DESCRIPTION").contains("Ci vediamo al cancello laterale"), "{text}");
        assert_eq!(moved.value("STATUS"), "CONFIRMED");

        // The cancelled session: an override with STATUS:CANCELLED, not a silent gap.
        let cancelled = override_of(first + Duration::weeks(3));
        assert_eq!(cancelled.value("STATUS"), "CANCELLED");
        assert_eq!(zoned(cancelled.prop("DTSTART")).1, first + Duration::weeks(3));
        assert_eq!(events.len(), 3, "master + two overrides:\n{text}");

        // `/activities/{id}.ics` is the calendar, `/activities/{id}` is not captured by it.
        let page = app.get(&app.client(), &format!("/activities/{id}")).await;
        assert_ne!(
            page.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("text/calendar; charset=utf-8")
        );
        expect_status(app.get(&app.client(), "/activities/abc.ics").await, 404).await;
    }

    async fn a_rule_change_turns_removed_occurrences_into_exception_dates(app) {
        let org = Organizer::new(&app, "regole@example.org", "Circolo Regole").await;
        let interest = an_interest(&app).await;
        let first = at(a_week_ahead(Weekday::Tue), 10);
        let activity = org.create(&app, &bocce(first, &[], interest)).await;
        let id = id_of(&activity);
        // The series now ends after two Tuesdays: the later sessions are removed.
        let mut body = bocce(first, &[], interest);
        body["rrule"] = json!("FREQ=WEEKLY;BYDAY=TU;COUNT=2");
        org.replace(&app, id, &body).await;

        let text = get_calendar(&app, &format!("/activities/{id}.ics")).await;
        let cal = parse_ics(&text);
        let master = cal.events().into_iter().find(|e| !e.has("RECURRENCE-ID")).expect("master");
        assert_eq!(master.value("RRULE"), "FREQ=WEEKLY;BYDAY=TU;COUNT=2");
        let exdates: Vec<NaiveDateTime> = master.all("EXDATE").into_iter().map(|p| zoned(p).1).collect();
        assert!(exdates.contains(&(first + Duration::weeks(2))), "removed sessions are excluded:\n{text}");
        assert_eq!(occurrences(master, 10), vec![first, first + Duration::weeks(1)]);

        // Cancelling the whole series cancels the master.
        org.set_status(&app, id, "cancelled").await;
        let cal = parse_ics(&get_calendar(&app, &format!("/activities/{id}.ics")).await);
        let master = cal.events().into_iter().find(|e| !e.has("RECURRENCE-ID")).expect("master");
        assert_eq!(master.value("STATUS"), "CANCELLED");
    }

    async fn a_session_calendar_gives_local_times_in_the_city_zone(app) {
        let org = Organizer::new(&app, "letture@example.org", "Amici della Sormani").await;
        let interest = an_interest(&app).await;
        let start = at(a_week_ahead(Weekday::Thu), 18);
        let activity = org.create(&app, &reading(start, interest)).await;
        let session = sessions_of(&app, &org.client, id_of(&activity)).await[0].clone();
        let sid = id_of(&session);

        let text = get_calendar(&app, &format!("/sessions/{sid}.ics")).await;
        let cal = parse_ics(&text);
        let events = cal.events();
        assert_eq!(events.len(), 1, "{text}");
        let e = events[0];
        assert_eq!(e.value("UID"), format!("session-{sid}@127.0.0.1"));
        assert_eq!(zoned(e.prop("DTSTART")), ("Europe/Rome".to_string(), start));
        assert_eq!(zoned(e.prop("DTEND")), ("Europe/Rome".to_string(), start + Duration::minutes(60)));
        assert_eq!(e.text("SUMMARY"), "Lettura ad alta voce");
        assert_eq!(e.text("LOCATION"), "Biblioteca Sormani, Corso di Porta Vittoria 6, 20122 Milano");
        let description = e.text("DESCRIPTION");
        assert!(description.contains("Leggiamo insieme un racconto.") && description.contains("Amici della Sormani"), "{description}");
        assert_eq!(e.value("GEO"), "45.4601;9.199");
        assert_eq!(e.value("URL"), format!("{}/sessions/{sid}", app.address));
        assert_eq!(e.value("STATUS"), "CONFIRMED");
        assert!(NaiveDateTime::parse_from_str(&e.value("DTSTAMP"), "%Y%m%dT%H%M%SZ").is_ok(), "DTSTAMP in UTC");
        assert!(e.has("LAST-MODIFIED"));

        // Cancelled on its own: the same file says so.
        org.edit_session(&app, sid, &json!({"status": "cancelled", "note": "Biblioteca chiusa"})).await;
        let cal = parse_ics(&get_calendar(&app, &format!("/sessions/{sid}.ics")).await);
        let e = cal.events()[0].clone();
        assert_eq!(e.value("STATUS"), "CANCELLED");
        assert!(e.text("DESCRIPTION").contains("Biblioteca chiusa"));

        // The one-off's series calendar is a single event (no rule).
        let cal = parse_ics(&get_calendar(&app, &format!("/activities/{}.ics", id_of(&activity))).await);
        assert_eq!(cal.events().len(), 1);
        assert!(!cal.events()[0].has("RRULE"));
        assert_eq!(zoned(cal.events()[0].prop("DTSTART")).1, start);
    }

    async fn the_search_calendar_holds_the_sessions_the_search_finds(app) {
        let org = Organizer::new(&app, "cerca@example.org", "Quartiere Insieme").await;
        let interest = an_interest(&app).await;
        let first = at(a_week_ahead(Weekday::Tue), 10);
        org.create(&app, &bocce(first, &[], interest)).await;
        org.create(&app, &reading(at(a_week_ahead(Weekday::Thu), 18), interest)).await;

        let query = "q=bocce&lat=45.4756&lon=9.1978&radius_m=2000";
        // Discovery's index follows changes through the bus: wait until it has the sessions.
        let mut found = Value::Null;
        for _ in 0..100 {
            found = expect_status(
                app.get(&app.client(), &format!("/api/v1/sessions?{query}&limit=50")).await,
                200,
            )
            .await;
            if found["items"].as_array().is_some_and(|i| !i.is_empty()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let mut wanted: Vec<String> = found["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|s| format!("session-{}@127.0.0.1", id_of(s)))
            .collect();
        assert!(!wanted.is_empty(), "the search finds the bocce sessions: {found}");

        let text = get_calendar(&app, &format!("/calendar.ics?{query}")).await;
        let cal = parse_ics(&text);
        let mut uids: Vec<String> = cal.events().iter().map(|e| e.value("UID")).collect();
        wanted.sort();
        uids.sort();
        assert_eq!(uids, wanted, "{text}");
        for e in cal.events() {
            assert_eq!(e.text("SUMMARY"), "Bocce del martedì");
            let (tz, t) = zoned(e.prop("DTSTART"));
            assert_eq!((tz.as_str(), t.time()), ("Europe/Rome", first.time()));
        }

        // A search in the morning only finds nothing of these: an empty, valid calendar.
        let cal = parse_ics(&get_calendar(&app, "/calendar.ics?q=lettura&time_of_day=morning").await);
        assert!(cal.events().is_empty());
        // A malformed search is refused like the API refuses it.
        let resp = app.get(&app.client(), "/calendar.ics?weekday=9").await;
        assert_eq!(resp.status().as_u16(), 422);
    }

    async fn the_open_data_feeds_return_every_change_once_in_order_and_end_on_their_own_url(app) {
        let org = Organizer::new(&app, "dati@example.org", "Dati Aperti Milano").await;
        let interest = an_interest(&app).await;
        let first = at(a_week_ahead(Weekday::Tue), 10);
        let bocce_id = id_of(&org.create(&app, &bocce(first, &[], interest)).await);
        let reading_id = id_of(&org.create(&app, &reading(at(a_week_ahead(Weekday::Thu), 18), interest)).await);
        let_changes_settle().await;

        // Series, two per page.
        let (items, end) = walk(&app, &app.url(&format!("{SERIES}?limit=1"))).await;
        assert_rpde_order(&items, "SessionSeries");
        assert_each_once(&items);
        assert_eq!(items.len(), 2, "{items:#?}");
        let b = items_with_id(&items, bocce_id)[0];
        assert_eq!(b["state"], "updated");
        let data = &b["data"];
        assert_eq!(data["@type"], "SessionSeries");
        assert_eq!(data["name"], "Bocce del martedì");
        assert_eq!(data["@id"], format!("{}/activities/{bocce_id}", app.address));
        assert_eq!(data["organizer"]["@type"], "Organization");
        assert_eq!(data["organizer"]["name"], "Dati Aperti Milano");
        assert_eq!(data["location"]["@type"], "Place");
        assert_eq!(data["location"]["name"], "Giardini Montanelli");
        assert_eq!(data["location"]["geo"]["latitude"], 45.4756);
        assert_eq!(data["offers"][0]["price"], 0.0);
        assert_eq!(data["offers"][0]["priceCurrency"], "EUR");
        assert_eq!(data["inLanguage"], json!(["it"]));
        assert_eq!(data["maximumAttendeeCapacity"], 12);
        let schedule = &data["eventSchedule"][0];
        assert_eq!(schedule["repeatFrequency"], "P1W");
        assert_eq!(schedule["byDay"], json!(["https://schema.org/Tuesday"]));
        assert_eq!(schedule["startTime"], "10:00");
        assert_eq!(schedule["scheduleTimezone"], "Europe/Rome");
        assert_eq!(schedule["ical:rrule"], "FREQ=WEEKLY;BYDAY=TU");
        assert!(data["location"]["amenityFeature"].as_array().expect("features").iter().any(|f| f["name"] == "step_free"));

        // Sessions, three per page: every session of both activities, once.
        let (sessions, sessions_end) = walk(&app, &app.url(&format!("{SESSIONS}?limit=3"))).await;
        assert_rpde_order(&sessions, "ScheduledSession");
        assert_each_once(&sessions);
        let all_bocce: Vec<&Value> = sessions
            .iter()
            .filter(|s| s["data"]["superEvent"] == format!("{}/activities/{bocce_id}", app.address))
            .collect();
        assert!(all_bocce.len() >= 10, "a 90-day horizon of Tuesdays: {}", all_bocce.len());
        let s = all_bocce[0];
        assert_eq!(s["data"]["@type"], "ScheduledSession");
        assert_eq!(s["data"]["eventStatus"], "https://schema.org/EventScheduled");
        assert_eq!(s["data"]["maximumAttendeeCapacity"], 12);
        let start = s["data"]["startDate"].as_str().expect("startDate");
        let start = DateTime::parse_from_rfc3339(start).expect("an offset date");
        assert_eq!(start.naive_local().time(), first.time(), "local time with its offset: {start}");

        // Changes: the bocce moves to Wednesdays (its Tuesday sessions are removed), the reading
        // is paused (no longer public), one Wednesday is cancelled on its own.
        let mut moved = bocce(at(a_week_ahead(Weekday::Wed), 10), &[], interest);
        moved["rrule"] = json!("FREQ=WEEKLY;BYDAY=WE");
        moved["title"] = json!("Bocce del mercoledì");
        org.replace(&app, bocce_id, &moved).await;
        org.set_status(&app, reading_id, "paused").await;
        let wednesday = sessions_of(&app, &org.client, bocce_id).await[0].clone();
        org.edit_session(&app, id_of(&wednesday), &json!({"status": "cancelled"})).await;
        let_changes_settle().await;

        // Carrying on from the end: each change once, in order, and the end again.
        let (changes, again) = walk(&app, &end).await;
        assert_rpde_order(&changes, "SessionSeries");
        assert_each_once(&changes);
        assert_eq!(changes.len(), 2, "{changes:#?}");
        let b = items_with_id(&changes, bocce_id)[0];
        assert_eq!(b["state"], "updated");
        assert_eq!(b["data"]["name"], "Bocce del mercoledì");
        assert_eq!(b["data"]["eventSchedule"][0]["byDay"], json!(["https://schema.org/Wednesday"]));
        let r = items_with_id(&changes, reading_id)[0];
        assert_eq!(r["state"], "deleted", "a paused series is no longer public: {r}");
        assert!(key(b) > key(&items[1]) && key(r) > key(&items[1]), "changes come after what was read");
        assert_ne!(again, end, "the end moved on");

        let (session_changes, _) = walk(&app, &sessions_end).await;
        assert_rpde_order(&session_changes, "ScheduledSession");
        assert_each_once(&session_changes);
        let removed: HashSet<i64> = all_bocce.iter().map(|s| key(s).1).collect();
        for id in &removed {
            let change = items_with_id(&session_changes, *id);
            assert_eq!(change.len(), 1, "removed Tuesday {id} shows up once");
            assert_eq!(change[0]["state"], "deleted");
        }
        let cancelled = items_with_id(&session_changes, id_of(&wednesday));
        assert_eq!(cancelled.len(), 1);
        assert_eq!(cancelled[0]["data"]["eventStatus"], "https://schema.org/EventCancelled");
        let reading_sessions: Vec<&Value> = session_changes
            .iter()
            .filter(|s| !removed.contains(&key(s).1) && s["state"] == "deleted")
            .collect();
        assert!(!reading_sessions.is_empty(), "the paused reading's future sessions are deleted");

        // A fresh consumer reading from the start sees every item once, in its latest state.
        let (fresh, _) = walk(&app, &app.url(&format!("{SERIES}?limit=1"))).await;
        assert_rpde_order(&fresh, "SessionSeries");
        assert_each_once(&fresh);
        assert_eq!(items_with_id(&fresh, bocce_id)[0]["data"]["name"], "Bocce del mercoledì");
        let (fresh_sessions, _) = walk(&app, &app.url(SESSIONS)).await;
        assert_rpde_order(&fresh_sessions, "ScheduledSession");
        assert_each_once(&fresh_sessions);
    }

    async fn soft_deleted_and_unaccredited_series_show_as_deleted_and_drafts_never_show_data(app) {
        let org = Organizer::new(&app, "privato@example.org", "Circolo Riservato").await;
        let interest = an_interest(&app).await;
        let first = at(a_week_ahead(Weekday::Tue), 10);
        let mut body = bocce(first, &[], interest);
        body["publish"] = json!(false);
        let draft = id_of(&org.create(&app, &body).await);
        let draft_session = id_of(&sessions_of(&app, &org.client, draft).await[0]);
        let public = id_of(&org.create(&app, &reading(at(a_week_ahead(Weekday::Thu), 18), interest)).await);

        // Not public: no calendar.
        expect_status(app.get(&app.client(), &format!("/activities/{draft}.ics")).await, 404).await;
        expect_status(app.get(&app.client(), &format!("/sessions/{draft_session}.ics")).await, 404).await;
        expect_status(app.get(&app.client(), "/activities/999999.ics").await, 404).await;
        expect_status(app.get(&app.client(), "/sessions/999999.ics").await, 404).await;

        // A soft-deleted series (as a data fix would leave it).
        let stamp = (Utc::now() + Duration::milliseconds(5)).naive_utc().format("%Y-%m-%d %H:%M:%S%.6f");
        app.exec_sql(&format!(
            "UPDATE activities SET deleted_at = '{stamp}', updated_at = '{stamp}' WHERE id = {public}"
        )).await;
        expect_status(app.get(&app.client(), &format!("/activities/{public}.ics")).await, 404).await;
        let_changes_settle().await;

        let (items, _) = walk(&app, &app.url(SERIES)).await;
        assert_rpde_order(&items, "SessionSeries");
        for id in [draft, public] {
            let found = items_with_id(&items, id);
            assert_eq!(found.len(), 1, "{items:#?}");
            assert_eq!(found[0]["state"], "deleted", "{}", found[0]);
        }
        let (sessions, _) = walk(&app, &app.url(SESSIONS)).await;
        assert_eq!(items_with_id(&sessions, draft_session)[0]["state"], "deleted");
        assert!(sessions.iter().all(|s| s["state"] == "deleted"), "nothing here is public");
    }

    async fn malformed_feed_parameters_are_refused_naming_the_parameter(app) {
        let client = app.client();
        for (query, name) in [
            ("afterTimestamp=yesterday&afterId=1", "afterTimestamp"),
            ("afterTimestamp=1764000000000&afterId=abc", "afterId"),
            ("afterTimestamp=1764000000000", "afterId"),
            ("limit=0", "limit"),
            ("limit=501", "limit"),
        ] {
            for feed in [SERIES, SESSIONS] {
                let resp = app.get(&client, &format!("{feed}?{query}")).await;
                let body = expect_error(resp, 400, "bad_request").await;
                let message = body["error"]["message"].as_str().unwrap_or("");
                assert!(message.contains(name), "{feed}?{query}: {message}");
            }
        }
        let body = expect_error(app.get(&client, "/feeds/organizations.json?page=0").await, 400, "bad_request").await;
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("page"));
    }

    async fn the_organizations_list_shows_the_accredited_ones_hsds_style(app) {
        let owner = app.signup_verified_user("hsds@example.org", "Olga", PASSWORD).await;
        let (accredited, _admin) = app.accredited_org(&owner, "Casa di Quartiere Padova").await;
        app.create_org(&owner, "In Attesa di Giudizio").await;

        let resp = app.get(&app.client(), "/feeds/organizations.json").await;
        let body = expect_status(resp, 200).await;
        assert_eq!(body["total_items"], 1, "{body}");
        assert_eq!(body["page_number"], 1);
        assert_eq!(body["first_page"], true);
        assert_eq!(body["last_page"], true);
        assert_eq!(body["empty"], false);
        let contents = body["contents"].as_array().expect("contents");
        assert_eq!(contents.len(), 1, "only accredited organizations: {body}");
        let o = &contents[0];
        assert!(uuid::Uuid::parse_str(o["id"].as_str().unwrap_or("")).is_ok(), "{o}");
        assert_eq!(o["name"], "Casa di Quartiere Padova");
        assert_eq!(o["description"], "Tea, cards and a chat on Thursday afternoons.");
        assert_eq!(o["email"], "ciao@example.org");
        assert_eq!(o["url"], "https://example.org");
        assert_eq!(o["website"], "https://example.org");
        assert_eq!(o["kind"], "association");
        assert_eq!(o["uri"], format!("{}/organizations/{}", app.address, id_of(&accredited)));
        assert_eq!(o["phones"][0]["number"], "+39 02 1234567");
        let location = &o["locations"][0];
        assert_eq!(location["location_type"], "physical");
        assert_eq!(location["latitude"], 45.4969);
        assert_eq!(location["longitude"], 9.2241);
        assert_eq!(location["addresses"][0]["address_1"], "Via Padova 21, 20127 Milano");
        assert_eq!(location["addresses"][0]["postal_code"], "20127");
        assert_eq!(location["addresses"][0]["country"], "IT");

        // Identifiers are stable from one request to the next.
        let again = expect_status(app.get(&app.client(), "/feeds/organizations.json").await, 200).await;
        assert_eq!(again["contents"][0]["id"], o["id"]);
    }

    async fn the_api_documentation_is_served_from_the_binary_under_a_strict_policy(app) {
        let client = app.client();
        let resp = app.get(&client, "/api/docs").await;
        assert_eq!(expect_see_other(&resp), "/api/docs/");
        let resp = app.get(&client, "/api/docs/").await;
        let csp = resp
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let html = expect_page(resp, 200).await;
        assert!(html.contains("swagger-ui-bundle.js"), "{html}");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe-eval") && !csp.contains("unsafe-inline"), "{csp}");
        // Every script the page loads comes from this server.
        for src in ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-initializer.js"] {
            let resp = app.get(&client, &format!("/api/docs/{src}")).await;
            let js = expect_page(resp, 200).await;
            if src == "swagger-initializer.js" {
                assert!(js.contains("/api/docs/openapi.json"), "{js}");
            }
        }
        let doc = expect_status(app.get(&client, "/api/docs/openapi.json").await, 200).await;
        assert!(doc["paths"]["/api/v1/sessions"].is_object(), "the API's own document");
    }
}
