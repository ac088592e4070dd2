//! The model of a manifest that uses every trigger kind, with a Flagon.toml that uses every
//! level of settings: snapshots per stage, and the properties every backend relies on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use flagon_config::{Config, Overrides};
use flagon_manifest::{Manifest, Trigger};
use flagon_model::{
    Architecture, Code, FunctionRef, Model, ModelError, PermissionSource, Resource, ResourceId,
    RoleBinding, RoleRef, TriggerKind,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(fixture("manifest.json")).unwrap();
    Manifest::from_json(&text).unwrap()
}

fn config() -> Config {
    Config::load(fixture("Flagon.toml")).unwrap()
}

fn build(stage: &str) -> Model {
    Model::build(&manifest(), &config(), stage, &Overrides::default()).unwrap()
}

fn f(name: &str) -> FunctionRef {
    FunctionRef(name.into())
}

#[test]
fn dev_model_snapshot() {
    insta::assert_json_snapshot!("dev", build("dev"));
}

#[test]
fn prod_model_snapshot_with_http_api_vpc_xray_and_log_groups() {
    insta::assert_json_snapshot!("prod", build("prod"));
}

#[test]
fn every_resource_comes_after_everything_it_depends_on() {
    for stage in ["dev", "prod"] {
        let model = build(stage);
        let mut seen = BTreeSet::new();
        for resource in &model.resources {
            for dep in resource.depends_on() {
                assert!(
                    seen.contains(&dep),
                    "{stage}: {} comes before its dependency {dep}",
                    resource.id()
                );
            }
            assert!(
                seen.insert(resource.id()),
                "{stage}: {} twice",
                resource.id()
            );
        }
    }
}

#[test]
fn every_manifest_function_is_a_lambda_function_named_app_stage_handler() {
    let model = build("dev");
    let names: Vec<&str> = model
        .functions()
        .map(|f| f.function_name.as_str())
        .collect();
    assert_eq!(names.len(), manifest().functions.len());
    for (function, declared) in model.functions().zip(&manifest().functions) {
        assert_eq!(
            function.function_name,
            format!("helloworld-dev-{}", declared.name)
        );
        assert_eq!(function.handler, declared.handler);
        assert_eq!(function.runtime, "provided.al2023");
    }
}

#[test]
fn every_trigger_kind_gets_its_wiring() {
    let model = build("dev");
    let kinds: BTreeSet<&str> = model.resources.iter().map(|r| r.id().kind()).collect();
    for kind in [
        "role",
        "function",
        "rest_api",
        "permission",
        "s3_notification",
        "sns_subscription",
        "event_source_mapping",
        "event_rule",
    ] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }
    // Invoke-only functions get no permission and no wiring.
    let wired: Vec<ResourceId> = model
        .resources
        .iter()
        .map(Resource::id)
        .filter(|id| id.key() == "resize")
        .collect();
    assert_eq!(
        wired,
        [
            ResourceId::Role(RoleRef("resize".into())),
            ResourceId::Function(f("resize"))
        ]
    );
    // Functions triggered by a service get exactly the permission for that service.
    let count = |source: fn(&PermissionSource) -> bool| {
        model
            .resources
            .iter()
            .filter(|r| matches!(r, Resource::Permission(p) if source(&p.source)))
            .count()
    };
    assert_eq!(count(|s| matches!(s, PermissionSource::RestApi)), 1);
    assert_eq!(count(|s| matches!(s, PermissionSource::Bucket(_))), 1);
    assert_eq!(count(|s| matches!(s, PermissionSource::Topic(_))), 2);
    assert_eq!(count(|s| matches!(s, PermissionSource::Rule(_))), 4);
}

#[test]
fn precedence_flows_into_functions() {
    let dev = build("dev");
    let prod = build("prod");
    let on_job = f("on_job");
    let (d, p) = (
        dev.function(&on_job).unwrap(),
        prod.function(&on_job).unwrap(),
    );
    // function table beats top level; stage beats function table; stage.function beats all.
    assert_eq!(
        (d.memory, d.timeout, d.reserved_concurrency),
        (1024, 30, Some(5))
    );
    assert_eq!((p.memory, p.timeout), (512, 120));
    assert_eq!(d.environment.get("QUEUE").map(String::as_str), Some("jobs"));
    assert_eq!(
        d.environment.get("LOG_LEVEL").map(String::as_str),
        Some("info")
    );
    assert_eq!(p.tags.get("env").map(String::as_str), Some("prod"));
    assert_eq!(p.tags.get("team").map(String::as_str), Some("web"));
    assert!(p.xray && !d.xray);
    assert!(p.vpc.is_some() && d.vpc.is_none());

    let cli = Overrides {
        memory: Some(2048),
        ..Overrides::default()
    };
    let model = Model::build(&manifest(), &config(), "prod", &cli).unwrap();
    assert!(model.functions().all(|f| f.memory == 2048));
}

