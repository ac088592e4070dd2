//! [`SnsSubscription`] -> `AWS::SNS::Subscription` (protocol `lambda`), after the permission
//! that lets SNS deliver. A topic given by ARN may live in another region: the subscription
//! then names the ARN's region, or CloudFormation would look for the topic in the stack's.

use flagon_model::{NameOrArn, ResourceId, SnsSubscription};
use serde_json::json;

use super::{Template, arn, function_arn};

pub(super) fn render(t: &mut Template, s: &SnsSubscription) {
    let mut properties = json!({
        "TopicArn": arn(&s.topic, "sns", ""),
        "Protocol": "lambda",
        "Endpoint": function_arn(&s.function),
    });
    if let NameOrArn::Arn(topic) = &s.topic
        && let Some(region) = topic.split(':').nth(3).filter(|r| !r.is_empty())
    {
        properties["Region"] = json!(region);
    }
    t.add(
        ResourceId::SnsSubscription(s.function.clone()).logical_id(),
        json!({
            "Type": "AWS::SNS::Subscription",
            "DependsOn": [ResourceId::Permission(s.function.clone()).logical_id()],
            "Properties": properties,
        }),
    );
}
