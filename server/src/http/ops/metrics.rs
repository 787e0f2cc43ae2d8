//! Prometheus metrics: the process's recorder (installed once at start, only when
//! `METRICS_TOKEN` is set) and `GET /metrics`, which answers only to that token and samples the
//! gauges (viewers, revocation cache, database pool) at scrape time.
//!
//! Without a token no recorder is installed: every counter is a no-op and no door counts
//! requests, so metrics cost nothing when nobody can read them.

use std::{sync::OnceLock, time::Duration};

use axum::{
    http::{header, request::Parts, HeaderValue},
    response::{IntoResponse, Response},
};
use metrics::{describe_counter, describe_gauge, describe_histogram, gauge, Unit};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use streamgate_domain::{playback::RevocationCache, service::Domain};
use subtle::ConstantTimeEq;
use tokio_util::sync::CancellationToken;

use crate::http::shared::caller;

pub const HTTP_REQUESTS: &str = "streamgate_http_requests_total";
pub const HTTP_DURATION: &str = "streamgate_http_request_duration_seconds";
pub const HLS_REQUESTS: &str = "streamgate_hls_requests_total";
pub const HLS_BYTES: &str = "streamgate_hls_bytes_total";
pub const VALIDATIONS: &str = "streamgate_validations_total";
const ACTIVE_VIEWERS: &str = "streamgate_active_viewers";
const REVOCATION_ENTRIES: &str = "streamgate_revocation_cache_entries";
const REVOCATION_SYNC_AGE: &str = "streamgate_revocation_last_sync_age_seconds";
const POOL_CONNECTIONS: &str = "streamgate_db_pool_connections";

/// Request durations: HLS hits take well under a millisecond, page renders and database
/// writes milliseconds to a second.
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into their buckets between scrapes, so memory stays
/// bounded however long nobody scrapes.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder. Call once, before any handler or counter is built: handles
/// registered before it are no-ops for good.
pub fn install() -> Result<(), BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), DURATION_BUCKETS)?
        .install_recorder()?;
    let _ = HANDLE.set(handle);
    describe();
    Ok(())
}

/// Whether a recorder is installed (counting is on).
pub fn enabled() -> bool {
    HANDLE.get().is_some()
}

/// Folds histogram samples into buckets every few seconds until `stop`.
pub async fn keep_up(stop: CancellationToken) {
    let Some(handle) = HANDLE.get() else {
        return;
    };
    let mut ticks = tokio::time::interval(UPKEEP_INTERVAL);
    loop {
        tokio::select! {
            _ = ticks.tick() => handle.run_upkeep(),
            () = stop.cancelled() => return,
        }
    }
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by door, method and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request (until its headers), by door"
    );
    describe_counter!(
        HLS_REQUESTS,
        "Stream requests, by kind (playlist or segment) and outcome"
    );
    describe_counter!(HLS_BYTES, Unit::Bytes, "Stream bytes served");
    describe_counter!(VALIDATIONS, "Access code validations, by outcome");
    describe_gauge!(
        ACTIVE_VIEWERS,
        "Playback sessions open and heartbeating now"
    );
    describe_gauge!(
        REVOCATION_ENTRIES,
        "Codes, events and sessions the revocation cache refuses now"
    );
    describe_gauge!(
        REVOCATION_SYNC_AGE,
        Unit::Seconds,
        "Seconds since the revocation cache last synced with its source"
    );
    describe_gauge!(
        POOL_CONNECTIONS,
        "Database pool connections, by state (active or idle)"
    );
}

/// What a scrape samples besides the counters: the app's database and cache, or an edge's
/// cache.
pub enum Sampled<'a> {
    App(&'a Domain),
    Edge(&'a RevocationCache),
}

/// A scrape without the configured token.
#[derive(Debug)]
pub struct Forbidden;

/// `GET /metrics` for `expected` (the configured token): the exposition text, or
/// [`Forbidden`] for a missing or wrong token, which the listener renders in its own format.
pub async fn scrape(
    expected: &str,
    parts: &Parts,
    sampled: Sampled<'_>,
) -> Result<Response, Forbidden> {
    if !presents(expected, parts) {
        return Err(Forbidden);
    }
    let Some(handle) = HANDLE.get() else {
        // The route exists only with a token, and a token installs the recorder.
        return Err(Forbidden);
    };
    sample(sampled).await;
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    Ok(([(header::CONTENT_TYPE, content_type)], handle.render()).into_response())
}

/// `Authorization: Bearer <token>`, else `?token=`, compared in constant time.
fn presents(expected: &str, parts: &Parts) -> bool {
    let given = match caller::bearer(&parts.headers) {
        Some(token) => token.to_owned(),
        None => match caller::query_value(&parts.uri, &["token"]) {
            Some(token) => token,
            None => return false,
        },
    };
    bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

async fn sample(sampled: Sampled<'_>) {
    match sampled {
        Sampled::App(domain) => {
            match domain.playback().live_sessions().await {
                Ok(viewers) => gauge!(ACTIVE_VIEWERS).set(viewers as f64),
                Err(err) => tracing::warn!(error = %err, "metrics: could not count viewers"),
            }
            let pool = domain.pool_connections();
            gauge!(POOL_CONNECTIONS, "state" => "active").set(f64::from(pool.active));
            gauge!(POOL_CONNECTIONS, "state" => "idle").set(f64::from(pool.idle));
            sample_revocations(domain.access_guard().revocations());
        }
        Sampled::Edge(cache) => sample_revocations(cache),
    }
}

fn sample_revocations(cache: &RevocationCache) {
    gauge!(REVOCATION_ENTRIES).set(cache.len() as f64);
    if let Some(age) = cache.last_sync_ago() {
        gauge!(REVOCATION_SYNC_AGE).set(age as f64);
    }
}
