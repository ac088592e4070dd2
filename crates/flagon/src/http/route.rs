//! Route declarations: the methods of one path and the options beside them.
//!
//! [`get`], [`post`], ... mirror axum's routing functions and take the same handlers (any
//! extractors, any `IntoResponse`), and they also record which methods the path answers, which
//! the manifest needs and axum's `MethodRouter` does not tell. Options chain on the same value:
//!
//! ```
//! use flagon::prelude::*;
//!
//! async fn create() -> &'static str { "created" }
//! let route: flagon::MethodRoute = post(create)
//!     .cors(Cors::origin("https://example.com").max_age(600))
//!     .content_types(["application/json"])
//!     .required_query_params(["tenant"]);
//! # let _ = route;
//! ```
//!
//! Like axum's `MethodRouter<S>`, a [`MethodRoute<S>`] is missing a state of type `S` (its
//! handlers' `State<S>`), given once for the whole app by
//! [`App::with_state`](crate::App::with_state); `MethodRoute` alone is `MethodRoute<()>`.

use axum::handler::Handler;
use axum::routing::MethodRouter;
use flagon_manifest as manifest;

/// The handlers of one path, the methods they answer and the route's options; `S` is the
/// state its handlers extract with `State`, `()` when they take none.
pub struct MethodRoute<S = ()> {
    pub(crate) router: MethodRouter<S>,
    pub(crate) methods: Vec<&'static str>,
    pub(crate) options: RouteOptions,
    /// The first mistake in the chain (a method given twice), reported at finalisation:
    /// axum would panic on it.
    pub(crate) error: Option<String>,
}

/// Options of a route, beside its methods.
#[derive(Debug, Clone, Default)]
pub(crate) struct RouteOptions {
    pub(crate) cors: Option<Cors>,
    pub(crate) content_types: Vec<String>,
    pub(crate) required_query_params: Vec<String>,
    pub(crate) api_key_required: bool,
}

impl RouteOptions {
    /// Whether the runtime has nothing to check (the API key is API Gateway's to check).
    pub(crate) fn is_empty(&self) -> bool {
        self.cors.is_none()
            && self.content_types.is_empty()
            && self.required_query_params.is_empty()
    }
}

macro_rules! methods {
    ($($(#[$doc:meta])* $fn:ident => $method:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $fn<H, T, S>(handler: H) -> MethodRoute<S>
            where
                H: Handler<T, S>,
                T: 'static,
                S: Clone + Send + Sync + 'static,
            {
                MethodRoute::new().$fn(handler)
            }
        )*

        impl<S> MethodRoute<S>
        where
            S: Clone + Send + Sync + 'static,
        {
            $(
                $(#[$doc])*
                pub fn $fn<H, T>(mut self, handler: H) -> Self
                where
                    H: Handler<T, S>,
                    T: 'static,
                {
                    if let Some(problem) = self.conflict($method) {
                        self.error.get_or_insert(problem);
                        return self;
                    }
                    self.router = self.router.$fn(handler);
                    self.methods.push($method);
                    self
                }
            )*
        }
    };
}

methods! {
    /// Routes `GET` (and `HEAD`, as axum does) to `handler`.
    get => "GET";
    /// Routes `POST` to `handler`.
    post => "POST";
    /// Routes `PUT` to `handler`.
    put => "PUT";
    /// Routes `DELETE` to `handler`.
    delete => "DELETE";
    /// Routes `PATCH` to `handler`.
    patch => "PATCH";
    /// Routes `HEAD` to `handler`.
    head => "HEAD";
    /// Routes `OPTIONS` to `handler` (then no automatic CORS preflight is added).
    options => "OPTIONS";
}

/// Routes every method to `handler`; API Gateway's `ANY`. It takes no other method. With
/// [`cors`](MethodRoute::cors), `OPTIONS` is the CORS preflight, answered by Flagon.
pub fn any<H, T, S>(handler: H) -> MethodRoute<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    let mut route = MethodRoute::new();
    route.router = axum::routing::any(handler);
    route.methods.push("ANY");
    route
}

impl<S> MethodRoute<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn new() -> Self {
        Self {
            router: MethodRouter::new(),
            methods: Vec::new(),
            options: RouteOptions::default(),
            error: None,
        }
    }

    fn conflict(&self, method: &str) -> Option<String> {
        if self.methods.contains(&method) {
            return Some(format!(
                "method {method} is given twice: give it one handler"
            ));
        }
        if method == "ANY" && !self.methods.is_empty() || self.methods.contains(&"ANY") {
            return Some("`any` answers every method: it cannot be combined with others".into());
        }
        if method == "HEAD" && self.methods.contains(&"GET") {
            return Some("`get` already answers HEAD: declare `head` before `get`".into());
        }
        None
    }

    /// CORS for this route: headers on every answer whose `Origin` is allowed, and a
    /// preflight (`OPTIONS`) answer unless the route declares `OPTIONS` itself.
    pub fn cors(mut self, cors: Cors) -> Self {
        self.options.cors = Some(cors);
        self
    }

    /// Accepted request content types (`application/json`, `text/plain`, ...): a request with
    /// a body or a `Content-Type` of another type is answered 415.
    pub fn content_types<I, T>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.options.content_types = types.into_iter().map(|t| t.into().to_lowercase()).collect();
        self
    }

    /// Query parameters that must be present: a request without one is answered 400, naming it.
    pub fn required_query_params<I, N>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        self.options.required_query_params = names.into_iter().map(Into::into).collect();
        self
    }

    /// Whether API Gateway requires an API key (REST API only; enforced by API Gateway).
    pub fn api_key_required(mut self, required: bool) -> Self {
        self.options.api_key_required = required;
        self
    }

    /// The same route with its state given: its handlers no longer miss it.
    pub(crate) fn with_state<S2>(self, state: S) -> MethodRoute<S2> {
        MethodRoute {
            router: self.router.with_state(state),
            methods: self.methods,
            options: self.options,
            error: self.error,
        }
    }
}

