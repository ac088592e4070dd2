//! The Terraform JSON of the fixture app (every trigger kind; a REST API in `dev`, an HTTP
//! API in `prod`): snapshot-tested, and checked for the resources each trigger needs.

mod common;

use flagon_model::Architecture;
use flagon_render::{TfOptions, render_terraform};
use serde_json::{Value, json};

use common::{STAGES, model, tf_options};

fn config(stage: &str) -> Value {
    render_terraform(&model(stage), &tf_options()).expect("fixture renders")
}

/// `resource.<kind>.<name>`, or a panic that names it.
fn resource<'a>(config: &'a Value, kind: &str, name: &str) -> &'a Value {
    let r = &config["resource"][kind][name];
    assert!(r.is_object(), "no resource {kind}.{name}");
    r
}

#[test]
fn terraform_json_snapshots() {
    for stage in STAGES {
        insta::assert_json_snapshot!(format!("terraform_{stage}"), config(stage));
    }
}

#[test]
fn every_trigger_produces_its_terraform_resources() {
    let c = config("dev");
    // Functions, each with its role.
    for f in [
        "api_handler",
        "on_upload",
        "on_thumbnail",
        "on_alert",
        "on_audit",
        "on_job",
        "on_bulk",
        "on_commit",
        "on_order",
        "every_five_minutes",
        "yearly",
        "on_click",
        "on_change",
        "resize",
    ] {
        resource(&c, "aws_lambda_function", f);
    }
    resource(&c, "aws_iam_role", "default");
    resource(&c, "aws_iam_role_policy", "default");
    // REST API: body, deployment, stage, permission.
    let body: Value = serde_json::from_str(
        resource(&c, "aws_api_gateway_rest_api", "api")["body"]
            .as_str()
            .unwrap(),
    )
    .expect("the body is an OpenAPI JSON document");
    assert_eq!(body["openapi"], "3.0.1");
    assert_eq!(
        body["paths"]["/users/{id}"]["get"]["x-amazon-apigateway-integration"]["uri"],
        "${aws_lambda_function.api_handler.invoke_arn}"
    );
    resource(&c, "aws_api_gateway_deployment", "api");
    assert_eq!(
        resource(&c, "aws_api_gateway_stage", "api")["stage_name"],
        "api"
    );
    assert_eq!(
        resource(&c, "aws_lambda_permission", "api_handler")["source_arn"],
        "${aws_api_gateway_rest_api.api.execution_arn}/*"
    );
    // S3: permissions, and one notification resource for the bucket with both functions.
    resource(&c, "aws_lambda_permission", "on_upload");
    resource(&c, "aws_lambda_permission", "on_thumbnail");
    let n = resource(&c, "aws_s3_bucket_notification", "mybucket");
    assert_eq!(n["lambda_function"].as_array().map(Vec::len), Some(2));
    assert_eq!(n["lambda_function"][0]["filter_prefix"], "uploads/");
    assert_eq!(n["lambda_function"][0]["filter_suffix"], ".jpg");
    assert_eq!(
        n["depends_on"],
        json!([
            "aws_lambda_permission.on_upload",
            "aws_lambda_permission.on_thumbnail"
        ])
    );
    // SNS: topic looked up by name, or taken as an ARN.
    assert_eq!(
        resource(&c, "aws_sns_topic_subscription", "on_alert")["topic_arn"],
        "${data.aws_sns_topic.alerts.arn}"
    );
    assert_eq!(
        c["data"]["aws_sns_topic"]["alerts"],
        json!({"name": "alerts"})
    );
    assert_eq!(
        resource(&c, "aws_sns_topic_subscription", "on_audit")["topic_arn"],
        "arn:aws:sns:eu-west-1:210987654321:audit"
    );
    resource(&c, "aws_lambda_permission", "on_alert");
    // SQS, Kinesis, DynamoDB: event source mappings.
    let job = resource(&c, "aws_lambda_event_source_mapping", "on_job");
    assert_eq!(job["event_source_arn"], "${data.aws_sqs_queue.jobs.arn}");
    assert_eq!(
        job["function_response_types"],
        json!(["ReportBatchItemFailures"])
    );
    assert_eq!(
        resource(&c, "aws_lambda_event_source_mapping", "on_bulk")["scaling_config"],
        json!({"maximum_concurrency": 20})
    );
    let click = resource(&c, "aws_lambda_event_source_mapping", "on_click");
    assert_eq!(
        click["event_source_arn"],
        "${data.aws_kinesis_stream.clicks.arn}"
    );
    assert_eq!(click["starting_position"], "LATEST");
    assert_eq!(
        resource(&c, "aws_lambda_event_source_mapping", "on_change")["starting_position"],
        "TRIM_HORIZON"
    );
    // EventBridge: rule, target and permission per pattern or schedule.
    for f in ["on_commit", "on_order", "every_five_minutes", "yearly"] {
        resource(&c, "aws_cloudwatch_event_rule", f);
        resource(&c, "aws_cloudwatch_event_target", f);
        assert_eq!(
            resource(&c, "aws_lambda_permission", f)["source_arn"],
            format!("${{aws_cloudwatch_event_rule.{f}.arn}}")
        );
    }
    assert_eq!(
        resource(&c, "aws_cloudwatch_event_rule", "on_order")["event_bus_name"],
        "orders"
    );
    assert_eq!(
        resource(&c, "aws_cloudwatch_event_target", "on_order")["event_bus_name"],
        "orders"
    );
    assert_eq!(
        resource(&c, "aws_cloudwatch_event_rule", "yearly")["schedule_expression"],
        "cron(15 10 ? * 6L 2002-2005)"
    );
    assert_eq!(
        resource(&c, "aws_cloudwatch_event_rule", "on_commit")["event_pattern"],
        r#"{"source":["aws.codecommit"]}"#
    );
}

