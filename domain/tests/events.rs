//! Events through the domain service, on SQLite and PostgreSQL alike.

use std::sync::Arc;

use chrono::Duration;
use streamgate_domain::{
    assert_refused,
    authz::{Authorizer, EnforcementMode},
    model::{time, CredentialKind, EventPatch, NewCodes, NewEvent, Permission, Principal, Role},
    service::{member_principal, Domain, EventSwitch},
    store::Store,
    DomainError,
};

fn new_event(title: &str, starts_in_hours: i64) -> NewEvent {
    let starts_at = time::now() + Duration::hours(starts_in_hours);
    NewEvent {
        title: title.into(),
        description: Some("Live keynote stream".into()),
        stream_url: Some("https://origin.example.com/live/stream.m3u8".into()),
        poster_url: None,
        starts_at,
        ends_at: starts_at + Duration::hours(8),
        access_window_hours: Some(72),
    }
}

const PASSWORD: &str = "correct horse battery";

/// A new account; its owner acting through the session cookie.
async fn account_owner(domain: &Domain, email: &str) -> Principal {
    let (_, owner) = domain
        .accounts()
        .create_account_with_owner("Acme", email, PASSWORD)
        .await
        .unwrap();
    member_principal(&owner, CredentialKind::Session)
}

fn account_of(principal: &Principal) -> uuid::Uuid {
    principal.account_id().unwrap()
}

async fn created_event_reads_back_unchanged(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let created = domain
        .events()
        .create(
            &owner,
            account_of(&owner),
            new_event("Annual Conference", 2),
            None,
        )
        .await
        .unwrap();
    assert_eq!(created.account_id, Some(account_of(&owner)));
    let read = domain.events().get(&owner, created.id).await.unwrap();
    assert_eq!(read, created);
    assert_eq!(read.access_window_hours, 72);
    assert_eq!(
        read.stream_url.as_deref(),
        Some("https://origin.example.com/live/stream.m3u8")
    );
    assert_eq!(read.poster_url, None);
}

async fn list_orders_events_by_start_within_the_account(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let other = account_owner(&domain, "owner@other.test").await;
    assert!(domain.events().list_all().await.unwrap().is_empty());
    for (title, hours) in [("later", 30), ("earliest", -5), ("middle", 3)] {
        domain
            .events()
            .create(&owner, account_of(&owner), new_event(title, hours), None)
            .await
            .unwrap();
    }
    let foreign = domain
        .events()
        .create(
            &other,
            account_of(&other),
            new_event("someone else's", 1),
            None,
        )
        .await
        .unwrap();
    let titles: Vec<String> = domain
        .events()
        .list(&owner)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.title)
        .collect();
    assert_eq!(titles, ["earliest", "middle", "later"]);
    assert_eq!(domain.events().list_all().await.unwrap().len(), 4);

    // The other account's event is invisible, and cannot be created into, whatever the mode.
    let off = Domain::new(
        domain.store().clone(),
        Authorizer::new(EnforcementMode::Off),
    );
    assert_refused!(
        off.events().get(&owner, foreign.id).await,
        DomainError::NotFound { what: "Event" }
    );
    assert_refused!(
        off.events()
            .create(&owner, account_of(&other), new_event("intrusion", 1), None)
            .await,
        DomainError::NotFound { what: "Account" }
    );

    // Viewers read but do not write.
    let viewer = Principal::Member {
        user_id: uuid::Uuid::new_v4(),
        account_id: account_of(&owner),
        role: Role::Viewer,
        via: CredentialKind::Session,
    };
    assert_eq!(domain.events().list(&viewer).await.unwrap().len(), 3);
    assert_refused!(
        domain
            .events()
            .create(&viewer, account_of(&owner), new_event("nope", 1), None)
            .await,
        DomainError::Forbidden {
            permission: Permission::EventsWrite
        }
    );
}

