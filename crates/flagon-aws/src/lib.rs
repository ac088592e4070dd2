//! The only Flagon crate that links the AWS SDK for Rust: observe (read-only calls), execute
//! (the only code that changes AWS), the state file, and a deployed stage's URL, logs and
//! remote invocation.
//!
//! The planning in between is `flagon-plan`'s, a pure function. Credentials, profiles and
//! regions are resolved as the SDK resolves them ([`ConnectOptions`] adds `--profile` and
//! `--region`; `AWS_ENDPOINT_URL` is honoured). Every client shares one [`CallLog`], an SDK
//! interceptor that counts the calls actually sent, mutating ones apart: tests assert that a
//! redeploy with nothing changed makes none, and inject a failure at the k-th.
//!
//! ```no_run
//! # async fn run(model: flagon_model::Model) -> Result<(), flagon_aws::AwsError> {
//! use flagon_aws::{Aws, ConnectOptions, state_path};
//!
//! let aws = Aws::connect(&ConnectOptions { region: Some("eu-west-1".into()), ..Default::default() }).await;
//! let path = state_path(std::path::Path::new("."), &model.stage);
//! let report = aws.deploy(&model, &path, &mut |p| eprintln!("{p:?}")).await?;
//! println!("{}", report.api_url.unwrap_or_default());
//! # Ok(()) }
//! ```

mod calls;
mod client;
mod deploy;
mod error;
mod execute;
mod observe;
mod ops;
mod s3;
mod state_file;
#[cfg(feature = "testing")]
pub mod testing;

pub use calls::{Call, CallLog, InjectedFault};
pub use client::{Aws, ConnectOptions};
pub use deploy::DeployReport;
pub use error::AwsError;
pub use execute::{Progress, execute};
pub use ops::{Invocation, LogLine, api_url, resolve_function};
pub use state_file::{load_state, save_state, state_path};
