//! Seed 002's admin API for events and the dashboard, through the real server on SQLite and
//! PostgreSQL: exact paths, status codes and bodies, validation naming the field, the session
//! requirement, partial updates, the switches, the superadmin's account and deletion.
//! `admin_codes.rs` has the access codes.

mod common;

use common::{
    admin::{
        seed_002_event, v1_bearer, with, Client, Door, Org, WithCodes, OWNER_EMAIL, OWNER_PASSWORD,
    },
    assert_recent_time, ids, sorted,
};
use serde_json::{json, Value};

const ADMIN: Door = Door::Admin;

#[test]
fn signed_out_calls_are_401_even_with_a_dashboard_jwt() {
    Org::run(ADMIN, |org, _| {
        let anonymous = org.anonymous(ADMIN);
        anonymous.refused_everywhere(Some(seed_002_event()), 401, "Unauthorized");
        // The seed says session: a valid dashboard JWT does not open /api/admin.
        let bearer = v1_bearer(&org.server, OWNER_EMAIL, OWNER_PASSWORD);
        let with_jwt = Client::with_header(&org.server, ADMIN, "authorization", bearer);
        with_jwt.refused_everywhere(None, 401, "Unauthorized");
    });
}

#[test]
fn creating_an_event_answers_201_with_the_whole_event() {
    Org::run(ADMIN, |org, admin| {
        let event = admin.create_event(seed_002_event());
        let id = event["id"].as_str().unwrap().to_owned();
        uuid::Uuid::parse_str(&id).unwrap();
        assert_recent_time(&event["createdAt"]);
        assert_eq!(event["updatedAt"], event["createdAt"]);
        assert_eq!(
            event,
            json!({
                "id": id,
                "title": "Annual Conference 2030",
                "description": "Live keynote stream",
                "streamUrl": "https://origin.example.com/live/stream.m3u8",
                "posterUrl": "https://example.com/poster.jpg",
                "startsAt": "2030-03-15T09:00:00.000Z",
                "endsAt": "2030-03-15T17:00:00.000Z",
                "accessWindowHours": 48,
                "isActive": true,
                "isArchived": false,
                "publicPlayback": false,
                "tipAlerts": false,
                "createdAt": event["createdAt"],
                "updatedAt": event["createdAt"],
                "accountId": org.owner["accountId"],
            })
        );
        // Reading it back adds the code count.
        let got = admin.get(&format!("/events/{id}"));
        assert_eq!(got, with(event, json!({ "_count": { "tokens": 0 } })));
    });
}

#[test]
fn creating_an_event_without_a_title_or_with_a_bad_field_is_400_naming_the_field() {
    Org::run(ADMIN, |_, admin| {
        let rfc_3339 = |field: &str| {
            format!("{field} must be an RFC 3339 time, e.g. 2025-03-15T09:00:00.000Z")
        };
        for (changes, message) in [
            (json!({ "startsAt": "tomorrow" }), rfc_3339("startsAt")),
            (
                json!({ "startsAt": 1742029200 }),
                "startsAt: invalid type: integer `1742029200`, expected a string at line 1 \
                 column 162"
                    .to_owned(),
            ),
            (json!({ "endsAt": "2030-03-15 17:00" }), rfc_3339("endsAt")),
            (
                json!({ "endsAt": "2030-03-15T08:00:00.000Z" }),
                "endsAt must be after startsAt".to_owned(),
            ),
            (
                json!({ "endsAt": "2030-03-15T09:00:00.000Z" }),
                "endsAt must be after startsAt".to_owned(),
            ),
            (
                json!({ "title": "" }),
                "title must be 1 to 200 characters".to_owned(),
            ),
            (
                json!({ "title": "   " }),
                "title must be 1 to 200 characters".to_owned(),
            ),
            (
                json!({ "title": "x".repeat(201) }),
                "title must be 1 to 200 characters".to_owned(),
            ),
            (
                json!({ "streamUrl": "ftp://origin.example.com/x" }),
                "streamUrl must be an http(s) URL".to_owned(),
            ),
            (
                json!({ "posterUrl": "javascript:alert(1)" }),
                "posterUrl must be an http(s) URL".to_owned(),
            ),
            (
                json!({ "accessWindowHours": 0 }),
                "accessWindowHours must be between 1 and 168".to_owned(),
            ),
        ] {
            let body = with(seed_002_event(), changes);
            admin.bad_request("POST", "/events", Some(body), &message);
        }
        admin.bad_request(
            "POST",
            "/events",
            Some(json!({ "title": "No times", "startsAt": "2030-03-15T09:00:00.000Z" })),
            "endsAt is required",
        );
        // 200 characters is the most a title may have.
        let long = admin.create_event(with(seed_002_event(), json!({ "title": "y".repeat(200) })));
        assert_eq!(long["title"], "y".repeat(200));
        // Nothing refused was stored.
        assert_eq!(
            ids(&admin.get("/events")["events"]),
            [long["id"].as_str().unwrap()]
        );
    });
}

