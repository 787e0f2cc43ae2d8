//! The event and access-code operations that seed 002's admin door and `/api/v1` share: the
//! same inputs and the same service calls, rendered by each door in its own wire format. A
//! route added here is on both doors.

use std::future::Future;

use axum::{
    extract::{
        rejection::{JsonRejection, QueryRejection},
        Path, Query,
    },
    http::StatusCode,
    response::Response,
    routing::{get, patch, post},
    Json, Router,
};
use serde::{de::IntoDeserializer, Deserialize};
use serde_json::{json, Map, Value};
use streamgate_domain::{
    model::{AccessCode, Page, Principal},
    service::{Domain, EventSwitch},
    DomainError,
};
use uuid::Uuid;

use super::{
    door::{Call, Door, IdKind, OfCode, OfEvent, PathId},
    event_input::{
        csv_download, json_body, query_params, BulkRevokeBody, CodesBody, EventBody,
        EventPatchBody, ListParams,
    },
};
use crate::http::AppState;

/// What differs between the two event doors beyond being doors: what codes are called, how a
/// page of them looks, and which account a new event goes to.
pub trait EventDoor: Door {
    /// Seed 002 calls access codes `tokens` in its paths and bodies; `/api/v1` calls them `codes`.
    const CODES: &'static str;

    /// A page of codes.
    fn code_page(page: Page<AccessCode>) -> Json<Value>;
    /// The account a new event goes to, when the body names `asked` or none.
    fn event_account(
        domain: &Domain,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> impl Future<Output = Result<Uuid, DomainError>> + Send;
}

type Reply<D, T = Json<Value>> = Result<T, <D as Door>::Error>;
type EventId<D> = PathId<D, OfEvent>;
type CodeId<D> = PathId<D, OfCode>;

/// The shared routes, relative to the door's root.
pub fn routes<D: EventDoor>() -> Router<AppState> {
    let codes = D::CODES;
    Router::new()
        .route("/events", post(create_event::<D>))
        .route(
            "/events/{id}",
            get(get_event::<D>)
                .put(update_event::<D>)
                .delete(delete_event::<D>),
        )
        .route("/events/{id}/{switch}", patch(switch_event::<D>))
        .route(
            &format!("/events/{{id}}/{codes}"),
            get(list_event_codes::<D>).post(generate_codes::<D>),
        )
        .route(
            &format!("/events/{{id}}/{codes}/export"),
            get(export_codes::<D>),
        )
        .route(&format!("/{codes}"), get(list_codes::<D>))
        .route(&format!("/{codes}/bulk-revoke"), post(bulk_revoke::<D>))
        .route(
            &format!("/{codes}/{{id}}/revoke"),
            patch(set_revoked::<D, true>),
        )
        .route(
            &format!("/{codes}/{{id}}/unrevoke"),
            patch(set_revoked::<D, false>),
        )
        .route("/dashboard", get(dashboard::<D>))
}

async fn create_event<D: EventDoor>(
    call: Call<D>,
    body: Result<Json<EventBody>, JsonRejection>,
) -> Reply<D, (StatusCode, Json<Value>)> {
    let body = json_body(body)?;
    let account_id = D::event_account(&call.domain, &call.principal, body.account_id).await?;
    let input = body.new_event()?;
    let events = call.domain.events();
    let event = events.create(&call.principal, account_id, input, call.ip);
    Ok((StatusCode::CREATED, D::render(event.await?)))
}

async fn get_event<D: EventDoor>(call: Call<D>, PathId(id, _): EventId<D>) -> Reply<D> {
    let events = call.domain.events();
    Ok(D::render(events.get_summary(&call.principal, id).await?))
}

pub async fn update_event<D: EventDoor>(
    call: Call<D>,
    PathId(id, _): EventId<D>,
    body: Result<Json<EventPatchBody>, JsonRejection>,
) -> Reply<D> {
    let patch = json_body(body)?.patch()?;
    let events = call.domain.events();
    Ok(D::render(
        events.update(&call.principal, id, patch, call.ip).await?,
    ))
}

async fn delete_event<D: EventDoor>(call: Call<D>, PathId(id, _): EventId<D>) -> Reply<D> {
    let events = call.domain.events();
    events.delete(&call.principal, id, None, call.ip).await?;
    Ok(D::render(json!({ "deleted": true })))
}

/// `PATCH …/events/:id/{activate,deactivate,archive,unarchive}`.
async fn switch_event<D: EventDoor>(
    call: Call<D>,
    Path((id, switch)): Path<(String, String)>,
) -> Reply<D> {
    let switch = EventSwitch::deserialize(switch.as_str().into_deserializer())
        .map_err(|_: serde::de::value::Error| D::no_route())?;
    let id = Uuid::try_parse(&id).map_err(|_| D::bad_id(IdKind::Event))?;
    let events = call.domain.events();
    Ok(D::render(
        events.switch(&call.principal, id, switch, call.ip).await?,
    ))
}

/// A page of the codes of `event_id` (else of the `eventId` parameter, else all).
async fn code_page<D: EventDoor>(
    call: Call<D>,
    params: Result<Query<ListParams>, QueryRejection>,
    event_id: Option<Uuid>,
) -> Reply<D> {
    let query = query_params(params)?.code_query(event_id)?;
    let codes = call.domain.codes();
    Ok(D::code_page(codes.list(&call.principal, query).await?))
}

async fn list_event_codes<D: EventDoor>(
    call: Call<D>,
    PathId(id, _): EventId<D>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Reply<D> {
    code_page(call, params, Some(id)).await
}

async fn list_codes<D: EventDoor>(
    call: Call<D>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Reply<D> {
    code_page(call, params, None).await
}

async fn generate_codes<D: EventDoor>(
    call: Call<D>,
    PathId(id, _): EventId<D>,
    body: Result<Json<CodesBody>, JsonRejection>,
) -> Reply<D, (StatusCode, Json<Value>)> {
    let input = json_body(body)?.into();
    let service = call.domain.codes();
    let codes = service
        .generate(&call.principal, id, input, call.ip)
        .await?;
    let count = codes.len();
    let mut body = Map::new();
    body.insert(D::CODES.to_owned(), json!(codes));
    body.insert("count".to_owned(), json!(count));
    Ok((StatusCode::CREATED, D::render(body)))
}

async fn export_codes<D: EventDoor>(
    call: Call<D>,
    PathId(id, _): EventId<D>,
) -> Reply<D, Response> {
    let (event, codes) = call.domain.codes().export(&call.principal, id).await?;
    Ok(csv_download(&event, &codes))
}

/// `PATCH …/:id/revoke` and `…/:id/unrevoke`.
async fn set_revoked<D: EventDoor, const REVOKED: bool>(
    call: Call<D>,
    PathId(id, _): CodeId<D>,
) -> Reply<D> {
    let codes = call.domain.codes();
    let code = codes.set_revoked(&call.principal, id, REVOKED, call.ip);
    Ok(D::render(code.await?))
}

async fn bulk_revoke<D: EventDoor>(
    call: Call<D>,
    body: Result<Json<BulkRevokeBody>, JsonRejection>,
) -> Reply<D> {
    let ids = json_body(body)?.code_ids;
    let codes = call.domain.codes();
    let revoked = codes.bulk_revoke(&call.principal, &ids, call.ip).await?;
    Ok(D::render(json!({ "revoked": revoked })))
}

async fn dashboard<D: EventDoor>(call: Call<D>) -> Reply<D> {
    Ok(D::render(
        call.domain.events().dashboard(&call.principal).await?,
    ))
}
