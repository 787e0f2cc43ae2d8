//! The HLS listener through the real server: tokens in headers and query strings, seed 002's
//! statuses and bodies, content types, ranges, caching headers and CORS, playlists rewritten
//! for native players, a traversal corpus sent byte for byte, revocation taking effect on the
//! very next request (SQLite and PostgreSQL), cache purges and health.

mod common;

use std::time::Duration;

use common::{
    request, send,
    viewing::{fixture_bytes, raw_request, Stage},
    Body,
};
use serde_json::{json, Value};

fn denied() -> (u16, Value) {
    (403, json!({ "error": "Access denied" }))
}

#[test]
fn streams_are_served_to_their_own_token_only() {
    let stage = Stage::start(None, &[]);
    let (event, codes) = stage.live_event(1);
    let (other_event, other_codes) = stage.live_event(1);
    let token = stage.token(codes[0]["code"].as_str().unwrap());
    let other_token = stage.token(other_codes[0]["code"].as_str().unwrap());
    let master = format!("/streams/{event}/stream.m3u8");

    // No token: 401. Bad, foreign or tampered token: 403.
    let reply = stage.hls_get(&master);
    assert_eq!(
        reply.answer(),
        (401, json!({ "error": "Authorization required" }))
    );
    assert_eq!(stage.stream(&master, "garbage").answer(), denied());
    assert_eq!(stage.stream(&master, &other_token).answer(), denied());
    let mut tampered = token.clone();
    tampered.pop();
    assert_eq!(stage.stream(&master, &tampered).answer(), denied());
    assert_eq!(
        stage
            .stream(&format!("/streams/{other_event}/stream.m3u8"), &token)
            .answer(),
        denied()
    );

    // The playlist: its content type, no caching, the file as written.
    let reply = stage.stream(&master, &token);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/vnd.apple.mpegurl")
    );
    assert_eq!(reply.header("cache-control"), Some("no-cache, no-store"));
    assert_eq!(reply.body.as_bytes(), fixture_bytes("stream.m3u8"));

    // A segment: MPEG-TS, its length, byte ranges.
    let segment = format!("/streams/{event}/180p/seg1.ts");
    let bytes = fixture_bytes("180p/seg1.ts");
    let reply = stage.stream(&segment, &token);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("video/mp2t"));
    assert_eq!(
        reply.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert_eq!(reply.header("accept-ranges"), Some("bytes"));
    assert_eq!(reply.bytes, bytes);
    assert_eq!(reply.header("cache-control"), Some("private, max-age=3600"));
    let ranged = common::get(
        &stage.server.hls_url(&segment),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("range", "bytes=188-375"),
        ],
    );
    assert_eq!(ranged.status, 206);
    assert_eq!(
        ranged.header("content-range"),
        Some(format!("bytes 188-375/{}", bytes.len()).as_str())
    );
    assert_eq!(ranged.header("content-length"), Some("188"));
    assert_eq!(ranged.bytes, bytes[188..376]);
    // HEAD: headers without a body.
    let head = request(
        "HEAD",
        &stage.server.hls_url(&segment),
        &[("authorization", &format!("Bearer {token}"))],
        Body::Empty,
    );
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert!(head.body.is_empty());

    // The token in the query string (`token` or `__token`) works as well.
    for name in ["token", "__token"] {
        let reply = stage.hls_get(&format!("{segment}?{name}={token}"));
        assert_eq!(reply.status, 200, "{name}");
    }

    // Missing files and kinds of file a stream does not have: 404.
    for missing in ["180p/seg9.ts", "nope.m3u8", "encoder.log"] {
        let reply = stage.stream(&format!("/streams/{event}/{missing}"), &token);
        assert_eq!(
            reply.answer(),
            (404, json!({ "error": "Not found" })),
            "{missing}"
        );
    }
    std::fs::write(stage.streams.join(&event).join("encoder.log"), "secret").unwrap();
    let reply = stage.stream(&format!("/streams/{event}/encoder.log"), &token);
    assert_eq!(reply.answer(), (404, json!({ "error": "Not found" })));
    let reply = stage.hls_get("/elsewhere");
    assert_eq!(reply.answer(), (404, json!({ "error": "Not found" })));
}

