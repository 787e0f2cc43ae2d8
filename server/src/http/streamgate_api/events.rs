//! Seed 002's admin API for events, tokens (access codes) and the dashboard counts, under
//! `/api/admin`: signed-in session only, bodies as the seed writes them, errors `{"error": …}`.
//! The operations themselves are shared with `/api/v1` ([`event_routes`]).

use axum::{
    extract::{rejection::QueryRejection, Query},
    http::{request::Parts, StatusCode},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};
use streamgate_domain::{
    model::{AccessCode, CredentialKind, Page, Principal},
    service::Domain,
    DomainError,
};
use uuid::Uuid;

use super::{error::AdminError, Seed002};
use crate::http::{
    shared::{
        caller,
        door::{Call, Door, IdKind},
        event_input::{query_params, ListParams},
        event_routes::{self, EventDoor},
    },
    AppState,
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
            IdKind::Account => "Invalid account id",
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

pub fn router() -> Router<AppState> {
    event_routes::routes::<Seed002>().route("/events", get(list_events))
}

/// Every event the caller sees with its token count: `{"events": […]}`, the latest start first.
/// Optional `search`, `active`, `archived` filters; no paging (the seed lists all).
async fn list_events(
    call: Call<Seed002>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, AdminError> {
    let query = query_params(params)?.event_query()?;
    let events = call.domain.events();
    let all = events.list_all_summaries(&call.principal, query).await?;
    Ok(Json(json!({ "events": all })))
}
