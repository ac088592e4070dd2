//! What the AWS commands (`plan`, `deploy`, `delete`, `url`, `logs`, `invoke --remote`)
//! share: the `--profile`/`--region` flags, the deployable model (built, zipped, code
//! attached), the state file, and their errors.

use std::path::PathBuf;

use clap::Args;
use flagon_aws::{Aws, AwsError, ConnectOptions};
use flagon_build::{Arch, BuildOptions, Project};
use flagon_config::{Config, Overrides};
use flagon_model::{Code, Model};
use flagon_plan::State;

use super::build::ToolchainArg;
use super::{CargoArgs, ProjectArgs};
use crate::error::CliError;

/// Where AWS is: credentials, profile and region resolve as the AWS SDK resolves them
/// (environment, `~/.aws/config`, SSO, credential processes); these flags override.
/// `AWS_ENDPOINT_URL` is honoured.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// The named profile of `~/.aws/config` to use.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The AWS region [default: as the AWS SDK resolves it: `AWS_REGION`, then the profile].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

impl AwsArgs {
    /// The library's options for these flags.
    pub fn options(&self) -> ConnectOptions {
        ConnectOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: None,
            static_credentials: None,
        }
    }

    /// Connects the SDK clients.
    pub async fn connect(&self) -> Aws {
        Aws::connect(&self.options()).await
    }
}

/// How the app is built before a plan or a deploy.
#[derive(Debug, Clone, Args)]
pub struct DeployBuildArgs {
    /// How to build the release binary (see `cargo flagon build --help`).
    #[arg(long, value_enum, default_value_t = ToolchainArg::Auto)]
    pub toolchain: ToolchainArg,

    #[command(flatten)]
    pub cargo: CargoArgs,
}

/// A multi-threaded tokio runtime for the SDK.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::User {
            message: format!("start the async runtime: {e}"),
            help: None,
        })
}

/// `<project>/.flagon/deployed/<stage>.json`.
pub fn state_path(project: &Project, stage: &str) -> PathBuf {
    flagon_aws::state_path(&project.root, stage)
}

/// The stage's recorded state, or an error saying nothing is deployed.
pub fn deployed_state(project: &Project, stage: &str) -> Result<State, CliError> {
    let path = state_path(project, stage);
    flagon_aws::load_state(&path)?.ok_or_else(|| CliError::User {
        message: format!(
            "find a deployment of stage {stage}: {} does not exist",
            path.display()
        ),
        help: Some(format!(
            "deploy it first: cargo flagon deploy --stage {stage}"
        )),
    })
}

fn user(err: impl std::fmt::Display) -> CliError {
    CliError::User {
        message: err.to_string(),
        help: None,
    }
}

/// The stage's model with the release zip of every architecture it uses attached.
///
/// The same steps as `package` (config first so mistakes show before the long build,
/// manifest, model, one release build per architecture), without writing a template.
pub fn deployable_model(
    project: &ProjectArgs,
    build: &DeployBuildArgs,
) -> Result<(Project, Model), CliError> {
    let found = project.project()?;
    let config = Config::load_project(&found.root).map_err(user)?;
    let manifest = flagon_build::manifest(&found, &build.cargo.into())?;
    let mut model =
        Model::build(&manifest, &config, &project.stage, &Overrides::default()).map_err(user)?;
    for architecture in model.architectures() {
        let arch = match architecture {
            flagon_model::Architecture::X86_64 => Arch::X86_64,
            flagon_model::Architecture::Arm64 => Arch::Arm64,
        };
        let built = flagon_build::build(
            &found,
            &BuildOptions {
                arch,
                toolchain: build.toolchain.into(),
                locked: build.cargo.locked,
                offline: build.cargo.offline,
                ..BuildOptions::default()
            },
        )?;
        eprintln!(
            "built {} ({arch}, CodeSha256 {})",
            built.zip.display(),
            built.code_sha256
        );
        model.attach_code(
            architecture,
            &Code {
                zip_path: built.zip,
                sha256: built.code_sha256,
            },
        );
    }
    Ok((found, model))
}

/// Prints a step as it starts, `[3/24] create function app-dev-f`.
pub fn print_progress(progress: &flagon_aws::Progress<'_>) {
    if let flagon_aws::Progress::Started { index, total, step } = progress {
        eprintln!("[{index}/{total}] {}", step.describe());
    }
}

impl From<AwsError> for CliError {
    fn from(err: AwsError) -> Self {
        CliError::Aws(Box::new(err))
    }
}
