//! SQS batches with typed bodies.
//!
//! A handler takes an [`SqsBatch<T>`]: every message of the event whose body decodes as `T`.
//! A body is read as JSON first; if that does not give a `T`, the body text itself is tried as
//! a JSON string, so `SqsBatch<String>` takes plain-text bodies. A message whose body is
//! neither is not given to the handler: it is reported as a batch item failure (and logged),
//! so it is retried and, after the queue's `maxReceiveCount`, goes to the dead-letter queue.

use std::future::Future;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage as RawSqsMessage};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{BatchResult, Erased, IntoEventResult, Shape, erase, finish, guarded};
use crate::BoxError;

/// One SQS message with a typed body.
#[derive(Debug, Clone)]
pub struct SqsMessage<T> {
    /// The message id, the item identifier of a batch failure.
    pub message_id: String,
    /// The decoded body.
    pub body: T,
    /// The message as SQS sent it (attributes, receipt handle, raw body).
    pub raw: RawSqsMessage,
}

/// The messages of one SQS event.
#[derive(Debug, Clone)]
pub struct SqsBatch<T> {
    /// The messages whose body decoded, in order.
    pub messages: Vec<SqsMessage<T>>,
}

impl<T> SqsBatch<T> {
    /// Runs `f` on every message in turn; the messages it fails are the batch failures.
    ///
    /// ```
    /// use flagon::{BatchResult, SqsBatch};
    ///
    /// async fn on_job(batch: SqsBatch<u32>) -> BatchResult {
    ///     batch.process(|m| async move {
    ///         if m.body == 0 { Err("zero") } else { Ok(()) }
    ///     }).await
    /// }
    /// ```
    pub async fn process<F, Fut, E>(self, mut f: F) -> BatchResult
    where
        F: FnMut(SqsMessage<T>) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let mut result = BatchResult::success();
        for message in self.messages {
            let id = message.message_id.clone();
            if let Err(error) = f(message).await {
                tracing::warn!(message_id = %id, error = %error, "sqs message failed");
                result.fail(id);
            }
        }
        result
    }
}

fn decode<T: DeserializeOwned>(body: &str) -> Option<T> {
    serde_json::from_str(body)
        .ok()
        .or_else(|| serde_json::from_value(Value::String(body.to_owned())).ok())
}

/// Erases an SQS handler.
pub(crate) fn handler<T, F, Fut, R>(f: F) -> Erased
where
    T: DeserializeOwned + Send + 'static,
    F: Fn(SqsBatch<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoEventResult,
{
    erase(f, move |f, name, event| async move {
        let event: SqsEvent = Shape::SQS.decode(&name, event)?;
        let mut undecodable = Vec::new();
        let mut messages = Vec::with_capacity(event.records.len());
        for raw in event.records {
            let id = raw.message_id.clone().unwrap_or_default();
            match raw.body.as_deref().and_then(decode::<T>) {
                Some(body) => messages.push(SqsMessage {
                    message_id: id,
                    body,
                    raw,
                }),
                None => {
                    tracing::warn!(
                        handler = %name,
                        message_id = %id,
                        "sqs message body does not decode as {}",
                        std::any::type_name::<T>()
                    );
                    undecodable.push(id);
                }
            }
        }
        let result: Result<BatchResult, BoxError> = guarded(&name, async move {
            f(SqsBatch { messages }).await.into_event_result()
        })
        .await?;
        let result = result.map(|mut r| {
            for id in undecodable {
                r.fail(id);
            }
            r
        });
        finish(&name, true, result)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_bodies_decode_as_strings() {
        assert_eq!(decode::<String>("hello").as_deref(), Some("hello"));
        assert_eq!(decode::<String>("\"quoted\"").as_deref(), Some("quoted"));
        assert_eq!(decode::<u32>("7"), Some(7));
        assert_eq!(decode::<u32>("seven"), None);
    }
}
