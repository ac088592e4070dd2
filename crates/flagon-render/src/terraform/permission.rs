//! [`Permission`] -> `aws_lambda_permission` with the model's statement id.

use flagon_model::{Permission, PermissionSource};
use serde_json::json;

use super::{Tf, escape_str, function, name};

pub(super) fn render(tf: &mut Tf, p: &Permission) {
    let source_arn = match &p.source {
        PermissionSource::RestApi => "${aws_api_gateway_rest_api.api.execution_arn}/*".to_owned(),
        PermissionSource::HttpApi => "${aws_apigatewayv2_api.api.execution_arn}/*".to_owned(),
        PermissionSource::Bucket(bucket) => {
            format!("arn:{}:s3:::{}", tf.partition(), escape_str(bucket))
        }
        PermissionSource::Topic(topic) => tf.arn(topic, "aws_sns_topic"),
        PermissionSource::Rule(rule) => {
            format!("${{aws_cloudwatch_event_rule.{}.arn}}", name(&rule.0.0))
        }
    };
    let mut body = json!({
        "statement_id": escape_str(&p.statement_id),
        "action": "lambda:InvokeFunction",
        "function_name": format!("${{{}.function_name}}", function(&p.function)),
        "principal": p.principal.service(),
        "source_arn": source_arn,
    });
    if matches!(p.source, PermissionSource::Bucket(_)) {
        // A bucket ARN names no account: pin the bucket owner to this account.
        body["source_account"] = json!(tf.account_id());
    }
    tf.resource("aws_lambda_permission", &name(&p.function.0), body);
}
