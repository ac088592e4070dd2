//! One running instance of a function: the process and its own Runtime API.
//!
//! The process gets Lambda's environment and `AWS_LAMBDA_RUNTIME_API` pointing at a
//! loopback port that only it uses. An instance handles one event at a time (as on Lambda);
//! the pool in [`crate::pool`] gives it one event, waits, and either keeps it warm or drops
//! it. Dropping an [`Instance`] kills its process.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::LocalError;
use crate::options::{FunctionSpec, LOCAL_ACCOUNT_ID};
use crate::runtime_api::{self, EXIT_ERROR, Outcome, Pending, Shared, error_document};

/// How long a runtime may take to ask for its first event (Lambda's init phase limit).
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A running instance.
pub(crate) struct Instance {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    /// Dropping it kills the process.
    _kill: oneshot::Sender<()>,
    function_arn: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Where the Lambda environment of an instance comes from.
pub(crate) struct Environment<'a> {
    pub(crate) spec: &'a FunctionSpec,
    pub(crate) region: &'a str,
    pub(crate) instance_no: u64,
}

impl Instance {
    /// Starts the function's command under a fresh Runtime API.
    pub(crate) async fn start(env: Environment<'_>) -> Result<Self, LocalError> {
        let spec = env.spec;
        let (program, args) = spec
            .command
            .split_first()
            .ok_or_else(|| LocalError::EmptyCommand(spec.name.clone()))?;
        let listener =
            TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|source| LocalError::Bind {
                    addr: "127.0.0.1:0".into(),
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| LocalError::Bind {
            addr: "127.0.0.1:0".into(),
            source,
        })?;
        let shared = Arc::new(Shared::default());
        let app = runtime_api::router(shared.clone());
        let server = tokio::spawn(async move {
            // The server ends only when the instance is dropped (the task is aborted).
            let _ = axum::serve(crate::nodelay(listener), app).await;
        });

        let mut command = tokio::process::Command::new(program);
        command.args(args).stdin(Stdio::null()).kill_on_drop(true);
        for (key, value) in lambda_environment(&env, &addr.to_string()) {
            command.env(key, value);
        }
        if let Some(dir) = &spec.working_dir {
            command.current_dir(dir);
        }
        let mut child = command.spawn().map_err(|source| {
            server.abort();
            LocalError::Spawn {
                function: spec.name.clone(),
                command: program.clone(),
                source,
            }
        })?;

        let (kill, killed) = oneshot::channel::<()>();
        let watched = shared.clone();
        tokio::spawn(async move {
            let status = tokio::select! {
                status = child.wait() => status.ok(),
                _ = killed => {
                    let _ = child.kill().await;
                    None
                }
            };
            exited(&watched, status);
        });

        Ok(Self {
            shared,
            server,
            _kill: kill,
            function_arn: function_arn(env.region, &spec.function_name),
        })
    }

    /// Whether the process is gone.
    pub(crate) fn has_exited(&self) -> bool {
        self.shared.lock().exited
    }

    /// Hands `payload` to the runtime and waits for its answer, at most `timeout` from the
    /// moment the runtime takes the event.
    pub(crate) async fn invoke(
        &self,
        request_id: &str,
        payload: Bytes,
        timeout: Duration,
    ) -> Invoked {
        let (started_tx, started_rx) = oneshot::channel();
        let (done_tx, mut done_rx) = oneshot::channel();
        {
            let mut state = self.shared.lock();
            if state.exited {
                return Invoked::Failed(exit_outcome(&state.init_error, request_id, None));
            }
            state.queued = Some(Pending {
                request_id: request_id.to_owned(),
                payload,
                function_arn: self.function_arn.clone(),
                timeout,
                started: Some(started_tx),
                done: done_tx,
            });
        }
        self.shared.wake.notify_waiters();

        // Init phase: until the runtime takes the event (or dies trying).
        tokio::select! {
            started = started_rx => if started.is_err() {
                return self.ended(done_rx.try_recv().ok(), request_id);
            },
            done = &mut done_rx => return self.ended(done.ok(), request_id),
            () = tokio::time::sleep(INIT_TIMEOUT) => {
                let message = format!("RequestId: {request_id} Error: Runtime failed to start within {} seconds", INIT_TIMEOUT.as_secs());
                return Invoked::Killed(Outcome::Error { error_type: "Runtime.InitTimeout".into(), body: error_document("Runtime.InitTimeout", &message) });
            }
        }
        match tokio::time::timeout(timeout, done_rx).await {
            Ok(done) => self.ended(done.ok(), request_id),
            Err(_) => Invoked::Killed(timeout_outcome(request_id, timeout)),
        }
    }

    fn ended(&self, outcome: Option<Outcome>, request_id: &str) -> Invoked {
        match outcome {
            Some(outcome) => Invoked::Done(outcome),
            None => {
                let state = self.shared.lock();
                Invoked::Failed(exit_outcome(&state.init_error, request_id, None))
            }
        }
    }
}

