//! The manifest: what a Flagon app says about itself.
//!
//! A Flagon app is one binary. Run with `FLAGON_MANIFEST=1` (or `--flagon-manifest`), it
//! prints a [`Manifest`] as JSON on stdout and exits. The CLI (`cargo flagon`) learns the app
//! only this way: it never parses the user's source, and routes are never repeated in a config
//! file. This crate is the contract between the runtime crate (`flagon`), which produces the
//! manifest, and every tool that consumes it (config, model, renderers, deploy, local).
//!
//! The schema is versioned by [`SCHEMA_VERSION`]. A consumer refuses a manifest whose
//! `schema_version` it does not know, with an error that says which versions it reads
//! ([`Manifest::from_json`]). Adding an optional field keeps the version; renaming or removing
//! one, or changing its meaning, bumps it.
//!
//! ```
//! use flagon_manifest::{Manifest, Function, Trigger};
//!
//! let manifest = Manifest::new("helloworld", vec![Function::new("resize", Trigger::Invoke)], None);
//! let json = manifest.to_json();
//! assert_eq!(Manifest::from_json(&json).unwrap(), manifest);
//! ```
//!
//! # Schema (version 1)
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "flagon_version": "0.1.0",
//!   "app": "helloworld",
//!   "api": {
//!     "function": "api_handler",
//!     "binary_media_types": ["image/png"],
//!     "routes": [
//!       { "path": "/users/{id}", "methods": ["GET", "PUT"],
//!         "cors": { "allow_origins": ["https://example.com"], "allow_headers": [],
//!                   "expose_headers": [], "max_age": 600, "allow_credentials": false },
//!         "content_types": ["application/json"], "required_query_params": [],
//!         "api_key_required": false, "authorizer": null }
//!     ]
//!   },
//!   "functions": [
//!     { "name": "api_handler", "handler": "api_handler", "trigger": { "type": "api" } },
//!     { "name": "on_upload", "handler": "on_upload",
//!       "trigger": { "type": "s3", "bucket": "mybucket", "events": ["s3:ObjectCreated:*"],
//!                    "prefix": "uploads/", "suffix": ".jpg" } }
//!   ]
//! }
//! ```
//!
//! Trigger shapes are the variants of [`Trigger`], tagged by `type`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod schedule;

/// The manifest schema version this crate writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The name of the function that serves every HTTP route, unless the app renames it.
pub const DEFAULT_API_FUNCTION: &str = "api_handler";

/// The methods a route with API Gateway's `ANY` method answers, besides `OPTIONS`: what a
/// CORS preflight of such a route allows.
pub const ANY_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"];

/// The environment variable that asks an app binary for its manifest.
pub const MANIFEST_ENV: &str = "FLAGON_MANIFEST";

/// The command-line flag that asks an app binary for its manifest.
pub const MANIFEST_FLAG: &str = "--flagon-manifest";

/// Everything an app declares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`SCHEMA_VERSION`] when written by this crate.
    pub schema_version: u32,
    /// The version of the `flagon` crate that wrote the manifest.
    pub flagon_version: String,
    /// The app's name (`App::new(name)`); prefixes every AWS resource name.
    pub app: String,
    /// The HTTP API, when the app declares at least one route.
    pub api: Option<Api>,
    /// Every Lambda function, the API's included, in declaration order.
    pub functions: Vec<Function>,
}

/// The HTTP API: every route is served by one Lambda function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// The name of the function (in [`Manifest::functions`]) that serves every route.
    pub function: String,
    /// Content types API Gateway treats as binary (base64 between it and the function).
    #[serde(default)]
    pub binary_media_types: Vec<String>,
    /// The routes, in declaration order.
    pub routes: Vec<Route>,
}

/// One path template and the methods it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// API Gateway syntax: `/users/{id}`, greedy `/{proxy+}`.
    pub path: String,
    /// Upper-case HTTP methods (`GET`, `PUT`, ...), sorted, without `OPTIONS` unless the app
    /// declares it itself (CORS preflight is answered for routes with [`Route::cors`]).
    pub methods: Vec<String>,
    /// CORS settings; `None` means no CORS headers and no preflight.
    #[serde(default)]
    pub cors: Option<Cors>,
    /// Accepted request content types; empty accepts any. A mismatch is a 415.
    #[serde(default)]
    pub content_types: Vec<String>,
    /// Query parameters that must be present; a missing one is a 400 that names it.
    #[serde(default)]
    pub required_query_params: Vec<String>,
    /// Whether API Gateway requires an API key for this route (REST API only).
    #[serde(default)]
    pub api_key_required: bool,
    /// The name of an authorizer, reserved for the authorizers issue.
    #[serde(default)]
    pub authorizer: Option<String>,
}

