//! [`S3Notification`] -> `Custom::FlagonS3Notification`, applied by one inline Python
//! function shared by every notification of the template (the "S3 events on an existing
//! bucket" section of [`super`] says why).

use flagon_model::{ResourceId, S3Notification};
use serde_json::{Value, json};

use super::{Template, bucket_arn, function_arn};

/// The custom resource type of an S3 notification.
pub const S3_NOTIFICATION_TYPE: &str = "Custom::FlagonS3Notification";

/// The handler's source, inlined as `Code.ZipFile` (CloudFormation allows 4096 characters).
pub const S3_NOTIFIER_SOURCE: &str = include_str!("s3_notifier.py");

/// Logical ids of the notifier's function and role. Their suffixes are no model kind's
/// (`...Function`, `...Role`), so no model resource can collide with them.
const NOTIFIER: &str = "FlagonS3NotifierLambda";
const NOTIFIER_ROLE: &str = "FlagonS3NotifierIam";

pub(super) fn render(t: &mut Template, n: &S3Notification) {
    let id = ResourceId::S3Notification(n.function.clone()).logical_id();
    let mut depends_on = vec![ResourceId::Permission(n.function.clone()).logical_id()];
    if let Some(previous) = t.s3_chain.insert(n.bucket.clone(), id.clone()) {
        depends_on.push(previous);
    }
    let mut p = json!({
        "ServiceToken": {"Fn::GetAtt": [NOTIFIER, "Arn"]},
        "Bucket": n.bucket,
        "NotificationId": n.notification_id,
        "FunctionArn": function_arn(&n.function),
        "Events": n.events,
    });
    if let Some(prefix) = &n.prefix {
        p["Prefix"] = json!(prefix);
    }
    if let Some(suffix) = &n.suffix {
        p["Suffix"] = json!(suffix);
    }
    t.add(
        id,
        json!({"Type": S3_NOTIFICATION_TYPE, "DependsOn": depends_on, "Properties": p}),
    );
}

/// The notifier function and its role, when the template has any S3 notification: it may
/// read and write the notification configuration of those buckets only.
pub(super) fn render_notifier(t: &mut Template) {
    if t.s3_chain.is_empty() {
        return;
    }
    let buckets: Vec<Value> = t.s3_chain.keys().map(|bucket| bucket_arn(bucket)).collect();
    t.add(
        NOTIFIER_ROLE.to_owned(),
        json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": flagon_model::assume_role_policy(),
                "Policies": [{
                    "PolicyName": "flagon-s3-notifier",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["s3:GetBucketNotification", "s3:PutBucketNotification"],
                                "Resource": buckets,
                            },
                            {
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"},
                            },
                        ],
                    },
                }],
            },
        }),
    );
    t.add(
        NOTIFIER.to_owned(),
        json!({
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Description": "Flagon: merges this stack's S3 notifications into their buckets' configurations.",
                "Runtime": "python3.13",
                "Handler": "index.handler",
                "Timeout": 60,
                "Role": {"Fn::GetAtt": [NOTIFIER_ROLE, "Arn"]},
                "Code": {"ZipFile": S3_NOTIFIER_SOURCE},
            },
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifier_source_fits_in_an_inline_zipfile() {
        assert!(
            S3_NOTIFIER_SOURCE.len() <= 4096,
            "{} characters",
            S3_NOTIFIER_SOURCE.len()
        );
    }
}
