//! Helpers of the end-to-end tests that build `examples/helloworld` for real.
#![allow(dead_code)] // each test binary uses its own subset

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn example_app() -> PathBuf {
    workspace_root().join("examples/helloworld")
}

/// The workspace's target directory, so the release build of the example is shared.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// PATH with the workspace's `.venv/bin` after the caller's own entries.
pub fn path_with_venv() -> OsString {
    let mut paths: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    paths.push(workspace_root().join(".venv/bin"));
    std::env::join_paths(paths).unwrap()
}

fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .env("PATH", path_with_venv())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether every tool is there; panics naming the missing ones if FLAGON_REQUIRE_TOOLS is
/// set, else prints a skip note.
fn tools_available(tools: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .filter_map(|(tool, found)| (!found).then_some(*tool))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("FLAGON_REQUIRE_TOOLS").is_none(),
        "FLAGON_REQUIRE_TOOLS is set and {missing:?} is missing (scripts/tools.sh installs them)"
    );
    eprintln!("skipping: {missing:?} not installed (scripts/tools.sh installs them)");
    false
}

/// The Python to run `-m ziglang` with when neither `zig` nor the first `python3` on PATH
/// has zig: the workspace's `.venv/bin/python3`, passed on as CARGO_ZIGBUILD_PYTHON_PATH
/// (which cargo-zigbuild and flagon-build both read).
pub fn venv_zig_python() -> Option<PathBuf> {
    if succeeds("zig", &["version"]) || succeeds("python3", &["-m", "ziglang", "version"]) {
        return None;
    }
    let python = workspace_root().join(".venv/bin/python3");
    succeeds(python.to_str()?, &["-m", "ziglang", "version"]).then_some(python)
}

/// cargo-zigbuild and zig (`zig` on PATH, or the PyPI `ziglang` module of the first
/// `python3` on PATH or of the workspace's venv).
pub fn zigbuild_available() -> bool {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let zig = succeeds("zig", &["version"])
        || succeeds("python3", &["-m", "ziglang", "version"])
        || venv_zig_python().is_some();
    tools_available(&[
        ("cargo-zigbuild", succeeds(&cargo, &["zigbuild", "--help"])),
        ("ziglang", zig),
    ])
}

/// cfn-lint, on PATH or in the workspace's `.venv/bin`.
pub fn cfn_lint_available() -> bool {
    tools_available(&[("cfn-lint", succeeds("cfn-lint", &["--version"]))])
}

/// Runs `cargo flagon ARGS` with the venv on PATH (and as zig's Python if need be) and the
/// shared target directory.
pub fn cargo_flagon(args: &[&std::ffi::OsStr]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"));
    command
        .arg("flagon")
        .args(args)
        .env("PATH", path_with_venv())
        .env("CARGO_TARGET_DIR", target_dir());
    if let Some(python) = venv_zig_python() {
        command.env("CARGO_ZIGBUILD_PYTHON_PATH", python);
    }
    command.output().unwrap()
}

pub fn assert_success(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `program` (found with the venv on PATH) and asserts it succeeds.
pub fn run_tool(program: &str, args: &[&std::ffi::OsStr]) {
    let output = Command::new(program)
        .args(args)
        .env("PATH", path_with_venv())
        .output()
        .unwrap();
    assert_success(program, &output);
}
