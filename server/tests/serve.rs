//! `streamgate serve` as an operator runs it: the real binary, real listeners, a real database
//! (SQLite in a data dir, and PostgreSQL), stopped with SIGTERM.

use std::{
    net::{SocketAddr, TcpListener},
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;
use streamgate_domain::{store::DatabaseLocation, testing::TestDatabase};

const BINARY: &str = env!("CARGO_BIN_EXE_streamgate");

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// GETs `url`, answering any status (not only 2xx) with the body as text.
fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|err| panic!("GET {url}: {err}"));
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}

fn get_json(url: &str) -> Value {
    let (status, body) = get(url);
    assert_eq!(status, 200, "GET {url}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// `streamgate` with a data dir and, for PostgreSQL, a `DATABASE_URL`.
fn streamgate(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env("STREAMGATE_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command
}

/// A running `streamgate serve`, killed if a test fails before stopping it.
struct Server {
    child: Child,
    app: SocketAddr,
    hls: SocketAddr,
}

impl Server {
    fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
        let (app, hls) = (free_port(), free_port());
        let child = streamgate(data_dir, database_url)
            .arg("serve")
            .env("STREAMGATE_APP_ADDR", app.to_string())
            .env("STREAMGATE_HLS_ADDR", hls.to_string())
            .stdout(Stdio::null())
            .spawn()
            .expect("start streamgate");
        let server = Server { child, app, hls };
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&server.app_url("/api/v1/health")).call().is_err() {
            assert!(Instant::now() < deadline, "streamgate did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn app_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.app)
    }

    fn hls_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.hls)
    }

    /// Sends SIGTERM and waits for the process to exit.
    fn terminate(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "streamgate ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `streamgate event create` at the default log level: its standard output must still be
/// nothing but the event's JSON.
fn create_event(data_dir: &Path, database_url: Option<&str>, title: &str) -> Value {
    let output = streamgate(data_dir, database_url)
        .env_remove("RUST_LOG")
        .args(["event", "create", "--title", title])
        .args([
            "--starts-at",
            "2030-03-15T09:00:00Z",
            "--ends-at",
            "2030-03-15T17:00:00Z",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("event JSON")
}

fn serves_pages_apis_and_health_then_stops_on_sigterm(database_url: Option<&str>) {
    let data_dir = tempfile::tempdir().unwrap();
    let server = Server::start(data_dir.path(), database_url);

    let health = get_json(&server.app_url("/api/v1/health"));
    assert_eq!(health["status"], "ok");
    assert_eq!(health["up"], true);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert!(health["uptimeSeconds"].is_u64(), "{health}");
    let ts = health["ts"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(ts).is_ok() && ts.ends_with('Z'),
        "{ts}"
    );

    let hls = get_json(&server.hls_url("/health"));
    assert_eq!(hls["status"], "ok");
    assert_eq!(hls["mode"], "local");
    assert_eq!(hls["revocationCacheSize"], 0);
    assert!(
        hls.as_object().unwrap().contains_key("lastSyncAgoSeconds"),
        "{hls}"
    );

    let (status, home) = get(&server.app_url("/?code=Ab3kF9mNx2Qp"));
    assert_eq!(status, 200);
    assert!(
        home.contains(r#"id="code""#) && home.contains("Ab3kF9mNx2Qp"),
        "{home}"
    );
    // The hydration script names the bundle cargo-leptos builds (not `streamgate_bg.wasm`).
    assert!(home.contains("/pkg/streamgate.js"), "{home}");
    assert!(home.contains("/pkg/streamgate.wasm"), "{home}");

    let (_, admin) = get(&server.app_url("/admin"));
    assert!(admin.contains("No events yet."), "{admin}");

    // An event written by another process is visible through the page and the server function.
    let created = create_event(data_dir.path(), database_url, "Annual Conference 2030");
    assert_eq!(created["startsAt"], "2030-03-15T09:00:00.000Z");
    let (_, admin) = get(&server.app_url("/admin"));
    assert!(admin.contains("Annual Conference 2030"), "{admin}");
    let listed: Value = ureq::post(&server.app_url("/_rpc/events/list"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send_empty()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(listed[0]["id"], created["id"]);

    let (status, _) = get(&server.app_url("/no/such/page"));
    assert_eq!(status, 404);

    let status = server.terminate();
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    if database_url.is_none() {
        assert!(data_dir.path().join("streamgate.db").is_file());
    }
}

#[test]
fn sqlite_serve_end_to_end() {
    serves_pages_apis_and_health_then_stops_on_sigterm(None);
}

#[tokio::test]
async fn postgres_serve_end_to_end() {
    let Some(db) = TestDatabase::postgres().await else {
        return;
    };
    let DatabaseLocation::Postgres { url } = &db.location else {
        unreachable!("TestDatabase::postgres is a PostgreSQL location")
    };
    let url = url.clone();
    // The blocking client and child process stay off the async runtime's threads.
    tokio::task::spawn_blocking(move || {
        serves_pages_apis_and_health_then_stops_on_sigterm(Some(&url))
    })
    .await
    .unwrap();
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

    let output = streamgate(data_dir.path(), Some("mysql://root:secret@localhost/x"))
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DATABASE_URL must start with postgres://"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "password leaked: {stderr}");
}

#[test]
fn occupied_port_is_reported_and_exits_non_zero() {
    let data_dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = streamgate(data_dir.path(), None)
        .args([
            "serve",
            "--app-addr",
            &addr,
            "--hls-addr",
            &free_port().to_string(),
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}
