//! A moto server per test, and the binary run against it (shared by the AWS command tests).
#![allow(dead_code)] // each test binary uses its own subset

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub struct Moto(Child, pub String);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn moto() -> Option<Moto> {
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

/// Points `command` at moto at `endpoint`, isolated from the user's AWS configuration.
pub fn aws_env(command: &mut Command, endpoint: &str) {
    command
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE");
}

/// `cargo flagon ARGS` against moto at `endpoint`.
pub fn cargo_flagon(endpoint: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"));
    command.arg("flagon").args(args);
    aws_env(&mut command, endpoint);
    command.output().unwrap()
}

/// The names of the Lambda functions in moto (REST call, no SDK).
pub fn lambda_function_names(endpoint: &str) -> Vec<String> {
    use std::io::{Read, Write};
    let addr = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "GET /2015-03-31/functions/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    json["Functions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["FunctionName"].as_str().map(str::to_owned))
        .collect()
}

/// A JSON-protocol call to moto (no SDK here: only flagon-aws links it).
pub fn moto_json(endpoint: &str, service: &str, target: &str, body: &str) -> String {
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
