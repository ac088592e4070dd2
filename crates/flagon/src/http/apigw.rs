//! API Gateway events in, API Gateway responses out: REST API proxy events (payload 1.0) and
//! HTTP API events (payload 2.0) become one `http::Request`, and the answer goes back in the
//! payload version it came in.
//!
//! The event is read into small structs of only the fields routing needs (cheaper than the
//! full `aws_lambda_events` types, which parse every field of the request context).
//!
//! Paths: API Gateway puts the stage in `requestContext.path` only, but custom domains with
//! base paths, and local gateways, may put `/{stage}` at the front of `path` / `rawPath` too.
//! A leading `/{stage}` is stripped unless the app itself has routes under `/{stage}`
//! ([`StagePrefix`]). The path is percent-encoded where a URI needs it (spaces, unicode) while
//! existing escapes are kept; axum then decodes path parameters.

use std::collections::HashMap;

use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Which API Gateway payload an event is, and so which payload its answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadVersion {
    /// REST API proxy integration (payload format 1.0).
    V1,
    /// HTTP API (payload format 2.0).
    V2,
}

/// Characters that must be escaped in a URI path; `%` is not among them, so existing
/// escapes survive.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// Characters escaped in a rebuilt query string.
const QUERY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'&')
    .add(b'=')
    .add(b'+')
    .add(b'%')
    .add(b'<')
    .add(b'>');

/// Stripping of a leading `/{stage}` from event paths (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct StagePrefix {
    /// First path segments of the app's routes: a stage named like one is never stripped.
    pub(crate) route_roots: Vec<String>,
}

impl StagePrefix {
    fn strip<'a>(&self, stage: Option<&str>, path: &'a str) -> &'a str {
        let Some(stage) = stage.filter(|s| !s.is_empty() && *s != "$default") else {
            return path;
        };
        let Some(rest) = path.strip_prefix('/').and_then(|p| p.strip_prefix(stage)) else {
            return path;
        };
        if !(rest.is_empty() || rest.starts_with('/'))
            || self.route_roots.iter().any(|r| r == stage)
        {
            return path;
        }
        if rest.is_empty() { "/" } else { rest }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestEvent {
    path: Option<String>,
    http_method: String,
    headers: Option<HashMap<String, Option<String>>>,
    multi_value_headers: Option<HashMap<String, Option<Vec<String>>>>,
    query_string_parameters: Option<HashMap<String, Option<String>>>,
    multi_value_query_string_parameters: Option<HashMap<String, Option<Vec<String>>>>,
    body: Option<String>,
    is_base64_encoded: Option<bool>,
    request_context: Option<RestContext>,
}

#[derive(Deserialize)]
struct RestContext {
    stage: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HttpEvent {
    raw_path: Option<String>,
    raw_query_string: Option<String>,
    cookies: Option<Vec<String>>,
    headers: Option<HashMap<String, Option<String>>>,
    body: Option<String>,
    is_base64_encoded: Option<bool>,
    request_context: HttpContext,
}

#[derive(Deserialize)]
struct HttpContext {
    http: HttpDescription,
    stage: Option<String>,
}

#[derive(Deserialize)]
struct HttpDescription {
    method: String,
    path: Option<String>,
}

/// Why an event is not an API Gateway request.
pub(crate) type ShapeError = String;

/// Reads an API Gateway event of either payload version into a request.
pub(crate) fn to_request(
    event: &Value,
    stages: &StagePrefix,
) -> Result<(PayloadVersion, Request<Body>), ShapeError> {
    if event.get("version").and_then(Value::as_str) == Some("2.0") {
        let event = HttpEvent::deserialize(event).map_err(|e| e.to_string())?;
        Ok((PayloadVersion::V2, http_request(event, stages)?))
    } else {
        let event = RestEvent::deserialize(event).map_err(|e| e.to_string())?;
        Ok((PayloadVersion::V1, rest_request(event, stages)?))
    }
}

fn rest_request(event: RestEvent, stages: &StagePrefix) -> Result<Request<Body>, ShapeError> {
    let stage = event
        .request_context
        .as_ref()
        .and_then(|c| c.stage.as_deref());
    let path = stages.strip(stage, event.path.as_deref().unwrap_or("/"));
    let mut uri = utf8_percent_encode(path, PATH).to_string();
    let mut first = true;
    let mut push = |uri: &mut String, k: &str, v: &str| {
        uri.push(if first { '?' } else { '&' });
        first = false;
        uri.extend(utf8_percent_encode(k, QUERY));
        uri.push('=');
        uri.extend(utf8_percent_encode(v, QUERY));
    };
    match (
        event.multi_value_query_string_parameters,
        event.query_string_parameters,
    ) {
        (Some(multi), _) if !multi.is_empty() => {
            for (k, values) in &multi {
                for v in values.iter().flatten() {
                    push(&mut uri, k, v);
                }
            }
        }
        (_, Some(single)) => {
            for (k, v) in &single {
                push(&mut uri, k, v.as_deref().unwrap_or(""));
            }
        }
        _ => {}
    }
    let mut headers = HeaderMap::new();
    match (event.multi_value_headers, event.headers) {
        (Some(multi), _) if !multi.is_empty() => {
            for (k, values) in &multi {
                for v in values.iter().flatten() {
                    append(&mut headers, k, v);
                }
            }
        }
        (_, Some(single)) => {
            for (k, v) in &single {
                append(&mut headers, k, v.as_deref().unwrap_or(""));
            }
        }
        _ => {}
    }
    let body = body(event.body, event.is_base64_encoded.unwrap_or(false))?;
    build(&event.http_method, &uri, headers, body)
}

fn http_request(event: HttpEvent, stages: &StagePrefix) -> Result<Request<Body>, ShapeError> {
    let stage = event.request_context.stage.as_deref();
    let raw = event
        .raw_path
        .as_deref()
        .or(event.request_context.http.path.as_deref())
        .unwrap_or("/");
    let mut uri = utf8_percent_encode(stages.strip(stage, raw), PATH).to_string();
    if let Some(query) = event.raw_query_string.as_deref().filter(|q| !q.is_empty()) {
        uri.push('?');
        uri.push_str(query);
    }
    let mut headers = HeaderMap::new();
    for (k, v) in event.headers.iter().flatten() {
        append(&mut headers, k, v.as_deref().unwrap_or(""));
    }
    if let Some(cookies) = event.cookies.filter(|c| !c.is_empty()) {
        append(&mut headers, COOKIE.as_str(), &cookies.join("; "));
    }
    let body = body(event.body, event.is_base64_encoded.unwrap_or(false))?;
    build(&event.request_context.http.method, &uri, headers, body)
}

fn append(headers: &mut HeaderMap, name: &str, value: &str) {
    // A header API Gateway passed but `http` refuses is dropped, not fatal: the route may
    // not care about it.
    if let (Ok(name), Ok(value)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.append(name, value);
    }
}

fn body(body: Option<String>, base64: bool) -> Result<Bytes, ShapeError> {
    match body {
        None => Ok(Bytes::new()),
        Some(b) if base64 => BASE64
            .decode(b.as_bytes())
            .map(Bytes::from)
            .map_err(|e| format!("body: {e}")),
        Some(b) => Ok(Bytes::from(b)),
    }
}

fn build(
    method: &str,
    uri: &str,
    mut headers: HeaderMap,
    body: Bytes,
) -> Result<Request<Body>, ShapeError> {
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| format!("method: {e}"))?;
    if !body.is_empty() && !headers.contains_key(CONTENT_LENGTH) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    }
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::from(body))
        .map_err(|e| format!("path `{uri}`: {e}"))?;
    *request.headers_mut() = headers;
    Ok(request)
}

