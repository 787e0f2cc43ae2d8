//! The HLS listener in front of an upstream origin (a local fake serving the fixture stream):
//! per-event `streamUrl` and the configured origin, hybrid mode, one upstream fetch for many
//! concurrent misses, cached segments surviving an outage (502 for the rest), the cache purge,
//! and private addresses refused unless allowed.

mod common;

use std::{thread, time::Duration};

use common::{
    origin::FakeOrigin,
    send,
    viewing::{fixture_bytes, Stage},
};
use serde_json::json;

const ALLOW_PRIVATE: (&str, &str) = ("STREAMGATE_UPSTREAM_ALLOW_PRIVATE", "true");

#[test]
fn an_event_stream_url_is_fetched_once_cached_and_survives_an_outage() {
    let mut origin = FakeOrigin::start(Duration::from_millis(300));
    let stage = Stage::start(
        None,
        &[("STREAMGATE_HLS_SOURCE", "upstream"), ALLOW_PRIVATE],
    );
    let (event, codes) = stage.live_event(1);
    let reply = stage.admin(
        "PUT",
        &format!("/events/{event}"),
        Some(json!({ "streamUrl": origin.url("/live/playlist.m3u8") })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let token = stage.token(codes[0]["code"].as_str().unwrap());

    // The entry playlist stands for the event's streamUrl.
    let master = stage.stream(&format!("/streams/{event}/stream.m3u8"), &token);
    assert_eq!(master.status, 200, "{}", master.body);
    assert_eq!(master.bytes, fixture_bytes("stream.m3u8"));
    assert_eq!(
        master.header("content-type"),
        Some("application/vnd.apple.mpegurl")
    );
    assert_eq!(origin.hits("/live/playlist.m3u8"), 1);

    // Twenty viewers miss the same segment at once: one upstream fetch.
    let segment = format!("/streams/{event}/180p/seg0.ts");
    let expected = fixture_bytes("180p/seg0.ts");
    let url = stage.server.hls_url(&segment);
    let bearer = format!("Bearer {token}");
    let replies: Vec<_> = thread::scope(|scope| {
        let fetches: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| common::get(&url, &[("authorization", &bearer)])))
            .collect();
        fetches
            .into_iter()
            .map(|fetch| fetch.join().unwrap())
            .collect()
    });
    for reply in &replies {
        assert_eq!((reply.status, &reply.bytes), (200, &expected));
        assert_eq!(reply.header("content-type"), Some("video/mp2t"));
    }
    assert_eq!(origin.hits("/live/180p/seg0.ts"), 1);
    let ranged = common::get(
        &stage.server.hls_url(&segment),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("range", "bytes=0-187"),
        ],
    );
    assert_eq!(
        (ranged.status, ranged.bytes.as_slice()),
        (206, &expected[..188])
    );
    assert_eq!(origin.hits("/live/180p/seg0.ts"), 1);
    // Missing upstream: 404.
    let missing = stage.stream(&format!("/streams/{event}/180p/seg7.ts"), &token);
    assert_eq!(missing.answer(), (404, json!({ "error": "Not found" })));

    // The origin goes down: cached segments still play, the rest is a 502.
    origin.stop();
    let cached = stage.stream(&segment, &token);
    assert_eq!((cached.status, &cached.bytes), (200, &expected));
    let unavailable = json!({ "error": "Stream source unavailable" });
    let uncached = stage.stream(&format!("/streams/{event}/180p/seg1.ts"), &token);
    assert_eq!(uncached.answer(), (502, unavailable.clone()));
    thread::sleep(Duration::from_millis(1100));
    let playlist = stage.stream(&format!("/streams/{event}/stream.m3u8"), &token);
    assert_eq!(playlist.answer(), (502, unavailable));
}

#[test]
fn hybrid_serves_local_files_first_and_the_purge_forgets_cached_ones() {
    let origin = FakeOrigin::start(Duration::ZERO);
    let stage = Stage::start(
        None,
        &[
            ("STREAMGATE_UPSTREAM_ORIGIN", &origin.url("/hls/")),
            ALLOW_PRIVATE,
        ],
    );
    let (event, token) = stage.watching();
    std::fs::remove_dir_all(stage.streams.join(&event).join("360p")).unwrap();

    let local = stage.stream(&format!("/streams/{event}/180p/seg0.ts"), &token);
    assert_eq!(
        (local.status, local.bytes),
        (200, fixture_bytes("180p/seg0.ts"))
    );
    assert_eq!(origin.hits(&format!("/hls/{event}/180p/seg0.ts")), 0);

    let remote_path = format!("/hls/{event}/360p/seg0.ts");
    let remote = stage.stream(&format!("/streams/{event}/360p/seg0.ts"), &token);
    assert_eq!(
        (remote.status, remote.bytes),
        (200, fixture_bytes("360p/seg0.ts"))
    );
    stage.stream(&format!("/streams/{event}/360p/seg0.ts"), &token);
    assert_eq!(origin.hits(&remote_path), 1);

    let purge = send(
        "DELETE",
        &stage.server.hls_url(&format!("/admin/cache/{event}")),
        &[],
        None,
    );
    assert_eq!(purge.answer(), (200, json!({ "cleared": true })));
    let again = stage.stream(&format!("/streams/{event}/360p/seg0.ts"), &token);
    assert_eq!(again.status, 200);
    assert_eq!(origin.hits(&remote_path), 2);
}

#[test]
fn origins_on_private_addresses_are_refused_by_default() {
    let origin = FakeOrigin::start(Duration::ZERO);
    let stage = Stage::start(None, &[("STREAMGATE_HLS_SOURCE", "upstream")]);
    // An address literal, and a name that resolves to loopback (checked when it resolves).
    for host in [
        format!("127.0.0.1:{}", origin.addr.port()),
        format!("localhost:{}", origin.addr.port()),
    ] {
        let (event, codes) = stage.live_event(1);
        let reply = stage.admin(
            "PUT",
            &format!("/events/{event}"),
            Some(json!({ "streamUrl": format!("http://{host}/live/stream.m3u8") })),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let token = stage.token(codes[0]["code"].as_str().unwrap());
        for path in ["stream.m3u8", "180p/seg0.ts"] {
            let reply = stage.stream(&format!("/streams/{event}/{path}"), &token);
            assert_eq!(
                reply.answer(),
                (502, json!({ "error": "Stream source unavailable" })),
                "{host} {path}"
            );
        }
    }
    assert!(origin.hits.lock().unwrap().is_empty());
}