/// CORS settings of a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cors {
    /// Allowed origins; `["*"]` allows any.
    pub allow_origins: Vec<String>,
    /// Request headers the browser may send beyond the safe ones.
    #[serde(default)]
    pub allow_headers: Vec<String>,
    /// Response headers the browser may read beyond the safe ones.
    #[serde(default)]
    pub expose_headers: Vec<String>,
    /// How long, in seconds, a preflight answer may be cached.
    #[serde(default)]
    pub max_age: Option<u32>,
    /// Whether credentials (cookies, authorization) are allowed.
    #[serde(default)]
    pub allow_credentials: bool,
}

/// One Lambda function of the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    /// The handler's name: its function item's name, or what `.name(...)` set. Unique in the
    /// app. The deployed Lambda function is `<app>-<stage>-<name>`.
    pub name: String,
    /// The value of Lambda's Handler setting; the runtime reads it back from `_HANDLER` to
    /// pick the handler. Equal to `name` today.
    pub handler: String,
    /// What invokes the function.
    pub trigger: Trigger,
}

impl Function {
    /// A function whose handler setting is its name.
    pub fn new(name: impl Into<String>, trigger: Trigger) -> Self {
        let name = name.into();
        Self {
            handler: name.clone(),
            name,
            trigger,
        }
    }
}

/// What invokes a function, with every parameter of the wiring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// Serves every route of [`Manifest::api`].
    Api,
    /// A plain function: JSON in, JSON out, invoked directly.
    Invoke,
    /// S3 bucket notifications.
    S3 {
        /// Bucket name.
        bucket: String,
        /// Event types, e.g. `s3:ObjectCreated:*`.
        events: Vec<String>,
        /// Key prefix filter.
        #[serde(default)]
        prefix: Option<String>,
        /// Key suffix filter.
        #[serde(default)]
        suffix: Option<String>,
    },
    /// An SNS topic subscription.
    Sns {
        /// Topic name or ARN.
        topic: String,
    },
    /// An SQS event source mapping.
    Sqs {
        /// Queue name or ARN.
        queue: String,
        /// Records per invocation (1 to 10, or up to 10000 with a batching window).
        batch_size: u32,
        /// Maximum batching window in seconds (0 to 300).
        #[serde(default)]
        maximum_batching_window_in_seconds: Option<u32>,
        /// Maximum concurrent invocations from this queue (2 to 1000).
        #[serde(default)]
        maximum_concurrency: Option<u32>,
    },
    /// An EventBridge (CloudWatch Events) rule with an event pattern.
    EventPattern {
        /// The event pattern, as EventBridge takes it.
        pattern: serde_json::Value,
        /// Event bus name; `None` is the default bus.
        #[serde(default)]
        event_bus: Option<String>,
    },
    /// An EventBridge rule with a schedule expression.
    Schedule {
        /// `rate(...)` or `cron(...)`, validated as AWS validates it.
        expression: String,
        /// Optional description of the rule.
        #[serde(default)]
        description: Option<String>,
    },
    /// A Kinesis stream event source mapping.
    Kinesis {
        /// Stream name or ARN.
        stream: String,
        /// Records per invocation (1 to 10000).
        batch_size: u32,
        /// `TRIM_HORIZON`, `LATEST`, or `AT_TIMESTAMP` with
        /// [`starting_position_timestamp`](Trigger::Kinesis::starting_position_timestamp).
        starting_position: StartingPosition,
        /// Maximum batching window in seconds (0 to 300).
        #[serde(default)]
        maximum_batching_window_in_seconds: Option<u32>,
        /// Where `AT_TIMESTAMP` starts, in whole seconds since 1970 (RFC 3339 in the JSON, e.g.
        /// `"2026-01-01T00:00:00Z"`); absent for the other positions. Added in schema version
        /// 1 as an optional field, so manifests without it still read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        starting_position_timestamp: Option<DateTime<Utc>>,
    },
    /// A DynamoDB stream event source mapping.
    Dynamodb {
        /// The stream's ARN (it carries a label only DynamoDB knows).
        stream_arn: String,
        /// Records per invocation (1 to 10000).
        batch_size: u32,
        /// `TRIM_HORIZON` or `LATEST`.
        starting_position: StartingPosition,
        /// Maximum batching window in seconds (0 to 300).
        #[serde(default)]
        maximum_batching_window_in_seconds: Option<u32>,
    },
}

