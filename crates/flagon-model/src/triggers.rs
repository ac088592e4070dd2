//! The event side of the model: who may invoke which function, and the wiring of each event
//! source to its function.

use flagon_manifest::StartingPosition;
use serde::{Deserialize, Serialize};

use crate::refs::{FunctionRef, NameOrArn, RuleRef};

/// What invokes a function: the kind of its manifest trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerKind {
    /// Serves the API's routes.
    Api,
    /// Invoked directly.
    Invoke,
    /// S3 bucket notification.
    S3,
    /// SNS subscription.
    Sns,
    /// SQS event source mapping.
    Sqs,
    /// EventBridge rule with an event pattern.
    EventPattern,
    /// EventBridge rule with a schedule.
    Schedule,
    /// Kinesis event source mapping.
    Kinesis,
    /// DynamoDB stream event source mapping.
    Dynamodb,
}

/// A service that invokes a function through a resource-based policy statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Principal {
    /// `apigateway.amazonaws.com`.
    ApiGateway,
    /// `s3.amazonaws.com`.
    S3,
    /// `sns.amazonaws.com`.
    Sns,
    /// `events.amazonaws.com`.
    Events,
}

impl Principal {
    /// The service principal.
    pub fn service(self) -> &'static str {
        match self {
            Principal::ApiGateway => "apigateway.amazonaws.com",
            Principal::S3 => "s3.amazonaws.com",
            Principal::Sns => "sns.amazonaws.com",
            Principal::Events => "events.amazonaws.com",
        }
    }
}

/// The resource whose events the permission admits (its ARN is the statement's
/// `SourceArn`, resolved by each backend).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermissionSource {
    /// The model's REST API (any stage, method and path of it:
    /// `arn:aws:execute-api:<region>:<account>:<api id>/*`).
    RestApi,
    /// The model's HTTP API (any stage, method and path of it).
    HttpApi,
    /// An S3 bucket (`arn:aws:s3:::<bucket>`).
    Bucket(String),
    /// An SNS topic.
    Topic(NameOrArn),
    /// An EventBridge rule of the model.
    Rule(RuleRef),
}

/// A statement of a function's resource-based policy: `principal` may invoke `function` when
/// the call comes from `source`. Add it only if the function's policy lacks this statement id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// The function that may be invoked.
    pub function: FunctionRef,
    /// Deterministic statement id: `flagon-<principal>-<hash of source>`, e.g.
    /// `flagon-s3-3f2a1b9c`; at most 100 characters of `[A-Za-z0-9_-]`.
    pub statement_id: String,
    /// Who invokes.
    pub principal: Principal,
    /// From where.
    pub source: PermissionSource,
}

/// An S3 bucket notification to a function. A backend merges it into the bucket's existing
/// notification configuration under [`S3Notification::notification_id`], never replacing
/// the other entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Notification {
    /// The target function.
    pub function: FunctionRef,
    /// Bucket name.
    pub bucket: String,
    /// Event types, e.g. `s3:ObjectCreated:*`.
    pub events: Vec<String>,
    /// Key prefix filter (rule name `prefix`, lowercase).
    pub prefix: Option<String>,
    /// Key suffix filter (rule name `suffix`, lowercase).
    pub suffix: Option<String>,
    /// The id of the entry in the bucket's configuration: `<function name>` (the deployed
    /// Lambda name, unique per app and stage).
    pub notification_id: String,
}

/// An SNS subscription of a function (protocol `lambda`) to a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnsSubscription {
    /// The subscribed function.
    pub function: FunctionRef,
    /// The topic.
    pub topic: NameOrArn,
}

/// The source of an event source mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventSource {
    /// An SQS queue.
    Sqs {
        /// The queue.
        queue: NameOrArn,
    },
    /// A Kinesis data stream.
    Kinesis {
        /// The stream.
        stream: NameOrArn,
    },
    /// A DynamoDB stream (always an ARN: it carries a label only DynamoDB knows).
    Dynamodb {
        /// The stream ARN.
        stream_arn: String,
    },
}

/// The value of `FunctionResponseTypes` on every Flagon event source mapping: handlers
/// report partial batch failures.
pub const REPORT_BATCH_ITEM_FAILURES: &str = "ReportBatchItemFailures";

/// A Lambda event source mapping (SQS, Kinesis, DynamoDB streams).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSourceMapping {
    /// The function fed by the source.
    pub function: FunctionRef,
    /// The source.
    pub source: EventSource,
    /// Records per invocation.
    pub batch_size: u32,
    /// Maximum batching window in seconds.
    pub maximum_batching_window_in_seconds: Option<u32>,
    /// SQS scaling config: maximum concurrent invocations (SQS only).
    pub maximum_concurrency: Option<u32>,
    /// Where a stream starts reading (streams only; `None` for SQS).
    pub starting_position: Option<StartingPosition>,
    /// Where `AT_TIMESTAMP` starts, in whole seconds (Kinesis only; `None` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_position_timestamp: Option<chrono::DateTime<chrono::Utc>>,
    /// Always `["ReportBatchItemFailures"]`.
    pub function_response_types: Vec<String>,
}

/// What makes an EventBridge rule fire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleTrigger {
    /// `rate(...)` or `cron(...)`.
    Schedule(String),
    /// An event pattern, as EventBridge takes it.
    Pattern(serde_json::Value),
}

/// An EventBridge rule with the function as its only target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRule {
    /// The rule's key (its target function).
    pub id: RuleRef,
    /// Rule name: `<app>-<stage>-<function>` (at most 64 characters).
    pub rule_name: String,
    /// Description (a schedule's description, when given).
    pub description: Option<String>,
    /// Schedule or pattern.
    pub trigger: RuleTrigger,
    /// Event bus name; `None` is the default bus (schedules are always on it).
    pub event_bus: Option<String>,
    /// The target function.
    pub target: FunctionRef,
    /// The target's id within the rule: `flagon-<function>`, truncated to 64 characters.
    pub target_id: String,
}
