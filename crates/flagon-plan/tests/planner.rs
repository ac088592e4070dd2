//! The planner on in-memory state and observations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use flagon_config::{Config, Overrides};
use flagon_manifest::{Manifest, Trigger};
use flagon_model::{Code, FunctionRef, Model, Resource, ResourceId, RoleBinding};
use flagon_plan::{
    Action, AwsEnv, Observed, ObservedApi, ObservedFunction, Record, State, Step, plan,
    plan_delete, tracing_mode,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn manifest() -> Manifest {
    Manifest::from_json(&std::fs::read_to_string(fixture("manifest.json")).unwrap()).unwrap()
}

fn model_of(manifest: &Manifest) -> Model {
    let path = fixture("Flagon.toml");
    let config = Config::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut model = Model::build(manifest, &config, "dev", &Overrides::default()).unwrap();
    let code = Code {
        zip_path: "bootstrap.zip".into(),
        sha256: "c2hhMQ==".into(),
    };
    for arch in model.architectures() {
        model.attach_code(arch, &code);
    }
    model
}

fn env() -> AwsEnv {
    AwsEnv::new("123456789012", "us-east-1")
}

fn empty() -> Observed {
    Observed {
        env: env(),
        ..Default::default()
    }
}

/// AWS as it is when the function was deployed exactly as the model says.
fn observed_function(model: &Model, name: &str) -> ObservedFunction {
    let f = model.function(&FunctionRef(name.into())).unwrap();
    let role = match &f.role {
        RoleBinding::Managed(r) => env().role_arn(&model.role(r).unwrap().role_name),
        RoleBinding::Existing(arn) => arn.clone(),
    };
    ObservedFunction {
        arn: env().function_arn(&f.function_name),
        handler: f.handler.clone(),
        runtime: f.runtime.clone(),
        memory: f.memory,
        timeout: f.timeout,
        environment: f.environment.clone(),
        role,
        layers: f.layers.clone(),
        architecture: f.architecture.as_str().into(),
        subnet_ids: BTreeSet::new(),
        security_group_ids: BTreeSet::new(),
        tracing: tracing_mode(f.xray).into(),
        code_sha256: f.code.as_ref().unwrap().sha256.clone(),
        tags: f.tags.clone(),
        reserved_concurrency: f.reserved_concurrency,
        policy_statement_ids: BTreeSet::new(),
    }
}

fn recorded_function(state: &mut State, model: &Model, name: &str) {
    let f = model.function(&FunctionRef(name.into())).unwrap();
    state.resources.insert(
        ResourceId::Function(f.id.clone()),
        Record::Function {
            function_name: f.function_name.clone(),
        },
    );
}

fn change_of<'a>(p: &'a flagon_plan::Plan, id: &ResourceId) -> Option<&'a flagon_plan::Change> {
    p.changes.iter().find(|c| &c.id == id)
}

#[test]
fn first_deploy_creates_every_resource_in_dependency_order() {
    let model = model_of(&manifest());
    let p = plan(&model, &State::new("shop", "dev"), &empty()).unwrap();
    assert!(p.changes.iter().all(|c| c.action == Action::Create));
    assert_eq!(p.changes.len(), model.resources.len());
    // Every step comes after the steps of what it depends on.
    let position: BTreeMap<ResourceId, usize> = p
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    for r in &model.resources {
        for dep in r.depends_on() {
            assert!(
                position[&dep] < position[&r.id()],
                "{dep} before {}",
                r.id()
            );
        }
    }
    insta::assert_snapshot!("first_deploy", p.to_string());
}

#[test]
fn plan_json_carries_the_same_changes_as_the_diff() {
    let model = model_of(&manifest());
    let p = plan(&model, &State::new("shop", "dev"), &empty()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), p.changes.len());
    assert_eq!(changes[0]["action"]["action"], "create");
    assert_eq!(changes[0]["id"]["kind"], "role");
    assert_eq!(changes[0]["steps"][0]["step"], "create_role");
}

#[test]
fn unchanged_function_plans_nothing() {
    let model = model_of(&manifest());
    let mut observed = empty();
    observed.functions.insert(
        "shop-dev-resize".into(),
        observed_function(&model, "resize"),
    );
    let mut state = State::new("shop", "dev");
    recorded_function(&mut state, &model, "resize");
    let p = plan(&model, &state, &observed).unwrap();
    assert_eq!(
        change_of(&p, &ResourceId::Function(FunctionRef("resize".into()))),
        None
    );
}

