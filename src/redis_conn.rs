//! The optional Redis connection: one lazily connecting `ConnectionManager`, cloned everywhere,
//! with a key prefix. When Redis is down, callers fall back (sessions to the database, rate
//! limits to this process) instead of failing the request.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

static START: LazyLock<Instant> = LazyLock::new(Instant::now);

fn now_ms() -> u64 {
    START.elapsed().as_millis() as u64
}

/// A Redis handle with the configured key prefix.
#[derive(Clone)]
pub struct Redis {
    manager: ConnectionManager,
    client: redis::Client,
    prefix: String,
    max_backoff: Duration,
    /// While Redis is failing, callers skip it until this instant (ms since start) and use
    /// their fallback at once instead of waiting on reconnection attempts.
    down_until: Arc<AtomicU64>,
}

impl Redis {
    /// Builds the manager without connecting: the first command connects, reconnection uses
    /// exponential back-off capped at `max_backoff_ms`.
    pub fn new(url: &str, prefix: &str, max_backoff_ms: u64) -> anyhow::Result<Redis> {
        let client = redis::Client::open(url)?;
        let max_backoff = Duration::from_millis(max_backoff_ms.max(50));
        let config = ConnectionManagerConfig::new()
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(max_backoff)
            .set_number_of_retries(2)
            .set_connection_timeout(Some(Duration::from_millis(1000)))
            .set_response_timeout(Some(Duration::from_millis(1000)));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Redis {
            manager,
            client,
            prefix: prefix.to_string(),
            max_backoff,
            down_until: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The prefixed key or channel name.
    pub fn key(&self, k: &str) -> String {
        format!("{}{}", self.prefix, k)
    }

    /// Whether to try Redis now (false for a short while after a failure).
    pub fn usable(&self) -> bool {
        now_ms() >= self.down_until.load(Ordering::Relaxed)
    }

    /// Records a failed command: skip Redis for `max_backoff`, log once per outage.
    pub fn failed(&self, what: &str, error: &redis::RedisError) {
        let was_up = self.down_until.load(Ordering::Relaxed) == 0;
        self.down_until.store(
            now_ms() + self.max_backoff.as_millis() as u64,
            Ordering::Relaxed,
        );
        if was_up {
            tracing::warn!(error = %error, "Redis unavailable ({what}); using the fallback until it answers");
        }
    }

    /// Records a successful command.
    pub fn succeeded(&self) {
        if self.down_until.swap(0, Ordering::Relaxed) != 0 {
            tracing::info!("Redis answers again");
        }
    }

    /// A clone of the shared connection.
    pub fn conn(&self) -> ConnectionManager {
        self.manager.clone()
    }

    /// The client, for pub/sub connections.
    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    /// Longest pause between reconnection attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// PING with a short timeout, for the readiness probe.
    pub async fn ping(&self) -> Result<(), String> {
        let mut conn = self.conn();
        let cmd = redis::cmd("PING");
        let fut = cmd.query_async::<String>(&mut conn);
        match tokio::time::timeout(Duration::from_secs(2), fut).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("timed out".into()),
        }
    }
}
