//! What API Gateway would check before the handler: accepted content types (415), required
//! query parameters (400), and CORS (headers on answers, the preflight answer).
//!
//! These run as a route layer, so they apply only once the path and method matched: an
//! unknown path is a 404 and a wrong method a 405 before any of them.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use super::api_error::ApiError;
use super::route::{Cors, DEFAULT_ALLOW_HEADERS, RouteOptions};

/// The route layer: checks the request against the route's options, then decorates the answer.
pub(crate) async fn check(
    State(options): State<Arc<RouteOptions>>,
    request: Request,
    next: Next,
) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = match reject(&options, &request) {
        Some(error) => error.into_response(),
        None => next.run(request).await,
    };
    match &options.cors {
        Some(cors) => with_cors_headers(cors, origin.as_deref(), response),
        None => response,
    }
}

fn reject(options: &RouteOptions, request: &Request) -> Option<ApiError> {
    if request.method() == Method::OPTIONS {
        return None;
    }
    if !options.content_types.is_empty() {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or(v).trim().to_lowercase());
        let has_body = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
        match content_type {
            Some(ct) if !options.content_types.contains(&ct) => {
                return Some(ApiError::unsupported_media_type(format!(
                    "Unsupported media type: {ct}"
                )));
            }
            None if has_body => {
                return Some(ApiError::unsupported_media_type(
                    "Unsupported media type: the request has a body but no Content-Type",
                ));
            }
            _ => {}
        }
    }
    if !options.required_query_params.is_empty() {
        let query = request.uri().query().unwrap_or("");
        for name in &options.required_query_params {
            if !query_has(query, name) {
                return Some(ApiError::bad_request(format!(
                    "Missing required query parameter: {name}"
                )));
            }
        }
    }
    None
}

fn query_has(query: &str, name: &str) -> bool {
    query.split('&').any(|pair| {
        let key = pair.split('=').next().unwrap_or("");
        let key = key.replace('+', " ");
        percent_encoding::percent_decode_str(&key).decode_utf8_lossy() == name
    })
}

fn with_cors_headers(cors: &Cors, origin: Option<&str>, mut response: Response) -> Response {
    let Some(allowed) = cors.allowed_origin(origin) else {
        return response;
    };
    let headers = response.headers_mut();
    insert(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
    if allowed != "*" && cors.allow_origins.len() > 1 {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    if !cors.expose_headers.is_empty() {
        insert(
            headers,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            &cors.expose_headers.join(","),
        );
    }
    if cors.allow_credentials {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    response
}

/// The preflight answer of a CORS route: allowed methods and headers, max age. The origin
/// and credential headers are added by [`check`], as on every answer.
pub(crate) fn preflight(cors: &Cors, methods: &[&'static str]) -> Response {
    let mut headers = HeaderMap::new();
    let mut methods: Vec<&str> = if methods.contains(&"ANY") {
        flagon_manifest::ANY_METHODS.to_vec()
    } else {
        methods.to_vec()
    };
    methods.push("OPTIONS");
    insert(
        &mut headers,
        header::ACCESS_CONTROL_ALLOW_METHODS,
        &methods.join(","),
    );
    let allow_headers: Vec<&str> = DEFAULT_ALLOW_HEADERS
        .iter()
        .copied()
        .chain(cors.allow_headers.iter().map(String::as_str))
        .collect();
    insert(
        &mut headers,
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        &allow_headers.join(","),
    );
    if let Some(max_age) = cors.max_age {
        insert(
            &mut headers,
            header::ACCESS_CONTROL_MAX_AGE,
            &max_age.to_string(),
        );
    }
    (StatusCode::OK, headers).into_response()
}

fn insert(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    // Values come from the app's own declaration; one that is not a valid header value is
    // left out rather than failing every request.
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_names_are_decoded_before_comparison() {
        assert!(query_has("a=1&my%20key=2", "my key"));
        assert!(query_has("flag", "flag"));
        assert!(!query_has("flagged=1", "flag"));
    }
}
