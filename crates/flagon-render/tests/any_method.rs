//! `any(...)` routes (`"ANY"` in the manifest) in every renderer: REST OpenAPI's
//! `x-amazon-apigateway-any-method`, HTTP API's `ANY /path` route key (OpenAPI for SAM, a route
//! for Terraform). `ANY` covers `OPTIONS`, so a CORS route gets no separate preflight. The real
//! tools (cfn-lint, aws-sam-translator, terraform validate) check these models too, through
//! `common::lint_models`.

mod common;

use flagon_render::{render_sam, render_terraform};
use serde_json::Value;

use common::{any_model, sam_options, tf_options};

const ANY: &str = "x-amazon-apigateway-any-method";

/// The operations of `/files/{proxy+}` in an OpenAPI document, by key.
fn files_operations(doc: &Value) -> Vec<&str> {
    doc["paths"]["/files/{proxy+}"]
        .as_object()
        .expect("the /files/{proxy+} path")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn rest_any_route_is_the_any_method_operation_alone_in_sam() {
    let t = render_sam(&any_model("dev"), &sam_options()).expect("renders");
    let doc = &t["Resources"]["RestApi"]["Properties"]["DefinitionBody"];
    assert_eq!(files_operations(doc), [ANY]);
    let op = &doc["paths"]["/files/{proxy+}"][ANY];
    assert_eq!(op["x-amazon-apigateway-integration"]["type"], "aws_proxy");
    assert_eq!(op["x-amazon-apigateway-integration"]["httpMethod"], "POST");
    assert_eq!(op["parameters"][0]["name"], "proxy");
}

#[test]
fn http_any_route_is_the_any_method_operation_alone_in_sam() {
    let t = render_sam(&any_model("prod"), &sam_options()).expect("renders");
    let doc = &t["Resources"]["HttpApi"]["Properties"]["DefinitionBody"];
    assert_eq!(files_operations(doc), [ANY]);
    let integration = &doc["paths"]["/files/{proxy+}"][ANY]["x-amazon-apigateway-integration"];
    assert_eq!(integration["payloadFormatVersion"], "2.0");
}

#[test]
fn terraform_http_any_route_has_the_any_route_key_and_no_preflight() {
    let c = render_terraform(&any_model("prod"), &tf_options()).expect("renders");
    let routes = c["resource"]["aws_apigatewayv2_route"]
        .as_object()
        .expect("routes");
    let files: Vec<(&str, &str)> = routes
        .iter()
        .filter_map(|(name, r)| Some((name.as_str(), r["route_key"].as_str()?)))
        .filter(|(_, key)| key.ends_with(" /files/{proxy+}"))
        .collect();
    assert_eq!(files, [("any_files_proxy", "ANY /files/{proxy+}")]);
}

#[test]
fn terraform_rest_any_route_is_the_any_method_with_the_function_uri() {
    let c = render_terraform(&any_model("dev"), &tf_options()).expect("renders");
    let body = c["resource"]["aws_api_gateway_rest_api"]["api"]["body"]
        .as_str()
        .expect("the OpenAPI body");
    let doc: Value = serde_json::from_str(body).expect("the body is JSON");
    assert_eq!(files_operations(&doc), [ANY]);
    assert_eq!(
        doc["paths"]["/files/{proxy+}"][ANY]["x-amazon-apigateway-integration"]["uri"],
        "${aws_lambda_function.api_handler.invoke_arn}"
    );
}
