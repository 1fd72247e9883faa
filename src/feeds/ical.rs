//! iCalendar (RFC 5545) files, written with the `icalendar` crate:
//!
//! * one session: a single VEVENT (`UID:session-{id}@{host}`);
//! * one series: a master VEVENT with `DTSTART;TZID=…`, the `RRULE` and one `EXDATE;TZID=…` per
//!   exception date and per session that a rule change removed; every session edited on its
//!   own (moved, annotated) or cancelled on its own becomes an extra VEVENT with the same UID,
//!   `RECURRENCE-ID;TZID=…` = its original local start, its own times and `STATUS`;
//! * a search: one VEVENT per session found (at most [`MAX_SEARCH_EVENTS`]), the same events
//!   as the single-session files, so a subscription and a download agree.
//!
//! Times are local wall-clock times with a `TZID` parameter naming the IANA zone
//! (`Europe/Rome`). The `icalendar` crate cannot generate a VTIMEZONE component (it has no
//! time-zone definitions), so none is written; Google Calendar, Apple Calendar, Outlook and
//! Thunderbird resolve IANA `TZID`s on their own, and `X-WR-TIMEZONE` names the zone too.

use super::{
    activity_is_public, activity_url, city_tz, first_occurrence, org_of, session_is_public,
    session_url, site_host, tz_of, utc,
};
use crate::db::activities::{self as adb, Activity, SessionRow};
use crate::db::orgs::{self, Organization};
use crate::db::OrganizationId;
use crate::error::AppError;
use crate::services::activities::schedule_of;
use crate::services::discovery::{self, SearchParams};
use crate::state::AppState;
use chrono::{Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use std::collections::HashMap;

/// The most events a search calendar carries.
pub const MAX_SEARCH_EVENTS: usize = 500;
/// The page size used to walk the search results.
const SEARCH_PAGE: usize = 50;

/// The UID of a single session's event.
pub fn session_uid(host: &str, id: i64) -> String {
    format!("session-{id}@{host}")
}

/// The UID of a series (its master event and its overrides).
pub fn activity_uid(host: &str, id: i64) -> String {
    format!("activity-{id}@{host}")
}

/// An empty calendar with our product id, a name and the zone of its times.
fn calendar(name: &str, tz: Tz) -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Legami//Legami calendar//IT"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(name)
        .timezone(tz);
    cal
}

