//! OpenActive-style open data (<https://openactive.io/modelling-opportunity-data/>): the series
//! as `SessionSeries` and their sessions as `ScheduledSession`, each in an RPDE feed
//! ([`super::rpde`]).
//!
//! Choices worth knowing:
//! * `id` and `identifier` are the database ids; `@id` and `url` are the public pages.
//! * A session's `superEvent` is its series' `@id` (the series comes from the other feed).
//! * `eventSchedule` is one `PartialSchedule` (the sessions themselves are in the other feed):
//!   `repeatFrequency`, `byDay`, `byMonth`, `byMonthDay`, `byMonthWeek`, `repeatCount`,
//!   `endDate` where the rule says so simply, and always the rule itself as `ical:rrule` (the
//!   RFC 5545 RRULE value, in the W3C RDF Calendar vocabulary
//!   <http://www.w3.org/2002/12/cal/ical#>), plus `exceptDate`.
//! * Venue accessibility goes in `location.amenityFeature` as `LocationFeatureSpecification`s
//!   named after Legami's tags (`wheelchair` with value `no` | `partial` | `full`, then
//!   `step_free`, `accessible_toilet`, `hearing_loop`, `sign_language`, `seating`,
//!   `quiet_space` with value `true`).
//! * A session moved on its own is `EventRescheduled` with `previousStartDate`; a cancelled one
//!   `EventCancelled`; the rest `EventScheduled`.
//! * Dates inside `data` carry the local offset (`2026-12-01T10:00:00+01:00`).

use super::rpde::{self, Item, Page, PageQuery};
use super::{activity_is_public, activity_url, org_of, organization_url, session_url, tz_of, utc};
use crate::db::activities::{self as adb, Activity, Interest, SessionRow};
use crate::db::orgs::{self, Organization};
use crate::domain::activities::split_tags;
use crate::domain::schedule::{to_utc, Schedule};
use crate::error::AppError;
use crate::services::activities::schedule_of;
use crate::state::AppState;
use chrono::{Duration, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};
use std::str::FromStr;

/// The RPDE kind of the series feed.
pub const KIND_SERIES: &str = "SessionSeries";
/// The RPDE kind of the sessions feed.
pub const KIND_SESSION: &str = "ScheduledSession";

/// Path of the series feed.
pub const SERIES_PATH: &str = "/feeds/openactive/session-series";
/// Path of the sessions feed.
pub const SESSIONS_PATH: &str = "/feeds/openactive/scheduled-sessions";

fn context() -> Value {
    json!([
        "https://openactive.io/",
        "https://openactive.io/ns-beta",
        {"ical": "http://www.w3.org/2002/12/cal/ical#"}
    ])
}

/// The country of a city's time zone, where it is plain.
pub fn country_of(tz: Tz) -> Option<&'static str> {
    match tz {
        chrono_tz::Europe::Rome => Some("IT"),
        _ => None,
    }
}

/// A stored UTC time as ISO 8601 with the local offset.
fn with_offset(t: NaiveDateTime, tz: Tz) -> String {
    utc(t).with_timezone(&tz).to_rfc3339()
}

/// A local time as ISO 8601 with its offset (the earlier one when ambiguous).
fn local_with_offset(local: NaiveDateTime, tz: Tz) -> Option<String> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|d| d.to_rfc3339())
}

fn schema_day(d: chrono::Weekday) -> String {
    let name = match d {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    };
    format!("https://schema.org/{name}")
}

