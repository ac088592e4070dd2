//! `cargo flagon new`: every template gives a project that builds and passes its own tests.
//!
//! The generated project depends on the workspace's `crates/flagon` by path (the hidden
//! `--flagon-path`), gets a copy of the workspace's Cargo.lock so cargo resolves the same
//! versions without the network, and builds into the workspace's target directory with the
//! workspace's dev-profile settings so the dependencies compiled for the workspace are reused.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{assert_success, target_dir, workspace_root};
use flagon_manifest::Manifest;

fn cargo_flagon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-flagon"))
        .arg("flagon")
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("FLAGON_DEV_PATH")
        .output()
        .unwrap()
}

/// Generates `template` into a temporary directory, ready to build.
fn generate(template: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join(format!("app-{template}"));
    let flagon = workspace_root().join("crates/flagon");
    let output = cargo_flagon(&[
        "new",
        &format!("app-{template}"),
        "--template",
        template,
        "--path",
        project.to_str().unwrap(),
        "--flagon-path",
        flagon.to_str().unwrap(),
    ]);
    assert_success("cargo flagon new", &output);
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    (dir, project)
}

/// Runs the generated project's own `cargo test` and returns its stdout.
fn cargo_test(project: &Path) -> String {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .arg("test")
        .args(["--config", "profile.dev.debug=\"line-tables-only\""])
        .args(["--config", "profile.dev.package.\"*\".debug=false"])
        .current_dir(project)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert_success(&format!("cargo test in {}", project.display()), &output);
    String::from_utf8(output.stdout).unwrap()
}

fn assert_tests_passed(stdout: &str, expected: usize) {
    assert!(
        stdout.contains(&format!("test result: ok. {expected} passed; 0 failed")),
        "{stdout}"
    );
}

#[test]
fn minimal_project_builds_passes_its_test_and_describes_itself() {
    let (_dir, project) = generate("minimal");
    for file in ["Cargo.toml", "src/main.rs", "Flagon.toml", ".gitignore"] {
        assert!(project.join(file).is_file(), "{file} is missing");
    }
    assert_tests_passed(&cargo_test(&project), 1);

    let output = cargo_flagon(&["manifest", "--project-dir", project.to_str().unwrap()]);
    assert_success("cargo flagon manifest", &output);
    let manifest = Manifest::from_json(&String::from_utf8_lossy(&output.stdout)).unwrap();
    assert_eq!(manifest.app, "app-minimal");
    let api = manifest.api.expect("the minimal app has a route");
    assert_eq!(api.routes.len(), 1);
    assert_eq!(api.routes[0].path, "/");
}

#[test]
fn rest_api_project_builds_and_passes_its_tests() {
    let (_dir, project) = generate("rest-api");
    assert_tests_passed(&cargo_test(&project), 3);
}

#[test]
fn events_project_builds_and_passes_its_tests() {
    let (_dir, project) = generate("events");
    assert_tests_passed(&cargo_test(&project), 3);
}

#[test]
fn existing_non_empty_directory_is_refused_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let output = cargo_flagon(&["new", "app", "--path", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("already exists and is not empty"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn generated_manifest_depends_on_the_released_flagon_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("app");
    assert_success(
        "cargo flagon new",
        &cargo_flagon(&["new", "app", "--path", project.to_str().unwrap()]),
    );
    let cargo_toml = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains(&format!("flagon = \"{}\"", env!("CARGO_PKG_VERSION"))),
        "{cargo_toml}"
    );
}

#[test]
fn build_without_arch_follows_the_stage_architecture_in_flagon_toml() {
    let (_dir, project) = generate("minimal");
    let config = project.join("Flagon.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "[stages.prod]\n",
            "[stages.prod]\narchitecture = \"arm64\"\n",
        ),
    )
    .unwrap();

    // A native build cannot make an arm64 binary on an x86_64 host (nor x86_64 on arm64): the
    // error names the architecture the stage asked for, before any release build.
    let host_is_x86 = cfg!(target_arch = "x86_64");
    let (stage, expected) = if host_is_x86 {
        ("prod", "arm64")
    } else {
        ("dev", "x86_64")
    };
    let output = cargo_flagon(&[
        "build",
        "--stage",
        stage,
        "--toolchain",
        "native",
        "--project-dir",
        project.to_str().unwrap(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("builds an {expected} Lambda binary")),
        "{stderr}"
    );
}
