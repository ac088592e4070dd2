//! The test client: HTTP requests and events through the same dispatch as Lambda, no sockets.
//!
//! A request becomes a real API Gateway event (REST payload 1.0 by default,
//! [`Client::http_api`] for HTTP API payload 2.0), dispatched to the API function; the answer
//! is read back from the API Gateway response, base64 and all. Events come from
//! [`events`], generators of AWS-shaped JSON.
//!
//! ```
//! use flagon::prelude::*;
//! use flagon::test::Client;
//!
//! async fn user(Path(id): Path<u32>) -> Json<Value> { Json(json!({"id": id})) }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let client = Client::new(App::new("demo").route("/users/{id}", get(user))).unwrap();
//! let response = client.get("/users/7").await;
//! assert_eq!(response.status, 200);
//! assert_eq!(response.json::<Value>()["id"], 7);
//! # });
//! ```

pub mod events;

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use flagon_manifest::{DEFAULT_API_FUNCTION, Manifest};
use http::{HeaderMap, HeaderName, HeaderValue};
use lambda_runtime::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::dispatch::Dispatcher;
pub use crate::http::apigw::PayloadVersion;
use crate::{App, DispatchError, Error};

/// An in-process client of a finalised app.
#[derive(Clone)]
pub struct Client {
    dispatcher: Dispatcher,
    manifest: Manifest,
    version: PayloadVersion,
    stage: String,
}

impl Client {
    /// Finalises the app (returning its first declaration error) and sends REST API events.
    pub fn new(app: App) -> Result<Self, Error> {
        let (manifest, dispatcher) = app.finish()?;
        Ok(Self {
            dispatcher,
            manifest,
            version: PayloadVersion::V1,
            stage: "api".to_owned(),
        })
    }

    /// Sends HTTP API (payload 2.0) events instead.
    pub fn http_api(mut self) -> Self {
        self.version = PayloadVersion::V2;
        self
    }

    /// Sends events of this payload version.
    pub fn payload_version(mut self, version: PayloadVersion) -> Self {
        self.version = version;
        self
    }

    /// The stage named in request contexts (`api` by default).
    pub fn stage(mut self, stage: impl Into<String>) -> Self {
        self.stage = stage.into();
        self
    }

    /// The dispatcher, the path Lambda uses (for benches and custom harnesses).
    pub fn dispatcher(&self) -> Dispatcher {
        self.dispatcher.clone()
    }

    /// The app's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// A request with any method.
    pub fn request(&self, method: &str, path: &str) -> RequestBuilder<'_> {
        RequestBuilder {
            client: self,
            method: method.to_uppercase(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `GET` request; `.await` it, or add headers first.
    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.request("GET", path)
    }

    /// A `POST` request.
    pub fn post(&self, path: &str) -> RequestBuilder<'_> {
        self.request("POST", path)
    }

    /// A `PUT` request.
    pub fn put(&self, path: &str) -> RequestBuilder<'_> {
        self.request("PUT", path)
    }

    /// A `DELETE` request.
    pub fn delete(&self, path: &str) -> RequestBuilder<'_> {
        self.request("DELETE", path)
    }

    /// An `OPTIONS` request (a CORS preflight, with an `Origin` header).
    pub fn options(&self, path: &str) -> RequestBuilder<'_> {
        self.request("OPTIONS", path)
    }

    /// Invokes the handler `name` with a raw event, exactly as Lambda would.
    pub async fn invoke(&self, name: &str, event: Value) -> Result<Value, DispatchError> {
        self.dispatcher
            .dispatch(name, event, Context::default())
            .await
    }
}

