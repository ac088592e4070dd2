//! Lambda mode for real: the built binary under flagon-local's Runtime API emulator, started
//! with Lambda's environment and `_HANDLER`, as Lambda starts it.

use std::time::Duration;

use bytes::Bytes;
use flagon::test::{Client, events};
use flagon_local::{FunctionSpec, Outcome, Pool};
use serde_json::{Value, json};

fn pool(handler: &str) -> Pool {
    let mut spec = FunctionSpec::new(handler, vec![env!("CARGO_BIN_EXE_helloworld").to_owned()]);
    spec.function_name = format!("helloworld-test-{handler}");
    spec.timeout = Duration::from_secs(20);
    spec.max_instances = 1;
    Pool::new(spec, "us-east-1")
}

async fn invoke(pool: &Pool, event: &Value) -> Outcome {
    pool.invoke(Bytes::from(event.to_string()))
        .await
        .unwrap()
        .outcome
}

fn response(outcome: Outcome) -> Value {
    match outcome {
        Outcome::Response(body) => serde_json::from_slice(&body).unwrap(),
        other => panic!("expected a response, got {other:?}"),
    }
}

#[tokio::test]
async fn api_handler_serves_routes_and_survives_a_panic() {
    let api = pool("api_handler");
    let client = Client::new(helloworld::app()).unwrap();
    let ok = response(invoke(&api, &client.get("/users/9").event()).await);
    assert_eq!(ok["statusCode"], 200);
    assert_eq!(ok["body"], r#"{"id":9,"name":"user 9"}"#);
    let panicked = response(invoke(&api, &client.get("/panic").event()).await);
    assert_eq!(panicked["statusCode"], 500);
    // One instance only: the same process answers after the panic.
    let again = response(invoke(&api, &client.http_api().get("/").event()).await);
    assert_eq!(again["statusCode"], 200);
    assert!(
        again.get("cookies").is_some(),
        "an HTTP API event gets a payload 2.0 answer"
    );
}

#[tokio::test]
async fn sqs_handler_reports_batch_item_failures() {
    let jobs = pool("on_job");
    let event = events::sqs_messages(
        "jobs",
        [
            json!({"id": 1, "action": "fail"}).to_string(),
            json!({"id": 2, "action": "run"}).to_string(),
        ],
    );
    let result = response(invoke(&jobs, &event).await);
    assert_eq!(
        result,
        json!({"batchItemFailures": [{"itemIdentifier": "message-0"}]})
    );
}

#[tokio::test]
async fn wrong_event_shape_is_an_error_result_naming_the_type() {
    let uploads = pool("on_upload");
    match invoke(&uploads, &events::sqs_messages("jobs", ["x"])).await {
        Outcome::Error { body, .. } => {
            // lambda_runtime sends the type in the error document (its header says
            // `unhandled`), which is what Lambda's Invoke API reports.
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(body["errorType"], "Flagon.EventShape", "{body}");
            assert!(
                body["errorMessage"]
                    .as_str()
                    .unwrap()
                    .contains("expected S3Event"),
                "{body}"
            );
        }
        other => panic!("expected an error result, got {other:?}"),
    }
    // And the instance serves the next event.
    let ok = response(invoke(&uploads, &events::s3_put("mybucket", "uploads/a.jpg")).await);
    assert_eq!(ok, Value::Null);
}
