//! Activity pages: the public search, the activity and session pages (with schema.org JSON-LD),
//! and the organizer's forms (new and edited activities, one session, status changes).
//!
//! Everything works without JavaScript: the search is a GET form (bookmarkable, paged with
//! cursors), checkbox groups travel as repeated keys, and cancelling an activity asks for
//! confirmation on a page of its own.

use super::bookings::{join_panel, JoinInput, JoinPanel};
use super::{translate, FormErrors};
use crate::auth::{CurrentUser, MaybeUser};
use crate::db::activities::{self as adb, Interest, SessionRow};
use crate::db::orgs::Organization;
use crate::db::OrganizationId;
use crate::domain::activities::{
    ActivityDraft, Practical, ACCESSIBILITY, AUDIENCES, COST_KINDS, LOW_BARRIER, WHEELCHAIR,
};
use crate::domain::geo::friendly_distance;
use crate::domain::schedule::{parse_local, LOCAL_FORMAT};
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use crate::routes::api::activities::{load_visible, session_view, ActivityView, SessionView};
use crate::services::activities::{self as svc, SessionEdit};
use crate::services::discovery::{self, SearchParams, SessionSummary};
use crate::state::AppState;
use crate::web::{page, page_with_status, see_other, CsrfForm, MultiQuery, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{json, Value};

/// Piazza del Duomo: the default centre of a search.
const DUOMO: (f64, f64) = (45.4642, 9.1900);
/// The radii offered by the search form, in metres.
const RADII: &[u32] = &[500, 1000, 2000, 5000];
/// The radius of a search that does not say.
const DEFAULT_RADIUS: u32 = 2000;
/// Languages offered as checkboxes (others can be typed as codes).
const FORM_LANGUAGES: &[&str] = &["it", "en", "ar", "es", "fr", "zh", "ro", "uk"];
/// RRULE day codes, Monday first.
const DAY_CODES: &[&str] = &["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
/// Parts of the day of the search.
const TIMES_OF_DAY: &[&str] = &["morning", "afternoon", "evening"];
/// How a search chooses its place.
const PLACES: &[&str] = &["duomo", "area", "point", "anywhere"];
/// How many of the next sessions the activity page lists.
const SESSIONS_SHOWN: usize = 10;
/// The simple repetitions of the organizer's form.
const REPETITIONS: &[&str] = &["none", "weekly", "biweekly", "monthly", "advanced"];

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

use super::{interest_groups, Choice, Group};

/// A link with its words.
#[derive(Debug, Clone)]
struct Link {
    href: String,
    label: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// A time zone by name, Europe/Rome when unknown.
pub(crate) fn tz_of(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Europe::Rome)
}

fn city_tz(state: &AppState) -> Tz {
    tz_of(&state.settings.city.timezone)
}

fn site(state: &AppState) -> String {
    state
        .settings
        .server
        .site_url
        .trim_end_matches('/')
        .to_string()
}

/// The first letter in upper case ("martedì" → "Martedì").
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The name of a weekday, 1 = Monday.
fn weekday_name(lang: Lang, n: u32) -> String {
    lang.t(&format!("weekday-{n}"))
}

/// "a, b and c" in the page's language.
fn join_and(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), lang.t("word-and")),
    }
}

/// A day in words: "Tuesday 3 March", "Today, Tuesday 3 March" (the year when not this one).
fn date_words(lang: Lang, d: NaiveDate, today: NaiveDate) -> String {
    let mut s = lang.ta(
        "date-words",
        &[
            (
                "weekday",
                weekday_name(lang, d.weekday().number_from_monday()),
            ),
            ("day", d.day().to_string()),
            ("month", lang.t(&format!("month-{}", d.month()))),
        ],
    );
    if d.year() != today.year() {
        s = format!("{s} {}", d.year());
    }
    if d == today {
        s = lang.ta("date-today", &[("date", s)]);
    } else if today.succ_opt() == Some(d) {
        s = lang.ta("date-tomorrow", &[("date", s)]);
    }
    capitalize(&s)
}

/// A session's day and times in words, in the city's time zone.
pub(crate) fn when_words(
    lang: Lang,
    tz: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    today: NaiveDate,
) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let day = date_words(lang, s.date_naive(), today);
    if e.date_naive() == s.date_naive() {
        format!("{day}, {}–{}", s.format("%H:%M"), e.format("%H:%M"))
    } else {
        format!(
            "{day}, {} – {}, {}",
            s.format("%H:%M"),
            date_words(lang, e.date_naive(), today),
            e.format("%H:%M")
        )
    }
}

