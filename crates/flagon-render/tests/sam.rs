//! The SAM/CloudFormation templates of the fixture app (every trigger kind; a REST API in
//! `dev`, an HTTP API in `prod`), snapshot-tested and validated by the real tools:
//! `cfn-lint` on JSON and YAML, and aws-sam-translator's offline expansion, linted again.

mod common;

use std::path::Path;
use std::process::Command;

use flagon_model::Architecture;
use flagon_render::{SamOptions, deep_merge, parse_template, render_sam, to_yaml};
use serde_json::{Value, json};

use common::{STAGES, cfn_lint, model, run, sam_options, sam_python};

/// cfn-lint rules a model's templates may break, and why. Only one, for one model:
/// W3005 (a `DependsOn` already implied by a `Ref`) on the resources SAM itself generates
/// for a usage plan (`RestApiUsagePlanKey` on `RestApiApiKey`, `RestApiUsagePlan` on
/// `RestApi`); Flagon writes no such `DependsOn`, and every other model passes every rule.
fn ignored_cfn_lint_rules(model: &str) -> &'static [&'static str] {
    if model == "dev-api-key" {
        &["W3005"]
    } else {
        &[]
    }
}

/// Files to lint, grouped by the rules they may break.
#[derive(Default)]
struct LintBatches(std::collections::BTreeMap<&'static [&'static str], Vec<std::path::PathBuf>>);

impl LintBatches {
    fn add(&mut self, model: &str, file: std::path::PathBuf) {
        self.0
            .entry(ignored_cfn_lint_rules(model))
            .or_default()
            .push(file);
    }

    fn assert_clean(&self, cfn_lint: &Path) -> usize {
        for (ignored, files) in &self.0 {
            assert_cfn_lint_clean(cfn_lint, files, ignored);
        }
        self.0.values().map(Vec::len).sum()
    }
}

fn template(stage: &str) -> Value {
    render_sam(&model(stage), &sam_options()).expect("fixture renders")
}

/// cfn-lint on `files` (one run: it starts slowly); panics with its report unless clean.
fn assert_cfn_lint_clean(cfn_lint: &Path, files: &[std::path::PathBuf], ignored: &[&str]) {
    let mut command = Command::new(cfn_lint);
    command.arg("--format").arg("parseable");
    for rule in ignored {
        command.arg("--ignore-checks").arg(rule);
    }
    let (code, report) = run(command.arg("--").args(files));
    assert_eq!(code, 0, "cfn-lint found problems:\n{report}");
}

#[test]
fn sam_json_snapshots() {
    for stage in STAGES {
        insta::assert_json_snapshot!(format!("sam_{stage}"), template(stage));
    }
}

#[test]
fn sam_templates_pass_cfn_lint_as_json_and_yaml() {
    let Some(cfn_lint) = cfn_lint() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = LintBatches::default();
    for (stage, model) in common::lint_models() {
        let t = render_sam(&model, &sam_options()).expect("fixture renders");
        let json_file = dir.path().join(format!("{stage}.json"));
        std::fs::write(&json_file, serde_json::to_string_pretty(&t).expect("json")).expect("write");
        files.add(&stage, json_file);
        let yaml_file = dir.path().join(format!("{stage}.yaml"));
        std::fs::write(&yaml_file, to_yaml(&t)).expect("write");
        files.add(&stage, yaml_file);
    }
    assert_eq!(files.assert_clean(&cfn_lint), 14);
}

