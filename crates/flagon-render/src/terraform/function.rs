//! [`Function`] -> `aws_lambda_function`, after its role's policy and its log group.

use flagon_model::{Function, RoleBinding};
use serde_json::json;

use super::{Tf, escape, escape_str, name};

/// `zip` is taken verbatim (it may be an expression such as `${path.module}/app.zip`).
pub(super) fn render(tf: &mut Tf, f: &Function, zip: &str) {
    let n = name(&f.id.0);
    let mut depends_on = Vec::new();
    let role = match &f.role {
        RoleBinding::Managed(role) => {
            let r = name(&role.0);
            // The policy is a separate resource: without this, the function could be created
            // (and invoked) before it may write its logs or read its queue.
            depends_on.push(format!("aws_iam_role_policy.{r}"));
            format!("${{aws_iam_role.{r}.arn}}")
        }
        RoleBinding::Existing(arn) => escape_str(arn),
    };
    if let Some(group) = &f.log_group {
        depends_on.push(format!("aws_cloudwatch_log_group.{}", name(&group.0)));
    }
    let mut body = json!({
        "function_name": escape_str(&f.function_name),
        "role": role,
        "handler": escape_str(&f.handler),
        "runtime": f.runtime,
        "architectures": [f.architecture.as_str()],
        "filename": zip,
        "source_code_hash": format!("${{filebase64sha256(\"{zip}\")}}"),
        "memory_size": f.memory,
        "timeout": f.timeout,
        "tracing_config": {"mode": if f.xray { "Active" } else { "PassThrough" }},
    });
    if !f.environment.is_empty() {
        body["environment"] = json!({"variables": escape(&json!(f.environment))});
    }
    if !f.tags.is_empty() {
        body["tags"] = escape(&json!(f.tags));
    }
    if !f.layers.is_empty() {
        body["layers"] = escape(&json!(f.layers));
    }
    if let Some(n) = f.reserved_concurrency {
        body["reserved_concurrent_executions"] = json!(n);
    }
    if let Some(vpc) = &f.vpc {
        body["vpc_config"] = escape(&json!({
            "subnet_ids": vpc.subnet_ids,
            "security_group_ids": vpc.security_group_ids,
        }));
    }
    if !depends_on.is_empty() {
        body["depends_on"] = json!(depends_on);
    }
    tf.output(
        &format!("{n}_arn"),
        &format!(
            "The ARN of Lambda function {}.",
            escape_str(&f.function_name)
        ),
        &format!("${{aws_lambda_function.{n}.arn}}"),
    );
    tf.resource("aws_lambda_function", &n, body);
}
