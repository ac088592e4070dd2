//! The errors of talking to AWS.

use std::path::PathBuf;

use std::fmt::Write as _;

use aws_sdk_lambda::error::ProvideErrorMetadata;

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
///
/// The message is AWS's own `Code: message` when AWS answered, else the chain of causes
/// (a connection refused, a timeout). Never the SDK's `Debug` form: it dumps the raw HTTP
/// response, which buries the one line a user needs.
#[allow(
    clippy::needless_pass_by_value,
    reason = "taken by value so that 65 call sites read `.map_err(|e| call_error(action, e))`"
)]
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
        message: match (err.code(), err.message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_owned(),
            (None, _) => causes(&err),
        },
    }
}

/// An error and its sources, each by its `Display`, joined with `: `.
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // The SDK's layers often repeat their source's text; say it once.
        if !text.ends_with(&cause_text) {
            let _ = write!(text, ": {cause_text}");
        }
        source = cause.source();
    }
    text
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

#[cfg(test)]
mod tests {
    use aws_sdk_lambda::error::ErrorMetadata;
    use aws_sdk_lambda::operation::get_function::GetFunctionError;
    use aws_sdk_lambda::types::error::ResourceNotFoundException;

    use super::*;

    #[test]
    fn a_service_error_reads_as_aws_code_and_message_with_the_request_id() {
        let meta = ErrorMetadata::builder()
            .code("ResourceNotFoundException")
            .message("Invalid EventSourceArn")
            .custom("aws_request_id", "req-1")
            .build();
        let err = GetFunctionError::ResourceNotFoundException(
            ResourceNotFoundException::builder()
                .message("Invalid EventSourceArn")
                .meta(meta)
                .build(),
        );
        let error = call_error("map queue to f", err);
        assert_eq!(
            error.to_string(),
            "map queue to f: ResourceNotFoundException: Invalid EventSourceArn (request id req-1)"
        );
        assert_eq!(error.code(), Some("ResourceNotFoundException"));
    }

    #[test]
    fn an_error_without_aws_metadata_reads_as_its_causes_without_debug_noise() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let text = causes(&io);
        assert_eq!(text, "connection refused");
    }
}
