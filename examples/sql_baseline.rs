//! The same-run baseline of the suggestions benchmark: "a naive SQL bounding-box query scored
//! in Rust".
//!
//! ```text
//! sql_baseline --database-url postgres://… --requests FILE [-c N] [-d SECS] [-w SECS]
//!              [--limit N] [--label TEXT] [--timeout-ms MS] [--check N]
//! ```
//!
//! The service answers `GET /api/v1/residents/{id}/suggestions` from its in-memory index
//! (`services::residents::suggestions`). This does the same work the naive way, per request,
//! straight against PostgreSQL: it reads the resident and their interests, selects every
//! upcoming session (joined with its activity and organization) whose activity lies in the
//! bounding box of the travel radius, reads those activities' interests, builds the matching
//! engine's candidates in Rust and calls the same `domain::matching::suggest` with the same
//! default weights. The difference to the endpoint is what the index buys.
//!
//! Closed loop: `-c` worker threads, each with its own `PgConnection`, each taking the next
//! resident id of the request file (the suggestions benchmark's, `GET<TAB>/api/v1/residents/
//! {id}/suggestions<TAB>Cookie: …`) round-robin from a random offset. It prints a readable
//! summary on stderr and one JSON line on stdout in the load generator's format
//! (`examples/loadgen.rs`), so `loadgen compare` can read it. A resident that is missing or
//! has no home cell counts as a non-2xx answer (the endpoint says 404 or 409); a query that
//! fails counts as an error, one cut short by `--timeout-ms` (PostgreSQL's
//! `statement_timeout`, 5 s by default as the load generator's) as a timeout. It warns when
//! PostgreSQL has never analyzed the tables it reads: the planner then guesses, and a guessed
//! nested loop can make one request take seconds.
//!
//! `--check N` prints the suggestions for the first N residents of the file (activity and
//! session ids, best first) and stops, to compare with the endpoint by eye.

#[path = "common/mod.rs"]
mod common;
use common::bad;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;
use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::PgConnection;
use hdrhistogram::Histogram;
use legami::db::residents::Resident;
use legami::db::schema::{
    activities, activity_interests, activity_sessions, interests, organizations,
    resident_interests, residents,
};
use legami::domain::activities::{split_tags, ACCESSIBILITY, LOW_BARRIER};
use legami::domain::geo::bounding_box;
use legami::domain::matching::{
    suggest, ActivityFacts, Candidate, Cost, History, LanguageTable, Profile, SessionFacts,
    Suggestion, Taxonomy, Weights,
};
use legami::domain::residents::{cell_centre, parse_cell, slot_bit};
use legami::index::{bits, project, wheelchair_rank};
use rand::Rng;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Latencies are recorded in microseconds from 1 µs to 60 s with 3 significant digits (as the
/// load generator does).
const HIST_LOW_US: u64 = 1;
const HIST_HIGH_US: u64 = 60_000_000;
const HIST_SIGFIG: u8 = 3;
/// No run may last longer than this (warmup + duration).
const MAX_RUN_SECS: f64 = 3600.0;
/// Pause after a failed reconnection.
const RECONNECT_PAUSE: Duration = Duration::from_millis(50);
/// The city's time zone (local weekday and hour of the sessions).
const TZ: Tz = chrono_tz::Europe::Rome;

#[derive(Parser)]
#[command(
    name = "sql_baseline",
    about = "Suggestions the naive way: a SQL bounding-box query per request, scored in Rust"
)]
struct Cli {
    /// PostgreSQL URL, e.g. postgres://postgres@127.0.0.1/legami_bench.
    #[arg(long, value_name = "URL")]
    database_url: String,
    /// The suggestions benchmark's request file (the resident id is taken from each path).
    #[arg(long, value_name = "FILE")]
    requests: PathBuf,
    /// Worker threads, each with its own connection.
    #[arg(short = 'c', long, default_value_t = 8)]
    connections: usize,
    /// Measured seconds.
    #[arg(short = 'd', long, default_value_t = 10.0, value_name = "SECS")]
    duration: f64,
    /// Seconds of load before the measured part (not recorded).
    #[arg(short = 'w', long, default_value_t = 2.0, value_name = "SECS")]
    warmup: f64,
    /// Suggestions per request (1–50, as the endpoint allows).
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Label of the result.
    #[arg(long, default_value = "sql-baseline")]
    label: String,
    /// Per-statement timeout (PostgreSQL `statement_timeout`), in milliseconds; a request cut
    /// short counts as a timeout (an error), as in the load generator. 0 = none.
    #[arg(long, default_value_t = 5000, value_name = "MS")]
    timeout_ms: u64,
    /// Print the suggestions of the first N residents of the file and stop.
    #[arg(long, value_name = "N")]
    check: Option<usize>,
    /// Reference point of the plane projection (latitude).
    #[arg(long, default_value_t = 45.4642, allow_negative_numbers = true)]
    ref_lat: f64,
    /// Reference point of the plane projection (longitude).
    #[arg(long, default_value_t = 9.1900, allow_negative_numbers = true)]
    ref_lon: f64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    common::exit("sql_baseline", run(cli))
}

