//! Spawns the real application on port 0 with a database of its own, and small helpers to talk
//! to it the way a browser or an API client would.
//!
//! * SQLite: a temporary file, removed when the test ends; no Redis.
//! * PostgreSQL: a fresh database cloned from a migrated template (built once, under an advisory
//!   lock), dropped when the test ends; Redis with a key prefix of its own.
//!
//! Every test is written once inside [`both_backends!`] and runs on both.
#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};
use legami::config::Settings;
use legami::mail::SentMail;
use reqwest::{Client, Response, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// A password that passes every rule.
pub const PASSWORD: &str = "a quiet walk by the canal";
/// Another good password.
pub const NEW_PASSWORD: &str = "tea with the neighbours at five";

/// Writes each test once and runs it on both backends:
///
/// ```ignore
/// both_backends! {
///     async fn signing_up_sends_a_mail(app) { … }
///     // settings tweaked before the app starts:
///     async fn too_many_sign_ins_are_refused(app: |s| s.rate_limit.signin_per_email = 3) { … }
///     postgres_only {
///         async fn readiness_names_the_database(app: |s| s.database.pool_timeout_secs = 1) { … }
///     }
/// }
/// ```
///
/// expands to `mod sqlite { #[tokio::test] async fn … }` and `mod postgres { … }`, so that
/// `cargo test sqlite::` and `cargo test postgres::` each select one half.
macro_rules! both_backends {
    (@spawn $backend:expr) => {
        $crate::helpers::spawn_app($backend).await
    };
    (@spawn $backend:expr, $setup:expr) => {
        $crate::helpers::spawn_app_with($backend, $setup).await
    };
    (
        $( $(#[$m:meta])* async fn $name:ident ( $app:ident $(: $setup:expr)? ) $body:block )*
        $( postgres_only {
            $( $(#[$pm:meta])* async fn $pname:ident ( $papp:ident $(: $psetup:expr)? ) $pbody:block )*
        } )?
    ) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$m])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = both_backends!(@spawn $crate::helpers::Backend::Sqlite $(, $setup)?);
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$m])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = both_backends!(@spawn $crate::helpers::Backend::Postgres $(, $setup)?);
                    $body
                }
            )*
            $( $(
                $(#[$pm])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $pname() {
                    let $papp = both_backends!(@spawn $crate::helpers::Backend::Postgres $(, $psetup)?);
                    $pbody
                }
            )* )?
        }
    };
}

/// Which database the app under test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running application with its own storage.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub port: u16,
    pub state: legami::state::AppState,
    pub backend: Backend,
    /// The database URL the app uses (`sqlite://…` or `postgres://…/legami_t_…`).
    pub db_url: String,
    /// PostgreSQL only: the name of the test database.
    pub db_name: Option<String>,
    /// Dropped last: removes the database.
    _db: DbGuard,
}

/// Starts the app with the test settings.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the app, letting the test adjust the settings first (rate limits, Redis URL …).
pub async fn spawn_app_with<F>(backend: Backend, customize: F) -> TestApp
where
    F: FnOnce(&mut Settings),
{
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (db_url, db_name, guard, redis_url) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("legami-test-{id}.sqlite3"));
            let url = format!("sqlite://{}", path.display());
            (url, None, DbGuard::Sqlite(path), String::new())
        }
        Backend::Postgres => {
            let redis_url = redis_url();
            let redis_check = redis_url.clone();
            let (url, name) = tokio::task::spawn_blocking(move || {
                ensure_redis_reachable(&redis_check);
                create_test_database()
            })
            .await
            .expect("creating the test database");
            let guard = DbGuard::Postgres {
                admin_url: pg_base_url(),
                name: name.clone(),
                redis: Some((redis_url.clone(), format!("legami-test-{id}:"))),
            };
            (url, Some(name), guard, redis_url)
        }
    };

    let mut settings = Settings::for_tests().expect("test settings");
    settings.database.url = SecretString::from(db_url.clone());
    settings.redis.url = SecretString::from(redis_url);
    settings.redis.prefix = format!("legami-test-{id}:");
    settings.server.workers = 2;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    let port = listener.local_addr().expect("local address").port();
    settings.server.site_url = format!("http://127.0.0.1:{port}");
    customize(&mut settings);

    let state = legami::startup::build_state(settings)
        .await
        .expect("building the application state");
    let app = legami::startup::Application::with_state(state.clone(), listener)
        .expect("building the application");
    tokio::spawn(app.run_until_stopped());

    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        state,
        backend,
        db_url,
        db_name,
        _db: guard,
    }
}

