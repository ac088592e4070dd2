//! `cargo flagon local`: build, serve, fire schedules, and rebuild on change.
//!
//! A source change (polled every [`POLL`]) rebuilds the app; a good build swaps the
//! instances through [`Emulator::update`] without dropping requests in flight, a failed
//! one keeps the old build serving and prints the compiler's error.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::{self, AppSource, Settings};
use crate::emulator::Emulator;
use crate::error::LocalError;
use crate::schedule::{self, ScheduleOptions};
use crate::{gateway, invoke_api};

/// How often the sources are checked for changes.
pub const POLL: Duration = Duration::from_millis(500);

/// What `cargo flagon local` runs.
#[derive(Debug, Clone)]
pub struct LocalOptions {
    /// The app's sources.
    pub source: AppSource,
    /// Region, API type, function settings.
    pub settings: Settings,
    /// The HTTP gateway's address (`127.0.0.1:8000`).
    pub api_addr: String,
    /// The Invoke API's address (`127.0.0.1:3001`); `None` serves none.
    pub lambda_addr: Option<String>,
    /// `None` keeps schedules from firing.
    pub schedules: Option<ScheduleOptions>,
    /// Rebuild on source change.
    pub reload: bool,
    /// Completes `settings` from the app's configuration after each build.
    pub configure: Option<app::Configure>,
}

/// A started emulator: its addresses, and the emulator itself.
pub struct Running {
    /// The gateway's bound address.
    pub api_addr: SocketAddr,
    /// The Invoke API's bound address.
    pub lambda_addr: Option<SocketAddr>,
    /// The emulator.
    pub emulator: Arc<Emulator>,
    /// Each rebuild's outcome: its number (1, 2, ...) and the build error, if any.
    pub reloads: watch::Receiver<Reload>,
    tasks: tokio::task::JoinSet<()>,
}

/// The outcome of the latest rebuild.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reload {
    /// How many rebuilds have finished; 0 before the first.
    pub count: u64,
    /// The error of a failed rebuild (the previous build keeps serving).
    pub error: Option<String>,
}

impl Running {
    /// Runs until a server fails (they do not stop on their own).
    pub async fn wait(mut self) {
        let _ = self.tasks.join_next().await;
    }
}

async fn bind(addr: &str) -> Result<TcpListener, LocalError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| LocalError::Bind {
            addr: addr.to_owned(),
            source,
        })
}

/// Builds the app and starts serving; the servers run in the returned [`Running`].
pub async fn start(options: LocalOptions) -> Result<Running, LocalError> {
    let built = app::build(&options.source).await?;
    let spec = app::configured_spec(&built, &options.settings, options.configure.as_ref())?;
    let emulator = Emulator::new(spec);
    let mut tasks = tokio::task::JoinSet::new();

    let api = bind(&options.api_addr).await?;
    let api_addr = api.local_addr().map_err(|source| LocalError::Bind {
        addr: options.api_addr.clone(),
        source,
    })?;
    let e = emulator.clone();
    tasks.spawn(async move {
        if let Err(err) = gateway::serve(api, e).await {
            tracing::error!("failed to serve the API: {err}");
        }
    });
    let mut lambda_addr = None;
    if let Some(addr) = &options.lambda_addr {
        let listener = bind(addr).await?;
        lambda_addr = listener.local_addr().ok();
        let e = emulator.clone();
        tasks.spawn(async move {
            if let Err(err) = invoke_api::serve(listener, e).await {
                tracing::error!("failed to serve the Invoke API: {err}");
            }
        });
    }
    let schedules = match options.schedules {
        Some(s) => Some(schedule::start(&emulator, s, None)?),
        None => None,
    };
    let (reloaded, reloads) = watch::channel(Reload::default());
    if options.reload {
        let e = emulator.clone();
        tasks.spawn(watch_sources(options, e, schedules, reloaded));
    } else if let Some(schedules) = schedules {
        // Keep the schedule tasks alive as long as the servers.
        tasks.spawn(async move {
            let mut schedules = schedules;
            while schedules.join_next().await.is_some() {}
            std::future::pending::<()>().await;
        });
    }
    Ok(Running {
        api_addr,
        lambda_addr,
        emulator,
        reloads,
        tasks,
    })
}

/// Polls the sources; rebuilds and swaps on change.
async fn watch_sources(
    options: LocalOptions,
    emulator: Arc<Emulator>,
    mut schedules: Option<tokio::task::JoinSet<()>>,
    reloaded: watch::Sender<Reload>,
) {
    let mut count = 0;
    let mut seen = app::fingerprint(&options.source.dir);
    loop {
        tokio::time::sleep(POLL).await;
        let now = app::fingerprint(&options.source.dir);
        if now == seen {
            continue;
        }
        seen = now;
        tracing::info!(target: "flagon_local::reload", "source changed: rebuilding");
        count += 1;
        let built = app::build(&options.source).await.and_then(|built| {
            app::configured_spec(&built, &options.settings, options.configure.as_ref())
        });
        let error = match built {
            Ok(spec) => {
                emulator.update(spec);
                if let Some(s) = options.schedules {
                    // Restart the schedules: the new build may have changed them.
                    let restarted = match schedule::start(&emulator, s, None) {
                        Ok(set) => Some(set),
                        Err(err) => {
                            tracing::error!("failed to {err}");
                            None
                        }
                    };
                    // Dropping the old set stops its tasks.
                    drop(std::mem::replace(&mut schedules, restarted));
                }
                tracing::info!(target: "flagon_local::reload", "reloaded");
                None
            }
            Err(err) => {
                tracing::error!(
                    target: "flagon_local::reload",
                    "failed to {err}\nthe previous build keeps serving"
                );
                Some(err.to_string())
            }
        };
        let _ = reloaded.send(Reload { count, error });
        // A change made during the build differs from `seen`: the next poll rebuilds.
    }
}
