//! [`Model::build`]: the manifest and the configuration, for one stage, become resources.

use std::collections::BTreeMap;

use flagon_config::{ApiType, Config, FunctionSettings, Iam, Overrides, StageSettings};
use flagon_manifest::schedule::ScheduleExpression;
use flagon_manifest::{Manifest, StartingPosition, Trigger};

use crate::api::{ApiRoute, HttpApi, RestApi};
use crate::error::ModelError;
use crate::function::{Function, LogGroup, RUNTIME, Role, RoleBinding};
use crate::naming;
use crate::policy::{assume_role_policy, policy_document};
use crate::refs::{FunctionRef, NameOrArn, ResourceId, RoleRef, RuleRef};
use crate::triggers::{
    EventRule, EventSource, EventSourceMapping, Permission, PermissionSource, Principal,
    REPORT_BATCH_ITEM_FAILURES, RuleTrigger, S3Notification, SnsSubscription, TriggerKind,
};
use crate::{Model, Resource};

/// The key of the stage-wide role.
pub(crate) const DEFAULT_ROLE: &str = "default";

/// Resources collected by kind, then emitted in dependency order.
#[derive(Default)]
struct Parts {
    roles: Vec<Role>,
    log_groups: Vec<LogGroup>,
    functions: Vec<Function>,
    api: Option<Resource>,
    rules: Vec<EventRule>,
    permissions: Vec<Permission>,
    notifications: Vec<S3Notification>,
    subscriptions: Vec<SnsSubscription>,
    mappings: Vec<EventSourceMapping>,
}

/// A function's resolved settings and where its role comes from.
struct Planned<'m> {
    manifest: &'m flagon_manifest::Function,
    settings: FunctionSettings,
    role: RoleBinding,
}

impl Model {
    /// Builds the model of `stage`: the configuration resolved for every function of the
    /// manifest (with `overrides` from the command line on top), the roles and their
    /// policies, the API, and the wiring of every trigger.
    ///
    /// The API function becomes a Lambda function only when the manifest has routes; every
    /// other manifest function is its own Lambda function.
    pub fn build(
        manifest: &Manifest,
        config: &Config,
        stage: &str,
        overrides: &Overrides,
    ) -> Result<Model, ModelError> {
        config.validate_functions(manifest)?;
        let app = config.app().unwrap_or(&manifest.app).to_owned();
        naming::check_part("app name", &app)?;
        naming::check_part("stage name", stage)?;
        let stage_settings = config.stage_settings(stage, overrides)?;
        let api = api_with_routes(manifest)?;

        let mut logical_ids: BTreeMap<String, String> = BTreeMap::new();
        let mut planned = Vec::new();
        for f in &manifest.functions {
            if matches!(f.trigger, Trigger::Api) && api.is_none_or(|a| a.function != f.name) {
                continue;
            }
            naming::check_part("function name", &f.name)?;
            let logical = ResourceId::Function(FunctionRef(f.name.clone())).logical_id();
            if let Some(first) = logical_ids.insert(logical.clone(), f.name.clone()) {
                return Err(ModelError::LogicalIdCollision {
                    first,
                    second: f.name.clone(),
                    logical_id: logical,
                });
            }
            let settings = config.resolve(stage, &f.name, overrides)?;
            let role = role_binding(&settings.iam, &stage_settings.iam, &f.name);
            planned.push(Planned {
                manifest: f,
                settings,
                role,
            });
        }

        let mut parts = Parts {
            roles: roles(config, &app, stage, &stage_settings, &planned)?,
            ..Parts::default()
        };
        for p in &planned {
            add_function(&mut parts, &app, stage, p)?;
        }
        if let Some(api) = api {
            parts.api = Some(api_resource(&app, stage, &stage_settings, api, &mut parts)?);
        }
        Ok(Model {
            app,
            stage: stage.to_owned(),
            resources: parts.into_resources(),
        })
    }
}

