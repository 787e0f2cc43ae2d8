//! The StreamElements workers against a fake Astro gateway: reconnect frames and their token,
//! backoff after a drop and after a 429 with `Retry-After`, pongs, transient refusals retried,
//! boot recovery after a restart, and one worker per account across two instances sharing
//! PostgreSQL.

mod common;

use std::time::{Duration, Instant};

use common::{
    admin::{Door, Org},
    astro::{se_jwt, Answer, FakeAstro, Pings},
    Server,
};
use serde_json::json;
use streamgate_domain::{store::DatabaseLocation, testing::TestDatabase};

const V1: Door = Door::V1;
const WAIT: Duration = Duration::from_secs(10);

fn settings(astro: &FakeAstro) -> [(&str, &str); 1] {
    [("STREAMGATE_SE_ASTRO_URL", astro.url.as_str())]
}

/// Stores a subscribed-to-be token for `channel` on Twitch.
fn store_token(org: &Org, astro: &FakeAstro, channel: &str) -> String {
    let jwt = se_jwt(channel);
    astro.answer(&jwt, Answer::Accept);
    let body = json!({ "platform": "twitch", "token": jwt });
    org.owner(V1).ok("POST", "/se-tokens", Some(body), 201);
    astro.wait_until("the worker subscribes", WAIT, |a| {
        a.subscribed(channel, &jwt)
    });
    jwt
}

#[test]
fn a_reconnect_frame_resumes_on_a_new_socket_with_its_token() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = Org::start_with(database_url, &settings(&astro));
        let jwt = store_token(&org, &astro, "reconnecting");
        let before = astro.connections().len();
        let attempts = astro.subscribe_attempts(&jwt);
        astro.send_reconnect();
        astro.wait_until("a resumed socket", WAIT, |a| {
            a.connections().len() > before && a.subscribed("reconnecting", &jwt)
        });
        let resumed = astro.connections().last().cloned().unwrap();
        assert!(resumed.reconnect_token.is_some(), "{resumed:?}");
        // The subscription came back with the socket: it was not asked for again.
        assert_eq!(astro.subscribe_attempts(&jwt), attempts);
        org.stop();
    });
}

#[test]
fn a_dropped_socket_is_reopened_after_a_backoff_and_a_429_is_waited_out() {
    let astro = FakeAstro::start();
    let org = Org::start_with(None, &settings(&astro));
    let jwt = store_token(&org, &astro, "dropping");

    // Dropped: the worker waits at least half a second (1 s with jitter), then subscribes anew.
    astro.refuse_next(429, Some(2));
    let dropped_at = Instant::now();
    astro.drop_connections();
    astro.wait_until("the refused attempt", WAIT, |a| !a.refused_at().is_empty());
    let refused_at = astro.refused_at()[0];
    assert!(
        refused_at - dropped_at >= Duration::from_millis(500),
        "reconnected at once"
    );
    let before = astro.connections().len();
    astro.wait_until("a new socket", WAIT, |a| a.connections().len() > before);
    let reopened = astro.connections().last().unwrap().at;
    // Retry-After: 2 was honoured.
    assert!(
        reopened - refused_at >= Duration::from_secs(2),
        "{:?}",
        reopened - refused_at
    );
    assert!(reopened.elapsed() < WAIT);
    astro.wait_until("subscribed again", WAIT, |a| a.subscribed("dropping", &jwt));
    assert!(astro.subscribe_attempts(&jwt) >= 2);
    org.stop();
}

#[test]
fn pings_are_answered_so_the_gateway_keeps_the_socket() {
    let pings = Pings {
        every: Duration::from_millis(200),
        patience: Duration::from_millis(900),
    };
    let astro = FakeAstro::with_pings(pings);
    let org = Org::start_with(None, &settings(&astro));
    store_token(&org, &astro, "pinged");
    std::thread::sleep(Duration::from_secs(3));
    assert!(astro.pongs() >= 10, "only {} pongs", astro.pongs());
    assert_eq!(
        astro.connections().len(),
        1,
        "the gateway closed an unanswering socket"
    );
    org.stop();
}

#[test]
fn transient_refusals_are_asked_again_until_subscribed() {
    let astro = FakeAstro::start();
    let org = Org::start_with(None, &settings(&astro));
    let jwt = se_jwt("flaky");
    astro.answer(&jwt, Answer::FailFirst("err_internal_error", 2));
    let body = json!({ "platform": "twitch", "token": jwt });
    org.owner(V1).ok("POST", "/se-tokens", Some(body), 201);
    astro.wait_until("subscribed after retries", WAIT, |a| {
        a.subscribed("flaky", &jwt)
    });
    assert_eq!(astro.subscribe_attempts(&jwt), 3);
    assert_eq!(astro.connections().len(), 1, "retried on the same socket");
    org.stop();
}

#[test]
fn a_restarted_server_brings_its_workers_back() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = Org::start_with(database_url, &settings(&astro));
        let jwt = store_token(&org, &astro, "recovered");
        let status = |org: &Org| org.owner(V1).get("/se-tokens")[0]["status"].clone();
        let org = org.restart_with(&[("STREAMGATE_SE_ASTRO_URL", "ws://127.0.0.1:9")]);
        // The last instance stopping left the token shown as stopped; this one cannot connect.
        assert!(["stopped", "error"].contains(&status(&org).as_str().unwrap()));
        let org = org.restart_with(&settings(&astro));
        astro.wait_until("the worker is back", WAIT, |a| {
            a.subscribed("recovered", &jwt)
        });
        let deadline = Instant::now() + WAIT;
        while status(&org) != "subscribed" {
            assert!(
                Instant::now() < deadline,
                "never subscribed after the restart"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        org.stop();
    });
}

#[test]
fn one_instance_runs_an_accounts_worker_and_another_takes_over_when_it_dies() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = runtime.block_on(TestDatabase::postgres()) else {
        return;
    };
    let DatabaseLocation::Postgres { url } = &db.location else {
        unreachable!("a PostgreSQL location")
    };
    let astro = FakeAstro::start();
    let env = [
        ("STREAMGATE_SE_ASTRO_URL", astro.url.as_str()),
        ("STREAMGATE_SE_LEASE_SECONDS", "8"),
        (
            "STREAMGATE_TOKEN_ENCRYPTION_KEY",
            "a key both instances share, 32+ bytes",
        ),
        ("RUST_LOG", "warn,streamgate=info"),
    ];
    let first = Org::start_with(Some(url), &env);
    let second_dir = tempfile::tempdir().unwrap();
    let second = Server::start_with_admin(second_dir.path(), Some(url), &env);
    let jwt = store_token(&first, &astro, "leased");
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(astro.open_sockets(), 1, "exactly one instance connects");
    assert_eq!(astro.connections().len(), 1);
    let started = |lines: Vec<String>| {
        lines
            .iter()
            .any(|l| l.contains("StreamElements worker starting"))
    };
    let first_holds = started(first.server.log_lines());
    let second_holds = started(second.log_lines());
    assert!(
        first_holds != second_holds,
        "one holder, not {first_holds} and {second_holds}"
    );

    // The holder dies without a word; the other takes over within 30 s.
    let killed_at = Instant::now();
    let survivor = if first_holds {
        drop(first);
        second
    } else {
        drop(second);
        first.server
    };
    astro.wait_until("the survivor subscribes", Duration::from_secs(30), |a| {
        a.connections().len() == 2 && a.subscribed("leased", &jwt)
    });
    assert!(killed_at.elapsed() < Duration::from_secs(30));
    assert!(started(survivor.log_lines()));
    drop(survivor);
    drop(db);
}
