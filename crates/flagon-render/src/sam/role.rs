//! [`Role`] -> `AWS::IAM::Role` with its one inline policy.

use flagon_model::{ResourceId, Role};
use serde_json::json;

use super::{Template, tag_list};

pub(super) fn render(t: &mut Template, role: &Role) {
    let mut properties = json!({
        "RoleName": role.role_name,
        "AssumeRolePolicyDocument": role.assume_role_policy,
        "Policies": [{"PolicyName": role.policy_name, "PolicyDocument": role.policy}],
    });
    if !role.tags.is_empty() {
        properties["Tags"] = tag_list(&role.tags);
    }
    t.add(
        ResourceId::Role(role.id.clone()).logical_id(),
        json!({"Type": "AWS::IAM::Role", "Properties": properties}),
    );
}
