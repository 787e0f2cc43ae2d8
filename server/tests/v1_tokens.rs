//! `/api/v1/tokens` through the real server on SQLite and PostgreSQL: a token shown once and
//! stored only as a digest, what it acts as, the seed's one 401 for every refused token,
//! revocation, allowed addresses, `lastUsedAt`, and the command line's install-time token.

mod common;

use std::{thread::sleep, time::Duration};

use common::{
    admin::{v1_error, v1_event, Client, Door, Org},
    assert_recent_time,
};
use serde_json::{json, Value};

const V1: Door = Door::V1;
const REFUSED: &str = "Invalid or revoked API token";

fn bearer<'a>(org: &'a Org, token: &str) -> Client<'a> {
    Client::with_header(&org.server, V1, "authorization", format!("Bearer {token}"))
}

fn mint(api: &Client<'_>, body: Value) -> Value {
    api.ok("POST", "/tokens", Some(body), 201)
}

fn token_of(minted: &Value) -> String {
    minted["token"].as_str().unwrap().to_owned()
}

/// `sk_` and 43 characters of unpadded base64url.
fn assert_token(token: &str) {
    let body = token.strip_prefix("sk_").expect("sk_ prefix");
    assert_eq!(body.len(), 43, "{token}");
    assert!(
        body.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{token}"
    );
}

fn assert_refused_token(client: &Client<'_>) {
    for (method, path) in [("GET", "/events"), ("GET", "/tokens"), ("GET", "/auth/me")] {
        let reply = client.call(method, path, None);
        assert_eq!(reply.answer(), (401, v1_error(401, REFUSED)), "{path}");
    }
}

#[test]
fn a_minted_token_is_shown_once_and_lists_show_only_its_prefix() {
    Org::run(V1, |org, owner| {
        let account_id = org.owner["accountId"].as_str().unwrap();
        let minted = mint(owner, json!({ "name": "Ticket shop", "scope": "account" }));
        let token = token_of(&minted);
        assert_token(&token);
        assert_recent_time(&minted["createdAt"]);
        assert_eq!(
            minted,
            json!({
                "id": minted["id"],
                "name": "Ticket shop",
                "scope": "account",
                "accountId": account_id,
                "role": "owner",
                "prefix": &token[..8],
                "token": token,
                "allowedIps": [],
                "createdAt": minted["createdAt"],
                "expiresAt": null,
                "lastUsedAt": null,
            })
        );
        let listed = owner.get("/tokens");
        let mut shown = minted.clone();
        shown.as_object_mut().unwrap().remove("token");
        assert_eq!(listed, json!([shown]), "no token field in lists");
        assert!(!listed.to_string().contains(&token[8..]));

        // The token works on /api/v1 as its account's owner would.
        let shop = bearer(org, &token);
        let event = shop.create_event(v1_event("Spring Gala", "2030-06-01T09:00:00.000Z"));
        assert_eq!(event["accountId"], account_id);
        let me = shop.get("/auth/me");
        assert_eq!(
            (&me["accountId"], &me["role"], &me["via"]),
            (&json!(account_id), &json!("owner"), &json!("api_token"))
        );
        let audit = owner.get("/audit");
        let actions: Vec<&str> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|entry| entry["action"].as_str())
            .collect();
        assert!(actions.contains(&"api_token.created"), "{actions:?}");
        let created_by_token = audit.as_array().unwrap().iter().any(|entry| {
            entry["action"] == "event.created"
                && entry["actor"] == format!("api_token:{}", minted["id"].as_str().unwrap())
        });
        assert!(created_by_token, "{audit}");
    });
}

#[test]
fn a_token_acts_with_its_role_and_never_above_its_minters() {
    Org::run(V1, |org, owner| {
        let viewer_token = token_of(&mint(
            owner,
            json!({ "name": "Reader", "scope": "account", "role": "viewer" }),
        ));
        let reader = bearer(org, &viewer_token);
        assert_eq!(reader.get("/events"), owner.get("/events"));
        reader.lacks(
            "POST",
            "/events",
            Some(v1_event("Nope", "2030-06-01T09:00:00.000Z")),
            "events:write",
        );
        reader.lacks(
            "POST",
            "/tokens",
            Some(json!({ "name": "x", "scope": "account" })),
            "api-tokens:create",
        );
        org.viewer(V1)
            .lacks("GET", "/tokens", None, "api-tokens:read");

        // An administrator may mint up to administrator, not owner; nobody but the
        // superadmin mints a global token.
        owner.ok(
            "POST",
            "/users",
            Some(json!({ "email": "admin@acme.test", "password": "admin password 1", "role": "administrator" })),
            201,
        );
        let admin = Client::sign_in(&org.server, V1, Some("admin@acme.test"), "admin password 1");
        let mine = mint(&admin, json!({ "name": "Mine", "scope": "account" }));
        assert_eq!(
            mine["role"], "administrator",
            "the minter's role by default"
        );
        admin.refused(
            "POST",
            "/tokens",
            Some(json!({ "name": "Up", "scope": "account", "role": "owner" })),
            403,
            "A token cannot have a role above its minter's",
        );
        owner.refused(
            "POST",
            "/tokens",
            Some(json!({ "name": "All", "scope": "global" })),
            403,
            "Only the superadmin can mint a global token",
        );
        // Another account is out of reach.
        let other_account = org.other(V1).get("/auth/me")["accountId"].clone();
        owner.refused(
            "POST",
            "/tokens",
            Some(json!({ "name": "Theirs", "scope": "account", "accountId": other_account })),
            404,
            "Account not found",
        );
        for (body, message) in [
            (
                json!({ "name": "", "scope": "account" }),
                "name must be 1 to 100 characters",
            ),
            (
                json!({ "name": "x".repeat(101), "scope": "account" }),
                "name must be 1 to 100 characters",
            ),
            (
                json!({ "name": "x", "scope": "account", "allowedIps": ["10.0.0.0/33"] }),
                "`10.0.0.0/33` is neither an IP address nor a CIDR range",
            ),
            (
                json!({ "name": "x", "scope": "account", "expiresAt": "2020-01-01T00:00:00Z" }),
                "expiresAt must be in the future",
            ),
        ] {
            owner.bad_request("POST", "/tokens", Some(body), message);
        }
    });
}

