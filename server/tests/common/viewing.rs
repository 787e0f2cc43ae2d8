//! What the viewer-side tests share: a server with a stream directory and a signed-in
//! organizer, live events with codes, the committed fixture stream, and raw HTTP requests for
//! paths a client library would tidy up.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::{json, Value};

use super::{admin::admin_cookie, jwt, post_json, send, Reply, Server};

/// The committed test stream: `stream.m3u8` (master), `180p/` and `360p/` with three segments.
pub const FIXTURE_STREAM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/stream");

pub const OWNER_EMAIL: &str = "owner@stage.test";
pub const OWNER_PASSWORD: &str = "stage owner password";

/// A running server with a stream root, signed in as an organizer (an account's owner). Validations are
/// not rate limited unless the test sets `STREAMGATE_VALIDATE_RATE_LIMIT` itself.
pub struct Stage {
    pub server: Server,
    pub cookie: String,
    pub streams: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Stage {
    pub fn start(database_url: Option<&str>, env: &[(&str, &str)]) -> Stage {
        let dir = tempfile::tempdir().unwrap();
        let streams = dir.path().join("streams");
        let mut all: Vec<(&str, &str)> = vec![
            ("STREAMGATE_STREAM_ROOT", streams.to_str().unwrap()),
            ("STREAMGATE_VALIDATE_RATE_LIMIT", "100000"),
            ("STREAMGATE_REFRESH_RATE_LIMIT", "100000"),
        ];
        all.extend_from_slice(env);
        super::create_user(
            dir.path(),
            database_url,
            OWNER_EMAIL,
            OWNER_PASSWORD,
            "owner",
        );
        let server = Server::start_with_admin(dir.path(), database_url, &all);
        let cookie = admin_cookie(&server, Some(OWNER_EMAIL), OWNER_PASSWORD);
        Stage {
            server,
            cookie,
            streams,
            dir,
        }
    }

    /// Runs `test` on SQLite, then on PostgreSQL, each time on a fresh stage with `env`.
    pub fn run(env: &[(&str, &str)], test: impl Fn(&Stage)) {
        super::on_both_databases(|database_url| test(&Stage::start(database_url, env)));
    }

    /// A seed 002 admin call with the session cookie.
    pub fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        send(
            method,
            &self.server.app_url(&format!("/api/admin{path}")),
            &[("cookie", &self.cookie)],
            body,
        )
    }

    /// An event starting `start_minutes` from now, `hours` long, with `codes` codes; its
    /// fixture stream installed. Returns the event id and the codes (as seed 002 tokens).
    pub fn event(
        &self,
        start_minutes: i64,
        hours: i64,
        window: i64,
        codes: i64,
    ) -> (String, Vec<Value>) {
        let starts_at = chrono::Utc::now() + chrono::Duration::minutes(start_minutes);
        let ends_at = starts_at + chrono::Duration::hours(hours);
        let event = self.admin(
            "POST",
            "/events",
            Some(json!({
                "title": "Keynote",
                "description": "Live from the main hall",
                "posterUrl": "https://example.com/poster.jpg",
                "startsAt": starts_at.to_rfc3339(),
                "endsAt": ends_at.to_rfc3339(),
                "accessWindowHours": window,
            })),
        );
        assert_eq!(event.status, 201, "{}", event.body);
        let event_id = event.json()["id"].as_str().unwrap().to_owned();
        let tokens = self.admin(
            "POST",
            &format!("/events/{event_id}/tokens"),
            Some(json!({ "count": codes })),
        );
        assert_eq!(tokens.status, 201, "{}", tokens.body);
        install_stream(&self.streams, &event_id);
        (
            event_id,
            tokens.json()["tokens"].as_array().unwrap().clone(),
        )
    }

    /// A live event (started ten minutes ago, two hours long) with `codes` codes.
    pub fn live_event(&self, codes: i64) -> (String, Vec<Value>) {
        self.event(-10, 2, 48, codes)
    }

    /// A live event with one code, and the playback token that code validated for.
    pub fn watching(&self) -> (String, String) {
        let (event_id, codes) = self.live_event(1);
        (event_id, self.token(codes[0]["code"].as_str().unwrap()))
    }

    pub fn validate(&self, code: &str) -> Reply {
        post_json(
            &self.server.app_url("/api/tokens/validate"),
            &[],
            json!({ "code": code }),
        )
    }

    /// The playback token for `code`, which must validate: a JWT for this code, its event and a
    /// new session.
    pub fn token(&self, code: &str) -> String {
        let reply = self.validate(code);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let grant = reply.json();
        let token = grant["playbackToken"].as_str().unwrap().to_owned();
        jwt::playback_claims(&token, code, grant["eventId"].as_str().unwrap());
        token
    }

    /// A GET on the app listener without credentials.
    pub fn app_get(&self, path: &str) -> Reply {
        super::get(&self.server.app_url(path), &[])
    }

    /// A GET on the HLS listener without headers (a token, if any, in the query string).
    pub fn hls_get(&self, path: &str) -> Reply {
        super::get(&self.server.hls_url(path), &[])
    }

    /// A POST to seed 002's playback API with the token as bearer.
    pub fn playback(&self, action: &str, token: &str) -> Reply {
        send(
            "POST",
            &self.server.app_url(&format!("/api/playback/{action}")),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
    }

    /// A GET on the HLS listener with the token as bearer.
    pub fn stream(&self, path: &str, token: &str) -> Reply {
        super::get(
            &self.server.hls_url(path),
            &[("authorization", &format!("Bearer {token}"))],
        )
    }
}

/// Copies the fixture stream to `<root>/<event id>/`.
pub fn install_stream(root: &Path, event_id: &str) {
    copy_dir(Path::new(FIXTURE_STREAM), &root.join(event_id));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn fixture_bytes(relative: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURE_STREAM).join(relative)).unwrap()
}

/// A request written byte for byte (no client library normalising the path); the status and
/// the body.
pub fn raw_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}
