//! `/api/v1/graphql` (async-graphql): seed 000's StreamElements queries and mutations, with the
//! same credentials and permission checks as REST, since both ask the same domain services.
//! Refusals are GraphQL errors whose `extensions.code` says why. No GraphiQL page is served.

mod se_tokens;

use std::{net::IpAddr, sync::LazyLock};

use async_graphql::{EmptySubscription, ErrorExtensions, Schema};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};
use streamgate_domain::{model::Principal, service::Domain, DomainError};

use super::{shared::caller, AppState};
use se_tokens::{Mutation, Query};

pub type StreamGateSchema = Schema<Query, Mutation, EmptySubscription>;

/// Deep or wide queries are refused before they run.
const MAX_DEPTH: usize = 8;
const MAX_COMPLEXITY: usize = 200;

static SCHEMA: LazyLock<StreamGateSchema> = LazyLock::new(|| {
    Schema::build(Query, Mutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .finish()
});

/// Runs one GraphQL request for the caller the shared middleware resolved (or none).
#[utoipa::path(
    post,
    path = "/graphql",
    tag = "graphql",
    security(("bearer" = []), ("session" = [])),
    request_body(content = serde_json::Value, description = "`{query, variables?, operationName?}`"),
    responses(
        (status = 200, description = "`{data, errors?}`; refusals are errors with `extensions.code` UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT or NOT_FOUND", body = serde_json::Value),
        (status = 400, description = "Not a GraphQL request"),
    ),
)]
pub async fn graphql(caller: GraphqlCaller, request: GraphQLRequest) -> GraphQLResponse {
    let mut response = SCHEMA.execute(request.into_inner().data(caller)).await;
    // What the resolvers refuse carries a code already; the rest is the request's own fault
    // (syntax, unknown fields, bad argument values, the depth and complexity limits).
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "BAD_USER_INPUT");
        }
    }
    response.into()
}

/// Who is asking: resolved by the same middleware as every `/api/v1` route.
pub struct GraphqlCaller {
    domain: Domain,
    principal: Result<Principal, &'static str>,
    ip: Option<IpAddr>,
}

impl FromRequestParts<AppState> for GraphqlCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = caller::principal(parts)
            .ok_or_else(|| caller::refused(parts).unwrap_or("Authentication required"));
        let ip = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ConnectInfo(client)| client.ip());
        Ok(GraphqlCaller {
            domain: state.domain.clone(),
            principal,
            ip,
        })
    }
}

impl GraphqlCaller {
    fn of<'a>(
        ctx: &'a async_graphql::Context<'_>,
    ) -> async_graphql::Result<(&'a Self, &'a Principal)> {
        let caller = ctx.data::<GraphqlCaller>()?;
        match &caller.principal {
            Ok(principal) => Ok((caller, principal)),
            Err(reason) => Err(coded(reason.to_string(), "UNAUTHENTICATED")),
        }
    }
}

/// A domain refusal as a GraphQL error with its `extensions.code`.
fn refusal(err: DomainError) -> async_graphql::Error {
    let code = match &err {
        DomainError::Unauthenticated { .. } | DomainError::InvalidCredentials => "UNAUTHENTICATED",
        DomainError::Forbidden { .. } | DomainError::NotAllowed { .. } => "FORBIDDEN",
        DomainError::Validation { .. } => "BAD_USER_INPUT",
        DomainError::NotFound { .. } => "NOT_FOUND",
        DomainError::Conflict { .. } => "CONFLICT",
        DomainError::TooManyAttempts { .. } | DomainError::QuotaExceeded(_) => "TOO_MANY_REQUESTS",
        DomainError::Playback(_) | DomainError::Storage(_) => "INTERNAL_SERVER_ERROR",
    };
    let field = match &err {
        DomainError::Validation { field, .. } | DomainError::Conflict { field, .. } => Some(*field),
        _ => None,
    };
    let (_, message) = super::shared::error::classify(&err);
    coded(message, code).extend_with(|_, extensions| {
        if let Some(field) = field {
            extensions.set("field", field);
        }
    })
}

fn coded(message: String, code: &'static str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| extensions.set("code", code))
}
