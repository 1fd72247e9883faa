//! The discovery index: every upcoming session of every public activity, in memory, with a
//! uniform grid over activity locations (sessions share their activity's place). Built from the
//! database at start, refreshed per activity when the bus says it changed (on every
//! instance), and rebuilt in full every few minutes to absorb anything missed and the passing
//! of time. Both backends feed it the same rows, so it answers the same on both.

use crate::db::activities::{Activity, SessionRow};
use crate::db::schema::{
    activities, activity_interests, activity_sessions, interests, organizations,
};
use crate::db::{AnyConnection, Db};
use crate::domain::activities::{split_tags, ACCESSIBILITY, LOW_BARRIER};
use crate::domain::matching::{
    ActivityFacts, Candidate, Candidates, Cost, LanguageTable, Screen, SessionFacts, Taxonomy,
};
use crate::domain::residents::slot_bit;
use crate::error::AppError;
use chrono::{Datelike, Duration, Timelike, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_194.93;

/// One upcoming session, compactly (24 bytes; the rare notes live on the activity).
#[derive(Debug, Clone)]
pub struct SessionEntry {
    pub id: i64,
    /// Unix seconds.
    pub starts_at: i64,
    /// Seconds from start to end.
    pub length_s: u32,
    /// Local weekday (1 = Monday) and hour, precomputed for the filters.
    pub weekday: u8,
    pub hour: u8,
    /// The organizer confirmed it will take place (recurring series are confirmed month by month).
    pub confirmed: bool,
}

impl SessionEntry {
    /// Unix seconds.
    pub fn ends_at(&self) -> i64 {
        self.starts_at + i64::from(self.length_s)
    }
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
    pub nil_code: Option<Arc<str>>,
    pub municipio_code: Option<Arc<str>>,
    pub cost_kind: Arc<str>,
    pub cost_cents: i32,
    pub cost_help: bool,
    pub capacity: Option<i32>,
    pub languages: Arc<[Box<str>]>,
    pub wheelchair: u8,
    /// Bit i set = ACCESSIBILITY[i] present.
    pub accessibility: u8,
    /// Bit i set = LOW_BARRIER[i] present.
    pub low_barrier: u8,
    pub interests: Box<[i64]>,
    /// Lower-case description, for word search (title and venue are compared as they are).
    pub text: Box<str>,
    /// Upcoming sessions by start time.
    pub sessions: Box<[SessionEntry]>,
    /// Notes of the few sessions that have one: (session id, note).
    pub notes: Box<[(i64, Box<str>)]>,
}

impl ActivityEntry {
    /// The note of one of its sessions ("" when none).
    pub fn note_of(&self, session: i64) -> &str {
        self.notes
            .iter()
            .find(|(id, _)| *id == session)
            .map_or("", |(_, n)| n)
    }

    /// Whether every word (lower case) is in the title, the venue or the description.
    pub fn has_words(&self, words: &[String]) -> bool {
        if words.is_empty() {
            return true;
        }
        let head = format!("{} {}", self.title, self.venue_name).to_lowercase();
        words
            .iter()
            .all(|w| head.contains(w.as_str()) || self.text.contains(w.as_str()))
    }
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

/// Time origin of [`TimeRec::start_rel`]: 2020-01-01T00:00:00Z (u32 seconds reach 2156).
const TIME_ORIGIN: i64 = 1_577_836_800;

/// One session in the time-ordered list: where and when, compactly (24 bytes), and its
/// activity.
#[derive(Debug, Clone)]
pub struct TimeRec {
    /// Seconds from [`TIME_ORIGIN`].
    start_rel: u32,
    /// Projected position in metres from the city's reference point.
    pub x: f32,
    pub y: f32,
    /// Index of the session in `entry.sessions`.
    pub si: u32,
    pub entry: Arc<ActivityEntry>,
}

impl TimeRec {
    /// Unix seconds.
    pub fn starts(&self) -> i64 {
        TIME_ORIGIN + i64::from(self.start_rel)
    }

    /// The session's id.
    pub fn session_id(&self) -> i64 {
        self.entry
            .sessions
            .get(self.si as usize)
            .map_or(0, |s| s.id)
    }
}

/// Activities by id: a sorted array (a third of a hash table's memory; a lookup is a binary
/// search).
#[derive(Default, Clone)]
struct ById {
    /// The entries' ids, in the same order: a lookup searches these 8-byte keys in one array
    /// instead of following a pointer per step (a suggestion looks up ten activities).
    ids: Vec<i64>,
    entries: Vec<Arc<ActivityEntry>>,
}

impl ById {
    fn new(mut entries: Vec<Arc<ActivityEntry>>) -> ById {
        entries.sort_unstable_by_key(|e| e.id);
        entries.dedup_by_key(|e| e.id);
        entries.shrink_to_fit();
        ById {
            ids: entries.iter().map(|e| e.id).collect(),
            entries,
        }
    }

    fn get(&self, id: &i64) -> Option<&Arc<ActivityEntry>> {
        self.ids
            .binary_search(id)
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    fn values(&self) -> std::slice::Iter<'_, Arc<ActivityEntry>> {
        self.entries.iter()
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    /// Heap bytes of the two arrays (not of the entries).
    fn heap_bytes(&self) -> usize {
        self.ids.capacity() * size_of::<i64>()
            + self.entries.capacity() * size_of::<Arc<ActivityEntry>>()
    }
}

/// An immutable view of the index; readers hold it without blocking writers.
#[derive(Default)]
pub struct Snapshot {
    entries: ById,
    /// Every indexed session by (start, id).
    pub by_time: Vec<TimeRec>,
    /// The interest taxonomy (child → parent), for matching.
    taxonomy: Arc<Taxonomy>,
    /// Interest names (Italian, English), for reasons.
    interest_names: Arc<Names>,
    names_version: u64,
    /// The compact view matching scans.
    matcher: MatchIndex,
}

impl Snapshot {
    /// Bytes the snapshot holds on the heap: exact for its own vectors, boxes and strings;
    /// hash tables counted at their capacity plus a control byte per bucket. Shared strings
    /// (organization names, area codes, cost kinds, language lists) are counted once per
    /// activity (an upper bound).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let str_bytes = |s: &str| s.len();
        let mut total = self.by_time.capacity() * size_of::<TimeRec>();
        total += self.entries.heap_bytes();
        for e in self.entries.values() {
            // The Arc's allocation: two counters and the entry.
            total += 2 * size_of::<usize>() + size_of::<ActivityEntry>();
            total += str_bytes(&e.title) + str_bytes(&e.venue_name) + str_bytes(&e.address);
            total += str_bytes(&e.text) + str_bytes(&e.cost_kind);
            total += e.nil_code.as_deref().map_or(0, str_bytes);
            total += e.municipio_code.as_deref().map_or(0, str_bytes);
            total += e.languages.len() * size_of::<Box<str>>();
            total += e.languages.iter().map(|l| l.len()).sum::<usize>();
            total += e.interests.len() * size_of::<i64>();
            total += e.sessions.len() * size_of::<SessionEntry>();
            total += e.notes.len() * size_of::<(i64, Box<str>)>();
            total += e.notes.iter().map(|(_, n)| n.len()).sum::<usize>();
        }
        // The matching view: facts, entry pointers and grid cells.
        total += self.matcher.facts.capacity() * size_of::<ActivityFacts>();
        total += self.matcher.screens.capacity() * size_of::<Screen>();
        total += self.matcher.masks.capacity() * size_of::<u64>();
        total += self.matcher.entries.capacity() * size_of::<Arc<ActivityEntry>>();
        total += self.matcher.cells.capacity() * size_of::<(u32, u32)>();
        total
    }

    /// The interest taxonomy as of the last full rebuild.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// The compact view matching scans.
    pub fn matcher(&self) -> &MatchIndex {
        &self.matcher
    }

    /// Which set of interest names this snapshot has (a number no other set ever had; the
    /// same for snapshots that share it): what a text made from them may be remembered by.
    pub fn names_version(&self) -> u64 {
        self.names_version
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
            .find(|r| r.session_id() == id)
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
            Some([x, y]) => self
                .matcher
                .within(x, y, radius_m * 1.01)
                .cloned()
                .collect(),
            None => self.entries.values().cloned().collect(),
        }
    }
}

fn time_recs(e: &Arc<ActivityEntry>, xy: [f64; 2]) -> Vec<TimeRec> {
    e.sessions
        .iter()
        .enumerate()
        .map(|(si, _)| TimeRec {
            start_rel: u32::try_from(e.sessions[si].starts_at - TIME_ORIGIN).unwrap_or(0),
            x: xy[0] as f32,
            y: xy[1] as f32,
            si: si as u32,
            entry: e.clone(),
        })
        .collect()
}

fn by_time_key(r: &TimeRec) -> (i64, i64) {
    (r.starts(), r.session_id())
}

/// Projects lat/lon to metres on a plane tangent at the city's reference point (good to well
/// under 1% across a city; exact distances are checked with haversine afterwards).
pub fn project(lat: f64, lon: f64, ref_lat: f64, ref_lon: f64) -> [f64; 2] {
    [
        (lon - ref_lon) * M_PER_DEG * ref_lat.to_radians().cos(),
        (lat - ref_lat) * M_PER_DEG,
    ]
}

/// Numbers the sets of interest names read by full rebuilds, in every index of the process.
static NAMES_VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

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
    /// Seat counts of upcoming sessions that have bookings (the others have every seat free).
    seats: RwLock<HashMap<i64, SeatLine>>,
}