/// A second instance of an application: same database, same Redis and prefix, its own port —
/// as two instances behind a load balancer.
pub struct Twin {
    pub address: String,
    pub state: legami::state::AppState,
}

impl TestApp {
    /// Starts another instance sharing this one's storage and settings.
    pub async fn spawn_twin(&self) -> Twin {
        let settings = (*self.state.settings).clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a free port");
        let port = listener.local_addr().expect("local address").port();
        let state = legami::startup::build_state(settings)
            .await
            .expect("building the twin's state");
        let app = legami::startup::Application::with_state(state.clone(), listener)
            .expect("building the twin");
        tokio::spawn(app.run_until_stopped());
        Twin {
            address: format!("http://127.0.0.1:{port}"),
            state,
        }
    }
}

impl Twin {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
}

// ---------------------------------------------------------------------------------------------
// Storage set-up and tear-down
// ---------------------------------------------------------------------------------------------

/// Removes the test database when the test ends (also when it panics).
enum DbGuard {
    Sqlite(PathBuf),
    Postgres {
        admin_url: String,
        name: String,
        redis: Option<(String, String)>,
    },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self {
            DbGuard::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
            }
            DbGuard::Postgres {
                admin_url,
                name,
                redis,
            } => {
                let admin_url = admin_url.clone();
                let name = name.clone();
                let redis = redis.take();
                let _ = std::thread::spawn(move || {
                    if let Ok(mut conn) = diesel::PgConnection::establish(&admin_url) {
                        // A test may have closed the database to connections.
                        let _ = conn.batch_execute(&format!(
                            "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"
                        ));
                        let _ = conn.batch_execute(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ));
                    }
                    if let Some((url, prefix)) = redis {
                        let _ = delete_redis_keys(&url, &prefix);
                    }
                })
                .join();
            }
        }
    }
}

fn delete_redis_keys(url: &str, prefix: &str) -> redis::RedisResult<()> {
    let client = redis::Client::open(url)?;
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(1))?;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)?;
    if !keys.is_empty() {
        redis::cmd("DEL").arg(keys).query::<()>(&mut conn)?;
    }
    Ok(())
}

fn pg_base_url() -> String {
    std::env::var("LEGAMI_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

fn redis_url() -> String {
    std::env::var("LEGAMI_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string())
}

/// The URL of database `name` on the server of `LEGAMI_TEST_PG_URL`.
fn pg_url_for(name: &str) -> String {
    let mut url = url::Url::parse(&pg_base_url()).expect("LEGAMI_TEST_PG_URL is not a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

fn pg_admin_connection() -> diesel::PgConnection {
    let url = pg_base_url();
    diesel::PgConnection::establish(&url).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {url} ({e}). The postgres:: tests need a running \
             PostgreSQL: start it or point LEGAMI_TEST_PG_URL at one."
        )
    })
}

fn ensure_redis_reachable(url: &str) {
    static CHECKED: OnceLock<()> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let result = redis::Client::open(url).and_then(|c| {
            let mut conn = c.get_connection_with_timeout(Duration::from_secs(2))?;
            redis::cmd("PING").query::<String>(&mut conn)
        });
        if let Err(e) = result {
            panic!(
                "Redis is not reachable at {url} ({e}). The postgres:: tests need a running \
                 Redis: start it or point LEGAMI_TEST_REDIS_URL at one."
            );
        }
    });
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Name of the template database: it changes whenever a PostgreSQL migration changes.
fn template_name() -> String {
    use sha2::{Digest, Sha256};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files = Vec::new();
    collect_files(&root, &mut files);
    files.sort();
    let mut hasher = Sha256::new();
    for f in &files {
        hasher.update(
            f.strip_prefix(&root)
                .unwrap_or(f)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update(std::fs::read(f).expect("reading a migration file"));
    }
    let hash = hex::encode(hasher.finalize());
    format!("legami_tpl_{}", &hash[..12])
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Creates the migrated template once (per process; across processes the advisory lock and
/// the existence check make it once per migration set).
fn ensure_template() -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let tpl = template_name();
            let mut conn = pg_admin_connection();
            conn.batch_execute("SELECT pg_advisory_lock(7415283640012345)")
                .expect("taking the template lock");
            let exists: Count =
                diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<diesel::sql_types::Text, _>(&tpl)
                    .get_result(&mut conn)
                    .expect("looking for the template database");
            if exists.n == 0 {
                // Build under another name and rename at the end, so a half-migrated template
                // (a crash mid-way) is never used.
                let building = format!("{tpl}_building");
                conn.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
                ))
                .expect("dropping a stale template build");
                conn.batch_execute(&format!("CREATE DATABASE \"{building}\""))
                    .expect("creating the template database");
                legami::db::run_migrations(&pg_url_for(&building))
                    .unwrap_or_else(|e| panic!("migrating the template database: {e:#}"));
                conn.batch_execute(&format!(
                    "ALTER DATABASE \"{building}\" RENAME TO \"{tpl}\""
                ))
                .expect("renaming the template database");
            }
            conn.batch_execute("SELECT pg_advisory_unlock(7415283640012345)")
                .expect("releasing the template lock");
            tpl
        })
        .clone()
}

