//! The event and access-code operations that seed 002's admin door and `/api/v1` share: the
//! same inputs and the same service calls, rendered by each door in its own wire format. A
//! route added here is on both doors.

use std::{future::Future, net::SocketAddr};

use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        ConnectInfo, FromRequestParts, Path, Query, State,
    },
    http::{request::Parts, StatusCode},
    response::Response,
    routing::{get, patch, post},
    Json, Router,
};
use serde::{de::IntoDeserializer, Deserialize, Serialize};
use serde_json::{json, Map, Value};
use streamgate_domain::{
    model::{AccessCode, Page, Principal},
    service::{Domain, EventSwitch},
    DomainError,
};
use uuid::Uuid;

use super::{
    error::Refusal,
    event_input::{
        csv_download, json_body, query_params, BulkRevokeBody, CodesBody, EventBody,
        EventPatchBody, ListParams,
    },
};
use crate::http::AppState;

/// Which kind of id a path carries, for the door's "not a UUID" message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Event,
    Code,
    User,
}

/// What differs between the two doors: who may call, what codes are called, how a body and an
/// error look, and which account a new event goes to.
pub trait EventDoor: Send + Sync + 'static {
    /// Seed 002 calls access codes `tokens` in its paths and bodies; `/api/v1` calls them `codes`.
    const CODES: &'static str;
    type Error: Refusal;

    /// The caller, or the door's 401.
    fn authenticate(parts: &Parts) -> Result<Principal, Self::Error>;
    /// A success body.
    fn render<T: Serialize>(value: T) -> Json<Value>;
    /// A page of codes.
    fn code_page(page: Page<AccessCode>) -> Json<Value>;
    /// The 400 for a path id that is not a UUID.
    fn bad_id(kind: IdKind) -> Self::Error;
    /// The 404 for a path no route answers.
    fn no_route() -> Self::Error;
    /// The account a new event goes to, when the body names `asked` or none.
    fn event_account(
        domain: &Domain,
        principal: &Principal,
        asked: Option<Uuid>,
    ) -> impl Future<Output = Result<Uuid, DomainError>> + Send;
}

/// The caller of door `D`.
pub struct Caller<D>(pub Principal, pub std::marker::PhantomData<D>);

impl<D: EventDoor, S: Send + Sync> FromRequestParts<S> for Caller<D> {
    type Rejection = D::Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        D::authenticate(parts).map(|principal| Caller(principal, std::marker::PhantomData))
    }
}

type Reply<D, T = Json<Value>> = Result<T, <D as EventDoor>::Error>;

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
        .route(&format!("/{codes}/{{id}}/revoke"), patch(revoke::<D>))
        .route(&format!("/{codes}/{{id}}/unrevoke"), patch(unrevoke::<D>))
        .route("/dashboard", get(dashboard::<D>))
}

/// The id in the path, or the door's 400.
pub fn path_id<D: EventDoor>(
    path: Result<Path<Uuid>, PathRejection>,
    kind: IdKind,
) -> Reply<D, Uuid> {
    path.map(|Path(id)| id).map_err(|_| D::bad_id(kind))
}

async fn create_event<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    body: Result<Json<EventBody>, JsonRejection>,
) -> Reply<D, (StatusCode, Json<Value>)> {
    let body = json_body(body)?;
    let account_id = D::event_account(&state.domain, &principal, body.account_id).await?;
    let event = state
        .domain
        .events()
        .create(&principal, account_id, body.new_event()?, Some(peer.ip()))
        .await?;
    Ok((StatusCode::CREATED, D::render(event)))
}

async fn get_event<D: EventDoor>(
    State(state): State<AppState>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Reply<D> {
    let id = path_id::<D>(id, IdKind::Event)?;
    let event = state.domain.events().get_summary(&principal, id).await?;
    Ok(D::render(event))
}

pub async fn update_event<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
    body: Result<Json<EventPatchBody>, JsonRejection>,
) -> Reply<D> {
    let id = path_id::<D>(id, IdKind::Event)?;
    let patch = json_body(body)?.patch()?;
    let events = state.domain.events();
    let event = events
        .update(&principal, id, patch, Some(peer.ip()))
        .await?;
    Ok(D::render(event))
}

