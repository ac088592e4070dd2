//! Where `cargo flagon invoke`'s event comes from: a file, stdin, a generator, or, with no
//! choice made, a generator picked from the function's trigger (an S3 function gets an S3
//! event for its bucket, prefix and suffix; a schedule function a scheduled event; ...).

use std::io::Read;
use std::path::PathBuf;

use chrono::Utc;
use flagon_manifest::Trigger;
use serde_json::{Value, json};

use crate::error::LocalError;
use crate::events;
use crate::options::{AppSpec, FunctionSpec};

/// The event of one invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum EventSource {
    /// Generated from the function's trigger.
    FromTrigger,
    /// A JSON file.
    File(PathBuf),
    /// JSON on standard input.
    Stdin,
    /// This JSON.
    Json(Value),
    /// An S3 notification for `bucket/key`.
    S3 {
        /// `bucket/key`.
        object: String,
    },
    /// An SNS notification.
    Sns {
        /// The message.
        message: String,
    },
    /// An SQS batch.
    Sqs {
        /// One record per body.
        bodies: Vec<String>,
    },
    /// An EventBridge event matching the function's pattern, with this `detail`.
    EventPattern {
        /// The `detail` object.
        detail: Value,
    },
    /// A scheduled event.
    Schedule,
    /// A Kinesis batch.
    Kinesis {
        /// One record per data string.
        data: Vec<String>,
    },
    /// A DynamoDB stream batch.
    Dynamodb {
        /// One `INSERT` per item (plain JSON objects).
        items: Vec<Value>,
    },
}

fn bad(message: impl Into<String>) -> LocalError {
    LocalError::Event(message.into())
}

fn parse_json(text: &str, from: &str) -> Result<Value, LocalError> {
    serde_json::from_str(text).map_err(|e| bad(format!("read {from} as JSON: {e}")))
}

/// The event `source` gives for `function`.
pub fn event(
    app: &AppSpec,
    function: &FunctionSpec,
    source: EventSource,
) -> Result<Value, LocalError> {
    let region = app.region.as_str();
    let now = Utc::now();
    let trigger = &function.trigger;
    Ok(match source {
        EventSource::File(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| bad(format!("read {}: {e}", path.display())))?;
            parse_json(&text, &path.display().to_string())?
        }
        EventSource::Stdin => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| bad(format!("read stdin: {e}")))?;
            parse_json(&text, "stdin")?
        }
        EventSource::Json(value) => value,
        EventSource::S3 { object } => {
            let (bucket, key) = object
                .split_once('/')
                .filter(|(b, k)| !b.is_empty() && !k.is_empty())
                .ok_or_else(|| bad(format!("read `{object}` as BUCKET/KEY")))?;
            events::s3(region, bucket, key, &s3_event_name(trigger), 1024, now)
        }
        EventSource::Sns { message } => {
            let topic = match trigger {
                Trigger::Sns { topic } => topic.clone(),
                _ => format!("{}-topic", app.app),
            };
            events::sns(region, &topic, &message, None, now)
        }
        EventSource::Sqs { bodies } => events::sqs(region, &queue(app, trigger), &bodies, now),
        EventSource::EventPattern { detail } => {
            let pattern = match trigger {
                Trigger::EventPattern { pattern, .. } => Some(pattern),
                _ => None,
            };
            events::event_bridge(region, pattern, None, None, detail, now)
        }
        EventSource::Schedule => events::schedule(region, &function.function_name, now),
        EventSource::Kinesis { data } => events::kinesis(region, &stream(app, trigger), &data, now),
        EventSource::Dynamodb { items } => {
            events::dynamodb(region, &stream_arn(app, trigger), &items, now).map_err(bad)?
        }
        EventSource::FromTrigger => return from_trigger(app, function),
    })
}

fn s3_event_name(trigger: &Trigger) -> String {
    match trigger {
        Trigger::S3 { events, .. } => events
            .first()
            .map(|e| e.trim_start_matches("s3:").replace('*', "Put"))
            .unwrap_or_else(|| "ObjectCreated:Put".into()),
        _ => "ObjectCreated:Put".into(),
    }
}

fn queue(app: &AppSpec, trigger: &Trigger) -> String {
    match trigger {
        Trigger::Sqs { queue, .. } => queue.clone(),
        _ => format!("{}-queue", app.app),
    }
}

fn stream(app: &AppSpec, trigger: &Trigger) -> String {
    match trigger {
        Trigger::Kinesis { stream, .. } => stream.clone(),
        _ => format!("{}-stream", app.app),
    }
}

fn stream_arn(app: &AppSpec, trigger: &Trigger) -> String {
    match trigger {
        Trigger::Dynamodb { stream_arn, .. } => stream_arn.clone(),
        _ => format!("table/{}/stream/local", app.app),
    }
}