/// A length: "45 min", "2 h", "1 h 30 min".
fn duration_words(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
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

/// A price: "€ 5,00" in Italian, "€5.00" in English.
pub(crate) fn euro(lang: Lang, cents: i32) -> String {
    match lang.code() {
        "it" => format!("€ {}", euro_plain(lang, cents)),
        _ => format!("€{}", euro_plain(lang, cents)),
    }
}

/// What an activity costs, in words.
fn cost_words(lang: Lang, kind: &str, cents: i32) -> String {
    match kind {
        "amount" => euro(lang, cents),
        "pay_what_you_can" => lang.t("cost-pay-what-you-can"),
        _ => lang.t("cost-free"),
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

/// A distance for people: "800 m", "1,2 km", and "2 km" rather than "2,0 km".
fn distance_words(metres: f64, lang: Lang) -> String {
    let d = friendly_distance(metres, lang.code());
    match d.strip_suffix(" km") {
        Some(n) if n.ends_with(",0") || n.ends_with(".0") => format!("{} km", &n[..n.len() - 2]),
        _ => d,
    }
}

/// A coordinate for URLs and forms.
fn coord(v: f64) -> String {
    format!("{}", (v * 1_000_000.0).round() / 1_000_000.0)
}

// ---------------------------------------------------------------------------------------------
// Repetition rules in words, and the simple choices of the form
// ---------------------------------------------------------------------------------------------

/// A repetition simple enough to say in words.
#[derive(Debug, Clone, PartialEq)]
enum Rule {
    Once,
    Daily,
    /// Every week (1) or every two weeks (2) on these days (1 = Monday).
    Weekly {
        every: u32,
        days: Vec<u32>,
    },
    /// Every month on the nth (1–4, or -1 for the last) weekday.
    Monthly {
        nth: i32,
        day: u32,
    },
}

fn day_number(code: &str) -> Option<u32> {
    DAY_CODES
        .iter()
        .position(|c| c.eq_ignore_ascii_case(code.trim()))
        .map(|i| i as u32 + 1)
}

/// Which week of the month a day falls in, as the form's "every month" means it.
fn monthly_nth(d: NaiveDate) -> i32 {
    match (d.day() - 1) / 7 + 1 {
        n @ 1..=4 => n as i32,
        _ => -1,
    }
}

/// Recognizes the rules people can read in one sentence; anything else is `None`.
fn simple_rule(rrule: &str, start: NaiveDateTime) -> Option<Rule> {
    let r = rrule.trim();
    let r = r.strip_prefix("RRULE:").unwrap_or(r).trim();
    if r.is_empty() {
        return Some(Rule::Once);
    }
    if !r.is_ascii() {
        return None;
    }
    let mut freq = None;
    let mut interval = 1u32;
    let mut byday: Option<String> = None;
    for part in r.split(';').filter(|p| !p.trim().is_empty()) {
        let (k, v) = part.split_once('=')?;
        let v = v.trim().to_ascii_uppercase();
        match k.trim().to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(v),
            "INTERVAL" => interval = v.parse().ok()?,
            "BYDAY" => byday = Some(v),
            "WKST" => {}
            _ => return None,
        }
    }
    match (freq?.as_str(), interval) {
        ("DAILY", 1) if byday.is_none() => Some(Rule::Daily),
        ("WEEKLY", 1 | 2) => {
            let mut days = match byday {
                None => vec![start.weekday().number_from_monday()],
                Some(b) => b.split(',').map(day_number).collect::<Option<Vec<u32>>>()?,
            };
            days.sort_unstable();
            days.dedup();
            Some(Rule::Weekly {
                every: interval,
                days,
            })
        }
        ("MONTHLY", 1) => {
            let b = byday?;
            let b = b.trim();
            let split = b.len().checked_sub(2)?;
            let (num, code) = b.split_at(split);
            let nth: i32 = num.trim_start_matches('+').parse().ok()?;
            if !matches!(nth, 1..=4 | -1) {
                return None;
            }
            Some(Rule::Monthly {
                nth,
                day: day_number(code)?,
            })
        }
        _ => None,
    }
}

/// A rule in words ("Every Tuesday and Thursday"); `None` for a one-off.
fn rule_words(lang: Lang, rule: &Rule) -> Option<String> {
    match rule {
        Rule::Once => None,
        Rule::Daily => Some(lang.t("rule-daily")),
        Rule::Weekly { every, days } => {
            let names: Vec<String> = days.iter().map(|d| weekday_name(lang, *d)).collect();
            let days = join_and(lang, &names);
            let key = if *every == 1 {
                "rule-weekly"
            } else {
                "rule-biweekly"
            };
            Some(lang.ta(key, &[("days", days)]))
        }
        Rule::Monthly { nth, day } => {
            let nth = match nth {
                1 => "first",
                2 => "second",
                3 => "third",
                4 => "fourth",
                _ => "last",
            };
            Some(lang.ta(
                "rule-monthly",
                &[
                    ("nth", nth.to_string()),
                    ("day", weekday_name(lang, *day)),
                    ("fem", if *day == 7 { "yes" } else { "no" }.to_string()),
                ],
            ))
        }
    }
}

/// When an activity happens, in one sentence, if it can be said simply.
fn schedule_words(lang: Lang, a: &ActivityView, today: NaiveDate) -> Option<String> {
    let start = parse_local(&a.starts_at)?;
    let end = start + Duration::minutes(a.duration_minutes as i64);
    let time = format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"));
    match simple_rule(&a.rrule, start)? {
        Rule::Once => Some(format!("{}, {time}", date_words(lang, start.date(), today))),
        rule => rule_words(lang, &rule).map(|w| capitalize(&format!("{w}, {time}"))),
    }
}

/// The RRULE of the form's simple choice (or its advanced text).
fn form_rrule(f: &ActivityFormValues) -> String {
    match f.repetition.as_str() {
        "weekly" | "biweekly" => {
            let days: Vec<&str> = DAY_CODES
                .iter()
                .copied()
                .filter(|c| f.weekdays.iter().any(|w| w == c))
                .collect();
            let mut r = "FREQ=WEEKLY".to_string();
            if f.repetition == "biweekly" {
                r.push_str(";INTERVAL=2");
            }
            if !days.is_empty() {
                r.push_str(";BYDAY=");
                r.push_str(&days.join(","));
            }
            r
        }
        "monthly" => match parse_local(&f.starts_at) {
            Some(start) => {
                let d = start.date();
                let code = DAY_CODES[d.weekday().num_days_from_monday() as usize];
                format!("FREQ=MONTHLY;BYDAY={}{code}", monthly_nth(d))
            }
            None => "FREQ=MONTHLY".to_string(),
        },
        "advanced" => f.rrule.trim().to_string(),
        _ => String::new(),
    }
}

/// The form's choice for a stored rule: (repetition, weekday codes, advanced text).
fn repetition_of(rrule: &str, start: Option<NaiveDateTime>) -> (String, Vec<String>, String) {
    let advanced = || ("advanced".to_string(), Vec::new(), rrule.to_string());
    let Some(start) = start else {
        return if rrule.trim().is_empty() {
            ("none".into(), Vec::new(), String::new())
        } else {
            advanced()
        };
    };
    match simple_rule(rrule, start) {
        Some(Rule::Once) => ("none".into(), Vec::new(), String::new()),
        Some(Rule::Weekly { every, days }) => (
            if every == 1 { "weekly" } else { "biweekly" }.into(),
            days.iter()
                .filter_map(|d| DAY_CODES.get(*d as usize - 1))
                .map(|c| c.to_string())
                .collect(),
            String::new(),
        ),
        Some(Rule::Monthly { nth, day })
            if nth == monthly_nth(start.date()) && day == start.weekday().number_from_monday() =>
        {
            ("monthly".into(), Vec::new(), String::new())
        }
        _ => advanced(),
    }
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

/// The search form as the query string gives it (all text: typos become field errors, not a
/// bare 400; repeated keys become lists).
#[derive(Debug, Default, Deserialize)]
struct SearchForm {
    #[serde(default)]
    place: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    radius_m: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    time_of_day: Vec<String>,
    #[serde(default)]
    weekday: Vec<String>,
    #[serde(default)]
    interest: Vec<String>,
    #[serde(default)]
    free: String,
    #[serde(default)]
    max_cost_cents: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    wheelchair: String,
    #[serde(default)]
    access: Vec<String>,
    #[serde(default)]
    feature: Vec<String>,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    limit: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    organization: String,
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A date typed as 2026-12-01 (what date pickers send) or 1/12/2026 (what people type).
fn normalize_date(s: &str) -> String {
    let s = s.trim();
    for f in ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.format("%Y-%m-%d").to_string();
        }
    }
    s.to_string()
}

fn truthy(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "on" | "yes"
    )
}

/// Reads the search form: (place mode, radius, parameters for the service, field errors).
fn read_search(
    f: &SearchForm,
    first_visit: bool,
) -> (&'static str, u32, SearchParams, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut bad = |field: &str, msg: &str| {
        errors
            .entry(field.to_string())
            .or_insert_with(|| msg.to_string());
    };
    let (lat_text, lon_text) = (f.lat.trim(), f.lon.trim());
    let mode: &'static str = match PLACES.iter().find(|m| **m == f.place.trim()) {
        Some(m) => m,
        None if !f.place.trim().is_empty() => {
            bad("place", "err-unknown-value");
            "duomo"
        }
        None if !f.area.trim().is_empty() => "area",
        None if !lat_text.is_empty() || !lon_text.is_empty() => {
            if decimal(lat_text) == Some(DUOMO.0) && decimal(lon_text) == Some(DUOMO.1) {
                "duomo"
            } else {
                "point"
            }
        }
        None if first_visit => "duomo",
        None => "anywhere",
    };
    let radius = match f.radius_m.trim() {
        "" => DEFAULT_RADIUS as f64,
        t => decimal(t).unwrap_or_else(|| {
            bad("radius_m", "err-radius");
            DEFAULT_RADIUS as f64
        }),
    };
    let mut p = SearchParams::default();
    match mode {
        "duomo" => {
            p.lat = Some(DUOMO.0);
            p.lon = Some(DUOMO.1);
            p.radius_m = Some(radius);
        }
        "point" => {
            let mut read = |field: &str, text: &str| match decimal(text) {
                Some(v) => Some(v),
                None if text.is_empty() => {
                    bad(field, "err-required");
                    None
                }
                None => {
                    bad(field, "err-coordinate");
                    None
                }
            };
            let lat = read("lat", lat_text);
            let lon = read("lon", lon_text);
            if let (Some(lat), Some(lon)) = (lat, lon) {
                p.lat = Some(lat);
                p.lon = Some(lon);
                p.radius_m = Some(radius);
            }
        }
        "area" => match non_empty(&f.area) {
            Some(a) => p.area = Some(a),
            None => bad("area", "err-area-missing"),
        },
        _ => {}
    }
    p.district = non_empty(&f.district);
    p.from = non_empty(&f.from).map(|d| normalize_date(&d));
    p.to = non_empty(&f.to).map(|d| normalize_date(&d));
    p.time_of_day = f.time_of_day.iter().filter_map(|t| non_empty(t)).collect();
    for w in f.weekday.iter().filter(|w| !w.trim().is_empty()) {
        match w.trim().parse::<u32>() {
            Ok(n) => p.weekday.push(n),
            Err(_) => bad("weekday", "err-weekday"),
        }
    }
    for i in f.interest.iter().filter(|i| !i.trim().is_empty()) {
        match i.trim().parse::<i64>() {
            Ok(n) => p.interest.push(n),
            Err(_) => bad("interest", "err-unknown-value"),
        }
    }
    p.free = truthy(&f.free).then_some(true);
    if let Some(t) = non_empty(&f.max_cost_cents) {
        match t.parse::<i32>() {
            Ok(n) => p.max_cost_cents = Some(n),
            Err(_) => bad("max_cost_cents", "err-cost"),
        }
    }
    p.language = non_empty(&f.language);
    p.wheelchair = non_empty(&f.wheelchair);
    p.access = f.access.iter().filter_map(|a| non_empty(a)).collect();
    p.feature = f.feature.iter().filter_map(|a| non_empty(a)).collect();
    p.q = non_empty(&f.q);
    p.sort = non_empty(&f.sort);
    if let Some(t) = non_empty(&f.limit) {
        match t.parse::<usize>() {
            Ok(n) => p.limit = Some(n),
            Err(_) => bad("limit", "err-limit"),
        }
    }
    p.cursor = non_empty(&f.cursor);
    if let Some(t) = non_empty(&f.organization) {
        match t.parse::<i64>() {
            Ok(n) => p.organization = Some(n),
            Err(_) => bad("organization", "err-unknown-value"),
        }
    }
    let radius = if radius.is_finite() && radius >= 0.0 && radius <= u32::MAX as f64 {
        radius.round() as u32
    } else {
        DEFAULT_RADIUS
    };
    (mode, radius, p, errors)
}

