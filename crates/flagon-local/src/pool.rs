//! The instances of one function: warm reuse, concurrency, replacement, and reload.
//!
//! An invocation takes a warm idle instance, or starts one if fewer than
//! [`FunctionSpec::max_instances`] are busy; otherwise it waits for a permit. An instance
//! that timed out is killed and one that crashed is gone: neither goes back to the idle
//! list, so the next invocation starts a fresh one. [`Pool::replace`] swaps in a new
//! build: idle instances of the old build are killed at once, busy ones finish their event
//! and are dropped afterwards, so no request in flight is lost.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use tokio::sync::Semaphore;

use crate::error::LocalError;
use crate::instance::{Environment, Instance, Invoked, request_id};
use crate::options::FunctionSpec;
use crate::runtime_api::Outcome;

/// The result of one invocation, as Lambda's Invoke API would report it.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The request id the runtime saw.
    pub request_id: String,
    /// The function's answer or error.
    pub outcome: Outcome,
}

impl Invocation {
    /// The `X-Amz-Function-Error` value: `None` for success, `Some("Unhandled")` otherwise.
    pub fn function_error(&self) -> Option<&'static str> {
        match self.outcome {
            Outcome::Response(_) => None,
            Outcome::Error { .. } => Some("Unhandled"),
        }
    }

    /// The payload the caller receives: the response or the error document.
    pub fn payload(&self) -> &Bytes {
        match &self.outcome {
            Outcome::Response(body) | Outcome::Error { body, .. } => body,
        }
    }
}

/// The instances of one function.
pub struct Pool {
    region: String,
    inner: Mutex<Generation>,
    permits: Semaphore,
    started: AtomicU64,
}

struct Generation {
    number: u64,
    spec: Arc<FunctionSpec>,
    idle: Vec<Instance>,
}

impl Pool {
    /// A pool with no instance started yet.
    pub fn new(spec: FunctionSpec, region: impl Into<String>) -> Self {
        Self {
            permits: Semaphore::new(spec.max_instances.max(1)),
            region: region.into(),
            inner: Mutex::new(Generation {
                number: 0,
                spec: Arc::new(spec),
                idle: Vec::new(),
            }),
            started: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generation> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The function as currently configured.
    pub fn spec(&self) -> Arc<FunctionSpec> {
        self.lock().spec.clone()
    }

    /// How many instances this pool has started, for tests and the log.
    pub fn instances_started(&self) -> u64 {
        self.started.load(Ordering::Relaxed)
    }

    /// How many warm instances wait for an event.
    pub fn idle_instances(&self) -> usize {
        self.lock().idle.len()
    }

    /// Swaps in a new build or configuration: idle instances stop now, busy ones after
    /// their current event.
    pub fn replace(&self, spec: FunctionSpec) {
        let old = {
            let mut generation = self.lock();
            generation.number += 1;
            generation.spec = Arc::new(spec);
            std::mem::take(&mut generation.idle)
        };
        drop(old);
    }

    /// Runs one event through an instance.
    pub async fn invoke(&self, payload: Bytes) -> Result<Invocation, LocalError> {
        // The semaphore is never closed, so acquiring cannot fail.
        let _permit = self.permits.acquire().await.ok();
        let (number, spec, warm) = {
            let mut generation = self.lock();
            let mut warm = None;
            while let Some(instance) = generation.idle.pop() {
                if !instance.has_exited() {
                    warm = Some(instance);
                    break;
                }
            }
            (generation.number, generation.spec.clone(), warm)
        };
        let instance = match warm {
            Some(instance) => instance,
            None => {
                let instance_no = self.started.fetch_add(1, Ordering::Relaxed) + 1;
                let env = Environment {
                    spec: &spec,
                    region: &self.region,
                    instance_no,
                };
                Instance::start(env).await?
            }
        };
        let request_id = request_id();
        let outcome = match instance.invoke(&request_id, payload, spec.timeout).await {
            Invoked::Done(outcome) => {
                let mut generation = self.lock();
                if generation.number == number && !instance.has_exited() {
                    generation.idle.push(instance);
                }
                outcome
            }
            Invoked::Failed(outcome) | Invoked::Killed(outcome) => {
                tracing::warn!(function = %spec.name, %request_id, "instance replaced: {}", summary(&outcome));
                drop(instance);
                outcome
            }
        };
        Ok(Invocation {
            request_id,
            outcome,
        })
    }
}

fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Response(_) => "ok".into(),
        Outcome::Error { error_type, body } => {
            format!("{error_type}: {}", String::from_utf8_lossy(body))
        }
    }
}
