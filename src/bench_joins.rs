//! The joins benchmark's data and its verdict (`legami seed-joins`, `legami check-joins`;
//! see bench/joins.sh).
//!
//! `seed-joins` creates one-off sessions of `capacity` seats under an accredited organization
//! — one hot session, `spread` sessions for the spread run, the same again for the raw-SQL
//! baseline, and a roomy session for the warm-up — and writes the load generator's request
//! lines: one guest join (a first name and a unique phone number) per line, so that every
//! line is a different person and no line is sent twice (`loadgen http --once`).
//!
//! `check-joins` then reads the database and checks what must hold whatever the timing: no
//! session has more confirmed seats than its capacity; every request line became exactly one
//! booking (none lost, none duplicated); the seat counters agree with the bookings; and on
//! each session everyone confirmed arrived before everyone on the waitlist.

use crate::bench::Rng;
use crate::db::activities as adb;
use crate::db::schema::{bookings, session_seats};
use crate::domain::activities::{ActivityDraft, Practical};
use crate::error::AppError;
use crate::state::AppState;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What to seed.
#[derive(Debug, Clone)]
pub struct JoinSeedOptions {
    pub out_dir: PathBuf,
    /// Joins sent to the hot session.
    pub hot_joins: usize,
    /// Sessions of the spread run (and as many for its baseline).
    pub spread_sessions: usize,
    /// Joins spread uniformly over them.
    pub spread_joins: usize,
    /// Seats per session.
    pub capacity: i32,
    /// Joins of the warm-up (to a session with room for all of them).
    pub warmup_joins: usize,
    /// The site URL the server runs with (the `Origin` of the requests).
    pub site_url: String,
    pub seed: u64,
}

/// Which sessions are which (written to `plan.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinPlan {
    pub capacity: i32,
    pub hot: i64,
    pub hot_baseline: i64,
    pub warmup: i64,
    /// First and last id of the spread sessions (contiguous).
    pub spread: (i64, i64),
    pub spread_baseline: (i64, i64),
}

/// Creates `n` one-off sessions of `capacity` seats (one activity each) in one transaction;
/// returns their ids in order.
async fn sessions(
    state: &AppState,
    org: i64,
    owner: i64,
    n: usize,
    capacity: Option<i64>,
    label: &str,
    rng: &mut Rng,
) -> anyhow::Result<Vec<i64>> {
    let tz = state.settings.city.timezone.clone();
    let tzp: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Europe::Rome);
    let day = chrono::Utc::now().with_timezone(&tzp).date_naive() + chrono::Duration::days(3);
    let interest = first_interest(state).await?;
    let mut prepared = Vec::with_capacity(n);
    for i in 0..n {
        let (lat, lon, _) = crate::bench::place(rng);
        let draft = ActivityDraft {
            title: format!("{label} {}", i + 1),
            description: "Sessione sintetica del benchmark delle iscrizioni.".into(),
            venue_name: format!("Sala {}", i + 1),
            address: "Milano".into(),
            latitude: lat,
            longitude: lon,
            timezone: None,
            starts_at: format!("{day}T{:02}:{:02}", 9 + (i / 60) % 10, i % 60),
            duration_minutes: 60,
            rrule: String::new(),
            exdates: vec![],
            capacity,
            reserved_seats: 0,
            cost_kind: "free".into(),
            cost_cents: 0,
            cost_help: false,
            languages: vec!["it".into()],
            wheelchair: "full".into(),
            accessibility: vec![],
            low_barrier: vec![],
            practical: Practical::default(),
            audience: vec![],
            contact_phone: String::new(),
            contact_email: String::new(),
            interests: vec![interest],
        };
        let input = draft
            .check(&tz)
            .map_err(|e| anyhow::anyhow!("benchmark session is invalid: {e:?}"))?;
        prepared.push((
            crate::services::activities::fields(state, &input),
            input.interests,
        ));
    }
    let horizon = state.settings.city.horizon_days;
    let release = state.settings.participation.reserved_release_hours;
    state
        .db
        .tx(move |conn| {
            let mut ids = Vec::with_capacity(prepared.len());
            for (fields, interests) in &prepared {
                let id = adb::insert_activity(conn, org, owner, "published", fields)?;
                adb::set_activity_interests(conn, id, interests)?;
                let a = adb::find_activity(conn, id)?.ok_or(AppError::NotFound)?;
                crate::services::activities::materialize(conn, &a, horizon, release)?;
                let s = adb::sessions_of(conn, id, crate::db::now())?;
                ids.extend(s.first().map(|s| s.id));
            }
            Ok(ids)
        })
        .await
        .map_err(|e| anyhow::anyhow!("creating the benchmark sessions: {e}"))
}

