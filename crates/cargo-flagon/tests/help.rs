//! `--help` of every command, snapshot-tested, and the exit codes of usage and user errors.
//! Runs the real binary the way cargo does (`cargo-flagon flagon ...`).

use std::process::{Command, Output};

/// Every command. A new command must be added here: `every_command_has_a_help_snapshot`
/// fails otherwise.
const COMMANDS: &[&str] = &[
    "new", "build", "manifest", "package", "local", "invoke", "plan", "deploy", "url", "logs",
    "delete",
];

fn cargo_flagon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-flagon"))
        .arg("flagon")
        .args(args)
        .env("COLUMNS", "100")
        .env_remove("FLAGON_DEV_PATH")
        .output()
        .unwrap()
}

fn help(args: &[&str]) -> String {
    let mut args = args.to_vec();
    args.push("--help");
    let output = cargo_flagon(&args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn top_level_help_lists_commands_and_exit_codes() {
    insta::assert_snapshot!("help", help(&[]));
}

#[test]
fn every_command_has_a_help_snapshot() {
    for command in COMMANDS {
        insta::assert_snapshot!(format!("help_{command}"), help(&[command]));
    }
}

#[test]
fn commands_listed_in_help_are_exactly_the_snapshotted_ones() {
    let top = help(&[]);
    let listed: Vec<&str> = top
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert_eq!(listed, COMMANDS);
}

#[test]
fn unknown_command_is_a_usage_error_with_exit_code_2() {
    let output = cargo_flagon(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unrecognized subcommand 'frobnicate'")
    );
}

#[test]
fn running_outside_a_project_is_a_user_error_with_exit_code_1_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let output = cargo_flagon(&["build", "--project-dir", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("failed to find a Flagon project"),
        "{stderr}"
    );
    assert!(stderr.contains("cargo flagon new"), "{stderr}");
}

#[test]
fn binary_also_runs_without_the_cargo_subcommand_argument() {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("cargo-flagon "));
}
