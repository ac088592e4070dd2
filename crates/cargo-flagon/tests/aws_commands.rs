//! `url`, `logs` and `delete` through the real binary against moto, on a stage deployed by
//! the library (plan and deploy need a release build of an app: their library side is tested
//! in flagon-aws, and bench/deploy.sh runs them on examples/helloworld).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use flagon_aws::{Aws, CallLog, ConnectOptions, state_path};
use flagon_config::{Config, Overrides};
use flagon_manifest::Manifest;
use flagon_model::{Architecture, Code, Model};

struct Moto(Child, String);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto() -> Option<Moto> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/moto_server");
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("moto_server"))
            .find(|c| c.is_file())
    });
    let Some(exe) = on_path.or_else(|| venv.is_file().then_some(venv)) else {
        assert!(
            std::env::var_os("FLAGON_REQUIRE_TOOLS").is_none(),
            "FLAGON_REQUIRE_TOOLS is set and moto_server is missing (scripts/tools.sh installs it)"
        );
        eprintln!("skipping: moto_server not installed (scripts/tools.sh installs it)");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(exe)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto(child, format!("http://127.0.0.1:{port}"));
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(moto);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("moto_server did not start");
}

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

fn cargo_flagon(endpoint: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-flagon"))
        .arg("flagon")
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap()
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn deployed(moto: &Moto, root: &Path) -> Aws {
    let aws = Aws::connect_with_log(&ConnectOptions::emulator(&moto.1), CallLog::new()).await;
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

/// A JSON-protocol call to moto (no SDK here: only flagon-aws links it).
fn moto_json(endpoint: &str, service: &str, target: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let addr = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n\
         X-Amz-Target: {target}\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
        "{target}: {response}"
    );
    response
}

#[tokio::test(flavor = "multi_thread")]
async fn url_logs_and_delete_work_on_a_deployed_stage() {
    let Some(moto) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = project(dir.path());
    let project_dir = root.to_str().unwrap();
    let aws = deployed(&moto, &root).await;
    let endpoint = moto.1.clone();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--project-dir", project_dir]);
        cargo_flagon(&endpoint, &all)
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
    moto_json(
        &endpoint,
        "logs",
        "Logs_20140328.CreateLogGroup",
        &format!(r#"{{"logGroupName":"{group}"}}"#),
    );
    moto_json(
        &endpoint,
        "logs",
        "Logs_20140328.CreateLogStream",
        &format!(r#"{{"logGroupName":"{group}","logStreamName":"s"}}"#),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    moto_json(
        &endpoint,
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
