//! Discovery: a known set of activities around Piazza del Duomo, and for every filter exactly the
//! sessions it should find (computed here from what was seeded); distance order, cursor paging,
//! areas and districts, refused searches.
//!
//! The seeded window is the fortnight starting tomorrow (Milan): every weekly activity has
//! exactly two sessions in it, the one-off has one.

use crate::activities::{
    at, day_text, first_on_or_after, id_of, instant, item_ids, search, sessions, set_status,
    taxonomy, today, utc_of, wall_clock, Publisher,
};
use crate::helpers::*;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc, Weekday};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Piazza del Duomo, the centre of the searches here.
const DUOMO: (f64, f64) = (45.4642, 9.1900);

/// Great-circle distance in metres (haversine, mean Earth radius).
fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8_f64;
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let dp = (b.0 - a.0).to_radians();
    let dl = (b.1 - a.1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

#[derive(Debug, Clone, Copy)]
enum When {
    /// Every week on this day, from the first one in the window.
    Weekly(Weekday),
    /// Once, this many days after the window's first day.
    Once(i64),
}

/// One seeded activity.
#[derive(Debug)]
struct Spec {
    key: &'static str,
    /// Index of the publishing organization.
    org: usize,
    title: &'static str,
    description: &'static str,
    venue: &'static str,
    lat: f64,
    lon: f64,
    when: When,
    hour: u32,
    minute: u32,
    duration: i64,
    cost_kind: &'static str,
    cost_cents: i64,
    cost_help: bool,
    languages: &'static [&'static str],
    wheelchair: &'static str,
    access: &'static [&'static str],
    features: &'static [&'static str],
    interests: &'static [&'static str],
    publish: bool,
}

const ORGS: [&str; 3] = [
    "Camminatori del centro",
    "Circolo Sormani",
    "Rete di quartiere",
];

/// Real places around Piazza del Duomo: Palazzo Reale (~135 m), Biblioteca Sormani (~770 m),
/// Colonne di San Lorenzo (~970 m), Castello Sforzesco (~1.1 km), Giardini Montanelli (~1.4 km),
/// Arena Civica (~1.5 km), De Marchi (~4.1 km).
const SPECS: &[Spec] = &[
    Spec {
        key: "walk",
        org: 0,
        title: "Camminata del martedi",
        description: "Un giro lento intorno alla cattedrale, si parla e si cammina.",
        venue: "Piazza del Duomo",
        lat: 45.4642,
        lon: 9.1900,
        when: When::Weekly(Weekday::Tue),
        hour: 10,
        minute: 0,
        duration: 60,
        cost_kind: "free",
        cost_cents: 0,
        cost_help: false,
        languages: &["it"],
        wheelchair: "full",
        access: &["step_free", "seating"],
        features: &["drop_in", "come_alone"],
        interests: &["walking-group"],
        publish: true,
    },
    Spec {
        key: "garden",
        org: 0,
        title: "Orto condiviso",
        description: "Semina, raccolta e chiacchiere tra le aiuole.",
        venue: "Giardini Indro Montanelli",
        lat: 45.475611,
        lon: 9.197812,
        when: When::Weekly(Weekday::Wed),
        hour: 15,
        minute: 0,
        duration: 120,
        cost_kind: "pay_what_you_can",
        cost_cents: 0,
        cost_help: false,
        languages: &["it", "en"],
        wheelchair: "partial",
        access: &["step_free"],
        features: &["first_timer_friendly"],
        interests: &["urban-garden"],
        publish: true,
    },
    Spec {
        key: "bingo",
        org: 1,
        title: "Tombola serale",
        description: "Cartelle, caffè e piccoli premi.",
        venue: "Biblioteca Sormani",
        lat: 45.4606,
        lon: 9.1985,
        when: When::Weekly(Weekday::Thu),
        hour: 20,
        minute: 0,
        duration: 90,
        cost_kind: "amount",
        cost_cents: 500,
        cost_help: false,
        languages: &["it"],
        wheelchair: "no",
        access: &[],
        features: &["welcomer"],
        interests: &["board-card-games"],
        publish: true,
    },
    Spec {
        key: "choir",
        org: 1,
        title: "Coro aperto",
        description: "Si canta insieme, nessuna esperienza richiesta.",
        venue: "Arena Civica",
        lat: 45.475339,
        lon: 9.178346,
        when: When::Weekly(Weekday::Sat),
        hour: 11,
        minute: 0,
        duration: 90,
        cost_kind: "amount",
        cost_cents: 1500,
        cost_help: false,
        languages: &["it", "fr"],
        wheelchair: "full",
        access: &["accessible_toilet", "hearing_loop"],
        features: &[],
        interests: &["choir-music"],
        publish: true,
    },
    Spec {
        key: "conversation",
        org: 2,
        title: "Tavolo di conversazione",
        description: "Practice Italian and English over tea.",
        venue: "Castello Sforzesco",
        lat: 45.4705,
        lon: 9.1794,
        when: When::Weekly(Weekday::Mon),
        hour: 18,
        minute: 0,
        duration: 90,
        cost_kind: "free",
        cost_cents: 0,
        cost_help: false,
        languages: &["en", "ar"],
        wheelchair: "partial",
        access: &["quiet_space"],
        features: &["language_light", "come_alone"],
        interests: &["language-exchange"],
        publish: true,
    },
    Spec {
        key: "tech",
        org: 2,
        title: "Aiuto con lo smartphone",
        description: "Volontari pazienti rispondono a ogni domanda.",
        venue: "Colonne di San Lorenzo",
        lat: 45.4580,
        lon: 9.1812,
        when: When::Weekly(Weekday::Fri),
        hour: 14,
        minute: 0,
        duration: 60,
        cost_kind: "free",
        cost_cents: 0,
        cost_help: false,
        languages: &["it"],
        wheelchair: "full",
        access: &["step_free", "accessible_toilet"],
        features: &["drop_in", "first_timer_friendly"],
        interests: &["tech-help"],
        publish: true,
    },
    Spec {
        key: "lunch",
        org: 0,
        title: "Pranzo della domenica",
        description: "Un pasto caldo in compagnia.",
        venue: "Centro De Marchi",
        lat: 45.498828,
        lon: 9.20833,
        when: When::Weekly(Weekday::Sun),
        hour: 12,
        minute: 0,
        duration: 120,
        cost_kind: "amount",
        cost_cents: 800,
        cost_help: true,
        languages: &["it", "es"],
        wheelchair: "no",
        access: &["seating"],
        features: &["come_alone"],
        interests: &["community-meal"],
        publish: true,
    },
    Spec {
        key: "gym",
        org: 1,
        title: "Ginnastica dolce",
        description: "Esercizi seduti e in piedi, al ritmo di ciascuno.",
        venue: "Palazzo Reale",
        lat: 45.4634,
        lon: 9.1913,
        when: When::Weekly(Weekday::Tue),
        hour: 17,
        minute: 30,
        duration: 60,
        cost_kind: "amount",
        cost_cents: 300,
        cost_help: false,
        languages: &["it"],
        wheelchair: "partial",
        access: &["seating", "step_free"],
        features: &["drop_in"],
        interests: &["gentle-exercise"],
        publish: true,
    },
    Spec {
        key: "visit",
        org: 2,
        title: "Visita guidata con interprete",
        description: "Una visita lenta alle sale, con interprete LIS.",
        venue: "Palazzo Reale",
        lat: 45.4634,
        lon: 9.1913,
        when: When::Once(3),
        hour: 9,
        minute: 30,
        duration: 90,
        cost_kind: "free",
        cost_cents: 0,
        cost_help: false,
        languages: &["it", "en"],
        wheelchair: "full",
        access: &["sign_language", "step_free"],
        features: &[],
        interests: &["culture-visits"],
        publish: true,
    },
    Spec {
        key: "draft",
        org: 2,
        title: "Laboratorio in preparazione",
        description: "Ancora una bozza: nessuno deve trovarla.",
        venue: "Piazza del Duomo",
        lat: 45.4642,
        lon: 9.1900,
        when: When::Weekly(Weekday::Wed),
        hour: 10,
        minute: 0,
        duration: 60,
        cost_kind: "free",
        cost_cents: 0,
        cost_help: false,
        languages: &["it", "en"],
        wheelchair: "full",
        access: &["step_free"],
        features: &["drop_in"],
        interests: &["crafts"],
        publish: false,
    },
];

