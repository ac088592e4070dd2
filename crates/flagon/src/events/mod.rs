//! Event handlers: typed AWS events in, a result (or partial batch failures) out.
//!
//! Every handler is erased into one shape, `(name, JSON event, Context) -> JSON result`, so
//! that Lambda, the local emulator and the test client share one dispatch path. The event is
//! decoded into the handler's type before it runs; an event of another shape is a
//! [`DispatchError::EventShape`] naming the expected type, never a panic. A panicking handler
//! is a [`DispatchError::Panic`] and the process serves the next event.
//!
//! Handlers return `()`, a [`BatchResult`], or a `Result` of either whose error is anything
//! that converts into a [`BoxError`] (`flagon::Error`, `std::io::Error`, `anyhow::Error`, ...).
//! SQS, Kinesis and DynamoDB handlers always answer `{"batchItemFailures": [...]}`, so that an
//! event source mapping with `ReportBatchItemFailures` retries only the failed records.

pub(crate) mod access;
pub(crate) mod sqs;
pub(crate) mod triggers;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures::FutureExt;
use lambda_runtime::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{BoxError, DispatchError};

pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = Result<Value, DispatchError>> + Send>>;

/// A handler of any kind, erased: called with its name (for errors), the event and context.
pub(crate) type Erased = Arc<dyn Fn(Arc<str>, Value, Context) -> BoxFuture + Send + Sync>;

/// The identifiers of the records a batch handler could not process.
///
/// ```
/// use flagon::BatchResult;
///
/// let mut result = BatchResult::success();
/// result.fail("059f36b4-87a3-44ab-83d2-661975830a7d");
/// assert_eq!(result.failures().len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchResult {
    failures: Vec<String>,
}

impl BatchResult {
    /// Every record succeeded.
    pub fn success() -> Self {
        Self::default()
    }

    /// Marks a record as failed: an SQS message id, a Kinesis or DynamoDB sequence number.
    pub fn fail(&mut self, item_identifier: impl Into<String>) -> &mut Self {
        self.failures.push(item_identifier.into());
        self
    }

    /// The failed records' identifiers.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    fn to_json(&self) -> Value {
        let failures: Vec<Value> = self
            .failures
            .iter()
            .map(|id| json!({"itemIdentifier": id}))
            .collect();
        json!({"batchItemFailures": failures})
    }
}

impl<S: Into<String>> FromIterator<S> for BatchResult {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Self {
            failures: iter.into_iter().map(Into::into).collect(),
        }
    }
}

/// What an event handler may return.
///
/// Anything else is refused at compile time, with a note listing these:
///
/// ```compile_fail
/// use flagon::prelude::*;
/// async fn counts(_: S3Event) -> u32 { 1 }
/// let _ = App::new("a").on_s3_event(S3Trigger::bucket("b"), counts);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not something an event handler can return",
    label = "an event handler's future must output this",
    note = "return `()`, a `flagon::BatchResult`, or a `Result` of either whose error converts \
            into `flagon::BoxError` (e.g. `Result<(), flagon::BoxError>`)"
)]
pub trait IntoEventResult {
    /// The failed records (none for `()`), or the error that fails the whole invocation.
    fn into_event_result(self) -> Result<BatchResult, BoxError>;
}

impl IntoEventResult for () {
    fn into_event_result(self) -> Result<BatchResult, BoxError> {
        Ok(BatchResult::success())
    }
}

impl IntoEventResult for BatchResult {
    fn into_event_result(self) -> Result<BatchResult, BoxError> {
        Ok(self)
    }
}

impl<T: IntoEventResult, E: Into<BoxError>> IntoEventResult for Result<T, E> {
    fn into_event_result(self) -> Result<BatchResult, BoxError> {
        self.map_err(Into::into)?.into_event_result()
    }
}

/// How an event's kind is recognised before it is decoded, so that, say, an S3 event sent to
/// an SQS handler (whose record fields are all optional) is refused rather than read as empty
/// messages.
#[derive(Clone, Copy)]
pub(crate) struct Shape {
    /// The type named in errors.
    pub(crate) expected: &'static str,
    /// `Some((key, value))`: every record under `Records` must have `key == value`.
    pub(crate) record_source: Option<(&'static str, &'static str)>,
    /// Whether the answer is a batch response even with no failures.
    pub(crate) batch: bool,
}

impl Shape {
    /// S3 notifications.
    pub(crate) const S3: Self = Self::records("S3Event", "eventSource", "aws:s3", false);
    /// SNS messages (SNS spells the key `EventSource`).
    pub(crate) const SNS: Self = Self::records("SnsEvent", "EventSource", "aws:sns", false);
    /// SQS messages: failures are batch item failures.
    pub(crate) const SQS: Self = Self::records("SqsEvent", "eventSource", "aws:sqs", true);
    /// Kinesis records: failures are batch item failures.
    pub(crate) const KINESIS: Self =
        Self::records("KinesisEvent", "eventSource", "aws:kinesis", true);
    /// DynamoDB stream records: failures are batch item failures.
    pub(crate) const DYNAMODB: Self =
        Self::records("DynamoDbEvent", "eventSource", "aws:dynamodb", true);
    /// EventBridge events matching a pattern.
    pub(crate) const EVENT_BRIDGE: Self = Self::single("EventBridgeEvent");
    /// EventBridge events sent by a schedule.
    pub(crate) const SCHEDULE: Self = Self::single("a scheduled EventBridgeEvent");

