//! Residents' pages: a linker's residents and the people waiting for a call, the assisted
//! registration (profile and consents), the resident's file (consents, UCLA-3 and ONS
//! questionnaires), the ranked suggestions (a sheet that prints for the resident), a person's
//! own profile, and the public "ask to be called" form.
//!
//! Who may see what is decided by `services::residents` (which also audit-logs every read of a
//! file); this module reads forms and renders pages. Plain forms throughout: checkbox groups
//! travel as repeated keys and nothing needs JavaScript.

use super::{format_time, translate, FormErrors};
use crate::auth::CurrentUser;
use crate::db::activities::Interest;
use crate::db::residents::ResidentLine;
use crate::db::ResidentId;
use crate::domain::activities::ACCESSIBILITY;
use crate::domain::geo::friendly_distance;
use crate::domain::questionnaires::{CONTEXTS, ONS_ANSWERS, UCLA3_ANSWERS, UCLA3_ITEMS};
use crate::domain::residents::{
    cell_centre, parse_cell, ConsentDraft, ResidentDraft, CHANNELS, DAY_PARTS, PURPOSES, WEEKDAYS,
};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::routes::api::me::utc;
use crate::routes::api::residents::{suggestion_views, view, ResidentView};
use crate::services::activities as activities_svc;
use crate::services::participation as psvc;
use crate::services::residents::{self as svc, ContactRequest, FullFile, Suggested, Why};
use crate::state::AppState;
use crate::web::{client_ip, page, page_with_status, see_other, CsrfForm, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::HashMap;

/// Languages offered as checkboxes (others can be typed as codes), as in the activity form.
const FORM_LANGUAGES: &[&str] = &["it", "en", "ar", "es", "fr", "zh", "ro", "uk"];
/// The travel distances offered, in metres.
const RADII: &[i64] = &[500, 1000, 2000, 3000, 5000];
/// The budget choices: free activities only, up to an amount, no limit.
const BUDGETS: &[&str] = &["free", "amount", "none"];
/// Who gave a consent: the resident, or a legal representative.
const GIVERS: &[&str] = &["resident", "representative"];
/// UCLA-3 answers are radio buttons with these names, in item order.
const UCLA_FIELDS: &[&str] = &["ucla_1", "ucla_2", "ucla_3"];
/// Where a linker's pages live.
const LINKER_BASE: &str = "/linker/residents";

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

use super::{interest_groups, Choice, Group};

#[derive(Debug, Default, Deserialize)]
struct DoneQuery {
    done: Option<String>,
    /// The proposal a notice is about (after an answer).
    referral: Option<i64>,
}

/// The city's time zone (Europe/Rome unless configured).
pub(super) fn city_tz(state: &AppState) -> Tz {
    state
        .settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome)
}

/// The first letter in upper case ("martedì" → "Martedì").
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The name of a language in the page's language, or its code when unknown.
fn language_name(lang: Lang, code: &str) -> String {
    let key = format!("language-{code}");
    let name = lang.t(&key);
    if name == key {
        code.to_string()
    } else {
        name
    }
}

/// A distance for people: "800 m", "1,5 km", and "2 km" rather than "2,0 km".
fn distance_words(metres: f64, lang: Lang) -> String {
    let d = friendly_distance(metres, lang.code());
    match d.strip_suffix(" km") {
        Some(n) if n.ends_with(",0") || n.ends_with(".0") => format!("{} km", &n[..n.len() - 2]),
        _ => d,
    }
}

/// A number typed by a person: a decimal comma is fine.
fn decimal(s: &str) -> Option<f64> {
    let s = s.trim().replace(',', ".");
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Euro typed in a form ("5", "5,50", "€ 5.5") in cents.
fn parse_euro(s: &str) -> Option<i64> {
    let s = s
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .trim();
    let v = decimal(s)?;
    (0.0..=1.0e7)
        .contains(&v)
        .then(|| (v * 100.0).round() as i64)
}

/// Euro from cents as typed in a form: "5,50" in Italian, "5.50" in English.
fn euro_plain(lang: Lang, cents: i32) -> String {
    let s = format!("{}.{:02}", cents / 100, cents % 100);
    if lang.code() == "it" {
        s.replace('.', ",")
    } else {
        s
    }
}

fn truthy(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "on" | "yes"
    )
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn yes_no(lang: Lang, b: bool) -> String {
    lang.t(if b { "rp-yes" } else { "rp-no" })
}

/// A day in words, with the year when it is not this one ("Martedì 3 marzo").
pub(super) fn day_words(lang: Lang, d: NaiveDate, today: NaiveDate) -> String {
    capitalize(&day_in_sentence(lang, d, today))
}

/// A day in words inside a sentence ("martedì 3 marzo").
fn day_in_sentence(lang: Lang, d: NaiveDate, today: NaiveDate) -> String {
    let s = lang.ta(
        "date-words",
        &[
            (
                "weekday",
                lang.t(&format!("weekday-{}", d.weekday().number_from_monday())),
            ),
            ("day", d.day().to_string()),
            ("month", lang.t(&format!("month-{}", d.month()))),
        ],
    );
    if d.year() != today.year() {
        format!("{s} {}", d.year())
    } else {
        s
    }
}

/// A stored timestamp for people.
fn when_stored(t: chrono::NaiveDateTime, lang: Lang) -> String {
    format_time(&utc(t), lang)
}

/// A page's notice from `?done=…`.
fn notice_of(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "created" => "rp-done-created",
        "taken" => "rp-done-taken",
        "saved" => "rp-done-saved",
        "questionnaire" => "rp-done-questionnaire",
        "consent" => "rp-done-consent",
        "withdrawn" => "rp-done-withdrawn",
        "care-withdrawn" => "rp-done-care-withdrawn",
        "sent" => "rp-done-sent",
        "dismissed" => "rp-done-dismissed",
        "glass" => "rp-done-glass",
        _ => return None,
    };
    Some(lang.t(key))
}

/// The name of the small area a stored home cell lies in.
fn area_of_cell(state: &AppState, cell: Option<&str>) -> Option<String> {
    let (lat, lon) = cell_centre(parse_cell(cell?)?);
    let code = state.areas.locate(lat, lon).small?;
    state.areas.name("small", &code).map(str::to_string)
}

/// A 403 unless the user is an accredited linker.
async fn require_linker(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    if svc::is_linker(state, user.id()).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden("err-linker-only"))
    }
}

// ---------------------------------------------------------------------------------------------
// The profile form (assisted registration, edits, a person's own profile)
// ---------------------------------------------------------------------------------------------

/// What the profile form holds, as typed (the consent fields only in some forms).
#[derive(Debug, Default, Deserialize)]
struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    locale: String,
    #[serde(default)]
    birth_year: String,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    languages_other: String,
    #[serde(default)]
    interests: Vec<String>,
    #[serde(default)]
    home_area: String,
    #[serde(default)]
    home_latitude: String,
    #[serde(default)]
    home_longitude: String,
    /// The stored cell of an edited profile (hidden), kept while `keep_cell` is ticked.
    #[serde(default)]
    home_cell: String,
    #[serde(default)]
    keep_cell: String,
    #[serde(default)]
    travel_radius_m: String,
    #[serde(default)]
    availability: Vec<String>,
    #[serde(default)]
    wheelchair: String,
    #[serde(default)]
    accessibility: Vec<String>,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    budget_amount: String,
    #[serde(default)]
    wants_company: String,
    #[serde(default)]
    prefers_small_groups: String,
    /// Consent purposes ticked.
    #[serde(default)]
    consents: Vec<String>,
    #[serde(default)]
    consent_channel: String,
    #[serde(default)]
    consent_given_by: String,
    #[serde(default)]
    representative_name: String,
}

/// A new profile's form: the page's language, Italian spoken, 1 km, no budget limit.
fn new_values(lang: Lang) -> ProfileForm {
    ProfileForm {
        locale: lang.code().to_string(),
        languages: vec!["it".into()],
        travel_radius_m: "1000".into(),
        budget: "none".into(),
        consent_given_by: "resident".into(),
        ..Default::default()
    }
}

/// The form filled with a stored profile.
fn values_of(lang: Lang, v: &ResidentView) -> ProfileForm {
    let (languages, other): (Vec<String>, Vec<String>) = v
        .languages
        .iter()
        .cloned()
        .partition(|l| FORM_LANGUAGES.contains(&l.as_str()));
    let (budget, budget_amount) = match v.budget_cents {
        None => ("none", String::new()),
        Some(0) => ("free", String::new()),
        Some(c) => ("amount", euro_plain(lang, c)),
    };
    let flag = |b: bool| if b { "1" } else { "" }.to_string();
    ProfileForm {
        display_name: v.display_name.clone(),
        phone: v.phone.clone(),
        email: v.email.clone(),
        locale: v.locale.clone(),
        birth_year: v.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        languages,
        languages_other: other.join(", "),
        interests: v.interests.iter().map(|i| i.to_string()).collect(),
        home_area: v
            .home
            .area
            .as_ref()
            .map(|a| a.code.clone())
            .unwrap_or_default(),
        home_latitude: String::new(),
        home_longitude: String::new(),
        keep_cell: flag(v.home.cell.is_some()),
        home_cell: v.home.cell.clone().unwrap_or_default(),
        travel_radius_m: v.travel_radius_m.to_string(),
        availability: v.availability.clone(),
        wheelchair: flag(v.wheelchair),
        accessibility: v.accessibility.clone(),
        budget: budget.to_string(),
        budget_amount,
        wants_company: flag(v.wants_company),
        prefers_small_groups: flag(v.prefers_small_groups),
        ..Default::default()
    }
}

/// The form as the service's draft; text that is not a number becomes a value the checks
/// refuse, so every problem is reported next to its field.
fn to_draft(f: &ProfileForm) -> ResidentDraft {
    let mut languages: Vec<String> = f.languages.clone();
    languages.extend(
        f.languages_other
            .split([',', ';', ' ', '/'])
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string()),
    );
    let point = |s: &str| match s.trim() {
        "" => None,
        t => Some(decimal(t).unwrap_or(f64::NAN)),
    };
    let (lat, lon) = (point(&f.home_latitude), point(&f.home_longitude));
    ResidentDraft {
        display_name: f.display_name.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        locale: non_empty(&f.locale),
        birth_year: non_empty(&f.birth_year).map(|y| y.parse().unwrap_or(0)),
        languages,
        interests: f
            .interests
            .iter()
            .filter(|i| !i.trim().is_empty())
            .map(|i| i.trim().parse().unwrap_or(-1))
            .collect(),
        home_latitude: lat,
        home_longitude: lon,
        home_cell: if truthy(&f.keep_cell) && lat.is_none() && lon.is_none() {
            non_empty(&f.home_cell)
        } else {
            None
        },
        home_area: non_empty(&f.home_area),
        travel_radius_m: f.travel_radius_m.trim().parse().unwrap_or(0),
        availability: f
            .availability
            .iter()
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect(),
        wheelchair: truthy(&f.wheelchair),
        accessibility: f.accessibility.clone(),
        budget_cents: match f.budget.trim() {
            "free" => Some(0),
            "amount" => Some(parse_euro(&f.budget_amount).unwrap_or(-1)),
            _ => None,
        },
        wants_company: truthy(&f.wants_company),
        prefers_small_groups: truthy(&f.prefers_small_groups),
    }
}

