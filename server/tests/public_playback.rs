//! Public events through the real server on SQLite and PostgreSQL: `publicPlayback` on both
//! event doors, `GET /api/v1/events/:id/play-token` without credentials (its exact body, 404
//! for anything that does not play publicly now, 429 over the limit), its token at the HLS
//! listener and on seed 002's playback API, and unpublishing stopping it.

mod common;

use common::{
    get, jwt, send,
    viewing::{fixture_bytes, install_stream, Stage},
    Reply,
};
use serde_json::{json, Value};

/// A public event starting `start_minutes` from now, `hours` long, its codes (none here)
/// working `window` hours after; the fixture stream installed.
fn public_event(stage: &Stage, start_minutes: i64, hours: i64, window: i64) -> String {
    let starts_at = chrono::Utc::now() + chrono::Duration::minutes(start_minutes);
    let ends_at = starts_at + chrono::Duration::hours(hours);
    let event = stage.admin(
        "POST",
        "/events",
        Some(json!({
            "title": "Open Day",
            "description": "Everyone welcome",
            "startsAt": starts_at.to_rfc3339(),
            "endsAt": ends_at.to_rfc3339(),
            "accessWindowHours": window,
            "publicPlayback": true,
        })),
    );
    assert_eq!(event.status, 201, "{}", event.body);
    assert_eq!(event.json()["publicPlayback"], true);
    let id = event.json()["id"].as_str().unwrap().to_owned();
    install_stream(&stage.streams, &id);
    id
}

fn play_token(stage: &Stage, event_id: &str) -> Reply {
    stage.app_get(&format!("/api/v1/events/{event_id}/play-token"))
}

/// The token of a 200 answer.
fn token_of(reply: &Reply) -> String {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["data"]["playbackToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn not_found() -> (u16, Value) {
    let body = json!({ "statusCode": 404, "message": "Event not found", "error": "Not Found" });
    (404, body)
}

#[test]
fn a_public_event_plays_without_credentials_and_its_session_beats_and_releases() {
    Stage::run(&[], |stage| {
        let id = public_event(stage, -10, 2, 48);
        let reply = play_token(stage, &id);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let body = reply.json();
        let data = &body["data"];
        let token = data["playbackToken"].as_str().unwrap();
        let event = &data["event"];
        assert_eq!(
            body,
            json!({
                "data": {
                    "playbackToken": token,
                    "playbackBaseUrl": format!("http://127.0.0.1:{}", stage.server.hls.port()),
                    "streamPath": format!("/streams/{id}/"),
                    "tokenExpiresIn": 3600,
                    "event": {
                        "title": "Open Day",
                        "description": "Everyone welcome",
                        "startsAt": event["startsAt"],
                        "endsAt": event["endsAt"],
                        "posterUrl": null,
                        "isLive": true,
                    },
                    "tipAlerts": false,
                },
                "error": null,
            })
        );
        let at = |field: &str| {
            chrono::DateTime::parse_from_rfc3339(event[field].as_str().unwrap()).unwrap()
        };
        assert_eq!(at("endsAt") - at("startsAt"), chrono::Duration::hours(2));
        // A playback token like a code's, with no code behind it.
        jwt::playback_claims(token, "@public", &id);

        // It plays: the playlist and a segment.
        let playlist = stage.stream(&format!("/streams/{id}/stream.m3u8"), token);
        assert_eq!(playlist.status, 200);
        let segment = stage.stream(&format!("/streams/{id}/180p/seg1.ts"), token);
        assert_eq!(segment.status, 200);
        assert_eq!(segment.bytes, fixture_bytes("180p/seg1.ts"));

        // Seed 002's playback API takes it as a code's.
        let beat = stage.playback("heartbeat", token);
        assert_eq!(beat.answer(), (200, json!({ "ok": true })));
        let refreshed = stage.playback("refresh", token);
        assert_eq!(refreshed.status, 200, "{}", refreshed.body);
        let fresh = refreshed.json()["playbackToken"]
            .as_str()
            .unwrap()
            .to_owned();
        jwt::playback_claims(&fresh, "@public", &id);
        let released = stage.playback("release", &fresh);
        assert_eq!(released.answer(), (200, json!({ "released": true })));
        let after = stage.stream(&format!("/streams/{id}/180p/seg1.ts"), token);
        assert_eq!(after.answer(), (403, json!({ "error": "Access denied" })));
        assert_eq!(stage.playback("heartbeat", token).status, 404);
    });
}

#[test]
fn anything_but_a_public_event_playing_now_is_404_in_seed_001s_body() {
    Stage::run(&[], |stage| {
        let (private, _) = stage.live_event(1);
        let off = public_event(stage, -10, 2, 48);
        let deactivated = stage.admin("PATCH", &format!("/events/{off}/deactivate"), None);
        assert_eq!(deactivated.status, 200, "{}", deactivated.body);
        // Ended three hours ago with a one-hour access window.
        let closed = public_event(stage, -5 * 60, 2, 1);
        let unknown = uuid::Uuid::new_v4().to_string();
        for id in [private.as_str(), &off, &closed, &unknown, "not-a-uuid"] {
            assert_eq!(play_token(stage, id).answer(), not_found(), "{id}");
        }
    });
}

#[test]
fn play_tokens_over_the_limit_are_429_too_many_requests() {
    Stage::run(&[("STREAMGATE_PLAY_TOKEN_RATE_LIMIT", "2")], |stage| {
        let id = public_event(stage, -10, 2, 48);
        token_of(&play_token(stage, &id));
        token_of(&play_token(stage, &id));
        let message = "Too many requests. Please try again later.";
        assert_eq!(
            play_token(stage, &id).answer(),
            (
                429,
                json!({ "statusCode": 429, "message": message, "error": "Too Many Requests" })
            )
        );
    });
}

#[test]
fn unpublishing_stops_the_token_at_the_hls_listener() {
    Stage::run(&[], |stage| {
        let id = public_event(stage, -10, 2, 48);
        let token = token_of(&play_token(stage, &id));
        let segment = format!("/streams/{id}/180p/seg0.ts");
        assert_eq!(stage.stream(&segment, &token).status, 200);
        let unpublished = stage.admin(
            "PUT",
            &format!("/events/{id}"),
            Some(json!({ "publicPlayback": false })),
        );
        assert_eq!(unpublished.json()["publicPlayback"], false);
        assert_eq!(stage.stream(&segment, &token).status, 403);
        assert_eq!(stage.playback("refresh", &token).status, 403);
        assert_eq!(play_token(stage, &id).answer(), not_found());
    });
}

#[test]
fn public_playback_round_trips_through_both_doors() {
    Stage::run(&[], |stage| {
        let cookie = [("cookie", stage.cookie.as_str())];
        let v1 = |method: &str, path: &str, body: Option<Value>| {
            let reply = send(
                method,
                &stage.server.app_url(&format!("/api/v1{path}")),
                &cookie,
                body,
            );
            assert!(reply.status < 300, "{method} {path}: {}", reply.body);
            reply.json()["data"].clone()
        };
        let body = json!({
            "title": "Town Hall",
            "startsAt": "2030-06-01T09:00:00.000Z",
            "endsAt": "2030-06-01T17:00:00.000Z",
        });
        // Seed 002's admin door: off by default, then on, and read back.
        let created = stage.admin("POST", "/events", Some(body.clone())).json();
        assert_eq!(created["publicPlayback"], false);
        let id = created["id"].as_str().unwrap();
        let path = format!("/events/{id}");
        let put = stage.admin("PUT", &path, Some(json!({ "publicPlayback": true })));
        assert_eq!(put.json()["publicPlayback"], true);
        assert_eq!(
            stage.admin("GET", &path, None).json()["publicPlayback"],
            true
        );
        let listed = stage.admin("GET", "/events", None).json();
        assert_eq!(listed["events"][0]["publicPlayback"], true, "{listed}");

        // `/api/v1`: created public, PATCHed off, read back, in the list.
        let mut public = body.clone();
        public["publicPlayback"] = json!(true);
        let created = v1("POST", "/events", Some(public));
        assert_eq!(created["publicPlayback"], true);
        let path = format!("/events/{}", created["id"].as_str().unwrap());
        assert_eq!(v1("GET", &path, None)["publicPlayback"], true);
        let patched = v1("PATCH", &path, Some(json!({ "publicPlayback": false })));
        assert_eq!(patched["publicPlayback"], false);
        assert_eq!(v1("GET", &path, None)["publicPlayback"], false);
        let put = v1("PUT", &path, Some(json!({ "publicPlayback": true })));
        assert_eq!(put["publicPlayback"], true);
        let items = v1("GET", "/events", None)["items"].clone();
        let flags: Vec<&Value> = items
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["publicPlayback"])
            .collect();
        assert_eq!(flags, [&json!(true), &json!(true)]);
    });
}

