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
