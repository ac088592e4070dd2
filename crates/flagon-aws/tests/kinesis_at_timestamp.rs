//! A Kinesis trigger starting AT_TIMESTAMP, deployed to moto and read back through Lambda's
//! API. moto (5.2) stores `StartingPositionTimestamp` but leaves it out of every answer, so
//! the time itself is checked only when the emulator returns it; the planner's handling of a
//! changed time is tested in flagon-plan against observations that carry it.

mod common;

use flagon_aws::{Aws, CallLog};
use flagon_manifest::{Manifest, StartingPosition, Trigger};
use flagon_model::{FunctionRef, ResourceId};
use flagon_plan::Action;

use common::{create_sources, deploy, manifest, model, moto};

/// 2026-01-01T00:00:00Z.
const START: i64 = 1_767_225_600;

/// The fixture app with `on_click` reading its stream from [`START`].
fn at_timestamp(stream_arn: &str) -> Manifest {
    let mut manifest = manifest(stream_arn);
    for f in &mut manifest.functions {
        if let Trigger::Kinesis {
            starting_position,
            starting_position_timestamp,
            ..
        } = &mut f.trigger
        {
            *starting_position = StartingPosition::AtTimestamp;
            *starting_position_timestamp = chrono::DateTime::from_timestamp(START, 0);
        }
    }
    manifest.validate().expect("a valid manifest");
    manifest
}

/// `on_click`'s mappings as Lambda lists them: (UUID, position, timestamp in seconds).
async fn click_mappings(aws: &Aws) -> Vec<(String, Option<String>, Option<i64>)> {
    let out = aws
        .lambda_client()
        .list_event_source_mappings()
        .function_name("shop-dev-on_click")
        .send()
        .await
        .unwrap();
    out.event_source_mappings()
        .iter()
        .map(|m| {
            (
                m.uuid().unwrap().to_owned(),
                m.starting_position().map(|p| p.as_str().to_owned()),
                m.starting_position_timestamp().map(|t| t.secs()),
            )
        })
        .collect()
}

/// The position is AT_TIMESTAMP, and the time is START wherever the emulator says it.
fn assert_starts_at_the_timestamp(mappings: &[(String, Option<String>, Option<i64>)]) {
    let [(_, position, timestamp)] = mappings else {
        panic!("one mapping: {mappings:?}")
    };
    assert_eq!(position.as_deref(), Some("AT_TIMESTAMP"));
    if let Some(t) = timestamp {
        assert_eq!(*t, START);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn kinesis_at_timestamp_is_deployed_and_redeploy_changes_nothing() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let setup = moto.aws(CallLog::new()).await;
    let stream_arn = create_sources(&moto, &setup).await;
    let model = model(&at_timestamp(&stream_arn), dir.path(), b"v1");
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;

    deploy(&aws, &model, dir.path()).await;
    assert_starts_at_the_timestamp(&click_mappings(&aws).await);

    log.reset();
    let again = deploy(&aws, &model, dir.path()).await;
    assert!(again.plan.changes.is_empty(), "{}", again.plan);
    assert_eq!(
        log.mutating_calls(),
        vec![],
        "a no-op redeploy mutates nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn moving_a_latest_mapping_to_a_timestamp_replaces_it() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let setup = moto.aws(CallLog::new()).await;
    let stream_arn = create_sources(&moto, &setup).await;
    let aws = moto.aws(CallLog::new()).await;
    deploy(
        &aws,
        &model(&manifest(&stream_arn), dir.path(), b"v1"),
        dir.path(),
    )
    .await;
    let before = click_mappings(&aws).await;
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].1.as_deref(), Some("LATEST"));

    let model = model(&at_timestamp(&stream_arn), dir.path(), b"v1");
    let report = deploy(&aws, &model, dir.path()).await;
    let id = ResourceId::EventSourceMapping(FunctionRef("on_click".into()));
    let change = report
        .plan
        .changes
        .iter()
        .find(|c| c.id == id)
        .expect("on_click's mapping changes");
    assert_eq!(
        change.action,
        Action::Replace {
            changed: vec!["starting_position".into()]
        }
    );
    let after = click_mappings(&aws).await;
    assert_starts_at_the_timestamp(&after);
    assert_ne!(
        after[0].0, before[0].0,
        "a new mapping, not the old one updated"
    );

    let again = deploy(&aws, &model, dir.path()).await;
    assert!(again.plan.changes.is_empty(), "{}", again.plan);
}
