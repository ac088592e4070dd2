//! Finding a Flagon project and asking cargo about it.
//!
//! A project is a directory with `Flagon.toml` beside `Cargo.toml`; the nearest such
//! directory, from where the command runs upwards, wins. Without any `Flagon.toml` on the
//! way, the nearest `Cargo.toml` is the project and every setting takes its default (so
//! `cargo flagon build` works on any Flagon app before it has deployment settings). We ask `cargo metadata`
//! (never parse `Cargo.toml` ourselves) for the package's binary and its target directory,
//! so workspaces, `CARGO_TARGET_DIR` and `[build] target-dir` all behave as cargo says.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::BuildError;

/// The name of the config file that marks a Flagon project.
pub const CONFIG_FILE: &str = "Flagon.toml";

/// A Flagon project on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The directory holding `Cargo.toml` and `Flagon.toml`.
    pub root: PathBuf,
    /// `<root>/Cargo.toml`.
    pub manifest_path: PathBuf,
    /// `<root>/Flagon.toml`, when it exists.
    pub config_path: Option<PathBuf>,
    /// The cargo package name.
    pub package: String,
    /// The binary target that is the app.
    pub bin: String,
    /// cargo's target directory for this project.
    pub target_dir: PathBuf,
}

impl Project {
    /// Finds the project containing `start`: the nearest directory, `start` or a parent, with
    /// a `Flagon.toml` and a `Cargo.toml`, else the nearest with a `Cargo.toml`; then asks
    /// `cargo metadata` about it.
    pub fn discover(start: &Path) -> Result<Self, BuildError> {
        let start = std::path::absolute(start).map_err(BuildError::io("resolve", start))?;
        let has = |dir: &Path, file: &str| dir.join(file).is_file();
        let root = start
            .ancestors()
            .find(|dir| has(dir, CONFIG_FILE) && has(dir, "Cargo.toml"))
            .or_else(|| start.ancestors().find(|dir| has(dir, "Cargo.toml")))
            .ok_or_else(|| BuildError::ProjectNotFound { dir: start.clone() })?;
        Self::load(root)
    }

    /// Reads the project at exactly `root` (no search upwards).
    pub fn load(root: &Path) -> Result<Self, BuildError> {
        let manifest_path = root.join("Cargo.toml");
        if !manifest_path.is_file() {
            return Err(BuildError::ProjectNotFound {
                dir: root.to_path_buf(),
            });
        }
        let config_path = Some(root.join(CONFIG_FILE)).filter(|path| path.is_file());
        let metadata = cargo_metadata(&manifest_path)?;
        let (package, bin) = pick_binary(&metadata, &manifest_path)?;
        Ok(Project {
            root: root.to_path_buf(),
            manifest_path,
            config_path,
            package,
            bin,
            target_dir: metadata.target_directory,
        })
    }

    /// Where `cargo flagon build` puts its output for `arch`: `<root>/.flagon/build/<arch>/`.
    /// Per project rather than per target directory, so apps sharing a target directory
    /// never overwrite each other's zip.
    pub fn lambda_dir(&self, arch: crate::Arch) -> PathBuf {
        self.root.join(".flagon").join("build").join(arch.as_str())
    }
}

/// The cargo to run: the one that invoked us (`$CARGO`, set by `cargo flagon`), else `cargo`.
pub fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    target_directory: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

fn cargo_metadata(manifest_path: &Path) -> Result<Metadata, BuildError> {
    let program = cargo_program();
    let output = Command::new(&program)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest_path)
        .output()
        .map_err(|source| BuildError::Spawn {
            program: program.clone(),
            source,
        })?;
    if !output.status.success() {
        return Err(BuildError::Metadata {
            manifest_path: manifest_path.to_path_buf(),
            reason: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    serde_json::from_slice(&output.stdout).map_err(|err| BuildError::Metadata {
        manifest_path: manifest_path.to_path_buf(),
        reason: err.to_string(),
    })
}

fn pick_binary(metadata: &Metadata, manifest_path: &Path) -> Result<(String, String), BuildError> {
    let no_binary = |reason: String| BuildError::NoBinary {
        manifest_path: manifest_path.to_path_buf(),
        reason,
    };
    // cargo reports canonical paths; compare canonical to canonical.
    let wanted = manifest_path
        .canonicalize()
        .unwrap_or_else(|_| manifest_path.to_path_buf());
    let package = metadata
        .packages
        .iter()
        .find(|package| {
            package
                .manifest_path
                .canonicalize()
                .unwrap_or_else(|_| package.manifest_path.clone())
                == wanted
        })
        .ok_or_else(|| {
            no_binary("it declares no [package] (a virtual workspace manifest?)".to_owned())
        })?;
    let bins: Vec<&str> = package
        .targets
        .iter()
        .filter(|target| target.kind.iter().any(|kind| kind == "bin"))
        .map(|target| target.name.as_str())
        .collect();
    let bin = match bins.as_slice() {
        [] => {
            return Err(no_binary(format!(
                "package `{}` has no binary target",
                package.name
            )));
        }
        [only] => *only,
        several => several
            .iter()
            .copied()
            .find(|bin| *bin == package.name)
            .ok_or_else(|| {
                no_binary(format!(
                    "package `{}` has binaries {} and none is named like it",
                    package.name,
                    several.join(", ")
                ))
            })?,
    };
    Ok((package.name.clone(), bin.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(bins: &[&str]) -> Metadata {
        Metadata {
            packages: vec![Package {
                name: "app".to_owned(),
                manifest_path: PathBuf::from("/nonexistent/app/Cargo.toml"),
                targets: bins
                    .iter()
                    .map(|name| Target {
                        name: (*name).to_owned(),
                        kind: vec!["bin".to_owned()],
                    })
                    .collect(),
            }],
            target_directory: PathBuf::from("/nonexistent/target"),
        }
    }

    #[test]
    fn single_binary_is_the_app() {
        let picked = pick_binary(
            &metadata(&["server"]),
            Path::new("/nonexistent/app/Cargo.toml"),
        )
        .unwrap();
        assert_eq!(picked, ("app".to_owned(), "server".to_owned()));
    }

    #[test]
    fn binary_named_like_the_package_wins_among_several() {
        let picked = pick_binary(
            &metadata(&["tool", "app"]),
            Path::new("/nonexistent/app/Cargo.toml"),
        )
        .unwrap();
        assert_eq!(picked.1, "app");
    }

    #[test]
    fn ambiguous_binaries_are_an_error_naming_them() {
        let err = pick_binary(
            &metadata(&["a", "b"]),
            Path::new("/nonexistent/app/Cargo.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("a, b"), "{err}");
    }

    #[test]
    fn directory_without_cargo_toml_is_not_a_project() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        let err = Project::discover(dir.path()).unwrap_err();
        assert!(matches!(err, BuildError::ProjectNotFound { .. }), "{err}");
    }
}