/// CORS settings of a route.
///
/// ```
/// use flagon::Cors;
///
/// let cors = Cors::origin("https://a.example")
///     .also_origin("https://b.example")
///     .allow_headers(["X-Trace"])
///     .expose_headers(["X-Request-Id"])
///     .max_age(600)
///     .allow_credentials(true);
/// # let _ = cors;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cors {
    pub(crate) allow_origins: Vec<String>,
    pub(crate) allow_headers: Vec<String>,
    pub(crate) expose_headers: Vec<String>,
    pub(crate) max_age: Option<u32>,
    pub(crate) allow_credentials: bool,
}

/// Request headers a preflight always allows (Chalice's defaults).
pub(crate) const DEFAULT_ALLOW_HEADERS: [&str; 5] = [
    "Authorization",
    "Content-Type",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Api-Key",
];

impl Cors {
    /// Allows any origin (`*`).
    pub fn any_origin() -> Self {
        Self::origin("*")
    }

    /// Allows one origin, e.g. `https://example.com`.
    pub fn origin(origin: impl Into<String>) -> Self {
        Self {
            allow_origins: vec![origin.into()],
            allow_headers: Vec::new(),
            expose_headers: Vec::new(),
            max_age: None,
            allow_credentials: false,
        }
    }

    /// Allows one more origin.
    pub fn also_origin(mut self, origin: impl Into<String>) -> Self {
        self.allow_origins.push(origin.into());
        self
    }

    /// Request headers the browser may send, beyond Chalice's defaults.
    pub fn allow_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow_headers = headers.into_iter().map(Into::into).collect();
        self
    }

    /// Response headers the browser may read.
    pub fn expose_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.expose_headers = headers.into_iter().map(Into::into).collect();
        self
    }

    /// How long a preflight answer may be cached, in seconds.
    pub fn max_age(mut self, seconds: u32) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Whether credentials are allowed; not with `*` (browsers refuse it, so Flagon does).
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.allow_credentials = allow;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.allow_origins.is_empty() {
            return Err("CORS needs at least one allowed origin".into());
        }
        if self.allow_credentials && self.allow_origins.iter().any(|o| o == "*") {
            return Err(
                "CORS with credentials cannot allow any origin (`*`): browsers refuse \
                        it; list the origins instead"
                    .into(),
            );
        }
        Ok(())
    }

    /// The value of `Access-Control-Allow-Origin` for a request from `origin`, if allowed.
    pub(crate) fn allowed_origin<'a>(&'a self, origin: Option<&'a str>) -> Option<&'a str> {
        if self.allow_origins.iter().any(|o| o == "*") {
            return Some("*");
        }
        match origin {
            Some(origin) => self
                .allow_origins
                .iter()
                .find(|o| *o == origin)
                .map(String::as_str),
            // No Origin header (not a browser): a single configured origin is sent as is, as
            // API Gateway's own CORS does.
            None if self.allow_origins.len() == 1 => Some(self.allow_origins[0].as_str()),
            None => None,
        }
    }

    pub(crate) fn to_manifest(&self) -> manifest::Cors {
        manifest::Cors {
            allow_origins: self.allow_origins.clone(),
            allow_headers: self.allow_headers.clone(),
            expose_headers: self.expose_headers.clone(),
            max_age: self.max_age,
            allow_credentials: self.allow_credentials,
        }
    }
}

