//! The discovery index: every upcoming session of every public activity, in memory, with an
//! R-tree over activity locations (sessions share their activity's place). Built from the
//! database at start, refreshed per activity when the bus says it changed (on every
//! instance), and rebuilt in full every few minutes to absorb anything missed and the passing
//! of time. Both backends feed it the same rows, so it answers the same on both.

use crate::db::activities::{Activity, SessionRow};
use crate::db::schema::{
    activities, activity_interests, activity_sessions, interests, organizations,
};
use crate::db::{AnyConnection, Db};
use crate::domain::activities::{split_tags, ACCESSIBILITY, LOW_BARRIER};
use crate::domain::matching::{ActivityFacts, Candidate, Cost, SessionFacts, Taxonomy};
use crate::error::AppError;
use chrono::{Datelike, Duration, Timelike, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_194.93;

/// One upcoming session, compactly.
#[derive(Debug, Clone)]
pub struct SessionEntry {
    pub id: i64,
    /// Unix seconds.
    pub starts_at: i64,
    pub ends_at: i64,
    /// Local weekday (1 = Monday) and hour, precomputed for the filters.
    pub weekday: u8,
    pub hour: u8,
    /// The organizer confirmed it will take place (recurring series are confirmed month by month).
    pub confirmed: bool,
    pub note: Box<str>,
}

/// What discovery needs of an activity.
#[derive(Debug, Clone)]
pub struct ActivityEntry {
    pub id: i64,
    pub organization_id: i64,
    pub organization: Arc<str>,
    pub title: Box<str>,
    pub venue_name: Box<str>,
    pub address: Box<str>,
    pub latitude: f64,
    pub longitude: f64,
    pub nil_code: Option<Box<str>>,
    pub municipio_code: Option<Box<str>>,
    pub cost_kind: Box<str>,
    pub cost_cents: i32,
    pub cost_help: bool,
    pub capacity: Option<i32>,
    pub languages: Vec<Box<str>>,
    pub wheelchair: u8,
    /// Bit i set = ACCESSIBILITY[i] present.
    pub accessibility: u8,
    /// Bit i set = LOW_BARRIER[i] present.
    pub low_barrier: u8,
    pub interests: Vec<i64>,
    /// Lower-case title, venue and description, for word search.
    pub text: Box<str>,
    /// Upcoming sessions by start time.
    pub sessions: Vec<SessionEntry>,
}

/// Tag names → bit set over a vocabulary.
pub fn bits(tags: &[String], vocabulary: &[&str]) -> u8 {
    tags.iter()
        .filter_map(|t| vocabulary.iter().position(|v| v == t))
        .fold(0u8, |acc, i| acc | (1 << i))
}

/// Bit set → tag names.
pub fn names(bits: u8, vocabulary: &[&str]) -> Vec<String> {
    vocabulary
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, v)| v.to_string())
        .collect()
}

/// Wheelchair level as a rank.
pub fn wheelchair_rank(s: &str) -> u8 {
    match s {
        "full" => 2,
        "partial" => 1,
        _ => 0,
    }
}

type Point = GeomWithData<[f64; 2], i64>;

/// One session in the time-ordered list: where and when, compactly, and its activity.
#[derive(Debug, Clone)]
pub struct TimeRec {
    /// Unix seconds.
    pub starts: i64,
    pub session_id: i64,
    /// Projected position in metres from the city's reference point.
    pub x: f32,
    pub y: f32,
    /// Index of the session in `entry.sessions`.
    pub si: u32,
    pub entry: Arc<ActivityEntry>,
}

/// An immutable view of the index; readers hold it without blocking writers.
#[derive(Default)]
pub struct Snapshot {
    entries: HashMap<i64, Arc<ActivityEntry>>,
    tree: RTree<Point>,
    /// Every indexed session by (start, id).
    pub by_time: Vec<TimeRec>,
    /// The interest taxonomy (child → parent), for matching.
    taxonomy: Arc<Taxonomy>,
    /// Interest names (Italian, English), for reasons.
    interest_names: Arc<HashMap<i64, (Box<str>, Box<str>)>>,
}

impl Snapshot {
    /// The interest taxonomy as of the last full rebuild.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// An interest's name in a language (`it` or else English).
    pub fn interest_name(&self, id: i64, lang: &str) -> Option<&str> {
        self.interest_names
            .get(&id)
            .map(|(it, en)| if lang == "it" { &**it } else { &**en })
    }

