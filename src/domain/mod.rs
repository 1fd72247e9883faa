//! Pure logic: no actix, no diesel.

pub mod activities;
pub mod geo;
pub mod matching;
pub mod organizations;
pub mod participation;
pub mod questionnaires;
pub mod residents;
pub mod schedule;
pub mod validation;
