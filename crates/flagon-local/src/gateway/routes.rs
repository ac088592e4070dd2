//! Route matching with API Gateway's path templates and its choice of the most specific
//! resource: at each segment a literal beats `{param}`, which beats greedy `{proxy+}`.
//! The resource is chosen by path first, then the method is checked, as API Gateway does
//! (so `PUT /users/me` against `GET /users/me` and `PUT /users/{id}` finds no method).

use std::collections::HashMap;

use flagon_manifest::Route;
use percent_encoding::percent_decode_str;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
    Greedy(String),
}

impl Segment {
    fn rank(&self) -> u8 {
        match self {
            Segment::Literal(_) => 0,
            Segment::Param(_) => 1,
            Segment::Greedy(_) => 2,
        }
    }
}

/// The routes of the API, ready to match.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Route)>,
}

/// A request path matched to a route.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched<'a> {
    /// The route (its template is `route.path`).
    pub route: &'a Route,
    /// Path parameters, URL-decoded.
    pub params: HashMap<String, String>,
}

impl RouteTable {
    /// Compiles the manifest's routes.
    pub fn new(routes: &[Route]) -> Self {
        let routes = routes
            .iter()
            .map(|r| (parse_template(&r.path), r.clone()))
            .collect();
        Self { routes }
    }

    /// The most specific route whose template matches `path` (raw, still URL-encoded).
    pub fn find(&self, path: &str) -> Option<Matched<'_>> {
        let parts = split(path);
        self.routes
            .iter()
            .filter_map(|(template, route)| {
                let params = match_template(template, &parts)?;
                let ranks: Vec<u8> = template.iter().map(Segment::rank).collect();
                Some((ranks, Matched { route, params }))
            })
            .min_by(|(a, _), (b, _)| a.cmp(b))
            .map(|(_, matched)| matched)
    }
}

/// Whether `route` answers `method` (`ANY` answers every method).
pub fn allows(route: &Route, method: &str) -> bool {
    route.methods.iter().any(|m| m == method || m == "ANY")
        // CORS preflight is routed to the function, which answers it: the deployed API has
        // an `OPTIONS` integration for such routes (`flagon_render::openapi::route_methods`).
        || (method == "OPTIONS" && route.cors.is_some())
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn parse_template(template: &str) -> Vec<Segment> {
    split(template)
        .into_iter()
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match name.strip_suffix('+') {
                    Some(name) => Segment::Greedy(name.to_owned()),
                    None => Segment::Param(name.to_owned()),
                },
                None => Segment::Literal(s.to_owned()),
            },
        )
        .collect()
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn match_template(template: &[Segment], parts: &[&str]) -> Option<HashMap<String, String>> {
    let mut params = HashMap::new();
    for (i, segment) in template.iter().enumerate() {
        match segment {
            Segment::Greedy(name) => {
                // Greedy matches one or more remaining segments.
                let rest = parts.get(i..).filter(|rest| !rest.is_empty())?;
                params.insert(name.clone(), decode(&rest.join("/")));
                return Some(params);
            }
            Segment::Literal(literal) => {
                if decode(parts.get(i)?) != *literal {
                    return None;
                }
            }
            Segment::Param(name) => {
                params.insert(name.clone(), decode(parts.get(i)?));
            }
        }
    }
    (template.len() == parts.len()).then_some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> Route {
        Route {
            path: path.into(),
            methods: vec!["GET".into()],
            cors: None,
            content_types: vec![],
            required_query_params: vec![],
            api_key_required: false,
            authorizer: None,
        }
    }

    fn table(paths: &[&str]) -> RouteTable {
        RouteTable::new(&paths.iter().map(|p| route(p)).collect::<Vec<_>>())
    }

    fn found(table: &RouteTable, path: &str) -> Option<(String, Vec<(String, String)>)> {
        table.find(path).map(|m| {
            let mut params: Vec<_> = m.params.into_iter().collect();
            params.sort();
            (m.route.path.clone(), params)
        })
    }

    #[test]
    fn literal_beats_param_beats_greedy() {
        let t = table(&["/{proxy+}", "/users/{id}", "/users/me"]);
        assert_eq!(found(&t, "/users/me").unwrap().0, "/users/me");
        assert_eq!(found(&t, "/users/42").unwrap().0, "/users/{id}");
        assert_eq!(found(&t, "/users/42/posts").unwrap().0, "/{proxy+}");
    }

    #[test]
    fn params_are_url_decoded() {
        let t = table(&["/files/{name}", "/static/{path+}"]);
        assert_eq!(
            found(&t, "/files/a%20b%2Fc"),
            Some((
                "/files/{name}".into(),
                vec![("name".into(), "a b/c".into())]
            ))
        );
        assert_eq!(
            found(&t, "/static/css/site%20x.css"),
            Some((
                "/static/{path+}".into(),
                vec![("path".into(), "css/site x.css".into())]
            ))
        );
    }

    #[test]
    fn unknown_paths_and_empty_greedy_do_not_match() {
        let t = table(&["/", "/users/{id}", "/static/{path+}"]);
        assert_eq!(found(&t, "/").unwrap().0, "/");
        assert_eq!(found(&t, "/users"), None);
        assert_eq!(found(&t, "/users/1/2"), None);
        assert_eq!(found(&t, "/static"), None);
        assert_eq!(found(&t, "/nope"), None);
    }
}
