//! Redeploys after a change: only what changed is touched.

mod common;

use flagon_aws::{Call, CallLog, load_state, state_path};
use flagon_manifest::Trigger;
use flagon_model::{FunctionRef, Resource};

use common::{
    create_sources, deploy, fingerprint, manifest, mapping_sources, model, moto, package,
    subscriptions,
};

fn ops(calls: Vec<Call>) -> Vec<String> {
    let mut ops: Vec<String> = calls.into_iter().map(|c| c.operation).collect();
    ops.sort();
    ops
}

#[tokio::test(flavor = "multi_thread")]
async fn code_change_updates_only_the_changed_function() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let stream = create_sources(&moto, &moto.aws(CallLog::new()).await).await;
    let mut model = model(&manifest(&stream), dir.path(), b"v1");
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    deploy(&aws, &model, dir.path()).await;

    let v2 = package(dir.path(), b"v2");
    for r in &mut model.resources {
        if let Resource::Function(f) = r
            && f.id == FunctionRef("on_job".into())
        {
            f.code = Some(v2.clone());
        }
    }
    log.reset();
    let report = deploy(&aws, &model, dir.path()).await;
    assert_eq!(
        ops(log.mutating_calls()),
        ["UpdateFunctionCode"],
        "{}",
        report.plan
    );
    let job = aws
        .lambda_client()
        .get_function()
        .function_name("shop-dev-on_job")
        .send()
        .await;
    assert_eq!(
        job.unwrap().configuration().unwrap().code_sha256(),
        Some(v2.sha256.as_str())
    );

    log.reset();
    deploy(&aws, &model, dir.path()).await;
    assert_eq!(log.mutating_calls(), vec![]);
}

#[tokio::test(flavor = "multi_thread")]
async fn removed_handler_is_swept_with_its_wiring() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let stream = create_sources(&moto, &moto.aws(CallLog::new()).await).await;
    let mut m = manifest(&stream);
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    deploy(&aws, &model(&m, dir.path(), b"v1"), dir.path()).await;

    // The role loses the Kinesis reads on_click needed: its policy is rewritten too.
    m.functions
        .retain(|f| f.name != "on_alert" && f.name != "on_click");
    log.reset();
    let report = deploy(&aws, &model(&m, dir.path(), b"v1"), dir.path()).await;
    assert_eq!(
        ops(log.mutating_calls()),
        [
            "DeleteEventSourceMapping",
            "DeleteFunction",
            "DeleteFunction",
            "PutRolePolicy",
            "RemovePermission",
            "Unsubscribe"
        ],
        "{}",
        report.plan
    );
    let functions = aws.lambda_client().list_functions().send().await.unwrap();
    assert!(functions.functions().iter().all(|f| {
        let name = f.function_name().unwrap();
        name != "shop-dev-on_alert" && name != "shop-dev-on_click"
    }));
    let topic = "arn:aws:sns:us-east-1:123456789012:alerts";
    assert!(subscriptions(&aws, topic).await.is_empty());
    assert_eq!(
        mapping_sources(&aws, None).await.len(),
        2,
        "sqs and dynamodb remain"
    );
    let state = load_state(&state_path(dir.path(), "dev")).unwrap().unwrap();
    assert!(
        state
            .resources
            .keys()
            .all(|id| id.key() != "on_alert" && id.key() != "on_click")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn changed_trigger_is_rewired_and_the_old_wiring_removed() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let stream = create_sources(&moto, &moto.aws(CallLog::new()).await).await;
    let mut m = manifest(&stream);
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    deploy(&aws, &model(&m, dir.path(), b"v1"), dir.path()).await;

    for f in &mut m.functions {
        match &mut f.trigger {
            Trigger::Sqs { queue, .. } => *queue = "jobs2".into(),
            Trigger::S3 { bucket, .. } => *bucket = "uploads2".into(),
            Trigger::Sns { topic } => *topic = "alerts2".into(),
            _ => {}
        }
    }
    let changed = model(&m, dir.path(), b"v1");
    let report = deploy(&aws, &changed, dir.path()).await;
    let text = report.plan.to_string();
    assert!(text.contains("replace"), "{text}");

    assert_eq!(
        mapping_sources(&aws, Some("shop-dev-on_job")).await,
        ["arn:aws:sqs:us-east-1:123456789012:jobs2"]
    );
    assert_eq!(
        aws.lambda_notifications("uploads").await.unwrap(),
        Some(vec![])
    );
    let new = aws.lambda_notifications("uploads2").await.unwrap().unwrap();
    assert_eq!(new.len(), 1);
    let subs = |topic: &'static str| {
        let aws = aws.clone();
        async move {
            let arn = format!("arn:aws:sns:us-east-1:123456789012:{topic}");
            subscriptions(&aws, &arn).await.len()
        }
    };
    assert_eq!((subs("alerts").await, subs("alerts2").await), (0, 1));
    let policy = aws
        .lambda_client()
        .get_policy()
        .function_name("shop-dev-on_upload")
        .send()
        .await;
    let doc: serde_json::Value = serde_json::from_str(policy.unwrap().policy().unwrap()).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        1,
        "the old bucket's permission is removed: {doc}"
    );
    assert!(
        statements[0]["Condition"].to_string().contains("uploads2"),
        "{doc}"
    );

    // Equal to a clean deploy of the changed model, and stable.
    let rewired = fingerprint(&aws).await;
    let clean_moto = common::moto().unwrap();
    let clean_dir = tempfile::tempdir().unwrap();
    let clean_aws = clean_moto.aws(CallLog::new()).await;
    let clean_stream = create_sources(&clean_moto, &clean_aws).await;
    let clean_manifest = {
        let mut c = m.clone();
        for f in &mut c.functions {
            if let Trigger::Dynamodb { stream_arn, .. } = &mut f.trigger {
                stream_arn.clone_from(&clean_stream);
            }
        }
        c
    };
    deploy(
        &clean_aws,
        &model(&clean_manifest, clean_dir.path(), b"v1"),
        clean_dir.path(),
    )
    .await;
    assert_eq!(rewired, fingerprint(&clean_aws).await);
    log.reset();
    deploy(&aws, &changed, dir.path()).await;
    assert_eq!(log.mutating_calls(), vec![]);
}
