//! The demo event's stream (`serve --demo`): the bundled six-second fixture played in a loop as
//! a live HLS stream, written into the stream root the way an encoder would, so that the HLS
//! listener serves it like any other stream.
//!
//! Segment numbers follow the wall clock from the demo event's start (segment `n` covers the
//! seconds `2n..2n+2` after it), so the media sequence keeps growing across restarts and needs
//! no state, while staying as small as a real encoder's: hls.js spends time in proportion to the
//! discontinuity sequence (numbering from the Unix epoch blocked the page for seconds at every
//! playlist reload). Segment `n` plays the fixture's segment `n % 3`; every return to its first
//! segment is a discontinuity, since the timestamps jump back.

use std::{
    fs, io,
    ops::RangeInclusive,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use streamgate_domain::model::ENTRY_PLAYLIST;
use tokio_util::sync::CancellationToken;

/// How long every fixture segment lasts (`-hls_time 2` in scripts/make-stream-fixture.sh).
const SEGMENT_SECONDS: u64 = 2;
/// Segments a live playlist lists (10 s): players start about three segments from its end.
const WINDOW: u64 = 5;
/// Segments kept on disk after they leave the window, for players a little behind.
const KEPT_AFTER_WINDOW: u64 = 5;
const VARIANT_PLAYLIST: &str = "index.m3u8";

/// Embedded, so that the binary plays the demo from any directory.
const MASTER: &[u8] = include_bytes!("../../../fixtures/stream/stream.m3u8");

/// One rendition of the fixture: its directory (as the master playlist names it) and its
/// segments in order.
struct Variant {
    name: &'static str,
    segments: [&'static [u8]; 3],
}

const VARIANTS: [Variant; 2] = [
    Variant {
        name: "180p",
        segments: [
            include_bytes!("../../../fixtures/stream/180p/seg0.ts"),
            include_bytes!("../../../fixtures/stream/180p/seg1.ts"),
            include_bytes!("../../../fixtures/stream/180p/seg2.ts"),
        ],
    },
    Variant {
        name: "360p",
        segments: [
            include_bytes!("../../../fixtures/stream/360p/seg0.ts"),
            include_bytes!("../../../fixtures/stream/360p/seg1.ts"),
            include_bytes!("../../../fixtures/stream/360p/seg2.ts"),
        ],
    },
];

/// Segments in one pass of the fixture.
const LOOP_LENGTH: u64 = VARIANTS[0].segments.len() as u64;

/// The looping live stream of one event's directory (`<stream root>/<event id>`).
pub struct DemoStream {
    dir: PathBuf,
    /// Segment 0 begins here (the demo event's start).
    epoch: SystemTime,
}

impl DemoStream {
    /// Writes the master playlist, the fixture segments and the current window into `dir`:
    /// the stream is watchable once this returns.
    pub async fn start(dir: PathBuf, epoch: SystemTime) -> io::Result<DemoStream> {
        let (latest, _) = clock(epoch);
        let target = dir.clone();
        blocking(move || {
            install(&target)?;
            advance(&target, latest)
        })
        .await?;
        Ok(DemoStream { dir, epoch })
    }

    /// Moves the window on at every segment boundary of the wall clock, until `stop`.
    pub async fn run(self, stop: CancellationToken) {
        let mut failing = false;
        loop {
            let (_, until_next) = clock(self.epoch);
            tokio::select! {
                () = tokio::time::sleep(until_next) => {}
                () = stop.cancelled() => return,
            }
            let (latest, _) = clock(self.epoch);
            let dir = self.dir.clone();
            // One warning per outage, not one per segment.
            match blocking(move || advance(&dir, latest)).await {
                Ok(()) if failing => {
                    failing = false;
                    tracing::info!("demo stream: writing again");
                }
                Ok(()) => {}
                Err(err) if !failing => {
                    failing = true;
                    tracing::warn!(error = %err, dir = %self.dir.display(), "demo stream: cannot write");
                }
                Err(_) => {}
            }
        }
    }
}

async fn blocking(work: impl FnOnce() -> io::Result<()> + Send + 'static) -> io::Result<()> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| Err(io::Error::other(err)))
}

/// The segment the wall clock is in, counting from `epoch`, and how long until the next one.
fn clock(epoch: SystemTime) -> (u64, Duration) {
    let since_epoch = SystemTime::now().duration_since(epoch).unwrap_or_default();
    let latest = since_epoch.as_secs() / SEGMENT_SECONDS;
    let next = Duration::from_secs((latest + 1) * SEGMENT_SECONDS);
    (latest, next.saturating_sub(since_epoch))
}

/// The fixture's segments (the sources of the live segments' hard links), then the master
/// playlist, which therefore exists only when the sources do.
fn install(dir: &Path) -> io::Result<()> {
    for variant in &VARIANTS {
        let variant_dir = dir.join(variant.name);
        fs::create_dir_all(&variant_dir)?;
        for (index, bytes) in variant.segments.iter().enumerate() {
            write_atomically(&variant_dir.join(source_name(index as u64)), bytes)?;
        }
    }
    write_atomically(&dir.join(ENTRY_PLAYLIST), MASTER)
}

/// Publishes the window that ends with segment `latest` in every variant: its segments first,
/// then the playlist naming them, then the removal of segments long out of the window.
fn advance(dir: &Path, latest: u64) -> io::Result<()> {
    // Someone emptied the stream root while we run.
    if !dir.join(ENTRY_PLAYLIST).exists() {
        install(dir)?;
    }
    let first = latest.saturating_sub(WINDOW - 1);
    for variant in &VARIANTS {
        let variant_dir = dir.join(variant.name);
        for n in first..=latest {
            publish(&variant_dir, variant, n)?;
        }
        write_atomically(
            &variant_dir.join(VARIANT_PLAYLIST),
            live_playlist(first, latest).as_bytes(),
        )?;
        remove_outside(
            &variant_dir,
            first.saturating_sub(KEPT_AFTER_WINDOW)..=latest,
        )?;
    }
    Ok(())
}

/// A variant's playlist listing segments `first..=latest`: live (no end, no playlist type).
fn live_playlist(first: u64, latest: u64) -> String {
    let mut text = format!(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{SEGMENT_SECONDS}\n\
         #EXT-X-MEDIA-SEQUENCE:{first}\n#EXT-X-DISCONTINUITY-SEQUENCE:{}\n",
        discontinuity_sequence(first)
    );
    for n in first..=latest {
        if loops_back(n) {
            text.push_str("#EXT-X-DISCONTINUITY\n");
        }
        text.push_str(&format!(
            "#EXTINF:{SEGMENT_SECONDS}.000000,\n{}\n",
            segment_name(n)
        ));
    }
    text
}

/// Segment `n` starts the fixture over.
fn loops_back(n: u64) -> bool {
    n > 0 && n.is_multiple_of(LOOP_LENGTH)
}

/// The discontinuities before the window's first segment `first` (those of segments that have
/// left the window; the first segment's own tag is still listed).
fn discontinuity_sequence(first: u64) -> u64 {
    first / LOOP_LENGTH - u64::from(loops_back(first))
}

fn segment_name(n: u64) -> String {
    format!("live{n}.ts")
}

fn source_name(index: u64) -> String {
    format!("seg{index}.ts")
}

/// Segment `n` as a hard link to the fixture segment it plays, or a copy where the file system
/// has no links.
fn publish(variant_dir: &Path, variant: &Variant, n: u64) -> io::Result<()> {
    let target = variant_dir.join(segment_name(n));
    if target.exists() {
        return Ok(());
    }
    let index = n % LOOP_LENGTH;
    match fs::hard_link(variant_dir.join(source_name(index)), &target) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(_) => write_atomically(&target, variant.segments[index as usize]),
    }
}

/// Removes the live segments whose number is not in `kept` (also those a clock set back left
/// ahead of it).
fn remove_outside(variant_dir: &Path, kept: RangeInclusive<u64>) -> io::Result<()> {
    for entry in fs::read_dir(variant_dir)? {
        let entry = entry?;
        let number = entry
            .file_name()
            .to_str()
            .and_then(|name| name.strip_prefix("live")?.strip_suffix(".ts")?.parse().ok());
        if number.is_some_and(|n| !kept.contains(&n)) {
            match fs::remove_file(entry.path()) {
                Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Writes a temporary file beside `path` and renames it over `path`, so that the HLS listener,
/// which may read at any moment, sees the old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&temporary, bytes)?;
    fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_playlist_is_live_with_a_discontinuity_where_the_fixture_starts_over() {
        // Segments 4..=8 play fixture segments 1 2 0 1 2: one loop point, at 6.
        assert_eq!(
            live_playlist(4, 8),
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n\
             #EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n\
             #EXTINF:2.000000,\nlive4.ts\n#EXTINF:2.000000,\nlive5.ts\n\
             #EXT-X-DISCONTINUITY\n#EXTINF:2.000000,\nlive6.ts\n\
             #EXTINF:2.000000,\nlive7.ts\n#EXTINF:2.000000,\nlive8.ts\n"
        );
    }

    /// A segment's discontinuity sequence number (the tag's value plus the tags up to it) must
    /// not change as the window slides: it is the loop the segment belongs to.
    #[test]
    fn the_discontinuity_sequence_counts_the_loops_that_left_the_window() {
        for first in 0..20 {
            let mut number = discontinuity_sequence(first);
            for n in first..first + WINDOW {
                number += u64::from(loops_back(n));
                assert_eq!(
                    number,
                    n / LOOP_LENGTH,
                    "segment {n} in a window from {first}"
                );
            }
        }
    }

    /// The constants above describe the committed fixture.
    #[test]
    fn the_embedded_fixture_is_three_two_second_segments_per_variant() {
        let master = std::str::from_utf8(MASTER).unwrap();
        for variant in &VARIANTS {
            assert!(master.contains(&format!("{}/{VARIANT_PLAYLIST}", variant.name)));
            let path = format!(
                "{}/../fixtures/stream/{}/{VARIANT_PLAYLIST}",
                env!("CARGO_MANIFEST_DIR"),
                variant.name
            );
            let playlist = std::fs::read_to_string(path).unwrap();
            let durations: Vec<&str> = playlist
                .lines()
                .filter_map(|line| line.strip_prefix("#EXTINF:"))
                .collect();
            assert_eq!(durations, ["2.000000,"; 3], "{}", variant.name);
            for index in 0..LOOP_LENGTH {
                assert!(playlist.contains(&source_name(index)));
            }
        }
    }

    #[test]
    fn the_window_moves_on_and_old_segments_go() {
        let dir = tempfile::tempdir().unwrap();
        install(dir.path()).unwrap();
        advance(dir.path(), 100).unwrap();
        advance(dir.path(), 120).unwrap();
        advance(dir.path(), 121).unwrap();
        for variant in &VARIANTS {
            let variant_dir = dir.path().join(variant.name);
            let playlist = fs::read_to_string(variant_dir.join(VARIANT_PLAYLIST)).unwrap();
            assert_eq!(playlist, live_playlist(117, 121));
            let mut live: Vec<u64> = fs::read_dir(&variant_dir)
                .unwrap()
                .filter_map(|entry| {
                    let name = entry.unwrap().file_name().into_string().unwrap();
                    name.strip_prefix("live")?.strip_suffix(".ts")?.parse().ok()
                })
                .collect();
            live.sort();
            // 96..=100 are gone; 116 has left the window but is kept a little longer.
            assert_eq!(live, (116..=121).collect::<Vec<_>>());
            for n in live {
                let bytes = fs::read(variant_dir.join(segment_name(n))).unwrap();
                assert_eq!(bytes, variant.segments[(n % 3) as usize], "live{n}.ts");
            }
        }
        assert!(!dir.path().join(".stream.m3u8.tmp").exists());
    }

    #[test]
    fn a_removed_directory_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let stream = dir.path().join("event");
        install(&stream).unwrap();
        fs::remove_dir_all(&stream).unwrap();
        advance(&stream, 7).unwrap();
        assert_eq!(fs::read(stream.join(ENTRY_PLAYLIST)).unwrap(), MASTER);
        assert!(stream.join("360p/live7.ts").exists());
    }
}
