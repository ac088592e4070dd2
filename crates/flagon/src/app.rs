//! The app builder: routes and event handlers are declared here, checked when the app is
//! finalised ([`App::manifest`], [`App::run`], [`Client::new`](crate::test::Client::new)).
//!
//! Builder methods never panic and never return `Result`, so a declaration reads as one
//! chain. A bad declaration is recorded and the first one is returned by whatever finalises
//! the app, naming the declaration and the fix.
//!
//! Names: a handler is named after its function item (`std::any::type_name` of the function,
//! without its module path), so `on_upload` becomes the Lambda function
//! `<app>-<stage>-on_upload`. `.name("...")` right after a declaration overrides it; a closure
//! has no name, so it needs one. Two handlers with one name are rejected.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use aws_lambda_events::event::dynamodb::Event as DynamoDbEvent;
use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_lambda_events::event::kinesis::KinesisEvent;
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sns::SnsEvent;
use flagon_manifest::schedule::IntoScheduleExpression;
use flagon_manifest::{self as manifest, DEFAULT_API_FUNCTION, Function, Manifest, Trigger};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::dispatch::Dispatcher;
use crate::events::triggers::IntoTrigger;
use crate::events::{self, Erased, IntoEventResult, Shape};
use crate::http::route::{self, MethodRoute};
use crate::{
    BoxError, DynamoDbTrigger, Error, EventPattern, KinesisTrigger, S3Trigger, SnsTrigger,
    SqsBatch, SqsTrigger,
};

/// A Flagon app: HTTP routes and event handlers, run on Lambda, described as a manifest, or
/// tested in-process.
///
/// ```
/// use flagon::prelude::*;
///
/// async fn index() -> Json<Value> { Json(json!({"hello": "world"})) }
/// async fn on_upload(event: S3Event) -> Result<(), BoxError> {
///     for object in event.objects() { println!("{}/{}", object.bucket, object.key); }
///     Ok(())
/// }
///
/// let manifest = App::new("helloworld")
///     .route("/", get(index))
///     .on_s3_event(S3Trigger::bucket("mybucket").prefix("uploads/"), on_upload)
///     .manifest()
///     .unwrap();
/// assert_eq!(manifest.functions.len(), 2);
/// ```
///
/// `App<S>`, like axum's `Router<S>`, is an app whose routes are missing a state of type `S`
/// (what their handlers extract with `State<S>`); [`with_state`](App::with_state) gives it.
/// Only an `App<()>`, the `App` of `fn app() -> App`, has every state it needs, and only it
/// can run, describe itself or be tested.
pub struct App<S = ()> {
    name: String,
    routes: Vec<RouteDecl<S>>,
    binary_media_types: Vec<String>,
    layers: Vec<RouterLayer>,
    functions: Vec<FunctionDecl>,
    errors: Vec<Error>,
}

struct RouteDecl<S> {
    template: String,
    axum_path: String,
    route: MethodRoute<S>,
}

struct FunctionDecl {
    /// `None` for a closure until `.name(...)`.
    name: Option<String>,
    /// What was declared, for messages: "S3 trigger on bucket `b`".
    declaration: String,
    trigger: Trigger,
    handler: Erased,
}

/// A layer applied to the finished router, once every state is given: so a layer neither
/// depends on the state nor on where it was declared relative to routes and `with_state`.
pub(crate) type RouterLayer = Box<dyn FnOnce(axum::Router) -> axum::Router + Send>;

/// The name of a handler from its type: the function item's name, `None` for a closure.
fn handler_name<F>() -> Option<String> {
    let full = std::any::type_name::<F>();
    let path = full.split('<').next().unwrap_or(full);
    if full.contains("{{closure}}") {
        return None;
    }
    path.rsplit("::").next().map(str::to_owned)
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err(format!("name `{name}` must be 1 to 64 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "name `{name}` may hold only letters, digits, `_` and `-` (it becomes part of a \
             Lambda function name)"
        ));
    }
    Ok(())
}

