//! `/api/v1` events, access codes and the dashboard through the real server on SQLite and
//! PostgreSQL: seed 001's `{data, error}` envelope and `{statusCode, message, error}` errors,
//! permissions, account scoping, `{items, total, nextCursor}` paging and the CSV export.

mod common;

use std::collections::HashSet;

use common::{create_other_account, create_user, send, v1_bearer, Reply, Server};
use serde_json::{json, Value};

const OWNER_EMAIL: &str = "owner@acme.test";
const OWNER_PASSWORD: &str = "owner password 1";
const VIEWER_EMAIL: &str = "viewer@acme.test";
const VIEWER_PASSWORD: &str = "viewer password 1";
const OTHER_EMAIL: &str = "owner@other.test";
const OTHER_PASSWORD: &str = "other password 1";

/// One client of `/api/v1`, with a bearer credential or none.
struct Client<'a> {
    server: &'a Server,
    authorization: Option<String>,
}

impl Client<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let headers: Vec<(&str, &str)> = self
            .authorization
            .as_deref()
            .map(|value| ("authorization", value))
            .into_iter()
            .collect();
        send(
            method,
            &self.server.app_url(&format!("/api/v1{path}")),
            &headers,
            body,
        )
    }

    /// The `data` of a call that must answer `status` in the envelope.
    fn data(&self, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
        let reply = self.call(method, path, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        let body = reply.json();
        assert_eq!(body["error"], Value::Null, "{body}");
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
        body["data"].clone()
    }

    /// A seed 001 error with exactly this status and message.
    fn refused(&self, method: &str, path: &str, body: Option<Value>, status: u16, message: &str) {
        let reply = self.call(method, path, body);
        assert_eq!(
            (reply.status, reply.json()),
            (status, error_body(status, message)),
            "{method} {path}"
        );
    }

    /// A seed 001 400 whose message names `field`.
    fn names_field(&self, method: &str, path: &str, body: Option<Value>, field: &str) {
        let reply = self.call(method, path, body);
        assert_eq!(reply.status, 400, "{method} {path}: {}", reply.body);
        let body = reply.json();
        assert_eq!(
            (body["statusCode"].as_u64(), body["error"].as_str()),
            (Some(400), Some("Bad Request"))
        );
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(field), "{field} not named in {message:?}");
    }
}

fn error_body(status: u16, message: &str) -> Value {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => unreachable!(),
    };
    json!({ "statusCode": status, "message": message, "error": reason })
}

fn event_body(title: &str, starts_at: &str) -> Value {
    json!({
        "title": title,
        "startsAt": starts_at,
        "endsAt": "2030-06-01T17:00:00.000Z",
        "streamUrl": "http://origin.example.com/live.m3u8"
    })
}

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