/// What happened to one invocation on one instance.
pub(crate) enum Invoked {
    /// The runtime answered; the instance can take the next event.
    Done(Outcome),
    /// The process died: the outcome says how; the instance is gone.
    Failed(Outcome),
    /// The emulator gave up on the instance (timeout): drop it, which kills it.
    Killed(Outcome),
}

fn exited(shared: &Shared, status: Option<std::process::ExitStatus>) {
    let mut state = shared.lock();
    state.exited = true;
    let pending = state.in_flight.take().or_else(|| state.queued.take());
    if let Some(pending) = pending {
        let outcome = exit_outcome(&state.init_error, &pending.request_id, status);
        let _ = pending.done.send(outcome);
    }
}

fn exit_outcome(
    init_error: &Option<Outcome>,
    request_id: &str,
    status: Option<std::process::ExitStatus>,
) -> Outcome {
    if let Some(init) = init_error {
        return init.clone();
    }
    let how = match status {
        Some(status) => match status.code() {
            Some(code) => format!("exit status {code}"),
            None => format!("{status}"),
        },
        None => "killed".to_owned(),
    };
    let message = format!("RequestId: {request_id} Error: Runtime exited with error: {how}");
    Outcome::Error {
        error_type: EXIT_ERROR.into(),
        body: error_document(EXIT_ERROR, &message),
    }
}

/// Lambda's timeout error: `{"errorMessage": "<time> <id> Task timed out after 3.00 seconds"}`.
pub(crate) fn timeout_outcome(request_id: &str, timeout: Duration) -> Outcome {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
    let message = format!(
        "{now} {request_id} Task timed out after {:.2} seconds",
        timeout.as_secs_f64()
    );
    let body = serde_json::json!({"errorMessage": message});
    Outcome::Error {
        error_type: "Sandbox.Timedout".into(),
        body: Bytes::from(body.to_string()),
    }
}

/// The ARN Lambda passes as the invoked function ARN.
pub fn function_arn(region: &str, function_name: &str) -> String {
    format!("arn:aws:lambda:{region}:{LOCAL_ACCOUNT_ID}:function:{function_name}")
}

/// The variables Lambda sets for a `provided.al2023` function, plus the configured ones.
/// The configured ones come first so that Lambda's reserved names win, as on AWS.
fn lambda_environment(env: &Environment<'_>, runtime_api: &str) -> Vec<(String, String)> {
    let spec = env.spec;
    let mut vars: Vec<(String, String)> = spec
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let task_root = spec
        .working_dir
        .clone()
        .or_else(|| std::env::current_dir().ok())
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let date = chrono::Utc::now().format("%Y/%m/%d");
    let reserved = [
        ("_HANDLER", spec.handler.clone()),
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_owned()),
        ("AWS_LAMBDA_FUNCTION_NAME", spec.function_name.clone()),
        (
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            spec.memory_mb.to_string(),
        ),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        (
            "AWS_LAMBDA_FUNCTION_TIMEOUT",
            spec.timeout.as_secs().to_string(),
        ),
        (
            "AWS_LAMBDA_LOG_GROUP_NAME",
            format!("/aws/lambda/{}", spec.function_name),
        ),
        (
            "AWS_LAMBDA_LOG_STREAM_NAME",
            format!("{date}/[$LATEST]local{:024x}", env.instance_no),
        ),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023".to_owned()),
        ("AWS_REGION", env.region.to_owned()),
        ("AWS_DEFAULT_REGION", env.region.to_owned()),
        ("LAMBDA_TASK_ROOT", task_root),
        ("LAMBDA_RUNTIME_DIR", "/var/runtime".to_owned()),
        ("TZ", ":UTC".to_owned()),
    ];
    vars.extend(reserved.into_iter().map(|(k, v)| (k.to_owned(), v)));
    vars
}

/// A request id in Lambda's UUID format, unique within this process.
pub fn request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // RandomState is seeded randomly per process: ids differ between runs.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(n);
    let a = hasher.finish();
    hasher.write_u64(a);
    let b = hasher.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_uuid_shaped_and_distinct() {
        let a = request_id();
        let b = request_id();
        assert_ne!(a, b);
        let lens: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(lens, [8, 4, 4, 4, 12], "{a}");
    }

    #[test]
    fn reserved_variables_override_configured_ones() {
        let mut spec = FunctionSpec::new("f", vec!["true".into()]);
        spec.environment
            .insert("AWS_REGION".into(), "mars-1".into());
        spec.environment.insert("GREETING".into(), "hi".into());
        let env = Environment {
            spec: &spec,
            region: "eu-west-1",
            instance_no: 1,
        };
        let vars = lambda_environment(&env, "127.0.0.1:1");
        let last = |k: &str| {
            vars.iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(last("AWS_REGION"), Some("eu-west-1"));
        assert_eq!(last("GREETING"), Some("hi"));
        for required in [
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_RUNTIME_API",
            "_HANDLER",
        ] {
            assert!(last(required).is_some(), "{required} missing");
        }
    }
}
