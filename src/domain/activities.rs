//! Activities: the vocabulary (cost, accessibility, low-barrier features, audiences) and the
//! checks on what an organizer types.

use super::schedule::{Schedule, ScheduleError};
use super::validation::{
    optional_email, optional_line, optional_phone, optional_text, required_line,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Venue accessibility features (besides wheelchair access).
pub const ACCESSIBILITY: &[&str] = &[
    "step_free",
    "accessible_toilet",
    "hearing_loop",
    "sign_language",
    "seating",
    "quiet_space",
];
/// Low-barrier features.
pub const LOW_BARRIER: &[&str] = &[
    "drop_in",
    "first_timer_friendly",
    "welcomer",
    "come_alone",
    "language_light",
];
/// Audience hints.
pub const AUDIENCES: &[&str] = &[
    "all_ages",
    "seniors",
    "families",
    "newcomers",
    "young_adults",
];
/// Wheelchair access levels, from none to full.
pub const WHEELCHAIR: &[&str] = &["no", "partial", "full"];
/// Cost kinds.
pub const COST_KINDS: &[&str] = &["free", "amount", "pay_what_you_can"];
/// Life-cycle of an activity.
pub const STATUSES: &[&str] = &["draft", "published", "paused", "cancelled"];
/// Most interests an activity may carry.
pub const MAX_INTERESTS: usize = 5;

/// Practical texts shown on the activity page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Practical {
    #[serde(default)]
    pub meeting_point: String,
    #[serde(default)]
    pub what_to_expect: String,
    #[serde(default)]
    pub what_to_bring: String,
}

/// What an organizer sends to create or edit an activity (JSON or form, before checks).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActivityDraft {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub venue_name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    /// IANA time zone of the start time; the organization's city by default.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Local start of the first session, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub duration_minutes: i64,
    /// RFC 5545 RRULE (e.g. `FREQ=WEEKLY;BYDAY=TU`); empty for a one-off.
    #[serde(default)]
    pub rrule: String,
    /// Local start times of skipped occurrences.
    #[serde(default)]
    pub exdates: Vec<String>,
    /// Seats; none for unlimited.
    #[serde(default)]
    pub capacity: Option<i64>,
    /// Of the seats, how many are held for residents referred by linkers (released to
    /// everyone a configured time before each session). Needs a capacity.
    #[serde(default)]
    pub reserved_seats: i64,
    /// free | amount | pay_what_you_can
    #[serde(default = "default_cost")]
    pub cost_kind: String,
    /// Price in euro cents when `cost_kind` is `amount`.
    #[serde(default)]
    pub cost_cents: i64,
    /// Help with the cost is available on request.
    #[serde(default)]
    pub cost_help: bool,
    /// Languages spoken (ISO 639-1 codes).
    #[serde(default)]
    pub languages: Vec<String>,
    /// no | partial | full
    #[serde(default = "default_wheelchair")]
    pub wheelchair: String,
    #[serde(default)]
    pub accessibility: Vec<String>,
    #[serde(default)]
    pub low_barrier: Vec<String>,
    #[serde(default)]
    pub practical: Practical,
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
    /// Interest ids (1–5).
    #[serde(default)]
    pub interests: Vec<i64>,
}

fn default_cost() -> String {
    "free".into()
}
fn default_wheelchair() -> String {
    "no".into()
}

/// A checked activity, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityInput {
    pub title: String,
    pub description: String,
    pub venue_name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub schedule: Schedule,
    pub capacity: Option<i32>,
    pub reserved_seats: i32,
    pub cost_kind: String,
    pub cost_cents: i32,
    pub cost_help: bool,
    pub languages: Vec<String>,
    pub wheelchair: String,
    pub accessibility: Vec<String>,
    pub low_barrier: Vec<String>,
    pub practical: Practical,
    pub audience: Vec<String>,
    pub contact_phone: String,
    pub contact_email: String,
    pub interests: Vec<i64>,
}

fn tags(values: &[String], allowed: &[&str]) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if !allowed.contains(&v) {
            return Err("err-unknown-value");
        }
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    Ok(out)
}

