//! Renderers of a Flagon [`Model`](flagon_model::Model): a SAM/CloudFormation template, a Terraform JSON
//! configuration, and the OpenAPI 3.0 document of the app's API.
//!
//! Everything here is pure: a model and options in, a [`serde_json::Value`] out. No file is
//! read or written and no AWS call is made; `cargo flagon package` writes what these
//! functions return beside the zip. Each backend handles every [`Resource`](flagon_model::Resource) kind with one
//! exhaustive `match` (one file per resource kind), so a new kind of resource does not
//! compile until both backends render it.
//!
//! - [`render_sam`]: a template with the `AWS::Serverless-2016-10-31` transform. Functions
//!   are `AWS::Serverless::Function` (so `sam deploy` / `aws cloudformation package` upload
//!   the zip), the REST API is an `AWS::Serverless::Api` whose `DefinitionBody` is the
//!   OpenAPI 3.0 document of [`openapi::rest_api_document`], the HTTP API an
//!   `AWS::Serverless::HttpApi` with an auto-deployed `$default` stage; every piece of
//!   wiring is the plain CloudFormation resource the model names (permission, SNS
//!   subscription, event source mapping, EventBridge rule). S3 notifications on buckets the
//!   template does not own are applied by a small custom resource: see [`sam`] for why.
//! - [`render_terraform`]: Terraform JSON (`*.tf.json`) for Terraform 1.5+ and the AWS
//!   provider 5 or later, with no deprecated resource or attribute.
//! - [`to_yaml`] turns a template into YAML; [`parse_template`] reads a user's
//!   `--merge-template` (JSON or YAML, short intrinsics included) and [`deep_merge`] merges it.
//!
//! ```
//! use flagon_config::{Config, Overrides};
//! use flagon_manifest::{Function, Manifest, Trigger};
//! use flagon_model::{Architecture, Model};
//! use flagon_render::{SamOptions, TfOptions, render_sam, render_terraform, to_yaml};
//!
//! let manifest = Manifest::new(
//!     "helloworld",
//!     vec![Function::new("every_hour", Trigger::Schedule {
//!         expression: "rate(1 hour)".into(),
//!         description: None,
//!     })],
//!     None,
//! );
//! let config = Config::parse("Flagon.toml", "").unwrap();
//! let model = Model::build(&manifest, &config, "dev", &Overrides::default()).unwrap();
//!
//! let sam = render_sam(&model, &SamOptions::new().code(Architecture::X86_64, "./app.zip")).unwrap();
//! assert_eq!(sam["Resources"]["EveryHourFunction"]["Type"], "AWS::Serverless::Function");
//! assert!(to_yaml(&sam).contains("Transform: AWS::Serverless-2016-10-31"));
//!
//! let tf = render_terraform(&model, &TfOptions::new().zip(Architecture::X86_64, "./app.zip")).unwrap();
//! assert!(tf["resource"]["aws_cloudwatch_event_rule"]["every_hour"].is_object());
//! ```

mod merge;
pub mod openapi;
pub mod sam;
mod template;
pub mod terraform;
mod yaml;

use std::collections::BTreeMap;

use flagon_model::Architecture;

pub use merge::deep_merge;
pub use sam::render_sam;
pub use template::parse_template;
pub use terraform::render_terraform;
pub use yaml::to_yaml;

/// A model that cannot be rendered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    /// A function's architecture has no package in the options.
    #[error(
        "render function `{function}`: no package was given for architecture {architecture}; \
         build the app for {architecture} first"
    )]
    MissingCode {
        /// The function's manifest name.
        function: String,
        /// `x86_64` or `arm64`.
        architecture: &'static str,
    },
    /// A `--merge-template` file that is neither JSON nor YAML of a template's shape.
    #[error("parse the template to merge: {0}")]
    Template(String),
}

/// Options of [`render_sam`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SamOptions {
    /// The `CodeUri` of each architecture's zip: a path relative to the template (for
    /// `sam deploy` / `aws cloudformation package`) or an `s3://bucket/key` URI.
    pub code_uri: BTreeMap<Architecture, String>,
    /// The template's `Description`; a default names the app and the stage.
    pub description: Option<String>,
}

impl SamOptions {
    /// No package yet: add one per architecture with [`SamOptions::code`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The `CodeUri` of the zip built for `architecture`.
    #[must_use]
    pub fn code(mut self, architecture: Architecture, uri: impl Into<String>) -> Self {
        self.code_uri.insert(architecture, uri.into());
        self
    }
}

/// Options of [`render_terraform`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TfOptions {
    /// The zip of each architecture, as Terraform should read it: a path relative to the
    /// working directory, or an expression such as `${path.module}/app.zip` (taken verbatim,
    /// so it may use Terraform interpolation).
    pub zip_path: BTreeMap<Architecture, String>,
}

impl TfOptions {
    /// No package yet: add one per architecture with [`TfOptions::zip`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The zip built for `architecture`.
    #[must_use]
    pub fn zip(mut self, architecture: Architecture, path: impl Into<String>) -> Self {
        self.zip_path.insert(architecture, path.into());
        self
    }
}

/// The package of `architecture`, or the error that names the function needing it.
fn code_for<'a>(
    code: &'a BTreeMap<Architecture, String>,
    function: &flagon_model::Function,
) -> Result<&'a str, RenderError> {
    code.get(&function.architecture)
        .map(String::as_str)
        .ok_or_else(|| RenderError::MissingCode {
            function: function.id.0.clone(),
            architecture: function.architecture.as_str(),
        })
}
