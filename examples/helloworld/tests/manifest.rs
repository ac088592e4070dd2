//! The manifest: pinned by a golden snapshot, and printed by the real binary when asked.

use std::process::Command;

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_helloworld"));
    for var in ["FLAGON_MANIFEST", "AWS_LAMBDA_RUNTIME_API", "_HANDLER"] {
        command.env_remove(var);
    }
    command
}

#[test]
fn manifest_is_pinned() {
    let manifest = helloworld::app().manifest().unwrap();
    // What the tools check before trusting a manifest holds for what the runtime writes.
    manifest.validate().unwrap();
    insta::assert_snapshot!(manifest.to_json());
}

#[test]
fn binary_prints_its_manifest_when_asked_by_env_or_flag() {
    let expected = helloworld::app().manifest().unwrap();
    let by_env = binary().env("FLAGON_MANIFEST", "1").output().unwrap();
    let by_flag = binary().arg("--flagon-manifest").output().unwrap();
    for output in [by_env, by_flag] {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let printed =
            flagon::manifest::Manifest::from_json(&String::from_utf8(output.stdout).unwrap())
                .unwrap();
        assert_eq!(printed, expected);
    }
}

#[test]
fn binary_run_plainly_says_how_to_run_locally_and_fails() {
    let output = binary().output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cargo flagon local"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn binary_on_lambda_names_a_missing_environment_variable() {
    let output = binary()
        .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
        .env("_HANDLER", "on_job")
        .env_remove("AWS_LAMBDA_FUNCTION_NAME")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("AWS_LAMBDA_FUNCTION_NAME is not set"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn binary_on_lambda_refuses_an_unknown_handler() {
    let output = binary()
        .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
        .env("_HANDLER", "nope")
        .env("AWS_LAMBDA_FUNCTION_NAME", "helloworld-dev-nope")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("_HANDLER is `nope`"), "{stderr}");
}