/// A search as query-string pairs, in the service's names (no cursor: the caller adds it).
fn query_pairs(p: &SearchParams) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = Vec::new();
    if let (Some(lat), Some(lon)) = (p.lat, p.lon) {
        v.push(("lat", coord(lat)));
        v.push(("lon", coord(lon)));
        if let Some(r) = p.radius_m {
            v.push(("radius_m", format!("{r}")));
        }
    }
    let mut one = |k: &'static str, val: &Option<String>| {
        if let Some(s) = val.as_deref().filter(|s| !s.is_empty()) {
            v.push((k, s.to_string()));
        }
    };
    one("area", &p.area);
    one("district", &p.district);
    one("from", &p.from);
    one("to", &p.to);
    one("language", &p.language);
    one("wheelchair", &p.wheelchair);
    one("q", &p.q);
    one("sort", &p.sort);
    v.extend(p.time_of_day.iter().map(|t| ("time_of_day", t.clone())));
    v.extend(p.weekday.iter().map(|d| ("weekday", d.to_string())));
    v.extend(p.interest.iter().map(|i| ("interest", i.to_string())));
    if p.free == Some(true) {
        v.push(("free", "true".into()));
    }
    if let Some(c) = p.max_cost_cents {
        v.push(("max_cost_cents", c.to_string()));
    }
    v.extend(p.access.iter().map(|a| ("access", a.clone())));
    v.extend(p.feature.iter().map(|a| ("feature", a.clone())));
    if let Some(l) = p.limit {
        v.push(("limit", l.to_string()));
    }
    if let Some(o) = p.organization {
        v.push(("organization", o.to_string()));
    }
    v
}

