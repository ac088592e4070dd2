//! [`RestApi`] -> `aws_api_gateway_rest_api` (OpenAPI `body`), `aws_api_gateway_deployment`
//! and `aws_api_gateway_stage`; [`HttpApi`] -> `aws_apigatewayv2_api`, one
//! `aws_apigatewayv2_integration`, an `aws_apigatewayv2_route` per method and path, and the
//! auto-deployed `$default` `aws_apigatewayv2_stage`. A REST API with API keys also gets a
//! usage plan, a key and their link. Every resource is named `api`
//! (routes excepted): a model has at most one API.

use std::collections::BTreeSet;

use flagon_model::{HttpApi, RestApi};
use serde_json::{Value, json};

use super::{Tf, escape, escape_str, function, ident};
use crate::openapi::{rest_api_document, route_methods};

pub(super) fn render_rest(tf: &mut Tf, api: &RestApi) {
    // Render with no URI, escape the user's strings, then put in the one interpolation.
    let mut doc = escape(&rest_api_document(api, |_| Value::Null));
    let uri = format!("${{{}.invoke_arn}}", function(&api.function));
    if let Some(paths) = doc["paths"].as_object_mut() {
        for operation in paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|item| item.values_mut())
        {
            operation["x-amazon-apigateway-integration"]["uri"] = json!(uri);
        }
    }
    tf.resource(
        "aws_api_gateway_rest_api",
        "api",
        json!({
            "name": escape_str(&api.name),
            "body": doc.to_string(),
            "endpoint_configuration": {"types": [api.endpoint_type.as_aws_str()]},
        }),
    );
    tf.resource(
        "aws_api_gateway_deployment",
        "api",
        json!({
            "rest_api_id": "${aws_api_gateway_rest_api.api.id}",
            // A new deployment whenever the definition changes; the stage moves to it
            // before the old one is deleted.
            "triggers": {"redeployment": "${sha1(aws_api_gateway_rest_api.api.body)}"},
            "lifecycle": {"create_before_destroy": true},
        }),
    );
    let mut stage = json!({
        "rest_api_id": "${aws_api_gateway_rest_api.api.id}",
        "deployment_id": "${aws_api_gateway_deployment.api.id}",
        "stage_name": escape_str(&api.stage_name),
        "xray_tracing_enabled": api.xray,
    });
    if !api.tags.is_empty() {
        stage["tags"] = escape(&json!(api.tags));
    }
    tf.resource("aws_api_gateway_stage", "api", stage);
    if api.routes.iter().any(|r| r.api_key_required) {
        // A key is useless without a usage plan that admits it (as SAM's `PER_API` plan).
        tf.resource(
            "aws_api_gateway_api_key",
            "api",
            json!({"name": escape_str(&api.name)}),
        );
        tf.resource(
            "aws_api_gateway_usage_plan",
            "api",
            json!({
                "name": escape_str(&api.name),
                "api_stages": [{
                    "api_id": "${aws_api_gateway_rest_api.api.id}",
                    "stage": "${aws_api_gateway_stage.api.stage_name}",
                }],
            }),
        );
        tf.resource(
            "aws_api_gateway_usage_plan_key",
            "api",
            json!({
                "key_id": "${aws_api_gateway_api_key.api.id}",
                "key_type": "API_KEY",
                "usage_plan_id": "${aws_api_gateway_usage_plan.api.id}",
            }),
        );
        tf.output(
            "rest_api_key_id",
            "The id of the REST API's key.",
            "${aws_api_gateway_api_key.api.id}",
        );
    }
    tf.output(
        "rest_api_url",
        "The URL of the REST API's stage.",
        "${aws_api_gateway_stage.api.invoke_url}/",
    );
    tf.output(
        "rest_api_id",
        "The id of the REST API.",
        "${aws_api_gateway_rest_api.api.id}",
    );
}

pub(super) fn render_http(tf: &mut Tf, api: &HttpApi) {
    let mut body = json!({"name": escape_str(&api.name), "protocol_type": "HTTP"});
    if !api.tags.is_empty() {
        body["tags"] = escape(&json!(api.tags));
    }
    tf.resource("aws_apigatewayv2_api", "api", body);
    tf.resource(
        "aws_apigatewayv2_integration",
        "api",
        json!({
            "api_id": "${aws_apigatewayv2_api.api.id}",
            "integration_type": "AWS_PROXY",
            "integration_method": "POST",
            "integration_uri": format!("${{{}.invoke_arn}}", function(&api.function)),
            "payload_format_version": "2.0",
        }),
    );
    let mut names = BTreeSet::new();
    for route in &api.routes {
        for method in route_methods(route) {
            let name = unique(&mut names, &route_name(&method, &route.path));
            tf.resource(
                "aws_apigatewayv2_route",
                &name,
                json!({
                    "api_id": "${aws_apigatewayv2_api.api.id}",
                    "route_key": escape_str(&format!("{method} {}", route.path)),
                    "target": "integrations/${aws_apigatewayv2_integration.api.id}",
                }),
            );
        }
    }
    let mut stage = json!({
        "api_id": "${aws_apigatewayv2_api.api.id}",
        "name": api.stage_name,
        "auto_deploy": true,
    });
    if !api.tags.is_empty() {
        stage["tags"] = escape(&json!(api.tags));
    }
    tf.resource("aws_apigatewayv2_stage", "api", stage);
    tf.output(
        "http_api_url",
        "The URL of the HTTP API.",
        "${aws_apigatewayv2_stage.api.invoke_url}",
    );
    tf.output(
        "http_api_id",
        "The id of the HTTP API.",
        "${aws_apigatewayv2_api.api.id}",
    );
}

/// `GET /users/{id}` -> `get_users_id`; `/` -> `get_root`.
fn route_name(method: &str, path: &str) -> String {
    let path: String = path
        .chars()
        .filter(|c| !matches!(c, '{' | '}' | '+'))
        .collect();
    let path = path.trim_matches('/');
    let path = if path.is_empty() { "root" } else { path };
    ident(&format!("{}_{}", method.to_ascii_lowercase(), path))
}

/// `name`, or `name_2`, `name_3`... when two routes reduce to the same name.
fn unique(taken: &mut BTreeSet<String>, name: &str) -> String {
    let mut candidate = name.to_owned();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    candidate
}