#[test]
fn code_only_change_updates_only_the_code() {
    let model = model_of(&manifest());
    let mut observed = empty();
    let mut f = observed_function(&model, "resize");
    f.code_sha256 = "b2xk".into();
    observed.functions.insert("shop-dev-resize".into(), f);
    let p = plan(&model, &State::new("shop", "dev"), &observed).unwrap();
    let change = change_of(&p, &ResourceId::Function(FunctionRef("resize".into()))).unwrap();
    assert_eq!(
        change.action,
        Action::Update {
            changed: vec!["code".into()]
        }
    );
    assert!(matches!(
        change.steps.as_slice(),
        [Step::UpdateFunctionCode { .. }]
    ));
}

#[test]
fn drifted_settings_are_listed_by_name_and_put_back() {
    let model = model_of(&manifest());
    let mut observed = empty();
    let mut f = observed_function(&model, "on_job");
    f.memory = 128;
    f.environment.insert("EXTRA".into(), "1".into());
    f.reserved_concurrency = None;
    f.tags.insert("owner".into(), "someone".into());
    observed.functions.insert("shop-dev-on_job".into(), f);
    let p = plan(&model, &State::new("shop", "dev"), &observed).unwrap();
    let change = change_of(&p, &ResourceId::Function(FunctionRef("on_job".into()))).unwrap();
    let Action::Update { changed } = &change.action else {
        panic!("{:?}", change.action)
    };
    assert_eq!(
        changed,
        &["memory", "environment", "tags", "reserved_concurrency"]
    );
    let Some(Step::TagFunction { remove, .. }) = change
        .steps
        .iter()
        .find(|s| matches!(s, Step::TagFunction { .. }))
    else {
        panic!("a tag step")
    };
    assert_eq!(remove, &["owner"]);
    let text = p.to_string();
    let line = text
        .lines()
        .find(|l| l.contains("function:on_job"))
        .unwrap();
    insta::assert_snapshot!("drift_line", line);
}

#[test]
fn existing_unrecorded_function_is_adopted_without_calls() {
    let model = model_of(&manifest());
    let mut observed = empty();
    observed.functions.insert(
        "shop-dev-resize".into(),
        observed_function(&model, "resize"),
    );
    let p = plan(&model, &State::new("shop", "dev"), &observed).unwrap();
    let change = change_of(&p, &ResourceId::Function(FunctionRef("resize".into()))).unwrap();
    assert_eq!(change.action, Action::Adopt);
    assert!(change.steps.iter().all(|s| !s.is_mutating()));
}

#[test]
fn removed_handler_is_swept_wiring_first_and_after_creations() {
    let full = model_of(&manifest());
    let mut state = State::new("shop", "dev");
    let alert = FunctionRef("on_alert".into());
    recorded_function(&mut state, &full, "on_alert");
    state.resources.insert(
        ResourceId::Permission(alert.clone()),
        Record::Permission {
            function_name: "shop-dev-on_alert".into(),
            statement_id: "flagon-sns-1".into(),
        },
    );
    state.resources.insert(
        ResourceId::SnsSubscription(alert),
        Record::SnsSubscription {
            topic_arn: "arn:t".into(),
            subscription_arn: "arn:t:sub".into(),
        },
    );
    let mut m = manifest();
    m.functions.retain(|f| f.name != "on_alert");
    let p = plan(&model_of(&m), &state, &empty()).unwrap();
    let deletes: Vec<String> = p
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(
        deletes,
        [
            "sns_subscription:on_alert",
            "permission:on_alert",
            "function:on_alert"
        ]
    );
    let first_delete = p
        .changes
        .iter()
        .position(|c| c.action == Action::Delete)
        .unwrap();
    assert!(
        p.changes[first_delete..]
            .iter()
            .all(|c| c.action == Action::Delete)
    );
}

#[test]
fn changed_bucket_replaces_the_notification_removing_the_old_entry_first() {
    let mut m = manifest();
    let model = model_of(&m);
    let mut state = State::new("shop", "dev");
    state.resources.insert(
        ResourceId::S3Notification(FunctionRef("on_upload".into())),
        Record::S3Notification {
            bucket: "old-bucket".into(),
            notification_id: "shop-dev-on_upload".into(),
        },
    );
    let p = plan(&model, &state, &empty()).unwrap();
    let change = change_of(
        &p,
        &ResourceId::S3Notification(FunctionRef("on_upload".into())),
    )
    .unwrap();
    assert_eq!(
        change.action,
        Action::Replace {
            changed: vec!["bucket".into()]
        }
    );
    assert!(matches!(
        change.steps.as_slice(),
        [Step::RemoveS3Notification { bucket, .. }, Step::PutS3Notification { .. }] if bucket == "old-bucket"
    ));
    for f in &mut m.functions {
        if let Trigger::S3 { bucket, .. } = &mut f.trigger {
            assert_eq!(bucket, "uploads");
        }
    }
}

