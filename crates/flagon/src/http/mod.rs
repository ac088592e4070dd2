//! HTTP routes: axum handlers behind API Gateway.
//!
//! All routes share one axum `Router` and one Lambda function
//! ([`DEFAULT_API_FUNCTION`](flagon_manifest::DEFAULT_API_FUNCTION)). An event is turned into
//! an `http::Request` ([`apigw`]), routed, and the answer turned back into the event's payload
//! version. On the way:
//!
//! - an unknown path is a 404 and a known path with another method a 405 with `Allow`, both
//!   with Chalice's JSON body;
//! - a route's options (CORS, content types, required query parameters) are checked by a route
//!   layer ([`checks`]);
//! - an extractor's rejection (bad JSON body, wrong content type, unparsable path or query) is
//!   answered with Chalice's JSON body and axum's status ([`rejection`]);
//! - a handler that panics is a 500 with the generic body; the process serves the next event.

pub(crate) mod api_error;
pub(crate) mod apigw;
pub(crate) mod checks;
pub(crate) mod rejection;
pub(crate) mod request;
pub(crate) mod route;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use http::{HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::app::RouterLayer;
use crate::{DispatchError, Error};
use api_error::ApiError;
use apigw::StagePrefix;
use route::MethodRoute;

/// The API function: the router and what it needs to answer in API Gateway's terms.
#[derive(Clone)]
pub(crate) struct ApiHandler {
    router: Router,
    binary_media_types: Arc<[String]>,
    stages: Arc<StagePrefix>,
}

impl ApiHandler {
    /// Builds the router; templates were validated at declaration.
    ///
    /// axum panics on routes it cannot hold together; such a panic is caught and becomes a
    /// declaration error naming the route.
    pub(crate) fn new(
        routes: Vec<(String, String, MethodRoute)>,
        binary_media_types: Vec<String>,
        layers: Vec<RouterLayer>,
    ) -> Result<Self, Error> {
        let mut router = Router::new();
        let mut route_roots = Vec::new();
        for (template, axum_path, route) in routes {
            let root = axum_path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("");
            if !root.is_empty() && !root.starts_with('{') {
                route_roots.push(root.to_owned());
            }
            let MethodRoute {
                router: mut methods,
                methods: names,
                options,
                ..
            } = route;
            let is_any = names.contains(&"ANY");
            // `ANY` covers `OPTIONS` at API Gateway, so the preflight of an `any` route with
            // CORS reaches the function too and is answered here, allowing every method.
            let preflight = !names.contains(&"OPTIONS");
            if let Some(cors) = options.cors.clone().filter(|_| preflight) {
                methods = methods.options(move || {
                    let cors = cors.clone();
                    let names = names.clone();
                    async move { checks::preflight(&cors, &names) }
                });
            }
            let needs_checks = !options.is_empty();
            let checks = axum::middleware::from_fn_with_state(Arc::new(options), checks::check);
            // `any` is a fallback, not a method endpoint, and axum refuses a route layer on
            // it; with every method answered there is no 405 for the layer to get in front of.
            let methods = if !needs_checks {
                // Nothing to check: no layer, no cost per request.
                methods
            } else if is_any {
                methods.layer(checks)
            } else {
                methods.route_layer(checks)
            };
            let added =
                std::panic::catch_unwind(AssertUnwindSafe(|| router.route(&axum_path, methods)));
            router = added.map_err(|panic| {
                let reason = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("the router refused it");
                Error::declaration(format!("route `{template}`"), reason.to_owned())
            })?;
        }
        let mut router = router.fallback(|| async {
            ApiError::not_found("The requested resource was not found").into_response()
        });
        for layer in layers {
            router = layer(router);
        }
        Ok(Self {
            router,
            binary_media_types: binary_media_types.into(),
            stages: Arc::new(StagePrefix { route_roots }),
        })
    }

    /// Serves one API Gateway event.
    pub(crate) async fn handle(
        &self,
        handler: &str,
        event: &Value,
    ) -> Result<Value, DispatchError> {
        let parsed = request::to_request(event, &self.stages);
        self.serve(handler, parsed).await
    }

    /// Serves one API Gateway event given as JSON text, without a `Value` in between.
    pub(crate) async fn handle_json(
        &self,
        handler: &str,
        event: &str,
    ) -> Result<Value, DispatchError> {
        let mut input = serde_json::Deserializer::from_str(event);
        let parsed = request::to_request(&mut input, &self.stages);
        self.serve(handler, parsed).await
    }

    async fn serve(
        &self,
        handler: &str,
        parsed: Result<(apigw::PayloadVersion, http::Request<axum::body::Body>), String>,
    ) -> Result<Value, DispatchError> {
        let (version, request) = parsed.map_err(|message| DispatchError::EventShape {
            handler: handler.to_owned(),
            expected: "an API Gateway proxy event (REST payload 1.0 or HTTP API payload 2.0)",
            message,
        })?;
        let router = self.router.clone();
        let answer = AssertUnwindSafe(async move {
            let response = router.oneshot(request).await.unwrap_or_else(|e| match e {});
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map(|b| b.to_bytes());
            (parts, body)
        })
        .catch_unwind()
        .await;
        let (status, headers, body) = match answer {
            Ok((parts, Ok(body))) => (parts.status, parts.headers, body),
            Ok((_, Err(error))) => {
                tracing::error!(error = %error, "route response body failed");
                internal_error().await
            }
            Err(_) => {
                tracing::error!("route handler panicked");
                internal_error().await
            }
        };
        let (status, headers, body) = if status == StatusCode::METHOD_NOT_ALLOWED && body.is_empty()
        {
            method_not_allowed(headers).await
        } else if rejection::is_rejection(status, &headers) {
            let mut headers = headers;
            let body = rejection::to_chalice(status, &mut headers, &body);
            (status, headers, body)
        } else {
            (status, headers, body)
        };
        Ok(apigw::to_response(
            version,
            status.as_u16(),
            &headers,
            &body,
            &self.binary_media_types,
        ))
    }
}

type Parts = (StatusCode, http::HeaderMap, bytes::Bytes);

async fn parts_of(response: Response) -> Parts {
    let (parts, body) = response.into_parts();
    // These bodies are in-memory strings: collecting them cannot fail.
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    (parts.status, parts.headers, body)
}

async fn internal_error() -> Parts {
    parts_of(ApiError::internal().into_response()).await
}

/// axum's 405 has the right `Allow` header and an empty body: give it Chalice's body.
async fn method_not_allowed(headers: http::HeaderMap) -> Parts {
    let allow = headers.get(header::ALLOW).cloned();
    let mut response = ApiError::method_not_allowed("Unsupported method").into_response();
    for (name, value) in &headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().append(name, value.clone());
        }
    }
    if let Some(allow) = allow {
        response.headers_mut().insert(header::ALLOW, allow);
    } else {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(""));
    }
    parts_of(response).await
}
