//! The demo city (Milan) and administrator creation.
//!
//! The demo places organizations at real public places from the City of Milan's open data
//! (`web/data/milano/places-*.csv`, CC BY 4.0, see NOTICE); every person and organization name
//! is fictitious and marked "(demo)".

use crate::db::accounts::{self, NewUser};
use crate::db::orgs::{self, NewOrganization};
use crate::db::{self, audit, AnyConnection, UserId};
use crate::domain::organizations::Status;
use crate::domain::validation::{check_new_password, display_name, Email};
use crate::error::AppError;
use crate::state::AppState;
use secrecy::SecretString;

/// The password of every demo account (printed when the demo is seeded).
pub const DEMO_PASSWORD: &str = "milano-insieme-demo";

const SPORTS: &str = include_str!("../web/data/milano/places-sports-centre.csv");
const STREET: &str = include_str!("../web/data/milano/places-street-sport.csv");
const POOLS: &str = include_str!("../web/data/milano/places-swimming-pool.csv");
const DOGS: &str = include_str!("../web/data/milano/places-dog-area.csv");

/// A public place from the City's open data.
#[derive(Debug, Clone)]
pub struct Place {
    pub kind: String,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub nil_name: String,
    pub detail: String,
}

/// Every place of the shipped CSV files.
pub fn places() -> Vec<Place> {
    let mut out = Vec::new();
    for file in [SPORTS, STREET, POOLS, DOGS] {
        let mut rdr = csv::Reader::from_reader(file.as_bytes());
        for rec in rdr.records().flatten() {
            let get = |i: usize| rec.get(i).unwrap_or("").to_string();
            let (Ok(lat), Ok(lon)) = (get(3).parse::<f64>(), get(4).parse::<f64>()) else {
                continue;
            };
            out.push(Place {
                kind: get(0),
                name: get(1),
                address: get(2),
                lat,
                lon,
                nil_name: get(7),
                detail: get(8),
            });
        }
    }
    out
}

fn find_place<'a>(all: &'a [Place], name: &str) -> Option<&'a Place> {
    all.iter().find(|p| p.name == name)
}

