//! The HTTP gateway: API Gateway on 127.0.0.1, in front of the API function.
//!
//! Each request becomes the exact proxy event (REST v1 or HTTP API v2), goes through the
//! function's [`crate::Pool`], and the answer goes back as HTTP. What API Gateway answers
//! itself, it answers here too: an unknown route or method (REST: 403 `Missing
//! Authentication Token`; HTTP API: 404 `Not Found`), a request over the 6 MB payload limit
//! (413), a failed or malformed integration (REST: 502; HTTP API: 500), a
//! REST route that requires an API key called without `x-api-key` (403 `Forbidden`).
//! One log line per request.

pub(crate) mod payload;
pub(crate) mod routes;
mod skip_fields;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use tokio::net::TcpListener;

use crate::emulator::Emulator;
use crate::error::LocalError;
use crate::instance::request_id;
use crate::options::{ApiType, PAYLOAD_LIMIT};
use crate::runtime_api::Outcome;
use payload::{Answer, Incoming};

pub use payload::LOCAL_API_ID;

/// Binds the gateway; serve it with [`serve`].
pub async fn bind(addr: &str) -> Result<TcpListener, LocalError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| LocalError::Bind {
            addr: addr.to_owned(),
            source,
        })
}

/// Serves the API of `emulator` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, emulator: Arc<Emulator>) -> std::io::Result<()> {
    let app = Router::new().fallback(handle).with_state(emulator);
    axum::serve(
        crate::nodelay(listener),
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

async fn handle(
    State(emulator): State<Arc<Emulator>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let answer = answer(&emulator, peer, request).await;
    tracing::info!(
        target: "flagon_local::gateway",
        "{peer} {method} {uri} {} {:.1}ms",
        answer.status.as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = answer.status;
    for (name, value) in answer.headers {
        response.headers_mut().append(name, value);
    }
    response
}

async fn answer(emulator: &Emulator, peer: SocketAddr, request: Request) -> Answer {
    let (app, routes) = emulator.with(|c| (c.app.clone(), c.routes.clone()));
    let api_type = app.api_type;
    let not_found = || match api_type {
        ApiType::Rest => Answer::message(StatusCode::FORBIDDEN, "Missing Authentication Token"),
        ApiType::Http => Answer::message(StatusCode::NOT_FOUND, "Not Found"),
    };
    let Some(api) = app.api.as_ref() else {
        return not_found();
    };
    let (parts, body) = request.into_parts();
    let raw_path = parts.uri.path().to_owned();
    let Some(matched) = routes.find(&raw_path) else {
        return not_found();
    };
    let method = parts.method.as_str();
    if !routes::allows(matched.route, method) {
        return not_found();
    }
    // A REST API route that requires an API key refuses a request without one (any key is
    // accepted locally: usage plans are not emulated).
    if api_type == ApiType::Rest
        && matched.route.api_key_required
        && !parts.headers.contains_key("x-api-key")
    {
        return Answer::message(StatusCode::FORBIDDEN, "Forbidden");
    }
    let Ok(body) = axum::body::to_bytes(body, PAYLOAD_LIMIT).await else {
        return Answer::message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
    };
    let id = request_id();
    let incoming = Incoming {
        method: &parts.method,
        raw_path: &raw_path,
        raw_query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body: &body,
        source_ip: peer.ip().to_string(),
        resource: &matched.route.path,
        params: matched.params.clone(),
        stage: &app.api_stage,
        request_id: &id,
        binary_media_types: &api.binary_media_types,
    };
    let now = chrono::Utc::now();
    let event = match api_type {
        ApiType::Rest => serde_json::to_vec(&payload::rest_event(&incoming, now)),
        ApiType::Http => payload::http_event_json(&incoming, now),
    };
    let Ok(event) = event else {
        return Answer::integration_failure(api_type);
    };
    if event.len() > PAYLOAD_LIMIT {
        return Answer::message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
    }
    let invocation = match emulator.invoke(&api.function, event.into()).await {
        Ok(invocation) => invocation,
        Err(err) => {
            tracing::error!("failed to {err}");
            return Answer::integration_failure(api_type);
        }
    };
    let Outcome::Response(payload) = &invocation.outcome else {
        return Answer::integration_failure(api_type);
    };
    let accept = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let Some(mut answer) = payload::answer(api_type, payload, accept, &api.binary_media_types)
    else {
        tracing::error!(
            "the function's answer is not an API Gateway proxy response: {}",
            String::from_utf8_lossy(payload)
        );
        return Answer::integration_failure(api_type);
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        answer
            .headers
            .push((http::HeaderName::from_static("x-amzn-requestid"), value));
    }
    answer
}
