//! The example's event handlers, driven with generated events through the Lambda dispatch.

use flagon::DispatchError;
use flagon::test::{Client, events};
use serde_json::{Value, json};

fn client() -> Client {
    Client::new(helloworld::app()).unwrap()
}

#[tokio::test]
async fn s3_upload_with_a_matching_key_succeeds() {
    let result = client()
        .invoke(
            "on_upload",
            events::s3_put("mybucket", "uploads/My Cat.jpg"),
        )
        .await;
    assert_eq!(result.unwrap(), Value::Null);
}

#[tokio::test]
async fn s3_handler_error_is_an_error_result_naming_the_handler() {
    let error = client()
        .invoke("on_upload", events::s3_put("mybucket", "uploads/notes.txt"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "run handler `on_upload`: unexpected object mybucket/uploads/notes.txt"
    );
    assert_eq!(error.error_type(), "Flagon.HandlerError");
}

#[tokio::test]
async fn sns_message_reaches_the_handler() {
    let c = client();
    assert!(
        c.invoke("on_alert", events::sns_message("alerts", "disk full"))
            .await
            .is_ok()
    );
    let error = c
        .invoke("on_alert", events::sns_message("alerts", ""))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("empty alert on topic alerts"),
        "{error}"
    );
}

#[tokio::test]
async fn sqs_failures_are_reported_per_message() {
    let event = events::sqs_messages(
        "jobs",
        [
            json!({"id": 1, "action": "run"}).to_string(),
            json!({"id": 2, "action": "fail"}).to_string(),
            "not a job".to_owned(),
            json!({"id": 4, "action": "run"}).to_string(),
        ],
    );
    let result = client().invoke("on_job", event).await.unwrap();
    assert_eq!(
        result,
        json!({"batchItemFailures": [{"itemIdentifier": "message-1"}, {"itemIdentifier": "message-2"}]})
    );
}

#[tokio::test]
async fn sqs_batch_without_failures_reports_none() {
    let event = events::sqs_messages("jobs", [json!({"id": 1, "action": "run"}).to_string()]);
    assert_eq!(
        client().invoke("on_job", event).await.unwrap(),
        json!({"batchItemFailures": []})
    );
}

#[tokio::test]
async fn eventbridge_detail_is_typed() {
    let c = client();
    let event = events::eventbridge(
        "aws.codecommit",
        "CodeCommit Repository State Change",
        &json!({"repositoryName": "flagon", "event": "referenceUpdated"}),
    );
    assert_eq!(c.invoke("on_commit", event).await.unwrap(), Value::Null);
    let wrong = events::eventbridge("aws.codecommit", "x", &json!({"unrelated": true}));
    let error = c.invoke("on_commit", wrong).await.unwrap_err();
    assert!(
        matches!(
            error,
            DispatchError::EventShape {
                expected: "EventBridgeEvent",
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn every_schedule_takes_the_scheduled_event() {
    let c = client();
    for name in ["every_five_minutes", "yearly", "hourly"] {
        assert_eq!(
            c.invoke(name, events::scheduled(name)).await.unwrap(),
            Value::Null,
            "{name}"
        );
    }
}

#[tokio::test]
async fn kinesis_failures_are_reported_by_sequence_number() {
    let event = events::kinesis_records(
        "clicks",
        [
            r#"{"page": "/"}"#.as_bytes(),
            b"garbage",
            br#"{"page": "/a"}"#,
        ],
    );
    let result = client().invoke("on_click", event).await.unwrap();
    assert_eq!(
        result,
        json!({"batchItemFailures": [{"itemIdentifier": "2"}]})
    );
}

#[tokio::test]
async fn dynamodb_failures_are_reported_by_sequence_number() {
    let event = events::dynamodb_inserts(
        "users",
        "id",
        [
            json!({"id": 1, "name": "Ada"}),
            json!({"id": 2}),
            json!({"id": 3, "name": "Grace"}),
        ],
    );
    let result = client().invoke("on_user_change", event).await.unwrap();
    assert_eq!(
        result,
        json!({"batchItemFailures": [{"itemIdentifier": "2"}]})
    );
}

#[tokio::test]
async fn plain_functions_take_and_return_json() {
    let c = client();
    let result = c
        .invoke("resize", json!({"width": 100, "height": 50, "scale": 1.5}))
        .await
        .unwrap();
    assert_eq!(result, json!({"width": 150, "height": 75}));
    assert_eq!(c.invoke("double", json!(21)).await.unwrap(), json!(42));
    let error = c.invoke("resize", json!({"width": 1})).await.unwrap_err();
    assert!(
        error.to_string().contains("missing field `height`"),
        "{error}"
    );
    let error = c
        .invoke("resize", json!({"width": 1, "height": 1, "scale": 0}))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "run handler `resize`: scale must be positive"
    );
}

#[tokio::test]
async fn unknown_handler_lists_the_known_ones() {
    let error = client().invoke("nope", json!({})).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("api_handler, double, every_five_minutes"),
        "{error}"
    );
}
