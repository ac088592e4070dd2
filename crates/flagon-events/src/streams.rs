//! Kinesis and DynamoDB stream batches.

use std::borrow::Borrow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use crate::{EventError, Origin};

/// A Kinesis batch from `stream` (name or ARN), one record per data item, base64-encoded
/// as Kinesis sends it; sequence numbers are `1`, `2`, ... in order.
pub fn kinesis<I, D>(origin: &Origin, stream: &str, data: I) -> Value
where
    I: IntoIterator<Item = D>,
    D: AsRef<[u8]>,
{
    let stream_arn = if stream.starts_with("arn:") {
        stream.to_owned()
    } else {
        origin.arn("kinesis", &format!("stream/{stream}"))
    };
    let arrival = origin.time.timestamp_millis() as f64 / 1000.0;
    let records: Vec<Value> = data
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let sequence = (i + 1).to_string();
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": "1",
                    "sequenceNumber": sequence,
                    "data": BASE64.encode(item.as_ref()),
                    "approximateArrivalTimestamp": arrival
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{sequence}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": format!("arn:aws:iam::{}:role/flagon", origin.account),
                "awsRegion": origin.region,
                "eventSourceARN": stream_arn
            })
        })
        .collect();
    json!({ "Records": records })
}

/// A DynamoDB stream batch of `table` (a table name, or the stream's ARN): one `INSERT` per
/// item, plain JSON objects converted to DynamoDB's typed attribute values. `key` names the
/// key attribute (the item's first attribute without it); sequence numbers are `1`, `2`,
/// ... in order.
///
/// # Errors
///
/// [`EventError::NotAnItem`] when an item is not a JSON object.
pub fn dynamodb_inserts<I>(
    origin: &Origin,
    table: &str,
    key: Option<&str>,
    items: I,
) -> Result<Value, EventError>
where
    I: IntoIterator,
    I::Item: Borrow<Value>,
{
    let stream_arn = if table.starts_with("arn:") {
        table.to_owned()
    } else {
        let label = origin.time.format("%Y-%m-%dT%H:%M:%S%.3f");
        origin.arn("dynamodb", &format!("table/{table}/stream/{label}"))
    };
    let mut records = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let item = item.borrow();
        let Value::Object(map) = item else {
            return Err(EventError::NotAnItem(item.to_string()));
        };
        let image = attribute_map(map);
        let keys: Map<String, Value> = image
            .iter()
            .filter(|(k, _)| key.is_none_or(|key| *k == key))
            .take(1)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let sequence = (i + 1).to_string();
        records.push(json!({
            "eventID": origin.id(|| sequence.clone()),
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": origin.region,
            "dynamodb": {
                "ApproximateCreationDateTime": origin.time.timestamp(),
                "Keys": keys,
                "NewImage": image,
                "SequenceNumber": sequence,
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

/// Plain JSON to a DynamoDB attribute value.
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

    #[test]
    fn items_become_attribute_values_keyed_by_the_named_attribute() {
        let v = dynamodb_inserts(
            &Origin::default(),
            "users",
            Some("id"),
            [json!({"name": "Ada", "id": "1", "n": 2, "tags": ["a"], "m": {"x": null}})],
        )
        .unwrap();
        let ddb = &v["Records"][0]["dynamodb"];
        assert_eq!(
            ddb["NewImage"],
            json!({"name": {"S": "Ada"}, "id": {"S": "1"}, "n": {"N": "2"},
                   "tags": {"L": [{"S": "a"}]}, "m": {"M": {"x": {"NULL": true}}}})
        );
        assert_eq!(ddb["Keys"], json!({"id": {"S": "1"}}));
        assert_eq!(
            v["Records"][0]["eventSourceARN"],
            "arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/2024-01-01T00:00:00.000"
        );
    }

    #[test]
    fn first_attribute_is_the_key_when_none_is_named() {
        let v =
            dynamodb_inserts(&Origin::default(), "t", None, &[json!({"pk": 1, "x": 2})]).unwrap();
        assert_eq!(
            v["Records"][0]["dynamodb"]["Keys"],
            json!({"pk": {"N": "1"}})
        );
    }

    #[test]
    fn non_object_item_is_refused() {
        let err = dynamodb_inserts(&Origin::default(), "t", None, [json!(3)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "convert `3` to a DynamoDB item: an item must be a JSON object"
        );
    }

    #[test]
    fn kinesis_stream_arn_is_kept() {
        let arn = "arn:aws:kinesis:eu-west-1:111122223333:stream/clicks";
        let v = kinesis(&Origin::default(), arn, ["x"]);
        assert_eq!(v["Records"][0]["eventSourceARN"], arn);
    }
}
