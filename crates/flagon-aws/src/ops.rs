//! What a deployed stage offers besides deploying: its URL, its logs, remote invocation.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::LogType;
use base64::Engine as _;
use flagon_model::ResourceId;
use flagon_plan::{AwsEnv, Record, State};

use crate::Aws;
use crate::error::{AwsError, call_error, is_not_found};

/// The invoke URL of the stage's API, from the state alone (no AWS call).
pub fn api_url(state: &State) -> Option<String> {
    let region = state.region.clone()?;
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    };
    let env = AwsEnv {
        account_id: String::new(),
        region,
        partition: partition.to_owned(),
    };
    state.resources.iter().find_map(|(id, r)| match (id, r) {
        (
            ResourceId::RestApi,
            Record::RestApi {
                api_id, stage_name, ..
            },
        ) => Some(env.api_url(api_id, Some(stage_name))),
        (ResourceId::HttpApi, Record::HttpApi { api_id, .. }) => Some(env.api_url(api_id, None)),
        _ => None,
    })
}

/// The deployed Lambda name of the app's function `name` (its handler name), as the state
/// records it; a deployed name is accepted as is.
pub fn resolve_function(state: &State, name: &str) -> Result<String, AwsError> {
    let names = state.function_names();
    if let Some(deployed) = names.get(name) {
        return Ok(deployed.clone());
    }
    if names.values().any(|n| n == name) {
        return Ok(name.to_owned());
    }
    let known: Vec<&str> = names.keys().map(String::as_str).collect();
    Err(AwsError::Usage(format!(
        "find function {name} in stage {}: deployed functions are [{}]",
        state.stage,
        known.join(", ")
    )))
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Milliseconds since the epoch.
    pub timestamp: i64,
    /// The log stream.
    pub stream: String,
    /// The message, without its trailing newline.
    pub message: String,
}

/// The result of a remote invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// HTTP status of the Invoke call.
    pub status: i32,
    /// `Unhandled` or `Handled` when the function failed.
    pub function_error: Option<String>,
    /// The function's response.
    pub payload: Vec<u8>,
    /// The last 4 KB of the invocation's log.
    pub log_tail: Option<String>,
}

impl Aws {
    /// Prints (through `sink`) a function's log lines since `start_ms`; with `follow`, keeps
    /// polling every two seconds until the task is dropped.
    pub async fn logs(
        &self,
        function_name: &str,
        start_ms: i64,
        follow: bool,
        sink: &mut dyn FnMut(&LogLine),
    ) -> Result<(), AwsError> {
        let group = format!("/aws/lambda/{function_name}");
        let mut since = start_ms;
        // Event ids already printed, with their timestamps. Each poll starts at `since`
        // (inclusive), so only ids at or after it can come back: older ones are dropped, and a
        // long `--follow` keeps a handful of ids, not every one it ever printed.
        let mut seen = BTreeMap::new();
        loop {
            let mut token = None;
            loop {
                let out = match self
                    .logs
                    .filter_log_events()
                    .log_group_name(&group)
                    .start_time(since)
                    .set_next_token(token)
                    .send()
                    .await
                {
                    Ok(out) => out,
                    Err(e) if is_not_found(&e) && follow => break,
                    Err(e) if is_not_found(&e) => {
                        return Err(AwsError::Usage(format!(
                            "read the logs of {function_name}: no log group {group} yet (the \
                             function has not run)"
                        )));
                    }
                    Err(e) => return Err(call_error(format!("read the logs of {group}"), e)),
                };
                for e in out.events() {
                    let id = e.event_id().unwrap_or_default().to_owned();
                    if seen.insert(id, e.timestamp().unwrap_or_default()).is_some() {
                        continue;
                    }
                    let line = LogLine {
                        timestamp: e.timestamp().unwrap_or_default(),
                        stream: e.log_stream_name().unwrap_or_default().to_owned(),
                        message: e.message().unwrap_or_default().trim_end().to_owned(),
                    };
                    since = since.max(line.timestamp);
                    sink(&line);
                }
                token = out.next_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            if !follow {
                return Ok(());
            }
            seen.retain(|_, timestamp| *timestamp >= since);
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }

    /// Invokes a deployed function synchronously with `payload`, asking for its log tail.
    pub async fn invoke(
        &self,
        function_name: &str,
        payload: Vec<u8>,
    ) -> Result<Invocation, AwsError> {
        let out = self
            .lambda
            .invoke()
            .function_name(function_name)
            .payload(Blob::new(payload))
            .log_type(LogType::Tail)
            .send()
            .await
            .map_err(|e| call_error(format!("invoke {function_name}"), e))?;
        let log_tail = out.log_result().and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        });
        Ok(Invocation {
            status: out.status_code(),
            function_error: out.function_error().map(str::to_owned),
            payload: out
                .payload()
                .map(|p| p.as_ref().to_vec())
                .unwrap_or_default(),
            log_tail,
        })
    }
}
