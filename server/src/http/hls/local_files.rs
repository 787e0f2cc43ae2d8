//! The local stream directory (`<stream root>/<eventId>/…`, written by an encoder), served from
//! memory. A live stream's viewers all ask for the same few recent files, so each is read from
//! disk once and then served from RAM (bounded in bytes). Whether a file changed (size and
//! modification time) is checked again after a short while: playlists every half second,
//! media every few seconds. Every check also re-resolves the path, so a file that is, or
//! becomes, a symbolic link out of the event's directory is never served.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant, SystemTime},
};

use axum::body::Bytes;
use moka::sync::Cache;

use super::stream_path::{FileKind, StreamFile};

const PLAYLIST_RECHECK: Duration = Duration::from_millis(500);
const MEDIA_RECHECK: Duration = Duration::from_secs(5);
/// Larger files are streamed from disk instead.
const MAX_CACHED_FILE: u64 = 32 << 20;

/// A local stream file: in memory, or (too large to keep) on disk.
pub enum LocalFile {
    Memory(Bytes),
    Disk(PathBuf),
}

struct Cached {
    bytes: Bytes,
    modified: Option<SystemTime>,
    /// When the file was last found unchanged, in milliseconds since the cache started.
    checked_at: AtomicU64,
}

pub struct LocalFiles {
    root: PathBuf,
    started: Instant,
    cache: Cache<PathBuf, Arc<Cached>>,
}

/// What a look at the disk found.
enum Found {
    Missing,
    Unchanged,
    Read(Bytes, Option<SystemTime>),
    TooLarge(PathBuf),
}

impl LocalFiles {
    pub fn new(root: PathBuf, memory_bytes: u64) -> Self {
        Self {
            root,
            started: Instant::now(),
            cache: Cache::builder()
                .max_capacity(memory_bytes)
                .weigher(|_, cached: &Arc<Cached>| {
                    u32::try_from(cached.bytes.len()).unwrap_or(u32::MAX)
                })
                .time_to_idle(Duration::from_secs(60))
                .build(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub async fn open(&self, file: &StreamFile, kind: FileKind) -> Option<LocalFile> {
        let dir = self.root.join(file.event_id.to_string());
        let path = file
            .segments
            .iter()
            .fold(dir.clone(), |path, s| path.join(s));
        let recheck = match kind {
            FileKind::Playlist => PLAYLIST_RECHECK,
            FileKind::Media(_) => MEDIA_RECHECK,
        };
        let cached = self.cache.get(&path);
        if let Some(cached) = &cached {
            let age = self
                .now_ms()
                .saturating_sub(cached.checked_at.load(Ordering::Relaxed));
            if age < recheck.as_millis() as u64 {
                return Some(LocalFile::Memory(cached.bytes.clone()));
            }
        }
        let known = cached
            .as_ref()
            .map(|cached| (cached.bytes.len() as u64, cached.modified));
        let candidate = path.clone();
        let found = tokio::task::spawn_blocking(move || look(&dir, &candidate, known))
            .await
            .unwrap_or(Found::Missing);
        match found {
            Found::Missing => {
                self.cache.invalidate(&path);
                None
            }
            Found::Unchanged => {
                let cached = cached?;
                cached.checked_at.store(self.now_ms(), Ordering::Relaxed);
                Some(LocalFile::Memory(cached.bytes.clone()))
            }
            Found::Read(bytes, modified) => {
                let cached = Cached {
                    bytes: bytes.clone(),
                    modified,
                    checked_at: AtomicU64::new(self.now_ms()),
                };
                self.cache.insert(path, Arc::new(cached));
                Some(LocalFile::Memory(bytes))
            }
            Found::TooLarge(real) => Some(LocalFile::Disk(real)),
        }
    }
}

/// The file at `candidate`, if it is a regular file that really lies inside `dir` once
/// symbolic links are followed; read unless it still has the `known` size and time.
fn look(dir: &Path, candidate: &Path, known: Option<(u64, Option<SystemTime>)>) -> Found {
    let (Ok(dir), Ok(real)) = (std::fs::canonicalize(dir), std::fs::canonicalize(candidate)) else {
        return Found::Missing;
    };
    if !real.starts_with(&dir) {
        tracing::warn!(path = %real.display(), "stream file outside its event directory refused");
        return Found::Missing;
    }
    let Ok(meta) = std::fs::metadata(&real) else {
        return Found::Missing;
    };
    if !meta.is_file() {
        return Found::Missing;
    }
    let modified = meta.modified().ok();
    if known == Some((meta.len(), modified)) {
        return Found::Unchanged;
    }
    if meta.len() > MAX_CACHED_FILE {
        return Found::TooLarge(real);
    }
    match std::fs::read(&real) {
        Ok(bytes) => Found::Read(bytes.into(), modified),
        Err(_) => Found::Missing,
    }
}
