//! Structured logs: one span per request with a request id, the method and the path — never
//! the query string (links carry tokens) nor bodies, cookies or addresses.

use crate::config::LogSettings;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber (`RUST_LOG` overrides `log.filter`). Safe to call twice.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if settings.format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// The request span.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        // A websocket's "request" lasts as long as the page stays open: a span held for hours
        // per socket would cost memory and say nothing (the socket task logs what matters).
        if request.path() == "/ws" {
            return Span::none();
        }
        // The fields are only evaluated when the span is recorded (not under `warn`).
        tracing::info_span!(
            "request",
            request_id = %request.extensions().get::<RequestId>().copied().map(|r| r.to_string()).unwrap_or_default(),
            method = %request.method(),
            path = %request.path(),
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(res) => res.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        span.record("status", status);
        span.in_scope(|| {
            if status >= 500 {
                tracing::warn!(status, "request failed");
            } else {
                tracing::debug!(status, "request done");
            }
        });
    }
}
