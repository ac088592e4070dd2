//! The typed steps of a plan: everything the executor may do to AWS, one variant each.
//!
//! Steps carry resolved values (names, ARNs, settings). The one value only known once a step
//! has run, an API's id, travels as [`SourceArn::RestApi`] / [`SourceArn::HttpApi`]: the
//! executor resolves it from what the API step recorded.

use std::collections::BTreeMap;

use flagon_model::{
    EventRule, Function, FunctionRef, HttpApi, Principal, ResourceId, RestApi, Role, RoleRef,
};
use serde::{Deserialize, Serialize};

use crate::observed::LambdaNotification;
use crate::state::Record;

/// The `SourceArn` of a permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceArn {
    /// A known ARN.
    Arn(String),
    /// `execute-api` ARN of the REST API created or recorded by this deploy.
    RestApi,
    /// `execute-api` ARN of the HTTP API.
    HttpApi,
}

/// The settings of an event source mapping that can be updated in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingSettings {
    /// Batch size.
    pub batch_size: u32,
    /// Batching window (s).
    pub maximum_batching_window_in_seconds: Option<u32>,
    /// SQS maximum concurrency.
    pub maximum_concurrency: Option<u32>,
    /// Response types.
    pub function_response_types: Vec<String>,
}

/// One call (or one small group of calls) to AWS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// CreateRole, then PutRolePolicy.
    CreateRole {
        /// The role.
        role: Role,
    },
    /// PutRolePolicy (and UpdateAssumeRolePolicy when the trust policy drifted).
    UpdateRole {
        /// The role.
        role: Role,
        /// Whether the trust policy must be rewritten.
        trust: bool,
    },
    /// Every inline policy, then DeleteRole.
    DeleteRole {
        /// Key.
        id: RoleRef,
        /// Role name.
        role_name: String,
        /// Inline policy name.
        policy_name: String,
    },
    /// CreateLogGroup ("already exists" is success), then PutRetentionPolicy.
    PutLogRetention {
        /// Function whose group it is.
        function: FunctionRef,
        /// Group name.
        log_group_name: String,
        /// Days.
        retention_days: u32,
    },
    /// DeleteRetentionPolicy: the group stays (it holds logs), Flagon forgets it.
    ForgetLogGroup {
        /// Function whose group it is.
        function: FunctionRef,
        /// Group name.
        log_group_name: String,
    },
    /// CreateFunction (retrying while IAM propagates the new role), then reserved
    /// concurrency when set.
    CreateFunction {
        /// The function, code attached.
        function: Function,
        /// Role ARN.
        role_arn: String,
    },
    /// UpdateFunctionCode.
    UpdateFunctionCode {
        /// The function, code attached.
        function: Function,
    },
    /// UpdateFunctionConfiguration with every setting.
    UpdateFunctionConfiguration {
        /// The function.
        function: Function,
        /// Role ARN.
        role_arn: String,
        /// What changed, for the diff.
        changed: Vec<String>,
    },
    /// TagResource / UntagResource.
    TagFunction {
        /// Key.
        id: FunctionRef,
        /// Function ARN.
        function_arn: String,
        /// Tags to set.
        set: BTreeMap<String, String>,
        /// Tag keys to remove.
        remove: Vec<String>,
    },
    /// PutFunctionConcurrency or DeleteFunctionConcurrency.
    SetConcurrency {
        /// Key.
        id: FunctionRef,
        /// Function name.
        function_name: String,
        /// Reserved concurrency; `None` removes it.
        reserved: Option<u32>,
    },
    /// DeleteFunction.
    DeleteFunction {
        /// Key.
        id: FunctionRef,
        /// Function name.
        function_name: String,
    },
    /// ImportRestApi, CreateDeployment of the stage (or adopt `existing_id`: PutRestApi).
    CreateRestApi {
        /// The API.
        api: RestApi,
        /// Function ARN every route integrates with.
        function_arn: String,
        /// Hash of the definition.
        definition_hash: String,
        /// An API of this name left by a failed deploy, to overwrite rather than duplicate.
        existing_id: Option<String>,
    },
    /// PutRestApi (overwrite), CreateDeployment.
    UpdateRestApi {
        /// The API.
        api: RestApi,
        /// API id.
        api_id: String,
        /// Function ARN.
        function_arn: String,
        /// Hash of the definition.
        definition_hash: String,
    },
    /// DeleteRestApi.
    DeleteRestApi {
        /// API id.
        api_id: String,
    },
    /// CreateApi (routes, integration), auto-deployed `$default` stage; or reconcile
    /// `existing_id`.
    CreateHttpApi {
        /// The API.
        api: HttpApi,
        /// Function ARN.
        function_arn: String,
        /// Hash of the definition.
        definition_hash: String,
        /// An API of this name left by a failed deploy.
        existing_id: Option<String>,
    },
    /// Reconcile routes and the integration.
    UpdateHttpApi {
        /// The API.
        api: HttpApi,
        /// API id.
        api_id: String,
        /// Function ARN.
        function_arn: String,
        /// Hash of the definition.
        definition_hash: String,
    },
    /// DeleteApi.
    DeleteHttpApi {
        /// API id.
        api_id: String,
    },
    /// AddPermission.
    AddPermission {
        /// Key.
        function: FunctionRef,
        /// Function name.
        function_name: String,
        /// Statement id.
        statement_id: String,
        /// Principal.
        principal: Principal,
        /// Source.
        source_arn: SourceArn,
    },
    /// RemovePermission ("not found" is success).
    RemovePermission {
        /// Key.
        function: FunctionRef,
        /// Function name.
        function_name: String,
        /// Statement id.
        statement_id: String,
    },
    /// Read the bucket's configuration, replace or add the entry, write it back.
    PutS3Notification {
        /// Key.
        function: FunctionRef,
        /// Bucket.
        bucket: String,
        /// The entry.
        notification: LambdaNotification,
    },
    /// Read the bucket's configuration, drop the entry, write it back.
    RemoveS3Notification {
        /// Key.
        function: FunctionRef,
        /// Bucket.
        bucket: String,
        /// Entry id.
        notification_id: String,
    },
    /// Subscribe (protocol `lambda`).
    Subscribe {
        /// Key.
        function: FunctionRef,
        /// Topic ARN.
        topic_arn: String,
        /// Function ARN.
        function_arn: String,
    },
    /// Unsubscribe ("not found" is success).
    Unsubscribe {
        /// Key.
        function: FunctionRef,
        /// Subscription ARN.
        subscription_arn: String,
    },
    /// CreateEventSourceMapping.
    CreateEventSourceMapping {
        /// Key.
        function: FunctionRef,
        /// Function name.
        function_name: String,
        /// Source ARN.
        source_arn: String,
        /// Starting position (streams).
        starting_position: Option<String>,
        /// Where `AT_TIMESTAMP` starts (Kinesis), in whole seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        starting_position_timestamp: Option<chrono::DateTime<chrono::Utc>>,
        /// Settings.
        settings: MappingSettings,
    },
    /// UpdateEventSourceMapping.
    UpdateEventSourceMapping {
        /// Key.
        function: FunctionRef,
        /// UUID.
        uuid: String,
        /// Source ARN (unchanged).
        source_arn: String,
        /// Settings.
        settings: MappingSettings,
    },
    /// DeleteEventSourceMapping ("not found" is success).
    DeleteEventSourceMapping {
        /// Key.
        function: FunctionRef,
        /// UUID.
        uuid: String,
    },
    /// PutRule, PutTargets.
    PutRule {
        /// The rule.
        rule: EventRule,
        /// Target function ARN.
        function_arn: String,
    },
    /// RemoveTargets, DeleteRule ("not found" is success).
    DeleteRule {
        /// Key.
        function: FunctionRef,
        /// Rule name.
        rule_name: String,
        /// Event bus.
        event_bus: Option<String>,
        /// Target id.
        target_id: String,
    },
    /// No call to AWS: records a resource that exists and is right but that the state
    /// lacks (a deploy cut off between AWS's answer and the state write).
    Record {
        /// The resource.
        id: ResourceId,
        /// What to record.
        record: Record,
    },
}

