//! The user's app, built from source: `cargo build` on the host (debug or release), the
//! binary's manifest, and an [`AppSpec`] that runs that binary for every function.
//!
//! Local builds need no cross toolchain: the host binary runs under the emulator as the
//! Lambda binary runs on AWS.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use flagon_manifest::{MANIFEST_ENV, Manifest};

use crate::error::LocalError;
use crate::options::{ApiType, AppSpec, FunctionSpec};

/// Where the app is and how to build it.
#[derive(Debug, Clone)]
pub struct AppSource {
    /// The directory with the app's `Cargo.toml`.
    pub dir: PathBuf,
    /// The binary target, when the package has more than one.
    pub bin: Option<String>,
    /// `--release` instead of a debug build.
    pub release: bool,
}

/// A built app binary and what it declares.
#[derive(Debug, Clone)]
pub struct Built {
    /// The binary cargo produced.
    pub binary: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

/// Builds the app with cargo; on failure the error holds the compiler's messages.
pub async fn build(source: &AppSource) -> Result<Built, LocalError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = tokio::process::Command::new(cargo);
    command
        .arg("build")
        .arg("--message-format=json-render-diagnostics")
        .current_dir(&source.dir)
        .stdin(std::process::Stdio::null());
    if source.release {
        command.arg("--release");
    }
    if let Some(bin) = &source.bin {
        command.args(["--bin", bin]);
    }
    let cargo_error = |message: String| LocalError::Cargo {
        dir: source.dir.clone(),
        message,
    };
    let output = command
        .output()
        .await
        .map_err(|e| cargo_error(e.to_string()))?;
    if !output.status.success() {
        let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
        // Rendered diagnostics arrive as JSON messages on stdout.
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            if let Ok(msg) = serde_json::from_str::<serde_json::Value>(line)
                && let Some(rendered) = msg.pointer("/message/rendered").and_then(|r| r.as_str())
            {
                text.push_str(rendered);
            }
        }
        return Err(LocalError::Build { output: text });
    }
    let binary = executable(
        &String::from_utf8_lossy(&output.stdout),
        source.bin.as_deref(),
    )
    .ok_or_else(|| {
        cargo_error("cargo built no binary: is this an app crate with a main.rs?".into())
    })?;
    let manifest = manifest_of(&binary).await?;
    Ok(Built { binary, manifest })
}

/// The binary among cargo's JSON messages: the named one, or the only one.
fn executable(messages: &str, bin: Option<&str>) -> Option<PathBuf> {
    let mut found = Vec::new();
    for line in messages.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let is_bin = msg["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "bin"));
        if let (true, Some(path)) = (is_bin, msg["executable"].as_str()) {
            found.push((
                msg["target"]["name"].as_str().unwrap_or("").to_owned(),
                PathBuf::from(path),
            ));
        }
    }
    match bin {
        Some(bin) => found
            .into_iter()
            .find(|(name, _)| name == bin)
            .map(|(_, p)| p),
        None => found.pop().map(|(_, p)| p),
    }
}

