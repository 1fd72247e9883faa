//! Residents' files: who may read or change them, consent, questionnaires, suggestions.
//!
//! Access is decided in one place, [`access`]: the resident themself; one of their linkers
//! (an accredited linker, linked to the resident, while the resident's consent to care
//! follow-up stands); or an admin through an explicit, time-limited "break glass" with a
//! reason. Every read is audit-logged with who, what and why; every refusal too.
//!
//! A resident's file (profile, linkers, consents, recent declines) is kept in memory for
//! `residents.cache_secs` so that suggestions need no database round trip; every change
//! publishes `ResidentChanged` on the bus and every instance evicts its copy.

use crate::auth::CurrentUser;
use crate::bus::Event;
use crate::db::residents::{self as rdb, Resident, ResidentFields};
use crate::db::{self, accounts, activities as adb, audit, AnyConnection, ResidentId, UserId};
use crate::domain::matching::{self, History, Profile};
use crate::domain::questionnaires::{self, Instrument};
use crate::domain::residents::{
    cell_centre, join_tags, parse_cell, ConsentDraft, ConsentInput, Purpose, ResidentDraft,
    ResidentInput,
};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::index::{bits, ActivityEntry};
use crate::lock;
use crate::state::AppState;
use chrono::{Datelike, Duration, Utc};
use moka::sync::Cache;
use std::collections::HashMap;
use std::sync::Arc;

/// What the cache holds of one resident.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub resident: Resident,
    pub interests: Vec<i64>,
    /// Current linkers' user ids.
    pub linkers: Vec<i64>,
    /// Purposes with an active consent.
    pub consents: Vec<Purpose>,
    /// What matching must know besides the profile: recent declines (activity → how many)
    /// and upcoming live bookings. Made once when the file is loaded, not per suggestion.
    pub history: History,
    /// Whether they have taken part in an activity (present in a register, or said so).
    pub has_taken_part: bool,
    /// When it was read from the database.
    pub loaded: std::time::Instant,
}

impl FileEntry {
    /// Whether a consent for this purpose stands.
    pub fn consents_to(&self, p: Purpose) -> bool {
        self.consents.contains(&p)
    }
}

/// In-memory copies of residents' files and of linkers' accreditation, evicted through the bus.
///
/// A file lives `cache_secs` at most (the bound on staleness if an event is lost). One asked
/// for after three quarters of that is served as it is and read again in the background, so
/// that a file in use is not read on a linker's request each time its copy runs out, and the
/// files loaded together (a fresh instance, a cache cleared) do not all run out together in
/// the middle of people's requests.
pub struct ResidentCache {
    files: Cache<i64, Arc<FileEntry>>,
    linkers: Cache<i64, bool>,
    /// Files older than this are read again in the background when asked for.
    refresh_after: Option<std::time::Duration>,
    /// Files being read again in the background.
    refreshing: std::sync::Mutex<std::collections::HashSet<i64>>,
    /// Counts evictions of files. A file read while one of it happened is not kept: it may
    /// have been read before the change that evicted it committed.
    evictions: std::sync::Mutex<Evictions>,
}

/// Evictions counted by file, in a fixed number of buckets (a file shares its count with a
/// few others, so a read is sometimes not kept for another file's change), and of all files.
struct Evictions {
    all: u64,
    of: [u64; EVICTION_BUCKETS],
}

const EVICTION_BUCKETS: usize = 1024;

impl Evictions {
    /// Grows whenever the file or all files were evicted (both counts only grow).
    fn of(&self, id: i64) -> u64 {
        self.all + self.of[id.rem_euclid(EVICTION_BUCKETS as i64) as usize]
    }
}

impl ResidentCache {
    /// A cache with a time-to-live and a capacity (entries).
    pub fn new(ttl_secs: u64, capacity: u64) -> ResidentCache {
        let ttl = std::time::Duration::from_secs(ttl_secs);
        ResidentCache {
            files: Cache::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build(),
            linkers: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
            refresh_after: (ttl_secs > 0).then(|| ttl * 3 / 4),
            refreshing: Default::default(),
            evictions: std::sync::Mutex::new(Evictions {
                all: 0,
                of: [0; EVICTION_BUCKETS],
            }),
        }
    }

    /// Forgets a resident's file.
    pub fn evict(&self, id: i64) {
        let mut n = lock(&self.evictions);
        n.of[id.rem_euclid(EVICTION_BUCKETS as i64) as usize] += 1;
        self.files.invalidate(&id);
    }

    /// Forgets every file (events may have been missed).
    pub fn evict_all(&self) {
        let mut n = lock(&self.evictions);
        n.all += 1;
        self.files.invalidate_all();
        self.linkers.invalidate_all();
    }

    /// Forgets whether a user is an accredited linker.
    pub fn evict_linker(&self, user: i64) {
        self.linkers.invalidate(&user);
    }

    /// Evictions of a file so far: taken before reading it, handed to [`ResidentCache::keep`].
    fn evictions(&self, id: i64) -> u64 {
        lock(&self.evictions).of(id)
    }

    /// Keeps a file read after `evictions` evictions of it, unless one happened since.
    fn keep(&self, id: i64, entry: Arc<FileEntry>, evictions: u64) -> bool {
        let n = lock(&self.evictions);
        let kept = n.of(id) == evictions;
        if kept {
            self.files.insert(id, entry);
        }
        kept
    }

    /// Whether a file just served from memory should be read again now, in the background
    /// (true once per file until [`ResidentCache::refreshed`]).
    fn due_for_refresh(&self, id: i64, f: &FileEntry) -> bool {
        self.refresh_after
            .is_some_and(|after| f.loaded.elapsed() >= after)
            && lock(&self.refreshing).insert(id)
    }

    fn refreshed(&self, id: i64) {
        lock(&self.refreshing).remove(&id);
    }
}

