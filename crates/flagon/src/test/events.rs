//! Generators of AWS events, shaped as AWS sends them (compare the samples under
//! `fixtures/events/`), for [`Client::invoke`](super::Client::invoke).
//!
//! The event sources' generators are [`flagon_events`]'s, from its default `Origin`
//! (`us-east-1`, account `123456789012`, 2024-01-01T00:00:00Z, numbered ids), so a test
//! sees the same event on every run; the API Gateway ones are the test client's own.
//!
//! ```
//! use flagon::test::events;
//!
//! let event = events::s3_put("mybucket", "uploads/Happy Face.jpg");
//! // S3 sends keys form-encoded.
//! assert_eq!(event["Records"][0]["s3"]["object"]["key"], "uploads/Happy+Face.jpg");
//! ```

use flagon_events::DEFAULT_ACCOUNT as ACCOUNT;
use flagon_events::Origin;
use serde_json::{Map, Value, json};

/// An HTTP request to turn into an API Gateway event.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// The path, without the query string.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// Headers in order; a repeated name is a multi-value header.
    pub headers: &'a [(String, String)],
    /// The body and whether it is base64-encoded.
    pub body: Option<(&'a str, bool)>,
    /// The API stage.
    pub stage: &'a str,
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// A REST API proxy event (payload 1.0), as API Gateway sends it: decoded query values,
/// single- and multi-value maps, the stage in `requestContext.path` only.
pub fn rest_api_request(request: &HttpRequest<'_>) -> Value {
    let mut headers = Map::new();
    let mut multi_headers: Map<String, Value> = Map::new();
    for (k, v) in request.headers {
        headers.insert(k.clone(), json!(v));
        if let Some(values) = multi_headers
            .entry(k.clone())
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            values.push(json!(v));
        }
    }
    let mut query = Map::new();
    let mut multi_query: Map<String, Value> = Map::new();
    for (k, v) in query_pairs(request.query) {
        query.insert(k.clone(), json!(v));
        if let Some(values) = multi_query
            .entry(k)
            .or_insert_with(|| json!([]))
            .as_array_mut()
        {
            values.push(json!(v));
        }
    }
    let nullable = |m: Map<String, Value>| {
        if m.is_empty() {
            Value::Null
        } else {
            Value::Object(m)
        }
    };
    json!({
        "resource": request.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": nullable(headers),
        "multiValueHeaders": nullable(multi_headers),
        "queryStringParameters": nullable(query),
        "multiValueQueryStringParameters": nullable(multi_query),
        "pathParameters": null,
        "stageVariables": null,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "flagontest",
            "httpMethod": request.method,
            "path": format!("/{}{}", request.stage, request.path),
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTimeEpoch": 1_704_067_200_000_u64,
            "resourcePath": request.path,
            "stage": request.stage,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "flagon-test"}
        },
        "body": request.body.map(|(b, _)| b),
        "isBase64Encoded": request.body.is_some_and(|(_, e)| e),
    })
}

/// An HTTP API event (payload 2.0): raw path and query, comma-joined headers, cookies apart.
pub fn http_api_request(request: &HttpRequest<'_>) -> Value {
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for (k, v) in request.headers {
        let k = k.to_lowercase();
        if k == "cookie" {
            cookies.extend(v.split(';').map(|c| json!(c.trim())));
            continue;
        }
        match headers.get_mut(&k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(v);
            }
            _ => {
                headers.insert(k, json!(v));
            }
        }
    }
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.path,
        "rawQueryString": request.query.unwrap_or(""),
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "flagontest",
            "domainName": "flagontest.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "flagontest",
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "flagon-test"
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2024:00:00:00 +0000",
            "timeEpoch": 1_704_067_200_000_u64
        },
        "isBase64Encoded": request.body.is_some_and(|(_, e)| e),
    });
    if !cookies.is_empty() {
        event["cookies"] = Value::Array(cookies);
    }
    if let Some((body, _)) = request.body {
        event["body"] = json!(body);
    }
    if let Some(query) = request.query.filter(|q| !q.is_empty()) {
        let mut params: Map<String, Value> = Map::new();
        for (k, v) in query_pairs(Some(query)) {
            match params.get_mut(&k) {
                Some(Value::String(existing)) => {
                    existing.push(',');
                    existing.push_str(&v);
                }
                _ => {
                    params.insert(k, json!(v));
                }
            }
        }
        event["queryStringParameters"] = Value::Object(params);
    }
    event
}

/// S3 `ObjectCreated:Put` of one 1024-byte object; the key is form-encoded as S3 sends it.
pub fn s3_put(bucket: &str, key: &str) -> Value {
    s3_event(bucket, key, "ObjectCreated:Put")
}

/// An S3 event of any name (`ObjectRemoved:Delete`, ...) for one 1024-byte object.
pub fn s3_event(bucket: &str, key: &str, event_name: &str) -> Value {
    flagon_events::s3(&Origin::default(), bucket, key, event_name, 1024)
}

/// One SNS notification on `topic` (a name or an ARN), without a subject.
pub fn sns_message(topic: &str, message: &str) -> Value {
    flagon_events::sns(&Origin::default(), topic, message, None)
}

/// SQS messages on `queue`, with ids `message-0`, `message-1`, ... in order.
pub fn sqs_messages<I, S>(queue: &str, bodies: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    flagon_events::sqs(&Origin::default(), queue, bodies)
}

/// An EventBridge event.
pub fn eventbridge(source: &str, detail_type: &str, detail: &Value) -> Value {
    flagon_events::eventbridge(&Origin::default(), source, detail_type, detail.clone())
}

/// The event a schedule rule named `rule` sends.
pub fn scheduled(rule: &str) -> Value {
    flagon_events::scheduled(&Origin::default(), rule)
}

/// Kinesis records on `stream`, data base64-encoded as Kinesis sends it; sequence numbers
/// are `1`, `2`, ... in order.
pub fn kinesis_records<I, D>(stream: &str, data: I) -> Value
where
    I: IntoIterator<Item = D>,
    D: AsRef<[u8]>,
{
    flagon_events::kinesis(&Origin::default(), stream, data)
}

/// DynamoDB stream `INSERT` records for plain JSON items (converted to DynamoDB's typed JSON);
/// `key` names the key attribute; sequence numbers are `1`, `2`, ... in order.
///
/// # Panics
///
/// When an item is not a JSON object: a DynamoDB item always is, so the test is wrong.
pub fn dynamodb_inserts<I>(table: &str, key: &str, items: I) -> Value
where
    I: IntoIterator<Item = Value>,
{
    flagon_events::dynamodb_inserts(&Origin::default(), table, Some(key), items)
        .unwrap_or_else(|e| panic!("failed to {e}"))
}
