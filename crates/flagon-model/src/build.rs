//! [`Model::build`]: the manifest and the configuration, for one stage, become resources.

use std::collections::BTreeMap;

use flagon_config::{Config, FunctionSettings, Iam, Overrides, StageSettings};
use flagon_manifest::{Manifest, Trigger};

use crate::error::ModelError;
use crate::function::{Function, LogGroup, RUNTIME, Role, RoleBinding};
use crate::naming;
use crate::policy::{assume_role_policy, policy_document};
use crate::refs::{FunctionRef, NameOrArn, ResourceId, RoleRef};
use crate::triggers::{
    EventRule, EventSource, EventSourceMapping, Permission, S3Notification, SnsSubscription,
    TriggerKind,
};
use crate::wiring::{add_trigger, api_resource};
use crate::{Model, Resource};

/// The key of the stage-wide role.
pub(crate) const DEFAULT_ROLE: &str = "default";

/// Resources collected by kind, then emitted in dependency order.
#[derive(Default)]
pub(crate) struct Parts {
    pub(crate) roles: Vec<Role>,
    pub(crate) log_groups: Vec<LogGroup>,
    pub(crate) functions: Vec<Function>,
    pub(crate) api: Option<Resource>,
    pub(crate) rules: Vec<EventRule>,
    pub(crate) permissions: Vec<Permission>,
    pub(crate) notifications: Vec<S3Notification>,
    pub(crate) subscriptions: Vec<SnsSubscription>,
    pub(crate) mappings: Vec<EventSourceMapping>,
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
            let role = role_binding(&settings.iam, &stage_settings.iam, &f.name)?;
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
fn role_binding(function: &Iam, stage: &Iam, name: &str) -> Result<RoleBinding, ModelError> {
    Ok(match function {
        Iam::RoleArn(arn) => RoleBinding::Existing(arn.clone()),
        iam if iam == stage => RoleBinding::Managed(RoleRef(DEFAULT_ROLE.to_owned())),
        // A function's own role is keyed by its name, so `default` would share the stage's.
        Iam::Managed | Iam::PolicyFile(_) if name == DEFAULT_ROLE => {
            return Err(ModelError::InvalidName {
                what: "name of a function with its own role (`default` keys the stage's role)",
                name: name.to_owned(),
            });
        }
        Iam::Managed | Iam::PolicyFile(_) => RoleBinding::Managed(RoleRef(name.to_owned())),
    })
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
