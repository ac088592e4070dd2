//! Every generator's event reads back into its `aws_lambda_events` type and has the keys of
//! AWS's sample event in `fixtures/events/` (at every level, data maps aside).

use std::collections::BTreeSet;
use std::path::PathBuf;

use aws_lambda_events::event;
use flagon_events::{Origin, dynamodb_inserts, eventbridge, kinesis, s3, scheduled, sns, sqs};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Maps whose keys are the user's data, not the event's shape.
const DATA_MAPS: &[&str] = &[
    "messageAttributes",
    "MessageAttributes",
    "Keys",
    "NewImage",
    "detail",
];

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/events")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The dotted paths of every object key; array items are merged under `[]`.
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = format!("{prefix}{k}");
                out.insert(path.clone());
                if !DATA_MAPS.contains(&k.as_str()) {
                    key_paths(v, &format!("{path}."), out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]."), out);
            }
        }
        _ => {}
    }
}

fn paths(value: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    key_paths(value, "", &mut out);
    out
}

/// `generated` has exactly the keys of the sample, except the sample's `optional` keys
/// (which AWS leaves out in some events) and the generator's `extra` ones (which AWS
/// sends but the sample lacks); it reads back into `T`.
fn assert_shaped_like<T: DeserializeOwned>(
    generated: &Value,
    sample: &str,
    optional: &[&str],
    extra: &[&str],
) -> T {
    let sample_value = fixture(sample);
    let have = paths(generated);
    let want = paths(&sample_value);
    let missing: Vec<_> = want
        .difference(&have)
        .filter(|p| !optional.contains(&p.as_str()))
        .collect();
    let unexpected: Vec<_> = have
        .difference(&want)
        .filter(|p| !extra.contains(&p.as_str()))
        .collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "{sample}: missing {missing:?}, unexpected {unexpected:?}"
    );
    // The sample itself reads back too, so the comparison is against a valid shape.
    serde_json::from_value::<T>(sample_value).unwrap_or_else(|e| panic!("sample {sample}: {e}"));
    serde_json::from_value(generated.clone())
        .unwrap_or_else(|e| panic!("generated like {sample}: {e}"))
}

#[test]
fn s3_put_is_shaped_like_the_sample() {
    let v = s3(
        &Origin::default(),
        "mybucket",
        "Happy Face.jpg",
        "ObjectCreated:Put",
        1024,
    );
    // `versionId` only comes from versioned buckets.
    let e: event::s3::S3Event =
        assert_shaped_like(&v, "s3-put.json", &["Records.[].s3.object.versionId"], &[]);
    assert_eq!(
        e.records[0].s3.object.key.as_deref(),
        Some("Happy+Face.jpg")
    );
    assert_eq!(e.records[0].s3.object.size, Some(1024));
}

#[test]
fn sns_notification_is_shaped_like_the_sample() {
    let v = sns(&Origin::default(), "alerts", "disk full", Some("Alarm"));
    let e: event::sns::SnsEvent = assert_shaped_like(
        &v,
        "sns-notification.json",
        &[],
        &["Records.[].Sns.MessageAttributes"],
    );
    let sns = &e.records[0].sns;
    assert_eq!(sns.topic_arn, "arn:aws:sns:us-east-1:123456789012:alerts");
    assert_eq!(sns.message, "disk full");
    assert_eq!(sns.subject.as_deref(), Some("Alarm"));
}

#[test]
fn sqs_batch_is_shaped_like_the_sample() {
    let v = sqs(&Origin::default(), "jobs", ["a", "b"]);
    // `md5OfMessageAttributes` is only there when the message has attributes.
    let e: event::sqs::SqsEvent = assert_shaped_like(
        &v,
        "sqs-receive.json",
        &["Records.[].md5OfMessageAttributes"],
        &[],
    );
    let ids: Vec<_> = e.records.iter().map(|r| r.message_id.as_deref()).collect();
    assert_eq!(ids, [Some("message-0"), Some("message-1")]);
    assert_eq!(e.records[1].body.as_deref(), Some("b"));
    assert_eq!(
        e.records[0].event_source_arn.as_deref(),
        Some("arn:aws:sqs:us-east-1:123456789012:jobs")
    );
}

