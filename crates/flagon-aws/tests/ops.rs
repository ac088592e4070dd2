//! A deployed stage's logs, URL and function names.

mod common;

use flagon_aws::{CallLog, api_url, resolve_function};
use flagon_model::{FunctionRef, ResourceId};
use flagon_plan::{Record, State};

use common::moto;

#[tokio::test(flavor = "multi_thread")]
async fn logs_print_the_lines_since_the_start_time_in_order() {
    let Some(moto) = moto() else { return };
    let aws = moto.aws(CallLog::new()).await;
    let logs = aws.logs_client();
    let group = "/aws/lambda/shop-dev-resize";
    logs.create_log_group()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    logs.create_log_stream()
        .log_group_name(group)
        .log_stream_name("s1")
        .send()
        .await
        .unwrap();
    let event = |t: i64, m: &str| {
        aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
            .timestamp(t)
            .message(m)
            .build()
            .unwrap()
    };
    // CloudWatch refuses events older than 14 days: stamp them around now.
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name("s1")
        .log_events(event(now - 60_000, "too old\n"))
        .log_events(event(now - 30_000, "START\n"))
        .log_events(event(now - 20_000, "hello\n"))
        .send()
        .await
        .unwrap();
    let mut lines = Vec::new();
    aws.logs("shop-dev-resize", now - 40_000, false, &mut |l| {
        lines.push((l.timestamp, l.message.clone()));
    })
    .await
    .unwrap();
    assert_eq!(
        lines,
        [
            (now - 30_000, "START".to_owned()),
            (now - 20_000, "hello".to_owned())
        ]
    );

    let err = aws
        .logs("shop-dev-never-ran", 0, false, &mut |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has not run"), "{err}");
}

#[test]
fn url_and_function_names_come_from_the_state() {
    let mut state = State::new("shop", "dev");
    assert_eq!(api_url(&state), None);
    state.region = Some("eu-west-1".into());
    state.resources.insert(
        ResourceId::RestApi,
        Record::RestApi {
            api_id: "abc123".into(),
            stage_name: "api".into(),
            definition_hash: "h".into(),
        },
    );
    state.resources.insert(
        ResourceId::Function(FunctionRef("resize".into())),
        Record::Function {
            function_name: "shop-dev-resize".into(),
        },
    );
    assert_eq!(
        api_url(&state).as_deref(),
        Some("https://abc123.execute-api.eu-west-1.amazonaws.com/api/")
    );
    assert_eq!(
        resolve_function(&state, "resize").unwrap(),
        "shop-dev-resize"
    );
    assert_eq!(
        resolve_function(&state, "shop-dev-resize").unwrap(),
        "shop-dev-resize"
    );
    let err = resolve_function(&state, "nope").unwrap_err().to_string();
    assert!(err.contains("deployed functions are [resize]"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_invoke_sends_the_payload_and_returns_the_answer() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let manifest = flagon_manifest::Manifest::new(
        "shop",
        vec![flagon_manifest::Function::new(
            "resize",
            flagon_manifest::Trigger::Invoke,
        )],
        None,
    );
    let mut model = flagon_model::Model::build(
        &manifest,
        &flagon_config::Config::empty(),
        "dev",
        &flagon_config::Overrides::default(),
    )
    .unwrap();
    model.attach_code(
        flagon_model::Architecture::X86_64,
        &common::package(dir.path(), b"v1"),
    );
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    aws.deploy(
        &model,
        &flagon_aws::state_path(dir.path(), "dev"),
        &mut |_| {},
    )
    .await
    .unwrap();
    log.reset();
    // moto does not run functions: without Docker it answers with the payload it was sent.
    let answer = aws
        .invoke("shop-dev-resize", br#"{"n": 21}"#.to_vec())
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.function_error, None);
    assert_eq!(answer.payload, br#"{"n": 21}"#);
    assert_eq!(
        log.calls()
            .iter()
            .map(|c| c.operation.as_str())
            .collect::<Vec<_>>(),
        ["Invoke"]
    );
}