/// A session's seats as last announced: what suggestions and discovery show. The database's
/// seat row is the authority (joins are decided there); this copy follows `BookingChanged`
/// events from every instance and is reloaded at every full rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatLine {
    pub capacity: Option<i32>,
    pub confirmed: i32,
    pub waiting: i32,
    /// Seats anyone could book (`None`: no limit).
    pub left: Option<i32>,
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
            seats: RwLock::new(HashMap::new()),
        }
    }

    /// The seats of a session that has bookings (`None`: nobody booked; every seat is free).
    pub fn seats_of(&self, session_id: i64) -> Option<SeatLine> {
        self.seats.read().ok()?.get(&session_id).copied()
    }

    /// Records a session's seats as announced on the bus.
    pub fn set_seats(&self, session_id: i64, line: SeatLine) {
        if let Ok(mut m) = self.seats.write() {
            m.insert(session_id, line);
        }
    }

    /// A point in the index's projection.
    pub fn project(&self, lat: f64, lon: f64) -> [f64; 2] {
        project(lat, lon, self.ref_lat, self.ref_lon)
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
        let (entries, (taxonomy, interest_names), seats) = db
            .run(move |conn| {
                Ok((
                    load(conn, None, tz, horizon)?,
                    load_taxonomy(conn)?,
                    load_seats(conn)?,
                ))
            })
            .await?;
        *self.seats.write().map_err(|_| lock_err())? = seats;
        // Pushed into a fresh array (not collected in place into the rows' larger one).
        let mut shared = Vec::with_capacity(entries.len());
        shared.extend(entries.into_iter().map(Arc::new));
        let entries = ById::new(shared);
        let mut by_time: Vec<TimeRec> = entries
            .values()
            .flat_map(|e| time_recs(e, self.project(e.latitude, e.longitude)))
            .collect();
        by_time.sort_unstable_by_key(by_time_key);
        by_time.shrink_to_fit();
        let sessions = by_time.len();
        let activities = entries.len();
        let matcher = MatchIndex::build(entries.values(), |lat, lon| self.project(lat, lon));
        let snap = Snapshot {
            entries,
            by_time,
            taxonomy: Arc::new(taxonomy),
            interest_names: Arc::new(interest_names),
            names_version: NAMES_VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
            matcher,
        };
        let bytes = snap.heap_bytes();
        tracing::info!(
            activities,
            sessions,
            heap_bytes = bytes,
            bytes_per_session = bytes / sessions.max(1),
            "discovery index rebuilt"
        );
        let old = std::mem::replace(
            &mut *self.snap.write().map_err(|_| lock_err())?,
            Arc::new(snap),
        );
        // The rows read and the previous snapshot (once its last reader lets go) are garbage
        // of a few tens of MiB: hand the pages back rather than keep them resident.
        drop(old);
        tokio::task::spawn_blocking(release_free_memory);
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
        let mut entries: Vec<Arc<ActivityEntry>> = old
            .entries
            .values()
            .filter(|e| !ids.contains(&e.id))
            .cloned()
            .collect();
        let mut added: Vec<TimeRec> = Vec::new();
        for e in fresh {
            let e = Arc::new(e);
            added.extend(time_recs(&e, self.project(e.latitude, e.longitude)));
            entries.push(e);
        }
        let entries = ById::new(entries);
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
        let matcher = MatchIndex::build(entries.values(), |lat, lon| self.project(lat, lon));
        *self.snap.write().map_err(|_| lock_err())? = Arc::new(Snapshot {
            entries,
            by_time,
            taxonomy: old.taxonomy.clone(),
            interest_names: old.interest_names.clone(),
            names_version: old.names_version,
            matcher,
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

/// A candidate for matching: an activity of the index, by position. Small (16 bytes), so
/// that scanning passes positions around and reads only what each test needs: the screen
/// first, the facts and the entry only for activities that may rank.
#[derive(Clone, Copy)]
pub struct Cand<'a> {
    index: &'a MatchIndex,
    at: u32,
    /// No farther than the activity is (metres).
    floor: f32,
}

impl<'a> Cand<'a> {
    fn entry(&self) -> &'a ActivityEntry {
        &self.index.entries[self.at as usize]
    }
}

/// The activities of a list of runs of the grid's arrays, in order: see [`MatchIndex::near`].
pub struct Near<'a> {
    index: &'a MatchIndex,
    runs: std::vec::IntoIter<(f32, usize, usize)>,
    floor: f32,
    at: usize,
    end: usize,
    /// When not 0, only activities with one of these interest bits are wanted.
    need: u64,
}

