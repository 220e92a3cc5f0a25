//! One error type shared by server functions and the UI.
//!
//! Every variant carries a Vietnamese message that can be shown to members as-is; server-side
//! causes (database errors, I/O) are logged on the server and reach the client only as
//! [`AppError::Internal`], so nothing internal leaks and nothing is a bare 500.

use serde::{Deserialize, Serialize};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A validation problem tied to one form field, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_string(), message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Vui lòng đăng nhập để tiếp tục.")]
    Unauthenticated,
    #[error("Bạn cần đổi mật khẩu trước khi tiếp tục.")]
    PasswordChangeRequired,
    #[error("{0}")]
    Forbidden(String),
    #[error("Không tìm thấy {0}.")]
    NotFound(String),
    #[error("Thông tin chưa hợp lệ, vui lòng kiểm tra các ô được đánh dấu.")]
    Invalid(Vec<FieldError>),
    #[error("Số điện thoại/số thẻ đảng viên hoặc mật khẩu không đúng.")]
    BadCredentials,
    #[error("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {0} phút.")]
    Throttled(u32),
    #[error("{0}")]
    Conflict(String),
    /// Too many calls of one kind by one member in a short time (a per-member rate limit);
    /// `retry_secs` until the member may call again (the API's `Retry-After`).
    #[error("{message}")]
    TooMany { message: String, retry_secs: u32 },
    #[error("Hệ thống đang gặp sự cố, vui lòng thử lại sau ít phút.")]
    Internal,
    #[error("Không kết nối được với máy chủ. Vui lòng kiểm tra mạng và thử lại.")]
    Network,
}

impl AppError {
    /// A forbidden action with the standard explanation.
    pub fn forbidden() -> Self {
        Self::Forbidden("Bạn không có quyền thực hiện thao tác này.".into())
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// The message for one form field, if this error names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// Seconds until a refused caller may try again, for a refusal by a limit.
    pub fn retry_after_secs(&self) -> Option<u32> {
        match self {
            Self::Throttled(minutes) => Some(minutes.saturating_mul(60)),
            Self::TooMany { retry_secs, .. } => Some(*retry_secs),
            _ => None,
        }
    }

    /// HTTP status that matches the error, so clients and proxies see 4xx for user mistakes.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::PasswordChangeRequired | Self::Forbidden(_) => 403,
            Self::NotFound(_) => 404,
            Self::Invalid(_) | Self::BadCredentials => 422,
            Self::Conflict(_) => 409,
            Self::Throttled(_) | Self::TooMany { .. } => 429,
            Self::Internal => 500,
            Self::Network => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::invalid("form", "Dữ liệu gửi lên không đúng định dạng.")
            }
            _ => Self::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// An internal failure: its cause and the call site go to the server's log, the member sees
    /// only [`AppError::Internal`]'s apology.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(error = %cause, file = at.file(), line = at.line(), "internal error");
        Self::Internal
    }
}

/// `result.or_internal()?`: an error that is the server's fault, logged with its cause and the
/// line that met it, answered as [`AppError::Internal`].
#[cfg(feature = "ssr")]
pub trait OrInternal<T> {
    fn or_internal(self) -> AppResult<T>;
}

#[cfg(feature = "ssr")]
impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    #[track_caller]
    fn or_internal(self) -> AppResult<T> {
        match self {
            Ok(value) => Ok(value),
            Err(cause) => Err(AppError::internal(cause)),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    #[track_caller]
    fn from(err: sea_orm::DbErr) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(error = %err, file = at.file(), line = at.line(), "database error");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
