//! `App::run`: the three modes of the one binary.
//!
//! 1. Asked for its manifest (`FLAGON_MANIFEST=1` in the environment, any value but empty
//!    or `0`, or `--flagon-manifest` among the arguments), it prints the manifest JSON on
//!    stdout and returns.
//! 2. On Lambda (`AWS_LAMBDA_RUNTIME_API` set), it serves the Runtime API through
//!    `lambda_runtime` and dispatches every event to the handler `_HANDLER` names.
//! 3. Otherwise it returns [`Error::NotOnLambda`], which says how to run it locally.
//!
//! Environment read in Lambda mode (all set by Lambda, and by `cargo flagon local`):
//! `AWS_LAMBDA_RUNTIME_API`, `_HANDLER`, `AWS_LAMBDA_FUNCTION_NAME`,
//! `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (an integer), `AWS_LAMBDA_FUNCTION_VERSION`; optional:
//! `AWS_LAMBDA_LOG_STREAM_NAME`, `AWS_LAMBDA_LOG_GROUP_NAME`. `lambda_runtime` panics on a
//! missing required one, so they are checked first and reported as [`Error::Environment`].
//!
//! Which tokio runtime: an instance takes one event at a time (Lambda's model), so
//! `#[tokio::main(flavor = "current_thread")]` serves it with one thread and no cross-thread
//! wake-ups: under `cargo flagon local` the example app answers about a third more requests a
//! second with it than with the multi-threaded default (`bench/local.sh`), and it starts
//! no worker threads. `spawn_blocking` still runs blocking work on its own pool; an app that
//! spawns CPU-heavy tasks onto several vCPUs (1,769 MB and up) keeps `#[tokio::main]`. Both work.

use std::io::Write;

use flagon_manifest::{MANIFEST_ENV, MANIFEST_FLAG};
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::value::RawValue;

use crate::{App, Error};

/// The variable Lambda sets to the Runtime API's address.
pub const RUNTIME_API_ENV: &str = "AWS_LAMBDA_RUNTIME_API";
/// The variable Lambda sets to the function's Handler setting.
pub const HANDLER_ENV: &str = "_HANDLER";

/// Whether the process was asked for its manifest.
pub(crate) fn manifest_requested() -> bool {
    let by_env = std::env::var_os(MANIFEST_ENV).is_some_and(|v| !v.is_empty() && v != "0");
    by_env || std::env::args_os().skip(1).any(|a| a == MANIFEST_FLAG)
}

fn required(name: &'static str) -> Result<String, Error> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) => Err(Error::Environment {
            name,
            problem: "is empty".into(),
        }),
        Err(std::env::VarError::NotPresent) => Err(Error::Environment {
            name,
            problem: "is not set (Lambda sets it)".into(),
        }),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::Environment {
            name,
            problem: "is not valid UTF-8".into(),
        }),
    }
}

/// Handler failures, panics and undecodable messages are logged with `tracing`; on Lambda
/// they must reach CloudWatch, so a plain stderr subscriber is installed unless the app set
/// one. `RUST_LOG` filters it (default `info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Err means the app installed its own subscriber: keep it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .without_time()
        .with_writer(std::io::stderr)
        .try_init();
}

impl App {
    /// Runs the app in the mode its environment asks for (see the [module docs](crate::runtime)).
    pub async fn run(self) -> Result<(), Error> {
        let requested = manifest_requested();
        let on_lambda = std::env::var_os(RUNTIME_API_ENV).is_some();
        let (manifest, dispatcher) = self.finish()?;
        if requested {
            let mut out = std::io::stdout().lock();
            out.write_all(manifest.to_json().as_bytes())?;
            out.write_all(b"\n")?;
            out.flush()?;
            return Ok(());
        }
        if !on_lambda {
            return Err(Error::NotOnLambda);
        }
        let handler = required(HANDLER_ENV)?;
        for name in ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION"] {
            required(name)?;
        }
        let memory = required("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")?;
        if memory.parse::<i32>().is_err() {
            return Err(Error::Environment {
                name: "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                problem: format!("is `{memory}`, not a whole number of megabytes"),
            });
        }
        init_logging();
        if !dispatcher.has_handler(&handler) {
            return Err(Error::UnknownHandler {
                handler,
                known: dispatcher.handler_names(),
            });
        }
        // The event stays JSON text until the handler's own types read it (see
        // `Dispatcher::dispatch_json`).
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Box<RawValue>>| {
            let dispatcher = dispatcher.clone();
            let handler = handler.clone();
            async move {
                dispatcher
                    .dispatch_json(&handler, event.payload.get(), event.context)
                    .await
            }
        }))
        .await
        .map_err(Error::Runtime)
    }
}
