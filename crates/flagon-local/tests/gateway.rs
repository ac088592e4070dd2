//! The HTTP gateway end to end: real HTTP in, a Python handler under awslambdaric behind the
//! Runtime API emulator, API Gateway's answers out.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use common::http::{Response, request};
use flagon_local::{ApiType, AppSpec, Emulator, gateway};
use flagon_manifest::{Api, Cors, Route};
use serde_json::{Value, json};

fn route(path: &str, methods: &[&str]) -> Route {
    Route {
        path: path.into(),
        methods: methods.iter().map(|m| (*m).to_owned()).collect(),
        cors: None,
        content_types: vec![],
        required_query_params: vec![],
        api_key_required: false,
        authorizer: None,
    }
}

async fn start(api_type: ApiType) -> Option<(SocketAddr, Arc<Emulator>)> {
    let python = common::python_with_awslambdaric()?;
    let mut with_cors = route("/cors", &["GET", "PUT"]);
    with_cors.cors = Some(Cors {
        allow_origins: vec!["https://example.com".into()],
        allow_headers: vec!["X-Custom".into()],
        expose_headers: vec!["X-Total".into()],
        max_age: Some(600),
        allow_credentials: true,
    });
    let mut keyed = route("/keyed", &["GET"]);
    keyed.api_key_required = true;
    let api = Api {
        function: "api_handler".into(),
        binary_media_types: vec!["image/*".into()],
        routes: vec![
            route("/", &["GET"]),
            route("/users/{id}", &["GET", "PUT"]),
            route("/users/me", &["GET"]),
            route("/files/{path+}", &["GET", "POST"]),
            with_cors,
            keyed,
        ],
    };
    let mut function = common::python_function(&python, "api_handler", "api");
    function.timeout = std::time::Duration::from_secs(2);
    let app = AppSpec {
        app: "gw".into(),
        region: "us-east-1".into(),
        api: Some(api),
        api_type,
        api_stage: "api".into(),
        functions: vec![function],
    };
    let emulator = Emulator::new(app);
    let listener = gateway::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(gateway::serve(listener, emulator.clone()));
    Some((addr, emulator))
}

/// Objects with their keys sorted: the query and path parameter maps are hash maps, whose
/// order changes from run to run.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The event with what changes between runs replaced, for snapshots.
fn stable(mut event: Value) -> Value {
    let ctx = &mut event["requestContext"];
    for key in [
        "requestId",
        "requestTime",
        "requestTimeEpoch",
        "time",
        "timeEpoch",
    ] {
        if ctx.get(key).is_some() {
            ctx[key] = json!(format!("[{key}]"));
        }
    }
    sorted(event)
}

