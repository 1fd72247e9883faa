//! Settings: the embedded `config/default.toml`, then `config/<env>.toml` when present, then
//! environment variables `LEGAMI__SECTION__KEY`. Unknown keys are an error naming the key.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::path::PathBuf;

const DEFAULT_TOML: &str = include_str!("../config/default.toml");
const TEST_TOML: &str = include_str!("../config/test.toml");

/// All settings of one instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub rate_limit: RateLimitSettings,
    pub city: CitySettings,
    pub i18n: I18nSettings,
    pub demo: DemoSettings,
    pub log: LogSettings,
    pub residents: ResidentSettings,
    pub matching: crate::domain::matching::Weights,
    pub participation: ParticipationSettings,
    pub live: LiveSettings,
}

/// Taking part: held seats, referrals, check-in and the register.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationSettings {
    /// Seats held for referred residents become everyone's this long before the start.
    pub reserved_release_hours: i64,
    /// An unanswered referral expires after this many days.
    pub referral_expiry_days: i64,
    /// A register nobody closed is closed this long after the session ends.
    pub auto_close_hours: i64,
    /// Participants may check in with the code from this long before the start.
    pub checkin_opens_minutes: i64,
    /// Check-in attempts per booking in 15 minutes (per address and session: four times that
    /// plus one per confirmed seat).
    pub checkin_attempts: u32,
    /// Joins without an account allowed per address and hour.
    pub guest_joins_per_hour: u32,
    /// Housekeeping (expiry, releases, automatic closing) runs this often.
    pub sweep_secs: u64,
}

/// Live updates over the websocket (`GET /ws`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveSettings {
    /// Open sockets allowed per signed-in person (beyond: 429 before the upgrade).
    pub max_sockets_per_user: usize,
    /// Open sockets allowed per client address.
    pub max_sockets_per_ip: usize,
    /// Topics one socket may follow at once (beyond: closed with 1008).
    pub max_subscriptions: usize,
    /// Largest frame a client may send, in bytes (beyond: closed with 1009).
    pub max_frame_bytes: usize,
    /// The server pings every socket this often…
    pub ping_secs: u64,
    /// …and closes one that has not answered for this long (1001).
    pub pong_timeout_secs: u64,
    /// Stored notifications replayed at most on a reconnect (older ones: over HTTP).
    pub replay_max: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub site_url: String,
    pub trust_proxy: bool,
    pub workers: usize,
}