// ---------------------------------------------------------------------------------------------
// The request file

/// The resident id of a request line (`GET<TAB>/api/v1/residents/{id}/suggestions…`);
/// `Ok(None)` for blank lines and comments.
fn resident_of_line(line: &str) -> Result<Option<i64>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() || line.trim_start().starts_with('#') {
        return Ok(None);
    }
    let path = line
        .split('\t')
        .nth(1)
        .map(str::trim)
        .ok_or("missing the path after a tab")?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let id = path
        .strip_prefix("/api/v1/residents/")
        .and_then(|rest| rest.strip_suffix("/suggestions"))
        .ok_or_else(|| format!("path {path:?} is not /api/v1/residents/{{id}}/suggestions"))?;
    id.parse::<i64>()
        .map(Some)
        .map_err(|_| format!("resident id {id:?} is not a number"))
}

/// The resident ids of a request file, in order (at least one).
fn parse_request_file(text: &str) -> Result<Vec<i64>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match resident_of_line(line) {
            Ok(Some(id)) => out.push(id),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", i + 1)),
        }
    }
    if out.is_empty() {
        return Err("no requests in the file".into());
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// One request, the naive way

/// What the run shares: loaded once at start.
struct Shared {
    taxonomy: Taxonomy,
    weights: Weights,
    limit: usize,
    ref_lat: f64,
    ref_lon: f64,
}

/// One row of the naive query: a session with its activity's facts.
#[derive(Queryable)]
struct Row {
    activity_id: i64,
    latitude: f64,
    longitude: f64,
    capacity: Option<i32>,
    cost_kind: String,
    cost_cents: i32,
    languages: String,
    wheelchair: String,
    accessibility: String,
    low_barrier: String,
    session_id: i64,
    starts_at: NaiveDateTime,
}

/// An activity as the query returned it, with its sessions (in start order).
struct Act {
    facts: ActivityFacts,
    languages: Vec<String>,
    sessions: Vec<SessionFacts>,
}

/// A candidate for matching: a reference to one of the request's activities.
#[derive(Clone, Copy)]
struct Cand<'a> {
    act: &'a Act,
}

impl Candidate for Cand<'_> {
    fn activity(&self) -> &ActivityFacts {
        &self.act.facts
    }

    fn session_count(&self) -> usize {
        self.act.sessions.len()
    }

    fn session(&self, i: usize) -> SessionFacts {
        self.act.sessions[i]
    }

    fn language_codes(&self) -> Vec<String> {
        self.act.languages.clone()
    }

    fn seats_follow_capacity(&self) -> bool {
        // As in the service: until bookings exist every seat of every session is free.
        true
    }
}

