//! [`EventRule`] -> `AWS::Events::Rule` with the function as its one target.

use flagon_model::{EventRule, ResourceId, RuleTrigger};
use serde_json::json;

use super::{Template, function_arn};

pub(super) fn render(t: &mut Template, r: &EventRule) {
    let mut p = json!({
        "Name": r.rule_name,
        "State": "ENABLED",
        "Targets": [{"Id": r.target_id, "Arn": function_arn(&r.target)}],
    });
    match &r.trigger {
        RuleTrigger::Schedule(expression) => p["ScheduleExpression"] = json!(expression),
        RuleTrigger::Pattern(pattern) => p["EventPattern"] = pattern.clone(),
    }
    if let Some(description) = &r.description {
        p["Description"] = json!(description);
    }
    if let Some(bus) = &r.event_bus {
        p["EventBusName"] = json!(bus);
    }
    t.add(
        ResourceId::EventRule(r.id.clone()).logical_id(),
        json!({"Type": "AWS::Events::Rule", "Properties": p}),
    );
}
