//! `any(...)` routes: every method reaches the handler, `"ANY"` is what the manifest says, and
//! with CORS the browser's preflight is answered by Flagon (API Gateway sends `OPTIONS` to the
//! function, since `ANY` covers it) with every method allowed.

use flagon::prelude::*;
use flagon::test::{Client, PayloadVersion};

async fn echo_method(method: http::Method) -> String {
    method.to_string()
}

fn client(version: PayloadVersion) -> Client {
    let app = App::new("anyroute").route(
        "/files/{proxy+}",
        any(echo_method).cors(Cors::origin("https://a.example")),
    );
    Client::new(app)
        .expect("the app declares")
        .payload_version(version)
}

#[test]
fn any_route_is_any_in_the_manifest() {
    let client = client(PayloadVersion::V1);
    let routes = &client.manifest().api.as_ref().expect("an API").routes;
    assert_eq!(routes[0].methods, ["ANY"]);
}

#[tokio::test]
async fn every_method_reaches_an_any_handler() {
    for version in [PayloadVersion::V1, PayloadVersion::V2] {
        let c = client(version);
        for (response, method) in [
            (c.get("/files/a/b").await, "GET"),
            (c.post("/files/a").await, "POST"),
            (c.delete("/files/a").await, "DELETE"),
        ] {
            assert_eq!(response.status, 200, "{version:?} {method}");
            assert_eq!(response.text(), method, "{version:?}");
        }
    }
}

#[tokio::test]
async fn cors_preflight_of_an_any_route_allows_every_method() {
    for version in [PayloadVersion::V1, PayloadVersion::V2] {
        let r = client(version)
            .options("/files/a")
            .header("origin", "https://a.example")
            .header("access-control-request-method", "PATCH")
            .await;
        assert_eq!(r.status, 200, "{version:?}");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://a.example"),
            "{version:?}"
        );
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("DELETE,GET,HEAD,PATCH,POST,PUT,OPTIONS"),
            "{version:?}"
        );
        assert!(r.header("access-control-allow-headers").is_some());
    }
}
