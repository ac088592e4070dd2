//! `cargo flagon package` end to end on `examples/helloworld`: config + manifest + model +
//! release build + renderer + `--merge-template`, written as files beside the zip. Shares the
//! release build of `build_example.rs` (same target directory, same settings).

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::{
    assert_success, cargo_flagon, cfn_lint_available, example_app, run_tool, workspace_root,
    zigbuild_available,
};
use serde_json::Value;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn package(out: &Path, extra: &[&OsStr]) -> std::process::Output {
    let app = example_app();
    let mut args: Vec<&OsStr> = vec![
        "package".as_ref(),
        out.as_os_str(),
        "--toolchain".as_ref(),
        "zigbuild".as_ref(),
        "--project-dir".as_ref(),
        app.as_os_str(),
    ];
    args.extend_from_slice(extra);
    cargo_flagon(&args)
}

/// The zip in `out` is the one the output names, with that CodeSha256.
fn assert_zip_reported(out: &Path, stdout: &str) {
    let zip = out.join("deployment.zip");
    let sha = flagon_build::code_sha256(&std::fs::read(&zip).unwrap());
    assert!(
        stdout.contains(&format!("{} (x86_64, CodeSha256 {sha})", zip.display())),
        "{stdout}"
    );
}

#[test]
fn cloudformation_yaml_package_is_a_valid_sam_template_with_the_merge_applied() {
    if !zigbuild_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let output = package(
        out.path(),
        &[
            "--template-format".as_ref(),
            "yaml".as_ref(),
            "--merge-template".as_ref(),
            fixture("merge-sam.yaml").as_os_str(),
        ],
    );
    assert_success("cargo flagon package (cloudformation)", &output);
    assert_zip_reported(out.path(), &String::from_utf8_lossy(&output.stdout));

    let text = std::fs::read_to_string(out.path().join("sam.yaml")).unwrap();
    let template = flagon_render::parse_template(&text).unwrap();
    assert_eq!(template["Transform"], "AWS::Serverless-2016-10-31");
    let functions: Vec<&Value> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|resource| resource["Type"] == "AWS::Serverless::Function")
        .collect();
    assert!(!functions.is_empty());
    for function in functions {
        assert_eq!(function["Properties"]["CodeUri"], "./deployment.zip");
    }
    // The merge added an output and overrode one property, keeping the rest of the function.
    assert_eq!(
        template["Outputs"]["PackagedBy"]["Value"],
        serde_json::json!({"Fn::Sub": "flagon-package-test in ${AWS::Region}"})
    );
    let api = &template["Resources"]["ApiHandlerFunction"]["Properties"];
    assert_eq!(api["MemorySize"], 1024);
    assert_eq!(api["CodeUri"], "./deployment.zip");

    if cfn_lint_available() {
        run_tool("cfn-lint", &[out.path().join("sam.yaml").as_os_str()]);
    }
}

#[test]
fn terraform_package_points_every_function_at_the_zip() {
    if !zigbuild_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let output = package(
        out.path(),
        &[
            "--pkg-format".as_ref(),
            "terraform".as_ref(),
            "--merge-template".as_ref(),
            fixture("merge-terraform.json").as_os_str(),
        ],
    );
    assert_success("cargo flagon package (terraform)", &output);
    assert_zip_reported(out.path(), &String::from_utf8_lossy(&output.stdout));

    let config: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("main.tf.json")).unwrap()).unwrap();
    let functions = config["resource"]["aws_lambda_function"]
        .as_object()
        .expect("lambda functions");
    assert!(!functions.is_empty());
    for function in functions.values() {
        assert_eq!(function["filename"], "${path.module}/deployment.zip");
    }
    assert_eq!(
        config["output"]["packaged_by"]["value"],
        "flagon-package-test"
    );
}

#[test]
fn terraform_as_yaml_is_refused_before_building() {
    let out = tempfile::tempdir().unwrap();
    let output = cargo_flagon(&[
        "package".as_ref(),
        out.path().as_os_str(),
        "--pkg-format".as_ref(),
        "terraform".as_ref(),
        "--template-format".as_ref(),
        "yaml".as_ref(),
        "--project-dir".as_ref(),
        workspace_root().join("examples/helloworld").as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Terraform reads JSON"));
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing is written"
    );
}

/// The Python that has aws-sam-translator: the workspace's venv, else the first on PATH.
fn sam_python() -> std::path::PathBuf {
    let venv = workspace_root().join(".venv/bin/python3");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

/// Every template `package` renders from the example app, for both API types (the `dev`
/// stage is a REST API, `prod` an HTTP API in examples/helloworld/Flagon.toml) and both
/// formats, passes cfn-lint, and expands offline through the SAM translator (with its
/// `CodeUri` rewritten to an S3 URI, as `sam deploy` would) into a template cfn-lint also
/// accepts.
#[test]
fn example_templates_of_both_api_types_pass_cfn_lint_and_the_sam_translator() {
    if !zigbuild_available() || !cfn_lint_available() {
        return;
    }
    for (stage, api_type) in [
        ("dev", "AWS::Serverless::Api"),
        ("prod", "AWS::Serverless::HttpApi"),
    ] {
        for format in ["json", "yaml"] {
            let out = tempfile::tempdir().unwrap();
            let output = package(
                out.path(),
                &[
                    "--stage".as_ref(),
                    stage.as_ref(),
                    "--template-format".as_ref(),
                    format.as_ref(),
                ],
            );
            assert_success(
                &format!("cargo flagon package --stage {stage} ({format})"),
                &output,
            );
            let file = out.path().join(format!("sam.{format}"));
            run_tool("cfn-lint", &[file.as_os_str()]);

            let mut template =
                flagon_render::parse_template(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let resources = template["Resources"].as_object_mut().unwrap();
            assert!(
                resources.values().any(|r| r["Type"] == api_type),
                "stage {stage} should have an {api_type}"
            );
            for resource in resources.values_mut() {
                if resource["Type"] == "AWS::Serverless::Function" {
                    resource["Properties"]["CodeUri"] =
                        "s3://flagon-artifacts/helloworld/deployment.zip".into();
                }
            }
            let input = out.path().join("sam-s3.json");
            let expanded = out.path().join("expanded.json");
            std::fs::write(&input, serde_json::to_vec(&template).unwrap()).unwrap();
            let translate = std::process::Command::new(sam_python())
                .arg(workspace_root().join("crates/flagon-render/tests/tools/sam_translate.py"))
                .arg("--template-file")
                .arg(&input)
                .arg("--output-template")
                .arg(&expanded)
                .env("AWS_DEFAULT_REGION", "us-east-1")
                .output()
                .unwrap();
            assert_success(
                &format!("sam-translate of stage {stage} ({format})"),
                &translate,
            );
            let expanded_template: Value =
                serde_json::from_slice(&std::fs::read(&expanded).unwrap()).unwrap();
            assert!(
                expanded_template.get("Transform").is_none(),
                "the SAM transform was applied"
            );
            run_tool("cfn-lint", &[expanded.as_os_str()]);
        }
    }
}
