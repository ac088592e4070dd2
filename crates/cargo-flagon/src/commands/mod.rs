//! One module per command: its clap args struct and its `run`.
//!
//! Args structs convert into the option structs of the library crates; `run` does no work of
//! its own beyond that and printing.

pub mod aws;
pub mod build;
pub mod delete;
pub mod deploy;
pub mod invoke;
pub mod local;
pub mod logs;
pub mod manifest;
pub mod new;
pub mod package;
pub mod plan;
pub mod remote;
pub mod url;

use std::path::PathBuf;

use clap::Args;

use crate::error::CliError;

/// Flags every command that works on a project shares.
#[derive(Debug, Clone, Args)]
pub struct ProjectArgs {
    /// The project directory, or any directory inside it: the nearest directory with
    /// `Flagon.toml` beside `Cargo.toml` is the project, else the nearest with `Cargo.toml`
    /// (all settings default).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project_dir: PathBuf,

    /// The stage (a `[stages.NAME]` table of Flagon.toml) to work on.
    #[arg(long, value_name = "NAME", default_value = "dev")]
    pub stage: String,
}

impl ProjectArgs {
    /// Finds the project.
    pub fn project(&self) -> Result<flagon_build::Project, CliError> {
        Ok(flagon_build::Project::discover(&self.project_dir)?)
    }
}

/// Flags passed through to cargo.
#[derive(Debug, Clone, Copy, Args)]
pub struct CargoArgs {
    /// Require Cargo.lock to be up to date (cargo `--locked`).
    #[arg(long)]
    pub locked: bool,

    /// Run cargo without network access (cargo `--offline`).
    #[arg(long)]
    pub offline: bool,
}

impl From<CargoArgs> for flagon_build::ManifestOptions {
    fn from(args: CargoArgs) -> Self {
        flagon_build::ManifestOptions {
            locked: args.locked,
            offline: args.offline,
        }
    }
}
