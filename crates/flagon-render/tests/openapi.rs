//! The OpenAPI 3.0 documents of the fixture app's APIs, as deploy imports them (with a real
//! function ARN): valid OpenAPI by `openapi-spec-validator`, API keys and binary media
//! types where the REST API needs them.

mod common;

use std::process::Command;

use flagon_model::{FunctionRef, HttpApi, Resource, RestApi};
use flagon_render::openapi::{http_api_document, lambda_invocation_uri, rest_api_document};
use serde_json::{Value, json};

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:helloworld-dev-api_handler";

fn uri(_: &FunctionRef) -> Value {
    json!(lambda_invocation_uri("aws", "us-east-1", ARN))
}

fn rest_api() -> RestApi {
    common::model("dev")
        .resources
        .into_iter()
        .find_map(|r| match r {
            Resource::RestApi(api) => Some(api),
            _ => None,
        })
        .expect("dev has a REST API")
}

fn http_api() -> HttpApi {
    common::model("prod")
        .resources
        .into_iter()
        .find_map(|r| match r {
            Resource::HttpApi(api) => Some(api),
            _ => None,
        })
        .expect("prod has an HTTP API")
}

/// The REST API with an API key on its `/users/{id}` route.
fn rest_api_with_key() -> RestApi {
    let mut api = rest_api();
    api.routes
        .iter_mut()
        .filter(|r| r.path == "/users/{id}")
        .for_each(|r| r.api_key_required = true);
    api
}

/// API Gateway names the parameter of `{proxy+}` `proxy` (its own examples and exports do);
/// OpenAPI's letter wants the template's `proxy+`. The one difference, renamed for the
/// validator.
fn strict_greedy_names(mut doc: Value) -> Value {
    for (path, item) in doc["paths"].as_object_mut().expect("paths") {
        for op in item.as_object_mut().expect("path item").values_mut() {
            for p in op
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if p["in"] == "path"
                    && p["name"]
                        .as_str()
                        .is_some_and(|n| path.contains(&format!("{{{n}+}}")))
                {
                    p["name"] = json!(format!("{}+", p["name"].as_str().unwrap_or_default()));
                }
            }
        }
    }
    doc
}

#[test]
fn openapi_documents_pass_openapi_spec_validator() {
    let Some(validator) = common::openapi_spec_validator() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let documents = [
        ("rest", rest_api_document(&rest_api_with_key(), uri)),
        ("http", http_api_document(&http_api(), uri)),
    ];
    for (name, doc) in documents {
        let file = dir.path().join(format!("{name}.json"));
        let doc = strict_greedy_names(doc);
        std::fs::write(&file, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
        let (code, report) = common::run(
            Command::new(&validator)
                .arg("--schema")
                .arg("3.0")
                .arg(&file),
        );
        assert_eq!(
            code, 0,
            "openapi-spec-validator refused the {name} document:\n{report}"
        );
    }
}

#[test]
fn rest_document_declares_api_keys_binary_types_and_a_description() {
    let doc = rest_api_document(&rest_api_with_key(), uri);
    assert_eq!(doc["openapi"], "3.0.1");
    assert!(
        doc["info"]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "moto imports only with one"
    );
    assert_eq!(
        doc["x-amazon-apigateway-binary-media-types"],
        json!(["image/png"])
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"],
        json!({"type": "apiKey", "name": "x-api-key", "in": "header"})
    );
    let users = &doc["paths"]["/users/{id}"];
    assert_eq!(users["get"]["security"], json!([{"api_key": []}]));
    assert!(
        users["options"].get("security").is_none(),
        "preflight never needs a key"
    );
    assert!(doc["paths"]["/"]["get"].get("security").is_none());
    assert_eq!(
        users["get"]["x-amazon-apigateway-integration"]["uri"],
        format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{ARN}/invocations")
    );
    let query: Vec<&Value> = users["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter(|p| p["in"] == "query")
        .collect();
    assert_eq!(
        query,
        [&json!({"name": "v", "in": "query", "required": true, "schema": {"type": "string"}})]
    );
}

#[test]
fn http_document_uses_payload_format_2() {
    let doc = http_api_document(&http_api(), uri);
    let integration = &doc["paths"]["/files/{proxy+}"]["delete"]["x-amazon-apigateway-integration"];
    assert_eq!(integration["payloadFormatVersion"], "2.0");
    assert_eq!(integration["type"], "aws_proxy");
    assert!(doc.get("components").is_none());
}
