//! One dispatch path for Lambda, the local emulator and the test client.
//!
//! [`Dispatcher::dispatch`] takes a handler name (Lambda's `_HANDLER`), the raw JSON event and
//! the invocation's `Context`, and returns the JSON result or a [`DispatchError`]. Lambda mode
//! wraps it in `lambda_runtime::run`; `flagon::test::Client` calls it directly.

use std::collections::HashMap;
use std::sync::Arc;

use flagon_manifest::DEFAULT_API_FUNCTION;
use lambda_runtime::Context;
use serde_json::Value;

use crate::app::RouterLayer;
use crate::events::Erased;
use crate::http::ApiHandler;
use crate::http::route::MethodRoute;
use crate::{DispatchError, Error};

/// Every handler of a finalised app, by name. Cheap to clone.
#[derive(Clone)]
pub struct Dispatcher {
    api: Option<ApiHandler>,
    handlers: Arc<HashMap<Arc<str>, Erased>>,
}

impl Dispatcher {
    pub(crate) fn new(
        routes: Vec<(String, String, MethodRoute)>,
        binary_media_types: Vec<String>,
        layers: Vec<RouterLayer>,
        handlers: HashMap<Arc<str>, Erased>,
    ) -> Result<Self, Error> {
        let api = if routes.is_empty() {
            None
        } else {
            Some(ApiHandler::new(routes, binary_media_types, layers)?)
        };
        Ok(Self {
            api,
            handlers: Arc::new(handlers),
        })
    }

    /// Whether `name` is one of the app's handlers.
    pub fn has_handler(&self, name: &str) -> bool {
        (name == DEFAULT_API_FUNCTION && self.api.is_some()) || self.handlers.contains_key(name)
    }

    /// The app's handler names, sorted, comma-separated (for messages).
    pub fn handler_names(&self) -> String {
        let mut names: Vec<&str> = self.handlers.keys().map(|k| &**k).collect();
        if self.api.is_some() {
            names.push(DEFAULT_API_FUNCTION);
        }
        names.sort_unstable();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    }

    /// Runs the handler `name` on an event given as JSON text, as Lambda delivers it. Routes
    /// read it in one pass without building a `Value`; event handlers decode it as
    /// [`dispatch`](Self::dispatch) does.
    pub async fn dispatch_json(
        &self,
        name: &str,
        event: &str,
        context: Context,
    ) -> Result<Value, DispatchError> {
        if let (DEFAULT_API_FUNCTION, Some(api)) = (name, &self.api) {
            return api.handle_json(name, event).await;
        }
        let value: Value = serde_json::from_str(event).map_err(|e| DispatchError::EventShape {
            handler: name.to_owned(),
            expected: "a JSON event",
            message: e.to_string(),
        })?;
        self.dispatch(name, value, context).await
    }

    /// Runs the handler `name` on `event`.
    pub async fn dispatch(
        &self,
        name: &str,
        event: Value,
        context: Context,
    ) -> Result<Value, DispatchError> {
        if let (DEFAULT_API_FUNCTION, Some(api)) = (name, &self.api) {
            return api.handle(name, &event).await;
        }
        let Some((name, handler)) = self.handlers.get_key_value(name) else {
            return Err(DispatchError::UnknownHandler {
                handler: name.to_owned(),
                known: self.handler_names(),
            });
        };
        handler(Arc::clone(name), event, context).await
    }
}