    /// An event of `Records` that each carry `key == source`.
    const fn records(
        expected: &'static str,
        key: &'static str,
        source: &'static str,
        batch: bool,
    ) -> Self {
        Self {
            expected,
            record_source: Some((key, source)),
            batch,
        }
    }

    /// An event that is one object, not records.
    const fn single(expected: &'static str) -> Self {
        Self {
            expected,
            record_source: None,
            batch: false,
        }
    }

    /// Checks the event's shape and reads it as `E`; handler `handler` is named in errors.
    pub(crate) fn decode<E: DeserializeOwned>(
        self,
        handler: &str,
        event: Value,
    ) -> Result<E, DispatchError> {
        check_shape(self, &event).map_err(|m| shape_error(handler, self.expected, m))?;
        serde_json::from_value(event).map_err(|e| shape_error(handler, self.expected, e))
    }
}

fn check_shape(shape: Shape, event: &Value) -> Result<(), String> {
    let Some((key, value)) = shape.record_source else {
        return Ok(());
    };
    let records = event
        .get("Records")
        .and_then(Value::as_array)
        .ok_or_else(|| "the event has no `Records` array".to_owned())?;
    for (i, record) in records.iter().enumerate() {
        let found = record.get(key).and_then(Value::as_str);
        if found != Some(value) {
            return Err(format!(
                "record {i} has {key} {}, not `{value}`",
                found.map_or_else(|| "missing".to_owned(), |f| format!("`{f}`"))
            ));
        }
    }
    Ok(())
}

pub(crate) fn shape_error(
    handler: &str,
    expected: &'static str,
    message: impl std::fmt::Display,
) -> DispatchError {
    DispatchError::EventShape {
        handler: handler.to_owned(),
        expected,
        message: message.to_string(),
    }
}

/// Runs a handler's future, turning a panic into [`DispatchError::Panic`].
pub(crate) async fn guarded<T>(
    handler: &str,
    future: impl Future<Output = T>,
) -> Result<T, DispatchError> {
    AssertUnwindSafe(future).catch_unwind().await.map_err(|_| {
        tracing::error!(handler, "event handler panicked");
        DispatchError::Panic {
            handler: handler.to_owned(),
        }
    })
}

pub(crate) fn finish(
    handler: &str,
    batch: bool,
    result: Result<BatchResult, BoxError>,
) -> Result<Value, DispatchError> {
    match result {
        Ok(result) if batch || !result.failures.is_empty() => Ok(result.to_json()),
        Ok(_) => Ok(Value::Null),
        Err(error) => Err(DispatchError::Handler {
            handler: handler.to_owned(),
            message: error.to_string(),
        }),
    }
}

/// Erases handler `f`: `run` answers one event with it, given the handler's name (the
/// Lambda context is not passed on).
pub(crate) fn erase<F, Run, Fut>(f: F, run: Run) -> Erased
where
    F: Send + Sync + 'static,
    Run: Fn(Arc<F>, Arc<str>, Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, DispatchError>> + Send + 'static,
{
    let f = Arc::new(f);
    Arc::new(move |name: Arc<str>, event: Value, _context: Context| {
        Box::pin(run(Arc::clone(&f), name, event))
    })
}

/// Erases a handler of a typed event.
pub(crate) fn event_handler<E, F, Fut, R>(shape: Shape, f: F) -> Erased
where
    E: DeserializeOwned + Send + 'static,
    F: Fn(E) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoEventResult,
{
    erase(f, move |f, name, event| async move {
        let event: E = shape.decode(&name, event)?;
        let result = guarded(&name, async move { f(event).await.into_event_result() }).await?;
        finish(&name, shape.batch, result)
    })
}

/// Erases a plain function: JSON in, JSON out.
pub(crate) fn plain_function<I, O, E, F, Fut>(f: F) -> Erased
where
    I: DeserializeOwned + Send + 'static,
    O: Serialize,
    E: Into<BoxError>,
    F: Fn(I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
{
    let expected = std::any::type_name::<I>();
    erase(f, move |f, name, event| async move {
        let input: I =
            serde_json::from_value(event).map_err(|e| shape_error(&name, expected, e))?;
        let output = guarded(&name, async move { f(input).await }).await?;
        let output = output.map_err(|e| DispatchError::Handler {
            handler: name.to_string(),
            message: e.into().to_string(),
        })?;
        serde_json::to_value(output).map_err(|e| DispatchError::Handler {
            handler: name.to_string(),
            message: format!("serialize the result: {e}"),
        })
    })
}
