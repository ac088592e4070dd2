//! Event generators: the events AWS sends a function, as JSON, for `cargo flagon invoke`
//! and for schedules firing under `cargo flagon local`.
//!
//! Each builder writes the JSON shape AWS documents; the tests read every one back into
//! its `aws_lambda_events` type, which is what the runtime deserialises it into.
//! Names (bucket, topic, queue, stream) become ARNs in the emulator's region and account.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::instance::request_id;
use crate::options::LOCAL_ACCOUNT_ID;

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn arn(service: &str, region: &str, resource: &str) -> String {
    if resource.starts_with("arn:") {
        resource.to_owned()
    } else {
        format!("arn:aws:{service}:{region}:{LOCAL_ACCOUNT_ID}:{resource}")
    }
}

/// An S3 notification for `key` in `bucket` (`event_name` e.g. `ObjectCreated:Put`). The key
/// is URL-encoded, spaces as `+`, as S3 sends it.
pub fn s3(
    region: &str,
    bucket: &str,
    key: &str,
    event_name: &str,
    size: u64,
    now: DateTime<Utc>,
) -> Value {
    let encoded: String = key
        .split(' ')
        .map(|part| percent_encoding::utf8_percent_encode(part, S3_KEY).to_string())
        .collect::<Vec<_>>()
        .join("+");
    json!({"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": iso(now),
        "eventName": event_name,
        "userIdentity": {"principalId": "AWS:LOCAL"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "flagon-local",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "LOCAL"}, "arn": format!("arn:aws:s3:::{bucket}")},
            "object": {"key": encoded, "size": size, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5"}
        }
    }]})
}

/// The characters S3 escapes in notification keys (everything but unreserved and `/`).
const S3_KEY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// An SNS notification of `message` on `topic` (name or ARN).
pub fn sns(
    region: &str,
    topic: &str,
    message: &str,
    subject: Option<&str>,
    now: DateTime<Utc>,
) -> Value {
    let topic_arn = arn("sns", region, topic);
    json!({"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": format!("{topic_arn}:{}", request_id()),
        "Sns": {
            "Type": "Notification",
            "MessageId": request_id(),
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": iso(now),
            "SignatureVersion": "1",
            "Signature": "LOCAL",
            "SigningCertUrl": "https://sns.amazonaws.com/local.pem",
            "UnsubscribeUrl": "https://sns.amazonaws.com/?Action=Unsubscribe",
            "MessageAttributes": {}
        }
    }]})
}

/// An SQS batch, one record per body, from `queue` (name or ARN).
pub fn sqs(region: &str, queue: &str, bodies: &[String], now: DateTime<Utc>) -> Value {
    let queue_arn = arn("sqs", region, queue);
    let millis = now.timestamp_millis().to_string();
    let records: Vec<Value> = bodies
        .iter()
        .map(|body| {
            json!({
                "messageId": request_id(),
                "receiptHandle": format!("local-{}", request_id()),
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": millis,
                    "SenderId": LOCAL_ACCOUNT_ID,
                    "ApproximateFirstReceiveTimestamp": millis
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region
            })
        })
        .collect();
    json!({ "Records": records })
}

/// An EventBridge event. Without `source` / `detail_type`, the first value the function's
/// pattern asks for is used, so the event matches the pattern's top-level fields.
pub fn event_bridge(
    region: &str,
    pattern: Option<&Value>,
    source: Option<&str>,
    detail_type: Option<&str>,
    detail: Value,
    now: DateTime<Utc>,
) -> Value {
    let first = |field: &str| {
        pattern?
            .get(field)?
            .as_array()?
            .iter()
            .find_map(Value::as_str)
            .map(str::to_owned)
    };
    let source = source
        .map(str::to_owned)
        .or_else(|| first("source"))
        .unwrap_or_else(|| "flagon.local".into());
    let detail_type = detail_type
        .map(str::to_owned)
        .or_else(|| first("detail-type"))
        .unwrap_or_else(|| "Local Event".into());
    let mut event = json!({
        "version": "0",
        "id": request_id(),
        "detail-type": detail_type,
        "source": source,
        "account": LOCAL_ACCOUNT_ID,
        "time": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "region": region,
        "resources": [],
    });
    event["detail"] = detail;
    event
}

/// The event a schedule rule sends (`rule` is the rule's name or ARN).
pub fn schedule(region: &str, rule: &str, now: DateTime<Utc>) -> Value {
    json!({
        "version": "0",
        "id": request_id(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": LOCAL_ACCOUNT_ID,
        "time": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "region": region,
        "resources": [arn("events", region, &format!("rule/{rule}"))],
        "detail": {}
    })
}

/// A Kinesis batch, one record per data item (base64 in the event, as Kinesis sends it).
pub fn kinesis(region: &str, stream: &str, data: &[String], now: DateTime<Utc>) -> Value {
    let stream_arn = arn("kinesis", region, &format!("stream/{stream}"));
    let records: Vec<Value> = data
        .iter()
        .enumerate()
        .map(|(i, item)| {
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": "1",
                    "sequenceNumber": format!("{:056}", i + 1),
                    "data": BASE64.encode(item.as_bytes()),
                    "approximateArrivalTimestamp": now.timestamp_millis() as f64 / 1000.0
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{:056}", i + 1),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": format!("arn:aws:iam::{LOCAL_ACCOUNT_ID}:role/flagon-local"),
                "awsRegion": region,
                "eventSourceARN": stream_arn
            })
        })
        .collect();
    json!({ "Records": records })
}

