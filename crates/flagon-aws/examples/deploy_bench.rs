//! Times a full deploy and a no-op redeploy of an app against the AWS the SDK finds
//! (`AWS_ENDPOINT_URL` for an emulator). Driven by `bench/deploy.sh`:
//!
//! ```text
//! cargo run -p flagon-aws --example deploy_bench -- MANIFEST.json PROJECT_DIR BOOTSTRAP.zip STATE_DIR
//! ```

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use base64::Engine as _;
use flagon_aws::{Aws, ConnectOptions, state_path};
use flagon_config::{Config, Overrides};
use flagon_manifest::Manifest;
use flagon_model::{Code, Model};
use sha2::Digest as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [manifest, project, zip, state_dir] = args.as_slice() else {
        return Err("usage: deploy_bench MANIFEST.json PROJECT_DIR BOOTSTRAP.zip STATE_DIR".into());
    };
    let manifest = Manifest::from_json(&std::fs::read_to_string(manifest)?)?;
    let config = Config::load_project(project)?;
    let mut model = Model::build(&manifest, &config, "bench", &Overrides::default())?;
    let bytes = std::fs::read(zip)?;
    let sha256 = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&bytes));
    let code = Code {
        zip_path: PathBuf::from(zip),
        sha256,
    };
    for arch in model.architectures() {
        model.attach_code(arch, &code);
    }
    let aws = Aws::connect(&ConnectOptions::default()).await;
    let path = state_path(std::path::Path::new(state_dir), "bench");

    let start = Instant::now();
    let report = aws.deploy(&model, &path, &mut |_| {}).await?;
    let full = start.elapsed();
    let full_calls = aws.call_log().mutating_count();
    let full_steps = report.plan.steps().count();

    aws.call_log().reset();
    let start = Instant::now();
    aws.deploy(&model, &path, &mut |_| {}).await?;
    let noop = start.elapsed();
    let noop_calls = aws.call_log().mutating_count();
    let reads = aws.call_log().calls().len();

    println!(
        "full deploy:    {:8.3} s  ({} resources, {full_steps} steps, {full_calls} mutating calls)",
        full.as_secs_f64(),
        model.resources.len()
    );
    println!(
        "no-op redeploy: {:8.3} s  ({noop_calls} mutating calls, {reads} read-only calls)",
        noop.as_secs_f64()
    );
    aws.delete(&model.app, &model.stage, &path, &mut |_| {})
        .await?;
    Ok(())
}
