//! `cargo flagon build`: the release `bootstrap`, checked and zipped.

use std::path::PathBuf;
use std::process::Command;

use crate::elf::{AL2023_GLIBC, GlibcVersion, check_bytes};
use crate::package_zip::{
    BOOTSTRAP, code_sha256, write_atomically, write_atomically_with_mode, zip_bootstrap,
};
use crate::{Arch, BuildError, Project, Strategy, Toolchain, cargo};

/// The release-profile settings of the bootstrap, passed with `cargo --config` so the user's
/// `Cargo.toml` needs none of them. Strip and thin LTO with one codegen unit halve the zip;
/// `panic = "unwind"` is forced because a panicking handler must become a 500, not a dead
/// process.
pub const RELEASE_CONFIG: [&str; 4] = [
    "profile.release.strip=true",
    "profile.release.lto=\"thin\"",
    "profile.release.codegen-units=1",
    "profile.release.panic=\"unwind\"",
];

/// Options of [`build`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The CPU to build for.
    pub arch: Arch,
    /// How to build it.
    pub toolchain: Toolchain,
    /// Pass `--locked` to cargo.
    pub locked: bool,
    /// Pass `--offline` to cargo.
    pub offline: bool,
    /// Where to write `bootstrap` and `bootstrap.zip`; default [`Project::lambda_dir`].
    pub out_dir: Option<PathBuf>,
    /// The newest glibc symbol version the binary may need.
    pub max_glibc: GlibcVersion,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            arch: Arch::default(),
            toolchain: Toolchain::default(),
            locked: false,
            offline: false,
            out_dir: None,
            max_glibc: AL2023_GLIBC,
        }
    }
}

/// What [`build`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOutput {
    /// The architecture built for.
    pub arch: Arch,
    /// How it was built.
    pub strategy: Strategy,
    /// The checked binary, copied as `<out>/bootstrap`.
    pub bootstrap: PathBuf,
    /// `<out>/bootstrap.zip`, with `bootstrap` at its root.
    pub zip: PathBuf,
    /// Base64 SHA-256 of the zip, comparable with Lambda's `CodeSha256`.
    pub code_sha256: String,
    /// The zip's size in bytes.
    pub zip_size: u64,
    /// The newest glibc version the binary needs (`None`: static).
    pub max_glibc: Option<GlibcVersion>,
}

/// Builds the release bootstrap of `project`, checks it and zips it.
pub fn build(project: &Project, options: &BuildOptions) -> Result<BuildOutput, BuildError> {
    let strategy = options.toolchain.resolve(options.arch)?;
    let command = release_command(project, options, &strategy);
    let executable = cargo::build_executable(command, &project.bin)?;
    // Read once: what is checked is exactly what is zipped, even if another build replaces
    // the executable in the target directory meanwhile.
    let binary = std::fs::read(&executable).map_err(BuildError::io("read", &executable))?;
    let report = check_bytes(&binary, &executable, options.arch, options.max_glibc)?;

    let out_dir = options
        .out_dir
        .clone()
        .unwrap_or_else(|| project.lambda_dir(options.arch));
    std::fs::create_dir_all(&out_dir).map_err(BuildError::io("create directory", &out_dir))?;
    let bootstrap = out_dir.join(BOOTSTRAP);
    write_atomically_with_mode(&bootstrap, &binary, Some(0o755))?;
    let zip = out_dir.join("bootstrap.zip");
    let zipped = zip_bootstrap(&binary).map_err(|source| BuildError::Zip {
        path: zip.clone(),
        source,
    })?;
    write_atomically(&zip, &zipped)?;
    let code_sha256 = code_sha256(&zipped);
    let zip_size = zipped.len() as u64;
    Ok(BuildOutput {
        arch: options.arch,
        strategy,
        bootstrap,
        zip,
        code_sha256,
        zip_size,
        max_glibc: report.max_glibc(),
    })
}

/// The cargo command line of a release build with `strategy`.
fn release_command(project: &Project, options: &BuildOptions, strategy: &Strategy) -> Command {
    let mut command = Command::new(crate::cargo_program());
    match strategy {
        Strategy::Zigbuild { python } => {
            command.arg("zigbuild");
            if let Some(python) = python {
                command.env("CARGO_ZIGBUILD_PYTHON_PATH", python);
            }
        }
        Strategy::Musl | Strategy::Native => {
            command.arg("build");
        }
    }
    command
        .args([
            "--release",
            "--bin",
            &project.bin,
            "--target",
            strategy.target(options.arch),
            "--manifest-path",
        ])
        .arg(&project.manifest_path);
    for setting in RELEASE_CONFIG {
        command.args(["--config", setting]);
    }
    if options.locked {
        command.arg("--locked");
    }
    if options.offline {
        command.arg("--offline");
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_command_sets_profile_and_target_without_touching_the_users_manifest() {
        let project = Project {
            root: PathBuf::from("/p"),
            manifest_path: PathBuf::from("/p/Cargo.toml"),
            config_path: Some(PathBuf::from("/p/Flagon.toml")),
            package: "app".to_owned(),
            bin: "app".to_owned(),
            target_dir: PathBuf::from("/p/target"),
        };
        let options = BuildOptions {
            arch: Arch::Arm64,
            locked: true,
            ..BuildOptions::default()
        };
        let shown = cargo::show(&release_command(
            &project,
            &options,
            &Strategy::Zigbuild { python: None },
        ));
        assert!(shown.ends_with(
            "zigbuild --release --bin app --target aarch64-unknown-linux-gnu.2.17 --manifest-path /p/Cargo.toml \
             --config profile.release.strip=true --config 'profile.release.lto=\"thin\"' \
             --config profile.release.codegen-units=1 --config 'profile.release.panic=\"unwind\"' --locked"
        ), "{shown}");
    }
}
