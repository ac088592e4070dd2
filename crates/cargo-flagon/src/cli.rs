//! The command enum and its dispatch: nothing else lives here.

use std::ffi::OsString;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::error::CliError;

/// Build, run and deploy Flagon apps: serverless Rust on AWS Lambda.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-flagon",
    bin_name = "cargo flagon",
    version,
    propagate_version = true,
    after_long_help = include_str!("exit_codes.md"),
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Every command. One variant per module of [`commands`]. The help of a command is the doc
/// comment of its args struct, in its module (a doc comment here would replace it).
#[derive(Debug, Subcommand)]
pub enum Command {
    // Listed in `--help` in this order: the order of a project's life.
    New(commands::new::NewArgs),
    Build(commands::build::BuildArgs),
    Manifest(commands::manifest::ManifestArgs),
    Package(commands::package::PackageArgs),
    Local(commands::local::LocalArgs),
    Invoke(commands::invoke::InvokeArgs),
    Plan(commands::plan::PlanArgs),
    Deploy(commands::deploy::DeployArgs),
    Url(commands::url::UrlArgs),
    Logs(commands::logs::LogsArgs),
    Delete(commands::delete::DeleteArgs),
}

impl Command {
    /// Runs the command.
    pub fn run(self) -> Result<(), CliError> {
        match self {
            Command::New(args) => commands::new::run(&args),
            Command::Build(args) => commands::build::run(&args),
            Command::Manifest(args) => commands::manifest::run(&args),
            Command::Package(args) => commands::package::run(&args),
            Command::Local(args) => commands::local::run(&args),
            Command::Invoke(args) => commands::invoke::run(&args),
            Command::Plan(args) => commands::plan::run(&args),
            Command::Deploy(args) => commands::deploy::run(&args),
            Command::Url(args) => commands::url::run(&args),
            Command::Logs(args) => commands::logs::run(&args),
            Command::Delete(args) => commands::delete::run(&args),
        }
    }
}

/// The arguments without the `flagon` that cargo inserts when it runs `cargo-flagon` for
/// `cargo flagon ...`.
pub fn args_without_cargo_subcommand(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|arg| arg == "flagon") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_subcommand_argument_is_dropped_only_in_first_position() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            args_without_cargo_subcommand(args(&["cargo-flagon", "flagon", "build"])),
            args(&["cargo-flagon", "build"])
        );
        assert_eq!(
            args_without_cargo_subcommand(args(&["cargo-flagon", "build"])),
            args(&["cargo-flagon", "build"])
        );
        assert_eq!(
            args_without_cargo_subcommand(args(&["cargo-flagon", "new", "flagon"])),
            args(&["cargo-flagon", "new", "flagon"])
        );
    }

    #[test]
    fn local_max_instances_is_a_positive_count_or_the_cpu_default() {
        let local = |extra: &[&str]| {
            let args = ["cargo-flagon", "local"].iter().chain(extra);
            Cli::try_parse_from(args).map(|cli| match cli.command {
                Command::Local(args) => args.max_instances,
                other => panic!("parsed as {other:?}"),
            })
        };
        assert_eq!(local(&[]).unwrap(), None);
        assert_eq!(local(&["--max-instances", "3"]).unwrap(), Some(3));
        let zero = local(&["--max-instances", "0"]).unwrap_err().to_string();
        assert!(zero.contains("--max-instances"), "{zero}");
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        let default = flagon_local::default_max_instances();
        assert!(
            default >= cpus.min(8) && (2..=16).contains(&default),
            "{default}"
        );
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
