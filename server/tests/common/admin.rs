//! The organizer's side, shared by the tests of both event APIs: signing in, one typed client
//! for seed 002's `/api/admin` (session cookie, plain JSON, `{"error"}`) and seed 001's
//! `/api/v1` (bearer JWT, `{data, error}` envelope, `{statusCode, message, error}`), and an
//! organisation to run them against.

use serde_json::{json, Value};

use super::{
    create_other_account, create_user, jwt, post_json, send, Reply, Server, ADMIN_PASS, ADMIN_USER,
};

pub const OWNER_EMAIL: &str = "owner@acme.test";
pub const OWNER_PASSWORD: &str = "owner password 1";
pub const VIEWER_EMAIL: &str = "viewer@acme.test";
pub const VIEWER_PASSWORD: &str = "viewer password 1";
pub const OTHER_EMAIL: &str = "owner@other.test";
pub const OTHER_PASSWORD: &str = "other password 1";

/// Signs in on seed 002's `/api/admin/login` (`email` `None`: the break-glass admin's
/// `{password}` body), which must answer `{"success": true}`; returns the `cookie` header value.
pub fn admin_cookie(server: &Server, email: Option<&str>, password: &str) -> String {
    let body = match email {
        Some(email) => json!({ "email": email, "password": password }),
        None => json!({ "password": password }),
    };
    let reply = post_json(&server.app_url("/api/admin/login"), &[], body);
    assert_eq!(reply.answer(), (200, json!({ "success": true })));
    reply.session_cookie().expect("a session cookie").0
}

/// Signs in on `/api/v1/auth/login`, which must answer exactly `{data: {token}, error: null}`;
/// returns the dashboard JWT, checked for its shape and claims.
pub fn v1_token(server: &Server, email: &str, password: &str) -> String {
    let reply = post_json(
        &server.app_url("/api/v1/auth/login"),
        &[],
        json!({ "email": email, "password": password }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    let token = body["data"]["token"].as_str().unwrap().to_owned();
    assert_eq!(body, json!({ "data": { "token": token }, "error": null }));
    jwt::dashboard_claims(&token);
    token
}

/// [`v1_token`] as an `authorization` header value.
pub fn v1_bearer(server: &Server, email: &str, password: &str) -> String {
    format!("Bearer {}", v1_token(server, email, password))
}

/// Seed 001's error body.
pub fn v1_error(status: u16, message: &str) -> Value {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        _ => unreachable!("no reason phrase for {status}"),
    };
    json!({ "statusCode": status, "message": message, "error": reason })
}

/// Which of the two organizer APIs a client talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    /// Seed 002's `/api/admin`, signed in with the session cookie.
    Admin,
    /// Seed 001's `/api/v1`, signed in with a dashboard JWT.
    V1,
}

impl Door {
    fn prefix(self) -> &'static str {
        match self {
            Door::Admin => "/api/admin",
            Door::V1 => "/api/v1",
        }
    }

    /// What the door calls access codes in its paths and bodies.
    pub fn codes(self) -> &'static str {
        match self {
            Door::Admin => "tokens",
            Door::V1 => "codes",
        }
    }

    /// The list in a page: seed 002 names it (`events`, `tokens`), seed 001 says `items`.
    pub fn list(self, page: &Value) -> &Value {
        match self {
            Door::Admin => page
                .as_object()
                .unwrap()
                .values()
                .find(|value| value.is_array())
                .unwrap_or_else(|| panic!("no list in {page}")),
            Door::V1 => &page["items"],
        }
    }

    /// An error body with `status` and `message` in the door's format.
    pub fn error(self, status: u16, message: &str) -> Value {
        match self {
            Door::Admin => json!({ "error": message }),
            Door::V1 => v1_error(status, message),
        }
    }
}

/// One client of a door, signed in (a credential header) or not.
pub struct Client<'a> {
    server: &'a Server,
    pub door: Door,
    credential: Option<(&'static str, String)>,
}

impl<'a> Client<'a> {
    pub fn anonymous(server: &'a Server, door: Door) -> Self {
        Client {
            server,
            door,
            credential: None,
        }
    }