/// A request being built; `.await` sends it.
pub struct RequestBuilder<'a> {
    client: &'a Client,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl RequestBuilder<'_> {
    /// Adds a header (several with one name make a multi-value header).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A JSON body, with `Content-Type: application/json`.
    pub fn json<T: Serialize>(self, body: &T) -> Self {
        // Test data that does not serialise is a bug in the test: say so plainly.
        let bytes = serde_json::to_vec(body).expect("the test's JSON body serialises");
        self.header("content-type", "application/json").bytes(bytes)
    }

    /// A raw body; sent base64-encoded, as API Gateway sends binary media.
    pub fn bytes(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The API Gateway event this request becomes.
    pub fn event(&self) -> Value {
        let (path, query) = match self.path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (self.path.as_str(), None),
        };
        let body = self.body.as_ref().map(|b| match std::str::from_utf8(b) {
            Ok(text) if !is_binary_request(&self.headers) => (text.to_owned(), false),
            _ => (BASE64.encode(b), true),
        });
        let request = events::HttpRequest {
            method: &self.method,
            path,
            query,
            headers: &self.headers,
            body: body.as_ref().map(|(b, encoded)| (b.as_str(), *encoded)),
            stage: &self.client.stage,
        };
        match self.client.version {
            PayloadVersion::V1 => events::rest_api_request(&request),
            PayloadVersion::V2 => events::http_api_request(&request),
        }
    }

    /// Sends the request.
    pub async fn send(self) -> TestResponse {
        let event = self.event();
        let version = self.client.version;
        let result = self
            .client
            .dispatcher
            .dispatch(DEFAULT_API_FUNCTION, event, Context::default())
            .await;
        match result {
            Ok(value) => TestResponse::from_event(version, &value),
            // The API function turns every handler failure into a response; an error here
            // means the app has no routes or the event was malformed: a broken test.
            Err(error) => panic!("the API function did not answer: {error}"),
        }
    }
}

fn is_binary_request(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("content-type")
            && !(v.starts_with("text/")
                || v.contains("json")
                || v.contains("xml")
                || v.contains("form-urlencoded"))
    })
}

impl<'a> IntoFuture for RequestBuilder<'a> {
    type Output = TestResponse;
    type IntoFuture = Pin<Box<dyn Future<Output = TestResponse> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// An answer, read back from the API Gateway response.
#[derive(Debug, Clone)]
pub struct TestResponse {
    /// The status code.
    pub status: u16,
    /// The headers (multi-value headers and, for HTTP API, cookies as `set-cookie`).
    pub headers: HeaderMap,
    /// The body, base64-decoded when API Gateway would decode it.
    pub body: Vec<u8>,
    /// Whether the response was base64-encoded (binary) in the event.
    pub base64: bool,
    /// The API Gateway response as the function returned it.
    pub raw: Value,
}

impl TestResponse {
    fn from_event(version: PayloadVersion, raw: &Value) -> Self {
        let status = raw["statusCode"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        let mut headers = HeaderMap::new();
        let mut add = |k: &str, v: &str| {
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.append(k, v);
            }
        };
        match version {
            PayloadVersion::V1 => {
                for (k, values) in raw["multiValueHeaders"].as_object().into_iter().flatten() {
                    for v in values.as_array().into_iter().flatten() {
                        add(k, v.as_str().unwrap_or(""));
                    }
                }
            }
            PayloadVersion::V2 => {
                for (k, v) in raw["headers"].as_object().into_iter().flatten() {
                    add(k, v.as_str().unwrap_or(""));
                }
                for cookie in raw["cookies"].as_array().into_iter().flatten() {
                    add("set-cookie", cookie.as_str().unwrap_or(""));
                }
            }
        }
        let base64 = raw["isBase64Encoded"].as_bool().unwrap_or(false);
        let text = raw["body"].as_str().unwrap_or("");
        let body = if base64 {
            BASE64
                .decode(text)
                .unwrap_or_else(|e| panic!("the response body is not base64: {e}"))
        } else {
            text.as_bytes().to_vec()
        };
        Self {
            status,
            headers,
            body,
            base64,
            raw: raw.clone(),
        }
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics with the body when it is not `T`, as a test assertion.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body is not the expected JSON ({e}): {}", self.text()))
    }

    /// One header's value (the first), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
