//! HTTP plumbing shared by every route: middleware (security headers, Origin check, CSRF
//! cookie, error rendering), the page context and the CSRF-checked form extractor.

use crate::auth::csrf::{self, CsrfCookie};
use crate::auth::extract::{resolve, CurrentUser};
use crate::error::{AppError, ErrorInfo};
use crate::i18n::{negotiate, Lang};
use crate::state::AppState;
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Compress, Next};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// Name of the cookie holding the chosen language.
pub const LANG_COOKIE: &str = "legami_lang";

fn state_of(req: &HttpRequest) -> Option<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>().cloned()
}

/// The language of a request: cookie, Accept-Language, default.
pub fn lang_of(req: &HttpRequest) -> Lang {
    let default = state_of(req)
        .map(|s| s.settings.i18n.default_locale.clone())
        .unwrap_or_else(|| "it".into());
    let cookie = req.cookie(LANG_COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    negotiate(cookie.as_ref().map(|c| c.value()), accept, &default)
}

impl FromRequest for Lang {
    type Error = AppError;
    type Future = std::future::Ready<Result<Lang, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(lang_of(req)))
    }
}

/// The client's address for rate limits: the peer, or the proxy's header when trusted.
pub fn client_ip(req: &HttpRequest) -> String {
    let trust = state_of(req).is_some_and(|s| s.settings.server.trust_proxy);
    if trust {
        if let Some(ip) = req.connection_info().realip_remote_addr() {
            return ip.to_string();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The User-Agent, for the session list.
pub fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
        || path == "/api"
        || path.starts_with("/health")
        || path.starts_with("/feeds/")
}

/// A cookie with the site's attributes: HttpOnly, SameSite=Lax, path /, Secure over https.
pub fn site_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_path("/");
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(state.settings.server.is_https());
    c
}

/// A cookie that removes `name`.
pub fn removal_cookie(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut c = site_cookie(state, name, String::new());
    c.make_removal();
    c
}

/// Whether a request's `Origin` (when it sends one) is this site: the configured site URL or
/// the host the request was addressed to. Browsers always send it on websocket handshakes and
/// unsafe methods, so a page of another site is refused.
pub fn origin_allowed(req: &HttpRequest) -> bool {
    match req.headers().get(header::ORIGIN).map(|v| v.to_str()) {
        None => true,
        Some(Err(_)) => false,
        // A browser that hides the origin says whether the request is its own site's.
        Some(Ok("null")) => req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"same-origin"),
        Some(Ok(o)) => {
            let configured = state_of(req)
                .map(|s| s.settings.server.origin())
                .unwrap_or_default();
            let info = req.connection_info();
            let own = format!("{}://{}", info.scheme(), info.host());
            o == configured || o == own
        }
    }
}

/// Refuses unsafe requests sent from another site (Origin / Sec-Fetch-Site).
pub async fn check_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        let headers = req.headers();
        let fetch_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let cross_fetch =
            !fetch_site.is_empty() && fetch_site != "same-origin" && fetch_site != "none";
        let cross_origin = !origin_allowed(req.request());
        if cross_fetch || cross_origin {
            let (req, _) = req.into_parts();
            let res =
                actix_web::ResponseError::error_response(&AppError::Forbidden("err-cross-site"));
            return Ok(ServiceResponse::new(req, res));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Where the websocket is upgraded (`routes::configure`).
pub const WS_PATH: &str = "/ws";

/// actix-web's `Compress` as seen from the inner service: the middleware it builds around it.
type Compressing<S> = <Compress as Transform<Rc<S>, ServiceRequest>>::Transform;

/// Compression (actix-web's `Compress`) for every response but the websocket's. A websocket's
/// frames are no HTTP body to compress, yet every open socket would keep an encoder in its
/// path, about 230 bytes each. Unlike a scope around the other routes, this costs no second
/// routing pass: one comparison of the path.
pub struct CompressHttp;

impl<S, B> Transform<S, ServiceRequest> for CompressHttp
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = <Compressing<S> as Service<ServiceRequest>>::Response;
    type Error = actix_web::Error;
    type Transform = CompressHttpService<S, Compressing<S>>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        use futures_util::FutureExt;
        let inner = Rc::new(service);
        let compress = Compress::default()
            .new_transform(inner.clone())
            .now_or_never()
            .unwrap_or(Err(()));
        std::future::ready(compress.map(|compress| CompressHttpService { inner, compress }))
    }
}

