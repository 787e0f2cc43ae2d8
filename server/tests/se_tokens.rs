//! StreamElements tokens (seed 000) through the real server on SQLite and PostgreSQL, against
//! a fake Astro gateway: storing, masking, validation and upsert, the worker each change
//! starts, re-subscribes or stops, from REST and from GraphQL alike.

mod common;

use std::time::{Duration, Instant};

use common::{
    admin::{
        v1_bearer, Client, Door, Org, OWNER_EMAIL, OWNER_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD,
    },
    assert_recent_time,
    astro::{se_jwt, Answer, FakeAstro},
    post_json,
};
use serde_json::{json, Value};

const V1: Door = Door::V1;
const WAIT: Duration = Duration::from_secs(10);

fn org_with(astro: &FakeAstro, database_url: Option<&str>) -> Org {
    Org::start_with(
        database_url,
        &[("STREAMGATE_SE_ASTRO_URL", astro.url.as_str())],
    )
}

/// Waits until the listed token on `platform` shows `status`.
fn wait_for_status(api: &Client<'_>, platform: &str, status: &str) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let tokens = api.get("/se-tokens");
        let token = tokens
            .as_array()
            .unwrap()
            .iter()
            .find(|token| token["platform"] == platform)
            .cloned();
        if let Some(token) = token.filter(|token| token["status"] == status) {
            return token;
        }
        assert!(
            Instant::now() < deadline,
            "{platform} never became {status}: {tokens}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_stored_token_is_masked_starts_its_worker_and_is_replaced_in_place() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = org_with(&astro, database_url);
        let owner = org.owner(V1);
        let jwt = se_jwt("channel-one");
        astro.answer(&jwt, Answer::Accept);
        let created = owner.ok(
            "POST",
            "/se-tokens",
            Some(json!({ "platform": "twitch", "token": jwt, "label": "Main channel" })),
            201,
        );
        let hint = format!("eyJh***{}", &jwt[jwt.len() - 4..]);
        assert_recent_time(&created["createdAt"]);
        assert_eq!(
            created,
            json!({
                "id": created["id"], "platform": "twitch", "tokenHint": hint,
                "label": "Main channel", "createdAt": created["createdAt"],
                "updatedAt": created["createdAt"], "status": "connecting",
            })
        );
        astro.wait_until("the worker subscribes", WAIT, |a| {
            a.subscribed("channel-one", &jwt)
        });
        let subscribed = wait_for_status(&owner, "twitch", "subscribed");
        assert_eq!(subscribed["id"], created["id"]);

        // One token per platform: the same platform replaces it and the worker re-subscribes.
        let replacement = se_jwt("channel-two");
        astro.answer(&replacement, Answer::Accept);
        let replaced = owner.ok(
            "POST",
            "/se-tokens",
            Some(json!({ "platform": "twitch", "token": replacement })),
            201,
        );
        assert_eq!(replaced["id"], created["id"]);
        assert_eq!(replaced["createdAt"], created["createdAt"]);
        assert_ne!(replaced["updatedAt"], created["updatedAt"]);
        assert_eq!(replaced["label"], Value::Null);
        astro.wait_until("the new token is subscribed", WAIT, |a| {
            a.subscribed("channel-two", &replacement) && !a.subscribed("channel-one", &jwt)
        });
        assert!(astro.unsubscribed(&jwt));
        let listed = owner.get("/se-tokens");
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        let body = owner.call("GET", "/se-tokens", None).body;
        assert!(
            !body.contains(&replacement) && !body.contains("channel-two"),
            "{body}"
        );

        // Another account sees none of it, and cannot delete it.
        let other = org.other(V1);
        assert_eq!(other.get("/se-tokens"), json!([]));
        let id = created["id"].as_str().unwrap();
        other.refused(
            "DELETE",
            &format!("/se-tokens/{id}"),
            None,
            404,
            "SE token not found",
        );

        // Deleting the last token stops the worker: its socket closes.
        let reply = owner.call("DELETE", &format!("/se-tokens/{id}"), None);
        assert_eq!(reply.status, 204, "{}", reply.body);
        astro.wait_until("the worker stops", WAIT, |a| a.open_sockets() == 0);
        assert_eq!(owner.get("/se-tokens"), json!([]));
        owner.refused(
            "DELETE",
            &format!("/se-tokens/{id}"),
            None,
            404,
            "SE token not found",
        );
        org.stop();
    });
}

