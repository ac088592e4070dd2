//! Every event type, decoded from AWS's own sample events (`fixtures/events/`) and dispatched
//! to its handler through the same path as Lambda.

use std::sync::{Arc, Mutex};

use flagon::prelude::*;
use flagon::test::Client;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
}

type Seen = Arc<Mutex<Vec<String>>>;

fn record(seen: &Seen, what: impl Into<String>) {
    seen.lock().unwrap().push(what.into());
}

/// One app with a handler per event type, each recording what it decoded.
fn app(seen: &Seen) -> App {
    let (s3, sns, sqs, eb, sched, kin, ddb) = (
        seen.clone(),
        seen.clone(),
        seen.clone(),
        seen.clone(),
        seen.clone(),
        seen.clone(),
        seen.clone(),
    );
    App::new("fixtures")
        .route(
            "/{proxy+}",
            any(|Path(p): Path<String>| async move { Json(json!({"proxy": p})) }),
        )
        .on_s3_event(S3Trigger::bucket("sourcebucket"), move |event: S3Event| {
            let seen = s3.clone();
            async move {
                for o in event.objects() {
                    record(&seen, format!("s3 {} {} {}", o.bucket, o.key, o.event_name));
                }
            }
        })
        .name("s3")
        .on_sns_message(SnsTrigger::topic("snsNetTest"), move |event: SnsEvent| {
            let seen = sns.clone();
            async move {
                for m in event.messages() {
                    record(&seen, format!("sns {} {:?}", m.topic_name(), m.message));
                }
            }
        })
        .name("sns")
        .on_sqs_message(
            SqsTrigger::queue("SQSQueue"),
            move |batch: SqsBatch<String>| {
                let seen = sqs.clone();
                async move {
                    for m in batch.messages {
                        record(&seen, format!("sqs {} {}", m.message_id, m.body));
                    }
                }
            },
        )
        .name("sqs")
        .on_cw_event(
            EventPattern::from_json(json!({"source": ["aws.ec2"]})),
            move |event: EventBridgeEvent| {
                let seen = eb.clone();
                async move {
                    record(
                        &seen,
                        format!(
                            "eventbridge {} {} {}",
                            event.source, event.detail_type, event.detail["state"]
                        ),
                    );
                }
            },
        )
        .name("eventbridge")
        .schedule(Rate::minutes(1), move |event: EventBridgeEvent| {
            let seen = sched.clone();
            async move {
                record(
                    &seen,
                    format!("schedule {} {:?}", event.detail_type, event.resources),
                );
            }
        })
        .name("schedule")
        .on_kinesis_record(
            KinesisTrigger::stream("simple-stream"),
            move |event: KinesisEvent| {
                let seen = kin.clone();
                async move {
                    for r in event.records() {
                        record(
                            &seen,
                            format!(
                                "kinesis {} {}",
                                r.item_identifier(),
                                String::from_utf8_lossy(r.data())
                            ),
                        );
                    }
                }
            },
        )
        .name("kinesis")
        .on_dynamodb_record(
            DynamoDbTrigger::stream_arn("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x"),
            move |event: DynamoDbEvent| {
                let seen = ddb.clone();
                async move {
                    for r in event.records() {
                        let keys: std::collections::BTreeMap<String, Value> = r.keys().unwrap();
                        let keys = serde_json::to_string(&keys).unwrap();
                        let image: Option<Value> = r.new_image().unwrap();
                        record(
                            &seen,
                            format!(
                                "dynamodb {} {} {}",
                                r.event_name,
                                keys,
                                image.map(|i| i["val"].clone()).unwrap_or_default()
                            ),
                        );
                    }
                }
            },
        )
        .name("dynamodb")
}

async fn dispatch(handler: &str, fixture_name: &str) -> (Value, Vec<String>) {
    let seen = Seen::default();
    let client = Client::new(app(&seen)).unwrap();
    let result = client.invoke(handler, fixture(fixture_name)).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    (result, seen)
}

#[tokio::test]
async fn s3_sample_reaches_the_handler_with_decoded_keys() {
    let (result, seen) = dispatch("s3", "s3-put.json").await;
    assert_eq!(result, Value::Null);
    assert_eq!(seen, ["s3 sourcebucket Happy Face.jpg ObjectCreated:Put"]);
}

