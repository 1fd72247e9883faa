//! Password hashing (argon2id) on a bounded pool: at most `workers` hashes run at once and
//! at most `queue` more wait; beyond that the request is refused at once (503) instead of
//! piling up and starving the server.

use crate::config::AuthSettings;
use crate::error::AppError;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Hashes and verifies passwords off the async threads.
#[derive(Clone)]
pub struct Hasher {
    params: Params,
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    dummy: Arc<String>,
}

impl Hasher {
    /// Builds the pool from settings (0 workers = one per core).
    pub fn new(settings: &AuthSettings) -> anyhow::Result<Hasher> {
        let params = Params::new(
            settings.argon2_memory_kib,
            settings.argon2_iterations,
            settings.argon2_parallelism,
            None,
        )
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        let workers = if settings.hash_workers == 0 {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        } else {
            settings.hash_workers
        };
        let dummy = hash_with(&params, "a password nobody has, for unknown e-mails")?;
        Ok(Hasher {
            params,
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + settings.hash_queue)),
            dummy: Arc::new(dummy),
        })
    }

    async fn on_pool<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Unavailable("err-busy"))?;
        let _running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Unavailable("err-busy"))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing task: {e}")))
    }

    /// A PHC string for a new password.
    pub async fn hash(&self, password: SecretString) -> Result<String, AppError> {
        let params = self.params.clone();
        self.on_pool(move || hash_with(&params, password.expose_secret()))
            .await?
            .map_err(AppError::Internal)
    }

    /// Checks a password against a stored PHC string; with `None` (unknown account) it checks
    /// against a dummy hash so that the answer takes the same time, and returns false.
    pub async fn verify(
        &self,
        password: SecretString,
        phc: Option<String>,
    ) -> Result<bool, AppError> {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.dummy.as_str().to_string());
        let ok = self
            .on_pool(move || {
                PasswordHash::new(&phc)
                    .map(|parsed| {
                        Argon2::default()
                            .verify_password(password.expose_secret().as_bytes(), &parsed)
                            .is_ok()
                    })
                    .unwrap_or(false)
            })
            .await?;
        Ok(known && ok)
    }
}

fn hash_with(params: &Params, password: &str) -> anyhow::Result<String> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))
}
