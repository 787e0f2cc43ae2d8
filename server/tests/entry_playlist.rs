//! The entry `stream.m3u8` the player asks for is whichever entry playlist the encoder wrote:
//! `stream.m3u8`, else ffmpeg's usual `master.m3u8`, else `index.m3u8`, else `playlist.m3u8`,
//! from the local stream root and from an edge's (or the app's) configured upstream origin.

mod common;

use std::time::Duration;

use common::{
    origin::FakeOrigin,
    viewing::{fixture_bytes, Stage},
};

/// A playlist whose bytes say which file was served.
fn playlist(name: &str) -> Vec<u8> {
    format!("#EXTM3U\n#EXT-X-VERSION:3\n# written as {name}\n").into_bytes()
}

#[test]
fn an_encoders_master_m3u8_plays_as_the_entry_playlist() {
    let stage = Stage::start(None, &[]);
    let (event, codes) = stage.live_event(1);
    let token = stage.token(codes[0]["code"].as_str().unwrap());
    let dir = stage.streams.join(&event);
    let entry = format!("/streams/{event}/stream.m3u8");
    std::fs::remove_file(dir.join("stream.m3u8")).unwrap();

    // Nothing an encoder would call an entry playlist: 404, as before.
    let reply = stage.stream(&entry, &token);
    assert_eq!(reply.status, 404, "{}", reply.body);

    // Each name in turn; the earlier name wins over the later ones.
    for name in ["playlist.m3u8", "index.m3u8", "master.m3u8", "stream.m3u8"] {
        std::fs::write(dir.join(name), playlist(name)).unwrap();
        // Past the listener's half-second re-check of playlists it keeps in memory.
        std::thread::sleep(std::time::Duration::from_millis(600));
        let reply = stage.stream(&entry, &token);
        assert_eq!(reply.status, 200, "{name}: {}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("application/vnd.apple.mpegurl")
        );
        assert_eq!(reply.bytes, playlist(name), "{name}");
    }

    // The other files still sit beside it, and master.m3u8 is also served by its own name.
    let reply = stage.stream(&format!("/streams/{event}/180p/seg1.ts"), &token);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.bytes, fixture_bytes("180p/seg1.ts"));
    let reply = stage.stream(&format!("/streams/{event}/master.m3u8"), &token);
    assert_eq!(reply.bytes, playlist("master.m3u8"));
}

/// An origin that has only `master.m3u8` and the fixture's first 180p segment.
fn master_only(path: &str) -> Option<String> {
    match path.rsplit('/').next() {
        Some("master.m3u8") => Some("stream.m3u8".to_owned()),
        Some("seg1.ts") => Some("180p/seg1.ts".to_owned()),
        _ => None,
    }
}

#[test]
fn an_upstream_origin_with_master_m3u8_plays_through_the_entry_playlist() {
    let origin = FakeOrigin::serving(Duration::ZERO, master_only);
    let base = origin.url("/hls/");
    let stage = Stage::start(
        None,
        &[
            ("STREAMGATE_HLS_SOURCE", "upstream"),
            ("STREAMGATE_UPSTREAM_ORIGIN", &base),
            ("STREAMGATE_UPSTREAM_ALLOW_PRIVATE", "true"),
        ],
    );
    let (event, codes) = stage.live_event(1);
    std::fs::remove_dir_all(stage.streams.join(&event)).unwrap();
    let token = stage.token(codes[0]["code"].as_str().unwrap());

    let reply = stage.stream(&format!("/streams/{event}/stream.m3u8"), &token);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.bytes, fixture_bytes("stream.m3u8"));
    // stream.m3u8 first, then master.m3u8; the later names were not needed.
    let asked = |name: &str| origin.hits(&format!("/hls/{event}/{name}"));
    assert_eq!(
        ["stream.m3u8", "master.m3u8", "index.m3u8", "playlist.m3u8"].map(asked),
        [1, 1, 0, 0]
    );

    // Files beside it come from the same directory.
    let reply = stage.stream(&format!("/streams/{event}/180p/seg1.ts"), &token);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.bytes, fixture_bytes("180p/seg1.ts"));
    assert_eq!(asked("180p/seg1.ts"), 1);
}