#[test]
fn api_left_by_a_failed_deploy_is_overwritten_not_duplicated() {
    let model = model_of(&manifest());
    let mut observed = empty();
    observed.rest_apis.insert(
        "abc123".into(),
        ObservedApi {
            id: "abc123".into(),
            name: "shop-dev".into(),
        },
    );
    observed.rest_apis.insert(
        "zzz999".into(),
        ObservedApi {
            id: "zzz999".into(),
            name: "someone-else".into(),
        },
    );
    let p = plan(&model, &State::new("shop", "dev"), &observed).unwrap();
    let change = change_of(&p, &ResourceId::RestApi).unwrap();
    assert!(matches!(
        change.steps.as_slice(),
        [Step::CreateRestApi { existing_id: Some(id), .. }] if id == "abc123"
    ));
}

#[test]
fn recreated_api_gets_its_permission_added_again() {
    let model = model_of(&manifest());
    let mut observed = empty();
    let mut f = observed_function(&model, "api_handler");
    let sid = model
        .resources
        .iter()
        .find_map(|r| match r {
            Resource::Permission(p) if p.function.0 == "api_handler" => {
                Some(p.statement_id.clone())
            }
            _ => None,
        })
        .unwrap();
    f.policy_statement_ids.insert(sid.clone());
    observed.functions.insert("shop-dev-api_handler".into(), f);
    let mut state = State::new("shop", "dev");
    // Recorded, but deleted by hand: it is recreated with a new id.
    state.resources.insert(
        ResourceId::RestApi,
        Record::RestApi {
            api_id: "gone".into(),
            stage_name: "api".into(),
            definition_hash: "x".into(),
        },
    );
    state.resources.insert(
        ResourceId::Permission(FunctionRef("api_handler".into())),
        Record::Permission {
            function_name: "shop-dev-api_handler".into(),
            statement_id: sid,
        },
    );
    let p = plan(&model, &state, &observed).unwrap();
    assert!(matches!(
        change_of(&p, &ResourceId::RestApi).unwrap().action,
        Action::Create
    ));
    let perm = change_of(
        &p,
        &ResourceId::Permission(FunctionRef("api_handler".into())),
    )
    .unwrap();
    assert!(matches!(
        perm.steps.as_slice(),
        [Step::RemovePermission { .. }, Step::AddPermission { .. }]
    ));
}

#[test]
fn delete_removes_what_the_state_records_in_reverse_dependency_order() {
    let model = model_of(&manifest());
    let mut state = State::new("shop", "dev");
    for r in &model.resources {
        let record = match r {
            Resource::Role(role) => Record::Role {
                role_name: role.role_name.clone(),
                policy_name: role.policy_name.clone(),
            },
            Resource::LogGroup(l) => Record::LogGroup {
                log_group_name: l.log_group_name.clone(),
            },
            Resource::Function(f) => Record::Function {
                function_name: f.function_name.clone(),
            },
            Resource::RestApi(a) => Record::RestApi {
                api_id: "abc123".into(),
                stage_name: a.stage_name.clone(),
                definition_hash: "h".into(),
            },
            Resource::HttpApi(_) => Record::HttpApi {
                api_id: "abc123".into(),
                definition_hash: "h".into(),
            },
            Resource::Permission(p) => Record::Permission {
                function_name: format!("shop-dev-{}", p.function.0),
                statement_id: p.statement_id.clone(),
            },
            Resource::S3Notification(n) => Record::S3Notification {
                bucket: n.bucket.clone(),
                notification_id: n.notification_id.clone(),
            },
            Resource::SnsSubscription(s) => Record::SnsSubscription {
                topic_arn: env().topic_arn(&s.topic),
                subscription_arn: format!("{}:sub-1", env().topic_arn(&s.topic)),
            },
            Resource::EventSourceMapping(m) => Record::EventSourceMapping {
                uuid: format!("uuid-{}", m.function.0),
                source_arn: "arn:source".into(),
            },
            Resource::EventRule(r) => Record::EventRule {
                rule_name: r.rule_name.clone(),
                event_bus: r.event_bus.clone(),
                target_id: r.target_id.clone(),
            },
        };
        state.resources.insert(r.id(), record);
    }
    let p = plan_delete(&state, &empty());
    assert_eq!(p.changes.len(), model.resources.len());
    assert!(p.changes.iter().all(|c| c.action == Action::Delete));
    insta::assert_snapshot!("delete", p.to_string());
}

