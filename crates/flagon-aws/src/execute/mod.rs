//! Execute: the only code that changes AWS.
//!
//! Steps run in the plan's order. After each successful step the state is updated (the
//! step's record added, or removed for a deletion) and written to the state file atomically,
//! so a deploy that fails at any step has recorded everything it created, and the next
//! deploy converges from there.

mod api;
mod function;
mod wiring;

use std::path::Path;

use flagon_plan::{AwsEnv, Plan, Record, State, Step};

use crate::Aws;
use crate::error::AwsError;
use crate::state_file::save_state;

/// What the executor reports while it runs (the CLI prints it).
#[derive(Debug, Clone, PartialEq)]
pub enum Progress<'a> {
    /// A step starts: its 1-based index, the number of steps, the step.
    Started {
        /// 1-based index.
        index: usize,
        /// Number of steps.
        total: usize,
        /// The step.
        step: &'a Step,
    },
    /// The step succeeded and the state file was written.
    Done {
        /// 1-based index.
        index: usize,
    },
}

/// What a step did to the state.
pub(crate) enum Outcome {
    /// Record this for the step's resource.
    Record(Record),
    /// The step's resource is gone.
    Removed,
}

/// Runs `plan`, updating `state` and writing it to `state_path` after every step.
pub async fn execute(
    aws: &Aws,
    env: &AwsEnv,
    plan: &Plan,
    state: &mut State,
    state_path: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<(), AwsError> {
    state.region = Some(env.region.clone());
    let total = plan.steps().count();
    for (i, step) in plan.steps().enumerate() {
        let index = i + 1;
        progress(Progress::Started { index, total, step });
        let outcome = aws.run_step(env, state, step).await?;
        let id = step.resource();
        match outcome {
            Outcome::Record(record) => {
                state.resources.insert(id, record);
            }
            Outcome::Removed => {
                state.resources.remove(&id);
            }
        }
        save_state(state_path, state)?;
        progress(Progress::Done { index });
    }
    Ok(())
}

impl Aws {
    async fn run_step(
        &self,
        env: &AwsEnv,
        state: &State,
        step: &Step,
    ) -> Result<Outcome, AwsError> {
        match step {
            Step::CreateRole { role } => self.create_role(role).await,
            Step::UpdateRole { role, trust } => self.update_role(role, *trust).await,
            Step::DeleteRole { role_name, .. } => self.delete_role(role_name).await,
            Step::PutLogRetention {
                log_group_name,
                retention_days,
                ..
            } => self.put_retention(log_group_name, *retention_days).await,
            Step::ForgetLogGroup { log_group_name, .. } => {
                self.forget_log_group(log_group_name).await
            }
            Step::CreateFunction { function, role_arn } => {
                self.create_function(function, role_arn).await
            }
            Step::UpdateFunctionCode { function } => self.update_function_code(function).await,
            Step::UpdateFunctionConfiguration {
                function, role_arn, ..
            } => self.update_function_configuration(function, role_arn).await,
            Step::TagFunction {
                id,
                function_arn,
                set,
                remove,
            } => {
                self.tag_function(id, function_arn, set, remove, state)
                    .await
            }
            Step::SetConcurrency {
                id,
                function_name,
                reserved,
            } => self.set_concurrency(id, function_name, *reserved).await,
            Step::DeleteFunction { function_name, .. } => self.delete_function(function_name).await,
            Step::CreateRestApi {
                api,
                function_arn,
                definition_hash,
                existing_id,
            } => {
                self.create_rest_api(
                    env,
                    api,
                    function_arn,
                    definition_hash,
                    existing_id.as_deref(),
                )
                .await
            }
            Step::UpdateRestApi {
                api,
                api_id,
                function_arn,
                definition_hash,
            } => {
                self.put_rest_api(env, api, api_id, function_arn, definition_hash)
                    .await
            }
            Step::DeleteRestApi { api_id } => self.delete_rest_api(api_id).await,
            Step::CreateHttpApi {
                api,
                function_arn,
                definition_hash,
                existing_id,
            } => {
                self.create_http_api(api, function_arn, definition_hash, existing_id.as_deref())
                    .await
            }
            Step::UpdateHttpApi {
                api,
                api_id,
                function_arn,
                definition_hash,
            } => {
                self.sync_http_api(api, api_id, function_arn, definition_hash)
                    .await
            }
            Step::DeleteHttpApi { api_id } => self.delete_http_api(api_id).await,
            Step::AddPermission {
                function_name,
                statement_id,
                principal,
                source_arn,
                ..
            } => {
                self.add_permission(
                    env,
                    state,
                    function_name,
                    statement_id,
                    *principal,
                    source_arn,
                )
                .await
            }
            Step::RemovePermission {
                function_name,
                statement_id,
                ..
            } => self.remove_permission(function_name, statement_id).await,
            Step::PutS3Notification {
                bucket,
                notification,
                ..
            } => {
                self.merge_notification(bucket, &notification.id, Some(notification))
                    .await?;
                Ok(Outcome::Record(Record::S3Notification {
                    bucket: bucket.clone(),
                    notification_id: notification.id.clone(),
                }))
            }
            Step::RemoveS3Notification {
                bucket,
                notification_id,
                ..
            } => {
                self.merge_notification(bucket, notification_id, None)
                    .await?;
                Ok(Outcome::Removed)
            }
            Step::Subscribe {
                topic_arn,
                function_arn,
                ..
            } => self.subscribe(topic_arn, function_arn).await,
            Step::Unsubscribe {
                subscription_arn, ..
            } => self.unsubscribe(subscription_arn).await,
            Step::CreateEventSourceMapping {
                function_name,
                source_arn,
                starting_position,
                starting_position_timestamp,
                settings,
                ..
            } => {
                self.create_mapping(
                    function_name,
                    source_arn,
                    starting_position.as_deref(),
                    starting_position_timestamp.map(|t| t.timestamp()),
                    settings,
                )
                .await
            }
            Step::UpdateEventSourceMapping {
                uuid,
                source_arn,
                settings,
                ..
            } => self.update_mapping(uuid, source_arn, settings).await,
            Step::DeleteEventSourceMapping { uuid, .. } => self.delete_mapping(uuid).await,
            Step::PutRule { rule, function_arn } => self.put_rule(rule, function_arn).await,
            Step::DeleteRule {
                rule_name,
                event_bus,
                target_id,
                ..
            } => {
                self.delete_rule(rule_name, event_bus.as_deref(), target_id)
                    .await
            }
            Step::Record { record, .. } => Ok(Outcome::Record(record.clone())),
        }
    }
}