#[test]
fn http_api_has_a_route_per_method_and_an_auto_deployed_default_stage() {
    let c = config("prod");
    assert_eq!(
        resource(&c, "aws_apigatewayv2_api", "api")["protocol_type"],
        "HTTP"
    );
    let integration = resource(&c, "aws_apigatewayv2_integration", "api");
    assert_eq!(integration["payload_format_version"], "2.0");
    let mut keys: Vec<&str> = c["resource"]["aws_apigatewayv2_route"]
        .as_object()
        .expect("routes")
        .values()
        .filter_map(|r| r["route_key"].as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "DELETE /files/{proxy+}",
            "GET /",
            "GET /files/{proxy+}",
            "GET /users/{id}",
            "OPTIONS /users/{id}",
            "PUT /users/{id}"
        ]
    );
    let stage = resource(&c, "aws_apigatewayv2_stage", "api");
    assert_eq!(
        (&stage["name"], &stage["auto_deploy"]),
        (&json!("$default"), &json!(true))
    );
    assert_eq!(
        resource(&c, "aws_lambda_permission", "api_handler")["source_arn"],
        "${aws_apigatewayv2_api.api.execution_arn}/*"
    );
    assert!(c["resource"].get("aws_api_gateway_rest_api").is_none());
    // prod's log retention: the group exists before the function.
    assert_eq!(
        resource(&c, "aws_cloudwatch_log_group", "on_job")["retention_in_days"],
        30
    );
    let deps = &resource(&c, "aws_lambda_function", "on_job")["depends_on"];
    assert_eq!(
        deps,
        &json!([
            "aws_iam_role_policy.default",
            "aws_cloudwatch_log_group.on_job"
        ])
    );
}

#[test]
fn no_deprecated_terraform_resources_or_attributes() {
    for stage in STAGES {
        let c = config(stage);
        if let Some(deployment) = c["resource"]["aws_api_gateway_deployment"].get("api") {
            assert!(
                deployment.get("stage_name").is_none(),
                "stage_name of a deployment is deprecated"
            );
        }
        assert!(
            c["data"].get("aws_region").is_none(),
            "data.aws_region.name is deprecated in provider 6"
        );
        let rules = c["resource"]["aws_cloudwatch_event_rule"]
            .as_object()
            .expect("rules");
        assert!(
            rules.values().all(|r| r.get("is_enabled").is_none()),
            "is_enabled is deprecated"
        );
        assert_eq!(
            c["terraform"]["required_providers"]["aws"]["version"],
            ">= 5.0"
        );
    }
}

