//! `cargo flagon build` end to end on `examples/helloworld`: a real release build with
//! cargo-zigbuild (expensive: this is the one such test; it shares the workspace's target
//! directory), whose zip holds a `bootstrap` that starts and describes itself.
//!
//! Needs cargo-zigbuild and zig (`ziglang` from PyPI, found on PATH or in the workspace's
//! `.venv/bin`). With FLAGON_REQUIRE_TOOLS=1 a missing tool fails the test; without it the
//! test says so and passes.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Output;

use common::{assert_success, cargo_flagon, example_app, zigbuild_available};
use flagon_build::elf::{GlibcVersion, check_bootstrap};
use flagon_build::{Arch, code_sha256};
use flagon_manifest::Manifest;

fn build_into(out: &Path) -> Output {
    let output = cargo_flagon(&[
        "build".as_ref(),
        "--toolchain".as_ref(),
        "zigbuild".as_ref(),
        "--project-dir".as_ref(),
        example_app().as_os_str(),
        "--out-dir".as_ref(),
        out.as_os_str(),
    ]);
    assert_success("cargo flagon build", &output);
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