#[test]
fn unknown_event_ids_are_404_and_malformed_ones_400() {
    Org::run(ADMIN, |_, admin| {
        let unknown = format!("/events/{}", uuid::Uuid::new_v4());
        for (method, path, body) in [
            ("GET", unknown.clone(), None),
            ("PUT", unknown.clone(), Some(json!({ "title": "x" }))),
            ("DELETE", unknown.clone(), None),
            ("PATCH", format!("{unknown}/activate"), None),
            ("GET", format!("{unknown}/tokens"), None),
            (
                "POST",
                format!("{unknown}/tokens"),
                Some(json!({ "count": 1 })),
            ),
            ("GET", format!("{unknown}/tokens/export"), None),
        ] {
            admin.refused(method, &path, body, 404, "Event not found");
        }
        for (method, path) in [
            ("GET", "/events/abc-123"),
            ("PATCH", "/events/abc-123/archive"),
            ("GET", "/events/abc-123/tokens"),
        ] {
            admin.bad_request(method, path, None, "Invalid event id");
        }
    });
}

#[test]
fn updating_an_event_is_partial_and_moves_its_codes_expiry() {
    Org::run(ADMIN, |_, admin| {
        let seeded = WithCodes::seed_002(admin);
        let updated = admin.ok(
            "PUT",
            &seeded.path,
            Some(json!({ "endsAt": "2030-03-16T17:00:00.000Z", "accessWindowHours": 72 })),
            200,
        );
        assert_eq!(
            updated,
            with(
                seeded.event.clone(),
                json!({
                    "endsAt": "2030-03-16T17:00:00.000Z",
                    "accessWindowHours": 72,
                    "updatedAt": updated["updatedAt"],
                })
            )
        );
        assert_recent_time(&updated["updatedAt"]);
        // Moving endsAt or the access window moves every code's expiry.
        let moved = admin.get(&format!("{}?limit=500", seeded.codes_path));
        let expiries: Vec<&Value> = moved["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|token| &token["expiresAt"])
            .collect();
        assert_eq!(expiries, [&json!("2030-03-19T17:00:00.000Z"); 8], "{moved}");

        let renamed = admin.ok(
            "PUT",
            &seeded.path,
            Some(json!({ "title": "Updated Title", "posterUrl": null })),
            200,
        );
        assert_eq!(
            renamed,
            with(
                updated,
                json!({
                    "title": "Updated Title",
                    "posterUrl": null,
                    "updatedAt": renamed["updatedAt"],
                })
            )
        );
        for (body, message) in [
            (
                json!({ "endsAt": "soon" }),
                "endsAt must be an RFC 3339 time, e.g. 2025-03-15T09:00:00.000Z",
            ),
            (
                json!({ "startsAt": "2031-01-01T00:00:00Z" }),
                "endsAt must be after startsAt",
            ),
            (json!({ "title": "" }), "title must be 1 to 200 characters"),
            (
                json!({ "streamUrl": "not a url" }),
                "streamUrl must be an http(s) URL",
            ),
        ] {
            admin.bad_request("PUT", &seeded.path, Some(body), message);
        }
        // The refused updates changed nothing.
        assert_eq!(
            admin.get(&seeded.path),
            with(renamed, json!({ "_count": { "tokens": 8 } }))
        );
    });
}

#[test]
fn switches_activate_archive_and_filter_the_event_list() {
    Org::run(ADMIN, |_, admin| {
        let event = admin.create_event(with(seed_002_event(), json!({ "title": "Updated Title" })));
        let path = format!("/events/{}", event["id"].as_str().unwrap());
        let long = admin.create_event(with(seed_002_event(), json!({ "title": "y".repeat(200) })));
        let long_path = format!("/events/{}", long["id"].as_str().unwrap());

        let switch =
            |path: &str, switch: &str| admin.ok("PATCH", &format!("{path}/{switch}"), None, 200);
        let flags = |event: &Value| (event["isActive"].as_bool(), event["isArchived"].as_bool());
        assert_eq!(
            flags(&switch(&path, "deactivate")),
            (Some(false), Some(false))
        );
        assert_eq!(flags(&switch(&path, "activate")), (Some(true), Some(false)));
        let archived = switch(&long_path, "archive");
        assert_eq!(flags(&archived), (Some(true), Some(true)));
        assert_eq!(archived["id"], long["id"]);

        assert_eq!(
            ids(&admin.get("/events?archived=true")["events"]),
            [long["id"].as_str().unwrap()]
        );
        assert_eq!(
            ids(&admin.get("/events?archived=false")["events"]),
            [event["id"].as_str().unwrap()]
        );
        assert_eq!(
            ids(&admin.get("/events?search=updated")["events"]),
            [event["id"].as_str().unwrap()]
        );
        admin.bad_request(
            "GET",
            "/events?active=maybe",
            None,
            "active must be true or false",
        );
        let unarchived = switch(&long_path, "unarchive");
        assert_eq!(flags(&unarchived), (Some(true), Some(false)));
        assert_eq!(admin.get("/events?archived=true")["events"], json!([]));
    });
}

#[test]
fn the_dashboard_counts_events_active_ones_and_codes_of_the_account() {
    Org::run(ADMIN, |org, admin| {
        let other = org.other(ADMIN);
        WithCodes::seed_002(admin);
        let long = admin.create_event(with(seed_002_event(), json!({ "title": "y".repeat(200) })));
        let long_path = format!("/events/{}", long["id"].as_str().unwrap());
        let theirs = other.create_event(seed_002_event());
        other.generate(theirs["id"].as_str().unwrap(), 2, None);
        admin.ok("PATCH", &format!("{long_path}/archive"), None, 200);

        // Two events (one active and unarchived), eight codes, none redeemed.
        let dashboard = |active: i64| {
            json!({
                "totalEvents": 2,
                "activeEvents": active,
                "totalTokens": 8,
                "redeemedTokens": 0,
                "activeViewers": 0
            })
        };
        assert_eq!(admin.get("/dashboard"), dashboard(1));
        let unarchived = admin.ok("PATCH", &format!("{long_path}/unarchive"), None, 200);
        assert_eq!(unarchived["isArchived"], false);
        assert_eq!(admin.get("/dashboard"), dashboard(2));
        assert_eq!(
            other.get("/dashboard"),
            json!({
                "totalEvents": 1,
                "activeEvents": 1,
                "totalTokens": 2,
                "redeemedTokens": 0,
                "activeViewers": 0
            })
        );
    });
}

#[test]
fn the_superadmin_acts_on_the_default_account_or_the_one_named_and_members_cannot_name_another() {
    Org::run(ADMIN, |org, admin| {
        let other = org.other(ADMIN);
        let superadmin = org.superadmin(ADMIN);
        let ours = admin.create_event(seed_002_event());
        let theirs = other.create_event(seed_002_event());

        // Seed 002's door has no accounts: without `accountId` the superadmin acts on the
        // installation's default account, the oldest one (ours).
        let defaulted = superadmin.create_event(seed_002_event());
        assert_eq!(defaulted["accountId"], org.owner["accountId"]);
        let placed = superadmin.create_event(with(
            seed_002_event(),
            json!({ "accountId": org.owner["accountId"] }),
        ));
        assert_eq!(placed["accountId"], org.owner["accountId"]);
        // The superadmin sees every account's events; the owner sees the placed one as theirs.
        let everything = ids(&superadmin.get("/events")["events"]);
        assert_eq!(
            sorted(everything),
            sorted(ids(&json!([ours, theirs, placed, defaulted])))
        );
        let mine = ids(&admin.get("/events")["events"]);
        assert_eq!(sorted(mine), sorted(ids(&json!([ours, placed, defaulted]))));

        // Members naming another account find nothing there.
        admin.refused(
            "POST",
            "/events",
            Some(with(
                seed_002_event(),
                json!({ "accountId": theirs["accountId"] }),
            )),
            404,
            "Account not found",
        );
        assert_eq!(other.total("/tokens"), 0);
        assert_eq!(other.get("/events")["events"].as_array().unwrap().len(), 1);
    });
}

#[test]
fn deleting_an_event_deletes_its_codes() {
    Org::run(ADMIN, |_, admin| {
        let seeded = WithCodes::seed_002(admin);
        let past = admin.create_event(with(
            seed_002_event(),
            json!({ "title": "Last year", "startsAt": "2020-03-15T09:00:00Z", "endsAt": "2020-03-15T17:00:00Z" }),
        ));
        let old = admin.generate(past["id"].as_str().unwrap(), 1, None);
        let old_id = old["tokens"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(admin.total("/tokens"), 9);

        assert_eq!(
            admin.ok("DELETE", &seeded.path, None, 200),
            json!({ "deleted": true })
        );
        admin.refused("GET", &seeded.path, None, 404, "Event not found");
        admin.refused("DELETE", &seeded.path, None, 404, "Event not found");
        let left = admin.get("/tokens?limit=500");
        assert_eq!(
            (left["total"].as_i64(), ids(&left["tokens"])),
            (Some(1), vec![old_id])
        );
        admin.refused(
            "PATCH",
            &format!("/tokens/{}/revoke", seeded.batch[0]),
            None,
            404,
            "Access code not found",
        );
        assert_eq!(
            admin.get("/dashboard"),
            json!({
                "totalEvents": 1,
                "activeEvents": 1,
                "totalTokens": 1,
                "redeemedTokens": 0,
                "activeViewers": 0
            })
        );
    });
}
