//! `cargo flagon local`: the app's real binary under the Lambda Runtime API emulator,
//! behind an API Gateway emulator on 127.0.0.1 (the work is `flagon_local::run`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use flagon_build::BuildError;
use flagon_local::app::{AppSource, Configure, FunctionSettings, Settings};
use flagon_local::run::{self, LocalOptions};
use flagon_local::schedule::ScheduleOptions;
use flagon_local::{ApiType, LocalError};

use super::ProjectArgs;
use crate::error::CliError;

/// Run the app locally: an HTTP API on 127.0.0.1, every function runnable.
///
/// Builds the app for the host (debug unless --release) and runs the real binary under a
/// Lambda Runtime API emulator, as Lambda runs it: Lambda's environment, the function's
/// memory, timeout and environment variables from Flagon.toml, the timeout enforced, a
/// crashed instance replaced, several instances per function for concurrent requests.
///
/// HTTP requests to --port become API Gateway events (REST v1 or HTTP API v2 payload, as
/// Flagon.toml's `api_type` says), with API Gateway's answers for unknown routes (REST 403,
/// HTTP API 404), binary media types and the 6 MB limit. A CORS preflight reaches the
/// function, as on the deployed API.
///
/// Lambda's Invoke API is served on --lambda-port, so AWS SDKs and the AWS CLI call local
/// functions: `aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name
/// on_upload out.json`.
///
/// Schedules fire on their rate or cron while it runs. A change to src/, Cargo.toml or
/// Flagon.toml rebuilds the app and swaps the instances without dropping requests in flight;
/// a failed build keeps the previous one serving and prints the compiler's errors.
#[derive(Debug, clap::Args)]
pub struct LocalArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// The HTTP API's port on 127.0.0.1.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,

    /// The port of Lambda's Invoke API on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 3001)]
    pub lambda_port: u16,

    /// REST API (payload v1) or HTTP API (payload v2), instead of Flagon.toml's `api_type`.
    #[arg(long, value_enum)]
    pub api_type: Option<ApiTypeArg>,

    /// Build with the release profile.
    #[arg(long)]
    pub release: bool,

    /// Do not rebuild when the sources change.
    #[arg(long)]
    pub no_reload: bool,

    /// Do not fire schedules.
    #[arg(long)]
    pub no_schedules: bool,

    /// Fire every schedule once at start, then on its rate or cron.
    #[arg(long)]
    pub schedule_now: bool,

    /// Run the schedules' clock this many times faster than the wall clock (60 makes
    /// `rate(1 minute)` fire every second). The firing instants are computed as usual.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    pub schedule_speed: f64,

    /// The most instances of one function running at once; more requests wait [default:
    /// twice the CPUs, from 2 to 16].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_instances: Option<u16>,

    /// The region reported to functions and in ARNs [default: $AWS_REGION, or us-east-1].
    #[arg(long)]
    pub region: Option<String>,
}

/// `--api-type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiTypeArg {
    /// REST API, payload format 1.0.
    Rest,
    /// HTTP API, payload format 2.0.
    Http,
}

impl From<ApiTypeArg> for ApiType {
    fn from(arg: ApiTypeArg) -> Self {
        match arg {
            ApiTypeArg::Rest => ApiType::Rest,
            ApiTypeArg::Http => ApiType::Http,
        }
    }
}

