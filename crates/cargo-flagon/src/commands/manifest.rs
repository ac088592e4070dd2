//! `cargo flagon manifest`: what the CLI learns from the app, printed.

use super::{CargoArgs, ProjectArgs};
use crate::error::CliError;

/// Build the app (debug) and print its manifest as JSON.
///
/// The manifest is what every other command knows about the app: its functions, routes
/// and triggers. The app prints it when run with FLAGON_MANIFEST=1.
#[derive(Debug, clap::Args)]
pub struct ManifestArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub cargo: CargoArgs,
}

/// Runs `cargo flagon manifest`.
pub fn run(args: &ManifestArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    let manifest = flagon_build::manifest(&project, &args.cargo.into())?;
    println!("{}", manifest.to_json());
    Ok(())
}