/// The `PartialSchedule` of a recurring series.
fn event_schedule(schedule: &Schedule, duration_minutes: i32) -> Value {
    let tz = schedule.tz;
    let start = super::first_occurrence(schedule);
    let end = start + Duration::minutes(i64::from(duration_minutes));
    let mut s = Map::new();
    s.insert("@type".into(), json!("PartialSchedule"));
    s.insert("scheduleTimezone".into(), json!(tz.name()));
    s.insert("startDate".into(), json!(start.date().to_string()));
    s.insert("startTime".into(), json!(start.format("%H:%M").to_string()));
    s.insert("endTime".into(), json!(end.format("%H:%M").to_string()));
    s.insert("duration".into(), json!(format!("PT{duration_minutes}M")));
    s.insert("ical:rrule".into(), json!(schedule.rrule));
    if let Ok(rule) = rrule::RRule::<rrule::Unvalidated>::from_str(&schedule.rrule) {
        let n = rule.get_interval().max(1);
        let every = match rule.get_freq() {
            rrule::Frequency::Yearly => Some(format!("P{n}Y")),
            rrule::Frequency::Monthly => Some(format!("P{n}M")),
            rrule::Frequency::Weekly => Some(format!("P{n}W")),
            rrule::Frequency::Daily => Some(format!("P{n}D")),
            _ => None,
        };
        if let Some(every) = every {
            s.insert("repeatFrequency".into(), json!(every));
        }
        let mut days = Vec::new();
        let mut weeks = Vec::new();
        let mut simple = true;
        for d in rule.get_by_weekday() {
            match d {
                rrule::NWeekday::Every(w) => days.push(schema_day(*w)),
                rrule::NWeekday::Nth(k, w) if (1..=5).contains(k) => {
                    days.push(schema_day(*w));
                    weeks.push(*k);
                }
                rrule::NWeekday::Nth(..) => simple = false,
            }
        }
        if simple && !days.is_empty() {
            days.dedup();
            s.insert("byDay".into(), json!(days));
            if !weeks.is_empty() {
                weeks.sort_unstable();
                weeks.dedup();
                s.insert("byMonthWeek".into(), json!(weeks));
            }
        }
        if !rule.get_by_month().is_empty() {
            s.insert("byMonth".into(), json!(rule.get_by_month()));
        }
        let month_days: Vec<i8> = rule
            .get_by_month_day()
            .iter()
            .copied()
            .filter(|d| *d > 0)
            .collect();
        if !month_days.is_empty() {
            s.insert("byMonthDay".into(), json!(month_days));
        }
        if let Some(count) = rule.get_count() {
            s.insert("repeatCount".into(), json!(count));
        }
        if let Some(until) = rule.get_until() {
            let day = until.with_timezone(&tz).date_naive();
            s.insert("endDate".into(), json!(day.to_string()));
        }
    }
    let except: Vec<String> = schedule
        .exdates
        .iter()
        .filter_map(|d| local_with_offset(*d, tz))
        .collect();
    if !except.is_empty() {
        s.insert("exceptDate".into(), json!(except));
    }
    Value::Object(s)
}

/// The `data` of a public series.
fn series_data(
    state: &AppState,
    a: &Activity,
    org: &Organization,
    interests: &[&Interest],
) -> Value {
    let tz = tz_of(state, a);
    let url = activity_url(state, a.id);
    let mut organizer = json!({
        "@type": "Organization",
        "@id": organization_url(state, org.id),
        "identifier": org.id,
        "name": org.name,
        "url": if org.website.trim().is_empty() { organization_url(state, org.id) } else { org.website.clone() },
    });
    if !org.email.trim().is_empty() {
        organizer["email"] = json!(org.email);
    }
    if !org.phone.trim().is_empty() {
        organizer["telephone"] = json!(org.phone);
    }
    let mut address = json!({
        "@type": "PostalAddress",
        "streetAddress": a.address,
        "addressLocality": state.settings.city.name,
    });
    if let Some(c) = country_of(tz) {
        address["addressCountry"] = json!(c);
    }
    let mut features = vec![json!({
        "@type": "LocationFeatureSpecification",
        "name": "wheelchair",
        "value": a.wheelchair,
    })];
    features.extend(
        split_tags(&a.accessibility)
            .into_iter()
            .map(|t| json!({"@type": "LocationFeatureSpecification", "name": t, "value": true})),
    );
    let price = if a.cost_kind == "amount" {
        f64::from(a.cost_cents) / 100.0
    } else {
        0.0
    };
    let mut offer = json!({
        "@type": "Offer",
        "@id": format!("{url}#offer"),
        "price": price,
        "priceCurrency": "EUR",
    });
    if a.cost_kind == "pay_what_you_can" {
        offer["description"] = json!("Pay what you can");
    }
    let mut data = json!({
        "@context": context(),
        "@type": "SessionSeries",
        "@id": url,
        "identifier": a.id,
        "url": url,
        "name": a.title,
        "description": a.description,
        "eventStatus": if a.status == "cancelled" { "https://schema.org/EventCancelled" } else { "https://schema.org/EventScheduled" },
        "duration": format!("PT{}M", a.duration_minutes),
        "organizer": organizer,
        "location": {
            "@type": "Place",
            "name": a.venue_name,
            "address": address,
            "geo": {"@type": "GeoCoordinates", "latitude": a.latitude, "longitude": a.longitude},
            "amenityFeature": features,
        },
        "offers": [offer],
        "isAccessibleForFree": a.cost_kind != "amount",
        "inLanguage": split_tags(&a.languages),
        "activity": interests.iter().map(|i| json!({
            "@type": "Concept",
            "@id": state.link(&format!("/api/v1/interests#{}", i.slug)),
            "prefLabel": i.name_it,
            "inScheme": state.link("/api/v1/interests"),
        })).collect::<Vec<_>>(),
    });
    if let Some(c) = a.capacity {
        data["maximumAttendeeCapacity"] = json!(c);
    }
    if let Ok(schedule) = schedule_of(a) {
        if schedule.rrule.is_empty() {
            if let Some(start) = local_with_offset(schedule.dtstart_local, tz) {
                data["startDate"] = json!(start);
            }
        } else {
            data["eventSchedule"] = json!([event_schedule(&schedule, a.duration_minutes)]);
        }
    }
    data
}