/// A DynamoDB stream batch: one `INSERT` per item (plain JSON objects, converted to
/// DynamoDB attribute values); the first attribute of each item is its key.
pub fn dynamodb(
    region: &str,
    stream_arn: &str,
    items: &[Value],
    now: DateTime<Utc>,
) -> Result<Value, String> {
    let stream_arn = arn("dynamodb", region, stream_arn);
    let mut records = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(map) = item else {
            return Err(format!(
                "a DynamoDB item must be a JSON object, not `{item}`"
            ));
        };
        let image = attribute_map(map);
        let keys: Map<String, Value> = image
            .iter()
            .take(1)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        records.push(json!({
            "eventID": request_id(),
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": region,
            "dynamodb": {
                "ApproximateCreationDateTime": now.timestamp(),
                "Keys": keys,
                "NewImage": image,
                "SequenceNumber": format!("{}", 100 + i),
                "SizeBytes": item.to_string().len(),
                "StreamViewType": "NEW_AND_OLD_IMAGES"
            },
            "eventSourceARN": stream_arn
        }));
    }
    Ok(json!({ "Records": records }))
}

fn attribute_map(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter().map(|(k, v)| (k.clone(), attribute(v))).collect()
}

fn attribute(value: &Value) -> Value {
    match value {
        Value::Null => json!({"NULL": true}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::String(s) => json!({"S": s}),
        Value::Array(items) => json!({"L": items.iter().map(attribute).collect::<Vec<_>>()}),
        Value::Object(map) => json!({"M": attribute_map(map)}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::event;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn s3_event_reads_back_with_encoded_key() {
        let v = s3(
            "us-east-1",
            "b",
            "uploads/my photo+1.jpg",
            "ObjectCreated:Put",
            7,
            now(),
        );
        let e: event::s3::S3Event = serde_json::from_value(v).unwrap();
        let record = &e.records[0];
        assert_eq!(record.s3.bucket.name.as_deref(), Some("b"));
        assert_eq!(
            record.s3.object.key.as_deref(),
            Some("uploads/my+photo%2B1.jpg")
        );
        assert_eq!(record.event_name.as_deref(), Some("ObjectCreated:Put"));
    }

    #[test]
    fn sns_event_reads_back() {
        let v = sns("eu-west-1", "alerts", "hi", Some("subj"), now());
        let e: event::sns::SnsEvent = serde_json::from_value(v).unwrap();
        assert_eq!(e.records[0].sns.message, "hi");
        assert_eq!(
            e.records[0].sns.topic_arn,
            "arn:aws:sns:eu-west-1:123456789012:alerts"
        );
    }

    #[test]
    fn sqs_event_has_one_record_per_body() {
        let v = sqs("us-east-1", "jobs", &["a".into(), "b".into()], now());
        let e: event::sqs::SqsEvent = serde_json::from_value(v).unwrap();
        let bodies: Vec<_> = e.records.iter().map(|r| r.body.clone().unwrap()).collect();
        assert_eq!(bodies, ["a", "b"]);
        assert_eq!(
            e.records[0].event_source_arn.as_deref(),
            Some("arn:aws:sqs:us-east-1:123456789012:jobs")
        );
    }

    #[test]
    fn event_bridge_event_matches_the_pattern_source() {
        let pattern = json!({"source": ["aws.codecommit"], "detail-type": ["CodeCommit Repository State Change"]});
        let v = event_bridge(
            "us-east-1",
            Some(&pattern),
            None,
            None,
            json!({"x": 1}),
            now(),
        );
        let e: event::eventbridge::EventBridgeEvent = serde_json::from_value(v).unwrap();
        assert_eq!(e.source, "aws.codecommit");
        assert_eq!(e.detail_type, "CodeCommit Repository State Change");
        assert_eq!(e.detail, json!({"x": 1}));
    }

    #[test]
    fn schedule_event_names_the_rule() {
        let v = schedule("us-east-1", "app-dev-hourly", now());
        let e: event::cloudwatch_events::CloudWatchEvent = serde_json::from_value(v).unwrap();
        assert_eq!(e.detail_type.as_deref(), Some("Scheduled Event"));
        assert_eq!(
            e.resources,
            ["arn:aws:events:us-east-1:123456789012:rule/app-dev-hourly"]
        );
    }

    #[test]
    fn kinesis_data_is_base64() {
        let v = kinesis("us-east-1", "s", &["hello".into()], now());
        let e: event::kinesis::KinesisEvent = serde_json::from_value(v).unwrap();
        assert_eq!(e.records[0].kinesis.data.0, b"hello");
    }

    #[test]
    fn dynamodb_items_become_attribute_values() {
        let v = dynamodb(
            "us-east-1",
            "arn:aws:dynamodb:us-east-1:1:table/t/stream/x",
            &[json!({"id": "1", "n": 2, "tags": ["a"]})],
            now(),
        )
        .unwrap();
        assert_eq!(
            v["Records"][0]["dynamodb"]["NewImage"],
            json!({"id": {"S": "1"}, "n": {"N": "2"}, "tags": {"L": [{"S": "a"}]}})
        );
        assert_eq!(
            v["Records"][0]["dynamodb"]["Keys"],
            json!({"id": {"S": "1"}})
        );
        let e: event::dynamodb::Event = serde_json::from_value(v).unwrap();
        assert_eq!(e.records[0].event_name, "INSERT");
        assert!(dynamodb("us-east-1", "s", &[json!(3)], now()).is_err());
    }
}
