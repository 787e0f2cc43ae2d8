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
    Json,
};
use serde::{de::IntoDeserializer, Deserialize};
use serde_json::{json, Map, Value};
use streamgate_domain::{
    model::{AccessCode, DashboardStats, Event, EventSummary, Page, Principal},
    service::{Domain, EventSwitch},
    DomainError,
};
use utoipa::openapi::{path::HttpMethod, schema::Type, RefOr, Schema};
use uuid::Uuid;

use super::{
    csv_download::csv_download,
    door::{Call, Door, IdKind, OfCode, OfEvent, PathId},
    event_input::{
        json_body, query_params, BulkRevokeBody, CodesBody, EventBody, EventPatchBody, ListParams,
    },
};
use crate::http::openapi::{
    op::{array, integer, object, of_type, reference, DoorDoc, Op},
    ApiRoutes,
};

/// What differs between the two event doors beyond being doors: what codes are called, how a
/// page of them looks, and which account a new event goes to.
pub trait EventDoor: Door + DoorDoc {
    /// Seed 002 calls access codes `tokens` in its paths and bodies; `/api/v1` calls them `codes`.
    const CODES: &'static str;

    /// A page of codes.
    fn code_page(page: Page<AccessCode>) -> Json<Value>;
    /// The schema of [`EventDoor::code_page`]'s body, inside the door's success body.
    fn code_page_schema() -> RefOr<Schema>;
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

/// The shared routes, relative to the door's root, each with its documentation.
pub fn routes<D: EventDoor>() -> ApiRoutes {
    use HttpMethod::{Delete, Get, Patch, Post, Put};
    let codes = D::CODES;
    let op = Op::<D>::new;
    let (event_codes, code_page) = (format!("/events/{{id}}/{codes}"), D::code_page_schema());
    let generated = object(&[
        (codes, array(reference::<AccessCode>())),
        ("count", integer()),
    ]);
    let count = |key| object(&[(key, integer())]);
    let deleted = object(&[("deleted", of_type(Type::Boolean))]);
    ApiRoutes::new()
        .routes(
            op(Post, "/events", "create_event", "events", "Create an event")
                .body::<EventBody>()
                .answers::<Event>(201, "The new event")
                .refuses(&[400, 401, 403, 404])
                .handler(create_event::<D>),
        )
        .routes(
            op(
                Get,
                "/events/{id}",
                "get_event",
                "events",
                "An event with its code count",
            )
            .answers::<EventSummary>(200, "The event")
            .refuses(&[400, 401, 403, 404])
            .handler(get_event::<D>),
        )
        .routes(
            op(
                Put,
                "/events/{id}",
                "update_event",
                "events",
                "Change an event's fields",
            )
            .body::<EventPatchBody>()
            .answers::<Event>(200, "The changed event")
            .refuses(&[400, 401, 403, 404])
            .handler(update_event::<D>),
        )
        .routes(
            op(
                Delete,
                "/events/{id}",
                "delete_event",
                "events",
                "Delete an event and its codes",
            )
            .answers_with(200, "Deleted", deleted)
            .refuses(&[400, 401, 403, 404])
            .handler(delete_event::<D>),
        )
        .routes(
            op(
                Patch,
                "/events/{id}/{switch}",
                "switch_event",
                "events",
                "Switch an event",
            )
            .path_choice(
                "switch",
                &["activate", "deactivate", "archive", "unarchive"],
            )
            .answers::<Event>(200, "The switched event")
            .refuses(&[400, 401, 403, 404])
            .handler(switch_event::<D>),
        )
        .routes(
            op(
                Get,
                &event_codes,
                "list_event_codes",
                "codes",
                "A page of an event's codes",
            )
            .query::<ListParams>()
            .uses::<AccessCode>()
            .answers_with(200, "The codes", code_page.clone())
            .refuses(&[400, 401, 403, 404])
            .handler(list_event_codes::<D>),
        )
        .routes(
            op(
                Post,
                &event_codes,
                "generate_codes",
                "codes",
                "Generate codes for an event",
            )
            .body::<CodesBody>()
            .uses::<AccessCode>()
            .answers_with(201, "The new codes", generated)
            .refuses(&[400, 401, 403, 404])
            .handler(generate_codes::<D>),
        )
        .routes(
            op(
                Get,
                &format!("{event_codes}/export"),
                "export_codes",
                "codes",
                "Codes as CSV",
            )
            .answers_csv("The event's codes, one a line")
            .refuses(&[400, 401, 403, 404])
            .handler(export_codes::<D>),
        )
        .routes(
            op(
                Get,
                &format!("/{codes}"),
                "list_codes",
                "codes",
                "A page of codes",
            )
            .query::<ListParams>()
            .uses::<AccessCode>()
            .answers_with(200, "The codes", code_page)
            .refuses(&[400, 401, 403])
            .handler(list_codes::<D>),
        )
        .routes(
            op(
                Post,
                &format!("/{codes}/bulk-revoke"),
                "bulk_revoke",
                "codes",
                "Revoke codes",
            )
            .body::<BulkRevokeBody>()
            .answers_with(200, "How many were revoked", count("revoked"))
            .refuses(&[400, 401, 403])
            .handler(bulk_revoke::<D>),
        )
        .routes(
            op(
                Patch,
                &format!("/{codes}/{{id}}/revoke"),
                "revoke_code",
                "codes",
                "Revoke a code",
            )
            .answers::<AccessCode>(200, "The revoked code")
            .refuses(&[400, 401, 403, 404])
            .handler(set_revoked::<D, true>),
        )
        .routes(
            op(
                Patch,
                &format!("/{codes}/{{id}}/unrevoke"),
                "unrevoke_code",
                "codes",
                "Restore",
            )
            .answers::<AccessCode>(200, "The restored code")
            .refuses(&[400, 401, 403, 404])
            .handler(set_revoked::<D, false>),
        )
        .routes(
            op(
                Get,
                "/dashboard",
                "dashboard",
                "events",
                "Event, code and viewer counts",
            )
            .answers::<DashboardStats>(200, "The counts")
            .refuses(&[401, 403])
            .handler(dashboard::<D>),
        )
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
