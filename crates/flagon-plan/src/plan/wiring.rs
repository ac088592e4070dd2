//! Permissions and the wiring of each event source.

use flagon_model::{
    EventRule, EventSource, EventSourceMapping, Permission, PermissionSource, ResourceId,
    S3Notification, SnsSubscription,
};

use super::{Action, Ctx, PlanError, Planned};
use crate::observed::LambdaNotification;
use crate::state::Record;
use crate::step::{MappingSettings, SourceArn, Step};

impl Ctx<'_> {
    pub(crate) fn permission(&self, p: &Permission) -> Result<Planned, PlanError> {
        let id = ResourceId::Permission(p.function.clone());
        let function_name = self.function_name(&p.function)?.to_owned();
        let env = &self.observed.env;
        let source_arn = match &p.source {
            PermissionSource::RestApi => SourceArn::RestApi,
            PermissionSource::HttpApi => SourceArn::HttpApi,
            PermissionSource::Bucket(b) => SourceArn::Arn(env.bucket_arn(b)),
            PermissionSource::Topic(t) => SourceArn::Arn(env.topic_arn(t)),
            PermissionSource::Rule(rule) => {
                let model_rule = self.model.and_then(|m| {
                    m.resources.iter().find_map(|r| match r {
                        flagon_model::Resource::EventRule(er) if &er.id == rule => Some(er),
                        _ => None,
                    })
                });
                let r = model_rule.ok_or_else(|| PlanError::MissingFunction(id.clone()))?;
                SourceArn::Arn(env.rule_arn(&r.rule_name, r.event_bus.as_deref()))
            }
        };
        let api_source = matches!(
            p.source,
            PermissionSource::RestApi | PermissionSource::HttpApi
        );
        let present = self
            .observed
            .functions
            .get(&function_name)
            .is_some_and(|f| f.policy_statement_ids.contains(&p.statement_id));
        let record = Record::Permission {
            function_name: function_name.clone(),
            statement_id: p.statement_id.clone(),
        };
        let mut steps = Vec::new();
        if let Some(
            old @ Record::Permission {
                function_name: old_fn,
                statement_id: old_sid,
            },
        ) = self.recorded(&id)
            && old != &record
        {
            steps.push(Step::RemovePermission {
                function: p.function.clone(),
                function_name: old_fn.clone(),
                statement_id: old_sid.clone(),
            });
        }
        // A new API has a new id: a statement of the same id names the old one.
        let stale_api = api_source && self.api_created && present;
        if stale_api {
            steps.push(Step::RemovePermission {
                function: p.function.clone(),
                function_name: function_name.clone(),
                statement_id: p.statement_id.clone(),
            });
        }
        if present && !stale_api {
            if steps.is_empty() {
                return Ok(self.adopt(&id, record));
            }
            steps.push(Step::Record { id, record });
            return Ok(Some((
                Action::Replace {
                    changed: vec!["source".to_owned()],
                },
                steps,
            )));
        }
        let action = if steps.is_empty() {
            Action::Create
        } else {
            Action::Replace {
                changed: vec!["source".to_owned()],
            }
        };
        steps.push(Step::AddPermission {
            function: p.function.clone(),
            function_name,
            statement_id: p.statement_id.clone(),
            principal: p.principal,
            source_arn,
        });
        Ok(Some((action, steps)))
    }

    pub(crate) fn s3_notification(&self, n: &S3Notification) -> Result<Planned, PlanError> {
        let id = ResourceId::S3Notification(n.function.clone());
        let function_arn = self
            .observed
            .env
            .function_arn(self.function_name(&n.function)?);
        let mut events = n.events.clone();
        events.sort();
        let wanted = LambdaNotification {
            id: n.notification_id.clone(),
            function_arn,
            events,
            prefix: n.prefix.clone(),
            suffix: n.suffix.clone(),
        };
        let record = Record::S3Notification {
            bucket: n.bucket.clone(),
            notification_id: n.notification_id.clone(),
        };
        let mut steps = Vec::new();
        if let Some(Record::S3Notification {
            bucket,
            notification_id,
        }) = self.recorded(&id)
            && (bucket != &n.bucket || notification_id != &n.notification_id)
        {
            steps.push(Step::RemoveS3Notification {
                function: n.function.clone(),
                bucket: bucket.clone(),
                notification_id: notification_id.clone(),
            });
        }
        let current = self
            .observed
            .bucket_notifications
            .get(&n.bucket)
            .and_then(|entries| entries.iter().find(|e| e.id == wanted.id));
        if current == Some(&wanted) && steps.is_empty() {
            return Ok(self.adopt(&id, record));
        }
        let action = match (steps.is_empty(), current) {
            (false, _) => Action::Replace {
                changed: vec!["bucket".to_owned()],
            },
            (true, None) => Action::Create,
            (true, Some(_)) => Action::Update {
                changed: vec!["filter".to_owned()],
            },
        };
        steps.push(Step::PutS3Notification {
            function: n.function.clone(),
            bucket: n.bucket.clone(),
            notification: wanted,
        });
        Ok(Some((action, steps)))
    }

    pub(crate) fn sns_subscription(&self, s: &SnsSubscription) -> Result<Planned, PlanError> {
        let id = ResourceId::SnsSubscription(s.function.clone());
        let env = &self.observed.env;
        let function_arn = env.function_arn(self.function_name(&s.function)?);
        let topic_arn = env.topic_arn(&s.topic);
        let mut steps = Vec::new();
        if let Some(Record::SnsSubscription {
            topic_arn: old_topic,
            subscription_arn,
        }) = self.recorded(&id)
            && old_topic != &topic_arn
        {
            steps.push(Step::Unsubscribe {
                function: s.function.clone(),
                subscription_arn: subscription_arn.clone(),
            });
        }
        let existing = self
            .observed
            .subscriptions
            .get(&topic_arn)
            .and_then(|subs| {
                subs.iter()
                    .find(|sub| sub.protocol == "lambda" && sub.endpoint == function_arn)
            });
        if let Some(sub) = existing
            && steps.is_empty()
        {
            let record = Record::SnsSubscription {
                topic_arn,
                subscription_arn: sub.arn.clone(),
            };
            return Ok(self.adopt(&id, record));
        }
        let action = if steps.is_empty() {
            Action::Create
        } else {
            Action::Replace {
                changed: vec!["topic".to_owned()],
            }
        };
        steps.push(Step::Subscribe {
            function: s.function.clone(),
            topic_arn,
            function_arn,
        });
        Ok(Some((action, steps)))
    }

    pub(crate) fn event_source_mapping(
        &self,
        m: &EventSourceMapping,
    ) -> Result<Planned, PlanError> {
        let id = ResourceId::EventSourceMapping(m.function.clone());
        let function_name = self.function_name(&m.function)?.to_owned();
        let env = &self.observed.env;
        let source_arn = match &m.source {
            EventSource::Sqs { queue } => env.queue_arn(queue),
            EventSource::Kinesis { stream } => env.stream_arn(stream),
            EventSource::Dynamodb { stream_arn } => stream_arn.clone(),
        };
        let settings = MappingSettings {
            batch_size: m.batch_size,
            maximum_batching_window_in_seconds: m.maximum_batching_window_in_seconds,
            maximum_concurrency: m.maximum_concurrency,
            function_response_types: m.function_response_types.clone(),
        };
        let observed = self.observed.event_source_mappings.get(&function_name);
        let mut steps = Vec::new();
        // Every mapping of our function from another source is ours and stale: the one the
        // state records, and any a cut-off deploy created without recording.
        for stale in observed
            .into_iter()
            .flatten()
            .filter(|o| o.source_arn != source_arn)
        {
            steps.push(Step::DeleteEventSourceMapping {
                function: m.function.clone(),
                uuid: stale.uuid.clone(),
            });
        }
        if let Some(Record::EventSourceMapping {
            uuid,
            source_arn: old,
        }) = self.recorded(&id)
            && old != &source_arn
            && !steps
                .iter()
                .any(|s| matches!(s, Step::DeleteEventSourceMapping { uuid: u, .. } if u == uuid))
        {
            steps.push(Step::DeleteEventSourceMapping {
                function: m.function.clone(),
                uuid: uuid.clone(),
            });
        }
        let replaced = !steps.is_empty();
        let found = observed
            .into_iter()
            .flatten()
            .find(|o| o.source_arn == source_arn);
        // AWS updates neither StartingPosition nor StartingPositionTimestamp of a mapping: a
        // new start is a new mapping, made after the old one is deleted.
        let changed_start = found.map(|old| start_changes(m, old)).unwrap_or_default();
        let current = match found {
            Some(old) if !changed_start.is_empty() => {
                steps.push(Step::DeleteEventSourceMapping {
                    function: m.function.clone(),
                    uuid: old.uuid.clone(),
                });
                None
            }
            other => other,
        };
        let Some(current) = current else {
            steps.push(Step::CreateEventSourceMapping {
                function: m.function.clone(),
                function_name,
                source_arn,
                starting_position: m.starting_position.map(|p| p.as_str().to_owned()),
                starting_position_timestamp: m.starting_position_timestamp,
                settings,
            });
            let action = if !changed_start.is_empty() {
                Action::Replace {
                    changed: changed_start,
                }
            } else if replaced {
                Action::Replace {
                    changed: vec!["source".to_owned()],
                }
            } else {
                Action::Create
            };
            return Ok(Some((action, steps)));
        };
        let changed = mapping_changes(&settings, current);
        if !changed.is_empty() {
            steps.push(Step::UpdateEventSourceMapping {
                function: m.function.clone(),
                uuid: current.uuid.clone(),
                source_arn: source_arn.clone(),
                settings,
            });
        }
        let record = Record::EventSourceMapping {
            uuid: current.uuid.clone(),
            source_arn,
        };
        if steps.is_empty() {
            return Ok(self.adopt(&id, record));
        }
        if changed.is_empty() {
            // Only stale mappings went: the deletion dropped the record, put it back.
            steps.push(Step::Record { id, record });
        }
        let mut all = changed;
        if replaced {
            all.push("stale mappings".to_owned());
        }
        Ok(Some((Action::Update { changed: all }, steps)))
    }

    pub(crate) fn event_rule(&self, r: &EventRule) -> Result<Planned, PlanError> {
        let id = ResourceId::EventRule(r.id.clone());
        let function_arn = self
            .observed
            .env
            .function_arn(self.function_name(&r.target)?);
        let mut steps = Vec::new();
        if let Some(Record::EventRule {
            rule_name,
            event_bus,
            target_id,
        }) = self.recorded(&id)
            && (rule_name != &r.rule_name || event_bus != &r.event_bus)
        {
            steps.push(Step::DeleteRule {
                function: r.target.clone(),
                rule_name: rule_name.clone(),
                event_bus: event_bus.clone(),
                target_id: target_id.clone(),
            });
        }
        let replaced = !steps.is_empty();
        let put = Step::PutRule {
            rule: r.clone(),
            function_arn: function_arn.clone(),
        };
        let Some(observed) = self.observed.rules.get(&r.rule_name) else {
            steps.push(put);
            let action = if replaced {
                Action::Replace {
                    changed: vec!["event_bus".to_owned()],
                }
            } else {
                Action::Create
            };
            return Ok(Some((action, steps)));
        };
        let mut changed = Vec::new();
        let (schedule, pattern) = match &r.trigger {
            flagon_model::RuleTrigger::Schedule(s) => (Some(s), None),
            flagon_model::RuleTrigger::Pattern(p) => (None, Some(p)),
        };
        if observed.schedule_expression.as_ref() != schedule {
            changed.push("schedule".to_owned());
        }
        if observed.event_pattern.as_ref() != pattern {
            changed.push("pattern".to_owned());
        }
        if observed.description != r.description {
            changed.push("description".to_owned());
        }
        if observed.targets.get(&r.target_id) != Some(&function_arn) || observed.targets.len() != 1
        {
            changed.push("target".to_owned());
        }
        if changed.is_empty() && !replaced {
            let record = Record::EventRule {
                rule_name: r.rule_name.clone(),
                event_bus: r.event_bus.clone(),
                target_id: r.target_id.clone(),
            };
            return Ok(self.adopt(&id, record));
        }
        steps.push(put);
        Ok(Some((Action::Update { changed }, steps)))
    }
}

