//! Access codes and event changes through the domain services, on SQLite and PostgreSQL alike.

use std::{collections::HashSet, sync::Arc};

use chrono::Duration;
use streamgate_domain::{
    assert_refused,
    authz::Authorizer,
    model::{
        time, AccessCode, CodeQuery, CodeStatus, CredentialKind, Event, EventPatch, EventQuery,
        NewCodes, NewEvent, PageRequest, Permission, Principal, Role,
    },
    service::{Domain, EventSwitch},
    store::{Store, StoreError},
    testing::{self, account_owner as owner_of_new_account},
    DomainError,
};
use uuid::Uuid;

const OPERATOR: &Principal = &Principal::Operator;

/// A domain over `store` with an account's owner, `owner@acme.test`.
async fn acme(store: Arc<dyn Store>) -> (Domain, Principal) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = owner_of_new_account(&domain, "owner@acme.test").await;
    (domain, owner)
}

fn colleague(of: &Principal, role: Role) -> Principal {
    Principal::Member {
        user_id: Uuid::new_v4(),
        account_id: of.account_id().unwrap(),
        role,
        via: CredentialKind::Session,
    }
}

/// An event that started an hour ago and runs `hours` more; codes work 48 h after its end.
async fn event(domain: &Domain, owner: &Principal, title: &str, hours: i64) -> Event {
    let starts_at = time::now() - Duration::hours(1);
    testing::create_event(domain, owner, testing::new_event(title, starts_at, hours)).await
}

async fn generate(
    domain: &Domain,
    who: &Principal,
    event: &Event,
    count: i64,
    label: &str,
) -> Vec<AccessCode> {
    testing::generate_codes(domain, who, event, count, Some(label)).await
}

/// Asserts that the trail of `owner`'s account holds each of `actions`.
/// Asserts that the audit trail holds each of the space-separated `actions`.
async fn assert_audited(domain: &Domain, owner: &Principal, actions: &str) {
    let trail = domain.accounts().audit_trail(owner, None).await.unwrap();
    let found: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    for action in actions.split_whitespace() {
        assert!(found.contains(&action), "{action} in {found:?}");
    }
}

/// How many codes `who` finds with `query`.
async fn total(domain: &Domain, who: &Principal, query: CodeQuery) -> i64 {
    domain.codes().list(who, query).await.unwrap().total
}

fn query(event: &Event, limit: u32) -> CodeQuery {
    CodeQuery {
        event_id: Some(event.id),
        page: PageRequest::first(limit),
        ..CodeQuery::default()
    }
}

