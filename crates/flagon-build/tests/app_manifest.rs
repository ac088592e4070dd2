//! Asking an already built app for its manifest: the environment it is run with, and the
//! errors when it fails. The "apps" are shell scripts in `tests/fixtures`.

use std::path::{Path, PathBuf};

use flagon_build::{BuildError, manifest_of};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn app_run_with_flagon_manifest_gives_its_manifest() {
    let manifest = manifest_of(&fixture("fake-app.sh")).unwrap();
    assert_eq!(manifest.app, "fixture");
    assert_eq!(manifest.functions[0].name, "resize");
}

#[test]
fn failing_app_is_an_app_error_carrying_its_stderr() {
    let err = manifest_of(&fixture("failing-app.sh")).unwrap_err();
    assert!(err.is_app_error(), "{err}");
    assert!(
        matches!(&err, BuildError::AppFailed { stderr, .. } if stderr.contains("declared twice")),
        "{err}"
    );
    assert!(err.help().unwrap().contains("App::run()"));
}

#[test]
fn missing_app_binary_is_a_spawn_error_naming_it() {
    let err = manifest_of(&fixture("no-such-app")).unwrap_err();
    assert!(
        matches!(&err, BuildError::Spawn { program, .. } if program.ends_with("no-such-app")),
        "{err}"
    );
}
