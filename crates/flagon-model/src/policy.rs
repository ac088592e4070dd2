//! IAM documents: the trust policy of Flagon's roles and the generated inline policy.
//!
//! The policy is generated without knowing the account or the region: a queue or stream
//! given by name is matched by an ARN with wildcards for partition, region and account
//! (`arn:*:sqs:*:*:jobs`), which keeps the model pure while granting access to that name only.

use serde_json::{Value, json};

use crate::refs::NameOrArn;
use crate::triggers::EventSource;

/// The trust policy: Lambda may assume the role.
pub fn assume_role_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "lambda.amazonaws.com" },
            "Action": "sts:AssumeRole"
        }]
    })
}

/// The inline policy of a role whose functions read `sources`: CloudWatch Logs always, the
/// reads each event source needs, X-Ray writes and VPC networking when any function uses
/// them, then the statements of the user's policy file (`extra`), if any.
pub fn policy_document(
    sources: &[&EventSource],
    xray: bool,
    vpc: bool,
    extra: Option<&Value>,
) -> Value {
    let mut statements = vec![json!({
        "Sid": "FlagonLogs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": "arn:*:logs:*:*:*"
    })];
    let mut sqs = Vec::new();
    let mut kinesis = Vec::new();
    let mut dynamodb = Vec::new();
    for source in sources {
        match source {
            EventSource::Sqs { queue } => push_unique(&mut sqs, arn_pattern(queue, "sqs", "")),
            EventSource::Kinesis { stream } => {
                push_unique(&mut kinesis, arn_pattern(stream, "kinesis", "stream/"));
            }
            EventSource::Dynamodb { stream_arn } => push_unique(&mut dynamodb, stream_arn.clone()),
        }
    }
    if !sqs.is_empty() {
        statements.push(json!({
            "Sid": "FlagonSqsRead",
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": sqs
        }));
    }
    if !kinesis.is_empty() {
        statements.push(json!({
            "Sid": "FlagonKinesisRead",
            "Effect": "Allow",
            "Action": [
                "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams",
                "kinesis:SubscribeToShard"
            ],
            "Resource": kinesis
        }));
    }
    if !dynamodb.is_empty() {
        statements.push(json!({
            "Sid": "FlagonDynamodbStreamRead",
            "Effect": "Allow",
            "Action": [
                "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                "dynamodb:ListStreams"
            ],
            "Resource": dynamodb
        }));
    }
    if xray {
        statements.push(json!({
            "Sid": "FlagonXray",
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*"
        }));
    }
    if vpc {
        statements.push(json!({
            "Sid": "FlagonVpc",
            "Effect": "Allow",
            "Action": [
                "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses"
            ],
            "Resource": "*"
        }));
    }
    match extra.and_then(|doc| doc.get("Statement")) {
        Some(Value::Array(user)) => statements.extend(user.iter().cloned()),
        Some(one @ Value::Object(_)) => statements.push(one.clone()),
        _ => {}
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// The ARN itself, or `arn:*:<service>:*:*:<prefix><name>` for a name.
fn arn_pattern(resource: &NameOrArn, service: &str, prefix: &str) -> String {
    match resource {
        NameOrArn::Arn(arn) => arn.clone(),
        NameOrArn::Name(name) => format!("arn:*:{service}:*:*:{prefix}{name}"),
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(doc: &Value, sid: &str) -> Option<Value> {
        doc["Statement"]
            .as_array()?
            .iter()
            .find(|s| s["Sid"] == sid)
            .map(|s| s["Action"].clone())
    }

    #[test]
    fn logs_are_always_allowed_and_nothing_else_without_sources() {
        let doc = policy_document(&[], false, false, None);
        assert_eq!(doc["Statement"].as_array().map(Vec::len), Some(1));
        assert!(actions(&doc, "FlagonLogs").is_some());
    }

    #[test]
    fn sqs_source_grants_receive_delete_and_attributes_on_that_queue_only() {
        let source = EventSource::Sqs {
            queue: NameOrArn::parse("jobs"),
        };
        let doc = policy_document(&[&source], false, false, None);
        let sqs = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "FlagonSqsRead")
            .unwrap();
        assert_eq!(
            sqs["Action"],
            json!([
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes"
            ])
        );
        assert_eq!(sqs["Resource"], json!(["arn:*:sqs:*:*:jobs"]));
    }

    #[test]
    fn kinesis_and_dynamodb_sources_grant_stream_reads_on_their_arns() {
        let kinesis = EventSource::Kinesis {
            stream: NameOrArn::parse("clicks"),
        };
        let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024";
        let ddb = EventSource::Dynamodb {
            stream_arn: arn.into(),
        };
        let doc = policy_document(&[&kinesis, &ddb], false, false, None);
        let list = doc["Statement"].as_array().unwrap();
        let k = list
            .iter()
            .find(|s| s["Sid"] == "FlagonKinesisRead")
            .unwrap();
        assert_eq!(k["Resource"], json!(["arn:*:kinesis:*:*:stream/clicks"]));
        assert!(
            k["Action"]
                .as_array()
                .unwrap()
                .contains(&json!("kinesis:GetRecords"))
        );
        let d = list
            .iter()
            .find(|s| s["Sid"] == "FlagonDynamodbStreamRead")
            .unwrap();
        assert_eq!(d["Resource"], json!([arn]));
        assert!(actions(&doc, "FlagonSqsRead").is_none());
    }

    #[test]
    fn policy_file_statements_follow_the_generated_ones() {
        let extra = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
        ]});
        let doc = policy_document(&[], true, true, Some(&extra));
        let list = doc["Statement"].as_array().unwrap();
        assert_eq!(list.last().unwrap()["Action"], "s3:GetObject");
        assert!(actions(&doc, "FlagonXray").is_some());
        assert!(actions(&doc, "FlagonVpc").is_some());
    }
}