    /// Signed in the door's own way: a session cookie for `/api/admin`, a bearer JWT for
    /// `/api/v1`. `email` `None` is the break-glass admin.
    pub fn sign_in(server: &'a Server, door: Door, email: Option<&str>, password: &str) -> Self {
        let credential = match door {
            Door::Admin => ("cookie", admin_cookie(server, email, password)),
            Door::V1 => (
                "authorization",
                v1_bearer(server, email.unwrap_or(ADMIN_USER), password),
            ),
        };
        Client {
            server,
            door,
            credential: Some(credential),
        }
    }

    /// A client sending `name: value` as its credential, whatever the door expects.
    pub fn with_header(server: &'a Server, door: Door, name: &'static str, value: String) -> Self {
        Client {
            server,
            door,
            credential: Some((name, value)),
        }
    }

    /// `path` under the door's prefix, with the credential.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let headers: Vec<(&str, &str)> = self
            .credential
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let url = self
            .server
            .app_url(&format!("{}{path}", self.door.prefix()));
        send(method, &url, &headers, body)
    }

    /// What a call that must answer `status` returns: seed 002's JSON body, or the `data` of
    /// seed 001's envelope (exactly `data` and a null `error`).
    pub fn ok(&self, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
        let reply = self.call(method, path, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        let body = reply.json();
        match self.door {
            Door::Admin => body,
            Door::V1 => {
                assert_eq!(body["error"], Value::Null, "{body}");
                assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
                body["data"].clone()
            }
        }
    }

    pub fn get(&self, path: &str) -> Value {
        self.ok("GET", path, None, 200)
    }

    /// The `total` of a list.
    pub fn total(&self, path: &str) -> Value {
        self.get(path)["total"].clone()
    }

    /// A call that must fail with `status` and exactly the door's error body for `message`.
    pub fn refused(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        status: u16,
        message: &str,
    ) {
        let reply = self.call(method, path, body);
        assert_eq!(
            reply.answer(),
            (status, self.door.error(status, message)),
            "{method} {path}"
        );
    }

    /// A 403 for want of `permission`.
    pub fn lacks(&self, method: &str, path: &str, body: Option<Value>, permission: &str) {
        let message = format!("Missing permission {permission}");
        self.refused(method, path, body, 403, &message);
    }

    /// Every kind of organizer call (with `body` where one is sent) answers `status` with
    /// `message`: listing and creating events, reading one by id, listing and bulk-revoking
    /// codes, the dashboard.
    pub fn refused_everywhere(&self, body: Option<Value>, status: u16, message: &str) {
        let codes = self.door.codes();
        for (method, path) in [
            ("GET", "/events".to_owned()),
            ("POST", "/events".to_owned()),
            ("GET", "/events/not-a-uuid".to_owned()),
            ("GET", format!("/{codes}")),
            ("POST", format!("/{codes}/bulk-revoke")),
            ("GET", "/dashboard".to_owned()),
        ] {
            self.refused(method, &path, body.clone(), status, message);
        }
    }

    /// A 400 with exactly `message` (which names the field).
    pub fn bad_request(&self, method: &str, path: &str, body: Option<Value>, message: &str) {
        self.refused(method, path, body, 400, message);
    }

    /// Follows `nextCursor` from `path` (a list with a `limit`) to the last page, each page
    /// saying `total`; the ids on each page.
    pub fn pages(&self, path: &str, total: usize) -> Vec<Vec<String>> {
        let mut pages = Vec::new();
        let mut next = path.to_owned();
        loop {
            let page = self.get(&next);
            assert_eq!(page.as_object().unwrap().len(), 3, "{next}: {page}");
            assert_eq!(page["total"], total, "{next}: {page}");
            pages.push(super::ids(self.door.list(&page)));
            match page["nextCursor"].as_str() {
                Some(cursor) => next = format!("{path}&cursor={cursor}"),
                None => return pages,
            }
        }
    }

    /// The codes CSV at `path` (`…/export`), a download named `file_name` that no cache
    /// keeps: its data rows, sorted.
    pub fn csv_rows(&self, path: &str, file_name: &str) -> Vec<String> {
        let csv = self.call("GET", path, None);
        assert_eq!(csv.status, 200, "{}", csv.body);
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let disposition = format!("attachment; filename=\"{file_name}\"");
        assert_eq!(
            csv.header("content-disposition"),
            Some(disposition.as_str())
        );
        assert_eq!(csv.header("cache-control"), Some("no-store"));
        let mut lines = csv.body.lines();
        assert_eq!(lines.next(), Some("code,label,status,createdAt,expiresAt"));
        super::sorted(lines.map(str::to_owned).collect())
    }

    /// `POST /events`, which must answer 201; the event.
    pub fn create_event(&self, body: Value) -> Value {
        self.ok("POST", "/events", Some(body), 201)
    }

    /// `count` codes for the event, labelled or not; the 201 body (`{tokens | codes, count}`),
    /// checked to hold that many.
    pub fn generate(&self, event_id: &str, count: usize, label: Option<&str>) -> Value {
        let mut body = json!({ "count": count });
        if let Some(label) = label {
            body["label"] = json!(label);
        }
        let path = format!("/events/{event_id}/{}", self.door.codes());
        let made = self.ok("POST", &path, Some(body), 201);
        let codes = self.door.codes();
        assert_eq!(made.as_object().unwrap().len(), 2, "{made}");
        assert_eq!(made["count"], count, "{made}");
        assert_eq!(made[codes].as_array().unwrap().len(), count, "{made}");
        made
    }
}

