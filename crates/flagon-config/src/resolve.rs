//! The one precedence: command line > stage.function > stage > function > top level >
//! defaults. Scalars and lists: the highest level that sets the key wins. Environment
//! variables and tags: merged key by key, the higher level winning each key.

use crate::error::ConfigError;
use crate::settings::{
    DEFAULT_API_STAGE, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, FunctionSettings, Overrides, Settings,
    StageSettings, Vpc,
};
use crate::validate;

/// Merges layers given from the lowest to the highest precedence into one.
pub(crate) fn merge(layers: &[&Settings]) -> Settings {
    let mut out = Settings::default();
    for layer in layers {
        // Destructured so that a new setting does not compile until it is merged here.
        let Settings {
            memory,
            timeout,
            environment,
            tags,
            layers,
            architecture,
            reserved_concurrency,
            subnet_ids,
            security_group_ids,
            xray,
            log_retention_days,
            api_type,
            api_stage,
            endpoint_type,
            iam,
        } = layer;
        over(&mut out.memory, memory);
        over(&mut out.timeout, timeout);
        out.environment
            .extend(environment.iter().map(|(k, v)| (k.clone(), v.clone())));
        out.tags
            .extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        over(&mut out.layers, layers);
        over(&mut out.architecture, architecture);
        over(&mut out.reserved_concurrency, reserved_concurrency);
        over(&mut out.subnet_ids, subnet_ids);
        over(&mut out.security_group_ids, security_group_ids);
        over(&mut out.xray, xray);
        over(&mut out.log_retention_days, log_retention_days);
        over(&mut out.api_type, api_type);
        over(&mut out.api_stage, api_stage);
        over(&mut out.endpoint_type, endpoint_type);
        over(&mut out.iam, iam);
    }
    out
}

fn over<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
    if let Some(v) = value {
        *slot = Some(v.clone());
    }
}

/// Checks the values the CLI passed, as the file's values are checked when read.
pub(crate) fn check_overrides(o: &Overrides) -> Result<(), ConfigError> {
    let fail = |key: &str, message: String| ConfigError::Override {
        key: key.to_owned(),
        message,
    };
    if let Some(v) = o.memory {
        validate::memory(v).map_err(|m| fail("memory", m))?;
    }
    if let Some(v) = o.timeout {
        validate::timeout(v).map_err(|m| fail("timeout", m))?;
    }
    if let Some(v) = o.log_retention_days {
        validate::log_retention(v).map_err(|m| fail("log_retention_days", m))?;
    }
    if let Some(v) = &o.layers {
        validate::layers(v).map_err(|m| fail("layers", m))?;
    }
    if let Some(v) = &o.subnet_ids {
        validate::subnet_ids(v).map_err(|m| fail("subnet_ids", m))?;
    }
    if let Some(v) = &o.security_group_ids {
        validate::security_group_ids(v).map_err(|m| fail("security_group_ids", m))?;
    }
    if let Some(v) = &o.api_stage {
        validate::api_stage(v).map_err(|m| fail("api_stage", m))?;
    }
    if let Some(crate::Iam::RoleArn(arn)) = &o.iam {
        validate::role_arn(arn).map_err(|m| fail("iam_role_arn", m))?;
    }
    for (k, v) in &o.environment {
        validate::environment(k, v).map_err(|m| fail(&format!("environment.{k}"), m))?;
    }
    for (k, v) in &o.tags {
        validate::tag(k, v).map_err(|m| fail(&format!("tags.{k}"), m))?;
    }
    Ok(())
}

/// Applies defaults to merged function settings.
pub(crate) fn function_settings(
    merged: Settings,
    scope: impl FnOnce() -> String,
) -> Result<FunctionSettings, ConfigError> {
    let vpc = match (merged.subnet_ids, merged.security_group_ids) {
        (None, None) => None,
        (Some(s), Some(g)) if s.is_empty() && g.is_empty() => None,
        (Some(subnet_ids), Some(security_group_ids))
            if !subnet_ids.is_empty() && !security_group_ids.is_empty() =>
        {
            Some(Vpc {
                subnet_ids,
                security_group_ids,
            })
        }
        _ => {
            return Err(ConfigError::Resolve {
                scope: scope(),
                message: "a VPC needs both `subnet_ids` and `security_group_ids`, each with at least one id".to_owned(),
            });
        }
    };
    Ok(FunctionSettings {
        memory: merged.memory.unwrap_or(DEFAULT_MEMORY_MB),
        timeout: merged.timeout.unwrap_or(DEFAULT_TIMEOUT_S),
        environment: merged.environment,
        tags: merged.tags,
        layers: merged.layers.unwrap_or_default(),
        architecture: merged.architecture.unwrap_or_default(),
        reserved_concurrency: merged.reserved_concurrency,
        vpc,
        xray: merged.xray.unwrap_or(false),
        log_retention_days: merged.log_retention_days,
        iam: merged.iam.unwrap_or_default(),
    })
}

/// Applies defaults to merged stage settings.
pub(crate) fn stage_settings(merged: Settings) -> StageSettings {
    StageSettings {
        api_type: merged.api_type.unwrap_or_default(),
        api_stage: merged
            .api_stage
            .unwrap_or_else(|| DEFAULT_API_STAGE.to_owned()),
        endpoint_type: merged.endpoint_type.unwrap_or_default(),
        xray: merged.xray.unwrap_or(false),
        tags: merged.tags,
        iam: merged.iam.unwrap_or_default(),
    }
}
