//! Convenience accessors on the `aws_lambda_events` types: every record, keys decoded, data
//! decoded, typed bodies. They are extension traits, in the prelude, so the handler's event
//! stays the official type.

use aws_lambda_events::event::dynamodb::{Event as DynamoDbEvent, EventRecord as DynamoDbRecord};
use aws_lambda_events::event::kinesis::{KinesisEvent, KinesisEventRecord};
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sns::{SnsEvent, SnsMessage};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// One object of an S3 notification, with its key decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Object {
    /// The bucket's name.
    pub bucket: String,
    /// The object key, URL-decoded (`Happy%20Face.jpg` and `Happy+Face.jpg` are `Happy Face.jpg`).
    pub key: String,
    /// The event name without the `s3:` prefix, e.g. `ObjectCreated:Put`.
    pub event_name: String,
    /// The object's size in bytes, when S3 says.
    pub size: Option<i64>,
}

/// Accessors on [`S3Event`].
pub trait S3EventExt {
    /// Every object of every record, keys decoded.
    fn objects(&self) -> Vec<S3Object>;
}

impl S3EventExt for S3Event {
    fn objects(&self) -> Vec<S3Object> {
        self.records
            .iter()
            .map(|r| S3Object {
                bucket: r.s3.bucket.name.clone().unwrap_or_default(),
                key: decode_s3_key(r.s3.object.key.as_deref().unwrap_or("")),
                event_name: r.event_name.clone().unwrap_or_default(),
                size: r.s3.object.size,
            })
            .collect()
    }
}

/// S3 sends keys form-encoded: `+` is a space, then percent escapes.
pub fn decode_s3_key(key: &str) -> String {
    let key = key.replace('+', " ");
    percent_encoding::percent_decode_str(&key)
        .decode_utf8_lossy()
        .into_owned()
}

/// Accessors on [`SnsEvent`].
pub trait SnsEventExt {
    /// Every message of the event.
    fn messages(&self) -> Vec<&SnsMessage>;
}

impl SnsEventExt for SnsEvent {
    fn messages(&self) -> Vec<&SnsMessage> {
        self.records.iter().map(|r| &r.sns).collect()
    }
}

/// Accessors on an [`SnsMessage`].
pub trait SnsMessageExt {
    /// The topic's name, the last part of its ARN.
    fn topic_name(&self) -> &str;
    /// The message decoded as JSON.
    fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error>;
}

impl SnsMessageExt for SnsMessage {
    fn topic_name(&self) -> &str {
        self.topic_arn.rsplit(':').next().unwrap_or(&self.topic_arn)
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.message)
    }
}

/// Accessors on a Kinesis record. Its data is already base64-decoded by `aws_lambda_events`.
pub trait KinesisRecordExt {
    /// The record's data, decoded from base64.
    fn data(&self) -> &[u8];
    /// The data decoded as JSON.
    fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error>;
    /// The sequence number: the item identifier of a batch failure.
    fn item_identifier(&self) -> &str;
}

impl KinesisRecordExt for KinesisEventRecord {
    fn data(&self) -> &[u8] {
        &self.kinesis.data
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(self.data())
    }

    fn item_identifier(&self) -> &str {
        &self.kinesis.sequence_number
    }
}

/// Accessors on [`KinesisEvent`].
pub trait KinesisEventExt {
    /// Every record.
    fn records(&self) -> &[KinesisEventRecord];
}

impl KinesisEventExt for KinesisEvent {
    fn records(&self) -> &[KinesisEventRecord] {
        &self.records
    }
}

/// Accessors on a DynamoDB stream record: images decoded from DynamoDB's typed JSON
/// (`{"S": "x"}`, `{"N": "1"}`, ...) into plain values.
pub trait DynamoDbRecordExt {
    /// The item's key attributes.
    fn keys<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error>;
    /// The item after the change (`None` when the stream view has no new image).
    fn new_image<T: DeserializeOwned>(&self) -> Result<Option<T>, serde_json::Error>;
    /// The item before the change.
    fn old_image<T: DeserializeOwned>(&self) -> Result<Option<T>, serde_json::Error>;
    /// The sequence number: the item identifier of a batch failure.
    fn item_identifier(&self) -> &str;
}

impl DynamoDbRecordExt for DynamoDbRecord {
    fn keys<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(plain(serde_json::to_value(&self.change.keys)?))
    }

    fn new_image<T: DeserializeOwned>(&self) -> Result<Option<T>, serde_json::Error> {
        image(serde_json::to_value(&self.change.new_image)?)
    }

    fn old_image<T: DeserializeOwned>(&self) -> Result<Option<T>, serde_json::Error> {
        image(serde_json::to_value(&self.change.old_image)?)
    }

    fn item_identifier(&self) -> &str {
        self.change.sequence_number.as_deref().unwrap_or("")
    }
}

/// Accessors on a DynamoDB stream event.
pub trait DynamoDbEventExt {
    /// Every record.
    fn records(&self) -> &[DynamoDbRecord];
}

impl DynamoDbEventExt for DynamoDbEvent {
    fn records(&self) -> &[DynamoDbRecord] {
        &self.records
    }
}

fn image<T: DeserializeOwned>(item: Value) -> Result<Option<T>, serde_json::Error> {
    match &item {
        Value::Object(map) if map.is_empty() => Ok(None),
        Value::Null => Ok(None),
        _ => serde_json::from_value(plain(item)).map(Some),
    }
}

/// DynamoDB's typed JSON to plain JSON. Numbers become JSON numbers when they parse, else
/// stay strings; binary stays base64 text.
pub fn plain(item: Value) -> Value {
    match item {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, attribute(v))).collect())
        }
        other => other,
    }
}

fn attribute(value: Value) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let Some((tag, inner)) = map.into_iter().next() else {
        return Value::Object(Map::new());
    };
    match (tag.as_str(), inner) {
        ("S" | "B", v) => v,
        ("N", Value::String(n)) => number(n),
        ("BOOL", v) => v,
        ("NULL", _) => Value::Null,
        ("M", v) => plain(v),
        ("L", Value::Array(items)) => Value::Array(items.into_iter().map(attribute).collect()),
        ("NS", Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .map(|n| match n {
                    Value::String(n) => number(n),
                    other => other,
                })
                .collect(),
        ),
        ("SS" | "BS", v) => v,
        (tag, v) => {
            let mut map = Map::new();
            map.insert(tag.to_owned(), v);
            Value::Object(map)
        }
    }
}

fn number(n: String) -> Value {
    n.parse::<i64>()
        .map(Value::from)
        .ok()
        .or_else(|| {
            n.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
        })
        .unwrap_or(Value::String(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn s3_keys_are_form_decoded() {
        assert_eq!(decode_s3_key("Happy%20Face.jpg"), "Happy Face.jpg");
        assert_eq!(decode_s3_key("a+b%2Bc"), "a b+c");
    }

    #[test]
    fn dynamodb_typed_json_becomes_plain_json() {
        let item = json!({
            "Id": {"N": "101"}, "Name": {"S": "x"}, "Ok": {"BOOL": true}, "Gone": {"NULL": true},
            "Tags": {"SS": ["a"]}, "Nested": {"M": {"P": {"N": "1.5"}}}, "List": {"L": [{"S": "y"}]}
        });
        assert_eq!(
            plain(item),
            json!({"Id": 101, "Name": "x", "Ok": true, "Gone": null, "Tags": ["a"],
                   "Nested": {"P": 1.5}, "List": ["y"]})
        );
    }
}
