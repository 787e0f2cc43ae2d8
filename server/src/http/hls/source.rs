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

/// The names encoders give an entry playlist, in the order the entry `stream.m3u8` is looked
/// for: ours first, then ffmpeg's usual `master.m3u8` and the other common ones.
pub const ENTRY_PLAYLIST_NAMES: [&str; 4] =
    [ENTRY_PLAYLIST, "master.m3u8", "index.m3u8", "playlist.m3u8"];

/// Where each event's stream lives upstream.
#[async_trait]
pub trait OriginDirectory: Send + Sync {
    /// Where the event's entry playlist may be at its origin, in the order to try (empty when
    /// it has no origin). Every candidate lies in the same directory.
    async fn entry_playlists(&self, event_id: Uuid) -> Vec<Url>;
}

/// `STREAMGATE_UPSTREAM_ORIGIN` + `/<eventId>/` + each of [`ENTRY_PLAYLIST_NAMES`].
pub fn configured_entries(origin: &Url, event_id: Uuid) -> Vec<Url> {
    ENTRY_PLAYLIST_NAMES
        .iter()
        .filter_map(|name| {
            let mut url = origin.clone();
            url.path_segments_mut()
                .ok()?
                .pop_if_empty()
                .extend([event_id.to_string().as_str(), name]);
            Some(url)
        })
        .collect()
}

/// Every event at one configured origin (an edge, or an app without per-event URLs).
pub struct ConfiguredOrigin(pub Option<Url>);

#[async_trait]
impl OriginDirectory for ConfiguredOrigin {
    async fn entry_playlists(&self, event_id: Uuid) -> Vec<Url> {
        self.0
            .as_ref()
            .map_or_else(Vec::new, |origin| configured_entries(origin, event_id))
    }
}

/// The app's directory: an event's own `streamUrl`, else the configured origin. Each event is
/// looked up at most every few seconds.
pub struct EventOrigins {
    domain: streamgate_domain::service::Domain,
    fallback: Option<Url>,
    known: moka::future::Cache<Uuid, Vec<Url>>,
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
    async fn entry_playlists(&self, event_id: Uuid) -> Vec<Url> {
        let lookup = async {
            match self.domain.playback().stream_url(event_id).await {
                // An event's own URL names its playlist.
                Ok(Some(own)) => Url::parse(&own).into_iter().collect(),
                Ok(None) => {
                    ConfiguredOrigin(self.fallback.clone())
                        .entry_playlists(event_id)
                        .await
                }
                Err(err) => {
                    tracing::warn!(%event_id, error = %err, "cannot look up the stream origin");
                    Vec::new()
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

    /// The file from the local directory, else from upstream (as the mode allows). The entry
    /// `stream.m3u8` is the first of [`ENTRY_PLAYLIST_NAMES`] that exists.
    pub async fn open(&self, file: &StreamFile, kind: FileKind) -> Result<Content, SourceError> {
        let is_entry = file.segments == [ENTRY_PLAYLIST];
        if self.mode != SourceMode::Upstream {
            let candidates = if is_entry {
                ENTRY_PLAYLIST_NAMES
                    .map(|name| StreamFile {
                        segments: vec![name.to_owned()],
                        ..file.clone()
                    })
                    .to_vec()
            } else {
                vec![file.clone()]
            };
            for candidate in &candidates {
                match self.local.open(candidate, kind).await {
                    Some(LocalFile::Memory(bytes)) => return Ok(Content::Bytes(bytes)),
                    Some(LocalFile::Disk(path)) => return Ok(Content::File(path)),
                    None => {}
                }
            }
        }
        if self.mode == SourceMode::Local {
            return Err(SourceError::NotFound);
        }
        let (_, origins) = self.upstream.as_ref().ok_or(SourceError::NotFound)?;
        let mut entries = origins.entry_playlists(file.event_id).await;
        if !is_entry {
            // Every candidate lies in the same directory: any one locates the other files.
            entries.truncate(1);
        }
        for entry in entries {
            let url = upstream_url(&entry, file).ok_or(SourceError::NotFound)?;
            match self.fetch(file, kind, url).await {
                Err(SourceError::NotFound) => continue,
                found => return found,
            }
        }
        Err(SourceError::NotFound)
    }

    async fn fetch(
        &self,
        file: &StreamFile,
        kind: FileKind,
        url: Url,
    ) -> Result<Content, SourceError> {
        let (upstream, _) = self.upstream.as_ref().ok_or(SourceError::NotFound)?;
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
            let entries: Vec<String> = configured_entries(&Url::parse(origin).unwrap(), event)
                .iter()
                .map(Url::to_string)
                .collect();
            assert_eq!(
                entries,
                ENTRY_PLAYLIST_NAMES
                    .map(|name| format!("https://origin.example.com/hls/{event}/{name}"))
            );
        }
    }
}