#[tokio::test]
async fn sns_sample_reaches_the_handler() {
    let (_, seen) = dispatch("sns", "sns-notification.json").await;
    assert_eq!(seen, [r#"sns snsNetTest "Hello\r\nworld!""#]);
}

#[tokio::test]
async fn sqs_sample_reaches_the_handler_with_plain_text_body() {
    let (result, seen) = dispatch("sqs", "sqs-receive.json").await;
    assert_eq!(seen, ["sqs MessageID_1 Message Body"]);
    assert_eq!(result, json!({"batchItemFailures": []}));
}

#[tokio::test]
async fn eventbridge_sample_reaches_the_handler() {
    let (_, seen) = dispatch("eventbridge", "eventbridge-event.json").await;
    assert_eq!(
        seen,
        [r#"eventbridge aws.ec2 EC2 Instance State-change Notification "pending""#]
    );
}

#[tokio::test]
async fn scheduled_sample_reaches_the_handler() {
    let (_, seen) = dispatch("schedule", "scheduled-event.json").await;
    assert_eq!(
        seen,
        [
            r#"schedule Scheduled Event Some(["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"])"#
        ]
    );
}

#[tokio::test]
async fn kinesis_sample_reaches_the_handler_with_decoded_data() {
    let (result, seen) = dispatch("kinesis", "kinesis-record.json").await;
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0],
        "kinesis 49568167373333333333333333333333333333333333333333333333 Hello World"
    );
    assert_eq!(result, json!({"batchItemFailures": []}));
}

#[tokio::test]
async fn dynamodb_sample_reaches_the_handler_with_plain_images() {
    let (_, seen) = dispatch("dynamodb", "dynamodb-stream.json").await;
    assert!(!seen.is_empty());
    assert_eq!(
        seen[0],
        r#"dynamodb INSERT {"key":"binary","val":"data"} "data""#
    );
}

#[tokio::test]
async fn rest_api_sample_is_routed_and_answered_in_payload_1() {
    let client = Client::new(app(&Seen::default())).unwrap();
    let answer = client
        .invoke("api_handler", fixture("apigw-rest-request.json"))
        .await
        .unwrap();
    assert_eq!(answer["statusCode"], 200);
    assert_eq!(answer["body"], r#"{"proxy":"hello/world"}"#);
    assert_eq!(
        answer["multiValueHeaders"]["content-type"],
        json!(["application/json"])
    );
    assert_eq!(answer["isBase64Encoded"], false);
}

#[tokio::test]
async fn http_api_sample_is_routed_and_answered_in_payload_2() {
    let client = Client::new(app(&Seen::default())).unwrap();
    // The sample asks for `/`, which only the greedy route's parent would take: 404.
    let answer = client
        .invoke("api_handler", fixture("apigw-http-request.json"))
        .await
        .unwrap();
    assert_eq!(answer["statusCode"], 404);
    assert!(
        answer.get("cookies").is_some(),
        "payload 2.0 answers carry cookies: {answer}"
    );
    let mut event = fixture("apigw-http-request.json");
    event["rawPath"] = json!("/a%20b/c");
    let answer = client.invoke("api_handler", event).await.unwrap();
    assert_eq!(answer["statusCode"], 200);
    assert_eq!(answer["body"], r#"{"proxy":"a b/c"}"#);
}

#[tokio::test]
async fn an_event_of_the_wrong_shape_names_the_expected_type() {
    let client = Client::new(app(&Seen::default())).unwrap();
    for (handler, fixture_name, expected) in [
        ("sqs", "s3-put.json", "SqsEvent"),
        ("s3", "sqs-receive.json", "S3Event"),
        ("sns", "kinesis-record.json", "SnsEvent"),
        ("kinesis", "dynamodb-stream.json", "KinesisEvent"),
        ("dynamodb", "scheduled-event.json", "DynamoDbEvent"),
        ("eventbridge", "s3-put.json", "EventBridgeEvent"),
        ("api_handler", "s3-put.json", "API Gateway"),
    ] {
        let error = client
            .invoke(handler, fixture(fixture_name))
            .await
            .unwrap_err();
        assert!(
            matches!(error, flagon::DispatchError::EventShape { .. }),
            "{handler}: {error}"
        );
        assert!(error.to_string().contains(expected), "{handler}: {error}");
        assert_eq!(error.error_type(), "Flagon.EventShape");
    }
}

#[tokio::test]
async fn json_text_dispatch_answers_as_value_dispatch_does() {
    // Lambda mode reads the event from its JSON text; the test client from a `Value`.
    let client = Client::new(app(&Seen::default())).unwrap();
    let dispatcher = client.dispatcher();
    let mut escaped = fixture("apigw-rest-request.json");
    // Escapes force owned strings in the borrowed reader.
    escaped["path"] = json!("/caf\u{e9}/\"quoted\"");
    escaped["multiValueHeaders"]["X-Note"] = json!(["line\none"]);
    for event in [
        fixture("apigw-rest-request.json"),
        fixture("apigw-http-request.json"),
        escaped,
    ] {
        let text = event.to_string();
        let from_text = dispatcher
            .dispatch_json("api_handler", &text, Default::default())
            .await
            .unwrap();
        let from_value = client.invoke("api_handler", event).await.unwrap();
        assert_eq!(from_text, from_value);
    }
    let text = fixture("s3-put.json").to_string();
    assert!(
        dispatcher
            .dispatch_json("s3", &text, Default::default())
            .await
            .is_ok()
    );
    let error = dispatcher
        .dispatch_json("s3", "{not json", Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "Flagon.EventShape");
}
