//! Shared test helpers: find the tools, build the specs that run fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use flagon_local::FunctionSpec;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv's Python with awslambdaric, or `None` (after a skip note) when the tools are
/// not installed and not required. Panics when `FLAGON_REQUIRE_TOOLS=1` and it is missing.
pub fn python_with_awslambdaric() -> Option<PathBuf> {
    let venv = workspace_root().join(".venv/bin/python");
    let candidates = [venv, PathBuf::from("python3")];
    for python in candidates {
        let ok = std::process::Command::new(&python)
            .args(["-c", "import awslambdaric"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if ok {
            return Some(python);
        }
    }
    if std::env::var("FLAGON_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("awslambdaric is required (FLAGON_REQUIRE_TOOLS=1): run scripts/tools.sh");
    }
    eprintln!("skipping: awslambdaric not installed (run scripts/tools.sh)");
    None
}

/// A function that runs `handlers.<handler>` from the Python fixtures under awslambdaric.
pub fn python_function(python: &Path, name: &str, handler: &str) -> FunctionSpec {
    let mut spec = FunctionSpec::new(
        name,
        vec![
            python.display().to_string(),
            "-m".into(),
            "awslambdaric".into(),
            format!("handlers.{handler}"),
        ],
    );
    spec.handler = format!("handlers.{handler}");
    spec.working_dir =
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/python"));
    spec.timeout = Duration::from_secs(10);
    spec
}

/// A minimal HTTP/1.1 client for the tests: one request per connection.
pub mod http {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A response: status, headers in order (lower-case names), body.
    #[derive(Debug)]
    pub struct Response {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Response {
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
        pub fn headers_named(&self, name: &str) -> Vec<&str> {
            self.headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect()
        }
        pub fn json(&self) -> serde_json::Value {
            serde_json::from_slice(&self.body)
                .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
        }
    }

    /// Sends `method target` with `headers` and `body` to `addr`.
    pub async fn request(
        addr: std::net::SocketAddr,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.expect("write");
        // A server may answer (413) before reading a large body, and close.
        let _ = stream.write_all(body).await;
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        parse(&raw)
    }

    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("no response head");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
            .collect();
        let rest = &raw[split + 4..];
        let chunked = headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v == "chunked");
        let body = if chunked {
            dechunk(rest)
        } else {
            rest.to_vec()
        };
        Response {
            status,
            headers,
            body,
        }
    }

    fn dechunk(mut raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let Some(end) = raw.windows(2).position(|w| w == b"\r\n") else {
                return out;
            };
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&raw[..end]).trim(), 16).unwrap_or(0);
            if size == 0 {
                return out;
            }
            out.extend_from_slice(&raw[end + 2..end + 2 + size]);
            raw = &raw[end + 4 + size..];
        }
    }
}
