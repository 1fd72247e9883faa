//! The synthetic city of the discovery benchmark (`legami seed-bench`).
//!
//! Fills the configured database with accredited organizations (and their owners) and
//! published activities spread over Milan, dense downtown, whose recurrence rules yield about
//! five upcoming sessions each over the 90-day horizon (20,000 activities ≈ 100,000 sessions).
//! Everything goes through the same building blocks as publishing through the API: the draft
//! checks, the stored fields, the insert functions and the session materialization.
//!
//! The data follows from the seed alone (a SplitMix64 generator written here, so the figures
//! do not move when a dependency changes its generator); dates are relative to the day of the
//! seeding, since sessions are "upcoming".

use crate::db::accounts::{self, NewUser};
use crate::db::activities::{self as adb, ActivityFields};
use crate::db::orgs::{self, NewOrganization};
use crate::db::{self, audit, OrganizationId};
use crate::domain::activities::{ActivityDraft, Practical, ACCESSIBILITY, AUDIENCES, LOW_BARRIER};
use crate::domain::geo::distance_m;
use crate::domain::organizations::Status;
use crate::error::AppError;
use crate::state::AppState;
use chrono::{Duration, NaiveDate, Weekday};
use secrecy::SecretString;
use std::fmt;
use std::time::Instant;

/// Piazza del Duomo, the centre of the dense downtown cluster.
pub const DUOMO: (f64, f64) = (45.4642, 9.1900);
/// The box the city's activities fall in: (min lat, max lat, min lon, max lon).
pub const CITY_BOX: (f64, f64, f64, f64) = (45.40, 45.53, 9.08, 9.28);
/// How many organizations host the activities.
pub const ORGANIZATIONS: usize = 40;
/// The password of every benchmark owner account (nobody signs in with it).
const OWNER_PASSWORD: &str = "legami-bench-owner-password";

/// What `seed-bench` was asked to do.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Published activities to create.
    pub activities: usize,
    /// Seed of the generator: the same seed gives the same city.
    pub seed: u64,
    /// Seed even though the database already has activities.
    pub force: bool,
    /// Activities per transaction.
    pub batch: usize,
}

/// How an activity recurs; the mix sets the number of sessions per activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recurrence {
    OneOff,
    Weekly,
    TwiceWeekly,
    Fortnightly,
    Monthly,
    Course,
}

impl Recurrence {
    const ALL: [Recurrence; 6] = [
        Recurrence::OneOff,
        Recurrence::Weekly,
        Recurrence::TwiceWeekly,
        Recurrence::Fortnightly,
        Recurrence::Monthly,
        Recurrence::Course,
    ];

    /// Share of activities in percent (adds up to 100). Over 90 days: one-off 1 session,
    /// weekly ≈ 12.9, twice weekly ≈ 25.7, fortnightly ≈ 6.4, monthly ≈ 3, course 6–10:
    /// about 5 sessions per activity on average.
    fn percent(self) -> u32 {
        match self {
            Recurrence::OneOff => 42,
            Recurrence::Weekly => 15,
            Recurrence::TwiceWeekly => 3,
            Recurrence::Fortnightly => 12,
            Recurrence::Monthly => 23,
            Recurrence::Course => 5,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Recurrence::OneOff => "one-off",
            Recurrence::Weekly => "weekly",
            Recurrence::TwiceWeekly => "twice a week",
            Recurrence::Fortnightly => "every 2 weeks",
            Recurrence::Monthly => "monthly",
            Recurrence::Course => "course (6-10 weeks)",
        }
    }

