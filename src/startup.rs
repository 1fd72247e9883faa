//! Builds the application from settings: storage, Redis, mail, hashing pool, routes; binds the
//! listener (port 0 works) and serves.

use crate::auth::password::Hasher;
use crate::auth::ratelimit::RateLimiter;
use crate::auth::session::SessionStore;
use crate::bus::Bus;
use crate::config::Settings;
use crate::db::{self, Db};
use crate::mail::Mailer;
use crate::redis_conn::Redis;
use crate::state::AppState;
use crate::{routes, telemetry, web as w};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

/// A built, bound, not yet running application.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

/// Builds the shared state: opens storage (running migrations), Redis, mailer, hasher.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let url = settings.database.effective_url();
    {
        let url = url.clone();
        tokio::task::spawn_blocking(move || db::run_migrations(&url))
            .await
            .context("migration task")??;
    }
    let db = Db::connect(&settings.database)?;
    let (told_tx, mut told_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<(i64, i64)>>();
    db.announce_notifications_to(told_tx);
    let areas = crate::areas::Areas::load(
        &settings.city.small_areas_file,
        &settings.city.large_areas_file,
    )?;
    crate::areas::sync_table(&db, &areas).await?;
    let redis = match settings.redis.url() {
        Some(u) => Some(Redis::new(
            &u,
            &settings.redis.prefix,
            settings.redis.max_backoff_ms,
        )?),
        None => None,
    };
    let bus = Bus::new(redis.clone());
    {
        // Stored notifications, announced on the bus once their transaction has committed.
        let bus = bus.clone();
        tokio::spawn(async move {
            while let Some(written) = told_rx.recv().await {
                for (user_id, notification_id) in written {
                    bus.publish(crate::bus::Event::Notified {
                        user_id,
                        notification_id,
                    })
                    .await;
                }
            }
        });
    }
    let mailer = Mailer::new(&settings.mail)?;
    let hasher = Hasher::new(&settings.auth)?;
    let sessions = SessionStore::new(db.clone(), redis.clone(), bus.clone(), &settings.auth);
    let limiter = RateLimiter::new(redis.clone());
    let key = settings.auth.secret_key.expose_secret().trim().to_string();
    let secret_key = if key.is_empty() {
        let mut bytes = vec![0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        bytes
    } else {
        key.into_bytes()
    };
    let tz: chrono_tz::Tz = settings
        .city
        .timezone
        .parse()
        .unwrap_or(chrono_tz::Europe::Rome);
    let (ref_lat, ref_lon) = areas.reference_point().unwrap_or((45.4642, 9.1900));
    let index = Arc::new(crate::index::DiscoveryIndex::new(
        tz,
        settings.city.horizon_days,
        ref_lat,
        ref_lon,
    ));
    let settings_residents = settings.residents.clone();
    let hub = Arc::new(crate::realtime::hub::Hub::new(settings.live.clone()));
    let db_for_audit = db.clone();
    let state = AppState {
        index,
        settings: Arc::new(settings),
        db,
        redis,
        bus,
        mailer,
        hasher,
        sessions,
        limiter,
        areas: Arc::new(areas),
        residents: Arc::new(crate::services::residents::ResidentCache::new(
            settings_residents.cache_secs,
            settings_residents.cache_capacity,
        )),
        audit: crate::services::audit::AuditWriter::start(db_for_audit),
        hub,
        secret_key: Arc::new(secret_key),
    };
    crate::services::activities::seed_interests(&state).await?;
    let sessions = state
        .index
        .rebuild(&state.db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(sessions, "discovery index built");
    crate::jobs::spawn_index_follower(state.clone());
    crate::services::residents::spawn_cache_follower(state.clone());
    crate::realtime::spawn_bridge(state.clone());
    Ok(state)
}

/// Binds the listening socket with a deep accept queue (1024): after an instance restarts,
/// every open page reconnects its websocket at once, and the default queue of 128 would
/// make many of them wait for a retry.
pub fn bind_listener(address: &str) -> anyhow::Result<TcpListener> {
    use std::net::ToSocketAddrs;
    let addr = address
        .to_socket_addrs()
        .with_context(|| format!("resolving {address}"))?
        .next()
        .with_context(|| format!("no address for {address}"))?;
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    socket.set_reuse_address(true)?;
    socket
        .bind(&addr.into())
        .with_context(|| format!("binding {address}"))?;
    socket.listen(1024)?;
    Ok(socket.into())
}

impl Application {
    /// Builds everything and binds `server.bind`.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let listener = bind_listener(&settings.server.bind)?;
        let state = build_state(settings).await?;
        Self::with_state(state, listener)
    }

    /// Serves an existing state on a bound listener.
    pub fn with_state(state: AppState, listener: TcpListener) -> anyhow::Result<Application> {
        let port = listener.local_addr()?.port();
        let workers = match state.settings.server.workers {
            0 => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            n => n,
        };
        crate::jobs::spawn_housekeeping(state.clone());
        crate::jobs::spawn_horizon(state.clone());
        crate::services::participation::spawn_sweeper(state.clone());
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(w::json_config())
                .app_data(w::path_config())
                .app_data(w::query_config())
                .app_data(web::FormConfig::default().limit(64 * 1024))
                // The last `wrap` is the outermost.
                .wrap(w::CompressHttp)
                .wrap(from_fn(w::csrf_cookie))
                .wrap(from_fn(w::check_origin))
                .wrap(from_fn(w::render_errors))
                .wrap(from_fn(w::security_headers))
                .wrap(TracingLogger::<telemetry::RequestSpan>::new())
                .configure(routes::configure)
        })
        .workers(workers)
        // Small writes go out at once: a websocket frame or a response that follows an
        // unacknowledged one would otherwise wait for the peer's delayed ACK (40 ms on Linux).
        .tcp_nodelay(true)
        .listen(listener)?
        .run();
        Ok(Application {
            port,
            server,
            state,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests read the in-memory mailer from it).
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until the process is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
