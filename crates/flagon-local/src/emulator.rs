//! The running app: one [`Pool`] per function, the API's routes, and [`Emulator::update`]
//! to swap in a new build without dropping requests in flight.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;

use crate::error::LocalError;
use crate::gateway::routes::RouteTable;
use crate::options::AppSpec;
use crate::pool::{Invocation, Pool};

/// Every function of the app, ready to invoke.
pub struct Emulator {
    inner: RwLock<Current>,
}

pub(crate) struct Current {
    pub(crate) app: Arc<AppSpec>,
    pub(crate) routes: Arc<RouteTable>,
    pub(crate) pools: HashMap<String, Arc<Pool>>,
}

impl Emulator {
    /// An emulator for `app`; instances start on the first event.
    pub fn new(app: AppSpec) -> Arc<Self> {
        let pools = app
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    Arc::new(Pool::new(f.clone(), app.region.clone())),
                )
            })
            .collect();
        let routes = Arc::new(RouteTable::new(
            app.api.as_ref().map_or(&[][..], |a| &a.routes),
        ));
        Arc::new(Self {
            inner: RwLock::new(Current {
                app: Arc::new(app),
                routes,
                pools,
            }),
        })
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&Current) -> R) -> R {
        f(&self.inner.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The app as currently served.
    pub fn app(&self) -> Arc<AppSpec> {
        self.with(|c| c.app.clone())
    }

    /// The pool of one function.
    pub fn pool(&self, name: &str) -> Result<Arc<Pool>, LocalError> {
        self.with(|c| {
            c.pools.get(name).cloned().ok_or_else(|| {
                let mut known: Vec<&str> = c.pools.keys().map(String::as_str).collect();
                known.sort_unstable();
                LocalError::UnknownFunction {
                    name: name.to_owned(),
                    known: known.join(", "),
                }
            })
        })
    }

    /// Runs one event through the function `name`.
    ///
    /// The invocation runs on its own task: a caller that gives up (an HTTP client that
    /// disconnects) does not cancel it, as on Lambda, where API Gateway's client going away
    /// leaves the function running. Cancelling it here would kill the instance mid-event
    /// and make the next request pay a cold start.
    pub async fn invoke(&self, name: &str, payload: Bytes) -> Result<Invocation, LocalError> {
        let pool = self.pool(name)?;
        let name = name.to_owned();
        tokio::spawn(async move { pool.invoke(payload).await })
            .await
            .unwrap_or_else(|join| {
                Err(LocalError::InvocationAborted {
                    function: name,
                    reason: join.to_string(),
                })
            })
    }

    /// Swaps in a new build: kept functions replace their instances (busy ones finish
    /// first), new ones get a pool, removed ones are dropped once their events finish.
    pub fn update(&self, app: AppSpec) {
        let mut current = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let mut pools = HashMap::new();
        for spec in &app.functions {
            let pool = match current.pools.remove(&spec.name) {
                Some(pool) => {
                    pool.replace(spec.clone());
                    pool
                }
                None => Arc::new(Pool::new(spec.clone(), app.region.clone())),
            };
            pools.insert(spec.name.clone(), pool);
        }
        for (_, removed) in current.pools.drain() {
            removed.replace(removed.spec().as_ref().clone());
        }
        current.routes = Arc::new(RouteTable::new(
            app.api.as_ref().map_or(&[][..], |a| &a.routes),
        ));
        current.pools = pools;
        current.app = Arc::new(app);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::options::FunctionSpec;

    /// A runtime in sh + curl: takes each event, waits `delay`, answers `"ok"`.
    fn slow_runtime(delay: &str) -> Vec<String> {
        let script = format!(
            r#"api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation"
while true; do
  id=$(curl -sS -D - -o /dev/null "$api/next" | tr -d '\r' | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: //p')
  sleep {delay}
  curl -sS -o /dev/null -X POST -d '"ok"' "$api/$id/response"
done"#
        );
        vec!["sh".into(), "-c".into(), script]
    }

    fn have_curl() -> bool {
        let found = std::process::Command::new("curl")
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            found || std::env::var_os("FLAGON_REQUIRE_TOOLS").is_none(),
            "curl is required (FLAGON_REQUIRE_TOOLS is set)"
        );
        if !found {
            eprintln!("skipped: curl is not installed");
        }
        found
    }

    #[tokio::test]
    async fn caller_giving_up_keeps_the_instance_warm() {
        if !have_curl() {
            return;
        }
        let mut spec = FunctionSpec::new("slow", slow_runtime("0.3"));
        spec.max_instances = 1;
        let app = AppSpec {
            app: "t".into(),
            region: "us-east-1".into(),
            api: None,
            api_type: crate::ApiType::Rest,
            api_stage: "api".into(),
            functions: vec![spec],
        };
        let emulator = Emulator::new(app);
        // Warm the instance, then give up on an event while the function works on it.
        let first = emulator.invoke("slow", Bytes::from_static(b"{}")).await;
        assert!(first.is_ok(), "{first:?}");
        let given_up = tokio::time::timeout(
            Duration::from_millis(50),
            emulator.invoke("slow", Bytes::from_static(b"{}")),
        )
        .await;
        assert!(
            given_up.is_err(),
            "the event finished before the caller gave up"
        );
        // The next event waits for the same instance instead of paying a cold start.
        let next = emulator
            .invoke("slow", Bytes::from_static(b"{}"))
            .await
            .map(|i| i.outcome);
        assert_eq!(
            next.ok(),
            Some(crate::Outcome::Response(Bytes::from_static(b"\"ok\"")))
        );
        let pool = emulator.pool("slow").ok();
        assert_eq!(pool.map(|p| p.instances_started()), Some(1));
    }
}
