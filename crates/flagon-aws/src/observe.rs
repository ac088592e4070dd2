//! Observe: the read-only calls of a deploy. Nothing here changes AWS.

use std::collections::{BTreeMap, BTreeSet};

use flagon_plan::{
    AwsEnv, LambdaNotification, Observed, ObservedApi, ObservedFunction, ObservedMapping,
    ObservedRole, ObservedRule, ObservedSubscription, Targets,
};

use crate::Aws;
use crate::error::{AwsError, call_error, is_not_found};

impl Aws {
    /// Reads everything `targets` names.
    pub async fn observe(&self, env: AwsEnv, targets: &Targets) -> Result<Observed, AwsError> {
        let mut o = Observed {
            env,
            ..Default::default()
        };
        for name in &targets.roles {
            let policies = targets.role_policies.get(name).cloned().unwrap_or_default();
            if let Some(role) = self.observe_role(name, &policies).await? {
                o.roles.insert(name.clone(), role);
            }
        }
        for name in &targets.log_groups {
            if let Some(retention) = self.observe_log_group(name).await? {
                o.log_groups.insert(name.clone(), retention);
            }
        }
        for name in &targets.functions {
            if let Some(f) = self.observe_function(name).await? {
                o.functions.insert(name.clone(), f);
            }
            let mappings = self.observe_mappings(name).await?;
            if !mappings.is_empty() {
                o.event_source_mappings.insert(name.clone(), mappings);
            }
        }
        self.observe_apis(targets, &mut o).await?;
        for bucket in &targets.buckets {
            if let Some(entries) = self.lambda_notifications(bucket).await? {
                o.bucket_notifications.insert(bucket.clone(), entries);
            }
        }
        for topic in &targets.topic_arns {
            if let Some(subs) = self.observe_subscriptions(topic).await? {
                o.subscriptions.insert(topic.clone(), subs);
            }
        }
        for (name, bus) in &targets.rules {
            if let Some(rule) = self.observe_rule(name, bus.as_deref()).await? {
                o.rules.insert(name.clone(), rule);
            }
        }
        Ok(o)
    }

    async fn observe_role(
        &self,
        name: &str,
        policies: &BTreeSet<String>,
    ) -> Result<Option<ObservedRole>, AwsError> {
        let action = format!("read role {name}");
        let role = match self.iam.get_role().role_name(name).send().await {
            Ok(out) => out,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(call_error(action, e)),
        };
        let Some(role) = role.role() else {
            return Err(AwsError::Incomplete {
                action,
                what: "Role",
            });
        };
        let mut observed = ObservedRole {
            arn: role.arn().to_owned(),
            assume_role_policy: role.assume_role_policy_document().and_then(decode_policy),
            policies: BTreeMap::new(),
        };
        for policy in policies {
            let out = self
                .iam
                .get_role_policy()
                .role_name(name)
                .policy_name(policy)
                .send()
                .await;
            match out {
                Ok(out) => {
                    if let Some(doc) = decode_policy(out.policy_document()) {
                        observed.policies.insert(policy.clone(), doc);
                    }
                }
                Err(e) if is_not_found(&e) => {}
                Err(e) => {
                    return Err(call_error(
                        format!("read policy {policy} of role {name}"),
                        e,
                    ));
                }
            }
        }
        Ok(Some(observed))
    }

    async fn observe_log_group(&self, name: &str) -> Result<Option<Option<u32>>, AwsError> {
        let out = self
            .logs
            .describe_log_groups()
            .log_group_name_prefix(name)
            .send()
            .await
            .map_err(|e| call_error(format!("read log group {name}"), e))?;
        Ok(out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
            .map(|g| g.retention_in_days().and_then(|d| u32::try_from(d).ok())))
    }

