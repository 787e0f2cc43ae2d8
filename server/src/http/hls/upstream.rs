//! Fetching from an upstream HLS origin. Segments go through an on-disk cache bounded in size
//! and age; playlists through a one-second cache (live playlists change every few seconds).
//! Concurrent misses for one URL wait for a single fetch. Origins that resolve to loopback,
//! private or link-local addresses are refused unless the operator allows them, so an event's
//! `streamUrl` cannot be used to reach the server's own network.

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use axum::body::Bytes;
use futures_util::StreamExt;
use moka::future::Cache;
use reqwest::{
    dns::{Addrs, Name, Resolve, Resolving},
    redirect, StatusCode,
};
use tokio::io::AsyncWriteExt;
use url::Url;
use uuid::Uuid;

/// Live playlists are re-read this often at most, however many viewers ask.
const PLAYLIST_FRESHNESS: Duration = Duration::from_secs(1);
const MAX_PLAYLIST_BYTES: usize = 1 << 20;
const MAX_SEGMENT_BYTES: u64 = 64 << 20;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const PLAYLIST_TIMEOUT: Duration = Duration::from_secs(10);
const SEGMENT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct UpstreamConfig {
    /// Where cached segments are written (emptied at start).
    pub cache_dir: PathBuf,
    pub cache_max_bytes: u64,
    pub cache_max_age: Duration,
    /// Origins on loopback, private and link-local addresses are allowed.
    pub allow_private: bool,
}

/// Why an upstream file could not be had.
#[derive(Clone, Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("not found upstream")]
    NotFound,
    #[error("upstream unavailable: {0}")]
    Unavailable(String),
}

/// A segment in the disk cache.
#[derive(Debug)]
pub struct CachedSegment {
    pub path: PathBuf,
    event_id: Uuid,
}

pub struct Upstream {
    client: reqwest::Client,
    allow_private: bool,
    dir: PathBuf,
    playlists: Cache<Url, Bytes>,
    segments: Cache<Url, Arc<CachedSegment>>,
}

