//! [`RestApi`] -> `AWS::Serverless::Api`, [`HttpApi`] -> `AWS::Serverless::HttpApi`, both
//! defined by their OpenAPI 3.0 document ([`crate::openapi`]).
//!
//! SAM rather than plain `AWS::ApiGateway::*`: SAM names the REST deployment after a hash
//! of the definition, so a changed API is redeployed to its stage on every stack update,
//! which a hand-written `AWS::ApiGateway::Deployment` would not be.

use flagon_model::{FunctionRef, HttpApi, ResourceId, RestApi};
use serde_json::{Value, json};

use super::{Template, function_id};
use crate::openapi::{OPENAPI_VERSION, http_api_document, rest_api_document};

/// `Fn::Sub` of the Lambda invocation URI of a function of the template.
fn integration_uri(function: &FunctionRef) -> Value {
    json!({
        "Fn::Sub": format!(
            "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{}.Arn}}/invocations",
            function_id(function)
        )
    })
}

pub(super) fn render_rest(t: &mut Template, api: &RestApi) {
    let id = ResourceId::RestApi.logical_id();
    let mut p = json!({
        "Name": api.name,
        "StageName": api.stage_name,
        // Setting the version keeps SAM from adding its extra stage named `Stage`.
        "OpenApiVersion": OPENAPI_VERSION,
        "DefinitionBody": rest_api_document(api, integration_uri),
        "EndpointConfiguration": {"Type": api.endpoint_type.as_aws_str()},
        "TracingEnabled": api.xray,
    });
    if !api.tags.is_empty() {
        p["Tags"] = json!(api.tags);
    }
    if api.routes.iter().any(|r| r.api_key_required) {
        // A key is useless without a usage plan that admits it: SAM creates the plan, a
        // key and their link for this API's stage.
        p["Auth"] = json!({"UsagePlan": {"CreateUsagePlan": "PER_API"}});
    }
    t.output(
        "RestApiUrl",
        "The URL of the REST API's stage.",
        json!({"Fn::Sub": format!("https://${{{id}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{}/", api.stage_name)}),
    );
    t.output("RestApiId", "The id of the REST API.", json!({"Ref": id}));
    t.add(id, json!({"Type": "AWS::Serverless::Api", "Properties": p}));
}

pub(super) fn render_http(t: &mut Template, api: &HttpApi) {
    let id = ResourceId::HttpApi.logical_id();
    // No `StageName`: SAM then creates the auto-deployed `$default` stage.
    let mut p = json!({"DefinitionBody": http_api_document(api, integration_uri)});
    if !api.tags.is_empty() {
        p["Tags"] = json!(api.tags);
    }
    t.output(
        "HttpApiUrl",
        "The URL of the HTTP API's $default stage.",
        json!({"Fn::Sub": format!("https://${{{id}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/")}),
    );
    t.output("HttpApiId", "The id of the HTTP API.", json!({"Ref": id}));
    t.add(
        id,
        json!({"Type": "AWS::Serverless::HttpApi", "Properties": p}),
    );
}
