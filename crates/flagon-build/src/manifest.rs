//! Asking the app for its manifest: build it (debug, host target), run it with
//! `FLAGON_MANIFEST=1`, parse what it prints.

use std::path::Path;
use std::process::{Command, Stdio};

use flagon_manifest::{MANIFEST_ENV, Manifest};

use crate::{BuildError, Project, cargo};

/// Options of [`manifest`].
#[derive(Debug, Clone, Default)]
pub struct ManifestOptions {
    /// Pass `--locked` to cargo.
    pub locked: bool,
    /// Pass `--offline` to cargo.
    pub offline: bool,
}

/// Builds the app (debug profile, host target) and returns the manifest it prints.
///
/// The debug build is also what `cargo flagon local` runs, so the two share one compile.
pub fn manifest(project: &Project, options: &ManifestOptions) -> Result<Manifest, BuildError> {
    let executable = build_debug(project, options)?;
    manifest_of(&executable)
}

/// Builds the app's binary with the debug profile for the host and returns its path.
pub fn build_debug(
    project: &Project,
    options: &ManifestOptions,
) -> Result<std::path::PathBuf, BuildError> {
    let mut command = Command::new(crate::project::cargo_program());
    command
        .args(["build", "--bin", &project.bin, "--manifest-path"])
        .arg(&project.manifest_path);
    if options.locked {
        command.arg("--locked");
    }
    if options.offline {
        command.arg("--offline");
    }
    cargo::build_executable(command, &project.bin)
}

/// Runs an already built app binary with `FLAGON_MANIFEST=1` and parses its manifest.
pub fn manifest_of(executable: &Path) -> Result<Manifest, BuildError> {
    let output = Command::new(executable)
        .env(MANIFEST_ENV, "1")
        // Inside a Lambda-like environment the app would serve the Runtime API instead.
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| BuildError::Spawn {
            program: executable.display().to_string(),
            source,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(BuildError::AppFailed {
            program: executable.to_path_buf(),
            status: output.status.to_string(),
            stderr: tail(&stderr, 2000).trim().to_owned(),
        });
    }
    Ok(Manifest::from_json(&String::from_utf8_lossy(
        &output.stdout,
    ))?)
}

/// The last `max` bytes of `text`, cut at a character boundary.
fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_end_and_respects_char_boundaries() {
        assert_eq!(tail("abcdef", 3), "def");
        assert_eq!(tail("ab", 10), "ab");
        assert_eq!(tail("aé", 1), "");
    }
}
