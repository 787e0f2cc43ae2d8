//! Seed 002's admin API for events, tokens (access codes) and the dashboard counts, under
//! `/api/admin`: signed-in session only, bodies as the seed writes them, errors `{"error": …}`.
//! The operations themselves are shared with `/api/v1` ([`event_routes`]).

use axum::{
    extract::{rejection::QueryRejection, Query},
    http::{request::Parts, StatusCode},
    Json,
};
use serde::Serialize;
use serde_json::{json, Value};
use streamgate_domain::{
    model::{AccessCode, CredentialKind, EventSummary, Page, Principal},
    service::Domain,
    DomainError,
};
use utoipa::{
    openapi::{schema::Type, security::SecurityRequirement, RefOr, Schema},
    ToSchema,
};
use utoipa_axum::routes;
use uuid::Uuid;

use super::{
    error::{AdminError, AdminErrorBody},
    Seed002,
};
use crate::http::{
    openapi::{
        op::{array, integer, nullable, object, reference, DoorDoc},
        security, ApiRoutes,
    },
    shared::{
        caller,
        door::{Call, Door, IdKind},
        event_input::{query_params, ListParams},
        event_routes::{self, EventDoor},
    },
};

impl Door for Seed002 {
    type Error = AdminError;

    /// Seed 002: "All admin endpoints require an authenticated session"; otherwise
    /// `401 {"error":"Unauthorized"}`.
    fn authenticate(parts: &Parts) -> Result<Principal, AdminError> {
        caller::principal(parts)
            .filter(|principal| principal.via() == CredentialKind::Session)
            .ok_or_else(|| AdminError::new(StatusCode::UNAUTHORIZED, "Unauthorized"))
    }

    fn render<T: serde::Serialize>(value: T) -> Json<Value> {
        Json(serde_json::to_value(value).expect("domain types serialize"))
    }

    fn bad_id(kind: IdKind) -> AdminError {
        let message = match kind {
            IdKind::Event => "Invalid event id",
            IdKind::Code => "Invalid token id",
            IdKind::User => "Invalid user id",
            IdKind::ApiToken => "Invalid API token id",
            IdKind::Account => "Invalid account id",
            IdKind::SeToken => "Invalid SE token id",
        };
        AdminError::new(StatusCode::BAD_REQUEST, message)
    }

    fn no_route() -> AdminError {
        AdminError::new(StatusCode::NOT_FOUND, "Not found")
    }
}

impl EventDoor for Seed002 {
    const CODES: &'static str = "tokens";

    /// `{"tokens": […], "total": N, "nextCursor": …}`: the seed's `tokens` plus the paging fields.
    fn code_page(page: Page<AccessCode>) -> Json<Value> {
        Json(json!({
            "tokens": page.items,
            "total": page.total,
            "nextCursor": page.next_cursor,
        }))
    }

    fn code_page_schema() -> RefOr<Schema> {
        let cursor = nullable(Type::String);
        let tokens = array(reference::<AccessCode>());
        object(&[
            ("tokens", tokens),
            ("total", integer()),
            ("nextCursor", cursor),
        ])
    }

    /// The seed has no accounts: without `accountId` the caller's own, or the installation's
    /// default account for the superadmin.
    async fn event_account(
        domain: &Domain,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> Result<Uuid, DomainError> {
        let accounts = domain.accounts();
        match asked {
            Some(_) => accounts.acting_account(principal, asked).await,
            None => accounts.default_acting_account(principal).await,
        }
    }
}

/// The admin API documents its operations as seed 002's, for the session cookie alone.
impl DoorDoc for Seed002 {
    const OPERATION_PREFIX: &'static str = "seed002_";
    type ErrorBody = AdminErrorBody;

    fn tag(_: &str) -> String {
        "seed 002 admin".to_owned()
    }

    fn security() -> Vec<SecurityRequirement> {
        vec![SecurityRequirement::new::<_, [&str; 0], &str>(
            security::SESSION,
            [],
        )]
    }

    fn success(data: RefOr<Schema>) -> RefOr<Schema> {
        data
    }
}

pub fn routes() -> ApiRoutes {
    event_routes::routes::<Seed002>().routes(routes!(list_events))
}

/// `{"events": […]}`.
#[derive(Serialize, ToSchema)]
struct EventList {
    events: Vec<EventSummary>,
}

/// Every event the caller sees with its token count: `{"events": […]}`, the latest start first.
/// Optional `search`, `active`, `archived` filters; no paging (the seed lists all).
#[utoipa::path(
    get,
    path = "/events",
    tag = "seed 002 admin",
    operation_id = "seed002_list_events",
    security(("session" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "The events", body = EventList),
        (status = 400, description = "A bad parameter", body = AdminErrorBody),
        (status = 401, description = "No signed-in session", body = AdminErrorBody),
        (status = 403, description = "Not allowed", body = AdminErrorBody),
    ),
)]
async fn list_events(
    call: Call<Seed002>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<EventList>, AdminError> {
    let query = query_params(params)?.event_query()?;
    let events = call.domain.events();
    let events = events.list_all_summaries(&call.principal, query).await?;
    Ok(Json(EventList { events }))
}
