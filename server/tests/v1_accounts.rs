//! `/api/v1/accounts` and account quotas through the real server on SQLite and PostgreSQL:
//! who sees and changes which account, the usage route, `STREAMGATE_DEFAULT_QUOTAS`, and the
//! 429 every door answers past a limit (seed 001's with the numbers, seed 002's admin
//! `{"error"}`, the viewer API's plain refusal), also under parallel requests.

mod common;

use common::{
    admin::{v1_bearer, v1_event, Client, Door, Org, OWNER_EMAIL, OWNER_PASSWORD},
    assert_recent_time, fails_saying, send, streamgate,
    viewing::Stage,
};
use serde_json::{json, Value};

const V1: Door = Door::V1;
const QUOTAS: (&str, &str) = (
    "STREAMGATE_DEFAULT_QUOTAS",
    "maxEvents=2,maxCodes=10,maxConcurrentViewers=1",
);

fn unlimited() -> Value {
    json!({ "maxEvents": -1, "maxCodes": -1, "maxConcurrentViewers": -1 })
}

fn quota_error(metric: &str, limit: i64, used: i64) -> Value {
    json!({
        "statusCode": 429,
        "message": "quota_exceeded",
        "error": "Too Many Requests",
        "metric": metric,
        "limit": limit,
        "used": used,
    })
}

fn account_id(org: &Org) -> String {
    org.owner["accountId"].as_str().unwrap().to_owned()
}

/// The other account's id, as its owner sees it.
fn other_account(org: &Org) -> String {
    let accounts = org.other(V1).get("/accounts");
    accounts[0]["id"].as_str().unwrap().to_owned()
}

/// The account's audit trail, newest first, without the sign-ins.
fn changes(superadmin: &Client<'_>, account_id: &str) -> Vec<Value> {
    let trail = superadmin.get(&format!("/audit?accountId={account_id}"));
    let entries = trail.as_array().unwrap().iter().cloned();
    entries
        .filter(|entry| !entry["action"].as_str().unwrap().starts_with("sign_in."))
        .collect()
}

#[test]
fn a_member_sees_their_own_account_and_the_superadmin_sees_all() {
    Org::run(V1, |org, api| {
        let own = api.get("/accounts");
        assert_recent_time(&own[0]["createdAt"]);
        assert_eq!(
            own,
            json!([{
                "id": account_id(org),
                "name": "StreamGate",
                "createdAt": own[0]["createdAt"],
                "quotas": unlimited(),
            }])
        );
        let all = org.superadmin(V1).get("/accounts");
        let names: Vec<&str> = common::texts(&all, "name");
        assert_eq!(names, ["StreamGate", "Other Org"]);
        assert_eq!(all[0], own[0]);
        assert_eq!(
            org.viewer(V1)
                .get(&format!("/accounts/{}", account_id(org))),
            own[0]
        );
    });
}

#[test]
fn another_accounts_id_is_404_and_a_non_uuid_400() {
    Org::run(V1, |org, api| {
        let other = other_account(org);
        for path in [
            format!("/accounts/{other}"),
            format!("/accounts/{other}/usage"),
        ] {
            api.refused("GET", &path, None, 404, "Account not found");
        }
        let rename = json!({ "name": "Mine now" });
        api.refused(
            "PATCH",
            &format!("/accounts/{other}"),
            Some(rename),
            404,
            "Account not found",
        );
        let bad = "The id in the path must be a UUID";
        api.bad_request("GET", "/accounts/not-a-uuid", None, bad);
        api.bad_request("GET", "/accounts/not-a-uuid/usage", None, bad);
    });
}