impl Trigger {
    /// The `type` tag, for messages and names.
    pub fn kind(&self) -> &'static str {
        match self {
            Trigger::Api => "api",
            Trigger::Invoke => "invoke",
            Trigger::S3 { .. } => "s3",
            Trigger::Sns { .. } => "sns",
            Trigger::Sqs { .. } => "sqs",
            Trigger::EventPattern { .. } => "event_pattern",
            Trigger::Schedule { .. } => "schedule",
            Trigger::Kinesis { .. } => "kinesis",
            Trigger::Dynamodb { .. } => "dynamodb",
        }
    }
}

/// Where a stream event source mapping starts reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StartingPosition {
    /// The oldest record.
    TrimHorizon,
    /// Only new records.
    Latest,
    /// From a timestamp (Kinesis only).
    AtTimestamp,
}

impl StartingPosition {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StartingPosition::TrimHorizon => "TRIM_HORIZON",
            StartingPosition::Latest => "LATEST",
            StartingPosition::AtTimestamp => "AT_TIMESTAMP",
        }
    }
}

/// A manifest that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Not JSON of the manifest's shape.
    #[error("parse the app's manifest: {0}")]
    Parse(#[from] serde_json::Error),
    /// A schema version this crate does not read.
    #[error(
        "read manifest schema version {found}: this flagon reads version {SCHEMA_VERSION}; \
         build the app and the CLI with the same flagon release"
    )]
    Version {
        /// The version the manifest declares.
        found: u32,
    },
}

impl Manifest {
    /// A manifest of the current schema version written by this flagon release.
    pub fn new(app: impl Into<String>, functions: Vec<Function>, api: Option<Api>) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            flagon_version: env!("CARGO_PKG_VERSION").to_owned(),
            app: app.into(),
            api,
            functions,
        }
    }

    /// Pretty JSON, as the app binary prints it.
    pub fn to_json(&self) -> String {
        // A manifest is plain data: serialising it cannot fail.
        serde_json::to_string_pretty(self).expect("a manifest serialises")
    }

    /// Reads a manifest, checking the schema version before the shape so that a newer
    /// manifest gets the version error rather than a confusing field error.
    pub fn from_json(json: &str) -> Result<Self, ManifestError> {
        #[derive(Deserialize)]
        struct Version {
            schema_version: u32,
        }
        let Version { schema_version } = serde_json::from_str(json)?;
        if schema_version != SCHEMA_VERSION {
            return Err(ManifestError::Version {
                found: schema_version,
            });
        }
        Ok(serde_json::from_str(json)?)
    }

    /// The function with this name.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// Checks what the types cannot: unique function names, an API whose function exists
    /// and is the only `api` trigger, and schedule expressions AWS would accept. The runtime
    /// refuses bad declarations before it writes a manifest; tools call this so that a
    /// hand-written or stale manifest fails here, with its place named, rather than at AWS.
    pub fn validate(&self) -> Result<(), InvalidManifest> {
        let mut seen = std::collections::HashSet::new();
        for f in &self.functions {
            if !seen.insert(f.name.as_str()) {
                return Err(InvalidManifest::DuplicateFunction(f.name.clone()));
            }
            if let Trigger::Schedule { expression, .. } = &f.trigger {
                expression
                    .parse::<schedule::ScheduleExpression>()
                    .map_err(|source| InvalidManifest::Schedule {
                        function: f.name.clone(),
                        source,
                    })?;
            }
            if let Trigger::Kinesis {
                starting_position,
                starting_position_timestamp,
                ..
            } = &f.trigger
            {
                check_starting_timestamp(*starting_position, *starting_position_timestamp)
                    .map_err(|problem| InvalidManifest::StartingTimestamp {
                        function: f.name.clone(),
                        problem,
                    })?;
            }
        }
        let api_functions: Vec<&str> = self
            .functions
            .iter()
            .filter(|f| matches!(f.trigger, Trigger::Api))
            .map(|f| f.name.as_str())
            .collect();
        match (&self.api, api_functions.as_slice()) {
            (None, []) => Ok(()),
            (Some(api), [name]) if *name == api.function => Ok(()),
            (Some(api), _) => Err(InvalidManifest::ApiFunction(api.function.clone())),
            (None, [name, ..]) => Err(InvalidManifest::ApiFunction((*name).to_owned())),
        }
    }
}

