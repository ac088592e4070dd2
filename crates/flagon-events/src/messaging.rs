//! SNS notifications and SQS batches.

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::{Ids, Origin};

/// An SNS notification of `message` (with an optional `subject`) on `topic` (name or ARN).
pub fn sns(origin: &Origin, topic: &str, message: &str, subject: Option<&str>) -> Value {
    let topic_arn = origin.arn("sns", topic);
    let region = &origin.region;
    let subscription = origin.id(|| "2bcfbf39-05c3-41de-beaa-fcfcc21c8f55".into());
    json!({"Records": [{
        "EventVersion": "1.0",
        "EventSubscriptionArn": format!("{topic_arn}:{subscription}"),
        "EventSource": "aws:sns",
        "Sns": {
            "Type": "Notification",
            "MessageId": origin.id(|| "95df01b4-ee98-5cb9-9903-4c221d41eb5e".into()),
            "TopicArn": topic_arn,
            "Subject": subject,
            "Message": message,
            "Timestamp": origin.time_millis(),
            "SignatureVersion": "1",
            "Signature": "EXAMPLE",
            "SigningCertURL": format!("https://sns.{region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem"),
            "UnsubscribeURL": format!("https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:{subscription}"),
            "MessageAttributes": {}
        }
    }]})
}

/// An SQS batch from `queue` (name or ARN), one message per body, in order. With
/// [`Ids::Numbered`], message ids are `message-0`, `message-1`, ...
pub fn sqs<I, S>(origin: &Origin, queue: &str, bodies: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let queue_arn = origin.arn("sqs", queue);
    let millis = origin.time.timestamp_millis();
    let records: Vec<Value> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let body: String = body.into();
            let receipt = match origin.ids {
                Ids::Numbered => format!("receipt-{i}"),
                Ids::Generated(generate) => format!("receipt-{}", generate()),
            };
            json!({
                "messageId": origin.id(|| format!("message-{i}")),
                "receiptHandle": receipt,
                "body": body,
                "md5OfBody": md5_hex(body.as_bytes()),
                "eventSourceARN": queue_arn,
                "eventSource": "aws:sqs",
                "awsRegion": origin.region,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": millis.to_string(),
                    "SenderId": origin.account,
                    "ApproximateFirstReceiveTimestamp": (millis + 1).to_string()
                },
                "messageAttributes": {}
            })
        })
        .collect();
    json!({ "Records": records })
}

/// The MD5 of a message body in lowercase hex, as SQS reports it in `md5OfBody`.
fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_body_is_the_bodys_md5() {
        // RFC 1321's test vector (AWS's sample event carries a made-up value).
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn generated_ids_are_used_for_every_message() {
        fn fixed() -> String {
            "generated".into()
        }
        let origin = Origin {
            ids: Ids::Generated(fixed),
            ..Origin::default()
        };
        let v = sqs(&origin, "jobs", ["a", "b"]);
        assert_eq!(v["Records"][1]["messageId"], "generated");
        assert_eq!(v["Records"][1]["receiptHandle"], "receipt-generated");
    }
}
