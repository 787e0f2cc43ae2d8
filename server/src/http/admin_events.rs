//! Seed 002's admin API for events, tokens (access codes) and the dashboard counts, under
//! `/api/admin`: signed-in session only, bodies as the seed writes them, errors `{"error": …}`.

use std::net::SocketAddr;

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
use serde_json::{json, Value};
use streamgate_domain::{
    model::{CredentialKind, Principal},
    service::EventSwitch,
};
use uuid::Uuid;

use super::{
    caller,
    error::AdminError,
    event_input::{
        csv_download, json_body, query_params, BulkRevokeBody, CodesBody, EventBody,
        EventPatchBody, ListParams,
    },
    AppState,
};

type AdminResult<T = Json<Value>> = Result<T, AdminError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events).post(create_event))
        .route(
            "/events/{id}",
            get(get_event).put(update_event).delete(delete_event),
        )
        .route("/events/{id}/activate", patch(activate))
        .route("/events/{id}/deactivate", patch(deactivate))
        .route("/events/{id}/archive", patch(archive))
        .route("/events/{id}/unarchive", patch(unarchive))
        .route(
            "/events/{id}/tokens",
            get(list_event_tokens).post(generate_tokens),
        )
        .route("/events/{id}/tokens/export", get(export_tokens))
        .route("/tokens", get(list_tokens))
        .route("/tokens/bulk-revoke", post(bulk_revoke))
        .route("/tokens/{id}/revoke", patch(revoke))
        .route("/tokens/{id}/unrevoke", patch(unrevoke))
        .route("/dashboard", get(dashboard))
}

/// A caller signed in with the session cookie (seed 002: "All admin endpoints require an
/// authenticated session"); otherwise `401 {"error":"Unauthorized"}`.
pub struct SessionCaller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for SessionCaller {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        caller::principal(parts)
            .filter(|principal| principal.via() == CredentialKind::Session)
            .map(SessionCaller)
            .ok_or_else(|| AdminError::new(StatusCode::UNAUTHORIZED, "Unauthorized"))
    }
}

fn event_id(path: Result<Path<Uuid>, PathRejection>) -> AdminResult<Uuid> {
    path.map(|Path(id)| id)
        .map_err(|_| AdminError::new(StatusCode::BAD_REQUEST, "Invalid event id"))
}

fn token_id(path: Result<Path<Uuid>, PathRejection>) -> AdminResult<Uuid> {
    path.map(|Path(id)| id)
        .map_err(|_| AdminError::new(StatusCode::BAD_REQUEST, "Invalid token id"))
}

fn to_json<T: serde::Serialize>(value: T) -> Json<Value> {
    Json(serde_json::to_value(value).expect("domain types serialize"))
}

/// Every event the caller sees with its token count: `{"events": […]}`, the latest start first.
/// Optional `search`, `active`, `archived` filters; no paging (the seed lists all).
async fn list_events(
    State(state): State<AppState>,
    SessionCaller(principal): SessionCaller,
    params: Result<Query<ListParams>, QueryRejection>,
) -> AdminResult {
    let mut query = query_params(params)?.event_query()?;
    query.page.limit = streamgate_domain::model::PageRequest::MAX_LIMIT;
    query.page.offset = 0;
    query.page.cursor = None;
    let mut events = Vec::new();
    loop {
        let page = state
            .domain
            .events()
            .list_summaries(&principal, query.clone())
            .await?;
        events.extend(page.items);
        match page.next_cursor {
            Some(cursor) => query.page.cursor = Some(cursor),
            None => break,
        }
    }
    Ok(Json(json!({ "events": events })))
}

async fn create_event(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    body: Result<Json<EventBody>, JsonRejection>,
) -> AdminResult<(StatusCode, Json<Value>)> {
    let body = json_body(body)?;
    let account_id = state
        .domain
        .accounts()
        .acting_account(&principal, body.account_id)?;
    let event = state
        .domain
        .events()
        .create(&principal, account_id, body.new_event()?, Some(peer.ip()))
        .await?;
    Ok((StatusCode::CREATED, to_json(event)))
}

async fn get_event(
    State(state): State<AppState>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    let id = event_id(id)?;
    Ok(to_json(
        state.domain.events().get_summary(&principal, id).await?,
    ))
}

