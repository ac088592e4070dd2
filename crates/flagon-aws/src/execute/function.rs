//! Roles, log groups and functions.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    Architecture, Environment, FunctionCode, Runtime, TracingConfig, TracingMode, VpcConfig,
};
use flagon_model::{Function, FunctionRef, ResourceId, Role};
use flagon_plan::{Record, State};

use super::Outcome;
use crate::Aws;
use crate::error::{AwsError, call_error, code_of, is_not_found};

/// Backoff while IAM propagates a new role to Lambda: about a minute in all.
pub(crate) const IAM_RETRY_DELAYS: [u64; 8] = [1, 2, 3, 5, 8, 10, 10, 15];

fn function_record(function: &Function) -> Outcome {
    Outcome::Record(Record::Function {
        function_name: function.function_name.clone(),
    })
}

fn role_record(role: &Role) -> Outcome {
    Outcome::Record(Record::Role {
        role_name: role.role_name.clone(),
        policy_name: role.policy_name.clone(),
    })
}

fn as_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl Aws {
    pub(crate) async fn create_role(&self, role: &Role) -> Result<Outcome, AwsError> {
        let action = format!("create role {}", role.role_name);
        let tags: Vec<_> = role
            .tags
            .iter()
            .filter_map(|(k, v)| {
                aws_sdk_iam::types::Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .ok()
            })
            .collect();
        let created = self
            .iam
            .create_role()
            .role_name(&role.role_name)
            .assume_role_policy_document(role.assume_role_policy.to_string())
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await;
        match created {
            Ok(_) => {}
            // Created by a deploy that was cut off before recording it: adopt it.
            Err(e) if code_of(&e) == Some("EntityAlreadyExists") => {}
            Err(e) => return Err(call_error(action, e)),
        }
        self.put_role_policy(role).await?;
        Ok(role_record(role))
    }

    async fn put_role_policy(&self, role: &Role) -> Result<(), AwsError> {
        self.iam
            .put_role_policy()
            .role_name(&role.role_name)
            .policy_name(&role.policy_name)
            .policy_document(role.policy.to_string())
            .send()
            .await
            .map_err(|e| call_error(format!("put the policy of role {}", role.role_name), e))?;
        Ok(())
    }

    pub(crate) async fn update_role(&self, role: &Role, trust: bool) -> Result<Outcome, AwsError> {
        if trust {
            self.iam
                .update_assume_role_policy()
                .role_name(&role.role_name)
                .policy_document(role.assume_role_policy.to_string())
                .send()
                .await
                .map_err(|e| {
                    call_error(
                        format!("update the trust policy of role {}", role.role_name),
                        e,
                    )
                })?;
        }
        self.put_role_policy(role).await?;
        Ok(role_record(role))
    }

    pub(crate) async fn delete_role(&self, role_name: &str) -> Result<Outcome, AwsError> {
        let action = format!("delete role {role_name}");
        let policies = match self
            .iam
            .list_role_policies()
            .role_name(role_name)
            .send()
            .await
        {
            Ok(out) => out.policy_names().to_vec(),
            Err(e) if is_not_found(&e) => return Ok(Outcome::Removed),
            Err(e) => return Err(call_error(action, e)),
        };
        for policy in policies {
            match self
                .iam
                .delete_role_policy()
                .role_name(role_name)
                .policy_name(&policy)
                .send()
                .await
            {
                Ok(_) => {}
                Err(e) if is_not_found(&e) => {}
                Err(e) => return Err(call_error(action, e)),
            }
        }
        match self.iam.delete_role().role_name(role_name).send().await {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(action, e)),
        }
    }

    pub(crate) async fn put_retention(&self, name: &str, days: u32) -> Result<Outcome, AwsError> {
        match self
            .logs
            .create_log_group()
            .log_group_name(name)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) if code_of(&e) == Some("ResourceAlreadyExistsException") => {}
            Err(e) => return Err(call_error(format!("create log group {name}"), e)),
        }
        self.logs
            .put_retention_policy()
            .log_group_name(name)
            .retention_in_days(as_i32(days))
            .send()
            .await
            .map_err(|e| call_error(format!("set the retention of log group {name}"), e))?;
        Ok(Outcome::Record(Record::LogGroup {
            log_group_name: name.to_owned(),
        }))
    }

    pub(crate) async fn forget_log_group(&self, name: &str) -> Result<Outcome, AwsError> {
        // The logs stay: they may be all that is left to debug the deleted function with.
        match self
            .logs
            .delete_retention_policy()
            .log_group_name(name)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(
                format!("remove the retention of log group {name}"),
                e,
            )),
        }
    }

    fn zip(function: &Function) -> Result<Vec<u8>, AwsError> {
        let code = function
            .code
            .as_ref()
            .ok_or_else(|| AwsError::Plan(flagon_plan::PlanError::NoCode(function.id.0.clone())))?;
        std::fs::read(&code.zip_path).map_err(|source| AwsError::Package {
            path: code.zip_path.clone(),
            source,
        })
    }

    pub(crate) async fn create_function(
        &self,
        f: &Function,
        role_arn: &str,
    ) -> Result<Outcome, AwsError> {
        let action = format!("create function {}", f.function_name);
        let zip = Self::zip(f)?;
        let mut attempt = 0;
        loop {
            let result = self
                .lambda
                .create_function()
                .function_name(&f.function_name)
                .runtime(Runtime::from(f.runtime.as_str()))
                .role(role_arn)
                .handler(&f.handler)
                .code(
                    FunctionCode::builder()
                        .zip_file(Blob::new(zip.clone()))
                        .build(),
                )
                .memory_size(as_i32(f.memory))
                .timeout(as_i32(f.timeout))
                .environment(environment(&f.environment))
                .set_tags((!f.tags.is_empty()).then(|| f.tags.clone().into_iter().collect()))
                .set_layers(Some(f.layers.clone()))
                .architectures(Architecture::from(f.architecture.as_str()))
                .vpc_config(vpc(f))
                .tracing_config(tracing(f.xray))
                .send()
                .await;
            match result {
                Ok(_) => break,
                // Created by a deploy cut off before recording it: bring it up to date.
                Err(e) if code_of(&e) == Some("ResourceConflictException") => {
                    self.update_function_code(f).await?;
                    self.update_function_configuration(f, role_arn).await?;
                    break;
                }
                Err(e) if is_iam_propagation(&e) && attempt < IAM_RETRY_DELAYS.len() => {
                    tokio::time::sleep(Duration::from_secs(IAM_RETRY_DELAYS[attempt])).await;
                    attempt += 1;
                }
                Err(e) => return Err(call_error(action, e)),
            }
        }
        if let Some(n) = f.reserved_concurrency {
            self.wait_until_ready(&f.function_name).await?;
            self.lambda
                .put_function_concurrency()
                .function_name(&f.function_name)
                .reserved_concurrent_executions(as_i32(n))
                .send()
                .await
                .map_err(|e| {
                    call_error(format!("reserve concurrency of {}", f.function_name), e)
                })?;
        }
        Ok(function_record(f))
    }

    /// Waits while the function is `Pending` or an update is `InProgress`: Lambda refuses
    /// another change until then.
    async fn wait_until_ready(&self, name: &str) -> Result<(), AwsError> {
        use aws_sdk_lambda::types::{LastUpdateStatus, State};
        for _ in 0..120 {
            let out = self
                .lambda
                .get_function_configuration()
                .function_name(name)
                .send()
                .await
                .map_err(|e| call_error(format!("read function {name}"), e))?;
            let pending = out.state() == Some(&State::Pending)
                || out.last_update_status() == Some(&LastUpdateStatus::InProgress);
            if !pending {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Ok(())
    }

    pub(crate) async fn update_function_code(&self, f: &Function) -> Result<Outcome, AwsError> {
        let zip = Self::zip(f)?;
        self.wait_until_ready(&f.function_name).await?;
        self.lambda
            .update_function_code()
            .function_name(&f.function_name)
            .zip_file(Blob::new(zip))
            .architectures(Architecture::from(f.architecture.as_str()))
            .send()
            .await
            .map_err(|e| call_error(format!("update the code of {}", f.function_name), e))?;
        Ok(function_record(f))
    }

    pub(crate) async fn update_function_configuration(
        &self,
        f: &Function,
        role_arn: &str,
    ) -> Result<Outcome, AwsError> {
        self.wait_until_ready(&f.function_name).await?;
        self.lambda
            .update_function_configuration()
            .function_name(&f.function_name)
            .runtime(Runtime::from(f.runtime.as_str()))
            .role(role_arn)
            .handler(&f.handler)
            .memory_size(as_i32(f.memory))
            .timeout(as_i32(f.timeout))
            .environment(environment(&f.environment))
            .set_layers(Some(f.layers.clone()))
            .vpc_config(vpc(f))
            .tracing_config(tracing(f.xray))
            .send()
            .await
            .map_err(|e| {
                call_error(
                    format!("update the configuration of {}", f.function_name),
                    e,
                )
            })?;
        Ok(function_record(f))
    }

    pub(crate) async fn tag_function(
        &self,
        id: &FunctionRef,
        arn: &str,
        set: &BTreeMap<String, String>,
        remove: &[String],
        state: &State,
    ) -> Result<Outcome, AwsError> {
        if !set.is_empty() {
            self.lambda
                .tag_resource()
                .resource(arn)
                .set_tags(Some(set.clone().into_iter().collect()))
                .send()
                .await
                .map_err(|e| call_error(format!("tag {arn}"), e))?;
        }
        if !remove.is_empty() {
            self.lambda
                .untag_resource()
                .resource(arn)
                .set_tag_keys(Some(remove.to_vec()))
                .send()
                .await
                .map_err(|e| call_error(format!("untag {arn}"), e))?;
        }
        recorded_function(id, arn, state)
    }

    pub(crate) async fn set_concurrency(
        &self,
        _id: &FunctionRef,
        name: &str,
        reserved: Option<u32>,
    ) -> Result<Outcome, AwsError> {
        let action = format!("set the reserved concurrency of {name}");
        match reserved {
            Some(n) => {
                self.lambda
                    .put_function_concurrency()
                    .function_name(name)
                    .reserved_concurrent_executions(as_i32(n))
                    .send()
                    .await
                    .map_err(|e| call_error(action, e))?;
            }
            None => {
                self.lambda
                    .delete_function_concurrency()
                    .function_name(name)
                    .send()
                    .await
                    .map_err(|e| call_error(action, e))?;
            }
        }
        Ok(Outcome::Record(Record::Function {
            function_name: name.to_owned(),
        }))
    }

    pub(crate) async fn delete_function(&self, name: &str) -> Result<Outcome, AwsError> {
        match self
            .lambda
            .delete_function()
            .function_name(name)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(format!("delete function {name}"), e)),
        }
    }
}

