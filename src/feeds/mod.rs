//! What Legami publishes for other programs: iCalendar files (one session, one series, a
//! subscribable search) and open data — OpenActive-style RPDE feeds of the series and their
//! sessions, and an HSDS-style list of the accredited organizations.
//!
//! Everything here is public: only what an anonymous visitor may see goes out. An activity is
//! public when its organization is accredited, the activity is `published` or `cancelled`, and
//! it is not soft-deleted; a session is public when it is not soft-deleted and its activity is.
//! The HTTP side lives in [`crate::routes::feeds`].

pub mod hsds;
pub mod ical;
pub mod openactive;
pub mod rpde;

use crate::db::activities::{Activity, SessionRow};
use crate::db::orgs::Organization;
use crate::domain::organizations::Status;
use crate::domain::schedule::{to_utc, Schedule};
use crate::state::AppState;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// Whether anyone may see an activity (of an organization with status `org_status`).
pub fn activity_is_public(a: &Activity, org_status: &str) -> bool {
    a.deleted_at.is_none()
        && org_status == Status::Accredited.as_str()
        && matches!(a.status.as_str(), "published" | "cancelled")
}

/// Whether anyone may see a session of a public activity.
pub fn session_is_public(s: &SessionRow, a: &Activity, org_status: &str) -> bool {
    s.deleted_at.is_none() && activity_is_public(a, org_status)
}

/// The organization with `id` among `orgs`.
pub fn org_of(orgs: &[Organization], id: i64) -> Option<&Organization> {
    orgs.iter().find(|o| o.id == id)
}

/// The time zone of an activity (the city's when the stored name is unknown).
pub fn tz_of(state: &AppState, a: &Activity) -> Tz {
    a.timezone
        .parse()
        .or_else(|_| state.settings.city.timezone.parse())
        .unwrap_or(chrono_tz::Europe::Rome)
}

/// The city's time zone.
pub fn city_tz(state: &AppState) -> Tz {
    state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome)
}

/// The first occurrence the rule itself generates (exception dates aside): RFC 5545 leaves a
/// DTSTART that the rule would not produce undefined, so the master starts there.
pub fn first_occurrence(schedule: &Schedule) -> NaiveDateTime {
    let bare = Schedule {
        exdates: Vec::new(),
        ..schedule.clone()
    };
    let Some(start) = to_utc(bare.tz, bare.dtstart_local) else {
        return bare.dtstart_local;
    };
    // A month finds the first occurrence of nearly every rule cheaply; a year the rest.
    [31, 366]
        .into_iter()
        .find_map(|days| {
            bare.expand(start, start + Duration::days(days))
                .ok()
                .and_then(|slots| slots.first().map(|s| s.local))
        })
        .unwrap_or(bare.dtstart_local)
}

/// A stored UTC time as a `DateTime<Utc>`.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// The host of the public site (for iCalendar UIDs and stable identifiers).
pub fn site_host(state: &AppState) -> String {
    url::Url::parse(&state.settings.server.site_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "legami.local".to_string())
}

/// The public page of an activity.
pub fn activity_url(state: &AppState, id: i64) -> String {
    state.link(&format!("/activities/{id}"))
}

/// The public page of a session.
pub fn session_url(state: &AppState, id: i64) -> String {
    state.link(&format!("/sessions/{id}"))
}

/// The public page of an organization.
pub fn organization_url(state: &AppState, id: i64) -> String {
    state.link(&format!("/organizations/{id}"))
}