/// Translates an API Gateway path template to axum's syntax, validating it:
/// `/users/{id}` stays, greedy `/{proxy+}` becomes `/{*proxy}`.
pub(crate) fn to_axum_path(template: &str) -> Result<String, String> {
    if !template.starts_with('/') {
        return Err(format!("a path starts with `/`: write `/{template}`"));
    }
    if template.len() > 1 && template.ends_with('/') {
        return Err(
            "a path does not end with `/` (API Gateway has no trailing-slash resources)".into(),
        );
    }
    let segments: Vec<&str> = template[1..].split('/').collect();
    let mut out = String::with_capacity(template.len());
    for (i, segment) in segments.iter().enumerate() {
        out.push('/');
        if template == "/" {
            break;
        }
        if segment.is_empty() {
            return Err("a path has no empty segment (`//`)".into());
        }
        let Some(inner) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            if segment.contains(['{', '}', '*', ':']) {
                return Err(format!(
                    "segment `{segment}` mixes text and a parameter: a parameter is a whole \
                     segment, `{{name}}` or greedy `{{name+}}`"
                ));
            }
            out.push_str(segment);
            continue;
        };
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(name) => (name, true),
            None => (inner, false),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "parameter `{segment}` needs a name of letters, digits and `_`, e.g. `{{id}}`"
            ));
        }
        if greedy && i + 1 != segments.len() {
            return Err(format!(
                "greedy parameter `{segment}` must be the last segment"
            ));
        }
        out.push('{');
        if greedy {
            out.push('*');
        }
        out.push_str(name);
        out.push('}');
    }
    Ok(out)
}

/// The shape of a template with parameter names erased: two templates of one shape collide.
pub(crate) fn template_shape(template: &str) -> String {
    template
        .split('/')
        .map(|s| match s.strip_prefix('{') {
            Some(rest) if rest.ends_with("+}") => "{+}",
            Some(_) => "{}",
            None => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_translate_to_axum_syntax() {
        assert_eq!(to_axum_path("/").unwrap(), "/");
        assert_eq!(to_axum_path("/users/{id}").unwrap(), "/users/{id}");
        assert_eq!(to_axum_path("/files/{proxy+}").unwrap(), "/files/{*proxy}");
    }

    #[test]
    fn malformed_templates_are_rejected_with_the_fix() {
        assert!(to_axum_path("users").unwrap_err().contains("`/users`"));
        assert!(
            to_axum_path("/a/{proxy+}/b")
                .unwrap_err()
                .contains("last segment")
        );
        assert!(
            to_axum_path("/a/x{id}")
                .unwrap_err()
                .contains("whole segment")
        );
        assert!(to_axum_path("/a/{}").unwrap_err().contains("needs a name"));
        assert!(to_axum_path("/a//b").is_err());
        assert!(to_axum_path("/a/").is_err());
    }

    #[test]
    fn templates_differing_only_in_names_have_one_shape() {
        assert_eq!(template_shape("/u/{id}"), template_shape("/u/{name}"));
        assert_ne!(template_shape("/u/{id}"), template_shape("/u/{p+}"));
    }

    #[test]
    fn credentials_with_any_origin_are_refused() {
        assert!(
            Cors::any_origin()
                .allow_credentials(true)
                .validate()
                .is_err()
        );
        assert!(
            Cors::origin("https://a")
                .allow_credentials(true)
                .validate()
                .is_ok()
        );
    }
}
