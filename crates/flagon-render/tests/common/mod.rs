//! Shared by the renderer tests: the fixture models, and the outside tools (cfn-lint, a
//! Python with aws-sam-translator) found on PATH first, then in the workspace's `.venv`.

#![allow(dead_code)] // each test binary uses part of this module

use std::path::{Path, PathBuf};
use std::process::Command;

use flagon_config::{Config, Overrides};
use flagon_manifest::Manifest;
use flagon_model::{Architecture, Model};
use flagon_render::{SamOptions, TfOptions};

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The fixture app (every trigger kind) in `stage`: `dev` has a REST API, `prod` an HTTP API.
pub fn model(stage: &str) -> Model {
    let manifest = std::fs::read_to_string(fixture("manifest.json")).expect("manifest fixture");
    let manifest = Manifest::from_json(&manifest).expect("manifest fixture parses");
    let config = Config::load(fixture("Flagon.toml")).expect("Flagon.toml fixture loads");
    Model::build(&manifest, &config, stage, &Overrides::default()).expect("fixture model builds")
}

/// The fixture in `stage` with `on_click` reading its Kinesis stream from 2026-01-01 (AT_TIMESTAMP),
/// built from the manifest as an app declares it.
pub fn at_timestamp_model(stage: &str) -> Model {
    let manifest = std::fs::read_to_string(fixture("manifest.json")).expect("manifest fixture");
    let mut manifest = Manifest::from_json(&manifest).expect("manifest fixture parses");
    for f in &mut manifest.functions {
        if let flagon_manifest::Trigger::Kinesis {
            starting_position,
            starting_position_timestamp,
            ..
        } = &mut f.trigger
        {
            *starting_position = flagon_manifest::StartingPosition::AtTimestamp;
            *starting_position_timestamp = chrono::DateTime::from_timestamp(1_767_225_600, 0);
        }
    }
    manifest
        .validate()
        .expect("the AT_TIMESTAMP manifest is valid");
    let config = Config::load(fixture("Flagon.toml")).expect("Flagon.toml fixture loads");
    Model::build(&manifest, &config, stage, &Overrides::default()).expect("fixture model builds")
}

/// The stages of the fixture, one per API type.
pub const STAGES: [&str; 2] = ["dev", "prod"];

/// Packages as `cargo flagon package` names them, beside the template.
pub fn sam_options() -> SamOptions {
    SamOptions::new()
        .code(Architecture::X86_64, "./helloworld-x86_64.zip")
        .code(Architecture::Arm64, "./helloworld-arm64.zip")
}

pub fn tf_options() -> TfOptions {
    TfOptions::new()
        .zip(Architecture::X86_64, "${path.module}/helloworld-x86_64.zip")
        .zip(Architecture::Arm64, "${path.module}/helloworld-arm64.zip")
}

