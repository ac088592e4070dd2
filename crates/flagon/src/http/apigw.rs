//! API Gateway events in, API Gateway responses out: REST API proxy events (payload 1.0) and
//! HTTP API events (payload 2.0) become one `http::Request`, and the answer goes back in the
//! payload version it came in.
//!
//! The event is read ([`super::request`]) in one pass into only the fields routing needs,
//! borrowing its strings, straight into the request's `HeaderMap`: cheaper than the full
//! `aws_lambda_events` types, which allocate every field of the request context.
//!
//! Paths: API Gateway puts the stage in `requestContext.path` only, but custom domains with
//! base paths, and local gateways, may put `/{stage}` at the front of `path` / `rawPath` too.
//! A leading `/{stage}` is stripped unless the app itself has routes under `/{stage}`
//! ([`StagePrefix`]). The path is percent-encoded where a URI needs it (spaces, unicode) while
//! existing escapes are kept; axum then decodes path parameters.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::HeaderMap;
use http::header::{CONTENT_TYPE, SET_COOKIE};
use percent_encoding::{AsciiSet, CONTROLS};
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
pub(crate) const PATH: &AsciiSet = &CONTROLS
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
pub(crate) const QUERY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'&')
    .add(b'=')
    .add(b'+')
    .add(b'%')
    .add(b'<')
    .add(b'>');

/// Why an event is not an API Gateway request.
pub(crate) type ShapeError = String;

/// Stripping of a leading `/{stage}` from event paths (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct StagePrefix {
    /// First path segments of the app's routes: a stage named like one is never stripped.
    pub(crate) route_roots: Vec<String>,
}

impl StagePrefix {
    pub(crate) fn strip<'a>(&self, stage: Option<&str>, path: &'a str) -> &'a str {
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