#[test]
fn the_superadmin_creates_an_account_with_its_owner_audited() {
    Org::run(V1, |org, api| {
        let superadmin = org.superadmin(V1);
        let input = json!({
            "name": "Beta Org",
            "owner": { "email": "Founder@Beta.test", "password": "founder password 1" }
        });
        let reply = superadmin.call("POST", "/accounts", Some(input.clone()));
        assert_eq!(reply.status, 201, "{}", reply.body);
        let body = reply.json();
        let id = body["data"]["id"].as_str().unwrap().to_owned();
        uuid::Uuid::parse_str(&id).unwrap();
        assert_recent_time(&body["data"]["createdAt"]);
        assert_eq!(
            body,
            json!({
                "data": {
                    "id": id,
                    "name": "Beta Org",
                    "createdAt": body["data"]["createdAt"],
                    "quotas": unlimited(),
                },
                "error": null,
            })
        );
        // The owner signs in to the new account, and only sees it.
        let bearer = v1_bearer(&org.server, "founder@beta.test", "founder password 1");
        let founder = Client::with_header(&org.server, V1, "authorization", bearer);
        assert_eq!(common::ids(&founder.get("/accounts")), [id.as_str()]);
        let trail = changes(&superadmin, &id);
        let actions: Vec<&str> = trail
            .iter()
            .map(|entry| entry["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["user.created", "account.created"]);
        assert_eq!(trail[1]["actor"], "superadmin");
        assert_eq!(trail[1]["target"], format!("account:{id} (Beta Org)"));

        // Members may not; bad input names the problem; the owner's email must be new.
        let message = "Only the superadmin can create accounts";
        api.refused("POST", "/accounts", Some(input.clone()), 403, message);
        let conflict = "a user with this email already exists";
        superadmin.refused("POST", "/accounts", Some(input), 409, conflict);
        for (body, message) in [
            (
                json!({ "name": " ", "owner": { "email": "a@b.test", "password": "long enough 1" } }),
                "account name must be 1 to 100 characters",
            ),
            (
                json!({ "name": "Gamma", "owner": { "email": "nobody", "password": "long enough 1" } }),
                "email must be an address like name@example.com",
            ),
        ] {
            superadmin.bad_request("POST", "/accounts", Some(body), message);
        }
        let missing = superadmin.call("POST", "/accounts", Some(json!({ "name": "Gamma" })));
        assert_eq!(
            (missing.status, &missing.json()["statusCode"]),
            (400, &json!(400))
        );
        assert_eq!(superadmin.get("/accounts").as_array().unwrap().len(), 3);
    });
}

#[test]
fn owners_rename_and_only_the_superadmin_sets_quotas() {
    Org::run(V1, |org, api| {
        let path = format!("/accounts/{}", account_id(org));
        let renamed = api.ok("PATCH", &path, Some(json!({ "name": "Acme Live" })), 200);
        assert_eq!(
            (renamed["name"].as_str(), &renamed["quotas"]),
            (Some("Acme Live"), &unlimited())
        );
        let quotas = json!({ "quotas": { "maxEvents": 5 } });
        let message = "Only the superadmin can change quotas";
        api.refused("PATCH", &path, Some(quotas.clone()), 403, message);
        let viewer = org.viewer(V1);
        let message = "Only an owner can rename the account";
        viewer.refused(
            "PATCH",
            &path,
            Some(json!({ "name": "Mine" })),
            403,
            message,
        );

        let superadmin = org.superadmin(V1);
        let patch = json!({ "quotas": { "maxEvents": 5, "maxCodes": 0 } });
        let changed = superadmin.ok("PATCH", &path, Some(patch), 200);
        assert_eq!(
            changed,
            json!({
                "id": account_id(org),
                "name": "Acme Live",
                "createdAt": renamed["createdAt"],
                "quotas": { "maxEvents": 5, "maxCodes": 0, "maxConcurrentViewers": -1 },
            })
        );
        // null is the default again.
        let reset = json!({ "quotas": { "maxCodes": null } });
        let reset = superadmin.ok("PATCH", &path, Some(reset), 200);
        assert_eq!(reset["quotas"]["maxCodes"], -1);
        let message = "quotas.maxEvents must be -1 (unlimited), a whole number of 0 or more, or null (the default)";
        let bad = json!({ "quotas": { "maxEvents": -5 } });
        superadmin.bad_request("PATCH", &path, Some(bad), message);
        let message = "Nothing to change: send name and/or quotas";
        superadmin.bad_request("PATCH", &path, Some(json!({})), message);

        let trail = changes(&superadmin, &account_id(org));
        let actions: Vec<&str> = trail
            .iter()
            .map(|entry| entry["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions[..3],
            [
                "account.quotas_changed",
                "account.quotas_changed",
                "account.renamed"
            ]
        );
    });
}

#[test]
fn default_quotas_apply_and_usage_counts_the_account() {
    Org::run_with(V1, &[QUOTAS], |org, api| {
        let id = account_id(org);
        let event = api.create_event(v1_event("Gala", "2030-06-01T09:00:00.000Z"));
        api.generate(event["id"].as_str().unwrap(), 3, None);
        let usage = api.call("GET", &format!("/accounts/{id}/usage"), None);
        assert_eq!(
            usage.answer(),
            (
                200,
                json!({
                    "data": {
                        "accountId": id,
                        "quotas": { "maxEvents": 2, "maxCodes": 10, "maxConcurrentViewers": 1 },
                        "usage": { "events": 1, "codes": 3, "concurrentViewers": 0 },
                    },
                    "error": null,
                })
            )
        );
        // usage:read is every role's; the other account's own count is untouched.
        let by_viewer = org.viewer(V1).get(&format!("/accounts/{id}/usage"));
        assert_eq!(by_viewer["usage"]["codes"], 3);
        let other = other_account(org);
        let theirs = org.other(V1).get(&format!("/accounts/{other}/usage"));
        assert_eq!(
            theirs["usage"],
            json!({ "events": 0, "codes": 0, "concurrentViewers": 0 })
        );
        assert_eq!(org.other(V1).get("/accounts")[0]["quotas"]["maxEvents"], 2);
    });
}

#[test]
fn past_a_quota_v1_answers_429_with_metric_limit_and_used() {
    Org::run_with(V1, &[QUOTAS], |org, api| {
        let event = api.create_event(v1_event("Gala", "2030-06-01T09:00:00.000Z"));
        let event_id = event["id"].as_str().unwrap();
        api.create_event(v1_event("Fair", "2030-06-01T10:00:00.000Z"));
        let body = v1_event("Talk", "2030-06-01T11:00:00.000Z");
        let refused = api.call("POST", "/events", Some(body.clone()));
        assert_eq!(refused.answer(), (429, quota_error("events", 2, 2)));
        // The superadmin is held to it too.
        let superadmin = org.superadmin(V1);
        let mut body = body;
        body["accountId"] = json!(account_id(org));
        let refused = superadmin.call("POST", "/events", Some(body));
        assert_eq!(refused.answer(), (429, quota_error("events", 2, 2)));

        api.generate(event_id, 8, None);
        let codes = format!("/events/{event_id}/codes");
        let refused = api.call("POST", &codes, Some(json!({ "count": 5 })));
        assert_eq!(refused.answer(), (429, quota_error("codes", 10, 8)));
        assert_eq!(api.total(&format!("/codes?eventId={event_id}")), 8);
        // What fits still goes in, up to the limit.
        api.generate(event_id, 2, None);
    });
}

#[test]
fn parallel_creates_through_the_server_leave_exactly_the_limit() {
    Org::run_with(V1, &[QUOTAS], |org, _| {
        let bearer = v1_bearer(&org.server, OWNER_EMAIL, OWNER_PASSWORD);
        let url = org.server.app_url("/api/v1/events");
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let attempts: Vec<_> = (0..8)
                .map(|n| {
                    let (url, bearer) = (&url, &bearer);
                    scope.spawn(move || {
                        let body = v1_event(&format!("Event {n}"), "2030-06-01T09:00:00.000Z");
                        send("POST", url, &[("authorization", bearer)], Some(body)).status
                    })
                })
                .collect();
            attempts.into_iter().map(|a| a.join().unwrap()).collect()
        });
        let created = statuses.iter().filter(|s| **s == 201).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!((created, refused), (2, 6), "{statuses:?}");
        assert_eq!(org.owner(V1).total("/events"), 2);
    });
}

#[test]
fn past_a_quota_the_admin_door_and_validate_answer_429_in_seed_002_words() {
    Stage::run(&[QUOTAS], |stage| {
        let (event_id, codes) = stage.live_event(8);
        let tokens = format!("/events/{event_id}/tokens");
        let refused = stage.admin("POST", &tokens, Some(json!({ "count": 5 })));
        let message = "Quota exceeded: codes (limit 10, used 8)";
        assert_eq!(refused.answer(), (429, json!({ "error": message })));
        stage.live_event(2);
        let refused = stage.admin(
            "POST",
            "/events",
            Some(v1_event("Third", "2030-06-01T09:00:00Z")),
        );
        let message = "Quota exceeded: events (limit 2, used 2)";
        assert_eq!(refused.answer(), (429, json!({ "error": message })));

        // One concurrent viewer: the second code is refused while the first watches.
        stage.token(codes[0]["code"].as_str().unwrap());
        let second = stage.validate(codes[1]["code"].as_str().unwrap());
        let message = "This event has reached its viewer limit";
        assert_eq!(second.answer(), (429, json!({ "error": message })));
        assert_eq!(second.header("retry-after"), None);
    });
}

#[test]
fn bad_default_quotas_refuse_to_start_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    for (value, says) in [
        ("maxApps=3", "unknown quota `maxApps`"),
        (
            "maxCodes=lots",
            "maxCodes=lots: a quota is -1 (unlimited) or a whole number of 0 or more",
        ),
        ("maxEvents=-2", "maxEvents=-2"),
    ] {
        let mut command = streamgate(dir.path(), None);
        command.arg("serve").env("STREAMGATE_DEFAULT_QUOTAS", value);
        let stderr = fails_saying(command, says);
        assert!(stderr.contains("STREAMGATE_DEFAULT_QUOTAS"), "{stderr}");
    }
}
