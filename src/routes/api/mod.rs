//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document generated from the code.

pub mod activities;
pub mod admin;
pub mod auth;
pub mod me;
pub mod notifications;
pub mod organizations;
pub mod participation;
pub mod residents;

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// A sentence for the person using the client.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

/// The error body every 4xx/5xx answer carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: validation, unauthorized, forbidden, not_found, conflict, too_many_requests…
    pub code: String,
    /// A sentence in the request's language.
    pub message: String,
    /// Per-field problems, in the request's language.
    pub fields: std::collections::BTreeMap<String, String>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Legami API", description = "Low-barrier activities against loneliness: accounts, organizations, accreditation."),
    paths(
        auth::signup, auth::verify, auth::resend_verification, auth::signin, auth::signout,
        auth::request_reset, auth::confirm_reset,
        me::get_me, me::update_me, me::list_sessions, me::end_session, me::end_other_sessions,
        me::change_password, me::request_linker,
        organizations::create_organization, organizations::list_organizations,
        organizations::get_organization, organizations::invite_member, organizations::accept_invitation,
        admin::list_organizations_admin, admin::decide_organization, admin::list_linkers,
        admin::decide_linker, admin::suspend_user,
        activities::create_activity, activities::list_org_activities, activities::get_activity,
        activities::update_activity, activities::change_status, activities::confirm_sessions,
        activities::edit_session,
        activities::search_sessions, activities::get_session, activities::list_interests,
        activities::add_interest, activities::deprecate_interest, activities::list_areas,
        residents::create_resident, residents::list_residents, residents::list_awaiting,
        residents::take_resident, residents::get_resident, residents::update_resident,
        residents::add_linker, residents::leave_resident, residents::add_consent,
        residents::withdraw_consent, residents::add_questionnaire, residents::get_suggestions,
        residents::dismiss_suggestion, residents::send_session, residents::create_own,
        residents::get_own, residents::request_contact, residents::break_glass,
        residents::list_audit, residents::loneliness_statistics,
        participation::join_session, participation::get_seats, participation::get_booking,
        participation::cancel_booking, participation::view_by_link, participation::confirm_by_link,
        participation::cancel_by_link, participation::check_in, participation::report,
        participation::my_bookings, participation::resident_bookings, participation::get_register,
        participation::mark_attendance, participation::close_register,
        participation::create_referral, participation::list_referrals, participation::answer_referral,
        notifications::list_notifications, notifications::mark_read,
    ),
    components(schemas(ErrorBody, ErrorDetail, Message)),
    tags(
        (name = "auth", description = "Sign-up, sign-in, verification, password reset"),
        (name = "me", description = "The signed-in user"),
        (name = "organizations", description = "Organizations and their staff"),
        (name = "admin", description = "Accreditation, account suspension, taxonomy (admins)"),
        (name = "activities", description = "Publishing activities and editing sessions"),
        (name = "residents", description = "Residents' files (with consent), questionnaires and explained suggestions"),
        (name = "participation", description = "Joining sessions, the waitlist, referrals, the register and check-in"),
        (name = "discovery", description = "Finding sessions near you; interests and areas (no account needed)"),
    )
)]
pub struct ApiDoc;

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Registers the API routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(openapi_json))
        .configure(auth::configure)
        .configure(me::configure)
        .configure(organizations::configure)
        .configure(admin::configure)
        .configure(activities::configure)
        .configure(residents::configure)
        .configure(participation::configure)
        .configure(notifications::configure);
}
