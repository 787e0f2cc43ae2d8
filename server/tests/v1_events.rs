//! `/api/v1` events and the dashboard through the real server on SQLite and PostgreSQL: seed
//! 001's `{data, error}` envelope and `{statusCode, message, error}` errors, validation naming
//! the field, `{items, total, nextCursor}` paging, updates moving the codes' expiry, switches,
//! ids and deletion. `v1_codes.rs` has the access codes, roles and account scoping.

mod common;

use common::{
    admin::{v1_event, Door, Org, WithCodes},
    assert_recent_time, ids, texts,
};
use serde_json::json;

const V1: Door = Door::V1;

#[test]
fn signed_out_calls_are_401_authentication_required() {
    Org::run(V1, |org, _| {
        let message = "Authentication required";
        org.anonymous(V1).refused_everywhere(None, 401, message);
    });
}

#[test]
fn creating_an_event_answers_201_with_the_event_in_the_envelope() {
    Org::run(V1, |org, api| {
        let event = api.create_event(v1_event("Spring Gala", "2030-06-01T09:00:00.000Z"));
        uuid::Uuid::parse_str(event["id"].as_str().unwrap()).unwrap();
        assert_recent_time(&event["createdAt"]);
        // The window defaults to 48 hours; the event starts active and unarchived.
        assert_eq!(
            event,
            json!({
                "id": event["id"],
                "accountId": org.owner["accountId"],
                "title": "Spring Gala",
                "description": null,
                "streamUrl": "http://origin.example.com/live.m3u8",
                "posterUrl": null,
                "startsAt": "2030-06-01T09:00:00.000Z",
                "endsAt": "2030-06-01T17:00:00.000Z",
                "accessWindowHours": 48,
                "isActive": true,
                "isArchived": false,
                "publicPlayback": false,
                "tipAlerts": false,
                "createdAt": event["createdAt"],
                "updatedAt": event["createdAt"],
            })
        );
    });
}

#[test]
fn creating_an_event_with_a_bad_or_missing_field_is_400_naming_the_field() {
    Org::run(V1, |_, api| {
        for (body, message) in [
            (
                v1_event("Bad", "next tuesday"),
                "startsAt must be an RFC 3339 time, e.g. 2025-03-15T09:00:00.000Z",
            ),
            (
                v1_event("Bad", "2030-06-02T09:00:00Z"),
                "endsAt must be after startsAt",
            ),
            (
                v1_event(&"t".repeat(201), "2030-06-01T09:00:00Z"),
                "title must be 1 to 200 characters",
            ),
            (
                json!({ "title": "x", "startsAt": "2030-06-01T09:00:00Z", "endsAt": "2030-06-01T10:00:00Z", "posterUrl": "file:///etc/passwd" }),
                "posterUrl must be an http(s) URL",
            ),
            (
                json!({ "title": "x", "endsAt": "2030-06-01T10:00:00Z" }),
                "startsAt is required",
            ),
        ] {
            api.bad_request("POST", "/events", Some(body), message);
        }
        assert_eq!(api.total("/events"), 0);
    });
}

#[test]
fn event_pages_put_the_latest_start_first_with_cursor_offset_and_search() {
    Org::run(V1, |_, api| {
        let gala = WithCodes::spring_gala(api);
        let page = api.get("/events?limit=2");
        assert_eq!(page.as_object().unwrap().len(), 3, "{page}");
        assert_eq!(page["total"], 3);
        assert_eq!(
            texts(&page["items"], "title"),
            ["Autumn Talk", "Summer Fair"]
        );
        assert_eq!(page["items"][0]["_count"], json!({ "tokens": 0 }));
        let cursor = page["nextCursor"].as_str().expect("a next cursor");
        let rest = api.get(&format!("/events?limit=2&cursor={cursor}"));
        assert_eq!(ids(&rest["items"]), [gala.id.as_str()]);
        assert_eq!(rest["items"][0]["_count"], json!({ "tokens": 7 }));
        assert_eq!(rest["total"], 3);
        assert!(rest["nextCursor"].is_null());
        let offset = api.get("/events?limit=1&offset=1");
        assert_eq!(texts(&offset["items"], "title"), ["Summer Fair"]);
        let searched = api.get("/events?search=GALA");
        assert_eq!(
            (searched["total"].as_i64(), ids(&searched["items"])),
            (Some(1), vec![gala.id.clone()])
        );
        api.bad_request(
            "GET",
            "/events?limit=501",
            None,
            "limit must be between 1 and 500",
        );
        api.bad_request(
            "GET",
            "/events?archived=perhaps",
            None,
            "archived must be true or false",
        );
    });
}

