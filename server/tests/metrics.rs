//! `/metrics`, the Prometheus scrape endpoint: a plain 404 without `METRICS_TOKEN`, 403 without
//! the token, the exposition text with it (header or `?token=`); the counters move by what the
//! traffic did, with bounded labels (no event ids), on SQLite and PostgreSQL; edges serve it on
//! their HLS listener under the same rules.

mod common;

use std::time::Duration;

use common::{get, viewing::fixture_bytes, viewing::Stage, Reply, Server};
use serde_json::json;

const TOKEN: &str = "scrape-token-for-the-tests";
const API_KEY: &str = "internal-api-key-for-the-tests";
const PLAYBACK_SECRET: &str = "playback-secret-shared-by-app-and-edges";

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The value of the series `name` whose labels include all of `labels`; 0 when absent.
fn value(scrape: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    series(scrape, name, labels).unwrap_or(0.0)
}

fn series(scrape: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .find(|(series, _)| {
            let (series_name, rest) = series.split_once('{').unwrap_or((series, ""));
            series_name == name
                && labels
                    .iter()
                    .all(|(label, value)| rest.contains(&format!("{label}=\"{value}\"")))
        })
        .map(|(_, value)| value.parse().unwrap())
}

fn scrape(server: &Server) -> String {
    let reply = get(
        &server.app_url("/metrics"),
        &[("authorization", &bearer(TOKEN))],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

/// A page with its per-response script nonce blanked, so two renderings compare equal.
fn without_nonce(page: &str) -> String {
    let nonce = page
        .split_once("nonce=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(nonce, _)| nonce.to_owned());
    match nonce {
        Some(nonce) if !nonce.is_empty() => page.replace(&nonce, "NONCE"),
        _ => page.to_owned(),
    }
}

#[test]
fn without_a_token_metrics_is_the_plain_404_of_any_unknown_path() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), None);
    let unknown = get(&server.app_url("/no-such-page"), &[]);
    assert_eq!(unknown.status, 404);
    let with_token = bearer(TOKEN);
    for reply in [
        get(&server.app_url("/metrics"), &[]),
        get(
            &server.app_url("/metrics"),
            &[("authorization", &with_token)],
        ),
        get(&server.app_url(&format!("/metrics?token={TOKEN}")), &[]),
    ] {
        assert_eq!(reply.status, 404);
        assert_eq!(reply.header("content-type"), unknown.header("content-type"));
        assert_eq!(without_nonce(&reply.body), without_nonce(&unknown.body));
    }
    assert!(unknown.body.contains("Page not found"), "{}", unknown.body);
}

#[test]
fn metrics_answers_only_to_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with_admin(dir.path(), None, &[("METRICS_TOKEN", TOKEN)]);
    let forbidden = (
        403,
        json!({ "statusCode": 403, "message": "Forbidden", "error": "Forbidden" }),
    );
    let url = server.app_url("/metrics");
    assert_eq!(get(&url, &[]).answer(), forbidden);
    for wrong in [
        "wrong",
        "scrape-token-for-the-test",
        "scrape-token-for-the-tests2",
    ] {
        let reply = get(&url, &[("authorization", &bearer(wrong))]);
        assert_eq!(reply.answer(), forbidden, "{wrong}");
        let reply = get(&server.app_url(&format!("/metrics?token={wrong}")), &[]);
        assert_eq!(reply.answer(), forbidden, "{wrong}");
    }
    // Not another scheme, and not the internal API key's header.
    let reply = get(&url, &[("authorization", &format!("Basic {TOKEN}"))]);
    assert_eq!(reply.answer(), forbidden);
    let reply = get(&url, &[("x-internal-api-key", TOKEN)]);
    assert_eq!(reply.answer(), forbidden);

    for reply in [
        get(&url, &[("authorization", &bearer(TOKEN))]),
        get(&server.app_url(&format!("/metrics?token={TOKEN}")), &[]),
    ] {
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; version=0.0.4; charset=utf-8")
        );
        assert!(reply
            .body
            .contains("# TYPE streamgate_http_requests_total counter"));
    }
    // The refusals were counted under the ops door, by status.
    let text = scrape(&server);
    let ops = |status| {
        value(
            &text,
            "streamgate_http_requests_total",
            &[("door", "ops"), ("method", "GET"), ("status", status)],
        )
    };
    assert_eq!((ops("403"), ops("200")), (9.0, 2.0));
    // The app's HLS listener does not serve it: on the app it lives on the app listener.
    let reply = get(
        &server.hls_url("/metrics"),
        &[("authorization", &bearer(TOKEN))],
    );
    assert_eq!(reply.answer(), (404, json!({ "error": "Not found" })));
}

