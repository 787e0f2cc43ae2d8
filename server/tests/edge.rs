//! Seed 002's internal revocation feed, and HLS edges following it: a real edge process that
//! serves nothing before its first sync, then refuses and forgives as the platform's codes,
//! events and sessions change.

mod common;

use std::time::{Duration, Instant};

use common::{assert_recent_time, jwt, viewing::Stage, Reply, Server};
use serde_json::{json, Value};

const API_KEY: &str = "internal-api-key-for-the-tests";
const PLAYBACK_SECRET: &str = "playback-secret-shared-by-app-and-edges";

fn feed(stage: &Stage, since: Option<&str>, key: Option<&str>) -> Reply {
    let url = match since {
        Some(since) => stage
            .server
            .app_url(&format!("/api/revocations?since={since}")),
        None => stage.server.app_url("/api/revocations"),
    };
    let headers: Vec<(&str, &str)> = key
        .map(|key| ("x-internal-api-key", key))
        .into_iter()
        .collect();
    common::get(&url, &headers)
}

#[test]
fn the_feed_answers_as_seed_002_says() {
    Stage::run(&[("STREAMGATE_INTERNAL_API_KEY", API_KEY)], |stage| {
        let since = "2020-01-01T00:00:00.000Z";
        let unauthorized = (401, json!({ "error": "Unauthorized" }));
        for key in [None, Some("wrong"), Some("")] {
            let reply = feed(stage, Some(since), key);
            assert_eq!(reply.answer(), unauthorized, "{key:?}");
        }
        let reply = feed(stage, None, Some(API_KEY));
        assert_eq!(
            reply.answer(),
            (400, json!({ "error": "since parameter required" }))
        );
        let reply = feed(stage, Some("yesterday"), Some(API_KEY));
        assert_eq!(
            reply.answer(),
            (
                400,
                json!({ "error": "since must be an ISO 8601 time, e.g. 2025-03-15T10:00:00.000Z" })
            )
        );

        let (event, codes) = stage.live_event(3);
        let (other, other_codes) = stage.live_event(2);
        let token = stage.token(codes[2]["code"].as_str().unwrap());
        stage.admin(
            "PATCH",
            &format!("/tokens/{}/revoke", codes[0]["id"].as_str().unwrap()),
            None,
        );
        stage.admin(
            "PATCH",
            &format!("/tokens/{}/revoke", codes[1]["id"].as_str().unwrap()),
            None,
        );
        stage.admin(
            "PATCH",
            &format!("/tokens/{}/unrevoke", codes[1]["id"].as_str().unwrap()),
            None,
        );
        stage.admin("PATCH", &format!("/events/{other}/deactivate"), None);
        stage.playback("release", &token);

        let before = chrono::Utc::now();
        let reply = feed(stage, Some(since), Some(API_KEY));
        assert_eq!(reply.status, 200, "{}", reply.body);
        let mut body = reply.json();
        // The times are the changes' own, just now; the deactivated event lists its codes.
        for (list, time) in [
            ("revocations", "revokedAt"),
            ("eventDeactivations", "deactivatedAt"),
            ("unrevocations", "unrevokedAt"),
            ("endedSessions", "endedAt"),
        ] {
            assert_eq!(
                body[list].as_array().map(Vec::len),
                Some(1),
                "{list}: {body}"
            );
            assert_recent_time(&body[list][0][time]);
        }
        let mut listed: Vec<Value> = body["eventDeactivations"][0]["tokenCodes"]
            .as_array()
            .unwrap()
            .clone();
        listed.sort_by_key(|code| code.to_string());
        let mut expected: Vec<Value> = other_codes.iter().map(|c| c["code"].clone()).collect();
        expected.sort_by_key(|code| code.to_string());
        assert_eq!(listed, expected);
        // In whatever order: compare the rest as one.
        body["eventDeactivations"][0]["tokenCodes"] = json!(expected);
        let session = jwt::claims(&token)["sid"].clone();
        assert_eq!(
            body,
            json!({
                "revocations": [{
                    "code": codes[0]["code"],
                    "eventId": event,
                    "revokedAt": body["revocations"][0]["revokedAt"],
                }],
                "eventDeactivations": [{
                    "eventId": other,
                    "deactivatedAt": body["eventDeactivations"][0]["deactivatedAt"],
                    "tokenCodes": expected,
                    "deleted": false,
                }],
                // Ours, for edges that also forgive: un-revocations, reactivations and ended
                // sessions.
                "unrevocations": [{
                    "code": codes[1]["code"],
                    "eventId": event,
                    "unrevokedAt": body["unrevocations"][0]["unrevokedAt"],
                }],
                "eventReactivations": [],
                "endedSessions": [{
                    "sessionId": session,
                    "code": codes[2]["code"],
                    "eventId": event,
                    "endedAt": body["endedSessions"][0]["endedAt"],
                    "reason": "released",
                }],
                "serverTime": body["serverTime"],
            })
        );
        // serverTime is the next `since`: nothing older than the overlap comes again.
        assert_recent_time(&body["serverTime"]);
        let server_time =
            chrono::DateTime::parse_from_rfc3339(body["serverTime"].as_str().unwrap()).unwrap();
        assert!((server_time.to_utc() - before).num_seconds().abs() < 5);
        let later = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc3339();
        let reply = feed(stage, Some(&later.replace('+', "%2B")), Some(API_KEY));
        let body = reply.json();
        for list in [
            "revocations",
            "eventDeactivations",
            "unrevocations",
            "eventReactivations",
            "endedSessions",
        ] {
            assert_eq!(body[list], json!([]), "{list}");
        }
    });
}