    pub(crate) async fn observe_function(
        &self,
        name: &str,
    ) -> Result<Option<ObservedFunction>, AwsError> {
        let out = match self.lambda.get_function().function_name(name).send().await {
            Ok(out) => out,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(call_error(format!("read function {name}"), e)),
        };
        let action = format!("read function {name}");
        let c = out.configuration().ok_or_else(|| AwsError::Incomplete {
            action: action.clone(),
            what: "Configuration",
        })?;
        let vpc = c.vpc_config();
        let mut f = ObservedFunction {
            arn: c.function_arn().unwrap_or_default().to_owned(),
            handler: c.handler().unwrap_or_default().to_owned(),
            runtime: c
                .runtime()
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            memory: c
                .memory_size()
                .and_then(|m| u32::try_from(m).ok())
                .unwrap_or_default(),
            timeout: c
                .timeout()
                .and_then(|t| u32::try_from(t).ok())
                .unwrap_or_default(),
            environment: c
                .environment()
                .and_then(|e| e.variables())
                .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            role: c.role().unwrap_or_default().to_owned(),
            layers: c
                .layers()
                .iter()
                .filter_map(|l| l.arn().map(str::to_owned))
                .collect(),
            architecture: c
                .architectures()
                .first()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_else(|| "x86_64".to_owned()),
            subnet_ids: vpc
                .map(|v| v.subnet_ids().iter().cloned().collect())
                .unwrap_or_default(),
            security_group_ids: vpc
                .map(|v| v.security_group_ids().iter().cloned().collect())
                .unwrap_or_default(),
            tracing: c
                .tracing_config()
                .and_then(|t| t.mode())
                .map(|m| m.as_str().to_owned())
                .unwrap_or_else(|| "PassThrough".to_owned()),
            code_sha256: c.code_sha256().unwrap_or_default().to_owned(),
            tags: out
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            reserved_concurrency: out
                .concurrency()
                .and_then(|c| c.reserved_concurrent_executions())
                .and_then(|n| u32::try_from(n).ok()),
            policy_statement_ids: BTreeSet::new(),
        };
        f.policy_statement_ids = self.policy_statement_ids(name).await?;
        Ok(Some(f))
    }