pub struct CompressHttpService<S, C> {
    inner: Rc<S>,
    compress: C,
}

impl<S, B, C, L> Service<ServiceRequest> for CompressHttpService<S, C>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
    C: Service<ServiceRequest, Response = ServiceResponse<EitherBody<L>>, Error = actix_web::Error>,
    L: MessageBody,
{
    type Response = C::Response;
    type Error = actix_web::Error;
    type Future = futures_util::future::Either<
        C::Future,
        futures_util::future::LocalBoxFuture<'static, Result<Self::Response, Self::Error>>,
    >;

    actix_web::dev::forward_ready!(compress);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        use futures_util::future::Either;
        if req.path() != WS_PATH {
            return Either::Left(self.compress.call(req));
        }
        let upgrade = self.inner.call(req);
        Either::Right(Box::pin(async move {
            let res = upgrade.await?.map_into_boxed_body();
            Ok(res.map_body(|_, body| EitherBody::right(body)))
        }))
    }
}

/// Makes sure every page visitor has a CSRF cookie, and exposes it to the handlers.
pub async fn csrf_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path();
    if is_api(path) || path.starts_with("/static/") || path.ends_with(".ics") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(state) = state_of(req.request()) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let existing = req
        .cookie(state.csrf_cookie())
        .map(|c| c.value().to_string())
        .filter(|v| crate::auth::tokens::looks_like_token(v));
    let (value, fresh) = match existing {
        Some(v) => (v, false),
        None => (crate::auth::tokens::new_token(), true),
    };
    req.extensions_mut().insert(CsrfCookie(value.clone()));
    let mut res = next.call(req).await?.map_into_boxed_body();
    if fresh {
        let cookie = site_cookie(&state, state.csrf_cookie(), value);
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// A response header, built at compile time (nothing to parse or check per request).
type StaticHeader = (header::HeaderName, HeaderValue);

const fn static_header(name: &'static str, value: &'static str) -> StaticHeader {
    (
        header::HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

/// What every response says about how a browser may use it.
const SECURITY_HEADERS: [StaticHeader; 6] = [
    static_header(
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
    ),
    static_header("x-content-type-options", "nosniff"),
    // Never to another site (a private link's token is in its query string), but kept for
    // the site itself: with `no-referrer`, Chromium sends `Origin: null` on its own forms.
    static_header("referrer-policy", "same-origin"),
    static_header("x-frame-options", "DENY"),
    static_header("cross-origin-opener-policy", "same-origin"),
    static_header(
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(self), payment=()",
    ),
];
const HSTS: StaticHeader = static_header(
    "strict-transport-security",
    "max-age=63072000; includeSubDomains",
);
const NO_STORE: StaticHeader = static_header("cache-control", "no-store");

/// Security headers on every response; `Cache-Control: no-store` unless a handler chose.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let https = state_of(req.request()).is_some_and(|s| s.settings.server.is_https());
    let is_static = req.path().starts_with("/static/");
    let mut res = next.call(req).await?.map_into_boxed_body();
    let h = res.headers_mut();
    let mut set = |(name, value): StaticHeader| {
        if !h.contains_key(&name) {
            h.insert(name, value);
        }
    };
    SECURITY_HEADERS.into_iter().for_each(&mut set);
    if https {
        set(HSTS);
    }
    if !is_static {
        set(NO_STORE);
    }
    Ok(res)
}

/// The error page template.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    p: PageCtx,
    status: u16,
    message: String,
    fields: Vec<(String, String)>,
}

/// Turns an [`ErrorInfo`] (or a bare 4xx/5xx from actix) into JSON for the API or a page.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if status.as_u16() < 400 {
        return Ok(res);
    }
    let info = res.response().extensions().get::<ErrorInfo>().cloned();
    let info = match info {
        Some(i) => i,
        None => {
            if res.headers().contains_key(header::CONTENT_TYPE) {
                return Ok(res);
            }
            fallback_info(status)
        }
    };
    let req = res.request().clone();
    let lang = lang_of(&req);
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    let message = match &info.detail {
        Some(d) => format!("{} {}", lang.t(info.message_id), d),
        None => lang.t(info.message_id),
    };
    let fields: Vec<(String, String)> = info
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), lang.t(v)))
        .collect();
    let mut out = if is_api(req.path()) {
        let fields_json: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        HttpResponse::build(status).json(serde_json::json!({
            "error": {"code": info.code, "message": message, "fields": fields_json}
        }))
    } else if status == StatusCode::UNAUTHORIZED && info.code == "unauthorized" {
        let next_path = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{}", req.path(), q),
        };
        HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/signin?next={}", urlencoding::encode(&next_path)),
            ))
            .finish()
    } else {
        let p = PageCtx::anonymous(&req, lang, lang.t("error-title"));
        let page = ErrorPage {
            p,
            status: status.as_u16(),
            message,
            fields,
        };
        match page.render() {
            Ok(html) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(html),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                HttpResponse::build(status).body(lang.t(info.message_id))
            }
        }
    };
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    for cookie in res.headers().get_all(header::SET_COOKIE) {
        out.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    Ok(ServiceResponse::new(req, out))
}

