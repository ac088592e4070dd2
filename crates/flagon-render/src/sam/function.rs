//! [`Function`] -> `AWS::Serverless::Function`. No `Events`: the wiring of each trigger is
//! its own resource of the model, rendered by its own file.

use flagon_model::{Function, ResourceId, RoleBinding};
use serde_json::json;

use super::{Template, function_id};

pub(super) fn render(t: &mut Template, f: &Function, code_uri: &str) {
    let role = match &f.role {
        RoleBinding::Managed(role) => {
            json!({"Fn::GetAtt": [ResourceId::Role(role.clone()).logical_id(), "Arn"]})
        }
        RoleBinding::Existing(arn) => json!(arn),
    };
    let mut p = json!({
        "FunctionName": f.function_name,
        "CodeUri": code_uri,
        "Handler": f.handler,
        "Runtime": f.runtime,
        "Architectures": [f.architecture.as_str()],
        "MemorySize": f.memory,
        "Timeout": f.timeout,
        "Role": role,
        "Tracing": if f.xray { "Active" } else { "PassThrough" },
    });
    if !f.environment.is_empty() {
        p["Environment"] = json!({"Variables": f.environment});
    }
    if !f.tags.is_empty() {
        // SAM takes a map and adds its own `lambda:createdBy` tag.
        p["Tags"] = json!(f.tags);
    }
    if !f.layers.is_empty() {
        p["Layers"] = json!(f.layers);
    }
    if let Some(n) = f.reserved_concurrency {
        p["ReservedConcurrentExecutions"] = json!(n);
    }
    if let Some(vpc) = &f.vpc {
        p["VpcConfig"] =
            json!({"SubnetIds": vpc.subnet_ids, "SecurityGroupIds": vpc.security_group_ids});
    }
    let mut resource = json!({"Type": "AWS::Serverless::Function", "Properties": p});
    if let Some(group) = &f.log_group {
        resource["DependsOn"] = json!([ResourceId::LogGroup(group.clone()).logical_id()]);
    }
    let id = function_id(&f.id);
    t.output(
        &format!("{id}Arn"),
        &format!("The ARN of Lambda function {}.", f.function_name),
        json!({"Fn::GetAtt": [id, "Arn"]}),
    );
    t.add(id, resource);
}
