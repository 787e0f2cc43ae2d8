//! Seed 002's admin flow on a fresh install, exactly as its curl examples go: sign in with
//! `{"password"}` alone, then create an event and mint tokens with no account in sight. The
//! installation always has a default account for it; `/api/v1` keeps asking the superadmin
//! which account it means.

mod common;

use common::{on_both_databases, post_json, send, Server, ADMIN_PASS, ADMIN_USER};
use serde_json::{json, Value};

fn event_body() -> Value {
    json!({
        "title": "Annual Conference 2025",
        "startsAt": "2030-03-15T09:00:00.000Z",
        "endsAt": "2030-03-15T17:00:00.000Z",
    })
}

/// `POST /api/admin/login {"password"}`: the session cookie.
fn password_only_login(server: &Server, password: &str) -> String {
    let reply = post_json(
        &server.app_url("/api/admin/login"),
        &[],
        json!({ "password": password }),
    );
    assert_eq!(reply.answer(), (200, json!({ "success": true })));
    reply.session_cookie().expect("a session cookie").0
}

/// Creates an event, mints two tokens and lists the events, all through seed 002's door.
fn seed_002_admin_writes_work(server: &Server, cookie: &str) {
    let admin = |method: &str, path: &str, body: Option<Value>| {
        send(
            method,
            &server.app_url(&format!("/api/admin{path}")),
            &[("cookie", cookie)],
            body,
        )
    };
    let created = admin("POST", "/events", Some(event_body()));
    assert_eq!(created.status, 201, "{}", created.body);
    let event = created.json();
    assert_eq!(event["title"], "Annual Conference 2025");
    let account_id = event["accountId"].as_str().expect("the default account");
    let id = event["id"].as_str().unwrap();

    let tokens = admin(
        "POST",
        &format!("/events/{id}/tokens"),
        Some(json!({ "count": 2 })),
    );
    assert_eq!(tokens.status, 201, "{}", tokens.body);
    assert_eq!(tokens.json()["count"], 2);

    let listed = admin("GET", "/events", None).json();
    let events = listed["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["id"], id);
    assert_eq!(events[0]["accountId"], account_id);
    assert_eq!(events[0]["_count"], json!({ "tokens": 2 }));
}

#[test]
fn the_break_glass_password_alone_signs_in_and_admin_writes_land_in_the_default_account() {
    on_both_databases(|database_url| {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(dir.path(), database_url);
        let cookie = password_only_login(&server, ADMIN_PASS);
        seed_002_admin_writes_work(&server, &cookie);

        // `/api/v1` still asks the superadmin which account it means.
        let bearer = common::admin::v1_bearer(&server, ADMIN_USER, ADMIN_PASS);
        let reply = post_json(
            &server.app_url("/api/v1/events"),
            &[("authorization", &bearer)],
            event_body(),
        );
        assert_eq!(
            reply.answer(),
            (
                400,
                json!({
                    "statusCode": 400,
                    "message": "accountId is required for the superadmin",
                    "error": "Bad Request",
                })
            )
        );
    });
}

#[test]
fn the_first_owners_password_alone_signs_in_when_no_break_glass_admin_is_set() {
    on_both_databases(|database_url| {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start_with(dir.path(), database_url, &[]);
        let line = server.wait_for_log("first start: created the owner account");
        let password = line
            .split("password=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("the logged password");
        assert_eq!(password.len(), 20, "{line}");

        // A wrong password is still refused with the seed's message.
        let wrong = post_json(
            &server.app_url("/api/admin/login"),
            &[],
            json!({ "password": "not the password" }),
        );
        assert_eq!(
            wrong.answer(),
            (401, json!({ "error": "Invalid password" }))
        );

        let cookie = password_only_login(&server, password);
        seed_002_admin_writes_work(&server, &cookie);
    });
}
