//! What the server tests share: the real `streamgate` binary on free ports, a small HTTP client
//! that shows every status and redirect as it is, running a test on both databases, and exact
//! checks of the values the server makes up (codes, times, `Retry-After`).

#![allow(dead_code)] // each test file uses its own subset

use std::{
    io::{BufRead, BufReader},
    net::{SocketAddr, TcpListener},
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use serde_json::Value;
use streamgate_domain::{store::DatabaseLocation, testing::TestDatabase};

pub mod admin;
pub mod astro;
pub mod jwt;
pub mod origin;
pub mod viewing;

pub const BINARY: &str = env!("CARGO_BIN_EXE_streamgate");
pub const ADMIN_USER: &str = "operator";
pub const ADMIN_PASS: &str = "break-glass-password";
/// The settings that configure the break-glass admin.
pub const BREAK_GLASS: [(&str, &str); 2] = [("ADMIN_USER", ADMIN_USER), ("ADMIN_PASS", ADMIN_PASS)];

pub fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// `streamgate` with a data dir and, for PostgreSQL, a `DATABASE_URL`; no inherited auth settings.
pub fn streamgate(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env("STREAMGATE_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("ADMIN_USER")
        .env_remove("ADMIN_PASS")
        .env_remove("STREAMGATE_JWT_SECRET")
        .env_remove("STREAMGATE_DEMO")
        .env_remove("METRICS_TOKEN")
        .env_remove("STREAMGATE_TOKEN_ENCRYPTION_KEY")
        // Never StreamElements itself: a closed local port unless a test starts a fake.
        .env("STREAMGATE_SE_ASTRO_URL", "ws://127.0.0.1:9")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command
}

/// Runs a `streamgate` command that must succeed; returns its standard output as JSON.
pub fn run_json(mut command: Command) -> Value {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on standard output")
}

/// A running `streamgate serve`, killed if a test fails before stopping it. Its log (standard
/// error) is collected line by line.
pub struct Server {
    child: Child,
    pub app: SocketAddr,
    pub hls: SocketAddr,
    log: mpsc::Receiver<String>,
}

impl Server {
    /// Serves with the break-glass admin configured.
    pub fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
        Server::start_with(data_dir, database_url, &BREAK_GLASS)
    }

    /// Serves with the break-glass admin configured and `settings` besides.
    pub fn start_with_admin(
        data_dir: &Path,
        database_url: Option<&str>,
        settings: &[(&str, &str)],
    ) -> Server {
        Server::start_with(data_dir, database_url, &[&BREAK_GLASS, settings].concat())
    }

    pub fn start_with(data_dir: &Path, database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
        Server::start_serving(data_dir, database_url, &[], env)
    }

    /// `serve` with extra arguments (e.g. `--demo`).
    pub fn start_serving(
        data_dir: &Path,
        database_url: Option<&str>,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let (app, hls) = (free_port(), free_port());
        let mut command = streamgate(data_dir, database_url);
        command
            .arg("serve")
            .args(args)
            .env("STREAMGATE_APP_ADDR", app.to_string())
            .env("STREAMGATE_HLS_ADDR", hls.to_string());
        Server::launch(command, app, hls, env, "/api/v1/health")
    }

    /// `serve --role edge`: the HLS listener alone (`app` is the same address). Returns once
    /// it answers `/health`, synced or not.
    pub fn start_edge(data_dir: &Path, env: &[(&str, &str)]) -> Server {
        let hls = free_port();
        let mut command = streamgate(data_dir, None);
        command
            .args(["serve", "--role", "edge"])
            .env("STREAMGATE_HLS_ADDR", hls.to_string());
        Server::launch(command, hls, hls, env, "/health")
    }

    fn launch(
        mut command: Command,
        app: SocketAddr,
        hls: SocketAddr,
        env: &[(&str, &str)],
        ready_path: &str,
    ) -> Server {
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start streamgate");
        let stderr = child.stderr.take().unwrap();
        let (sender, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[streamgate] {line}");
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Server {
            child,
            app,
            hls,
            log,
        };
        let ready_url = format!("http://{app}{ready_path}");
        let deadline = Instant::now() + Duration::from_secs(30);
        // Any answer (an edge says 503 until its first sync) means it listens.
        let probe: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        while probe.get(&ready_url).call().is_err() {
            assert!(Instant::now() < deadline, "streamgate did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    pub fn app_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.app)
    }

    pub fn hls_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.hls)
    }

    /// The log lines written so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.try_iter().collect()
    }

    /// The first log line containing `text`, waiting a few seconds for it.
    pub fn wait_for_log(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => panic!("no log line containing {text:?}"),
            }
        }
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(mut self) -> ExitStatus {
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

/// A response as the client saw it: redirects are not followed, no status is an error.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    /// The body as text (invalid UTF-8 replaced); `bytes` holds it exactly.
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The status with the JSON body, to compare with an expected answer in one assertion.
    pub fn answer(&self) -> (u16, Value) {
        (self.status, self.json())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The session cookie this response sets, as `name=value`, with its attributes.
    pub fn session_cookie(&self) -> Option<(String, String)> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("streamgate_session="))
            .map(|value| {
                let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
                (pair.to_owned(), attributes.to_owned())
            })
    }
}