async fn update_event(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
    body: Result<Json<EventPatchBody>, JsonRejection>,
) -> AdminResult {
    let id = event_id(id)?;
    let patch = json_body(body)?.patch()?;
    let event = state
        .domain
        .events()
        .update(&principal, id, patch, Some(peer.ip()))
        .await?;
    Ok(to_json(event))
}

async fn delete_event(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    let id = event_id(id)?;
    state
        .domain
        .events()
        .delete(&principal, id, Some(peer.ip()))
        .await?;
    Ok(Json(json!({ "deleted": true })))
}

async fn switch(
    state: AppState,
    peer: SocketAddr,
    principal: Principal,
    id: Result<Path<Uuid>, PathRejection>,
    switch: EventSwitch,
) -> AdminResult {
    let id = event_id(id)?;
    let event = state
        .domain
        .events()
        .switch(&principal, id, switch, Some(peer.ip()))
        .await?;
    Ok(to_json(event))
}

async fn activate(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    switch(state, peer, principal, id, EventSwitch::Activate).await
}

async fn deactivate(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    switch(state, peer, principal, id, EventSwitch::Deactivate).await
}

async fn archive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    switch(state, peer, principal, id, EventSwitch::Archive).await
}

async fn unarchive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    switch(state, peer, principal, id, EventSwitch::Unarchive).await
}

/// `{"tokens": […], "total": N, "nextCursor": …}`: the seed's `tokens` plus the paging fields.
async fn token_page(
    state: &AppState,
    principal: &Principal,
    params: Result<Query<ListParams>, QueryRejection>,
    event_id: Option<Uuid>,
) -> AdminResult {
    let query = query_params(params)?.code_query(event_id)?;
    let page = state.domain.codes().list(principal, query).await?;
    Ok(Json(json!({
        "tokens": page.items,
        "total": page.total,
        "nextCursor": page.next_cursor,
    })))
}

async fn list_event_tokens(
    State(state): State<AppState>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> AdminResult {
    let id = event_id(id)?;
    token_page(&state, &principal, params, Some(id)).await
}

async fn list_tokens(
    State(state): State<AppState>,
    SessionCaller(principal): SessionCaller,
    params: Result<Query<ListParams>, QueryRejection>,
) -> AdminResult {
    token_page(&state, &principal, params, None).await
}

async fn generate_tokens(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
    body: Result<Json<CodesBody>, JsonRejection>,
) -> AdminResult<(StatusCode, Json<Value>)> {
    let id = event_id(id)?;
    let input = json_body(body)?;
    let tokens = state
        .domain
        .codes()
        .generate(&principal, id, input.into(), Some(peer.ip()))
        .await?;
    let count = tokens.len();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "tokens": tokens, "count": count })),
    ))
}

async fn export_tokens(
    State(state): State<AppState>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult<Response> {
    let id = event_id(id)?;
    let (event, codes) = state.domain.codes().export(&principal, id).await?;
    Ok(csv_download(&event, &codes))
}

async fn revoke(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    let id = token_id(id)?;
    let token = state
        .domain
        .codes()
        .revoke(&principal, id, Some(peer.ip()))
        .await?;
    Ok(to_json(token))
}

async fn unrevoke(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    id: Result<Path<Uuid>, PathRejection>,
) -> AdminResult {
    let id = token_id(id)?;
    let token = state
        .domain
        .codes()
        .unrevoke(&principal, id, Some(peer.ip()))
        .await?;
    Ok(to_json(token))
}

async fn bulk_revoke(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    SessionCaller(principal): SessionCaller,
    body: Result<Json<BulkRevokeBody>, JsonRejection>,
) -> AdminResult {
    let body = json_body(body)?;
    let revoked = state
        .domain
        .codes()
        .bulk_revoke(&principal, &body.token_ids, Some(peer.ip()))
        .await?;
    Ok(Json(json!({ "revoked": revoked })))
}

async fn dashboard(
    State(state): State<AppState>,
    SessionCaller(principal): SessionCaller,
) -> AdminResult {
    Ok(to_json(state.domain.events().dashboard(&principal).await?))
}
