//! The residents of the synthetic city (`legami seed-bench --residents N`), for the
//! suggestions benchmark: accredited linkers, each with a live session whose cookie the load
//! generator sends, and residents with realistic variety — homes dense downtown like the
//! activities, walking to bus-ride radii, mostly Italian speakers with a share of other
//! languages, one to four interests, some with declared free time, needs and budgets — each
//! with consent to care follow-up and a linker, most with an intake UCLA-3.
//!
//! Rows go in with multi-row INSERTs on PostgreSQL (one statement per table per batch), and
//! row by row inside a transaction on SQLite.

use crate::bench::{place, Rng};
use crate::db::accounts::{self, NewUser};
use crate::db::schema::{
    consents, linker_profiles, questionnaire_responses, resident_interests, resident_linkers,
    residents,
};
use crate::db::{self, AnyConnection, UserId};
use crate::domain::activities::ACCESSIBILITY;
use crate::domain::residents::home_cell;
use crate::error::AppError;
use crate::state::AppState;
use diesel::prelude::*;
use secrecy::SecretString;
use std::fmt;
use std::io::Write;
use std::time::Instant;

/// What to seed.
#[derive(Debug, Clone)]
pub struct ResidentSeedOptions {
    pub residents: usize,
    pub linkers: usize,
    pub seed: u64,
    /// Residents per transaction.
    pub batch: usize,
    /// Where to write the load generator's request lines (one per sampled resident).
    pub requests_out: Option<std::path::PathBuf>,
    /// How many request lines to write.
    pub requests: usize,
}

/// What was seeded.
#[derive(Debug, Default)]
pub struct ResidentSeedReport {
    pub linkers: usize,
    pub residents: usize,
    pub rows: usize,
    pub request_lines: usize,
    pub seconds: f64,
}

impl fmt::Display for ResidentSeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Seeded {} residents with {} linkers ({} rows) in {:.1} s; {} request lines written.",
            self.residents, self.linkers, self.rows, self.seconds, self.request_lines
        )
    }
}

const LINKER_PASSWORD: &str = "legami-bench-linker-password";
/// Languages residents speak besides (or instead of) Italian, with weights.
const OTHER_LANGUAGES: &[(&str, u32)] = &[
    ("en", 30),
    ("ar", 15),
    ("es", 12),
    ("zh", 8),
    ("ro", 8),
    ("uk", 6),
    ("fr", 6),
    ("tl", 5),
    ("bn", 5),
    ("sq", 5),
];
const RADII: &[(i32, u32)] = &[(500, 20), (1000, 35), (2000, 25), (3000, 12), (5000, 8)];

