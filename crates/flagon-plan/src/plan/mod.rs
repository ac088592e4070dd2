//! The planner: a pure function of (model, recorded state, observed AWS).
//!
//! Each model resource is compared with what AWS has (not with what the state says: a
//! resource deleted by hand is recreated, a drifted setting is put back). The state tells
//! what Flagon owns: recorded resources the model no longer has are swept, and a resource the
//! state lacks but AWS has (a deploy cut off between AWS's answer and the state write) is
//! adopted with a [`Step::Record`] instead of being created twice.
//!
//! Order: creations and updates in the model's dependency order, then deletions in reverse
//! dependency order (wiring, permissions, APIs, functions, log groups, roles). A replaced
//! piece of wiring (another bucket, queue or topic) is removed before its successor is put.

mod api;
mod compute;
mod delete;
mod wiring;

use flagon_model::{Model, Resource, ResourceId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::observed::Observed;
use crate::state::{Record, State};
use crate::step::Step;

/// A model that cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The caller did not attach a package to a function.
    #[error("plan function {0}: no package attached (build the app first)")]
    NoCode(String),
    /// A function refers to a role the model lacks.
    #[error("plan function {function}: its role {role} is not in the model")]
    MissingRole {
        /// The function.
        function: String,
        /// The role key.
        role: String,
    },
    /// A permission or wiring refers to a function the model lacks.
    #[error("plan {0}: the function it refers to is not in the model")]
    MissingFunction(ResourceId),
}

/// What the executor will do, grouped by resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The app.
    pub app: String,
    /// The stage.
    pub stage: String,
    /// One entry per resource that changes, in execution order.
    pub changes: Vec<Change>,
}

/// The change of one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The resource.
    pub id: ResourceId,
    /// What happens to it.
    pub action: Action,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// What happens to a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// It is created.
    Create,
    /// It is changed in place.
    Update {
        /// The attributes that change.
        changed: Vec<String>,
    },
    /// The old one is removed and a new one put.
    Replace {
        /// The attributes whose change forces it.
        changed: Vec<String>,
    },
    /// It is deleted.
    Delete,
    /// It exists and is right, only the state lacked it: recorded, no call to AWS.
    Adopt,
}

impl Plan {
    /// Every step, in execution order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.changes.iter().flat_map(|c| c.steps.iter())
    }

    /// Whether the plan changes nothing in AWS (adopting may still write the state).
    pub fn is_noop(&self) -> bool {
        self.steps().all(|s| matches!(s, Step::Record { .. }))
    }

    /// Machine-readable form (`cargo flagon plan --json`).
    pub fn to_json(&self) -> String {
        // Plain data: serialising cannot fail.
        serde_json::to_string_pretty(self).expect("a plan serialises")
    }
}

/// Plans a deploy of `model` over what `state` records and `observed` saw.
pub fn plan(model: &Model, state: &State, observed: &Observed) -> Result<Plan, PlanError> {
    let mut ctx = Ctx {
        model: Some(model),
        state,
        observed,
        api_created: false,
    };
    let mut changes = Vec::new();
    for resource in &model.resources {
        if let Some(change) = ctx.resource(resource)? {
            changes.push(change);
        }
    }
    changes.extend(delete::sweep(&ctx));
    Ok(Plan {
        app: model.app.clone(),
        stage: model.stage.clone(),
        changes,
    })
}

/// Plans the removal of everything `state` records (`cargo flagon delete`).
pub fn plan_delete(state: &State, observed: &Observed) -> Plan {
    let ctx = Ctx {
        model: None,
        state,
        observed,
        api_created: false,
    };
    Plan {
        app: state.app.clone(),
        stage: state.stage.clone(),
        changes: delete::sweep(&ctx),
    }
}

/// A short, stable hash of a definition (hex, 16 digits), recorded to tell whether an API
/// must be re-imported.
pub fn definition_hash(value: &impl Serialize) -> String {
    // Plain data: serialising cannot fail.
    let bytes = serde_json::to_vec(value).expect("a definition serialises");
    let digest = Sha256::digest(&bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub(crate) struct Ctx<'a> {
    pub(crate) model: Option<&'a Model>,
    pub(crate) state: &'a State,
    pub(crate) observed: &'a Observed,
    /// Set when this plan creates (not adopts) the API: its permission must be re-added
    /// even if a statement of the same id exists, since it names the old API.
    pub(crate) api_created: bool,
}

impl Ctx<'_> {
    fn resource(&mut self, resource: &Resource) -> Result<Option<Change>, PlanError> {
        let id = resource.id();
        let change = match resource {
            Resource::Role(r) => Some(self.role(r)),
            Resource::LogGroup(l) => Some(self.log_group(l)),
            Resource::Function(f) => Some(self.function(f)?),
            Resource::RestApi(a) => Some(self.api(a)?),
            Resource::HttpApi(a) => Some(self.api(a)?),
            Resource::Permission(p) => Some(self.permission(p)?),
            Resource::S3Notification(n) => Some(self.s3_notification(n)?),
            Resource::SnsSubscription(s) => Some(self.sns_subscription(s)?),
            Resource::EventSourceMapping(m) => Some(self.event_source_mapping(m)?),
            Resource::EventRule(r) => Some(self.event_rule(r)?),
        };
        Ok(change
            .flatten()
            .map(|(action, steps)| Change { id, action, steps }))
    }

    pub(crate) fn recorded(&self, id: &ResourceId) -> Option<&Record> {
        self.state.resources.get(id)
    }

    /// `Adopt` when the state lacks (or has another) `record` for `id`, nothing otherwise.
    pub(crate) fn adopt(&self, id: &ResourceId, record: Record) -> Option<(Action, Vec<Step>)> {
        if self.recorded(id) == Some(&record) {
            None
        } else {
            Some((
                Action::Adopt,
                vec![Step::Record {
                    id: id.clone(),
                    record,
                }],
            ))
        }
    }

    pub(crate) fn function_name(&self, f: &flagon_model::FunctionRef) -> Result<&str, PlanError> {
        self.model
            .and_then(|m| m.function(f))
            .map(|f| f.function_name.as_str())
            .ok_or_else(|| PlanError::MissingFunction(ResourceId::Function(f.clone())))
    }
}

/// The result of planning one resource: `None` when nothing changes.
pub(crate) type Planned = Option<(Action, Vec<Step>)>;