async fn first_interest(state: &AppState) -> anyhow::Result<i64> {
    crate::services::activities::interests(state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .iter()
        .find(|i| i.deprecated_at.is_none())
        .map(|i| i.id)
        .ok_or_else(|| anyhow::anyhow!("the interest taxonomy is empty"))
}

fn range_of(ids: &[i64]) -> anyhow::Result<(i64, i64)> {
    let (Some(&lo), Some(&hi)) = (ids.first(), ids.last()) else {
        anyhow::bail!("no sessions");
    };
    anyhow::ensure!(
        hi - lo + 1 == ids.len() as i64,
        "session ids {lo}..{hi} are not contiguous (seed an otherwise idle database)"
    );
    Ok((lo, hi))
}

/// One request line: a guest joins `session` with a unique phone number.
fn join_line(out: &mut String, site: &str, session: i64, person: usize) {
    let _ = writeln!(
        out,
        "POST\t/api/v1/sessions/{session}/bookings\tContent-Type: application/json\tOrigin: {site}\t@{{\"name\":\"Ospite {person}\",\"phone\":\"+39 3{person:09}\"}}"
    );
}

/// Seeds the sessions and writes `plan.json`, `warmup.tsv`, `hot.tsv`, `spread.tsv`.
pub async fn seed(state: &AppState, opts: &JoinSeedOptions) -> anyhow::Result<JoinPlan> {
    crate::services::activities::seed_interests(state).await?;
    let mut rng = Rng::new(opts.seed);
    let (org, owner) = *crate::bench::organizations(state, &mut rng)
        .await?
        .first()
        .ok_or_else(|| anyhow::anyhow!("no organization"))?;
    let cap = Some(opts.capacity as i64);
    let warm = sessions(state, org, owner, 1, None, "Riscaldamento", &mut rng).await?;
    let hot = sessions(state, org, owner, 1, cap, "Sessione affollata", &mut rng).await?;
    let hot_base = sessions(state, org, owner, 1, cap, "Affollata (SQL)", &mut rng).await?;
    let spread = sessions(
        state,
        org,
        owner,
        opts.spread_sessions,
        cap,
        "Sessione",
        &mut rng,
    )
    .await?;
    let spread_base = sessions(
        state,
        org,
        owner,
        opts.spread_sessions,
        cap,
        "Sessione (SQL)",
        &mut rng,
    )
    .await?;
    let plan = JoinPlan {
        capacity: opts.capacity,
        hot: hot[0],
        hot_baseline: hot_base[0],
        warmup: warm[0],
        spread: range_of(&spread)?,
        spread_baseline: range_of(&spread_base)?,
    };
    std::fs::create_dir_all(&opts.out_dir)?;
    let site = opts.site_url.trim_end_matches('/');
    // Person numbers are unique across the three files.
    let mut person = 0;
    let mut text = String::new();
    for _ in 0..opts.warmup_joins {
        person += 1;
        join_line(&mut text, site, plan.warmup, person);
    }
    std::fs::write(opts.out_dir.join("warmup.tsv"), &text)?;
    text.clear();
    for _ in 0..opts.hot_joins {
        person += 1;
        join_line(&mut text, site, plan.hot, person);
    }
    std::fs::write(opts.out_dir.join("hot.tsv"), &text)?;
    text.clear();
    for _ in 0..opts.spread_joins {
        person += 1;
        let s = plan.spread.0 + rng.below(opts.spread_sessions) as i64;
        join_line(&mut text, site, s, person);
    }
    std::fs::write(opts.out_dir.join("spread.tsv"), &text)?;
    std::fs::write(
        opts.out_dir.join("plan.json"),
        serde_json::to_string_pretty(&plan)?,
    )?;
    std::fs::write(
        opts.out_dir.join("plan.env"),
        format!(
            "HOT={}\nHOT_BASE={}\nWARM={}\nSPREAD_LO={}\nSPREAD_HI={}\nSPREAD_BASE_LO={}\nSPREAD_BASE_HI={}\n",
            plan.hot,
            plan.hot_baseline,
            plan.warmup,
            plan.spread.0,
            plan.spread.1,
            plan.spread_baseline.0,
            plan.spread_baseline.1
        ),
    )?;
    Ok(plan)
}

/// The verdict of `check-joins` for one group of sessions.
#[derive(Debug, Default, Clone, Serialize)]
pub struct JoinCheck {
    pub label: String,
    pub sessions: usize,
    /// Request lines sent to these sessions.
    pub requested: usize,
    pub bookings: usize,
    pub confirmed: usize,
    pub waitlisted: usize,
    /// Sessions with more confirmed seats than capacity.
    pub overbooked: usize,
    /// Request lines without a booking.
    pub lost: usize,
    /// Bookings beyond one per request line (the same person twice).
    pub duplicated: usize,
    /// Sessions whose seat counters disagree with their bookings.
    pub counter_mismatch: usize,
    /// Sessions where someone waitlisted arrived before someone confirmed, or where a free
    /// seat was left while people waited.
    pub out_of_order: usize,
}

impl JoinCheck {
    /// Whether every hard rule held.
    pub fn ok(&self) -> bool {
        self.overbooked == 0
            && self.lost == 0
            && self.duplicated == 0
            && self.counter_mismatch == 0
            && self.out_of_order == 0
    }
}

/// Request lines per session in a request file.
fn requested_per_session(path: &Path) -> anyhow::Result<HashMap<i64, usize>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = HashMap::new();
    for line in text.lines() {
        let Some(p) = line.split('\t').nth(1) else {
            continue;
        };
        if let Some(id) = p
            .strip_prefix("/api/v1/sessions/")
            .and_then(|r| r.strip_suffix("/bookings"))
            .and_then(|s| s.parse::<i64>().ok())
        {
            *out.entry(id).or_insert(0) += 1;
        }
    }
    Ok(out)
}