fn fallback_info(status: StatusCode) -> ErrorInfo {
    let (code, message_id) = match status.as_u16() {
        404 => ("not_found", "err-not-found"),
        405 => ("method_not_allowed", "err-method"),
        413 => ("payload_too_large", "err-too-large"),
        415 => ("unsupported_media_type", "err-media-type"),
        s if s < 500 => ("bad_request", "err-bad-request"),
        _ => ("internal", "err-internal"),
    };
    ErrorInfo {
        status,
        code,
        message_id,
        detail: None,
        fields: Default::default(),
        retry_after: None,
    }
}

/// The part of the signed-in user the layout shows.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub display_name: String,
    pub is_admin: bool,
    /// Unread notifications (shown next to the link; 0 hides the number).
    pub unread: i64,
}

/// What every page template gets: language, user, CSRF token, current path, title.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub path: String,
    pub title: String,
}

impl PageCtx {
    /// A message in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        self.lang.ta(key, &[(name, value.to_string())])
    }

    /// The message `prefix` + `value` (e.g. "status-" + "pending").
    pub fn tp(&self, prefix: &str, value: &str) -> String {
        self.lang.t(&format!("{prefix}{value}"))
    }

    /// The `_csrf` field name, for templates.
    pub fn csrf_field(&self) -> &'static str {
        csrf::FIELD
    }

    /// Languages other than the current one, for the switcher.
    pub fn other_langs(&self) -> Vec<(&'static str, String)> {
        Lang::all()
            .filter(|l| *l != self.lang)
            .map(|l| (l.code(), l.endonym()))
            .collect()
    }

    fn csrf_token(req: &HttpRequest) -> String {
        let cookie = req.extensions().get::<CsrfCookie>().map(|c| c.0.clone());
        match (state_of(req), cookie) {
            (Some(state), Some(c)) => csrf::token_for(&state.secret_key, &c),
            _ => String::new(),
        }
    }

    /// A context without looking up the user (error pages).
    pub fn anonymous(req: &HttpRequest, lang: Lang, title: String) -> PageCtx {
        PageCtx {
            lang,
            user: None,
            csrf: Self::csrf_token(req),
            path: req.path().to_string(),
            title,
        }
    }

    /// A context for a page, with its title set later.
    pub fn new(req: &HttpRequest, user: Option<&CurrentUser>) -> PageCtx {
        PageCtx {
            lang: lang_of(req),
            user: user.map(|u| NavUser {
                unread: 0,
                display_name: u.user.display_name.clone(),
                is_admin: u.user.is_admin,
            }),
            csrf: Self::csrf_token(req),
            path: req.path().to_string(),
            title: String::new(),
        }
    }

    /// Sets the title from a message id.
    pub fn titled(mut self, key: &str) -> PageCtx {
        self.title = self.lang.t(key);
        self
    }
}

