//! `plan`, `deploy` and `delete` through the binary on examples/helloworld (release build)
//! against moto. The example's triggers name a bucket, queue and streams that this moto does
//! not have, so the deploy fails part-way as a deploy into a half-prepared account would:
//! with the AWS exit code, the state of what it created written, and `delete` then removing
//! all of it.

mod common;
mod moto;

use common::{example_app, path_with_venv, target_dir, zigbuild_available};
use moto::moto;

#[test]
fn plan_then_failed_deploy_then_delete_leaves_nothing() {
    if !zigbuild_available() {
        return;
    }
    let Some(moto) = moto() else { return };
    let app = example_app();
    let stage = format!("e2e{}", std::process::id());
    let state = app.join(".flagon/deployed").join(format!("{stage}.json"));
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--stage", &stage, "--project-dir", app.to_str().unwrap()]);
        cargo_flagon_with(&moto.endpoint, &all)
    };

    let plan = run(&["plan", "--toolchain", "zigbuild"]);
    let out = String::from_utf8_lossy(&plan.stdout).into_owned();
    assert!(
        plan.status.success(),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    assert!(out.contains("+ function:on_upload (create)"), "{out}");
    assert!(out.contains("+ rest_api (create)"), "{out}");
    assert!(!state.exists(), "plan writes no state");

    let json = run(&["plan", "--toolchain", "zigbuild", "--json"]);
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(plan["changes"].as_array().unwrap().len() > 20);

    let deploy = run(&["deploy", "--toolchain", "zigbuild"]);
    let err = String::from_utf8_lossy(&deploy.stderr).into_owned();
    assert_eq!(deploy.status.code(), Some(4), "an AWS call failed: {err}");
    assert!(
        err.contains("[1/") && err.contains("create role"),
        "steps are shown: {err}"
    );
    let recorded = std::fs::read_to_string(&state).unwrap();
    assert!(
        recorded.contains("\"schema_version\": 1") && recorded.contains("function"),
        "{recorded}"
    );

    let delete = run(&["delete"]);
    assert!(
        delete.status.success(),
        "{}",
        String::from_utf8_lossy(&delete.stderr)
    );
    let after = std::fs::read_to_string(&state).unwrap();
    assert!(after.contains("\"resources\": []"), "{after}");
    let functions = moto::lambda_function_names(&moto);
    assert!(functions.is_empty(), "{functions:?}");
    std::fs::remove_file(&state).unwrap();
}

/// `cargo flagon` against moto with the venv on PATH and the shared target directory.
fn cargo_flagon_with(endpoint: &str, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-flagon"));
    command
        .arg("flagon")
        .args(args)
        .env("PATH", path_with_venv())
        .env("CARGO_TARGET_DIR", target_dir());
    // zig comes from the PyPI `ziglang` package in the workspace's venv.
    let venv_python = common::workspace_root().join(".venv/bin/python3");
    if std::env::var_os("CARGO_ZIGBUILD_PYTHON_PATH").is_none() && venv_python.is_file() {
        command.env("CARGO_ZIGBUILD_PYTHON_PATH", venv_python);
    }
    moto::aws_env(&mut command, endpoint);
    command.output().unwrap()
}
