//! [`EventSourceMapping`] -> `aws_lambda_event_source_mapping` (SQS, Kinesis, DynamoDB
//! streams), reporting partial batch failures.

use flagon_model::{EventSource, EventSourceMapping};
use serde_json::json;

use super::{Tf, escape, escape_str, function, name};

pub(super) fn render(tf: &mut Tf, m: &EventSourceMapping) {
    let source_arn = match &m.source {
        EventSource::Sqs { queue } => tf.arn(queue, "aws_sqs_queue"),
        EventSource::Kinesis { stream } => tf.arn(stream, "aws_kinesis_stream"),
        EventSource::Dynamodb { stream_arn } => escape_str(stream_arn),
    };
    let mut body = json!({
        "event_source_arn": source_arn,
        "function_name": format!("${{{}.arn}}", function(&m.function)),
        "batch_size": m.batch_size,
        "function_response_types": escape(&json!(m.function_response_types)),
    });
    if let Some(window) = m.maximum_batching_window_in_seconds {
        body["maximum_batching_window_in_seconds"] = json!(window);
    }
    if let Some(position) = m.starting_position {
        body["starting_position"] = json!(position.as_str());
    }
    // RFC 3339 in the provider, which reads it back in whole seconds, as the model keeps it.
    if let Some(at) = m.starting_position_timestamp {
        body["starting_position_timestamp"] =
            json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    if let Some(max) = m.maximum_concurrency {
        body["scaling_config"] = json!({"maximum_concurrency": max});
    }
    tf.resource(
        "aws_lambda_event_source_mapping",
        &name(&m.function.0),
        body,
    );
}