#[test]
fn sam_templates_expand_offline_and_the_expansion_passes_cfn_lint() {
    let (Some(python), Some(cfn_lint)) = (sam_python(), cfn_lint()) else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/sam_translate.py");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut expansions = LintBatches::default();
    for (stage, model) in common::lint_models() {
        // What `sam deploy` would upload the zips as.
        let options = SamOptions::new()
            .code(
                Architecture::X86_64,
                "s3://flagon-artifacts/helloworld-x86_64.zip",
            )
            .code(
                Architecture::Arm64,
                "s3://flagon-artifacts/helloworld-arm64.zip",
            );
        let t = render_sam(&model, &options).expect("fixture renders");
        for (format, text) in [
            ("json", serde_json::to_string_pretty(&t).expect("json")),
            ("yaml", to_yaml(&t)),
        ] {
            let input = dir.path().join(format!("{stage}.{format}"));
            let output = dir.path().join(format!("{stage}-{format}.expanded.json"));
            std::fs::write(&input, text).expect("write");
            let (code, report) = run(Command::new(&python)
                .arg(&script)
                .arg("--template-file")
                .arg(&input)
                .arg("--output-template")
                .arg(&output)
                .env("AWS_DEFAULT_REGION", "us-east-1"));
            assert_eq!(
                code, 0,
                "aws-sam-translator refused {stage}.{format}:\n{report}"
            );
            let expanded: Value =
                serde_json::from_str(&std::fs::read_to_string(&output).expect("expanded"))
                    .expect("json");
            assert_expansion_has_the_api_and_functions(&stage, &expanded);
            expansions.add(&stage, output);
        }
    }
    assert_eq!(expansions.assert_clean(&cfn_lint), 14);
}

/// SAM turned the serverless resources into plain ones: each function with its S3 code,
/// the API with the stage the model names.
fn assert_expansion_has_the_api_and_functions(stage: &str, expanded: &Value) {
    let resources = expanded["Resources"].as_object().expect("resources");
    assert!(resources.values().all(|r| {
        !r["Type"]
            .as_str()
            .unwrap_or("")
            .starts_with("AWS::Serverless::")
    }));
    let code = &resources["ApiHandlerFunction"]["Properties"]["Code"];
    assert_eq!(
        code,
        &json!({"S3Bucket": "flagon-artifacts", "S3Key": "helloworld-x86_64.zip"})
    );
    let types: Vec<&str> = resources
        .values()
        .filter_map(|r| r["Type"].as_str())
        .collect();
    if stage.starts_with("dev") {
        assert!(
            types.contains(&"AWS::ApiGateway::RestApi")
                && types.contains(&"AWS::ApiGateway::Deployment")
        );
        let stages: Vec<&Value> = resources
            .values()
            .filter(|r| r["Type"] == "AWS::ApiGateway::Stage")
            .collect();
        assert_eq!(stages.len(), 1, "one stage, no extra `Stage` stage");
        assert_eq!(stages[0]["Properties"]["StageName"], "api");
        if stage == "dev-api-key" {
            for kind in [
                "AWS::ApiGateway::UsagePlan",
                "AWS::ApiGateway::ApiKey",
                "AWS::ApiGateway::UsagePlanKey",
            ] {
                assert!(types.contains(&kind), "an API with keys gets {kind}");
            }
        } else {
            assert!(!types.contains(&"AWS::ApiGateway::UsagePlan"));
        }
    } else {
        assert!(types.contains(&"AWS::ApiGatewayV2::Api"));
        let stage = resources
            .values()
            .find(|r| r["Type"] == "AWS::ApiGatewayV2::Stage")
            .expect("stage");
        assert_eq!(stage["Properties"]["StageName"], "$default");
        assert_eq!(stage["Properties"]["AutoDeploy"], true);
    }
}

