//! `cargo flagon invoke NAME --remote`: the deployed function, invoked through AWS. The
//! `invoke` command (its own module) calls [`invoke_remote`] when `--remote` is given,
//! passing its `--region` and a `--profile`.

use super::ProjectArgs;
use super::aws::{AwsArgs, deployed_state, runtime};
use crate::error::CliError;

/// Invokes the deployed function `name` (as the app declares it) of the stage with
/// `payload`; prints the log tail on stderr and returns the function's answer. A function
/// error is a [`CliError::User`] that carries the function's error payload.
pub fn invoke_remote(
    project: &ProjectArgs,
    profile: Option<&str>,
    region: Option<&str>,
    name: &str,
    payload: Vec<u8>,
) -> Result<Vec<u8>, CliError> {
    let aws = AwsArgs {
        profile: profile.map(str::to_owned),
        region: region.map(str::to_owned),
    };
    let found = project.project()?;
    let state = deployed_state(&found, &project.stage)?;
    let function = flagon_aws::resolve_function(&state, name)?;
    let result =
        runtime()?.block_on(async { aws.connect().await.invoke(&function, payload).await })?;
    if let Some(tail) = &result.log_tail {
        eprint!("{tail}");
    }
    match &result.function_error {
        None => Ok(result.payload),
        Some(kind) => Err(CliError::User {
            message: format!(
                "run {function} ({kind} error): {}",
                String::from_utf8_lossy(&result.payload)
            ),
            help: None,
        }),
    }
}
