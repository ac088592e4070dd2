//! `cargo flagon local`, as a library: a Flagon app's real binary under a Lambda Runtime API
//! emulator, behind an API Gateway emulator.
//!
//! Nothing runs in-process: every function is its built binary (or any command: the
//! "bootstrap"), started with Lambda's environment and its own Runtime API on a loopback
//! port, as Lambda would start it. Several instances of a function serve concurrent
//! events; an instance that times out is killed and one that crashes is replaced.
//!
//! The pieces, from the bottom up:
//!
//! - the Runtime API (`runtime_api`, one loopback port per instance) and an instance
//!   (`instance`: the process with Lambda's environment);
//! - [`Pool`]: the instances of one function (warm reuse, concurrency, timeout, replacement,
//!   swapping builds) and [`Emulator`]: every function of the app;
//! - [`gateway`]: API Gateway in front of the API function (REST v1 / HTTP API v2 events);
//!   [`invoke_api`]: Lambda's Invoke API for SDKs and the AWS CLI;
//! - [`events`] and [`event_source`]: the events AWS sends, for `cargo flagon invoke`;
//!   [`schedule`]: schedules firing on their rate or cron;
//! - [`app`]: building the user's crate and reading its manifest; [`run`]: all of it
//!   together, rebuilding on change (`cargo flagon local`).
//!
//! ```no_run
//! use std::time::Duration;
//! use flagon_local::{FunctionSpec, Pool};
//!
//! # async fn demo() -> Result<(), flagon_local::LocalError> {
//! let mut spec = FunctionSpec::new("echo", vec!["./target/debug/helloworld".into()]);
//! spec.timeout = Duration::from_secs(10);
//! let pool = Pool::new(spec, "us-east-1");
//! let answer = pool.invoke(r#"{"hello": "world"}"#.into()).await?;
//! println!("{}", String::from_utf8_lossy(answer.payload()));
//! # Ok(()) }
//! ```

pub mod app;
mod emulator;
mod error;
pub mod event_source;
pub mod events;
pub mod gateway;
mod instance;
pub mod invoke_api;
mod options;
mod pool;
pub mod run;
mod runtime_api;
pub mod schedule;

pub use emulator::Emulator;
pub use error::LocalError;

/// A listener whose connections send small writes at once (no Nagle delay): every message
/// here is a small request or answer on loopback, where waiting to coalesce only adds latency.
pub(crate) fn nodelay(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn set(tcp: &mut tokio::net::TcpStream) {
        // Best effort: a socket that refuses the option still works.
        let _ = tcp.set_nodelay(true);
    }
    listener.tap_io(set as fn(&mut tokio::net::TcpStream))
}

pub use instance::{INIT_TIMEOUT, function_arn, request_id};
pub use options::{
    ApiType, AppSpec, FunctionSpec, LOCAL_ACCOUNT_ID, PAYLOAD_LIMIT, default_max_instances,
};
pub use pool::{Invocation, Pool};
pub use runtime_api::{EXIT_ERROR, Outcome};
