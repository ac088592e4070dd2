//! The resource model: a Flagon app's manifest and its Flagon.toml, for one stage, as one
//! typed graph of AWS resources.
//!
//! The model is the only input of every backend (the SAM/CloudFormation and Terraform
//! renderers, the deploy planner, the local emulator). Everything a backend needs is in it,
//! already resolved with the configuration's precedence, and nothing in it needs AWS to be
//! computed: names that need an account or a region (an SQS queue called `jobs`) stay
//! [`NameOrArn`] for each backend to resolve.
//!
//! A backend handles every resource with one exhaustive `match` on [`Resource`]: a new kind
//! of resource does not compile until every backend handles it. Resources refer to each
//! other through typed references ([`FunctionRef`], [`RoleRef`], [`RuleRef`]), and
//! [`Model::resources`] lists them so that each comes after everything it depends on
//! ([`Resource::depends_on`]).
//!
//! # Names
//!
//! Deterministic, and checked against AWS's limits by [`Model::build`]:
//!
//! | resource | name |
//! |---|---|
//! | Lambda function | `<app>-<stage>-<function>` (64 characters at most) |
//! | stage-wide role and its inline policy | `<app>-<stage>` (64 at most) |
//! | role of a function with its own policy file | `<app>-<stage>-<function>` |
//! | log group | `/aws/lambda/<function name>` |
//! | REST or HTTP API | `<app>-<stage>` |
//! | EventBridge rule | `<app>-<stage>-<function>` (64 at most) |
//! | EventBridge target id | `flagon-<function>` |
//! | permission statement id | `flagon-<principal>-<8 hex digits of the source's SHA-256>` |
//! | S3 notification id | the Lambda function name |
//!
//! # Example
//!
//! ```
//! use flagon_config::{Config, Overrides};
//! use flagon_manifest::{Function, Manifest, Trigger};
//! use flagon_model::{FunctionRef, Model, Resource};
//!
//! let manifest = Manifest::new(
//!     "helloworld",
//!     vec![Function::new(
//!         "on_job",
//!         Trigger::Sqs {
//!             queue: "jobs".into(),
//!             batch_size: 10,
//!             maximum_batching_window_in_seconds: None,
//!             maximum_concurrency: None,
//!         },
//!     )],
//!     None,
//! );
//! let config = Config::parse("Flagon.toml", "memory = 256\n").unwrap();
//! let model = Model::build(&manifest, &config, "dev", &Overrides::default()).unwrap();
//! let function = model.function(&FunctionRef("on_job".into())).unwrap();
//! assert_eq!(function.function_name, "helloworld-dev-on_job");
//! assert_eq!(function.memory, 256);
//! assert!(model.resources.iter().any(|r| matches!(r, Resource::EventSourceMapping(_))));
//! ```

mod api;
mod build;
mod error;
mod function;
mod naming;
mod policy;
mod refs;
mod triggers;
mod wiring;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use api::{ApiRoute, HttpApi, RestApi};
pub use error::ModelError;
pub use flagon_config::{Architecture, EndpointType, Vpc};
pub use flagon_manifest::{Cors, StartingPosition};
pub use function::{Code, Function, LogGroup, RUNTIME, Role, RoleBinding};
pub use naming::{MAX_FUNCTION_NAME, MAX_ROLE_NAME, MAX_RULE_NAME};
pub use policy::{assume_role_policy, policy_document};
pub use refs::{FunctionRef, NameOrArn, ResourceId, RoleRef, RuleRef, camel_case};
pub use triggers::{
    EventRule, EventSource, EventSourceMapping, Permission, PermissionSource, Principal,
    REPORT_BATCH_ITEM_FAILURES, RuleTrigger, S3Notification, SnsSubscription, TriggerKind,
};

/// The resources of one app in one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The app name (Flagon.toml's `app`, or the manifest's).
    pub app: String,
    /// The stage.
    pub stage: String,
    /// Every resource, each after the resources it depends on.
    pub resources: Vec<Resource>,
}

/// One AWS resource (or one piece of wiring) of the model. Match on it exhaustively.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resource {
    /// An IAM role with its inline policy.
    Role(Role),
    /// A log group with a retention.
    LogGroup(LogGroup),
    /// A Lambda function.
    Function(Function),
    /// The REST API.
    RestApi(RestApi),
    /// The HTTP API.
    HttpApi(HttpApi),
    /// A Lambda permission.
    Permission(Permission),
    /// An S3 bucket notification.
    S3Notification(S3Notification),
    /// An SNS subscription.
    SnsSubscription(SnsSubscription),
    /// An event source mapping.
    EventSourceMapping(EventSourceMapping),
    /// An EventBridge rule and its target.
    EventRule(EventRule),
}

