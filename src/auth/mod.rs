//! Accounts: password hashing, sessions, CSRF, rate limits, the current-user extractors and
//! the sign-up / sign-in / verification / reset flows shared by the API and the pages.

pub mod csrf;
pub mod extract;
pub mod flows;
pub mod password;
pub mod ratelimit;
pub mod session;
pub mod tokens;

pub use extract::{Admin, CurrentUser, MaybeUser};
