//! The REST API (OpenAPI import, stage deployment) and the HTTP API (integration, routes,
//! auto-deployed `$default` stage).

use std::collections::BTreeSet;

use aws_sdk_apigateway::primitives::Blob;
use aws_sdk_apigateway::types::PutMode;
use aws_sdk_apigatewayv2::types::{IntegrationType, ProtocolType};
use flagon_model::{EndpointType, FunctionRef, HttpApi, RestApi};
use flagon_plan::{AwsEnv, Record};
use flagon_render::openapi::{lambda_invocation_uri, rest_api_document, route_methods};

use super::Outcome;
use crate::Aws;
use crate::error::{AwsError, call_error, is_not_found};

impl Aws {
    fn rest_body(env: &AwsEnv, api: &RestApi, function_arn: &str) -> Blob {
        let uri = lambda_invocation_uri(&env.partition, &env.region, function_arn);
        let doc = rest_api_document(api, |_: &FunctionRef| {
            serde_json::Value::String(uri.clone())
        });
        Blob::new(doc.to_string().into_bytes())
    }

    pub(crate) async fn create_rest_api(
        &self,
        env: &AwsEnv,
        api: &RestApi,
        function_arn: &str,
        definition_hash: &str,
        existing_id: Option<&str>,
    ) -> Result<Outcome, AwsError> {
        if let Some(id) = existing_id {
            return self
                .put_rest_api(env, api, id, function_arn, definition_hash)
                .await;
        }
        let action = format!("import REST API {}", api.name);
        let out = self
            .apigateway
            .import_rest_api()
            .parameters(
                "endpointConfigurationTypes",
                endpoint_type(api.endpoint_type),
            )
            .fail_on_warnings(false)
            .body(Self::rest_body(env, api, function_arn))
            .send()
            .await
            .map_err(|e| call_error(action.clone(), e))?;
        let id = out
            .id()
            .ok_or(AwsError::Incomplete { action, what: "id" })?
            .to_owned();
        self.deploy_stage(env, api, &id).await?;
        Ok(rest_record(api, &id, definition_hash))
    }

    pub(crate) async fn put_rest_api(
        &self,
        env: &AwsEnv,
        api: &RestApi,
        id: &str,
        function_arn: &str,
        definition_hash: &str,
    ) -> Result<Outcome, AwsError> {
        self.apigateway
            .put_rest_api()
            .rest_api_id(id)
            .mode(PutMode::Overwrite)
            .fail_on_warnings(false)
            .body(Self::rest_body(env, api, function_arn))
            .send()
            .await
            .map_err(|e| call_error(format!("update REST API {id}"), e))?;
        self.deploy_stage(env, api, id).await?;
        Ok(rest_record(api, id, definition_hash))
    }

    /// Deploys the stage and tags it (the stage carries the tags: it is what a REST API's
    /// cost and access are accounted to).
    async fn deploy_stage(&self, env: &AwsEnv, api: &RestApi, id: &str) -> Result<(), AwsError> {
        self.apigateway
            .create_deployment()
            .rest_api_id(id)
            .stage_name(&api.stage_name)
            .tracing_enabled(api.xray)
            .send()
            .await
            .map_err(|e| {
                call_error(
                    format!("deploy stage {} of REST API {id}", api.stage_name),
                    e,
                )
            })?;
        if !api.tags.is_empty() {
            let arn = format!(
                "arn:{}:apigateway:{}::/restapis/{id}/stages/{}",
                env.partition, env.region, api.stage_name
            );
            self.apigateway
                .tag_resource()
                .resource_arn(arn)
                .set_tags(Some(api.tags.clone().into_iter().collect()))
                .send()
                .await
                .map_err(|e| {
                    call_error(format!("tag stage {} of REST API {id}", api.stage_name), e)
                })?;
        }
        Ok(())
    }

