//! Seed 002's admin API for events, tokens and the dashboard, through the real server on SQLite
//! and PostgreSQL: exact paths, status codes and bodies, validation naming the field, the
//! session requirement, roles, account scoping, paging and the CSV export.

mod common;

use std::collections::HashSet;

use common::{
    admin_cookie, create_other_account, create_user, send, v1_bearer, Reply, Server, ADMIN_PASS,
};
use serde_json::{json, Value};

const OWNER_EMAIL: &str = "owner@acme.test";
const OWNER_PASSWORD: &str = "owner password 1";
const VIEWER_EMAIL: &str = "viewer@acme.test";
const VIEWER_PASSWORD: &str = "viewer password 1";
const OTHER_EMAIL: &str = "owner@other.test";
const OTHER_PASSWORD: &str = "other password 1";

/// One signed-in (or not) client of `/api/admin`.
struct Admin<'a> {
    server: &'a Server,
    cookie: Option<String>,
}

impl Admin<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let headers: Vec<(&str, &str)> = self
            .cookie
            .as_deref()
            .map(|cookie| ("cookie", cookie))
            .into_iter()
            .collect();
        send(
            method,
            &self.server.app_url(&format!("/api/admin{path}")),
            &headers,
            body,
        )
    }

    /// The JSON body of a call that must answer `status`.
    fn ok(&self, method: &str, path: &str, body: Option<Value>, status: u16) -> Value {
        let reply = self.call(method, path, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        reply.json()
    }

    /// A call that must fail with `status` and exactly `{"error": message}`.
    fn refused(&self, method: &str, path: &str, body: Option<Value>, status: u16, message: &str) {
        let reply = self.call(method, path, body);
        assert_eq!(
            (reply.status, reply.json()),
            (status, json!({ "error": message })),
            "{method} {path}"
        );
    }

    /// A 400 whose message names `field`.
    fn names_field(&self, method: &str, path: &str, body: Value, field: &str) {
        let body = (!body.is_null()).then_some(body);
        let reply = self.call(method, path, body);
        assert_eq!(reply.status, 400, "{method} {path}: {}", reply.body);
        let message = reply.json()["error"].as_str().unwrap().to_owned();
        assert!(message.contains(field), "{field} not named in {message:?}");
    }
}

