//! Flows that several routes share (API and pages): a transaction's worth of work each, with
//! permission checks, audit records, bus events and mails.

pub mod activities;
pub mod audit;
pub mod discovery;
pub mod notifications;
pub mod organizations;
pub mod participation;
pub mod residents;