impl Upstream {
    /// An empty cache in `config.cache_dir`.
    pub fn new(config: &UpstreamConfig) -> std::io::Result<Self> {
        if config.cache_dir.exists() {
            std::fs::remove_dir_all(&config.cache_dir)?;
        }
        std::fs::create_dir_all(&config.cache_dir)?;
        let allow_private = config.allow_private;
        let mut client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("streamgate/", env!("CARGO_PKG_VERSION")))
            .redirect(redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if !allowed_url(attempt.url(), allow_private) {
                    attempt.error("redirect to a refused address")
                } else {
                    attempt.follow()
                }
            }));
        if !allow_private {
            client = client.dns_resolver(Arc::new(PublicAddressesOnly));
        }
        let client = client
            .build()
            .map_err(|err| std::io::Error::other(err.to_string()))?;
        let segments = Cache::builder()
            .max_capacity(config.cache_max_bytes)
            .weigher(|_: &Url, segment: &Arc<CachedSegment>| {
                std::fs::metadata(&segment.path)
                    .map(|meta| u32::try_from(meta.len()).unwrap_or(u32::MAX))
                    .unwrap_or(1)
            })
            .time_to_live(config.cache_max_age)
            .support_invalidation_closures()
            .eviction_listener(|_, segment: Arc<CachedSegment>, _| {
                let _ = std::fs::remove_file(&segment.path);
            })
            .build();
        let playlists = Cache::builder()
            .max_capacity(1024)
            .time_to_live(PLAYLIST_FRESHNESS)
            .support_invalidation_closures()
            .build();
        Ok(Self {
            client,
            allow_private,
            dir: config.cache_dir.clone(),
            playlists,
            segments,
        })
    }

    /// A playlist, at most a second old.
    pub async fn playlist(&self, url: Url) -> Result<Bytes, UpstreamError> {
        self.playlists
            .try_get_with(url.clone(), self.fetch_playlist(url))
            .await
            .map_err(|err| (*err).clone())
    }

    /// A segment from the disk cache, fetched once if missing.
    pub async fn segment(
        &self,
        event_id: Uuid,
        url: Url,
    ) -> Result<Arc<CachedSegment>, UpstreamError> {
        self.segments
            .try_get_with(url.clone(), self.fetch_segment(event_id, url))
            .await
            .map_err(|err| (*err).clone())
    }

    /// Forgets (and deletes) everything cached for one event.
    pub fn clear_event(&self, event_id: Uuid) {
        let prefix = format!("{event_id}/");
        let _ = self
            .segments
            .invalidate_entries_if(move |_, segment| segment.event_id == event_id);
        let _ = self
            .playlists
            .invalidate_entries_if(move |url, _| url.path().contains(&prefix));
    }

    async fn get(&self, url: &Url, timeout: Duration) -> Result<reqwest::Response, UpstreamError> {
        if !allowed_url(url, self.allow_private) {
            return Err(UpstreamError::Unavailable(format!(
                "{} is not an allowed origin",
                url.host_str().unwrap_or("?")
            )));
        }
        let response = self
            .client
            .get(url.clone())
            .timeout(timeout)
            .send()
            .await
            .map_err(|err| unavailable(url, &err))?;
        match response.status() {
            status if status.is_success() => Ok(response),
            StatusCode::NOT_FOUND | StatusCode::GONE => Err(UpstreamError::NotFound),
            status => Err(UpstreamError::Unavailable(format!(
                "{url} answered {status}"
            ))),
        }
    }

    async fn fetch_playlist(&self, url: Url) -> Result<Bytes, UpstreamError> {
        let response = self.get(&url, PLAYLIST_TIMEOUT).await?;
        let mut body = Vec::new();
        let mut chunks = response.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            body.extend_from_slice(&chunk.map_err(|err| unavailable(&url, &err))?);
            if body.len() > MAX_PLAYLIST_BYTES {
                return Err(UpstreamError::Unavailable(format!(
                    "{url}: playlist too large"
                )));
            }
        }
        Ok(body.into())
    }

    async fn fetch_segment(
        &self,
        event_id: Uuid,
        url: Url,
    ) -> Result<Arc<CachedSegment>, UpstreamError> {
        let response = self.get(&url, SEGMENT_TIMEOUT).await?;
        if response
            .content_length()
            .is_some_and(|len| len > MAX_SEGMENT_BYTES)
        {
            return Err(UpstreamError::Unavailable(format!(
                "{url}: segment too large"
            )));
        }
        let path = self.dir.join(Uuid::new_v4().simple().to_string());
        match write_body(&path, response).await {
            Ok(()) => Ok(Arc::new(CachedSegment { path, event_id })),
            Err(err) => {
                let _ = tokio::fs::remove_file(&path).await;
                Err(UpstreamError::Unavailable(format!("{url}: {err}")))
            }
        }
    }
}

async fn write_body(path: &Path, response: reqwest::Response) -> Result<(), String> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|err| err.to_string())?;
    let mut written = 0u64;
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|err| err.to_string())?;
        written += chunk.len() as u64;
        if written > MAX_SEGMENT_BYTES {
            return Err("segment too large".into());
        }
        file.write_all(&chunk)
            .await
            .map_err(|err| err.to_string())?;
    }
    file.flush().await.map_err(|err| err.to_string())
}

fn unavailable(url: &Url, err: &reqwest::Error) -> UpstreamError {
    UpstreamError::Unavailable(format!("{url}: {err}"))
}

/// http(s) only; an address literal must be public unless private origins are allowed (names
/// are checked when they resolve).
fn allowed_url(url: &Url, allow_private: bool) -> bool {
    let host_ok = match url.host() {
        Some(url::Host::Ipv4(ip)) => allow_private || is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => allow_private || is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => true,
        None => false,
    };
    matches!(url.scheme(), "http" | "https") && host_ok
}

/// Not loopback, private, link-local, shared (CGNAT), unspecified, broadcast or documentation.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local())
            }
        },
    }
}

/// A resolver that keeps only public addresses, so a name that points (or is re-pointed) at
/// the internal network is refused when it is connected to.
struct PublicAddressesOnly;

impl Resolve for PublicAddressesOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let public: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| is_public(addr.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn literal_private_origins_and_other_schemes_are_refused() {
        let url = |text: &str| Url::parse(text).unwrap();
        assert!(!allowed_url(&url("http://127.0.0.1:9/x.m3u8"), false));
        assert!(allowed_url(&url("http://127.0.0.1:9/x.m3u8"), true));
        assert!(!allowed_url(&url("http://[::1]/x.m3u8"), false));
        assert!(!allowed_url(&url("file:///etc/passwd"), true));
        assert!(allowed_url(
            &url("https://origin.example.com/live/x.m3u8"),
            false
        ));
    }
}