/// Checks a Kinesis starting position against its timestamp as AWS does: `AT_TIMESTAMP` needs
/// one (Lambda refuses the mapping without it), the other positions take none, and the time is
/// whole seconds since 1970 (what CloudFormation's epoch seconds and Terraform's RFC 3339 both
/// keep, so that a redeploy reads back what it wrote). The problem reads after the function's
/// name.
pub fn check_starting_timestamp(
    position: StartingPosition,
    timestamp: Option<DateTime<Utc>>,
) -> Result<(), String> {
    match (position, timestamp) {
        (StartingPosition::AtTimestamp, None) => Err(
            "starts AT_TIMESTAMP without a starting_position_timestamp; give one with \
             `.starting_at(time)`"
                .to_owned(),
        ),
        (StartingPosition::AtTimestamp, Some(t)) if t.timestamp() < 0 => Err(format!(
            "starts AT_TIMESTAMP at {t}, before 1970; give a time since the Unix epoch"
        )),
        (StartingPosition::AtTimestamp, Some(t)) if t.timestamp_subsec_nanos() != 0 => {
            Err(format!(
                "starts AT_TIMESTAMP at {t}, which is not a whole second; AWS keeps whole seconds"
            ))
        }
        (StartingPosition::AtTimestamp, Some(_)) | (_, None) => Ok(()),
        (other, Some(_)) => Err(format!(
            "has a starting_position_timestamp but starts at {}; only AT_TIMESTAMP takes one",
            other.as_str()
        )),
    }
}

