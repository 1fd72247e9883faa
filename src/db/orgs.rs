//! Organizations, their members and invitations, and accreditation decisions.

use super::schema::{
    accreditation_decisions, organization_invitations, organization_members, organizations, users,
};
use super::{AnyConnection, OrganizationId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An organization row.
#[derive(Debug, Clone, Queryable)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub status: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set for an accredited linker's personal group.
    pub linker_user_id: Option<i64>,
}

/// A new organization (always pending).
#[derive(Debug, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub description: &'a str,
    pub address: &'a str,
    pub latitude: f64,
    pub longitude: f64,
    pub phone: &'a str,
    pub email: &'a str,
    pub website: &'a str,
    pub status: &'a str,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts an organization with its creator as owner.
pub fn insert_organization(
    conn: &mut AnyConnection,
    new: &NewOrganization<'_>,
) -> QueryResult<OrganizationId> {
    let id: i64 = diesel::insert_into(organizations::table)
        .values(new)
        .returning(organizations::id)
        .get_result(conn)?;
    insert_member(conn, OrganizationId(id), UserId(new.created_by), "owner")?;
    Ok(OrganizationId(id))
}

/// The personal group of a linker, if it exists.
pub fn linker_group(conn: &mut AnyConnection, linker: UserId) -> QueryResult<Option<Organization>> {
    organizations::table
        .filter(organizations::linker_user_id.eq(Some(linker.0)))
        .first(conn)
        .optional()
}

/// Ties an organization to a linker as their personal group.
pub fn set_linker_group(
    conn: &mut AnyConnection,
    org: OrganizationId,
    linker: UserId,
) -> QueryResult<()> {
    diesel::update(organizations::table.find(org.0))
        .set(organizations::linker_user_id.eq(Some(linker.0)))
        .execute(conn)
        .map(|_| ())
}

/// Adds a member (no-op error on duplicates is the caller's to map).
pub fn insert_member(
    conn: &mut AnyConnection,
    org: OrganizationId,
    user: UserId,
    role: &str,
) -> QueryResult<()> {
    diesel::insert_into(organization_members::table)
        .values((
            organization_members::organization_id.eq(org.0),
            organization_members::user_id.eq(user.0),
            organization_members::role.eq(role),
            organization_members::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// One organization.
pub fn find_organization(
    conn: &mut AnyConnection,
    id: OrganizationId,
) -> QueryResult<Option<Organization>> {
    organizations::table.find(id.0).first(conn).optional()
}

/// Organizations, optionally with one status, by name.
pub fn list_organizations(
    conn: &mut AnyConnection,
    status: Option<&str>,
) -> QueryResult<Vec<Organization>> {
    let mut q = organizations::table
        .order((organizations::name.asc(), organizations::id.asc()))
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(organizations::status.eq(s.to_string()));
    }
    q.load(conn)
}

/// Sets an organization's status; returns the number of rows changed.
pub fn set_organization_status(
    conn: &mut AnyConnection,
    id: OrganizationId,
    status: &str,
) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id.0))
        .set((
            organizations::status.eq(status),
            organizations::updated_at.eq(super::now()),
        ))
        .execute(conn)
}

/// The role (`owner` / `staff`) of a user in an organization.
pub fn member_role(
    conn: &mut AnyConnection,
    org: OrganizationId,
    user: UserId,
) -> QueryResult<Option<String>> {
    organization_members::table
        .filter(organization_members::organization_id.eq(org.0))
        .filter(organization_members::user_id.eq(user.0))
        .select(organization_members::role)
        .first(conn)
        .optional()
}

/// The organizations a user belongs to, with their role.
pub fn memberships(
    conn: &mut AnyConnection,
    user: UserId,
) -> QueryResult<Vec<(Organization, String)>> {
    organization_members::table
        .inner_join(organizations::table)
        .filter(organization_members::user_id.eq(user.0))
        .select((organizations::all_columns, organization_members::role))
        .order(organizations::name.asc())
        .load(conn)
}

/// Members of an organization: (user id, display name, e-mail, role).
pub fn members(
    conn: &mut AnyConnection,
    org: OrganizationId,
) -> QueryResult<Vec<(i64, String, String, String)>> {
    organization_members::table
        .inner_join(users::table)
        .filter(organization_members::organization_id.eq(org.0))
        .select((
            users::id,
            users::display_name,
            users::email,
            organization_members::role,
        ))
        .order(organization_members::created_at.asc())
        .load(conn)
}

/// Stores an invitation (its token hash).
pub fn insert_invitation(
    conn: &mut AnyConnection,
    org: OrganizationId,
    email: &str,
    token_hash: &str,
    invited_by: UserId,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(organization_invitations::table)
        .values((
            organization_invitations::organization_id.eq(org.0),
            organization_invitations::email.eq(email),
            organization_invitations::token_hash.eq(token_hash),
            organization_invitations::invited_by.eq(invited_by.0),
            organization_invitations::created_at.eq(super::now()),
            organization_invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// An open invitation: (id, organization id, invited e-mail).
pub fn find_open_invitation(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(i64, i64, String)>> {
    organization_invitations::table
        .filter(organization_invitations::token_hash.eq(token_hash))
        .filter(organization_invitations::accepted_at.is_null())
        .filter(organization_invitations::expires_at.gt(now))
        .select((
            organization_invitations::id,
            organization_invitations::organization_id,
            organization_invitations::email,
        ))
        .first(conn)
        .optional()
}

/// Marks an invitation accepted; returns false if someone already used it.
pub fn accept_invitation(
    conn: &mut AnyConnection,
    id: i64,
    user: UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        organization_invitations::table
            .find(id)
            .filter(organization_invitations::accepted_at.is_null()),
    )
    .set((
        organization_invitations::accepted_at.eq(Some(now)),
        organization_invitations::accepted_by.eq(Some(user.0)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// One accreditation decision.
#[derive(Debug, Clone, Queryable)]
pub struct Decision {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub decision: String,
    pub reason: String,
    pub decided_by: i64,
    pub decided_at: NaiveDateTime,
}

/// Records who decided what about an organization or a linker.
pub fn insert_decision(
    conn: &mut AnyConnection,
    subject_kind: &str,
    subject_id: i64,
    decision: &str,
    reason: &str,
    decided_by: UserId,
) -> QueryResult<()> {
    diesel::insert_into(accreditation_decisions::table)
        .values((
            accreditation_decisions::subject_kind.eq(subject_kind),
            accreditation_decisions::subject_id.eq(subject_id),
            accreditation_decisions::decision.eq(decision),
            accreditation_decisions::reason.eq(reason),
            accreditation_decisions::decided_by.eq(decided_by.0),
            accreditation_decisions::decided_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The decisions about a subject, oldest first, with the deciding admin's name.
pub fn decisions_for(
    conn: &mut AnyConnection,
    subject_kind: &str,
    subject_id: i64,
) -> QueryResult<Vec<(Decision, String)>> {
    accreditation_decisions::table
        .inner_join(users::table)
        .filter(accreditation_decisions::subject_kind.eq(subject_kind))
        .filter(accreditation_decisions::subject_id.eq(subject_id))
        .select((accreditation_decisions::all_columns, users::display_name))
        .order(accreditation_decisions::id.asc())
        .load(conn)
}
