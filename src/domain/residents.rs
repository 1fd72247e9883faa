//! Residents: the profile a resident (or their linker) fills in, checked here; consent purposes
//! and channels; availability as a week grid; the coarse home cell.
//!
//! The exact address is never stored: a point given at intake is turned into an H3 cell of
//! resolution 8 (about 0.7 km², edges of ~460 m) before anything is written, and finer cells
//! are refused.

use super::activities::ACCESSIBILITY;
use super::validation::{display_name, optional_email, optional_phone};
use h3o::{CellIndex, LatLng, Resolution};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// The resolution of stored home cells.
pub const HOME_RESOLUTION: Resolution = Resolution::Eight;
/// Travel radius bounds, metres: a short walk … a bus ride.
pub const MIN_RADIUS_M: i64 = 500;
pub const MAX_RADIUS_M: i64 = 5000;
/// Most interests and languages a profile may list.
pub const MAX_INTERESTS: usize = 20;
pub const MAX_LANGUAGES: usize = 10;
/// Highest budget one may set (cents); above it, say "no limit".
pub const MAX_BUDGET_CENTS: i64 = 100_000;

/// What a consent is for.
pub const PURPOSES: &[&str] = &["care", "statistics", "reminders"];
/// How it was given.
pub const CHANNELS: &[&str] = &["signed_paper", "verbal", "online"];
/// How a resident came to be known.
pub const ORIGINS: &[&str] = &["self_account", "self_phone", "assisted"];
/// Life of a resident's file: active; waiting for a linker to call (phone sign-up); closed.
pub const STATUSES: &[&str] = &["active", "awaiting_linker", "closed"];
/// Weekdays as the availability grid names them (Monday first).
pub const WEEKDAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Parts of the day: morning (before 12), afternoon (12–18), evening (from 18).
pub const DAY_PARTS: &[&str] = &["morning", "afternoon", "evening"];

/// A consent purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Follow-up by linkers: without it no linker may read or act on the file.
    Care,
    /// Inclusion in anonymous statistics.
    Statistics,
    /// Receiving reminders and suggestions by e-mail.
    Reminders,
}

impl Purpose {
    /// The stored key.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Care => "care",
            Purpose::Statistics => "statistics",
            Purpose::Reminders => "reminders",
        }
    }
    /// The purpose with this key.
    pub fn parse(s: &str) -> Option<Purpose> {
        match s {
            "care" => Some(Purpose::Care),
            "statistics" => Some(Purpose::Statistics),
            "reminders" => Some(Purpose::Reminders),
            _ => None,
        }
    }
}

/// The bit of a (weekday 1 = Monday … 7, local hour) slot in the availability grid.
pub fn slot_bit(weekday: u8, hour: u8) -> u32 {
    let part = day_part(hour) as u32;
    let day = (weekday.clamp(1, 7) - 1) as u32;
    1 << (day * 3 + part)
}

/// 0 = morning, 1 = afternoon, 2 = evening.
pub fn day_part(hour: u8) -> u8 {
    match hour {
        0..=11 => 0,
        12..=17 => 1,
        _ => 2,
    }
}

/// Slot keys (`tue_morning`) → grid bits. Unknown keys are returned as errors.
pub fn availability_bits(slots: &[String]) -> Result<u32, String> {
    let mut bits = 0u32;
    for s in slots {
        let s = s.trim();
        let (d, p) = s.split_once('_').ok_or_else(|| s.to_string())?;
        let di = WEEKDAYS
            .iter()
            .position(|w| *w == d)
            .ok_or_else(|| s.to_string())?;
        let pi = DAY_PARTS
            .iter()
            .position(|w| *w == p)
            .ok_or_else(|| s.to_string())?;
        bits |= 1 << (di * 3 + pi);
    }
    Ok(bits)
}

/// Grid bits → slot keys, in week order.
pub fn availability_slots(bits: u32) -> Vec<String> {
    let mut out = Vec::new();
    for (di, d) in WEEKDAYS.iter().enumerate() {
        for (pi, p) in DAY_PARTS.iter().enumerate() {
            if bits & (1 << (di * 3 + pi)) != 0 {
                out.push(format!("{d}_{p}"));
            }
        }
    }
    out
}

