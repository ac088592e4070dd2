//! `cargo flagon invoke` and `cargo flagon local` on examples/helloworld, through the real
//! CLI binary: events from a file, stdin and the generators; the HTTP API served.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, ExitStatus, Output, Stdio};

fn helloworld() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/helloworld")
}

fn cargo_flagon(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"))
        .arg("flagon")
        .args(args)
        .arg("--project-dir")
        .arg(helloworld())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout_of(args: &[&str], stdin: &[u8]) -> String {
    let output = cargo_flagon(args, stdin);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// `cargo flagon local` on free ports without reloading, plus `extra`; its stderr is read
/// line by line.
fn local(extra: &[&str]) -> (Child, BufReader<ChildStderr>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"))
        .args([
            "flagon",
            "local",
            "--port",
            "0",
            "--lambda-port",
            "0",
            "--no-reload",
        ])
        .args(extra)
        .arg("--project-dir")
        .arg(helloworld())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    (child, stderr)
}

/// SIGTERM, as a user's Ctrl-C or a supervisor would send it (local then stops its
/// instances); returns how it exited.
fn terminate(mut child: Child) -> ExitStatus {
    let term = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(term.success(), "local was still running");
    child.wait().unwrap()
}

#[test]
fn invoke_takes_the_event_from_a_file_or_stdin() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/resize_event.json");
    let file = file.to_str().unwrap();
    assert_eq!(
        stdout_of(&["invoke", "resize", "--event", file], b""),
        r#"{"width":320,"height":240}"#
    );
    assert_eq!(
        stdout_of(&["invoke", "double", "--event", "-"], b"21"),
        "42"
    );
}

#[test]
fn invoke_generates_events_for_each_trigger() {
    assert_eq!(stdout_of(&["invoke", "on_upload"], b""), "null");
    assert_eq!(
        stdout_of(
            &["invoke", "on_upload", "--s3", "mybucket/uploads/a.jpg"],
            b""
        ),
        "null"
    );
    assert_eq!(
        stdout_of(&["invoke", "on_alert", "--sns", "disk full"], b""),
        "null"
    );
    let jobs = stdout_of(
        &["invoke", "on_job", "--sqs", r#"{"id":1,"action":"ok"}"#],
        b"",
    );
    assert_eq!(jobs, r#"{"batchItemFailures":[]}"#);
    let commit = stdout_of(
        &[
            "invoke",
            "on_commit",
            "--event-pattern",
            r#"{"repositoryName":"r"}"#,
        ],
        b"",
    );
    assert_eq!(commit, "null");
    assert_eq!(stdout_of(&["invoke", "hourly", "--schedule"], b""), "null");
    let clicks = stdout_of(&["invoke", "on_click", "--kinesis", r#"{"page":"/"}"#], b"");
    assert_eq!(clicks, r#"{"batchItemFailures":[]}"#);
    let users = stdout_of(
        &[
            "invoke",
            "on_user_change",
            "--dynamodb",
            r#"{"id":"1","name":"ada"}"#,
        ],
        b"",
    );
    assert_eq!(users, r#"{"batchItemFailures":[]}"#);
}

#[test]
fn function_error_and_unknown_function_exit_1() {
    let output = cargo_flagon(
        &["invoke", "on_upload", "--s3", "mybucket/uploads/a.png"],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unexpected object mybucket/uploads/a.png"),
        "{stderr}"
    );

    let output = cargo_flagon(&["invoke", "nope"], b"");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("find function `nope`"), "{stderr}");
}

#[test]
fn local_serves_the_api_until_stopped() {
    let (child, mut stderr) = local(&["--no-schedules"]);
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "local exited before serving"
        );
        if let Some(rest) = line
            .trim()
            .strip_prefix("Serving helloworld (Rest API) on http://")
        {
            break rest.to_owned();
        }
    };
    // Then the routes, one a line, methods first, in declaration order.
    let mut routes = Vec::new();
    loop {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "local exited");
        if !line.starts_with("  ") {
            break;
        }
        routes.push(line.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    assert_eq!(
        routes.first().map(String::as_str),
        Some("GET /"),
        "{routes:?}"
    );
    assert!(
        routes.iter().any(|r| r == "GET,PUT /users/{id}"),
        "{routes:?}"
    );
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(terminate(child).success(), "local exits cleanly on SIGTERM");
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.ends_with(r#"{"hello":"world"}"#), "{answer}");
}

#[test]
fn local_schedule_now_fires_every_schedule_at_start() {
    let (child, stderr) = local(&["--schedule-now"]);
    let mut fired = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.split("schedule fired ").nth(1) {
            fired.push(rest.split(' ').next().unwrap().to_owned());
            assert!(line.ends_with(": ok"), "{line}");
        }
        if fired.len() == 3 {
            break;
        }
    }
    terminate(child);
    fired.sort();
    assert_eq!(fired, ["every_five_minutes", "hourly", "yearly"]);
}