/// Applies bus events to this instance's cache.
pub fn spawn_cache_follower(state: AppState) {
    use tokio::sync::broadcast::error::RecvError;
    let mut rx = state.bus.subscribe();
    tokio::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(Event::ResidentChanged { resident_id })
                | Ok(Event::BookingChanged {
                    resident_id: Some(resident_id),
                    ..
                })
                | Ok(Event::ReferralChanged { resident_id, .. }) => {
                    state.residents.evict(resident_id)
                }
                Ok(Event::LinkerStatusChanged { user_id, .. }) => {
                    state.residents.evict_linker(user_id)
                }
                Ok(Event::SessionsEnded { user_id }) | Ok(Event::PrincipalChanged { user_id }) => {
                    state.sessions.forget_user(user_id);
                    state.residents.evict_linker(user_id);
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "resident cache follower fell behind; clearing");
                    state.residents.evict_all();
                    state.sessions.forget_all();
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}

fn load_file(
    conn: &mut AnyConnection,
    id: ResidentId,
    since: chrono::NaiveDateTime,
) -> Result<Option<FileEntry>, AppError> {
    let Some(p) = rdb::file_parts(conn, id, since, db::now())? else {
        return Ok(None);
    };
    let history = History {
        declined: p
            .declined
            .into_iter()
            .map(|(a, n)| (a, n.clamp(0, u32::MAX as i64) as u32))
            .collect(),
        booked_activities: p.booked.iter().map(|b| b.1).collect(),
        booked_sessions: p.booked.iter().map(|b| b.0).collect(),
    };
    Ok(Some(FileEntry {
        resident: p.resident,
        interests: p.interests,
        linkers: p.linkers,
        consents: p
            .consents
            .iter()
            .filter_map(|c| Purpose::parse(c))
            .collect(),
        history,
        has_taken_part: p.went,
        loaded: std::time::Instant::now(),
    }))
}

/// A resident's file, from memory or the database. 404 when there is none.
pub async fn file(state: &AppState, id: ResidentId) -> Result<Arc<FileEntry>, AppError> {
    if let Some(f) = state.residents.files.get(&id.0) {
        if state.residents.due_for_refresh(id.0, &f) {
            let state = state.clone();
            tokio::spawn(async move {
                if let Err(e) = read_file(&state, id).await {
                    tracing::warn!(error = %e, "reading a resident's file again failed");
                }
                state.residents.refreshed(id.0);
            });
        }
        return Ok(f);
    }
    read_file(state, id).await?.ok_or(AppError::NotFound)
}

/// Reads a file from the database into the cache (`None`: there is none).
async fn read_file(state: &AppState, id: ResidentId) -> Result<Option<Arc<FileEntry>>, AppError> {
    let since = db::now() - Duration::days(state.settings.residents.decline_memory_days);
    let evictions = state.residents.evictions(id.0);
    let entry = state.db.run(move |conn| load_file(conn, id, since)).await?;
    Ok(match entry {
        Some(e) => {
            let e = Arc::new(e);
            state.residents.keep(id.0, e.clone(), evictions);
            Some(e)
        }
        // Nothing to forget: a deleted file was evicted when it was deleted.
        None => None,
    })
}

/// Whether a user is an accredited linker (cached; evicted when their status changes).
pub async fn is_linker(state: &AppState, user: UserId) -> Result<bool, AppError> {
    if let Some(b) = state.residents.linkers.get(&user.0) {
        return Ok(b);
    }
    let ok = state
        .db
        .run(move |conn| {
            Ok(accounts::find_linker(conn, user)?.is_some_and(|l| {
                l.status == crate::domain::organizations::Status::Accredited.as_str()
            }))
        })
        .await?;
    state.residents.linkers.insert(user.0, ok);
    Ok(ok)
}

/// Why someone may see a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// The resident themself.
    Own,
    /// One of their linkers.
    Linker,
    /// An admin, through break glass, with this reason.
    BreakGlass(String),
}

impl Why {
    fn detail(&self, what: &str) -> String {
        match self {
            Why::Own => format!("{what}; as the resident"),
            Why::Linker => format!("{what}; as their linker"),
            Why::BreakGlass(r) => format!("{what}; break glass: {r}"),
        }
    }
}

/// What the caller wants to do with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Read it (profile, questionnaires, suggestions).
    Read,
    /// Change the profile, record a questionnaire, set a suggestion aside.
    Write,
    /// Record or withdraw a consent (a linked linker may, even after care consent ended).
    Consent,
}

/// Decides whether `user` may do `need` with resident `id`; audits the read (`what`) or the
/// refusal. 404 for a resident that does not exist, 403 otherwise.
pub async fn access(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    need: Need,
    what: &str,
) -> Result<(Arc<FileEntry>, Why), AppError> {
    let f = file(state, id).await?;
    let me = user.id();
    let why = if f.resident.user_id == Some(me.0) {
        Ok(Why::Own)
    } else if f.linkers.contains(&me.0) && is_linker(state, me).await? {
        if need == Need::Consent || f.consents_to(Purpose::Care) {
            Ok(Why::Linker)
        } else {
            Err(AppError::Forbidden("err-consent-care-withdrawn"))
        }
    } else if user.user.is_admin {
        if need != Need::Read {
            Err(AppError::Forbidden("err-break-glass-read-only"))
        } else {
            let now = db::now();
            let open = state
                .db
                .run(move |conn| Ok(rdb::open_break_glass_reason(conn, me, id, now)?))
                .await?;
            match open {
                Some((reason, _)) => Ok(Why::BreakGlass(reason)),
                None => Err(AppError::Forbidden("err-break-glass-needed")),
            }
        }
    } else {
        Err(AppError::Forbidden("err-resident-forbidden"))
    };
    match why {
        Ok(why) => {
            if need == Need::Read {
                state
                    .audit
                    .read(me.0, "resident.read", "resident", id.0, why.detail(what))
                    .await;
            }
            Ok((f, why))
        }
        Err(e) => {
            let detail = format!("{what}; refused: {}", e.info().message_id);
            state
                .db
                .run(move |conn| {
                    Ok(audit::record(
                        conn,
                        Some(me),
                        "resident.denied",
                        "resident",
                        Some(id.0),
                        &detail,
                    )?)
                })
                .await?;
            Err(e)
        }
    }
}