/// The consents a linker recorded in the registration form, and what is missing in them.
fn consent_drafts(f: &ProfileForm) -> (Vec<ConsentDraft>, FieldErrors) {
    let mut errors = FieldErrors::new();
    let purposes: Vec<&str> = PURPOSES
        .iter()
        .copied()
        .filter(|p| f.consents.iter().any(|c| c.trim() == *p))
        .collect();
    // The service says the same, but only once the profile is right: said here, it comes
    // with every other problem of the form at once.
    if !purposes.contains(&"care") {
        errors.insert("consents".into(), "err-consent-care-required".into());
    }
    let channel = f.consent_channel.trim().to_string();
    if !purposes.is_empty() && channel.is_empty() {
        errors.insert("consent_channel".into(), "rp-err-channel-missing".into());
    }
    let given_by = if f.consent_given_by.trim() == "representative" {
        let name = f.representative_name.trim();
        if name.is_empty() {
            errors.insert(
                "representative_name".into(),
                "rp-err-representative-missing".into(),
            );
        }
        name.to_string()
    } else {
        String::new()
    };
    let drafts = purposes
        .into_iter()
        .map(|p| ConsentDraft {
            purpose: p.to_string(),
            channel: channel.clone(),
            given_by: given_by.clone(),
        })
        .collect();
    (drafts, errors)
}

/// The service's field names → the form's (they are the same but for the consents).
fn profile_field(k: &str) -> String {
    match k {
        "home_cell" => "home_area".to_string(),
        k if k.starts_with("consents[") => {
            if k.ends_with(".channel") {
                "consent_channel".to_string()
            } else if k.ends_with(".given_by") {
                "representative_name".to_string()
            } else {
                "consents".to_string()
            }
        }
        k => k.to_string(),
    }
}

/// Field errors of the profile form, merged with the form's own, under its input names.
fn profile_errors(err: AppError, mut own: FieldErrors, lang: Lang) -> Result<FormErrors, AppError> {
    let AppError::Validation(fields) = err else {
        return Err(err);
    };
    for (k, v) in fields {
        own.entry(profile_field(&k)).or_insert(v);
    }
    Ok(translate(&own, lang))
}

/// One cell of the availability grid.
#[derive(Debug, Clone)]
struct GridCell {
    value: String,
    /// "Monday, morning" (for screen readers: the table's headers say it on screen).
    label: String,
    /// The column's header, shown before the box on narrow screens.
    part: String,
    checked: bool,
}

/// One day of the availability grid.
#[derive(Debug, Clone)]
struct GridRow {
    day: String,
    cells: Vec<GridCell>,
}

/// The choices of the profile form.
struct ProfileOptions {
    locales: Vec<Choice>,
    languages: Vec<Choice>,
    interests: Vec<Group>,
    areas: Vec<Choice>,
    radii: Vec<Choice>,
    parts: Vec<String>,
    grid: Vec<GridRow>,
    access: Vec<Choice>,
    budgets: Vec<Choice>,
    purposes: Vec<Choice>,
    channels: Vec<Choice>,
    givers: Vec<Choice>,
}

fn profile_options(
    state: &AppState,
    lang: Lang,
    f: &ProfileForm,
    interests: &[Interest],
    own: bool,
) -> ProfileOptions {
    let has = |list: &[String], v: &str| list.iter().any(|x| x.trim() == v);
    let locale = f.locale.trim();
    let mut radii: Vec<Choice> = RADII
        .iter()
        .map(|r| {
            Choice::new(
                r.to_string(),
                distance_words(*r as f64, lang),
                f.travel_radius_m.trim() == r.to_string(),
            )
        })
        .collect();
    if let Ok(r) = f.travel_radius_m.trim().parse::<i64>() {
        if !RADII.contains(&r) && r > 0 {
            radii.push(Choice::new(
                r.to_string(),
                distance_words(r as f64, lang),
                true,
            ));
        }
    }
    let mut areas = vec![Choice::new(
        "",
        lang.t("rp-area-none"),
        f.home_area.trim().is_empty(),
    )];
    areas.extend(
        state
            .areas
            .list("small")
            .into_iter()
            .map(|a| Choice::new(a.code.clone(), a.name.clone(), a.code == f.home_area.trim())),
    );
    let parts: Vec<String> = DAY_PARTS
        .iter()
        .map(|p| lang.t(&format!("time-of-day-{p}")))
        .collect();
    let grid = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let day = capitalize(&lang.t(&format!("weekday-{}", i + 1)));
            GridRow {
                cells: DAY_PARTS
                    .iter()
                    .zip(parts.iter())
                    .map(|(p, header)| {
                        let value = format!("{d}_{p}");
                        GridCell {
                            label: lang.ta(
                                "rp-slot",
                                &[
                                    ("day", day.clone()),
                                    ("part", lang.t(&format!("reason-part-{p}"))),
                                ],
                            ),
                            part: header.clone(),
                            checked: has(&f.availability, &value),
                            value,
                        }
                    })
                    .collect(),
                day,
            }
        })
        .collect();
    let consent_prefix = if own {
        "rp-consent-own-"
    } else {
        "rp-consent-assisted-"
    };
    let budget = if BUDGETS.contains(&f.budget.trim()) {
        f.budget.trim()
    } else {
        "none"
    };
    let giver = if f.consent_given_by.trim() == "representative" {
        "representative"
    } else {
        "resident"
    };
    ProfileOptions {
        locales: Lang::all()
            .map(|l| Choice::new(l.code(), language_name(lang, l.code()), l.code() == locale))
            .collect(),
        languages: FORM_LANGUAGES
            .iter()
            .map(|c| Choice::new(*c, language_name(lang, c), has(&f.languages, c)))
            .collect(),
        interests: interest_groups(lang, interests, &f.interests, "form-interest-general"),
        areas,
        radii,
        parts,
        grid,
        access: ACCESSIBILITY
            .iter()
            .map(|a| Choice::new(*a, lang.t(&format!("access-{a}")), has(&f.accessibility, a)))
            .collect(),
        budgets: BUDGETS
            .iter()
            .map(|b| Choice::new(*b, lang.t(&format!("rp-budget-{b}")), *b == budget))
            .collect(),
        purposes: PURPOSES
            .iter()
            .map(|p| {
                Choice::new(
                    *p,
                    lang.t(&format!("{consent_prefix}{p}")),
                    has(&f.consents, p),
                )
            })
            .collect(),
        channels: CHANNELS
            .iter()
            .map(|c| {
                Choice::new(
                    *c,
                    lang.t(&format!("rp-channel-{c}")),
                    f.consent_channel.trim() == *c,
                )
            })
            .collect(),
        givers: GIVERS
            .iter()
            .map(|g| Choice::new(*g, lang.t(&format!("rp-given-by-{g}")), *g == giver))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "residents/form.html")]
struct FormTemplate {
    p: PageCtx,
    f: ProfileForm,
    o: ProfileOptions,
    errors: FormErrors,
    /// Where the form posts.
    action: String,
    /// Where "back" goes.
    back: String,
    intro: String,
    button: String,
    /// The linker's consent block (assisted registration).
    assisted_consents: bool,
    /// The online consent checkboxes (a person's own new profile).
    own_consents: bool,
    /// `autocomplete` of the contact fields: "off" when a linker types someone else's.
    ac_tel: &'static str,
    ac_email: &'static str,
}

/// Which profile form.
enum FormTarget {
    NewAssisted,
    EditAssisted { id: i64, name: String },
    NewOwn,
    EditOwn,
}

async fn render_form(
    state: &AppState,
    p: PageCtx,
    f: ProfileForm,
    errors: FormErrors,
    target: FormTarget,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let interests = activities_svc::interests(state).await?;
    let lang = p.lang;
    let own = matches!(target, FormTarget::NewOwn | FormTarget::EditOwn);
    let o = profile_options(state, lang, &f, &interests, own);
    let (title, action, back, intro, button) = match &target {
        FormTarget::NewAssisted => (
            lang.t("rp-new-title"),
            format!("{LINKER_BASE}/new"),
            LINKER_BASE.to_string(),
            lang.t("rp-new-intro"),
            lang.t("rp-new-button"),
        ),
        FormTarget::EditAssisted { id, name } => (
            lang.ta("rp-edit-title", &[("name", name.clone())]),
            format!("{LINKER_BASE}/{id}/edit"),
            format!("{LINKER_BASE}/{id}"),
            lang.t("rp-edit-intro"),
            lang.t("rp-save-button"),
        ),
        FormTarget::NewOwn => (
            lang.t("rp-own-new-title"),
            "/me/profile".to_string(),
            "/account".to_string(),
            lang.t("rp-own-new-intro"),
            lang.t("rp-own-new-button"),
        ),
        FormTarget::EditOwn => (
            lang.t("rp-own-edit-title"),
            "/me/profile/edit".to_string(),
            "/me/profile".to_string(),
            lang.t("rp-edit-intro"),
            lang.t("rp-save-button"),
        ),
    };
    let mut p = p;
    p.title = title;
    page_with_status(
        &FormTemplate {
            p,
            f,
            o,
            errors,
            action,
            back,
            intro,
            button,
            assisted_consents: matches!(target, FormTarget::NewAssisted),
            own_consents: matches!(target, FormTarget::NewOwn),
            ac_tel: if own { "tel" } else { "off" },
            ac_email: if own { "email" } else { "off" },
        },
        status,
    )
}

/// The profile checks of the domain, for a form that already has errors of its own: every
/// problem is reported at once, and nothing is saved.
fn check_profile(state: &AppState, f: &ProfileForm, mut own: FieldErrors) -> FieldErrors {
    let areas = state.areas.clone();
    if let Err(fields) = to_draft(f).check(|c| areas.exists("small", c), Utc::now().year()) {
        for (k, v) in fields {
            own.entry(profile_field(&k)).or_insert(v);
        }
    }
    own
}

