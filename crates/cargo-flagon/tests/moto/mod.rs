//! The AWS command tests' moto: the harness is `flagon_aws::testing` (shared with flagon-aws's
//! own tests); here is only the binary run against it and a look at what it left.
#![allow(dead_code)] // each test binary uses its own subset

use std::process::{Command, Output};

pub use flagon_aws::testing::{Moto, aws_env};

/// Starts moto, or returns `None` (after a note) when it is missing and tools are optional.
pub fn moto() -> Option<Moto> {
    Moto::start()
}

/// `cargo flagon ARGS` against the emulator at `endpoint`.
pub fn cargo_flagon(endpoint: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-flagon"));
    command.arg("flagon").args(args);
    aws_env(&mut command, endpoint);
    command.output().unwrap()
}

/// The names of the Lambda functions in moto (REST call, no SDK).
pub fn lambda_function_names(moto: &Moto) -> Vec<String> {
    let (status, body) = moto.signed("lambda", "GET", "/2015-03-31/functions/", &[], "");
    assert_eq!(status, 200, "ListFunctions: {body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    json["Functions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["FunctionName"].as_str().map(str::to_owned))
        .collect()
}
