//! HTML pages: server-rendered, usable without JavaScript, in the visitor's language.

pub mod account;
pub mod activities;
pub mod admin;
pub mod auth;
pub mod bookings;
pub mod home;
pub mod notifications;
pub mod organizations;
pub mod register;
pub mod residents;

use crate::db::activities::Interest;
use crate::error::{AppError, FieldErrors};
use crate::i18n::Lang;
use actix_web::web;
use std::collections::BTreeMap;

/// Field errors translated for a form: field → sentence.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(BTreeMap<String, String>);

impl FormErrors {
    /// No errors.
    pub fn new() -> FormErrors {
        FormErrors::default()
    }
    /// Whether a field has an error.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    /// The error of a field.
    pub fn msg(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
    /// Whether the form is fine.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Every (field, sentence).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }
}

/// Translates the field errors of a validation error; other errors pass through.
pub fn form_errors(err: AppError, lang: Lang) -> Result<FormErrors, AppError> {
    match err {
        AppError::Validation(fields) => Ok(translate(&fields, lang)),
        other => Err(other),
    }
}

/// Translates field errors.
pub fn translate(fields: &FieldErrors, lang: Lang) -> FormErrors {
    FormErrors(fields.iter().map(|(k, v)| (k.clone(), lang.t(v))).collect())
}

/// One checkbox, radio button or option of a form.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

impl Choice {
    /// A choice with its value, its label in the page's language, and whether it is checked.
    pub fn new(value: impl Into<String>, label: String, checked: bool) -> Choice {
        Choice {
            value: value.into(),
            label,
            checked,
        }
    }
}

/// Checkboxes under a heading (interests under their parent).
#[derive(Debug, Clone)]
pub struct Group {
    pub legend: String,
    pub choices: Vec<Choice>,
}

/// Interests as checkboxes grouped under their parents (the parent itself first, labelled
/// with the message `whole_key`); deprecated terms left out.
pub fn interest_groups(
    lang: Lang,
    all: &[Interest],
    chosen: &[String],
    whole_key: &str,
) -> Vec<Group> {
    let mut parents: Vec<&Interest> = all
        .iter()
        .filter(|i| i.parent_id.is_none() && i.deprecated_at.is_none())
        .collect();
    parents.sort_by_key(|i| i.sort_order);
    parents
        .into_iter()
        .map(|parent| {
            let name = parent.name(lang.code()).to_string();
            let checked = |id: i64| chosen.iter().any(|c| c.trim() == id.to_string());
            let mut choices = vec![Choice::new(
                parent.id.to_string(),
                lang.ta(whole_key, &[("name", name.clone())]),
                checked(parent.id),
            )];
            let mut kids: Vec<&Interest> = all
                .iter()
                .filter(|i| i.parent_id == Some(parent.id) && i.deprecated_at.is_none())
                .collect();
            kids.sort_by_key(|i| i.sort_order);
            choices.extend(kids.into_iter().map(|k| {
                Choice::new(
                    k.id.to_string(),
                    k.name(lang.code()).to_string(),
                    checked(k.id),
                )
            }));
            Group {
                legend: name,
                choices,
            }
        })
        .collect()
}

/// Registers the page routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(home::configure)
        .configure(auth::configure)
        .configure(account::configure)
        .configure(organizations::configure)
        .configure(admin::configure)
        .configure(activities::configure)
        .configure(residents::configure)
        .configure(bookings::configure)
        .configure(register::configure)
        .configure(notifications::configure);
}

/// A time for people: local time (Europe/Rome), day-first in Italian.
pub fn format_time(t: &chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    let local = t.with_timezone(&chrono_tz::Europe::Rome);
    match lang.code() {
        "en" => local.format("%-d %b %Y, %H:%M").to_string(),
        _ => local.format("%d/%m/%Y, %H:%M").to_string(),
    }
}
