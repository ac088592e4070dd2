//! The compute side of the model: roles, log groups and Lambda functions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use flagon_config::{Architecture, Vpc};
use serde::{Deserialize, Serialize};

use crate::refs::{FunctionRef, RoleRef};
use crate::triggers::TriggerKind;

/// The Lambda runtime of every Flagon function: a custom runtime whose `bootstrap` is the
/// app binary.
pub const RUNTIME: &str = "provided.al2023";

/// An IAM role that Flagon creates and owns, with one inline policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Key of the role in the model.
    pub id: RoleRef,
    /// IAM role name: `<app>-<stage>` for the stage-wide role, `<app>-<stage>-<function>`
    /// for a function with its own policy file (at most 64 characters).
    pub role_name: String,
    /// The inline policy's name; equal to [`Role::role_name`].
    pub policy_name: String,
    /// The trust policy: `lambda.amazonaws.com` may assume the role.
    pub assume_role_policy: serde_json::Value,
    /// The inline policy document: CloudWatch Logs, the reads each event source of the
    /// role's functions needs, X-Ray and VPC networking when used, and the statements of a
    /// policy file.
    pub policy: serde_json::Value,
    /// Tags (the stage-level tags).
    pub tags: BTreeMap<String, String>,
}

/// A function's CloudWatch Logs group, present only when a log retention is configured
/// (otherwise Lambda creates the group on first use and keeps logs forever).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogGroup {
    /// The function whose logs the group holds.
    pub function: FunctionRef,
    /// `/aws/lambda/<function name>`.
    pub log_group_name: String,
    /// Retention in days, one of CloudWatch's allowed values.
    pub retention_days: u32,
}

/// Which role a function runs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleBinding {
    /// A role of the model.
    Managed(RoleRef),
    /// An existing role, by ARN (from `iam_role_arn`).
    Existing(String),
}

/// The deployment package of a function, filled by the caller after building
/// ([`Model::attach_code`](crate::Model::attach_code)). Every function of one architecture
/// shares one zip: the app is one binary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    /// The zip with `bootstrap` at its root.
    pub zip_path: PathBuf,
    /// Base64 SHA-256 of the zip, as Lambda reports `CodeSha256`.
    pub sha256: String,
}

/// A Lambda function, every setting resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// The manifest name (handler name).
    pub id: FunctionRef,
    /// The deployed Lambda name: `<app>-<stage>-<name>` (at most 64 characters).
    pub function_name: String,
    /// Lambda's Handler setting; the runtime reads it back from `_HANDLER`.
    pub handler: String,
    /// Always [`RUNTIME`].
    pub runtime: String,
    /// Memory in MB.
    pub memory: u32,
    /// Timeout in seconds.
    pub timeout: u32,
    /// Environment variables.
    pub environment: BTreeMap<String, String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Layer version ARNs.
    pub layers: Vec<String>,
    /// CPU architecture; selects the zip.
    pub architecture: Architecture,
    /// Reserved concurrency.
    pub reserved_concurrency: Option<u32>,
    /// VPC placement.
    pub vpc: Option<Vpc>,
    /// X-Ray active tracing (`Active`), or `PassThrough` when false.
    pub xray: bool,
    /// The role the function runs with.
    pub role: RoleBinding,
    /// The function's log group, when the model has one.
    pub log_group: Option<FunctionRef>,
    /// What invokes the function; the wiring itself is a separate resource.
    pub trigger: TriggerKind,
    /// The package; `None` until the caller attaches it.
    pub code: Option<Code>,
}
