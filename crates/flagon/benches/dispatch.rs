//! One REST API (payload 1.0) event through Flagon's dispatch vs the same axum handler
//! through bare `lambda_http`, both from the event's JSON bytes to the response's JSON bytes
//! (what `lambda_runtime` hands over and sends back). Prints the ratio at the end; the target
//! is Flagon within 1.10x of `lambda_http`.
//!
//! `cargo bench -p flagon --bench dispatch`

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Path;
use axum::routing::get as axum_get;
use criterion::Criterion;
use flagon::prelude::*;
use flagon::test::{Client, events};
use lambda_runtime::{Context, LambdaEvent};
use tower::Service;

async fn get_user(Path(id): Path<u32>) -> Json<Value> {
    Json(json!({"id": id, "name": "Ada"}))
}

fn event_bytes() -> Vec<u8> {
    let headers = [
        ("accept".to_owned(), "application/json".to_owned()),
        (
            "host".to_owned(),
            "abc.execute-api.us-east-1.amazonaws.com".to_owned(),
        ),
        ("user-agent".to_owned(), "bench".to_owned()),
    ];
    let event = events::rest_api_request(&events::HttpRequest {
        method: "GET",
        path: "/users/42",
        query: Some("verbose=1"),
        headers: &headers,
        body: None,
        stage: "dev",
    });
    serde_json::to_vec(&event).unwrap()
}

struct Flagon {
    dispatcher: flagon::Dispatcher,
}

impl Flagon {
    async fn call(&self, bytes: &[u8]) -> Vec<u8> {
        // What lambda_runtime does with `LambdaEvent<Box<RawValue>>`: check the JSON, keep the text.
        let event: Box<serde_json::value::RawValue> = serde_json::from_slice(bytes).unwrap();
        let out = self
            .dispatcher
            .dispatch_json("api_handler", event.get(), Context::default())
            .await
            .unwrap();
        serde_json::to_vec(&out).unwrap()
    }
}

type Adapter = lambda_http::Adapter<'static, axum::response::Response, Router>;

async fn lambda_http_call(adapter: &mut Adapter, bytes: &[u8]) -> Vec<u8> {
    let request: lambda_http::request::LambdaRequest = serde_json::from_slice(bytes).unwrap();
    let out = adapter
        .call(LambdaEvent::new(request, Context::default()))
        .await
        .unwrap();
    serde_json::to_vec(&out).unwrap()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let bytes = event_bytes();
    let client = Client::new(App::new("bench").route("/users/{id}", get(get_user))).unwrap();
    let flagon = Flagon {
        dispatcher: client.dispatcher(),
    };
    // lambda_http puts the stage back in front of the path (unless told otherwise by an
    // environment variable), so its router holds the route under `/dev`.
    let mut adapter: Adapter =
        lambda_http::Adapter::from(Router::new().route("/dev/users/{id}", axum_get(get_user)));

    // Both answer the same before anything is timed.
    let a: Value = serde_json::from_slice(&runtime.block_on(flagon.call(&bytes))).unwrap();
    let b: Value =
        serde_json::from_slice(&runtime.block_on(lambda_http_call(&mut adapter, &bytes))).unwrap();
    assert_eq!(a["statusCode"], 200, "{a}");
    assert_eq!(b["statusCode"], 200, "{b}");
    assert_eq!(a["body"], b["body"]);

    let mut criterion = Criterion::default()
        .configure_from_args()
        .measurement_time(Duration::from_secs(3));
    let mut group = criterion.benchmark_group("rest_v1_get");
    group.bench_function("flagon", |b| {
        b.iter(|| runtime.block_on(flagon.call(black_box(&bytes))));
    });
    group.bench_function("lambda_http", |b| {
        b.iter(|| runtime.block_on(lambda_http_call(&mut adapter, black_box(&bytes))));
    });
    group.finish();
    criterion.final_summary();

    // The ratio, measured here on interleaved rounds (criterion keeps its estimates to
    // itself): the median of per-round ratios is robust to a noisy neighbour.
    let rounds = 11;
    let per_round = 2_000;
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..per_round {
            black_box(runtime.block_on(flagon.call(black_box(&bytes))));
        }
        let flagon_time = start.elapsed();
        let start = Instant::now();
        for _ in 0..per_round {
            black_box(runtime.block_on(lambda_http_call(&mut adapter, black_box(&bytes))));
        }
        let lambda_http_time = start.elapsed();
        ratios.push(flagon_time.as_secs_f64() / lambda_http_time.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[rounds / 2];
    println!(
        "flagon / lambda_http time per REST v1 event: {median:.3}x (median of {rounds} rounds \
         of {per_round}; target <= 1.10x)"
    );
}