/// Splits a stored comma list.
pub fn split_tags(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

impl ActivityDraft {
    /// Checks everything; reports every problem at once (field → Fluent message id).
    pub fn check(&self, default_tz: &str) -> Result<ActivityInput, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let mut err = |f: &str, m: &str| {
            errors.entry(f.to_string()).or_insert_with(|| m.to_string());
        };
        let title = required_line(&self.title, 120)
            .and_then(|t| {
                if t.chars().count() < 3 {
                    Err("err-too-short")
                } else {
                    Ok(t)
                }
            })
            .map_err(|m| err("title", m))
            .unwrap_or_default();
        let description = optional_text(&self.description, 4000)
            .map_err(|m| err("description", m))
            .unwrap_or_default();
        let venue_name = required_line(&self.venue_name, 120)
            .map_err(|m| err("venue_name", m))
            .unwrap_or_default();
        let address = required_line(&self.address, 200)
            .map_err(|m| err("address", m))
            .unwrap_or_default();
        if !self.latitude.is_finite() || self.latitude.abs() > 90.0 {
            err("latitude", "err-coordinate");
        }
        if !self.longitude.is_finite() || self.longitude.abs() > 180.0 {
            err("longitude", "err-coordinate");
        }
        let tz = self
            .timezone
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| default_tz.to_string());
        let schedule = match Schedule::parse(
            &tz,
            &self.starts_at,
            self.duration_minutes,
            &self.rrule,
            &self.exdates,
        ) {
            Ok(s) => Some(s),
            Err(ScheduleError { field, message_id }) => {
                err(field, message_id);
                None
            }
        };
        let capacity = match self.capacity {
            None => None,
            Some(c) if (1..=10_000).contains(&c) => Some(c as i32),
            Some(_) => {
                err("capacity", "err-capacity");
                None
            }
        };
        let reserved_seats = match (self.reserved_seats, capacity) {
            (0, _) => 0,
            (r, Some(c)) if r > 0 && r <= c as i64 => r as i32,
            _ => {
                err("reserved_seats", "err-reserved-seats");
                0
            }
        };
        let cost_kind = self.cost_kind.trim().to_string();
        let mut cost_cents = 0;
        if !COST_KINDS.contains(&cost_kind.as_str()) {
            err("cost_kind", "err-unknown-value");
        } else if cost_kind == "amount" {
            if (1..=100_000).contains(&self.cost_cents) {
                cost_cents = self.cost_cents as i32;
            } else {
                err("cost_cents", "err-cost");
            }
        } else if self.cost_cents < 0 {
            err("cost_cents", "err-cost");
        }
        let mut languages = Vec::new();
        for l in &self.languages {
            let l = l.trim().to_ascii_lowercase();
            if l.is_empty() {
                continue;
            }
            if !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()) {
                err("languages", "err-language-code");
            } else if !languages.contains(&l) {
                languages.push(l);
            }
        }
        if languages.is_empty() {
            err("languages", "err-languages-missing");
        }
        let wheelchair = self.wheelchair.trim().to_string();
        if !WHEELCHAIR.contains(&wheelchair.as_str()) {
            err("wheelchair", "err-unknown-value");
        }
        let accessibility = tags(&self.accessibility, ACCESSIBILITY)
            .map_err(|m| err("accessibility", m))
            .unwrap_or_default();
        let low_barrier = tags(&self.low_barrier, LOW_BARRIER)
            .map_err(|m| err("low_barrier", m))
            .unwrap_or_default();
        let audience = tags(&self.audience, AUDIENCES)
            .map_err(|m| err("audience", m))
            .unwrap_or_default();
        let practical = Practical {
            meeting_point: optional_line(&self.practical.meeting_point, 200)
                .map_err(|m| err("meeting_point", m))
                .unwrap_or_default(),
            what_to_expect: optional_text(&self.practical.what_to_expect, 1000)
                .map_err(|m| err("what_to_expect", m))
                .unwrap_or_default(),
            what_to_bring: optional_text(&self.practical.what_to_bring, 500)
                .map_err(|m| err("what_to_bring", m))
                .unwrap_or_default(),
        };
        let contact_phone = optional_phone(&self.contact_phone)
            .map_err(|m| err("contact_phone", m))
            .unwrap_or_default();
        let contact_email = optional_email(&self.contact_email)
            .map_err(|m| err("contact_email", m))
            .unwrap_or_default();
        let mut interests: Vec<i64> = self.interests.clone();
        interests.sort_unstable();
        interests.dedup();
        if interests.is_empty() || interests.len() > MAX_INTERESTS {
            err("interests", "err-interests-count");
        }
        match (errors.is_empty(), schedule) {
            (true, Some(schedule)) => Ok(ActivityInput {
                title,
                description,
                venue_name,
                address,
                latitude: self.latitude,
                longitude: self.longitude,
                schedule,
                capacity,
                reserved_seats,
                cost_kind,
                cost_cents,
                cost_help: self.cost_help,
                languages,
                wheelchair,
                accessibility,
                low_barrier,
                practical,
                audience,
                contact_phone,
                contact_email,
                interests,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ActivityDraft {
        ActivityDraft {
            title: "Camminata del martedì".into(),
            venue_name: "Arena Civica".into(),
            address: "Viale Byron 2".into(),
            latitude: 45.4753,
            longitude: 9.1783,
            starts_at: "2026-12-01T10:00".into(),
            duration_minutes: 60,
            rrule: "FREQ=WEEKLY;BYDAY=TU".into(),
            languages: vec!["it".into()],
            interests: vec![1],
            cost_kind: "free".into(),
            wheelchair: "partial".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_draft_passes() {
        let a = draft().check("Europe/Rome").unwrap();
        assert_eq!(a.schedule.rrule, "FREQ=WEEKLY;BYDAY=TU");
        assert_eq!(a.capacity, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut d = draft();
        d.capacity = Some(-1);
        d.cost_kind = "amount".into();
        d.cost_cents = -5;
        d.latitude = 123.0;
        d.interests = vec![];
        d.rrule = "FREQ=SOMETIMES".into();
        d.accessibility = vec!["teleporter".into()];
        let e = d.check("Europe/Rome").unwrap_err();
        for f in [
            "capacity",
            "cost_cents",
            "latitude",
            "interests",
            "rrule",
            "accessibility",
        ] {
            assert!(e.contains_key(f), "{f} not reported in {e:?}");
        }
    }
}
