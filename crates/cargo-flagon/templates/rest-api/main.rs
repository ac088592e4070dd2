//! {{name}}: a JSON REST API on AWS Lambda, built with Flagon.
//!
//! Route handlers are axum handlers: any extractor (`Path`, `Query`, `Json`, headers) and any
//! `IntoResponse` work. An `ApiError` becomes its status with a JSON body.
//!
//! `cargo test` runs it in-process, `cargo flagon local` serves it on 127.0.0.1, and
//! `cargo flagon deploy` puts it on AWS Lambda behind API Gateway.

use flagon::prelude::*;
use serde::{Deserialize, Serialize};

/// The app, declared once: `main` runs it and the tests drive it.
fn app() -> App {
    App::new("{{name}}")
        .route("/", get(index))
        .route("/users", post(create_user))
        .route("/users/{id}", get(get_user))
}

#[derive(Debug, Deserialize)]
struct NewUser {
    name: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct User {
    id: u32,
    name: String,
}

async fn index() -> Json<Value> {
    Json(json!({"hello": "world"}))
}

async fn get_user(Path(id): Path<u32>) -> Result<Json<User>, ApiError> {
    // A real app would read a database here (DynamoDB, RDS, ...).
    match id {
        1 => Ok(Json(User { id, name: "Ada".to_owned() })),
        _ => Err(ApiError::not_found(format!("no user {id}"))),
    }
}

async fn create_user(Json(new): Json<NewUser>) -> Result<(StatusCode, Json<User>), ApiError> {
    if new.name.trim().is_empty() {
        return Err(ApiError::bad_request("a user needs a name"));
    }
    Ok((StatusCode::CREATED, Json(User { id: 2, name: new.name })))
}

// One event at a time per instance, as on Lambda: a single-threaded runtime serves it with
// fewer thread wake-ups than the multi-threaded one (`spawn_blocking` still has its pool).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), flagon::Error> {
    app().run().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use flagon::test::Client;

    fn client() -> Client {
        Client::new(app()).unwrap()
    }

    #[tokio::test]
    async fn known_user_is_returned_as_json() {
        let response = client().get("/users/1").await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json::<User>(), User { id: 1, name: "Ada".to_owned() });
    }

    #[tokio::test]
    async fn unknown_user_is_a_404() {
        assert_eq!(client().get("/users/7").await.status, 404);
    }

    #[tokio::test]
    async fn created_user_is_a_201_and_a_nameless_one_a_400() {
        let created = client().post("/users").json(&json!({"name": "Grace"})).await;
        assert_eq!(created.status, 201);
        assert_eq!(created.json::<User>().name, "Grace");

        let nameless = client().post("/users").json(&json!({"name": " "})).await;
        assert_eq!(nameless.status, 400);
    }
}