#[test]
fn nothing_recorded_means_nothing_to_delete() {
    let p = plan_delete(&State::new("shop", "dev"), &empty());
    assert!(p.changes.is_empty() && p.is_noop());
}

#[test]
fn configured_existing_role_is_used_and_no_role_is_created() {
    let path = fixture("existing-role.toml");
    let config = Config::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut model = Model::build(&manifest(), &config, "dev", &Overrides::default()).unwrap();
    let code = Code {
        zip_path: "bootstrap.zip".into(),
        sha256: "c2hhMQ==".into(),
    };
    for arch in model.architectures() {
        model.attach_code(arch, &code);
    }
    let p = plan(&model, &State::new("shop", "dev"), &empty()).unwrap();
    assert!(p.steps().all(|s| !matches!(s, Step::CreateRole { .. })));
    let roles: BTreeSet<&str> = p
        .steps()
        .filter_map(|s| match s {
            Step::CreateFunction { role_arn, .. } => Some(role_arn.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        roles,
        BTreeSet::from(["arn:aws:iam::210987654321:role/shop-runner"])
    );
}

#[test]
fn recorded_api_is_updated_only_when_its_definition_hash_changes() {
    let model = model_of(&manifest());
    let api = model
        .resources
        .iter()
        .find_map(|r| match r {
            Resource::RestApi(a) => Some(a),
            _ => None,
        })
        .unwrap();
    let function_name = &model.function(&api.function).unwrap().function_name;
    let hash = flagon_plan::definition_hash(&(api, &env().function_arn(function_name)));
    let mut observed = empty();
    observed.rest_apis.insert(
        "abc123".into(),
        ObservedApi {
            id: "abc123".into(),
            name: api.name.clone(),
        },
    );
    let recorded = |definition_hash: &str| {
        let mut state = State::new("shop", "dev");
        state.resources.insert(
            ResourceId::RestApi,
            Record::RestApi {
                api_id: "abc123".into(),
                stage_name: "api".into(),
                definition_hash: definition_hash.into(),
            },
        );
        state
    };

    let same = plan(&model, &recorded(&hash), &observed).unwrap();
    assert!(change_of(&same, &ResourceId::RestApi).is_none());

    let stale = plan(&model, &recorded("old"), &observed).unwrap();
    let change = change_of(&stale, &ResourceId::RestApi).unwrap();
    assert!(matches!(&change.action, Action::Update { changed } if changed == &["definition"]));
    assert!(matches!(
        change.steps.as_slice(),
        [Step::UpdateRestApi { api_id, definition_hash, .. }]
            if api_id == "abc123" && *definition_hash == hash
    ));
}

/// The fixture with `on_click` reading its Kinesis stream from `secs` (AT_TIMESTAMP).
fn kinesis_at(secs: i64) -> Model {
    let mut manifest = manifest();
    for f in &mut manifest.functions {
        if let Trigger::Kinesis {
            starting_position,
            starting_position_timestamp,
            ..
        } = &mut f.trigger
        {
            *starting_position = flagon_model::StartingPosition::AtTimestamp;
            *starting_position_timestamp = chrono::DateTime::from_timestamp(secs, 0);
        }
    }
    model_of(&manifest)
}

/// `on_click`'s mapping as AWS reports it, starting at `position` (and `timestamp`).
fn observed_click_mapping(position: &str, timestamp: Option<i64>) -> Observed {
    let mut observed = empty();
    observed.event_source_mappings.insert(
        "shop-dev-on_click".into(),
        vec![flagon_plan::ObservedMapping {
            uuid: "u-1".into(),
            source_arn: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks".into(),
            batch_size: Some(100),
            maximum_batching_window_in_seconds: None,
            maximum_concurrency: None,
            function_response_types: vec!["ReportBatchItemFailures".into()],
            starting_position: Some(position.into()),
            starting_position_timestamp: timestamp,
        }],
    );
    observed
}

fn click_mapping() -> ResourceId {
    ResourceId::EventSourceMapping(FunctionRef("on_click".into()))
}

#[test]
fn kinesis_at_timestamp_is_created_with_its_time() {
    let p = plan(
        &kinesis_at(1_767_225_600),
        &State::new("shop", "dev"),
        &empty(),
    )
    .unwrap();
    let change = change_of(&p, &click_mapping()).unwrap();
    assert_eq!(change.action, Action::Create);
    let [
        Step::CreateEventSourceMapping {
            starting_position,
            starting_position_timestamp,
            ..
        },
    ] = change.steps.as_slice()
    else {
        panic!("{:?}", change.steps)
    };
    assert_eq!(starting_position.as_deref(), Some("AT_TIMESTAMP"));
    assert_eq!(
        starting_position_timestamp.map(|t| t.timestamp()),
        Some(1_767_225_600)
    );
    assert!(p.to_string().contains("from 2026-01-01T00:00:00Z"), "{p}");
    let json: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
    let steps: Vec<&serde_json::Value> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["steps"].as_array().unwrap())
        .filter(|s| s["step"] == "create_event_source_mapping")
        .collect();
    // Only the AT_TIMESTAMP mapping has the field: the plan JSON of the others is unchanged.
    let with_time: Vec<_> = steps
        .iter()
        .filter_map(|s| s.get("starting_position_timestamp"))
        .collect();
    assert_eq!(steps.len(), 3);
    assert_eq!(with_time, [&serde_json::json!("2026-01-01T00:00:00Z")]);
}

#[test]
fn mapping_at_its_timestamp_plans_nothing() {
    let observed = observed_click_mapping("AT_TIMESTAMP", Some(1_767_225_600));
    let p = plan(
        &kinesis_at(1_767_225_600),
        &State::new("shop", "dev"),
        &observed,
    )
    .unwrap();
    let change = change_of(&p, &click_mapping()).unwrap();
    assert_eq!(change.action, Action::Adopt);
}

#[test]
fn mapping_read_back_without_its_timestamp_is_not_replaced_at_every_deploy() {
    // moto stores StartingPositionTimestamp but does not return it.
    let observed = observed_click_mapping("AT_TIMESTAMP", None);
    let p = plan(
        &kinesis_at(1_767_225_600),
        &State::new("shop", "dev"),
        &observed,
    )
    .unwrap();
    let change = change_of(&p, &click_mapping()).unwrap();
    assert_eq!(change.action, Action::Adopt);
}

#[test]
fn changed_starting_timestamp_replaces_the_mapping_deleting_it_first() {
    // AWS updates neither StartingPosition nor StartingPositionTimestamp.
    let observed = observed_click_mapping("AT_TIMESTAMP", Some(1_767_225_600));
    let p = plan(
        &kinesis_at(1_767_312_000),
        &State::new("shop", "dev"),
        &observed,
    )
    .unwrap();
    let change = change_of(&p, &click_mapping()).unwrap();
    assert_eq!(
        change.action,
        Action::Replace {
            changed: vec!["starting_position_timestamp".into()]
        }
    );
    let [
        Step::DeleteEventSourceMapping { uuid, .. },
        Step::CreateEventSourceMapping {
            starting_position_timestamp: Some(at),
            ..
        },
    ] = change.steps.as_slice()
    else {
        panic!("{:?}", change.steps)
    };
    assert_eq!((uuid.as_str(), at.timestamp()), ("u-1", 1_767_312_000));
}

#[test]
fn changed_starting_position_replaces_the_mapping() {
    let observed = observed_click_mapping("LATEST", None);
    let p = plan(
        &kinesis_at(1_767_225_600),
        &State::new("shop", "dev"),
        &observed,
    )
    .unwrap();
    let change = change_of(&p, &click_mapping()).unwrap();
    assert_eq!(
        change.action,
        Action::Replace {
            changed: vec!["starting_position".into()]
        }
    );
    assert!(matches!(
        change.steps.as_slice(),
        [
            Step::DeleteEventSourceMapping { .. },
            Step::CreateEventSourceMapping { .. }
        ]
    ));
    // The fixture's own LATEST start against the same mapping: nothing to do.
    let p = plan(
        &model_of(&manifest()),
        &State::new("shop", "dev"),
        &observed,
    )
    .unwrap();
    assert_eq!(
        change_of(&p, &click_mapping()).unwrap().action,
        Action::Adopt
    );
}
