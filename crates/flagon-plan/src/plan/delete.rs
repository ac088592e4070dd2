//! The sweeper: recorded resources the model no longer has are deleted, wiring first and
//! roles last, so nothing is left pointing at something already gone.

use flagon_model::{FunctionRef, ResourceId, RuleRef};

use super::{Action, Change, Ctx};
use crate::state::Record;
use crate::step::Step;

/// Deletion order: what refers to others goes first.
fn rank(id: &ResourceId) -> u8 {
    match id {
        ResourceId::S3Notification(_)
        | ResourceId::SnsSubscription(_)
        | ResourceId::EventSourceMapping(_)
        | ResourceId::EventRule(_) => 0,
        ResourceId::Permission(_) => 1,
        ResourceId::RestApi | ResourceId::HttpApi => 2,
        ResourceId::Function(_) => 3,
        ResourceId::LogGroup(_) => 4,
        ResourceId::Role(_) => 5,
    }
}

pub(crate) fn sweep(ctx: &Ctx<'_>) -> Vec<Change> {
    let mut gone: Vec<(&ResourceId, &Record)> = ctx
        .state
        .resources
        .iter()
        .filter(|(id, _)| ctx.model.is_none_or(|m| m.resource(id).is_none()))
        .collect();
    gone.sort_by_key(|(id, _)| (rank(id), (*id).clone()));
    gone.into_iter()
        .map(|(id, record)| Change {
            id: id.clone(),
            action: Action::Delete,
            steps: vec![delete_step(id, record)],
        })
        .collect()
}

fn key(id: &ResourceId) -> FunctionRef {
    FunctionRef(id.key())
}

fn delete_step(id: &ResourceId, record: &Record) -> Step {
    match record {
        Record::Role {
            role_name,
            policy_name,
        } => Step::DeleteRole {
            id: flagon_model::RoleRef(id.key()),
            role_name: role_name.clone(),
            policy_name: policy_name.clone(),
        },
        Record::LogGroup { log_group_name } => Step::ForgetLogGroup {
            function: key(id),
            log_group_name: log_group_name.clone(),
        },
        Record::Function { function_name } => Step::DeleteFunction {
            id: key(id),
            function_name: function_name.clone(),
        },
        Record::RestApi { api_id, .. } => Step::DeleteRestApi {
            api_id: api_id.clone(),
        },
        Record::HttpApi { api_id, .. } => Step::DeleteHttpApi {
            api_id: api_id.clone(),
        },
        Record::Permission {
            function_name,
            statement_id,
        } => Step::RemovePermission {
            function: key(id),
            function_name: function_name.clone(),
            statement_id: statement_id.clone(),
        },
        Record::S3Notification {
            bucket,
            notification_id,
        } => Step::RemoveS3Notification {
            function: key(id),
            bucket: bucket.clone(),
            notification_id: notification_id.clone(),
        },
        Record::SnsSubscription {
            subscription_arn, ..
        } => Step::Unsubscribe {
            function: key(id),
            subscription_arn: subscription_arn.clone(),
        },
        Record::EventSourceMapping { uuid, .. } => Step::DeleteEventSourceMapping {
            function: key(id),
            uuid: uuid.clone(),
        },
        Record::EventRule {
            rule_name,
            event_bus,
            target_id,
        } => {
            let RuleRef(function) = RuleRef(key(id));
            Step::DeleteRule {
                function,
                rule_name: rule_name.clone(),
                event_bus: event_bus.clone(),
                target_id: target_id.clone(),
            }
        }
    }
}