fn seed_event() -> Value {
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

fn with(mut body: Value, changes: Value) -> Value {
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

fn ids(tokens: &Value) -> Vec<String> {
    tokens
        .as_array()
        .unwrap()
        .iter()
        .map(|token| token["id"].as_str().unwrap().to_owned())
        .collect()
}

const EVENT_FIELDS: [&str; 13] = [
    "id",
    "title",
    "description",
    "streamUrl",
    "posterUrl",
    "startsAt",
    "endsAt",
    "accessWindowHours",
    "isActive",
    "isArchived",
    "createdAt",
    "updatedAt",
    "accountId",
];

const TOKEN_FIELDS: [&str; 10] = [
    "id",
    "code",
    "eventId",
    "label",
    "isRevoked",
    "revokedAt",
    "redeemedAt",
    "redeemedIp",
    "expiresAt",
    "createdAt",
];

fn has_fields(value: &Value, fields: &[&str]) {
    let object = value.as_object().unwrap();
    for field in fields {
        assert!(object.contains_key(*field), "{field} missing in {value}");
    }
}

fn admin_api_scenario(database_url: Option<&str>) {
    let data_dir = tempfile::tempdir().unwrap();
    let dir = data_dir.path();
    let owner = create_user(dir, database_url, OWNER_EMAIL, OWNER_PASSWORD, "owner");
    create_user(dir, database_url, VIEWER_EMAIL, VIEWER_PASSWORD, "viewer");
    create_other_account(dir, database_url, OTHER_EMAIL, OTHER_PASSWORD);
    let server = Server::start(dir, database_url);
    let anonymous = Admin {
        server: &server,
        cookie: None,
    };
    let admin = Admin {
        server: &server,
        cookie: Some(admin_cookie(&server, Some(OWNER_EMAIL), OWNER_PASSWORD)),
    };
    let viewer = Admin {
        server: &server,
        cookie: Some(admin_cookie(&server, Some(VIEWER_EMAIL), VIEWER_PASSWORD)),
    };
    let other = Admin {
        server: &server,
        cookie: Some(admin_cookie(&server, Some(OTHER_EMAIL), OTHER_PASSWORD)),
    };

    // --- Signed out: 401 everywhere, even with a valid dashboard JWT (the seed says session).
    for (method, path) in [
        ("GET", "/events"),
        ("POST", "/events"),
        ("GET", "/tokens"),
        ("POST", "/tokens/bulk-revoke"),
        ("GET", "/dashboard"),
        ("GET", "/events/not-a-uuid"),
    ] {
        anonymous.refused(method, path, Some(seed_event()), 401, "Unauthorized");
    }
    let bearer = v1_bearer(&server, OWNER_EMAIL, OWNER_PASSWORD);
    let with_jwt = send(
        "GET",
        &server.app_url("/api/admin/events"),
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(
        (with_jwt.status, with_jwt.json()),
        (401, json!({ "error": "Unauthorized" }))
    );

    // --- Create: 201 with the full event object.
    let event = admin.ok("POST", "/events", Some(seed_event()), 201);
    has_fields(&event, &EVENT_FIELDS);
    assert_eq!(event["title"], "Annual Conference 2030");
    assert_eq!(event["description"], "Live keynote stream");
    assert_eq!(
        event["streamUrl"],
        "https://origin.example.com/live/stream.m3u8"
    );
    assert_eq!(event["posterUrl"], "https://example.com/poster.jpg");
    assert_eq!(event["startsAt"], "2030-03-15T09:00:00.000Z");
    assert_eq!(event["endsAt"], "2030-03-15T17:00:00.000Z");
    assert_eq!(event["accessWindowHours"], 48);
    assert_eq!(
        (event["isActive"].as_bool(), event["isArchived"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(event["accountId"], owner["accountId"]);
    let event_id = event["id"].as_str().unwrap().to_owned();
    uuid::Uuid::parse_str(&event_id).unwrap();
    let event_path = format!("/events/{event_id}");

    // --- Validation: 400s naming the field.
    for (changes, field) in [
        (json!({ "startsAt": "tomorrow" }), "startsAt"),
        (json!({ "startsAt": 1742029200 }), "startsAt"),
        (json!({ "endsAt": "2030-03-15 17:00" }), "endsAt"),
        (json!({ "endsAt": "2030-03-15T08:00:00.000Z" }), "endsAt"),
        (json!({ "title": "" }), "title"),
        (json!({ "title": "   " }), "title"),
        (json!({ "title": "x".repeat(201) }), "title"),
        (
            json!({ "streamUrl": "ftp://origin.example.com/x" }),
            "streamUrl",
        ),
        (json!({ "posterUrl": "javascript:alert(1)" }), "posterUrl"),
        (json!({ "accessWindowHours": 0 }), "accessWindowHours"),
    ] {
        admin.names_field("POST", "/events", with(seed_event(), changes), field);
    }
    admin.names_field(
        "POST",
        "/events",
        json!({ "title": "No times", "startsAt": "2030-03-15T09:00:00.000Z" }),
        "endsAt",
    );
    admin.refused(
        "POST",
        "/events",
        Some(with(
            seed_event(),
            json!({ "endsAt": "2030-03-15T09:00:00.000Z" }),
        )),
        400,
        "endsAt must be after startsAt",
    );
    // 200 characters is the most a title may have.
    let long = admin.ok(
        "POST",
        "/events",
        Some(with(seed_event(), json!({ "title": "y".repeat(200) }))),
        201,
    );
    let long_path = format!("/events/{}", long["id"].as_str().unwrap());

    // --- Get, unknown and malformed ids.
    let got = admin.ok("GET", &event_path, None, 200);
    assert_eq!(got["_count"], json!({ "tokens": 0 }));
    assert_eq!(got["title"], event["title"]);
    let unknown = format!("/events/{}", uuid::Uuid::new_v4());
    admin.refused("GET", &unknown, None, 404, "Event not found");
    admin.refused(
        "PUT",
        &unknown,
        Some(json!({ "title": "x" })),
        404,
        "Event not found",
    );
    admin.refused("DELETE", &unknown, None, 404, "Event not found");
    admin.refused(
        "PATCH",
        &format!("{unknown}/activate"),
        None,
        404,
        "Event not found",
    );
    admin.refused(
        "GET",
        &format!("{unknown}/tokens"),
        None,
        404,
        "Event not found",
    );
    admin.refused(
        "POST",
        &format!("{unknown}/tokens"),
        Some(json!({ "count": 1 })),
        404,
        "Event not found",
    );
    admin.refused(
        "GET",
        &format!("{unknown}/tokens/export"),
        None,
        404,
        "Event not found",
    );
    admin.refused("GET", "/events/abc-123", None, 400, "Invalid event id");
    admin.refused(
        "PATCH",
        "/events/abc-123/archive",
        None,
        400,
        "Invalid event id",
    );
    admin.refused(
        "GET",
        "/events/abc-123/tokens",
        None,
        400,
        "Invalid event id",
    );

    // --- Generate: the exact count error, then 201 {"tokens", "count"}.
    let tokens_path = format!("{event_path}/tokens");
    for count in [0, 501, -3] {
        admin.refused(
            "POST",
            &tokens_path,
            Some(json!({ "count": count, "label": "Batch A" })),
            400,
            "Count must be between 1 and 500",
        );
    }
    admin.names_field("POST", &tokens_path, json!({ "count": "many" }), "count");
    let batch = admin.ok(
        "POST",
        &tokens_path,
        Some(json!({ "count": 5, "label": "Batch A" })),
        201,
    );
    assert_eq!(batch["count"], 5);
    let batch_a = ids(&batch["tokens"]);
    assert_eq!(batch_a.len(), 5);
    for token in batch["tokens"].as_array().unwrap() {
        has_fields(token, &TOKEN_FIELDS);
        let code = token["code"].as_str().unwrap();
        assert!(
            code.len() == 12 && code.chars().all(|c| c.is_ascii_alphanumeric()),
            "{code}"
        );
        assert_eq!(token["eventId"], event_id.as_str());
        assert_eq!(token["label"], "Batch A");
        assert_eq!(token["isRevoked"], false);
        assert!(token["revokedAt"].is_null() && token["redeemedAt"].is_null());
        assert!(token["redeemedIp"].is_null());
        assert_eq!(token["expiresAt"], "2030-03-17T17:00:00.000Z");
    }
    let formulas = admin.ok(
        "POST",
        &tokens_path,
        Some(json!({ "count": 3, "label": "=1+2" })),
        201,
    );
    let batch_f = ids(&formulas["tokens"]);
    assert_eq!((formulas["count"].as_i64(), batch_f.len()), (Some(3), 3));

    let got = admin.ok("GET", &event_path, None, 200);
    assert_eq!(got["_count"], json!({ "tokens": 8 }));
    let listed = admin.ok("GET", "/events", None, 200);
    let events = listed["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    let listed_event = events
        .iter()
        .find(|e| e["id"] == event_id.as_str())
        .unwrap();
    has_fields(listed_event, &EVENT_FIELDS);
    assert_eq!(listed_event["_count"], json!({ "tokens": 8 }));

    let event_tokens = admin.ok("GET", &tokens_path, None, 200);
    assert_eq!(event_tokens["tokens"].as_array().unwrap().len(), 8);
    assert_eq!(event_tokens["total"], 8);
    assert!(event_tokens["nextCursor"].is_null());

    // --- Another account: its own things, and ours are not found.
    let theirs = other.ok("POST", "/events", Some(seed_event()), 201);
    let their_path = format!("/events/{}", theirs["id"].as_str().unwrap());
    let their_tokens = other.ok(
        "POST",
        &format!("{their_path}/tokens"),
        Some(json!({ "count": 2 })),
        201,
    );
    let their_ids = ids(&their_tokens["tokens"]);
    assert_eq!(
        other.ok("GET", "/events", None, 200)["events"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(other.ok("GET", "/tokens", None, 200)["total"], 2);
    other.refused("GET", &event_path, None, 404, "Event not found");
    other.refused(
        "PUT",
        &event_path,
        Some(json!({ "title": "Mine" })),
        404,
        "Event not found",
    );
    other.refused(
        "PATCH",
        &format!("{event_path}/deactivate"),
        None,
        404,
        "Event not found",
    );
    other.refused("DELETE", &event_path, None, 404, "Event not found");
    other.refused("GET", &tokens_path, None, 404, "Event not found");
    other.refused(
        "POST",
        &tokens_path,
        Some(json!({ "count": 1 })),
        404,
        "Event not found",
    );
    other.refused(
        "GET",
        &format!("{tokens_path}/export"),
        None,
        404,
        "Event not found",
    );
    other.refused(
        "GET",
        &format!("/tokens?eventId={event_id}"),
        None,
        404,
        "Event not found",
    );
    other.refused(
        "PATCH",
        &format!("/tokens/{}/revoke", batch_a[0]),
        None,
        404,
        "Access code not found",
    );
    assert_eq!(
        other.ok(
            "POST",
            "/tokens/bulk-revoke",
            Some(json!({ "tokenIds": batch_a })),
            200
        ),
        json!({ "revoked": 0 })
    );
    admin.refused("GET", &their_path, None, 404, "Event not found");
    admin.refused(
        "PATCH",
        &format!("/tokens/{}/revoke", their_ids[0]),
        None,
        404,
        "Access code not found",
    );

    // --- Viewers read but may not create, generate, revoke, export or delete.
    assert_eq!(
        viewer.ok("GET", "/events", None, 200)["events"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(viewer.ok("GET", "/tokens", None, 200)["total"], 8);
    viewer.refused(
        "POST",
        "/events",
        Some(seed_event()),
        403,
        "Missing permission events:write",
    );
    viewer.refused(
        "PUT",
        &event_path,
        Some(json!({ "title": "x" })),
        403,
        "Missing permission events:write",
    );
    viewer.refused(
        "PATCH",
        &format!("{event_path}/archive"),
        None,
        403,
        "Missing permission events:write",
    );
    viewer.refused(
        "DELETE",
        &event_path,
        None,
        403,
        "Missing permission events:delete",
    );
    viewer.refused(
        "POST",
        &tokens_path,
        Some(json!({ "count": 1 })),
        403,
        "Missing permission codes:create",
    );
    viewer.refused(
        "GET",
        &format!("{tokens_path}/export"),
        None,
        403,
        "Missing permission codes:export",
    );
    viewer.refused(
        "PATCH",
        &format!("/tokens/{}/revoke", batch_a[0]),
        None,
        403,
        "Missing permission codes:revoke",
    );
    viewer.refused(
        "POST",
        "/tokens/bulk-revoke",
        Some(json!({ "tokenIds": batch_a })),
        403,
        "Missing permission codes:revoke",
    );

    // --- CSV export: header, one row per code, formulas neutralised.
    let csv = admin.call("GET", &format!("{tokens_path}/export"), None);
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"annual-conference-2030-codes.csv\"")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "code,label,status,createdAt,expiresAt");
    assert_eq!(lines.len(), 9, "{}", csv.body);
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.contains(",'=1+2,unused,"))
            .count(),
        3
    );
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.contains(",Batch A,unused,"))
            .count(),
        5
    );
    assert!(!csv.body.contains(",=1+2"), "{}", csv.body);
    assert!(lines[1..]
        .iter()
        .all(|line| line.ends_with(",2030-03-17T17:00:00.000Z")));

    // --- Paging over /api/admin/tokens: limit + cursor visits every code once.
    let mut seen = Vec::new();
    let mut path = "/tokens?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = admin.ok("GET", &path, None, 200);
        assert_eq!(page["total"], 8);
        let page_ids = ids(&page["tokens"]);
        assert!(page_ids.len() <= 3);
        seen.extend(page_ids);
        pages += 1;
        match page["nextCursor"].as_str() {
            Some(cursor) => path = format!("/tokens?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (3, 8));
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 8);
    assert!(batch_a.iter().chain(&batch_f).all(|id| unique.contains(id)));
    let offset = admin.ok("GET", "/tokens?limit=3&offset=6", None, 200);
    assert_eq!(ids(&offset["tokens"]), seen[6..].to_vec());
    assert_eq!(offset["total"], 8);
    let default_page = admin.ok("GET", &format!("{tokens_path}?limit=5"), None, 200);
    assert_eq!(ids(&default_page["tokens"]), seen[..5].to_vec());
    assert!(default_page["nextCursor"].is_string());
    let searched = admin.ok("GET", "/tokens?search=batch", None, 200);
    assert_eq!(searched["total"], 5);
    admin.names_field("GET", "/tokens?limit=0", Value::Null, "limit");
    admin.names_field("GET", "/tokens?limit=501", Value::Null, "limit");
    admin.names_field("GET", "/tokens?offset=-1", Value::Null, "offset");
    admin.names_field("GET", "/tokens?cursor=garbage", Value::Null, "cursor");
    admin.names_field("GET", "/tokens?status=used", Value::Null, "status");
    admin.names_field("GET", "/tokens?eventId=abc-123", Value::Null, "eventId");

    // --- Revoke, unrevoke, bulk revoke, status filters.
    let revoked = admin.ok(
        "PATCH",
        &format!("/tokens/{}/revoke", batch_a[0]),
        None,
        200,
    );
    has_fields(&revoked, &TOKEN_FIELDS);
    assert_eq!(revoked["id"], batch_a[0].as_str());
    assert_eq!(revoked["isRevoked"], true);
    assert!(revoked["revokedAt"].is_string());
    let filtered = admin.ok(
        "GET",
        &format!("/tokens?status=revoked&eventId={event_id}"),
        None,
        200,
    );
    assert_eq!(
        (ids(&filtered["tokens"]), filtered["total"].as_i64()),
        (vec![batch_a[0].clone()], Some(1))
    );
    assert_eq!(
        admin.ok("GET", "/tokens?status=unused", None, 200)["total"],
        7
    );
    assert_eq!(
        admin.ok("GET", &format!("{tokens_path}?status=revoked"), None, 200)["total"],
        1
    );
    let unrevoked = admin.ok(
        "PATCH",
        &format!("/tokens/{}/unrevoke", batch_a[0]),
        None,
        200,
    );
    assert_eq!(unrevoked["isRevoked"], false);
    assert!(unrevoked["revokedAt"].is_null(), "{unrevoked}");
    assert_eq!(
        admin.ok("GET", "/tokens?status=revoked", None, 200)["total"],
        0
    );
    admin.refused(
        "PATCH",
        &format!("/tokens/{}/revoke", uuid::Uuid::new_v4()),
        None,
        404,
        "Access code not found",
    );
    admin.refused(
        "PATCH",
        "/tokens/tok-uuid/unrevoke",
        None,
        400,
        "Invalid token id",
    );

    let three = &batch_a[1..4];
    assert_eq!(
        admin.ok(
            "POST",
            "/tokens/bulk-revoke",
            Some(json!({ "tokenIds": three })),
            200
        ),
        json!({ "revoked": 3 })
    );
    // Already revoked ones, and another account's, do not count again.
    let mut again: Vec<String> = three.to_vec();
    again.push(batch_a[4].clone());
    again.push(their_ids[0].clone());
    assert_eq!(
        admin.ok(
            "POST",
            "/tokens/bulk-revoke",
            Some(json!({ "tokenIds": again })),
            200
        ),
        json!({ "revoked": 1 })
    );
    assert_eq!(
        other.ok("GET", "/tokens?status=revoked", None, 200)["total"],
        0
    );
    assert_eq!(
        admin.ok("GET", "/tokens?status=revoked", None, 200)["total"],
        4
    );
    admin.names_field(
        "POST",
        "/tokens/bulk-revoke",
        json!({ "tokenIds": [] }),
        "tokenIds",
    );
    admin.names_field(
        "POST",
        "/tokens/bulk-revoke",
        json!({ "tokenIds": ["tok-1"] }),
        "tokenIds",
    );

    // --- PUT is partial; moving endsAt or the access window moves the codes' expiry.
    let updated = admin.ok(
        "PUT",
        &event_path,
        Some(json!({ "endsAt": "2030-03-16T17:00:00.000Z", "accessWindowHours": 72 })),
        200,
    );
    assert_eq!(updated["endsAt"], "2030-03-16T17:00:00.000Z");
    assert_eq!(updated["accessWindowHours"], 72);
    assert_eq!(updated["title"], "Annual Conference 2030");
    assert_eq!(updated["posterUrl"], "https://example.com/poster.jpg");
    let moved = admin.ok("GET", &format!("{tokens_path}?limit=500"), None, 200);
    assert!(
        moved["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|token| token["expiresAt"] == "2030-03-19T17:00:00.000Z"),
        "{moved}"
    );
    let renamed = admin.ok(
        "PUT",
        &event_path,
        Some(json!({ "title": "Updated Title", "posterUrl": null })),
        200,
    );
    assert_eq!(renamed["title"], "Updated Title");
    assert!(renamed["posterUrl"].is_null());
    assert_eq!(renamed["accessWindowHours"], 72);
    admin.names_field("PUT", &event_path, json!({ "endsAt": "soon" }), "endsAt");
    admin.names_field(
        "PUT",
        &event_path,
        json!({ "startsAt": "2031-01-01T00:00:00Z" }),
        "endsAt",
    );
    admin.names_field("PUT", &event_path, json!({ "title": "" }), "title");
    admin.names_field(
        "PUT",
        &event_path,
        json!({ "streamUrl": "not a url" }),
        "streamUrl",
    );

    // --- Switches.
    let off = admin.ok("PATCH", &format!("{event_path}/deactivate"), None, 200);
    assert_eq!(
        (off["isActive"].as_bool(), off["isArchived"].as_bool()),
        (Some(false), Some(false))
    );
    let on = admin.ok("PATCH", &format!("{event_path}/activate"), None, 200);
    assert_eq!(on["isActive"], true);
    let archived = admin.ok("PATCH", &format!("{long_path}/archive"), None, 200);
    assert_eq!(archived["isArchived"], true);
    let only_archived = admin.ok("GET", "/events?archived=true", None, 200);
    assert_eq!(
        ids(&only_archived["events"]),
        vec![long["id"].as_str().unwrap().to_owned()]
    );
    assert_eq!(
        admin.ok("GET", "/events?archived=false", None, 200)["events"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        admin.ok("GET", "/events?search=updated", None, 200)["events"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    admin.names_field("GET", "/events?active=maybe", Value::Null, "active");

    // --- Dashboard: events 2 (1 active and unarchived), 8 tokens, none redeemed.
    assert_eq!(
        admin.ok("GET", "/dashboard", None, 200),
        json!({
            "totalEvents": 2,
            "activeEvents": 1,
            "totalTokens": 8,
            "redeemedTokens": 0,
            "activeViewers": 0
        })
    );
    let unarchived = admin.ok("PATCH", &format!("{long_path}/unarchive"), None, 200);
    assert_eq!(unarchived["isArchived"], false);
    assert_eq!(admin.ok("GET", "/dashboard", None, 200)["activeEvents"], 2);
    assert_eq!(other.ok("GET", "/dashboard", None, 200)["totalTokens"], 2);

    // --- An expired code cannot be un-revoked.
    let past = admin.ok(
        "POST",
        "/events",
        Some(with(
            seed_event(),
            json!({ "title": "Last year", "startsAt": "2020-03-15T09:00:00Z", "endsAt": "2020-03-15T17:00:00Z" }),
        )),
        201,
    );
    let past_path = format!("/events/{}", past["id"].as_str().unwrap());
    let old = admin.ok(
        "POST",
        &format!("{past_path}/tokens"),
        Some(json!({ "count": 1 })),
        201,
    );
    let old_id = old["tokens"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        admin.ok(
            "GET",
            &format!("{past_path}/tokens?status=expired"),
            None,
            200
        )["total"],
        1
    );
    assert_eq!(
        admin.ok("GET", "/tokens?status=expired", None, 200)["total"],
        1
    );
    admin.ok("PATCH", &format!("/tokens/{old_id}/revoke"), None, 200);
    admin.refused(
        "PATCH",
        &format!("/tokens/{old_id}/unrevoke"),
        None,
        400,
        "An expired access code cannot be un-revoked",
    );

    // --- The break-glass superadmin names the account.
    let superadmin = Admin {
        server: &server,
        cookie: Some(admin_cookie(&server, None, ADMIN_PASS)),
    };
    superadmin.refused(
        "POST",
        "/events",
        Some(seed_event()),
        400,
        "accountId is required for the superadmin",
    );
    let placed = superadmin.ok(
        "POST",
        "/events",
        Some(with(
            seed_event(),
            json!({ "accountId": owner["accountId"] }),
        )),
        201,
    );
    assert_eq!(placed["accountId"], owner["accountId"]);
    assert_eq!(
        superadmin.ok("GET", "/events", None, 200)["events"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // Members naming another account find nothing there.
    let their_account = other.ok("GET", "/events", None, 200)["events"][0]["accountId"].clone();
    admin.refused(
        "POST",
        "/events",
        Some(with(seed_event(), json!({ "accountId": their_account }))),
        404,
        "Account not found",
    );

    // --- Delete cascades to the codes.
    assert_eq!(admin.ok("GET", "/tokens", None, 200)["total"], 9);
    assert_eq!(
        admin.ok("DELETE", &event_path, None, 200),
        json!({ "deleted": true })
    );
    admin.refused("GET", &event_path, None, 404, "Event not found");
    admin.refused("DELETE", &event_path, None, 404, "Event not found");
    let left = admin.ok("GET", "/tokens?limit=500", None, 200);
    assert_eq!(
        (left["total"].as_i64(), ids(&left["tokens"])),
        (Some(1), vec![old_id.clone()])
    );
    admin.refused(
        "PATCH",
        &format!("/tokens/{}/revoke", batch_a[0]),
        None,
        404,
        "Access code not found",
    );
    let stats = admin.ok("GET", "/dashboard", None, 200);
    assert_eq!(
        (stats["totalEvents"].as_i64(), stats["totalTokens"].as_i64()),
        (Some(3), Some(1))
    );

    assert!(server.terminate().success());
}

#[test]
fn admin_events_and_tokens_on_both_databases() {
    common::on_both_databases(admin_api_scenario);
}