impl Spec {
    fn place(&self) -> (f64, f64) {
        (self.lat, self.lon)
    }
    fn distance(&self) -> f64 {
        haversine(DUOMO, self.place())
    }
    fn free_or_pwyc(&self) -> bool {
        self.cost_kind != "amount"
    }
    fn speaks(&self, lang: &str) -> bool {
        self.languages.contains(&lang) || self.features.contains(&"language_light")
    }
    fn wheelchair_at_least(&self, level: &str) -> bool {
        let rank = |w: &str| {
            ["no", "partial", "full"]
                .iter()
                .position(|x| *x == w)
                .unwrap()
        };
        rank(self.wheelchair) >= rank(level)
    }
}

/// One seeded session inside the window.
#[derive(Debug, Clone)]
struct Session {
    id: i64,
    spec: usize,
    local: NaiveDateTime,
    starts: DateTime<Utc>,
}

/// Everything seeded.
struct World {
    publishers: Vec<Publisher>,
    /// Activity ids, by spec index.
    activities: Vec<i64>,
    /// Activity views as created, by spec index.
    views: Vec<Value>,
    /// Sessions of published activities inside the window.
    sessions: Vec<Session>,
    first_day: NaiveDate,
    last_day: NaiveDate,
    /// slug → (id, parent id)
    interests: HashMap<String, (i64, Option<i64>)>,
}