/// One request: method, URL, extra headers, and an optional JSON or form body.
pub enum Body<'a> {
    Empty,
    Json(Value),
    Form(&'a [(&'a str, &'a str)]),
}

pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Body<'_>) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .into();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let result = match body {
        Body::Empty => agent.run(builder.body(()).unwrap()),
        Body::Json(value) => agent.run(
            builder
                .header("content-type", "application/json")
                .body(value.to_string())
                .unwrap(),
        ),
        Body::Form(fields) => {
            let encoded: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields.iter())
                .finish();
            agent.run(
                builder
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(encoded)
                    .unwrap(),
            )
        }
    };
    let mut response = result.unwrap_or_else(|err| panic!("{method} {url}: {err}"));
    let bytes = response.body_mut().read_to_vec().unwrap();
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

pub fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    request("GET", url, headers, Body::Empty)
}

pub fn post_json(url: &str, headers: &[(&str, &str)], body: Value) -> Reply {
    request("POST", url, headers, Body::Json(body))
}

/// Runs `test` on SQLite (no `DATABASE_URL`), then on a fresh PostgreSQL database.
pub fn on_both_databases(test: impl Fn(Option<&str>)) {
    test(None);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = runtime.block_on(TestDatabase::postgres()) else {
        return;
    };
    let DatabaseLocation::Postgres { url } = &db.location else {
        unreachable!("TestDatabase::postgres is a PostgreSQL location")
    };
    test(Some(url));
    drop(db);
}

/// Runs a `streamgate` command that must fail saying `text` on standard error; returns all it
/// said there.
pub fn fails_saying(mut command: Command, text: &str) -> String {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "it succeeded: {stderr}");
    assert!(stderr.contains(text), "{text:?} not in {stderr}");
    stderr
}

/// `streamgate admin create` for a user of the only account (the account and its owner when
/// there is none yet), with `--role` when given.
pub fn admin_create(
    data_dir: &Path,
    database_url: Option<&str>,
    email: &str,
    password: &str,
    role: Option<&str>,
) -> Command {
    let mut command = streamgate(data_dir, database_url);
    command.args(["admin", "create", "--email", email, "--password", password]);
    if let Some(role) = role {
        command.args(["--role", role]);
    }
    command
}

/// [`admin_create`] with a role, which must succeed; returns the member as JSON.
pub fn create_user(
    data_dir: &Path,
    database_url: Option<&str>,
    email: &str,
    password: &str,
    role: &str,
) -> Value {
    run_json(admin_create(
        data_dir,
        database_url,
        email,
        password,
        Some(role),
    ))
}

/// A second organizer account with its owner, made through the domain (the command line only
/// ever makes the first account). Run it while no server holds the database. Returns the owner.
pub fn create_other_account(
    data_dir: &Path,
    database_url: Option<&str>,
    email: &str,
    password: &str,
) -> Value {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let location = DatabaseLocation::resolve(database_url, data_dir).unwrap();
        let store = location.connect().await.unwrap();
        store.migrate().await.unwrap();
        let domain = streamgate_domain::service::Domain::new(
            store.clone(),
            streamgate_domain::authz::Authorizer::default(),
        );
        let (_, owner) = domain
            .accounts()
            .create_account_with_owner("Other Org", email, password)
            .await
            .unwrap();
        store.close().await;
        serde_json::to_value(owner).unwrap()
    })
}

/// A request with an optional JSON body.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<Value>) -> Reply {
    match body {
        Some(value) => request(method, url, headers, Body::Json(value)),
        None => request(method, url, headers, Body::Empty),
    }
}

/// Every `field` of the objects in `list`, as text.
pub fn texts<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| {
            item[field]
                .as_str()
                .unwrap_or_else(|| panic!("no text {field} in {item}"))
        })
        .collect()
}

/// The `id`s of the objects in `list`, in order.
pub fn ids(list: &Value) -> Vec<String> {
    texts(list, "id").into_iter().map(str::to_owned).collect()
}

/// `items` in order.
pub fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

/// An access code as the server makes them: 12 characters of A-Z, a-z and 0-9.
pub fn assert_access_code(code: &str) {
    assert!(
        code.len() == 12 && code.chars().all(|c| c.is_ascii_alphanumeric()),
        "not an access code: {code:?}"
    );
}

/// A time the server wrote just now, in its one format: RFC 3339 in UTC with milliseconds
/// (`2030-03-15T09:00:00.000Z`), within a minute of the test's clock.
pub fn assert_recent_time(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    let time = chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|err| panic!("not RFC 3339 ({err}): {text}"))
        .to_utc();
    assert_eq!(
        time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        text,
        "not the server's time format"
    );
    let off = (chrono::Utc::now() - time).num_seconds().abs();
    assert!(off < 60, "{text} is {off} s away from now");
}

/// The `Retry-After` of a refusal: a whole number of seconds within `range`.
pub fn retry_after(reply: &Reply, range: std::ops::RangeInclusive<u64>) -> u64 {
    let text = reply
        .header("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After: {reply:?}"));
    assert!(
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
        "Retry-After is not a whole number of seconds: {text:?}"
    );
    let seconds: u64 = text.parse().unwrap();
    assert!(
        range.contains(&seconds),
        "Retry-After {seconds} not in {range:?}"
    );
    seconds
}