fn fields_of(input: &ResidentInput) -> ResidentFields {
    ResidentFields {
        display_name: input.display_name.clone(),
        phone: input.phone.clone(),
        email: input.email.clone(),
        locale: input.locale.clone(),
        birth_year: input.birth_year,
        languages: join_tags(&input.languages),
        home_cell: input.home_cell.clone(),
        home_area: input.home_area.clone(),
        travel_radius_m: input.travel_radius_m,
        availability: input.availability as i32,
        wheelchair: input.wheelchair,
        accessibility: join_tags(&input.accessibility),
        budget_cents: input.budget_cents,
        wants_company: input.wants_company,
        prefers_small_groups: input.prefers_small_groups,
        updated_at: db::now(),
    }
}

fn check_draft(state: &AppState, draft: &ResidentDraft) -> Result<ResidentInput, AppError> {
    let areas = state.areas.clone();
    draft
        .check(|code| areas.exists("small", code), Utc::now().year())
        .map_err(AppError::Validation)
}

fn check_consents(drafts: &[ConsentDraft]) -> Result<Vec<ConsentInput>, AppError> {
    let mut out: Vec<ConsentInput> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        match d.check() {
            Ok(c) => {
                if !out.iter().any(|o| o.purpose == c.purpose) {
                    out.push(c);
                }
            }
            Err(fields) => {
                let mut prefixed = FieldErrors::new();
                for (k, v) in fields {
                    prefixed.insert(format!("consents[{i}].{k}"), v);
                }
                return Err(AppError::Validation(prefixed));
            }
        }
    }
    Ok(out)
}

fn check_interests(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), AppError> {
    let all = adb::list_interests(conn)?;
    for id in ids {
        match all.iter().find(|i| i.id == *id) {
            Some(i) if i.deprecated_at.is_none() => {}
            _ => return Err(AppError::field("interests", "err-interest-unknown")),
        }
    }
    Ok(())
}

async fn changed(state: &AppState, id: ResidentId) {
    state.residents.evict(id.0);
    state
        .bus
        .publish(Event::ResidentChanged { resident_id: id.0 })
        .await;
}

/// A linker registers a resident they accompany ("assisted": no e-mail needed), after
/// recording consent — care follow-up at least.
pub async fn create_assisted(
    state: &AppState,
    linker: &CurrentUser,
    draft: ResidentDraft,
    consents: Vec<ConsentDraft>,
) -> Result<ResidentId, AppError> {
    if !is_linker(state, linker.id()).await? {
        return Err(AppError::Forbidden("err-linker-only"));
    }
    let input = check_draft(state, &draft)?;
    let consents = check_consents(&consents)?;
    if !consents.iter().any(|c| c.purpose == Purpose::Care) {
        return Err(AppError::field("consents", "err-consent-care-required"));
    }
    let me = linker.id();
    let id = state
        .db
        .tx(move |conn| {
            check_interests(conn, &input.interests)?;
            let now = db::now();
            let id = rdb::insert_resident(
                conn,
                None,
                "assisted",
                "active",
                Some(me),
                &fields_of(&input),
            )?;
            rdb::set_interests(conn, id, &input.interests)?;
            for c in &consents {
                rdb::insert_consent(
                    conn,
                    id,
                    c.purpose.as_str(),
                    &c.channel,
                    &c.given_by,
                    Some(me),
                    now,
                )?;
            }
            rdb::add_linker(conn, id, me, Some(me), now)?;
            audit::record(
                conn,
                Some(me),
                "resident.create",
                "resident",
                Some(id.0),
                "assisted",
            )?;
            Ok(id)
        })
        .await?;
    changed(state, id).await;
    Ok(id)
}

/// A signed-in person creates their own resident file (one per account). Consents given
/// here are online, by the resident.
pub async fn create_own(
    state: &AppState,
    user: &CurrentUser,
    draft: ResidentDraft,
    purposes: Vec<String>,
) -> Result<ResidentId, AppError> {
    let input = check_draft(state, &draft)?;
    let consents = check_consents(
        &purposes
            .into_iter()
            .map(|p| ConsentDraft {
                purpose: p,
                channel: "online".into(),
                given_by: String::new(),
            })
            .collect::<Vec<_>>(),
    )?;
    let me = user.id();
    let id = state
        .db
        .tx(move |conn| {
            if rdb::find_by_user(conn, me)?.is_some() {
                return Err(AppError::Conflict("err-resident-exists"));
            }
            check_interests(conn, &input.interests)?;
            let now = db::now();
            let id = rdb::insert_resident(
                conn,
                Some(me),
                "self_account",
                "active",
                Some(me),
                &fields_of(&input),
            )?;
            rdb::set_interests(conn, id, &input.interests)?;
            for c in &consents {
                rdb::insert_consent(
                    conn,
                    id,
                    c.purpose.as_str(),
                    "online",
                    "resident",
                    Some(me),
                    now,
                )?;
            }
            audit::record(
                conn,
                Some(me),
                "resident.create",
                "resident",
                Some(id.0),
                "self",
            )?;
            Ok(id)
        })
        .await?;
    changed(state, id).await;
    Ok(id)
}

/// The resident file of a signed-in person, if they have one.
pub async fn own_id(state: &AppState, user: &CurrentUser) -> Result<Option<ResidentId>, AppError> {
    let me = user.id();
    state
        .db
        .run(move |conn| Ok(rdb::find_by_user(conn, me)?.map(|r| ResidentId(r.id))))
        .await
}

/// What someone without an account leaves to be called back: a first name, a phone number,
/// optionally their area, and consent to be followed up (online).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct ContactRequest {
    pub first_name: String,
    pub phone: String,
    /// Small-area code (a NIL in Milan), if they want to say.
    #[serde(default)]
    pub home_area: Option<String>,
    /// it | en
    #[serde(default)]
    pub locale: Option<String>,
    /// Must be true: a linker will call and keep a file.
    #[serde(default)]
    pub consent_care: bool,
    #[serde(default)]
    pub consent_statistics: bool,
}