#[test]
fn user_strings_are_escaped_from_terraform_interpolation() {
    let c = config("dev");
    let env = &resource(&c, "aws_lambda_function", "api_handler")["environment"]["variables"];
    assert_eq!(
        env["GREETING"], "hello $${USER}",
        "a literal ${{USER}} must reach Lambda as written"
    );
    let f = resource(&c, "aws_lambda_function", "api_handler");
    assert_eq!(
        f["filename"], "${path.module}/helloworld-x86_64.zip",
        "the zip path is an expression"
    );
    assert_eq!(
        f["source_code_hash"],
        "${filebase64sha256(\"${path.module}/helloworld-x86_64.zip\")}"
    );
    assert_eq!(
        resource(&c, "aws_lambda_function", "resize")["filename"],
        "${path.module}/helloworld-arm64.zip"
    );
}

#[test]
fn api_keys_come_with_a_usage_plan_that_admits_the_key() {
    assert!(
        config("dev")["resource"]
            .get("aws_api_gateway_usage_plan")
            .is_none()
    );
    let (_, keyed) = common::lint_models()
        .into_iter()
        .find(|(name, _)| name == "dev-api-key")
        .expect("variant");
    let c = render_terraform(&keyed, &tf_options()).expect("renders");
    resource(&c, "aws_api_gateway_api_key", "api");
    let plan = resource(&c, "aws_api_gateway_usage_plan", "api");
    assert_eq!(
        plan["api_stages"][0]["stage"],
        "${aws_api_gateway_stage.api.stage_name}"
    );
    let link = resource(&c, "aws_api_gateway_usage_plan_key", "api");
    assert_eq!(link["key_id"], "${aws_api_gateway_api_key.api.id}");
}

#[test]
fn missing_zip_for_an_architecture_is_an_error() {
    let options = TfOptions::new().zip(Architecture::Arm64, "arm.zip");
    let err = render_terraform(&model("dev"), &options).unwrap_err();
    assert!(err.to_string().contains("architecture x86_64"), "{err}");
}

#[test]
fn terraform_configs_pass_terraform_validate_with_no_warning() {
    let Some((terraform, plugins)) = common::terraform() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    // `filebase64sha256` reads the zips at validation: put them where package writes them.
    for zip in ["helloworld-x86_64.zip", "helloworld-arm64.zip"] {
        std::fs::write(dir.path().join(zip), b"PK").expect("write zip");
    }
    let tf = |args: &[&str]| {
        common::run(
            std::process::Command::new(&terraform)
                .args(args)
                .current_dir(dir.path())
                .env("TF_CLI_CONFIG_FILE", "/dev/null")
                .env("CHECKPOINT_DISABLE", "1")
                .env("TF_IN_AUTOMATION", "1"),
        )
    };
    for (i, (stage, model)) in common::lint_models().into_iter().enumerate() {
        let config = render_terraform(&model, &tf_options()).expect("fixture renders");
        std::fs::write(
            dir.path().join("flagon.tf.json"),
            serde_json::to_string_pretty(&config).expect("json"),
        )
        .expect("write");
        if i == 0 {
            let plugin_dir = format!("-plugin-dir={}", plugins.display());
            let (code, out) = tf(&["init", "-input=false", "-no-color", &plugin_dir]);
            assert_eq!(code, 0, "terraform init:\n{out}");
        }
        let (code, out) = tf(&["validate", "-json", "-no-color"]);
        let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(code, 0, "terraform validate {stage}:\n{out}");
        assert_eq!(
            (&report["valid"], &report["warning_count"]),
            (&json!(true), &json!(0)),
            "terraform validate {stage}:\n{out}"
        );
    }
}
