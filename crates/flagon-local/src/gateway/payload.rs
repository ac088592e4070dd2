//! API Gateway's Lambda proxy payloads: the event (REST v1 or HTTP API v2, built with the
//! `aws_lambda_events` types so the shape is exact) and the function's answer back to HTTP.

use std::collections::HashMap;

use aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyRequestContext, ApiGatewayRequestIdentity,
    ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext,
    ApiGatewayV2httpRequestContextHttpDescription,
};
use aws_lambda_events::query_map::QueryMap;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::options::{ApiType, LOCAL_ACCOUNT_ID};

/// The API id in local events.
pub const LOCAL_API_ID: &str = "flagonlocal";

/// One HTTP request, as the gateway received it, with its matched route.
pub struct Incoming<'a> {
    pub method: &'a Method,
    pub raw_path: &'a str,
    pub raw_query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
    pub source_ip: String,
    /// The route template, e.g. `/users/{id}`.
    pub resource: &'a str,
    pub params: HashMap<String, String>,
    pub stage: &'a str,
    pub request_id: &'a str,
    pub binary_media_types: &'a [String],
}

/// Whether `content_type` matches one of the binary media types (`image/*`, `*/*` allowed).
pub fn is_binary(content_type: Option<&str>, binary_media_types: &[String]) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    binary_media_types.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_suffix("/*") {
            Some("*") => true,
            Some(kind) => essence.split('/').next() == Some(kind),
            None => essence == pattern,
        }
    })
}

/// HTTP API base64-encodes every body that is not text.
fn is_text(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/x-www-form-urlencoded"
        )
}

fn body_field(body: &Bytes, base64: bool) -> Option<String> {
    if body.is_empty() {
        None
    } else if base64 {
        Some(BASE64.encode(body))
    } else {
        Some(String::from_utf8_lossy(body).into_owned())
    }
}

/// `a=1&a=2&b=x+y` as (name, values), decoded as API Gateway decodes them.
fn query_pairs(raw_query: &str) -> Vec<(String, String)> {
    raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let dec = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (dec(k), dec(v))
        })
        .collect()
}