fn encode(pairs: &[(&str, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A link to the search page for these parameters.
fn search_url(mode: &str, p: &SearchParams, cursor: Option<&str>) -> String {
    let mut pairs = vec![("place", mode.to_string())];
    pairs.extend(query_pairs(p));
    if let Some(c) = cursor {
        pairs.push(("cursor", c.to_string()));
    }
    format!("/activities?{}#results", encode(&pairs))
}

/// One result.
#[derive(Debug)]
struct ResultCard {
    id: i64,
    title: String,
    organization: String,
    when: String,
    venue: String,
    address: String,
    area: Option<String>,
    distance: Option<String>,
    cost: String,
    cost_help: bool,
    features: Vec<String>,
    access: Vec<String>,
    languages: String,
    note: String,
}

/// A page of results.
struct Results {
    /// "Sessions found: 12"
    heading: String,
    /// "within 2 km of Piazza del Duomo"
    scope: String,
    cards: Vec<ResultCard>,
    next_url: Option<String>,
    first_url: Option<String>,
    calendar_url: String,
    suggestions: Vec<Link>,
}

/// What the form shows.
struct SearchView {
    lat: String,
    lon: String,
    from: String,
    to: String,
    q: String,
    free: bool,
    places: Vec<Choice>,
    areas: Vec<Choice>,
    radii: Vec<Choice>,
    times: Vec<Choice>,
    weekdays: Vec<Choice>,
    interests: Vec<Group>,
    languages: Vec<Choice>,
    wheelchairs: Vec<Choice>,
    access: Vec<Choice>,
    features: Vec<Choice>,
    sorts: Vec<Choice>,
    /// Open the "more filters" part (a filter in it is set, or has an error).
    more_open: bool,
}

#[derive(Template)]
#[template(path = "activities/search.html")]
struct SearchTemplate {
    p: PageCtx,
    f: SearchView,
    errors: FormErrors,
    results: Option<Results>,
}

fn search_view(
    state: &AppState,
    lang: Lang,
    f: &SearchForm,
    mode: &str,
    radius: u32,
    interests: &[Interest],
    errors: &FieldErrors,
) -> SearchView {
    let has = |list: &[String], v: &str| list.iter().any(|x| x.trim() == v);
    let mut radii: Vec<Choice> = RADII
        .iter()
        .map(|r| Choice::new(r.to_string(), distance_words(*r as f64, lang), *r == radius))
        .collect();
    if !RADII.contains(&radius) {
        radii.push(Choice::new(
            radius.to_string(),
            distance_words(radius as f64, lang),
            true,
        ));
    }
    let chosen_area = if mode == "area" { f.area.trim() } else { "" };
    let mut areas = vec![Choice::new("", lang.t("choose"), chosen_area.is_empty())];
    areas.extend(
        state
            .areas
            .list("small")
            .into_iter()
            .map(|a| Choice::new(a.code.clone(), a.name.clone(), a.code == chosen_area)),
    );
    let mut languages = vec![Choice::new(
        "",
        lang.t("search-any-language"),
        f.language.trim().is_empty(),
    )];
    languages.extend(FORM_LANGUAGES.iter().map(|c| {
        Choice::new(
            *c,
            language_name(lang, c),
            f.language.trim().eq_ignore_ascii_case(c),
        )
    }));
    let wheelchairs = ["", "partial", "full"]
        .iter()
        .map(|w| {
            let label = if w.is_empty() {
                lang.t("search-wheelchair-any")
            } else {
                lang.t(&format!("search-wheelchair-{w}"))
            };
            Choice::new(*w, label, f.wheelchair.trim() == *w)
        })
        .collect();
    let sort = if f.sort.trim() == "distance" {
        "distance"
    } else {
        "time"
    };
    let more_fields = [
        "time_of_day",
        "weekday",
        "interest",
        "free",
        "language",
        "wheelchair",
        "access",
        "feature",
    ];
    let more_open = !f.time_of_day.is_empty()
        || !f.weekday.is_empty()
        || !f.interest.is_empty()
        || truthy(&f.free)
        || !f.language.trim().is_empty()
        || !f.wheelchair.trim().is_empty()
        || !f.access.is_empty()
        || !f.feature.is_empty()
        || more_fields.iter().any(|k| errors.contains_key(*k));
    let point = mode == "point";
    SearchView {
        lat: if point {
            f.lat.trim().to_string()
        } else {
            String::new()
        },
        lon: if point {
            f.lon.trim().to_string()
        } else {
            String::new()
        },
        from: f.from.trim().to_string(),
        to: f.to.trim().to_string(),
        q: f.q.trim().to_string(),
        free: truthy(&f.free),
        places: PLACES
            .iter()
            .map(|m| Choice::new(*m, lang.t(&format!("search-place-{m}")), *m == mode))
            .collect(),
        areas,
        radii,
        times: TIMES_OF_DAY
            .iter()
            .map(|t| {
                Choice::new(
                    *t,
                    lang.t(&format!("time-of-day-{t}")),
                    has(&f.time_of_day, t),
                )
            })
            .collect(),
        weekdays: (1..=7u32)
            .map(|d| {
                Choice::new(
                    d.to_string(),
                    capitalize(&weekday_name(lang, d)),
                    has(&f.weekday, &d.to_string()),
                )
            })
            .collect(),
        interests: interest_groups(lang, interests, &f.interest, "search-interest-whole"),
        languages,
        wheelchairs,
        access: ACCESSIBILITY
            .iter()
            .map(|a| Choice::new(*a, lang.t(&format!("access-{a}")), has(&f.access, a)))
            .collect(),
        features: LOW_BARRIER
            .iter()
            .map(|a| Choice::new(*a, lang.t(&format!("feature-{a}")), has(&f.feature, a)))
            .collect(),
        sorts: ["time", "distance"]
            .iter()
            .map(|s| Choice::new(*s, lang.t(&format!("search-sort-{s}")), *s == sort))
            .collect(),
        more_open,
    }
}

fn result_card(lang: Lang, tz: Tz, today: NaiveDate, mode: &str, s: &SessionSummary) -> ResultCard {
    let mut access: Vec<String> = Vec::new();
    if s.wheelchair == "partial" || s.wheelchair == "full" {
        access.push(lang.t(&format!("wheelchair-{}", s.wheelchair)));
    }
    access.extend(
        s.accessibility
            .iter()
            .map(|a| lang.t(&format!("access-{a}"))),
    );
    let languages: Vec<String> = s.languages.iter().map(|l| language_name(lang, l)).collect();
    let distance_key = if mode == "duomo" {
        "search-distance-duomo"
    } else {
        "search-distance-point"
    };
    ResultCard {
        id: s.id,
        title: s.title.clone(),
        organization: s.organization.clone(),
        when: when_words(lang, tz, s.starts_at, s.ends_at, today),
        venue: s.venue_name.clone(),
        address: s.address.clone(),
        area: s.area.clone(),
        distance: s.distance_m.map(|d| {
            lang.ta(
                distance_key,
                &[("distance", distance_words(d as f64, lang))],
            )
        }),
        cost: cost_words(lang, &s.cost_kind, s.cost_cents),
        cost_help: s.cost_help,
        features: s
            .low_barrier
            .iter()
            .map(|f| lang.t(&format!("feature-{f}")))
            .collect(),
        access,
        languages: join_and(lang, &languages),
        note: s.note.clone(),
    }
}

/// Ways to find more when a search finds nothing.
fn suggestions(
    state: &AppState,
    lang: Lang,
    mode: &str,
    radius: u32,
    p: &SearchParams,
    today: NaiveDate,
) -> Vec<Link> {
    let mut out = Vec::new();
    let mut base = p.clone();
    base.cursor = None;
    if matches!(mode, "duomo" | "point") {
        if let Some(bigger) = RADII.iter().find(|r| **r > radius) {
            let mut q = base.clone();
            q.radius_m = Some(*bigger as f64);
            out.push(Link {
                href: search_url(mode, &q, None),
                label: lang.ta(
                    "search-widen",
                    &[("radius", distance_words(*bigger as f64, lang))],
                ),
            });
        }
    }
    if mode != "anywhere" {
        let mut q = base.clone();
        q.lat = None;
        q.lon = None;
        q.radius_m = None;
        q.area = None;
        if q.sort.as_deref() == Some("distance") {
            q.sort = None;
        }
        out.push(Link {
            href: search_url("anywhere", &q, None),
            label: lang.ta(
                "search-whole-city",
                &[("city", state.settings.city.name.clone())],
            ),
        });
    }
    let filtered = !p.time_of_day.is_empty()
        || !p.weekday.is_empty()
        || !p.interest.is_empty()
        || p.free.is_some()
        || p.max_cost_cents.is_some()
        || p.language.is_some()
        || p.wheelchair.is_some()
        || !p.access.is_empty()
        || !p.feature.is_empty()
        || p.q.is_some();
    if filtered {
        let q = SearchParams {
            lat: base.lat,
            lon: base.lon,
            radius_m: base.radius_m,
            area: base.area.clone(),
            from: base.from.clone(),
            to: base.to.clone(),
            ..Default::default()
        };
        out.push(Link {
            href: search_url(mode, &q, None),
            label: lang.t("search-fewer-filters"),
        });
    }
    let mut q = base;
    q.from = None;
    q.to = Some((today + Duration::days(90)).format("%Y-%m-%d").to_string());
    out.push(Link {
        href: search_url(mode, &q, None),
        label: lang.t("search-later"),
    });
    out
}

async fn search_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    p: PageCtx,
    q: MultiQuery<SearchForm>,
) -> Result<HttpResponse, AppError> {
    let f = q.0;
    let first_visit = req.query_string().trim().is_empty();
    let (mode, radius, params, mut field_errors) = read_search(&f, first_visit);
    let found = match discovery::search(&state, &params).await {
        Ok(found) if field_errors.is_empty() => Some(found),
        Ok(_) => None,
        Err(AppError::Validation(more)) => {
            for (k, v) in more {
                field_errors.entry(k).or_insert(v);
            }
            None
        }
        Err(e) => return Err(e),
    };
    let interests = svc::interests(&state).await?;
    let lang = p.lang;
    let tz = city_tz(&state);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let view = search_view(&state, lang, &f, mode, radius, &interests, &field_errors);
    let results = found.map(|found| {
        let scope = match mode {
            "duomo" => lang.ta(
                "search-scope-duomo",
                &[("radius", distance_words(radius as f64, lang))],
            ),
            "point" => lang.ta(
                "search-scope-point",
                &[("radius", distance_words(radius as f64, lang))],
            ),
            "area" => lang.ta(
                "search-scope-area",
                &[(
                    "area",
                    params
                        .area
                        .as_deref()
                        .and_then(|a| state.areas.name("small", a))
                        .unwrap_or_default()
                        .to_string(),
                )],
            ),
            _ => lang.ta(
                "search-scope-anywhere",
                &[("city", state.settings.city.name.clone())],
            ),
        };
        let mut feed = params.clone();
        feed.cursor = None;
        feed.limit = None;
        let feed_query = encode(&query_pairs(&feed));
        Results {
            heading: lang.ta("search-found", &[("count", found.total.to_string())]),
            scope,
            cards: found
                .items
                .iter()
                .map(|s| result_card(lang, tz, today, mode, s))
                .collect(),
            next_url: found
                .next_cursor
                .as_deref()
                .map(|c| search_url(mode, &params, Some(c))),
            first_url: params
                .cursor
                .is_some()
                .then(|| search_url(mode, &params, None)),
            calendar_url: if feed_query.is_empty() {
                "/calendar.ics".to_string()
            } else {
                format!("/calendar.ics?{feed_query}")
            },
            suggestions: if found.items.is_empty() {
                suggestions(&state, lang, mode, radius, &params, today)
            } else {
                Vec::new()
            },
        }
    });
    let status = if results.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors = translate(&field_errors, lang);
    page_with_status(
        &SearchTemplate {
            p: p.titled("search-title"),
            f: view,
            errors,
            results,
        },
        status,
    )
}

// ---------------------------------------------------------------------------------------------
// Activity and session pages
// ---------------------------------------------------------------------------------------------

/// What the activity and session pages say about an activity.
struct Details {
    id: i64,
    title: String,
    description: String,
    organization: String,
    organization_id: i64,
    status: String,
    status_label: String,
    venue_name: String,
    address: String,
    area: Option<String>,
    district: Option<String>,
    osm_url: String,
    schedule: Option<String>,
    duration: String,
    cost: String,
    cost_help: bool,
    capacity: Option<i32>,
    languages: String,
    wheelchair: String,
    access: Vec<String>,
    welcome: Vec<String>,
    audience: Vec<String>,
    interests: Vec<String>,
    practical: Practical,
    contact_phone: String,
    contact_email: String,
}

fn details(lang: Lang, a: &ActivityView, all: &[Interest], today: NaiveDate) -> Details {
    let languages: Vec<String> = a.languages.iter().map(|l| language_name(lang, l)).collect();
    let audience: Vec<String> = a
        .audience
        .iter()
        .map(|x| lang.t(&format!("audience-{x}")))
        .collect();
    Details {
        id: a.id,
        title: a.title.clone(),
        description: a.description.clone(),
        organization: a.organization.clone(),
        organization_id: a.organization_id,
        status: a.status.clone(),
        status_label: lang.t(&format!("activity-status-{}", a.status)),
        venue_name: a.venue_name.clone(),
        address: a.address.clone(),
        area: a.area.as_ref().map(|x| x.name.clone()),
        district: a.district.as_ref().map(|x| x.name.clone()),
        osm_url: format!(
            "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}",
            lat = coord(a.latitude),
            lon = coord(a.longitude)
        ),
        schedule: schedule_words(lang, a, today),
        duration: duration_words(a.duration_minutes as i64),
        cost: cost_words(lang, &a.cost_kind, a.cost_cents),
        cost_help: a.cost_help,
        capacity: a.capacity,
        languages: join_and(lang, &languages),
        wheelchair: lang.t(&format!("wheelchair-long-{}", a.wheelchair)),
        access: a
            .accessibility
            .iter()
            .map(|x| lang.t(&format!("access-{x}")))
            .collect(),
        welcome: a
            .low_barrier
            .iter()
            .map(|x| lang.t(&format!("feature-text-{x}")))
            .collect(),
        audience,
        interests: a
            .interests
            .iter()
            .filter_map(|id| all.iter().find(|i| i.id == *id))
            .map(|i| i.name(lang.code()).to_string())
            .collect(),
        practical: a.practical.clone(),
        contact_phone: a.contact_phone.clone(),
        contact_email: a.contact_email.clone(),
    }
}

/// One line of the list of next sessions.
struct SessionLine {
    id: i64,
    when: String,
    cancelled: bool,
    note: String,
}

fn session_line(lang: Lang, tz: Tz, today: NaiveDate, s: &SessionView) -> SessionLine {
    SessionLine {
        id: s.id,
        when: when_words(lang, tz, s.starts_at, s.ends_at, today),
        cancelled: s.status == "cancelled",
        note: s.note.clone(),
    }
}

/// Whether the viewer may edit the organization's activities (a member of an accredited
/// organization, or an admin).
async fn is_editor(
    state: &AppState,
    user: Option<&CurrentUser>,
    org: i64,
) -> Result<bool, AppError> {
    let Some(u) = user.cloned() else {
        return Ok(false);
    };
    match state
        .db
        .run(move |conn| svc::check_publisher(conn, &u, OrganizationId(org)))
        .await
    {
        Ok(_) => Ok(true),
        Err(AppError::Forbidden(_) | AppError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The organization, when the user may publish for it; 403/404 otherwise.
async fn require_editor(
    state: &AppState,
    user: &CurrentUser,
    org: i64,
) -> Result<Organization, AppError> {
    let u = user.clone();
    state
        .db
        .run(move |conn| svc::check_publisher(conn, &u, OrganizationId(org)))
        .await
}

async fn find_session(state: &AppState, id: i64) -> Result<SessionRow, AppError> {
    state
        .db
        .run(move |conn| {
            adb::find_session(conn, id)?
                .filter(|s| s.deleted_at.is_none())
                .ok_or(AppError::NotFound)
        })
        .await
}

/// JSON for a `<script>` element: `<`, `>` and `&` escaped so no text can close the element.
fn script_json(v: &Value) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "{}".to_string())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn local_rfc3339(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz).to_rfc3339()
}

fn place_json(state: &AppState, a: &ActivityView) -> Value {
    json!({
        "@type": "Place",
        "name": a.venue_name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": a.address,
            "addressLocality": state.settings.city.name,
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": a.latitude,
            "longitude": a.longitude,
        },
    })
}

fn offer_json(lang: Lang, a: &ActivityView, url: &str, cancelled: bool) -> Value {
    let price = if a.cost_kind == "amount" {
        format!("{}.{:02}", a.cost_cents / 100, a.cost_cents % 100)
    } else {
        "0".to_string()
    };
    let mut offer = json!({
        "@type": "Offer",
        "price": price,
        "priceCurrency": "EUR",
        "availability": if cancelled {
            "https://schema.org/Discontinued"
        } else {
            "https://schema.org/InStock"
        },
        "url": url,
    });
    if a.cost_kind == "pay_what_you_can" {
        offer["description"] = Value::String(lang.t("cost-pay-what-you-can"));
    }
    offer
}

/// The properties an activity and its sessions share.
fn common_json(state: &AppState, lang: Lang, a: &ActivityView, url: &str) -> Value {
    let base = site(state);
    let mut v = json!({
        "@context": "https://schema.org",
        "name": a.title,
        "url": url,
        "location": place_json(state, a),
        "organizer": {
            "@type": "Organization",
            "name": a.organization,
            "url": format!("{base}/organizations/{}", a.organization_id),
        },
        "isAccessibleForFree": a.cost_kind != "amount",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    });
    if !a.description.is_empty() {
        v["description"] = Value::String(a.description.clone());
    }
    v["inLanguage"] = match a.languages.as_slice() {
        [one] => Value::String(one.clone()),
        many => json!(many),
    };
    v["offers"] = offer_json(lang, a, url, a.status == "cancelled");
    v
}

fn activity_json_ld(state: &AppState, lang: Lang, a: &ActivityView) -> String {
    let base = site(state);
    let tz = tz_of(&a.timezone);
    let url = format!("{base}/activities/{}", a.id);
    let mut v = common_json(state, lang, a, &url);
    let next = a
        .sessions
        .iter()
        .find(|s| s.status == "scheduled")
        .or_else(|| a.sessions.first());
    let (start, end) = match next {
        Some(s) => (
            local_rfc3339(tz, s.starts_at),
            Some(local_rfc3339(tz, s.ends_at)),
        ),
        None => match parse_local(&a.starts_at).and_then(|l| tz.from_local_datetime(&l).earliest())
        {
            Some(t) => (t.to_rfc3339(), None),
            None => (String::new(), None),
        },
    };
    let series = !a.rrule.trim().is_empty();
    v["@type"] = Value::String(if series { "EventSeries" } else { "Event" }.into());
    if !start.is_empty() {
        v["startDate"] = Value::String(start);
    }
    if let (false, Some(end)) = (series, end) {
        v["endDate"] = Value::String(end);
    }
    v["eventStatus"] = Value::String(
        match a.status.as_str() {
            "cancelled" => "https://schema.org/EventCancelled",
            "paused" => "https://schema.org/EventPostponed",
            _ => "https://schema.org/EventScheduled",
        }
        .into(),
    );
    if let Some(c) = a.capacity {
        v["maximumAttendeeCapacity"] = json!(c);
    }
    if series {
        let subs: Vec<Value> = a
            .sessions
            .iter()
            .take(10)
            .map(|s| {
                json!({
                    "@type": "Event",
                    "name": a.title,
                    "url": format!("{base}/sessions/{}", s.id),
                    "startDate": local_rfc3339(tz, s.starts_at),
                    "endDate": local_rfc3339(tz, s.ends_at),
                    "eventStatus": if s.status == "cancelled" {
                        "https://schema.org/EventCancelled"
                    } else {
                        "https://schema.org/EventScheduled"
                    },
                })
            })
            .collect();
        if !subs.is_empty() {
            v["subEvent"] = Value::Array(subs);
        }
    }
    script_json(&v)
}

/// A session's own facts: when, moved from when, cancelled, its note.
struct SessionInfo {
    id: i64,
    when: String,
    cancelled: bool,
    /// The usual time, when this session was moved.
    moved_from: Option<String>,
    note: String,
}

fn session_json_ld(
    state: &AppState,
    lang: Lang,
    a: &ActivityView,
    s: &SessionView,
    previous: Option<DateTime<Utc>>,
    seats_left: Option<i32>,
) -> String {
    let base = site(state);
    let tz = tz_of(&a.timezone);
    let url = format!("{base}/sessions/{}", s.id);
    let cancelled = s.status == "cancelled" || a.status == "cancelled";
    let mut v = common_json(state, lang, a, &url);
    v["@type"] = Value::String("Event".into());
    v["startDate"] = Value::String(local_rfc3339(tz, s.starts_at));
    v["endDate"] = Value::String(local_rfc3339(tz, s.ends_at));
    v["eventStatus"] = Value::String(
        if cancelled {
            "https://schema.org/EventCancelled"
        } else if previous.is_some() {
            "https://schema.org/EventRescheduled"
        } else {
            "https://schema.org/EventScheduled"
        }
        .into(),
    );
    if let Some(prev) = previous {
        v["previousStartDate"] = Value::String(local_rfc3339(tz, prev));
    }
    if cancelled {
        v["offers"] = offer_json(lang, a, &url, true);
    }
    v["superEvent"] = json!({
        "@type": if a.rrule.trim().is_empty() { "Event" } else { "EventSeries" },
        "name": a.title,
        "url": format!("{base}/activities/{}", a.id),
    });
    if let Some(c) = a.capacity {
        v["maximumAttendeeCapacity"] = json!(c);
        v["remainingAttendeeCapacity"] = json!(seats_left.unwrap_or(c));
    }
    script_json(&v)
}

#[derive(Template)]
#[template(path = "activities/show.html")]
struct ShowTemplate {
    p: PageCtx,
    d: Details,
    sessions: Vec<SessionLine>,
    editor: bool,
    /// Status buttons (value = the new status).
    actions: Vec<Choice>,
    notice: Option<String>,
    json_ld: String,
}

#[derive(Template)]
#[template(path = "activities/session.html")]
struct SessionTemplate {
    p: PageCtx,
    d: Details,
    s: SessionInfo,
    editor: bool,
    notice: Option<String>,
    json_ld: String,
    /// Seats, and the join form or the visitor's booking.
    join: JoinPanel,
}

fn status_actions(lang: Lang, status: &str) -> Vec<Choice> {
    let (value, key) = match status {
        "draft" => ("published", "activity-action-publish"),
        "published" => ("paused", "activity-action-pause"),
        "paused" => ("published", "activity-action-resume"),
        _ => return Vec::new(),
    };
    vec![Choice::new(value, lang.t(key), false)]
}

fn notice_of(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "created" => "activity-done-created",
        "saved" => "activity-done-saved",
        "published" => "activity-done-published",
        "paused" => "activity-done-paused",
        "cancelled" => "activity-done-cancelled",
        "confirmed" => "activity-done-confirmed",
        "session" => "session-done-saved",
        _ => return None,
    };
    Some(lang.t(key))
}

async fn show_activity(
    state: web::Data<AppState>,
    p: PageCtx,
    user: MaybeUser,
    path: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let a = load_visible(&state, user.0.as_ref(), path.into_inner()).await?;
    let editor = is_editor(&state, user.0.as_ref(), a.organization_id).await?;
    let interests = svc::interests(&state).await?;
    let lang = p.lang;
    let tz = tz_of(&a.timezone);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let mut p = p;
    p.title = a.title.clone();
    page(&ShowTemplate {
        d: details(lang, &a, &interests, today),
        sessions: a
            .sessions
            .iter()
            .take(SESSIONS_SHOWN)
            .map(|s| session_line(lang, tz, today, s))
            .collect(),
        editor,
        actions: if editor {
            status_actions(lang, &a.status)
        } else {
            Vec::new()
        },
        notice: notice_of(lang, q.done.as_deref()),
        json_ld: activity_json_ld(&state, lang, &a),
        p,
    })
}

async fn show_session(
    state: web::Data<AppState>,
    p: PageCtx,
    user: MaybeUser,
    path: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    render_session(
        &state,
        p,
        user.0.as_ref(),
        path.into_inner(),
        q.done.as_deref(),
        JoinInput::default(),
        StatusCode::OK,
    )
    .await
}

/// The session page, with the join form as typed (and its errors) when a join came back.
pub(crate) async fn render_session(
    state: &AppState,
    p: PageCtx,
    user: Option<&CurrentUser>,
    id: i64,
    done: Option<&str>,
    join: JoinInput,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let row = find_session(state, id).await?;
    let a = load_visible(state, user, row.activity_id).await?;
    let editor = is_editor(state, user, a.organization_id).await?;
    let interests = svc::interests(state).await?;
    let lang = p.lang;
    let tz = tz_of(&a.timezone);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let s = session_view(&row, &a.timezone);
    let local_start = s.starts_at.with_timezone(&tz).naive_local();
    let previous = (row.is_override && local_start != row.slot_local)
        .then(|| tz.from_local_datetime(&row.slot_local).earliest())
        .flatten()
        .map(|t| t.with_timezone(&Utc));
    let info = SessionInfo {
        id: s.id,
        when: when_words(lang, tz, s.starts_at, s.ends_at, today),
        cancelled: s.status == "cancelled" || a.status == "cancelled",
        moved_from: previous.map(|prev| {
            let len = s.ends_at - s.starts_at;
            when_words(lang, tz, prev, prev + len, today)
        }),
        note: s.note.clone(),
    };
    let panel = join_panel(state, user, &row, &a, lang, join).await?;
    let json_ld = session_json_ld(
        state,
        lang,
        &a,
        &s,
        previous,
        panel.seats.as_ref().and_then(|x| x.left),
    );
    let mut p = p;
    p.title = format!("{} · {}", a.title, info.when);
    // After a join that came back, the language switch returns to the page, not the post.
    p.path = format!("/sessions/{id}");
    page_with_status(
        &SessionTemplate {
            d: details(lang, &a, &interests, today),
            s: info,
            editor: editor && a.status != "cancelled",
            notice: notice_of(lang, done),
            json_ld,
            join: panel,
            p,
        },
        status,
    )
}

// ---------------------------------------------------------------------------------------------
// Status changes
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    confirm: String,
}

