//! `serve --demo` through the real server: a fresh data dir logs a viewer URL whose code plays
//! a looping live HLS stream (a sliding window with discontinuities where the fixture starts
//! over, segments equal to the fixture's); restarts reuse the demo event, make it live again
//! and print a code nobody uses (SQLite and PostgreSQL); without an account the server still
//! serves.

mod common;

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use common::{
    admin::admin_cookie,
    assert_access_code, create_user, jwt, on_both_databases, post_json, run_json, send, streamgate,
    viewing::{fixture_bytes, OWNER_EMAIL, OWNER_PASSWORD},
    Server, BREAK_GLASS,
};
use serde_json::{json, Value};

const TITLE: &str = "StreamGate demo";

fn start_demo(data_dir: &std::path::Path, database_url: Option<&str>, args: &[&str]) -> Server {
    Server::start_serving(data_dir, database_url, args, &[("RUST_LOG", "info")])
}

/// The code in the demo line's viewer URL, which must point at this server's app listener.
fn logged_code(server: &Server) -> String {
    let line = server.wait_for_log("demo: watch at");
    let url = line
        .split("watch at ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap();
    let code = url
        .strip_prefix(&format!("http://{}/?code=", server.app))
        .unwrap_or_else(|| panic!("not this server's viewer URL: {line}"));
    assert_access_code(code);
    assert!(
        line.contains(&format!("http://{}/admin/login", server.app)),
        "the sign-in hint: {line}"
    );
    code.to_owned()
}

/// Seed 002's grant for `code`, which must validate; its playback token is for that code.
fn validate(server: &Server, code: &str) -> Value {
    let reply = post_json(
        &server.app_url("/api/tokens/validate"),
        &[],
        json!({ "code": code }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let grant = reply.json();
    jwt::playback_claims(
        grant["playbackToken"].as_str().unwrap(),
        code,
        grant["eventId"].as_str().unwrap(),
    );
    grant
}

fn status(server: &Server, event_id: &str) -> String {
    let reply = common::get(
        &server.app_url(&format!("/api/events/{event_id}/status")),
        &[],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["status"].as_str().unwrap().to_owned()
}

fn stream(server: &Server, path: &str, token: &str) -> common::Reply {
    common::get(
        &server.hls_url(path),
        &[("authorization", &format!("Bearer {token}"))],
    )
}

/// The demo events `event list` shows (the server stopped or not).
fn demo_events(data_dir: &std::path::Path, database_url: Option<&str>) -> Vec<Value> {
    let mut command = streamgate(data_dir, database_url);
    command.args(["event", "list"]);
    let events = run_json(command);
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["title"] == TITLE)
        .cloned()
        .collect()
}

/// A variant playlist as a player reads it.
#[derive(Debug)]
struct LivePlaylist {
    media_sequence: u64,
    discontinuity_sequence: u64,
    /// Each segment's URI, and whether a discontinuity precedes it.
    segments: Vec<(String, bool)>,
}

impl LivePlaylist {
    fn parse(text: &str) -> LivePlaylist {
        assert!(text.starts_with("#EXTM3U\n"), "{text}");
        assert!(text.contains("#EXT-X-TARGETDURATION:2\n"), "{text}");
        assert!(
            !text.contains("#EXT-X-ENDLIST") && !text.contains("#EXT-X-PLAYLIST-TYPE"),
            "a live playlist has no end and no type: {text}"
        );
        let number = |tag: &str| -> u64 {
            text.lines()
                .find_map(|line| line.strip_prefix(tag))
                .unwrap_or_else(|| panic!("no {tag} in {text}"))
                .parse()
                .unwrap()
        };
        let mut segments = Vec::new();
        let mut discontinuity = false;
        let mut durations = 0;
        for line in text.lines() {
            if line == "#EXT-X-DISCONTINUITY" {
                discontinuity = true;
            } else if line == "#EXTINF:2.000000," {
                durations += 1;
            } else if !line.starts_with('#') {
                segments.push((line.to_owned(), discontinuity));
                discontinuity = false;
            }
        }
        assert_eq!(durations, segments.len(), "{text}");
        LivePlaylist {
            media_sequence: number("#EXT-X-MEDIA-SEQUENCE:"),
            discontinuity_sequence: number("#EXT-X-DISCONTINUITY-SEQUENCE:"),
            segments,
        }
    }

    /// Each segment's discontinuity sequence number (RFC 8216 §6.2.2: the tag's value plus
    /// the discontinuities up to it), which must not change as the window slides.
    fn discontinuity_numbers(&self) -> HashMap<String, u64> {
        let mut number = self.discontinuity_sequence;
        self.segments
            .iter()
            .map(|(uri, discontinuity)| {
                number += u64::from(*discontinuity);
                (uri.clone(), number)
            })
            .collect()
    }
}

#[test]
fn a_fresh_start_with_demo_plays_a_looping_live_stream() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_demo(dir.path(), None, &["--demo"]);
    // The first start makes the account the demo event lives in.
    server.wait_for_log("first start: created the owner account");
    let code = logged_code(&server);

    let grant = validate(&server, &code);
    assert_eq!(grant["event"]["title"], TITLE);
    assert_eq!(grant["event"]["isLive"], true);
    let event_id = grant["eventId"].as_str().unwrap().to_owned();
    let token = grant["playbackToken"].as_str().unwrap().to_owned();
    assert_eq!(status(&server, &event_id), "live");
    assert!(
        dir.path()
            .join("streams")
            .join(&event_id)
            .join("stream.m3u8")
            .is_file(),
        "written under the default stream root"
    );

    let master = stream(&server, &format!("/streams/{event_id}/stream.m3u8"), &token);
    assert_eq!(master.status, 200);
    assert_eq!(master.bytes, fixture_bytes("stream.m3u8"));

    for variant in ["180p", "360p"] {
        let fixture: Vec<Vec<u8>> = (0..3)
            .map(|n| fixture_bytes(&format!("{variant}/seg{n}.ts")))
            .collect();
        let playlist_path = format!("/streams/{event_id}/{variant}/index.m3u8");
        let reply = stream(&server, &playlist_path, &token);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let playlist = LivePlaylist::parse(&reply.body);
        assert_eq!(playlist.segments.len(), 5, "{reply:?}");
        assert!(
            playlist
                .segments
                .iter()
                .any(|(_, discontinuity)| *discontinuity),
            "five segments of a three-segment loop cross a loop point: {}",
            reply.body
        );

        // Each segment is a fixture segment, in the fixture's order, with a discontinuity
        // exactly where it starts over.
        let mut previous: Option<usize> = None;
        for (uri, discontinuity) in &playlist.segments {
            let segment = stream(
                &server,
                &format!("/streams/{event_id}/{variant}/{uri}"),
                &token,
            );
            assert_eq!(segment.status, 200, "{uri}");
            assert_eq!(segment.header("content-type"), Some("video/mp2t"));
            let index = fixture
                .iter()
                .position(|bytes| *bytes == segment.bytes)
                .unwrap_or_else(|| panic!("{variant}/{uri} is not a fixture segment"));
            if let Some(previous) = previous {
                assert_eq!(index, (previous + 1) % 3, "{variant}/{uri} out of order");
            }
            assert_eq!(*discontinuity, index == 0, "{variant}/{uri}");
            previous = Some(index);
        }

        // The window moves on with the clock: a new segment, the same numbering.
        let deadline = Instant::now() + Duration::from_secs(6);
        let moved = loop {
            let reply = stream(&server, &playlist_path, &token);
            let now = LivePlaylist::parse(&reply.body);
            if now.media_sequence > playlist.media_sequence {
                break now;
            }
            assert!(
                Instant::now() < deadline,
                "the media sequence did not advance"
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        let before = playlist.discontinuity_numbers();
        let after = moved.discontinuity_numbers();
        let mut shared = 0;
        for (uri, number) in &after {
            if let Some(earlier) = before.get(uri) {
                assert_eq!(number, earlier, "{uri}'s discontinuity sequence changed");
                shared += 1;
            }
        }
        assert!(shared >= 3, "{playlist:?} then {moved:?}");
        let (newest, _) = moved.segments.last().unwrap();
        assert!(!before.contains_key(newest), "a new segment name");
        let newest = stream(
            &server,
            &format!("/streams/{event_id}/{variant}/{newest}"),
            &token,
        );
        assert_eq!(newest.status, 200);
    }
}

#[test]
fn restarts_reuse_the_demo_event_and_print_a_code_nobody_uses() {
    on_both_databases(|database_url| {
        let dir = tempfile::tempdir().unwrap();
        // The only account may come from `admin create` as well.
        create_user(
            dir.path(),
            database_url,
            OWNER_EMAIL,
            OWNER_PASSWORD,
            "owner",
        );
        let server = start_demo(dir.path(), database_url, &["--demo"]);
        let first_code = logged_code(&server);
        let event_id = validate(&server, &first_code)["eventId"]
            .as_str()
            .unwrap()
            .to_owned();
        // The organizer lets it end.
        let cookie = admin_cookie(&server, Some(OWNER_EMAIL), OWNER_PASSWORD);
        let past = chrono::Utc::now() - chrono::Duration::days(3);
        let ended = send(
            "PUT",
            &server.app_url(&format!("/api/admin/events/{event_id}")),
            &[("cookie", &cookie)],
            Some(json!({
                "startsAt": past.to_rfc3339(),
                "endsAt": (past + chrono::Duration::hours(1)).to_rfc3339(),
            })),
        );
        assert_eq!(ended.status, 200, "{}", ended.body);
        // Over two days ago, beyond the demo's 48-hour window.
        assert_eq!(status(&server, &event_id), "ended");
        assert!(server.terminate().success());

        // A restart (the flag from the environment this time) makes the same event live again
        // and prints another code, since the first one is in use.
        let server = Server::start_serving(
            dir.path(),
            database_url,
            &[],
            &[("RUST_LOG", "info"), ("STREAMGATE_DEMO", "true")],
        );
        server.wait_for_log("demo: event made live again");
        let second_code = logged_code(&server);
        assert_ne!(second_code, first_code);
        assert_eq!(
            validate(&server, &second_code)["eventId"],
            event_id.as_str()
        );
        assert_eq!(status(&server, &event_id), "live");
        assert!(server.terminate().success());
        let demos = demo_events(dir.path(), database_url);
        assert_eq!(demos.len(), 1, "{demos:?}");
        assert_eq!(demos[0]["id"], event_id.as_str());

        // Deleted in the dashboard, it is replaced by one new demo event at the next start.
        let server = start_demo(dir.path(), database_url, &["--demo"]);
        logged_code(&server);
        let deleted = send(
            "DELETE",
            &server.app_url(&format!("/api/admin/events/{event_id}")),
            &[("cookie", &cookie)],
            None,
        );
        assert_eq!(deleted.answer(), (200, json!({ "deleted": true })));
        assert!(server.terminate().success());
        let server = start_demo(dir.path(), database_url, &["--demo"]);
        let replacement = validate(&server, &logged_code(&server))["eventId"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_ne!(replacement, event_id);
        assert_eq!(status(&server, &replacement), "live");
        assert!(server.terminate().success());
        let demos = demo_events(dir.path(), database_url);
        assert_eq!(demos.len(), 1, "{demos:?}");
        assert_eq!(demos[0]["id"], replacement.as_str());
    });
}

#[test]
fn with_only_the_break_glass_admin_the_demo_plays_in_the_default_account() {
    let dir = tempfile::tempdir().unwrap();
    // Nobody but the break-glass admin can sign in, so no owner is made; the installation's
    // default account is, and the demo lives there.
    let env = [BREAK_GLASS[0], BREAK_GLASS[1], ("RUST_LOG", "info")];
    let server = Server::start_serving(dir.path(), None, &["--demo"], &env);
    let code = logged_code(&server);
    let grant = validate(&server, &code);
    assert_eq!(grant["event"]["title"], TITLE);
    let event_id = grant["eventId"].as_str().unwrap().to_owned();
    assert_eq!(status(&server, &event_id), "live");
    assert!(server.terminate().success());
    let demos = demo_events(dir.path(), None);
    assert_eq!(demos.len(), 1, "{demos:?}");
    assert_eq!(demos[0]["id"], event_id.as_str());
}
