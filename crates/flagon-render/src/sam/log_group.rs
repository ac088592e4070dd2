//! [`LogGroup`] -> `AWS::Logs::LogGroup` with its retention. The function depends on it, so
//! the group exists (with the retention) before Lambda could create it without one.

use flagon_model::{LogGroup, ResourceId};
use serde_json::json;

use super::Template;

pub(super) fn render(t: &mut Template, group: &LogGroup) {
    t.add(
        ResourceId::LogGroup(group.function.clone()).logical_id(),
        json!({
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": group.log_group_name,
                "RetentionInDays": group.retention_days,
            },
        }),
    );
}
