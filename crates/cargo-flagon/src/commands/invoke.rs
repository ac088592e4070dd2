//! `cargo flagon invoke NAME`: one event through one function, locally (the work is
//! `flagon_local`: build, emulate, generate the event).

use std::io::Write;
use std::path::PathBuf;

use flagon_local::app::{self, AppSource, Settings};
use flagon_local::event_source::{self, EventSource};
use flagon_local::{Emulator, LocalError, Outcome};

use super::ProjectArgs;
use super::local::{cli_error, configure, init_logging, region, runtime};
use crate::error::CliError;

/// Invoke one function locally with an event from a file, stdin or a generator.
///
/// Builds the app for the host and runs the function's real binary under the Lambda
/// Runtime API emulator, with its memory, timeout and environment from Flagon.toml. Prints
/// the function's answer on stdout; a function error is printed on stderr and exits 1.
///
/// Without an event option the event is generated from the function's trigger: an S3
/// event for its bucket, prefix and suffix, an SNS message for its topic, a scheduled
/// event for a schedule, and so on.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("event_source").multiple(false)))]
pub struct InvokeArgs {
    /// The function's name, as the app declares it (`on_upload`).
    pub name: String,

    #[command(flatten)]
    pub project: ProjectArgs,

    /// A JSON event file; `-` reads stdin.
    #[arg(long, value_name = "FILE", group = "event_source")]
    pub event: Option<PathBuf>,

    /// An S3 notification for BUCKET/KEY.
    #[arg(long, value_name = "BUCKET/KEY", group = "event_source")]
    pub s3: Option<String>,

    /// An SNS notification of MESSAGE.
    #[arg(long, value_name = "MESSAGE", group = "event_source")]
    pub sns: Option<String>,

    /// An SQS batch, one record per BODY.
    #[arg(long, value_name = "BODY", num_args = 1.., group = "event_source")]
    pub sqs: Option<Vec<String>>,

    /// An EventBridge event matching the function's pattern, with DETAIL (a JSON object).
    #[arg(long, value_name = "DETAIL", num_args = 0..=1, default_missing_value = "{}", group = "event_source")]
    pub event_pattern: Option<String>,

    /// A scheduled event.
    #[arg(long, group = "event_source")]
    pub schedule: bool,

    /// A Kinesis batch, one record per DATA string.
    #[arg(long, value_name = "DATA", num_args = 1.., group = "event_source")]
    pub kinesis: Option<Vec<String>>,

    /// A DynamoDB stream batch, one INSERT per ITEM (a JSON object).
    #[arg(long, value_name = "ITEM", num_args = 1.., group = "event_source")]
    pub dynamodb: Option<Vec<String>>,

    /// Build with the release profile.
    #[arg(long)]
    pub release: bool,

    /// Invoke the stage's deployed function on AWS instead of a local build (the event
    /// options work the same; the answer and the log tail are printed).
    #[arg(long)]
    pub remote: bool,