fn recorded_function(id: &FunctionRef, arn: &str, state: &State) -> Result<Outcome, AwsError> {
    let name = match state.resources.get(&ResourceId::Function(id.clone())) {
        Some(Record::Function { function_name }) => function_name.clone(),
        _ => arn.rsplit(':').next().unwrap_or(arn).to_owned(),
    };
    Ok(Outcome::Record(Record::Function {
        function_name: name,
    }))
}

fn environment(vars: &BTreeMap<String, String>) -> Environment {
    Environment::builder()
        .set_variables(Some(vars.clone().into_iter().collect()))
        .build()
}

fn vpc(f: &Function) -> VpcConfig {
    let (subnets, groups) = match &f.vpc {
        Some(v) => (v.subnet_ids.clone(), v.security_group_ids.clone()),
        None => (Vec::new(), Vec::new()),
    };
    VpcConfig::builder()
        .set_subnet_ids(Some(subnets))
        .set_security_group_ids(Some(groups))
        .build()
}

fn tracing(xray: bool) -> TracingConfig {
    TracingConfig::builder()
        .mode(TracingMode::from(flagon_plan::tracing_mode(xray)))
        .build()
}

/// Lambda's answer while IAM propagates: a role just created is not yet assumable, or its
/// new policy does not yet let Lambda read an event source.
pub(crate) fn is_iam_propagation<E: aws_sdk_lambda::error::ProvideErrorMetadata>(e: &E) -> bool {
    code_of(e) == Some("InvalidParameterValueException")
        && e.message().is_some_and(|m| {
            m.contains("cannot be assumed")
                || m.contains("execution role does not have permissions")
        })
}

