//! What every request handler shares.

use crate::auth::password::Hasher;
use crate::auth::ratelimit::RateLimiter;
use crate::auth::session::SessionStore;
use crate::bus::Bus;
use crate::config::Settings;
use crate::db::Db;
use crate::mail::Mailer;
use crate::redis_conn::Redis;
use std::sync::Arc;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub redis: Option<Redis>,
    pub bus: Bus,
    pub mailer: Mailer,
    pub hasher: Hasher,
    pub sessions: SessionStore,
    pub limiter: RateLimiter,
    /// Upcoming sessions of public activities, in memory, for discovery.
    pub index: Arc<crate::index::DiscoveryIndex>,
    /// The city's areas, for point-in-polygon labels.
    pub areas: Arc<crate::areas::Areas>,
    /// Residents' files and linkers' accreditation, in memory for a short while.
    pub residents: Arc<crate::services::residents::ResidentCache>,
    /// Batched audit records of reads.
    pub audit: crate::services::audit::AuditWriter,
    /// This instance's open websockets and what they follow.
    pub hub: Arc<crate::realtime::hub::Hub>,
    /// Key for CSRF tokens (from `auth.secret_key`, or random per start).
    pub secret_key: Arc<Vec<u8>>,
}

impl AppState {
    /// Name of the session cookie: `__Host-` prefixed (and Secure) over https.
    pub fn session_cookie(&self) -> &'static str {
        if self.settings.server.is_https() {
            "__Host-legami_session"
        } else {
            "legami_session"
        }
    }

    /// Name of the CSRF cookie.
    pub fn csrf_cookie(&self) -> &'static str {
        if self.settings.server.is_https() {
            "__Host-legami_csrf"
        } else {
            "legami_csrf"
        }
    }

    /// An absolute link into the site.
    pub fn link(&self, path_and_query: &str) -> String {
        format!(
            "{}{}",
            self.settings.server.site_url.trim_end_matches('/'),
            path_and_query
        )
    }
}