#[derive(Insertable, Clone)]
#[diesel(table_name = residents)]
struct ResidentRow {
    display_name: String,
    origin: &'static str,
    status: &'static str,
    locale: &'static str,
    birth_year: Option<i32>,
    languages: String,
    home_cell: Option<String>,
    travel_radius_m: i32,
    availability: i32,
    wheelchair: bool,
    accessibility: String,
    budget_cents: Option<i32>,
    wants_company: bool,
    prefers_small_groups: bool,
    created_by: Option<i64>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

/// Everything of one resident but the id.
struct Planned {
    row: ResidentRow,
    interests: Vec<i64>,
    linker: i64,
    statistics: bool,
    reminders: bool,
    ucla: Option<[i32; 3]>,
}

fn weighted_pick<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> T {
    let weights: Vec<u32> = items.iter().map(|(_, w)| *w).collect();
    items[rng.weighted(&weights)].0
}

fn plan(rng: &mut Rng, n: usize, linker: i64, interests: &[i64], year: i32) -> Planned {
    let (lat, lon, _) = place(rng);
    let mut languages = Vec::new();
    if rng.chance(0.85) {
        languages.push("it".to_string());
    }
    if languages.is_empty() || rng.chance(0.3) {
        let l = weighted_pick(rng, OTHER_LANGUAGES).to_string();
        if !languages.contains(&l) {
            languages.push(l);
        }
    }
    let mut mine = Vec::new();
    for _ in 0..1 + rng.below(4) {
        if let Some(i) = interests.get(rng.below(interests.len())) {
            if !mine.contains(i) {
                mine.push(*i);
            }
        }
    }
    // 40% declare when they are free: a few weekday × part slots.
    let mut availability = 0i32;
    if rng.chance(0.4) {
        for _ in 0..3 + rng.below(8) {
            availability |= 1 << rng.below(21);
        }
    }
    let mut needs = Vec::new();
    if rng.chance(0.1) {
        needs.push(ACCESSIBILITY[rng.below(ACCESSIBILITY.len())].to_string());
    }
    let budget_cents = match rng.weighted(&[40, 30, 30]) {
        0 => Some(0),
        1 => Some([300, 500, 1000, 1500][rng.below(4)]),
        _ => None,
    };
    let now = db::now();
    Planned {
        row: ResidentRow {
            display_name: format!("Residente {n} (bench)"),
            origin: "assisted",
            status: "active",
            locale: if rng.chance(0.8) { "it" } else { "en" },
            birth_year: rng.chance(0.8).then(|| year - rng.between(18, 95) as i32),
            languages: languages.join(","),
            home_cell: home_cell(lat, lon).map(|c| c.to_string()),
            travel_radius_m: weighted_pick(rng, RADII),
            availability,
            wheelchair: rng.chance(0.05),
            accessibility: needs.join(","),
            budget_cents,
            wants_company: rng.chance(0.3),
            prefers_small_groups: rng.chance(0.25),
            created_by: Some(linker),
            created_at: now,
            updated_at: now,
        },
        interests: mine,
        linker,
        statistics: rng.chance(0.7),
        reminders: rng.chance(0.4),
        ucla: rng.chance(0.8).then(|| {
            [
                rng.between(1, 3) as i32,
                rng.between(1, 3) as i32,
                rng.between(1, 3) as i32,
            ]
        }),
    }
}

/// Creates (or finds) the benchmark linkers, accredited; returns their user ids.
async fn linkers(state: &AppState, n: usize) -> anyhow::Result<Vec<i64>> {
    let hash = state
        .hasher
        .hash(SecretString::from(LINKER_PASSWORD))
        .await
        .map_err(|e| anyhow::anyhow!("hashing the linkers' password: {e}"))?;
    state
        .db
        .tx(move |conn| {
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let email = format!("linker-{:05}@bench.legami.test", i + 1);
                let now = db::now();
                let id = match accounts::find_user_by_email(conn, &email)? {
                    Some(u) => u.id,
                    None => {
                        accounts::insert_user(
                            conn,
                            &NewUser {
                                email: &email,
                                password_hash: &hash,
                                display_name: &format!("Linker {:05} (bench)", i + 1),
                                locale: "it",
                                is_admin: false,
                                email_verified_at: Some(now),
                                created_at: now,
                                updated_at: now,
                            },
                        )?
                        .0
                    }
                };
                if accounts::find_linker(conn, UserId(id))?.is_none() {
                    diesel::insert_into(linker_profiles::table)
                        .values((
                            linker_profiles::user_id.eq(id),
                            linker_profiles::status.eq("accredited"),
                            linker_profiles::motivation.eq("bench"),
                            linker_profiles::requested_at.eq(now),
                            linker_profiles::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                out.push(id);
            }
            Ok(out)
        })
        .await
        .map_err(|e| anyhow::anyhow!("creating the linkers: {e}"))
}

fn insert_batch(
    conn: &mut AnyConnection,
    batch: &[Planned],
) -> Result<(Vec<i64>, usize), AppError> {
    let rows: Vec<ResidentRow> = batch.iter().map(|p| p.row.clone()).collect();
    let ids: Vec<i64> = match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(residents::table)
            .values(&rows)
            .returning(residents::id)
            .get_results(c)?,
        AnyConnection::Sqlite(c) => {
            let mut ids = Vec::with_capacity(rows.len());
            for r in &rows {
                ids.push(
                    diesel::insert_into(residents::table)
                        .values(r)
                        .returning(residents::id)
                        .get_result(c)?,
                );
            }
            ids
        }
    };
    let now = db::now();
    let mut interest_rows = Vec::new();
    let mut link_rows = Vec::new();
    let mut consent_rows = Vec::new();
    let mut ucla_rows = Vec::new();
    for (p, &id) in batch.iter().zip(&ids) {
        for &i in &p.interests {
            interest_rows.push((
                resident_interests::resident_id.eq(id),
                resident_interests::interest_id.eq(i),
            ));
        }
        link_rows.push((
            resident_linkers::resident_id.eq(id),
            resident_linkers::linker_user_id.eq(p.linker),
            resident_linkers::added_by.eq(Some(p.linker)),
            resident_linkers::since.eq(now),
        ));
        for (purpose, yes) in [
            ("care", true),
            ("statistics", p.statistics),
            ("reminders", p.reminders),
        ] {
            if yes {
                consent_rows.push((
                    consents::resident_id.eq(id),
                    consents::purpose.eq(purpose),
                    consents::channel.eq("signed_paper"),
                    consents::given_by.eq("resident"),
                    consents::recorded_by.eq(Some(p.linker)),
                    consents::given_at.eq(now),
                ));
            }
        }
        if let Some(a) = p.ucla {
            let score: i32 = a.iter().sum();
            ucla_rows.push((
                questionnaire_responses::resident_id.eq(id),
                questionnaire_responses::instrument.eq("ucla3"),
                questionnaire_responses::answers.eq(format!("[{},{},{}]", a[0], a[1], a[2])),
                questionnaire_responses::score.eq(score),
                questionnaire_responses::lonely.eq(score >= 6),
                questionnaire_responses::context.eq("intake"),
                questionnaire_responses::recorded_by.eq(Some(p.linker)),
                questionnaire_responses::recorded_at.eq(now),
            ));
        }
    }
    let n =
        ids.len() + interest_rows.len() + link_rows.len() + consent_rows.len() + ucla_rows.len();
    match conn {
        AnyConnection::Postgresql(c) => {
            diesel::insert_into(resident_interests::table)
                .values(&interest_rows)
                .execute(c)?;
            diesel::insert_into(resident_linkers::table)
                .values(&link_rows)
                .execute(c)?;
            diesel::insert_into(consents::table)
                .values(&consent_rows)
                .execute(c)?;
            diesel::insert_into(questionnaire_responses::table)
                .values(&ucla_rows)
                .execute(c)?;
        }
        AnyConnection::Sqlite(c) => {
            for r in &interest_rows {
                diesel::insert_into(resident_interests::table)
                    .values(*r)
                    .execute(c)?;
            }
            for r in &link_rows {
                diesel::insert_into(resident_linkers::table)
                    .values(*r)
                    .execute(c)?;
            }
            for r in &consent_rows {
                diesel::insert_into(consents::table).values(*r).execute(c)?;
            }
            for r in &ucla_rows {
                diesel::insert_into(questionnaire_responses::table)
                    .values(r.clone())
                    .execute(c)?;
            }
        }
    }
    Ok((ids, n))
}

/// Seeds linkers and residents; writes request lines for the load generator.
pub async fn seed(
    state: &AppState,
    opts: &ResidentSeedOptions,
) -> anyhow::Result<ResidentSeedReport> {
    use chrono::Datelike;
    let started = Instant::now();
    let mut rng = Rng::new(opts.seed ^ 0x005E_ED0F_4E51_DE47);
    let interests: Vec<i64> = crate::services::activities::interests(state)
        .await
        .map_err(|e| anyhow::anyhow!("reading the interests: {e}"))?
        .into_iter()
        .filter(|i| i.deprecated_at.is_none())
        .map(|i| i.id)
        .collect();
    anyhow::ensure!(!interests.is_empty(), "the interest taxonomy is empty");
    let linker_ids = linkers(state, opts.linkers.max(1)).await?;
    println!(
        "{} accredited linkers ready; seeding {} residents…",
        linker_ids.len(),
        opts.residents
    );
    let year = chrono::Utc::now().year();
    let batch = opts.batch.max(1);
    let mut report = ResidentSeedReport {
        linkers: linker_ids.len(),
        ..Default::default()
    };
    // Resident id → linker, for the request lines.
    let mut owned: Vec<(i64, i64)> = Vec::with_capacity(opts.residents);
    let mut n = 0;
    while n < opts.residents {
        let planned: Vec<Planned> = (0..batch.min(opts.residents - n))
            .map(|i| {
                let linker = linker_ids[(n + i) % linker_ids.len()];
                plan(&mut rng, n + i + 1, linker, &interests, year)
            })
            .collect();
        let links: Vec<i64> = planned.iter().map(|p| p.linker).collect();
        let (ids, rows) = state
            .db
            .tx(move |conn| insert_batch(conn, &planned))
            .await
            .map_err(|e| anyhow::anyhow!("seeding residents after {n}: {e}"))?;
        owned.extend(ids.iter().copied().zip(links));
        n += ids.len();
        report.residents += ids.len();
        report.rows += rows;
        if n % (batch * 20) == 0 || n == opts.residents {
            println!(
                "  {n:>7}/{} residents, {:.1} s",
                opts.residents,
                started.elapsed().as_secs_f64()
            );
        }
    }
    if owned.is_empty() {
        // Nothing seeded now: sample the residents already there (a reused database).
        owned = state
            .db
            .run(|conn| {
                Ok(resident_linkers::table
                    .filter(resident_linkers::until.is_null())
                    .select((
                        resident_linkers::resident_id,
                        resident_linkers::linker_user_id,
                    ))
                    .order(resident_linkers::id.asc())
                    .limit(500_000)
                    .load::<(i64, i64)>(conn)?)
            })
            .await
            .map_err(|e| anyhow::anyhow!("reading the residents: {e}"))?;
    }
    if let Some(path) = &opts.requests_out {
        let mut linker_ids: Vec<i64> = owned.iter().map(|(_, l)| *l).collect();
        linker_ids.sort_unstable();
        linker_ids.dedup();
        // One live session per linker: the cookie the load generator sends.
        let mut tokens = std::collections::HashMap::new();
        for &l in &linker_ids {
            let (token, _) = state
                .sessions
                .create(UserId(l), "legami bench")
                .await
                .map_err(|e| anyhow::anyhow!("creating a session: {e}"))?;
            tokens.insert(l, token);
        }
        let cookie = if state.settings.server.is_https() {
            "__Host-legami_session"
        } else {
            "legami_session"
        };
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for _ in 0..opts.requests.min(owned.len().max(1) * 4) {
            let Some(&(rid, linker)) = owned.get(rng.below(owned.len())) else {
                break;
            };
            let token = tokens.get(&linker).cloned().unwrap_or_default();
            writeln!(
                out,
                "GET\t/api/v1/residents/{rid}/suggestions\tCookie: {cookie}={token}"
            )?;
            report.request_lines += 1;
        }
        out.flush()?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