/// Where `have` starts that `want` does not. What the API leaves out is taken as unchanged,
/// so that a mapping read back without it (moto returns no `StartingPositionTimestamp`) is
/// not replaced at every deploy.
fn start_changes(
    want: &EventSourceMapping,
    have: &crate::observed::ObservedMapping,
) -> Vec<String> {
    let (Some(position), Some(observed)) = (want.starting_position, &have.starting_position) else {
        return Vec::new();
    };
    if observed != position.as_str() {
        return vec!["starting_position".to_owned()];
    }
    match (
        want.starting_position_timestamp,
        have.starting_position_timestamp,
    ) {
        (Some(at), Some(observed)) if at.timestamp() != observed => {
            vec!["starting_position_timestamp".to_owned()]
        }
        _ => Vec::new(),
    }
}

fn mapping_changes(want: &MappingSettings, have: &crate::observed::ObservedMapping) -> Vec<String> {
    let mut changed = Vec::new();
    if have.batch_size != Some(want.batch_size) {
        changed.push("batch_size".to_owned());
    }
    if have.maximum_batching_window_in_seconds.unwrap_or(0)
        != want.maximum_batching_window_in_seconds.unwrap_or(0)
    {
        changed.push("maximum_batching_window_in_seconds".to_owned());
    }
    if have.maximum_concurrency != want.maximum_concurrency {
        changed.push("maximum_concurrency".to_owned());
    }
    let mut a = have.function_response_types.clone();
    let mut b = want.function_response_types.clone();
    a.sort();
    b.sort();
    if a != b {
        changed.push("function_response_types".to_owned());
    }
    changed
}
