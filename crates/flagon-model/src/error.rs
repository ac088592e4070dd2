//! Why a model could not be built.

use flagon_config::ConfigError;

/// A manifest and a configuration that do not make a deployable model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The configuration is invalid for this manifest or stage.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A generated AWS name is longer than AWS allows.
    #[error(
        "name the {what} `{name}`: it has {len} characters and AWS allows {max}; shorten the app, \
         stage or function name (a handler can be renamed with `.name(...)`)"
    )]
    NameTooLong {
        /// `Lambda function`, `IAM role`, `EventBridge rule`.
        what: &'static str,
        /// The generated name.
        name: String,
        /// Its length.
        len: usize,
        /// AWS's limit.
        max: usize,
    },
    /// A name with characters AWS refuses in resource names.
    #[error("use `{name}` as the {what}: only letters, digits, `-` and `_` are allowed")]
    InvalidName {
        /// `app name`, `stage name`, `function name`.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// Two functions whose names give the same template logical id.
    #[error(
        "give functions `{first}` and `{second}` distinct template ids: both become `{logical_id}`; \
         rename one with `.name(...)`"
    )]
    LogicalIdCollision {
        /// The first function.
        first: String,
        /// The second function.
        second: String,
        /// The shared logical id.
        logical_id: String,
    },
    /// The manifest's API names a function it does not declare, or does not declare the
    /// API function with the `api` trigger.
    #[error("wire the API to function `{function}`: {problem}")]
    ApiFunction {
        /// The function the API names.
        function: String,
        /// What is wrong.
        problem: String,
    },
    /// A policy file named by `iam_policy_file` whose document was not loaded.
    #[error(
        "use policy file {path}: it was not loaded; load the configuration with `Config::load` \
         or `Config::read_policy_file`"
    )]
    PolicyNotLoaded {
        /// The file, as written in the configuration.
        path: String,
    },
    /// A trigger whose parameters Lambda would refuse.
    #[error("wire the trigger of function `{function}`: {problem}")]
    InvalidTrigger {
        /// The function.
        function: String,
        /// What is wrong.
        problem: String,
    },
    /// A route method API Gateway does not route.
    #[error(
        "route `{method} {path}`: API Gateway routes GET, POST, PUT, DELETE, PATCH, HEAD, \
         OPTIONS and ANY (every method, alone on its path)"
    )]
    RouteMethod {
        /// The route's path.
        path: String,
        /// The method as the manifest wrote it.
        method: String,
    },
    /// A route that requires an API key on an HTTP API, which has no API keys.
    #[error(
        "require an API key on route `{path}`: an HTTP API has no API keys; set \
         `api_type = \"rest\"` or drop the requirement"
    )]
    HttpApiKey {
        /// The route's path.
        path: String,
    },
}
