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

async fn run(fractions: &[(usize, usize)]) {
    let Some((reference, total)) = clean().await else {
        return;
    };
    assert!(
        total > 20,
        "the fixture deploy makes many mutating calls ({total})"
    );
    for &(num, den) in fractions {
        let k = (total * num / den).clamp(1, total);
        fail_at_then_converge(k, &reference).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_at_the_first_calls_converges() {
    run(&[(0, 1), (1, 20), (2, 20)]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_in_the_first_half_converges() {
    run(&[(1, 4), (1, 3), (1, 2)]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_in_the_second_half_converges() {
    run(&[(3, 5), (3, 4), (5, 6)]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failing_at_the_last_calls_converges() {
    run(&[(9, 10), (19, 20), (1, 1)]).await;
}
