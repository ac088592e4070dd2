//! {{name}}: a Flagon app.
//!
//! `cargo test` runs it in-process, `cargo flagon local` serves it on 127.0.0.1, and
//! `cargo flagon deploy` puts it on AWS Lambda behind API Gateway.

use flagon::prelude::*;

/// The app, declared once: `main` runs it and the tests drive it.
fn app() -> App {
    App::new("{{name}}").route("/", get(index))
}

async fn index() -> Json<Value> {
    Json(json!({"hello": "world"}))
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

    #[tokio::test]
    async fn index_says_hello() {
        let client = Client::new(app()).unwrap();
        let response = client.get("/").await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json::<Value>(), json!({"hello": "world"}));
    }
}