impl<'a> Candidates for Near<'a> {
    type Cand = Cand<'a>;

    #[inline]
    fn next_candidate(&mut self) -> Option<Cand<'a>> {
        loop {
            while self.at >= self.end {
                let (floor, a, b) = self.runs.next()?;
                (self.floor, self.at, self.end) = (floor, a, b);
            }
            if self.need != 0 {
                // Over the interest bits alone, 8 bytes an activity, without the screens.
                let need = self.need;
                match self.index.masks[self.at..self.end]
                    .iter()
                    .position(|m| m & need != 0)
                {
                    Some(k) => self.at += k,
                    None => {
                        self.at = self.end;
                        continue;
                    }
                }
            }
            let at = self.at;
            self.at += 1;
            return Some(Cand {
                index: self.index,
                // Positions fit: the arrays are indexed by u32 cells (see `cells`).
                at: at as u32,
                floor: self.floor,
            });
        }
    }

    fn only_with_interests(&mut self, mask: u64) {
        self.need = mask;
    }
}

impl Candidate for Cand<'_> {
    fn activity(&self) -> &ActivityFacts {
        &self.index.facts[self.at as usize]
    }

    fn session_count(&self) -> usize {
        self.entry().sessions.len()
    }

    fn session(&self, i: usize) -> SessionFacts {
        let s = &self.entry().sessions[i];
        SessionFacts {
            id: s.id,
            starts_at: s.starts_at,
            weekday: s.weekday,
            hour: s.hour,
            // Full sessions stay open to a first-come waitlist, so seats never rule a session
            // out; suggestions show the live count (`DiscoveryIndex::seats_of`).
            seats_left: self.entry().capacity,
            waitlist_open: true,
        }
    }

    fn language_codes(&self) -> Vec<String> {
        self.entry()
            .languages
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    fn seats_follow_capacity(&self) -> bool {
        // Seats never exclude a session (the waitlist is always open; see `session`).
        true
    }

    fn distance_floor(&self) -> f64 {
        f64::from(self.floor)
    }

    fn screen(&self) -> Screen {
        self.index.screens[self.at as usize]
    }

    fn interests(&self) -> u64 {
        self.index.masks[self.at as usize]
    }
}