    fn index(self) -> usize {
        Recurrence::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

/// What was seeded; `Display` prints the totals.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    /// Organizations created (or reused, with `--force`).
    pub organizations: usize,
    /// Activities created.
    pub activities: usize,
    /// Sessions materialized for the new activities.
    pub sessions: usize,
    /// (label, activities, sessions) per kind of recurrence.
    pub by_recurrence: Vec<(&'static str, usize, usize)>,
    /// Upcoming scheduled sessions of published activities in the whole database.
    pub upcoming: i64,
    /// Of those, the ones in the next 30 days (the default discovery window).
    pub upcoming_30_days: i64,
    /// Wall-clock time of the seeding, in seconds.
    pub seconds: f64,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Seeded in {:.1} s: {} organizations, {} activities, {} sessions materialized.",
            self.seconds, self.organizations, self.activities, self.sessions
        )?;
        for (label, activities, sessions) in &self.by_recurrence {
            let per = if *activities == 0 {
                0.0
            } else {
                *sessions as f64 / *activities as f64
            };
            writeln!(
                f,
                "  {label:<20} {activities:>7} activities {sessions:>8} sessions ({per:.2} each)"
            )?;
        }
        write!(
            f,
            "Upcoming sessions in the database: {} (next 30 days: {}).",
            self.upcoming, self.upcoming_30_days
        )
    }
}

/// SplitMix64: small, fast, and the same on every platform and version.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n) (0 when n is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// Uniform in [lo, hi] (integers).
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as usize) as i64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller).
    fn gaussian(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// An index chosen with the given weights.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// Smaller clusters outside the centre: (name, lat, lon).
const NEIGHBOURHOODS: &[(&str, f64, f64)] = &[
    ("Navigli", 45.4525, 9.1760),
    ("Isola", 45.4860, 9.1890),
    ("Città Studi", 45.4780, 9.2270),
    ("NoLo", 45.4930, 9.2200),
    ("Porta Romana", 45.4510, 9.2030),
    ("Sempione", 45.4760, 9.1720),
    ("Bicocca", 45.5130, 9.2110),
    ("Lorenteggio", 45.4480, 9.1300),
    ("Barona", 45.4330, 9.1560),
    ("Quarto Oggiaro", 45.5140, 9.1360),
];

const METRES_PER_DEGREE: f64 = 111_320.0;

fn offset(lat: f64, lon: f64, north_m: f64, east_m: f64) -> (f64, f64) {
    (
        lat + north_m / METRES_PER_DEGREE,
        lon + east_m / (METRES_PER_DEGREE * lat.to_radians().cos()),
    )
}

/// A point near `centre`: Gaussian with `sigma_m` per axis, cut at `max_m`.
fn gaussian_point(rng: &mut Rng, centre: (f64, f64), sigma_m: f64, max_m: f64) -> (f64, f64) {
    for _ in 0..32 {
        let (lat, lon) = offset(
            centre.0,
            centre.1,
            rng.gaussian() * sigma_m,
            rng.gaussian() * sigma_m,
        );
        if distance_m(centre.0, centre.1, lat, lon) <= max_m {
            return (lat, lon);
        }
    }
    centre
}

/// Where an activity takes place: 40% within 2 km of the Duomo, 20% in neighbourhood
/// clusters, 40% anywhere in the city's box.
pub(crate) fn place(rng: &mut Rng) -> (f64, f64, &'static str) {
    let (lat, lon, zone) = match rng.weighted(&[40, 20, 40]) {
        0 => {
            let (lat, lon) = gaussian_point(rng, DUOMO, 800.0, 2000.0);
            (lat, lon, "Centro")
        }
        1 => {
            let (name, clat, clon) = rng
                .pick(NEIGHBOURHOODS)
                .copied()
                .unwrap_or(("Centro", DUOMO.0, DUOMO.1));
            let (lat, lon) = gaussian_point(rng, (clat, clon), 400.0, 1200.0);
            (lat, lon, name)
        }
        _ => {
            let (a, b, c, d) = CITY_BOX;
            (a + rng.unit() * (b - a), c + rng.unit() * (d - c), "Milano")
        }
    };
    let (a, b, c, d) = CITY_BOX;
    (lat.clamp(a, b), lon.clamp(c, d), zone)
}

/// (title, interest slug, typical length in minutes).
const KINDS: &[(&str, &str, i64)] = &[
    ("Camminata di quartiere", "walking-group", 60),
    ("Orto condiviso", "urban-garden", 120),
    ("Area cani e chiacchiere", "pets", 60),
    ("Pranzo insieme", "cooking-lunch-club", 90),
    ("Cena di comunità", "community-meal", 120),
    ("Gruppo di lettura", "reading-group", 90),
    ("Coro di quartiere", "choir-music", 90),
    ("Visita guidata", "culture-visits", 120),
    ("Laboratorio di maglia", "crafts", 120),
    ("Ginnastica dolce", "gentle-exercise", 60),
    ("Ballo liscio", "dance", 120),
    ("Acquagym", "swimming", 45),
    ("Bocce al parco", "bowls-games-sport", 120),
    ("Burraco e scacchi", "board-card-games", 150),
    ("Tavolo di conversazione", "language-exchange", 90),
    ("Aiuto con lo smartphone", "tech-help", 60),
    ("Volontariato al banco alimentare", "volunteering", 180),
    ("Caffè dei genitori", "parents-groups", 90),
];

const VENUES: &[&str] = &[
    "Biblioteca di quartiere",
    "Centro civico",
    "Casa di quartiere",
    "Oratorio",
    "Circolo",
    "Giardino pubblico",
    "Centro sportivo",
    "Spazio comunale",
];

const STREETS: &[&str] = &[
    "Via Torino",
    "Corso Buenos Aires",
    "Via Padova",
    "Viale Monza",
    "Via Lorenteggio",
    "Corso San Gottardo",
    "Via Paolo Sarpi",
    "Viale Lombardia",
    "Via Ripamonti",
    "Corso Lodi",
    "Via Novara",
    "Viale Certosa",
];

const EXTRA_LANGUAGES: &[&str] = &[
    "en", "es", "ar", "fr", "zh", "ro", "uk", "pt", "tl", "bn", "sq", "de",
];

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];
/// Weekdays are busier than weekends.
const WEEKDAY_WEIGHTS: [u32; 7] = [3, 3, 3, 3, 3, 2, 1];

