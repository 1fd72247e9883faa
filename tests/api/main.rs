//! Black-box tests: each test starts the real application on port 0 with its own database
//! (a temporary SQLite file, or a PostgreSQL database cloned from a migrated template plus a
//! Redis key prefix of its own) and talks HTTP to it. Every test runs on both backends:
//! `cargo test --test api sqlite::` or `cargo test --test api postgres::` selects one half.

#[macro_use]
mod helpers;
mod linkers;

mod activities;
mod activity_pages;
mod admin;
mod auth;
mod bad_input;
mod csrf;
mod discovery;
mod feeds;
mod health;
mod live;
mod live_browser;
mod notifications;
mod organizations;
mod pages;
mod participation;
mod participation_pages;
mod rate_limits;
mod register_pages;
mod resident_pages;
mod residents;
mod sessions;
mod taxonomy_pages;
