//! `cargo flagon`: the command line of Flagon, a microframework for serverless Rust apps on
//! AWS.
//!
//! Installed as `cargo-flagon`, it runs as a cargo subcommand: `cargo flagon <COMMAND>`
//! (cargo passes `flagon` as the first argument, which we drop; `cargo-flagon <COMMAND>`
//! works too).
//!
//! ```text
//! cargo flagon new myapp --template rest-api   # or events, minimal
//! cd myapp && cargo test                       # the app's own tests, in-process
//! cargo flagon local                           # the API on 127.0.0.1, functions invocable
//! cargo flagon build --arch arm64              # .flagon/build/arm64/bootstrap.zip
//! cargo flagon package out --template-format yaml   # out/sam.yaml + out/deployment.zip
//! cargo flagon deploy --stage prod
//! ```
//!
//! `cargo flagon --help` lists every command; `cargo flagon <COMMAND> --help` explains one.
//! The app is learned only from its manifest: every command that needs it builds the app
//! (debug) and runs it with `FLAGON_MANIFEST=1` (`flagon_build::manifest`).
//!
//! The CLI is thin. Each command is a module in [`commands`] holding a clap args struct
//! (its doc comments are the `--help`) that it converts into the option struct of the
//! library crate that does the work (`flagon-build`, ...). Errors are rendered here, with
//! `miette`, and mapped to exit codes in one exhaustive `match` ([`error::CliError::exit_code`]).
//!
//! # Exit codes
//!
//! ```text
#![doc = include_str!("exit_codes.md")]
//! ```
//!
//! # Adding a command
//!
//! One file `src/commands/<name>.rs` with `pub struct <Name>Args` (clap `Args`) and
//! `pub fn run(args: &<Name>Args) -> Result<(), CliError>`, one variant in [`cli::Command`],
//! one arm in [`cli::Command::run`], and a `--help` snapshot in `tests/help.rs`.

mod cli;
mod commands;
mod error;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli =
        match cli::Cli::try_parse_from(cli::args_without_cargo_subcommand(std::env::args_os())) {
            Ok(cli) => cli,
            Err(err) => {
                // clap prints help and version to stdout (exit 0) and usage errors to stderr (2).
                let _ = err.print();
                return ExitCode::from(err.exit_code().clamp(0, 255) as u8);
            }
        };
    install_error_renderer();
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = err.exit_code();
            eprintln!("{:?}", miette::Report::new(err));
            ExitCode::from(code as u8)
        }
    }
}

/// miette wraps messages to the terminal's width; into a pipe or a log it must not, or a path
/// is cut in two and the message cannot be searched.
fn install_error_renderer() {
    let wrap = std::io::stderr().is_terminal();
    // Fails only if a hook is already set, which nothing else in this binary does.
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(wrap).build())
    }));
}
