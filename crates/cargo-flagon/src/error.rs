//! Errors at the edge: every library error a command can meet, its exit code, its rendering.
//!
//! Library errors are lowercase fragments that read after "failed to"; [`CliError`]'s
//! `Display` adds that prefix, and `miette` renders the cause chain and the help.

use std::fmt;
use std::path::PathBuf;

use flagon_build::{BuildError, PackageError};

/// Process exit codes; the table in `exit_codes.md` documents them for users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// The user's project or configuration is wrong.
    User = 1,
    /// The build failed.
    Build = 3,
    /// An AWS call failed.
    Aws = 4,
    /// The app built but did not give a readable manifest.
    App = 5,
    /// A local file could not be read or written.
    Io = 6,
}

/// An error of any command.
#[derive(Debug)]
pub enum CliError {
    /// Finding, building, checking or zipping the app.
    Build(BuildError),
    /// Configuration, model, build or rendering of `package` (boxed: its errors are large).
    Package(Box<PackageError>),
    /// Observing, planning or executing against AWS, or the deployed state.
    Aws(Box<flagon_aws::AwsError>),
    /// A mistake in the command line that clap cannot see (a template name, a destination).
    User {
        /// What we failed to do, after "failed to".
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
    /// A local file operation.
    Io {
        /// What we failed to do, after "failed to" (`write`, `create directory`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl CliError {
    /// The process exit code. One exhaustive match: a new variant does not compile until it
    /// has a code.
    pub fn exit_code(&self) -> Exit {
        match self {
            CliError::Build(err) => build_exit(err),
            CliError::Package(err) => match &**err {
                PackageError::Build(err) => build_exit(err),
                PackageError::Config(_)
                | PackageError::Model(_)
                | PackageError::Render(_)
                | PackageError::TerraformYaml => Exit::User,
            },
            CliError::Aws(err) => aws_exit(err),
            CliError::User { .. } => Exit::User,
            CliError::Io { .. } => Exit::Io,
        }
    }

    /// A closure for `map_err` on an I/O result.
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| CliError::Io {
            action,
            path,
            source,
        }
    }
}

/// The exit code of an AWS-side error: a call, the state file, or the user's request.
fn aws_exit(err: &flagon_aws::AwsError) -> Exit {
    use flagon_aws::AwsError;
    match err {
        AwsError::Call { .. } | AwsError::Incomplete { .. } => Exit::Aws,
        AwsError::StateFile { .. } | AwsError::Package { .. } => Exit::Io,
        AwsError::StateParse { .. } | AwsError::Plan(_) | AwsError::Usage(_) => Exit::User,
    }
}

/// The exit code of a build error: the project, the app, the disk, or the build itself.
fn build_exit(err: &BuildError) -> Exit {
    if err.is_project_error() {
        Exit::User
    } else if err.is_app_error() {
        Exit::App
    } else if matches!(err, BuildError::Io { .. }) {
        Exit::Io
    } else {
        Exit::Build
    }
}

impl From<PackageError> for CliError {
    fn from(err: PackageError) -> Self {
        CliError::Package(Box::new(err))
    }
}

impl From<BuildError> for CliError {
    fn from(err: BuildError) -> Self {
        CliError::Build(err)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Build(err) => write!(f, "failed to {err}"),
            CliError::Package(err) => write!(f, "failed to {err}"),
            CliError::Aws(err) => write!(f, "failed to {err}"),
            CliError::User { message, .. } => write!(f, "failed to {message}"),
            CliError::Io { action, path, .. } => write!(f, "failed to {action} {}", path.display()),
        }
    }
}

impl std::error::Error for CliError {
    // The wrapped error's message is already in ours: the chain starts at its cause.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Build(err) => std::error::Error::source(err),
            // PackageError's variants are transparent: this is the inner error's cause.
            CliError::Package(err) => std::error::Error::source(err),
            CliError::Aws(err) => std::error::Error::source(err),
            CliError::User { .. } => None,
            CliError::Io { source, .. } => Some(source),
        }
    }
}

impl miette::Diagnostic for CliError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let code = match self.exit_code() {
            Exit::User => "flagon::user",
            Exit::Build => "flagon::build",
            Exit::Aws => "flagon::aws",
            Exit::App => "flagon::app",
            Exit::Io => "flagon::io",
        };
        Some(Box::new(code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = match self {
            CliError::Build(err) => err.help(),
            CliError::Package(err) => package_help(err),
            CliError::Aws(_) => None,
            CliError::User { help, .. } => help.clone(),
            CliError::Io { .. } => None,
        };
        help.map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }
}

fn package_help(err: &PackageError) -> Option<String> {
    match err {
        PackageError::Build(err) => err.help(),
        PackageError::TerraformYaml => {
            Some("drop `--template-format yaml`, or use `--pkg-format cloudformation`".to_owned())
        }
        PackageError::Config(_) | PackageError::Model(_) | PackageError::Render(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_code_is_documented() {
        let table = include_str!("exit_codes.md");
        for (code, exit) in [
            (1, Exit::User),
            (3, Exit::Build),
            (4, Exit::Aws),
            (5, Exit::App),
            (6, Exit::Io),
        ] {
            assert_eq!(exit as u8, code);
            assert!(
                table.contains(&format!("\n  {code}  ")),
                "exit code {code} is missing from exit_codes.md"
            );
        }
        for code in [0, 2] {
            assert!(
                table.contains(&format!("\n  {code}  ")),
                "exit code {code} is missing from exit_codes.md"
            );
        }
    }

    #[test]
    fn project_not_found_is_a_user_error_with_help() {
        let err = CliError::from(BuildError::ProjectNotFound {
            dir: PathBuf::from("/tmp/x"),
        });
        assert_eq!(err.exit_code(), Exit::User);
        assert!(
            err.to_string()
                .starts_with("failed to find a Flagon project"),
            "{err}"
        );
        assert!(miette::Diagnostic::help(&err).is_some());
    }
}
