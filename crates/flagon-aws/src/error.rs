//! The errors of talking to AWS.

use std::path::PathBuf;

use aws_sdk_lambda::error::{DisplayErrorContext, ProvideErrorMetadata};

/// A failed AWS call, state file access, or plan.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// An AWS call failed.
    #[error("{action}: {message}{}", request_id.as_ref().map(|r| format!(" (request id {r})")).unwrap_or_default())]
    Call {
        /// What was being done, e.g. `create function app-dev-f`.
        action: String,
        /// AWS's code, when it gave one.
        code: Option<String>,
        /// The error with its sources.
        message: String,
        /// AWS's request id, when it gave one.
        request_id: Option<String>,
    },
    /// AWS answered without something it always sends.
    #[error("{action}: AWS's answer lacks {what}")]
    Incomplete {
        /// What was being done.
        action: String,
        /// What was missing.
        what: &'static str,
    },
    /// The state file could not be read or written.
    #[error("{action} {}: {source}", path.display())]
    StateFile {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The state file is not a state this flagon reads.
    #[error("read {}: {source}", path.display())]
    StateParse {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: flagon_plan::StateError,
    },
    /// The model could not be planned.
    #[error(transparent)]
    Plan(#[from] flagon_plan::PlanError),
    /// A function's package could not be read.
    #[error("read package {}: {source}", path.display())]
    Package {
        /// The zip.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A user's request that cannot be honoured (unknown function, nothing deployed).
    #[error("{0}")]
    Usage(String),
}

impl AwsError {
    /// AWS's error code, for a failed call.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Call { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// Turns an SDK error into [`AwsError::Call`] with its code, request id and sources.
pub(crate) fn call_error<E>(action: impl Into<String>, err: E) -> AwsError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let code = err.code().map(str::to_owned);
    let meta = err.meta();
    let request_id = meta
        .extra("aws_request_id")
        .or_else(|| meta.extra("s3_extended_request_id"))
        .map(str::to_owned);
    AwsError::Call {
        action: action.into(),
        code,
        request_id,
        message: DisplayErrorContext(err).to_string(),
    }
}

/// The error code of an SDK error.
pub(crate) fn code_of<E: ProvideErrorMetadata>(err: &E) -> Option<&str> {
    err.code()
}

/// Whether the SDK error says the resource does not exist.
pub(crate) fn is_not_found<E: ProvideErrorMetadata>(err: &E) -> bool {
    matches!(
        code_of(err),
        Some(
            "ResourceNotFoundException"
                | "NoSuchEntity"
                | "NotFoundException"
                | "NotFound"
                | "NoSuchBucket"
                | "ResourceNotFound"
        )
    )
}
