//! [`EventRule`] -> `aws_cloudwatch_event_rule` and its one `aws_cloudwatch_event_target`.

use flagon_model::{EventRule, RuleTrigger};
use serde_json::json;

use super::{Tf, escape_str, function, json_string, name};

pub(super) fn render(tf: &mut Tf, r: &EventRule) {
    let n = name(&r.id.0.0);
    let mut rule = json!({"name": escape_str(&r.rule_name)});
    let (key, value) = match &r.trigger {
        RuleTrigger::Schedule(expression) => ("schedule_expression", escape_str(expression)),
        RuleTrigger::Pattern(pattern) => ("event_pattern", json_string(pattern)),
    };
    rule[key] = json!(value);
    if let Some(description) = &r.description {
        rule["description"] = json!(escape_str(description));
    }
    let mut target = json!({
        "rule": format!("${{aws_cloudwatch_event_rule.{n}.name}}"),
        "target_id": escape_str(&r.target_id),
        "arn": format!("${{{}.arn}}", function(&r.target)),
    });
    if let Some(bus) = &r.event_bus {
        rule["event_bus_name"] = json!(escape_str(bus));
        target["event_bus_name"] = json!(escape_str(bus));
    }
    tf.resource("aws_cloudwatch_event_rule", &n, rule);
    tf.resource("aws_cloudwatch_event_target", &n, target);
}
