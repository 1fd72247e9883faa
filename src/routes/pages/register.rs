//! The organizer's register of a session, as pages that work on a phone without JavaScript:
//! who is coming (pseudonyms, companion seats, and only the needs and contact details people
//! agreed to share), a "Here" / "Not here" pair of large buttons per line, the waitlist in
//! order, the check-in code in very large type (with a page that prints only the code, for
//! the door), and closing the register after a confirmation step.
//!
//! Who may see a register, and every rule about marks and closing, is decided by
//! `services::participation`; this module reads forms and renders pages.

use super::format_time;
use super::residents::{city_tz, day_words};
use crate::auth::CurrentUser;
use crate::domain::participation::{reports_disagree, Attendance};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::routes::api::me::utc;
use crate::services::participation::{self as svc, Register, RegisterLine};
use crate::state::AppState;
use crate::web::{page, page_with_status, see_other, CsrfForm, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDateTime, Utc};
use serde::Deserialize;

/// How long before the start the organizer may mark people (the service's rule, mirrored
/// here only to say so on the page and hide buttons that would be refused).
const MARKS_OPEN_MINUTES: i64 = 120;

/// The register's address.
fn base_of(session_id: i64) -> String {
    format!("/sessions/{session_id}/register")
}

/// "Martedì 3 marzo, 10:00–11:30" in the city's time.
fn when_of(state: &AppState, lang: Lang, starts: NaiveDateTime, ends: NaiveDateTime) -> String {
    let tz = city_tz(state);
    let (s, e) = (utc(starts).with_timezone(&tz), utc(ends).with_timezone(&tz));
    let today = Utc::now().with_timezone(&tz).date_naive();
    let day = day_words(lang, s.date_naive(), today);
    if s.date_naive() == e.date_naive() {
        format!("{day}, {}–{}", s.format("%H:%M"), e.format("%H:%M"))
    } else {
        format!("{day}, {}", s.format("%H:%M"))
    }
}

/// A code read out digit by digit by a screen reader ("1 2 3 4", not "one thousand…").
fn spelled(code: &str) -> String {
    code.chars().map(String::from).collect::<Vec<_>>().join(" ")
}

/// A message id built from a stored value, or the value itself when there is no message.
fn word(lang: Lang, prefix: &str, value: &str) -> String {
    let key = format!("{prefix}{value}");
    let s = lang.t(&key);
    if s == key {
        value.to_string()
    } else {
        s
    }
}

/// "With a companion: their linker (2 seats)", or nothing.
fn companion_words(lang: Lang, companion: &str, seats: i32) -> Option<String> {
    (!companion.is_empty()).then(|| {
        lang.ta(
            "reg-companion",
            &[
                ("who", word(lang, "reg-companion-", companion)),
                ("seats", seats.to_string()),
            ],
        )
    })
}

/// One confirmed participant as the page shows them.
struct Person {
    booking_id: i64,
    name: String,
    companion: Option<String>,
    referred: bool,
    needs: Vec<String>,
    phone: Option<String>,
    /// `tel:` target: the number without spaces.
    phone_href: String,
    email: Option<String>,
    /// "attended" | "no_show" | ""
    mark: String,
    mark_words: String,
    /// How the mark was made ("with the code at the door").
    mark_how: Option<String>,
    /// What the person said afterwards.
    said: Option<String>,
    disagree: bool,
    /// This line was just marked (the page comes back anchored at it).
    just_marked: bool,
}

fn person(lang: Lang, l: &RegisterLine, marked: Option<i64>) -> Person {
    let mut needs: Vec<String> = Vec::new();
    if l.wheelchair {
        needs.push(lang.t("reg-needs-wheelchair"));
    }
    needs.extend(l.needs.iter().map(|n| word(lang, "access-", n)));
    let mark = l.attendance.clone();
    Person {
        booking_id: l.booking_id,
        name: l.name.clone(),
        companion: companion_words(lang, &l.companion, l.seats),
        referred: l.referred,
        needs,
        phone_href: l
            .phone
            .as_deref()
            .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
            .unwrap_or_default(),
        phone: l.phone.clone(),
        email: l.email.clone(),
        mark_words: lang.t(match mark.as_str() {
            "attended" => "reg-mark-attended",
            "no_show" => "reg-mark-no-show",
            _ => "reg-mark-none",
        }),
        mark_how: (!mark.is_empty() && !l.attendance_method.is_empty())
            .then(|| word(lang, "reg-method-", &l.attendance_method)),
        said: (!l.self_report.is_empty()).then(|| word(lang, "reg-said-", &l.self_report)),
        disagree: reports_disagree(&mark, &l.self_report),
        just_marked: marked == Some(l.booking_id),
        mark,
    }
}

