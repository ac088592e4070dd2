//! [`Role`] -> `aws_iam_role` and its inline `aws_iam_role_policy`.

use flagon_model::Role;
use serde_json::json;

use super::{Tf, escape, escape_str, json_string, name};

pub(super) fn render(tf: &mut Tf, role: &Role) {
    let n = name(&role.id.0);
    let mut body = json!({
        "name": escape_str(&role.role_name),
        "assume_role_policy": json_string(&role.assume_role_policy),
    });
    if !role.tags.is_empty() {
        body["tags"] = escape(&json!(role.tags));
    }
    tf.resource("aws_iam_role", &n, body);
    tf.resource(
        "aws_iam_role_policy",
        &n,
        json!({
            "name": escape_str(&role.policy_name),
            "role": format!("${{aws_iam_role.{n}.id}}"),
            "policy": json_string(&role.policy),
        }),
    );
}
