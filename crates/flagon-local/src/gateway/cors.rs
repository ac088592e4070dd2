//! CORS preflight, answered by the gateway as API Gateway answers it for a route with CORS.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use bytes::Bytes;
use flagon_manifest::{Cors, Route};

use super::payload::Answer;

/// The headers Chalice and API Gateway's console allow by default.
const DEFAULT_ALLOW_HEADERS: [&str; 5] = [
    "Authorization",
    "Content-Type",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Api-Key",
];

/// The answer to `OPTIONS` on a route with CORS settings.
pub fn preflight(cors: &Cors, route: &Route, request: &HeaderMap) -> Answer {
    let origin = request
        .get(http::header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let allow_origin = if cors.allow_origins.iter().any(|o| o == "*") {
        Some("*".to_owned())
    } else {
        origin
            .filter(|o| cors.allow_origins.iter().any(|a| a == o))
            .map(str::to_owned)
    };
    // As the function answers at API Gateway: `ANY` is spelt out, browsers know no `ANY`.
    let mut methods: Vec<String> = if route.methods.iter().any(|m| m == "ANY") {
        flagon_manifest::ANY_METHODS.map(str::to_owned).to_vec()
    } else {
        route.methods.clone()
    };
    methods.push("OPTIONS".into());
    let mut allow_headers: Vec<String> = DEFAULT_ALLOW_HEADERS
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
    allow_headers.extend(cors.allow_headers.iter().cloned());
    allow_headers.sort();
    allow_headers.dedup();

    let mut headers = Vec::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.push((HeaderName::from_static(name), value));
        }
    };
    if let Some(origin) = allow_origin {
        put("access-control-allow-origin", origin);
    }
    put("access-control-allow-methods", methods.join(","));
    put("access-control-allow-headers", allow_headers.join(","));
    if !cors.expose_headers.is_empty() {
        put(
            "access-control-expose-headers",
            cors.expose_headers.join(","),
        );
    }
    if let Some(max_age) = cors.max_age {
        put("access-control-max-age", max_age.to_string());
    }
    if cors.allow_credentials {
        put("access-control-allow-credentials", "true".into());
    }
    Answer {
        status: StatusCode::OK,
        headers,
        body: Bytes::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(methods: &[&str]) -> Route {
        Route {
            path: "/files/{proxy+}".into(),
            methods: methods.iter().map(|m| (*m).to_owned()).collect(),
            cors: None,
            content_types: vec![],
            required_query_params: vec![],
            api_key_required: false,
            authorizer: None,
        }
    }

    fn allowed_methods(methods: &[&str]) -> String {
        let cors = Cors {
            allow_origins: vec!["*".into()],
            allow_headers: vec![],
            expose_headers: vec![],
            max_age: None,
            allow_credentials: false,
        };
        let answer = preflight(&cors, &route(methods), &HeaderMap::new());
        let (_, value) = answer
            .headers
            .iter()
            .find(|(name, _)| name == "access-control-allow-methods")
            .expect("allow-methods");
        value.to_str().unwrap().to_owned()
    }

    #[test]
    fn preflight_of_an_any_route_spells_out_the_methods() {
        assert_eq!(
            allowed_methods(&["ANY"]),
            "DELETE,GET,HEAD,PATCH,POST,PUT,OPTIONS"
        );
        assert_eq!(allowed_methods(&["GET", "POST"]), "GET,POST,OPTIONS");
    }
}
