//! Value checks shared by the file reader and the command-line overrides. Each returns the
//! problem as a fragment that follows the key's name ("must be between 128 and 10240 MB,
//! found 64").

use crate::settings::{LOG_RETENTION_DAYS, MEMORY_RANGE_MB, TIMEOUT_RANGE_S};

/// Environment variables Lambda sets itself and refuses in a function's configuration.
pub(crate) const RESERVED_ENVIRONMENT: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
];

pub(crate) fn memory(mb: u32) -> Result<(), String> {
    within(MEMORY_RANGE_MB, mb, "MB")
}

pub(crate) fn timeout(s: u32) -> Result<(), String> {
    within(TIMEOUT_RANGE_S, s, "seconds")
}

/// `value` (in `unit`) within the inclusive range `(lo, hi)`.
fn within((lo, hi): (u32, u32), value: u32, unit: &str) -> Result<(), String> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "must be between {lo} and {hi} {unit}, found {value}"
        ))
    }
}

pub(crate) fn log_retention(days: u32) -> Result<(), String> {
    if LOG_RETENTION_DAYS.contains(&days) {
        Ok(())
    } else {
        let list = LOG_RETENTION_DAYS
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Err(format!(
            "must be one of CloudWatch Logs' retention periods ({list}), found {days}"
        ))
    }
}

pub(crate) fn layers(arns: &[String]) -> Result<(), String> {
    if arns.len() > 5 {
        return Err(format!("may list at most 5 layers, found {}", arns.len()));
    }
    match arns.iter().find(|a| !is_layer_version_arn(a)) {
        Some(bad) => Err(format!(
            "must list layer version ARNs (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION), found `{bad}`"
        )),
        None => Ok(()),
    }
}

/// `arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION`, as Lambda's API pattern has it:
/// a 12-digit account, a name of letters, digits, `-` and `_`, a numeric version.
fn is_layer_version_arn(arn: &str) -> bool {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let parts: Vec<&str> = arn.split(':').collect();
    let [
        arn,
        partition,
        service,
        region,
        account,
        layer,
        name,
        version,
    ] = parts[..]
    else {
        return false;
    };
    arn == "arn"
        && word(partition)
        && service == "lambda"
        && word(region)
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && layer == "layer"
        && name.len() <= 140
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !version.is_empty()
        && version.chars().all(|c| c.is_ascii_digit())
}

/// EC2 ids: `prefix` then 8 (older resources) or 17 lowercase hex digits.
fn vpc_ids(ids: &[String], prefix: &str, what: &str) -> Result<(), String> {
    let valid = |id: &str| {
        id.strip_prefix(prefix).is_some_and(|hex| {
            matches!(hex.len(), 8 | 17)
                && hex
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        })
    };
    match ids.iter().find(|id| !valid(id)) {
        Some(bad) => Err(format!(
            "must list {what} ids (`{prefix}` and 8 or 17 hex digits), found `{bad}`"
        )),
        None => Ok(()),
    }
}

pub(crate) fn subnet_ids(ids: &[String]) -> Result<(), String> {
    vpc_ids(ids, "subnet-", "subnet")
}

pub(crate) fn security_group_ids(ids: &[String]) -> Result<(), String> {
    vpc_ids(ids, "sg-", "security group")
}

pub(crate) fn role_arn(arn: &str) -> Result<(), String> {
    if arn.starts_with("arn:") && arn.contains(":role/") {
        Ok(())
    } else {
        Err(format!(
            "must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), found `{arn}`"
        ))
    }
}

pub(crate) fn api_stage(name: &str) -> Result<(), String> {
    if is_name(name) && name.len() <= 128 {
        Ok(())
    } else {
        Err(format!(
            "must be 1 to 128 letters, digits, `-` or `_`, found `{name}`"
        ))
    }
}

/// At least one letter, digit, `-` or `_`, and nothing else.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// App and stage names go into every AWS resource name.
fn name_part(what: &str, name: &str) -> Result<(), String> {
    if is_name(name) {
        Ok(())
    } else {
        Err(format!(
            "{what} must be letters, digits, `-` or `_` (it is part of every AWS resource name), found `{name}`"
        ))
    }
}

pub(crate) fn app_name(name: &str) -> Result<(), String> {
    name_part("`app`", name)
}

pub(crate) fn stage_name(name: &str) -> Result<(), String> {
    name_part("a stage name", name)
}

pub(crate) fn environment(key: &str, _value: &str) -> Result<(), String> {
    let mut chars = key.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        Err(
            "is not a valid variable name (letters, digits and `_`, not starting with a digit)"
                .to_owned(),
        )
    } else if RESERVED_ENVIRONMENT.contains(&key) {
        Err("is reserved: Lambda sets it itself".to_owned())
    } else {
        Ok(())
    }
}

pub(crate) fn tag(key: &str, value: &str) -> Result<(), String> {
    if key.is_empty() || key.chars().count() > 128 {
        Err("must have a key of 1 to 128 characters".to_owned())
    } else if key.to_ascii_lowercase().starts_with("aws:") {
        Err("uses the reserved prefix `aws:`".to_owned())
    } else if value.chars().count() > 256 {
        Err("must have a value of at most 256 characters".to_owned())
    } else {
        Ok(())
    }
}
