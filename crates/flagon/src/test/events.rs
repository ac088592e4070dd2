//! Generators of AWS events, shaped as AWS sends them (compare the samples under
//! `fixtures/events/`), for [`Client::invoke`](super::Client::invoke) and `cargo flagon invoke`.
//!
//! ```
//! use flagon::test::events;
//!
//! let event = events::s3_put("mybucket", "uploads/Happy Face.jpg");
//! // S3 sends keys form-encoded.
//! assert_eq!(event["Records"][0]["s3"]["object"]["key"], "uploads/Happy+Face.jpg");
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
const TIME: &str = "2024-01-01T00:00:00Z";

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

/// S3 `ObjectCreated:Put` of one object; the key is form-encoded as S3 sends it.
pub fn s3_put(bucket: &str, key: &str) -> Value {
    s3_event(bucket, key, "ObjectCreated:Put")
}

/// An S3 event of any name (`ObjectRemoved:Delete`, ...) for one object.
pub fn s3_event(bucket: &str, key: &str, event_name: &str) -> Value {
    let encoded: String = key
        .split(' ')
        .map(|part| {
            part.split('/')
                .map(|s| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect::<Vec<_>>()
        .join("+");
    // Keep the characters S3 leaves alone readable.
    let encoded = encoded
        .replace("%2E", ".")
        .replace("%2D", "-")
        .replace("%5F", "_")
        .replace("%7E", "~");
    json!({"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": TIME,
        "eventName": event_name,
        "userIdentity": {"principalId": "EXAMPLE"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "EXAMPLE123456789", "x-amz-id-2": "EXAMPLE123/abcdefghijklmnopqrstuvwxyz"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "flagon",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "EXAMPLE"}, "arn": format!("arn:aws:s3:::{bucket}")},
            "object": {"key": encoded, "size": 1024, "eTag": "0123456789abcdef0123456789abcdef", "sequencer": "0A1B2C3D4E5F678901"}
        }
    }]})
}

/// One SNS notification on `topic` (a name or an ARN).
pub fn sns_message(topic: &str, message: &str) -> Value {
    let arn = if topic.starts_with("arn:") {
        topic.to_owned()
    } else {
        format!("arn:aws:sns:{REGION}:{ACCOUNT}:{topic}")
    };
    json!({"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": format!("{arn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55"),
        "Sns": {
            "Type": "Notification",
            "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
            "TopicArn": arn,
            "Subject": null,
            "Message": message,
            "Timestamp": TIME,
            "SignatureVersion": "1",
            "Signature": "EXAMPLE",
            "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
            "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
            "MessageAttributes": {}
        }
    }]})
}

/// SQS messages on `queue`, with ids `message-0`, `message-1`, ... in order.
pub fn sqs_messages<I, S>(queue: &str, bodies: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let arn = if queue.starts_with("arn:") {
        queue.to_owned()
    } else {
        format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}")
    };
    let records: Vec<Value> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            json!({
                "messageId": format!("message-{i}"),
                "receiptHandle": format!("receipt-{i}"),
                "body": body.into(),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1704067200000",
                    "SenderId": ACCOUNT,
                    "ApproximateFirstReceiveTimestamp": "1704067200001"
                },
                "messageAttributes": {},
                "md5OfBody": "7b270e59b47ff90a553787216d55d91d",
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": REGION
            })
        })
        .collect();
    json!({"Records": records})
}

/// An EventBridge event.
pub fn eventbridge(source: &str, detail_type: &str, detail: &Value) -> Value {
    json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": detail_type,
        "source": source,
        "account": ACCOUNT,
        "time": TIME,
        "region": REGION,
        "resources": [],
        "detail": detail
    })
}

/// The event a schedule rule named `rule` sends.
pub fn scheduled(rule: &str) -> Value {
    let mut event = eventbridge("aws.events", "Scheduled Event", &json!({}));
    event["resources"] = json!([format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule}")]);
    event
}

/// Kinesis records on `stream`, data base64-encoded as Kinesis sends it; sequence numbers
/// are `1`, `2`, ... in order.
pub fn kinesis_records<I, D>(stream: &str, data: I) -> Value
where
    I: IntoIterator<Item = D>,
    D: AsRef<[u8]>,
{
    let records: Vec<Value> = data
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": "1",
                    "sequenceNumber": (i + 1).to_string(),
                    "data": BASE64.encode(d.as_ref()),
                    "approximateArrivalTimestamp": 1_704_067_200.0
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{}", i + 1),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": format!("arn:aws:iam::{ACCOUNT}:role/flagon"),
                "awsRegion": REGION,
                "eventSourceARN": format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{stream}")
            })
        })
        .collect();
    json!({"Records": records})
}

/// DynamoDB stream `INSERT` records for plain JSON items (converted to DynamoDB's typed JSON);
/// `key` names the key attribute; sequence numbers are `1`, `2`, ... in order.
pub fn dynamodb_inserts<I>(table: &str, key: &str, items: I) -> Value
where
    I: IntoIterator<Item = Value>,
{
    let records: Vec<Value> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let typed = typed_item(&item);
            let keys: Map<String, Value> =
                typed.as_object().into_iter().flatten().filter(|(k, _)| *k == key).map(|(k, v)| (k.clone(), v.clone())).collect();
            json!({
                "eventID": format!("{}", i + 1),
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": 1_704_067_200,
                    "Keys": keys,
                    "NewImage": typed,
                    "SequenceNumber": (i + 1).to_string(),
                    "SizeBytes": 26,
                    "StreamViewType": "NEW_AND_OLD_IMAGES"
                },
                "eventSourceARN": format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}/stream/2024-01-01T00:00:00.000")
            })
        })
        .collect();
    json!({"Records": records})
}

/// Plain JSON to DynamoDB's typed JSON.
fn typed_item(item: &Value) -> Value {
    match item {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), typed(v))).collect())
        }
        other => typed(other),
    }
}

fn typed(value: &Value) -> Value {
    match value {
        Value::Null => json!({"NULL": true}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::String(s) => json!({"S": s}),
        Value::Array(items) => json!({"L": items.iter().map(typed).collect::<Vec<_>>()}),
        Value::Object(_) => json!({"M": typed_item(value)}),
    }
}
