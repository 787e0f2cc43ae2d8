//! Tips through the real server on SQLite and PostgreSQL: `channel.tips` frames from the fake
//! Astro gateway stored once each (a replay keeps one row), `/api/v1/tips` newest first with
//! its filters, and the live feed `/api/v1/tips/stream`.

mod common;

use std::{
    io::{BufRead, BufReader},
    time::{Duration, Instant},
};

use common::{
    admin::{v1_bearer, Client, Door, Org, OWNER_EMAIL, OWNER_PASSWORD},
    astro::{se_jwt, Answer, FakeAstro},
};
use serde_json::{json, Value};

const V1: Door = Door::V1;
const WAIT: Duration = Duration::from_secs(10);

/// A `channel.tips` payload as StreamElements documents it.
fn tip(id: &str, username: &str, amount: f64, created_at: &str) -> Value {
    json!({
        "donation": {
            "user": { "username": username, "geo": "ZZ", "email": "fan@example.com" },
            "message": format!("from {username}"), "amount": amount, "currency": "EUR",
            "paymentMethod": "scheme",
        },
        "_id": id, "channel": "tipped", "provider": "paypal", "approved": "allowed",
        "status": "success", "createdAt": created_at, "updatedAt": created_at,
        "transactionId": "2YH79902JR1691017",
    })
}

fn subscribe(org: &Org, astro: &FakeAstro) -> String {
    let jwt = se_jwt("tipped");
    astro.answer(&jwt, Answer::Accept);
    let body = json!({ "platform": "youtube", "token": jwt });
    org.owner(V1).ok("POST", "/se-tokens", Some(body), 201);
    astro.wait_until("subscribed", WAIT, |a| a.subscribed("tipped", &jwt));
    jwt
}

fn wait_for_tips(api: &Client<'_>, count: usize) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let tips = api.get("/tips");
        if tips.as_array().unwrap().len() >= count {
            return tips;
        }
        assert!(Instant::now() < deadline, "only {tips}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn tips_are_stored_once_and_listed_newest_first() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = Org::start_with(
            database_url,
            &[("STREAMGATE_SE_ASTRO_URL", astro.url.as_str())],
        );
        let jwt = subscribe(&org, &astro);
        let owner = org.owner(V1);
        astro.send_tip(
            "tipped",
            tip("se-1", "Ann", 4.2, "2025-02-19T15:07:09.302Z"),
        );
        astro.send_tip(
            "tipped",
            tip("se-2", "Bob", 10.0, "2025-02-19T16:00:00.000Z"),
        );
        // A replay after a reconnect is the same tip.
        astro.send_tip(
            "tipped",
            tip("se-1", "Ann", 4.2, "2025-02-19T15:07:09.302Z"),
        );
        let sockets = astro.connections().len();
        astro.send_reconnect();
        astro.wait_until("resumed", WAIT, |a| {
            let resumed = a
                .connections()
                .last()
                .is_some_and(|c| c.reconnect_token.is_some());
            a.connections().len() > sockets && resumed && a.subscribed("tipped", &jwt)
        });
        astro.send_tip(
            "tipped",
            tip("se-1", "Ann", 4.2, "2025-02-19T15:07:09.302Z"),
        );
        astro.send_tip("tipped", tip("se-3", "Cy", 0.5, "2025-02-19T17:00:00.000Z"));
        let tips = wait_for_tips(&owner, 3);
        std::thread::sleep(Duration::from_millis(500));
        let tips_now = owner.get("/tips");
        assert_eq!(tips_now, tips, "a replay added a row");
        let first = &tips[2];
        assert_eq!(
            first,
            &json!({
                "id": first["id"], "platform": "youtube", "username": "Ann", "amount": 4.2,
                "currency": "EUR", "message": "from Ann", "createdAt": "2025-02-19T15:07:09.302Z",
            })
        );
        let names: Vec<&str> = tips
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Cy", "Bob", "Ann"]);

        // Filters and paging.
        let names_of = |path: &str| -> Vec<String> {
            let listed = owner.get(path);
            listed
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["username"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names_of("/tips?limit=1"), ["Cy"]);
        assert_eq!(names_of("/tips?since=2025-02-19T15:30:00Z"), ["Cy", "Bob"]);
        assert_eq!(
            names_of("/tips?before=2025-02-19T17:00:00.000Z&limit=1"),
            ["Bob"]
        );
        assert_eq!(names_of("/tips?platform=youtube&limit=2"), ["Cy", "Bob"]);
        assert!(names_of("/tips?platform=twitch").is_empty());
        owner.bad_request(
            "GET",
            "/tips?since=yesterday",
            None,
            "since must be an RFC 3339 time, e.g. 2025-03-15T09:00:00.000Z",
        );
        owner.bad_request("GET", "/tips?limit=0", None, "limit must be 1 to 500");
        owner.bad_request(
            "GET",
            "/tips?platform=vimeo",
            None,
            "platform must be one of: twitch, youtube, kick, trovo",
        );

        // Tips are the account's own; viewers do not hold tips:read.
        assert_eq!(org.other(V1).get("/tips"), json!([]));
        org.viewer(V1).lacks("GET", "/tips", None, "tips:read");
        org.stop();
    });
}

#[test]
fn the_tip_stream_sends_each_new_tip_as_an_event() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = Org::start_with(
            database_url,
            &[("STREAMGATE_SE_ASTRO_URL", astro.url.as_str())],
        );
        subscribe(&org, &astro);
        let bearer = v1_bearer(&org.server, OWNER_EMAIL, OWNER_PASSWORD);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(WAIT))
            .build()
            .into();
        let response = agent
            .get(&org.server.app_url("/api/v1/tips/stream"))
            .header("authorization", &bearer)
            .call()
            .unwrap();
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut lines = BufReader::new(response.into_body().into_reader()).lines();
        astro.send_tip(
            "tipped",
            tip("live-1", "Dee", 7.5, "2025-03-01T10:00:00.000Z"),
        );
        let mut event = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if line.is_empty() && !event.is_empty() {
                break;
            }
            if !line.starts_with(':') && !line.is_empty() {
                event.push(line);
            }
        }
        assert_eq!(event[0], "event: tip");
        let data: Value = serde_json::from_str(event[1].strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["username"], "Dee");
        assert_eq!(data["amount"], 7.5);
        assert_eq!(data["createdAt"], "2025-03-01T10:00:00.000Z");
        drop(lines);
        org.anonymous(V1)
            .refused("GET", "/tips/stream", None, 401, "Authentication required");
        org.viewer(V1)
            .lacks("GET", "/tips/stream", None, "tips:read");
        org.stop();
    });
}