/// A manifest that parsed but describes an app that cannot exist.
#[derive(Debug, thiserror::Error)]
pub enum InvalidManifest {
    /// Two functions share a name, so they would share a Lambda function.
    #[error("accept the manifest: two functions are named `{0}`; rename one with `.name(...)`")]
    DuplicateFunction(String),
    /// The API names a function that is not its one `api`-triggered function.
    #[error(
        "accept the manifest: the API's function `{0}` must be the one function with an `api` \
         trigger; rebuild the app with this flagon release"
    )]
    ApiFunction(String),
    /// A schedule expression AWS would refuse.
    #[error("accept the manifest: function `{function}` has an invalid schedule")]
    Schedule {
        /// The scheduled function.
        function: String,
        /// What is wrong with the expression.
        #[source]
        source: schedule::ScheduleError,
    },
    /// A Kinesis starting position and timestamp that do not go together.
    #[error("accept the manifest: function `{function}` {problem}")]
    StartingTimestamp {
        /// The Kinesis-triggered function.
        function: String,
        /// What is wrong, after the function's name.
        problem: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_schema_version_is_refused_with_the_version_error() {
        let err = Manifest::from_json(r#"{"schema_version": 99, "whatever": true}"#).unwrap_err();
        assert!(matches!(err, ManifestError::Version { found: 99 }), "{err}");
    }

    #[test]
    fn validate_refuses_duplicate_names_bad_schedules_and_a_dangling_api() {
        let f = |name: &str, t| Function::new(name, t);
        let dup = Manifest::new(
            "a",
            vec![f("x", Trigger::Invoke), f("x", Trigger::Invoke)],
            None,
        );
        assert!(matches!(dup.validate(), Err(InvalidManifest::DuplicateFunction(n)) if n == "x"));

        let bad = Trigger::Schedule {
            expression: "rate(5 minute)".into(),
            description: None,
        };
        let sched = Manifest::new("a", vec![f("tick", bad)], None);
        assert!(matches!(
            sched.validate(),
            Err(InvalidManifest::Schedule { .. })
        ));

        let api = Api {
            function: "api_handler".into(),
            binary_media_types: vec![],
            routes: vec![],
        };
        let dangling = Manifest::new("a", vec![f("other", Trigger::Invoke)], Some(api.clone()));
        assert!(matches!(
            dangling.validate(),
            Err(InvalidManifest::ApiFunction(_))
        ));

        let good = Manifest::new("a", vec![f("api_handler", Trigger::Api)], Some(api));
        good.validate().unwrap();
    }

    fn kinesis(position: StartingPosition, timestamp: Option<DateTime<Utc>>) -> Manifest {
        let trigger = Trigger::Kinesis {
            stream: "clicks".into(),
            batch_size: 100,
            starting_position: position,
            maximum_batching_window_in_seconds: None,
            starting_position_timestamp: timestamp,
        };
        Manifest::new("a", vec![Function::new("on_click", trigger)], None)
    }

    #[test]
    fn kinesis_timestamp_is_rfc3339_and_absent_unless_set() {
        let at = DateTime::from_timestamp(1_767_225_600, 0);
        let json = kinesis(StartingPosition::AtTimestamp, at).to_json();
        assert!(
            json.contains(r#""starting_position_timestamp": "2026-01-01T00:00:00Z""#),
            "{json}"
        );
        let latest = kinesis(StartingPosition::Latest, None).to_json();
        assert!(!latest.contains("starting_position_timestamp"), "{latest}");
        // A manifest written before the field existed still reads.
        let old = r#"{"schema_version": 1, "flagon_version": "0.1.0", "app": "a", "api": null,
            "functions": [{"name": "on_click", "handler": "on_click", "trigger": {
              "type": "kinesis", "stream": "clicks", "batch_size": 100,
              "starting_position": "LATEST"}}]}"#;
        assert_eq!(
            Manifest::from_json(old).unwrap(),
            kinesis(StartingPosition::Latest, None)
        );
    }

    #[test]
    fn validate_wants_a_timestamp_with_at_timestamp_only() {
        let at = DateTime::from_timestamp(1_767_225_600, 0);
        kinesis(StartingPosition::AtTimestamp, at)
            .validate()
            .unwrap();
        kinesis(StartingPosition::TrimHorizon, None)
            .validate()
            .unwrap();
        let problems = [
            (
                kinesis(StartingPosition::AtTimestamp, None),
                "without a starting_position_timestamp",
            ),
            (kinesis(StartingPosition::Latest, at), "starts at LATEST"),
            (
                kinesis(
                    StartingPosition::AtTimestamp,
                    DateTime::from_timestamp(-1, 0),
                ),
                "before 1970",
            ),
            (
                kinesis(
                    StartingPosition::AtTimestamp,
                    DateTime::from_timestamp(5, 500),
                ),
                "not a whole second",
            ),
        ];
        for (manifest, problem) in problems {
            let err = manifest.validate().unwrap_err().to_string();
            assert!(
                err.starts_with("accept the manifest: function `on_click` ")
                    && err.contains(problem),
                "{err}"
            );
        }
    }

    #[test]
    fn every_trigger_round_trips() {
        let triggers = vec![
            Trigger::Api,
            Trigger::Invoke,
            Trigger::S3 {
                bucket: "b".into(),
                events: vec!["s3:ObjectCreated:*".into()],
                prefix: Some("in/".into()),
                suffix: None,
            },
            Trigger::Sns { topic: "t".into() },
            Trigger::Sqs {
                queue: "q".into(),
                batch_size: 10,
                maximum_batching_window_in_seconds: Some(5),
                maximum_concurrency: None,
            },
            Trigger::EventPattern {
                pattern: serde_json::json!({"source": ["aws.s3"]}),
                event_bus: None,
            },
            Trigger::Schedule {
                expression: "rate(5 minutes)".into(),
                description: None,
            },
            Trigger::Kinesis {
                stream: "s".into(),
                batch_size: 100,
                starting_position: StartingPosition::Latest,
                maximum_batching_window_in_seconds: None,
                starting_position_timestamp: None,
            },
            Trigger::Kinesis {
                stream: "s2".into(),
                batch_size: 100,
                starting_position: StartingPosition::AtTimestamp,
                maximum_batching_window_in_seconds: None,
                starting_position_timestamp: DateTime::from_timestamp(1_767_225_600, 0),
            },
            Trigger::Dynamodb {
                stream_arn: "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x".into(),
                batch_size: 100,
                starting_position: StartingPosition::TrimHorizon,
                maximum_batching_window_in_seconds: None,
            },
        ];
        let functions = triggers
            .into_iter()
            .enumerate()
            .map(|(i, t)| Function::new(format!("f{i}"), t))
            .collect();
        let m = Manifest::new("app", functions, None);
        assert_eq!(Manifest::from_json(&m.to_json()).unwrap(), m);
    }
}
