//! Bad declarations fail fast, naming the declaration and the fix; none panics.

use flagon::prelude::*;
use flagon::test::Client;

async fn index() -> &'static str {
    "hi"
}

async fn on_tick(_: EventBridgeEvent) {}

fn error_of(app: App) -> String {
    match app.manifest() {
        Ok(m) => panic!("expected a declaration error, got a manifest for {}", m.app),
        Err(e) => e.to_string(),
    }
}

#[test]
fn invalid_schedule_says_what_is_wrong() {
    let err = error_of(App::new("a").schedule("cron(0 9 ? * 8 *)", on_tick));
    assert_eq!(
        err,
        "declare schedule `cron(0 9 ? * 8 *)`: day-of-week `8` is out of range 1-7 (or SUN-SAT)"
    );
    let err = error_of(App::new("a").schedule("rate(1 minutes)", on_tick));
    assert!(err.contains("must be `minute`"), "{err}");
    let err = error_of(App::new("a").schedule(Rate::minutes(0), on_tick));
    assert!(err.contains("rate(0 minutes)"), "{err}");
    let err = error_of(App::new("a").schedule(Cron::new("0", "24", "*", "*", "?", "*"), on_tick));
    assert!(err.contains("hours `24` is out of range 0-23"), "{err}");
}

#[test]
fn typed_and_raw_schedules_land_in_the_manifest_as_aws_strings() {
    let manifest = App::new("a")
        .schedule(Rate::minutes(5), on_tick)
        .name("five")
        .schedule(Cron::new("15", "10", "?", "*", "6L", "2002-2005"), on_tick)
        .name("cron")
        .schedule("rate(1 hour)", on_tick)
        .manifest()
        .unwrap();
    let expressions: Vec<String> = manifest
        .functions
        .iter()
        .map(|f| match &f.trigger {
            flagon::manifest::Trigger::Schedule { expression, .. } => expression.clone(),
            other => panic!("unexpected trigger {other:?}"),
        })
        .collect();
    assert_eq!(
        expressions,
        [
            "rate(5 minutes)",
            "cron(15 10 ? * 6L 2002-2005)",
            "rate(1 hour)"
        ]
    );
    assert_eq!(manifest.functions[2].name, "on_tick");
}

#[test]
fn two_handlers_with_one_name_are_rejected() {
    let err = error_of(
        App::new("a")
            .schedule("rate(1 hour)", on_tick)
            .schedule("rate(2 hours)", on_tick),
    );
    assert!(
        err.contains("handler name `on_tick` is already used by schedule `rate(1 hour)`"),
        "{err}"
    );
    assert!(err.contains(".name("), "{err}");
}

#[test]
fn renaming_resolves_a_name_clash() {
    let manifest = App::new("a")
        .schedule("rate(1 hour)", on_tick)
        .schedule("rate(2 hours)", on_tick)
        .name("every_two_hours")
        .manifest()
        .unwrap();
    let names: Vec<&str> = manifest.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["on_tick", "every_two_hours"]);
}

#[test]
fn a_closure_needs_a_name() {
    let err = error_of(App::new("a").lambda_function(|n: u32| async move { Ok::<_, BoxError>(n) }));
    assert!(err.contains("closure"), "{err}");
    assert!(err.contains(".name("), "{err}");
}

#[test]
fn a_handler_may_not_take_the_api_function_name() {
    let err = error_of(
        App::new("a")
            .route("/", get(index))
            .schedule("rate(1 hour)", on_tick)
            .name("api_handler"),
    );
    assert!(err.contains("already used by the HTTP routes"), "{err}");
}

#[test]
fn malformed_paths_and_duplicate_routes_are_rejected() {
    assert!(error_of(App::new("a").route("users", get(index))).contains("write `/users`"));
    assert!(error_of(App::new("a").route("/a/{p+}/b", get(index))).contains("last segment"));
    let err = error_of(
        App::new("a")
            .route("/u/{id}", get(index))
            .route("/u/{name}", post(index)),
    );
    assert!(err.contains("same requests as route `/u/{id}`"), "{err}");
    let err = error_of(App::new("a").route("/", get(index).get(index)));
    assert!(err.contains("method GET is given twice"), "{err}");
    let err = error_of(App::new("a").route("/", get(index).head(index)));
    assert!(err.contains("declare `head` before `get`"), "{err}");
}

