//! [`SnsSubscription`] -> `AWS::SNS::Subscription` (protocol `lambda`), after the permission
//! that lets SNS deliver.

use flagon_model::{ResourceId, SnsSubscription};
use serde_json::json;

use super::{Template, arn, function_arn};

pub(super) fn render(t: &mut Template, s: &SnsSubscription) {
    t.add(
        ResourceId::SnsSubscription(s.function.clone()).logical_id(),
        json!({
            "Type": "AWS::SNS::Subscription",
            "DependsOn": [ResourceId::Permission(s.function.clone()).logical_id()],
            "Properties": {
                "TopicArn": arn(&s.topic, "sns", ""),
                "Protocol": "lambda",
                "Endpoint": function_arn(&s.function),
            },
        }),
    );
}