/// Whether `content_type` is one of the app's binary media types (`image/*` and `*/*` match
/// as API Gateway matches them).
pub(crate) fn is_binary(binary_media_types: &[String], content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return false };
    let ct = ct.split(';').next().unwrap_or(ct).trim();
    binary_media_types.iter().any(|t| {
        t == "*/*"
            || t.eq_ignore_ascii_case(ct)
            || t.strip_suffix("/*").is_some_and(|major| {
                ct.split('/')
                    .next()
                    .is_some_and(|m| m.eq_ignore_ascii_case(major))
            })
    })
}

/// The answer in the payload version of the request.
pub(crate) fn to_response(
    version: PayloadVersion,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    binary_media_types: &[String],
) -> Value {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let (body, base64) = if body.is_empty() {
        (String::new(), false)
    } else if is_binary(binary_media_types, content_type) {
        (BASE64.encode(body), true)
    } else {
        match std::str::from_utf8(body) {
            Ok(text) => (text.to_owned(), false),
            // Not text and not declared binary: base64 is the only lossless answer.
            Err(_) => (BASE64.encode(body), true),
        }
    };
    match version {
        PayloadVersion::V1 => {
            let mut single = Map::new();
            let mut multi = Map::new();
            for name in headers.keys() {
                let values: Vec<Value> = headers
                    .get_all(name)
                    .iter()
                    .map(|v| Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                if let Some(last) = values.last() {
                    single.insert(name.as_str().to_owned(), last.clone());
                }
                multi.insert(name.as_str().to_owned(), Value::Array(values));
            }
            json!({
                "statusCode": status,
                "headers": single,
                "multiValueHeaders": multi,
                "body": body,
                "isBase64Encoded": base64,
            })
        }
        PayloadVersion::V2 => {
            let mut single = Map::new();
            let mut cookies = Vec::new();
            for name in headers.keys() {
                let values = headers
                    .get_all(name)
                    .iter()
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                if name == SET_COOKIE {
                    cookies.extend(values.map(Value::String));
                } else {
                    single.insert(
                        name.as_str().to_owned(),
                        Value::String(values.collect::<Vec<_>>().join(",")),
                    );
                }
            }
            json!({
                "statusCode": status,
                "headers": single,
                "cookies": cookies,
                "body": body,
                "isBase64Encoded": base64,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_prefix_is_stripped_unless_a_route_lives_there() {
        let none = StagePrefix::default();
        assert_eq!(none.strip(Some("dev"), "/dev/users/1"), "/users/1");
        assert_eq!(none.strip(Some("dev"), "/dev"), "/");
        assert_eq!(none.strip(Some("dev"), "/developers"), "/developers");
        assert_eq!(none.strip(Some("$default"), "/dev/x"), "/dev/x");
        let dev_routes = StagePrefix {
            route_roots: vec!["dev".into()],
        };
        assert_eq!(dev_routes.strip(Some("dev"), "/dev/x"), "/dev/x");
    }

    #[test]
    fn binary_media_types_match_wildcards() {
        let types = vec!["image/*".to_owned(), "application/octet-stream".to_owned()];
        assert!(is_binary(&types, Some("image/png")));
        assert!(is_binary(
            &types,
            Some("application/octet-stream; charset=binary")
        ));
        assert!(!is_binary(&types, Some("application/json")));
        assert!(!is_binary(&types, None));
    }
}