#[test]
fn a_global_token_acts_as_the_superadmin_and_the_superadmin_sees_every_token() {
    Org::run(V1, |org, owner| {
        let superadmin = org.superadmin(V1);
        let global = mint(&superadmin, json!({ "name": "Ops", "scope": "global" }));
        assert_eq!(
            (&global["accountId"], &global["role"]),
            (&Value::Null, &Value::Null)
        );
        let ops = bearer(org, &token_of(&global));
        let me = ops.get("/auth/me");
        assert_eq!(
            (&me["isSuperadmin"], &me["via"]),
            (&json!(true), &json!("api_token"))
        );
        let account_id = org.owner["accountId"].as_str().unwrap();
        let for_shop = mint(
            &ops,
            json!({ "name": "Shop", "scope": "account", "accountId": account_id, "role": "editor" }),
        );
        assert_eq!(
            (&for_shop["accountId"], &for_shop["role"]),
            (&json!(account_id), &json!("editor"))
        );
        let everything: Vec<Value> = superadmin.get("/tokens").as_array().unwrap().clone();
        assert_eq!(everything.len(), 2);
        let owners: Vec<Value> = owner.get("/tokens").as_array().unwrap().clone();
        assert_eq!(owners.len(), 1, "members see their account's tokens only");
        assert_eq!(owners[0]["id"], for_shop["id"]);
    });
}

#[test]
fn revoked_unknown_expired_and_out_of_range_tokens_get_the_seeds_401() {
    Org::run(V1, |org, owner| {
        let minted = mint(owner, json!({ "name": "Shop", "scope": "account" }));
        let shop = bearer(org, &token_of(&minted));
        shop.get("/events");
        let id = minted["id"].as_str().unwrap();
        org.other(V1).refused(
            "DELETE",
            &format!("/tokens/{id}"),
            None,
            404,
            "API token not found",
        );
        owner.bad_request(
            "DELETE",
            "/tokens/nope",
            None,
            "The id in the path must be a UUID",
        );
        let reply = owner.call("DELETE", &format!("/tokens/{id}"), None);
        assert_eq!((reply.status, reply.body.as_str()), (204, ""));
        assert_refused_token(&shop);
        owner.refused(
            "DELETE",
            &format!("/tokens/{id}"),
            None,
            404,
            "API token not found",
        );
        assert_refused_token(&bearer(
            org,
            "sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ));

        // The tests reach the server from 127.0.0.1.
        let elsewhere = mint(
            owner,
            json!({ "name": "Office", "scope": "account", "allowedIps": ["10.0.0.0/8"] }),
        );
        assert_refused_token(&bearer(org, &token_of(&elsewhere)));
        let here = mint(
            owner,
            json!({ "name": "Here", "scope": "account", "allowedIps": ["127.0.0.0/8", "::1"] }),
        );
        assert_eq!(here["allowedIps"], json!(["127.0.0.0/8", "::1"]));
        bearer(org, &token_of(&here)).get("/events");

        let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
        let brief = mint(
            owner,
            json!({ "name": "Brief", "scope": "account", "expiresAt": soon }),
        );
        let brief = bearer(org, &token_of(&brief));
        brief.get("/events");
        sleep(Duration::from_millis(2_500));
        assert_refused_token(&brief);

        let actions = owner.get("/audit").to_string();
        assert!(actions.contains("api_token.revoked"), "{actions}");
    });
}

#[test]
fn last_used_is_written_on_first_use_and_not_again_within_the_minute() {
    Org::run(V1, |org, owner| {
        let minted = mint(owner, json!({ "name": "Shop", "scope": "account" }));
        let shop = bearer(org, &token_of(&minted));
        shop.get("/events");
        let first = owner.get("/tokens")[0]["lastUsedAt"].clone();
        assert_recent_time(&first);
        sleep(Duration::from_millis(1_100));
        shop.get("/events");
        assert_eq!(owner.get("/tokens")[0]["lastUsedAt"], first);
    });
}

#[test]
fn the_command_line_prints_only_a_token_and_it_works() {
    Org::run(V1, |org, _| {
        let output = org
            .cli()
            .args(["token", "create", "--name", "Install"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let printed = String::from_utf8(output.stdout).unwrap();
        let token = printed.strip_suffix('\n').expect("one line");
        assert_token(token);
        let me = bearer(org, token).get("/auth/me");
        assert_eq!(
            (&me["isSuperadmin"], &me["via"]),
            (&json!(true), &json!("api_token"))
        );

        let account_id = org.owner["accountId"].as_str().unwrap();
        let output = org
            .cli()
            .args(["token", "create", "--name", "Shop", "--scope", "account"])
            .args(["--account-id", account_id, "--role", "editor"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let shop = String::from_utf8(output.stdout).unwrap();
        let me = bearer(org, shop.trim()).get("/auth/me");
        assert_eq!(
            (&me["accountId"], &me["role"]),
            (&json!(account_id), &json!("editor"))
        );

        let refused = org
            .cli()
            .args(["token", "create", "--name", "X", "--scope", "app"])
            .output()
            .unwrap();
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr)
            .contains("is not a scope: use global or account"));
    });
}
