//! axum's extractor rejections, answered in Chalice's JSON.
//!
//! A malformed JSON body, a `Json` request without `Content-Type: application/json`, a path
//! parameter that does not parse or a bad query string are refused by axum's extractors before
//! the handler runs, and axum answers them with a plain-text body. Chalice clients expect
//! `{"Code": "BadRequestError", "Message": "..."}` for every error.
//!
//! axum puts no marker on a rejection: its `IntoResponse` is `(status, text)`, which is only
//! told apart by its `Content-Type: text/plain; charset=utf-8` and a 4xx status (the tracing
//! event it may log needs axum's `tracing` feature and a subscriber, not something to route
//! answers by). Wrapping every handler to see the rejection value itself would need our own
//! `Handler` impls for every arity, and would refuse handlers that are not plain functions.
//! So the rule is the answer's shape, applied once on the way out to API Gateway (both
//! payload versions, after the app's layers): **a 4xx answer whose `Content-Type` is exactly
//! `text/plain; charset=utf-8` becomes Chalice's JSON with the same status and the text as
//! `Message`**. That also covers rejections of custom extractors and a handler's own
//! `(StatusCode::BAD_REQUEST, "...")`, which Chalice would have answered in JSON too. A handler
//! that really wants a plain-text 4xx gives it another `Content-Type` (`text/plain`).

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// The `Content-Type` axum gives `(StatusCode, String)` and so every rejection.
const REJECTION_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// Chalice's `Code` for a client error status.
fn code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "UnauthorizedError",
        403 => "ForbiddenError",
        404 => "NotFoundError",
        405 => "MethodNotAllowedError",
        408 => "RequestTimeoutError",
        409 => "ConflictError",
        413 => "RequestEntityTooLargeError",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntityError",
        429 => "TooManyRequestsError",
        _ => "BadRequestError",
    }
}

/// Whether an answer is shaped like an axum rejection (see the module docs).
pub(crate) fn is_rejection(status: StatusCode, headers: &HeaderMap) -> bool {
    status.is_client_error()
        && headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|ct| ct.as_bytes() == REJECTION_CONTENT_TYPE.as_bytes())
}

/// The rejection's text as Chalice's JSON body; headers other than the body's are kept.
pub(crate) fn to_chalice(status: StatusCode, headers: &mut HeaderMap, body: &[u8]) -> Bytes {
    let message = String::from_utf8_lossy(body);
    let json = serde_json::json!({"Code": code(status), "Message": message.trim_end()});
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Bytes::from(json.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_without_charset_is_not_a_rejection() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(!is_rejection(StatusCode::BAD_REQUEST, &headers));
    }

    #[test]
    fn server_errors_are_not_rejections() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(REJECTION_CONTENT_TYPE),
        );
        assert!(!is_rejection(StatusCode::INTERNAL_SERVER_ERROR, &headers));
        assert!(is_rejection(StatusCode::UNPROCESSABLE_ENTITY, &headers));
    }
}