/// Seat counts of upcoming sessions with bookings.
fn load_seats(conn: &mut AnyConnection) -> QueryResult<HashMap<i64, SeatLine>> {
    use crate::db::schema::session_seats;
    let now = crate::db::now();
    let rows: Vec<crate::db::participation::SeatsRow> = session_seats::table
        .inner_join(activity_sessions::table)
        .filter(activity_sessions::starts_at.ge(now))
        .filter(session_seats::taken.gt(0).or(session_seats::waiting.gt(0)))
        .select(session_seats::all_columns)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let s = r.seats();
            (
                r.session_id,
                SeatLine {
                    capacity: s.capacity,
                    confirmed: s.taken,
                    waiting: s.waiting,
                    left: s.left(now),
                },
            )
        })
        .collect())
}

/// Grid cell side, metres.
const CELL_M: f32 = 250.0;
/// Most grid cells (the side grows for a very wide city).
const MAX_CELLS: f32 = 1_000_000.0;

/// The matching view of a snapshot: every activity's compact facts in one array, sorted by
/// the cell of a uniform grid, so a radius query reads a few contiguous runs.
#[derive(Default)]
pub struct MatchIndex {
    facts: Vec<ActivityFacts>,
    /// Each activity's screen, in the order of `facts`: 24 bytes each, so the scan mostly
    /// stays in the processor's cache.
    screens: Vec<Screen>,
    /// Each activity's interest bits, in the same order: a scan that wants only some
    /// interests reads these alone.
    masks: Vec<u64>,
    entries: Vec<Arc<ActivityEntry>>,
    languages: LanguageTable,
    cell: f32,
    min_x: f32,
    min_y: f32,
    nx: usize,
    ny: usize,
    /// Row-major cells: the range of `facts` in each.
    cells: Vec<(u32, u32)>,
}

