//! What the emulator runs, as plain option structs.
//!
//! The CLI fills these from the app's manifest and `Flagon.toml` (through `flagon-config`);
//! tests fill them by hand, which is how a test runs any command (a Python handler under
//! `awslambdaric`, say) as a function's "bootstrap".

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use flagon_manifest::{Api, Trigger};

/// Which API Gateway payload the HTTP gateway sends to the API function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiType {
    /// REST API, payload format 1.0 (`ApiGatewayProxyRequest`).
    #[default]
    Rest,
    /// HTTP API, payload format 2.0 (`ApiGatewayV2httpRequest`).
    Http,
}

/// One Lambda function as the emulator runs it.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// The handler's name in the manifest (`on_upload`); what `invoke NAME` takes.
    pub name: String,
    /// The Lambda function name (`helloworld-dev-on_upload`): `AWS_LAMBDA_FUNCTION_NAME`.
    pub function_name: String,
    /// Lambda's Handler setting, passed as `_HANDLER`.
    pub handler: String,
    /// The "bootstrap": program and arguments.
    pub command: Vec<String>,
    /// The instance's working directory (`LAMBDA_TASK_ROOT`); `None` inherits ours.
    pub working_dir: Option<PathBuf>,
    /// Memory size in MB, passed as `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (not enforced locally).
    pub memory_mb: u32,
    /// The invocation timeout: an instance still busy after it is killed.
    pub timeout: Duration,
    /// The configured environment variables.
    pub environment: BTreeMap<String, String>,
    /// What invokes the function (schedules fire locally; the rest is for `invoke`).
    pub trigger: Trigger,
    /// At most this many instances serve the function at once; more requests wait.
    pub max_instances: usize,
}

impl FunctionSpec {
    /// A function with Lambda's defaults: 128 MB, 3 seconds, no environment.
    pub fn new(name: impl Into<String>, command: Vec<String>) -> Self {
        let name = name.into();
        Self {
            function_name: name.clone(),
            handler: name.clone(),
            name,
            command,
            working_dir: None,
            memory_mb: 128,
            timeout: Duration::from_secs(3),
            environment: BTreeMap::new(),
            trigger: Trigger::Invoke,
            max_instances: default_max_instances(),
        }
    }
}

/// The default for [`FunctionSpec::max_instances`]: twice the CPUs this process may use,
/// from 2 to 16. An instance is a process that takes one event at a time, so more of them
/// than that only queue for the CPU (on 2 cores, 4 instances serve 16 connections with 15%
/// more requests a second than 8 do, see `bench/local.sh`), while twice the CPUs still
/// overlaps handlers that wait on I/O.
pub fn default_max_instances() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    (2 * cpus).clamp(2, 16)
}

/// Everything one run of the emulator serves.
#[derive(Debug, Clone)]
pub struct AppSpec {
    /// The app's name.
    pub app: String,
    /// The AWS region reported to functions (`AWS_REGION`) and in ARNs.
    pub region: String,
    /// The API, served by the HTTP gateway, when the app has routes.
    pub api: Option<Api>,
    /// REST (v1) or HTTP API (v2) events.
    pub api_type: ApiType,
    /// The API stage name, reported in the request context.
    pub api_stage: String,
    /// Every function.
    pub functions: Vec<FunctionSpec>,
}

impl AppSpec {
    /// The function with this manifest name.
    pub fn function(&self, name: &str) -> Option<&FunctionSpec> {
        self.functions.iter().find(|f| f.name == name)
    }
}

/// The account id in local ARNs (AWS's documentation account).
pub const LOCAL_ACCOUNT_ID: &str = "123456789012";

/// Lambda's limit on an invocation payload, request or response: 6 MB.
pub const PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;