fn query_map(raw_query: &str) -> QueryMap {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in query_pairs(raw_query) {
        map.entry(k).or_default().push(v);
    }
    QueryMap::from(map)
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// API Gateway's `requestTime` format: `24/Nov/2026:12:50:00 +0000`.
fn request_time(now: chrono::DateTime<chrono::Utc>) -> String {
    now.format("%d/%b/%Y:%H:%M:%S +0000").to_string()
}

/// The REST API (payload 1.0) event.
pub fn rest_event(
    req: &Incoming<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiGatewayProxyRequest {
    let base64 = is_binary(content_type(req.headers), req.binary_media_types);
    // `headers` holds each header's last value, `multiValueHeaders` every value.
    let mut last = HeaderMap::new();
    for name in req.headers.keys() {
        if let Some(value) = req.headers.get_all(name).iter().next_back() {
            last.insert(name.clone(), value.clone());
        }
    }
    let mut identity = ApiGatewayRequestIdentity::default();
    identity.source_ip = Some(req.source_ip.clone());
    identity.user_agent = user_agent(req.headers);
    let mut context = ApiGatewayProxyRequestContext::default();
    context.account_id = Some(LOCAL_ACCOUNT_ID.into());
    context.resource_id = Some("local".into());
    context.stage = Some(req.stage.into());
    context.domain_name = req
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    context.request_id = Some(req.request_id.into());
    context.protocol = Some("HTTP/1.1".into());
    context.identity = identity;
    context.resource_path = Some(req.resource.into());
    context.path = Some(format!("/{}{}", req.stage, req.raw_path));
    context.http_method = req.method.clone();
    context.request_time = Some(request_time(now));
    context.request_time_epoch = now.timestamp_millis();
    context.apiid = Some(LOCAL_API_ID.into());

    let mut event = ApiGatewayProxyRequest::default();
    event.resource = Some(req.resource.into());
    event.path = Some(req.raw_path.into());
    event.http_method = req.method.clone();
    event.headers = last;
    event.multi_value_headers = req.headers.clone();
    // `queryStringParameters` holds each name's last value, the multi-value map every value.
    let mut last_values: HashMap<String, String> = HashMap::new();
    for (k, v) in query_pairs(req.raw_query) {
        last_values.insert(k, v);
    }
    event.query_string_parameters = QueryMap::from(last_values);
    event.multi_value_query_string_parameters = query_map(req.raw_query);
    event.path_parameters = req.params.clone();
    event.request_context = context;
    event.body = body_field(req.body, base64);
    event.is_base64_encoded = base64;
    event
}

/// The fields `ApiGatewayV2httpRequest` carries for custom authorizer v1 requests, which an
/// HTTP API proxy event does not have.
const NOT_IN_V2_EVENTS: [&str; 6] = [
    "type",
    "methodArn",
    "httpMethod",
    "identitySource",
    "authorizationToken",
    "resource",
];

/// The HTTP API (payload 2.0) event as JSON: [`http_event`] without the authorizer fields.
pub fn http_event_json(
    req: &Incoming<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> serde_json::Result<Vec<u8>> {
    serde_json::to_vec(&super::skip_fields::SkipFields {
        value: &http_event(req, now),
        skip: &NOT_IN_V2_EVENTS,
    })
}

/// The HTTP API (payload 2.0) event.
pub fn http_event(
    req: &Incoming<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiGatewayV2httpRequest {
    let ctype = content_type(req.headers);
    let base64 = !is_text(ctype) || is_binary(ctype, req.binary_media_types);
    // Repeated headers are joined with commas; cookies move to their own field.
    let mut headers = HeaderMap::new();
    let mut cookies = Vec::new();
    for name in req.headers.keys() {
        let values: Vec<&str> = req
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if name == http::header::COOKIE {
            cookies.extend(values.iter().flat_map(|v| v.split("; ")).map(str::to_owned));
            continue;
        }
        if let Ok(value) = HeaderValue::from_str(&values.join(",")) {
            headers.insert(name.clone(), value);
        }
    }
    let route_key = format!("{} {}", req.method, req.resource);
    let mut http = ApiGatewayV2httpRequestContextHttpDescription::default();
    http.method = req.method.clone();
    http.path = Some(req.raw_path.into());
    http.protocol = Some("HTTP/1.1".into());
    http.source_ip = Some(req.source_ip.clone());
    http.user_agent = user_agent(req.headers);
    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some(route_key.clone());
    context.account_id = Some(LOCAL_ACCOUNT_ID.into());
    context.stage = Some(req.stage.into());
    context.request_id = Some(req.request_id.into());
    context.apiid = Some(LOCAL_API_ID.into());
    context.domain_name = req
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    context.domain_prefix = context
        .domain_name
        .as_deref()
        .and_then(|d| d.split('.').next())
        .map(str::to_owned);
    context.time = Some(request_time(now));
    context.time_epoch = now.timestamp_millis();
    context.http = http;

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".into());
    event.route_key = Some(route_key);
    event.raw_path = Some(req.raw_path.into());
    event.raw_query_string = Some(req.raw_query.into());
    event.cookies = (!cookies.is_empty()).then_some(cookies);
    event.headers = headers;
    event.query_string_parameters = query_map(req.raw_query);
    event.path_parameters = req.params.clone();
    event.request_context = context;
    event.body = body_field(req.body, base64);
    event.is_base64_encoded = base64;
    event
}

/// An HTTP answer: status, headers (repeatable) and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl Answer {
    /// API Gateway's own `{"message": ...}` answers.
    pub fn message(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            headers: vec![(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body: Bytes::from(serde_json::json!({ "message": message }).to_string()),
        }
    }

    /// What API Gateway answers when the integration failed or answered nonsense.
    pub fn integration_failure(api_type: ApiType) -> Self {
        match api_type {
            ApiType::Rest => Self::message(StatusCode::BAD_GATEWAY, "Internal server error"),
            ApiType::Http => {
                Self::message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            }
        }
    }
}

fn header_pairs(value: Option<&Value>) -> Vec<(String, String)> {
    let Some(Value::Object(map)) = value else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for (name, value) in map {
        match value {
            Value::Array(values) => pairs.extend(values.iter().map(|v| (name.clone(), scalar(v)))),
            Value::Null => {}
            other => pairs.push((name.clone(), scalar(other))),
        }
    }
    pairs
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Headers of the function's answer that the gateway replaces with its own framing.
const FRAMING_HEADERS: [HeaderName; 3] = [
    http::header::CONTENT_LENGTH,
    http::header::TRANSFER_ENCODING,
    http::header::CONNECTION,
];

/// Turns the function's answer into HTTP, or `None` when it is not a valid proxy response
/// (API Gateway then answers with [`Answer::integration_failure`]).
///
/// A base64 body is decoded for HTTP API always, and for a REST API when the request's
/// `Accept` or the response's `Content-Type` is a binary media type.
pub fn answer(
    api_type: ApiType,
    payload: &[u8],
    accept: Option<&str>,
    binary_media_types: &[String],
) -> Option<Answer> {
    let value: Value = serde_json::from_slice(payload).ok()?;
    let object = match (&value, api_type) {
        (Value::Object(map), _) if map.contains_key("statusCode") => map,
        // HTTP API infers a 200 JSON answer from any other valid JSON.
        (_, ApiType::Http) => {
            return Some(Answer {
                status: StatusCode::OK,
                headers: vec![(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body: Bytes::from(value.to_string()),
            });
        }
        _ => return None,
    };
    let status = object
        .get("statusCode")
        .and_then(|s| s.as_u64().or_else(|| s.as_str()?.parse().ok()))
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())?;
    let mut pairs = Vec::new();
    if api_type == ApiType::Rest {
        pairs.extend(header_pairs(object.get("multiValueHeaders")));
    }
    for (name, value) in header_pairs(object.get("headers")) {
        if !pairs
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(&name) && *v == value)
        {
            pairs.push((name, value));
        }
    }
    if api_type == ApiType::Http
        && let Some(Value::Array(cookies)) = object.get("cookies")
    {
        pairs.extend(cookies.iter().map(|c| ("set-cookie".to_owned(), scalar(c))));
    }
    let mut headers = Vec::new();
    for (name, value) in pairs {
        let name = HeaderName::try_from(name).ok()?;
        // The gateway frames the body itself, as API Gateway does.
        if FRAMING_HEADERS.contains(&name) {
            continue;
        }
        headers.push((name, HeaderValue::try_from(value).ok()?));
    }
    let response_type = headers
        .iter()
        .find(|(n, _)| n == http::header::CONTENT_TYPE)
        .and_then(|(_, v)| v.to_str().ok());
    let body = match object.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return None,
    };
    let base64 = object
        .get("isBase64Encoded")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let decode = base64
        && match api_type {
            ApiType::Http => true,
            ApiType::Rest => {
                is_binary(accept, binary_media_types)
                    || is_binary(response_type, binary_media_types)
            }
        };
    let body = if decode {
        Bytes::from(BASE64.decode(body.as_bytes()).ok()?)
    } else {
        Bytes::from(body)
    };
    Some(Answer {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_media_types_match_wildcards() {
        let types = vec!["image/*".to_owned(), "application/octet-stream".to_owned()];
        assert!(is_binary(Some("image/png"), &types));
        assert!(is_binary(
            Some("application/octet-stream; charset=x"),
            &types
        ));
        assert!(!is_binary(Some("application/json"), &types));
        assert!(is_binary(Some("text/plain"), &["*/*".to_owned()]));
        assert!(!is_binary(None, &types));
    }

    #[test]
    fn query_strings_decode_plus_and_percent() {
        assert_eq!(
            query_pairs("a=1&a=2&b=x+y%21&flag"),
            vec![
                ("a".into(), "1".into()),
                ("a".into(), "2".into()),
                ("b".into(), "x y!".into()),
                ("flag".into(), String::new())
            ]
        );
    }

    #[test]
    fn function_content_length_is_replaced_by_the_gateway() {
        let payload =
            br#"{"statusCode":200,"headers":{"content-length":"99","x-a":"1"},"body":"hi"}"#;
        let answer = answer(ApiType::Rest, payload, None, &[]).unwrap();
        let names: Vec<&str> = answer.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x-a"]);
    }

    #[test]
    fn rest_answer_without_status_code_is_rejected() {
        assert_eq!(
            answer(ApiType::Rest, br#"{"hello":"world"}"#, None, &[]),
            None
        );
        let inferred = answer(ApiType::Http, br#"{"hello":"world"}"#, None, &[]).unwrap();
        assert_eq!(inferred.status, StatusCode::OK);
        assert_eq!(inferred.body, Bytes::from_static(br#"{"hello":"world"}"#));
    }
}