/// Records a contact request; a linker takes it from the waiting list.
pub async fn request_contact(
    state: &AppState,
    req: ContactRequest,
    ip: &str,
) -> Result<ResidentId, AppError> {
    use crate::auth::ratelimit::Limit;
    let r = &state.settings.rate_limit;
    state
        .limiter
        .check(&[(
            Limit {
                name: "contact-ip",
                max: r.signup_per_ip,
                window_secs: r.signup_window_secs,
            },
            ip,
        )])
        .await?;
    let mut errors = FieldErrors::new();
    if req.phone.trim().is_empty() {
        errors.insert("phone".into(), "err-required".into());
    }
    if !req.consent_care {
        errors.insert("consent_care".into(), "err-consent-care-required".into());
    }
    let draft = ResidentDraft {
        display_name: req.first_name.clone(),
        phone: req.phone.clone(),
        locale: req.locale.clone(),
        home_area: req.home_area.clone(),
        travel_radius_m: 1000,
        ..Default::default()
    };
    let areas = state.areas.clone();
    let checked = draft.check(|c| areas.exists("small", c), Utc::now().year());
    let input = match checked {
        Ok(i) if errors.is_empty() => i,
        Ok(_) => return Err(AppError::Validation(errors)),
        Err(mut e) => {
            // Without an area the file waits for the linker's call; that is fine here.
            e.remove("home_area")
                .filter(|m| m != "err-home-missing")
                .map(|m| e.insert("home_area".into(), m));
            if let Some(m) = e.remove("display_name") {
                e.insert("first_name".into(), m);
            }
            errors.extend(e);
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            ResidentInput {
                display_name: req.first_name.trim().to_string(),
                phone: req.phone.trim().to_string(),
                email: String::new(),
                locale: req.locale.clone().unwrap_or_else(|| "it".into()),
                birth_year: None,
                languages: Vec::new(),
                interests: Vec::new(),
                home_cell: None,
                home_area: None,
                travel_radius_m: 1000,
                availability: 0,
                wheelchair: false,
                accessibility: Vec::new(),
                budget_cents: None,
                wants_company: false,
                prefers_small_groups: false,
            }
        }
    };
    let stats = req.consent_statistics;
    let id = state
        .db
        .tx(move |conn| {
            let now = db::now();
            let id = rdb::insert_resident(
                conn,
                None,
                "self_phone",
                "awaiting_linker",
                None,
                &fields_of(&input),
            )?;
            rdb::insert_consent(conn, id, "care", "online", "resident", None, now)?;
            if stats {
                rdb::insert_consent(conn, id, "statistics", "online", "resident", None, now)?;
            }
            audit::record(
                conn,
                None,
                "resident.create",
                "resident",
                Some(id.0),
                "contact request",
            )?;
            Ok(id)
        })
        .await?;
    changed(state, id).await;
    Ok(id)
}

/// Residents waiting for a linker's call (accredited linkers only): names and areas only.
pub async fn awaiting(
    state: &AppState,
    linker: &CurrentUser,
) -> Result<Vec<rdb::ResidentLine>, AppError> {
    if !is_linker(state, linker.id()).await? {
        return Err(AppError::Forbidden("err-linker-only"));
    }
    let me = linker.id();
    state
        .db
        .run(move |conn| {
            let rows = rdb::awaiting_linker(conn)?;
            audit::record(
                conn,
                Some(me),
                "resident.list",
                "resident",
                None,
                "awaiting a linker",
            )?;
            Ok(rows)
        })
        .await
}

/// A linker takes a resident from the waiting list and becomes their linker.
pub async fn take(state: &AppState, linker: &CurrentUser, id: ResidentId) -> Result<(), AppError> {
    if !is_linker(state, linker.id()).await? {
        return Err(AppError::Forbidden("err-linker-only"));
    }
    let me = linker.id();
    state
        .db
        .tx(move |conn| {
            let r = rdb::find(conn, id)?.ok_or(AppError::NotFound)?;
            if r.status != "awaiting_linker" {
                return Err(AppError::Conflict("err-resident-already-taken"));
            }
            let now = db::now();
            rdb::set_status(conn, id, "active", now)?;
            rdb::add_linker(conn, id, me, Some(me), now)?;
            audit::record(conn, Some(me), "resident.take", "resident", Some(id.0), "")?;
            Ok(())
        })
        .await?;
    changed(state, id).await;
    Ok(())
}

/// The residents a linker follows.
pub async fn mine(
    state: &AppState,
    linker: &CurrentUser,
) -> Result<Vec<rdb::ResidentLine>, AppError> {
    let me = linker.id();
    state
        .db
        .run(move |conn| Ok(rdb::residents_of_linker(conn, me)?))
        .await
}

/// A linker of the resident adds another accredited linker by e-mail.
pub async fn add_linker(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    email: &str,
) -> Result<(), AppError> {
    access(state, user, id, Need::Write, "linkers").await?;
    let email =
        crate::domain::validation::Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let by = user.id();
    let other = state
        .db
        .run(move |conn| Ok(accounts::find_user_by_email(conn, email.as_str())?))
        .await?;
    let Some(other) = other else {
        return Err(AppError::field("email", "err-no-such-linker"));
    };
    if !is_linker(state, UserId(other.id)).await? {
        return Err(AppError::field("email", "err-no-such-linker"));
    }
    state
        .db
        .tx(move |conn| {
            if rdb::add_linker(conn, id, UserId(other.id), Some(by), db::now())? {
                audit::record(
                    conn,
                    Some(by),
                    "resident.linker_added",
                    "resident",
                    Some(id.0),
                    &format!("user {}", other.id),
                )?;
            }
            Ok(())
        })
        .await?;
    changed(state, id).await;
    Ok(())
}

/// A linker stops following a resident (their own link only).
pub async fn leave(state: &AppState, user: &CurrentUser, id: ResidentId) -> Result<(), AppError> {
    let me = user.id();
    let n = state
        .db
        .tx(move |conn| {
            let n = rdb::end_linker(conn, id, me, db::now())?;
            if n > 0 {
                audit::record(
                    conn,
                    Some(me),
                    "resident.linker_left",
                    "resident",
                    Some(id.0),
                    "",
                )?;
            }
            Ok(n)
        })
        .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    changed(state, id).await;
    Ok(())
}