impl MatchIndex {
    fn build<'a>(
        entries: impl Iterator<Item = &'a Arc<ActivityEntry>>,
        project: impl Fn(f64, f64) -> [f64; 2],
    ) -> MatchIndex {
        let entries: Vec<Arc<ActivityEntry>> = entries.cloned().collect();
        let mut languages = LanguageTable::default();
        for e in &entries {
            for l in e.languages.iter() {
                languages.add(l);
            }
        }
        let mut items: Vec<(ActivityFacts, Arc<ActivityEntry>)> = entries
            .into_iter()
            .map(|e| {
                let [x, y] = project(e.latitude, e.longitude);
                let mut interests = [0u32; 5];
                for (slot, i) in interests
                    .iter_mut()
                    .zip(e.interests.iter().filter_map(|i| u32::try_from(*i).ok()))
                {
                    *slot = i;
                }
                let facts = ActivityFacts {
                    id: e.id,
                    x: x as f32,
                    y: y as f32,
                    languages: languages.mask(e.languages.iter().map(|l| &**l)),
                    slots: e
                        .sessions
                        .iter()
                        .fold(0, |m, s| m | slot_bit(s.weekday, s.hour)),
                    first_start: e.sessions.first().map_or(i64::MAX, |s| s.starts_at),
                    first_slot: e
                        .sessions
                        .first()
                        .map_or(0, |s| slot_bit(s.weekday, s.hour)),
                    interests,
                    cost: match &*e.cost_kind {
                        "amount" => Cost::Amount(e.cost_cents),
                        "pay_what_you_can" => Cost::PayWhatYouCan,
                        _ => Cost::Free,
                    },
                    capacity: e.capacity,
                    wheelchair: e.wheelchair,
                    accessibility: e.accessibility,
                    low_barrier: e.low_barrier,
                };
                (facts, e)
            })
            .collect();
        if items.is_empty() {
            return MatchIndex {
                languages,
                ..MatchIndex::default()
            };
        }
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for (f, _) in &items {
            min_x = min_x.min(f.x);
            min_y = min_y.min(f.y);
            max_x = max_x.max(f.x);
            max_y = max_y.max(f.y);
        }
        let area = ((max_x - min_x) / CELL_M + 1.0) * ((max_y - min_y) / CELL_M + 1.0);
        let cell = if area > MAX_CELLS {
            CELL_M * (area / MAX_CELLS).sqrt().ceil()
        } else {
            CELL_M
        };
        let nx = ((max_x - min_x) / cell) as usize + 1;
        let ny = ((max_y - min_y) / cell) as usize + 1;
        let cell_of = |f: &ActivityFacts| {
            let cx = (((f.x - min_x) / cell) as usize).min(nx - 1);
            let cy = (((f.y - min_y) / cell) as usize).min(ny - 1);
            cy * nx + cx
        };
        items.sort_by_key(|(f, _)| (cell_of(f), f.id));
        let mut cells = vec![(0u32, 0u32); nx * ny];
        let mut i = 0;
        while i < items.len() {
            let c = cell_of(&items[i].0);
            let start = i;
            while i < items.len() && cell_of(&items[i].0) == c {
                i += 1;
            }
            cells[c] = (start as u32, i as u32);
        }
        let (facts, entries): (Vec<ActivityFacts>, _) = items.into_iter().unzip();
        let screens = facts.iter().map(Screen::of).collect();
        let masks = facts.iter().map(ActivityFacts::interest_mask).collect();
        MatchIndex {
            facts,
            screens,
            masks,
            entries,
            languages,
            cell,
            min_x,
            min_y,
            nx,
            ny,
            cells,
        }
    }

    /// The set of some language codes over this index's table.
    pub fn language_mask<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> u64 {
        self.languages.mask(codes)
    }

    /// Candidates in the grid cells a circle touches (a superset; matching checks the radius),
    /// nearest cells first: ring after ring of cells around the one holding the centre, each
    /// candidate carrying a floor on its distance (the ring's) that never decreases along the
    /// way, so matching can stop as soon as nothing farther could still rank.
    pub fn near(&self, x: f64, y: f64, radius: f64) -> Near<'_> {
        Near {
            index: self,
            runs: self.runs(x, y, radius).into_iter(),
            floor: 0.0,
            at: 0,
            end: 0,
            need: 0,
        }
    }

    /// The activities within `radius` of a point (exactly, in the projection).
    fn within(&self, x: f64, y: f64, radius: f64) -> impl Iterator<Item = &Arc<ActivityEntry>> {
        self.runs(x, y, radius)
            .into_iter()
            .flat_map(move |(_, a, b)| self.screens[a..b].iter().zip(&self.entries[a..b]))
            .filter(move |(s, _)| {
                let (dx, dy) = (f64::from(s.x) - x, f64::from(s.y) - y);
                dx * dx + dy * dy <= radius * radius
            })
            .map(|(_, e)| e)
    }

    /// The runs of the grid's arrays to read for a circle, nearest ring of cells first, each
    /// with its ring's floor: (floor, start, end). Listed before reading any (a few hundred
    /// runs at most: cheap next to the scan), so the scan itself is one flat loop;
    /// neighbouring cells of a row are one run.
    fn runs(&self, x: f64, y: f64, radius: f64) -> Vec<(f32, usize, usize)> {
        let (x, y, r) = (x as f32, y as f32, radius.max(0.0) as f32);
        let usable = self.nx > 0 && self.ny > 0 && x.is_finite() && y.is_finite() && r.is_finite();
        // The centre's cell, possibly outside the grid (clamped far enough not to overflow).
        let at =
            |v: f32, min: f32| (((v - min) / self.cell).floor() as i64).clamp(-1 << 40, 1 << 40);
        let (px, py) = (at(x, self.min_x), at(y, self.min_y));
        let rings = if usable {
            (r / self.cell).ceil() as i64 + 1
        } else {
            -1
        };
        let mut runs: Vec<(f32, usize, usize)> = Vec::new();
        for k in 0..=rings {
            // Every point of ring k is at least k - 1 whole cells away along x or y.
            let floor = ((k - 1).max(0) as f32 * self.cell - 1.0).max(0.0);
            for (cx, cy) in ring(px, py, k) {
                if !self.cell_within(cx, cy, x, y, r) {
                    continue;
                }
                let (a, b) = self.cells[cy as usize * self.nx + cx as usize];
                let (a, b) = (a as usize, b as usize);
                match runs.last_mut() {
                    _ if a == b => {}
                    Some(last) if last.0 == floor && last.2 == a => last.2 = b,
                    _ => runs.push((floor, a, b)),
                }
            }
        }
        runs
    }

    /// Whether cell (cx, cy) is on the grid and some point of it is within `r` of (x, y).
    fn cell_within(&self, cx: i64, cy: i64, x: f32, y: f32, r: f32) -> bool {
        if cx < 0 || cy < 0 || cx >= self.nx as i64 || cy >= self.ny as i64 {
            return false;
        }
        let gap = |v: f32, lo: f32| {
            let hi = lo + self.cell;
            (lo - v).max(v - hi).max(0.0)
        };
        let dx = gap(x, self.min_x + cx as f32 * self.cell);
        let dy = gap(y, self.min_y + cy as f32 * self.cell);
        dx * dx + dy * dy <= r * r
    }
}

