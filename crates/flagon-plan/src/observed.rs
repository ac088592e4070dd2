//! What the observer saw in AWS: the read-only half of a deploy.
//!
//! The observer (in `flagon-aws`) fills an [`Observed`] from [`Targets`], the list of names
//! the model and the state point at; the planner compares it with the model. Everything is
//! plain data, so planner tests build it by hand.

use std::collections::{BTreeMap, BTreeSet};

use flagon_model::{Model, Resource, ResourceId};
use serde::{Deserialize, Serialize};

use crate::arn::AwsEnv;
use crate::state::{Record, State};

/// AWS as the observer saw it. A missing entry means "does not exist".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Observed {
    /// Account, region and partition of the caller.
    pub env: AwsEnv,
    /// Roles by name.
    pub roles: BTreeMap<String, ObservedRole>,
    /// Log groups by name, with their retention.
    pub log_groups: BTreeMap<String, Option<u32>>,
    /// Functions by deployed name.
    pub functions: BTreeMap<String, ObservedFunction>,
    /// REST APIs by id (the recorded one, and any with the model's name).
    pub rest_apis: BTreeMap<String, ObservedApi>,
    /// HTTP APIs by id.
    pub http_apis: BTreeMap<String, ObservedApi>,
    /// Lambda entries of each bucket's notification configuration, by bucket.
    pub bucket_notifications: BTreeMap<String, Vec<LambdaNotification>>,
    /// Lambda subscriptions of each topic, by topic ARN.
    pub subscriptions: BTreeMap<String, Vec<ObservedSubscription>>,
    /// Event source mappings, by deployed function name.
    pub event_source_mappings: BTreeMap<String, Vec<ObservedMapping>>,
    /// EventBridge rules by name.
    pub rules: BTreeMap<String, ObservedRule>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedRole {
    /// The role's ARN.
    pub arn: String,
    /// The trust policy (decoded JSON).
    pub assume_role_policy: Option<serde_json::Value>,
    /// Inline policies by name (decoded JSON).
    pub policies: BTreeMap<String, serde_json::Value>,
}

/// A Lambda function's configuration, code hash, tags, concurrency and policy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ObservedFunction {
    /// ARN (unqualified).
    pub arn: String,
    /// Handler.
    pub handler: String,
    /// Runtime.
    pub runtime: String,
    /// Memory (MB).
    pub memory: u32,
    /// Timeout (s).
    pub timeout: u32,
    /// Environment variables.
    pub environment: BTreeMap<String, String>,
    /// Role ARN.
    pub role: String,
    /// Layer version ARNs.
    pub layers: Vec<String>,
    /// `x86_64` or `arm64`.
    pub architecture: String,
    /// Subnet ids (empty outside a VPC).
    pub subnet_ids: BTreeSet<String>,
    /// Security group ids.
    pub security_group_ids: BTreeSet<String>,
    /// `Active` or `PassThrough`.
    pub tracing: String,
    /// Base64 SHA-256 of the deployed zip.
    pub code_sha256: String,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Reserved concurrency.
    pub reserved_concurrency: Option<u32>,
    /// Statement ids of the resource-based policy.
    pub policy_statement_ids: BTreeSet<String>,
}

/// An API Gateway API (REST or HTTP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedApi {
    /// API id.
    pub id: String,
    /// API name.
    pub name: String,
}

/// A Lambda entry of a bucket's notification configuration, with lowercase filter names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaNotification {
    /// Entry id.
    pub id: String,
    /// Target function ARN.
    pub function_arn: String,
    /// Event types, sorted.
    pub events: Vec<String>,
    /// `prefix` filter.
    pub prefix: Option<String>,
    /// `suffix` filter.
    pub suffix: Option<String>,
}

/// A subscription of a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedSubscription {
    /// Subscription ARN.
    pub arn: String,
    /// Protocol (`lambda`, ...).
    pub protocol: String,
    /// Endpoint (the function ARN for `lambda`).
    pub endpoint: String,
}

/// An event source mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedMapping {
    /// UUID.
    pub uuid: String,
    /// Source ARN.
    pub source_arn: String,
    /// Batch size.
    pub batch_size: Option<u32>,
    /// Batching window (s).
    pub maximum_batching_window_in_seconds: Option<u32>,
    /// SQS maximum concurrency.
    pub maximum_concurrency: Option<u32>,
    /// Response types.
    pub function_response_types: Vec<String>,
    /// Where a stream mapping starts (`TRIM_HORIZON`, `LATEST`, `AT_TIMESTAMP`); `None` for
    /// SQS, or when the API does not say.
    #[serde(default)]
    pub starting_position: Option<String>,
    /// Where `AT_TIMESTAMP` starts, in seconds since 1970; `None` when the API does not say
    /// (moto stores it but does not return it).
    #[serde(default)]
    pub starting_position_timestamp: Option<i64>,
}