async fn change_status(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    let status = f.status.trim();
    if status == "cancelled" && f.confirm != "yes" {
        return Ok(see_other(&format!("/activities/{id}/cancel")));
    }
    svc::set_status(&state, &user, id, status).await?;
    Ok(see_other(&format!("/activities/{id}?done={status}")))
}

/// The organizer confirms the coming month's sessions will take place.
async fn confirm_month(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    _form: CsrfForm<serde::de::IgnoredAny>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    svc::confirm_upcoming(&state, &user, id, 31).await?;
    Ok(see_other(&format!("/activities/{id}?done=confirmed")))
}

#[derive(Template)]
#[template(path = "activities/cancel.html")]
struct CancelTemplate {
    p: PageCtx,
    id: i64,
    title: String,
    upcoming: usize,
}

async fn confirm_cancel(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let a = load_visible(&state, Some(&user), path.into_inner()).await?;
    require_editor(&state, &user, a.organization_id).await?;
    if a.status == "cancelled" {
        return Ok(see_other(&format!("/activities/{}", a.id)));
    }
    page(&CancelTemplate {
        p: p.titled("activity-cancel-title"),
        id: a.id,
        upcoming: a
            .sessions
            .iter()
            .filter(|s| s.status == "scheduled")
            .count(),
        title: a.title,
    })
}