/// A fresh database cloned from the template: (url, name).
fn create_test_database() -> (String, String) {
    let tpl = ensure_template();
    let name = format!("legami_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = pg_admin_connection();
    let mut attempt = 0;
    loop {
        match conn.batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{tpl}\"")) {
            Ok(()) => break,
            Err(e) if attempt < 20 && e.to_string().contains("being accessed by other users") => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("creating test database {name} from {tpl}: {e}"),
        }
    }
    (pg_url_for(&name), name)
}

// ---------------------------------------------------------------------------------------------
// Talking to the app
// ---------------------------------------------------------------------------------------------

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("building a client")
}

/// The body as JSON (Null when empty or not JSON).
pub async fn body_json(resp: Response) -> Value {
    let text = resp.text().await.expect("reading the body");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Asserts status and JSON error code; returns the body.
pub async fn expect_error(resp: Response, status: u16, code: &str) -> Value {
    let got = resp.status();
    let url = resp.url().clone();
    let text = resp.text().await.expect("reading the body");
    assert_eq!(
        got.as_u16(),
        status,
        "{url}: expected {status} ({code}), got {got} with body {text}"
    );
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{url}: the error body is not JSON: {text}"));
    assert_eq!(
        body["error"]["code"], code,
        "{url}: expected error code {code}, got body {body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.trim().is_empty()),
        "{url}: the error carries no message: {body}"
    );
    body
}

/// Asserts the status; returns the JSON body (Null when none).
pub async fn expect_status(resp: Response, status: u16) -> Value {
    let got = resp.status();
    let url = resp.url().clone();
    let text = resp.text().await.expect("reading the body");
    assert_eq!(
        got.as_u16(),
        status,
        "{url}: expected {status}, got {got} with body {text}"
    );
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Asserts the status; returns the body text (for pages).
pub async fn expect_page(resp: Response, status: u16) -> String {
    let got = resp.status();
    let url = resp.url().clone();
    let text = resp.text().await.expect("reading the body");
    assert_eq!(
        got.as_u16(),
        status,
        "{url}: expected {status}, got {got} with body {text}"
    );
    text
}

/// The Location header of a redirect.
pub fn location(resp: &Response) -> String {
    resp.headers()
        .get(reqwest::header::LOCATION)
        .unwrap_or_else(|| panic!("{}: no Location header ({})", resp.url(), resp.status()))
        .to_str()
        .expect("Location is text")
        .to_string()
}

/// Asserts a 303 and returns where it points.
pub fn expect_see_other(resp: &Response) -> String {
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}: expected 303 See Other, got {}",
        resp.url(),
        resp.status()
    );
    location(resp)
}

/// The path of a local URL, without its query (e.g. a flash message like `?done=1`).
pub fn path_of(location: &str) -> &str {
    location.split(['?', '#']).next().unwrap_or(location)
}

