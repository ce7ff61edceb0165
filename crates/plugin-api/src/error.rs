//! The error policy of Portico, in one place.
//!
//! | Where | Type |
//! |---|---|
//! | Pure libraries (`portico-catalog-model`, `portico-config`, `portico-ui`) | a `thiserror` enum per failure domain |
//! | Validating user data (descriptors, config) | never stops at the first problem where it can go on: every problem, with file and line |
//! | Start-up, CLI, background jobs, xtask | `anyhow::Result` with `.context(...)`; `main` prints one line and exits non-zero |
//! | The wire (server functions, `/api/<id>` JSON routes) | [`PortalError`]: a code from [`ErrorCode`] and a safe message |
//! | The server side of the wire | `server::ServerError`: logs its cause, sends only the code and a safe message |
//!
//! Internal causes (SQL, file paths, panics) are logged, never sent: a client only
//! ever sees a [`PortalError`].

use serde::{Deserialize, Serialize};

/// The error codes of the wire, each with its HTTP status. One table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request is malformed or a value is invalid (400).
    BadRequest,
    /// Authentication is required (401).
    Unauthenticated,
    /// The caller may not do this (403).
    Forbidden,
    /// The thing asked for does not exist (404).
    NotFound,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The request body is too large (413).
    PayloadTooLarge,
    /// Something failed on the server; details are in the server log (500).
    Internal,
    /// A dependency (database, storage) is unavailable (503).
    Unavailable,
}

impl ErrorCode {
    /// The HTTP status for this code.
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// The name Backstage uses in `error.name` for this status.
    pub const fn backstage_name(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "InputError",
            ErrorCode::Unauthenticated => "AuthenticationError",
            ErrorCode::Forbidden => "NotAllowedError",
            ErrorCode::NotFound => "NotFoundError",
            ErrorCode::Conflict => "ConflictError",
            ErrorCode::PayloadTooLarge => "PayloadTooLargeError",
            ErrorCode::Internal => "Error",
            ErrorCode::Unavailable => "ServiceUnavailableError",
        }
    }
}

/// The error every server function and JSON route returns on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct PortalError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// A message safe to show a user.
    pub message: String,
}

impl PortalError {
    /// An error with a code and a user-facing message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// 404 with a message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// 500 with the generic message; the cause belongs in the log.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "Something went wrong on the server. The details are in its log.",
        )
    }
}

impl leptos::server_fn::error::FromServerFnError for PortalError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        let error = match value {
            E::Args(m) | E::MissingArg(m) => Self::bad_request(m),
            E::Request(_) => Self::new(ErrorCode::Unavailable, "The server could not be reached."),
            _ => Self::internal(),
        };
        // On the server (arguments that do not decode), answer with the
        // error's status rather than Leptos's 500 for every error.
        #[cfg(feature = "ssr")]
        crate::server::respond_with_status(error.code);
        error
    }
}
