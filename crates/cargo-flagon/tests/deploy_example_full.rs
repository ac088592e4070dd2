//! `cargo flagon deploy` of the real examples/helloworld (release build) into moto with every
//! event source it names created first, so the deploy goes through; then every wiring read
//! back through AWS read APIs (boto3, `fixtures/example_aws.py`), a plan and a redeploy that
//! change nothing, and `delete` twice leaving no function, rule, mapping, subscription or
//! bucket notification behind.
//!
//! The DynamoDB stream ARN is moto's (labelled with its creation time), handed to the app
//! through `USERS_STREAM_ARN`: the CLI reads the manifest from the app with its environment.

mod common;
mod moto;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{assert_success, example_app, path_with_venv, target_dir, workspace_root};
use serde_json::{Value, json};

const APP: &str = "helloworld";

#[test]
fn example_deploys_wires_every_trigger_redeploys_nothing_and_deletes_twice() {
    if !common::zigbuild_available() {
        return;
    }
    let Some(moto) = moto::moto() else { return };
    let endpoint = moto.endpoint.clone();
    let app = example_app();
    let stage = format!("full{}", std::process::id());
    let state = app.join(".flagon/deployed").join(format!("{stage}.json"));
    let _cleanup = RemoveOnDrop(state.clone());

    let sources = python(&endpoint, &["sources"]);
    let stream_arn = sources["users_stream_arn"].as_str().unwrap().to_owned();
    assert!(stream_arn.contains(":table/users/stream/"), "{stream_arn}");
    let run = |args: &[&str]| cli(&endpoint, &stream_arn, &stage, &app, args);

    let deploy = run(&["deploy", "--toolchain", "zigbuild"]);
    assert_success("first deploy", &deploy);
    let out = String::from_utf8_lossy(&deploy.stdout).into_owned();
    let functions = [
        "api_handler",
        "on_upload",
        "on_alert",
        "on_job",
        "on_commit",
        "every_five_minutes",
        "yearly",
        "hourly",
        "on_click",
        "on_user_change",
        "resize",
        "double",
    ];
    let name = |f: &str| format!("{APP}-{stage}-{f}");
    let api_url = out
        .lines()
        .find_map(|l| l.strip_prefix("API URL: "))
        .unwrap_or_else(|| panic!("no API URL printed: {out}"));
    assert!(
        api_url.starts_with("http") && api_url.contains("execute-api"),
        "{api_url}"
    );
    assert!(
        api_url.trim_end_matches('/').ends_with("/api"),
        "the API's stage is `api`, as in Chalice: {api_url}"
    );
    let printed: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Functions:")
        .skip(1)
        .map(str::trim)
        .collect();
    let mut expected: Vec<String> = functions.iter().map(|f| name(f)).collect();
    let mut printed_sorted: Vec<String> = printed.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    printed_sorted.sort();
    assert_eq!(printed_sorted, expected, "{out}");

    let wiring = python(&endpoint, &["wiring", APP, &stage]);
    assert_wired(&wiring, &stage, &stream_arn, api_url);

    let plan = run(&["plan", "--toolchain", "zigbuild", "--json"]);
    assert_success("plan after deploy", &plan);
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(plan["changes"], json!([]), "a fresh deploy plans nothing");

    let recorded = std::fs::read(&state).unwrap();
    let again = run(&["deploy", "--toolchain", "zigbuild"]);
    assert_success("second deploy", &again);
    let err = String::from_utf8_lossy(&again.stderr).into_owned();
    assert!(err.contains("no changes"), "{err}");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        recorded,
        "a deploy with nothing to do leaves the state file as it was"
    );
    assert_eq!(
        python(&endpoint, &["wiring", APP, &stage]),
        wiring,
        "and AWS as it was"
    );

    let delete = run(&["delete"]);
    assert_success("first delete", &delete);
    let after = python(&endpoint, &["wiring", APP, &stage]);
    assert_gone(&after);
    let delete = run(&["delete"]);
    assert_success("second delete", &delete);
    assert_eq!(python(&endpoint, &["wiring", APP, &stage]), after);
}

/// Nothing of the stage is left in AWS.
fn assert_gone(after: &Value) {
    assert_eq!(after["functions"], json!({}), "{after:#}");
    assert_eq!(after["rules"], json!({}), "{after:#}");
    assert_eq!(after["mappings"], json!([]), "{after:#}");
    assert_eq!(after["subscriptions"], json!([]), "{after:#}");
    assert_eq!(after["bucket_notifications"], json!([]), "{after:#}");
    assert_eq!(after["rest_apis"], json!({}), "{after:#}");
    assert_eq!(after["roles"], json!([]), "{after:#}");
}

