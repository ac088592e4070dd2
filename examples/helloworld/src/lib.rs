//! Flagon's example app: every route option and every event source.
//!
//! The app is a library function so that its tests (`tests/`) drive it through
//! `flagon::test::Client`; `main.rs` only runs it.
//!
//! Routes:
//!
//! | path | methods | what it shows |
//! |---|---|---|
//! | `/` | GET | JSON |
//! | `/users/{id}` | GET, PUT | `Path`, `Json` bodies, `ApiError::not_found` |
//! | `/files/{proxy+}` | GET | greedy path, URL-decoded |
//! | `/search` | GET | required query parameter `q`, `Query` |
//! | `/cors` | GET, POST | CORS with two origins, headers, max age, credentials |
//! | `/upload` | POST | accepted content type `application/json` (415 otherwise) |
//! | `/image` | GET, POST | binary media (`image/png`), base64 in and out |
//! | `/cookies` | GET | two `Set-Cookie` headers (cookies in HTTP API answers) |
//! | `/errors/{status}` | GET | every Chalice error status |
//! | `/panic` | GET | a panicking handler is a 500 |
//! | `/fail` | GET | an unexpected error is a 500 that leaks nothing |
//! | `/greeting` | GET | shared state through a tower layer (`Extension`) |
//! | `/visits` | GET, POST | shared state through `State` and `App::with_state`: POST counts a visit, GET reads the count |
//!
//! Event sources: the bucket `mybucket`, topic `alerts`, queue `jobs`, Kinesis stream `clicks`
//! and the DynamoDB table `users`, whose stream ARN comes from `USERS_STREAM_ARN` (see
//! [`users_stream_arn`]); they must exist before `cargo flagon deploy`.
//!
//! ```sh
//! USERS_STREAM_ARN=arn:aws:dynamodb:us-east-1:111122223333:table/users/stream/2026-01-01T00:00:00.000 \
//!     cargo flagon deploy
//! ```

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flagon::prelude::*;
use serde::{Deserialize, Serialize};

/// The app.
pub fn app() -> App {
    App::new("helloworld")
        .binary_media_types(["image/png", "application/octet-stream"])
        .route("/", get(index))
        .route("/users/{id}", get(get_user).put(put_user))
        .route("/files/{proxy+}", get(get_file))
        .route("/search", get(search).required_query_params(["q"]))
        .route(
            "/cors",
            get(index).post(index).cors(
                Cors::origin("https://app.example.com")
                    .also_origin("https://admin.example.com")
                    .allow_headers(["X-Trace-Id"])
                    .expose_headers(["X-Request-Id"])
                    .max_age(600)
                    .allow_credentials(true),
            ),
        )
        .route("/upload", post(upload).content_types(["application/json"]))
        .route("/image", get(image).post(flip_image))
        .route("/cookies", get(cookies))
        .route("/errors/{status}", get(error_status))
        .route("/panic", get(panics))
        .route("/fail", get(fails))
        .route("/greeting", get(greeting))
        .route("/visits", get(visits).post(visit))
        .with_state(AppState::default())
        .layer(Extension(Greeting("hello from a layer")))
        .on_s3_event(
            S3Trigger::bucket("mybucket")
                .prefix("uploads/")
                .suffix(".jpg"),
            on_upload,
        )
        .on_sns_message(SnsTrigger::topic("alerts"), on_alert)
        .on_sqs_message(
            SqsTrigger::queue("jobs")
                .batch_size(10)
                .maximum_batching_window(5)
                .maximum_concurrency(5),
            on_job,
        )
        .on_cw_event(
            EventPattern::from_json(json!({"source": ["aws.codecommit"]})).event_bus("default"),
            on_commit,
        )
        .schedule(Rate::minutes(5), every_five_minutes)
        .schedule(Cron::new("15", "10", "?", "*", "6L", "2002-2005"), yearly)
        .schedule("rate(1 hour)", hourly)
        .on_kinesis_record(
            KinesisTrigger::stream("clicks")
                .batch_size(100)
                .starting_position(StartingPosition::TrimHorizon)
                .maximum_batching_window(1),
            on_click,
        )
        .on_dynamodb_record(
            DynamoDbTrigger::stream_arn(users_stream_arn()).batch_size(50),
            on_user_change,
        )
        .lambda_function(resize)
        .lambda_function(|n: u64| async move { Ok::<_, BoxError>(n * 2) })
        .name("double")
}

/// The stream ARN of the table the DynamoDB trigger follows: `USERS_STREAM_ARN`, or a
/// placeholder for a table that does not exist.
///
/// A table's stream ARN ends in a label AWS picks when the stream is enabled, so it cannot be
/// written down ahead of time; the manifest is read from the app with the deployer's
/// environment, so `USERS_STREAM_ARN=$(aws dynamodbstreams list-streams --table-name users
/// --query 'Streams[0].StreamArn' --output text) cargo flagon deploy` points the app at a
/// real table.
pub fn users_stream_arn() -> String {
    std::env::var("USERS_STREAM_ARN").unwrap_or_else(|_| USERS_STREAM_ARN_DEFAULT.to_owned())
}

/// The placeholder [`users_stream_arn`] falls back to.
pub const USERS_STREAM_ARN_DEFAULT: &str =
    "arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/2024-01-01T00:00:00.000";

async fn index() -> Json<Value> {
    Json(json!({"hello": "world"}))
}

/// A user as the API stores it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct User {
    /// Display name.
    pub name: String,
}

async fn get_user(Path(id): Path<u32>) -> Result<Json<Value>, ApiError> {
    if id == 0 {
        return Err(ApiError::not_found("user 0 does not exist"));
    }
    Ok(Json(json!({"id": id, "name": format!("user {id}")})))
}