    /// The named profile of `~/.aws/config` to use with --remote.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The AWS region: with --remote, the deployed function's [default: as the AWS SDK
    /// resolves it]; locally, the one reported to the function [default: $AWS_REGION, or
    /// us-east-1].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

fn json_arg(text: &str, what: &str) -> Result<serde_json::Value, CliError> {
    serde_json::from_str(text).map_err(|e| CliError::User {
        message: format!("read {what} `{text}` as JSON: {e}"),
        help: Some("quote the JSON for your shell: --dynamodb '{\"id\": \"1\"}'".to_owned()),
    })
}

impl InvokeArgs {
    /// The event source these flags choose.
    pub fn source(&self) -> Result<EventSource, CliError> {
        Ok(if let Some(path) = &self.event {
            if path.as_os_str() == "-" {
                EventSource::Stdin
            } else {
                EventSource::File(path.clone())
            }
        } else if let Some(object) = &self.s3 {
            EventSource::S3 {
                object: object.clone(),
            }
        } else if let Some(message) = &self.sns {
            EventSource::Sns {
                message: message.clone(),
            }
        } else if let Some(bodies) = &self.sqs {
            EventSource::Sqs {
                bodies: bodies.clone(),
            }
        } else if let Some(detail) = &self.event_pattern {
            EventSource::EventPattern {
                detail: json_arg(detail, "the event detail")?,
            }
        } else if self.schedule {
            EventSource::Schedule
        } else if let Some(data) = &self.kinesis {
            EventSource::Kinesis { data: data.clone() }
        } else if let Some(items) = &self.dynamodb {
            let items = items
                .iter()
                .map(|i| json_arg(i, "the DynamoDB item"))
                .collect::<Result<_, _>>()?;
            EventSource::Dynamodb { items }
        } else {
            EventSource::FromTrigger
        })
    }
}

/// Runs `cargo flagon invoke`.
pub fn run(args: &InvokeArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    let source = args.source()?;
    init_logging();
    if args.remote {
        return invoke_remote(args, project, source);
    }
    let app = local_app(args, project)?;
    let invocation = runtime()?.block_on(async move {
        let function = app
            .function(&args.name)
            .ok_or_else(|| unknown(&app, &args.name))?;
        let event = event_source::event(&app, function, source)?;
        Emulator::new(app)
            .invoke(&args.name, event.to_string().into())
            .await
    });
    let invocation = invocation.map_err(cli_error)?;
    print_outcome(&args.name, &invocation.outcome)
}

/// The event for `--remote`: a file, stdin or JSON as given; a generated one needs the
/// app's triggers, so the app is built (debug) and asked for its manifest first.
fn invoke_remote(
    args: &InvokeArgs,
    project: flagon_build::Project,
    source: EventSource,
) -> Result<(), CliError> {
    let event = match source {
        EventSource::File(_) | EventSource::Stdin | EventSource::Json(_) => {
            let placeholder = flagon_local::FunctionSpec::new(args.name.clone(), Vec::new());
            let app = flagon_local::AppSpec {
                app: String::new(),
                region: region(args.region.as_deref()),
                api: None,
                api_type: flagon_local::ApiType::Rest,
                api_stage: String::new(),
                functions: Vec::new(),
            };
            event_source::event(&app, &placeholder, source).map_err(cli_error)?
        }
        generated => {
            let app = local_app(args, project)?;
            let function = app
                .function(&args.name)
                .ok_or_else(|| unknown(&app, &args.name))
                .map_err(cli_error)?;
            event_source::event(&app, function, generated).map_err(cli_error)?
        }
    };
    let answer = super::remote::invoke_remote(
        &args.project,
        args.profile.as_deref(),
        args.region.as_deref(),
        &args.name,
        event.to_string().into_bytes(),
    )?;
    print_outcome(&args.name, &Outcome::Response(answer.into()))
}

fn unknown(app: &flagon_local::AppSpec, name: &str) -> LocalError {
    let known: Vec<&str> = app.functions.iter().map(|f| f.name.as_str()).collect();
    LocalError::UnknownFunction {
        name: name.to_owned(),
        known: known.join(", "),
    }
}

/// Builds the app and reads its configuration, as `local` does.
fn local_app(
    args: &InvokeArgs,
    project: flagon_build::Project,
) -> Result<flagon_local::AppSpec, CliError> {
    let configure = configure(
        project.config_path.clone(),
        args.project.stage.clone(),
        None,
    );
    let settings = Settings {
        stage: args.project.stage.clone(),
        region: region(args.region.as_deref()),
        max_instances: 1,
        ..Settings::default()
    };
    let app_source = AppSource {
        dir: project.root.clone(),
        bin: Some(project.bin),
        release: args.release,
    };
    runtime()?
        .block_on(async {
            let built = app::build(&app_source).await?;
            app::configured_spec(&built, &settings, Some(&configure))
        })
        .map_err(cli_error)
}

fn print_outcome(name: &str, outcome: &Outcome) -> Result<(), CliError> {
    match outcome {
        Outcome::Response(body) => {
            let mut stdout = std::io::stdout();
            let _ = stdout.write_all(body);
            let _ = writeln!(stdout);
            Ok(())
        }
        Outcome::Error { error_type, body } => {
            eprintln!("{}", String::from_utf8_lossy(body));
            Err(CliError::User {
                message: format!("invoke `{name}`: the function returned an error ({error_type})"),
                help: None,
            })
        }
    }
}