/// One person on the waitlist.
struct Waiting {
    name: String,
    companion: Option<String>,
    referred: bool,
}

#[derive(Template)]
#[template(path = "register/show.html")]
struct RegisterTemplate {
    p: PageCtx,
    base: String,
    session_id: i64,
    when: String,
    /// (label, value) pairs of the seats summary.
    summary: Vec<(String, String)>,
    code: String,
    code_spelled: String,
    closed: bool,
    /// When marks open, if they are not open yet.
    marks_from: Option<String>,
    confirmed: Vec<Person>,
    waitlist: Vec<Waiting>,
    notice: Option<String>,
    error: Option<String>,
}

fn summary_of(lang: Lang, r: &Register) -> Vec<(String, String)> {
    let s = &r.seats;
    let taken = match s.capacity {
        Some(c) => lang.ta(
            "reg-seats-of",
            &[
                ("taken", s.confirmed.to_string()),
                ("capacity", c.to_string()),
            ],
        ),
        None => lang.ta("reg-seats-no-limit", &[("taken", s.confirmed.to_string())]),
    };
    let mut out = vec![
        (lang.t("reg-sum-people"), r.confirmed.len().to_string()),
        (lang.t("reg-sum-seats"), taken),
    ];
    if let Some(left) = s.seats_left {
        out.push((lang.t("reg-sum-left"), left.to_string()));
    }
    out.push((lang.t("reg-sum-waiting"), r.waitlist.len().to_string()));
    if s.held_for_referrals > 0 {
        out.push((lang.t("reg-sum-held"), s.held_for_referrals.to_string()));
    }
    let here = r
        .confirmed
        .iter()
        .filter(|l| l.attendance == "attended")
        .count();
    let away = r
        .confirmed
        .iter()
        .filter(|l| l.attendance == "no_show")
        .count();
    out.push((lang.t("reg-sum-here"), here.to_string()));
    out.push((lang.t("reg-sum-away"), away.to_string()));
    out
}

