//! The Runtime API emulator, checked with AWS's own runtime client (awslambdaric) serving
//! Python handlers: an independent implementation of the client side.

mod common;

use std::sync::Arc;
use std::time::Duration;

use flagon_local::{EXIT_ERROR, Outcome, Pool};
use serde_json::{Value, json};

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

fn response(invocation: &flagon_local::Invocation) -> Value {
    match &invocation.outcome {
        Outcome::Response(body) => json_of(body),
        Outcome::Error { error_type, body } => {
            panic!("{error_type}: {}", String::from_utf8_lossy(body))
        }
    }
}

#[tokio::test]
async fn event_and_runtime_headers_reach_the_python_runtime() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let mut spec = common::python_function(&python, "echo", "echo");
    spec.function_name = "app-dev-echo".into();
    let pool = Pool::new(spec, "eu-west-1");
    let invocation = pool.invoke(r#"{"hello":"world"}"#.into()).await.unwrap();
    let answer = response(&invocation);
    assert_eq!(answer["event"], json!({"hello": "world"}));
    assert_eq!(answer["request_id"], invocation.request_id.as_str());
    assert_eq!(
        answer["function_arn"],
        "arn:aws:lambda:eu-west-1:123456789012:function:app-dev-echo"
    );
    let remaining = answer["remaining_ms"].as_i64().unwrap();
    assert!(
        remaining > 0 && remaining <= 10_000,
        "deadline header wrong: {remaining}"
    );
    assert!(
        answer["trace_id"].as_str().unwrap().starts_with("Root=1-"),
        "{answer}"
    );
}

#[tokio::test]
async fn lambda_environment_is_set() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let mut spec = common::python_function(&python, "env", "environment");
    spec.function_name = "app-dev-env".into();
    spec.memory_mb = 512;
    spec.environment.insert("GREETING".into(), "hello".into());
    let pool = Pool::new(spec, "eu-west-1");
    let answer = response(&pool.invoke("{}".into()).await.unwrap());
    assert_eq!(
        answer,
        json!({
            "_HANDLER": "handlers.environment",
            "AWS_LAMBDA_FUNCTION_NAME": "app-dev-env",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/app-dev-env",
            "AWS_REGION": "eu-west-1",
            "GREETING": "hello",
            "memory_limit": "512",
            "function_name": "app-dev-env",
        })
    );
}

#[tokio::test]
async fn warm_instance_serves_the_next_event() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let pool = Pool::new(
        common::python_function(&python, "sleep", "sleep"),
        "us-east-1",
    );
    let first = response(&pool.invoke("{}".into()).await.unwrap());
    let second = response(&pool.invoke("{}".into()).await.unwrap());
    assert_eq!(first["pid"], second["pid"]);
    assert_eq!(pool.instances_started(), 1);
}

#[tokio::test]
async fn function_error_is_reported_with_its_type() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let pool = Pool::new(
        common::python_function(&python, "fail", "fail"),
        "us-east-1",
    );
    let invocation = pool.invoke(r#"{"x":1}"#.into()).await.unwrap();
    assert_eq!(invocation.function_error(), Some("Unhandled"));
    let Outcome::Error { error_type, body } = &invocation.outcome else {
        panic!("no error")
    };
    assert_eq!(error_type, "ValueError");
    let body = json_of(body);
    assert_eq!(body["errorType"], "ValueError");
    assert_eq!(body["errorMessage"], r#"boom: {"x": 1}"#);
    // A function error does not cost the instance.
    pool.invoke("{}".into()).await.unwrap();
    assert_eq!(pool.instances_started(), 1);
}

#[tokio::test]
async fn timed_out_instance_is_killed_and_replaced() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let mut spec = common::python_function(&python, "sleep", "sleep");
    spec.timeout = Duration::from_secs(1);
    let pool = Pool::new(spec, "us-east-1");
    let warm = response(&pool.invoke(r#"{"seconds":0}"#.into()).await.unwrap());
    let slow = pool.invoke(r#"{"seconds":30}"#.into()).await.unwrap();
    let Outcome::Error { body, .. } = &slow.outcome else {
        panic!("no timeout")
    };
    let message = json_of(body)["errorMessage"].as_str().unwrap().to_owned();
    assert!(
        message.ends_with(&format!(
            "{} Task timed out after 1.00 seconds",
            slow.request_id
        )),
        "{message}"
    );
    let old_pid = warm["pid"].as_i64().unwrap();
    let after = response(&pool.invoke(r#"{"seconds":0}"#.into()).await.unwrap());
    assert_ne!(after["pid"].as_i64().unwrap(), old_pid);
    assert_eq!(pool.instances_started(), 2);
    // The killed process is gone, not left sleeping.
    assert!(!std::path::Path::new(&format!("/proc/{old_pid}")).exists() || is_zombie(old_pid));
}

fn is_zombie(pid: i64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.contains(") Z "))
        .unwrap_or(true)
}

#[tokio::test]
async fn crashed_instance_is_reported_and_replaced() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let pool = Pool::new(
        common::python_function(&python, "crash", "crash"),
        "us-east-1",
    );
    let crashed = pool.invoke(r#"{"crash":true}"#.into()).await.unwrap();
    let Outcome::Error { error_type, body } = &crashed.outcome else {
        panic!("no crash")
    };
    assert_eq!(error_type, EXIT_ERROR);
    assert_eq!(
        json_of(body)["errorMessage"],
        format!(
            "RequestId: {} Error: Runtime exited with error: exit status 3",
            crashed.request_id
        )
    );
    let fine = response(&pool.invoke(r#"{"crash":false}"#.into()).await.unwrap());
    assert!(fine["pid"].is_i64());
    assert_eq!(pool.instances_started(), 2);
}

#[tokio::test]
async fn missing_handler_is_an_init_error() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let pool = Pool::new(
        common::python_function(&python, "nope", "does_not_exist"),
        "us-east-1",
    );
    let invocation = pool.invoke("{}".into()).await.unwrap();
    let Outcome::Error { error_type, body } = &invocation.outcome else {
        panic!("no error")
    };
    assert!(
        error_type.starts_with("Runtime."),
        "{error_type}: {}",
        String::from_utf8_lossy(body)
    );
}

#[tokio::test]
async fn concurrent_events_run_on_separate_instances() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let mut spec = common::python_function(&python, "sleep", "sleep");
    spec.max_instances = 3;
    let pool = Arc::new(Pool::new(spec, "us-east-1"));
    let calls = (0..3).map(|_| {
        let pool = pool.clone();
        tokio::spawn(async move { pool.invoke(r#"{"seconds":1}"#.into()).await })
    });
    let calls: Vec<_> = calls.collect();
    let mut pids = Vec::new();
    for call in calls {
        pids.push(
            response(&call.await.unwrap().unwrap())["pid"]
                .as_i64()
                .unwrap(),
        );
    }
    pids.sort_unstable();
    pids.dedup();
    // Each sleeping instance is busy for the whole second: three events need three.
    assert_eq!(pids.len(), 3, "{pids:?}");
    assert_eq!(pool.idle_instances(), 3);
}