#[cfg(test)]
mod tests {
    use aws_sdk_lambda::error::ErrorMetadata;
    use aws_sdk_lambda::operation::create_function::CreateFunctionError;
    use aws_sdk_lambda::types::error::InvalidParameterValueException;

    use super::is_iam_propagation;

    fn invalid_parameter(message: &str) -> CreateFunctionError {
        let meta = ErrorMetadata::builder()
            .code("InvalidParameterValueException")
            .message(message)
            .build();
        CreateFunctionError::InvalidParameterValueException(
            InvalidParameterValueException::builder()
                .message(message)
                .meta(meta)
                .build(),
        )
    }

    #[test]
    fn new_role_not_yet_assumable_is_retried_other_invalid_parameters_are_not() {
        assert!(is_iam_propagation(&invalid_parameter(
            "The role defined for the function cannot be assumed by Lambda."
        )));
        assert!(is_iam_propagation(&invalid_parameter(
            "The provided execution role does not have permissions to call ReceiveMessage on SQS"
        )));
        assert!(!is_iam_propagation(&invalid_parameter(
            "The role arn:aws:iam::123456789012:role/typo does not exist"
        )));
        assert!(!is_iam_propagation(&invalid_parameter(
            "Unzipped size must be smaller than 262144000 bytes"
        )));
    }
}