impl Resource {
    /// The resource's identity.
    pub fn id(&self) -> ResourceId {
        match self {
            Resource::Role(r) => ResourceId::Role(r.id.clone()),
            Resource::LogGroup(l) => ResourceId::LogGroup(l.function.clone()),
            Resource::Function(f) => ResourceId::Function(f.id.clone()),
            Resource::RestApi(_) => ResourceId::RestApi,
            Resource::HttpApi(_) => ResourceId::HttpApi,
            Resource::Permission(p) => ResourceId::Permission(p.function.clone()),
            Resource::S3Notification(n) => ResourceId::S3Notification(n.function.clone()),
            Resource::SnsSubscription(s) => ResourceId::SnsSubscription(s.function.clone()),
            Resource::EventSourceMapping(m) => ResourceId::EventSourceMapping(m.function.clone()),
            Resource::EventRule(r) => ResourceId::EventRule(r.id.clone()),
        }
    }

    /// The resources that must exist before this one.
    pub fn depends_on(&self) -> Vec<ResourceId> {
        match self {
            Resource::Role(_) | Resource::LogGroup(_) => Vec::new(),
            Resource::Function(f) => {
                let mut deps = Vec::new();
                if let RoleBinding::Managed(role) = &f.role {
                    deps.push(ResourceId::Role(role.clone()));
                }
                if let Some(group) = &f.log_group {
                    deps.push(ResourceId::LogGroup(group.clone()));
                }
                deps
            }
            Resource::RestApi(a) => vec![ResourceId::Function(a.function.clone())],
            Resource::HttpApi(a) => vec![ResourceId::Function(a.function.clone())],
            Resource::Permission(p) => {
                let mut deps = vec![ResourceId::Function(p.function.clone())];
                match &p.source {
                    PermissionSource::RestApi => deps.push(ResourceId::RestApi),
                    PermissionSource::HttpApi => deps.push(ResourceId::HttpApi),
                    PermissionSource::Rule(rule) => deps.push(ResourceId::EventRule(rule.clone())),
                    PermissionSource::Bucket(_) | PermissionSource::Topic(_) => {}
                }
                deps
            }
            // S3 checks that it may invoke the function when the notification is put, and SNS
            // delivers only once the permission exists: both come after their permission.
            Resource::S3Notification(n) => vec![
                ResourceId::Function(n.function.clone()),
                ResourceId::Permission(n.function.clone()),
            ],
            Resource::SnsSubscription(s) => vec![
                ResourceId::Function(s.function.clone()),
                ResourceId::Permission(s.function.clone()),
            ],
            Resource::EventSourceMapping(m) => vec![ResourceId::Function(m.function.clone())],
            Resource::EventRule(r) => vec![ResourceId::Function(r.target.clone())],
        }
    }
}

impl Model {
    /// The function with this name.
    pub fn function(&self, id: &FunctionRef) -> Option<&Function> {
        self.functions().find(|f| &f.id == id)
    }

    /// Every function, in order.
    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        self.resources.iter().filter_map(|r| match r {
            Resource::Function(f) => Some(f),
            _ => None,
        })
    }

    /// The role with this key.
    pub fn role(&self, id: &RoleRef) -> Option<&Role> {
        self.resources.iter().find_map(|r| match r {
            Resource::Role(role) if &role.id == id => Some(role),
            _ => None,
        })
    }

    /// The resource with this id.
    pub fn resource(&self, id: &ResourceId) -> Option<&Resource> {
        self.resources.iter().find(|r| &r.id() == id)
    }

    /// The architectures the app must be built for: one zip each.
    pub fn architectures(&self) -> BTreeSet<Architecture> {
        self.functions().map(|f| f.architecture).collect()
    }

    /// Sets the package of every function of `architecture`.
    pub fn attach_code(&mut self, architecture: Architecture, code: &Code) {
        for resource in &mut self.resources {
            if let Resource::Function(f) = resource
                && f.architecture == architecture
            {
                f.code = Some(code.clone());
            }
        }
    }
}
