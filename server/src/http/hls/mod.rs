//! The HLS listener (seed 002's media server). Every playlist and segment request is checked
//! against its playback token (header, or `?token=` for native players) and the revocation
//! cache, on the decoded, normalised path, before the stream source is asked for the file.

mod local_files;
mod playlist;
mod source;
mod stream_metrics;
pub mod stream_path;
mod upstream;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::{Body, Bytes},
    extract::{ConnectInfo, Path, Request, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get},
    Json, Router,
};
use serde::Serialize;
use serde_json::json;
use streamgate_domain::playback::{AccessGuard, Denied};
use tower::ServiceExt;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    services::ServeFile,
};
use uuid::Uuid;

pub use local_files::LocalFiles;
pub use source::{ConfiguredOrigin, EventOrigins, OriginDirectory, SourceMode, StreamSource};
use source::{Content, SourceError};
pub use stream_metrics::HlsMetrics;
use stream_path::{BadPath, FileKind};
pub use upstream::{Upstream, UpstreamConfig};

/// Segments are immutable under their names; a browser may keep them for a token's lifetime.
const MEDIA_CACHE_CONTROL: &str = "private, max-age=3600";
/// Playlists of a live stream change every few seconds.
const PLAYLIST_CACHE_CONTROL: &str = "no-cache, no-store";

/// What the HLS listener needs, in the app and on an edge alike.
#[derive(Clone)]
pub struct HlsState {
    pub guard: AccessGuard,
    pub source: Arc<StreamSource>,
    /// `STREAMGATE_INTERNAL_API_KEY`: also opens `DELETE /admin/cache/:eventId` from afar.
    pub internal_api_key: Option<Arc<str>>,
    /// `app` or `edge` (shown by `/health`).
    pub role: &'static str,
    /// An edge serves nothing before its first revocation sync: it would not know what to refuse.
    pub needs_sync: bool,
    pub metrics: Arc<HlsMetrics>,
    /// An edge's `METRICS_TOKEN`: serves `/metrics` here (the app serves it on its app listener).
    pub metrics_token: Option<Arc<str>>,
}

impl HlsState {
    fn ready(&self) -> bool {
        !self.needs_sync || self.guard.revocations().last_sync_ago().is_some()
    }
}

/// Which page origins may read streams from the browser: the listed ones, or else any origin
/// on the same host name as the HLS listener was reached by (the app on its own port).
pub fn cors(allowed: Vec<String>) -> CorsLayer {
    let allowed: Vec<String> = allowed
        .into_iter()
        .map(|origin| origin.trim().trim_end_matches('/').to_owned())
        .filter(|origin| !origin.is_empty())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(
            move |origin: &HeaderValue, request: &Parts| {
                let Ok(origin) = origin.to_str() else {
                    return false;
                };
                if !allowed.is_empty() {
                    return allowed.iter().any(|allowed| allowed == origin);
                }
                same_host(origin, &request.headers)
            },
        ))
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([header::AUTHORIZATION, header::RANGE])
        .expose_headers([
            header::CONTENT_LENGTH,
            header::CONTENT_RANGE,
            header::ACCEPT_RANGES,
        ])
        .max_age(Duration::from_secs(600))
}

fn same_host(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Ok(origin) = url::Url::parse(origin) else {
        return false;
    };
    let request_host = url::Url::parse(&format!("http://{host}"))
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned));
    origin.host_str().is_some() && origin.host_str() == request_host.as_deref()
}

pub fn router(state: HlsState) -> Router {
    let mut router = Router::new()
        .route("/health", get(health))
        .route("/streams/{*rest}", get(stream))
        .route("/admin/cache/{event_id}", delete(clear_cache));
    // Without a token the path is not served: it answers as any unknown one does.
    if state.metrics_token.is_some() && super::metrics::enabled() {
        router = router.route("/metrics", get(scrape));
    }
    router
        .fallback(|| async { refuse(StatusCode::NOT_FOUND, "Not found") })
        .with_state(state)
}