/// The cells at Chebyshev distance exactly `k` from (px, py): the top and bottom rows, then
/// the two sides between them.
fn ring(px: i64, py: i64, k: i64) -> impl Iterator<Item = (i64, i64)> {
    let n = if k == 0 { 1 } else { 8 * k };
    (0..n).map(move |i| {
        if k == 0 {
            (px, py)
        } else if i <= 2 * k {
            (px - k + i, py - k)
        } else if i <= 4 * k + 1 {
            (px - k + (i - 2 * k - 1), py + k)
        } else {
            let j = i - 4 * k - 2;
            let cx = if j % 2 == 0 { px - k } else { px + k };
            (cx, py - k + 1 + j / 2)
        }
    })
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
    let mut shared = Interner::default();
    Ok(rows
        .into_iter()
        .map(|(a, org)| {
            let organization = shared.str(&org);
            let rows = sessions_by.remove(&a.id).unwrap_or_default();
            let notes: Box<[(i64, Box<str>)]> = rows
                .iter()
                .filter(|s| !s.note.is_empty())
                .map(|s| (s.id, s.note.clone().into_boxed_str()))
                .collect();
            let sessions: Box<[SessionEntry]> = rows
                .iter()
                .map(|s| {
                    let local = s.starts_at.and_utc().with_timezone(&tz);
                    let starts = s.starts_at.and_utc().timestamp();
                    SessionEntry {
                        id: s.id,
                        starts_at: starts,
                        length_s: u32::try_from(s.ends_at.and_utc().timestamp() - starts)
                            .unwrap_or(0),
                        weekday: local.weekday().number_from_monday() as u8,
                        hour: local.hour() as u8,
                        confirmed: s.confirmed_at.is_some(),
                    }
                })
                .collect();
            let interests = interests_by.remove(&a.id).unwrap_or_default();
            entry(a, organization, interests, sessions, notes, &mut shared)
        })
        .collect())
}

/// One copy of the strings many activities repeat (organization names, area codes, cost
/// kinds, language lists), shared by all of them.
#[derive(Default)]
struct Interner {
    strs: HashMap<String, Arc<str>>,
    lists: HashMap<String, Arc<[Box<str>]>>,
}

impl Interner {
    fn str(&mut self, s: &str) -> Arc<str> {
        shared_copy(&mut self.strs, s, |k| Arc::from(k))
    }

    /// A stored tag list ("it,en") as codes.
    fn tags(&mut self, list: &str) -> Arc<[Box<str>]> {
        shared_copy(&mut self.lists, list, |l| {
            split_tags(l)
                .into_iter()
                .map(String::into_boxed_str)
                .collect()
        })
    }
}

/// The shared value made from `key`: made by `make` the first time, then the same one.
fn shared_copy<T: ?Sized>(
    made: &mut HashMap<String, Arc<T>>,
    key: &str,
    make: impl FnOnce(&str) -> Arc<T>,
) -> Arc<T> {
    if let Some(found) = made.get(key) {
        return found.clone();
    }
    let new = make(key);
    made.insert(key.to_string(), new.clone());
    new
}

fn entry(
    a: Activity,
    organization: Arc<str>,
    interests: Vec<i64>,
    sessions: Box<[SessionEntry]>,
    notes: Box<[(i64, Box<str>)]>,
    shared: &mut Interner,
) -> ActivityEntry {
    let text = a.description.to_lowercase();
    ActivityEntry {
        id: a.id,
        organization_id: a.organization_id,
        organization,
        languages: shared.tags(&a.languages),
        wheelchair: wheelchair_rank(&a.wheelchair),
        accessibility: bits(&split_tags(&a.accessibility), ACCESSIBILITY),
        low_barrier: bits(&split_tags(&a.low_barrier), LOW_BARRIER),
        title: a.title.into_boxed_str(),
        venue_name: a.venue_name.into_boxed_str(),
        address: a.address.into_boxed_str(),
        latitude: a.latitude,
        longitude: a.longitude,
        nil_code: a.nil_code.map(|c| shared.str(&c)),
        municipio_code: a.municipio_code.map(|c| shared.str(&c)),
        cost_kind: shared.str(&a.cost_kind),
        cost_cents: a.cost_cents,
        cost_help: a.cost_help,
        capacity: a.capacity,
        interests: interests.into_boxed_slice(),
        text: text.into_boxed_str(),
        sessions,
        notes,
    }
}

