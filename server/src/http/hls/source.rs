//! Where a stream's files come from: the local directory an encoder writes
//! (`<stream root>/<eventId>/…`), an upstream HLS origin (through the cache), or both with the
//! local directory first.

use std::{path::PathBuf, sync::Arc};

use async_trait::async_trait;
use axum::body::Bytes;
use streamgate_domain::model::ENTRY_PLAYLIST;
use url::Url;
use uuid::Uuid;

use super::{
    local_files::{LocalFile, LocalFiles},
    stream_path::{FileKind, StreamFile},
    upstream::{Upstream, UpstreamError},
};

/// `STREAMGATE_HLS_SOURCE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceMode {
    /// Only the local stream directory.
    Local,
    /// Only the upstream origin.
    Upstream,
    /// The local directory first, then the upstream origin.
    Hybrid,
}

impl SourceMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceMode::Local => "local",
            SourceMode::Upstream => "upstream",
            SourceMode::Hybrid => "hybrid",
        }
    }
}

/// Where each event's stream lives upstream.
#[async_trait]
pub trait OriginDirectory: Send + Sync {
    /// The URL of the event's entry playlist at its origin, if it has one.
    async fn entry_playlist(&self, event_id: Uuid) -> Option<Url>;
}

/// `STREAMGATE_UPSTREAM_ORIGIN` + `/<eventId>/stream.m3u8`.
pub fn configured_entry(origin: &Url, event_id: Uuid) -> Option<Url> {
    let mut url = origin.clone();
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend([event_id.to_string().as_str(), ENTRY_PLAYLIST]);
    Some(url)
}

/// Every event at one configured origin (an edge, or an app without per-event URLs).
pub struct ConfiguredOrigin(pub Option<Url>);

#[async_trait]
impl OriginDirectory for ConfiguredOrigin {
    async fn entry_playlist(&self, event_id: Uuid) -> Option<Url> {
        configured_entry(self.0.as_ref()?, event_id)
    }
}

/// The app's directory: an event's own `streamUrl`, else the configured origin. Each event is
/// looked up at most every few seconds.
pub struct EventOrigins {
    domain: streamgate_domain::service::Domain,
    fallback: Option<Url>,
    known: moka::future::Cache<Uuid, Option<Url>>,
}

impl EventOrigins {
    pub fn new(domain: streamgate_domain::service::Domain, fallback: Option<Url>) -> Self {
        Self {
            domain,
            fallback,
            known: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(std::time::Duration::from_secs(10))
                .build(),
        }
    }
}

#[async_trait]
impl OriginDirectory for EventOrigins {
    async fn entry_playlist(&self, event_id: Uuid) -> Option<Url> {
        let lookup = async {
            match self.domain.playback().stream_url(event_id).await {
                Ok(Some(own)) => Url::parse(&own).ok(),
                Ok(None) => configured_entry(self.fallback.as_ref()?, event_id),
                Err(err) => {
                    tracing::warn!(%event_id, error = %err, "cannot look up the stream origin");
                    None
                }
            }
        };
        self.known.get_with(event_id, lookup).await
    }
}

/// What a stream file turned out to be.
pub enum Content {
    /// In memory (local files, upstream playlists).
    Bytes(Bytes),
    /// On disk (large local files, the upstream segment cache).
    File(PathBuf),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceError {
    NotFound,
    /// The origin is down or refused: seed 002's 502.
    Unavailable,
}

pub struct StreamSource {
    pub mode: SourceMode,
    local: LocalFiles,
    upstream: Option<(Upstream, Arc<dyn OriginDirectory>)>,
}

impl StreamSource {
    pub fn new(
        mode: SourceMode,
        local: LocalFiles,
        upstream: Option<(Upstream, Arc<dyn OriginDirectory>)>,
    ) -> Self {
        Self {
            mode,
            local,
            upstream,
        }
    }

    pub fn upstream(&self) -> Option<&Upstream> {
        self.upstream.as_ref().map(|(upstream, _)| upstream)
    }

    pub async fn open(&self, file: &StreamFile, kind: FileKind) -> Result<Content, SourceError> {
        if self.mode != SourceMode::Upstream {
            match self.local.open(file, kind).await {
                Some(LocalFile::Memory(bytes)) => return Ok(Content::Bytes(bytes)),
                Some(LocalFile::Disk(path)) => return Ok(Content::File(path)),
                None => {}
            }
        }
        if self.mode == SourceMode::Local {
            return Err(SourceError::NotFound);
        }
        let (upstream, origins) = self.upstream.as_ref().ok_or(SourceError::NotFound)?;
        let entry = origins
            .entry_playlist(file.event_id)
            .await
            .ok_or(SourceError::NotFound)?;
        let url = upstream_url(&entry, file).ok_or(SourceError::NotFound)?;
        let fetched = match kind {
            FileKind::Playlist => upstream.playlist(url).await.map(Content::Bytes),
            FileKind::Media(_) => upstream
                .segment(file.event_id, url)
                .await
                .map(|segment| Content::File(segment.path.clone())),
        };
        fetched.map_err(|err| match err {
            UpstreamError::NotFound => SourceError::NotFound,
            UpstreamError::Unavailable(reason) => {
                tracing::warn!(event_id = %file.event_id, %reason, "stream source unavailable");
                SourceError::Unavailable
            }
        })
    }
}

/// The origin URL of `file`: the entry playlist itself, or a path beside it.
fn upstream_url(entry: &Url, file: &StreamFile) -> Option<Url> {
    if file.segments == [ENTRY_PLAYLIST] {
        return Some(entry.clone());
    }
    let mut url = entry.clone();
    url.set_query(None);
    url.set_fragment(None);
    // Segment by segment, each percent-encoded: nothing in a name can change the origin.
    url.path_segments_mut().ok()?.pop().extend(&file.segments);
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::hls::stream_path;

    #[test]
    fn origin_urls_stay_beside_the_entry_playlist() {
        let event = Uuid::new_v4();
        let file = |rest: &str| stream_path::parse(&format!("/streams/{event}/{rest}")).unwrap();
        let entry = Url::parse("https://origin.example.com/live/playlist.m3u8?sig=1").unwrap();
        assert_eq!(
            upstream_url(&entry, &file("stream.m3u8")),
            Some(entry.clone())
        );
        assert_eq!(
            upstream_url(&entry, &file("v0/seg1.ts")).unwrap().as_str(),
            "https://origin.example.com/live/v0/seg1.ts"
        );
        // A name that looks like a scheme or holds spaces stays a name under the same origin.
        assert_eq!(
            upstream_url(&entry, &file("javascript:x%20y.ts"))
                .unwrap()
                .as_str(),
            "https://origin.example.com/live/javascript:x%20y.ts"
        );
    }

    #[test]
    fn a_configured_origin_serves_each_event_under_its_id() {
        let event = Uuid::new_v4();
        for origin in [
            "https://origin.example.com/hls",
            "https://origin.example.com/hls/",
        ] {
            assert_eq!(
                configured_entry(&Url::parse(origin).unwrap(), event)
                    .unwrap()
                    .as_str(),
                format!("https://origin.example.com/hls/{event}/stream.m3u8")
            );
        }
    }
}
