//! What the HLS listener counts: stream requests by kind and outcome, and the bytes served.
//! Every counter is registered at start, so a request costs an atomic add, no lookup.

use axum::{
    body::{Body, HttpBody as _},
    http::{header, Method, Response, StatusCode},
};
use metrics::{counter, Counter};

use crate::http::metrics::{HLS_BYTES, HLS_REQUESTS};

/// What a request asked for, by the name it asked: playlists end in `.m3u8`; anything else
/// under `/streams/` is counted as a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Playlist,
    Segment,
}

impl Kind {
    const ALL: [Kind; 2] = [Kind::Playlist, Kind::Segment];

    pub fn of(path: &str) -> Kind {
        let path = path.as_bytes();
        let extension = b".m3u8";
        if path.len() >= extension.len()
            && path[path.len() - extension.len()..].eq_ignore_ascii_case(extension)
        {
            Kind::Playlist
        } else {
            Kind::Segment
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Playlist => "playlist",
            Kind::Segment => "segment",
        }
    }
}

/// How a stream request ended, told by its answer's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Served,
    /// No token at all (401).
    Unauthorized,
    /// A bad, foreign or revoked token, or a refused path (403).
    Denied,
    NotFound,
    /// An edge before its first revocation sync (503).
    NotReady,
    /// The upstream origin failed (502).
    UpstreamError,
    /// An unsatisfiable byte range (416).
    BadRange,
    Other,
}

impl Outcome {
    const ALL: [Outcome; 8] = [
        Outcome::Served,
        Outcome::Unauthorized,
        Outcome::Denied,
        Outcome::NotFound,
        Outcome::NotReady,
        Outcome::UpstreamError,
        Outcome::BadRange,
        Outcome::Other,
    ];

    pub fn of(status: StatusCode) -> Outcome {
        match status {
            status if status.is_success() || status == StatusCode::NOT_MODIFIED => Outcome::Served,
            StatusCode::UNAUTHORIZED => Outcome::Unauthorized,
            StatusCode::FORBIDDEN => Outcome::Denied,
            StatusCode::NOT_FOUND => Outcome::NotFound,
            StatusCode::SERVICE_UNAVAILABLE => Outcome::NotReady,
            StatusCode::BAD_GATEWAY => Outcome::UpstreamError,
            StatusCode::RANGE_NOT_SATISFIABLE => Outcome::BadRange,
            _ => Outcome::Other,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Outcome::Served => "served",
            Outcome::Unauthorized => "unauthorized",
            Outcome::Denied => "denied",
            Outcome::NotFound => "not_found",
            Outcome::NotReady => "not_ready",
            Outcome::UpstreamError => "upstream_error",
            Outcome::BadRange => "bad_range",
            Outcome::Other => "other",
        }
    }
}

/// The listener's counters (no-ops when metrics are off).
pub struct HlsMetrics {
    requests: [[Counter; Outcome::ALL.len()]; Kind::ALL.len()],
    bytes: Counter,
}

impl HlsMetrics {
    pub fn register() -> Self {
        Self {
            requests: Kind::ALL.map(|kind| {
                Outcome::ALL.map(|outcome| {
                    counter!(HLS_REQUESTS, "kind" => kind.label(), "outcome" => outcome.label())
                })
            }),
            bytes: counter!(HLS_BYTES),
        }
    }

    /// Counts the answer to a `method` request for a file of `kind`, and the bytes it carries.
    pub fn answered(&self, kind: Kind, method: &Method, response: &Response<Body>) {
        let outcome = Outcome::of(response.status());
        self.requests[kind as usize][outcome as usize].increment(1);
        if outcome == Outcome::Served && *method != Method::HEAD {
            self.bytes.increment(body_length(response));
        }
    }
}

/// The body's length: known exactly for bytes from memory, else the file service's
/// `Content-Length`.
fn body_length(response: &Response<Body>) -> u64 {
    response.body().size_hint().exact().unwrap_or_else(|| {
        response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse().ok())
            .unwrap_or(0)
    })
}
