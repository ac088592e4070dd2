//! Every HTTP status path of the example app, through both API Gateway payload versions.

use flagon::PayloadVersion::{self, V1, V2};
use flagon::test::Client;
use serde_json::{Value, json};

fn client(version: PayloadVersion) -> Client {
    Client::new(helloworld::app())
        .unwrap()
        .payload_version(version)
}

const BOTH: [PayloadVersion; 2] = [V1, V2];

#[tokio::test]
async fn index_answers_json() {
    for v in BOTH {
        let r = client(v).get("/").await;
        assert_eq!(r.status, 200, "{v:?}");
        assert_eq!(r.json::<Value>(), json!({"hello": "world"}), "{v:?}");
        assert_eq!(r.header("content-type"), Some("application/json"), "{v:?}");
    }
}

#[tokio::test]
async fn path_parameters_and_json_bodies_reach_the_handler() {
    for v in BOTH {
        let c = client(v);
        assert_eq!(
            c.get("/users/7").await.json::<Value>(),
            json!({"id": 7, "name": "user 7"})
        );
        let r = c.put("/users/3").json(&json!({"name": "Ada"})).await;
        assert_eq!(r.status, 201, "{v:?}");
        assert_eq!(r.json::<Value>(), json!({"id": 3, "name": "Ada"}));
    }
}

#[tokio::test]
async fn greedy_path_parameters_arrive_url_decoded() {
    for v in BOTH {
        let r = client(v).get("/files/docs/My%20Report%C3%A9.pdf").await;
        assert_eq!(
            r.json::<Value>(),
            json!({"path": "docs/My Reporté.pdf"}),
            "{v:?}"
        );
        // API Gateway may also hand over a decoded path: it must route the same.
        let r = client(v).get("/files/docs/My Report.pdf").await;
        assert_eq!(
            r.json::<Value>(),
            json!({"path": "docs/My Report.pdf"}),
            "{v:?}"
        );
    }
}

#[tokio::test]
async fn unknown_path_is_a_404_with_a_json_body() {
    for v in BOTH {
        let r = client(v).get("/nowhere").await;
        assert_eq!(r.status, 404, "{v:?}");
        assert_eq!(r.json::<Value>()["Code"], "NotFoundError", "{v:?}");
    }
}

#[tokio::test]
async fn known_path_with_another_method_is_a_405_with_allow() {
    for v in BOTH {
        let r = client(v).delete("/users/1").await;
        assert_eq!(r.status, 405, "{v:?}");
        assert_eq!(r.header("allow"), Some("GET,HEAD,PUT"), "{v:?}");
        assert_eq!(r.json::<Value>()["Code"], "MethodNotAllowedError", "{v:?}");
    }
}

#[tokio::test]
async fn missing_required_query_parameter_is_a_400_naming_it() {
    for v in BOTH {
        let c = client(v);
        let r = c.get("/search").await;
        assert_eq!(r.status, 400, "{v:?}");
        assert_eq!(
            r.json::<Value>(),
            json!({"Code": "BadRequestError", "Message": "Missing required query parameter: q"})
        );
        let r = c.get("/search?q=rust%20lambda&page=2").await;
        assert_eq!(r.status, 200, "{v:?}");
        assert_eq!(r.json::<Value>(), json!({"q": "rust lambda"}), "{v:?}");
    }
}

#[tokio::test]
async fn unaccepted_content_type_is_a_415() {
    for v in BOTH {
        let c = client(v);
        let r = c
            .post("/upload")
            .header("content-type", "text/plain")
            .bytes("hi")
            .await;
        assert_eq!(r.status, 415, "{v:?}");
        assert_eq!(r.json::<Value>()["Code"], "UnsupportedMediaType", "{v:?}");
        let r = c.post("/upload").json(&json!({"a": 1})).await;
        assert_eq!(r.status, 200, "{v:?}");
        assert_eq!(r.json::<Value>(), json!({"received": {"a": 1}}));
        let r = c
            .post("/upload")
            .header("content-type", "application/json; charset=utf-8")
            .bytes("{}")
            .await;
        assert_eq!(r.status, 200, "{v:?}: parameters of the type do not matter");
    }
}

#[tokio::test]
async fn malformed_json_body_is_rejected_by_the_extractor() {
    for v in BOTH {
        let r = client(v)
            .post("/upload")
            .header("content-type", "application/json")
            .bytes("{")
            .await;
        assert_eq!(r.status, 400, "{v:?}");
    }
}