/// How one request ended (the endpoint's status in brackets).
enum Outcome {
    /// [200] The suggestions, with how many session rows and activities the query returned.
    Suggested {
        suggestions: Vec<Suggestion>,
        rows: usize,
        activities: usize,
    },
    /// [404] No such resident.
    NotFound,
    /// [409] The resident has no (parsable) home cell.
    NoHome,
}

fn timestamp(secs: i64) -> anyhow::Result<NaiveDateTime> {
    DateTime::from_timestamp(secs, 0)
        .map(|t| t.naive_utc())
        .ok_or_else(|| anyhow!("time {secs} out of range"))
}

/// Suggestions for one resident, straight from the database.
fn suggestions_for(
    conn: &mut PgConnection,
    shared: &Shared,
    resident_id: i64,
) -> anyhow::Result<Outcome> {
    let now = Utc::now().timestamp();
    let w = &shared.weights;

    // 1. The resident and their interests.
    let Some(r) = residents::table
        .find(resident_id)
        .filter(residents::deleted_at.is_null())
        .first::<Resident>(conn)
        .optional()?
    else {
        return Ok(Outcome::NotFound);
    };
    let liked: Vec<i64> = resident_interests::table
        .filter(resident_interests::resident_id.eq(resident_id))
        .select(resident_interests::interest_id)
        .order(resident_interests::interest_id.asc())
        .load(conn)?;
    let Some((lat, lon)) = r.home_cell.as_deref().and_then(parse_cell).map(cell_centre) else {
        return Ok(Outcome::NoHome);
    };
    let radius_m = f64::from(r.travel_radius_m);

    // 2. Every session in the window whose activity lies in the bounding box, and those
    //    activities' interests.
    let (lat0, lat1, lon0, lon1) = bounding_box(lat, lon, radius_m);
    let from = timestamp(now + w.lead_minutes * 60)?;
    let to = timestamp(now + w.window_days * 86_400)?;
    let rows: Vec<Row> = activity_sessions::table
        .inner_join(activities::table.inner_join(organizations::table))
        .filter(activities::latitude.between(lat0, lat1))
        .filter(activities::longitude.between(lon0, lon1))
        .filter(activity_sessions::starts_at.ge(from))
        .filter(activity_sessions::starts_at.lt(to))
        .filter(activity_sessions::status.eq("scheduled"))
        .filter(activity_sessions::deleted_at.is_null())
        .filter(activities::status.eq("published"))
        .filter(activities::deleted_at.is_null())
        .filter(organizations::status.eq("accredited"))
        .order((activities::id.asc(), activity_sessions::starts_at.asc()))
        .select((
            activities::id,
            activities::latitude,
            activities::longitude,
            activities::capacity,
            activities::cost_kind,
            activities::cost_cents,
            activities::languages,
            activities::wheelchair,
            activities::accessibility,
            activities::low_barrier,
            activity_sessions::id,
            activity_sessions::starts_at,
        ))
        .load(conn)?;
    let mut ids: Vec<i64> = rows.iter().map(|row| row.activity_id).collect();
    ids.dedup();
    let mut interests_of: HashMap<i64, Vec<i64>> = HashMap::with_capacity(ids.len());
    if !ids.is_empty() {
        let links: Vec<(i64, i64)> = activity_interests::table
            .filter(activity_interests::activity_id.eq_any(&ids))
            .select((
                activity_interests::activity_id,
                activity_interests::interest_id,
            ))
            .load(conn)?;
        for (a, i) in links {
            interests_of.entry(a).or_default().push(i);
        }
    }

    // 3. Candidates, as the index builds them.
    let mut table = LanguageTable::default();
    let mut acts: Vec<Act> = Vec::with_capacity(ids.len());
    let mut codes: Vec<Vec<String>> = Vec::with_capacity(ids.len());
    for row in &rows {
        let local = row.starts_at.and_utc().with_timezone(&TZ);
        let (weekday, hour) = (
            local.weekday().number_from_monday() as u8,
            local.hour() as u8,
        );
        let session = SessionFacts {
            id: row.session_id,
            starts_at: row.starts_at.and_utc().timestamp(),
            weekday,
            hour,
            seats_left: row.capacity,
            waitlist_open: false,
        };
        if let Some(act) = acts.last_mut().filter(|a| a.facts.id == row.activity_id) {
            act.facts.slots |= slot_bit(weekday, hour);
            act.sessions.push(session);
            continue;
        }
        let languages = split_tags(&row.languages);
        for l in &languages {
            table.add(l);
        }
        codes.push(languages.clone());
        let [x, y] = project(row.latitude, row.longitude, shared.ref_lat, shared.ref_lon);
        let mut interests = [0u32; 5];
        for (slot, i) in interests.iter_mut().zip(
            interests_of
                .get(&row.activity_id)
                .into_iter()
                .flatten()
                .filter_map(|i| u32::try_from(*i).ok()),
        ) {
            *slot = i;
        }
        acts.push(Act {
            facts: ActivityFacts {
                id: row.activity_id,
                x: x as f32,
                y: y as f32,
                // Set below, once the table knows every language of the result.
                languages: 0,
                slots: slot_bit(weekday, hour),
                first_start: session.starts_at,
                first_slot: slot_bit(weekday, hour),
                interests,
                cost: match row.cost_kind.as_str() {
                    "amount" => Cost::Amount(row.cost_cents),
                    "pay_what_you_can" => Cost::PayWhatYouCan,
                    _ => Cost::Free,
                },
                capacity: row.capacity,
                wheelchair: wheelchair_rank(&row.wheelchair),
                accessibility: bits(&split_tags(&row.accessibility), ACCESSIBILITY),
                low_barrier: bits(&split_tags(&row.low_barrier), LOW_BARRIER),
            },
            languages,
            sessions: vec![session],
        });
    }
    for (act, langs) in acts.iter_mut().zip(&codes) {
        act.facts.languages = table.mask(langs.iter().map(String::as_str));
    }

    // The profile, as `profile_of` builds it.
    let [x, y] = project(lat, lon, shared.ref_lat, shared.ref_lon);
    let spoken = split_tags(&r.languages);
    let profile = Profile {
        x,
        y,
        radius_m,
        languages: table.mask(spoken.iter().map(String::as_str)),
        spoken,
        interests: liked,
        availability: r.availability as u32,
        wheelchair: r.wheelchair,
        accessibility: bits(&split_tags(&r.accessibility), ACCESSIBILITY),
        budget_cents: r.budget_cents,
        wants_company: r.wants_company,
        prefers_small_groups: r.prefers_small_groups,
        new_to_activities: true,
    };

    // 4. The same engine.
    let suggestions = suggest(
        &profile,
        acts.iter().map(|act| Cand { act }),
        &shared.taxonomy,
        &History::default(),
        w,
        now,
        shared.limit,
    );
    Ok(Outcome::Suggested {
        suggestions,
        rows: rows.len(),
        activities: acts.len(),
    })
}

