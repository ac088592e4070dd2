//! EventBridge events and the events schedule rules send.

use serde_json::{Value, json};

use crate::Origin;

/// An EventBridge event from `source` of `detail_type` carrying `detail`.
pub fn eventbridge(origin: &Origin, source: &str, detail_type: &str, detail: Value) -> Value {
    event(origin, source, detail_type, &[], detail)
}

/// The event the schedule rule `rule` (a name or an ARN) sends.
pub fn scheduled(origin: &Origin, rule: &str) -> Value {
    let rule = if rule.starts_with("arn:") {
        rule.to_owned()
    } else {
        origin.arn("events", &format!("rule/{rule}"))
    };
    event(origin, "aws.events", "Scheduled Event", &[rule], json!({}))
}

fn event(
    origin: &Origin,
    source: &str,
    detail_type: &str,
    resources: &[String],
    detail: Value,
) -> Value {
    let mut event = json!({
        "version": "0",
        "id": origin.id(|| "6a7e8feb-b491-4cf7-a9f1-bf3703467718".into()),
        "detail-type": detail_type,
        "source": source,
        "account": origin.account,
        "time": origin.time_secs(),
        "region": origin.region,
        "resources": resources,
    });
    // Moved in, not cloned: a detail can be large.
    event["detail"] = detail;
    event
}
