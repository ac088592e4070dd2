//! [`S3Notification`] -> one `lambda_function` block of its bucket's
//! `aws_s3_bucket_notification` (one resource per bucket: the provider's resource owns the
//! bucket's whole configuration; see [`super`]).

use flagon_model::S3Notification;
use serde_json::json;

use super::{Tf, escape, escape_str, function, ident, name};

pub(super) fn render(tf: &mut Tf, n: &S3Notification) {
    let mut block = json!({
        "id": escape_str(&n.notification_id),
        "lambda_function_arn": format!("${{{}.arn}}", function(&n.function)),
        "events": escape(&json!(n.events)),
    });
    if let Some(prefix) = &n.prefix {
        block["filter_prefix"] = json!(escape_str(prefix));
    }
    if let Some(suffix) = &n.suffix {
        block["filter_suffix"] = json!(escape_str(suffix));
    }
    let (blocks, permissions) = tf.s3.entry(n.bucket.clone()).or_default();
    blocks.push(block);
    permissions.push(format!("aws_lambda_permission.{}", name(&n.function.0)));
}

/// One `aws_s3_bucket_notification` per bucket, after the permissions S3 checks when the
/// configuration is written.
pub(super) fn render_bucket_notifications(tf: &mut Tf) {
    for (bucket, (blocks, permissions)) in std::mem::take(&mut tf.s3) {
        tf.resource(
            "aws_s3_bucket_notification",
            &ident(&bucket),
            json!({
                "bucket": escape_str(&bucket),
                "lambda_function": blocks,
                "depends_on": permissions,
            }),
        );
    }
}
