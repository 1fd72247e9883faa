//! Pure logic: no actix, no diesel.

pub mod activities;
pub mod geo;
pub mod organizations;
pub mod schedule;
pub mod validation;