impl Parts {
    fn into_resources(self) -> Vec<Resource> {
        let mut out = Vec::new();
        out.extend(self.roles.into_iter().map(Resource::Role));
        out.extend(self.log_groups.into_iter().map(Resource::LogGroup));
        out.extend(self.functions.into_iter().map(Resource::Function));
        out.extend(self.api);
        out.extend(self.rules.into_iter().map(Resource::EventRule));
        out.extend(self.permissions.into_iter().map(Resource::Permission));
        out.extend(self.notifications.into_iter().map(Resource::S3Notification));
        out.extend(
            self.subscriptions
                .into_iter()
                .map(Resource::SnsSubscription),
        );
        out.extend(self.mappings.into_iter().map(Resource::EventSourceMapping));
        out
    }
}

/// The manifest's API, if it has routes, after checking that its function exists and is
/// declared with the `api` trigger.
fn api_with_routes(manifest: &Manifest) -> Result<Option<&flagon_manifest::Api>, ModelError> {
    let Some(api) = manifest.api.as_ref().filter(|a| !a.routes.is_empty()) else {
        return Ok(None);
    };
    match manifest.function(&api.function) {
        None => Err(ModelError::ApiFunction {
            function: api.function.clone(),
            problem: "the manifest declares no function of that name".to_owned(),
        }),
        Some(f) if !matches!(f.trigger, Trigger::Api) => Err(ModelError::ApiFunction {
            function: api.function.clone(),
            problem: format!(
                "that function has the `{}` trigger, not `api`",
                f.trigger.kind()
            ),
        }),
        Some(_) => Ok(Some(api)),
    }
}

/// A function shares the stage-wide role when its IAM setting is the stage's; an existing
/// role is used as is; a different policy file gets the function its own role.
fn role_binding(function: &Iam, stage: &Iam, name: &str) -> RoleBinding {
    match function {
        Iam::RoleArn(arn) => RoleBinding::Existing(arn.clone()),
        iam if iam == stage => RoleBinding::Managed(RoleRef(DEFAULT_ROLE.to_owned())),
        Iam::Managed | Iam::PolicyFile(_) => RoleBinding::Managed(RoleRef(name.to_owned())),
    }
}

