//! `cargo flagon plan`: what `deploy` would do, as a diff or as JSON.

use super::ProjectArgs;
use super::aws::{AwsArgs, DeployBuildArgs, deployable_model, runtime, state_path};
use crate::error::CliError;

/// Show what `deploy` would do, without changing anything.
///
/// Builds the app, reads what the stage's state file records and what AWS has (read-only
/// calls), and prints each resource to create (+), update (~, with the attributes that
/// change), replace (±), delete (-) or adopt (=, exists but not yet recorded).
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Print the plan as JSON (the same changes and their typed steps).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub build: DeployBuildArgs,
}

/// Runs `cargo flagon plan`.
pub fn run(args: &PlanArgs) -> Result<(), CliError> {
    let (project, model) = deployable_model(&args.project, &args.build)?;
    let path = state_path(&project, &args.project.stage);
    let (plan, _, _) =
        runtime()?.block_on(async { args.aws.connect().await.plan_deploy(&model, &path).await })?;
    if args.json {
        println!("{}", plan.to_json());
    } else {
        print!("{plan}");
    }
    Ok(())
}