impl<S> App<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// A new app; `name` prefixes every AWS resource it deploys.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        let mut errors = Vec::new();
        if let Err(problem) = check_name(&name) {
            errors.push(Error::declaration(format!("app `{name}`"), problem));
        }
        Self {
            name,
            routes: Vec::new(),
            binary_media_types: Vec::new(),
            layers: Vec::new(),
            functions: Vec::new(),
            errors,
        }
    }

    /// The app's name.
    pub fn app_name(&self) -> &str {
        &self.name
    }

    /// An HTTP route: an API Gateway path template (`/users/{id}`, greedy `/{proxy+}`) and
    /// its methods with options, e.g. `get(show).put(update).cors(Cors::any_origin())`.
    pub fn route(mut self, path: &str, route: MethodRoute<S>) -> Self {
        let declaration = format!("route `{path}`");
        if let Some(problem) = &route.error {
            self.errors
                .push(Error::declaration(declaration, problem.clone()));
            return self;
        }
        if route.methods.is_empty() {
            self.errors.push(Error::declaration(
                declaration,
                "no methods: use get(...), post(...), ...",
            ));
            return self;
        }
        if let Some(Err(problem)) = route.options.cors.as_ref().map(route::Cors::validate) {
            self.errors.push(Error::declaration(declaration, problem));
            return self;
        }
        let axum_path = match route::to_axum_path(path) {
            Ok(p) => p,
            Err(problem) => {
                self.errors.push(Error::declaration(declaration, problem));
                return self;
            }
        };
        let shape = route::template_shape(path);
        if let Some(other) = self
            .routes
            .iter()
            .find(|r| route::template_shape(&r.template) == shape)
        {
            self.errors.push(Error::declaration(
                declaration,
                format!(
                    "it matches the same requests as route `{}` declared before: declare a path \
                     once and chain its methods, `get(a).post(b)`",
                    other.template
                ),
            ));
            return self;
        }
        self.routes.push(RouteDecl {
            template: path.to_owned(),
            axum_path,
            route,
        });
        self
    }

    /// Content types API Gateway passes as binary (base64); `image/*` and `*/*` work. Answers
    /// of these types are base64-encoded to API Gateway.
    pub fn binary_media_types<I, T>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.binary_media_types
            .extend(types.into_iter().map(Into::into));
        self
    }

    /// A tower layer around every route (and the 404 fallback), as `axum::Router::layer`
    /// takes it: tracing, timeouts, `Extension(..)`, ... Layers apply in declaration order,
    /// the last one outermost, to every route wherever they are declared, before or after
    /// [`with_state`](App::with_state). For shared state, `with_state` and the `State`
    /// extractor are the typed way; an `Extension` layer works too.
    ///
    /// ```
    /// use flagon::prelude::*;
    /// use axum::Extension;
    ///
    /// async fn greet(Extension(greeting): Extension<&'static str>) -> &'static str { greeting }
    /// let app: App = App::new("demo").route("/", get(greet)).layer(Extension("hello"));
    /// # let _ = app;
    /// ```
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<axum::extract::Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Response:
            axum::response::IntoResponse + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Error:
            Into<std::convert::Infallible> + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Future: Send + 'static,
    {
        self.layers
            .push(Box::new(move |router: axum::Router| router.layer(layer)));
        self
    }

    /// Names the handler declared just before, instead of its function item's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        match self.functions.last_mut() {
            Some(last) => last.name = Some(name),
            None => self.errors.push(Error::declaration(
                format!(".name(\"{name}\")"),
                "it follows no event handler or function: call it right after one",
            )),
        }
        self
    }

    fn push<F>(
        mut self,
        declaration: Result<Trigger, String>,
        described: String,
        handler: Erased,
    ) -> Self {
        match declaration {
            Ok(trigger) => self.functions.push(FunctionDecl {
                name: handler_name::<F>(),
                declaration: described,
                trigger,
                handler,
            }),
            Err(problem) => self.errors.push(Error::declaration(described, problem)),
        }
        self
    }

    fn push_event<F, E, Fut, R>(self, trigger: impl IntoTrigger, shape: Shape, f: F) -> Self
    where
        E: DeserializeOwned + Send + 'static,
        F: Fn(E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        let described = trigger.describe();
        self.push::<F>(
            trigger.into_trigger(),
            described,
            events::event_handler(shape, f),
        )
    }

    /// Handles S3 notifications; the handler takes an [`S3Event`] (see
    /// [`S3EventExt::objects`](crate::S3EventExt::objects)).
    pub fn on_s3_event<F, Fut, R>(self, trigger: S3Trigger, f: F) -> Self
    where
        F: Fn(S3Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        self.push_event(trigger, Shape::S3, f)
    }

    /// Handles SNS messages; the handler takes an [`SnsEvent`].
    pub fn on_sns_message<F, Fut, R>(self, trigger: SnsTrigger, f: F) -> Self
    where
        F: Fn(SnsEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        self.push_event(trigger, Shape::SNS, f)
    }

    /// Handles SQS messages with bodies of type `T`; failures are batch item failures.
    pub fn on_sqs_message<T, F, Fut, R>(self, trigger: SqsTrigger, f: F) -> Self
    where
        T: DeserializeOwned + Send + 'static,
        F: Fn(SqsBatch<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        let described = trigger.describe();
        self.push::<F>(trigger.into_trigger(), described, events::sqs::handler(f))
    }

    /// Handles EventBridge (CloudWatch Events) events matching a pattern; the detail is `T`
    /// (`serde_json::Value` by default).
    pub fn on_cw_event<T, F, Fut, R>(self, pattern: EventPattern, f: F) -> Self
    where
        T: DeserializeOwned + Serialize + Send + 'static,
        F: Fn(EventBridgeEvent<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        self.push_event(pattern, Shape::EVENT_BRIDGE, f)
    }

    /// Runs on a schedule: a [`Rate`](crate::Rate), a [`Cron`](crate::Cron) (or their
    /// fallible constructors' results), or a `rate(...)`/`cron(...)` string, validated here.
    pub fn schedule<E, F, Fut, R>(self, schedule: E, f: F) -> Self
    where
        E: IntoScheduleExpression,
        F: Fn(EventBridgeEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        let handler = events::event_handler(Shape::SCHEDULE, f);
        match schedule.into_schedule_expression() {
            Ok(expression) => {
                let described = format!("schedule `{expression}`");
                let trigger = Trigger::Schedule {
                    expression: expression.to_string(),
                    description: None,
                };
                self.push::<F>(Ok(trigger), described, handler)
            }
            Err(error) => {
                let described = format!("schedule `{}`", error.expression());
                self.push::<F>(Err(error.kind().to_string()), described, handler)
            }
        }
    }

    /// Handles Kinesis records; failures (by sequence number) are batch item failures.
    pub fn on_kinesis_record<F, Fut, R>(self, trigger: KinesisTrigger, f: F) -> Self
    where
        F: Fn(KinesisEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        self.push_event(trigger, Shape::KINESIS, f)
    }

    /// Handles DynamoDB stream records; failures (by sequence number) are batch item failures.
    pub fn on_dynamodb_record<F, Fut, R>(self, trigger: DynamoDbTrigger, f: F) -> Self
    where
        F: Fn(DynamoDbEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoEventResult,
    {
        self.push_event(trigger, Shape::DYNAMODB, f)
    }

    /// A plain function, invoked directly: JSON in (`I`), JSON out (`O`).
    pub fn lambda_function<I, O, E, F, Fut>(self, f: F) -> Self
    where
        I: DeserializeOwned + Send + 'static,
        O: Serialize,
        E: Into<BoxError>,
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
    {
        let described = "lambda function".to_owned();
        self.push::<F>(Ok(Trigger::Invoke), described, events::plain_function(f))
    }

    /// Gives the routes' handlers their state: what they extract with `State<S>` (or, through
    /// `FromRef`, a part of it with `State<Part>`). As axum's `Router::with_state`, it returns
    /// an app missing `S2`, inferred: with every state given it is an `App<()>`, and only an
    /// `App<()>` can [`run`](App::run), give its [`manifest`](App::manifest) or be tested
    /// ([`Client::new`](crate::test::Client::new)); forgetting `with_state` is a compile
    /// error there. Event handlers, layers and the other declarations may come before or
    /// after it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use flagon::prelude::*;
    ///
    /// #[derive(Clone, Default)]
    /// struct AppState { visits: Arc<AtomicU64> }
    ///
    /// async fn visit(State(state): State<AppState>) -> String {
    ///     (state.visits.fetch_add(1, Ordering::Relaxed) + 1).to_string()
    /// }
    ///
    /// fn app(state: AppState) -> App {
    ///     App::new("demo").route("/visits", post(visit)).with_state(state)
    /// }
    /// # let _ = app(AppState::default()).manifest().unwrap();
    /// ```
    ///
    /// Without it, the app is still missing its state:
    ///
    /// ```compile_fail
    /// use flagon::prelude::*;
    ///
    /// #[derive(Clone)]
    /// struct AppState;
    ///
    /// async fn handler(State(_): State<AppState>) {}
    ///
    /// let app: App<AppState> = App::new("demo").route("/", get(handler));
    /// let client = flagon::test::Client::new(app); // expected `App`, found `App<AppState>`
    /// ```
    pub fn with_state<S2>(self, state: S) -> App<S2> {
        App {
            name: self.name,
            routes: self
                .routes
                .into_iter()
                .map(|r| RouteDecl {
                    template: r.template,
                    axum_path: r.axum_path,
                    route: r.route.with_state(state.clone()),
                })
                .collect(),
            binary_media_types: self.binary_media_types,
            layers: self.layers,
            functions: self.functions,
            errors: self.errors,
        }
    }
}

