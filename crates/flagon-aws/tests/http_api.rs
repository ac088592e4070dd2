//! The HTTP API variant: routes, one proxy integration, an auto-deployed `$default` stage.

mod common;

use std::collections::BTreeSet;

use flagon_aws::{CallLog, load_state, state_path};
use flagon_config::{Config, Overrides};
use flagon_manifest::Manifest;
use flagon_model::{Architecture, Model};

use common::{fixture, moto, package};

fn http_model(dir: &std::path::Path) -> Model {
    let manifest =
        Manifest::from_json(&std::fs::read_to_string(fixture("api.json")).unwrap()).unwrap();
    let config = Config::parse("Flagon.toml", "api_type = \"http\"\n").unwrap();
    let mut model = Model::build(&manifest, &config, "dev", &Overrides::default()).unwrap();
    model.attach_code(Architecture::X86_64, &package(dir, b"v1"));
    model
}

#[tokio::test(flavor = "multi_thread")]
async fn http_api_gets_every_route_an_integration_and_a_default_stage() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let log = CallLog::new();
    let aws = moto.aws(log.clone()).await;
    let model = http_model(dir.path());
    let path = state_path(dir.path(), "dev");
    let report = aws.deploy(&model, &path, &mut |_| {}).await.unwrap();
    let url = report.api_url.unwrap();
    assert!(
        url.ends_with(".amazonaws.com/"),
        "the $default stage has no path: {url}"
    );

    let v2 = aws.apigatewayv2_client();
    let apis = v2.get_apis().send().await.unwrap();
    assert_eq!(apis.items().len(), 1);
    let id = apis.items()[0].api_id().unwrap();
    let routes = v2.get_routes().api_id(id).send().await.unwrap();
    let keys: BTreeSet<&str> = routes
        .items()
        .iter()
        .filter_map(|r| r.route_key())
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "GET /",
            "GET /users/{id}",
            "OPTIONS /users/{id}",
            "PUT /users/{id}"
        ])
    );
    let integrations = v2.get_integrations().api_id(id).send().await.unwrap();
    assert_eq!(integrations.items().len(), 1);
    assert_eq!(
        integrations.items()[0].integration_uri(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:web-dev-api_handler")
    );
    assert_eq!(
        integrations.items()[0].payload_format_version(),
        Some("2.0")
    );
    let stages = v2.get_stages().api_id(id).send().await.unwrap();
    assert_eq!(stages.items()[0].stage_name(), Some("$default"));
    assert_eq!(stages.items()[0].auto_deploy(), Some(true));
    let policy = aws
        .lambda_client()
        .get_policy()
        .function_name("web-dev-api_handler")
        .send()
        .await
        .unwrap();
    assert!(
        policy.policy().unwrap().contains(&format!("{id}/*")),
        "{:?}",
        policy.policy()
    );

    // A route removed from the app is removed from the API, the API is not recreated.
    let mut manifest: Manifest =
        Manifest::from_json(&std::fs::read_to_string(fixture("api.json")).unwrap()).unwrap();
    manifest
        .api
        .as_mut()
        .unwrap()
        .routes
        .retain(|r| r.path == "/");
    let config = Config::parse("Flagon.toml", "api_type = \"http\"\n").unwrap();
    let mut fewer = Model::build(&manifest, &config, "dev", &Overrides::default()).unwrap();
    fewer.attach_code(Architecture::X86_64, &package(dir.path(), b"v1"));
    aws.deploy(&fewer, &path, &mut |_| {}).await.unwrap();
    let routes = v2.get_routes().api_id(id).send().await.unwrap();
    let keys: Vec<&str> = routes
        .items()
        .iter()
        .filter_map(|r| r.route_key())
        .collect();
    assert_eq!(keys, ["GET /"]);
    assert_eq!(v2.get_apis().send().await.unwrap().items().len(), 1);

    log.reset();
    aws.deploy(&fewer, &path, &mut |_| {}).await.unwrap();
    assert_eq!(log.mutating_calls(), vec![]);

    aws.delete("web", "dev", &path, &mut |_| {}).await.unwrap();
    assert!(v2.get_apis().send().await.unwrap().items().is_empty());
    assert!(load_state(&path).unwrap().unwrap().resources.is_empty());
}
