//! The wiring of each trigger (permissions, notifications, subscriptions, event source
//! mappings, rules) and of the API, with the limits AWS enforces and moto does not.

use flagon_config::{ApiType, StageSettings};
use flagon_manifest::schedule::ScheduleExpression;
use flagon_manifest::{StartingPosition, Trigger, check_starting_timestamp};

use crate::Resource;
use crate::api::{ApiRoute, HttpApi, RestApi};
use crate::build::Parts;
use crate::error::ModelError;
use crate::naming;
use crate::refs::{FunctionRef, NameOrArn, RuleRef};
use crate::triggers::{
    EventRule, EventSource, EventSourceMapping, Permission, PermissionSource, Principal,
    REPORT_BATCH_ITEM_FAILURES, RuleTrigger, S3Notification, SnsSubscription,
};

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
pub(crate) fn add_trigger(
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
                starting_position_timestamp: None,
                function_response_types: vec![REPORT_BATCH_ITEM_FAILURES.to_owned()],
            });
        }
        Trigger::Kinesis {
            stream,
            batch_size,
            starting_position,
            maximum_batching_window_in_seconds,
            starting_position_timestamp,
        } => {
            // Lambda refuses AT_TIMESTAMP without its time at deploy; refuse it before a
            // template or a plan is made.
            check_starting_timestamp(*starting_position, *starting_position_timestamp)
                .map_err(|problem| invalid(format!("the Kinesis trigger {problem}")))?;
            let source = EventSource::Kinesis {
                stream: NameOrArn::parse(stream),
            };
            let mut mapping = stream_mapping(
                id,
                source,
                *batch_size,
                *starting_position,
                *maximum_batching_window_in_seconds,
            )
            .map_err(invalid)?;
            mapping.starting_position_timestamp = *starting_position_timestamp;
            parts.mappings.push(mapping);
        }
        Trigger::Dynamodb {
            stream_arn,
            batch_size,
            starting_position,
            maximum_batching_window_in_seconds,
        } => {
            // AWS takes AT_TIMESTAMP from Kinesis only.
            if *starting_position == StartingPosition::AtTimestamp {
                return Err(invalid(
                    "a DynamoDB stream starts at TRIM_HORIZON or LATEST, not AT_TIMESTAMP"
                        .to_owned(),
                ));
            }
            let source = EventSource::Dynamodb {
                stream_arn: stream_arn.clone(),
            };
            let mapping = stream_mapping(
                id,
                source,
                *batch_size,
                *starting_position,
                *maximum_batching_window_in_seconds,
            )
            .map_err(invalid)?;
            parts.mappings.push(mapping);
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

/// The event source mapping of a Kinesis or DynamoDB stream, its batch checked; the caller
/// checks the starting position (and sets the timestamp), which differ by stream.
fn stream_mapping(
    function: &FunctionRef,
    source: EventSource,
    batch_size: u32,
    starting_position: StartingPosition,
    window: Option<u32>,
) -> Result<EventSourceMapping, String> {
    check_batch(batch_size, window, false)?;
    Ok(EventSourceMapping {
        function: function.clone(),
        source,
        batch_size,
        maximum_batching_window_in_seconds: window,
        maximum_concurrency: None,
        starting_position: Some(starting_position),
        starting_position_timestamp: None,
        function_response_types: vec![REPORT_BATCH_ITEM_FAILURES.to_owned()],
    })
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

/// The methods both renderers and deploy know how to route: `ANY` becomes REST's
/// `x-amazon-apigateway-any-method` and HTTP API's `ANY /path` route key. `ANY` is alone on its
/// path, as the runtime's `any(...)` is: a `GET` beside it would be routed by API Gateway to
/// the same function for nothing.
const ROUTE_METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY",
];

fn check_methods(route: &flagon_manifest::Route) -> Result<(), ModelError> {
    let any_with_others = route.methods.len() > 1 && route.methods.iter().any(|m| m == "ANY");
    match route
        .methods
        .iter()
        .find(|m| !ROUTE_METHODS.contains(&m.as_str()) || (any_with_others && *m == "ANY"))
    {
        Some(method) => Err(ModelError::RouteMethod {
            path: route.path.clone(),
            method: method.clone(),
        }),
        None => Ok(()),
    }
}

pub(crate) fn api_resource(
    app: &str,
    stage: &str,
    settings: &StageSettings,
    api: &flagon_manifest::Api,
    parts: &mut Parts,
) -> Result<Resource, ModelError> {
    for route in &api.routes {
        check_methods(route)?;
    }
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
