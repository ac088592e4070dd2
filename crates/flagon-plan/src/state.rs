//! The state file of a deployed stage: `.flagon/deployed/<stage>.json`.
//!
//! It records every resource a deploy created, with what AWS assigned to it (ARNs, ids,
//! UUIDs), so that a later deploy can update or sweep it and `delete` can remove it. The
//! executor rewrites it after every successful step: a deploy that fails half-way still
//! remembers what it created. Reading and writing the file is the executor's business; this
//! module only defines the data and its (versioned) JSON form.

use std::collections::BTreeMap;

use flagon_model::ResourceId;
use serde::{Deserialize, Serialize};

/// The state file schema version this crate writes and reads.
pub const STATE_SCHEMA_VERSION: u32 = 1;

/// A state file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Not JSON of the state's shape.
    #[error("parse the deployed state: {0}")]
    Parse(#[from] serde_json::Error),
    /// A schema version this crate does not read.
    #[error(
        "read deployed state schema version {found}: this flagon reads version \
         {STATE_SCHEMA_VERSION}"
    )]
    Version {
        /// The version the file declares.
        found: u32,
    },
}

/// What is deployed for one app in one stage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StateFile", into = "StateFile")]
pub struct State {
    /// The app.
    pub app: String,
    /// The stage.
    pub stage: String,
    /// The region the stage is deployed in, once known.
    pub region: Option<String>,
    /// Every recorded resource.
    pub resources: BTreeMap<ResourceId, Record>,
}

/// The file form: a list, because a [`ResourceId`] is not a JSON object key.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    schema_version: u32,
    app: String,
    stage: String,
    #[serde(default)]
    region: Option<String>,
    resources: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: ResourceId,
    record: Record,
}

impl From<StateFile> for State {
    fn from(file: StateFile) -> Self {
        Self {
            app: file.app,
            stage: file.stage,
            region: file.region,
            resources: file
                .resources
                .into_iter()
                .map(|e| (e.id, e.record))
                .collect(),
        }
    }
}

impl From<State> for StateFile {
    fn from(state: State) -> Self {
        Self {
            schema_version: STATE_SCHEMA_VERSION,
            app: state.app,
            stage: state.stage,
            region: state.region,
            resources: state
                .resources
                .into_iter()
                .map(|(id, record)| Entry { id, record })
                .collect(),
        }
    }
}

/// What AWS knows a recorded resource by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    /// An IAM role with its inline policy.
    Role {
        /// Role name.
        role_name: String,
        /// Inline policy name.
        policy_name: String,
    },
    /// A log group whose retention Flagon set.
    LogGroup {
        /// Log group name.
        log_group_name: String,
    },
    /// A Lambda function.
    Function {
        /// Function name.
        function_name: String,
    },
    /// A REST API and its stage.
    RestApi {
        /// API id.
        api_id: String,
        /// The deployment stage.
        stage_name: String,
        /// Hash of the definition last imported (see [`definition_hash`](crate::definition_hash)).
        definition_hash: String,
    },
    /// An HTTP API.
    HttpApi {
        /// API id.
        api_id: String,
        /// Hash of the definition last applied.
        definition_hash: String,
    },
    /// A statement of a function's resource-based policy.
    Permission {
        /// Function name.
        function_name: String,
        /// Statement id.
        statement_id: String,
    },
    /// An entry of a bucket's notification configuration.
    S3Notification {
        /// Bucket.
        bucket: String,
        /// Entry id.
        notification_id: String,
    },
    /// An SNS subscription.
    SnsSubscription {
        /// Topic ARN.
        topic_arn: String,
        /// Subscription ARN.
        subscription_arn: String,
    },
    /// An event source mapping.
    EventSourceMapping {
        /// Mapping UUID.
        uuid: String,
        /// Source ARN.
        source_arn: String,
    },
    /// An EventBridge rule with one target.
    EventRule {
        /// Rule name.
        rule_name: String,
        /// Event bus; `None` is the default bus.
        event_bus: Option<String>,
        /// Target id.
        target_id: String,
    },
}

impl State {
    /// An empty state of a stage.
    pub fn new(app: impl Into<String>, stage: impl Into<String>) -> Self {
        Self {
            app: app.into(),
            stage: stage.into(),
            region: None,
            resources: BTreeMap::new(),
        }
    }

    /// Pretty JSON, as written to the state file.
    pub fn to_json(&self) -> String {
        // Plain data: serialising cannot fail.
        serde_json::to_string_pretty(self).expect("a state serialises")
    }

    /// Reads a state file's text, checking the schema version before the shape.
    pub fn from_json(json: &str) -> Result<Self, StateError> {
        #[derive(Deserialize)]
        struct Version {
            schema_version: u32,
        }
        let Version { schema_version } = serde_json::from_str(json)?;
        if schema_version != STATE_SCHEMA_VERSION {
            return Err(StateError::Version {
                found: schema_version,
            });
        }
        Ok(serde_json::from_str(json)?)
    }

    /// The recorded REST or HTTP API id, if any.
    pub fn api_id(&self) -> Option<&str> {
        self.resources.values().find_map(|r| match r {
            Record::RestApi { api_id, .. } | Record::HttpApi { api_id, .. } => {
                Some(api_id.as_str())
            }
            _ => None,
        })
    }

    /// The deployed names of the recorded functions, by model name.
    pub fn function_names(&self) -> BTreeMap<String, String> {
        self.resources
            .iter()
            .filter_map(|(id, r)| match (id, r) {
                (ResourceId::Function(f), Record::Function { function_name }) => {
                    Some((f.0.clone(), function_name.clone()))
                }
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use flagon_model::{FunctionRef, RoleRef};

    use super::*;

    #[test]
    fn state_round_trips_through_its_versioned_json() {
        let mut state = State::new("app", "dev");
        state.resources.insert(
            ResourceId::Role(RoleRef("app".into())),
            Record::Role {
                role_name: "app-dev".into(),
                policy_name: "app-dev".into(),
            },
        );
        state.resources.insert(
            ResourceId::Function(FunctionRef("f".into())),
            Record::Function {
                function_name: "app-dev-f".into(),
            },
        );
        let json = state.to_json();
        assert!(json.contains("\"schema_version\": 1"), "{json}");
        assert_eq!(State::from_json(&json).unwrap(), state);
    }

    #[test]
    fn newer_state_version_is_refused() {
        let err = State::from_json(r#"{"schema_version": 7}"#).unwrap_err();
        assert!(matches!(err, StateError::Version { found: 7 }), "{err}");
    }
}