/// A running server with an organisation in it: the owner and a viewer of one account, and
/// the owner of another.
pub struct Org {
    pub server: Server,
    /// The first account's owner, as `admin create` printed them.
    pub owner: Value,
    database_url: Option<String>,
    dir: tempfile::TempDir,
}

impl Org {
    pub fn start(database_url: Option<&str>) -> Org {
        Org::start_with(database_url, &[])
    }

    /// [`Org::start`] with `settings` in the server's environment.
    pub fn start_with(database_url: Option<&str>, settings: &[(&str, &str)]) -> Org {
        let dir = tempfile::tempdir().unwrap();
        let owner = create_user(
            dir.path(),
            database_url,
            OWNER_EMAIL,
            OWNER_PASSWORD,
            "owner",
        );
        create_user(
            dir.path(),
            database_url,
            VIEWER_EMAIL,
            VIEWER_PASSWORD,
            "viewer",
        );
        create_other_account(dir.path(), database_url, OTHER_EMAIL, OTHER_PASSWORD);
        let server = Server::start_with_admin(dir.path(), database_url, settings);
        Org {
            server,
            owner,
            database_url: database_url.map(str::to_owned),
            dir,
        }
    }

    /// Runs `test` on SQLite, then on PostgreSQL, each time with a fresh organisation and its
    /// owner signed in at `door`; the server must then stop cleanly.
    pub fn run(door: Door, test: impl Fn(&Org, &Client<'_>)) {
        super::on_both_databases(|database_url| {
            let org = Org::start(database_url);
            test(&org, &org.owner(door));
            org.stop();
        });
    }

    /// [`Org::run`] with `settings` in the server's environment.
    pub fn run_with(door: Door, settings: &[(&str, &str)], test: impl Fn(&Org, &Client<'_>)) {
        super::on_both_databases(|database_url| {
            let org = Org::start_with(database_url, settings);
            test(&org, &org.owner(door));
            org.stop();
        });
    }

    pub fn anonymous(&self, door: Door) -> Client<'_> {
        Client::anonymous(&self.server, door)
    }

    /// The command line on the organisation's database.
    pub fn cli(&self) -> std::process::Command {
        super::streamgate(self.dir.path(), self.database_url.as_deref())
    }

    pub fn owner(&self, door: Door) -> Client<'_> {
        Client::sign_in(&self.server, door, Some(OWNER_EMAIL), OWNER_PASSWORD)
    }

    pub fn viewer(&self, door: Door) -> Client<'_> {
        Client::sign_in(&self.server, door, Some(VIEWER_EMAIL), VIEWER_PASSWORD)
    }

    /// The other account's owner.
    pub fn other(&self, door: Door) -> Client<'_> {
        Client::sign_in(&self.server, door, Some(OTHER_EMAIL), OTHER_PASSWORD)
    }

    /// The break-glass admin (a superadmin of no account).
    pub fn superadmin(&self, door: Door) -> Client<'_> {
        Client::sign_in(&self.server, door, None, ADMIN_PASS)
    }

    /// Stops the server, which must exit cleanly, and serves the same data again with `settings`.
    pub fn restart_with(self, settings: &[(&str, &str)]) -> Org {
        let Org {
            server,
            owner,
            database_url,
            dir,
        } = self;
        assert!(server.terminate().success());
        let server = Server::start_with_admin(dir.path(), database_url.as_deref(), settings);
        Org {
            server,
            owner,
            database_url,
            dir,
        }
    }

    /// Stops the server, which must exit cleanly.
    pub fn stop(self) {
        assert!(self.server.terminate().success());
    }
}

