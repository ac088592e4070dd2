//! Trigger declarations: what invokes an event handler, with every parameter of the wiring.
//!
//! Limits are AWS's (Lambda `CreateEventSourceMapping`, S3 notifications, EventBridge
//! `PutRule`) and are checked at declaration, since moto accepts values AWS rejects.

use std::time::{SystemTime, UNIX_EPOCH};

use flagon_manifest::{StartingPosition, Trigger};
use serde_json::Value;

/// Converts a declaration into the manifest's trigger, or says what is wrong.
pub(crate) trait IntoTrigger {
    fn into_trigger(self) -> Result<Trigger, String>;
    fn describe(&self) -> String;
}

/// S3 bucket notifications: `S3Trigger::bucket("b").prefix("uploads/").suffix(".jpg")`.
#[derive(Debug, Clone)]
pub struct S3Trigger {
    bucket: String,
    events: Vec<String>,
    prefix: Option<String>,
    suffix: Option<String>,
}

impl S3Trigger {
    /// Objects created in `bucket` (`s3:ObjectCreated:*` unless [`events`](Self::events)).
    pub fn bucket(bucket: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            events: vec!["s3:ObjectCreated:*".into()],
            prefix: None,
            suffix: None,
        }
    }

    /// The event types, e.g. `["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]`.
    pub fn events<I, S>(mut self, events: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.events = events.into_iter().map(Into::into).collect();
        self
    }

    /// Only keys starting with `prefix`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Only keys ending with `suffix`.
    pub fn suffix(mut self, suffix: impl Into<String>) -> Self {
        self.suffix = Some(suffix.into());
        self
    }
}

impl IntoTrigger for S3Trigger {
    fn into_trigger(self) -> Result<Trigger, String> {
        if self.bucket.is_empty() {
            return Err("the bucket name is empty".into());
        }
        if self.events.is_empty() {
            return Err("no event types: give at least one, e.g. `s3:ObjectCreated:*`".into());
        }
        if let Some(bad) = self.events.iter().find(|e| !e.starts_with("s3:")) {
            return Err(format!(
                "event type `{bad}` is not an S3 event type (`s3:ObjectCreated:*`, ...)"
            ));
        }
        Ok(Trigger::S3 {
            bucket: self.bucket,
            events: self.events,
            prefix: self.prefix,
            suffix: self.suffix,
        })
    }

    fn describe(&self) -> String {
        format!("S3 trigger on bucket `{}`", self.bucket)
    }
}

/// An SNS subscription: `SnsTrigger::topic("alerts")` (a name or an ARN).
#[derive(Debug, Clone)]
pub struct SnsTrigger {
    topic: String,
}

impl SnsTrigger {
    /// The topic's name or ARN.
    pub fn topic(topic: impl Into<String>) -> Self {
        Self {
            topic: topic.into(),
        }
    }
}

impl IntoTrigger for SnsTrigger {
    fn into_trigger(self) -> Result<Trigger, String> {
        if self.topic.is_empty() {
            return Err("the topic name is empty".into());
        }
        Ok(Trigger::Sns { topic: self.topic })
    }

    fn describe(&self) -> String {
        format!("SNS trigger on topic `{}`", self.topic)
    }
}

/// An SQS event source mapping: `SqsTrigger::queue("jobs").batch_size(10)`.
#[derive(Debug, Clone)]
pub struct SqsTrigger {
    queue: String,
    batch_size: u32,
    window: Option<u32>,
    concurrency: Option<u32>,
}

impl SqsTrigger {
    /// The queue's name or ARN; batch size 10 by default, as Lambda's.
    pub fn queue(queue: impl Into<String>) -> Self {
        Self {
            queue: queue.into(),
            batch_size: 10,
            window: None,
            concurrency: None,
        }
    }

    /// Messages per invocation: 1 to 10, or up to 10000 with a batching window.
    pub fn batch_size(mut self, size: u32) -> Self {
        self.batch_size = size;
        self
    }

    /// How long Lambda gathers messages before invoking, in seconds (0 to 300).
    pub fn maximum_batching_window(mut self, seconds: u32) -> Self {
        self.window = Some(seconds);
        self
    }

    /// How many invocations this queue may run at once (2 to 1000).
    pub fn maximum_concurrency(mut self, n: u32) -> Self {
        self.concurrency = Some(n);
        self
    }
}

fn check_window(window: Option<u32>) -> Result<(), String> {
    match window {
        Some(w) if w > 300 => Err(format!("maximum batching window {w}s is over 300 seconds")),
        _ => Ok(()),
    }
}

impl IntoTrigger for SqsTrigger {
    fn into_trigger(self) -> Result<Trigger, String> {
        if self.queue.is_empty() {
            return Err("the queue name is empty".into());
        }
        check_window(self.window)?;
        let max = if self.window.unwrap_or(0) > 0 {
            10_000
        } else {
            10
        };
        if !(1..=max).contains(&self.batch_size) {
            return Err(format!(
                "batch size {} is outside 1-{max} (up to 10000 needs a batching window of at \
                 least 1 second)",
                self.batch_size
            ));
        }
        if let Some(c) = self.concurrency.filter(|c| !(2..=1000).contains(c)) {
            return Err(format!("maximum concurrency {c} is outside 2-1000"));
        }
        Ok(Trigger::Sqs {
            queue: self.queue,
            batch_size: self.batch_size,
            maximum_batching_window_in_seconds: self.window,
            maximum_concurrency: self.concurrency,
        })
    }

