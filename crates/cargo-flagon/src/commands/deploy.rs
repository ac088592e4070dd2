//! `cargo flagon deploy`: plan, then execute, step by step.

use super::ProjectArgs;
use super::aws::{AwsArgs, DeployBuildArgs, deployable_model, print_progress, runtime, state_path};
use crate::error::CliError;

/// Deploy the stage: IAM role, functions, API and every event wiring.
///
/// Builds the app, plans (see `cargo flagon plan`) and executes the plan, printing each
/// step as it runs. The stage's state file (`.flagon/deployed/<stage>.json`) is written
/// after every step: a deploy that fails part-way can simply be run again. A deploy with
/// nothing changed makes no change in AWS. Ends with the API's URL and the functions.
#[derive(Debug, clap::Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub aws: AwsArgs,

    #[command(flatten)]
    pub build: DeployBuildArgs,
}

/// Runs `cargo flagon deploy`.
pub fn run(args: &DeployArgs) -> Result<(), CliError> {
    let (project, model) = deployable_model(&args.project, &args.build)?;
    let path = state_path(&project, &args.project.stage);
    let report = runtime()?.block_on(async {
        args.aws
            .connect()
            .await
            .deploy(&model, &path, &mut |p| print_progress(&p))
            .await
    })?;
    if report.plan.is_noop() {
        eprintln!("no changes");
    }
    if let Some(url) = &report.api_url {
        println!("API URL: {url}");
    }
    println!("Functions:");
    for name in &report.functions {
        println!("  {name}");
    }
    Ok(())
}
