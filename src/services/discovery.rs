//! Discovery: upcoming sessions near a point or in an area, filtered the way people ask
//! ("free, Tuesday mornings, step-free, in Arabic"), sorted by time or distance, paged with
//! stable cursors. The database narrows by time, box and price; the rest runs here.

use crate::db::activities::{self as adb, Interest};
use crate::domain::activities::{ACCESSIBILITY, LOW_BARRIER};
use crate::domain::geo::distance_m;
use crate::error::{AppError, FieldErrors};
use crate::index::{bits, names, ActivityEntry, SessionEntry};
use crate::state::AppState;
use base64::Engine;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Results are counted up to this many; beyond, `total_capped` says "at least".
pub const TOTAL_CAP: usize = 1000;

/// Largest radius a search may ask for, in metres.
pub const MAX_RADIUS_M: f64 = 20_000.0;
/// Longest date range of one search, in days.
pub const MAX_RANGE_DAYS: i64 = 366;

/// A search as the query string gives it (repeated keys allowed: `interest=3&interest=7`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Latitude of the centre.
    pub lat: Option<f64>,
    /// Longitude of the centre.
    pub lon: Option<f64>,
    /// Radius in metres (default 2000, at most 20000).
    pub radius_m: Option<f64>,
    /// Small area code (a NIL in Milan).
    pub area: Option<String>,
    /// Large area code (a Municipio in Milan).
    pub district: Option<String>,
    /// First day, `YYYY-MM-DD` (default today).
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (default 30 days on).
    pub to: Option<String>,
    /// morning | afternoon | evening (repeatable).
    #[serde(default)]
    pub time_of_day: Vec<String>,
    /// 1 = Monday … 7 = Sunday (repeatable).
    #[serde(default)]
    pub weekday: Vec<u32>,
    /// Interest ids; a parent includes its children (repeatable).
    #[serde(default)]
    pub interest: Vec<i64>,
    /// Only free or pay-what-you-can activities.
    #[serde(default)]
    pub free: Option<bool>,
    /// Highest price in euro cents.
    pub max_cost_cents: Option<i32>,
    /// A language the person speaks (ISO 639-1); language-light activities match any.
    pub language: Option<String>,
    /// partial | full: the wheelchair access needed.
    pub wheelchair: Option<String>,
    /// Accessibility features needed (repeatable).
    #[serde(default)]
    pub access: Vec<String>,
    /// Low-barrier features wanted (repeatable).
    #[serde(default)]
    pub feature: Vec<String>,
    /// Words in the title or description.
    pub q: Option<String>,
    /// time | distance
    pub sort: Option<String>,
    /// Results per page (1–50, default 20).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this organization's sessions.
    pub organization: Option<i64>,
}

/// One result.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionSummary {
    pub id: i64,
    pub activity_id: i64,
    pub title: String,
    pub organization: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Start in the city's local time, with its offset.
    pub starts_at_local: String,
    pub venue_name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    /// Name of the small area.
    pub area: Option<String>,
    /// Metres from the search centre, when there is one.
    pub distance_m: Option<u32>,
    pub cost_kind: String,
    pub cost_cents: i32,
    pub cost_help: bool,
    pub capacity: Option<i32>,
    /// Seats anyone could still book (`null`: no limit); 0 means joining puts you on the
    /// waitlist.
    pub seats_left: Option<i32>,
    /// People on the waitlist.
    pub waiting: i32,
    pub languages: Vec<String>,
    pub wheelchair: String,
    pub accessibility: Vec<String>,
    pub low_barrier: Vec<String>,
    pub interests: Vec<i64>,
    pub note: String,
    /// The organizer confirmed this session will take place; unconfirmed ones are flagged.
    pub confirmed: bool,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub items: Vec<SessionSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Results of the search over all pages, counted up to 1000.
    pub total: usize,
    /// True when there are at least `total` results (the count stopped at 1000).
    pub total_capped: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cursor {
    k: i64,
    id: i64,
}

