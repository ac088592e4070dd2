//! axum's extractor rejections are answered with Chalice's JSON error body, in both payload
//! versions, with the status axum chose.

use flagon::prelude::*;
use flagon::test::{Client, PayloadVersion, TestResponse};
use serde::Deserialize;

#[derive(Deserialize)]
struct NewItem {
    #[allow(dead_code)]
    name: String,
}

#[derive(Deserialize)]
struct Page {
    #[allow(dead_code)]
    limit: u32,
}

async fn create(Json(_item): Json<NewItem>) -> &'static str {
    "created"
}

async fn item(Path(_id): Path<u32>) -> &'static str {
    "item"
}

async fn list(Query(_page): Query<Page>) -> &'static str {
    "list"
}

async fn teapot_text() -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "text/plain")],
        "deliberately plain",
    )
}

fn client(version: PayloadVersion) -> Client {
    let app = App::new("rejections")
        .route("/items", post(create).get(list))
        .route("/items/{id}", get(item))
        .route("/plain", get(teapot_text));
    Client::new(app)
        .expect("the app declares")
        .payload_version(version)
}

const VERSIONS: [PayloadVersion; 2] = [PayloadVersion::V1, PayloadVersion::V2];

fn assert_chalice(response: &TestResponse, status: u16, code: &str, message_starts: &str) {
    assert_eq!(response.status, status, "body: {}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body: Value = response.json();
    assert_eq!(body["Code"], code, "body: {body}");
    let message = body["Message"].as_str().expect("Message is a string");
    assert!(
        message.starts_with(message_starts),
        "message {message:?} should start with {message_starts:?}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "body: {body}");
}

#[tokio::test]
async fn malformed_json_body_is_a_chalice_bad_request() {
    for version in VERSIONS {
        let response = client(version)
            .post("/items")
            .header("content-type", "application/json")
            .bytes(b"{\"name\": ".to_vec())
            .send()
            .await;
        assert_chalice(
            &response,
            400,
            "BadRequestError",
            "Failed to parse the request body as JSON",
        );
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_chalice_unprocessable_entity() {
    for version in VERSIONS {
        let response = client(version)
            .post("/items")
            .json(&json!({"title": "no name"}))
            .send()
            .await;
        assert_chalice(
            &response,
            422,
            "UnprocessableEntityError",
            "Failed to deserialize the JSON body",
        );
    }
}

#[tokio::test]
async fn json_without_json_content_type_is_a_chalice_unsupported_media_type() {
    for version in VERSIONS {
        let response = client(version)
            .post("/items")
            .header("content-type", "text/csv")
            .bytes(b"name\nx".to_vec())
            .send()
            .await;
        assert_chalice(
            &response,
            415,
            "UnsupportedMediaType",
            "Expected request with `Content-Type: application/json`",
        );
    }
}

#[tokio::test]
async fn unparsable_path_parameter_is_a_chalice_bad_request() {
    for version in VERSIONS {
        let response = client(version).get("/items/seven").send().await;
        assert_chalice(&response, 400, "BadRequestError", "Invalid URL");
    }
}

#[tokio::test]
async fn bad_query_string_is_a_chalice_bad_request() {
    for version in VERSIONS {
        let response = client(version).get("/items?limit=many").send().await;
        assert_chalice(
            &response,
            400,
            "BadRequestError",
            "Failed to deserialize query string",
        );
    }
}

#[tokio::test]
async fn plain_text_4xx_with_its_own_content_type_is_left_alone() {
    for version in VERSIONS {
        let response = client(version).get("/plain").send().await;
        assert_eq!(response.status, 400);
        assert_eq!(response.header("content-type"), Some("text/plain"));
        assert_eq!(response.text(), "deliberately plain");
    }
}
