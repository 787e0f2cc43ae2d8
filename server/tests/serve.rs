//! `streamgate serve` as an operator runs it: the real binary, real listeners, a real database
//! (SQLite in a data dir, and PostgreSQL), stopped with SIGTERM.

mod common;

use std::{net::TcpListener, path::Path};

use common::{
    admin::admin_cookie, admin_create, assert_recent_time, fails_saying, free_port, get,
    on_both_databases, request, run_json, streamgate, Body, Server, ADMIN_PASS, ADMIN_USER,
};
use serde_json::{json, Value};

fn get_json(url: &str) -> Value {
    let reply = get(url, &[]);
    assert_eq!(reply.status, 200, "GET {url}: {}", reply.body);
    reply.json()
}

/// Runs `streamgate event create` at the default log level: its standard output must still be
/// nothing but the event's JSON.
fn create_event(data_dir: &Path, database_url: Option<&str>, title: &str) -> Value {
    let mut command = streamgate(data_dir, database_url);
    command
        .env_remove("RUST_LOG")
        .args(["event", "create", "--title", title])
        .args([
            "--starts-at",
            "2030-03-15T09:00:00Z",
            "--ends-at",
            "2030-03-15T17:00:00Z",
        ]);
    run_json(command)
}

#[test]
fn serves_pages_apis_and_health_then_stops_on_sigterm() {
    on_both_databases(|database_url| {
        let data_dir = tempfile::tempdir().unwrap();
        let server = Server::start(data_dir.path(), database_url);

        // Just started: up for seconds, the time now.
        let health = get_json(&server.app_url("/api/v1/health"));
        let uptime = health["uptimeSeconds"].as_u64().expect("whole seconds");
        assert!(uptime <= 30, "{health}");
        assert_recent_time(&health["ts"]);
        assert_eq!(
            health,
            json!({
                "status": "ok",
                "up": true,
                "version": env!("CARGO_PKG_VERSION"),
                "ts": health["ts"],
                "uptimeSeconds": uptime,
            })
        );

        let hls = get_json(&server.hls_url("/health"));
        let synced = hls["lastSyncAgoSeconds"].as_u64().expect("whole seconds");
        assert!(synced <= 30, "{hls}");
        assert_eq!(
            hls,
            json!({
                "status": "ok",
                "mode": "hybrid",
                "role": "app",
                "revocationCacheSize": 0,
                "lastSyncAgoSeconds": synced,
            })
        );

        let home = get(&server.app_url("/?code=Ab3kF9mNx2Qp"), &[]);
        assert_eq!(home.status, 200);
        let home = home.body;
        assert!(
            home.contains(r#"id="code""#) && home.contains("Ab3kF9mNx2Qp"),
            "{home}"
        );
        // The hydration script names the bundle cargo-leptos builds (not `streamgate_bg.wasm`).
        assert!(home.contains("/pkg/streamgate.js"), "{home}");
        assert!(home.contains("/pkg/streamgate.wasm"), "{home}");

        // The dashboard is for signed-in organizers.
        let cookie = admin_cookie(&server, Some(ADMIN_USER), ADMIN_PASS);
        let cookie = [("cookie", cookie.as_str())];
        let admin = get(&server.app_url("/admin"), &cookie).body;
        assert!(admin.contains("No events yet."), "{admin}");

        // An event written by another process is visible through the page and the server function.
        // Events belong to an account: the operator creates the first one, with its owner.
        let owner = run_json(admin_create(
            data_dir.path(),
            database_url,
            "owner@acme.test",
            "owner password",
            None,
        ));
        let created = create_event(data_dir.path(), database_url, "Annual Conference 2030");
        assert_eq!(created["startsAt"], "2030-03-15T09:00:00.000Z");
        assert_eq!(created["accountId"], owner["accountId"]);
        let admin = get(&server.app_url("/admin"), &cookie).body;
        assert!(admin.contains("Annual Conference 2030"), "{admin}");
        let listed = request(
            "POST",
            &server.app_url("/_rpc/events/list"),
            &cookie,
            Body::Form(&[]),
        );
        assert_eq!(listed.json()[0]["id"], created["id"]);
        // Without the session the server function refuses.
        let refused = request(
            "POST",
            &server.app_url("/_rpc/events/list"),
            &[],
            Body::Form(&[]),
        );
        assert_eq!(
            (refused.status, refused.body.as_str()),
            (401, r#""Unauthenticated""#)
        );

        assert_eq!(get(&server.app_url("/no/such/page"), &[]).status, 404);

        let status = server.terminate();
        assert!(status.success(), "exit after SIGTERM: {status:?}");
        if database_url.is_none() {
            assert!(data_dir.path().join("streamgate.db").is_file());
        }
    });
}

#[test]
fn migrate_creates_the_schema_and_a_bad_database_url_fails_clearly() {
    let data_dir = tempfile::tempdir().unwrap();
    let status = streamgate(data_dir.path(), None)
        .arg("migrate")
        .status()
        .unwrap();
    assert!(status.success());
    assert!(data_dir.path().join("streamgate.db").is_file());

    let mut migrate = streamgate(data_dir.path(), Some("mysql://root:secret@localhost/x"));
    migrate.arg("migrate");
    let stderr = fails_saying(migrate, "DATABASE_URL must start with postgres://");
    assert!(!stderr.contains("secret"), "password leaked: {stderr}");
}

#[test]
fn occupied_port_is_reported_and_exits_non_zero() {
    let data_dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut serve = streamgate(data_dir.path(), None);
    let hls_addr = free_port().to_string();
    serve.args(["serve", "--app-addr", &addr, "--hls-addr", &hls_addr]);
    fails_saying(serve, &format!("cannot listen on {addr}"));
}

#[test]
fn a_request_that_never_finishes_does_not_hold_shutdown() {
    use std::io::Write;
    let data_dir = tempfile::tempdir().unwrap();
    let server = Server::start(data_dir.path(), None);
    // A body announced and never sent: the handler waits for it.
    let mut stalled = std::net::TcpStream::connect(server.app).unwrap();
    write!(
        stalled,
        "POST /api/tokens/validate HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"code\":",
        server.app
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let started = std::time::Instant::now();
    let status = server.terminate();
    let took = started.elapsed();
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    assert!(took < std::time::Duration::from_secs(14), "took {took:?}");
    drop(stalled);
}