#[test]
fn counters_follow_the_traffic_with_bounded_labels() {
    Stage::run(&[("METRICS_TOKEN", TOKEN)], |stage| {
        let (event, codes) = stage.live_event(3);
        let before = scrape(&stage.server);

        // Validations: one good, one unknown, one revoked.
        assert_eq!(
            stage.validate(codes[0]["code"].as_str().unwrap()).status,
            200
        );
        let again = stage.validate(codes[0]["code"].as_str().unwrap());
        assert_eq!(again.status, 409, "the code is in use: {}", again.body);
        assert_eq!(stage.validate("NoSuchCode12").status, 401);
        let revoked = codes[1]["id"].as_str().unwrap();
        let reply = stage.admin("PATCH", &format!("/tokens/{revoked}/revoke"), None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            stage.validate(codes[1]["code"].as_str().unwrap()).status,
            403
        );
        let playback = stage.token(codes[2]["code"].as_str().unwrap());

        // Streams: a playlist and a segment served, a forged token, a missing segment.
        let playlist = format!("/streams/{event}/180p/index.m3u8");
        let segment = format!("/streams/{event}/180p/seg1.ts");
        assert_eq!(stage.stream(&playlist, &playback).status, 200);
        assert_eq!(stage.stream(&segment, &playback).status, 200);
        assert_eq!(stage.stream(&segment, "forged.token.value").status, 403);
        let missing = format!("/streams/{event}/180p/seg9.ts");
        assert_eq!(stage.stream(&missing, &playback).status, 404);
        assert_eq!(stage.hls_get(&segment).status, 401);

        let after = scrape(&stage.server);
        let moved = |name: &str, labels: &[(&str, &str)]| {
            value(&after, name, labels) - value(&before, name, labels)
        };
        let validations = |outcome| moved("streamgate_validations_total", &[("outcome", outcome)]);
        assert_eq!(
            [
                validations("ok"),
                validations("in_use"),
                validations("unknown_code"),
                validations("revoked")
            ],
            [2.0, 1.0, 1.0, 1.0]
        );
        let hls = |kind, outcome| {
            moved(
                "streamgate_hls_requests_total",
                &[("kind", kind), ("outcome", outcome)],
            )
        };
        assert_eq!(
            [
                hls("playlist", "served"),
                hls("segment", "served"),
                hls("segment", "denied"),
                hls("segment", "not_found"),
                hls("segment", "unauthorized"),
                hls("playlist", "denied"),
            ],
            [1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
        );
        let served = fixture_bytes("180p/index.m3u8").len() + fixture_bytes("180p/seg1.ts").len();
        assert_eq!(moved("streamgate_hls_bytes_total", &[]), served as f64);

        let requests = |door, method, status| {
            moved(
                "streamgate_http_requests_total",
                &[("door", door), ("method", method), ("status", status)],
            )
        };
        assert_eq!(
            [
                requests("viewer", "POST", "200"),
                requests("viewer", "POST", "401"),
                requests("viewer", "POST", "403"),
                requests("viewer", "POST", "409"),
                requests("admin", "PATCH", "200"),
                requests("hls", "GET", "200"),
                requests("hls", "GET", "403"),
                requests("hls", "GET", "401"),
                requests("ops", "GET", "200"),
            ],
            [2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0]
        );
        let hls_timed = moved(
            "streamgate_http_request_duration_seconds_count",
            &[("door", "hls")],
        );
        assert_eq!(hls_timed, 5.0);
        assert!(after.contains("# TYPE streamgate_http_request_duration_seconds histogram"));
        assert!(
            series(
                &after,
                "streamgate_http_request_duration_seconds_bucket",
                &[("door", "viewer"), ("le", "+Inf")]
            )
            .is_some(),
            "{after}"
        );

        // Sampled at scrape time: two viewers watching, the revoked code refused.
        assert_eq!(value(&after, "streamgate_active_viewers", &[]), 2.0);
        assert_eq!(
            value(&after, "streamgate_revocation_cache_entries", &[]),
            1.0
        );
        let age = series(&after, "streamgate_revocation_last_sync_age_seconds", &[]);
        assert!(age.is_some_and(|age| age < 60.0), "{after}");
        let pool = |state| {
            series(
                &after,
                "streamgate_db_pool_connections",
                &[("state", state)],
            )
        };
        let (active, idle) = (pool("active").unwrap(), pool("idle").unwrap());
        assert!(active + idle >= 1.0, "{after}");

        // No label names a path, an event, a code or a token.
        for secret in [&event, &playback, codes[0]["code"].as_str().unwrap()] {
            assert!(!after.contains(secret), "{secret} in the scrape");
        }
        assert!(!after.contains("/streams"));
    });
}

/// An edge following the app at `platform`, with `extra` settings.
fn edge(stage: &Stage, extra: &[(&str, &str)]) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let platform = stage.server.app_url("/");
    let mut env = vec![
        ("STREAMGATE_PLATFORM_URL", platform.as_str()),
        ("STREAMGATE_REVOCATION_POLL", "1"),
        ("STREAMGATE_STREAM_ROOT", stage.streams.to_str().unwrap()),
        ("STREAMGATE_HLS_SOURCE", "local"),
        ("STREAMGATE_INTERNAL_API_KEY", API_KEY),
        ("STREAMGATE_PLAYBACK_SECRET", PLAYBACK_SECRET),
    ];
    env.extend_from_slice(extra);
    (Server::start_edge(dir.path(), &env), dir)
}