/// An EventBridge rule and its targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedRule {
    /// Schedule expression.
    pub schedule_expression: Option<String>,
    /// Event pattern (decoded JSON).
    pub event_pattern: Option<serde_json::Value>,
    /// Description.
    pub description: Option<String>,
    /// Targets: id to ARN.
    pub targets: BTreeMap<String, String>,
}

/// The names the observer must look up: everything the model wants and the state recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Role names.
    pub roles: BTreeSet<String>,
    /// Inline policy names by role name.
    pub role_policies: BTreeMap<String, BTreeSet<String>>,
    /// Log group names.
    pub log_groups: BTreeSet<String>,
    /// Function names.
    pub functions: BTreeSet<String>,
    /// REST API ids recorded, and the name to look for.
    pub rest_api_ids: BTreeSet<String>,
    /// HTTP API ids recorded.
    pub http_api_ids: BTreeSet<String>,
    /// API names to look for (a deploy that failed before recording its API).
    pub api_names: BTreeSet<String>,
    /// Buckets.
    pub buckets: BTreeSet<String>,
    /// Topic ARNs.
    pub topic_arns: BTreeSet<String>,
    /// Rules (name, event bus).
    pub rules: BTreeSet<(String, Option<String>)>,
}

impl Targets {
    /// What to observe for deploying `model` over `state` in `env`.
    pub fn new(model: &Model, state: &State, env: &AwsEnv) -> Self {
        let mut t = Targets::default();
        for resource in &model.resources {
            match resource {
                Resource::Role(r) => {
                    t.roles.insert(r.role_name.clone());
                    t.role_policies
                        .entry(r.role_name.clone())
                        .or_default()
                        .insert(r.policy_name.clone());
                }
                Resource::LogGroup(l) => {
                    t.log_groups.insert(l.log_group_name.clone());
                }
                Resource::Function(f) => {
                    t.functions.insert(f.function_name.clone());
                }
                Resource::RestApi(a) => {
                    t.api_names.insert(a.name.clone());
                }
                Resource::HttpApi(a) => {
                    t.api_names.insert(a.name.clone());
                }
                Resource::Permission(_) | Resource::EventSourceMapping(_) => {}
                Resource::S3Notification(n) => {
                    t.buckets.insert(n.bucket.clone());
                }
                Resource::SnsSubscription(s) => {
                    t.topic_arns.insert(env.topic_arn(&s.topic));
                }
                Resource::EventRule(r) => {
                    t.rules.insert((r.rule_name.clone(), r.event_bus.clone()));
                }
            }
        }
        t.add_state(state);
        t
    }

    /// What to observe for deleting everything `state` records.
    pub fn for_state(state: &State) -> Self {
        let mut t = Targets::default();
        t.add_state(state);
        t
    }

    fn add_state(&mut self, state: &State) {
        for (id, record) in &state.resources {
            match record {
                Record::Role {
                    role_name,
                    policy_name,
                } => {
                    self.roles.insert(role_name.clone());
                    self.role_policies
                        .entry(role_name.clone())
                        .or_default()
                        .insert(policy_name.clone());
                }
                Record::LogGroup { log_group_name } => {
                    self.log_groups.insert(log_group_name.clone());
                }
                Record::Function { function_name } | Record::Permission { function_name, .. } => {
                    self.functions.insert(function_name.clone());
                }
                Record::RestApi { api_id, .. } => {
                    self.rest_api_ids.insert(api_id.clone());
                }
                Record::HttpApi { api_id, .. } => {
                    self.http_api_ids.insert(api_id.clone());
                }
                Record::S3Notification { bucket, .. } => {
                    self.buckets.insert(bucket.clone());
                }
                Record::SnsSubscription { topic_arn, .. } => {
                    self.topic_arns.insert(topic_arn.clone());
                }
                Record::EventSourceMapping { .. } => {
                    if let ResourceId::EventSourceMapping(f) = id
                        && let Some(Record::Function { function_name }) =
                            state.resources.get(&ResourceId::Function(f.clone()))
                    {
                        self.functions.insert(function_name.clone());
                    }
                }
                Record::EventRule {
                    rule_name,
                    event_bus,
                    ..
                } => {
                    self.rules.insert((rule_name.clone(), event_bus.clone()));
                }
            }
        }
    }
}
