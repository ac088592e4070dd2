//! [`EventSourceMapping`] -> `AWS::Lambda::EventSourceMapping` (SQS, Kinesis, DynamoDB
//! streams), reporting partial batch failures.

use flagon_model::{EventSource, EventSourceMapping, ResourceId};
use serde_json::json;

use super::{Template, arn, function_id};

pub(super) fn render(t: &mut Template, m: &EventSourceMapping) {
    let source_arn = match &m.source {
        EventSource::Sqs { queue } => arn(queue, "sqs", ""),
        EventSource::Kinesis { stream } => arn(stream, "kinesis", "stream/"),
        EventSource::Dynamodb { stream_arn } => json!(stream_arn),
    };
    let mut p = json!({
        "EventSourceArn": source_arn,
        "FunctionName": {"Ref": function_id(&m.function)},
        "BatchSize": m.batch_size,
        "FunctionResponseTypes": m.function_response_types,
    });
    if let Some(window) = m.maximum_batching_window_in_seconds {
        p["MaximumBatchingWindowInSeconds"] = json!(window);
    }
    if let Some(position) = m.starting_position {
        p["StartingPosition"] = json!(position.as_str());
    }
    // A Double of seconds since 1970 in CloudFormation; the model keeps whole seconds.
    if let Some(at) = m.starting_position_timestamp {
        p["StartingPositionTimestamp"] = json!(at.timestamp());
    }
    if let Some(max) = m.maximum_concurrency {
        p["ScalingConfig"] = json!({"MaximumConcurrency": max});
    }
    t.add(
        ResourceId::EventSourceMapping(m.function.clone()).logical_id(),
        json!({"Type": "AWS::Lambda::EventSourceMapping", "Properties": p}),
    );
}