/// The coarse cell holding a point.
pub fn home_cell(lat: f64, lon: f64) -> Option<CellIndex> {
    LatLng::new(lat, lon)
        .ok()
        .map(|p| p.to_cell(HOME_RESOLUTION))
}

/// A stored cell, if it is a valid one no finer than [`HOME_RESOLUTION`].
pub fn parse_cell(s: &str) -> Option<CellIndex> {
    CellIndex::from_str(s.trim())
        .ok()
        .filter(|c| c.resolution() <= HOME_RESOLUTION)
}

/// The centre of a cell (latitude, longitude).
pub fn cell_centre(cell: CellIndex) -> (f64, f64) {
    let p = LatLng::from(cell);
    (p.lat(), p.lng())
}

/// What a resident or linker sends to create or edit a profile (JSON or form, before checks).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResidentDraft {
    /// A name or pseudonym shown to linkers and organizers.
    pub display_name: String,
    /// Contact phone (optional; never shown to organizers without consent).
    #[serde(default)]
    pub phone: String,
    /// Contact e-mail (optional).
    #[serde(default)]
    pub email: String,
    /// Language of messages to the resident: `it` or `en`.
    #[serde(default)]
    pub locale: Option<String>,
    /// Optional, for age bands only.
    #[serde(default)]
    pub birth_year: Option<i64>,
    /// Languages the resident speaks (ISO 639-1 codes).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Interest ids from the taxonomy.
    #[serde(default)]
    pub interests: Vec<i64>,
    /// Home as a point: turned into a coarse cell at once, never stored as given.
    #[serde(default)]
    pub home_latitude: Option<f64>,
    #[serde(default)]
    pub home_longitude: Option<f64>,
    /// Home as an H3 cell (resolution 8 or coarser).
    #[serde(default)]
    pub home_cell: Option<String>,
    /// Home as a small-area code (a NIL in Milan).
    #[serde(default)]
    pub home_area: Option<String>,
    /// How far the resident can go, metres (500–5,000).
    #[serde(default = "default_radius")]
    pub travel_radius_m: i64,
    /// When the resident is free: `mon_morning` … `sun_evening`; empty = any time.
    #[serde(default)]
    pub availability: Vec<String>,
    /// Needs a wheelchair-accessible venue.
    #[serde(default)]
    pub wheelchair: bool,
    /// Accessibility needs (same vocabulary as activities).
    #[serde(default)]
    pub accessibility: Vec<String>,
    /// Highest cost per session in cents: 0 = free only; none = no limit.
    #[serde(default)]
    pub budget_cents: Option<i64>,
    /// Would like someone to go along the first time.
    #[serde(default)]
    pub wants_company: bool,
    /// Prefers small groups.
    #[serde(default)]
    pub prefers_small_groups: bool,
}

fn default_radius() -> i64 {
    1000
}

/// A checked profile, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentInput {
    pub display_name: String,
    pub phone: String,
    pub email: String,
    pub locale: String,
    pub birth_year: Option<i32>,
    pub languages: Vec<String>,
    pub interests: Vec<i64>,
    pub home_cell: Option<String>,
    pub home_area: Option<String>,
    pub travel_radius_m: i32,
    pub availability: u32,
    pub wheelchair: bool,
    pub accessibility: Vec<String>,
    pub budget_cents: Option<i32>,
    pub wants_company: bool,
    pub prefers_small_groups: bool,
}

