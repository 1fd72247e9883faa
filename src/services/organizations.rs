//! Organizations and linkers: registration, visibility, invitations and accreditation.

use crate::auth::flows::user_lang;
use crate::auth::tokens::{hash_token, new_token};
use crate::auth::CurrentUser;
use crate::bus::Event;
use crate::db::accounts::{self, LinkerProfile, User};
use crate::db::orgs::{self, Decision as DecisionRow, NewOrganization, Organization};
use crate::db::{self, audit, OrganizationId, UserId};
use crate::domain::organizations::{Decision, OrganizationForm, Status};
use crate::domain::validation::{optional_text, Email};
use crate::error::AppError;
use crate::state::AppState;
use chrono::Duration;

/// An organization as its viewer may see it.
#[derive(Debug, Clone)]
pub struct OrgDetail {
    pub org: Organization,
    /// The viewer's role, if a member.
    pub my_role: Option<String>,
    /// Members (only for members and admins).
    pub members: Vec<(i64, String, String, String)>,
    /// Accreditation history (only for members and admins).
    pub decisions: Vec<(DecisionRow, String)>,
}

/// Registers an organization, pending until an admin accredits it. The creator is its owner.
pub async fn register(
    state: &AppState,
    user: &CurrentUser,
    form: OrganizationForm,
) -> Result<OrganizationId, AppError> {
    let input = form.parse().map_err(AppError::Validation)?;
    let uid = user.id();
    state
        .db
        .tx(move |conn| {
            let now = db::now();
            let id = orgs::insert_organization(
                conn,
                &NewOrganization {
                    name: &input.name,
                    kind: &input.kind,
                    description: &input.description,
                    address: &input.address,
                    latitude: input.latitude,
                    longitude: input.longitude,
                    phone: &input.phone,
                    email: &input.email,
                    website: &input.website,
                    status: Status::Pending.as_str(),
                    created_by: uid.0,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit::record(
                conn,
                Some(uid),
                "organization.register",
                "organization",
                Some(id.0),
                "",
            )?;
            Ok(id)
        })
        .await
}

/// One organization for a viewer: everyone sees accredited ones; members and admins see the
/// rest and the member list. Anything else is "not found".
pub async fn detail(
    state: &AppState,
    viewer: Option<&CurrentUser>,
    id: OrganizationId,
) -> Result<OrgDetail, AppError> {
    let viewer_id = viewer.map(|v| v.id());
    let is_admin = viewer.is_some_and(|v| v.user.is_admin);
    state
        .db
        .run(move |conn| {
            let org = orgs::find_organization(conn, id)?.ok_or(AppError::NotFound)?;
            let my_role = match viewer_id {
                Some(u) => orgs::member_role(conn, id, u)?,
                None => None,
            };
            let insider = is_admin || my_role.is_some();
            if !insider && org.status != Status::Accredited.as_str() {
                return Err(AppError::NotFound);
            }
            let (members, decisions) = if insider {
                (
                    orgs::members(conn, id)?,
                    orgs::decisions_for(conn, "organization", id.0)?,
                )
            } else {
                (Vec::new(), Vec::new())
            };
            Ok(OrgDetail {
                org,
                my_role,
                members,
                decisions,
            })
        })
        .await
}

/// Accredited organizations, for the public.
pub async fn list_public(state: &AppState) -> Result<Vec<Organization>, AppError> {
    state
        .db
        .run(|conn| {
            Ok(orgs::list_organizations(
                conn,
                Some(Status::Accredited.as_str()),
            )?)
        })
        .await
}

/// Invites someone by e-mail to join as staff (owners only).
pub async fn invite(
    state: &AppState,
    user: &CurrentUser,
    id: OrganizationId,
    email: &str,
) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let token = new_token();
    let token_hash = hash_token(&token);
    let days = state.settings.auth.invitation_days;
    let uid = user.id();
    let addr = email.as_str().to_string();
    let org = state
        .db
        .tx(move |conn| {
            let org = orgs::find_organization(conn, id)?.ok_or(AppError::NotFound)?;
            match orgs::member_role(conn, id, uid)?.as_deref() {
                Some("owner") => {}
                Some(_) => return Err(AppError::Forbidden("err-owner-only")),
                None if org.status == Status::Accredited.as_str() => {
                    return Err(AppError::Forbidden("err-owner-only"))
                }
                None => return Err(AppError::NotFound),
            }
            if matches!(
                Status::parse(&org.status),
                Some(Status::Suspended | Status::Rejected)
            ) {
                return Err(AppError::Conflict("err-org-not-active"));
            }
            orgs::insert_invitation(
                conn,
                id,
                &addr,
                &token_hash,
                uid,
                db::now() + Duration::days(days),
            )?;
            audit::record(
                conn,
                Some(uid),
                "organization.invite",
                "organization",
                Some(id.0),
                "",
            )?;
            Ok(org)
        })
        .await?;
    let lang = user_lang(&user.user);
    state.mailer.send_later(
        email.as_str().to_string(),
        lang.ta("mail-invite-subject", &[("org", org.name.clone())]),
        lang.ta(
            "mail-invite-body",
            &[
                ("inviter", user.user.display_name.clone()),
                ("org", org.name.clone()),
                (
                    "link",
                    state.link(&format!("/invitations/accept?token={token}")),
                ),
                ("days", days.to_string()),
            ],
        ),
    );
    Ok(())
}

/// Accepts an invitation: the signed-in user's e-mail must be the invited one.
pub async fn accept_invitation(
    state: &AppState,
    user: &CurrentUser,
    token: &str,
) -> Result<OrganizationId, AppError> {
    let h = hash_token(token.trim());
    let uid = user.id();
    let email = user.user.email.clone();
    state
        .db
        .tx(move |conn| {
            let now = db::now();
            let (inv_id, org_id, invited) = orgs::find_open_invitation(conn, &h, now)?
                .ok_or(AppError::BadRequest("err-link-invalid"))?;
            if invited != email {
                return Err(AppError::Forbidden("err-invite-other-email"));
            }
            let org = OrganizationId(org_id);
            if !orgs::accept_invitation(conn, inv_id, uid, now)? {
                return Err(AppError::BadRequest("err-link-invalid"));
            }
            if orgs::member_role(conn, org, uid)?.is_none() {
                orgs::insert_member(conn, org, uid, "staff")?;
            }
            audit::record(
                conn,
                Some(uid),
                "organization.join",
                "organization",
                Some(org_id),
                "",
            )?;
            Ok(org)
        })
        .await
}

/// Applies an admin's decision to an organization, records it, tells the owners.
pub async fn decide_organization(
    state: &AppState,
    admin: &CurrentUser,
    id: OrganizationId,
    decision: &str,
    reason: &str,
) -> Result<Organization, AppError> {
    let decision = Decision::parse(decision)
        .ok_or_else(|| AppError::field("decision", "err-decision-unknown"))?;
    let reason = optional_text(reason, 1000).map_err(|m| AppError::field("reason", m))?;
    if decision.needs_reason() && reason.is_empty() {
        return Err(AppError::field("reason", "err-reason-required"));
    }
    let admin_id = admin.id();
    let reason_kept = reason.clone();
    let (org, owners) = state
        .db
        .tx(move |conn| {
            let org = orgs::find_organization(conn, id)?.ok_or(AppError::NotFound)?;
            let from = Status::parse(&org.status).unwrap_or(Status::Pending);
            let to = decision
                .apply(from)
                .map_err(|m| AppError::field("decision", m))?;
            orgs::set_organization_status(conn, id, to.as_str())?;
            crate::db::activities::touch_organization(conn, id.0, db::now(), db::now())?;
            orgs::insert_decision(
                conn,
                "organization",
                id.0,
                decision.as_str(),
                &reason,
                admin_id,
            )?;
            audit::record(
                conn,
                Some(admin_id),
                &format!("organization.{}", decision.as_str()),
                "organization",
                Some(id.0),
                &reason,
            )?;
            let org = orgs::find_organization(conn, id)?.ok_or(AppError::NotFound)?;
            let mut owners = Vec::new();
            for (uid, _, _, role) in orgs::members(conn, id)? {
                if role == "owner" {
                    if let Some(u) = accounts::find_user(conn, UserId(uid))? {
                        owners.push(u);
                    }
                }
            }
            let told: Vec<i64> = owners.iter().map(|u| u.id).collect();
            crate::services::notifications::tell(
                conn,
                &told,
                "organization_decision",
                serde_json::json!({"organization_id": id.0, "status": org.status}),
            )?;
            Ok((org, owners))
        })
        .await?;
    state.index.reload_organization(&state.db, org.id).await?;
    state
        .bus
        .publish(Event::OrganizationStatusChanged {
            organization_id: org.id,
            status: org.status.clone(),
        })
        .await;
    for owner in owners {
        notify_status(state, &owner, &org.name, &org.status, &reason_kept);
    }
    Ok(org)
}

fn notify_status(state: &AppState, to: &User, subject_name: &str, status: &str, reason: &str) {
    let l = user_lang(to);
    state.mailer.send_later(
        to.email.clone(),
        l.ta("mail-status-subject", &[("name", subject_name.to_string())]),
        l.ta(
            "mail-status-body",
            &[
                ("person", to.display_name.clone()),
                ("name", subject_name.to_string()),
                ("status", l.t(&format!("status-{status}"))),
                (
                    "reason",
                    if reason.is_empty() {
                        "-".to_string()
                    } else {
                        reason.to_string()
                    },
                ),
                ("link", state.link("/account")),
            ],
        ),
    );
}

/// Asks to be accredited as a linker.
pub async fn request_linker(
    state: &AppState,
    user: &CurrentUser,
    motivation: &str,
) -> Result<(), AppError> {
    let motivation =
        optional_text(motivation, 2000).map_err(|m| AppError::field("motivation", m))?;
    let uid = user.id();
    state
        .db
        .tx(move |conn| {
            if accounts::find_linker(conn, uid)?.is_some() {
                return Err(AppError::Conflict("err-linker-already"));
            }
            accounts::insert_linker_request(conn, uid, &motivation)?;
            audit::record(conn, Some(uid), "linker.request", "user", Some(uid.0), "")?;
            Ok(())
        })
        .await
}

/// An accredited linker publishes through a personal group (an informal-group organization
/// tied to them): created at their first accreditation, suspended and reinstated with them.
pub fn sync_linker_group(
    conn: &mut crate::db::AnyConnection,
    user: &User,
    status: Status,
    reason: &str,
    admin: UserId,
    centre: (f64, f64),
) -> Result<(), AppError> {
    let group = orgs::linker_group(conn, user.uid())?;
    let (target, decision) = match status {
        Status::Accredited => (Status::Accredited, "reinstate"),
        _ => (Status::Suspended, "suspend"),
    };
    match group {
        None if status == Status::Accredited => {
            let now = db::now();
            let name = format!("Gruppo di {}", user.display_name);
            let description = format!(
                "Attività proposte da {}, linker sociale accreditato dal Comune.",
                user.display_name
            );
            let id = orgs::insert_organization(
                conn,
                &NewOrganization {
                    name: &name,
                    kind: "informal_group",
                    description: &description,
                    address: "—",
                    latitude: centre.0,
                    longitude: centre.1,
                    phone: "",
                    email: "",
                    website: "",
                    status: Status::Accredited.as_str(),
                    created_by: user.id,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            orgs::set_linker_group(conn, id, user.uid())?;
            orgs::insert_decision(conn, "organization", id.0, "accredit", "linker", admin)?;
        }
        Some(g) if g.status != target.as_str() && g.status != Status::Rejected.as_str() => {
            orgs::set_organization_status(conn, OrganizationId(g.id), target.as_str())?;
            orgs::insert_decision(conn, "organization", g.id, decision, reason, admin)?;
            crate::db::activities::touch_organization(conn, g.id, db::now(), db::now())?;
        }
        _ => {}
    }
    Ok(())
}

/// Applies an admin's decision to a linker, records it, tells them.
pub async fn decide_linker(
    state: &AppState,
    admin: &CurrentUser,
    linker: UserId,
    decision: &str,
    reason: &str,
) -> Result<LinkerProfile, AppError> {
    let decision = Decision::parse(decision)
        .ok_or_else(|| AppError::field("decision", "err-decision-unknown"))?;
    let reason = optional_text(reason, 1000).map_err(|m| AppError::field("reason", m))?;
    if decision.needs_reason() && reason.is_empty() {
        return Err(AppError::field("reason", "err-reason-required"));
    }
    let admin_id = admin.id();
    let reason_kept = reason.clone();
    let centre = state.areas.reference_point().unwrap_or((45.4642, 9.1900));
    let (profile, user) = state
        .db
        .tx(move |conn| {
            let profile = accounts::find_linker(conn, linker)?.ok_or(AppError::NotFound)?;
            let from = Status::parse(&profile.status).unwrap_or(Status::Pending);
            let to = decision
                .apply(from)
                .map_err(|m| AppError::field("decision", m))?;
            accounts::set_linker_status(conn, linker, to.as_str())?;
            orgs::insert_decision(
                conn,
                "linker",
                linker.0,
                decision.as_str(),
                &reason,
                admin_id,
            )?;
            audit::record(
                conn,
                Some(admin_id),
                &format!("linker.{}", decision.as_str()),
                "user",
                Some(linker.0),
                &reason,
            )?;
            let profile = accounts::find_linker(conn, linker)?.ok_or(AppError::NotFound)?;
            let user = accounts::find_user(conn, linker)?.ok_or(AppError::NotFound)?;
            sync_linker_group(conn, &user, to, &reason, admin_id, centre)?;
            crate::services::notifications::tell(
                conn,
                &[linker.0],
                "linker_decision",
                serde_json::json!({"status": profile.status}),
            )?;
            Ok((profile, user))
        })
        .await?;
    if let Some(g) = state
        .db
        .run(move |conn| Ok(orgs::linker_group(conn, linker)?))
        .await?
    {
        state.index.reload_organization(&state.db, g.id).await?;
    }
    state
        .bus
        .publish(Event::LinkerStatusChanged {
            user_id: linker.0,
            status: profile.status.clone(),
        })
        .await;
    let l = user_lang(&user);
    notify_status(
        state,
        &user,
        &l.t("linker-role-name"),
        &profile.status,
        &reason_kept,
    );
    Ok(profile)
}