fn encode_cursor(k: i64, id: i64) -> String {
    let json = serde_json::to_vec(&Cursor { k, id }).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(s: &str) -> Option<Cursor> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A checked search.
#[derive(Debug, Clone)]
struct Checked {
    centre: Option<(f64, f64)>,
    radius: f64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    by_distance: bool,
    limit: usize,
    after: Option<Cursor>,
    wheelchair_rank: u8,
    language: Option<String>,
    q: Option<String>,
}

fn wheelchair_rank(s: &str) -> u8 {
    match s {
        "full" => 2,
        "partial" => 1,
        _ => 0,
    }
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn check(p: &SearchParams, tz: Tz, state: &AppState) -> Result<Checked, AppError> {
    let mut e = FieldErrors::new();
    let mut bad = |f: &str, m: &str| {
        e.entry(f.to_string()).or_insert_with(|| m.to_string());
    };
    let centre = match (p.lat, p.lon) {
        (Some(lat), Some(lon)) => {
            if !lat.is_finite() || lat.abs() > 90.0 {
                bad("lat", "err-coordinate");
            }
            if !lon.is_finite() || lon.abs() > 180.0 {
                bad("lon", "err-coordinate");
            }
            Some((lat, lon))
        }
        (None, None) => None,
        (None, Some(_)) => {
            bad("lat", "err-required");
            None
        }
        (Some(_), None) => {
            bad("lon", "err-required");
            None
        }
    };
    let radius = p.radius_m.unwrap_or(2000.0);
    if !radius.is_finite() || !(50.0..=MAX_RADIUS_M).contains(&radius) {
        bad("radius_m", "err-radius");
    }
    if let Some(a) = p.area.as_deref().filter(|a| !a.is_empty()) {
        if !state.areas.exists("small", a) {
            bad("area", "err-area-unknown");
        }
    }
    if let Some(a) = p.district.as_deref().filter(|a| !a.is_empty()) {
        if !state.areas.exists("large", a) {
            bad("district", "err-area-unknown");
        }
    }
    let today = Utc::now().with_timezone(&tz).date_naive();
    let from_day = match p.from.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_day(s).unwrap_or_else(|| {
            bad("from", "err-date");
            today
        }),
        None => today,
    };
    let to_day = match p.to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_day(s).unwrap_or_else(|| {
            bad("to", "err-date");
            from_day
        }),
        None => from_day + Duration::days(30),
    };
    if to_day < from_day {
        bad("to", "err-date-order");
    } else if (to_day - from_day).num_days() > MAX_RANGE_DAYS {
        bad("to", "err-date-range");
    }
    let local_midnight = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now)
    };
    let now = Utc::now();
    let from = local_midnight(from_day).max(now);
    let to = local_midnight(to_day + Duration::days(1));
    for t in &p.time_of_day {
        if !["morning", "afternoon", "evening"].contains(&t.as_str()) {
            bad("time_of_day", "err-unknown-value");
        }
    }
    if p.weekday.iter().any(|d| !(1..=7).contains(d)) {
        bad("weekday", "err-weekday");
    }
    if p.max_cost_cents.is_some_and(|c| c < 0) {
        bad("max_cost_cents", "err-cost");
    }
    let wheelchair = p.wheelchair.as_deref().unwrap_or("");
    if !["", "no", "partial", "full"].contains(&wheelchair) {
        bad("wheelchair", "err-unknown-value");
    }
    if p.access
        .iter()
        .any(|a| !ACCESSIBILITY.contains(&a.as_str()))
    {
        bad("access", "err-unknown-value");
    }
    if p.feature.iter().any(|a| !LOW_BARRIER.contains(&a.as_str())) {
        bad("feature", "err-unknown-value");
    }
    let language = p
        .language
        .as_deref()
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty());
    if language
        .as_ref()
        .is_some_and(|l| !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()))
    {
        bad("language", "err-language-code");
    }
    let by_distance = match p.sort.as_deref() {
        None | Some("") | Some("time") => false,
        Some("distance") => {
            if centre.is_none() {
                bad("sort", "err-sort-needs-centre");
            }
            true
        }
        Some(_) => {
            bad("sort", "err-unknown-value");
            false
        }
    };
    let limit = p.limit.unwrap_or(20);
    if !(1..=50).contains(&limit) {
        bad("limit", "err-limit");
    }
    let after = match p.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => match decode_cursor(c) {
            Some(c) => Some(c),
            None => {
                bad("cursor", "err-cursor");
                None
            }
        },
        None => None,
    };
    let q =
        p.q.as_deref()
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty());
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        bad("q", "err-too-long");
    }
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    Ok(Checked {
        centre,
        radius,
        from,
        to,
        by_distance,
        limit,
        after,
        wheelchair_rank: wheelchair_rank(wheelchair),
        language,
        q,
    })
}