impl Step {
    /// The resource the step creates, changes or deletes.
    pub fn resource(&self) -> ResourceId {
        use flagon_model::RuleRef;
        match self {
            Step::CreateRole { role } | Step::UpdateRole { role, .. } => {
                ResourceId::Role(role.id.clone())
            }
            Step::DeleteRole { id, .. } => ResourceId::Role(id.clone()),
            Step::PutLogRetention { function, .. } | Step::ForgetLogGroup { function, .. } => {
                ResourceId::LogGroup(function.clone())
            }
            Step::CreateFunction { function, .. }
            | Step::UpdateFunctionCode { function }
            | Step::UpdateFunctionConfiguration { function, .. } => {
                ResourceId::Function(function.id.clone())
            }
            Step::TagFunction { id, .. }
            | Step::SetConcurrency { id, .. }
            | Step::DeleteFunction { id, .. } => ResourceId::Function(id.clone()),
            Step::CreateRestApi { .. }
            | Step::UpdateRestApi { .. }
            | Step::DeleteRestApi { .. } => ResourceId::RestApi,
            Step::CreateHttpApi { .. }
            | Step::UpdateHttpApi { .. }
            | Step::DeleteHttpApi { .. } => ResourceId::HttpApi,
            Step::AddPermission { function, .. } | Step::RemovePermission { function, .. } => {
                ResourceId::Permission(function.clone())
            }
            Step::PutS3Notification { function, .. }
            | Step::RemoveS3Notification { function, .. } => {
                ResourceId::S3Notification(function.clone())
            }
            Step::Subscribe { function, .. } | Step::Unsubscribe { function, .. } => {
                ResourceId::SnsSubscription(function.clone())
            }
            Step::CreateEventSourceMapping { function, .. }
            | Step::UpdateEventSourceMapping { function, .. }
            | Step::DeleteEventSourceMapping { function, .. } => {
                ResourceId::EventSourceMapping(function.clone())
            }
            Step::PutRule { rule, .. } => ResourceId::EventRule(rule.id.clone()),
            Step::DeleteRule { function, .. } => ResourceId::EventRule(RuleRef(function.clone())),
            Step::Record { id, .. } => id.clone(),
        }
    }

