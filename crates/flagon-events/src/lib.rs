//! Generators of the AWS events a Lambda function receives, as JSON shaped exactly like
//! AWS's sample events (`fixtures/events/` in the workspace).
//!
//! One home for the logic that the runtime's test client (`flagon::test::events`) and the
//! local emulator (`flagon_local::events`, behind `cargo flagon invoke` and `cargo flagon
//! local`) both need. Where the event comes from (region, account, time, how ids are made)
//! is an [`Origin`], passed in; its default is `us-east-1`, account `123456789012`,
//! 2024-01-01T00:00:00Z and numbered ids, so tests get the same event on every run.
//!
//! ```
//! use flagon_events::{Origin, s3};
//!
//! let event = s3(&Origin::default(), "mybucket", "uploads/Happy Face.jpg", "ObjectCreated:Put", 1024);
//! // S3 sends keys form-encoded.
//! assert_eq!(event["Records"][0]["s3"]["object"]["key"], "uploads/Happy+Face.jpg");
//! assert_eq!(event["Records"][0]["awsRegion"], "us-east-1");
//! ```
//!
//! Names (bucket, topic, queue, stream, table, rule) become ARNs in the origin's region and
//! account; an argument that already is an ARN is used as is.

mod eventbridge;
mod messaging;
mod s3;
mod streams;

use chrono::{DateTime, SecondsFormat, Utc};

pub use eventbridge::{eventbridge, scheduled};
pub use messaging::{sns, sqs};
pub use s3::s3;
pub use streams::{dynamodb_inserts, kinesis};

/// The default region of an [`Origin`].
pub const DEFAULT_REGION: &str = "us-east-1";
/// The default account of an [`Origin`] (AWS's documentation account).
pub const DEFAULT_ACCOUNT: &str = "123456789012";

/// An event that cannot be generated from its input.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// A DynamoDB item that is not a JSON object.
    #[error("convert `{0}` to a DynamoDB item: an item must be a JSON object")]
    NotAnItem(String),
}

/// How events get their ids (message ids, event ids, receipt handles).
#[derive(Debug, Clone, Copy)]
pub enum Ids {
    /// Stable ids from each record's position: SQS messages `message-0`, `message-1`, ...;
    /// the same event on every run, so tests can name the records.
    Numbered,
    /// A fresh id from this function for every id, as AWS gives (e.g. a UUID generator).
    Generated(fn() -> String),
}

/// Where and when an event happens: its region, account, time and ids.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The AWS region, e.g. `us-east-1`.
    pub region: String,
    /// The 12-digit account id.
    pub account: String,
    /// When the event happened.
    pub time: DateTime<Utc>,
    /// How ids are made.
    pub ids: Ids,
}

impl Default for Origin {
    fn default() -> Self {
        Self {
            region: DEFAULT_REGION.into(),
            account: DEFAULT_ACCOUNT.into(),
            time: DateTime::from_timestamp(1_704_067_200, 0).unwrap_or_default(),
            ids: Ids::Numbered,
        }
    }
}

impl Origin {
    /// An origin in `region` and `account` at `time`, with generated ids.
    pub fn new(
        region: impl Into<String>,
        account: impl Into<String>,
        time: DateTime<Utc>,
        ids: Ids,
    ) -> Self {
        Self {
            region: region.into(),
            account: account.into(),
            time,
            ids,
        }
    }

    /// The ARN of `resource` (e.g. `rule/hourly`) of `service` here, or `resource` itself
    /// when it already is an ARN.
    fn arn(&self, service: &str, resource: &str) -> String {
        if resource.starts_with("arn:") {
            resource.to_owned()
        } else {
            format!(
                "arn:aws:{service}:{}:{}:{resource}",
                self.region, self.account
            )
        }
    }

    /// The id of the `index`th record: `numbered(index)` or a generated one.
    fn id(&self, numbered: impl FnOnce() -> String) -> String {
        match self.ids {
            Ids::Numbered => numbered(),
            Ids::Generated(generate) => generate(),
        }
    }

    /// The time with milliseconds, as S3 and SNS write it.
    fn time_millis(&self) -> String {
        self.time.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// The time in whole seconds, as EventBridge writes it.
    fn time_secs(&self) -> String {
        self.time.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}