/// Replaces the profile.
pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    draft: ResidentDraft,
) -> Result<(), AppError> {
    access(state, user, id, Need::Write, "profile").await?;
    let input = check_draft(state, &draft)?;
    let me = user.id();
    state
        .db
        .tx(move |conn| {
            check_interests(conn, &input.interests)?;
            rdb::update_resident(conn, id, &fields_of(&input))?;
            rdb::set_interests(conn, id, &input.interests)?;
            audit::record(
                conn,
                Some(me),
                "resident.update",
                "resident",
                Some(id.0),
                "profile",
            )?;
            Ok(())
        })
        .await?;
    changed(state, id).await;
    Ok(())
}

/// Records a consent. A resident's own consent is always online and by themself.
pub async fn add_consent(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    draft: ConsentDraft,
) -> Result<i64, AppError> {
    let (_, why) = access(state, user, id, Need::Consent, "consents").await?;
    let mut c = draft.check().map_err(AppError::Validation)?;
    if why == Why::Own {
        c.channel = "online".into();
        c.given_by = "resident".into();
    }
    let me = user.id();
    let cid = state
        .db
        .tx(move |conn| {
            let now = db::now();
            let cid = rdb::insert_consent(
                conn,
                id,
                c.purpose.as_str(),
                &c.channel,
                &c.given_by,
                Some(me),
                now,
            )?;
            audit::record(
                conn,
                Some(me),
                "consent.given",
                "resident",
                Some(id.0),
                &format!("{} by {}", c.purpose.as_str(), c.channel),
            )?;
            Ok(cid)
        })
        .await?;
    changed(state, id).await;
    Ok(cid)
}

/// Withdraws a consent purpose. What depended on it stops at once: without care, linkers
/// lose access; without statistics, the resident leaves the figures; without reminders, no
/// mail is sent.
pub async fn withdraw_consent(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    purpose: &str,
    channel: &str,
) -> Result<(), AppError> {
    let (_, why) = access(state, user, id, Need::Consent, "consents").await?;
    let purpose =
        Purpose::parse(purpose).ok_or_else(|| AppError::field("purpose", "err-unknown-value"))?;
    let channel = if why == Why::Own {
        "online".to_string()
    } else {
        channel.trim().to_string()
    };
    if !crate::domain::residents::CHANNELS.contains(&channel.as_str()) {
        return Err(AppError::field("channel", "err-unknown-value"));
    }
    let me = user.id();
    let n = state
        .db
        .tx(move |conn| {
            let n =
                rdb::withdraw_consent(conn, id, purpose.as_str(), &channel, Some(me), db::now())?;
            if n > 0 {
                audit::record(
                    conn,
                    Some(me),
                    "consent.withdrawn",
                    "resident",
                    Some(id.0),
                    &format!("{} by {}", purpose.as_str(), channel),
                )?;
            }
            Ok(n)
        })
        .await?;
    if n == 0 {
        return Err(AppError::Conflict("err-consent-not-given"));
    }
    changed(state, id).await;
    Ok(())
}

/// Everything in a file, for the people allowed to read it.
#[derive(Debug, Clone)]
pub struct FullFile {
    pub entry: Arc<FileEntry>,
    pub why: Why,
    pub linkers: Vec<rdb::LinkerLink>,
    pub consents: Vec<rdb::Consent>,
    pub responses: Vec<rdb::Response>,
}

/// Reads a whole file (audited).
pub async fn read(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
) -> Result<FullFile, AppError> {
    let (entry, why) = access(state, user, id, Need::Read, "file").await?;
    let (linkers, consents, responses) = state
        .db
        .run(move |conn| {
            Ok((
                rdb::linkers_of(conn, id)?,
                rdb::consents_of(conn, id)?,
                rdb::responses_of(conn, id)?,
            ))
        })
        .await?;
    Ok(FullFile {
        entry,
        why,
        linkers,
        consents,
        responses,
    })
}

/// Records a questionnaire (resident or linker); returns (id, score).
pub async fn record_questionnaire(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    instrument: &str,
    answers: &[i32],
    context: &str,
) -> Result<(i64, questionnaires::Scored), AppError> {
    access(state, user, id, Need::Write, "questionnaire").await?;
    let instrument = Instrument::parse(instrument)
        .ok_or_else(|| AppError::field("instrument", "err-unknown-value"))?;
    let context = if context.trim().is_empty() {
        "intake"
    } else {
        context.trim()
    };
    if !questionnaires::CONTEXTS.contains(&context) {
        return Err(AppError::field("context", "err-unknown-value"));
    }
    let scored = questionnaires::score(
        instrument,
        answers,
        state.settings.residents.ucla_lonely_threshold,
    )
    .map_err(|e| match e {
        questionnaires::ScoreError::WrongCount { .. } => {
            AppError::field("answers", "err-answers-count")
        }
        questionnaires::ScoreError::OutOfRange { .. } => {
            AppError::field("answers", "err-answers-range")
        }
    })?;
    let me = user.id();
    let answers_json = serde_json::to_string(answers).map_err(|e| AppError::Internal(e.into()))?;
    let context = context.to_string();
    let rid = state
        .db
        .tx(move |conn| {
            let rid = rdb::insert_response(
                conn,
                id,
                instrument.as_str(),
                &answers_json,
                scored.score,
                scored.lonely,
                &context,
                Some(me),
                db::now(),
            )?;
            audit::record(
                conn,
                Some(me),
                "questionnaire.recorded",
                "resident",
                Some(id.0),
                instrument.as_str(),
            )?;
            Ok(rid)
        })
        .await?;
    Ok((rid, scored))
}

/// An admin opens time-limited access to one file, with a reason (audited).
pub async fn break_glass(
    state: &AppState,
    admin: &CurrentUser,
    id: ResidentId,
    reason: &str,
) -> Result<chrono::NaiveDateTime, AppError> {
    if !admin.user.is_admin {
        return Err(AppError::Forbidden("err-admin-only"));
    }
    let reason = reason.trim().to_string();
    if reason.chars().count() < 10 || reason.chars().count() > 500 {
        return Err(AppError::field("reason", "err-break-glass-reason"));
    }
    file(state, id).await?;
    let me = admin.id();
    let minutes = state.settings.residents.break_glass_minutes;
    state
        .db
        .tx(move |conn| {
            let now = db::now();
            let until = now + Duration::minutes(minutes);
            rdb::open_break_glass(conn, me, id, &reason, now, until)?;
            audit::record(
                conn,
                Some(me),
                "resident.break_glass",
                "resident",
                Some(id.0),
                &reason,
            )?;
            Ok(until)
        })
        .await
}

