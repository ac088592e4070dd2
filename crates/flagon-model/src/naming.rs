//! Deterministic AWS names, checked against AWS's limits.

use sha2::{Digest, Sha256};

use crate::error::ModelError;

/// Longest Lambda function name.
pub const MAX_FUNCTION_NAME: usize = 64;
/// Longest IAM role name.
pub const MAX_ROLE_NAME: usize = 64;
/// Longest EventBridge rule name.
pub const MAX_RULE_NAME: usize = 64;
/// Longest EventBridge target id.
const MAX_TARGET_ID: usize = 64;

/// `<app>-<stage>`: the stage-wide role and the API.
pub(crate) fn stage_prefix(app: &str, stage: &str) -> String {
    format!("{app}-{stage}")
}

/// `<app>-<stage>-<function>`.
pub(crate) fn function_name(app: &str, stage: &str, function: &str) -> Result<String, ModelError> {
    checked(
        "Lambda function",
        format!("{app}-{stage}-{function}"),
        MAX_FUNCTION_NAME,
    )
}

pub(crate) fn role_name(name: String) -> Result<String, ModelError> {
    checked("IAM role", name, MAX_ROLE_NAME)
}

pub(crate) fn rule_name(app: &str, stage: &str, function: &str) -> Result<String, ModelError> {
    checked(
        "EventBridge rule",
        format!("{app}-{stage}-{function}"),
        MAX_RULE_NAME,
    )
}

/// `/aws/lambda/<function name>`: where Lambda writes the function's logs.
pub(crate) fn log_group_name(function_name: &str) -> String {
    format!("/aws/lambda/{function_name}")
}

/// `flagon-<function>`, cut to EventBridge's limit.
pub(crate) fn target_id(function: &str) -> String {
    let id = format!("flagon-{function}");
    id.chars().take(MAX_TARGET_ID).collect()
}

/// `flagon-<principal>-<8 hex digits of the SHA-256 of the source>`: stable for the same
/// source, different for different ones, and always within Lambda's 100 characters.
pub(crate) fn statement_id(principal: &str, source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("flagon-{principal}-{hex}")
}

/// App, stage and function names become parts of AWS names.
pub(crate) fn check_part(what: &'static str, name: &str) -> Result<(), ModelError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ModelError::InvalidName {
            what,
            name: name.to_owned(),
        })
    }
}

fn checked(what: &'static str, name: String, max: usize) -> Result<String, ModelError> {
    let len = name.chars().count();
    if len > max {
        Err(ModelError::NameTooLong {
            what,
            name,
            len,
            max,
        })
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_name_is_app_stage_handler() {
        assert_eq!(
            function_name("helloworld", "dev", "on_upload").unwrap(),
            "helloworld-dev-on_upload"
        );
    }

    #[test]
    fn function_name_over_64_characters_is_refused_with_its_length() {
        let long = "f".repeat(60);
        let err = function_name("app", "dev", &long).unwrap_err();
        assert!(
            matches!(
                err,
                ModelError::NameTooLong {
                    len: 68,
                    max: 64,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn statement_ids_are_stable_distinct_and_short() {
        let a = statement_id("s3", "mybucket");
        assert_eq!(a, statement_id("s3", "mybucket"));
        assert_ne!(a, statement_id("s3", "otherbucket"));
        assert!(
            a.starts_with("flagon-s3-") && a.len() == "flagon-s3-".len() + 8,
            "{a}"
        );
    }

    #[test]
    fn log_group_is_under_aws_lambda() {
        assert_eq!(log_group_name("app-dev-f"), "/aws/lambda/app-dev-f");
    }

    #[test]
    fn target_id_is_cut_to_64_characters() {
        assert_eq!(target_id(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn names_with_dots_or_spaces_are_refused() {
        assert!(check_part("stage name", "prod.eu").is_err());
        assert!(check_part("stage name", "prod-eu_1").is_ok());
    }
}
