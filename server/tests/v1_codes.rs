//! `/api/v1` access codes through the real server on SQLite and PostgreSQL: generating them,
//! reading them in pages, revoking one or many (by `codeIds` or seed 002's `tokenIds`), the CSV
//! export with a bearer token, what viewers may do, and another account seeing none of it.

mod common;

use common::{
    admin::{csv_row, v1_event, Door, Org, WithCodes},
    assert_access_code, assert_recent_time, ids, sorted,
};
use serde_json::json;

const V1: Door = Door::V1;

#[test]
fn generating_codes_answers_201_with_the_codes_and_their_count() {
    Org::run(V1, |_, api| {
        let event = api.create_event(v1_event("Spring Gala", "2030-06-01T09:00:00.000Z"));
        let event_id = event["id"].as_str().unwrap();
        api.bad_request(
            "POST",
            &format!("/events/{event_id}/codes"),
            Some(json!({ "count": 501 })),
            "Count must be between 1 and 500",
        );
        let made = api.generate(event_id, 4, Some("Press"));
        for code in made["codes"].as_array().unwrap() {
            assert_access_code(code["code"].as_str().unwrap());
            assert_recent_time(&code["createdAt"]);
            assert_eq!(
                code,
                &json!({
                    "id": code["id"],
                    "code": code["code"],
                    "eventId": event_id,
                    "label": "Press",
                    "isRevoked": false,
                    "revokedAt": null,
                    "redeemedAt": null,
                    "redeemedIp": null,
                    "expiresAt": "2030-06-03T17:00:00.000Z",
                    "createdAt": code["createdAt"],
                })
            );
        }
        api.generate(event_id, 3, Some("@SUM(A1)"));
        assert_eq!(
            api.get(&format!("/events/{event_id}"))["_count"],
            json!({ "tokens": 7 })
        );
    });
}