#[test]
fn patch_or_put_updates_part_of_an_event_and_moves_its_codes_expiry() {
    Org::run(V1, |_, api| {
        let gala = WithCodes::spring_gala(api);
        let changed = api.ok(
            "PATCH",
            &gala.path,
            Some(json!({ "accessWindowHours": 1 })),
            200,
        );
        assert_eq!(
            (
                changed["accessWindowHours"].as_i64(),
                changed["title"].as_str(),
                changed["endsAt"].as_str()
            ),
            (
                Some(1),
                Some("Spring Gala"),
                Some("2030-06-01T17:00:00.000Z")
            )
        );
        let changed = api.ok(
            "PUT",
            &gala.path,
            Some(json!({ "endsAt": "2030-06-02T17:00:00.000Z" })),
            200,
        );
        assert_eq!(
            (
                changed["endsAt"].as_str(),
                changed["accessWindowHours"].as_i64()
            ),
            (Some("2030-06-02T17:00:00.000Z"), Some(1))
        );
        let codes = api.get(&format!("{}?limit=500", gala.codes_path));
        assert_eq!(
            texts(&codes["items"], "expiresAt"),
            ["2030-06-02T18:00:00.000Z"; 7],
            "{codes}"
        );
        api.bad_request(
            "PUT",
            &gala.path,
            Some(json!({ "startsAt": "nope" })),
            "startsAt must be an RFC 3339 time, e.g. 2025-03-15T09:00:00.000Z",
        );
        api.bad_request(
            "PUT",
            &gala.path,
            Some(json!({ "accessWindowHours": 500 })),
            "accessWindowHours must be between 1 and 168",
        );
    });
}

#[test]
fn switches_filter_the_event_list_and_the_dashboard() {
    Org::run(V1, |_, api| {
        let gala = WithCodes::spring_gala(api);
        let switch = |name: &str| api.ok("PATCH", &format!("{}/{name}", gala.path), None, 200);
        let flags = |event: &serde_json::Value| {
            (event["isActive"].as_bool(), event["isArchived"].as_bool())
        };
        assert_eq!(flags(&switch("deactivate")), (Some(false), Some(false)));
        assert_eq!(flags(&switch("archive")), (Some(false), Some(true)));
        let archived = api.get("/events?archived=true");
        assert_eq!(
            (archived["total"].as_i64(), ids(&archived["items"])),
            (Some(1), vec![gala.id.clone()])
        );
        let active = api.get("/events?active=true");
        assert_eq!(active["total"], 2);
        assert_eq!(
            texts(&active["items"], "title"),
            ["Autumn Talk", "Summer Fair"]
        );
        assert_eq!(
            api.get("/dashboard"),
            json!({ "totalEvents": 3, "activeEvents": 2, "totalTokens": 7, "redeemedTokens": 0, "activeViewers": 0 })
        );
        assert_eq!(flags(&switch("unarchive")), (Some(false), Some(false)));
        assert_eq!(flags(&switch("activate")), (Some(true), Some(false)));
        assert_eq!(api.get("/dashboard")["activeEvents"], 3);
    });
}

#[test]
fn malformed_ids_are_400_and_unknown_ones_404() {
    Org::run(V1, |_, api| {
        for (method, path) in [("GET", "/events/abc-123"), ("PATCH", "/codes/tok-1/revoke")] {
            api.bad_request(method, path, None, "The id in the path must be a UUID");
        }
        let unknown = uuid::Uuid::new_v4();
        for (method, path, message) in [
            ("GET", format!("/events/{unknown}"), "Event not found"),
            ("GET", format!("/events/{unknown}/codes"), "Event not found"),
            ("GET", format!("/codes/{unknown}"), "Access code not found"),
            (
                "PATCH",
                format!("/codes/{unknown}/unrevoke"),
                "Access code not found",
            ),
        ] {
            api.refused(method, &path, None, 404, message);
        }
    });
}

#[test]
fn deleting_an_event_deletes_its_codes() {
    Org::run(V1, |_, api| {
        let gala = WithCodes::spring_gala(api);
        assert_eq!(api.total("/codes"), 7);
        assert_eq!(
            api.ok("DELETE", &gala.path, None, 200),
            json!({ "deleted": true })
        );
        api.refused("GET", &gala.path, None, 404, "Event not found");
        api.refused(
            "GET",
            &format!("/codes?eventId={}", gala.id),
            None,
            404,
            "Event not found",
        );
        assert_eq!(api.total("/codes"), 0);
        api.refused(
            "GET",
            &format!("/codes/{}", gala.batch[0]),
            None,
            404,
            "Access code not found",
        );
        assert_eq!(
            api.get("/dashboard"),
            json!({ "totalEvents": 2, "activeEvents": 2, "totalTokens": 0, "redeemedTokens": 0, "activeViewers": 0 })
        );
    });
}
