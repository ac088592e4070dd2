//! The errors of the local emulator. Messages read after "failed to".

use std::path::PathBuf;

/// Something the emulator could not do.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// A listening socket could not be opened.
    #[error("listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A function's command could not be started.
    #[error("start `{command}` for function `{function}`: {source}")]
    Spawn {
        /// The function.
        function: String,
        /// The program that did not start.
        command: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A function has an empty command.
    #[error("start function `{0}`: its command is empty")]
    EmptyCommand(String),
    /// No function has this name.
    #[error("find function `{name}`: the app has {known}")]
    UnknownFunction {
        /// The name asked for.
        name: String,
        /// The names the app has, for the message.
        known: String,
    },
    /// `cargo build` failed; `output` holds the compiler's messages.
    #[error("build the app:\n{output}")]
    Build {
        /// What cargo printed.
        output: String,
    },
    /// cargo could not be run, or its output was not understood.
    #[error("run cargo in {dir}: {message}")]
    Cargo {
        /// The app's directory.
        dir: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The app binary did not print a manifest.
    #[error("read the manifest of {binary}: {message}")]
    Manifest {
        /// The app binary.
        binary: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The task running an invocation panicked or was cancelled (the runtime is shutting
    /// down).
    #[error("finish the invocation of function `{function}`: {reason}")]
    InvocationAborted {
        /// The function.
        function: String,
        /// The task's end, as tokio reports it.
        reason: String,
    },
    /// The app's configuration (Flagon.toml) could not be applied.
    #[error("{0}")]
    Config(String),
    /// An event file could not be read, or a generator was given bad input.
    #[error("make the event: {0}")]
    Event(String),
    /// A schedule expression the emulator cannot evaluate.
    #[error("read schedule `{expression}`: {message}")]
    Schedule {
        /// The expression.
        expression: String,
        /// Why.
        message: String,
    },
}