fn wait_for_sync(edge: &Server) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while get(&edge.hls_url("/health"), &[]).status != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "the edge never synced"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn edges_serve_metrics_on_their_hls_listener_under_the_same_rules() {
    let shared = [
        ("STREAMGATE_INTERNAL_API_KEY", API_KEY),
        ("STREAMGATE_PLAYBACK_SECRET", PLAYBACK_SECRET),
    ];
    let stage = Stage::start(None, &shared);
    let (event, playback) = stage.watching();
    let segment = format!("/streams/{event}/180p/seg0.ts");

    let (closed, _closed_dir) = edge(&stage, &[]);
    let unknown = get(&closed.hls_url("/elsewhere"), &[]);
    assert_eq!(unknown.answer(), (404, json!({ "error": "Not found" })));
    let reply = get(
        &closed.hls_url("/metrics"),
        &[("authorization", &bearer(TOKEN))],
    );
    assert_eq!((reply.status, &reply.body), (404, &unknown.body));
    drop(closed);

    let (edge, _edge_dir) = edge(&stage, &[("METRICS_TOKEN", TOKEN)]);
    let forbidden = (403, json!({ "error": "Forbidden" }));
    let url = edge.hls_url("/metrics");
    assert_eq!(get(&url, &[]).answer(), forbidden);
    assert_eq!(
        get(&url, &[("authorization", &bearer("wrong"))]).answer(),
        forbidden
    );
    assert_eq!(get(&format!("{url}?token=wrong"), &[]).answer(), forbidden);
    wait_for_sync(&edge);
    assert_eq!(stage.stream(&segment, &playback).status, 200);
    let fetched = get(
        &edge.hls_url(&segment),
        &[("authorization", &bearer(&playback))],
    );
    assert_eq!(fetched.status, 200);

    let by_header: Reply = get(&url, &[("authorization", &bearer(TOKEN))]);
    assert_eq!(by_header.status, 200, "{}", by_header.body);
    let by_query = get(&format!("{url}?token={TOKEN}"), &[]);
    assert_eq!(by_query.status, 200, "{}", by_query.body);
    let text = by_query.body;
    let served = [("kind", "segment"), ("outcome", "served")];
    assert_eq!(value(&text, "streamgate_hls_requests_total", &served), 1.0);
    assert_eq!(
        value(&text, "streamgate_hls_bytes_total", &[]),
        fixture_bytes("180p/seg0.ts").len() as f64
    );
    let hls_ok = [("door", "hls"), ("method", "GET"), ("status", "200")];
    assert!(value(&text, "streamgate_http_requests_total", &hls_ok) >= 2.0);
    let refused = [("door", "hls"), ("method", "GET"), ("status", "403")];
    assert_eq!(
        value(&text, "streamgate_http_requests_total", &refused),
        3.0
    );
    assert_eq!(
        value(&text, "streamgate_revocation_cache_entries", &[]),
        0.0
    );
    let age = series(&text, "streamgate_revocation_last_sync_age_seconds", &[]);
    assert!(age.is_some_and(|age| age < 10.0), "{text}");
    // An edge has no database and no sessions of its own to report.
    assert_eq!(series(&text, "streamgate_db_pool_connections", &[]), None);
    assert_eq!(series(&text, "streamgate_active_viewers", &[]), None);
    assert!(!text.contains(&event));
}
