//! [`SnsSubscription`] -> `aws_sns_topic_subscription` (protocol `lambda`), after the
//! permission that lets SNS deliver.

use flagon_model::SnsSubscription;
use serde_json::json;

use super::{Tf, function, name};

pub(super) fn render(tf: &mut Tf, s: &SnsSubscription) {
    let n = name(&s.function.0);
    let topic_arn = tf.arn(&s.topic, "aws_sns_topic");
    tf.resource(
        "aws_sns_topic_subscription",
        &n,
        json!({
            "topic_arn": topic_arn,
            "protocol": "lambda",
            "endpoint": format!("${{{}.arn}}", function(&s.function)),
            "depends_on": [format!("aws_lambda_permission.{n}")],
        }),
    );
}
