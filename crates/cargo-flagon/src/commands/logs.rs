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

/// `2026-11-24T13:01:02.345Z` from milliseconds since the epoch.
fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
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
        assert_eq!(format_time(1_795_957_262_345), "2026-11-29T09:01:02.345Z");
    }
}
