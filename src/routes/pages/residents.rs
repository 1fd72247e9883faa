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
use crate::services::residents::{self as svc, ContactRequest, FullFile, Suggested, Why};
use crate::state::AppState;
use crate::web::{client_ip, page, page_with_status, see_other, CsrfForm, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

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

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn city_tz(state: &AppState) -> Tz {
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
fn day_words(lang: Lang, d: NaiveDate, today: NaiveDate) -> String {
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

/// The errors and values of the forms of the file page.
#[derive(Default)]
struct FileForms {
    questionnaire: QuestionnaireForm,
    ucla_errors: FormErrors,
    ons_errors: FormErrors,
    consent_errors: FormErrors,
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
    notice: Option<String>,
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
    page_with_status(
        &file_template(state, p, &file, &interests, forms, notice),
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
    let notice = notice_of(p.lang, q.done.as_deref());
    render_file(
        &state,
        p,
        &user,
        path.into_inner(),
        FileForms::default(),
        notice,
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
        None,
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
        None,
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
                None,
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
                title: v.title,
                when,
                venue: v.venue_name,
                address: v.address,
                area: v.area.map(|a| a.name),
                organization: v.organization,
                seats: v
                    .seats_left
                    .map(|n| lang.ta("rp-seats", &[("count", n.to_string())])),
                reasons: v
                    .reasons
                    .into_iter()
                    .map(|r| capitalize(&r.text))
                    .filter(|r| !r.is_empty())
                    .collect(),
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
    notice: Option<String>,
    error: Option<String>,
}

async fn render_suggestions(
    state: &AppState,
    p: PageCtx,
    user: &CurrentUser,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let limit = state.settings.residents.suggestions_default;
    let (f, items) = svc::suggestions(state, user, ResidentId(id), limit).await?;
    let lang = p.lang;
    let tz = city_tz(state);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let name = f.resident.display_name.clone();
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
            cards: cards(state, lang, &items)?,
            tools: f.linkers.contains(&user.user.id) || f.resident.user_id == Some(user.user.id),
            notice,
            error,
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
        None,
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
            let error = Some(p.t(m));
            render_suggestions(&state, p, &user, id, None, error, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
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
    base: String,
    notice: Option<String>,
}

async fn show_own(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(id) = svc::own_id(&state, &user).await? else {
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
    };
    let lang = p.lang;
    let file = svc::read(&state, &user, id).await?;
    let interests = activities_svc::interests(&state).await?;
    let v = view(&state, &file);
    let limit = state.settings.residents.suggestions_default;
    let (cards, no_suggestions) = match svc::suggestions(&state, &user, id, limit).await {
        Ok((_, items)) => (cards(&state, lang, &items)?, None),
        Err(AppError::Conflict(m)) => (Vec::new(), Some(lang.t(m))),
        Err(e) => return Err(e),
    };
    let active: Vec<&str> = file
        .consents
        .iter()
        .filter(|c| c.withdrawn_at.is_none())
        .map(|c| c.purpose.as_str())
        .collect();
    page(&OwnTemplate {
        facts: profile_facts(&state, lang, &v, &interests),
        consents: consent_lines(lang, &file),
        missing_purposes: PURPOSES
            .iter()
            .filter(|p| !active.contains(p))
            .map(|p| Choice::new(*p, lang.t(&format!("rp-consent-own-{p}")), false))
            .collect(),
        cards,
        no_suggestions,
        tools: false,
        base: "/me/profile".into(),
        notice: notice_of(lang, q.done.as_deref()),
        p: p.titled("rp-own-title"),
    })
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
        .route("/me/profile", web::get().to(show_own))
        .route("/me/profile", web::post().to(create_own))
        .route("/me/profile/edit", web::get().to(show_own_edit))
        .route("/me/profile/edit", web::post().to(save_own_edit))
        .route("/me/profile/consents", web::post().to(add_own_consent))
        .route(
            "/me/profile/consents/withdrawal",
            web::post().to(withdraw_own_consent),
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