fn event_of(response: &Response) -> Value {
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

#[tokio::test]
async fn rest_event_is_api_gateway_v1() {
    let Some((addr, _e)) = start(ApiType::Rest).await else {
        return;
    };
    let response = request(
        addr,
        "GET",
        "/users/a%20b?tag=x&tag=y+z&one=1",
        &[
            ("x-multi", "first"),
            ("x-multi", "second"),
            ("user-agent", "test"),
        ],
        b"",
    )
    .await;
    assert!(response.header("x-amzn-requestid").is_some());
    insta::assert_json_snapshot!("rest_event", stable(event_of(&response)));
}

#[tokio::test]
async fn http_api_event_is_v2() {
    let Some((addr, _e)) = start(ApiType::Http).await else {
        return;
    };
    let response = request(
        addr,
        "PUT",
        "/users/42?tag=x&tag=y",
        &[
            ("x-multi", "first"),
            ("x-multi", "second"),
            ("cookie", "a=1; b=2"),
            ("content-type", "application/json"),
            ("user-agent", "test"),
        ],
        br#"{"name":"ada"}"#,
    )
    .await;
    insta::assert_json_snapshot!("http_event", stable(event_of(&response)));
}

#[tokio::test]
async fn most_specific_route_and_greedy_path_are_matched() {
    let Some((addr, _e)) = start(ApiType::Rest).await else {
        return;
    };
    let me = event_of(&request(addr, "GET", "/users/me", &[], b"").await);
    assert_eq!(me["resource"], "/users/me");
    let files = event_of(&request(addr, "GET", "/files/a/b/c.txt", &[], b"").await);
    assert_eq!(files["resource"], "/files/{path+}");
    assert_eq!(files["pathParameters"], json!({"path": "a/b/c.txt"}));
    let root = event_of(&request(addr, "GET", "/", &[], b"").await);
    assert_eq!(root["resource"], "/");
}

#[tokio::test]
async fn unknown_route_or_method_is_403_on_rest() {
    let Some((addr, _e)) = start(ApiType::Rest).await else {
        return;
    };
    for (method, path) in [
        ("GET", "/nope"),
        ("DELETE", "/users/1"),
        ("PUT", "/users/me"),
    ] {
        let response = request(addr, method, path, &[], b"").await;
        assert_eq!(response.status, 403, "{method} {path}");
        assert_eq!(
            response.json(),
            json!({"message": "Missing Authentication Token"})
        );
    }
}

#[tokio::test]
async fn unknown_route_or_method_is_404_on_http_api() {
    let Some((addr, _e)) = start(ApiType::Http).await else {
        return;
    };
    for (method, path) in [("GET", "/nope"), ("DELETE", "/users/1")] {
        let response = request(addr, method, path, &[], b"").await;
        assert_eq!(response.status, 404, "{method} {path}");
        assert_eq!(response.json(), json!({"message": "Not Found"}));
    }
}

/// A route with CORS routes `OPTIONS` to the function, which answers the preflight: the
/// deployed API has the same `OPTIONS` integration (`flagon_render::openapi::route_methods`).
/// The echo handler shows the event it got.
#[tokio::test]
async fn cors_preflight_reaches_the_function() {
    for api_type in [ApiType::Rest, ApiType::Http] {
        let Some((addr, _e)) = start(api_type).await else {
            return;
        };
        let response = request(
            addr,
            "OPTIONS",
            "/cors",
            &[
                ("origin", "https://example.com"),
                ("access-control-request-method", "PUT"),
            ],
            b"",
        )
        .await;
        assert_eq!(response.status, 200, "{api_type:?}");
        let event = response.json();
        let method = match api_type {
            ApiType::Rest => &event["httpMethod"],
            ApiType::Http => &event["requestContext"]["http"]["method"],
        };
        assert_eq!(method, "OPTIONS", "{api_type:?}: {event}");
        assert_eq!(event["headers"]["origin"], "https://example.com");
        assert_eq!(event["headers"]["access-control-request-method"], "PUT");
        // No CORS on the route: no OPTIONS method either, API Gateway's unknown-method answer.
        let plain = request(
            addr,
            "OPTIONS",
            "/users/1",
            &[("origin", "https://example.com")],
            b"",
        )
        .await;
        let unknown = match api_type {
            ApiType::Rest => 403,
            ApiType::Http => 404,
        };
        assert_eq!(plain.status, unknown, "{api_type:?}");
    }
}

#[tokio::test]
async fn binary_request_is_base64_and_binary_response_is_decoded() {
    for api_type in [ApiType::Rest, ApiType::Http] {
        let Some((addr, _e)) = start(api_type).await else {
            return;
        };
        let png = [0x89, b'P', b'N', b'G', 0, 0xff];
        let event = event_of(
            &request(
                addr,
                "POST",
                "/files/up.png",
                &[("content-type", "image/png")],
                &png,
            )
            .await,
        );
        assert_eq!(event["isBase64Encoded"], true, "{api_type:?}");
        assert_eq!(event["body"], "iVBORwD/", "{api_type:?}");
        let binary = request(
            addr,
            "GET",
            "/files/binary",
            &[("accept", "image/png")],
            b"",
        )
        .await;
        assert_eq!(binary.status, 200);
        assert_eq!(binary.header("content-type"), Some("image/png"));
        assert_eq!(binary.body, b"\x89PNG\x00\x01\x02", "{api_type:?}");
    }
}

#[tokio::test]
async fn multi_value_headers_and_cookies_come_back() {
    let Some((addr, _e)) = start(ApiType::Rest).await else {
        return;
    };
    let response = request(addr, "GET", "/files/multi", &[], b"").await;
    assert_eq!(response.status, 201);
    assert_eq!(response.headers_named("x-multi"), ["a", "b"]);
    assert_eq!(response.body, b"made");

    let Some((addr, _e)) = start(ApiType::Http).await else {
        return;
    };
    let response = request(addr, "GET", "/files/multi", &[], b"").await;
    assert_eq!(response.status, 201);
    assert_eq!(response.headers_named("set-cookie"), ["a=1", "b=2"]);
}

#[tokio::test]
async fn payload_over_six_megabytes_is_413() {
    let Some((addr, _e)) = start(ApiType::Rest).await else {
        return;
    };
    let big = vec![b'x'; 6 * 1024 * 1024 + 1];
    let response = request(
        addr,
        "POST",
        "/files/big",
        &[("content-type", "text/plain")],
        &big,
    )
    .await;
    assert_eq!(response.status, 413);
}

#[tokio::test]
async fn failing_broken_or_slow_function_is_an_integration_error() {
    for (api_type, status, message) in [
        (ApiType::Rest, 502, "Internal server error"),
        (ApiType::Http, 500, "Internal Server Error"),
    ] {
        let Some((addr, _e)) = start(api_type).await else {
            return;
        };
        for path in ["/files/fail", "/files/slow"] {
            let response = request(addr, "GET", path, &[], b"").await;
            assert_eq!(response.status, status, "{api_type:?} {path}");
            assert_eq!(response.json(), json!({"message": message}));
        }
        let broken = request(addr, "GET", "/files/broken", &[], b"").await;
        match api_type {
            // A JSON string is not a proxy response for REST ...
            ApiType::Rest => assert_eq!(broken.status, 502),
            // ... while HTTP API takes any JSON as a 200 body.
            ApiType::Http => assert_eq!(broken.body, br#""not a proxy response""#),
        }
    }
}

#[tokio::test]
async fn concurrent_requests_are_all_answered() {
    let Some((addr, emulator)) = start(ApiType::Http).await else {
        return;
    };
    let calls: Vec<_> = (0..12)
        .map(|i| {
            tokio::spawn(
                async move { request(addr, "GET", &format!("/users/{i}"), &[], b"").await },
            )
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        let event = event_of(&call.await.unwrap());
        assert_eq!(event["pathParameters"]["id"], i.to_string());
    }
    let started = emulator.pool("api_handler").unwrap().instances_started();
    assert!((1..=8).contains(&started), "{started} instances");
}

#[tokio::test]
async fn api_key_route_needs_the_header_on_rest() {
    let Some((addr, _e)) = start(ApiType::Rest).await else {
        return;
    };
    let refused = request(addr, "GET", "/keyed", &[], b"").await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json(), json!({"message": "Forbidden"}));
    let allowed = request(addr, "GET", "/keyed", &[("x-api-key", "any")], b"").await;
    assert_eq!(allowed.status, 200);
}