/// `body` with `changes` written over it.
pub fn with(mut body: Value, changes: Value) -> Value {
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

/// Seed 002's example event: every field set, in 2030, codes valid 48 hours after the end.
pub fn seed_002_event() -> Value {
    json!({
        "title": "Annual Conference 2030",
        "description": "Live keynote stream",
        "startsAt": "2030-03-15T09:00:00.000Z",
        "endsAt": "2030-03-15T17:00:00.000Z",
        "accessWindowHours": 48,
        "streamUrl": "https://origin.example.com/live/stream.m3u8",
        "posterUrl": "https://example.com/poster.jpg"
    })
}

/// When seed 002's example event's codes expire (48 hours after its end).
pub const SEED_002_EXPIRY: &str = "2030-03-17T17:00:00.000Z";

/// A seed 001 event body: `title` from `starts_at` to 17:00 on 2030-06-01.
pub fn v1_event(title: &str, starts_at: &str) -> Value {
    json!({
        "title": title,
        "startsAt": starts_at,
        "endsAt": "2030-06-01T17:00:00.000Z",
        "streamUrl": "http://origin.example.com/live.m3u8"
    })
}

/// An event with two batches of codes as a door made them: a labelled batch, and one whose
/// label is a spreadsheet formula.
pub struct WithCodes {
    /// The event as created.
    pub event: Value,
    pub id: String,
    /// `/events/{id}`.
    pub path: String,
    /// `/events/{id}/tokens` (seed 002) or `/events/{id}/codes`.
    pub codes_path: String,
    pub batch: Vec<String>,
    pub formulas: Vec<String>,
}

impl WithCodes {
    fn create(
        client: &Client<'_>,
        body: Value,
        batch: (usize, &str),
        formulas: (usize, &str),
    ) -> Self {
        let event = client.create_event(body);
        let id = event["id"].as_str().unwrap().to_owned();
        let codes = client.door.codes();
        let generate =
            |(count, label)| super::ids(&client.generate(&id, count, Some(label))[codes]);
        let (batch, formulas) = (generate(batch), generate(formulas));
        WithCodes {
            event,
            path: format!("/events/{id}"),
            codes_path: format!("/events/{id}/{codes}"),
            id,
            batch,
            formulas,
        }
    }

    /// Seed 002's example event with five codes labelled `Batch A` and three labelled `=1+2`.
    pub fn seed_002(admin: &Client<'_>) -> Self {
        Self::create(admin, seed_002_event(), (5, "Batch A"), (3, "=1+2"))
    }

    /// The Spring Gala (2030-06-01 from 09:00) with four codes labelled `Press` and three
    /// labelled `@SUM(A1)`; and two later events that day without codes, Summer Fair (10:00)
    /// and Autumn Talk (11:00).
    pub fn spring_gala(api: &Client<'_>) -> Self {
        let gala = Self::create(
            api,
            v1_event("Spring Gala", "2030-06-01T09:00:00.000Z"),
            (4, "Press"),
            (3, "@SUM(A1)"),
        );
        api.create_event(v1_event("Summer Fair", "2030-06-01T10:00:00.000Z"));
        api.create_event(v1_event("Autumn Talk", "2030-06-01T11:00:00.000Z"));
        gala
    }

    /// Every code of the event.
    pub fn codes(&self) -> usize {
        self.batch.len() + self.formulas.len()
    }

    /// Nobody changed the event or its codes: it reads as created, with all its codes unused.
    pub fn assert_untouched(&self, client: &Client<'_>) {
        let count = json!({ "_count": { "tokens": self.codes() } });
        assert_eq!(client.get(&self.path), with(self.event.clone(), count));
        let unused = format!("{}?status=unused", self.codes_path);
        assert_eq!(client.total(&unused), self.codes());
    }
}

/// The CSV row of `code` as the API lists it, with the label as written (a formula quoted) and
/// its status.
pub fn csv_row(code: &Value, label: &str, status: &str) -> String {
    let field = |name: &str| code[name].as_str().unwrap().to_owned();
    format!(
        "{},{label},{status},{},{}",
        field("code"),
        field("createdAt"),
        field("expiresAt")
    )
}
