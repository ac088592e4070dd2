//! {{name}}: AWS event handlers, built with Flagon.
//!
//! Every handler below becomes its own Lambda function, wired to its event source by
//! `cargo flagon deploy`: an S3 bucket notification, an SQS event source mapping that
//! retries only the messages that failed, and an EventBridge schedule. Events are typed
//! (`aws_lambda_events`), with accessors that decode what AWS encodes.
//!
//! `cargo test` invokes the handlers in-process with generated events; `cargo flagon local`
//! runs them under a local Lambda emulator.

use flagon::prelude::*;
use serde::Deserialize;

/// The app, declared once: `main` runs it and the tests drive it.
fn app() -> App {
    App::new("{{name}}")
        .on_s3_event(S3Trigger::bucket("{{name}}-uploads").prefix("images/").suffix(".jpg"), on_upload)
        .on_sqs_message(SqsTrigger::queue("{{name}}-jobs").batch_size(10), on_job)
        .schedule(Rate::minutes(5), every_five_minutes)
}

async fn on_upload(event: S3Event) -> Result<(), BoxError> {
    for object in event.objects() {
        // Keys arrive decoded: `images/my photo.jpg`, not `images/my+photo.jpg`.
        println!("uploaded s3://{}/{}", object.bucket, object.key);
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
struct Job {
    id: u32,
}

/// Each message is processed on its own; a failed one is retried by SQS, the others are not.
async fn on_job(batch: SqsBatch<Job>) -> BatchResult {
    batch
        .process(|message| async move {
            match message.body.id {
                0 => Err("job 0 is invalid"),
                id => {
                    println!("processed job {id}");
                    Ok(())
                }
            }
        })
        .await
}

async fn every_five_minutes(event: EventBridgeEvent) {
    println!("scheduled run at {:?}", event.time);
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
    use flagon::test::{Client, events};

    fn client() -> Client {
        Client::new(app()).unwrap()
    }

    #[tokio::test]
    async fn upload_is_handled() {
        let event = events::s3_put("{{name}}-uploads", "images/my photo.jpg");
        client().invoke("on_upload", event).await.unwrap();
    }

    #[tokio::test]
    async fn only_the_failed_job_is_reported_for_retry() {
        let event = events::sqs_messages("{{name}}-jobs", [r#"{"id": 1}"#, r#"{"id": 0}"#]);
        let result = client().invoke("on_job", event).await.unwrap();
        assert_eq!(result, json!({"batchItemFailures": [{"itemIdentifier": "message-1"}]}));
    }

    #[tokio::test]
    async fn schedule_runs() {
        client().invoke("every_five_minutes", events::scheduled("every-five-minutes")).await.unwrap();
    }
}