    /// The statement ids of a function's resource-based policy (GetPolicy).
    pub(crate) async fn policy_statement_ids(
        &self,
        name: &str,
    ) -> Result<BTreeSet<String>, AwsError> {
        let out = match self.lambda.get_policy().function_name(name).send().await {
            Ok(out) => out,
            Err(e) if is_not_found(&e) => return Ok(BTreeSet::new()),
            Err(e) => return Err(call_error(format!("read the policy of function {name}"), e)),
        };
        let doc: serde_json::Value = out
            .policy()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        Ok(doc["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["Sid"].as_str().map(str::to_owned))
            .collect())
    }

    async fn observe_mappings(&self, function: &str) -> Result<Vec<ObservedMapping>, AwsError> {
        let mut mappings = Vec::new();
        let mut marker = None;
        loop {
            let out = match self
                .lambda
                .list_event_source_mappings()
                .function_name(function)
                .set_marker(marker)
                .send()
                .await
            {
                Ok(out) => out,
                Err(e) if is_not_found(&e) => return Ok(mappings),
                Err(e) => {
                    return Err(call_error(
                        format!("list event source mappings of {function}"),
                        e,
                    ));
                }
            };
            for m in out.event_source_mappings() {
                let to_u32 = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
                mappings.push(ObservedMapping {
                    uuid: m.uuid().unwrap_or_default().to_owned(),
                    source_arn: m.event_source_arn().unwrap_or_default().to_owned(),
                    batch_size: to_u32(m.batch_size()),
                    maximum_batching_window_in_seconds: to_u32(
                        m.maximum_batching_window_in_seconds(),
                    ),
                    maximum_concurrency: to_u32(
                        m.scaling_config().and_then(|s| s.maximum_concurrency()),
                    ),
                    function_response_types: m
                        .function_response_types()
                        .iter()
                        .map(|t| t.as_str().to_owned())
                        .collect(),
                    starting_position: m.starting_position().map(|p| p.as_str().to_owned()),
                    starting_position_timestamp: m.starting_position_timestamp().map(|t| t.secs()),
                });
            }
            marker = out.next_marker().map(str::to_owned);
            if marker.is_none() {
                return Ok(mappings);
            }
        }
    }

    async fn observe_apis(&self, targets: &Targets, o: &mut Observed) -> Result<(), AwsError> {
        if targets.rest_api_ids.is_empty()
            && targets.http_api_ids.is_empty()
            && targets.api_names.is_empty()
        {
            return Ok(());
        }
        let rest = self
            .apigateway
            .get_rest_apis()
            .limit(500)
            .send()
            .await
            .map_err(|e| call_error("list REST APIs", e))?;
        for api in rest.items() {
            let (Some(id), Some(name)) = (api.id(), api.name()) else {
                continue;
            };
            if targets.rest_api_ids.contains(id) || targets.api_names.contains(name) {
                o.rest_apis.insert(
                    id.to_owned(),
                    ObservedApi {
                        id: id.to_owned(),
                        name: name.to_owned(),
                    },
                );
            }
        }
        let http = self
            .apigatewayv2
            .get_apis()
            .max_results("500")
            .send()
            .await
            .map_err(|e| call_error("list HTTP APIs", e))?;
        for api in http.items() {
            let (Some(id), Some(name)) = (api.api_id(), api.name()) else {
                continue;
            };
            if targets.http_api_ids.contains(id) || targets.api_names.contains(name) {
                o.http_apis.insert(
                    id.to_owned(),
                    ObservedApi {
                        id: id.to_owned(),
                        name: name.to_owned(),
                    },
                );
            }
        }
        Ok(())
    }

    /// The Lambda entries of a bucket's notification configuration; `None` if the bucket
    /// does not exist.
    pub async fn lambda_notifications(
        &self,
        bucket: &str,
    ) -> Result<Option<Vec<LambdaNotification>>, AwsError> {
        let out = match self.get_notifications(bucket).await {
            Ok(out) => out,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => {
                return Err(call_error(
                    format!("read the notifications of bucket {bucket}"),
                    e,
                ));
            }
        };
        Ok(Some(
            out.lambda_function_configurations()
                .iter()
                .map(crate::s3::to_observed)
                .collect(),
        ))
    }

    async fn observe_subscriptions(
        &self,
        topic: &str,
    ) -> Result<Option<Vec<ObservedSubscription>>, AwsError> {
        let mut subs = Vec::new();
        let mut token = None;
        loop {
            let out = match self
                .sns_for(topic)
                .list_subscriptions_by_topic()
                .topic_arn(topic)
                .set_next_token(token)
                .send()
                .await
            {
                Ok(out) => out,
                Err(e) if is_not_found(&e) => return Ok(None),
                Err(e) => return Err(call_error(format!("list subscriptions of {topic}"), e)),
            };
            subs.extend(out.subscriptions().iter().map(|s| ObservedSubscription {
                arn: s.subscription_arn().unwrap_or_default().to_owned(),
                protocol: s.protocol().unwrap_or_default().to_owned(),
                endpoint: s.endpoint().unwrap_or_default().to_owned(),
            }));
            token = out.next_token().map(str::to_owned);
            if token.is_none() {
                return Ok(Some(subs));
            }
        }
    }

    async fn observe_rule(
        &self,
        name: &str,
        bus: Option<&str>,
    ) -> Result<Option<ObservedRule>, AwsError> {
        let out = match self
            .events
            .describe_rule()
            .name(name)
            .set_event_bus_name(bus.map(str::to_owned))
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(call_error(format!("read rule {name}"), e)),
        };
        let targets = self
            .events
            .list_targets_by_rule()
            .rule(name)
            .set_event_bus_name(bus.map(str::to_owned))
            .send()
            .await
            .map_err(|e| call_error(format!("list targets of rule {name}"), e))?;
        Ok(Some(ObservedRule {
            schedule_expression: out.schedule_expression().map(str::to_owned),
            event_pattern: out
                .event_pattern()
                .and_then(|p| serde_json::from_str(p).ok()),
            description: out
                .description()
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            targets: targets
                .targets()
                .iter()
                .map(|t| (t.id().to_owned(), t.arn().to_owned()))
                .collect(),
        }))
    }
}

/// IAM returns policy documents URL-encoded (some emulators do not): decode, then parse.
fn decode_policy(doc: &str) -> Option<serde_json::Value> {
    serde_json::from_str(doc).ok().or_else(|| {
        let decoded = percent_encoding::percent_decode_str(doc)
            .decode_utf8()
            .ok()?;
        serde_json::from_str(&decoded).ok()
    })
}
