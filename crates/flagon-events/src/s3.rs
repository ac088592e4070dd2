//! S3 notifications.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use crate::Origin;

/// The characters S3 escapes in notification keys: everything but unreserved and `/`
/// (spaces become `+`, so a literal `+` is escaped).
const S3_KEY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// An S3 notification `event_name` (e.g. `ObjectCreated:Put`) for the `size`-byte object
/// `key` in `bucket`. The key is form-encoded (spaces as `+`) as S3 sends it.
pub fn s3(origin: &Origin, bucket: &str, key: &str, event_name: &str, size: u64) -> Value {
    let encoded = key
        .split(' ')
        .map(|part| utf8_percent_encode(part, S3_KEY).to_string())
        .collect::<Vec<_>>()
        .join("+");
    json!({"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": origin.region,
        "eventTime": origin.time_millis(),
        "eventName": event_name,
        "userIdentity": {"principalId": "EXAMPLE"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {
            "x-amz-request-id": "C3D13FE58DE4C810",
            "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "flagon",
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": "EXAMPLE"},
                "arn": format!("arn:aws:s3:::{bucket}")
            },
            "object": {
                "key": encoded,
                "size": size,
                "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                "sequencer": "0055AED6DCD90281E5"
            }
        }
    }]})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_form_encoded_but_keeps_slashes_and_unreserved() {
        let v = s3(
            &Origin::default(),
            "b",
            "up loads/my photo+1~_-.jpg",
            "ObjectCreated:Put",
            7,
        );
        assert_eq!(
            v["Records"][0]["s3"]["object"]["key"],
            "up+loads/my+photo%2B1~_-.jpg"
        );
    }
}