async fn the_operator_creates_events_in_the_only_account(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    assert_refused!(
        domain
            .events()
            .create_as_operator(None, new_event("too early", 1))
            .await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    let owner = account_owner(&domain, "owner@acme.test").await;
    let event = domain
        .events()
        .create_as_operator(None, new_event("keynote", 1))
        .await
        .unwrap();
    assert_eq!(event.account_id, Some(account_of(&owner)));
    account_owner(&domain, "owner@other.test").await;
    assert_refused!(
        domain
            .events()
            .create_as_operator(None, new_event("which one?", 1))
            .await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    domain
        .events()
        .create_as_operator(Some(account_of(&owner)), new_event("named", 1))
        .await
        .unwrap();
}

/// Start-up tasks (the demo) read any event and move it, under the same rules as organizers,
/// audited as the operator; its codes' expiry follows.
async fn the_operator_reads_and_moves_any_event(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let last_week = domain
        .events()
        .create_as_operator(None, new_event("Last week", -24 * 7))
        .await
        .unwrap();
    assert_eq!(
        domain.events().get_as_operator(last_week.id).await.unwrap(),
        last_week
    );
    let code = domain
        .codes()
        .generate_as_operator(
            last_week.id,
            NewCodes {
                count: 1,
                label: None,
            },
        )
        .await
        .unwrap()
        .remove(0);
    assert!(code.expires_at < time::now(), "expired with the event");
    domain
        .events()
        .switch(&owner, last_week.id, EventSwitch::Deactivate, None)
        .await
        .unwrap();

    let now = time::now();
    let moved = domain
        .events()
        .update_as_operator(
            last_week.id,
            EventPatch {
                starts_at: Some(now - Duration::minutes(1)),
                ends_at: Some(now + Duration::days(7)),
                is_active: Some(true),
                ..EventPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (moved.starts_at, moved.ends_at, moved.is_active),
        (now - Duration::minutes(1), now + Duration::days(7), true)
    );
    assert_eq!(moved.title, "Last week");
    assert_eq!(
        domain.events().get_as_operator(last_week.id).await.unwrap(),
        moved
    );
    let code = domain.codes().get(&owner, code.id).await.unwrap();
    assert_eq!(code.expires_at, moved.codes_expire_at());
    let trail = domain.accounts().audit_trail(&owner, None).await.unwrap();
    let by_operator: Vec<&str> = trail
        .iter()
        .filter(|entry| entry.actor == "operator")
        .map(|entry| entry.action.as_str())
        .collect();
    assert!(
        by_operator.contains(&"event.updated") && by_operator.contains(&"event.activated"),
        "{by_operator:?}"
    );

    assert_refused!(
        domain
            .events()
            .update_as_operator(
                last_week.id,
                EventPatch {
                    ends_at: Some(now - Duration::days(1)),
                    ..EventPatch::default()
                },
            )
            .await,
        DomainError::Validation {
            field: "endsAt",
            ..
        }
    );
    assert_refused!(
        domain.events().get_as_operator(uuid::Uuid::new_v4()).await,
        DomainError::NotFound { what: "Event" }
    );
    assert_refused!(
        domain
            .events()
            .update_as_operator(uuid::Uuid::new_v4(), EventPatch::default())
            .await,
        DomainError::NotFound { what: "Event" }
    );
}

async fn unknown_event_is_not_found(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    assert_refused!(
        domain.events().get(&owner, uuid::Uuid::new_v4()).await,
        DomainError::NotFound { what: "Event" }
    );
}

async fn invalid_event_is_refused_and_nothing_is_written(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let mut input = new_event("Backwards", 1);
    input.ends_at = input.starts_at - Duration::minutes(1);
    assert_refused!(
        domain
            .events()
            .create(&owner, account_of(&owner), input, None)
            .await,
        DomainError::Validation {
            field: "endsAt",
            ..
        }
    );
    assert!(domain.events().list_all().await.unwrap().is_empty());
}

async fn migrating_twice_is_harmless(store: Arc<dyn Store>) {
    store.migrate().await.unwrap();
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    domain
        .events()
        .create(
            &owner,
            account_of(&owner),
            new_event("After re-migration", 1),
            None,
        )
        .await
        .unwrap();
}

streamgate_domain::on_both_backends!(
    created_event_reads_back_unchanged,
    list_orders_events_by_start_within_the_account,
    the_operator_creates_events_in_the_only_account,
    the_operator_reads_and_moves_any_event,
    unknown_event_is_not_found,
    invalid_event_is_refused_and_nothing_is_written,
    migrating_twice_is_harmless,
);
