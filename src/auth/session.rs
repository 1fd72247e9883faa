//! Durable server-side sessions: a table keyed by the SHA-256 of a random 256-bit token, with
//! Redis as a short-lived read-through cache when configured. Losing Redis logs nobody out.

use super::tokens::{hash_token, looks_like_token, new_token};
use crate::bus::{Bus, Event};
use crate::db::accounts::{self, NewSession, Session, User};
use crate::db::{Db, SessionId, UserId};
use crate::error::AppError;
use crate::redis_conn::Redis;
use chrono::Duration;

/// How long a cached session may be trusted without reading the table (bounds staleness if
/// an eviction was lost while Redis was unreachable).
const CACHE_SECS: u64 = 60;

/// Creates, finds and ends sessions.
#[derive(Clone)]
pub struct SessionStore {
    db: Db,
    redis: Option<Redis>,
    bus: Bus,
    idle: Duration,
    absolute: Duration,
    touch: Duration,
    /// Signed-in principals (session and user) by token hash, for a few seconds: most
    /// requests then need neither Redis nor the database to know who is asking. Every change
    /// (sign-out, ended sessions, suspension, profile) evicts locally at once and on every
    /// other instance through the bus; the time-to-live bounds staleness if an event is lost.
    principals: Option<moka::sync::Cache<String, (Session, User)>>,
}