/// Asks the binary for its manifest (`FLAGON_MANIFEST=1`).
pub async fn manifest_of(binary: &Path) -> Result<Manifest, LocalError> {
    let error = |message: String| LocalError::Manifest {
        binary: binary.to_owned(),
        message,
    };
    let output = tokio::process::Command::new(binary)
        .env(MANIFEST_ENV, "1")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| error(e.to_string()))?;
    if !output.status.success() {
        return Err(error(format!(
            "it exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Manifest::from_json(&String::from_utf8_lossy(&output.stdout)).map_err(|e| error(e.to_string()))
}

/// Settings that apply to every function unless [`Settings::per_function`] says otherwise.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The stage name, in function names (`<app>-<stage>-<name>`).
    pub stage: String,
    /// The region reported to functions.
    pub region: String,
    /// REST (v1) or HTTP API (v2).
    pub api_type: ApiType,
    /// The API stage name in request contexts.
    pub api_stage: String,
    /// Instances per function at most.
    pub max_instances: usize,
    /// Per-function memory, timeout and environment; the default for functions not named.
    pub per_function: std::collections::BTreeMap<String, FunctionSettings>,
    /// For functions not in `per_function`.
    pub default_function: FunctionSettings,
}

/// Memory, timeout and environment of one function.
#[derive(Debug, Clone)]
pub struct FunctionSettings {
    /// MB.
    pub memory_mb: u32,
    /// The invocation timeout.
    pub timeout: Duration,
    /// Environment variables.
    pub environment: std::collections::BTreeMap<String, String>,
}

impl Default for FunctionSettings {
    fn default() -> Self {
        Self {
            memory_mb: 128,
            timeout: Duration::from_secs(60),
            environment: Default::default(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            stage: "dev".into(),
            region: "us-east-1".into(),
            api_type: ApiType::Rest,
            api_stage: "api".into(),
            max_instances: crate::options::default_max_instances(),
            per_function: Default::default(),
            default_function: FunctionSettings::default(),
        }
    }
}

/// Fills [`Settings`] from the app's configuration for a freshly built manifest; run at
/// start and after every rebuild, so a changed `Flagon.toml` or a new function is picked
/// up. Its error (a message that reads after "failed to") keeps the previous build serving.
#[derive(Clone)]
pub struct Configure(pub Arc<ConfigureFn>);

/// The function inside [`Configure`].
pub type ConfigureFn = dyn Fn(&Manifest, &mut Settings) -> Result<(), String> + Send + Sync;

impl std::fmt::Debug for Configure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Configure(..)")
    }
}

/// The app spec of `built`: `settings`, completed by `configure` when given.
pub fn configured_spec(
    built: &Built,
    settings: &Settings,
    configure: Option<&Configure>,
) -> Result<AppSpec, LocalError> {
    let mut settings = settings.clone();
    if let Some(Configure(configure)) = configure {
        configure(&built.manifest, &mut settings).map_err(LocalError::Config)?;
    }
    Ok(app_spec(built, &settings))
}

/// Every function of the built app, each running the binary.
pub fn app_spec(built: &Built, settings: &Settings) -> AppSpec {
    let manifest = &built.manifest;
    let functions = manifest
        .functions
        .iter()
        .map(|f| {
            let config = settings
                .per_function
                .get(&f.name)
                .unwrap_or(&settings.default_function);
            let mut spec =
                FunctionSpec::new(f.name.clone(), vec![built.binary.display().to_string()]);
            spec.function_name = format!("{}-{}-{}", manifest.app, settings.stage, f.name);
            spec.handler = f.handler.clone();
            spec.working_dir = built.binary.parent().map(Path::to_path_buf);
            spec.memory_mb = config.memory_mb;
            spec.timeout = config.timeout;
            spec.environment = config.environment.clone();
            spec.trigger = f.trigger.clone();
            spec.max_instances = settings.max_instances;
            spec
        })
        .collect();
    AppSpec {
        app: manifest.app.clone(),
        region: settings.region.clone(),
        api: manifest.api.clone(),
        api_type: settings.api_type,
        api_stage: settings.api_stage.clone(),
        functions,
    }
}

/// A fingerprint of the app's sources: `src/`, `build.rs`, `Cargo.toml`, `Flagon.toml`.
/// Two fingerprints differ when a file was added, removed or written.
pub fn fingerprint(dir: &Path) -> Vec<(PathBuf, SystemTime)> {
    let mut files = Vec::new();
    for name in ["Cargo.toml", "Flagon.toml", "build.rs"] {
        stamp(&dir.join(name), &mut files);
    }
    walk(&dir.join("src"), &mut files);
    files.sort();
    files
}

fn stamp(path: &Path, files: &mut Vec<(PathBuf, SystemTime)>) {
    if let Ok(modified) = std::fs::metadata(path).and_then(|m| m.modified()) {
        files.push((path.to_owned(), modified));
    }
}

fn walk(dir: &Path, files: &mut Vec<(PathBuf, SystemTime)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            stamp(&path, files);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_binary_is_picked_from_cargo_messages() {
        let messages = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"dep"},"executable":null}
{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"one"},"executable":"/t/one"}
{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"two"},"executable":"/t/two"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executable(messages, Some("one")),
            Some(PathBuf::from("/t/one"))
        );
        assert_eq!(executable(messages, None), Some(PathBuf::from("/t/two")));
        assert_eq!(executable(messages, Some("three")), None);
    }

    #[test]
    fn fingerprint_changes_when_a_source_file_is_added() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "").unwrap();
        let before = fingerprint(dir.path());
        std::fs::write(dir.path().join("src/new.rs"), "").unwrap();
        assert_ne!(fingerprint(dir.path()), before);
    }
}