/// Every wiring of the example, as `example_aws.py wiring` read it back.
fn assert_wired(w: &Value, stage: &str, stream_arn: &str, api_url: &str) {
    let name = |f: &str| format!("{APP}-{stage}-{f}");
    let functions = w["functions"].as_object().unwrap();
    assert_eq!(functions.len(), 12, "{w:#}");

    // One role for the stage, used by every function.
    let roles = w["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 1, "{w:#}");
    let role = &roles[0]["arn"];
    for (function, f) in functions {
        assert_eq!(&f["role"], role, "{function}");
    }

    // Who may invoke what.
    let principals = |f: &str| -> Vec<String> {
        functions[&name(f)]["policy"]
            .as_array()
            .unwrap_or_else(|| panic!("{f} has no resource policy: {w:#}"))
            .iter()
            .map(|s| s["principal"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(principals("api_handler"), ["apigateway.amazonaws.com"]);
    assert_eq!(principals("on_upload"), ["s3.amazonaws.com"]);
    assert_eq!(
        functions[&name("on_upload")]["policy"][0]["source_arn"],
        "arn:aws:s3:::mybucket"
    );
    assert_eq!(principals("on_alert"), ["sns.amazonaws.com"]);
    for f in ["on_commit", "every_five_minutes", "yearly", "hourly"] {
        assert_eq!(principals(f), ["events.amazonaws.com"], "{f}");
    }
    for f in ["on_job", "on_click", "on_user_change", "resize", "double"] {
        assert!(
            functions[&name(f)]["policy"].is_null(),
            "{f} needs no invoke permission: {w:#}"
        );
    }

    // S3: the bucket notifies on_upload, with lowercase filter rule names.
    assert_eq!(
        w["bucket_notifications"],
        json!([{
            "function": name("on_upload"),
            "events": ["s3:ObjectCreated:*"],
            "rules": [["prefix", "uploads/"], ["suffix", ".jpg"]],
        }])
    );

    // SNS.
    assert_eq!(
        w["subscriptions"],
        json!([{"protocol": "lambda", "function": name("on_alert")}])
    );

    // Event source mappings.
    assert_eq!(
        w["mappings"],
        json!([
            {
                "function": name("on_click"),
                "source": "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
                "batch_size": 100,
            },
            {
                "function": name("on_job"),
                "source": "arn:aws:sqs:us-east-1:123456789012:jobs",
                "batch_size": 10,
            },
            {"function": name("on_user_change"), "source": stream_arn, "batch_size": 50},
        ])
    );

    // EventBridge: three schedules and one pattern, each targeting its function.
    let rule = |f: &str, schedule: Value, pattern: Value| {
        (
            name(f),
            json!({
                "schedule": schedule,
                "pattern": pattern,
                "state": "ENABLED",
                "targets": [name(f)],
            }),
        )
    };
    let rules: serde_json::Map<String, Value> = [
        rule(
            "on_commit",
            Value::Null,
            json!({"source": ["aws.codecommit"]}),
        ),
        rule("every_five_minutes", json!("rate(5 minutes)"), Value::Null),
        rule("yearly", json!("cron(15 10 ? * 6L 2002-2005)"), Value::Null),
        rule("hourly", json!("rate(1 hour)"), Value::Null),
    ]
    .into_iter()
    .collect();
    assert_eq!(w["rules"], Value::Object(rules));

    // The REST API: the example's paths with their methods, at the printed URL.
    let apis = w["rest_apis"].as_object().unwrap();
    let api = &apis[&format!("{APP}-{stage}")];
    assert_eq!(
        api_url,
        format!(
            "https://{}.execute-api.us-east-1.amazonaws.com/api/",
            api["id"].as_str().unwrap()
        ),
        "the URL is the REST API's `api` stage, as in Chalice"
    );
    let paths = api["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/", &["GET"][..]),
        ("/users/{id}", &["GET", "PUT"]),
        ("/files/{proxy+}", &["GET"]),
        ("/search", &["GET"]),
        ("/cors", &["GET", "OPTIONS", "POST"]),
        ("/upload", &["POST"]),
        ("/image", &["GET", "POST"]),
        ("/cookies", &["GET"]),
        ("/errors/{status}", &["GET"]),
        ("/panic", &["GET"]),
        ("/fail", &["GET"]),
        ("/greeting", &["GET"]),
    ] {
        let have: Vec<&str> = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing: {api:#}"))
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for method in methods {
            assert!(have.contains(method), "{method} {path}: {api:#}");
        }
    }
}

/// `fixtures/example_aws.py ENDPOINT ARGS` with the venv's Python (boto3 comes with moto);
/// its JSON output.
fn python(endpoint: &str, args: &[&str]) -> Value {
    let venv = workspace_root().join(".venv/bin/python3");
    let program = if venv.is_file() {
        venv
    } else {
        PathBuf::from("python3")
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example_aws.py");
    let output = Command::new(program)
        .arg(script)
        .arg(endpoint)
        .args(args)
        .output()
        .unwrap();
    assert_success(&format!("example_aws.py {args:?}"), &output);
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `cargo flagon ARGS --stage STAGE --project-dir APP` against moto, with the venv on PATH,
/// the shared target directory and moto's stream ARN for the app.
fn cli(endpoint: &str, stream_arn: &str, stage: &str, app: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"));
    command
        .arg("flagon")
        .args(args)
        .args(["--stage", stage, "--project-dir"])
        .arg(app)
        .env("PATH", path_with_venv())
        .env("CARGO_TARGET_DIR", target_dir())
        .env("USERS_STREAM_ARN", stream_arn);
    moto::aws_env(&mut command, endpoint);
    // zig comes from the PyPI `ziglang` package in the workspace's venv.
    let venv_python = workspace_root().join(".venv/bin/python3");
    if std::env::var_os("CARGO_ZIGBUILD_PYTHON_PATH").is_none() && venv_python.is_file() {
        command.env("CARGO_ZIGBUILD_PYTHON_PATH", venv_python);
    }
    command.output().unwrap()
}

/// Removes the stage's state file however the test ends, so runs leave no stage behind.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
