//! Router state: handlers take axum's `State<T>` (or a `FromRef` part of it), given once by
//! `App::with_state`, as with axum's `Router::with_state`. Every route sees the one state, on
//! both payload versions, and layers and event handlers declare in any order around it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::FromRef;
use axum::response::Response;
use flagon::prelude::*;
use flagon::test::{Client, PayloadVersion, events};

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
    visits: Arc<AtomicU64>,
    config: Config,
}

/// A part of the state, extracted alone with `State<Config>`.
#[derive(Clone)]
struct Config {
    region: &'static str,
}

impl FromRef<AppState> for Config {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}

fn state() -> AppState {
    AppState {
        greeting: "hello",
        visits: Arc::new(AtomicU64::new(0)),
        config: Config {
            region: "eu-west-1",
        },
    }
}

async fn greet(State(state): State<AppState>, Path(name): Path<String>) -> String {
    format!("{}, {name}", state.greeting)
}

async fn visit(State(state): State<AppState>) -> String {
    (state.visits.fetch_add(1, Ordering::SeqCst) + 1).to_string()
}

async fn visits(State(state): State<AppState>) -> String {
    state.visits.load(Ordering::SeqCst).to_string()
}

async fn region(State(config): State<Config>) -> &'static str {
    config.region
}

async fn on_upload(_: S3Event) {}

fn app(state: AppState) -> App {
    App::new("stateful")
        .route("/greet/{name}", get(greet))
        .route("/visits", get(visits).post(visit))
        .route("/region", get(region))
        .with_state(state)
}

fn client(state: AppState, version: PayloadVersion) -> Client {
    Client::new(app(state))
        .expect("the app declares")
        .payload_version(version)
}

#[tokio::test]
async fn state_reaches_the_handler() {
    for version in [PayloadVersion::V1, PayloadVersion::V2] {
        let response = client(state(), version).get("/greet/ana").await;
        assert_eq!(response.status, 200, "{version:?}");
        assert_eq!(response.text(), "hello, ana", "{version:?}");
    }
}

#[tokio::test]
async fn routes_share_the_one_state_given() {
    for version in [PayloadVersion::V1, PayloadVersion::V2] {
        let given = state();
        let c = client(given.clone(), version);
        assert_eq!(c.get("/visits").await.text(), "0", "{version:?}");
        assert_eq!(c.post("/visits").await.text(), "1", "{version:?}");
        assert_eq!(c.post("/visits").await.text(), "2", "{version:?}");
        assert_eq!(c.get("/visits").await.text(), "2", "{version:?}");
        assert_eq!(given.visits.load(Ordering::SeqCst), 2, "{version:?}");
    }
}

#[tokio::test]
async fn a_part_of_the_state_is_extracted_through_from_ref() {
    for version in [PayloadVersion::V1, PayloadVersion::V2] {
        let response = client(state(), version).get("/region").await;
        assert_eq!(response.status, 200, "{version:?}");
        assert_eq!(response.text(), "eu-west-1", "{version:?}");
    }
}

#[tokio::test]
async fn stateful_routes_keep_their_options() {
    let app = App::new("stateful")
        .route(
            "/visits",
            post(visit)
                .cors(Cors::origin("https://a.example"))
                .required_query_params(["tenant"]),
        )
        .with_state(state());
    let c = Client::new(app).expect("the app declares");
    let missing = c.post("/visits").await;
    assert_eq!(missing.status, 400);
    assert!(missing.text().contains("tenant"), "{}", missing.text());
    let ok = c
        .post("/visits?tenant=t")
        .header("origin", "https://a.example")
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.text(), "1");
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://a.example")
    );
    let preflight = c
        .options("/visits")
        .header("origin", "https://a.example")
        .header("access-control-request-method", "POST")
        .await;
    assert_eq!(preflight.status, 200);
}

#[derive(Clone)]
struct Greeting(&'static str);

async fn greet_from_extension(Extension(greeting): Extension<Greeting>) -> &'static str {
    greeting.0
}

async fn stamp(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert("x-stamp", http::HeaderValue::from_static("after"));
    response
}

#[tokio::test]
async fn layers_and_event_handlers_declare_before_and_after_with_state() {
    let app = App::new("stateful")
        .on_s3_event(S3Trigger::bucket("uploads"), on_upload)
        .layer(Extension(Greeting("from a layer")))
        .route("/visits", post(visit))
        .with_state(state())
        .route("/greeting", get(greet_from_extension))
        .layer(axum::middleware::map_response(stamp))
        .schedule("rate(1 hour)", |_: EventBridgeEvent| async {})
        .name("hourly");
    let c = Client::new(app).expect("the app declares");

    let visited = c.post("/visits").await;
    assert_eq!(visited.text(), "1");
    assert_eq!(visited.header("x-stamp"), Some("after"));
    let greeted = c.get("/greeting").await;
    assert_eq!(greeted.text(), "from a layer");
    assert_eq!(greeted.header("x-stamp"), Some("after"));

    let names: Vec<&str> = c
        .manifest()
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["api_handler", "on_upload", "hourly"]);
    c.invoke("on_upload", events::s3_put("uploads", "a.jpg"))
        .await
        .expect("the S3 handler runs");
}

async fn read_config(State(config): State<Config>) -> &'static str {
    config.region
}

#[tokio::test]
async fn states_are_given_in_steps_as_in_axum() {
    // Routes missing `AppState` get it, leaving an app missing `Config` for later routes.
    let app = App::new("stateful")
        .route("/visits", post(visit))
        .with_state::<Config>(state())
        .route("/config", get(read_config))
        .with_state(Config {
            region: "us-east-1",
        });
    let c = Client::new(app).expect("the app declares");
    assert_eq!(c.post("/visits").await.text(), "1");
    assert_eq!(c.get("/config").await.text(), "us-east-1");
}

#[test]
fn a_bad_declaration_before_with_state_is_still_reported() {
    let app = App::new("stateful")
        .route("visits", post(visit))
        .with_state(state());
    let error = Client::new(app).err().expect("a declaration error");
    assert!(error.to_string().contains("`/visits`"), "{error}");
}
