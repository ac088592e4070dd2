//! Every AWS call goes through one interceptor, installed on every client: it counts the
//! calls (read-only and mutating apart) and, in tests, makes the k-th mutating call fail.
//!
//! Counting here rather than in the executor means a mutating call cannot slip past the
//! count: "a deploy with nothing changed makes no mutating call" is checked on what the SDK
//! actually sent.

use std::sync::{Arc, Mutex, MutexGuard};

use aws_sdk_lambda::config::ConfigBag;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

/// One call the SDK made: service and operation, e.g. `Lambda` `CreateFunction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Service name as the SDK names it (`Lambda`, `IAM`, `S3`, ...).
    pub service: String,
    /// Operation name (`CreateFunction`).
    pub operation: String,
}

impl Call {
    /// Whether the operation only reads (`Get*`, `List*`, `Describe*`, `Head*`,
    /// `FilterLogEvents`).
    pub fn is_read_only(&self) -> bool {
        ["Get", "List", "Describe", "Head", "Filter"]
            .iter()
            .any(|p| self.operation.starts_with(p))
    }
}

/// The log of the calls made through an [`Aws`](crate::Aws), shared by its clients.
#[derive(Debug, Default)]
pub struct CallLog {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    calls: Vec<Call>,
    mutating: usize,
    fail_at: Option<usize>,
}

/// The error an injected fault raises.
#[derive(Debug, thiserror::Error)]
#[error("call {operation}: fault injected at mutating call {index}")]
pub struct InjectedFault {
    /// The operation.
    pub operation: String,
    /// 1-based index of the mutating call.
    pub index: usize,
}

impl CallLog {
    /// A log that lets every call through.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A log that fails the `k`-th mutating call (1-based), for fault-injection tests.
    pub fn failing_at(k: usize) -> Arc<Self> {
        let log = Self::default();
        log.lock().fail_at = Some(k);
        Arc::new(log)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock only means a panic elsewhere; the counts are still meaningful.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The mutating calls so far.
    pub fn mutating_calls(&self) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| !c.is_read_only())
            .cloned()
            .collect()
    }

    /// How many mutating calls were attempted.
    pub fn mutating_count(&self) -> usize {
        self.lock().mutating
    }

    /// Forgets the calls (and the injected fault).
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    fn record(&self, call: Call) -> Result<(), InjectedFault> {
        let mut inner = self.lock();
        let read_only = call.is_read_only();
        let operation = call.operation.clone();
        inner.calls.push(call);
        if read_only {
            return Ok(());
        }
        inner.mutating += 1;
        match inner.fail_at {
            Some(k) if k == inner.mutating => Err(InjectedFault {
                operation,
                index: k,
            }),
            _ => Ok(()),
        }
    }
}

/// The interceptor that feeds a [`CallLog`].
#[derive(Debug, Clone)]
pub(crate) struct CallLogInterceptor(pub(crate) Arc<CallLog>);

impl Intercept for CallLogInterceptor {
    fn name(&self) -> &'static str {
        "FlagonCallLog"
    }

    // Runs once per operation (not per retry attempt), after the operation's metadata is in
    // the config bag.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = match cfg.load::<Metadata>() {
            Some(m) => (m.service().to_owned(), m.name().to_owned()),
            None => ("unknown".to_owned(), "unknown".to_owned()),
        };
        self.0
            .record(Call { service, operation })
            .map_err(Into::into)
    }
}