#[test]
fn query_token_playlists_pass_the_token_on() {
    let stage = Stage::start(None, &[]);
    let (event, token) = stage.watching();
    let master = stage.hls_get(&format!("/streams/{event}/stream.m3u8?token={token}"));
    assert_eq!(master.status, 200);
    assert!(
        master
            .body
            .contains(&format!("180p/index.m3u8?token={token}\n")),
        "{}",
        master.body
    );
    assert!(master
        .body
        .contains(&format!("360p/index.m3u8?token={token}\n")));
    // A native player follows the rewritten URIs without any header.
    let variant = stage.hls_get(&format!("/streams/{event}/180p/index.m3u8?token={token}"));
    assert!(variant.body.contains(&format!("seg0.ts?token={token}\n")));
    let segment = stage.hls_get(&format!("/streams/{event}/180p/seg0.ts?token={token}"));
    assert_eq!(segment.status, 200);
    assert_eq!(segment.bytes, fixture_bytes("180p/seg0.ts"));
    // With the header, playlists are served exactly as written.
    let plain = stage.stream(&format!("/streams/{event}/180p/index.m3u8"), &token);
    assert_eq!(plain.body.as_bytes(), fixture_bytes("180p/index.m3u8"));
}

#[test]
fn no_spelling_of_a_path_leaves_the_event_directory() {
    let stage = Stage::start(None, &[]);
    let (event, token) = stage.watching();
    let (other, _) = stage.live_event(1);
    let bearer = format!("Bearer {token}");
    let hls = stage.server.hls;
    let get = |path: &str| raw_request(hls, "GET", path, &[("Authorization", &bearer)]);

    // Symbolic links inside the event's directory pointing out of it.
    let dir = stage.streams.join(&event);
    std::os::unix::fs::symlink(
        stage.streams.join(&other).join("stream.m3u8"),
        dir.join("link.m3u8"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("passwd.ts")).unwrap();
    std::os::unix::fs::symlink(stage.streams.join(&other), dir.join("elsewhere")).unwrap();
    for path in [
        "link.m3u8",
        "passwd.ts",
        "elsewhere/stream.m3u8",
        "elsewhere/180p/seg0.ts",
    ] {
        let (status, body) = get(&format!("/streams/{event}/{path}"));
        assert_eq!(
            (status, body.as_str()),
            (404, r#"{"error":"Not found"}"#),
            "{path}"
        );
    }

    let corpus = [
        format!("/streams/{event}/../{other}/stream.m3u8"),
        format!("/streams/{event}/180p/../../{other}/stream.m3u8"),
        format!("/streams/{event}/%2e%2e/{other}/stream.m3u8"),
        format!("/streams/{event}/%2E%2E/{other}/stream.m3u8"),
        format!("/streams/{event}/.%2e/{other}/stream.m3u8"),
        format!("/streams/{event}/..%2f{other}%2fstream.m3u8"),
        format!("/streams/{event}/%2e%2e%2f{other}%2fstream.m3u8"),
        format!("/streams/{event}/..%5c{other}%5cstream.m3u8"),
        format!("/streams/{event}/..\\{other}\\stream.m3u8"),
        format!("/streams/{event}/%252e%252e/{other}/stream.m3u8"),
        format!("/streams/{event}/%252e%252e%252f{other}%252fstream.m3u8"),
        format!("/streams/{event}/%c0%ae%c0%ae/{other}/stream.m3u8"),
        format!("/streams/{event}/180p/%2e%2e/%2e%2e/{other}/stream.m3u8"),
        format!("/streams/{event}//etc/passwd.ts"),
        format!("/streams/{event}/%2fetc%2fpasswd.ts"),
        format!("/streams/{event}/stream.m3u8%00.ts"),
        format!("/streams/{event}/./stream.m3u8"),
        format!("/streams/%2e%2e/{other}/stream.m3u8"),
        format!("/streams/{event}%2f..%2f{other}/stream.m3u8"),
    ];
    for path in &corpus {
        let (status, body) = get(path);
        assert!(
            status == 403 || status == 404 || status == 400,
            "{path}: {status} {body}"
        );
        assert!(!body.contains("#EXTM3U"), "{path} leaked a playlist");
    }
    // The same paths with the other event's id first are refused by the token itself.
    let (status, body) = get(&format!("/streams/{other}/../{event}/stream.m3u8"));
    assert_eq!(
        (status, body.as_str()),
        (403, r#"{"error":"Access denied"}"#)
    );
    // A plain request still works.
    let (status, body) = get(&format!("/streams/{event}/stream.m3u8"));
    assert_eq!(status, 200);
    assert_eq!(body.as_bytes(), fixture_bytes("stream.m3u8"));
}

#[test]
fn cors_admits_the_app_pages_only() {
    let stage = Stage::start(None, &[]);
    let (event, token) = stage.watching();
    let url = stage
        .server
        .hls_url(&format!("/streams/{event}/stream.m3u8"));
    let app_origin = format!("http://127.0.0.1:{}", stage.server.app.port());
    let preflight = |origin: &str| {
        request(
            "OPTIONS",
            &url,
            &[
                ("origin", origin),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "authorization,range"),
            ],
            Body::Empty,
        )
    };
    let cors = |reply: &common::Reply, name: &str| {
        reply
            .header(&format!("access-control-{name}"))
            .map(str::to_owned)
    };
    let allowed = preflight(&app_origin);
    assert_eq!(allowed.status, 200);
    for (name, value) in [
        ("allow-origin", app_origin.as_str()),
        ("allow-headers", "authorization,range"),
        ("allow-methods", "GET,HEAD"),
    ] {
        assert_eq!(cors(&allowed, name).as_deref(), Some(value), "{name}");
    }
    let refused = preflight("http://evil.example");
    assert_eq!(cors(&refused, "allow-origin"), None);

    let bearer = format!("Bearer {token}");
    let reply = common::get(&url, &[("origin", &app_origin), ("authorization", &bearer)]);
    assert_eq!(reply.status, 200);
    assert_eq!(cors(&reply, "allow-origin"), Some(app_origin.clone()));
    assert_eq!(
        cors(&reply, "expose-headers").as_deref(),
        Some("content-length,content-range,accept-ranges")
    );
}

/// Every change an organizer or a viewer makes reaches the very next stream request.
#[test]
fn revocation_reaches_the_next_request() {
    Stage::run(&[], |stage| {
        let (event, codes) = stage.live_event(2);
        let code_id = |n: usize| codes[n]["id"].as_str().unwrap().to_owned();
        let code = |n: usize| codes[n]["code"].as_str().unwrap().to_owned();
        let segment = format!("/streams/{event}/360p/seg0.ts");
        let token = stage.token(&code(0));
        let status = |token: &str| stage.stream(&segment, token).status;
        assert_eq!(status(&token), 200);

        for (action, expected) in [
            (format!("/tokens/{}/revoke", code_id(0)), 403),
            (format!("/tokens/{}/unrevoke", code_id(0)), 200),
            (format!("/events/{event}/deactivate"), 403),
            (format!("/events/{event}/activate"), 200),
        ] {
            let reply = stage.admin("PATCH", &action, None);
            assert_eq!(reply.status, 200, "{action}: {}", reply.body);
            assert_eq!(status(&token), expected, "after {action}");
        }
        // An update that switches the event off counts the same.
        let reply = stage.admin(
            "PUT",
            &format!("/events/{event}"),
            Some(json!({ "isActive": false })),
        );
        assert_eq!(reply.status, 200);
        assert_eq!(status(&token), 403);
        stage.admin(
            "PUT",
            &format!("/events/{event}"),
            Some(json!({ "isActive": true })),
        );
        assert_eq!(status(&token), 200);
        // Bulk revocation.
        let other = stage.token(&code(1));
        stage.admin(
            "POST",
            "/tokens/bulk-revoke",
            Some(json!({ "tokenIds": [code_id(1)] })),
        );
        assert_eq!(status(&other), 403);

        // Release: that session's token stops.
        assert_eq!(stage.playback("release", &token).status, 200);
        assert_eq!(status(&token), 403);

        // Deleting the event ends everything.
        let token = stage.token(&code(0));
        assert_eq!(status(&token), 200);
        assert_eq!(
            stage
                .admin("DELETE", &format!("/events/{event}"), None)
                .status,
            200
        );
        assert_eq!(status(&token), 403);
    });
}

#[test]
fn a_silent_device_is_taken_over_and_its_token_stops() {
    let stage = Stage::start(None, &[("STREAMGATE_SESSION_TIMEOUT", "1")]);
    let (event, codes) = stage.live_event(1);
    let code = codes[0]["code"].as_str().unwrap();
    let segment = format!("/streams/{event}/360p/seg0.ts");
    let first = stage.token(code);
    assert_eq!(stage.stream(&segment, &first).status, 200);
    std::thread::sleep(Duration::from_millis(1300));
    let second = stage.token(code);
    assert_eq!(stage.stream(&segment, &first).status, 403);
    assert_eq!(stage.stream(&segment, &second).status, 200);
    assert_eq!(
        stage.playback("heartbeat", &first).answer(),
        (404, json!({ "error": "Session not found" }))
    );
}

#[test]
fn cache_purge_is_local_or_keyed_and_health_reports() {
    let stage = Stage::start(
        None,
        &[
            ("STREAMGATE_INTERNAL_API_KEY", "an-internal-key-for-tests"),
            ("STREAMGATE_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    );
    let (event, codes) = stage.live_event(1);
    let url = stage.server.hls_url(&format!("/admin/cache/{event}"));
    let reply = send("DELETE", &url, &[], None);
    assert_eq!(reply.answer(), (200, json!({ "cleared": true })));
    // Forwarded from elsewhere by the trusted local proxy: not local any more.
    let forwarded = [("x-forwarded-for", "198.51.100.4")];
    let reply = send("DELETE", &url, &forwarded, None);
    assert_eq!(reply.answer(), (401, json!({ "error": "Unauthorized" })));
    let reply = send(
        "DELETE",
        &url,
        &[
            forwarded[0],
            ("x-internal-api-key", "an-internal-key-for-tests"),
        ],
        None,
    );
    assert_eq!(reply.answer(), (200, json!({ "cleared": true })));
    let reply = send(
        "DELETE",
        &stage.server.hls_url("/admin/cache/not-a-uuid"),
        &[],
        None,
    );
    assert_eq!(
        reply.answer(),
        (400, json!({ "error": "Invalid event id" }))
    );

    stage.admin(
        "PATCH",
        &format!("/tokens/{}/revoke", codes[0]["id"].as_str().unwrap()),
        None,
    );
    let health = stage.hls_get("/health");
    assert_eq!(health.status, 200);
    let health = health.json();
    let synced = health["lastSyncAgoSeconds"]
        .as_u64()
        .expect("whole seconds");
    assert!(synced < 10, "{health}");
    assert_eq!(
        health,
        json!({
            "status": "ok",
            "mode": "hybrid",
            "role": "app",
            "revocationCacheSize": 1,
            "lastSyncAgoSeconds": synced,
        })
    );
}

#[test]
fn files_served_from_memory_follow_the_disk() {
    let stage = Stage::start(None, &[]);
    let (event, token) = stage.watching();
    let (other, _) = stage.live_event(1);
    let dir = stage.streams.join(&event);
    let eventually = |path: &str, what: &str, check: &dyn Fn(&common::Reply) -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        loop {
            let reply = stage.stream(&format!("/streams/{event}/{path}"), &token);
            if check(&reply) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what}: {}",
                reply.body
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };

    // The encoder rewrites a playlist: viewers get the new one within a second.
    let first = stage.stream(&format!("/streams/{event}/180p/index.m3u8"), &token);
    assert_eq!(first.bytes, fixture_bytes("180p/index.m3u8"));
    let rewritten = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg2.ts\n";
    std::fs::write(dir.join("180p/index.m3u8"), rewritten).unwrap();
    eventually("180p/index.m3u8", "the rewritten playlist", &|reply| {
        reply.body == rewritten
    });

    // A playlist that disappears, or turns into a link out of the event, is gone.
    stage.stream(&format!("/streams/{event}/360p/index.m3u8"), &token);
    std::fs::remove_file(dir.join("360p/index.m3u8")).unwrap();
    eventually("360p/index.m3u8", "the removal", &|reply| {
        reply.status == 404
    });
    std::fs::remove_file(dir.join("180p/index.m3u8")).unwrap();
    std::os::unix::fs::symlink(
        stage.streams.join(&other).join("180p/index.m3u8"),
        dir.join("180p/index.m3u8"),
    )
    .unwrap();
    eventually("180p/index.m3u8", "the link refused", &|reply| {
        reply.status == 404
    });

    // Ranges beyond the end are unsatisfiable.
    let reply = common::get(
        &stage
            .server
            .hls_url(&format!("/streams/{event}/180p/seg0.ts")),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("range", "bytes=99999999-"),
        ],
    );
    assert_eq!(reply.status, 416);
    let len = fixture_bytes("180p/seg0.ts").len();
    assert_eq!(
        reply.header("content-range"),
        Some(format!("bytes */{len}").as_str())
    );
}