fn byday(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

fn weekday(rng: &mut Rng) -> Weekday {
    WEEKDAYS[rng.weighted(&WEEKDAY_WEIGHTS)]
}

/// A local start time: mostly mornings and afternoons, some evenings.
fn start_time(rng: &mut Rng) -> (i64, i64) {
    let hour = match rng.weighted(&[40, 45, 15]) {
        0 => rng.between(9, 11),
        1 => rng.between(14, 17),
        _ => rng.between(18, 20),
    };
    let minute = [0, 0, 15, 30, 30, 45][rng.below(6)];
    (hour, minute)
}

fn tags(rng: &mut Rng, all: &[&str], p: f64) -> Vec<String> {
    all.iter()
        .filter(|_| rng.chance(p))
        .map(|s| s.to_string())
        .collect()
}

/// The schedule of one activity: (local start, RRULE). Recurring series started in the past
/// (so the rule alone decides which sessions fall in the horizon); one-offs and courses start
/// within it.
fn schedule(rng: &mut Rng, kind: Recurrence, today: NaiveDate) -> (NaiveDate, String) {
    let past = today - Duration::days(rng.between(1, 60));
    let day = weekday(rng);
    match kind {
        Recurrence::OneOff => (today + Duration::days(rng.between(1, 89)), String::new()),
        Recurrence::Weekly => (past, format!("FREQ=WEEKLY;BYDAY={}", byday(day))),
        Recurrence::TwiceWeekly => {
            let second = WEEKDAYS[(day.num_days_from_monday() as usize + 2 + rng.below(4)) % 7];
            (
                past,
                format!("FREQ=WEEKLY;BYDAY={},{}", byday(day), byday(second)),
            )
        }
        Recurrence::Fortnightly => (past, format!("FREQ=WEEKLY;INTERVAL=2;BYDAY={}", byday(day))),
        Recurrence::Monthly => {
            if rng.chance(0.6) {
                let nth = rng.between(1, 4);
                (past, format!("FREQ=MONTHLY;BYDAY=+{nth}{}", byday(day)))
            } else {
                let d = rng.between(1, 28);
                (past, format!("FREQ=MONTHLY;BYMONTHDAY={d}"))
            }
        }
        Recurrence::Course => {
            let first = today + Duration::days(rng.between(1, 30));
            (first, format!("FREQ=WEEKLY;COUNT={}", rng.between(6, 10)))
        }
    }
}

/// One synthetic activity, as an organizer would type it.
fn draft(
    rng: &mut Rng,
    n: usize,
    today: NaiveDate,
    interests: &[(String, i64, bool)],
) -> (ActivityDraft, Recurrence) {
    let (title, slug, minutes) = rng.pick(KINDS).copied().unwrap_or(KINDS[0]);
    let (lat, lon, zone) = place(rng);
    let kind = Recurrence::ALL[rng.weighted(&Recurrence::ALL.map(Recurrence::percent))];
    let (day, rrule) = schedule(rng, kind, today);
    let (hour, minute) = start_time(rng);
    let duration = (minutes + [-15, 0, 0, 30][rng.below(4)]).max(30);
    let mut ids: Vec<i64> = interests
        .iter()
        .filter(|(s, _, _)| s == slug)
        .map(|(_, id, _)| *id)
        .collect();
    let children: Vec<i64> = interests
        .iter()
        .filter(|(_, _, child)| *child)
        .map(|(_, id, _)| *id)
        .collect();
    for _ in 0..rng.weighted(&[60, 30, 10]) {
        if let Some(id) = rng.pick(&children) {
            ids.push(*id);
        }
    }
    if ids.is_empty() {
        ids.extend(interests.first().map(|(_, id, _)| *id));
    }
    let (cost_kind, cost_cents) = match rng.weighted(&[55, 15, 30]) {
        0 => ("free", 0),
        1 => ("pay_what_you_can", 0),
        _ => (
            "amount",
            [200, 300, 500, 800, 1000, 1500, 2000][rng.below(7)],
        ),
    };
    let mut languages = Vec::new();
    if rng.chance(0.95) {
        languages.push("it".to_string());
    }
    for _ in 0..rng.weighted(&[65, 28, 7]) {
        if let Some(l) = rng.pick(EXTRA_LANGUAGES) {
            languages.push(l.to_string());
        }
    }
    if languages.is_empty() {
        languages.push("en".into());
    }
    let venue = rng.pick(VENUES).copied().unwrap_or("Centro civico");
    let street = rng.pick(STREETS).copied().unwrap_or("Via Torino");
    let mut audience = vec![AUDIENCES[rng.below(AUDIENCES.len())].to_string()];
    if rng.chance(0.3) {
        audience.push(AUDIENCES[rng.below(AUDIENCES.len())].to_string());
    }
    let draft = ActivityDraft {
        title: format!("{title} — {zone} #{n}"),
        description: format!(
            "{title} a {zone}: un gruppo accogliente, si può venire anche da soli. \
             Attività sintetica del benchmark di scoperta."
        ),
        venue_name: format!("{venue} {zone}"),
        address: format!("{street} {}, Milano", 1 + rng.below(180)),
        latitude: lat,
        longitude: lon,
        timezone: None,
        starts_at: format!("{day}T{hour:02}:{minute:02}"),
        duration_minutes: duration,
        rrule,
        exdates: vec![],
        capacity: if rng.chance(0.4) {
            None
        } else {
            Some(rng.between(8, 60))
        },
        reserved_seats: 0,
        cost_kind: cost_kind.into(),
        cost_cents,
        cost_help: cost_kind != "free" && rng.chance(0.5),
        languages,
        wheelchair: ["no", "partial", "full"][rng.weighted(&[30, 40, 30])].into(),
        accessibility: tags(rng, ACCESSIBILITY, 0.25),
        low_barrier: tags(rng, LOW_BARRIER, 0.35),
        practical: Practical {
            meeting_point: format!("Ingresso di {venue} {zone}"),
            what_to_expect: "Ci si presenta, si fa l'attività, si resta per un caffè.".into(),
            what_to_bring: String::new(),
        },
        audience,
        contact_phone: String::new(),
        contact_email: String::new(),
        interests: ids,
    };
    (draft, kind)
}

/// Finds or creates the benchmark organizations (accredited) and their owners.
pub(crate) async fn organizations(
    state: &AppState,
    rng: &mut Rng,
) -> anyhow::Result<Vec<(i64, i64)>> {
    let hash = state
        .hasher
        .hash(SecretString::from(OWNER_PASSWORD))
        .await
        .map_err(|e| anyhow::anyhow!("hashing the owners' password: {e}"))?;
    let places: Vec<(f64, f64)> = (0..ORGANIZATIONS)
        .map(|_| {
            let (lat, lon, _) = place(rng);
            (lat, lon)
        })
        .collect();
    state
        .db
        .tx(move |conn| {
            let existing = orgs::list_organizations(conn, None)?;
            let mut out = Vec::new();
            for (i, (lat, lon)) in places.into_iter().enumerate() {
                let email = format!("owner-{:02}@bench.legami.test", i + 1);
                let name = format!("Associazione di quartiere {:02} (bench)", i + 1);
                let now = db::now();
                let owner = match accounts::find_user_by_email(conn, &email)? {
                    Some(u) => u.uid(),
                    None => accounts::insert_user(
                        conn,
                        &NewUser {
                            email: &email,
                            password_hash: &hash,
                            display_name: &format!("Referente {:02} (bench)", i + 1),
                            locale: "it",
                            is_admin: false,
                            email_verified_at: Some(now),
                            created_at: now,
                            updated_at: now,
                        },
                    )?,
                };
                let id = match existing.iter().find(|o| o.name == name) {
                    Some(o) => OrganizationId(o.id),
                    None => orgs::insert_organization(
                        conn,
                        &NewOrganization {
                            name: &name,
                            kind: crate::domain::organizations::KINDS
                                [i % crate::domain::organizations::KINDS.len()],
                            description: "Organizzazione sintetica del benchmark di scoperta.",
                            address: "Milano",
                            latitude: lat,
                            longitude: lon,
                            phone: "",
                            email: &email,
                            website: "",
                            status: Status::Pending.as_str(),
                            created_by: owner.0,
                            created_at: now,
                            updated_at: now,
                        },
                    )?,
                };
                orgs::set_organization_status(conn, id, Status::Accredited.as_str())?;
                out.push((id.0, owner.0));
            }
            Ok(out)
        })
        .await
        .map_err(|e| anyhow::anyhow!("creating the organizations: {e}"))
}

/// Counts activities (any status).
async fn count_activities(state: &AppState) -> anyhow::Result<i64> {
    use crate::db::schema::activities;
    use diesel::prelude::*;
    state
        .db
        .run(|conn| Ok(activities::table.count().get_result::<i64>(conn)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Upcoming scheduled sessions of published activities: (all, next 30 days).
pub async fn count_upcoming(state: &AppState) -> anyhow::Result<(i64, i64)> {
    use crate::db::schema::{activities, activity_sessions};
    use diesel::prelude::*;
    state
        .db
        .run(|conn| {
            let now = db::now();
            let base = || {
                activity_sessions::table
                    .inner_join(activities::table)
                    .filter(activity_sessions::starts_at.ge(now))
                    .filter(activity_sessions::deleted_at.is_null())
                    .filter(activity_sessions::status.eq("scheduled"))
                    .filter(activities::status.eq("published"))
                    .filter(activities::deleted_at.is_null())
            };
            let all = base().count().get_result::<i64>(conn)?;
            let month = base()
                .filter(activity_sessions::starts_at.lt(now + Duration::days(30)))
                .count()
                .get_result::<i64>(conn)?;
            Ok((all, month))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// One prepared activity: organization, owner, stored fields, interests, recurrence.
type Prepared = (i64, i64, ActivityFields, Vec<i64>, Recurrence);

/// Seeds the synthetic city; prints progress to stdout and returns the totals.
pub async fn seed(state: &AppState, opts: &SeedOptions) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    let already = count_activities(state).await?;
    anyhow::ensure!(
        already == 0 || opts.force,
        "the database already has {already} activities; seed an empty database or pass --force"
    );
    let taxonomy = crate::services::activities::interests(state)
        .await
        .map_err(|e| anyhow::anyhow!("reading the interests: {e}"))?;
    let interests: Vec<(String, i64, bool)> = taxonomy
        .iter()
        .filter(|i| i.deprecated_at.is_none())
        .map(|i| (i.slug.clone(), i.id, i.parent_id.is_some()))
        .collect();
    anyhow::ensure!(!interests.is_empty(), "the interest taxonomy is empty");
    let mut rng = Rng::new(opts.seed);
    let orgs = organizations(state, &mut rng).await?;
    let city_tz = state.settings.city.timezone.clone();
    let tz: chrono_tz::Tz = city_tz.parse().unwrap_or(chrono_tz::Europe::Rome);
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let horizon = state.settings.city.horizon_days;
    let release = state.settings.participation.reserved_release_hours;
    let batch = opts.batch.max(1);
    let mut report = SeedReport {
        organizations: orgs.len(),
        by_recurrence: Recurrence::ALL.iter().map(|r| (r.label(), 0, 0)).collect(),
        ..SeedReport::default()
    };
    println!(
        "Seeding {} activities (seed {}, {} per transaction, horizon {horizon} days, from {today})…",
        opts.activities, opts.seed, batch
    );
    let mut n = 0;
    while n < opts.activities {
        let mut prepared: Vec<Prepared> = Vec::with_capacity(batch);
        for _ in 0..batch.min(opts.activities - n) {
            n += 1;
            let (d, kind) = draft(&mut rng, n, today, &interests);
            let input = d
                .check(&city_tz)
                .map_err(|e| anyhow::anyhow!("synthetic activity {n} is invalid: {e:?}"))?;
            let fields = crate::services::activities::fields(state, &input);
            let (org, owner) = orgs[rng.below(orgs.len())];
            prepared.push((org, owner, fields, input.interests, kind));
        }
        let counts = state
            .db
            .tx(move |conn| {
                let mut counts = [(0usize, 0usize); 6];
                for (org, owner, fields, ids, kind) in &prepared {
                    let id = adb::insert_activity(conn, *org, *owner, "published", fields)?;
                    adb::set_activity_interests(conn, id, ids)?;
                    let a = adb::find_activity(conn, id)?.ok_or(AppError::NotFound)?;
                    let (inserted, _, _, _) =
                        crate::services::activities::materialize(conn, &a, horizon, release)?;
                    let c = &mut counts[kind.index()];
                    c.0 += 1;
                    c.1 += inserted;
                }
                Ok(counts)
            })
            .await
            .map_err(|e| anyhow::anyhow!("seeding activities up to {n}: {e}"))?;
        for (slot, (a, s)) in report.by_recurrence.iter_mut().zip(counts) {
            slot.1 += a;
            slot.2 += s;
            report.activities += a;
            report.sessions += s;
        }
        println!(
            "  {n:>7}/{} activities, {:>8} sessions, {:.1} s",
            opts.activities,
            report.sessions,
            started.elapsed().as_secs_f64()
        );
    }
    let summary = format!(
        "seed {} activities {} sessions {}",
        opts.seed, report.activities, report.sessions
    );
    state
        .db
        .tx(move |conn| {
            Ok(audit::record(
                conn,
                None,
                "bench.seed",
                "system",
                None,
                &summary,
            )?)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (upcoming, month) = count_upcoming(state).await?;
    report.upcoming = upcoming;
    report.upcoming_30_days = month;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn the_recurrence_mix_adds_up_to_a_hundred_percent() {
        let total: u32 = Recurrence::ALL.iter().map(|r| r.percent()).sum();
        assert_eq!(total, 100);
    }

    #[test]
    fn places_stay_in_the_city_and_crowd_downtown() {
        let mut rng = Rng::new(7);
        let mut near = 0;
        for _ in 0..10_000 {
            let (lat, lon, _) = place(&mut rng);
            let (a, b, c, d) = CITY_BOX;
            assert!((a..=b).contains(&lat) && (c..=d).contains(&lon));
            if distance_m(DUOMO.0, DUOMO.1, lat, lon) <= 2000.0 {
                near += 1;
            }
        }
        assert!(
            (4_000..6_000).contains(&near),
            "{near} of 10000 within 2 km"
        );
    }

    #[test]
    fn every_synthetic_draft_passes_the_checks() {
        let mut rng = Rng::new(42);
        let today = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap_or_default();
        let interests = vec![
            ("walking-group".to_string(), 2, true),
            ("outdoors".to_string(), 1, false),
        ];
        for n in 0..2_000 {
            let (d, _) = draft(&mut rng, n, today, &interests);
            if let Err(e) = d.check("Europe/Rome") {
                panic!("draft {n} {d:?}: {e:?}");
            }
        }
    }
}
