//! A topic in another region: SNS is asked in the topic's region, for reads and writes.

mod common;

use flagon_aws::{Aws, CallLog, ConnectOptions, state_path};
use flagon_config::{Config, Overrides};
use flagon_manifest::{Function, Manifest, Trigger};
use flagon_model::{Architecture, Model};

use common::{moto, package, subscriptions};

#[tokio::test(flavor = "multi_thread")]
async fn topic_in_another_region_is_subscribed_there_and_unsubscribed_on_delete() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let eu = Aws::connect(&ConnectOptions {
        region: Some("eu-west-1".into()),
        ..ConnectOptions::emulator(&moto.endpoint)
    })
    .await;
    let topic = eu
        .sns_client()
        .create_topic()
        .name("audit")
        .send()
        .await
        .unwrap();
    let topic_arn = topic.topic_arn().unwrap().to_owned();
    assert!(
        topic_arn.starts_with("arn:aws:sns:eu-west-1:"),
        "{topic_arn}"
    );

    let manifest = Manifest::new(
        "audit",
        vec![Function::new(
            "on_audit",
            Trigger::Sns {
                topic: topic_arn.clone(),
            },
        )],
        None,
    );
    let mut model =
        Model::build(&manifest, &Config::empty(), "dev", &Overrides::default()).unwrap();
    model.attach_code(Architecture::X86_64, &package(dir.path(), b"v1"));
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    let path = state_path(dir.path(), "dev");
    aws.deploy(&model, &path, &mut |_| {}).await.unwrap();
    assert!(
        log.mutating_calls()
            .iter()
            .any(|c| c.operation == "Subscribe"),
        "counted"
    );

    assert_eq!(
        subscriptions(&eu, &topic_arn).await,
        ["arn:aws:lambda:us-east-1:123456789012:function:audit-dev-on_audit"]
    );

    log.reset();
    aws.deploy(&model, &path, &mut |_| {}).await.unwrap();
    assert_eq!(
        log.mutating_calls(),
        vec![],
        "observed in the topic's region too"
    );

    aws.delete("audit", "dev", &path, &mut |_| {})
        .await
        .unwrap();
    assert!(subscriptions(&eu, &topic_arn).await.is_empty());
}
