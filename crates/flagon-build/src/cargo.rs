//! Running `cargo build` and finding the executable it produced.
//!
//! We pass `--message-format=json-render-diagnostics`: the compiler's messages still reach the
//! user's terminal (on stderr, rendered), and stdout carries the JSON artifact records that
//! name the executable, wherever the target directory, target triple or profile put it.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::BuildError;

#[derive(Debug, Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<MessageTarget>,
    #[serde(default)]
    executable: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
struct MessageTarget {
    name: String,
    kind: Vec<String>,
}

/// Runs `command` (a `cargo build`-like command, without `--message-format`), with stderr
/// passed through, and returns the executable of binary target `bin`.
pub(crate) fn build_executable(mut command: Command, bin: &str) -> Result<PathBuf, BuildError> {
    command.arg("--message-format=json-render-diagnostics");
    let shown = show(&command);
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|source| BuildError::Spawn {
            program: command.get_program().to_string_lossy().into_owned(),
            source,
        })?;
    if !output.status.success() {
        return Err(BuildError::Compile {
            command: shown,
            status: output.status.to_string(),
        });
    }
    executable_from_messages(&String::from_utf8_lossy(&output.stdout), bin).ok_or_else(|| {
        BuildError::NoExecutable {
            bin: bin.to_owned(),
        }
    })
}

/// The executable of binary `bin` in cargo's JSON messages (the last one, if several).
fn executable_from_messages(stdout: &str, bin: &str) -> Option<PathBuf> {
    stdout
        .lines()
        .rev()
        .filter_map(|line| serde_json::from_str::<Message>(line).ok())
        .filter(|message| message.reason == "compiler-artifact")
        .filter(|message| {
            message.target.as_ref().is_some_and(|target| {
                target.name == bin && target.kind.iter().any(|kind| kind == "bin")
            })
        })
        .find_map(|message| message.executable)
}

/// A command line as the user could re-run it.
pub(crate) fn show(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|arg| {
            let arg = arg.to_string_lossy();
            if arg.contains([' ', '"', '\'']) {
                format!("'{arg}'")
            } else {
                arg.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executable_of_the_named_bin_is_found_among_other_artifacts() {
        let stdout = r#"{"reason":"compiler-artifact","target":{"name":"serde","kind":["lib"]},"executable":null}
not json at all
{"reason":"compiler-artifact","target":{"name":"app","kind":["bin"]},"executable":"/t/debug/app"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executable_from_messages(stdout, "app"),
            Some(PathBuf::from("/t/debug/app"))
        );
        assert_eq!(executable_from_messages(stdout, "other"), None);
    }

    #[test]
    fn shown_command_quotes_arguments_with_spaces() {
        let mut command = Command::new("cargo");
        command.args(["build", "--config", "profile.release.lto = \"thin\""]);
        assert_eq!(
            show(&command),
            r#"cargo build --config 'profile.release.lto = "thin"'"#
        );
    }
}
