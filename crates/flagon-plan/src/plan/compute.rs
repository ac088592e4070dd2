//! Roles, log groups and functions.

use std::collections::{BTreeMap, BTreeSet};

use flagon_model::{Function, LogGroup, ResourceId, Role, RoleBinding};

use super::{Action, Ctx, PlanError, Planned};
use crate::observed::ObservedFunction;
use crate::state::Record;
use crate::step::Step;

impl Ctx<'_> {
    pub(crate) fn role(&self, role: &Role) -> Planned {
        let id = ResourceId::Role(role.id.clone());
        let record = Record::Role {
            role_name: role.role_name.clone(),
            policy_name: role.policy_name.clone(),
        };
        let Some(observed) = self.observed.roles.get(&role.role_name) else {
            return Some((
                Action::Create,
                vec![Step::CreateRole { role: role.clone() }],
            ));
        };
        let mut changed = Vec::new();
        if observed.policies.get(&role.policy_name) != Some(&role.policy) {
            changed.push("policy".to_owned());
        }
        let trust = observed.assume_role_policy.as_ref() != Some(&role.assume_role_policy);
        if trust {
            changed.push("assume_role_policy".to_owned());
        }
        if changed.is_empty() {
            return self.adopt(&id, record);
        }
        Some((
            Action::Update { changed },
            vec![Step::UpdateRole {
                role: role.clone(),
                trust,
            }],
        ))
    }

    pub(crate) fn log_group(&self, group: &LogGroup) -> Planned {
        let id = ResourceId::LogGroup(group.function.clone());
        let record = Record::LogGroup {
            log_group_name: group.log_group_name.clone(),
        };
        let step = Step::PutLogRetention {
            function: group.function.clone(),
            log_group_name: group.log_group_name.clone(),
            retention_days: group.retention_days,
        };
        match self.observed.log_groups.get(&group.log_group_name) {
            None => Some((Action::Create, vec![step])),
            Some(Some(days)) if *days == group.retention_days => self.adopt(&id, record),
            Some(_) => Some((
                Action::Update {
                    changed: vec!["retention_days".to_owned()],
                },
                vec![step],
            )),
        }
    }

    pub(crate) fn role_arn(&self, function: &Function) -> Result<String, PlanError> {
        match &function.role {
            RoleBinding::Existing(arn) => Ok(arn.clone()),
            RoleBinding::Managed(role) => {
                let name = self
                    .model
                    .and_then(|m| m.role(role))
                    .map(|r| &r.role_name)
                    .ok_or_else(|| PlanError::MissingRole {
                        function: function.id.0.clone(),
                        role: role.0.clone(),
                    })?;
                Ok(self.observed.env.role_arn(name))
            }
        }
    }

    pub(crate) fn function(&self, function: &Function) -> Result<Planned, PlanError> {
        let id = ResourceId::Function(function.id.clone());
        let code = function
            .code
            .as_ref()
            .ok_or_else(|| PlanError::NoCode(function.id.0.clone()))?;
        let role_arn = self.role_arn(function)?;
        let Some(observed) = self.observed.functions.get(&function.function_name) else {
            let step = Step::CreateFunction {
                function: function.clone(),
                role_arn,
            };
            return Ok(Some((Action::Create, vec![step])));
        };
        let mut changed = Vec::new();
        let mut steps = Vec::new();
        if observed.code_sha256 != code.sha256
            || observed.architecture != function.architecture.as_str()
        {
            changed.push("code".to_owned());
            steps.push(Step::UpdateFunctionCode {
                function: function.clone(),
            });
        }
        let config = config_changes(function, observed, &role_arn);
        if !config.is_empty() {
            changed.extend(config.iter().cloned());
            steps.push(Step::UpdateFunctionConfiguration {
                function: function.clone(),
                role_arn,
                changed: config,
            });
        }
        let ours = |k: &String| !k.starts_with("aws:");
        let set: BTreeMap<String, String> = function
            .tags
            .iter()
            .filter(|(k, v)| observed.tags.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let remove: Vec<String> = observed
            .tags
            .keys()
            .filter(|k| ours(k) && !function.tags.contains_key(*k))
            .cloned()
            .collect();
        if !set.is_empty() || !remove.is_empty() {
            changed.push("tags".to_owned());
            steps.push(Step::TagFunction {
                id: function.id.clone(),
                function_arn: observed.arn.clone(),
                set,
                remove,
            });
        }
        if observed.reserved_concurrency != function.reserved_concurrency {
            changed.push("reserved_concurrency".to_owned());
            steps.push(Step::SetConcurrency {
                id: function.id.clone(),
                function_name: function.function_name.clone(),
                reserved: function.reserved_concurrency,
            });
        }
        if steps.is_empty() {
            let record = Record::Function {
                function_name: function.function_name.clone(),
            };
            return Ok(self.adopt(&id, record));
        }
        Ok(Some((Action::Update { changed }, steps)))
    }
}

/// The configuration attributes that differ between the model and AWS.
fn config_changes(f: &Function, o: &ObservedFunction, role_arn: &str) -> Vec<String> {
    let mut changed = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            changed.push(name.to_owned());
        }
    };
    check("handler", f.handler != o.handler);
    check("runtime", f.runtime != o.runtime);
    check("memory", f.memory != o.memory);
    check("timeout", f.timeout != o.timeout);
    check("environment", f.environment != o.environment);
    check("role", role_arn != o.role);
    check("layers", f.layers != o.layers);
    let (subnets, groups): (BTreeSet<String>, BTreeSet<String>) = match &f.vpc {
        Some(vpc) => (
            vpc.subnet_ids.iter().cloned().collect(),
            vpc.security_group_ids.iter().cloned().collect(),
        ),
        None => Default::default(),
    };
    check(
        "vpc",
        subnets != o.subnet_ids || groups != o.security_group_ids,
    );
    check("xray", crate::tracing_mode(f.xray) != o.tracing);
    changed
}
