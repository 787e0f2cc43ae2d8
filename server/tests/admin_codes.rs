//! Seed 002's admin API for access codes ("tokens"), through the real server on SQLite and
//! PostgreSQL: generating them, reading them in pages, revoking one or many, the CSV export,
//! roles and account scoping. `admin_events.rs` has the events.

mod common;

use std::collections::HashSet;

use common::{
    admin::{csv_row, seed_002_event, with, Client, Door, Org, WithCodes, SEED_002_EXPIRY},
    assert_access_code, assert_recent_time, ids, sorted,
};
use serde_json::{json, Value};

const ADMIN: Door = Door::Admin;

/// The other account's owner signed in, with an event of theirs with two codes: the client,
/// the event's path and the codes' ids.
fn theirs(org: &Org) -> (Client<'_>, String, Vec<String>) {
    let other = org.other(ADMIN);
    let event = other.create_event(seed_002_event());
    let id = event["id"].as_str().unwrap();
    let codes = ids(&other.generate(id, 2, None)["tokens"]);
    (other, format!("/events/{id}"), codes)
}

/// A code as generation answers it: every field, unused.
fn assert_new_code(token: &Value, event_id: &str, label: Option<&str>) {
    assert_access_code(token["code"].as_str().unwrap());
    uuid::Uuid::parse_str(token["id"].as_str().unwrap()).unwrap();
    assert_recent_time(&token["createdAt"]);
    assert_eq!(
        token,
        &json!({
            "id": token["id"],
            "code": token["code"],
            "eventId": event_id,
            "label": label,
            "isRevoked": false,
            "revokedAt": null,
            "redeemedAt": null,
            "redeemedIp": null,
            "expiresAt": SEED_002_EXPIRY,
            "createdAt": token["createdAt"],
        })
    );
}