// ---------------------------------------------------------------------------------------------
// The organizer's activity form
// ---------------------------------------------------------------------------------------------

/// What the activity form holds, as typed.
#[derive(Debug, Default, Deserialize)]
struct ActivityFormValues {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    venue_name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    latitude: String,
    #[serde(default)]
    longitude: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    repetition: String,
    #[serde(default)]
    weekdays: Vec<String>,
    #[serde(default)]
    rrule: String,
    #[serde(default)]
    exdates: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    reserved_seats: String,
    #[serde(default)]
    cost_kind: String,
    #[serde(default)]
    cost_amount: String,
    #[serde(default)]
    cost_help: String,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    languages_other: String,
    #[serde(default)]
    wheelchair: String,
    #[serde(default)]
    accessibility: Vec<String>,
    #[serde(default)]
    low_barrier: Vec<String>,
    #[serde(default)]
    meeting_point: String,
    #[serde(default)]
    what_to_expect: String,
    #[serde(default)]
    what_to_bring: String,
    #[serde(default)]
    audience: Vec<String>,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    interests: Vec<String>,
    /// "draft" keeps a new activity as a draft; anything else publishes it.
    #[serde(default)]
    action: String,
}

/// The lines of the "skipped dates" box as local start times (a bare date takes the start time).
fn exdate_lines(f: &ActivityFormValues) -> Vec<String> {
    let time = parse_local(&f.starts_at)
        .map(|s| s.format("%H:%M").to_string())
        .unwrap_or_else(|| "00:00".to_string());
    f.exdates
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let day = normalize_date(l);
            match NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
                Ok(d) => format!("{}T{time}", d.format("%Y-%m-%d")),
                Err(_) => l.to_string(),
            }
        })
        .collect()
}

/// The form as the service's draft; text that is not a number becomes a value the checks refuse.
fn to_draft(f: &ActivityFormValues) -> ActivityDraft {
    let cost_kind = non_empty(&f.cost_kind).unwrap_or_else(|| "free".to_string());
    let mut languages: Vec<String> = f.languages.clone();
    languages.extend(
        f.languages_other
            .split([',', ';', ' ', '/'])
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string()),
    );
    ActivityDraft {
        title: f.title.clone(),
        description: f.description.clone(),
        venue_name: f.venue_name.clone(),
        address: f.address.clone(),
        latitude: decimal(&f.latitude).unwrap_or(f64::NAN),
        longitude: decimal(&f.longitude).unwrap_or(f64::NAN),
        timezone: None,
        starts_at: f.starts_at.trim().to_string(),
        duration_minutes: f.duration_minutes.trim().parse().unwrap_or(0),
        rrule: form_rrule(f),
        exdates: exdate_lines(f),
        capacity: match f.capacity.trim() {
            "" => None,
            t => Some(t.parse().unwrap_or(0)),
        },
        reserved_seats: match f.reserved_seats.trim() {
            "" => 0,
            t => t.parse().unwrap_or(-1),
        },
        cost_cents: if cost_kind == "amount" {
            parse_euro(&f.cost_amount).unwrap_or(-1)
        } else {
            0
        },
        cost_kind,
        cost_help: !f.cost_help.trim().is_empty(),
        languages,
        wheelchair: non_empty(&f.wheelchair).unwrap_or_else(|| "no".to_string()),
        accessibility: f.accessibility.clone(),
        low_barrier: f.low_barrier.clone(),
        practical: Practical {
            meeting_point: f.meeting_point.clone(),
            what_to_expect: f.what_to_expect.clone(),
            what_to_bring: f.what_to_bring.clone(),
        },
        audience: f.audience.clone(),
        contact_phone: f.contact_phone.clone(),
        contact_email: f.contact_email.clone(),
        interests: f
            .interests
            .iter()
            .filter(|i| !i.trim().is_empty())
            .map(|i| i.trim().parse().unwrap_or(-1))
            .collect(),
    }
}