#[test]
fn every_trigger_is_wired_in_the_sam_template() {
    let t = template("dev");
    let r = &t["Resources"];
    let kind = |id: &str| {
        r[id]["Type"]
            .as_str()
            .unwrap_or_else(|| panic!("no resource {id}"))
            .to_owned()
    };
    assert_eq!(kind("RestApi"), "AWS::Serverless::Api");
    assert_eq!(kind("ApiHandlerPermission"), "AWS::Lambda::Permission");
    assert_eq!(
        kind("OnUploadS3Notification"),
        "Custom::FlagonS3Notification"
    );
    assert_eq!(kind("OnUploadPermission"), "AWS::Lambda::Permission");
    assert_eq!(kind("OnAlertSnsSubscription"), "AWS::SNS::Subscription");
    assert_eq!(kind("OnAlertPermission"), "AWS::Lambda::Permission");
    assert!(
        r["OnAlertSnsSubscription"]["Properties"]
            .get("Region")
            .is_none()
    );
    assert_eq!(
        r["OnAuditSnsSubscription"]["Properties"]["Region"], "eu-west-1",
        "a topic of another region is subscribed to there"
    );
    assert_eq!(
        kind("OnJobEventSourceMapping"),
        "AWS::Lambda::EventSourceMapping"
    );
    assert_eq!(kind("OnCommitEventRule"), "AWS::Events::Rule");
    assert_eq!(kind("OnCommitPermission"), "AWS::Lambda::Permission");
    assert_eq!(kind("EveryFiveMinutesEventRule"), "AWS::Events::Rule");
    assert_eq!(
        kind("OnClickEventSourceMapping"),
        "AWS::Lambda::EventSourceMapping"
    );
    assert_eq!(
        kind("OnChangeEventSourceMapping"),
        "AWS::Lambda::EventSourceMapping"
    );
    assert_eq!(kind("ResizeFunction"), "AWS::Serverless::Function");
    assert_eq!(
        r["ResizeFunction"]["Properties"]["CodeUri"],
        "./helloworld-arm64.zip"
    );
    assert_eq!(
        r["ResizeFunction"]["Properties"]["Architectures"],
        json!(["arm64"])
    );
    assert_eq!(
        r["OnJobEventSourceMapping"]["Properties"]["EventSourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs"})
    );
    let t = template("prod");
    assert_eq!(
        t["Resources"]["HttpApi"]["Type"],
        "AWS::Serverless::HttpApi"
    );
    assert_eq!(
        t["Resources"]["OnJobLogGroup"]["Properties"]["RetentionInDays"],
        30
    );
    assert_eq!(
        t["Resources"]["OnJobFunction"]["DependsOn"],
        json!(["OnJobLogGroup"])
    );
}