/// Whether the database has no accounts yet.
pub async fn is_empty(state: &AppState) -> anyhow::Result<bool> {
    let n = state
        .db
        .run(|conn| Ok(accounts::count_users(conn)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(n == 0)
}

struct DemoPerson {
    email: &'static str,
    name: &'static str,
    admin: bool,
}

struct DemoOrg {
    name: &'static str,
    kind: &'static str,
    place: &'static str,
    description_it: &'static str,
    owner: &'static str,
    status: Status,
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        email: "welfare@legami.demo",
        name: "Ufficio Welfare (demo)",
        admin: true,
    },
    DemoPerson {
        email: "giulia@legami.demo",
        name: "Giulia Bianchi (demo)",
        admin: false,
    },
    DemoPerson {
        email: "marco@legami.demo",
        name: "Marco Verdi (demo)",
        admin: false,
    },
    DemoPerson {
        email: "bocce@legami.demo",
        name: "Franco Esposito (demo)",
        admin: false,
    },
    DemoPerson {
        email: "nuoto@legami.demo",
        name: "Sara Colombo (demo)",
        admin: false,
    },
    DemoPerson {
        email: "cammino@legami.demo",
        name: "Luca Ferrari (demo)",
        admin: false,
    },
    DemoPerson {
        email: "cani@legami.demo",
        name: "Anna Ricci (demo)",
        admin: false,
    },
    DemoPerson {
        email: "orti@legami.demo",
        name: "Paolo Galli (demo)",
        admin: false,
    },
];

const ORGS: &[DemoOrg] = &[
    DemoOrg {
        name: "Circolo Bocce ai Giardini (demo)",
        kind: "association",
        place: "Giardini Montanelli Indro",
        description_it: "Bocce all'aperto per tutte le età, due pomeriggi a settimana. Si può venire da soli: vi insegniamo le regole.",
        owner: "bocce@legami.demo",
        status: Status::Accredited,
    },
    DemoOrg {
        name: "Nuotare Insieme (demo)",
        kind: "sports_club",
        place: "Cozzi",
        description_it: "Acquagym dolce e nuoto libero in compagnia. Spogliatoi accessibili; un volontario aspetta i nuovi all'ingresso.",
        owner: "nuoto@legami.demo",
        status: Status::Accredited,
    },
    DemoOrg {
        name: "Camminare all'Arena (demo)",
        kind: "informal_group",
        place: "Arena Civica",
        description_it: "Passeggiate di un'ora al passo di chi è più lento, con partenza dall'Arena Civica e caffè alla fine.",
        owner: "cammino@legami.demo",
        status: Status::Accredited,
    },
    DemoOrg {
        name: "Amici a Quattro Zampe (demo)",
        kind: "association",
        place: "Giardino Fallaci Oriana",
        description_it: "Chi ha un cane (o vorrebbe averlo) si incontra al giardino: due chiacchiere mentre i cani giocano.",
        owner: "cani@legami.demo",
        status: Status::Accredited,
    },
    DemoOrg {
        name: "Orti Condivisi di Quartiere (demo)",
        kind: "social_cooperative",
        place: "De Marchi",
        description_it: "Un orto comune dove imparare a coltivare insieme. In attesa di accreditamento.",
        owner: "orti@legami.demo",
        status: Status::Pending,
    },
];

fn insert_person(conn: &mut AnyConnection, p: &DemoPerson, hash: &str) -> Result<UserId, AppError> {
    let now = db::now();
    let id = accounts::insert_user(
        conn,
        &NewUser {
            email: p.email,
            password_hash: hash,
            display_name: p.name,
            locale: "it",
            is_admin: p.admin,
            email_verified_at: Some(now),
            created_at: now,
            updated_at: now,
        },
    )?;
    Ok(id)
}

/// What a kind of place hosts in the demo: (title it, title en-ish description, interest slug,
/// local start hour, weekdays, duration, cost, extra language, low-barrier features).
struct Template {
    title: &'static str,
    description: &'static str,
    interest: &'static str,
    hour: u32,
    byday: &'static str,
    minutes: i64,
    cost: (&'static str, i64),
    extra_language: Option<&'static str>,
    low_barrier: &'static [&'static str],
    capacity: Option<i64>,
}

fn templates(kind: &str) -> &'static [Template] {
    match kind {
        "sports_centre" => &[
            Template { title: "Ginnastica dolce", description: "Esercizi semplici, seduti e in piedi, al ritmo di ciascuno. Nessuna esperienza richiesta.", interest: "gentle-exercise", hour: 10, byday: "MO,TH", minutes: 60, cost: ("free", 0), extra_language: None, low_barrier: &["first_timer_friendly", "welcomer", "come_alone"], capacity: Some(16) },
            Template { title: "Camminata del mattino", description: "Un'ora di cammino tranquillo con partenza dall'ingresso del centro sportivo, poi un caffè insieme.", interest: "walking-group", hour: 9, byday: "WE", minutes: 75, cost: ("free", 0), extra_language: Some("en"), low_barrier: &["drop_in", "come_alone", "language_light"], capacity: None },
            Template { title: "Ballo liscio per tutti", description: "Valzer e mazurca per chi non ha mai ballato e per chi balla da sempre.", interest: "dance", hour: 17, byday: "FR", minutes: 90, cost: ("amount", 300), extra_language: None, low_barrier: &["first_timer_friendly", "come_alone"], capacity: Some(30) },
        ],
        "street_sport_area" => &[
            Template { title: "Bocce insieme", description: "Partite a bocce all'aperto: si formano le squadre sul posto.", interest: "bowls-games-sport", hour: 15, byday: "TU,SA", minutes: 120, cost: ("free", 0), extra_language: None, low_barrier: &["drop_in", "welcomer", "come_alone", "language_light"], capacity: None },
            Template { title: "Carte e scacchi al parco", description: "Scopa, briscola e scacchi sulle panchine. Portiamo noi le carte.", interest: "board-card-games", hour: 16, byday: "TH", minutes: 120, cost: ("free", 0), extra_language: Some("ar"), low_barrier: &["drop_in", "come_alone"], capacity: None },
        ],
        "swimming_pool" => &[
            Template { title: "Acquagym dolce", description: "Movimenti in acqua bassa, con un istruttore e un volontario che accoglie i nuovi.", interest: "swimming", hour: 11, byday: "TU,FR", minutes: 50, cost: ("pay_what_you_can", 0), extra_language: Some("es"), low_barrier: &["first_timer_friendly", "welcomer"], capacity: Some(12) },
        ],
        _ => &[
            Template { title: "Due passi con il cane", description: "Chi ha un cane (o vorrebbe averlo) si incontra all'area cani: due chiacchiere mentre i cani giocano.", interest: "pets", hour: 18, byday: "MO,WE", minutes: 60, cost: ("free", 0), extra_language: Some("en"), low_barrier: &["drop_in", "come_alone", "language_light"], capacity: None },
        ],
    }
}

