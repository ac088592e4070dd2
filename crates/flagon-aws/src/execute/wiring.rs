//! Permissions, subscriptions, event source mappings and EventBridge rules.

use aws_sdk_eventbridge::types::{RuleState, Target};
use aws_sdk_lambda::types::{EventSourcePosition, FunctionResponseType, ScalingConfig};
use flagon_model::{EventRule, Principal, ResourceId, RuleTrigger};
use flagon_plan::{AwsEnv, MappingSettings, Record, SourceArn, State};

use super::Outcome;
use super::function::IAM_RETRY_DELAYS;
use crate::Aws;
use crate::error::{AwsError, call_error, code_of, is_not_found};

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl Aws {
    pub(crate) async fn add_permission(
        &self,
        env: &AwsEnv,
        state: &State,
        function_name: &str,
        statement_id: &str,
        principal: Principal,
        source: &SourceArn,
    ) -> Result<Outcome, AwsError> {
        let action = format!("add permission {statement_id} to {function_name}");
        let api_id = |id: ResourceId| match state.resources.get(&id) {
            Some(Record::RestApi { api_id, .. } | Record::HttpApi { api_id, .. }) => {
                Ok(api_id.clone())
            }
            _ => Err(AwsError::Usage(format!(
                "{action}: the API is not recorded yet"
            ))),
        };
        let source_arn = match source {
            SourceArn::Arn(arn) => arn.clone(),
            SourceArn::RestApi => env.execute_api_arn(&api_id(ResourceId::RestApi)?),
            SourceArn::HttpApi => env.execute_api_arn(&api_id(ResourceId::HttpApi)?),
        };
        let mut call = self
            .lambda
            .add_permission()
            .function_name(function_name)
            .statement_id(statement_id)
            .action("lambda:InvokeFunction")
            .principal(principal.service())
            .source_arn(source_arn);
        if principal == Principal::S3 {
            // A bucket ARN has no account: without it any account's bucket of that name could
            // invoke the function.
            call = call.source_account(&env.account_id);
        }
        match call.send().await {
            Ok(_) => {}
            // Added by a deploy cut off before recording it.
            Err(e) if code_of(&e) == Some("ResourceConflictException") => {}
            Err(e) => return Err(call_error(action, e)),
        }
        Ok(Outcome::Record(Record::Permission {
            function_name: function_name.to_owned(),
            statement_id: statement_id.to_owned(),
        }))
    }

    pub(crate) async fn remove_permission(
        &self,
        function_name: &str,
        statement_id: &str,
    ) -> Result<Outcome, AwsError> {
        match self
            .lambda
            .remove_permission()
            .function_name(function_name)
            .statement_id(statement_id)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(
                format!("remove permission {statement_id} of {function_name}"),
                e,
            )),
        }
    }

    pub(crate) async fn subscribe(
        &self,
        topic_arn: &str,
        function_arn: &str,
    ) -> Result<Outcome, AwsError> {
        let action = format!("subscribe {function_arn} to {topic_arn}");
        let out = self
            .sns_for(topic_arn)
            .subscribe()
            .topic_arn(topic_arn)
            .protocol("lambda")
            .endpoint(function_arn)
            .return_subscription_arn(true)
            .send()
            .await
            .map_err(|e| call_error(action.clone(), e))?;
        let subscription_arn = out.subscription_arn().ok_or(AwsError::Incomplete {
            action,
            what: "SubscriptionArn",
        })?;
        Ok(Outcome::Record(Record::SnsSubscription {
            topic_arn: topic_arn.to_owned(),
            subscription_arn: subscription_arn.to_owned(),
        }))
    }

    pub(crate) async fn unsubscribe(&self, subscription_arn: &str) -> Result<Outcome, AwsError> {
        match self
            .sns_for(subscription_arn)
            .unsubscribe()
            .subscription_arn(subscription_arn)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(format!("unsubscribe {subscription_arn}"), e)),
        }
    }

    pub(crate) async fn create_mapping(
        &self,
        function_name: &str,
        source_arn: &str,
        starting_position: Option<&str>,
        starting_position_timestamp: Option<i64>,
        s: &MappingSettings,
    ) -> Result<Outcome, AwsError> {
        let action = format!("map {source_arn} to {function_name}");
        let timestamp =
            starting_position_timestamp.map(aws_sdk_lambda::primitives::DateTime::from_secs);
        let mut attempt = 0;
        let out = loop {
            let result = self
                .lambda
                .create_event_source_mapping()
                .function_name(function_name)
                .event_source_arn(source_arn)
                .batch_size(to_i32(s.batch_size))
                .set_maximum_batching_window_in_seconds(
                    s.maximum_batching_window_in_seconds.map(to_i32),
                )
                .set_scaling_config(scaling(s))
                .set_starting_position(starting_position.map(EventSourcePosition::from))
                .set_starting_position_timestamp(timestamp)
                .set_function_response_types(Some(response_types(s)))
                .send()
                .await;
            match result {
                Ok(out) => break out,
                // The role's new read permission on the source is not visible to Lambda yet,
                // or the mapping this one replaces (a new starting position) is still being
                // deleted: Lambda deletes asynchronously.
                Err(e)
                    if (super::function::is_iam_propagation(&e)
                        || code_of(&e) == Some("ResourceConflictException"))
                        && attempt < IAM_RETRY_DELAYS.len() =>
                {
                    tokio::time::sleep(std::time::Duration::from_secs(IAM_RETRY_DELAYS[attempt]))
                        .await;
                    attempt += 1;
                }
                Err(e) => return Err(call_error(action, e)),
            }
        };
        let uuid = out.uuid().ok_or(AwsError::Incomplete {
            action,
            what: "UUID",
        })?;
        Ok(Outcome::Record(Record::EventSourceMapping {
            uuid: uuid.to_owned(),
            source_arn: source_arn.to_owned(),
        }))
    }

    pub(crate) async fn update_mapping(
        &self,
        uuid: &str,
        source_arn: &str,
        s: &MappingSettings,
    ) -> Result<Outcome, AwsError> {
        self.lambda
            .update_event_source_mapping()
            .uuid(uuid)
            .batch_size(to_i32(s.batch_size))
            .set_maximum_batching_window_in_seconds(
                s.maximum_batching_window_in_seconds.map(to_i32),
            )
            .set_scaling_config(scaling(s))
            .set_function_response_types(Some(response_types(s)))
            .send()
            .await
            .map_err(|e| call_error(format!("update event source mapping {uuid}"), e))?;
        Ok(Outcome::Record(Record::EventSourceMapping {
            uuid: uuid.to_owned(),
            source_arn: source_arn.to_owned(),
        }))
    }

    pub(crate) async fn delete_mapping(&self, uuid: &str) -> Result<Outcome, AwsError> {
        match self
            .lambda
            .delete_event_source_mapping()
            .uuid(uuid)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(format!("delete event source mapping {uuid}"), e)),
        }
    }

    pub(crate) async fn put_rule(
        &self,
        rule: &EventRule,
        function_arn: &str,
    ) -> Result<Outcome, AwsError> {
        let action = format!("put rule {}", rule.rule_name);
        let (schedule, pattern) = match &rule.trigger {
            RuleTrigger::Schedule(s) => (Some(s.clone()), None),
            RuleTrigger::Pattern(p) => (None, Some(p.to_string())),
        };
        self.events
            .put_rule()
            .name(&rule.rule_name)
            .set_schedule_expression(schedule)
            .set_event_pattern(pattern)
            .set_description(rule.description.clone())
            .set_event_bus_name(rule.event_bus.clone())
            .state(RuleState::Enabled)
            .send()
            .await
            .map_err(|e| call_error(action.clone(), e))?;
        let targets = self
            .events
            .list_targets_by_rule()
            .rule(&rule.rule_name)
            .set_event_bus_name(rule.event_bus.clone())
            .send()
            .await
            .map_err(|e| call_error(action.clone(), e))?;
        let others: Vec<String> = targets
            .targets()
            .iter()
            .map(|t| t.id().to_owned())
            .filter(|id| id != &rule.target_id)
            .collect();
        if !others.is_empty() {
            self.events
                .remove_targets()
                .rule(&rule.rule_name)
                .set_event_bus_name(rule.event_bus.clone())
                .set_ids(Some(others))
                .send()
                .await
                .map_err(|e| call_error(action.clone(), e))?;
        }
        let target = Target::builder()
            .id(&rule.target_id)
            .arn(function_arn)
            .build()
            .map_err(|e| AwsError::Call {
                action: action.clone(),
                code: None,
                message: e.to_string(),
                request_id: None,
            })?;
        self.events
            .put_targets()
            .rule(&rule.rule_name)
            .set_event_bus_name(rule.event_bus.clone())
            .targets(target)
            .send()
            .await
            .map_err(|e| call_error(action, e))?;
        Ok(Outcome::Record(Record::EventRule {
            rule_name: rule.rule_name.clone(),
            event_bus: rule.event_bus.clone(),
            target_id: rule.target_id.clone(),
        }))
    }

    pub(crate) async fn delete_rule(
        &self,
        rule_name: &str,
        event_bus: Option<&str>,
        target_id: &str,
    ) -> Result<Outcome, AwsError> {
        let action = format!("delete rule {rule_name}");
        let bus = event_bus.map(str::to_owned);
        match self
            .events
            .remove_targets()
            .rule(rule_name)
            .set_event_bus_name(bus.clone())
            .ids(target_id)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) if is_not_found(&e) => return Ok(Outcome::Removed),
            Err(e) => return Err(call_error(action, e)),
        }
        match self
            .events
            .delete_rule()
            .name(rule_name)
            .set_event_bus_name(bus)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(action, e)),
        }
    }
}

fn scaling(s: &MappingSettings) -> Option<ScalingConfig> {
    s.maximum_concurrency.map(|n| {
        ScalingConfig::builder()
            .maximum_concurrency(to_i32(n))
            .build()
    })
}

fn response_types(s: &MappingSettings) -> Vec<FunctionResponseType> {
    s.function_response_types
        .iter()
        .map(|t| FunctionResponseType::from(t.as_str()))
        .collect()
}