/// Whether the test script asked for every outside tool to be present.
fn tools_required() -> bool {
    std::env::var("FLAGON_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

fn workspace_venv_bin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin")
}

/// An executable on PATH, then in the workspace's `.venv/bin`, that `works` accepts.
fn find(name: &str, works: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([workspace_venv_bin()])
        .map(|dir| dir.join(name))
        .filter(|candidate| candidate.is_file())
        .find(|candidate| works(candidate))
}

/// The tool, or `None` after a skip note when tools are optional; a panic when
/// `FLAGON_REQUIRE_TOOLS=1`.
fn require(name: &str, what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_none() {
        assert!(
            !tools_required(),
            "{what} not found on PATH nor in .venv/bin, and FLAGON_REQUIRE_TOOLS=1: run scripts/tools.sh"
        );
        eprintln!("note: skipping: {name} ({what}) is not installed; scripts/tools.sh installs it");
    }
    found
}

/// `cfn-lint`.
pub fn cfn_lint() -> Option<PathBuf> {
    let found = find("cfn-lint", |p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    require("cfn-lint", "cfn-lint", found)
}

/// A Python that can import `samtranslator` (aws-sam-translator).
pub fn sam_python() -> Option<PathBuf> {
    let imports = |p: &Path| {
        Command::new(p)
            .args(["-c", "import samtranslator"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let found = find("python3", imports).or_else(|| find("python", imports));
    require("python3", "a Python with aws-sam-translator", found)
}

/// A Python that can import `moto` and `boto3`.
pub fn moto_python() -> Option<PathBuf> {
    let imports = |p: &Path| {
        Command::new(p)
            .args(["-c", "import moto, boto3"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let found = find("python3", imports).or_else(|| find("python", imports));
    require("python3", "a Python with moto", found)
}

/// Runs `command`, returning (exit code, stdout + stderr).
pub fn run(command: &mut Command) -> (i32, String) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("run {command:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

/// `terraform` and a local provider mirror to `init` from offline (`FLAGON_TF_PLUGIN_DIR`,
/// else `/opt/tf-plugins` when it exists). Neither is installed by scripts/tools.sh, so their
/// absence fails the test only with `FLAGON_REQUIRE_TERRAFORM=1`.
pub fn terraform() -> Option<(PathBuf, PathBuf)> {
    let binary = find("terraform", |p| {
        Command::new(p)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let plugins = std::env::var_os("FLAGON_TF_PLUGIN_DIR")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/opt/tf-plugins")))
        .filter(|dir| dir.is_dir());
    match (binary, plugins) {
        (Some(binary), Some(plugins)) => Some((binary, plugins)),
        _ => {
            assert!(
                std::env::var("FLAGON_REQUIRE_TERRAFORM").map_or(true, |v| v != "1"),
                "terraform or its provider mirror (FLAGON_TF_PLUGIN_DIR) is missing and FLAGON_REQUIRE_TERRAFORM=1"
            );
            eprintln!(
                "note: skipping: terraform and an AWS provider mirror (FLAGON_TF_PLUGIN_DIR) are needed"
            );
            None
        }
    }
}

/// `openapi-spec-validator` (installed with moto's server extra).
pub fn openapi_spec_validator() -> Option<PathBuf> {
    let found = find("openapi-spec-validator", |p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    require("openapi-spec-validator", "openapi-spec-validator", found)
}

/// Every model the real tools check: the fixture in each stage, `dev` with an API key
/// on `/users/{id}` (an HTTP API has no API keys, so the key variant is REST only), each stage
/// with `ANY` routes, and each stage with a Kinesis trigger starting AT_TIMESTAMP.
pub fn lint_models() -> Vec<(String, Model)> {
    let mut models: Vec<(String, Model)> =
        STAGES.iter().map(|s| ((*s).to_owned(), model(s))).collect();
    let mut keyed = model("dev");
    for resource in &mut keyed.resources {
        if let flagon_model::Resource::RestApi(api) = resource {
            api.routes
                .iter_mut()
                .filter(|r| r.path == "/users/{id}")
                .for_each(|r| r.api_key_required = true);
        }
    }
    models.push(("dev-api-key".to_owned(), keyed));
    for stage in STAGES {
        models.push((format!("{stage}-any"), any_model(stage)));
    }
    for stage in STAGES {
        models.push((format!("{stage}-at-timestamp"), at_timestamp_model(stage)));
    }
    models
}

/// The fixture in `stage` with `/files/{proxy+}` answering `ANY` with CORS: REST's
/// `x-amazon-apigateway-any-method`, HTTP API's `ANY /files/{proxy+}`.
pub fn any_model(stage: &str) -> Model {
    let mut model = model(stage);
    let cors = flagon_manifest::Cors {
        allow_origins: vec!["https://example.com".to_owned()],
        allow_headers: Vec::new(),
        expose_headers: Vec::new(),
        max_age: None,
        allow_credentials: false,
    };
    for resource in &mut model.resources {
        let routes = match resource {
            flagon_model::Resource::RestApi(api) => &mut api.routes,
            flagon_model::Resource::HttpApi(api) => &mut api.routes,
            _ => continue,
        };
        for route in routes.iter_mut().filter(|r| r.path == "/files/{proxy+}") {
            route.methods = vec!["ANY".to_owned()];
            route.cors = Some(cors.clone());
        }
    }
    model
}
