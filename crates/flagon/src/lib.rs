//! Flagon: serverless apps on AWS in Rust, "Chalice for Rust".
//!
//! An app declares HTTP routes (axum handlers) and AWS event handlers (typed
//! `aws_lambda_events` events) on an [`App`]. The one binary it builds then
//! [runs](App::run) in one of three modes: on Lambda it serves the Runtime API and dispatches
//! each event to the handler named by `_HANDLER`; asked for its manifest (`FLAGON_MANIFEST=1`
//! or `--flagon-manifest`) it prints what it declares, which is how `cargo flagon` learns the
//! app; otherwise it says how to run it locally. [`test::Client`] drives the same dispatch
//! in-process.
//!
//! ```no_run
//! use flagon::prelude::*;
//!
//! async fn index() -> Json<Value> { Json(json!({"hello": "world"})) }
//! async fn get_user(Path(id): Path<u32>) -> Result<Json<Value>, ApiError> {
//!     if id == 0 { return Err(ApiError::not_found("no user 0")); }
//!     Ok(Json(json!({"id": id})))
//! }
//! async fn on_upload(event: S3Event) -> Result<(), BoxError> {
//!     for object in event.objects() { println!("{} {}", object.bucket, object.key); }
//!     Ok(())
//! }
//! async fn on_job(batch: SqsBatch<Value>) -> BatchResult {
//!     batch.process(|m| async move { if m.body.is_null() { Err("empty") } else { Ok(()) } }).await
//! }
//! async fn hourly(_: EventBridgeEvent) {}
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), flagon::Error> {
//!     App::new("helloworld")
//!         .route("/", get(index))
//!         .route("/users/{id}", get(get_user))
//!         .on_s3_event(S3Trigger::bucket("mybucket").prefix("uploads/").suffix(".jpg"), on_upload)
//!         .on_sqs_message(SqsTrigger::queue("jobs").batch_size(10), on_job)
//!         .schedule("rate(1 hour)", hourly)
//!         .run()
//!         .await
//! }
//! ```
//!
//! Route handlers take any axum extractor, `State` included: as with axum's `Router<S>`, an
//! [`App<S>`](App) is missing a state `S` until [`App::with_state`] gives it, and only an
//! `App<()>` (plain `App`) can run or be tested, so a forgotten state is a compile error.
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use flagon::prelude::*;
//!
//! #[derive(Clone, Default)]
//! struct AppState { visits: Arc<AtomicU64> }
//!
//! async fn visit(State(state): State<AppState>) -> String {
//!     (state.visits.fetch_add(1, Ordering::Relaxed) + 1).to_string()
//! }
//!
//! fn app(state: AppState) -> App {
//!     App::new("helloworld").route("/visits", post(visit)).with_state(state)
//! }
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let client = flagon::test::Client::new(app(AppState::default())).unwrap();
//! assert_eq!(client.post("/visits").await.text(), "1");
//! # });
//! ```
//!
//! Module guide: [`App`] (declarations, names, the manifest), `http` (routes, API Gateway
//! payloads, errors), `events` (typed events, triggers, batch failures), [`Dispatcher`] (the
//! one dispatch path), [`runtime`] (modes and the environment it reads), [`test`](mod@test) (the client
//! and event generators).

mod app;
mod dispatch;
mod error;
mod events;
mod http;
pub mod runtime;
pub mod test;

pub use app::App;
pub use dispatch::Dispatcher;
pub use error::{BoxError, DispatchError, Error};
pub use events::access::{
    DynamoDbEventExt, DynamoDbRecordExt, KinesisEventExt, KinesisRecordExt, S3EventExt, S3Object,
    SnsEventExt, SnsMessageExt, decode_s3_key,
};
pub use events::sqs::{SqsBatch, SqsMessage};
pub use events::triggers::{
    DynamoDbTrigger, EventPattern, KinesisTrigger, S3Trigger, SnsTrigger, SqsTrigger,
};
pub use events::{BatchResult, IntoEventResult};
/// The manifest types (the `flagon-manifest` crate).
pub use flagon_manifest as manifest;
pub use flagon_manifest::StartingPosition;
pub use flagon_manifest::schedule::{Cron, Rate, ScheduleExpression};
pub use http::api_error::ApiError;
pub use http::apigw::PayloadVersion;
pub use http::route::{Cors, MethodRoute, any, delete, get, head, options, patch, post, put};

/// `SqsBatchResult` is a [`BatchResult`]: the name DESIGN.md uses.
pub type SqsBatchResult = BatchResult;

/// The event types, re-exported from `aws_lambda_events`.
pub mod event_types {
    pub use aws_lambda_events::event::dynamodb::{
        Event as DynamoDbEvent, EventRecord as DynamoDbRecord,
    };
    pub use aws_lambda_events::event::eventbridge::EventBridgeEvent;
    pub use aws_lambda_events::event::kinesis::{KinesisEvent, KinesisEventRecord};
    pub use aws_lambda_events::event::s3::S3Event;
    pub use aws_lambda_events::event::sns::{SnsEvent, SnsMessage};
    pub use aws_lambda_events::event::sqs::SqsEvent;
}

/// Everything an app needs: `use flagon::prelude::*;`.
pub mod prelude {
    pub use crate::event_types::*;
    pub use crate::{
        ApiError, App, BatchResult, BoxError, Cors, Cron, DynamoDbEventExt, DynamoDbRecordExt,
        DynamoDbTrigger, EventPattern, KinesisEventExt, KinesisRecordExt, KinesisTrigger, Rate,
        S3EventExt, S3Trigger, SnsEventExt, SnsMessageExt, SnsTrigger, SqsBatch, SqsBatchResult,
        SqsMessage, SqsTrigger, StartingPosition, any, delete, get, head, options, patch, post,
        put,
    };
    pub use axum::body::Bytes;
    pub use axum::extract::{Path, Query, State};
    pub use axum::http::{HeaderMap, StatusCode};
    pub use axum::response::{AppendHeaders, IntoResponse};
    pub use axum::{Extension, Json};
    pub use serde_json::{Value, json};
}
