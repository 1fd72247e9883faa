//! Pure logic: no actix, no diesel.

pub mod organizations;
pub mod validation;