#[test]
fn the_feed_is_closed_without_a_configured_key() {
    let stage = Stage::start(None, &[]);
    let reply = feed(&stage, Some("2020-01-01T00:00:00Z"), Some(""));
    assert_eq!(reply.answer(), (401, json!({ "error": "Unauthorized" })));
}

/// Polls `check` until it holds, for at most `seconds`.
fn eventually(seconds: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check() {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {seconds} s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn health(edge: &Server) -> (u16, Value) {
    let reply = common::get(&edge.hls_url("/health"), &[]);
    reply.answer()
}

#[test]
fn an_edge_serves_only_after_syncing_and_follows_every_change() {
    let shared = [
        ("STREAMGATE_INTERNAL_API_KEY", API_KEY),
        ("STREAMGATE_PLAYBACK_SECRET", PLAYBACK_SECRET),
    ];
    let stage = Stage::start(None, &shared);
    let (event, codes) = stage.live_event(2);
    let token = stage.token(codes[0]["code"].as_str().unwrap());
    let edge_env = |platform: &str| {
        vec![
            ("STREAMGATE_PLATFORM_URL", platform.to_owned()),
            ("STREAMGATE_REVOCATION_POLL", "1".to_owned()),
            (
                "STREAMGATE_STREAM_ROOT",
                stage.streams.to_str().unwrap().to_owned(),
            ),
            ("STREAMGATE_HLS_SOURCE", "local".to_owned()),
            ("STREAMGATE_INTERNAL_API_KEY", API_KEY.to_owned()),
            ("STREAMGATE_PLAYBACK_SECRET", PLAYBACK_SECRET.to_owned()),
        ]
    };
    let start = |env: Vec<(&'static str, String)>| {
        let dir = tempfile::tempdir().unwrap();
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        (Server::start_edge(dir.path(), &pairs), dir)
    };
    let segment = format!("/streams/{event}/180p/seg0.ts");
    let fetch = |edge: &Server, token: &str| {
        common::get(
            &edge.hls_url(&segment),
            &[("authorization", &format!("Bearer {token}"))],
        )
        .status
    };

    // An edge whose platform is unreachable never serves.
    let (lost, _lost_dir) = start(edge_env("http://127.0.0.1:9/"));
    let (status, body) = health(&lost);
    assert_eq!(
        (status, &body["status"], &body["role"]),
        (503, &json!("starting"), &json!("edge"))
    );
    assert!(body["lastSyncAgoSeconds"].is_null());
    let refused = common::get(
        &lost.hls_url(&segment),
        &[("authorization", &format!("Bearer {token}"))],
    );
    assert_eq!(refused.answer(), (503, json!({ "error": "Not ready" })));
    assert_eq!(refused.header("retry-after"), Some("5"));
    drop(lost);

    // A real edge: serves once synced, with the app's tokens.
    let (edge, _edge_dir) = start(edge_env(&stage.server.app_url("/")));
    eventually(10, "the first sync", || health(&edge).0 == 200);
    let (_, body) = health(&edge);
    assert_eq!(
        (&body["mode"], &body["role"]),
        (&json!("local"), &json!("edge"))
    );
    assert!(body["lastSyncAgoSeconds"].as_u64().unwrap() <= 2);
    assert_eq!(fetch(&edge, &token), 200);
    assert_eq!(fetch(&edge, "forged.token.value"), 403);

    let code_id = codes[0]["id"].as_str().unwrap();
    for (action, expected) in [
        (format!("/tokens/{code_id}/revoke"), 403),
        (format!("/tokens/{code_id}/unrevoke"), 200),
        (format!("/events/{event}/deactivate"), 403),
        (format!("/events/{event}/activate"), 200),
    ] {
        assert_eq!(stage.admin("PATCH", &action, None).status, 200, "{action}");
        eventually(5, &action, || fetch(&edge, &token) == expected);
    }
    assert_eq!(health(&edge).1["revocationCacheSize"], 0);

    // A released session's token stops on the edge too.
    let other = stage.token(codes[1]["code"].as_str().unwrap());
    assert_eq!(fetch(&edge, &other), 200);
    stage.playback("release", &other);
    eventually(5, "the release", || fetch(&edge, &other) == 403);
    assert_eq!(health(&edge).1["revocationCacheSize"], 1);
    assert_eq!(fetch(&edge, &token), 200);
}

#[test]
fn an_edge_refuses_to_start_without_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    for (env, needs) in [
        (vec![], "--platform-url"),
        (
            vec![("STREAMGATE_PLATFORM_URL", "http://127.0.0.1:9/")],
            "STREAMGATE_PLAYBACK_SECRET",
        ),
        (
            vec![
                ("STREAMGATE_PLATFORM_URL", "http://127.0.0.1:9/"),
                ("STREAMGATE_PLAYBACK_SECRET", "too-short"),
            ],
            "at least 32 bytes",
        ),
        (
            vec![
                ("STREAMGATE_PLATFORM_URL", "http://127.0.0.1:9/"),
                ("STREAMGATE_PLAYBACK_SECRET", PLAYBACK_SECRET),
            ],
            "STREAMGATE_INTERNAL_API_KEY",
        ),
    ] {
        let mut command = common::streamgate(dir.path(), None);
        command
            .args(["serve", "--role", "edge"])
            .env_remove("STREAMGATE_PLAYBACK_SECRET");
        for (key, value) in env {
            command.env(key, value);
        }
        common::fails_saying(command, needs);
    }
}