// ---------------------------------------------------------------------------------------------
// A linker's residents and the people waiting for a call
// ---------------------------------------------------------------------------------------------

/// One line of a list of residents.
struct Line {
    id: i64,
    name: String,
    area: String,
    status: String,
    status_label: String,
    updated: String,
}

/// A line of a list; `cell` is the home cell of a resident placed by a point, if known.
fn line(state: &AppState, lang: Lang, l: &ResidentLine, cell: Option<&str>) -> Line {
    Line {
        id: l.id,
        name: l.display_name.clone(),
        area: l
            .home_area
            .as_deref()
            .and_then(|a| state.areas.name("small", a))
            .map(str::to_string)
            .or_else(|| area_of_cell(state, cell))
            .unwrap_or_else(|| lang.t("rp-not-given")),
        status: l.status.clone(),
        status_label: lang.t(&format!("rp-status-{}", l.status)),
        updated: when_stored(l.updated_at, lang),
    }
}

#[derive(Template)]
#[template(path = "residents/list.html")]
struct ListTemplate {
    p: PageCtx,
    mine: Vec<Line>,
    awaiting: Vec<Line>,
    notice: Option<String>,
}

async fn list_residents(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    // The waiting list is for accredited linkers: everyone else gets the service's 403.
    let awaiting = svc::awaiting(&state, &user).await?;
    let lang = p.lang;
    let mut mine = Vec::new();
    for l in svc::mine(&state, &user).await? {
        // Placed by a point: the neighbourhood its coarse cell lies in (from the file cache).
        let cell = match l.home_area {
            Some(_) => None,
            None => svc::file(&state, ResidentId(l.id))
                .await?
                .resident
                .home_cell
                .clone(),
        };
        mine.push(line(&state, lang, &l, cell.as_deref()));
    }
    page(&ListTemplate {
        mine,
        awaiting: awaiting
            .iter()
            .map(|l| line(&state, lang, l, None))
            .collect(),
        notice: notice_of(lang, q.done.as_deref()),
        p: p.titled("rp-list-title"),
    })
}

async fn take_resident(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    svc::take(&state, &user, ResidentId(id)).await?;
    Ok(see_other(&format!("{LINKER_BASE}/{id}?done=taken")))
}

// ---------------------------------------------------------------------------------------------
// Assisted registration and profile edits
// ---------------------------------------------------------------------------------------------

async fn show_new(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    require_linker(&state, &user).await?;
    let f = new_values(p.lang);
    render_form(
        &state,
        p,
        f,
        FormErrors::new(),
        FormTarget::NewAssisted,
        StatusCode::OK,
    )
    .await
}