/// An edge's `/metrics`; a missing or wrong token gets this listener's 403.
async fn scrape(State(state): State<HlsState>, parts: Parts) -> Response {
    let expected = state.metrics_token.as_deref().unwrap_or_default();
    let sampled = super::metrics::Sampled::Edge(state.guard.revocations());
    super::metrics::scrape(expected, &parts, sampled)
        .await
        .unwrap_or_else(|super::metrics::Forbidden| refuse(StatusCode::FORBIDDEN, "Forbidden"))
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HlsHealth {
    /// `ok`, or `starting` on an edge that has not synced yet.
    status: &'static str,
    /// Where segments come from: `local`, `upstream` or `hybrid`.
    mode: &'static str,
    revocation_cache_size: usize,
    /// Seconds since the last revocation sync; `null` before the first.
    last_sync_ago_seconds: Option<u64>,
    role: &'static str,
}

async fn health(State(state): State<HlsState>) -> Response {
    let ready = state.ready();
    let revocations = state.guard.revocations();
    let body = HlsHealth {
        status: if ready { "ok" } else { "starting" },
        mode: state.source.mode.as_str(),
        revocation_cache_size: revocations.len(),
        last_sync_ago_seconds: revocations.last_sync_ago(),
        role: state.role,
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// The token: `Authorization: Bearer …`, else `?token=` (or `?__token=`). The flag says
/// whether it came in the query string (so playlists must pass it on).
fn token(parts: &Parts) -> Option<(String, bool)> {
    match super::shared::caller::bearer(&parts.headers) {
        Some(token) => Some((token.to_owned(), false)),
        None => {
            super::shared::caller::query_value(&parts.uri, &["token", "__token"]).map(|t| (t, true))
        }
    }
}

/// A stream request, counted by kind and outcome.
async fn stream(State(state): State<HlsState>, request: Request) -> Response {
    let kind = stream_metrics::Kind::of(request.uri().path());
    let method = request.method().clone();
    let response = answer_stream(&state, request).await;
    state.metrics.answered(kind, &method, &response);
    response
}

async fn answer_stream(state: &HlsState, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some((token, in_query)) = token(&parts) else {
        return refuse(StatusCode::UNAUTHORIZED, "Authorization required");
    };
    if !state.ready() {
        let mut response = refuse(StatusCode::SERVICE_UNAVAILABLE, "Not ready");
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return response;
    }
    let file = match stream_path::parse(parts.uri.path()) {
        Ok(file) => file,
        Err(BadPath) => {
            tracing::warn!(path = %parts.uri.path(), "stream path refused");
            return refuse(StatusCode::FORBIDDEN, "Access denied");
        }
    };
    if let Err(denied) = state.guard.admit(&token, file.event_id) {
        if !matches!(denied, Denied::InvalidToken) {
            tracing::debug!(?denied, event_id = %file.event_id, "stream request denied");
        }
        return refuse(StatusCode::FORBIDDEN, "Access denied");
    }
    let Some(kind) = file.kind else {
        return refuse(StatusCode::NOT_FOUND, "Not found");
    };
    let content = match state.source.open(&file, kind).await {
        Ok(content) => content,
        Err(SourceError::NotFound) => return refuse(StatusCode::NOT_FOUND, "Not found"),
        Err(SourceError::Unavailable) => {
            return refuse(StatusCode::BAD_GATEWAY, "Stream source unavailable")
        }
    };
    match kind {
        FileKind::Playlist => playlist_response(content, in_query.then_some(&token)).await,
        FileKind::Media(_) => {
            let request = Request::from_parts(parts, Body::empty());
            media_response(content, kind.content_type(), request).await
        }
    }
}

async fn playlist_response(content: Content, query_token: Option<&String>) -> Response {
    let bytes = match content {
        Content::Bytes(bytes) => bytes,
        Content::File(path) => match tokio::fs::read(&path).await {
            Ok(bytes) => bytes.into(),
            Err(_) => return refuse(StatusCode::NOT_FOUND, "Not found"),
        },
    };
    let body = match (query_token, std::str::from_utf8(&bytes)) {
        (Some(token), Ok(text)) => playlist::with_token(text, token).into(),
        _ => bytes,
    };
    (
        [
            (header::CONTENT_TYPE, FileKind::Playlist.content_type()),
            (header::CACHE_CONTROL, PLAYLIST_CACHE_CONTROL),
        ],
        body,
    )
        .into_response()
}

/// Media with its type, caching and byte ranges: from memory here, from disk through
/// tower-http's file service (`Range`, `HEAD`, `Content-Length`, `Last-Modified`).
async fn media_response(
    content: Content,
    content_type: &'static str,
    request: Request,
) -> Response {
    let mut response = match content {
        Content::Bytes(bytes) => ranged(bytes, request.headers()),
        Content::File(path) => match ServeFile::new(path).oneshot(request).await {
            Ok(response) if response.status() == StatusCode::NOT_FOUND => {
                return refuse(StatusCode::NOT_FOUND, "Not found")
            }
            Ok(response) => response.map(Body::new),
            Err(err) => match err {},
        },
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(MEDIA_CACHE_CONTROL),
    );
    response
}

/// The whole body, or the one byte range asked for (206); several ranges get the whole body,
/// an unsatisfiable one 416.
fn ranged(bytes: Bytes, headers: &HeaderMap) -> Response {
    let len = bytes.len() as u64;
    let accept = (header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return ([accept], bytes).into_response();
    };
    match http_range_header::parse_range_header(range).and_then(|parsed| parsed.validate(len)) {
        Ok(ranges) if ranges.len() == 1 => {
            let (start, end) = ranges[0].clone().into_inner();
            let content_range = format!("bytes {start}-{end}/{len}");
            (
                StatusCode::PARTIAL_CONTENT,
                [
                    accept,
                    (header::CONTENT_RANGE, content_range.parse().expect("ascii")),
                ],
                bytes.slice(start as usize..=end as usize),
            )
                .into_response()
        }
        Ok(_) => ([accept], bytes).into_response(),
        Err(_) => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(
                header::CONTENT_RANGE,
                format!("bytes */{len}")
                    .parse::<HeaderValue>()
                    .expect("ascii"),
            )],
        )
            .into_response(),
    }
}

/// Seed 002 `DELETE /admin/cache/:eventId`: from this machine, or with the internal API key.
async fn clear_cache(
    State(state): State<HlsState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    event_id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
) -> Response {
    let with_key =
        super::shared::internal_key::presents_key(state.internal_api_key.as_deref(), &headers);
    if !client.ip().is_loopback() && !with_key {
        return refuse(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let Ok(Path(event_id)) = event_id else {
        return refuse(StatusCode::BAD_REQUEST, "Invalid event id");
    };
    if let Some(upstream) = state.source.upstream() {
        upstream.clear_event(event_id);
    }
    tracing::info!(%event_id, "stream cache cleared");
    Json(json!({ "cleared": true })).into_response()
}
