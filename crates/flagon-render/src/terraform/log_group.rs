//! [`LogGroup`] -> `aws_cloudwatch_log_group` with its retention.

use flagon_model::LogGroup;
use serde_json::json;

use super::{Tf, escape_str, name};

pub(super) fn render(tf: &mut Tf, group: &LogGroup) {
    tf.resource(
        "aws_cloudwatch_log_group",
        &name(&group.function.0),
        json!({
            "name": escape_str(&group.log_group_name),
            "retention_in_days": group.retention_days,
        }),
    );
}
