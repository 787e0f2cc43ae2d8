//! The revocation feed's tests: changes in any order, each code and event in its latest state.

use super::*;
use crate::model::time;

fn at(seconds: i64) -> DateTime<Utc> {
    time::parse("2025-03-15T10:00:00Z").unwrap() + chrono::Duration::seconds(seconds)
}

fn change(seconds: i64, event_id: Uuid, kind: AccessChangeKind) -> AccessChange {
    AccessChange {
        at: at(seconds),
        event_id,
        kind,
    }
}

#[test]
fn feed_keeps_the_latest_state_of_each_code_and_event() {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let revoked = |code: &str| AccessChangeKind::CodeRevoked { code: code.into() };
    let restored = |code: &str| AccessChangeKind::CodeRestored { code: code.into() };
    let session = Uuid::new_v4();
    let changes = vec![
        change(1, a, revoked("AAAA")),
        change(2, a, revoked("BBBB")),
        change(3, a, restored("AAAA")),
        change(4, b, AccessChangeKind::EventDeactivated),
        change(5, a, AccessChangeKind::EventDeactivated),
        change(6, a, AccessChangeKind::EventReactivated),
        change(7, b, AccessChangeKind::EventDeleted),
        change(8, b, AccessChangeKind::EventReactivated),
        change(
            9,
            a,
            AccessChangeKind::SessionEnded {
                session_id: session,
                code: "CCCC".into(),
                reason: SessionEndReason::Released,
            },
        ),
    ];
    let codes_of = HashMap::from([(a, vec!["AAAA".to_owned(), "BBBB".to_owned()])]);
    let feed = RevocationFeed::from_changes(&changes, &codes_of, at(10));
    assert_eq!(
        feed.revocations
            .iter()
            .map(|r| r.code.as_str())
            .collect::<Vec<_>>(),
        ["BBBB"]
    );
    assert_eq!(feed.unrevocations.len(), 1);
    assert_eq!(feed.unrevocations[0].code, "AAAA");
    assert_eq!(feed.unrevocations[0].unrevoked_at, at(3));
    // b's deletion is final; a was reactivated after its deactivation.
    assert_eq!(feed.event_deactivations.len(), 1);
    let deleted = &feed.event_deactivations[0];
    assert_eq!((deleted.event_id, deleted.deleted), (b, true));
    assert!(deleted.token_codes.is_empty());
    assert_eq!(feed.event_reactivations.len(), 1);
    assert_eq!(feed.event_reactivations[0].event_id, a);
    assert_eq!(feed.ended_sessions.len(), 1);
    assert_eq!(feed.ended_sessions[0].session_id, session);

    let json = serde_json::to_value(&feed).unwrap();
    assert_eq!(json["serverTime"], "2025-03-15T10:00:10.000Z");
    assert_eq!(
        json["revocations"][0]["revokedAt"],
        "2025-03-15T10:00:02.000Z"
    );
    assert_eq!(
        json["eventDeactivations"][0]["tokenCodes"],
        serde_json::json!([])
    );
    assert_eq!(json["endedSessions"][0]["reason"], "released");

    let back = feed.into_changes();
    assert_eq!(back.len(), 5);
    assert!(back.contains(&change(7, b, AccessChangeKind::EventDeleted)));
    assert!(back.contains(&change(3, a, restored("AAAA"))));
}

#[test]
fn a_deactivation_lists_the_event_codes() {
    let a = Uuid::new_v4();
    let codes_of = HashMap::from([(a, vec!["Cd4eF5gH6iJk".to_owned()])]);
    let feed = RevocationFeed::from_changes(
        &[change(1, a, AccessChangeKind::EventDeactivated)],
        &codes_of,
        at(2),
    );
    assert_eq!(feed.event_deactivations[0].token_codes, ["Cd4eF5gH6iJk"]);
    assert!(!feed.event_deactivations[0].deleted);
}

#[test]
fn a_seed_002_feed_without_our_fields_parses() {
    let feed: RevocationFeed = serde_json::from_str(
        r#"{"revocations":[{"code":"Ab3kF9mNx2Qp","revokedAt":"2025-03-15T11:30:00.000Z"}],
            "eventDeactivations":[{"eventId":"00000000-0000-0000-0000-000000000001",
              "deactivatedAt":"2025-03-15T11:45:00.000Z","tokenCodes":["Cd4eF5gH6iJk"]}],
            "serverTime":"2025-03-15T12:05:00.000Z"}"#,
    )
    .unwrap();
    let changes = feed.into_changes();
    assert_eq!(changes.len(), 2);
    assert_eq!(
        changes[0].kind,
        AccessChangeKind::CodeRevoked {
            code: "Ab3kF9mNx2Qp".into()
        }
    );
}

#[test]
fn stored_kinds_round_trip() {
    let session_id = Uuid::new_v4();
    for kind in [
        AccessChangeKind::CodeRevoked { code: "c".into() },
        AccessChangeKind::CodeRestored { code: "c".into() },
        AccessChangeKind::EventDeactivated,
        AccessChangeKind::EventReactivated,
        AccessChangeKind::EventDeleted,
        AccessChangeKind::SessionEnded {
            session_id,
            code: "c".into(),
            reason: SessionEndReason::TimedOut,
        },
    ] {
        let back = AccessChangeKind::from_parts(
            kind.as_str(),
            kind.code().map(str::to_owned),
            kind.session_id(),
        );
        assert_eq!(back, Some(kind));
    }
    assert_eq!(AccessChangeKind::from_parts("nonsense", None, None), None);
}