#[test]
fn embed_pages_may_be_framed_by_any_origin_and_other_pages_by_none() {
    Stage::run(&[], |stage| {
        let id = public_event(stage, -10, 2, 48);
        let policy = |path: &str| {
            let reply = get(&stage.server.app_url(path), &[]);
            (
                reply.status,
                reply.header("content-security-policy").map(str::to_owned),
            )
        };
        let none = Some("frame-ancestors 'none'".to_owned());
        assert_eq!(
            policy(&format!("/embed/{id}")),
            (200, Some("frame-ancestors *".into()))
        );
        assert_eq!(policy(&format!("/watch/{id}")), (200, none.clone()));
        assert_eq!(policy("/"), (200, none.clone()));
        assert_eq!(policy("/admin/login"), (200, none.clone()));
    });
}

#[test]
fn embed_origins_are_the_only_ones_that_may_frame_the_player() {
    let dir = tempfile::tempdir().unwrap();
    let origins = (
        "STREAMGATE_EMBED_ORIGINS",
        "https://a.example, https://b.example:8443/",
    );
    let server = common::Server::start_with_admin(dir.path(), None, &[origins]);
    let id = uuid::Uuid::new_v4();
    let reply = get(&server.app_url(&format!("/embed/{id}")), &[]);
    assert_eq!(
        reply.header("content-security-policy"),
        Some("frame-ancestors https://a.example https://b.example:8443")
    );
    let reply = get(&server.app_url(&format!("/watch/{id}")), &[]);
    assert_eq!(
        reply.header("content-security-policy"),
        Some("frame-ancestors 'none'")
    );
    assert!(server.terminate().success());

    // Anything that is not an origin would change the policy: refused at start.
    let mut command = common::streamgate(dir.path(), None);
    command.arg("serve").env(
        "STREAMGATE_EMBED_ORIGINS",
        "https://a.example; script-src *",
    );
    common::fails_saying(command, "is not an origin");
}