#[test]
fn code_pages_visit_every_code_once_and_filters_name_a_bad_parameter() {
    Org::run(V1, |_, api| {
        let gala = WithCodes::spring_gala(api);
        let pages = api.pages("/codes?limit=3", 7);
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
        let seen = pages.concat();
        let made = [gala.batch.clone(), gala.formulas.clone()].concat();
        assert_eq!(sorted(seen.clone()), sorted(made), "each code once");
        let skipped = api.get(&format!("{}?limit=2&offset=5", gala.codes_path));
        assert_eq!(ids(&skipped["items"]), seen[5..].to_vec());
        let searched = api.get("/codes?search=press");
        assert_eq!(searched["total"], 4);
        assert_eq!(sorted(ids(&searched["items"])), sorted(gala.batch.clone()));
        for (query, message) in [
            (
                "status=active",
                "status must be one of unused, redeemed, revoked, expired",
            ),
            ("eventId=42", "eventId must be a UUID"),
            ("cursor=nonsense", "cursor is not valid"),
        ] {
            api.bad_request("GET", &format!("/codes?{query}"), None, message);
        }

        let one = api.get(&format!("/codes/{}", gala.batch[0]));
        let listed = api.get(&format!("{}?limit=500", gala.codes_path))["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|code| code["id"] == gala.batch[0].as_str())
            .unwrap()
            .clone();
        assert_eq!(one, listed);
        assert_eq!(one["label"], "Press");
    });
}

#[test]
fn revoke_unrevoke_and_bulk_revoke_by_code_ids_or_token_ids() {
    Org::run(V1, |_, api| {
        let gala = WithCodes::spring_gala(api);
        let press = &gala.batch;
        let revoked = api.ok("PATCH", &format!("/codes/{}/revoke", press[0]), None, 200);
        assert_eq!(revoked["isRevoked"], true);
        assert_recent_time(&revoked["revokedAt"]);
        assert_eq!(
            ids(&api.get("/codes?status=revoked")["items"]),
            [press[0].as_str()]
        );
        let back = api.ok("PATCH", &format!("/codes/{}/unrevoke", press[0]), None, 200);
        assert_eq!(
            (back["isRevoked"].as_bool(), &back["revokedAt"]),
            (Some(false), &json!(null))
        );
        assert_eq!(api.total("/codes?status=revoked"), 0);

        // Either name for the list; codes already revoked do not count again.
        let bulk = |body| api.ok("POST", "/codes/bulk-revoke", Some(body), 200);
        assert_eq!(
            bulk(json!({ "codeIds": &press[..2] })),
            json!({ "revoked": 2 })
        );
        assert_eq!(
            bulk(json!({ "tokenIds": &press[..3] })),
            json!({ "revoked": 1 })
        );
        let revoked_page = api.get(&format!("/codes?status=revoked&eventId={}", gala.id));
        assert_eq!(revoked_page["total"], 3);
        assert_eq!(
            sorted(ids(&revoked_page["items"])),
            sorted(press[..3].to_vec())
        );
        assert_eq!(api.total("/codes?status=unused"), 4);
        api.bad_request(
            "POST",
            "/codes/bulk-revoke",
            Some(json!({ "codeIds": [] })),
            "tokenIds must list 1 to 1000 ids",
        );
    });
}

#[test]
fn the_csv_export_works_with_a_bearer_token() {
    Org::run(V1, |_, api| {
        let gala = WithCodes::spring_gala(api);
        api.ok(
            "POST",
            "/codes/bulk-revoke",
            Some(json!({ "codeIds": &gala.batch[..3] })),
            200,
        );
        let export = format!("{}/export", gala.codes_path);
        let rows = api.csv_rows(&export, "spring-gala-codes.csv");
        // A row per code as the API lists it, a formula label quoted.
        let listed = api.get(&format!("{}?limit=500", gala.codes_path));
        let expected = listed["items"].as_array().unwrap().iter().map(|code| {
            let revoked = code["isRevoked"].as_bool().unwrap();
            let (label, status) = match (code["label"].as_str().unwrap(), revoked) {
                ("@SUM(A1)", false) => ("'@SUM(A1)", "unused"),
                ("Press", true) => ("Press", "revoked"),
                ("Press", false) => ("Press", "unused"),
                other => panic!("unexpected code {other:?}"),
            };
            csv_row(code, label, status)
        });
        assert_eq!(rows, sorted(expected.collect()));
        assert!(rows
            .iter()
            .all(|row| row.ends_with(",2030-06-03T17:00:00.000Z")));
        let count = |part: &str| rows.iter().filter(|line| line.contains(part)).count();
        assert_eq!(
            (count(",'@SUM(A1),unused,"), count(",Press,revoked,")),
            (3, 3)
        );
    });
}

#[test]
fn viewers_read_but_may_not_create_generate_revoke_export_or_delete() {
    Org::run(V1, |org, api| {
        let viewer = org.viewer(V1);
        let gala = WithCodes::spring_gala(api);
        assert_eq!(viewer.total("/events"), 3);
        assert_eq!(viewer.total(&gala.codes_path), 7);
        let last = &gala.batch[3];
        for (method, path, body, permission) in [
            (
                "POST",
                "/events".to_owned(),
                Some(v1_event("V", "2030-06-01T09:00:00Z")),
                "events:write",
            ),
            (
                "POST",
                gala.codes_path.clone(),
                Some(json!({ "count": 1 })),
                "codes:create",
            ),
            (
                "PATCH",
                format!("/codes/{last}/revoke"),
                None,
                "codes:revoke",
            ),
            (
                "POST",
                "/codes/bulk-revoke".to_owned(),
                Some(json!({ "codeIds": [last] })),
                "codes:revoke",
            ),
            (
                "GET",
                format!("{}/export", gala.codes_path),
                None,
                "codes:export",
            ),
            ("DELETE", gala.path.clone(), None, "events:delete"),
        ] {
            viewer.lacks(method, &path, body, permission);
        }
        gala.assert_untouched(api);
        assert_eq!(api.total("/events"), 3);
    });
}

#[test]
fn another_account_sees_none_of_it() {
    Org::run(V1, |org, api| {
        let other = org.other(V1);
        let gala = WithCodes::spring_gala(api);
        assert_eq!(
            other.get("/events"),
            json!({ "items": [], "total": 0, "nextCursor": null })
        );
        assert_eq!(
            other.get("/codes"),
            json!({ "items": [], "total": 0, "nextCursor": null })
        );
        assert_eq!(
            other.get("/dashboard"),
            json!({ "totalEvents": 0, "activeEvents": 0, "totalTokens": 0, "redeemedTokens": 0, "activeViewers": 0 })
        );
        let last = &gala.batch[3];
        for (method, path, body, message) in [
            ("GET", gala.path.clone(), None, "Event not found"),
            (
                "PATCH",
                gala.path.clone(),
                Some(json!({ "title": "Mine" })),
                "Event not found",
            ),
            ("DELETE", gala.path.clone(), None, "Event not found"),
            ("GET", gala.codes_path.clone(), None, "Event not found"),
            (
                "GET",
                format!("{}/export", gala.codes_path),
                None,
                "Event not found",
            ),
            (
                "GET",
                format!("/codes/{last}"),
                None,
                "Access code not found",
            ),
            (
                "PATCH",
                format!("/codes/{last}/revoke"),
                None,
                "Access code not found",
            ),
        ] {
            other.refused(method, &path, body, 404, message);
        }
        assert_eq!(
            other.ok(
                "POST",
                "/codes/bulk-revoke",
                Some(json!({ "codeIds": [last] })),
                200
            ),
            json!({ "revoked": 0 })
        );
        gala.assert_untouched(api);
    });
}