impl ServerSettings {
    /// True when the site is served over https: Secure, `__Host-` cookies and HSTS.
    pub fn is_https(&self) -> bool {
        self.site_url.starts_with("https://")
    }
    /// The site's origin (`scheme://host[:port]`), compared with the Origin header.
    pub fn origin(&self) -> String {
        url::Url::parse(&self.site_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| self.site_url.trim_end_matches('/').to_string())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: SecretString,
    pub data_dir: String,
    pub pool_size: u32,
    pub pool_timeout_secs: u64,
}

impl DatabaseSettings {
    /// The database URL to connect to: the configured one, or the embedded SQLite file.
    pub fn effective_url(&self) -> String {
        let url = self.url.expose_secret().trim();
        if url.is_empty() {
            let path = PathBuf::from(&self.data_dir).join("legami.sqlite3");
            format!("sqlite://{}", path.display())
        } else {
            url.to_string()
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSettings {
    pub url: SecretString,
    pub prefix: String,
    pub max_backoff_ms: u64,
}

impl RedisSettings {
    /// The Redis URL when one is configured.
    pub fn url(&self) -> Option<String> {
        let url = self.url.expose_secret().trim();
        (!url.is_empty()).then(|| url.to_string())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    pub hash_workers: usize,
    pub hash_queue: usize,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub session_touch_secs: i64,
    /// Seconds a signed-in principal may be served from this instance's memory (0 = never).
    pub principal_cache_secs: u64,
    pub verify_link_hours: i64,
    pub reset_link_minutes: i64,
    pub invitation_days: i64,
    pub secret_key: SecretString,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub from: String,
    pub outbox_dir: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    pub smtp_username: String,
    pub smtp_password: SecretString,
}

/// Where mails go.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    Smtp,
    File,
    Memory,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    pub signin_per_ip: u32,
    pub signin_per_email: u32,
    pub signin_window_secs: u64,
    pub signup_per_ip: u32,
    pub signup_window_secs: u64,
    pub mail_per_email: u32,
    pub mail_per_ip: u32,
    pub mail_window_secs: u64,
    pub password_per_account: u32,
    pub password_window_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitySettings {
    pub name: String,
    pub timezone: String,
    pub small_areas_file: String,
    pub large_areas_file: String,
    pub horizon_days: i64,
}

/// Residents' files: questionnaires, access, statistics, caching.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResidentSettings {
    /// UCLA-3 total from which a person reads as lonely (3–9; 6 by convention).
    pub ucla_lonely_threshold: i32,
    /// How long an admin's "break glass" access to one resident's file lasts.
    pub break_glass_minutes: i64,
    /// Statistics never show a group smaller than this.
    pub statistics_min_group: i64,
    /// Declines older than this no longer lower a suggestion.
    pub decline_memory_days: i64,
    /// Seconds a resident's profile and access list may be served from memory (every change
    /// evicts it on every instance through the bus; this bounds staleness if an event is lost).
    pub cache_secs: u64,
    /// Most residents' profiles kept in memory per instance.
    pub cache_capacity: u64,
    /// Suggestions returned when the client does not ask for a number, and the most it may ask.
    pub suggestions_default: usize,
    pub suggestions_max: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct I18nSettings {
    pub default_locale: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSettings {
    pub seed_on_first_start: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: String,
    pub filter: String,
}

/// A configuration problem found at start.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct SettingsError(String);

impl Settings {
    /// Loads the settings for an environment: embedded defaults, `config/<env>.toml` if it exists
    /// (env from `LEGAMI_ENV`, default "local"), then `LEGAMI__…` environment variables.
    pub fn load() -> Result<Settings, SettingsError> {
        let env = std::env::var("LEGAMI_ENV").unwrap_or_else(|_| "local".into());
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ));
        if env == "test" {
            builder =
                builder.add_source(config::File::from_str(TEST_TOML, config::FileFormat::Toml));
        } else {
            let path = PathBuf::from("config").join(format!("{env}.toml"));
            builder = builder.add_source(config::File::from(path).required(false));
        }
        let builder = builder.add_source(
            config::Environment::with_prefix("LEGAMI")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        Self::finish(builder)
    }

    /// The settings the integration tests start from: defaults plus `config/test.toml`,
    /// without reading the environment.
    pub fn for_tests() -> Result<Settings, SettingsError> {
        let builder = config::Config::builder()
            .add_source(config::File::from_str(
                DEFAULT_TOML,
                config::FileFormat::Toml,
            ))
            .add_source(config::File::from_str(TEST_TOML, config::FileFormat::Toml));
        Self::finish(builder)
    }

    fn finish(
        builder: config::ConfigBuilder<config::builder::DefaultState>,
    ) -> Result<Settings, SettingsError> {
        let cfg = builder.build().map_err(|e| SettingsError(e.to_string()))?;
        let settings: Settings = cfg
            .try_deserialize()
            .map_err(|e| SettingsError(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        url::Url::parse(&self.server.site_url).map_err(|e| {
            SettingsError(format!(
                "server.site_url `{}` is not a URL: {e}",
                self.server.site_url
            ))
        })?;
        if !matches!(self.log.format.as_str(), "pretty" | "json") {
            return Err(SettingsError(format!(
                "log.format must be `pretty` or `json`, not `{}`",
                self.log.format
            )));
        }
        let url = self.database.effective_url();
        if !(url.starts_with("sqlite://")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(SettingsError(
                "database.url must start with sqlite:// or postgres://".into(),
            ));
        }
        if !crate::i18n::SUPPORTED.contains(&self.i18n.default_locale.as_str()) {
            return Err(SettingsError(format!(
                "i18n.default_locale `{}` is not one of {:?}",
                self.i18n.default_locale,
                crate::i18n::SUPPORTED
            )));
        }
        if self.city.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(SettingsError(format!(
                "city.timezone `{}` is not an IANA time zone",
                self.city.timezone
            )));
        }
        if !(1..=730).contains(&self.city.horizon_days) {
            return Err(SettingsError(
                "city.horizon_days must be between 1 and 730".into(),
            ));
        }
        let live = &self.live;
        if live.max_sockets_per_user == 0
            || live.max_sockets_per_ip == 0
            || live.max_subscriptions == 0
            || live.max_frame_bytes < 64
            || live.ping_secs == 0
            || live.pong_timeout_secs <= live.ping_secs
        {
            return Err(SettingsError(
                "live.*: limits must be positive, max_frame_bytes at least 64, and \
                 pong_timeout_secs longer than ping_secs"
                    .into(),
            ));
        }
        if self.auth.argon2_memory_kib < 8 || self.auth.argon2_iterations < 1 {
            return Err(SettingsError(
                "auth.argon2_* parameters are too small".into(),
            ));
        }
        Ok(())
    }
}
