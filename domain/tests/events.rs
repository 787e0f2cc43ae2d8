//! Events through the domain service, on SQLite and PostgreSQL alike.

use std::{collections::HashSet, sync::Arc};

use chrono::Duration;
use streamgate_domain::{
    assert_refused,
    authz::{Authorizer, EnforcementMode},
    model::{
        time, CodeStatus, CredentialKind, EventPatch, EventQuery, NewCodes, NewEvent, Permission,
        Principal, Role,
    },
    service::{Domain, EventSwitch},
    store::Store,
    testing::{self, account_owner},
    DomainError,
};

const OPERATOR: &Principal = &Principal::Operator;

fn new_event(title: &str, starts_in_hours: i64) -> NewEvent {
    let starts_at = time::now() + Duration::hours(starts_in_hours);
    NewEvent {
        description: Some("Live keynote stream".into()),
        stream_url: Some("https://origin.example.com/live/stream.m3u8".into()),
        access_window_hours: Some(72),
        ..testing::new_event(title, starts_at, 8)
    }
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
    let domain = Domain::new(store.clone(), Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let other = account_owner(&domain, "owner@other.test").await;
    assert!(domain.events().list(OPERATOR).await.unwrap().is_empty());
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
    assert_eq!(domain.events().list(OPERATOR).await.unwrap().len(), 4);

    // The other account's event is invisible, and cannot be created into, whatever the mode.
    let off = Domain::new(store, Authorizer::new(EnforcementMode::Off));
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

/// The command line's `event create`: the operator acts on the account it names, else on the
/// only one (before the first start chose a default), else on the default account.
async fn the_operator_creates_events_in_the_only_or_default_account(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let create = |account_id: Option<uuid::Uuid>, title: &str| {
        let domain = domain.clone();
        let input = new_event(title, 1);
        async move {
            let account_id = domain
                .accounts()
                .acting_account(OPERATOR, account_id)
                .await?;
            domain
                .events()
                .create(OPERATOR, account_id, input, None)
                .await
        }
    };
    assert_refused!(
        create(None, "too early").await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    let owner = account_owner(&domain, "owner@acme.test").await;
    let event = create(None, "keynote").await.unwrap();
    assert_eq!(event.account_id, Some(account_of(&owner)));
    let other = account_owner(&domain, "owner@other.test").await;
    assert_refused!(
        create(None, "which one?").await,
        DomainError::Validation {
            field: "accountId",
            ..
        }
    );
    create(Some(account_of(&owner)), "named").await.unwrap();
    assert_refused!(
        create(Some(uuid::Uuid::new_v4()), "nowhere").await,
        DomainError::NotFound { what: "Account" }
    );
    // Once the first start has chosen the default account (the oldest), that one.
    domain.auth().prepare_installation().await.unwrap();
    let event = create(None, "default").await.unwrap();
    assert_eq!(event.account_id, Some(account_of(&owner)));
    let named = create(Some(account_of(&other)), "other").await.unwrap();
    assert_eq!(named.account_id, Some(account_of(&other)));
    let trail = domain.accounts().audit_trail(&owner, None).await.unwrap();
    assert!(trail
        .iter()
        .filter(|entry| entry.action == "event.created")
        .all(|entry| entry.actor == "operator"));
}

/// Start-up tasks (the demo) read any event and move it, under the same rules as organizers,
/// audited as the operator; its codes' expiry follows.
async fn the_operator_reads_and_moves_any_event(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let last_week = domain
        .events()
        .create(
            OPERATOR,
            account_of(&owner),
            new_event("Last week", -24 * 7),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        domain.events().get(OPERATOR, last_week.id).await.unwrap(),
        last_week
    );
    let code = domain
        .codes()
        .generate(
            OPERATOR,
            last_week.id,
            NewCodes {
                count: 1,
                label: None,
            },
            None,
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
    let update = |id, patch| {
        let domain = domain.clone();
        async move { domain.events().update(OPERATOR, id, patch, None).await }
    };
    let moved = update(
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
        domain.events().get(OPERATOR, last_week.id).await.unwrap(),
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

    let backwards = EventPatch {
        ends_at: Some(now - Duration::days(1)),
        ..EventPatch::default()
    };
    assert_refused!(
        update(last_week.id, backwards).await,
        DomainError::Validation {
            field: "endsAt",
            ..
        }
    );
    assert_refused!(
        domain.events().get(OPERATOR, uuid::Uuid::new_v4()).await,
        DomainError::NotFound { what: "Event" }
    );
    assert_refused!(
        update(uuid::Uuid::new_v4(), EventPatch::default()).await,
        DomainError::NotFound { what: "Event" }
    );
}

/// Seed 002's admin door lists every event unpaged: all pages of the summaries, in order, with
/// the filters applied, and only the caller's account's.
async fn all_summaries_span_every_page(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let other = account_owner(&domain, "owner@other.test").await;
    // More events than the largest page holds.
    let total = 505;
    let starts = time::now() - Duration::days(30);
    for n in 0..total {
        let title = match n % 100 {
            0 => format!("Gala {n}"),
            _ => format!("Event {n}"),
        };
        let input = testing::new_event(&title, starts + Duration::hours(n), 1);
        testing::create_event(&domain, &owner, input).await;
    }
    testing::create_event(&domain, &other, testing::new_event("Theirs", starts, 1)).await;

    let events = domain.events();
    let all = events
        .list_all_summaries(&owner, EventQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), total as usize);
    let ids: HashSet<uuid::Uuid> = all.iter().map(|s| s.event.id).collect();
    assert_eq!(ids.len(), all.len(), "no event twice");
    assert!(all
        .windows(2)
        .all(|pair| pair[0].event.starts_at > pair[1].event.starts_at));
    assert_eq!(all[0].event.title, format!("Event {}", total - 1));
    let galas = EventQuery {
        search: Some("gala".into()),
        ..EventQuery::default()
    };
    assert_eq!(
        events
            .list_all_summaries(&owner, galas)
            .await
            .unwrap()
            .len(),
        6
    );
    let everything = events
        .list_all_summaries(OPERATOR, EventQuery::default())
        .await
        .unwrap();
    assert_eq!(everything.len(), total as usize + 1);
    let viewer = Principal::Member {
        user_id: uuid::Uuid::new_v4(),
        account_id: account_of(&owner),
        role: Role::Viewer,
        via: CredentialKind::Session,
    };
    let seen = events
        .list_all_summaries(&viewer, EventQuery::default())
        .await
        .unwrap();
    assert_eq!(seen.len(), total as usize);
}

/// Deleting with a confirmation: only the exact title deletes; anything else leaves the event
/// and its codes as they were.
async fn delete_with_a_confirmation_needs_the_exact_title(store: Arc<dyn Store>) {
    let domain = Domain::new(store.clone(), Authorizer::default());
    let owner = account_owner(&domain, "owner@acme.test").await;
    let event = testing::create_event(&domain, &owner, new_event("Annual Keynote", 1)).await;
    let codes = testing::generate_codes(&domain, &owner, &event, 2, None).await;
    for typed in ["annual keynote", "Annual Keynote ", "Annual", ""] {
        let err = domain
            .events()
            .delete(&owner, event.id, Some(typed), None)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DomainError::Validation { field: "confirm", message }
                if message == "type the event's title exactly to delete it"),
            "{typed:?}: {err:?}"
        );
    }
    assert_eq!(domain.events().get(&owner, event.id).await.unwrap(), event);
    let code = domain.codes().get(&owner, codes[0].id).await.unwrap();
    assert_eq!(code.status(time::now()), CodeStatus::Unused);
    let trail = domain.accounts().audit_trail(&owner, None).await.unwrap();
    assert!(trail.iter().all(|entry| entry.action != "event.deleted"));

    domain
        .events()
        .delete(&owner, event.id, Some("Annual Keynote"), None)
        .await
        .unwrap();
    assert!(store.find_event(event.id).await.unwrap().is_none());
    assert!(store.find_code(codes[0].id).await.unwrap().is_none());
    // Visibility comes first: another account's event is simply not found.
    let other = testing::create_event(&domain, &owner, new_event("Other", 1)).await;
    let stranger = account_owner(&domain, "owner@other.test").await;
    assert_refused!(
        domain
            .events()
            .delete(&stranger, other.id, Some("Other"), None)
            .await,
        DomainError::NotFound { what: "Event" }
    );
}

/// `serve --demo`: the demo event goes to the default account, acting as the operator, and
/// the same event (with a fresh unused code when needed) is reused at every start.
async fn the_demo_lives_in_the_default_account_and_is_reused(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let other = account_owner(&domain, "owner@other.test").await;
    account_owner(&domain, "owner@newer.test").await;
    domain.auth().prepare_installation().await.unwrap();
    let (event, code) = domain.demo().prepare().await.unwrap();
    assert_eq!(
        event.account_id,
        Some(account_of(&other)),
        "the oldest account"
    );
    assert_eq!(code.event_id, event.id);
    assert_eq!(code.status(time::now()), CodeStatus::Unused);
    let (again, same_code) = domain.demo().prepare().await.unwrap();
    assert_eq!(again.id, event.id);
    assert_eq!(same_code.id, code.id);
    let trail = domain.accounts().audit_trail(&other, None).await.unwrap();
    let by_operator: Vec<&str> = trail
        .iter()
        .filter(|entry| entry.actor == "operator")
        .map(|entry| entry.action.as_str())
        .collect();
    assert_eq!(
        by_operator,
        ["codes.generated", "event.created", "user.created"]
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
    assert!(domain.events().list(OPERATOR).await.unwrap().is_empty());
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
    the_operator_creates_events_in_the_only_or_default_account,
    the_operator_reads_and_moves_any_event,
    all_summaries_span_every_page,
    delete_with_a_confirmation_needs_the_exact_title,
    the_demo_lives_in_the_default_account_and_is_reused,
    unknown_event_is_not_found,
    invalid_event_is_refused_and_nothing_is_written,
    migrating_twice_is_harmless,
);
