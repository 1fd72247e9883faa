//! Legami: a web and websocket service that fights loneliness in a city.
//!
//! The library holds the whole application; `main.rs` is a thin command line around it.

pub mod areas;
pub mod auth;
pub mod bench;
pub mod bench_joins;
pub mod bench_live;
pub mod bench_residents;
pub mod bus;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod feeds;
pub mod i18n;
pub mod index;
pub mod jobs;
pub mod mail;
pub mod realtime;
pub mod redis_conn;
pub mod routes;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;

/// Locks a mutex that guards plain data (counters, sets, lists of senders), which stays usable
/// when a thread panicked while holding it: keep serving instead of spreading the panic.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