/// Runs a search against the in-memory index.
pub async fn search(state: &AppState, p: &SearchParams) -> Result<SearchPage, AppError> {
    let tz: Tz = state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    let c = check(p, tz, state)?;
    let wanted_interests = if p.interest.is_empty() {
        Vec::new()
    } else {
        let taxonomy = state.db.run(|conn| Ok(adb::list_interests(conn)?)).await?;
        expand_interests(&p.interest, &taxonomy)
    };
    let filter = ActivityFilter::new(&c, p, wanted_interests);
    let snap = state.index.snapshot()?;
    let centre_xy = c.centre.map(|(lat, lon)| state.index.project(lat, lon));
    let (from, to) = (c.from.timestamp(), c.to.timestamp());
    let after = c.after.as_ref().map(|cur| (cur.k, cur.id));
    // (key, session id, entry, session index), best first; at most limit + 1 kept.
    let mut page: Vec<(i64, i64, Arc<ActivityEntry>, usize)> = Vec::with_capacity(c.limit + 1);
    let mut total = 0usize;
    if c.by_distance {
        // Every activity in the circle; the page is the nearest sessions (ties by id).
        let mut heap: BinaryHeap<(i64, i64, usize, usize)> = BinaryHeap::with_capacity(c.limit + 2);
        let near = snap.activities_near(centre_xy, c.radius);
        for (ei, e) in near.iter().enumerate() {
            let d = c
                .centre
                .map(|(lat, lon)| distance_m(lat, lon, e.latitude, e.longitude))
                .unwrap_or(0.0);
            if d > c.radius || !filter.accepts(e) {
                continue;
            }
            let first = e.sessions.partition_point(|s| s.starts_at < from);
            for (si, s) in e.sessions.iter().enumerate().skip(first) {
                if s.starts_at >= to {
                    break;
                }
                if !filter.accepts_time(s.hour, s.weekday) {
                    continue;
                }
                total += 1;
                let key = (d * 1000.0) as i64;
                if after.is_some_and(|a| (key, s.id) <= a) {
                    continue;
                }
                heap.push((key, s.id, ei, si));
                if heap.len() > c.limit + 1 {
                    heap.pop();
                }
            }
        }
        page = heap
            .into_sorted_vec()
            .into_iter()
            .map(|(k, id, ei, si)| (k, id, near[ei].clone(), si))
            .collect();
    } else {
        // Sessions in time order from `from`: the page is the first matches after the cursor.
        // The total is counted up to TOTAL_CAP and the scan stops once the page is full and
        // the cap reached, so a busy area costs no more than a quiet one.
        let r2 = (c.radius * 1.01) * (c.radius * 1.01);
        let start = snap.by_time.partition_point(|r| r.starts() < from);
        for r in &snap.by_time[start..] {
            if r.starts() >= to {
                break;
            }
            if let Some([cx, cy]) = centre_xy {
                let (dx, dy) = (r.x as f64 - cx, r.y as f64 - cy);
                if dx * dx + dy * dy > r2 {
                    continue;
                }
            }
            let e = &r.entry;
            if let Some((lat, lon)) = c.centre {
                if distance_m(lat, lon, e.latitude, e.longitude) > c.radius {
                    continue;
                }
            }
            let s = &e.sessions[r.si as usize];
            if !filter.accepts(e) || !filter.accepts_time(s.hour, s.weekday) {
                continue;
            }
            total += 1;
            let key = r.starts() * 1000;
            if page.len() <= c.limit && after.is_none_or(|a| (key, s.id) > a) {
                page.push((key, s.id, e.clone(), r.si as usize));
            }
            if page.len() > c.limit && total >= TOTAL_CAP {
                break;
            }
        }
    }
    let next_cursor = (page.len() > c.limit).then(|| {
        let (k, id, _, _) = &page[c.limit - 1];
        encode_cursor(*k, *id)
    });
    page.truncate(c.limit);
    let items = page
        .into_iter()
        .map(|(_, _, e, si)| {
            let distance = c
                .centre
                .map(|(lat, lon)| distance_m(lat, lon, e.latitude, e.longitude));
            summary(state, tz, &e, &e.sessions[si], distance)
        })
        .collect();
    Ok(SearchPage {
        items,
        next_cursor,
        total: total.min(TOTAL_CAP),
        total_capped: total >= TOTAL_CAP,
    })
}

/// The activity-level filters, prepared once per search.
struct ActivityFilter {
    area: Option<String>,
    district: Option<String>,
    organization: Option<i64>,
    free_only: bool,
    max_cost: Option<i32>,
    language: Option<String>,
    wheelchair: u8,
    access: u8,
    features: u8,
    interests: Vec<i64>,
    words: Vec<String>,
    times: Vec<String>,
    weekdays: Vec<u32>,
}

