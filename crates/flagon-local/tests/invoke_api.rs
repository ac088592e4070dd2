//! Lambda's Invoke API served by `local`: plain HTTP, and boto3 (from the tools venv) as
//! an AWS SDK would call it.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use common::http::request;
use flagon_local::{ApiType, AppSpec, Emulator, invoke_api};
use serde_json::json;

async fn start() -> Option<(SocketAddr, Arc<Emulator>, std::path::PathBuf)> {
    let python = common::python_with_awslambdaric()?;
    let mut echo = common::python_function(&python, "echo", "echo");
    echo.function_name = "app-dev-echo".into();
    let fail = common::python_function(&python, "fail", "fail");
    let app = AppSpec {
        app: "app".into(),
        region: "us-east-1".into(),
        api: None,
        api_type: ApiType::Rest,
        api_stage: "api".into(),
        functions: vec![echo, fail],
    };
    let emulator = Emulator::new(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(invoke_api::serve(listener, emulator.clone()));
    Some((addr, emulator, python))
}

#[tokio::test]
async fn invoke_by_manifest_name_function_name_or_arn() {
    let Some((addr, _e, _)) = start().await else {
        return;
    };
    for name in [
        "echo",
        "app-dev-echo",
        "arn:aws:lambda:us-east-1:123456789012:function:app-dev-echo",
    ] {
        let r = request(
            addr,
            "POST",
            &format!("/2015-03-31/functions/{name}/invocations"),
            &[],
            br#"{"n":1}"#,
        )
        .await;
        assert_eq!(r.status, 200, "{name}");
        assert_eq!(r.json()["event"], json!({"n": 1}));
        assert_eq!(r.header("x-amz-function-error"), None);
        assert_eq!(r.header("x-amz-executed-version"), Some("$LATEST"));
    }
}

#[tokio::test]
async fn function_error_unknown_function_and_invocation_types() {
    let Some((addr, _e, _)) = start().await else {
        return;
    };
    let r = request(
        addr,
        "POST",
        "/2015-03-31/functions/fail/invocations",
        &[],
        b"{}",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    assert_eq!(r.json()["errorType"], "ValueError");

    let r = request(
        addr,
        "POST",
        "/2015-03-31/functions/nope/invocations",
        &[],
        b"{}",
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("ResourceNotFoundException")
    );

    let r = request(
        addr,
        "POST",
        "/2015-03-31/functions/echo/invocations",
        &[("x-amz-invocation-type", "DryRun")],
        b"{}",
    )
    .await;
    assert_eq!(r.status, 204);
    let r = request(
        addr,
        "POST",
        "/2015-03-31/functions/echo/invocations",
        &[("x-amz-invocation-type", "Event")],
        b"{}",
    )
    .await;
    assert_eq!(r.status, 202);
}

#[tokio::test]
async fn boto3_invokes_a_local_function() {
    let Some((addr, _e, python)) = start().await else {
        return;
    };
    let script = format!(
        r#"
import boto3, json
client = boto3.client("lambda", endpoint_url="http://{addr}", region_name="us-east-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
ok = client.invoke(FunctionName="app-dev-echo", Payload=json.dumps({{"from": "boto3"}}))
failed = client.invoke(FunctionName="fail", Payload=b"{{}}")
try:
    client.invoke(FunctionName="missing")
    missing = "no error"
except client.exceptions.ResourceNotFoundException:
    missing = "ResourceNotFoundException"
print(json.dumps({{"event": json.loads(ok["Payload"].read())["event"],
                   "status": ok["StatusCode"],
                   "error": failed.get("FunctionError"),
                   "missing": missing}}))
"#
    );
    let output = tokio::process::Command::new(&python)
        .args(["-c", &script])
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        result,
        json!({"event": {"from": "boto3"}, "status": 200, "error": "Unhandled", "missing": "ResourceNotFoundException"})
    );
}
