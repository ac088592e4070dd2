//! `url`, `logs` (and `logs --follow`) and `delete` through the real binary against moto, on a stage deployed by
//! the library (plan and deploy need a release build of an app: their library side is tested
//! in flagon-aws, and bench/deploy.sh runs them on examples/helloworld).

mod moto;

use std::path::{Path, PathBuf};
use std::process::Output;

use flagon_aws::{Aws, CallLog, ConnectOptions, state_path};
use flagon_config::{Config, Overrides};
use flagon_manifest::Manifest;
use flagon_model::{Architecture, Code, Model};
use moto::{Moto, cargo_flagon, moto};

/// A project cargo can describe (a package with a binary), holding only a state file.
fn project(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"cliapp\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    dir.to_path_buf()
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn deployed(moto: &Moto, root: &Path) -> Aws {
    let aws =
        Aws::connect_with_log(&ConnectOptions::emulator(&moto.endpoint), CallLog::new()).await;
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws-app/manifest.json");
    let manifest = Manifest::from_json(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let mut model =
        Model::build(&manifest, &Config::empty(), "dev", &Overrides::default()).unwrap();
    let zip = root.join("bootstrap.zip");
    let bytes = flagon_build::zip_bootstrap(b"not run by moto").unwrap();
    std::fs::write(&zip, &bytes).unwrap();
    let code = Code {
        zip_path: zip,
        sha256: flagon_build::code_sha256(&bytes),
    };
    model.attach_code(Architecture::X86_64, &code);
    aws.deploy(&model, &state_path(root, "dev"), &mut |_| {})
        .await
        .unwrap();
    aws
}

#[tokio::test(flavor = "multi_thread")]
async fn url_logs_and_delete_work_on_a_deployed_stage() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let project_dir = root.to_str().unwrap();
    let aws = deployed(&moto, &root).await;
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--project-dir", project_dir]);
        cargo_flagon(&moto.endpoint, &all)
    };

    let url = run(&["url"]);
    let (out, err) = text(&url);
    assert!(url.status.success(), "{err}");
    assert!(
        out.starts_with("https://")
            && out
                .trim_end()
                .ends_with(".execute-api.us-east-1.amazonaws.com/api/"),
        "{out}"
    );

    let group = "/aws/lambda/cliapp-dev-resize";
    moto.json_call(
        "logs",
        "Logs_20140328.CreateLogGroup",
        &format!(r#"{{"logGroupName":"{group}"}}"#),
    );
    moto.json_call(
        "logs",
        "Logs_20140328.CreateLogStream",
        &format!(r#"{{"logGroupName":"{group}","logStreamName":"s"}}"#),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    moto.json_call(
        "logs",
        "Logs_20140328.PutLogEvents",
        &format!(
            r#"{{"logGroupName":"{group}","logStreamName":"s","logEvents":[{{"timestamp":{},"message":"resized 3 images\n"}}]}}"#,
            now - 5_000
        ),
    );
    let output = run(&["logs", "resize", "--since", "1h"]);
    let (out, err) = text(&output);
    assert!(output.status.success(), "{err}");
    assert!(out.contains(" s resized 3 images"), "{out}");
    let unknown = run(&["logs", "nope"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown)
            .1
            .contains("deployed functions are [api_handler, resize]"),
        "{:?}",
        text(&unknown)
    );

    // --follow prints what is there, then each new line once as it arrives, until stopped.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-flagon"));
    command
        .args(["flagon", "logs", "resize", "--follow", "--since", "1h"])
        .args(["--project-dir", project_dir])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    moto::aws_env(&mut command, &moto.endpoint);
    let mut follower = command.spawn().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = follower.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // Bounded waits for the follower to print; generous so a loaded machine cannot fail it.
    let next_line = || received.recv_timeout(std::time::Duration::from_secs(60));
    assert!(next_line().unwrap().ends_with(" s resized 3 images"));
    moto.json_call(
        "logs",
        "Logs_20140328.PutLogEvents",
        &format!(
            r#"{{"logGroupName":"{group}","logStreamName":"s","logEvents":[{{"timestamp":{},"message":"resized 1 more\n"}}]}}"#,
            now - 1_000
        ),
    );
    let second = next_line().unwrap();
    assert!(
        second.ends_with(" s resized 1 more"),
        "the new line, and not the old one again: {second}"
    );
    follower.kill().unwrap();
    follower.wait().unwrap();

    let delete = run(&["delete"]);
    let (out, err) = text(&delete);
    assert!(delete.status.success(), "{err}");
    assert!(
        err.contains("delete function cliapp-dev-resize"),
        "steps are shown: {err}"
    );
    assert!(out.contains("deleted"), "{out}");
    let functions = aws.lambda_client().list_functions().send().await.unwrap();
    assert!(functions.functions().is_empty(), "{functions:?}");

    let again = run(&["delete"]);
    let (out, err) = text(&again);
    assert!(again.status.success(), "{err}");
    assert!(out.contains("deleted 0 resources"), "{out}");

    let no_api = run(&["url"]);
    assert_eq!(no_api.status.code(), Some(1), "{:?}", text(&no_api));
}

#[test]
fn url_of_a_stage_never_deployed_is_a_user_error_that_says_how_to_deploy() {
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let output = cargo_flagon(
        "http://127.0.0.1:9",
        &[
            "url",
            "--stage",
            "prod",
            "--project-dir",
            root.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let (_, err) = text(&output);
    assert!(err.contains("cargo flagon deploy --stage prod"), "{err}");
}