#[test]
fn s3_notifications_of_one_bucket_run_one_after_another_after_their_permission() {
    let t = template("dev");
    let r = &t["Resources"];
    assert_eq!(
        r["OnUploadS3Notification"]["DependsOn"],
        json!(["OnUploadPermission"])
    );
    assert_eq!(
        r["OnThumbnailS3Notification"]["DependsOn"],
        json!(["OnThumbnailPermission", "OnUploadS3Notification"])
    );
    assert_eq!(
        r["OnUploadS3Notification"]["Properties"]["NotificationId"],
        "helloworld-dev-on_upload"
    );
    let notifier_policy = &r["FlagonS3NotifierIam"]["Properties"]["Policies"][0]["PolicyDocument"];
    assert_eq!(
        notifier_policy["Statement"][0]["Resource"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:s3:::mybucket"}]),
        "the notifier may configure this app's buckets only"
    );
}

#[test]
fn template_without_s3_events_has_no_notifier() {
    let mut m = model("dev");
    m.resources
        .retain(|r| !matches!(r, flagon_model::Resource::S3Notification(_)));
    let t = render_sam(&m, &sam_options()).expect("renders");
    assert!(t["Resources"].get("FlagonS3NotifierLambda").is_none());
    assert!(t["Resources"].get("FlagonS3NotifierIam").is_none());
}

#[test]
fn cors_routes_answer_options_through_the_function() {
    let t = template("dev");
    let paths = &t["Resources"]["RestApi"]["Properties"]["DefinitionBody"]["paths"];
    let options = &paths["/users/{id}"]["options"]["x-amazon-apigateway-integration"];
    assert_eq!(options["type"], "aws_proxy");
    assert_eq!(options["httpMethod"], "POST");
    assert!(
        paths["/"].get("options").is_none(),
        "no CORS, no preflight route"
    );
}

#[test]
fn missing_package_for_an_architecture_names_the_function() {
    let options = SamOptions::new().code(Architecture::X86_64, "./x.zip");
    let err = render_sam(&model("dev"), &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "render function `resize`: no package was given for architecture arm64; build the app for arm64 first"
    );
}

#[test]
fn merge_template_adds_resources_and_overrides_properties() {
    let mut t = template("dev");
    let overlay = std::fs::read_to_string(common::fixture("merge.yaml")).expect("merge fixture");
    deep_merge(
        &mut t,
        parse_template(&overlay).expect("merge fixture parses"),
    );
    let r = &t["Resources"];
    assert_eq!(r["ApiHandlerFunction"]["Properties"]["MemorySize"], 2048);
    assert_eq!(
        r["ApiHandlerFunction"]["Properties"]["Handler"], "api_handler",
        "untouched keys stay"
    );
    assert_eq!(
        r["Uploads"]["Properties"]["TopicName"],
        json!({"Fn::Sub": "${AWS::StackName}-uploads"})
    );
    assert_eq!(
        t["Outputs"]["UploadsTopic"]["Value"],
        json!({"Ref": "Uploads"})
    );
}

#[test]
fn s3_notifier_merges_its_entry_keeps_the_others_and_removes_only_its_own() {
    let Some(python) = common::moto_python() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out) = run(Command::new(python)
        .arg(root.join("tests/tools/s3_notifier_steps.py"))
        .arg(root.join("src/sam/s3_notifier.py")));
    assert_eq!(code, 0, "{out}");
    let steps: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let ours = |step: &Value| -> Vec<Value> {
        step["configuration"]["LambdaFunctionConfigurations"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter(|c| c["Id"] == "helloworld-dev-on_upload")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    let others_kept = |step: &Value| {
        let conf = &step["configuration"];
        conf["QueueConfigurations"][0]["Id"] == "queue-entry"
            && conf["LambdaFunctionConfigurations"][0]["Id"] == "someone-else"
    };
    let [create, update, delete, delete_gone, create_missing] =
        steps.as_array().expect("steps").as_slice()
    else {
        panic!("five steps expected: {out}")
    };
    for step in [create, update, delete, delete_gone] {
        assert_eq!(step["response"]["Status"], "SUCCESS", "{step}");
        assert_eq!(
            step["response"]["PhysicalResourceId"],
            "mybucket/helloworld-dev-on_upload"
        );
    }
    assert!(
        others_kept(create) && others_kept(update) && others_kept(delete),
        "{out}"
    );
    assert_eq!(
        ours(create),
        [json!({
            "Id": "helloworld-dev-on_upload",
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:helloworld-dev-on_upload",
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [
                {"Name": "prefix", "Value": "uploads/"},
                {"Name": "suffix", "Value": ".jpg"}
            ]}}
        })]
    );
    let updated = ours(update);
    assert_eq!(
        updated.len(),
        1,
        "an update replaces the entry, never duplicates it"
    );
    assert_eq!(
        updated[0]["Filter"]["Key"]["FilterRules"][0]["Value"],
        "incoming/"
    );
    assert!(ours(delete).is_empty());
    assert_eq!(
        create_missing["response"]["Status"], "FAILED",
        "a failure reaches CloudFormation"
    );
    assert!(
        create_missing["response"]["Reason"]
            .as_str()
            .is_some_and(|r| r.contains("NoSuchBucket")),
        "{out}"
    );
}

#[test]
fn yaml_templates_read_back_identically_with_a_yaml_1_1_reader() {
    // PyYAML reads YAML 1.1, as CloudFormation, the AWS CLI and cfn-lint do: a plain `on`
    // or `2010-09-09` would come back as a boolean or a date.
    let Some(python) = sam_python() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let read_back = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
    for (stage, model) in common::lint_models() {
        let mut t = render_sam(&model, &sam_options()).expect("fixture renders");
        t["Resources"]["ApiHandlerFunction"]["Properties"]["Environment"]["Variables"]["TRICKY"] =
            json!([
                "on",
                "No",
                "010",
                "1:20",
                "2024-01-01",
                "~",
                "*",
                "a: b",
                "é",
                " x",
                "multi\nline\n"
            ]);
        let file = dir.path().join(format!("{stage}.yaml"));
        std::fs::write(&file, to_yaml(&t)).expect("write");
        let (code, out) = run(Command::new(&python).arg("-c").arg(read_back).arg(&file));
        assert_eq!(code, 0, "{out}");
        let back: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(back, t, "{stage}: YAML read back differs");
    }
}
