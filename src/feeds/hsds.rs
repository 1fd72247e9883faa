//! The accredited organizations as an Open Referral HSDS 3 listing
//! (<https://docs.openreferral.org>): a `Page` (`total_items`, `total_pages`, `page_number`,
//! `size`, `first_page`, `last_page`, `empty`, `contents`) of organizations with their phone and
//! their one physical location.
//!
//! HSDS identifiers are UUIDs; Legami's are integers, so each record gets a UUID derived from
//! the site's host, the record's kind and its id (SHA-256, as a version 8 "custom" UUID): stable
//! across requests and restarts. `uri` is the organization's public page. Beyond HSDS, each
//! organization carries `url` (the HSDS 2 name of `website`) and `kind` (Legami's category:
//! association, cooperative, …). Empty optional fields (e-mail, website, phone) are left out.

use super::{organization_url, site_host};
use crate::db::orgs::{self, Organization};
use crate::error::AppError;
use crate::state::AppState;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Organizations per page by default, and the most a client may ask for.
pub const PER_PAGE: usize = 500;

/// A listing page.
#[derive(Debug, Clone, Serialize)]
pub struct HsdsPage {
    pub total_items: usize,
    pub total_pages: usize,
    pub page_number: usize,
    pub size: usize,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<HsdsOrganization>,
}

/// An organization.
#[derive(Debug, Clone, Serialize)]
pub struct HsdsOrganization {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// The HSDS 2 name of `website`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Persistent identifier: the organization's public page.
    pub uri: String,
    /// association | cooperative | … (Legami's category).
    pub kind: String,
    pub phones: Vec<HsdsPhone>,
    pub locations: Vec<HsdsLocation>,
}

/// A phone number.
#[derive(Debug, Clone, Serialize)]
pub struct HsdsPhone {
    pub id: String,
    pub number: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// A place where the organization is.
#[derive(Debug, Clone, Serialize)]
pub struct HsdsLocation {
    pub id: String,
    pub location_type: &'static str,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
    pub addresses: Vec<HsdsAddress>,
}

/// A postal address.
#[derive(Debug, Clone, Serialize)]
pub struct HsdsAddress {
    pub id: String,
    pub address_1: String,
    pub city: String,
    pub state_province: String,
    pub postal_code: String,
    pub country: String,
    pub address_type: &'static str,
}

/// A stable UUID for a record of `kind` with `id` on this site.
pub fn stable_uuid(host: &str, kind: &str, id: i64) -> String {
    let digest = Sha256::digest(format!("legami:{host}:{kind}:{id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// An Italian postal code (CAP: five digits on their own) in a free-text address.
fn postal_code(address: &str) -> String {
    address
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 5)
        .unwrap_or("")
        .to_string()
}

fn organization(state: &AppState, host: &str, o: Organization) -> HsdsOrganization {
    let id = stable_uuid(host, "organization", o.id);
    let tz = super::city_tz(state);
    let phones = if o.phone.trim().is_empty() {
        Vec::new()
    } else {
        vec![HsdsPhone {
            id: stable_uuid(host, "organization-phone", o.id),
            number: o.phone.clone(),
            kind: "voice",
        }]
    };
    let address = HsdsAddress {
        id: stable_uuid(host, "organization-address", o.id),
        postal_code: postal_code(&o.address),
        address_1: o.address.clone(),
        city: state.settings.city.name.clone(),
        state_province: String::new(),
        country: super::openactive::country_of(tz).unwrap_or("").to_string(),
        address_type: "physical",
    };
    let present = |s: String| (!s.trim().is_empty()).then_some(s);
    HsdsOrganization {
        uri: organization_url(state, o.id),
        url: present(o.website.clone()),
        website: present(o.website),
        locations: vec![HsdsLocation {
            id: stable_uuid(host, "organization-location", o.id),
            location_type: "physical",
            name: o.name.clone(),
            latitude: o.latitude,
            longitude: o.longitude,
            addresses: vec![address],
        }],
        id,
        name: o.name,
        description: o.description,
        email: present(o.email),
        kind: o.kind,
        phones,
    }
}

/// One page (from 1) of the accredited organizations, by name.
pub async fn organizations_page(
    state: &AppState,
    page: usize,
    per_page: usize,
) -> Result<HsdsPage, AppError> {
    let all = state
        .db
        .run(|conn| Ok(orgs::list_organizations(conn, Some("accredited"))?))
        .await?;
    let host = site_host(state);
    let total_items = all.len();
    let total_pages = total_items.div_ceil(per_page).max(1);
    let contents: Vec<HsdsOrganization> = all
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|o| organization(state, &host, o))
        .collect();
    Ok(HsdsPage {
        total_items,
        total_pages,
        page_number: page,
        size: contents.len(),
        first_page: page == 1,
        last_page: page >= total_pages,
        empty: contents.is_empty(),
        contents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_stable_uuids() {
        let a = stable_uuid("legami.example", "organization", 7);
        assert_eq!(a, stable_uuid("legami.example", "organization", 7));
        assert_ne!(a, stable_uuid("legami.example", "organization", 8));
        assert!(uuid::Uuid::parse_str(&a).is_ok());
    }

    #[test]
    fn the_postal_code_is_found_in_the_address() {
        assert_eq!(postal_code("Via Padova 21, 20127 Milano"), "20127");
        assert_eq!(postal_code("Piazza del Duomo"), "");
    }
}