/// The text of an event: the activity's description, who organizes it, the session's note.
fn description(a: &Activity, organization: &str, note: &str) -> String {
    [a.description.trim(), organization.trim(), note.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Venue and address, as one line.
fn place(a: &Activity) -> String {
    [a.venue_name.trim(), a.address.trim()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stored UTC time as local wall-clock time in `tz`.
fn local(t: NaiveDateTime, tz: Tz) -> NaiveDateTime {
    utc(t).with_timezone(&tz).naive_local()
}

/// What differs between the events of one activity.
struct Details<'a> {
    note: &'a str,
    url: String,
    cancelled: bool,
    /// Last change (DTSTAMP and LAST-MODIFIED).
    modified: NaiveDateTime,
    /// Latitude, longitude.
    position: (f64, f64),
}

impl<'a> Details<'a> {
    /// The details of a session's own event or override.
    fn of_session(s: &'a SessionRow, a: &Activity, url: String, series_cancelled: bool) -> Self {
        Details {
            note: &s.note,
            url,
            cancelled: series_cancelled || s.status == "cancelled",
            modified: s.updated_at.max(a.updated_at),
            position: (s.latitude, s.longitude),
        }
    }

    /// The details of a series' master event.
    fn of_series(a: &Activity, url: String) -> Self {
        Details {
            note: "",
            url,
            cancelled: a.status == "cancelled",
            modified: a.updated_at,
            position: (a.latitude, a.longitude),
        }
    }
}

/// What every event of an activity shares: title, text, place, position, status, stamps.
fn common(e: &mut Event, a: &Activity, organization: &str, d: Details<'_>) {
    e.summary(&a.title)
        .description(&description(a, organization, d.note))
        .location(&place(a))
        .url(&d.url)
        .status(if d.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        })
        .timestamp(utc(d.modified))
        .last_modified(utc(d.modified))
        .add_property("GEO", format!("{};{}", d.position.0, d.position.1));
}

/// The event of one session, with its own UID.
fn session_event(state: &AppState, s: &SessionRow, a: &Activity, organization: &str) -> Event {
    let tz = tz_of(state, a);
    let mut e = Event::new();
    e.uid(&session_uid(&site_host(state), s.id))
        .starts((local(s.starts_at, tz), tz))
        .ends((local(s.ends_at, tz), tz));
    let details = Details::of_session(s, a, session_url(state, s.id), false);
    common(&mut e, a, organization, details);
    e.done()
}

/// The events of a series: the master and its overrides (or the single event of a one-off).
fn series_events(
    state: &AppState,
    a: &Activity,
    organization: &str,
    sessions: &[SessionRow],
) -> Result<Vec<Event>, AppError> {
    let schedule = schedule_of(a)?;
    let tz = schedule.tz;
    let uid = activity_uid(&site_host(state), a.id);
    let url = activity_url(state, a.id);
    let length = Duration::minutes(i64::from(a.duration_minutes));
    let series_cancelled = a.status == "cancelled";
    let live: Vec<&SessionRow> = sessions.iter().filter(|s| s.deleted_at.is_none()).collect();

    if schedule.rrule.is_empty() {
        // A one-off: one event, at its session's time when it was moved.
        let event = match live.first() {
            Some(s) => {
                let mut e = Event::new();
                e.uid(&uid)
                    .starts((local(s.starts_at, tz), tz))
                    .ends((local(s.ends_at, tz), tz));
                let details = Details::of_session(s, a, url.clone(), series_cancelled);
                common(&mut e, a, organization, details);
                Some(e.done())
            }
            None if !schedule.exdates.contains(&schedule.dtstart_local) => {
                let mut e = Event::new();
                e.uid(&uid)
                    .starts((schedule.dtstart_local, tz))
                    .ends((schedule.dtstart_local + length, tz));
                common(&mut e, a, organization, Details::of_series(a, url.clone()));
                Some(e.done())
            }
            None => None,
        };
        return Ok(event.into_iter().collect());
    }

    let start = first_occurrence(&schedule);
    let mut master = Event::new();
    master
        .uid(&uid)
        .starts((start, tz))
        .ends((start + length, tz))
        .add_property("RRULE", schedule.rrule.clone());
    common(&mut master, a, organization, Details::of_series(a, url));
    // Exception dates, and the occurrences a rule change removed.
    let mut skipped: Vec<NaiveDateTime> = schedule.exdates.clone();
    skipped.extend(
        sessions
            .iter()
            .filter(|s| s.deleted_at.is_some())
            .map(|s| s.slot_local),
    );
    skipped.sort();
    skipped.dedup();
    for ex in skipped {
        master.exdate((ex, tz));
    }
    let mut events = vec![master.done()];
    // Occurrences changed on their own: same UID, RECURRENCE-ID = the original local start.
    for s in live {
        let cancelled_alone = s.status == "cancelled" && !series_cancelled;
        if !(s.is_override || cancelled_alone || !s.note.is_empty()) {
            continue;
        }
        let mut e = Event::new();
        e.uid(&uid)
            .recurrence_id((s.slot_local, tz))
            .starts((local(s.starts_at, tz), tz))
            .ends((local(s.ends_at, tz), tz));
        let details = Details::of_session(s, a, session_url(state, s.id), series_cancelled);
        common(&mut e, a, organization, details);
        events.push(e.done());
    }
    Ok(events)
}

/// Loads a public activity with its organization, or `NotFound`.
fn public_activity(
    conn: &mut crate::db::AnyConnection,
    id: i64,
) -> Result<(Activity, Organization), AppError> {
    let a = adb::find_activity(conn, id)?.ok_or(AppError::NotFound)?;
    let org = orgs::find_organization(conn, OrganizationId(a.organization_id))?
        .ok_or(AppError::NotFound)?;
    if !activity_is_public(&a, &org.status) {
        return Err(AppError::NotFound);
    }
    Ok((a, org))
}

/// The calendar of one public session.
pub async fn session_calendar(state: &AppState, id: i64) -> Result<String, AppError> {
    let (s, a, org) = state
        .db
        .run(move |conn| {
            let s = adb::find_session(conn, id)?.ok_or(AppError::NotFound)?;
            let (a, org) = public_activity(conn, s.activity_id)?;
            if !session_is_public(&s, &a, &org.status) {
                return Err(AppError::NotFound);
            }
            Ok((s, a, org))
        })
        .await?;
    let mut cal = calendar(&a.title, tz_of(state, &a));
    cal.push(session_event(state, &s, &a, &org.name));
    Ok(cal.to_string())
}

/// The calendar of one public series (or one-off).
pub async fn activity_calendar(state: &AppState, id: i64) -> Result<String, AppError> {
    let (a, org, sessions) = state
        .db
        .run(move |conn| {
            let (a, org) = public_activity(conn, id)?;
            let sessions = adb::all_sessions_of(conn, id)?;
            Ok((a, org, sessions))
        })
        .await?;
    let mut cal = calendar(&a.title, tz_of(state, &a));
    cal.extend(series_events(state, &a, &org.name, &sessions)?);
    Ok(cal.to_string())
}

/// A subscribable calendar of a search (the query of `GET /api/v1/sessions`): every page of
/// results up to [`MAX_SEARCH_EVENTS`] sessions. The search's own `limit` and `cursor` are
/// ignored.
pub async fn search_calendar(state: &AppState, params: SearchParams) -> Result<String, AppError> {
    let mut p = params;
    p.limit = Some(SEARCH_PAGE);
    p.cursor = None;
    let mut found = Vec::new();
    loop {
        let page = discovery::search(state, &p).await?;
        found.extend(page.items);
        match page.next_cursor {
            Some(c) if found.len() < MAX_SEARCH_EVENTS => p.cursor = Some(c),
            _ => break,
        }
    }
    found.truncate(MAX_SEARCH_EVENTS);

    // The search gives summaries; the events want the rows (text, stamps, notes).
    let mut earliest: HashMap<i64, NaiveDateTime> = HashMap::new();
    for item in &found {
        let t = item.starts_at.naive_utc();
        earliest
            .entry(item.activity_id)
            .and_modify(|e| *e = (*e).min(t))
            .or_insert(t);
    }
    let (activities, sessions, organizations) = state
        .db
        .run(move |conn| {
            let ids: Vec<i64> = earliest.keys().copied().collect();
            let activities = adb::activities_by_ids(conn, &ids)?;
            let mut sessions: HashMap<i64, SessionRow> = HashMap::new();
            for (id, from) in &earliest {
                for s in adb::sessions_of(conn, *id, *from)? {
                    sessions.insert(s.id, s);
                }
            }
            let organizations = orgs::list_organizations(conn, None)?;
            Ok((activities, sessions, organizations))
        })
        .await?;
    let mut cal = calendar(
        &format!("Legami · {}", state.settings.city.name),
        city_tz(state),
    );
    cal.append_property(Property::new("METHOD", "PUBLISH"))
        .ttl(&Duration::hours(1));
    for item in &found {
        let (Some(s), Some(a)) = (
            sessions.get(&item.id),
            activities.iter().find(|a| a.id == item.activity_id),
        ) else {
            continue;
        };
        let Some(org) = org_of(&organizations, a.organization_id) else {
            continue;
        };
        if !session_is_public(s, a, &org.status) {
            continue;
        }
        let mut e = session_event(state, s, a, &org.name);
        // With METHOD present DTSTAMP is when this file was made; LAST-MODIFIED keeps the edit.
        e.timestamp(Utc::now());
        cal.push(e);
    }
    Ok(cal.to_string())
}