impl FromRequest for PageCtx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = resolve(&req).await?;
            let mut ctx = PageCtx::new(&req, user.as_ref());
            // The header's unread count: one indexed count per page for a signed-in person.
            // A database hiccup leaves it at 0 rather than failing the page.
            if let (Some(u), Some(state), Some(nav)) = (
                user.as_ref(),
                req.app_data::<actix_web::web::Data<crate::state::AppState>>(),
                ctx.user.as_mut(),
            ) {
                let id = u.id().0;
                if let Ok(n) = state
                    .db
                    .run(move |conn| Ok(crate::db::notifications::unread(conn, id)?))
                    .await
                {
                    nav.unread = n;
                }
            }
            Ok(ctx)
        })
    }
}

/// Renders a template as a 200 page.
pub fn page<T: Template>(t: &T) -> Result<HttpResponse, AppError> {
    page_with_status(t, StatusCode::OK)
}

/// Renders a template with a status (422 for a form with errors).
pub fn page_with_status<T: Template>(t: &T, status: StatusCode) -> Result<HttpResponse, AppError> {
    let html = t
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// A 303 redirect after a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// A local path to go back to after a form, or `/` for anything else (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains("://") =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A urlencoded form body whose `_csrf` field matched the visitor's CSRF cookie. Parsed with
/// `serde_html_form`, so repeated keys (checkbox groups: `languages=it&languages=en`) become lists.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let ct_ok = req
            .content_type()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded");
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            if !ct_ok {
                return Err(AppError::UnsupportedMediaType);
            }
            let bytes = body.await.map_err(|_| AppError::PayloadTooLarge)?;
            let state =
                state_of(&req).ok_or_else(|| AppError::Internal(anyhow::anyhow!("no state")))?;
            let cookie = req.extensions().get::<CsrfCookie>().map(|c| c.0.clone());
            let submitted: CsrfOnly = serde_html_form::from_bytes(&bytes).unwrap_or(CsrfOnly {
                csrf: String::new(),
            });
            let valid = cookie.is_some_and(|c| {
                req.cookie(state.csrf_cookie()).is_some()
                    && csrf::verify(&state.secret_key, &c, &submitted.csrf)
            });
            if !valid {
                return Err(AppError::Forbidden("err-csrf"));
            }
            let value: T = serde_html_form::from_bytes(&bytes)
                .map_err(|e| AppError::BadRequestDetail(e.to_string()))?;
            Ok(CsrfForm(value))
        })
    }
}

/// JSON body errors as clear 4xx answers.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|err, _req| {
            use actix_web::error::JsonPayloadError as E;
            let app = match &err {
                E::ContentType => AppError::UnsupportedMediaType,
                E::OverflowKnownLength { .. } | E::Overflow { .. } => AppError::PayloadTooLarge,
                E::Deserialize(e) if e.is_data() => AppError::BadRequestDetail(e.to_string()),
                E::Deserialize(e) => AppError::BadRequestDetail(format!("(JSON: {e})")),
                _ => AppError::BadRequest("err-bad-request"),
            };
            app.into()
        })
}

/// Path segment errors (a non-numeric id, say) as 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}

/// Query string errors as 400 with the parser's words.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _| AppError::BadRequestDetail(err.to_string()).into())
}

/// A query string that may repeat keys (`interest=1&interest=2`), parsed into `T`.
pub struct MultiQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for MultiQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            serde_html_form::from_str::<T>(req.query_string())
                .map(MultiQuery)
                .map_err(|e| AppError::BadRequestDetail(e.to_string())),
        )
    }
}
