//! An API Gateway event of either payload version, read in one pass into an `http::Request`.
//!
//! One struct holds the fields of both payloads (they do not collide), strings are borrowed
//! from the input where it allows, and header maps are appended straight into the
//! `HeaderMap`. The input is either the raw JSON text (Lambda mode: no `Value` in between) or
//! a `serde_json::Value` (the test client and `invoke`): both are serde deserializers.

use std::borrow::Cow;
use std::fmt;

use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use percent_encoding::utf8_percent_encode;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::apigw::{PATH, PayloadVersion, QUERY, ShapeError, StagePrefix};

/// A string borrowed from the input when it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// `{"name": "value" | null}` or `{"name": ["v1", "v2"] | null}`, as pairs in order.
#[derive(Default)]
struct Pairs<'a>(Vec<(Str<'a>, Str<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of strings or lists of strings")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Pairs<'de>, E> {
                Ok(Pairs::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<'de>, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    for value in map.next_value::<OneOrMany<'de>>()?.0 {
                        pairs.push((Str(key.0.clone()), value));
                    }
                }
                Ok(Pairs(pairs))
            }
        }
        d.deserialize_any(V)
    }
}

/// A value of a (multi-value) map: a string, a list of strings, or null.
struct OneOrMany<'a>(Vec<Str<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for OneOrMany<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a list of strings or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany<'de>, E> {
                Ok(OneOrMany(Vec::new()))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<OneOrMany<'de>, E> {
                Ok(OneOrMany(vec![Str(Cow::Borrowed(v))]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany<'de>, E> {
                Ok(OneOrMany(vec![Str(Cow::Owned(v.to_owned()))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany<'de>, A::Error> {
                let mut values = Vec::new();
                while let Some(v) = seq.next_element::<Option<Str<'de>>>()? {
                    values.extend(v);
                }
                Ok(OneOrMany(values))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiEvent<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    // Payload 1.0.
    #[serde(borrow)]
    path: Option<Str<'a>>,
    #[serde(borrow)]
    http_method: Option<Str<'a>>,
    #[serde(borrow, default)]
    headers: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    multi_value_headers: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    query_string_parameters: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    multi_value_query_string_parameters: Option<Pairs<'a>>,
    // Payload 2.0.
    #[serde(borrow)]
    raw_path: Option<Str<'a>>,
    #[serde(borrow)]
    raw_query_string: Option<Str<'a>>,
    #[serde(borrow)]
    cookies: Option<Vec<Str<'a>>>,
    // Both.
    #[serde(borrow)]
    body: Option<Str<'a>>,
    is_base64_encoded: Option<bool>,
    #[serde(borrow)]
    request_context: Option<Context<'a>>,
}

#[derive(Deserialize)]
struct Context<'a> {
    #[serde(borrow)]
    stage: Option<Str<'a>>,
    #[serde(borrow)]
    http: Option<HttpDescription<'a>>,
}

#[derive(Deserialize)]
struct HttpDescription<'a> {
    #[serde(borrow)]
    method: Option<Str<'a>>,
    #[serde(borrow)]
    path: Option<Str<'a>>,
}

fn s<'x>(v: &'x Option<Str<'_>>) -> Option<&'x str> {
    v.as_ref().map(|s| &*s.0)
}

/// Reads an API Gateway event of either payload version into a request.
pub(crate) fn to_request<'de, D: Deserializer<'de>>(
    input: D,
    stages: &StagePrefix,
) -> Result<(PayloadVersion, Request<Body>), ShapeError> {
    let event = ApiEvent::deserialize(input).map_err(|e| e.to_string())?;
    let context = event.request_context.as_ref();
    let stage = context.and_then(|c| s(&c.stage));
    let http = context.and_then(|c| c.http.as_ref());
    let mut headers = HeaderMap::new();
    if s(&event.version) == Some("2.0") {
        let method = http
            .and_then(|h| s(&h.method))
            .ok_or("requestContext.http.method is missing")?;
        let raw = s(&event.raw_path)
            .or_else(|| http.and_then(|h| s(&h.path)))
            .unwrap_or("/");
        let mut uri = utf8_percent_encode(stages.strip(stage, raw), PATH).to_string();
        if let Some(query) = s(&event.raw_query_string).filter(|q| !q.is_empty()) {
            uri.push('?');
            uri.push_str(query);
        }
        for (k, v) in event.headers.iter().flat_map(|p| &p.0) {
            append(&mut headers, &k.0, &v.0);
        }
        if let Some(cookies) = event.cookies.as_ref().filter(|c| !c.is_empty()) {
            let joined: Vec<&str> = cookies.iter().map(|c| &*c.0).collect();
            append(&mut headers, COOKIE.as_str(), &joined.join("; "));
        }
        let body = body(event.body, event.is_base64_encoded.unwrap_or(false))?;
        return Ok((PayloadVersion::V2, build(method, &uri, headers, body)?));
    }
    let method = s(&event.http_method)
        .ok_or("neither httpMethod (REST payload 1.0) nor version 2.0 (HTTP API)")?;
    let path = stages.strip(stage, s(&event.path).unwrap_or("/"));
    let mut uri = utf8_percent_encode(path, PATH).to_string();
    let query = match (
        &event.multi_value_query_string_parameters,
        &event.query_string_parameters,
    ) {
        (Some(multi), _) if !multi.0.is_empty() => Some(multi),
        (_, single) => single.as_ref(),
    };
    for (i, (k, v)) in query.iter().flat_map(|p| &p.0).enumerate() {
        uri.push(if i == 0 { '?' } else { '&' });
        uri.extend(utf8_percent_encode(&k.0, QUERY));
        uri.push('=');
        uri.extend(utf8_percent_encode(&v.0, QUERY));
    }
    let header_pairs = match (&event.multi_value_headers, &event.headers) {
        (Some(multi), _) if !multi.0.is_empty() => Some(multi),
        (_, single) => single.as_ref(),
    };
    for (k, v) in header_pairs.iter().flat_map(|p| &p.0) {
        append(&mut headers, &k.0, &v.0);
    }
    let body = body(event.body, event.is_base64_encoded.unwrap_or(false))?;
    Ok((PayloadVersion::V1, build(method, &uri, headers, body)?))
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

fn body(body: Option<Str<'_>>, base64: bool) -> Result<Bytes, ShapeError> {
    match body {
        None => Ok(Bytes::new()),
        Some(b) if base64 => BASE64
            .decode(b.0.as_bytes())
            .map(Bytes::from)
            .map_err(|e| format!("body: {e}")),
        Some(Str(Cow::Borrowed(b))) => Ok(Bytes::copy_from_slice(b.as_bytes())),
        Some(Str(Cow::Owned(b))) => Ok(Bytes::from(b)),
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