#[test]
fn log_groups_exist_only_with_a_retention() {
    assert!(
        !build("dev")
            .resources
            .iter()
            .any(|r| matches!(r, Resource::LogGroup(_)))
    );
    let prod = build("prod");
    let groups: Vec<_> = prod
        .resources
        .iter()
        .filter_map(|r| match r {
            Resource::LogGroup(g) => Some(g),
            _ => None,
        })
        .collect();
    assert_eq!(groups.len(), prod.functions().count());
    assert_eq!(
        groups[0].log_group_name,
        "/aws/lambda/helloworld-prod-api_handler"
    );
    assert_eq!(groups[0].retention_days, 30);
}

#[test]
fn roles_follow_the_iam_setting_of_each_function() {
    let model = build("dev");
    let default = RoleRef("default".into());
    let role = model.role(&default).unwrap();
    assert_eq!(role.role_name, "helloworld-dev");
    assert_eq!(
        model.function(&f("on_job")).unwrap().role,
        RoleBinding::Managed(default)
    );
    // A policy file of its own: its own role, with the file's statements.
    let resize = model.role(&RoleRef("resize".into())).unwrap();
    assert_eq!(resize.role_name, "helloworld-dev-resize");
    assert!(resize.policy.to_string().contains("s3:PutObject"));
    assert!(!role.policy.to_string().contains("s3:PutObject"));
    // An existing role: used as is, no role created.
    assert_eq!(
        model.function(&f("on_audit")).unwrap().role,
        RoleBinding::Existing("arn:aws:iam::210987654321:role/auditor".into())
    );
    assert_eq!(
        model
            .resources
            .iter()
            .filter(|r| matches!(r, Resource::Role(_)))
            .count(),
        2
    );
    // The shared role reads every queue and stream of its functions.
    let policy = role.policy.to_string();
    for needle in [
        "arn:*:sqs:*:*:jobs",
        "arn:aws:sqs:us-east-1:123456789012:bulk",
        "arn:*:kinesis:*:*:stream/clicks",
        "table/users/stream",
    ] {
        assert!(policy.contains(needle), "{needle} missing from {policy}");
    }
}

#[test]
fn api_function_is_a_lambda_function_only_when_there_are_routes() {
    let mut manifest = manifest();
    if let Some(api) = manifest.api.as_mut() {
        api.routes.clear();
    }
    let model = Model::build(&manifest, &config(), "dev", &Overrides::default()).unwrap();
    assert!(model.function(&f("api_handler")).is_none());
    assert!(
        !model
            .resources
            .iter()
            .any(|r| matches!(r, Resource::RestApi(_) | Resource::HttpApi(_)))
    );
    assert!(
        model
            .resource(&ResourceId::Permission(f("api_handler")))
            .is_none()
    );
}

#[test]
fn http_api_permission_names_the_http_api() {
    let model = build("prod");
    let Some(Resource::Permission(p)) = model.resource(&ResourceId::Permission(f("api_handler")))
    else {
        panic!("no API permission");
    };
    assert_eq!(p.source, PermissionSource::HttpApi);
    let Some(Resource::HttpApi(api)) = model.resource(&ResourceId::HttpApi) else {
        panic!("no HTTP API")
    };
    assert_eq!(
        (api.name.as_str(), api.stage_name.as_str()),
        ("helloworld-prod", "$default")
    );
}

#[test]
fn api_key_on_an_http_api_is_refused() {
    let mut manifest = manifest();
    if let Some(api) = manifest.api.as_mut() {
        api.routes[1].api_key_required = true;
    }
    let err = Model::build(&manifest, &config(), "prod", &Overrides::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "require an API key on route `/users/{id}`: an HTTP API has no API keys; set `api_type = \"rest\"` or drop the requirement"
    );
    Model::build(&manifest, &config(), "dev", &Overrides::default()).unwrap();
}

#[test]
fn sqs_batch_above_ten_without_a_window_is_refused() {
    let mut manifest = manifest();
    for function in &mut manifest.functions {
        if let Trigger::Sqs {
            maximum_batching_window_in_seconds,
            ..
        } = &mut function.trigger
        {
            *maximum_batching_window_in_seconds = None;
        }
    }
    let err = Model::build(&manifest, &config(), "dev", &Overrides::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire the trigger of function `on_bulk`: an SQS batch_size above 10 needs maximum_batching_window_in_seconds of at least 1, found batch_size 100"
    );
}

