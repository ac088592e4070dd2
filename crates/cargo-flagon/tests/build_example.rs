//! `cargo flagon build` end to end on `examples/helloworld`: a real release build with
//! cargo-zigbuild (expensive: this is the one such test; it shares the workspace's target
//! directory), whose zip holds a `bootstrap` that starts and describes itself.
//!
//! Needs cargo-zigbuild and zig (`ziglang` from PyPI, found on PATH or in the workspace's
//! `.venv/bin`). With FLAGON_REQUIRE_TOOLS=1 a missing tool fails the test; without it the
//! test says so and passes.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use flagon_build::elf::{GlibcVersion, check_bootstrap};
use flagon_build::{Arch, code_sha256};
use flagon_manifest::Manifest;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// PATH with the workspace's `.venv/bin` after the caller's own entries.
fn path_with_venv() -> OsString {
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

/// Whether cargo-zigbuild and zig are there; panics if they must be and are not.
fn zigbuild_available() -> bool {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let missing: Vec<&str> = [
        ("cargo-zigbuild", succeeds(&cargo, &["zigbuild", "--help"])),
        (
            "ziglang",
            succeeds("zig", &["version"]) || succeeds("python3", &["-m", "ziglang", "version"]),
        ),
    ]
    .into_iter()
    .filter_map(|(tool, found)| (!found).then_some(tool))
    .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("FLAGON_REQUIRE_TOOLS").is_none(),
        "FLAGON_REQUIRE_TOOLS is set and {missing:?} is missing (cargo install cargo-zigbuild; pip install ziglang)"
    );
    eprintln!(
        "skipping: {missing:?} not installed (cargo install cargo-zigbuild; pip install ziglang)"
    );
    false
}

fn build_into(out: &Path) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"))
        .args([
            "flagon",
            "build",
            "--toolchain",
            "zigbuild",
            "--project-dir",
        ])
        .arg(workspace_root().join("examples/helloworld"))
        .arg("--out-dir")
        .arg(out)
        .env("PATH", path_with_venv())
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo flagon build failed with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn printed_sha(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("CodeSha256 "))
        .unwrap_or_else(|| panic!("no CodeSha256 in {stdout}"));
    line.to_owned()
}

#[test]
fn example_app_builds_into_a_reproducible_zip_whose_bootstrap_describes_itself() {
    if !zigbuild_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let first = build_into(out.path());
    let zip_bytes = std::fs::read(out.path().join("bootstrap.zip")).unwrap();
    assert_eq!(
        printed_sha(&first),
        code_sha256(&zip_bytes),
        "the printed CodeSha256 is the zip's"
    );

    // Lambda's layout: one executable `bootstrap` at the root.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip_bytes)).unwrap();
    assert_eq!(archive.len(), 1);
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(entry.name().unwrap(), "bootstrap");
    assert_eq!(entry.unix_mode().map(|mode| mode & 0o777), Some(0o755));
    let mut zipped_binary = Vec::new();
    entry.read_to_end(&mut zipped_binary).unwrap();
    let bootstrap = out.path().join("bootstrap");
    assert_eq!(zipped_binary, std::fs::read(&bootstrap).unwrap());

    // zigbuild links against glibc 2.17, well under Amazon Linux 2023's 2.34.
    let report = check_bootstrap(
        &bootstrap,
        Arch::X86_64,
        GlibcVersion {
            major: 2,
            minor: 17,
            patch: 0,
        },
    )
    .unwrap();
    assert!(report.max_glibc().is_some(), "a gnu build links glibc");

    // The bootstrap is the app: asked for its manifest, it answers.
    let manifest = flagon_build::manifest_of(&bootstrap).unwrap();
    assert_eq!(manifest, Manifest::from_json(&manifest.to_json()).unwrap());
    assert_eq!(manifest.app, "helloworld");

    // Unchanged code gives the same bytes and the same CodeSha256.
    let again = tempfile::tempdir().unwrap();
    let second = build_into(again.path());
    assert_eq!(printed_sha(&second), printed_sha(&first));
    assert_eq!(
        std::fs::read(again.path().join("bootstrap.zip")).unwrap(),
        zip_bytes
    );
}