async fn a_batch_is_unique_codes_expiring_with_the_event(store: Arc<dyn Store>) {
    let (domain, owner) = acme(store).await;
    let keynote = event(&domain, &owner, "Keynote", 8).await;
    let codes = generate(&domain, &owner, &keynote, 500, "  Batch A ").await;
    assert_eq!(codes.len(), 500);
    let distinct: HashSet<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(distinct.len(), 500);
    for code in &codes {
        assert_eq!(code.code.len(), 12);
        assert!(code.code.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(code.label.as_deref(), Some("Batch A"));
        assert_eq!(code.expires_at, keynote.ends_at + Duration::hours(48));
        assert_eq!(code.status(time::now()), CodeStatus::Unused);
    }
    // What was returned is what was stored.
    let stored = domain.codes().get(&owner, codes[17].id).await.unwrap();
    assert_eq!(stored, codes[17]);

    for count in [0, 501, -3] {
        let refused = domain
            .codes()
            .generate(&owner, keynote.id, NewCodes { count, label: None }, None)
            .await;
        match refused {
            Err(DomainError::Validation { field, message }) => {
                assert_eq!(
                    (field, message.as_str()),
                    ("count", "Count must be between 1 and 500")
                )
            }
            other => panic!("count {count}: {other:?}"),
        }
    }
    assert_refused!(
        domain
            .codes()
            .generate(
                &owner,
                keynote.id,
                NewCodes {
                    count: 1,
                    label: Some("x".repeat(201)),
                },
                None,
            )
            .await,
        DomainError::Validation { field: "label", .. }
    );
    assert_refused!(
        domain
            .codes()
            .generate(
                &colleague(&owner, Role::Viewer),
                keynote.id,
                NewCodes {
                    count: 1,
                    label: None
                },
                None
            )
            .await,
        DomainError::Forbidden {
            permission: Permission::CodesCreate
        }
    );
    let page = domain
        .codes()
        .list(&owner, query(&keynote, 1))
        .await
        .unwrap();
    assert_eq!(page.total, 500, "refused batches wrote nothing");
}

async fn collisions_are_retried_and_a_hopeless_batch_writes_nothing(store: Arc<dyn Store>) {
    let (domain, owner) = acme(store.clone()).await;
    let keynote = event(&domain, &owner, "Keynote", 8).await;
    let taken = generate(&domain, &owner, &keynote, 1, "first")
        .await
        .remove(0);

    let colliding = |code: &str| AccessCode {
        id: Uuid::new_v4(),
        code: code.into(),
        ..taken.clone()
    };
    let fresh = std::sync::atomic::AtomicU32::new(0);
    let stored = store
        .insert_codes(
            vec![colliding(&taken.code), colliding("Unique000001")],
            &|| {
                format!(
                    "Retried{:05}",
                    fresh.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                )
            },
            None,
        )
        .await
        .unwrap();
    let mut codes: Vec<&str> = stored.iter().map(|c| c.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["Retried00000", "Unique000001"]);

    // A generator that only ever repeats a taken code: the batch fails as a whole.
    let result = store
        .insert_codes(
            vec![colliding("Unique000002"), colliding(&taken.code)],
            &|| taken.code.clone(),
            None,
        )
        .await;
    assert!(
        matches!(result, Err(StoreError::CodeSpaceExhausted)),
        "{result:?}"
    );
    let page = domain
        .codes()
        .list(&owner, query(&keynote, 10))
        .await
        .unwrap();
    assert_eq!(page.total, 3, "nothing of the failed batch was kept");
    assert!(page.items.iter().all(|c| c.code != "Unique000002"));
}

async fn pages_filters_and_search(store: Arc<dyn Store>) {
    let (domain, owner) = acme(store).await;
    let keynote = event(&domain, &owner, "Keynote", 8).await;
    let workshop = event(&domain, &owner, "Workshop", 8).await;
    let mut all = generate(&domain, &owner, &keynote, 70, "Press").await;
    all.extend(generate(&domain, &owner, &keynote, 50, "VIP_100%").await);
    generate(&domain, &owner, &workshop, 5, "Press").await;

    // Walking by cursor visits every code of the event once, newest batch first.
    let mut seen = Vec::new();
    let mut next = query(&keynote, 50);
    loop {
        let page = domain.codes().list(&owner, next.clone()).await.unwrap();
        assert_eq!(page.total, 120);
        assert!(page.items.len() <= 50);
        seen.extend(page.items.iter().map(|c| c.id));
        match page.next_cursor {
            Some(cursor) => next.page.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen.len(), 120);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 120);
    let first = domain.codes().get(&owner, seen[0]).await.unwrap();
    assert_eq!(first.label.as_deref(), Some("VIP_100%"));

    // Offset paging.
    let mut by_offset = query(&keynote, 50);
    by_offset.page.offset = 100;
    let page = domain.codes().list(&owner, by_offset).await.unwrap();
    assert_eq!(page.items.len(), 20);
    assert_eq!(
        page.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        seen[100..]
    );

    // Search: label or code, case-insensitive, with LIKE wildcards taken literally.
    let search = |text: &str| CodeQuery {
        search: Some(text.into()),
        ..query(&keynote, 500)
    };
    assert_eq!(total(&domain, &owner, search("vip_100%")).await, 50);
    assert_eq!(total(&domain, &owner, search("_1")).await, 50);
    assert_eq!(total(&domain, &owner, search("%")).await, 50);
    let one = &all[3].code;
    let found = domain
        .codes()
        .list(&owner, search(&one[2..9].to_lowercase()))
        .await
        .unwrap();
    assert!(found.items.iter().any(|c| &c.code == one));

    // Status filters.
    domain
        .codes()
        .set_revoked(&owner, all[0].id, true, None)
        .await
        .unwrap();
    domain
        .codes()
        .set_revoked(&owner, all[1].id, true, None)
        .await
        .unwrap();
    let by_status = |status| CodeQuery {
        status: Some(status),
        ..query(&keynote, 500)
    };
    assert_eq!(
        total(&domain, &owner, by_status(CodeStatus::Revoked)).await,
        2
    );
    assert_eq!(
        total(&domain, &owner, by_status(CodeStatus::Unused)).await,
        118
    );
    assert_eq!(
        total(&domain, &owner, by_status(CodeStatus::Expired)).await,
        0
    );
    assert_eq!(
        total(&domain, &owner, by_status(CodeStatus::Redeemed)).await,
        0
    );

    // Across events: the account's codes only.
    let everything = CodeQuery {
        page: PageRequest::first(1),
        ..CodeQuery::default()
    };
    assert_eq!(total(&domain, &owner, everything.clone()).await, 125);
    let stranger = owner_of_new_account(&domain, "owner@other.test").await;
    assert_eq!(total(&domain, &stranger, everything).await, 0);
    assert_refused!(
        domain.codes().list(&stranger, query(&keynote, 10)).await,
        DomainError::NotFound { what: "Event" }
    );
    assert_refused!(
        domain.codes().get(&stranger, all[0].id).await,
        DomainError::NotFound {
            what: "Access code"
        }
    );
    let mut bad_cursor = query(&keynote, 10);
    bad_cursor.page.cursor = Some("nonsense".into());
    assert_refused!(
        domain.codes().list(&owner, bad_cursor).await,
        DomainError::Validation {
            field: "cursor",
            ..
        }
    );
}

async fn revoking_unrevoking_and_bulk(store: Arc<dyn Store>) {
    let (domain, owner) = acme(store).await;
    let keynote = event(&domain, &owner, "Keynote", 8).await;
    let codes = generate(&domain, &owner, &keynote, 6, "Batch").await;

    let revoked = domain
        .codes()
        .set_revoked(&owner, codes[0].id, true, None)
        .await
        .unwrap();
    assert!(revoked.is_revoked);
    let first_revocation = revoked.revoked_at.expect("revokedAt set");
    let again = domain
        .codes()
        .set_revoked(&owner, codes[0].id, true, None)
        .await
        .unwrap();
    assert_eq!(
        again.revoked_at,
        Some(first_revocation),
        "revoking twice keeps the first time"
    );
    let back = domain
        .codes()
        .set_revoked(&owner, codes[0].id, false, None)
        .await
        .unwrap();
    assert!(!back.is_revoked && back.revoked_at.is_none());

    let editor = colleague(&owner, Role::Editor);
    let viewer = colleague(&owner, Role::Viewer);
    assert_refused!(
        domain
            .codes()
            .set_revoked(&viewer, codes[1].id, true, None)
            .await,
        DomainError::Forbidden {
            permission: Permission::CodesRevoke
        }
    );
    let stranger = owner_of_new_account(&domain, "owner@other.test").await;
    assert_refused!(
        domain
            .codes()
            .set_revoked(&stranger, codes[1].id, true, None)
            .await,
        DomainError::NotFound {
            what: "Access code"
        }
    );
    assert_refused!(
        domain
            .codes()
            .set_revoked(&owner, Uuid::new_v4(), true, None)
            .await,
        DomainError::NotFound {
            what: "Access code"
        }
    );

    // Bulk: only this account's codes that are not revoked yet count; unknown ids are skipped.
    domain
        .codes()
        .set_revoked(&owner, codes[1].id, true, None)
        .await
        .unwrap();
    let theirs = event(&domain, &stranger, "Theirs", 8).await;
    let foreign = generate(&domain, &stranger, &theirs, 1, "x").await;
    let ids = [
        codes[1].id,
        codes[2].id,
        codes[3].id,
        foreign[0].id,
        Uuid::new_v4(),
    ];
    let codes_service = domain.codes();
    let bulk_revoke = || codes_service.bulk_revoke(&editor, &ids, None);
    assert_eq!(bulk_revoke().await.unwrap(), 2);
    let theirs_now = domain.codes().get(&stranger, foreign[0].id).await.unwrap();
    assert!(!theirs_now.is_revoked);
    // Again: nothing is left to revoke.
    assert_eq!(bulk_revoke().await.unwrap(), 0);
    assert_refused!(
        domain.codes().bulk_revoke(&editor, &[], None).await,
        DomainError::Validation {
            field: "tokenIds",
            ..
        }
    );
    assert_refused!(
        domain.codes().bulk_revoke(&viewer, &ids, None).await,
        DomainError::Forbidden {
            permission: Permission::CodesRevoke
        }
    );

    // An expired code may be revoked, but not un-revoked.
    let past_start = time::now() - Duration::hours(100);
    let old = domain
        .events()
        .create(
            &owner,
            owner.account_id().unwrap(),
            NewEvent {
                title: "Last year".into(),
                starts_at: past_start,
                ends_at: past_start + Duration::hours(2),
                access_window_hours: Some(1),
                ..NewEvent::default()
            },
            None,
        )
        .await
        .unwrap();
    let stale = generate(&domain, &owner, &old, 1, "old").await.remove(0);
    assert_eq!(stale.status(time::now()), CodeStatus::Expired);
    domain
        .codes()
        .set_revoked(&owner, stale.id, true, None)
        .await
        .unwrap();
    assert_refused!(
        domain
            .codes()
            .set_revoked(&owner, stale.id, false, None)
            .await,
        DomainError::Validation {
            field: "isRevoked",
            ..
        }
    );

    assert_audited(
        &domain,
        &owner,
        "codes.generated code.revoked code.unrevoked codes.bulk_revoked",
    )
    .await;
}

async fn event_changes_move_code_expiry_and_delete_cascades(store: Arc<dyn Store>) {
    let (domain, owner) = acme(store.clone()).await;
    let keynote = event(&domain, &owner, "Keynote", 8).await;
    let codes = generate(&domain, &owner, &keynote, 3, "Batch").await;

    // A title change leaves expiry alone; a new end and window move every code.
    let renamed = domain
        .events()
        .update(
            &owner,
            keynote.id,
            EventPatch {
                title: Some("Keynote (day 1)".into()),
                description: Some(Some("Opening".into())),
                ..EventPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(renamed.title, "Keynote (day 1)");
    assert!(renamed.updated_at >= keynote.updated_at);
    let new_end = keynote.ends_at + Duration::hours(2);
    let moved = domain
        .events()
        .update(
            &owner,
            keynote.id,
            EventPatch {
                ends_at: Some(new_end),
                access_window_hours: Some(72),
                description: Some(None),
                ..EventPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(moved.description, None);
    assert_eq!(moved.title, "Keynote (day 1)");
    for code in &codes {
        let code = domain.codes().get(&owner, code.id).await.unwrap();
        assert_eq!(code.expires_at, new_end + Duration::hours(72));
    }

    // An invalid result is refused whole.
    assert_refused!(
        domain
            .events()
            .update(
                &owner,
                keynote.id,
                EventPatch {
                    ends_at: Some(keynote.starts_at),
                    title: Some("Changed".into()),
                    ..EventPatch::default()
                },
                None,
            )
            .await,
        DomainError::Validation {
            field: "endsAt",
            ..
        }
    );
    assert_refused!(
        domain
            .events()
            .update(
                &owner,
                keynote.id,
                EventPatch {
                    title: Some("  ".into()),
                    ..EventPatch::default()
                },
                None,
            )
            .await,
        DomainError::Validation { field: "title", .. }
    );
    assert_eq!(
        domain.events().get(&owner, keynote.id).await.unwrap().title,
        "Keynote (day 1)"
    );

    // A switch made through an update is audited as the switch.
    domain
        .events()
        .update(
            &owner,
            keynote.id,
            EventPatch {
                is_active: Some(false),
                ..EventPatch::default()
            },
            None,
        )
        .await
        .unwrap();
    let trail = domain.accounts().audit_trail(&owner, None).await.unwrap();
    assert_eq!(
        (trail[0].action.as_str(), trail[1].action.as_str()),
        ("event.deactivated", "event.updated")
    );

    // Switches.
    let off = domain
        .events()
        .switch(&owner, keynote.id, EventSwitch::Deactivate, None)
        .await
        .unwrap();
    assert!(!off.is_active);
    let archived = domain
        .events()
        .switch(&owner, keynote.id, EventSwitch::Archive, None)
        .await
        .unwrap();
    assert!(archived.is_archived && !archived.is_active);
    assert_refused!(
        domain
            .events()
            .switch(
                &colleague(&owner, Role::Viewer),
                keynote.id,
                EventSwitch::Activate,
                None
            )
            .await,
        DomainError::Forbidden {
            permission: Permission::EventsWrite
        }
    );

    // Delete takes the codes with it; editors may delete, viewers may not.
    assert_refused!(
        domain
            .events()
            .delete(&colleague(&owner, Role::Viewer), keynote.id, None, None)
            .await,
        DomainError::Forbidden {
            permission: Permission::EventsDelete
        }
    );
    domain
        .events()
        .delete(&colleague(&owner, Role::Editor), keynote.id, None, None)
        .await
        .unwrap();
    assert!(store.find_event(keynote.id).await.unwrap().is_none());
    for code in &codes {
        assert!(store.find_code(code.id).await.unwrap().is_none());
    }
    assert_refused!(
        domain.events().delete(&owner, keynote.id, None, None).await,
        DomainError::NotFound { what: "Event" }
    );
    assert_audited(
        &domain,
        &owner,
        "event.created event.updated event.deactivated event.archived event.deleted",
    )
    .await;
}

async fn summaries_and_dashboard_count_per_account(store: Arc<dyn Store>) {
    let (domain, owner) = acme(store).await;
    let stranger = owner_of_new_account(&domain, "owner@other.test").await;
    let keynote = event(&domain, &owner, "Annual Keynote", 8).await;
    let workshop = event(&domain, &owner, "Workshop", 8).await;
    let gala = event(&domain, &owner, "Gala", 8).await;
    generate(&domain, &owner, &keynote, 7, "a").await;
    generate(&domain, &owner, &workshop, 2, "b").await;
    let theirs = event(&domain, &stranger, "Keynote elsewhere", 8).await;
    generate(&domain, &stranger, &theirs, 4, "c").await;
    domain
        .events()
        .switch(&owner, workshop.id, EventSwitch::Deactivate, None)
        .await
        .unwrap();
    domain
        .events()
        .switch(&owner, gala.id, EventSwitch::Archive, None)
        .await
        .unwrap();

    let stats = domain
        .events()
        .dashboard(&colleague(&owner, Role::Viewer))
        .await
        .unwrap();
    assert_eq!(
        (
            stats.total_events,
            stats.active_events,
            stats.total_codes,
            stats.redeemed_codes
        ),
        (3, 1, 9, 0)
    );
    let all = domain
        .events()
        .dashboard(&Principal::Superadmin {
            via: CredentialKind::Session,
        })
        .await
        .unwrap();
    assert_eq!((all.total_events, all.total_codes), (4, 13));

    let events = domain.events();
    let list = |query: EventQuery| events.list_summaries(&owner, query);
    let page = list(EventQuery::default()).await.unwrap();
    assert_eq!(page.total, 3);
    let counts: Vec<(String, i64)> = page
        .items
        .iter()
        .map(|s| (s.event.title.clone(), s.count.codes))
        .collect();
    assert!(counts.contains(&("Annual Keynote".into(), 7)), "{counts:?}");
    assert!(counts.contains(&("Gala".into(), 0)), "{counts:?}");
    let found = list(EventQuery {
        search: Some("KEYNOTE".into()),
        ..EventQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(found.total, 1, "only this account's keynote");
    let archived = list(EventQuery {
        is_archived: Some(true),
        ..EventQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(archived.items[0].event.id, gala.id);
    let inactive = list(EventQuery {
        is_active: Some(false),
        ..EventQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(inactive.items.len(), 1);
    assert_eq!(inactive.items[0].event.id, workshop.id);

    // Offset pages with the offset as cursor.
    let first = list(EventQuery {
        page: PageRequest::first(2),
        ..EventQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(first.items.len(), 2);
    let rest = list(EventQuery {
        page: PageRequest {
            cursor: first.next_cursor.clone(),
            ..PageRequest::first(2)
        },
        ..EventQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next_cursor, None);

    let summary = domain
        .events()
        .get_summary(&owner, keynote.id)
        .await
        .unwrap();
    assert_eq!(summary.count.codes, 7);
}

/// The command line and start-up tasks (the demo) mint and list codes of any account's events,
/// under the same rules, audited as the operator.
async fn the_operator_mints_and_lists_codes_in_any_account(store: Arc<dyn Store>) {
    let (domain, owner) = acme(store).await;
    let keynote = event(&domain, &owner, "Keynote", 8).await;
    let other_owner = owner_of_new_account(&domain, "owner@other.test").await;
    let other = event(&domain, &other_owner, "Other", 8).await;

    let codes = testing::generate_codes(&domain, OPERATOR, &keynote, 3, Some(" Demo ")).await;
    assert_eq!(codes.len(), 3);
    for code in &codes {
        assert_eq!(code.event_id, keynote.id);
        assert_eq!(code.label.as_deref(), Some("Demo"));
        assert_eq!(code.expires_at, keynote.codes_expire_at());
        assert_eq!(code.status(time::now()), CodeStatus::Unused);
    }
    let trail = domain.accounts().audit_trail(&owner, None).await.unwrap();
    let minted = trail
        .iter()
        .find(|entry| entry.action == "codes.generated")
        .expect("the batch is audited");
    assert_eq!(
        (minted.actor.as_str(), minted.account_id),
        ("operator", owner.account_id())
    );

    // One event's unused codes: a revoked one is left out.
    domain
        .codes()
        .set_revoked(&owner, codes[0].id, true, None)
        .await
        .unwrap();
    let unused = domain
        .codes()
        .list(
            OPERATOR,
            CodeQuery {
                status: Some(CodeStatus::Unused),
                ..query(&keynote, 10)
            },
        )
        .await
        .unwrap();
    let ids: HashSet<Uuid> = unused.items.iter().map(|code| code.id).collect();
    assert_eq!(ids, HashSet::from([codes[1].id, codes[2].id]));
    assert_eq!(unused.total, 2);
    // Without an event: every account's codes.
    generate(&domain, &other_owner, &other, 2, "Other").await;
    assert_eq!(total(&domain, OPERATOR, CodeQuery::default()).await, 5);

    assert_refused!(
        domain
            .codes()
            .generate(
                OPERATOR,
                keynote.id,
                NewCodes {
                    count: 0,
                    label: None
                },
                None
            )
            .await,
        DomainError::Validation { field: "count", .. }
    );
    assert_refused!(
        domain
            .codes()
            .generate(
                OPERATOR,
                Uuid::new_v4(),
                NewCodes {
                    count: 1,
                    label: None
                },
                None
            )
            .await,
        DomainError::NotFound { what: "Event" }
    );
}

streamgate_domain::on_both_backends!(
    the_operator_mints_and_lists_codes_in_any_account,
    a_batch_is_unique_codes_expiring_with_the_event,
    collisions_are_retried_and_a_hopeless_batch_writes_nothing,
    pages_filters_and_search,
    revoking_unrevoking_and_bulk,
    event_changes_move_code_expiry_and_delete_cascades,
    summaries_and_dashboard_count_per_account,
);