/// The form filled with a stored activity.
fn values_of(lang: Lang, a: &ActivityView) -> ActivityFormValues {
    let start = parse_local(&a.starts_at);
    let (repetition, weekdays, rrule) = repetition_of(&a.rrule, start);
    let exdates = a
        .exdates
        .iter()
        .map(|e| match (parse_local(e), start) {
            (Some(x), Some(s)) if x.time() == s.time() => x.date().format("%Y-%m-%d").to_string(),
            _ => e.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (languages, other): (Vec<String>, Vec<String>) = a
        .languages
        .iter()
        .cloned()
        .partition(|l| FORM_LANGUAGES.contains(&l.as_str()));
    ActivityFormValues {
        title: a.title.clone(),
        description: a.description.clone(),
        venue_name: a.venue_name.clone(),
        address: a.address.clone(),
        latitude: coord(a.latitude),
        longitude: coord(a.longitude),
        starts_at: a.starts_at.clone(),
        duration_minutes: a.duration_minutes.to_string(),
        repetition,
        weekdays,
        rrule,
        exdates,
        capacity: a.capacity.map(|c| c.to_string()).unwrap_or_default(),
        reserved_seats: if a.reserved_seats > 0 {
            a.reserved_seats.to_string()
        } else {
            String::new()
        },
        cost_kind: a.cost_kind.clone(),
        cost_amount: if a.cost_kind == "amount" {
            euro_plain(lang, a.cost_cents)
        } else {
            String::new()
        },
        cost_help: if a.cost_help { "1" } else { "" }.to_string(),
        languages,
        languages_other: other.join(", "),
        wheelchair: a.wheelchair.clone(),
        accessibility: a.accessibility.clone(),
        low_barrier: a.low_barrier.clone(),
        meeting_point: a.practical.meeting_point.clone(),
        what_to_expect: a.practical.what_to_expect.clone(),
        what_to_bring: a.practical.what_to_bring.clone(),
        audience: a.audience.clone(),
        contact_phone: a.contact_phone.clone(),
        contact_email: a.contact_email.clone(),
        interests: a.interests.iter().map(|i| i.to_string()).collect(),
        action: String::new(),
    }
}

/// A new activity's form: one weekly hour, free, in Italian, at the organization's address.
fn new_values(org: &Organization) -> ActivityFormValues {
    ActivityFormValues {
        address: org.address.clone(),
        latitude: coord(org.latitude),
        longitude: coord(org.longitude),
        duration_minutes: "60".into(),
        repetition: "none".into(),
        cost_kind: "free".into(),
        wheelchair: "no".into(),
        languages: vec!["it".into()],
        ..Default::default()
    }
}

/// The choices of the activity form.
struct FormOptions {
    repetitions: Vec<Choice>,
    weekdays: Vec<Choice>,
    costs: Vec<Choice>,
    languages: Vec<Choice>,
    wheelchairs: Vec<Choice>,
    access: Vec<Choice>,
    features: Vec<Choice>,
    audiences: Vec<Choice>,
    interests: Vec<Group>,
}

fn form_options(lang: Lang, f: &ActivityFormValues, interests: &[Interest]) -> FormOptions {
    let has = |list: &[String], v: &str| list.iter().any(|x| x.trim() == v);
    let repetition = if REPETITIONS.contains(&f.repetition.as_str()) {
        f.repetition.as_str()
    } else {
        "none"
    };
    FormOptions {
        repetitions: REPETITIONS
            .iter()
            .map(|r| Choice::new(*r, lang.t(&format!("repeat-{r}")), *r == repetition))
            .collect(),
        weekdays: DAY_CODES
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Choice::new(
                    *c,
                    capitalize(&weekday_name(lang, i as u32 + 1)),
                    has(&f.weekdays, c),
                )
            })
            .collect(),
        costs: COST_KINDS
            .iter()
            .map(|c| Choice::new(*c, lang.t(&format!("cost-kind-{c}")), f.cost_kind == *c))
            .collect(),
        languages: FORM_LANGUAGES
            .iter()
            .map(|c| {
                Choice::new(
                    *c,
                    format!("{} ({c})", language_name(lang, c)),
                    has(&f.languages, c),
                )
            })
            .collect(),
        wheelchairs: WHEELCHAIR
            .iter()
            .map(|w| {
                Choice::new(
                    *w,
                    lang.t(&format!("wheelchair-long-{w}")),
                    f.wheelchair == *w,
                )
            })
            .collect(),
        access: ACCESSIBILITY
            .iter()
            .map(|a| Choice::new(*a, lang.t(&format!("access-{a}")), has(&f.accessibility, a)))
            .collect(),
        features: LOW_BARRIER
            .iter()
            .map(|a| {
                Choice::new(
                    *a,
                    lang.t(&format!("feature-text-{a}")),
                    has(&f.low_barrier, a),
                )
            })
            .collect(),
        audiences: AUDIENCES
            .iter()
            .map(|a| Choice::new(*a, lang.t(&format!("audience-{a}")), has(&f.audience, a)))
            .collect(),
        interests: interest_groups(lang, interests, &f.interests, "form-interest-general"),
    }
}

#[derive(Template)]
#[template(path = "activities/form.html")]
struct FormTemplate {
    p: PageCtx,
    f: ActivityFormValues,
    o: FormOptions,
    errors: FormErrors,
    /// Where the form posts.
    action: String,
    /// Where "back" goes.
    back: String,
    is_new: bool,
    org_name: String,
    /// Hours before each session when held seats become everyone's.
    release_hours: String,
}

/// Field errors of the activity form, under the names of its inputs.
fn activity_errors(
    err: AppError,
    f: &ActivityFormValues,
    lang: Lang,
) -> Result<FormErrors, AppError> {
    let AppError::Validation(fields) = err else {
        return Err(err);
    };
    let mut out = FieldErrors::new();
    for (k, v) in fields {
        let (k, v) = match k.as_str() {
            "cost_cents" => ("cost_amount".to_string(), v),
            "rrule" if f.repetition != "advanced" => ("repetition".to_string(), v),
            "timezone" => ("starts_at".to_string(), v),
            "exdates" if v == "err-datetime" => (k, "err-exdate".to_string()),
            _ => (k, v),
        };
        out.entry(k).or_insert(v);
    }
    Ok(translate(&out, lang))
}

/// Which form: a new activity of an organization, or an existing activity.
enum Target {
    New { org_id: i64, org_name: String },
    Edit { id: i64, org_name: String },
}

async fn render_form(
    state: &AppState,
    p: PageCtx,
    f: ActivityFormValues,
    errors: FormErrors,
    target: Target,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let interests = svc::interests(state).await?;
    let o = form_options(p.lang, &f, &interests);
    let (action, back, is_new, org_name, title) = match target {
        Target::New { org_id, org_name } => (
            format!("/organizations/{org_id}/activities/new"),
            format!("/organizations/{org_id}"),
            true,
            org_name,
            "activity-new-title",
        ),
        Target::Edit { id, org_name } => (
            format!("/activities/{id}/edit"),
            format!("/activities/{id}"),
            false,
            org_name,
            "activity-edit-title",
        ),
    };
    page_with_status(
        &FormTemplate {
            p: p.titled(title),
            f,
            o,
            errors,
            action,
            back,
            is_new,
            org_name,
            release_hours: state
                .settings
                .participation
                .reserved_release_hours
                .to_string(),
        },
        status,
    )
}

async fn show_new(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = require_editor(&state, &user, path.into_inner()).await?;
    let f = new_values(&org);
    render_form(
        &state,
        p,
        f,
        FormErrors::new(),
        Target::New {
            org_id: org.id,
            org_name: org.name,
        },
        StatusCode::OK,
    )
    .await
}