/// The `data` of a public session.
fn session_data(state: &AppState, s: &SessionRow, a: &Activity) -> Value {
    let tz = tz_of(state, a);
    let url = session_url(state, s.id);
    let planned = to_utc(tz, s.slot_local).map(|d| d.naive_utc());
    let moved = s.is_override && planned.is_some_and(|p| p != s.starts_at);
    let status = if s.status == "cancelled" {
        "https://schema.org/EventCancelled"
    } else if moved {
        "https://schema.org/EventRescheduled"
    } else {
        "https://schema.org/EventScheduled"
    };
    let mut data = json!({
        "@context": context(),
        "@type": "ScheduledSession",
        "@id": url,
        "identifier": s.id,
        "url": url,
        "superEvent": activity_url(state, a.id),
        "startDate": with_offset(s.starts_at, tz),
        "endDate": with_offset(s.ends_at, tz),
        "duration": format!("PT{}M", (s.ends_at - s.starts_at).num_minutes()),
        "eventStatus": status,
    });
    if moved {
        if let Some(previous) = local_with_offset(s.slot_local, tz) {
            data["previousStartDate"] = json!(previous);
        }
    }
    if let Some(c) = a.capacity {
        data["maximumAttendeeCapacity"] = json!(c);
    }
    data
}

/// A page of the series feed.
pub async fn series_page(state: &AppState, query: PageQuery) -> Result<Page, AppError> {
    let state = state.clone();
    let base = state.link(SERIES_PATH);
    state
        .db
        .clone()
        .run(move |conn| {
            let now = crate::db::now();
            rpde::read_page(
                conn,
                &query,
                &base,
                adb::activities_changed_after,
                |a: &Activity| (a.updated_at, a.id),
                |conn, rows| {
                    let organizations = orgs::list_organizations(conn, None)?;
                    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
                    let links = adb::interests_of(conn, &ids)?;
                    let taxonomy = adb::list_interests(conn)?;
                    Ok(rows
                        .iter()
                        .filter_map(|a| {
                            let org = org_of(&organizations, a.organization_id)
                                .filter(|o| activity_is_public(a, &o.status));
                            match org {
                                Some(org) => {
                                    let interests: Vec<&Interest> = links
                                        .iter()
                                        .filter(|(aid, _)| *aid == a.id)
                                        .filter_map(|(_, i)| taxonomy.iter().find(|t| t.id == *i))
                                        .collect();
                                    let data = series_data(&state, a, org, &interests);
                                    Some(Item::updated(KIND_SERIES, a.id, a.updated_at, data))
                                }
                                None => Item::deleted(KIND_SERIES, a.id, a.updated_at, now),
                            }
                        })
                        .collect())
                },
                now - rpde::COMMIT_DELAY,
            )
        })
        .await
}

/// A page of the sessions feed.
pub async fn sessions_page(state: &AppState, query: PageQuery) -> Result<Page, AppError> {
    let state = state.clone();
    let base = state.link(SESSIONS_PATH);
    state
        .db
        .clone()
        .run(move |conn| {
            let now = crate::db::now();
            rpde::read_page(
                conn,
                &query,
                &base,
                adb::sessions_changed_after,
                |s: &SessionRow| (s.updated_at, s.id),
                |conn, rows| {
                    let organizations = orgs::list_organizations(conn, None)?;
                    let mut ids: Vec<i64> = rows.iter().map(|s| s.activity_id).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    let activities = adb::activities_by_ids(conn, &ids)?;
                    Ok(rows
                        .iter()
                        .filter_map(|s| {
                            let a = activities.iter().find(|a| a.id == s.activity_id);
                            let public = a.filter(|a| {
                                s.deleted_at.is_none()
                                    && org_of(&organizations, a.organization_id)
                                        .is_some_and(|o| activity_is_public(a, &o.status))
                            });
                            match public {
                                Some(a) => Some(Item::updated(
                                    KIND_SESSION,
                                    s.id,
                                    s.updated_at,
                                    session_data(&state, s, a),
                                )),
                                None => Item::deleted(KIND_SESSION, s.id, s.updated_at, now),
                            }
                        })
                        .collect())
                },
                now - rpde::COMMIT_DELAY,
            )
        })
        .await
}