fn byday(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

async fn seed(app: &TestApp) -> World {
    let mut publishers = Vec::new();
    for (i, name) in ORGS.iter().enumerate() {
        publishers.push(Publisher::new(app, &format!("org{i}@example.org"), name).await);
    }
    let interests: HashMap<String, (i64, Option<i64>)> = taxonomy(app)
        .await
        .iter()
        .map(|t| {
            (
                t["slug"].as_str().expect("slug").to_string(),
                (id_of(t), t["parent_id"].as_i64()),
            )
        })
        .collect();
    let first_day = today() + Duration::days(1);
    let last_day = first_day + Duration::days(13);
    let mut world = World {
        publishers,
        activities: Vec::new(),
        views: Vec::new(),
        sessions: Vec::new(),
        first_day,
        last_day,
        interests,
    };
    for (i, spec) in SPECS.iter().enumerate() {
        let (day, rrule) = match spec.when {
            When::Weekly(w) => (
                first_on_or_after(first_day, w),
                format!("FREQ=WEEKLY;BYDAY={}", byday(w)),
            ),
            When::Once(n) => (first_day + Duration::days(n), String::new()),
        };
        let start = at(day, spec.hour, spec.minute);
        let interest_ids: Vec<i64> = spec
            .interests
            .iter()
            .map(|s| world.interests[*s].0)
            .collect();
        let body = json!({
            "title": spec.title,
            "description": spec.description,
            "venue_name": spec.venue,
            "address": format!("{}, Milano", spec.venue),
            "latitude": spec.lat,
            "longitude": spec.lon,
            "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
            "duration_minutes": spec.duration,
            "rrule": rrule,
            "cost_kind": spec.cost_kind,
            "cost_cents": spec.cost_cents,
            "cost_help": spec.cost_help,
            "languages": spec.languages,
            "wheelchair": spec.wheelchair,
            "accessibility": spec.access,
            "low_barrier": spec.features,
            "interests": interest_ids,
            "publish": spec.publish,
        });
        let view = world.publishers[spec.org].create(app, &body).await;
        let expected: Vec<NaiveDateTime> = match spec.when {
            When::Weekly(_) => vec![start, start + Duration::days(7)],
            When::Once(_) => vec![start],
        };
        let in_window: Vec<Value> = sessions(&view)
            .into_iter()
            .filter(|s| (first_day..=last_day).contains(&wall_clock(&s["starts_at_local"]).date()))
            .collect();
        let got: Vec<NaiveDateTime> = in_window
            .iter()
            .map(|s| wall_clock(&s["starts_at_local"]))
            .collect();
        assert_eq!(got, expected, "seeding {}: {view}", spec.key);
        if spec.publish {
            for s in &in_window {
                world.sessions.push(Session {
                    id: id_of(s),
                    spec: i,
                    local: wall_clock(&s["starts_at_local"]),
                    starts: instant(&s["starts_at"]),
                });
            }
        }
        world.activities.push(id_of(&view));
        world.views.push(view);
    }
    assert_eq!(world.sessions.len(), 17);
    world
}

impl World {
    fn window(&self) -> String {
        format!(
            "from={}&to={}",
            day_text(self.first_day),
            day_text(self.last_day)
        )
    }

    fn index(&self, key: &str) -> usize {
        SPECS
            .iter()
            .position(|s| s.key == key)
            .unwrap_or_else(|| panic!("no spec {key}"))
    }

    fn interest(&self, slug: &str) -> i64 {
        self.interests[slug].0
    }

    /// Whether the spec carries the interest `id` or one of its children.
    fn has_interest(&self, spec: &Spec, id: i64) -> bool {
        spec.interests.iter().any(|s| {
            let (sid, parent) = self.interests[*s];
            sid == id || parent == Some(id)
        })
    }

    /// The session ids, in time order, of the seeded sessions that pass `keep`.
    fn expect(&self, keep: impl Fn(&Spec, &Session) -> bool) -> Vec<i64> {
        let mut v: Vec<&Session> = self
            .sessions
            .iter()
            .filter(|s| keep(&SPECS[s.spec], s))
            .collect();
        v.sort_by_key(|s| (s.starts, s.id));
        v.iter().map(|s| s.id).collect()
    }

    /// The ids a search over the window (unless the query names its own days) finds, all of
    /// them on one page.
    async fn find(&self, app: &TestApp, query: &str) -> Vec<i64> {
        let days = if query.contains("from=") {
            String::new()
        } else {
            self.window()
        };
        let page = search(app, &format!("{days}&limit=50&{query}")).await;
        let ids = item_ids(&page);
        assert_eq!(
            page["total"],
            ids.len(),
            "{query}: total disagrees with the items: {page}"
        );
        assert_eq!(page["next_cursor"], Value::Null, "{query}: {page}");
        ids
    }

    /// Runs each (query, expected) row and reports every mismatch at once.
    async fn check_rows(&self, app: &TestApp, rows: Vec<(String, Vec<i64>)>) {
        let mut wrong = Vec::new();
        for (query, expected) in rows {
            let got = self.find(app, &query).await;
            if got != expected {
                wrong.push(format!(
                    "{query}\n    expected {:?}\n    got      {:?}",
                    self.describe(&expected),
                    self.describe(&got)
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "searches that found the wrong sessions:\n{}",
            wrong.join("\n")
        );
    }

    /// Session ids as `key@local time` for readable failures.
    fn describe(&self, ids: &[i64]) -> Vec<String> {
        ids.iter()
            .map(|id| match self.sessions.iter().find(|s| s.id == *id) {
                Some(s) => format!("{}@{}", SPECS[s.spec].key, s.local.format("%a %d %H:%M")),
                None => format!("unknown session {id}"),
            })
            .collect()
    }
}

fn sorted_texts(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {v}"))
        .iter()
        .map(|t| {
            t.as_str()
                .unwrap_or_else(|| panic!("expected text, got {t}"))
                .to_string()
        })
        .collect();
    out.sort();
    out
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = v.iter().map(|t| t.to_string()).collect();
    out.sort();
    out
}

fn part_of_day(t: NaiveDateTime) -> &'static str {
    match t.hour() {
        0..=11 => "morning",
        12..=17 => "afternoon",
        _ => "evening",
    }
}

both_backends! {
    async fn without_filters_a_search_finds_every_published_session_in_time_order(app) {
        let w = seed(&app).await;
        let page = search(&app, &format!("{}&limit=50", w.window())).await;
        let expected = w.expect(|_, _| true);
        assert_eq!(item_ids(&page), expected, "{:?}", w.describe(&item_ids(&page)));
        assert_eq!(page["total"], expected.len());
        assert_eq!(page["next_cursor"], Value::Null);

        // Each result says what a person needs to decide.
        for item in page["items"].as_array().unwrap() {
            let s = w.sessions.iter().find(|s| s.id == id_of(item)).unwrap();
            let spec = &SPECS[s.spec];
            let interests: Vec<i64> = spec.interests.iter().map(|i| w.interest(i)).collect();
            assert_eq!(item["activity_id"], w.activities[s.spec], "{item}");
            assert_eq!(item["title"], spec.title, "{item}");
            assert_eq!(item["organization"], ORGS[spec.org], "{item}");
            assert_eq!(item["venue_name"], spec.venue, "{item}");
            assert_eq!(item["address"], format!("{}, Milano", spec.venue), "{item}");
            assert_eq!(instant(&item["starts_at"]), utc_of(s.local), "{item}");
            assert_eq!(wall_clock(&item["starts_at_local"]), s.local, "{item}");
            assert_eq!(instant(&item["ends_at"]) - instant(&item["starts_at"]), Duration::minutes(spec.duration), "{item}");
            assert_eq!(item["cost_kind"], spec.cost_kind, "{item}");
            assert_eq!(item["cost_cents"], spec.cost_cents, "{item}");
            assert_eq!(item["cost_help"], spec.cost_help, "{item}");
            assert_eq!(item["capacity"], Value::Null, "{item}");
            assert_eq!(item["wheelchair"], spec.wheelchair, "{item}");
            // Tags in any order.
            assert_eq!(sorted_texts(&item["languages"]), sorted(spec.languages), "{item}");
            assert_eq!(sorted_texts(&item["accessibility"]), sorted(spec.access), "{item}");
            assert_eq!(sorted_texts(&item["low_barrier"]), sorted(spec.features), "{item}");
            let mut got: Vec<i64> = item["interests"].as_array().unwrap().iter().filter_map(Value::as_i64).collect();
            got.sort_unstable();
            let mut interests = interests;
            interests.sort_unstable();
            assert_eq!(got, interests, "{item}");
            assert_eq!(item["distance_m"], Value::Null, "no centre, no distance: {item}");
            assert_eq!(item["area"], w.views[s.spec]["area"]["name"], "{item}");
            assert!((item["latitude"].as_f64().unwrap() - spec.lat).abs() < 1e-9, "{item}");
            assert!((item["longitude"].as_f64().unwrap() - spec.lon).abs() < 1e-9, "{item}");
        }
    }

    async fn a_search_around_piazza_del_duomo_finds_exactly_what_lies_within_the_radius(app) {
        let w = seed(&app).await;
        let centre = format!("lat={}&lon={}", DUOMO.0, DUOMO.1);
        let mut rows = vec![(centre.clone(), w.expect(|a, _| a.distance() <= 2000.0))];
        for r in [150.0, 1000.0, 2000.0, 5000.0] {
            rows.push((format!("{centre}&radius_m={r}"), w.expect(|a, _| a.distance() <= r)));
        }
        // Around De Marchi, only the lunch is near.
        let de_marchi = (45.498828, 9.20833);
        rows.push((
            format!("lat={}&lon={}&radius_m=500", de_marchi.0, de_marchi.1),
            w.expect(|a, _| haversine(de_marchi, a.place()) <= 500.0),
        ));
        // The rows differ from each other: the radius really narrows.
        assert!(rows[1].1.len() < rows[2].1.len() && rows[2].1.len() < rows[3].1.len() && rows[3].1.len() < rows[4].1.len(), "{rows:?}");
        w.check_rows(&app, rows).await;

        // Each result carries its distance from the centre.
        let page = search(&app, &format!("{}&limit=50&{centre}&radius_m=5000", w.window())).await;
        for item in page["items"].as_array().unwrap() {
            let s = w.sessions.iter().find(|s| s.id == id_of(item)).unwrap();
            let d = SPECS[s.spec].distance();
            let got = item["distance_m"].as_f64().unwrap_or_else(|| panic!("no distance in {item}"));
            assert!((got - d).abs() <= 1.0, "{}: distance {got}, expected {d:.1}", SPECS[s.spec].key);
        }
    }

    async fn filters_on_the_time_of_day_and_the_weekday_find_exactly_the_matching_sessions(app) {
        let w = seed(&app).await;
        let mut rows = Vec::new();
        for part in ["morning", "afternoon", "evening"] {
            rows.push((format!("time_of_day={part}"), w.expect(|_, s| part_of_day(s.local) == part)));
        }
        rows.push((
            "time_of_day=morning&time_of_day=evening".into(),
            w.expect(|_, s| part_of_day(s.local) != "afternoon"),
        ));
        for day in 1..=7u32 {
            rows.push((format!("weekday={day}"), w.expect(|_, s| s.local.weekday().number_from_monday() == day)));
        }
        rows.push((
            "weekday=6&weekday=7".into(),
            w.expect(|_, s| s.local.weekday().number_from_monday() >= 6),
        ));
        rows.push((
            "weekday=2&time_of_day=afternoon".into(),
            w.expect(|_, s| s.local.weekday() == Weekday::Tue && part_of_day(s.local) == "afternoon"),
        ));
        // The boundaries: 12:00 is afternoon, 18:00 is evening.
        assert!(SPECS.iter().any(|s| s.hour == 12 && s.minute == 0) && SPECS.iter().any(|s| s.hour == 18 && s.minute == 0));
        // A narrower window.
        let tuesday = first_on_or_after(w.first_day, Weekday::Tue);
        rows.push((
            format!("from={0}&to={0}", day_text(tuesday)),
            w.expect(|_, s| s.local.date() == tuesday),
        ));
        w.check_rows(&app, rows).await;
    }

    async fn filters_on_interests_include_the_children_of_a_parent(app) {
        let w = seed(&app).await;
        let mut rows = Vec::new();
        for slug in ["outdoors", "culture", "walking-group", "tech-help", "crafts", "pets"] {
            let id = w.interest(slug);
            rows.push((format!("interest={id}"), w.expect(|a, _| w.has_interest(a, id))));
        }
        let (walking, tech) = (w.interest("walking-group"), w.interest("tech-help"));
        rows.push((
            format!("interest={walking}&interest={tech}"),
            w.expect(|a, _| w.has_interest(a, walking) || w.has_interest(a, tech)),
        ));
        // The parent finds both its children's activities.
        assert_eq!(rows[0].1.len(), 4, "outdoors: the walk and the garden, twice each");
        w.check_rows(&app, rows).await;
    }

    async fn filters_on_cost_find_the_free_and_the_affordable_sessions(app) {
        let w = seed(&app).await;
        let mut rows = vec![
            ("free=true".to_string(), w.expect(|a, _| a.free_or_pwyc())),
            ("free=false".to_string(), w.expect(|_, _| true)),
        ];
        for max in [0, 300, 500, 1000, 1500] {
            rows.push((format!("max_cost_cents={max}"), w.expect(|a, _| a.cost_cents <= max)));
        }
        rows.push(("free=true&max_cost_cents=500".into(), w.expect(|a, _| a.free_or_pwyc())));
        w.check_rows(&app, rows).await;
    }

    async fn filters_on_language_and_access_find_exactly_the_matching_sessions(app) {
        let w = seed(&app).await;
        let mut rows = Vec::new();
        // A language: the activity speaks it, or is language-light.
        for lang in ["it", "en", "ar", "fr", "es", "de"] {
            rows.push((format!("language={lang}"), w.expect(|a, _| a.speaks(lang))));
        }
        rows.push(("language=EN".into(), w.expect(|a, _| a.speaks("en"))));
        for level in ["partial", "full"] {
            rows.push((format!("wheelchair={level}"), w.expect(|a, _| a.wheelchair_at_least(level))));
        }
        let access: [&[&str]; 4] = [&["step_free"], &["step_free", "seating"], &["hearing_loop"], &["sign_language", "step_free"]];
        for need in access {
            let q: Vec<String> = need.iter().map(|n| format!("access={n}")).collect();
            rows.push((q.join("&"), w.expect(|a, _| need.iter().all(|n| a.access.contains(n)))));
        }
        let features: [&[&str]; 4] = [&["drop_in"], &["drop_in", "come_alone"], &["language_light"], &["welcomer"]];
        for want in features {
            let q: Vec<String> = want.iter().map(|n| format!("feature={n}")).collect();
            rows.push((q.join("&"), w.expect(|a, _| want.iter().all(|n| a.features.contains(n)))));
        }
        w.check_rows(&app, rows).await;
    }

    async fn words_are_looked_up_in_the_title_the_description_and_the_venue(app) {
        let w = seed(&app).await;
        let rows = vec![
            // In the venue only.
            ("q=montanelli".to_string(), w.expect(|a, _| a.key == "garden")),
            // Two words of a title, in any case.
            ("q=TOMBOLA+serale".to_string(), w.expect(|a, _| a.key == "bingo")),
            // In the description only.
            ("q=interprete+lis".to_string(), w.expect(|a, _| a.key == "visit")),
            ("q=english".to_string(), w.expect(|a, _| a.key == "conversation")),
            // Accents and capitals: CAFFÈ finds "caffè".
            ("q=CAFF%C3%88".to_string(), w.expect(|a, _| a.key == "bingo")),
            // A venue two activities share.
            ("q=palazzo+reale".to_string(), w.expect(|a, _| a.venue == "Palazzo Reale")),
            // All words must appear.
            ("q=tombola+coro".to_string(), vec![]),
            ("q=astronomia".to_string(), vec![]),
            // The draft is never found, even by its own words.
            ("q=laboratorio".to_string(), vec![]),
        ];
        w.check_rows(&app, rows).await;
    }

    async fn combined_filters_must_all_hold(app) {
        let w = seed(&app).await;
        let outdoors = w.interest("outdoors");
        let rows = vec![
            (
                format!("free=true&time_of_day=morning&wheelchair=full&lat={}&lon={}&radius_m=1000", DUOMO.0, DUOMO.1),
                w.expect(|a, s| a.free_or_pwyc() && part_of_day(s.local) == "morning" && a.wheelchair_at_least("full") && a.distance() <= 1000.0),
            ),
            (
                "language=en&free=true&weekday=1".into(),
                w.expect(|a, s| a.speaks("en") && a.free_or_pwyc() && s.local.weekday() == Weekday::Mon),
            ),
            (
                format!("interest={outdoors}&access=step_free&max_cost_cents=0&time_of_day=afternoon"),
                w.expect(|a, s| w.has_interest(a, outdoors) && a.access.contains(&"step_free") && a.cost_cents == 0 && part_of_day(s.local) == "afternoon"),
            ),
            (
                "feature=come_alone&time_of_day=evening&time_of_day=afternoon&wheelchair=partial".into(),
                w.expect(|a, s| a.features.contains(&"come_alone") && part_of_day(s.local) != "morning" && a.wheelchair_at_least("partial")),
            ),
            (
                format!("q=palazzo&language=en&lat={}&lon={}&radius_m=500", DUOMO.0, DUOMO.1),
                w.expect(|a, _| a.venue.contains("Palazzo") && a.speaks("en") && a.distance() <= 500.0),
            ),
        ];
        for (q, expected) in &rows {
            assert!(!expected.is_empty(), "{q}: the seeded set should match something");
        }
        w.check_rows(&app, rows).await;
    }

    async fn sorting_by_distance_puts_the_nearest_sessions_first(app) {
        let w = seed(&app).await;
        let query = format!("{}&limit=50&lat={}&lon={}&radius_m=5000&sort=distance", w.window(), DUOMO.0, DUOMO.1);
        let page = search(&app, &query).await;
        let mut expected: Vec<&Session> = w.sessions.iter().filter(|s| SPECS[s.spec].distance() <= 5000.0).collect();
        expected.sort_by(|a, b| {
            SPECS[a.spec].distance().total_cmp(&SPECS[b.spec].distance()).then(a.id.cmp(&b.id))
        });
        let expected: Vec<i64> = expected.iter().map(|s| s.id).collect();
        assert_eq!(item_ids(&page), expected, "got {:?}", w.describe(&item_ids(&page)));
        let distances: Vec<u64> = page["items"].as_array().unwrap().iter()
            .map(|i| i["distance_m"].as_u64().unwrap_or_else(|| panic!("no distance in {i}")))
            .collect();
        assert!(distances.windows(2).all(|p| p[0] <= p[1]), "not nearest first: {distances:?}");
        assert_eq!(distances.first(), Some(&0), "the walk is at the centre itself");

        // Distance needs a centre.
        let resp = app.get(&app.client(), &format!("/api/v1/sessions?{}&sort=distance", w.window())).await;
        let err = expect_error(resp, 422, "validation").await;
        assert!(err["error"]["fields"]["sort"].is_string(), "{err}");
    }

    async fn paging_with_a_cursor_visits_every_result_once_in_the_same_order(app) {
        let w = seed(&app).await;
        let queries = [
            String::new(),
            format!("lat={}&lon={}&radius_m=5000&sort=distance", DUOMO.0, DUOMO.1),
            "free=true".to_string(),
            "sort=time&time_of_day=afternoon".to_string(),
        ];
        for q in queries {
            let all = w.find(&app, &q).await;
            assert!(all.len() > 2, "{q}: too few results to page");
            let mut seen: Vec<i64> = Vec::new();
            let mut cursor: Option<String> = None;
            let mut pages = 0;
            loop {
                let mut query = format!("{}&limit=2&{q}", w.window());
                if let Some(c) = &cursor {
                    query.push_str(&format!("&cursor={c}"));
                }
                let page = search(&app, &query).await;
                pages += 1;
                assert!(pages <= all.len(), "{q}: paging does not end");
                let items = item_ids(&page);
                assert!(items.len() <= 2, "{q}: more than the limit: {page}");
                assert_eq!(page["total"], all.len(), "{q}: {page}");
                seen.extend(items);
                match page["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break,
                }
            }
            assert_eq!(seen, all, "{q}: pages {:?} vs one search {:?}", w.describe(&seen), w.describe(&all));
            assert_eq!(pages, all.len().div_ceil(2), "{q}");
        }
    }

    async fn an_area_or_a_district_search_finds_the_activities_located_in_it(app) {
        let w = seed(&app).await;
        let areas = expect_status(app.get(&app.client(), "/api/v1/areas").await, 200).await;
        let duomo = areas["areas"].as_array().unwrap().iter()
            .find(|a| a["name"] == "DUOMO")
            .unwrap_or_else(|| panic!("no DUOMO area in {areas}"))
            .clone();
        let code = duomo["code"].as_str().unwrap().to_string();
        let walk = w.index("walk");
        assert_eq!(w.views[walk]["area"]["code"], code.as_str(), "Piazza del Duomo is in the DUOMO area");
        assert_eq!(w.views[walk]["district"]["code"], duomo["district"]);
        let district = duomo["district"].as_str().unwrap().to_string();

        let in_area = w.expect(|_, s| w.views[s.spec]["area"]["code"] == code.as_str());
        let in_district = w.expect(|_, s| w.views[s.spec]["district"]["code"] == district.as_str());
        assert!(!in_area.is_empty() && in_area.len() < in_district.len() && in_district.len() < w.sessions.len(),
            "the seeded places should spread over areas and districts");
        // Another area with a seeded activity: the garden's.
        let garden_area = w.views[w.index("garden")]["area"]["code"].as_str().unwrap().to_string();
        assert_ne!(garden_area, code);
        let rows = vec![
            (format!("area={code}"), in_area.clone()),
            (format!("district={district}"), in_district),
            (format!("area={garden_area}"), w.expect(|_, s| w.views[s.spec]["area"]["code"] == garden_area.as_str())),
            (format!("area={code}&time_of_day=morning"), w.expect(|_, s| w.views[s.spec]["area"]["code"] == code.as_str() && part_of_day(s.local) == "morning")),
        ];
        w.check_rows(&app, rows).await;
        let page = search(&app, &format!("{}&area={code}&limit=50", w.window())).await;
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["area"], "DUOMO", "{item}");
        }
    }

    async fn a_search_can_keep_to_one_organization(app) {
        let w = seed(&app).await;
        let mut rows = Vec::new();
        for (i, p) in w.publishers.iter().enumerate() {
            rows.push((format!("organization={}", p.org_id), w.expect(|a, _| a.org == i)));
        }
        rows.push((format!("organization={}&free=true", w.publishers[0].org_id), w.expect(|a, _| a.org == 0 && a.free_or_pwyc())));
        w.check_rows(&app, rows).await;
    }

    async fn search_days_are_milan_days_so_a_session_just_after_midnight_belongs_to_the_next_day(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = crate::activities::interest(&app, "walking-group").await;
        let day = today() + Duration::days(3);
        let next = day + Duration::days(1);
        let late = org.create(&app, &crate::activities::draft("Passeggiata sotto le stelle", at(day, 23, 30), "", &[walking])).await;
        let early = org.create(&app, &crate::activities::draft("Passeggiata dopo mezzanotte", at(next, 0, 30), "", &[walking])).await;
        let (late, early) = (id_of(&sessions(&late)[0]), id_of(&sessions(&early)[0]));
        let both = format!("from={}&to={}", day_text(day), day_text(next));
        let rows: Vec<(String, Vec<i64>)> = vec![
            (format!("from={0}&to={0}", day_text(day)), vec![late]),
            (format!("from={0}&to={0}", day_text(next)), vec![early]),
            (both.clone(), vec![late, early]),
            (format!("{both}&weekday={}", day.weekday().number_from_monday()), vec![late]),
            (format!("{both}&weekday={}", next.weekday().number_from_monday()), vec![early]),
            (format!("{both}&time_of_day=evening"), vec![late]),
            (format!("{both}&time_of_day=morning"), vec![early]),
        ];
        let mut wrong = Vec::new();
        for (q, expected) in rows {
            let got = item_ids(&search(&app, &q).await);
            if got != expected {
                wrong.push(format!("{q}: expected {expected:?} got {got:?} (late {late}, early {early})"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    async fn an_activity_moved_to_another_venue_is_found_around_its_new_place(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = crate::activities::interest(&app, "walking-group").await;
        let first = at(crate::activities::next_weekday(Weekday::Tue), 10, 0);
        let mut body = crate::activities::draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking]);
        let view = org.create(&app, &body).await;
        let window = format!("from={}&to={}", day_text(first.date()), day_text(first.date() + Duration::days(13)));
        let ids: Vec<i64> = sessions(&view).iter().take(2).map(id_of).collect();
        let arena = (45.475339, 9.178346);
        let around = |p: (f64, f64)| format!("{window}&lat={}&lon={}&radius_m=300", p.0, p.1);
        assert_eq!(item_ids(&search(&app, &around(DUOMO)).await), ids);
        assert_eq!(item_ids(&search(&app, &around(arena)).await), Vec::<i64>::new());
        let old_area = view["area"]["code"].as_str().expect("an area").to_string();

        body["venue_name"] = json!("Arena Civica");
        body["address"] = json!("Viale Giorgio Byron 2, Milano");
        body["latitude"] = json!(arena.0);
        body["longitude"] = json!(arena.1);
        let moved = expect_status(crate::activities::put_activity(&app, &org.client, id_of(&view), &body).await, 200).await;
        let new_area = moved["area"]["code"].as_str().expect("an area").to_string();
        assert_ne!(new_area, old_area, "the Arena is not in the Duomo area: {moved}");

        assert_eq!(item_ids(&search(&app, &around(DUOMO)).await), Vec::<i64>::new());
        let page = search(&app, &around(arena)).await;
        assert_eq!(item_ids(&page), ids, "the same sessions, at the new place");
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["venue_name"], "Arena Civica");
            assert!(item["distance_m"].as_u64().is_some_and(|d| d <= 1), "{item}");
        }
        assert_eq!(item_ids(&search(&app, &format!("{window}&area={new_area}")).await), ids);
        assert_eq!(item_ids(&search(&app, &format!("{window}&area={old_area}")).await), Vec::<i64>::new());
    }

    async fn every_change_is_seen_by_the_very_next_search(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = crate::activities::interest(&app, "walking-group").await;
        let first = at(crate::activities::next_weekday(Weekday::Tue), 10, 0);
        let view = org.create(&app, &crate::activities::draft("Camminata del martedi", first, "FREQ=WEEKLY;BYDAY=TU", &[walking])).await;
        let id = id_of(&view);
        let window = format!("from={}&to={}", day_text(first.date()), day_text(first.date() + Duration::days(13)));
        let both: Vec<i64> = sessions(&view).iter().take(2).map(id_of).collect();
        let mut stale = Vec::new();
        for round in 0..15 {
            expect_status(set_status(&app, &org.client, id, "paused").await, 200).await;
            let got = item_ids(&search(&app, &window).await);
            if !got.is_empty() {
                stale.push(format!("round {round}: paused, yet search found {got:?}"));
            }
            expect_status(set_status(&app, &org.client, id, "published").await, 200).await;
            let got = item_ids(&search(&app, &window).await);
            if got != both {
                stale.push(format!("round {round}: published again, search found {got:?} instead of {both:?}"));
            }
            let (cancel, reschedule) = (json!({"status": "cancelled"}), json!({"status": "scheduled"}));
            expect_status(crate::activities::edit_session(&app, &org.client, both[1], &cancel).await, 200).await;
            let got = item_ids(&search(&app, &window).await);
            if got != both[..1] {
                stale.push(format!("round {round}: one session cancelled, search found {got:?}"));
            }
            expect_status(crate::activities::edit_session(&app, &org.client, both[1], &reschedule).await, 200).await;
            let got = item_ids(&search(&app, &window).await);
            if got != both {
                stale.push(format!("round {round}: the session rescheduled, search found {got:?}"));
            }
        }
        assert!(stale.is_empty(), "searches right after a successful change showed the old state:\n{}", stale.join("\n"));
    }

    async fn the_city_is_divided_into_88_areas_within_9_districts(app) {
        let areas = expect_status(app.get(&app.client(), "/api/v1/areas").await, 200).await;
        let small = areas["areas"].as_array().expect("areas");
        let large = areas["districts"].as_array().expect("districts");
        assert_eq!(small.len(), 88);
        assert_eq!(large.len(), 9);
        let district_codes: Vec<&Value> = large.iter().map(|d| &d["code"]).collect();
        for a in small {
            assert!(a["name"].as_str().is_some_and(|n| !n.is_empty()), "{a}");
            assert!(district_codes.contains(&&a["district"]), "{a} lies in no listed district");
        }
        let duomo = small.iter().find(|a| a["name"] == "DUOMO").expect("DUOMO");
        let municipio = large.iter().find(|d| d["code"] == duomo["district"]).expect("its district");
        assert_eq!(municipio["name"], "Municipio 1");
    }

    async fn bad_search_parameters_are_refused_by_name(app) {
        let t = today();
        let d = |n: i64| day_text(t + Duration::days(n));
        let rows: Vec<(String, &str)> = vec![
            (format!("from={}&to={}", d(5), d(1)), "to"),
            (format!("from={}&to={}", d(0), d(367)), "to"),
            ("from=tomorrow".into(), "from"),
            ("to=2026-13-45".into(), "to"),
            ("sort=distance".into(), "sort"),
            ("sort=random".into(), "sort"),
            ("cursor=bm90IGEgY3Vyc29y".into(), "cursor"),
            ("cursor=not-a-cursor".into(), "cursor"),
            ("lat=45.4642".into(), "lon"),
            ("lon=9.19".into(), "lat"),
            ("lat=91&lon=9.19".into(), "lat"),
            ("lat=45.4642&lon=181".into(), "lon"),
            ("lat=45.4642&lon=9.19&radius_m=10".into(), "radius_m"),
            ("lat=45.4642&lon=9.19&radius_m=20001".into(), "radius_m"),
            ("limit=0".into(), "limit"),
            ("limit=51".into(), "limit"),
            ("weekday=8".into(), "weekday"),
            ("weekday=0".into(), "weekday"),
            ("time_of_day=night".into(), "time_of_day"),
            ("area=no-such-area".into(), "area"),
            ("district=42".into(), "district"),
            ("access=teleporter".into(), "access"),
            ("feature=free_beer".into(), "feature"),
            ("wheelchair=sometimes".into(), "wheelchair"),
            ("language=italiano".into(), "language"),
            ("max_cost_cents=-1".into(), "max_cost_cents"),
        ];
        let mut wrong = Vec::new();
        for (query, field) in rows {
            let resp = app.get(&app.client(), &format!("/api/v1/sessions?{query}")).await;
            let status = resp.status().as_u16();
            let body = body_json(resp).await;
            if status != 422 || body["error"]["code"] != "validation" || !body["error"]["fields"][field].is_string() {
                wrong.push(format!("{query}: expected 422 naming {field}, got {status} {body}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));

        // A number that is not a number is a bad request, not a server error.
        let resp = app.get(&app.client(), "/api/v1/sessions?lat=abc&lon=9.19").await;
        expect_error(resp, 400, "bad_request").await;
    }

    async fn the_default_search_covers_today_and_the_next_thirty_days(app) {
        let org = Publisher::new(&app, "olga@example.org", "Camminatori del centro").await;
        let walking = crate::activities::interest(&app, "walking-group").await;
        let t = today();
        let mut ids = HashMap::new();
        for n in [1i64, 30, 31, 40] {
            let body = crate::activities::draft(&format!("Passeggiata del giorno {n}"), at(t + Duration::days(n), 10, 0), "", &[walking]);
            let view = org.create(&app, &body).await;
            ids.insert(n, id_of(&sessions(&view)[0]));
        }
        let page = search(&app, "").await;
        assert_eq!(item_ids(&page), vec![ids[&1], ids[&30]], "{page}");
        let later = search(&app, &format!("from={}&to={}", day_text(t + Duration::days(31)), day_text(t + Duration::days(45)))).await;
        assert_eq!(item_ids(&later), vec![ids[&31], ids[&40]], "{later}");
        let from_only = search(&app, &format!("from={}", day_text(t + Duration::days(30)))).await;
        assert_eq!(item_ids(&from_only), vec![ids[&30], ids[&31], ids[&40]], "thirty days from the first day: {from_only}");
    }

    async fn paused_cancelled_and_suspended_sessions_vanish_from_search(app) {
        let w = seed(&app).await;
        let (garden, bingo, walk) = (w.index("garden"), w.index("bingo"), w.index("walk"));
        let everything = w.expect(|_, _| true);
        assert_eq!(w.find(&app, "").await, everything);

        // One series paused, another cancelled, one session cancelled on its own.
        let owner = |i: usize| &w.publishers[SPECS[i].org].client;
        expect_status(set_status(&app, owner(garden), w.activities[garden], "paused").await, 200).await;
        expect_status(set_status(&app, owner(bingo), w.activities[bingo], "cancelled").await, 200).await;
        let skipped = w.sessions.iter().find(|s| s.spec == walk).unwrap().id;
        let resp = crate::activities::edit_session(&app, owner(walk), skipped, &json!({"status": "cancelled"})).await;
        expect_status(resp, 200).await;
        // And the third organization suspended.
        let suspended = &w.publishers[2];
        expect_status(app.decide_org(&suspended.admin, suspended.org_id, "suspend", "Segnalazioni ripetute").await, 200).await;

        let left = w.expect(|a, s| a.key != "garden" && a.key != "bingo" && s.id != skipped && a.org != 2);
        let found = w.find(&app, "").await;
        assert_eq!(found, left, "found {:?}", w.describe(&found));
        let query = format!("lat={}&lon={}&radius_m=5000&sort=distance", DUOMO.0, DUOMO.1);
        let by_distance = w.find(&app, &query).await;
        let mut sorted = left.clone();
        sorted.sort();
        let mut got = by_distance.clone();
        got.sort();
        assert_eq!(got, sorted, "sorting by distance shows the same sessions");

        // Resumed, the garden comes back.
        expect_status(set_status(&app, owner(garden), w.activities[garden], "published").await, 200).await;
        let back = w.expect(|a, s| a.key != "bingo" && s.id != skipped && a.org != 2);
        assert_eq!(w.find(&app, "").await, back);
    }
}