impl ResidentDraft {
    /// Checks everything and reports every problem at once (field → Fluent message id).
    /// `area_exists` says whether a small-area code is known; `this_year` bounds birth years.
    pub fn check(
        &self,
        area_exists: impl Fn(&str) -> bool,
        this_year: i32,
    ) -> Result<ResidentInput, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let mut err = |f: &str, m: &str| {
            errors.entry(f.to_string()).or_insert_with(|| m.to_string());
        };
        let display_name = display_name(&self.display_name)
            .map_err(|m| err("display_name", m))
            .unwrap_or_default();
        let phone = optional_phone(&self.phone)
            .map_err(|m| err("phone", m))
            .unwrap_or_default();
        let email = optional_email(&self.email)
            .map_err(|m| err("email", m))
            .unwrap_or_default();
        let locale = match self.locale.as_deref().map(str::trim) {
            None | Some("") => "it".to_string(),
            Some(l) if crate::i18n::Lang::from_code(l).is_some() => l.to_ascii_lowercase(),
            Some(_) => {
                err("locale", "err-unknown-value");
                String::new()
            }
        };
        let birth_year = match self.birth_year {
            None => None,
            Some(y) if (1900..=i64::from(this_year) - 10).contains(&y) => Some(y as i32),
            Some(_) => {
                err("birth_year", "err-birth-year");
                None
            }
        };
        let mut languages: Vec<String> = Vec::new();
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
        if languages.len() > MAX_LANGUAGES {
            err("languages", "err-too-many-items");
        }
        let mut interests: Vec<i64> = Vec::new();
        for &i in &self.interests {
            if !interests.contains(&i) {
                interests.push(i);
            }
        }
        if interests.len() > MAX_INTERESTS {
            err("interests", "err-too-many-items");
        }
        // Home: a point (made coarse), a cell, or an area — at least one.
        let mut cell = None;
        let mut bad_point = false;
        match (self.home_latitude, self.home_longitude) {
            (Some(lat), Some(lon)) => {
                if !lat.is_finite() || lat.abs() > 90.0 || !lon.is_finite() || lon.abs() > 180.0 {
                    bad_point = true;
                } else {
                    cell = home_cell(lat, lon).map(|c| c.to_string());
                }
            }
            (None, None) => {}
            _ => bad_point = true,
        }
        if bad_point {
            err("home_latitude", "err-coordinate");
        }
        if cell.is_none() {
            if let Some(c) = self.home_cell.as_deref().filter(|c| !c.trim().is_empty()) {
                match parse_cell(c) {
                    Some(c) => cell = Some(c.to_string()),
                    None => err("home_cell", "err-home-cell"),
                }
            }
        }
        let home_area = match self.home_area.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) if area_exists(a) => Some(a.to_string()),
            Some(_) => {
                err("home_area", "err-unknown-area");
                None
            }
        };
        if cell.is_none() && home_area.is_none() && !bad_point {
            err("home_area", "err-home-missing");
        }
        let travel_radius_m = if (MIN_RADIUS_M..=MAX_RADIUS_M).contains(&self.travel_radius_m) {
            self.travel_radius_m as i32
        } else {
            err("travel_radius_m", "err-travel-radius");
            0
        };
        let availability = availability_bits(&self.availability)
            .map_err(|_| err("availability", "err-unknown-value"))
            .unwrap_or_default();
        let mut accessibility = Vec::new();
        for a in &self.accessibility {
            let a = a.trim();
            if a.is_empty() {
                continue;
            }
            if !ACCESSIBILITY.contains(&a) {
                err("accessibility", "err-unknown-value");
            } else if !accessibility.iter().any(|x: &String| x == a) {
                accessibility.push(a.to_string());
            }
        }
        let budget_cents = match self.budget_cents {
            None => None,
            Some(b) if (0..=MAX_BUDGET_CENTS).contains(&b) => Some(b as i32),
            Some(_) => {
                err("budget_cents", "err-cost");
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ResidentInput {
            display_name,
            phone,
            email,
            locale,
            birth_year,
            languages,
            interests,
            home_cell: cell,
            home_area,
            travel_radius_m,
            availability,
            wheelchair: self.wheelchair,
            accessibility,
            budget_cents,
            wants_company: self.wants_company,
            prefers_small_groups: self.prefers_small_groups,
        })
    }
}

/// A consent as recorded (before checks).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ConsentDraft {
    /// care | statistics | reminders
    pub purpose: String,
    /// signed_paper | verbal | online
    pub channel: String,
    /// Who consented: "resident" (default) or the name and role of a legal representative.
    #[serde(default)]
    pub given_by: String,
}

/// A checked consent.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentInput {
    pub purpose: Purpose,
    pub channel: String,
    pub given_by: String,
}