fn roles(
    config: &Config,
    app: &str,
    stage: &str,
    stage_settings: &StageSettings,
    planned: &[Planned<'_>],
) -> Result<Vec<Role>, ModelError> {
    let mut keys: Vec<RoleRef> = Vec::new();
    for p in planned {
        if let RoleBinding::Managed(key) = &p.role
            && !keys.contains(key)
        {
            keys.push(key.clone());
        }
    }
    let mut roles = Vec::new();
    for key in keys {
        let users: Vec<&Planned<'_>> = planned
            .iter()
            .filter(|p| p.role == RoleBinding::Managed(key.clone()))
            .collect();
        let Some(first) = users.first() else { continue };
        let extra =
            match &first.settings.iam {
                Iam::PolicyFile(path) => Some(config.policy_document(path).ok_or_else(|| {
                    ModelError::PolicyNotLoaded {
                        path: path.display().to_string(),
                    }
                })?),
                Iam::Managed | Iam::RoleArn(_) => None,
            };
        let sources: Vec<EventSource> = users
            .iter()
            .filter_map(|p| event_source(&p.manifest.trigger))
            .collect();
        let source_refs: Vec<&EventSource> = sources.iter().collect();
        let xray = users.iter().any(|p| p.settings.xray);
        let vpc = users.iter().any(|p| p.settings.vpc.is_some());
        let base = naming::stage_prefix(app, stage);
        let name = naming::role_name(if key.0 == DEFAULT_ROLE {
            base
        } else {
            format!("{base}-{}", key.0)
        })?;
        roles.push(Role {
            id: key,
            policy_name: name.clone(),
            role_name: name,
            assume_role_policy: assume_role_policy(),
            policy: policy_document(&source_refs, xray, vpc, extra),
            tags: stage_settings.tags.clone(),
        });
    }
    Ok(roles)
}

fn event_source(trigger: &Trigger) -> Option<EventSource> {
    match trigger {
        Trigger::Sqs { queue, .. } => Some(EventSource::Sqs {
            queue: NameOrArn::parse(queue),
        }),
        Trigger::Kinesis { stream, .. } => Some(EventSource::Kinesis {
            stream: NameOrArn::parse(stream),
        }),
        Trigger::Dynamodb { stream_arn, .. } => Some(EventSource::Dynamodb {
            stream_arn: stream_arn.clone(),
        }),
        Trigger::Api
        | Trigger::Invoke
        | Trigger::S3 { .. }
        | Trigger::Sns { .. }
        | Trigger::EventPattern { .. }
        | Trigger::Schedule { .. } => None,
    }
}

fn trigger_kind(trigger: &Trigger) -> TriggerKind {
    match trigger {
        Trigger::Api => TriggerKind::Api,
        Trigger::Invoke => TriggerKind::Invoke,
        Trigger::S3 { .. } => TriggerKind::S3,
        Trigger::Sns { .. } => TriggerKind::Sns,
        Trigger::Sqs { .. } => TriggerKind::Sqs,
        Trigger::EventPattern { .. } => TriggerKind::EventPattern,
        Trigger::Schedule { .. } => TriggerKind::Schedule,
        Trigger::Kinesis { .. } => TriggerKind::Kinesis,
        Trigger::Dynamodb { .. } => TriggerKind::Dynamodb,
    }
}

fn add_function(
    parts: &mut Parts,
    app: &str,
    stage: &str,
    p: &Planned<'_>,
) -> Result<(), ModelError> {
    let f = p.manifest;
    let id = FunctionRef(f.name.clone());
    let function_name = naming::function_name(app, stage, &f.name)?;
    let log_group = p
        .settings
        .log_retention_days
        .map(|retention_days| LogGroup {
            function: id.clone(),
            log_group_name: naming::log_group_name(&function_name),
            retention_days,
        });
    let s = p.settings.clone();
    parts.functions.push(Function {
        id: id.clone(),
        function_name: function_name.clone(),
        handler: f.handler.clone(),
        runtime: RUNTIME.to_owned(),
        memory: s.memory,
        timeout: s.timeout,
        environment: s.environment,
        tags: s.tags,
        layers: s.layers,
        architecture: s.architecture,
        reserved_concurrency: s.reserved_concurrency,
        vpc: s.vpc,
        xray: s.xray,
        role: p.role.clone(),
        log_group: log_group.as_ref().map(|_| id.clone()),
        trigger: trigger_kind(&f.trigger),
        code: None,
    });
    parts.log_groups.extend(log_group);
    add_trigger(parts, app, stage, &id, &function_name, &f.trigger)
}

fn permission(
    function: &FunctionRef,
    principal: Principal,
    source: PermissionSource,
) -> Permission {
    let (short, key) = match &source {
        PermissionSource::RestApi => ("apigateway", "rest_api".to_owned()),
        PermissionSource::HttpApi => ("apigateway", "http_api".to_owned()),
        PermissionSource::Bucket(b) => ("s3", b.clone()),
        PermissionSource::Topic(t) => ("sns", t.as_str().to_owned()),
        PermissionSource::Rule(r) => ("events", (r.0).0.clone()),
    };
    Permission {
        function: function.clone(),
        statement_id: naming::statement_id(short, &key),
        principal,
        source,
    }
}

/// The wiring of one function's trigger: permission, notification, subscription, mapping
/// or rule. The API's own wiring is [`api_resource`] plus the permission added here.
fn add_trigger(
    parts: &mut Parts,
    app: &str,
    stage: &str,
    id: &FunctionRef,
    function_name: &str,
    trigger: &Trigger,
) -> Result<(), ModelError> {
    let invalid = |problem: String| ModelError::InvalidTrigger {
        function: id.0.clone(),
        problem,
    };
    match trigger {
        Trigger::Invoke => {}
        Trigger::Api => {
            // Only reached for the API function of an API with routes (see `build`); the
            // API type decides which API the permission names, fixed in `api_resource`.
            parts.permissions.push(permission(
                id,
                Principal::ApiGateway,
                PermissionSource::RestApi,
            ));
        }
        Trigger::S3 {
            bucket,
            events,
            prefix,
            suffix,
        } => {
            if events.is_empty() {
                return Err(invalid(
                    "an S3 trigger needs at least one event type".to_owned(),
                ));
            }
            if let Some(event) = events.iter().find(|e| !e.starts_with("s3:")) {
                return Err(invalid(format!(
                    "S3 event types look like `s3:ObjectCreated:*`, found `{event}`"
                )));
            }
            parts.permissions.push(permission(
                id,
                Principal::S3,
                PermissionSource::Bucket(bucket.clone()),
            ));
            parts.notifications.push(S3Notification {
                function: id.clone(),
                bucket: bucket.clone(),
                events: events.clone(),
                prefix: prefix.clone(),
                suffix: suffix.clone(),
                notification_id: function_name.to_owned(),
            });
        }
        Trigger::Sns { topic } => {
            let topic = NameOrArn::parse(topic);
            parts.permissions.push(permission(
                id,
                Principal::Sns,
                PermissionSource::Topic(topic.clone()),
            ));
            parts.subscriptions.push(SnsSubscription {
                function: id.clone(),
                topic,
            });
        }
        Trigger::Sqs {
            queue,
            batch_size,
            maximum_batching_window_in_seconds,
            maximum_concurrency,
        } => {
            check_batch(*batch_size, *maximum_batching_window_in_seconds, true).map_err(invalid)?;
            if let Some(c) = maximum_concurrency
                && !(2..=1000).contains(c)
            {
                return Err(invalid(format!(
                    "maximum_concurrency must be between 2 and 1000, found {c}"
                )));
            }
            parts.mappings.push(EventSourceMapping {
                function: id.clone(),
                source: EventSource::Sqs {
                    queue: NameOrArn::parse(queue),
                },
                batch_size: *batch_size,
                maximum_batching_window_in_seconds: *maximum_batching_window_in_seconds,
                maximum_concurrency: *maximum_concurrency,
                starting_position: None,
                function_response_types: vec![REPORT_BATCH_ITEM_FAILURES.to_owned()],
            });
        }
        Trigger::Kinesis {
            stream,
            batch_size,
            starting_position,
            maximum_batching_window_in_seconds,
        } => {
            check_batch(*batch_size, *maximum_batching_window_in_seconds, false)
                .map_err(invalid)?;
            parts.mappings.push(EventSourceMapping {
                function: id.clone(),
                source: EventSource::Kinesis {
                    stream: NameOrArn::parse(stream),
                },
                batch_size: *batch_size,
                maximum_batching_window_in_seconds: *maximum_batching_window_in_seconds,
                maximum_concurrency: None,
                starting_position: Some(*starting_position),
                function_response_types: vec![REPORT_BATCH_ITEM_FAILURES.to_owned()],
            });
        }
        Trigger::Dynamodb {
            stream_arn,
            batch_size,
            starting_position,
            maximum_batching_window_in_seconds,
        } => {
            check_batch(*batch_size, *maximum_batching_window_in_seconds, false)
                .map_err(invalid)?;
            if *starting_position == StartingPosition::AtTimestamp {
                return Err(invalid(
                    "a DynamoDB stream starts at TRIM_HORIZON or LATEST, not AT_TIMESTAMP"
                        .to_owned(),
                ));
            }
            parts.mappings.push(EventSourceMapping {
                function: id.clone(),
                source: EventSource::Dynamodb {
                    stream_arn: stream_arn.clone(),
                },
                batch_size: *batch_size,
                maximum_batching_window_in_seconds: *maximum_batching_window_in_seconds,
                maximum_concurrency: None,
                starting_position: Some(*starting_position),
                function_response_types: vec![REPORT_BATCH_ITEM_FAILURES.to_owned()],
            });
        }
        Trigger::EventPattern { pattern, event_bus } => {
            if pattern.as_object().is_none_or(|o| o.is_empty()) {
                return Err(invalid(format!(
                    "an event pattern must be a non-empty JSON object, found `{pattern}`"
                )));
            }
            add_rule(
                parts,
                app,
                stage,
                id,
                RuleTrigger::Pattern(pattern.clone()),
                None,
                event_bus.clone(),
            )?;
        }
        Trigger::Schedule {
            expression,
            description,
        } => {
            // moto takes any string; AWS refuses what this refuses.
            ScheduleExpression::parse(expression).map_err(|e| invalid(e.to_string()))?;
            add_rule(
                parts,
                app,
                stage,
                id,
                RuleTrigger::Schedule(expression.clone()),
                description.clone(),
                None,
            )?;
        }
    }
    Ok(())
}

fn add_rule(
    parts: &mut Parts,
    app: &str,
    stage: &str,
    id: &FunctionRef,
    trigger: RuleTrigger,
    description: Option<String>,
    event_bus: Option<String>,
) -> Result<(), ModelError> {
    let rule = RuleRef(id.clone());
    parts.rules.push(EventRule {
        id: rule.clone(),
        rule_name: naming::rule_name(app, stage, &id.0)?,
        description,
        trigger,
        event_bus,
        target: id.clone(),
        target_id: naming::target_id(&id.0),
    });
    parts.permissions.push(permission(
        id,
        Principal::Events,
        PermissionSource::Rule(rule),
    ));
    Ok(())
}

/// Lambda's limits: SQS takes 1 to 10 records, up to 10000 with a batching window of at
/// least one second; streams take 1 to 10000; a window is 0 to 300 seconds.
fn check_batch(batch_size: u32, window: Option<u32>, sqs: bool) -> Result<(), String> {
    if let Some(w) = window
        && w > 300
    {
        return Err(format!(
            "maximum_batching_window_in_seconds must be between 0 and 300, found {w}"
        ));
    }
    if !(1..=10_000).contains(&batch_size) {
        return Err(format!(
            "batch_size must be between 1 and 10000, found {batch_size}"
        ));
    }
    if sqs && batch_size > 10 && window.unwrap_or(0) == 0 {
        return Err(format!(
            "an SQS batch_size above 10 needs maximum_batching_window_in_seconds of at least 1, found batch_size {batch_size}"
        ));
    }
    Ok(())
}

fn api_resource(
    app: &str,
    stage: &str,
    settings: &StageSettings,
    api: &flagon_manifest::Api,
    parts: &mut Parts,
) -> Result<Resource, ModelError> {
    let routes: Vec<ApiRoute> = api
        .routes
        .iter()
        .map(|r| ApiRoute {
            path: r.path.clone(),
            methods: r.methods.clone(),
            cors: r.cors.clone(),
            api_key_required: r.api_key_required,
            content_types: r.content_types.clone(),
            required_query_params: r.required_query_params.clone(),
            authorizer: r.authorizer.clone(),
        })
        .collect();
    let function = FunctionRef(api.function.clone());
    let name = naming::stage_prefix(app, stage);
    Ok(match settings.api_type {
        ApiType::Rest => Resource::RestApi(RestApi {
            name,
            function,
            routes,
            binary_media_types: api.binary_media_types.clone(),
            stage_name: settings.api_stage.clone(),
            endpoint_type: settings.endpoint_type,
            xray: settings.xray,
            tags: settings.tags.clone(),
        }),
        ApiType::Http => {
            if let Some(route) = routes.iter().find(|r| r.api_key_required) {
                return Err(ModelError::HttpApiKey {
                    path: route.path.clone(),
                });
            }
            for p in &mut parts.permissions {
                if p.function == function && p.source == PermissionSource::RestApi {
                    *p = permission(&function, Principal::ApiGateway, PermissionSource::HttpApi);
                }
            }
            Resource::HttpApi(HttpApi {
                name,
                function,
                routes,
                stage_name: HTTP_API_STAGE.to_owned(),
                tags: settings.tags.clone(),
            })
        }
    })
}

/// The stage of every HTTP API: auto-deployed `$default`.
pub(crate) const HTTP_API_STAGE: &str = "$default";
