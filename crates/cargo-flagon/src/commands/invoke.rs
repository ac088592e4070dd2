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

    /// The region reported to the function [default: $AWS_REGION, or us-east-1].
    #[arg(long)]
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
    let invocation = runtime()?.block_on(async move {
        let built = app::build(&app_source).await?;
        let spec = app::configured_spec(&built, &settings, Some(&configure))?;
        let emulator = Emulator::new(spec);
        let app = emulator.app();
        let function = app.function(&args.name).ok_or_else(|| {
            let known: Vec<&str> = app.functions.iter().map(|f| f.name.as_str()).collect();
            LocalError::UnknownFunction {
                name: args.name.clone(),
                known: known.join(", "),
            }
        })?;
        let event = event_source::event(&app, function, source)?;
        emulator.invoke(&args.name, event.to_string().into()).await
    });
    let invocation = invocation.map_err(cli_error)?;
    match &invocation.outcome {
        Outcome::Response(body) => {
            let mut stdout = std::io::stdout();
            let _ = stdout.write_all(body);
            let _ = writeln!(stdout);
            Ok(())
        }
        Outcome::Error { error_type, body } => {
            eprintln!("{}", String::from_utf8_lossy(body));
            Err(CliError::User {
                message: format!(
                    "invoke `{}`: the function returned an error ({error_type})",
                    args.name
                ),
                help: None,
            })
        }
    }
}
