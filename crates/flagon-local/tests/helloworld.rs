//! `cargo flagon local` on the example app, `examples/helloworld`: its real binary, built
//! with cargo into the workspace's target dir, under the emulator. Every route's status
//! path over both payload versions, and every event generator through the real runtime's
//! typed handlers.

mod common;

use std::net::SocketAddr;

use common::http::request;
use flagon_local::app::{AppSource, Settings};
use flagon_local::event_source::{self, EventSource};
use flagon_local::run::{self, LocalOptions, Running};
use flagon_local::{ApiType, Outcome};
use serde_json::{Value, json};

async fn start(api_type: ApiType) -> Running {
    let options = LocalOptions {
        source: AppSource {
            dir: common::workspace_root().join("examples/helloworld"),
            bin: None,
            release: false,
        },
        settings: Settings {
            api_type,
            ..Settings::default()
        },
        api_addr: "127.0.0.1:0".into(),
        lambda_addr: Some("127.0.0.1:0".into()),
        schedules: None,
        reload: false,
        configure: None,
    };
    run::start(options)
        .await
        .expect("examples/helloworld builds and describes itself")
}

async fn get(addr: SocketAddr, path: &str) -> common::http::Response {
    request(addr, "GET", path, &[], b"").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_status_over_both_payload_versions() {
    for (api_type, unknown) in [(ApiType::Rest, 403), (ApiType::Http, 404)] {
        let running = start(api_type).await;
        let addr = running.api_addr;
        let ctx = format!("{api_type:?}");

        let r = get(addr, "/").await;
        assert_eq!(
            (r.status, r.json()),
            (200, json!({"hello": "world"})),
            "{ctx}"
        );
        let r = get(addr, "/users/7").await;
        assert_eq!(r.json(), json!({"id": 7, "name": "user 7"}), "{ctx}");
        assert_eq!(get(addr, "/users/0").await.status, 404, "{ctx}");
        let r = request(
            addr,
            "PUT",
            "/users/3",
            &[("content-type", "application/json")],
            br#"{"name":"ada"}"#,
        )
        .await;
        assert_eq!(
            (r.status, r.json()),
            (201, json!({"id": 3, "name": "ada"})),
            "{ctx}"
        );
        let r = get(addr, "/files/a%20b/c.txt").await;
        assert_eq!(r.json(), json!({"path": "a b/c.txt"}), "{ctx}");
        assert_eq!(get(addr, "/search").await.status, 400, "{ctx}");
        assert_eq!(
            get(addr, "/search?q=rust").await.json(),
            json!({"q": "rust"}),
            "{ctx}"
        );
        let r = request(
            addr,
            "POST",
            "/upload",
            &[("content-type", "text/plain")],
            b"x",
        )
        .await;
        assert_eq!(r.status, 415, "{ctx}");
        for status in [400, 401, 403, 404, 405, 408, 409, 422, 429] {
            assert_eq!(
                get(addr, &format!("/errors/{status}")).await.status,
                status,
                "{ctx}"
            );
        }
        for path in ["/panic", "/fail"] {
            let r = get(addr, path).await;
            assert_eq!(r.status, 500, "{ctx} {path}");
            let body = String::from_utf8_lossy(&r.body);
            assert!(
                !body.contains("hunter2") && !body.contains("db.internal"),
                "{body}"
            );
        }
        // The process survived the panic: the same warm instance still answers.
        assert_eq!(get(addr, "/").await.status, 200, "{ctx}");

        let r = request(addr, "GET", "/image", &[("accept", "image/png")], b"").await;
        assert_eq!(
            (r.status, r.body.as_slice()),
            (200, helloworld_pixel()),
            "{ctx}"
        );
        let r = request(
            addr,
            "POST",
            "/image",
            &[
                ("content-type", "image/png"),
                ("accept", "application/octet-stream"),
            ],
            &[1, 2, 0xff],
        )
        .await;
        assert_eq!(r.body, [0xff, 2, 1], "{ctx}");
        let r = get(addr, "/cookies").await;
        assert_eq!(
            r.headers_named("set-cookie").len(),
            2,
            "{ctx} {:?}",
            r.headers
        );

        let r = request(
            addr,
            "OPTIONS",
            "/cors",
            &[("origin", "https://admin.example.com")],
            b"",
        )
        .await;
        // The preflight reaches the app, whose runtime answers it from the route's settings.
        assert_eq!(r.status, 200, "{ctx}");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://admin.example.com")
        );
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("GET,POST,OPTIONS"),
            "{ctx}"
        );
        assert_eq!(r.header("access-control-max-age"), Some("600"), "{ctx}");
        assert_eq!(get(addr, "/nope").await.status, unknown, "{ctx}");
        assert_eq!(
            request(addr, "DELETE", "/", &[], b"").await.status,
            unknown,
            "{ctx}"
        );
    }
}

