//! Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`), served by `local`
//! so that AWS SDKs and the AWS CLI invoke local functions with `--endpoint-url`.
//!
//! `{name}` is the manifest name (`on_upload`), the Lambda function name
//! (`helloworld-dev-on_upload`) or its ARN. Invocation types: `RequestResponse` (default),
//! `Event` (202, runs in the background) and `DryRun` (204). Request signatures are not
//! checked.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::net::TcpListener;

use crate::emulator::Emulator;
use crate::instance::function_arn;
use crate::options::PAYLOAD_LIMIT;

/// Serves the Invoke API of `emulator` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, emulator: Arc<Emulator>) -> std::io::Result<()> {
    let app = Router::new()
        .route("/2015-03-31/functions/{name}/invocations", post(invoke))
        .layer(DefaultBodyLimit::max(PAYLOAD_LIMIT * 2))
        .with_state(emulator);
    axum::serve(crate::nodelay(listener), app).await
}

/// The manifest name of the function `name` designates, if any.
fn resolve(emulator: &Emulator, name: &str) -> Option<String> {
    let app = emulator.app();
    let name = name.rsplit(':').next().unwrap_or(name);
    app.functions
        .iter()
        .find(|f| f.name == name || f.function_name == name)
        .map(|f| f.name.clone())
}

fn error(status: StatusCode, error_type: &'static str, message: &str) -> Response {
    let body = serde_json::json!({"Type": "User", "message": message}).to_string();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert("x-amzn-errortype", HeaderValue::from_static(error_type));
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn invoke(
    State(emulator): State<Arc<Emulator>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    payload: Bytes,
) -> Response {
    let Some(function) = resolve(&emulator, &name) else {
        let region = emulator.app().region.clone();
        return error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Function not found: {}", function_arn(&region, &name)),
        );
    };
    if payload.len() > PAYLOAD_LIMIT {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLargeException",
            &format!(
                "{} byte payload is too large for the RequestResponse invocation type (limit {PAYLOAD_LIMIT} bytes)",
                payload.len()
            ),
        );
    }
    let payload = if payload.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        payload
    };
    let invocation_type = headers
        .get("x-amz-invocation-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("RequestResponse");
    match invocation_type {
        "DryRun" => return StatusCode::NO_CONTENT.into_response(),
        "Event" => {
            tokio::spawn(async move {
                if let Err(err) = emulator.invoke(&function, payload).await {
                    tracing::error!("failed to {err}");
                }
            });
            return StatusCode::ACCEPTED.into_response();
        }
        "RequestResponse" => {}
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidParameterValueException",
                &format!("unknown invocation type {other}"),
            );
        }
    }
    match emulator.invoke(&function, payload).await {
        Ok(invocation) => {
            let mut response = (StatusCode::OK, invocation.payload().clone()).into_response();
            let headers = response.headers_mut();
            headers.insert(
                HeaderName::from_static("x-amz-executed-version"),
                HeaderValue::from_static("$LATEST"),
            );
            if let Ok(id) = HeaderValue::from_str(&invocation.request_id) {
                headers.insert(HeaderName::from_static("x-amzn-requestid"), id);
            }
            if let Some(kind) = invocation.function_error() {
                headers.insert(
                    HeaderName::from_static("x-amz-function-error"),
                    HeaderValue::from_static(kind),
                );
            }
            response
        }
        Err(err) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceException",
            &format!("failed to {err}"),
        ),
    }
}