    pub(crate) async fn delete_rest_api(&self, id: &str) -> Result<Outcome, AwsError> {
        match self
            .apigateway
            .delete_rest_api()
            .rest_api_id(id)
            .send()
            .await
        {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(format!("delete REST API {id}"), e)),
        }
    }

    pub(crate) async fn create_http_api(
        &self,
        api: &HttpApi,
        function_arn: &str,
        definition_hash: &str,
        existing_id: Option<&str>,
    ) -> Result<Outcome, AwsError> {
        let id = match existing_id {
            Some(id) => id.to_owned(),
            None => {
                let action = format!("create HTTP API {}", api.name);
                let out = self
                    .apigatewayv2
                    .create_api()
                    .name(&api.name)
                    .protocol_type(ProtocolType::Http)
                    .set_tags(
                        (!api.tags.is_empty()).then(|| api.tags.clone().into_iter().collect()),
                    )
                    .send()
                    .await
                    .map_err(|e| call_error(action.clone(), e))?;
                out.api_id()
                    .ok_or(AwsError::Incomplete {
                        action,
                        what: "ApiId",
                    })?
                    .to_owned()
            }
        };
        self.sync_http_api(api, &id, function_arn, definition_hash)
            .await
    }

    /// Brings an HTTP API's integration, routes and `$default` stage to the model.
    pub(crate) async fn sync_http_api(
        &self,
        api: &HttpApi,
        id: &str,
        function_arn: &str,
        definition_hash: &str,
    ) -> Result<Outcome, AwsError> {
        let v2 = &self.apigatewayv2;
        let action = format!("update HTTP API {id}");
        let integrations = v2
            .get_integrations()
            .api_id(id)
            .send()
            .await
            .map_err(|e| call_error(&action, e))?;
        let existing = integrations
            .items()
            .iter()
            .find(|i| i.integration_type() == Some(&IntegrationType::AwsProxy));
        let integration_id = match existing {
            Some(i) => {
                let iid = i.integration_id().unwrap_or_default().to_owned();
                if i.integration_uri() != Some(function_arn) {
                    v2.update_integration()
                        .api_id(id)
                        .integration_id(&iid)
                        .integration_uri(function_arn)
                        .send()
                        .await
                        .map_err(|e| call_error(&action, e))?;
                }
                iid
            }
            None => {
                let out = v2
                    .create_integration()
                    .api_id(id)
                    .integration_type(IntegrationType::AwsProxy)
                    .integration_uri(function_arn)
                    .payload_format_version("2.0")
                    .send()
                    .await
                    .map_err(|e| call_error(&action, e))?;
                out.integration_id()
                    .ok_or(AwsError::Incomplete {
                        action: action.clone(),
                        what: "IntegrationId",
                    })?
                    .to_owned()
            }
        };
        let target = format!("integrations/{integration_id}");
        let wanted: BTreeSet<String> = api
            .routes
            .iter()
            .flat_map(|r| {
                route_methods(r)
                    .into_iter()
                    .map(|m| format!("{m} {}", r.path))
            })
            .collect();
        let routes = v2
            .get_routes()
            .api_id(id)
            .send()
            .await
            .map_err(|e| call_error(&action, e))?;
        let mut have = BTreeSet::new();
        for route in routes.items() {
            let key = route.route_key().unwrap_or_default();
            let route_id = route.route_id().unwrap_or_default();
            if wanted.contains(key) && route.target() == Some(target.as_str()) {
                have.insert(key.to_owned());
            } else {
                v2.delete_route()
                    .api_id(id)
                    .route_id(route_id)
                    .send()
                    .await
                    .map_err(|e| call_error(&action, e))?;
            }
        }
        for key in wanted.difference(&have) {
            v2.create_route()
                .api_id(id)
                .route_key(key)
                .target(&target)
                .send()
                .await
                .map_err(|e| call_error(format!("create route {key} of HTTP API {id}"), e))?;
        }
        let stages = v2
            .get_stages()
            .api_id(id)
            .send()
            .await
            .map_err(|e| call_error(&action, e))?;
        if !stages
            .items()
            .iter()
            .any(|s| s.stage_name() == Some(api.stage_name.as_str()))
        {
            v2.create_stage()
                .api_id(id)
                .stage_name(&api.stage_name)
                .auto_deploy(true)
                .send()
                .await
                .map_err(|e| call_error(format!("create stage of HTTP API {id}"), e))?;
        }
        Ok(Outcome::Record(Record::HttpApi {
            api_id: id.to_owned(),
            definition_hash: definition_hash.to_owned(),
        }))
    }

    pub(crate) async fn delete_http_api(&self, id: &str) -> Result<Outcome, AwsError> {
        match self.apigatewayv2.delete_api().api_id(id).send().await {
            Ok(_) => Ok(Outcome::Removed),
            Err(e) if is_not_found(&e) => Ok(Outcome::Removed),
            Err(e) => Err(call_error(format!("delete HTTP API {id}"), e)),
        }
    }
}

fn rest_record(api: &RestApi, id: &str, definition_hash: &str) -> Outcome {
    Outcome::Record(Record::RestApi {
        api_id: id.to_owned(),
        stage_name: api.stage_name.clone(),
        definition_hash: definition_hash.to_owned(),
    })
}

fn endpoint_type(t: EndpointType) -> &'static str {
    t.as_aws_str()
}
