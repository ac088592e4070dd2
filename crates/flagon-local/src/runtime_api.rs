//! The Lambda Runtime API, served to one instance on its own loopback port.
//!
//! One port per instance routes every `next`, `response` and `error` call unambiguously to
//! the instance that made it, with no path prefix that a runtime client might not support
//! (`AWS_LAMBDA_RUNTIME_API` is a bare `host:port` for every client we know of).
//!
//! Endpoints, as Lambda serves them (API version `2018-06-01`):
//! - `GET  /runtime/invocation/next`: long-polls for the next event; the headers carry the
//!   request id, the deadline, the function ARN and the trace id.
//! - `POST /runtime/invocation/{id}/response`: the result.
//! - `POST /runtime/invocation/{id}/error`: a function error (`Lambda-Runtime-Function-Error-Type`).
//! - `POST /runtime/init/error`: the runtime failed to start; it exits next.

use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Notify, oneshot};

use crate::options::PAYLOAD_LIMIT;

/// The error type Lambda reports when a runtime exits during an invocation.
pub const EXIT_ERROR: &str = "Runtime.ExitError";

/// How an invocation ended, as the runtime reported it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// `POST .../response`: the function's result.
    Response(Bytes),
    /// `POST .../error` or `init/error`: the error document and its type.
    Error {
        /// `Lambda-Runtime-Function-Error-Type`, or the body's `errorType`.
        error_type: String,
        /// The error document (`{"errorMessage": ..., "errorType": ...}`).
        body: Bytes,
    },
}

/// An event waiting for, or being handled by, the instance.
pub(crate) struct Pending {
    pub(crate) request_id: String,
    pub(crate) payload: Bytes,
    pub(crate) function_arn: String,
    pub(crate) timeout: std::time::Duration,
    /// Told the deadline (epoch ms) when the runtime takes the event.
    pub(crate) started: Option<oneshot::Sender<i64>>,
    pub(crate) done: oneshot::Sender<Outcome>,
}

/// What the instance's Runtime API and its owner share.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<SharedState>,
    pub(crate) wake: Notify,
}

#[derive(Default)]
pub(crate) struct SharedState {
    pub(crate) queued: Option<Pending>,
    pub(crate) in_flight: Option<Pending>,
    pub(crate) init_error: Option<Outcome>,
    pub(crate) exited: bool,
}

impl Shared {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, SharedState> {
        // The state stays consistent across a panic (every update is one assignment).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The router for one instance.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        // A response may be up to the payload limit; axum's default is 2 MB.
        .layer(DefaultBodyLimit::max(PAYLOAD_LIMIT + 1024))
        .with_state(shared)
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    loop {
        let notified = shared.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(response) = take_next(&shared) {
            return response;
        }
        notified.await;
    }
}

fn take_next(shared: &Shared) -> Option<Response> {
    let mut state = shared.lock();
    let mut pending = state.queued.take()?;
    let now = chrono::Utc::now();
    let deadline_ms =
        now.timestamp_millis() + i64::try_from(pending.timeout.as_millis()).unwrap_or(i64::MAX / 2);
    if let Some(started) = pending.started.take() {
        // The invoker may have given up already; the event is still delivered.
        let _ = started.send(deadline_ms);
    }
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    put("lambda-runtime-aws-request-id", &pending.request_id);
    put("lambda-runtime-deadline-ms", &deadline_ms.to_string());
    put("lambda-runtime-invoked-function-arn", &pending.function_arn);
    put(
        "lambda-runtime-trace-id",
        &trace_id(&pending.request_id, now.timestamp()),
    );
    put("content-type", "application/json");
    let body = pending.payload.clone();
    state.in_flight = Some(pending);
    Some((StatusCode::OK, headers, body).into_response())
}

/// An X-Ray trace header in Lambda's format, derived from the request id.
fn trace_id(request_id: &str, epoch_secs: i64) -> String {
    let hex: String = request_id.chars().filter(char::is_ascii_hexdigit).collect();
    let root = hex.get(..24).unwrap_or("000000000000000000000000");
    let parent = hex
        .get(hex.len().saturating_sub(16)..)
        .unwrap_or("0000000000000000");
    format!("Root=1-{epoch_secs:08x}-{root};Parent={parent};Sampled=0;Lineage=local")
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if body.len() > PAYLOAD_LIMIT {
        let outcome = Outcome::Error {
            error_type: "Function.ResponseSizeTooLarge".into(),
            body: error_document(
                "Function.ResponseSizeTooLarge",
                &format!(
                    "Response payload size ({} bytes) exceeded maximum allowed payload size ({PAYLOAD_LIMIT} bytes).",
                    body.len()
                ),
            ),
        };
        let _ = finish(&shared, &id, outcome);
        return runtime_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            "response too large",
        );
    }
    finish_reply(&shared, &id, Outcome::Response(body))
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error_type = error_type(&headers, &body);
    finish_reply(&shared, &id, Outcome::Error { error_type, body })
}