    /// Whether the step changes AWS (every step but [`Step::Record`]).
    pub fn is_mutating(&self) -> bool {
        !matches!(self, Step::Record { .. })
    }

    /// A one-line description, as `deploy` prints it while the step runs.
    pub fn describe(&self) -> String {
        match self {
            Step::CreateRole { role } => format!("create role {}", role.role_name),
            Step::UpdateRole { role, .. } => format!("update policy of role {}", role.role_name),
            Step::DeleteRole { role_name, .. } => format!("delete role {role_name}"),
            Step::PutLogRetention {
                log_group_name,
                retention_days,
                ..
            } => {
                format!("set retention of {log_group_name} to {retention_days} days")
            }
            Step::ForgetLogGroup { log_group_name, .. } => {
                format!("remove retention of {log_group_name}")
            }
            Step::CreateFunction { function, .. } => {
                format!("create function {}", function.function_name)
            }
            Step::UpdateFunctionCode { function } => {
                format!("update code of {}", function.function_name)
            }
            Step::UpdateFunctionConfiguration {
                function, changed, ..
            } => format!(
                "update configuration of {} ({})",
                function.function_name,
                changed.join(", ")
            ),
            Step::TagFunction { function_arn, .. } => format!("tag {function_arn}"),
            Step::SetConcurrency {
                function_name,
                reserved,
                ..
            } => match reserved {
                Some(n) => format!("reserve {n} concurrent executions for {function_name}"),
                None => format!("remove reserved concurrency of {function_name}"),
            },
            Step::DeleteFunction { function_name, .. } => {
                format!("delete function {function_name}")
            }
            Step::CreateRestApi { api, .. } => format!("create REST API {}", api.name),
            Step::UpdateRestApi { api, .. } => format!("update REST API {}", api.name),
            Step::DeleteRestApi { api_id } => format!("delete REST API {api_id}"),
            Step::CreateHttpApi { api, .. } => format!("create HTTP API {}", api.name),
            Step::UpdateHttpApi { api, .. } => format!("update HTTP API {}", api.name),
            Step::DeleteHttpApi { api_id } => format!("delete HTTP API {api_id}"),
            Step::AddPermission {
                function_name,
                statement_id,
                principal,
                ..
            } => format!(
                "allow {} to invoke {function_name} ({statement_id})",
                principal.service()
            ),
            Step::RemovePermission {
                function_name,
                statement_id,
                ..
            } => {
                format!("remove permission {statement_id} of {function_name}")
            }
            Step::PutS3Notification {
                bucket,
                notification,
                ..
            } => {
                format!("notify {} from bucket {bucket}", notification.id)
            }
            Step::RemoveS3Notification {
                bucket,
                notification_id,
                ..
            } => {
                format!("remove notification {notification_id} from bucket {bucket}")
            }
            Step::Subscribe {
                topic_arn,
                function_arn,
                ..
            } => {
                format!("subscribe {function_arn} to {topic_arn}")
            }
            Step::Unsubscribe {
                subscription_arn, ..
            } => format!("unsubscribe {subscription_arn}"),
            Step::CreateEventSourceMapping {
                function_name,
                source_arn,
                starting_position_timestamp: None,
                ..
            } => {
                format!("map {source_arn} to {function_name}")
            }
            Step::CreateEventSourceMapping {
                function_name,
                source_arn,
                starting_position_timestamp: Some(at),
                ..
            } => {
                format!(
                    "map {source_arn} to {function_name} from {}",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )
            }
            Step::UpdateEventSourceMapping { uuid, .. } => {
                format!("update event source mapping {uuid}")
            }
            Step::DeleteEventSourceMapping { uuid, .. } => {
                format!("delete event source mapping {uuid}")
            }
            Step::PutRule { rule, .. } => format!("put rule {} and its target", rule.rule_name),
            Step::DeleteRule { rule_name, .. } => format!("delete rule {rule_name}"),
            Step::Record { id, .. } => format!("record {id}, which exists already"),
        }
    }
}