    fn describe(&self) -> String {
        format!("SQS trigger on queue `{}`", self.queue)
    }
}

/// An EventBridge (CloudWatch Events) rule: `EventPattern::from_json(json!({"source": [..]}))`.
#[derive(Debug, Clone)]
pub struct EventPattern {
    pattern: Value,
    event_bus: Option<String>,
}

impl EventPattern {
    /// The pattern as EventBridge takes it: a JSON object of fields to match.
    pub fn from_json(pattern: Value) -> Self {
        Self {
            pattern,
            event_bus: None,
        }
    }

    /// A custom event bus instead of the default one.
    pub fn event_bus(mut self, name: impl Into<String>) -> Self {
        self.event_bus = Some(name.into());
        self
    }
}

impl IntoTrigger for EventPattern {
    fn into_trigger(self) -> Result<Trigger, String> {
        match &self.pattern {
            Value::Object(map) if !map.is_empty() => {}
            _ => {
                return Err("an event pattern is a non-empty JSON object, e.g. \
                            `{\"source\": [\"aws.s3\"]}`"
                    .into());
            }
        }
        Ok(Trigger::EventPattern {
            pattern: self.pattern,
            event_bus: self.event_bus,
        })
    }

    fn describe(&self) -> String {
        format!("event pattern {}", self.pattern)
    }
}

/// The settings Kinesis and DynamoDB stream mappings share, checked once for both.
#[derive(Debug, Clone)]
struct StreamSettings {
    batch_size: u32,
    starting_position: StartingPosition,
    window: Option<u32>,
}

impl Default for StreamSettings {
    /// Batch size 100 and `LATEST`, as Lambda's defaults.
    fn default() -> Self {
        Self {
            batch_size: 100,
            starting_position: StartingPosition::Latest,
            window: None,
        }
    }
}

impl StreamSettings {
    /// Checks the settings against AWS's limits.
    fn check(&self) -> Result<(), String> {
        if !(1..=10_000).contains(&self.batch_size) {
            return Err(format!("batch size {} is outside 1-10000", self.batch_size));
        }
        check_window(self.window)
    }
}

/// A Kinesis stream event source mapping: `KinesisTrigger::stream("clicks")`.
#[derive(Debug, Clone)]
pub struct KinesisTrigger {
    stream: String,
    settings: StreamSettings,
    /// The time of [`starting_at`](Self::starting_at), with `AT_TIMESTAMP`.
    timestamp: Option<SystemTime>,
}

impl KinesisTrigger {
    /// The stream's name or ARN; batch size 100 and `LATEST` by default.
    pub fn stream(stream: impl Into<String>) -> Self {
        Self {
            stream: stream.into(),
            settings: StreamSettings::default(),
            timestamp: None,
        }
    }

    /// Records per invocation (1 to 10000).
    pub fn batch_size(mut self, size: u32) -> Self {
        self.settings.batch_size = size;
        self
    }

    /// Where to start reading: `TRIM_HORIZON` or `LATEST`. For `AT_TIMESTAMP`, use
    /// [`starting_at`](Self::starting_at), which gives the time AWS needs with it; the last of
    /// the two calls wins.
    pub fn starting_position(mut self, position: StartingPosition) -> Self {
        self.settings.starting_position = position;
        self
    }

    /// Start reading at the first record written at or after `time` (`AT_TIMESTAMP`), or at
    /// the oldest record if `time` is older than the stream keeps. AWS keeps whole seconds, so
    /// a fraction of a second is dropped. Give a fixed time, e.g.
    /// `UNIX_EPOCH + Duration::from_secs(1_767_225_600)`: the mapping is made anew each
    /// time it changes, so `SystemTime::now()` would replace it at every deploy.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use flagon::KinesisTrigger;
    ///
    /// let trigger = KinesisTrigger::stream("clicks")
    ///     .starting_at(UNIX_EPOCH + Duration::from_secs(1_767_225_600)); // 2026-01-01
    /// ```
    pub fn starting_at(mut self, time: SystemTime) -> Self {
        self.settings.starting_position = StartingPosition::AtTimestamp;
        self.timestamp = Some(time);
        self
    }

    /// How long Lambda gathers records before invoking, in seconds (0 to 300).
    pub fn maximum_batching_window(mut self, seconds: u32) -> Self {
        self.settings.window = Some(seconds);
        self
    }
}