async fn put_user(Path(id): Path<u32>, Json(user): Json<User>) -> (StatusCode, Json<Value>) {
    (
        StatusCode::CREATED,
        Json(json!({"id": id, "name": user.name})),
    )
}

async fn get_file(Path(proxy): Path<String>) -> Json<Value> {
    Json(json!({"path": proxy}))
}

async fn search(Query(params): Query<HashMap<String, String>>) -> Json<Value> {
    Json(json!({"q": params.get("q")}))
}

async fn upload(Json(body): Json<Value>) -> Json<Value> {
    Json(json!({"received": body}))
}

/// The 1x1 PNG `/image` serves.
pub const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89,
];

async fn image() -> impl IntoResponse {
    ([("content-type", "image/png")], PIXEL)
}

async fn flip_image(body: Bytes) -> impl IntoResponse {
    let flipped: Vec<u8> = body.iter().rev().copied().collect();
    ([("content-type", "application/octet-stream")], flipped)
}

async fn cookies() -> impl IntoResponse {
    (
        AppendHeaders([
            ("set-cookie", "session=abc; Path=/; HttpOnly"),
            ("set-cookie", "theme=dark; Path=/"),
        ]),
        "cookies set",
    )
}

async fn error_status(Path(status): Path<u16>) -> Result<&'static str, ApiError> {
    Err(match status {
        400 => ApiError::bad_request("bad"),
        401 => ApiError::unauthorized("who are you"),
        403 => ApiError::forbidden("not you"),
        404 => ApiError::not_found("nothing here"),
        405 => ApiError::method_not_allowed("not like that"),
        408 => ApiError::request_timeout("too slow"),
        409 => ApiError::conflict("already there"),
        422 => ApiError::unprocessable_entity("cannot use that"),
        429 => ApiError::too_many_requests("slow down"),
        _ => return Ok("no error"),
    })
}

async fn panics() -> &'static str {
    panic!("secret internals: the database password is hunter2")
}

async fn fails() -> Result<&'static str, ApiError> {
    Err(std::io::Error::other(
        "connection to db.internal:5432 refused",
    ))?
}

/// Shared state, given to every route by `App::layer(Extension(...))`.
#[derive(Debug, Clone, Copy)]
pub struct Greeting(pub &'static str);

async fn greeting(Extension(Greeting(text)): Extension<Greeting>) -> String {
    text.to_owned()
}

/// The routes' state, given by `App::with_state`; handlers take it with `State<AppState>`.
///
/// A Lambda instance keeps it between the events it serves, so `/visits` counts per instance.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    /// Visits counted by `POST /visits`.
    pub visits: Arc<AtomicU64>,
}

async fn visits(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"visits": state.visits.load(Ordering::Relaxed)}))
}

async fn visit(State(state): State<AppState>) -> Json<Value> {
    let visits = state.visits.fetch_add(1, Ordering::Relaxed) + 1;
    Json(json!({"visits": visits}))
}

async fn on_upload(event: S3Event) -> Result<(), BoxError> {
    for object in event.objects() {
        if !object.key.ends_with(".jpg") {
            return Err(format!("unexpected object {}/{}", object.bucket, object.key).into());
        }
    }
    Ok(())
}

async fn on_alert(event: SnsEvent) -> Result<(), BoxError> {
    for message in event.messages() {
        if message.message.is_empty() {
            return Err(format!("empty alert on topic {}", message.topic_name()).into());
        }
    }
    Ok(())
}

/// A job on the `jobs` queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    /// Job id.
    pub id: u32,
    /// What to do; `fail` fails.
    pub action: String,
}

async fn on_job(batch: SqsBatch<Job>) -> SqsBatchResult {
    batch
        .process(|message| async move {
            match message.body.action.as_str() {
                "fail" => Err(format!("job {} failed", message.body.id)),
                _ => Ok(()),
            }
        })
        .await
}

/// The detail of a CodeCommit event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitDetail {
    /// The repository.
    #[serde(rename = "repositoryName")]
    pub repository_name: String,
}

async fn on_commit(event: EventBridgeEvent<CommitDetail>) -> Result<(), BoxError> {
    if event.detail.repository_name.is_empty() {
        return Err("a commit without a repository".into());
    }
    Ok(())
}

async fn every_five_minutes(_event: EventBridgeEvent) {}

async fn yearly(_event: EventBridgeEvent) {}

async fn hourly(_event: EventBridgeEvent) {}

/// A click on the `clicks` stream.
#[derive(Debug, Clone, Deserialize)]
pub struct Click {
    /// Page clicked.
    pub page: String,
}

async fn on_click(event: KinesisEvent) -> BatchResult {
    let mut result = BatchResult::success();
    for record in event.records() {
        if record.json::<Click>().is_err() {
            result.fail(record.item_identifier());
        }
    }
    result
}

async fn on_user_change(event: DynamoDbEvent) -> BatchResult {
    let mut result = BatchResult::success();
    for record in event.records() {
        if !matches!(record.new_image::<User>(), Ok(Some(_))) {
            result.fail(record.item_identifier());
        }
    }
    result
}

/// What `resize` takes.
#[derive(Debug, Clone, Deserialize)]
pub struct ResizeRequest {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Scale factor.
    pub scale: f64,
}

/// What `resize` answers.
#[derive(Debug, Clone, Serialize)]
pub struct ResizeResponse {
    /// New width.
    pub width: u32,
    /// New height.
    pub height: u32,
}

async fn resize(request: ResizeRequest) -> Result<ResizeResponse, BoxError> {
    if request.scale <= 0.0 {
        return Err("scale must be positive".into());
    }
    let scale = |n: u32| (f64::from(n) * request.scale).round() as u32;
    Ok(ResizeResponse {
        width: scale(request.width),
        height: scale(request.height),
    })
}
