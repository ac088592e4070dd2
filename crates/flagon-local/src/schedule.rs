//! Schedules fire while `cargo flagon local` runs, at the instants their `rate(...)` or
//! `cron(...)` gives ([`ScheduleExpression::next_after_starting`], counted from the moment
//! the scheduler starts, as AWS counts a rate from the rule's creation).
//!
//! Two documented ways to see a schedule fire without waiting: `fire_now` fires every
//! schedule once at start (`--schedule-now`), and `speed` runs the scheduler's clock that
//! many times faster than the wall clock (`--schedule-speed 60` makes `rate(1 minute)`
//! fire every second). The firing instants are computed exactly as at normal speed; only
//! the wait between them shrinks.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use flagon_manifest::Trigger;
use flagon_manifest::schedule::ScheduleExpression;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::emulator::Emulator;
use crate::error::LocalError;
use crate::events;
use crate::pool::Invocation;

/// How the scheduler runs.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleOptions {
    /// Fire every schedule once as soon as the scheduler starts.
    pub fire_now: bool,
    /// How many times faster than the wall clock the scheduler's clock runs (1.0 = real).
    pub speed: f64,
}

impl Default for ScheduleOptions {
    fn default() -> Self {
        Self {
            fire_now: false,
            speed: 1.0,
        }
    }
}

/// One schedule firing and what the function answered.
#[derive(Debug, Clone)]
pub struct Fired {
    /// The function's manifest name.
    pub function: String,
    /// The (virtual) instant the schedule fired for.
    pub at: DateTime<Utc>,
    /// The invocation, or what prevented it.
    pub result: Result<Invocation, String>,
}

/// Every schedule of the emulator's app, parsed; an invalid one is an error.
pub fn schedules(emulator: &Emulator) -> Result<Vec<(String, ScheduleExpression)>, LocalError> {
    let app = emulator.app();
    let mut found = Vec::new();
    for function in &app.functions {
        if let Trigger::Schedule { expression, .. } = &function.trigger {
            let parsed =
                ScheduleExpression::parse(expression).map_err(|e| LocalError::Schedule {
                    expression: expression.clone(),
                    message: e.to_string(),
                })?;
            found.push((function.name.clone(), parsed));
        }
    }
    Ok(found)
}

/// Starts one task per schedule; dropping the returned set stops them. Each firing is
/// logged and, when `report` is given, sent there.
pub fn start(
    emulator: &Arc<Emulator>,
    options: ScheduleOptions,
    report: Option<&mpsc::UnboundedSender<Fired>>,
) -> Result<JoinSet<()>, LocalError> {
    let start = Utc::now();
    let started = tokio::time::Instant::now();
    let speed = if options.speed.is_finite() && options.speed > 0.0 {
        options.speed
    } else {
        1.0
    };
    let mut tasks = JoinSet::new();
    for (function, expression) in schedules(emulator)? {
        let emulator = emulator.clone();
        let report = report.cloned();
        tasks.spawn(async move {
            let clock = Clock {
                start,
                started,
                speed,
            };
            if options.fire_now {
                fire(&emulator, &function, clock.now(), report.as_ref()).await;
            }
            let mut last = clock.now();
            while let Some(next) = expression.next_after_starting(start, last) {
                tokio::time::sleep_until(clock.instant_of(next)).await;
                fire(&emulator, &function, next, report.as_ref()).await;
                last = next;
            }
        });
    }
    Ok(tasks)
}

/// The scheduler's clock: `speed` times the wall clock, from `start`.
#[derive(Clone, Copy)]
struct Clock {
    start: DateTime<Utc>,
    started: tokio::time::Instant,
    speed: f64,
}

impl Clock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = self.started.elapsed().as_secs_f64() * self.speed;
        self.start + chrono::Duration::milliseconds((elapsed * 1000.0) as i64)
    }

    fn instant_of(&self, t: DateTime<Utc>) -> tokio::time::Instant {
        let virtual_ms = (t - self.start).num_milliseconds().max(0) as f64;
        self.started + Duration::from_secs_f64(virtual_ms / 1000.0 / self.speed)
    }
}

async fn fire(
    emulator: &Emulator,
    function: &str,
    at: DateTime<Utc>,
    report: Option<&mpsc::UnboundedSender<Fired>>,
) {
    let app = emulator.app();
    let rule = app
        .function(function)
        .map_or(function, |f| f.function_name.as_str())
        .to_owned();
    let event = events::schedule(&app.region, &rule, at);
    let result = emulator
        .invoke(function, event.to_string().into())
        .await
        .map_err(|e| e.to_string());
    match &result {
        Ok(invocation) => tracing::info!(
            target: "flagon_local::schedule",
            "schedule fired {function} at {at}: {}",
            if invocation.function_error().is_some() { "error" } else { "ok" }
        ),
        Err(err) => tracing::error!(target: "flagon_local::schedule", "failed to {err}"),
    }
    if let Some(report) = report {
        let _ = report.send(Fired {
            function: function.to_owned(),
            at,
            result,
        });
    }
}