impl SessionStore {
    /// A store with the configured timeouts.
    pub fn new(
        db: Db,
        redis: Option<Redis>,
        bus: Bus,
        settings: &crate::config::AuthSettings,
    ) -> Self {
        let principals = (settings.principal_cache_secs > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(200_000)
                .time_to_live(std::time::Duration::from_secs(
                    settings.principal_cache_secs,
                ))
                .support_invalidation_closures()
                .build()
        });
        SessionStore {
            db,
            redis,
            bus,
            idle: Duration::minutes(settings.session_idle_minutes.max(1)),
            absolute: Duration::hours(settings.session_absolute_hours.max(1)),
            touch: Duration::seconds(settings.session_touch_secs.max(1)),
            principals,
        }
    }

    /// A principal remembered for this token, if it is still fresh: not expired, and its
    /// "last seen" needs no update yet (otherwise the slow path refreshes it).
    pub fn remembered(&self, token: &str) -> Option<(Session, User)> {
        let cache = self.principals.as_ref()?;
        if !looks_like_token(token) {
            return None;
        }
        let (session, user) = cache.get(&hash_token(token))?;
        let now = crate::db::now();
        (session.expires_at > now
            && now - session.last_seen_at < self.touch
            && session.last_seen_at + self.idle > now)
            .then_some((session, user))
    }

    /// Remembers a principal found the slow way.
    pub fn remember(&self, session: &Session, user: &User) {
        if let Some(cache) = &self.principals {
            cache.insert(session.token_hash.clone(), (session.clone(), user.clone()));
        }
    }

    /// Forgets every remembered principal of a user on this instance.
    pub fn forget_user(&self, user: i64) {
        if let Some(cache) = &self.principals {
            // Only fails when closures are not supported, which the builder turns on.
            let _ = cache.invalidate_entries_if(move |_, (s, _)| s.user_id == user);
        }
    }

    /// Forgets every remembered principal (after missed events).
    pub fn forget_all(&self) {
        if let Some(cache) = &self.principals {
            cache.invalidate_all();
        }
    }

    /// A user's account changed (name, language, roles): forget them here and everywhere.
    pub async fn user_changed(&self, user: UserId) {
        self.forget_user(user.0);
        self.bus
            .publish(Event::PrincipalChanged { user_id: user.0 })
            .await;
    }

    /// Idle timeout.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    /// Starts a session; returns the token for the cookie (never stored) and the row.
    pub async fn create(
        &self,
        user: UserId,
        user_agent: &str,
    ) -> Result<(String, Session), AppError> {
        let token = new_token();
        let hash = hash_token(&token);
        let ua: String = user_agent.chars().take(200).collect();
        let absolute = self.absolute;
        let session = self
            .db
            .run(move |conn| {
                let now = crate::db::now();
                let id = accounts::insert_session(
                    conn,
                    &NewSession {
                        token_hash: &hash,
                        user_id: user.0,
                        created_at: now,
                        last_seen_at: now,
                        expires_at: now + absolute,
                        user_agent: &ua,
                    },
                )?;
                Ok(Session {
                    id: id.0,
                    token_hash: hash,
                    user_id: user.0,
                    created_at: now,
                    last_seen_at: now,
                    expires_at: now + absolute,
                    user_agent: ua,
                })
            })
            .await?;
        Ok((token, session))
    }

    /// The live session for a cookie token, refreshing its "last seen" now and then.
    pub async fn lookup(&self, token: &str) -> Result<Option<Session>, AppError> {
        if !looks_like_token(token) {
            return Ok(None);
        }
        let hash = hash_token(token);
        let mut session = match self.cache_get(&hash).await {
            Some(s) => Some(s),
            None => {
                let h = hash.clone();
                let found = self
                    .db
                    .run(move |conn| Ok(accounts::find_session(conn, &h)?))
                    .await?;
                if let Some(s) = &found {
                    self.cache_put(s).await;
                }
                found
            }
        };
        let now = crate::db::now();
        if let Some(s) = &session {
            if s.expires_at <= now || s.last_seen_at + self.idle <= now {
                self.end(UserId(s.user_id), Some(SessionId(s.id)), None)
                    .await?;
                return Ok(None);
            }
        }
        if let Some(s) = session.as_mut() {
            if now - s.last_seen_at >= self.touch {
                s.last_seen_at = now;
                let id = SessionId(s.id);
                self.db
                    .run(move |conn| Ok(accounts::touch_session(conn, id, now)?))
                    .await?;
                self.cache_put(s).await;
            }
        }
        Ok(session)
    }

    /// Ends sessions of a user: one (`only`), all but one (`except`), or all. Returns how many.
    pub async fn end(
        &self,
        user: UserId,
        only: Option<SessionId>,
        except: Option<SessionId>,
    ) -> Result<usize, AppError> {
        let hashes = self
            .db
            .run(move |conn| Ok(accounts::delete_sessions(conn, user, only, except)?))
            .await?;
        self.cache_evict(&hashes).await;
        if !hashes.is_empty() {
            self.user_changed(user).await;
        }
        Ok(hashes.len())
    }

    async fn cache_get(&self, hash: &str) -> Option<Session> {
        let redis = self.redis.as_ref().filter(|r| r.usable())?;
        let mut conn = redis.conn();
        let raw: redis::RedisResult<Option<String>> = redis::cmd("GET")
            .arg(redis.key(&format!("session:{hash}")))
            .query_async(&mut conn)
            .await;
        match raw {
            Ok(Some(json)) => {
                redis.succeeded();
                serde_json::from_str(&json).ok()
            }
            Ok(None) => {
                redis.succeeded();
                None
            }
            Err(e) => {
                redis.failed("session cache", &e);
                None
            }
        }
    }

    async fn cache_put(&self, s: &Session) {
        let Some(redis) = self.redis.as_ref().filter(|r| r.usable()) else {
            return;
        };
        let Ok(json) = serde_json::to_string(s) else {
            return;
        };
        let mut conn = redis.conn();
        let res: redis::RedisResult<()> = redis::cmd("SET")
            .arg(redis.key(&format!("session:{}", s.token_hash)))
            .arg(json)
            .arg("EX")
            .arg(CACHE_SECS)
            .query_async(&mut conn)
            .await;
        match res {
            Ok(()) => redis.succeeded(),
            Err(e) => redis.failed("session cache write", &e),
        }
    }

    async fn cache_evict(&self, hashes: &[String]) {
        let Some(redis) = &self.redis else { return };
        if hashes.is_empty() {
            return;
        }
        let keys: Vec<String> = hashes
            .iter()
            .map(|h| redis.key(&format!("session:{h}")))
            .collect();
        let mut conn = redis.conn();
        // Tried even while Redis seems down: a stale cached session must not outlive sign-out.
        let res: redis::RedisResult<i64> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
        match res {
            Ok(_) => redis.succeeded(),
            Err(e) => {
                redis.failed("session cache eviction", &e);
                tracing::warn!(
                    "a session cache eviction was lost; the entries expire within {CACHE_SECS}s"
                );
            }
        }
    }
}
