//! `cargo flagon logs NAME`: a deployed function's CloudWatch logs.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::ProjectArgs;
use super::aws::{AwsArgs, deployed_state, runtime};
use crate::error::CliError;

/// Print a deployed function's logs.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// The function's name, as the app declares it (`on_upload`).
    pub name: String,

    #[command(flatten)]
    pub project: ProjectArgs,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// How far back to start: `30s`, `10m`, `2h`, `1d`.
    #[arg(long, value_name = "AGE", default_value = "10m", value_parser = parse_age)]
    pub since: Duration,

    /// Keep printing new lines as they arrive (Ctrl-C stops).
    #[arg(long, short)]
    pub follow: bool,
}

/// `30s`, `10m`, `2h`, `1d` (a bare number is seconds).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an age like 10m"))?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}`: the unit must be s, m, h or d")),
    };
    Ok(Duration::from_secs(n * seconds))
}

/// Runs `cargo flagon logs`.
pub fn run(args: &LogsArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    let state = deployed_state(&project, &args.project.stage)?;
    let function = flagon_aws::resolve_function(&state, &args.name)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let start = now.saturating_sub(args.since).as_millis();
    let start = i64::try_from(start).unwrap_or(i64::MAX);
    runtime()?.block_on(async {
        let aws = args.aws.connect().await;
        aws.logs(&function, start, args.follow, &mut |line| {
            println!(
                "{} {} {}",
                format_time(line.timestamp),
                line.stream,
                line.message
            );
        })
        .await
    })?;
    Ok(())
}

/// `2026-11-24T13:01:02.345Z` from milliseconds since the epoch (CloudWatch's timestamps).
fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || format!("{ms} ms after the epoch"),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_parse_with_their_unit() {
        assert_eq!(parse_age("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_age("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_age("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_age("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_age("45"), Ok(Duration::from_secs(45)));
        assert!(parse_age("10w").is_err());
        assert!(parse_age("m").is_err());
    }

    #[test]
    fn log_times_are_utc_iso_8601() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00.000Z");
        // A wrong expectation here (09:01 for 13:01) once hid behind a hand-written calendar.
        assert_eq!(format_time(1_795_957_262_345), "2026-11-29T13:01:02.345Z");
    }
}
