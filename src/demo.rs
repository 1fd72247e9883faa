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
    Ok(summary)
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
