//! The OpenAPI 3.0 documents of the app's API, with API Gateway's extensions.
//!
//! API Gateway imports a REST API from OpenAPI (`PutRestApi`/`ImportRestApi`, or
//! CloudFormation's `Body`/`DefinitionBody`), and moto imports only OpenAPI 3.0 with
//! `info.description` set, so the REST document always has one. Every operation is an
//! `aws_proxy` integration with the app's API function (Lambda is always invoked with
//! `POST`). A route with CORS also answers `OPTIONS` through the function: the runtime
//! answers preflight itself, with the route's CORS settings, so no mock integration is needed.
//!
//! The integration URI depends on who renders: CloudFormation writes an `Fn::Sub`, Terraform
//! an interpolation of `invoke_arn`, deploy the real ARN (see [`lambda_invocation_uri`]).
//! Both document functions take a closure that renders it for a function of the model.
//!
//! ```
//! use flagon_model::{FunctionRef, RestApi};
//! use flagon_render::openapi::{lambda_invocation_uri, rest_api_document};
//! use serde_json::json;
//!
//! let api: RestApi = serde_json::from_value(json!({
//!     "name": "app-dev", "function": "api_handler", "binary_media_types": [],
//!     "stage_name": "api", "endpoint_type": "regional", "xray": false, "tags": {},
//!     "routes": [{"path": "/users/{id}", "methods": ["GET"], "cors": null,
//!                 "api_key_required": false, "content_types": [],
//!                 "required_query_params": [], "authorizer": null}]
//! })).unwrap();
//! let arn = "arn:aws:lambda:us-east-1:123456789012:function:app-dev-api_handler";
//! let doc = rest_api_document(&api, |_: &FunctionRef| {
//!     json!(lambda_invocation_uri("aws", "us-east-1", arn))
//! });
//! let get = &doc["paths"]["/users/{id}"]["get"];
//! assert_eq!(get["x-amazon-apigateway-integration"]["type"], "aws_proxy");
//! assert_eq!(get["parameters"][0]["name"], "id");
//! assert!(doc["info"]["description"].is_string());
//! ```

use flagon_model::{ApiRoute, FunctionRef, HttpApi, RestApi};
use serde_json::{Map, Value, json};

/// The OpenAPI version both documents declare.
pub const OPENAPI_VERSION: &str = "3.0.1";

/// The security scheme name of API keys in the REST document.
pub const API_KEY_SCHEME: &str = "api_key";

/// `arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`:
/// the URI API Gateway invokes a Lambda function through.
pub fn lambda_invocation_uri(partition: &str, region: &str, function_arn: &str) -> String {
    format!(
        "arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )
}

/// The REST API (payload format 1.0) as OpenAPI 3.0: every route and method proxied to
/// `api.function`, whose integration URI `integration_uri` renders; `OPTIONS` for routes
/// with CORS; binary media types; API keys for routes that require one.
pub fn rest_api_document(api: &RestApi, integration_uri: impl Fn(&FunctionRef) -> Value) -> Value {
    let integration = json!({
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": integration_uri(&api.function),
        "passthroughBehavior": "when_no_match",
    });
    let paths = paths(&api.routes, |route, method| {
        let mut op = operation(route, &integration);
        // A browser's preflight never carries the key: it must pass without one.
        if route.api_key_required && method != "OPTIONS" {
            op.insert("security".into(), json!([{ API_KEY_SCHEME: [] }]));
        }
        op
    });
    let mut doc = json!({
        "openapi": OPENAPI_VERSION,
        "info": info(&api.name, "REST API"),
        "paths": paths,
    });
    if api.routes.iter().any(|r| r.api_key_required) {
        doc["components"] = json!({
            "securitySchemes": {
                API_KEY_SCHEME: { "type": "apiKey", "name": "x-api-key", "in": "header" }
            }
        });
    }
    if !api.binary_media_types.is_empty() {
        doc["x-amazon-apigateway-binary-media-types"] = json!(api.binary_media_types);
    }
    doc
}

/// The HTTP API (payload format 2.0) as OpenAPI 3.0, for `AWS::Serverless::HttpApi`'s
/// `DefinitionBody` or `ImportApi`: every route and method proxied to `api.function`, and
/// `OPTIONS` for routes with CORS (the API has no CORS configuration of its own, so
/// preflight reaches the function).
pub fn http_api_document(api: &HttpApi, integration_uri: impl Fn(&FunctionRef) -> Value) -> Value {
    let integration = json!({
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": integration_uri(&api.function),
        "payloadFormatVersion": "2.0",
    });
    json!({
        "openapi": OPENAPI_VERSION,
        "info": info(&api.name, "HTTP API"),
        "paths": paths(&api.routes, |route, _| operation(route, &integration)),
    })
}

/// The methods API Gateway should route for `route`: its own, plus `OPTIONS` when it has
/// CORS and does not declare `OPTIONS` itself.
pub fn route_methods(route: &ApiRoute) -> Vec<String> {
    let mut methods = route.methods.clone();
    if route.cors.is_some() && !methods.iter().any(|m| m == "OPTIONS" || m == "ANY") {
        methods.push("OPTIONS".into());
    }
    methods
}

fn info(name: &str, kind: &str) -> Value {
    json!({
        "title": name,
        "version": "1.0",
        "description": format!("The {kind} of the Flagon app stage {name}."),
    })
}

/// `paths`, one item per route path (two routes may share a path with different methods).
fn paths(routes: &[ApiRoute], op: impl Fn(&ApiRoute, &str) -> Map<String, Value>) -> Value {
    let mut paths = Map::new();
    for route in routes {
        let item = paths.entry(route.path.clone()).or_insert_with(|| json!({}));
        for method in route_methods(route) {
            item[openapi_method(&method)] = Value::Object(op(route, &method));
        }
    }
    Value::Object(paths)
}

/// `get`, `post`, ...; `ANY` is API Gateway's `x-amazon-apigateway-any-method`.
fn openapi_method(method: &str) -> String {
    if method == "ANY" {
        "x-amazon-apigateway-any-method".to_owned()
    } else {
        method.to_ascii_lowercase()
    }
}

fn operation(route: &ApiRoute, integration: &Value) -> Map<String, Value> {
    let mut parameters: Vec<Value> = path_parameters(&route.path)
        .into_iter()
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    parameters.extend(route.required_query_params.iter().map(
        |name| json!({"name": name, "in": "query", "required": true, "schema": {"type": "string"}}),
    ));
    let mut op = Map::new();
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    op.insert(
        "responses".into(),
        json!({"200": {"description": "Answered by the function (proxy integration)."}}),
    );
    op.insert(
        "x-amazon-apigateway-integration".into(),
        integration.clone(),
    );
    op
}

/// The names of a path template's parameters: `/users/{id}/{proxy+}` -> `id`, `proxy`.
/// A greedy parameter is named without its `+`, as API Gateway names it (`proxy`, and
/// `method.request.path.proxy`); strict OpenAPI validators want `proxy+`.
pub fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| name.strip_suffix('+').unwrap_or(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_include_greedy_ones_without_the_plus() {
        assert_eq!(
            path_parameters("/users/{id}/files/{proxy+}"),
            ["id", "proxy"]
        );
        assert!(path_parameters("/").is_empty());
    }
}
