//! The settings: one layer as written in Flagon.toml (every value optional), and the resolved
//! values a function or a stage ends up with once precedence and defaults are applied.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Lambda memory when no level sets it, in MB.
pub const DEFAULT_MEMORY_MB: u32 = 128;
/// Lambda timeout when no level sets it, in seconds.
pub const DEFAULT_TIMEOUT_S: u32 = 60;
/// REST API stage name when no level sets it.
pub const DEFAULT_API_STAGE: &str = "api";
/// The inclusive memory range Lambda accepts, in MB.
pub const MEMORY_RANGE_MB: (u32, u32) = (128, 10240);
/// The inclusive timeout range Lambda accepts, in seconds.
pub const TIMEOUT_RANGE_S: (u32, u32) = (1, 900);
/// The retention periods CloudWatch Logs accepts, in days.
pub const LOG_RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Whether `days` is a retention period CloudWatch Logs accepts (leave the key out to keep
/// logs forever).
pub fn is_valid_log_retention(days: u32) -> bool {
    LOG_RETENTION_DAYS.contains(&days)
}

/// One layer of settings: the top level, a stage, a function, a stage-and-function, or the
/// command line ([`Overrides`]). `None` (or an empty map) means "this layer does not say".
///
/// Keys in Flagon.toml are the field names, except [`Settings::iam`], which comes from
/// `iam_role_arn = "arn:..."` or `iam_policy_file = "policy.json"` (at most one per table).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `memory`: Lambda memory in MB, 128 to 10240.
    pub memory: Option<u32>,
    /// `timeout`: Lambda timeout in seconds, 1 to 900.
    pub timeout: Option<u32>,
    /// `environment`: variables; merged key by key across levels, the higher level winning.
    pub environment: BTreeMap<String, String>,
    /// `tags`: resource tags; merged key by key across levels, the higher level winning.
    pub tags: BTreeMap<String, String>,
    /// `layers`: Lambda layer version ARNs; a higher level replaces the list.
    pub layers: Option<Vec<String>>,
    /// `architecture`: `"x86_64"` or `"arm64"`.
    pub architecture: Option<Architecture>,
    /// `reserved_concurrency`: reserved concurrent executions, 0 or more.
    pub reserved_concurrency: Option<u32>,
    /// `subnet_ids`: VPC subnets; needs `security_group_ids` too.
    pub subnet_ids: Option<Vec<String>>,
    /// `security_group_ids`: VPC security groups; needs `subnet_ids` too.
    pub security_group_ids: Option<Vec<String>>,
    /// `xray`: X-Ray active tracing for functions (and the REST API stage).
    pub xray: Option<bool>,
    /// `log_retention_days`: one of [`LOG_RETENTION_DAYS`]; unset keeps logs forever and
    /// creates no log group resource.
    pub log_retention_days: Option<u32>,
    /// `api_type`: `"rest"` or `"http"`. API level: top level and stages only.
    pub api_type: Option<ApiType>,
    /// `api_stage`: REST API stage name. API level: top level and stages only.
    pub api_stage: Option<String>,
    /// `endpoint_type`: `"edge"`, `"regional"` or `"private"` (REST API). API level.
    pub endpoint_type: Option<EndpointType>,
    /// `iam_role_arn` / `iam_policy_file`: the role functions run with.
    pub iam: Option<Iam>,
}

/// Values given on the command line: the highest level of precedence. The CLI fills it
/// from its flags; validation (ranges, formats) happens when it is resolved.
pub type Overrides = Settings;

/// The CPU architecture of a function.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Architecture {
    /// `x86_64` (the default).
    #[default]
    #[serde(rename = "x86_64")]
    X86_64,
    /// `arm64` (Graviton).
    #[serde(rename = "arm64")]
    Arm64,
}

impl Architecture {
    /// The spelling Lambda and Flagon.toml use: `x86_64` or `arm64`.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }

    /// The Rust target triple the `bootstrap` is built for (glibc 2.17, as cargo-zigbuild
    /// spells it, so the binary starts on Amazon Linux 2023).
    pub fn zigbuild_target(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64-unknown-linux-gnu.2.17",
            Architecture::Arm64 => "aarch64-unknown-linux-gnu.2.17",
        }
    }
}

/// Which API Gateway flavour serves the routes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiType {
    /// API Gateway REST API (payload v1), the default.
    #[default]
    Rest,
    /// API Gateway HTTP API (payload v2), with an auto-deployed `$default` stage.
    Http,
}

impl ApiType {
    /// `rest` or `http`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiType::Rest => "rest",
            ApiType::Http => "http",
        }
    }
}

/// The REST API endpoint type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointType {
    /// Edge-optimized (CloudFront in front), API Gateway's default.
    #[default]
    Edge,
    /// Regional.
    Regional,
    /// Private (VPC endpoints only).
    Private,
}

impl EndpointType {
    /// The AWS spelling: `EDGE`, `REGIONAL`, `PRIVATE`.
    pub fn as_aws_str(self) -> &'static str {
        match self {
            EndpointType::Edge => "EDGE",
            EndpointType::Regional => "REGIONAL",
            EndpointType::Private => "PRIVATE",
        }
    }
}

/// The IAM role functions run with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Iam {
    /// Flagon creates a role with a policy generated from the app's triggers (the default).
    #[default]
    Managed,
    /// Flagon creates a role with the generated policy plus the statements of this JSON
    /// policy file (a path relative to the directory of Flagon.toml).
    PolicyFile(PathBuf),
    /// An existing role, used as is; Flagon creates no role.
    RoleArn(String),
}

/// VPC placement of a function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    /// Subnet ids.
    pub subnet_ids: Vec<String>,
    /// Security group ids.
    pub security_group_ids: Vec<String>,
}

/// The settings of one function in one stage, every precedence level and default applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionSettings {
    /// Memory in MB.
    pub memory: u32,
    /// Timeout in seconds.
    pub timeout: u32,
    /// Environment variables, merged across levels.
    pub environment: BTreeMap<String, String>,
    /// Tags, merged across levels.
    pub tags: BTreeMap<String, String>,
    /// Layer version ARNs.
    pub layers: Vec<String>,
    /// CPU architecture.
    pub architecture: Architecture,
    /// Reserved concurrency; `None` leaves the function on the account's unreserved pool.
    pub reserved_concurrency: Option<u32>,
    /// VPC placement; `None` runs outside any VPC.
    pub vpc: Option<Vpc>,
    /// X-Ray active tracing.
    pub xray: bool,
    /// Log retention in days; `None` keeps logs forever.
    pub log_retention_days: Option<u32>,
    /// The role the function runs with.
    pub iam: Iam,
}

/// The settings of a stage as a whole: the API and the app-wide role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageSettings {
    /// REST or HTTP API.
    pub api_type: ApiType,
    /// The REST API stage name (an HTTP API always uses `$default`).
    pub api_stage: String,
    /// The REST API endpoint type.
    pub endpoint_type: EndpointType,
    /// X-Ray tracing of the REST API stage.
    pub xray: bool,
    /// Tags for stage-wide resources (API, role), merged across levels.
    pub tags: BTreeMap<String, String>,
    /// The role of every function that does not set its own.
    pub iam: Iam,
}