#[test]
fn functions_whose_names_give_the_same_logical_id_are_refused() {
    let mut manifest = manifest();
    manifest
        .functions
        .push(flagon_manifest::Function::new("onJob", Trigger::Invoke));
    let err = Model::build(&manifest, &config(), "dev", &Overrides::default()).unwrap_err();
    assert!(
        matches!(err, ModelError::LogicalIdCollision { .. }),
        "{err}"
    );
}

#[test]
fn config_table_for_an_unknown_function_fails_the_build() {
    let config = Config::parse("Flagon.toml", "[functions.on_uplaod]\nmemory = 512\n").unwrap();
    let err = Model::build(&manifest(), &config, "dev", &Overrides::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Config(flagon_config::ConfigError::UnknownFunction { .. })
        ),
        "{err}"
    );
}

#[test]
fn policy_file_that_was_not_loaded_is_an_error() {
    let text = std::fs::read_to_string(fixture("Flagon.toml")).unwrap();
    let config = Config::parse("Flagon.toml", &text).unwrap();
    let err = Model::build(&manifest(), &config, "dev", &Overrides::default()).unwrap_err();
    assert!(matches!(err, ModelError::PolicyNotLoaded { .. }), "{err}");
}

#[test]
fn too_long_names_are_refused_before_aws_does() {
    let config = Config::parse(
        "Flagon.toml",
        "app = \"a-very-long-application-name-that-goes-on\"\n",
    )
    .unwrap();
    let err = Model::build(&manifest(), &config, "production", &Overrides::default()).unwrap_err();
    assert!(
        matches!(err, ModelError::NameTooLong { max: 64, .. }),
        "{err}"
    );
}

#[test]
fn attached_code_goes_to_the_functions_of_its_architecture() {
    let mut model = build("dev");
    assert_eq!(
        model.architectures(),
        BTreeSet::from([Architecture::X86_64, Architecture::Arm64])
    );
    let code = Code {
        zip_path: "target/lambda/arm64.zip".into(),
        sha256: "abc=".into(),
    };
    model.attach_code(Architecture::Arm64, &code);
    assert_eq!(
        model.function(&f("resize")).unwrap().code.as_ref(),
        Some(&code)
    );
    assert!(model.function(&f("on_job")).unwrap().code.is_none());
    assert_eq!(
        model.function(&f("on_job")).unwrap().trigger,
        TriggerKind::Sqs
    );
}

#[test]
fn model_round_trips_through_json() {
    let model = build("prod");
    let json = serde_json::to_string(&model).unwrap();
    assert_eq!(serde_json::from_str::<Model>(&json).unwrap(), model);
}

/// Builds the fixture with one function's trigger replaced.
fn build_with_trigger(name: &str, trigger: Trigger) -> Result<Model, ModelError> {
    let mut manifest = manifest();
    let function = manifest
        .functions
        .iter_mut()
        .find(|f| f.name == name)
        .unwrap();
    function.trigger = trigger;
    Model::build(&manifest, &config(), "dev", &Overrides::default())
}

