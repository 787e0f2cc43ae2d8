//! Events through the domain service, on SQLite and PostgreSQL alike.

use std::sync::Arc;

use chrono::Duration;
use streamgate_domain::{
    authz::Authorizer,
    model::{time, CredentialKind, NewEvent, Principal, Role},
    service::Domain,
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

async fn created_event_reads_back_unchanged(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let created = domain
        .events()
        .create(new_event("Annual Conference", 2))
        .await
        .unwrap();
    let read = domain.events().get(created.id).await.unwrap();
    assert_eq!(read, created);
    assert_eq!(read.access_window_hours, 72);
    assert_eq!(
        read.stream_url.as_deref(),
        Some("https://origin.example.com/live/stream.m3u8")
    );
    assert_eq!(read.poster_url, None);
}

async fn list_orders_events_by_start(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    assert!(domain.events().list_all().await.unwrap().is_empty());
    for (title, hours) in [("later", 30), ("earliest", -5), ("middle", 3)] {
        domain
            .events()
            .create(new_event(title, hours))
            .await
            .unwrap();
    }
    let titles: Vec<String> = domain
        .events()
        .list_all()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.title)
        .collect();
    assert_eq!(titles, ["earliest", "middle", "later"]);

    // Members list through the permission check; every role holds events:read.
    let viewer = Principal::Member {
        user_id: uuid::Uuid::new_v4(),
        account_id: uuid::Uuid::new_v4(),
        role: Role::Viewer,
        via: CredentialKind::Session,
    };
    assert_eq!(domain.events().list(&viewer).await.unwrap().len(), 3);
}

async fn unknown_event_is_not_found(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let err = domain.events().get(uuid::Uuid::new_v4()).await.unwrap_err();
    assert!(
        matches!(err, DomainError::NotFound { what: "Event" }),
        "{err:?}"
    );
}

async fn invalid_event_is_refused_and_nothing_is_written(store: Arc<dyn Store>) {
    let domain = Domain::new(store, Authorizer::default());
    let mut input = new_event("Backwards", 1);
    input.ends_at = input.starts_at - Duration::minutes(1);
    let err = domain.events().create(input).await.unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::Validation {
                field: "endsAt",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(domain.events().list_all().await.unwrap().is_empty());
}

async fn migrating_twice_is_harmless(store: Arc<dyn Store>) {
    store.migrate().await.unwrap();
    Domain::new(store, Authorizer::default())
        .events()
        .create(new_event("After re-migration", 1))
        .await
        .unwrap();
}

streamgate_domain::on_both_backends!(
    created_event_reads_back_unchanged,
    list_orders_events_by_start,
    unknown_event_is_not_found,
    invalid_event_is_refused_and_nothing_is_written,
    migrating_twice_is_harmless,
);
