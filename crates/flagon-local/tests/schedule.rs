//! Schedules fire on their computed instants; the time-scale hook makes a minute a second.

mod common;

use std::time::Duration;

use flagon_local::schedule::{self, ScheduleOptions};
use flagon_local::{ApiType, AppSpec, Emulator, Outcome};
use flagon_manifest::Trigger;

fn app(python: &std::path::Path, expression: &str) -> AppSpec {
    let mut tick = common::python_function(python, "tick", "echo");
    tick.function_name = "app-dev-tick".into();
    tick.trigger = Trigger::Schedule {
        expression: expression.into(),
        description: None,
    };
    AppSpec {
        app: "app".into(),
        region: "us-east-1".into(),
        api: None,
        api_type: ApiType::Rest,
        api_stage: "api".into(),
        functions: vec![tick],
    }
}

#[tokio::test]
async fn rate_schedule_fires_every_period_on_a_faster_clock() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let emulator = Emulator::new(app(&python, "rate(1 minute)"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let options = ScheduleOptions {
        fire_now: false,
        speed: 120.0,
    };
    let _tasks = schedule::start(&emulator, options, Some(&tx)).unwrap();
    let first = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let second = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.function, "tick");
    assert_eq!((second.at - first.at).num_seconds(), 60);
    let invocation = first.result.unwrap();
    let Outcome::Response(body) = &invocation.outcome else {
        panic!("{invocation:?}")
    };
    let answer: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(answer["event"]["detail-type"], "Scheduled Event");
    assert_eq!(
        answer["event"]["resources"][0],
        "arn:aws:events:us-east-1:123456789012:rule/app-dev-tick"
    );
}

#[tokio::test]
async fn fire_now_fires_a_yearly_cron_at_start() {
    let Some(python) = common::python_with_awslambdaric() else {
        return;
    };
    let emulator = Emulator::new(app(&python, "cron(0 0 1 1 ? *)"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let options = ScheduleOptions {
        fire_now: true,
        speed: 1.0,
    };
    let _tasks = schedule::start(&emulator, options, Some(&tx)).unwrap();
    let fired = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(fired.result.unwrap().function_error().is_none());
}

#[test]
fn invalid_schedule_is_refused() {
    let emulator = Emulator::new(app(std::path::Path::new("python3"), "rate(0 minutes)"));
    let err = schedule::schedules(&emulator).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("read schedule `rate(0 minutes)`"),
        "{err}"
    );
}
