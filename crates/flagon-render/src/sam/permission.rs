//! [`Permission`] -> `AWS::Lambda::Permission`, its `SourceArn` resolved in the template.

use flagon_model::{Permission, PermissionSource, ResourceId};
use serde_json::json;

use super::{Template, arn, bucket_arn, function_arn};

pub(super) fn render(t: &mut Template, p: &Permission) {
    let execute_api = |api: ResourceId| {
        json!({"Fn::Sub": format!(
            "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{}}}/*",
            api.logical_id()
        )})
    };
    let source_arn = match &p.source {
        PermissionSource::RestApi => execute_api(ResourceId::RestApi),
        PermissionSource::HttpApi => execute_api(ResourceId::HttpApi),
        PermissionSource::Bucket(bucket) => bucket_arn(bucket),
        PermissionSource::Topic(topic) => arn(topic, "sns", ""),
        PermissionSource::Rule(rule) => {
            json!({"Fn::GetAtt": [ResourceId::EventRule(rule.clone()).logical_id(), "Arn"]})
        }
    };
    let mut properties = json!({
        "Action": "lambda:InvokeFunction",
        "FunctionName": function_arn(&p.function),
        "Principal": p.principal.service(),
        "SourceArn": source_arn,
    });
    if matches!(p.source, PermissionSource::Bucket(_)) {
        // A bucket ARN names no account: pin the bucket owner to this account.
        properties["SourceAccount"] = json!({"Ref": "AWS::AccountId"});
    }
    t.add(
        ResourceId::Permission(p.function.clone()).logical_id(),
        json!({"Type": "AWS::Lambda::Permission", "Properties": properties}),
    );
}
