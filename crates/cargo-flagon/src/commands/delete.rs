//! `cargo flagon delete`: remove everything the stage's state records.

use super::ProjectArgs;
use super::aws::{AwsArgs, print_progress, runtime, state_path};
use crate::error::CliError;

/// Delete the stage: everything its state file records, wiring first, roles last.
///
/// Safe to re-run: what is already gone (deleted by hand, or by an interrupted delete) is
/// not an error. Log groups are kept (only their retention setting is removed).
#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Runs `cargo flagon delete`.
pub fn run(args: &DeleteArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    let stage = &args.project.stage;
    let path = state_path(&project, stage);
    let Some(state) = flagon_aws::load_state(&path)? else {
        println!("nothing deployed in stage {stage}");
        return Ok(());
    };
    let plan = runtime()?.block_on(async {
        args.aws
            .connect()
            .await
            .delete(&state.app, stage, &path, &mut |p| print_progress(&p))
            .await
    })?;
    println!(
        "deleted {} resources of {} ({stage})",
        plan.changes.len(),
        state.app
    );
    Ok(())
}