/// Sets a suggested activity aside for a resident (it will be proposed less for a while).
pub async fn dismiss(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    activity: i64,
    reason: &str,
) -> Result<(), AppError> {
    access(state, user, id, Need::Write, "suggestions").await?;
    let reason: String = reason.trim().chars().take(300).collect();
    let me = user.id();
    state
        .db
        .tx(move |conn| {
            adb::find_activity(conn, activity)?.ok_or(AppError::NotFound)?;
            rdb::insert_dismissal(conn, id, activity, &reason, Some(me), db::now())?;
            Ok(())
        })
        .await?;
    changed(state, id).await;
    Ok(())
}

/// The matching profile of a file, if its home can be placed.
pub fn profile_of(state: &AppState, f: &FileEntry) -> Option<Profile> {
    let r = &f.resident;
    let (lat, lon) = match r.home_cell.as_deref().and_then(parse_cell) {
        Some(c) => cell_centre(c),
        None => state.areas.centre("small", r.home_area.as_deref()?)?,
    };
    let needs: Vec<String> = crate::domain::activities::split_tags(&r.accessibility);
    let [x, y] = state.index.project(lat, lon);
    Some(Profile {
        x,
        y,
        radius_m: f64::from(r.travel_radius_m),
        // Set against the index's language table when matching.
        languages: 0,
        spoken: crate::domain::activities::split_tags(&r.languages),
        interests: f.interests.clone(),
        availability: r.availability as u32,
        wheelchair: r.wheelchair,
        accessibility: bits(&needs, crate::domain::activities::ACCESSIBILITY),
        budget_cents: r.budget_cents,
        wants_company: r.wants_company,
        prefers_small_groups: r.prefers_small_groups,
        new_to_activities: !f.has_taken_part,
    })
}

/// A suggestion with what the pages and the API show of its session.
#[derive(Debug, Clone)]
pub struct Suggested {
    pub suggestion: matching::Suggestion,
    pub activity: Arc<ActivityEntry>,
    pub session_index: usize,
    /// Seats anyone could book now (`None`: no limit), as last announced.
    pub seats_left: Option<i32>,
}

/// Ranked suggestions for a resident (audited as a read of their file).
pub async fn suggestions(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    limit: usize,
) -> Result<(Arc<FileEntry>, Vec<Suggested>), AppError> {
    let (f, _) = access(state, user, id, Need::Read, "suggestions").await?;
    let snap = state.index.snapshot()?;
    let profile =
        matching_profile(state, &snap, &f).ok_or(AppError::Conflict("err-home-missing"))?;
    let ranked = rank_over(
        state,
        &snap,
        &profile,
        &f.history,
        Utc::now().timestamp(),
        limit,
    );
    let out = ranked
        .into_iter()
        .filter_map(|mut s| {
            let a = snap.entry(s.activity_id)?.clone();
            let si = a.sessions.iter().position(|x| x.id == s.session_id)?;
            let seats_left = match state.index.seats_of(s.session_id) {
                Some(line) => line.left,
                None => a.capacity,
            };
            if seats_left == Some(0) && !s.reasons.contains(&matching::Reason::Waitlist) {
                s.reasons.push(matching::Reason::Waitlist);
            }
            Some(Suggested {
                suggestion: s,
                activity: a,
                session_index: si,
                seats_left,
            })
        })
        .collect();
    Ok((f, out))
}

/// A file's matching profile, its languages as a set over the snapshot's table (`None`
/// without a home).
fn matching_profile(
    state: &AppState,
    snap: &crate::index::Snapshot,
    f: &FileEntry,
) -> Option<Profile> {
    let mut p = profile_of(state, f)?;
    p.languages = snap
        .matcher()
        .language_mask(p.spoken.iter().map(String::as_str));
    Some(p)
}

/// The engine over the snapshot's activities near the person (what a suggestion request and
/// `legami bench-matching` both run).
fn rank_over(
    state: &AppState,
    snap: &crate::index::Snapshot,
    p: &Profile,
    history: &History,
    now: i64,
    limit: usize,
) -> Vec<matching::Suggestion> {
    matching::suggest(
        p,
        snap.matcher().near(p.x, p.y, p.radius_m),
        snap.taxonomy(),
        history,
        &state.settings.matching,
        now,
        limit,
    )
}

/// Mails a suggested session to the resident — only with their consent to reminders and an
/// e-mail address on file.
pub async fn send_session(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    session_id: i64,
    lang_of_sender: Lang,
) -> Result<(), AppError> {
    let (f, _) = access(state, user, id, Need::Write, "send a session").await?;
    if !f.consents_to(Purpose::Reminders) {
        return Err(AppError::Conflict("err-consent-reminders-missing"));
    }
    if f.resident.email.is_empty() {
        return Err(AppError::Conflict("err-resident-no-email"));
    }
    let snap = state.index.snapshot()?;
    let (a, s) = snap.find_session(session_id).ok_or(AppError::NotFound)?;
    let lang = Lang::from_code(&f.resident.locale).unwrap_or(lang_of_sender);
    let tz: chrono_tz::Tz = state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    let when = chrono::DateTime::from_timestamp(s.starts_at, 0)
        .map(|t| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default();
    state.mailer.send_later(
        f.resident.email.clone(),
        lang.ta("mail-suggestion-subject", &[("title", a.title.to_string())]),
        lang.ta(
            "mail-suggestion-body",
            &[
                ("name", f.resident.display_name.clone()),
                ("sender", user.user.display_name.clone()),
                ("title", a.title.to_string()),
                ("when", when),
                ("venue", format!("{}, {}", a.venue_name, a.address)),
                ("link", state.link(&format!("/sessions/{session_id}"))),
            ],
        ),
    );
    let me = user.id();
    state
        .db
        .run(move |conn| {
            Ok(audit::record(
                conn,
                Some(me),
                "resident.mailed",
                "resident",
                Some(id.0),
                &format!("session {session_id}"),
            )?)
        })
        .await?;
    Ok(())
}

/// One group of the loneliness figures.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StatGroup {
    /// Large-area (Municipio) code, or "unknown".
    pub district: String,
    pub district_name: String,
    /// Residents in the group; absent when the group is too small to show.
    pub residents: Option<i64>,
    /// Of them, lonely at their latest UCLA-3.
    pub lonely: Option<i64>,
    /// Mean latest UCLA-3 score.
    pub mean_score: Option<f64>,
    /// The group is smaller than the minimum and is not shown.
    pub suppressed: bool,
}