fn load_taxonomy(conn: &mut PgConnection) -> anyhow::Result<Taxonomy> {
    let rows: Vec<(i64, Option<i64>)> = interests::table
        .select((interests::id, interests::parent_id))
        .load(conn)
        .context("loading the interest taxonomy")?;
    Ok(Taxonomy {
        parent: rows
            .into_iter()
            .filter_map(|(id, p)| Some((id, p?)))
            .collect(),
    })
}

/// A connection with the run's statement timeout (ms; 0 = none).
fn connect(url: &str, timeout_ms: u64) -> anyhow::Result<PgConnection> {
    let mut conn =
        PgConnection::establish(url).with_context(|| format!("connecting to {}", redact(url)))?;
    conn.batch_execute(&format!("SET statement_timeout = {timeout_ms}"))
        .context("setting statement_timeout")?;
    // Diesel prepares its statements; after five runs PostgreSQL may switch to a generic plan
    // that ignores the bounding box and loops over every activity (seconds per request). Plan
    // each execution for its own parameters, as a hand-written query would be.
    conn.batch_execute("SET plan_cache_mode = force_custom_plan")
        .context("setting plan_cache_mode")?;
    Ok(conn)
}

/// Whether a request failed because a statement ran out of time.
fn is_timeout(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<diesel::result::Error>(),
        Some(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("statement timeout")
    )
}

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// The tables the baseline reads that PostgreSQL has never analyzed (the planner guesses
/// their sizes and selectivities, and may pick ruinous plans); empty when it cannot tell.
fn never_analyzed(conn: &mut PgConnection) -> Vec<String> {
    diesel::sql_query(
        "SELECT relname::text AS name FROM pg_stat_user_tables \
         WHERE relname IN ('activities', 'activity_sessions', 'organizations', \
           'activity_interests', 'residents', 'resident_interests') \
         AND last_analyze IS NULL AND last_autoanalyze IS NULL AND n_live_tup > 0 \
         ORDER BY relname",
    )
    .load::<TableName>(conn)
    .map(|rows| rows.into_iter().map(|r| r.name).collect())
    .unwrap_or_default()
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The closed loop

/// What one worker measured.
struct Stats {
    hist: Histogram<u64>,
    /// Answers in the measured part by class: [1xx, 2xx, 3xx, 4xx, 5xx] (as the endpoint would
    /// have answered).
    classes: [u64; 5],
    errors: u64,
    timeouts: u64,
    connect_errors: u64,
    reconnects: u64,
    /// Answers, warmup included.
    responses_total: u64,
    /// Session rows and activities the naive query returned, summed over the measured 2xx.
    rows: u64,
    activities: u64,
    first_start: Option<Instant>,
    last_done: Option<Instant>,
    /// The worker's CPU time (s), if the system tells.
    cpu_s: Option<f64>,
}

impl Stats {
    fn new(hist: Histogram<u64>) -> Stats {
        Stats {
            hist,
            classes: [0; 5],
            errors: 0,
            timeouts: 0,
            connect_errors: 0,
            reconnects: 0,
            responses_total: 0,
            rows: 0,
            activities: 0,
            first_start: None,
            last_done: None,
            cpu_s: None,
        }
    }

    fn merge(&mut self, other: &Stats) -> anyhow::Result<()> {
        self.hist
            .add(&other.hist)
            .map_err(|e| anyhow!("merging histograms: {e:?}"))?;
        for (a, b) in self.classes.iter_mut().zip(other.classes) {
            *a += b;
        }
        self.errors += other.errors;
        self.timeouts += other.timeouts;
        self.connect_errors += other.connect_errors;
        self.reconnects += other.reconnects;
        self.responses_total += other.responses_total;
        self.rows += other.rows;
        self.activities += other.activities;
        self.first_start = min_opt(self.first_start, other.first_start);
        self.last_done = max_opt(self.last_done, other.last_done);
        self.cpu_s = match (self.cpu_s, other.cpu_s) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        Ok(())
    }

    fn responses(&self) -> u64 {
        self.classes.iter().sum()
    }
}

fn min_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn max_opt(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// CPU time of the calling thread so far (Linux: the first field of
/// /proc/thread-self/schedstat, in ns); None elsewhere.
fn thread_cpu_secs() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = text.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(ns as f64 / 1e9)
}

/// The run's timeline.
struct Plan {
    url: String,
    timeout_ms: u64,
    residents: Vec<i64>,
    shared: Shared,
    measure_start: Instant,
    measure_end: Instant,
}

/// One worker: its connection, in a closed loop until the end of the measured part.
fn worker(plan: &Plan, mut conn: Option<PgConnection>, hist: Histogram<u64>) -> Stats {
    let mut st = Stats::new(hist);
    let cpu0 = thread_cpu_secs();
    let n = plan.residents.len();
    let mut next = rand::rng().random_range(0..n);
    loop {
        let now = Instant::now();
        if now >= plan.measure_end {
            break;
        }
        let in_window = now >= plan.measure_start;
        let Some(c) = conn.as_mut() else {
            match connect(&plan.url, plan.timeout_ms) {
                Ok(c) => {
                    st.reconnects += 1;
                    conn = Some(c);
                }
                Err(_) => {
                    if in_window {
                        st.connect_errors += 1;
                    }
                    std::thread::sleep(
                        plan.measure_end
                            .saturating_duration_since(Instant::now())
                            .min(RECONNECT_PAUSE),
                    );
                }
            }
            continue;
        };
        let id = plan.residents[next];
        next = (next + 1) % n;
        let sent = Instant::now();
        let outcome = suggestions_for(c, &plan.shared, id);
        let done = Instant::now();
        if in_window {
            st.first_start = min_opt(st.first_start, Some(sent));
            st.last_done = max_opt(st.last_done, Some(done));
        }
        let class = match outcome {
            Ok(Outcome::Suggested {
                rows, activities, ..
            }) => {
                if in_window {
                    st.rows += rows as u64;
                    st.activities += activities as u64;
                }
                1
            }
            Ok(Outcome::NotFound | Outcome::NoHome) => 3,
            Err(e) => {
                if in_window {
                    if is_timeout(&e) {
                        st.timeouts += 1;
                    } else {
                        st.errors += 1;
                    }
                }
                // A failed query leaves the connection usable unless it broke.
                if diesel::sql_query("SELECT 1").execute(c).is_err() {
                    conn = None;
                }
                continue;
            }
        };
        st.responses_total += 1;
        if in_window {
            st.hist
                .saturating_record(micros(done.duration_since(sent)).max(HIST_LOW_US));
            st.classes[class] += 1;
        }
    }
    if let (Some(a), Some(b)) = (cpu0, thread_cpu_secs()) {
        st.cpu_s = Some(b - a);
    }
    st
}

/// The JSON line of one run: the load generator's keys, in its order, plus what the naive
/// query returned.
#[derive(Serialize, Debug)]
struct Report {
    label: String,
    mode: String,
    connections: usize,
    rate: Option<f64>,
    seconds: f64,
    requests: u64,
    rps: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
    non_2xx: u64,
    errors: u64,
    mean_ms: f64,
    threads: usize,
    warmup: f64,
    status: [u64; 5],
    timeouts: u64,
    connect_errors: u64,
    reconnects: u64,
    missed: u64,
    sched_lag_p99_ms: f64,
    capped: bool,
    responses_total: u64,
    gen_cpu_s: Option<f64>,
    gen_cpu_pct: Option<f64>,
    /// Mean session rows and activities the naive query returned per 2xx answer.
    rows_per_request: f64,
    activities_per_request: f64,
    limit: usize,
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if !(cli.duration.is_finite() && cli.duration > 0.0) {
        return Err(bad("--duration must be > 0"));
    }
    if !(cli.warmup.is_finite() && cli.warmup >= 0.0) {
        return Err(bad("--warmup must be ≥ 0"));
    }
    if cli.duration + cli.warmup > MAX_RUN_SECS {
        return Err(bad(format!("warmup + duration must be ≤ {MAX_RUN_SECS} s")));
    }
    if !(1..=1000).contains(&cli.connections) {
        return Err(bad("--connections must be 1..=1000"));
    }
    if !(1..=50).contains(&cli.limit) {
        return Err(bad("--limit must be 1..=50"));
    }
    if !(cli.ref_lat.is_finite() && cli.ref_lon.is_finite() && cli.ref_lat.abs() < 90.0) {
        return Err(bad("--ref-lat/--ref-lon must be a point on Earth"));
    }
    let text = std::fs::read_to_string(&cli.requests)
        .map_err(|e| bad(format!("reading {}: {e}", cli.requests.display())))?;
    let residents =
        parse_request_file(&text).map_err(|e| bad(format!("{}: {e}", cli.requests.display())))?;

    // No timeout while checking: the point is to see the answer.
    let timeout_ms = if cli.check.is_some() {
        0
    } else {
        cli.timeout_ms
    };
    let mut first = connect(&cli.database_url, timeout_ms)?;
    let stale = never_analyzed(&mut first);
    if !stale.is_empty() {
        eprintln!(
            "sql_baseline: warning: PostgreSQL has never analyzed {} (autovacuum off?): the \
             planner is guessing; run ANALYZE first for a fair baseline",
            stale.join(", ")
        );
    }
    let shared = Shared {
        taxonomy: load_taxonomy(&mut first)?,
        weights: Weights::default(),
        limit: cli.limit,
        ref_lat: cli.ref_lat,
        ref_lon: cli.ref_lon,
    };

    if let Some(n) = cli.check {
        return check(&mut first, &shared, &residents, n);
    }

    // Every worker connects before the clock starts.
    let mut conns = vec![first];
    for _ in 1..cli.connections {
        conns.push(connect(&cli.database_url, timeout_ms)?);
    }
    let template = Histogram::<u64>::new_with_bounds(HIST_LOW_US, HIST_HIGH_US, HIST_SIGFIG)
        .map_err(|e| anyhow!("histogram: {e:?}"))?;
    let t0 = Instant::now();
    let measure_start = t0 + Duration::from_secs_f64(cli.warmup);
    let plan = Arc::new(Plan {
        url: cli.database_url.clone(),
        timeout_ms,
        residents,
        shared,
        measure_start,
        measure_end: measure_start + Duration::from_secs_f64(cli.duration),
    });
    let handles: Vec<_> = conns
        .into_iter()
        .map(|conn| {
            let (plan, hist) = (plan.clone(), template.clone());
            std::thread::spawn(move || worker(&plan, Some(conn), hist))
        })
        .collect();
    let mut total = Stats::new(template);
    for h in handles {
        let st = h.join().map_err(|_| anyhow!("a worker thread panicked"))?;
        total.merge(&st)?;
    }
    let wall = t0.elapsed().as_secs_f64();

    let seconds = match (total.first_start, total.last_done) {
        (Some(first), Some(last)) => last.duration_since(measure_start.min(first)).as_secs_f64(),
        _ => 0.0,
    };
    let requests = total.responses();
    let rps = if seconds > 0.0 {
        requests as f64 / seconds
    } else {
        0.0
    };
    let h = &total.hist;
    let ms = |us: u64| round_to(us as f64 / 1000.0, 3);
    let q = |quantile: f64| {
        if h.is_empty() {
            0.0
        } else {
            ms(h.value_at_quantile(quantile))
        }
    };
    let ok = total.classes[1].max(1) as f64;
    let report = Report {
        label: cli.label,
        mode: "closed".into(),
        connections: cli.connections,
        rate: None,
        seconds: round_to(seconds, 3),
        requests,
        rps: round_to(rps, 1),
        p50_ms: q(0.50),
        p90_ms: q(0.90),
        p99_ms: q(0.99),
        p999_ms: q(0.999),
        max_ms: if h.is_empty() { 0.0 } else { ms(h.max()) },
        non_2xx: requests - total.classes[1],
        errors: total.errors + total.timeouts + total.connect_errors,
        mean_ms: if h.is_empty() {
            0.0
        } else {
            round_to(h.mean() / 1000.0, 3)
        },
        threads: cli.connections,
        warmup: cli.warmup,
        status: total.classes,
        timeouts: total.timeouts,
        connect_errors: total.connect_errors,
        reconnects: total.reconnects,
        missed: 0,
        sched_lag_p99_ms: 0.0,
        capped: false,
        responses_total: total.responses_total,
        gen_cpu_s: total.cpu_s.map(|s| round_to(s, 3)),
        gen_cpu_pct: total
            .cpu_s
            .filter(|_| wall > 0.0)
            .map(|s| round_to(100.0 * s / wall, 1)),
        rows_per_request: round_to(total.rows as f64 / ok, 1),
        activities_per_request: round_to(total.activities as f64 / ok, 1),
        limit: cli.limit,
    };
    eprint!("{}", human_report(&report));
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}

/// `--check N`: the suggestions of the first N residents, one line each.
fn check(
    conn: &mut PgConnection,
    shared: &Shared,
    residents: &[i64],
    n: usize,
) -> anyhow::Result<ExitCode> {
    for &id in residents.iter().take(n) {
        let started = Instant::now();
        let outcome = suggestions_for(conn, shared, id)
            .with_context(|| format!("suggestions for resident {id}"))?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match outcome {
            Outcome::Suggested {
                suggestions,
                rows,
                activities,
            } => {
                let join = |f: fn(&Suggestion) -> i64| {
                    suggestions
                        .iter()
                        .map(|s| f(s).to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                };
                println!(
                    "resident {id}\tactivities {}\tsessions {}\t({rows} session rows, {activities} activities, {ms:.1} ms)",
                    join(|s| s.activity_id),
                    join(|s| s.session_id),
                );
            }
            Outcome::NotFound => println!("resident {id}\tnot found (404)"),
            Outcome::NoHome => println!("resident {id}\tno home cell (409)"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `12345.6` → `12,346`.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn human_report(r: &Report) -> String {
    let cpu = match r.gen_cpu_pct {
        Some(pct) => format!(" using {pct:.0}% of a core"),
        None => String::new(),
    };
    let mut s = format!(
        "== {}  (closed loop, {} connections, one thread each{cpu}; SQL per request)\n",
        r.label, r.connections
    );
    s += &format!(
        "   {:.2} s measured after {:.1} s warmup: {} requests, {} req/s\n",
        r.seconds,
        r.warmup,
        thousands(r.requests as f64),
        thousands(r.rps)
    );
    s += &format!(
        "   latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}  (mean {:.2})\n",
        r.p50_ms, r.p90_ms, r.p99_ms, r.p999_ms, r.max_ms, r.mean_ms
    );
    s += &format!(
        "   non-2xx {} (4xx {}: missing resident or home)  errors {} (timeouts {}, connect {})  reconnects {}\n",
        r.non_2xx, r.status[3], r.errors, r.timeouts, r.connect_errors, r.reconnects
    );
    s += &format!(
        "   per request: 3 queries, {:.1} session rows of {:.1} activities, top {}\n",
        r.rows_per_request, r.activities_per_request, r.limit
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_resident_id_from_the_path() {
        assert_eq!(
            resident_of_line("GET\t/api/v1/residents/155372/suggestions\tCookie: a=b"),
            Ok(Some(155372))
        );
        assert_eq!(
            resident_of_line("GET\t/api/v1/residents/7/suggestions?limit=5"),
            Ok(Some(7))
        );
        assert_eq!(resident_of_line("  "), Ok(None));
        assert_eq!(resident_of_line("# comment"), Ok(None));
        assert!(resident_of_line("GET\t/api/v1/residents/x/suggestions").is_err());
        assert!(resident_of_line("GET\t/health/live").is_err());
        assert!(resident_of_line("GET").is_err());
    }

    #[test]
    fn a_file_without_requests_is_refused() {
        assert!(parse_request_file("# nothing\n\n").is_err());
        let ids = parse_request_file(
            "GET\t/api/v1/residents/1/suggestions\nGET\t/api/v1/residents/2/suggestions\n",
        )
        .unwrap();
        assert_eq!(ids, vec![1, 2]);
    }

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://u:secret@host/db"),
            "postgres://u:***@host/db"
        );
        assert_eq!(redact("postgres://u@host/db"), "postgres://u@host/db");
    }
}
