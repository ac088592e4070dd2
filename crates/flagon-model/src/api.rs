//! The HTTP side of the model: one REST API or one HTTP API whose every route is served by
//! the app's API function (proxy integration).

use std::collections::BTreeMap;

use flagon_config::EndpointType;
use flagon_manifest::Cors;
use serde::{Deserialize, Serialize};

use crate::refs::FunctionRef;

/// One route of the API, as the manifest declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRoute {
    /// API Gateway path template: `/users/{id}`, greedy `/{proxy+}`.
    pub path: String,
    /// Upper-case methods, sorted.
    pub methods: Vec<String>,
    /// CORS; `None` means no CORS headers and no preflight.
    pub cors: Option<Cors>,
    /// Whether an API key is required (REST API only; an HTTP API has no API keys).
    pub api_key_required: bool,
    /// Accepted request content types; empty accepts any.
    pub content_types: Vec<String>,
    /// Query parameters that must be present.
    pub required_query_params: Vec<String>,
    /// Authorizer name, reserved for the authorizers issue.
    pub authorizer: Option<String>,
}

/// An API Gateway REST API (payload format 1.0), deployed to one named stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestApi {
    /// API name: `<app>-<stage>`.
    pub name: String,
    /// The function every route integrates with (`AWS_PROXY`).
    pub function: FunctionRef,
    /// Routes, in declaration order.
    pub routes: Vec<ApiRoute>,
    /// Binary media types.
    pub binary_media_types: Vec<String>,
    /// The deployment stage name (`api_stage`, default `api`).
    pub stage_name: String,
    /// Endpoint type.
    pub endpoint_type: EndpointType,
    /// X-Ray tracing of the stage.
    pub xray: bool,
    /// Tags (stage level).
    pub tags: BTreeMap<String, String>,
}

/// An API Gateway HTTP API (payload format 2.0) with an auto-deployed `$default` stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpApi {
    /// API name: `<app>-<stage>`.
    pub name: String,
    /// The function every route integrates with (`AWS_PROXY`, payload 2.0).
    pub function: FunctionRef,
    /// Routes, in declaration order.
    pub routes: Vec<ApiRoute>,
    /// Always `$default`.
    pub stage_name: String,
    /// Tags (stage level).
    pub tags: BTreeMap<String, String>,
}