#[test]
fn trigger_limits_are_checked_at_declaration() {
    async fn on_job(_: SqsBatch<Value>) {}
    let err = error_of(App::new("a").on_sqs_message(SqsTrigger::queue("q").batch_size(50), on_job));
    assert!(
        err.starts_with("declare SQS trigger on queue `q`: batch size 50"),
        "{err}"
    );
    let err = error_of(App::new("a").route(
        "/",
        get(index).cors(Cors::any_origin().allow_credentials(true)),
    ));
    assert!(err.contains("credentials"), "{err}");
}

#[test]
fn the_client_reports_declaration_errors_too() {
    let result = Client::new(App::new("bad name!").route("/", get(index)));
    let err = result.err().expect("a declaration error").to_string();
    assert!(err.contains("letters, digits"), "{err}");
}

#[test]
fn manifest_lists_every_trigger_with_its_parameters() {
    async fn on_upload(_: S3Event) {}
    let manifest = App::new("a")
        .route(
            "/users/{id}",
            get(index)
                .put(index)
                .cors(Cors::origin("https://x.example").max_age(60)),
        )
        .on_s3_event(
            S3Trigger::bucket("b").prefix("in/").suffix(".png"),
            on_upload,
        )
        .manifest()
        .unwrap();
    let json: Value = serde_json::from_str(&manifest.to_json()).unwrap();
    assert_eq!(json["api"]["routes"][0]["methods"], json!(["GET", "PUT"]));
    assert_eq!(json["api"]["routes"][0]["cors"]["max_age"], 60);
    assert_eq!(
        json["functions"][1]["trigger"],
        json!({"type": "s3", "bucket": "b", "events": ["s3:ObjectCreated:*"], "prefix": "in/", "suffix": ".png"})
    );
}

#[test]
fn debug_of_an_error_is_its_message_for_main_returning_result() {
    let err = App::new("a")
        .route("users", get(index))
        .manifest()
        .unwrap_err();
    assert_eq!(format!("{err:?}"), format!("failed to {err}"));
}

#[test]
fn kinesis_at_timestamp_without_a_time_names_starting_at() {
    async fn on_click(_: KinesisEvent) {}
    let err = error_of(App::new("a").on_kinesis_record(
        KinesisTrigger::stream("clicks").starting_position(StartingPosition::AtTimestamp),
        on_click,
    ));
    assert_eq!(
        err,
        "declare Kinesis trigger on stream `clicks`: AT_TIMESTAMP needs a time: use \
         `.starting_at(time)` rather than `.starting_position(StartingPosition::AtTimestamp)`"
    );
}

#[test]
fn kinesis_starting_before_1970_is_refused_at_declaration() {
    async fn on_click(_: KinesisEvent) {}
    let before = std::time::UNIX_EPOCH - std::time::Duration::from_secs(1);
    let err = error_of(App::new("a").on_kinesis_record(
        KinesisTrigger::stream("clicks").starting_at(before),
        on_click,
    ));
    assert_eq!(
        err,
        "declare Kinesis trigger on stream `clicks`: the starting time of `.starting_at(time)` \
         is before 1970: give a time since the Unix epoch"
    );
}

#[test]
fn kinesis_starting_at_a_time_lands_in_the_manifest_in_whole_seconds() {
    async fn on_click(_: KinesisEvent) {}
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_767_225_600_750);
    let manifest = App::new("a")
        .on_kinesis_record(KinesisTrigger::stream("clicks").starting_at(time), on_click)
        .manifest()
        .unwrap();
    manifest.validate().unwrap();
    let json: Value = serde_json::from_str(&manifest.to_json()).unwrap();
    assert_eq!(
        json["functions"][0]["trigger"],
        json!({"type": "kinesis", "stream": "clicks", "batch_size": 100,
               "starting_position": "AT_TIMESTAMP", "maximum_batching_window_in_seconds": null,
               "starting_position_timestamp": "2026-01-01T00:00:00Z"})
    );
    // The last of `.starting_at` and `.starting_position` wins.
    let latest = App::new("a")
        .on_kinesis_record(
            KinesisTrigger::stream("clicks")
                .starting_at(time)
                .starting_position(StartingPosition::Latest),
            on_click,
        )
        .manifest()
        .unwrap();
    let json: Value = serde_json::from_str(&latest.to_json()).unwrap();
    assert_eq!(
        json["functions"][0]["trigger"]["starting_position"],
        "LATEST"
    );
    assert!(
        json["functions"][0]["trigger"]
            .get("starting_position_timestamp")
            .is_none()
    );
}