/// All Set-Cookie headers of a response.
pub fn set_cookies(resp: &Response) -> Vec<String> {
    resp.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect()
}

/// The value of the cookie `name` set by a response, if any.
pub fn cookie_value(resp: &Response, name: &str) -> Option<String> {
    set_cookies(resp).iter().find_map(|c| {
        let pair = c.split(';').next()?;
        let (n, v) = pair.split_once('=')?;
        (n.trim() == name).then(|| v.trim().to_string())
    })
}

/// Text of an HTML page with the usual entities decoded, to search for plain sentences.
pub fn html_text(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x22;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `attr` in the first `<input …>` (or other tag) containing `marker`.
pub fn attribute_of_tag_with(html: &str, marker: &str, attr: &str) -> Option<String> {
    let pos = html.find(marker)?;
    let start = html[..pos].rfind('<')?;
    let end = pos + html[pos..].find('>')?;
    let tag = &html[start..end];
    let needle = format!("{attr}=\"");
    let v = tag.find(&needle)? + needle.len();
    let len = tag[v..].find('"')?;
    Some(html_text(&tag[v..v + len]))
}

/// A valid organization.
pub fn org_body(name: &str) -> Value {
    json!({
        "name": name,
        "kind": "association",
        "description": "Tea, cards and a chat on Thursday afternoons.",
        "address": "Via Padova 21, 20127 Milano",
        "latitude": 45.4969,
        "longitude": 9.2241,
        "phone": "+39 02 1234567",
        "email": "ciao@example.org",
        "website": "https://example.org"
    })
}

impl TestApp {
    /// Absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A new browser-like client (cookie store, no redirects).
    pub fn client(&self) -> Client {
        new_client()
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("GET failed")
    }

    pub async fn post_json(&self, client: &Client, path: &str, body: &Value) -> Response {
        client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("POST failed")
    }

    pub async fn patch_json(&self, client: &Client, path: &str, body: &Value) -> Response {
        client
            .patch(self.url(path))
            .json(body)
            .send()
            .await
            .expect("PATCH failed")
    }

    pub async fn put_json(&self, client: &Client, path: &str, body: &Value) -> Response {
        client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .expect("PUT failed")
    }

    pub async fn delete(&self, client: &Client, path: &str) -> Response {
        client
            .delete(self.url(path))
            .send()
            .await
            .expect("DELETE failed")
    }

    /// POST a form (`application/x-www-form-urlencoded`).
    pub async fn post_form(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("form POST failed")
    }

    pub async fn signup(
        &self,
        client: &Client,
        email: &str,
        name: &str,
        password: &str,
    ) -> Response {
        self.post_json(
            client,
            "/api/v1/auth/signup",
            &json!({"email": email, "password": password, "display_name": name}),
        )
        .await
    }

    pub async fn signin(&self, client: &Client, email: &str, password: &str) -> Response {
        self.post_json(
            client,
            "/api/v1/auth/signin",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn verify(&self, client: &Client, token: &str) -> Response {
        self.post_json(client, "/api/v1/auth/verify", &json!({"token": token}))
            .await
    }

    /// GET /api/v1/me: (status, body).
    pub async fn me(&self, client: &Client) -> (u16, Value) {
        let resp = self.get(client, "/api/v1/me").await;
        let status = resp.status().as_u16();
        (status, body_json(resp).await)
    }

    /// The signed-in user's profile; panics unless signed in.
    pub async fn me_ok(&self, client: &Client) -> Value {
        let (status, body) = self.me(client).await;
        assert_eq!(
            status, 200,
            "expected to be signed in, /api/v1/me said {status}: {body}"
        );
        body
    }

    /// Signs up, verifies through the mailed link; the account is not signed in anywhere.
    pub async fn signup_verified(&self, email: &str, name: &str, password: &str) {
        let client = self.client();
        expect_status(self.signup(&client, email, name, password).await, 202).await;
        let token = self.wait_for_link(email, "/verify").await;
        expect_status(self.verify(&client, &token).await, 200).await;
    }

    /// Signs in a new client; panics unless it works.
    pub async fn signed_in_client(&self, email: &str, password: &str) -> Client {
        let client = self.client();
        expect_status(self.signin(&client, email, password).await, 200).await;
        client
    }

    /// Signs up, verifies through the mailed link, signs in: a client with a session.
    pub async fn signup_verified_user(&self, email: &str, name: &str, password: &str) -> Client {
        self.signup_verified(email, name, password).await;
        self.signed_in_client(email, password).await
    }

    /// A signed-in administrator (signed up through the public flow, promoted with SQL).
    pub async fn admin_client(&self) -> Client {
        let email = format!(
            "admin-{}@example.org",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        self.signup_verified(&email, "Ada Amministratrice", PASSWORD)
            .await;
        let truth = match self.backend {
            Backend::Sqlite => "1",
            Backend::Postgres => "TRUE",
        };
        self.exec_sql(&format!(
            "UPDATE users SET is_admin = {truth} WHERE email = '{email}'"
        ))
        .await;
        let client = self.signed_in_client(&email, PASSWORD).await;
        let me = self.me_ok(&client).await;
        assert_eq!(
            me["is_admin"], true,
            "the promoted user is not an admin: {me}"
        );
        client
    }

    /// Runs SQL on the app's database.
    pub async fn exec_sql(&self, sql: &str) {
        let url = self.db_url.clone();
        let sql = sql.to_string();
        tokio::task::spawn_blocking(move || {
            if let Some(path) = url.strip_prefix("sqlite://") {
                let mut conn =
                    diesel::SqliteConnection::establish(path).expect("opening the SQLite database");
                conn.batch_execute("PRAGMA busy_timeout = 5000;")
                    .expect("busy timeout");
                conn.batch_execute(&sql)
                    .unwrap_or_else(|e| panic!("running `{sql}`: {e}"));
            } else {
                let mut conn =
                    diesel::PgConnection::establish(&url).expect("connecting to PostgreSQL");
                conn.batch_execute(&sql)
                    .unwrap_or_else(|e| panic!("running `{sql}`: {e}"));
            }
        })
        .await
        .expect("SQL task");
    }

    /// Runs SQL on the PostgreSQL server's maintenance database (not the app's database).
    pub async fn exec_admin_sql(&self, sql: &str) {
        let sql = sql.to_string();
        tokio::task::spawn_blocking(move || {
            let mut conn = pg_admin_connection();
            conn.batch_execute(&sql)
                .unwrap_or_else(|e| panic!("running `{sql}`: {e}"));
        })
        .await
        .expect("SQL task");
    }

    // ---- mail -----------------------------------------------------------------------------

    /// Every mail sent so far to `to`, oldest first.
    pub fn mails_to(&self, to: &str) -> Vec<SentMail> {
        self.state
            .mailer
            .sent()
            .into_iter()
            .filter(|m| m.to.contains(to))
            .collect()
    }

    /// Polls (up to ~5 s) until a mail to `to` (whose subject contains `subject_contains`, if
    /// given) has been sent; returns the newest such mail.
    pub async fn wait_for_mail(&self, to: &str, subject_contains: Option<&str>) -> SentMail {
        for _ in 0..250 {
            let found = self
                .mails_to(to)
                .into_iter()
                .rfind(|m| subject_contains.is_none_or(|s| m.subject.contains(s)));
            if let Some(m) = found {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "no mail to {to} (subject containing {subject_contains:?}) arrived; mails sent: {:#?}",
            self.state.mailer.sent()
        );
    }

    /// Polls (up to ~5 s) until a mail to `to` mentions `text` in its subject or body.
    pub async fn wait_for_mail_containing(&self, to: &str, text: &str) -> SentMail {
        self.wait_for_new_mail_containing(to, text, 0).await
    }

    /// Like [`Self::wait_for_mail_containing`], ignoring the first `skip` mails to `to`.
    pub async fn wait_for_new_mail_containing(
        &self,
        to: &str,
        text: &str,
        skip: usize,
    ) -> SentMail {
        for _ in 0..250 {
            let found = self
                .mails_to(to)
                .into_iter()
                .skip(skip)
                .rfind(|m| m.subject.contains(text) || m.body.contains(text));
            if let Some(m) = found {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "no mail to {to} mentions {text:?}; mails to {to}: {:#?}",
            self.mails_to(to)
        );
    }

    /// Polls until at least `n` mails went to `to`; returns them all.
    pub async fn wait_for_mails(&self, to: &str, n: usize) -> Vec<SentMail> {
        for _ in 0..250 {
            let mails = self.mails_to(to);
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "expected {n} mails to {to}; mails sent: {:#?}",
            self.state.mailer.sent()
        );
    }

    /// Tokens of the `path` links (e.g. "/verify") in the mails to `to`, oldest first.
    pub fn links_to(&self, to: &str, path: &str) -> Vec<String> {
        self.mails_to(to)
            .iter()
            .filter_map(|m| self.try_link_from_mail(m, path))
            .collect()
    }

    /// Polls until at least `n` mails to `to` carry a `path` link; returns their tokens.
    pub async fn wait_for_links(&self, to: &str, path: &str, n: usize) -> Vec<String> {
        for _ in 0..250 {
            let links = self.links_to(to, path);
            if links.len() >= n {
                return links;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "expected {n} mails to {to} with a {}{path}?token=… link; mails sent: {:#?}",
            self.address,
            self.state.mailer.sent()
        );
    }

    /// Polls until a mail to `to` carries a `path` link; returns the newest token.
    pub async fn wait_for_link(&self, to: &str, path: &str) -> String {
        let mut links = self.wait_for_links(to, path, 1).await;
        links.pop().expect("at least one link")
    }

    /// The token of the `{site}{path}?token=TOKEN` link in a mail; panics when there is none.
    pub fn link_from_mail(&self, mail: &SentMail, path: &str) -> String {
        self.try_link_from_mail(mail, path).unwrap_or_else(|| {
            panic!(
                "the mail to {} has no {}{path}?token=… link:\n{}",
                mail.to, self.address, mail.body
            )
        })
    }

    pub fn try_link_from_mail(&self, mail: &SentMail, path: &str) -> Option<String> {
        // Links point at the configured public site (the test address unless a test changed it).
        let site = self.state.settings.server.site_url.trim_end_matches('/');
        let prefix = format!("{site}{path}?token=");
        let start = mail.body.find(&prefix)? + prefix.len();
        let token: String = mail.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        (!token.is_empty()).then_some(token)
    }

    // ---- pages ----------------------------------------------------------------------------

    /// GETs a page and returns the value of its hidden `_csrf` field.
    pub async fn page_csrf(&self, client: &Client, path: &str) -> String {
        let resp = self.get(client, path).await;
        let status = resp.status();
        let html = resp.text().await.expect("reading the page");
        assert!(status.is_success(), "GET {path}: {status}\n{html}");
        csrf_of(&html).unwrap_or_else(|| panic!("GET {path}: no hidden _csrf field in\n{html}"))
    }

    // ---- organizations --------------------------------------------------------------------

    /// Creates an organization as `client`; returns its view.
    pub async fn create_org(&self, client: &Client, name: &str) -> Value {
        let resp = self
            .post_json(client, "/api/v1/organizations", &org_body(name))
            .await;
        expect_status(resp, 201).await
    }

    /// An admin's decision on an organization.
    pub async fn decide_org(
        &self,
        admin: &Client,
        id: i64,
        decision: &str,
        reason: &str,
    ) -> Response {
        self.post_json(
            admin,
            &format!("/api/v1/admin/organizations/{id}/decision"),
            &json!({"decision": decision, "reason": reason}),
        )
        .await
    }

    /// Creates an organization and has a fresh admin accredit it: (org view, admin client).
    pub async fn accredited_org(&self, owner: &Client, name: &str) -> (Value, Client) {
        let org = self.create_org(owner, name).await;
        let admin = self.admin_client().await;
        let id = org["id"].as_i64().expect("organization id");
        let view = expect_status(self.decide_org(&admin, id, "accredit", "").await, 200).await;
        assert_eq!(view["status"], "accredited", "{view}");
        (view, admin)
    }
}

/// The hidden `_csrf` value in a page.
pub fn csrf_of(html: &str) -> Option<String> {
    attribute_of_tag_with(html, "name=\"_csrf\"", "value")
}

/// Whether the public list of organizations contains `id`.
pub fn list_contains(list: &Value, id: i64) -> bool {
    list.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {list}"))
        .iter()
        .any(|o| o["id"].as_i64() == Some(id))
}