fn v1_scenario(database_url: Option<&str>) {
    let data_dir = tempfile::tempdir().unwrap();
    let dir = data_dir.path();
    let owner = create_user(dir, database_url, OWNER_EMAIL, OWNER_PASSWORD, "owner");
    create_user(dir, database_url, VIEWER_EMAIL, VIEWER_PASSWORD, "viewer");
    create_other_account(dir, database_url, OTHER_EMAIL, OTHER_PASSWORD);
    let server = Server::start(dir, database_url);
    let anonymous = Client {
        server: &server,
        authorization: None,
    };
    let api = Client {
        server: &server,
        authorization: Some(v1_bearer(&server, OWNER_EMAIL, OWNER_PASSWORD)),
    };
    let viewer = Client {
        server: &server,
        authorization: Some(v1_bearer(&server, VIEWER_EMAIL, VIEWER_PASSWORD)),
    };
    let other = Client {
        server: &server,
        authorization: Some(v1_bearer(&server, OTHER_EMAIL, OTHER_PASSWORD)),
    };

    for (method, path) in [
        ("GET", "/events"),
        ("POST", "/events"),
        ("GET", "/codes"),
        ("GET", "/dashboard"),
        ("POST", "/codes/bulk-revoke"),
    ] {
        anonymous.refused(method, path, None, 401, "Authentication required");
    }

    // --- Create three events (201 in the envelope); validation names the field.
    let first = api.data(
        "POST",
        "/events",
        Some(event_body("Spring Gala", "2030-06-01T09:00:00.000Z")),
        201,
    );
    assert_eq!(first["title"], "Spring Gala");
    assert_eq!(first["accountId"], owner["accountId"]);
    assert_eq!(first["accessWindowHours"], 48);
    assert_eq!(
        (first["isActive"].as_bool(), first["isArchived"].as_bool()),
        (Some(true), Some(false))
    );
    let event_id = first["id"].as_str().unwrap().to_owned();
    api.data(
        "POST",
        "/events",
        Some(event_body("Summer Fair", "2030-06-01T10:00:00.000Z")),
        201,
    );
    api.data(
        "POST",
        "/events",
        Some(event_body("Autumn Talk", "2030-06-01T11:00:00.000Z")),
        201,
    );
    api.names_field(
        "POST",
        "/events",
        Some(event_body("Bad", "next tuesday")),
        "startsAt",
    );
    api.names_field(
        "POST",
        "/events",
        Some(event_body("Bad", "2030-06-02T09:00:00Z")),
        "endsAt",
    );
    api.names_field(
        "POST",
        "/events",
        Some(event_body(&"t".repeat(201), "2030-06-01T09:00:00Z")),
        "title",
    );
    api.names_field(
        "POST",
        "/events",
        Some(json!({ "title": "x", "startsAt": "2030-06-01T09:00:00Z", "endsAt": "2030-06-01T10:00:00Z", "posterUrl": "file:///etc/passwd" })),
        "posterUrl",
    );
    api.names_field(
        "POST",
        "/events",
        Some(json!({ "title": "x", "endsAt": "2030-06-01T10:00:00Z" })),
        "startsAt",
    );

    // --- Event pages: the latest start first, limit + cursor, offset, total.
    let page = api.data("GET", "/events?limit=2", None, 200);
    assert_eq!(page.as_object().unwrap().len(), 3, "{page}");
    assert_eq!(page["total"], 3);
    let titles: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Autumn Talk", "Summer Fair"]);
    assert_eq!(page["items"][0]["_count"], json!({ "tokens": 0 }));
    let cursor = page["nextCursor"].as_str().unwrap().to_owned();
    let rest = api.data(
        "GET",
        &format!("/events?limit=2&cursor={cursor}"),
        None,
        200,
    );
    assert_eq!(ids(&rest["items"]), vec![event_id.clone()]);
    assert!(rest["nextCursor"].is_null());
    let offset = api.data("GET", "/events?limit=1&offset=1", None, 200);
    assert_eq!(offset["items"][0]["title"], "Summer Fair");
    assert_eq!(
        api.data("GET", "/events?search=GALA", None, 200)["total"],
        1
    );
    api.names_field("GET", "/events?limit=501", None, "limit");
    api.names_field("GET", "/events?archived=perhaps", None, "archived");

    // --- Codes: 201 {codes, count}; the count rule; paging walks every code once.
    let codes_path = format!("/events/{event_id}/codes");
    api.refused(
        "POST",
        &codes_path,
        Some(json!({ "count": 501 })),
        400,
        "Count must be between 1 and 500",
    );
    let made = api.data(
        "POST",
        &codes_path,
        Some(json!({ "count": 4, "label": "Press" })),
        201,
    );
    assert_eq!(made["count"], 4);
    let press = ids(&made["codes"]);
    assert_eq!(press.len(), 4);
    assert_eq!(made["codes"][0]["eventId"], event_id.as_str());
    assert_eq!(made["codes"][0]["expiresAt"], "2030-06-03T17:00:00.000Z");
    let made = api.data(
        "POST",
        &codes_path,
        Some(json!({ "count": 3, "label": "@SUM(A1)" })),
        201,
    );
    let formula = ids(&made["codes"]);
    assert_eq!(
        api.data("GET", &format!("/events/{event_id}"), None, 200)["_count"],
        json!({ "tokens": 7 })
    );

    let mut seen = Vec::new();
    let mut path = "/codes?limit=3".to_owned();
    loop {
        let page = api.data("GET", &path, None, 200);
        assert_eq!(page["total"], 7);
        seen.extend(ids(&page["items"]));
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/codes?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);
    assert!(press.iter().chain(&formula).all(|id| seen.contains(id)));
    let skipped = api.data("GET", &format!("{codes_path}?limit=2&offset=5"), None, 200);
    assert_eq!(ids(&skipped["items"]), seen[5..].to_vec());
    assert_eq!(
        api.data("GET", "/codes?search=press", None, 200)["total"],
        4
    );
    api.names_field("GET", "/codes?status=active", None, "status");
    api.names_field("GET", "/codes?eventId=42", None, "eventId");
    api.names_field("GET", "/codes?cursor=nonsense", None, "cursor");
    let one = api.data("GET", &format!("/codes/{}", press[0]), None, 200);
    assert_eq!(
        (one["id"].as_str(), one["label"].as_str()),
        (Some(press[0].as_str()), Some("Press"))
    );

    // --- Revoke, unrevoke, bulk revoke (codeIds or tokenIds), status filters.
    let revoked = api.data("PATCH", &format!("/codes/{}/revoke", press[0]), None, 200);
    assert_eq!(revoked["isRevoked"], true);
    assert!(revoked["revokedAt"].is_string());
    assert_eq!(
        api.data("GET", "/codes?status=revoked", None, 200)["total"],
        1
    );
    let back = api.data("PATCH", &format!("/codes/{}/unrevoke", press[0]), None, 200);
    assert_eq!(back["isRevoked"], false);
    assert_eq!(
        api.data(
            "POST",
            "/codes/bulk-revoke",
            Some(json!({ "codeIds": &press[..2] })),
            200
        ),
        json!({ "revoked": 2 })
    );
    assert_eq!(
        api.data(
            "POST",
            "/codes/bulk-revoke",
            Some(json!({ "tokenIds": &press[..3] })),
            200
        ),
        json!({ "revoked": 1 })
    );
    let revoked_page = api.data(
        "GET",
        &format!("/codes?status=revoked&eventId={event_id}"),
        None,
        200,
    );
    assert_eq!(revoked_page["total"], 3);
    assert_eq!(
        api.data("GET", "/codes?status=unused", None, 200)["total"],
        4
    );
    api.names_field(
        "POST",
        "/codes/bulk-revoke",
        Some(json!({ "codeIds": [] })),
        "tokenIds",
    );

    // --- CSV export with a bearer token.
    let csv = api.call("GET", &format!("{codes_path}/export"), None);
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"spring-gala-codes.csv\"")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "code,label,status,createdAt,expiresAt");
    assert_eq!(lines.len(), 8);
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.contains(",'@SUM(A1),unused,"))
            .count(),
        3
    );
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.contains(",Press,revoked,"))
            .count(),
        3
    );

    // --- PATCH (or PUT) moves the codes' expiry with the event.
    let changed = api.data(
        "PATCH",
        &format!("/events/{event_id}"),
        Some(json!({ "accessWindowHours": 1 })),
        200,
    );
    assert_eq!(
        (
            changed["accessWindowHours"].as_i64(),
            changed["title"].as_str()
        ),
        (Some(1), Some("Spring Gala"))
    );
    let changed = api.data(
        "PUT",
        &format!("/events/{event_id}"),
        Some(json!({ "endsAt": "2030-06-02T17:00:00.000Z" })),
        200,
    );
    assert_eq!(changed["endsAt"], "2030-06-02T17:00:00.000Z");
    let codes = api.data("GET", &format!("{codes_path}?limit=500"), None, 200);
    assert!(
        codes["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["expiresAt"] == "2030-06-02T18:00:00.000Z"),
        "{codes}"
    );
    api.names_field(
        "PUT",
        &format!("/events/{event_id}"),
        Some(json!({ "startsAt": "nope" })),
        "startsAt",
    );
    api.names_field(
        "PUT",
        &format!("/events/{event_id}"),
        Some(json!({ "accessWindowHours": 500 })),
        "accessWindowHours",
    );

    // --- Switches.
    let path = format!("/events/{event_id}");
    assert_eq!(
        api.data("PATCH", &format!("{path}/deactivate"), None, 200)["isActive"],
        false
    );
    assert_eq!(
        api.data("PATCH", &format!("{path}/archive"), None, 200)["isArchived"],
        true
    );
    assert_eq!(
        api.data("GET", "/events?archived=true", None, 200)["total"],
        1
    );
    assert_eq!(
        api.data("GET", "/events?active=true", None, 200)["total"],
        2
    );
    assert_eq!(
        api.data("GET", "/dashboard", None, 200),
        json!({ "totalEvents": 3, "activeEvents": 2, "totalTokens": 7, "redeemedTokens": 0, "activeViewers": 0 })
    );
    assert_eq!(
        api.data("PATCH", &format!("{path}/unarchive"), None, 200)["isArchived"],
        false
    );
    assert_eq!(
        api.data("PATCH", &format!("{path}/activate"), None, 200)["isActive"],
        true
    );

    // --- Ids: malformed 400, unknown 404.
    let unknown = uuid::Uuid::new_v4();
    api.refused(
        "GET",
        "/events/abc-123",
        None,
        400,
        "The id in the path must be a UUID",
    );
    api.refused(
        "PATCH",
        "/codes/tok-1/revoke",
        None,
        400,
        "The id in the path must be a UUID",
    );
    api.refused(
        "GET",
        &format!("/events/{unknown}"),
        None,
        404,
        "Event not found",
    );
    api.refused(
        "GET",
        &format!("/events/{unknown}/codes"),
        None,
        404,
        "Event not found",
    );
    api.refused(
        "GET",
        &format!("/codes/{unknown}"),
        None,
        404,
        "Access code not found",
    );
    api.refused(
        "PATCH",
        &format!("/codes/{unknown}/unrevoke"),
        None,
        404,
        "Access code not found",
    );

    // --- Viewers: read yes; create, generate, revoke, export no.
    assert_eq!(viewer.data("GET", "/events", None, 200)["total"], 3);
    assert_eq!(viewer.data("GET", &codes_path, None, 200)["total"], 7);
    viewer.refused(
        "POST",
        "/events",
        Some(event_body("V", "2030-06-01T09:00:00Z")),
        403,
        "Missing permission events:write",
    );
    viewer.refused(
        "POST",
        &codes_path,
        Some(json!({ "count": 1 })),
        403,
        "Missing permission codes:create",
    );
    viewer.refused(
        "PATCH",
        &format!("/codes/{}/revoke", press[3]),
        None,
        403,
        "Missing permission codes:revoke",
    );
    viewer.refused(
        "POST",
        "/codes/bulk-revoke",
        Some(json!({ "codeIds": [press[3]] })),
        403,
        "Missing permission codes:revoke",
    );
    viewer.refused(
        "GET",
        &format!("{codes_path}/export"),
        None,
        403,
        "Missing permission codes:export",
    );
    viewer.refused(
        "DELETE",
        &path,
        None,
        403,
        "Missing permission events:delete",
    );

    // --- Another account sees none of it.
    assert_eq!(other.data("GET", "/events", None, 200)["total"], 0);
    assert_eq!(other.data("GET", "/codes", None, 200)["total"], 0);
    assert_eq!(other.data("GET", "/dashboard", None, 200)["totalTokens"], 0);
    other.refused("GET", &path, None, 404, "Event not found");
    other.refused(
        "PATCH",
        &path,
        Some(json!({ "title": "Mine" })),
        404,
        "Event not found",
    );
    other.refused("DELETE", &path, None, 404, "Event not found");
    other.refused("GET", &codes_path, None, 404, "Event not found");
    other.refused(
        "GET",
        &format!("{codes_path}/export"),
        None,
        404,
        "Event not found",
    );
    other.refused(
        "GET",
        &format!("/codes/{}", press[3]),
        None,
        404,
        "Access code not found",
    );
    other.refused(
        "PATCH",
        &format!("/codes/{}/revoke", press[3]),
        None,
        404,
        "Access code not found",
    );
    assert_eq!(
        other.data(
            "POST",
            "/codes/bulk-revoke",
            Some(json!({ "codeIds": [press[3]] })),
            200
        ),
        json!({ "revoked": 0 })
    );

    // --- Delete cascades.
    assert_eq!(
        api.data("DELETE", &path, None, 200),
        json!({ "deleted": true })
    );
    api.refused("GET", &path, None, 404, "Event not found");
    api.refused(
        "GET",
        &format!("/codes?eventId={event_id}"),
        None,
        404,
        "Event not found",
    );
    assert_eq!(api.data("GET", "/codes", None, 200)["total"], 0);
    api.refused(
        "GET",
        &format!("/codes/{}", press[0]),
        None,
        404,
        "Access code not found",
    );
    let stats = api.data("GET", "/dashboard", None, 200);
    assert_eq!(
        (stats["totalEvents"].as_i64(), stats["totalTokens"].as_i64()),
        (Some(2), Some(0))
    );

    assert!(server.terminate().success());
}

#[test]
fn v1_events_and_codes_on_both_databases() {
    common::on_both_databases(v1_scenario);
}