async fn create_resident(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    form: CsrfForm<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    require_linker(&state, &user).await?;
    let f = form.0;
    let (consents, own) = consent_drafts(&f);
    let errors = if own.is_empty() {
        match svc::create_assisted(&state, &user, to_draft(&f), consents).await {
            Ok(id) => return Ok(see_other(&format!("{LINKER_BASE}/{id}?done=created"))),
            Err(e) => profile_errors(e, own, p.lang)?,
        }
    } else {
        translate(&check_profile(&state, &f, own), p.lang)
    };
    render_form(
        &state,
        p,
        f,
        errors,
        FormTarget::NewAssisted,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A file its reader may change (not through break glass).
async fn writable(state: &AppState, user: &CurrentUser, id: i64) -> Result<FullFile, AppError> {
    let f = svc::read(state, user, ResidentId(id)).await?;
    if let Why::BreakGlass(_) = f.why {
        return Err(AppError::Forbidden("err-break-glass-read-only"));
    }
    Ok(f)
}

async fn show_edit(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let file = writable(&state, &user, id).await?;
    let v = view(&state, &file);
    let f = values_of(p.lang, &v);
    render_form(
        &state,
        p,
        f,
        FormErrors::new(),
        FormTarget::EditAssisted {
            id,
            name: v.display_name,
        },
        StatusCode::OK,
    )
    .await
}

async fn save_edit(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    match svc::update(&state, &user, ResidentId(id), to_draft(&f)).await {
        Ok(()) => Ok(see_other(&format!("{LINKER_BASE}/{id}?done=saved"))),
        Err(e) => {
            let errors = profile_errors(e, FieldErrors::new(), p.lang)?;
            let file = writable(&state, &user, id).await?;
            let name = file.entry.resident.display_name.clone();
            render_form(
                &state,
                p,
                f,
                errors,
                FormTarget::EditAssisted { id, name },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The resident's file
// ---------------------------------------------------------------------------------------------

/// A consent as the file shows it.
struct ConsentLine {
    purpose: String,
    purpose_label: String,
    channel: String,
    given_by: String,
    given_at: String,
    active: bool,
    /// "Withdrawn on … (verbally)".
    withdrawn: Option<String>,
}

/// A questionnaire as the history shows it.
struct HistoryLine {
    when: String,
    instrument: String,
    context: String,
    result: String,
    lonely: bool,
}

/// One question with its answers as radio buttons.
struct Question {
    name: String,
    text: String,
    choices: Vec<Choice>,
}

/// The profile in words, as (label, value) pairs.
fn profile_facts(
    state: &AppState,
    lang: Lang,
    v: &ResidentView,
    interests: &[Interest],
) -> Vec<(String, String)> {
    let none = || lang.t("rp-not-given");
    let or_none = |s: &str| {
        if s.trim().is_empty() {
            none()
        } else {
            s.to_string()
        }
    };
    let list = |items: Vec<String>, empty: &str| {
        if items.is_empty() {
            lang.t(empty)
        } else {
            items.join(", ")
        }
    };
    let home = match (&v.home.area, &v.home.cell) {
        (Some(a), Some(_)) => lang.ta("rp-home-area-and-cell", &[("area", a.name.clone())]),
        (Some(a), None) => a.name.clone(),
        (None, Some(c)) => match area_of_cell(state, Some(c)) {
            Some(area) => lang.ta("rp-home-cell-in", &[("area", area)]),
            None => lang.t("rp-home-cell"),
        },
        (None, None) => none(),
    };
    let slots: Vec<String> = v
        .availability
        .iter()
        .filter_map(|s| {
            let (d, p) = s.split_once('_')?;
            let day = WEEKDAYS.iter().position(|w| *w == d)? + 1;
            Some(lang.ta(
                "rp-slot",
                &[
                    ("day", capitalize(&lang.t(&format!("weekday-{day}")))),
                    ("part", lang.t(&format!("reason-part-{p}"))),
                ],
            ))
        })
        .collect();
    let budget = match v.budget_cents {
        None => lang.t("rp-budget-none"),
        Some(0) => lang.t("rp-budget-free"),
        Some(c) => lang.ta(
            "rp-budget-up-to",
            &[("amount", super::activities::euro(lang, c))],
        ),
    };
    vec![
        (lang.t("field-phone"), or_none(&v.phone)),
        (lang.t("field-email"), or_none(&v.email)),
        (lang.t("rp-field-locale"), language_name(lang, &v.locale)),
        (
            lang.t("rp-field-birth-year"),
            v.birth_year.map(|y| y.to_string()).unwrap_or_else(none),
        ),
        (
            lang.t("rp-field-languages"),
            list(
                v.languages.iter().map(|l| language_name(lang, l)).collect(),
                "rp-not-given",
            ),
        ),
        (
            lang.t("field-interests"),
            list(
                v.interests
                    .iter()
                    .filter_map(|id| interests.iter().find(|i| i.id == *id))
                    .map(|i| i.name(lang.code()).to_string())
                    .collect(),
                "rp-none-chosen",
            ),
        ),
        (lang.t("rp-fact-home"), home),
        (
            lang.t("rp-field-radius"),
            distance_words(f64::from(v.travel_radius_m), lang),
        ),
        (lang.t("rp-field-availability"), list(slots, "rp-any-time")),
        (lang.t("rp-field-wheelchair"), yes_no(lang, v.wheelchair)),
        (
            lang.t("rp-field-accessibility"),
            list(
                v.accessibility
                    .iter()
                    .map(|a| lang.t(&format!("access-{a}")))
                    .collect(),
                "rp-none-chosen",
            ),
        ),
        (lang.t("rp-field-budget"), budget),
        (lang.t("rp-field-company"), yes_no(lang, v.wants_company)),
        (
            lang.t("rp-field-small-groups"),
            yes_no(lang, v.prefers_small_groups),
        ),
        (
            lang.t("rp-fact-origin"),
            lang.t(&format!("rp-origin-{}", v.origin)),
        ),
        (
            lang.t("rp-fact-status"),
            lang.t(&format!("rp-status-{}", v.status)),
        ),
    ]
}

fn consent_lines(lang: Lang, file: &FullFile) -> Vec<ConsentLine> {
    file.consents
        .iter()
        .map(|c| ConsentLine {
            purpose: c.purpose.clone(),
            purpose_label: lang.t(&format!("rp-purpose-{}", c.purpose)),
            channel: lang.t(&format!("rp-channel-{}", c.channel)),
            given_by: if c.given_by == "resident" {
                lang.t("rp-given-by-resident")
            } else {
                c.given_by.clone()
            },
            given_at: when_stored(c.given_at, lang),
            active: c.withdrawn_at.is_none(),
            withdrawn: c.withdrawn_at.map(|t| {
                lang.ta(
                    "rp-consent-withdrawn-on",
                    &[
                        ("when", when_stored(t, lang)),
                        (
                            "channel",
                            lang.t(&format!(
                                "rp-channel-{}",
                                c.withdrawal_channel.as_deref().unwrap_or("online")
                            )),
                        ),
                    ],
                )
            }),
        })
        .collect()
}

fn history_lines(state: &AppState, lang: Lang, file: &FullFile) -> Vec<HistoryLine> {
    let threshold = state.settings.residents.ucla_lonely_threshold;
    let mut lines: Vec<HistoryLine> = file
        .responses
        .iter()
        .map(|r| {
            let result = if r.instrument == "ons" {
                let answer = usize::try_from(r.score - 1)
                    .ok()
                    .and_then(|i| ONS_ANSWERS.get(i))
                    .map(|a| lang.t(&format!("rp-ons-answer-{a}")))
                    .unwrap_or_else(|| r.score.to_string());
                lang.ta("rp-ons-result", &[("answer", answer)])
            } else {
                lang.ta(
                    "rp-ucla-result",
                    &[
                        ("score", r.score.to_string()),
                        ("threshold", threshold.to_string()),
                    ],
                )
            };
            HistoryLine {
                when: when_stored(r.recorded_at, lang),
                instrument: lang.t(&format!("rp-instrument-{}", r.instrument)),
                context: lang.t(&format!("rp-context-{}", r.context)),
                result,
                lonely: r.lonely,
            }
        })
        .collect();
    // Newest first.
    lines.reverse();
    lines
}

/// What was typed in the questionnaire forms, to show again with their errors.
#[derive(Debug, Default, Deserialize)]
struct QuestionnaireForm {
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    ucla_1: String,
    #[serde(default)]
    ucla_2: String,
    #[serde(default)]
    ucla_3: String,
    #[serde(default)]
    ons: String,
    #[serde(default)]
    ucla_context: String,
    #[serde(default)]
    ons_context: String,
}

impl QuestionnaireForm {
    fn value(&self, name: &str) -> &str {
        match name {
            "ucla_1" => &self.ucla_1,
            "ucla_2" => &self.ucla_2,
            "ucla_3" => &self.ucla_3,
            "ons" => &self.ons,
            "ucla_context" => &self.ucla_context,
            "ons_context" => &self.ons_context,
            _ => "",
        }
    }
}

/// The errors and values of the forms of the file page (and of a person's own page, for the
/// answers to proposals).
#[derive(Default)]
struct FileForms {
    questionnaire: QuestionnaireForm,
    ucla_errors: FormErrors,
    ons_errors: FormErrors,
    consent_errors: FormErrors,
    /// Errors of an answer to a proposal, next to its fields.
    answer_errors: FormErrors,
    /// Why an answer could not be recorded (already answered, expired, session past…).
    answer_error: Option<String>,
    /// The answer form to show again: (proposal, what was typed).
    answer: Option<(i64, AnswerForm)>,
}

#[derive(Template)]
#[template(path = "residents/file.html")]
struct FileTemplate {
    p: PageCtx,
    base: String,
    facts: Vec<(String, String)>,
    linkers: Vec<(String, String)>,
    consents: Vec<ConsentLine>,
    history: Vec<HistoryLine>,
    /// Forms are shown (not to an admin reading through break glass).
    can_write: bool,
    break_glass: Option<String>,
    notice: Option<String>,
    ucla: Vec<Question>,
    ucla_contexts: Vec<Choice>,
    ons: Question,
    ons_contexts: Vec<Choice>,
    lonely_hint: String,
    /// Purposes without an active consent, for the "record a consent" form.
    missing_purposes: Vec<Choice>,
    channels: Vec<Choice>,
    ucla_errors: FormErrors,
    ons_errors: FormErrors,
    consent_errors: FormErrors,
    resident_name: String,
    proposals: Vec<Proposal>,
    upcoming: Vec<BookingLine>,
    past: Vec<BookingLine>,
    answer_errors: FormErrors,
    answer_error: Option<String>,
}

fn contexts(lang: Lang, chosen: &str) -> Vec<Choice> {
    CONTEXTS
        .iter()
        .map(|c| Choice::new(*c, lang.t(&format!("rp-context-{c}")), *c == chosen))
        .collect()
}

fn file_template(
    state: &AppState,
    p: PageCtx,
    file: &FullFile,
    interests: &[Interest],
    forms: FileForms,
    notice: Option<String>,
    part: Participation,
) -> FileTemplate {
    let lang = p.lang;
    let v = view(state, file);
    let q = &forms.questionnaire;
    let answered = |name: &str, value: usize| q.value(name).trim() == value.to_string();
    let ucla = UCLA3_ITEMS
        .iter()
        .zip(UCLA_FIELDS)
        .map(|(item, name)| Question {
            name: name.to_string(),
            text: lang.t(&format!("rp-ucla-{item}")),
            choices: UCLA3_ANSWERS
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    Choice::new(
                        (i + 1).to_string(),
                        lang.t(&format!("rp-ucla-answer-{a}")),
                        answered(name, i + 1),
                    )
                })
                .collect(),
        })
        .collect();
    let ons = Question {
        name: "ons".into(),
        text: lang.t("rp-ons-question"),
        choices: ONS_ANSWERS
            .iter()
            .enumerate()
            .map(|(i, a)| {
                Choice::new(
                    (i + 1).to_string(),
                    lang.t(&format!("rp-ons-answer-{a}")),
                    answered("ons", i + 1),
                )
            })
            .collect(),
    };
    // The first questionnaire is the intake; later ones are follow-ups.
    let default_context = if file.responses.is_empty() {
        "intake"
    } else {
        "follow_up"
    };
    let context_of = |typed: &str| {
        if typed.trim().is_empty() {
            default_context.to_string()
        } else {
            typed.trim().to_string()
        }
    };
    let active: Vec<&str> = file
        .consents
        .iter()
        .filter(|c| c.withdrawn_at.is_none())
        .map(|c| c.purpose.as_str())
        .collect();
    let break_glass = match &file.why {
        Why::BreakGlass(reason) => {
            Some(lang.ta("rp-break-glass-open", &[("reason", reason.clone())]))
        }
        _ => None,
    };
    let mut p = p;
    p.title = v.display_name.clone();
    FileTemplate {
        base: format!("{LINKER_BASE}/{}", v.id),
        facts: profile_facts(state, lang, &v, interests),
        linkers: v
            .linkers
            .iter()
            .map(|l| (l.display_name.clone(), format_time(&l.since, lang)))
            .collect(),
        consents: consent_lines(lang, file),
        history: history_lines(state, lang, file),
        can_write: break_glass.is_none(),
        break_glass,
        notice,
        ucla,
        ucla_contexts: contexts(lang, &context_of(&q.ucla_context)),
        ons,
        ons_contexts: contexts(lang, &context_of(&q.ons_context)),
        lonely_hint: lang.ta(
            "rp-ucla-hint",
            &[(
                "threshold",
                state.settings.residents.ucla_lonely_threshold.to_string(),
            )],
        ),
        missing_purposes: PURPOSES
            .iter()
            .filter(|p| !active.contains(p))
            .map(|p| Choice::new(*p, lang.t(&format!("rp-purpose-{p}")), false))
            .collect(),
        channels: CHANNELS
            .iter()
            .map(|c| Choice::new(*c, lang.t(&format!("rp-channel-{c}")), false))
            .collect(),
        ucla_errors: forms.ucla_errors,
        ons_errors: forms.ons_errors,
        consent_errors: forms.consent_errors,
        resident_name: v.display_name.clone(),
        proposals: part.proposals,
        upcoming: part.upcoming,
        past: part.past,
        answer_errors: forms.answer_errors,
        answer_error: forms.answer_error,
        p,
    }
}

/// For a linked linker after the resident withdrew consent to follow-up: record a new one.
#[derive(Template)]
#[template(path = "residents/care_withdrawn.html")]
struct CareWithdrawnTemplate {
    p: PageCtx,
    id: i64,
    channels: Vec<Choice>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "residents/break_glass.html")]
struct BreakGlassTemplate {
    p: PageCtx,
    id: i64,
    reason: String,
    errors: FormErrors,
}

/// The file page, or for an admin without access the form that opens it with a reason.
async fn render_file(
    state: &AppState,
    p: PageCtx,
    user: &CurrentUser,
    id: i64,
    forms: FileForms,
    done: &DoneQuery,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let file = match svc::read(state, user, ResidentId(id)).await {
        Ok(f) => f,
        Err(AppError::Forbidden("err-break-glass-needed")) if user.user.is_admin => {
            return page_with_status(
                &BreakGlassTemplate {
                    p: p.titled("rp-break-glass-title"),
                    id,
                    reason: String::new(),
                    errors: FormErrors::new(),
                },
                StatusCode::FORBIDDEN,
            );
        }
        Err(AppError::Forbidden("err-consent-care-withdrawn")) => {
            let lang = p.lang;
            return page_with_status(
                &CareWithdrawnTemplate {
                    p: p.titled("rp-care-withdrawn-title"),
                    id,
                    channels: CHANNELS
                        .iter()
                        .map(|c| Choice::new(*c, lang.t(&format!("rp-channel-{c}")), false))
                        .collect(),
                    errors: forms.consent_errors,
                },
                StatusCode::FORBIDDEN,
            );
        }
        Err(e) => return Err(e),
    };
    let interests = activities_svc::interests(state).await?;
    let lang = p.lang;
    let part = participation(state, lang, user, &file, forms.answer.as_ref()).await?;
    let notice = notice_of(lang, done.done.as_deref())
        .or_else(|| part.answered_notice(lang, done.done.as_deref(), done.referral));
    page_with_status(
        &file_template(state, p, &file, &interests, forms, notice, part),
        status,
    )
}

async fn show_file(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    render_file(
        &state,
        p,
        &user,
        path.into_inner(),
        FileForms::default(),
        &q,
        StatusCode::OK,
    )
    .await
}

async fn record_questionnaire(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<QuestionnaireForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    let ons = f.instrument.trim() == "ons";
    let (names, context_field): (&[&str], &str) = if ons {
        (&["ons"], "ons_context")
    } else {
        (UCLA_FIELDS, "ucla_context")
    };
    let mut errors = FieldErrors::new();
    let mut answers = Vec::new();
    for name in names {
        match f.value(name).trim().parse::<i32>() {
            Ok(a) => answers.push(a),
            Err(_) => {
                errors.insert(name.to_string(), "rp-err-answer-missing".into());
            }
        }
    }
    if errors.is_empty() {
        let instrument = if ons { "ons" } else { "ucla3" };
        let context = f.value(context_field).to_string();
        match svc::record_questionnaire(
            &state,
            &user,
            ResidentId(id),
            instrument,
            &answers,
            &context,
        )
        .await
        {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "{LINKER_BASE}/{id}?done=questionnaire#questionnaires"
                )))
            }
            Err(AppError::Validation(fields)) => {
                for (k, v) in fields {
                    let k = match k.as_str() {
                        "context" => context_field.to_string(),
                        _ => names[0].to_string(),
                    };
                    errors.entry(k).or_insert(v);
                }
            }
            Err(e) => return Err(e),
        }
    }
    let errors = translate(&errors, p.lang);
    let mut forms = FileForms::default();
    if ons {
        forms.ons_errors = errors;
    } else {
        forms.ucla_errors = errors;
    }
    forms.questionnaire = f;
    render_file(
        &state,
        p,
        &user,
        id,
        forms,
        &DoneQuery::default(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct ConsentForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    given_by: String,
}

async fn add_consent(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<ConsentForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    let mut errors = FieldErrors::new();
    if f.purpose.trim().is_empty() {
        errors.insert("purpose".into(), "rp-err-purpose-missing".into());
    }
    if f.channel.trim().is_empty() {
        errors.insert("channel".into(), "rp-err-channel-missing".into());
    }
    if errors.is_empty() {
        let draft = ConsentDraft {
            purpose: f.purpose.trim().to_string(),
            channel: f.channel.trim().to_string(),
            given_by: f.given_by.trim().to_string(),
        };
        match svc::add_consent(&state, &user, ResidentId(id), draft).await {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "{LINKER_BASE}/{id}?done=consent#consents"
                )))
            }
            Err(AppError::Validation(fields)) => errors.extend(fields),
            Err(e) => return Err(e),
        }
    }
    let forms = FileForms {
        consent_errors: translate(&errors, p.lang),
        ..Default::default()
    };
    render_file(
        &state,
        p,
        &user,
        id,
        forms,
        &DoneQuery::default(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn withdraw_consent(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<ConsentForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    match svc::withdraw_consent(&state, &user, ResidentId(id), f.purpose.trim(), &f.channel).await {
        // Without care follow-up the file closes to linkers: back to the list.
        Ok(()) if f.purpose.trim() == "care" => {
            Ok(see_other(&format!("{LINKER_BASE}?done=care-withdrawn")))
        }
        Ok(()) => Ok(see_other(&format!(
            "{LINKER_BASE}/{id}?done=withdrawn#consents"
        ))),
        Err(AppError::Validation(fields)) => {
            let forms = FileForms {
                consent_errors: translate(&fields, p.lang),
                ..Default::default()
            };
            render_file(
                &state,
                p,
                &user,
                id,
                forms,
                &DoneQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
struct BreakGlassForm {
    #[serde(default)]
    reason: String,
}

async fn open_break_glass(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<BreakGlassForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    match svc::break_glass(&state, &user, ResidentId(id), &f.reason).await {
        Ok(_) => Ok(see_other(&format!("{LINKER_BASE}/{id}?done=glass"))),
        Err(AppError::Validation(fields)) => page_with_status(
            &BreakGlassTemplate {
                errors: translate(&fields, p.lang),
                p: p.titled("rp-break-glass-title"),
                id,
                reason: f.reason,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Suggestions: a ranked list that prints as the resident's weekly sheet
// ---------------------------------------------------------------------------------------------

/// One suggested session.
struct Card {
    session_id: i64,
    activity_id: i64,
    title: String,
    /// The session's page, absolute so that the printed sheet says where to look.
    url: String,
    when: String,
    venue: String,
    address: String,
    area: Option<String>,
    organization: String,
    seats: Option<String>,
    reasons: Vec<String>,
    /// Ids of the "propose" form's fields (one form per card).
    note_id: String,
    goes_along_id: String,
    /// What was typed in the "propose" form, to show again with its errors.
    note: String,
    goes_along: bool,
}

fn cards(state: &AppState, lang: Lang, items: &[Suggested]) -> Result<Vec<Card>, AppError> {
    let views = suggestion_views(state, lang, items)?;
    let tz = city_tz(state);
    let today = Utc::now().with_timezone(&tz).date_naive();
    Ok(views
        .into_iter()
        .zip(items)
        .map(|(v, s)| {
            let start = v.starts_at.with_timezone(&tz);
            let end = s
                .activity
                .sessions
                .get(s.session_index)
                .and_then(|x| DateTime::from_timestamp(x.ends_at(), 0))
                .map(|e| e.with_timezone(&tz));
            let day = day_words(lang, start.date_naive(), today);
            let when = match end {
                Some(e) if e.date_naive() == start.date_naive() => {
                    format!("{day}, {}–{}", start.format("%H:%M"), e.format("%H:%M"))
                }
                _ => format!("{day}, {}", start.format("%H:%M")),
            };
            Card {
                session_id: v.session_id,
                activity_id: v.activity_id,
                url: state.link(&v.url),
                title: v.title.to_string(),
                when,
                venue: v.venue_name.to_string(),
                address: v.address.to_string(),
                area: v.area.map(|a| a.name),
                organization: v.organization.to_string(),
                seats: v
                    .seats_left
                    .map(|n| lang.ta("rp-seats", &[("count", n.to_string())])),
                reasons: v
                    .reasons
                    .into_iter()
                    .map(|r| capitalize(&r.text))
                    .filter(|r| !r.is_empty())
                    .collect(),
                note_id: format!("note-{}", v.session_id),
                goes_along_id: format!("goes-along-{}", v.session_id),
                note: String::new(),
                goes_along: false,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "residents/suggestions.html")]
struct SuggestionsTemplate {
    p: PageCtx,
    base: String,
    lead: String,
    cards: Vec<Card>,
    /// The linker's forms (set aside, send by e-mail).
    tools: bool,
    /// The "propose" form of each card (the resident's linkers).
    propose: bool,
    propose_errors: FormErrors,
    notice: Option<String>,
    /// (heading, message) of a form that failed.
    error: Option<(String, String)>,
}

/// The errors and values of the forms of the suggestions page.
#[derive(Default)]
struct SuggestionForms {
    /// (heading, message) of a form that failed as a whole.
    error: Option<(String, String)>,
    /// Errors of a "propose" form, next to its fields.
    propose_errors: FormErrors,
    /// The "propose" form to show again: (session, what was typed).
    typed: Option<(i64, ProposeForm)>,
}

async fn render_suggestions(
    state: &AppState,
    p: PageCtx,
    user: &CurrentUser,
    id: i64,
    notice: Option<String>,
    forms: SuggestionForms,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let limit = state.settings.residents.suggestions_default;
    let (f, items) = svc::suggestions(state, user, ResidentId(id), limit).await?;
    let lang = p.lang;
    let tz = city_tz(state);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let name = f.resident.display_name.clone();
    let mut cards = cards(state, lang, &items)?;
    if let Some((session, typed)) = &forms.typed {
        for c in cards.iter_mut().filter(|c| c.session_id == *session) {
            c.note = typed.note.clone();
            c.goes_along = truthy(&typed.goes_along);
        }
    }
    let mut p = p;
    p.title = lang.ta("rp-suggestions-title", &[("name", name.clone())]);
    page_with_status(
        &SuggestionsTemplate {
            base: format!("{LINKER_BASE}/{id}"),
            lead: lang.ta(
                "rp-suggestions-lead",
                &[
                    ("name", name),
                    (
                        "radius",
                        distance_words(f64::from(f.resident.travel_radius_m), lang),
                    ),
                    ("date", day_in_sentence(lang, today, today)),
                ],
            ),
            cards,
            tools: f.linkers.contains(&user.user.id) || f.resident.user_id == Some(user.user.id),
            propose: f.linkers.contains(&user.user.id),
            propose_errors: forms.propose_errors,
            notice,
            error: forms.error,
            p,
        },
        status,
    )
}

async fn show_suggestions(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = notice_of(p.lang, q.done.as_deref());
    render_suggestions(
        &state,
        p,
        &user,
        path.into_inner(),
        notice,
        SuggestionForms::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct DismissForm {
    #[serde(default)]
    activity_id: String,
    #[serde(default)]
    reason: String,
}

async fn dismiss_suggestion(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<DismissForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    let activity = f
        .activity_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    svc::dismiss(&state, &user, ResidentId(id), activity, &f.reason).await?;
    Ok(see_other(&format!(
        "{LINKER_BASE}/{id}/suggestions?done=dismissed"
    )))
}

#[derive(Debug, Default, Deserialize)]
struct SendForm {
    #[serde(default)]
    session_id: String,
}

async fn send_suggestion(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<SendForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let session = form
        .0
        .session_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    match svc::send_session(&state, &user, ResidentId(id), session, p.lang).await {
        Ok(()) => Ok(see_other(&format!(
            "{LINKER_BASE}/{id}/suggestions?done=sent"
        ))),
        // No consent to reminders, or no e-mail: the page again, saying what is missing.
        Err(AppError::Conflict(m)) => {
            let forms = SuggestionForms {
                error: Some((p.t("rp-send-failed"), p.t(m))),
                ..Default::default()
            };
            render_suggestions(&state, p, &user, id, None, forms, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Proposals (a linker's referrals) and bookings, on the file and on a person's own page
// ---------------------------------------------------------------------------------------------

/// How a linker records the way a resident answered a proposal.
const ANSWER_CHANNELS: &[&str] = &["phone", "in_person", "signed_paper"];
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

/// What the pages say of a session: past ones too, which the discovery index no longer holds.
struct SessionFacts {
    title: String,
    starts_at: chrono::NaiveDateTime,
    ends_at: chrono::NaiveDateTime,
}

/// The sessions and activities named by bookings and proposals: (session → facts,
/// activity → title).
async fn facts_of(
    state: &AppState,
    sessions: Vec<i64>,
    activities: Vec<i64>,
) -> Result<(HashMap<i64, SessionFacts>, HashMap<i64, String>), AppError> {
    use crate::db::schema::{activities as a, activity_sessions as s};
    use diesel::prelude::*;
    if sessions.is_empty() && activities.is_empty() {
        return Ok((HashMap::new(), HashMap::new()));
    }
    let (rows, titles) = state
        .db
        .run(move |conn| {
            let rows: Vec<(i64, String, chrono::NaiveDateTime, chrono::NaiveDateTime)> = s::table
                .inner_join(a::table)
                .filter(s::id.eq_any(&sessions))
                .select((s::id, a::title, s::starts_at, s::ends_at))
                .load(conn)?;
            let titles: Vec<(i64, String)> = a::table
                .filter(a::id.eq_any(&activities))
                .select((a::id, a::title))
                .load(conn)?;
            Ok((rows, titles))
        })
        .await?;
    Ok((
        rows.into_iter()
            .map(|(id, title, starts_at, ends_at)| {
                (
                    id,
                    SessionFacts {
                        title,
                        starts_at,
                        ends_at,
                    },
                )
            })
            .collect(),
        titles.into_iter().collect(),
    ))
}

/// "Martedì 3 marzo, 10:00–11:30" for stored UTC times.
fn when_stored_span(
    state: &AppState,
    lang: Lang,
    starts: chrono::NaiveDateTime,
    ends: chrono::NaiveDateTime,
) -> String {
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

/// A booking's state in words: "Seat confirmed", "On the waiting list: number 2".
fn booking_words(lang: Lang, b: &psvc::BookingState) -> String {
    match b.booking.status.as_str() {
        "waitlisted" => lang.ta(
            "prop-booking-waitlisted",
            &[(
                "place",
                b.place_in_line
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into()),
            )],
        ),
        other => word(lang, "prop-booking-", other),
    }
}

/// The badge of a booking or proposal state.
fn badge_of(status: &str) -> &'static str {
    match status {
        "confirmed" | "accepted" | "attended" => "status-accredited",
        "cancelled" | "declined" | "did_not_attend" | "no_show" => "status-suspended",
        "expired" => "status-rejected",
        _ => "status-pending",
    }
}

/// One proposal as the pages show it.
struct Proposal {
    id: i64,
    title: String,
    url: String,
    when: Option<String>,
    status_words: String,
    badge: &'static str,
    note: String,
    goes_along: bool,
    by: Option<String>,
    /// "Answer by …", while it waits for an answer.
    expires: Option<String>,
    /// How it was answered and why ("by phone: …").
    answer: Option<String>,
    /// The seat or the place in line it booked.
    booking: Option<String>,
    history: Vec<String>,
    /// Waiting for an answer (the answer forms are shown).
    open: bool,
    /// Sessions to choose from, when the proposal named only the activity.
    sessions: Vec<Choice>,
    /// Ids of the answer form's fields (several forms share a page).
    channel_id: String,
    reason_id: String,
    session_field_id: String,
    /// What was typed in this proposal's form, to show again with its errors.
    channels: Vec<Choice>,
    reason: String,
    share_contact: bool,
    share_needs: bool,
}

/// One booking as the file shows it.
struct BookingLine {
    title: String,
    url: String,
    when: String,
    status_words: String,
    badge: &'static str,
    companion: Option<String>,
    /// The organizer's register.
    attendance: Option<String>,
    /// What the person said afterwards.
    said: Option<String>,
    disagree: bool,
}

/// A resident's proposals and bookings, in words.
#[derive(Default)]
struct Participation {
    proposals: Vec<Proposal>,
    upcoming: Vec<BookingLine>,
    past: Vec<BookingLine>,
}

impl Participation {
    /// The words of a page's notice after an answer (with the booking it made).
    fn answered_notice(
        &self,
        lang: Lang,
        done: Option<&str>,
        referral: Option<i64>,
    ) -> Option<String> {
        let key = match done? {
            "accepted" => "prop-done-accepted",
            "declined" => "prop-done-declined",
            "proposed" => "prop-done-proposed",
            _ => return None,
        };
        let mut s = lang.t(key);
        if done == Some("accepted") {
            if let Some(b) = referral
                .and_then(|r| self.proposals.iter().find(|x| x.id == r))
                .and_then(|x| x.booking.as_ref())
            {
                s = format!("{s} {b}.");
            }
        }
        Some(s)
    }
}

/// What the answer form holds.
#[derive(Debug, Default, Deserialize)]
struct AnswerForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    session_id: String,
    #[serde(default)]
    share_contact: String,
    #[serde(default)]
    share_needs: String,
}

/// Loads and words a resident's proposals and bookings. `typed` is an answer form to show
/// again (with its errors) for one proposal.
async fn participation(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    file: &FullFile,
    typed: Option<&(i64, AnswerForm)>,
) -> Result<Participation, AppError> {
    let id = ResidentId(file.entry.resident.id);
    let referrals = psvc::referrals(state, user, id).await?;
    let bookings = psvc::of_resident(state, user, id).await?;
    let mut sessions: Vec<i64> = bookings.iter().map(|b| b.booking.session_id).collect();
    sessions.extend(referrals.iter().filter_map(|r| r.referral.session_id));
    sessions.sort_unstable();
    sessions.dedup();
    let mut activities: Vec<i64> = referrals.iter().map(|r| r.referral.activity_id).collect();
    activities.sort_unstable();
    activities.dedup();
    let (sessions, titles) = facts_of(state, sessions, activities).await?;
    let now = crate::db::now();
    let own_user = file.entry.resident.user_id;
    let name_of = |uid: Option<i64>| -> Option<String> {
        let uid = uid?;
        if Some(uid) == own_user {
            return Some(lang.t("prop-by-resident"));
        }
        file.linkers
            .iter()
            .find(|l| l.linker_user_id == uid)
            .map(|l| l.display_name.clone())
    };
    let snapshot = state.index.snapshot().ok();
    let mut out = Participation::default();
    for full in &referrals {
        let r = &full.referral;
        let facts = r.session_id.and_then(|s| sessions.get(&s));
        let title = facts
            .map(|f| f.title.clone())
            .or_else(|| titles.get(&r.activity_id).cloned())
            .unwrap_or_default();
        let open = r.status == "proposed";
        let mine = typed.filter(|(rid, _)| *rid == r.id).map(|(_, f)| f);
        let typed_channel = mine.map(|f| f.channel.trim()).unwrap_or("");
        let session_choices = match (&snapshot, r.session_id, open) {
            (Some(snap), None, true) => snap
                .entry(r.activity_id)
                .map(|e| {
                    let chosen = mine.map(|f| f.session_id.trim()).unwrap_or("");
                    e.sessions
                        .iter()
                        .filter_map(|s| {
                            let starts = DateTime::from_timestamp(s.starts_at, 0)?.naive_utc();
                            let ends = DateTime::from_timestamp(s.ends_at(), 0)?.naive_utc();
                            Some(Choice::new(
                                s.id.to_string(),
                                when_stored_span(state, lang, starts, ends),
                                chosen == s.id.to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let booking = r
            .booking_id
            .and_then(|b| bookings.iter().find(|x| x.booking.id == b))
            .map(|b| booking_words(lang, b));
        let answer = r.answered_at.map(|_| {
            let how = lang.ta(
                if r.status == "declined" {
                    "prop-answer-no"
                } else {
                    "prop-answer-yes"
                },
                &[("how", word(lang, "prop-channel-", &r.answer_channel))],
            );
            if r.answer_reason.is_empty() {
                how
            } else {
                lang.ta(
                    "prop-answer-with-reason",
                    &[("how", how), ("reason", r.answer_reason.clone())],
                )
            }
        });
        out.proposals.push(Proposal {
            id: r.id,
            url: match r.session_id {
                Some(s) => format!("/sessions/{s}"),
                None => format!("/activities/{}", r.activity_id),
            },
            when: facts.map(|f| when_stored_span(state, lang, f.starts_at, f.ends_at)),
            status_words: word(lang, "prop-status-", &r.status),
            badge: badge_of(&r.status),
            note: r.note.clone(),
            goes_along: r.goes_along,
            by: name_of(Some(r.linker_user_id)),
            expires: open.then(|| when_stored(r.expires_at, lang)),
            answer,
            booking,
            history: full
                .events
                .iter()
                .map(|e| {
                    let mut line = format!(
                        "{}: {}",
                        when_stored(e.at, lang),
                        word(lang, "prop-event-", &e.status)
                    );
                    if !e.channel.is_empty() {
                        line = format!("{line} ({})", word(lang, "prop-channel-", &e.channel));
                    }
                    if e.by_user.is_some() && e.by_user == own_user {
                        line = format!("{line}, {}", lang.t("prop-history-by-resident"));
                    } else if let Some(who) = name_of(e.by_user) {
                        line = format!("{line}, {}", lang.ta("prop-history-by", &[("who", who)]));
                    }
                    if !e.note.is_empty() {
                        line = lang.ta(
                            "prop-answer-with-reason",
                            &[("how", line), ("reason", e.note.clone())],
                        );
                    }
                    line
                })
                .collect(),
            open,
            sessions: session_choices,
            channel_id: format!("channel-{}", r.id),
            reason_id: format!("reason-{}", r.id),
            session_field_id: format!("session-{}", r.id),
            channels: ANSWER_CHANNELS
                .iter()
                .map(|c| {
                    Choice::new(
                        *c,
                        lang.t(&format!("prop-answer-channel-{c}")),
                        typed_channel == *c,
                    )
                })
                .collect(),
            reason: mine.map(|f| f.reason.clone()).unwrap_or_default(),
            share_contact: mine.is_some_and(|f| truthy(&f.share_contact)),
            share_needs: mine.is_some_and(|f| truthy(&f.share_needs)),
            title,
        });
    }
    for b in &bookings {
        let bk = &b.booking;
        let facts = sessions.get(&bk.session_id);
        let line = BookingLine {
            title: facts.map(|f| f.title.clone()).unwrap_or_default(),
            url: format!("/sessions/{}", bk.session_id),
            when: facts
                .map(|f| when_stored_span(state, lang, f.starts_at, f.ends_at))
                .unwrap_or_default(),
            status_words: booking_words(lang, b),
            badge: badge_of(&bk.status),
            companion: (!bk.companion.is_empty()).then(|| {
                lang.ta(
                    "prop-companion",
                    &[("who", word(lang, "prop-companion-", &bk.companion))],
                )
            }),
            attendance: (!bk.attendance.is_empty())
                .then(|| word(lang, "prop-attendance-", &bk.attendance)),
            said: (!bk.self_report.is_empty()).then(|| {
                let mut s = word(lang, "prop-said-", &bk.self_report);
                if bk.felt_welcome == Some(true) {
                    s = format!("{s} · {}", lang.t("prop-said-welcome"));
                }
                if bk.would_return == Some(true) {
                    s = format!("{s} · {}", lang.t("prop-said-return"));
                }
                s
            }),
            disagree: crate::domain::participation::reports_disagree(
                &bk.attendance,
                &bk.self_report,
            ),
        };
        if facts.is_some_and(|f| f.starts_at > now) {
            out.upcoming.push(line);
        } else {
            out.past.push(line);
        }
    }
    Ok(out)
}

/// Field errors of an answer, under the ids of that proposal's fields.
fn answer_errors(rid: i64, fields: FieldErrors) -> FieldErrors {
    fields
        .into_iter()
        .map(|(k, v)| {
            let k = match k.as_str() {
                "reason" => format!("reason-{rid}"),
                "session_id" => format!("session-{rid}"),
                _ => format!("channel-{rid}"),
            };
            (k, v)
        })
        .collect()
}

/// Reads an answer form: accept or decline, and the session when one must be chosen.
fn answer_input(rid: i64, f: &AnswerForm, online: bool) -> Result<psvc::AnswerInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let accept = match f.decision.trim() {
        "accept" => true,
        "decline" => false,
        _ => {
            errors.insert(format!("channel-{rid}"), "prop-err-decision".into());
            false
        }
    };
    if !online && f.channel.trim().is_empty() {
        errors.insert(format!("channel-{rid}"), "prop-err-channel-missing".into());
    }
    let session_id = match f.session_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.insert(format!("session-{rid}"), "prop-err-session-missing".into());
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(psvc::AnswerInput {
        accept,
        session_id,
        reason: f.reason.clone(),
        channel: if online {
            "online".into()
        } else {
            f.channel.trim().to_string()
        },
        share_contact: truthy(&f.share_contact),
        share_needs: truthy(&f.share_needs),
    })
}

/// Whether a referral belongs to the resident (else the page answers 404).
async fn referral_of(
    state: &AppState,
    user: &CurrentUser,
    id: ResidentId,
    rid: i64,
) -> Result<(), AppError> {
    let list = psvc::referrals(state, user, id).await?;
    if list.iter().any(|r| r.referral.id == rid) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// What an answer led to: a redirect, or the form again with its errors.
enum Answered {
    Done(String),
    Again(Box<FileForms>, StatusCode),
}

async fn answer_for(
    state: &AppState,
    p: &PageCtx,
    user: &CurrentUser,
    rid: i64,
    f: AnswerForm,
    online: bool,
) -> Result<Answered, AppError> {
    let (errors, general) = match answer_input(rid, &f, online) {
        Ok(input) => match psvc::answer(state, user, rid, input).await {
            Ok((r, _)) => {
                let done = if r.status == "declined" {
                    "declined"
                } else {
                    "accepted"
                };
                return Ok(Answered::Done(format!("done={done}&referral={rid}")));
            }
            Err(AppError::Validation(fields)) => {
                (translate(&answer_errors(rid, fields), p.lang), None)
            }
            Err(AppError::Conflict(m)) => (FormErrors::new(), Some(p.t(m))),
            Err(e) => return Err(e),
        },
        Err(fields) => (translate(&fields, p.lang), None),
    };
    let status = if general.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(Answered::Again(
        Box::new(FileForms {
            answer_errors: errors,
            answer_error: general,
            answer: Some((rid, f)),
            ..Default::default()
        }),
        status,
    ))
}

/// A linker records the resident's answer to a proposal.
async fn answer_proposal(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let (id, rid) = path.into_inner();
    referral_of(&state, &user, ResidentId(id), rid).await?;
    match answer_for(&state, &p, &user, rid, form.0, false).await? {
        Answered::Done(q) => Ok(see_other(&format!("{LINKER_BASE}/{id}?{q}#proposal-{rid}"))),
        Answered::Again(forms, status) => {
            render_file(&state, p, &user, id, *forms, &DoneQuery::default(), status).await
        }
    }
}

/// The resident answers a proposal themself (online).
async fn answer_own_proposal(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let rid = path.into_inner();
    let id = svc::own_id(&state, &user)
        .await?
        .ok_or(AppError::NotFound)?;
    referral_of(&state, &user, id, rid).await?;
    match answer_for(&state, &p, &user, rid, form.0, true).await? {
        Answered::Done(q) => Ok(see_other(&format!("/me/profile?{q}#proposal-{rid}"))),
        Answered::Again(forms, status) => render_own(&state, p, &user, None, *forms, status).await,
    }
}

/// What the "propose" form of a suggestion holds.
#[derive(Debug, Default, Deserialize)]
struct ProposeForm {
    #[serde(default)]
    session_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    goes_along: String,
}

/// A linker proposes a suggested session to the resident.
async fn propose(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<ProposeForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    let session = f
        .session_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let input = psvc::ReferralInput {
        activity_id: None,
        session_id: Some(session),
        note: f.note.clone(),
        goes_along: truthy(&f.goes_along),
    };
    let (errors, error) = match psvc::refer(&state, &user, ResidentId(id), input).await {
        Ok(r) => {
            return Ok(see_other(&format!(
                "{LINKER_BASE}/{id}?done=proposed&referral={}#proposal-{}",
                r.id, r.id
            )))
        }
        Err(AppError::Validation(fields)) => {
            let mut errors = FieldErrors::new();
            let mut general = None;
            for (k, v) in fields {
                if k == "note" {
                    errors.insert(format!("note-{session}"), v);
                } else {
                    general = Some(p.t(&v));
                }
            }
            (translate(&errors, p.lang), general)
        }
        Err(AppError::Conflict(m)) => (FormErrors::new(), Some(p.t(m))),
        Err(e) => return Err(e),
    };
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let again = SuggestionForms {
        error: error.map(|e| (p.t("prop-failed"), e)),
        propose_errors: errors,
        typed: Some((session, f)),
    };
    render_suggestions(&state, p, &user, id, None, again, status).await
}

// ---------------------------------------------------------------------------------------------
// A person's own profile
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "residents/own.html")]
struct OwnTemplate {
    p: PageCtx,
    facts: Vec<(String, String)>,
    consents: Vec<ConsentLine>,
    missing_purposes: Vec<Choice>,
    cards: Vec<Card>,
    /// Why there are no suggestions, when there cannot be any.
    no_suggestions: Option<String>,
    tools: bool,
    /// Suggestions are proposed by linkers, not here.
    propose: bool,
    propose_errors: FormErrors,
    base: String,
    notice: Option<String>,
    proposals: Vec<Proposal>,
    answer_errors: FormErrors,
    answer_error: Option<String>,
}

async fn show_own(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    if svc::own_id(&state, &user).await?.is_none() {
        let f = new_values(p.lang);
        return render_form(
            &state,
            p,
            f,
            FormErrors::new(),
            FormTarget::NewOwn,
            StatusCode::OK,
        )
        .await;
    }
    render_own(
        &state,
        p,
        &user,
        Some(&q),
        FileForms::default(),
        StatusCode::OK,
    )
    .await
}

/// A person's own page: suggestions, proposals from their linkers, profile and consents.
async fn render_own(
    state: &AppState,
    p: PageCtx,
    user: &CurrentUser,
    done: Option<&DoneQuery>,
    forms: FileForms,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let id = svc::own_id(state, user).await?.ok_or(AppError::NotFound)?;
    let lang = p.lang;
    let file = svc::read(state, user, id).await?;
    let interests = activities_svc::interests(state).await?;
    let v = view(state, &file);
    let limit = state.settings.residents.suggestions_default;
    let (cards, no_suggestions) = match svc::suggestions(state, user, id, limit).await {
        Ok((_, items)) => (cards(state, lang, &items)?, None),
        Err(AppError::Conflict(m)) => (Vec::new(), Some(lang.t(m))),
        Err(e) => return Err(e),
    };
    let part = participation(state, lang, user, &file, forms.answer.as_ref()).await?;
    let active: Vec<&str> = file
        .consents
        .iter()
        .filter(|c| c.withdrawn_at.is_none())
        .map(|c| c.purpose.as_str())
        .collect();
    let done_word = done.and_then(|d| d.done.as_deref());
    let notice = notice_of(lang, done_word)
        .or_else(|| part.answered_notice(lang, done_word, done.and_then(|d| d.referral)));
    page_with_status(
        &OwnTemplate {
            facts: profile_facts(state, lang, &v, &interests),
            consents: consent_lines(lang, &file),
            missing_purposes: PURPOSES
                .iter()
                .filter(|p| !active.contains(p))
                .map(|p| Choice::new(*p, lang.t(&format!("rp-consent-own-{p}")), false))
                .collect(),
            cards,
            no_suggestions,
            tools: false,
            propose: false,
            propose_errors: FormErrors::new(),
            base: "/me/profile".into(),
            notice,
            proposals: part.proposals,
            answer_errors: forms.answer_errors,
            answer_error: forms.answer_error,
            p: p.titled("rp-own-title"),
        },
        status,
    )
}

async fn create_own(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    form: CsrfForm<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let purposes: Vec<String> = PURPOSES
        .iter()
        .filter(|p| f.consents.iter().any(|c| c.trim() == **p))
        .map(|p| p.to_string())
        .collect();
    match svc::create_own(&state, &user, to_draft(&f), purposes).await {
        Ok(_) => Ok(see_other("/me/profile?done=created")),
        Err(e) => {
            let errors = profile_errors(e, FieldErrors::new(), p.lang)?;
            render_form(
                &state,
                p,
                f,
                errors,
                FormTarget::NewOwn,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn show_own_edit(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let Some(id) = svc::own_id(&state, &user).await? else {
        return Ok(see_other("/me/profile"));
    };
    let file = svc::read(&state, &user, id).await?;
    let f = values_of(p.lang, &view(&state, &file));
    render_form(
        &state,
        p,
        f,
        FormErrors::new(),
        FormTarget::EditOwn,
        StatusCode::OK,
    )
    .await
}

async fn save_own_edit(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    form: CsrfForm<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let id = svc::own_id(&state, &user)
        .await?
        .ok_or(AppError::NotFound)?;
    let f = form.0;
    match svc::update(&state, &user, id, to_draft(&f)).await {
        Ok(()) => Ok(see_other("/me/profile?done=saved")),
        Err(e) => {
            let errors = profile_errors(e, FieldErrors::new(), p.lang)?;
            render_form(
                &state,
                p,
                f,
                errors,
                FormTarget::EditOwn,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn add_own_consent(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: CsrfForm<ConsentForm>,
) -> Result<HttpResponse, AppError> {
    let id = svc::own_id(&state, &user)
        .await?
        .ok_or(AppError::NotFound)?;
    let draft = ConsentDraft {
        purpose: form.0.purpose.trim().to_string(),
        channel: "online".into(),
        given_by: String::new(),
    };
    svc::add_consent(&state, &user, id, draft).await?;
    Ok(see_other("/me/profile?done=consent#consents"))
}

async fn withdraw_own_consent(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: CsrfForm<ConsentForm>,
) -> Result<HttpResponse, AppError> {
    let id = svc::own_id(&state, &user)
        .await?
        .ok_or(AppError::NotFound)?;
    svc::withdraw_consent(&state, &user, id, form.0.purpose.trim(), "online").await?;
    Ok(see_other("/me/profile?done=withdrawn#consents"))
}

// ---------------------------------------------------------------------------------------------
// Ask to be called (no account)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct ContactForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    home_area: String,
    #[serde(default)]
    consent_care: String,
    #[serde(default)]
    consent_statistics: String,
}

#[derive(Template)]
#[template(path = "residents/ask.html")]
struct AskTemplate {
    p: PageCtx,
    f: ContactForm,
    areas: Vec<Choice>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "residents/thanks.html")]
struct ThanksTemplate {
    p: PageCtx,
}

fn render_ask(
    state: &AppState,
    p: PageCtx,
    f: ContactForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let mut areas = vec![Choice::new(
        "",
        p.t("rp-ask-area-none"),
        f.home_area.trim().is_empty(),
    )];
    areas.extend(
        state
            .areas
            .list("small")
            .into_iter()
            .map(|a| Choice::new(a.code.clone(), a.name.clone(), a.code == f.home_area.trim())),
    );
    page_with_status(
        &AskTemplate {
            p: p.titled("rp-ask-title"),
            f,
            areas,
            errors,
        },
        status,
    )
}

async fn show_ask(state: web::Data<AppState>, p: PageCtx) -> Result<HttpResponse, AppError> {
    render_ask(
        &state,
        p,
        ContactForm::default(),
        FormErrors::new(),
        StatusCode::OK,
    )
}

async fn ask_to_be_called(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    form: CsrfForm<ContactForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let request = ContactRequest {
        first_name: f.first_name.clone(),
        phone: f.phone.clone(),
        home_area: non_empty(&f.home_area),
        locale: Some(p.lang.code().to_string()),
        consent_care: truthy(&f.consent_care),
        consent_statistics: truthy(&f.consent_statistics),
    };
    match svc::request_contact(&state, request, &client_ip(&req)).await {
        Ok(_) => Ok(see_other("/ask-to-be-called/thanks")),
        Err(AppError::Validation(fields)) => {
            let errors = translate(&fields, p.lang);
            render_ask(&state, p, f, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

async fn show_thanks(p: PageCtx) -> Result<HttpResponse, AppError> {
    page(&ThanksTemplate {
        p: p.titled("rp-thanks-title"),
    })
}

/// Registers the routes. Ids are digits only, so `/linker/residents/new` never reaches the
/// file's handlers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/linker/residents", web::get().to(list_residents))
        .route("/linker/residents/new", web::get().to(show_new))
        .route("/linker/residents/new", web::post().to(create_resident))
        .route("/linker/residents/{id:\\d+}", web::get().to(show_file))
        .route(
            "/linker/residents/{id:\\d+}/take",
            web::post().to(take_resident),
        )
        .route("/linker/residents/{id:\\d+}/edit", web::get().to(show_edit))
        .route(
            "/linker/residents/{id:\\d+}/edit",
            web::post().to(save_edit),
        )
        .route(
            "/linker/residents/{id:\\d+}/questionnaires",
            web::post().to(record_questionnaire),
        )
        .route(
            "/linker/residents/{id:\\d+}/consents",
            web::post().to(add_consent),
        )
        .route(
            "/linker/residents/{id:\\d+}/consents/withdrawal",
            web::post().to(withdraw_consent),
        )
        .route(
            "/linker/residents/{id:\\d+}/break-glass",
            web::post().to(open_break_glass),
        )
        .route(
            "/linker/residents/{id:\\d+}/suggestions",
            web::get().to(show_suggestions),
        )
        .route(
            "/linker/residents/{id:\\d+}/suggestions/dismissals",
            web::post().to(dismiss_suggestion),
        )
        .route(
            "/linker/residents/{id:\\d+}/suggestions/send",
            web::post().to(send_suggestion),
        )
        .route(
            "/linker/residents/{id:\\d+}/referrals",
            web::post().to(propose),
        )
        .route(
            "/linker/residents/{id:\\d+}/referrals/{referral:\\d+}/answer",
            web::post().to(answer_proposal),
        )
        .route("/me/profile", web::get().to(show_own))
        .route("/me/profile", web::post().to(create_own))
        .route("/me/profile/edit", web::get().to(show_own_edit))
        .route("/me/profile/edit", web::post().to(save_own_edit))
        .route("/me/profile/consents", web::post().to(add_own_consent))
        .route(
            "/me/profile/consents/withdrawal",
            web::post().to(withdraw_own_consent),
        )
        .route(
            "/me/profile/referrals/{referral:\\d+}/answer",
            web::post().to(answer_own_proposal),
        )
        .route("/ask-to-be-called", web::get().to(show_ask))
        .route("/ask-to-be-called", web::post().to(ask_to_be_called))
        .route("/ask-to-be-called/thanks", web::get().to(show_thanks));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Message ids built at run time (`rp-status-…`, `rp-channel-…`) exist in every language:
    /// the i18n scan only sees literal ids.
    #[test]
    fn every_message_built_from_a_vocabulary_exists() {
        let mut keys: Vec<String> = Vec::new();
        let vocabularies: &[(&str, &[&str])] = &[
            ("rp-status-", crate::domain::residents::STATUSES),
            ("rp-origin-", crate::domain::residents::ORIGINS),
            ("rp-purpose-", PURPOSES),
            ("rp-consent-own-", PURPOSES),
            ("rp-consent-assisted-", PURPOSES),
            ("rp-channel-", CHANNELS),
            ("rp-given-by-", GIVERS),
            ("rp-budget-", BUDGETS),
            ("rp-context-", CONTEXTS),
            ("rp-instrument-", &["ucla3", "ons"]),
            ("rp-ucla-", UCLA3_ITEMS),
            ("rp-ucla-answer-", UCLA3_ANSWERS),
            ("rp-ons-answer-", ONS_ANSWERS),
            ("time-of-day-", DAY_PARTS),
            ("reason-part-", DAY_PARTS),
            ("access-", ACCESSIBILITY),
            ("language-", FORM_LANGUAGES),
        ];
        for (prefix, values) in vocabularies {
            keys.extend(values.iter().map(|v| format!("{prefix}{v}")));
        }
        for done in [
            "created",
            "taken",
            "saved",
            "questionnaire",
            "consent",
            "withdrawn",
            "care-withdrawn",
            "sent",
            "dismissed",
            "glass",
        ] {
            assert!(notice_of(Lang::default_for("en"), Some(done)).is_some());
            keys.push(format!("rp-done-{done}"));
        }
        for lang in Lang::all() {
            for k in &keys {
                assert_ne!(lang.t(k), *k, "{k} is missing in {}", lang.code());
            }
        }
    }

    /// The words of proposals and bookings, built from stored values, exist in every language.
    #[test]
    fn every_word_of_proposals_and_bookings_exists() {
        let statuses = [
            "proposed",
            "accepted",
            "declined",
            "expired",
            "attended",
            "did_not_attend",
            "cancelled",
        ];
        let channels = [
            "online",
            "phone",
            "in_person",
            "signed_paper",
            "register",
            "participant",
            "linker",
            "link",
            "automatic",
        ];
        let mut keys: Vec<String> = Vec::new();
        keys.extend(statuses.iter().map(|s| format!("prop-status-{s}")));
        keys.extend(statuses.iter().map(|s| format!("prop-event-{s}")));
        keys.extend(channels.iter().map(|c| format!("prop-channel-{c}")));
        keys.extend(
            ANSWER_CHANNELS
                .iter()
                .map(|c| format!("prop-answer-channel-{c}")),
        );
        keys.extend(
            ["confirmed", "unconfirmed", "cancelled"]
                .iter()
                .map(|s| format!("prop-booking-{s}")),
        );
        keys.extend(
            ["linker", "volunteer"]
                .iter()
                .map(|c| format!("prop-companion-{c}")),
        );
        keys.extend(
            ["attended", "no_show"]
                .iter()
                .map(|a| format!("prop-attendance-{a}")),
        );
        keys.extend(
            ["went", "did_not_go"]
                .iter()
                .map(|s| format!("prop-said-{s}")),
        );
        for lang in Lang::all() {
            for k in &keys {
                assert_ne!(lang.t(k), *k, "{k} is missing in {}", lang.code());
            }
            let line = lang.ta("prop-booking-waitlisted", &[("place", "2".into())]);
            assert!(line.contains('2'), "{line}");
            let part = Participation::default();
            for done in ["accepted", "declined", "proposed"] {
                assert!(part.answered_notice(lang, Some(done), None).is_some());
            }
        }
    }

    #[test]
    fn an_answer_form_says_what_is_missing_next_to_its_fields() {
        let f: AnswerForm = serde_html_form::from_str("decision=accept&session_id=x").unwrap();
        let e = answer_input(7, &f, false).unwrap_err();
        assert!(
            e.contains_key("channel-7") && e.contains_key("session-7"),
            "{e:?}"
        );
        let f: AnswerForm =
            serde_html_form::from_str("decision=decline&reason=busy&share_needs=1").unwrap();
        let input = answer_input(7, &f, true).unwrap();
        assert!(!input.accept && input.share_needs && !input.share_contact);
        assert_eq!(input.channel, "online");
        let f: AnswerForm = serde_html_form::from_str("decision=maybe&channel=phone").unwrap();
        assert!(answer_input(7, &f, false).is_err());
    }

    #[test]
    fn the_form_reads_numbers_the_way_people_type_them() {
        let f: ProfileForm = serde_html_form::from_str(
            "display_name=Maria&birth_year=1948&home_latitude=45,4642&home_longitude=9.19\
             &travel_radius_m=2000&budget=amount&budget_amount=5,50&languages=it\
             &languages_other=de,+pt&availability=tue_morning&wheelchair=1&interests=4",
        )
        .unwrap();
        let d = to_draft(&f);
        assert_eq!(d.birth_year, Some(1948));
        assert_eq!(d.home_latitude, Some(45.4642));
        assert_eq!(d.travel_radius_m, 2000);
        assert_eq!(d.budget_cents, Some(550));
        assert_eq!(d.languages, vec!["it", "de", "pt"]);
        assert_eq!(d.availability, vec!["tue_morning"]);
        assert!(d.wheelchair && !d.wants_company);
        assert_eq!(d.interests, vec![4]);
        let bad: ProfileForm =
            serde_html_form::from_str("birth_year=old&home_latitude=north&budget=amount").unwrap();
        let d = to_draft(&bad);
        let e = d.check(|_| false, 2026).unwrap_err();
        for field in [
            "birth_year",
            "home_latitude",
            "budget_cents",
            "display_name",
        ] {
            assert!(e.contains_key(field), "{field} in {e:?}");
        }
    }

    #[test]
    fn consent_errors_land_next_to_the_consent_fields() {
        assert_eq!(profile_field("consents[0].channel"), "consent_channel");
        assert_eq!(profile_field("consents[1].given_by"), "representative_name");
        assert_eq!(profile_field("consents"), "consents");
        assert_eq!(profile_field("travel_radius_m"), "travel_radius_m");
        let f: ProfileForm = serde_html_form::from_str(
            "consents=care&consents=reminders&consent_given_by=representative",
        )
        .unwrap();
        let (drafts, errors) = consent_drafts(&f);
        assert_eq!(drafts.len(), 2);
        assert!(errors.contains_key("consent_channel"));
        assert!(errors.contains_key("representative_name"));
    }
}