    /// An indexed activity.
    pub fn entry(&self, id: i64) -> Option<&Arc<ActivityEntry>> {
        self.entries.get(&id)
    }

    /// An indexed upcoming session and its activity.
    pub fn find_session(&self, id: i64) -> Option<(&Arc<ActivityEntry>, &SessionEntry)> {
        self.by_time
            .iter()
            .find(|r| r.session_id == id)
            .and_then(|r| Some((&r.entry, r.entry.sessions.get(r.si as usize)?)))
    }

    /// Activities within `radius_m` of a projected point (1% slack; refine with haversine),
    /// or every activity.
    pub fn activities_near(
        &self,
        centre: Option<[f64; 2]>,
        radius_m: f64,
    ) -> Vec<Arc<ActivityEntry>> {
        match centre {
            Some(c) => {
                let r = radius_m * 1.01;
                self.tree
                    .locate_within_distance(c, r * r)
                    .filter_map(|p| self.entries.get(&p.data).cloned())
                    .collect()
            }
            None => self.entries.values().cloned().collect(),
        }
    }
}

fn time_recs(e: &Arc<ActivityEntry>, xy: [f64; 2]) -> Vec<TimeRec> {
    e.sessions
        .iter()
        .enumerate()
        .map(|(si, s)| TimeRec {
            starts: s.starts_at,
            session_id: s.id,
            x: xy[0] as f32,
            y: xy[1] as f32,
            si: si as u32,
            entry: e.clone(),
        })
        .collect()
}

fn by_time_key(r: &TimeRec) -> (i64, i64) {
    (r.starts, r.session_id)
}

/// Projects lat/lon to metres on a plane tangent at the city's reference point (good to well
/// under 1% across a city; exact distances are checked with haversine afterwards).
pub fn project(lat: f64, lon: f64, ref_lat: f64, ref_lon: f64) -> [f64; 2] {
    [
        (lon - ref_lon) * M_PER_DEG * ref_lat.to_radians().cos(),
        (lat - ref_lat) * M_PER_DEG,
    ]
}

/// The shared index.
pub struct DiscoveryIndex {
    snap: RwLock<Arc<Snapshot>>,
    /// Serializes (read the database, apply) so that a reload which read older rows can
    /// never be applied after one that read newer rows: any reload that starts after a commit
    /// sees it, and reloads apply in the order they read.
    writer: tokio::sync::Mutex<()>,
    tz: Tz,
    horizon_days: i64,
    /// Reference point of the projection (the city's).
    ref_lat: f64,
    ref_lon: f64,
}

fn lock_err() -> AppError {
    AppError::Internal(anyhow::anyhow!("discovery index lock poisoned"))
}

impl DiscoveryIndex {
    /// An empty index; call [`DiscoveryIndex::rebuild`] before use.
    pub fn new(tz: Tz, horizon_days: i64, ref_lat: f64, ref_lon: f64) -> DiscoveryIndex {
        DiscoveryIndex {
            snap: RwLock::new(Arc::new(Snapshot::default())),
            writer: tokio::sync::Mutex::new(()),
            tz,
            horizon_days,
            ref_lat,
            ref_lon,
        }
    }

    /// A point in the index's projection.
    pub fn project(&self, lat: f64, lon: f64) -> [f64; 2] {
        project(lat, lon, self.ref_lat, self.ref_lon)
    }

    fn point(&self, e: &ActivityEntry) -> Point {
        GeomWithData::new(self.project(e.latitude, e.longitude), e.id)
    }