#[test]
fn eventbridge_event_is_shaped_like_the_sample() {
    let v = eventbridge(
        &Origin::default(),
        "aws.ec2",
        "EC2 Instance State-change Notification",
        json!({"state": "pending"}),
    );
    // The sample leaves out `version`, which every EventBridge event carries (the schedule
    // sample has it).
    let e: event::eventbridge::EventBridgeEvent =
        assert_shaped_like(&v, "eventbridge-event.json", &[], &["version"]);
    assert_eq!(e.source, "aws.ec2");
    assert_eq!(e.detail, json!({"state": "pending"}));
}

#[test]
fn scheduled_event_is_shaped_like_the_sample() {
    let v = scheduled(&Origin::default(), "my-scheduled-rule");
    let sample = fixture("scheduled-event.json");
    let e: event::cloudwatch_events::CloudWatchEvent =
        assert_shaped_like(&v, "scheduled-event.json", &[], &[]);
    assert_eq!(v["resources"], sample["resources"]);
    assert_eq!(e.detail_type.as_deref(), Some("Scheduled Event"));
}

#[test]
fn kinesis_batch_is_shaped_like_the_sample() {
    let v = kinesis(&Origin::default(), "simple-stream", ["Hello World"]);
    let sample = fixture("kinesis-record.json");
    let e: event::kinesis::KinesisEvent = assert_shaped_like(&v, "kinesis-record.json", &[], &[]);
    assert_eq!(
        v["Records"][0]["kinesis"]["data"],
        sample["Records"][0]["kinesis"]["data"]
    );
    assert_eq!(
        v["Records"][0]["eventSourceARN"],
        sample["Records"][0]["eventSourceARN"]
    );
    assert_eq!(e.records[0].kinesis.data.0, b"Hello World");
}

#[test]
fn dynamodb_inserts_are_shaped_like_the_sample() {
    let v = dynamodb_inserts(
        &Origin::default(),
        "Example-Table",
        Some("key"),
        [json!({"val": "data", "key": "binary"})],
    )
    .unwrap();
    // `userIdentity` is only there for deletions by TTL; the sample's MODIFY record has
    // an `OldImage`, an INSERT never does.
    let e: event::dynamodb::Event = assert_shaped_like(
        &v,
        "dynamodb-stream.json",
        &[
            "Records.[].userIdentity",
            "Records.[].userIdentity.type",
            "Records.[].userIdentity.principalId",
            "Records.[].dynamodb.OldImage",
        ],
        &[],
    );
    assert_eq!(e.records[0].event_name, "INSERT");
}

#[test]
fn origin_sets_region_account_and_time() {
    let origin = Origin::new(
        "eu-west-1",
        "111122223333",
        chrono::DateTime::from_timestamp(1_480_641_523, 477_000_000).unwrap(),
        flagon_events::Ids::Numbered,
    );
    let v = kinesis(&origin, "s", ["x"]);
    assert_eq!(v["Records"][0]["awsRegion"], "eu-west-1");
    assert_eq!(
        v["Records"][0]["eventSourceARN"],
        "arn:aws:kinesis:eu-west-1:111122223333:stream/s"
    );
    assert_eq!(
        v["Records"][0]["kinesis"]["approximateArrivalTimestamp"],
        1_480_641_523.477
    );
    let s = s3(&origin, "b", "k", "ObjectCreated:Put", 1);
    assert_eq!(s["Records"][0]["eventTime"], "2016-12-02T01:18:43.477Z");
    let e = scheduled(&origin, "r");
    assert_eq!(e["time"], "2016-12-02T01:18:43Z");
    assert_eq!(e["account"], "111122223333");
}
