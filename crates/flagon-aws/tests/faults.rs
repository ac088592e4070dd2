//! Fault injection: the k-th mutating call of a deploy fails. The state file must still parse,
//! and the next deploy must converge to exactly what a clean deploy gives (no duplicate API,
//! subscription or mapping; nothing orphaned), after which a redeploy mutates nothing.

mod common;

use flagon_aws::{CallLog, load_state, state_path};

use common::{create_sources, fingerprint, manifest, model, moto};

/// A clean deploy's fingerprint and number of mutating calls.
async fn clean() -> Option<(Vec<String>, usize)> {
    let moto = moto()?;
    let dir = tempfile::tempdir().unwrap();
    let stream = create_sources(&moto, &moto.aws(CallLog::new()).await).await;
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    let model = model(&manifest(&stream), dir.path(), b"v1");
    aws.deploy(&model, &state_path(dir.path(), "dev"), &mut |_| {})
        .await
        .unwrap();
    Some((fingerprint(&aws).await, log.mutating_count()))
}

async fn fail_at_then_converge(k: usize, reference: &[String]) {
    let moto = moto().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let stream = create_sources(&moto, &moto.aws(CallLog::new()).await).await;
    let model = model(&manifest(&stream), dir.path(), b"v1");
    let path = state_path(dir.path(), "dev");

    let failing = moto.aws(CallLog::failing_at(k)).await;
    let err = failing
        .deploy(&model, &path, &mut |_| {})
        .await
        .expect_err("the fault fails the deploy");
    assert!(err.to_string().contains("fault injected"), "k={k}: {err}");
    load_state(&path).unwrap_or_else(|e| panic!("k={k}: the state file parses: {e}"));

    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    aws.deploy(&model, &path, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("k={k}: {e}"));
    assert_eq!(
        fingerprint(&aws).await,
        reference,
        "k={k}: converged to a clean deploy"
    );
    let state = load_state(&path).unwrap().unwrap();
    assert_eq!(
        state.resources.len(),
        model.resources.len(),
        "k={k}: everything recorded"
    );

    log.reset();
    let again = aws.deploy(&model, &path, &mut |_| {}).await.unwrap();
    assert_eq!(
        log.mutating_calls(),
        vec![],
        "k={k}: then stable: {}",
        again.plan
    );
}

/// Every k of a clean deploy's mutating calls, split over four tests that run in parallel.
async fn run(bucket: usize) {
    let Some((reference, total)) = clean().await else {
        return;
    };
    assert!(
        total > 20,
        "the fixture deploy makes many mutating calls ({total})"
    );
    eprintln!("failing each k = {bucket} mod 4 of {total} mutating calls");
    for k in (1..=total).filter(|k| k % 4 == bucket) {
        fail_at_then_converge(k, &reference).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_at_any_call_converges_k_mod_4_is_0() {
    run(0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_at_any_call_converges_k_mod_4_is_1() {
    run(1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_at_any_call_converges_k_mod_4_is_2() {
    run(2).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_at_any_call_converges_k_mod_4_is_3() {
    run(3).await;
}