/// Checks the sessions of one request file against the database.
async fn check_group(
    state: &AppState,
    label: &str,
    ids: Vec<i64>,
    requested: HashMap<i64, usize>,
    capacity: i32,
) -> anyhow::Result<JoinCheck> {
    type Row = (i64, String, i64, String, i32);
    let (rows, counters) = state
        .db
        .run(move |conn| {
            let mut rows: Vec<Row> = Vec::new();
            let mut counters: Vec<(i64, i32, i32)> = Vec::new();
            for chunk in ids.chunks(500) {
                rows.extend(
                    bookings::table
                        .filter(bookings::session_id.eq_any(chunk))
                        .select((
                            bookings::session_id,
                            bookings::status,
                            bookings::position,
                            bookings::participant_key,
                            bookings::seats,
                        ))
                        .load::<Row>(conn)?,
                );
                counters.extend(
                    session_seats::table
                        .filter(session_seats::session_id.eq_any(chunk))
                        .select((
                            session_seats::session_id,
                            session_seats::taken,
                            session_seats::waiting,
                        ))
                        .load::<(i64, i32, i32)>(conn)?,
                );
            }
            Ok((rows, counters))
        })
        .await
        .map_err(|e| anyhow::anyhow!("reading bookings: {e}"))?;
    let mut by_session: HashMap<i64, Vec<&Row>> = HashMap::new();
    for r in &rows {
        by_session.entry(r.0).or_default().push(r);
    }
    let mut c = JoinCheck {
        label: label.into(),
        sessions: counters.len(),
        requested: requested.values().sum(),
        bookings: rows.len(),
        ..JoinCheck::default()
    };
    for (sid, taken, waiting) in counters {
        let list = by_session.remove(&sid).unwrap_or_default();
        let confirmed: Vec<&&Row> = list.iter().filter(|r| r.1 == "confirmed").collect();
        let waitlisted: Vec<&&Row> = list.iter().filter(|r| r.1 == "waitlisted").collect();
        let seats: i32 = confirmed.iter().map(|r| r.4).sum();
        c.confirmed += confirmed.len();
        c.waitlisted += waitlisted.len();
        if seats > capacity {
            c.overbooked += 1;
        }
        if seats != taken || waitlisted.len() as i32 != waiting {
            c.counter_mismatch += 1;
        }
        let keys: std::collections::HashSet<&str> = list.iter().map(|r| r.3.as_str()).collect();
        c.duplicated += list.len() - keys.len();
        let asked = requested.get(&sid).copied().unwrap_or(0);
        c.lost += asked.saturating_sub(keys.len());
        c.duplicated += keys.len().saturating_sub(asked);
        let last_in = confirmed.iter().map(|r| r.2).max();
        let first_waiting = waitlisted.iter().map(|r| r.2).min();
        let gap = !waitlisted.is_empty() && seats < capacity;
        if matches!((last_in, first_waiting), (Some(a), Some(b)) if a > b) || gap {
            c.out_of_order += 1;
        }
    }
    Ok(c)
}

/// Checks the hot and spread runs recorded in `dir` (see [`seed`]).
pub async fn check(state: &AppState, dir: &Path) -> anyhow::Result<Vec<JoinCheck>> {
    let plan: JoinPlan = serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json"))?)?;
    let mut out = Vec::new();
    let hot = requested_per_session(&dir.join("hot.tsv"))?;
    out.push(check_group(state, "hot", vec![plan.hot], hot, plan.capacity).await?);
    let spread = requested_per_session(&dir.join("spread.tsv"))?;
    let ids: Vec<i64> = (plan.spread.0..=plan.spread.1).collect();
    out.push(check_group(state, "spread", ids, spread, plan.capacity).await?);
    Ok(out)
}