impl IntoTrigger for KinesisTrigger {
    fn into_trigger(self) -> Result<Trigger, String> {
        if self.stream.is_empty() {
            return Err("the stream name is empty".into());
        }
        self.settings.check()?;
        let StreamSettings {
            batch_size,
            starting_position,
            window,
        } = self.settings;
        let starting_position_timestamp = match (starting_position, self.timestamp) {
            (StartingPosition::AtTimestamp, Some(time)) => Some(whole_seconds(time)?),
            (StartingPosition::AtTimestamp, None) => {
                return Err(
                    "AT_TIMESTAMP needs a time: use `.starting_at(time)` rather than \
                            `.starting_position(StartingPosition::AtTimestamp)`"
                        .into(),
                );
            }
            _ => None,
        };
        Ok(Trigger::Kinesis {
            stream: self.stream,
            batch_size,
            starting_position,
            maximum_batching_window_in_seconds: window,
            starting_position_timestamp,
        })
    }

    fn describe(&self) -> String {
        format!("Kinesis trigger on stream `{}`", self.stream)
    }
}

/// `time` as AWS takes a starting timestamp: whole seconds since 1970.
fn whole_seconds(time: SystemTime) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let since_epoch = time.duration_since(UNIX_EPOCH).map_err(|_| {
        "the starting time of `.starting_at(time)` is before 1970: give a time since the Unix \
         epoch"
            .to_owned()
    })?;
    i64::try_from(since_epoch.as_secs())
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .ok_or_else(|| {
            format!(
                "the starting time of `.starting_at(time)`, {}s after 1970, is past what a \
                 timestamp holds: give a time in the past",
                since_epoch.as_secs()
            )
        })
}

/// A DynamoDB stream event source mapping: `DynamoDbTrigger::stream_arn("arn:aws:dynamodb:...")`.
#[derive(Debug, Clone)]
pub struct DynamoDbTrigger {
    stream_arn: String,
    settings: StreamSettings,
}

impl DynamoDbTrigger {
    /// The stream's ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL`); batch
    /// size 100 and `LATEST` by default.
    pub fn stream_arn(arn: impl Into<String>) -> Self {
        Self {
            stream_arn: arn.into(),
            settings: StreamSettings::default(),
        }
    }

    /// Records per invocation (1 to 10000).
    pub fn batch_size(mut self, size: u32) -> Self {
        self.settings.batch_size = size;
        self
    }

    /// Where to start reading (`TRIM_HORIZON` or `LATEST`).
    pub fn starting_position(mut self, position: StartingPosition) -> Self {
        self.settings.starting_position = position;
        self
    }

    /// How long Lambda gathers records before invoking, in seconds (0 to 300).
    pub fn maximum_batching_window(mut self, seconds: u32) -> Self {
        self.settings.window = Some(seconds);
        self
    }
}

impl IntoTrigger for DynamoDbTrigger {
    fn into_trigger(self) -> Result<Trigger, String> {
        if !(self.stream_arn.starts_with("arn:")
            && self.stream_arn.contains(":table/")
            && self.stream_arn.contains("/stream/"))
        {
            return Err(format!(
                "`{}` is not a DynamoDB stream ARN \
                 (arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL)",
                self.stream_arn
            ));
        }
        if self.settings.starting_position == StartingPosition::AtTimestamp {
            return Err(
                "DynamoDB streams start at TRIM_HORIZON or LATEST, not AT_TIMESTAMP".into(),
            );
        }
        self.settings.check()?;
        let StreamSettings {
            batch_size,
            starting_position,
            window,
        } = self.settings;
        Ok(Trigger::Dynamodb {
            stream_arn: self.stream_arn,
            batch_size,
            starting_position,
            maximum_batching_window_in_seconds: window,
        })
    }

    fn describe(&self) -> String {
        format!("DynamoDB trigger on stream `{}`", self.stream_arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqs_batch_over_ten_needs_a_window() {
        assert!(
            SqsTrigger::queue("q")
                .batch_size(11)
                .into_trigger()
                .unwrap_err()
                .contains("1-10")
        );
        assert!(
            SqsTrigger::queue("q")
                .batch_size(500)
                .maximum_batching_window(5)
                .into_trigger()
                .is_ok()
        );
        assert!(
            SqsTrigger::queue("q")
                .maximum_concurrency(1)
                .into_trigger()
                .is_err()
        );
        assert!(
            SqsTrigger::queue("q")
                .maximum_batching_window(301)
                .into_trigger()
                .is_err()
        );
    }

    #[test]
    fn dynamodb_needs_a_stream_arn_and_no_timestamp() {
        assert!(DynamoDbTrigger::stream_arn("table").into_trigger().is_err());
        let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024";
        assert!(DynamoDbTrigger::stream_arn(arn).into_trigger().is_ok());
        assert!(
            DynamoDbTrigger::stream_arn(arn)
                .starting_position(StartingPosition::AtTimestamp)
                .into_trigger()
                .is_err()
        );
    }

    #[test]
    fn event_pattern_must_be_an_object() {
        assert!(
            EventPattern::from_json(serde_json::json!([1]))
                .into_trigger()
                .is_err()
        );
        assert!(
            EventPattern::from_json(serde_json::json!({}))
                .into_trigger()
                .is_err()
        );
    }
}
