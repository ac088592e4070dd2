//! The fixture app deployed to moto (the harness itself is `flagon_aws::testing`, shared with
//! the CLI's tests): its sources, manifest, model, package, and a fingerprint of a deploy.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use flagon_aws::Aws;
pub use flagon_aws::testing::Moto;
use flagon_config::{Config, Overrides};
use flagon_manifest::{Manifest, Trigger};
use flagon_model::{Architecture, Code, Model};

/// Deploys `model` with its state in `dir` (stage `dev`), which must succeed.
pub async fn deploy(aws: &Aws, model: &Model, dir: &Path) -> flagon_aws::DeployReport {
    aws.deploy(model, &flagon_aws::state_path(dir, "dev"), &mut |_| {})
        .await
        .expect("deploy succeeds")
}

/// Starts moto, or returns `None` (after a note) when it is missing and tools are optional.
pub fn moto() -> Option<Moto> {
    Moto::start()
}

/// The event sources the fixture app needs, created in moto; returns the DynamoDB stream ARN.
pub async fn create_sources(moto: &Moto, aws: &Aws) -> String {
    moto.json_call("sqs", "AmazonSQS.CreateQueue", r#"{"QueueName":"jobs"}"#);
    moto.json_call("sqs", "AmazonSQS.CreateQueue", r#"{"QueueName":"jobs2"}"#);
    moto.json_call(
        "kinesis",
        "Kinesis_20131202.CreateStream",
        r#"{"StreamName":"clicks","ShardCount":1}"#,
    );
    let table = moto.json_call(
        "dynamodb",
        "DynamoDB_20120810.CreateTable",
        r#"{"TableName":"users","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
            "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
            "BillingMode":"PAY_PER_REQUEST",
            "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}"#,
    );
    for bucket in ["uploads", "uploads2"] {
        aws.s3_client()
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .unwrap();
    }
    for topic in ["alerts", "alerts2"] {
        aws.sns_client()
            .create_topic()
            .name(topic)
            .send()
            .await
            .unwrap();
    }
    table["TableDescription"]["LatestStreamArn"]
        .as_str()
        .expect("a stream ARN")
        .to_owned()
}

/// The fixture manifest with the DynamoDB stream filled in.
pub fn manifest(stream_arn: &str) -> Manifest {
    let text = std::fs::read_to_string(fixture("manifest.json")).unwrap();
    let mut manifest = Manifest::from_json(&text).unwrap();
    for f in &mut manifest.functions {
        if let Trigger::Dynamodb {
            stream_arn: arn, ..
        } = &mut f.trigger
        {
            *arn = stream_arn.to_owned();
        }
    }
    manifest
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The model of `manifest` with the fixture Flagon.toml, in stage `dev`, with a package built
/// from `bootstrap` (moto does not run it, any bytes do).
pub fn model(manifest: &Manifest, dir: &Path, bootstrap: &[u8]) -> Model {
    let path = fixture("Flagon.toml");
    let config = Config::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut model = Model::build(manifest, &config, "dev", &Overrides::default()).unwrap();
    let code = package(dir, bootstrap);
    for arch in [Architecture::X86_64, Architecture::Arm64] {
        model.attach_code(arch, &code);
    }
    model
}

/// A zip with `bootstrap` at its root, and its base64 SHA-256 as Lambda reports it.
pub fn package(dir: &Path, bootstrap: &[u8]) -> Code {
    use base64::Engine as _;
    use sha2::Digest as _;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .unix_permissions(0o755)
            .last_modified_time(zip::DateTime::default());
        zip.start_file("bootstrap", options).unwrap();
        zip.write_all(bootstrap).unwrap();
        zip.finish().unwrap();
    }
    let bytes = buf.into_inner();
    let sha = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&bytes));
    let zip_path = dir.join(format!("bootstrap-{}.zip", &sha[..8].replace('/', "_")));
    std::fs::write(&zip_path, &bytes).unwrap();
    Code {
        zip_path,
        sha256: sha,
    }
}