fn from_trigger(app: &AppSpec, function: &FunctionSpec) -> Result<Value, LocalError> {
    let source = match &function.trigger {
        Trigger::Api => {
            return Err(bad(format!(
                "pick an event for `{}`: it serves the HTTP routes; call them through `cargo flagon local`, or give --event",
                function.name
            )));
        }
        Trigger::Invoke => return Ok(json!({})),
        Trigger::S3 {
            bucket,
            prefix,
            suffix,
            ..
        } => EventSource::S3 {
            object: format!(
                "{bucket}/{}example{}",
                prefix.as_deref().unwrap_or(""),
                suffix.as_deref().unwrap_or(".txt")
            ),
        },
        Trigger::Sns { .. } => EventSource::Sns {
            message: "hello from flagon local".into(),
        },
        Trigger::Sqs { .. } => EventSource::Sqs {
            bodies: vec!["hello from flagon local".into()],
        },
        Trigger::EventPattern { .. } => EventSource::EventPattern { detail: json!({}) },
        Trigger::Schedule { .. } => EventSource::Schedule,
        Trigger::Kinesis { .. } => EventSource::Kinesis {
            data: vec!["hello from flagon local".into()],
        },
        Trigger::Dynamodb { .. } => EventSource::Dynamodb {
            items: vec![json!({"id": "1"})],
        },
    };
    event(app, function, source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ApiType;

    fn app_with(trigger: Trigger) -> (AppSpec, FunctionSpec) {
        let mut f = FunctionSpec::new("f", vec!["true".into()]);
        f.function_name = "app-dev-f".into();
        f.trigger = trigger;
        let app = AppSpec {
            app: "app".into(),
            region: "us-east-1".into(),
            api: None,
            api_type: ApiType::Rest,
            api_stage: "api".into(),
            functions: vec![f.clone()],
        };
        (app, f)
    }

    #[test]
    fn s3_trigger_gets_an_event_for_its_bucket_prefix_and_suffix() {
        let (app, f) = app_with(Trigger::S3 {
            bucket: "mybucket".into(),
            events: vec!["s3:ObjectRemoved:*".into()],
            prefix: Some("uploads/".into()),
            suffix: Some(".jpg".into()),
        });
        let e = event(&app, &f, EventSource::FromTrigger).unwrap();
        let record = &e["Records"][0];
        assert_eq!(record["s3"]["bucket"]["name"], "mybucket");
        assert_eq!(record["s3"]["object"]["key"], "uploads/example.jpg");
        assert_eq!(record["eventName"], "ObjectRemoved:Put");
    }

    #[test]
    fn sqs_bodies_go_to_the_trigger_queue() {
        let (app, f) = app_with(Trigger::Sqs {
            queue: "jobs".into(),
            batch_size: 10,
            maximum_batching_window_in_seconds: None,
            maximum_concurrency: None,
        });
        let e = event(
            &app,
            &f,
            EventSource::Sqs {
                bodies: vec!["a".into(), "b".into()],
            },
        )
        .unwrap();
        assert_eq!(e["Records"][1]["body"], "b");
        assert_eq!(
            e["Records"][0]["eventSourceARN"],
            "arn:aws:sqs:us-east-1:123456789012:jobs"
        );
    }

    #[test]
    fn api_function_needs_an_explicit_event() {
        let (app, f) = app_with(Trigger::Api);
        let err = event(&app, &f, EventSource::FromTrigger).unwrap_err();
        assert!(err.to_string().contains("serves the HTTP routes"), "{err}");
    }

    #[test]
    fn bad_s3_object_is_refused() {
        let (app, f) = app_with(Trigger::Invoke);
        assert!(
            event(
                &app,
                &f,
                EventSource::S3 {
                    object: "nokey".into()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn every_trigger_has_a_default_event_but_the_api() {
        for trigger in [
            Trigger::Invoke,
            Trigger::Sns { topic: "t".into() },
            Trigger::EventPattern {
                pattern: json!({"source": ["aws.s3"]}),
                event_bus: None,
            },
            Trigger::Schedule {
                expression: "rate(1 hour)".into(),
                description: None,
            },
            Trigger::Kinesis {
                stream: "s".into(),
                batch_size: 1,
                starting_position: flagon_manifest::StartingPosition::Latest,
                maximum_batching_window_in_seconds: None,
                starting_position_timestamp: None,
            },
            Trigger::Dynamodb {
                stream_arn: "arn:aws:dynamodb:us-east-1:1:table/t/stream/x".into(),
                batch_size: 1,
                starting_position: flagon_manifest::StartingPosition::Latest,
                maximum_batching_window_in_seconds: None,
            },
        ] {
            let kind = trigger.kind();
            let (app, f) = app_with(trigger);
            assert!(event(&app, &f, EventSource::FromTrigger).is_ok(), "{kind}");
        }
    }
}
