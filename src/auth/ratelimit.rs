//! Fixed-window rate limits keyed by client address, account or e-mail. Counters live in Redis
//! when configured (shared by every instance), else in this process. Keys are hashed, so no
//! e-mail address is ever written to Redis.

use crate::error::AppError;
use crate::redis_conn::Redis;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One limit: at most `max` hits per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window_secs: u64,
}

/// Counts hits and refuses those over the limit.
#[derive(Clone)]
pub struct RateLimiter {
    redis: Option<Redis>,
    local: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
}

impl RateLimiter {
    /// A limiter on Redis (when given) or in memory.
    pub fn new(redis: Option<Redis>) -> RateLimiter {
        RateLimiter {
            redis,
            local: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Counts a hit for each (limit, key) pair; 429 with Retry-After if any is over its limit.
    pub async fn check(&self, hits: &[(Limit, &str)]) -> Result<(), AppError> {
        let mut retry_after = 0;
        for (limit, key) in hits {
            if let Some(wait) = self.hit(*limit, key).await {
                retry_after = retry_after.max(wait);
            }
        }
        if retry_after > 0 {
            return Err(AppError::TooManyRequests { retry_after });
        }
        Ok(())
    }

    /// Counts one hit; returns the seconds to wait when over the limit.
    async fn hit(&self, limit: Limit, key: &str) -> Option<u64> {
        let digest = hex::encode(&Sha256::digest(key.to_lowercase().as_bytes())[..12]);
        let k = format!("rl:{}:{}", limit.name, digest);
        if let Some(redis) = self.redis.as_ref().filter(|r| r.usable()) {
            let mut conn = redis.conn();
            let full = redis.key(&k);
            let res: redis::RedisResult<(u32, i64)> = redis::pipe()
                .atomic()
                .cmd("INCR")
                .arg(&full)
                .cmd("EXPIRE")
                .arg(&full)
                .arg(limit.window_secs)
                .arg("NX")
                .ignore()
                .cmd("TTL")
                .arg(&full)
                .query_async(&mut conn)
                .await;
            match res {
                Ok((count, ttl)) => {
                    redis.succeeded();
                    return (count > limit.max).then(|| ttl.max(1) as u64);
                }
                Err(e) => redis.failed("rate-limit counters", &e),
            }
        }
        self.hit_local(limit, &k)
    }

    fn hit_local(&self, limit: Limit, k: &str) -> Option<u64> {
        let window = Duration::from_secs(limit.window_secs.max(1));
        let now = Instant::now();
        let mut map = self.local.lock().ok()?;
        if map.len() > 100_000 {
            map.retain(|_, (_, start)| now.duration_since(*start) < window);
        }
        let entry = map.entry(k.to_string()).or_insert((0, now));
        if now.duration_since(entry.1) >= window {
            *entry = (0, now);
        }
        entry.0 = entry.0.saturating_add(1);
        if entry.0 > limit.max {
            let left = window.saturating_sub(now.duration_since(entry.1));
            Some(left.as_secs().max(1))
        } else {
            None
        }
    }
}
