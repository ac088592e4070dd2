//! `cargo flagon url`: the stage's API URL.

use super::ProjectArgs;
use super::aws::deployed_state;
use crate::error::CliError;

/// Print the deployed stage's API URL (read from its state file; no AWS call).
#[derive(Debug, clap::Args)]
pub struct UrlArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
}

/// Runs `cargo flagon url`.
pub fn run(args: &UrlArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    let state = deployed_state(&project, &args.project.stage)?;
    let url = flagon_aws::api_url(&state).ok_or_else(|| CliError::User {
        message: format!(
            "find the API of stage {}: the app has no routes",
            args.project.stage
        ),
        help: None,
    })?;
    println!("{url}");
    Ok(())
}
