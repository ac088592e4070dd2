//! Event generators: the events AWS sends a function, as JSON, for `cargo flagon invoke`
//! and for schedules firing under `cargo flagon local`.
//!
//! The shapes are [`flagon_events`]'s (shared with the runtime's test client); here they
//! come from the emulator's region and account, at the time given, with fresh ids like
//! AWS's. Names (bucket, topic, queue, stream) become ARNs in that region and account. The
//! tests read every event back into its `aws_lambda_events` type, which is what the runtime
//! deserialises it into.

use chrono::{DateTime, Utc};
use flagon_events::{Ids, Origin};
use serde_json::Value;

use crate::instance::request_id;
use crate::options::LOCAL_ACCOUNT_ID;

/// Events from the emulator: `region`, the local account, `now`, fresh request ids.
fn origin(region: &str, now: DateTime<Utc>) -> Origin {
    Origin::new(region, LOCAL_ACCOUNT_ID, now, Ids::Generated(request_id))
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
    flagon_events::s3(&origin(region, now), bucket, key, event_name, size)
}

/// An SNS notification of `message` on `topic` (name or ARN).
pub fn sns(
    region: &str,
    topic: &str,
    message: &str,
    subject: Option<&str>,
    now: DateTime<Utc>,
) -> Value {
    flagon_events::sns(&origin(region, now), topic, message, subject)
}

/// An SQS batch, one record per body, from `queue` (name or ARN).
pub fn sqs(region: &str, queue: &str, bodies: &[String], now: DateTime<Utc>) -> Value {
    flagon_events::sqs(&origin(region, now), queue, bodies.iter().cloned())
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
    flagon_events::eventbridge(&origin(region, now), &source, &detail_type, detail)
}

/// The event a schedule rule sends (`rule` is the rule's name or ARN).
pub fn schedule(region: &str, rule: &str, now: DateTime<Utc>) -> Value {
    flagon_events::scheduled(&origin(region, now), rule)
}

/// A Kinesis batch, one record per data item (base64 in the event, as Kinesis sends it).
pub fn kinesis(region: &str, stream: &str, data: &[String], now: DateTime<Utc>) -> Value {
    flagon_events::kinesis(&origin(region, now), stream, data)
}

/// A DynamoDB stream batch: one `INSERT` per item (plain JSON objects, converted to
/// DynamoDB attribute values); the first attribute of each item is its key. `stream_arn`
/// is the stream's ARN or a table name.
pub fn dynamodb(
    region: &str,
    stream_arn: &str,
    items: &[Value],
    now: DateTime<Utc>,
) -> Result<Value, String> {
    flagon_events::dynamodb_inserts(&origin(region, now), stream_arn, None, items)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::event;
    use serde_json::json;

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
