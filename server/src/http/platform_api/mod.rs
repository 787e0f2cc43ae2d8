//! `/api/v1`: the platform API for integrators, in seed 001's conventions: `{data, error}`
//! envelopes, `{statusCode, message, error}` errors, credentials resolved by the shared caller
//! middleware (API token, then dashboard JWT, then the session cookie).

mod accounts;
mod auth;
pub mod error;
mod events;
mod se_tokens;
mod tips;
mod tokens;
mod users;

use axum::{
    extract::{rejection::JsonRejection, FromRequestParts, Query},
    http::{request::Parts, StatusCode},
    Json,
};
use serde::Deserialize;
use serde_json::Value;
use streamgate_domain::{
    model::{AccessCode, Page, Principal},
    service::Domain,
    DomainError,
};
use utoipa::{
    openapi::{RefOr, Schema},
    PartialSchema,
};
use utoipa_axum::routes;
use uuid::Uuid;

use error::{envelope, ApiError};

use super::{
    graphql,
    openapi::{swagger, ApiRoutes},
    ops,
    shared::{
        caller,
        door::{Door, IdKind},
        event_routes::EventDoor,
        with_callers,
    },
    AppState,
};

/// The platform door.
pub struct PlatformApi;

impl Door for PlatformApi {
    type Error = ApiError;

    /// Any credential; otherwise seed 001's 401, saying why a presented one was refused.
    fn authenticate(parts: &Parts) -> Result<Principal, ApiError> {
        caller::principal(parts).ok_or_else(|| {
            let reason = caller::refused(parts).unwrap_or("Authentication required");
            ApiError::new(StatusCode::UNAUTHORIZED, reason)
        })
    }

    fn render<T: serde::Serialize>(value: T) -> Json<Value> {
        envelope(value)
    }

    fn bad_id(_: IdKind) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "The id in the path must be a UUID")
    }

    fn no_route() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "Cannot find this route")
    }
}

impl EventDoor for PlatformApi {
    const CODES: &'static str = "codes";

    fn code_page(page: Page<AccessCode>) -> Json<Value> {
        envelope(page)
    }

    fn code_page_schema() -> RefOr<Schema> {
        Page::<AccessCode>::schema()
    }

    /// The account named, else the member's own; the superadmin must name one.
    async fn event_account(
        domain: &Domain,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<Uuid, DomainError> {
        domain.accounts().acting_account(principal, asked).await
    }
}

/// The door's routes, relative to `/api/v1`, each with its documentation.
fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .routes(routes!(ops::liveness))
        .routes(routes!(swagger::openapi_json))
        .routes(routes!(swagger::docs_page))
        .routes(routes!(swagger::docs_asset))
        .routes(routes!(graphql::graphql))
        .merge(auth::routes())
        .merge(users::routes())
        .merge(tokens::routes())
        .merge(accounts::routes())
        .merge(se_tokens::routes())
        .merge(tips::routes())
        .merge(events::routes())
}

pub fn router(state: &AppState) -> ApiRoutes {
    routes().wrap(|routes| {
        let routes = routes.fallback(|| async { PlatformApi::no_route() });
        with_callers::<ApiError>(routes, state)
    })
}

/// `?accountId=`: the superadmin names the account; members get their own (naming another is
/// a 404).
pub(super) struct AskedAccount(pub Option<Uuid>);

impl<S: Send + Sync> FromRequestParts<S> for AskedAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct AccountQuery {
            account_id: Option<Uuid>,
        }
        let Query(asked) = Query::<AccountQuery>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))?;
        Ok(AskedAccount(asked.account_id))
    }
}

/// A JSON body, or seed 001's 400 saying what is wrong with it.
fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(value)| value)
        .map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))
}
