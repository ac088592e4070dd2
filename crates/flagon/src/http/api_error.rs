//! Errors a route handler returns, mapped to statuses as Chalice maps its view errors.
//!
//! Every error body is JSON, `{"Code": "NotFoundError", "Message": "..."}`, the shape Chalice
//! clients already parse. Any other error (`?` on an `io::Error`, a database error, ...)
//! converts into a 500 whose body says only "An internal server error occurred.": the cause
//! is logged, never sent. axum's own extractor rejections (a malformed JSON body, a path
//! parameter that does not parse, ...) are answered in the same shape, with axum's status.

use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

/// An HTTP error response with a Chalice-style JSON body.
///
/// ```
/// use flagon::ApiError;
///
/// async fn get_user() -> Result<String, ApiError> {
///     Err(ApiError::not_found("user 7 does not exist"))
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

macro_rules! constructors {
    ($($(#[$doc:meta])* $fn:ident => $status:ident, $code:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $fn(message: impl Into<String>) -> Self {
                Self::new(StatusCode::$status, $code, message)
            }
        )*
    };
}

impl ApiError {
    /// An error with any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    constructors! {
        /// 400 `BadRequestError`.
        bad_request => BAD_REQUEST, "BadRequestError";
        /// 401 `UnauthorizedError`.
        unauthorized => UNAUTHORIZED, "UnauthorizedError";
        /// 403 `ForbiddenError`.
        forbidden => FORBIDDEN, "ForbiddenError";
        /// 404 `NotFoundError`.
        not_found => NOT_FOUND, "NotFoundError";
        /// 405 `MethodNotAllowedError`.
        method_not_allowed => METHOD_NOT_ALLOWED, "MethodNotAllowedError";
        /// 408 `RequestTimeoutError`.
        request_timeout => REQUEST_TIMEOUT, "RequestTimeoutError";
        /// 409 `ConflictError`.
        conflict => CONFLICT, "ConflictError";
        /// 415 `UnsupportedMediaType`.
        unsupported_media_type => UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType";
        /// 422 `UnprocessableEntityError`.
        unprocessable_entity => UNPROCESSABLE_ENTITY, "UnprocessableEntityError";
        /// 429 `TooManyRequestsError`.
        too_many_requests => TOO_MANY_REQUESTS, "TooManyRequestsError";
    }

    /// 500 `InternalServerError` with Chalice's generic message: nothing of the cause leaks.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "An internal server error occurred.",
        )
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Code` of the body.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The `Message` of the body.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for ApiError {
    /// Any other error is a 500; the cause goes to the log only.
    fn from(error: E) -> Self {
        tracing::error!(error = %error, "route handler failed");
        Self::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"Code": self.code, "Message": self.message});
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_errors_become_a_generic_500() {
        let err: ApiError = std::io::Error::other("db password is hunter2").into();
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!err.message().contains("hunter2"));
    }
}