impl ActivityFilter {
    fn new(c: &Checked, p: &SearchParams, interests: Vec<i64>) -> ActivityFilter {
        ActivityFilter {
            area: p.area.clone().filter(|a| !a.is_empty()),
            district: p.district.clone().filter(|a| !a.is_empty()),
            organization: p.organization,
            free_only: p.free.unwrap_or(false),
            max_cost: p.max_cost_cents,
            language: c.language.clone(),
            wheelchair: c.wheelchair_rank,
            access: bits(&p.access, ACCESSIBILITY),
            features: bits(&p.feature, LOW_BARRIER),
            interests,
            words: c
                .q
                .as_deref()
                .map(|q| q.split_whitespace().map(String::from).collect())
                .unwrap_or_default(),
            times: p.time_of_day.clone(),
            weekdays: p.weekday.clone(),
        }
    }

    fn accepts(&self, e: &ActivityEntry) -> bool {
        if self
            .area
            .as_deref()
            .is_some_and(|a| e.nil_code.as_deref() != Some(a))
        {
            return false;
        }
        if self
            .district
            .as_deref()
            .is_some_and(|d| e.municipio_code.as_deref() != Some(d))
        {
            return false;
        }
        if self.organization.is_some_and(|o| o != e.organization_id) {
            return false;
        }
        if self.free_only && &*e.cost_kind == "amount" {
            return false;
        }
        if self.max_cost.is_some_and(|m| e.cost_cents > m) {
            return false;
        }
        if let Some(lang) = &self.language {
            let light = e.low_barrier & bits(&["language_light".to_string()], LOW_BARRIER) != 0;
            if !light && !e.languages.iter().any(|l| **l == **lang) {
                return false;
            }
        }
        if e.wheelchair < self.wheelchair
            || e.accessibility & self.access != self.access
            || e.low_barrier & self.features != self.features
        {
            return false;
        }
        if !self.interests.is_empty() && !e.interests.iter().any(|i| self.interests.contains(i)) {
            return false;
        }
        e.has_words(&self.words)
    }

    fn accepts_time(&self, hour: u8, weekday: u8) -> bool {
        if !self.times.is_empty() {
            let part = match hour {
                0..=11 => "morning",
                12..=17 => "afternoon",
                _ => "evening",
            };
            if !self.times.iter().any(|t| t == part) {
                return false;
            }
        }
        self.weekdays.is_empty() || self.weekdays.contains(&(weekday as u32))
    }
}

/// The interests asked for plus the children of any parent among them.
fn expand_interests(asked: &[i64], taxonomy: &[Interest]) -> Vec<i64> {
    let mut out: Vec<i64> = asked.to_vec();
    for i in taxonomy {
        if i.parent_id.is_some_and(|p| asked.contains(&p)) {
            out.push(i.id);
        }
    }
    out
}

/// The public summary of a session.
pub fn summary(
    state: &AppState,
    tz: Tz,
    e: &ActivityEntry,
    s: &SessionEntry,
    distance: Option<f64>,
) -> SessionSummary {
    let starts = DateTime::from_timestamp(s.starts_at, 0).unwrap_or_default();
    SessionSummary {
        id: s.id,
        activity_id: e.id,
        title: e.title.to_string(),
        organization: e.organization.to_string(),
        starts_at: starts,
        ends_at: DateTime::from_timestamp(s.ends_at(), 0).unwrap_or_default(),
        starts_at_local: starts.with_timezone(&tz).to_rfc3339(),
        venue_name: e.venue_name.to_string(),
        address: e.address.to_string(),
        latitude: e.latitude,
        longitude: e.longitude,
        area: e
            .nil_code
            .as_deref()
            .and_then(|c| state.areas.name("small", c))
            .map(String::from),
        distance_m: distance.map(|d| d.round() as u32),
        cost_kind: e.cost_kind.to_string(),
        cost_cents: e.cost_cents,
        cost_help: e.cost_help,
        capacity: e.capacity,
        seats_left: state.index.seats_of(s.id).map_or(e.capacity, |l| l.left),
        waiting: state.index.seats_of(s.id).map_or(0, |l| l.waiting),
        languages: e.languages.iter().map(|l| l.to_string()).collect(),
        wheelchair: ["no", "partial", "full"][e.wheelchair.min(2) as usize].to_string(),
        accessibility: names(e.accessibility, ACCESSIBILITY),
        low_barrier: names(e.low_barrier, LOW_BARRIER),
        interests: e.interests.to_vec(),
        note: e.note_of(s.id).to_string(),
        confirmed: s.confirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = decode_cursor(&encode_cursor(1_764_000_000_000, 42)).unwrap();
        assert_eq!((c.k, c.id), (1_764_000_000_000, 42));
        assert!(decode_cursor("not a cursor").is_none());
    }
}