/// Seeds demo activities at the public places nearest Piazza del Duomo, spread over the
/// accredited demo organizations.
async fn seed_activities(state: &AppState, how_many: usize) -> anyhow::Result<usize> {
    use crate::domain::activities::{ActivityDraft, Practical};
    use crate::domain::geo::distance_m;
    let (duomo_lat, duomo_lon) = (45.4642, 9.1900);
    let mut all = places();
    all.sort_by(|a, b| {
        distance_m(duomo_lat, duomo_lon, a.lat, a.lon)
            .total_cmp(&distance_m(duomo_lat, duomo_lon, b.lat, b.lon))
    });
    let interests = crate::services::activities::interests(state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let orgs: Vec<(i64, i64)> = state
        .db
        .run(|conn| {
            let list = orgs::list_organizations(conn, Some("accredited"))?;
            Ok(list.into_iter().map(|o| (o.id, o.created_by)).collect())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(
        !orgs.is_empty(),
        "no accredited organization to host the demo activities"
    );
    let tz: chrono_tz::Tz = state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let mut made = 0;
    let mut n = 0usize;
    for place in all.iter().take(how_many) {
        for t in templates(&place.kind) {
            if made >= how_many {
                break;
            }
            let interest = interests
                .iter()
                .find(|i| i.slug == t.interest)
                .map(|i| i.id);
            let mut languages = vec!["it".to_string()];
            if let Some(l) = t.extra_language {
                languages.push(l.to_string());
            }
            let start = today + chrono::Duration::days(1 + (n % 6) as i64);
            let draft = ActivityDraft {
                title: format!("{} — {}", t.title, place.name),
                description: format!("{} (attività di esempio della demo)", t.description),
                venue_name: place.name.clone(),
                address: if place.address.trim().is_empty() {
                    format!("{}, Milano", place.name)
                } else {
                    format!("{}, Milano", place.address)
                },
                latitude: place.lat,
                longitude: place.lon,
                timezone: None,
                starts_at: format!(
                    "{}T{:02}:{:02}",
                    start,
                    t.hour,
                    if n.is_multiple_of(2) { 0 } else { 30 }
                ),
                duration_minutes: t.minutes,
                rrule: format!("FREQ=WEEKLY;BYDAY={}", t.byday),
                exdates: vec![],
                capacity: t.capacity,
                // Ginnastica dolce keeps two seats for people linkers refer.
                reserved_seats: if t.interest == "gentle-exercise" {
                    2
                } else {
                    0
                },
                cost_kind: t.cost.0.to_string(),
                cost_cents: t.cost.1,
                cost_help: t.cost.0 != "free",
                languages,
                wheelchair: ["partial", "full", "no"][n % 3].to_string(),
                accessibility: if n.is_multiple_of(2) {
                    vec!["step_free".into(), "seating".into()]
                } else {
                    vec!["accessible_toilet".into()]
                },
                low_barrier: t.low_barrier.iter().map(|s| s.to_string()).collect(),
                practical: Practical {
                    meeting_point: format!("Ingresso di {}", place.name),
                    what_to_expect: "Un gruppo accogliente; si può arrivare anche da soli.".into(),
                    what_to_bring: "Scarpe comode e una bottiglia d'acqua.".into(),
                },
                audience: vec![
                    "all_ages".into(),
                    if n.is_multiple_of(3) {
                        "seniors".into()
                    } else {
                        "newcomers".into()
                    },
                ],
                contact_phone: String::new(),
                contact_email: String::new(),
                interests: interest.into_iter().collect(),
            };
            let input = draft
                .check(&state.settings.city.timezone)
                .map_err(|e| anyhow::anyhow!("demo activity {} is invalid: {e:?}", draft.title))?;
            let fields = crate::services::activities::fields(state, &input);
            let (org, owner) = orgs[n % orgs.len()];
            let horizon = state.settings.city.horizon_days;
            let release = state.settings.participation.reserved_release_hours;
            let ids = input.interests.clone();
            let reserved = input.reserved_seats;
            state
                .db
                .tx(move |conn| {
                    let id = crate::db::activities::insert_activity(
                        conn,
                        org,
                        owner,
                        "published",
                        &fields,
                    )?;
                    crate::db::activities::set_activity_interests(conn, id, &ids)?;
                    crate::db::participation::set_reserved_seats(conn, id, reserved)?;
                    let a = crate::db::activities::find_activity(conn, id)?
                        .ok_or(AppError::NotFound)?;
                    crate::services::activities::materialize(conn, &a, horizon, release)?;
                    Ok(())
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            made += 1;
            n += 1;
        }
    }
    Ok(made)
}

/// Seeds the demo city into an empty database; returns a summary for the terminal.
pub async fn seed(state: &AppState) -> anyhow::Result<String> {
    if !is_empty(state).await? {
        return Ok("The database already has accounts: the demo was not seeded.".into());
    }
    let hash = state
        .hasher
        .hash(SecretString::from(DEMO_PASSWORD))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let all_places = places();
    let mut chosen = Vec::new();
    for o in ORGS {
        let place = find_place(&all_places, o.place)
            .ok_or_else(|| anyhow::anyhow!("demo place {} is missing from the data", o.place))?
            .clone();
        chosen.push(place);
    }
    let summary = state
        .db
        .tx(move |conn| {
            let mut ids = std::collections::HashMap::new();
            for p in PEOPLE {
                ids.insert(p.email, insert_person(conn, p, &hash)?);
            }
            let admin = ids["welfare@legami.demo"];
            // Giulia is an accredited linker; Marco is waiting.
            accounts::insert_linker_request(
                conn,
                ids["giulia@legami.demo"],
                "Volontaria al centro anziani del Municipio 1.",
            )?;
            accounts::set_linker_status(
                conn,
                ids["giulia@legami.demo"],
                Status::Accredited.as_str(),
            )?;
            orgs::insert_decision(
                conn,
                "linker",
                ids["giulia@legami.demo"].0,
                "accredit",
                "",
                admin,
            )?;
            accounts::insert_linker_request(
                conn,
                ids["marco@legami.demo"],
                "Assistente sociale, Municipio 2.",
            )?;
            let giulia =
                accounts::find_user(conn, ids["giulia@legami.demo"])?.ok_or(AppError::NotFound)?;
            crate::services::organizations::sync_linker_group(
                conn,
                &giulia,
                Status::Accredited,
                "",
                admin,
                (45.4642, 9.1900),
            )?;
            for (o, place) in ORGS.iter().zip(chosen.iter()) {
                let now = db::now();
                let owner = ids[o.owner];
                let id = orgs::insert_organization(
                    conn,
                    &NewOrganization {
                        name: o.name,
                        kind: o.kind,
                        description: o.description_it,
                        address: &format!("{} — {}", place.name, place.address),
                        latitude: place.lat,
                        longitude: place.lon,
                        phone: "",
                        email: o.owner,
                        website: "",
                        status: Status::Pending.as_str(),
                        created_by: owner.0,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                if o.status == Status::Accredited {
                    orgs::set_organization_status(conn, id, Status::Accredited.as_str())?;
                    orgs::insert_decision(conn, "organization", id.0, "accredit", "", admin)?;
                }
            }
            audit::record(conn, None, "demo.seed", "system", None, "")?;
            Ok(format!(
                "Demo city seeded: {} people, {} organizations at real places in Milan.\n\
                 Demo accounts (password \"{DEMO_PASSWORD}\"): welfare@legami.demo (admin), \
                 giulia@legami.demo (linker), bocce@legami.demo (organization owner).",
                PEOPLE.len(),
                ORGS.len()
            ))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let activities = seed_activities(state, 30).await?;
    let residents = seed_residents(state).await?;
    seed_participation(state).await?;
    state
        .index
        .rebuild(&state.db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format!(
        "{summary}\n{activities} weekly demo activities at public places around Piazza del Duomo: \
         try {}/activities\n{residents} residents followed by Giulia (sign in as giulia@legami.demo \
         and open {}/linker/residents for their explained suggestions), and one person waiting to be called.",
        state.settings.server.site_url, state.settings.server.site_url
    ))
}

/// A demo resident: name, home (lat, lon), radius, languages, interest slugs, availability,
/// needs, budget, wants company, small groups, UCLA-3 answers, extra consents.
type DemoResident = (
    &'static str,
    (f64, f64),
    i32,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    bool,
    Option<i32>,
    bool,
    bool,
    [i32; 3],
    &'static [&'static str],
);

/// Clearly fictitious residents in the centre, each with a different need.
const RESIDENTS: &[DemoResident] = &[
    (
        "Rosa (demo)",
        (45.4655, 9.1865),
        1500,
        "it",
        &["walking-group", "choir-music"],
        &[
            "tue_morning",
            "thu_afternoon",
            "fri_afternoon",
            "sat_afternoon",
        ],
        false,
        Some(0),
        true,
        true,
        [3, 3, 2],
        &["statistics"],
    ),
    (
        "Ahmed (demo)",
        (45.4610, 9.1950),
        2000,
        "ar,en",
        &["cooking-lunch-club", "urban-garden"],
        &[],
        false,
        Some(500),
        false,
        false,
        [2, 3, 2],
        &["statistics", "reminders"],
    ),
    (
        "Lucia (demo)",
        (45.4680, 9.1930),
        2000,
        "it",
        &["reading-group", "culture-visits"],
        &[
            "mon_afternoon",
            "mon_evening",
            "wed_afternoon",
            "fri_afternoon",
            "fri_evening",
        ],
        true,
        None,
        true,
        false,
        [2, 2, 3],
        &[],
    ),
    (
        "Franco (demo)",
        (45.4600, 9.1840),
        3000,
        "it,en",
        &["gentle-exercise", "outdoors"],
        &[],
        false,
        Some(1000),
        false,
        true,
        [1, 2, 1],
        &["statistics"],
    ),
];

async fn seed_residents(state: &AppState) -> anyhow::Result<usize> {
    use crate::db::residents as rdb;
    let interests = crate::services::activities::interests(state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let slug_ids: std::collections::HashMap<String, i64> =
        interests.iter().map(|i| (i.slug.clone(), i.id)).collect();
    let done = state
        .db
        .tx(move |conn| {
            let giulia = accounts::find_user_by_email(conn, "giulia@legami.demo")?
                .ok_or(AppError::NotFound)?
                .uid();
            let now = db::now();
            for (
                name,
                (lat, lon),
                radius,
                langs,
                slugs,
                slots,
                wheelchair,
                budget,
                company,
                small,
                ucla,
                extra,
            ) in RESIDENTS
            {
                let fields = rdb::ResidentFields {
                    display_name: name.to_string(),
                    phone: String::new(),
                    email: String::new(),
                    locale: if langs.starts_with("it") {
                        "it".into()
                    } else {
                        "en".into()
                    },
                    birth_year: None,
                    languages: langs.to_string(),
                    home_cell: crate::domain::residents::home_cell(*lat, *lon)
                        .map(|c| c.to_string()),
                    home_area: None,
                    travel_radius_m: *radius,
                    availability: crate::domain::residents::availability_bits(
                        &slots.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                    )
                    .unwrap_or(0) as i32,
                    wheelchair: *wheelchair,
                    accessibility: String::new(),
                    budget_cents: *budget,
                    wants_company: *company,
                    prefers_small_groups: *small,
                    updated_at: now,
                };
                let id =
                    rdb::insert_resident(conn, None, "assisted", "active", Some(giulia), &fields)?;
                let ids: Vec<i64> = slugs
                    .iter()
                    .filter_map(|s| slug_ids.get(*s).copied())
                    .collect();
                rdb::set_interests(conn, id, &ids)?;
                rdb::insert_consent(
                    conn,
                    id,
                    "care",
                    "signed_paper",
                    "resident",
                    Some(giulia),
                    now,
                )?;
                for p in *extra {
                    rdb::insert_consent(
                        conn,
                        id,
                        p,
                        "signed_paper",
                        "resident",
                        Some(giulia),
                        now,
                    )?;
                }
                rdb::add_linker(conn, id, giulia, Some(giulia), now)?;
                let score: i32 = ucla.iter().sum();
                rdb::insert_response(
                    conn,
                    id,
                    "ucla3",
                    &format!("[{},{},{}]", ucla[0], ucla[1], ucla[2]),
                    score,
                    score >= 6,
                    "intake",
                    Some(giulia),
                    now,
                )?;
            }
            // Someone who asked to be called back from the library terminal.
            let waiting = rdb::ResidentFields {
                display_name: "Carla (demo)".into(),
                phone: "+39 02 0000 0000".into(),
                email: String::new(),
                locale: "it".into(),
                birth_year: None,
                languages: String::new(),
                home_cell: None,
                home_area: None,
                travel_radius_m: 1000,
                availability: 0,
                wheelchair: false,
                accessibility: String::new(),
                budget_cents: None,
                wants_company: false,
                prefers_small_groups: false,
                updated_at: now,
            };
            let id =
                rdb::insert_resident(conn, None, "self_phone", "awaiting_linker", None, &waiting)?;
            rdb::insert_consent(conn, id, "care", "online", "resident", None, now)?;
            Ok(RESIDENTS.len())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(done)
}

/// Taking part in the demo: Giulia has booked Rosa on a game of bocce, proposed the gentle
/// exercise class (which holds two seats for referrals) to Franco, who has not answered yet,
/// and two people have joined that class by phone.
async fn seed_participation(state: &AppState) -> anyhow::Result<()> {
    use crate::db::participation::{self as pdb, NewBooking};
    use crate::db::schema::{activities, activity_sessions, residents};
    use diesel::prelude::*;
    let expiry = state.settings.participation.referral_expiry_days;
    state
        .db
        .tx(move |conn| {
            let giulia = accounts::find_user_by_email(conn, "giulia@legami.demo")?
                .ok_or(AppError::NotFound)?
                .uid();
            let now = db::now();
            let first_session =
                |conn: &mut AnyConnection,
                 title: &str|
                 -> Result<Option<(i64, i64, chrono::NaiveDateTime)>, AppError> {
                    Ok(activity_sessions::table
                        .inner_join(activities::table)
                        .filter(activities::title.like(format!("{title}%")))
                        .filter(activity_sessions::starts_at.gt(now + chrono::Duration::hours(6)))
                        .order(activity_sessions::starts_at.asc())
                        .select((
                            activity_sessions::id,
                            activities::id,
                            activity_sessions::starts_at,
                        ))
                        .first(conn)
                        .optional()?)
                };
            let resident =
                |conn: &mut AnyConnection, name: &str| -> Result<Option<i64>, AppError> {
                    Ok(residents::table
                        .filter(residents::display_name.eq(name))
                        .select(residents::id)
                        .first(conn)
                        .optional()?)
                };
            let booking = |session_id: i64,
                           key: String,
                           resident_id: Option<i64>,
                           name: &str,
                           phone: &str,
                           channel: &str,
                           booked_by: Option<i64>| NewBooking {
                session_id,
                participant_key: key,
                resident_id,
                user_id: None,
                guest_name: name.into(),
                guest_email: String::new(),
                guest_phone: phone.into(),
                seats: 1,
                companion: String::new(),
                referral_id: None,
                status: String::new(),
                position: 0,
                channel: channel.into(),
                booked_by,
                share_contact: !phone.is_empty(),
                share_needs: false,
                manage_token_hash: crate::auth::tokens::hash_token(
                    &crate::auth::tokens::new_token(),
                ),
                created_at: now,
                confirmed_at: None,
            };
            if let (Some((sid, _, _)), Some(rosa)) = (
                first_session(conn, "Bocce insieme")?,
                resident(conn, "Rosa (demo)")?,
            ) {
                crate::services::participation::book_in(
                    conn,
                    booking(
                        sid,
                        format!("r:{rosa}"),
                        Some(rosa),
                        "",
                        "",
                        "linker",
                        Some(giulia.0),
                    ),
                    false,
                )?;
            }
            if let Some((sid, aid, starts)) = first_session(conn, "Ginnastica dolce")? {
                for (i, name) in ["Pina", "Aldo"].iter().enumerate() {
                    let phone = format!("+39 333 000000{i}");
                    crate::services::participation::book_in(
                        conn,
                        booking(
                            sid,
                            format!("g:demo-{i}"),
                            None,
                            name,
                            &phone,
                            "guest",
                            None,
                        ),
                        false,
                    )?;
                }
                if let Some(franco) = resident(conn, "Franco (demo)")? {
                    pdb::insert_referral(
                        conn,
                        &pdb::NewReferral {
                            resident_id: franco,
                            activity_id: aid,
                            session_id: Some(sid),
                            linker_user_id: giulia.0,
                            note: "Ti accompagno io la prima volta, se vuoi.".into(),
                            goes_along: true,
                            status: "proposed".into(),
                            created_at: now,
                            expires_at: (now + chrono::Duration::days(expiry)).min(starts),
                            updated_at: now,
                        },
                    )?;
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Creates a verified administrator, or promotes an existing account.
pub async fn create_admin(
    state: &AppState,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<String> {
    let email = Email::parse(email)
        .map_err(|m| anyhow::anyhow!("{}", crate::i18n::Lang::default_for("en").t(m)))?;
    let name = display_name(name)
        .map_err(|m| anyhow::anyhow!("name: {}", crate::i18n::Lang::default_for("en").t(m)))?;
    check_new_password(password, email.as_str())
        .map_err(|m| anyhow::anyhow!("{}", crate::i18n::Lang::default_for("en").t(m)))?;
    let hash = state
        .hasher
        .hash(SecretString::from(password.to_string()))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let addr = email.as_str().to_string();
    state
        .db
        .tx(move |conn| {
            let now = db::now();
            if let Some(u) = accounts::find_user_by_email(conn, &addr)? {
                accounts::set_admin(conn, u.uid(), true)?;
                accounts::mark_verified(conn, u.uid(), now)?;
                audit::record(
                    conn,
                    None,
                    "account.promote_admin",
                    "user",
                    Some(u.id),
                    "cli",
                )?;
                return Ok(format!(
                    "{addr} is now an administrator (password unchanged)."
                ));
            }
            let id = accounts::insert_user(
                conn,
                &NewUser {
                    email: &addr,
                    password_hash: &hash,
                    display_name: &name,
                    locale: "it",
                    is_admin: true,
                    email_verified_at: Some(now),
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit::record(
                conn,
                None,
                "account.create_admin",
                "user",
                Some(id.0),
                "cli",
            )?;
            Ok(format!("Administrator {addr} created."))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_organization_stands_at_a_real_place_in_milan() {
        let all = places();
        assert!(all.len() > 600, "all four files are read");
        for o in ORGS {
            let p = find_place(&all, o.place).unwrap_or_else(|| panic!("{} missing", o.place));
            assert!((45.38..45.54).contains(&p.lat) && (9.0..9.3).contains(&p.lon));
        }
    }
}
