//! The moto harness: every test starts its own `moto_server` on a free port, so tests run in
//! parallel with no shared state.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use flagon_aws::{Aws, CallLog};
use flagon_config::{Config, Overrides};
use flagon_manifest::{Manifest, Trigger};
use flagon_model::{Architecture, Code, Model};

/// A running moto server, killed on drop.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_moto() -> Option<PathBuf> {
    let exe = "moto_server";
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(exe);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.venv/bin")
        .join(exe);
    venv.is_file().then_some(venv)
}

/// Starts moto, or returns `None` (after a note) when it is missing and tools are optional.
pub fn moto() -> Option<Moto> {
    let Some(exe) = find_moto() else {
        if std::env::var("FLAGON_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!(
                "moto_server is required (FLAGON_REQUIRE_TOOLS=1) but is not on PATH or in .venv/bin"
            );
        }
        eprintln!("skipping: moto_server not found (run scripts/tools.sh)");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(exe)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let (status, _) = moto.raw(
                "POST",
                "/moto-api/config",
                &[("Content-Type", "application/json")],
                r#"{"lambda":{"use_docker":false}}"#,
            );
            assert!(
                (200..300).contains(&status),
                "moto accepts its lambda config: {status}"
            );
            return Some(moto);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("moto_server did not start on port {port}");
}

impl Moto {
    /// One HTTP/1.1 request; returns status and body.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let addr = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        stream.write_all(req.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// A JSON-protocol call to a service without an SDK crate here (SQS, Kinesis, DynamoDB):
    /// moto routes it by the credential scope of the (unchecked) signature.
    pub fn json_call(&self, service: &str, target: &str, body: &str) -> serde_json::Value {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, \
             SignedHeaders=host, Signature=0"
        );
        let (status, text) = self.raw(
            "POST",
            "/",
            &[
                ("Authorization", &auth),
                ("X-Amz-Target", target),
                ("Content-Type", "application/x-amz-json-1.0"),
            ],
            body,
        );
        assert_eq!(status, 200, "{target}: {text}");
        serde_json::from_str(&text).unwrap_or_default()
    }

    /// The SDK clients, pointed at this moto with fake credentials, counting into `log`.
    pub async fn aws(&self, log: Arc<CallLog>) -> Aws {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "testing", "testing", None, None, "moto",
            ))
            .endpoint_url(&self.endpoint)
            .load()
            .await;
        Aws::from_sdk_config(&sdk, log)
    }
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
        let mappings = lambda
            .list_event_source_mappings()
            .function_name(name)
            .send()
            .await
            .unwrap();
        for m in mappings.event_source_mappings() {
            out.push(format!("mapping {name} {}", m.event_source_arn().unwrap()));
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
        let subs = aws
            .sns_client()
            .list_subscriptions_by_topic()
            .topic_arn(arn)
            .send()
            .await
            .unwrap();
        for s in subs.subscriptions() {
            out.push(format!("subscription {topic} {}", s.endpoint().unwrap()));
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