/// Returns the allocator's free pages to the system where it can (glibc's `malloc_trim`), so
/// that resident memory shows what is held rather than what a rebuild's rows left behind.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointers; it only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Bytes the allocator has handed out and not taken back, its per-block overhead included
/// (glibc's `mallinfo2`: small blocks in every arena plus large mapped ones).
fn allocated_bytes() -> Option<usize> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallinfo2` takes nothing and returns a plain struct of counters.
        let m = unsafe { libc::mallinfo2() };
        Some(m.uordblks + m.hblkhd)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        None
    }
}

/// Resident memory of this process, in bytes (Linux; 0 elsewhere).
fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<usize>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

/// What [`measure`] found.
#[derive(Debug)]
pub struct IndexStats {
    pub activities: usize,
    pub sessions: usize,
    pub heap_bytes: usize,
    /// Bytes the allocator has handed out more than before (its per-block overhead included),
    /// where the allocator can tell.
    pub allocated_bytes: Option<isize>,
    pub rss_bytes: isize,
}

impl std::fmt::Display for IndexStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per = |b: f64| b / self.sessions.max(1) as f64;
        write!(
            f,
            "discovery index: {} activities, {} upcoming sessions\n\
             estimated from its structures: {:.1} MiB, {:.0} bytes per session\n",
            self.activities,
            self.sessions,
            self.heap_bytes as f64 / 1_048_576.0,
            per(self.heap_bytes as f64),
        )?;
        if let Some(b) = self.allocated_bytes {
            writeln!(
                f,
                "allocated by a second copy: {:.1} MiB, {:.0} bytes per session",
                b as f64 / 1_048_576.0,
                per(b as f64),
            )?;
        }
        write!(
            f,
            "resident memory added by a second copy: {:.1} MiB, {:.0} bytes per session",
            self.rss_bytes as f64 / 1_048_576.0,
            per(self.rss_bytes as f64),
        )
    }
}

/// Builds a second index next to the running one and measures it: its own estimate of its
/// heap, and the growth of the process's resident memory, free pages handed back to the
/// system before and after (it also counts the allocator's own overhead and whatever the
/// build left scattered in pages still partly used: an upper bound).
pub async fn measure(state: &crate::state::AppState) -> Result<IndexStats, AppError> {
    let tz: Tz = state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    let (lat, lon) = state.areas.reference_point().unwrap_or((45.4642, 9.1900));
    let index = DiscoveryIndex::new(tz, state.settings.city.horizon_days, lat, lon);
    release_free_memory();
    let (before, allocated_before) = (rss_bytes(), allocated_bytes());
    index.rebuild(&state.db).await?;
    release_free_memory();
    let (after, allocated_after) = (rss_bytes(), allocated_bytes());
    let snap = index.snapshot()?;
    Ok(IndexStats {
        activities: snap.entries.len(),
        sessions: snap.by_time.len(),
        heap_bytes: snap.heap_bytes(),
        allocated_bytes: allocated_before
            .zip(allocated_after)
            .map(|(b, a)| a as isize - b as isize),
        rss_bytes: after as isize - before as isize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source's candidates, all of them.
    fn each(mut near: Near<'_>) -> impl Iterator<Item = Cand<'_>> {
        std::iter::from_fn(move || near.next_candidate())
    }

    fn entry_at(id: i64, lat: f64, lon: f64) -> Arc<ActivityEntry> {
        Arc::new(ActivityEntry {
            id,
            organization_id: 1,
            organization: Arc::from("Org"),
            title: "t".into(),
            venue_name: "v".into(),
            address: "a".into(),
            latitude: lat,
            longitude: lon,
            nil_code: None,
            municipio_code: None,
            cost_kind: "free".into(),
            cost_cents: 0,
            cost_help: false,
            capacity: None,
            languages: Arc::from(vec![Box::<str>::from("it")]),
            wheelchair: 2,
            accessibility: 0,
            low_barrier: 0,
            interests: vec![1].into_boxed_slice(),
            text: "".into(),
            sessions: Vec::new().into_boxed_slice(),
            notes: Vec::new().into_boxed_slice(),
        })
    }

    #[test]
    fn passing_over_far_and_unrelated_activities_ranks_exactly_as_scoring_all() {
        use crate::domain::matching::{rank, History, Profile, Taxonomy, Weights};
        let (rlat, rlon) = (45.4642, 9.19);
        let mut x: u64 = 11;
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let now = 1_800_000_000;
        // Activities over ~10 km with varied interests, welcomes, sizes and sessions.
        let entries: Vec<Arc<ActivityEntry>> = (1..=4000)
            .map(|i| {
                let (lat, lon) = (rlat + (next() - 0.5) * 0.09, rlon + (next() - 0.5) * 0.13);
                let mut e = (*entry_at(i, lat, lon)).clone();
                let mut interests: Vec<i64> = (0..1 + (next() * 3.0) as usize)
                    .map(|_| 1 + (next() * 12.0) as i64)
                    .collect();
                interests.dedup();
                e.interests = interests.into_boxed_slice();
                e.low_barrier = (next() * 32.0) as u8;
                // Mostly small to mid-sized; some without a limit, some beyond a screen's byte.
                e.capacity = match next() {
                    r if r < 0.15 => None,
                    r if r < 0.25 => Some(200 + (next() * 200.0) as i32),
                    _ => Some(4 + (next() * 30.0) as i32),
                };
                // Some first sessions past the 28-day window.
                let start = now + 7200 + (next() * 36.0 * 86_400.0) as i64;
                e.sessions = (0..1 + (next() * 3.0) as i64)
                    .map(|k| SessionEntry {
                        id: i * 10 + k,
                        starts_at: start + k * 7 * 86_400,
                        length_s: 3600,
                        weekday: 1 + (next() * 7.0) as u8 % 7,
                        hour: [10, 15, 19][(next() * 3.0) as usize % 3],
                        confirmed: true,
                    })
                    .collect();
                Arc::new(e)
            })
            .collect();
        let proj = |lat: f64, lon: f64| project(lat, lon, rlat, rlon);
        let m = MatchIndex::build(entries.iter(), proj);
        let taxonomy = Taxonomy {
            parent: (2..=12).map(|c| (c, 1 + c % 3)).collect(),
        };
        let mut compared = 0;
        for q in 0..200 {
            // Also weights under which far activities compete (slow decay, heavy extras, soon
            // sessions worth much more than later ones).
            let weights = Weights {
                distance_decay_m: [1200.0, 4000.0, 600.0][q % 3],
                welcome: [0.6, 2.0][q % 2],
                small_group: [0.4, 1.5, 0.0][(q / 2) % 3],
                interest: [1.5, 0.8][(q / 3) % 2],
                schedule: [0.5, 2.5][(q / 7) % 2],
                ..Weights::default()
            };
            let p = Profile {
                x: (next() - 0.5) * 9000.0,
                y: (next() - 0.5) * 9000.0,
                radius_m: [500.0, 1000.0, 2000.0, 5000.0][q % 4],
                languages: m.language_mask(["it"]),
                spoken: vec!["it".into()],
                interests: (0..q % 3).map(|_| 1 + (next() * 12.0) as i64).collect(),
                new_to_activities: q % 2 == 0,
                prefers_small_groups: q % 5 == 0,
                // Free at some times only, for half of them.
                availability: if q % 4 < 2 {
                    (next() * f64::from(1u32 << 21)) as u32
                } else {
                    0
                },
                ..Profile::default()
            };
            // Some with sessions booked already.
            let booked: std::collections::HashSet<i64> = (0..if q % 3 == 0 { 200 } else { 0 })
                .map(|_| 10 * (1 + (next() * 4000.0) as i64) + (next() * 2.0) as i64)
                .collect();
            let h = History {
                booked_sessions: booked,
                ..History::default()
            };
            let limit = [5, 10, 20, 40][(q / 5) % 4];
            let ranked = |pass_over| {
                let near = m.near(p.x, p.y, p.radius_m);
                rank(&p, near, &taxonomy, &h, &weights, now, limit, pass_over)
            };
            let all = ranked(false);
            assert_eq!(ranked(true), all, "query {q}");
            compared += usize::from(!all.is_empty());
            // Floors never decrease and never exceed the true distance.
            let mut last = 0.0f64;
            for c in each(m.near(p.x, p.y, p.radius_m)) {
                let a = c.activity();
                let d = (f64::from(a.x) - p.x).hypot(f64::from(a.y) - p.y);
                assert!(c.distance_floor() >= last && c.distance_floor() <= d + 0.5);
                last = c.distance_floor();
            }
            // Asked for some interests midway, the source leaves out exactly the activities
            // with none of them from then on.
            let bit = crate::domain::matching::interest_bit;
            let mask = bit(1 + (q % 12) as i64) | bit(1 + (q % 5) as i64);
            let plain: Vec<u32> = each(m.near(p.x, p.y, p.radius_m)).map(|c| c.at).collect();
            let half = plain.len() / 2;
            let mut near = m.near(p.x, p.y, p.radius_m);
            let mut asked = Vec::new();
            while let Some(c) = near.next_candidate() {
                asked.push(c.at);
                if asked.len() == half {
                    near.only_with_interests(mask);
                }
            }
            let expected: Vec<u32> = plain
                .iter()
                .enumerate()
                .filter(|(i, at)| *i < half || m.masks[**at as usize] & mask != 0)
                .map(|(_, at)| *at)
                .collect();
            assert_eq!(asked, expected, "query {q}");
        }
        assert!(compared > 140, "only {compared} queries had suggestions");
    }

    #[test]
    fn the_grid_finds_every_activity_within_the_radius_and_nothing_far_beyond() {
        let (rlat, rlon) = (45.4642, 9.19);
        // A deterministic scatter over ~12 km, denser in the middle.
        let mut x: u64 = 7;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let entries: Vec<Arc<ActivityEntry>> = (1..=3000)
            .map(|i| {
                let s = if i % 3 == 0 { 0.02 } else { 0.11 };
                entry_at(i, rlat + next() * s, rlon + next() * s * 1.4)
            })
            .collect();
        let proj = |lat: f64, lon: f64| project(lat, lon, rlat, rlon);
        let m = MatchIndex::build(entries.iter(), proj);
        assert_eq!(m.facts.len(), 3000);
        for (i, (cx, cy, r)) in [
            (0.0, 0.0, 500.0),
            (0.0, 0.0, 5000.0),
            (2500.0, -1800.0, 1000.0),
            (-6400.0, 6100.0, 2000.0),
            (40_000.0, 0.0, 3000.0),
        ]
        .into_iter()
        .enumerate()
        {
            let ids: Vec<i64> = each(m.near(cx, cy, r)).map(|c| c.activity().id).collect();
            let got: std::collections::HashSet<i64> = ids.iter().copied().collect();
            assert_eq!(got.len(), ids.len(), "query {i}: an activity came twice");
            for e in &entries {
                let [ex, ey] = proj(e.latitude, e.longitude);
                let d = ((ex - cx).powi(2) + (ey - cy).powi(2)).sqrt();
                if d <= r {
                    assert!(
                        got.contains(&e.id),
                        "query {i}: {} at {d:.0} m missed",
                        e.id
                    );
                }
                if got.contains(&e.id) {
                    // Only the cells the circle touches.
                    let reach = r + 2.0 * std::f64::consts::SQRT_2 * f64::from(m.cell);
                    assert!(d <= reach, "query {i}: {} at {d:.0} m", e.id);
                }
            }
        }
        assert!(MatchIndex::build(std::iter::empty(), proj)
            .near(0.0, 0.0, 1000.0)
            .next_candidate()
            .is_none());
    }
}