#[tokio::test]
async fn every_chalice_error_maps_to_its_status() {
    let expected = [
        (400, "BadRequestError"),
        (401, "UnauthorizedError"),
        (403, "ForbiddenError"),
        (404, "NotFoundError"),
        (405, "MethodNotAllowedError"),
        (408, "RequestTimeoutError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "TooManyRequestsError"),
    ];
    for v in BOTH {
        let c = client(v);
        for (status, code) in expected {
            let r = c.get(&format!("/errors/{status}")).await;
            assert_eq!(r.status, status, "{v:?}");
            assert_eq!(r.json::<Value>()["Code"], code, "{v:?}");
        }
    }
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_that_leaks_nothing_and_the_next_request_is_served() {
    for v in BOTH {
        let c = client(v);
        let r = c.get("/panic").await;
        assert_eq!(r.status, 500, "{v:?}");
        assert_eq!(
            r.json::<Value>(),
            json!({"Code": "InternalServerError", "Message": "An internal server error occurred."})
        );
        assert!(!r.text().contains("hunter2"));
        assert_eq!(
            c.get("/").await.status,
            200,
            "{v:?}: served after the panic"
        );
    }
}

#[tokio::test]
async fn an_unexpected_error_is_a_500_that_leaks_nothing() {
    for v in BOTH {
        let r = client(v).get("/fail").await;
        assert_eq!(r.status, 500, "{v:?}");
        assert!(!r.text().contains("db.internal"), "{v:?}: {}", r.text());
    }
}

#[tokio::test]
async fn binary_media_is_base64_both_ways() {
    for v in BOTH {
        let c = client(v);
        let r = c.get("/image").await;
        assert!(r.base64, "{v:?}: image/png is a binary media type");
        assert_eq!(r.body, helloworld::PIXEL, "{v:?}");
        let r = c
            .post("/image")
            .header("content-type", "application/octet-stream")
            .bytes(vec![1u8, 2, 0xff])
            .await;
        assert!(r.base64, "{v:?}");
        assert_eq!(r.body, [0xff, 2, 1], "{v:?}");
    }
}

#[tokio::test]
async fn binary_request_bodies_arrive_base64_encoded_in_the_event() {
    let c = client(V1);
    let request = c
        .post("/image")
        .header("content-type", "application/octet-stream")
        .bytes(vec![0u8, 0xff]);
    let event = request.event();
    assert_eq!(event["isBase64Encoded"], true);
    assert_eq!(event["body"], "AP8=");
}

#[tokio::test]
async fn cors_preflight_is_answered_for_each_allowed_origin() {
    for v in BOTH {
        let c = client(v);
        for origin in ["https://app.example.com", "https://admin.example.com"] {
            let r = c
                .options("/cors")
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .await;
            assert_eq!(r.status, 200, "{v:?}");
            assert_eq!(
                r.header("access-control-allow-origin"),
                Some(origin),
                "{v:?}"
            );
            assert_eq!(
                r.header("access-control-allow-methods"),
                Some("GET,POST,OPTIONS"),
                "{v:?}"
            );
            assert_eq!(r.header("access-control-max-age"), Some("600"), "{v:?}");
            assert_eq!(
                r.header("access-control-allow-credentials"),
                Some("true"),
                "{v:?}"
            );
            let allowed = r.header("access-control-allow-headers").unwrap();
            assert!(
                allowed.contains("Content-Type") && allowed.contains("X-Trace-Id"),
                "{allowed}"
            );
        }
        let r = c
            .options("/cors")
            .header("origin", "https://evil.example")
            .await;
        assert_eq!(
            r.header("access-control-allow-origin"),
            None,
            "{v:?}: other origins get no grant"
        );
    }
}

#[tokio::test]
async fn cors_headers_come_with_answers() {
    for v in BOTH {
        let r = client(v)
            .get("/cors")
            .header("origin", "https://admin.example.com")
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://admin.example.com")
        );
        assert_eq!(
            r.header("access-control-expose-headers"),
            Some("X-Request-Id")
        );
        assert_eq!(r.header("vary"), Some("Origin"));
        // A route without CORS has none.
        let r = client(v)
            .get("/")
            .header("origin", "https://admin.example.com")
            .await;
        assert_eq!(r.header("access-control-allow-origin"), None);
    }
}

#[tokio::test]
async fn rest_answers_carry_multi_value_headers() {
    let r = client(V1).get("/cookies").await;
    assert_eq!(
        r.raw["multiValueHeaders"]["set-cookie"],
        json!(["session=abc; Path=/; HttpOnly", "theme=dark; Path=/"])
    );
    assert!(r.raw.get("cookies").is_none());
}

#[tokio::test]
async fn http_api_answers_carry_cookies() {
    let r = client(V2).get("/cookies").await;
    assert_eq!(
        r.raw["cookies"],
        json!(["session=abc; Path=/; HttpOnly", "theme=dark; Path=/"])
    );
    assert!(r.raw["headers"].get("set-cookie").is_none());
    assert_eq!(r.text(), "cookies set");
}

#[tokio::test]
async fn a_stage_prefix_in_the_path_does_not_break_routing() {
    for v in BOTH {
        let c = client(v).stage("dev");
        let mut event = c.get("/users/5").event();
        match v {
            V1 => event["path"] = json!("/dev/users/5"),
            V2 => {
                event["rawPath"] = json!("/dev/users/5");
                event["requestContext"]["stage"] = json!("dev");
            }
        }
        let answer = c.invoke("api_handler", event).await.unwrap();
        assert_eq!(answer["statusCode"], 200, "{v:?}: {answer}");
        assert_eq!(answer["body"], r#"{"id":5,"name":"user 5"}"#);
    }
}

#[tokio::test]
async fn multi_value_query_parameters_reach_the_handler() {
    let r = client(V1).get("/search?q=a&q=b").await;
    // `Query<HashMap>` keeps one of them; both were in the event.
    assert_eq!(r.status, 200);
    let event = client(V1).get("/search?q=a&q=b").event();
    assert_eq!(
        event["multiValueQueryStringParameters"]["q"],
        json!(["a", "b"])
    );
}

#[tokio::test]
async fn tower_layers_apply_to_routes() {
    for v in BOTH {
        let r = client(v).get("/greeting").await;
        assert_eq!(r.status, 200, "{v:?}");
        assert_eq!(r.text(), "hello from a layer", "{v:?}");
    }
}

#[tokio::test]
async fn routes_share_the_state_given_by_with_state() {
    for v in BOTH {
        let c = client(v);
        assert_eq!(c.get("/visits").await.json::<Value>(), json!({"visits": 0}));
        assert_eq!(
            c.post("/visits").await.json::<Value>(),
            json!({"visits": 1})
        );
        let r = c.post("/visits").await;
        assert_eq!(r.status, 200, "{v:?}");
        assert_eq!(r.json::<Value>(), json!({"visits": 2}), "{v:?}");
        assert_eq!(c.get("/visits").await.json::<Value>(), json!({"visits": 2}));
    }
}