async fn create(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<ActivityFormValues>,
) -> Result<HttpResponse, AppError> {
    let org_id = path.into_inner();
    let f = form.0;
    let publish = f.action != "draft";
    match svc::create(&state, &user, OrganizationId(org_id), to_draft(&f), publish).await {
        Ok(id) => Ok(see_other(&format!("/activities/{id}?done=created"))),
        Err(e) => {
            let errors = activity_errors(e, &f, p.lang)?;
            let org = require_editor(&state, &user, org_id).await?;
            render_form(
                &state,
                p,
                f,
                errors,
                Target::New {
                    org_id: org.id,
                    org_name: org.name,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// An activity its organizer may still change (not cancelled).
async fn editable(state: &AppState, user: &CurrentUser, id: i64) -> Result<ActivityView, AppError> {
    let a = load_visible(state, Some(user), id).await?;
    require_editor(state, user, a.organization_id).await?;
    if a.status == "cancelled" {
        return Err(AppError::Conflict("err-activity-cancelled"));
    }
    Ok(a)
}

async fn show_edit(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let a = editable(&state, &user, path.into_inner()).await?;
    let f = values_of(p.lang, &a);
    render_form(
        &state,
        p,
        f,
        FormErrors::new(),
        Target::Edit {
            id: a.id,
            org_name: a.organization,
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
    form: CsrfForm<ActivityFormValues>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let f = form.0;
    match svc::update(&state, &user, id, to_draft(&f)).await {
        Ok(()) => Ok(see_other(&format!("/activities/{id}?done=saved"))),
        Err(e) => {
            let errors = activity_errors(e, &f, p.lang)?;
            let a = editable(&state, &user, id).await?;
            render_form(
                &state,
                p,
                f,
                errors,
                Target::Edit {
                    id,
                    org_name: a.organization,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One session: move, change its length, cancel or restore, add a note
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct SessionFormValues {
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "activities/session_edit.html")]
struct SessionFormTemplate {
    p: PageCtx,
    f: SessionFormValues,
    errors: FormErrors,
    statuses: Vec<Choice>,
    session_id: i64,
    activity_id: i64,
    activity_title: String,
    when: String,
}

/// A session its organizer may change, with its activity.
async fn editable_session(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(SessionView, ActivityView), AppError> {
    let row = find_session(state, id).await?;
    let a = editable(state, user, row.activity_id).await?;
    Ok((session_view(&row, &a.timezone), a))
}

fn render_session_form(
    p: PageCtx,
    s: &SessionView,
    a: &ActivityView,
    f: SessionFormValues,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = p.lang;
    let tz = tz_of(&a.timezone);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let statuses = ["scheduled", "cancelled"]
        .iter()
        .map(|v| Choice::new(*v, lang.t(&format!("session-status-{v}")), f.status == *v))
        .collect();
    page_with_status(
        &SessionFormTemplate {
            p: p.titled("session-edit-title"),
            statuses,
            session_id: s.id,
            activity_id: a.id,
            activity_title: a.title.clone(),
            when: when_words(lang, tz, s.starts_at, s.ends_at, today),
            f,
            errors,
        },
        status,
    )
}

async fn show_session_edit(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (s, a) = editable_session(&state, &user, path.into_inner()).await?;
    let tz = tz_of(&a.timezone);
    let f = SessionFormValues {
        starts_at: s
            .starts_at
            .with_timezone(&tz)
            .format(LOCAL_FORMAT)
            .to_string(),
        duration_minutes: (s.ends_at - s.starts_at).num_minutes().to_string(),
        status: s.status.clone(),
        note: s.note.clone(),
    };
    render_session_form(p, &s, &a, f, FormErrors::new(), StatusCode::OK)
}

async fn save_session_edit(
    state: web::Data<AppState>,
    p: PageCtx,
    user: CurrentUser,
    path: web::Path<i64>,
    form: CsrfForm<SessionFormValues>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (s, a) = editable_session(&state, &user, id).await?;
    let f = form.0;
    let tz = tz_of(&a.timezone);
    let current_start = s
        .starts_at
        .with_timezone(&tz)
        .format(LOCAL_FORMAT)
        .to_string();
    let current_length = (s.ends_at - s.starts_at).num_minutes();
    let edit = SessionEdit {
        starts_at: (f.starts_at.trim() != current_start).then(|| f.starts_at.trim().to_string()),
        duration_minutes: match f.duration_minutes.trim() {
            "" => None,
            t => Some(t.parse().unwrap_or(0)).filter(|m| *m != current_length),
        },
        status: non_empty(&f.status),
        note: Some(f.note.clone()),
    };
    match svc::edit_session(&state, &user, id, edit).await {
        Ok(()) => Ok(see_other(&format!("/sessions/{id}?done=session"))),
        Err(AppError::Validation(fields)) => {
            let errors = translate(&fields, p.lang);
            render_session_form(p, &s, &a, f, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

/// Registers the routes. Ids are digits only, so `/activities/7.ics` (the calendar feed) and
/// other suffixed paths never reach these handlers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/activities", web::get().to(search_page))
        .route(
            "/organizations/{id:\\d+}/activities/new",
            web::get().to(show_new),
        )
        .route(
            "/organizations/{id:\\d+}/activities/new",
            web::post().to(create),
        )
        .route("/activities/{id:\\d+}", web::get().to(show_activity))
        .route("/activities/{id:\\d+}/edit", web::get().to(show_edit))
        .route("/activities/{id:\\d+}/edit", web::post().to(save_edit))
        .route(
            "/activities/{id:\\d+}/status",
            web::post().to(change_status),
        )
        .route(
            "/activities/{id:\\d+}/confirmation",
            web::post().to(confirm_month),
        )
        .route(
            "/activities/{id:\\d+}/cancel",
            web::get().to(confirm_cancel),
        )
        .route("/sessions/{id:\\d+}", web::get().to(show_session))
        .route("/sessions/{id:\\d+}/edit", web::get().to(show_session_edit))
        .route(
            "/sessions/{id:\\d+}/edit",
            web::post().to(save_session_edit),
        );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        parse_local(s).unwrap()
    }

    #[test]
    fn simple_rules_are_recognized_and_the_rest_is_not() {
        let tue = at("2026-12-01T10:00");
        assert_eq!(simple_rule("", tue), Some(Rule::Once));
        assert_eq!(
            simple_rule("FREQ=WEEKLY;BYDAY=TU,TH", tue),
            Some(Rule::Weekly {
                every: 1,
                days: vec![2, 4]
            })
        );
        assert_eq!(
            simple_rule("RRULE:FREQ=WEEKLY", tue),
            Some(Rule::Weekly {
                every: 1,
                days: vec![2]
            })
        );
        assert_eq!(
            simple_rule("FREQ=MONTHLY;BYDAY=-1SU", tue),
            Some(Rule::Monthly { nth: -1, day: 7 })
        );
        assert_eq!(simple_rule("FREQ=WEEKLY;COUNT=4", tue), None);
        assert_eq!(simple_rule("FREQ=MONTHLY;BYDAY=1TÜ", tue), None);
        assert_eq!(simple_rule("FREQ=YEARLY", tue), None);
    }

    #[test]
    fn the_form_choices_round_trip_through_rrules() {
        let mut f = ActivityFormValues {
            starts_at: "2026-12-15T18:30".into(),
            repetition: "biweekly".into(),
            weekdays: vec!["TH".into(), "MO".into()],
            ..Default::default()
        };
        assert_eq!(form_rrule(&f), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH");
        let start = parse_local(&f.starts_at);
        assert_eq!(
            repetition_of(&form_rrule(&f), start),
            (
                "biweekly".into(),
                vec!["MO".into(), "TH".into()],
                String::new()
            )
        );
        f.repetition = "monthly".into();
        // 15 December 2026 is the third Tuesday.
        assert_eq!(form_rrule(&f), "FREQ=MONTHLY;BYDAY=3TU");
        assert_eq!(repetition_of(&form_rrule(&f), start).0, "monthly");
        assert_eq!(
            repetition_of("FREQ=DAILY;COUNT=3", start),
            ("advanced".into(), vec![], "FREQ=DAILY;COUNT=3".into())
        );
    }

    #[test]
    fn distances_drop_a_useless_decimal() {
        let it = Lang::from_code("it").unwrap();
        assert_eq!(distance_words(2000.0, it), "2 km");
        assert_eq!(distance_words(1234.0, it), "1,2 km");
        assert_eq!(distance_words(333.0, it), "350 m");
    }

    #[test]
    fn money_and_numbers_read_the_way_people_type_them() {
        assert_eq!(parse_euro("5"), Some(500));
        assert_eq!(parse_euro("5,50"), Some(550));
        assert_eq!(parse_euro("€ 2.5"), Some(250));
        assert_eq!(parse_euro("five"), None);
        let it = Lang::from_code("it").unwrap();
        let en = Lang::from_code("en").unwrap();
        assert_eq!(euro(it, 500), "€ 5,00");
        assert_eq!(euro(en, 1250), "€12.50");
        assert_eq!(decimal("45,4642"), Some(45.4642));
        assert_eq!(normalize_date("3/12/2026"), "2026-12-03");
    }

    #[test]
    fn json_for_a_script_element_cannot_close_it() {
        let s = script_json(&json!({"name": "</script><script>alert(1)</script> & co"}));
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }

    #[test]
    fn days_and_rules_read_in_words() {
        let it = Lang::from_code("it").unwrap();
        let en = Lang::from_code("en").unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(date_words(en, d, today), "Tuesday 1 December");
        assert_eq!(date_words(it, d, today), "Martedì 1 dicembre");
        assert_eq!(date_words(en, today, today), "Today, Wednesday 25 November");
        let weekly = Rule::Weekly {
            every: 1,
            days: vec![2, 4],
        };
        assert_eq!(
            rule_words(en, &weekly).unwrap(),
            "Every Tuesday and Thursday"
        );
        assert_eq!(rule_words(it, &weekly).unwrap(), "Ogni martedì e giovedì");
        let sunday = Rule::Monthly { nth: 1, day: 7 };
        assert_eq!(
            rule_words(it, &sunday).unwrap(),
            "La prima domenica del mese"
        );
        assert_eq!(
            rule_words(en, &sunday).unwrap(),
            "The first Sunday of every month"
        );
    }

    #[test]
    fn search_queries_round_trip_and_the_first_visit_looks_near_the_duomo() {
        let (mode, radius, p, errors) = read_search(&SearchForm::default(), true);
        assert_eq!((mode, radius), ("duomo", 2000));
        assert!(errors.is_empty());
        assert_eq!((p.lat, p.lon), (Some(DUOMO.0), Some(DUOMO.1)));
        let f: SearchForm = serde_html_form::from_str(
            "place=point&lat=45,47&lon=9.18&radius_m=1000&weekday=2&weekday=4&free=true&q=walk",
        )
        .unwrap();
        let (mode, radius, p, errors) = read_search(&f, false);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((mode, radius), ("point", 1000));
        assert_eq!(p.weekday, vec![2, 4]);
        let url = search_url(mode, &p, Some("abc"));
        let query = url
            .trim_start_matches("/activities?")
            .trim_end_matches("#results");
        let again: SearchForm = serde_html_form::from_str(query).unwrap();
        let (_, _, q, _) = read_search(&again, false);
        assert_eq!(q.lat, Some(45.47));
        assert_eq!(q.cursor.as_deref(), Some("abc"));
        assert_eq!(q.free, Some(true));
        let bad: SearchForm = serde_html_form::from_str("place=point&lat=north").unwrap();
        let (_, _, _, errors) = read_search(&bad, false);
        assert_eq!(
            errors.get("lat").map(String::as_str),
            Some("err-coordinate")
        );
        assert_eq!(errors.get("lon").map(String::as_str), Some("err-required"));
    }
}