/// The endpoints subscribed to the SNS topic `topic_arn`.
pub async fn subscriptions(aws: &Aws, topic_arn: &str) -> Vec<String> {
    let out = aws
        .sns_client()
        .list_subscriptions_by_topic()
        .topic_arn(topic_arn)
        .send()
        .await
        .unwrap();
    out.subscriptions()
        .iter()
        .map(|s| s.endpoint().unwrap().to_owned())
        .collect()
}

/// The source ARNs of the event source mappings of `function`, or of every function.
pub async fn mapping_sources(aws: &Aws, function: Option<&str>) -> Vec<String> {
    let out = aws
        .lambda_client()
        .list_event_source_mappings()
        .set_function_name(function.map(str::to_owned))
        .send()
        .await
        .unwrap();
    out.event_source_mappings()
        .iter()
        .map(|m| m.event_source_arn().unwrap().to_owned())
        .collect()
}

/// What a deploy left in AWS, without generated ids: functions with their code hash,
/// permission statement ids, mappings, subscriptions, bucket entries, rules and targets, APIs
/// by name, roles. Two deploys of one model give equal fingerprints.
pub async fn fingerprint(aws: &Aws) -> Vec<String> {
    let mut out = Vec::new();
    let lambda = aws.lambda_client();
    let functions = lambda.list_functions().send().await.unwrap();
    for f in functions.functions() {
        let name = f.function_name().unwrap();
        out.push(format!(
            "function {name} {}",
            f.code_sha256().unwrap_or_default()
        ));
        if let Ok(policy) = lambda.get_policy().function_name(name).send().await {
            let doc: serde_json::Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
            for s in doc["Statement"].as_array().unwrap() {
                out.push(format!("permission {name} {}", s["Sid"]));
            }
        }
        for source in mapping_sources(aws, Some(name)).await {
            out.push(format!("mapping {name} {source}"));
        }
    }
    for bucket in ["uploads", "uploads2"] {
        for n in aws
            .lambda_notifications(bucket)
            .await
            .unwrap()
            .unwrap_or_default()
        {
            out.push(format!("notification {bucket} {n:?}"));
        }
    }
    for topic in ["alerts", "alerts2"] {
        let arn = format!("arn:aws:sns:us-east-1:123456789012:{topic}");
        for endpoint in subscriptions(aws, &arn).await {
            out.push(format!("subscription {topic} {endpoint}"));
        }
    }
    let rules = aws.events_client().list_rules().send().await.unwrap();
    for r in rules.rules() {
        let name = r.name().unwrap();
        let targets = aws
            .events_client()
            .list_targets_by_rule()
            .rule(name)
            .send()
            .await
            .unwrap();
        for t in targets.targets() {
            out.push(format!(
                "rule {name} {:?} {:?} {} {}",
                r.schedule_expression(),
                r.event_pattern(),
                t.id(),
                t.arn()
            ));
        }
    }
    let apis = aws
        .apigateway_client()
        .get_rest_apis()
        .send()
        .await
        .unwrap();
    for a in apis.items() {
        out.push(format!("rest api {}", a.name().unwrap()));
    }
    let http = aws.apigatewayv2_client().get_apis().send().await.unwrap();
    for a in http.items() {
        out.push(format!("http api {}", a.name().unwrap()));
    }
    let roles = aws.iam_client().list_roles().send().await.unwrap();
    for r in roles.roles() {
        out.push(format!("role {}", r.role_name()));
    }
    // DynamoDB stream labels are timestamps: two emulators never agree on them.
    let mut out: Vec<String> = out
        .into_iter()
        .map(|line| match line.find("table/users/stream/") {
            Some(i) => format!("{}table/users/stream/*", &line[..i]),
            None => line,
        })
        .collect();
    out.sort();
    out
}
