//! [`ApiRoutes`]: a router whose only way to gain a route also documents it.

use std::collections::BTreeSet;

use axum::Router;
use utoipa::openapi::{path::PathItem, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use crate::http::AppState;

/// One routed operation: an HTTP method (upper case) on a path in OpenAPI's `{param}` form,
/// which is also axum's.
pub type Operation = (String, String);

/// Routes with their OpenAPI operations. There is deliberately no `.route()`: a route joins
/// only through [`ApiRoutes::routes`], with its documentation.
pub struct ApiRoutes {
    router: Router<AppState>,
    api: OpenApi,
    routed: BTreeSet<Operation>,
}

impl Default for ApiRoutes {
    fn default() -> Self {
        Self::new()
    }
}

impl ApiRoutes {
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            api: OpenApi::default(),
            routed: BTreeSet::new(),
        }
    }

    /// Adds handlers and their operations: `routes!(handler, …)` or [`super::Op::into_route`].
    pub fn routes(mut self, routes: UtoipaMethodRouter<AppState>) -> Self {
        for (path, item) in &routes.1.paths {
            for method in methods(item) {
                assert!(
                    self.routed.insert((method.to_owned(), path.clone())),
                    "{method} {path} is routed twice"
                );
            }
        }
        let (router, api) = OpenApiRouter::default().routes(routes).split_for_parts();
        self.router = self.router.merge(router);
        self.api.merge(api);
        self
    }

    pub fn merge(mut self, other: ApiRoutes) -> Self {
        self.router = self.router.merge(other.router);
        self.api.merge(other.api);
        self.routed.extend(other.routed);
        self
    }

    /// `other` under `prefix`, as [`Router::nest`] puts it.
    pub fn nest(mut self, prefix: &str, other: ApiRoutes) -> Self {
        self.router = self.router.nest(prefix, other.router);
        self.api = self.api.nest(prefix, other.api);
        let nested = other.routed.into_iter();
        self.routed
            .extend(nested.map(|(method, path)| (method, format!("{prefix}{path}"))));
        self
    }

    /// Middleware or a fallback for these routes; the routes themselves stay as documented.
    pub fn wrap(mut self, wrap: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = wrap(self.router);
        self
    }

    /// The router and its document, after checking they agree: a difference is a programming
    /// error, found at start-up like axum's own overlapping routes.
    pub fn finish(self) -> (Router<AppState>, OpenApi) {
        let documented = documented(&self.api);
        let undocumented: Vec<_> = self.routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&self.routed).collect();
        assert!(
            undocumented.is_empty() && unrouted.is_empty(),
            "the OpenAPI document differs from the routes: routed but not documented \
             {undocumented:?}, documented but not routed {unrouted:?}"
        );
        (self.router, self.api)
    }
}

/// Every method and path a document describes.
fn documented(api: &OpenApi) -> BTreeSet<Operation> {
    let paths = api.paths.paths.iter();
    paths
        .flat_map(|(path, item)| methods(item).map(move |method| (method.to_owned(), path.clone())))
        .collect()
}

fn methods(item: &PathItem) -> impl Iterator<Item = &'static str> {
    [
        ("GET", item.get.is_some()),
        ("PUT", item.put.is_some()),
        ("POST", item.post.is_some()),
        ("DELETE", item.delete.is_some()),
        ("OPTIONS", item.options.is_some()),
        ("HEAD", item.head.is_some()),
        ("PATCH", item.patch.is_some()),
        ("TRACE", item.trace.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
}
