//! `cargo flagon package`: the app as a SAM/CloudFormation template or a Terraform
//! configuration, beside the zip it deploys.
//!
//! The pipeline of DESIGN.md section 4, up to the renderers: Flagon.toml ([`Config`]) and the
//! app's [`manifest`](crate::manifest) make the stage's [`Model`]; every architecture the
//! model uses is [built](crate::build) into a zip; a renderer of `flagon-render` turns the
//! model into a template, onto which a user's `--merge-template` is deep-merged.
//!
//! Files written into the output directory:
//!
//! | format | template | zip |
//! |---|---|---|
//! | CloudFormation, JSON | `sam.json` | `deployment.zip` |
//! | CloudFormation, YAML | `sam.yaml` | `deployment.zip` |
//! | Terraform | `main.tf.json` | `deployment.zip` |
//!
//! An app whose functions use both architectures gets `deployment-x86_64.zip` and
//! `deployment-arm64.zip` instead of `deployment.zip`.

use std::path::{Path, PathBuf};

use flagon_config::{Architecture, Config, ConfigError, Overrides};
use flagon_model::{Code, Model, ModelError};
use flagon_render::{RenderError, SamOptions, TfOptions};

use crate::package_zip::write_atomically;
use crate::{Arch, BuildError, BuildOptions, ManifestOptions, Project};

/// Which infrastructure tool the template is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PackageFormat {
    /// An AWS SAM template (CloudFormation with the serverless transform).
    #[default]
    Cloudformation,
    /// A Terraform JSON configuration.
    Terraform,
}

/// How the CloudFormation template is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TemplateFormat {
    /// JSON.
    #[default]
    Json,
    /// YAML (CloudFormation only: Terraform reads JSON or HCL).
    Yaml,
}

/// Options of [`package`].
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// The stage to package (`dev` unless told).
    pub stage: String,
    /// Settings from the command line, above every level of Flagon.toml.
    pub overrides: Overrides,
    /// CloudFormation or Terraform.
    pub format: PackageFormat,
    /// JSON or YAML (CloudFormation only).
    pub template_format: TemplateFormat,
    /// A JSON or YAML template deep-merged onto the rendered one.
    pub merge_template: Option<PathBuf>,
    /// How to build the manifest binary.
    pub manifest: ManifestOptions,
    /// How to build the release zips; `arch` and `out_dir` are set per architecture.
    pub build: BuildOptions,
}

/// What [`package`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageOutput {
    /// The template (`sam.json`, `sam.yaml` or `main.tf.json`).
    pub template: PathBuf,
    /// The zip of each architecture, with its `CodeSha256`.
    pub zips: Vec<(Arch, Code)>,
}

/// Everything that can go wrong while packaging.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// Flagon.toml is unreadable or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The manifest or a release build failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The manifest and the configuration do not make a deployable model.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The template could not be rendered or the template to merge could not be read.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// YAML was asked of a Terraform configuration.
    #[error("write a Terraform configuration as YAML: Terraform reads JSON (`main.tf.json`)")]
    TerraformYaml,
}

/// Converts between the config's architecture and the builder's.
impl From<Architecture> for Arch {
    fn from(arch: Architecture) -> Self {
        match arch {
            Architecture::X86_64 => Arch::X86_64,
            Architecture::Arm64 => Arch::Arm64,
        }
    }
}

/// The architectures the functions of `stage` run on, per Flagon.toml (default `x86_64`):
/// the zips `package` and `deploy` build. Needs the manifest, hence a debug build.
pub fn stage_architectures(
    project: &Project,
    stage: &str,
    manifest_options: &ManifestOptions,
) -> Result<Vec<Arch>, PackageError> {
    let config = Config::load_project(&project.root)?;
    let manifest = crate::manifest(project, manifest_options)?;
    let model = Model::build(&manifest, &config, stage, &Overrides::default())?;
    Ok(model.architectures().into_iter().map(Arch::from).collect())
}

/// Builds, renders and writes the package of `project` into `out_dir`.
pub fn package(
    project: &Project,
    out_dir: &Path,
    options: &PackageOptions,
) -> Result<PackageOutput, PackageError> {
    if options.format == PackageFormat::Terraform && options.template_format == TemplateFormat::Yaml
    {
        return Err(PackageError::TerraformYaml);
    }
    // Read everything the user wrote before the long release build, so mistakes show at once.
    let config = Config::load_project(&project.root)?;
    let overlay = match &options.merge_template {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(BuildError::io("read the template to merge", path))?;
            Some(flagon_render::parse_template(&text)?)
        }
        None => None,
    };
    let manifest = crate::manifest(project, &options.manifest)?;
    let mut model = Model::build(&manifest, &config, &options.stage, &options.overrides)?;

    std::fs::create_dir_all(out_dir).map_err(BuildError::io("create directory", out_dir))?;
    let architectures = model.architectures();
    let mut zips = Vec::new();
    let mut sam = SamOptions::new();
    let mut tf = TfOptions::new();
    for architecture in &architectures {
        let arch = Arch::from(*architecture);
        let built = crate::build(
            project,
            &BuildOptions {
                arch,
                ..options.build.clone()
            },
        )?;
        let name = if architectures.len() == 1 {
            "deployment.zip".to_owned()
        } else {
            format!("deployment-{arch}.zip")
        };
        let zip_path = out_dir.join(&name);
        let bytes = std::fs::read(&built.zip).map_err(BuildError::io("read", &built.zip))?;
        write_atomically(&zip_path, &bytes)?;
        let code = Code {
            zip_path,
            sha256: built.code_sha256,
        };
        model.attach_code(*architecture, &code);
        sam = sam.code(*architecture, format!("./{name}"));
        tf = tf.zip(*architecture, format!("${{path.module}}/{name}"));
        zips.push((arch, code));
    }

    let mut template = match options.format {
        PackageFormat::Cloudformation => flagon_render::render_sam(&model, &sam)?,
        PackageFormat::Terraform => flagon_render::render_terraform(&model, &tf)?,
    };
    if let Some(overlay) = overlay {
        flagon_render::deep_merge(&mut template, overlay);
    }
    let (file, text) = match (options.format, options.template_format) {
        (PackageFormat::Cloudformation, TemplateFormat::Json) => ("sam.json", pretty(&template)),
        (PackageFormat::Cloudformation, TemplateFormat::Yaml) => {
            ("sam.yaml", flagon_render::to_yaml(&template))
        }
        (PackageFormat::Terraform, TemplateFormat::Json) => ("main.tf.json", pretty(&template)),
        (PackageFormat::Terraform, TemplateFormat::Yaml) => {
            return Err(PackageError::TerraformYaml);
        }
    };
    let template_path = out_dir.join(file);
    write_atomically(&template_path, text.as_bytes())?;
    Ok(PackageOutput {
        template: template_path,
        zips,
    })
}

fn pretty(value: &serde_json::Value) -> String {
    // Serialising a `Value` cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