    /// The current view.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, AppError> {
        Ok(self.snap.read().map_err(|_| lock_err())?.clone())
    }

    /// Loads every public activity and its upcoming sessions from the database.
    pub async fn rebuild(&self, db: &Db) -> Result<usize, AppError> {
        let _writer = self.writer.lock().await;
        let tz = self.tz;
        let horizon = self.horizon_days;
        let (entries, (taxonomy, interest_names)) = db
            .run(move |conn| Ok((load(conn, None, tz, horizon)?, load_taxonomy(conn)?)))
            .await?;
        let points: Vec<Point> = entries.iter().map(|e| self.point(e)).collect();
        let entries: HashMap<i64, Arc<ActivityEntry>> =
            entries.into_iter().map(|e| (e.id, Arc::new(e))).collect();
        let mut by_time: Vec<TimeRec> = entries
            .values()
            .flat_map(|e| time_recs(e, self.project(e.latitude, e.longitude)))
            .collect();
        by_time.sort_unstable_by_key(by_time_key);
        let sessions = by_time.len();
        let snap = Snapshot {
            entries,
            tree: RTree::bulk_load(points),
            by_time,
            taxonomy: Arc::new(taxonomy),
            interest_names: Arc::new(interest_names),
        };
        *self.snap.write().map_err(|_| lock_err())? = Arc::new(snap);
        Ok(sessions)
    }

    /// Refreshes some activities (created, edited, cancelled, or their organization changed).
    pub async fn reload(&self, db: &Db, ids: Vec<i64>) -> Result<(), AppError> {
        let _writer = self.writer.lock().await;
        let tz = self.tz;
        let horizon = self.horizon_days;
        let wanted = ids.clone();
        let fresh = db
            .run(move |conn| load(conn, Some(&wanted), tz, horizon))
            .await?;
        // Copy on write: readers keep using the old snapshot until the new one is swapped in.
        let old = self.snapshot()?;
        let mut entries = old.entries.clone();
        let mut tree = old.tree.clone();
        for id in &ids {
            if let Some(e) = entries.remove(id) {
                tree.remove(&self.point(&e));
            }
        }
        let mut added: Vec<TimeRec> = Vec::new();
        for e in fresh {
            let e = Arc::new(e);
            tree.insert(self.point(&e));
            added.extend(time_recs(&e, self.project(e.latitude, e.longitude)));
            entries.insert(e.id, e);
        }
        added.sort_unstable_by_key(by_time_key);
        let kept = old.by_time.iter().filter(|r| !ids.contains(&r.entry.id));
        let mut by_time = Vec::with_capacity(old.by_time.len() + added.len());
        let mut added = added.into_iter().peekable();
        for r in kept {
            while added
                .peek()
                .is_some_and(|a| by_time_key(a) < by_time_key(r))
            {
                if let Some(a) = added.next() {
                    by_time.push(a);
                }
            }
            by_time.push(r.clone());
        }
        by_time.extend(added);
        *self.snap.write().map_err(|_| lock_err())? = Arc::new(Snapshot {
            entries,
            tree,
            by_time,
            taxonomy: old.taxonomy.clone(),
            interest_names: old.interest_names.clone(),
        });
        Ok(())
    }

    /// The activities of an organization currently in the index or in the database.
    pub async fn reload_organization(&self, db: &Db, org: i64) -> Result<(), AppError> {
        let mut ids: Vec<i64> = db
            .run(move |conn| {
                Ok(activities::table
                    .filter(activities::organization_id.eq(org))
                    .select(activities::id)
                    .load::<i64>(conn)?)
            })
            .await?;
        if let Ok(snap) = self.snapshot() {
            ids.extend(
                snap.entries
                    .values()
                    .filter(|e| e.organization_id == org)
                    .map(|e| e.id),
            );
        }
        ids.sort_unstable();
        ids.dedup();
        self.reload(db, ids).await
    }

    /// Sizes, for the benchmark and the logs: (activities, sessions).
    pub fn len(&self) -> (usize, usize) {
        self.snapshot()
            .map(|s| (s.entries.len(), s.by_time.len()))
            .unwrap_or((0, 0))
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len().0 == 0
    }
}

type Names = HashMap<i64, (Box<str>, Box<str>)>;

fn load_taxonomy(conn: &mut AnyConnection) -> Result<(Taxonomy, Names), AppError> {
    let rows: Vec<(i64, Option<i64>, String, String)> = interests::table
        .select((
            interests::id,
            interests::parent_id,
            interests::name_it,
            interests::name_en,
        ))
        .load(conn)?;
    let parent = rows
        .iter()
        .filter_map(|(id, p, _, _)| Some((*id, (*p)?)))
        .collect();
    let names = rows
        .into_iter()
        .map(|(id, _, it, en)| (id, (it.into_boxed_str(), en.into_boxed_str())))
        .collect();
    Ok((Taxonomy { parent }, names))
}

impl Candidate for ActivityEntry {
    fn activity(&self) -> ActivityFacts<'_> {
        ActivityFacts {
            id: self.id,
            lat: self.latitude,
            lon: self.longitude,
            languages: &self.languages,
            wheelchair: self.wheelchair,
            accessibility: self.accessibility,
            low_barrier: self.low_barrier,
            cost: match &*self.cost_kind {
                "amount" => Cost::Amount(self.cost_cents),
                "pay_what_you_can" => Cost::PayWhatYouCan,
                _ => Cost::Free,
            },
            capacity: self.capacity,
            interests: &self.interests,
        }
    }

    fn session_count(&self) -> usize {
        self.sessions.len()
    }

    fn session(&self, i: usize) -> SessionFacts {
        let s = &self.sessions[i];
        SessionFacts {
            id: s.id,
            starts_at: s.starts_at,
            weekday: s.weekday,
            hour: s.hour,
            // Until bookings exist (participation issue) every seat is free.
            seats_left: self.capacity,
            waitlist_open: false,
        }
    }
}