#[test]
fn input_is_validated_naming_the_field_and_tokens_are_listed_by_platform() {
    Org::run(V1, |org, owner| {
        let bad = |body: Value, message: &str| {
            owner.bad_request("POST", "/se-tokens", Some(body), message);
        };
        let platforms = "platform must be one of: twitch, youtube, kick, trovo";
        bad(
            json!({ "platform": "facebook", "token": "eyJhbGciOiJI.x.y" }),
            platforms,
        );
        bad(
            json!({ "platform": "Twitch", "token": "eyJhbGciOiJI.x.y" }),
            platforms,
        );
        bad(
            json!({ "platform": "kick", "token": "   " }),
            "token must not be empty",
        );
        bad(
            json!({ "platform": "kick", "token": "" }),
            "token must not be empty",
        );
        let long_label = "x".repeat(101);
        bad(
            json!({ "platform": "kick", "token": "abc", "label": long_label }),
            "label must be at most 100 characters",
        );
        let reply = owner.call("POST", "/se-tokens", Some(json!({ "platform": "kick" })));
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert!(
            reply.json()["message"].as_str().unwrap().contains("token"),
            "{}",
            reply.body
        );

        for (platform, token) in [
            ("youtube", "short"),
            ("kick", "123456789"),
            ("trovo", "12345678"),
        ] {
            let body = json!({ "platform": platform, "token": token });
            owner.ok("POST", "/se-tokens", Some(body), 201);
        }
        let listed = owner.get("/se-tokens");
        let shown: Vec<(&str, &str)> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["platform"].as_str().unwrap(),
                    t["tokenHint"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("kick", "1234***6789"),
                ("trovo", "****"),
                ("youtube", "****")
            ]
        );

        // Only owners and administrators hold the SE-token permissions.
        let viewer = org.viewer(V1);
        viewer.lacks("GET", "/se-tokens", None, "se-tokens:read");
        let body = json!({ "platform": "twitch", "token": "abcdefghij" });
        viewer.lacks("POST", "/se-tokens", Some(body), "se-tokens:create");
        let id = listed[0]["id"].as_str().unwrap();
        viewer.lacks(
            "DELETE",
            &format!("/se-tokens/{id}"),
            None,
            "se-tokens:delete",
        );
        org.anonymous(V1)
            .refused("GET", "/se-tokens", None, 401, "Authentication required");
        owner.refused(
            "DELETE",
            "/se-tokens/not-a-uuid",
            None,
            400,
            "The id in the path must be a UUID",
        );
    });
}

