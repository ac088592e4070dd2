//! A moto server per test, for this crate's tests and the CLI's (the `testing` feature, which
//! only dev-dependencies enable): each test starts its own `moto_server` on a free port, so
//! tests run in parallel with no shared state.
//!
//! `moto_server` is looked up on `PATH`, then in the workspace's `.venv/bin`. When it is
//! missing, [`Moto::start`] panics if `FLAGON_REQUIRE_TOOLS` is set, and otherwise prints a
//! skip note and returns `None`. Being test support, failures panic with what went wrong.
//!
//! ```no_run
//! # async fn run() {
//! use flagon_aws::{CallLog, testing::Moto};
//!
//! let Some(moto) = Moto::start() else { return };
//! moto.json_call("sqs", "AmazonSQS.CreateQueue", r#"{"QueueName":"jobs"}"#);
//! let aws = moto.aws(CallLog::new()).await;
//! # }
//! ```

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crate::{Aws, CallLog};

/// A running moto server, killed on drop.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_moto() -> Option<PathBuf> {
    let exe = "moto_server";
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(exe))
            .find(|candidate| candidate.is_file())
    });
    on_path.or_else(|| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../.venv/bin")
            .join(exe);
        venv.is_file().then_some(venv)
    })
}

impl Moto {
    /// Starts moto (Lambda without Docker), or returns `None` after a note when it is missing
    /// and `FLAGON_REQUIRE_TOOLS` is unset.
    ///
    /// # Panics
    ///
    /// When moto is missing and `FLAGON_REQUIRE_TOOLS` is set, or does not start.
    pub fn start() -> Option<Self> {
        let Some(exe) = find_moto() else {
            assert!(
                std::env::var_os("FLAGON_REQUIRE_TOOLS").is_none(),
                "moto_server is required (FLAGON_REQUIRE_TOOLS is set) but is not on PATH or \
                 in .venv/bin (scripts/tools.sh installs it)"
            );
            eprintln!("skipping: moto_server not found (run scripts/tools.sh)");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free local port")
            .port();
        let child = Command::new(exe)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..300 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                let (status, _) = moto.raw(
                    "POST",
                    "/moto-api/config",
                    &[("Content-Type", "application/json")],
                    r#"{"lambda":{"use_docker":false}}"#,
                );
                assert!(
                    (200..300).contains(&status),
                    "moto accepts its lambda config: {status}"
                );
                return Some(moto);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto_server did not start on port {port}");
    }

    /// One HTTP/1.1 request; returns status and body.
    ///
    /// # Panics
    ///
    /// When moto cannot be reached.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let addr = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(addr).expect("moto accepts a connection");
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Content-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream
            .write_all(request.as_bytes())
            .expect("moto takes the request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("moto answers");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// A signed-looking request to `service` (moto routes by the credential scope of the
    /// unchecked signature); returns status and body.
    pub fn signed(
        &self,
        service: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, \
             SignedHeaders=host, Signature=0"
        );
        let mut all = vec![("Authorization", auth.as_str())];
        all.extend_from_slice(headers);
        self.raw(method, path, &all, body)
    }

    /// A JSON-protocol call to a service without an SDK client at hand (SQS, Kinesis,
    /// DynamoDB, CloudWatch Logs).
    ///
    /// # Panics
    ///
    /// When moto answers other than 200.
    pub fn json_call(&self, service: &str, target: &str, body: &str) -> serde_json::Value {
        let (status, text) = self.signed(
            service,
            "POST",
            "/",
            &[
                ("X-Amz-Target", target),
                ("Content-Type", "application/x-amz-json-1.0"),
            ],
            body,
        );
        assert_eq!(status, 200, "{target}: {text}");
        serde_json::from_str(&text).unwrap_or_default()
    }

    /// The SDK clients, pointed at this moto with fake credentials, counting into `log`.
    pub async fn aws(&self, log: Arc<CallLog>) -> Aws {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "testing", "testing", None, None, "moto",
            ))
            .endpoint_url(&self.endpoint)
            .load()
            .await;
        Aws::from_sdk_config(&sdk, log)
    }
}

/// Points a child process (the CLI) at the AWS emulator at `endpoint`, isolated from the
/// user's AWS configuration.
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