/// Loneliness figures of residents who consent to statistics, never below the minimum group.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LonelinessStats {
    pub min_group: i64,
    /// Residents counted (suppressed when below the minimum).
    pub residents: Option<i64>,
    pub lonely: Option<i64>,
    pub groups: Vec<StatGroup>,
}

/// The city's loneliness figures (admins).
pub async fn statistics(state: &AppState) -> Result<LonelinessStats, AppError> {
    let rows = state
        .db
        .run(|conn| Ok(rdb::ucla_for_statistics(conn)?))
        .await?;
    // The latest response of each resident.
    let mut latest: HashMap<i64, rdb::StatRow> = HashMap::new();
    for r in rows {
        latest.insert(r.resident_id, r);
    }
    let min = state.settings.residents.statistics_min_group.max(1);
    let mut by: std::collections::BTreeMap<String, (i64, i64, i64)> = Default::default();
    for r in latest.values() {
        let centre = match r.home_cell.as_deref().and_then(parse_cell) {
            Some(c) => Some(cell_centre(c)),
            None => r
                .home_area
                .as_deref()
                .and_then(|a| state.areas.centre("small", a)),
        };
        let district = centre
            .and_then(|(lat, lon)| state.areas.locate(lat, lon).large)
            .unwrap_or_else(|| "unknown".to_string());
        let e = by.entry(district).or_default();
        e.0 += 1;
        e.1 += i64::from(r.lonely);
        e.2 += i64::from(r.score);
    }
    let total = latest.len() as i64;
    let lonely_total = latest.values().filter(|r| r.lonely).count() as i64;
    let shown = total >= min;
    Ok(LonelinessStats {
        min_group: min,
        residents: shown.then_some(total),
        lonely: shown.then_some(lonely_total),
        groups: by
            .into_iter()
            .map(|(d, (n, l, s))| {
                let ok = n >= min;
                StatGroup {
                    district_name: state.areas.name("large", &d).unwrap_or("-").to_string(),
                    district: d,
                    residents: ok.then_some(n),
                    lonely: ok.then_some(l),
                    mean_score: ok.then(|| s as f64 / n as f64),
                    suppressed: !ok,
                }
            })
            .collect(),
    })
}

/// A reason in words, in a language. The words are shared: a list of suggestions repeats
/// the same reasons over and over, so each thread keeps those it made (with the names they
/// were made from) and hands out the same text again.
pub fn reason_text(
    r: &matching::Reason,
    lang: Lang,
    snap: &crate::index::Snapshot,
) -> std::rc::Rc<str> {
    use std::cell::RefCell;
    use std::rc::Rc;
    /// Texts made on this thread, by (language, reason), for one version of the names.
    type Made = (u64, hashbrown::HashMap<(Lang, matching::Reason), Rc<str>>);
    thread_local! {
        static MADE: RefCell<Made> = RefCell::new((0, hashbrown::HashMap::new()));
    }
    const MAX: usize = 8192;
    // Distances are put into words rounded: reasons that read the same share one text.
    let rounded;
    let r = match r {
        matching::Reason::Distance { metres } => {
            rounded = matching::Reason::Distance {
                metres: crate::domain::geo::friendly_metres(f64::from(*metres)),
            };
            &rounded
        }
        _ => r,
    };
    let version = snap.names_version();
    let found = MADE.with(|m| {
        let m = m.borrow();
        (m.0 == version)
            .then(|| m.1.get(&KeyRef(lang, r)).cloned())
            .flatten()
    });
    if let Some(text) = found {
        return text;
    }
    let text: Rc<str> = reason_words(r, lang, snap).into();
    MADE.with(|m| {
        let mut m = m.borrow_mut();
        if m.0 != version || m.1.len() >= MAX {
            *m = (version, hashbrown::HashMap::new());
        }
        m.1.insert((lang, r.clone()), text.clone());
    });
    text
}

/// A (language, reason) key, borrowed: looked up without copying the reason.
#[derive(Hash)]
struct KeyRef<'a>(Lang, &'a matching::Reason);

impl hashbrown::Equivalent<(Lang, matching::Reason)> for KeyRef<'_> {
    fn equivalent(&self, key: &(Lang, matching::Reason)) -> bool {
        self.0 == key.0 && *self.1 == key.1
    }
}