/// Runs a GraphQL request with `authorization`; returns the response body.
fn graphql(org: &Org, authorization: Option<&str>, query: &str, variables: Value) -> Value {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| ("authorization", a))
        .into_iter()
        .collect();
    let url = org.server.app_url("/api/v1/graphql");
    let reply = post_json(
        &url,
        &headers,
        json!({ "query": query, "variables": variables }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{response}"))
}

const CREATE: &str = "mutation($platform: String!, $token: String!, $label: String) { \
    createSeToken(platform: $platform, token: $token, label: $label) \
    { id platform tokenHint label createdAt updatedAt status } }";
const LIST: &str = "{ seTokens { id platform tokenHint label status } }";
const DELETE: &str = "mutation($id: UUID!) { deleteSeToken(id: $id) }";

#[test]
fn graphql_manages_tokens_and_their_worker_like_rest() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = org_with(&astro, database_url);
        let owner = v1_bearer(&org.server, OWNER_EMAIL, OWNER_PASSWORD);
        let jwt = se_jwt("graphql-channel");
        astro.answer(&jwt, Answer::Accept);
        let vars = json!({ "platform": "youtube", "token": jwt, "label": "GQL" });
        let created = graphql(&org, Some(&owner), CREATE, vars);
        let token = &created["data"]["createSeToken"];
        assert_eq!(created["errors"], Value::Null, "{created}");
        assert_eq!(token["platform"], "youtube");
        assert_eq!(
            token["tokenHint"],
            format!("eyJh***{}", &jwt[jwt.len() - 4..])
        );
        assert_eq!(token["label"], "GQL");
        assert_recent_time(&token["createdAt"]);
        // The worker starts from GraphQL as from REST.
        astro.wait_until("the worker subscribes", WAIT, |a| {
            a.subscribed("graphql-channel", &jwt)
        });
        let listed = graphql(&org, Some(&owner), LIST, json!({}));
        assert_eq!(listed["data"]["seTokens"][0]["id"], token["id"]);

        // No field holds the token itself.
        let asked = graphql(&org, Some(&owner), "{ seTokens { token } }", json!({}));
        assert_eq!(error_code(&asked), "BAD_USER_INPUT");

        let anonymous = graphql(&org, None, LIST, json!({}));
        assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
        let viewer = v1_bearer(&org.server, VIEWER_EMAIL, VIEWER_PASSWORD);
        let refused = graphql(&org, Some(&viewer), LIST, json!({}));
        assert_eq!(error_code(&refused), "FORBIDDEN");
        assert_eq!(
            refused["errors"][0]["message"],
            "Missing permission se-tokens:read"
        );
        let bad = graphql(
            &org,
            Some(&owner),
            CREATE,
            json!({ "platform": "myspace", "token": "x" }),
        );
        assert_eq!(error_code(&bad), "BAD_USER_INPUT");
        assert_eq!(bad["errors"][0]["extensions"]["field"], "platform");
        let unknown = json!({ "id": "00000000-0000-4000-8000-000000000000" });
        assert_eq!(
            error_code(&graphql(&org, Some(&owner), DELETE, unknown)),
            "NOT_FOUND"
        );

        let deleted = graphql(&org, Some(&owner), DELETE, json!({ "id": token["id"] }));
        assert_eq!(deleted["data"]["deleteSeToken"], true, "{deleted}");
        astro.wait_until("the worker stops", WAIT, |a| a.open_sockets() == 0);

        // Queries nested past the depth limit are refused before they run.
        let deep = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }";
        let refused = graphql(&org, Some(&owner), deep, json!({}));
        assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused}");
        org.stop();
    });
}

#[test]
fn a_refused_token_is_unauthorized_and_not_asked_again_until_replaced() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = org_with(&astro, database_url);
        let owner = org.owner(V1);
        let bad = se_jwt("refused-channel");
        astro.answer(&bad, Answer::Unauthorized);
        owner.ok(
            "POST",
            "/se-tokens",
            Some(json!({ "platform": "kick", "token": bad })),
            201,
        );
        wait_for_status(&owner, "kick", "unauthorized");
        std::thread::sleep(Duration::from_secs(2));
        assert_eq!(astro.subscribe_attempts(&bad), 1);

        let good = se_jwt("refused-channel");
        let good = format!("{good}x");
        astro.answer(&good, Answer::Accept);
        owner.ok(
            "POST",
            "/se-tokens",
            Some(json!({ "platform": "kick", "token": good })),
            201,
        );
        wait_for_status(&owner, "kick", "subscribed");
        org.stop();
    });
}

#[test]
fn a_token_without_a_channel_claim_shows_an_error() {
    common::on_both_databases(|database_url| {
        let astro = FakeAstro::start();
        let org = org_with(&astro, database_url);
        let owner = org.owner(V1);
        let body = json!({ "platform": "trovo", "token": "not-a-jwt-at-all" });
        owner.ok("POST", "/se-tokens", Some(body), 201);
        wait_for_status(&owner, "trovo", "error");
        assert_eq!(astro.subscribe_attempts("not-a-jwt-at-all"), 0);
        org.stop();
    });
}
