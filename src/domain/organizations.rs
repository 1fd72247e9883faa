//! Organizations: kinds, statuses, and the rules of accreditation.

use super::validation::{
    optional_email, optional_line, optional_phone, optional_text, required_line,
};
use std::collections::BTreeMap;

/// The kinds of organization, as stored.
pub const KINDS: &[&str] = &[
    "association",
    "library",
    "sports_club",
    "parish",
    "school",
    "care_home",
    "social_cooperative",
    "informal_group",
    "public_service",
];

/// Accreditation status of an organization or a linker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Accredited,
    Suspended,
    Rejected,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Accredited => "accredited",
            Status::Suspended => "suspended",
            Status::Rejected => "rejected",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "pending" => Some(Status::Pending),
            "accredited" => Some(Status::Accredited),
            "suspended" => Some(Status::Suspended),
            "rejected" => Some(Status::Rejected),
            _ => None,
        }
    }
}

/// What an admin decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accredit,
    Reject,
    Suspend,
    Reinstate,
}

impl Decision {
    /// Parses the decision a form or the API sends.
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "accredit" => Some(Decision::Accredit),
            "reject" => Some(Decision::Reject),
            "suspend" => Some(Decision::Suspend),
            "reinstate" => Some(Decision::Reinstate),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accredit => "accredit",
            Decision::Reject => "reject",
            Decision::Suspend => "suspend",
            Decision::Reinstate => "reinstate",
        }
    }

    /// The status a decision leads to from `from`, or a Fluent message id saying why not.
    pub fn apply(self, from: Status) -> Result<Status, &'static str> {
        use Decision::*;
        use Status::*;
        match (self, from) {
            (Accredit, Pending | Rejected) => Ok(Accredited),
            (Reject, Pending) => Ok(Rejected),
            (Suspend, Accredited) => Ok(Suspended),
            (Reinstate, Suspended) => Ok(Accredited),
            _ => Err("err-decision-not-allowed"),
        }
    }

    /// Suspending or rejecting needs a reason the subject can read.
    pub fn needs_reason(self) -> bool {
        matches!(self, Decision::Reject | Decision::Suspend)
    }
}

/// A checked organization registration.
#[derive(Debug, Clone)]
pub struct OrganizationInput {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub phone: String,
    pub email: String,
    pub website: String,
}

/// What a person typed to register an organization (all text, as forms send it).
#[derive(Debug, Clone, Default)]
pub struct OrganizationForm {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    pub phone: String,
    pub email: String,
    pub website: String,
}

impl OrganizationForm {
    /// Checks every field; returns all problems at once (field → Fluent message id).
    pub fn parse(&self) -> Result<OrganizationInput, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let mut err = |f: &str, m: &str| {
            errors.insert(f.to_string(), m.to_string());
        };
        let name = required_line(&self.name, 120)
            .and_then(|n| {
                if n.chars().count() < 2 {
                    Err("err-too-short")
                } else {
                    Ok(n)
                }
            })
            .map_err(|m| err("name", m))
            .unwrap_or_default();
        let kind = self.kind.trim().to_string();
        if !KINDS.contains(&kind.as_str()) {
            err("kind", "err-org-kind");
        }
        let description = optional_text(&self.description, 2000)
            .map_err(|m| err("description", m))
            .unwrap_or_default();
        let address = required_line(&self.address, 200)
            .map_err(|m| err("address", m))
            .unwrap_or_default();
        let latitude = parse_coord(&self.latitude, 90.0)
            .map_err(|m| err("latitude", m))
            .unwrap_or_default();
        let longitude = parse_coord(&self.longitude, 180.0)
            .map_err(|m| err("longitude", m))
            .unwrap_or_default();
        let phone = optional_phone(&self.phone)
            .map_err(|m| err("phone", m))
            .unwrap_or_default();
        let email = optional_email(&self.email)
            .map_err(|m| err("email", m))
            .unwrap_or_default();
        let website = optional_line(&self.website, 200)
            .and_then(|w| {
                if w.is_empty()
                    || (url::Url::parse(&w).is_ok()
                        && (w.starts_with("https://") || w.starts_with("http://")))
                {
                    Ok(w)
                } else {
                    Err("err-website")
                }
            })
            .map_err(|m| err("website", m))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(OrganizationInput {
            name,
            kind,
            description,
            address,
            latitude,
            longitude,
            phone,
            email,
            website,
        })
    }
}

fn parse_coord(s: &str, limit: f64) -> Result<f64, &'static str> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() {
        return Err("err-required");
    }
    let v: f64 = s.parse().map_err(|_| "err-coordinate")?;
    if !v.is_finite() || v.abs() > limit {
        return Err("err-coordinate");
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_follow_the_accreditation_lifecycle() {
        assert_eq!(
            Decision::Accredit.apply(Status::Pending),
            Ok(Status::Accredited)
        );
        assert_eq!(
            Decision::Suspend.apply(Status::Accredited),
            Ok(Status::Suspended)
        );
        assert_eq!(
            Decision::Reinstate.apply(Status::Suspended),
            Ok(Status::Accredited)
        );
        assert!(Decision::Reinstate.apply(Status::Pending).is_err());
        assert!(
            Decision::Suspend.apply(Status::Pending).is_err(),
            "pending ones are rejected, not suspended"
        );
        assert_eq!(
            Decision::Accredit.apply(Status::Rejected),
            Ok(Status::Accredited),
            "a rejected request can be reconsidered"
        );
        assert!(Decision::Accredit.apply(Status::Accredited).is_err());
    }

    #[test]
    fn an_organization_form_reports_every_bad_field() {
        let form = OrganizationForm {
            name: "A".into(),
            kind: "bank".into(),
            latitude: "91".into(),
            longitude: "9,19".into(),
            email: "nope".into(),
            ..Default::default()
        };
        let errors = form.parse().unwrap_err();
        for f in ["name", "kind", "address", "latitude", "email"] {
            assert!(errors.contains_key(f), "{f} should be reported");
        }
        assert!(!errors.contains_key("longitude"), "a decimal comma is fine");
    }
}