impl App {
    /// The manifest: every function, route and trigger, or the first declaration error.
    pub fn manifest(self) -> Result<Manifest, Error> {
        self.finish().map(|(manifest, _)| manifest)
    }

    /// Checks every declaration and builds the manifest and the dispatcher.
    pub(crate) fn finish(mut self) -> Result<(Manifest, Dispatcher), Error> {
        if !self.errors.is_empty() {
            return Err(self.errors.swap_remove(0));
        }
        let mut functions = Vec::new();
        let mut handlers: HashMap<Arc<str>, Erased> = HashMap::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        if !self.routes.is_empty() {
            seen.insert(
                DEFAULT_API_FUNCTION.to_owned(),
                "the HTTP routes".to_owned(),
            );
            functions.push(Function::new(DEFAULT_API_FUNCTION, Trigger::Api));
        }
        for decl in self.functions {
            let Some(name) = decl.name else {
                return Err(Error::declaration(
                    decl.declaration,
                    "its handler is a closure, which has no name: add `.name(\"...\")` right \
                     after it, or use a named `async fn`",
                ));
            };
            check_name(&name).map_err(|p| Error::declaration(&decl.declaration, p))?;
            if let Some(other) = seen.insert(name.clone(), decl.declaration.clone()) {
                return Err(Error::declaration(
                    decl.declaration,
                    format!(
                        "handler name `{name}` is already used by {other}: give one of them \
                         another name with `.name(\"...\")`"
                    ),
                ));
            }
            handlers.insert(Arc::from(name.as_str()), decl.handler);
            functions.push(Function::new(name, decl.trigger));
        }
        let api = (!self.routes.is_empty()).then(|| manifest::Api {
            function: DEFAULT_API_FUNCTION.to_owned(),
            binary_media_types: self.binary_media_types.clone(),
            routes: self
                .routes
                .iter()
                .map(|r| {
                    let mut methods: Vec<String> =
                        r.route.methods.iter().map(|m| (*m).to_owned()).collect();
                    methods.sort();
                    let options = &r.route.options;
                    manifest::Route {
                        path: r.template.clone(),
                        methods,
                        cors: options.cors.as_ref().map(route::Cors::to_manifest),
                        content_types: options.content_types.clone(),
                        required_query_params: options.required_query_params.clone(),
                        api_key_required: options.api_key_required,
                        authorizer: None,
                    }
                })
                .collect(),
        });
        let manifest = Manifest::new(self.name, functions, api);
        let routes = self
            .routes
            .into_iter()
            .map(|r| (r.template, r.axum_path, r.route))
            .collect();
        let dispatcher = Dispatcher::new(routes, self.binary_media_types, self.layers, handlers)?;
        Ok((manifest, dispatcher))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn on_thing(_: S3Event) {}

    #[test]
    fn handler_names_come_from_function_items() {
        fn name_of<F>(_: &F) -> Option<String> {
            handler_name::<F>()
        }
        assert_eq!(name_of(&on_thing).as_deref(), Some("on_thing"));
        assert_eq!(name_of(&|_: S3Event| async {}), None);
    }
}