fn reason_words(r: &matching::Reason, lang: Lang, snap: &crate::index::Snapshot) -> String {
    use matching::Reason as R;
    let names = |ids: &[i64]| {
        ids.iter()
            .filter_map(|i| snap.interest_name(*i, lang.code()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match r {
        R::Distance { metres } => lang.ta(
            "reason-distance",
            &[(
                "distance",
                crate::domain::geo::friendly_distance(f64::from(*metres), lang.code()),
            )],
        ),
        R::Interests { exact, related } => {
            let mut parts = Vec::new();
            if !exact.is_empty() {
                parts.push(lang.ta("reason-interests", &[("names", names(exact))]));
            }
            if !related.is_empty() {
                parts.push(lang.ta("reason-interests-related", &[("names", names(related))]));
            }
            parts.join("; ")
        }
        R::Free => lang.t("reason-free"),
        R::PayWhatYouCan => lang.t("reason-pay-what-you-can"),
        R::WithinBudget { cents } => lang.ta(
            "reason-within-budget",
            &[("cost", crate::routes::pages::activities::euro(lang, *cents))],
        ),
        R::Welcomer => lang.t("reason-welcomer"),
        R::FirstTimerFriendly => lang.t("reason-first-timer"),
        R::ComeAlone => lang.t("reason-come-alone"),
        R::SmallGroup { capacity } => {
            lang.ta("reason-small-group", &[("capacity", capacity.to_string())])
        }
        R::WhenFree { weekday, part } => lang.ta(
            "reason-when-free",
            &[
                ("day", lang.t(&format!("weekday-{weekday}"))),
                (
                    "part",
                    lang.t(&format!(
                        "reason-part-{}",
                        crate::domain::residents::DAY_PARTS
                            .get(usize::from(*part))
                            .unwrap_or(&"morning")
                    )),
                ),
            ],
        ),
        R::Language { code } => {
            let mut name = lang.t(&format!("language-{code}"));
            if name.starts_with("language-") {
                name = code.to_uppercase();
            }
            lang.ta("reason-language", &[("language", name)])
        }
        R::LanguageLight => lang.t("reason-language-light"),
        R::WheelchairAccessible => lang.t("reason-wheelchair"),
        R::AccessibilityMet { features } => lang.ta(
            "reason-accessibility",
            &[(
                "features",
                features
                    .iter()
                    .map(|f| lang.t(&format!("access-{f}")))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        ),
        R::Waitlist => lang.t("reason-waitlist"),
    }
}

/// Times the matching engine alone, in process (`legami bench-matching`): suggestions for the
/// first `residents` residents of the database, `rounds` times over, with their files and the
/// index already in memory. Returns one line per round, µs per query.
pub async fn bench_matching(
    state: &AppState,
    residents: usize,
    rounds: usize,
) -> Result<Vec<String>, AppError> {
    let limit = i64::try_from(residents).unwrap_or(i64::MAX);
    let ids = state
        .db
        .run(move |conn| Ok(rdb::first_ids(conn, limit)?))
        .await?;
    let mut files = Vec::with_capacity(ids.len());
    for id in ids {
        files.push(file(state, ResidentId(id)).await?);
    }
    let snap = state.index.snapshot()?;
    let profiles: Vec<(Profile, &History)> = files
        .iter()
        .filter_map(|f| Some((matching_profile(state, &snap, f)?, &f.history)))
        .collect();
    let limit = state.settings.residents.suggestions_default;
    let now = Utc::now().timestamp();
    let mut lines = Vec::new();
    let mut each = Vec::with_capacity(profiles.len());
    for round in 1..=rounds {
        let (mut found, t) = (0, std::time::Instant::now());
        each.clear();
        for (p, history) in &profiles {
            let q = std::time::Instant::now();
            found += rank_over(state, &snap, p, history, now, limit).len();
            each.push(q.elapsed().as_secs_f64() * 1e6);
        }
        let us = t.elapsed().as_secs_f64() * 1e6 / profiles.len().max(1) as f64;
        each.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let i = ((each.len() as f64 * q).ceil() as usize).clamp(1, each.len().max(1)) - 1;
            each.get(i).copied().unwrap_or(0.0)
        };
        lines.push(format!(
            "round {round}: {us:.1} µs per query ({} residents, {found} suggestions); \
             per query p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1} µs",
            profiles.len(),
            at(0.5),
            at(0.9),
            at(0.99),
            at(1.0)
        ));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration as StdDuration, Instant};

    fn entry(id: i64, loaded: Instant) -> Arc<FileEntry> {
        let now = db::now();
        Arc::new(FileEntry {
            resident: Resident {
                id,
                user_id: None,
                display_name: "Ada".into(),
                phone: String::new(),
                email: String::new(),
                origin: "assisted".into(),
                status: "active".into(),
                locale: "it".into(),
                birth_year: None,
                languages: "it".into(),
                home_cell: None,
                home_area: None,
                travel_radius_m: 1000,
                availability: 0,
                wheelchair: false,
                accessibility: String::new(),
                budget_cents: None,
                wants_company: false,
                prefers_small_groups: false,
                created_by: None,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            },
            interests: vec![],
            linkers: vec![],
            consents: vec![],
            history: History::default(),
            has_taken_part: false,
            loaded,
        })
    }

    #[test]
    fn a_file_read_while_it_was_evicted_is_not_kept() {
        let cache = ResidentCache::new(30, 100);
        // A read starts, then a change to the file evicts it before the read is kept.
        let before = cache.evictions(7);
        cache.evict(7);
        assert!(!cache.keep(7, entry(7, Instant::now()), before));
        assert!(
            cache.files.get(&7).is_none(),
            "a possibly stale read was kept"
        );
        // A read that no eviction of it overlapped is kept, whatever happened to other files.
        let before = cache.evictions(7);
        cache.evict(8);
        assert!(cache.keep(7, entry(7, Instant::now()), before));
        assert!(cache.files.get(&7).is_some());
        // Clearing everything counts as an eviction of every file.
        let before = cache.evictions(8);
        cache.evict_all();
        assert!(!cache.keep(8, entry(8, Instant::now()), before));
        assert!(cache.files.get(&7).is_none() && cache.files.get(&8).is_none());
    }

    #[test]
    fn a_file_in_use_is_read_again_once_after_three_quarters_of_its_life() {
        let cache = ResidentCache::new(40, 100);
        let fresh = entry(1, Instant::now());
        assert!(!cache.due_for_refresh(1, &fresh));
        let Some(then) = Instant::now().checked_sub(StdDuration::from_secs(31)) else {
            return; // a clock that started less than 31 s ago cannot say
        };
        let old = entry(2, then);
        assert!(cache.due_for_refresh(2, &old), "30 s of 40 have passed");
        assert!(!cache.due_for_refresh(2, &old), "one reading at a time");
        cache.refreshed(2);
        assert!(
            cache.due_for_refresh(2, &old),
            "again once that reading ended"
        );
        // Without a lifetime nothing is kept, so nothing is read again.
        let never = ResidentCache::new(0, 100);
        assert!(!never.due_for_refresh(2, &old));
    }
}
