//! The one error type of this crate.
//!
//! Messages are lowercase fragments that read after "failed to"; the CLI prefixes them.
//! [`BuildError::help`] says how to fix what the user can fix (a missing toolchain piece,
//! a binary linked against a too-new glibc).

use std::path::PathBuf;

/// Everything that can go wrong while finding, building, checking or zipping an app.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// No `Cargo.toml` in the directory or its parents.
    #[error("find a Flagon project: no Cargo.toml in {} or its parents", dir.display())]
    ProjectNotFound {
        /// Where the search started.
        dir: PathBuf,
    },
    /// The project's package has no binary target, or several and none named like the package.
    #[error("pick the app's binary in {}: {reason}", manifest_path.display())]
    NoBinary {
        /// The project's `Cargo.toml`.
        manifest_path: PathBuf,
        /// Why no binary could be picked.
        reason: String,
    },
    /// A process could not be started at all (not found, not executable).
    #[error("run `{program}`")]
    Spawn {
        /// The program that failed to start.
        program: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// `cargo metadata` printed something we cannot read.
    #[error("read `cargo metadata` for {}: {reason}", manifest_path.display())]
    Metadata {
        /// The project's `Cargo.toml`.
        manifest_path: PathBuf,
        /// What was wrong with its output.
        reason: String,
    },
    /// cargo (or cargo-zigbuild) exited with an error: a compile error, usually printed above.
    #[error(
        "compile the app with `{command}` (exit status {status}); the compiler's errors are above"
    )]
    Compile {
        /// The command line, for the user to re-run.
        command: String,
        /// Its exit status, as the OS reports it.
        status: String,
    },
    /// cargo finished but reported no executable for the binary target.
    #[error("find the executable of binary `{bin}` in cargo's output")]
    NoExecutable {
        /// The binary target's name.
        bin: String,
    },
    /// The app binary, run with `FLAGON_MANIFEST=1`, exited with an error.
    #[error("ask the app for its manifest: `{}` exited with {status}: {stderr}", program.display())]
    AppFailed {
        /// The app's executable.
        program: PathBuf,
        /// Its exit status.
        status: String,
        /// The end of what it wrote on stderr.
        stderr: String,
    },
    /// The app printed a manifest this version cannot read.
    #[error("read the app's manifest")]
    Manifest(#[from] flagon_manifest::ManifestError),
    /// No toolchain can build a binary that starts on Amazon Linux 2023 for this architecture.
    #[error("find a toolchain that builds an {arch} Lambda binary: {reason}")]
    Toolchain {
        /// The requested architecture.
        arch: &'static str,
        /// What is missing.
        reason: String,
        /// How to get it.
        help: String,
    },
    /// The built file is not an ELF executable we can read.
    #[error("read the ELF binary {}: {reason}", path.display())]
    Elf {
        /// The binary.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// The built binary is for another CPU.
    #[error("check the architecture of {}: it is {found}, expected {expected}", path.display())]
    WrongArch {
        /// The binary.
        path: PathBuf,
        /// What it is built for.
        found: String,
        /// What was asked for.
        expected: &'static str,
    },
    /// The built binary needs a glibc newer than Amazon Linux 2023's.
    #[error(
        "check the glibc versions needed by {}: it needs {needed}, newer than the GLIBC_{}.{} of Amazon Linux 2023 (provided.al2023)",
        path.display(), max.0, max.1
    )]
    GlibcTooNew {
        /// The binary.
        path: PathBuf,
        /// Every version above the maximum, e.g. `GLIBC_2.38, GLIBC_2.39`.
        needed: String,
        /// The highest version allowed.
        max: (u32, u32),
    },
    /// Reading or writing a file failed.
    #[error("{action} {}", path.display())]
    Io {
        /// What we were doing, as a verb phrase (`write`, `create directory`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Writing the zip failed.
    #[error("write the zip {}", path.display())]
    Zip {
        /// The zip file.
        path: PathBuf,
        /// The zip writer's error.
        source: zip::result::ZipError,
    },
}

impl BuildError {
    /// How the user can fix the error, when there is something to say beyond the message.
    pub fn help(&self) -> Option<String> {
        match self {
            BuildError::ProjectNotFound { .. } => Some(
                "run the command inside a project, pass `--project-dir DIR`, or create one with `cargo flagon new NAME`"
                    .to_owned(),
            ),
            BuildError::NoBinary { .. } => Some(
                "a Flagon app is one binary: add `src/main.rs`, or name the app's binary like its package"
                    .to_owned(),
            ),
            BuildError::Toolchain { help, .. } => Some(help.clone()),
            BuildError::GlibcTooNew { .. } => Some(
                "build with cargo-zigbuild (`cargo install cargo-zigbuild` and `pip install ziglang`), \
                 which links against glibc 2.17; `--toolchain zigbuild` makes it mandatory"
                    .to_owned(),
            ),
            BuildError::AppFailed { .. } => Some(
                "the app must call `App::run()`, which prints the manifest when FLAGON_MANIFEST=1 is set; \
                 a declaration error (duplicate route, bad schedule) is reported above"
                    .to_owned(),
            ),
            BuildError::Spawn { program, .. } if program.starts_with("cargo") => {
                Some("install Rust with rustup: https://rustup.rs".to_owned())
            }
            BuildError::Spawn { .. }
            | BuildError::Metadata { .. }
            | BuildError::Compile { .. }
            | BuildError::NoExecutable { .. }
            | BuildError::Manifest(_)
            | BuildError::Elf { .. }
            | BuildError::WrongArch { .. }
            | BuildError::Io { .. }
            | BuildError::Zip { .. } => None,
        }
    }

    /// Whether the error is the user's project or configuration rather than the build itself
    /// (the CLI maps the two to different exit codes).
    pub fn is_project_error(&self) -> bool {
        matches!(
            self,
            BuildError::ProjectNotFound { .. } | BuildError::NoBinary { .. }
        )
    }

    /// Whether the app itself failed to describe itself (it built, but its manifest is missing
    /// or unreadable).
    pub fn is_app_error(&self) -> bool {
        matches!(self, BuildError::AppFailed { .. } | BuildError::Manifest(_))
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| BuildError::Io {
            action,
            path,
            source,
        }
    }
}