fn helloworld_pixel() -> &'static [u8] {
    &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89,
    ]
}

/// Invokes `function` with the event `source` generates, through the emulator.
async fn invoke(running: &Running, function: &str, source: EventSource) -> Result<Value, String> {
    let app = running.emulator.app();
    let spec = app
        .function(function)
        .unwrap_or_else(|| panic!("no function {function}"));
    let event = event_source::event(&app, spec, source).unwrap();
    let invocation = running
        .emulator
        .invoke(function, event.to_string().into())
        .await
        .unwrap();
    match invocation.outcome {
        Outcome::Response(body) => Ok(serde_json::from_slice(&body).unwrap()),
        Outcome::Error { body, .. } => Err(String::from_utf8_lossy(&body).into_owned()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_generator_reaches_the_typed_handler() {
    let running = start(ApiType::Rest).await;
    let r = &running;

    assert_eq!(
        invoke(
            r,
            "on_upload",
            EventSource::S3 {
                object: "mybucket/uploads/cat 1.jpg".into()
            }
        )
        .await,
        Ok(Value::Null)
    );
    let err = invoke(
        r,
        "on_upload",
        EventSource::S3 {
            object: "mybucket/uploads/cat.png".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        err.contains("unexpected object mybucket/uploads/cat.png"),
        "{err}"
    );
    assert_eq!(
        invoke(r, "on_upload", EventSource::FromTrigger).await,
        Ok(Value::Null)
    );

    assert_eq!(
        invoke(
            r,
            "on_alert",
            EventSource::Sns {
                message: "disk full".into()
            }
        )
        .await,
        Ok(Value::Null)
    );
    assert!(
        invoke(
            r,
            "on_alert",
            EventSource::Sns {
                message: String::new()
            }
        )
        .await
        .is_err()
    );

    let bodies = vec![
        r#"{"id":1,"action":"ok"}"#.to_owned(),
        r#"{"id":2,"action":"fail"}"#.to_owned(),
    ];
    let answer = invoke(r, "on_job", EventSource::Sqs { bodies })
        .await
        .unwrap();
    assert_eq!(
        answer["batchItemFailures"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );

    let detail = json!({"repositoryName": "flagon"});
    assert_eq!(
        invoke(r, "on_commit", EventSource::EventPattern { detail }).await,
        Ok(Value::Null)
    );
    assert!(
        invoke(
            r,
            "on_commit",
            EventSource::EventPattern { detail: json!({}) }
        )
        .await
        .is_err()
    );

    for schedule in ["every_five_minutes", "hourly", "yearly"] {
        assert_eq!(
            invoke(r, schedule, EventSource::Schedule).await,
            Ok(Value::Null),
            "{schedule}"
        );
    }

    let data = vec![r#"{"page":"/"}"#.to_owned(), "not json".to_owned()];
    let answer = invoke(r, "on_click", EventSource::Kinesis { data })
        .await
        .unwrap();
    assert_eq!(
        answer["batchItemFailures"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );

    let items = vec![json!({"id": "1", "name": "ada"}), json!({"id": "2"})];
    let answer = invoke(r, "on_user_change", EventSource::Dynamodb { items })
        .await
        .unwrap();
    assert_eq!(
        answer["batchItemFailures"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );

    assert_eq!(
        invoke(r, "double", EventSource::Json(json!(21))).await,
        Ok(json!(42))
    );
    let resize = json!({"width": 100, "height": 50, "scale": 1.5});
    assert_eq!(
        invoke(r, "resize", EventSource::Json(resize)).await,
        Ok(json!({"width": 150, "height": 75}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_api_reaches_the_real_binary() {
    let running = start(ApiType::Rest).await;
    let addr = running.lambda_addr.unwrap();
    let r = request(
        addr,
        "POST",
        "/2015-03-31/functions/helloworld-dev-double/invocations",
        &[],
        b"21",
    )
    .await;
    assert_eq!((r.status, r.body.as_slice()), (200, b"42".as_slice()));
    let r = request(
        addr,
        "POST",
        "/2015-03-31/functions/resize/invocations",
        &[],
        br#"{"width":1,"height":1,"scale":0}"#,
    )
    .await;
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
}
