//! One error type for the whole application. Handlers return `Result<_, AppError>`; the
//! response carries an [`ErrorInfo`] that the [`crate::web::render_errors`] middleware turns into
//! JSON (under `/api`) or an HTML page, in the language of the request.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use std::collections::BTreeMap;

/// Per-field problems of a form or JSON body: field name → Fluent message id.
pub type FieldErrors = BTreeMap<String, String>;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A malformed request; the string is a Fluent message id.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A malformed request with a detail that is safe to show (parser messages).
    #[error("bad request: {0}")]
    BadRequestDetail(String),
    #[error("validation failed: {0:?}")]
    Validation(FieldErrors),
    #[error("not signed in")]
    Unauthorized,
    /// Wrong e-mail or password (the same answer for both).
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// Signed in but not allowed; the string is a Fluent message id.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("too many requests, retry after {retry_after}s")]
    TooManyRequests { retry_after: u64 },
    /// A dependency is down (database pool exhausted, hashing queue full…).
    #[error("service unavailable: {0}")]
    Unavailable(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the error renderer needs: status, a machine code, a Fluent message id, field errors.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub code: &'static str,
    pub message_id: &'static str,
    pub detail: Option<String>,
    pub fields: FieldErrors,
    pub retry_after: Option<u64>,
}

impl AppError {
    /// A validation error on one field.
    pub fn field(field: &str, message_id: &str) -> AppError {
        let mut f = FieldErrors::new();
        f.insert(field.to_string(), message_id.to_string());
        AppError::Validation(f)
    }

    /// The status, code and message the user sees.
    pub fn info(&self) -> ErrorInfo {
        let (status, code, message_id) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", "err-not-found"),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", *m),
            AppError::BadRequestDetail(_) => {
                (StatusCode::BAD_REQUEST, "bad_request", "err-bad-request")
            }
            AppError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "err-validation",
            ),
            AppError::Unauthorized => {
                (StatusCode::UNAUTHORIZED, "unauthorized", "err-unauthorized")
            }
            AppError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "err-bad-credentials",
            ),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", *m),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", *m),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "err-media-type",
            ),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "err-too-large",
            ),
            AppError::TooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "err-too-many",
            ),
            AppError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", *m),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "err-internal",
            ),
        };
        ErrorInfo {
            status,
            code,
            message_id,
            detail: match self {
                AppError::BadRequestDetail(d) => Some(d.clone()),
                _ => None,
            },
            fields: match self {
                AppError::Validation(f) => f.clone(),
                _ => FieldErrors::new(),
            },
            retry_after: match self {
                AppError::TooManyRequests { retry_after } => Some(*retry_after),
                _ => None,
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.info().status
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
        let info = self.info();
        let mut res = HttpResponse::build(info.status);
        if let Some(secs) = info.retry_after {
            res.insert_header(("Retry-After", secs.to_string()));
        }
        let mut res = res.finish();
        res.extensions_mut().insert(info);
        res
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("err-conflict")
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => AppError::NotFound,
            other => AppError::Internal(anyhow::Error::new(other).context("database query")),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        tracing::warn!(error = %e, "no database connection available");
        AppError::Unavailable("err-db-unavailable")
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}