/// Loads public activities (all, or only `only`) with their upcoming sessions.
fn load(
    conn: &mut AnyConnection,
    only: Option<&[i64]>,
    tz: Tz,
    horizon_days: i64,
) -> Result<Vec<ActivityEntry>, AppError> {
    let now = Utc::now();
    let from = (now - Duration::hours(1)).naive_utc();
    let to = (now + Duration::days(horizon_days + 1)).naive_utc();
    let mut q = activities::table
        .inner_join(organizations::table)
        .filter(activities::status.eq("published"))
        .filter(activities::deleted_at.is_null())
        .filter(organizations::status.eq("accredited"))
        .select((activities::all_columns, organizations::name))
        .into_boxed();
    if let Some(ids) = only {
        q = q.filter(activities::id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(Activity, String)> = q.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(a, _)| a.id).collect();
    let mut sessions_by: HashMap<i64, Vec<SessionRow>> = HashMap::new();
    let mut interests_by: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(5000) {
        let sessions: Vec<SessionRow> = activity_sessions::table
            .filter(activity_sessions::activity_id.eq_any(chunk))
            .filter(activity_sessions::starts_at.ge(from))
            .filter(activity_sessions::starts_at.lt(to))
            .filter(activity_sessions::deleted_at.is_null())
            .filter(activity_sessions::status.eq("scheduled"))
            .order(activity_sessions::starts_at.asc())
            .load(conn)?;
        for s in sessions {
            sessions_by.entry(s.activity_id).or_default().push(s);
        }
        let links: Vec<(i64, i64)> = activity_interests::table
            .filter(activity_interests::activity_id.eq_any(chunk))
            .select((
                activity_interests::activity_id,
                activity_interests::interest_id,
            ))
            .load(conn)?;
        for (a, i) in links {
            interests_by.entry(a).or_default().push(i);
        }
    }
    let mut orgs: HashMap<String, Arc<str>> = HashMap::new();
    Ok(rows
        .into_iter()
        .map(|(a, org)| {
            let organization = orgs
                .entry(org.clone())
                .or_insert_with(|| Arc::from(org.as_str()))
                .clone();
            let sessions = sessions_by
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| {
                    let local = s.starts_at.and_utc().with_timezone(&tz);
                    SessionEntry {
                        id: s.id,
                        starts_at: s.starts_at.and_utc().timestamp(),
                        ends_at: s.ends_at.and_utc().timestamp(),
                        weekday: local.weekday().number_from_monday() as u8,
                        hour: local.hour() as u8,
                        confirmed: s.confirmed_at.is_some(),
                        note: s.note.into_boxed_str(),
                    }
                })
                .collect();
            let interests = interests_by.remove(&a.id).unwrap_or_default();
            entry(a, organization, interests, sessions)
        })
        .collect())
}

fn entry(
    a: Activity,
    organization: Arc<str>,
    interests: Vec<i64>,
    sessions: Vec<SessionEntry>,
) -> ActivityEntry {
    let text = format!("{} {} {}", a.title, a.venue_name, a.description).to_lowercase();
    ActivityEntry {
        id: a.id,
        organization_id: a.organization_id,
        organization,
        languages: split_tags(&a.languages)
            .into_iter()
            .map(String::into_boxed_str)
            .collect(),
        wheelchair: wheelchair_rank(&a.wheelchair),
        accessibility: bits(&split_tags(&a.accessibility), ACCESSIBILITY),
        low_barrier: bits(&split_tags(&a.low_barrier), LOW_BARRIER),
        title: a.title.into_boxed_str(),
        venue_name: a.venue_name.into_boxed_str(),
        address: a.address.into_boxed_str(),
        latitude: a.latitude,
        longitude: a.longitude,
        nil_code: a.nil_code.map(String::into_boxed_str),
        municipio_code: a.municipio_code.map(String::into_boxed_str),
        cost_kind: a.cost_kind.into_boxed_str(),
        cost_cents: a.cost_cents,
        cost_help: a.cost_help,
        capacity: a.capacity,
        interests,
        text: text.into_boxed_str(),
        sessions,
    }
}