#[test]
fn generating_codes_checks_the_count_and_answers_201_with_every_code() {
    Org::run(ADMIN, |_, admin| {
        let event = admin.create_event(seed_002_event());
        let event_id = event["id"].as_str().unwrap().to_owned();
        let event_path = format!("/events/{event_id}");
        let tokens_path = format!("{event_path}/tokens");
        // A second event, without codes.
        admin.create_event(with(seed_002_event(), json!({ "title": "y".repeat(200) })));

        for count in [0, 501, -3] {
            admin.bad_request(
                "POST",
                &tokens_path,
                Some(json!({ "count": count, "label": "Batch A" })),
                "Count must be between 1 and 500",
            );
        }
        admin.bad_request(
            "POST",
            &tokens_path,
            Some(json!({ "count": "many" })),
            "count: invalid type: string \"many\", expected i64 at line 1 column 15",
        );
        let batch = admin.generate(&event_id, 5, Some("Batch A"));
        let batch_a = ids(&batch["tokens"]);
        for token in batch["tokens"].as_array().unwrap() {
            assert_new_code(token, &event_id, Some("Batch A"));
        }
        let formulas = admin.generate(&event_id, 3, Some("=1+2"));
        for token in formulas["tokens"].as_array().unwrap() {
            assert_new_code(token, &event_id, Some("=1+2"));
        }
        let codes: HashSet<&str> = batch["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .chain(formulas["tokens"].as_array().unwrap())
            .map(|token| token["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes.len(), 8, "every code is new");

        assert_eq!(admin.get(&event_path)["_count"], json!({ "tokens": 8 }));
        let listed = admin.get("/events");
        let events = listed["events"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        let listed_event = events
            .iter()
            .find(|e| e["id"] == event_id.as_str())
            .unwrap();
        assert_eq!(
            listed_event,
            &with(event, json!({ "_count": { "tokens": 8 } }))
        );

        let event_tokens = admin.get(&tokens_path);
        assert_eq!(event_tokens.as_object().unwrap().len(), 3, "{event_tokens}");
        assert_eq!(event_tokens["tokens"].as_array().unwrap().len(), 8);
        assert_eq!(event_tokens["total"], 8);
        assert!(event_tokens["nextCursor"].is_null());
        let made = [batch_a, ids(&formulas["tokens"])].concat();
        assert_eq!(sorted(ids(&event_tokens["tokens"])), sorted(made));
    });
}

#[test]
fn another_account_sees_none_of_our_events_or_codes_and_we_none_of_theirs() {
    Org::run(ADMIN, |org, admin| {
        let ours = WithCodes::seed_002(admin);
        let (other, their_path, their_ids) = theirs(org);
        let their_events = ids(&other.get("/events")["events"]);
        let their_paths: Vec<String> = their_events
            .iter()
            .map(|id| format!("/events/{id}"))
            .collect();
        assert_eq!(their_paths, [their_path.as_str()]);
        let their_tokens = other.get("/tokens");
        assert_eq!(their_tokens["total"], 2);
        assert_eq!(
            sorted(ids(&their_tokens["tokens"])),
            sorted(their_ids.clone())
        );

        let (event_path, tokens_path) = (&ours.path, &ours.codes_path);
        for (method, path, body) in [
            ("GET", event_path.clone(), None),
            ("PUT", event_path.clone(), Some(json!({ "title": "Mine" }))),
            ("PATCH", format!("{event_path}/deactivate"), None),
            ("DELETE", event_path.clone(), None),
            ("GET", tokens_path.clone(), None),
            ("POST", tokens_path.clone(), Some(json!({ "count": 1 }))),
            ("GET", format!("{tokens_path}/export"), None),
            ("GET", format!("/tokens?eventId={}", ours.id), None),
        ] {
            other.refused(method, &path, body, 404, "Event not found");
        }
        other.refused(
            "PATCH",
            &format!("/tokens/{}/revoke", ours.batch[0]),
            None,
            404,
            "Access code not found",
        );
        assert_eq!(
            other.ok(
                "POST",
                "/tokens/bulk-revoke",
                Some(json!({ "tokenIds": ours.batch })),
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
        ours.assert_untouched(admin);
        assert_eq!(admin.total("/tokens?status=revoked"), 0);
    });
}

#[test]
fn viewers_read_events_and_codes_but_may_not_change_or_export_them() {
    Org::run(ADMIN, |org, admin| {
        let viewer = org.viewer(ADMIN);
        let seeded = WithCodes::seed_002(admin);
        admin.create_event(with(seed_002_event(), json!({ "title": "y".repeat(200) })));

        assert_eq!(viewer.get("/events")["events"].as_array().unwrap().len(), 2);
        assert_eq!(viewer.total("/tokens"), 8);
        let (event_path, tokens_path) = (&seeded.path, &seeded.codes_path);
        for (method, path, body, permission) in [
            (
                "POST",
                "/events".to_owned(),
                Some(seed_002_event()),
                "events:write",
            ),
            (
                "PUT",
                event_path.clone(),
                Some(json!({ "title": "x" })),
                "events:write",
            ),
            (
                "PATCH",
                format!("{event_path}/archive"),
                None,
                "events:write",
            ),
            ("DELETE", event_path.clone(), None, "events:delete"),
            (
                "POST",
                tokens_path.clone(),
                Some(json!({ "count": 1 })),
                "codes:create",
            ),
            ("GET", format!("{tokens_path}/export"), None, "codes:export"),
            (
                "PATCH",
                format!("/tokens/{}/revoke", seeded.batch[0]),
                None,
                "codes:revoke",
            ),
            (
                "POST",
                "/tokens/bulk-revoke".to_owned(),
                Some(json!({ "tokenIds": seeded.batch })),
                "codes:revoke",
            ),
        ] {
            viewer.lacks(method, &path, body, permission);
        }
        seeded.assert_untouched(admin);
        assert_eq!(admin.total("/tokens?status=unused"), 8);
    });
}

#[test]
fn the_csv_export_has_a_row_per_code_with_formulas_neutralised() {
    Org::run(ADMIN, |_, admin| {
        let seeded = WithCodes::seed_002(admin);
        let export = format!("{}/export", seeded.codes_path);
        let rows = admin.csv_rows(&export, "annual-conference-2030-codes.csv");
        // A row per code as the API lists it; a label starting a formula gets a quote.
        let listed = admin.get(&format!("{}?limit=500", seeded.codes_path));
        let expected = listed["tokens"].as_array().unwrap().iter().map(|token| {
            let label = match token["label"].as_str().unwrap() {
                "=1+2" => "'=1+2",
                label => label,
            };
            csv_row(token, label, "unused")
        });
        assert_eq!(rows, sorted(expected.collect()));
        assert!(rows.iter().all(|row| !row.contains(",=1+2")), "{rows:?}");
        let count = |part: &str| rows.iter().filter(|row| row.contains(part)).count();
        assert_eq!((count(",'=1+2,unused,"), count(",Batch A,unused,")), (3, 5));
        assert!(rows.iter().all(|row| row.ends_with(SEED_002_EXPIRY)));
    });
}

#[test]
fn code_pages_visit_every_code_once_by_cursor_or_offset() {
    Org::run(ADMIN, |_, admin| {
        let seeded = WithCodes::seed_002(admin);
        let pages = admin.pages("/tokens?limit=3", 8);
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 2]);
        let seen = pages.concat();
        let made = [seeded.batch.clone(), seeded.formulas.clone()].concat();
        assert_eq!(sorted(seen.clone()), sorted(made), "each code once");

        let offset = admin.get("/tokens?limit=3&offset=6");
        assert_eq!(ids(&offset["tokens"]), seen[6..].to_vec());
        assert_eq!(offset["total"], 8);
        let first = admin.get(&format!("{}?limit=5", seeded.codes_path));
        assert_eq!(ids(&first["tokens"]), seen[..5].to_vec());
        let cursor = first["nextCursor"].as_str().expect("a next cursor");
        let rest = admin.get(&format!("{}?limit=5&cursor={cursor}", seeded.codes_path));
        assert_eq!(ids(&rest["tokens"]), seen[5..].to_vec());
        assert!(rest["nextCursor"].is_null());

        let searched = admin.get("/tokens?search=batch");
        assert_eq!(searched["total"], 5);
        assert_eq!(sorted(ids(&searched["tokens"])), sorted(seeded.batch));

        for (query, message) in [
            ("limit=0", "limit must be between 1 and 500"),
            ("limit=501", "limit must be between 1 and 500"),
            ("offset=-1", "offset must be a whole number, 0 or more"),
            ("cursor=garbage", "cursor is not valid"),
            (
                "status=used",
                "status must be one of unused, redeemed, revoked, expired",
            ),
            ("eventId=abc-123", "eventId must be a UUID"),
        ] {
            admin.bad_request("GET", &format!("/tokens?{query}"), None, message);
        }
    });
}

#[test]
fn revoking_and_unrevoking_a_code_moves_it_between_the_status_filters() {
    Org::run(ADMIN, |_, admin| {
        let seeded = WithCodes::seed_002(admin);
        let first = &seeded.batch[0];
        let before = admin.get(&format!("/tokens?limit=500&eventId={}", seeded.id))["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|token| token["id"] == first.as_str())
            .unwrap()
            .clone();
        let revoked = admin.ok("PATCH", &format!("/tokens/{first}/revoke"), None, 200);
        assert_recent_time(&revoked["revokedAt"]);
        assert_eq!(
            revoked,
            with(
                before.clone(),
                json!({ "isRevoked": true, "revokedAt": revoked["revokedAt"] })
            )
        );
        let filtered = admin.get(&format!("/tokens?status=revoked&eventId={}", seeded.id));
        assert_eq!(
            (ids(&filtered["tokens"]), filtered["total"].as_i64()),
            (vec![first.clone()], Some(1))
        );
        assert_eq!(admin.total("/tokens?status=unused"), 7);
        assert_eq!(
            admin.total(&format!("{}?status=revoked", seeded.codes_path)),
            1
        );

        let unrevoked = admin.ok("PATCH", &format!("/tokens/{first}/unrevoke"), None, 200);
        assert_eq!(unrevoked, before);
        assert_eq!(admin.total("/tokens?status=revoked"), 0);
        assert_eq!(admin.total("/tokens?status=unused"), 8);

        admin.refused(
            "PATCH",
            &format!("/tokens/{}/revoke", uuid::Uuid::new_v4()),
            None,
            404,
            "Access code not found",
        );
        admin.bad_request(
            "PATCH",
            "/tokens/tok-uuid/unrevoke",
            None,
            "Invalid token id",
        );
    });
}

#[test]
fn bulk_revoke_counts_only_codes_not_yet_revoked() {
    Org::run(ADMIN, |org, admin| {
        let seeded = WithCodes::seed_002(admin);
        let (other, _, their_ids) = theirs(org);
        let bulk = |ids: &[String]| {
            admin.ok(
                "POST",
                "/tokens/bulk-revoke",
                Some(json!({ "tokenIds": ids })),
                200,
            )
        };

        let three = &seeded.batch[1..4];
        assert_eq!(bulk(three), json!({ "revoked": 3 }));
        // Already revoked ones, and another account's, do not count again.
        let mut again: Vec<String> = three.to_vec();
        again.push(seeded.batch[4].clone());
        again.push(their_ids[0].clone());
        assert_eq!(bulk(&again), json!({ "revoked": 1 }));
        assert_eq!(other.total("/tokens?status=revoked"), 0);
        let revoked = admin.get("/tokens?status=revoked");
        assert_eq!(revoked["total"], 4);
        assert_eq!(
            sorted(ids(&revoked["tokens"])),
            sorted(seeded.batch[1..].to_vec())
        );

        admin.bad_request(
            "POST",
            "/tokens/bulk-revoke",
            Some(json!({ "tokenIds": [] })),
            "tokenIds must list 1 to 1000 ids",
        );
        admin.bad_request(
            "POST",
            "/tokens/bulk-revoke",
            Some(json!({ "tokenIds": ["tok-1"] })),
            "tokenIds[0]: UUID parsing failed: invalid character: found `t` at 0 at line 1 \
             column 20",
        );
    });
}

#[test]
fn an_expired_code_can_be_revoked_but_not_unrevoked() {
    Org::run(ADMIN, |_, admin| {
        WithCodes::seed_002(admin);
        let past = admin.create_event(with(
            seed_002_event(),
            json!({ "title": "Last year", "startsAt": "2020-03-15T09:00:00Z", "endsAt": "2020-03-15T17:00:00Z" }),
        ));
        let past_path = format!("/events/{}", past["id"].as_str().unwrap());
        let old = admin.generate(past["id"].as_str().unwrap(), 1, None);
        let old_id = old["tokens"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(old["tokens"][0]["expiresAt"], "2020-03-17T17:00:00.000Z");

        let expired = admin.get(&format!("{past_path}/tokens?status=expired"));
        assert_eq!(
            (expired["total"].as_i64(), ids(&expired["tokens"])),
            (Some(1), vec![old_id.clone()])
        );
        let expired = admin.get("/tokens?status=expired");
        assert_eq!(
            (expired["total"].as_i64(), ids(&expired["tokens"])),
            (Some(1), vec![old_id.clone()])
        );
        let revoked = admin.ok("PATCH", &format!("/tokens/{old_id}/revoke"), None, 200);
        assert_eq!(revoked["isRevoked"], true);
        admin.bad_request(
            "PATCH",
            &format!("/tokens/{old_id}/unrevoke"),
            None,
            "An expired access code cannot be un-revoked",
        );
    });
}