#[test]
fn invalid_schedule_is_refused_before_it_reaches_aws() {
    let err = build_with_trigger(
        "yearly",
        Trigger::Schedule {
            expression: "cron(0 9 ? * 8 *)".into(),
            description: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire the trigger of function `yearly`: parse `cron(0 9 ? * 8 *)`: day-of-week `8` is out of range 1-7 (or SUN-SAT)"
    );
}

#[test]
fn event_pattern_that_is_not_an_object_is_refused() {
    let err = build_with_trigger(
        "on_commit",
        Trigger::EventPattern {
            pattern: serde_json::json!(["aws.s3"]),
            event_bus: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire the trigger of function `on_commit`: an event pattern must be a non-empty JSON object, found `[\"aws.s3\"]`"
    );
}

#[test]
fn dynamodb_stream_from_a_timestamp_is_refused() {
    let err = build_with_trigger(
        "on_change",
        Trigger::Dynamodb {
            stream_arn: "arn:aws:dynamodb:us-east-1:1:table/t/stream/x".into(),
            batch_size: 10,
            starting_position: flagon_model::StartingPosition::AtTimestamp,
            maximum_batching_window_in_seconds: None,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("not AT_TIMESTAMP"), "{err}");
}

#[test]
fn s3_event_without_the_s3_prefix_is_refused() {
    let err = build_with_trigger(
        "on_upload",
        Trigger::S3 {
            bucket: "b".into(),
            events: vec!["ObjectCreated:*".into()],
            prefix: None,
            suffix: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire the trigger of function `on_upload`: S3 event types look like `s3:ObjectCreated:*`, found `ObjectCreated:*`"
    );
}

#[test]
fn function_named_default_with_its_own_role_is_refused_rather_than_sharing_the_stage_role() {
    let mut manifest = manifest();
    manifest
        .functions
        .push(flagon_manifest::Function::new("default", Trigger::Invoke));
    let mut config = Config::parse(
        "Flagon.toml",
        "[functions.default]\niam_policy_file = \"p.json\"\n",
    )
    .unwrap();
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": []});
    config
        .insert_policy_document(Path::new("p.json"), policy)
        .unwrap();
    let err = Model::build(&manifest, &config, "dev", &Overrides::default()).unwrap_err();
    assert!(matches!(err, ModelError::InvalidName { .. }), "{err}");
    // Sharing the stage's role is fine.
    Model::build(&manifest, &Config::empty(), "dev", &Overrides::default()).unwrap();
}

#[test]
fn kinesis_stream_at_timestamp_without_its_time_is_refused() {
    // AWS refuses AT_TIMESTAMP without StartingPositionTimestamp, at deploy time.
    let err = build_with_trigger(
        "on_click",
        Trigger::Kinesis {
            stream: "clicks".into(),
            batch_size: 10,
            starting_position: flagon_model::StartingPosition::AtTimestamp,
            maximum_batching_window_in_seconds: None,
            starting_position_timestamp: None,
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire the trigger of function `on_click`: the Kinesis trigger starts AT_TIMESTAMP without a starting_position_timestamp; give one with `.starting_at(time)`"
    );
}

#[test]
fn kinesis_stream_at_timestamp_carries_its_time_to_the_mapping() {
    let at = chrono::DateTime::from_timestamp(1_767_225_600, 0);
    let model = build_with_trigger(
        "on_click",
        Trigger::Kinesis {
            stream: "clicks".into(),
            batch_size: 10,
            starting_position: flagon_model::StartingPosition::AtTimestamp,
            maximum_batching_window_in_seconds: None,
            starting_position_timestamp: at,
        },
    )
    .unwrap();
    let mapping = model
        .resources
        .iter()
        .find_map(|r| match r {
            flagon_model::Resource::EventSourceMapping(m) if m.function.0 == "on_click" => Some(m),
            _ => None,
        })
        .expect("on_click's mapping");
    assert_eq!(
        mapping.starting_position,
        Some(flagon_model::StartingPosition::AtTimestamp)
    );
    assert_eq!(mapping.starting_position_timestamp, at);
}

/// The fixture's manifest with its `/files/{proxy+}` route answering `methods`.
fn with_files_methods(methods: &[&str]) -> Manifest {
    let mut manifest = manifest();
    let api = manifest.api.as_mut().expect("the fixture has an API");
    let route = api
        .routes
        .iter_mut()
        .find(|r| r.path == "/files/{proxy+}")
        .expect("the fixture has /files/{proxy+}");
    route.methods = methods.iter().map(|m| (*m).to_owned()).collect();
    manifest
}

#[test]
fn any_route_reaches_both_api_types_as_any() {
    let manifest = with_files_methods(&["ANY"]);
    for stage in ["dev", "prod"] {
        let model = Model::build(&manifest, &config(), stage, &Overrides::default()).unwrap();
        let routes = model
            .resources
            .iter()
            .find_map(|r| match r {
                Resource::RestApi(api) => Some(&api.routes),
                Resource::HttpApi(api) => Some(&api.routes),
                _ => None,
            })
            .expect("an API");
        let files = routes
            .iter()
            .find(|r| r.path == "/files/{proxy+}")
            .expect("the route");
        assert_eq!(files.methods, ["ANY"], "{stage}");
    }
}

#[test]
fn unknown_or_combined_any_route_method_is_refused() {
    for (methods, expected) in [
        (
            &["any"][..],
            "route `any /files/{proxy+}`: API Gateway routes GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS and ANY (every method, alone on its path)",
        ),
        (
            &["ANY", "GET"][..],
            "route `ANY /files/{proxy+}`: API Gateway routes GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS and ANY (every method, alone on its path)",
        ),
        (
            &["GET", "TRACE"][..],
            "route `TRACE /files/{proxy+}`: API Gateway routes GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS and ANY (every method, alone on its path)",
        ),
    ] {
        let err = Model::build(
            &with_files_methods(methods),
            &config(),
            "dev",
            &Overrides::default(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
}
