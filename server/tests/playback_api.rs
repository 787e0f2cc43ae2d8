//! Seed 002's public API for viewers through the real server, on SQLite and PostgreSQL: every
//! status and body of validate, refresh, heartbeat, release and event status; the one-device
//! race over HTTP; rate limits with `Retry-After`, shared by two app processes on one
//! database; client addresses from trusted proxies only.

mod common;

use std::thread;

use common::{
    admin::{Client, Door},
    assert_recent_time, jwt, on_both_databases, post_json, retry_after, send,
    viewing::{install_stream, Stage, OWNER_EMAIL, OWNER_PASSWORD},
    Server,
};
use serde_json::json;

#[test]
fn validate_answers_every_seed_status() {
    Stage::run(&[], |stage| {
        let (event_id, codes) = stage.live_event(4);
        let code = |n: usize| codes[n]["code"].as_str().unwrap().to_owned();

        // 200: the seed's body; playbackBaseUrl follows the host the request was sent to.
        let reply = send(
            "POST",
            &stage.server.app_url("/api/tokens/validate"),
            &[("host", &format!("192.168.0.11:{}", stage.server.app.port()))],
            Some(json!({ "code": code(0) })),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        let grant = reply.json();
        let token = grant["playbackToken"].as_str().unwrap();
        jwt::playback_claims(token, &code(0), &event_id);
        let event = stage
            .admin("GET", &format!("/events/{event_id}"), None)
            .json();
        assert_eq!(
            grant,
            json!({
                "event": {
                    "title": "Keynote",
                    "description": "Live from the main hall",
                    "startsAt": event["startsAt"],
                    "endsAt": event["endsAt"],
                    "posterUrl": "https://example.com/poster.jpg",
                    "isLive": true,
                },
                "eventId": event_id,
                "playbackToken": token,
                "playbackBaseUrl": format!("http://192.168.0.11:{}", stage.server.hls.port()),
                "streamPath": format!("/streams/{event_id}/"),
                "expiresAt": codes[0]["expiresAt"],
                "tokenExpiresIn": 3600,
                "tipAlerts": false,
            })
        );
        for field in ["startsAt", "endsAt"] {
            assert!(grant["event"][field].as_str().unwrap().ends_with('Z'));
        }

        // First redemption recorded (address from the socket).
        let listed = stage.admin(
            "GET",
            &format!("/events/{event_id}/tokens?status=redeemed"),
            None,
        );
        let listed = listed.json();
        assert_eq!(listed["total"], 1);
        let redeemed = &listed["tokens"][0];
        assert_eq!(redeemed["code"], code(0).as_str());
        assert_eq!(redeemed["redeemedIp"], "127.0.0.1");
        assert_recent_time(&redeemed["redeemedAt"]);

        // 400 for a missing or non-alphanumeric code.
        for body in [
            json!({}),
            json!({ "code": "" }),
            json!({ "code": "abc-def!" }),
            json!({ "code": 42 }),
        ] {
            let reply = post_json(&stage.server.app_url("/api/tokens/validate"), &[], body);
            assert_eq!(
                reply.answer(),
                (400, json!({ "error": "Access code is required" }))
            );
        }
        let reply = send(
            "POST",
            &stage.server.app_url("/api/tokens/validate"),
            &[("content-type", "application/json")],
            None,
        );
        assert_eq!(
            reply.answer(),
            (400, json!({ "error": "Access code is required" }))
        );

        // 401 unknown, 409 in use (with inUse), 403 revoked, 403 deactivated, 410 expired.
        assert_eq!(
            stage.validate("Zz9Zz9Zz9Zz9").answer(),
            (401, json!({ "error": "Invalid access code" }))
        );
        assert_eq!(
            stage.validate(&code(0)).answer(),
            (
                409,
                json!({ "error": "This access code is currently in use on another device", "inUse": true })
            )
        );
        let revoked = stage.admin(
            "PATCH",
            &format!("/tokens/{}/revoke", codes[1]["id"].as_str().unwrap()),
            None,
        );
        assert_eq!(revoked.status, 200);
        assert_eq!(
            stage.validate(&code(1)).answer(),
            (403, json!({ "error": "Access code has been revoked" }))
        );
        assert_eq!(
            stage
                .admin("PATCH", &format!("/events/{event_id}/deactivate"), None)
                .status,
            200
        );
        assert_eq!(
            stage.validate(&code(2)).answer(),
            (
                403,
                json!({ "error": "This event is not currently available" })
            )
        );
        // Ended three hours ago, codes valid one hour after the end.
        let (_, past) = stage.event(-300, 2, 1, 1);
        assert_eq!(
            stage.validate(past[0]["code"].as_str().unwrap()).answer(),
            (410, json!({ "error": "Access code has expired" }))
        );
    });
}

#[test]
fn refresh_heartbeat_release_and_status() {
    Stage::run(&[], |stage| {
        let (event_id, codes) = stage.live_event(2);
        let token = stage.token(codes[0]["code"].as_str().unwrap());

        let refreshed = stage.playback("refresh", &token);
        assert_eq!(refreshed.status, 200, "{}", refreshed.body);
        let refreshed = refreshed.json();
        assert_eq!(refreshed["tokenExpiresIn"], 3600);
        assert_eq!(refreshed.as_object().unwrap().len(), 2);
        let new_token = refreshed["playbackToken"].as_str().unwrap().to_owned();
        // The same code, event and session, for another hour.
        let code = codes[0]["code"].as_str().unwrap();
        let claims = jwt::playback_claims(&new_token, code, &event_id);
        assert_eq!(claims["sid"], jwt::claims(&token)["sid"]);

        let heartbeat = stage.playback("heartbeat", &new_token);
        assert_eq!(heartbeat.answer(), (200, json!({ "ok": true })));

        // Missing or invalid tokens: 401 on all three.
        for action in ["refresh", "heartbeat", "release"] {
            let reply = send(
                "POST",
                &stage.server.app_url(&format!("/api/playback/{action}")),
                &[],
                None,
            );
            assert_eq!(
                reply.answer(),
                (401, json!({ "error": "Valid playback token required" }))
            );
            let reply = stage.playback(action, "eyJhbGciOiJIUzI1NiJ9.e30.bad");
            assert_eq!(
                reply.answer(),
                (401, json!({ "error": "Valid playback token required" }))
            );
        }

        // Release (the token may come in the query string, as navigator.sendBeacon sends it),
        // twice: both {"released": true}; then the session is gone.
        let beacon = send(
            "POST",
            &stage
                .server
                .app_url(&format!("/api/playback/release?token={new_token}")),
            &[],
            None,
        );
        assert_eq!(beacon.answer(), (200, json!({ "released": true })));
        let again = stage.playback("release", &new_token);
        assert_eq!(again.answer(), (200, json!({ "released": true })));
        assert_eq!(
            stage.playback("heartbeat", &new_token).answer(),
            (404, json!({ "error": "Session not found" }))
        );
        assert_eq!(
            stage.playback("refresh", &new_token).answer(),
            (404, json!({ "error": "Session not found" }))
        );

        // Refresh after revocation: 403.
        let token = stage.token(codes[1]["code"].as_str().unwrap());
        stage.admin(
            "PATCH",
            &format!("/tokens/{}/revoke", codes[1]["id"].as_str().unwrap()),
            None,
        );
        assert_eq!(
            stage.playback("refresh", &token).answer(),
            (403, json!({ "error": "Access has been revoked" }))
        );

        // Event status.
        let status = |event_id: &str| stage.app_get(&format!("/api/events/{event_id}/status"));
        let expected = |event_id: &str, status: &str| {
            let event = stage
                .admin("GET", &format!("/events/{event_id}"), None)
                .json();
            json!({
                "eventId": event_id,
                "status": status,
                "startsAt": event["startsAt"],
                "endsAt": event["endsAt"],
            })
        };
        assert_eq!(
            status(&event_id).answer(),
            (200, expected(&event_id, "live"))
        );
        let (future, _) = stage.event(60, 1, 48, 1);
        assert_eq!(
            status(&future).answer(),
            (200, expected(&future, "not-started"))
        );
        for unknown in ["00000000-0000-4000-8000-000000000000", "not-a-uuid"] {
            assert_eq!(
                status(unknown).answer(),
                (404, json!({ "error": "Event not found" }))
            );
        }
    });
}

#[test]
fn one_hundred_parallel_validations_over_http() {
    Stage::run(&[], |stage| {
        let (_, codes) = stage.live_event(1);
        let code = codes[0]["code"].as_str().unwrap().to_owned();
        let url = stage.server.app_url("/api/tokens/validate");
        let statuses: Vec<u16> = thread::scope(|scope| {
            let attempts: Vec<_> = (0..100)
                .map(|_| scope.spawn(|| post_json(&url, &[], json!({ "code": code })).status))
                .collect();
            attempts
                .into_iter()
                .map(|attempt| attempt.join().unwrap())
                .collect()
        });
        assert_eq!(statuses.iter().filter(|&&status| status == 200).count(), 1);
        assert_eq!(statuses.iter().filter(|&&status| status == 409).count(), 99);
    });
}

/// Two app processes on one database share the validation limit; `X-Forwarded-For` counts only
/// from a trusted proxy.
#[test]
fn rate_limits_hold_across_instances() {
    on_both_databases(|database_url| {
        let dir = tempfile::tempdir().unwrap();
        let limits = [
            ("STREAMGATE_TRUSTED_PROXIES", "127.0.0.1"),
            ("STREAMGATE_REFRESH_RATE_LIMIT", "2"),
        ];
        common::create_user(
            dir.path(),
            database_url,
            OWNER_EMAIL,
            OWNER_PASSWORD,
            "owner",
        );
        let first = Server::start_with_admin(dir.path(), database_url, &limits);
        let second = Server::start_with_admin(dir.path(), database_url, &limits);
        let admin = Client::sign_in(&first, Door::Admin, Some(OWNER_EMAIL), OWNER_PASSWORD);
        let now = chrono::Utc::now();
        let event = admin.create_event(json!({
            "title": "Rate limits",
            "startsAt": (now - chrono::Duration::minutes(5)).to_rfc3339(),
            "endsAt": (now + chrono::Duration::hours(1)).to_rfc3339(),
        }));
        let event_id = event["id"].as_str().unwrap();
        install_stream(&dir.path().join("streams"), event_id);
        let codes = admin.generate(event_id, 1, None);
        let code = codes["tokens"][0]["code"].as_str().unwrap().to_owned();

        let validate = |server: &Server, client: &str, code: &str| {
            post_json(
                &server.app_url("/api/tokens/validate"),
                &[("x-forwarded-for", client)],
                json!({ "code": code }),
            )
        };
        // Five attempts from one client, spread over both instances; the sixth is refused by either.
        for attempt in 0..5 {
            let server = if attempt % 2 == 0 { &first } else { &second };
            assert_eq!(
                validate(server, "198.51.100.20", "Zz9Zz9Zz9Zz9").answer(),
                (401, json!({ "error": "Invalid access code" }))
            );
        }
        for server in [&first, &second] {
            let refused = validate(server, "198.51.100.20", &code);
            assert_eq!(
                refused.answer(),
                (
                    429,
                    json!({ "error": "Too many requests. Please try again later." })
                )
            );
            // Five a minute: the next attempt is at most twelve seconds away.
            retry_after(&refused, 1..=12);
        }
        // Another client (as the trusted proxy reports it) is not affected; a forged left-most
        // entry does not change who the client is.
        let reply = validate(&second, "203.0.113.1, 198.51.100.21", &code);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let token = reply.json()["playbackToken"].as_str().unwrap().to_owned();
        jwt::playback_claims(&token, &code, event_id);
        let listed = admin.get(&format!("/events/{event_id}/tokens"));
        assert_eq!(listed["tokens"][0]["redeemedIp"], "198.51.100.21");

        // Refresh: two an hour per code here, across both instances; then 429 with Retry-After.
        let refresh = |server: &Server| {
            send(
                "POST",
                &server.app_url("/api/playback/refresh"),
                &[("authorization", &format!("Bearer {token}"))],
                None,
            )
        };
        assert_eq!(refresh(&first).status, 200);
        assert_eq!(refresh(&second).status, 200);
        let refused = refresh(&first);
        assert_eq!(
            refused.answer(),
            (429, json!({ "error": "Too many refresh requests" }))
        );
        // Two an hour: the next refresh is at most half an hour away.
        retry_after(&refused, 1..=1800);
    });
}

#[test]
fn forwarded_addresses_from_untrusted_peers_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), None, &[("STREAMGATE_VALIDATE_RATE_LIMIT", "2")]);
    let validate = |client: &str| {
        post_json(
            &server.app_url("/api/tokens/validate"),
            &[("x-forwarded-for", client)],
            json!({ "code": "Zz9Zz9Zz9Zz9" }),
        )
    };
    // Without trusted proxies every request is the socket's: a new X-Forwarded-For each time
    // does not buy more attempts.
    let unknown = (401, json!({ "error": "Invalid access code" }));
    assert_eq!(validate("198.51.100.1").answer(), unknown);
    assert_eq!(validate("198.51.100.2").answer(), unknown);
    let refused = validate("198.51.100.3");
    assert_eq!(
        refused.answer(),
        (
            429,
            json!({ "error": "Too many requests. Please try again later." })
        )
    );
    // Two a minute: the next attempt is at most thirty seconds away.
    retry_after(&refused, 1..=30);
}