async fn delete_event<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Reply<D> {
    let id = path_id::<D>(id, IdKind::Event)?;
    state
        .domain
        .events()
        .delete(&principal, id, None, Some(peer.ip()))
        .await?;
    Ok(D::render(json!({ "deleted": true })))
}

/// `PATCH …/events/:id/{activate,deactivate,archive,unarchive}`.
async fn switch_event<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    Path((id, switch)): Path<(String, String)>,
) -> Reply<D> {
    let switch = EventSwitch::deserialize(switch.as_str().into_deserializer())
        .map_err(|_: serde::de::value::Error| D::no_route())?;
    let id = Uuid::try_parse(&id).map_err(|_| D::bad_id(IdKind::Event))?;
    let events = state.domain.events();
    let event = events
        .switch(&principal, id, switch, Some(peer.ip()))
        .await?;
    Ok(D::render(event))
}

async fn code_page<D: EventDoor>(
    state: &AppState,
    principal: &Principal,
    params: Result<Query<ListParams>, QueryRejection>,
    event_id: Option<Uuid>,
) -> Reply<D> {
    let query = query_params(params)?.code_query(event_id)?;
    let page = state.domain.codes().list(principal, query).await?;
    Ok(D::code_page(page))
}

async fn list_event_codes<D: EventDoor>(
    State(state): State<AppState>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Reply<D> {
    let id = path_id::<D>(id, IdKind::Event)?;
    code_page::<D>(&state, &principal, params, Some(id)).await
}

async fn list_codes<D: EventDoor>(
    State(state): State<AppState>,
    Caller(principal, _): Caller<D>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Reply<D> {
    code_page::<D>(&state, &principal, params, None).await
}

async fn generate_codes<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
    body: Result<Json<CodesBody>, JsonRejection>,
) -> Reply<D, (StatusCode, Json<Value>)> {
    let id = path_id::<D>(id, IdKind::Event)?;
    let input = json_body(body)?;
    let codes = state
        .domain
        .codes()
        .generate(&principal, id, input.into(), Some(peer.ip()))
        .await?;
    let count = codes.len();
    let mut body = Map::new();
    body.insert(D::CODES.to_owned(), json!(codes));
    body.insert("count".to_owned(), json!(count));
    Ok((StatusCode::CREATED, D::render(body)))
}

async fn export_codes<D: EventDoor>(
    State(state): State<AppState>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Reply<D, Response> {
    let id = path_id::<D>(id, IdKind::Event)?;
    let (event, codes) = state.domain.codes().export(&principal, id).await?;
    Ok(csv_download(&event, &codes))
}

async fn revoke<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Reply<D> {
    let id = path_id::<D>(id, IdKind::Code)?;
    let codes = state.domain.codes();
    Ok(D::render(
        codes.revoke(&principal, id, Some(peer.ip())).await?,
    ))
}

async fn unrevoke<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    id: Result<Path<Uuid>, PathRejection>,
) -> Reply<D> {
    let id = path_id::<D>(id, IdKind::Code)?;
    let codes = state.domain.codes();
    Ok(D::render(
        codes.unrevoke(&principal, id, Some(peer.ip())).await?,
    ))
}

async fn bulk_revoke<D: EventDoor>(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal, _): Caller<D>,
    body: Result<Json<BulkRevokeBody>, JsonRejection>,
) -> Reply<D> {
    let body = json_body(body)?;
    let revoked = state
        .domain
        .codes()
        .bulk_revoke(&principal, &body.token_ids, Some(peer.ip()))
        .await?;
    Ok(D::render(json!({ "revoked": revoked })))
}

async fn dashboard<D: EventDoor>(
    State(state): State<AppState>,
    Caller(principal, _): Caller<D>,
) -> Reply<D> {
    Ok(D::render(
        state.domain.events().dashboard(&principal).await?,
    ))
}
