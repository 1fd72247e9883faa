//! Storage: one diesel `MultiConnection` over PostgreSQL and SQLite, pooled by r2d2, used off
//! the async threads through [`Db::run`]. One module per table group.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod ids;
pub mod notifications;
pub mod orgs;
pub mod participation;
pub mod residents;
pub mod schema;

use crate::config::DatabaseSettings;
use crate::error::AppError;
use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

pub use ids::*;

/// PostgreSQL migrations, embedded in the binary.
pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// SQLite migrations, embedded in the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which database this instance talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// The backend a database URL names.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("sqlite://") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }
}

/// The string diesel's SQLite connection expects: the path after `sqlite://`.
fn sqlite_path(url: &str) -> &str {
    url.trim_start_matches("sqlite://")
}

fn connect_url(url: &str) -> String {
    match Backend::of_url(url) {
        Backend::Sqlite => sqlite_path(url).to_string(),
        Backend::Postgres => url.to_string(),
    }
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The pooled database handle every part of the application shares.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<AnyConnection>>,
    backend: Backend,
    /// Where notifications go once their transaction has committed (see [`outbox`]).
    outbox: Arc<OnceLock<Announcer>>,
}

/// Receives the (user, notification id) pairs of each committed piece of work.
pub type Announcer = UnboundedSender<Vec<(i64, i64)>>;

/// Notifications written by the closure running on this thread, announced by [`Db::run`]
/// once it returns successfully (so only committed rows are announced live; a rolled-back
/// transaction forgets its own). The thread-local is sound because a `run` closure runs on
/// one blocking thread from start to end.
pub mod outbox {
    use std::cell::RefCell;

    thread_local! {
        static WRITTEN: RefCell<Vec<(i64, i64)>> = const { RefCell::new(Vec::new()) };
    }

    /// Records a stored notification (user, id).
    pub fn push(user: i64, id: i64) {
        WRITTEN.with(|w| w.borrow_mut().push((user, id)));
    }

    /// How many are recorded (a mark to roll back to).
    pub(super) fn mark() -> usize {
        WRITTEN.with(|w| w.borrow().len())
    }

    /// Forgets what was recorded after `mark` (its transaction rolled back).
    pub(super) fn rollback(mark: usize) {
        WRITTEN.with(|w| w.borrow_mut().truncate(mark));
    }

    /// Takes everything recorded.
    pub(super) fn take() -> Vec<(i64, i64)> {
        WRITTEN.with(|w| std::mem::take(&mut *w.borrow_mut()))
    }
}

impl Db {
    /// Opens the pool (creating the SQLite folder when needed). Does not run migrations.
    pub fn connect(settings: &DatabaseSettings) -> anyhow::Result<Db> {
        let url = settings.effective_url();
        let backend = Backend::of_url(&url);
        if backend == Backend::Sqlite {
            if let Some(parent) = std::path::Path::new(sqlite_path(&url)).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).with_context(|| {
                        format!("creating the data folder {}", parent.display())
                    })?;
                }
            }
        }
        let manager = ConnectionManager::<AnyConnection>::new(connect_url(&url));
        let pool = Pool::builder()
            .max_size(settings.pool_size.max(1))
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(settings.pool_timeout_secs.max(1)))
            .connection_customizer(Box::new(SqlitePragmas))
            .build_unchecked(manager);
        Ok(Db {
            pool,
            backend,
            outbox: Arc::new(OnceLock::new()),
        })
    }

    /// Sends every committed notification's (user, id) to `tx` from now on (once).
    pub fn announce_notifications_to(&self, tx: Announcer) {
        let _ = self.outbox.set(tx);
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let outbox = self.outbox.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            outbox::take();
            let res = f(&mut conn);
            let written = outbox::take();
            if res.is_ok() && !written.is_empty() {
                if let Some(tx) = outbox.get() {
                    let _ = tx.send(written);
                }
            }
            res
        })
        .await?
    }

    /// Runs `f` inside one write transaction (see [`transaction`]).
    pub async fn tx<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
    {
        self.run(move |conn| transaction(conn, f)).await
    }

    /// A cheap round trip, for the readiness probe.
    pub async fn ping(&self) -> Result<(), AppError> {
        self.run(|conn| {
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map(|_| ())
                .map_err(AppError::from)
        })
        .await
    }

    /// A connection for start-up tasks outside a request (CLI, seeding).
    pub fn get(
        &self,
    ) -> Result<diesel::r2d2::PooledConnection<ConnectionManager<AnyConnection>>, r2d2::Error> {
        self.pool.get()
    }
}

/// One write transaction. On SQLite it begins `IMMEDIATE`, taking the single write lock up
/// front so concurrent writers queue (busy_timeout) instead of failing on lock upgrade; on
/// PostgreSQL it is a normal transaction. Do not nest.
pub fn transaction<T, F>(conn: &mut AnyConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError>,
{
    let mark = outbox::mark();
    let res = match conn {
        AnyConnection::Postgresql(_) => conn.transaction(|c| f(c)),
        AnyConnection::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(v) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(v),
                    Err(e) => Err(e.into()),
                },
                Err(e) => {
                    if let Err(rb) = conn.batch_execute("ROLLBACK") {
                        tracing::error!(error = %rb, "rollback failed");
                    }
                    Err(e)
                }
            }
        }
    };
    if res.is_err() {
        outbox::rollback(mark);
    }
    res
}

/// Applies every pending migration for the database at `url`.
pub fn run_migrations(url: &str) -> anyhow::Result<()> {
    match Backend::of_url(url) {
        Backend::Postgres => {
            let mut conn =
                diesel::PgConnection::establish(url).context("connecting to PostgreSQL")?;
            conn.run_pending_migrations(PG_MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("migrating PostgreSQL: {e}"))?;
        }
        Backend::Sqlite => {
            if let Some(parent) = std::path::Path::new(sqlite_path(url)).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent)?;
                }
            }
            let mut conn = diesel::SqliteConnection::establish(sqlite_path(url))
                .context("opening the SQLite database")?;
            conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")?;
            conn.run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("migrating SQLite: {e}"))?;
        }
    }
    Ok(())
}

/// Reverts every applied migration (used by CI to prove the down migrations work).
pub fn revert_all_migrations(url: &str) -> anyhow::Result<()> {
    match Backend::of_url(url) {
        Backend::Postgres => {
            let mut conn =
                diesel::PgConnection::establish(url).context("connecting to PostgreSQL")?;
            conn.revert_all_migrations(PG_MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("reverting PostgreSQL migrations: {e}"))?;
        }
        Backend::Sqlite => {
            let mut conn = diesel::SqliteConnection::establish(sqlite_path(url))
                .context("opening the SQLite database")?;
            conn.revert_all_migrations(SQLITE_MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("reverting SQLite migrations: {e}"))?;
        }
    }
    Ok(())
}

/// The current time as stored: UTC without offset, to the millisecond (both backends then
/// store exactly the same value, and feeds page by milliseconds).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let t = chrono::Utc::now().naive_utc();
    t.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(t)
}