/// A page's notice from `?done=…`.
fn notice_of(lang: Lang, done: Option<&str>) -> Option<String> {
    match done? {
        "closed" => Some(lang.t("reg-done-closed")),
        _ => None,
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    done: Option<String>,
    /// The booking just marked.
    marked: Option<i64>,
}

async fn render_register(
    state: &AppState,
    p: PageCtx,
    user: &CurrentUser,
    session_id: i64,
    q: ShowQuery,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let r = svc::register(state, user, session_id).await?;
    let lang = p.lang;
    let now = crate::db::now();
    let opens = r.starts_at - Duration::minutes(MARKS_OPEN_MINUTES);
    let can_mark = now >= opens;
    let mut p = p;
    p.title = lang.ta("reg-title", &[("title", r.title.clone())]);
    page_with_status(
        &RegisterTemplate {
            base: base_of(session_id),
            session_id,
            when: when_of(state, lang, r.starts_at, r.ends_at),
            summary: summary_of(lang, &r),
            code_spelled: spelled(&r.checkin_code),
            code: r.checkin_code.clone(),
            closed: r.register_closed,
            marks_from: (!can_mark).then(|| format_time(&utc(opens), lang)),
            confirmed: r
                .confirmed
                .iter()
                .map(|l| person(lang, l, q.marked))
                .collect(),
            waitlist: r
                .waitlist
                .iter()
                .map(|l| Waiting {
                    name: l.name.clone(),
                    companion: companion_words(lang, &l.companion, l.seats),
                    referred: l.referred,
                })
                .collect(),
            notice: notice_of(lang, q.done.as_deref()),
            error,
            p,
        },
        status,
    )
}

async fn show_register(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    render_register(
        &state,
        p,
        &user,
        path.into_inner(),
        q.into_inner(),
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct MarkForm {
    #[serde(default)]
    attendance: String,
}

async fn mark(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<MarkForm>,
) -> Result<HttpResponse, AppError> {
    let (session_id, booking_id) = path.into_inner();
    let no_query = || ShowQuery {
        done: None,
        marked: None,
    };
    let Some(attendance) = Attendance::parse(form.0.attendance.trim()) else {
        let error = Some(p.t("reg-err-choose-mark"));
        return render_register(
            &state,
            p,
            &user,
            session_id,
            no_query(),
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match svc::mark(&state, &user, session_id, booking_id, attendance).await {
        Ok(()) => Ok(see_other(&format!(
            "{}?marked={booking_id}#p-{booking_id}",
            base_of(session_id)
        ))),
        // Too early, or not (any more) a confirmed participant: the list again, saying why.
        Err(AppError::Conflict(m)) => {
            let error = Some(p.t(m));
            render_register(
                &state,
                p,
                &user,
                session_id,
                no_query(),
                error,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "register/close.html")]
struct CloseTemplate {
    p: PageCtx,
    base: String,
    session_title: String,
    when: String,
    /// Names of the confirmed people nobody marked yet.
    unmarked: Vec<String>,
    closed: bool,
    /// The start, when the session has not started yet.
    not_started: Option<String>,
    error: Option<String>,
}

async fn render_close(
    state: &AppState,
    p: PageCtx,
    user: &CurrentUser,
    session_id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let r = svc::register(state, user, session_id).await?;
    let lang = p.lang;
    let now = crate::db::now();
    let mut p = p;
    p.title = lang.t("reg-close-title");
    page_with_status(
        &CloseTemplate {
            base: base_of(session_id),
            when: when_of(state, lang, r.starts_at, r.ends_at),
            unmarked: r
                .confirmed
                .iter()
                .filter(|l| l.attendance.is_empty())
                .map(|l| l.name.clone())
                .collect(),
            closed: r.register_closed,
            not_started: (r.starts_at > now).then(|| format_time(&utc(r.starts_at), lang)),
            session_title: r.title,
            error,
            p,
        },
        status,
    )
}

async fn confirm_close(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render_close(&state, p, &user, path.into_inner(), None, StatusCode::OK).await
}

async fn close_register(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    match svc::close_register(&state, &user, session_id).await {
        Ok(_) => Ok(see_other(&format!("{}?done=closed", base_of(session_id)))),
        Err(AppError::Conflict(m)) => {
            let error = Some(p.t(m));
            render_close(&state, p, &user, session_id, error, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "register/code.html")]
struct CodeTemplate {
    p: PageCtx,
    base: String,
    session_title: String,
    when: String,
    code: String,
    code_spelled: String,
}

async fn show_code(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let session_id = path.into_inner();
    let r = svc::register(&state, &user, session_id).await?;
    let lang = p.lang;
    page(&CodeTemplate {
        base: base_of(session_id),
        when: when_of(&state, lang, r.starts_at, r.ends_at),
        code_spelled: spelled(&r.checkin_code),
        code: r.checkin_code,
        session_title: r.title,
        p: p.titled("reg-door-title"),
    })
}

/// Registers the routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id:\\d+}/register", web::get().to(show_register))
        .route(
            "/sessions/{id:\\d+}/register/code",
            web::get().to(show_code),
        )
        .route(
            "/sessions/{id:\\d+}/register/close",
            web::get().to(confirm_close),
        )
        .route(
            "/sessions/{id:\\d+}/register/close",
            web::post().to(close_register),
        )
        .route(
            "/sessions/{id:\\d+}/register/{booking:\\d+}",
            web::post().to(mark),
        );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_read_out_digit_by_digit() {
        assert_eq!(spelled("0427"), "0 4 2 7");
        assert_eq!(spelled(""), "");
    }

    /// Message ids built from stored values exist in every language.
    #[test]
    fn every_message_built_from_a_stored_value_exists() {
        let mut keys: Vec<String> = Vec::new();
        for c in ["linker", "volunteer"] {
            keys.push(format!("reg-companion-{c}"));
        }
        for m in ["list", "code", "register_closed", "automatic"] {
            keys.push(format!("reg-method-{m}"));
        }
        for s in ["went", "did_not_go"] {
            keys.push(format!("reg-said-{s}"));
        }
        for lang in Lang::all() {
            for k in &keys {
                assert_ne!(lang.t(k), *k, "{k} is missing in {}", lang.code());
            }
            assert!(notice_of(lang, Some("closed")).is_some());
        }
    }
}
