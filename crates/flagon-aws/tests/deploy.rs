//! Deploys of the fixture app (every trigger kind) against moto, checked through AWS's read
//! APIs.

mod common;

use std::collections::BTreeSet;

use flagon_aws::{CallLog, load_state, state_path};
use flagon_model::ResourceId;

use common::{create_sources, deploy, manifest, mapping_sources, model, moto, subscriptions};

#[tokio::test(flavor = "multi_thread")]
async fn full_deploy_wires_every_trigger_and_redeploy_makes_no_mutating_call() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let setup = moto.aws(CallLog::new()).await;
    let stream_arn = create_sources(&moto, &setup).await;
    let model = model(&manifest(&stream_arn), dir.path(), b"v1");
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;

    let report = deploy(&aws, &model, dir.path()).await;
    let url = report.api_url.clone().expect("an API URL");
    assert!(
        url.starts_with("https://") && url.ends_with("/api/"),
        "{url}"
    );
    assert_eq!(report.functions.len(), 9);
    assert!(log.mutating_count() > 0);

    let lambda = aws.lambda_client();
    // Every function exists with its settings.
    let job = lambda
        .get_function()
        .function_name("shop-dev-on_job")
        .send()
        .await
        .unwrap();
    let config = job.configuration().unwrap();
    assert_eq!(config.memory_size(), Some(512));
    assert_eq!(config.runtime().unwrap().as_str(), "provided.al2023");
    assert_eq!(config.handler(), Some("on_job"));
    assert_eq!(
        job.concurrency()
            .and_then(|c| c.reserved_concurrent_executions()),
        Some(5)
    );
    assert_eq!(
        job.tags().unwrap().get("team").map(String::as_str),
        Some("web")
    );

    // API permission, S3 permission, SNS, EventBridge permissions.
    for (function, principal) in [
        ("shop-dev-api_handler", "apigateway.amazonaws.com"),
        ("shop-dev-on_upload", "s3.amazonaws.com"),
        ("shop-dev-on_alert", "sns.amazonaws.com"),
        ("shop-dev-on_commit", "events.amazonaws.com"),
        ("shop-dev-hourly", "events.amazonaws.com"),
    ] {
        let policy = lambda
            .get_policy()
            .function_name(function)
            .send()
            .await
            .unwrap();
        let doc: serde_json::Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
        let statements = doc["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 1, "{function}: {doc}");
        assert_eq!(
            statements[0]["Principal"]["Service"], principal,
            "{function}"
        );
        assert!(
            statements[0]["Sid"]
                .as_str()
                .unwrap()
                .starts_with("flagon-"),
            "{doc}"
        );
    }

    // S3 notification with lowercase filter rules.
    let n = aws
        .s3_client()
        .get_bucket_notification_configuration()
        .bucket("uploads")
        .send()
        .await
        .unwrap();
    let entries = n.lambda_function_configurations();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].id(), Some("shop-dev-on_upload"));
    let rules: Vec<(String, String)> = entries[0]
        .filter()
        .unwrap()
        .key()
        .unwrap()
        .filter_rules()
        .iter()
        .map(|r| {
            (
                r.name().unwrap().as_str().to_lowercase(),
                r.value().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            ("prefix".into(), "in/".into()),
            ("suffix".into(), ".jpg".into())
        ]
    );

    // SNS subscription.
    assert_eq!(
        subscriptions(&aws, "arn:aws:sns:us-east-1:123456789012:alerts").await,
        ["arn:aws:lambda:us-east-1:123456789012:function:shop-dev-on_alert"]
    );

    // Event source mappings: SQS, Kinesis, DynamoDB.
    for (function, source) in [
        (
            "shop-dev-on_job",
            "arn:aws:sqs:us-east-1:123456789012:jobs".to_owned(),
        ),
        (
            "shop-dev-on_click",
            "arn:aws:kinesis:us-east-1:123456789012:stream/clicks".to_owned(),
        ),
        ("shop-dev-on_change", stream_arn.clone()),
    ] {
        let sources = mapping_sources(&aws, Some(function)).await;
        assert_eq!(sources, [source], "{function}");
    }

    // EventBridge rules and targets.
    let events = aws.events_client();
    let hourly = events
        .describe_rule()
        .name("shop-dev-hourly")
        .send()
        .await
        .unwrap();
    assert_eq!(hourly.schedule_expression(), Some("rate(1 hour)"));
    let commit = events
        .describe_rule()
        .name("shop-dev-on_commit")
        .send()
        .await
        .unwrap();
    let pattern: serde_json::Value = serde_json::from_str(commit.event_pattern().unwrap()).unwrap();
    assert_eq!(pattern, serde_json::json!({"source": ["aws.codecommit"]}));
    for rule in ["shop-dev-hourly", "shop-dev-on_commit"] {
        let targets = events
            .list_targets_by_rule()
            .rule(rule)
            .send()
            .await
            .unwrap();
        let arns: Vec<_> = targets.targets().iter().map(|t| t.arn()).collect();
        let function = rule.trim_start_matches("shop-dev-");
        assert_eq!(
            arns,
            [format!(
                "arn:aws:lambda:us-east-1:123456789012:function:shop-dev-{function}"
            )]
        );
    }

    // REST API with the routes; role; log retention.
    let apis = aws
        .apigateway_client()
        .get_rest_apis()
        .send()
        .await
        .unwrap();
    let api = apis
        .items()
        .iter()
        .find(|a| a.name() == Some("shop-dev"))
        .unwrap();
    let resources = aws
        .apigateway_client()
        .get_resources()
        .rest_api_id(api.id().unwrap())
        .send()
        .await
        .unwrap();
    let paths: BTreeSet<_> = resources.items().iter().filter_map(|r| r.path()).collect();
    assert!(paths.contains("/users/{id}"), "{paths:?}");
    assert_eq!(
        apis.items()
            .iter()
            .filter(|a| a.name() == Some("shop-dev"))
            .count(),
        1
    );
    aws.iam_client()
        .get_role()
        .role_name("shop-dev")
        .send()
        .await
        .unwrap();
    let groups = aws
        .logs_client()
        .describe_log_groups()
        .log_group_name_prefix("/aws/lambda/shop-dev-resize")
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups()[0].retention_in_days(), Some(14));

    // The state records every resource of the model.
    let state = load_state(&state_path(dir.path(), "dev")).unwrap().unwrap();
    let recorded: BTreeSet<ResourceId> = state.resources.keys().cloned().collect();
    let wanted: BTreeSet<ResourceId> = model.resources.iter().map(|r| r.id()).collect();
    assert_eq!(recorded, wanted);

    // Nothing changed: zero mutating calls.
    log.reset();
    let again = deploy(&aws, &model, dir.path()).await;
    assert!(again.plan.changes.is_empty(), "{}", again.plan);
    assert_eq!(
        log.mutating_calls(),
        vec![],
        "a no-op redeploy mutates nothing"
    );
    assert!(log.calls().len() > 10, "it still observed");
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_removes_everything_and_is_idempotent() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let setup = moto.aws(CallLog::new()).await;
    let stream_arn = create_sources(&moto, &setup).await;
    let model = model(&manifest(&stream_arn), dir.path(), b"v1");
    // Someone else's entry in the bucket's notification configuration.
    let theirs = aws_sdk_s3::types::LambdaFunctionConfiguration::builder()
        .id("someone-else")
        .lambda_function_arn("arn:aws:lambda:us-east-1:123456789012:function:other")
        .events(aws_sdk_s3::types::Event::from("s3:ObjectRemoved:*"))
        .build()
        .unwrap();
    setup
        .s3_client()
        .put_bucket_notification_configuration()
        .bucket("uploads")
        .notification_configuration(
            aws_sdk_s3::types::NotificationConfiguration::builder()
                .lambda_function_configurations(theirs)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    deploy(&aws, &model, dir.path()).await;
    let path = state_path(dir.path(), "dev");
    let ids = |entries: Vec<flagon_plan::LambdaNotification>| {
        entries.into_iter().map(|e| e.id).collect::<Vec<_>>()
    };
    let entries = aws.lambda_notifications("uploads").await.unwrap().unwrap();
    assert_eq!(
        ids(entries),
        ["someone-else", "shop-dev-on_upload"],
        "merged, not overwritten"
    );

    // Something removed by hand is not an error.
    aws.lambda_client()
        .delete_function()
        .function_name("shop-dev-hourly")
        .send()
        .await
        .unwrap();

    let plan = aws
        .delete("shop", "dev", &path, &mut |_| {})
        .await
        .expect("delete succeeds");
    assert!(!plan.changes.is_empty());
    assert!(load_state(&path).unwrap().unwrap().resources.is_empty());
    let functions = aws.lambda_client().list_functions().send().await.unwrap();
    assert_eq!(functions.functions().len(), 0);
    let entries = aws.lambda_notifications("uploads").await.unwrap().unwrap();
    assert_eq!(ids(entries), ["someone-else"], "only our entry is removed");
    let topic = "arn:aws:sns:us-east-1:123456789012:alerts";
    assert!(subscriptions(&aws, topic).await.is_empty());
    assert!(mapping_sources(&aws, None).await.is_empty());
    let rules = aws.events_client().list_rules().send().await.unwrap();
    assert!(rules.rules().is_empty());
    let apis = aws
        .apigateway_client()
        .get_rest_apis()
        .send()
        .await
        .unwrap();
    assert!(apis.items().is_empty());
    assert!(
        aws.iam_client()
            .get_role()
            .role_name("shop-dev")
            .send()
            .await
            .is_err()
    );

    log.reset();
    let again = aws
        .delete("shop", "dev", &path, &mut |_| {})
        .await
        .expect("second delete");
    assert!(again.changes.is_empty());
    assert_eq!(log.mutating_calls(), vec![]);
}
