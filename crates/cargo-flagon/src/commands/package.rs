//! `cargo flagon package`: a SAM/CloudFormation or Terraform template beside the zip.

use std::path::PathBuf;

use clap::ValueEnum;
use flagon_build::{PackageFormat, PackageOptions, TemplateFormat};

use super::build::ToolchainArg;
use super::{CargoArgs, ProjectArgs};
use crate::error::CliError;

/// Package the app for CloudFormation (AWS SAM) or Terraform, without deploying it.
///
/// Builds the release zip of every architecture the stage uses and writes into OUT:
/// `sam.json` or `sam.yaml` (CloudFormation) or `main.tf.json` (Terraform), and
/// `deployment.zip` (`deployment-x86_64.zip` and `deployment-arm64.zip` when both are
/// used). Deploy with `sam deploy --template-file OUT/sam.yaml --resolve-s3 --capabilities
/// CAPABILITY_IAM`, or `terraform -chdir=OUT init && terraform -chdir=OUT apply`.
#[derive(Debug, clap::Args)]
pub struct PackageArgs {
    /// The directory to write the template and the zip into (created if missing).
    #[arg(value_name = "OUT")]
    pub out: PathBuf,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// The infrastructure tool the template is for.
    #[arg(long, value_enum, default_value_t = PkgFormatArg::Cloudformation)]
    pub pkg_format: PkgFormatArg,

    /// The CloudFormation template's format (Terraform is always JSON).
    #[arg(long, value_enum, default_value_t = TemplateFormatArg::Json)]
    pub template_format: TemplateFormatArg,

    /// A JSON or YAML template deep-merged onto the generated one: add resources and
    /// outputs, or override properties.
    #[arg(long, value_name = "FILE")]
    pub merge_template: Option<PathBuf>,

    /// How to build the release binary (see `cargo flagon build --help`).
    #[arg(long, value_enum, default_value_t = ToolchainArg::Auto)]
    pub toolchain: ToolchainArg,

    #[command(flatten)]
    pub cargo: CargoArgs,
}

/// `--pkg-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PkgFormatArg {
    /// An AWS SAM template: `sam.json` or `sam.yaml`.
    Cloudformation,
    /// A Terraform JSON configuration: `main.tf.json`.
    Terraform,
}

/// `--template-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormatArg {
    /// JSON.
    Json,
    /// YAML (CloudFormation only).
    Yaml,
}

impl PackageArgs {
    /// The library's options for these flags.
    pub fn options(&self) -> PackageOptions {
        PackageOptions {
            stage: self.project.stage.clone(),
            format: match self.pkg_format {
                PkgFormatArg::Cloudformation => PackageFormat::Cloudformation,
                PkgFormatArg::Terraform => PackageFormat::Terraform,
            },
            template_format: match self.template_format {
                TemplateFormatArg::Json => TemplateFormat::Json,
                TemplateFormatArg::Yaml => TemplateFormat::Yaml,
            },
            merge_template: self.merge_template.clone(),
            manifest: self.cargo.into(),
            build: flagon_build::BuildOptions {
                toolchain: self.toolchain.into(),
                locked: self.cargo.locked,
                offline: self.cargo.offline,
                ..flagon_build::BuildOptions::default()
            },
            ..PackageOptions::default()
        }
    }
}

/// Runs `cargo flagon package`.
pub fn run(args: &PackageArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    let output = flagon_build::package(&project, &args.out, &args.options())?;
    println!("wrote {}", output.template.display());
    for (arch, code) in &output.zips {
        println!(
            "wrote {} ({arch}, CodeSha256 {})",
            code.zip_path.display(),
            code.sha256
        );
    }
    Ok(())
}
