//! `/api/v1` events, access codes and dashboard counts: seed 002's admin operations in seed
//! 001's conventions (`{data, error}` envelopes, `{statusCode, message, error}` errors, paged
//! lists as `{items, total, nextCursor}`), authorised by permissions and scoped to the caller's
//! account.

use std::net::SocketAddr;

use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        ConnectInfo, Path, Query, State,
    },
    http::StatusCode,
    response::Response,
    routing::{get, patch, post},
    Json, Router,
};
use serde_json::{json, Value};
use streamgate_domain::{model::Principal, service::EventSwitch};
use uuid::Uuid;

use super::{
    caller::Caller,
    error::{envelope, ApiError},
    event_input::{
        csv_download, json_body, query_params, BulkRevokeBody, CodesBody, EventBody,
        EventPatchBody, ListParams,
    },
    AppState,
};

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events).post(create_event))
        .route(
            "/events/{id}",
            get(get_event)
                .put(update_event)
                .patch(update_event)
                .delete(delete_event),
        )
        .route("/events/{id}/activate", patch(activate))
        .route("/events/{id}/deactivate", patch(deactivate))
        .route("/events/{id}/archive", patch(archive))
        .route("/events/{id}/unarchive", patch(unarchive))
        .route(
            "/events/{id}/codes",
            get(list_event_codes).post(generate_codes),
        )
        .route("/events/{id}/codes/export", get(export_codes))
        .route("/codes", get(list_codes))
        .route("/codes/bulk-revoke", post(bulk_revoke))
        .route("/codes/{id}", get(get_code))
        .route("/codes/{id}/revoke", patch(revoke))
        .route("/codes/{id}/unrevoke", patch(unrevoke))
        .route("/dashboard", get(dashboard))
}

fn path_id(path: Result<Path<Uuid>, PathRejection>) -> ApiResult<Uuid> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "The id in the path must be a UUID"))
}

/// A page of events with their code counts, the latest start first: `search`, `active`,
/// `archived`, `limit`, `cursor` or `offset`.
async fn list_events(
    State(state): State<AppState>,
    Caller(principal): Caller,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult {
    let query = query_params(params)?.event_query()?;
    Ok(envelope(
        state
            .domain
            .events()
            .list_summaries(&principal, query)
            .await?,
    ))
}

async fn create_event(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    body: Result<Json<EventBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
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
    Ok((StatusCode::CREATED, envelope(event)))
}

async fn get_event(
    State(state): State<AppState>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    let id = path_id(id)?;
    Ok(envelope(
        state.domain.events().get_summary(&principal, id).await?,
    ))
}

async fn update_event(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
    body: Result<Json<EventPatchBody>, JsonRejection>,
) -> ApiResult {
    let id = path_id(id)?;
    let patch = json_body(body)?.patch()?;
    Ok(envelope(
        state
            .domain
            .events()
            .update(&principal, id, patch, Some(peer.ip()))
            .await?,
    ))
}

async fn delete_event(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    let id = path_id(id)?;
    state
        .domain
        .events()
        .delete(&principal, id, Some(peer.ip()))
        .await?;
    Ok(envelope(json!({ "deleted": true })))
}

async fn switch(
    state: AppState,
    peer: SocketAddr,
    principal: Principal,
    id: Result<Path<Uuid>, PathRejection>,
    switch: EventSwitch,
) -> ApiResult {
    let id = path_id(id)?;
    Ok(envelope(
        state
            .domain
            .events()
            .switch(&principal, id, switch, Some(peer.ip()))
            .await?,
    ))
}

async fn activate(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    switch(state, peer, principal, id, EventSwitch::Activate).await
}

async fn deactivate(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    switch(state, peer, principal, id, EventSwitch::Deactivate).await
}

async fn archive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    switch(state, peer, principal, id, EventSwitch::Archive).await
}

async fn unarchive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    switch(state, peer, principal, id, EventSwitch::Unarchive).await
}

async fn code_page(
    state: &AppState,
    principal: &Principal,
    params: Result<Query<ListParams>, QueryRejection>,
    event_id: Option<Uuid>,
) -> ApiResult {
    let query = query_params(params)?.code_query(event_id)?;
    Ok(envelope(state.domain.codes().list(principal, query).await?))
}

async fn list_event_codes(
    State(state): State<AppState>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult {
    let id = path_id(id)?;
    code_page(&state, &principal, params, Some(id)).await
}

async fn list_codes(
    State(state): State<AppState>,
    Caller(principal): Caller,
    params: Result<Query<ListParams>, QueryRejection>,
) -> ApiResult {
    code_page(&state, &principal, params, None).await
}

async fn generate_codes(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
    body: Result<Json<CodesBody>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = path_id(id)?;
    let input = json_body(body)?;
    let codes = state
        .domain
        .codes()
        .generate(&principal, id, input.into(), Some(peer.ip()))
        .await?;
    let count = codes.len();
    Ok((
        StatusCode::CREATED,
        envelope(json!({ "codes": codes, "count": count })),
    ))
}

async fn export_codes(
    State(state): State<AppState>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Response> {
    let id = path_id(id)?;
    let (event, codes) = state.domain.codes().export(&principal, id).await?;
    Ok(csv_download(&event, &codes))
}

async fn get_code(
    State(state): State<AppState>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    let id = path_id(id)?;
    Ok(envelope(state.domain.codes().get(&principal, id).await?))
}

async fn revoke(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    let id = path_id(id)?;
    Ok(envelope(
        state
            .domain
            .codes()
            .revoke(&principal, id, Some(peer.ip()))
            .await?,
    ))
}

async fn unrevoke(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult {
    let id = path_id(id)?;
    Ok(envelope(
        state
            .domain
            .codes()
            .unrevoke(&principal, id, Some(peer.ip()))
            .await?,
    ))
}

async fn bulk_revoke(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Caller(principal): Caller,
    body: Result<Json<BulkRevokeBody>, JsonRejection>,
) -> ApiResult {
    let body = json_body(body)?;
    let revoked = state
        .domain
        .codes()
        .bulk_revoke(&principal, &body.token_ids, Some(peer.ip()))
        .await?;
    Ok(envelope(json!({ "revoked": revoked })))
}

async fn dashboard(State(state): State<AppState>, Caller(principal): Caller) -> ApiResult {
    Ok(envelope(state.domain.events().dashboard(&principal).await?))
}