/// The emulator's settings for `stage`, read from Flagon.toml at every (re)build.
pub(crate) fn configure(
    config_path: Option<std::path::PathBuf>,
    stage: String,
    api_type: Option<ApiType>,
) -> Configure {
    Configure(Arc::new(move |manifest, settings: &mut Settings| {
        // A project without Flagon.toml runs with every setting's default.
        let config = match &config_path {
            Some(path) => flagon_config::Config::load(path).map_err(|e| e.to_string())?,
            None => flagon_config::Config::empty(),
        };
        config
            .validate_functions(manifest)
            .map_err(|e| e.to_string())?;
        let overrides = flagon_config::Overrides::default();
        let stage_settings = config
            .stage_settings(&stage, &overrides)
            .map_err(|e| e.to_string())?;
        settings.api_type = api_type.unwrap_or(match stage_settings.api_type {
            flagon_config::ApiType::Rest => ApiType::Rest,
            flagon_config::ApiType::Http => ApiType::Http,
        });
        settings.api_stage = match settings.api_type {
            ApiType::Rest => stage_settings.api_stage,
            ApiType::Http => "$default".to_owned(),
        };
        settings.stage.clone_from(&stage);
        let mut per_function = BTreeMap::new();
        for function in &manifest.functions {
            let resolved = config
                .resolve(&stage, &function.name, &overrides)
                .map_err(|e| e.to_string())?;
            per_function.insert(
                function.name.clone(),
                FunctionSettings {
                    memory_mb: resolved.memory,
                    timeout: Duration::from_secs(u64::from(resolved.timeout)),
                    environment: resolved.environment,
                },
            );
        }
        settings.per_function = per_function;
        Ok(())
    }))
}

/// The region: the flag, else `AWS_REGION`, else us-east-1.
pub(crate) fn region(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()))
        .unwrap_or_else(|| "us-east-1".to_owned())
}

/// A library error as the CLI reports it: build failures exit 3, an app that cannot
/// describe itself 5, everything else is the user's to fix (1).
pub(crate) fn cli_error(err: LocalError) -> CliError {
    match err {
        LocalError::Build { output } => {
            eprint!("{output}");
            CliError::Build(BuildError::Compile {
                command: "cargo build".to_owned(),
                status: "failure".to_owned(),
            })
        }
        LocalError::Manifest { binary, message } => CliError::Build(BuildError::AppFailed {
            program: binary,
            status: "failure".to_owned(),
            stderr: message,
        }),
        other => CliError::User {
            message: other.to_string(),
            help: None,
        },
    }
}

/// Logs to stderr, `RUST_LOG` or info by default.
pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Runtime::new().map_err(CliError::io(
        "start the async runtime",
        std::path::PathBuf::new(),
    ))
}

/// Ctrl-C or SIGTERM: either way the instances are stopped before we exit.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs `cargo flagon local`.
pub fn run(args: &LocalArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    init_logging();
    let api_type = args.api_type.map(ApiType::from);
    let options = LocalOptions {
        source: AppSource {
            dir: project.root.clone(),
            bin: Some(project.bin.clone()),
            release: args.release,
        },
        settings: Settings {
            stage: args.project.stage.clone(),
            region: region(args.region.as_deref()),
            max_instances: args
                .max_instances
                .map_or_else(flagon_local::default_max_instances, usize::from),
            ..Settings::default()
        },
        api_addr: format!("127.0.0.1:{}", args.port),
        lambda_addr: Some(format!("127.0.0.1:{}", args.lambda_port)),
        schedules: (!args.no_schedules).then_some(ScheduleOptions {
            fire_now: args.schedule_now,
            speed: args.schedule_speed,
        }),
        reload: !args.no_reload,
        configure: Some(configure(
            project.config_path,
            args.project.stage.clone(),
            api_type,
        )),
    };
    runtime()?.block_on(async move {
        let running = run::start(options).await.map_err(cli_error)?;
        let app = running.emulator.app();
        eprintln!(
            "Serving {} ({:?} API) on http://{}",
            app.app, app.api_type, running.api_addr
        );
        for route in app.api.iter().flat_map(|api| &api.routes) {
            eprintln!("  {:<12} {}", route.methods.join(","), route.path);
        }
        if let Some(addr) = running.lambda_addr {
            eprintln!("Lambda Invoke API on http://{addr}");
        }
        let mut names: Vec<&str> = app.functions.iter().map(|f| f.name.as_str()).collect();
        names.sort_unstable();
        eprintln!("Functions: {}", names.join(", "));
        tokio::select! {
            () = running.wait() => {}
            () = stop_signal() => eprintln!("Stopping"),
        }
        // Returning drops the emulator, which kills every instance.
        Ok(())
    })
}