impl ConsentDraft {
    /// Checks purpose, channel and who gave it.
    pub fn check(&self) -> Result<ConsentInput, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let purpose = Purpose::parse(self.purpose.trim());
        if purpose.is_none() {
            errors.insert("purpose".into(), "err-unknown-value".into());
        }
        let channel = self.channel.trim().to_string();
        if !CHANNELS.contains(&channel.as_str()) {
            errors.insert("channel".into(), "err-unknown-value".into());
        }
        let given_by = match self.given_by.trim() {
            "" => "resident".to_string(),
            g if g.chars().count() <= 120 && !g.chars().any(char::is_control) => g.to_string(),
            _ => {
                errors.insert("given_by".into(), "err-too-long".into());
                String::new()
            }
        };
        match purpose {
            Some(purpose) if errors.is_empty() => Ok(ConsentInput {
                purpose,
                channel,
                given_by,
            }),
            _ => Err(errors),
        }
    }
}

/// An age band from a birth year (for anonymous statistics; never the year itself).
pub fn age_band(birth_year: Option<i32>, this_year: i32) -> &'static str {
    match birth_year.map(|y| this_year - y) {
        None => "unknown",
        Some(a) if a < 25 => "under_25",
        Some(a) if a < 45 => "25_44",
        Some(a) if a < 65 => "45_64",
        Some(a) if a < 80 => "65_79",
        Some(_) => "80_plus",
    }
}

/// Serialized form of a resident's tag list (the same comma form as activities).
pub fn join_tags(tags: &[String]) -> String {
    tags.join(",")
}

/// For the API: the coarse home as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoarseHome {
    /// H3 cell, resolution 8.
    pub cell: Option<String>,
    /// Small-area code.
    pub area: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ResidentDraft {
        ResidentDraft {
            display_name: "Maria".into(),
            home_latitude: Some(45.4642),
            home_longitude: Some(9.19),
            travel_radius_m: 1000,
            ..Default::default()
        }
    }

    #[test]
    fn a_point_is_stored_only_as_a_coarse_cell() {
        let input = draft().check(|_| false, 2026).unwrap();
        let cell = parse_cell(input.home_cell.as_deref().unwrap()).unwrap();
        assert_eq!(cell.resolution(), HOME_RESOLUTION);
        let (lat, lon) = cell_centre(cell);
        let d = super::super::geo::distance_m(45.4642, 9.19, lat, lon);
        assert!(d < 600.0, "{d}");
        assert!(d > 0.5, "the centre is not the point itself");
    }

    #[test]
    fn fine_cells_are_refused() {
        let fine = LatLng::new(45.4642, 9.19)
            .unwrap()
            .to_cell(Resolution::Twelve)
            .to_string();
        let mut d = draft();
        d.home_latitude = None;
        d.home_longitude = None;
        d.home_cell = Some(fine);
        let e = d.check(|_| false, 2026).unwrap_err();
        assert_eq!(e["home_cell"], "err-home-cell");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let d = ResidentDraft {
            display_name: "".into(),
            travel_radius_m: 20_000,
            birth_year: Some(1800),
            availability: vec!["someday_morning".into()],
            accessibility: vec!["teleport".into()],
            budget_cents: Some(-1),
            ..Default::default()
        };
        let e = d.check(|_| false, 2026).unwrap_err();
        for f in [
            "display_name",
            "travel_radius_m",
            "birth_year",
            "availability",
            "accessibility",
            "budget_cents",
            "home_area",
        ] {
            assert!(e.contains_key(f), "{f} in {e:?}");
        }
    }

    #[test]
    fn availability_round_trips() {
        let slots = vec!["tue_morning".to_string(), "sun_evening".to_string()];
        let bits = availability_bits(&slots).unwrap();
        assert_eq!(availability_slots(bits), slots);
        assert_eq!(bits & slot_bit(2, 9), slot_bit(2, 9));
        assert_eq!(bits & slot_bit(2, 15), 0);
        assert_eq!(bits & slot_bit(7, 20), slot_bit(7, 20));
    }

    #[test]
    fn consent_needs_a_known_purpose_and_channel() {
        let ok = ConsentDraft {
            purpose: "care".into(),
            channel: "signed_paper".into(),
            given_by: "".into(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.purpose, Purpose::Care);
        assert_eq!(ok.given_by, "resident");
        let bad = ConsentDraft {
            purpose: "marketing".into(),
            channel: "fax".into(),
            given_by: "".into(),
        }
        .check()
        .unwrap_err();
        assert!(bad.contains_key("purpose") && bad.contains_key("channel"));
    }
}