async fn init_error(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let error_type = error_type(&headers, &body);
    shared.lock().init_error = Some(Outcome::Error { error_type, body });
    accepted()
}

fn error_type(headers: &HeaderMap, body: &[u8]) -> String {
    let from_body = || {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()?
            .get("errorType")?
            .as_str()
            .map(str::to_owned)
    };
    headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(from_body)
        .unwrap_or_else(|| "Unhandled".to_owned())
}

fn finish_reply(shared: &Shared, id: &str, outcome: Outcome) -> Response {
    if finish(shared, id, outcome) {
        accepted()
    } else {
        runtime_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestID",
            &format!("Invalid request ID: \"{id}\""),
        )
    }
}

/// Completes the in-flight invocation `id`; false when no such invocation is in flight.
fn finish(shared: &Shared, id: &str, outcome: Outcome) -> bool {
    let mut state = shared.lock();
    match state.in_flight.take() {
        Some(pending) if pending.request_id == id => {
            let _ = pending.done.send(outcome);
            true
        }
        other => {
            state.in_flight = other;
            false
        }
    }
}

/// Lambda's `202 {"status":"OK"}`, from static bytes: it answers every event.
fn accepted() -> Response {
    (
        StatusCode::ACCEPTED,
        [(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        Bytes::from_static(br#"{"status":"OK"}"#),
    )
        .into_response()
}

fn runtime_error(status: StatusCode, error_type: &str, message: &str) -> Response {
    let body = serde_json::json!({"errorMessage": message, "errorType": error_type});
    (status, axum::Json(body)).into_response()
}

/// Lambda's error document.
pub(crate) fn error_document(error_type: &str, message: &str) -> Bytes {
    let doc = serde_json::json!({"errorMessage": message, "errorType": error_type});
    Bytes::from(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Serves `shared`'s Runtime API on a free port.
    async fn serve(shared: Arc<Shared>) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router(shared)).await });
        addr
    }

    async fn call(
        addr: std::net::SocketAddr,
        method: &str,
        path: &str,
        headers: &str,
        body: &str,
    ) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{headers}content-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer.to_ascii_lowercase()
    }

    fn pending(id: &str) -> (Pending, oneshot::Receiver<i64>, oneshot::Receiver<Outcome>) {
        let (started, started_rx) = oneshot::channel();
        let (done, done_rx) = oneshot::channel();
        let pending = Pending {
            request_id: id.into(),
            payload: Bytes::from_static(b"{\"n\":1}"),
            function_arn: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
            timeout: std::time::Duration::from_secs(3),
            started: Some(started),
            done,
        };
        (pending, started_rx, done_rx)
    }

    #[tokio::test]
    async fn next_delivers_the_event_with_lambdas_headers() {
        let shared = Arc::new(Shared::default());
        let addr = serve(shared.clone()).await;
        let (p, started, done) = pending("id-1");
        shared.lock().queued = Some(p);
        let answer = call(addr, "GET", "/2018-06-01/runtime/invocation/next", "", "").await;
        assert!(answer.starts_with("http/1.1 200"), "{answer}");
        assert!(
            answer.contains("lambda-runtime-aws-request-id: id-1"),
            "{answer}"
        );
        assert!(answer.contains(
            "lambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:123456789012:function:f"
        ));
        assert!(
            answer.contains("lambda-runtime-trace-id: root=1-"),
            "{answer}"
        );
        let deadline = started.await.unwrap();
        assert!(
            answer.contains(&format!("lambda-runtime-deadline-ms: {deadline}")),
            "{answer}"
        );
        assert!(answer.ends_with("{\"n\":1}"), "{answer}");

        let answer = call(
            addr,
            "POST",
            "/2018-06-01/runtime/invocation/id-1/response",
            "",
            "42",
        )
        .await;
        assert!(answer.starts_with("http/1.1 202"), "{answer}");
        assert_eq!(
            done.await.unwrap(),
            Outcome::Response(Bytes::from_static(b"42"))
        );
    }

    #[tokio::test]
    async fn next_waits_for_an_event() {
        let shared = Arc::new(Shared::default());
        let addr = serve(shared.clone()).await;
        let poll = tokio::spawn(call(
            addr,
            "GET",
            "/2018-06-01/runtime/invocation/next",
            "",
            "",
        ));
        tokio::task::yield_now().await;
        let (p, _started, _done) = pending("late");
        shared.lock().queued = Some(p);
        shared.wake.notify_waiters();
        let answer = poll.await.unwrap();
        assert!(
            answer.contains("lambda-runtime-aws-request-id: late"),
            "{answer}"
        );
    }

    #[tokio::test]
    async fn error_takes_its_type_from_the_header_and_unknown_ids_are_refused() {
        let shared = Arc::new(Shared::default());
        let addr = serve(shared.clone()).await;
        let (p, _started, done) = pending("id-2");
        shared.lock().in_flight = Some(p);
        let answer = call(
            addr,
            "POST",
            "/2018-06-01/runtime/invocation/other/response",
            "",
            "1",
        )
        .await;
        assert!(
            answer.starts_with("http/1.1 400") && answer.contains("invalidrequestid"),
            "{answer}"
        );
        let body = r#"{"errorMessage":"boom","errorType":"FromBody"}"#;
        let header = "lambda-runtime-function-error-type: Custom.Error\r\n";
        let answer = call(
            addr,
            "POST",
            "/2018-06-01/runtime/invocation/id-2/error",
            header,
            body,
        )
        .await;
        assert!(answer.starts_with("http/1.1 202"), "{answer}");
        let Outcome::Error { error_type, .. } = done.await.unwrap() else {
            panic!("not an error")
        };
        assert_eq!(error_type, "Custom.Error");
    }

    #[tokio::test]
    async fn init_error_is_kept_for_the_exit() {
        let shared = Arc::new(Shared::default());
        let addr = serve(shared.clone()).await;
        let body = r#"{"errorMessage":"no config","errorType":"Runtime.ConfigError"}"#;
        let answer = call(addr, "POST", "/2018-06-01/runtime/init/error", "", body).await;
        assert!(answer.starts_with("http/1.1 202"), "{answer}");
        let kept = shared.lock().init_error.clone();
        assert!(
            matches!(kept, Some(Outcome::Error { error_type, .. }) if error_type == "Runtime.ConfigError")
        );
    }

    #[test]
    fn trace_id_has_xray_root_format() {
        let id = trace_id("8476a536-e9f4-11e8-9739-2dfe598c3fcd", 0x5bf0_0000);
        assert_eq!(
            id,
            "Root=1-5bf00000-8476a536e9f411e897392dfe;Parent=97392dfe598c3fcd;Sampled=0;Lineage=local"
        );
    }
}
