//! The two error types of the runtime: [`Error`] for declarations and start-up, and
//! [`DispatchError`] for one invocation.
//!
//! Declaration errors are collected while the app is built (builder methods never panic) and
//! returned by whatever finalises the app: [`App::run`](crate::App::run),
//! [`App::manifest`](crate::App::manifest), [`Client::new`](crate::test::Client::new). Each
//! names the declaration and says how to fix it.

/// A boxed error, what event handlers may return (`anyhow::Error` converts into it too).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// An app that cannot be declared or cannot start.
///
/// Its `Debug` is the readable message, so that `fn main() -> Result<(), flagon::Error>`
/// prints `Error: failed to run the app: ...` rather than a variant name.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A declaration is invalid (bad path template, duplicate name, invalid schedule, ...).
    #[error("declare {declaration}: {problem}")]
    Declaration {
        /// What was being declared, e.g. ``route `/users/{id}` ``.
        declaration: String,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// A Lambda environment variable is missing or malformed.
    #[error("start on lambda: environment variable {name} {problem}")]
    Environment {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// `_HANDLER` names no handler of this app.
    #[error("start on lambda: _HANDLER is `{handler}`, but this app's handlers are {known}")]
    UnknownHandler {
        /// The value of `_HANDLER`.
        handler: String,
        /// The app's handler names, comma-separated.
        known: String,
    },
    /// Neither on Lambda nor asked for the manifest.
    #[error(
        "run the app: this binary runs on AWS Lambda (AWS_LAMBDA_RUNTIME_API is not set); \
         to run it locally use `cargo flagon local`, to test it use `flagon::test::Client`, \
         and to print its manifest set {}=1 or pass {}",
        flagon_manifest::MANIFEST_ENV,
        flagon_manifest::MANIFEST_FLAG
    )]
    NotOnLambda,
    /// The Lambda runtime stopped with an error.
    #[error("serve the lambda runtime api: {0}")]
    Runtime(#[source] BoxError),
    /// The manifest could not be written to stdout.
    #[error("print the manifest: {0}")]
    Print(#[from] std::io::Error),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Every message already ends with its cause.
        write!(f, "failed to {self}")
    }
}

impl Error {
    pub(crate) fn declaration(declaration: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Declaration {
            declaration: declaration.into(),
            problem: problem.into(),
        }
    }
}

/// One invocation that did not produce a result.
///
/// On Lambda it becomes the invocation's error result (`errorType` is
/// [`DispatchError::error_type`]); HTTP routes never return it for handler failures, those
/// are responses (500 and friends).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DispatchError {
    /// No handler has this name.
    #[error("dispatch to handler `{handler}`: this app's handlers are {known}")]
    UnknownHandler {
        /// The name asked for.
        handler: String,
        /// The app's handler names, comma-separated.
        known: String,
    },
    /// The event is not of the shape the handler takes.
    #[error("decode the event for handler `{handler}`: expected {expected}: {message}")]
    EventShape {
        /// The handler's name.
        handler: String,
        /// The event type the handler takes, e.g. `S3Event`.
        expected: &'static str,
        /// What serde said.
        message: String,
    },
    /// The handler returned an error.
    #[error("run handler `{handler}`: {message}")]
    Handler {
        /// The handler's name.
        handler: String,
        /// The handler's error, displayed.
        message: String,
    },
    /// The handler panicked; the process lives on.
    #[error("run handler `{handler}`: the handler panicked")]
    Panic {
        /// The handler's name.
        handler: String,
    },
}

impl DispatchError {
    /// The `errorType` Lambda reports for this error.
    pub fn error_type(&self) -> &'static str {
        match self {
            DispatchError::UnknownHandler { .. } => "Flagon.UnknownHandler",
            DispatchError::EventShape { .. } => "Flagon.EventShape",
            DispatchError::Handler { .. } => "Flagon.HandlerError",
            DispatchError::Panic { .. } => "Flagon.Panic",
        }
    }
}

impl From<DispatchError> for lambda_runtime::Diagnostic {
    fn from(error: DispatchError) -> Self {
        lambda_runtime::Diagnostic {
            error_type: error.error_type().to_owned(),
            error_message: error.to_string(),
        }
    }
}
